/* sd-a11y.h: names for the buttons GTK and libadwaita name twice or not at all
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* Names the apply button of an AdwEntryRow (@apply_label) and the reveal
 * button of an AdwPasswordEntryRow (@reveal_label; NULL for other rows):
 * libadwaita 1.2 leaves them named by the row's title or not at all. */
void sd_a11y_name_entry_row_buttons (AdwEntryRow *row,
                                     const char  *apply_label,
                                     const char  *reveal_label);

/* Names the icon buttons under @widget @label, but for those in an
 * editable: the close button of a search bar (GTK 4.8 leaves it without a
 * name; call it once the bar has its child) or of a toast (libadwaita 1.2
 * makes it an icon without a name; sd-toasts.c calls it). */
void sd_a11y_name_close_buttons (GtkWidget  *widget,
                                 const char *label);

/* "_Try Again" as a screen reader should say it: "Try Again". */
char *sd_a11y_strip_mnemonic (const char *label);

/* From now on, every button with a text label, entry row and combo row
 * that is mapped keeps one accessible name: the name given to it on
 * purpose, else its visible text. GTK 4.8 and libadwaita 1.2 give them
 * two ("_Compare Compare": a button's label property holds the text as
 * given, mnemonic and all, and its label child names it again; "Ratio
 * Ratio": a row is labelled by two labels of its title). Once per
 * process. */
void sd_a11y_name_once (void);

G_END_DECLS

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

/* Names the close button ("Dismiss") of every toast that the toast
 * overlays in @root (itself one, or any descendant) show from now on:
 * libadwaita 1.2 makes it an icon without a name. */
void sd_a11y_name_toast_buttons (GtkWidget *root);

/* Names the close button of @bar (shown with
 * gtk_search_bar_set_show_close_button()): GTK 4.8 leaves it without a
 * name. Call it once the search bar has its child. */
void sd_a11y_name_search_bar_button (GtkSearchBar *bar);

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

/* sd-a11y.h: names for the buttons libadwaita builds inside its rows and toasts
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

G_END_DECLS

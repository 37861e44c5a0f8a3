/* sd-gui-util.h: small helpers the widgets share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Shows @line in @label, under the lines it already shows; an invisible
 * label shows only @line. For the problems said under a field. */
void sd_gui_label_add_line (GtkLabel   *label,
                            const char *line);

G_END_DECLS

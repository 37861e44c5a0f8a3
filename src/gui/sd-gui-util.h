/* sd-gui-util.h: small helpers the widgets share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "sd-prices.h"

G_BEGIN_DECLS

/* Shows @line in @label, under the lines it already shows; an invisible
 * label shows only @line. For the problems said under a field. */
void sd_gui_label_add_line (GtkLabel   *label,
                            const char *line);

/* Reads the price table file (sd_prices_default_path()) into *@prices.
 * A file that does not read keeps the last good table there and gives
 * FALSE: it is reported where it is edited (Preferences, the CLI). */
gboolean sd_gui_load_prices (SdPrices **prices);

/* What a widget does when a file it watches may read otherwise. */
typedef void (*SdGuiFileChangedFunc) (gpointer object);

/* A monitor of the price table file (sd_prices_default_path()) that calls
 * @changed with @object (a GObject, held weakly) whenever the file is
 * written, created, deleted, renamed or moved in; NULL when it cannot be
 * watched. The file's folder is made first. */
GFileMonitor *sd_gui_watch_prices_file (SdGuiFileChangedFunc changed,
                                        gpointer             object);

G_END_DECLS

/* sd-files.h: choosing a folder, opening a file, showing it in its folder
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void   sd_files_choose_folder        (GtkWindow           *parent,
                                      const char          *title,
                                      GFile               *initial_folder,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
GFile *sd_files_choose_folder_finish (GAsyncResult        *result,
                                      GError             **error);

/* Lets the user pick files of @mime_types (one filter named @filter_name);
 * the finish gives a GPtrArray of GFile, empty when none was chosen. */
void       sd_files_choose_files        (GtkWindow           *parent,
                                         const char          *title,
                                         const char          *filter_name,
                                         const char * const  *mime_types,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
GPtrArray *sd_files_choose_files_finish (GAsyncResult        *result,
                                         GError             **error);

void   sd_files_open                 (GtkWindow           *parent,
                                      GFile               *file);
void   sd_files_show_in_folder       (GtkWindow           *parent,
                                      GFile               *file);
/* Asks which application opens @file ("Open With…"). */
void   sd_files_open_with            (GtkWindow           *parent,
                                      GFile               *file);

G_END_DECLS

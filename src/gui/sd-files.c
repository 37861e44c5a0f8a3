/* sd-files.c: choosing a folder, opening a file, showing it in its folder
 *
 * On GTK 4.10 and later these go through GtkFileDialog and GtkFileLauncher,
 * which use the desktop portals inside a sandbox: Open and Show in Folder
 * then work under Flatpak without extra D-Bus names. GTK 4.8 (Debian 12)
 * keeps GtkFileChooserNative, gtk_show_uri() and the file manager's
 * ShowItems call.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-files"

#include "config.h"

#include <glib/gi18n.h>

#include "sd-files.h"

#if GTK_CHECK_VERSION (4, 10, 0)

static void
on_folder_selected_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  GFile *folder;

  folder = gtk_file_dialog_select_folder_finish (GTK_FILE_DIALOG (source), result, &error);
  if (folder != NULL)
    g_task_return_pointer (task, folder, g_object_unref);
  else if (g_error_matches (error, GTK_DIALOG_ERROR, GTK_DIALOG_ERROR_DISMISSED))
    {
      g_error_free (error);
      g_task_return_pointer (task, NULL, NULL);
    }
  else
    g_task_return_error (task, error);
}

/**
 * sd_files_choose_folder:
 * @parent: (nullable): the window the chooser belongs to
 * @title: the chooser's title
 * @initial_folder: (nullable): the folder it opens in
 * @cancellable: (nullable): closes the chooser when cancelled
 * @callback: called with the choice
 * @user_data: data for @callback
 *
 * Lets the user pick a folder. sd_files_choose_folder_finish() gives it.
 */
void
sd_files_choose_folder (GtkWindow           *parent,
                        const char          *title,
                        GFile               *initial_folder,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GtkFileDialog) dialog = gtk_file_dialog_new ();
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, sd_files_choose_folder);
  gtk_file_dialog_set_title (dialog, title);
  gtk_file_dialog_set_accept_label (dialog, _("_Select"));
  gtk_file_dialog_set_modal (dialog, TRUE);
  gtk_file_dialog_set_initial_folder (dialog, initial_folder);
  gtk_file_dialog_select_folder (dialog, parent, cancellable, on_folder_selected_cb, task);
}

static void
on_launched_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!gtk_file_launcher_launch_finish (GTK_FILE_LAUNCHER (source), result, &error))
    g_debug ("Could not open %s: %s",
             g_file_peek_path (gtk_file_launcher_get_file (GTK_FILE_LAUNCHER (source))),
             error->message);
}

static void
launch (GtkWindow *parent,
        GFile     *file)
{
  g_autoptr(GtkFileLauncher) launcher = gtk_file_launcher_new (file);

  gtk_file_launcher_launch (launcher, parent, NULL, on_launched_cb, NULL);
}

/**
 * sd_files_open:
 * @parent: (nullable): the window asking
 * @file: the file
 *
 * Opens @file in the application the user chose for its type.
 */
void
sd_files_open (GtkWindow *parent,
               GFile     *file)
{
  launch (parent, file);
}

static void
on_containing_folder_opened_cb (GObject      *source,
                                GAsyncResult *result,
                                gpointer      user_data)
{
  g_autoptr(GtkWindow) parent = user_data;
  GtkFileLauncher *launcher = GTK_FILE_LAUNCHER (source);
  g_autoptr(GFile) folder = NULL;
  g_autoptr(GError) error = NULL;

  if (gtk_file_launcher_open_containing_folder_finish (launcher, result, &error) ||
      g_error_matches (error, GTK_DIALOG_ERROR, GTK_DIALOG_ERROR_DISMISSED) ||
      g_error_matches (error, GTK_DIALOG_ERROR, GTK_DIALOG_ERROR_CANCELLED))
    return;

  g_debug ("No file manager to show the file (%s); opening its folder", error->message);
  folder = g_file_get_parent (gtk_file_launcher_get_file (launcher));
  if (folder != NULL)
    launch (parent, folder);
}

/**
 * sd_files_show_in_folder:
 * @parent: (nullable): the window asking
 * @file: the file
 *
 * Shows @file selected in the file manager; without one that can, opens
 * the folder @file is in.
 */
void
sd_files_show_in_folder (GtkWindow *parent,
                         GFile     *file)
{
  g_autoptr(GtkFileLauncher) launcher = gtk_file_launcher_new (file);

  gtk_file_launcher_open_containing_folder (launcher, parent, NULL,
                                            on_containing_folder_opened_cb,
                                            parent != NULL ? g_object_ref (parent) : NULL);
}

#else /* GTK 4.8 */

static void
on_chooser_response_cb (GtkNativeDialog *chooser,
                        int              response,
                        gpointer         user_data)
{
  g_autoptr(GTask) task = user_data;
  GFile *folder = NULL;

  g_signal_handlers_disconnect_by_data (chooser, task);
  if (response == GTK_RESPONSE_ACCEPT)
    folder = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  gtk_native_dialog_destroy (chooser);
  /* Cancelled, the task says so itself. */
  g_task_return_pointer (task, folder, g_object_unref);
}

static void
on_chooser_cancelled_cb (GtkNativeDialog *chooser)
{
  gtk_native_dialog_hide (chooser);
  g_signal_emit_by_name (chooser, "response", GTK_RESPONSE_CANCEL);
}

void
sd_files_choose_folder (GtkWindow           *parent,
                        const char          *title,
                        GFile               *initial_folder,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  GtkFileChooserNative *chooser;

  g_task_set_source_tag (task, sd_files_choose_folder);
  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }

  chooser = gtk_file_chooser_native_new (title, parent, GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                         _("_Select"), _("_Cancel"));
  /* The task owns the chooser until it answers. */
  g_task_set_task_data (task, chooser, g_object_unref);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  if (initial_folder != NULL)
    gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), initial_folder, NULL);
  g_signal_connect (chooser, "response", G_CALLBACK (on_chooser_response_cb), task);
  if (cancellable != NULL)
    g_signal_connect_object (cancellable, "cancelled", G_CALLBACK (on_chooser_cancelled_cb),
                             chooser, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

void
sd_files_open (GtkWindow *parent,
               GFile     *file)
{
  g_autofree char *uri = g_file_get_uri (file);

  gtk_show_uri (parent, uri, GDK_CURRENT_TIME);
}

static void
on_show_items_finished_cb (GObject      *source,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autofree char *folder_uri = user_data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (reply == NULL)
    {
      g_debug ("No file manager to show the file (%s); opening its folder", error->message);
      gtk_show_uri (NULL, folder_uri, GDK_CURRENT_TIME);
    }
}

void
sd_files_show_in_folder (GtkWindow *parent,
                         GFile     *file)
{
  g_autoptr(GFile) folder = g_file_get_parent (file);
  g_autofree char *uri = g_file_get_uri (file);
  GApplication *app = g_application_get_default ();
  GDBusConnection *bus = app != NULL ? g_application_get_dbus_connection (app) : NULL;
  const char *uris[] = { uri, NULL };

  if (folder == NULL)
    return;
  if (bus == NULL)
    {
      g_autofree char *folder_uri = g_file_get_uri (folder);

      gtk_show_uri (parent, folder_uri, GDK_CURRENT_TIME);
      return;
    }

  g_dbus_connection_call (bus,
                          "org.freedesktop.FileManager1",
                          "/org/freedesktop/FileManager1",
                          "org.freedesktop.FileManager1",
                          "ShowItems",
                          g_variant_new ("(^ass)", uris, ""),
                          NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL,
                          on_show_items_finished_cb, g_file_get_uri (folder));
}

#endif

/**
 * sd_files_choose_folder_finish:
 * @result: the result given to the callback
 * @error: return location for an error (%G_IO_ERROR_CANCELLED when cancelled)
 *
 * Returns: (transfer full) (nullable): the chosen folder, or %NULL with
 *   @error unset when the user chose none
 */
GFile *
sd_files_choose_folder_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, sd_files_choose_folder), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

#if !GTK_CHECK_VERSION (4, 12, 0)
static void
on_app_chosen_cb (GtkDialog *dialog,
                  int        response,
                  GFile     *file)
{
  g_autoptr(GAppInfo) app = NULL;
  g_autoptr(GError) error = NULL;
  GList files = { file, NULL, NULL };

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  if (response == GTK_RESPONSE_OK)
    app = gtk_app_chooser_get_app_info (GTK_APP_CHOOSER (dialog));
  G_GNUC_END_IGNORE_DEPRECATIONS
  if (app != NULL && !g_app_info_launch (app, &files, NULL, &error))
    g_warning ("Could not open the video with %s: %s", g_app_info_get_name (app), error->message);
  gtk_window_destroy (GTK_WINDOW (dialog));
}
#endif

/**
 * sd_files_open_with:
 * @parent: (nullable): the window asking
 * @file: the file
 *
 * Asks which application should open @file, then opens it with that one.
 */
void
sd_files_open_with (GtkWindow *parent,
                    GFile     *file)
{
#if GTK_CHECK_VERSION (4, 12, 0)
  g_autoptr(GtkFileLauncher) launcher = gtk_file_launcher_new (file);

  gtk_file_launcher_set_always_ask (launcher, TRUE);
  gtk_file_launcher_launch (launcher, parent, NULL, NULL, NULL);
#else
  GtkWidget *dialog;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  dialog = gtk_app_chooser_dialog_new (parent, GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT, file);
  G_GNUC_END_IGNORE_DEPRECATIONS
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_app_chosen_cb),
                         g_object_ref (file), (GClosureNotify) (void (*) (void)) g_object_unref, 0);
  gtk_window_present (GTK_WINDOW (dialog));
#endif
}

/* Opening files ------------------------------------------------------------ */

static GtkFileFilter *
new_mime_filter (const char         *name,
                 const char * const *mime_types)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, name);
  for (guint i = 0; mime_types != NULL && mime_types[i] != NULL; i++)
    gtk_file_filter_add_mime_type (filter, mime_types[i]);
  return filter;
}

static GPtrArray *
files_from_model (GListModel *model)
{
  GPtrArray *files = g_ptr_array_new_with_free_func (g_object_unref);
  guint n = model != NULL ? g_list_model_get_n_items (model) : 0;

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (files, g_list_model_get_item (model, i));
  return files;
}

#if GTK_CHECK_VERSION (4, 10, 0)

static void
on_files_opened_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GListModel) model = NULL;
  GError *error = NULL;

  model = gtk_file_dialog_open_multiple_finish (GTK_FILE_DIALOG (source), result, &error);
  if (model == NULL && !g_error_matches (error, GTK_DIALOG_ERROR, GTK_DIALOG_ERROR_DISMISSED))
    {
      g_task_return_error (task, error);
      return;
    }
  g_clear_error (&error);
  g_task_return_pointer (task, files_from_model (model), (GDestroyNotify) g_ptr_array_unref);
}

void
sd_files_choose_files (GtkWindow           *parent,
                       const char          *title,
                       const char          *filter_name,
                       const char * const  *mime_types,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GtkFileDialog) dialog = gtk_file_dialog_new ();
  g_autoptr(GtkFileFilter) filter = new_mime_filter (filter_name, mime_types);
  g_autoptr(GListStore) filters = g_list_store_new (GTK_TYPE_FILE_FILTER);
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, sd_files_choose_files);
  g_list_store_append (filters, filter);
  gtk_file_dialog_set_title (dialog, title);
  gtk_file_dialog_set_modal (dialog, TRUE);
  gtk_file_dialog_set_filters (dialog, G_LIST_MODEL (filters));
  gtk_file_dialog_set_default_filter (dialog, filter);
  gtk_file_dialog_open_multiple (dialog, parent, cancellable, on_files_opened_cb, task);
}

#else /* GTK 4.8 */

static void
on_files_chooser_response_cb (GtkNativeDialog *chooser,
                              int              response,
                              gpointer         user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GListModel) model = NULL;

  g_signal_handlers_disconnect_by_data (chooser, task);
  if (response == GTK_RESPONSE_ACCEPT)
    model = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (chooser));
  gtk_native_dialog_destroy (chooser);
  g_task_return_pointer (task, files_from_model (model), (GDestroyNotify) g_ptr_array_unref);
}

void
sd_files_choose_files (GtkWindow           *parent,
                       const char          *title,
                       const char          *filter_name,
                       const char * const  *mime_types,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = new_mime_filter (filter_name, mime_types);

  g_task_set_source_tag (task, sd_files_choose_files);
  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }

  chooser = gtk_file_chooser_native_new (title, parent, GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Open"), _("_Cancel"));
  g_task_set_task_data (task, chooser, g_object_unref);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (chooser), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_file_chooser_set_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_signal_connect (chooser, "response", G_CALLBACK (on_files_chooser_response_cb), task);
  if (cancellable != NULL)
    g_signal_connect_object (cancellable, "cancelled", G_CALLBACK (on_chooser_cancelled_cb),
                             chooser, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

#endif

/**
 * sd_files_choose_files_finish:
 * @result: the result given to the callback
 * @error: return location for an error (%G_IO_ERROR_CANCELLED when cancelled)
 *
 * Returns: (transfer container) (element-type GFile): the chosen files,
 *   empty when the user chose none, or %NULL with @error
 */
GPtrArray *
sd_files_choose_files_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, sd_files_choose_files), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

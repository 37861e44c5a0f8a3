/* sd-window-actions.c: what the window does for a result row
 *
 * A row activates win.play-task, win.open-task, win.show-task-in-folder,
 * win.download-task, win.copy-task-link, win.reuse-task,
 * win.remove-task or win.show-task-details with its task id, the details
 * win.copy-task-prompt, win.copy-task-id or win.copy-task-command; the
 * row never knows the window.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-window"

#include "config.h"

#include <glib/gi18n.h>

#include "sd-batch-import.h"
#include "sd-files.h"
#include "sd-service.h"
#include "sd-store.h"
#include "sd-task-row.h"
#include "sd-window-private.h"

/* The task the action names, NULL when it is not in the history (any
 * more): the row that asked is about to go. */
static SdTask *
lookup_task (SdWindow *self,
             GVariant *parameter)
{
  const char *task_id = g_variant_get_string (parameter, NULL);
  SdTask *task = sd_service_lookup (sd_context_get_service (sd_window_get_context (self)), task_id);

  if (task == NULL)
    g_debug ("No task %s for a row's action", task_id);
  return task;
}

static void
play_task_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  SdTask *task = lookup_task (SD_WINDOW (widget), parameter);

  if (task != NULL)
    sd_window_play_task (SD_WINDOW (widget), task);
}

static GFile *
get_local_file (SdTask *task)
{
  if (task == NULL || sd_task_get_local_file (task) == NULL)
    return NULL;
  return g_file_new_for_path (sd_task_get_local_file (task));
}

static void
open_task_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  g_autoptr(GFile) file = get_local_file (lookup_task (SD_WINDOW (widget), parameter));

  if (file != NULL)
    sd_files_open (GTK_WINDOW (widget), file);
}

static void
show_task_in_folder_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  g_autoptr(GFile) file = get_local_file (lookup_task (SD_WINDOW (widget), parameter));

  if (file != NULL)
    sd_files_show_in_folder (GTK_WINDOW (widget), file);
}

static void
on_download_finished_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(SdWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *message = NULL;

  path = sd_service_download_finish (SD_SERVICE (source), result, &error);
  if (path != NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  message = g_strdup_printf (_("Could not save the video: %s"), error->message);
  sd_window_show_message (self, message);
}

static void
download_task_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  SdWindow *self = SD_WINDOW (widget);
  SdTask *task = lookup_task (self, parameter);

  if (task == NULL)
    return;

  sd_service_download_async (sd_context_get_service (sd_window_get_context (self)),
                             task, NULL,
                             sd_window_get_cancellable (self),
                             on_download_finished_cb, g_object_ref (self));
}

static void
copy_task_link_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  SdTask *task = lookup_task (SD_WINDOW (widget), parameter);

  if (task == NULL || sd_task_get_video_url (task) == NULL)
    return;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), sd_task_get_video_url (task));
  sd_window_add_toast (SD_WINDOW (widget), adw_toast_new (_("Link copied")));
}

static void
copy_text (SdWindow   *self,
           const char *text,
           const char *toast)
{
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
  sd_window_add_toast (self, adw_toast_new (toast));
}

static void
copy_task_prompt_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  SdTask *task = lookup_task (SD_WINDOW (widget), parameter);
  const char *prompt = task != NULL ? sd_request_get_prompt (sd_task_get_request (task)) : NULL;

  if (prompt != NULL)
    copy_text (SD_WINDOW (widget), prompt, _("Prompt copied"));
}

static void
copy_task_id_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  SdTask *task = lookup_task (SD_WINDOW (widget), parameter);

  if (task != NULL)
    copy_text (SD_WINDOW (widget), sd_task_get_id (task), _("Task ID copied"));
}

static void
copy_task_command_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  SdTask *task = lookup_task (SD_WINDOW (widget), parameter);
  g_autofree char *command = NULL;

  if (task == NULL)
    return;
  command = sd_request_to_command_line (sd_task_get_request (task));
  copy_text (SD_WINDOW (widget), command, _("Command copied"));
}

static void
show_task_details_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  SdWindow *self = SD_WINDOW (widget);

  sd_window_show_task (self, g_variant_get_string (parameter, NULL));
  if (_sd_window_get_details (self) != NULL)
    _sd_window_details_show (_sd_window_get_details (self));
}

static GtkWidget *
find_task_row (GtkWidget *widget)
{
  if (SD_IS_TASK_ROW (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *row = find_task_row (child);

      if (row != NULL)
        return row;
    }
  return NULL;
}

/* Shift+F10 and the Menu key reach the focused list item, which holds
 * the row (with what goes above it): the row opens its menu. */
static void
popup_focused_menu_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (widget));
  GtkWidget *row = focus != NULL ? find_task_row (focus) : NULL;

  if (row != NULL)
    gtk_widget_activate_action (row, "row.popup-menu", NULL);
}

static void
reuse_task_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  SdTask *task = lookup_task (SD_WINDOW (widget), parameter);

  if (task != NULL)
    sd_window_reuse_request (SD_WINDOW (widget), sd_task_get_request (task));
}

static void
remove_task_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  SdTask *task = lookup_task (SD_WINDOW (widget), parameter);
  g_autoptr(GPtrArray) tasks = g_ptr_array_new_with_free_func (g_object_unref);

  if (task == NULL)
    return;

  /* removing it drops the list's reference; a saved video asks first */
  g_ptr_array_add (tasks, g_object_ref (task));
  _sd_window_remove_tasks (SD_WINDOW (widget), tasks);
}

static void
import_batch_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  sd_batch_import_choose (GTK_WINDOW (widget), sd_window_get_context (SD_WINDOW (widget)));
}

/* A batch file the window was given (a drop, on it or on the composer):
 * its URI. */
static void
import_batch_file_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  g_autoptr(GFile) file = g_file_new_for_uri (g_variant_get_string (parameter, NULL));

  g_debug ("Importing a dropped batch file");
  sd_batch_import_show_file (GTK_WINDOW (widget), sd_window_get_context (SD_WINDOW (widget)), file);
}

/* Drops the composer does not take (on the results, the header bar…):
 * batch files open Import Batch; nothing else is taken here. */
static gboolean
on_drop_cb (GtkDropTarget *target,
            const GValue  *value,
            double         x,
            double         y,
            GtkWidget     *window)
{
  GSList *files = gdk_file_list_get_files (g_value_get_boxed (value));
  gboolean taken = FALSE;

  for (GSList *l = files; l != NULL; l = l->next)
    {
      g_autofree char *name = g_file_get_basename (l->data);
      g_autofree char *uri = NULL;

      if (!sd_batch_is_batch_file_name (name))
        continue;
      uri = g_file_get_uri (l->data);
      gtk_widget_activate_action (window, "win.import-batch-file", "s", uri);
      taken = TRUE;
    }
  g_slist_free (files);
  return taken;
}

void
_sd_window_add_batch_drop_target (SdWindow *self)
{
  GtkDropTarget *target = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);

  g_signal_connect_object (target, "drop", G_CALLBACK (on_drop_cb), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (target));
}

/* Every task of the list, as recipes to share or run again. */
static void
export_batch_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  SdContext *context = sd_window_get_context (SD_WINDOW (widget));

  sd_batch_export_choose (GTK_WINDOW (widget), sd_service_get_tasks (sd_context_get_service (context)));
}

/* The star: in the history, on the service's task and on the row's copy
 * a query read (the same id). */
static void
toggle_favourite_task_action (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *parameter)
{
  SdWindow *self = SD_WINDOW (widget);
  SdContext *context = sd_window_get_context (self);
  SdTask *task = lookup_task (self, parameter);
  const char *ids[] = { g_variant_get_string (parameter, NULL), NULL };
  GListModel *matches = _sd_window_history_get_matches (_sd_window_get_history (self));
  g_autoptr(GError) error = NULL;
  gboolean favourite;

  if (task == NULL)
    return;
  favourite = !sd_task_get_favourite (task);
  if (sd_context_get_store (context) != NULL &&
      !sd_store_set_favourite (sd_context_get_store (context), ids, favourite, &error))
    {
      sd_window_show_message (self, error->message);
      return;
    }
  g_debug ("Task %s favourite: %d", ids[0], favourite);
  sd_task_set_favourite (task, favourite);
  for (guint i = 0; i < g_list_model_get_n_items (matches); i++)
    {
      g_autoptr(SdTask) match = g_list_model_get_item (matches, i);

      if (g_strcmp0 (sd_task_get_id (match), ids[0]) == 0)
        sd_task_set_favourite (match, favourite);
    }
  _sd_window_selection_update (_sd_window_get_selection (self));
}

void
_sd_window_class_install_task_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.import-batch", NULL, import_batch_action);
  gtk_widget_class_install_action (widget_class, "win.import-batch-file", "s", import_batch_file_action);
  gtk_widget_class_install_action (widget_class, "win.export-batch", NULL, export_batch_action);
  gtk_widget_class_install_action (widget_class, "win.play-task", "s", play_task_action);
  gtk_widget_class_install_action (widget_class, "win.open-task", "s", open_task_action);
  gtk_widget_class_install_action (widget_class, "win.show-task-in-folder", "s", show_task_in_folder_action);
  gtk_widget_class_install_action (widget_class, "win.download-task", "s", download_task_action);
  gtk_widget_class_install_action (widget_class, "win.copy-task-link", "s", copy_task_link_action);
  gtk_widget_class_install_action (widget_class, "win.reuse-task", "s", reuse_task_action);
  gtk_widget_class_install_action (widget_class, "win.remove-task", "s", remove_task_action);
  gtk_widget_class_install_action (widget_class, "win.toggle-favourite-task", "s",
                                   toggle_favourite_task_action);
  gtk_widget_class_install_action (widget_class, "win.copy-task-prompt", "s", copy_task_prompt_action);
  gtk_widget_class_install_action (widget_class, "win.copy-task-id", "s", copy_task_id_action);
  gtk_widget_class_install_action (widget_class, "win.copy-task-command", "s", copy_task_command_action);
  gtk_widget_class_install_action (widget_class, "win.show-task-details", "s", show_task_details_action);
  gtk_widget_class_install_action (widget_class, "win.popup-focused-menu", NULL, popup_focused_menu_action);
  _sd_window_class_install_queue_actions (widget_class);
}

/* sd-window-queue-actions.c: what the window does for a row of the queue
 *
 * A row activates win.retry-task, win.retry-failed-task (the failed tasks
 * of its group), win.cancel-task, win.move-up-task, win.move-down-task,
 * win.edit-task (waiting tasks), win.stop-watching-task or
 * win.watch-again-task (tasks at the provider) with its task id.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-window"

#include "config.h"

#include <glib/gi18n.h>

#include "sd-service.h"
#include "sd-window-private.h"

static SdService *
get_service (GtkWidget *widget)
{
  return sd_context_get_service (sd_window_get_context (SD_WINDOW (widget)));
}

static SdTask *
lookup_task (GtkWidget *widget,
             GVariant  *parameter)
{
  const char *task_id = g_variant_get_string (parameter, NULL);
  SdTask *task = sd_service_lookup (get_service (widget), task_id);

  if (task == NULL)
    g_debug ("No task %s for a row's queue action", task_id);
  return task;
}

/* A refusal is said in a toast: the row was a step behind. */
static void
toast_error (GtkWidget    *widget,
             const GError *error)
{
  g_debug ("Queue action refused: %s", error->message);
  sd_window_add_toast (SD_WINDOW (widget), adw_toast_new (error->message));
}

static void
retry_task_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  SdTask *task = lookup_task (widget, parameter);
  g_autoptr(GError) error = NULL;

  if (task != NULL &&
      sd_service_retry (get_service (widget), task, SD_SERVICE_RETRY_NONE, &error) == NULL)
    toast_error (widget, error);
}

static void
retry_failed_task_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  SdTask *task = lookup_task (widget, parameter);
  g_autoptr(GPtrArray) retries = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (task == NULL || sd_task_get_group_id (task) == NULL)
    return;
  retries = sd_service_retry_failed (get_service (widget), sd_task_get_group_id (task), &error);
  if (retries == NULL)
    {
      toast_error (widget, error);
      return;
    }
  message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u failed task sent again",
                                          "%u failed tasks sent again", retries->len),
                             retries->len);
  sd_window_add_toast (SD_WINDOW (widget), adw_toast_new (message));
}

static void
cancel_task_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  SdTask *task = lookup_task (widget, parameter);
  g_autoptr(GError) error = NULL;

  if (task != NULL && !sd_service_cancel_waiting (get_service (widget), task, &error))
    toast_error (widget, error);
}

static void
move_task_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  SdTask *task = lookup_task (widget, parameter);
  int delta = g_str_equal (action_name, "win.move-up-task") ? -1 : 1;
  g_autoptr(GError) error = NULL;

  if (task != NULL && !sd_service_move_waiting (get_service (widget), task, delta, &error))
    toast_error (widget, error);
}

static void
edit_task_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  SdTask *task = lookup_task (widget, parameter);
  g_autoptr(SdRequest) request = NULL;
  g_autoptr(GError) error = NULL;

  if (task == NULL)
    return;
  request = sd_service_take_back (get_service (widget), task, &error);
  if (request == NULL)
    {
      toast_error (widget, error);
      return;
    }
  sd_window_reuse_request (SD_WINDOW (widget), request);
}

static void
stop_watching_task_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  SdTask *task = lookup_task (widget, parameter);
  g_autoptr(GError) error = NULL;

  if (task == NULL)
    return;
  if (!sd_service_stop_watching (get_service (widget), task, &error))
    {
      toast_error (widget, error);
      return;
    }
  sd_window_add_toast (SD_WINDOW (widget),
                       adw_toast_new (_("No longer watching: the provider cannot cancel it, "
                                        "so it may still complete and be billed")));
}

static void
watch_again_task_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  SdTask *task = lookup_task (widget, parameter);
  g_autoptr(GError) error = NULL;

  if (task != NULL && !sd_service_watch_again (get_service (widget), task, &error))
    toast_error (widget, error);
}

void
_sd_window_class_install_queue_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.retry-task", "s", retry_task_action);
  gtk_widget_class_install_action (widget_class, "win.retry-failed-task", "s", retry_failed_task_action);
  gtk_widget_class_install_action (widget_class, "win.cancel-task", "s", cancel_task_action);
  gtk_widget_class_install_action (widget_class, "win.move-up-task", "s", move_task_action);
  gtk_widget_class_install_action (widget_class, "win.move-down-task", "s", move_task_action);
  gtk_widget_class_install_action (widget_class, "win.edit-task", "s", edit_task_action);
  gtk_widget_class_install_action (widget_class, "win.stop-watching-task", "s", stop_watching_task_action);
  gtk_widget_class_install_action (widget_class, "win.watch-again-task", "s", watch_again_task_action);
}

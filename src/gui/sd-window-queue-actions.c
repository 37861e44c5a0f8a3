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

/* One step of a queue action on the task of the row: FALSE with @error
 * set when the service refuses it. */
typedef gboolean (*QueueStep) (GtkWidget  *widget,
                               SdTask     *task,
                               const char *action_name,
                               GError    **error);

static gboolean
retry_step (GtkWidget  *widget,
            SdTask     *task,
            const char *action_name,
            GError    **error)
{
  return sd_service_retry (get_service (widget), task, SD_SERVICE_RETRY_NONE, error) != NULL;
}

static gboolean
retry_failed_step (GtkWidget  *widget,
                   SdTask     *task,
                   const char *action_name,
                   GError    **error)
{
  g_autoptr(GPtrArray) retries = NULL;
  g_autofree char *message = NULL;

  if (sd_task_get_group_id (task) == NULL)
    return TRUE;
  retries = sd_service_retry_failed (get_service (widget), sd_task_get_group_id (task), error);
  if (retries == NULL)
    return FALSE;
  message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u failed task sent again",
                                          "%u failed tasks sent again", retries->len),
                             retries->len);
  sd_window_add_toast (SD_WINDOW (widget), adw_toast_new (message));
  return TRUE;
}

static gboolean
cancel_step (GtkWidget  *widget,
             SdTask     *task,
             const char *action_name,
             GError    **error)
{
  return sd_service_cancel_waiting (get_service (widget), task, error);
}

static gboolean
move_step (GtkWidget  *widget,
           SdTask     *task,
           const char *action_name,
           GError    **error)
{
  int delta = g_str_equal (action_name, "win.move-up-task") ? -1 : 1;

  return sd_service_move_waiting (get_service (widget), task, delta, error);
}

static gboolean
edit_step (GtkWidget  *widget,
           SdTask     *task,
           const char *action_name,
           GError    **error)
{
  g_autoptr(SdRequest) request = sd_service_take_back (get_service (widget), task, error);

  if (request == NULL)
    return FALSE;
  sd_window_reuse_request (SD_WINDOW (widget), request);
  return TRUE;
}

static gboolean
stop_watching_step (GtkWidget  *widget,
                    SdTask     *task,
                    const char *action_name,
                    GError    **error)
{
  if (!sd_service_stop_watching (get_service (widget), task, error))
    return FALSE;
  sd_window_add_toast (SD_WINDOW (widget),
                       adw_toast_new (_("No longer watching: the provider cannot cancel it, "
                                        "so it may still complete and be billed")));
  return TRUE;
}

static gboolean
watch_again_step (GtkWidget  *widget,
                  SdTask     *task,
                  const char *action_name,
                  GError    **error)
{
  return sd_service_watch_again (get_service (widget), task, error);
}

static const struct {
  const char *name;
  QueueStep   step;
} queue_actions[] = {
  { "win.retry-task", retry_step },
  { "win.retry-failed-task", retry_failed_step },
  { "win.cancel-task", cancel_step },
  { "win.move-up-task", move_step },
  { "win.move-down-task", move_step },
  { "win.edit-task", edit_step },
  { "win.stop-watching-task", stop_watching_step },
  { "win.watch-again-task", watch_again_step },
};

/* Every queue action: look the task up by id, then take its step. */
static void
queue_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  SdTask *task = lookup_task (widget, parameter);
  g_autoptr(GError) error = NULL;

  if (task == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (queue_actions); i++)
    {
      if (!g_str_equal (action_name, queue_actions[i].name))
        continue;
      if (!queue_actions[i].step (widget, task, action_name, &error))
        toast_error (widget, error);
      return;
    }
  g_assert_not_reached ();
}

void
_sd_window_class_install_queue_actions (GtkWidgetClass *widget_class)
{
  for (guint i = 0; i < G_N_ELEMENTS (queue_actions); i++)
    gtk_widget_class_install_action (widget_class, queue_actions[i].name, "s", queue_action);
}

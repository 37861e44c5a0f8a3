/* sd-window-continue.c: Continue from Last Frame, and the link it leaves
 *
 * win.continue-task (the task id) reads the task's last frame, saves it as
 * a PNG in the cache and opens the composer in first/last-frame mode with
 * that local file as the first image: the composer uploads it as any file
 * the user adds (progress and cancel on the frame's row, the upload cache,
 * the privacy question, errors on the row). The next task made from that
 * frame remembers its parent.
 * win.select-task (a task id) selects a task in the results.
 * win.compare-tasks (task ids, "as") opens 2 to 4 saved takes side by side.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-window"

#include "config.h"

#include <glib/gi18n.h>

#include "sd-compare-window.h"
#include "sd-composer.h"
#include "sd-continue.h"
#include "sd-service.h"
#include "sd-store.h"
#include "sd-window-private.h"

#define PENDING_KEY  "sd-continue-pending"
#define WATCHING_KEY "sd-continue-watching-added"

/* The continuation waiting for its Generate. */
typedef struct
{
  char *parent_id;
  char *first_image;   /* the frame, a local file of the draft */
} Pending;

static void
pending_free (Pending *pending)
{
  g_free (pending->parent_id);
  g_free (pending->first_image);
  g_free (pending);
}

static gboolean link_to_pending (SdWindow *self,
                                 SdTask   *task);

/* A task is linked when it joins the local queue, before it is sent: its
 * waiting row holds the link, and its row shows it at once. */
static void
on_task_added_cb (SdWindow  *self,
                  SdTask    *task,
                  SdService *service)
{
  g_autoptr(GError) error = NULL;

  if (!link_to_pending (self, task))
    return;
  if (!sd_store_save_task (sd_context_get_store (sd_window_get_context (self)), task, &error))
    g_message ("Could not note that task %s continues another: %s",
               sd_task_get_id (task), error->message);
}

static void
watch_added_tasks (SdWindow *self)
{
  SdService *service = sd_context_get_service (sd_window_get_context (self));

  if (g_object_get_data (G_OBJECT (self), WATCHING_KEY) == service)
    return;
  g_signal_connect_object (service, "task-added", G_CALLBACK (on_task_added_cb), self,
                           G_CONNECT_SWAPPED);
  g_object_set_data (G_OBJECT (self), WATCHING_KEY, service);
}

typedef struct
{
  SdWindow *window;
  char     *parent_id;
} Prepare;

static void
prepare_free (Prepare *prepare)
{
  g_object_unref (prepare->window);
  g_free (prepare->parent_id);
  g_free (prepare);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Prepare, prepare_free)

static void
on_prepared_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(Prepare) prepare = user_data;
  SdWindow *self = prepare->window;
  g_autoptr(GError) error = NULL;
  g_autofree char *note = NULL;
  g_autoptr(SdRequest) request = sd_continue_prepare_finish (result, &note, &error);
  Pending *pending;

  if (request == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        sd_window_show_message (self, error->message);
      return;
    }
  pending = g_new0 (Pending, 1);
  pending->parent_id = g_strdup (prepare->parent_id);
  pending->first_image = g_strdup (sd_request_get_first_image (request));
  g_object_set_data_full (G_OBJECT (self), PENDING_KEY, pending, (GDestroyNotify) pending_free);
  watch_added_tasks (self);

  sd_window_reuse_request (self, request);
  if (note != NULL)
    sd_window_add_toast (self, adw_toast_new (note));
  gtk_widget_activate_action (GTK_WIDGET (self), "win.focus-prompt", NULL);
}

static void
continue_task_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  SdWindow *self = SD_WINDOW (widget);
  const char *task_id = g_variant_get_string (parameter, NULL);
  SdContext *context = sd_window_get_context (self);
  SdTask *task = sd_service_lookup (sd_context_get_service (context), task_id);
  Prepare *prepare;

  if (task == NULL)
    {
      g_debug ("No task %s to continue", task_id);
      return;
    }
  prepare = g_new0 (Prepare, 1);
  prepare->window = g_object_ref (self);
  prepare->parent_id = g_strdup (task_id);
  /* no uploader: the frame comes as a local file, which the composer's
   * media list uploads as it does a file the user adds */
  sd_continue_prepare_async (task, sd_context_get_catalog (context), NULL, NULL,
                             sd_window_get_cancellable (self), on_prepared_cb, prepare);
}

static void
select_task_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  sd_window_show_task (SD_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

/* Whether @request starts from the continued frame: the frame's local
 * file, or the link the composer uploaded it to. */
static gboolean
starts_from_pending (SdWindow  *self,
                     Pending   *pending,
                     SdRequest *request)
{
  const char *first = request != NULL ? sd_request_get_first_image (request) : NULL;
  const char *link;

  if (pending == NULL || first == NULL)
    return FALSE;
  if (g_strcmp0 (first, pending->first_image) == 0)
    return TRUE;
  link = sd_composer_lookup_link (sd_window_get_composer (self), pending->first_image);
  return link != NULL && g_strcmp0 (first, link) == 0;
}

/* TRUE when @task was linked now. Only a request that still starts from
 * the continued frame is linked. */
static gboolean
link_to_pending (SdWindow *self,
                 SdTask   *task)
{
  Pending *pending = g_object_get_data (G_OBJECT (self), PENDING_KEY);

  if (pending == NULL || sd_task_get_continues (task) != NULL ||
      !starts_from_pending (self, pending, sd_task_get_request (task)))
    return FALSE;
  g_debug ("Task %s continues %s", sd_task_get_id (task), pending->parent_id);
  sd_task_set_continues (task, pending->parent_id);
  return TRUE;
}

/* The Generate that used the continued frame is done with it (every take
 * of it was linked as it joined the queue). */
void
_sd_window_note_submitted (SdWindow *self,
                           SdTask   *task)
{
  Pending *pending = g_object_get_data (G_OBJECT (self), PENDING_KEY);

  if (!starts_from_pending (self, pending, sd_task_get_request (task)))
    return;
  link_to_pending (self, task);
  g_object_set_data (G_OBJECT (self), PENDING_KEY, NULL);
}

static void
compare_tasks_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  SdWindow *self = SD_WINDOW (widget);
  SdService *service = sd_context_get_service (sd_window_get_context (self));
  g_autoptr(GPtrArray) tasks = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree const char **ids = g_variant_get_strv (parameter, NULL);
  GtkWidget *compare;

  for (guint i = 0; ids[i] != NULL; i++)
    {
      SdTask *task = sd_service_lookup (service, ids[i]);
      const char *path = task != NULL ? sd_task_get_local_file (task) : NULL;

      if (path != NULL && sd_task_get_status (task) == SD_TASK_STATUS_COMPLETED &&
          g_file_test (path, G_FILE_TEST_IS_REGULAR))
        g_ptr_array_add (tasks, g_object_ref (task));
    }
  if (tasks->len < SD_COMPARE_MIN_TAKES || tasks->len > SD_COMPARE_MAX_TAKES)
    {
      sd_window_show_message (self, _("Compare takes two to four completed tasks with saved videos."));
      return;
    }
  compare = sd_compare_window_new (tasks);
  gtk_window_set_transient_for (GTK_WINDOW (compare), GTK_WINDOW (self));
  gtk_window_present (GTK_WINDOW (compare));
}

void
_sd_window_class_install_continue_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.continue-task", "s", continue_task_action);
  gtk_widget_class_install_action (widget_class, "win.select-task", "s", select_task_action);
  gtk_widget_class_install_action (widget_class, "win.compare-tasks", "as", compare_tasks_action);
}

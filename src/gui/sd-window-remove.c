/* sd-window-remove.c: removing tasks, the question about their videos, Undo
 *
 * Removing asks whether the saved videos go too; the default keeps them.
 * The history's part runs on the store's worker in one transaction
 * (sd_service_remove_many_async), so a whole view of thousands goes
 * without holding the main loop; a removal that lasts over a second says
 * so. The videos to delete are deleted off the main thread once the
 * tasks have left the history, and Undo (the toast, while it shows)
 * brings back the tasks, never a deleted file.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-window"

#include "config.h"

#include <glib/gi18n.h>

#include "sd-message-dialog.h"
#include "sd-service.h"
#include "sd-store-query.h"
#include "sd-store.h"
#include "sd-toasts.h"
#include "sd-window-private.h"

static SdService *
get_service (SdWindow *window)
{
  return sd_context_get_service (sd_window_get_context (window));
}

char **
_sd_window_get_task_ids (GPtrArray *tasks)
{
  GStrvBuilder *builder = g_strv_builder_new ();
  char **ids;

  for (guint i = 0; i < tasks->len; i++)
    g_strv_builder_add (builder, sd_task_get_id (g_ptr_array_index (tasks, i)));
  ids = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return ids;
}

gboolean
_sd_window_task_has_saved_video (SdTask *task)
{
  const char *path = sd_task_get_local_file (task);

  return path != NULL && g_file_test (path, G_FILE_TEST_IS_REGULAR);
}

typedef struct
{
  SdWindow  *window;
  guint      pending;
  guint      failed;
  char      *first_failure;
} Deletion;

static void
finish_deletion (Deletion *deletion)
{
  if (deletion->failed > 0)
    {
      g_autofree char *message =
        g_strdup_printf (ngettext ("Could not delete %u video: %s",
                                   "Could not delete %u videos: %s", deletion->failed),
                         deletion->failed, deletion->first_failure);

      sd_window_show_message (deletion->window, message);
    }
  g_object_unref (deletion->window);
  g_free (deletion->first_failure);
  g_free (deletion);
}

static void
on_video_deleted_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  Deletion *deletion = user_data;
  g_autoptr(GError) error = NULL;

  /* gone meanwhile is as good as deleted */
  if (!g_file_delete_finish (G_FILE (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    {
      g_autofree char *name = g_file_get_basename (G_FILE (source));

      g_debug ("Could not delete a saved video: %s %d", g_quark_to_string (error->domain),
               error->code);
      if (deletion->failed++ == 0)
        /* Translators: a file's name and why it could not be deleted */
        deletion->first_failure = g_strdup_printf (_("“%s”: %s"), name, error->message);
    }
  if (--deletion->pending == 0)
    finish_deletion (deletion);
}

/* The files were there when the tasks were removed; a task's record
 * keeps the path. Deleting runs off the main thread (GIO's workers). */
static void
delete_videos (SdWindow            *window,
               const char * const  *paths)
{
  Deletion *deletion = g_new0 (Deletion, 1);

  deletion->window = g_object_ref (window);
  deletion->pending = 1;
  for (guint i = 0; paths[i] != NULL; i++)
    {
      g_autoptr(GFile) file = g_file_new_for_path (paths[i]);

      deletion->pending++;
      g_file_delete_async (file, G_PRIORITY_DEFAULT, NULL, on_video_deleted_cb, deletion);
    }
  g_debug ("Deleting %u saved videos", deletion->pending - 1);
  if (--deletion->pending == 0)
    finish_deletion (deletion);
}

static void
on_undo_toast_dismissed_cb (SdWindow *window,
                            AdwToast *toast)
{
  SdWindowSelection *selection = _sd_window_get_selection (window);
  SdStoreRemoval *removal;
  const char *key = g_object_get_data (G_OBJECT (toast), "undo-key");

  /* Too late to undo: the rows kept for it go. */
  if (selection == NULL ||
      (removal = g_hash_table_lookup (_sd_window_selection_get_undo (selection), key)) == NULL)
    return;
  sd_service_forget_removal (get_service (window), removal);
  g_hash_table_remove (_sd_window_selection_get_undo (selection), key);
}

/* Keys of the removals Undo may bring back, unique in the process. */
static guint undo_serial;

static void
offer_undo (SdWindow       *window,
            SdStoreRemoval *removal)
{
  GHashTable *undo = _sd_window_selection_get_undo (_sd_window_get_selection (window));
  guint n = sd_store_removal_get_n_tasks (removal);
  g_autofree char *key = g_strdup_printf ("removed-%u", ++undo_serial);
  g_autofree char *title = g_strdup_printf (ngettext ("%u task removed", "%u tasks removed", n), n);
  AdwToast *toast = adw_toast_new (title);

  g_hash_table_replace (undo, g_strdup (key), sd_store_removal_ref (removal));
  g_object_set_data_full (G_OBJECT (toast), "undo-key", g_strdup (key), g_free);
  g_signal_connect_object (toast, "dismissed",
                           G_CALLBACK (on_undo_toast_dismissed_cb), window, G_CONNECT_SWAPPED);
  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_action_name (toast, "win.undo-remove-tasks");
  adw_toast_set_action_target_value (toast, g_variant_new_string (key));
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  sd_window_add_toast (window, toast);
}

/* The history's part runs on the store's worker, in one transaction; the
 * window only waits. Work that lasts over a second says so. */
#define PROGRESS_AFTER_MS 1000

typedef struct
{
  SdWindow  *window;
  guint      total;
  gboolean   removing;
  gboolean   delete_files;
  guint      progress_id;
  AdwToast  *progress;     /* shown past PROGRESS_AFTER_MS */
} Job;

static void
job_free (Job *job)
{
  g_clear_handle_id (&job->progress_id, g_source_remove);
  if (job->progress != NULL)
    sd_toasts_dismiss (job->progress);
  g_clear_object (&job->progress);
  g_object_unref (job->window);
  g_free (job);
}

static gboolean
show_progress_cb (gpointer data)
{
  Job *job = data;
  g_autofree char *title =
    job->removing
    ? g_strdup_printf (ngettext ("Removing %u task…", "Removing %u tasks…", job->total), job->total)
    : g_strdup_printf (ngettext ("Restoring %u task…", "Restoring %u tasks…", job->total), job->total);

  job->progress_id = 0;
  job->progress = g_object_ref_sink (adw_toast_new (title));
  adw_toast_set_timeout (job->progress, 0);
  sd_window_add_toast (job->window, job->progress);
  return G_SOURCE_REMOVE;
}

static Job *
job_new (SdWindow *window,
         guint     total,
         gboolean  removing)
{
  Job *job = g_new0 (Job, 1);

  job->window = g_object_ref (window);
  job->total = total;
  job->removing = removing;
  job->progress_id = g_timeout_add (PROGRESS_AFTER_MS, show_progress_cb, job);
  return job;
}

static void
on_removed_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Job *job = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStoreRemoval) removal = sd_service_remove_many_finish (SD_SERVICE (source), result,
                                                                      &error);

  if (removal == NULL)
    sd_window_show_message (job->window, error->message);
  else
    {
      g_debug ("Removed %u of %u tasks", sd_store_removal_get_n_tasks (removal), job->total);
      if (job->delete_files)
        delete_videos (job->window, sd_store_removal_get_videos (removal));
      if (sd_store_removal_get_n_tasks (removal) > 0)
        offer_undo (job->window, removal);
    }
  /* tasks the service had not loaded leave no trace in its list */
  _sd_window_history_refresh (_sd_window_get_history (job->window));
  job_free (job);
}

static void
remove_ids (SdWindow            *window,
            const char * const  *ids,
            gboolean             delete_files)
{
  Job *job = job_new (window, g_strv_length ((char **) ids), TRUE);

  job->delete_files = delete_files;
  sd_service_remove_many_async (get_service (window), ids, NULL, on_removed_cb, job);
}

static void
on_restored_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Job *job = user_data;
  g_autoptr(GError) error = NULL;

  if (!sd_service_restore_many_finish (SD_SERVICE (source), result, &error))
    sd_window_show_message (job->window, error->message);
  _sd_window_history_refresh (_sd_window_get_history (job->window));
  job_free (job);
}

/* The saved videos of @tasks that are files now. */
static char **
get_saved_videos (GPtrArray *tasks)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < tasks->len; i++)
    if (_sd_window_task_has_saved_video (g_ptr_array_index (tasks, i)))
      g_strv_builder_add (builder, sd_task_get_local_file (g_ptr_array_index (tasks, i)));
  return g_strv_builder_end (builder);
}

/* One task goes the way a row's Remove always went (win.undo-remove). */
static void
remove_now (SdWindow  *window,
            GPtrArray *tasks,
            gboolean   delete_files)
{
  g_auto(GStrv) ids = NULL;

  if (tasks->len == 1)
    {
      const char *task_id = sd_task_get_id (g_ptr_array_index (tasks, 0));
      SdTask *loaded = sd_service_lookup (get_service (window), task_id);
      g_autoptr(SdTask) task = loaded != NULL ? g_object_ref (loaded) : NULL;
      g_auto(GStrv) videos = get_saved_videos (tasks);

      /* a query's copy: the service's own task is the one to remove */
      if (task == NULL)
        return;
      sd_window_remove_task (window, task);
      if (delete_files && sd_service_get_loaded_task (get_service (window), task_id) == NULL)
        delete_videos (window, (const char * const *) videos);
      return;
    }
  ids = _sd_window_get_task_ids (tasks);
  remove_ids (window, (const char * const *) ids, delete_files);
}

typedef struct
{
  SdWindow  *window;
  GPtrArray *tasks;  /* the selected ones, or NULL */
  char     **ids;    /* a query's, when no tasks */
} RemoveRequest;

static void
remove_request_free (gpointer  data,
                     GClosure *closure)
{
  RemoveRequest *request = data;

  g_object_unref (request->window);
  g_clear_pointer (&request->tasks, g_ptr_array_unref);
  g_strfreev (request->ids);
  g_free (request);
}

static void
on_remove_response_cb (AdwMessageDialog *dialog,
                       const char       *response,
                       RemoveRequest    *request)
{
  gboolean delete_files = g_strcmp0 (response, "delete") == 0;

  g_debug ("Remove answered: %s", response);
  if (g_strcmp0 (response, "remove") != 0 && !delete_files)
    return;
  if (request->tasks != NULL)
    remove_now (request->window, request->tasks, delete_files);
  else
    remove_ids (request->window, (const char * const *) request->ids, delete_files);
}

static void
ask (RemoveRequest *request,
     const char    *heading,
     const char    *body,
     gboolean       offer_delete)
{
  GtkWidget *dialog = sd_message_dialog_new (GTK_WINDOW (request->window), heading, body);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "remove", _("_Remove"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "remove",
                                              ADW_RESPONSE_SUGGESTED);
  if (offer_delete)
    {
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "delete",
                                       _("Remove and _Delete Videos"));
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete",
                                                  ADW_RESPONSE_DESTRUCTIVE);
    }
  /* Enter keeps the files */
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "remove");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_remove_response_cb), request,
                         remove_request_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

void
_sd_window_remove_tasks (SdWindow  *window,
                         GPtrArray *tasks)
{
  RemoveRequest *request;
  g_autofree char *heading = NULL;
  guint n_videos = 0;

  for (guint i = 0; i < tasks->len; i++)
    n_videos += _sd_window_task_has_saved_video (g_ptr_array_index (tasks, i));
  /* Nothing to decide: the toast offers Undo. */
  if (n_videos == 0)
    {
      if (tasks->len > 0)
        remove_now (window, tasks, FALSE);
      return;
    }

  request = g_new0 (RemoveRequest, 1);
  request->window = g_object_ref (window);
  request->tasks = g_ptr_array_ref (tasks);
  heading = g_strdup_printf (ngettext ("Remove %u task?", "Remove %u tasks?", tasks->len),
                             tasks->len);
  ask (request, heading,
       ngettext ("Its saved video can stay in its folder or be deleted too. Undo brings "
                 "back the tasks, not deleted videos.",
                 "Their saved videos can stay in their folder or be deleted too. Undo "
                 "brings back the tasks, not deleted videos.", n_videos),
       TRUE);
}

/* "Remove N tasks?" for ids whose videos are not known here: a whole
 * view, or the view's completed tasks. */
void
_sd_window_remove_ids_asking (SdWindow   *window,
               char      **ids,
               const char *heading,
               const char *body,
               gboolean    offer_delete)
{
  RemoveRequest *request = g_new0 (RemoveRequest, 1);

  request->window = g_object_ref (window);
  request->ids = ids;
  ask (request, heading, body, offer_delete);
}

typedef struct
{
  SdWindow *window;
  gboolean  completed;
} Matching;

static void
on_matching_ids_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Matching *matching = user_data;
  g_autoptr(SdWindow) window = matching->window;
  gboolean completed = matching->completed;
  g_autoptr(GError) error = NULL;
  char **ids = sd_store_query_ids_finish (SD_STORE (source), result, &error);
  g_autofree char *heading = NULL;
  guint n;

  g_free (matching);
  if (ids == NULL)
    {
      sd_window_show_message (window, error->message);
      return;
    }
  n = g_strv_length (ids);
  g_debug ("%u tasks to remove (completed: %d)", n, completed);
  if (n == 0)
    {
      g_strfreev (ids);
      sd_window_show_message (window, completed ? _("No completed tasks to clear here.")
                                                : _("No failed tasks to remove here."));
      return;
    }
  heading = completed
            ? g_strdup_printf (ngettext ("Remove %u completed task?",
                                         "Remove %u completed tasks?", n), n)
            : g_strdup_printf (ngettext ("Remove %u failed task?",
                                         "Remove %u failed tasks?", n), n);
  _sd_window_remove_ids_asking (window, ids, heading,
                 completed ? _("The tasks shown leave the history. Their saved videos stay in their "
                               "folder unless deleted too; Undo brings back the tasks, not deleted videos.")
                           : _("The tasks shown leave the history; Undo brings them back."),
                 completed);
}

/* The view's query, kept to the tasks of @status_filter too (none when
 * the view shows none of them). */
gboolean
_sd_window_query_narrow_to_status (SdTaskQuery *query,
                  guint        status_filter)
{
  query->statuses = query->statuses == 0 || (query->statuses & status_filter) != 0
                    ? status_filter & (query->statuses != 0 ? query->statuses : status_filter) : 0;
  return query->statuses != 0;
}

/* The ids are read off the main thread (the history's reader). */
void
_sd_window_remove_matching (SdWindow    *window,
                            SdTaskQuery *query,
                            guint        status_filter)
{
  SdWindowHistory *history = _sd_window_get_history (window);
  SdStore *reader = history != NULL ? _sd_window_history_get_reader (history) : NULL;
  gboolean completed = status_filter == SD_TASK_STATUS_FILTER_COMPLETED;
  Matching *matching;

  if (reader == NULL || !_sd_window_query_narrow_to_status (query, status_filter))
    {
      sd_window_show_message (window, completed ? _("No completed tasks to clear here.")
                                                : _("No failed tasks to remove here."));
      return;
    }
  matching = g_new0 (Matching, 1);
  matching->window = g_object_ref (window);
  matching->completed = completed;
  sd_store_query_ids_async (reader, query, NULL, on_matching_ids_cb, matching);
}

static void
undo_remove_tasks_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  SdWindow *window = SD_WINDOW (widget);
  SdWindowSelection *selection = _sd_window_get_selection (window);
  const char *key = g_variant_get_string (parameter, NULL);
  g_autofree char *stolen_key = NULL;
  g_autoptr(SdStoreRemoval) removal = NULL;

  if (selection == NULL ||
      !g_hash_table_steal_extended (_sd_window_selection_get_undo (selection), key,
                                    (gpointer *) &stolen_key, (gpointer *) &removal))
    return;
  sd_service_restore_many_async (get_service (window), removal, NULL, on_restored_cb,
                                 job_new (window, sd_store_removal_get_n_tasks (removal), FALSE));
}

void
_sd_window_class_install_remove_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.undo-remove-tasks", "s",
                                   undo_remove_tasks_action);
}

/* sd-window-selection.c: acting on many tasks at once
 *
 * The results list is a GtkMultiSelection: Ctrl- and Shift-click, Ctrl+A
 * (the list's own list.select-all) within what the list shows, Escape
 * clears. With two or more selected, a bar below the list says how many
 * and offers what applies to them: Remove (with Undo), Compare (two to
 * four completed takes with saved videos), Add to/Remove from Favourites,
 * Retry Failed (the queue's win.retry-task, when installed), Download
 * Again and Export as Batch. Removing asks whether the saved videos go
 * too; the default keeps them, and Undo brings back the tasks, never a
 * deleted file.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-window"

#include "config.h"

#include <glib/gi18n.h>

#include "sd-batch-import.h"
#include "sd-compare-window.h"
#include "sd-message-dialog.h"
#include "sd-service.h"
#include "sd-store.h"
#include "sd-task-row.h"
#include "sd-window-private.h"

#define RETRY_ACTION "win.retry-task"

struct _SdWindowSelection
{
  SdWindow          *window;     /* owns this */
  GtkMultiSelection *selection;
  GtkRevealer       *bar;
  GtkLabel          *count_label;
  GHashTable        *undo;       /* toast key → GPtrArray of removed tasks */
  guint              undo_serial;
};

static SdService *
get_service (SdWindow *window)
{
  return sd_context_get_service (sd_window_get_context (window));
}

/* The selected tasks, in the list's order. */
static GPtrArray *
get_selected_tasks (SdWindowSelection *self)
{
  GtkSelectionModel *model = GTK_SELECTION_MODEL (self->selection);
  g_autoptr(GtkBitset) selected = gtk_selection_model_get_selection (model);
  GPtrArray *tasks = g_ptr_array_new_with_free_func (g_object_unref);
  GtkBitsetIter iter;
  guint position;

  for (gboolean more = gtk_bitset_iter_init_first (&iter, selected, &position);
       more;
       more = gtk_bitset_iter_next (&iter, &position))
    {
      SdTask *task = g_list_model_get_item (G_LIST_MODEL (model), position);

      if (task != NULL)
        g_ptr_array_add (tasks, task);
    }
  return tasks;
}

static SdTask *
get_focused_task (SdWindowSelection *self)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self->window));
  GtkWidget *row;

  if (focus == NULL)
    return NULL;
  row = SD_IS_TASK_ROW (focus) ? focus : gtk_widget_get_ancestor (focus, SD_TYPE_TASK_ROW);
  /* the list item itself: the row is inside, under its day header */
  if (row == NULL && gtk_widget_get_first_child (focus) != NULL)
    {
      row = _sd_window_days_get_row (gtk_widget_get_first_child (focus));
      if (!SD_IS_TASK_ROW (row))
        row = NULL;
    }
  return row != NULL ? sd_task_row_get_task (SD_TASK_ROW (row)) : NULL;
}

SdTask *
_sd_window_selection_get_current (SdWindowSelection *self)
{
  g_autoptr(GPtrArray) tasks = get_selected_tasks (self);
  SdTask *focused;

  if (tasks->len == 1)
    return g_ptr_array_index (tasks, 0);
  focused = get_focused_task (self);
  if (focused != NULL && g_ptr_array_find (tasks, focused, NULL))
    return focused;
  return NULL;
}

static char **
get_ids (GPtrArray *tasks)
{
  GStrvBuilder *builder = g_strv_builder_new ();
  char **ids;

  for (guint i = 0; i < tasks->len; i++)
    g_strv_builder_add (builder, sd_task_get_id (g_ptr_array_index (tasks, i)));
  ids = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return ids;
}

static gboolean
has_saved_video (SdTask *task)
{
  const char *path = sd_task_get_local_file (task);

  return path != NULL && g_file_test (path, G_FILE_TEST_IS_REGULAR);
}

static gboolean
can_compare (GPtrArray *tasks)
{
  if (tasks->len < SD_COMPARE_MIN_TAKES || tasks->len > SD_COMPARE_MAX_TAKES)
    return FALSE;
  for (guint i = 0; i < tasks->len; i++)
    {
      SdTask *task = g_ptr_array_index (tasks, i);

      if (sd_task_get_status (task) != SD_TASK_STATUS_COMPLETED || !has_saved_video (task))
        return FALSE;
    }
  return TRUE;
}

static gboolean
is_failed (SdTask *task)
{
  return sd_task_get_status (task) == SD_TASK_STATUS_FAILED ||
         sd_task_get_status (task) == SD_TASK_STATUS_NOT_FOUND;
}

static gboolean
can_download (SdTask *task)
{
  return sd_task_get_status (task) == SD_TASK_STATUS_COMPLETED &&
         sd_task_get_video_url (task) != NULL;
}

/* The queue's retry is another part of the window; without it, Retry
 * Failed stays off rather than failing when pressed. */
static gboolean
has_retry_action (SdWindow *window)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_GET_CLASS (window);
  const char *name;
  GType owner;
  const GVariantType *parameter_type;
  const char *property;
  gboolean found = FALSE;

  for (guint i = 0;
       !found && gtk_widget_class_query_action (widget_class, i, &owner, &name,
                                                &parameter_type, &property);
       i++)
    found = g_strcmp0 (name, RETRY_ACTION) == 0;
  return found;
}

static void
update_actions (SdWindowSelection *self)
{
  GtkWidget *window = GTK_WIDGET (self->window);
  g_autoptr(GPtrArray) tasks = get_selected_tasks (self);
  g_autofree char *count = NULL;
  gboolean any_favourite = FALSE, any_plain = FALSE, any_failed = FALSE, any_download = FALSE;

  for (guint i = 0; i < tasks->len; i++)
    {
      SdTask *task = g_ptr_array_index (tasks, i);

      any_favourite |= sd_task_get_favourite (task);
      any_plain |= !sd_task_get_favourite (task);
      any_failed |= is_failed (task);
      any_download |= can_download (task);
    }
  gtk_widget_action_set_enabled (window, "win.remove-selection", tasks->len > 0);
  gtk_widget_action_set_enabled (window, "win.favourite-selection", any_plain);
  gtk_widget_action_set_enabled (window, "win.unfavourite-selection", any_favourite);
  gtk_widget_action_set_enabled (window, "win.retry-selection",
                                 any_failed && has_retry_action (self->window));
  gtk_widget_action_set_enabled (window, "win.download-selection", any_download);
  gtk_widget_action_set_enabled (window, "win.export-selection", tasks->len > 0);
  gtk_widget_action_set_enabled (window, "win.compare-selection", can_compare (tasks));
  gtk_widget_action_set_enabled (window, "win.select-none", tasks->len > 0);

  /* Translators: the number of tasks selected in the results */
  count = g_strdup_printf (ngettext ("%u selected", "%u selected", tasks->len), tasks->len);
  gtk_label_set_text (self->count_label, count);
  gtk_revealer_set_reveal_child (self->bar, tasks->len >= 2);
}

static void
on_selection_changed_cb (SdWindowSelection *self)
{
  update_actions (self);
}

void
_sd_window_selection_update (SdWindowSelection *self)
{
  if (self != NULL)
    update_actions (self);
}

/* Favourites ------------------------------------------------------------------ */

/* The star in the history, on the service's tasks and on the copies a
 * query read (the same ids). */
static void
set_favourite (SdWindow  *window,
               GPtrArray *tasks,
               gboolean   favourite)
{
  SdStore *store = sd_context_get_store (sd_window_get_context (window));
  GListModel *matches = _sd_window_history_get_matches (_sd_window_get_history (window));
  g_auto(GStrv) ids = get_ids (tasks);
  g_autoptr(GError) error = NULL;

  if (store != NULL &&
      !sd_store_set_favourite (store, (const char * const *) ids, favourite, &error))
    {
      sd_window_show_message (window, error->message);
      return;
    }
  g_debug ("%u tasks favourite: %d", tasks->len, favourite);
  for (guint i = 0; ids[i] != NULL; i++)
    {
      SdTask *loaded = sd_service_get_loaded_task (get_service (window), ids[i]);

      if (loaded != NULL)
        sd_task_set_favourite (loaded, favourite);
    }
  for (guint i = 0; i < g_list_model_get_n_items (matches); i++)
    {
      g_autoptr(SdTask) match = g_list_model_get_item (matches, i);

      if (g_strv_contains ((const char * const *) ids, sd_task_get_id (match)))
        sd_task_set_favourite (match, favourite);
    }
  for (guint i = 0; i < tasks->len; i++)
    sd_task_set_favourite (g_ptr_array_index (tasks, i), favourite);
}

void
_sd_window_selection_toggle_favourite (SdWindowSelection *self)
{
  g_autoptr(GPtrArray) tasks = get_selected_tasks (self);
  gboolean favourite = FALSE;

  for (guint i = 0; i < tasks->len; i++)
    favourite |= !sd_task_get_favourite (g_ptr_array_index (tasks, i));
  if (tasks->len > 0)
    set_favourite (self->window, tasks, favourite);
  update_actions (self);
}

/* Removing, and the question about the videos ------------------------------- */

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

/* Only files that are there are deleted; a task's record keeps the path. */
static void
delete_videos (SdWindow  *window,
               GPtrArray *tasks)
{
  Deletion *deletion = g_new0 (Deletion, 1);

  deletion->window = g_object_ref (window);
  deletion->pending = 1;
  for (guint i = 0; i < tasks->len; i++)
    {
      SdTask *task = g_ptr_array_index (tasks, i);
      g_autoptr(GFile) file = NULL;

      if (!has_saved_video (task))
        continue;
      file = g_file_new_for_path (sd_task_get_local_file (task));
      g_debug ("Deleting the saved video of task %s", sd_task_get_id (task));
      deletion->pending++;
      g_file_delete_async (file, G_PRIORITY_DEFAULT, NULL, on_video_deleted_cb, deletion);
    }
  if (--deletion->pending == 0)
    finish_deletion (deletion);
}

static void
on_undo_toast_dismissed_cb (SdWindow *window,
                            AdwToast *toast)
{
  SdWindowSelection *self = _sd_window_get_selection (window);

  /* Too late to undo: the removed tasks go. */
  if (self != NULL)
    g_hash_table_remove (self->undo, g_object_get_data (G_OBJECT (toast), "undo-key"));
}

static void
offer_undo (SdWindow  *window,
            GPtrArray *removed)
{
  SdWindowSelection *self = _sd_window_get_selection (window);
  g_autofree char *key = g_strdup_printf ("removed-%u", ++self->undo_serial);
  g_autofree char *title = g_strdup_printf (ngettext ("%u task removed", "%u tasks removed",
                                                      removed->len),
                                            removed->len);
  AdwToast *toast = adw_toast_new (title);

  g_hash_table_replace (self->undo, g_strdup (key), g_ptr_array_ref (removed));
  g_object_set_data_full (G_OBJECT (toast), "undo-key", g_strdup (key), g_free);
  g_signal_connect_object (toast, "dismissed",
                           G_CALLBACK (on_undo_toast_dismissed_cb), window, G_CONNECT_SWAPPED);
  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_action_name (toast, "win.undo-remove-tasks");
  adw_toast_set_action_target_value (toast, g_variant_new_string (key));
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  sd_window_add_toast (window, toast);
}

/* Thousands of tasks go (or come back) a chunk at a time, each chunk one
 * transaction, so that the window keeps drawing: a task takes about half a
 * millisecond with its search index rows (bench/RESULTS.md). */
#define CHUNK_TASKS 100

typedef struct
{
  SdWindow  *window;
  char     **ids;          /* to remove; NULL when restoring */
  GPtrArray *tasks;        /* removed so far, or to restore */
  guint      next;
  guint      total;
  gboolean   delete_files;
} Job;

static void
job_free (gpointer data)
{
  Job *job = data;

  g_object_unref (job->window);
  g_strfreev (job->ids);
  g_ptr_array_unref (job->tasks);
  g_free (job);
}

static gboolean
remove_chunk (Job     *job,
              GError **error)
{
  g_autoptr(GPtrArray) chunk = g_ptr_array_new ();
  g_autoptr(GPtrArray) removed = NULL;

  for (guint i = job->next; i < job->total && chunk->len < CHUNK_TASKS; i++)
    g_ptr_array_add (chunk, job->ids[i]);
  g_ptr_array_add (chunk, NULL);
  job->next += chunk->len - 1;
  if (!sd_service_remove_many (get_service (job->window), (const char * const *) chunk->pdata,
                               &removed, error))
    return FALSE;
  g_ptr_array_extend_and_steal (job->tasks, g_steal_pointer (&removed));
  return TRUE;
}

static gboolean
restore_chunk (Job     *job,
               GError **error)
{
  g_autoptr(GPtrArray) chunk = g_ptr_array_new ();

  for (guint i = job->next; i < job->total && chunk->len < CHUNK_TASKS; i++)
    g_ptr_array_add (chunk, g_ptr_array_index (job->tasks, i));
  job->next += chunk->len;
  return sd_service_restore_many (get_service (job->window), chunk, error);
}

static void
finish_job (Job *job)
{
  /* tasks the service had not loaded leave no trace in its list */
  _sd_window_history_refresh (_sd_window_get_history (job->window));
  if (job->ids == NULL)
    return;
  if (job->delete_files)
    delete_videos (job->window, job->tasks);
  if (job->tasks->len > 0)
    offer_undo (job->window, job->tasks);
}

/* FALSE once the job is done (or failed): what it did so far stays done,
 * and a removal's Undo offers that. */
static gboolean
run_job_step (Job *job)
{
  g_autoptr(GError) error = NULL;
  gboolean done;

  done = job->ids != NULL ? remove_chunk (job, &error) : restore_chunk (job, &error);
  if (!done)
    sd_window_show_message (job->window, error->message);
  if (done && job->next < job->total)
    return TRUE;
  g_debug ("%s %u of %u tasks", job->ids != NULL ? "Removed" : "Restored", job->next, job->total);
  finish_job (job);
  return FALSE;
}

static gboolean
run_job_step_cb (gpointer data)
{
  return run_job_step (data) ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

/* The first chunk at once (a selection is one chunk), the rest from idles
 * between frames. */
static void
start_job (Job *job)
{
  if (job->total > CHUNK_TASKS)
    {
      g_autofree char *title =
        job->ids != NULL
        ? g_strdup_printf (ngettext ("Removing %u task…", "Removing %u tasks…", job->total),
                           job->total)
        : g_strdup_printf (ngettext ("Restoring %u task…", "Restoring %u tasks…", job->total),
                           job->total);

      sd_window_add_toast (job->window, adw_toast_new (title));
    }
  if (!run_job_step (job))
    {
      job_free (job);
      return;
    }
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, run_job_step_cb, job, job_free);
}

static void
remove_ids (SdWindow            *window,
            const char * const  *ids,
            gboolean             delete_files)
{
  Job *job = g_new0 (Job, 1);

  job->window = g_object_ref (window);
  job->ids = g_strdupv ((char **) ids);
  job->total = g_strv_length (job->ids);
  job->tasks = g_ptr_array_new_with_free_func (g_object_unref);
  job->delete_files = delete_files;
  start_job (job);
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

      /* a query's copy: the service's own task is the one to remove */
      if (task == NULL)
        return;
      sd_window_remove_task (window, task);
      if (delete_files && sd_service_get_loaded_task (get_service (window), task_id) == NULL)
        delete_videos (window, tasks);
      return;
    }
  ids = get_ids (tasks);
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
    n_videos += has_saved_video (g_ptr_array_index (tasks, i));
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

void
_sd_window_remove_matching (SdWindow    *window,
                            SdTaskQuery *query,
                            guint        status_filter)
{
  SdStore *store = sd_context_get_store (sd_window_get_context (window));
  gboolean completed = status_filter == SD_TASK_STATUS_FILTER_COMPLETED;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) ids = NULL;
  g_autofree char *heading = NULL;
  RemoveRequest *request;
  guint n;

  /* the view's status filter and this one must both hold */
  query->statuses = query->statuses == 0 || (query->statuses & status_filter) != 0
                    ? status_filter : 0;
  if (store == NULL || query->statuses == 0)
    ids = g_new0 (char *, 1);
  else if ((ids = sd_store_query_ids (store, query, &error)) == NULL)
    {
      sd_window_show_message (window, error->message);
      return;
    }
  n = g_strv_length (ids);
  g_debug ("%u tasks to remove by status %u", n, status_filter);
  if (n == 0)
    {
      sd_window_show_message (window, completed ? _("No completed tasks to clear here.")
                                                : _("No failed tasks to remove here."));
      return;
    }

  request = g_new0 (RemoveRequest, 1);
  request->window = g_object_ref (window);
  request->ids = g_steal_pointer (&ids);
  heading = completed
            ? g_strdup_printf (ngettext ("Remove %u completed task?",
                                         "Remove %u completed tasks?", n), n)
            : g_strdup_printf (ngettext ("Remove %u failed task?",
                                         "Remove %u failed tasks?", n), n);
  ask (request, heading,
       completed ? _("The tasks shown leave the history. Their saved videos stay in their "
                     "folder unless deleted too; Undo brings back the tasks, not deleted videos.")
                 : _("The tasks shown leave the history; Undo brings them back."),
       completed);
}

/* The actions -------------------------------------------------------------- */

static SdWindowSelection *
get_self (GtkWidget *widget)
{
  return _sd_window_get_selection (SD_WINDOW (widget));
}

static void
select_all_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  gtk_selection_model_select_all (GTK_SELECTION_MODEL (get_self (widget)->selection));
}

static void
select_none_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  gtk_selection_model_unselect_all (GTK_SELECTION_MODEL (get_self (widget)->selection));
}

static void
remove_selection_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  g_autoptr(GPtrArray) tasks = get_selected_tasks (get_self (widget));

  _sd_window_remove_tasks (SD_WINDOW (widget), tasks);
}

static void
undo_remove_tasks_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  SdWindow *window = SD_WINDOW (widget);
  SdWindowSelection *self = get_self (widget);
  const char *key = g_variant_get_string (parameter, NULL);
  g_autofree char *stolen_key = NULL;
  g_autoptr(GPtrArray) removed = NULL;
  Job *job;

  if (!g_hash_table_steal_extended (self->undo, key, (gpointer *) &stolen_key,
                                    (gpointer *) &removed))
    return;
  job = g_new0 (Job, 1);
  job->window = g_object_ref (window);
  job->tasks = g_steal_pointer (&removed);
  job->total = job->tasks->len;
  start_job (job);
}

static void
favourite_selection_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  SdWindowSelection *self = get_self (widget);
  g_autoptr(GPtrArray) tasks = get_selected_tasks (self);

  set_favourite (SD_WINDOW (widget), tasks, g_str_equal (action_name, "win.favourite-selection"));
  update_actions (self);
}

/* Each task on its own, as its row would: a refused one says why. */
static void
activate_for_each (GtkWidget   *widget,
                   const char  *task_action,
                   gboolean   (*applies) (SdTask *task))
{
  g_autoptr(GPtrArray) tasks = get_selected_tasks (get_self (widget));

  for (guint i = 0; i < tasks->len; i++)
    if (applies (g_ptr_array_index (tasks, i)))
      gtk_widget_activate_action (widget, task_action, "s",
                                  sd_task_get_id (g_ptr_array_index (tasks, i)));
}

static void
retry_selection_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  activate_for_each (widget, RETRY_ACTION, is_failed);
}

static void
download_selection_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  activate_for_each (widget, "win.download-task", can_download);
}

static void
export_selection_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  g_autoptr(GPtrArray) tasks = get_selected_tasks (get_self (widget));
  g_autoptr(GListStore) store = g_list_store_new (SD_TYPE_TASK);

  g_list_store_splice (store, 0, 0, tasks->pdata, tasks->len);
  sd_batch_export_choose (GTK_WINDOW (widget), G_LIST_MODEL (store));
}

static void
compare_selection_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  g_autoptr(GPtrArray) tasks = get_selected_tasks (get_self (widget));
  g_auto(GStrv) ids = get_ids (tasks);

  gtk_widget_activate_action_variant (widget, "win.compare-tasks",
                                      g_variant_new_strv ((const char * const *) ids, -1));
}

void
_sd_window_class_install_selection_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.select-all", NULL, select_all_action);
  gtk_widget_class_install_action (widget_class, "win.select-none", NULL, select_none_action);
  gtk_widget_class_install_action (widget_class, "win.remove-selection", NULL,
                                   remove_selection_action);
  gtk_widget_class_install_action (widget_class, "win.undo-remove-tasks", "s",
                                   undo_remove_tasks_action);
  gtk_widget_class_install_action (widget_class, "win.favourite-selection", NULL,
                                   favourite_selection_action);
  gtk_widget_class_install_action (widget_class, "win.unfavourite-selection", NULL,
                                   favourite_selection_action);
  gtk_widget_class_install_action (widget_class, "win.retry-selection", NULL,
                                   retry_selection_action);
  gtk_widget_class_install_action (widget_class, "win.download-selection", NULL,
                                   download_selection_action);
  gtk_widget_class_install_action (widget_class, "win.export-selection", NULL,
                                   export_selection_action);
  gtk_widget_class_install_action (widget_class, "win.compare-selection", NULL,
                                   compare_selection_action);
}

/* The bar ------------------------------------------------------------------ */

static GtkWidget *
new_button (const char *icon_name,
            const char *label,
            const char *action_name)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon_name);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action_name);
  gtk_widget_set_tooltip_text (button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  return button;
}

static GMenuModel *
build_more_menu (void)
{
  GMenu *menu = g_menu_new ();
  g_autoptr(GMenu) tasks = g_menu_new ();
  g_autoptr(GMenu) selection = g_menu_new ();

  g_menu_append (tasks, _("Remove from _Favourites"), "win.unfavourite-selection");
  g_menu_append (tasks, _("Retry _Failed"), "win.retry-selection");
  g_menu_append (tasks, _("_Download Again"), "win.download-selection");
  g_menu_append (tasks, _("_Export as Batch…"), "win.export-selection");
  g_menu_append (selection, _("Select _All"), "win.select-all");
  g_menu_append (selection, _("Select _None"), "win.select-none");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (tasks));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (selection));
  return G_MENU_MODEL (menu);
}

static GtkWidget *
build_bar (SdWindowSelection *self)
{
  g_autoptr(GMenuModel) menu = build_more_menu ();
  GtkWidget *action_bar = gtk_action_bar_new ();
  GtkWidget *compare = gtk_button_new_with_mnemonic (_("_Compare"));
  GtkWidget *more = gtk_menu_button_new ();

  self->count_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->count_label), "heading");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (compare), "win.compare-selection");
  gtk_widget_set_tooltip_text (compare, _("Play the selected takes side by side"));
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (more), "view-more-symbolic");
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (more), menu);
  gtk_widget_set_tooltip_text (more, _("More Actions"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (more),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("More Actions"), -1);

  gtk_action_bar_pack_start (GTK_ACTION_BAR (action_bar),
                             new_button ("window-close-symbolic", _("Select None"),
                                         "win.select-none"));
  gtk_action_bar_pack_start (GTK_ACTION_BAR (action_bar), GTK_WIDGET (self->count_label));
  gtk_action_bar_pack_end (GTK_ACTION_BAR (action_bar), more);
  gtk_action_bar_pack_end (GTK_ACTION_BAR (action_bar),
                           new_button ("user-trash-symbolic", _("Remove"), "win.remove-selection"));
  gtk_action_bar_pack_end (GTK_ACTION_BAR (action_bar),
                           new_button ("starred-symbolic", _("Add to Favourites"),
                                       "win.favourite-selection"));
  gtk_action_bar_pack_end (GTK_ACTION_BAR (action_bar), compare);

  self->bar = GTK_REVEALER (gtk_revealer_new ());
  gtk_revealer_set_transition_type (self->bar, GTK_REVEALER_TRANSITION_TYPE_SLIDE_UP);
  gtk_revealer_set_child (self->bar, action_bar);
  return GTK_WIDGET (self->bar);
}

SdWindowSelection *
_sd_window_selection_new (SdWindow          *window,
                          GtkMultiSelection *selection,
                          GtkBox            *results_box)
{
  SdWindowSelection *self = g_new0 (SdWindowSelection, 1);

  self->window = window;
  self->selection = selection;
  self->undo = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify) g_ptr_array_unref);
  gtk_box_append (results_box, build_bar (self));
  g_signal_connect_swapped (selection, "selection-changed",
                            G_CALLBACK (on_selection_changed_cb), self);
  g_signal_connect_swapped (selection, "items-changed",
                            G_CALLBACK (on_selection_changed_cb), self);
  update_actions (self);
  return self;
}

void
_sd_window_selection_free (SdWindowSelection *self)
{
  if (self == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->selection, self);
  g_hash_table_unref (self->undo);
  g_free (self);
}

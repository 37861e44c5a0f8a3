/* sd-service-tasks.c: the list of tasks, its history, resuming at start
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-service"

#include "config.h"

#include <glib/gi18n.h>

#include "sd-service-private.h"
#include "sd-store.h"

void
_sd_service_save_task (SdService *self,
                       SdTask    *task)
{
  g_autoptr(GError) error = NULL;

  if (!sd_store_save_task (self->store, task, &error))
    g_warning ("Could not save task %s: %s", sd_task_get_id (task), error->message);
}

/* The list of tasks. */

static gboolean
property_is_stored (GParamSpec *pspec)
{
  return g_strcmp0 (pspec->name, "download-progress") != 0 &&
         g_strcmp0 (pspec->name, "progress") != 0 &&
         g_strcmp0 (pspec->name, "expires-at") != 0 &&
         g_strcmp0 (pspec->name, "is-finished") != 0;
}

static void
on_task_notify_cb (SdTask     *task,
                   GParamSpec *pspec,
                   SdService  *self)
{
  if (property_is_stored (pspec))
    self->change_serial++;
  /* A task that finished (or was sent) may free a place at the provider. */
  if (g_strcmp0 (pspec->name, "status") == 0)
    _sd_service_queue_kick (self);
}

void
_sd_service_track_task (SdService *self,
                        SdTask    *task)
{
  g_hash_table_insert (self->tasks_by_id, g_strdup (sd_task_get_id (task)), task);
  g_signal_connect_object (task, "notify", G_CALLBACK (on_task_notify_cb), self, 0);
}

static void
untrack_task (SdService *self,
              SdTask    *task)
{
  _sd_service_drop_download (self, task);
  _sd_service_unschedule_poll (self, task);
  _sd_service_queue_forget (self, task);
  g_signal_handlers_disconnect_by_func (task, on_task_notify_cb, self);
  g_hash_table_remove (self->tasks_by_id, sd_task_get_id (task));
}

static gboolean
find_task (SdService *self,
           SdTask    *task,
           guint     *position)
{
  return g_list_store_find (self->tasks, task, position);
}

SdTask *
_sd_service_lookup_loaded (SdService  *self,
                           const char *task_id)
{
  return g_hash_table_lookup (self->tasks_by_id, task_id);
}

/* The position after every task created at or after @created_at (the list
 * is newest first): where an older page's task goes. */
static guint
position_after_created_at (SdService *self,
                           gint64     created_at)
{
  GListModel *model = G_LIST_MODEL (self->tasks);
  guint low = 0;
  guint high = g_list_model_get_n_items (model);

  while (low < high)
    {
      guint middle = low + (high - low) / 2;
      g_autoptr(SdTask) other = g_list_model_get_item (model, middle);

      if (sd_task_get_created_at (other) >= created_at)
        low = middle + 1;
      else
        high = middle;
    }
  return low;
}

static guint
position_for_created_at (SdService *self,
                         gint64     created_at)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->tasks));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SdTask) other = g_list_model_get_item (G_LIST_MODEL (self->tasks), i);

      if (sd_task_get_created_at (other) <= created_at)
        return i;
    }
  return n;
}

static void resume_task (SdService *self,
                         SdTask    *task);

/* Puts the tasks of @tasks (newest first, read from the store) that are not
 * in the list yet at their places by creation time, then resumes them.
 * Runs of tasks going to one place are spliced in at once, the last run
 * first so that the earlier runs' positions still hold. Returns how many
 * were added. */
static guint
add_loaded_tasks (SdService *self,
                  GPtrArray *tasks)
{
  g_autoptr(GPtrArray) added = g_ptr_array_new ();
  g_autoptr(GArray) positions = g_array_new (FALSE, FALSE, sizeof (guint));
  guint end;

  for (guint i = 0; i < tasks->len; i++)
    {
      SdTask *task = g_ptr_array_index (tasks, i);
      guint position;

      if (_sd_service_lookup_loaded (self, sd_task_get_id (task)) != NULL)
        continue;
      position = position_after_created_at (self, sd_task_get_created_at (task));
      g_ptr_array_add (added, task);
      g_array_append_val (positions, position);
    }
  for (guint i = 0; i < added->len; i++)
    _sd_service_track_task (self, g_ptr_array_index (added, i));

  for (end = added->len; end > 0;)
    {
      guint start = end - 1;
      guint position = g_array_index (positions, guint, start);

      while (start > 0 && g_array_index (positions, guint, start - 1) == position)
        start--;
      g_list_store_splice (self->tasks, position, 0, added->pdata + start, end - start);
      end = start;
    }

  for (guint i = 0; i < added->len; i++)
    resume_task (self, g_ptr_array_index (added, i));
  return added->len;
}

/* Reads up to @limit more tasks from where the pages so far ended. */
static gboolean
load_page (SdService  *self,
           guint       limit,
           guint      *added,
           GError    **error)
{
  g_autoptr(GPtrArray) page = NULL;
  gboolean more = FALSE;

  page = sd_store_load_page (self->store, &self->cursor, limit, &more, error);
  if (page == NULL)
    return FALSE;
  *added = add_loaded_tasks (self, page);
  _sd_service_set_has_more (self, more);
  return TRUE;
}

/* Picks up a task loaded from the history: asks the server about an
 * unfinished one, saves a video an interrupted run did not get to. */
static void
resume_task (SdService *self,
             SdTask    *task)
{
  SdDownloadState state = sd_task_get_download_state (task);

  if (sd_task_get_status (task) == SD_TASK_STATUS_WAITING)
    {
      _sd_service_queue_adopt (self, task);
      return;
    }
  if (!sd_task_get_is_finished (task))
    {
      g_debug ("Task %s: resumed unfinished, asking the server", sd_task_get_id (task));
      _sd_service_schedule_poll (self, task, 0);
      return;
    }
  if (sd_task_get_status (task) != SD_TASK_STATUS_COMPLETED ||
      sd_task_get_local_file (task) != NULL)
    return;
  if (state != SD_DOWNLOAD_STATE_NONE && state != SD_DOWNLOAD_STATE_QUEUED &&
      state != SD_DOWNLOAD_STATE_RUNNING)
    return;

  if (state != SD_DOWNLOAD_STATE_NONE && !_sd_service_auto_download_enabled (self))
    {
      g_debug ("Task %s: its download was interrupted and auto-download is off; "
               "left to be saved by hand", sd_task_get_id (task));
      sd_task_set_download_state (task, SD_DOWNLOAD_STATE_NONE);
      _sd_service_save_task (self, task);
    }
  else
    g_debug ("Task %s: resumed completed without a saved video", sd_task_get_id (task));
  _sd_service_maybe_auto_download (self, task);
}

static void
stop_everything (SdService *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_hash_table_remove_all (self->polls);
  _sd_service_set_queries_in_flight (self, 0);
  _sd_service_queue_clear (self);

  _sd_service_drop_downloads (self);
}

void
_sd_service_clear_tasks (SdService *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->tasks));

  stop_everything (self);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SdTask) task = g_list_model_get_item (G_LIST_MODEL (self->tasks), i);

      g_signal_handlers_disconnect_by_func (task, on_task_notify_cb, self);
    }
  g_hash_table_remove_all (self->tasks_by_id);
  g_list_store_remove_all (self->tasks);
  self->cursor = (SdStoreCursor) SD_STORE_CURSOR_INIT;
  _sd_service_set_has_more (self, FALSE);
}

/**
 * sd_service_get_tasks:
 *
 * Returns: (transfer none): the tasks, newest first, a #GListModel of #SdTask
 */
GListModel *
sd_service_get_tasks (SdService *self)
{
  g_return_val_if_fail (SD_IS_SERVICE (self), NULL);

  return G_LIST_MODEL (self->tasks);
}

/**
 * sd_service_lookup:
 *
 * A task of the history that no page has loaded yet is read from the store
 * and put in the list at its place, so that it can be removed, restored,
 * refreshed and downloaded like the others.
 *
 * Returns: (transfer none) (nullable): the task with @task_id, or %NULL
 *   when the history does not have it (or cannot be read)
 */
SdTask *
sd_service_lookup (SdService  *self,
                   const char *task_id)
{
  g_autoptr(GPtrArray) tasks = NULL;
  g_autoptr(SdTask) task = NULL;
  g_autoptr(GError) error = NULL;
  SdTask *loaded;

  g_return_val_if_fail (SD_IS_SERVICE (self), NULL);
  g_return_val_if_fail (task_id != NULL, NULL);

  loaded = _sd_service_lookup_loaded (self, task_id);
  if (loaded != NULL || self->store == NULL)
    return loaded;

  task = sd_store_load_task (self->store, task_id, &error);
  if (task == NULL)
    {
      if (error != NULL)
        g_warning ("Could not look up task %s: %s", task_id, error->message);
      return NULL;
    }
  tasks = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (tasks, g_steal_pointer (&task));
  add_loaded_tasks (self, tasks);
  return _sd_service_lookup_loaded (self, task_id);
}

/**
 * sd_service_load_history:
 *
 * Replaces the list with the tasks to resume (unfinished, or a download
 * left queued or running) and the newest page of the store's history,
 * resumes polling the tasks the server has not finished and saving videos
 * a previous run did not save. sd_service_load_more() reads older pages.
 *
 * Returns: %FALSE with @error when the history cannot be read
 */
gboolean
sd_service_load_history (SdService  *self,
                         GError    **error)
{
  g_autoptr(GPtrArray) to_resume = NULL;
  guint added;

  g_return_val_if_fail (SD_IS_SERVICE (self), FALSE);

  to_resume = sd_store_load_to_resume (self->store, error);
  if (to_resume == NULL)
    return FALSE;

  _sd_service_clear_tasks (self);
  g_debug ("History: %u tasks to resume", to_resume->len);
  add_loaded_tasks (self, to_resume);
  return load_page (self, SD_SERVICE_HISTORY_PAGE, &added, error);
}

/**
 * sd_service_load_more:
 * @n: how many tasks to add at most
 *
 * Adds up to @n of the older tasks of the history that are not in the list
 * yet (after the newest ones sd_service_load_history() read), each at its
 * place. A read error is logged and ends the loading.
 *
 * Returns: how many tasks were added; fewer than @n only when "has-more"
 *   became %FALSE
 */
guint
sd_service_load_more (SdService *self,
                      guint      n)
{
  guint total = 0;

  g_return_val_if_fail (SD_IS_SERVICE (self), 0);

  while (total < n && self->has_more)
    {
      g_autoptr(GError) error = NULL;
      guint added = 0;

      if (!load_page (self, n - total, &added, &error))
        {
          g_warning ("Could not read more of the task history: %s", error->message);
          _sd_service_set_has_more (self, FALSE);
          break;
        }
      total += added;
    }
  return total;
}

gboolean
sd_service_get_has_more (SdService *self)
{
  g_return_val_if_fail (SD_IS_SERVICE (self), FALSE);

  return self->has_more;
}

/* Removing and restoring. */

/**
 * sd_service_remove:
 * @task: a task in the list
 *
 * Takes @task out of the list and the history, stops asking about it and
 * stops its download. A saved video stays on disk.
 */
gboolean
sd_service_remove (SdService  *self,
                   SdTask     *task,
                   GError    **error)
{
  guint position;

  g_return_val_if_fail (SD_IS_SERVICE (self), FALSE);
  g_return_val_if_fail (SD_IS_TASK (task), FALSE);

  if (!find_task (self, task, &position))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           _("This task is not in the list."));
      return FALSE;
    }
  if (!sd_store_delete_task (self->store, sd_task_get_id (task), error))
    return FALSE;

  g_object_ref (task);
  untrack_task (self, task);
  g_list_store_remove (self->tasks, position);
  if (sd_task_get_download_state (task) == SD_DOWNLOAD_STATE_RUNNING ||
      sd_task_get_download_state (task) == SD_DOWNLOAD_STATE_QUEUED)
    sd_task_set_download_state (task, SD_DOWNLOAD_STATE_NONE);
  g_object_unref (task);
  return TRUE;
}

/**
 * sd_service_restore:
 * @task: a task sd_service_remove() took out
 *
 * Puts @task back in its place (by creation time) and in the history, and
 * resumes whatever it was waiting for.
 */
gboolean
sd_service_restore (SdService  *self,
                    SdTask     *task,
                    GError    **error)
{
  g_return_val_if_fail (SD_IS_SERVICE (self), FALSE);
  g_return_val_if_fail (SD_IS_TASK (task), FALSE);

  if (_sd_service_lookup_loaded (self, sd_task_get_id (task)) != NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                           _("This task is already in the list."));
      return FALSE;
    }
  if (!sd_store_save_task (self->store, task, error))
    return FALSE;

  _sd_service_track_task (self, task);
  g_list_store_insert (self->tasks,
                       position_for_created_at (self, sd_task_get_created_at (task)),
                       task);
  resume_task (self, task);
  return TRUE;
}


/**
 * sd_service_get_loaded_task:
 * @task_id: a task id
 *
 * The task the list holds with @task_id, without reading the history:
 * the object whose status the service keeps current.
 *
 * Returns: (transfer none) (nullable): the loaded task, or %NULL
 */
SdTask *
sd_service_get_loaded_task (SdService  *self,
                            const char *task_id)
{
  g_return_val_if_fail (SD_IS_SERVICE (self), NULL);
  g_return_val_if_fail (task_id != NULL, NULL);

  return _sd_service_lookup_loaded (self, task_id);
}

/* Takes the tasks of @ids out of the list, a run of neighbours at a time
 * (one change for the list's views), from the end so that the positions
 * before stay; @dropped gets them. */
static void
drop_loaded_tasks (SdService           *self,
                   const char * const  *ids,
                   GPtrArray           *dropped)
{
  GListModel *model = G_LIST_MODEL (self->tasks);
  g_autoptr(GHashTable) wanted = g_hash_table_new (g_str_hash, g_str_equal);
  guint end = g_list_model_get_n_items (model);

  for (guint i = 0; ids[i] != NULL; i++)
    g_hash_table_add (wanted, (gpointer) ids[i]);
  while (end > 0)
    {
      guint start = end;

      for (; start > 0; start--)
        {
          g_autoptr(SdTask) task = g_list_model_get_item (model, start - 1);

          if (!g_hash_table_contains (wanted, sd_task_get_id (task)))
            break;
          untrack_task (self, task);
          if (sd_task_get_download_state (task) == SD_DOWNLOAD_STATE_RUNNING ||
              sd_task_get_download_state (task) == SD_DOWNLOAD_STATE_QUEUED)
            sd_task_set_download_state (task, SD_DOWNLOAD_STATE_NONE);
          g_ptr_array_add (dropped, g_object_ref (task));
        }
      if (start < end)
        g_list_store_splice (self->tasks, start, end - start, NULL, 0);
      end = start > 0 ? start - 1 : 0;
    }
}

static void
on_store_removed_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SdService *self = g_task_get_source_object (task);
  GPtrArray *dropped = g_task_get_task_data (task);
  GError *error = NULL;
  SdStoreRemoval *removal = sd_store_remove_tasks_finish (SD_STORE (source), result, &error);

  if (removal == NULL)
    {
      /* nothing left the history: what left the list comes back */
      g_debug ("Removing failed; %u tasks back in the list", dropped->len);
      add_loaded_tasks (self, dropped);
      g_task_return_error (task, error);
      return;
    }
  /* tasks a page read while the worker removed them */
  g_ptr_array_set_size (dropped, 0);
  drop_loaded_tasks (self, sd_store_removal_get_ids (removal), dropped);
  g_task_return_pointer (task, removal, (GDestroyNotify) sd_store_removal_unref);
}

static gboolean
check_store (SdService  *self,
             GError    **error)
{
  if (self->store != NULL)
    return TRUE;
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                       _("The history is not open: tasks can be neither removed nor restored."));
  return FALSE;
}

/**
 * sd_service_remove_many_async:
 * @ids: (array zero-terminated=1): task ids, loaded or only in the history
 * @cancellable: (nullable): checked before the work starts only
 * @callback: called when the history has them no more
 * @user_data: for @callback
 *
 * Takes the loaded tasks of @ids out of the list at once (they are no
 * longer polled or downloaded), then removes every task of @ids from the
 * history in one transaction on the store's worker; ids in neither are
 * skipped. Saved videos stay on disk. If the history cannot be changed,
 * the tasks come back to the list.
 */
void
sd_service_remove_many_async (SdService           *self,
                              const char * const  *ids,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GPtrArray *dropped = g_ptr_array_new_with_free_func (g_object_unref);
  GError *error = NULL;

  g_return_if_fail (SD_IS_SERVICE (self));
  g_return_if_fail (ids != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sd_service_remove_many_async);
  g_task_set_task_data (task, dropped, (GDestroyNotify) g_ptr_array_unref);
  if (!check_store (self, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  drop_loaded_tasks (self, ids, dropped);
  g_debug ("Removing %u tasks (%u loaded)", g_strv_length ((char **) ids), dropped->len);
  sd_store_remove_tasks_async (self->store, ids, cancellable, on_store_removed_cb,
                               g_steal_pointer (&task));
}

/**
 * sd_service_remove_many_finish:
 *
 * Returns: (transfer full): what left the history, for
 *   sd_service_restore_many_async(), or %NULL with @error set (nothing
 *   was removed)
 */
SdStoreRemoval *
sd_service_remove_many_finish (SdService     *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_store_restored_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SdService *self = g_task_get_source_object (task);
  GError *error = NULL;
  g_autoptr(GPtrArray) tasks = sd_store_restore_removal_finish (SD_STORE (source), result, &error);

  if (tasks == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_debug ("Restored; %u of the tasks are in the list's pages", tasks->len);
  add_loaded_tasks (self, tasks);
  g_task_return_boolean (task, TRUE);
}

/**
 * sd_service_restore_many_async:
 * @removal: what sd_service_remove_many_finish() gave
 * @cancellable: (nullable): checked before the work starts only
 * @callback: called when the tasks are back
 * @user_data: for @callback
 *
 * Puts the tasks back in the history exactly as they were (every field,
 * their place among tasks of the same second) on the store's worker, then
 * those the list's pages hold in the list, and resumes whatever they were
 * waiting for. A task the history has again meanwhile is left as it is.
 */
void
sd_service_restore_many_async (SdService           *self,
                               SdStoreRemoval      *removal,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;

  g_return_if_fail (SD_IS_SERVICE (self));
  g_return_if_fail (removal != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sd_service_restore_many_async);
  if (!check_store (self, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  sd_store_restore_removal_async (self->store, removal, &self->cursor, cancellable,
                                  on_store_restored_cb, g_steal_pointer (&task));
}

gboolean
sd_service_restore_many_finish (SdService     *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * sd_service_forget_removal:
 * @removal: what sd_service_remove_many_finish() gave
 *
 * Too late to undo: the rows the history kept for it go.
 */
void
sd_service_forget_removal (SdService      *self,
                           SdStoreRemoval *removal)
{
  g_return_if_fail (SD_IS_SERVICE (self));
  g_return_if_fail (removal != NULL);

  if (self->store != NULL)
    sd_store_forget_removal (self->store, removal);
}

/* sd-service-groups.c: the local queue seen from outside: the cap, groups
 * of takes, retries, and what a user does to a waiting or watched task
 *
 * The queue itself (sending, answers, backoff) is sd-service-queue.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-service"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "sd-api.h"
#include "sd-client.h"
#include "sd-service-private.h"
#include "sd-store.h"

/* The queue, seen from outside */

guint
sd_service_get_max_active (SdService *self)
{
  g_return_val_if_fail (SD_IS_SERVICE (self), 0);

  return self->max_active;
}

void
sd_service_set_max_active (SdService *self,
                           guint      max_active)
{
  g_return_if_fail (SD_IS_SERVICE (self));

  max_active = CLAMP (max_active, 1, SD_SERVICE_MAX_ACTIVE_ANY);
  if (self->max_active == max_active)
    return;
  self->max_active = max_active;
  g_debug ("Queue: at most %u tasks at the provider", max_active);
  _sd_service_notify_max_active (self);
  _sd_service_queue_kick (self);
}

/**
 * sd_service_get_waiting:
 *
 * Returns: (transfer container) (element-type SdTask): the waiting tasks,
 *   first to be sent first
 */
GPtrArray *
sd_service_get_waiting (SdService *self)
{
  GPtrArray *tasks;

  g_return_val_if_fail (SD_IS_SERVICE (self), NULL);

  tasks = g_ptr_array_new_with_free_func (g_object_unref);
  for (GList *l = self->waiting.head; l != NULL; l = l->next)
    g_ptr_array_add (tasks, g_object_ref (l->data));
  return tasks;
}

/* Every request of a group is checked before any is queued; the message
 * says which one (counted from 1) when there are several. */
static gboolean
validate_group (SdService  *self,
                GPtrArray  *requests,
                GError    **error)
{
  for (guint i = 0; i < requests->len; i++)
    {
      g_autoptr(GError) invalid = NULL;

      if (_sd_service_validate_request (self, g_ptr_array_index (requests, i), &invalid))
        continue;
      if (requests->len > 1)
        g_prefix_error (&invalid,
                        /* Translators: %u is a number; a request's problems follow. */
                        _("Request %u of the group: "), i + 1);
      g_propagate_error (error, g_steal_pointer (&invalid));
      return FALSE;
    }
  return TRUE;
}

/**
 * sd_service_submit_group:
 * @requests: (element-type SdRequest): what to generate, in order; copies
 *   are taken
 * @estimates: (array) (nullable): for each request, what it is estimated
 *   to cost (millionths of @currency, sd-prices.h), -1 for none
 * @currency: (nullable): the estimates' currency
 * @label: (nullable): the group's label; %NULL or empty: the start of the
 *   first prompt
 * @task_labels: (array) (nullable): for each request, the task's own label
 *   (a batch line's "label"), %NULL for none
 *
 * Validates every request, then queues them all at once in one new group:
 * they wait here, in order, and go to the provider as it has room
 * ("max-active"). The caller never waits for one send before the next is
 * queued; a refused create marks its task failed and the others go on.
 *
 * Returns: (transfer container) (element-type SdTask) (nullable): the
 *   tasks of the new group, in the order they are sent, or %NULL with
 *   @error (nothing queued)
 */
GPtrArray *
sd_service_submit_group (SdService     *self,
                         GPtrArray     *requests,
                         const gint64  *estimates,
                         const char    *currency,
                         const char    *label,
                         const char * const *task_labels,
                         GError       **error)
{
  g_autoptr(GPtrArray) tasks = NULL;
  g_autofree char *group_id = NULL;
  g_autofree char *default_label = NULL;
  SdQueueEntry entry = SD_QUEUE_ENTRY_INIT;

  g_return_val_if_fail (SD_IS_SERVICE (self), NULL);
  g_return_val_if_fail (requests != NULL && requests->len > 0, NULL);

  if (!validate_group (self, requests, error))
    return NULL;

  group_id = g_uuid_string_random ();
  if (label == NULL || *label == '\0')
    label = default_label =
      sd_service_default_group_label (sd_request_get_prompt (g_ptr_array_index (requests, 0)));
  entry.group_id = group_id;
  entry.group_label = label;
  entry.currency = currency;
  tasks = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < requests->len; i++)
    {
      SdTask *task;

      entry.estimate = estimates != NULL ? estimates[i] : -1;
      entry.label = task_labels != NULL ? task_labels[i] : NULL;
      task = _sd_service_enqueue (self, g_ptr_array_index (requests, i), &entry, FALSE, error);
      if (task == NULL)
        break;
      g_ptr_array_add (tasks, g_object_ref (task));
    }
  if (tasks->len < requests->len)
    {
      /* A history that cannot take a row: the tasks written so far are
       * taken back; none was sent (the queue sends from an idle, or below). */
      for (guint i = 0; i < tasks->len; i++)
        sd_service_cancel_waiting (self, g_ptr_array_index (tasks, i), NULL);
      return NULL;
    }
  g_debug ("Group %s: %u tasks queued", group_id, tasks->len);
  _sd_service_queue_pump (self);
  return g_steal_pointer (&tasks);
}

/**
 * sd_service_submit_takes:
 * @request: what to generate; copies are taken
 * @n_takes: how many tasks, 1–%SD_SERVICE_MAX_TAKES
 * @label: (nullable): the group's label; %NULL or empty: the prompt's start
 *
 * Returns: (transfer container) (element-type SdTask) (nullable): the
 *   tasks of the new group, in the order they are sent
 */
GPtrArray *
sd_service_submit_takes (SdService   *self,
                         SdRequest   *request,
                         guint        n_takes,
                         const char  *label,
                         GError     **error)
{
  g_autoptr(GPtrArray) requests = NULL;

  g_return_val_if_fail (SD_IS_SERVICE (self), NULL);
  g_return_val_if_fail (SD_IS_REQUEST (request), NULL);

  if (n_takes < 1 || n_takes > SD_SERVICE_MAX_TAKES)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   /* Translators: %u are numbers. */
                   _("Takes must be from 1 to %u, not %u."), SD_SERVICE_MAX_TAKES, n_takes);
      return NULL;
    }
  /* One request: its problems are said as they are, without a number. */
  if (!_sd_service_validate_request (self, request, error))
    return NULL;
  requests = g_ptr_array_new ();
  for (guint i = 0; i < n_takes; i++)
    g_ptr_array_add (requests, request);
  return sd_service_submit_group (self, requests, NULL, NULL, label, NULL, error);
}

/**
 * sd_service_submit_queued:
 * @request: what to generate; a copy is taken
 *
 * One task of its own, in no group, queued as the takes of
 * sd_service_submit_takes() are: it is in the list at once, waiting until
 * the provider has room ("max-active"), and can be cancelled, moved or
 * taken back until it is sent. Nobody waits for its create: a refused one
 * marks it failed (with why), a busy provider makes it wait in its place,
 * an unanswered one leaves it uncertain, a refused token pauses the queue.
 * sd_service_submit_async() is for a caller that waits for the create.
 *
 * Returns: (transfer full) (nullable): the task, or %NULL with @error
 *   (nothing queued)
 */
SdTask *
sd_service_submit_queued (SdService  *self,
                          SdRequest  *request,
                          GError    **error)
{
  g_autoptr(SdTask) task = NULL;
  SdTask *queued;

  g_return_val_if_fail (SD_IS_SERVICE (self), NULL);
  g_return_val_if_fail (SD_IS_REQUEST (request), NULL);

  queued = _sd_service_enqueue (self, request, NULL, FALSE, error);
  if (queued == NULL)
    return NULL;
  task = g_object_ref (queued);
  _sd_service_queue_pump (self);
  return g_steal_pointer (&task);
}

static gboolean
is_uncertain (SdTask *task)
{
  return sd_task_get_status (task) == SD_TASK_STATUS_UNCERTAIN ||
         sd_task_get_status (task) == SD_TASK_STATUS_NOT_FOUND;
}

/**
 * sd_service_retry:
 * @task: a failed task (or uncertain, with the flag)
 *
 * Returns: (transfer none) (nullable): the new task, waiting or being sent
 */
SdTask *
sd_service_retry (SdService            *self,
                  SdTask               *task,
                  SdServiceRetryFlags   flags,
                  GError              **error)
{
  SdQueueEntry entry = SD_QUEUE_ENTRY_INIT;
  SdRequest *request;
  gboolean allowed;

  g_return_val_if_fail (SD_IS_SERVICE (self), NULL);
  g_return_val_if_fail (SD_IS_TASK (task), NULL);

  allowed = sd_task_get_status (task) == SD_TASK_STATUS_FAILED ||
            (is_uncertain (task) && (flags & SD_SERVICE_RETRY_INCLUDE_UNCERTAIN) &&
             !g_hash_table_contains (self->sends, task));
  if (!allowed)
    {
      if (is_uncertain (task))
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                     _("Task %s may exist at the provider and be billed; it is retried "
                       "only when asked to include uncertain tasks."),
                     sd_task_get_id (task));
      else
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                     _("Task %s has not failed; only failed tasks are retried."),
                     sd_task_get_id (task));
      return NULL;
    }
  request = sd_task_get_request (task);
  if (request == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The settings of task %s in the history are damaged; it cannot be retried."),
                   sd_task_get_id (task));
      return NULL;
    }
  /* The same request costs the same: the retry keeps the estimate. */
  entry.group_id = sd_task_get_group_id (task);
  entry.group_label = sd_task_get_group_label (task);
  entry.label = sd_task_get_label (task);
  entry.retry_of = sd_task_get_id (task);
  entry.estimate = sd_task_get_estimate (task);
  entry.currency = sd_task_get_estimate_currency (task);
  return _sd_service_enqueue (self, request, &entry, FALSE, error);
}

/**
 * sd_service_retry_failed:
 * @group_id: a group
 *
 * Returns: (transfer container) (element-type SdTask) (nullable): the new
 *   tasks; %NULL with @error when the history could not be read
 */
GPtrArray *
sd_service_retry_failed (SdService   *self,
                         const char  *group_id,
                         GError     **error)
{
  g_autoptr(GPtrArray) group = NULL;
  g_autoptr(GHashTable) retried = NULL;
  g_autoptr(GPtrArray) added = NULL;

  g_return_val_if_fail (SD_IS_SERVICE (self), NULL);
  g_return_val_if_fail (group_id != NULL, NULL);

  group = sd_store_load_group (self->store, group_id, error);
  if (group == NULL)
    return NULL;
  retried = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < group->len; i++)
    {
      const char *retry_of = sd_task_get_retry_of (g_ptr_array_index (group, i));

      if (retry_of != NULL)
        g_hash_table_add (retried, (gpointer) retry_of);
    }

  added = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < group->len; i++)
    {
      SdTask *stored = g_ptr_array_index (group, i);
      SdTask *task;
      SdTask *retry;

      if (sd_task_get_status (stored) != SD_TASK_STATUS_FAILED ||
          g_hash_table_contains (retried, sd_task_get_id (stored)))
        continue;
      task = sd_service_lookup (self, sd_task_get_id (stored));
      retry = task != NULL ? sd_service_retry (self, task, SD_SERVICE_RETRY_NONE, error) : NULL;
      if (retry == NULL && task != NULL)
        return NULL;
      if (retry != NULL)
        g_ptr_array_add (added, g_object_ref (retry));
    }
  g_debug ("Group %s: %u failed tasks retried", group_id, added->len);
  return g_steal_pointer (&added);
}

static gboolean
check_waiting (SdService  *self,
               SdTask     *task,
               GError    **error)
{
  if (g_queue_find (&self->waiting, task) != NULL)
    return TRUE;
  /* Held (sd_service_set_hold_loaded()): cancelled or taken back here, the
   * run that holds it in its queue finds its row gone and drops it. */
  if (sd_task_get_status (task) == SD_TASK_STATUS_WAITING && self->hold_loaded &&
      _sd_service_lookup_loaded (self, sd_task_get_id (task)) == task)
    return TRUE;
  if (sd_task_get_status (task) == SD_TASK_STATUS_WAITING ||
      !sd_task_get_is_finished (task) || g_hash_table_contains (self->sends, task))
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                 _("Task %s was already sent: the provider’s API cannot cancel a task. "
                   "Stop Watching stops checking on it here, but it may still complete "
                   "and be billed."), sd_task_get_id (task));
  else
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                 _("Task %s is not waiting to be sent."), sd_task_get_id (task));
  return FALSE;
}

/**
 * sd_service_cancel_waiting:
 * @task: a waiting task
 *
 * Returns: %FALSE with @error when @task is not waiting (at the provider:
 *   %G_IO_ERROR_NOT_SUPPORTED, whose message explains Stop Watching)
 */
gboolean
sd_service_cancel_waiting (SdService  *self,
                           SdTask     *task,
                           GError    **error)
{
  guint position;

  g_return_val_if_fail (SD_IS_SERVICE (self), FALSE);
  g_return_val_if_fail (SD_IS_TASK (task), FALSE);

  if (!check_waiting (self, task, error))
    return FALSE;
  if (!sd_store_delete_task (self->store, sd_task_get_id (task), error))
    return FALSE;

  g_debug ("Task %s: cancelled before it was sent", sd_task_get_id (task));
  g_object_ref (task);
  _sd_service_queue_forget (self, task);
  g_hash_table_remove (self->tasks_by_id, sd_task_get_id (task));
  if (g_list_store_find (self->tasks, task, &position))
    g_list_store_remove (self->tasks, position);
  _sd_service_queue_return (self, task, NULL,
                    g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                         _("The task was cancelled before it was sent.")),
                    NULL);
  g_object_unref (task);
  return TRUE;
}

/**
 * sd_service_move_waiting:
 * @task: a waiting task
 * @delta: places to move: negative sooner, positive later
 *
 * Returns: %FALSE with @error when @task is not waiting
 */
gboolean
sd_service_move_waiting (SdService  *self,
                         SdTask     *task,
                         int         delta,
                         GError    **error)
{
  GList *link;

  g_return_val_if_fail (SD_IS_SERVICE (self), FALSE);
  g_return_val_if_fail (SD_IS_TASK (task), FALSE);

  if (!check_waiting (self, task, error))
    return FALSE;
  link = g_queue_find (&self->waiting, task);
  if (link == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("Task %s waits in the queue of another window or command; "
                     "move it there."), sd_task_get_id (task));
      return FALSE;
    }
  while (delta != 0)
    {
      GList *other = delta < 0 ? link->prev : link->next;
      SdTask *neighbour;
      gint64 position;

      if (other == NULL)
        break;
      neighbour = other->data;
      position = sd_task_get_queue_position (task);
      sd_task_set_queue_position (task, sd_task_get_queue_position (neighbour));
      sd_task_set_queue_position (neighbour, position);
      /* Equal positions (a history from elsewhere) are told apart. */
      if (position == sd_task_get_queue_position (task))
        sd_task_set_queue_position (delta < 0 ? task : neighbour, MAX (position, 1) - 1);
      other->data = task;
      link->data = neighbour;
      _sd_service_save_task (self, neighbour);
      link = other;
      delta += delta < 0 ? 1 : -1;
    }
  _sd_service_save_task (self, task);
  return TRUE;
}

/**
 * sd_service_take_back:
 * @task: a waiting task
 *
 * Returns: (transfer full) (nullable): its request, for the composer; the
 *   task is no longer queued
 */
SdRequest *
sd_service_take_back (SdService  *self,
                      SdTask     *task,
                      GError    **error)
{
  g_autoptr(SdRequest) request = NULL;

  g_return_val_if_fail (SD_IS_SERVICE (self), NULL);
  g_return_val_if_fail (SD_IS_TASK (task), NULL);

  if (!check_waiting (self, task, error))
    return NULL;
  if (sd_task_get_request (task) == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The settings of task %s in the history are damaged."),
                   sd_task_get_id (task));
      return NULL;
    }
  request = sd_request_copy (sd_task_get_request (task));
  if (!sd_service_cancel_waiting (self, task, error))
    return NULL;
  return g_steal_pointer (&request);
}

static gboolean
check_at_provider (SdService  *self,
                   SdTask     *task,
                   GError    **error)
{
  SdTaskStatus status = sd_task_get_status (task);

  if ((status == SD_TASK_STATUS_QUEUED || status == SD_TASK_STATUS_PROCESSING ||
       status == SD_TASK_STATUS_UNKNOWN) &&
      _sd_service_lookup_loaded (self, sd_task_get_id (task)) == task)
    return TRUE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
               _("Task %s is not at the provider: there is nothing to watch."),
               sd_task_get_id (task));
  return FALSE;
}

gboolean
sd_service_stop_watching (SdService  *self,
                          SdTask     *task,
                          GError    **error)
{
  g_return_val_if_fail (SD_IS_SERVICE (self), FALSE);
  g_return_val_if_fail (SD_IS_TASK (task), FALSE);

  if (!check_at_provider (self, task, error))
    return FALSE;
  g_debug ("Task %s: no longer watched (it may still complete and be billed)",
           sd_task_get_id (task));
  g_hash_table_replace (self->unwatched, g_strdup (sd_task_get_id (task)), SD_UNWATCHED_AT_PROVIDER);
  sd_task_set_watched (task, FALSE);
  /* It keeps its place at the provider until a quiet check sees it end. */
  _sd_service_schedule_poll (self, task, self->max_poll_interval);
  return TRUE;
}

gboolean
sd_service_watch_again (SdService  *self,
                        SdTask     *task,
                        GError    **error)
{
  g_return_val_if_fail (SD_IS_SERVICE (self), FALSE);
  g_return_val_if_fail (SD_IS_TASK (task), FALSE);

  if (!check_at_provider (self, task, error))
    return FALSE;
  if (g_hash_table_remove (self->unwatched, sd_task_get_id (task)))
    g_debug ("Task %s: watched again", sd_task_get_id (task));
  sd_task_set_watched (task, TRUE);
  _sd_service_schedule_poll (self, task, 0);
  return TRUE;
}

gboolean
sd_service_is_watching (SdService *self,
                        SdTask    *task)
{
  g_return_val_if_fail (SD_IS_SERVICE (self), FALSE);
  g_return_val_if_fail (SD_IS_TASK (task), FALSE);

  return !g_hash_table_contains (self->unwatched, sd_task_get_id (task));
}

/**
 * sd_service_set_hold_loaded:
 * @hold: whether waiting tasks read from the history stay unsent
 *
 * For a short-lived run (the command line): the tasks it queues itself are
 * sent, those another run left waiting are listed and may be cancelled,
 * but are left for a run that stays (so none is cut off mid-create).
 */
void
sd_service_set_hold_loaded (SdService *self,
                            gboolean   hold)
{
  g_return_if_fail (SD_IS_SERVICE (self));

  self->hold_loaded = !!hold;
}

/* TRUE while @task's create is on the way. */
gboolean
sd_service_is_sending (SdService *self,
                       SdTask    *task)
{
  g_return_val_if_fail (SD_IS_SERVICE (self), FALSE);
  g_return_val_if_fail (SD_IS_TASK (task), FALSE);

  return g_hash_table_contains (self->sends, task);
}

/* sd-service-queue.c: the local queue, groups of takes, retries
 *
 * Tasks are not all sent at once: at most "max-active" of them are queued
 * or processing at the provider, and the rest wait here, in order, as rows
 * of the history with the status "waiting" and a local id. A waiting row is
 * marked uncertain (sd_store_claim_waiting()) before its create is sent, so
 * a process that ends on the way leaves a task that may exist, never one
 * that is sent again; it takes the provider's id when the answer comes. A
 * 429 or "queue full" answer proves nothing was made: the task waits again
 * in its place and the queue pauses (Retry-After, else a jittered backoff).
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

/* Without a Retry-After, the queue waits this long after a "busy" answer,
 * doubling up to the ceiling, each wait ± a quarter at random. */
#define BACKOFF_FIRST_MS   2000
#define BACKOFF_MAX_MS     60000
/* Retry-After values beyond this (seconds) are taken as this. */
#define RETRY_AFTER_MAX_S  600
/* The default group label: this many characters of the prompt at most. */
#define LABEL_MAX_CHARS    40

/* On a task whose waiting row could not be written. */
#define UNRECORDED_KEY     "sd-service-unrecorded"

/* Busy answers (429, "queue full") a task got so far. */
#define BUSY_KEY           "sd-service-busy-answers"
/* A create someone waits on (sd_service_submit_async()) is tried this many
 * times when the provider stays busy, then the caller gets the answer. */
#define CALLER_BUSY_TRIES  3

/* A create on the way. */
typedef struct
{
  SdService *service;   /* a ref: the answer is applied to it */
  SdStore   *store;     /* the history the task was claimed in */
  SdTask    *task;
  char      *local_id;  /* the waiting row's id */
} Send;

static void
send_free (Send *send)
{
  g_object_unref (send->service);
  g_object_unref (send->store);
  g_object_unref (send->task);
  g_free (send->local_id);
  g_free (send);
}

/* What a caller of sd_service_submit_async() waits with. */
typedef struct
{
  GTask  *gtask;
  gulong  cancelled_id;
} Caller;

static void
caller_free (Caller *caller)
{
  GCancellable *cancellable = g_task_get_cancellable (caller->gtask);

  if (cancellable != NULL && caller->cancelled_id != 0)
    g_cancellable_disconnect (cancellable, caller->cancelled_id);
  g_object_unref (caller->gtask);
  g_free (caller);
}

void
_sd_service_queue_init (SdService *self)
{
  g_queue_init (&self->waiting);
  self->sends = g_hash_table_new (NULL, NULL);
  self->callers = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) caller_free);
  self->unwatched = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->max_active = SD_SERVICE_DEFAULT_MAX_ACTIVE;
  self->backoff_ms = BACKOFF_FIRST_MS;
}

/* The setting is read once here and followed from then on. */
void
_sd_service_queue_start (SdService *self)
{
  GSettingsSchema *schema = NULL;

  if (self->settings == NULL)
    return;
  g_object_get (self->settings, "settings-schema", &schema, NULL);
  if (schema != NULL && g_settings_schema_has_key (schema, "max-active-tasks"))
    g_settings_bind (self->settings, "max-active-tasks", self, "max-active", G_SETTINGS_BIND_GET);
  g_clear_pointer (&schema, g_settings_schema_unref);
}

/* Answers the caller waiting for @task's create, if any: with @created, or
 * with @error (taken) when @created is NULL. */
void
_sd_service_queue_return (SdService    *self,
                  SdTask       *task,
                  SdTask       *created,
                  GError       *error,
                  GError       *not_saved)
{
  Caller *caller = g_hash_table_lookup (self->callers, task);
  g_autoptr(GTask) gtask = NULL;

  if (caller == NULL)
    {
      g_clear_error (&error);
      g_clear_error (&not_saved);
      return;
    }
  gtask = g_object_ref (caller->gtask);
  g_hash_table_remove (self->callers, task);
  if (not_saved != NULL)
    g_task_set_task_data (gtask, not_saved, (GDestroyNotify) g_error_free);
  if (created != NULL)
    g_task_return_pointer (gtask, g_object_ref (created), g_object_unref);
  else
    g_task_return_error (gtask, error);
}

static void
clear_sources (SdService *self)
{
  g_clear_handle_id (&self->pump_source, g_source_remove);
  g_clear_handle_id (&self->backoff_source, g_source_remove);
}

/* Every waiting task and caller is let go (the list is being emptied);
 * the rows stay waiting in the history, for the next load. */
void
_sd_service_queue_clear (SdService *self)
{
  g_autoptr(GList) tasks = g_hash_table_get_keys (self->callers);

  clear_sources (self);
  g_queue_clear_full (&self->waiting, g_object_unref);
  for (GList *l = tasks; l != NULL; l = l->next)
    _sd_service_queue_return (self, l->data, NULL,
                      g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                           _("The task list was emptied before the task was sent.")),
                      NULL);
  g_hash_table_remove_all (self->unwatched);
}

void
_sd_service_queue_stop (SdService *self)
{
  clear_sources (self);
}

void
_sd_service_queue_finalize (SdService *self)
{
  g_queue_clear_full (&self->waiting, g_object_unref);
  g_clear_pointer (&self->sends, g_hash_table_unref);
  g_clear_pointer (&self->callers, g_hash_table_unref);
  g_clear_pointer (&self->unwatched, g_hash_table_unref);
  _sd_service_prices_finalize (self);
}

/* Order */

static gint
compare_waiting (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  gint64 pa = sd_task_get_queue_position ((SdTask *) a);
  gint64 pb = sd_task_get_queue_position ((SdTask *) b);

  if (pa != pb)
    return pa < pb ? -1 : 1;
  return (sd_task_get_created_at ((SdTask *) a) > sd_task_get_created_at ((SdTask *) b)) -
         (sd_task_get_created_at ((SdTask *) a) < sd_task_get_created_at ((SdTask *) b));
}

/* Positions grow across runs without reading the history: the clock, in
 * µs, or one more than the last given. */
static gint64
next_position (SdService *self)
{
  self->last_position = MAX (self->last_position + 1, g_get_real_time ());
  return self->last_position;
}

static void
insert_waiting (SdService *self,
                SdTask    *task)
{
  self->last_position = MAX (self->last_position, sd_task_get_queue_position (task));
  g_queue_insert_sorted (&self->waiting, g_object_ref (task), compare_waiting, NULL);
}

void
_sd_service_queue_adopt (SdService *self,
                         SdTask    *task)
{
  if (g_queue_find (&self->waiting, task) != NULL)
    return;
  if (self->hold_loaded)
    {
      g_debug ("Task %s: waits to be sent by another run", sd_task_get_id (task));
      return;
    }
  g_debug ("Task %s: waits to be sent (position %" G_GINT64_FORMAT ")",
           sd_task_get_id (task), sd_task_get_queue_position (task));
  insert_waiting (self, task);
  _sd_service_queue_kick (self);
}

void
_sd_service_queue_forget (SdService *self,
                          SdTask    *task)
{
  if (g_queue_remove (&self->waiting, task))
    g_object_unref (task);
  g_hash_table_remove (self->unwatched, sd_task_get_id (task));
}

/* Counting what is at the provider */

/**
 * _sd_service_task_holds_no_place:
 *
 * A task the provider has answered 404 for, and nothing else, for ten
 * minutes running holds no place in its queue: it is still asked about
 * until the not-found limit (a day), but the tasks waiting behind it are
 * not kept waiting that long.
 */
gboolean
_sd_service_task_holds_no_place (SdTask *task)
{
  gint64 since = sd_task_get_not_found_since (task);

  return since != 0 && g_get_real_time () - since >= SD_SERVICE_NOT_FOUND_FREES_PLACE_US;
}

static gboolean
is_at_provider (SdService *self,
                SdTask    *task)
{
  switch (sd_task_get_status (task))
    {
    case SD_TASK_STATUS_QUEUED:
    case SD_TASK_STATUS_PROCESSING:
    case SD_TASK_STATUS_UNKNOWN:
      if (_sd_service_task_holds_no_place (task))
        return FALSE;
      /* One the user stopped watching is still queued or running at the
       * provider: it counts until the quiet check sees it end there. */
      return g_hash_table_lookup (self->unwatched, sd_task_get_id (task)) != SD_UNWATCHED_LEFT;
    case SD_TASK_STATUS_COMPLETED:
    case SD_TASK_STATUS_FAILED:
    case SD_TASK_STATUS_UNCERTAIN:
    case SD_TASK_STATUS_NOT_FOUND:
    case SD_TASK_STATUS_WAITING:
    default:
      return FALSE;
    }
}

/* The quiet check saw @task, unwatched, finished at the provider: its
 * place is free, though nothing of it is shown or saved. */
void
_sd_service_note_left_provider (SdService *self,
                                SdTask    *task)
{
  if (!g_hash_table_contains (self->unwatched, sd_task_get_id (task)))
    return;
  g_debug ("Task %s: unwatched, and no longer at the provider; its place is free",
           sd_task_get_id (task));
  g_hash_table_replace (self->unwatched, g_strdup (sd_task_get_id (task)), SD_UNWATCHED_LEFT);
  _sd_service_unschedule_poll (self, task);
  _sd_service_queue_kick (self);
}

static guint
count_at_provider (SdService *self)
{
  GHashTableIter iter;
  gpointer value;
  guint count = g_hash_table_size (self->sends);

  g_hash_table_iter_init (&iter, self->tasks_by_id);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (is_at_provider (self, value) && !g_hash_table_contains (self->sends, value))
      count++;
  return count;
}

/* Sending */

static char *
uncertain_message (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *when = g_date_time_format (now, "%Y-%m-%d %H:%M:%S");

  /* Translators: %s is a date and time. */
  return g_strdup_printf (_("This request was being sent at %s and no answer was "
                            "received: the task may or may not have been created. "
                            "Look in the provider’s console before sending it again."),
                          when);
}

static void start_backoff (SdService    *self,
                           const GError *error);

static void
mark_failed (SdService  *self,
             SdTask     *task,
             const char *message)
{
  g_object_freeze_notify (G_OBJECT (task));
  sd_task_set_status (task, SD_TASK_STATUS_FAILED, NULL);
  sd_task_set_failure_message (task, message);
  sd_task_set_updated_at (task, _sd_service_now_unix ());
  g_object_thaw_notify (G_OBJECT (task));
  _sd_service_save_task (self, task);
  _sd_service_emit_task_failed (self, task);
}

/* Takes @task out of the list and the history: nothing was created. */
static void
drop_unsent (SdService *self,
             SdTask    *task,
             SdStore   *store)
{
  g_autoptr(GError) error = NULL;
  guint position;

  if (!sd_store_delete_task (store, sd_task_get_id (task), &error))
    g_message ("Could not remove unsent task %s: %s", sd_task_get_id (task), error->message);
  if (_sd_service_lookup_loaded (self, sd_task_get_id (task)) == task &&
      g_list_store_find (self->tasks, task, &position))
    {
      g_object_ref (task);
      _sd_service_queue_forget (self, task);
      g_hash_table_remove (self->tasks_by_id, sd_task_get_id (task));
      g_list_store_remove (self->tasks, position);
      g_object_unref (task);
    }
}

static gboolean
is_tracked (SdService *self,
            Send      *send)
{
  return send->store == self->store &&
         _sd_service_lookup_loaded (self, send->local_id) == send->task;
}

static void
apply_created (SdService         *self,
               Send              *send,
               SdApiCreateResult *created)
{
  SdTask *task = send->task;
  gboolean tracked = is_tracked (self, send);
  GError *not_saved;

  g_object_freeze_notify (G_OBJECT (task));
  sd_task_set_id (task, created->task_id);
  sd_task_set_status (task, created->status, created->status_raw);
  sd_task_set_server_model (task, created->model);
  if (created->created_at > 0)
    sd_task_set_created_at (task, created->created_at);
  sd_task_set_first_seen_at (task, _sd_service_now_unix ());
  sd_task_set_updated_at (task, sd_task_get_created_at (task));
  sd_task_set_failure_message (task, NULL);
  /* Written before anything else: a task the server acknowledged must
   * survive a crash, or it would be paid for and lost. */
  not_saved = _sd_service_keep_created_task (send->store, send->local_id, task);
  if (tracked)
    {
      g_hash_table_remove (self->tasks_by_id, send->local_id);
      g_hash_table_insert (self->tasks_by_id, g_strdup (created->task_id), task);
    }
  g_object_thaw_notify (G_OBJECT (task));
  g_debug ("Task %s: sent, the provider calls it %s", send->local_id, created->task_id);

  self->backoff_ms = BACKOFF_FIRST_MS;
  if (self->paused && sd_client_has_token (self->client))
    sd_service_resume (self);
  if (tracked && !sd_task_get_is_finished (task))
    _sd_service_schedule_poll (self, task, self->first_poll_delay);
  _sd_service_queue_return (self, task, task, NULL, not_saved);
}

/* The create was refused and nothing was made: the task waits again in
 * its place, with its row waiting again. */
static void
wait_again (SdService *self,
            Send      *send)
{
  g_object_freeze_notify (G_OBJECT (send->task));
  sd_task_set_status (send->task, SD_TASK_STATUS_WAITING, NULL);
  sd_task_set_failure_message (send->task, NULL);
  g_object_thaw_notify (G_OBJECT (send->task));
  if (!is_tracked (self, send))
    {
      g_autoptr(GError) error = NULL;

      if (!sd_store_save_task (send->store, send->task, &error))
        g_message ("Could not put task %s back in the queue: %s", send->local_id, error->message);
      return;
    }
  _sd_service_save_task (self, send->task);
  insert_waiting (self, send->task);
}

/* How many busy answers @task got; one more each call. */
static guint
note_busy_answer (SdTask *task)
{
  guint count = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (task), BUSY_KEY)) + 1;

  g_object_set_data (G_OBJECT (task), BUSY_KEY, GUINT_TO_POINTER (count));
  return count;
}

static void
apply_refusal (SdService    *self,
               Send         *send,
               const GError *error)
{
  gboolean has_caller = g_hash_table_contains (self->callers, send->task);

  if (sd_api_error_is_queue_full (error) && has_caller &&
      note_busy_answer (send->task) >= CALLER_BUSY_TRIES)
    {
      /* Someone waits on this one: after a few tries, they are told why. */
      g_debug ("Task %s: the provider stayed busy; the caller is told", send->local_id);
      drop_unsent (self, send->task, send->store);
      _sd_service_queue_return (self, send->task, NULL, g_error_copy (error), NULL);
      return;
    }
  if (sd_api_error_is_queue_full (error))
    {
      g_debug ("Task %s: the provider is busy (%s); it waits in its place",
               send->local_id, error->message);
      wait_again (self, send);
      start_backoff (self, error);
      return;
    }
  if (g_error_matches (error, SD_API_ERROR, SD_API_ERROR_TRANSPORT) && !has_caller)
    {
      /* Not sent at all (the network failed before): it waits its turn again. */
      g_debug ("Task %s: could not be sent (%s); it waits in its place",
               send->local_id, error->message);
      wait_again (self, send);
      start_backoff (self, NULL);
      return;
    }
  if (g_error_matches (error, SD_API_ERROR, SD_API_ERROR_UNAUTHORIZED) && !has_caller)
    {
      /* Every other create would be refused too: the queue waits for a new token. */
      g_debug ("Task %s: token refused; the queue waits", send->local_id);
      wait_again (self, send);
      self->paused = TRUE;
      _sd_service_set_last_error (self, error->message);
      return;
    }
  if (has_caller)
    {
      /* The caller says why; nothing was made, nothing is kept. */
      drop_unsent (self, send->task, send->store);
      _sd_service_queue_return (self, send->task, NULL, g_error_copy (error), NULL);
      return;
    }
  g_debug ("Task %s: refused (%s); the rest of the queue goes on",
           send->local_id, error->message);
  if (is_tracked (self, send))
    mark_failed (self, send->task, error->message);
}

/* A create that may have made its task: it stays uncertain, with why. */
static void
apply_unknown (SdService    *self,
               Send         *send,
               const GError *error)
{
  g_autoptr(GError) store_error = NULL;

  g_debug ("Task %s: create outcome unknown; never sent again", send->local_id);
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      sd_task_set_failure_message (send->task, error->message);
      sd_task_set_updated_at (send->task, _sd_service_now_unix ());
      if (!sd_store_save_task (send->store, send->task, &store_error))
        g_warning ("Could not save uncertain task %s: %s", send->local_id, store_error->message);
    }
  _sd_service_queue_return (self, send->task, NULL, g_error_copy (error), NULL);
}

static void
on_sent_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Send *send = user_data;
  SdService *self = send->service;
  g_autoptr(SdApiCreateResult) created = NULL;
  g_autoptr(GError) error = NULL;

  created = sd_client_create_finish (SD_CLIENT (source), result, &error);
  g_hash_table_remove (self->sends, send->task);
  if (created != NULL)
    apply_created (self, send, created);
  else if (g_error_matches (error, SD_API_ERROR, SD_API_ERROR_OUTCOME_UNKNOWN) ||
           g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    apply_unknown (self, send, error);
  else
    apply_refusal (self, send, error);
  _sd_service_queue_kick (self);
  send_free (send);
}

/* Claims the waiting row (it becomes uncertain) and sends the create;
 * FALSE when the row could not be written (the task waits on). */
static gboolean
send_task (SdService *self,
           SdTask    *task)
{
  g_autofree char *message = uncertain_message ();
  g_autoptr(GError) error = NULL;
  Caller *caller = g_hash_table_lookup (self->callers, task);
  GCancellable *cancellable = caller != NULL ? g_task_get_cancellable (caller->gtask) : NULL;
  SdRequest *request = sd_task_get_request (task);
  gboolean claimed = FALSE;
  Send *send;

  if (request == NULL)
    {
      mark_failed (self, task, _("The settings of this task in the history are damaged; "
                                 "it cannot be sent."));
      return TRUE;
    }
  if (g_object_get_data (G_OBJECT (task), UNRECORDED_KEY) != NULL)
    claimed = TRUE;
  else if (!sd_store_claim_waiting (self->store, task, message, &claimed, &error))
    {
      g_message ("Could not note task %s as being sent, so it is not sent yet: %s",
                 sd_task_get_id (task), error->message);
      return FALSE;
    }
  if (!claimed)
    {
      /* Another process sent it, or it is gone from the history. */
      g_debug ("Task %s: no longer waiting in the history; not sent", sd_task_get_id (task));
      g_object_ref (task);
      drop_unsent (self, task, self->store);
      _sd_service_queue_return (self, task, NULL,
                        g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                     _("Task %s was sent or cancelled by another window "
                                       "or command, not by this one."),
                                     sd_task_get_id (task)),
                        NULL);
      g_object_unref (task);
      return TRUE;
    }

  g_object_freeze_notify (G_OBJECT (task));
  sd_task_set_status (task, SD_TASK_STATUS_UNCERTAIN, NULL);
  sd_task_set_failure_message (task, message);
  g_object_thaw_notify (G_OBJECT (task));

  send = g_new0 (Send, 1);
  send->service = g_object_ref (self);
  send->store = g_object_ref (self->store);
  send->task = g_object_ref (task);
  send->local_id = g_strdup (sd_task_get_id (task));
  g_hash_table_insert (self->sends, task, send);
  g_debug ("Task %s: sending (%u at the provider or on the way)",
           send->local_id, g_hash_table_size (self->sends));
  sd_client_create_async (self->client, request,
                          cancellable != NULL ? cancellable : self->cancellable,
                          on_sent_cb, send);
  return TRUE;
}

/* Waiting tasks whose caller gave up leave the queue unsent. */
static void
drop_cancelled (SdService *self)
{
  for (GList *l = self->waiting.head; l != NULL;)
    {
      SdTask *task = l->data;
      Caller *caller = g_hash_table_lookup (self->callers, task);
      GCancellable *cancellable = caller != NULL ? g_task_get_cancellable (caller->gtask) : NULL;

      l = l->next;
      if (cancellable != NULL && g_cancellable_is_cancelled (cancellable))
        sd_service_cancel_waiting (self, task, NULL);
    }
}

/* Sends what fits at the provider, first waiting first. */
void
_sd_service_queue_pump (SdService *self)
{
  g_clear_handle_id (&self->pump_source, g_source_remove);
  drop_cancelled (self);
  while (self->waiting.length > 0 && self->backoff_source == 0 &&
         !self->paused && count_at_provider (self) < self->max_active)
    {
      g_autoptr(SdTask) task = g_queue_pop_head (&self->waiting);

      if (!send_task (self, task))
        {
          g_queue_push_head (&self->waiting, g_steal_pointer (&task));
          start_backoff (self, NULL);
          break;
        }
    }
}

static gboolean
pump_cb (gpointer user_data)
{
  SdService *self = user_data;

  self->pump_source = 0;
  _sd_service_queue_pump (self);
  return G_SOURCE_REMOVE;
}

void
_sd_service_queue_kick (SdService *self)
{
  if (self->pump_source != 0 || self->sends == NULL || self->waiting.length == 0)
    return;
  self->pump_source = g_idle_add (pump_cb, self);
}

static gboolean
backoff_done_cb (gpointer user_data)
{
  SdService *self = user_data;

  self->backoff_source = 0;
  g_debug ("Queue: the wait is over, sending again");
  _sd_service_queue_kick (self);
  return G_SOURCE_REMOVE;
}

static void
start_backoff (SdService    *self,
               const GError *error)
{
  gint64 retry_after = error != NULL ? sd_api_error_get_retry_after (error) : -1;
  guint delay_ms;

  if (retry_after >= 0)
    delay_ms = (guint) MIN (retry_after, RETRY_AFTER_MAX_S) * 1000;
  else
    {
      delay_ms = g_random_int_range ((gint32) (self->backoff_ms * 3 / 4),
                                     (gint32) (self->backoff_ms * 5 / 4) + 1);
      self->backoff_ms = MIN (self->backoff_ms * 2, BACKOFF_MAX_MS);
    }
  g_debug ("Queue: waiting %u ms before the next create", delay_ms);
  g_clear_handle_id (&self->backoff_source, g_source_remove);
  self->backoff_source = g_timeout_add (delay_ms, backoff_done_cb, self);
}

/* Queuing */

static void
on_caller_cancelled_cb (GCancellable *cancellable,
                        gpointer      user_data)
{
  _sd_service_queue_kick (user_data);
}

void
_sd_service_queue_add_caller (SdService *self,
                              SdTask    *task,
                              GTask     *gtask)
{
  GCancellable *cancellable = g_task_get_cancellable (gtask);
  Caller *caller = g_new0 (Caller, 1);

  caller->gtask = gtask;
  g_hash_table_insert (self->callers, task, caller);
  if (cancellable != NULL)
    caller->cancelled_id = g_cancellable_connect (cancellable,
                                                  G_CALLBACK (on_caller_cancelled_cb),
                                                  self, NULL);
}

/**
 * sd_service_default_group_label:
 * @prompt: (nullable): a prompt
 *
 * Returns: (transfer full): the start of @prompt on one line, cut at a
 *   word and ended with "…" when longer than a label should be
 */
char *
sd_service_default_group_label (const char *prompt)
{
  g_autofree char *line = NULL;
  const char *end;
  GString *label;

  if (prompt == NULL || !g_utf8_validate (prompt, -1, NULL))
    return g_strdup ("");
  line = g_strdup (prompt);
  g_strdelimit (line, "\r\n\t", ' ');
  g_strstrip (line);
  if (g_utf8_strlen (line, -1) <= LABEL_MAX_CHARS)
    return g_steal_pointer (&line);

  end = g_utf8_offset_to_pointer (line, LABEL_MAX_CHARS);
  label = g_string_new_len (line, end - line);
  if (strchr (label->str, ' ') != NULL && *end != ' ')
    g_string_truncate (label, strrchr (label->str, ' ') - label->str);
  while (label->len > 0 && label->str[label->len - 1] == ' ')
    g_string_truncate (label, label->len - 1);
  g_string_append (label, "…");
  return g_string_free (label, FALSE);
}

/* @entry: (nullable): the group, the link and the estimate; NULL: none */
SdTask *
_sd_service_enqueue (SdService          *self,
                     SdRequest          *request,
                     const SdQueueEntry *entry,
                     gboolean            unrecorded_ok,
                     GError            **error)
{
  static const SdQueueEntry none = SD_QUEUE_ENTRY_INIT;
  g_autoptr(GError) save_error = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *id = g_strconcat (SD_TASK_UNCERTAIN_ID_PREFIX, uuid, NULL);
  g_autoptr(SdRequest) copy = NULL;
  g_autoptr(SdTask) task = NULL;
  gint64 now = _sd_service_now_unix ();

  if (!_sd_service_validate_request (self, request, error))
    return NULL;

  copy = sd_request_copy (request);
  task = sd_task_new (id, copy);
  sd_task_set_status (task, SD_TASK_STATUS_WAITING, NULL);
  sd_task_set_created_at (task, now);
  sd_task_set_updated_at (task, now);
  if (entry == NULL)
    entry = &none;
  sd_task_set_group_id (task, entry->group_id);
  sd_task_set_group_label (task, entry->group_label);
  sd_task_set_label (task, entry->label);
  sd_task_set_retry_of (task, entry->retry_of);
  /* A caller with a currency brought its estimate (-1: none for this
   * request); the others get the price table's. */
  if (entry->currency != NULL && entry->estimate >= 0)
    sd_task_set_estimate (task, entry->estimate, entry->currency);
  else if (entry->currency == NULL)
    _sd_service_record_estimate (self, task);
  sd_task_set_queue_position (task, next_position (self));
  /* The row is written first: a waiting task is in the history. A caller
   * who waits for the answer may send without it: the answer is then kept
   * by the journal, and the caller is told. */
  if (!sd_store_save_task (self->store, task, unrecorded_ok ? &save_error : error))
    {
      if (!unrecorded_ok)
        return NULL;
      g_message ("Could not note the request before sending it: %s", save_error->message);
      g_object_set_data (G_OBJECT (task), UNRECORDED_KEY, GINT_TO_POINTER (TRUE));
    }

  g_debug ("Task %s: queued%s%s", id, entry->retry_of != NULL ? ", retrying " : "",
           entry->retry_of != NULL ? entry->retry_of : "");
  _sd_service_track_task (self, task);
  g_list_store_insert (self->tasks, 0, task);
  _sd_service_emit_task_added (self, task);
  insert_waiting (self, task);
  _sd_service_queue_kick (self);
  return task;
}

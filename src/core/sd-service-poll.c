/* sd-service-poll.c: the poll schedule, its backoff, online and offline
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-service"

#include "config.h"

#include <glib/gi18n.h>

#include "sd-api.h"
#include "sd-client.h"
#include "sd-service-private.h"

#define POLL_GROWTH                1.5
/* A Retry-After longer than this is taken as a server mistake. */
#define MAX_RETRY_AFTER_S          3600

/* One task waiting in the schedule (or with its query in flight). */
typedef struct
{
  SdTask        *task;
  gint64         due;       /* monotonic µs */
  guint          interval;  /* ms before the query after the next one */
  guint64        order;     /* keeps equal due times in arrival order */
  GSequenceIter *iter;      /* NULL while the query is in flight */
  gboolean       in_flight;
  gboolean       quiet;     /* unwatched: asked about for the cap only */
} Poll;

/* A query started by the schedule; the service may be gone when it ends,
 * which the cancelled @cancellable tells. */
typedef struct
{
  SdService    *self;
  SdTask       *task;
  GCancellable *cancellable;
} Query;

/* An error as a bug report needs it: never its message, which may carry
 * a server's words, nor an address. */
static char *
describe_error (const GError *error)
{
  if (error == NULL)
    return g_strdup ("no error");
  if (error->domain == SD_API_ERROR)
    return g_strdup_printf ("%s %d, HTTP %d", g_quark_to_string (error->domain), error->code,
                            sd_api_error_get_http_status (error));
  return g_strdup_printf ("%s %d", g_quark_to_string (error->domain), error->code);
}

/* The schedule: one GSource whose ready time is the earliest due query. */

static gboolean
schedule_source_dispatch (GSource     *source,
                          GSourceFunc  callback,
                          gpointer     user_data)
{
  g_source_set_ready_time (source, -1);
  return callback (user_data);
}

static GSourceFuncs schedule_source_funcs = {
  .dispatch = schedule_source_dispatch,
};

static int
compare_polls (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  const Poll *pa = a;
  const Poll *pb = b;

  if (pa->due != pb->due)
    return pa->due < pb->due ? -1 : 1;
  return pa->order < pb->order ? -1 : (pa->order > pb->order);
}

static void
poll_free (Poll *poll)
{
  if (poll->iter != NULL)
    g_sequence_remove (poll->iter);
  g_object_unref (poll->task);
  g_free (poll);
}

static void
poll_set_due (SdService *self,
              Poll      *poll,
              gint64     due)
{
  if (poll->iter != NULL)
    g_sequence_remove (poll->iter);
  poll->due = due;
  poll->order = self->poll_order++;
  poll->iter = g_sequence_insert_sorted (self->schedule, poll, compare_polls, NULL);
}

void
_sd_service_schedule_poll (SdService *self,
                           SdTask    *task,
                           guint      delay_ms)
{
  Poll *poll = g_hash_table_lookup (self->polls, sd_task_get_id (task));
  gpointer unwatched = NULL;
  gboolean quiet = g_hash_table_lookup_extended (self->unwatched, sd_task_get_id (task),
                                                 NULL, &unwatched);

  if ((quiet && unwatched == SD_UNWATCHED_LEFT) ||
      sd_task_get_status (task) == SD_TASK_STATUS_WAITING)
    {
      g_debug ("Task %s: gone from the provider unwatched, or not sent: no query",
               sd_task_get_id (task));
      return;
    }
  if (poll == NULL)
    {
      poll = g_new0 (Poll, 1);
      poll->task = g_object_ref (task);
      poll->interval = self->first_poll_delay;
      g_hash_table_insert (self->polls, g_strdup (sd_task_get_id (task)), poll);
    }
  /* Unwatched, it is asked about slowly, for the cap only (no news, no
   * download, nothing saved but the start of a 404 run). */
  if (poll->quiet && !quiet)
    poll->interval = self->first_poll_delay;
  poll->quiet = quiet;
  if (quiet)
    {
      poll->interval = self->max_poll_interval;
      delay_ms = MAX (delay_ms, self->max_poll_interval);
    }
  if (!poll->in_flight)
    poll_set_due (self, poll, g_get_monotonic_time () + (gint64) delay_ms * 1000);
  g_debug ("Task %s: next query in %u ms%s", sd_task_get_id (task), delay_ms,
           poll->in_flight ? " (after the one in flight)" : "");
  _sd_service_arm_schedule (self);
}

void
_sd_service_unschedule_poll (SdService *self,
                             SdTask    *task)
{
  g_hash_table_remove (self->polls, sd_task_get_id (task));
}

static guint
grow_interval (SdService *self,
               guint      interval)
{
  double next = interval * POLL_GROWTH;

  return (guint) MIN (next, (double) self->max_poll_interval);
}

void
_sd_service_arm_schedule (SdService *self)
{
  GSequenceIter *first;
  Poll *poll;

  if (self->timer == NULL)
    return;

  first = g_sequence_get_begin_iter (self->schedule);
  if (!self->online || self->paused || g_sequence_iter_is_end (first) ||
      self->queries_in_flight >= self->max_queries)
    {
      g_source_set_ready_time (self->timer, -1);
      return;
    }

  poll = g_sequence_get (first);
  g_source_set_ready_time (self->timer, MAX (poll->due, 0));
}

/* Applying what the server said. */

static void
apply_query_result (SdService        *self,
                    SdTask           *task,
                    SdApiQueryResult *result)
{
  SdTaskStatus was = sd_task_get_status (task);
  guint64 serial = self->change_serial;

  g_object_freeze_notify (G_OBJECT (task));
  sd_task_set_status (task, result->status, result->status_raw);
  if (result->model != NULL)
    sd_task_set_server_model (task, result->model);
  if (result->created_at > 0)
    sd_task_set_created_at (task, result->created_at);
  if (result->video_url != NULL)
    sd_task_set_video_url (task, result->video_url);
  if (result->status == SD_TASK_STATUS_FAILED)
    sd_task_set_failure_message (task, result->failure_message);
  if (result->updated_at > 0)
    sd_task_set_updated_at (task, result->updated_at);
  sd_task_set_progress (task, sd_task_get_is_finished (task) ? -1 : result->progress);
  /* An answer ends a run of 404s. */
  sd_task_set_not_found_since (task, 0);
  g_object_thaw_notify (G_OBJECT (task));

  if (serial == self->change_serial)
    return;

  if (result->updated_at <= 0)
    sd_task_set_updated_at (task, _sd_service_now_unix ());
  _sd_service_save_task (self, task);

  /* A task marked not found that the server knows again is polled again. */
  if (was == SD_TASK_STATUS_NOT_FOUND && !sd_task_get_is_finished (task))
    _sd_service_schedule_poll (self, task, self->first_poll_delay);

  if (was == result->status || !sd_task_get_is_finished (task))
    return;

  _sd_service_unschedule_poll (self, task);
  if (result->status == SD_TASK_STATUS_COMPLETED)
    {
      _sd_service_emit_task_completed (self, task);
      _sd_service_maybe_auto_download (self, task);
    }
  else
    _sd_service_emit_task_failed (self, task);
}

/* Errors that concern every task: asking again would not help until the
 * user changes something. */
static gboolean
pause_for_error (SdService    *self,
                 const GError *error)
{
  if (g_error_matches (error, SD_API_ERROR, SD_API_ERROR_UNAUTHORIZED))
    {
      g_debug ("Polling paused: the server refused the token");
      self->paused = TRUE;
      _sd_service_set_last_error (self, _("The server refused the API token. Check the "
                                          "token in Preferences; tasks are not checked "
                                          "until then."));
      return TRUE;
    }
  if (g_error_matches (error, SD_API_ERROR, SD_API_ERROR_INSECURE) ||
      sd_client_get_base_url_error (self->client) != NULL)
    {
      g_debug ("Polling paused: the API address is refused");
      self->paused = TRUE;
      _sd_service_set_last_error (self, error->message);
      return TRUE;
    }
  return FALSE;
}

/* A failed query never fails the task: it is asked again later, not before
 * the server's Retry-After. */
static void
reschedule_after_error (SdService    *self,
                        Poll         *poll,
                        const GError *error)
{
  gint64 retry_after = sd_api_error_get_retry_after (error);
  g_autofree char *why = describe_error (error);
  gint64 now = g_get_monotonic_time ();
  gint64 due;

  poll->interval = grow_interval (self, poll->interval);
  due = now + (gint64) poll->interval * 1000;
  g_debug ("Task %s: query failed (%s); retry in %u ms (backoff)",
           sd_task_get_id (poll->task), why, poll->interval);
  if (retry_after > 0)
    {
      if (retry_after > MAX_RETRY_AFTER_S)
        g_debug ("Task %s: Retry-After %" G_GINT64_FORMAT " s taken as %d s",
                 sd_task_get_id (poll->task), retry_after, MAX_RETRY_AFTER_S);
      retry_after = MIN (retry_after, MAX_RETRY_AFTER_S);
      if (now + retry_after * G_USEC_PER_SEC > due)
        g_debug ("Task %s: Retry-After honoured, retry in %" G_GINT64_FORMAT " s",
                 sd_task_get_id (poll->task), retry_after);
      due = MAX (due, now + retry_after * G_USEC_PER_SEC);
    }
  poll_set_due (self, poll, due);
}

/* A 404, whatever code its body carries ("bad request" included). */
static gboolean
is_not_found (const GError *error)
{
  return (g_error_matches (error, SD_API_ERROR, SD_API_ERROR_HTTP_STATUS) ||
          g_error_matches (error, SD_API_ERROR, SD_API_ERROR_API)) &&
         sd_api_error_get_http_status (error) == 404;
}

/* Only 404s in a row count: any other answer, even another error, shows the
 * server still has something to say about the task. The run's start is
 * the task's, stored, so that a restart does not count it from zero; it is
 * the wall clock, the one that runs on between two runs. */
static gboolean
not_found_for_too_long (SdService    *self,
                        Poll         *poll,
                        const GError *error)
{
  SdTask *task = poll->task;
  gint64 now = g_get_real_time ();
  gint64 since = sd_task_get_not_found_since (task);

  if (!is_not_found (error))
    {
      if (since != 0 && error != NULL)
        {
          sd_task_set_not_found_since (task, 0);
          _sd_service_save_task (self, task);
        }
      return FALSE;
    }
  /* A start in the future is a clock set back: the run starts again. */
  if (since == 0 || since > now)
    {
      since = now;
      sd_task_set_not_found_since (task, since);
      _sd_service_save_task (self, task);
    }
  g_debug ("%s: 404 for %" G_GINT64_FORMAT " ms", sd_task_get_id (task), (now - since) / 1000);
  /* past ten minutes, a waiting task may take its place */
  if (_sd_service_task_holds_no_place (task))
    _sd_service_queue_kick (self);
  return now - since >= (gint64) self->not_found_limit * 1000;
}

static char *
describe_not_found_since (Poll *poll)
{
  g_autoptr(GDateTime) since =
    g_date_time_new_from_unix_local (sd_task_get_not_found_since (poll->task) / G_USEC_PER_SEC);
  g_autofree char *when = since != NULL ? g_date_time_format (since, "%Y-%m-%d %H:%M") : NULL;

  /* Translators: %s is a local date and time */
  return g_strdup_printf (_("The server has answered “not found” (HTTP 404) for this task "
                            "since %s: it is unknown to the server, and the app no longer "
                            "asks about it."), when != NULL ? when : "?");
}

/* Stops polling a task the server has not known for too long; the mark is
 * stored, so that no later run polls it forever either. */
static void
mark_not_found (SdService *self,
                Poll      *poll)
{
  g_autoptr(SdTask) task = g_object_ref (poll->task);
  g_autofree char *reason = describe_not_found_since (poll);

  g_debug ("%s: unknown to the server, polling stops", sd_task_get_id (task));
  g_object_freeze_notify (G_OBJECT (task));
  sd_task_set_status (task, SD_TASK_STATUS_NOT_FOUND, sd_task_get_status_raw (task));
  sd_task_set_failure_message (task, reason);
  sd_task_set_updated_at (task, _sd_service_now_unix ());
  g_object_thaw_notify (G_OBJECT (task));
  _sd_service_unschedule_poll (self, task);
  _sd_service_save_task (self, task);
}

/* The quiet check of an unwatched task: TRUE when it is known to have left
 * the provider's queue (finished there, or unknown to it for too long), so
 * that it no longer counts toward the cap; its poll is then gone. */
static gboolean
quiet_answer_has_left (SdService        *self,
                       Poll             *poll,
                       SdApiQueryResult *answer,
                       const GError     *error)
{
  gboolean left;

  if (answer != NULL && sd_task_get_not_found_since (poll->task) != 0)
    {
      sd_task_set_not_found_since (poll->task, 0);
      _sd_service_save_task (self, poll->task);
    }
  if (answer != NULL)
    left = answer->status == SD_TASK_STATUS_COMPLETED || answer->status == SD_TASK_STATUS_FAILED;
  else
    left = not_found_for_too_long (self, poll, error);
  g_debug ("Task %s (unwatched): %s", sd_task_get_id (poll->task),
           left ? "finished at the provider" : "still counted at the provider");
  if (left)
    _sd_service_note_left_provider (self, poll->task);
  return left;
}

static void
handle_answer (SdService        *self,
               SdTask           *task,
               SdApiQueryResult *answer,
               const GError     *error)
{
  if (answer != NULL)
    apply_query_result (self, task, answer);
  else if (!pause_for_error (self, error))
    _sd_service_emit_poll_error (self, task, error);
}

static void
query_free (Query *query)
{
  g_object_unref (query->task);
  g_object_unref (query->cancellable);
  g_free (query);
}

/* @task's poll, if its query is the one in flight. */
static Poll *
lookup_in_flight (SdService *self,
                  SdTask    *task)
{
  Poll *poll = g_hash_table_lookup (self->polls, sd_task_get_id (task));

  return poll != NULL && poll->task == task && poll->in_flight ? poll : NULL;
}

static void
on_query_finished_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  Query *query = user_data;
  SdService *self = query->self;
  g_autoptr(SdApiQueryResult) answer = NULL;
  g_autoptr(GError) error = NULL;
  Poll *poll;

  answer = sd_client_query_finish (SD_CLIENT (source), result, &error);
  if (g_cancellable_is_cancelled (query->cancellable))
    {
      query_free (query);
      return;
    }

  _sd_service_set_queries_in_flight (self, self->queries_in_flight - 1);
  poll = lookup_in_flight (self, query->task);
  if (poll != NULL && poll->quiet)
    {
      if (quiet_answer_has_left (self, poll, answer, error))
        poll = NULL;
    }
  else
    {
      /* A task removed meanwhile must not be saved back into the history. */
      if (_sd_service_lookup_loaded (self, sd_task_get_id (query->task)) == query->task)
        handle_answer (self, query->task, answer, error);
      /* The answer may have ended its polling. */
      poll = lookup_in_flight (self, query->task);
    }

  if (poll != NULL && !poll->quiet && not_found_for_too_long (self, poll, error))
    mark_not_found (self, poll);
  else if (poll != NULL)
    {
      poll->in_flight = FALSE;
      if (answer != NULL || self->paused)
        {
          poll->interval = grow_interval (self, poll->interval);
          poll_set_due (self, poll, g_get_monotonic_time () + (gint64) poll->interval * 1000);
          g_debug ("Task %s: %s; next query in %u ms (backoff)", sd_task_get_id (poll->task),
                   answer != NULL ? sd_api_status_to_string (answer->status) : "polling paused",
                   poll->interval);
        }
      else
        reschedule_after_error (self, poll, error);
    }

  query_free (query);
  _sd_service_arm_schedule (self);
}

static void
start_query (SdService *self,
             Poll      *poll)
{
  Query *query = g_new0 (Query, 1);

  query->self = self;
  query->task = g_object_ref (poll->task);
  query->cancellable = g_object_ref (self->cancellable);

  g_sequence_remove (poll->iter);
  poll->iter = NULL;
  poll->in_flight = TRUE;
  _sd_service_set_queries_in_flight (self, self->queries_in_flight + 1);
  g_debug ("Task %s: querying (%u in flight)", sd_task_get_id (poll->task),
           self->queries_in_flight);

  sd_client_query_async (self->client, sd_task_get_id (poll->task), self->cancellable,
                         on_query_finished_cb, query);
}

static gboolean
on_schedule_due_cb (gpointer user_data)
{
  SdService *self = user_data;
  gint64 now = g_get_monotonic_time ();

  while (self->online && !self->paused && self->queries_in_flight < self->max_queries)
    {
      GSequenceIter *first = g_sequence_get_begin_iter (self->schedule);
      Poll *poll;

      if (g_sequence_iter_is_end (first))
        break;
      poll = g_sequence_get (first);
      if (poll->due > now)
        break;
      start_query (self, poll);
    }

  _sd_service_arm_schedule (self);
  return G_SOURCE_CONTINUE;
}

/* The network. */

/* A loopback API (a local server, the simulator) is always reachable,
 * whatever the network monitor says about the rest of the world. */
static void
follow_network (SdService *self)
{
  if (self->monitor == NULL)
    return;
  g_debug ("Network %s, API address %s", g_network_monitor_get_network_available (self->monitor) ?
           "available" : "unavailable",
           sd_client_get_base_url_is_loopback (self->client) ? "on loopback" : "remote");
  sd_service_set_online (self, g_network_monitor_get_network_available (self->monitor) ||
                               sd_client_get_base_url_is_loopback (self->client));
}

static void
on_network_changed_cb (GNetworkMonitor *monitor,
                       gboolean         available,
                       SdService       *self)
{
  follow_network (self);
}

/**
 * sd_service_set_network_monitor:
 * @monitor: (nullable): the monitor to follow, or %NULL for none
 */
void
sd_service_set_network_monitor (SdService       *self,
                                GNetworkMonitor *monitor)
{
  g_return_if_fail (SD_IS_SERVICE (self));
  g_return_if_fail (monitor == NULL || G_IS_NETWORK_MONITOR (monitor));

  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_func (self->monitor, on_network_changed_cb, self);
  g_set_object (&self->monitor, monitor);
  if (monitor == NULL)
    return;

  g_signal_connect_object (monitor, "network-changed",
                           G_CALLBACK (on_network_changed_cb), self, 0);
  follow_network (self);
}

/* The schedule's life cycle, from the service's. */

void
_sd_service_poll_init (SdService *self)
{
  self->polls = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) poll_free);
  self->schedule = g_sequence_new (NULL);
}

void
_sd_service_poll_start (SdService *self)
{
  self->timer = g_source_new (&schedule_source_funcs, sizeof (GSource));
  g_source_set_callback (self->timer, on_schedule_due_cb, self, NULL);
  g_source_set_name (self->timer, "[sd-service] schedule");
  g_source_attach (self->timer, g_main_context_get_thread_default ());

  g_signal_connect_object (self->client, "notify::base-url",
                           G_CALLBACK (follow_network), self, G_CONNECT_SWAPPED);
  sd_service_set_network_monitor (self, g_network_monitor_get_default ());
}

void
_sd_service_poll_stop (SdService *self)
{
  if (self->timer != NULL)
    {
      g_source_destroy (self->timer);
      g_clear_pointer (&self->timer, g_source_unref);
    }
  sd_service_set_network_monitor (self, NULL);
}

gint64
sd_service_get_next_poll_time (SdService *self,
                               SdTask    *task)
{
  Poll *poll;

  g_return_val_if_fail (SD_IS_SERVICE (self), 0);
  g_return_val_if_fail (SD_IS_TASK (task), 0);

  poll = g_hash_table_lookup (self->polls, sd_task_get_id (task));
  if (poll == NULL || poll->iter == NULL || poll->task != task)
    return 0;
  return poll->due;
}

/* Refreshing one task. */

static void
on_refresh_finished_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) gtask = user_data;
  SdService *self = g_task_get_source_object (gtask);
  SdTask *task = g_task_get_task_data (gtask);
  g_autoptr(SdApiQueryResult) answer = NULL;
  GError *error = NULL;

  answer = sd_client_query_finish (SD_CLIENT (source), result, &error);
  /* Asked by hand, a task marked not found may turn up again; another 404
   * only confirms the mark. */
  if (answer == NULL && sd_task_get_status (task) == SD_TASK_STATUS_NOT_FOUND &&
      is_not_found (error))
    {
      g_error_free (error);
      g_task_return_boolean (gtask, TRUE);
      return;
    }
  if (answer == NULL)
    {
      pause_for_error (self, error);
      g_task_return_error (gtask, error);
      return;
    }

  if (_sd_service_lookup_loaded (self, sd_task_get_id (task)) == task)
    apply_query_result (self, task, answer);
  g_task_return_boolean (gtask, TRUE);
}

/**
 * sd_service_refresh_async:
 * @task: a task in the list
 *
 * Asks the server about @task now; the schedule goes on as before. An
 * uncertain task has no server id and is not asked about; for a task marked
 * not found, a 404 is no error (the mark stands).
 */
void
sd_service_refresh_async (SdService           *self,
                          SdTask              *task,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) gtask = NULL;

  g_return_if_fail (SD_IS_SERVICE (self));
  g_return_if_fail (SD_IS_TASK (task));

  gtask = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (gtask, sd_service_refresh_async);
  g_task_set_task_data (gtask, g_object_ref (task), g_object_unref);

  /* Its id is the app's own: the server has nothing to say about it. */
  if (sd_task_get_status (task) == SD_TASK_STATUS_UNCERTAIN ||
      sd_task_get_status (task) == SD_TASK_STATUS_WAITING)
    {
      g_task_return_boolean (gtask, TRUE);
      return;
    }

  sd_client_query_async (self->client, sd_task_get_id (task), cancellable,
                         on_refresh_finished_cb, g_steal_pointer (&gtask));
}

gboolean
sd_service_refresh_finish (SdService     *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}


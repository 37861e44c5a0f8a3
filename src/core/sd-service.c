/* sd-service.c: submits, polls, keeps and downloads tasks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-service"

#include "config.h"

#include <glib/gi18n.h>

#include "sd-api.h"
#include "sd-catalog.h"
#include "sd-client.h"
#include "sd-download.h"
#include "sd-service.h"
#include "sd-store.h"

#define DEFAULT_FIRST_POLL_DELAY   3000
#define DEFAULT_MAX_POLL_INTERVAL  30000
#define DEFAULT_MAX_QUERIES        4
#define MAX_DOWNLOADS              2
#define POLL_GROWTH                1.5
/* A Retry-After longer than this is taken as a server mistake. */
#define MAX_RETRY_AFTER_S          3600
/* A task the server answers 404 for is asked about on backoff for this long
 * (ms, from the first 404 in a row) before it is taken as unknown to the
 * server: a lost task must not be polled forever, and a server that forgets
 * a task for a moment must not lose it. */
#define DEFAULT_NOT_FOUND_LIMIT    (24u * 60 * 60 * 1000)
#define PROGRESS_TICK_US           (G_USEC_PER_SEC / 10)

/* One task waiting in the schedule (or with its query in flight). */
typedef struct
{
  SdTask        *task;
  gint64         due;       /* monotonic µs */
  guint          interval;  /* ms before the query after the next one */
  guint64        order;     /* keeps equal due times in arrival order */
  GSequenceIter *iter;      /* NULL while the query is in flight */
  gboolean       in_flight;
  gint64         not_found_since; /* monotonic µs of the first 404 in a row, or 0 */
} Poll;

/* A query started by the schedule; the service may be gone when it ends,
 * which the cancelled @cancellable tells. */
typedef struct
{
  SdService    *self;
  SdTask       *task;
  GCancellable *cancellable;
} Query;

typedef struct
{
  SdService    *self;       /* NULL once the service let go of it */
  SdTask       *task;
  char         *directory;
  GCancellable *cancellable;
  GTask        *caller;     /* a manual download, or NULL */
  gulong        cancel_id;
  GCancellable *caller_cancellable;
  gint64        last_tick;
} Download;

struct _SdService
{
  GObject          parent_instance;

  SdClient        *client;
  SdStore         *store;
  SdCatalog       *catalog;
  GSettings       *settings;
  GNetworkMonitor *monitor;

  GListStore      *tasks;
  GHashTable      *tasks_by_id;   /* id → SdTask, those in the list */
  SdStoreCursor    cursor;        /* where the pages read so far end */
  gboolean         has_more;      /* older tasks remain in the store */

  GHashTable      *polls;         /* id → Poll */
  GSequence       *schedule;      /* Poll, earliest due first */
  GSource         *timer;
  guint64          poll_order;
  guint            queries_in_flight;
  GCancellable    *cancellable;   /* the schedule's queries */

  GHashTable      *downloads;     /* id → Download, running or queued */
  GQueue           download_queue;
  guint            downloads_running;

  guint            first_poll_delay;
  guint            max_poll_interval;
  guint            max_queries;
  guint            not_found_limit; /* ms */
  gboolean         online;
  gboolean         paused;        /* by a refused token or address */
  char            *last_error;
  guint64          change_serial; /* bumped by every stored change of a task */
};

G_DEFINE_FINAL_TYPE (SdService, sd_service, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CLIENT,
  PROP_STORE,
  PROP_CATALOG,
  PROP_SETTINGS,
  PROP_ONLINE,
  PROP_LAST_ERROR,
  PROP_FIRST_POLL_DELAY,
  PROP_MAX_POLL_INTERVAL,
  PROP_MAX_QUERIES,
  PROP_NOT_FOUND_LIMIT,
  PROP_QUERIES_IN_FLIGHT,
  PROP_HAS_MORE,
  N_PROPS
};

enum {
  TASK_ADDED,
  TASK_CHANGED,
  TASK_COMPLETED,
  TASK_FAILED,
  DOWNLOAD_PROGRESS,
  POLL_ERROR,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void arm_schedule        (SdService *self);
static SdTask *lookup_loaded    (SdService  *self,
                                 const char *task_id);
static void maybe_auto_download (SdService *self,
                                 SdTask    *task);

static gint64
now_unix (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static void
save_task (SdService *self,
           SdTask    *task)
{
  g_autoptr(GError) error = NULL;

  if (!sd_store_save_task (self->store, task, &error))
    g_warning ("Could not save task %s: %s", sd_task_get_id (task), error->message);
}

static void
set_last_error (SdService  *self,
                const char *message)
{
  if (g_strcmp0 (self->last_error, message) == 0)
    return;
  g_free (self->last_error);
  self->last_error = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);
}

static void
set_queries_in_flight (SdService *self,
                       guint      count)
{
  if (self->queries_in_flight == count)
    return;
  self->queries_in_flight = count;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_QUERIES_IN_FLIGHT]);
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

static void
schedule_poll (SdService *self,
               SdTask    *task,
               guint      delay_ms)
{
  Poll *poll = g_hash_table_lookup (self->polls, sd_task_get_id (task));

  if (poll == NULL)
    {
      poll = g_new0 (Poll, 1);
      poll->task = g_object_ref (task);
      poll->interval = self->first_poll_delay;
      g_hash_table_insert (self->polls, g_strdup (sd_task_get_id (task)), poll);
    }
  if (!poll->in_flight)
    poll_set_due (self, poll, g_get_monotonic_time () + (gint64) delay_ms * 1000);
  arm_schedule (self);
}

static void
unschedule_poll (SdService *self,
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

static void
arm_schedule (SdService *self)
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
  g_object_thaw_notify (G_OBJECT (task));

  if (serial == self->change_serial)
    return;

  if (result->updated_at <= 0)
    sd_task_set_updated_at (task, now_unix ());
  save_task (self, task);

  /* A task marked not found that the server knows again is polled again. */
  if (was == SD_TASK_STATUS_NOT_FOUND && !sd_task_get_is_finished (task))
    schedule_poll (self, task, self->first_poll_delay);

  if (was == result->status || !sd_task_get_is_finished (task))
    return;

  unschedule_poll (self, task);
  if (result->status == SD_TASK_STATUS_COMPLETED)
    {
      g_signal_emit (self, signals[TASK_COMPLETED], 0, task);
      maybe_auto_download (self, task);
    }
  else
    g_signal_emit (self, signals[TASK_FAILED], 0, task);
}

/* Errors that concern every task: asking again would not help until the
 * user changes something. */
static gboolean
pause_for_error (SdService    *self,
                 const GError *error)
{
  if (g_error_matches (error, SD_API_ERROR, SD_API_ERROR_UNAUTHORIZED))
    {
      self->paused = TRUE;
      set_last_error (self, _("The server refused the API token. Check the "
                              "token in Preferences; tasks are not checked "
                              "until then."));
      return TRUE;
    }
  if (g_error_matches (error, SD_API_ERROR, SD_API_ERROR_INSECURE) ||
      sd_client_get_base_url_error (self->client) != NULL)
    {
      self->paused = TRUE;
      set_last_error (self, error->message);
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
  gint64 due;

  poll->interval = grow_interval (self, poll->interval);
  due = g_get_monotonic_time () + (gint64) poll->interval * 1000;
  if (retry_after > 0)
    {
      retry_after = MIN (retry_after, MAX_RETRY_AFTER_S);
      due = MAX (due, g_get_monotonic_time () + retry_after * G_USEC_PER_SEC);
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
 * server still has something to say about the task. */
static gboolean
not_found_for_too_long (SdService    *self,
                        Poll         *poll,
                        const GError *error)
{
  gint64 now = g_get_monotonic_time ();

  if (!is_not_found (error))
    {
      poll->not_found_since = 0;
      return FALSE;
    }
  if (poll->not_found_since == 0)
    poll->not_found_since = now;
  g_debug ("%s: 404 for %" G_GINT64_FORMAT " ms", sd_task_get_id (poll->task),
           (now - poll->not_found_since) / 1000);
  return now - poll->not_found_since >= (gint64) self->not_found_limit * 1000;
}

static char *
describe_not_found_since (Poll *poll)
{
  gint64 elapsed = g_get_monotonic_time () - poll->not_found_since;
  g_autoptr(GDateTime) since = g_date_time_new_from_unix_local ((g_get_real_time () - elapsed) /
                                                                G_USEC_PER_SEC);
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
  sd_task_set_updated_at (task, now_unix ());
  g_object_thaw_notify (G_OBJECT (task));
  unschedule_poll (self, task);
  save_task (self, task);
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
    g_signal_emit (self, signals[POLL_ERROR], 0, task, error);
}

static void
query_free (Query *query)
{
  g_object_unref (query->task);
  g_object_unref (query->cancellable);
  g_free (query);
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

  set_queries_in_flight (self, self->queries_in_flight - 1);
  /* A task removed meanwhile must not be saved back into the history. */
  if (lookup_loaded (self, sd_task_get_id (query->task)) == query->task)
    handle_answer (self, query->task, answer, error);

  poll = g_hash_table_lookup (self->polls, sd_task_get_id (query->task));
  if (poll != NULL && poll->task == query->task && poll->in_flight &&
      not_found_for_too_long (self, poll, error))
    mark_not_found (self, poll);
  else if (poll != NULL && poll->task == query->task && poll->in_flight)
    {
      poll->in_flight = FALSE;
      if (answer != NULL || self->paused)
        {
          poll->interval = grow_interval (self, poll->interval);
          poll_set_due (self, poll, g_get_monotonic_time () + (gint64) poll->interval * 1000);
        }
      else
        reschedule_after_error (self, poll, error);
    }

  query_free (query);
  arm_schedule (self);
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
  set_queries_in_flight (self, self->queries_in_flight + 1);

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

  arm_schedule (self);
  return G_SOURCE_CONTINUE;
}

/* Downloads. */

static gboolean
auto_download_enabled (SdService *self)
{
  if (self->settings == NULL)
    return TRUE;
  return g_settings_get_boolean (self->settings, "auto-download");
}

static char *
default_download_dir (SdService *self)
{
  if (self->settings != NULL)
    {
      g_autofree char *dir = g_settings_get_string (self->settings, "download-dir");

      if (dir != NULL && dir[0] != '\0')
        return g_steal_pointer (&dir);
    }

  return sd_download_get_default_directory ();
}

static gboolean
link_has_expired (SdTask *task)
{
  gint64 expires_at = sd_task_get_expires_at (task);

  return expires_at != 0 && now_unix () >= expires_at;
}

static gboolean
url_is_web (const char *url)
{
  const char *scheme = g_uri_peek_scheme (url);

  return g_strcmp0 (scheme, "https") == 0 || g_strcmp0 (scheme, "http") == 0;
}

/* Marks the task when its video cannot be had, and says why. */
static gboolean
check_downloadable (SdService  *self,
                    SdTask     *task,
                    GError    **error)
{
  const char *url = sd_task_get_video_url (task);
  const char *message;

  if (sd_task_get_status (task) != SD_TASK_STATUS_COMPLETED || url == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           _("The video is not ready yet."));
      return FALSE;
    }

  if (!url_is_web (url))
    {
      message = _("The server gave a video address that is not a web address, "
                  "so it was not downloaded.");
      sd_task_set_download_state (task, SD_DOWNLOAD_STATE_FAILED);
      sd_task_set_download_error (task, message);
      save_task (self, task);
      g_set_error_literal (error, SD_DOWNLOAD_ERROR, SD_DOWNLOAD_ERROR_UNSAFE_URL, message);
      return FALSE;
    }

  /* Clocks disagree and created_at comes from the server: a link that looks
   * expired is still tried, once, before the user is told. */
  if (link_has_expired (task))
    g_debug ("Task %s: the link looks expired (since %" G_GINT64_FORMAT "); trying it once",
             sd_task_get_id (task), sd_task_get_expires_at (task));
  return TRUE;
}

static const char *
expired_message (void)
{
  return _("The provider keeps videos for three days. This link has "
           "expired, so the video can no longer be downloaded.");
}

static void
download_free (Download *download)
{
  if (download->caller_cancellable != NULL)
    g_cancellable_disconnect (download->caller_cancellable, download->cancel_id);
  g_clear_object (&download->caller_cancellable);
  g_clear_object (&download->caller);
  g_object_unref (download->task);
  g_object_unref (download->cancellable);
  g_free (download->directory);
  g_free (download);
}

static void
on_caller_cancelled_cb (GCancellable *caller_cancellable,
                        GCancellable *cancellable)
{
  g_cancellable_cancel (cancellable);
}

static Download *
download_new (SdService    *self,
              SdTask       *task,
              const char   *directory,
              GCancellable *caller_cancellable,
              GTask        *caller)
{
  Download *download = g_new0 (Download, 1);

  download->self = self;
  download->task = g_object_ref (task);
  download->directory = directory != NULL ? g_strdup (directory) : default_download_dir (self);
  download->cancellable = g_cancellable_new ();
  download->caller = caller != NULL ? g_object_ref (caller) : NULL;
  if (caller_cancellable != NULL)
    {
      download->caller_cancellable = g_object_ref (caller_cancellable);
      download->cancel_id = g_cancellable_connect (caller_cancellable,
                                                   G_CALLBACK (on_caller_cancelled_cb),
                                                   g_object_ref (download->cancellable),
                                                   g_object_unref);
    }
  return download;
}

static void
download_return_cancelled (Download *download)
{
  if (download->caller != NULL)
    g_task_return_new_error (download->caller, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                             _("The download was stopped."));
}

/* The service lets go of a download it no longer wants (removal, end). */
static void
detach_download (SdService *self,
                 Download  *download)
{
  GList *link = g_queue_find (&self->download_queue, download);

  g_hash_table_remove (self->downloads, sd_task_get_id (download->task));
  if (link != NULL)
    {
      g_queue_delete_link (&self->download_queue, link);
      download_return_cancelled (download);
      download_free (download);
      return;
    }

  self->downloads_running--;
  download->self = NULL;
  g_cancellable_cancel (download->cancellable);
}

static void
on_download_progress_cb (guint64  received,
                         guint64  total,
                         gpointer user_data)
{
  Download *download = user_data;
  gint64 now = g_get_monotonic_time ();
  double fraction;

  if (download->self == NULL || total == 0)
    return;

  fraction = (double) received / (double) total;
  if (fraction < 1.0 && now - download->last_tick < PROGRESS_TICK_US)
    return;
  download->last_tick = now;
  sd_task_set_download_progress (download->task, fraction);
  g_signal_emit (download->self, signals[DOWNLOAD_PROGRESS], 0, download->task,
                 sd_task_get_download_progress (download->task));
}

static void start_next_download (SdService *self);

static void
finish_download (SdService  *self,
                 Download   *download,
                 char       *path,
                 GError     *error)
{
  SdTask *task = download->task;

  g_object_freeze_notify (G_OBJECT (task));
  if (path != NULL)
    {
      sd_task_set_local_file (task, path);
      sd_task_set_download_progress (task, 1.0);
      sd_task_set_download_state (task, SD_DOWNLOAD_STATE_DONE);
      sd_task_set_download_error (task, NULL);
    }
  else if (link_has_expired (task) && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* Tried once past its expiry, and it failed: now the user is told. */
      g_debug ("Task %s: the expired link failed (%s)", sd_task_get_id (task), error->message);
      sd_task_set_download_state (task, SD_DOWNLOAD_STATE_EXPIRED);
      sd_task_set_download_error (task, expired_message ());
    }
  else
    {
      sd_task_set_download_state (task, SD_DOWNLOAD_STATE_FAILED);
      sd_task_set_download_error (task, error->message);
    }
  g_object_thaw_notify (G_OBJECT (task));
  save_task (self, task);

  if (download->caller != NULL && path != NULL)
    g_task_return_pointer (download->caller, g_strdup (path), g_free);
  else if (download->caller != NULL && sd_task_get_download_state (task) == SD_DOWNLOAD_STATE_EXPIRED)
    g_task_return_new_error (download->caller, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                             "%s", expired_message ());
  else if (download->caller != NULL)
    g_task_return_error (download->caller, g_error_copy (error));
}

static void
on_download_finished_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  Download *download = user_data;
  SdService *self = download->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  path = sd_download_file_finish (result, &error);
  if (self == NULL)
    {
      download_return_cancelled (download);
      download_free (download);
      return;
    }

  g_hash_table_remove (self->downloads, sd_task_get_id (download->task));
  self->downloads_running--;
  finish_download (self, download, path, error);
  download_free (download);
  start_next_download (self);
}

static void
start_download (SdService *self,
                Download  *download)
{
  SdTask *task = download->task;
  SdRequest *request = sd_task_get_request (task);
  g_autofree char *basename = NULL;
  g_autofree char *owner = NULL;
  const char *base_url;

  basename = sd_download_make_basename (request != NULL ? sd_request_get_prompt (request) : NULL,
                                        sd_task_get_id (task), ".mp4");
  /* The .part belongs to this task of this server alone (no server while
   * the configured address is refused: a .part of that task is not reused). */
  base_url = sd_client_get_base_url (self->client);
  owner = g_strconcat (base_url != NULL ? base_url : "", "\n", sd_task_get_id (task), NULL);
  self->downloads_running++;
  sd_task_set_download_progress (task, 0.0);
  sd_task_set_download_state (task, SD_DOWNLOAD_STATE_RUNNING);
  sd_download_file_async (sd_client_get_session (self->client),
                          sd_task_get_video_url (task),
                          download->directory, basename, owner,
                          on_download_progress_cb, download, NULL,
                          download->cancellable,
                          on_download_finished_cb, download);
}

static void
start_next_download (SdService *self)
{
  while (self->downloads_running < MAX_DOWNLOADS &&
         !g_queue_is_empty (&self->download_queue))
    start_download (self, g_queue_pop_head (&self->download_queue));
}

static void
queue_download (SdService *self,
                Download  *download)
{
  g_hash_table_insert (self->downloads, g_strdup (sd_task_get_id (download->task)), download);
  sd_task_set_download_state (download->task, SD_DOWNLOAD_STATE_QUEUED);
  sd_task_set_download_error (download->task, NULL);
  g_queue_push_tail (&self->download_queue, download);
  start_next_download (self);
}

static void
maybe_auto_download (SdService *self,
                     SdTask    *task)
{
  g_autoptr(GError) error = NULL;

  if (!auto_download_enabled (self) || sd_task_get_local_file (task) != NULL)
    return;
  /* An expired link is tried once; after that only by hand. */
  if (sd_task_get_download_state (task) == SD_DOWNLOAD_STATE_EXPIRED)
    return;
  if (g_hash_table_contains (self->downloads, sd_task_get_id (task)))
    return;
  if (!check_downloadable (self, task, &error))
    {
      g_debug ("Not downloading task %s: %s", sd_task_get_id (task), error->message);
      return;
    }
  queue_download (self, download_new (self, task, NULL, NULL, NULL));
}

/* The list of tasks. */

static gboolean
property_is_stored (GParamSpec *pspec)
{
  return g_strcmp0 (pspec->name, "download-progress") != 0 &&
         g_strcmp0 (pspec->name, "expires-at") != 0 &&
         g_strcmp0 (pspec->name, "is-finished") != 0;
}

static void
on_task_notify_cb (SdTask     *task,
                   GParamSpec *pspec,
                   SdService  *self)
{
  if (g_strcmp0 (pspec->name, "download-progress") == 0)
    return;
  if (property_is_stored (pspec))
    self->change_serial++;
  g_signal_emit (self, signals[TASK_CHANGED], 0, task);
}

static void
track_task (SdService *self,
            SdTask    *task)
{
  g_hash_table_insert (self->tasks_by_id, g_strdup (sd_task_get_id (task)), task);
  g_signal_connect_object (task, "notify", G_CALLBACK (on_task_notify_cb), self, 0);
}

static void
untrack_task (SdService *self,
              SdTask    *task)
{
  Download *download = g_hash_table_lookup (self->downloads, sd_task_get_id (task));

  if (download != NULL)
    {
      detach_download (self, download);
      start_next_download (self);
    }
  unschedule_poll (self, task);
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

static SdTask *
lookup_loaded (SdService  *self,
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

      if (lookup_loaded (self, sd_task_get_id (task)) != NULL)
        continue;
      position = position_after_created_at (self, sd_task_get_created_at (task));
      g_ptr_array_add (added, task);
      g_array_append_val (positions, position);
    }
  for (guint i = 0; i < added->len; i++)
    track_task (self, g_ptr_array_index (added, i));

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

static void
set_has_more (SdService *self,
              gboolean   has_more)
{
  if (self->has_more == has_more)
    return;
  self->has_more = has_more;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_MORE]);
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
  set_has_more (self, more);
  return TRUE;
}

/* Picks up a task loaded from the history: asks the server about an
 * unfinished one, saves a video an interrupted run did not get to. */
static void
resume_task (SdService *self,
             SdTask    *task)
{
  SdDownloadState state = sd_task_get_download_state (task);

  if (!sd_task_get_is_finished (task))
    {
      schedule_poll (self, task, 0);
      return;
    }
  if (sd_task_get_status (task) != SD_TASK_STATUS_COMPLETED ||
      sd_task_get_local_file (task) != NULL)
    return;
  if (state != SD_DOWNLOAD_STATE_NONE && state != SD_DOWNLOAD_STATE_QUEUED &&
      state != SD_DOWNLOAD_STATE_RUNNING)
    return;

  if (state != SD_DOWNLOAD_STATE_NONE && !auto_download_enabled (self))
    {
      sd_task_set_download_state (task, SD_DOWNLOAD_STATE_NONE);
      save_task (self, task);
    }
  maybe_auto_download (self, task);
}

static void
stop_everything (SdService *self)
{
  g_autoptr(GList) downloads = g_hash_table_get_values (self->downloads);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_hash_table_remove_all (self->polls);
  set_queries_in_flight (self, 0);

  for (GList *l = downloads; l != NULL; l = l->next)
    detach_download (self, l->data);
}

static void
clear_tasks (SdService *self)
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
  set_has_more (self, FALSE);
}

/* The network. */

/* A loopback API (a local server, the simulator) is always reachable,
 * whatever the network monitor says about the rest of the world. */
static void
follow_network (SdService *self)
{
  if (self->monitor == NULL)
    return;
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

/* GObject. */

static void
sd_service_constructed (GObject *object)
{
  SdService *self = SD_SERVICE (object);

  G_OBJECT_CLASS (sd_service_parent_class)->constructed (object);

  g_assert (self->client != NULL);
  g_assert (self->store != NULL);
  g_assert (self->catalog != NULL);

  self->timer = g_source_new (&schedule_source_funcs, sizeof (GSource));
  g_source_set_callback (self->timer, on_schedule_due_cb, self, NULL);
  g_source_set_name (self->timer, "[sd-service] schedule");
  g_source_attach (self->timer, g_main_context_get_thread_default ());

  g_signal_connect_object (self->client, "notify::base-url",
                           G_CALLBACK (follow_network), self, G_CONNECT_SWAPPED);
  sd_service_set_network_monitor (self, g_network_monitor_get_default ());
}

static void
sd_service_dispose (GObject *object)
{
  SdService *self = SD_SERVICE (object);

  if (self->timer != NULL)
    {
      g_source_destroy (self->timer);
      g_clear_pointer (&self->timer, g_source_unref);
    }
  sd_service_set_network_monitor (self, NULL);
  if (self->tasks != NULL)
    clear_tasks (self);
  g_cancellable_cancel (self->cancellable);

  g_clear_object (&self->tasks);
  g_clear_object (&self->client);
  g_clear_object (&self->store);
  g_clear_object (&self->catalog);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (sd_service_parent_class)->dispose (object);
}

static void
sd_service_finalize (GObject *object)
{
  SdService *self = SD_SERVICE (object);

  g_clear_pointer (&self->tasks_by_id, g_hash_table_unref);
  g_clear_pointer (&self->polls, g_hash_table_unref);
  g_clear_pointer (&self->schedule, g_sequence_free);
  g_clear_pointer (&self->downloads, g_hash_table_unref);
  g_clear_object (&self->cancellable);
  g_free (self->last_error);

  G_OBJECT_CLASS (sd_service_parent_class)->finalize (object);
}

static void
sd_service_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  SdService *self = SD_SERVICE (object);

  switch (prop_id)
    {
    case PROP_CLIENT:            g_value_set_object (value, self->client); break;
    case PROP_STORE:             g_value_set_object (value, self->store); break;
    case PROP_CATALOG:           g_value_set_object (value, self->catalog); break;
    case PROP_SETTINGS:          g_value_set_object (value, self->settings); break;
    case PROP_ONLINE:            g_value_set_boolean (value, self->online); break;
    case PROP_LAST_ERROR:        g_value_set_string (value, self->last_error); break;
    case PROP_FIRST_POLL_DELAY:  g_value_set_uint (value, self->first_poll_delay); break;
    case PROP_MAX_POLL_INTERVAL: g_value_set_uint (value, self->max_poll_interval); break;
    case PROP_MAX_QUERIES:       g_value_set_uint (value, self->max_queries); break;
    case PROP_NOT_FOUND_LIMIT:   g_value_set_uint (value, self->not_found_limit); break;
    case PROP_QUERIES_IN_FLIGHT: g_value_set_uint (value, self->queries_in_flight); break;
    case PROP_HAS_MORE:          g_value_set_boolean (value, self->has_more); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
set_uint_prop (SdService *self,
               guint     *field,
               guint      value,
               int        prop)
{
  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
  arm_schedule (self);
}

static void
sd_service_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  SdService *self = SD_SERVICE (object);

  switch (prop_id)
    {
    case PROP_CLIENT:   self->client = g_value_dup_object (value); break;
    case PROP_STORE:    self->store = g_value_dup_object (value); break;
    case PROP_CATALOG:  self->catalog = g_value_dup_object (value); break;
    case PROP_SETTINGS: self->settings = g_value_dup_object (value); break;
    case PROP_ONLINE:   sd_service_set_online (self, g_value_get_boolean (value)); break;
    case PROP_FIRST_POLL_DELAY:
      set_uint_prop (self, &self->first_poll_delay, g_value_get_uint (value), prop_id);
      break;
    case PROP_MAX_POLL_INTERVAL:
      set_uint_prop (self, &self->max_poll_interval, g_value_get_uint (value), prop_id);
      break;
    case PROP_NOT_FOUND_LIMIT:
      set_uint_prop (self, &self->not_found_limit, g_value_get_uint (value), prop_id);
      break;
    case PROP_MAX_QUERIES:
      set_uint_prop (self, &self->max_queries, g_value_get_uint (value), prop_id);
      break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static GParamSpec *
object_param (const char *name,
              GType       type)
{
  return g_param_spec_object (name, NULL, NULL, type,
                              G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
}

static GParamSpec *
uint_param (const char *name,
            guint       minimum,
            guint       maximum,
            guint       default_value)
{
  return g_param_spec_uint (name, NULL, NULL, minimum, maximum, default_value,
                            G_PARAM_READWRITE | G_PARAM_CONSTRUCT |
                            G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
}

static void
sd_service_class_init (SdServiceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = sd_service_constructed;
  object_class->dispose = sd_service_dispose;
  object_class->finalize = sd_service_finalize;
  object_class->get_property = sd_service_get_property;
  object_class->set_property = sd_service_set_property;

  properties[PROP_CLIENT] = object_param ("client", SD_TYPE_CLIENT);
  properties[PROP_STORE] = object_param ("store", SD_TYPE_STORE);
  properties[PROP_CATALOG] = object_param ("catalog", SD_TYPE_CATALOG);
  properties[PROP_SETTINGS] = object_param ("settings", G_TYPE_SETTINGS);
  properties[PROP_ONLINE] =
    g_param_spec_boolean ("online", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAST_ERROR] =
    g_param_spec_string ("last-error", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FIRST_POLL_DELAY] =
    uint_param ("first-poll-delay", 0, G_MAXINT, DEFAULT_FIRST_POLL_DELAY);
  properties[PROP_MAX_POLL_INTERVAL] =
    uint_param ("max-poll-interval", 1, G_MAXINT, DEFAULT_MAX_POLL_INTERVAL);
  properties[PROP_MAX_QUERIES] = uint_param ("max-queries", 1, 64, DEFAULT_MAX_QUERIES);
  properties[PROP_NOT_FOUND_LIMIT] =
    uint_param ("not-found-limit", 0, G_MAXUINT, DEFAULT_NOT_FOUND_LIMIT);
  properties[PROP_QUERIES_IN_FLIGHT] =
    g_param_spec_uint ("queries-in-flight", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HAS_MORE] =
    g_param_spec_boolean ("has-more", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[TASK_ADDED] =
    g_signal_new ("task-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, SD_TYPE_TASK);
  signals[TASK_CHANGED] =
    g_signal_new ("task-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, SD_TYPE_TASK);
  signals[TASK_COMPLETED] =
    g_signal_new ("task-completed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, SD_TYPE_TASK);
  signals[TASK_FAILED] =
    g_signal_new ("task-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, SD_TYPE_TASK);
  signals[DOWNLOAD_PROGRESS] =
    g_signal_new ("download-progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, SD_TYPE_TASK, G_TYPE_DOUBLE);
  signals[POLL_ERROR] =
    g_signal_new ("poll-error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, SD_TYPE_TASK, G_TYPE_ERROR);
}

static void
sd_service_init (SdService *self)
{
  self->tasks = g_list_store_new (SD_TYPE_TASK);
  self->tasks_by_id = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->cursor = (SdStoreCursor) SD_STORE_CURSOR_INIT;
  self->polls = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) poll_free);
  self->schedule = g_sequence_new (NULL);
  self->downloads = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_queue_init (&self->download_queue);
  self->cancellable = g_cancellable_new ();
  self->online = TRUE;
}

/**
 * sd_service_new:
 * @client: the API client
 * @store: the history
 * @catalog: the models requests are checked against
 * @settings: (nullable): the app's settings; %NULL for the defaults
 *
 * Returns: (transfer full): a new service with an empty list; call
 *   sd_service_load_history() to fill it.
 */
SdService *
sd_service_new (SdClient  *client,
                SdStore   *store,
                SdCatalog *catalog,
                GSettings *settings)
{
  g_return_val_if_fail (SD_IS_CLIENT (client), NULL);
  g_return_val_if_fail (SD_IS_STORE (store), NULL);
  g_return_val_if_fail (SD_IS_CATALOG (catalog), NULL);
  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), NULL);

  return g_object_new (SD_TYPE_SERVICE,
                       "client", client,
                       "store", store,
                       "catalog", catalog,
                       "settings", settings,
                       NULL);
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

  loaded = lookup_loaded (self, task_id);
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
  return lookup_loaded (self, task_id);
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

  clear_tasks (self);
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
          set_has_more (self, FALSE);
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

/**
 * sd_service_set_store:
 * @store: the history to use from now on
 *
 * Stops every query and download and empties the list.
 */
void
sd_service_set_store (SdService *self,
                      SdStore   *store)
{
  g_return_if_fail (SD_IS_SERVICE (self));
  g_return_if_fail (SD_IS_STORE (store));

  clear_tasks (self);
  if (g_set_object (&self->store, store))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

gboolean
sd_service_get_online (SdService *self)
{
  g_return_val_if_fail (SD_IS_SERVICE (self), FALSE);

  return self->online;
}

/**
 * sd_service_set_online:
 * @online: whether the API can be reached
 *
 * While offline, no query is started; the schedule picks up where it was.
 */
void
sd_service_set_online (SdService *self,
                       gboolean   online)
{
  g_return_if_fail (SD_IS_SERVICE (self));

  online = !!online;
  if (self->online == online)
    return;
  self->online = online;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ONLINE]);
  arm_schedule (self);
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

/**
 * sd_service_get_last_error:
 *
 * Returns: (nullable): why checking on tasks is paused, a sentence for the user
 */
const char *
sd_service_get_last_error (SdService *self)
{
  g_return_val_if_fail (SD_IS_SERVICE (self), NULL);

  return self->last_error;
}

/**
 * sd_service_resume:
 *
 * Resumes polling after a refused token or address, once the user changed it.
 */
void
sd_service_resume (SdService *self)
{
  g_return_if_fail (SD_IS_SERVICE (self));

  self->paused = FALSE;
  set_last_error (self, NULL);
  arm_schedule (self);
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

/* Submitting. */

static gboolean
validate_request (SdService  *self,
                  SdRequest  *request,
                  GError    **error)
{
  SdModel *model = sd_catalog_lookup (self->catalog, sd_request_get_model (request));
  g_autoptr(GPtrArray) problems = sd_request_validate (request, model);
  g_autoptr(GString) message = NULL;

  if (problems->len == 0)
    return TRUE;

  message = g_string_new (NULL);
  for (guint i = 0; i < problems->len; i++)
    {
      SdProblem *problem = g_ptr_array_index (problems, i);

      if (i > 0)
        g_string_append_c (message, '\n');
      g_string_append (message, problem->message);
    }
  g_propagate_error (error, sd_api_error_new_full (SD_API_ERROR_INVALID_REQUEST,
                                                   0, -1, NULL, NULL, message->str));
  return FALSE;
}

/* What a submit carries from the send to the answer. */
typedef struct
{
  SdRequest *request;
  char      *local_id;   /* the pending row's id, NULL when none was written */
  GError    *not_saved;  /* the created task could not be written */
} Submit;

static void
submit_free (Submit *submit)
{
  g_clear_object (&submit->request);
  g_free (submit->local_id);
  g_clear_error (&submit->not_saved);
  g_free (submit);
}

/* The pending row written before a create is sent: if the process ends
 * before the answer, the history still says the task may exist. */
static SdTask *
intent_task_new (SdRequest *request)
{
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *id = g_strconcat (SD_TASK_UNCERTAIN_ID_PREFIX, uuid, NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *when = g_date_time_format (now, "%Y-%m-%d %H:%M:%S");
  g_autofree char *message = NULL;
  SdTask *task = sd_task_new (id, request);

  /* Translators: %s is a date and time. */
  message = g_strdup_printf (_("This request was being sent at %s and no answer was "
                               "received: the task may or may not have been created. "
                               "Look in the provider’s console before sending it again."),
                             when);
  sd_task_set_status (task, SD_TASK_STATUS_UNCERTAIN, NULL);
  sd_task_set_failure_message (task, message);
  sd_task_set_created_at (task, now_unix ());
  sd_task_set_updated_at (task, now_unix ());
  return task;
}

static char *
record_intent (SdService *self,
               SdRequest *request)
{
  g_autoptr(SdTask) intent = intent_task_new (request);
  g_autoptr(GError) error = NULL;

  if (!sd_store_save_task (self->store, intent, &error))
    {
      /* The answer is still kept, by the journal if need be. */
      g_message ("Could not note the request before sending it: %s", error->message);
      return NULL;
    }
  g_debug ("Pending create noted as %s", sd_task_get_id (intent));
  return g_strdup (sd_task_get_id (intent));
}

/* An error that proves the server created nothing ends the pending row;
 * a cancel leaves it saying the task may exist. */
static void
settle_intent (SdService    *self,
               Submit       *submit,
               const GError *error)
{
  g_autoptr(GError) local_error = NULL;

  if (submit->local_id == NULL ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (!sd_store_delete_task (self->store, submit->local_id, &local_error))
    g_message ("Could not remove pending create %s: %s", submit->local_id, local_error->message);
}

/* Writes the acknowledged @task to the history (over its pending row);
 * when it cannot, keeps it in the journal and says so in @submit. */
static void
keep_created_task (SdService *self,
                   Submit    *submit,
                   SdTask    *task)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) journal_error = NULL;
  g_autofree char *journal = NULL;
  gboolean saved;

  if (submit->local_id != NULL)
    saved = sd_store_replace_task (self->store, submit->local_id, task, &error);
  else
    saved = sd_store_save_task (self->store, task, &error);
  if (saved)
    return;

  journal = sd_store_get_journal_path (self->store);
  if (sd_store_journal_task (self->store, task, submit->local_id, &journal_error))
    submit->not_saved =
      g_error_new (SD_STORE_ERROR, error->code,
                   /* Translators: the first and last %s are a task ID, the second
                    * why the history could not be written, the third a file. */
                   _("Task %s was created by the provider, but it is not in the task "
                     "history: %s. Its ID was kept in “%s” and is added to the history "
                     "when Seedance Studio or seedance next starts; then “seedance wait %s” "
                     "finds it."),
                   sd_task_get_id (task), error->message, journal, sd_task_get_id (task));
  else
    submit->not_saved =
      g_error_new (SD_STORE_ERROR, error->code,
                   _("Task %s was created by the provider, but neither the task history "
                     "nor the journal could be written (%s; %s). Keep the task ID %s: "
                     "it is not in the history."),
                   sd_task_get_id (task), error->message, journal_error->message,
                   sd_task_get_id (task));
  g_debug ("%s", submit->not_saved->message);
}

static SdTask *
task_from_create_result (SdRequest         *request,
                         SdApiCreateResult *result)
{
  SdTask *task = sd_task_new (result->task_id, request);
  gint64 created_at = result->created_at > 0 ? result->created_at : now_unix ();

  sd_task_set_status (task, result->status, result->status_raw);
  sd_task_set_server_model (task, result->model);
  sd_task_set_created_at (task, created_at);
  sd_task_set_first_seen_at (task, now_unix ());
  sd_task_set_updated_at (task, created_at);
  return task;
}

static void
add_new_task (SdService *self,
              SdTask    *task)
{
  track_task (self, task);
  g_list_store_insert (self->tasks, 0, task);
  g_signal_emit (self, signals[TASK_ADDED], 0, task);
}

/* A create that may have made its task is kept in the history as
 * uncertain, with why, so that the user looks there (or in the provider's
 * console) before sending it again. It has no server id: its id is local
 * (the pending row's, which it takes over), and it is never polled. The
 * create is never sent again by the service. */
static void
record_uncertain_create (SdService    *self,
                         Submit       *submit,
                         const GError *error)
{
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *id = submit->local_id != NULL
                          ? g_strdup (submit->local_id)
                          : g_strconcat (SD_TASK_UNCERTAIN_ID_PREFIX, uuid, NULL);
  g_autoptr(SdTask) task = sd_task_new (id, submit->request);
  g_autoptr(GError) store_error = NULL;
  gint64 now = now_unix ();

  g_debug ("create outcome unknown; kept as %s", id);
  sd_task_set_status (task, SD_TASK_STATUS_UNCERTAIN, NULL);
  sd_task_set_failure_message (task, error->message);
  sd_task_set_created_at (task, now);
  sd_task_set_updated_at (task, now);
  if (!sd_store_save_task (self->store, task, &store_error))
    g_warning ("Could not save uncertain task %s: %s", id, store_error->message);
  add_new_task (self, task);
}

static void
on_create_finished_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) gtask = user_data;
  SdService *self = g_task_get_source_object (gtask);
  Submit *submit = g_task_get_task_data (gtask);
  g_autoptr(SdApiCreateResult) created = NULL;
  g_autoptr(SdTask) task = NULL;
  g_autoptr(GError) error = NULL;

  created = sd_client_create_finish (SD_CLIENT (source), result, &error);
  if (created == NULL)
    {
      if (g_error_matches (error, SD_API_ERROR, SD_API_ERROR_OUTCOME_UNKNOWN))
        record_uncertain_create (self, submit, error);
      else
        settle_intent (self, submit, error);
      g_task_return_error (gtask, g_steal_pointer (&error));
      return;
    }

  task = task_from_create_result (submit->request, created);
  /* Saved before anything else: a task the server acknowledged must survive
   * a crash, or it would be paid for and lost. */
  keep_created_task (self, submit, task);

  if (self->paused && sd_client_has_token (self->client))
    sd_service_resume (self);
  add_new_task (self, task);
  if (!sd_task_get_is_finished (task))
    schedule_poll (self, task, self->first_poll_delay);
  g_task_return_pointer (gtask, g_steal_pointer (&task), g_object_unref);
}

/**
 * sd_service_submit_async:
 * @request: what to generate; a copy is taken
 *
 * A request with problems fails with %SD_API_ERROR_INVALID_REQUEST, every
 * problem in the message, and nothing is sent. A create is never retried:
 * %SD_API_ERROR_OUTCOME_UNKNOWN means the task may exist on the server, and
 * the list and the history then hold an %SD_TASK_STATUS_UNCERTAIN task
 * (a local id starting with %SD_TASK_UNCERTAIN_ID_PREFIX) that says so.
 */
void
sd_service_submit_async (SdService           *self,
                         SdRequest           *request,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  Submit *submit;

  g_return_if_fail (SD_IS_SERVICE (self));
  g_return_if_fail (SD_IS_REQUEST (request));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sd_service_submit_async);
  submit = g_new0 (Submit, 1);
  submit->request = sd_request_copy (request);
  g_task_set_task_data (task, submit, (GDestroyNotify) submit_free);

  if (!validate_request (self, submit->request, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  submit->local_id = record_intent (self, submit->request);
  sd_client_create_async (self->client, submit->request, cancellable,
                          on_create_finished_cb, g_steal_pointer (&task));
}

/**
 * sd_service_submit_finish:
 *
 * A task the server created that the history could not take is in the list
 * (and in the journal), but this fails with the %SD_STORE_ERROR that says so,
 * its ID in the message; sd_service_submit_finish_full() gives both.
 *
 * Returns: (transfer full): the new task, already in the list and the history
 */
SdTask *
sd_service_submit_finish (SdService     *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_autoptr(GError) not_saved = NULL;
  g_autoptr(SdTask) task = NULL;

  task = sd_service_submit_finish_full (self, result, &not_saved, error);
  if (not_saved == NULL)
    return g_steal_pointer (&task);
  g_propagate_error (error, g_steal_pointer (&not_saved));
  return NULL;
}

/**
 * sd_service_submit_finish_full:
 * @not_saved: (out) (optional) (nullable): set when the task was created
 *   but could not be written to the history (it is in the list and in the
 *   journal, replayed at the next start)
 *
 * Returns: (transfer full) (nullable): the new task, or %NULL with @error
 *   when the server did not create one
 */
SdTask *
sd_service_submit_finish_full (SdService     *self,
                               GAsyncResult  *result,
                               GError       **not_saved,
                               GError       **error)
{
  Submit *submit;
  SdTask *task;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  submit = g_task_get_task_data (G_TASK (result));
  task = g_task_propagate_pointer (G_TASK (result), error);
  if (task != NULL && submit->not_saved != NULL && not_saved != NULL)
    *not_saved = g_error_copy (submit->not_saved);
  return task;
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

  if (lookup_loaded (self, sd_task_get_id (task)) == task)
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
  if (sd_task_get_status (task) == SD_TASK_STATUS_UNCERTAIN)
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

/* Downloading by hand. */

/**
 * sd_service_download_async:
 * @task: a completed task
 * @directory: (nullable): where to save; %NULL for the download-dir setting
 *
 * Saves the video again, even when a local copy exists. A link that expired
 * or an address that is not http(s) fails without any transfer.
 */
void
sd_service_download_async (SdService           *self,
                           SdTask              *task,
                           const char          *directory,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) gtask = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (SD_IS_SERVICE (self));
  g_return_if_fail (SD_IS_TASK (task));

  gtask = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (gtask, sd_service_download_async);

  if (lookup_loaded (self, sd_task_get_id (task)) != task)
    {
      g_task_return_new_error (gtask, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               _("This task is not in the list."));
      return;
    }
  if (g_hash_table_contains (self->downloads, sd_task_get_id (task)))
    {
      g_task_return_new_error (gtask, G_IO_ERROR, G_IO_ERROR_PENDING,
                               _("This video is already being downloaded."));
      return;
    }
  if (!check_downloadable (self, task, &error))
    {
      g_task_return_error (gtask, g_steal_pointer (&error));
      return;
    }

  queue_download (self, download_new (self, task, directory, cancellable, gtask));
}

/**
 * sd_service_download_finish:
 *
 * Returns: (transfer full): the path of the saved file
 */
char *
sd_service_download_finish (SdService     *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
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

  if (lookup_loaded (self, sd_task_get_id (task)) != NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                           _("This task is already in the list."));
      return FALSE;
    }
  if (!sd_store_save_task (self->store, task, error))
    return FALSE;

  track_task (self, task);
  g_list_store_insert (self->tasks,
                       position_for_created_at (self, sd_task_get_created_at (task)),
                       task);
  resume_task (self, task);
  return TRUE;
}

/* sd-download.c: saving a finished video to disk
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-download"

#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gunixoutputstream.h>
#include <glib/gi18n.h>

#include "sd-download.h"
#include "sd-download-private.h"
#include "sd-download-test.h"

G_DEFINE_QUARK (sd-download-error-quark, sd_download_error)

/* Bounded so that a 1 GiB video never sits in memory. */
#define READ_BUFFER_SIZE      (256 * 1024)
#define PROGRESS_INTERVAL_US  (G_USEC_PER_SEC / 10)
#define META_SUFFIX           ".meta"
#define LOCK_POLL_MS          100

static guint retry_max = SD_DOWNLOAD_DEFAULT_RETRIES;
static guint retry_first_delay_ms = SD_DOWNLOAD_DEFAULT_FIRST_DELAY_MS;

void
sd_download_set_retry_policy (guint max_retries,
                              guint first_delay_ms)
{
  retry_max = max_retries;
  retry_first_delay_ms = first_delay_ms;
}

/* The download itself
 *
 * The .part belongs to one task (its name hashes the caller's owner key)
 * and to one writer at a time: it is opened without following links and
 * held under an exclusive lock (flock, so two downloads in one process
 * exclude each other too) from before the first request until the finished
 * file has its final name. A second saver of the same task waits for the
 * lock; if the first one finished meanwhile, the second reports the same
 * file. A resume only continues bytes it can prove are the same file: the
 * ETag or Last-Modified of the first answer is kept beside the .part and
 * sent as If-Range. */

static void end_turn (Download *self);

static void
download_free (Download *self)
{
  end_turn (self);
  g_clear_object (&self->session);
  g_clear_pointer (&self->uri, g_uri_unref);
  g_free (self->directory);
  g_free (self->basename);
  g_free (self->part_path);
  g_free (self->meta_path);
  if (self->progress_destroy != NULL)
    self->progress_destroy (self->progress_data);
  g_clear_object (&self->message);
  g_clear_object (&self->body);
  if (self->output != NULL)
    g_clear_object (&self->output);
  else if (self->fd >= 0)
    close (self->fd);
  g_free (self->buffer);
  g_free (self->validator);
  g_free (self->final_path);
  g_clear_error (&self->error);
  g_free (self);
}

static void attempt (GTask *task);
static void pump (GTask *task);
static void prepare_part (GTask *task);

static gboolean
is_allowed_uri (GUri *uri)
{
  const char *scheme = g_uri_get_scheme (uri);
  const char *host = g_uri_get_host (uri);

  /* Plain http stays allowed: no credential is ever sent with a download,
   * and the simulator and some mirrors serve over http. Anything else
   * (file, ftp, data, javascript...) could read or leak local data. */
  return (g_ascii_strcasecmp (scheme, "https") == 0 ||
          g_ascii_strcasecmp (scheme, "http") == 0) &&
         host != NULL && *host != '\0';
}

static GUri *
parse_download_uri (const char  *url,
                    GError     **error)
{
  g_autoptr(GUri) uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL);

  if (uri == NULL || !is_allowed_uri (uri))
    {
      g_set_error (error, SD_DOWNLOAD_ERROR, SD_DOWNLOAD_ERROR_UNSAFE_URL,
                   _("The video address is not a web address (http or https), "
                     "so it was not opened."));
      return NULL;
    }
  return g_steal_pointer (&uri);
}

static void
report_progress (Download *self,
                 gboolean  force)
{
  gint64 now = g_get_monotonic_time ();

  if (self->progress == NULL)
    return;
  if (!force && now - self->last_progress_time < PROGRESS_INTERVAL_US)
    return;
  self->last_progress_time = now;
  self->progress (self->received, self->total, self->progress_data);
}

/* Failing */

static void
on_output_closed_then_return_cb (GObject      *source,
                                 GAsyncResult *result,
                                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Download *self = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!g_output_stream_close_finish (G_OUTPUT_STREAM (source), result, &error) &&
      self->error == NULL)
    g_debug ("Closing %s failed: %s", self->part_path, error->message);
  self->fd = -1;

  if (self->error != NULL)
    g_task_return_error (task, g_steal_pointer (&self->error));
  else
    g_task_return_pointer (task, g_steal_pointer (&self->final_path), g_free);
}

/* Every end comes here: the .part is closed, which releases the lock, before
 * the task returns @error, or final_path when @error is %NULL. */
static void
finish (GTask  *task,
        GError *error)
{
  Download *self = g_task_get_task_data (task);

  end_turn (self);
  g_clear_object (&self->body);
  g_clear_error (&self->error);
  self->error = error;
  if (error != NULL)
    _sd_download_discard_empty_part (self);

  if (self->output == NULL || g_output_stream_is_closed (self->output))
    {
      if (self->output == NULL && self->fd >= 0)
        close (self->fd);
      self->fd = -1;
      if (self->error != NULL)
        g_task_return_error (task, g_steal_pointer (&self->error));
      else
        g_task_return_pointer (task, g_steal_pointer (&self->final_path), g_free);
      g_object_unref (task);
      return;
    }
  g_output_stream_close_async (self->output, G_PRIORITY_DEFAULT, NULL,
                               on_output_closed_then_return_cb, task);
}

static void
fail (GTask  *task,
      GError *error)
{
  finish (task, error);
}

static void
fail_with_file_error (GTask  *task,
                      GError *error)
{
  Download *self = g_task_get_task_data (task);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      error->domain == SD_DOWNLOAD_ERROR)
    {
      fail (task, error);
      return;
    }
  fail (task, _sd_download_write_error_new (self->directory, error->message));
  g_error_free (error);
}

static gboolean
is_transient_error (const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return FALSE;
  /* Closed or reset connections, partial bodies, timeouts, refusals. */
  return error->domain == G_IO_ERROR ||
         g_error_matches (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_TEMPORARY_FAILURE);
}

static GError *
incomplete_error (const GError *cause)
{
  return g_error_new (SD_DOWNLOAD_ERROR, SD_DOWNLOAD_ERROR_INCOMPLETE,
                      /* Translators: %s is a network error */
                      _("The video could not be downloaded completely (%s). "
                        "Check the connection and download it again."),
                      cause->message);
}

/* Waiting: for a retry, or for another saver's lock */

typedef struct
{
  GTask  *task;
  void  (*next) (GTask *task);
} Wait;

static gboolean
on_wait_over_cb (gpointer user_data)
{
  Wait *wait = user_data;
  GError *error = NULL;

  if (g_cancellable_set_error_if_cancelled (g_task_get_cancellable (wait->task), &error))
    fail (wait->task, error);
  else
    wait->next (wait->task);
  return G_SOURCE_REMOVE;
}

/* Calls @next after @delay_ms, or fails the download as soon as it is
 * cancelled. */
static void
wait_then (GTask       *task,
           guint        delay_ms,
           void       (*next) (GTask *task),
           const char  *name)
{
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GSource) source = g_timeout_source_new (delay_ms);
  Wait *wait = g_new (Wait, 1);

  wait->task = task;
  wait->next = next;
  g_source_set_static_name (source, name);
  g_source_set_callback (source, on_wait_over_cb, wait, g_free);
  if (cancellable != NULL)
    {
      /* Wakes the wait early when the download is cancelled. */
      g_autoptr(GSource) cancelled = g_cancellable_source_new (cancellable);

      g_source_set_dummy_callback (cancelled);
      g_source_add_child_source (source, cancelled);
    }
  g_source_attach (source, g_task_get_context (task));
}

static void
schedule_retry (GTask *task)
{
  Download *self = g_task_get_task_data (task);
  guint delay_ms = self->first_delay_ms << MIN (self->retries - 1, 16u);

  g_debug ("%s: waiting %u ms before retry %u of %u", self->basename, delay_ms,
           self->retries, self->max_retries);
  wait_then (task, delay_ms, attempt, "[sd-download] retry");
}

static void
wait_for_lock (GTask *task)
{
  Download *self = g_task_get_task_data (task);

  if (!self->waiting_logged)
    g_debug ("%s: another download is saving this video; waiting for its lock",
             self->basename);
  self->waiting_logged = TRUE;
  wait_then (task, LOCK_POLL_MS, prepare_part, "[sd-download] lock wait");
}

/* Savers of one .part in this process take it in the order they started.
 * The lock alone leaves the order to the threads that open the .part, so
 * a saver started later (and perhaps cancelled at once) could become the
 * writer and cost the first one its transfer. */
G_LOCK_DEFINE_STATIC (turns);
static GHashTable *turns; /* part path -> GQueue of Download, the writer first */

static gboolean
take_turn (Download *self)
{
  GQueue *queue;
  gboolean first;

  G_LOCK (turns);
  if (turns == NULL)
    turns = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                   (GDestroyNotify) g_queue_free);
  queue = g_hash_table_lookup (turns, self->part_path);
  if (queue == NULL)
    {
      queue = g_queue_new ();
      g_hash_table_insert (turns, g_strdup (self->part_path), queue);
    }
  if (g_queue_find (queue, self) == NULL)
    g_queue_push_tail (queue, self);
  first = g_queue_peek_head (queue) == self;
  G_UNLOCK (turns);
  return first;
}

static void
end_turn (Download *self)
{
  GQueue *queue;

  G_LOCK (turns);
  queue = turns != NULL ? g_hash_table_lookup (turns, self->part_path) : NULL;
  if (queue != NULL && g_queue_remove (queue, self) && g_queue_is_empty (queue))
    g_hash_table_remove (turns, self->part_path);
  if (turns != NULL && g_hash_table_size (turns) == 0)
    g_clear_pointer (&turns, g_hash_table_unref);
  G_UNLOCK (turns);
}

/* A dropped transfer: try again after a pause, or give up. */
static void
retry_or_fail (GTask        *task,
               const GError *cause)
{
  Download *self = g_task_get_task_data (task);

  g_clear_object (&self->body);
  g_clear_object (&self->message);

  if (!is_transient_error (cause))
    {
      if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        fail (task, g_error_copy (cause));
      else
        {
          g_debug ("%s: the transfer failed (%s); not a drop that retrying fixes",
                   self->basename, cause->message);
          fail (task, incomplete_error (cause));
        }
      return;
    }
  if (self->retries >= self->max_retries)
    {
      g_debug ("%s: the transfer dropped (%s) with no retry left of %u; giving up",
               self->basename, cause->message, self->max_retries);
      fail (task, incomplete_error (cause));
      return;
    }

  self->retries++;
  g_debug ("Transfer of %s dropped at %" G_GUINT64_FORMAT " bytes (%s); retry %u",
           self->basename, self->received, cause->message, self->retries);
  schedule_retry (task);
}

static void
on_renamed_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  Download *self = g_task_get_task_data (task);
  GError *error = NULL;

  self->final_path = g_task_propagate_pointer (G_TASK (result), &error);
  finish (task, error);
}

static void
on_body_ended (GTask *task)
{
  Download *self = g_task_get_task_data (task);
  g_autoptr(GTask) move = NULL;
  GError *error = NULL;

  g_clear_object (&self->body);
  g_clear_object (&self->message);

  if (self->total > 0 && self->received < self->total)
    {
      g_autoptr(GError) cause = g_error_new (G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT,
                                             _("the connection closed early"));
      retry_or_fail (task, cause);
      return;
    }
  if (self->total > 0 && self->received > self->total)
    {
      g_debug ("%s: %" G_GUINT64_FORMAT " bytes received, more than the %" G_GUINT64_FORMAT
               " announced", self->basename, self->received, self->total);
      fail (task, g_error_new (SD_DOWNLOAD_ERROR, SD_DOWNLOAD_ERROR_INCOMPLETE,
                               _("The server sent more data than the video’s announced "
                                 "size. Download it again.")));
      return;
    }

  if (self->total == 0)
    self->total = self->received;
  if (!_sd_download_check_whole_file (self, &error))
    {
      fail (task, error);
      return;
    }
  report_progress (self, TRUE);

  /* Not cancellable: the file is complete, only its name is left to set. */
  move = g_task_new (NULL, NULL, on_renamed_cb, task);
  g_task_set_source_tag (move, _sd_download_move_into_place_thread);
  g_task_set_task_data (move, self, NULL);
  g_task_run_in_thread (move, _sd_download_move_into_place_thread);
}

static void
on_chunk_written_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GTask *task = user_data;
  Download *self = g_task_get_task_data (task);
  GError *error = NULL;
  gsize written = 0;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, &written, &error))
    {
      self->received += written;
      fail_with_file_error (task, error);
      return;
    }

  self->received += written;
  report_progress (self, FALSE);
  pump (task);
}

static void
on_chunk_read_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  Download *self = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  gssize n_read;

  n_read = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);
  if (n_read < 0)
    {
      retry_or_fail (task, error);
      return;
    }
  if (n_read == 0)
    {
      on_body_ended (task);
      return;
    }

  g_output_stream_write_all_async (self->output, self->buffer, n_read,
                                   G_PRIORITY_DEFAULT, g_task_get_cancellable (task),
                                   on_chunk_written_cb, task);
}

static void
pump (GTask *task)
{
  Download *self = g_task_get_task_data (task);

  g_input_stream_read_async (self->body, self->buffer, READ_BUFFER_SIZE,
                             G_PRIORITY_DEFAULT, g_task_get_cancellable (task),
                             on_chunk_read_cb, task);
}

static GError *
http_error (guint status)
{
  if (status == SOUP_STATUS_NOT_FOUND || status == 410)
    return g_error_new (SD_DOWNLOAD_ERROR, SD_DOWNLOAD_ERROR_HTTP,
                        /* Translators: %u is an HTTP status code such as 404 */
                        _("The video link has expired or the video is gone (HTTP %u). "
                          "Videos are kept for about three days after they are made."),
                        status);
  if (status == SOUP_STATUS_FORBIDDEN)
    return g_error_new (SD_DOWNLOAD_ERROR, SD_DOWNLOAD_ERROR_HTTP,
                        /* Translators: %u is an HTTP status code (403) */
                        _("The video server refused the link (HTTP %u). The link may "
                          "have expired; query the task again for a fresh one."),
                        status);
  if (status == 429)
    return g_error_new (SD_DOWNLOAD_ERROR, SD_DOWNLOAD_ERROR_HTTP,
                        /* Translators: %u is an HTTP status code (429) */
                        _("The video server is busy and asked to wait (HTTP %u). "
                          "Try downloading again in a few minutes."),
                        status);
  return g_error_new (SD_DOWNLOAD_ERROR, SD_DOWNLOAD_ERROR_HTTP,
                      /* Translators: %u is an HTTP status code, %s its English name */
                      _("The video server answered with an error (HTTP %u %s). "
                        "Try downloading again later."),
                      status, soup_status_get_phrase (status));
}

/* A captive portal or an error page answers 200 with a web page: that is
 * not the video, and saving it as one would hand the user a broken file. */
static gboolean
is_web_page (SoupMessage *message)
{
  const char *type = soup_message_headers_get_content_type (soup_message_get_response_headers (message),
                                                             NULL);

  return type != NULL &&
         (g_ascii_strcasecmp (type, "text/html") == 0 ||
          g_ascii_strcasecmp (type, "application/xhtml+xml") == 0);
}

static GError *
web_page_error (void)
{
  return g_error_new_literal (SD_DOWNLOAD_ERROR, SD_DOWNLOAD_ERROR_HTTP,
                              _("The video server sent a web page instead of the video "
                                "(a network sign-in page, perhaps). Nothing was saved; "
                                "check the connection and download it again."));
}

static gboolean
is_transient_status (guint status)
{
  return status == SOUP_STATUS_BAD_GATEWAY ||
         status == SOUP_STATUS_SERVICE_UNAVAILABLE ||
         status == SOUP_STATUS_GATEWAY_TIMEOUT;
}

/* A 206 continues the .part only if it starts exactly where the .part ends
 * and, when it names its version, is the version the .part holds. */
static gboolean
take_partial_response (Download *self)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (self->message);
  const char *etag = soup_message_headers_get_one (headers, "ETag");
  goffset start = 0, end = 0, total = 0;

  if (!soup_message_headers_get_content_range (headers, &start, &end, &total))
    {
      g_debug ("%s: a 206 without a usable Content-Range", self->basename);
      return FALSE;
    }
  if ((guint64) start != self->received || (total >= 0 && end >= total))
    {
      g_debug ("%s: asked for byte %" G_GUINT64_FORMAT ", the 206 starts at %" G_GOFFSET_FORMAT,
               self->basename, self->received, start);
      return FALSE;
    }
  if (etag != NULL && self->validator != NULL && self->validator[0] == '"' &&
      strcmp (etag, self->validator) != 0)
    {
      g_debug ("%s: the 206 is of another version of the file (ETag changed)", self->basename);
      return FALSE;
    }

  self->total = total >= 0 ? (guint64) total : 0;
  return TRUE;
}

static void
take_full_response (Download *self)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (self->message);

  self->total = 0;
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH)
    self->total = soup_message_headers_get_content_length (headers);
}

/* The .part starts over from zero, or the download fails. */
static gboolean
empty_part_or_fail (GTask *task)
{
  GError *error = NULL;

  if (_sd_download_empty_part (g_task_get_task_data (task), &error))
    return TRUE;
  fail (task, error);
  return FALSE;
}

/* The server would not continue the .part: empty it and ask for the whole
 * file, without Range from now on. */
static void
restart_without_range (GTask *task)
{
  Download *self = g_task_get_task_data (task);

  g_debug ("%s: the server did not continue at byte %" G_GUINT64_FORMAT
           "; starting over", self->basename, self->received);
  g_clear_object (&self->body);
  g_clear_object (&self->message);
  self->use_range = FALSE;
  /* A server that answers every request with a stray range never ends. */
  if (self->restarts++ >= self->max_retries)
    {
      g_debug ("%s: %u answers in a row did not fit the .part; giving up",
               self->basename, self->restarts);
      fail (task, g_error_new_literal (SD_DOWNLOAD_ERROR, SD_DOWNLOAD_ERROR_INCOMPLETE,
                                       _("The video server keeps sending parts of the "
                                         "video that do not fit together. Download it "
                                         "again later.")));
      return;
    }
  if (!empty_part_or_fail (task))
    return;
  _sd_download_forget_validator (self);
  attempt (task);
}

/* A 200: the whole file, from byte zero, whatever the .part held. */
static void
take_whole_file (GTask *task)
{
  Download *self = g_task_get_task_data (task);

  take_full_response (self);
  if (self->received > 0)
    g_debug ("%s: the server sent the whole file instead of continuing at byte %"
             G_GUINT64_FORMAT " (changed, or If-Range not honoured); starting over",
             self->basename, self->received);
  if (!empty_part_or_fail (task))
    return;
  _sd_download_remember_validator (self);
  pump (task);
}

static void
on_response_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  Download *self = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  guint status;

  self->body = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (self->body == NULL)
    {
      retry_or_fail (task, error);
      return;
    }

  status = soup_message_get_status (self->message);
  if ((status == SOUP_STATUS_OK || status == SOUP_STATUS_PARTIAL_CONTENT) &&
      is_web_page (self->message))
    {
      g_debug ("%s: HTTP %u with a web page, not a video; nothing kept",
               self->basename, status);
      fail (task, web_page_error ());
    }
  else if (status == SOUP_STATUS_PARTIAL_CONTENT && take_partial_response (self))
    {
      g_debug ("%s: continuing at byte %" G_GUINT64_FORMAT, self->basename, self->received);
      if (self->received == 0)
        _sd_download_remember_validator (self);
      pump (task);
    }
  else if (status == SOUP_STATUS_PARTIAL_CONTENT ||
           (status == SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE && self->received > 0))
    restart_without_range (task);
  else if (status == SOUP_STATUS_OK)
    take_whole_file (task);
  else if (is_transient_status (status))
    {
      g_autoptr(GError) cause = g_error_new (G_IO_ERROR, G_IO_ERROR_BUSY, "HTTP %u %s",
                                             status, soup_status_get_phrase (status));
      retry_or_fail (task, cause);
    }
  else
    {
      g_debug ("%s: HTTP %u; not retried", self->basename, status);
      fail (task, http_error (status));
    }
}

static void
on_message_starting_cb (SoupMessage *message,
                        gpointer     user_data)
{
  /* Whatever the session adds, the video host never sees a credential. */
  soup_message_headers_remove (soup_message_get_request_headers (message), "Authorization");
}

static SoupMessage *
new_request (Download *self)
{
  SoupMessage *message = soup_message_new_from_uri (SOUP_METHOD_GET, self->uri);
  SoupMessageHeaders *headers = soup_message_get_request_headers (message);

  /* The bytes on disk must be the bytes of the video: no content decoding,
   * so Content-Length and Range count the same bytes we write. */
  soup_message_disable_feature (message, SOUP_TYPE_CONTENT_DECODER);
  soup_message_disable_feature (message, SOUP_TYPE_AUTH_MANAGER);
  g_signal_connect (message, "starting", G_CALLBACK (on_message_starting_cb), NULL);

  if (self->received > 0)
    {
      /* If-Range: the rest of the file if it is still the one the .part
       * holds, else the whole new file (200). */
      soup_message_headers_set_range (headers, self->received, -1);
      soup_message_headers_replace (headers, "If-Range", self->validator);
      g_debug ("%s: asking for bytes %" G_GUINT64_FORMAT "- with If-Range",
               self->basename, self->received);
    }
  else
    g_debug ("%s: asking for the whole file", self->basename);
  return message;
}

static void
attempt (GTask *task)
{
  Download *self = g_task_get_task_data (task);

  if (self->received > 0 && (!self->use_range || self->validator == NULL))
    {
      g_debug ("%s: %" G_GUINT64_FORMAT " bytes on disk but %s; starting over",
               self->basename, self->received,
               self->use_range ? "nothing proves which file they are from"
                               : "the server does not continue files");
      if (!empty_part_or_fail (task))
        return;
    }

  g_clear_object (&self->message);
  self->message = new_request (self);
  soup_session_send_async (self->session, self->message, G_PRIORITY_DEFAULT,
                           g_task_get_cancellable (task), on_response_cb, task);
}

static void
on_part_taken_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  Download *self = g_task_get_task_data (task);
  GError *error = NULL;
  struct stat st;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      fail_with_file_error (task, error);
      return;
    }

  switch (self->part_state)
    {
    case PART_BUSY:
      wait_for_lock (task);
      return;

    case PART_REUSED:
      g_debug ("%s: the download we waited for saved it as %s; using that file",
               self->basename, self->final_path);
      finish (task, NULL);
      return;

    case PART_LOCKED:
    default:
      if (self->waiting_logged)
        g_debug ("%s: the lock is ours after waiting", self->basename);
      break;
    }

  self->received = fstat (self->fd, &st) == 0 ? (guint64) st.st_size : 0;
  if (self->received > 0)
    g_debug ("%s: %" G_GUINT64_FORMAT " bytes from an earlier download (%s)", self->basename,
             self->received, self->validator != NULL ? "validator kept" : "no validator");
  self->output = g_unix_output_stream_new (self->fd, TRUE);
  attempt (task);
}

static void
prepare_part (GTask *task)
{
  Download *self = g_task_get_task_data (task);
  g_autoptr(GTask) take = NULL;

  self->my_turn = take_turn (self);
  take = g_task_new (NULL, g_task_get_cancellable (task), on_part_taken_cb, task);
  g_task_set_source_tag (take, _sd_download_take_part_thread);
  g_task_set_task_data (take, self, NULL);
  g_task_run_in_thread (take, _sd_download_take_part_thread);
}

static Download *
download_new (SoupSession *session,
              GUri        *uri,
              const char  *directory,
              const char  *basename,
              const char  *owner)
{
  Download *self = g_new0 (Download, 1);
  g_autofree char *part_name = sd_download_make_part_name (basename, owner);

  self->session = g_object_ref (session);
  self->uri = g_uri_ref (uri);
  self->directory = g_strdup (directory);
  self->basename = g_strdup (basename);
  self->part_path = g_build_filename (directory, part_name, NULL);
  self->meta_path = g_strconcat (self->part_path, META_SUFFIX, NULL);
  self->fd = -1;
  self->buffer = g_malloc (READ_BUFFER_SIZE);
  self->use_range = TRUE;
  self->max_retries = retry_max;
  self->first_delay_ms = retry_first_delay_ms;
  return self;
}

/**
 * sd_download_file_async:
 * @session: the session to use; it adds no credential (none is sent)
 * @url: the video's address; only http and https are opened
 * @directory: the folder to save into, created when missing
 * @basename: the file name, e.g. from sd_download_make_basename()
 * @owner: what the video belongs to, e.g. the API base and the task id:
 *   only a download with the same @owner continues its .part
 * @progress: (nullable) (scope notified): called with the bytes received and
 *   the total (0 when unknown), at most about ten times a second and once at
 *   the end with the total
 * @progress_data: data for @progress
 * @progress_destroy: (nullable): frees @progress_data when the download ends
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the file is saved or the download failed
 * @user_data: data for @callback
 *
 * Streams @url into "@directory/@basename.<hash of @owner>.part", a bounded
 * buffer at a time. The .part is opened without following symlinks (a link,
 * special file or hard-linked file in its place is removed, never written
 * through) and locked exclusively: a second download of the same @owner into
 * the same folder, in this process or another, waits for the first, and
 * completes with the first one's file when that one finished it.
 *
 * A dropped transfer is tried again a few times, waiting longer each time.
 * It continues where the .part ends only with proof that the bytes come from
 * the same file: a Range request with If-Range carrying the ETag or
 * Last-Modified of the first answer (kept in "<part>.meta"), answered by a 206
 * whose Content-Range starts at that byte. Without a validator, or when the
 * server answers 200, it starts over from zero. The size of the whole .part
 * is checked against Content-Length (or the Content-Range total) and only a
 * complete file is renamed to @basename, or "name (2).ext" and so on: an
 * existing file (or link) is never replaced.
 *
 * Any URL other than http(s) fails with %SD_DOWNLOAD_ERROR_UNSAFE_URL before
 * anything is opened; plain http is allowed because nothing secret is sent.
 * A 200 or 206 answer carrying a web page (text/html: a captive portal, an
 * error page) is not the video: it fails with %SD_DOWNLOAD_ERROR_HTTP and
 * nothing is left on disk.
 *
 * Redirects are followed, to any host. 502, 503 and 504 answers count as
 * dropped transfers; other error statuses fail at once with
 * %SD_DOWNLOAD_ERROR_HTTP (404 and 410 saying the link expired). A network
 * failure that retrying cannot fix (TLS, unknown host), or retries used up,
 * is %SD_DOWNLOAD_ERROR_INCOMPLETE.
 *
 * A failed or cancelled download leaves a .part with bytes, and a later call
 * with the same @directory, @basename and @owner resumes from it when the
 * server proves it is the same file.
 */
void
sd_download_file_async (SoupSession            *session,
                        const char             *url,
                        const char             *directory,
                        const char             *basename,
                        const char             *owner,
                        SdDownloadProgressFunc  progress,
                        gpointer                progress_data,
                        GDestroyNotify          progress_destroy,
                        GCancellable           *cancellable,
                        GAsyncReadyCallback     callback,
                        gpointer                user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GUri) uri = NULL;
  GError *error = NULL;
  Download *self;

  g_return_if_fail (SOUP_IS_SESSION (session));
  g_return_if_fail (url != NULL);
  g_return_if_fail (directory != NULL);
  g_return_if_fail (basename != NULL);
  g_return_if_fail (owner != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, sd_download_file_async);

  uri = parse_download_uri (url, &error);
  if (uri == NULL || !_sd_download_check_basename (basename, &error))
    {
      if (progress_destroy != NULL)
        progress_destroy (progress_data);
      g_task_return_error (task, error);
      return;
    }

  self = download_new (session, uri, directory, basename, owner);
  self->progress = progress;
  self->progress_data = progress_data;
  self->progress_destroy = progress_destroy;
  g_task_set_task_data (task, self, (GDestroyNotify) download_free);

  prepare_part (g_steal_pointer (&task));
}

/**
 * sd_download_file_finish:
 * @result: the result given to the callback
 * @error: return location for a #GError in %SD_DOWNLOAD_ERROR, or
 *   %G_IO_ERROR_CANCELLED
 *
 * Returns: (transfer full): the path of the saved file, or %NULL
 */
char *
sd_download_file_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, sd_download_file_async), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

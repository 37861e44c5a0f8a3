/* sd-uploader-send.c: sending a file: the multipart body, retries and the answer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-uploader"

#include "config.h"

#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "sd-client.h"
#include "sd-enum-types.h"
#include "sd-request.h"
#include "sd-secrets.h"
#include "sd-uploader.h"
#include "sd-uploader-private.h"
#include "sd-uploader-stream.h"

/* The multipart envelope around the file */

static char *
header_safe_filename (GFile *file)
{
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *valid = g_utf8_make_valid (name != NULL ? name : "upload", -1);

  for (char *p = valid; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f || *p == '"' || *p == '\\')
      *p = '_';
  return g_steal_pointer (&valid);
}

static SoupMessage *
job_new_message (SdUploader  *self,
                 Job         *job,
                 GError     **error)
{
  SoupMessage *message;

  if (!job->custom)
    return sd_client_new_api_message (self->client, SOUP_METHOD_POST, SD_UPLOAD_PATH, error);

  /* The user's own service: never the Seedance token, only its own secret. */
  message = soup_message_new (SOUP_METHOD_POST, self->service->url);
  if (message == NULL)
    {
      _sd_uploader_check_service_url (NULL, error);
      return NULL;
    }
  soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT);
  soup_message_headers_replace (soup_message_get_request_headers (message),
                                "Accept", "application/json");
  if (self->service->header_name != NULL && self->service->secret != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (message),
                                  self->service->header_name, self->service->secret);
  return message;
}

static void
job_set_body (SdUploader *self,
              Job        *job)
{
  g_autofree char *boundary = NULL;
  g_autofree char *filename = header_safe_filename (job->upload->file);
  g_autofree char *content_type = NULL;
  g_autofree char *head_text = NULL;
  g_autofree char *tail_text = NULL;
  g_autoptr(GBytes) head = NULL;
  g_autoptr(GBytes) tail = NULL;
  const char *field = job->custom ? self->service->field : "file";

  boundary = g_strdup_printf ("seedance-%08x%08x%08x", g_random_int (), g_random_int (),
                              g_random_int ());
  head_text = g_strdup_printf ("--%s\r\n"
                               "Content-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\n"
                               "Content-Type: %s\r\n\r\n",
                               boundary, field, filename, job->content_type);
  tail_text = g_strdup_printf ("\r\n--%s--\r\n", boundary);
  job->head_length = strlen (head_text);
  head = g_bytes_new (head_text, job->head_length);
  tail = g_bytes_new (tail_text, strlen (tail_text));

  g_clear_object (&job->body);
  job->body = sd_upload_body_stream_new (head, job->upload->file, job->upload->total,
                                         job->identity, tail);
  content_type = g_strdup_printf ("multipart/form-data; boundary=%s", boundary);
  soup_message_set_request_body (job->message, content_type, job->body,
                                 job->head_length + job->upload->total + strlen (tail_text));
}

/* Answers */

GError *
_sd_uploader_unsupported_error (SdUploader *self,
                                const char *why)
{
  const char *base = sd_client_get_base_url (self->client);

  if (base != NULL && !g_hash_table_contains (self->unsupported, base))
    {
      g_debug ("%s has no upload endpoint (%s); said once", base, why);
      g_hash_table_add (self->unsupported, g_strdup (base));
    }
  return g_error_new_literal (SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_UNSUPPORTED,
                              _("This server does not accept uploads; use links, or set an upload service in Preferences."));
}

static char *
answer_message (JsonNode *root)
{
  const char *msg = NULL;
  g_autofree char *valid = NULL;

  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    msg = json_object_get_string_member_with_default (json_node_get_object (root), "msg", NULL);
  if (msg == NULL)
    return g_strdup ("");
  valid = g_utf8_make_valid (msg, -1);
  if (g_utf8_strlen (valid, -1) > 200)
    *g_utf8_offset_to_pointer (valid, 200) = '\0';
  return g_steal_pointer (&valid);
}

/* The node at a dotted path ("data.url", "files.0.url"). */
static JsonNode *
node_at_path (JsonNode   *root,
              const char *path)
{
  g_auto(GStrv) steps = g_strsplit (path, ".", 16);
  JsonNode *node = root;

  for (guint i = 0; steps[i] != NULL && node != NULL; i++)
    {
      char *end = NULL;
      guint64 index;

      if (JSON_NODE_HOLDS_OBJECT (node))
        node = json_object_get_member (json_node_get_object (node), steps[i]);
      else if (JSON_NODE_HOLDS_ARRAY (node) &&
               (index = g_ascii_strtoull (steps[i], &end, 10), *steps[i] != '\0' && *end == '\0') &&
               index < json_array_get_length (json_node_get_array (node)))
        node = json_array_get_element (json_node_get_array (node), index);
      else
        node = NULL;
    }
  return node;
}

static const char *
string_at_path (JsonNode   *root,
                const char *path)
{
  JsonNode *node = root != NULL ? node_at_path (root, path) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* The provider's envelope code as text ("20000", "0", "-1"), NULL if absent. */
static char *
answer_code (JsonNode *root)
{
  JsonNode *code;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  code = json_object_get_member (json_node_get_object (root), "code");
  if (code == NULL || !JSON_NODE_HOLDS_VALUE (code))
    return NULL;
  if (json_node_get_value_type (code) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (code));
  if (json_node_get_value_type (code) == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (code));
  return NULL;
}

static GError *
status_error (SdUploader *self,
              Job        *job,
              guint       status,
              JsonNode   *root)
{
  g_autofree char *name = _sd_upload_name (job->upload);
  g_autofree char *msg = answer_message (root);

  if (!job->custom && (status == SOUP_STATUS_NOT_FOUND || status == SOUP_STATUS_METHOD_NOT_ALLOWED))
    return _sd_uploader_unsupported_error (self, "HTTP status");
  if (status == SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE)
    return g_error_new (SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_TOO_LARGE,
                        _("The server refused “%s” as too large (HTTP 413); nothing was stored."),
                        name);
  if (status == SOUP_STATUS_UNAUTHORIZED || status == SOUP_STATUS_FORBIDDEN)
    return g_error_new (SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_REFUSED,
                        job->custom ? _("The upload service refused the secret (HTTP %u); check its header and secret.")
                                    : _("The server refused the API token (HTTP %u) for the upload; check your token."),
                        status);
  if (SOUP_STATUS_IS_CLIENT_ERROR (status))
    return g_error_new (SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_REFUSED,
                        _("The server refused “%s” (HTTP %u%s%s); nothing was stored."),
                        name, status, *msg != '\0' ? ": " : "", msg);
  if (SOUP_STATUS_IS_REDIRECTION (status))
    return g_error_new (SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_FAILED,
                        _("The server answered the upload of “%s” with a redirect (HTTP %u); it was not followed and the file was not sent again."),
                        name, status);
  return g_error_new (SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_FAILED,
                      _("The server failed after “%s” was sent (HTTP %u%s%s); it may or may not have been stored, and it was not sent again."),
                      name, status, *msg != '\0' ? ": " : "", msg);
}

/* The link in a 2xx answer, or NULL with the error. */
static const char *
answer_link (SdUploader  *self,
             Job         *job,
             JsonNode    *root,
             GError     **error)
{
  g_autofree char *name = _sd_upload_name (job->upload);
  g_autofree char *code = NULL;
  g_autofree char *msg = NULL;
  const char *url;

  if (job->custom)
    {
      url = string_at_path (root, self->service->json_path);
      if (url == NULL)
        g_set_error (error, SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_BAD_LINK,
                     _("The upload service’s answer for “%s” has no link at “%s”."),
                     name, self->service->json_path);
      return url;
    }

  code = answer_code (root);
  msg = answer_message (root);
  if (code != NULL && g_str_equal (code, SD_API_CODE_AUTH_FAILED))
    g_set_error (error, SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_REFUSED,
                 _("The server refused the API token for the upload (code %s); check your token."), code);
  else if (code != NULL && g_str_equal (code, SD_API_CODE_BAD_REQUEST))
    g_set_error (error, SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_REFUSED,
                 _("The server refused “%s” (%s); nothing was stored."), name, msg);
  else if (code != NULL && g_str_equal (code, SD_API_CODE_SERVER_ERROR))
    g_set_error (error, SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_FAILED,
                 _("The server failed after “%s” was sent (%s); it may or may not have been stored, and it was not sent again."),
                 name, msg);
  else if (code == NULL || (!g_str_equal (code, "20000") && !g_str_equal (code, "0")) ||
           (url = string_at_path (root, "data.url")) == NULL)
    g_propagate_error (error, _sd_uploader_unsupported_error (self, "not the documented answer"));
  else
    return url;
  return NULL;
}

/* The link goes into the cache under the file's SHA-256. When it was
 * known before sending (the memo, or hashed first), the body checked that
 * the file kept its identity to its last byte: it is cached now. Else it
 * is cached once the hash begun beside the send is done. */
static void
job_remember_link (SdUploader *self,
                   Job        *job,
                   const char *url,
                   gint64      now)
{
  g_autofree char *key = NULL;
  g_autofree char *by_file = NULL;
  g_autofree char *name = NULL;
  CacheEntry *entry;

  if (job->upload->sha256 == NULL)
    {
      by_file = _sd_uploader_identity_key (job);
      name = _sd_upload_name (job->upload);
      if (by_file == NULL)
        g_debug ("upload of %s: its identity is unknown, so its link is not cached", name);
      else
        _sd_uploader_hash_later (self, job, by_file, url, now);
      return;
    }
  key = _sd_uploader_cache_key (job->upload->sha256, job->target);
  entry = g_new0 (CacheEntry, 1);
  entry->url = g_strdup (url);
  entry->created_at = now;
  entry->size = job->upload->total;
  g_hash_table_replace (self->cache, g_steal_pointer (&key), entry);
  _sd_uploader_cache_save (self);
}

static void
job_answer (GTask *task)
{
  SdUploader *self = g_task_get_source_object (task);
  Job *job = g_task_get_task_data (task);
  g_autoptr(JsonParser) parser = json_parser_new ();
  guint status = soup_message_get_status (job->message);
  JsonNode *root = NULL;
  const char *url;
  GError *error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *name = _sd_upload_name (job->upload);

  if (json_parser_load_from_data (parser, (const char *) job->answer->data, job->answer->len, NULL))
    root = json_parser_get_root (parser);

  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      _sd_uploader_job_fail (task, status_error (self, job, status, root));
      return;
    }
  url = answer_link (self, job, root, &error);
  if (url == NULL)
    {
      _sd_uploader_job_fail (task, error);
      return;
    }
  if (!_sd_uploader_link_is_acceptable (url))
    {
      _sd_uploader_job_fail (task, g_error_new (SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_BAD_LINK,
                                   _("The link the server gave for “%s” is not an https:// address the API accepts."),
                                   name));
      return;
    }

  job_remember_link (self, job, url, now);
  g_debug ("uploaded %s: %" G_GUINT64_FORMAT " bytes, sha256 %.12s…", name,
           job->upload->total, job->upload->sha256 != NULL ? job->upload->sha256 : "(after this)");
  _sd_uploader_job_succeed (task, url, now, FALSE);
}

static gboolean
on_retry_due_cb (gpointer user_data)
{
  GTask *task = user_data;
  Job *job = g_task_get_task_data (task);

  job->retry_source = 0;
  _sd_uploader_job_send (g_object_ref (task));
  return G_SOURCE_REMOVE;
}

/* 429 proves nothing was stored: wait as told and send again (a few times). */
static gboolean
job_maybe_retry (GTask *task)
{
  Job *job = g_task_get_task_data (task);
  const char *header;
  guint64 seconds = 1;
  g_autofree char *name = _sd_upload_name (job->upload);

  if (soup_message_get_status (job->message) != 429 ||
      job->retries >= MAX_RETRIES_429)
    return FALSE;
  header = soup_message_headers_get_one (soup_message_get_response_headers (job->message),
                                         "Retry-After");
  if (header != NULL && !g_ascii_string_to_unsigned (header, 10, 0, MAX_RETRY_AFTER, &seconds, NULL))
    return FALSE;
  job->retries++;
  g_debug ("upload of %s rate limited; retry %u in %" G_GUINT64_FORMAT " s",
           name, job->retries, seconds);
  job->retry_source = g_timeout_add_seconds_full (G_PRIORITY_DEFAULT, MAX (1, seconds),
                                                  on_retry_due_cb, task, g_object_unref);
  return TRUE;
}

/* Sending, on a thread of its own. libsoup's blocking send writes the
 * body 8 KiB at a time, a system call each; its asynchronous send on the
 * main context took two turns of the main loop for each of them (about
 * 110 ms of the main thread's CPU for 100 MB, and most of the time a
 * loaded machine took). libsoup 3.2 sends messages from any thread; their
 * I/O and signals happen on that thread, so the progress is handed to
 * the job's main context. Every reference to a Send is dropped there. */

typedef struct
{
  gatomicrefcount  ref_count;
  GTask           *task;            /* the job's, until the send is over */
  SoupSession     *session;
  SoupMessage     *message;
  GCancellable    *cancellable;
  GMainContext    *context;
  SdUpload        *upload;
  gint             head_length;
  gint             body_written;    /* atomic; an upload is at most 100 MB */
  gint             progress_queued; /* atomic */
  gint             progress_asked;  /* the thread's: body_written then */
  gboolean         over;            /* on the context: no more progress */
  GError          *error;           /* the send's */
  GByteArray      *answer;
  GError          *answer_error;    /* reading the answer */
  gboolean         answer_too_large;
  GSocket         *socket;          /* the thread's: corked while the body goes */
} Send;

static Send *
send_ref (Send *send)
{
  g_atomic_ref_count_inc (&send->ref_count);
  return send;
}

static void
send_unref (Send *send)
{
  if (!g_atomic_ref_count_dec (&send->ref_count))
    return;
  g_clear_object (&send->task);
  g_clear_object (&send->session);
  g_clear_object (&send->message);
  g_clear_object (&send->cancellable);
  g_main_context_unref (send->context);
  g_clear_object (&send->upload);
  g_clear_error (&send->error);
  g_clear_pointer (&send->answer, g_byte_array_unref);
  g_clear_error (&send->answer_error);
  g_clear_object (&send->socket);
  g_free (send);
}

static void
send_tell_progress (Send *send)
{
  gint written = g_atomic_int_get (&send->body_written);

  if (!send->over && written > send->head_length)
    _sd_upload_set_bytes_sent (send->upload, written - send->head_length);
}

/* Runs @func with @send (a reference it drops) on the job's context. Not
 * g_main_context_invoke(): from the sending thread it may run @func there,
 * when the default context is not owned at that moment. */
static void
send_call_on_context (Send        *send,
                      GSourceFunc  func,
                      const char  *name)
{
  g_autoptr(GSource) idle = g_idle_source_new ();

  g_source_set_priority (idle, G_PRIORITY_DEFAULT);
  g_source_set_callback (idle, func, send, (GDestroyNotify) send_unref);
  g_source_set_static_name (idle, name);
  g_source_attach (idle, send->context);
}

static gboolean
on_progress_idle (gpointer user_data)
{
  Send *send = user_data;

  g_atomic_int_set (&send->progress_queued, FALSE);
  send_tell_progress (send);
  return G_SOURCE_REMOVE;
}

/* On the sending thread, as the body is read to be written: the main
 * context is told every chunk of the file, not every 8 KiB write (waking
 * it 12,000 times for 100 MB cost more than the send), and only one
 * notification waits at a time. */
static void
on_body_given_cb (guint64  given,
                  gpointer user_data)
{
  Send *send = user_data;
  gint written = (gint) given;

  g_atomic_int_set (&send->body_written, written);
  if (written - send->progress_asked < SD_UPLOAD_CHUNK_SIZE)
    return;
  send->progress_asked = written;
  if (g_atomic_int_compare_and_exchange (&send->progress_queued, FALSE, TRUE))
    send_call_on_context (send_ref (send), on_progress_idle, "[sd-uploader] progress");
}

/* On the sending thread: libsoup writes the body 8 KiB at a time (the
 * buffer of GIO's splice); corked, the kernel sends full segments instead
 * of one for each, and the server wakes once for each of them. Uncorked
 * once the body is written (the kernel would after 200 ms anyway). */
static void
on_network_event_cb (SoupMessage        *message,
                     GSocketClientEvent  event,
                     GIOStream          *connection,
                     gpointer            user_data)
{
#ifdef TCP_CORK
  Send *send = user_data;
  g_autoptr(GError) error = NULL;

  if (event != G_SOCKET_CLIENT_CONNECTED || !G_IS_TCP_CONNECTION (connection))
    return;
  g_set_object (&send->socket, g_socket_connection_get_socket (G_SOCKET_CONNECTION (connection)));
  if (g_socket_set_option (send->socket, IPPROTO_TCP, TCP_CORK, 1, &error))
    g_debug ("upload: its new connection is corked while the body goes");
  else
    {
      g_debug ("upload: the connection is not corked: %s", error->message);
      g_clear_object (&send->socket);
    }
#endif
}

static void
on_wrote_body_cb (SoupMessage *message,
                  gpointer     user_data)
{
  Send *send = user_data;

#ifdef TCP_CORK
  if (send->socket != NULL)
    g_socket_set_option (send->socket, IPPROTO_TCP, TCP_CORK, 0, NULL);
#endif
  g_clear_object (&send->socket);
}

static void
send_read_answer (Send         *send,
                  GInputStream *stream)
{
  guint8 buffer[8192];
  gssize n;

  send->answer = g_byte_array_new ();
  while ((n = g_input_stream_read (stream, buffer, sizeof buffer, send->cancellable,
                                   &send->answer_error)) > 0)
    {
      if (send->answer->len + n > MAX_ANSWER)
        {
          send->answer_too_large = TRUE;
          break;
        }
      g_byte_array_append (send->answer, buffer, n);
    }
  /* closing gives the connection back to the session */
  g_input_stream_close (stream, NULL, NULL);
}

static void job_sent (GTask *task,
                      Send  *send);

static gboolean
on_send_over_idle (gpointer user_data)
{
  Send *send = user_data;
  g_autoptr(GTask) task = g_steal_pointer (&send->task);

  send_tell_progress (send);
  send->over = TRUE;
  job_sent (g_steal_pointer (&task), send);
  return G_SOURCE_REMOVE;
}

static gpointer
send_thread (gpointer data)
{
  Send *send = data;
  g_autoptr(GInputStream) answer = soup_session_send (send->session, send->message,
                                                      send->cancellable, &send->error);

  on_wrote_body_cb (send->message, send);  /* if the body did not end */
  if (answer != NULL)
    send_read_answer (send, answer);
  g_clear_object (&answer);
  /* our reference goes with the idle: dropped on the job's context */
  send_call_on_context (send, on_send_over_idle, "[sd-uploader] sent");
  return NULL;
}

/* Sends @job's message on a thread of its own; job_sent() with @task
 * (owned) on its context once the answer is read. */
static void
job_start_send (GTask *task)
{
  SdUploader *self = g_task_get_source_object (task);
  Job *job = g_task_get_task_data (task);
  Send *send = g_new0 (Send, 1);
  g_autoptr(GError) error = NULL;
  GThread *thread;

  g_atomic_ref_count_init (&send->ref_count);
  send->task = task;
  send->session = g_object_ref (sd_client_get_session (self->client));
  send->message = g_object_ref (job->message);
  send->cancellable = g_object_ref (job->upload->cancellable);
  send->context = g_main_context_ref (g_task_get_context (task));
  send->upload = g_object_ref (job->upload);
  send->head_length = job->head_length;
  sd_upload_body_stream_set_progress (job->body, on_body_given_cb, send);
  g_signal_connect (job->message, "network-event", G_CALLBACK (on_network_event_cb), send);
  g_signal_connect (job->message, "wrote-body", G_CALLBACK (on_wrote_body_cb), send);
  thread = g_thread_try_new ("sd-upload-send", send_thread, send, &error);
  if (thread != NULL)
    {
      g_thread_unref (thread);
      _sd_uploader_hash_begin (self, job);
      return;
    }
  g_signal_handlers_disconnect_by_data (job->message, send);
  sd_upload_body_stream_set_progress (job->body, NULL, NULL);
  send->task = NULL;
  send_unref (send);
  _sd_uploader_job_fail (task, g_error_new (SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_FAILED,
                                            _("Could not start sending: %s"), error->message));
  g_object_unref (task);
}

static GError *
send_failure (Job  *job,
              Send *send)
{
  GError *error = g_steal_pointer (&send->error);
  g_autoptr(GError) cause = error;
  g_autofree char *name = _sd_upload_name (job->upload);

  /* The body's own errors (the file could not be read in full, or it
   * changed) say what happened better than a broken connection. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || error->domain == SD_UPLOAD_ERROR)
    return g_steal_pointer (&cause);
  return g_error_new (SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_FAILED,
                      g_atomic_int_get (&send->body_written) > 0
                        ? _("The connection ended while “%s” was being sent or answered (%s); it may or may not have been stored, and it was not sent again.")
                        : _("Could not reach the upload service for “%s”: %s."),
                      name, cause->message);
}

static GError *
answer_failure (Job  *job,
                Send *send)
{
  g_autofree char *name = _sd_upload_name (job->upload);

  if (send->answer_too_large)
    return g_error_new (SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_FAILED,
                        _("The answer to the upload of “%s” is over 1 MB, not a link; the file was not sent again."),
                        name);
  if (send->answer_error == NULL)
    return NULL;
  if (g_error_matches (send->answer_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (send->answer_error);
  return g_error_new (SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_FAILED,
                      _("The answer to the upload of “%s” broke off (%s); the file may or may not have been stored, and it was not sent again."),
                      name, send->answer_error->message);
}

/* @task (owned): its message was sent and answered, or failed. */
static void
job_sent (GTask *task,
          Send  *send)
{
  Job *job = g_task_get_task_data (task);
  GError *error;

  g_signal_handlers_disconnect_by_data (send->message, send);
  if (job->body != NULL)
    sd_upload_body_stream_set_progress (job->body, NULL, NULL);
  if (send->error != NULL)
    {
      _sd_uploader_job_fail (task, send_failure (job, send));
      g_object_unref (task);
      return;
    }
  if (job_maybe_retry (task))
    return;
  error = answer_failure (job, send);
  if (error != NULL)
    _sd_uploader_job_fail (task, error);
  else
    {
      g_clear_pointer (&job->answer, g_byte_array_unref);
      job->answer = g_steal_pointer (&send->answer);
      job_answer (task);
    }
  g_object_unref (task);
}

void
_sd_uploader_job_send (GTask *task)
{
  SdUploader *self = g_task_get_source_object (task);
  Job *job = g_task_get_task_data (task);
  GError *error = NULL;

  if (_sd_uploader_job_end_if_cancelled (task))
    return;

  g_clear_object (&job->message);
  g_clear_pointer (&job->answer, g_byte_array_unref);
  _sd_upload_set_bytes_sent (job->upload, 0);

  job->message = job_new_message (self, job, &error);
  if (job->message == NULL)
    {
      _sd_uploader_job_fail (task, error);
      g_object_unref (task);
      return;
    }
  job_set_body (self, job);
  _sd_upload_set_state (job->upload, SD_UPLOAD_STATE_SENDING);
  job_start_send (task);
}

/* sd-simulator.c: a local Seedance API server for the demo mode and tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-simulator"

#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "sd-api.h"
#include "sd-core-resources.h"
#include "sd-request.h"
#include "sd-simulator-media.h"
#include "sd-simulator-private.h"
#include "sd-simulator-test.h"
#include "sd-simulator-upload.h"
#include "sd-uploader.h"

G_DEFINE_FINAL_TYPE (SdSimulator, sd_simulator, G_TYPE_OBJECT)

static void
sim_task_free (SimTask *task)
{
  g_free (task->id);
  g_free (task->model);
  g_free (task);
}

static void
remove_source (gpointer key,
               gpointer value,
               gpointer user_data)
{
  g_source_remove (GPOINTER_TO_UINT (key));
}

static void
sd_simulator_dispose (GObject *object)
{
  SdSimulator *self = SD_SIMULATOR (object);

  if (self->slow_replies != NULL)
    {
      g_hash_table_foreach (self->slow_replies, remove_source, NULL);
      g_hash_table_remove_all (self->slow_replies);
    }
  if (self->server != NULL)
    soup_server_disconnect (self->server);
  if (self->other_server != NULL)
    soup_server_disconnect (self->other_server);
  g_clear_object (&self->server);
  g_clear_object (&self->other_server);
  g_clear_object (&self->catalog);

  G_OBJECT_CLASS (sd_simulator_parent_class)->dispose (object);
}

static void
sd_simulator_finalize (GObject *object)
{
  SdSimulator *self = SD_SIMULATOR (object);

  g_free (self->base_url);
  g_free (self->other_base_url);
  g_free (self->other_host);
  g_free (self->tls_base_url);
  g_clear_object (&self->tls_certificate);
  g_clear_pointer (&self->sample_image_urls, g_ptr_array_unref);
  g_free (self->token);
  g_free (self->hostile_text);
  g_clear_pointer (&self->sample, g_bytes_unref);
  g_clear_pointer (&self->slow_replies, g_hash_table_unref);
  g_clear_pointer (&self->host_counts, g_hash_table_unref);
  g_clear_pointer (&self->auth_seen, g_hash_table_unref);
  g_clear_pointer (&self->tasks, g_hash_table_unref);
  g_clear_pointer (&self->media, _sd_sim_media_free);
  g_clear_pointer (&self->uploads, sd_sim_uploads_free);

  G_OBJECT_CLASS (sd_simulator_parent_class)->finalize (object);
}

static void
sd_simulator_class_init (SdSimulatorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sd_simulator_dispose;
  object_class->finalize = sd_simulator_finalize;
}

static void
sd_simulator_init (SdSimulator *self)
{
  self->token = g_strdup (SD_SIMULATOR_DEFAULT_TOKEN);
  self->queued_ms = SD_SIMULATOR_DEFAULT_QUEUED_MS;
  self->processing_ms = SD_SIMULATOR_DEFAULT_PROCESSING_MS;
  self->retry_after = DEFAULT_RETRY_AFTER;
  self->slow_delay_ms = DEFAULT_SLOW_DELAY_MS;
  self->slow_replies = g_hash_table_new (NULL, NULL);
  self->host_counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->auth_seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->tasks = g_hash_table_new_full (g_str_hash, g_str_equal,
                                       NULL, (GDestroyNotify) sim_task_free);
  self->media = _sd_sim_media_new ();
  self->uploads = sd_sim_uploads_new ();
}

/* The clock */

static gint64
sim_now_us (SdSimulator *self)
{
  return self->manual_clock ? self->manual_now_us : g_get_monotonic_time ();
}

SdTaskStatus
_sd_sim_task_status (SdSimulator *self,
                     SimTask     *task,
                     gint64      *updated_at)
{
  gint64 elapsed_ms = (sim_now_us (self) - task->created_us) / 1000;
  gint64 done_ms = (gint64) self->queued_ms + self->processing_ms;

  if (elapsed_ms < self->queued_ms)
    {
      *updated_at = task->created_at;
      return SD_TASK_STATUS_QUEUED;
    }
  if (elapsed_ms < done_ms)
    {
      *updated_at = task->created_at + self->queued_ms / 1000;
      return SD_TASK_STATUS_PROCESSING;
    }

  *updated_at = task->created_at + done_ms / 1000;
  return task->will_fail ? SD_TASK_STATUS_FAILED : SD_TASK_STATUS_COMPLETED;
}

/* Answers */

static void
stream_free (gpointer data,
             GClosure *closure)
{
  Stream *stream = data;

  g_bytes_unref (stream->source);
  g_free (stream);
}

static GBytes *
stream_next_chunk (Stream *stream)
{
  gsize source_size = g_bytes_get_size (stream->source);
  guint64 limit = MIN (stream->end, stream->drop_at);
  guint64 offset = stream->repeat ? stream->position % source_size : stream->position;
  guint64 length = MIN (MIN ((guint64) STREAM_CHUNK_SIZE, limit - stream->position),
                        source_size - offset);

  stream->position += length;
  if (stream->mask != 0)
    {
      guint8 *copy = g_memdup2 ((const guint8 *) g_bytes_get_data (stream->source, NULL) + offset, length);

      for (guint64 i = 0; i < length; i++)
        copy[i] ^= stream->mask;
      return g_bytes_new_take (copy, length);
    }
  return g_bytes_new_from_bytes (stream->source, offset, length);
}

static void
on_wrote_chunk_cb (SoupServerMessage *msg,
                   gpointer           user_data)
{
  Stream *stream = user_data;
  SoupMessageBody *body = soup_server_message_get_response_body (msg);
  g_autoptr(GBytes) chunk = NULL;

  if (stream->position >= stream->end)
    {
      soup_message_body_complete (body);
      return;
    }

  if (stream->position >= stream->drop_at && !stream->dropped)
    {
      /* The client sees the connection end mid-body; the next write fails
       * and libsoup closes the connection on our side too. */
      stream->dropped = TRUE;
      g_socket_shutdown (soup_server_message_get_socket (msg), TRUE, TRUE, NULL);
      soup_message_body_append (body, SOUP_MEMORY_STATIC, "\0", 1);
      return;
    }
  if (stream->dropped)
    return;

  chunk = stream_next_chunk (stream);
  soup_message_body_append_bytes (body, chunk);
}

/* Sends @stream (taken) as the body of @msg, as it is written: the whole body
 * is never held in memory (videos of any size). */
void
_sd_simulator_send_stream (SoupServerMessage *msg,
                           Stream            *stream,
                           gboolean           chunked)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  SoupMessageBody *body = soup_server_message_get_response_body (msg);

  if (chunked)
    soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
  else
    soup_message_headers_set_content_length (headers, stream->end - stream->position);
  soup_message_body_set_accumulate (body, FALSE);

  g_signal_connect_data (msg, "wrote-chunk",
                         G_CALLBACK (on_wrote_chunk_cb),
                         stream, stream_free, 0);
  on_wrote_chunk_cb (msg, stream);
}

static gboolean
on_slow_reply_due_cb (gpointer user_data)
{
  SoupServerMessage *msg = user_data;
  SdSimulator *self = g_object_get_data (G_OBJECT (msg), "sd-simulator");
  guint source_id = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (msg), "sd-simulator-source"));

  g_hash_table_remove (self->slow_replies, GUINT_TO_POINTER (source_id));
  soup_server_message_unpause (msg);

  return G_SOURCE_REMOVE;
}

void
_sd_simulator_delay_reply (SdSimulator       *self,
                           SoupServerMessage *msg)
{
  guint source_id;

  soup_server_message_pause (msg);
  g_object_set_data (G_OBJECT (msg), "sd-simulator", self);
  source_id = g_timeout_add_full (G_PRIORITY_DEFAULT, self->slow_delay_ms,
                                  on_slow_reply_due_cb,
                                  g_object_ref (msg), g_object_unref);
  g_object_set_data (G_OBJECT (msg), "sd-simulator-source", GUINT_TO_POINTER (source_id));
  g_hash_table_add (self->slow_replies, GUINT_TO_POINTER (source_id));
}

void
_sd_simulator_send_bytes (SdSimulator       *self,
                          SoupServerMessage *msg,
                          guint              status,
                          const char        *content_type,
                          GBytes            *bytes,
                          SdSimulatorFault   fault)
{
  Stream *stream = g_new0 (Stream, 1);

  stream->source = g_bytes_ref (bytes);
  stream->end = g_bytes_get_size (bytes);
  stream->drop_at = G_MAXUINT64;
  if (fault == SD_SIMULATOR_FAULT_DROP_MID_BODY)
    stream->drop_at = stream->end / 2;

  soup_server_message_set_status (msg, status, NULL);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Content-Type", content_type);
  _sd_simulator_send_stream (msg, stream, fault == SD_SIMULATOR_FAULT_OVERSIZED_BODY_CHUNKED);

  if (fault == SD_SIMULATOR_FAULT_SLOW)
    _sd_simulator_delay_reply (self, msg);
}

static void
send_json (SdSimulator       *self,
           SoupServerMessage *msg,
           guint              status,
           JsonObject        *object,
           SdSimulatorFault   fault)
{
  g_autoptr(JsonNode) root = json_node_init_object (json_node_alloc (), object);
  g_autofree char *text = json_to_string (root, FALSE);
  g_autoptr(GBytes) bytes = NULL;
  gsize length = strlen (text);

  bytes = g_bytes_new_take (g_steal_pointer (&text), length);
  _sd_simulator_send_bytes (self, msg, status, "application/json", bytes, fault);
}

/* @text with the hostile text after it (a copy of @text without one). */
char *
_sd_simulator_with_hostile_text (SdSimulator *self,
                                 const char  *text)
{
  return g_strconcat (text != NULL ? text : "", self->hostile_text, NULL);
}

static JsonObject *
envelope_new (const char *code,
              const char *message)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "code", code);
  json_object_set_string_member (object, "msg", message);
  return object;
}

void
_sd_simulator_send_api_error (SdSimulator       *self,
                              SoupServerMessage *msg,
                              guint              status,
                              const char        *code,
                              const char        *message)
{
  g_autofree char *text = _sd_simulator_with_hostile_text (self, message);
  g_autoptr(JsonObject) object = envelope_new (code, text);

  send_json (self, msg, status, object, SD_SIMULATOR_FAULT_NONE);
}

void
_sd_simulator_send_success (SdSimulator       *self,
                            SoupServerMessage *msg,
                            JsonObject        *data,
                            SdSimulatorFault   fault)
{
  g_autofree char *text = _sd_simulator_with_hostile_text (self, "ok");
  g_autoptr(JsonObject) object = envelope_new ("20000", text);

  if (fault == SD_SIMULATOR_FAULT_OVERSIZED_BODY ||
      fault == SD_SIMULATOR_FAULT_OVERSIZED_BODY_CHUNKED)
    {
      g_autofree char *padding = g_malloc (OVERSIZED_PADDING + 1);

      memset (padding, 'x', OVERSIZED_PADDING);
      padding[OVERSIZED_PADDING] = '\0';
      json_object_set_string_member (data, "padding", padding);
    }

  json_object_set_object_member (object, "data", json_object_ref (data));
  send_json (self, msg, SOUP_STATUS_OK, object, fault);
}

/* Faults that replace the answer, whatever the request was. */
gboolean
_sd_simulator_send_replacing_fault (SdSimulator       *self,
                                    SoupServerMessage *msg,
                                    SdSimulatorStep    step,
                                    SdSimulatorFault   fault)
{
  static const char malformed_json[] = "{\"code\": \"20000\", \"msg\": \"ok\", \"data\": {\"task_id\": \"vid_";
  static const char html_page[] = "<!DOCTYPE html><html><body><h1>Please sign in to this network</h1></body></html>";
  g_autofree char *location = NULL;
  g_autofree char *retry_after = NULL;
  g_autoptr(GBytes) bytes = NULL;

  switch (fault)
    {
    case SD_SIMULATOR_FAULT_HTTP_500:
      _sd_simulator_send_api_error (self, msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "50000",
                                    "Internal server error (simulated)");
      return TRUE;

    case SD_SIMULATOR_FAULT_HTTP_503:
      _sd_simulator_send_api_error (self, msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "-1",
                                    "Server error, retry later (simulated)");
      return TRUE;

    case SD_SIMULATOR_FAULT_RATE_LIMITED:
      retry_after = g_strdup_printf ("%u", self->retry_after);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Retry-After", retry_after);
      _sd_simulator_send_api_error (self, msg, 429, "42900",
                                    "Too many requests, slow down (simulated)");
      return TRUE;

    case SD_SIMULATOR_FAULT_MALFORMED_JSON:
      if (step == SD_SIMULATOR_STEP_DOWNLOAD)
        {
          bytes = g_bytes_new_static (html_page, sizeof html_page - 1);
          _sd_simulator_send_bytes (self, msg, SOUP_STATUS_OK, "text/html", bytes, SD_SIMULATOR_FAULT_NONE);
        }
      else
        {
          bytes = g_bytes_new_static (malformed_json, sizeof malformed_json - 1);
          _sd_simulator_send_bytes (self, msg, SOUP_STATUS_OK, "application/json", bytes, SD_SIMULATOR_FAULT_NONE);
        }
      return TRUE;

    case SD_SIMULATOR_FAULT_REDIRECT_OTHER_HOST:
      location = g_strconcat (self->other_base_url,
                              g_uri_get_path (soup_server_message_get_uri (msg)),
                              NULL);
      soup_server_message_set_redirect (msg, SOUP_STATUS_FOUND, location);
      return TRUE;

    case SD_SIMULATOR_FAULT_NONE:
    case SD_SIMULATOR_FAULT_SLOW:
    case SD_SIMULATOR_FAULT_DROP_MID_BODY:
    case SD_SIMULATOR_FAULT_OVERSIZED_BODY:
    case SD_SIMULATOR_FAULT_OVERSIZED_BODY_CHUNKED:
    default:
      return FALSE;
    }
}

/* The sample pictures, in data/sample-images/ of the core resource. */
static const char * const sample_images[] = {
  "street-at-night.jpg",
  "red-coat.jpg",
  "umbrella.jpg",
};

/* Bookkeeping shared by every route */

static const char *
request_host (SoupServerMessage *msg)
{
  const char *host = g_uri_get_host (soup_server_message_get_uri (msg));

  return host != NULL ? host : "";
}

static gboolean
is_other_host (SdSimulator       *self,
               SoupServerMessage *msg)
{
  return g_str_equal (request_host (msg), self->other_host);
}

void
_sd_simulator_note_request (SdSimulator       *self,
                            SoupServerMessage *msg)
{
  const char *host = request_host (msg);
  const char *authorization;
  guint count;

  count = GPOINTER_TO_UINT (g_hash_table_lookup (self->host_counts, host));
  g_hash_table_replace (self->host_counts, g_strdup (host), GUINT_TO_POINTER (count + 1));

  authorization = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                "Authorization");
  if (authorization != NULL)
    g_hash_table_replace (self->auth_seen, g_strdup (host), g_strdup (authorization));
}

SdSimulatorFault
_sd_simulator_take_fault (SdSimulator       *self,
                          SoupServerMessage *msg,
                          SdSimulatorStep    step)
{
  FaultSlot *slot = &self->faults[step];
  SdSimulatorFault fault = slot->fault;

  self->counts[step]++;

  /* The other host answers normally: it is where redirects end. */
  if (is_other_host (self, msg) || fault == SD_SIMULATOR_FAULT_NONE)
    return SD_SIMULATOR_FAULT_NONE;

  if (slot->remaining > 0 && --slot->remaining == 0)
    slot->fault = SD_SIMULATOR_FAULT_NONE;

  return fault;
}

gboolean
_sd_simulator_check_method (SdSimulator       *self,
                            SoupServerMessage *msg,
                            const char        *allowed)
{
  const char *method = soup_server_message_get_method (msg);

  if (g_str_equal (method, allowed) ||
      (g_str_equal (allowed, SOUP_METHOD_GET) && g_str_equal (method, SOUP_METHOD_HEAD)))
    return TRUE;

  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", allowed);
  _sd_simulator_send_api_error (self, msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "40500", "Method not allowed");
  return FALSE;
}

gboolean
_sd_simulator_check_token (SdSimulator       *self,
                           SoupServerMessage *msg)
{
  const char *authorization =
    soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Authorization");
  g_autofree char *expected = g_strconcat ("Bearer ", self->token, NULL);

  if (g_strcmp0 (authorization, expected) == 0)
    return TRUE;

  _sd_simulator_send_api_error (self, msg, SOUP_STATUS_UNAUTHORIZED, "40100",
                                "Invalid or missing API token");
  return FALSE;
}

/* Create */

static gboolean
prompt_asks_to_fail (const char *prompt)
{
  g_autofree char *lower = g_ascii_strdown (prompt != NULL ? prompt : "", -1);
  const char *p = lower;

  while ((p = strstr (p, "fail")) != NULL)
    {
      gboolean starts_word = p == lower || !g_ascii_isalnum (p[-1]);
      gboolean ends_word = !g_ascii_isalnum (p[4]);

      if (starts_word && ends_word)
        return TRUE;
      p += 4;
    }

  return FALSE;
}

static char *
describe_problems (GPtrArray *problems)
{
  GString *text = g_string_new ("Invalid request:");

  for (guint i = 0; i < problems->len; i++)
    {
      SdProblem *problem = g_ptr_array_index (problems, i);

      g_string_append_printf (text, " %s: %s", problem->field, problem->message);
    }

  return g_string_free (text, FALSE);
}

/* Reads and checks a create body; on failure answers 400 and returns NULL. */
static SdRequest *
read_create_request (SdSimulator       *self,
                     SoupServerMessage *msg)
{
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(SdRequest) request = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  root = sd_api_parse_json (body, &error);
  if (root != NULL)
    request = sd_api_request_from_json (root, &error);
  if (request == NULL)
    {
      message = g_strdup_printf ("Invalid request body: %s", error->message);
      _sd_simulator_send_api_error (self, msg, SOUP_STATUS_BAD_REQUEST, "40000", message);
      return NULL;
    }

  problems = sd_request_validate (request,
                                  sd_catalog_lookup (self->catalog, sd_request_get_model (request)));
  if (problems->len > 0)
    {
      message = describe_problems (problems);
      _sd_simulator_send_api_error (self, msg, SOUP_STATUS_BAD_REQUEST, "40000", message);
      return NULL;
    }

  return g_steal_pointer (&request);
}

static SimTask *
add_task (SdSimulator *self,
          SdRequest   *request)
{
  SimTask *task = g_new0 (SimTask, 1);
  g_autofree char *id_text = g_strdup (self->hostile_text != NULL ? self->hostile_text : "");

  /* The client refuses ids with ASCII control characters, and a '/' would
   * split the id's path segment; the rest of a hostile text goes in. */
  for (char *p = id_text; *p != '\0'; p++)
    if (g_ascii_iscntrl (*p) || *p == '/')
      *p = '_';
  self->next_task++;
  task->id = g_strdup_printf ("vid_sim%04u%08x%s", self->next_task, g_random_int (), id_text);
  task->model = _sd_simulator_with_hostile_text (self, sd_request_get_model (request));
  task->created_at = g_get_real_time () / G_USEC_PER_SEC;
  task->created_us = sim_now_us (self);
  task->will_fail = prompt_asks_to_fail (sd_request_get_prompt (request));
  g_hash_table_insert (self->tasks, task->id, task);

  return task;
}

/**
 * sd_simulator_adopt_task:
 * @self: a simulator
 * @task_id: the id of a task an earlier simulator created
 * @model: (nullable): its model
 * @prompt: (nullable): its prompt ("fail" makes it fail, as on creation)
 *
 * Takes over an unfinished task of an earlier run (the demo history outlives
 * the in-process simulator), so that it finishes instead of staying unknown.
 * The task starts again from queued on this simulator's clock.
 */
void
sd_simulator_adopt_task (SdSimulator *self,
                         const char  *task_id,
                         const char  *model,
                         const char  *prompt)
{
  SimTask *task;

  g_return_if_fail (SD_IS_SIMULATOR (self));
  g_return_if_fail (task_id != NULL);

  if (g_hash_table_contains (self->tasks, task_id))
    return;

  task = g_new0 (SimTask, 1);
  task->id = g_strdup (task_id);
  task->model = g_strdup (model);
  task->created_at = g_get_real_time () / G_USEC_PER_SEC;
  task->created_us = sim_now_us (self);
  task->will_fail = prompt_asks_to_fail (prompt);
  g_hash_table_insert (self->tasks, task->id, task);
}

void
_sd_simulator_on_create_cb (SoupServer        *server,
                            SoupServerMessage *msg,
                            const char        *path,
                            GHashTable        *query,
                            gpointer           user_data)
{
  SdSimulator *self = user_data;
  g_autoptr(SdRequest) request = NULL;
  g_autoptr(JsonObject) data = NULL;
  SdSimulatorFault fault;
  SimTask *task;

  _sd_simulator_note_request (self, msg);
  if (!g_str_equal (path, SD_API_CREATE_PATH))
    {
      _sd_simulator_send_api_error (self, msg, SOUP_STATUS_NOT_FOUND, "40400", "Not found");
      return;
    }

  fault = _sd_simulator_take_fault (self, msg, SD_SIMULATOR_STEP_CREATE);
  if (_sd_simulator_send_replacing_fault (self, msg, SD_SIMULATOR_STEP_CREATE, fault) ||
      !_sd_simulator_check_method (self, msg, SOUP_METHOD_POST) ||
      !_sd_simulator_check_token (self, msg) ||
      (request = read_create_request (self, msg)) == NULL)
    return;

  task = add_task (self, request);
  data = json_object_new ();
  json_object_set_string_member (data, "task_id", task->id);
  json_object_set_string_member (data, "status", "queued");
  json_object_set_string_member (data, "model", task->model);
  json_object_set_int_member (data, "created_at", task->created_at);
  _sd_simulator_send_success (self, msg, data, fault);
}

/* Query */

static char *
video_url (SdSimulator *self,
           SimTask     *task)
{
  g_autofree char *escaped = g_uri_escape_string (task->id, NULL, FALSE);

  /* A hostile text goes raw into the fragment, which is never sent. */
  return g_strconcat (self->base_url, VIDEO_PATH, escaped, ".mp4",
                      self->hostile_text != NULL ? "#" : "", self->hostile_text, NULL);
}

static JsonObject *
task_to_json (SdSimulator *self,
              SimTask     *task)
{
  JsonObject *data = json_object_new ();
  gint64 updated_at = 0;
  SdTaskStatus status = _sd_sim_task_status (self, task, &updated_at);

  json_object_set_string_member (data, "task_id", task->id);
  json_object_set_string_member (data, "status", sd_api_status_to_string (status));
  json_object_set_string_member (data, "model", task->model);
  json_object_set_int_member (data, "created_at", task->created_at);
  json_object_set_int_member (data, "updated_at", updated_at);
  if (status == SD_TASK_STATUS_PROCESSING && self->processing_ms > 0)
    json_object_set_int_member (data, "progress",
                                CLAMP ((sim_now_us (self) - task->created_us) / 1000 - (gint64) self->queued_ms, 0,
                                       (gint64) self->processing_ms) * 100 / self->processing_ms);

  if (status == SD_TASK_STATUS_COMPLETED)
    {
      JsonObject *result = json_object_new ();
      g_autofree char *url = video_url (self, task);

      json_object_set_string_member (result, "video_url", url);
      json_object_set_object_member (data, "result", result);
    }
  else if (status == SD_TASK_STATUS_FAILED)
    {
      g_autofree char *reason =
        _sd_simulator_with_hostile_text (self, "Generation failed: the prompt asked the simulator to fail.");

      json_object_set_string_member (data, "error", reason);
    }

  return data;
}

/* The id in an escaped last path segment after @prefix, or NULL. */
char *
_sd_simulator_task_id_from_path (const char *path,
                                 const char *prefix,
                                 const char *suffix)
{
  g_autofree char *segment = NULL;
  gsize length;

  if (!g_str_has_prefix (path, prefix))
    return NULL;

  segment = g_strdup (path + strlen (prefix));
  length = strlen (segment);
  if (suffix != NULL)
    {
      if (!g_str_has_suffix (segment, suffix))
        return NULL;
      segment[length - strlen (suffix)] = '\0';
    }

  if (*segment == '\0' || strchr (segment, '/') != NULL)
    return NULL;

  return g_uri_unescape_string (segment, NULL);
}

void
_sd_simulator_on_query_cb (SoupServer        *server,
                           SoupServerMessage *msg,
                           const char        *path,
                           GHashTable        *query,
                           gpointer           user_data)
{
  SdSimulator *self = user_data;
  g_autofree char *task_id = NULL;
  g_autoptr(JsonObject) data = NULL;
  SdSimulatorFault fault;
  SimTask *task;

  _sd_simulator_note_request (self, msg);
  fault = _sd_simulator_take_fault (self, msg, SD_SIMULATOR_STEP_QUERY);
  if (_sd_simulator_send_replacing_fault (self, msg, SD_SIMULATOR_STEP_QUERY, fault) ||
      !_sd_simulator_check_method (self, msg, SOUP_METHOD_GET) ||
      !_sd_simulator_check_token (self, msg))
    return;

  task_id = _sd_simulator_task_id_from_path (path, SD_API_QUERY_PATH, NULL);
  task = task_id != NULL ? g_hash_table_lookup (self->tasks, task_id) : NULL;
  if (task == NULL)
    {
      _sd_simulator_send_api_error (self, msg, SOUP_STATUS_NOT_FOUND, "40400", "Task not found");
      return;
    }

  data = task_to_json (self, task);
  _sd_simulator_send_success (self, msg, data, fault);
}

/* Balance (PROVIDER-EXTRAS.md): a token without a cap, nothing spent. */

static void
on_balance_cb (SoupServer        *server,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  SdSimulator *self = user_data;
  g_autoptr(JsonObject) data = json_object_new ();

  _sd_simulator_note_request (self, msg);
  if (self->no_balance)
    {
      _sd_simulator_send_api_error (self, msg, SOUP_STATUS_NOT_FOUND, "40400", "Not found");
      return;
    }
  if (!_sd_simulator_check_method (self, msg, SOUP_METHOD_GET) || !_sd_simulator_check_token (self, msg))
    return;

  if (g_str_has_suffix (path, "/key/balance"))
    {
      json_object_set_string_member (data, "name", "simulator");
      json_object_set_int_member (data, "total_quota", 0);
      json_object_set_int_member (data, "used_quota", 0);
      json_object_set_int_member (data, "available_quota", 0);
      json_object_set_boolean_member (data, "unlimited", TRUE);
    }
  else
    {
      json_object_set_int_member (data, "balance", 1000);
      json_object_set_int_member (data, "used_coin", 0);
      json_object_set_int_member (data, "available", 1000);
    }
  _sd_simulator_send_success (self, msg, data, SD_SIMULATOR_FAULT_NONE);
}

void
sd_simulator_set_has_balance (SdSimulator *self,
                              gboolean     has_balance)
{
  g_return_if_fail (SD_IS_SIMULATOR (self));

  self->no_balance = !has_balance;
}

/* Download */

/* One end of a byte range: empty (FALSE in @present) or a decimal number. */
static gboolean
parse_range_bound (const char *text,
                   gsize       length,
                   guint64    *value,
                   gboolean   *present)
{
  g_autofree char *bound = g_strstrip (g_strndup (text, length));

  *present = *bound != '\0';
  *value = 0;
  return !*present || g_ascii_string_to_unsigned (bound, 10, 0, G_MAXUINT64, value, NULL);
}

/* A single "bytes=" range of a @total byte file, as [start, end). Returns
 * FALSE when there is no usable Range (the whole file is sent). */
static gboolean
parse_single_range (const char *header,
                    guint64     total,
                    guint64    *start,
                    guint64    *end,
                    gboolean   *satisfiable)
{
  const char *spec;
  const char *dash;
  guint64 first, last;
  gboolean has_first, has_last;

  if (header == NULL || !g_str_has_prefix (header, "bytes=") || strchr (header, ',') != NULL)
    return FALSE;

  spec = header + strlen ("bytes=");
  dash = strchr (spec, '-');
  if (dash == NULL ||
      !parse_range_bound (spec, dash - spec, &first, &has_first) ||
      !parse_range_bound (dash + 1, strlen (dash + 1), &last, &has_last) ||
      (!has_first && !has_last) ||
      (has_first && has_last && last < first))
    return FALSE;

  if (!has_first)
    {
      /* "bytes=-N": the last N bytes. */
      *satisfiable = last > 0 && total > 0;
      *start = total - MIN (last, total);
      *end = total;
      return TRUE;
    }

  *satisfiable = first < total;
  *start = first;
  *end = has_last ? MIN (last + 1, total) : total;
  return TRUE;
}

static void
send_video (SdSimulator       *self,
            SoupServerMessage *msg,
            SdSimulatorFault   fault)
{
  SoupMessageHeaders *request_headers = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  guint64 total = sd_simulator_get_video_size (self);
  guint64 start = 0;
  guint64 end = total;
  gboolean satisfiable = TRUE;
  gboolean partial;
  Stream *stream;
  guint version = MAX (self->video_version, 1);
  g_autofree char *etag = g_strdup_printf ("\"%" G_GUINT64_FORMAT "-v%u\"", total, version);
  const char *if_range = soup_message_headers_get_one (request_headers, "If-Range");

  partial = parse_single_range (soup_message_headers_get_one (request_headers, "Range"),
                                total, &start, &end, &satisfiable);
  /* If-Range naming another version (RFC 9110 13.1.5): the whole file. */
  if (partial && if_range != NULL && strcmp (if_range, etag) != 0)
    {
      partial = FALSE;
      start = 0;
      end = total;
    }
  soup_message_headers_replace (headers, "Accept-Ranges", "bytes");
  soup_message_headers_replace (headers, "ETag", etag);

  if (partial && !satisfiable)
    {
      g_autofree char *content_range = g_strdup_printf ("bytes */%" G_GUINT64_FORMAT, total);

      soup_message_headers_replace (headers, "Content-Range", content_range);
      soup_server_message_set_status (msg, SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE, NULL);
      return;
    }

  if (partial)
    soup_message_headers_set_content_range (headers, start, end - 1, total);
  soup_server_message_set_status (msg, partial ? SOUP_STATUS_PARTIAL_CONTENT : SOUP_STATUS_OK, NULL);
  soup_message_headers_replace (headers, "Content-Type", "video/mp4");

  stream = g_new0 (Stream, 1);
  stream->source = g_bytes_ref (self->sample);
  stream->repeat = TRUE;
  stream->position = start;
  stream->end = end;
  stream->drop_at = fault == SD_SIMULATOR_FAULT_DROP_MID_BODY ? start + (end - start) / 2 : G_MAXUINT64;
  stream->mask = (guint8) (version - 1);
  _sd_simulator_send_stream (msg, stream, FALSE);

  if (fault == SD_SIMULATOR_FAULT_SLOW)
    _sd_simulator_delay_reply (self, msg);
}

void
_sd_simulator_on_video_cb (SoupServer        *server,
                           SoupServerMessage *msg,
                           const char        *path,
                           GHashTable        *query,
                           gpointer           user_data)
{
  SdSimulator *self = user_data;
  g_autofree char *task_id = NULL;
  SdSimulatorFault fault;
  SimTask *task;
  gint64 updated_at;

  _sd_simulator_note_request (self, msg);
  fault = _sd_simulator_take_fault (self, msg, SD_SIMULATOR_STEP_DOWNLOAD);
  if (_sd_simulator_send_replacing_fault (self, msg, SD_SIMULATOR_STEP_DOWNLOAD, fault) ||
      !_sd_simulator_check_method (self, msg, SOUP_METHOD_GET))
    return;

  task_id = _sd_simulator_task_id_from_path (path, VIDEO_PATH, ".mp4");
  task = task_id != NULL ? g_hash_table_lookup (self->tasks, task_id) : NULL;
  if (task == NULL ||
      _sd_sim_task_status (self, task, &updated_at) != SD_TASK_STATUS_COMPLETED)
    {
      _sd_simulator_send_api_error (self, msg, SOUP_STATUS_NOT_FOUND, "40400", "No such video");
      return;
    }

  send_video (self, msg, fault);
}

static void
on_image_cb (SoupServer        *server,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query,
             gpointer           user_data)
{
  SdSimulator *self = user_data;
  g_autofree char *resource = NULL;
  g_autoptr(GBytes) image = NULL;
  const char *name = path + strlen (IMAGE_PATH);

  _sd_simulator_note_request (self, msg);
  if (!_sd_simulator_check_method (self, msg, SOUP_METHOD_GET))
    return;

  for (guint i = 0; i < G_N_ELEMENTS (sample_images) && image == NULL; i++)
    if (g_str_equal (name, sample_images[i]))
      {
        resource = g_strconcat (IMAGE_RESOURCE_DIR, name, NULL);
        image = g_resource_lookup_data (sd_core_get_resource (), resource,
                                        G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
      }
  if (image == NULL)
    {
      _sd_simulator_send_api_error (self, msg, SOUP_STATUS_NOT_FOUND, "40400", "No such image");
      return;
    }

  _sd_simulator_send_bytes (self, msg, SOUP_STATUS_OK, "image/jpeg", image, SD_SIMULATOR_FAULT_NONE);
}

/* POST /api/open-api/v1/files/upload, and what was uploaded */

static void
on_upload_cb (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  SdSimulator *self = user_data;
  g_autoptr(JsonObject) data = NULL;
  g_autofree char *message = NULL;
  const char *code = NULL;
  guint status = 0;
  SdSimulatorFault fault;

  _sd_simulator_note_request (self, msg);
  fault = _sd_simulator_take_fault (self, msg, SD_SIMULATOR_STEP_UPLOAD);
  if (fault == SD_SIMULATOR_FAULT_NO_ENDPOINT || !g_str_equal (path, SD_UPLOAD_PATH))
    {
      _sd_simulator_send_api_error (self, msg, SOUP_STATUS_NOT_FOUND, "40400", "Not found");
      return;
    }
  if (fault == SD_SIMULATOR_FAULT_TOO_LARGE)
    {
      _sd_simulator_send_api_error (self, msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "41300",
                                    "File too large (simulated)");
      return;
    }
  if (_sd_simulator_send_replacing_fault (self, msg, SD_SIMULATOR_STEP_UPLOAD, fault) ||
      !_sd_simulator_check_method (self, msg, SOUP_METHOD_POST) ||
      !_sd_simulator_check_token (self, msg))
    return;

  data = sd_sim_uploads_store (self->uploads, msg,
                               self->tls_base_url != NULL ? self->tls_base_url : self->base_url,
                               &status, &code, &message);
  if (data == NULL)
    {
      _sd_simulator_send_api_error (self, msg, status, code, message);
      return;
    }
  _sd_simulator_send_success (self, msg, data, fault);
}

static void
on_uploaded_file_cb (SoupServer        *server,
                     SoupServerMessage *msg,
                     const char        *path,
                     GHashTable        *query,
                     gpointer           user_data)
{
  SdSimulator *self = user_data;
  g_autoptr(GBytes) bytes = NULL;
  const char *content_type = NULL;

  _sd_simulator_note_request (self, msg);
  if (!_sd_simulator_check_method (self, msg, SOUP_METHOD_GET))
    return;
  bytes = sd_sim_uploads_lookup (self->uploads, path, &content_type);
  if (bytes == NULL)
    {
      _sd_simulator_send_api_error (self, msg, SOUP_STATUS_NOT_FOUND, "40400", "No such upload");
      return;
    }
  _sd_simulator_send_bytes (self, msg, SOUP_STATUS_OK, content_type, bytes, SD_SIMULATOR_FAULT_NONE);
}

static void
on_other_path_cb (SoupServer        *server,
                  SoupServerMessage *msg,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  SdSimulator *self = user_data;

  _sd_simulator_note_request (self, msg);
  _sd_simulator_send_api_error (self, msg, SOUP_STATUS_NOT_FOUND, "40400", "Not found");
}

/* Construction */

static SoupServer *
listen_on (SdSimulator  *self,
           const char   *address,
           guint        *port,
           GError      **error)
{
  g_autoptr(SoupServer) server = soup_server_new ("server-header", "SeedanceSimulator ", NULL);
  g_autoptr(GSocketAddress) socket_address = g_inet_socket_address_new_from_string (address, 0);
  GSList *uris;

  if (!soup_server_listen (server, socket_address, 0, error))
    return NULL;

  uris = soup_server_get_uris (server);
  *port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  soup_server_add_handler (server, NULL, on_other_path_cb, self, NULL);
  soup_server_add_handler (server, SD_API_CREATE_PATH, _sd_simulator_on_create_cb, self, NULL);
  soup_server_add_handler (server, "/api/open-api/v1/videos", _sd_simulator_on_query_cb, self, NULL);
  soup_server_add_handler (server, "/api/open-api/v1/key/balance", on_balance_cb, self, NULL);
  soup_server_add_handler (server, "/api/open-api/v1/user/balance", on_balance_cb, self, NULL);
  soup_server_add_handler (server, "/videos", _sd_simulator_on_video_cb, self, NULL);
  soup_server_add_handler (server, "/images", on_image_cb, self, NULL);
  _sd_sim_media_attach (self->media, server);
  soup_server_add_handler (server, SD_UPLOAD_PATH, on_upload_cb, self, NULL);
  soup_server_add_handler (server, SD_SIM_UPLOADS_PATH, on_uploaded_file_cb, self, NULL);

  return g_steal_pointer (&server);
}

/* The first server also listens with TLS, with a certificate for 127.0.0.1
 * made for the demo (its key is public: only loopback links may be trusted
 * with it, see sd_simulator_get_tls_certificate()). Without a TLS backend
 * (glib-networking) the simulator runs on plain http alone. */
static gboolean
listen_with_tls (SdSimulator  *self,
                 GError      **error)
{
  g_autoptr(GBytes) pem = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GSocketAddress) socket_address = g_inet_socket_address_new_from_string ("127.0.0.1", 0);
  GSList *uris;

  pem = g_resource_lookup_data (sd_core_get_resource (), TLS_RESOURCE,
                                G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  if (pem == NULL)
    return FALSE;
  certificate = g_tls_certificate_new_from_pem (g_bytes_get_data (pem, NULL),
                                                g_bytes_get_size (pem), error);
  if (certificate == NULL)
    return FALSE;

  soup_server_set_tls_certificate (self->server, certificate);
  if (!soup_server_listen (self->server, socket_address, SOUP_SERVER_LISTEN_HTTPS, error))
    return FALSE;

  uris = soup_server_get_uris (self->server);
  for (GSList *l = uris; l != NULL; l = l->next)
    if (g_str_equal (g_uri_get_scheme (l->data), "https"))
      self->tls_base_url = g_strdup_printf ("https://127.0.0.1:%d", g_uri_get_port (l->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  self->tls_certificate = g_steal_pointer (&certificate);
  return self->tls_base_url != NULL;
}

static void
make_sample_image_urls (SdSimulator *self)
{
  const char *base = self->tls_base_url != NULL ? self->tls_base_url : self->base_url;

  self->sample_image_urls = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < G_N_ELEMENTS (sample_images); i++)
    g_ptr_array_add (self->sample_image_urls,
                     g_strconcat (base, IMAGE_PATH, sample_images[i], NULL));
}

/**
 * sd_simulator_new:
 * @catalog: the catalogue create requests are checked against
 * @error: where to report a failure to listen
 *
 * Returns: (transfer full) (nullable): a running simulator
 */
SdSimulator *
sd_simulator_new (SdCatalog  *catalog,
                  GError    **error)
{
  g_autoptr(SdSimulator) self = NULL;
  g_autoptr(GError) other_error = NULL;
  guint port = 0;
  guint other_port = 0;

  g_return_val_if_fail (SD_IS_CATALOG (catalog), NULL);

  self = g_object_new (SD_TYPE_SIMULATOR, NULL);
  self->catalog = g_object_ref (catalog);
  self->sample = g_resource_lookup_data (sd_core_get_resource (), SAMPLE_RESOURCE,
                                         G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  if (self->sample == NULL)
    return NULL;

  self->server = listen_on (self, "127.0.0.1", &port, error);
  if (self->server == NULL)
    return NULL;
  self->base_url = g_strdup_printf ("http://127.0.0.1:%u", port);

  if (!listen_with_tls (self, &other_error))
    {
      g_debug ("No TLS on the simulator (%s); sample images are on http", other_error->message);
      g_clear_object (&self->tls_certificate);
      g_clear_error (&other_error);
    }
  make_sample_image_urls (self);

  self->other_server = listen_on (self, "127.0.0.2", &other_port, &other_error);
  if (self->other_server != NULL)
    {
      self->other_host = g_strdup ("127.0.0.2");
      self->other_base_url = g_strdup_printf ("http://127.0.0.2:%u", other_port);
    }
  else
    {
      g_debug ("No second host on 127.0.0.2 (%s); using localhost", other_error->message);
      self->other_host = g_strdup ("localhost");
      self->other_base_url = g_strdup_printf ("http://localhost:%u", port);
    }

  return g_steal_pointer (&self);
}

const char *
sd_simulator_get_base_url (SdSimulator *self)
{
  g_return_val_if_fail (SD_IS_SIMULATOR (self), NULL);

  return self->base_url;
}

const char *
sd_simulator_get_other_base_url (SdSimulator *self)
{
  g_return_val_if_fail (SD_IS_SIMULATOR (self), NULL);

  return self->other_base_url;
}

const char *
sd_simulator_get_tls_base_url (SdSimulator *self)
{
  g_return_val_if_fail (SD_IS_SIMULATOR (self), NULL);

  return self->tls_base_url;
}

GTlsCertificate *
sd_simulator_get_tls_certificate (SdSimulator *self)
{
  g_return_val_if_fail (SD_IS_SIMULATOR (self), NULL);

  return self->tls_certificate;
}

guint
sd_simulator_get_n_sample_images (SdSimulator *self)
{
  g_return_val_if_fail (SD_IS_SIMULATOR (self), 0);

  return self->sample_image_urls->len;
}

const char *
sd_simulator_get_sample_image_url (SdSimulator *self,
                                   guint        index)
{
  g_return_val_if_fail (SD_IS_SIMULATOR (self), NULL);

  if (index >= self->sample_image_urls->len)
    return NULL;
  return g_ptr_array_index (self->sample_image_urls, index);
}

const char *
sd_simulator_get_token (SdSimulator *self)
{
  g_return_val_if_fail (SD_IS_SIMULATOR (self), NULL);

  return self->token;
}

void
sd_simulator_set_token (SdSimulator *self,
                        const char  *token)
{
  g_return_if_fail (SD_IS_SIMULATOR (self));
  g_return_if_fail (token != NULL && *token != '\0');

  g_free (self->token);
  self->token = g_strdup (token);
}

void
sd_simulator_set_timing (SdSimulator *self,
                         guint        queued_ms,
                         guint        processing_ms)
{
  g_return_if_fail (SD_IS_SIMULATOR (self));

  self->queued_ms = queued_ms;
  self->processing_ms = processing_ms;
}

void
sd_simulator_set_manual_clock (SdSimulator *self,
                               gboolean     manual)
{
  g_return_if_fail (SD_IS_SIMULATOR (self));

  if (manual && !self->manual_clock)
    self->manual_now_us = g_get_monotonic_time ();
  self->manual_clock = !!manual;
}

void
sd_simulator_advance_clock (SdSimulator *self,
                            guint        ms)
{
  g_return_if_fail (SD_IS_SIMULATOR (self));
  g_return_if_fail (self->manual_clock);

  self->manual_now_us += (gint64) ms * 1000;
}

void
sd_simulator_set_video_size (SdSimulator *self,
                             guint64      bytes)
{
  g_return_if_fail (SD_IS_SIMULATOR (self));

  self->video_size = bytes;
}

void
sd_simulator_set_video_version (SdSimulator *self,
                                guint        version)
{
  g_return_if_fail (SD_IS_SIMULATOR (self));

  self->video_version = version;
}

guint64
sd_simulator_get_video_size (SdSimulator *self)
{
  g_return_val_if_fail (SD_IS_SIMULATOR (self), 0);

  return self->video_size > 0 ? self->video_size : g_bytes_get_size (self->sample);
}

void
sd_simulator_set_fault (SdSimulator      *self,
                        SdSimulatorStep   step,
                        SdSimulatorFault  fault,
                        guint             times)
{
  g_return_if_fail (SD_IS_SIMULATOR (self));
  g_return_if_fail (step < SD_SIMULATOR_N_STEPS);

  self->faults[step].fault = fault;
  self->faults[step].remaining = times;
}

void
sd_simulator_set_retry_after (SdSimulator *self,
                              guint        seconds)
{
  g_return_if_fail (SD_IS_SIMULATOR (self));

  self->retry_after = seconds;
}

void
sd_simulator_set_slow_delay (SdSimulator *self,
                             guint        delay_ms)
{
  g_return_if_fail (SD_IS_SIMULATOR (self));

  self->slow_delay_ms = delay_ms;
}

/**
 * sd_simulator_set_hostile_text:
 * @self: a simulator
 * @text: (nullable): valid UTF-8 (escape sequences, bidi controls…), or
 *   %NULL for plain answers
 *
 * Plays a hostile server: @text is added to every text the simulator makes
 * up from then on, the msg of every answer, the failure reason, the model
 * of new tasks, their id (with ASCII control characters and '/' made `_`:
 * the client refuses the first in an id, and the second would split the
 * id's path segment) and the fragment of the video address.
 */
void
sd_simulator_set_hostile_text (SdSimulator *self,
                               const char  *text)
{
  g_return_if_fail (SD_IS_SIMULATOR (self));
  g_return_if_fail (text == NULL || g_utf8_validate (text, -1, NULL));

  g_free (self->hostile_text);
  self->hostile_text = g_strdup (text);
}

guint
sd_simulator_get_request_count (SdSimulator     *self,
                                SdSimulatorStep  step)
{
  g_return_val_if_fail (SD_IS_SIMULATOR (self), 0);
  g_return_val_if_fail (step < SD_SIMULATOR_N_STEPS, 0);

  return self->counts[step];
}

guint
sd_simulator_get_host_request_count (SdSimulator *self,
                                     const char  *host)
{
  g_return_val_if_fail (SD_IS_SIMULATOR (self), 0);
  g_return_val_if_fail (host != NULL, 0);

  return GPOINTER_TO_UINT (g_hash_table_lookup (self->host_counts, host));
}

const char *
sd_simulator_get_auth_seen (SdSimulator *self,
                            const char  *host)
{
  g_return_val_if_fail (SD_IS_SIMULATOR (self), NULL);
  g_return_val_if_fail (host != NULL, NULL);

  return g_hash_table_lookup (self->auth_seen, host);
}

guint
sd_simulator_get_task_count (SdSimulator *self)
{
  g_return_val_if_fail (SD_IS_SIMULATOR (self), 0);

  return g_hash_table_size (self->tasks);
}

/**
 * sd_simulator_add_media:
 * @self: the simulator
 * @name: the file name under /media/
 * @content_type: the Content-Type it is served with
 * @bytes: (nullable): what GET sends
 * @announced_size: the Content-Length HEAD announces (0: the real size)
 * @delay_ms: how late every answer comes (0: at once)
 * @flags: how the route misbehaves
 *
 * Serves @bytes as "<base URL>/media/@name" on every host; any other name
 * there is a 404 with an HTML page, and "/media/redirect/<n>/@name" is n
 * redirects away from it.
 */
void
sd_simulator_add_media (SdSimulator           *self,
                        const char            *name,
                        const char            *content_type,
                        GBytes                *bytes,
                        guint64                announced_size,
                        guint                  delay_ms,
                        SdSimulatorMediaFlags  flags)
{
  g_return_if_fail (SD_IS_SIMULATOR (self));
  g_return_if_fail (name != NULL && content_type != NULL);

  _sd_sim_media_add (self->media, name, content_type, bytes, announced_size, delay_ms, flags);
}

/**
 * sd_simulator_get_media_url:
 * @self: the simulator
 * @name: a name under /media/
 *
 * Returns: (transfer full): its https link (http where there is no TLS)
 */
char *
sd_simulator_get_media_url (SdSimulator *self,
                            const char  *name)
{
  g_return_val_if_fail (SD_IS_SIMULATOR (self), NULL);

  return g_strconcat (self->tls_base_url != NULL ? self->tls_base_url : self->base_url,
                      "/media/", name, NULL);
}

/* Requests that reached /media/ so far, on any host. */
guint
sd_simulator_get_media_request_count (SdSimulator *self)
{
  g_return_val_if_fail (SD_IS_SIMULATOR (self), 0);

  return _sd_sim_media_get_count (self->media);
}

void
sd_simulator_set_upload_limit (SdSimulator *self,
                               guint64      bytes)
{
  g_return_if_fail (SD_IS_SIMULATOR (self));

  sd_sim_uploads_set_limit (self->uploads, bytes);
}

guint
sd_simulator_get_n_uploads (SdSimulator *self)
{
  g_return_val_if_fail (SD_IS_SIMULATOR (self), 0);

  return sd_sim_uploads_get_count (self->uploads);
}

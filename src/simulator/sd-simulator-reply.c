/* sd-simulator-reply.c: how the simulator answers: streams, delays, envelopes and faults
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
  SdSimHeldFunc then = g_object_get_data (G_OBJECT (msg), "sd-simulator-then");
  guint source_id = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (msg), "sd-simulator-source"));

  g_hash_table_remove (self->slow_replies, GUINT_TO_POINTER (source_id));
  if (then != NULL)
    then (self, msg);
  soup_server_message_unpause (msg);

  return G_SOURCE_REMOVE;
}

/* Holds @msg for the slow delay; @then (if any) is called when it is over,
 * before the answer goes. */
void
_sd_simulator_delay_reply (SdSimulator       *self,
                           SoupServerMessage *msg,
                           SdSimHeldFunc      then)
{
  guint source_id;

  soup_server_message_pause (msg);
  g_object_set_data (G_OBJECT (msg), "sd-simulator", self);
  g_object_set_data (G_OBJECT (msg), "sd-simulator-then", then);
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
    _sd_simulator_delay_reply (self, msg, NULL);
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

    case SD_SIMULATOR_FAULT_QUEUE_FULL:
      _sd_simulator_send_api_error (self, msg, SOUP_STATUS_OK, SD_API_CODE_QUEUE_FULL,
                                    "Task queue is full, please try again later (simulated)");
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
    case SD_SIMULATOR_FAULT_LATE:
    default:
      return FALSE;
    }
}

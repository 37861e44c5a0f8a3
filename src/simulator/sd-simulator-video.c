/* sd-simulator-video.c: the simulator's video downloads, with byte ranges
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
    _sd_simulator_delay_reply (self, msg, NULL);
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

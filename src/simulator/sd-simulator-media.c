/* sd-simulator-media.c: the simulator's shelf of test media
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-simulator"

#include "config.h"

#include <string.h>

#include "sd-simulator-media.h"
#include "sd-simulator-test.h"

#define MEDIA_PATH     "/media/"
#define REDIRECT_PATH  "/media/redirect/"

typedef struct
{
  char                  *content_type;
  GBytes                *bytes;
  guint64                announced_size;  /* 0: the real one */
  guint                  delay_ms;
  SdSimulatorMediaFlags  flags;
} MediaEntry;

struct _SdSimMedia
{
  GHashTable *entries;   /* name → MediaEntry */
  GHashTable *pending;   /* SoupServerMessage → source id of its late answer */
  guint       count;
};

static void
media_entry_free (MediaEntry *entry)
{
  g_free (entry->content_type);
  g_bytes_unref (entry->bytes);
  g_free (entry);
}

SdSimMedia *
_sd_sim_media_new (void)
{
  SdSimMedia *media = g_new0 (SdSimMedia, 1);

  media->entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) media_entry_free);
  media->pending = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
  return media;
}

static void
remove_source (guint id)
{
  GSource *source = g_main_context_find_source_by_id (g_main_context_get_thread_default (), id);

  if (source != NULL)
    g_source_destroy (source);
}

static gboolean
remove_pending (gpointer key,
                gpointer value,
                gpointer user_data)
{
  g_signal_handlers_disconnect_by_data (key, user_data);
  remove_source (GPOINTER_TO_UINT (value));
  return TRUE;
}

void
_sd_sim_media_free (SdSimMedia *media)
{
  if (media == NULL)
    return;
  g_hash_table_foreach_remove (media->pending, remove_pending, media);
  g_hash_table_unref (media->pending);
  g_hash_table_unref (media->entries);
  g_free (media);
}

void
_sd_sim_media_add (SdSimMedia            *media,
                   const char            *name,
                   const char            *content_type,
                   GBytes                *bytes,
                   guint64                announced_size,
                   guint                  delay_ms,
                   guint                  flags)
{
  MediaEntry *entry = g_new0 (MediaEntry, 1);

  entry->content_type = g_strdup (content_type);
  entry->bytes = bytes != NULL ? g_bytes_ref (bytes) : g_bytes_new (NULL, 0);
  entry->announced_size = announced_size;
  entry->delay_ms = delay_ms;
  entry->flags = flags;
  g_hash_table_replace (media->entries, g_strdup (name), entry);
}

guint
_sd_sim_media_get_count (SdSimMedia *media)
{
  return media->count;
}

/* "bytes=START-END" or "bytes=START-" (a single range, as the checks and
 * GStreamer ask): TRUE with the range clamped to @size. */
static gboolean
parse_range (const char *header,
             gsize       size,
             gsize      *start,
             gsize      *end)
{
  guint64 first, last = G_MAXUINT64;
  char *rest = NULL;

  if (header == NULL || !g_str_has_prefix (header, "bytes="))
    return FALSE;
  header += strlen ("bytes=");
  first = g_ascii_strtoull (header, &rest, 10);
  if (rest == header || *rest != '-')
    return FALSE;
  if (rest[1] != '\0')
    {
      char *after = NULL;

      last = g_ascii_strtoull (rest + 1, &after, 10);
      if (after == rest + 1 || *after != '\0' || last < first)
        return FALSE;
    }
  *start = (gsize) MIN (first, (guint64) size);
  *end = size == 0 ? 0 : (gsize) MIN (last, (guint64) size - 1);
  return TRUE;
}

/* libsoup's own answer to a Range asks past the end of a body shorter
 * than the range: the ranges are answered here. */
static void
answer_range (SoupServerMessage *msg,
              GBytes            *bytes)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  const char *range = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Range");
  gsize size = g_bytes_get_size (bytes);
  g_autoptr(GBytes) part = NULL;
  g_autofree char *content_range = NULL;
  gsize start, end;

  if (!parse_range (range, size, &start, &end))
    {
      soup_message_body_append_bytes (soup_server_message_get_response_body (msg), bytes);
      return;
    }
  if (start >= size)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE, NULL);
      content_range = g_strdup_printf ("bytes */%" G_GSIZE_FORMAT, size);
      soup_message_headers_replace (headers, "Content-Range", content_range);
      return;
    }
  part = g_bytes_new_from_bytes (bytes, start, end - start + 1);
  content_range = g_strdup_printf ("bytes %" G_GSIZE_FORMAT "-%" G_GSIZE_FORMAT "/%" G_GSIZE_FORMAT,
                                   start, end, size);
  soup_server_message_set_status (msg, SOUP_STATUS_PARTIAL_CONTENT, NULL);
  soup_message_headers_replace (headers, "Content-Range", content_range);
  soup_message_body_append_bytes (soup_server_message_get_response_body (msg), part);
}

/* A HEAD answer may announce a size the body never has to carry, so a test
 * of the 200 MB rule costs nothing; GET always sends the real bytes. */
static void
fill_answer (SoupServerMessage *msg,
             MediaEntry        *entry)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  gboolean head = g_str_equal (soup_server_message_get_method (msg), SOUP_METHOD_HEAD);

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_replace (headers, "Content-Type", entry->content_type);
  soup_message_headers_replace (headers, "Accept-Ranges", "bytes");
  if (head && entry->announced_size > 0)
    {
      soup_message_headers_set_content_length (headers, (goffset) entry->announced_size);
      return;
    }
  answer_range (msg, entry->bytes);
}

typedef struct
{
  SdSimMedia        *media;
  SoupServerMessage *msg;
  MediaEntry        *entry;
} LateAnswer;

static gboolean
on_late_answer_due_cb (gpointer user_data)
{
  LateAnswer *late = user_data;

  fill_answer (late->msg, late->entry);
  soup_server_message_unpause (late->msg);
  g_hash_table_remove (late->media->pending, late->msg);
  return G_SOURCE_REMOVE;
}

static void
on_late_answer_disconnected_cb (SoupServerMessage *msg,
                                SdSimMedia        *media)
{
  gpointer source_id;

  if (g_hash_table_lookup_extended (media->pending, msg, NULL, &source_id))
    {
      remove_source (GPOINTER_TO_UINT (source_id));
      g_hash_table_remove (media->pending, msg);
    }
}

static void
answer_late (SdSimMedia        *media,
             SoupServerMessage *msg,
             MediaEntry        *entry)
{
  LateAnswer *late = g_new0 (LateAnswer, 1);
  GSource *source;
  guint source_id;

  late->media = media;
  late->msg = msg;
  late->entry = entry;
  soup_server_message_pause (msg);
  source = g_timeout_source_new (entry->delay_ms);
  g_source_set_callback (source, on_late_answer_due_cb, late, g_free);
  /* The server's own context, which need not be the global default one. */
  source_id = g_source_attach (source, g_main_context_get_thread_default ());
  g_source_unref (source);
  g_hash_table_insert (media->pending, g_object_ref (msg), GUINT_TO_POINTER (source_id));
  g_signal_connect (msg, "disconnected", G_CALLBACK (on_late_answer_disconnected_cb), media);
}

/* /media/redirect/<n>/<name>: n hops of 302 before /media/<name>. */
static gboolean
answer_redirect (SoupServerMessage *msg,
                 const char        *path)
{
  g_autofree char *location = NULL;
  const char *rest = path + strlen (REDIRECT_PATH);
  char *end = NULL;
  guint64 hops;

  if (!g_str_has_prefix (path, REDIRECT_PATH))
    return FALSE;
  hops = g_ascii_strtoull (rest, &end, 10);
  if (end == rest || *end != '/')
    return FALSE;
  if (hops > 1)
    location = g_strdup_printf ("%s%" G_GUINT64_FORMAT "%s", REDIRECT_PATH, hops - 1, end);
  else
    location = g_strconcat (MEDIA_PATH, end + 1, NULL);
  soup_server_message_set_redirect (msg, SOUP_STATUS_FOUND, location);
  return TRUE;
}

static void
on_media_cb (SoupServer        *server,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query,
             gpointer           user_data)
{
  SdSimMedia *media = user_data;
  const char *method = soup_server_message_get_method (msg);
  MediaEntry *entry;

  media->count++;
  if (answer_redirect (msg, path))
    return;

  entry = g_hash_table_lookup (media->entries, path + strlen (MEDIA_PATH));
  if (entry == NULL)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC,
                                        "<html><body>Not found</body></html>", 35);
      return;
    }
  if (g_str_equal (method, SOUP_METHOD_HEAD) && (entry->flags & SD_SIMULATOR_MEDIA_REFUSE_HEAD))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL);
      return;
    }
  if (!g_str_equal (method, SOUP_METHOD_HEAD) && !g_str_equal (method, SOUP_METHOD_GET))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL);
      return;
    }

  if (entry->delay_ms > 0)
    answer_late (media, msg, entry);
  else
    fill_answer (msg, entry);
}

void
_sd_sim_media_attach (SdSimMedia *media,
                      SoupServer *server)
{
  soup_server_add_handler (server, "/media", on_media_cb, media, NULL);
}

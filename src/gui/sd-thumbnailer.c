/* sd-thumbnailer.c: small previews of image links, fetched asynchronously
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-thumbnailer"

#include "config.h"

#include <glib/gi18n.h>

#include "sd-client.h"
#include "sd-context.h"
#include "sd-thumbnailer.h"

#define CACHE_SIZE 64
#define CHUNK_SIZE (64 * 1024)
/* Twice the 48 px the rows show, for scale-2 screens. */
#define THUMBNAIL_SIZE 96

struct _SdThumbnailer
{
  GObject      parent_instance;

  SoupSession *session;
  GTlsCertificate *loopback_certificate;
  GQueue       lru;   /* CacheEntry, most recently used first */
  GHashTable  *index; /* url → GList link in @lru */
};

G_DEFINE_FINAL_TYPE (SdThumbnailer, sd_thumbnailer, G_TYPE_OBJECT)

typedef struct
{
  char       *url;
  GdkTexture *texture;
} CacheEntry;

typedef struct
{
  char          *url;
  GInputStream  *stream;
  GByteArray    *data;
} LoadData;

static void
cache_entry_free (CacheEntry *entry)
{
  g_free (entry->url);
  g_clear_object (&entry->texture);
  g_free (entry);
}

static void
load_data_free (LoadData *data)
{
  g_free (data->url);
  g_clear_object (&data->stream);
  g_clear_pointer (&data->data, g_byte_array_unref);
  g_free (data);
}

static void
sd_thumbnailer_finalize (GObject *object)
{
  SdThumbnailer *self = SD_THUMBNAILER (object);

  g_hash_table_unref (self->index);
  g_queue_clear_full (&self->lru, (GDestroyNotify) cache_entry_free);
  g_clear_object (&self->session);
  g_clear_object (&self->loopback_certificate);

  G_OBJECT_CLASS (sd_thumbnailer_parent_class)->finalize (object);
}

static void
sd_thumbnailer_class_init (SdThumbnailerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sd_thumbnailer_finalize;
}

static void
sd_thumbnailer_init (SdThumbnailer *self)
{
  g_queue_init (&self->lru);
  self->index = g_hash_table_new (g_str_hash, g_str_equal);
}

SdThumbnailer *
sd_thumbnailer_new (SoupSession *session)
{
  SdThumbnailer *self;

  g_return_val_if_fail (SOUP_IS_SESSION (session), NULL);

  self = g_object_new (SD_TYPE_THUMBNAILER, NULL);
  self->session = g_object_ref (session);
  return self;
}

/* The demo's sample pictures come from the demo server's https listener;
 * the demo can start (or end) after the thumbnailer is made. */
static void
follow_demo (SdThumbnailer *self,
             GParamSpec    *pspec,
             SdContext     *context)
{
  /* NULL out of demo mode */
  sd_thumbnailer_set_loopback_certificate (self, sd_context_get_tls_certificate (context));
}

SdThumbnailer *
sd_thumbnailer_new_for_context (SdContext *context)
{
  SdThumbnailer *self;

  g_return_val_if_fail (SD_IS_CONTEXT (context), NULL);

  self = sd_thumbnailer_new (sd_client_get_session (sd_context_get_client (context)));
  follow_demo (self, NULL, context);
  g_signal_connect_object (context, "notify::demo", G_CALLBACK (follow_demo), self,
                           G_CONNECT_SWAPPED);
  return self;
}

void
sd_thumbnailer_set_loopback_certificate (SdThumbnailer   *self,
                                         GTlsCertificate *certificate)
{
  g_return_if_fail (SD_IS_THUMBNAILER (self));
  g_return_if_fail (certificate == NULL || G_IS_TLS_CERTIFICATE (certificate));

  g_set_object (&self->loopback_certificate, certificate);
}

GdkTexture *
sd_thumbnailer_lookup (SdThumbnailer *self,
                       const char    *url)
{
  GList *link;

  g_return_val_if_fail (SD_IS_THUMBNAILER (self), NULL);
  g_return_val_if_fail (url != NULL, NULL);

  link = g_hash_table_lookup (self->index, url);
  if (link == NULL)
    return NULL;
  g_queue_unlink (&self->lru, link);
  g_queue_push_head_link (&self->lru, link);
  return ((CacheEntry *) link->data)->texture;
}

static void
cache_insert (SdThumbnailer *self,
              const char    *url,
              GdkTexture    *texture)
{
  CacheEntry *entry;

  if (sd_thumbnailer_lookup (self, url) != NULL)
    return;

  entry = g_new0 (CacheEntry, 1);
  entry->url = g_strdup (url);
  entry->texture = g_object_ref (texture);
  g_queue_push_head (&self->lru, entry);
  g_hash_table_insert (self->index, entry->url, self->lru.head);

  while (self->lru.length > CACHE_SIZE)
    {
      CacheEntry *oldest = g_queue_pop_tail (&self->lru);

      g_hash_table_remove (self->index, oldest->url);
      cache_entry_free (oldest);
    }
}

static GUri *
parse_previewable_url (const char  *url,
                       GError     **error)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL);
  const char *scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  const char *host = uri != NULL ? g_uri_get_host (uri) : NULL;

  if (scheme != NULL && host != NULL && *host != '\0')
    {
      if (g_ascii_strcasecmp (scheme, "https") == 0)
        return g_steal_pointer (&uri);
      if (g_ascii_strcasecmp (scheme, "http") == 0 && sd_host_is_loopback (host))
        return g_steal_pointer (&uri);
    }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
               _("Only https:// links can be previewed."));
  return NULL;
}

/* Only called when the usual checks found a problem: @certificate is let
 * through only if it is exactly the trusted one and the link is loopback
 * (the URL was checked to be https when the message was made). */
static gboolean
on_accept_certificate_cb (SoupMessage          *message,
                          GTlsCertificate      *certificate,
                          GTlsCertificateFlags  errors,
                          GTlsCertificate      *trusted)
{
  return sd_host_is_loopback (g_uri_get_host (soup_message_get_uri (message))) &&
         g_tls_certificate_is_same (certificate, trusted);
}

static void
on_size_prepared_cb (GdkPixbufLoader *loader,
                     int              width,
                     int              height,
                     gpointer         user_data)
{
  double scale = MIN ((double) THUMBNAIL_SIZE / width, (double) THUMBNAIL_SIZE / height);

  if (scale < 1.0)
    gdk_pixbuf_loader_set_size (loader,
                                MAX (1, (int) (width * scale)),
                                MAX (1, (int) (height * scale)));
}

/* Runs in a worker thread: decoding a large photo takes a while. */
static void
decode_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  GByteArray *bytes = task_data;
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new ();
  g_autoptr(GError) error = NULL;
  GdkPixbuf *pixbuf;

  g_signal_connect (loader, "size-prepared", G_CALLBACK (on_size_prepared_cb), NULL);
  if (!gdk_pixbuf_loader_write (loader, bytes->data, bytes->len, &error) ||
      !gdk_pixbuf_loader_close (loader, &error))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               _("The link does not point at an image this app can show (%s)."),
                               error->message);
      return;
    }

  pixbuf = gdk_pixbuf_loader_get_pixbuf (loader);
  g_task_return_pointer (task, gdk_texture_new_for_pixbuf (pixbuf), g_object_unref);
}

static void
on_decoded_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  GdkTexture *texture = g_task_propagate_pointer (G_TASK (result), &error);

  if (texture == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, texture, g_object_unref);
}

/* The decoding is a task of its own that holds only the bytes: the worker
 * thread may drop the last reference to the task it ran, after its
 * callback, and neither the thumbnailer (its session, its textures) nor the
 * response stream, which belong to the main thread, may be freed there.
 * @task keeps them and ends here, in on_decoded_cb(). */
static void
decode_in_thread (GTask *task)
{
  LoadData *data = g_task_get_task_data (task);
  g_autoptr(GTask) decode = g_task_new (NULL, g_task_get_cancellable (task), on_decoded_cb, task);

  g_task_set_task_data (decode, g_steal_pointer (&data->data), (GDestroyNotify) g_byte_array_unref);
  g_task_run_in_thread (decode, decode_thread);
}

static void read_next_chunk (GTask *task);

static void
on_chunk_read_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LoadData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) chunk = NULL;

  chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  if (chunk == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (g_bytes_get_size (chunk) == 0)
    {
      g_input_stream_close_async (data->stream, G_PRIORITY_LOW, NULL, NULL, NULL);
      decode_in_thread (g_steal_pointer (&task));
      return;
    }

  g_byte_array_append (data->data, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
  if (data->data->len > SD_THUMBNAILER_MAX_BYTES)
    {
      g_input_stream_close_async (data->stream, G_PRIORITY_LOW, NULL, NULL, NULL);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                               _("The image is larger than 10 MiB; it is not previewed."));
      return;
    }

  read_next_chunk (g_steal_pointer (&task));
}

static void
read_next_chunk (GTask *task)
{
  LoadData *data = g_task_get_task_data (task);

  g_input_stream_read_bytes_async (data->stream, CHUNK_SIZE, G_PRIORITY_LOW,
                                   g_task_get_cancellable (task),
                                   on_chunk_read_cb, task);
}

static gboolean
check_response (SoupMessage  *message,
                GError      **error)
{
  guint status = soup_message_get_status (message);
  goffset length;

  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("The server answered %u %s."), status,
                   soup_message_get_reason_phrase (message));
      return FALSE;
    }

  length = soup_message_headers_get_content_length (soup_message_get_response_headers (message));
  if (length > SD_THUMBNAILER_MAX_BYTES)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                   _("The image is larger than 10 MiB; it is not previewed."));
      return FALSE;
    }
  return TRUE;
}

static void
on_sent_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LoadData *data = g_task_get_task_data (task);
  SoupMessage *message = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GError) error = NULL;

  data->stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (data->stream == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (!check_response (message, &error))
    {
      g_input_stream_close_async (data->stream, G_PRIORITY_LOW, NULL, NULL, NULL);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  read_next_chunk (g_steal_pointer (&task));
}

/**
 * sd_thumbnailer_load_async:
 * @self: a thumbnailer
 * @url: an https:// image link
 * @cancellable: (nullable): cancels the download
 *
 * Fetches @url with a plain GET (no credentials), reading at most
 * %SD_THUMBNAILER_MAX_BYTES, decodes it at thumbnail size off the main
 * thread and keeps the result in a small in-memory cache.
 */
void
sd_thumbnailer_load_async (SdThumbnailer       *self,
                           const char          *url,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) error = NULL;
  GdkTexture *cached;
  LoadData *data;

  g_return_if_fail (SD_IS_THUMBNAILER (self));
  g_return_if_fail (url != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sd_thumbnailer_load_async);

  cached = sd_thumbnailer_lookup (self, url);
  if (cached != NULL)
    {
      g_task_return_pointer (task, g_object_ref (cached), g_object_unref);
      return;
    }

  uri = parse_previewable_url (url, &error);
  if (uri == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  message = soup_message_new_from_uri (SOUP_METHOD_GET, uri);
  if (self->loopback_certificate != NULL)
    g_signal_connect_data (message, "accept-certificate",
                           G_CALLBACK (on_accept_certificate_cb),
                           g_object_ref (self->loopback_certificate),
                           (GClosureNotify) (void (*) (void)) g_object_unref, 0);

  data = g_new0 (LoadData, 1);
  data->url = g_strdup (url);
  data->data = g_byte_array_new ();
  g_task_set_task_data (task, data, (GDestroyNotify) load_data_free);

  soup_session_send_async (self->session, message, G_PRIORITY_LOW, cancellable,
                           on_sent_cb, g_steal_pointer (&task));
}

GdkTexture *
sd_thumbnailer_load_finish (SdThumbnailer  *self,
                            GAsyncResult   *result,
                            GError        **error)
{
  GdkTexture *texture;
  LoadData *data;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  texture = g_task_propagate_pointer (G_TASK (result), error);
  data = g_task_get_task_data (G_TASK (result));
  if (texture != NULL && data != NULL)
    cache_insert (self, data->url, texture);
  return texture;
}

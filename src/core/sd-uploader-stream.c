/* sd-uploader-stream.c: a multipart/form-data body streamed from disk
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-uploader"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#if HAVE_GNUTLS
#include <gnutls/crypto.h>
#endif

#include "sd-uploader-stream.h"

/* SHA-256, streamed: GnuTLS uses the CPU's SHA instructions (about 5×
 * GChecksum's speed, which alone was slower than sending on loopback). */
void
_sd_upload_hash_init (SdUploadHash *hash)
{
#if HAVE_GNUTLS
  if (gnutls_hash_init (&hash->gnutls, GNUTLS_DIG_SHA256) == 0)
    return;
  hash->gnutls = NULL;
#endif
  hash->checksum = g_checksum_new (G_CHECKSUM_SHA256);
}

void
_sd_upload_hash_update (SdUploadHash *hash,
                        const guint8 *data,
                        gsize         length)
{
#if HAVE_GNUTLS
  if (hash->gnutls != NULL)
    {
      gnutls_hash (hash->gnutls, data, length);
      return;
    }
#endif
  g_checksum_update (hash->checksum, data, length);
}

/* The hex digest; frees the state. */
char *
_sd_upload_hash_finish (SdUploadHash *hash)
{
  char *hex;

#if HAVE_GNUTLS
  if (hash->gnutls != NULL)
    {
      guint8 digest[32];

      gnutls_hash_deinit (hash->gnutls, digest);
      hash->gnutls = NULL;
      hex = g_malloc (2 * sizeof digest + 1);
      for (gsize i = 0; i < sizeof digest; i++)
        g_snprintf (hex + 2 * i, 3, "%02x", digest[i]);
      return hex;
    }
#endif
  if (hash->checksum == NULL)
    return NULL;
  hex = g_strdup (g_checksum_get_string (hash->checksum));
  g_clear_pointer (&hash->checksum, g_checksum_free);
  return hex;
}


#define SD_TYPE_UPLOAD_BODY_STREAM (sd_upload_body_stream_get_type ())
G_DECLARE_FINAL_TYPE (SdUploadBodyStream, sd_upload_body_stream, SD, UPLOAD_BODY_STREAM, GInputStream)

struct _SdUploadBodyStream
{
  GInputStream  parent_instance;

  GBytes       *head;
  GInputStream *file;
  guint64       file_left;
  GBytes       *tail;
  gsize         head_at;
  gsize         tail_at;
  SdUploadHash  hash;           /* of the file's bytes, as they go by */
  gboolean      hashing;
  char         *sha256;         /* once the last byte went by */
};

static void sd_upload_body_stream_pollable_init (GPollableInputStreamInterface *iface);

/* Pollable, so that GIO reads it on the main context instead of handing
 * each 8 KiB read to a worker thread (a 100 MB upload took 4× curl's time).
 * A local file is always readable; a read takes microseconds from the page
 * cache. */
G_DEFINE_FINAL_TYPE_WITH_CODE (SdUploadBodyStream, sd_upload_body_stream, G_TYPE_INPUT_STREAM,
                               G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_INPUT_STREAM,
                                                      sd_upload_body_stream_pollable_init))

static gssize
copy_from_bytes (GBytes *bytes,
                 gsize  *at,
                 void   *buffer,
                 gsize   count)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  gsize n = MIN (count, size - *at);

  memcpy (buffer, data + *at, n);
  *at += n;
  return n;
}

static gssize
sd_upload_body_stream_read (GInputStream  *stream,
                            void          *buffer,
                            gsize          count,
                            GCancellable  *cancellable,
                            GError       **error)
{
  SdUploadBodyStream *self = SD_UPLOAD_BODY_STREAM (stream);
  gssize n;

  if (self->head_at < g_bytes_get_size (self->head))
    return copy_from_bytes (self->head, &self->head_at, buffer, count);

  if (self->file_left > 0)
    {
      n = g_input_stream_read (self->file, buffer, MIN (count, self->file_left),
                               cancellable, error);
      if (n < 0)
        return -1;
      if (n == 0)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                               _("the file became shorter while it was being sent"));
          return -1;
        }
      self->file_left -= n;
      if (self->hashing)
        {
          _sd_upload_hash_update (&self->hash, buffer, n);
          if (self->file_left == 0)
            self->sha256 = _sd_upload_hash_finish (&self->hash);
        }
      return n;
    }

  return copy_from_bytes (self->tail, &self->tail_at, buffer, count);
}

static gboolean
sd_upload_body_stream_can_poll (GPollableInputStream *stream)
{
  return TRUE;
}

static gboolean
sd_upload_body_stream_is_readable (GPollableInputStream *stream)
{
  return TRUE;
}

static GSource *
sd_upload_body_stream_create_source (GPollableInputStream *stream,
                                     GCancellable         *cancellable)
{
  g_autoptr(GSource) ready = g_idle_source_new ();

  return g_pollable_source_new_full (stream, ready, cancellable);
}

static gssize
sd_upload_body_stream_read_nonblocking (GPollableInputStream  *stream,
                                        void                  *buffer,
                                        gsize                  count,
                                        GError               **error)
{
  return sd_upload_body_stream_read (G_INPUT_STREAM (stream), buffer, count, NULL, error);
}

static void
sd_upload_body_stream_pollable_init (GPollableInputStreamInterface *iface)
{
  iface->can_poll = sd_upload_body_stream_can_poll;
  iface->is_readable = sd_upload_body_stream_is_readable;
  iface->create_source = sd_upload_body_stream_create_source;
  iface->read_nonblocking = sd_upload_body_stream_read_nonblocking;
}

static gboolean
sd_upload_body_stream_close (GInputStream  *stream,
                             GCancellable  *cancellable,
                             GError       **error)
{
  SdUploadBodyStream *self = SD_UPLOAD_BODY_STREAM (stream);

  return g_input_stream_close (self->file, cancellable, error);
}

static void
sd_upload_body_stream_finalize (GObject *object)
{
  SdUploadBodyStream *self = SD_UPLOAD_BODY_STREAM (object);

  g_clear_pointer (&self->head, g_bytes_unref);
  g_clear_pointer (&self->tail, g_bytes_unref);
  g_clear_object (&self->file);
  if (self->hashing)
    g_free (_sd_upload_hash_finish (&self->hash));
  g_free (self->sha256);

  G_OBJECT_CLASS (sd_upload_body_stream_parent_class)->finalize (object);
}

static void
sd_upload_body_stream_class_init (SdUploadBodyStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GInputStreamClass *stream_class = G_INPUT_STREAM_CLASS (klass);

  object_class->finalize = sd_upload_body_stream_finalize;
  stream_class->read_fn = sd_upload_body_stream_read;
  stream_class->close_fn = sd_upload_body_stream_close;
}

static void
sd_upload_body_stream_init (SdUploadBodyStream *self)
{
}

GInputStream *
sd_upload_body_stream_new (GBytes       *head,
                           GInputStream *file,
                           guint64       file_size,
                           GBytes       *tail)
{
  SdUploadBodyStream *self = g_object_new (SD_TYPE_UPLOAD_BODY_STREAM, NULL);

  self->head = g_bytes_ref (head);
  self->file = g_object_ref (file);
  self->file_left = file_size;
  self->tail = g_bytes_ref (tail);
  self->hashing = TRUE;
  _sd_upload_hash_init (&self->hash);
  return G_INPUT_STREAM (self);
}

const char *
sd_upload_body_stream_get_sha256 (GInputStream *stream)
{
  g_return_val_if_fail (SD_IS_UPLOAD_BODY_STREAM (stream), NULL);

  return SD_UPLOAD_BODY_STREAM (stream)->sha256;
}

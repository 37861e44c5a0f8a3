/* sd-uploader-stream.c: a multipart/form-data body streamed from disk
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-uploader"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "sd-uploader-stream.h"

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
  return G_INPUT_STREAM (self);
}

/* sd-uploader-stream.c: a multipart/form-data body streamed from disk
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-uploader"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "sd-uploader.h"
#include "sd-uploader-private.h"
#include "sd-uploader-stream.h"

/* SHA-256, streamed: Nettle picks the CPU's SHA instructions at run time
 * (about 5× GChecksum's speed, which alone was slower than sending on
 * loopback). GnuTLS's own digest did too on Debian 12, but the GnuTLS of
 * Debian 13 (3.8) does not use them on this machine: 4× slower. */
void
_sd_upload_hash_init (SdUploadHash *hash)
{
#if HAVE_NETTLE
  sha256_init (&hash->nettle);
  hash->open = TRUE;
#else
  hash->checksum = g_checksum_new (G_CHECKSUM_SHA256);
#endif
}

void
_sd_upload_hash_update (SdUploadHash *hash,
                        const guint8 *data,
                        gsize         length)
{
#if HAVE_NETTLE
  sha256_update (&hash->nettle, length, data);
#else
  g_checksum_update (hash->checksum, data, length);
#endif
}

/* The hex digest; frees the state. */
char *
_sd_upload_hash_finish (SdUploadHash *hash)
{
  char *hex;

#if HAVE_NETTLE
  guint8 digest[SHA256_DIGEST_SIZE];

  if (!hash->open)
    return NULL;
  sha256_digest (&hash->nettle, sizeof digest, digest);
  hash->open = FALSE;
  hex = g_malloc (2 * sizeof digest + 1);
  for (gsize i = 0; i < sizeof digest; i++)
    g_snprintf (hex + 2 * i, 3, "%02x", digest[i]);
#else
  if (hash->checksum == NULL)
    return NULL;
  hex = g_strdup (g_checksum_get_string (hash->checksum));
  g_clear_pointer (&hash->checksum, g_checksum_free);
#endif
  return hex;
}


/* The file's part of the body: the sending thread reads the file itself,
 * a chunk at a time, into one buffer, and gives the body from there. The
 * file is not hashed here: the SHA-256 the cache is keyed by is taken
 * after the server's answer (sd-uploader-hash.c), so that on a loaded
 * machine the send does not share the CPU with the hash. */

#define SD_TYPE_UPLOAD_BODY_STREAM (sd_upload_body_stream_get_type ())
G_DECLARE_FINAL_TYPE (SdUploadBodyStream, sd_upload_body_stream, SD, UPLOAD_BODY_STREAM, GInputStream)

struct _SdUploadBodyStream
{
  GInputStream  parent_instance;

  GBytes       *head;
  GBytes       *tail;
  gsize         head_at;
  gsize         tail_at;
  GFile        *file;
  char         *name;           /* the file's, for messages */
  char         *identity;
  GInputStream *input;          /* the file, opened at its first byte */
  guint8       *buffer;         /* SD_UPLOAD_CHUNK_SIZE, or the file's size */
  guint64       file_size;
  guint64       file_left;      /* the file's bytes not given yet */
  gsize         held;           /* the chunk's length, 0 when none is */
  gsize         held_at;        /* what of it was given */
  gboolean      file_done;      /* its last byte went by */
  guint64       given;
  SdUploadBodyProgress progress;
  gpointer      progress_data;
};

/* Read on the sending thread (see sd-uploader-send.c). */
G_DEFINE_FINAL_TYPE (SdUploadBodyStream, sd_upload_body_stream, G_TYPE_INPUT_STREAM)

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

/* Whether the file is still what was looked at before the upload: if it
 * changed while it was read, what was read may be half old and half new,
 * so the body must not end as if it were the file. */
static gboolean
file_unchanged (SdUploadBodyStream  *self,
                GCancellable        *cancellable,
                GError             **error)
{
  g_autoptr(GFileInfo) info = NULL;
  g_autofree char *identity = NULL;

  if (self->identity == NULL || !G_IS_FILE_INPUT_STREAM (self->input))
    return TRUE;
  info = g_file_input_stream_query_info (G_FILE_INPUT_STREAM (self->input), IDENTITY_ATTRIBUTES,
                                         cancellable, NULL);
  identity = info != NULL ? _sd_uploader_file_identity (info) : NULL;
  if (g_strcmp0 (identity, self->identity) == 0)
    return TRUE;
  g_debug ("the file changed while it was sent (%s, was %s)",
           identity != NULL ? identity : "unknown", self->identity);
  *error = g_error_new (SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_UNREADABLE,
                        _("“%s” changed while it was being sent, so it was stopped before its end and not stored; try again once it is complete."),
                        self->name);
  return FALSE;
}

static GMutex   body_hold_mutex;
static GCond    body_hold_cond;
static gboolean body_held;

void
_sd_uploader_body_hold (gboolean hold)
{
  g_mutex_lock (&body_hold_mutex);
  body_held = hold;
  g_cond_broadcast (&body_hold_cond);
  g_mutex_unlock (&body_hold_mutex);
}

/* The tests' hold: looks at @cancellable every 10 ms. */
static void
wait_while_held (GCancellable *cancellable)
{
  g_mutex_lock (&body_hold_mutex);
  while (body_held && !g_cancellable_is_cancelled (cancellable))
    g_cond_wait_until (&body_hold_cond, &body_hold_mutex,
                       g_get_monotonic_time () + 10 * G_TIME_SPAN_MILLISECOND);
  g_mutex_unlock (&body_hold_mutex);
}

/* Reads the next chunk of the file into the buffer. */
static gboolean
read_chunk (SdUploadBodyStream  *self,
            GCancellable        *cancellable,
            GError             **error)
{
  g_autoptr(GError) local_error = NULL;
  gsize want = MIN (self->file_left, SD_UPLOAD_CHUNK_SIZE);
  gsize got = 0;

  if (self->input == NULL)
    {
      self->input = G_INPUT_STREAM (g_file_read (self->file, cancellable, &local_error));
      if (self->input == NULL)
        goto unreadable;
    }
  else
    wait_while_held (cancellable);
  if (!g_input_stream_read_all (self->input, self->buffer, want, &got, cancellable,
                                &local_error))
    goto unreadable;
  if (got < want)
    {
      *error = g_error_new (SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_UNREADABLE,
                            _("“%s” became shorter while it was being sent, so it was stopped before its end and not stored; try again once it is complete."),
                            self->name);
      return FALSE;
    }
  /* none of the last chunk goes before the file is known unchanged */
  if (want == self->file_left && !file_unchanged (self, cancellable, error))
    return FALSE;
  self->held = want;
  self->held_at = 0;
  return TRUE;

unreadable:
  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_propagate_error (error, g_steal_pointer (&local_error));
  else
    *error = g_error_new (SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_UNREADABLE,
                          _("Cannot read “%s”: %s"), self->name, local_error->message);
  return FALSE;
}

/* The file's part of the body: bytes, 0 at its end, or -1. */
static gssize
read_file_part (SdUploadBodyStream  *self,
                guint8              *buffer,
                gsize                count,
                GCancellable        *cancellable,
                GError             **error)
{
  gsize n;

  if (self->held == 0 && self->file_left == 0)
    {
      self->file_done = TRUE;
      if (self->input != NULL)
        g_input_stream_close (self->input, NULL, NULL);
      return 0;
    }
  if (self->held == 0 && !read_chunk (self, cancellable, error))
    return -1;
  n = MIN (count, self->held - self->held_at);
  memcpy (buffer, self->buffer + self->held_at, n);
  self->held_at += n;
  self->file_left -= n;
  if (self->held_at == self->held)
    self->held = 0;
  return n;
}

static gssize
body_read (SdUploadBodyStream  *self,
           void                *buffer,
           gsize                count,
           GCancellable        *cancellable,
           GError             **error)
{
  if (self->head_at < g_bytes_get_size (self->head))
    return copy_from_bytes (self->head, &self->head_at, buffer, count);
  if (!self->file_done)
    {
      gssize n = read_file_part (self, buffer, count, cancellable, error);

      if (n != 0)
        return n;
    }
  return copy_from_bytes (self->tail, &self->tail_at, buffer, count);
}

static gssize
sd_upload_body_stream_read (GInputStream  *stream,
                            void          *buffer,
                            gsize          count,
                            GCancellable  *cancellable,
                            GError       **error)
{
  SdUploadBodyStream *self = SD_UPLOAD_BODY_STREAM (stream);
  gssize n = body_read (self, buffer, count, cancellable, error);

  if (n > 0 && self->progress != NULL)
    {
      self->given += n;
      self->progress (self->given, self->progress_data);
    }
  return n;
}

/* This may run on any thread (GIO closes asynchronously in a thread of
 * its own). The file is closed with the stream's last reference. */
static gboolean
sd_upload_body_stream_close (GInputStream  *stream,
                             GCancellable  *cancellable,
                             GError       **error)
{
  return TRUE;
}

static void
sd_upload_body_stream_finalize (GObject *object)
{
  SdUploadBodyStream *self = SD_UPLOAD_BODY_STREAM (object);

  g_clear_pointer (&self->head, g_bytes_unref);
  g_clear_pointer (&self->tail, g_bytes_unref);
  g_clear_pointer (&self->buffer, g_free);
  g_clear_object (&self->input);
  g_clear_object (&self->file);
  g_free (self->name);
  g_free (self->identity);

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
sd_upload_body_stream_new (GBytes     *head,
                           GFile      *file,
                           guint64     file_size,
                           const char *identity,
                           GBytes     *tail)
{
  SdUploadBodyStream *self;

  g_return_val_if_fail (head != NULL && tail != NULL, NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  self = g_object_new (SD_TYPE_UPLOAD_BODY_STREAM, NULL);
  self->head = g_bytes_ref (head);
  self->tail = g_bytes_ref (tail);
  self->file = g_object_ref (file);
  self->name = g_file_get_parse_name (file);
  self->identity = g_strdup (identity);
  self->file_size = self->file_left = file_size;
  self->buffer = g_malloc ((gsize) MIN (file_size, SD_UPLOAD_CHUNK_SIZE) + 1);
  return G_INPUT_STREAM (self);
}

void
sd_upload_body_stream_set_progress (GInputStream         *stream,
                                    SdUploadBodyProgress  func,
                                    gpointer              user_data)
{
  SdUploadBodyStream *self;

  g_return_if_fail (SD_IS_UPLOAD_BODY_STREAM (stream));

  self = SD_UPLOAD_BODY_STREAM (stream);
  self->progress = func;
  self->progress_data = user_data;
}

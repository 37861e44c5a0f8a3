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

#include "sd-uploader.h"
#include "sd-uploader-private.h"
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


/* The feed: the file is read and hashed on a thread of its own, a few
 * chunks ahead of the stream, which only copies them out on the sending
 * thread. Hashing alone took about as long as sending on loopback, and
 * a read of the disk on the main thread could stall it. */

/* 4 MiB: a turn of the scheduler on a loaded machine, at the speed of
 * loopback. The thread waits until half of them are free, then fills them. */
#define FEED_SLOTS 16

typedef struct
{
  gatomicrefcount  ref_count;
  GMutex           lock;
  GCond            cond;          /* a slot filled or freed, the end, or closed */
  guint8          *buffers;       /* FEED_SLOTS × SD_UPLOAD_CHUNK_SIZE */
  gsize            lengths[FEED_SLOTS];
  guint            first;         /* the slot the stream reads */
  guint            filled;        /* slots filled from first on */
  gboolean         done;          /* the last chunk was handed over, or error */
  gboolean         closed;        /* the stream wants no more */
  char            *sha256;        /* set with the last chunk */
  GError          *error;         /* why the file's bytes stop short */
  GCancellable    *stop;          /* cancelled when the stream is closed */
  GFile           *file;          /* only the thread uses these */
  char            *name;          /* the file's, for messages */
  guint64          size;
  char            *identity;
} Feed;

static Feed *
feed_ref (Feed *feed)
{
  g_atomic_ref_count_inc (&feed->ref_count);
  return feed;
}

static void
feed_unref (Feed *feed)
{
  if (!g_atomic_ref_count_dec (&feed->ref_count))
    return;
  g_mutex_clear (&feed->lock);
  g_cond_clear (&feed->cond);
  g_free (feed->buffers);
  g_free (feed->sha256);
  g_clear_error (&feed->error);
  g_clear_object (&feed->stop);
  g_clear_object (&feed->file);
  g_free (feed->name);
  g_free (feed->identity);
  g_free (feed);
}

static guint8 *
feed_buffer (Feed  *feed,
             guint  slot)
{
  return feed->buffers + (gsize) slot * SD_UPLOAD_CHUNK_SIZE;
}

/* Hands the stream a chunk of @length bytes (0: none), and with the last
 * one the digest or, instead, the error; wakes it if it waits. */
static void
feed_publish (Feed   *feed,
              gsize   length,
              char   *sha256,
              GError *error)
{
  g_mutex_lock (&feed->lock);
  if (length > 0)
    feed->lengths[(feed->first + feed->filled++) % FEED_SLOTS] = length;
  if (sha256 != NULL || error != NULL)
    {
      feed->done = TRUE;
      feed->sha256 = sha256;
      feed->error = error;
    }
  g_cond_broadcast (&feed->cond);
  g_mutex_unlock (&feed->lock);
}

/* The next slot to fill, once there is one; FALSE when the stream closed. */
static gboolean
feed_wait_for_room (Feed  *feed,
                    guint *slot)
{
  gboolean open;

  g_mutex_lock (&feed->lock);
  if (feed->filled == FEED_SLOTS)
    while (feed->filled > FEED_SLOTS / 2 && !feed->closed)
      g_cond_wait (&feed->cond, &feed->lock);
  open = !feed->closed;
  *slot = (feed->first + feed->filled) % FEED_SLOTS;
  g_mutex_unlock (&feed->lock);
  return open;
}

static void
feed_close (Feed *feed)
{
  g_mutex_lock (&feed->lock);
  feed->closed = TRUE;
  g_cond_broadcast (&feed->cond);
  g_mutex_unlock (&feed->lock);
  g_cancellable_cancel (feed->stop);
}

/* Whether the file is still what was looked at before the upload: if it
 * changed while it was read, what was read may be half old and half new,
 * so the body must not end as if it were the file. */
static gboolean
feed_file_unchanged (Feed          *feed,
                     GInputStream  *stream,
                     GError       **error)
{
  g_autoptr(GFileInfo) info = NULL;
  g_autofree char *identity = NULL;

  if (feed->identity == NULL || !G_IS_FILE_INPUT_STREAM (stream))
    return TRUE;
  info = g_file_input_stream_query_info (G_FILE_INPUT_STREAM (stream), IDENTITY_ATTRIBUTES,
                                         feed->stop, NULL);
  identity = info != NULL ? _sd_uploader_file_identity (info) : NULL;
  if (g_strcmp0 (identity, feed->identity) == 0)
    return TRUE;
  g_debug ("the file changed while it was sent (%s, was %s)",
           identity != NULL ? identity : "unknown", feed->identity);
  *error = g_error_new (SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_UNREADABLE,
                        _("“%s” changed while it was being sent, so it was stopped before its end and not stored; try again once it is complete."),
                        feed->name);
  return FALSE;
}

/* Reads one chunk of @want bytes into @slot and hashes it. */
static gboolean
feed_read_chunk (Feed          *feed,
                 GInputStream  *stream,
                 SdUploadHash  *hash,
                 guint          slot,
                 gsize          want,
                 GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  gsize got = 0;

  if (!g_input_stream_read_all (stream, feed_buffer (feed, slot), want, &got, feed->stop,
                                &local_error))
    {
      *error = g_error_new (SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_UNREADABLE,
                            _("Cannot read “%s”: %s"), feed->name, local_error->message);
      return FALSE;
    }
  if (got < want)
    {
      *error = g_error_new (SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_UNREADABLE,
                            _("“%s” became shorter while it was being sent, so it was stopped before its end and not stored; try again once it is complete."),
                            feed->name);
      return FALSE;
    }
  _sd_upload_hash_update (hash, feed_buffer (feed, slot), got);
  return TRUE;
}

static GError *
feed_run (Feed          *feed,
          GInputStream  *stream,
          SdUploadHash  *hash)
{
  GError *error = NULL;
  guint64 left = feed->size;
  guint slot;

  if (left == 0 && !feed_file_unchanged (feed, stream, &error))
    return error;
  if (left == 0)
    feed_publish (feed, 0, _sd_upload_hash_finish (hash), NULL);
  while (left > 0 && feed_wait_for_room (feed, &slot))
    {
      gsize want = MIN (left, SD_UPLOAD_CHUNK_SIZE);

      if (!feed_read_chunk (feed, stream, hash, slot, want, &error))
        return error;
      left -= want;
      /* The last chunk goes with the digest, so that the stream has it
       * the moment it gives the file's last byte. */
      if (left == 0 && !feed_file_unchanged (feed, stream, &error))
        return error;
      feed_publish (feed, want, left == 0 ? _sd_upload_hash_finish (hash) : NULL, NULL);
    }
  return NULL;
}

static gpointer
feed_thread (gpointer data)
{
  Feed *feed = data;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GFileInputStream) stream = g_file_read (feed->file, feed->stop, &local_error);
  SdUploadHash hash = { 0 };
  GError *error = NULL;

  _sd_upload_hash_init (&hash);
  if (stream == NULL)
    error = g_error_new (SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_UNREADABLE,
                         _("Cannot read “%s”: %s"), feed->name, local_error->message);
  else
    error = feed_run (feed, G_INPUT_STREAM (stream), &hash);
  if (error != NULL)
    feed_publish (feed, 0, NULL, error);
  g_free (_sd_upload_hash_finish (&hash));
  if (stream != NULL)
    g_input_stream_close (G_INPUT_STREAM (stream), NULL, NULL);
  feed_unref (feed);
  return NULL;
}

static Feed *
feed_new (GFile      *file,
          guint64     size,
          const char *identity)
{
  Feed *feed = g_new0 (Feed, 1);
  g_autoptr(GError) error = NULL;
  GThread *thread;

  g_atomic_ref_count_init (&feed->ref_count);
  g_mutex_init (&feed->lock);
  g_cond_init (&feed->cond);
  feed->buffers = g_malloc ((gsize) MIN (size, FEED_SLOTS * SD_UPLOAD_CHUNK_SIZE) + 1);
  feed->stop = g_cancellable_new ();
  feed->file = g_object_ref (file);
  feed->name = g_file_get_parse_name (file);
  feed->size = size;
  feed->identity = g_strdup (identity);
  thread = g_thread_try_new ("sd-upload-feed", feed_thread, feed_ref (feed), &error);
  if (thread == NULL)
    {
      feed_publish (feed, 0, NULL, g_error_new (SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_UNREADABLE,
                                                _("Cannot read “%s”: %s"), feed->name,
                                                error->message));
      feed_unref (feed);
    }
  else
    g_thread_unref (thread);
  return feed;
}


#define SD_TYPE_UPLOAD_BODY_STREAM (sd_upload_body_stream_get_type ())
G_DECLARE_FINAL_TYPE (SdUploadBodyStream, sd_upload_body_stream, SD, UPLOAD_BODY_STREAM, GInputStream)

struct _SdUploadBodyStream
{
  GInputStream  parent_instance;

  GBytes       *head;
  GBytes       *tail;
  gsize         head_at;
  gsize         tail_at;
  Feed         *feed;
  guint64       file_left;      /* the file's bytes not given yet */
  gsize         held;           /* length of the feed's first slot, once taken */
  gsize         held_at;        /* what of it was given */
  char         *sha256;         /* once the last byte went by */
};

/* Read on the sending thread (see sd-uploader-send.c): a read copies
 * from the feed, and blocks only while the feed is behind. */
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

/* With the feed's lock held: whether it has something for the stream. */
static gboolean
feed_is_ready_locked (Feed *feed)
{
  return feed->filled > 0 || feed->done;
}

static void
on_wait_cancelled_cb (GCancellable *cancellable,
                      Feed         *feed)
{
  g_mutex_lock (&feed->lock);
  g_cond_broadcast (&feed->cond);
  g_mutex_unlock (&feed->lock);
}

/* Blocks until the feed has something for the stream, or @cancellable. */
static void
wait_for_feed (Feed         *feed,
               GCancellable *cancellable)
{
  gulong handler = 0;

  g_mutex_lock (&feed->lock);
  if (feed_is_ready_locked (feed))
    {
      g_mutex_unlock (&feed->lock);
      return;
    }
  g_mutex_unlock (&feed->lock);
  if (cancellable != NULL)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (on_wait_cancelled_cb), feed, NULL);
  g_mutex_lock (&feed->lock);
  while (!feed_is_ready_locked (feed) && !g_cancellable_is_cancelled (cancellable))
    g_cond_wait (&feed->cond, &feed->lock);
  g_mutex_unlock (&feed->lock);
  g_cancellable_disconnect (cancellable, handler);
}

/* Takes the feed's next chunk, once there is one; with the file's end,
 * its digest. FALSE with @error when cancelled or the file cannot be
 * given in full. */
static gboolean
take_chunk (SdUploadBodyStream  *self,
            GCancellable        *cancellable,
            GError             **error)
{
  Feed *feed = self->feed;
  gboolean taken = FALSE;

  wait_for_feed (feed, cancellable);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  g_mutex_lock (&feed->lock);
  if (feed->filled > 0 && self->file_left > 0)
    {
      self->held = feed->lengths[feed->first];
      taken = TRUE;
    }
  else if (feed->done && feed->error == NULL && self->file_left == 0)
    {
      self->sha256 = g_strdup (feed->sha256);
      taken = TRUE;
    }
  else
    {
      g_assert (feed->error != NULL);
      g_propagate_error (error, g_error_copy (feed->error));
    }
  g_mutex_unlock (&feed->lock);
  return taken;
}

/* Gives the held chunk back to the feed, to be filled again. */
static void
release_chunk (SdUploadBodyStream *self)
{
  Feed *feed = self->feed;

  g_mutex_lock (&feed->lock);
  feed->first = (feed->first + 1) % FEED_SLOTS;
  feed->filled--;
  if (self->file_left == 0)
    self->sha256 = g_strdup (feed->sha256);
  if (feed->filled == FEED_SLOTS / 2)
    g_cond_broadcast (&feed->cond);
  g_mutex_unlock (&feed->lock);
  self->held = 0;
  self->held_at = 0;
}

/* The file's part of the body: bytes, 0 at its end (the digest taken),
 * or -1. */
static gssize
read_file_part (SdUploadBodyStream  *self,
                guint8              *buffer,
                gsize                count,
                GCancellable        *cancellable,
                GError             **error)
{
  gsize n;

  if (self->held == 0 && !take_chunk (self, cancellable, error))
    return -1;
  if (self->held == 0)
    return 0;
  n = MIN (count, self->held - self->held_at);
  memcpy (buffer, feed_buffer (self->feed, self->feed->first) + self->held_at, n);
  self->held_at += n;
  self->file_left -= n;
  if (self->held_at == self->held)
    release_chunk (self);
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
  if (self->sha256 == NULL)
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
  return body_read (SD_UPLOAD_BODY_STREAM (stream), buffer, count, cancellable, error);
}

/* The feed's thread closes the file when it notices; this may run on any
 * thread (GIO closes asynchronously in a thread of its own). */
static gboolean
sd_upload_body_stream_close (GInputStream  *stream,
                             GCancellable  *cancellable,
                             GError       **error)
{
  feed_close (SD_UPLOAD_BODY_STREAM (stream)->feed);
  return TRUE;
}

static void
sd_upload_body_stream_finalize (GObject *object)
{
  SdUploadBodyStream *self = SD_UPLOAD_BODY_STREAM (object);

  g_clear_pointer (&self->head, g_bytes_unref);
  g_clear_pointer (&self->tail, g_bytes_unref);
  feed_close (self->feed);
  g_clear_pointer (&self->feed, feed_unref);
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
  self->file_left = file_size;
  self->feed = feed_new (file, file_size, identity);
  return G_INPUT_STREAM (self);
}

const char *
sd_upload_body_stream_get_sha256 (GInputStream *stream)
{
  g_return_val_if_fail (SD_IS_UPLOAD_BODY_STREAM (stream), NULL);

  return SD_UPLOAD_BODY_STREAM (stream)->sha256;
}

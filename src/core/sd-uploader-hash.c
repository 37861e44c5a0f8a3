/* sd-uploader-hash.c: the SHA-256 of a file sent, taken after the server's answer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-uploader"

#include "config.h"

#include <string.h>
#include <libsoup/soup.h>

#include "sd-uploader.h"
#include "sd-uploader-private.h"
#include "sd-uploader-stream.h"

/* The cache is keyed by the file's SHA-256, but hashing while sending
 * made the hash share the CPU with the send and the server (on 2 loaded
 * cores, a third of the upload's wall time). So a file whose digest is
 * not known before it is sent is hashed after the server answered: its
 * link goes to the caller at once, and a thread of its own (sd-upload-hash)
 * reads the file again (from the page cache, as a rule) and hashes it.
 * The link is cached, and the file memoised, only when the file is still
 * what was sent: the identity taken before sending (which the body also
 * checked at its end) is the one after hashing, and as many bytes were
 * hashed as were sent. Uploads of a file of that size (the same file, or
 * a copy) for the same target that come meanwhile wait
 * for the digest, then find the link in the cache. */

struct _HashLater
{
  gatomicrefcount  ref_count;
  GMutex           lock;
  GCond            cond;
  gboolean         done;       /* the thread's work is over (under lock) */
  gboolean         applied;    /* the main context's: the result taken */
  GWeakRef         uploader;
  GMainContext    *context;
  GFile           *file;
  char            *name;
  char            *identity;   /* before sending */
  char            *key;        /* in SdUploader.hashing */
  char            *target;
  char            *url;
  gint64           created_at;
  guint64          size;       /* what was sent */
  GPtrArray       *uploads;    /* SdUpload: the sender's and its followers' */
  GPtrArray       *waiting;    /* GTask (owned): uploads of the same file */
  char            *sha256;     /* the thread's, when the file is unchanged */
  char            *why;        /* the thread's, when not */
};

/* For the tests: hashes wait before they start while held. */
static GMutex hold_lock;
static GCond hold_cond;
static gboolean held;

void
_sd_uploader_hash_hold (gboolean hold)
{
  g_mutex_lock (&hold_lock);
  held = hold;
  g_cond_broadcast (&hold_cond);
  g_mutex_unlock (&hold_lock);
}

static HashLater *
hash_later_ref (HashLater *later)
{
  g_atomic_ref_count_inc (&later->ref_count);
  return later;
}

void
_sd_uploader_hash_later_unref (HashLater *later)
{
  if (!g_atomic_ref_count_dec (&later->ref_count))
    return;
  g_mutex_clear (&later->lock);
  g_cond_clear (&later->cond);
  g_weak_ref_clear (&later->uploader);
  g_main_context_unref (later->context);
  g_object_unref (later->file);
  g_free (later->name);
  g_free (later->identity);
  g_free (later->key);
  g_free (later->target);
  g_free (later->url);
  g_ptr_array_unref (later->uploads);
  g_ptr_array_unref (later->waiting);
  g_free (later->sha256);
  g_free (later->why);
  g_free (later);
}

/* On the thread: the digest of the whole file, or why it is not the file
 * that was sent. */
static void
hash_later_compute (HashLater *later)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFileInputStream) stream = g_file_read (later->file, NULL, &error);
  g_autoptr(GFileInfo) info = NULL;
  g_autofree guint8 *buffer = NULL;
  g_autofree char *identity = NULL;
  g_autofree char *sha256 = NULL;
  SdUploadHash hash = { 0 };
  guint64 hashed = 0;
  gssize n;

  if (stream == NULL)
    {
      later->why = g_strdup_printf ("it cannot be read again (%s)", error->message);
      return;
    }
  buffer = g_malloc (HASH_CHUNK);
  _sd_upload_hash_init (&hash);
  while ((n = g_input_stream_read (G_INPUT_STREAM (stream), buffer, HASH_CHUNK, NULL, &error)) > 0)
    {
      _sd_upload_hash_update (&hash, buffer, n);
      hashed += n;
      if (hashed > later->size)
        break;
    }
  sha256 = _sd_upload_hash_finish (&hash);
  if (n < 0)
    {
      later->why = g_strdup_printf ("it cannot be read again (%s)", error->message);
      return;
    }
  info = g_file_input_stream_query_info (stream, IDENTITY_ATTRIBUTES, NULL, NULL);
  identity = info != NULL ? _sd_uploader_file_identity (info) : NULL;
  if (hashed != later->size)
    later->why = g_strdup_printf ("it is not the %" G_GUINT64_FORMAT " bytes sent any more",
                                  later->size);
  else if (g_strcmp0 (identity, later->identity) != 0)
    later->why = g_strdup_printf ("it changed since it was sent (%s, was %s)",
                                  identity != NULL ? identity : "unknown", later->identity);
  else
    later->sha256 = g_steal_pointer (&sha256);
}

static gboolean on_hashed_idle (gpointer user_data);

static gpointer
hash_later_thread (gpointer data)
{
  HashLater *later = data;
  g_autoptr(GSource) idle = g_idle_source_new ();

  g_mutex_lock (&hold_lock);
  while (held)
    g_cond_wait (&hold_cond, &hold_lock);
  g_mutex_unlock (&hold_lock);
  hash_later_compute (later);
  g_mutex_lock (&later->lock);
  later->done = TRUE;
  g_cond_broadcast (&later->cond);
  g_mutex_unlock (&later->lock);
  /* our reference goes with the idle: dropped on the uploader's context */
  g_source_set_priority (idle, G_PRIORITY_DEFAULT);
  g_source_set_callback (idle, on_hashed_idle, later,
                         (GDestroyNotify) _sd_uploader_hash_later_unref);
  g_source_set_static_name (idle, "[sd-uploader] hashed");
  g_source_attach (idle, later->context);
  return NULL;
}

/* On the main context, once the thread is done: the link into the cache
 * under the digest, and the uploads waiting go on. */
static void
hash_later_apply (SdUploader *self,
                  HashLater  *later)
{
  g_autoptr(GPtrArray) waiting = NULL;

  if (later->applied)
    return;
  later->applied = TRUE;
  if (g_hash_table_lookup (self->hashing, later->key) == later)
    g_hash_table_remove (self->hashing, later->key);

  if (later->sha256 != NULL)
    {
      CacheEntry *entry = g_new0 (CacheEntry, 1);

      g_debug ("upload of %s: hashed after its answer, sha256 %.12s…; its link is cached",
               later->name, later->sha256);
      _sd_uploader_remember (self, later->identity, later->sha256);
      entry->url = g_strdup (later->url);
      entry->created_at = later->created_at;
      entry->size = later->size;
      g_hash_table_replace (self->cache, _sd_uploader_cache_key (later->sha256, later->target),
                            entry);
      _sd_uploader_cache_save (self);
      for (guint i = 0; i < later->uploads->len; i++)
        _sd_upload_set_sha256 (g_ptr_array_index (later->uploads, i), later->sha256);
    }
  else
    g_debug ("upload of %s: %s, so its link is not cached", later->name, later->why);

  waiting = g_steal_pointer (&later->waiting);
  later->waiting = g_ptr_array_new ();
  for (guint i = 0; i < waiting->len; i++)
    _sd_uploader_job_resume (g_ptr_array_index (waiting, i));
}

static gboolean
on_hashed_idle (gpointer user_data)
{
  HashLater *later = user_data;
  g_autoptr(SdUploader) self = g_weak_ref_get (&later->uploader);

  /* NULL: the uploader took the result when it was finalized */
  if (self != NULL)
    hash_later_apply (self, later);
  return G_SOURCE_REMOVE;
}

void
_sd_uploader_hash_later (SdUploader *self,
                         Job        *job,
                         const char *key,
                         const char *url,
                         gint64      created_at)
{
  HashLater *later = g_new0 (HashLater, 1);
  g_autoptr(GError) error = NULL;
  GThread *thread;

  g_atomic_ref_count_init (&later->ref_count);
  g_mutex_init (&later->lock);
  g_cond_init (&later->cond);
  g_weak_ref_init (&later->uploader, self);
  later->context = g_main_context_ref_thread_default ();
  later->file = g_object_ref (job->upload->file);
  later->name = _sd_upload_name (job->upload);
  later->identity = g_strdup (job->identity);
  later->key = g_strdup (key);
  later->target = g_strdup (job->target);
  later->url = g_strdup (url);
  later->created_at = created_at;
  later->size = job->upload->total;
  later->uploads = g_ptr_array_new_with_free_func (g_object_unref);
  later->waiting = g_ptr_array_new ();
  g_ptr_array_add (later->uploads, g_object_ref (job->upload));
  for (guint i = 0; job->followers != NULL && i < job->followers->len; i++)
    {
      Job *follower = g_task_get_task_data (g_ptr_array_index (job->followers, i));

      g_ptr_array_add (later->uploads, g_object_ref (follower->upload));
    }

  thread = g_thread_try_new ("sd-upload-hash", hash_later_thread, hash_later_ref (later), &error);
  if (thread == NULL)
    {
      g_debug ("upload of %s: cannot hash it (%s), so its link is not cached",
               later->name, error->message);
      _sd_uploader_hash_later_unref (later);  /* the thread's */
      _sd_uploader_hash_later_unref (later);
      return;
    }
  g_thread_unref (thread);
  g_debug ("upload of %s: answered; hashing it after its answer", later->name);
  g_hash_table_replace (self->hashing, g_strdup (key), later);
}

/* A file of the size of one being hashed for the same target may be it
 * (the same file, or a copy): it waits, so that it is not sent again
 * while the link it would find is not cached yet. */
gboolean
_sd_uploader_hash_later_wait_for (SdUploader *self,
                                  GTask      *task)
{
  Job *job = g_task_get_task_data (task);
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->hashing);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      HashLater *later = value;

      if (later->size == job->upload->total && g_strcmp0 (later->target, job->target) == 0)
        {
          g_ptr_array_add (later->waiting, task);
          return TRUE;
        }
    }
  return FALSE;
}

/* Blocks until every hash under way is done, and takes their results. */
void
_sd_uploader_hashes_wait (SdUploader *self)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func ((GDestroyNotify) _sd_uploader_hash_later_unref);
  GHashTableIter iter;
  gpointer value;

  if (self->hashing == NULL)
    return;
  g_hash_table_iter_init (&iter, self->hashing);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (all, hash_later_ref (value));
  for (guint i = 0; i < all->len; i++)
    {
      HashLater *later = g_ptr_array_index (all, i);

      g_mutex_lock (&later->lock);
      while (!later->done)
        g_cond_wait (&later->cond, &later->lock);
      g_mutex_unlock (&later->lock);
      hash_later_apply (self, later);
    }
}

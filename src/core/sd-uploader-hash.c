/* sd-uploader-hash.c: the SHA-256 of a file sent, taken beside its send
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-uploader"

#include "config.h"

#include <errno.h>
#include <sched.h>
#include <string.h>
#include <libsoup/soup.h>

#include "sd-uploader.h"
#include "sd-uploader-private.h"
#include "sd-uploader-stream.h"

/* The cache is keyed by the file's SHA-256, which is not known before a
 * file not seen before is sent. Hashing it in the body as it was sent
 * made the send wait for the hash; hashing it after the answer made the
 * process wait for it once the link had come (the CLI and any caller
 * that flushes the cache before it exits). So the hash runs beside the
 * send, on a thread of its own (sd-upload-hash) that reads the file again
 * (from the page cache, as a rule) while the sending thread reads it for
 * the body; neither waits for the other, and on two cores the hash is
 * over about when the answer comes. The link goes to the caller with the
 * answer. It is cached, and the file memoised, once both the answer and
 * the hash are in, and only when the file is still what was sent: the
 * identity taken before sending (which the body also checked at its end)
 * is the one after hashing, and as many bytes were hashed as were sent.
 * Uploads of a file of that size (the same file, or a copy) for the same
 * target that come after the answer and before the hash wait for the
 * digest, then find the link in the cache. A send that fails still
 * memoises the digest, so that sending the file again does not hash it
 * again.
 *
 * While the send goes on, the hash is background work: it is done by a
 * second thread (sd-hash-idle) at the idle scheduling policy, which
 * runs only on the time the send (and, on one machine, the server's end)
 * leaves over, so that the hash does not slow the upload down. Once the
 * hash is waited for (the answer has come, or the uploader is flushed),
 * the idle thread stops at its next chunk and the hash thread, at the
 * normal policy, goes on from there: a thread cannot raise its own
 * policy back without privileges, so the work changes threads instead. */

struct _HashLater
{
  gatomicrefcount  ref_count;
  GMutex           lock;
  GCond            cond;
  gboolean         done;       /* the thread's work is over (under lock) */
  gboolean         hurry;      /* the hash is waited for (under lock) */
  gboolean         answered;   /* the main context's: the send is over (url set if it
                                * gave a link) */
  gboolean         applied;    /* the main context's: the result taken */
  GWeakRef         uploader;
  GMainContext    *context;
  GCancellable    *cancellable; /* cancelled with its upload */
  GFile           *file;
  char            *name;
  char            *identity;   /* before sending */
  char            *key;        /* in SdUploader.hashing, once answered */
  char            *target;
  char            *url;
  gint64           created_at;
  guint64          size;       /* what was sent */
  GPtrArray       *uploads;    /* SdUpload: the sender's and its followers' */
  GPtrArray       *waiting;    /* GTask (owned): uploads of the same file */
  char            *sha256;     /* the thread's, when the file is unchanged */
  char            *why;        /* the thread's, when not */
};

/* For the tests: hashes wait before they start while held; and how many
 * files were hashed in full. */
static GMutex hold_lock;
static GCond hold_cond;
static gboolean held;
static guint n_hashed;

guint
_sd_uploader_hash_get_count (void)
{
  return g_atomic_int_get (&n_hashed);
}

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
  g_object_unref (later->cancellable);
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

/* The reading and hashing of one file, which the idle thread begins and
 * the hash thread may finish. */
typedef struct
{
  HashLater        *later;
  GInputStream     *stream;
  guint8           *buffer;
  SdUploadHash      hash;
  guint64           hashed;
  gssize            n;          /* the last read: 0 at the end, < 0 on error */
  GError           *error;
  gint              stop;       /* atomic: the idle thread stops at its next chunk */
  gboolean          over;       /* under later->lock: the idle thread returned */
  gboolean          finished;   /* the file was read to its end, or failed */
} HashWork;

/* For the tests: while held, the idle thread stops after its first chunk
 * and the hash thread goes on from there. */
static gboolean background_held;

void
_sd_uploader_hash_hold_background (gboolean hold)
{
  g_atomic_int_set (&background_held, hold);
}

/* Reads and hashes chunks until the end of the file (or past the size
 * sent), an error, or, when @stoppable, a stop; TRUE when finished. */
static gboolean
hash_work_run (HashWork *work,
               gboolean  stoppable)
{
  HashLater *later = work->later;

  while (!stoppable || !g_atomic_int_get (&work->stop))
    {
      work->n = g_input_stream_read (work->stream, work->buffer, HASH_CHUNK,
                                     later->cancellable, &work->error);
      if (work->n <= 0)
        return TRUE;
      _sd_upload_hash_update (&work->hash, work->buffer, work->n);
      work->hashed += work->n;
      if (work->hashed > later->size)
        return TRUE;
      if (stoppable && g_atomic_int_get (&background_held))
        break;
    }
  return FALSE;
}

static gpointer
hash_work_background (gpointer data)
{
  HashWork *work = data;
  HashLater *later = work->later;
  gboolean finished;

#ifdef SCHED_IDLE
  struct sched_param param = { 0 };

  if (sched_setscheduler (0, SCHED_IDLE, &param) != 0)
    g_debug ("upload of %s: hashing at the normal policy (%s)", later->name,
             g_strerror (errno));
#endif
  finished = hash_work_run (work, TRUE);
  g_mutex_lock (&later->lock);
  work->finished = finished;
  work->over = TRUE;
  g_cond_broadcast (&later->cond);
  g_mutex_unlock (&later->lock);
  return NULL;
}

/* On the hash thread: the file read and hashed to its end, in the
 * background until it is waited for (see above). */
static void
hash_work_do (HashWork *work)
{
  HashLater *later = work->later;
  GThread *background;

  background = g_thread_try_new ("sd-hash-idle", hash_work_background, work, NULL);
  if (background != NULL)
    {
      g_mutex_lock (&later->lock);
      while (!later->hurry && !work->over)
        g_cond_wait (&later->cond, &later->lock);
      g_mutex_unlock (&later->lock);
      g_atomic_int_set (&work->stop, TRUE);
      g_thread_join (background);
      if (!work->finished)
        g_debug ("upload of %s: its hash goes on at the normal policy after "
                 "%" G_GUINT64_FORMAT " bytes", later->name, work->hashed);
    }
  if (!work->finished)
    work->finished = hash_work_run (work, FALSE);
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
  HashWork work = { 0 };

  if (stream == NULL)
    {
      later->why = g_strdup_printf ("it cannot be read again (%s)", error->message);
      return;
    }
  buffer = g_malloc (HASH_CHUNK);
  work.later = later;
  work.stream = G_INPUT_STREAM (stream);
  work.buffer = buffer;
  _sd_upload_hash_init (&work.hash);
  hash_work_do (&work);
  sha256 = _sd_upload_hash_finish (&work.hash);
  if (work.n < 0 && g_error_matches (work.error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      later->why = g_strdup ("its upload was cancelled");
      g_clear_error (&work.error);
      return;
    }
  if (work.n < 0)
    {
      later->why = g_strdup_printf ("it cannot be read again (%s)", work.error->message);
      g_clear_error (&work.error);
      return;
    }
  info = g_file_input_stream_query_info (stream, IDENTITY_ATTRIBUTES, NULL, NULL);
  identity = info != NULL ? _sd_uploader_file_identity (info) : NULL;
  if (work.hashed != later->size)
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
  if (later->sha256 != NULL)
    g_atomic_int_inc (&n_hashed);
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

  if (later->sha256 != NULL && later->url == NULL)
    {
      g_debug ("upload of %s: hashed, sha256 %.12s…, but its send gave no link", later->name,
               later->sha256);
      _sd_uploader_remember (self, later->identity, later->sha256);
    }
  else if (later->sha256 != NULL)
    {
      CacheEntry *entry = g_new0 (CacheEntry, 1);

      g_debug ("upload of %s: hashed beside its send, sha256 %.12s…; its link is cached",
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

  /* NULL: the uploader took the result when it was finalized; not
   * answered: the answer takes it */
  if (self != NULL && later->answered)
    hash_later_apply (self, later);
  return G_SOURCE_REMOVE;
}

static HashLater *
hash_later_new (SdUploader *self,
                Job        *job,
                const char *key)
{
  HashLater *later = g_new0 (HashLater, 1);

  g_atomic_ref_count_init (&later->ref_count);
  g_mutex_init (&later->lock);
  g_cond_init (&later->cond);
  g_weak_ref_init (&later->uploader, self);
  later->context = g_main_context_ref_thread_default ();
  later->cancellable = g_cancellable_new ();
  later->file = g_object_ref (job->upload->file);
  later->name = _sd_upload_name (job->upload);
  later->identity = g_strdup (job->identity);
  later->key = g_strdup (key);
  later->target = g_strdup (job->target);
  later->size = job->upload->total;
  later->uploads = g_ptr_array_new_with_free_func (g_object_unref);
  later->waiting = g_ptr_array_new ();
  return later;
}

/* Starts hashing; FALSE (and @later freed) when no thread can be made. */
static gboolean
hash_later_start (HashLater *later)
{
  g_autoptr(GError) error = NULL;
  GThread *thread;

  thread = g_thread_try_new ("sd-upload-hash", hash_later_thread, hash_later_ref (later), &error);
  if (thread == NULL)
    {
      g_debug ("upload of %s: cannot hash it (%s), so its link is not cached",
               later->name, error->message);
      _sd_uploader_hash_later_unref (later);  /* the thread's */
      _sd_uploader_hash_later_unref (later);
      return FALSE;
    }
  g_thread_unref (thread);
  return TRUE;
}

void
_sd_uploader_hash_begin (SdUploader *self,
                         Job        *job)
{
  g_autofree char *key = NULL;
  HashLater *later;

  if (job->upload->sha256 != NULL || job->later != NULL ||
      (key = _sd_uploader_identity_key (job)) == NULL)
    return;
  later = hash_later_new (self, job, key);
  if (hash_later_start (later))
    {
      g_debug ("upload of %s: hashing it beside its send", later->name);
      job->later = later;
    }
}

/* On the main context: the send of @later's file is over, with @url (or
 * NULL: it gave no link). The result is taken now if the hash is done,
 * else by the thread's idle. */
static void
hash_later_answer (SdUploader *self,
                   HashLater  *later,
                   const char *url,
                   gint64      created_at)
{
  gboolean done;

  later->url = g_strdup (url);
  later->created_at = created_at;
  later->answered = TRUE;
  g_hash_table_replace (self->hashing, g_strdup (later->key), later);
  g_mutex_lock (&later->lock);
  done = later->done;
  later->hurry = TRUE;
  g_cond_broadcast (&later->cond);
  g_mutex_unlock (&later->lock);
  if (done)
    {
      /* taking it drops the table's reference, maybe the last */
      hash_later_ref (later);
      hash_later_apply (self, later);
      _sd_uploader_hash_later_unref (later);
    }
}

void
_sd_uploader_hash_later (SdUploader *self,
                         Job        *job,
                         const char *key,
                         const char *url,
                         gint64      created_at)
{
  HashLater *later = g_steal_pointer (&job->later);

  if (later == NULL)
    {
      /* begun with no thread to spare: one more try now */
      later = hash_later_new (self, job, key);
      if (!hash_later_start (later))
        return;
      g_debug ("upload of %s: answered; hashing it after its answer", later->name);
    }
  g_ptr_array_add (later->uploads, g_object_ref (job->upload));
  for (guint i = 0; job->followers != NULL && i < job->followers->len; i++)
    {
      Job *follower = g_task_get_task_data (g_ptr_array_index (job->followers, i));

      g_ptr_array_add (later->uploads, g_object_ref (follower->upload));
    }
  hash_later_answer (self, later, url, created_at);
}

void
_sd_uploader_hash_abandon (SdUploader *self,
                           Job        *job)
{
  HashLater *later = g_steal_pointer (&job->later);

  if (later == NULL)
    return;
  /* cancelled: no more work for it; else it is worth knowing next time */
  if (g_cancellable_is_cancelled (job->upload->cancellable))
    g_cancellable_cancel (later->cancellable);
  hash_later_answer (self, later, NULL, 0);
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

/* Blocks until every hash answered is done, and takes their results. */
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
      later->hurry = TRUE;
      g_cond_broadcast (&later->cond);
      while (!later->done)
        g_cond_wait (&later->cond, &later->lock);
      g_mutex_unlock (&later->lock);
      hash_later_apply (self, later);
    }
}

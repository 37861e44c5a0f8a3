/* sd-uploader-cache.c: the cache of links already uploaded
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-uploader"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "sd-client.h"
#include "sd-enum-types.h"
#include "sd-request.h"
#include "sd-secrets.h"
#include "sd-uploader.h"
#include "sd-uploader-private.h"
#include "sd-uploader-stream.h"

/* The cache: a small JSON file, one entry per (file, upload target), and
 * the memo of the files hashed, so that a file not changed since (same
 * device, inode, size and modification time to the nanosecond) is not
 * read again only to find its link. */

static gboolean
is_sha256 (const char *text)
{
  if (text == NULL || strlen (text) != 64)
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isxdigit (*p))
      return FALSE;
  return TRUE;
}

static void
memo_load (SdUploader *self,
           JsonObject *root)
{
  JsonNode *node = json_object_get_member (root, "memo");
  JsonArray *entries;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return;
  entries = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonNode *element = json_array_get_element (entries, i);
      const char *file, *sha256;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      file = json_object_get_string_member_with_default (json_node_get_object (element), "file", NULL);
      sha256 = json_object_get_string_member_with_default (json_node_get_object (element), "sha256", NULL);
      if (file != NULL && is_sha256 (sha256))
        g_hash_table_replace (self->memo, g_strdup (file), g_strdup (sha256));
    }
}

/* "sha256 api:BASE" or "sha256 service:URL field:F path:P"; an older
 * cache keyed by the address alone could not tell a service at the API's
 * address from the provider. */
static gboolean
key_is_current (const char *key)
{
  return strlen (key) > 65 && key[64] == ' ' &&
         (g_str_has_prefix (key + 65, "api:") || g_str_has_prefix (key + 65, "service:"));
}

/* Whether a cache entry holds @sha256: a memo entry without one is of no use. */
static gboolean
cache_holds (SdUploader *self,
             const char *sha256)
{
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, self->cache);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (strncmp (key, sha256, 64) == 0 && ((const char *) key)[64] == ' ')
      return TRUE;
  return FALSE;
}

static void
memo_save (SdUploader  *self,
           JsonBuilder *builder)
{
  GHashTableIter iter;
  gpointer key, value;

  json_builder_set_member_name (builder, "memo");
  json_builder_begin_array (builder);
  g_hash_table_iter_init (&iter, self->memo);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      if (!cache_holds (self, value))
        continue;
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "file");
      json_builder_add_string_value (builder, key);
      json_builder_set_member_name (builder, "sha256");
      json_builder_add_string_value (builder, value);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

void
_sd_uploader_remember (SdUploader *self,
                       const char *identity,
                       const char *sha256)
{
  if (g_strcmp0 (g_hash_table_lookup (self->memo, identity), sha256) == 0)
    return;
  g_hash_table_replace (self->memo, g_strdup (identity), g_strdup (sha256));
  if (cache_holds (self, sha256))
    _sd_uploader_cache_save (self);
}

/* The writer: the file is written on a thread of its own, never on the
 * main thread (the sync before the rename can take long on a busy disk).
 * Saves coalesce: a save while a write is under way only replaces the same
 * uploader's text waiting, and the thread writes the newest once it is
 * done. The file is replaced whole (a temporary file, synced when it
 * replaces one, renamed into place: G_FILE_SET_CONTENTS_CONSISTENT), so a
 * crash leaves the old cache or the new one, never half of one. */

struct _CacheWriter
{
  gatomicrefcount  ref_count;
  GMutex           lock;
  GCond            cond;      /* idle again, or let go */
  char            *path;
  GHashTable      *pending;   /* CacheReport of an uploader → its newest text not written yet */
  gboolean         busy;      /* a thread writes, or will */
  gboolean         held;      /* the tests' */
  guint            writes;
  GError          *error;     /* why the last write failed; NULL when it did not */
};

/* What a write says back to the uploader whose text it wrote: on the
 * uploader's main context, while the uploader lives ("cache-error"). */
struct _CacheReport
{
  gatomicrefcount  ref_count;
  GMutex           lock;
  SdUploader      *owner;    /* NULL once the uploader is finalized */
  GMainContext    *context;
};

static CacheReport *
report_new (SdUploader *owner)
{
  CacheReport *report = g_new0 (CacheReport, 1);

  g_atomic_ref_count_init (&report->ref_count);
  g_mutex_init (&report->lock);
  report->owner = owner;
  report->context = g_main_context_ref_thread_default ();
  return report;
}

static CacheReport *
report_ref (CacheReport *report)
{
  g_atomic_ref_count_inc (&report->ref_count);
  return report;
}

static void
report_unref (CacheReport *report)
{
  if (!g_atomic_ref_count_dec (&report->ref_count))
    return;
  g_mutex_clear (&report->lock);
  g_main_context_unref (report->context);
  g_free (report);
}

typedef struct
{
  CacheReport *report;
  char        *path;
  GError      *error;   /* NULL: written */
} ReportCall;

static void
report_call_free (ReportCall *call)
{
  report_unref (call->report);
  g_free (call->path);
  g_clear_error (&call->error);
  g_free (call);
}

/* The reason alone, as the system words it ("No space left on device"):
 * GLib's own messages also name the temporary file beside the cache. */
static const char *
failure_reason (const GError *error)
{
  static const struct { GFileError code; int errsv; } reasons[] = {
    { G_FILE_ERROR_NOSPC, ENOSPC }, { G_FILE_ERROR_ACCES, EACCES },
    { G_FILE_ERROR_PERM, EPERM }, { G_FILE_ERROR_ROFS, EROFS },
    { G_FILE_ERROR_ISDIR, EISDIR }, { G_FILE_ERROR_NOTDIR, ENOTDIR },
    { G_FILE_ERROR_NOENT, ENOENT }, { G_FILE_ERROR_IO, EIO },
  };

  if (error->domain == G_FILE_ERROR)
    for (guint i = 0; i < G_N_ELEMENTS (reasons); i++)
      if (error->code == (int) reasons[i].code)
        return g_strerror (reasons[i].errsv);
  return error->message;
}

static char *
describe_write_failure (const char   *path,
                        const GError *error)
{
  /* Translators: the first %s is a file path, the second a system error */
  return g_strdup_printf (_("The upload cache “%s” could not be saved: %s."),
                          path, failure_reason (error));
}

static gboolean
report_dispatch (gpointer data)
{
  ReportCall *call = data;
  g_autoptr(SdUploader) owner = NULL;
  g_autofree char *text = NULL;

  g_mutex_lock (&call->report->lock);
  if (call->report->owner != NULL)
    owner = g_object_ref (call->report->owner);
  g_mutex_unlock (&call->report->lock);
  if (owner == NULL)
    return G_SOURCE_REMOVE;
  if (call->error != NULL)
    text = describe_write_failure (call->path, call->error);
  _sd_uploader_set_cache_error (owner, text);
  return G_SOURCE_REMOVE;
}

/* Never called back at once, even on the owner's own thread: the caller
 * may hold what the callback takes. */
static void
report_post (CacheReport  *report,
             const char   *path,
             const GError *error)
{
  g_autoptr(GSource) source = g_idle_source_new ();
  ReportCall *call = g_new0 (ReportCall, 1);

  call->report = report_ref (report);
  call->path = g_strdup (path);
  call->error = error != NULL ? g_error_copy (error) : NULL;
  g_source_set_callback (source, report_dispatch, call, (GDestroyNotify) report_call_free);
  g_source_set_static_name (source, "[sd-uploader] cache report");
  g_source_attach (source, report->context);
}

/* One writer a file, shared by the uploaders of a process, so that an
 * uploader made later reads what an earlier one saved (it waits for the
 * write under way). The table holds no reference. */
static GMutex      writers_lock;
static GHashTable *writers;

static CacheWriter *
writer_for_path (const char *path)
{
  CacheWriter *writer;

  g_mutex_lock (&writers_lock);
  if (writers == NULL)
    writers = g_hash_table_new (g_str_hash, g_str_equal);
  writer = g_hash_table_lookup (writers, path);
  if (writer != NULL)
    g_atomic_ref_count_inc (&writer->ref_count);
  else
    {
      writer = g_new0 (CacheWriter, 1);
      g_atomic_ref_count_init (&writer->ref_count);
      g_mutex_init (&writer->lock);
      g_cond_init (&writer->cond);
      writer->path = g_strdup (path);
      writer->pending = g_hash_table_new_full (NULL, NULL, (GDestroyNotify) report_unref, g_free);
      g_hash_table_insert (writers, writer->path, writer);
    }
  g_mutex_unlock (&writers_lock);
  return writer;
}

static CacheWriter *
writer_ref (CacheWriter *writer)
{
  g_atomic_ref_count_inc (&writer->ref_count);
  return writer;
}

static void
writer_unref (CacheWriter *writer)
{
  g_mutex_lock (&writers_lock);
  if (!g_atomic_ref_count_dec (&writer->ref_count))
    {
      g_mutex_unlock (&writers_lock);
      return;
    }
  g_hash_table_remove (writers, writer->path);
  g_mutex_unlock (&writers_lock);
  g_mutex_clear (&writer->lock);
  g_cond_clear (&writer->cond);
  g_free (writer->path);
  g_hash_table_unref (writer->pending);
  g_clear_error (&writer->error);
  g_free (writer);
}

/* The members of @array (objects) by their string member @name. */
static GHashTable *
index_by (JsonArray  *array,
          const char *name)
{
  GHashTable *index = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      const char *value;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      value = json_object_get_string_member_with_default (json_node_get_object (element), name, NULL);
      if (value != NULL)
        g_hash_table_add (index, (gpointer) value);
    }
  return index;
}

static JsonArray *
array_member (JsonNode   *root,
              const char *name)
{
  JsonNode *node;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  node = json_object_get_member (json_node_get_object (root), name);
  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

/* @text with the live links of the file on disk it does not have: another
 * uploader (another window, or the command line in another process) may
 * have saved links this one never saw, and the cache only ever gains
 * links (a newer one replaces one under the same key), so none is lost
 * by a save. Without a file, or one that does not parse, @text itself. */
static char *
writer_merge (CacheWriter *writer,
              const char  *text)
{
  g_autoptr(JsonParser) ours = json_parser_new ();
  g_autoptr(JsonParser) theirs = json_parser_new ();
  g_autoptr(GHashTable) keys = NULL;
  g_autoptr(GHashTable) files = NULL;
  g_autoptr(GHashTable) digests = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  JsonArray *our_uploads, *our_memo, *their_uploads, *their_memo;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  guint added = 0;

  if (!json_parser_load_from_mapped_file (theirs, writer->path, NULL) ||
      !json_parser_load_from_data (ours, text, -1, NULL))
    return g_strdup (text);
  our_uploads = array_member (json_parser_get_root (ours), "uploads");
  our_memo = array_member (json_parser_get_root (ours), "memo");
  their_uploads = array_member (json_parser_get_root (theirs), "uploads");
  their_memo = array_member (json_parser_get_root (theirs), "memo");
  if (our_uploads == NULL || our_memo == NULL || their_uploads == NULL)
    return g_strdup (text);

  keys = index_by (our_uploads, "key");
  for (guint i = 0; i < json_array_get_length (their_uploads); i++)
    {
      JsonNode *element = json_array_get_element (their_uploads, i);
      JsonObject *entry;
      const char *key, *url;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      entry = json_node_get_object (element);
      key = json_object_get_string_member_with_default (entry, "key", NULL);
      url = json_object_get_string_member_with_default (entry, "url", NULL);
      if (key == NULL || g_hash_table_contains (keys, key) || !key_is_current (key) ||
          !_sd_uploader_link_is_acceptable (url) ||
          json_object_get_int_member_with_default (entry, "created_at", 0) + SD_UPLOAD_LIFETIME_S <= now)
        continue;
      json_array_add_element (our_uploads, json_node_copy (element));
      added++;
    }
  if (added == 0)
    return g_strdup (text);
  g_debug ("upload cache: %u links saved by another uploader kept", added);

  /* the memo of the files behind the links kept */
  for (guint i = 0; i < json_array_get_length (our_uploads); i++)
    {
      const char *key = json_object_get_string_member_with_default (
        json_array_get_object_element (our_uploads, i), "key", NULL);

      if (key != NULL && strlen (key) > 64)
        g_hash_table_add (digests, g_strndup (key, 64));
    }
  files = index_by (our_memo, "file");
  for (guint i = 0; their_memo != NULL && i < json_array_get_length (their_memo); i++)
    {
      JsonNode *element = json_array_get_element (their_memo, i);
      const char *file, *sha256;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      file = json_object_get_string_member_with_default (json_node_get_object (element), "file", NULL);
      sha256 = json_object_get_string_member_with_default (json_node_get_object (element), "sha256", NULL);
      if (file != NULL && !g_hash_table_contains (files, file) && is_sha256 (sha256) &&
          g_hash_table_contains (digests, sha256))
        json_array_add_element (our_memo, json_node_copy (element));
    }
  return json_to_string (json_parser_get_root (ours), TRUE);
}

/* NULL when written, else why not. */
static GError *
writer_write (CacheWriter *writer,
              const char  *ours)
{
  g_autofree char *dir = g_path_get_dirname (writer->path);
  g_autofree char *text = writer_merge (writer, ours);
  GError *error = NULL;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error_literal (&error, G_FILE_ERROR, g_file_error_from_errno (saved), g_strerror (saved));
    }
  else
    g_file_set_contents_full (writer->path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error);
  if (error != NULL)
    g_debug ("upload cache %s not written: %s", writer->path, error->message);
  return error;
}

/* Writes the newest text until there is none waiting. */
static void
writer_drain (CacheWriter *writer)
{
  g_mutex_lock (&writer->lock);
  for (;;)
    {
      g_autofree char *text = NULL;
      GHashTableIter iter;
      gpointer owner = NULL;
      GError *error;

      while (writer->held)
        g_cond_wait (&writer->cond, &writer->lock);
      g_hash_table_iter_init (&iter, writer->pending);
      if (g_hash_table_iter_next (&iter, &owner, (gpointer *) &text))
        g_hash_table_steal (writer->pending, owner);
      if (text == NULL)
        break;

      g_mutex_unlock (&writer->lock);
      error = writer_write (writer, text);
      report_post (owner, writer->path, error);
      report_unref (owner);
      g_mutex_lock (&writer->lock);
      g_clear_error (&writer->error);
      writer->error = error;
      writer->writes++;
    }
  writer->busy = FALSE;
  g_cond_broadcast (&writer->cond);
  g_mutex_unlock (&writer->lock);
}

static gpointer
writer_thread (gpointer data)
{
  CacheWriter *writer = data;

  writer_drain (writer);
  writer_unref (writer);
  return NULL;
}

/* Takes @text (owned) as @owner's newest state to write: it replaces only
 * @owner's text waiting (another's is merged with it, not replaced). */
static void
writer_queue (CacheWriter *writer,
              CacheReport *owner,
              char        *text)
{
  g_autoptr(GError) error = NULL;
  gboolean start;
  GThread *thread;

  g_mutex_lock (&writer->lock);
  if (g_hash_table_contains (writer->pending, owner))
    g_debug ("upload cache: a save not written yet is replaced by a newer one");
  g_hash_table_replace (writer->pending, report_ref (owner), text);
  start = !writer->busy;
  writer->busy = TRUE;
  g_mutex_unlock (&writer->lock);
  if (!start)
    return;

  thread = g_thread_try_new ("sd-upload-cache", writer_thread, writer_ref (writer), &error);
  if (thread != NULL)
    {
      g_thread_unref (thread);
      return;
    }
  g_debug ("upload cache: no thread to write it (%s); written here", error->message);
  writer_unref (writer);
  writer_drain (writer);
}

/* Blocks until what was queued is on disk. */
static void
writer_flush (CacheWriter *writer)
{
  g_mutex_lock (&writer->lock);
  while (writer->busy)
    g_cond_wait (&writer->cond, &writer->lock);
  g_mutex_unlock (&writer->lock);
}

void
_sd_uploader_cache_load (SdUploader *self)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonNode *root;
  JsonArray *entries;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  /* what another uploader of this process saved may be on its way */
  self->writer = writer_for_path (self->cache_path);
  self->report = report_new (self);
  writer_flush (self->writer);
  if (!json_parser_load_from_mapped_file (parser, self->cache_path, &error))
    {
      if (!g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_debug ("upload cache %s not read: %s", self->cache_path, error->message);
      return;
    }
  root = json_parser_get_root (parser);
  if (!JSON_NODE_HOLDS_OBJECT (root) ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (json_node_get_object (root), "uploads")))
    {
      g_debug ("upload cache %s is not what we write; ignored", self->cache_path);
      return;
    }
  entries = json_object_get_array_member (json_node_get_object (root), "uploads");
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonNode *node = json_array_get_element (entries, i);
      JsonObject *object;
      const char *key, *url;
      CacheEntry *entry;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      object = json_node_get_object (node);
      key = json_object_get_string_member_with_default (object, "key", NULL);
      url = json_object_get_string_member_with_default (object, "url", NULL);
      if (key == NULL || !_sd_uploader_link_is_acceptable (url))
        continue;
      if (!key_is_current (key))
        {
          g_debug ("upload cache: an entry of an older kind of key (by address only) dropped");
          continue;
        }
      entry = g_new0 (CacheEntry, 1);
      entry->url = g_strdup (url);
      entry->created_at = json_object_get_int_member_with_default (object, "created_at", 0);
      entry->size = json_object_get_int_member_with_default (object, "size", 0);
      if (entry->created_at + SD_UPLOAD_LIFETIME_S <= now)
        _sd_uploader_cache_entry_free (entry);
      else
        g_hash_table_replace (self->cache, g_strdup (key), entry);
    }
  memo_load (self, json_node_get_object (root));
}

void
_sd_uploader_cache_save (SdUploader *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  GHashTableIter iter;
  gpointer key, value;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, CACHE_VERSION);
  json_builder_set_member_name (builder, "uploads");
  json_builder_begin_array (builder);
  g_hash_table_iter_init (&iter, self->cache);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      CacheEntry *entry = value;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "key");
      json_builder_add_string_value (builder, key);
      json_builder_set_member_name (builder, "url");
      json_builder_add_string_value (builder, entry->url);
      json_builder_set_member_name (builder, "created_at");
      json_builder_add_int_value (builder, entry->created_at);
      json_builder_set_member_name (builder, "size");
      json_builder_add_int_value (builder, entry->size);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  memo_save (self, builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);

  writer_queue (self->writer, self->report, json_to_string (root, TRUE));
}

void
_sd_uploader_cache_close (SdUploader *self)
{
  if (self->writer == NULL)
    return;
  writer_flush (self->writer);
  g_clear_pointer (&self->writer, writer_unref);
  g_mutex_lock (&self->report->lock);
  self->report->owner = NULL;
  g_mutex_unlock (&self->report->lock);
  g_clear_pointer (&self->report, report_unref);
}

void
sd_uploader_flush_cache (SdUploader *self)
{
  g_return_if_fail (SD_IS_UPLOADER (self));

  sd_uploader_flush_cache_full (self, NULL);
}

gboolean
sd_uploader_flush_cache_full (SdUploader  *self,
                              GError     **error)
{
  g_autoptr(GError) failure = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (SD_IS_UPLOADER (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  _sd_uploader_hashes_wait (self);
  writer_flush (self->writer);
  g_mutex_lock (&self->writer->lock);
  if (self->writer->error != NULL)
    failure = g_error_copy (self->writer->error);
  g_mutex_unlock (&self->writer->lock);
  if (failure == NULL)
    return TRUE;
  text = describe_write_failure (self->writer->path, failure);
  g_set_error_literal (error, failure->domain, failure->code, text);
  return FALSE;
}

void
_sd_uploader_cache_hold (SdUploader *self,
                         gboolean    hold)
{
  g_mutex_lock (&self->writer->lock);
  self->writer->held = hold;
  g_cond_broadcast (&self->writer->cond);
  g_mutex_unlock (&self->writer->lock);
}

guint
_sd_uploader_cache_get_writes (SdUploader *self)
{
  guint writes;

  g_mutex_lock (&self->writer->lock);
  writes = self->writer->writes;
  g_mutex_unlock (&self->writer->lock);
  return writes;
}

/* sd-store-bulk.c: removing and restoring many tasks at once, on a worker
 *
 * Acting on a whole filtered view (tens of thousands of tasks) must not
 * hold the main loop, so it runs on a thread, on a connection of its own,
 * in one transaction built from set-based statements: the ids go into a
 * temporary table, the rows they name into another one, which the
 * connection keeps for Undo until the removal is forgotten (the toast is
 * gone), and one DELETE takes them out of the history.
 *
 * The search index is contentless: taking a row out of it costs about as
 * much as indexing it again. A removal of more rows than REBUILD_RATIO
 * times those that stay empties the index and indexes what stays instead,
 * with the delete trigger dropped for that transaction (bench/RESULTS.md,
 * "Acting on many").
 *
 * Indexing the rows again is then most of what Undo costs (about 25 µs
 * of CPU a row: the trigrams of each prompt), so such a removal also
 * keeps a copy of the index as it was (its shadow tables, beside the
 * kept rows), with the index's own records of its state as they were
 * left. An Undo that finds those records unchanged (nothing was indexed
 * or taken out since: no row can have taken a removed row's rowid) puts
 * the rows back with the insert trigger dropped and the copy in place
 * of the index; otherwise the trigger indexes the rows again.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-store"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include <errno.h>

#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include "sd-store-private.h"

/* Rebuild the index when the removed rows outnumber REBUILD_RATIO times
 * the rows left. */
#define REBUILD_RATIO 1.0

/* The worker's page cache, in KiB (negative: a size, not pages). */
#define BULK_CACHE_KIB -65536

/* How much nicer the worker is than the main loop during a change. */
#define BULK_NICENESS 10

struct _SdStoreBulk
{
  GMutex       lock;    /* one bulk change at a time on @db */
  sqlite3     *db;      /* opened by the first bulk change */
  guint        serial;  /* names the tables of the removals kept */
  GThreadPool *worker;  /* one thread of its own */
};

struct _SdStoreRemoval
{
  gatomicrefcount ref_count;
  guint           serial;    /* the rows are in temp.removed_SERIAL */
  char          **ids;       /* the tasks removed */
  char          **videos;    /* their saved videos that were on disk */
  char           *index_state; /* the index's state records after the removal,
                                * when temp.removed_SERIAL_search_* keep
                                * the index as it was before; else NULL */
};

G_DEFINE_BOXED_TYPE (SdStoreRemoval, sd_store_removal, sd_store_removal_ref, sd_store_removal_unref)

SdStoreRemoval *
sd_store_removal_ref (SdStoreRemoval *removal)
{
  g_return_val_if_fail (removal != NULL, NULL);

  g_atomic_ref_count_inc (&removal->ref_count);
  return removal;
}

void
sd_store_removal_unref (SdStoreRemoval *removal)
{
  g_return_if_fail (removal != NULL);

  if (!g_atomic_ref_count_dec (&removal->ref_count))
    return;
  g_strfreev (removal->ids);
  g_strfreev (removal->videos);
  g_free (removal->index_state);
  g_free (removal);
}

/**
 * sd_store_removal_get_ids:
 *
 * Returns: (transfer none) (array zero-terminated=1): the ids of the tasks
 *   removed (those the history had)
 */
const char * const *
sd_store_removal_get_ids (SdStoreRemoval *removal)
{
  g_return_val_if_fail (removal != NULL, NULL);

  return (const char * const *) removal->ids;
}

/**
 * sd_store_removal_get_n_tasks:
 *
 * Returns: how many tasks left the history
 */
guint
sd_store_removal_get_n_tasks (SdStoreRemoval *removal)
{
  g_return_val_if_fail (removal != NULL, 0);

  return g_strv_length (removal->ids);
}

/**
 * sd_store_removal_get_videos:
 *
 * Returns: (transfer none) (array zero-terminated=1): the saved videos of
 *   the removed tasks that were files on disk at the removal
 */
const char * const *
sd_store_removal_get_videos (SdStoreRemoval *removal)
{
  g_return_val_if_fail (removal != NULL, NULL);

  return (const char * const *) removal->videos;
}

/* The worker's connection */

/* A bulk change is long work the user waits for without watching: it
 * runs on a thread of its own, nicer than the main loop's (on Linux), so
 * that the window keeps its turns on a busy machine. */
static void
lower_priority (void)
{
#ifdef __linux__
  pid_t tid = (pid_t) syscall (SYS_gettid);

  if (setpriority (PRIO_PROCESS, tid, MIN (getpriority (PRIO_PROCESS, tid) + BULK_NICENESS, 19)) != 0)
    g_debug ("The bulk worker keeps its priority: %s", g_strerror (errno));
#endif
}

/* What a bulk change does inside its transaction: a result, or NULL
 * with @error (then everything is rolled back). */
typedef gpointer (*ChangeFunc) (SdStore      *self,
                                SdStoreBulk  *bulk,
                                gpointer      data,
                                GError      **error);

typedef struct {
  GTask          *task;
  ChangeFunc      change;
  GDestroyNotify  free_result;
} BulkJob;

static gboolean begin (SdStore      *self,
                       SdStoreBulk  *bulk,
                       GError      **error);
static gboolean end   (SdStoreBulk  *bulk,
                       gboolean      done,
                       GError      **error);

/* Runs the job's change in one transaction on the worker's connection
 * and returns what it gave, or its error, through the job's task. */
static void
return_change (BulkJob *job)
{
  SdStore *self = g_task_get_source_object (job->task);
  SdStoreBulk *bulk = self->bulk;
  gpointer result = NULL;
  GError *error = NULL;
  gint64 started = g_get_monotonic_time ();

  g_mutex_lock (&bulk->lock);
  if (begin (self, bulk, &error))
    {
      result = job->change (self, bulk, g_task_get_task_data (job->task), &error);
      if (!end (bulk, result != NULL, result != NULL ? &error : NULL) && result != NULL)
        g_clear_pointer (&result, job->free_result);
    }
  g_mutex_unlock (&bulk->lock);
  g_debug ("A bulk change of the history took %.3f s", (g_get_monotonic_time () - started) / 1e6);
  if (result == NULL)
    g_task_return_error (job->task, error);
  else
    g_task_return_pointer (job->task, result, job->free_result);
}

static void
run_bulk_job (gpointer data,
              gpointer user_data)
{
  static GPrivate lowered;
  BulkJob *job = data;

  if (g_private_get (&lowered) == NULL)
    {
      lower_priority ();
      g_private_set (&lowered, GINT_TO_POINTER (TRUE));
    }
  if (!g_task_return_error_if_cancelled (job->task))
    return_change (job);
  /* not here: the last reference would finalize the store on its own
   * worker */
  _sd_store_release_task (job->task);
  g_free (job);
}

void
_sd_store_bulk_free (SdStoreBulk *bulk)
{
  if (bulk == NULL)
    return;
  /* the jobs hold the store: none is left when it goes */
  if (bulk->worker != NULL)
    g_thread_pool_free (bulk->worker, FALSE, FALSE);
  sqlite3_close_v2 (bulk->db);
  g_mutex_clear (&bulk->lock);
  g_free (bulk);
}

static SdStoreBulk *
get_bulk (SdStore *self)
{
  static GMutex creating;
  SdStoreBulk *bulk;

  g_mutex_lock (&creating);
  if (self->bulk == NULL)
    {
      self->bulk = g_new0 (SdStoreBulk, 1);
      g_mutex_init (&self->bulk->lock);
      /* exclusive: a thread that is ours to make nicer */
      self->bulk->worker = g_thread_pool_new (run_bulk_job, NULL, 1, TRUE, NULL);
    }
  bulk = self->bulk;
  g_mutex_unlock (&creating);
  return bulk;
}

/* Runs @change for @task on the worker, which returns through @task. */
static void
run_on_worker (SdStore        *self,
               GTask          *task,
               ChangeFunc      change,
               GDestroyNotify  free_result)
{
  BulkJob *job = g_new0 (BulkJob, 1);

  /* Work done is reported done: a cancellable counts before it starts. */
  g_task_set_check_cancellable (task, FALSE);
  job->task = g_object_ref (task);
  job->change = change;
  job->free_result = free_result;
  g_thread_pool_push (get_bulk (self)->worker, job, NULL);
}

static void
set_db_error (sqlite3  *db,
              GError  **error)
{
  g_set_error (error, SD_STORE_ERROR, SD_STORE_ERROR_WRITE,
               _("Could not change the task history: %s"), sqlite3_errmsg (db));
}

static gboolean
exec (sqlite3     *db,
      const char  *sql,
      GError     **error)
{
  if (sqlite3_exec (db, sql, NULL, NULL, NULL) == SQLITE_OK)
    return TRUE;
  set_db_error (db, error);
  return FALSE;
}

static gboolean
open_bulk_db (SdStore     *self,
              SdStoreBulk *bulk,
              GError     **error)
{
  int rc;

  if (bulk->db != NULL)
    return TRUE;
  rc = sqlite3_open_v2 (self->path, &bulk->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      _sd_store_set_open_error (error, SD_STORE_ERROR_OPEN, self->path,
                                bulk->db != NULL ? sqlite3_errmsg (bulk->db) : sqlite3_errstr (rc));
      g_clear_pointer (&bulk->db, sqlite3_close_v2);
      return FALSE;
    }
  sqlite3_busy_timeout (bulk->db, BUSY_TIMEOUT_MS);
  sqlite3_extended_result_codes (bulk->db, TRUE);
  /* A bulk change touches most pages of a large history: with the
   * default cache of 2 MB, the same pages would be spilled to the journal
   * again and again before the commit. */
  return exec (bulk->db, "PRAGMA foreign_keys = ON; PRAGMA recursive_triggers = ON; "
                         "PRAGMA cache_size = " G_STRINGIFY (BULK_CACHE_KIB), error);
}

static gboolean
begin (SdStore     *self,
       SdStoreBulk *bulk,
       GError     **error)
{
  if (!open_bulk_db (self, bulk, error) || !exec (bulk->db, "BEGIN IMMEDIATE", error))
    return FALSE;
  if (_sd_store_check_file (self, error))
    return TRUE;
  sqlite3_exec (bulk->db, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}

static gboolean
end (SdStoreBulk *bulk,
     gboolean     done,
     GError     **error)
{
  if (done && exec (bulk->db, "COMMIT", error))
    return TRUE;
  if (!sqlite3_get_autocommit (bulk->db))
    sqlite3_exec (bulk->db, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}

/* Runs @sql with @text bound to ?1 (when not NULL); @changes (optional)
 * gets the rows it changed. */
static gboolean
run (sqlite3     *db,
     const char  *sql,
     const char  *text,
     gint64      *changes,
     GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);

  if (rc == SQLITE_OK && text != NULL)
    sqlite3_bind_text (stmt, 1, text, -1, SQLITE_TRANSIENT);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      set_db_error (db, error);
      return FALSE;
    }
  if (changes != NULL)
    *changes = sqlite3_changes64 (db);
  return TRUE;
}

/* The first column of every row of @sql, as a NULL-terminated array;
 * @keep (optional) filters them. */
static char **
collect_texts (sqlite3     *db,
               const char  *sql,
               gboolean   (*keep) (const char *text),
               GError     **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);

  while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *text = (const char *) sqlite3_column_text (stmt, 0);

      if (text != NULL && (keep == NULL || keep (text)))
        g_strv_builder_add (builder, text);
      rc = SQLITE_OK;
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      set_db_error (db, error);
      return NULL;
    }
  return g_strv_builder_end (builder);
}

/* Every column of the tasks table, quoted and separated by commas: the
 * kept rows carry whatever columns the schema has. */
static char *
get_task_columns (sqlite3  *db,
                  GError  **error)
{
  g_auto(GStrv) names = collect_texts (db, "SELECT '\"' || name || '\"' "
                                       "FROM pragma_table_info('tasks') ORDER BY cid",
                                       NULL, error);

  return names != NULL ? g_strjoinv (", ", names) : NULL;
}

static gboolean
is_regular_file (const char *path)
{
  return g_file_test (path, G_FILE_TEST_IS_REGULAR);
}

/* Removing */

static gboolean
fill_ids (sqlite3             *db,
          const char * const  *ids,
          GError             **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean done;

  done = exec (db, "CREATE TEMP TABLE IF NOT EXISTS bulk_ids (id TEXT PRIMARY KEY) WITHOUT ROWID; "
                   "DELETE FROM temp.bulk_ids", error);
  if (done && sqlite3_prepare_v2 (db, "INSERT OR IGNORE INTO temp.bulk_ids VALUES (?1)",
                                  -1, &stmt, NULL) != SQLITE_OK)
    done = FALSE;
  for (guint i = 0; done && ids[i] != NULL; i++)
    {
      sqlite3_bind_text (stmt, 1, ids[i], -1, SQLITE_STATIC);
      done = sqlite3_step (stmt) == SQLITE_DONE;
      sqlite3_reset (stmt);
    }
  sqlite3_finalize (stmt);
  if (!done && error != NULL && *error == NULL)
    set_db_error (db, error);
  return done;
}

static gint64
count_tasks (sqlite3 *db)
{
  sqlite3_stmt *stmt = NULL;
  gint64 n = -1;

  if (sqlite3_prepare_v2 (db, "SELECT count(*) FROM main.tasks", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

/* The shadow tables of the search index (FTS5's, content = ''). */
static const char * const search_shadows[] = { "data", "idx", "docsize" };

/* The index's records of its own state: FTS5's averages (rowid 1) and
 * structure (rowid 10), which every write of the index changes (a new
 * segment, other totals). NULL with @error when they cannot be read. */
static char *
read_index_state (sqlite3  *db,
                  GError  **error)
{
  g_auto(GStrv) records = collect_texts (db, "SELECT id || ':' || hex(block) FROM "
                                         "main.tasks_search_data WHERE id <= 10 ORDER BY id",
                                         NULL, error);

  return records != NULL ? g_strjoinv (" ", records) : NULL;
}

/* temp.@table_search_NAME gets a copy of each shadow table. */
static gboolean
copy_index (sqlite3     *db,
            const char  *table,
            GError     **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (search_shadows); i++)
    {
      g_autofree char *sql = g_strdup_printf ("CREATE TEMP TABLE %s_search_%s AS "
                                              "SELECT * FROM main.tasks_search_%s",
                                              table, search_shadows[i], search_shadows[i]);

      if (!exec (db, sql, error))
        return FALSE;
    }
  return TRUE;
}

/* Puts the copy of copy_index() in place of the index. FTS5 may keep
 * what it read of the index's structure on this connection: a write
 * rolled back to a savepoint makes it read the structure again. */
static gboolean
put_back_index (sqlite3     *db,
                const char  *table,
                GError     **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (search_shadows); i++)
    {
      g_autofree char *sql = g_strdup_printf ("DELETE FROM main.tasks_search_%s; "
                                              "INSERT INTO main.tasks_search_%s "
                                              "SELECT * FROM temp.%s_search_%s",
                                              search_shadows[i], search_shadows[i],
                                              table, search_shadows[i]);

      if (!exec (db, sql, error))
        return FALSE;
    }
  return exec (db, "SAVEPOINT sd_forget_structure; "
                   "INSERT INTO main.tasks_search (rowid, prompt) VALUES (-1, ''); "
                   "ROLLBACK TO sd_forget_structure; RELEASE sd_forget_structure", error);
}

static gboolean
drop_index_copy (sqlite3     *db,
                 const char  *table,
                 GError     **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (search_shadows); i++)
    {
      g_autofree char *sql = g_strdup_printf ("DROP TABLE IF EXISTS temp.%s_search_%s",
                                              table, search_shadows[i]);

      if (!exec (db, sql, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
query_count (sqlite3     *db,
             const char  *sql,
             gint64      *n,
             GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean done = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) == SQLITE_OK &&
                  sqlite3_step (stmt) == SQLITE_ROW;

  if (done)
    *n = sqlite3_column_int64 (stmt, 0);
  else
    set_db_error (db, error);
  sqlite3_finalize (stmt);
  return done;
}

/* The rows of temp.@table leave the tasks table; the index loses them
 * one by one (its trigger), or is made again from the rows left, after a
 * copy of it is kept for Undo (@index_state then gets the state the
 * index is left in). */
static gboolean
delete_rows (sqlite3     *db,
             const char  *table,
             gint64       n_removed,
             char       **index_state,
             GError     **error)
{
  g_autofree char *sql = g_strdup_printf ("DELETE FROM main.tasks WHERE rowid IN "
                                          "(SELECT sd_removed_rowid FROM temp.%s)", table);
  gint64 n_left = count_tasks (db) - n_removed;
  gboolean rebuild = n_removed > REBUILD_RATIO * n_left;

  g_debug ("Removing %" G_GINT64_FORMAT " tasks, %" G_GINT64_FORMAT " stay: %s", n_removed,
           n_left, rebuild ? "indexing those again" : "out of the index one by one");
  if (!rebuild)
    return run (db, sql, NULL, NULL, error);
  return copy_index (db, table, error) &&
         exec (db, "DROP TRIGGER main.tasks_search_delete", error) &&
         run (db, sql, NULL, NULL, error) &&
         exec (db, "INSERT INTO main.tasks_search (tasks_search) VALUES ('delete-all')", error) &&
         _sd_store_build_search_index (db, error) &&
         exec (db, _sd_store_search_delete_trigger_sql (), error) &&
         /* a savepoint has FTS5 write what it holds in memory: the state
          * read is the one the commit leaves */
         exec (db, "SAVEPOINT sd_index_state; RELEASE sd_index_state", error) &&
         (*index_state = read_index_state (db, error)) != NULL;
}

static gpointer
remove_in_transaction (SdStore      *self,
                       SdStoreBulk  *bulk,
                       gpointer      data,
                       GError      **error)
{
  const char * const *ids = data;
  SdStoreRemoval *removal = g_new0 (SdStoreRemoval, 1);
  g_autofree char *table = g_strdup_printf ("removed_%u", ++bulk->serial);
  g_autofree char *create = g_strdup_printf ("CREATE TEMP TABLE %s AS SELECT rowid AS "
                                             "sd_removed_rowid, * FROM main.tasks WHERE 0", table);
  g_autofree char *copy = g_strdup_printf ("INSERT INTO temp.%s SELECT rowid, * FROM main.tasks "
                                           "WHERE base = ?1 AND id IN (SELECT id FROM temp.bulk_ids)",
                                           table);
  g_autofree char *select_ids = g_strdup_printf ("SELECT id FROM temp.%s", table);
  g_autofree char *select_videos = g_strdup_printf ("SELECT local_file FROM temp.%s "
                                                    "WHERE local_file IS NOT NULL", table);
  gint64 n = 0;

  g_atomic_ref_count_init (&removal->ref_count);
  removal->serial = bulk->serial;
  if (fill_ids (bulk->db, ids, error) &&
      exec (bulk->db, create, error) &&
      run (bulk->db, copy, self->base, &n, error) &&
      delete_rows (bulk->db, table, n, &removal->index_state, error) &&
      (removal->ids = collect_texts (bulk->db, select_ids, NULL, error)) != NULL &&
      (removal->videos = collect_texts (bulk->db, select_videos, is_regular_file, error)) != NULL)
    {
      g_debug ("Removing %u tasks from the history", g_strv_length (removal->ids));
      return removal;
    }
  sd_store_removal_unref (removal);
  return NULL;
}

/**
 * sd_store_remove_tasks_async:
 * @self: a store
 * @ids: (array zero-terminated=1): task ids
 * @cancellable: (nullable): only checked before the work starts
 * @callback: called on the thread-default main context of the caller
 * @user_data: for @callback
 *
 * Removes every task of @ids in one transaction, or (on an error) none,
 * on a worker thread and a connection of its own. Ids not in the history
 * are skipped. The rows are kept, for sd_store_restore_removal_async(),
 * until sd_store_forget_removal().
 */
void
sd_store_remove_tasks_async (SdStore             *self,
                             const char * const  *ids,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SD_IS_STORE (self));
  g_return_if_fail (ids != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sd_store_remove_tasks_async);
  g_task_set_task_data (task, g_strdupv ((char **) ids), (GDestroyNotify) g_strfreev);
  run_on_worker (self, task, remove_in_transaction, (GDestroyNotify) sd_store_removal_unref);
}

/**
 * sd_store_remove_tasks_finish:
 *
 * Returns: (transfer full): what was removed, for Undo, or %NULL with
 *   @error set
 */
SdStoreRemoval *
sd_store_remove_tasks_finish (SdStore       *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Favourites */

typedef struct {
  char   **ids;
  gboolean favourite;
} FavouriteData;

static void
favourite_data_free (gpointer data)
{
  FavouriteData *favourite = data;

  g_strfreev (favourite->ids);
  g_free (favourite);
}

static gpointer
set_favourite_in_transaction (SdStore      *self,
                              SdStoreBulk  *bulk,
                              gpointer      data,
                              GError      **error)
{
  FavouriteData *favourite = data;
  const char *sql = favourite->favourite
                    ? "UPDATE main.tasks SET favourite = 1 WHERE base = ?1 AND "
                      "id IN (SELECT id FROM temp.bulk_ids)"
                    : "UPDATE main.tasks SET favourite = 0 WHERE base = ?1 AND "
                      "id IN (SELECT id FROM temp.bulk_ids)";
  gint64 n = 0;

  if (!fill_ids (bulk->db, (const char * const *) favourite->ids, error) ||
      !run (bulk->db, sql, self->base, &n, error))
    return NULL;
  g_debug ("Favourite %s for %" G_GINT64_FORMAT " tasks", favourite->favourite ? "set" : "cleared", n);
  /* anything but NULL: done */
  return GINT_TO_POINTER (TRUE);
}

/**
 * sd_store_set_favourite_async:
 * @self: a store
 * @ids: (array zero-terminated=1): task ids
 * @favourite: the flag to set
 * @cancellable: (nullable): only checked before the work starts
 * @callback: called on the thread-default main context of the caller
 * @user_data: for @callback
 *
 * sd_store_set_favourite() in one set-based statement on the worker: for
 * a whole view of tasks. Ids not in the history are skipped.
 */
void
sd_store_set_favourite_async (SdStore             *self,
                              const char * const  *ids,
                              gboolean             favourite,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  FavouriteData *data = g_new0 (FavouriteData, 1);

  g_return_if_fail (SD_IS_STORE (self));
  g_return_if_fail (ids != NULL);

  data->ids = g_strdupv ((char **) ids);
  data->favourite = favourite;
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sd_store_set_favourite_async);
  g_task_set_task_data (task, data, favourite_data_free);
  run_on_worker (self, task, set_favourite_in_transaction, NULL);
}

gboolean
sd_store_set_favourite_finish (SdStore       *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_pointer (G_TASK (result), error) != NULL;
}

/* Restoring */

typedef struct {
  SdStoreRemoval *removal;
  SdStoreCursor   loaded;
} RestoreData;

static void
restore_data_free (gpointer data)
{
  RestoreData *restore = data;

  sd_store_removal_unref (restore->removal);
  g_free (restore);
}

/* The restored tasks a list that loaded the history down to @loaded
 * holds: those above it, and every one a start would resume. */
static GPtrArray *
read_restored (sqlite3              *db,
               const char           *table,
               const SdStoreCursor  *loaded,
               GError              **error)
{
  g_autofree char *sql =
    g_strdup_printf ("SELECT " TASK_COLUMNS " FROM main.tasks WHERE (base, id) IN "
                     "(SELECT base, id FROM temp.%s) AND ((created_at, rowid) >= (?1, ?2) OR "
                     TO_RESUME ") ORDER BY created_at DESC, rowid DESC", table);
  GPtrArray *tasks = g_ptr_array_new_with_free_func (g_object_unref);
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, loaded->created_at);
      sqlite3_bind_int64 (stmt, 2, loaded->rowid);
    }
  while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      SdTask *task = _sd_store_task_from_row (stmt);

      if (task != NULL)
        g_ptr_array_add (tasks, task);
      rc = SQLITE_OK;
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      set_db_error (db, error);
      g_clear_pointer (&tasks, g_ptr_array_unref);
    }
  return tasks;
}

/* A row takes back its rowid (its place among tasks of the same second)
 * unless another row has it by now; a task the history has again
 * meanwhile is left as it is there. */
static gpointer
restore_in_transaction (SdStore      *self,
                        SdStoreBulk  *bulk,
                        gpointer      data,
                        GError      **error)
{
  RestoreData *restore = data;
  g_autofree char *table = g_strdup_printf ("removed_%u", restore->removal->serial);
  g_autofree char *columns = get_task_columns (bulk->db, error);
  g_autofree char *insert = NULL;
  g_autofree char *insert_moved = NULL;
  g_autofree char *drop = g_strdup_printf ("DROP TABLE temp.%s", table);
  g_autoptr(GPtrArray) tasks = NULL;

  g_autofree char *state = NULL;
  gboolean index_kept = FALSE;

  if (columns == NULL)
    return NULL;
  if (restore->removal->index_state != NULL)
    {
      state = read_index_state (bulk->db, error);
      if (state == NULL)
        return NULL;
      index_kept = g_str_equal (state, restore->removal->index_state);
    }
  g_debug ("Restoring %u tasks to the history: %s", sd_store_removal_get_n_tasks (restore->removal),
           index_kept ? "the index as it was before the removal"
           : restore->removal->index_state != NULL ? "indexed again (the index changed meanwhile)"
           : "indexed again");
  /* Two statements: one SELECT that reads the tasks table is made whole
   * before its rows go in, so a row given a new rowid there could take
   * the rowid a later row of the same statement was found to have free. */
  insert = g_strdup_printf ("INSERT INTO main.tasks (rowid, %s) SELECT r.sd_removed_rowid, %s "
                            "FROM temp.%s r WHERE NOT EXISTS "
                            "(SELECT 1 FROM main.tasks t WHERE t.rowid = r.sd_removed_rowid) "
                            "ON CONFLICT (base, id) DO NOTHING",
                            columns, columns, table);
  insert_moved = g_strdup_printf ("INSERT INTO main.tasks (%s) SELECT %s FROM temp.%s r "
                                  "WHERE NOT EXISTS (SELECT 1 FROM main.tasks t "
                                  "WHERE t.base = r.base AND t.id = r.id) ORDER BY r.sd_removed_rowid",
                                  columns, columns, table);
  if (index_kept)
    {
      gint64 n_kept = 0, n_restored = 0;
      g_autofree char *count = g_strdup_printf ("SELECT count(*) FROM temp.%s", table);

      /* Every row comes back with its rowid (no write since took one), so
       * the copy indexes exactly the rows there are. */
      if (!exec (bulk->db, "DROP TRIGGER main.tasks_search_insert", error) ||
          !run (bulk->db, insert, NULL, &n_restored, error) ||
          !query_count (bulk->db, count, &n_kept, error))
        return NULL;
      if (n_restored != n_kept)
        {
          g_set_error (error, SD_STORE_ERROR, SD_STORE_ERROR_WRITE,
                       _("Could not change the task history: %s"),
                       "the restored tasks did not get their places back");
          return NULL;
        }
      if (!put_back_index (bulk->db, table, error) ||
          !exec (bulk->db, _sd_store_search_insert_trigger_sql (), error))
        return NULL;
    }
  else if (!run (bulk->db, insert, NULL, NULL, error) ||
           !run (bulk->db, insert_moved, NULL, NULL, error))
    return NULL;
  tasks = read_restored (bulk->db, table, &restore->loaded, error);
  if (tasks == NULL || !exec (bulk->db, drop, error) || !drop_index_copy (bulk->db, table, error))
    return NULL;
  return g_steal_pointer (&tasks);
}

/**
 * sd_store_restore_removal_async:
 * @self: the store that removed them
 * @removal: what sd_store_remove_tasks_finish() gave
 * @loaded: (nullable): how far down the history a list has loaded
 *   (sd_store_load_page()'s cursor); %NULL: nothing
 * @cancellable: (nullable): only checked before the work starts
 * @callback: called on the thread-default main context of the caller
 * @user_data: for @callback
 *
 * Puts the removed tasks back exactly as they were (every column, their
 * place among the tasks of the same second, the search index), in one
 * transaction on the worker; the kept rows then go. Restoring a removal
 * twice, or after sd_store_forget_removal(), fails.
 */
void
sd_store_restore_removal_async (SdStore              *self,
                                SdStoreRemoval       *removal,
                                const SdStoreCursor  *loaded,
                                GCancellable         *cancellable,
                                GAsyncReadyCallback   callback,
                                gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  RestoreData *restore = g_new0 (RestoreData, 1);

  g_return_if_fail (SD_IS_STORE (self));
  g_return_if_fail (removal != NULL);

  restore->removal = sd_store_removal_ref (removal);
  restore->loaded = loaded != NULL ? *loaded : (SdStoreCursor) SD_STORE_CURSOR_INIT;
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sd_store_restore_removal_async);
  g_task_set_task_data (task, restore, restore_data_free);
  run_on_worker (self, task, restore_in_transaction, (GDestroyNotify) g_ptr_array_unref);
}

/**
 * sd_store_restore_removal_finish:
 *
 * Returns: (transfer container) (element-type SdTask): the restored tasks
 *   a list loaded down to the cursor given holds (above it, or to be
 *   resumed), newest first; %NULL with @error set
 */
GPtrArray *
sd_store_restore_removal_finish (SdStore       *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static gpointer
forget_in_transaction (SdStore      *self,
                       SdStoreBulk  *bulk,
                       gpointer      data,
                       GError      **error)
{
  g_autofree char *table = g_strdup_printf ("removed_%u", GPOINTER_TO_UINT (data));
  g_autofree char *drop = g_strdup_printf ("DROP TABLE IF EXISTS temp.%s", table);

  return exec (bulk->db, drop, error) && drop_index_copy (bulk->db, table, error)
         ? GINT_TO_POINTER (TRUE) : NULL;
}

/**
 * sd_store_forget_removal:
 * @self: the store that removed them
 * @removal: what sd_store_remove_tasks_finish() gave
 *
 * Lets go of the rows kept for Undo (on the worker): the removal can no
 * longer be restored.
 */
void
sd_store_forget_removal (SdStore        *self,
                         SdStoreRemoval *removal)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SD_IS_STORE (self));
  g_return_if_fail (removal != NULL);

  task = g_task_new (self, NULL, NULL, NULL);
  g_task_set_source_tag (task, sd_store_forget_removal);
  g_task_set_task_data (task, GUINT_TO_POINTER (removal->serial), NULL);
  run_on_worker (self, task, forget_in_transaction, NULL);
}

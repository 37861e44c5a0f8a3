/* sd-store.c: the task history, in SQLite
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-store"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "sd-api.h"
#include "sd-client.h"
#include "sd-enum-types.h"
#include "sd-store.h"
#include "sd-store-private.h"

/* Ties on created_at (same second) go to the later insertion. */
#define NEWEST_FIRST " ORDER BY created_at DESC, rowid DESC"

static const char * const statement_sql[N_STATEMENTS] = {
  [STMT_UPSERT] =
    /* The favourite flag of a row already there changes only by
     * STMT_SET_FAVOURITE: another process's older copy of the task must
     * not undo a star this one set. */
    "INSERT INTO tasks (base, " TASK_COLUMNS ") "
    "VALUES (" BASE_PARAM ", ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16) "
    "ON CONFLICT (base, id) DO UPDATE SET "
    "request = excluded.request, status = excluded.status, "
    "status_raw = excluded.status_raw, server_model = excluded.server_model, "
    "created_at = excluded.created_at, updated_at = excluded.updated_at, "
    "failure_message = excluded.failure_message, "
    "video_url = excluded.video_url, local_file = excluded.local_file, "
    "download_state = excluded.download_state, "
    "download_error = excluded.download_error, "
    "first_seen_at = excluded.first_seen_at, "
    "estimate = excluded.estimate, estimate_currency = excluded.estimate_currency",
  [STMT_DELETE] = "DELETE FROM tasks WHERE base = " BASE_PARAM " AND id = ?1",
  [STMT_SELECT_ALL] =
    "SELECT " TASK_COLUMNS " FROM tasks WHERE base = " BASE_PARAM NEWEST_FIRST,
  [STMT_SELECT_UNFINISHED] =
    "SELECT " TASK_COLUMNS " FROM tasks WHERE base = " BASE_PARAM " AND "
    "(status IS NULL OR status NOT IN (?1, ?2, ?3, ?4))" NEWEST_FIRST,
  [STMT_SELECT_TO_RESUME] =
    "SELECT " TASK_COLUMNS " FROM tasks WHERE base = " BASE_PARAM " AND "
    TO_RESUME NEWEST_FIRST,
  [STMT_SELECT_ONE] =
    "SELECT " TASK_COLUMNS " FROM tasks WHERE base = " BASE_PARAM " AND id = ?1",
  /* Rows after the cursor (created_at ?1, rowid ?2) in NEWEST_FIRST order;
   * the row value comparison walks the (base, created_at) index from there. */
  [STMT_SELECT_PAGE] =
    "SELECT " TASK_COLUMNS ", rowid FROM tasks WHERE base = " BASE_PARAM " AND "
    "(created_at, rowid) < (?1, ?2)" NEWEST_FIRST " LIMIT ?3",
  [STMT_COUNT] = "SELECT count(*) FROM tasks WHERE base = " BASE_PARAM,
  /* A row that has the new id already gives way to the renamed one. */
  [STMT_RENAME] =
    "UPDATE OR REPLACE tasks SET id = ?1 WHERE base = " BASE_PARAM " AND id = ?2",
  [STMT_INSERT_NEW] =
    "INSERT INTO tasks (base, " TASK_COLUMNS ") "
    "VALUES (" BASE_PARAM ", ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16) "
    "ON CONFLICT (base, id) DO NOTHING",
  /* A restored row takes back its rowid (its place among tasks of the
   * same second) unless another row has it by now. */
  [STMT_RESTORE] =
    "INSERT INTO tasks (rowid, base, " TASK_COLUMNS ") "
    "VALUES (CASE WHEN EXISTS (SELECT 1 FROM tasks WHERE rowid = ?17) THEN NULL ELSE ?17 END, "
    BASE_PARAM ", ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16) "
    "ON CONFLICT (base, id) DO NOTHING",
  [STMT_SET_FAVOURITE] =
    "UPDATE tasks SET favourite = ?2 WHERE base = " BASE_PARAM " AND id = ?1",
  [STMT_SELECT_ONE_ROWID] =
    "SELECT " TASK_COLUMNS ", rowid FROM tasks WHERE base = " BASE_PARAM " AND id = ?1",
  /* The estimates of the tasks made since ?1 in currency ?2, by status. */
  [STMT_COST_TOTALS] =
    "SELECT status, total(estimate), count(*) FROM tasks WHERE base = " BASE_PARAM " AND "
    "created_at >= ?1 AND estimate IS NOT NULL AND estimate_currency = ?2 GROUP BY status",
};


G_DEFINE_FINAL_TYPE (SdStore, sd_store, G_TYPE_OBJECT)
G_DEFINE_QUARK (sd-store-error-quark, sd_store_error)

enum {
  SAVE_FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];


/* Migrations */

/* @legacy_base: the API base the tasks of an older schema were made with. */
typedef gboolean (*MigrateFunc) (sqlite3     *db,
                                 const char  *legacy_base,
                                 GError     **error);

static gboolean
exec_sql (sqlite3     *db,
          const char  *sql,
          GError     **error)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) == SQLITE_OK)
    return TRUE;
  g_set_error_literal (error, SD_STORE_ERROR, SD_STORE_ERROR_WRITE,
                       message != NULL ? message : sqlite3_errmsg (db));
  sqlite3_free (message);
  return FALSE;
}

static gboolean
table_exists (sqlite3    *db,
              const char *name)
{
  sqlite3_stmt *stmt = NULL;
  gboolean exists;

  sqlite3_prepare_v2 (db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1",
                      -1, &stmt, NULL);
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  exists = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_finalize (stmt);
  return exists;
}

/* The columns of @table, as a set of names. */
static GHashTable *
table_columns (sqlite3    *db,
               const char *table)
{
  GHashTable *columns = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *sql = g_strdup_printf ("PRAGMA table_info(%s)", table);
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    return columns;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_hash_table_add (columns, g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
  sqlite3_finalize (stmt);
  return columns;
}

#define TASKS_V1_TABLE(name)                                  \
  "CREATE TABLE " name " ("                                   \
  "  id              TEXT PRIMARY KEY NOT NULL,"              \
  "  request         TEXT,"                                   \
  "  status          TEXT,"                                   \
  "  status_raw      TEXT,"                                   \
  "  server_model    TEXT,"                                   \
  "  created_at      INTEGER NOT NULL DEFAULT 0,"             \
  "  updated_at      INTEGER NOT NULL DEFAULT 0,"             \
  "  failure_message TEXT,"                                   \
  "  video_url       TEXT,"                                   \
  "  local_file      TEXT,"                                   \
  "  download_state  INTEGER NOT NULL DEFAULT 0,"             \
  "  download_error  TEXT"                                    \
  ")"

static const char * const tasks_v1_columns[] = {
  "id", "request", "status", "status_raw", "server_model", "created_at",
  "updated_at", "failure_message", "video_url", "local_file",
  "download_state", "download_error", NULL
};

/* A history from before schema versions may hold a "tasks" table of another
 * shape: its rows are carried over, column by column where names agree. */
static gboolean
adopt_unversioned_tasks (sqlite3  *db,
                         GError  **error)
{
  g_autoptr(GHashTable) old_columns = table_columns (db, "tasks");
  g_autoptr(GString) names = g_string_new (NULL);
  g_autofree char *copy = NULL;

  if (!g_hash_table_contains (old_columns, "id"))
    return exec_sql (db, "ALTER TABLE tasks RENAME TO tasks_unversioned", error) &&
           exec_sql (db, TASKS_V1_TABLE ("tasks"), error);

  for (guint i = 0; tasks_v1_columns[i] != NULL; i++)
    if (g_hash_table_contains (old_columns, tasks_v1_columns[i]))
      g_string_append_printf (names, "%s%s", names->len > 0 ? ", " : "",
                              tasks_v1_columns[i]);

  copy = g_strdup_printf ("INSERT OR IGNORE INTO tasks_v1 (%s) "
                          "SELECT %s FROM tasks WHERE id IS NOT NULL",
                          names->str, names->str);
  return exec_sql (db, TASKS_V1_TABLE ("tasks_v1"), error) &&
         exec_sql (db, copy, error) &&
         exec_sql (db, "DROP TABLE tasks", error) &&
         exec_sql (db, "ALTER TABLE tasks_v1 RENAME TO tasks", error);
}

static gboolean
migrate_to_1 (sqlite3     *db,
              const char  *legacy_base,
              GError     **error)
{
  gboolean created;

  if (table_exists (db, "tasks"))
    created = adopt_unversioned_tasks (db, error);
  else
    created = exec_sql (db, TASKS_V1_TABLE ("tasks"), error);

  return created &&
         exec_sql (db, "CREATE INDEX tasks_created_at ON tasks (created_at)", error);
}

/* The tasks to resume at start, read without scanning the history. */
static gboolean
migrate_to_2 (sqlite3     *db,
              const char  *legacy_base,
              GError     **error)
{
  return exec_sql (db, "CREATE INDEX tasks_to_resume ON tasks (created_at) "
                       "WHERE " TO_RESUME, error);
}

/* The local time a task was first seen: a link's expiry never counts from
 * before it, whatever the server's created_at says. */
static gboolean
migrate_to_3 (sqlite3     *db,
              const char  *legacy_base,
              GError     **error)
{
  return exec_sql (db, "ALTER TABLE tasks ADD COLUMN first_seen_at INTEGER NOT NULL DEFAULT 0",
                   error);
}

/* The definition of a column of @table that is not one of @known, from
 * PRAGMA table_info, e.g. "first_seen INTEGER NOT NULL DEFAULT 0". */
static void
append_other_columns (sqlite3            *db,
                      const char         *table,
                      const char * const *known,
                      GString            *definitions,
                      GString            *names)
{
  g_autofree char *sql = g_strdup_printf ("PRAGMA table_info(%s)", table);
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    return;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *name = (const char *) sqlite3_column_text (stmt, 1);
      const char *type = (const char *) sqlite3_column_text (stmt, 2);
      const char *value = (const char *) sqlite3_column_text (stmt, 4);
      char *quoted;

      if (name == NULL || g_strv_contains (known, name))
        continue;
      quoted = sqlite3_mprintf ("%w", name);
      g_string_append_printf (definitions, ", \"%s\" %s%s%s%s", quoted,
                              type != NULL ? type : "",
                              sqlite3_column_int (stmt, 3) ? " NOT NULL" : "",
                              value != NULL ? " DEFAULT " : "",
                              value != NULL ? value : "");
      g_string_append_printf (names, ", \"%s\"", quoted);
      sqlite3_free (quoted);
    }
  sqlite3_finalize (stmt);
}

/* Tasks are keyed by (API base, id): two servers may hand out the same id.
 * SQLite cannot change a primary key, so the table is made again; the rows
 * of the older schema get @legacy_base, and any column added meanwhile is
 * carried over as it is. */
static gboolean
migrate_to_4 (sqlite3     *db,
              const char  *legacy_base,
              GError     **error)
{
  g_autoptr(GString) definitions = g_string_new (NULL);
  g_autoptr(GString) names = g_string_new (NULL);
  g_autofree char *create = NULL;
  g_autofree char *copy = NULL;
  char *base;
  gboolean done;

  for (guint i = 0; tasks_v1_columns[i] != NULL; i++)
    g_string_append_printf (names, "%s%s", i > 0 ? ", " : "", tasks_v1_columns[i]);
  append_other_columns (db, "tasks", tasks_v1_columns, definitions, names);

  create = g_strdup_printf ("CREATE TABLE tasks_v4 ("
                            "  base            TEXT NOT NULL,"
                            "  id              TEXT NOT NULL,"
                            "  request         TEXT,"
                            "  status          TEXT,"
                            "  status_raw      TEXT,"
                            "  server_model    TEXT,"
                            "  created_at      INTEGER NOT NULL DEFAULT 0,"
                            "  updated_at      INTEGER NOT NULL DEFAULT 0,"
                            "  failure_message TEXT,"
                            "  video_url       TEXT,"
                            "  local_file      TEXT,"
                            "  download_state  INTEGER NOT NULL DEFAULT 0,"
                            "  download_error  TEXT"
                            "  %s,"
                            "  PRIMARY KEY (base, id)"
                            ")", definitions->str);
  base = sqlite3_mprintf ("%Q", legacy_base);
  copy = g_strdup_printf ("INSERT INTO tasks_v4 (base, %s) SELECT %s, %s FROM tasks",
                          names->str, base, names->str);
  sqlite3_free (base);

  done = exec_sql (db, create, error) &&
         exec_sql (db, copy, error) &&
         exec_sql (db, "DROP TABLE tasks", error) &&
         exec_sql (db, "ALTER TABLE tasks_v4 RENAME TO tasks", error) &&
         exec_sql (db, "CREATE INDEX tasks_created_at ON tasks (base, created_at)", error) &&
         exec_sql (db, "CREATE INDEX tasks_to_resume ON tasks (base, created_at) "
                       "WHERE " TO_RESUME, error);
  return done;
}

/* What each task was estimated to cost when sent (sd-prices.h): an
 * integer of millionths and its currency, NULL when no price was known. */
static gboolean
migrate_to_6 (sqlite3     *db,
              const char  *legacy_base,
              GError     **error)
{
  return exec_sql (db, "ALTER TABLE tasks ADD COLUMN estimate INTEGER", error) &&
         exec_sql (db, "ALTER TABLE tasks ADD COLUMN estimate_currency TEXT", error);
}

/* migrations[i] brings a database from version i to version i + 1. A new
 * schema is one more function here and a bump of SD_STORE_SCHEMA_VERSION. */
static const MigrateFunc migrations[] = {
  migrate_to_1,
  migrate_to_2,
  migrate_to_3,
  migrate_to_4,
  _sd_store_migrate_to_5,
  migrate_to_6,
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == SD_STORE_SCHEMA_VERSION);

static int
read_user_version (sqlite3 *db)
{
  sqlite3_stmt *stmt = NULL;
  int version = -1;

  if (sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  return version;
}

/* One migration and its version bump, all or nothing. Another process
 * (the CLI next to the app) may have migrated since the version was read:
 * under the write lock, a step already done is skipped. @failed_rc gets
 * the SQLite code of a failure, before the rollback clears it. */
gboolean
_sd_store_run_migration (sqlite3     *db,
                         int          from,
                         const char  *legacy_base,
                         int         *failed_rc,
                         GError     **error)
{
  g_autofree char *set_version = NULL;

  set_version = g_strdup_printf ("PRAGMA user_version = %d", from + 1);
  if (!exec_sql (db, "BEGIN IMMEDIATE", error))
    {
      *failed_rc = sqlite3_extended_errcode (db);
      return FALSE;
    }
  if (read_user_version (db) > from)
    return exec_sql (db, "COMMIT", error);
  if (migrations[from] (db, legacy_base, error) &&
      exec_sql (db, set_version, error) &&
      exec_sql (db, "COMMIT", error))
    return TRUE;
  *failed_rc = sqlite3_extended_errcode (db);
  sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}

/* Opening */

static gboolean
is_damage (int rc)
{
  rc &= 0xff;
  return rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT;
}

static gboolean
is_busy (int rc)
{
  rc &= 0xff;
  return rc == SQLITE_BUSY || rc == SQLITE_LOCKED;
}

void
_sd_store_set_open_error (GError     **error,
                          int          code,
                          const char  *path,
                          const char  *reason)
{
  g_autofree char *display = g_filename_display_name (path);

  g_set_error (error, SD_STORE_ERROR, code,
               _("Could not open the task history “%s”: %s"), display, reason);
}

/* Runs a pragma that returns one value; its text goes to @value. */
static int
query_pragma (sqlite3  *db,
              const char *sql,
              char    **value)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          *value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
          rc = SQLITE_OK;
        }
    }
  sqlite3_finalize (stmt);
  return rc;
}

static guint32
read_be32 (const guint8 *bytes)
{
  return (guint32) bytes[0] << 24 | (guint32) bytes[1] << 16 | (guint32) bytes[2] << 8 | bytes[3];
}

/* Whether the file's own header agrees with its size: the page size
 * (offset 16) times the page count (offset 28, valid when the change
 * counter at 24 equals the one at 92). */
static gboolean
header_matches_size (const char *path)
{
  static const char magic[] = "SQLite format 3";
  guint8 header[100];
  GStatBuf st;
  guint32 page_size;
  FILE *file;
  gboolean read;

  if (g_stat (path, &st) != 0 || st.st_size == 0)
    return TRUE;
  if ((file = g_fopen (path, "rb")) == NULL)
    return FALSE;
  read = fread (header, 1, sizeof header, file) == sizeof header;
  fclose (file);
  if (!read || memcmp (header, magic, sizeof magic) != 0)
    return FALSE;

  page_size = (guint32) header[16] << 8 | header[17];
  if (page_size == 1)
    page_size = 65536;
  return read_be32 (header + 24) == read_be32 (header + 92) &&
         (gint64) read_be32 (header + 28) * page_size == (gint64) st.st_size;
}

/* `PRAGMA quick_check` reads the whole file: it runs when the last run
 * did not end cleanly (closing the last connection removes the WAL, so
 * one with frames in it was left by a crash, or another process has the
 * history open) or when the header disagrees with the file's size (a
 * truncated or replaced file). */
static gboolean
needs_quick_check (const char *path)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  GStatBuf st;

  if (g_stat (wal, &st) == 0 && st.st_size > 0)
    return TRUE;
  return !header_matches_size (path);
}

static OpenOutcome
check_database (sqlite3     *db,
                const char  *path,
                gboolean     quick_check,
                int         *version,
                GError     **error)
{
  g_autofree char *user_version = NULL;
  g_autofree char *check = NULL;
  int rc;

  rc = query_pragma (db, "PRAGMA user_version", &user_version);
  if (rc == SQLITE_OK && quick_check)
    rc = query_pragma (db, "PRAGMA quick_check", &check);
  if (is_damage (rc) || (rc == SQLITE_OK && quick_check && g_strcmp0 (check, "ok") != 0))
    return OPEN_DAMAGED;
  if (is_busy (rc))
    return OPEN_BUSY;
  if (rc != SQLITE_OK)
    {
      _sd_store_set_open_error (error, SD_STORE_ERROR_OPEN, path, sqlite3_errstr (rc));
      return OPEN_FAILED;
    }
  *version = (int) g_ascii_strtoll (user_version, NULL, 10);
  return OPEN_OK;
}

static OpenOutcome
configure_database (sqlite3     *db,
                    const char  *path,
                    GError     **error)
{
  g_autofree char *mode = NULL;
  int rc;

  rc = query_pragma (db, "PRAGMA journal_mode = WAL", &mode);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (db, "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; "
                       /* A row REPLACE deletes leaves the search index too. */
                       "PRAGMA recursive_triggers = ON",
                       NULL, NULL, NULL);
  if (is_damage (rc))
    return OPEN_DAMAGED;
  if (is_busy (rc))
    return OPEN_BUSY;
  if (rc != SQLITE_OK || g_strcmp0 (mode, "wal") != 0)
    {
      _sd_store_set_open_error (error, SD_STORE_ERROR_OPEN, path,
                      rc != SQLITE_OK ? sqlite3_errmsg (db) : _("the journal could not be set up"));
      return OPEN_FAILED;
    }
  return OPEN_OK;
}

static OpenOutcome
migrate_database (sqlite3     *db,
                  const char  *path,
                  int          version,
                  const char  *legacy_base,
                  GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  int failed_rc = SQLITE_OK;

  /* A newer app's history is healthy: it is left alone, not moved aside,
   * so that the newer version still finds it. */
  if (version > SD_STORE_SCHEMA_VERSION || version < 0)
    {
      _sd_store_set_open_error (error, SD_STORE_ERROR_TOO_NEW, path,
                      _("it was written by a newer version of the app; update the app to use it"));
      return OPEN_FAILED;
    }
  for (int from = version; from < SD_STORE_SCHEMA_VERSION; from++)
    if (!_sd_store_run_migration (db, from, legacy_base, &failed_rc, &local_error))
      {
        if (is_damage (failed_rc))
          return OPEN_DAMAGED;
        if (is_busy (failed_rc))
          return OPEN_BUSY;
        _sd_store_set_open_error (error, SD_STORE_ERROR_OPEN, path, local_error->message);
        return OPEN_FAILED;
      }
  return OPEN_OK;
}

/* A -wal or -shm without its database is what a history deleted under a
 * running process leaves: replayed into a new file of the same name, its
 * pages would bring back parts of the old one. Under a lock on the folder
 * (so that a process creating the history meanwhile is not mistaken for
 * that), they are removed and the new file is created. */
static int
create_database (const char  *path,
                 sqlite3    **db)
{
  static const char * const companions[] = { "-wal", "-shm" };
  g_autofree char *folder = g_path_get_dirname (path);
  int lock = open (folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int rc;

  if (lock >= 0)
    flock (lock, LOCK_EX);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    for (guint i = 0; i < G_N_ELEMENTS (companions); i++)
      {
        g_autofree char *companion = g_strconcat (path, companions[i], NULL);

        if (g_unlink (companion) == 0)
          g_debug ("Removed %s, left by a deleted history", companion);
      }
  /* This creates the file (empty): a process that takes the lock next
   * finds it and leaves the companions alone. */
  rc = sqlite3_open_v2 (path, db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
  if (lock >= 0)
    close (lock);
  return rc;
}

static OpenOutcome
open_database (const char  *path,
               const char  *legacy_base,
               sqlite3    **out_db,
               GError     **error)
{
  gboolean quick_check = needs_quick_check (path);
  sqlite3 *db = NULL;
  OpenOutcome outcome;
  int version = 0;
  int rc;

  rc = create_database (path, &db);
  /* Before any statement: the first one may already meet another process
   * creating, switching to WAL or migrating the same file. */
  if (db != NULL)
    sqlite3_busy_timeout (db, BUSY_TIMEOUT_MS);
  if (rc != SQLITE_OK)
    {
      outcome = is_damage (rc) ? OPEN_DAMAGED : is_busy (rc) ? OPEN_BUSY : OPEN_FAILED;
      if (outcome == OPEN_FAILED)
        _sd_store_set_open_error (error, SD_STORE_ERROR_OPEN, path, sqlite3_errstr (rc));
      sqlite3_close_v2 (db);
      return outcome;
    }
  sqlite3_extended_result_codes (db, TRUE);

  outcome = check_database (db, path, quick_check, &version, error);
  if (outcome == OPEN_OK)
    outcome = configure_database (db, path, error);
  if (outcome == OPEN_OK)
    outcome = migrate_database (db, path, version, legacy_base, error);

  if (outcome == OPEN_OK)
    {
      *out_db = db;
      return OPEN_OK;
    }
  /* Closing would fold the WAL into a damaged file, or delete it: it is
   * kept as it is, to be moved aside with the rest. */
  if (outcome == OPEN_DAMAGED)
    {
      int persist = 1;

      sqlite3_file_control (db, "main", SQLITE_FCNTL_PERSIST_WAL, &persist);
    }
  sqlite3_close_v2 (db);
  return outcome;
}

/* Opens the history, trying again while another process holds it busy
 * (creating or migrating it) for up to OPEN_RETRY_US. */
OpenOutcome
_sd_store_open_database_retrying (const char  *path,
                                  const char  *legacy_base,
                                  sqlite3    **out_db,
                                  GError     **error)
{
  gint64 deadline = g_get_monotonic_time () + OPEN_RETRY_US;
  OpenOutcome outcome;

  while ((outcome = open_database (path, legacy_base, out_db, error)) == OPEN_BUSY &&
         g_get_monotonic_time () < deadline)
    {
      g_debug ("The task history %s is busy; trying again", path);
      g_usleep (OPEN_PAUSE_US);
    }
  if (outcome == OPEN_BUSY)
    _sd_store_set_open_error (error, SD_STORE_ERROR_OPEN, path,
                    _("another program kept it locked for too long"));
  return outcome;
}

static char *
broken_name (const char *path)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  char *name = g_strdup_printf ("%s.broken-%s", path, stamp);

  for (guint n = 2; g_file_test (name, G_FILE_TEST_EXISTS); n++)
    {
      g_free (name);
      name = g_strdup_printf ("%s.broken-%s-%u", path, stamp, n);
    }
  return name;
}

/* A journal left next to a new, empty database could be replayed into it:
 * the old one's companions go with it. */
gboolean
_sd_store_move_aside (const char  *path,
                      char       **out_name,
                      GError     **error)
{
  static const char * const companions[] = { "-wal", "-shm", "-journal" };
  g_autofree char *name = broken_name (path);

  if (g_rename (path, name) != 0)
    {
      int saved_errno = errno;

      _sd_store_set_open_error (error, SD_STORE_ERROR_OPEN, path, g_strerror (saved_errno));
      return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (companions); i++)
    {
      g_autofree char *from = g_strconcat (path, companions[i], NULL);
      g_autofree char *to = g_strconcat (name, companions[i], NULL);

      if (g_rename (from, to) != 0 && errno != ENOENT)
        g_unlink (from);
    }
  *out_name = g_steal_pointer (&name);
  return TRUE;
}

gboolean
_sd_store_make_folder (const char  *path,
                       GError     **error)
{
  g_autofree char *folder = g_path_get_dirname (path);
  int saved_errno;

  if (g_mkdir_with_parents (folder, 0700) == 0)
    return TRUE;
  saved_errno = errno;
  _sd_store_set_open_error (error, SD_STORE_ERROR_OPEN, path, g_strerror (saved_errno));
  return FALSE;
}

/* Reading and writing */

sqlite3_stmt *
_sd_store_get_statement (SdStore      *self,
                         StatementId   id,
                         GError      **error)
{
  if (self->statements[id] == NULL &&
      sqlite3_prepare_v3 (self->db, statement_sql[id], -1, SQLITE_PREPARE_PERSISTENT,
                          &self->statements[id], NULL) != SQLITE_OK)
    {
      g_autofree char *display = g_filename_display_name (self->path);

      g_set_error (error, SD_STORE_ERROR, SD_STORE_ERROR_READ,
                   _("Could not read the task history “%s”: %s"),
                   display, sqlite3_errmsg (self->db));
      return NULL;
    }
  sqlite3_bind_text (self->statements[id], BASE_PARAM_INDEX, self->base, -1, SQLITE_TRANSIENT);
  return self->statements[id];
}

void
_sd_store_release_statement (sqlite3_stmt *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

void
_sd_store_set_step_error (SdStore     *self,
                          GError     **error,
                          int          code)
{
  g_autofree char *display = g_filename_display_name (self->path);
  const char *reason = sqlite3_errmsg (self->db);

  if (code == SD_STORE_ERROR_WRITE)
    g_set_error (error, SD_STORE_ERROR, code,
                 _("Could not write to the task history “%s”: %s"), display, reason);
  else
    g_set_error (error, SD_STORE_ERROR, code,
                 _("Could not read the task history “%s”: %s"), display, reason);
}

/* The file at the history's path, to tell later whether it is still the
 * one this store has open. */
static void
remember_file (SdStore *self)
{
  GStatBuf st;

  if (g_stat (self->path, &st) == 0)
    {
      self->dev = st.st_dev;
      self->ino = st.st_ino;
    }
}

/* A history deleted or replaced while this process runs would take every
 * later write into a file nobody will open again: that is an error. */
static gboolean
check_file (SdStore  *self,
            GError  **error)
{
  g_autofree char *display = g_filename_display_name (self->path);
  GStatBuf st;

  if (g_stat (self->path, &st) != 0)
    {
      int saved_errno = errno;

      g_debug ("The history %s is gone: %s", self->path, g_strerror (saved_errno));
      g_set_error (error, SD_STORE_ERROR, SD_STORE_ERROR_REPLACED,
                   _("The task history “%s” was deleted while the app was running (%s); "
                     "nothing more is written to it"),
                   display, g_strerror (saved_errno));
      return FALSE;
    }
  if (st.st_dev != self->dev || st.st_ino != self->ino)
    {
      g_debug ("The history %s is another file now", self->path);
      g_set_error (error, SD_STORE_ERROR, SD_STORE_ERROR_REPLACED,
                   _("The task history “%s” was replaced by another file while the app "
                     "was running; nothing more is written to it"), display);
      return FALSE;
    }
  if (g_access (self->path, W_OK) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, SD_STORE_ERROR, SD_STORE_ERROR_WRITE,
                   _("Could not write to the task history “%s”: %s"),
                   display, g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

/* Every change is one IMMEDIATE transaction: the write lock is taken at
 * the start (waiting up to the busy timeout), so two processes never
 * deadlock upgrading a read, and the file is checked under that lock. */
gboolean
_sd_store_begin_write (SdStore  *self,
                       GError  **error)
{
  if (sqlite3_exec (self->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
    {
      _sd_store_set_step_error (self, error, SD_STORE_ERROR_WRITE);
      return FALSE;
    }
  if (check_file (self, error))
    return TRUE;
  sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}

/* Commits when @done, else rolls back; FALSE with @error unless committed. */
gboolean
_sd_store_end_write (SdStore   *self,
                     gboolean   done,
                     GError   **error)
{
  if (done && sqlite3_exec (self->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK)
    return TRUE;
  if (done)
    _sd_store_set_step_error (self, error, SD_STORE_ERROR_WRITE);
  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}

/* Runs @stmt to the end; FALSE with @error when it failed. */
gboolean
_sd_store_step_write (SdStore       *self,
                      sqlite3_stmt  *stmt,
                      GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE)
    _sd_store_set_step_error (self, error, SD_STORE_ERROR_WRITE);
  _sd_store_release_statement (stmt);
  return rc == SQLITE_DONE;
}

static const char *
column_string (sqlite3_stmt *stmt,
               int           column)
{
  return (const char *) sqlite3_column_text (stmt, column);
}

/* Called by SdTask when its request is first asked for. */
SdRequest *
_sd_store_request_from_text (const char *text,
                             const char *task_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string (text, &error);
  SdRequest *request = NULL;

  if (node != NULL)
    request = sd_api_request_from_json (node, &error);
  if (request == NULL)
    g_message ("The settings of task %s in the history are damaged (%s); "
               "the task is kept without them",
               task_id, error != NULL ? error->message : "empty");
  return request;
}

static SdDownloadState
download_state_from_int (gint64 value)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (SD_TYPE_DOWNLOAD_STATE);

  if (value < G_MININT || value > G_MAXINT || g_enum_get_value (klass, (int) value) == NULL)
    return SD_DOWNLOAD_STATE_NONE;
  return (SdDownloadState) value;
}

/* Times are Unix seconds and never negative on a task. */
static gint64
column_time (sqlite3_stmt *stmt,
             int           column)
{
  return MAX (sqlite3_column_int64 (stmt, column), 0);
}

const char *
_sd_store_status_to_text (SdTaskStatus status)
{
  const char *text = sd_api_status_to_string (status);

  return text != NULL ? text : "unknown";
}

/* A stored estimate is kept only whole: an amount and its currency. */
static void
set_estimate_from_row (SdTask       *task,
                       sqlite3_stmt *stmt)
{
  const char *currency = column_string (stmt, COL_ESTIMATE_CURRENCY);

  if (sqlite3_column_type (stmt, COL_ESTIMATE) != SQLITE_INTEGER || currency == NULL)
    return;
  sd_task_set_estimate (task, MAX (sqlite3_column_int64 (stmt, COL_ESTIMATE), -1), currency);
}

static SdTask *
task_from_row (sqlite3_stmt *stmt)
{
  const char *id = column_string (stmt, COL_ID);
  SdTask *task;

  if (id == NULL || *id == '\0')
    return NULL;
  task = sd_task_new_unparsed (id, column_string (stmt, COL_REQUEST), _sd_store_request_from_text);
  sd_task_set_status (task, sd_api_status_from_string (column_string (stmt, COL_STATUS)),
                      column_string (stmt, COL_STATUS_RAW));
  sd_task_set_server_model (task, column_string (stmt, COL_SERVER_MODEL));
  sd_task_set_created_at (task, column_time (stmt, COL_CREATED_AT));
  sd_task_set_updated_at (task, column_time (stmt, COL_UPDATED_AT));
  sd_task_set_first_seen_at (task, column_time (stmt, COL_FIRST_SEEN_AT));
  sd_task_set_failure_message (task, column_string (stmt, COL_FAILURE_MESSAGE));
  sd_task_set_video_url (task, column_string (stmt, COL_VIDEO_URL));
  sd_task_set_local_file (task, column_string (stmt, COL_LOCAL_FILE));
  sd_task_set_download_state (task, download_state_from_int (sqlite3_column_int64 (stmt, COL_DOWNLOAD_STATE)));
  sd_task_set_download_error (task, column_string (stmt, COL_DOWNLOAD_ERROR));
  sd_task_set_favourite (task, sqlite3_column_int64 (stmt, COL_FAVOURITE) != 0);
  set_estimate_from_row (task, stmt);
  if (sd_task_get_download_state (task) == SD_DOWNLOAD_STATE_DONE)
    sd_task_set_download_progress (task, 1.0);
  return task;
}

static GPtrArray *
collect_tasks (SdStore       *self,
               sqlite3_stmt  *stmt,
               GError       **error)
{
  g_autoptr(GPtrArray) tasks = g_ptr_array_new_with_free_func (g_object_unref);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      SdTask *task = task_from_row (stmt);

      if (task != NULL)
        g_ptr_array_add (tasks, task);
    }
  if (rc != SQLITE_DONE)
    _sd_store_set_step_error (self, error, SD_STORE_ERROR_READ);
  _sd_store_release_statement (stmt);
  return rc == SQLITE_DONE ? g_steal_pointer (&tasks) : NULL;
}

char *
_sd_store_request_to_text (SdRequest *request)
{
  g_autoptr(JsonNode) node = sd_api_request_to_json (request);

  return json_to_string (node, FALSE);
}


/* Inserts (or updates) @task with @id, a statement binding _sd_store_bind_task()'s
 * parameters, inside a transaction. */
static gboolean
write_task (SdStore      *self,
            StatementId   id,
            SdTask       *task,
            GError      **error)
{
  sqlite3_stmt *stmt = _sd_store_get_statement (self, id, error);

  if (stmt == NULL)
    return FALSE;
  /* A task loaded but never looked at keeps its stored text as it was. */
  if (sd_task_peek_request_text (task) != NULL)
    _sd_store_bind_task (stmt, task, g_strdup (sd_task_peek_request_text (task)));
  else
    _sd_store_bind_task (stmt, task, _sd_store_request_to_text (sd_task_get_request (task)));
  return _sd_store_step_write (self, stmt, error);
}

void
_sd_store_bind_task (sqlite3_stmt *stmt,
                     SdTask       *task,
                     char         *request_text)
{
  sqlite3_bind_text (stmt, 1, sd_task_get_id (task), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, request_text, -1, g_free);
  sqlite3_bind_text (stmt, 3, _sd_store_status_to_text (sd_task_get_status (task)), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, sd_task_get_status_raw (task), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, sd_task_get_server_model (task), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 6, sd_task_get_created_at (task));
  sqlite3_bind_int64 (stmt, 7, sd_task_get_updated_at (task));
  sqlite3_bind_text (stmt, 8, sd_task_get_failure_message (task), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 9, sd_task_get_video_url (task), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 10, sd_task_get_local_file (task), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 11, sd_task_get_download_state (task));
  sqlite3_bind_text (stmt, 12, sd_task_get_download_error (task), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 13, sd_task_get_first_seen_at (task));
  sqlite3_bind_int (stmt, 14, sd_task_get_favourite (task));
  if (sd_task_get_estimate (task) >= 0)
    {
      sqlite3_bind_int64 (stmt, 15, sd_task_get_estimate (task));
      sqlite3_bind_text (stmt, 16, sd_task_get_estimate_currency (task), -1, SQLITE_TRANSIENT);
    }
  else
    {
      sqlite3_bind_null (stmt, 15);
      sqlite3_bind_null (stmt, 16);
    }
}

/* The journal of tasks the history could not take */

static char *
journal_path (const char *history_path)
{
  return g_strconcat (history_path, SD_STORE_JOURNAL_SUFFIX, NULL);
}

static void
set_journal_error (GError     **error,
                   const char  *path,
                   int          saved_errno)
{
  g_autofree char *display = g_filename_display_name (path);

  g_set_error (error, SD_STORE_ERROR, SD_STORE_ERROR_WRITE,
               _("Could not write to the task journal “%s”: %s"),
               display, g_strerror (saved_errno));
}

static char *
journal_entry (SdStore    *self,
               SdTask     *task,
               const char *local_id)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) request = sd_api_request_to_json (sd_task_get_request (task));
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "base");
  json_builder_add_string_value (builder, self->base);
  json_builder_set_member_name (builder, "task_id");
  json_builder_add_string_value (builder, sd_task_get_id (task));
  json_builder_set_member_name (builder, "local_id");
  json_builder_add_string_value (builder, local_id);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, _sd_store_status_to_text (sd_task_get_status (task)));
  json_builder_set_member_name (builder, "status_raw");
  json_builder_add_string_value (builder, sd_task_get_status_raw (task));
  json_builder_set_member_name (builder, "server_model");
  json_builder_add_string_value (builder, sd_task_get_server_model (task));
  json_builder_set_member_name (builder, "created_at");
  json_builder_add_int_value (builder, sd_task_get_created_at (task));
  json_builder_set_member_name (builder, "journaled_at");
  json_builder_add_int_value (builder, g_get_real_time () / G_USEC_PER_SEC);
  json_builder_set_member_name (builder, "request");
  json_builder_add_value (builder, g_steal_pointer (&request));
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

/* The folder's entry for a new file survives a power cut only once the
 * folder itself is synced. */
static void
sync_folder (const char *path)
{
  g_autofree char *folder = g_path_get_dirname (path);
  int fd = open (folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (fd >= 0)
    {
      fsync (fd);
      close (fd);
    }
}

/* Opens the journal locked for this process alone; a file a replay
 * removed while this one waited for the lock is opened again. */
static int
open_journal_locked (const char *path,
                     int         flags)
{
  for (guint attempt = 0; attempt < 8; attempt++)
    {
      struct stat st;
      /* O_NONBLOCK: a FIFO planted there must not hang the open. */
      int fd = open (path, flags | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0600);

      if (fd < 0)
        return -1;
      if (flock (fd, LOCK_EX) == 0 && fstat (fd, &st) == 0 && st.st_nlink > 0 &&
          S_ISREG (st.st_mode))
        return fd;
      close (fd);
      if (!(flags & O_CREAT))
        break;
    }
  errno = EAGAIN;
  return -1;
}

static char *
read_all (int fd)
{
  g_autoptr(GString) contents = g_string_new (NULL);
  char buffer[8192];
  ssize_t n;

  while ((n = read (fd, buffer, sizeof buffer)) != 0)
    {
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return NULL;
      g_string_append_len (contents, buffer, n);
    }
  return g_string_free (g_steal_pointer (&contents), FALSE);
}

static gboolean
write_all (int         fd,
           const char *data,
           gsize       length)
{
  while (length > 0)
    {
      ssize_t written = write (fd, data, length);

      if (written < 0 && errno == EINTR)
        continue;
      if (written <= 0)
        return FALSE;
      data += written;
      length -= (gsize) written;
    }
  return TRUE;
}

/**
 * sd_store_journal_task:
 * @self: a store
 * @task: a task the server created that the history could not take
 * @local_id: (nullable): the id of the task's pending row, if it has one
 * @error: an %SD_STORE_ERROR
 *
 * Appends @task (its id, the store's base, the request and the times) to
 * the journal next to the history, synced to disk before this returns.
 * The next sd_store_open() of the history adds it and empties the journal.
 *
 * Returns: %TRUE when the task is in the journal.
 */
gboolean
sd_store_journal_task (SdStore     *self,
                       SdTask      *task,
                       const char  *local_id,
                       GError     **error)
{
  g_autofree char *path = NULL;
  g_autofree char *entry = NULL;
  g_autofree char *line = NULL;
  gboolean written;
  int saved_errno;
  int fd;

  g_return_val_if_fail (SD_IS_STORE (self), FALSE);
  g_return_val_if_fail (SD_IS_TASK (task), FALSE);

  path = journal_path (self->path);
  if (!_sd_store_make_folder (self->path, error))
    return FALSE;
  entry = journal_entry (self, task, local_id);
  line = g_strconcat (entry, "\n", NULL);
  fd = open_journal_locked (path, O_WRONLY | O_APPEND | O_CREAT);
  if (fd < 0)
    {
      set_journal_error (error, path, errno);
      return FALSE;
    }
  written = write_all (fd, line, strlen (line)) && fsync (fd) == 0;
  saved_errno = errno;
  close (fd);
  if (!written)
    {
      set_journal_error (error, path, saved_errno);
      return FALSE;
    }
  sync_folder (path);
  g_debug ("Task %s went to the journal %s", sd_task_get_id (task), path);
  return TRUE;
}

char *
sd_store_get_journal_path (SdStore *self)
{
  g_return_val_if_fail (SD_IS_STORE (self), NULL);
  return journal_path (self->path);
}

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gint64
member_int (JsonObject *object,
            const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64)
    return 0;
  return MAX (json_node_get_int (node), 0);
}

/* Adds one journal line to the history (within a transaction); a task
 * the history has by now is left as it is there. FALSE when the line
 * cannot be read, or with @error when it could not be written. */
static gboolean
replay_entry (SdStore     *self,
              const char  *line,
              GError     **error)
{
  g_autoptr(JsonNode) root = json_from_string (line, NULL);
  g_autoptr(SdTask) task = NULL;
  g_autofree char *request = NULL;
  JsonObject *object;
  JsonNode *request_node;
  const char *base, *task_id, *local_id;
  sqlite3_stmt *stmt;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return FALSE;
  object = json_node_get_object (root);
  base = member_string (object, "base");
  task_id = member_string (object, "task_id");
  local_id = member_string (object, "local_id");
  request_node = json_object_get_member (object, "request");
  if (base == NULL || *base == '\0' || task_id == NULL || *task_id == '\0')
    return FALSE;
  if (request_node != NULL)
    request = json_to_string (request_node, FALSE);

  task = sd_task_new_unparsed (task_id, request, _sd_store_request_from_text);
  sd_task_set_status (task, sd_api_status_from_string (member_string (object, "status")),
                      member_string (object, "status_raw"));
  sd_task_set_server_model (task, member_string (object, "server_model"));
  sd_task_set_created_at (task, member_int (object, "created_at"));
  sd_task_set_updated_at (task, member_int (object, "created_at"));

  if (local_id != NULL)
    {
      stmt = _sd_store_get_statement (self, STMT_DELETE, error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, BASE_PARAM_INDEX, base, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 1, local_id, -1, SQLITE_TRANSIENT);
      if (!_sd_store_step_write (self, stmt, error))
        return FALSE;
    }
  stmt = _sd_store_get_statement (self, STMT_INSERT_NEW, error);
  if (stmt == NULL)
    return FALSE;
  _sd_store_bind_task (stmt, task, g_strdup (request));
  sqlite3_bind_text (stmt, BASE_PARAM_INDEX, base, -1, SQLITE_TRANSIENT);
  g_debug ("Task %s of %s comes back from the journal", task_id, base);
  return _sd_store_step_write (self, stmt, error);
}

/* Adds the tasks of the journal to the history, in one transaction, and
 * then removes the journal; a line that cannot be read stays in it. */
void
_sd_store_replay_journal (SdStore *self)
{
  g_autofree char *path = journal_path (self->path);
  g_autofree char *contents = NULL;
  g_autoptr(GString) kept = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  gboolean done;
  int fd;

  fd = open_journal_locked (path, O_RDWR);
  if (fd < 0)
    return;
  contents = read_all (fd);
  if (contents == NULL)
    set_journal_error (&error, path, errno);
  if (contents == NULL || !_sd_store_begin_write (self, &error))
    {
      g_warning ("Could not add the tasks of %s to the history: %s", path, error->message);
      close (fd);
      return;
    }

  lines = g_strsplit (contents, "\n", -1);
  done = TRUE;
  for (guint i = 0; done && lines[i] != NULL; i++)
    {
      if (*g_strstrip (lines[i]) == '\0')
        continue;
      if (!replay_entry (self, lines[i], &error) && error == NULL)
        g_string_append_printf (kept, "%s\n", lines[i]);
      done = error == NULL;
    }

  if (_sd_store_end_write (self, done, &error))
    {
      if (kept->len == 0)
        done = g_unlink (path) == 0;
      else
        done = ftruncate (fd, 0) == 0 && lseek (fd, 0, SEEK_SET) == 0 &&
               write_all (fd, kept->str, kept->len) && fsync (fd) == 0;
      if (!done)
        g_warning ("Could not empty the task journal %s: %s", path, g_strerror (errno));
      else if (kept->len > 0)
        g_message ("Some lines of the task journal %s could not be read; they were kept", path);
    }
  else
    g_warning ("Could not add the tasks of %s to the history: %s", path, error->message);
  close (fd);
}

/* GObject */

static void
sd_store_finalize (GObject *object)
{
  SdStore *self = SD_STORE (object);

  for (guint i = 0; i < N_STATEMENTS; i++)
    sqlite3_finalize (self->statements[i]);
  sqlite3_close_v2 (self->db);
  g_free (self->path);
  g_free (self->base);

  G_OBJECT_CLASS (sd_store_parent_class)->finalize (object);
}

static void
sd_store_class_init (SdStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sd_store_finalize;

  signals[SAVE_FAILED] =
    g_signal_new ("save-failed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, SD_TYPE_TASK, G_TYPE_ERROR);
}

static void
sd_store_init (SdStore *self)
{
}

/* Public API */

/**
 * sd_store_default_path:
 *
 * Returns: (transfer full): where the history lives:
 *   `$XDG_DATA_HOME/seedance-studio/history.db`.
 */
char *
sd_store_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "seedance-studio", "history.db", NULL);
}

/**
 * sd_store_open:
 * @path: the database file
 * @moved_aside: (out) (optional) (nullable): the new name of a damaged
 *   history that was set aside, else %NULL
 * @error: an %SD_STORE_ERROR
 *
 * Returns: (transfer full) (nullable): the store, or %NULL with @error set.
 */
SdStore *
sd_store_open (const char  *path,
               char       **moved_aside,
               GError     **error)
{
  return sd_store_open_full (path, NULL, moved_aside, error);
}

/**
 * sd_store_open_full:
 * @path: the database file
 * @legacy_base: (nullable): the API base the tasks of a history from before
 *   schema 3 were made with; %NULL for %SD_CLIENT_DEFAULT_BASE_URL. It is
 *   also the store's base until sd_store_set_base().
 * @moved_aside: (out) (optional) (nullable): as for sd_store_open()
 * @error: an %SD_STORE_ERROR
 *
 * Returns: (transfer full) (nullable): the store, or %NULL with @error set.
 */
SdStore *
sd_store_open_full (const char  *path,
                    const char  *legacy_base,
                    char       **moved_aside,
                    GError     **error)
{
  g_autofree char *aside = NULL;
  sqlite3 *db = NULL;
  OpenOutcome outcome;
  SdStore *self;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (legacy_base == NULL)
    legacy_base = SD_CLIENT_DEFAULT_BASE_URL;
  if (moved_aside != NULL)
    *moved_aside = NULL;
  if (!_sd_store_make_folder (path, error))
    return NULL;

  outcome = _sd_store_open_database_retrying (path, legacy_base, &db, error);
  if (outcome == OPEN_DAMAGED)
    {
      if (!_sd_store_move_aside (path, &aside, error))
        return NULL;
      g_message ("The task history %s was damaged; it was moved to %s", path, aside);
      outcome = _sd_store_open_database_retrying (path, legacy_base, &db, error);
      if (outcome == OPEN_DAMAGED)
        _sd_store_set_open_error (error, SD_STORE_ERROR_OPEN, path, _("a new history could not be started"));
    }
  if (outcome != OPEN_OK)
    return NULL;

  self = g_object_new (SD_TYPE_STORE, NULL);
  self->path = g_strdup (path);
  self->base = g_strdup (legacy_base);
  self->db = db;
  remember_file (self);
  _sd_store_replay_journal (self);
  if (moved_aside != NULL)
    *moved_aside = g_steal_pointer (&aside);
  return self;
}

/**
 * sd_store_open_with_progress:
 * @path: the database file
 * @legacy_base: (nullable): as for sd_store_open_full()
 * @progress: (nullable) (scope call): told how an upgrade that takes over
 *   a second goes
 * @user_data: for @progress
 * @moved_aside: (out) (optional) (nullable): as for sd_store_open()
 * @error: an %SD_STORE_ERROR
 *
 * Returns: (transfer full) (nullable): the store, or %NULL with @error set.
 */
SdStore *
sd_store_open_with_progress (const char           *path,
                             const char           *legacy_base,
                             SdStoreProgressFunc   progress,
                             gpointer              user_data,
                             char                **moved_aside,
                             GError              **error)
{
  gpointer previous;
  SdStore *self;

  previous = _sd_store_push_progress (progress, user_data);
  self = sd_store_open_full (path, legacy_base, moved_aside, error);
  _sd_store_pop_progress (previous);
  return self;
}

/**
 * sd_store_open_reader:
 * @self: an open store
 * @error: an %SD_STORE_ERROR
 *
 * Opens the history of @self again, read-only, with the same base. SQLite
 * connections are not shared between threads here: each thread that reads
 * has its own, and a reader is used by one thread at a time.
 *
 * Returns: (transfer full) (nullable): the reader, or %NULL with @error set.
 */
SdStore *
sd_store_open_reader (SdStore  *self,
                      GError  **error)
{
  SdStore *reader;
  sqlite3 *db = NULL;
  int rc;

  g_return_val_if_fail (SD_IS_STORE (self), NULL);

  rc = sqlite3_open_v2 (self->path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_FULLMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      _sd_store_set_open_error (error, SD_STORE_ERROR_OPEN, self->path,
                      db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
      sqlite3_close_v2 (db);
      return NULL;
    }
  sqlite3_busy_timeout (db, BUSY_TIMEOUT_MS);
  sqlite3_extended_result_codes (db, TRUE);
  reader = g_object_new (SD_TYPE_STORE, NULL);
  reader->path = g_strdup (self->path);
  reader->base = g_strdup (self->base);
  reader->db = db;
  reader->dev = self->dev;
  reader->ino = self->ino;
  return reader;
}

/**
 * sd_store_set_base:
 * @base: the API base URL the tasks from now on belong to
 *
 * Tasks are keyed by (base, id): every later read, write and lookup is
 * about the tasks of @base only.
 */
void
sd_store_set_base (SdStore    *self,
                   const char *base)
{
  g_return_if_fail (SD_IS_STORE (self));
  g_return_if_fail (base != NULL && *base != '\0');

  g_autofree char *key = g_strdup (base);
  gsize length = strlen (key);

  /* "https://host/" and "https://host" are one server. */
  while (length > 1 && key[length - 1] == '/')
    key[--length] = '\0';
  if (g_strcmp0 (self->base, key) == 0)
    return;
  g_debug ("The history now reads and writes the tasks of %s", key);
  g_free (self->base);
  self->base = g_steal_pointer (&key);
}

const char *
sd_store_get_base (SdStore *self)
{
  g_return_val_if_fail (SD_IS_STORE (self), NULL);
  return self->base;
}

const char *
sd_store_get_path (SdStore *self)
{
  g_return_val_if_fail (SD_IS_STORE (self), NULL);
  return self->path;
}

/**
 * sd_store_save_task:
 * @self: a store
 * @task: the task to insert or update
 * @error: an %SD_STORE_ERROR
 *
 * Writes every stored field of @task as one statement, hence one
 * transaction (the favourite flag only for a new row); when this returns
 * %TRUE the row survives the process being killed.
 *
 * Returns: %TRUE when the task was written.
 */
gboolean
sd_store_save_task (SdStore  *self,
                    SdTask   *task,
                    GError  **error)
{
  g_return_val_if_fail (SD_IS_STORE (self), FALSE);
  g_return_val_if_fail (SD_IS_TASK (task), FALSE);

  if (!_sd_store_begin_write (self, error))
    return FALSE;
  return _sd_store_end_write (self, write_task (self, STMT_UPSERT, task, error), error);
}

/**
 * sd_store_replace_task:
 * @self: a store
 * @old_id: the id of the row @task takes over, e.g. a pending create's
 * @task: the task, with the id it has from now on
 * @error: an %SD_STORE_ERROR
 *
 * Gives the row @old_id the id of @task and every field of @task, in one
 * transaction; without such a row, @task is inserted.
 *
 * Returns: %TRUE when the task was written.
 */
gboolean
sd_store_replace_task (SdStore     *self,
                       const char  *old_id,
                       SdTask      *task,
                       GError     **error)
{
  sqlite3_stmt *stmt;
  gboolean done;

  g_return_val_if_fail (SD_IS_STORE (self), FALSE);
  g_return_val_if_fail (old_id != NULL, FALSE);
  g_return_val_if_fail (SD_IS_TASK (task), FALSE);

  if (!_sd_store_begin_write (self, error))
    return FALSE;
  stmt = _sd_store_get_statement (self, STMT_RENAME, error);
  done = stmt != NULL;
  if (done)
    {
      sqlite3_bind_text (stmt, 1, sd_task_get_id (task), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, old_id, -1, SQLITE_TRANSIENT);
      done = _sd_store_step_write (self, stmt, error);
    }
  done = done && write_task (self, STMT_UPSERT, task, error);
  return _sd_store_end_write (self, done, error);
}

/**
 * sd_store_load_tasks:
 * @self: a store
 * @error: an %SD_STORE_ERROR
 *
 * Returns: (transfer container) (element-type SdTask) (nullable): every
 *   task, newest first, or %NULL with @error set.
 */
GPtrArray *
sd_store_load_tasks (SdStore  *self,
                     GError  **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (SD_IS_STORE (self), NULL);

  stmt = _sd_store_get_statement (self, STMT_SELECT_ALL, error);
  return stmt != NULL ? collect_tasks (self, stmt, error) : NULL;
}

/**
 * sd_store_load_page:
 * @self: a store
 * @cursor: (inout): where the previous page ended; moved to the end of this one
 * @limit: the most tasks to return
 * @more: (out) (optional): whether tasks remain after this page
 * @error: an %SD_STORE_ERROR
 *
 * Reads the next @limit tasks in the order of sd_store_load_tasks(), after
 * @cursor (start with %SD_STORE_CURSOR_INIT). Tasks saved or deleted
 * before the cursor meanwhile neither shift nor repeat the pages after it.
 *
 * Returns: (transfer container) (element-type SdTask) (nullable): the
 *   tasks, newest first, or %NULL with @error set.
 */
GPtrArray *
sd_store_load_page (SdStore        *self,
                    SdStoreCursor  *cursor,
                    guint           limit,
                    gboolean       *more,
                    GError        **error)
{
  g_autoptr(GPtrArray) tasks = g_ptr_array_new_with_free_func (g_object_unref);
  sqlite3_stmt *stmt;
  guint rows = 0;
  int rc;

  g_return_val_if_fail (SD_IS_STORE (self), NULL);
  g_return_val_if_fail (cursor != NULL, NULL);

  stmt = _sd_store_get_statement (self, STMT_SELECT_PAGE, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, cursor->created_at);
  sqlite3_bind_int64 (stmt, 2, cursor->rowid);
  /* One row more than asked tells whether there are more. */
  sqlite3_bind_int64 (stmt, 3, (sqlite3_int64) limit + 1);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW && rows < limit)
    {
      SdTask *task = task_from_row (stmt);

      rows++;
      cursor->created_at = sqlite3_column_int64 (stmt, COL_CREATED_AT);
      cursor->rowid = sqlite3_column_int64 (stmt, COL_ROWID);
      if (task != NULL)
        g_ptr_array_add (tasks, task);
    }
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      _sd_store_set_step_error (self, error, SD_STORE_ERROR_READ);
      _sd_store_release_statement (stmt);
      return NULL;
    }
  if (more != NULL)
    *more = rc == SQLITE_ROW;
  _sd_store_release_statement (stmt);
  return g_steal_pointer (&tasks);
}

/**
 * sd_store_load_unfinished:
 * @self: a store
 * @error: an %SD_STORE_ERROR
 *
 * Returns: (transfer container) (element-type SdTask) (nullable): the tasks
 *   that are neither completed nor failed, newest first.
 */
GPtrArray *
sd_store_load_unfinished (SdStore  *self,
                          GError  **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (SD_IS_STORE (self), NULL);

  stmt = _sd_store_get_statement (self, STMT_SELECT_UNFINISHED, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, _sd_store_status_to_text (SD_TASK_STATUS_COMPLETED), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, _sd_store_status_to_text (SD_TASK_STATUS_FAILED), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, _sd_store_status_to_text (SD_TASK_STATUS_UNCERTAIN), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, _sd_store_status_to_text (SD_TASK_STATUS_NOT_FOUND), -1, SQLITE_STATIC);
  return collect_tasks (self, stmt, error);
}

/**
 * sd_store_load_to_resume:
 * @self: a store
 * @error: an %SD_STORE_ERROR
 *
 * Returns: (transfer container) (element-type SdTask) (nullable): the tasks
 *   that are neither completed nor failed, and the completed ones whose
 *   download was queued or running when the last run ended, newest first.
 */
GPtrArray *
sd_store_load_to_resume (SdStore  *self,
                         GError  **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (SD_IS_STORE (self), NULL);

  stmt = _sd_store_get_statement (self, STMT_SELECT_TO_RESUME, error);
  if (stmt == NULL)
    return NULL;
  return collect_tasks (self, stmt, error);
}

/**
 * sd_store_load_task:
 * @self: a store
 * @id: a task id
 * @error: an %SD_STORE_ERROR
 *
 * Returns: (transfer full) (nullable): the task, or %NULL: with @error set
 *   when reading failed, without when there is no such task.
 */
SdTask *
sd_store_load_task (SdStore     *self,
                    const char  *id,
                    GError     **error)
{
  g_autoptr(GPtrArray) tasks = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (SD_IS_STORE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  stmt = _sd_store_get_statement (self, STMT_SELECT_ONE, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  tasks = collect_tasks (self, stmt, error);
  if (tasks == NULL || tasks->len == 0)
    return NULL;
  return g_object_ref (g_ptr_array_index (tasks, 0));
}

gboolean
sd_store_delete_task (SdStore     *self,
                      const char  *id,
                      GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (SD_IS_STORE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  if (!_sd_store_begin_write (self, error))
    return FALSE;
  stmt = _sd_store_get_statement (self, STMT_DELETE, error);
  if (stmt != NULL)
    sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  return _sd_store_end_write (self, stmt != NULL && _sd_store_step_write (self, stmt, error), error);
}

/**
 * sd_store_set_favourite:
 * @self: a store
 * @ids: (array zero-terminated=1): task ids
 * @favourite: the flag to set
 * @error: an %SD_STORE_ERROR
 *
 * Returns: %TRUE when every task was written (ids not in the history are
 *   not an error).
 */
gboolean
sd_store_set_favourite (SdStore             *self,
                        const char * const  *ids,
                        gboolean             favourite,
                        GError             **error)
{
  gboolean done = TRUE;

  g_return_val_if_fail (SD_IS_STORE (self), FALSE);
  g_return_val_if_fail (ids != NULL, FALSE);

  if (!_sd_store_begin_write (self, error))
    return FALSE;
  for (guint i = 0; done && ids[i] != NULL; i++)
    {
      sqlite3_stmt *stmt = _sd_store_get_statement (self, STMT_SET_FAVOURITE, error);

      done = stmt != NULL;
      if (done)
        {
          sqlite3_bind_text (stmt, 1, ids[i], -1, SQLITE_TRANSIENT);
          sqlite3_bind_int (stmt, 2, favourite ? 1 : 0);
          done = _sd_store_step_write (self, stmt, error);
        }
    }
  g_debug ("Favourite %s for %u tasks", favourite ? "set" : "cleared", g_strv_length ((char **) ids));
  return _sd_store_end_write (self, done, error);
}

/* Reads the row of @id (to give back on undo) and deletes it. */
static gboolean
remove_one (SdStore     *self,
            const char  *id,
            GPtrArray   *removed,
            GError     **error)
{
  sqlite3_stmt *stmt = _sd_store_get_statement (self, STMT_SELECT_ONE_ROWID, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      SdTask *task = task_from_row (stmt);
      gint64 rowid = sqlite3_column_int64 (stmt, COL_ROWID);

      if (task != NULL)
        {
          /* Its place in the order, for the undo to give back. */
          g_object_set_data_full (G_OBJECT (task), "sd-store-rowid",
                                  g_memdup2 (&rowid, sizeof rowid), g_free);
          g_ptr_array_add (removed, task);
        }
    }
  else if (rc != SQLITE_DONE)
    _sd_store_set_step_error (self, error, SD_STORE_ERROR_READ);
  _sd_store_release_statement (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return FALSE;

  stmt = _sd_store_get_statement (self, STMT_DELETE, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  return _sd_store_step_write (self, stmt, error);
}

/**
 * sd_store_remove_tasks:
 * @self: a store
 * @ids: (array zero-terminated=1): task ids
 * @removed: (out) (optional) (transfer container) (element-type SdTask):
 *   the tasks removed, as they were stored
 * @error: an %SD_STORE_ERROR
 *
 * Removes every task of @ids, or (on an error) none. Ids not in the
 * history are skipped.
 *
 * Returns: %TRUE when the tasks were removed.
 */
gboolean
sd_store_remove_tasks (SdStore             *self,
                       const char * const  *ids,
                       GPtrArray          **removed,
                       GError             **error)
{
  g_autoptr(GPtrArray) tasks = g_ptr_array_new_with_free_func (g_object_unref);
  gboolean done = TRUE;

  g_return_val_if_fail (SD_IS_STORE (self), FALSE);
  g_return_val_if_fail (ids != NULL, FALSE);

  if (removed != NULL)
    *removed = NULL;
  if (!_sd_store_begin_write (self, error))
    return FALSE;
  for (guint i = 0; done && ids[i] != NULL; i++)
    done = remove_one (self, ids[i], tasks, error);
  if (!_sd_store_end_write (self, done, error))
    return FALSE;
  g_debug ("Removed %u tasks from the history", tasks->len);
  if (removed != NULL)
    *removed = g_steal_pointer (&tasks);
  return TRUE;
}

/**
 * sd_store_restore_tasks:
 * @self: a store
 * @tasks: (element-type SdTask): tasks sd_store_remove_tasks() gave
 * @error: an %SD_STORE_ERROR
 *
 * Writes the tasks back in one transaction, each with the rowid it had
 * when that is free, so it takes its old place among tasks of the same
 * second. A task with the same id added meanwhile is kept.
 *
 * Returns: %TRUE when the tasks were written.
 */
gboolean
sd_store_restore_tasks (SdStore    *self,
                        GPtrArray  *tasks,
                        GError    **error)
{
  gboolean done = TRUE;

  g_return_val_if_fail (SD_IS_STORE (self), FALSE);
  g_return_val_if_fail (tasks != NULL, FALSE);

  if (!_sd_store_begin_write (self, error))
    return FALSE;
  for (guint i = 0; done && i < tasks->len; i++)
    {
      SdTask *task = g_ptr_array_index (tasks, i);
      const gint64 *rowid = g_object_get_data (G_OBJECT (task), "sd-store-rowid");
      sqlite3_stmt *stmt = _sd_store_get_statement (self, STMT_RESTORE, error);

      done = stmt != NULL;
      if (!done)
        break;
      _sd_store_bind_task (stmt, task, sd_task_peek_request_text (task) != NULL
                             ? g_strdup (sd_task_peek_request_text (task))
                             : _sd_store_request_to_text (sd_task_get_request (task)));
      if (rowid != NULL)
        sqlite3_bind_int64 (stmt, 17, *rowid);
      done = _sd_store_step_write (self, stmt, error);
    }
  g_debug ("Restored %u tasks to the history", tasks->len);
  return _sd_store_end_write (self, done, error);
}

gint64
sd_store_count (SdStore  *self,
                GError  **error)
{
  sqlite3_stmt *stmt;
  gint64 count = -1;

  g_return_val_if_fail (SD_IS_STORE (self), -1);

  stmt = _sd_store_get_statement (self, STMT_COUNT, error);
  if (stmt == NULL)
    return -1;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    count = sqlite3_column_int64 (stmt, 0);
  else
    _sd_store_set_step_error (self, error, SD_STORE_ERROR_READ);
  _sd_store_release_statement (stmt);
  return count;
}

static void
add_to_totals (SdStoreCostTotals *totals,
               const char        *status_text,
               double             sum,
               gint64             count)
{
  SdTaskStatus status = sd_api_status_from_string (status_text);
  gint64 amount = sum >= 0 && sum < (double) G_MAXINT64 ? (gint64) sum : G_MAXINT64;
  gint64 *slot;

  if (status == SD_TASK_STATUS_COMPLETED)
    slot = &totals->completed;
  else if (status == SD_TASK_STATUS_FAILED)
    slot = &totals->failed;
  else if (status == SD_TASK_STATUS_UNCERTAIN)
    slot = &totals->uncertain;
  else
    slot = &totals->in_progress;
  *slot = *slot <= G_MAXINT64 - amount ? *slot + amount : G_MAXINT64;
  totals->n_tasks += count;
}

/**
 * sd_store_get_cost_totals:
 * @self: a store
 * @since: Unix time; tasks created from then on count
 * @currency: the currency of the estimates to add up
 * @totals: (out caller-allocates): the sums, by how the tasks ended
 * @error: return location for an %SD_STORE_ERROR_READ
 *
 * Failed tasks are "charge unknown": the provider may or may not bill them.
 * Sums are of integers below 2^53 in practice; one that is not is capped.
 *
 * Returns: %TRUE when the history could be read
 */
gboolean
sd_store_get_cost_totals (SdStore           *self,
                          gint64             since,
                          const char        *currency,
                          SdStoreCostTotals *totals,
                          GError           **error)
{
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (SD_IS_STORE (self), FALSE);
  g_return_val_if_fail (currency != NULL, FALSE);

  memset (totals, 0, sizeof *totals);
  stmt = _sd_store_get_statement (self, STMT_COST_TOTALS, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, since);
  sqlite3_bind_text (stmt, 2, currency, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    add_to_totals (totals, (const char *) sqlite3_column_text (stmt, 0),
                   sqlite3_column_double (stmt, 1), sqlite3_column_int64 (stmt, 2));
  if (rc != SQLITE_DONE)
    _sd_store_set_step_error (self, error, SD_STORE_ERROR_READ);
  _sd_store_release_statement (stmt);
  return rc == SQLITE_DONE;
}

/**
 * sd_store_checkpoint:
 * @self: a store
 *
 * Folds the journal into the history file and empties it, without waiting
 * for another process that is reading. Called when the app ends: an empty
 * journal tells the next start that this run ended cleanly, so it skips
 * the full check of the file.
 *
 * Returns: %TRUE when the journal is now empty.
 */
gboolean
sd_store_checkpoint (SdStore *self)
{
  int rc;

  g_return_val_if_fail (SD_IS_STORE (self), FALSE);

  sqlite3_busy_timeout (self->db, 0);
  rc = sqlite3_wal_checkpoint_v2 (self->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
  sqlite3_busy_timeout (self->db, BUSY_TIMEOUT_MS);
  if (rc != SQLITE_OK && rc != SQLITE_BUSY)
    g_debug ("Could not fold the journal into the history: %s", sqlite3_errmsg (self->db));
  return rc == SQLITE_OK;
}

/* Derived properties change only with a stored one, and progress ticks
 * would rewrite the row many times a second for nothing. */
static gboolean
property_is_stored (GParamSpec *pspec)
{
  static const char * const skipped[] = {
    "download-progress", "progress", "expires-at", "is-finished",
  };

  for (guint i = 0; i < G_N_ELEMENTS (skipped); i++)
    if (strcmp (pspec->name, skipped[i]) == 0)
      return FALSE;
  return TRUE;
}

/* A star changes the flag alone; a task not stored yet is saved whole. */
static gboolean
save_favourite (SdStore  *self,
                SdTask   *task,
                GError  **error)
{
  sqlite3_stmt *stmt;
  gboolean done;

  if (!_sd_store_begin_write (self, error))
    return FALSE;
  stmt = _sd_store_get_statement (self, STMT_SET_FAVOURITE, error);
  done = stmt != NULL;
  if (done)
    {
      sqlite3_bind_text (stmt, 1, sd_task_get_id (task), -1, SQLITE_TRANSIENT);
      sqlite3_bind_int (stmt, 2, sd_task_get_favourite (task));
      done = _sd_store_step_write (self, stmt, error);
    }
  if (done && sqlite3_changes (self->db) == 0)
    done = write_task (self, STMT_UPSERT, task, error);
  return _sd_store_end_write (self, done, error);
}

static void
on_task_notify_cb (SdTask     *task,
                   GParamSpec *pspec,
                   SdStore    *self)
{
  g_autoptr(GError) error = NULL;

  gboolean saved;

  if (!property_is_stored (pspec))
    return;
  if (strcmp (pspec->name, "favourite") == 0)
    saved = save_favourite (self, task, &error);
  else
    saved = sd_store_save_task (self, task, &error);
  if (!saved)
    g_signal_emit (self, signals[SAVE_FAILED], 0, task, error);
}

void
sd_store_watch_task (SdStore *self,
                     SdTask  *task)
{
  g_return_if_fail (SD_IS_STORE (self));
  g_return_if_fail (SD_IS_TASK (task));

  sd_store_unwatch_task (self, task);
  g_signal_connect_object (task, "notify", G_CALLBACK (on_task_notify_cb), self, 0);
}

void
sd_store_unwatch_task (SdStore *self,
                       SdTask  *task)
{
  g_return_if_fail (SD_IS_STORE (self));
  g_return_if_fail (SD_IS_TASK (task));

  g_signal_handlers_disconnect_by_func (task, on_task_notify_cb, self);
}

/* For sd-store-query.c */

sqlite3 *
_sd_store_get_db (SdStore *self)
{
  return self->db;
}

SdTask *
_sd_store_task_from_row (sqlite3_stmt *stmt)
{
  return task_from_row (stmt);
}

void
_sd_store_set_read_error (SdStore  *self,
                          GError  **error)
{
  _sd_store_set_step_error (self, error, SD_STORE_ERROR_READ);
}

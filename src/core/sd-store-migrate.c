/* sd-store-migrate.c: the schema migrations of the task history
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

/* Migrations */

/* @legacy_base: the API base the tasks of an older schema were made with. */
typedef gboolean (*MigrateFunc) (sqlite3     *db,
                                 const char  *legacy_base,
                                 GError     **error);

/* Runs @sql; FALSE with an %SD_STORE_ERROR_WRITE @error when it failed. */
gboolean
_sd_store_exec_sql (sqlite3     *db,
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
    return _sd_store_exec_sql (db, "ALTER TABLE tasks RENAME TO tasks_unversioned", error) &&
           _sd_store_exec_sql (db, TASKS_V1_TABLE ("tasks"), error);

  for (guint i = 0; tasks_v1_columns[i] != NULL; i++)
    if (g_hash_table_contains (old_columns, tasks_v1_columns[i]))
      g_string_append_printf (names, "%s%s", names->len > 0 ? ", " : "",
                              tasks_v1_columns[i]);

  copy = g_strdup_printf ("INSERT OR IGNORE INTO tasks_v1 (%s) "
                          "SELECT %s FROM tasks WHERE id IS NOT NULL",
                          names->str, names->str);
  return _sd_store_exec_sql (db, TASKS_V1_TABLE ("tasks_v1"), error) &&
         _sd_store_exec_sql (db, copy, error) &&
         _sd_store_exec_sql (db, "DROP TABLE tasks", error) &&
         _sd_store_exec_sql (db, "ALTER TABLE tasks_v1 RENAME TO tasks", error);
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
    created = _sd_store_exec_sql (db, TASKS_V1_TABLE ("tasks"), error);

  return created &&
         _sd_store_exec_sql (db, "CREATE INDEX tasks_created_at ON tasks (created_at)", error);
}

/* The tasks to resume at start, read without scanning the history. */
static gboolean
migrate_to_2 (sqlite3     *db,
              const char  *legacy_base,
              GError     **error)
{
  return _sd_store_exec_sql (db, "CREATE INDEX tasks_to_resume ON tasks (created_at) "
                       "WHERE " TO_RESUME, error);
}

/* The local time a task was first seen: a link's expiry never counts from
 * before it, whatever the server's created_at says. */
static gboolean
migrate_to_3 (sqlite3     *db,
              const char  *legacy_base,
              GError     **error)
{
  return _sd_store_exec_sql (db, "ALTER TABLE tasks ADD COLUMN first_seen_at INTEGER NOT NULL DEFAULT 0",
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

  done = _sd_store_exec_sql (db, create, error) &&
         _sd_store_exec_sql (db, copy, error) &&
         _sd_store_exec_sql (db, "DROP TABLE tasks", error) &&
         _sd_store_exec_sql (db, "ALTER TABLE tasks_v4 RENAME TO tasks", error) &&
         _sd_store_exec_sql (db, "CREATE INDEX tasks_created_at ON tasks (base, created_at)", error) &&
         _sd_store_exec_sql (db, "CREATE INDEX tasks_to_resume ON tasks (base, created_at) "
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
  return _sd_store_exec_sql (db, "ALTER TABLE tasks ADD COLUMN estimate INTEGER", error) &&
         _sd_store_exec_sql (db, "ALTER TABLE tasks ADD COLUMN estimate_currency TEXT", error);
}

/* The task a task continues from its last frame (issue 12). */
static gboolean
migrate_to_7 (sqlite3     *db,
              const char  *legacy_base,
              GError     **error)
{
  return _sd_store_exec_sql (db, "ALTER TABLE tasks ADD COLUMN continues TEXT", error);
}

/* Groups and the local queue (issue 13): the group a task was made in
 * (the takes of one Generate, a batch) and its label, the task it retries,
 * and the order of the tasks waiting to be sent. The task it continues is
 * schema 7's column. */
static gboolean
migrate_to_8 (sqlite3     *db,
              const char  *legacy_base,
              GError     **error)
{
  return _sd_store_exec_sql (db, "ALTER TABLE tasks ADD COLUMN group_id TEXT", error) &&
         _sd_store_exec_sql (db, "ALTER TABLE tasks ADD COLUMN group_label TEXT", error) &&
         _sd_store_exec_sql (db, "ALTER TABLE tasks ADD COLUMN retry_of TEXT", error) &&
         _sd_store_exec_sql (db, "ALTER TABLE tasks ADD COLUMN queue_position "
                                 "INTEGER NOT NULL DEFAULT 0", error) &&
         _sd_store_exec_sql (db, "CREATE INDEX tasks_group ON tasks (base, group_id) "
                                 "WHERE group_id IS NOT NULL", error);
}

/* A batch line's own label, beside its group's (the file's name), and
 * the start of a run of 404 answers about a task (real time, µs), so that
 * a restart does not count the run from zero again; the search index is
 * made again to cover both labels. */
static gboolean
migrate_to_9 (sqlite3     *db,
              const char  *legacy_base,
              GError     **error)
{
  return _sd_store_exec_sql (db, "ALTER TABLE tasks ADD COLUMN label TEXT", error) &&
         _sd_store_exec_sql (db, "ALTER TABLE tasks ADD COLUMN not_found_since "
                                 "INTEGER NOT NULL DEFAULT 0", error) &&
         _sd_store_build_search (db, error);
}

/* The links of the details pane (the tasks that continue or retry a task,
 * and a group's tasks) read through an index, not a scan of the history.
 * Each is partial, as most tasks link to none ("continues = ?" implies the
 * condition, so SQLite uses it), and ends with created_at, the order they
 * are read in: without it, SQLite prefers walking tasks_created_at
 * backwards, the whole history, to sorting a few rows. Schema 8's group
 * index is made again so. */
static gboolean
migrate_to_10 (sqlite3     *db,
               const char  *legacy_base,
               GError     **error)
{
  return _sd_store_exec_sql (db, "CREATE INDEX tasks_continues ON tasks (base, continues, created_at) "
                                 "WHERE continues IS NOT NULL", error) &&
         _sd_store_exec_sql (db, "CREATE INDEX tasks_retry_of ON tasks (base, retry_of, created_at) "
                                 "WHERE retry_of IS NOT NULL", error) &&
         _sd_store_exec_sql (db, "DROP INDEX IF EXISTS tasks_group", error) &&
         _sd_store_exec_sql (db, "CREATE INDEX tasks_group ON tasks (base, group_id, created_at) "
                                 "WHERE group_id IS NOT NULL", error);
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
  migrate_to_7,
  migrate_to_8,
  migrate_to_9,
  migrate_to_10,
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
  if (!_sd_store_exec_sql (db, "BEGIN IMMEDIATE", error))
    {
      *failed_rc = sqlite3_extended_errcode (db);
      return FALSE;
    }
  if (read_user_version (db) > from)
    return _sd_store_exec_sql (db, "COMMIT", error);
  if (migrations[from] (db, legacy_base, error) &&
      _sd_store_exec_sql (db, set_version, error) &&
      _sd_store_exec_sql (db, "COMMIT", error))
    return TRUE;
  *failed_rc = sqlite3_extended_errcode (db);
  sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}

/* sd-store.c: the task history, in SQLite
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-store"

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "sd-api.h"
#include "sd-enum-types.h"
#include "sd-store.h"

/* WAL with synchronous=NORMAL: a commit survives the process being killed
 * (only a power cut may lose the last ones), without an fsync per save. */
#define BUSY_TIMEOUT_MS 5000

typedef enum {
  STMT_UPSERT,
  STMT_DELETE,
  STMT_SELECT_ALL,
  STMT_SELECT_UNFINISHED,
  STMT_SELECT_TO_RESUME,
  STMT_SELECT_ONE,
  STMT_SELECT_PAGE,
  STMT_COUNT,
  N_STATEMENTS
} StatementId;

#define TASK_COLUMNS \
  "id, request, status, status_raw, server_model, created_at, updated_at, " \
  "failure_message, video_url, local_file, download_state, download_error, " \
  "first_seen_at"

/* The tasks a start resumes: neither completed nor failed (polled), or
 * completed with a download a run left queued (1) or running (2). SQLite
 * uses the partial index "tasks_to_resume" (schema 2) only for a query that
 * repeats its condition word for word, so both are written with this one
 * text, in literals (a bound parameter would not match). */
#define TO_RESUME \
  "(status IS NULL OR status NOT IN ('completed', 'failed') " \
  "OR (status = 'completed' AND download_state IN (1, 2)))"

G_STATIC_ASSERT (SD_DOWNLOAD_STATE_QUEUED == 1 && SD_DOWNLOAD_STATE_RUNNING == 2);

/* Ties on created_at (same second) go to the later insertion. */
#define NEWEST_FIRST " ORDER BY created_at DESC, rowid DESC"

static const char * const statement_sql[N_STATEMENTS] = {
  [STMT_UPSERT] =
    "INSERT INTO tasks (" TASK_COLUMNS ") "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) "
    "ON CONFLICT (id) DO UPDATE SET "
    "request = excluded.request, status = excluded.status, "
    "status_raw = excluded.status_raw, server_model = excluded.server_model, "
    "created_at = excluded.created_at, updated_at = excluded.updated_at, "
    "failure_message = excluded.failure_message, "
    "video_url = excluded.video_url, local_file = excluded.local_file, "
    "download_state = excluded.download_state, "
    "download_error = excluded.download_error, "
    "first_seen_at = excluded.first_seen_at",
  [STMT_DELETE] = "DELETE FROM tasks WHERE id = ?1",
  [STMT_SELECT_ALL] = "SELECT " TASK_COLUMNS " FROM tasks" NEWEST_FIRST,
  [STMT_SELECT_UNFINISHED] =
    "SELECT " TASK_COLUMNS " FROM tasks "
    "WHERE status IS NULL OR status NOT IN (?1, ?2)" NEWEST_FIRST,
  [STMT_SELECT_TO_RESUME] =
    "SELECT " TASK_COLUMNS " FROM tasks WHERE " TO_RESUME NEWEST_FIRST,
  [STMT_SELECT_ONE] = "SELECT " TASK_COLUMNS " FROM tasks WHERE id = ?1",
  /* Rows after the cursor (created_at ?1, rowid ?2) in NEWEST_FIRST order;
   * the row value comparison walks the created_at index from there. */
  [STMT_SELECT_PAGE] =
    "SELECT " TASK_COLUMNS ", rowid FROM tasks "
    "WHERE (created_at, rowid) < (?1, ?2)" NEWEST_FIRST " LIMIT ?3",
  [STMT_COUNT] = "SELECT count(*) FROM tasks",
};

enum {
  COL_ID,
  COL_REQUEST,
  COL_STATUS,
  COL_STATUS_RAW,
  COL_SERVER_MODEL,
  COL_CREATED_AT,
  COL_UPDATED_AT,
  COL_FAILURE_MESSAGE,
  COL_VIDEO_URL,
  COL_LOCAL_FILE,
  COL_DOWNLOAD_STATE,
  COL_DOWNLOAD_ERROR,
  COL_FIRST_SEEN_AT,
  COL_ROWID,          /* in STMT_SELECT_PAGE only */
};

struct _SdStore
{
  GObject parent_instance;

  char         *path;
  sqlite3      *db;
  sqlite3_stmt *statements[N_STATEMENTS];
};

G_DEFINE_FINAL_TYPE (SdStore, sd_store, G_TYPE_OBJECT)
G_DEFINE_QUARK (sd-store-error-quark, sd_store_error)

enum {
  SAVE_FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef enum {
  OPEN_OK,
  OPEN_DAMAGED,
  OPEN_FAILED,
} OpenOutcome;

/* Migrations */

typedef gboolean (*MigrateFunc) (sqlite3  *db,
                                 GError  **error);

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
migrate_to_1 (sqlite3  *db,
              GError  **error)
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
migrate_to_2 (sqlite3  *db,
              GError  **error)
{
  return exec_sql (db, "CREATE INDEX tasks_to_resume ON tasks (created_at) "
                       "WHERE " TO_RESUME, error);
}

/* The local time a task was first seen: a link's expiry never counts from
 * before it, whatever the server's created_at says. */
static gboolean
migrate_to_3 (sqlite3  *db,
              GError  **error)
{
  return exec_sql (db, "ALTER TABLE tasks ADD COLUMN first_seen_at INTEGER NOT NULL DEFAULT 0",
                   error);
}

/* migrations[i] brings a database from version i to version i + 1. A new
 * schema is one more function here and a bump of SD_STORE_SCHEMA_VERSION. */
static const MigrateFunc migrations[] = {
  migrate_to_1,
  migrate_to_2,
  migrate_to_3,
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
static gboolean
run_migration (sqlite3  *db,
               int       from,
               int      *failed_rc,
               GError  **error)
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
  if (migrations[from] (db, error) &&
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

static void
set_open_error (GError     **error,
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
  if (rc != SQLITE_OK)
    {
      set_open_error (error, SD_STORE_ERROR_OPEN, path, sqlite3_errstr (rc));
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

  sqlite3_busy_timeout (db, BUSY_TIMEOUT_MS);
  rc = query_pragma (db, "PRAGMA journal_mode = WAL", &mode);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (db, "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON",
                       NULL, NULL, NULL);
  if (is_damage (rc))
    return OPEN_DAMAGED;
  if (rc != SQLITE_OK || g_strcmp0 (mode, "wal") != 0)
    {
      set_open_error (error, SD_STORE_ERROR_OPEN, path,
                      rc != SQLITE_OK ? sqlite3_errmsg (db) : _("the journal could not be set up"));
      return OPEN_FAILED;
    }
  return OPEN_OK;
}

static OpenOutcome
migrate_database (sqlite3     *db,
                  const char  *path,
                  int          version,
                  GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  int failed_rc = SQLITE_OK;

  /* A newer app's history is healthy: it is left alone, not moved aside,
   * so that the newer version still finds it. */
  if (version > SD_STORE_SCHEMA_VERSION || version < 0)
    {
      set_open_error (error, SD_STORE_ERROR_TOO_NEW, path,
                      _("it was written by a newer version of the app; update the app to use it"));
      return OPEN_FAILED;
    }
  for (int from = version; from < SD_STORE_SCHEMA_VERSION; from++)
    if (!run_migration (db, from, &failed_rc, &local_error))
      {
        if (is_damage (failed_rc))
          return OPEN_DAMAGED;
        set_open_error (error, SD_STORE_ERROR_OPEN, path, local_error->message);
        return OPEN_FAILED;
      }
  return OPEN_OK;
}

static OpenOutcome
open_database (const char  *path,
               sqlite3    **out_db,
               GError     **error)
{
  gboolean quick_check = needs_quick_check (path);
  sqlite3 *db = NULL;
  OpenOutcome outcome;
  int version = 0;
  int rc;

  rc = sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
  if (rc != SQLITE_OK)
    {
      outcome = is_damage (rc) ? OPEN_DAMAGED : OPEN_FAILED;
      if (outcome == OPEN_FAILED)
        set_open_error (error, SD_STORE_ERROR_OPEN, path, sqlite3_errstr (rc));
      sqlite3_close_v2 (db);
      return outcome;
    }
  sqlite3_extended_result_codes (db, TRUE);

  outcome = check_database (db, path, quick_check, &version, error);
  if (outcome == OPEN_OK)
    outcome = configure_database (db, path, error);
  if (outcome == OPEN_OK)
    outcome = migrate_database (db, path, version, error);

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
static gboolean
move_aside (const char  *path,
            char       **out_name,
            GError     **error)
{
  static const char * const companions[] = { "-wal", "-shm", "-journal" };
  g_autofree char *name = broken_name (path);

  if (g_rename (path, name) != 0)
    {
      int saved_errno = errno;

      set_open_error (error, SD_STORE_ERROR_OPEN, path, g_strerror (saved_errno));
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

static gboolean
make_folder (const char  *path,
             GError     **error)
{
  g_autofree char *folder = g_path_get_dirname (path);
  int saved_errno;

  if (g_mkdir_with_parents (folder, 0700) == 0)
    return TRUE;
  saved_errno = errno;
  set_open_error (error, SD_STORE_ERROR_OPEN, path, g_strerror (saved_errno));
  return FALSE;
}

/* Reading and writing */

static sqlite3_stmt *
get_statement (SdStore      *self,
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
  return self->statements[id];
}

static void
release_statement (sqlite3_stmt *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

static void
set_step_error (SdStore     *self,
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

static const char *
column_string (sqlite3_stmt *stmt,
               int           column)
{
  return (const char *) sqlite3_column_text (stmt, column);
}

/* Called by SdTask when its request is first asked for. */
static SdRequest *
request_from_text (const char *text,
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

static SdTask *
task_from_row (sqlite3_stmt *stmt)
{
  const char *id = column_string (stmt, COL_ID);
  SdTask *task;

  if (id == NULL || *id == '\0')
    return NULL;
  task = sd_task_new_unparsed (id, column_string (stmt, COL_REQUEST), request_from_text);
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
    set_step_error (self, error, SD_STORE_ERROR_READ);
  release_statement (stmt);
  return rc == SQLITE_DONE ? g_steal_pointer (&tasks) : NULL;
}

static char *
request_to_text (SdRequest *request)
{
  g_autoptr(JsonNode) node = sd_api_request_to_json (request);

  return json_to_string (node, FALSE);
}

static const char *
status_to_text (SdTaskStatus status)
{
  const char *text = sd_api_status_to_string (status);

  return text != NULL ? text : "unknown";
}

static void
bind_task (sqlite3_stmt *stmt,
           SdTask       *task,
           char         *request_text)
{
  sqlite3_bind_text (stmt, 1, sd_task_get_id (task), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, request_text, -1, g_free);
  sqlite3_bind_text (stmt, 3, status_to_text (sd_task_get_status (task)), -1, SQLITE_STATIC);
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
  g_autofree char *aside = NULL;
  sqlite3 *db = NULL;
  OpenOutcome outcome;
  SdStore *self;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (moved_aside != NULL)
    *moved_aside = NULL;
  if (!make_folder (path, error))
    return NULL;

  outcome = open_database (path, &db, error);
  if (outcome == OPEN_DAMAGED)
    {
      if (!move_aside (path, &aside, error))
        return NULL;
      g_message ("The task history %s was damaged; it was moved to %s", path, aside);
      outcome = open_database (path, &db, error);
      if (outcome == OPEN_DAMAGED)
        set_open_error (error, SD_STORE_ERROR_OPEN, path, _("a new history could not be started"));
    }
  if (outcome != OPEN_OK)
    return NULL;

  self = g_object_new (SD_TYPE_STORE, NULL);
  self->path = g_strdup (path);
  self->db = db;
  if (moved_aside != NULL)
    *moved_aside = g_steal_pointer (&aside);
  return self;
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
 * transaction; when this returns %TRUE the row survives the process being
 * killed.
 *
 * Returns: %TRUE when the task was written.
 */
gboolean
sd_store_save_task (SdStore  *self,
                    SdTask   *task,
                    GError  **error)
{
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (SD_IS_STORE (self), FALSE);
  g_return_val_if_fail (SD_IS_TASK (task), FALSE);

  stmt = get_statement (self, STMT_UPSERT, error);
  if (stmt == NULL)
    return FALSE;
  /* A task loaded but never looked at keeps its stored text as it was. */
  if (sd_task_peek_request_text (task) != NULL)
    bind_task (stmt, task, g_strdup (sd_task_peek_request_text (task)));
  else
    bind_task (stmt, task, request_to_text (sd_task_get_request (task)));
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_DONE)
    set_step_error (self, error, SD_STORE_ERROR_WRITE);
  release_statement (stmt);
  return rc == SQLITE_DONE;
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

  stmt = get_statement (self, STMT_SELECT_ALL, error);
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

  stmt = get_statement (self, STMT_SELECT_PAGE, error);
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
      set_step_error (self, error, SD_STORE_ERROR_READ);
      release_statement (stmt);
      return NULL;
    }
  if (more != NULL)
    *more = rc == SQLITE_ROW;
  release_statement (stmt);
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

  stmt = get_statement (self, STMT_SELECT_UNFINISHED, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, status_to_text (SD_TASK_STATUS_COMPLETED), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, status_to_text (SD_TASK_STATUS_FAILED), -1, SQLITE_STATIC);
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

  stmt = get_statement (self, STMT_SELECT_TO_RESUME, error);
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

  stmt = get_statement (self, STMT_SELECT_ONE, error);
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
  int rc;

  g_return_val_if_fail (SD_IS_STORE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  stmt = get_statement (self, STMT_DELETE, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_DONE)
    set_step_error (self, error, SD_STORE_ERROR_WRITE);
  release_statement (stmt);
  return rc == SQLITE_DONE;
}

gint64
sd_store_count (SdStore  *self,
                GError  **error)
{
  sqlite3_stmt *stmt;
  gint64 count = -1;

  g_return_val_if_fail (SD_IS_STORE (self), -1);

  stmt = get_statement (self, STMT_COUNT, error);
  if (stmt == NULL)
    return -1;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    count = sqlite3_column_int64 (stmt, 0);
  else
    set_step_error (self, error, SD_STORE_ERROR_READ);
  release_statement (stmt);
  return count;
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
    "download-progress", "expires-at", "is-finished",
  };

  for (guint i = 0; i < G_N_ELEMENTS (skipped); i++)
    if (strcmp (pspec->name, skipped[i]) == 0)
      return FALSE;
  return TRUE;
}

static void
on_task_notify_cb (SdTask     *task,
                   GParamSpec *pspec,
                   SdStore    *self)
{
  g_autoptr(GError) error = NULL;

  if (!property_is_stored (pspec))
    return;
  if (!sd_store_save_task (self, task, &error))
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

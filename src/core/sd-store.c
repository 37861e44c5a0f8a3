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

/* The queue's columns (schema 8) and those of schema 9 take parameters
 * after BASE_PARAM, in the order of TASK_COLUMNS. */
#define QUEUE_PARAMS "?21, ?22, ?23, ?24, ?25, ?26"
#define QUEUE_PARAM_FIRST 21

static const char * const statement_sql[N_STATEMENTS] = {
  [STMT_UPSERT] =
    /* The favourite flag of a row already there changes only by
     * STMT_SET_FAVOURITE: another process's older copy of the task must
     * not undo a star this one set. */
    "INSERT INTO tasks (base, " TASK_COLUMNS ") "
    "VALUES (" BASE_PARAM ", ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, " QUEUE_PARAMS ") "
    "ON CONFLICT (base, id) DO UPDATE SET "
    "request = excluded.request, status = excluded.status, "
    "status_raw = excluded.status_raw, server_model = excluded.server_model, "
    "created_at = excluded.created_at, updated_at = excluded.updated_at, "
    "failure_message = excluded.failure_message, "
    "video_url = excluded.video_url, local_file = excluded.local_file, "
    "download_state = excluded.download_state, "
    "download_error = excluded.download_error, "
    "first_seen_at = excluded.first_seen_at, "
    "estimate = excluded.estimate, estimate_currency = excluded.estimate_currency, "
    "continues = excluded.continues, "
    "group_id = excluded.group_id, group_label = excluded.group_label, "
    "retry_of = excluded.retry_of, queue_position = excluded.queue_position, "
    "label = excluded.label, not_found_since = excluded.not_found_since",
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
    "VALUES (" BASE_PARAM ", ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, " QUEUE_PARAMS ") "
    "ON CONFLICT (base, id) DO NOTHING",
  /* A restored row takes back its rowid (its place among tasks of the
   * same second) unless another row has it by now. */
  [STMT_RESTORE] =
    "INSERT INTO tasks (rowid, base, " TASK_COLUMNS ") "
    "VALUES (CASE WHEN EXISTS (SELECT 1 FROM tasks WHERE rowid = ?18) THEN NULL ELSE ?18 END, "
    BASE_PARAM ", ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, " QUEUE_PARAMS ") "
    "ON CONFLICT (base, id) DO NOTHING",
  [STMT_SET_FAVOURITE] =
    "UPDATE tasks SET favourite = ?2 WHERE base = " BASE_PARAM " AND id = ?1",
  [STMT_SELECT_ONE_ROWID] =
    "SELECT " TASK_COLUMNS ", rowid FROM tasks WHERE base = " BASE_PARAM " AND id = ?1",
  /* The estimates of the tasks made since ?1 in currency ?2, by status. */
  [STMT_COST_TOTALS] =
    "SELECT status, total(estimate), count(*) FROM tasks WHERE base = " BASE_PARAM " AND "
    "created_at >= ?1 AND estimate IS NOT NULL AND estimate_currency = ?2 GROUP BY status",
  /* A waiting task about to be sent becomes uncertain, if it still waits. */
  [STMT_CLAIM_WAITING] =
    "UPDATE tasks SET status = 'uncertain', failure_message = ?2, updated_at = ?3 "
    "WHERE base = " BASE_PARAM " AND id = ?1 AND status = 'waiting'",
  /* A group's tasks, oldest first (the order they were queued in). */
  [STMT_SELECT_GROUP] =
    "SELECT " TASK_COLUMNS " FROM tasks WHERE base = " BASE_PARAM " AND group_id = ?1 "
    "ORDER BY created_at, queue_position, rowid",
};


G_DEFINE_FINAL_TYPE (SdStore, sd_store, G_TYPE_OBJECT)
G_DEFINE_QUARK (sd-store-error-quark, sd_store_error)

enum {
  SAVE_FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];


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
gboolean
_sd_store_check_file (SdStore  *self,
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
  if (_sd_store_check_file (self, error))
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
  sd_task_set_group_id (task, column_string (stmt, COL_GROUP_ID));
  sd_task_set_group_label (task, column_string (stmt, COL_GROUP_LABEL));
  sd_task_set_label (task, column_string (stmt, COL_LABEL));
  sd_task_set_not_found_since (task, column_time (stmt, COL_NOT_FOUND_SINCE));
  sd_task_set_retry_of (task, column_string (stmt, COL_RETRY_OF));
  sd_task_set_continues (task, column_string (stmt, COL_CONTINUES));
  sd_task_set_queue_position (task, MAX (sqlite3_column_int64 (stmt, COL_QUEUE_POSITION), 0));
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
  sqlite3_bind_text (stmt, 17, sd_task_get_continues (task), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, QUEUE_PARAM_FIRST, sd_task_get_group_id (task), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, QUEUE_PARAM_FIRST + 1, sd_task_get_group_label (task), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, QUEUE_PARAM_FIRST + 2, sd_task_get_retry_of (task), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, QUEUE_PARAM_FIRST + 3, sd_task_get_queue_position (task));
  sqlite3_bind_text (stmt, QUEUE_PARAM_FIRST + 4, sd_task_get_label (task), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, QUEUE_PARAM_FIRST + 5, sd_task_get_not_found_since (task));
}

/* GObject */

static void
sd_store_finalize (GObject *object)
{
  SdStore *self = SD_STORE (object);

  for (guint i = 0; i < N_STATEMENTS; i++)
    sqlite3_finalize (self->statements[i]);
  _sd_store_bulk_free (self->bulk);
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
 * sd_store_claim_waiting:
 * @self: a store
 * @task: a task waiting to be sent
 * @message: why it is uncertain if no answer comes (its failure message)
 * @claimed: (out): whether the row was waiting and is now uncertain
 * @error: an %SD_STORE_ERROR
 *
 * Marks the waiting row of @task "uncertain" before its create is sent, in
 * one transaction, only if it is still waiting: a process that ends while
 * the create is on the way leaves a task that may exist and is never sent
 * again, and two processes sharing the history never both send it.
 *
 * Returns: %FALSE with @error when the history could not be written
 */
gboolean
sd_store_claim_waiting (SdStore     *self,
                        SdTask      *task,
                        const char  *message,
                        gboolean    *claimed,
                        GError     **error)
{
  sqlite3_stmt *stmt;
  gboolean done;

  g_return_val_if_fail (SD_IS_STORE (self), FALSE);
  g_return_val_if_fail (SD_IS_TASK (task), FALSE);
  g_return_val_if_fail (claimed != NULL, FALSE);

  *claimed = FALSE;
  if (!_sd_store_begin_write (self, error))
    return FALSE;
  stmt = _sd_store_get_statement (self, STMT_CLAIM_WAITING, error);
  done = stmt != NULL;
  if (done)
    {
      sqlite3_bind_text (stmt, 1, sd_task_get_id (task), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, message, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 3, g_get_real_time () / G_USEC_PER_SEC);
      done = _sd_store_step_write (self, stmt, error);
    }
  if (done)
    *claimed = sqlite3_changes (self->db) == 1;
  if (!_sd_store_end_write (self, done, error))
    {
      *claimed = FALSE;
      return FALSE;
    }
  return TRUE;
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

/**
 * sd_store_load_group:
 * @self: a store
 * @group_id: a group id
 * @error: an %SD_STORE_ERROR
 *
 * Returns: (transfer container) (element-type SdTask) (nullable): the
 *   tasks of the group, oldest first (the order they were queued in)
 */
GPtrArray *
sd_store_load_group (SdStore     *self,
                     const char  *group_id,
                     GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (SD_IS_STORE (self), NULL);
  g_return_val_if_fail (group_id != NULL, NULL);

  stmt = _sd_store_get_statement (self, STMT_SELECT_GROUP, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, group_id, -1, SQLITE_TRANSIENT);
  return collect_tasks (self, stmt, error);
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
  else if (status == SD_TASK_STATUS_UNCERTAIN || status == SD_TASK_STATUS_NOT_FOUND)
    /* "unknown to the server" is no longer asked about: it may be billed */
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

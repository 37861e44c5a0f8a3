/* sd-store-private.h: what sd-store.c shares with sd-store-query.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <sys/types.h>

#include <sqlite3.h>

#include "sd-store.h"

G_BEGIN_DECLS

/* The stored columns of a task, in the order of the COL_ values. */
#define TASK_COLUMNS \
  "id, request, status, status_raw, server_model, created_at, updated_at, " \
  "failure_message, video_url, local_file, download_state, download_error, " \
  "first_seen_at, favourite, estimate, estimate_currency, continues, " \
  "group_id, group_label, retry_of, queue_position, label, not_found_since"

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
  COL_FAVOURITE,
  COL_ESTIMATE,
  COL_ESTIMATE_CURRENCY,
  COL_CONTINUES,
  COL_GROUP_ID,
  COL_GROUP_LABEL,
  COL_RETRY_OF,
  COL_QUEUE_POSITION,
  COL_LABEL,
  COL_NOT_FOUND_SINCE,
  COL_ROWID,          /* in the statements that page */
};

/* WAL with synchronous=NORMAL: a commit survives the process being killed
 * (only a power cut may lose the last ones), without an fsync per save. */
#define BUSY_TIMEOUT_MS 10000
/* An open or a migration that finds the history busy past the busy timeout
 * (another process creating or migrating it) is tried again until then. */
#define OPEN_RETRY_US   (20 * G_USEC_PER_SEC)
#define OPEN_PAUSE_US   (50 * G_USEC_PER_SEC / 1000)

/* Every statement about tasks names the API base the ids belong to with
 * this parameter. */
#define BASE_PARAM "?20"
#define BASE_PARAM_INDEX 20

typedef enum {
  STMT_UPSERT,
  STMT_DELETE,
  STMT_SELECT_ALL,
  STMT_SELECT_UNFINISHED,
  STMT_SELECT_TO_RESUME,
  STMT_SELECT_ONE,
  STMT_SELECT_PAGE,
  STMT_COUNT,
  STMT_RENAME,
  STMT_INSERT_NEW,
  STMT_RESTORE,
  STMT_SET_FAVOURITE,
  STMT_SELECT_ONE_ROWID,
  STMT_COST_TOTALS,
  STMT_SELECT_GROUP,
  STMT_CLAIM_WAITING,
  N_STATEMENTS
} StatementId;

/* The tasks a start resumes: neither completed nor failed (polled), or
 * completed with a download a run left queued (1) or running (2). SQLite
 * uses the partial index "tasks_to_resume" (schema 2) only for a query that
 * repeats its condition word for word, so both are written with this one
 * text, in literals (a bound parameter would not match). A create whose
 * outcome is unknown ("uncertain") has no server id to poll, and a task
 * the server has long not known ("not-found") is no longer polled. */
#define TO_RESUME \
  "(status IS NULL OR status NOT IN ('completed', 'failed', 'uncertain', 'not-found') " \
  "OR (status = 'completed' AND download_state IN (1, 2)))"

G_STATIC_ASSERT (SD_DOWNLOAD_STATE_QUEUED == 1 && SD_DOWNLOAD_STATE_RUNNING == 2);

/* The worker's connection of the bulk changes (sd-store-bulk.c). */
typedef struct _SdStoreBulk SdStoreBulk;

struct _SdStore
{
  GObject parent_instance;

  char         *path;
  char         *base;      /* the API base of the tasks read and written */
  sqlite3      *db;
  sqlite3_stmt *statements[N_STATEMENTS];
  dev_t         dev;       /* the file opened at @path, to notice it */
  ino_t         ino;       /* being deleted or replaced meanwhile */
  SdStoreBulk  *bulk;      /* made by the first bulk change */
};

typedef enum {
  OPEN_OK,
  OPEN_DAMAGED,
  OPEN_FAILED,
  OPEN_BUSY,     /* another process held the history past the busy timeout */
} OpenOutcome;

/* Schema 5: the favourite column (sd-store-query.c). */
gboolean      _sd_store_migrate_to_5     (sqlite3     *db,
                                          const char  *legacy_base,
                                          GError     **error);
/* The search index, made anew (schema 9, sd-store-query.c). */
gboolean      _sd_store_build_search     (sqlite3     *db,
                                          GError     **error);

/* Work shorter than this (µs) reports no progress; tests lower it. */
extern gint64 _sd_store_progress_after_us;

/* The progress callback of the open running on this thread, if any. */
gpointer      _sd_store_push_progress    (SdStoreProgressFunc  func,
                                          gpointer             user_data);
/* Restores what push returned. */
void          _sd_store_pop_progress     (gpointer             previous);

/* g_task_run_in_thread() for a task whose source object is a store: the
 * thread never holds @task, which is let go on its own context
 * (sd-store-query.c). */
void          _sd_store_run_in_thread    (GTask           *task,
                                          GTaskThreadFunc  func);
/* Drops a reference to @task on the context it returns to (any thread). */
void          _sd_store_release_task     (GTask        *task);

sqlite3      *_sd_store_get_db           (SdStore      *self);
/* Whether the file at the path is still the one opened (any thread). */
gboolean      _sd_store_check_file       (SdStore      *self,
                                          GError      **error);
void          _sd_store_bulk_free        (SdStoreBulk  *bulk);
/* Indexes every row of the tasks table for search (sd-store-query.c). */
gboolean      _sd_store_build_search_index (sqlite3    *db,
                                            GError    **error);
/* Makes the index's delete trigger again (a bulk removal drops it). */
const char   *_sd_store_search_delete_trigger_sql (void);
/* And its insert trigger (an Undo that puts the index back drops it). */
const char   *_sd_store_search_insert_trigger_sql (void);
SdTask       *_sd_store_task_from_row    (sqlite3_stmt *stmt);
void          _sd_store_set_read_error   (SdStore      *self,
                                          GError      **error);

gboolean       _sd_store_exec_sql (sqlite3     *db,
                                   const char  *sql,
                                   GError     **error);
gboolean       _sd_store_run_migration (sqlite3     *db,
                                        int          from,
                                        const char  *legacy_base,
                                        int         *failed_rc,
                                        GError     **error);
OpenOutcome    _sd_store_open_database_retrying (const char  *path,
                                                 const char  *legacy_base,
                                                 sqlite3    **out_db,
                                                 GError     **error);
gboolean       _sd_store_move_aside (const char  *path,
                                     char       **out_name,
                                     GError     **error);
void           _sd_store_set_open_error (GError     **error,
                                         int          code,
                                         const char  *path,
                                         const char  *reason);
gboolean       _sd_store_make_folder (const char  *path,
                                      GError     **error);
const char *   _sd_store_status_to_text (SdTaskStatus status);
SdRequest *    _sd_store_request_from_text (const char *text,
                                            const char *task_id);
sqlite3_stmt * _sd_store_get_statement (SdStore      *self,
                                        StatementId   id,
                                        GError      **error);
gboolean       _sd_store_step_write (SdStore       *self,
                                     sqlite3_stmt  *stmt,
                                     GError       **error);
void           _sd_store_bind_task (sqlite3_stmt *stmt,
                                    SdTask       *task,
                                    char         *request_text);
gboolean       _sd_store_begin_write (SdStore  *self,
                                      GError  **error);
gboolean       _sd_store_end_write (SdStore   *self,
                                    gboolean   done,
                                    GError   **error);
void           _sd_store_replay_journal (SdStore *self);
void           _sd_store_set_step_error (SdStore     *self,
                                         GError     **error,
                                         int          code);
void           _sd_store_release_statement (sqlite3_stmt *stmt);
char *         _sd_store_request_to_text (SdRequest *request);

G_END_DECLS

/* sd-store.h: the task history, in SQLite
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "sd-task.h"
#include "sd-types.h"

G_BEGIN_DECLS

#define SD_STORE_ERROR (sd_store_error_quark ())

typedef enum {
  SD_STORE_ERROR_OPEN,    /* the file cannot be opened, created or moved aside */
  SD_STORE_ERROR_TOO_NEW, /* a newer version of the app wrote it; left untouched */
  SD_STORE_ERROR_WRITE,   /* a change could not be written (disk full, …) */
  SD_STORE_ERROR_READ,    /* the history could not be read */
  SD_STORE_ERROR_REPLACED, /* the file was deleted or replaced while open */
} SdStoreError;

GQuark       sd_store_error_quark     (void);

/* The schema version this build writes (PRAGMA user_version). */
#define SD_STORE_SCHEMA_VERSION 10

#define SD_TYPE_STORE (sd_store_get_type ())
G_DECLARE_FINAL_TYPE (SdStore, sd_store, SD, STORE, GObject)

/* Signals:
 *   save-failed (SdTask *task, GError *error): a save made by
 *     sd_store_watch_task() failed; the task stays as it is in memory.
 */

/* Next to the history: the tasks the server created that the history
 * could not take, one JSON object a line, added at the next open. */
#define SD_STORE_JOURNAL_SUFFIX ".pending-tasks.jsonl"

/* $XDG_DATA_HOME/seedance-studio/history.db */
char        *sd_store_default_path    (void);

/* Opens or creates the history at @path (its folder is created, mode 0700),
 * bringing an older schema up to date. A file that is not a database or is
 * damaged is renamed to "<path>.broken-YYYYMMDD-HHMMSS" (with its -wal and
 * -shm) and a new history is started; @moved_aside then gets the new name
 * of the old file, so the user can be told. */
SdStore     *sd_store_open            (const char  *path,
                                       char       **moved_aside,
                                       GError     **error);
/* The same, saying which API base the tasks of an older history (from
 * before tasks were keyed by base) belong to. Opening adds the tasks of
 * the journal (SD_STORE_JOURNAL_SUFFIX) and removes them from it. */
SdStore     *sd_store_open_full       (const char  *path,
                                       const char  *legacy_base,
                                       char       **moved_aside,
                                       GError     **error);
/* Told how far an open's upgrade of a large history has come (building
 * the search index), @fraction from 0 to 1: only once the work has taken
 * over a second, and then at the end (1.0). Called on the opening thread. */
typedef void (*SdStoreProgressFunc) (const char *what,
                                     double      fraction,
                                     gpointer    user_data);
SdStore     *sd_store_open_with_progress (const char           *path,
                                          const char           *legacy_base,
                                          SdStoreProgressFunc   progress,
                                          gpointer              user_data,
                                          char                **moved_aside,
                                          GError              **error);
/* Every later open on the calling thread (also through SdContext)
 * reports to @func, until set again (NULL: none). */
void         sd_store_set_thread_progress (SdStoreProgressFunc func,
                                           gpointer            user_data);
/* A second, read-only connection to the history of @self, with its base:
 * for one worker thread to run queries (sd-store-query.h) on while @self
 * stays on the main thread. It writes nothing and cannot save. */
SdStore     *sd_store_open_reader     (SdStore  *self,
                                       GError  **error);
const char  *sd_store_get_path        (SdStore *self);
/* Tasks are keyed by (API base, id); every call below is about the tasks
 * of this base (the legacy base until set). */
void         sd_store_set_base        (SdStore    *self,
                                       const char *base);
const char  *sd_store_get_base        (SdStore *self);

/* Inserts or updates every field of @task, in one transaction; the
 * favourite flag of a task already there is left as stored (it changes
 * by sd_store_set_favourite() or a watched task's "favourite" only, so
 * that the copy of another process does not undo it). The token is
 * never part of a task and never stored. A history file deleted or
 * replaced since the open fails with SD_STORE_ERROR_REPLACED. */
gboolean     sd_store_save_task       (SdStore  *self,
                                       SdTask   *task,
                                       GError  **error);
/* Gives the row @old_id (a pending create) @task's id and fields. */
gboolean     sd_store_replace_task    (SdStore     *self,
                                       const char  *old_id,
                                       SdTask      *task,
                                       GError     **error);
/* Keeps @task in the journal when the history cannot take it. */
gboolean     sd_store_journal_task    (SdStore     *self,
                                       SdTask      *task,
                                       const char  *local_id,
                                       GError     **error);
char        *sd_store_get_journal_path (SdStore *self);
/* Every task, newest first (created-at, then insertion order), as a
 * GPtrArray of SdTask with every stored property restored. A task whose
 * stored request is damaged keeps its row with an empty request. */
GPtrArray   *sd_store_load_tasks      (SdStore  *self,
                                       GError  **error);
/* Where a page of sd_store_load_page() ended: the created-at and rowid of
 * its last row. */
typedef struct {
  gint64 created_at;
  gint64 rowid;
} SdStoreCursor;

#define SD_STORE_CURSOR_INIT { G_MAXINT64, G_MAXINT64 }

/* The next @limit tasks after @cursor in the order of sd_store_load_tasks()
 * (newest first), moving @cursor past them; @more tells whether any remain. */
GPtrArray   *sd_store_load_page       (SdStore        *self,
                                       SdStoreCursor  *cursor,
                                       guint           limit,
                                       gboolean       *more,
                                       GError        **error);
/* The tasks the server has not finished (neither completed nor failed),
 * newest first: those to resume polling at start-up. */
GPtrArray   *sd_store_load_unfinished (SdStore  *self,
                                       GError  **error);
/* The unfinished tasks and the completed ones whose download a run left
 * queued or running, newest first: what a new run picks up at start. */
GPtrArray   *sd_store_load_to_resume  (SdStore  *self,
                                       GError  **error);
/* One task, or NULL (without an error) when @id is not in the history. */
SdTask      *sd_store_load_task       (SdStore     *self,
                                       const char  *id,
                                       GError     **error);
/* Marks @task's row uncertain (with @message) if it is still waiting:
 * done before its create is sent. */
gboolean     sd_store_claim_waiting   (SdStore     *self,
                                       SdTask      *task,
                                       const char  *message,
                                       gboolean    *claimed,
                                       GError     **error);
/* The tasks of group @group_id, oldest first. */
GPtrArray   *sd_store_load_group      (SdStore     *self,
                                       const char  *group_id,
                                       GError     **error);
/* Deleting an id that is not there is not an error. */
gboolean     sd_store_delete_task     (SdStore     *self,
                                       const char  *id,
                                       GError     **error);
/* Sets the favourite flag of the tasks @ids (NULL-terminated), in one
 * transaction; ids not in the history are skipped. */
gboolean     sd_store_set_favourite   (SdStore             *self,
                                       const char * const  *ids,
                                       gboolean             favourite,
                                       GError             **error);
/* Removes the tasks @ids in one transaction; @removed (optional) gets
 * them as they were (every field, favourite included), for
 * sd_store_restore_tasks() to undo the removal. */
gboolean     sd_store_remove_tasks    (SdStore             *self,
                                       const char * const  *ids,
                                       GPtrArray          **removed,
                                       GError             **error);
/* Puts back tasks sd_store_remove_tasks() removed, in their place in the
 * order; a task the history has again meanwhile is left as it is there. */
gboolean     sd_store_restore_tasks   (SdStore    *self,
                                       GPtrArray  *tasks,
                                       GError    **error);
/* A removal of many tasks (sd-store-bulk.c): what left the history, and
 * the rows kept for Undo until forgotten. */
#define SD_TYPE_STORE_REMOVAL (sd_store_removal_get_type ())
GType        sd_store_removal_get_type (void) G_GNUC_CONST;
SdStoreRemoval *sd_store_removal_ref   (SdStoreRemoval *removal);
void         sd_store_removal_unref    (SdStoreRemoval *removal);
const char * const *sd_store_removal_get_ids    (SdStoreRemoval *removal);
guint        sd_store_removal_get_n_tasks       (SdStoreRemoval *removal);
const char * const *sd_store_removal_get_videos (SdStoreRemoval *removal);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdStoreRemoval, sd_store_removal_unref)

/* Removes the tasks @ids in one set-based transaction on a worker thread,
 * keeping their rows for sd_store_restore_removal_async(). */
void         sd_store_remove_tasks_async  (SdStore             *self,
                                           const char * const  *ids,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
SdStoreRemoval *sd_store_remove_tasks_finish (SdStore       *self,
                                              GAsyncResult  *result,
                                              GError       **error);
/* Puts them back exactly; gives the tasks a list loaded down to @loaded
 * shows (newer than it, or to resume). */
void         sd_store_restore_removal_async (SdStore              *self,
                                             SdStoreRemoval       *removal,
                                             const SdStoreCursor  *loaded,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
GPtrArray   *sd_store_restore_removal_finish (SdStore       *self,
                                              GAsyncResult  *result,
                                              GError       **error);
/* sd_store_set_favourite() of many, set-based on the worker. */
void         sd_store_set_favourite_async  (SdStore             *self,
                                            const char * const  *ids,
                                            gboolean             favourite,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gboolean     sd_store_set_favourite_finish (SdStore       *self,
                                            GAsyncResult  *result,
                                            GError       **error);
/* Too late to undo: the kept rows go. */
void         sd_store_forget_removal      (SdStore        *self,
                                           SdStoreRemoval *removal);

/* The number of tasks, or -1 with @error set. */
gint64       sd_store_count           (SdStore  *self,
                                       GError  **error);
/* Empties the journal (at the end of a run); FALSE when it could not, e.g.
 * while another process reads. */
gboolean     sd_store_checkpoint      (SdStore  *self);

/* The estimates (millionths, sd-prices.h) of the tasks made since a time,
 * by how they ended; tasks without an estimate are not counted. */
typedef struct {
  gint64 completed;
  gint64 failed;       /* "charge unknown": the provider may bill a failure */
  gint64 uncertain;    /* the create's outcome is unknown, or the server
                        * no longer knows the task (not found) */
  gint64 in_progress;  /* queued or processing */
  gint64 n_tasks;
} SdStoreCostTotals;

gboolean     sd_store_get_cost_totals (SdStore           *self,
                                       gint64             since,
                                       const char        *currency,
                                       SdStoreCostTotals *totals,
                                       GError           **error);

/* Saves @task whenever a stored property changes (not on every
 * download-progress tick), until sd_store_unwatch_task() or the end of
 * either object. Failures are reported by the "save-failed" signal. */
void         sd_store_watch_task      (SdStore *self,
                                       SdTask  *task);
void         sd_store_unwatch_task    (SdStore *self,
                                       SdTask  *task);

G_END_DECLS

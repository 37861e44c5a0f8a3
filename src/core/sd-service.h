/* sd-service.h: submits, polls, keeps and downloads tasks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "sd-task.h"
#include "sd-types.h"

G_BEGIN_DECLS

#define SD_TYPE_SERVICE (sd_service_get_type ())
G_DECLARE_FINAL_TYPE (SdService, sd_service, SD, SERVICE, GObject)

/* Signals:
 *   task-added        (SdTask *task): a submitted task (not loaded or restored ones)
 *   task-completed    (SdTask *task): once, when the server says completed
 *   task-failed       (SdTask *task): once, when the server says failed
 *   poll-error        (SdTask *task, GError *error): a query failed; the
 *                     service tries again later (the task is not failed)
 *
 * Properties:
 *   "online"            boolean: FALSE pauses polling. Follows the network
 *                       monitor; writable for the demo, the CLI and tests
 *   "last-error"        string or NULL: why polling is paused (a refused
 *                       token, an unusable address); cleared on resume
 *   "first-poll-delay"  uint, ms before a task's first query (3000)
 *   "max-poll-interval" uint, ms: the backoff ceiling (30000)
 *   "max-queries"       uint: queries in flight at once (4)
 *   "not-found-limit"   uint, ms: how long a task may answer 404 in a row
 *                       before it is marked not found and no longer
 *                       polled (24 h)
 *   "queries-in-flight" uint, read-only
 *   "has-more"          boolean, read-only: older tasks of the history
 *                       are not in the list yet (sd_service_load_more())
 *   "tasks"             GListModel of SdTask, read-only: the list
 *                       (sd_service_get_tasks())
 *   "client", "store", "catalog", "settings" (nullable): construct-only,
 *                       then read-only; "store" changes by
 *                       sd_service_set_store() alone
 */

/* How many of the newest tasks sd_service_load_history() reads. */
#define SD_SERVICE_HISTORY_PAGE 100

/* @settings may be NULL: auto-download on, the default download folder. */
SdService  *sd_service_new                (SdClient   *client,
                                           SdStore    *store,
                                           SdCatalog  *catalog,
                                           GSettings  *settings);

/* Replaces the tasks with the unfinished tasks of the store's history,
 * the completed ones whose download was interrupted, and its newest
 * SD_SERVICE_HISTORY_PAGE ones, then resumes polling the unfinished ones
 * and saving completed ones that have no local copy. */
gboolean    sd_service_load_history       (SdService  *self,
                                           GError    **error);
/* Adds up to @n older tasks of the history to the list (resumed like the
 * first ones); returns how many. */
guint       sd_service_load_more          (SdService  *self,
                                           guint       n);
gboolean    sd_service_get_has_more       (SdService  *self);
/* Stops all polling and downloads, empties the list and uses @store (the
 * demo history); call sd_service_load_history() next. */
void        sd_service_set_store          (SdService  *self,
                                           SdStore    *store);

gboolean    sd_service_get_online         (SdService  *self);
void        sd_service_set_online         (SdService  *self,
                                           gboolean    online);
/* Stops following @monitor's "network-changed" (NULL: none; "online" is then
 * only set by hand). The default is g_network_monitor_get_default(). */
void        sd_service_set_network_monitor (SdService       *self,
                                            GNetworkMonitor *monitor);
const char *sd_service_get_last_error     (SdService  *self);
/* Resumes polling paused by a refused token (after a new one is set). */
void        sd_service_resume             (SdService  *self);

/* Monotonic time (µs) at which @task's next query is due, or 0 when it is
 * not scheduled (finished, in flight, or unknown). */
gint64      sd_service_get_next_poll_time (SdService  *self,
                                           SdTask     *task);

/* The loaded tasks, newest first, as a GListModel of SdTask. */
GListModel *sd_service_get_tasks          (SdService *self);
/* A task not loaded yet is read from the history and added to the list. */
SdTask     *sd_service_lookup             (SdService  *self,
                                           const char *task_id);

/* Validates @request (SD_API_ERROR_INVALID_REQUEST: nothing sent), creates
 * the task on the server, stores it, and starts polling it. */
void        sd_service_submit_async       (SdService           *self,
                                           SdRequest           *request,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
SdTask     *sd_service_submit_finish      (SdService     *self,
                                           GAsyncResult  *result,
                                           GError       **error);
SdTask     *sd_service_submit_finish_full (SdService     *self,
                                           GAsyncResult  *result,
                                           GError       **not_saved,
                                           GError       **error);

/* Queries @task now instead of waiting for the schedule. */
void        sd_service_refresh_async      (SdService           *self,
                                           SdTask              *task,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
gboolean    sd_service_refresh_finish     (SdService     *self,
                                           GAsyncResult  *result,
                                           GError       **error);

/* Saves the video of a completed task into @directory (NULL: the
 * download-dir setting); completes with the path of the saved file. */
void        sd_service_download_async     (SdService           *self,
                                           SdTask              *task,
                                           const char          *directory,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
char       *sd_service_download_finish    (SdService     *self,
                                           GAsyncResult  *result,
                                           GError       **error);

/* Removes @task from the list and the history; the saved file stays.
 * sd_service_restore() puts it back (undo). */
gboolean    sd_service_remove             (SdService  *self,
                                           SdTask     *task,
                                           GError    **error);
gboolean    sd_service_restore            (SdService  *self,
                                           SdTask     *task,
                                           GError    **error);
/* Many at once, loaded or only in the history, exactly restorable. */
gboolean    sd_service_remove_many        (SdService           *self,
                                           const char * const  *ids,
                                           GPtrArray          **removed,
                                           GError             **error);
gboolean    sd_service_restore_many       (SdService  *self,
                                           GPtrArray  *tasks,
                                           GError    **error);
/* The loaded task with @task_id; NULL rather than reading the history. */
SdTask     *sd_service_get_loaded_task    (SdService  *self,
                                           const char *task_id);

G_END_DECLS

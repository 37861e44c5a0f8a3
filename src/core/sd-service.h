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
 *   "max-active"        uint 1–1000: tasks queued or processing at the
 *                       provider at once (2); the rest wait here, in
 *                       order. Follows the "max-active-tasks" setting
 *                       when the service has settings
 *   "client", "store", "catalog", "settings" (nullable): construct-only,
 *                       then read-only; "store" changes by
 *                       sd_service_set_store() alone
 */

#define SD_SERVICE_DEFAULT_MAX_ACTIVE 2
/* The setting's range; the property takes up to SD_SERVICE_MAX_ACTIVE_ANY. */
#define SD_SERVICE_MAX_ACTIVE_LIMIT   10
#define SD_SERVICE_MAX_ACTIVE_ANY     1000
/* How many takes one Generate makes at most. */
#define SD_SERVICE_MAX_TAKES          8

typedef enum /*< flags >*/ {
  SD_SERVICE_RETRY_NONE              = 0,
  /* Retry an uncertain (or not found) task too: it may exist and be billed. */
  SD_SERVICE_RETRY_INCLUDE_UNCERTAIN = 1 << 0,
} SdServiceRetryFlags;

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
/* Many at once, loaded or only in the history, exactly restorable, the
 * history's part on the store's worker. */
void        sd_service_remove_many_async  (SdService           *self,
                                           const char * const  *ids,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
SdStoreRemoval *sd_service_remove_many_finish (SdService     *self,
                                               GAsyncResult  *result,
                                               GError       **error);
void        sd_service_restore_many_async (SdService           *self,
                                           SdStoreRemoval      *removal,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
gboolean    sd_service_restore_many_finish (SdService     *self,
                                            GAsyncResult  *result,
                                            GError       **error);
void        sd_service_forget_removal     (SdService      *self,
                                           SdStoreRemoval *removal);
/* The loaded task with @task_id; NULL rather than reading the history. */
SdTask     *sd_service_get_loaded_task    (SdService  *self,
                                           const char *task_id);

/* The local queue. */
guint       sd_service_get_max_active     (SdService  *self);
void        sd_service_set_max_active     (SdService  *self,
                                           guint       max_active);
/* TRUE: waiting tasks read from the history are not sent by this service
 * (the command line, which does not stay to see their answers). */
void        sd_service_set_hold_loaded    (SdService  *self,
                                           gboolean    hold);
/* The tasks waiting to be sent, in the order they will be (transfer container). */
GPtrArray  *sd_service_get_waiting        (SdService  *self);

/* Validates @request and queues @n_takes (1–SD_SERVICE_MAX_TAKES) tasks of
 * it in one new group labelled @label (NULL: the prompt's start). Returns
 * the tasks, waiting or being sent (transfer container), or NULL with
 * @error (nothing queued). A task whose create is refused is marked failed;
 * the others go on. */
GPtrArray  *sd_service_submit_takes       (SdService   *self,
                                           SdRequest   *request,
                                           guint        n_takes,
                                           const char  *label,
                                           GError     **error);
/* Validates @request and queues one task for it, in no group, as takes
 * are queued: returned at once, waiting or being sent (transfer full), or
 * NULL with @error (nothing queued). */
SdTask     *sd_service_submit_queued      (SdService   *self,
                                           SdRequest   *request,
                                           GError     **error);
/* Validates every request of @requests, then queues them all at once in
 * one new group labelled @label (NULL: the first prompt's start), each
 * with its estimate (@estimates: NULL, or one per request, -1: none, in
 * millionths of @currency). Returns the tasks (transfer container), or
 * NULL with @error (nothing queued). A batch file is one such group. */
GPtrArray  *sd_service_submit_group       (SdService     *self,
                                           GPtrArray     *requests,
                                           const gint64  *estimates,
                                           const char    *currency,
                                           const char    *label,
                                           const char * const *task_labels,
                                           GError       **error);
/* Queues a new task with @task's request, in its group, linked to it
 * ("retry-of"). @task must be failed, or uncertain / not found with
 * SD_SERVICE_RETRY_INCLUDE_UNCERTAIN. Returns the new task (transfer none). */
SdTask     *sd_service_retry              (SdService            *self,
                                           SdTask               *task,
                                           SdServiceRetryFlags   flags,
                                           GError              **error);
/* Retries each failed task of group @group_id that has no retry yet;
 * uncertain ones are left alone. Returns the new tasks (transfer container;
 * empty when none had failed). */
GPtrArray  *sd_service_retry_failed       (SdService   *self,
                                           const char  *group_id,
                                           GError     **error);
/* A waiting task: never sent, taken out of the queue, the list and the
 * history. A task at the provider cannot be cancelled (G_IO_ERROR_NOT_SUPPORTED):
 * sd_service_stop_watching() only. */
gboolean    sd_service_cancel_waiting     (SdService   *self,
                                           SdTask      *task,
                                           GError     **error);
/* Moves a waiting task @delta places (negative: sooner). */
gboolean    sd_service_move_waiting       (SdService   *self,
                                           SdTask      *task,
                                           int          delta,
                                           GError     **error);
/* Takes a waiting task out of the queue (as cancel) and hands its request
 * back, to be edited in the composer (transfer full). */
SdRequest  *sd_service_take_back          (SdService   *self,
                                           SdTask      *task,
                                           GError     **error);
/* Stops following a task at the provider (it may still complete and be
 * billed): nothing of it changes here and no news of it is given, but it
 * keeps its place under "max-active" until a slow, quiet status check
 * sees it end at the provider. sd_service_watch_again() follows it again.
 * Not kept across runs. */
gboolean    sd_service_stop_watching      (SdService   *self,
                                           SdTask      *task,
                                           GError     **error);
gboolean    sd_service_watch_again        (SdService   *self,
                                           SdTask      *task,
                                           GError     **error);
gboolean    sd_service_is_watching        (SdService   *self,
                                           SdTask      *task);
/* TRUE while @task's create is on the way (it is "uncertain" meanwhile). */
gboolean    sd_service_is_sending         (SdService   *self,
                                           SdTask      *task);
/* The price table queued tasks record their estimate from, when the caller
 * gives none (NULL: the user's prices.json, read again when it changes). */
void        sd_service_set_prices         (SdService   *self,
                                           SdPrices    *prices);
/* The label a group gets by default: the start of @prompt (transfer full). */
char       *sd_service_default_group_label (const char *prompt);

G_END_DECLS

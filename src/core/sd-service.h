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
 *   task-added        (SdTask *task)
 *   task-changed      (SdTask *task)
 *   task-completed    (SdTask *task)
 *   task-failed       (SdTask *task)
 *   download-progress (SdTask *task, double fraction)
 */

/* The tasks, newest first, as a GListModel of SdTask. */
GListModel *sd_service_get_tasks          (SdService *self);
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

G_END_DECLS

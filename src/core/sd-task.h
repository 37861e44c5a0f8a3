/* sd-task.h: one generation task, as the service knows it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "sd-enums.h"
#include "sd-request.h"
#include "sd-types.h"

G_BEGIN_DECLS

/* The provider keeps a finished video for about three days. */
#define SD_TASK_LINK_LIFETIME (72 * G_TIME_SPAN_HOUR / G_TIME_SPAN_SECOND)

/* The id of an uncertain create (no server id came back) is local:
 * this prefix and a random UUID. */
#define SD_TASK_UNCERTAIN_ID_PREFIX "uncertain-"

#define SD_TYPE_TASK (sd_task_get_type ())
G_DECLARE_FINAL_TYPE (SdTask, sd_task, SD, TASK, GObject)

/* Properties (all readable, notify only on change, EXPLICIT_NOTIFY):
 *   "id"                 string: the server's task_id, or a local one (uncertain-…)
 *                        until a waiting task is sent
 *   "request"            SdRequest, construct-only: what was sent
 *   "status"             SdTaskStatus
 *   "status-raw"         string: the server's own spelling of the status
 *   "server-model"       string: the model the server reported
 *   "created-at"         gint64, Unix seconds (server's created_at, else local)
 *   "first-seen-at"      gint64, Unix seconds (local clock) the task was first known here; 0 unknown
 *   "updated-at"         gint64, Unix seconds of the last change seen
 *   "failure-message"    string: the server's reason, verbatim (escape before markup)
 *   "video-url"          string
 *   "expires-at"         gint64, Unix seconds: the later of created-at and first-seen-at
 *                        + 72 h once completed, else 0
 *   "local-file"         string: path of the saved video, NULL until saved
 *   "download-progress"  double 0..1
 *   "download-state"     SdDownloadState
 *   "download-error"     string: why the last download failed
 *   "is-finished"        boolean: completed, failed, uncertain or not found (not polled)
 *   "favourite"          boolean: starred by the user (stored)
 *   "progress"           int: the server's data.progress (0..100), -1 unknown; not stored
 *   "group-id"           string: the group (takes of one Generate, a batch), or NULL
 *   "group-label"        string: the group's label for people (the prompt's start)
 *   "label"              string: the task's own label (a batch line's), or NULL
 *   "retry-of"           string: the id of the task this one retries, or NULL
 *   "continues"          string: the id of the task whose last frame this
 *                        one starts from, or NULL (stored)
 *   "queue-position"     gint64: the order of a waiting task in the local queue
 *                        (smaller first); kept once sent
 *   "not-found-since"    gint64, real time µs of the first 404 of the answers in a
 *                        row about it, 0 when none (stored: survives a restart)
 *   "watched"            boolean: FALSE once the user stopped watching it at
 *                        the provider (sd_service_stop_watching()); not stored
 */
SdTask          *sd_task_new                   (const char *id,
                                                SdRequest  *request);

/* Parses a stored request; returns NULL when it cannot. */
typedef SdRequest *(*SdTaskRequestParser) (const char *text,
                                           const char *task_id);

SdTask          *sd_task_new_unparsed          (const char          *id,
                                                const char          *request_text,
                                                SdTaskRequestParser  parse);

const char      *sd_task_get_id                (SdTask *self);
/* Parses the stored request on the first call for sd_task_new_unparsed(). */
SdRequest       *sd_task_get_request           (SdTask *self);
const char      *sd_task_peek_request_text     (SdTask *self);
SdTaskStatus     sd_task_get_status            (SdTask *self);
const char      *sd_task_get_status_raw        (SdTask *self);
const char      *sd_task_get_server_model      (SdTask *self);
gint64           sd_task_get_created_at        (SdTask *self);
gint64           sd_task_get_first_seen_at     (SdTask *self);
gint64           sd_task_get_updated_at        (SdTask *self);
const char      *sd_task_get_failure_message   (SdTask *self);
const char      *sd_task_get_video_url         (SdTask *self);
gint64           sd_task_get_expires_at        (SdTask *self);
const char      *sd_task_get_local_file        (SdTask *self);
double           sd_task_get_download_progress (SdTask *self);
int              sd_task_get_progress          (SdTask *self);
SdDownloadState  sd_task_get_download_state    (SdTask *self);
const char      *sd_task_get_download_error    (SdTask *self);
gboolean         sd_task_get_is_finished       (SdTask *self);
gboolean         sd_task_get_favourite         (SdTask *self);
const char      *sd_task_get_continues         (SdTask *self);
/* TRUE when the link has expired (at @now, Unix seconds) and no local copy exists. */
gboolean         sd_task_is_link_expired       (SdTask *self,
                                                gint64  now);

/* Setters are for the service and the store. */
void             sd_task_set_status            (SdTask       *self,
                                                SdTaskStatus  status,
                                                const char   *status_raw);
void             sd_task_set_server_model      (SdTask     *self,
                                                const char *model);
void             sd_task_set_created_at        (SdTask *self,
                                                gint64  created_at);
void             sd_task_set_first_seen_at     (SdTask *self,
                                                gint64  first_seen_at);
void             sd_task_set_updated_at        (SdTask *self,
                                                gint64  updated_at);
void             sd_task_set_failure_message   (SdTask     *self,
                                                const char *message);
void             sd_task_set_video_url         (SdTask     *self,
                                                const char *url);
void             sd_task_set_local_file        (SdTask     *self,
                                                const char *path);
/* What the task was estimated to cost when sent: millionths of the
 * currency (an SdMoney, sd-prices.h), -1 when no price was known. */
void             sd_task_set_estimate          (SdTask     *self,
                                                gint64      amount,
                                                const char *currency);
gint64           sd_task_get_estimate          (SdTask     *self);
const char      *sd_task_get_estimate_currency (SdTask     *self);
void             sd_task_set_download_progress (SdTask *self,
                                                double  progress);
void             sd_task_set_progress          (SdTask *self,
                                                int     progress);
void             sd_task_set_download_state    (SdTask          *self,
                                                SdDownloadState  state);
void             sd_task_set_download_error    (SdTask     *self,
                                                const char *message);
void             sd_task_set_favourite         (SdTask   *self,
                                                gboolean  favourite);
void             sd_task_set_continues         (SdTask     *self,
                                                const char *task_id);

const char      *sd_task_get_group_id          (SdTask *self);
const char      *sd_task_get_group_label       (SdTask *self);
const char      *sd_task_get_label             (SdTask *self);
const char      *sd_task_get_retry_of          (SdTask *self);
gint64           sd_task_get_queue_position    (SdTask *self);
void             sd_task_set_group_id          (SdTask     *self,
                                                const char *group_id);
void             sd_task_set_group_label       (SdTask     *self,
                                                const char *label);
void             sd_task_set_label             (SdTask     *self,
                                                const char *label);
void             sd_task_set_retry_of          (SdTask     *self,
                                                const char *task_id);
void             sd_task_set_queue_position    (SdTask *self,
                                                gint64  position);
gint64           sd_task_get_not_found_since   (SdTask *self);
void             sd_task_set_not_found_since   (SdTask *self,
                                                gint64  since);
void             sd_task_set_watched           (SdTask   *self,
                                                gboolean  watched);
gboolean         sd_task_get_watched           (SdTask   *self);
void             sd_task_copy_links            (SdTask *self,
                                                SdTask *from);
/* For the service only: a sent task takes the provider's id. */
void             sd_task_set_id                (SdTask     *self,
                                                const char *id);

G_END_DECLS

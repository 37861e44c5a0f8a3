/* sd-enums.h: enumerations shared by the core, with GTypes made by glib-mkenums
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* How the provider bills a model. */
typedef enum {
  SD_BILLING_PER_SECOND,
  SD_BILLING_PER_TASK,
} SdBilling;

/* Whether the documentation says a model takes a feature. UNKNOWN means the
 * documentation is silent: the app does not refuse, the server decides. */
typedef enum {
  SD_SUPPORT_UNKNOWN,
  SD_SUPPORT_NO,
  SD_SUPPORT_YES,
} SdSupport;

/* The URL schemes a model takes for a kind of media. */
typedef enum /*< flags >*/ {
  SD_URL_SCHEME_NONE  = 0,
  SD_URL_SCHEME_HTTPS = 1 << 0,
  SD_URL_SCHEME_ASSET = 1 << 1,
} SdUrlScheme;

/* A task's state on the server. UNKNOWN keeps a status string the app does
 * not know (the raw string stays on the task); it is neither done nor failed.
 * The last two are the app's own findings, never a server's word:
 * UNCERTAIN is a create that got no clear answer (the task may or may not
 * exist, and it has no server id to ask about); NOT_FOUND is a task the
 * server has answered 404 for, for longer than the service waits (it is
 * "unknown to the server" and no longer polled). WAITING is the local
 * queue's: not sent yet (its id is local), waiting for a place at the
 * provider. */
typedef enum {
  SD_TASK_STATUS_UNKNOWN,
  SD_TASK_STATUS_QUEUED,
  SD_TASK_STATUS_PROCESSING,
  SD_TASK_STATUS_COMPLETED,
  SD_TASK_STATUS_FAILED,
  SD_TASK_STATUS_UNCERTAIN,
  SD_TASK_STATUS_NOT_FOUND,
  SD_TASK_STATUS_WAITING,   /*< nick=waiting >*/
} SdTaskStatus;

/* Where the local copy of a task's video stands. */
typedef enum {
  SD_DOWNLOAD_STATE_NONE,
  SD_DOWNLOAD_STATE_QUEUED,
  SD_DOWNLOAD_STATE_RUNNING,
  SD_DOWNLOAD_STATE_DONE,
  SD_DOWNLOAD_STATE_FAILED,
  SD_DOWNLOAD_STATE_EXPIRED,
} SdDownloadState;

/* The request fields that hold media links. */
typedef enum {
  SD_MEDIA_FIELD_IMAGES,
  SD_MEDIA_FIELD_FIRST_IMAGE,
  SD_MEDIA_FIELD_LAST_IMAGE,
  SD_MEDIA_FIELD_REFERENCE_VIDEOS,
  SD_MEDIA_FIELD_REFERENCE_AUDIOS,
} SdMediaField;

/* Where the pre-flight check of a link (or of all of them) stands. SKIPPED
 * is an asset:// id, sent as it is; WARNING is a check that could not
 * finish (the user may send anyway); REFUSED is a link the provider would
 * fail the task for. */
typedef enum {
  SD_MEDIA_CHECK_STATE_CHECKING,
  SD_MEDIA_CHECK_STATE_OK,
  SD_MEDIA_CHECK_STATE_SKIPPED,
  SD_MEDIA_CHECK_STATE_WARNING,
  SD_MEDIA_CHECK_STATE_REFUSED,
} SdMediaCheckState;

/* Where the upload of one local file stands (SdUpload:state). */
typedef enum {
  SD_UPLOAD_STATE_CHECKING,   /* reading its size, type and SHA-256 */
  SD_UPLOAD_STATE_QUEUED,     /* waiting for a free slot (2 at once) */
  SD_UPLOAD_STATE_SENDING,
  SD_UPLOAD_STATE_DONE,       /* :url is the link, until :expires-at */
  SD_UPLOAD_STATE_FAILED,
} SdUploadState;

/* What kind of media a field takes. */
typedef enum {
  SD_UPLOAD_KIND_IMAGE,
  SD_UPLOAD_KIND_VIDEO,
  SD_UPLOAD_KIND_AUDIO,
} SdUploadKind;

G_END_DECLS

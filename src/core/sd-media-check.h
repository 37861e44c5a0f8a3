/* sd-media-check.h: pre-flight checks of every media link of a request
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "sd-media-item.h"
#include "sd-types.h"

G_BEGIN_DECLS

#define SD_MEDIA_CHECK_ERROR (sd_media_check_error_quark ())

typedef enum {
  /* A link the provider would fail the task for; the message names the
   * field, the item and what came back. */
  SD_MEDIA_CHECK_ERROR_REFUSED,
} SdMediaCheckError;

GQuark sd_media_check_error_quark (void);

/* How long one link's check may take, and how long an answer is reused. */
#define SD_MEDIA_CHECK_DEFAULT_TIMEOUT_MS   5000
#define SD_MEDIA_CHECK_DEFAULT_CACHE_SECONDS 300

#define SD_TYPE_MEDIA_CHECKER (sd_media_checker_get_type ())
G_DECLARE_FINAL_TYPE (SdMediaChecker, sd_media_checker, SD, MEDIA_CHECKER, GObject)

#define SD_TYPE_MEDIA_CHECK (sd_media_check_get_type ())
G_DECLARE_FINAL_TYPE (SdMediaCheck, sd_media_check, SD, MEDIA_CHECK, GObject)

/* The checker has its own SoupSession, which never carries the API token
 * (references live on other hosts), and keeps what each link served for
 * a few minutes, so checking a draft again costs no request. Everything
 * runs on the thread-default main context of the thread that made it. */
SdMediaChecker *sd_media_checker_new            (void);
/* The one self-signed certificate to accept, on loopback only: the demo
 * simulator's (NULL: none). */
void            sd_media_checker_set_loopback_certificate (SdMediaChecker  *self,
                                                           GTlsCertificate *certificate);
void            sd_media_checker_set_timeout    (SdMediaChecker  *self,
                                                 guint            timeout_ms);
guint           sd_media_checker_get_timeout    (SdMediaChecker  *self);
void            sd_media_checker_set_cache_lifetime (SdMediaChecker *self,
                                                     guint           seconds);
void            sd_media_checker_clear_cache    (SdMediaChecker  *self);

/* A check of every media link of @request, against the rules @model
 * (nullable) documents. Its items exist at once, "checking", so a
 * composer can show them before anything is known.
 *
 * Properties (read-only, notified):
 *   "state"   SdMediaCheckState: CHECKING until run, then the worst item's
 *             (SKIPPED items count as OK)
 *   "summary" string: the facts of all ("3 images, 2 reference videos
 *             (16.0 s, 45 MB in all)")
 *   "problem" string: the first refusal ("reference_videos: Reference
 *             video 2 (clip.mp4): …"), or NULL */
SdMediaCheck   *sd_media_check_new              (SdMediaChecker  *checker,
                                                 SdRequest       *request,
                                                 SdModel         *model);
/* The items (SdMediaItem), in the order of the request's fields. */
GListModel     *sd_media_check_get_items        (SdMediaCheck    *self);
SdMediaCheckState sd_media_check_get_state      (SdMediaCheck    *self);
const char     *sd_media_check_get_summary      (SdMediaCheck    *self);
const char     *sd_media_check_get_problem      (SdMediaCheck    *self);

/* Checks every item, all at once, each within the checker's timeout.
 * _finish is FALSE with SD_MEDIA_CHECK_ERROR_REFUSED for the first refusal
 * (G_IO_ERROR_CANCELLED when cancelled), TRUE otherwise: then the state
 * says whether some item could not be checked (WARNING: the caller may
 * send anyway). */
void            sd_media_check_run_async        (SdMediaCheck        *self,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
gboolean        sd_media_check_run_finish       (SdMediaCheck        *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);

/* One line per item that is not fine: "field: label: problem". */
char           *sd_media_check_format_problems  (SdMediaCheck    *self);

G_END_DECLS

/* sd-client.h: the HTTP client of the Seedance API
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "sd-api.h"
#include "sd-request.h"
#include "sd-types.h"

G_BEGIN_DECLS

/* Defaults: a stalled socket gives up after SD_CLIENT_IO_TIMEOUT seconds, a
 * whole API call (connect, send, answer) after SD_CLIENT_REQUEST_TIMEOUT_MS. */
#define SD_CLIENT_DEFAULT_BASE_URL    "https://www.jimmyai.cn"
#define SD_CLIENT_IO_TIMEOUT          30
#define SD_CLIENT_REQUEST_TIMEOUT_MS  60000

#define SD_TYPE_CLIENT (sd_client_get_type ())
G_DECLARE_FINAL_TYPE (SdClient, sd_client, SD, CLIENT, GObject)

/* The client owns the application's only SoupSession. Every call runs on the
 * thread that created the client (libsoup is not thread-safe).
 *
 * The token is sent as "Authorization: Bearer" to the base URL's host and to
 * nothing else: API messages never follow redirects, and other users of the
 * session (downloads, thumbnails) never get the header. The token never
 * appears in logs or error messages. */
SdClient    *sd_client_new                 (const char  *base_url,
                                            const char  *token);

/* The session, for downloads and thumbnails (it carries no credentials). */
SoupSession *sd_client_get_session         (SdClient    *self);

/* NULL while the address given is refused; "base-url-error" (a sentence,
 * read-only, notified) and sd_client_get_base_url_error() say why, and
 * every call fails with that error before anything is sent. */
const char  *sd_client_get_base_url        (SdClient    *self);
void         sd_client_set_base_url        (SdClient    *self,
                                            const char  *base_url);
const GError *sd_client_get_base_url_error (SdClient    *self);
/* TRUE when the base URL in use is on this computer: no network needed. */
gboolean     sd_client_get_base_url_is_loopback (SdClient *self);
/* Write-only on purpose: code that needs to know uses sd_client_has_token(). */
void         sd_client_set_token           (SdClient    *self,
                                            const char  *token);
gboolean     sd_client_has_token           (SdClient    *self);

/* Whole-call timeout in milliseconds (0: none, only the socket timeout). */
guint        sd_client_get_request_timeout (SdClient    *self);
void         sd_client_set_request_timeout (SdClient    *self,
                                            guint        timeout_ms);

/* The one rule for a base URL (see the .c): the normalised address the
 * client uses, or NULL with an SD_API_ERROR whose message names the address
 * (without user info) and the rule. */
char        *sd_client_normalize_base_url  (const char  *raw,
                                            GError     **error);
/* TRUE when sd_client_normalize_base_url() accepts @url. */
gboolean     sd_client_check_base_url      (const char  *url,
                                            GError     **error);
/* Loopback by address, never by resolving a name. */
gboolean     sd_host_is_loopback           (const char  *host);

/* A token as it may be sent (one trailing line ending dropped), or NULL with
 * SD_API_ERROR_UNAUTHORIZED for an empty one or a control character. */
char        *sd_client_normalize_token     (const char  *raw,
                                            GError     **error);

/* A message to @path on the API host carrying the token, that never follows
 * a redirect (for the other endpoints of the API family, such as uploads);
 * NULL with the error every call would give (no address, no token). */
SoupMessage *sd_client_new_api_message     (SdClient    *self,
                                            const char  *method,
                                            const char  *path,
                                            GError     **error);

/* Creates a task. Never retried: when the request may have reached the server
 * and no clear answer came back, the error is SD_API_ERROR_OUTCOME_UNKNOWN
 * (the task may exist; check before submitting again). Failures before
 * anything was sent are SD_API_ERROR_TRANSPORT. A body that is not what the
 * API documents after a 2xx status is also OUTCOME_UNKNOWN, and so is a
 * create cancelled after it was sent (G_IO_ERROR_CANCELLED only when nothing
 * was sent yet). A redirect answer is SD_API_ERROR_HTTP_STATUS: it is not
 * followed, the token stays with the API host. */
void                sd_client_create_async  (SdClient            *self,
                                             SdRequest           *request,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
SdApiCreateResult  *sd_client_create_finish (SdClient            *self,
                                             GAsyncResult        *result,
                                             GError             **error);

/* Reads a task's state. Errors for which sd_api_error_is_transient() is TRUE
 * (timeouts, network failures, 5xx, 429 with its Retry-After, malformed
 * bodies) may be retried by the caller. */
void                sd_client_query_async   (SdClient            *self,
                                             const char          *task_id,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
SdApiQueryResult   *sd_client_query_finish  (SdClient            *self,
                                             GAsyncResult        *result,
                                             GError             **error);

G_END_DECLS

/* sd-api.h: the wire codec of the Seedance API (pure functions, no I/O)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "sd-enums.h"
#include "sd-request.h"
#include "sd-types.h"

G_BEGIN_DECLS

#define SD_API_CREATE_PATH "/api/open-api/v1/seedance/videos"
#define SD_API_QUERY_PATH  "/api/open-api/v1/videos/"

/* Response bodies larger than this are refused unread (1 MiB). */
#define SD_API_MAX_BODY    (1024 * 1024)
/* JSON nested deeper than this is refused before parsing: json-glib parses
 * recursively and a hostile body could exhaust the stack. */
#define SD_API_MAX_DEPTH   64

#define SD_API_ERROR (sd_api_error_quark ())

typedef enum {
  SD_API_ERROR_TRANSPORT,       /* the network failed (set by the client) */
  SD_API_ERROR_HTTP_STATUS,     /* a non-2xx status without a better code */
  SD_API_ERROR_UNAUTHORIZED,    /* 401 or 403: the token was refused */
  SD_API_ERROR_RATE_LIMITED,    /* 429; the Retry-After value is kept */
  SD_API_ERROR_API,             /* a body whose code is not success; msg kept */
  SD_API_ERROR_MALFORMED,       /* a body that is not what the API documents */
  SD_API_ERROR_TOO_LARGE,       /* a body over the size limit */
  SD_API_ERROR_INSECURE,        /* the token would cross the network in clear */
  SD_API_ERROR_OUTCOME_UNKNOWN, /* a create that may have reached the server */
  SD_API_ERROR_INVALID_REQUEST, /* the request failed validation; not sent */
  SD_API_ERROR_SERVER,          /* code -1: the server's own error, retry later */
} SdApiError;

/* The body codes the provider's wider reference documents (PROVIDER-EXTRAS.md). */
#define SD_API_CODE_AUTH_FAILED   "20001"  /* like HTTP 401: SD_API_ERROR_UNAUTHORIZED */
#define SD_API_CODE_BAD_REQUEST   "20002"  /* a refusal: SD_API_ERROR_API, msg kept */
#define SD_API_CODE_SERVER_ERROR  "-1"     /* SD_API_ERROR_SERVER; on a create, OUTCOME_UNKNOWN */
/* The provider's queue is full: a refusal, nothing was created. The code
 * is not documented; a msg that says the queue is full counts the same. */
#define SD_API_CODE_QUEUE_FULL    "20029"

GQuark       sd_api_error_quark               (void);

/* Details an SD_API_ERROR carries (G_DEFINE_EXTENDED_ERROR). */
guint        sd_api_error_get_http_status     (const GError *error);
/* Seconds to wait before the next try, or -1 when the server gave none. */
gint64       sd_api_error_get_retry_after     (const GError *error);
const char  *sd_api_error_get_api_code        (const GError *error);
const char  *sd_api_error_get_server_message  (const GError *error);
/* TRUE for errors after which the same query or download may be tried again
 * (transport, 5xx, 429, code -1, malformed body); FALSE for auth and API
 * refusals. Never a reason to send a create again. */
gboolean     sd_api_error_is_transient        (const GError *error);
/* TRUE for a create refused because the provider is busy: 429, or the
 * "queue full" answer. Nothing was created; the same create may be sent
 * again later. */
gboolean     sd_api_error_is_queue_full       (const GError *error);
/* Makes an SD_API_ERROR carrying its details (for the client, which sets
 * TRANSPORT, INSECURE and OUTCOME_UNKNOWN errors itself). */
GError      *sd_api_error_new_full            (SdApiError    code,
                                               guint         http_status,
                                               gint64        retry_after,
                                               const char   *api_code,
                                               const char   *server_message,
                                               const char   *message);

/* Parses a Retry-After header (seconds or an HTTP date, relative to @now,
 * Unix seconds); -1 when absent or unreadable. */
gint64       sd_api_parse_retry_after         (const char *value,
                                               gint64      now);

struct _SdApiCreateResult
{
  char         *task_id;
  SdTaskStatus  status;
  char         *status_raw;  /* the server's own spelling */
  char         *model;       /* NULL when not given */
  gint64        created_at;  /* Unix seconds, 0 when not given */
};

struct _SdApiQueryResult
{
  char         *task_id;
  SdTaskStatus  status;
  char         *status_raw;
  char         *model;
  gint64        created_at;
  gint64        updated_at;
  char         *video_url;       /* data.result.video_url, when completed */
  char         *failure_message; /* msg, data.error, data.fail_reason or data.message */
  int           progress;        /* data.progress, 0..100; -1 when absent or unreadable */
};

void          sd_api_create_result_free  (SdApiCreateResult *result);
void          sd_api_query_result_free   (SdApiQueryResult  *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdApiCreateResult, sd_api_create_result_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdApiQueryResult, sd_api_query_result_free)

/* "queued", "processing"/"running", "completed"/"succeeded",
 * "failed"/"cancelled"/"expired"; anything else is UNKNOWN. The history's
 * own "uncertain" and "not-found" are read too (sd_api_status_to_string()
 * writes them), but never from a server's answer. */
SdTaskStatus  sd_api_status_from_string  (const char *status);
const char   *sd_api_status_to_string    (SdTaskStatus status);

/* Parses an untrusted JSON body with the size and depth limits above
 * (SD_API_ERROR_TOO_LARGE, SD_API_ERROR_MALFORMED). */
JsonNode     *sd_api_parse_json          (GBytes     *body,
                                          GError    **error);

/* The create body: unset and empty fields omitted, duration an integer. */
JsonNode     *sd_api_request_to_json     (SdRequest  *request);
GBytes       *sd_api_encode_create       (SdRequest  *request);
/* The reverse, for the history and the CLI: lenient, unknown fields ignored. */
SdRequest    *sd_api_request_from_json   (JsonNode   *node,
                                          GError    **error);

/* @http_status is the response's status; @retry_after its Retry-After header
 * (or NULL); @now the current Unix time for Retry-After dates. A create
 * answered with a 5xx status or code -1 fails with
 * SD_API_ERROR_OUTCOME_UNKNOWN: the task may exist. */
SdApiCreateResult *sd_api_parse_create_response (guint        http_status,
                                                 const char  *retry_after,
                                                 gint64       now,
                                                 GBytes      *body,
                                                 GError     **error);
SdApiQueryResult  *sd_api_parse_query_response  (guint        http_status,
                                                 const char  *retry_after,
                                                 gint64       now,
                                                 GBytes      *body,
                                                 GError     **error);

G_END_DECLS

/* sd-simulator-test.h: the simulator's fault injection and counters
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "sd-simulator.h"

G_BEGIN_DECLS

/* For tests and benchmarks only (the shipped binaries' demo mode never
 * includes this): faults switched on per step, for a number of requests,
 * and what the simulator saw.
 *
 * A second server on 127.0.0.2 (same port range, same routes, no faults) is
 * the "other host" that redirects point to; where that address can't be
 * bound, "localhost" on the first server stands in for it. The simulator
 * records the Authorization header each host last saw, so tests can prove
 * the token never left the API host. */

typedef enum {
  SD_SIMULATOR_STEP_CREATE,
  SD_SIMULATOR_STEP_QUERY,
  SD_SIMULATOR_STEP_DOWNLOAD,
  SD_SIMULATOR_STEP_UPLOAD,
  SD_SIMULATOR_STEP_BALANCE,  /* either balance route */
  SD_SIMULATOR_N_STEPS
} SdSimulatorStep;

typedef enum {
  SD_SIMULATOR_FAULT_NONE,
  /* 500 with a JSON error body. */
  SD_SIMULATOR_FAULT_HTTP_500,
  /* 429 with "Retry-After: <seconds>" (sd_simulator_set_retry_after). */
  SD_SIMULATOR_FAULT_RATE_LIMITED,
  /* 200 with a cut-off JSON body (downloads: an HTML page, not a video). */
  SD_SIMULATOR_FAULT_MALFORMED_JSON,
  /* The normal answer, sent after sd_simulator_set_slow_delay() (default
   * 90 s, longer than the client's timeout). The request is processed when it
   * arrives: a slow create does create its task. */
  SD_SIMULATOR_FAULT_SLOW,
  /* The normal answer's headers and the first half of its body, then the
   * connection is closed. The request is processed: a create creates. */
  SD_SIMULATOR_FAULT_DROP_MID_BODY,
  /* 302 to the same path on the second host (127.0.0.2). */
  SD_SIMULATOR_FAULT_REDIRECT_OTHER_HOST,
  /* 200 and a body over 1 MiB, announced by Content-Length (API steps only:
   * downloads are served normally). The request is processed. */
  SD_SIMULATOR_FAULT_OVERSIZED_BODY,
  /* The same, chunked, without Content-Length. */
  SD_SIMULATOR_FAULT_OVERSIZED_BODY_CHUNKED,
  /* 503 with a JSON error body of code -1 ("server error, retry later"). */
  SD_SIMULATOR_FAULT_HTTP_503,
  /* 404: the route does not exist (uploads: "no upload endpoint"). */
  SD_SIMULATOR_FAULT_NO_ENDPOINT,
  /* 413 with a JSON error body, after the request body was read. */
  SD_SIMULATOR_FAULT_TOO_LARGE,
  /* 200 with code SD_API_CODE_QUEUE_FULL: the provider's queue is full;
   * nothing is created. */
  SD_SIMULATOR_FAULT_QUEUE_FULL,
  /* Creates only: the request is held for sd_simulator_set_slow_delay() as
   * if still on its way, then handled as usual. Its task is made only then
   * (a SLOW create makes it at once and answers late). */
  SD_SIMULATOR_FAULT_LATE,
} SdSimulatorFault;

/* The base URL of the second host, e.g. "http://127.0.0.2:<port>". */
const char  *sd_simulator_get_other_base_url (SdSimulator     *self);

/* "https://127.0.0.1:<port>", the same routes over TLS, or NULL where no
 * TLS backend is installed. */
const char  *sd_simulator_get_tls_base_url  (SdSimulator      *self);

/* FALSE: the balance routes answer 404, as on a server without them. */
void         sd_simulator_set_has_balance   (SdSimulator      *self,
                                             gboolean          has_balance);
/* What the user balance route says is available, in coins (default 1000). */
void         sd_simulator_set_balance       (SdSimulator      *self,
                                             gint64            available);

/* Changes the token the API accepts. */
void         sd_simulator_set_token         (SdSimulator      *self,
                                             const char       *token);

/* Videos carry the ETag "<size>-v<version>" and honour If-Range; a new
 * version (from 2) has other bytes, as when the file behind a link changes. */
void         sd_simulator_set_video_version (SdSimulator      *self,
                                             guint             version);
/* Serve videos of exactly @bytes bytes (0: the sample as it is). */
void         sd_simulator_set_video_size    (SdSimulator      *self,
                                             guint64           bytes);
guint64      sd_simulator_get_video_size    (SdSimulator      *self);

/* The next @times requests of @step get @fault (0: every request, until the
 * fault is set again; FAULT_NONE switches faults off). */
void         sd_simulator_set_fault         (SdSimulator      *self,
                                             SdSimulatorStep   step,
                                             SdSimulatorFault  fault,
                                             guint             times);
/* Retry-After of RATE_LIMITED answers, in seconds (default 1). */
void         sd_simulator_set_retry_after   (SdSimulator      *self,
                                             guint             seconds);
/* How late SLOW answers come (default 90000 ms). */
void         sd_simulator_set_slow_delay    (SdSimulator      *self,
                                             guint             delay_ms);

/* Uploads: bodies over @bytes get 413 (default 100 MB). Uploaded files are
 * kept in memory (the oldest forgotten past 256 MiB). */
void         sd_simulator_set_upload_limit  (SdSimulator      *self,
                                             guint64           bytes);
/* Files stored so far. */
guint        sd_simulator_get_n_uploads     (SdSimulator      *self);

/* Adds @text (NULL: nothing) to every text the simulator makes up: msg,
 * failure reasons, task ids and models of new tasks, video addresses. */
void         sd_simulator_set_hostile_text  (SdSimulator      *self,
                                             const char       *text);

/* Requests that reached @step so far, on either host, faulty ones included. */
guint        sd_simulator_get_request_count (SdSimulator      *self,
                                             SdSimulatorStep   step);
/* Requests that reached @host ("127.0.0.1", "127.0.0.2"), any route. */
guint        sd_simulator_get_host_request_count (SdSimulator *self,
                                                  const char  *host);
/* The last Authorization header a request to @host carried, or NULL if no
 * request to it ever carried one. */
const char  *sd_simulator_get_auth_seen     (SdSimulator      *self,
                                             const char       *host);
/* Tasks created so far. */
guint        sd_simulator_get_task_count    (SdSimulator      *self);
/* The ids of the tasks created so far, oldest first (tasks adopted with
 * sd_simulator_adopt_task() are not among them); owned by @self, which
 * only ever adds to the end. */
GPtrArray   *sd_simulator_get_created_ids   (SdSimulator      *self);
/* Tasks queued or processing now, and the most there were at once. */
guint        sd_simulator_get_active_count  (SdSimulator      *self);
guint        sd_simulator_get_max_active    (SdSimulator      *self);

/* Test media for the pre-flight checks (sd-media-check.h), served as
 * "<base URL>/media/<name>" on every host (sd_simulator_add_media()). */
typedef enum /*< flags >*/ {
  SD_SIMULATOR_MEDIA_NONE        = 0,
  /* HEAD answers 405, as some hosts do: the checks fall back to a ranged GET. */
  SD_SIMULATOR_MEDIA_REFUSE_HEAD = 1 << 0,
} SdSimulatorMediaFlags;

void         sd_simulator_add_media         (SdSimulator           *self,
                                             const char            *name,
                                             const char            *content_type,
                                             GBytes                *bytes,
                                             guint64                announced_size,
                                             guint                  delay_ms,
                                             SdSimulatorMediaFlags  flags);
char        *sd_simulator_get_media_url     (SdSimulator           *self,
                                             const char            *name);
guint        sd_simulator_get_media_request_count (SdSimulator     *self);

guint        sd_simulator_get_n_held_messages (void);

G_END_DECLS

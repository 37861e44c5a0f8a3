/* sd-simulator.h: a local Seedance API server for the demo mode and tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "sd-catalog.h"
#include "sd-types.h"

G_BEGIN_DECLS

/* SdSimulator is a libsoup server on 127.0.0.1 (a free port) that speaks the
 * API as SEEDANCE-API.md documents it:
 *
 *   POST /api/open-api/v1/seedance/videos   create a task
 *   GET  /api/open-api/v1/videos/{task_id}  query it
 *   GET  /videos/{task_id}.mp4              the finished video
 *   GET  /images/{name}.jpg                 a few sample pictures
 *
 * The first host also listens with TLS (sd_simulator_get_tls_base_url()),
 * with a self-signed certificate for 127.0.0.1 whose key ships with the app,
 * so that the demo's sample pictures are https:// links that pass request
 * validation like real ones; see sd_simulator_get_tls_certificate().
 *
 * Both API calls need "Authorization: Bearer <token>" (401 with a JSON body
 * otherwise). A create body is read like the client's codec reads it and
 * checked against the catalogue as a strict server would: a request with
 * problems is answered with HTTP 400, code "40000" and a msg listing every
 * problem. Success bodies are {"code": "20000", "msg": "ok", "data": {...}}.
 *
 * Tasks are queued for the first queued_ms, then processing for processing_ms,
 * then completed with data.result.video_url; a task whose prompt contains the
 * word "fail" (any case, as a whole word) ends failed instead, with a message
 * in data.error. The clock is the monotonic clock, or a manual one that only
 * sd_simulator_advance_clock() moves (tests: no timed assertions).
 *
 * The video is data/sample.mp4 from the core resource, or, after
 * sd_simulator_set_video_size(), that many bytes (the sample repeated),
 * streamed in chunks. Single byte ranges are honoured (206 with
 * Content-Range; 416 past the end); a video is only there once its task has
 * completed.
 *
 * Faults can be switched on per step, for a number of requests. A second
 * server on 127.0.0.2 (same port range, same routes, no faults) is the "other
 * host" that redirects point to; the simulator records the Authorization
 * header each host last saw, so tests can prove the token never left the API
 * host. Everything runs on the thread-default main context of the thread
 * that made the simulator. */

typedef enum {
  SD_SIMULATOR_STEP_CREATE,
  SD_SIMULATOR_STEP_QUERY,
  SD_SIMULATOR_STEP_DOWNLOAD,
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
} SdSimulatorFault;

#define SD_SIMULATOR_DEFAULT_TOKEN          "sk_demo"
#define SD_SIMULATOR_DEFAULT_QUEUED_MS      3000
#define SD_SIMULATOR_DEFAULT_PROCESSING_MS  12000

#define SD_TYPE_SIMULATOR (sd_simulator_get_type ())
G_DECLARE_FINAL_TYPE (SdSimulator, sd_simulator, SD, SIMULATOR, GObject)

/* Starts listening on 127.0.0.1 (and 127.0.0.2 for the second host; where
 * that address can't be bound, "localhost" on the first server stands in for
 * it). @catalog checks create requests. */
SdSimulator *sd_simulator_new               (SdCatalog        *catalog,
                                             GError          **error);

/* "http://127.0.0.1:<port>", without a trailing slash. */
const char  *sd_simulator_get_base_url      (SdSimulator      *self);
/* The base URL of the second host, e.g. "http://127.0.0.2:<port>". */
const char  *sd_simulator_get_other_base_url (SdSimulator     *self);

/* "https://127.0.0.1:<port>", the same routes over TLS, or NULL where no
 * TLS backend is installed. */
const char  *sd_simulator_get_tls_base_url  (SdSimulator      *self);
/* The certificate the TLS listener presents (NULL without TLS). Its private
 * key is public (data/simulator-demo-tls.pem): a client may accept it only
 * for exactly this certificate on a loopback address, and only in demo mode. */
GTlsCertificate *sd_simulator_get_tls_certificate (SdSimulator *self);

/* Sample pictures for the demo and the screenshots:
 * "<tls base URL>/images/<name>.jpg" (the http base URL without TLS).
 * NULL for @index >= sd_simulator_get_n_sample_images(). */
guint        sd_simulator_get_n_sample_images (SdSimulator   *self);
const char  *sd_simulator_get_sample_image_url (SdSimulator  *self,
                                                guint         index);

/* The token the API accepts (SD_SIMULATOR_DEFAULT_TOKEN unless changed). */
const char  *sd_simulator_get_token         (SdSimulator      *self);
void         sd_simulator_set_token         (SdSimulator      *self,
                                             const char       *token);

/* How long a task stays queued, then processing. */
void         sd_simulator_set_timing        (SdSimulator      *self,
                                             guint             queued_ms,
                                             guint             processing_ms);
/* With a manual clock, time stands still until advanced. */
void         sd_simulator_set_manual_clock  (SdSimulator      *self,
                                             gboolean          manual);
void         sd_simulator_advance_clock     (SdSimulator      *self,
                                             guint             ms);

/* Serve videos of exactly @bytes bytes (0: the sample as it is). */
/* Videos carry the ETag "<size>-v<version>" and honour If-Range; a new
 * version (from 2) has other bytes, as when the file behind a link changes. */
void         sd_simulator_set_video_version (SdSimulator      *self,
                                             guint             version);
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
/* Takes over an unfinished task of an earlier run (the demo history outlives
 * the in-process simulator); it starts again from queued. */
void         sd_simulator_adopt_task        (SdSimulator      *self,
                                             const char       *task_id,
                                             const char       *model,
                                             const char       *prompt);

G_END_DECLS

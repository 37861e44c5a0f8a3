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
 *   HEAD/GET /media/{name}                  test media (sd-simulator-test.h)
 *   POST /api/open-api/v1/files/upload      multipart upload (PROVIDER-EXTRAS.md)
 *   GET  /uploads/{id}/{filename}           what was uploaded (on the TLS host
 *                                           in its links)
 *
 * The first host also listens with TLS, with a self-signed certificate for
 * 127.0.0.1 whose key ships with the app, so that the demo's sample pictures
 * are https:// links that pass request validation like real ones; see
 * sd_simulator_get_tls_certificate().
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
 * in data.error; with the word "flaky", only the first task made with that
 * prompt fails (the takes of one Generate: one failure to retry). The clock is the monotonic clock, or a manual one that only
 * sd_simulator_advance_clock() moves (tests: no timed assertions).
 *
 * The video is data/sample.mp4 from the core resource (or a size tests
 * choose), streamed in chunks. Single byte ranges are honoured (206 with
 * Content-Range; 416 past the end); a video is only there once its task has
 * completed.
 *
 * Everything runs on the thread-default main context of the thread that made
 * the simulator. Demo mode reaches it through sd-demo.h; the fault
 * injection and the counters tests assert on are in sd-simulator-test.h,
 * for tests and benchmarks only. */

#define SD_SIMULATOR_DEFAULT_TOKEN          "sk_demo"
#define SD_SIMULATOR_DEFAULT_QUEUED_MS      3000
#define SD_SIMULATOR_DEFAULT_PROCESSING_MS  12000

#define SD_TYPE_SIMULATOR (sd_simulator_get_type ())
G_DECLARE_FINAL_TYPE (SdSimulator, sd_simulator, SD, SIMULATOR, GObject)

/* Starts listening on 127.0.0.1 (and on the second host of
 * sd-simulator-test.h). @catalog checks create requests. */
SdSimulator *sd_simulator_new               (SdCatalog        *catalog,
                                             GError          **error);

/* "http://127.0.0.1:<port>", without a trailing slash. */
const char  *sd_simulator_get_base_url      (SdSimulator      *self);

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

/* How long a task stays queued, then processing. */
void         sd_simulator_set_timing        (SdSimulator      *self,
                                             guint             queued_ms,
                                             guint             processing_ms);
/* With a manual clock, time stands still until advanced. */
void         sd_simulator_set_manual_clock  (SdSimulator      *self,
                                             gboolean          manual);
void         sd_simulator_advance_clock     (SdSimulator      *self,
                                             guint             ms);

/* Takes over an unfinished task of an earlier run (the demo history outlives
 * the in-process simulator); it starts again from queued. */
void         sd_simulator_adopt_task        (SdSimulator      *self,
                                             const char       *task_id,
                                             const char       *model,
                                             const char       *prompt);

G_END_DECLS

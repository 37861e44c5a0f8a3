/* sd-media-probe-threads.h: the threads a media checker's probes run on
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "sd-media-probe.h"

G_BEGIN_DECLS

/* A few threads, each with its own main context and HTTP session, that
 * run sd_media_probe_async() for a caller on another thread and give the
 * answer on the caller's thread-default context. A TLS connection's
 * handshake (and, with glib-networking 2.74, its load of the system's
 * trust store, ~10 ms) then costs no main-loop time, and the probes of
 * one request share the cores. Started with the first probe. */
typedef struct _SdProbeThreads SdProbeThreads;

SdProbeThreads *_sd_probe_threads_new          (void);
/* Stops and joins the threads; what they still ran is cancelled. */
void            _sd_probe_threads_free         (SdProbeThreads      *self);

/* As sd_media_probe_async(), on the next thread in turn; @callback runs
 * on the calling thread's thread-default context. */
void            _sd_probe_threads_probe_async  (SdProbeThreads      *self,
                                                const char          *uri,
                                                SdMediaKind          expected,
                                                GTlsCertificate     *loopback_certificate,
                                                guint                timeout_ms,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
SdMediaFacts   *_sd_probe_threads_probe_finish (GAsyncResult        *result,
                                                GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdProbeThreads, _sd_probe_threads_free)

G_END_DECLS

/* sd-endpoint.h: where the API is, and how to talk to it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "sd-types.h"

G_BEGIN_DECLS

/* An API server the context can be pointed at: its base URL, the token it
 * accepts, and the one self-signed certificate its https:// links may
 * present (only ever trusted on a loopback address). Demo mode is an
 * endpoint that happens to be in-process: the endpoint then keeps that
 * server alive for as long as anyone holds the endpoint.
 *
 * Immutable and reference-counted. */
#define SD_TYPE_ENDPOINT (sd_endpoint_get_type ())

GType             sd_endpoint_get_type            (void) G_GNUC_CONST;

SdEndpoint       *sd_endpoint_new                 (const char      *base_url,
                                                   const char      *token,
                                                   GTlsCertificate *tls_certificate,
                                                   GObject         *server);
SdEndpoint       *sd_endpoint_ref                 (SdEndpoint      *self);
void              sd_endpoint_unref               (SdEndpoint      *self);

const char       *sd_endpoint_get_base_url        (SdEndpoint      *self);
const char       *sd_endpoint_get_token           (SdEndpoint      *self);
GTlsCertificate  *sd_endpoint_get_tls_certificate (SdEndpoint      *self);
GObject          *sd_endpoint_get_server          (SdEndpoint      *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdEndpoint, sd_endpoint_unref)

G_END_DECLS

/* sd-thumbnailer.h: small previews of image links, fetched asynchronously
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include <libsoup/soup.h>

#include "sd-types.h"

G_BEGIN_DECLS

#define SD_TYPE_THUMBNAILER (sd_thumbnailer_get_type ())
G_DECLARE_FINAL_TYPE (SdThumbnailer, sd_thumbnailer, SD, THUMBNAILER, GObject)

/* The most bytes read from one image; the rest is never downloaded. */
#define SD_THUMBNAILER_MAX_BYTES (10 * 1024 * 1024)

/* Fetches through @session with a plain GET (the app's session carries no
 * credentials). Only https:// links are fetched, and http:// on loopback. */
SdThumbnailer *sd_thumbnailer_new          (SoupSession   *session);
/* Through @context's client, trusting the demo server's certificate while
 * @context is in demo mode (see below), also when the demo starts later. */
SdThumbnailer *sd_thumbnailer_new_for_context (SdContext   *context);

/* Trusts @certificate (or nobody: NULL) for https:// links to a loopback
 * address, although no authority signed it: the demo simulator's own
 * certificate (sd_context_get_tls_certificate()). Other hosts, and other
 * certificates on loopback, are checked as usual. */
void           sd_thumbnailer_set_loopback_certificate (SdThumbnailer   *self,
                                                        GTlsCertificate *certificate);

/* The cached texture for @url, or NULL. */
GdkTexture    *sd_thumbnailer_lookup       (SdThumbnailer *self,
                                            const char    *url);

void           sd_thumbnailer_load_async   (SdThumbnailer       *self,
                                            const char          *url,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
GdkTexture    *sd_thumbnailer_load_finish  (SdThumbnailer  *self,
                                            GAsyncResult   *result,
                                            GError        **error);

G_END_DECLS

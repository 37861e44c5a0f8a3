/* sd-media-probe.h: what one media link serves, asked over the network
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

#define SD_MEDIA_PROBE_ERROR (sd_media_probe_error_quark ())

typedef enum {
  /* The link answered 4xx after redirects, or its host refused the
   * connection: it is not there for anyone. */
  SD_MEDIA_PROBE_ERROR_NOT_AVAILABLE,
  /* It answered 5xx, 408 or 429, or another status that is not 2xx: not now. */
  SD_MEDIA_PROBE_ERROR_SERVER,
  /* Too many redirects, or one to something that is not http(s). */
  SD_MEDIA_PROBE_ERROR_REDIRECT,
  /* No answer within the time given. */
  SD_MEDIA_PROBE_ERROR_TIMEOUT,
  /* The host could not be reached (name, network, TLS). */
  SD_MEDIA_PROBE_ERROR_NETWORK,
  /* It answered, but what it sent cannot be read as media. */
  SD_MEDIA_PROBE_ERROR_UNREADABLE,
} SdMediaProbeError;

GQuark sd_media_probe_error_quark (void);

typedef enum {
  SD_MEDIA_KIND_UNKNOWN,   /* nothing told (no type, no readable bytes) */
  SD_MEDIA_KIND_IMAGE,
  SD_MEDIA_KIND_VIDEO,
  SD_MEDIA_KIND_AUDIO,
  SD_MEDIA_KIND_OTHER,     /* an HTML page, text, an archive… */
} SdMediaKind;

/* The facts a probe found; unknown numbers are -1 (size, duration) or 0. */
typedef struct
{
  SdMediaKind  kind;
  char        *content_type;  /* as served, without parameters; NULL if none */
  char        *format;        /* readable: "PNG", "WebM"…; NULL if unknown */
  gint64       size;          /* bytes */
  int          width;
  int          height;
  gint64       duration_us;
  char        *note;          /* a remark worth showing (e.g. a missing decoder) */
} SdMediaFacts;

#define SD_TYPE_MEDIA_FACTS (sd_media_facts_get_type ())
GType         sd_media_facts_get_type (void) G_GNUC_CONST;
SdMediaFacts *sd_media_facts_new      (void);
SdMediaFacts *sd_media_facts_copy     (const SdMediaFacts *facts);
void          sd_media_facts_free     (SdMediaFacts       *facts);
/* "PNG, 4032×3024, 8.1 MB", "WebM, 8.0 s, 1280×720, 2.3 MB": what is known. */
char         *sd_media_facts_describe (const SdMediaFacts *facts);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdMediaFacts, sd_media_facts_free)

/* The most header bytes an image probe reads. */
#define SD_MEDIA_PROBE_HEAD_BYTES (128 * 1024)
/* The most redirects a probe follows. */
#define SD_MEDIA_PROBE_MAX_REDIRECTS 5

void          sd_media_probe_async    (SoupSession         *session,
                                       const char          *uri,
                                       SdMediaKind          expected,
                                       GTlsCertificate     *loopback_certificate,
                                       guint                timeout_ms,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);
SdMediaFacts *sd_media_probe_finish   (GAsyncResult        *result,
                                       GError             **error);

G_END_DECLS

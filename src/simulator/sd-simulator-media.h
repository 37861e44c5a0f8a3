/* sd-simulator-media.h: the simulator's shelf of test media (private)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>


G_BEGIN_DECLS

/* What the simulator serves under /media/ for the pre-flight checks; see
 * sd_simulator_add_media() in sd-simulator-test.h (@flags are its
 * SdSimulatorMediaFlags). */
typedef struct _SdSimMedia SdSimMedia;

SdSimMedia *_sd_sim_media_new           (void);
void        _sd_sim_media_free          (SdSimMedia            *media);
void        _sd_sim_media_attach        (SdSimMedia            *media,
                                         SoupServer            *server);
void        _sd_sim_media_add           (SdSimMedia            *media,
                                         const char            *name,
                                         const char            *content_type,
                                         GBytes                *bytes,
                                         guint64                announced_size,
                                         guint                  delay_ms,
                                         guint                  flags);
guint       _sd_sim_media_get_count     (SdSimMedia            *media);

G_END_DECLS

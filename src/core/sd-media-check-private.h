/* sd-media-check-private.h: what SdMediaCheck and SdMediaItem share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "sd-enums.h"

G_BEGIN_DECLS

/* Both report where a check stands with read-only "state" and text
 * properties, notified only when they change. */

/* Takes @value; frees it when *@slot already says the same. */
void _sd_media_set_text  (GObject            *object,
                          char              **slot,
                          char               *value,
                          GParamSpec         *pspec);
void _sd_media_set_state (GObject            *object,
                          SdMediaCheckState  *slot,
                          SdMediaCheckState   state,
                          GParamSpec         *pspec);

G_END_DECLS

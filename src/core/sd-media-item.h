/* sd-media-item.h: one media link of a request, and what its check found
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "sd-enum-types.h"
#include "sd-enums.h"
#include "sd-media-probe.h"

G_BEGIN_DECLS

#define SD_TYPE_MEDIA_ITEM (sd_media_item_get_type ())
G_DECLARE_FINAL_TYPE (SdMediaItem, sd_media_item, SD, MEDIA_ITEM, GObject)

/* Properties (read-only, notified as the check goes; a media row binds
 * to them):
 *   "field"   SdMediaField
 *   "index"   guint: 1 for the first item of its field
 *   "uri"     string: the link as given
 *   "name"    string: a readable name from the link ("clip.mp4")
 *   "label"   string: "Reference video 2 (clip.mp4)"
 *   "state"   SdMediaCheckState
 *   "facts"   string: what is known ("WebM, 8.0 s, 1280×720, 2.3 MB"), or ""
 *   "problem" string: why it is refused or could not be checked, or NULL */
SdMediaItem        *sd_media_item_new         (SdMediaField       field,
                                               guint              index,
                                               const char        *uri);

SdMediaField        sd_media_item_get_field   (SdMediaItem       *self);
/* The API name of the field: "images", "first_image"… */
const char         *sd_media_item_get_field_name (SdMediaItem    *self);
guint               sd_media_item_get_index   (SdMediaItem       *self);
const char         *sd_media_item_get_uri     (SdMediaItem       *self);
const char         *sd_media_item_get_name    (SdMediaItem       *self);
const char         *sd_media_item_get_label   (SdMediaItem       *self);
SdMediaCheckState   sd_media_item_get_state   (SdMediaItem       *self);
const char         *sd_media_item_get_facts   (SdMediaItem       *self);
const char         *sd_media_item_get_problem (SdMediaItem       *self);
/* What the probe found, or NULL (not checked, or it failed). */
const SdMediaFacts *sd_media_item_get_media_facts (SdMediaItem   *self);

/* For the checker: set the outcome (notifies what changed). */
void                sd_media_item_set_outcome (SdMediaItem       *self,
                                               SdMediaCheckState  state,
                                               const SdMediaFacts *facts,
                                               const char        *problem);

/* The readable name of a link: its last path segment, unescaped, made
 * valid UTF-8 without control characters and cut to 40 characters; the host
 * when the path has none; an asset id as it is. */
char               *sd_media_name_from_uri    (const char        *uri);

G_END_DECLS

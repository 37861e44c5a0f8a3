/* sd-model.h: one model of the Seedance catalogue, as data
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "sd-enums.h"
#include "sd-types.h"

G_BEGIN_DECLS

#define SD_TYPE_MODEL (sd_model_get_type ())
G_DECLARE_FINAL_TYPE (SdModel, sd_model, SD, MODEL, GObject)

/* Counts the documentation does not give are -1: no limit is invented. */
#define SD_LIMIT_UNKNOWN (-1)

SdModel            *sd_model_new_from_json            (JsonObject  *object,
                                                       GError     **error);

const char         *sd_model_get_id                   (SdModel *self);
const char         *sd_model_get_family               (SdModel *self);
const char         *sd_model_get_family_name          (SdModel *self);
const char         *sd_model_get_display_name         (SdModel *self);
SdBilling           sd_model_get_billing              (SdModel *self);
const char         *sd_model_get_output               (SdModel *self);

/* Values for the request's `resolution` field; NULL when the model takes none. */
const char * const *sd_model_get_resolutions          (SdModel *self);
const char         *sd_model_get_default_resolution   (SdModel *self);

/* FALSE when the documentation gives no range for this model. */
gboolean            sd_model_get_duration_range       (SdModel *self,
                                                       int     *min,
                                                       int     *max);
int                 sd_model_get_default_duration     (SdModel *self);

/* NULL when the documentation lists no ratios for this model. */
const char * const *sd_model_get_ratios               (SdModel *self);
const char         *sd_model_get_default_ratio        (SdModel *self);

SdUrlScheme         sd_model_get_image_schemes        (SdModel *self);
int                 sd_model_get_max_images           (SdModel *self);
int                 sd_model_get_max_images_total     (SdModel *self);

SdSupport           sd_model_get_frames               (SdModel *self);
gboolean            sd_model_get_frames_need_both     (SdModel *self);

SdSupport           sd_model_get_reference_videos     (SdModel *self);
int                 sd_model_get_max_reference_videos (SdModel *self);
SdUrlScheme         sd_model_get_video_schemes        (SdModel *self);

SdSupport           sd_model_get_reference_audios     (SdModel *self);
int                 sd_model_get_max_reference_audios (SdModel *self);
SdUrlScheme         sd_model_get_audio_schemes        (SdModel *self);
SdSupport           sd_model_get_audios_in_frame_mode (SdModel *self);

int                 sd_model_get_prompt_max_length    (SdModel *self);

/* Billing and output as one translated line, e.g. "per task · 720p". */
const char         *sd_model_get_subtitle             (SdModel *self);
/* Documented rules the app cannot check, as free text; may be NULL. */
const char         *sd_model_get_notes                (SdModel *self);

G_END_DECLS

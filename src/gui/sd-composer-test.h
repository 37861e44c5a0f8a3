/* sd-composer-test.h: what the tests look at inside the composer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "sd-composer.h"
#include "sd-media-check.h"
#include "sd-uploader.h"

G_BEGIN_DECLS

/* The problem text shown under the widget of @field (an SdProblem field
 * name), "" when there is none. */
const char *sd_composer_get_problem_text       (SdComposer *self,
                                                const char *field);
/* The ratios the ratio list offers, in order; NULL is "Server default". */
GPtrArray  *sd_composer_get_ratio_values       (SdComposer *self);
gboolean    sd_composer_select_model           (SdComposer *self,
                                                const char *model_id);
const char *sd_composer_get_images_count_text  (SdComposer *self);
/* What the images list refused of the last addition, "" when nothing. */
const char *sd_composer_get_images_message_text (SdComposer *self);
const char *sd_composer_get_prompt_count_text  (SdComposer *self);
GtkTextBuffer *sd_composer_get_prompt_buffer   (SdComposer *self);
/* The text by Generate: why it is disabled, or why it failed. */
const char *sd_composer_get_generate_hint_text (SdComposer *self);
/* Follows the hint's link (to the field at fault) as a click would. */
gboolean    sd_composer_activate_generate_hint (SdComposer *self);

/* sd-composer-media.c */
GtkWindow      *sd_composer_get_media_dialog  (SdComposer *self);
SdMediaChecker *sd_composer_get_media_checker (SdComposer *self);

G_END_DECLS

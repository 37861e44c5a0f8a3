/* sd-model-picker-test.h: what the tests look at inside the model picker
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "sd-model-picker.h"

G_BEGIN_DECLS

/* Types @text in the search entry, and filters at once. */
void        sd_model_picker_set_search_text (SdModelPicker *self,
                                             const char    *text);
/* The ids of the rows the list shows, in order, and the family headers
 * above them. */
char      **sd_model_picker_dup_shown_ids   (SdModelPicker *self);
char      **sd_model_picker_dup_headers     (SdModelPicker *self);
/* The id of the row with the check mark, NULL when none has it. */
char       *sd_model_picker_dup_marked_id   (SdModelPicker *self);
/* The row's title and subtitle, one line each. */
char       *sd_model_picker_dup_row_text    (SdModelPicker *self,
                                             const char    *model_id);
const char *sd_model_picker_get_button_text (SdModelPicker *self);
/* Whether the popover is open with the current model's row in view. */
gboolean    sd_model_picker_shows_selected  (SdModelPicker *self);

G_END_DECLS

/* sd-model-picker.h: the button and searchable list that choose the model
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "sd-model.h"

G_BEGIN_DECLS

#define SD_TYPE_MODEL_PICKER (sd_model_picker_get_type ())
G_DECLARE_FINAL_TYPE (SdModelPicker, sd_model_picker, SD, MODEL_PICKER, GtkWidget)

/* Properties: "models" (GListModel of SdModel), "selected-model" (SdModel,
 * read-only; notified whenever the selection is set, even to the same).
 *
 * The button shows the chosen model as "Family · what sets it apart" over
 * its billing and output; its popover lists the models under a header per
 * family, with a search entry (name, family or id) and a check mark on the
 * current one. Each fact is said once. */
void        sd_model_picker_set_models         (SdModelPicker *self,
                                                GListModel    *models);
SdModel    *sd_model_picker_get_selected_model (SdModelPicker *self);
/* Selects the model with @model_id; FALSE (nothing changes) if none. */
gboolean    sd_model_picker_select             (SdModelPicker *self,
                                                const char    *model_id);

G_END_DECLS

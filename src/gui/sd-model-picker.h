/* sd-model-picker.h: the drop-down that chooses the composer's model
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
 * Each model shows as "Family · Name (billing · output)" on the button and
 * as its title over its billing and output in the list. */
void        sd_model_picker_set_models         (SdModelPicker *self,
                                                GListModel    *models);
SdModel    *sd_model_picker_get_selected_model (SdModelPicker *self);
/* Selects the model with @model_id; FALSE (nothing changes) if none. */
gboolean    sd_model_picker_select             (SdModelPicker *self,
                                                const char    *model_id);

G_END_DECLS

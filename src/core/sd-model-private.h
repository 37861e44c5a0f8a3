/* sd-model-private.h: what the catalogue sets on a model it owns
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "sd-model.h"

G_BEGIN_DECLS

/* The family's display name comes from the catalogue's family list; it is set
 * once, before the model is handed out. */
void sd_model_set_family_name (SdModel    *self,
                               const char *family_name);

G_END_DECLS

/* sd-preferences-upload.h: the "Upload Service" group of Preferences
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "sd-context.h"

G_BEGIN_DECLS

/* An AdwPreferencesGroup editing the upload-service-* settings, its secret
 * in the keyring (sd_upload_service_secret_key()). */
GtkWidget  *sd_preferences_upload_group_new       (SdContext  *context);
/* Why the last save was refused, NULL when it was not (for tests). */
const char *sd_preferences_upload_group_get_error (GtkWidget  *group);
/* Types @url, @header and @secret and saves, as the apply button does. */
void        sd_preferences_upload_group_apply     (GtkWidget  *group,
                                                   const char *url,
                                                   const char *header,
                                                   const char *secret);

G_END_DECLS

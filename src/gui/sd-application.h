/* sd-application.h: the Seedance Studio application
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "sd-context.h"

G_BEGIN_DECLS

#define SD_TYPE_APPLICATION (sd_application_get_type ())
G_DECLARE_FINAL_TYPE (SdApplication, sd_application, SD, APPLICATION, AdwApplication)

SdApplication *sd_application_new         (void);
/* NULL until the application was activated. */
SdContext     *sd_application_get_context (SdApplication *self);

G_END_DECLS

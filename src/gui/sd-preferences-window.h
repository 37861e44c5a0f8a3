/* sd-preferences-window.h: service, token, downloads and notifications
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "sd-context.h"

G_BEGIN_DECLS

#define SD_TYPE_PREFERENCES_WINDOW (sd_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (SdPreferencesWindow, sd_preferences_window, SD, PREFERENCES_WINDOW, AdwPreferencesWindow)

/* Properties: "context" (SdContext, construct-only). */
GtkWidget *sd_preferences_window_new (SdContext *context);

G_END_DECLS

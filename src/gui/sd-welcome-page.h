/* sd-welcome-page.h: shown when there is no API token yet
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "sd-context.h"

G_BEGIN_DECLS

#define SD_TYPE_WELCOME_PAGE (sd_welcome_page_get_type ())
G_DECLARE_FINAL_TYPE (SdWelcomePage, sd_welcome_page, SD, WELCOME_PAGE, GtkWidget)

/* Properties: "context" (SdContext).
 * Actions: welcome.save-token, welcome.try-demo.
 * Signals: show-toast (AdwToast *toast). */
GtkWidget *sd_welcome_page_new         (void);
SdContext *sd_welcome_page_get_context (SdWelcomePage *self);
void       sd_welcome_page_set_context (SdWelcomePage *self,
                                        SdContext     *context);

G_END_DECLS

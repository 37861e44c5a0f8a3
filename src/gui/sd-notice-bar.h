/* sd-notice-bar.h: a lasting condition, at the top of the window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define SD_TYPE_NOTICE_BAR (sd_notice_bar_get_type ())
G_DECLARE_FINAL_TYPE (SdNoticeBar, sd_notice_bar, SD, NOTICE_BAR, GtkWidget)

/* An AdwBanner from libadwaita 1.3 on, a revealer with a label and a
 * button before (Debian 12's 1.2); either way with a close button.
 *
 * Properties: "title" (string, plain text: one sentence for the user),
 * "button-label" (string with a mnemonic, NULL: no button), "action-name"
 * (string: what the button activates), "revealed" (boolean).
 *
 * Signals:
 *   dismissed ()   the user closed the bar; it hides itself first */
GtkWidget  *sd_notice_bar_new              (void);
const char *sd_notice_bar_get_title        (SdNoticeBar *self);
const char *sd_notice_bar_get_button_label (SdNoticeBar *self);
const char *sd_notice_bar_get_action_name  (SdNoticeBar *self);
gboolean    sd_notice_bar_get_revealed     (SdNoticeBar *self);
/* Shows @title with a button for @action_name (both NULL: none). */
void        sd_notice_bar_show             (SdNoticeBar *self,
                                            const char  *title,
                                            const char  *button_label,
                                            const char  *action_name);
void        sd_notice_bar_hide             (SdNoticeBar *self);

G_END_DECLS

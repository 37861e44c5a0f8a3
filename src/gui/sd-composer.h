/* sd-composer.h: the request composer (model, prompt, images, ratio, ...)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "sd-context.h"
#include "sd-request.h"
#include "sd-task.h"
#include "sd-uploader.h"

G_BEGIN_DECLS

#define SD_TYPE_COMPOSER (sd_composer_get_type ())
G_DECLARE_FINAL_TYPE (SdComposer, sd_composer, SD, COMPOSER, GtkWidget)

/* Properties: "context" (SdContext, construct), "request" (SdRequest, read-only:
 * the request being composed), "can-generate" (boolean), "blocker" (string:
 * why Generate is disabled, NULL when it is enabled).
 *
 * Actions (gtk_widget_class_install_action): "composer.generate",
 * "composer.paste-images", "composer.focus-prompt", "composer.add-image".
 *
 * What goes wrong before anything is queued is said by the field at fault
 * or next to Generate (a failed Generate stays there until the next edit or
 * try); what happens to a queued task is said on its row, and a refused
 * token pauses the queue (the service's "last-error", in the window's bar).
 *
 * Signals:
 *   submitted  (SdTask *task)        Generate queued a task (the first take
 *                                    of several): waiting, or already sent */
GtkWidget *sd_composer_new          (SdContext  *context);
SdRequest *sd_composer_get_request  (SdComposer *self);
gboolean   sd_composer_get_can_generate (SdComposer *self);
/* Takes: N, how many tasks Generate makes (1–8), in one group. */
void       sd_composer_set_takes        (SdComposer *self,
                                         guint       n_takes);

/* Fills the composer with the settings of @request ("re-use settings"). */
void       sd_composer_load_request (SdComposer *self,
                                     SdRequest  *request);

/* Adds the URLs found in @text (a text/uri-list or plain text from a drop or
 * the clipboard); returns how many were added. Non-URLs are refused with a
 * toast; local files get a toast explaining that the API needs https links. */
guint      sd_composer_add_image_text (SdComposer *self,
                                       const char *text);

/* The link the draft's local file @reference was uploaded to (on add or by
 * the last Generate), NULL when none is done or @reference is a link. */
const char *sd_composer_lookup_link   (SdComposer *self,
                                       const char *reference);

/* The uploader Generate uses (its cache, its privacy state): Import Batch
 * uploads a batch's local files through it too. */
SdUploader *sd_composer_get_uploader  (SdComposer *self);

G_END_DECLS

/* sd-media-row.h: one media link in the composer, with a thumbnail
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "sd-enums.h"
#include "sd-thumbnailer.h"
#include "sd-uploader.h"

G_BEGIN_DECLS

#define SD_TYPE_MEDIA_ROW (sd_media_row_get_type ())
G_DECLARE_FINAL_TYPE (SdMediaRow, sd_media_row, SD, MEDIA_ROW, AdwActionRow)

/* Properties: "url" (string, construct-only), "thumbnailer" (SdThumbnailer,
 * construct-only, NULL: no preview, the "icon-name" is shown), "icon-name"
 * (string, construct-only), "can-move-up", "can-move-down" (boolean).
 *
 * Signals:
 *   move   (int delta)   the user asked to move the row up (-1) or down (+1)
 *   remove ()            the user asked to remove the row
 *
 * The thumbnail download is cancelled when the row is disposed. */
GtkWidget  *sd_media_row_new               (const char    *url,
                                            SdThumbnailer *thumbnailer,
                                            const char    *icon_name);
const char *sd_media_row_get_url           (SdMediaRow    *self);
void        sd_media_row_set_position      (SdMediaRow    *self,
                                            guint          position,
                                            guint          n_items);

/* The problem the row is marked with (error style, accessible
 * description), NULL when none. */
void        sd_media_row_set_problem       (SdMediaRow    *self,
                                            const char    *problem);
const char *sd_media_row_get_problem       (SdMediaRow    *self);

/* Follows @upload (NULL: none): a progress bar and a cancel button while it
 * runs, "Uploaded · until <time>" when done, its error in error style when
 * it failed. */
void        sd_media_row_set_upload        (SdMediaRow    *self,
                                            SdUpload      *upload);
SdUpload   *sd_media_row_get_upload        (SdMediaRow    *self);
/* What a row says of @upload now ("Uploading…", "Uploaded · until <time>",
 * its error), and whether it is still on its way (a cancel button shows). */
char       *sd_media_row_describe_upload   (SdUpload      *upload);
gboolean    sd_media_row_upload_is_running (SdUpload      *upload);
/* The pre-flight status: CHECKING shows a spinner, OK/SKIPPED the @text
 * (the facts) as subtitle, WARNING/REFUSED the @text as problem. */
void        sd_media_row_set_check         (SdMediaRow    *self,
                                            SdMediaCheckState state,
                                            const char    *text);
/* What the row's subtitle says now (file, upload or check status). */
const char *sd_media_row_get_status        (SdMediaRow    *self);

/* Shows @url's preview in @image (48 px): a light placeholder icon while it
 * loads, an asset icon for asset:// IDs, a broken-image icon in error
 * colour with the raw reason as tooltip when it cannot be shown.
 * Cancel @cancellable when @image goes away. */
void        sd_media_row_show_thumbnail    (GtkImage      *image,
                                            SdThumbnailer *thumbnailer,
                                            const char    *url,
                                            GCancellable  *cancellable);

/* Numbers the row: the title "Image 2 · boat.jpg", the buttons named after it. */
void        sd_media_row_set_item_name     (SdMediaRow *self,
                                            const char *item_name);
/* "Image 2" (NULL until numbered), and the readable name ("boat.jpg"). */
const char *sd_media_row_get_item_name     (SdMediaRow *self);
const char *sd_media_row_get_name          (SdMediaRow *self);
/* The short reason the preview failed (also the subtitle while nothing
 * else is said there), NULL when it did not; the raw error is the
 * preview's tooltip. */
const char *sd_media_row_get_preview_problem (SdMediaRow *self);
char       *sd_media_row_describe_preview_error (const GError *error);

G_END_DECLS

/* sd-thumbnail-cache.h: poster frames in the freedesktop thumbnail cache
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum {
  SD_THUMBNAIL_SIZE_NORMAL,  /* at most 128 × 128, thumbnails/normal */
  SD_THUMBNAIL_SIZE_LARGE,   /* at most 256 × 256, thumbnails/large */
} SdThumbnailSize;

int   sd_thumbnail_size_get_pixels       (SdThumbnailSize   size);

char *sd_thumbnail_cache_get_path        (GFile            *file,
                                          SdThumbnailSize   size);
char *sd_thumbnail_cache_get_failed_path (GFile            *file);

char *sd_thumbnail_cache_lookup          (GFile            *file,
                                          SdThumbnailSize   size,
                                          GCancellable     *cancellable);
char *sd_thumbnail_cache_ensure          (GFile            *file,
                                          SdThumbnailSize   size,
                                          GCancellable     *cancellable,
                                          GError          **error);

void  sd_thumbnail_cache_ensure_async    (GFile               *file,
                                          SdThumbnailSize      size,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
char *sd_thumbnail_cache_ensure_finish   (GAsyncResult        *result,
                                          GError             **error);

G_END_DECLS

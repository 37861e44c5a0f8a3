/* sd-frames.h: single frames read from video files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <gio/gio.h>

G_BEGIN_DECLS

#define SD_FRAME_ERROR (sd_frame_error_quark ())

typedef enum {
  SD_FRAME_ERROR_NOT_VIDEO,  /* not a media file, or one without a video stream */
  SD_FRAME_ERROR_DECODE,     /* a video, but damaged or in a format we cannot decode */
  SD_FRAME_ERROR_TOO_LARGE,  /* absurd dimensions, asked or found in the file */
  SD_FRAME_ERROR_TIMEOUT,    /* no frame within the time limit */
} SdFrameError;

GQuark sd_frame_error_quark (void);

typedef enum {
  SD_FRAME_POSITION_FIRST,
  SD_FRAME_POSITION_LAST,
  SD_FRAME_POSITION_AT,      /* at the time given in microseconds */
  SD_FRAME_POSITION_POSTER,  /* two fifths of the way in (past fades and titles);
                              * the first frame when the length is unknown */
} SdFramePosition;

/* The largest frame read from a file, and the largest asked for. */
#define SD_FRAME_MAX_SOURCE_SIDE 16384
#define SD_FRAME_MAX_SIDE        4096
/* How long one read may take, all steps together. */
#define SD_FRAME_TIMEOUT_USEC    (10 * G_USEC_PER_SEC)

GdkPixbuf *sd_frame_read        (GFile               *video,
                                 SdFramePosition      position,
                                 gint64               time_usec,
                                 int                  max_width,
                                 int                  max_height,
                                 GCancellable        *cancellable,
                                 GError             **error);

void       sd_frame_read_async  (GFile               *video,
                                 SdFramePosition      position,
                                 gint64               time_usec,
                                 int                  max_width,
                                 int                  max_height,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data);
GdkPixbuf *sd_frame_read_finish (GAsyncResult        *result,
                                 GError             **error);

G_END_DECLS

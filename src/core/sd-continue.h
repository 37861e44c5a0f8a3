/* sd-continue.h: a new request that starts from a task's last frame
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "sd-catalog.h"
#include "sd-request.h"
#include "sd-task.h"
#include "sd-uploader.h"

G_BEGIN_DECLS

#define SD_CONTINUE_ERROR (sd_continue_error_quark ())

typedef enum {
  SD_CONTINUE_ERROR_NO_VIDEO,        /* not completed, or no saved video on disk */
  SD_CONTINUE_ERROR_NO_FIRST_FRAME,  /* the model (or every model) takes no first frame */
  SD_CONTINUE_ERROR_FRAME,           /* the last frame could not be read or saved */
} SdContinueError;

GQuark      sd_continue_error_quark    (void);

/* TRUE when @model takes a first frame alone as an https:// link (what an
 * uploaded frame is): frames not refused, no last frame required. */
gboolean    sd_continue_model_takes_first_frame (SdModel *model);

/* The model a continuation of @task uses: @wanted_id when given (NULL when
 * it takes no first frame), else the task's model when it takes one, else
 * the nearest that does (same family first, then the same resolution, then
 * catalogue order). Transfer none; NULL when none does. */
SdModel    *sd_continue_pick_model     (SdCatalog  *catalog,
                                        SdRequest  *parent,
                                        const char *wanted_id);

/* Where the last frame of @task_id is kept:
 * $XDG_CACHE_HOME/seedance-studio/frames/<task id>.png (the id made safe
 * for a file name). */
char       *sd_continue_frame_path     (const char *task_id);

/* For a completed @task with a saved video: reads its last frame (full
 * size up to SD_FRAME_MAX_SIDE), saves it as PNG at
 * sd_continue_frame_path(), uploads it through @uploader (its cache: the
 * same frame is sent once) and builds the request: first/last-frame mode
 * with the link as first image, the model of sd_continue_pick_model(), the
 * same ratio (and resolution when the model takes it), an empty prompt.
 * @uploader NULL: nothing is uploaded, the first image is the saved PNG's
 * file:// URI (a local file, which the caller uploads as any other). */
void        sd_continue_prepare_async  (SdTask              *task,
                                        SdCatalog           *catalog,
                                        SdUploader          *uploader,
                                        const char          *model_id,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
/* The request, or NULL with an SD_CONTINUE_ERROR (or the uploader's
 * SD_UPLOAD_ERROR). @model_note (optional): when another model than the
 * parent's was chosen, a sentence saying so, e.g. "Fast I2V takes no first
 * frame; Fast Frames is used.", else NULL. */
SdRequest  *sd_continue_prepare_finish (GAsyncResult        *result,
                                        char               **model_note,
                                        GError             **error);

G_END_DECLS

/* sd-batch-upload.h: a batch's local files become links before it is sent
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "sd-batch.h"
#include "sd-uploader.h"

G_BEGIN_DECLS

/* @done of @total distinct files have their link. */
typedef void (*SdBatchUploadProgress) (guint    done,
                                       guint    total,
                                       gpointer user_data);

/* The distinct local files the valid lines of @batch name. */
guint     sd_batch_count_local_files (SdBatch *batch);

/* Every valid line naming local files has them uploaded through @uploader
 * (or taken from its cache: a file named on many lines goes once) and
 * replaced by their links, one line after another. A line whose upload
 * fails gets a problem naming the file and why (so it is invalid), and the
 * others go on; when the server takes no uploads at all, or the upload
 * service is not usable (SD_UPLOAD_ERROR_UNSUPPORTED, _SERVICE), every line
 * still naming local files gets that problem and the finish gives the
 * error. @progress (may be NULL) runs on the main context as files end. */
void      sd_batch_upload_async      (SdBatch               *batch,
                                      SdUploader            *uploader,
                                      GCancellable          *cancellable,
                                      SdBatchUploadProgress  progress,
                                      gpointer               progress_data,
                                      GAsyncReadyCallback    callback,
                                      gpointer               user_data);
/* TRUE when no line stopped the uploads (@n_failed lines failed each on
 * its own); FALSE with G_IO_ERROR_CANCELLED, or the error that stopped
 * them all. */
gboolean  sd_batch_upload_finish     (SdBatch       *batch,
                                      GAsyncResult  *result,
                                      guint         *n_failed,
                                      GError       **error);

G_END_DECLS

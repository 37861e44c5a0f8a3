/* sd-task-row-private.h: what sd-task-row.c and sd-task-row-text.c share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "sd-task-row.h"

G_BEGIN_DECLS

char *_sd_task_row_format_prompt    (SdRequest       *request);
char *_sd_task_row_format_failure   (const char      *message);
char *_sd_task_row_format_meta      (SdTaskStatus     status,
                                     int              progress,
                                     gint64           created_at,
                                     SdRequest       *request,
                                     const char      *model_name,
                                     gint64           now);
char *_sd_task_row_format_attention (const char      *local_file,
                                     gint64           expires_at,
                                     SdDownloadState  state,
                                     const char      *download_error,
                                     gint64           now);

G_END_DECLS

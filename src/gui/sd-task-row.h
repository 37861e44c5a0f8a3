/* sd-task-row.h: one task in the results list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "sd-task.h"

G_BEGIN_DECLS

#define SD_TYPE_TASK_ROW (sd_task_row_get_type ())
G_DECLARE_FINAL_TYPE (SdTaskRow, sd_task_row, SD, TASK_ROW, GtkWidget)

/* Properties: "task" (SdTask), "model-name" (string, read-only: the model's
 * display name once the row is in a window), "now" (int64, read-only: the
 * clock the row's countdowns are computed against).
 *
 * Actions: row.play, row.open, row.show-in-folder, row.download,
 * row.copy-link, row.reuse, row.remove. */
GtkWidget *sd_task_row_new      (void);
SdTask    *sd_task_row_get_task (SdTaskRow *self);
void       sd_task_row_set_task (SdTaskRow *self,
                                 SdTask    *task);

G_END_DECLS

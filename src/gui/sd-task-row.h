/* sd-task-row.h: one task in the results list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "sd-catalog.h"
#include "sd-poster-loader.h"
#include "sd-task.h"

G_BEGIN_DECLS

#define SD_TYPE_TASK_ROW (sd_task_row_get_type ())
G_DECLARE_FINAL_TYPE (SdTaskRow, sd_task_row, SD, TASK_ROW, GtkWidget)

/* Properties: "task" (SdTask), "catalog" (SdCatalog: where the model's
 * name is looked up), "model-name" (string, read-only: the model's display
 * name, its id when the catalog does not know it), "now" (int64, read-only:
 * the clock the row's countdowns are computed against).
 *
 * Actions: row.play, row.open, row.show-in-folder, row.download,
 * row.copy-link, row.reuse, row.remove; each activates the matching
 * win.play-task, win.open-task, win.show-task-in-folder, win.download-task,
 * win.copy-task-link, win.reuse-task or win.remove-task with the task id
 * ("s") for its window to do. */
GtkWidget *sd_task_row_new      (void);
SdTask    *sd_task_row_get_task (SdTaskRow *self);
void       sd_task_row_set_task (SdTaskRow *self,
                                 SdTask    *task);
SdCatalog *sd_task_row_get_catalog (SdTaskRow *self);
void       sd_task_row_set_catalog (SdTaskRow *self,
                                    SdCatalog *catalog);
void       sd_task_row_set_poster_loader (SdTaskRow      *self,
                                          SdPosterLoader *loader);

G_END_DECLS

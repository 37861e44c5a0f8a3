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
 * "favourite" (boolean: the task's star; setting it activates
 * win.toggle-favourite-task).
 *
 * Actions: row.play, row.open, row.show-in-folder, row.download,
 * row.copy-link, row.reuse, row.continue, row.remove, row.details; each
 * activates the matching win.play-task, win.open-task,
 * win.show-task-in-folder, win.download-task, win.copy-task-link,
 * win.reuse-task, win.continue-task, win.remove-task or
 * win.show-task-details with the task id ("s") for its window to do.
 * row.favourite (stateful) is the star; row.popup-menu opens the row's
 * menu (Shift+F10 and the Menu key reach the focused list item, not the
 * row: the list activates it).
 *
 * The list item is the row's one Tab stop: no child takes the focus. */
GtkWidget *sd_task_row_new      (void);
SdTask    *sd_task_row_get_task (SdTaskRow *self);
void       sd_task_row_set_task (SdTaskRow *self,
                                 SdTask    *task);
SdCatalog *sd_task_row_get_catalog (SdTaskRow *self);
void       sd_task_row_set_catalog (SdTaskRow *self,
                                    SdCatalog *catalog);
void       sd_task_row_set_poster_loader (SdTaskRow      *self,
                                          SdPosterLoader *loader);
const char *sd_task_row_get_status_word (SdTaskStatus status);

G_END_DECLS

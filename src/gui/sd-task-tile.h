/* sd-task-tile.h: one task in the grid of poster frames
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "sd-poster-loader.h"
#include "sd-task.h"

G_BEGIN_DECLS

#define SD_TYPE_TASK_TILE (sd_task_tile_get_type ())
G_DECLARE_FINAL_TYPE (SdTaskTile, sd_task_tile, SD, TASK_TILE, GtkWidget)

/* The poster frame of a saved take (its status icon until then, and for
 * the others) above its prompt on one line; named for a screen reader
 * like a row. */
GtkWidget *sd_task_tile_new      (SdPosterLoader *loader);
SdTask    *sd_task_tile_get_task (SdTaskTile     *self);
void       sd_task_tile_set_task (SdTaskTile     *self,
                                  SdTask         *task);

G_END_DECLS

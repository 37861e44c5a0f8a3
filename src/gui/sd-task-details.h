/* sd-task-details.h: everything about one task, beside the results
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "sd-context.h"
#include "sd-task.h"

G_BEGIN_DECLS

#define SD_TYPE_TASK_DETAILS (sd_task_details_get_type ())
G_DECLARE_FINAL_TYPE (SdTaskDetails, sd_task_details, SD, TASK_DETAILS, GtkWidget)

/* Properties: "task" (SdTask, NULL: nothing shown), "context" (SdContext:
 * the catalogue for model names, the service's tasks for continuations,
 * the client's session for reference thumbnails).
 *
 * Each value has a widget name of its field ("prompt", "task-id",
 * "model", "submitted", "finished", "expires", "file", "estimate",
 * "command", …) so that tests and the accessibility tree can find it;
 * the field's title labels it.
 *
 * Actions: details.copy-prompt, details.copy-id, details.copy-command,
 * details.open, details.show-in-folder; each activates win.copy-task-prompt,
 * win.copy-task-id, win.copy-task-command, win.open-task or
 * win.show-task-in-folder with the task id ("s"). Links to other tasks
 * activate win.select-task. */
GtkWidget *sd_task_details_new         (SdContext     *context);
SdTask    *sd_task_details_get_task    (SdTaskDetails *self);
void       sd_task_details_set_task    (SdTaskDetails *self,
                                        SdTask        *task);
/* The text shown for @field (a widget name above), NULL when not shown. */
const char *sd_task_details_get_field  (SdTaskDetails *self,
                                        const char    *field);

G_END_DECLS

/* sd-task-row-test.h: what the tests and benchmarks look at inside a row
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "sd-task-row.h"

G_BEGIN_DECLS

GtkWidget *sd_task_row_get_part (SdTaskRow  *self,
                                 const char *name);

G_END_DECLS

/* sd-window-private.h: what the window's files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "sd-window.h"

G_BEGIN_DECLS

/* sd-window-actions.c: the win.*-task actions the result rows activate,
 * each with the task id as its "s" parameter. */
void _sd_window_class_install_task_actions (GtkWidgetClass *widget_class);

G_END_DECLS

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

/* sd-window-history.c: the search bar, the filter menu ("history.*"
 * actions) and the store's answer to them. */
typedef struct _SdWindowHistory SdWindowHistory;

SdWindowHistory *_sd_window_history_new       (SdWindow        *window,
                                               AdwToastOverlay *overlay,
                                               GtkStack        *results_stack,
                                               GtkWidget       *list_view);
void             _sd_window_history_free      (SdWindowHistory *self);
gboolean         _sd_window_history_is_active (SdWindowHistory *self);
gboolean         _sd_window_history_is_loading (SdWindowHistory *self);
GListModel      *_sd_window_history_get_matches (SdWindowHistory *self);
void             _sd_window_history_load_more (SdWindowHistory *self);
void             _sd_window_history_refresh   (SdWindowHistory *self);
void             _sd_window_history_clear     (SdWindowHistory *self);
void             _sd_window_history_find      (SdWindowHistory *self);

/* sd-window.c, for sd-window-history.c: NULL once disposed. */
SdWindowHistory *_sd_window_get_history        (SdWindow *self);
/* The list shows the matches (TRUE) or the service's tasks. */
void             _sd_window_history_set_active (SdWindow *self,
                                                gboolean  active);
/* The matches changed: the results page follows. */
void             _sd_window_history_changed    (SdWindow *self);

/* sd-window-continue.c: win.continue-task and win.select-task ("s"), and
 * the link of a task made from a continued one's last frame. */
void _sd_window_class_install_continue_actions (GtkWidgetClass *widget_class);
void _sd_window_note_submitted                 (SdWindow       *self,
                                                SdTask         *task);

G_END_DECLS

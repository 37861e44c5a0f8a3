/* sd-video-window.h: plays a task's video inside the app
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "sd-task.h"

G_BEGIN_DECLS

#define SD_TYPE_VIDEO_WINDOW (sd_video_window_get_type ())
G_DECLARE_FINAL_TYPE (SdVideoWindow, sd_video_window, SD, VIDEO_WINDOW, AdwWindow)

/* Plays the saved file of @task, or its link when it was not saved; says
 * why when neither plays. @tasks (nullable) is the list next and previous
 * walk. */
GtkWidget *sd_video_window_new (SdTask     *task,
                                GListModel *tasks);

G_END_DECLS

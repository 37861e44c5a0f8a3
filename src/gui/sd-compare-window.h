/* sd-compare-window.h: takes side by side, played together
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "sd-task.h"

G_BEGIN_DECLS

#define SD_TYPE_COMPARE_WINDOW (sd_compare_window_get_type ())
G_DECLARE_FINAL_TYPE (SdCompareWindow, sd_compare_window, SD, COMPARE_WINDOW, AdwWindow)

/* How far a follower may drift from the leader before it is sought. */
#define SD_COMPARE_MAX_DRIFT_USEC (100 * 1000)
#define SD_COMPARE_MIN_TAKES 2
#define SD_COMPARE_MAX_TAKES 4

/* @tasks (element-type SdTask): 2 to 4 completed tasks with saved videos.
 * The first stream is the clock; the others follow it. Space plays and
 * pauses all, Left/Right seek all by 5 s, Escape closes; "Keep" under a
 * take marks its task a favourite. */
GtkWidget      *sd_compare_window_new              (GPtrArray *tasks);
/* The same with the streams given (one per task), for tests. */
GtkWidget      *sd_compare_window_new_with_streams (GPtrArray *tasks,
                                                    GPtrArray *streams);
GtkMediaStream *sd_compare_window_get_leader       (SdCompareWindow *self);
/* Seeks every take to @timestamp (µs). */
void            sd_compare_window_seek             (SdCompareWindow *self,
                                                    gint64           timestamp);

G_END_DECLS

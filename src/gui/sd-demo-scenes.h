/* sd-demo-scenes.h: the screenshot scenes and the first-frame report
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "sd-window.h"

G_BEGIN_DECLS

/* Hooks for the tools that drive the app from outside, each switched on by
 * an environment variable; without it they do nothing:
 *
 *   SEEDANCE_STUDIO_REPORT_FIRST_FRAME=1     print "first-frame <µs> <µs>"
 *     (the process's age and CPU time) once the window painted its first frame
 *     (bench/startup.py); with SEEDANCE_STUDIO_EXIT_AFTER_FIRST_FRAME=1 the
 *     application then quits.
 *   SEEDANCE_STUDIO_SCREENSHOT_SCENE=NAME    demo mode only: put the window
 *     in a prepared state for the screenshots of the documentation
 *     ("composer", "results" or "dark"; build-aux/render-screenshots.sh).
 *
 * This is the one GUI file besides the demo start-up that drives the
 * simulator (its clock and sample pictures). */

/* Call when @window is made, before it is shown. */
void sd_demo_scenes_watch_first_frame (GApplication *application,
                                       SdWindow     *window);

/* Call once the window's context has started. */
void sd_demo_scenes_run               (SdWindow     *window);

G_END_DECLS

/* sd-first-frame.h: the "first-frame" line of the start-up benchmark
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Prints "first-frame <µs since process start> <µs of CPU>": the process's
 * age from the kernel's start time of it (/proc/self/stat against
 * CLOCK_BOOTTIME, so that loading the libraries counts too) and the CPU
 * time of all its threads. bench/minimal-window prints it the same way,
 * from this file, for bench/startup.py. */
void sd_first_frame_report (void);

G_END_DECLS

/* sd-first-frame.c: the "first-frame" line of the start-up benchmark
 *
 * Compiled into the app and into bench/minimal-window, so that both are
 * measured the same way; GLib only.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-first-frame"

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sd-first-frame.h"

static gint64
get_process_age_usec (void)
{
  g_autofree char *stat = NULL;
  unsigned long long start_ticks = 0;
  struct timespec now;
  const char *field;

  if (!g_file_get_contents ("/proc/self/stat", &stat, NULL, NULL) ||
      (field = strrchr (stat, ')')) == NULL)
    return -1;

  /* starttime is field 22; each step lands on the space before field i. */
  for (guint i = 3; i <= 22 && field != NULL; i++)
    field = strchr (field + 1, ' ');
  if (field == NULL || sscanf (field, " %llu", &start_ticks) != 1 ||
      clock_gettime (CLOCK_BOOTTIME, &now) != 0)
    return -1;

  return (gint64) now.tv_sec * G_USEC_PER_SEC + now.tv_nsec / 1000
         - (gint64) (start_ticks * G_USEC_PER_SEC / (unsigned long long) sysconf (_SC_CLK_TCK));
}

/* On a loaded machine the CPU time varies less than the age. */
static gint64
get_process_cpu_usec (void)
{
  struct timespec cpu;

  if (clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &cpu) != 0)
    return -1;
  return (gint64) cpu.tv_sec * G_USEC_PER_SEC + cpu.tv_nsec / 1000;
}

void
sd_first_frame_report (void)
{
  g_print ("first-frame %" G_GINT64_FORMAT " %" G_GINT64_FORMAT "\n",
           get_process_age_usec (), get_process_cpu_usec ());
  fflush (stdout);
}

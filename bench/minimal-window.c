/* minimal-window.c: the smallest libadwaita application with a window, the
 * reference the app's start-up is measured against
 *
 * Prints "first-frame <µs since process start> <µs of CPU>" after its first
 * frame is painted, measured exactly as the app does it (the kernel's start
 * time of the process from /proc/self/stat against CLOCK_BOOTTIME, and the
 * CPU time of all its threads), then quits.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "minimal-window"

#include "config.h"

#include <adwaita.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

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

  for (guint i = 3; i <= 22 && field != NULL; i++)
    field = strchr (field + 1, ' ');
  if (field == NULL || sscanf (field, " %llu", &start_ticks) != 1 ||
      clock_gettime (CLOCK_BOOTTIME, &now) != 0)
    return -1;

  return (gint64) now.tv_sec * G_USEC_PER_SEC + now.tv_nsec / 1000
         - (gint64) (start_ticks * G_USEC_PER_SEC / (unsigned long long) sysconf (_SC_CLK_TCK));
}

static gint64
get_process_cpu_usec (void)
{
  struct timespec cpu;

  if (clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &cpu) != 0)
    return -1;
  return (gint64) cpu.tv_sec * G_USEC_PER_SEC + cpu.tv_nsec / 1000;
}

static void
on_after_paint_cb (GdkFrameClock  *clock,
                   GtkApplication *app)
{
  g_signal_handlers_disconnect_by_func (clock, on_after_paint_cb, app);
  g_print ("first-frame %" G_GINT64_FORMAT " %" G_GINT64_FORMAT "\n",
           get_process_age_usec (), get_process_cpu_usec ());
  fflush (stdout);
  g_application_quit (G_APPLICATION (app));
}

static void
on_realize_cb (GtkWidget      *window,
               GtkApplication *app)
{
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint",
                    G_CALLBACK (on_after_paint_cb), app);
}

static void
on_activate_cb (GtkApplication *app)
{
  GtkWidget *window = adw_application_window_new (app);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  gtk_box_append (GTK_BOX (box), gtk_label_new ("Hello"));
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), box);
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 640);
  g_signal_connect (window, "realize", G_CALLBACK (on_realize_cb), app);
  gtk_window_present (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(AdwApplication) app =
    adw_application_new ("io.github.seedancestudio.MinimalWindow",
                         G_APPLICATION_NON_UNIQUE);

  g_signal_connect (app, "activate", G_CALLBACK (on_activate_cb), NULL);
  return g_application_run (G_APPLICATION (app), argc, argv);
}

/* minimal-window.c: the smallest libadwaita application with a window, the
 * reference the app's start-up is measured against
 *
 * Prints "first-frame <µs since process start> <µs of CPU>" after its first
 * frame is painted, with the app's own code (src/gui/sd-first-frame.c),
 * then quits.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "minimal-window"

#include "config.h"

#include <adwaita.h>

#include "sd-first-frame.h"

static void
on_after_paint_cb (GdkFrameClock  *clock,
                   GtkApplication *app)
{
  g_signal_handlers_disconnect_by_func (clock, on_after_paint_cb, app);
  sd_first_frame_report ();
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

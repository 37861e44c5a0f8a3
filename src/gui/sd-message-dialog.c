/* sd-message-dialog.c: message dialogs whose heading measures cleanly
 *
 * AdwMessageDialog shows its heading in one of two labels: a large one that
 * never wraps, while it fits, else a small one that wraps. Its heading box
 * claims the smaller of the two labels' minimum widths and then measures
 * both for any width it is offered, so one of them is always measured
 * narrower than it can be (libadwaita up to 1.7): the large label for any
 * width below its one line, the small one below its widest letter. GTK 4.18
 * warns each time ("Trying to measure GtkLabel … for width of N, but it
 * needs at least M"), many times per layout.
 *
 * Both labels get the same minimum width here, well under the narrowest
 * dialog, and the large one may shrink to it (with an ellipsis). Nothing
 * changes on screen: the dialog still shows the large label only when its
 * one line fits, and the narrowest dialog is wider than that minimum.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-message-dialog"

#include "config.h"

#include "sd-message-dialog.h"

/* Far below the 300 px a message dialog is at least, less its margins. */
#define HEADING_MIN_WIDTH 120

static void
set_heading_min_width (GtkWidget *heading_bin)
{
  for (GtkWidget *child = gtk_widget_get_first_child (heading_bin); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (!GTK_IS_LABEL (child))
        continue;
      if (!gtk_label_get_wrap (GTK_LABEL (child)))
        gtk_label_set_ellipsize (GTK_LABEL (child), PANGO_ELLIPSIZE_END);
      gtk_widget_set_size_request (child, HEADING_MIN_WIDTH, -1);
    }
}

static gboolean
find_heading_bin (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (gtk_widget_has_css_class (child, "heading-bin"))
        {
          g_debug ("Giving the heading labels in %s %p one minimum width",
                   G_OBJECT_TYPE_NAME (child), (gpointer) child);
          set_heading_min_width (child);
          return TRUE;
        }
      if (find_heading_bin (child))
        return TRUE;
    }
  return FALSE;
}

/**
 * sd_message_dialog_new:
 * @parent: (nullable): the window the dialog is for
 * @heading: (nullable): the dialog's heading
 * @body: (nullable): the dialog's text
 *
 * An #AdwMessageDialog, as adw_message_dialog_new() makes it, whose heading
 * can be measured for any width it offers without a warning.
 *
 * Returns: (transfer none): the dialog, owned by GTK like every window
 */
GtkWidget *
sd_message_dialog_new (GtkWindow  *parent,
                       const char *heading,
                       const char *body)
{
  GtkWidget *dialog = adw_message_dialog_new (parent, heading, body);

  if (!find_heading_bin (dialog))
    g_debug ("This libadwaita's message dialog has no heading box to fix");
  return dialog;
}

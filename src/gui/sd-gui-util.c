/* sd-gui-util.c: small helpers the widgets share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-gui-util"

#include "config.h"

#include "sd-gui-util.h"

void
sd_gui_label_add_line (GtkLabel   *label,
                       const char *line)
{
  g_return_if_fail (GTK_IS_LABEL (label));
  g_return_if_fail (line != NULL);

  if (gtk_widget_get_visible (GTK_WIDGET (label)))
    {
      g_autofree char *text = g_strconcat (gtk_label_get_text (label), "\n", line, NULL);

      gtk_label_set_text (label, text);
    }
  else
    {
      gtk_label_set_text (label, line);
      gtk_widget_set_visible (GTK_WIDGET (label), TRUE);
    }
}

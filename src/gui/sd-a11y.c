/* sd-a11y.c: names for the buttons libadwaita builds inside its rows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-a11y"

#include "config.h"

#include "sd-a11y.h"

static void
name_buttons (GtkWidget  *widget,
              const char *apply_label,
              const char *reveal_label)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_BUTTON (child))
        {
          const char *icon = gtk_button_get_icon_name (GTK_BUTTON (child));
          /* the reveal button shows an eye; the apply button a check mark */
          gboolean reveal = icon != NULL && g_str_has_prefix (icon, "view-");
          const char *label = reveal ? reveal_label : apply_label;

          if (label != NULL)
            gtk_accessible_update_property (GTK_ACCESSIBLE (child),
                                            GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
          continue;
        }
      if (!GTK_IS_TEXT (child))
        name_buttons (child, apply_label, reveal_label);
    }
}

void
sd_a11y_name_entry_row_buttons (AdwEntryRow *row,
                                const char  *apply_label,
                                const char  *reveal_label)
{
  g_return_if_fail (ADW_IS_ENTRY_ROW (row));

  name_buttons (GTK_WIDGET (row), apply_label, reveal_label);
}

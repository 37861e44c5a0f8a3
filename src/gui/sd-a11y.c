/* sd-a11y.c: names for the buttons libadwaita builds inside its rows and toasts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-a11y"

#include "config.h"

#include <glib/gi18n.h>

#include "sd-a11y.h"

#define TOAST_OBSERVER_KEY "sd-a11y-toast-observer"

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

/* A toast's only icon button is its close button; the action button has
 * a label of its own. */
static void
name_close_buttons (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_BUTTON (child) && gtk_button_get_icon_name (GTK_BUTTON (child)) != NULL)
        gtk_accessible_update_property (GTK_ACCESSIBLE (child),
                                        GTK_ACCESSIBLE_PROPERTY_LABEL, _("Dismiss"), -1);
      else
        name_close_buttons (child);
    }
}

/* The toast widget is libadwaita's private type, made when its toast
 * shows (at once, or when the ones queued before it have gone). */
static void
on_overlay_children_changed_cb (GListModel *children,
                                guint       position,
                                guint       removed,
                                guint       added)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(GtkWidget) child = g_list_model_get_item (children, i);

      if (g_str_equal (G_OBJECT_TYPE_NAME (child), "AdwToastWidget"))
        {
          g_debug ("Naming the close button of a toast");
          name_close_buttons (child);
        }
    }
}

static void
on_overlay_destroy_cb (GtkWidget *overlay)
{
  g_object_set_data (G_OBJECT (overlay), TOAST_OBSERVER_KEY, NULL);
}

static void
observe_toasts (GtkWidget *overlay)
{
  GListModel *children;

  if (g_object_get_data (G_OBJECT (overlay), TOAST_OBSERVER_KEY) != NULL)
    return;

  /* A toast overlay has two or three children: watching them costs
   * nothing worth saying. The watch ends with the overlay. */
  children = gtk_widget_observe_children (overlay);
  g_signal_connect (children, "items-changed", G_CALLBACK (on_overlay_children_changed_cb), NULL);
  g_object_set_data_full (G_OBJECT (overlay), TOAST_OBSERVER_KEY, children, g_object_unref);
  g_signal_connect (overlay, "destroy", G_CALLBACK (on_overlay_destroy_cb), NULL);
  on_overlay_children_changed_cb (children, 0, 0, g_list_model_get_n_items (children));
}

void
sd_a11y_name_toast_buttons (GtkWidget *root)
{
  g_return_if_fail (GTK_IS_WIDGET (root));

  if (ADW_IS_TOAST_OVERLAY (root))
    observe_toasts (root);
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    sd_a11y_name_toast_buttons (child);
}

/* sd-a11y.c: names for the buttons GTK and libadwaita name twice or not at all
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-a11y"

#include "config.h"

#include "sd-a11y.h"

#define NAME_KEY "sd-a11y-name"

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

/* A toast's only icon button is its close button (the action button has
 * a label of its own), and so is a search bar's. */
void
sd_a11y_name_close_buttons (GtkWidget  *widget,
                            const char *label)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_BUTTON (child) && gtk_button_get_icon_name (GTK_BUTTON (child)) != NULL)
        gtk_accessible_update_property (GTK_ACCESSIBLE (child),
                                        GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
      else if (!GTK_IS_EDITABLE (child))
        sd_a11y_name_close_buttons (child, label);
    }
}

/* Text buttons and rows named twice */

char *
sd_a11y_strip_mnemonic (const char *label)
{
  GString *text = g_string_new (NULL);

  g_return_val_if_fail (label != NULL, NULL);

  for (const char *p = label; *p != '\0'; p++)
    if (*p != '_' || (p[1] == '_' && *++p != '\0'))
      g_string_append_c (text, *p);
  return g_string_free (text, FALSE);
}

/* An accessible name is the "label" property followed by the names of
 * what the widget is labelled by. GTK 4.8 names a text button by its
 * label child, and also copies the text as given (with its mnemonic)
 * into the property: "_Compare Compare"; a name set on purpose is
 * followed by the visible text. libadwaita 1.2 names an entry row or a
 * combo row by two labels that both show its title: "Ratio Ratio". So
 * such a widget keeps one name, in the property: the one given on
 * purpose, else the visible text (again when it changes); the relation
 * goes. GTK has no getter for an accessible property but its test
 * functions, which read it. The name this file gave is kept on the widget
 * (NAME_KEY) to tell it from one given on purpose. */
static gboolean
has_label_property (GtkAccessible *accessible,
                    const char    *text)
{
  g_autofree char *mismatch = NULL;

  if (text == NULL)
    return FALSE;
  mismatch = gtk_test_accessible_check_property (accessible, GTK_ACCESSIBLE_PROPERTY_LABEL, text);
  return mismatch == NULL;
}

/* @copy: the text GTK copies into the property (NULL: it copies none);
 * @visible: the text the widget shows. */
static void
name_once (GtkWidget  *widget,
           const char *copy,
           const char *visible)
{
  GtkAccessible *accessible = GTK_ACCESSIBLE (widget);
  const char *given = g_object_get_data (G_OBJECT (widget), NAME_KEY);

  if (!gtk_test_accessible_has_property (accessible, GTK_ACCESSIBLE_PROPERTY_LABEL) ||
      has_label_property (accessible, copy) || has_label_property (accessible, given))
    {
      gtk_accessible_update_property (accessible, GTK_ACCESSIBLE_PROPERTY_LABEL, visible, -1);
      g_object_set_data_full (G_OBJECT (widget), NAME_KEY, g_strdup (visible), g_free);
    }
  gtk_accessible_reset_relation (accessible, GTK_ACCESSIBLE_RELATION_LABELLED_BY);
}

static void
on_named_widget_notify_cb (GtkWidget  *widget,
                           GParamSpec *pspec,
                           gpointer    user_data)
{
  if (GTK_IS_BUTTON (widget))
    {
      GtkButton *button = GTK_BUTTON (widget);
      GtkWidget *child = gtk_button_get_child (button);

      /* a button of GTK 4.8 with a text label has the property set */
      if (gtk_button_get_label (button) != NULL && GTK_IS_LABEL (child) &&
          gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL))
        name_once (widget, gtk_button_get_label (button), gtk_label_get_text (GTK_LABEL (child)));
      return;
    }

  if (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)) != NULL)
    {
      g_autofree char *title = NULL;

      title = adw_preferences_row_get_use_underline (ADW_PREFERENCES_ROW (widget))
              ? sd_a11y_strip_mnemonic (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)))
              : g_strdup (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)));
      if (*title != '\0')
        name_once (widget, NULL, title);
    }
}

static gboolean
on_widget_mapped_hook (GSignalInvocationHint *hint,
                       guint                  n_param_values,
                       const GValue          *param_values,
                       gpointer               user_data)
{
  GObject *widget = g_value_get_object (&param_values[0]);
  const char *property;

  /* every widget's map comes here: the type first, it is the cheap test */
  if (GTK_IS_BUTTON (widget))
    property = "notify::label";
  else if (ADW_IS_ENTRY_ROW (widget) || ADW_IS_COMBO_ROW (widget))
    property = "notify::title";
  else
    return TRUE;
  if (g_object_get_data (widget, NAME_KEY) != NULL)
    return TRUE;

  g_object_set_data_full (widget, NAME_KEY, g_strdup (""), g_free);
  g_signal_connect_after (widget, property, G_CALLBACK (on_named_widget_notify_cb), NULL);
  on_named_widget_notify_cb (GTK_WIDGET (widget), NULL, NULL);
  return TRUE;
}

void
sd_a11y_name_once (void)
{
  static gsize installed = 0;

  if (g_once_init_enter (&installed))
    {
      /* the signal exists once the class does */
      gpointer klass = g_type_class_ref (GTK_TYPE_WIDGET);

      g_signal_add_emission_hook (g_signal_lookup ("map", GTK_TYPE_WIDGET), 0,
                                  on_widget_mapped_hook, NULL, NULL);
      g_type_class_unref (klass);
      g_once_init_leave (&installed, 1);
    }
}

/* sd-model-picker.c: the drop-down that chooses the composer's model
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-model-picker"

#include "config.h"

#include <glib/gi18n.h>

#include "sd-model-picker.h"

struct _SdModelPicker
{
  GtkWidget    parent_instance;

  GtkDropDown *dropdown;
};

G_DEFINE_FINAL_TYPE (SdModelPicker, sd_model_picker, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_MODELS,
  PROP_SELECTED_MODEL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static char *
model_title (SdModel *model)
{
  const char *family = sd_model_get_family_name (model);
  const char *name = sd_model_get_display_name (model);

  /* "MD · MD Fast" says MD twice: the name alone is enough */
  if (family == NULL || g_str_has_prefix (name, family))
    return g_strdup (name);
  /* TRANSLATORS: model family, then model name, e.g. "MD · MD Fast" */
  return g_strdup_printf (_("%s · %s"), family, name);
}

static char *
model_subtitle (SdModel *model)
{
  const char *output = sd_model_get_output (model);

  if (sd_model_get_billing (model) == SD_BILLING_PER_SECOND)
    /* TRANSLATORS: billing and output quality, e.g. "per second · 720p" */
    return g_strdup_printf (_("per second · %s"), output != NULL ? output : "");
  /* TRANSLATORS: billing and output quality, e.g. "per task · 720p" */
  return g_strdup_printf (_("per task · %s"), output != NULL ? output : "");
}

static void
setup_button_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_list_item_set_child (item, label);
}

static void
bind_button_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  user_data)
{
  SdModel *model = gtk_list_item_get_item (item);
  g_autofree char *title = model_title (model);
  g_autofree char *subtitle = model_subtitle (model);
  g_autofree char *text = NULL;

  /* Translators: a model's name, then its billing and output,
   * e.g. "Fast I2V (per task · 720p)". */
  text = g_strdup_printf (_("%s (%s)"), title, subtitle);

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)), text);
}

static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title = gtk_label_new (NULL);
  GtkWidget *subtitle = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_xalign (GTK_LABEL (subtitle), 0);
  gtk_widget_add_css_class (subtitle, "dim-label");
  gtk_widget_add_css_class (subtitle, "caption");
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), subtitle);
  gtk_list_item_set_child (item, box);
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             gpointer                  user_data)
{
  SdModel *model = gtk_list_item_get_item (item);
  GtkWidget *box = gtk_list_item_get_child (item);
  g_autofree char *title = model_title (model);
  g_autofree char *subtitle = model_subtitle (model);

  gtk_label_set_text (GTK_LABEL (gtk_widget_get_first_child (box)), title);
  gtk_label_set_text (GTK_LABEL (gtk_widget_get_last_child (box)), subtitle);
}

static void
on_selected_cb (SdModelPicker *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_MODEL]);
}

void
sd_model_picker_set_models (SdModelPicker *self,
                            GListModel    *models)
{
  g_return_if_fail (SD_IS_MODEL_PICKER (self));
  g_return_if_fail (models == NULL || G_IS_LIST_MODEL (models));

  if (gtk_drop_down_get_model (self->dropdown) == models)
    return;
  gtk_drop_down_set_model (self->dropdown, models);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODELS]);
}

SdModel *
sd_model_picker_get_selected_model (SdModelPicker *self)
{
  g_return_val_if_fail (SD_IS_MODEL_PICKER (self), NULL);

  return gtk_drop_down_get_selected_item (self->dropdown);
}

gboolean
sd_model_picker_select (SdModelPicker *self,
                        const char    *model_id)
{
  GListModel *models;
  guint n;

  g_return_val_if_fail (SD_IS_MODEL_PICKER (self), FALSE);

  models = gtk_drop_down_get_model (self->dropdown);
  n = models != NULL ? g_list_model_get_n_items (models) : 0;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SdModel) model = g_list_model_get_item (models, i);

      if (g_strcmp0 (sd_model_get_id (model), model_id) == 0)
        {
          gtk_drop_down_set_selected (self->dropdown, i);
          return TRUE;
        }
    }
  return FALSE;
}

static void
sd_model_picker_dispose (GObject *object)
{
  SdModelPicker *self = SD_MODEL_PICKER (object);

  g_clear_pointer ((GtkWidget **) &self->dropdown, gtk_widget_unparent);

  G_OBJECT_CLASS (sd_model_picker_parent_class)->dispose (object);
}

static void
sd_model_picker_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  SdModelPicker *self = SD_MODEL_PICKER (object);

  switch (prop_id)
    {
    case PROP_MODELS:
      g_value_set_object (value, gtk_drop_down_get_model (self->dropdown));
      break;
    case PROP_SELECTED_MODEL:
      g_value_set_object (value, sd_model_picker_get_selected_model (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_model_picker_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  SdModelPicker *self = SD_MODEL_PICKER (object);

  switch (prop_id)
    {
    case PROP_MODELS:
      sd_model_picker_set_models (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_model_picker_class_init (SdModelPickerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sd_model_picker_dispose;
  object_class->get_property = sd_model_picker_get_property;
  object_class->set_property = sd_model_picker_set_property;

  properties[PROP_MODELS] =
    g_param_spec_object ("models", NULL, NULL,
                         G_TYPE_LIST_MODEL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SELECTED_MODEL] =
    g_param_spec_object ("selected-model", NULL, NULL,
                         SD_TYPE_MODEL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
sd_model_picker_init (SdModelPicker *self)
{
  g_autoptr(GtkListItemFactory) button_factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkListItemFactory) list_factory = gtk_signal_list_item_factory_new ();

  g_signal_connect (button_factory, "setup", G_CALLBACK (setup_button_cb), NULL);
  g_signal_connect (button_factory, "bind", G_CALLBACK (bind_button_cb), NULL);
  g_signal_connect (list_factory, "setup", G_CALLBACK (setup_row_cb), NULL);
  g_signal_connect (list_factory, "bind", G_CALLBACK (bind_row_cb), NULL);

  self->dropdown = GTK_DROP_DOWN (gtk_drop_down_new (NULL, NULL));
  gtk_widget_set_hexpand (GTK_WIDGET (self->dropdown), TRUE);
  gtk_drop_down_set_enable_search (self->dropdown, FALSE);
  gtk_drop_down_set_factory (self->dropdown, button_factory);
  gtk_drop_down_set_list_factory (self->dropdown, list_factory);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->dropdown),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Model"),
                                  -1);
  gtk_widget_set_parent (GTK_WIDGET (self->dropdown), GTK_WIDGET (self));
  g_signal_connect_object (self->dropdown, "notify::selected",
                           G_CALLBACK (on_selected_cb), self, G_CONNECT_SWAPPED);
}

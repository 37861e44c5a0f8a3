/* sd-model-picker.c: the button and searchable list that choose the model
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-model-picker"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sd-model-picker.h"
#include "sd-model-picker-test.h"

struct _SdModelPicker
{
  GtkWidget       parent_instance;

  GtkButton      *button;
  GtkLabel       *button_title;
  GtkLabel       *button_subtitle;
  GtkPopover     *popover;
  GtkSearchEntry *search_entry;
  GtkListBox     *list;
  /* The rows are made when the popover first shows, not at start-up */
  gboolean        rows_stale;

  GListModel     *models;
  SdModel        *selected;
  char           *search;    /* casefolded, NULL: no filter */
};

G_DEFINE_FINAL_TYPE (SdModelPicker, sd_model_picker, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_MODELS,
  PROP_SELECTED_MODEL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Names ------------------------------------------------------------------- */

/* The built-in families, consistently cased; what is a product name stays
 * as it is, the words around it are translated. */
static const struct { const char *id; const char *title; gboolean translate; } family_titles[] = {
  { "full", "Full (Manxue)", FALSE },
  { "full-fast", "Full Fast", FALSE },
  { "full-video", N_("Full Video Reference"), TRUE },
  { "full-video-fast", N_("Full Video Reference Fast"), TRUE },
  { "sp", N_("SP Economy"), TRUE },
  { "sp-official", N_("SP Official"), TRUE },
  { "mini", "Mini", FALSE },
  { "mini-special", N_("Mini Special"), TRUE },
  { "md", "MD", FALSE },
  { "fast-i2v", "Fast I2V", FALSE },
  { "std", N_("STD Standard"), TRUE },
};

static const char *
family_title (SdModel *model)
{
  const char *family = sd_model_get_family (model);
  const char *name = sd_model_get_family_name (model);

  for (guint i = 0; i < G_N_ELEMENTS (family_titles); i++)
    if (g_strcmp0 (family, family_titles[i].id) == 0)
      return family_titles[i].translate ? _(family_titles[i].title) : family_titles[i].title;
  /* a family of the user's models.json: as written there */
  return name != NULL ? name : family != NULL ? family : "";
}

/* What the model's name adds to its family's: "Full 720p" in "Full (Manxue)"
 * is "720p", "SP economy Fast" in "SP economy" is "Fast"; "" when nothing. */
static char *
name_beyond_family (SdModel *model)
{
  const char *family = sd_model_get_family_name (model);
  const char *name = sd_model_get_display_name (model);
  g_auto(GStrv) family_words = g_strsplit (family != NULL ? family : "", " ", -1);
  g_auto(GStrv) name_words = g_strsplit (name != NULL ? name : "", " ", -1);
  guint common = 0;

  while (family_words[common] != NULL && name_words[common] != NULL &&
         g_ascii_strcasecmp (family_words[common], name_words[common]) == 0)
    common++;
  /* nothing in common: the name stands alone */
  if (common == 0)
    return g_strdup (name != NULL ? name : "");
  return g_strjoinv (" ", name_words + common);
}

static char *
model_row_title (SdModel *model)
{
  g_autofree char *beyond = name_beyond_family (model);

  return *beyond != '\0' ? g_steal_pointer (&beyond) : g_strdup (family_title (model));
}

static char *
model_full_title (SdModel *model)
{
  g_autofree char *beyond = name_beyond_family (model);
  const char *family = family_title (model);

  if (*beyond == '\0' || strstr (family, beyond) != NULL)
    return g_strdup (family);
  /* TRANSLATORS: a model family, then what sets the model apart, e.g. "MD · Fast" */
  return g_strdup_printf (_("%s · %s"), family, beyond);
}

/* Billing, and the output unless the title says it already. */
static char *
model_subtitle (SdModel *model,
                const char *title)
{
  const char *billing = sd_model_get_billing (model) == SD_BILLING_PER_SECOND
                        ? _("Billed per second") : _("Billed per task");
  const char * const *resolutions = sd_model_get_resolutions (model);
  g_autofree char *output = g_strdup (sd_model_get_output (model));

  if (output == NULL && resolutions != NULL && resolutions[0] != NULL)
    output = g_strjoinv (" / ", (char **) resolutions);
  if (output == NULL || *output == '\0' || strstr (title, output) != NULL)
    return g_strdup (billing);
  /* TRANSLATORS: billing, then the output, e.g. "Billed per task · 720p" */
  return g_strdup_printf (_("%s · %s"), billing, output);
}

/* Rows ---------------------------------------------------------------------- */

static SdModel *
row_get_model (GtkListBoxRow *row)
{
  return g_object_get_data (G_OBJECT (row), "model");
}

static GtkWidget *
row_get_check (GtkListBoxRow *row)
{
  return g_object_get_data (G_OBJECT (row), "check");
}

static GtkWidget *
create_row_cb (gpointer item,
               gpointer user_data)
{
  SdModel *model = item;
  SdModelPicker *self = user_data;
  g_autofree char *title = model_row_title (model);
  g_autofree char *subtitle = model_subtitle (model, title);
  g_autofree char *full_title = model_full_title (model);
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *labels = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title_label = gtk_label_new (title);
  GtkWidget *subtitle_label = gtk_label_new (subtitle);
  GtkWidget *check = gtk_image_new_from_icon_name ("object-select-symbolic");

  gtk_label_set_xalign (GTK_LABEL (title_label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title_label), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (subtitle_label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (subtitle_label), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (subtitle_label, "dim-label");
  gtk_widget_add_css_class (subtitle_label, "caption");
  gtk_widget_set_hexpand (labels, TRUE);
  gtk_box_append (GTK_BOX (labels), title_label);
  gtk_box_append (GTK_BOX (labels), subtitle_label);
  gtk_box_append (GTK_BOX (box), labels);
  gtk_box_append (GTK_BOX (box), check);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);

  gtk_widget_set_visible (check, model == self->selected);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, full_title,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, subtitle,
                                  -1);
  gtk_accessible_update_state (GTK_ACCESSIBLE (row),
                               GTK_ACCESSIBLE_STATE_SELECTED, model == self->selected,
                               -1);
  g_object_set_data_full (G_OBJECT (row), "model", g_object_ref (model), g_object_unref);
  g_object_set_data (G_OBJECT (row), "check", check);
  return row;
}

static gboolean
matches_search (SdModel    *model,
                const char *search)
{
  const char *fields[] = {
    sd_model_get_id (model), sd_model_get_display_name (model),
    sd_model_get_family_name (model), family_title (model),
  };

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      g_autofree char *folded = fields[i] != NULL ? g_utf8_casefold (fields[i], -1) : NULL;

      if (folded != NULL && strstr (folded, search) != NULL)
        return TRUE;
    }
  return FALSE;
}

static gboolean
filter_row_cb (GtkListBoxRow *row,
               gpointer       user_data)
{
  SdModelPicker *self = user_data;

  return self->search == NULL || matches_search (row_get_model (row), self->search);
}

static gboolean
same_family (GtkListBoxRow *row,
             GtkListBoxRow *other)
{
  return other != NULL &&
         g_strcmp0 (sd_model_get_family (row_get_model (row)), sd_model_get_family (row_get_model (other))) == 0;
}

static GtkListBoxRow *
get_next_shown_row (SdModelPicker *self,
                    GtkListBoxRow *row)
{
  for (int i = gtk_list_box_row_get_index (row) + 1;; i++)
    {
      GtkListBoxRow *next = gtk_list_box_get_row_at_index (self->list, i);

      if (next == NULL || filter_row_cb (next, self))
        return next;
    }
}

/* A family's name heads its first row; the list box asks with the row
 * shown before, so a search keeps the headers of what it shows. A family
 * of one shown model needs no heading, its row says the same: a line
 * sets it apart instead. */
static void
header_cb (GtkListBoxRow *row,
           GtkListBoxRow *before,
           gpointer       user_data)
{
  SdModelPicker *self = user_data;
  SdModel *model = row_get_model (row);
  GtkWidget *header;

  if (same_family (row, before))
    {
      gtk_list_box_row_set_header (row, NULL);
      return;
    }
  if (!same_family (row, get_next_shown_row (self, row)))
    {
      header = before != NULL ? gtk_separator_new (GTK_ORIENTATION_HORIZONTAL) : NULL;
      if (header != NULL)
        {
          gtk_widget_set_margin_top (header, 6);
          gtk_widget_set_margin_bottom (header, 6);
        }
      gtk_list_box_row_set_header (row, header);
      return;
    }

  header = gtk_label_new (family_title (model));
  gtk_label_set_xalign (GTK_LABEL (header), 0);
  gtk_widget_set_margin_top (header, before != NULL ? 12 : 6);
  gtk_widget_set_margin_bottom (header, 3);
  gtk_widget_set_margin_start (header, 6);
  gtk_widget_add_css_class (header, "heading");
  gtk_widget_add_css_class (header, "dim-label");
  gtk_list_box_row_set_header (row, header);
}

/* Selection ----------------------------------------------------------------- */

static void
update_button (SdModelPicker *self)
{
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *label = NULL;

  if (self->selected == NULL)
    {
      gtk_label_set_text (self->button_title, _("Choose a Model"));
      gtk_label_set_text (self->button_subtitle, "");
      gtk_widget_set_visible (GTK_WIDGET (self->button_subtitle), FALSE);
      return;
    }

  title = model_full_title (self->selected);
  subtitle = model_subtitle (self->selected, title);
  gtk_label_set_text (self->button_title, title);
  gtk_label_set_text (self->button_subtitle, subtitle);
  gtk_widget_set_visible (GTK_WIDGET (self->button_subtitle), TRUE);
  /* TRANSLATORS: the model button for screen readers, e.g. "Model: MD · Fast" */
  label = g_strdup_printf (_("Model: %s"), title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
}

static void
update_checks (SdModelPicker *self)
{
  for (int i = 0;; i++)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->list, i);
      gboolean current;

      if (row == NULL)
        break;
      current = row_get_model (row) == self->selected;
      gtk_widget_set_visible (row_get_check (row), current);
      gtk_accessible_update_state (GTK_ACCESSIBLE (row),
                                   GTK_ACCESSIBLE_STATE_SELECTED, current,
                                   -1);
    }
}

static void
set_selected (SdModelPicker *self,
              SdModel       *model)
{
  g_set_object (&self->selected, model);
  update_button (self);
  update_checks (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_MODEL]);
}

static void
on_row_activated_cb (SdModelPicker *self,
                     GtkListBoxRow *row)
{
  g_debug ("Model chosen: %s", sd_model_get_id (row_get_model (row)));
  set_selected (self, row_get_model (row));
  gtk_popover_popdown (self->popover);
}

static void
on_search_changed_cb (SdModelPicker *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autofree char *stripped = g_strstrip (g_strdup (text));

  g_clear_pointer (&self->search, g_free);
  if (*stripped != '\0')
    self->search = g_utf8_casefold (stripped, -1);
  gtk_list_box_invalidate_filter (self->list);
  gtk_list_box_invalidate_headers (self->list);
}

static GtkListBoxRow *
get_first_visible_row (SdModelPicker *self)
{
  for (int i = 0;; i++)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->list, i);

      if (row == NULL || gtk_widget_get_child_visible (GTK_WIDGET (row)))
        return row;
    }
}

static void
on_search_activated_cb (SdModelPicker *self)
{
  GtkListBoxRow *row = get_first_visible_row (self);

  if (row != NULL)
    on_row_activated_cb (self, row);
}

static GtkListBoxRow *
find_selected_row (SdModelPicker *self)
{
  for (int i = 0;; i++)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->list, i);

      if (row == NULL || row_get_model (row) == self->selected)
        return row;
    }
}

/* Centres the current model's row, once the popover has its size: with
 * two dozen models it is often below the end of the list, and its check
 * mark with it. */
static gboolean
scroll_to_selected_cb (GtkWidget     *list,
                       GdkFrameClock *frame_clock,
                       gpointer       user_data)
{
  SdModelPicker *self = SD_MODEL_PICKER (user_data);
  GtkListBoxRow *row = find_selected_row (self);
  GtkWidget *scroller = gtk_widget_get_ancestor (list, GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adjustment;
  graphene_rect_t bounds;
  double page;

  if (row == NULL || scroller == NULL)
    return G_SOURCE_REMOVE;
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
  page = gtk_adjustment_get_page_size (adjustment);
  if (page <= 0 || !gtk_widget_compute_bounds (GTK_WIDGET (row), list, &bounds) ||
      bounds.size.height <= 0)
    return G_SOURCE_CONTINUE;

  gtk_adjustment_set_value (adjustment, bounds.origin.y - (page - bounds.size.height) / 2);
  return G_SOURCE_REMOVE;
}

static void ensure_rows (SdModelPicker *self);

static void
on_popover_shown_cb (SdModelPicker *self)
{
  ensure_rows (self);
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
  if (self->selected != NULL)
    gtk_widget_add_tick_callback (GTK_WIDGET (self->list), scroll_to_selected_cb,
                                  g_object_ref (self), g_object_unref);
}

/* A list box bound to a model ignores filters: the rows (a catalogue
 * holds a couple of dozen) are made again when it changes, and only once
 * someone looks at them: before the first frame they cost ~9 M
 * instructions for a list no one has opened. */
static void
ensure_rows (SdModelPicker *self)
{
  GtkWidget *child;
  guint n;

  if (!self->rows_stale)
    return;
  self->rows_stale = FALSE;
  n = self->models != NULL ? g_list_model_get_n_items (self->models) : 0;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SdModel) model = g_list_model_get_item (self->models, i);

      gtk_list_box_append (self->list, create_row_cb (model, self));
    }
  /* a row's header depends on the row after it, too */
  gtk_list_box_invalidate_headers (self->list);
}

static void
rebuild_rows (SdModelPicker *self)
{
  self->rows_stale = TRUE;
  if (gtk_widget_get_visible (GTK_WIDGET (self->popover)))
    ensure_rows (self);
}

void
sd_model_picker_set_models (SdModelPicker *self,
                            GListModel    *models)
{
  g_return_if_fail (SD_IS_MODEL_PICKER (self));
  g_return_if_fail (models == NULL || G_IS_LIST_MODEL (models));

  if (self->models != NULL)
    g_signal_handlers_disconnect_by_func (self->models, rebuild_rows, self);
  if (!g_set_object (&self->models, models))
    return;
  if (models != NULL)
    g_signal_connect_object (models, "items-changed", G_CALLBACK (rebuild_rows),
                             self, G_CONNECT_SWAPPED);
  rebuild_rows (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODELS]);
}

SdModel *
sd_model_picker_get_selected_model (SdModelPicker *self)
{
  g_return_val_if_fail (SD_IS_MODEL_PICKER (self), NULL);

  return self->selected;
}

gboolean
sd_model_picker_select (SdModelPicker *self,
                        const char    *model_id)
{
  guint n;

  g_return_val_if_fail (SD_IS_MODEL_PICKER (self), FALSE);

  n = self->models != NULL ? g_list_model_get_n_items (self->models) : 0;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SdModel) model = g_list_model_get_item (self->models, i);

      if (g_strcmp0 (sd_model_get_id (model), model_id) == 0)
        {
          set_selected (self, model);
          return TRUE;
        }
    }
  return FALSE;
}

/* GObject ------------------------------------------------------------------- */

static void
sd_model_picker_dispose (GObject *object)
{
  SdModelPicker *self = SD_MODEL_PICKER (object);

  if (self->models != NULL)
    g_signal_handlers_disconnect_by_func (self->models, rebuild_rows, self);
  g_clear_pointer ((GtkWidget **) &self->popover, gtk_widget_unparent);
  g_clear_pointer ((GtkWidget **) &self->button, gtk_widget_unparent);
  self->list = NULL;
  g_clear_object (&self->models);
  g_clear_object (&self->selected);

  G_OBJECT_CLASS (sd_model_picker_parent_class)->dispose (object);
}

static void
sd_model_picker_finalize (GObject *object)
{
  SdModelPicker *self = SD_MODEL_PICKER (object);

  g_free (self->search);

  G_OBJECT_CLASS (sd_model_picker_parent_class)->finalize (object);
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
      g_value_set_object (value, self->models);
      break;
    case PROP_SELECTED_MODEL:
      g_value_set_object (value, self->selected);
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

/* The popover is the picker's own child, so the picker presents it. */
static void
sd_model_picker_measure (GtkWidget      *widget,
                         GtkOrientation  orientation,
                         int             for_size,
                         int            *minimum,
                         int            *natural,
                         int            *minimum_baseline,
                         int            *natural_baseline)
{
  gtk_widget_measure (GTK_WIDGET (SD_MODEL_PICKER (widget)->button), orientation, for_size,
                      minimum, natural, minimum_baseline, natural_baseline);
}

static void
sd_model_picker_size_allocate (GtkWidget *widget,
                               int        width,
                               int        height,
                               int        baseline)
{
  SdModelPicker *self = SD_MODEL_PICKER (widget);

  gtk_widget_allocate (GTK_WIDGET (self->button), width, height, baseline, NULL);
  gtk_popover_present (self->popover);
}

static gboolean
sd_model_picker_grab_focus (GtkWidget *widget)
{
  return gtk_widget_grab_focus (GTK_WIDGET (SD_MODEL_PICKER (widget)->button));
}

static void
sd_model_picker_class_init (SdModelPickerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sd_model_picker_dispose;
  object_class->finalize = sd_model_picker_finalize;
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

  widget_class->measure = sd_model_picker_measure;
  widget_class->size_allocate = sd_model_picker_size_allocate;
  widget_class->grab_focus = sd_model_picker_grab_focus;
}

static GtkWidget *
build_button_child (SdModelPicker *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *labels = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  self->button_title = GTK_LABEL (gtk_label_new (NULL));
  self->button_subtitle = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->button_title, 0);
  gtk_label_set_xalign (self->button_subtitle, 0);
  gtk_label_set_ellipsize (self->button_title, PANGO_ELLIPSIZE_END);
  gtk_label_set_ellipsize (self->button_subtitle, PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (GTK_WIDGET (self->button_subtitle), "dim-label");
  gtk_widget_add_css_class (GTK_WIDGET (self->button_subtitle), "caption");
  gtk_widget_set_hexpand (labels, TRUE);
  gtk_box_append (GTK_BOX (labels), GTK_WIDGET (self->button_title));
  gtk_box_append (GTK_BOX (labels), GTK_WIDGET (self->button_subtitle));
  gtk_box_append (GTK_BOX (box), labels);
  gtk_box_append (GTK_BOX (box), gtk_image_new_from_icon_name ("pan-down-symbolic"));
  gtk_widget_set_hexpand (box, TRUE);
  gtk_widget_set_halign (box, GTK_ALIGN_FILL);
  return box;
}

static GtkWidget *
build_popover_child (SdModelPicker *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *scroller = gtk_scrolled_window_new ();

  self->search_entry = GTK_SEARCH_ENTRY (gtk_search_entry_new ());
  g_object_set (self->search_entry, "placeholder-text", _("Search models"), NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->search_entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Search models"),
                                  -1);
  g_signal_connect_object (self->search_entry, "search-changed",
                           G_CALLBACK (on_search_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->search_entry, "activate",
                           G_CALLBACK (on_search_activated_cb), self, G_CONNECT_SWAPPED);

  self->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->list, GTK_SELECTION_NONE);
  gtk_list_box_set_activate_on_single_click (self->list, TRUE);
  gtk_list_box_set_filter_func (self->list, filter_row_cb, self, NULL);
  gtk_list_box_set_header_func (self->list, header_cb, self, NULL);
  gtk_widget_add_css_class (GTK_WIDGET (self->list), "navigation-sidebar");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Models"),
                                  -1);
  g_signal_connect_object (self->list, "row-activated",
                           G_CALLBACK (on_row_activated_cb), self, G_CONNECT_SWAPPED);

  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scroller), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scroller), 420);
  gtk_scrolled_window_set_min_content_width (GTK_SCROLLED_WINDOW (scroller), 280);
  /* The rows ellipsize, so the list would ask only for its titles' width
   * and cut most subtitles short; 290 px shows "Billed per second · 480p /
   * 720p / 1080p" and keeps the popover inside a 360 px window (wider, GTK
   * cannot place it there). */
  gtk_widget_set_size_request (scroller, 290, -1);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (self->list));

  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->search_entry));
  gtk_box_append (GTK_BOX (box), scroller);
  return box;
}

static void
sd_model_picker_init (SdModelPicker *self)
{
  self->popover = GTK_POPOVER (gtk_popover_new ());
  gtk_popover_set_child (self->popover, build_popover_child (self));
  g_signal_connect_object (self->popover, "show",
                           G_CALLBACK (on_popover_shown_cb), self, G_CONNECT_SWAPPED);
  gtk_search_entry_set_key_capture_widget (self->search_entry, GTK_WIDGET (self->popover));

  /* a plain button: a menu button centres its child with the arrow */
  self->button = GTK_BUTTON (gtk_button_new ());
  gtk_button_set_child (self->button, build_button_child (self));
  gtk_widget_set_hexpand (GTK_WIDGET (self->button), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->button),
                                  GTK_ACCESSIBLE_PROPERTY_HAS_POPUP, TRUE,
                                  -1);
  g_signal_connect_object (self->button, "clicked",
                           G_CALLBACK (gtk_popover_popup), self->popover, G_CONNECT_SWAPPED);
  gtk_widget_set_parent (GTK_WIDGET (self->button), GTK_WIDGET (self));
  gtk_widget_set_parent (GTK_WIDGET (self->popover), GTK_WIDGET (self));
  update_button (self);
}

/* For the tests ------------------------------------------------------------- */

void
sd_model_picker_set_search_text (SdModelPicker *self,
                                 const char    *text)
{
  g_return_if_fail (SD_IS_MODEL_PICKER (self));

  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text);
  /* the entry waits a moment before it says; the tests do not */
  on_search_changed_cb (self);
}

char **
sd_model_picker_dup_shown_ids (SdModelPicker *self)
{
  g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();

  g_return_val_if_fail (SD_IS_MODEL_PICKER (self), NULL);
  ensure_rows (self);

  for (int i = 0;; i++)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->list, i);

      if (row == NULL)
        break;
      if (filter_row_cb (row, self))
        g_strv_builder_add (ids, sd_model_get_id (row_get_model (row)));
    }
  return g_strv_builder_end (ids);
}

char **
sd_model_picker_dup_headers (SdModelPicker *self)
{
  g_autoptr(GStrvBuilder) headers = g_strv_builder_new ();

  g_return_val_if_fail (SD_IS_MODEL_PICKER (self), NULL);
  ensure_rows (self);

  for (int i = 0;; i++)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->list, i);
      GtkWidget *header;

      if (row == NULL)
        break;
      header = gtk_list_box_row_get_header (row);
      if (filter_row_cb (row, self) && GTK_IS_LABEL (header))
        g_strv_builder_add (headers, gtk_label_get_text (GTK_LABEL (header)));
    }
  return g_strv_builder_end (headers);
}

char *
sd_model_picker_dup_marked_id (SdModelPicker *self)
{
  g_return_val_if_fail (SD_IS_MODEL_PICKER (self), NULL);
  ensure_rows (self);

  for (int i = 0;; i++)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->list, i);

      if (row == NULL)
        return NULL;
      if (gtk_widget_get_visible (row_get_check (row)))
        return g_strdup (sd_model_get_id (row_get_model (row)));
    }
}

char *
sd_model_picker_dup_row_text (SdModelPicker *self,
                              const char    *model_id)
{
  g_return_val_if_fail (SD_IS_MODEL_PICKER (self), NULL);
  ensure_rows (self);

  for (int i = 0;; i++)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->list, i);
      GtkWidget *labels;

      if (row == NULL)
        return NULL;
      if (g_strcmp0 (sd_model_get_id (row_get_model (row)), model_id) != 0)
        continue;
      labels = gtk_widget_get_first_child (gtk_list_box_row_get_child (row));
      return g_strdup_printf ("%s\n%s",
                              gtk_label_get_text (GTK_LABEL (gtk_widget_get_first_child (labels))),
                              gtk_label_get_text (GTK_LABEL (gtk_widget_get_last_child (labels))));
    }
}

const char *
sd_model_picker_get_button_text (SdModelPicker *self)
{
  g_return_val_if_fail (SD_IS_MODEL_PICKER (self), NULL);

  return gtk_label_get_text (self->button_title);
}

gboolean
sd_model_picker_shows_selected (SdModelPicker *self)
{
  GtkListBoxRow *row;
  GtkWidget *scroller;
  graphene_rect_t bounds;

  g_return_val_if_fail (SD_IS_MODEL_PICKER (self), FALSE);
  ensure_rows (self);

  row = find_selected_row (self);
  scroller = gtk_widget_get_ancestor (GTK_WIDGET (self->list), GTK_TYPE_SCROLLED_WINDOW);
  if (row == NULL || !gtk_widget_get_mapped (GTK_WIDGET (row)) ||
      !gtk_widget_compute_bounds (GTK_WIDGET (row), scroller, &bounds))
    return FALSE;
  return bounds.size.height > 0 && bounds.origin.y >= 0 &&
         bounds.origin.y + bounds.size.height <= gtk_widget_get_height (scroller);
}

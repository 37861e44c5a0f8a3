/* sd-estimate-label.c: what a request will cost, beside Generate
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-estimate-label"

#include "config.h"

#include <glib/gi18n.h>

#include "sd-estimate-label.h"
#include "sd-gui-util.h"

struct _SdEstimateLabel
{
  GtkWidget     parent_instance;

  GtkLabel     *label;
  SdRequest    *request;
  SdCatalog    *catalog;
  SdPrices     *prices;
  GFileMonitor *monitor;
  guint         takes;
  char         *text;
};

G_DEFINE_FINAL_TYPE (SdEstimateLabel, sd_estimate_label, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_REQUEST,
  PROP_CATALOG,
  PROP_TAKES,
  PROP_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_text (SdEstimateLabel *self,
          const char      *text)
{
  if (g_strcmp0 (self->text, text) == 0)
    return;
  g_free (self->text);
  self->text = g_strdup (text);
  gtk_label_set_label (self->label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->label), text != NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXT]);
}

static void
update (SdEstimateLabel *self)
{
  g_auto(SdEstimate) estimate = { 0 };
  g_autofree char *text = NULL;
  SdModel *model = NULL;

  if (self->request != NULL && self->catalog != NULL && sd_request_get_model (self->request) != NULL)
    model = sd_catalog_lookup (self->catalog, sd_request_get_model (self->request));
  if (model == NULL)
    {
      set_text (self, NULL);
      return;
    }

  sd_prices_estimate (self->prices, self->request, model, self->takes, &estimate);
  text = sd_estimate_format (&estimate);
  set_text (self, text);
}

/* A bad file keeps the last good table: here the units still show. */
static void
load_prices (SdEstimateLabel *self)
{
  if (sd_gui_load_prices (&self->prices))
    update (self);
}

static void
on_prices_file_changed (gpointer object)
{
  SdEstimateLabel *self = object;

  load_prices (self);
}

/* Wide enough for any estimate on one line: a height for it is one line's. */
#define ONE_LINE_WIDTH 32767

static int
height_for_width (SdEstimateLabel *self,
                  int              width)
{
  int height = 0;

  gtk_widget_measure (GTK_WIDGET (self->label), GTK_ORIENTATION_VERTICAL, width,
                      &height, NULL, NULL, NULL);
  return height;
}

/* The narrowest width from @lo up to @hi at which the text is no taller
 * than @height (heights only shrink as the width grows). */
static int
narrowest_width (SdEstimateLabel *self,
                 int              lo,
                 int              hi,
                 int              height)
{
  while (lo < hi)
    {
      int mid = lo + (hi - lo) / 2;

      if (height_for_width (self, mid) <= height)
        hi = mid;
      else
        lo = mid + 1;
    }
  return hi;
}

static int
label_min_width (SdEstimateLabel *self)
{
  int min_width = 0;

  gtk_widget_measure (GTK_WIDGET (self->label), GTK_ORIENTATION_HORIZONTAL, -1,
                      &min_width, NULL, NULL, NULL);
  return min_width;
}

/* The narrowest width at which the text takes no more lines than at
 * @width. A wrapped estimate then comes out in even lines ("billed per
 * task;" over "no price set") instead of a full line over one orphan word,
 * at any width the row gives it. */
static int
balanced_width (SdEstimateLabel *self,
                int              width)
{
  int min_width = label_min_width (self);

  if (width <= min_width)
    return width;
  return narrowest_width (self, min_width, width, height_for_width (self, width));
}

/* In a narrow window the estimate wraps rather than widen the composer,
 * but into two lines at most, not a column of words beside a long hint. */
static int
two_lines_width (SdEstimateLabel *self,
                 int              natural)
{
  int two_lines = 2 * height_for_width (self, ONE_LINE_WIDTH);

  if (height_for_width (self, natural) > two_lines)
    return label_min_width (self);
  return narrowest_width (self, label_min_width (self), natural, two_lines);
}

static GtkSizeRequestMode
sd_estimate_label_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
sd_estimate_label_measure (GtkWidget      *widget,
                           GtkOrientation  orientation,
                           int             for_size,
                           int            *minimum,
                           int            *natural,
                           int            *minimum_baseline,
                           int            *natural_baseline)
{
  SdEstimateLabel *self = SD_ESTIMATE_LABEL (widget);

  if (orientation == GTK_ORIENTATION_VERTICAL)
    {
      gtk_widget_measure (GTK_WIDGET (self->label), orientation, for_size,
                          minimum, natural, minimum_baseline, natural_baseline);
      return;
    }

  /* Not for the height the row offers (a box asks for the width at its
   * height, and the pill beside it is three caption lines tall): the
   * widths are those of one line, or of two even ones. */
  gtk_widget_measure (GTK_WIDGET (self->label), orientation, -1,
                      minimum, natural, minimum_baseline, natural_baseline);
  if (gtk_widget_get_visible (GTK_WIDGET (self->label)))
    {
      *minimum = two_lines_width (self, *natural);
      *natural = balanced_width (self, *natural);
    }
}

static void
sd_estimate_label_size_allocate (GtkWidget *widget,
                                 int        width,
                                 int        height,
                                 int        baseline)
{
  SdEstimateLabel *self = SD_ESTIMATE_LABEL (widget);
  int label_width = balanced_width (self, width);
  /* The text keeps to the end edge, by Generate. */
  float x = gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL ? 0 : width - label_width;

  gtk_widget_allocate (GTK_WIDGET (self->label), label_width, height, baseline,
                       gsk_transform_translate (NULL, &GRAPHENE_POINT_INIT (x, 0)));
}

static void
sd_estimate_label_dispose (GObject *object)
{
  SdEstimateLabel *self = SD_ESTIMATE_LABEL (object);

  sd_estimate_label_set_request (self, NULL);
  if (self->monitor != NULL)
    g_file_monitor_cancel (self->monitor);
  g_clear_object (&self->monitor);
  g_clear_pointer ((GtkWidget **) &self->label, gtk_widget_unparent);

  G_OBJECT_CLASS (sd_estimate_label_parent_class)->dispose (object);
}

static void
sd_estimate_label_finalize (GObject *object)
{
  SdEstimateLabel *self = SD_ESTIMATE_LABEL (object);

  g_clear_object (&self->catalog);
  g_clear_object (&self->prices);
  g_free (self->text);

  G_OBJECT_CLASS (sd_estimate_label_parent_class)->finalize (object);
}

static void
sd_estimate_label_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  SdEstimateLabel *self = SD_ESTIMATE_LABEL (object);

  switch (prop_id)
    {
    case PROP_REQUEST: g_value_set_object (value, self->request); break;
    case PROP_CATALOG: g_value_set_object (value, self->catalog); break;
    case PROP_TAKES:   g_value_set_uint (value, self->takes); break;
    case PROP_TEXT:    g_value_set_string (value, self->text); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_estimate_label_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  SdEstimateLabel *self = SD_ESTIMATE_LABEL (object);

  switch (prop_id)
    {
    case PROP_REQUEST: sd_estimate_label_set_request (self, g_value_get_object (value)); break;
    case PROP_CATALOG: sd_estimate_label_set_catalog (self, g_value_get_object (value)); break;
    case PROP_TAKES:   sd_estimate_label_set_takes (self, g_value_get_uint (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_estimate_label_class_init (SdEstimateLabelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sd_estimate_label_dispose;
  object_class->finalize = sd_estimate_label_finalize;
  object_class->get_property = sd_estimate_label_get_property;
  object_class->set_property = sd_estimate_label_set_property;

  properties[PROP_REQUEST] =
    g_param_spec_object ("request", NULL, NULL, SD_TYPE_REQUEST,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CATALOG] =
    g_param_spec_object ("catalog", NULL, NULL, SD_TYPE_CATALOG,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TAKES] =
    g_param_spec_uint ("takes", NULL, NULL, 1, 8, 1,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TEXT] =
    g_param_spec_string ("text", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  widget_class->get_request_mode = sd_estimate_label_get_request_mode;
  widget_class->measure = sd_estimate_label_measure;
  widget_class->size_allocate = sd_estimate_label_size_allocate;
  gtk_widget_class_set_css_name (widget_class, "estimate");
}

static void
sd_estimate_label_init (SdEstimateLabel *self)
{
  self->takes = 1;
  self->prices = sd_prices_new ();
  self->label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->label, 1);
  /* It shares a row with the blocker and Generate: the measure and the
   * allocation above keep it to two even lines when it wraps. */
  gtk_label_set_wrap (self->label, TRUE);
  gtk_label_set_wrap_mode (self->label, PANGO_WRAP_WORD_CHAR);
  gtk_label_set_justify (self->label, GTK_JUSTIFY_RIGHT);
  gtk_label_set_max_width_chars (self->label, 24);
  gtk_widget_add_css_class (GTK_WIDGET (self->label), "caption");
  gtk_widget_add_css_class (GTK_WIDGET (self->label), "numeric");
  gtk_widget_set_visible (GTK_WIDGET (self->label), FALSE);
  gtk_widget_set_parent (GTK_WIDGET (self->label), GTK_WIDGET (self));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self),
                               _("An estimate from your own prices (Preferences, Prices); the provider’s bill may differ."));
  load_prices (self);
  self->monitor = sd_gui_watch_prices_file (on_prices_file_changed, self);
}

GtkWidget *
sd_estimate_label_new (void)
{
  return g_object_new (SD_TYPE_ESTIMATE_LABEL, NULL);
}

void
sd_estimate_label_set_request (SdEstimateLabel *self,
                               SdRequest       *request)
{
  g_return_if_fail (SD_IS_ESTIMATE_LABEL (self));

  if (self->request == request)
    return;
  if (self->request != NULL)
    g_signal_handlers_disconnect_by_data (self->request, self);
  g_set_object (&self->request, request);
  if (request != NULL)
    g_signal_connect_object (request, "notify", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REQUEST]);
}

void
sd_estimate_label_set_catalog (SdEstimateLabel *self,
                               SdCatalog       *catalog)
{
  g_return_if_fail (SD_IS_ESTIMATE_LABEL (self));

  if (!g_set_object (&self->catalog, catalog))
    return;
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CATALOG]);
}

void
sd_estimate_label_set_takes (SdEstimateLabel *self,
                             guint            takes)
{
  g_return_if_fail (SD_IS_ESTIMATE_LABEL (self));

  takes = CLAMP (takes, 1, 8);
  if (self->takes == takes)
    return;
  self->takes = takes;
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TAKES]);
}

void
sd_estimate_label_set_prices (SdEstimateLabel *self,
                              SdPrices        *prices)
{
  g_return_if_fail (SD_IS_ESTIMATE_LABEL (self));
  g_return_if_fail (SD_IS_PRICES (prices));

  g_set_object (&self->prices, prices);
  update (self);
}

const char *
sd_estimate_label_get_text (SdEstimateLabel *self)
{
  g_return_val_if_fail (SD_IS_ESTIMATE_LABEL (self), NULL);

  return self->text;
}

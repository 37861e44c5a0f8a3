/* sd-costs-bar.c: the estimated costs of today and this month, under the
 * results
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-costs-bar"

#include "config.h"

#include <glib/gi18n.h>

#include "sd-cost-totals.h"
#include "sd-costs-bar.h"
#include "sd-gui-util.h"
#include "sd-prices.h"
#include "sd-service.h"

/* A task's estimate is stored just after its create returns: the totals
 * are read a moment after the change, once for a burst of them. */
#define UPDATE_DELAY_MS 300

struct _SdCostsBar
{
  GtkWidget     parent_instance;

  GtkLabel     *label;
  SdContext    *context;
  SdPrices     *prices;   /* NULL: none could be read */
  GFileMonitor *monitor;
  guint         update_source;
  guint         midnight_source;  /* "today" starts again */
};

G_DEFINE_FINAL_TYPE (SdCostsBar, sd_costs_bar, GTK_TYPE_WIDGET)

static gboolean
has_prices (SdCostsBar *self)
{
  g_autoptr(GPtrArray) models = NULL;

  if (self->prices == NULL)
    return FALSE;
  models = sd_prices_list_models (self->prices);
  return models->len > 0;
}

static void update (SdCostsBar *self);

static gboolean
midnight_cb (gpointer user_data)
{
  SdCostsBar *self = user_data;

  self->midnight_source = 0;
  update (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_midnight (SdCostsBar *self,
                   GDateTime  *now)
{
  g_autoptr(GDateTime) today = g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                                                      g_date_time_get_day_of_month (now), 0, 0, 0);
  g_autoptr(GDateTime) tomorrow = g_date_time_add_days (today, 1);
  GTimeSpan left = g_date_time_difference (tomorrow, now);

  g_clear_handle_id (&self->midnight_source, g_source_remove);
  self->midnight_source = g_timeout_add_seconds ((guint) (MAX (left, 0) / G_TIME_SPAN_SECOND) + 1,
                                                 midnight_cb, self);
}

static void
update (SdCostsBar *self)
{
  SdStore *store = sd_context_get_store (self->context);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *today = NULL;
  g_autofree char *month = NULL;
  g_autofree char *text = NULL;
  const char *currency;

  g_clear_handle_id (&self->update_source, g_source_remove);
  if (!has_prices (self))
    {
      gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
      return;
    }
  currency = sd_prices_get_currency (self->prices);
  today = sd_cost_totals_describe (store, SD_COST_PERIOD_TODAY, currency, now);
  month = sd_cost_totals_describe (store, SD_COST_PERIOD_THIS_MONTH, currency, now);
  /* Translators: the estimated costs of today, then of this month */
  text = g_strdup_printf (_("Today: %s\nThis month: %s"), today, month);
  gtk_label_set_label (self->label, text);
  gtk_widget_set_visible (GTK_WIDGET (self), TRUE);
  schedule_midnight (self, now);
}

static gboolean
update_cb (gpointer user_data)
{
  SdCostsBar *self = user_data;

  self->update_source = 0;
  update (self);
  return G_SOURCE_REMOVE;
}

static void
queue_update (SdCostsBar *self)
{
  /* Disposed: a task's change may still come before the end. */
  if (self->context == NULL)
    return;
  if (self->update_source == 0)
    self->update_source = g_timeout_add (UPDATE_DELAY_MS, update_cb, self);
}

/* A task's status moves it between the totals (a create on its way is
 * uncertain until the provider answers), with no task added or ended:
 * each task in the list is followed, once. */
static void
follow_task (SdCostsBar *self,
             SdTask     *task)
{
  if (g_signal_handler_find (task, G_SIGNAL_MATCH_FUNC | G_SIGNAL_MATCH_DATA,
                             0, 0, NULL, queue_update, self) != 0)
    return;
  g_signal_connect_object (task, "notify::status", G_CALLBACK (queue_update), self, G_CONNECT_SWAPPED);
}

static void
on_tasks_changed_cb (GListModel *tasks,
                     guint       position,
                     guint       removed,
                     guint       added,
                     SdCostsBar *self)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(SdTask) task = g_list_model_get_item (tasks, i);

      follow_task (self, task);
    }
  queue_update (self);
}

static void
on_prices_file_changed (gpointer object)
{
  SdCostsBar *self = object;

  sd_gui_load_prices (&self->prices);
  update (self);
}

static void
sd_costs_bar_dispose (GObject *object)
{
  SdCostsBar *self = SD_COSTS_BAR (object);

  g_clear_handle_id (&self->update_source, g_source_remove);
  g_clear_handle_id (&self->midnight_source, g_source_remove);
  if (self->monitor != NULL)
    g_file_monitor_cancel (self->monitor);
  g_clear_object (&self->monitor);
  if (self->context != NULL)
    {
      SdService *service = sd_context_get_service (self->context);

      g_signal_handlers_disconnect_by_data (self->context, self);
      g_signal_handlers_disconnect_by_data (service, self);
      g_signal_handlers_disconnect_by_data (sd_service_get_tasks (service), self);
      g_clear_object (&self->context);
    }
  g_clear_pointer ((GtkWidget **) &self->label, gtk_widget_unparent);

  G_OBJECT_CLASS (sd_costs_bar_parent_class)->dispose (object);
}

static void
sd_costs_bar_finalize (GObject *object)
{
  SdCostsBar *self = SD_COSTS_BAR (object);

  g_clear_object (&self->prices);

  G_OBJECT_CLASS (sd_costs_bar_parent_class)->finalize (object);
}

static void
sd_costs_bar_class_init (SdCostsBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sd_costs_bar_dispose;
  object_class->finalize = sd_costs_bar_finalize;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_STATUS);
  gtk_widget_class_set_css_name (widget_class, "costs");
}

static void
sd_costs_bar_init (SdCostsBar *self)
{
  self->label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->label, 0);
  gtk_label_set_wrap (self->label, TRUE);
  gtk_label_set_selectable (self->label, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->label), "caption");
  gtk_widget_add_css_class (GTK_WIDGET (self->label), "dim-label");
  gtk_widget_set_margin_start (GTK_WIDGET (self->label), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (self->label), 12);
  gtk_widget_set_margin_top (GTK_WIDGET (self->label), 6);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->label), 6);
  /* The label's own name is its text (the value): the name is here. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Costs"), -1);
  gtk_widget_set_parent (GTK_WIDGET (self->label), GTK_WIDGET (self));
  gtk_widget_set_name (GTK_WIDGET (self), "costs_bar");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self),
                               _("Estimates from your prices of the tasks sent; failed tasks may or may not be billed"));
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

GtkWidget *
sd_costs_bar_new (SdContext *context)
{
  SdCostsBar *self;
  SdService *service;

  g_return_val_if_fail (SD_IS_CONTEXT (context), NULL);

  self = g_object_new (SD_TYPE_COSTS_BAR, NULL);
  self->context = g_object_ref (context);
  service = sd_context_get_service (context);
  g_signal_connect_object (service, "task-added", G_CALLBACK (queue_update), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (service, "task-completed", G_CALLBACK (queue_update), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (service, "task-failed", G_CALLBACK (queue_update), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (sd_service_get_tasks (service), "items-changed",
                           G_CALLBACK (on_tasks_changed_cb), self, 0);
  on_tasks_changed_cb (sd_service_get_tasks (service), 0, 0,
                       g_list_model_get_n_items (sd_service_get_tasks (service)), self);
  g_signal_connect_object (context, "notify::store", G_CALLBACK (queue_update), self, G_CONNECT_SWAPPED);
  sd_gui_load_prices (&self->prices);
  self->monitor = sd_gui_watch_prices_file (on_prices_file_changed, self);
  update (self);
  return GTK_WIDGET (self);
}

const char *
sd_costs_bar_get_text (SdCostsBar *self)
{
  g_return_val_if_fail (SD_IS_COSTS_BAR (self), NULL);

  return gtk_widget_get_visible (GTK_WIDGET (self)) ? gtk_label_get_label (self->label) : NULL;
}

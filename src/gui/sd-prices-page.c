/* sd-prices-page.c: the Prices page of Preferences
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-prices-page"

#include "config.h"

#include <glib/gi18n.h>

#include "sd-catalog.h"
#include "sd-cost-totals.h"
#include "sd-prices.h"
#include "sd-prices-page.h"
#include "sd-store.h"

struct _SdPricesPage
{
  AdwPreferencesPage parent_instance;

  SdContext   *context;
  SdPrices    *prices;    /* NULL: the file could not be read, and is kept */
  GHashTable  *rows;      /* model id → AdwEntryRow (owned by the page) */
  AdwEntryRow *currency_row;
  AdwActionRow *today_row;
  AdwActionRow *month_row;
};

G_DEFINE_FINAL_TYPE (SdPricesPage, sd_prices_page, ADW_TYPE_PREFERENCES_PAGE)

static void
save (SdPricesPage *self)
{
  g_autofree char *path = sd_prices_default_path ();
  g_autoptr(GError) error = NULL;

  if (!sd_prices_save (self->prices, path, &error))
    g_warning ("%s", error->message);
}

static void
mark (GtkWidget *row,
      gboolean   valid)
{
  if (valid)
    gtk_widget_remove_css_class (row, "error");
  else
    gtk_widget_add_css_class (row, "error");
}

/* An empty amount removes the price; a wrong one is marked and not saved. */
static void
on_amount_changed_cb (AdwEntryRow  *row,
                      SdPricesPage *self)
{
  const char *model_id = g_object_get_data (G_OBJECT (row), "sd-model-id");
  const char *text = gtk_editable_get_text (GTK_EDITABLE (row));
  g_autofree char *trimmed = g_strstrip (g_strdup (text));
  SdMoney amount = -1;
  gboolean valid = *trimmed == '\0' || sd_money_parse (trimmed, &amount);

  mark (GTK_WIDGET (row), valid);
  if (!valid || self->prices == NULL)
    return;
  sd_prices_set (self->prices, model_id, amount);
  save (self);
}

static void update_totals (SdPricesPage *self);

static void
on_currency_changed_cb (AdwEntryRow  *row,
                        SdPricesPage *self)
{
  g_autofree char *code = sd_currency_normalize (gtk_editable_get_text (GTK_EDITABLE (row)));
  gboolean valid = code != NULL;

  mark (GTK_WIDGET (row), valid);
  if (!valid || self->prices == NULL)
    return;
  sd_prices_set_currency (self->prices, code);
  save (self);
  /* The totals are of the estimates in the currency shown. */
  if (self->today_row != NULL)
    update_totals (self);
}

static char *
unit_of (SdModel *model)
{
  if (sd_model_get_billing (model) == SD_BILLING_PER_SECOND)
    /* Translators: a model's name, then its billing unit */
    return g_strdup_printf (_("%s · per second"), sd_model_get_display_name (model));
  return g_strdup_printf (_("%s · per task"), sd_model_get_display_name (model));
}

static GtkWidget *
make_amount_row (SdPricesPage *self,
                 SdModel      *model)
{
  GtkWidget *row = adw_entry_row_new ();
  g_autofree char *title = unit_of (model);
  SdMoney amount;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  g_object_set_data_full (G_OBJECT (row), "sd-model-id", g_strdup (sd_model_get_id (model)), g_free);
  if (self->prices != NULL && sd_prices_lookup (self->prices, sd_model_get_id (model), &amount))
    {
      g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT ".%06" G_GINT64_FORMAT,
                                               amount / SD_MONEY_SCALE, amount % SD_MONEY_SCALE);
      gtk_editable_set_text (GTK_EDITABLE (row), text);
    }
  gtk_widget_set_sensitive (row, self->prices != NULL);
  g_signal_connect_object (row, "changed", G_CALLBACK (on_amount_changed_cb), self, 0);
  g_hash_table_insert (self->rows, g_strdup (sd_model_get_id (model)), row);
  return row;
}

static void
update_totals (SdPricesPage *self)
{
  SdStore *store = sd_context_get_store (self->context);
  const char *currency = self->prices != NULL ? sd_prices_get_currency (self->prices) : "CNY";
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *today_text = sd_cost_totals_describe (store, SD_COST_PERIOD_TODAY, currency, now);
  g_autofree char *month_text = sd_cost_totals_describe (store, SD_COST_PERIOD_THIS_MONTH, currency, now);

  adw_action_row_set_subtitle (self->today_row, today_text);
  adw_action_row_set_subtitle (self->month_row, month_text);
}

static GtkWidget *
make_group (const char *title,
            const char *description)
{
  GtkWidget *group = adw_preferences_group_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), description);
  return group;
}

static void
add_currency_group (SdPricesPage *self,
                    const char   *load_error)
{
  GtkWidget *group = make_group (_("Your Prices"),
                                 load_error != NULL ? load_error
                                 : _("The provider publishes no prices: enter your own. Estimates are shown before Generate and for batches; models without a price show their billing unit only."));

  self->currency_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->currency_row), _("Currency (ISO code such as CNY, USD, EUR, or “coin” for the provider’s own unit)"));
  if (self->prices != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->currency_row), sd_prices_get_currency (self->prices));
  gtk_widget_set_sensitive (GTK_WIDGET (self->currency_row), self->prices != NULL);
  g_signal_connect_object (self->currency_row, "changed", G_CALLBACK (on_currency_changed_cb), self, 0);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->currency_row));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (self), ADW_PREFERENCES_GROUP (group));
}

static void
add_models_group (SdPricesPage *self)
{
  GListModel *models = sd_catalog_get_models (sd_context_get_catalog (self->context));
  GtkWidget *group = make_group (_("Per Model"), _("An amount per second or per task, as each model is billed; empty for no price."));

  for (guint i = 0; i < g_list_model_get_n_items (models); i++)
    {
      g_autoptr(SdModel) model = g_list_model_get_item (models, i);

      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), make_amount_row (self, model));
    }
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (self), ADW_PREFERENCES_GROUP (group));
}

static void
add_totals_group (SdPricesPage *self)
{
  GtkWidget *group = make_group (_("Spent"), _("The estimates of the tasks sent, by how they ended; failed tasks may or may not be billed."));

  self->today_row = ADW_ACTION_ROW (adw_action_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->today_row), _("Today"));
  self->month_row = ADW_ACTION_ROW (adw_action_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->month_row), _("This Month"));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->today_row));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->month_row));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (self), ADW_PREFERENCES_GROUP (group));
  update_totals (self);
}

static void
build (SdPricesPage *self)
{
  g_autofree char *path = sd_prices_default_path ();
  g_autoptr(GError) error = NULL;

  self->prices = sd_prices_new_from_file (path, &error);
  add_currency_group (self, error != NULL ? error->message : NULL);
  add_models_group (self);
  add_totals_group (self);
}

static void
sd_prices_page_finalize (GObject *object)
{
  SdPricesPage *self = SD_PRICES_PAGE (object);

  g_clear_object (&self->context);
  g_clear_object (&self->prices);
  g_hash_table_unref (self->rows);

  G_OBJECT_CLASS (sd_prices_page_parent_class)->finalize (object);
}

static void
sd_prices_page_class_init (SdPricesPageClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sd_prices_page_finalize;
}

static void
sd_prices_page_init (SdPricesPage *self)
{
  self->rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  adw_preferences_page_set_title (ADW_PREFERENCES_PAGE (self), _("Prices"));
  adw_preferences_page_set_icon_name (ADW_PREFERENCES_PAGE (self), "accessories-calculator-symbolic");
}

GtkWidget *
sd_prices_page_new (SdContext *context)
{
  SdPricesPage *self = g_object_new (SD_TYPE_PRICES_PAGE, NULL);

  g_return_val_if_fail (SD_IS_CONTEXT (context), NULL);

  self->context = g_object_ref (context);
  build (self);
  return GTK_WIDGET (self);
}

gboolean
sd_prices_page_set_amount_text (SdPricesPage *self,
                                const char   *model_id,
                                const char   *text)
{
  GtkWidget *row = g_hash_table_lookup (self->rows, model_id);

  if (row == NULL)
    return FALSE;
  gtk_editable_set_text (GTK_EDITABLE (row), text);
  return TRUE;
}

const char *
sd_prices_page_get_today_text (SdPricesPage *self)
{
  return adw_action_row_get_subtitle (self->today_row);
}

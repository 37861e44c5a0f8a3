/* sd-cost-totals.c: what the tasks sent today and this month are estimated
 * to have cost, as the Prices page and the results pane say it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-cost-totals"

#include "config.h"

#include <glib/gi18n.h>

#include "sd-cost-totals.h"
#include "sd-prices.h"

gint64
sd_cost_period_start (SdCostPeriod  period,
                      GDateTime    *now)
{
  g_autoptr(GDateTime) start = NULL;

  start = g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                                 period == SD_COST_PERIOD_TODAY ? g_date_time_get_day_of_month (now) : 1,
                                 0, 0, 0);
  return g_date_time_to_unix (start);
}

char *
sd_cost_totals_describe (SdStore      *store,
                         SdCostPeriod  period,
                         const char   *currency,
                         GDateTime    *now)
{
  g_autofree char *completed = NULL;
  g_autofree char *failed = NULL;
  g_autofree char *uncertain = NULL;
  g_autoptr(GError) error = NULL;
  SdStoreCostTotals totals;

  if (store == NULL ||
      !sd_store_get_cost_totals (store, sd_cost_period_start (period, now), currency, &totals, &error))
    {
      if (error != NULL)
        g_debug ("No totals: %s %d", g_quark_to_string (error->domain), error->code);
      return g_strdup (_("The history could not be read."));
    }
  completed = sd_money_format (totals.completed, currency);
  failed = sd_money_format (totals.failed, currency);
  uncertain = sd_money_format (totals.uncertain, currency);
  /* Translators: estimates of what was spent, by how the tasks ended */
  return g_strdup_printf (_("≈ %s completed · %s failed (charge unknown) · %s uncertain"),
                          completed, failed, uncertain);
}

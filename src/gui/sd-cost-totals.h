/* sd-cost-totals.h: what the tasks sent today and this month are estimated
 * to have cost, as the Prices page and the results pane say it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "sd-store.h"

G_BEGIN_DECLS

typedef enum {
  SD_COST_PERIOD_TODAY,
  SD_COST_PERIOD_THIS_MONTH,
} SdCostPeriod;

/* Unix time of the period's start (local midnight) as of @now. */
gint64  sd_cost_period_start    (SdCostPeriod  period,
                                 GDateTime    *now);
/* "≈ ¥0.40 completed · ¥0.10 failed (charge unknown) · ¥0.00 uncertain",
 * the estimates in @currency of the tasks created since @period began; a
 * sentence saying so when the history cannot be read (or @store is NULL). */
char   *sd_cost_totals_describe (SdStore      *store,
                                 SdCostPeriod  period,
                                 const char   *currency,
                                 GDateTime    *now);

G_END_DECLS

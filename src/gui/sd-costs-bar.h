/* sd-costs-bar.h: the estimated costs of today and this month, under the
 * results
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "sd-context.h"

G_BEGIN_DECLS

#define SD_TYPE_COSTS_BAR (sd_costs_bar_get_type ())
G_DECLARE_FINAL_TYPE (SdCostsBar, sd_costs_bar, SD, COSTS_BAR, GtkWidget)

/* Two lines, today and this month, each split into completed, failed
 * ("charge unknown") and uncertain (sd-cost-totals.h), in the price
 * table's currency. Hidden while no model has a price. Read again shortly
 * after a task is added, ends or is removed, when the history changes
 * (demo mode), when the price table's file changes and at midnight. Its
 * accessible name is "Costs". */
GtkWidget  *sd_costs_bar_new      (SdContext  *context);
/* The text shown, NULL while hidden. */
const char *sd_costs_bar_get_text (SdCostsBar *self);

G_END_DECLS

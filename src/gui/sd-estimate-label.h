/* sd-estimate-label.h: what a request will cost, beside Generate
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "sd-catalog.h"
#include "sd-prices.h"
#include "sd-request.h"

G_BEGIN_DECLS

#define SD_TYPE_ESTIMATE_LABEL (sd_estimate_label_get_type ())
G_DECLARE_FINAL_TYPE (SdEstimateLabel, sd_estimate_label, SD, ESTIMATE_LABEL, GtkWidget)

/* Properties:
 *   "request" SdRequest: the request to estimate, followed as it changes
 *   "catalog" SdCatalog: where its model's billing unit comes from
 *   "takes"   guint (1–8): how many tasks Generate makes of it
 *   "text"    string (read-only): the estimate shown, or NULL with no model
 * The price table is read from its file, and again whenever the file
 * changes (the Prices page of Preferences writes it). */
GtkWidget  *sd_estimate_label_new         (void);
void        sd_estimate_label_set_request (SdEstimateLabel *self,
                                           SdRequest       *request);
void        sd_estimate_label_set_catalog (SdEstimateLabel *self,
                                           SdCatalog       *catalog);
void        sd_estimate_label_set_takes   (SdEstimateLabel *self,
                                           guint            takes);
/* Replaces the table read from the file (tests and the Prices page). */
void        sd_estimate_label_set_prices  (SdEstimateLabel *self,
                                           SdPrices        *prices);
const char *sd_estimate_label_get_text    (SdEstimateLabel *self);

G_END_DECLS

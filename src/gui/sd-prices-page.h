/* sd-prices-page.h: the Prices page of Preferences
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "sd-context.h"

G_BEGIN_DECLS

#define SD_TYPE_PRICES_PAGE (sd_prices_page_get_type ())
G_DECLARE_FINAL_TYPE (SdPricesPage, sd_prices_page, SD, PRICES_PAGE, AdwPreferencesPage)

/* One currency and, for each model of the catalogue, an amount in its
 * billing unit; each valid edit is written to prices.json at once. A file
 * that cannot be read is kept as it is: the page says why and edits
 * nothing. Also shows the estimates spent today and this month. */
GtkWidget  *sd_prices_page_new               (SdContext    *context);
/* Sets the amount text of @model_id's row, as a user typing it would
 * (for tests); FALSE when there is no such row. */
gboolean    sd_prices_page_set_amount_text   (SdPricesPage *self,
                                              const char   *model_id,
                                              const char   *text);
/* The text of the "Spent" rows' subtitles (for tests). */
const char *sd_prices_page_get_today_text    (SdPricesPage *self);

G_END_DECLS

/* sd-prices.h: the user's price table, and what a request will cost
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "sd-enums.h"
#include "sd-model.h"
#include "sd-request.h"

G_BEGIN_DECLS

#define SD_PRICES_ERROR (sd_prices_error_quark ())

typedef enum {
  SD_PRICES_ERROR_PARSE,   /* not JSON, or not one object; names the file */
  SD_PRICES_ERROR_INVALID, /* JSON, but a field breaks a rule; names both */
  SD_PRICES_ERROR_WRITE,   /* the file could not be written */
} SdPricesError;

/* Money is an integer count of millionths of the currency's unit, so that
 * ¥0.05 × 8 is ¥0.40 exactly: no binary fraction is ever summed. */
typedef gint64 SdMoney;

#define SD_MONEY_SCALE    G_GINT64_CONSTANT (1000000)
#define SD_MONEY_DECIMALS 6
/* The largest price a table may hold (one million units, per second or per
 * task), so that any batch total fits an SdMoney. */
#define SD_MONEY_MAX_PRICE (G_GINT64_CONSTANT (1000000) * SD_MONEY_SCALE)

GQuark      sd_prices_error_quark (void);

/* Reads "12", "0.05" or "1.250000" (at most 6 decimals, no sign, no
 * exponent, at most SD_MONEY_MAX_PRICE); FALSE when @text is not that. */
gboolean    sd_money_parse        (const char *text,
                                   SdMoney    *amount);
/* "0.05", "0.40", "1.125": at least two decimals, more when they matter;
 * the locale's decimal separator. */
char       *sd_money_format_number (SdMoney amount);
/* "¥0.40", "$1.25", "€0.40", "12 coins", else "0.40 CHF" (translatable). */
char       *sd_money_format       (SdMoney     amount,
                                   const char *currency);
/* The symbol of CNY, USD, EUR, JPY, GBP; NULL for other codes. */
const char *sd_currency_symbol    (const char *currency);
/* The provider's own unit: what its balance counts (PROVIDER-EXTRAS.md).
 * A price table in it can be compared with the balance. */
#define SD_CURRENCY_COIN "coin"
/* Three upper-case ASCII letters (ISO 4217 shape), or SD_CURRENCY_COIN. */
gboolean    sd_currency_is_valid  (const char *currency);
/* What a user typed as a currency ("usd", "Coin") as the table keeps it,
 * or NULL when it is not one. */
char       *sd_currency_normalize (const char *text);

#define SD_TYPE_PRICES (sd_prices_get_type ())
G_DECLARE_FINAL_TYPE (SdPrices, sd_prices, SD, PRICES, GObject)

/* $XDG_CONFIG_HOME/seedance-studio/prices.json */
char       *sd_prices_default_path  (void);

/* An empty table in CNY. */
SdPrices   *sd_prices_new           (void);
/* A missing file is an empty table, not an error. A malformed one is
 * reported (the message names the file, the field and the rule) and the
 * file is left as it is. */
SdPrices   *sd_prices_new_from_file (const char  *path,
                                     GError     **error);
SdPrices   *sd_prices_new_from_data (const char  *data,
                                     gssize       length,
                                     const char  *source_name,
                                     GError     **error);
/* Writes the table atomically (a temporary file renamed over @path). */
gboolean    sd_prices_save          (SdPrices    *self,
                                     const char  *path,
                                     GError     **error);
char       *sd_prices_to_data       (SdPrices    *self);

const char *sd_prices_get_currency  (SdPrices    *self);
void        sd_prices_set_currency  (SdPrices    *self,
                                     const char  *currency);
/* FALSE when @model_id has no price. */
gboolean    sd_prices_lookup        (SdPrices    *self,
                                     const char  *model_id,
                                     SdMoney     *amount);
/* A negative @amount removes the price. */
void        sd_prices_set           (SdPrices    *self,
                                     const char  *model_id,
                                     SdMoney      amount);
/* The model ids that have a price, sorted (transfer container). */
GPtrArray  *sd_prices_list_models   (SdPrices    *self);

/* What one request, made @takes times, will cost. */
typedef struct
{
  gboolean  priced;     /* FALSE: the model has no price; amounts are 0 */
  SdBilling billing;    /* the model's unit */
  int       seconds;    /* the length billed (the model's default if unset) */
  guint     takes;
  SdMoney   unit_price; /* per second or per task */
  SdMoney   total;
  char     *currency;
} SdEstimate;

void        sd_estimate_clear       (SdEstimate  *estimate);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SdEstimate, sd_estimate_clear)

/* Fills @estimate for @request on @model (NULL: unknown, so not priced). */
void        sd_prices_estimate      (SdPrices    *self,
                                     SdRequest   *request,
                                     SdModel     *model,
                                     guint        takes,
                                     SdEstimate  *estimate);
/* "≈ ¥0.40 · 8 s × ¥0.05", "≈ ¥1.60 · 4 takes × 8 s × ¥0.05",
 * "≈ ¥0.20 · 1 task × ¥0.20"; unpriced: "billed per second" or "billed
 * per task" (the unit only). */
char       *sd_estimate_format      (const SdEstimate *estimate);

G_END_DECLS

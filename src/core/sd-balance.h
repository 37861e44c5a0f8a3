/* sd-balance.h: asking the provider what a token may still spend
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "sd-client.h"
#include "sd-prices.h"

G_BEGIN_DECLS

#define SD_API_KEY_BALANCE_PATH  "/api/open-api/v1/key/balance"
#define SD_API_USER_BALANCE_PATH "/api/open-api/v1/user/balance"

/* What a balance answer said (PROVIDER-EXTRAS.md). @available is the
 * token's available_quota, or the account's available when only the user
 * balance is served; in the provider's coin, not a currency. */
typedef struct
{
  gboolean unlimited;
  double   available;
} SdBalance;

/* Asks the key balance, then the user balance, with @token (NULL: none is
 * refused as usual) on the client's address: a way to tell whether a token
 * works before keeping it. The token is never logged. */
void       sd_client_get_balance_async  (SdClient            *self,
                                         const char          *token,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
/* Asks the account's balance (the user endpoint only) with the client's
 * own token; finish with sd_client_get_balance_finish(). */
void       sd_client_get_user_balance_async (SdClient            *self,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
/* The balance; NULL without an error when the server has neither endpoint
 * (404, 405, or an answer not of the documented shape); NULL with
 * SD_API_ERROR_UNAUTHORIZED when the server refused the token (401, 403 or
 * code 20001), or another SD_API_ERROR. Free with g_free(). */
SdBalance *sd_client_get_balance_finish (SdClient      *self,
                                         GAsyncResult  *result,
                                         GError       **error);

/* The body of a balance answer: the same rules, without I/O. */
SdBalance *sd_api_parse_balance_response (guint    http_status,
                                          GBytes  *body,
                                          GError **error);

/* The available amount in SD_CURRENCY_COIN millionths. */
SdMoney    sd_balance_get_money   (const SdBalance *balance);
/* TRUE only when @currency is SD_CURRENCY_COIN, the balance is known and
 * capped, and @total is more than it: other currencies are never compared. */
gboolean   sd_balance_is_exceeded (const SdBalance *balance,
                                   SdMoney          total,
                                   const char      *currency);

G_END_DECLS

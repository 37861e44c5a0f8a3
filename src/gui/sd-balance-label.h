/* sd-balance-label.h: what the account may still spend, in the header bar
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "sd-balance.h"
#include "sd-context.h"

G_BEGIN_DECLS

#define SD_TYPE_BALANCE_LABEL (sd_balance_label_get_type ())
G_DECLARE_FINAL_TYPE (SdBalanceLabel, sd_balance_label, SD, BALANCE_LABEL, GtkWidget)

/* The provider's balance ("1,000 coins"), asked at start, when the token or
 * the address changes and again after tasks end (a second after the last
 * one, at most once a second). Hidden without a token, and when the server
 * has no balance endpoint; a failed request is shown dimmed, its reason in
 * the tooltip. Its accessible name is "Balance". */
GtkWidget       *sd_balance_label_new         (void);
void             sd_balance_label_set_context (SdBalanceLabel *self,
                                               SdContext      *context);
/* The last balance read, or NULL (none yet, none served, or an error). */
const SdBalance *sd_balance_label_get_balance (SdBalanceLabel *self);
/* The text shown (NULL while hidden). */
const char      *sd_balance_label_get_text    (SdBalanceLabel *self);

G_END_DECLS

/* sd-batch-import.h: Import Batch… and Export as Batch… in the window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "sd-balance.h"
#include "sd-batch.h"
#include "sd-context.h"

G_BEGIN_DECLS

/* Asks for a .jsonl file, then shows it (sd_batch_import_show_file()). */
void        sd_batch_import_choose    (GtkWindow  *parent,
                                       SdContext  *context);
/* Reads @file off the main thread, then shows its lines, their problems
 * (by line number) and the estimate in a dialog whose "Queue" sends them
 * (invalid lines refuse the batch unless the user skips them). */
void        sd_batch_import_show_file (GtkWindow  *parent,
                                       SdContext  *context,
                                       GFile      *file);
/* The dialog's text for @batch: lines, tasks, estimate and problems. */
char       *sd_batch_import_describe  (SdBatch    *batch,
                                       SdCatalog  *catalog,
                                       SdPrices   *prices);
/* The dialog's balance line: the balance, and the batch's estimate when
 * it is in the provider's coin (only then are they compared: a batch
 * over the balance gets a warning and "Queue Anyway"). */
char       *sd_batch_import_describe_balance (const SdBalance *balance,
                                              SdMoney          total,
                                              const char      *currency);
/* Queues every valid line of @batch (its variants each) at once, in one
 * group named after the file; each task keeps its estimate. Returns the
 * tasks (transfer container), or NULL (with @error when the history
 * could not take them). */
GPtrArray  *sd_batch_import_send      (SdContext  *context,
                                       SdBatch    *batch,
                                       SdPrices   *prices,
                                       GError    **error);

/* Asks where, then writes the requests of @tasks (GListModel of SdTask)
 * as a batch file, one line each. */
void        sd_batch_export_choose    (GtkWindow  *parent,
                                       GListModel *tasks);
gboolean    sd_batch_export_write     (GListModel *tasks,
                                       GFile      *file,
                                       GError    **error);

G_END_DECLS

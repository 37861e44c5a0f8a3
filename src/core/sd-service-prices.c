/* sd-service-prices.c: the estimate a task records when it is queued
 *
 * Every way of sending (Generate, its takes, `seedance submit`, extend, a
 * retry of a task that had none) goes through _sd_service_enqueue(); the
 * ones that do not bring their own estimate (a batch does, per line) get
 * it here, from the user's price table. The table is read again only when
 * the file changed (its inode, size or time: the Prices page replaces it
 * atomically), so a Generate of eight takes reads it once.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-service"

#include "config.h"

#include <gio/gio.h>

#include "sd-catalog.h"
#include "sd-prices.h"
#include "sd-service-private.h"

#define FILE_ATTRIBUTES G_FILE_ATTRIBUTE_STANDARD_SIZE "," \
                        G_FILE_ATTRIBUTE_TIME_MODIFIED "," \
                        G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC "," \
                        G_FILE_ATTRIBUTE_UNIX_INODE

static char *
describe_file (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInfo) info = NULL;

  info = g_file_query_info (file, FILE_ATTRIBUTES, G_FILE_QUERY_INFO_NONE, NULL, NULL);
  if (info == NULL)
    return g_strdup ("none");
  return g_strdup_printf ("%" G_GUINT64_FORMAT ":%" G_GOFFSET_FORMAT ":%" G_GUINT64_FORMAT ":%u",
                          g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_UNIX_INODE),
                          g_file_info_get_size (info),
                          g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED),
                          g_file_info_get_attribute_uint32 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC));
}

/* The table now, read again when the file changed; a malformed file keeps
 * the last one read (as the composer's estimate does). */
static SdPrices *
get_prices (SdService *self)
{
  g_autofree char *path = NULL;
  g_autofree char *seen = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SdPrices) loaded = NULL;

  if (self->prices_set)
    return self->prices;

  path = sd_prices_default_path ();
  seen = describe_file (path);
  if (self->prices != NULL && g_strcmp0 (seen, self->prices_seen) == 0)
    return self->prices;

  loaded = sd_prices_new_from_file (path, &error);
  g_free (self->prices_seen);
  self->prices_seen = g_steal_pointer (&seen);
  if (loaded == NULL)
    {
      g_debug ("Estimates: the price table could not be read (%s %d); keeping the last one",
               g_quark_to_string (error->domain), error->code);
      if (self->prices == NULL)
        self->prices = sd_prices_new ();
      return self->prices;
    }
  g_debug ("Estimates: price table read");
  g_set_object (&self->prices, loaded);
  return self->prices;
}

/* Sets @task's estimate (one take of its request) from the price table;
 * a model without a price leaves it without one. */
void
_sd_service_record_estimate (SdService *self,
                             SdTask    *task)
{
  g_auto(SdEstimate) estimate = { 0 };
  SdRequest *request = sd_task_get_request (task);
  SdPrices *prices;

  if (request == NULL)
    return;
  prices = get_prices (self);
  sd_prices_estimate (prices, request,
                      sd_catalog_lookup (self->catalog, sd_request_get_model (request)),
                      1, &estimate);
  if (!estimate.priced)
    return;
  g_debug ("Task %s: estimated at %" G_GINT64_FORMAT " millionths of %s",
           sd_task_get_id (task), estimate.total, estimate.currency);
  sd_task_set_estimate (task, estimate.total, estimate.currency);
}

/**
 * sd_service_set_prices:
 * @prices: (nullable): the table to estimate with; %NULL: the user's
 *   (sd_prices_default_path()), read again whenever it changes
 *
 * The price table each queued task's estimate is recorded from, unless
 * its caller gives one (sd_service_submit_group()). A retry keeps the
 * estimate of the task it retries.
 */
void
sd_service_set_prices (SdService *self,
                       SdPrices  *prices)
{
  g_return_if_fail (SD_IS_SERVICE (self));
  g_return_if_fail (prices == NULL || SD_IS_PRICES (prices));

  g_clear_pointer (&self->prices_seen, g_free);
  g_set_object (&self->prices, prices);
  self->prices_set = prices != NULL;
}

void
_sd_service_prices_finalize (SdService *self)
{
  g_clear_object (&self->prices);
  g_clear_pointer (&self->prices_seen, g_free);
}

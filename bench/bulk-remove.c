/* bulk-remove.c: the time of acting on many tasks of a large history
 *
 * Usage: bulk-remove PATH (a history from make-history)
 *
 * What the results' bulk actions cost on the main thread: the ids of a
 * filtered view (sd_store_query_ids(), as "Clear Completed…" and "Remove
 * Failed…" read them), removing them in one transaction
 * (sd_store_remove_tasks(), under sd_service_remove_many()) and putting
 * them back (sd_store_restore_tasks(), Undo). Twenty tasks (a selection),
 * every failed task and every completed one. The history ends as it was.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "bulk-remove"

#include "config.h"

#include "sd-store-query.h"

static double
seconds_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1e6;
}

static void
measure (SdStore    *store,
         const char *what,
         guint       statuses,
         guint       limit)
{
  g_autoptr(SdTaskQuery) query = sd_task_query_new ();
  g_autoptr(GPtrArray) removed = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) ids = NULL;
  gint64 start = g_get_monotonic_time ();
  double query_s, remove_s;

  query->statuses = statuses;
  ids = sd_store_query_ids (store, query, &error);
  if (ids == NULL)
    g_error ("%s", error->message);
  query_s = seconds_since (start);
  if (limit > 0 && g_strv_length (ids) > limit)
    g_clear_pointer (&ids[limit], g_free);

  start = g_get_monotonic_time ();
  if (!sd_store_remove_tasks (store, (const char * const *) ids, &removed, &error))
    g_error ("%s", error->message);
  remove_s = seconds_since (start);

  start = g_get_monotonic_time ();
  if (!sd_store_restore_tasks (store, removed, &error))
    g_error ("%s", error->message);
  g_print ("%-10s %6u tasks: ids %.3f s, remove %.3f s, restore %.3f s\n",
           what, removed->len, query_s, remove_s, seconds_since (start));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(SdStore) store = NULL;
  g_autoptr(GError) error = NULL;

  if (argc != 2)
    {
      g_printerr ("Usage: %s PATH\n", argv[0]);
      return 2;
    }
  store = sd_store_open (argv[1], NULL, &error);
  if (store == NULL)
    g_error ("%s", error->message);

  measure (store, "selection", SD_TASK_STATUS_FILTER_COMPLETED, 20);
  measure (store, "failed", SD_TASK_STATUS_FILTER_FAILED, 0);
  measure (store, "completed", SD_TASK_STATUS_FILTER_COMPLETED, 0);
  g_print ("bulk-remove: %" G_GINT64_FORMAT " tasks in the history after\n",
           sd_store_count (store, NULL));
  return 0;
}

/* bulk-remove.c: the time of acting on many tasks of a large history
 *
 * Usage: bulk-remove PATH (a history from make-history)
 *
 * What the results' bulk actions cost: the ids of a filtered view
 * (sd_store_query_ids(), as "Clear Completed…" and "Remove Failed…" read
 * them), removing them and putting them back (Undo). Twenty tasks (a
 * selection), every failed task and every completed one, each two ways in
 * turn: "before", the row-by-row transaction on the calling thread
 * (sd_store_remove_tasks(), sd_store_restore_tasks()), and "after", the
 * set-based one on the store's worker (sd_store_remove_tasks_async(),
 * sd_store_restore_removal_async()) while the main loop runs, with the
 * longest the main loop waited between two turns (against the same wait
 * with no work, before and after) and the process's CPU time. The
 * history ends as it was. BULK_REMOVE_BEFORE=0 skips "before".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "bulk-remove"

#include "config.h"

#include <sys/resource.h>

#include "sd-store-query.h"

typedef struct {
  gint64 wall;
  gint64 cpu;
} Clock;

static gint64
cpu_now (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * G_USEC_PER_SEC +
         usage.ru_utime.tv_usec + usage.ru_stime.tv_usec;
}

static Clock
clock_start (void)
{
  return (Clock) { g_get_monotonic_time (), cpu_now () };
}

static void
clock_print (const char *what,
             Clock       start)
{
  g_print (" %s %.3f s (cpu %.3f s)", what, (g_get_monotonic_time () - start.wall) / 1e6,
           (cpu_now () - start.cpu) / 1e6);
}

/* The main loop's turns while the worker works: the longest gap. */
typedef struct {
  GAsyncResult *result;
  gint64        last_turn;
  gint64        longest_gap;
} Waiting;

static gboolean
on_turn_cb (gpointer data)
{
  Waiting *waiting = data;
  gint64 now = g_get_monotonic_time ();

  waiting->longest_gap = MAX (waiting->longest_gap, now - waiting->last_turn);
  waiting->last_turn = now;
  return G_SOURCE_CONTINUE;
}

static void
on_done_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  ((Waiting *) data)->result = g_object_ref (result);
}

static GAsyncResult *
wait_for (Waiting *waiting)
{
  guint source = g_timeout_add (1, on_turn_cb, waiting);

  waiting->last_turn = g_get_monotonic_time ();
  while (waiting->result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (source);
  return waiting->result;
}

static gboolean
on_idle_over_cb (gpointer data)
{
  ((Waiting *) data)->result = (GAsyncResult *) g_task_new (NULL, NULL, NULL, NULL);
  return G_SOURCE_REMOVE;
}

static gpointer
spin_cb (gpointer data)
{
  volatile guint64 n = 0;

  while (!g_atomic_int_get ((gint *) data))
    n++;
  return NULL;
}

/* The same wait with no work, and with a thread of the process only
 * spinning: what the machine's load and a busy thread alone cost. */
static void
measure_idle_loop (void)
{
  Waiting idle = { 0 }, spinning = { 0 };
  gint stop = FALSE;
  GThread *thread;

  g_timeout_add (2000, on_idle_over_cb, &idle);
  wait_for (&idle);
  thread = g_thread_new ("spin", spin_cb, &stop);
  g_timeout_add (2000, on_idle_over_cb, &spinning);
  wait_for (&spinning);
  g_atomic_int_set (&stop, TRUE);
  g_thread_join (thread);
  g_print ("main loop for 2 s, longest gap: idle %.1f ms, beside a spinning thread %.1f ms\n",
           idle.longest_gap / 1e3, spinning.longest_gap / 1e3);
  g_clear_object (&idle.result);
  g_clear_object (&spinning.result);
}

static void
measure_before (SdStore    *store,
                char      **ids)
{
  g_autoptr(GPtrArray) removed = NULL;
  g_autoptr(GError) error = NULL;
  Clock start = clock_start ();

  if (!sd_store_remove_tasks (store, (const char * const *) ids, &removed, &error))
    g_error ("%s", error->message);
  clock_print ("remove", start);
  start = clock_start ();
  if (!sd_store_restore_tasks (store, removed, &error))
    g_error ("%s", error->message);
  clock_print ("undo", start);
}

static void
measure_after (SdStore  *store,
               char    **ids)
{
  g_autoptr(SdStoreRemoval) removal = NULL;
  g_autoptr(GPtrArray) restored = NULL;
  g_autoptr(GError) error = NULL;
  Waiting removing = { 0 }, restoring = { 0 };
  Clock start = clock_start ();

  sd_store_remove_tasks_async (store, (const char * const *) ids, NULL, on_done_cb, &removing);
  removal = sd_store_remove_tasks_finish (store, wait_for (&removing), &error);
  if (removal == NULL)
    g_error ("%s", error->message);
  clock_print ("remove", start);
  g_print (" (main loop %.1f ms)", removing.longest_gap / 1e3);

  start = clock_start ();
  sd_store_restore_removal_async (store, removal, NULL, NULL, on_done_cb, &restoring);
  restored = sd_store_restore_removal_finish (store, wait_for (&restoring), &error);
  if (restored == NULL)
    g_error ("%s", error->message);
  clock_print ("undo", start);
  g_print (" (main loop %.1f ms)", restoring.longest_gap / 1e3);
  g_clear_object (&removing.result);
  g_clear_object (&restoring.result);
}

static void
measure (SdStore    *store,
         const char *what,
         guint       statuses,
         guint       limit)
{
  g_autoptr(SdTaskQuery) query = sd_task_query_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) ids = NULL;
  Clock start = clock_start ();

  query->statuses = statuses;
  ids = sd_store_query_ids (store, query, &error);
  if (ids == NULL)
    g_error ("%s", error->message);
  if (limit > 0 && g_strv_length (ids) > limit)
    g_clear_pointer (&ids[limit], g_free);
  g_print ("%-10s %6u tasks:", what, g_strv_length (ids));
  clock_print ("ids", start);
  g_print ("\n");

  if (g_strcmp0 (g_getenv ("BULK_REMOVE_BEFORE"), "0") != 0)
    {
      g_print ("  before:");
      measure_before (store, ids);
      g_print ("\n");
    }
  g_print ("  after: ");
  measure_after (store, ids);
  g_print ("\n");
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

  measure_idle_loop ();
  measure (store, "selection", SD_TASK_STATUS_FILTER_COMPLETED, 20);
  measure (store, "failed", SD_TASK_STATUS_FILTER_FAILED, 0);
  measure (store, "completed", SD_TASK_STATUS_FILTER_COMPLETED, 0);
  measure_idle_loop ();
  g_print ("bulk-remove: %" G_GINT64_FORMAT " tasks in the history after\n",
           sd_store_count (store, NULL));
  return 0;
}

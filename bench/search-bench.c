/* search-bench.c: searching a large history, and building its index
 *
 * Usage:
 *   search-bench query PATH TEXT RUNS   first screen (50 tasks) of a search
 *   search-bench upgrade PATH           open a schema 4 history: builds the index
 *
 * "query" prints one line "query ms=… min_ms=… rows=… total=… main_ms=…"
 * (main_ms: the longest the main thread spent in one call of the async
 * query, which runs on a worker), then "sql <the SQL>", the statement the
 * store ran with its values written in, for the sqlite3 shell to run.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "search-bench"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "sd-store-query.h"

#define SCREEN 50

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static void
on_page_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

/* The longest the main thread is busy in one step of an async query:
 * starting it, and taking its result (waiting in between is idle). */
static double
main_thread_ms (SdStore           *store,
                const SdTaskQuery *query)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStore) reader = sd_store_open_reader (store, &error);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) tasks = NULL;
  SdStoreCursor cursor = SD_STORE_CURSOR_INIT;
  gint64 start, longest;

  if (reader == NULL)
    g_error ("%s", error->message);
  start = g_get_monotonic_time ();
  sd_store_query_page_async (reader, query, &cursor, SCREEN, NULL, on_page_cb, &result);
  longest = g_get_monotonic_time () - start;
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  start = g_get_monotonic_time ();
  tasks = sd_store_query_page_finish (reader, result, &cursor, NULL, &error);
  for (guint j = 0; tasks != NULL && j < tasks->len; j++)
    sd_task_get_request (g_ptr_array_index (tasks, j));
  longest = MAX (longest, g_get_monotonic_time () - start);
  if (tasks == NULL)
    g_error ("%s", error->message);
  return longest / 1000.0;
}

static int
run_query (const char *path,
           const char *text,
           guint       runs)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStore) store = sd_store_open (path, NULL, &error);
  g_autoptr(SdTaskQuery) query = sd_task_query_new ();
  SdStoreCursor start = SD_STORE_CURSOR_INIT;
  g_autofree double *times = g_new0 (double, runs);
  g_autofree char *sql = NULL;
  guint rows = 0;
  gint64 total;

  if (store == NULL)
    g_error ("%s", error->message);
  query->text = g_strdup (text);
  for (guint i = 0; i < runs; i++)
    {
      SdStoreCursor cursor = SD_STORE_CURSOR_INIT;
      gint64 begin = g_get_monotonic_time ();
      g_autoptr(GPtrArray) tasks = sd_store_query_page (store, query, &cursor, SCREEN, NULL, &error);

      times[i] = (g_get_monotonic_time () - begin) / 1000.0;
      if (tasks == NULL)
        g_error ("%s", error->message);
      /* what a row shows reads the request: parse it, as the list does */
      for (guint j = 0; j < tasks->len; j++)
        sd_task_get_request (g_ptr_array_index (tasks, j));
      rows = tasks->len;
    }
  qsort (times, runs, sizeof *times, compare_doubles);
  total = sd_store_query_count (store, query, &error);
  g_print ("query ms=%.3f min_ms=%.3f rows=%u total=%" G_GINT64_FORMAT " main_ms=%.3f\n",
           times[runs / 2], times[0], rows, total, main_thread_ms (store, query));
  sql = sd_store_query_to_sql (store, query, &start, SCREEN);
  /* as bytes: g_print() would turn the UTF-8 into the locale's charset */
  printf ("sql %s\n", sql);
  return 0;
}

static void
on_progress_cb (const char *what,
                double      fraction,
                gpointer    user_data)
{
  guint *calls = user_data;

  if (*calls == 0)
    g_printerr ("%s…\n", what);
  (*calls)++;
}

static int
run_upgrade (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStore) store = NULL;
  gint64 begin = g_get_monotonic_time ();
  guint calls = 0;

  store = sd_store_open_with_progress (path, NULL, on_progress_cb, &calls, NULL, &error);
  if (store == NULL)
    g_error ("%s", error->message);
  g_print ("upgrade ms=%.1f progress_calls=%u tasks=%" G_GINT64_FORMAT "\n",
           (g_get_monotonic_time () - begin) / 1000.0, calls, sd_store_count (store, NULL));
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 5 && g_str_equal (argv[1], "query"))
    return run_query (argv[2], argv[3], (guint) MAX (strtoul (argv[4], NULL, 10), 1));
  if (argc == 3 && g_str_equal (argv[1], "upgrade"))
    return run_upgrade (argv[2]);
  g_printerr ("Usage: %s query PATH TEXT RUNS | upgrade PATH\n", argv[0]);
  return 2;
}

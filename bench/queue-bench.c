/* queue-bench.c: 200 tasks through the local queue with a cap of 4
 *
 * Usage: queue-bench [TASKS [CAP]]   (200 and 4 by default)
 *
 * Queues TASKS tasks as takes of groups of 8 (SdService, max-active CAP)
 * against the simulator in this process (each task queued 200 ms, then
 * processing 300 ms on its real clock), with the schedule 10 times faster
 * than the app's (first query after 300 ms, backoff ceiling 3 s). Waits
 * until every task completed, then prints the most tasks the simulator saw
 * queued or processing at once, and each task's queries against the
 * schedule's bound for the time it was at the provider (the polls a fresh
 * schedule allows in that time, plus the one that saw it end). Exits 1
 * when the cap or the bound was broken.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "queue-bench"

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench-util.h"
#include "sd-catalog.h"
#include "sd-client.h"
#include "sd-service.h"
#include "sd-simulator-test.h"
#include "sd-store.h"

#define QUERY_PREFIX     "/api/open-api/v1/videos/"
#define FIRST_POLL_MS    300
#define MAX_POLL_MS      3000
#define POLL_GROWTH      1.5
#define QUEUED_MS        200
#define PROCESSING_MS    300
#define TAKES            8

typedef struct {
  GHashTable *queries;   /* provider id → count */
  GHashTable *sent_at;   /* SdTask → gint64 *, when it got its provider id */
  GHashTable *done_at;   /* SdTask → gint64 *, when it was seen completed */
  GPtrArray  *tasks;
} Bench;

static void
on_request_queued_cb (SoupSession *session,
                      SoupMessage *message,
                      Bench       *bench)
{
  const char *path = g_uri_get_path (soup_message_get_uri (message));
  guint count;

  if (!g_str_has_prefix (path, QUERY_PREFIX))
    return;
  path += strlen (QUERY_PREFIX);
  count = GPOINTER_TO_UINT (g_hash_table_lookup (bench->queries, path));
  g_hash_table_insert (bench->queries, g_strdup (path), GUINT_TO_POINTER (count + 1));
}

static void
on_status_cb (SdTask     *task,
              GParamSpec *pspec,
              Bench      *bench)
{
  gint64 now = g_get_monotonic_time ();
  SdTaskStatus status = sd_task_get_status (task);

  if ((status == SD_TASK_STATUS_QUEUED || status == SD_TASK_STATUS_PROCESSING) &&
      !g_hash_table_contains (bench->sent_at, task))
    g_hash_table_insert (bench->sent_at, task, g_memdup2 (&now, sizeof now));
  if (sd_task_get_is_finished (task) && status != SD_TASK_STATUS_UNCERTAIN &&
      !g_hash_table_contains (bench->done_at, task))
    g_hash_table_insert (bench->done_at, task, g_memdup2 (&now, sizeof now));
}

/* The queries a schedule allows in @elapsed µs: the first after
 * FIRST_POLL_MS, then growing by POLL_GROWTH up to MAX_POLL_MS. */
static guint
polls_allowed (gint64 elapsed)
{
  double interval = FIRST_POLL_MS * 1000.0;
  double at = interval;
  guint polls = 0;

  while (at <= elapsed)
    {
      polls++;
      interval = MIN (interval * POLL_GROWTH, MAX_POLL_MS * 1000.0);
      at += interval;
    }
  return polls;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdCatalog) catalog = sd_catalog_new ();
  g_autoptr(SdSimulator) sim = NULL;
  g_autoptr(SdClient) client = NULL;
  g_autoptr(SdStore) store = NULL;
  g_autoptr(SdService) service = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *db = NULL;
  Bench bench = { 0 };
  guint tasks = argc > 1 ? (guint) strtoul (argv[1], NULL, 10) : 200;
  guint cap = argc > 2 ? (guint) strtoul (argv[2], NULL, 10) : 4;
  guint total_queries = 0, over_bound = 0, max_queries = 0, total_bound = 0;
  gint64 start, cpu, deadline;
  double elapsed_s;

  sim = sd_simulator_new (catalog, &error);
  if (sim == NULL)
    g_error ("%s", error->message);
  sd_simulator_set_timing (sim, QUEUED_MS, PROCESSING_MS);
  dir = g_dir_make_tmp ("queue-bench-XXXXXX", &error);
  if (dir == NULL)
    g_error ("%s", error->message);
  db = g_build_filename (dir, "history.db", NULL);
  store = sd_store_open (db, NULL, &error);
  if (store == NULL)
    g_error ("%s", error->message);
  client = sd_client_new (sd_simulator_get_base_url (sim), sd_simulator_get_token (sim));
  service = sd_service_new (client, store, catalog, NULL);
  sd_service_set_network_monitor (service, NULL);
  g_object_set (service, "first-poll-delay", FIRST_POLL_MS, "max-poll-interval", MAX_POLL_MS,
                "max-active", cap, NULL);

  bench.queries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  bench.sent_at = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  bench.done_at = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  bench.tasks = g_ptr_array_new_with_free_func (g_object_unref);
  g_signal_connect (sd_client_get_session (client), "request-queued",
                    G_CALLBACK (on_request_queued_cb), &bench);

  start = g_get_monotonic_time ();
  cpu = bench_cpu_usec ();
  for (guint queued = 0; queued < tasks; queued += TAKES)
    {
      g_autoptr(SdRequest) request = sd_request_new ();
      g_autofree char *prompt = g_strdup_printf ("Queue benchmark group %u, a slow pan", queued / TAKES);
      g_autoptr(GPtrArray) group = NULL;

      sd_request_set_model (request, "seedance2.0-fast-i2v");
      sd_request_set_prompt (request, prompt);
      sd_request_set_duration (request, 5);
      sd_request_set_ratio (request, "16:9");
      group = sd_service_submit_takes (service, request, MIN (TAKES, tasks - queued), NULL, &error);
      if (group == NULL)
        g_error ("%s", error->message);
      for (guint i = 0; i < group->len; i++)
        {
          SdTask *task = g_ptr_array_index (group, i);

          g_signal_connect (task, "notify::status", G_CALLBACK (on_status_cb), &bench);
          g_ptr_array_add (bench.tasks, g_object_ref (task));
        }
    }

  deadline = start + (gint64) tasks * G_USEC_PER_SEC * 5;
  while (g_hash_table_size (bench.done_at) < tasks && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  elapsed_s = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  cpu = bench_cpu_usec () - cpu;

  for (guint i = 0; i < bench.tasks->len; i++)
    {
      SdTask *task = g_ptr_array_index (bench.tasks, i);
      gint64 *sent = g_hash_table_lookup (bench.sent_at, task);
      gint64 *done = g_hash_table_lookup (bench.done_at, task);
      guint queries = GPOINTER_TO_UINT (g_hash_table_lookup (bench.queries, sd_task_get_id (task)));
      guint bound = sent != NULL && done != NULL ? polls_allowed (*done - *sent) + 1 : 0;

      total_queries += queries;
      total_bound += bound;
      max_queries = MAX (max_queries, queries);
      if (queries > bound)
        over_bound++;
    }

  g_print ("summary tasks=%u cap=%u completed=%u created=%u creates_sent=%u "
           "max_at_provider=%u queries_per_task=%.2f max_queries=%u "
           "bound_per_task=%.2f over_bound=%u elapsed_s=%.1f cpu_ms=%.0f\n",
           tasks, cap, g_hash_table_size (bench.done_at), sd_simulator_get_task_count (sim),
           sd_simulator_get_request_count (sim, SD_SIMULATOR_STEP_CREATE),
           sd_simulator_get_max_active (sim), total_queries / (double) MAX (tasks, 1),
           max_queries, total_bound / (double) MAX (tasks, 1), over_bound, elapsed_s,
           cpu / 1000.0);

  {
    gboolean ok = sd_simulator_get_max_active (sim) <= cap && over_bound == 0 &&
                  g_hash_table_size (bench.done_at) == tasks &&
                  sd_simulator_get_task_count (sim) == tasks;

    g_clear_object (&service);
    g_hash_table_unref (bench.queries);
    g_hash_table_unref (bench.sent_at);
    g_hash_table_unref (bench.done_at);
    g_ptr_array_unref (bench.tasks);
    g_clear_object (&store);
    {
      g_autofree char *wal = g_strconcat (db, "-wal", NULL);
      g_autofree char *shm = g_strconcat (db, "-shm", NULL);

      g_unlink (db);
      g_unlink (wal);
      g_unlink (shm);
      g_rmdir (dir);
    }
    return ok ? 0 : 1;
  }
}

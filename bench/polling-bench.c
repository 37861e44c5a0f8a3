/* polling-bench.c: Benchmark 4, many open tasks on one shared schedule
 *
 * Usage: polling-bench BASE_URL TOKEN TASKS WINDOW_S SCALE
 *
 * Submits TASKS tasks through SdService to a sim-server (another process,
 * where they stay processing for longer than the window), with the
 * service's schedule SCALE times faster (first-poll-delay 3000/SCALE ms,
 * max-poll-interval 30000/SCALE ms), then lets it poll for WINDOW_S seconds
 * after the last submission. Every query the client's session sends is
 * counted per task; queries more than WINDOW_S after the task's own
 * submission are not counted. Prints one line per task ("task <queries>")
 * then "summary tasks=<n> window_s=<s> wait_cpu_ms=<CPU time during the
 * wait> wait_ms=<wall time of the wait> submit_ms=<time to submit all>".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "polling-bench"

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <stdlib.h>

#include "bench-util.h"
#include "sd-catalog.h"
#include "sd-client.h"
#include "sd-service.h"
#include "sd-store.h"

#define QUERY_PREFIX "/api/open-api/v1/videos/"

typedef struct {
  GMainLoop  *loop;
  SdService  *service;
  GHashTable *submitted;  /* id → gint64 * (µs, monotonic) */
  GHashTable *queries;    /* id → GArray of gint64 (µs, monotonic) */
  guint       pending;
  guint       failures;
} Bench;

static void
on_request_queued_cb (SoupSession *session,
                      SoupMessage *message,
                      Bench       *bench)
{
  const char *path = g_uri_get_path (soup_message_get_uri (message));
  GArray *times;
  gint64 now = g_get_monotonic_time ();

  if (!g_str_has_prefix (path, QUERY_PREFIX))
    return;
  path += strlen (QUERY_PREFIX);
  times = g_hash_table_lookup (bench->queries, path);
  if (times == NULL)
    {
      times = g_array_new (FALSE, FALSE, sizeof (gint64));
      g_hash_table_insert (bench->queries, g_strdup (path), times);
    }
  g_array_append_val (times, now);
}

static void
on_submitted_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Bench *bench = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SdTask) task = sd_service_submit_finish (bench->service, result, &error);

  if (task == NULL)
    {
      g_printerr ("submit: %s\n", error->message);
      bench->failures++;
    }
  else
    g_hash_table_insert (bench->submitted, g_strdup (sd_task_get_id (task)),
                         g_memdup2 (&(gint64) { g_get_monotonic_time () }, sizeof (gint64)));
  if (--bench->pending == 0)
    g_main_loop_quit (bench->loop);
}

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

static guint
count_within (GArray *times,
              gint64  from,
              gint64  window)
{
  guint n = 0;

  for (guint i = 0; times != NULL && i < times->len; i++)
    if (g_array_index (times, gint64, i) - from <= window)
      n++;
  return n;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *db = NULL;
  g_autoptr(SdStore) store = NULL;
  g_autoptr(SdCatalog) catalog = sd_catalog_new ();
  g_autoptr(SdClient) client = NULL;
  g_autofree char *wal = NULL;
  g_autofree char *shm = NULL;
  Bench bench = { 0 };
  GHashTableIter iter;
  gpointer key, value;
  guint tasks, window_s;
  double scale;
  gint64 start, wait_start, wait_cpu;

  if (argc != 6)
    {
      g_printerr ("Usage: %s BASE_URL TOKEN TASKS WINDOW_S SCALE\n", argv[0]);
      return 2;
    }
  tasks = (guint) strtoul (argv[3], NULL, 10);
  window_s = (guint) strtoul (argv[4], NULL, 10);
  scale = g_ascii_strtod (argv[5], NULL);

  dir = g_dir_make_tmp ("polling-bench-XXXXXX", &error);
  if (dir == NULL)
    g_error ("%s", error->message);
  db = g_build_filename (dir, "history.db", NULL);
  store = sd_store_open (db, NULL, &error);
  if (store == NULL)
    g_error ("%s", error->message);
  client = sd_client_new (argv[1], argv[2]);
  bench.loop = g_main_loop_new (NULL, FALSE);
  bench.service = sd_service_new (client, store, catalog, NULL);
  sd_service_set_network_monitor (bench.service, NULL);
  sd_service_set_online (bench.service, TRUE);
  g_object_set (bench.service,
                "first-poll-delay", (guint) (3000 / scale),
                "max-poll-interval", (guint) (30000 / scale),
                NULL);
  bench.submitted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  bench.queries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) g_array_unref);
  g_signal_connect (sd_client_get_session (client), "request-queued",
                    G_CALLBACK (on_request_queued_cb), &bench);

  start = g_get_monotonic_time ();
  bench.pending = tasks;
  for (guint i = 0; i < tasks; i++)
    {
      g_autoptr(SdRequest) request = sd_request_new ();
      g_autofree char *prompt = g_strdup_printf ("Benchmark task %u, a slow pan over hills", i);

      sd_request_set_model (request, "seedance2.0-fast-i2v");
      sd_request_set_prompt (request, prompt);
      sd_request_set_duration (request, 5);
      sd_request_set_ratio (request, "16:9");
      sd_service_submit_async (bench.service, request, NULL, on_submitted_cb, &bench);
    }
  g_main_loop_run (bench.loop);
  if (bench.failures > 0)
    g_error ("%u submissions failed", bench.failures);

  wait_start = g_get_monotonic_time ();
  wait_cpu = bench_cpu_usec ();
  g_timeout_add_seconds (window_s, quit_cb, bench.loop);
  g_main_loop_run (bench.loop);
  wait_cpu = bench_cpu_usec () - wait_cpu;

  g_hash_table_iter_init (&iter, bench.submitted);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_print ("task %u\n", count_within (g_hash_table_lookup (bench.queries, key),
                                        *(gint64 *) value, (gint64) window_s * G_USEC_PER_SEC));
  g_print ("summary tasks=%u window_s=%u wait_cpu_ms=%.3f wait_ms=%.3f submit_ms=%.3f\n",
           g_hash_table_size (bench.submitted), window_s, wait_cpu / 1000.0,
           (g_get_monotonic_time () - wait_start) / 1000.0, (wait_start - start) / 1000.0);

  g_clear_object (&bench.service);
  g_hash_table_unref (bench.submitted);
  g_hash_table_unref (bench.queries);
  g_main_loop_unref (bench.loop);
  g_unlink (db);
  wal = g_strconcat (db, "-wal", NULL);
  shm = g_strconcat (db, "-shm", NULL);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (dir);
  return 0;
}

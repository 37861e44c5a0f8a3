/* download-bench.c: Benchmark 3, one large download through
 * sd_download_file_async (the service's download path)
 *
 * Usage: download-bench URL DIRECTORY
 *        download-bench --in-process BYTES DIRECTORY
 *
 * The first form downloads URL (a sim-server in another process). The second
 * starts an SdSimulator in this process, on the same main loop, serving a
 * video of BYTES bytes, and downloads that. VmRSS is sampled every 20 ms
 * during the transfer. Prints "download bytes=<n> ms=<elapsed>
 * rss_start_kb=<n> rss_max_kb=<n> cpu_ms=<n>" and removes the file.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "download-bench"

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <stdlib.h>

#include "bench-util.h"
#include "sd-api.h"
#include "sd-client.h"
#include "sd-download.h"
#include "sd-simulator-test.h"

typedef struct {
  GMainLoop *loop;
  SdClient  *client;
  char      *url;
  char      *directory;
  char      *path;
  gint64     start_usec;
  gint64     start_cpu;
  gint64     rss_start_kb;
  gint64     rss_max_kb;
  guint64    received;
} Bench;

static gboolean
sample_rss_cb (gpointer user_data)
{
  Bench *bench = user_data;

  bench->rss_max_kb = MAX (bench->rss_max_kb, bench_status_kb ("VmRSS"));
  return G_SOURCE_CONTINUE;
}

static void
on_progress_cb (guint64  received,
                guint64  total,
                gpointer user_data)
{
  Bench *bench = user_data;

  bench->received = received;
}

static void
on_downloaded_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Bench *bench = user_data;
  g_autoptr(GError) error = NULL;
  GStatBuf st;

  bench->path = sd_download_file_finish (result, &error);
  if (bench->path == NULL)
    g_error ("download: %s", error->message);
  sample_rss_cb (bench);
  if (g_stat (bench->path, &st) != 0)
    g_error ("%s is missing", bench->path);
  g_print ("download bytes=%" G_GINT64_FORMAT " ms=%.3f rss_start_kb=%" G_GINT64_FORMAT
           " rss_max_kb=%" G_GINT64_FORMAT " cpu_ms=%.3f\n",
           (gint64) st.st_size, (bench_monotonic_usec () - bench->start_usec) / 1000.0,
           bench->rss_start_kb, bench->rss_max_kb,
           (bench_cpu_usec () - bench->start_cpu) / 1000.0);
  g_unlink (bench->path);
  g_main_loop_quit (bench->loop);
}

static void
start_download (Bench *bench)
{
  bench->rss_start_kb = bench->rss_max_kb = bench_status_kb ("VmRSS");
  g_timeout_add (20, sample_rss_cb, bench);
  bench->start_cpu = bench_cpu_usec ();
  bench->start_usec = bench_monotonic_usec ();
  sd_download_file_async (sd_client_get_session (bench->client), bench->url,
                          bench->directory, "bench.mp4", "bench",
                          on_progress_cb, bench, NULL, NULL,
                          on_downloaded_cb, bench);
}

static void
on_created_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Bench *bench = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SdApiCreateResult) created = sd_client_create_finish (bench->client, result, &error);

  if (created == NULL)
    g_error ("create: %s", error->message);
  bench->url = g_strdup_printf ("%s/videos/%s.mp4", sd_client_get_base_url (bench->client),
                                created->task_id);
  start_download (bench);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(SdSimulator) simulator = NULL;
  g_autoptr(SdCatalog) catalog = NULL;
  Bench bench = { 0 };

  if (argc != 3 && !(argc == 4 && g_str_equal (argv[1], "--in-process")))
    {
      g_printerr ("Usage: %s URL DIRECTORY | --in-process BYTES DIRECTORY\n", argv[0]);
      return 2;
    }
  bench.loop = g_main_loop_new (NULL, FALSE);

  if (argc == 4)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SdRequest) request = sd_request_new ();

      catalog = sd_catalog_new ();
      simulator = sd_simulator_new (catalog, &error);
      if (simulator == NULL)
        g_error ("%s", error->message);
      sd_simulator_set_timing (simulator, 0, 0);
      sd_simulator_set_video_size (simulator, g_ascii_strtoull (argv[2], NULL, 10));
      bench.directory = argv[3];
      bench.client = sd_client_new (sd_simulator_get_base_url (simulator),
                                    sd_simulator_get_token (simulator));
      sd_request_set_model (request, "seedance2.0-fast-i2v");
      sd_request_set_prompt (request, "A long benchmark video of the sea");
      sd_request_set_duration (request, 5);
      sd_request_set_ratio (request, "16:9");
      sd_client_create_async (bench.client, request, NULL, on_created_cb, &bench);
    }
  else
    {
      bench.url = g_strdup (argv[1]);
      bench.directory = argv[2];
      bench.client = sd_client_new ("http://127.0.0.1:9", NULL);
      start_download (&bench);
    }

  g_main_loop_run (bench.loop);
  g_main_loop_unref (bench.loop);
  g_object_unref (bench.client);
  g_free (bench.url);
  g_free (bench.path);
  return 0;
}

/* upload-bench.c: one large upload through SdUploader (streamed from disk)
 *
 * Usage: upload-bench BASE_URL TOKEN FILE
 *
 * Uploads FILE (a fresh cache: it is always sent) to the simulator at
 * BASE_URL (a sim-server in another process). VmRSS is sampled every 20 ms
 * during the transfer. Prints "upload bytes=<n> ms=<elapsed>
 * rss_start_kb=<n> rss_max_kb=<n> cpu_ms=<n> main_cpu_ms=<n>": the CPU of
 * the process (every thread) and of the main thread alone, whose main
 * loop a GUI needs for everything else.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "upload-bench"

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <sys/resource.h>

#include "bench-util.h"
#include "sd-client.h"
#include "sd-uploader.h"

typedef struct {
  GMainLoop  *loop;
  SdUploader *uploader;
  gint64      rss_max_kb;
} Bench;

static gint64
main_thread_cpu_usec (void)
{
  struct rusage usage;

  getrusage (RUSAGE_THREAD, &usage);
  return (gint64) (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * G_USEC_PER_SEC
         + usage.ru_utime.tv_usec + usage.ru_stime.tv_usec;
}

static gboolean
sample_rss_cb (gpointer user_data)
{
  Bench *bench = user_data;

  bench->rss_max_kb = MAX (bench->rss_max_kb, bench_status_kb ("VmRSS"));
  return G_SOURCE_CONTINUE;
}

static void
on_uploaded_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Bench *bench = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SdUpload) upload = sd_uploader_upload_finish (bench->uploader, result, &error);

  if (upload == NULL)
    g_error ("upload: %s", error->message);
  sample_rss_cb (bench);
  g_main_loop_quit (bench->loop);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(SdClient) client = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *cache = NULL;
  Bench bench = { 0 };
  gint64 start_usec, start_cpu, start_main_cpu, rss_start_kb;
  double transfer_ms, cpu_ms, main_cpu_ms;
  SdUpload *upload;
  guint sampler;

  if (argc != 4)
    g_error ("usage: upload-bench BASE_URL TOKEN FILE");

  dir = g_dir_make_tmp ("upload-bench-XXXXXX", NULL);
  cache = g_build_filename (dir, "uploads.json", NULL);
  client = sd_client_new (argv[1], argv[2]);
  bench.uploader = sd_uploader_new (client, cache);
  bench.loop = g_main_loop_new (NULL, FALSE);
  file = g_file_new_for_commandline_arg (argv[3]);

  rss_start_kb = bench.rss_max_kb = bench_status_kb ("VmRSS");
  start_usec = bench_monotonic_usec ();
  start_cpu = bench_cpu_usec ();
  start_main_cpu = main_thread_cpu_usec ();
  sampler = g_timeout_add (20, sample_rss_cb, &bench);
  upload = sd_uploader_upload_async (bench.uploader, file, SD_UPLOAD_KIND_IMAGE, NULL,
                                     on_uploaded_cb, &bench);
  g_object_ref (upload);
  g_main_loop_run (bench.loop);
  g_source_remove (sampler);

  transfer_ms = (bench_monotonic_usec () - start_usec) / 1000.0;
  cpu_ms = (bench_cpu_usec () - start_cpu) / 1000.0;
  main_cpu_ms = (main_thread_cpu_usec () - start_main_cpu) / 1000.0;
  /* the SHA-256 is taken after the answer: the link is cached once it is
   * done, before the process ends (as the CLI's would) */
  sd_uploader_flush_cache (bench.uploader);
  g_print ("upload bytes=%" G_GUINT64_FORMAT " ms=%.3f rss_start_kb=%" G_GINT64_FORMAT
           " rss_max_kb=%" G_GINT64_FORMAT " cpu_ms=%.3f main_cpu_ms=%.3f"
           " cached_ms=%.3f cpu_cached_ms=%.3f\n",
           sd_upload_get_total (upload), transfer_ms, rss_start_kb, bench.rss_max_kb, cpu_ms,
           main_cpu_ms, (bench_monotonic_usec () - start_usec) / 1000.0,
           (bench_cpu_usec () - start_cpu) / 1000.0);
  g_object_unref (upload);
  g_clear_object (&bench.uploader);
  g_unlink (cache);
  g_rmdir (dir);
  g_main_loop_unref (bench.loop);
  return 0;
}

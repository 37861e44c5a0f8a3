/* media-check-bench.c: pre-flight of 9 image links and 3 video links
 *
 * Every link is checked alone (a fresh checker: no cache), then all twelve
 * in one request. As they run in parallel, the whole should take little
 * more than the slowest single check (issue "Own media": at most 1.5×).
 * A 10 ms timer measures the longest the main loop went without turning.
 * The simulator answers each /media/ request SEEDANCE_BENCH_LATENCY_MS late
 * (default 100), as a host across a network would, from a thread of its
 * own: its side of the TLS handshakes is the far host's work, not ours.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>
#include <gst/gst.h>

#include "sd-catalog.h"
#include "sd-media-check.h"
#include "sd-request.h"
#include "sd-simulator-test.h"

#define N_IMAGES 9
#define N_VIDEOS 3
#define ROUNDS   3

typedef struct
{
  gint64 last_tick;
  gint64 longest_gap;
} Ticker;

static gboolean
on_tick_cb (gpointer data)
{
  Ticker *ticker = data;
  gint64 now = g_get_monotonic_time ();

  ticker->longest_gap = MAX (ticker->longest_gap, now - ticker->last_tick);
  ticker->last_tick = now;
  return G_SOURCE_CONTINUE;
}

static GBytes *
make_png (void)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 1024, 768);
  gchar *buffer = NULL;
  gsize size = 0;

  gdk_pixbuf_fill (pixbuf, 0x884422ff);
  if (!gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, "png", NULL, NULL))
    g_error ("cannot make a PNG");
  return g_bytes_new_take (buffer, size);
}

static GBytes *
make_webm (void)
{
  g_autofree char *dir = g_dir_make_tmp ("media-bench-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "clip.webm", NULL);
  g_autofree char *description = g_strdup_printf (
    "videotestsrc num-buffers=4 ! video/x-raw,width=720,height=720,framerate=2/1"
    " ! vp8enc deadline=1 ! webmmux ! filesink location=\"%s\"", path);
  g_autoptr(GstElement) pipeline = gst_parse_launch (description, NULL);
  g_autoptr(GstBus) bus = gst_element_get_bus (pipeline);
  g_autoptr(GstMessage) message = NULL;
  char *contents = NULL;
  gsize length = 0;

  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  message = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  if (message == NULL || GST_MESSAGE_TYPE (message) != GST_MESSAGE_EOS ||
      !g_file_get_contents (path, &contents, &length, NULL))
    g_error ("cannot make a WebM");
  g_unlink (path);
  g_rmdir (dir);
  return g_bytes_new_take (contents, length);
}

/* SEEDANCE_BENCH_PLAIN=1: over plain http, to see what TLS costs. */
static char *
media_url (SdSimulator *sim,
           const char  *name)
{
  if (g_getenv ("SEEDANCE_BENCH_PLAIN") != NULL)
    return g_strconcat (sd_simulator_get_base_url (sim), "/media/", name, NULL);
  return sd_simulator_get_media_url (sim, name);
}

static gboolean
result_arrived (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

static void
store_result_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  *(GAsyncResult **) data = g_object_ref (result);
}

/* Wall time of one check of @request, in µs, with a fresh checker. */
static gint64
time_check (SdSimulator *sim,
            SdCatalog   *catalog,
            SdRequest   *request,
            Ticker      *ticker,
            SdMediaCheckState *state)
{
  g_autoptr(SdMediaChecker) checker = sd_media_checker_new ();
  g_autoptr(SdMediaCheck) check = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  gint64 started;

  sd_media_checker_set_loopback_certificate (checker, sd_simulator_get_tls_certificate (sim));
  check = sd_media_check_new (checker, request, sd_catalog_lookup (catalog, sd_request_get_model (request)));
  started = g_get_monotonic_time ();
  if (ticker != NULL)
    ticker->last_tick = started;
  sd_media_check_run_async (check, NULL, store_result_cb, &result);
  while (!result_arrived (&result))
    g_main_context_iteration (NULL, TRUE);
  started = g_get_monotonic_time () - started;
  sd_media_check_run_finish (check, result, NULL);
  *state = sd_media_check_get_state (check);
  return started;
}

static SdRequest *
request_with (const char * const *images,
              const char * const *videos)
{
  SdRequest *request = sd_request_new ();

  /* A model without media rules of its own: the facts alone are wanted. */
  sd_request_set_model (request, "seedance2.0-sp");
  sd_request_set_prompt (request, "a bench");
  sd_request_set_images (request, images);
  sd_request_set_reference_videos (request, videos);
  return request;
}

typedef struct
{
  GMutex        lock;
  GCond         ready;
  gboolean      started;
  GMainContext *context;
  GMainLoop    *loop;
  SdSimulator  *sim;
  GPtrArray    *images;
  GPtrArray    *videos;
  gsize         png_size;
  gsize         webm_size;
  guint         latency;
} Server;

static gpointer
serve_thread (gpointer data)
{
  Server *server = data;
  g_autoptr(SdCatalog) catalog = NULL;
  g_autoptr(GBytes) png = make_png ();
  g_autoptr(GBytes) webm = make_webm ();

  g_main_context_push_thread_default (server->context);
  catalog = sd_catalog_new ();
  server->sim = sd_simulator_new (catalog, NULL);
  for (guint i = 0; i < N_IMAGES; i++)
    {
      g_autofree char *name = g_strdup_printf ("photo-%u.png", i + 1);

      sd_simulator_add_media (server->sim, name, "image/png", png, 0, server->latency, SD_SIMULATOR_MEDIA_NONE);
      g_ptr_array_add (server->images, media_url (server->sim, name));
    }
  for (guint i = 0; i < N_VIDEOS; i++)
    {
      g_autofree char *name = g_strdup_printf ("clip-%u.webm", i + 1);

      sd_simulator_add_media (server->sim, name, "video/webm", webm, 0, server->latency, SD_SIMULATOR_MEDIA_NONE);
      g_ptr_array_add (server->videos, media_url (server->sim, name));
    }
  g_ptr_array_add (server->images, NULL);
  g_ptr_array_add (server->videos, NULL);
  server->png_size = g_bytes_get_size (png);
  server->webm_size = g_bytes_get_size (webm);

  g_mutex_lock (&server->lock);
  server->started = TRUE;
  g_cond_signal (&server->ready);
  g_mutex_unlock (&server->lock);

  g_main_loop_run (server->loop);
  g_clear_object (&server->sim);
  g_main_context_pop_thread_default (server->context);
  return NULL;
}

static gboolean
on_quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(SdCatalog) catalog = NULL;
  g_autoptr(GTlsDatabase) database = NULL;
  const char *latency_text = g_getenv ("SEEDANCE_BENCH_LATENCY_MS");
  Server server = { 0 };
  GThread *thread;
  double worst_ratio = 0;
  Ticker ticker = { 0 };
  guint tick_id;
  GPtrArray *images, *videos;
  SdSimulator *sim;

  gst_init (&argc, &argv);
  /* The app's long-lived sessions hold the system's trust store; here the
   * checkers are made anew for each measure, so hold it as the app would. */
  database = g_tls_backend_get_default_database (g_tls_backend_get_default ());
  catalog = sd_catalog_new ();
  server.latency = latency_text != NULL ? (guint) g_ascii_strtoull (latency_text, NULL, 10) : 100;
  server.context = g_main_context_new ();
  server.loop = g_main_loop_new (server.context, FALSE);
  server.images = images = g_ptr_array_new_with_free_func (g_free);
  server.videos = videos = g_ptr_array_new_with_free_func (g_free);
  thread = g_thread_new ("media-host", serve_thread, &server);
  g_mutex_lock (&server.lock);
  while (!server.started)
    g_cond_wait (&server.ready, &server.lock);
  g_mutex_unlock (&server.lock);
  sim = server.sim;

  g_print ("media-check: %u images (%zu B PNG 1024x768), %u videos (%zu B WebM 720x720), "
           "%u ms latency a request\n", N_IMAGES, server.png_size, N_VIDEOS,
           server.webm_size, server.latency);
  tick_id = g_timeout_add (10, on_tick_cb, &ticker);
  for (guint round = 0; round < ROUNDS; round++)
    {
      g_autoptr(SdRequest) all = request_with ((const char * const *) images->pdata,
                                               (const char * const *) videos->pdata);
      gint64 slowest = 0, slowest_image = 0, slowest_video = 0, wall;
      SdMediaCheckState state;

      for (guint i = 0; i < N_IMAGES + N_VIDEOS; i++)
        {
          const char *one[] = { i < N_IMAGES ? images->pdata[i] : videos->pdata[i - N_IMAGES], NULL };
          g_autoptr(SdRequest) single = i < N_IMAGES ? request_with (one, NULL) : request_with (NULL, one);
          gint64 t = time_check (sim, catalog, single, NULL, &state);

          if (state != SD_MEDIA_CHECK_STATE_OK)
            g_error ("a single check did not pass (state %d)", state);
          slowest = MAX (slowest, t);
          if (i < N_IMAGES)
            slowest_image = MAX (slowest_image, t);
          else
            slowest_video = MAX (slowest_video, t);
        }
      ticker.longest_gap = 0;
      wall = time_check (sim, catalog, all, &ticker, &state);
      if (state != SD_MEDIA_CHECK_STATE_OK)
        g_error ("the whole check did not pass (state %d)", state);
      worst_ratio = MAX (worst_ratio, wall / (double) slowest);
      g_print ("round %u: slowest single %.1f ms (image %.1f, video %.1f); all 12 at once %.1f ms; "
               "ratio %.2f; longest main-loop gap %.1f ms\n", round + 1,
               slowest / 1000.0, slowest_image / 1000.0, slowest_video / 1000.0, wall / 1000.0,
               wall / (double) slowest, ticker.longest_gap / 1000.0);
    }
  g_source_remove (tick_id);

  g_main_context_invoke (server.context, on_quit_cb, server.loop);
  g_thread_join (thread);
  g_main_loop_unref (server.loop);
  g_main_context_unref (server.context);
  g_ptr_array_unref (images);
  g_ptr_array_unref (videos);

  g_print ("worst ratio %.2f (bound 1.5)\n", worst_ratio);
  return worst_ratio <= 1.5 ? 0 : 1;
}

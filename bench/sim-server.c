/* sim-server.c: the simulator in a process of its own, for benchmarks that
 * must not share a core and a main loop with the program they measure
 *
 * Usage: sim-server [--video-size BYTES] [--queued-ms MS] [--processing-ms MS]
 *                   [--make-video]
 *
 * Prints "base-url <url>" and "token <token>", then with --make-video creates
 * one task (zero queue and processing time unless set) and prints
 * "video-url <url>" once it has completed, then "ready". Then it serves until
 * its standard input closes; a line "counts" on it prints
 * "counts create=<n> query=<n> download=<n> cpu_ms=<CPU time of this process>".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sim-server"

#include "config.h"

#include <gio/gio.h>
#include <gio/gunixinputstream.h>
#include <stdio.h>

#include "bench-util.h"
#include "sd-api.h"
#include "sd-client.h"
#include "sd-simulator-test.h"

typedef struct {
  GMainLoop   *loop;
  SdSimulator *simulator;
  SdClient    *client;
  GDataInputStream *input;
} Server;

static void read_next_line (Server *server);

static void
on_line_read_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Server *server = user_data;
  g_autofree char *line = g_data_input_stream_read_line_finish (server->input, result,
                                                                 NULL, NULL);
  if (line == NULL)
    {
      g_main_loop_quit (server->loop);
      return;
    }
  if (g_str_equal (g_strstrip (line), "counts"))
    {
      g_print ("counts create=%u query=%u download=%u cpu_ms=%.3f\n",
               sd_simulator_get_request_count (server->simulator, SD_SIMULATOR_STEP_CREATE),
               sd_simulator_get_request_count (server->simulator, SD_SIMULATOR_STEP_QUERY),
               sd_simulator_get_request_count (server->simulator, SD_SIMULATOR_STEP_DOWNLOAD),
               bench_cpu_usec () / 1000.0);
      fflush (stdout);
    }
  read_next_line (server);
}

static void
read_next_line (Server *server)
{
  g_data_input_stream_read_line_async (server->input, G_PRIORITY_DEFAULT, NULL,
                                       on_line_read_cb, server);
}

static void
on_created_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Server *server = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SdApiCreateResult) created = sd_client_create_finish (server->client, result, &error);

  if (created == NULL)
    g_error ("create: %s", error->message);
  g_print ("video-url %s/videos/%s.mp4\nready\n",
           sd_simulator_get_base_url (server->simulator), created->task_id);
  fflush (stdout);
  read_next_line (server);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) options = g_option_context_new (NULL);
  g_autoptr(SdCatalog) catalog = sd_catalog_new ();
  g_autoptr(GInputStream) stdin_stream = g_unix_input_stream_new (0, FALSE);
  gint64 video_size = 0;
  int queued_ms = -1, processing_ms = -1;
  gboolean make_video = FALSE;
  Server server = { 0 };
  GOptionEntry entries[] = {
    { "video-size", 0, 0, G_OPTION_ARG_INT64, &video_size, "Video size in bytes", "BYTES" },
    { "queued-ms", 0, 0, G_OPTION_ARG_INT, &queued_ms, "Time a task stays queued", "MS" },
    { "processing-ms", 0, 0, G_OPTION_ARG_INT, &processing_ms, "Time a task stays processing", "MS" },
    { "make-video", 0, 0, G_OPTION_ARG_NONE, &make_video, "Create one finished task", NULL },
    { NULL }
  };

  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error))
    g_error ("%s", error->message);

  server.loop = g_main_loop_new (NULL, FALSE);
  server.simulator = sd_simulator_new (catalog, &error);
  if (server.simulator == NULL)
    g_error ("%s", error->message);
  server.input = g_data_input_stream_new (stdin_stream);
  if (video_size > 0)
    sd_simulator_set_video_size (server.simulator, (guint64) video_size);
  if (make_video && queued_ms < 0)
    queued_ms = processing_ms = 0;
  if (queued_ms >= 0)
    sd_simulator_set_timing (server.simulator, (guint) queued_ms,
                             (guint) MAX (processing_ms, 0));

  g_print ("base-url %s\ntoken %s\n", sd_simulator_get_base_url (server.simulator),
           sd_simulator_get_token (server.simulator));
  fflush (stdout);

  if (make_video)
    {
      g_autoptr(SdRequest) request = sd_request_new ();

      sd_request_set_model (request, "seedance2.0-fast-i2v");
      sd_request_set_prompt (request, "A long benchmark video of the sea");
      sd_request_set_duration (request, 5);
      sd_request_set_ratio (request, "16:9");
      server.client = sd_client_new (sd_simulator_get_base_url (server.simulator),
                                     sd_simulator_get_token (server.simulator));
      sd_client_create_async (server.client, request, NULL, on_created_cb, &server);
    }
  else
    {
      g_print ("ready\n");
      fflush (stdout);
      read_next_line (&server);
    }

  g_main_loop_run (server.loop);
  g_clear_object (&server.client);
  g_clear_object (&server.input);
  g_clear_object (&server.simulator);
  g_main_loop_unref (server.loop);
  return 0;
}

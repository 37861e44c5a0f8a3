/* queue-bench.c: 200 tasks through the local queue with a cap of 4
 *
 * Usage: queue-bench [TASKS [CAP [--window]]]   (200 and 4 by default)
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
 * With --window (needs a display), the service's list is shown as the
 * app's rows (SdTaskRow in a GtkListView) while the queue drains, the
 * frame clock kept running by a tick callback, and the longest frame
 * (before-paint to after-paint), the longest gap between frames and the
 * frames over 50 ms are printed too, after the same figures for 10 s of
 * the window ticking with nothing queued (the machine's own noise).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "queue-bench"

#include "config.h"

#include <adwaita.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench-util.h"
#include "sd-catalog.h"
#include "sd-client.h"
#include "sd-scroll-slice.h"
#include "sd-service.h"
#include "sd-gui-resources.h"
#include "sd-simulator-test.h"
#include "sd-store.h"
#include "sd-task-row.h"

#define QUERY_PREFIX     "/api/open-api/v1/videos/"
#define FIRST_POLL_MS    300
#define MAX_POLL_MS      3000
#define POLL_GROWTH      1.5
#define QUEUED_MS        200
#define PROCESSING_MS    300
#define TAKES            8
#define SLOW_FRAME_US    (50 * 1000)

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

/* The window: frames while the queue drains */

typedef struct {
  gint64 paint_start;
  gint64 last_frame;
  gint64 longest_frame;  /* µs, before-paint to after-paint */
  gint64 longest_gap;    /* µs between the ends of two frames */
  guint  frames;
  guint  slow_frames;    /* frames or gaps over SLOW_FRAME_US */
} Frames;

static void
on_before_paint_cb (GdkFrameClock *clock,
                    Frames        *frames)
{
  frames->paint_start = g_get_monotonic_time ();
}

static void
on_after_paint_cb (GdkFrameClock *clock,
                   Frames        *frames)
{
  gint64 now = g_get_monotonic_time ();
  gint64 work = frames->paint_start > 0 ? now - frames->paint_start : 0;
  gint64 gap = frames->last_frame > 0 ? now - frames->last_frame : 0;

  frames->frames++;
  frames->longest_frame = MAX (frames->longest_frame, work);
  frames->longest_gap = MAX (frames->longest_gap, gap);
  if (work > SLOW_FRAME_US || gap > SLOW_FRAME_US)
    {
      frames->slow_frames++;
      if (g_getenv ("BENCH_QUEUE_SLOW_FRAMES") != NULL)
        g_printerr ("slow frame %u: work %.1f ms, gap %.1f ms\n", frames->frames,
                    work / 1000.0, gap / 1000.0);
    }
  frames->last_frame = now;
}

/* Keeps the clock ticking: a frame every refresh, as an animation would. */
static gboolean
keep_ticking_cb (GtkWidget     *widget,
                 GdkFrameClock *clock,
                 gpointer       data)
{
  gtk_widget_queue_draw (widget);
  return G_SOURCE_CONTINUE;
}

static void
on_realize_cb (GtkWidget *window,
               Frames    *frames)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);

  g_signal_connect (clock, "before-paint", G_CALLBACK (on_before_paint_cb), frames);
  g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint_cb), frames);
}

static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item)
{
  gtk_list_item_set_child (item, sd_task_row_new ());
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *item)
{
  sd_task_row_set_task (SD_TASK_ROW (gtk_list_item_get_child (item)),
                        gtk_list_item_get_item (item));
}

static GtkWidget *
show_window (SdService *service,
             Frames    *frames)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkSelectionModel *selection;
  SdScrollSlice *rows;
  GtkWidget *window, *scroller, *view;

  gtk_init ();
  adw_init ();
  /* The row's template is in the GUI library's resources. */
  g_assert (sd_gui_get_resource () != NULL);
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row_cb), NULL);
  selection = GTK_SELECTION_MODEL (gtk_no_selection_new (
    g_object_ref (sd_service_get_tasks (service))));
  /* As SdWindow does: rows for what is seen and two screens more, not
   * for the 200 items GTK 4.8 would make (the window's 800 px / 56 + 1). */
  rows = sd_scroll_slice_new (selection, 15);
  g_object_unref (selection);
  view = gtk_list_view_new (GTK_SELECTION_MODEL (rows), factory);
  scroller = gtk_scrolled_window_new ();
  sd_scroll_slice_set_scroller (rows, GTK_SCROLLED_WINDOW (scroller));
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), view);
  window = adw_window_new ();
  adw_window_set_content (ADW_WINDOW (window), scroller);
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 800);
  g_signal_connect (window, "realize", G_CALLBACK (on_realize_cb), frames);
  gtk_widget_add_tick_callback (window, keep_ticking_cb, NULL, NULL);
  gtk_window_present (GTK_WINDOW (window));
  return window;
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
  gboolean with_window = argc > 3 && g_str_equal (argv[3], "--window");
  GtkWidget *window = NULL;
  Frames frames = { 0 };
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

  if (with_window)
    {
      window = show_window (service, &frames);
      /* the first frame is the window being made, not the queue */
      while (frames.frames == 0)
        g_main_context_iteration (NULL, TRUE);
      /* The reference: the same window, ticking, with nothing queued. */
      frames = (Frames) { 0 };
      deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
      while (g_get_monotonic_time () < deadline)
        g_main_context_iteration (NULL, TRUE);
      g_print ("idle window frames=%u longest_frame_ms=%.1f longest_gap_ms=%.1f over_50ms=%u\n",
               frames.frames, frames.longest_frame / 1000.0, frames.longest_gap / 1000.0,
               frames.slow_frames);
      frames = (Frames) { 0 };
    }

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
  if (window != NULL)
    g_print ("window frames=%u longest_frame_ms=%.1f longest_gap_ms=%.1f over_50ms=%u\n",
             frames.frames, frames.longest_frame / 1000.0, frames.longest_gap / 1000.0,
             frames.slow_frames);

  {
    gboolean ok = sd_simulator_get_max_active (sim) <= cap && over_bound == 0 &&
                  g_hash_table_size (bench.done_at) == tasks &&
                  sd_simulator_get_task_count (sim) == tasks;

    if (window != NULL)
      gtk_window_destroy (GTK_WINDOW (window));
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

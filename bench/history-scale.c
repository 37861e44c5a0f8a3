/* history-scale.c: Benchmark 2, opening a large history
 *
 * Usage: history-scale MODE PATH
 *
 *   plain    the reference: sqlite3 alone reads every column of every row,
 *            in the store's order, into memory (one struct and strings a row)
 *   model    sd_store_open + sd_store_load_tasks into a GListStore
 *   service  SdService: sd_service_load_history (the app's own path: the
 *            unfinished tasks and the newest SD_SERVICE_HISTORY_PAGE ones,
 *            the id index, the list model; "rows" is how many it holds)
 *   view     the service's list in a GtkListView of the app's SdTaskRow in a
 *            window, until its first frame is painted (needs a display)
 *   posters  the same, with poster frames on (an SdPosterLoader, as SdWindow
 *            has; the tasks' files are the video BENCH_HISTORY_VIDEO named)
 *   labels   the same list with a plain GtkLabel of the prompt as each row:
 *            what the list costs without the app's row widget
 *
 * Prints one line: "<mode> rows=<n> ms=<elapsed> hwm_kb=<peak RSS>
 * base_kb=<RSS before loading> cpu_ms=<CPU time>". The clock starts after
 * the toolkit is initialised, before the database is opened.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "history-scale"

#include "config.h"

#include <adwaita.h>
#include <sqlite3.h>
#include <stdio.h>

#include "bench-util.h"
#include "sd-catalog.h"
#include "sd-client.h"
#include "sd-gui-resources.h"
#include "sd-service.h"
#include "sd-store.h"
#include "sd-poster-loader.h"
#include "sd-task-row-test.h"

typedef struct {
  char   *columns[12];
  gint64  numbers[12];
} PlainRow;

#define WINDOW_HEIGHT 640

static gint64 start_usec;
static gint64 start_cpu;
static gint64 base_kb;

static void
report (const char *mode,
        guint       rows)
{
  gint64 elapsed = bench_monotonic_usec () - start_usec;

  g_print ("%s rows=%u ms=%.3f hwm_kb=%" G_GINT64_FORMAT " base_kb=%" G_GINT64_FORMAT
           " cpu_ms=%.3f\n",
           mode, rows, elapsed / 1000.0, bench_status_kb ("VmHWM"), base_kb,
           (bench_cpu_usec () - start_cpu) / 1000.0);
}

static void
start_clock (void)
{
  base_kb = bench_status_kb ("VmRSS");
  start_cpu = bench_cpu_usec ();
  start_usec = bench_monotonic_usec ();
}

static int
run_plain (const char *path)
{
  g_autoptr(GArray) rows = g_array_new (FALSE, TRUE, sizeof (PlainRow));
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  start_clock ();
  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (db,
                          "SELECT id, request, status, status_raw, server_model, "
                          "created_at, updated_at, failure_message, video_url, "
                          "local_file, download_state, download_error FROM tasks "
                          "ORDER BY created_at DESC, rowid DESC",
                          -1, &stmt, NULL) != SQLITE_OK)
    g_error ("%s", sqlite3_errmsg (db));

  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      PlainRow row = { 0 };

      for (int i = 0; i < 12; i++)
        {
          if (sqlite3_column_type (stmt, i) == SQLITE_INTEGER)
            row.numbers[i] = sqlite3_column_int64 (stmt, i);
          else
            row.columns[i] = g_strdup ((const char *) sqlite3_column_text (stmt, i));
        }
      g_array_append_val (rows, row);
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  report ("plain", rows->len);

  for (guint i = 0; i < rows->len; i++)
    for (int c = 0; c < 12; c++)
      g_free (g_array_index (rows, PlainRow, i).columns[c]);
  return 0;
}

static SdStore *
open_store (const char *path)
{
  g_autoptr(GError) error = NULL;
  SdStore *store = sd_store_open (path, NULL, &error);

  if (store == NULL)
    g_error ("%s", error->message);
  return store;
}

static int
run_model (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStore) store = NULL;
  g_autoptr(GPtrArray) tasks = NULL;
  g_autoptr(GListStore) model = g_list_store_new (SD_TYPE_TASK);

  start_clock ();
  store = open_store (path);
  tasks = sd_store_load_tasks (store, &error);
  if (tasks == NULL)
    g_error ("%s", error->message);
  g_list_store_splice (model, 0, 0, tasks->pdata, tasks->len);
  report ("model", g_list_model_get_n_items (G_LIST_MODEL (model)));
  return 0;
}

static SdService *
load_service (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStore) store = open_store (path);
  g_autoptr(SdCatalog) catalog = sd_catalog_new ();
  g_autoptr(SdClient) client = sd_client_new ("http://127.0.0.1:9", "sk_bench");
  SdService *service = sd_service_new (client, store, catalog, NULL);

  sd_service_set_network_monitor (service, NULL);
  if (!sd_service_load_history (service, &error))
    g_error ("%s", error->message);
  return service;
}

static int
run_service (const char *path)
{
  g_autoptr(SdService) service = NULL;

  start_clock ();
  service = load_service (path);
  report ("service", g_list_model_get_n_items (sd_service_get_tasks (service)));
  return 0;
}

/* "posters": the rows get poster frames, as in SdWindow. */
static SdPosterLoader *poster_loader;

static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item)
{
  GtkWidget *row = sd_task_row_new ();

  sd_task_row_set_poster_loader (SD_TASK_ROW (row), poster_loader);
  gtk_list_item_set_child (item, row);
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *item)
{
  sd_task_row_set_task (SD_TASK_ROW (gtk_list_item_get_child (item)),
                        gtk_list_item_get_item (item));
}

static gboolean plain_labels;

static void
setup_label_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_list_item_set_child (item, label);
}

static void
bind_label_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item)
{
  SdTask *task = gtk_list_item_get_item (item);

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)),
                      sd_request_get_prompt (sd_task_get_request (task)));
}

static void
on_after_paint_cb (GdkFrameClock *clock,
                   GMainLoop     *loop)
{
  g_signal_handlers_disconnect_by_func (clock, on_after_paint_cb, loop);
  g_main_loop_quit (loop);
}

static void
on_realize_cb (GtkWidget *window,
               GMainLoop *loop)
{
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint",
                    G_CALLBACK (on_after_paint_cb), loop);
}

typedef struct {
  GtkWidget *scroller;
  guint      seen;
  guint      shown;
} PosterCount;

static void
count_posters (GtkWidget   *widget,
               PosterCount *count)
{
  graphene_rect_t bounds;

  if (SD_IS_TASK_ROW (widget))
    {
      GtkWidget *poster = sd_task_row_get_part (SD_TASK_ROW (widget), "poster");

      if (gtk_widget_is_visible (poster) && gtk_widget_compute_bounds (widget, count->scroller, &bounds) &&
          bounds.origin.y + bounds.size.height > 0 && bounds.origin.y < gtk_widget_get_height (count->scroller))
        {
          count->seen++;
          count->shown += gtk_picture_get_paintable (GTK_PICTURE (poster)) != NULL;
        }
      return;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    count_posters (child, count);
}

static gboolean
on_wake_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* After the first frame: until every row seen shows its poster frame. */
static void
wait_for_posters (GtkWidget *scroller)
{
  guint wake = g_timeout_add (5, on_wake_cb, NULL);
  gint64 limit = bench_monotonic_usec () + 60 * G_USEC_PER_SEC;
  PosterCount count = { scroller, 0, 0 };

  while (bench_monotonic_usec () < limit)
    {
      count.seen = count.shown = 0;
      count_posters (scroller, &count);
      if (count.seen > 0 && count.shown == count.seen)
        break;
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (wake);
  g_print ("poster-frames seen=%u shown=%u ms=%.3f\n", count.seen, count.shown,
           (bench_monotonic_usec () - start_usec) / 1000.0);
}

static int
run_view (const char *path)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(SdService) service = NULL;
  GtkListItemFactory *factory;
  GtkSelectionModel *selection;
  GtkWidget *window, *scroller, *view;

  gtk_init ();
  adw_init ();
  /* The GUI library's resources, as SdWindow has them: they only
   * register themselves when something names them. */
  g_assert (sd_gui_get_resource () != NULL);
  g_type_ensure (SD_TYPE_TASK_ROW);

  start_clock ();
  service = load_service (path);
  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup",
                    plain_labels ? G_CALLBACK (setup_label_cb) : G_CALLBACK (setup_row_cb), NULL);
  g_signal_connect (factory, "bind",
                    plain_labels ? G_CALLBACK (bind_label_cb) : G_CALLBACK (bind_row_cb), NULL);
  /* As SdWindow does: as many tasks as the window's height can show (at
   * least 56 px a row) until the first frame is painted (it then sets the
   * slice's size to G_MAXUINT from an idle). */
  selection = GTK_SELECTION_MODEL (gtk_single_selection_new (G_LIST_MODEL (
    gtk_slice_list_model_new (g_object_ref (sd_service_get_tasks (service)), 0,
                              WINDOW_HEIGHT / 56 + 1))));
  view = gtk_list_view_new (selection, factory);
  scroller = gtk_scrolled_window_new ();
  if (poster_loader != NULL)
    sd_poster_loader_set_scroller (poster_loader, GTK_SCROLLED_WINDOW (scroller));
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), view);
  window = adw_window_new ();
  adw_window_set_content (ADW_WINDOW (window), scroller);
  gtk_window_set_default_size (GTK_WINDOW (window), 900, WINDOW_HEIGHT);
  g_signal_connect (window, "realize", G_CALLBACK (on_realize_cb), loop);
  gtk_window_present (GTK_WINDOW (window));
  g_main_loop_run (loop);
  report (plain_labels ? "labels" : poster_loader != NULL ? "posters" : "view",
          g_list_model_get_n_items (sd_service_get_tasks (service)));
  if (poster_loader != NULL)
    wait_for_posters (scroller);
  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  if (argc != 3)
    {
      g_printerr ("Usage: %s plain|model|service|view|posters|labels PATH\n", argv[0]);
      return 2;
    }
  if (g_str_equal (argv[1], "plain"))
    return run_plain (argv[2]);
  if (g_str_equal (argv[1], "model"))
    return run_model (argv[2]);
  if (g_str_equal (argv[1], "service"))
    return run_service (argv[2]);
  if (g_str_equal (argv[1], "view"))
    return run_view (argv[2]);
  if (g_str_equal (argv[1], "posters"))
    {
      g_autoptr(SdPosterLoader) loader = sd_poster_loader_new ();

      poster_loader = loader;
      return run_view (argv[2]);
    }
  if (g_str_equal (argv[1], "labels"))
    {
      plain_labels = TRUE;
      return run_view (argv[2]);
    }
  g_printerr ("Unknown mode %s\n", argv[1]);
  return 2;
}

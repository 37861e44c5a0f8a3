/* test-history-gui.c: finding and keeping tasks in the results, driven
 * by the accessible names of the search entry and the filter button
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-history-gui"

#include "config.h"

#include <adwaita.h>

#include "sd-context.h"
#include "sd-demo.h"
#include "sd-service.h"
#include "sd-simulator-test.h"
#include "sd-store.h"
#include "sd-window.h"

typedef struct
{
  SdContext *context;
  SdWindow  *window;
} Fixture;

static gboolean
on_tick_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Conditions of the list may change with nothing else to wake the loop:
 * a tick looks again. */
static void
run_until (gboolean (*condition) (gpointer data),
           gpointer   data)
{
  guint tick = g_timeout_add (20, on_tick_cb, NULL);

  while (!condition (data))
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

static void
on_started_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (sd_context_start_finish (SD_CONTEXT (source), result, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

typedef struct
{
  const char   *id;
  const char   *prompt;
  SdTaskStatus  status;
} StoredTask;

/* Newest last: each a second after the one before. */
static const StoredTask stored_tasks[] = {
  { "task-lighthouse", "A lighthouse in a storm", SD_TASK_STATUS_COMPLETED },
  { "task-rain", "雨中的女孩在街上奔跑", SD_TASK_STATUS_COMPLETED },
  { "task-kite", "A kite over the dunes", SD_TASK_STATUS_FAILED },
  { "task-harbour", "Boats in a harbour at dawn", SD_TASK_STATUS_FAILED },
  { "task-forest", "A fox in a snowy forest", SD_TASK_STATUS_COMPLETED },
};

static void
store_tasks (Fixture *fixture)
{
  SdService *service = sd_context_get_service (fixture->context);
  g_autoptr(SdStore) store = NULL;
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_object_get (service, "store", &store, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (stored_tasks); i++)
    {
      g_autoptr(SdRequest) request = sd_request_new ();
      g_autoptr(SdTask) task = NULL;

      sd_request_set_model (request, "seedance2.0-std");
      sd_request_set_prompt (request, stored_tasks[i].prompt);
      task = sd_task_new (stored_tasks[i].id, request);
      sd_task_set_status (task, stored_tasks[i].status,
                          stored_tasks[i].status == SD_TASK_STATUS_FAILED ? "failed" : "succeeded");
      sd_task_set_created_at (task, now - 100 + i);
      g_assert_true (sd_store_save_task (store, task, &error));
      g_assert_no_error (error);
    }
  g_assert_true (sd_service_load_history (service, &error));
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  gboolean started = FALSE;

  fixture->context = sd_demo_context_new (&error);
  g_assert_no_error (error);
  sd_simulator_set_timing (sd_demo_get_simulator (fixture->context), 50, 100);
  sd_context_start_async (fixture->context, NULL, on_started_cb, &started);
  run_until (is_true, &started);
  store_tasks (fixture);

  fixture->window = sd_window_new (NULL, fixture->context);
  g_object_ref_sink (fixture->window);
  sd_window_set_ready (fixture->window, TRUE);
  gtk_window_present (GTK_WINDOW (fixture->window));
  sd_window_show_results (fixture->window);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  g_clear_object (&fixture->window);
  g_clear_object (&fixture->context);
}

/* The widget a screen reader names @name. */
static GtkWidget *
find_named (GtkWidget  *widget,
            const char *name)
{
  g_autofree char *mismatch = NULL;

  /* What a closed popover holds is not on screen (GTK 4.18 keeps it in the
   * tree: the model picker has a search entry of its own). */
  if (GTK_IS_POPOVER (widget) && !gtk_widget_get_visible (widget))
    return NULL;
  mismatch = gtk_test_accessible_check_property (GTK_ACCESSIBLE (widget),
                                                 GTK_ACCESSIBLE_PROPERTY_LABEL, name);
  if (mismatch == NULL)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_named (child, name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
get_named (Fixture    *fixture,
           const char *name)
{
  GtkWidget *widget = find_named (GTK_WIDGET (fixture->window), name);
  GtkWidget *entry;

  g_assert_nonnull (widget);
  /* GTK 4.18 names a search entry's text part after the entry too */
  entry = gtk_widget_get_ancestor (widget, GTK_TYPE_SEARCH_ENTRY);
  return entry != NULL ? entry : widget;
}

static GListModel *
get_shown (Fixture *fixture)
{
  GObject *selection = gtk_widget_get_template_child (GTK_WIDGET (fixture->window),
                                                      SD_TYPE_WINDOW, "selection");

  return G_LIST_MODEL (selection);
}

static const char *
get_page (Fixture *fixture)
{
  GObject *stack = gtk_widget_get_template_child (GTK_WIDGET (fixture->window),
                                                  SD_TYPE_WINDOW, "results_stack");

  return gtk_stack_get_visible_child_name (GTK_STACK (stack));
}

typedef struct
{
  Fixture            *fixture;
  const char * const *ids;  /* newest first */
  const char         *page;
} Expected;

/* The list shows @ids exactly, on the page named. */
static gboolean
shows (gpointer data)
{
  Expected *expected = data;
  GListModel *shown = get_shown (expected->fixture);
  guint n_ids = g_strv_length ((char **) expected->ids);

  if (g_strcmp0 (get_page (expected->fixture), expected->page) != 0 ||
      g_list_model_get_n_items (shown) != n_ids)
    return FALSE;
  for (guint i = 0; i < n_ids; i++)
    {
      g_autoptr(SdTask) task = g_list_model_get_item (shown, i);

      if (g_strcmp0 (sd_task_get_id (task), expected->ids[i]) != 0)
        return FALSE;
    }
  return TRUE;
}

static void
wait_for (Fixture            *fixture,
          const char         *page,
          const char * const *ids)
{
  Expected expected = { fixture, ids, page };

  run_until (shows, &expected);
}

static gboolean
is_focused (gpointer data)
{
  GtkWidget *focus = gtk_root_get_focus (gtk_widget_get_root (data));

  /* the entry's text is the focus */
  return focus != NULL && (focus == data || gtk_widget_is_ancestor (focus, data));
}

static const char * const all_ids[] = {
  "task-forest", "task-harbour", "task-kite", "task-rain", "task-lighthouse", NULL
};

static void
test_search_finds_words (Fixture       *fixture,
                         gconstpointer  user_data)
{
  GtkWidget *entry = get_named (fixture, "Search");

  g_assert_true (GTK_IS_SEARCH_ENTRY (entry));
  wait_for (fixture, "list", all_ids);

  /* Ctrl+F */
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.find", NULL);
  g_assert_true (gtk_search_bar_get_search_mode (GTK_SEARCH_BAR (gtk_widget_get_ancestor (entry, GTK_TYPE_SEARCH_BAR))));
  run_until (is_focused, entry);

  gtk_editable_set_text (GTK_EDITABLE (entry), "lighthouse");
  wait_for (fixture, "list", (const char *[]) { "task-lighthouse", NULL });

  /* any case, and a Chinese word of three characters (the index) */
  gtk_editable_set_text (GTK_EDITABLE (entry), "STORM");
  wait_for (fixture, "list", (const char *[]) { "task-lighthouse", NULL });
  gtk_editable_set_text (GTK_EDITABLE (entry), "女孩在");
  wait_for (fixture, "list", (const char *[]) { "task-rain", NULL });
  /* and of two (a scan) */
  gtk_editable_set_text (GTK_EDITABLE (entry), "街上");
  wait_for (fixture, "list", (const char *[]) { "task-rain", NULL });

  /* emptied, the list is the service's again */
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  wait_for (fixture, "list", all_ids);
  g_assert_true (get_shown (fixture) != NULL);
}

static void
test_filter_to_failed (Fixture       *fixture,
                       gconstpointer  user_data)
{
  GtkWidget *filter = get_named (fixture, "Filter");
  GtkWidget *entry = get_named (fixture, "Search");

  g_assert_true (GTK_IS_MENU_BUTTON (filter));
  g_assert_nonnull (gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (filter)));

  g_assert_true (gtk_widget_activate_action (filter, "history.status", "s", "failed"));
  wait_for (fixture, "list", (const char *[]) { "task-harbour", "task-kite", NULL });

  /* with a search: both hold */
  gtk_editable_set_text (GTK_EDITABLE (entry), "kite");
  wait_for (fixture, "list", (const char *[]) { "task-kite", NULL });
  gtk_editable_set_text (GTK_EDITABLE (entry), "lighthouse");
  wait_for (fixture, "no-match", (const char *[]) { NULL });

  /* a task from today: the date filter keeps it */
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  g_assert_true (gtk_widget_activate_action (filter, "history.date", "s", "today"));
  wait_for (fixture, "list", (const char *[]) { "task-harbour", "task-kite", NULL });

  g_assert_true (gtk_widget_activate_action (filter, "history.status", "s", "all"));
  g_assert_true (gtk_widget_activate_action (filter, "history.date", "s", "any"));
  wait_for (fixture, "list", all_ids);
}

/* Shown, or about to be at the next frame. */
static gboolean
is_shown (GtkWidget *widget)
{
  for (; widget != NULL; widget = gtk_widget_get_parent (widget))
    if (!gtk_widget_get_visible (widget) || !gtk_widget_get_child_visible (widget))
      {
        return FALSE;
      }
  return TRUE;
}

static gboolean
find_label (GtkWidget  *widget,
            const char *text)
{
  if (GTK_IS_LABEL (widget) &&
      g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0 && is_shown (widget))
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (find_label (child, text))
      return TRUE;
  return FALSE;
}

typedef struct
{
  Fixture    *fixture;
  const char *text;
} LabelSearch;

static gboolean
shows_label (gpointer data)
{
  LabelSearch *search = data;

  return find_label (GTK_WIDGET (search->fixture->window), search->text);
}

static void
wait_for_label (Fixture    *fixture,
                const char *text)
{
  LabelSearch search = { fixture, text };

  run_until (shows_label, &search);
}

static GtkWidget *
find_button (GtkWidget  *widget,
             const char *action_name)
{
  if (GTK_IS_BUTTON (widget) && is_shown (widget) &&
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action_name) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, action_name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
has_clear_button (gpointer data)
{
  Fixture *fixture = data;

  return find_button (GTK_WIDGET (fixture->window), "history.clear") != NULL;
}

static void
test_no_match_and_clear (Fixture       *fixture,
                         gconstpointer  user_data)
{
  GtkWidget *filter = get_named (fixture, "Filter");
  GtkWidget *entry = get_named (fixture, "Search");
  GtkWidget *clear;

  g_assert_true (gtk_widget_activate_action (filter, "history.status", "s", "failed"));
  wait_for (fixture, "list", (const char *[]) { "task-harbour", "task-kite", NULL });
  /* the filter is said above the list */
  wait_for_label (fixture, "Failed");

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.find", NULL);
  gtk_editable_set_text (GTK_EDITABLE (entry), "zeppelin");
  wait_for (fixture, "no-match", (const char *[]) { NULL });
  wait_for_label (fixture, "No tasks match “zeppelin”.");

  /* one click clears the search and the filter */
  run_until (has_clear_button, fixture);
  clear = find_button (GTK_WIDGET (fixture->window), "history.clear");
  g_signal_emit_by_name (clear, "clicked");
  wait_for (fixture, "list", all_ids);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "");
  g_assert_false (find_label (GTK_WIDGET (fixture->window), "Failed"));
}

static gboolean
is_stored_favourite (Fixture    *fixture,
                     const char *id)
{
  g_autoptr(SdStore) store = NULL;
  g_autoptr(GPtrArray) tasks = NULL;
  g_autoptr(GError) error = NULL;

  g_object_get (sd_context_get_service (fixture->context), "store", &store, NULL);
  tasks = sd_store_load_tasks (store, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < tasks->len; i++)
    if (g_strcmp0 (sd_task_get_id (tasks->pdata[i]), id) == 0)
      return sd_task_get_favourite (tasks->pdata[i]);
  g_assert_not_reached ();
}

static gboolean
is_text_focused (gpointer data)
{
  Fixture *fixture = data;

  return GTK_IS_TEXT_VIEW (gtk_root_get_focus (GTK_ROOT (fixture->window)));
}

static void
test_star_selected (Fixture       *fixture,
                    gconstpointer  user_data)
{
  GtkWidget *filter = get_named (fixture, "Filter");
  GObject *selection = gtk_widget_get_template_child (GTK_WIDGET (fixture->window),
                                                      SD_TYPE_WINDOW, "selection");
  SdTask *kite;

  wait_for (fixture, "list", all_ids);
  gtk_selection_model_select_item (GTK_SELECTION_MODEL (selection), 2, TRUE);
  kite = g_list_model_get_item (G_LIST_MODEL (selection), 2);
  g_object_unref (kite);
  g_assert_cmpstr (sd_task_get_id (kite), ==, "task-kite");
  g_assert_false (sd_task_get_favourite (kite));

  /* Ctrl+D while typing a prompt is the text's */
  gtk_widget_grab_focus (GTK_WIDGET (gtk_widget_get_template_child (
    GTK_WIDGET (sd_window_get_composer (fixture->window)), SD_TYPE_COMPOSER, "prompt_view")));
  run_until (is_text_focused, fixture);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window),
                                             "win.toggle-favourite-selected", NULL));
  g_assert_false (sd_task_get_favourite (kite));
  g_assert_false (is_stored_favourite (fixture, "task-kite"));
  gtk_widget_grab_focus (GTK_WIDGET (gtk_widget_get_template_child (
    GTK_WIDGET (fixture->window), SD_TYPE_WINDOW, "list_view")));

  /* Ctrl+D */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window),
                                             "win.toggle-favourite-selected", NULL));
  g_assert_true (sd_task_get_favourite (kite));
  g_assert_true (is_stored_favourite (fixture, "task-kite"));
  g_assert_false (is_stored_favourite (fixture, "task-rain"));

  /* the favourites filter finds it, and the star comes off there too */
  g_assert_true (gtk_widget_activate_action (filter, "history.favourites", NULL));
  wait_for (fixture, "list", (const char *[]) { "task-kite", NULL });
  gtk_selection_model_select_item (GTK_SELECTION_MODEL (selection), 0, TRUE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window),
                                             "win.toggle-favourite-selected", NULL));
  g_assert_false (is_stored_favourite (fixture, "task-kite"));
  g_assert_false (sd_task_get_favourite (kite));
}

/* A task removed from a filtered list leaves it, and Undo brings it back. */
static void
test_remove_from_search_and_undo (Fixture       *fixture,
                                  gconstpointer  user_data)
{
  GtkWidget *filter = get_named (fixture, "Filter");

  g_assert_true (gtk_widget_activate_action (filter, "history.status", "s", "failed"));
  wait_for (fixture, "list", (const char *[]) { "task-harbour", "task-kite", NULL });

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window),
                                             "win.remove-task", "s", "task-kite"));
  wait_for (fixture, "list", (const char *[]) { "task-harbour", NULL });
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window),
                                             "win.undo-remove", "s", "task-kite"));
  wait_for (fixture, "list", (const char *[]) { "task-harbour", "task-kite", NULL });
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GStrvBuilder) mime_dirs = g_strv_builder_new ();
  g_auto(GStrv) mime_dir_list = NULL;

  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  /* GTK's own accessibility backend: the names are read from it */
  g_setenv ("GTK_A11Y", "test", TRUE);
  /* GTK 4.8 loads SVG icons by their MIME type, from the system's
   * database that the isolated data dirs hide. */
  for (const char * const *dir = g_get_system_data_dirs (); *dir != NULL; dir++)
    {
      g_autofree char *mime_dir = g_build_filename (*dir, "mime", NULL);

      g_strv_builder_add (mime_dirs, mime_dir);
    }
  mime_dir_list = g_strv_builder_end (mime_dirs);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  /* GTK 4.18 warns when a wrapping label is measured narrower than it asks
   * (not seen on 4.8); GTK logs through the structured API, which no fatal
   * handler can filter, so on that stack warnings are reported and only
   * criticals stay fatal. */
  if (gtk_check_version (4, 18, 0) == NULL)
    g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  g_content_type_set_mime_dirs ((const char * const *) mime_dir_list);
  gtk_init ();
  adw_init ();

#define ADD(path, func) \
  g_test_add ("/history-gui/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("search-finds-words", test_search_finds_words);
  ADD ("filter-to-failed", test_filter_to_failed);
  ADD ("no-match-and-clear", test_no_match_and_clear);
  ADD ("star-selected", test_star_selected);
  ADD ("remove-from-search-and-undo", test_remove_from_search_and_undo);
#undef ADD

  return g_test_run ();
}

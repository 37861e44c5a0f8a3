/* test-history-gui.c: finding and keeping tasks in the results, driven
 * by the accessible names of the search entry and the filter button
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-history-gui"

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "sd-compare-window.h"
#include "sd-context.h"
#include "sd-demo.h"
#include "sd-service.h"
#include "sd-simulator-test.h"
#include "sd-store.h"
#include "sd-task-row.h"
#include "sd-test-gui.h"
#include "sd-test-util.h"
#include "sd-window.h"
#include "sd-window-private.h"

#define run_until(condition, data) sd_test_gui_run_until ((condition), (data), #condition)
#define is_stored_favourite(fixture, id) \
  sd_test_is_stored_favourite (sd_context_get_service ((fixture)->context), (id))

typedef struct
{
  SdContext *context;
  SdWindow  *window;
} Fixture;

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

  fixture->context = sd_demo_context_new (&error);
  g_assert_no_error (error);
  sd_simulator_set_timing (sd_demo_get_simulator (fixture->context), 50, 100);
  sd_test_gui_start_context (fixture->context);
  store_tasks (fixture);

  fixture->window = sd_test_gui_window_new (fixture->context);
  sd_window_show_results (fixture->window);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  sd_test_gui_window_destroy (&fixture->window);
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
  /* the menu is given to the button when it first opens, as a click does */
  gtk_menu_button_popup (GTK_MENU_BUTTON (filter));
  g_assert_nonnull (gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (filter)));
  gtk_menu_button_popdown (GTK_MENU_BUTTON (filter));

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
is_shown_label (GtkWidget     *widget,
                gconstpointer  text)
{
  return GTK_IS_LABEL (widget) &&
         g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0 && is_shown (widget);
}

static gboolean
find_label (GtkWidget  *widget,
            const char *text)
{
  return sd_test_gui_find (widget, is_shown_label, text) != NULL;
}

static void
wait_for_label (Fixture    *fixture,
                const char *text)
{
  sd_test_gui_wait_for (GTK_WIDGET (fixture->window), is_shown_label, text, text);
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


static GtkSelectionModel *
get_selection (Fixture *fixture)
{
  return GTK_SELECTION_MODEL (get_shown (fixture));
}

static SdStore *
get_store (Fixture *fixture)
{
  return sd_context_get_store (fixture->context);
}

static void
select_ids (Fixture            *fixture,
            const char * const *ids)
{
  GListModel *shown = get_shown (fixture);

  gtk_selection_model_unselect_all (get_selection (fixture));
  for (guint i = 0; i < g_list_model_get_n_items (shown); i++)
    {
      g_autoptr(SdTask) task = g_list_model_get_item (shown, i);

      if (g_strv_contains (ids, sd_task_get_id (task)))
        gtk_selection_model_select_item (get_selection (fixture), i, FALSE);
    }
}

static GtkWidget *
get_bar_button (Fixture    *fixture,
                const char *action_name)
{
  GtkWidget *button = find_button (GTK_WIDGET (fixture->window), action_name);

  g_assert_nonnull (button);
  return button;
}

static void
click (GtkWidget *button)
{
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

static gboolean
has_undo_toast (gpointer data)
{
  return find_button (GTK_WIDGET (((Fixture *) data)->window), "win.undo-remove-tasks") != NULL;
}

static void
click_undo (Fixture *fixture)
{
  run_until (has_undo_toast, fixture);
  sd_test_gui_click_when_it_takes_clicks (find_button (GTK_WIDGET (fixture->window),
                                                       "win.undo-remove-tasks"));
}

static gint64
count_stored (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  gint64 n = sd_store_count (get_store (fixture), &error);

  g_assert_no_error (error);
  return n;
}

typedef struct
{
  Fixture *fixture;
  gint64 (*count_func) (Fixture *fixture);
  gint64   count;
} CountCheck;

static gboolean
has_stored_count (gpointer data)
{
  CountCheck *check = data;

  return check->count_func (check->fixture) == check->count;
}

static void
wait_for_stored_count (Fixture *fixture,
                       gint64   count)
{
  CountCheck check = { fixture, count_stored, count };

  run_until (has_stored_count, &check);
}


/* Ctrl+A selects what the filtered list shows; the bar counts it;
 * Escape's action clears it. */
static void
test_select_all_in_filter (Fixture       *fixture,
                           gconstpointer  user_data)
{
  GtkWidget *filter = get_named (fixture, "Filter");
  GtkWidget *list_view = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (fixture->window),
                                                                    SD_TYPE_WINDOW, "list_view"));

  g_assert_true (gtk_widget_activate_action (filter, "history.status", "s", "failed"));
  wait_for (fixture, "list", (const char *[]) { "task-harbour", "task-kite", NULL });
  gtk_widget_grab_focus (list_view);
  /* the list's Ctrl+A */
  g_assert_true (gtk_widget_activate_action (list_view, "list.select-all", NULL));
  g_assert_true (gtk_selection_model_is_selected (get_selection (fixture), 0));
  g_assert_true (gtk_selection_model_is_selected (get_selection (fixture), 1));
  wait_for_label (fixture, "2 selected");
  g_assert_nonnull (find_named (GTK_WIDGET (fixture->window), "Remove"));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.select-none", NULL));
  g_assert_false (gtk_selection_model_is_selected (get_selection (fixture), 0));
  g_assert_false (gtk_selection_model_is_selected (get_selection (fixture), 1));

  /* with every task shown, all five */
  g_assert_true (gtk_widget_activate_action (filter, "history.status", "s", "all"));
  wait_for (fixture, "list", all_ids);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.select-all", NULL));
  wait_for_label (fixture, "5 selected");
}

/* Three removed at once, favourite and order kept through Undo. */
static void
test_remove_many_and_undo (Fixture       *fixture,
                           gconstpointer  user_data)
{
  const char *ids[] = { "task-harbour", "task-kite", "task-rain", NULL };
  g_autoptr(GError) error = NULL;
  guint n_windows = g_list_model_get_n_items (gtk_window_get_toplevels ());

  wait_for (fixture, "list", all_ids);
  g_assert_true (sd_store_set_favourite (get_store (fixture),
                                         (const char *[]) { "task-kite", NULL }, TRUE, &error));
  g_assert_no_error (error);
  select_ids (fixture, ids);
  wait_for_label (fixture, "3 selected");

  /* no saved videos: nothing to ask */
  click (get_bar_button (fixture, "win.remove-selection"));
  g_assert_cmpuint (g_list_model_get_n_items (gtk_window_get_toplevels ()), ==, n_windows);
  wait_for (fixture, "list", (const char *[]) { "task-forest", "task-lighthouse", NULL });
  wait_for_stored_count (fixture, 2);

  click_undo (fixture);
  wait_for (fixture, "list", all_ids);
  wait_for_stored_count (fixture, 5);
  g_assert_true (is_stored_favourite (fixture, "task-kite"));
  g_assert_false (is_stored_favourite (fixture, "task-rain"));
}

/* Undo of a filtered view's removal brings back tasks the service had
 * loaded and the view's rows alike. */
static void
test_remove_many_in_filter_and_undo (Fixture       *fixture,
                                     gconstpointer  user_data)
{
  GtkWidget *filter = get_named (fixture, "Filter");

  g_assert_true (gtk_widget_activate_action (filter, "history.status", "s", "completed"));
  wait_for (fixture, "list", (const char *[]) { "task-forest", "task-rain", "task-lighthouse", NULL });
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.select-all", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.remove-selected", NULL));
  wait_for (fixture, "no-match", (const char *[]) { NULL });
  wait_for_stored_count (fixture, 2);
  click_undo (fixture);
  wait_for (fixture, "list", (const char *[]) { "task-forest", "task-rain", "task-lighthouse", NULL });
  g_assert_true (gtk_widget_activate_action (filter, "history.status", "s", "all"));
  wait_for (fixture, "list", all_ids);
}

static void
test_favourite_many (Fixture       *fixture,
                     gconstpointer  user_data)
{
  const char *ids[] = { "task-forest", "task-kite", "task-lighthouse", NULL };
  GtkWidget *star;

  wait_for (fixture, "list", all_ids);
  select_ids (fixture, ids);
  star = get_named (fixture, "Add to Favourites");
  click (star);
  for (guint i = 0; ids[i] != NULL; i++)
    g_assert_true (is_stored_favourite (fixture, ids[i]));
  g_assert_false (is_stored_favourite (fixture, "task-rain"));
  /* all starred: the star is off */
  g_assert_false (gtk_widget_is_sensitive (star));
  /* a row's star taken off: the bar's comes back */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window),
                                             "win.toggle-favourite-task", "s", "task-forest"));
  g_assert_true (gtk_widget_is_sensitive (star));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window),
                                             "win.toggle-favourite-task", "s", "task-forest"));
  g_assert_false (gtk_widget_is_sensitive (star));

  /* Ctrl+D on many: all starred, so all off */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window),
                                             "win.toggle-favourite-selected", NULL));
  for (guint i = 0; ids[i] != NULL; i++)
    g_assert_false (is_stored_favourite (fixture, ids[i]));

  /* mixed: all on */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window),
                                             "win.toggle-favourite-task", "s", "task-kite"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window),
                                             "win.toggle-favourite-selected", NULL));
  for (guint i = 0; ids[i] != NULL; i++)
    g_assert_true (is_stored_favourite (fixture, ids[i]));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window),
                                             "win.unfavourite-selection", NULL));
  for (guint i = 0; ids[i] != NULL; i++)
    g_assert_false (is_stored_favourite (fixture, ids[i]));
}

/* A saved video for @id, in the history and on the service's task. */
static char *
give_saved_video (Fixture    *fixture,
                  const char *id)
{
  SdTask *task = sd_service_get_loaded_task (sd_context_get_service (fixture->context), id);
  g_autofree char *name = g_strconcat (id, ".mp4", NULL);
  char *path = g_build_filename (g_get_user_data_dir (), name, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (task);
  g_assert_true (g_file_set_contents (path, "not really a video", -1, &error));
  g_assert_no_error (error);
  sd_task_set_local_file (task, path);
  g_assert_true (sd_store_save_task (get_store (fixture), task, &error));
  g_assert_no_error (error);
  return path;
}

static GtkWidget *
find_compare_window (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (SD_IS_COMPARE_WINDOW (window))
        return window;
    }
  return NULL;
}

static gboolean
is_compare_enabled (Fixture *fixture)
{
  return gtk_widget_is_sensitive (get_bar_button (fixture, "win.compare-selection"));
}

static void
test_compare_takes_two_to_four_completed (Fixture       *fixture,
                                          gconstpointer  user_data)
{
  g_autofree char *forest = NULL;
  g_autofree char *rain = NULL;
  g_autofree char *lighthouse = NULL;

  wait_for (fixture, "list", all_ids);
  forest = give_saved_video (fixture, "task-forest");
  rain = give_saved_video (fixture, "task-rain");

  /* completed, but one has no saved video */
  select_ids (fixture, (const char *[]) { "task-forest", "task-lighthouse", NULL });
  wait_for_label (fixture, "2 selected");
  g_assert_false (is_compare_enabled (fixture));
  select_ids (fixture, (const char *[]) { "task-forest", "task-rain", NULL });
  g_assert_true (is_compare_enabled (fixture));
  /* Compare opens them side by side */
  click (get_bar_button (fixture, "win.compare-selection"));
  {
    GtkWidget *compare = find_compare_window ();

    g_assert_nonnull (compare);
    gtk_window_destroy (GTK_WINDOW (compare));
  }
  /* a failed one among them */
  select_ids (fixture, (const char *[]) { "task-forest", "task-rain", "task-kite", NULL });
  g_assert_false (is_compare_enabled (fixture));
  lighthouse = give_saved_video (fixture, "task-lighthouse");
  select_ids (fixture, (const char *[]) { "task-forest", "task-rain", "task-lighthouse", NULL });
  g_assert_true (is_compare_enabled (fixture));
  /* five is too many */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.select-all", NULL));
  g_assert_false (is_compare_enabled (fixture));
}

static GtkWidget *
find_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (window))
        return window;
    }
  return NULL;
}

static gboolean
has_message_dialog (gpointer data)
{
  return find_message_dialog () != NULL;
}

static GtkWidget *
wait_for_message_dialog (void)
{
  run_until (has_message_dialog, NULL);
  return find_message_dialog ();
}

static void
answer (GtkWidget  *dialog,
        const char *response)
{
  g_assert_true (adw_message_dialog_has_response (ADW_MESSAGE_DIALOG (dialog), response));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), response);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static gboolean
is_gone (gpointer data)
{
  return !g_file_test (data, G_FILE_TEST_EXISTS);
}

/* The question about the saved video: kept by default, deleted when
 * asked; Undo brings back the task either way. */
static void
test_remove_asks_about_videos (Fixture       *fixture,
                               gconstpointer  user_data)
{
  g_autofree char *forest = NULL;
  GtkWidget *dialog;

  wait_for (fixture, "list", all_ids);
  forest = give_saved_video (fixture, "task-forest");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window),
                                             "win.remove-task", "s", "task-forest"));
  dialog = wait_for_message_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==,
                   "Remove 1 task?");
  g_assert_cmpstr (adw_message_dialog_get_default_response (ADW_MESSAGE_DIALOG (dialog)), ==,
                   "remove");
  answer (dialog, "remove");
  wait_for (fixture, "list", (const char *[]) { "task-harbour", "task-kite", "task-rain",
                                                "task-lighthouse", NULL });
  g_assert_true (g_file_test (forest, G_FILE_TEST_IS_REGULAR));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window),
                                             "win.undo-remove", "s", "task-forest"));
  wait_for (fixture, "list", all_ids);

  /* cancelled: nothing happens */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window),
                                             "win.remove-task", "s", "task-forest"));
  answer (wait_for_message_dialog (), "cancel");
  g_assert_cmpint (count_stored (fixture), ==, 5);

  /* many, one with a video, deleted too: only the file that is there */
  select_ids (fixture, (const char *[]) { "task-forest", "task-kite", NULL });
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.remove-selected", NULL));
  dialog = wait_for_message_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==,
                   "Remove 2 tasks?");
  answer (dialog, "delete");
  wait_for (fixture, "list", (const char *[]) { "task-harbour", "task-rain",
                                                "task-lighthouse", NULL });
  run_until (is_gone, forest);
  /* the tasks come back, the file does not */
  click_undo (fixture);
  wait_for (fixture, "list", all_ids);
  g_assert_false (g_file_test (forest, G_FILE_TEST_EXISTS));
}

typedef struct
{
  Fixture    *fixture;
  const char *text;
  const char *path;
} DeletionSearch;

static gboolean
is_deleted_or_reported (gpointer data)
{
  DeletionSearch *search = data;

  return !g_file_test (search->path, G_FILE_TEST_EXISTS) ||
         find_label (GTK_WIDGET (search->fixture->window), search->text);
}

/* A video that cannot be deleted is reported, and the task still goes. */
static void
test_remove_reports_undeletable_video (Fixture       *fixture,
                                       gconstpointer  user_data)
{
  g_autofree char *rain = NULL;
  g_autofree char *folder = NULL;
  DeletionSearch search = { fixture, "Could not delete 1 video: “task-rain.mp4”: Permission denied",
                            NULL };

  wait_for (fixture, "list", all_ids);
  rain = give_saved_video (fixture, "task-rain");
  search.path = rain;
  folder = g_path_get_dirname (rain);
  /* a read-only folder: root deletes anyway, nothing to show then */
  g_assert_cmpint (g_chmod (folder, 0555), ==, 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window),
                                             "win.remove-task", "s", "task-rain"));
  answer (wait_for_message_dialog (), "delete");
  wait_for (fixture, "list", (const char *[]) { "task-forest", "task-harbour", "task-kite",
                                                "task-lighthouse", NULL });
  /* deleted (as root), or said why not */
  run_until (is_deleted_or_reported, &search);
  if (g_file_test (rain, G_FILE_TEST_EXISTS))
    g_assert_true (find_label (GTK_WIDGET (fixture->window), search.text));
  g_assert_cmpint (g_chmod (folder, 0755), ==, 0);
}

static const char *
get_heading (GtkWidget *dialog)
{
  return adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog));
}

/* Clear Completed... counts the tasks of the search and the filters. */
static void
test_clear_completed_counts (Fixture       *fixture,
                             gconstpointer  user_data)
{
  GtkWidget *filter = get_named (fixture, "Filter");
  GtkWidget *entry = get_named (fixture, "Search");
  GtkWidget *dialog;

  wait_for (fixture, "list", all_ids);
  g_assert_true (gtk_widget_activate_action (filter, "history.clear-completed", NULL));
  dialog = wait_for_message_dialog ();
  g_assert_cmpstr (get_heading (dialog), ==, "Remove 3 completed tasks?");
  answer (dialog, "cancel");
  g_assert_cmpint (count_stored (fixture), ==, 5);

  /* with a search, only what it finds */
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.find", NULL);
  gtk_editable_set_text (GTK_EDITABLE (entry), "fox");
  wait_for (fixture, "list", (const char *[]) { "task-forest", NULL });
  g_assert_true (gtk_widget_activate_action (filter, "history.clear-completed", NULL));
  dialog = wait_for_message_dialog ();
  g_assert_cmpstr (get_heading (dialog), ==, "Remove 1 completed task?");
  answer (dialog, "remove");
  wait_for (fixture, "no-match", (const char *[]) { NULL });
  wait_for_stored_count (fixture, 4);
  click_undo (fixture);
  wait_for (fixture, "list", (const char *[]) { "task-forest", NULL });

  /* a failed-only view has no completed task to clear */
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  g_assert_true (gtk_widget_activate_action (filter, "history.status", "s", "failed"));
  wait_for (fixture, "list", (const char *[]) { "task-harbour", "task-kite", NULL });
  g_assert_true (gtk_widget_activate_action (filter, "history.clear-completed", NULL));
  wait_for_label (fixture, "No completed tasks to clear here.");
  g_assert_null (find_message_dialog ());

  g_assert_true (gtk_widget_activate_action (filter, "history.remove-failed", NULL));
  dialog = wait_for_message_dialog ();
  g_assert_cmpstr (get_heading (dialog), ==, "Remove 2 failed tasks?");
  /* failed tasks have no videos to ask about */
  g_assert_false (adw_message_dialog_has_response (ADW_MESSAGE_DIALOG (dialog), "delete"));
  answer (dialog, "remove");
  wait_for (fixture, "no-match", (const char *[]) { NULL });
  wait_for_stored_count (fixture, 3);
}


static gboolean
shows_failed_again (gpointer data)
{
  GListModel *shown = get_shown (data);
  g_autoptr(SdTask) first = NULL;
  g_autoptr(SdTask) third = NULL;

  if (g_list_model_get_n_items (shown) < 3)
    return FALSE;
  first = g_list_model_get_item (shown, 0);
  third = g_list_model_get_item (shown, 2);
  return g_str_equal (sd_task_get_id (first), "task-harbour") &&
         g_str_equal (sd_task_get_id (third), "task-failed-249");
}

static void
store_failed_tasks (Fixture *fixture,
                    guint    n)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *id = g_strdup_printf ("task-failed-%03u", i);
      g_autoptr(SdRequest) request = sd_request_new ();
      g_autoptr(SdTask) task = NULL;

      sd_request_set_model (request, "seedance2.0-std");
      sd_request_set_prompt (request, id);
      task = sd_task_new (id, request);
      sd_task_set_status (task, SD_TASK_STATUS_FAILED, "failed");
      sd_task_set_created_at (task, now - 1000 + i);
      g_assert_true (sd_store_save_task (get_store (fixture), task, &error));
      g_assert_no_error (error);
    }
}

/* A view of hundreds leaves the history in one go off the main thread,
 * and comes back whole with Undo. */
static void
test_remove_hundreds_at_once (Fixture       *fixture,
                              gconstpointer  user_data)
{
  GtkWidget *filter = get_named (fixture, "Filter");

  store_failed_tasks (fixture, 250);
  wait_for (fixture, "list", all_ids);
  g_assert_true (gtk_widget_activate_action (filter, "history.remove-failed", NULL));
  {
    GtkWidget *dialog = wait_for_message_dialog ();

    g_assert_cmpstr (get_heading (dialog), ==, "Remove 252 failed tasks?");
    answer (dialog, "remove");
  }
  wait_for_stored_count (fixture, 3);
  g_assert_true (gtk_widget_activate_action (filter, "history.status", "s", "all"));
  wait_for (fixture, "list", (const char *[]) { "task-forest", "task-rain", "task-lighthouse",
                                                NULL });

  click_undo (fixture);
  wait_for_stored_count (fixture, 255);
  g_assert_true (gtk_widget_activate_action (filter, "history.status", "s", "failed"));
  run_until (shows_failed_again, fixture);
}

static gint64
count_stored_favourites (Fixture *fixture)
{
  g_autoptr(SdTaskQuery) query = sd_task_query_new ();
  g_autoptr(GError) error = NULL;
  gint64 n;

  query->favourite = TRUE;
  n = sd_store_query_count (get_store (fixture), query, &error);
  g_assert_no_error (error);
  return n;
}

/* Ctrl+A in a view longer than its pages selects the whole view, less the
 * rows unselected after; the star and Remove with Undo act on all of
 * them, without loading their rows. */
static void
test_select_all_beyond_the_pages (Fixture       *fixture,
                                  gconstpointer  user_data)
{
  GtkWidget *filter = get_named (fixture, "Filter");
  CountCheck starred = { fixture, count_stored_favourites, 251 };
  GtkWidget *dialog;
  guint loaded;

  store_failed_tasks (fixture, 250);
  g_assert_true (gtk_widget_activate_action (filter, "history.status", "s", "failed"));
  run_until (shows_failed_again, fixture);
  loaded = g_list_model_get_n_items (get_shown (fixture));
  g_assert_cmpuint (loaded, <, 252);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.select-all", NULL));
  wait_for_label (fixture, "252 selected");
  /* one row taken out of it (Ctrl-click) */
  gtk_selection_model_unselect_item (get_selection (fixture), 1);
  wait_for_label (fixture, "251 selected");
  g_assert_cmpuint (g_list_model_get_n_items (get_shown (fixture)), ==, loaded);

  click (get_named (fixture, "Add to Favourites"));
  run_until (has_stored_count, &starred);
  g_assert_false (is_stored_favourite (fixture, "task-kite"));
  g_assert_true (is_stored_favourite (fixture, "task-failed-000"));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.remove-selection", NULL));
  dialog = wait_for_message_dialog ();
  g_assert_cmpstr (get_heading (dialog), ==, "Remove 251 tasks?");
  answer (dialog, "remove");
  wait_for_stored_count (fixture, 255 - 251);
  wait_for (fixture, "list", (const char *[]) { "task-kite", NULL });

  click_undo (fixture);
  wait_for_stored_count (fixture, 255);
  run_until (shows_failed_again, fixture);
  starred.count = 251;
  g_assert_true (has_stored_count (&starred));
}

/* Typing in the grid of poster frames opens the search, as in the list:
 * the search bar listens to keys above both. */
static void
test_typing_in_grid_opens_search (Fixture       *fixture,
                                  gconstpointer  user_data)
{
  GtkWidget *entry = get_named (fixture, "Search");
  GtkSearchBar *bar = GTK_SEARCH_BAR (gtk_widget_get_ancestor (entry, GTK_TYPE_SEARCH_BAR));
  GtkWidget *capture = gtk_search_bar_get_key_capture_widget (bar);
  GtkWidget *list_view = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (fixture->window),
                                                                   SD_TYPE_WINDOW, "list_view"));
  GtkWidget *grid_view;

  g_assert_nonnull (capture);
  g_assert_true (gtk_widget_is_ancestor (list_view, capture));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "grid.show", NULL));
  grid_view = sd_test_gui_find_by_type (GTK_WIDGET (fixture->window), GTK_TYPE_GRID_VIEW);
  g_assert_nonnull (grid_view);
  g_assert_true (gtk_widget_is_ancestor (grid_view, capture));
}

static void
test_day_names (void)
{
  g_autoptr(GTimeZone) zone = g_time_zone_new_local ();
  g_autoptr(GDateTime) now = g_date_time_new (zone, 2026, 12, 2, 10, 0, 0);
  g_autoptr(GDateTime) late_yesterday = g_date_time_new (zone, 2026, 12, 1, 23, 59, 0);
  g_autoptr(GDateTime) saturday = g_date_time_new (zone, 2026, 11, 28, 8, 0, 0);
  g_autoptr(GDateTime) week_ago = g_date_time_new (zone, 2026, 11, 25, 8, 0, 0);
  g_autoptr(GDateTime) early_today = g_date_time_new (zone, 2026, 12, 2, 0, 0, 1);
  g_autofree char *text = NULL;
  g_autofree char *expected = NULL;

  text = _sd_window_format_day (g_date_time_to_unix (early_today), now);
  g_assert_cmpstr (text, ==, "Today");
  g_free (text);
  text = _sd_window_format_day (g_date_time_to_unix (late_yesterday), now);
  g_assert_cmpstr (text, ==, "Yesterday");
  g_free (text);
  text = _sd_window_format_day (g_date_time_to_unix (saturday), now);
  g_assert_cmpstr (text, ==, "Saturday");
  g_free (text);
  text = _sd_window_format_day (g_date_time_to_unix (week_ago), now);
  expected = g_date_time_format (week_ago, "%x");
  g_assert_cmpstr (text, ==, expected);
}

/* The header of the row of @id: NULL when it shows none. */
static const char *
get_day_header (Fixture    *fixture,
                const char *id)
{
  SdTask *task = sd_service_get_loaded_task (sd_context_get_service (fixture->context), id);
  GtkWidget *row = NULL;
  GtkWidget *header;

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (gtk_widget_get_template_child (
         GTK_WIDGET (fixture->window), SD_TYPE_WINDOW, "list_view")));
       child != NULL && row == NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *box = gtk_widget_get_first_child (child);
      GtkWidget *last = box != NULL ? gtk_widget_get_last_child (box) : NULL;

      if (SD_IS_TASK_ROW (last) && sd_task_row_get_task (SD_TASK_ROW (last)) == task)
        row = last;
    }
  if (row == NULL)
    return "(no row)";
  header = gtk_widget_get_prev_sibling (row);
  return gtk_widget_get_visible (header) ? gtk_label_get_text (GTK_LABEL (header)) : NULL;
}

typedef struct
{
  Fixture    *fixture;
  const char *id;
  const char *header;
} HeaderCheck;

static gboolean
has_header (gpointer data)
{
  HeaderCheck *check = data;

  return g_strcmp0 (get_day_header (check->fixture, check->id), check->header) == 0;
}

static void
wait_for_header (Fixture    *fixture,
                 const char *id,
                 const char *header)
{
  HeaderCheck check = { fixture, id, header };

  run_until (has_header, &check);
}

static void
save_task_at (Fixture    *fixture,
              const char *id,
              GDateTime  *when)
{
  g_autoptr(SdRequest) request = sd_request_new ();
  g_autoptr(SdTask) task = NULL;
  g_autoptr(GError) error = NULL;

  sd_request_set_model (request, "seedance2.0-std");
  sd_request_set_prompt (request, id);
  task = sd_task_new (id, request);
  sd_task_set_status (task, SD_TASK_STATUS_COMPLETED, "succeeded");
  sd_task_set_created_at (task, g_date_time_to_unix (when));
  g_assert_true (sd_store_save_task (get_store (fixture), task, &error));
  g_assert_no_error (error);
}

/* The first task of each day names the day; the headers follow the list. */
static void
test_day_headers (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) midnight = g_date_time_new_local (g_date_time_get_year (now),
                                                         g_date_time_get_month (now),
                                                         g_date_time_get_day_of_month (now),
                                                         0, 0, 0);
  g_autoptr(GDateTime) yesterday = g_date_time_add_hours (midnight, -12);
  g_autoptr(GDateTime) three_days = g_date_time_add_hours (midnight, -60);
  g_autoptr(GDateTime) old = g_date_time_add_days (midnight, -40);
  g_autoptr(GDateTime) newest = g_date_time_add_seconds (now, 5);
  g_autofree char *weekday = g_date_time_format (three_days, "%A");
  g_autofree char *date = g_date_time_format (old, "%x");
  g_autoptr(GError) error = NULL;

  save_task_at (fixture, "task-newest", newest);
  save_task_at (fixture, "task-yesterday", yesterday);
  save_task_at (fixture, "task-three-days", three_days);
  save_task_at (fixture, "task-old", old);
  g_assert_true (sd_service_load_history (sd_context_get_service (fixture->context), &error));
  g_assert_no_error (error);
  wait_for (fixture, "list", (const char *[]) { "task-newest", "task-forest", "task-harbour",
                                                "task-kite", "task-rain", "task-lighthouse",
                                                "task-yesterday", "task-three-days", "task-old",
                                                NULL });
  wait_for_header (fixture, "task-newest", "Today");
  wait_for_header (fixture, "task-forest", NULL);
  wait_for_header (fixture, "task-yesterday", "Yesterday");
  wait_for_header (fixture, "task-three-days", weekday);
  wait_for_header (fixture, "task-old", date);

  /* the first of today goes: the next one names the day, once */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window),
                                             "win.remove-task", "s", "task-newest"));
  wait_for_header (fixture, "task-forest", "Today");
  wait_for_header (fixture, "task-harbour", NULL);
  /* and comes back above it */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window),
                                             "win.undo-remove", "s", "task-newest"));
  wait_for_header (fixture, "task-newest", "Today");
  wait_for_header (fixture, "task-forest", NULL);
}

/* A row of a filtered list is the service's task: its status shows as it
 * changes, and a status the filter does not keep takes it out. */
static void
test_live_status_in_filter (Fixture       *fixture,
                            gconstpointer  user_data)
{
  GtkWidget *filter = get_named (fixture, "Filter");
  SdTask *kite = sd_service_get_loaded_task (sd_context_get_service (fixture->context), "task-kite");
  SdTask *harbour = sd_service_get_loaded_task (sd_context_get_service (fixture->context),
                                                "task-harbour");
  g_autoptr(SdTask) shown = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (gtk_widget_activate_action (filter, "history.status", "s", "failed"));
  wait_for (fixture, "list", (const char *[]) { "task-harbour", "task-kite", NULL });
  shown = g_list_model_get_item (get_shown (fixture), 1);
  g_assert_true (shown == kite);

  sd_task_set_status (kite, SD_TASK_STATUS_COMPLETED, "succeeded");
  wait_for (fixture, "list", (const char *[]) { "task-harbour", NULL });
  g_assert_true (sd_store_save_task (get_store (fixture), kite, &error));
  g_assert_no_error (error);

  /* a task finishing into the filter comes in (the service saves it,
   * then says so) */
  g_assert_true (gtk_widget_activate_action (filter, "history.status", "s", "completed"));
  wait_for (fixture, "list", (const char *[]) { "task-forest", "task-kite", "task-rain",
                                                "task-lighthouse", NULL });
  sd_task_set_status (harbour, SD_TASK_STATUS_COMPLETED, "succeeded");
  g_assert_true (sd_store_save_task (get_store (fixture), harbour, &error));
  g_assert_no_error (error);
  g_signal_emit_by_name (sd_context_get_service (fixture->context), "task-completed", harbour);
  wait_for (fixture, "list", (const char *[]) { "task-forest", "task-harbour", "task-kite",
                                                "task-rain", "task-lighthouse", NULL });
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  /* GTK's own accessibility backend: the names are read from it */
  g_setenv ("GTK_A11Y", "test", TRUE);
  sd_test_gui_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add ("/history-gui/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("search-finds-words", test_search_finds_words);
  ADD ("filter-to-failed", test_filter_to_failed);
  ADD ("no-match-and-clear", test_no_match_and_clear);
  ADD ("star-selected", test_star_selected);
  ADD ("remove-from-search-and-undo", test_remove_from_search_and_undo);
  ADD ("selection/select-all-in-filter", test_select_all_in_filter);
  ADD ("selection/remove-many-and-undo", test_remove_many_and_undo);
  ADD ("selection/remove-many-in-filter-and-undo", test_remove_many_in_filter_and_undo);
  ADD ("selection/favourite-many", test_favourite_many);
  ADD ("selection/compare-takes-two-to-four-completed", test_compare_takes_two_to_four_completed);
  ADD ("selection/remove-asks-about-videos", test_remove_asks_about_videos);
  ADD ("selection/remove-reports-undeletable-video", test_remove_reports_undeletable_video);
  ADD ("selection/clear-completed-counts", test_clear_completed_counts);
  ADD ("selection/remove-hundreds-at-once", test_remove_hundreds_at_once);
  ADD ("selection/select-all-beyond-the-pages", test_select_all_beyond_the_pages);
  ADD ("grid/typing-opens-search", test_typing_in_grid_opens_search);
  ADD ("days/headers", test_day_headers);
  ADD ("live-status-in-filter", test_live_status_in_filter);
#undef ADD
  g_test_add_func ("/history-gui/days/names", test_day_names);

  return g_test_run ();
}

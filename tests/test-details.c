/* test-details.c: the rows of the results and the details of one task
 *
 * A row shows what differs (poster or status, prompt, one meta line, a
 * line only for what needs attention) and is one Tab stop; the details
 * show the rest and copy it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-details"

#include "config.h"

#include <adwaita.h>

#include "sd-context.h"
#include "sd-demo.h"
#include "sd-service.h"
#include "sd-simulator-test.h"
#include "sd-store.h"
#include "sd-task-details.h"
#include "sd-task-row.h"
#include "sd-task-tile.h"
#include "sd-test-gui.h"
#include "sd-test-util.h"
#include "sd-window.h"

#define run_until(condition, data) sd_test_gui_run_until ((condition), (data), #condition)
#define get_child                  sd_test_gui_get_child
#define is_stored_favourite(fixture, id) \
  sd_test_is_stored_favourite (sd_context_get_service ((fixture)->context), (id))

typedef struct
{
  SdContext *context;
  SdWindow  *window;
  char      *video_path;
  gint64     now;
} Fixture;

#define LONG_PROMPT \
  "A lighthouse in a storm at dusk.\n" \
  "Waves break over the rocks below it, gulls circle in the spray, the beam sweeps " \
  "across the sea and lights the rain for a moment each turn; a small boat rounds " \
  "the point with its lamps lit, and the camera follows it into the harbour as the " \
  "clouds open and the first stars appear over the town."

#define FAILURE_REASON "The prompt was refused by the content filter."

static SdTask *
new_task (const char   *id,
          const char   *prompt,
          SdTaskStatus  status,
          const char   *ratio,
          int           duration,
          gint64        created_at)
{
  g_autoptr(SdRequest) request = sd_request_new ();
  SdTask *task;

  sd_request_set_model (request, "seedance2.0-std");
  sd_request_set_prompt (request, prompt);
  sd_request_set_ratio (request, ratio);
  sd_request_set_duration (request, duration);
  task = sd_task_new (id, request);
  sd_task_set_created_at (task, created_at);
  sd_task_set_first_seen_at (task, created_at);
  sd_task_set_status (task, status, status == SD_TASK_STATUS_FAILED ? "failed" : "succeeded");
  return task;
}

/* Oldest first: a saved take, a failed one, an unsaved one whose link
 * has two hours left. */
static void
store_tasks (Fixture *fixture)
{
  SdService *service = sd_context_get_service (fixture->context);
  g_autoptr(SdStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SdTask) saved = NULL;
  g_autoptr(SdTask) failed = NULL;
  g_autoptr(SdTask) unsaved = NULL;

  g_object_get (service, "store", &store, NULL);
  saved = new_task ("task-saved", LONG_PROMPT, SD_TASK_STATUS_COMPLETED, "16:9", 5, fixture->now - 300);
  sd_task_set_updated_at (saved, fixture->now - 200);
  sd_task_set_video_url (saved, "https://127.0.0.1:9/videos/saved.mp4");
  sd_task_set_local_file (saved, fixture->video_path);
  sd_task_set_estimate (saved, 400000, "CNY");
  failed = new_task ("task-failed", "A kite over the dunes", SD_TASK_STATUS_FAILED, "9:16", 10,
                     fixture->now - 100);
  sd_task_set_failure_message (failed, FAILURE_REASON);
  sd_task_set_updated_at (failed, fixture->now - 90);
  unsaved = new_task ("task-unsaved", "Boats in a harbour", SD_TASK_STATUS_COMPLETED, "1:1", 5,
                      fixture->now - SD_TASK_LINK_LIFETIME + 2 * 3600);
  sd_task_set_video_url (unsaved, "https://127.0.0.1:9/videos/unsaved.mp4");
  sd_task_set_download_state (unsaved, SD_DOWNLOAD_STATE_FAILED);
  for (SdTask **task = (SdTask *[]) { saved, failed, unsaved, NULL }; *task != NULL; task++)
    {
      g_assert_true (sd_store_save_task (store, *task, &error));
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

  fixture->now = g_get_real_time () / G_USEC_PER_SEC;
  /* the isolated data dir exists; the video is not read, only named */
  g_assert_cmpint (g_mkdir_with_parents (g_get_user_data_dir (), 0700), ==, 0);
  fixture->video_path = g_build_filename (g_get_user_data_dir (), "lighthouse.mp4", NULL);
  g_assert_true (g_file_set_contents (fixture->video_path, "not a video", -1, &error));
  g_assert_no_error (error);

  fixture->context = sd_demo_context_new (&error);
  g_assert_no_error (error);
  sd_simulator_set_timing (sd_demo_get_simulator (fixture->context), 50, 100);
  sd_test_gui_start_context (fixture->context);
  store_tasks (fixture);

  fixture->window = sd_window_new (NULL, fixture->context);
  g_object_ref_sink (fixture->window);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1200, 800);
  sd_window_set_ready (fixture->window, TRUE);
  gtk_window_present (GTK_WINDOW (fixture->window));
  sd_window_show_results (fixture->window);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  sd_test_gui_window_destroy (&fixture->window);
  g_clear_object (&fixture->context);
  g_clear_pointer (&fixture->video_path, g_free);
}

static SdTask *
lookup (Fixture    *fixture,
        const char *id)
{
  SdTask *task = sd_service_lookup (sd_context_get_service (fixture->context), id);

  g_assert_nonnull (task);
  return task;
}

typedef struct
{
  Fixture *fixture;
  SdTask  *task;
} RowSearch;

static gboolean
has_row (gpointer data)
{
  RowSearch *search = data;

  return sd_test_gui_find_shown_row (GTK_WIDGET (search->fixture->window), search->task) != NULL;
}

static SdTaskRow *
wait_for_row (Fixture    *fixture,
              const char *id)
{
  RowSearch search = { fixture, lookup (fixture, id) };

  run_until (has_row, &search);
  return sd_test_gui_find_shown_row (GTK_WIDGET (fixture->window), search.task);
}

static const char *
get_row_text (SdTaskRow  *row,
              const char *name)
{
  return gtk_label_get_text (GTK_LABEL (get_child (row, SD_TYPE_TASK_ROW, name)));
}

static const char *
get_model_name (Fixture *fixture)
{
  SdModel *model = sd_catalog_lookup (sd_context_get_catalog (fixture->context), "seedance2.0-std");

  g_assert_nonnull (model);
  return sd_model_get_display_name (model);
}

static void
assert_meta_line (Fixture    *fixture,
                  SdTaskRow  *row,
                  const char *status,
                  const char *ratio_and_duration)
{
  const char *meta = get_row_text (row, "meta_label");
  g_autofree char *prefix = g_strconcat (status, " · ", NULL);
  g_autofree char *suffix = g_strdup_printf (" · %s · %s", get_model_name (fixture), ratio_and_duration);
  g_auto(GStrv) parts = g_strsplit (meta, " · ", -1);

  g_assert_true (g_str_has_prefix (meta, prefix));
  g_assert_true (g_str_has_suffix (meta, suffix));
  /* status · time · model · ratio · duration: five parts on one line */
  g_assert_cmpuint (g_strv_length (parts), ==, 5);
  g_assert_null (strchr (meta, '\n'));
}

/* Rows ------------------------------------------------------------------------ */

static void
test_row_meta_lines (Fixture       *fixture,
                     gconstpointer  user_data)
{
  SdTaskRow *saved = wait_for_row (fixture, "task-saved");
  SdTaskRow *failed = wait_for_row (fixture, "task-failed");
  SdTaskRow *unsaved = wait_for_row (fixture, "task-unsaved");

  assert_meta_line (fixture, saved, "Completed", "16:9 · 5 s");
  assert_meta_line (fixture, failed, "Failed", "9:16 · 10 s");

  /* a saved take needs nothing: no attention line, no "Saved to" */
  g_assert_false (gtk_widget_get_visible (get_child (saved, SD_TYPE_TASK_ROW, "attention_label")));
  g_assert_false (gtk_widget_get_visible (get_child (saved, SD_TYPE_TASK_ROW, "failure_label")));
  g_assert_false (sd_test_gui_has_label_with (GTK_WIDGET (saved), "Saved to"));
  g_assert_false (sd_test_gui_has_label_with (GTK_WIDGET (saved), "Link expires"));

  /* a failed one says why, once */
  g_assert_true (gtk_widget_get_visible (get_child (failed, SD_TYPE_TASK_ROW, "failure_label")));
  g_assert_cmpstr (get_row_text (failed, "failure_label"), ==, FAILURE_REASON);
  g_assert_false (gtk_widget_get_visible (get_child (failed, SD_TYPE_TASK_ROW, "attention_label")));

  /* an unsaved one whose link ends soon says so */
  g_assert_true (gtk_widget_get_visible (get_child (unsaved, SD_TYPE_TASK_ROW, "attention_label")));
  g_assert_nonnull (strstr (get_row_text (unsaved, "attention_label"), "Link expires in "));
}

static gboolean
walk_focusable (GtkWidget *widget,
                GtkWidget *row)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_POPOVER (child))
        continue;
      if (gtk_widget_get_focusable (child) && gtk_widget_get_visible (child))
        {
          g_test_message ("focusable in the row: %s", G_OBJECT_TYPE_NAME (child));
          return TRUE;
        }
      if (walk_focusable (child, row))
        return TRUE;
    }
  return FALSE;
}

/* The list item holding @row: the focus target. */
static GtkWidget *
get_list_item (SdTaskRow *row)
{
  GtkWidget *item = gtk_widget_get_parent (GTK_WIDGET (row));

  while (item != NULL && !gtk_widget_get_focusable (item))
    item = gtk_widget_get_parent (item);
  g_assert_nonnull (item);
  return item;
}

static gboolean
is_focus (gpointer data)
{
  return gtk_widget_has_focus (data);
}

/* Tab from a row's list item leaves the row: nothing inside it is a stop. */
static void
test_row_one_tab_stop (Fixture       *fixture,
                       gconstpointer  user_data)
{
  SdTaskRow *row = wait_for_row (fixture, "task-saved");
  GtkWidget *item = get_list_item (row);
  GtkWidget *focus;

  g_assert_false (walk_focusable (GTK_WIDGET (row), GTK_WIDGET (row)));
  g_assert_true (gtk_widget_get_focusable (item));
  gtk_widget_grab_focus (item);
  run_until (is_focus, item);

  g_signal_emit_by_name (fixture->window, "move-focus", GTK_DIR_TAB_FORWARD);
  focus = gtk_root_get_focus (GTK_ROOT (fixture->window));
  g_assert_nonnull (focus);
  g_assert_false (focus == item);
  g_assert_false (gtk_widget_is_ancestor (focus, item));

  /* every button of the row still has a name */
  g_assert_true (sd_test_gui_is_named (get_child (row, SD_TYPE_TASK_ROW, "star_button"), "Favourite"));
  for (const char **name = (const char *[]) { "play_button", "menu_button", NULL }; *name != NULL; name++)
    g_assert_true (gtk_test_accessible_has_property (GTK_ACCESSIBLE (get_child (row, SD_TYPE_TASK_ROW, *name)),
                                                     GTK_ACCESSIBLE_PROPERTY_LABEL));
}

static gboolean
is_popped_up (gpointer data)
{
  GtkPopover *popover = gtk_menu_button_get_popover (data);

  return popover != NULL && gtk_widget_get_visible (GTK_WIDGET (popover));
}

/* Shift+F10 (and the Menu key) on the focused row open its menu. */
static void
test_row_menu_key (Fixture       *fixture,
                   gconstpointer  user_data)
{
  SdTaskRow *row = wait_for_row (fixture, "task-failed");
  GtkWidget *item = get_list_item (row);
  GtkWidget *list_view = get_child (fixture->window, SD_TYPE_WINDOW, "list_view");
  GtkWidget *menu_button = get_child (row, SD_TYPE_TASK_ROW, "menu_button");

  gtk_widget_grab_focus (item);
  run_until (is_focus, item);
  g_assert_false (is_popped_up (menu_button));
  g_assert_true (gtk_widget_activate_action (list_view, "win.popup-focused-menu", NULL));
  run_until (is_popped_up, menu_button);
}

static gboolean
is_not_favourite (gpointer data)
{
  return !sd_task_get_favourite (data);
}

static gboolean
is_favourite (gpointer data)
{
  return sd_task_get_favourite (data);
}

/* The star stars the task in the history, and says what it will do next. */
static void
test_row_star (Fixture       *fixture,
               gconstpointer  user_data)
{
  SdTaskRow *row = wait_for_row (fixture, "task-failed");
  SdTask *task = lookup (fixture, "task-failed");
  GtkWidget *star = get_child (row, SD_TYPE_TASK_ROW, "star_button");

  g_assert_false (is_stored_favourite (fixture, "task-failed"));
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (star)));
  g_assert_true (gtk_widget_activate (star));
  run_until (is_favourite, task);
  g_assert_true (is_stored_favourite (fixture, "task-failed"));
  g_assert_false (is_stored_favourite (fixture, "task-saved"));
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (star)));
  g_assert_true (sd_test_gui_is_named (star, "Remove from Favourites"));

  /* the menu's check item is the same action */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (row), "row.favourite", NULL));
  run_until (is_not_favourite, task);
  g_assert_false (is_stored_favourite (fixture, "task-failed"));
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (star)));
  g_assert_true (sd_test_gui_is_named (star, "Favourite"));
}

/* Details --------------------------------------------------------------------- */

/* The pane is built when first shown: NULL before. */
static SdTaskDetails *
find_pane (Fixture *fixture)
{
  return SD_TASK_DETAILS (sd_test_gui_find_by_type (GTK_WIDGET (fixture->window), SD_TYPE_TASK_DETAILS));
}

static SdTaskDetails *
get_pane (Fixture *fixture)
{
  SdTaskDetails *pane = find_pane (fixture);

  g_assert_nonnull (pane);
  return pane;
}

static gboolean
shows_task (gpointer data)
{
  Fixture *fixture = data;
  SdTaskDetails *pane = find_pane (fixture);

  return pane != NULL && sd_task_details_get_task (pane) != NULL &&
         gtk_revealer_get_child_revealed (GTK_REVEALER (gtk_widget_get_ancestor (GTK_WIDGET (pane),
                                                                                 GTK_TYPE_REVEALER)));
}

static SdTaskDetails *
select_task (Fixture    *fixture,
             const char *id)
{
  wait_for_row (fixture, id);
  sd_window_show_task (fixture->window, id);
  run_until (shows_task, fixture);
  g_assert_cmpstr (sd_task_get_id (sd_task_details_get_task (get_pane (fixture))), ==, id);
  return get_pane (fixture);
}

static char *
format_time (gint64 unix_time,
             const char *format)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (unix_time);

  return g_date_time_format (time, format);
}

static void
test_details_fields (Fixture       *fixture,
                     gconstpointer  user_data)
{
  SdTaskDetails *details = select_task (fixture, "task-saved");
  SdTask *task = lookup (fixture, "task-saved");
  g_autofree char *command = sd_request_to_command_line (sd_task_get_request (task));
  g_autofree char *submitted = format_time (fixture->now - 300, "%H:%M:%S");
  g_autofree char *finished = format_time (fixture->now - 200, "%H:%M:%S");
  g_autofree char *expires = format_time (fixture->now - 300 + SD_TASK_LINK_LIFETIME, "%H:%M:%S");
  g_autofree char *year = format_time (fixture->now - 300, "%Y");
  GtkWidget *prompt = sd_test_gui_find_by_name (GTK_WIDGET (details), "prompt");

  /* the whole prompt, as written, and selectable */
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (prompt)), ==, LONG_PROMPT);
  g_assert_true (gtk_label_get_selectable (GTK_LABEL (prompt)));
  g_assert_cmpstr (sd_task_details_get_field (details, "prompt"), ==, LONG_PROMPT);
  g_assert_cmpstr (sd_task_details_get_field (details, "task-id"), ==, "task-saved");
  g_assert_cmpstr (sd_task_details_get_field (details, "status"), ==, "Completed");
  g_assert_cmpstr (sd_task_details_get_field (details, "ratio"), ==, "16:9");
  g_assert_cmpstr (sd_task_details_get_field (details, "duration"), ==, "5 s");
  g_assert_nonnull (strstr (sd_task_details_get_field (details, "model"), "seedance2.0-std"));
  g_assert_nonnull (strstr (sd_task_details_get_field (details, "submitted"), submitted));
  g_assert_nonnull (strstr (sd_task_details_get_field (details, "submitted"), year));
  g_assert_nonnull (strstr (sd_task_details_get_field (details, "finished"), finished));
  g_assert_nonnull (strstr (sd_task_details_get_field (details, "expires"), expires));
  g_assert_cmpstr (sd_task_details_get_field (details, "file"), ==, fixture->video_path);
  g_assert_cmpstr (sd_task_details_get_field (details, "estimate"), ==, "¥0.40");
  g_assert_cmpstr (sd_task_details_get_field (details, "command"), ==, command);
  g_assert_true (g_str_has_prefix (command, "seedance submit "));
  g_assert_nonnull (strstr (command, "--ratio"));
  g_assert_null (sd_task_details_get_field (details, "reason"));
  g_assert_null (sd_task_details_get_field (details, "continues"));
  /* the values are on screen, not only kept */
  g_assert_true (sd_test_gui_has_label_with (GTK_WIDGET (details), "task-saved"));
  g_assert_true (sd_test_gui_has_label_with (GTK_WIDGET (details), command));
  /* the saved file can be opened from there */
  g_assert_true (sd_test_gui_has_label_with (GTK_WIDGET (details), "Show in Folder"));

  /* another selection, other details: a failed task says why */
  details = select_task (fixture, "task-failed");
  g_assert_cmpstr (sd_task_details_get_field (details, "task-id"), ==, "task-failed");
  g_assert_cmpstr (sd_task_details_get_field (details, "reason"), ==, FAILURE_REASON);
  g_assert_null (sd_task_details_get_field (details, "file"));
  g_assert_false (sd_test_gui_has_label_with (GTK_WIDGET (details), "Show in Folder"));
  g_assert_false (sd_test_gui_has_label_with (GTK_WIDGET (details), LONG_PROMPT));
}

typedef struct
{
  char     *text;
  gboolean  done;
} ClipboardRead;

static void
on_text_read_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  ClipboardRead *read = user_data;
  g_autoptr(GError) error = NULL;

  read->text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, &error);
  g_assert_no_error (error);
  read->done = TRUE;
}

static char *
read_clipboard (Fixture *fixture)
{
  ClipboardRead read = { NULL, FALSE };

  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (GTK_WIDGET (fixture->window)),
                                 NULL, on_text_read_cb, &read);
  run_until (sd_test_gui_is_true, &read.done);
  return read.text;
}

static void
wait_for_toast (Fixture    *fixture,
                const char *text)
{
  sd_test_gui_wait_for_label_with (GTK_WIDGET (fixture->window), text);
}

/* Copy ID, Copy Prompt and Copy as Command put it on the clipboard, and
 * say so. */
static void
test_details_copy (Fixture       *fixture,
                   gconstpointer  user_data)
{
  SdTaskDetails *details = select_task (fixture, "task-saved");
  SdTask *task = lookup (fixture, "task-saved");
  g_autofree char *command = sd_request_to_command_line (sd_task_get_request (task));
  g_autofree char *text = NULL;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (details), "details.copy-id", NULL));
  text = read_clipboard (fixture);
  g_assert_cmpstr (text, ==, "task-saved");
  wait_for_toast (fixture, "Task ID copied");
  g_clear_pointer (&text, g_free);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (details), "details.copy-prompt", NULL));
  text = read_clipboard (fixture);
  g_assert_cmpstr (text, ==, LONG_PROMPT);
  wait_for_toast (fixture, "Prompt copied");
  g_clear_pointer (&text, g_free);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (details), "details.copy-command", NULL));
  text = read_clipboard (fixture);
  g_assert_cmpstr (text, ==, command);
  wait_for_toast (fixture, "Command copied");
}

static gboolean
is_hidden (gpointer data)
{
  Fixture *fixture = data;
  SdTaskDetails *pane = find_pane (fixture);

  /* a pane never shown is not built */
  return pane == NULL ||
         !gtk_revealer_get_child_revealed (GTK_REVEALER (gtk_widget_get_ancestor (GTK_WIDGET (pane),
                                                                                  GTK_TYPE_REVEALER)));
}

/* The action of @widget's shortcut whose trigger reads @trigger, such as
 * "F9"; NULL without. */
static char *
find_shortcut_action (GtkWidget  *widget,
                      const char *trigger)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          g_autofree char *text = gtk_shortcut_trigger_to_string (gtk_shortcut_get_trigger (shortcut));

          if (strstr (text, trigger) != NULL)
            return gtk_shortcut_action_to_string (gtk_shortcut_get_action (shortcut));
        }
    }
  return NULL;
}

static void
test_shortcuts (Fixture       *fixture,
                gconstpointer  user_data)
{
  GtkWidget *list_view = get_child (fixture->window, SD_TYPE_WINDOW, "list_view");
  g_autofree char *f9 = find_shortcut_action (GTK_WIDGET (fixture->window), "F9");
  g_autofree char *alt_enter = find_shortcut_action (GTK_WIDGET (fixture->window), "<Alt>Return");
  g_autofree char *shift_f10 = find_shortcut_action (list_view, "<Shift>F10");
  g_autofree char *menu = find_shortcut_action (list_view, "Menu");

  g_assert_cmpstr (f9, ==, "action(results.show-details)");
  g_assert_cmpstr (alt_enter, ==, "action(results.show-details)");
  g_assert_cmpstr (shift_f10, ==, "action(win.popup-focused-menu)");
  g_assert_cmpstr (menu, ==, "action(win.popup-focused-menu)");
}

/* The Details toggle (F9) hides and shows the pane; the row's Details
 * item shows it again for its task. */
static void
test_details_toggle (Fixture       *fixture,
                     gconstpointer  user_data)
{
  SdTaskRow *row;

  select_task (fixture, "task-saved");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "results.show-details", NULL));
  run_until (is_hidden, fixture);
  g_assert_null (sd_task_details_get_task (get_pane (fixture)));

  row = wait_for_row (fixture, "task-failed");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (row), "row.details", NULL));
  run_until (shows_task, fixture);
  g_assert_cmpstr (sd_task_get_id (sd_task_details_get_task (get_pane (fixture))), ==, "task-failed");
}

static GtkSelectionModel *
get_selection (Fixture *fixture)
{
  return GTK_SELECTION_MODEL (gtk_widget_get_template_child (GTK_WIDGET (fixture->window),
                                                             SD_TYPE_WINDOW, "selection"));
}

static GtkToggleButton *
get_details_toggle (Fixture *fixture)
{
  GtkWidget *toggle = sd_test_gui_find_by_label (GTK_WIDGET (fixture->window), "Details");

  g_assert_true (GTK_IS_TOGGLE_BUTTON (toggle));
  return GTK_TOGGLE_BUTTON (toggle);
}

/* The Details toggle is pressed only while the details show: not before
 * a task is selected (nor can it be pressed then), not once hidden. */
static void
test_details_toggle_is_honest (Fixture       *fixture,
                               gconstpointer  user_data)
{
  GtkToggleButton *toggle = get_details_toggle (fixture);

  wait_for_row (fixture, "task-saved");
  g_assert_false (gtk_toggle_button_get_active (toggle));
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (toggle)));

  select_task (fixture, "task-saved");
  g_assert_true (gtk_toggle_button_get_active (toggle));
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (toggle)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "results.show-details", NULL));
  run_until (is_hidden, fixture);
  g_assert_false (gtk_toggle_button_get_active (toggle));

  /* nothing selected again: off, though the pane is wanted */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "results.show-details", NULL));
  run_until (shows_task, fixture);
  gtk_selection_model_unselect_all (get_selection (fixture));
  run_until (is_hidden, fixture);
  g_assert_false (gtk_toggle_button_get_active (toggle));
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (toggle)));
}

/* Tasks saved by another run (or beyond the pages): not in the list. */
static void
store_linked_tasks (Fixture *fixture)
{
  SdService *service = sd_context_get_service (fixture->context);
  g_autoptr(SdStore) store = NULL;
  g_autoptr(SdTask) continuation = new_task ("task-continuation", "The storm clears",
                                             SD_TASK_STATUS_COMPLETED, "16:9", 5, fixture->now - 50);
  g_autoptr(SdTask) retry = new_task ("task-retry", "A kite over the dunes",
                                      SD_TASK_STATUS_FAILED, "9:16", 10, fixture->now - 40);
  g_autoptr(GError) error = NULL;

  g_object_get (service, "store", &store, NULL);
  sd_task_set_continues (continuation, "task-saved");
  sd_task_set_group_id (continuation, "group-storm");
  sd_task_set_group_label (continuation, "Storm takes");
  sd_task_set_retry_of (retry, "task-failed");
  g_assert_true (sd_store_save_task (store, continuation, &error));
  g_assert_true (sd_store_save_task (store, retry, &error));
  g_assert_no_error (error);
  g_assert_null (sd_service_get_loaded_task (service, "task-continuation"));
  g_assert_null (sd_service_get_loaded_task (service, "task-retry"));
}

typedef struct
{
  Fixture    *fixture;
  const char *field;
  const char *value;
} FieldCheck;

static gboolean
shows_field (gpointer data)
{
  FieldCheck *check = data;

  return g_strcmp0 (sd_task_details_get_field (get_pane (check->fixture), check->field),
                    check->value) == 0;
}

static void
wait_for_field (Fixture    *fixture,
                const char *field,
                const char *value)
{
  FieldCheck check = { fixture, field, value };

  run_until (shows_field, &check);
}

static GtkWidget *
find_link (SdTaskDetails *details,
           const char    *field,
           const char    *label)
{
  GtkWidget *box = sd_test_gui_find_by_name (GTK_WIDGET (details), field);

  g_assert_nonnull (box);
  if (GTK_IS_BUTTON (box))
    return box;
  for (GtkWidget *child = gtk_widget_get_first_child (box); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (g_strcmp0 (gtk_button_get_label (GTK_BUTTON (child)), label) == 0)
      return child;
  return NULL;
}

static gboolean
shows_only_the_group (gpointer data)
{
  Fixture *fixture = data;
  GListModel *shown = G_LIST_MODEL (get_selection (fixture));
  g_autoptr(SdTask) first = g_list_model_get_item (shown, 0);

  return g_list_model_get_n_items (shown) == 1 &&
         g_str_equal (sd_task_get_id (first), "task-continuation");
}

/* The continuations and retries come from the whole history, not the
 * tasks loaded; each is a link that selects it (loading it), and the
 * group's link shows only its tasks. */
static void
test_details_links_from_the_store (Fixture       *fixture,
                                   gconstpointer  user_data)
{
  SdTaskDetails *details;

  store_linked_tasks (fixture);
  details = select_task (fixture, "task-saved");
  wait_for_field (fixture, "continuations", "task-continuation");
  g_assert_null (sd_task_details_get_field (details, "retries"));

  details = select_task (fixture, "task-failed");
  wait_for_field (fixture, "retries", "task-retry");
  g_assert_null (sd_task_details_get_field (details, "continuations"));
  g_signal_emit_by_name (find_link (details, "retries", "task-retry"), "clicked");
  wait_for_field (fixture, "task-id", "task-retry");
  g_assert_cmpstr (sd_task_details_get_field (details, "retry-of"), ==, "task-failed");

  g_signal_emit_by_name (find_link (details, "retry-of", "task-failed"), "clicked");
  wait_for_field (fixture, "task-id", "task-failed");

  select_task (fixture, "task-continuation");
  g_assert_cmpstr (sd_task_details_get_field (details, "continues"), ==, "task-saved");
  g_assert_cmpstr (sd_task_details_get_field (details, "group"), ==, "Storm takes");
  g_signal_emit_by_name (find_link (details, "group", "Storm takes"), "clicked");
  run_until (shows_only_the_group, fixture);
  g_assert_true (sd_test_gui_has_label_with (GTK_WIDGET (fixture->window), "Group “Storm takes”"));
}

static GtkWindow *
find_dialog (Fixture *fixture)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (window != GTK_WINDOW (fixture->window) &&
          gtk_window_get_transient_for (window) == GTK_WINDOW (fixture->window) &&
          gtk_widget_get_visible (GTK_WIDGET (window)) &&
          sd_test_gui_find_by_type (GTK_WIDGET (window), SD_TYPE_TASK_DETAILS) != NULL)
        return window;
    }
  return NULL;
}

static gboolean
is_folded (gpointer data)
{
  Fixture *fixture = data;

  return adw_leaflet_get_folded (ADW_LEAFLET (get_child (fixture->window, SD_TYPE_WINDOW, "leaflet")));
}

/* Narrow, the details are a dialog, and its copy buttons still work. */
static void
test_details_dialog_when_narrow (Fixture       *fixture,
                                 gconstpointer  user_data)
{
  SdTaskRow *row = wait_for_row (fixture, "task-failed");
  GtkWindow *dialog;
  SdTaskDetails *details;
  g_autofree char *text = NULL;

  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 480, 700);
  run_until (is_folded, fixture);
  g_assert_true (is_hidden (fixture));
  g_assert_null (find_dialog (fixture));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (row), "row.details", NULL));
  dialog = find_dialog (fixture);
  g_assert_nonnull (dialog);
  g_assert_true (gtk_window_get_modal (dialog));
  details = SD_TASK_DETAILS (sd_test_gui_find_by_type (GTK_WIDGET (dialog), SD_TYPE_TASK_DETAILS));
  g_assert_cmpstr (sd_task_get_id (sd_task_details_get_task (details)), ==, "task-failed");
  g_assert_cmpstr (sd_task_details_get_field (details, "reason"), ==, FAILURE_REASON);
  g_assert_true (is_hidden (fixture));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (details), "details.copy-id", NULL));
  text = read_clipboard (fixture);
  g_assert_cmpstr (text, ==, "task-failed");
  gtk_window_close (dialog);
}

typedef struct
{
  Fixture *fixture;
  int      width;
} WindowWidth;

static gboolean
has_width (gpointer data)
{
  WindowWidth *wanted = data;

  /* the window's own width is the default size less its frame */
  return ABS (gtk_widget_get_width (GTK_WIDGET (wanted->fixture->window)) - wanted->width) <= 20;
}

static gboolean
bar_is_shown (gpointer data)
{
  return gtk_widget_get_visible (data) && gtk_revealer_get_child_revealed (data);
}

static gboolean
bar_is_gone (gpointer data)
{
  return !gtk_widget_get_visible (data);
}

/* At the window's first width (1100 px), the pane is wide enough to read
 * (it was 206 px, its ids and times broken over two lines): the selection
 * bar, hidden, no longer asks for its width. Shown for two tasks, it fits
 * the results' narrowest width, so it never folds the window. */
static void
test_details_readable_at_first_width (Fixture       *fixture,
                                      gconstpointer  user_data)
{
  WindowWidth first = { fixture, 1100 };
  GtkWidget *compare = sd_test_gui_find_button (GTK_WIDGET (fixture->window), "_Compare");
  GtkWidget *action_bar = gtk_widget_get_ancestor (compare, GTK_TYPE_ACTION_BAR);
  GtkWidget *bar = gtk_widget_get_ancestor (gtk_widget_get_parent (action_bar), GTK_TYPE_REVEALER);
  GtkWidget *stack = get_child (fixture->window, SD_TYPE_WINDOW, "results_stack");
  SdTaskDetails *pane;

  gtk_window_set_default_size (GTK_WINDOW (fixture->window), first.width, 720);
  run_until (has_width, &first);
  pane = select_task (fixture, "task-saved");
  sd_test_run_for (300);
  g_assert_false (gtk_widget_get_visible (bar));
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (pane)), >=, 260);
  g_assert_cmpint (gtk_widget_get_width (stack), >=, 320);

  gtk_selection_model_select_all (get_selection (fixture));
  run_until (bar_is_shown, bar);
  g_assert_false (is_folded (fixture));
  gtk_selection_model_unselect_all (get_selection (fixture));
  run_until (bar_is_gone, bar);
  g_assert_false (is_folded (fixture));
}

static guint
count_tiles (GtkWidget *widget)
{
  guint n = SD_IS_TASK_TILE (widget) && gtk_widget_get_mapped (widget) &&
            sd_task_tile_get_task (SD_TASK_TILE (widget)) != NULL;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += count_tiles (child);
  return n;
}

static gboolean
has_three_tiles (gpointer data)
{
  return count_tiles (data) == 3;
}

/* The Grid View toggle shows the same tasks, with the same selection, as
 * tiles; off, the list comes back. */
static void
test_grid_view (Fixture       *fixture,
                gconstpointer  user_data)
{
  GtkScrolledWindow *scroller = GTK_SCROLLED_WINDOW (get_child (fixture->window, SD_TYPE_WINDOW,
                                                                "results_scroller"));
  GtkWidget *list_view = get_child (fixture->window, SD_TYPE_WINDOW, "list_view");
  GObject *selection = gtk_widget_get_template_child (GTK_WIDGET (fixture->window), SD_TYPE_WINDOW,
                                                      "selection");
  GtkWidget *toggle = sd_test_gui_find_by_label (GTK_WIDGET (fixture->window), "Grid View");
  GtkWidget *grid;

  g_assert_nonnull (toggle);
  g_assert_nonnull (sd_test_gui_find_by_label (GTK_WIDGET (fixture->window), "Details"));
  wait_for_row (fixture, "task-saved");
  g_assert_true (gtk_scrolled_window_get_child (scroller) == list_view);
  g_assert_true (gtk_widget_activate (toggle));
  for (gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
       gtk_scrolled_window_get_child (scroller) == list_view && g_get_monotonic_time () < end;)
    g_main_context_iteration (NULL, FALSE);

  grid = gtk_scrolled_window_get_child (scroller);
  g_assert_true (GTK_IS_GRID_VIEW (grid));
  /* the list's model: the same slice of the same selection */
  g_assert_true (gtk_grid_view_get_model (GTK_GRID_VIEW (grid)) ==
                 gtk_list_view_get_model (GTK_LIST_VIEW (list_view)));
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (toggle)));
  run_until (has_three_tiles, grid);

  /* one selection: the grid's pick is the details' task */
  gtk_selection_model_select_item (GTK_SELECTION_MODEL (selection), 0, TRUE);
  run_until (shows_task, fixture);
  g_assert_cmpstr (sd_task_get_id (sd_task_details_get_task (get_pane (fixture))), ==, "task-failed");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "grid.show", NULL));
  g_assert_true (gtk_scrolled_window_get_child (scroller) == list_view);
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (toggle)));
}

static gboolean
has_text_label (GtkWidget *widget)
{
  if (GTK_IS_LABEL (widget) && *gtk_label_get_text (GTK_LABEL (widget)) != '\0')
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (has_text_label (child))
      return TRUE;
  return FALSE;
}

/* Every button on screen under @widget has a name: its own, or its label. */
static guint
assert_buttons_named (GtkWidget *widget)
{
  guint n = 0;

  if (!gtk_widget_get_mapped (widget))
    return 0;
  if (GTK_IS_BUTTON (widget) || GTK_IS_MENU_BUTTON (widget))
    {
      if (!gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL) &&
          !has_text_label (widget))
        g_error ("a %s without a name", G_OBJECT_TYPE_NAME (widget));
      if (GTK_IS_MENU_BUTTON (widget))
        return 1;
      n++;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += assert_buttons_named (child);
  return n;
}

static void
test_buttons_named (Fixture       *fixture,
                    gconstpointer  user_data)
{
  SdTaskDetails *details = select_task (fixture, "task-saved");
  SdTaskRow *row = wait_for_row (fixture, "task-saved");

  /* play, star, menu; three copies, open, show in folder */
  g_assert_cmpuint (assert_buttons_named (GTK_WIDGET (row)), ==, 3);
  g_assert_cmpuint (assert_buttons_named (GTK_WIDGET (details)), ==, 5);
  g_assert_nonnull (sd_test_gui_find_by_label (GTK_WIDGET (fixture->window), "Details"));
  g_assert_nonnull (sd_test_gui_find_by_label (GTK_WIDGET (fixture->window), "Grid View"));
}

typedef struct {
  GtkWidget *row;
  gboolean   rtl;
} Placed;

static double
get_x (GtkWidget *row,
       GtkWidget *part)
{
  graphene_rect_t bounds;

  g_assert_true (gtk_widget_compute_bounds (part, row, &bounds));
  return bounds.origin.x;
}

static gboolean
is_placed (gpointer data)
{
  Placed *placed = data;
  GtkWidget *star = get_child (placed->row, SD_TYPE_TASK_ROW, "star_button");
  GtkWidget *prompt = get_child (placed->row, SD_TYPE_TASK_ROW, "prompt_label");

  return gtk_widget_get_width (placed->row) > 0 &&
         (get_x (placed->row, star) < get_x (placed->row, prompt)) == placed->rtl;
}

/* The row lays out its columns itself: the status icon, the text, then
 * the buttons in reading order, mirrored right to left, the text taking
 * what the others leave; and its width never depends on a height (which
 * would make each wrapped label search for one). */
static void
test_row_columns (void)
{
  g_autoptr(SdTask) task = new_task ("task-row", LONG_PROMPT, SD_TASK_STATUS_FAILED, "16:9", 5,
                                     g_get_real_time () / G_USEC_PER_SEC);
  GtkWidget *window = gtk_window_new ();
  GtkWidget *row = sd_task_row_new ();
  Placed placed = { row, FALSE };
  GtkWidget *icon, *prompt, *star;
  int width_any, width_for_height, least_height;

  sd_task_row_set_task (SD_TASK_ROW (row), task);
  gtk_window_set_default_size (GTK_WINDOW (window), 640, -1);
  gtk_window_set_child (GTK_WINDOW (window), row);
  gtk_window_present (GTK_WINDOW (window));
  run_until (is_placed, &placed);
  icon = get_child (row, SD_TYPE_TASK_ROW, "status_image");
  prompt = get_child (row, SD_TYPE_TASK_ROW, "prompt_label");
  star = get_child (row, SD_TYPE_TASK_ROW, "star_button");
  g_assert_cmpfloat (get_x (row, icon), <, get_x (row, prompt));
  g_assert_cmpfloat (get_x (row, prompt) + gtk_widget_get_width (prompt) + 12, ==, get_x (row, star));

  /* As in a right-to-left locale: every widget mirrors. */
  placed.rtl = TRUE;
  gtk_widget_set_default_direction (GTK_TEXT_DIR_RTL);
  run_until (is_placed, &placed);
  g_assert_cmpfloat (get_x (row, icon), >, get_x (row, prompt));
  g_assert_cmpfloat (get_x (row, star) + gtk_widget_get_width (star) + 12, ==, get_x (row, prompt));
  g_assert_cmpfloat (get_x (row, icon) + gtk_widget_get_width (icon), ==, gtk_widget_get_width (row));

  /* a height it can have (GTK 4.18 warns when asked below its least) */
  gtk_widget_measure (row, GTK_ORIENTATION_VERTICAL, -1, &least_height, NULL, NULL, NULL);
  gtk_widget_measure (row, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &width_any, NULL, NULL);
  gtk_widget_measure (row, GTK_ORIENTATION_HORIZONTAL, least_height, NULL, &width_for_height, NULL, NULL);
  g_assert_cmpint (width_for_height, ==, width_any);
  gtk_widget_measure (row, GTK_ORIENTATION_HORIZONTAL, least_height * 3, NULL, &width_for_height, NULL, NULL);
  g_assert_cmpint (width_for_height, ==, width_any);
  gtk_widget_set_default_direction (GTK_TEXT_DIR_LTR);
  gtk_window_destroy (GTK_WINDOW (window));
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
  g_test_add ("/details/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("row/meta-lines", test_row_meta_lines);
  ADD ("row/one-tab-stop", test_row_one_tab_stop);
  ADD ("row/menu-key", test_row_menu_key);
  ADD ("row/star", test_row_star);
  ADD ("fields", test_details_fields);
  ADD ("copy", test_details_copy);
  ADD ("toggle", test_details_toggle);
  ADD ("toggle-is-honest", test_details_toggle_is_honest);
  ADD ("links-from-the-store", test_details_links_from_the_store);
  ADD ("dialog-when-narrow", test_details_dialog_when_narrow);
  ADD ("readable-at-first-width", test_details_readable_at_first_width);
  ADD ("grid-view", test_grid_view);
  ADD ("shortcuts", test_shortcuts);
  ADD ("buttons-named", test_buttons_named);
#undef ADD
  g_test_add_func ("/details/row/columns-in-reading-order", test_row_columns);

  return g_test_run ();
}

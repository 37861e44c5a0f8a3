/* test-polish.c: what a newcomer tripped over (issue 15, items 7-10, 12)
 *
 * The player that says why it cannot play, the preferences that open with
 * nothing selected, the welcome page that checks a token, the row times
 * counted from submission, and a walk of the accessible names.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-polish"

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "sd-a11y.h"
#include "sd-api.h"
#include "sd-application.h"
#include "sd-catalog.h"
#include "sd-balance.h"
#include "sd-composer-test.h"
#include "sd-context.h"
#include "sd-demo.h"
#include "sd-preferences-window.h"
#include "sd-service.h"
#include "sd-simulator-test.h"
#include "sd-store.h"
#include "sd-task-row.h"
#include "sd-toasts.h"
#include "sd-test-gui.h"
#include "sd-video-window.h"
#include "sd-welcome-page.h"
#include "sd-window.h"

#define run_until(condition, data) sd_test_gui_run_until ((condition), (data), #condition)
#define wait_for_row(fixture, task) sd_test_gui_wait_for_row (GTK_WIDGET ((fixture)->window), (task))
#define get_child                  sd_test_gui_get_child

typedef struct
{
  SdContext *context;
  SdWindow  *window;
} Fixture;

/* images.example.com cannot be reached here, so its pre-flight check
 * cannot finish and Generate asks whether to send anyway: these tests do. */
static void
iterate_sending_anyway (void)
{
  sd_test_gui_answer_send_anyway ();
  g_main_context_iteration (NULL, TRUE);
}

static void
iterate (guint times)
{
  for (guint i = 0; i < times; i++)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (2000);
    }
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

  fixture->window = sd_test_gui_window_new (fixture->context);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  sd_test_gui_window_destroy (&fixture->window);
  g_clear_object (&fixture->context);
}

static SdTask *
add_stored_task (Fixture      *fixture,
                 const char   *id,
                 const char   *prompt,
                 SdTaskStatus  status,
                 gint64        created_at)
{
  SdService *service = sd_context_get_service (fixture->context);
  g_autoptr(SdStore) store = NULL;
  g_autoptr(SdRequest) request = sd_request_new ();
  g_autoptr(SdTask) task = NULL;
  g_autoptr(GError) error = NULL;

  g_object_get (service, "store", &store, NULL);
  sd_request_set_model (request, "seedance2.0-std");
  sd_request_set_prompt (request, prompt);
  task = sd_task_new (id, request);
  sd_task_set_status (task, status, NULL);
  sd_task_set_created_at (task, created_at);
  sd_task_set_first_seen_at (task, created_at);
  g_assert_true (sd_store_save_task (store, task, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&task);
}

static SdTask *
load_and_lookup (Fixture    *fixture,
                 const char *id)
{
  SdService *service = sd_context_get_service (fixture->context);
  g_autoptr(GError) error = NULL;

  g_assert_true (sd_service_load_history (service, &error));
  g_assert_no_error (error);
  return sd_service_lookup (service, id);
}

static const char *
get_row_label (SdTaskRow  *row,
               const char *name)
{
  return gtk_label_get_text (GTK_LABEL (get_child (row, SD_TYPE_TASK_ROW, name)));
}

/* Item 10: times ------------------------------------------------------------ */

/* A task submitted 2 min 10 s ago, read back from the history as after a
 * restart: its row counts from submission, not from 00:00, and says when it
 * was submitted. */
static void
test_row_times_count_from_submission (Fixture       *fixture,
                                      gconstpointer  user_data)
{
  gint64 submitted = g_get_real_time () / G_USEC_PER_SEC - 130;
  g_autoptr(SdTask) stored = add_stored_task (fixture, "running-1", "a paper boat",
                                              SD_TASK_STATUS_PROCESSING, submitted);
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (submitted);
  g_autofree char *clock = g_date_time_format (time, "%H:%M");
  g_autofree char *want_submitted = g_strdup_printf ("submitted %s", clock);
  SdTask *task;
  SdTaskRow *row;
  const char *meta;

  /* the simulator does not know it: keep it from being polled away */
  sd_simulator_set_fault (sd_demo_get_simulator (fixture->context), SD_SIMULATOR_STEP_QUERY,
                          SD_SIMULATOR_FAULT_HTTP_500, 0);
  task = load_and_lookup (fixture, "running-1");
  g_assert_nonnull (task);
  row = wait_for_row (fixture, task);
  meta = get_row_label (row, "meta_label");
  g_test_message ("meta: %s", meta);
  g_assert_true (g_str_has_prefix (meta, "Processing · 2 min 1"));
  g_assert_nonnull (strstr (meta, want_submitted));
}

/* Item 10: data.progress in the answer, on the task, in the row. */
static void
test_query_progress_is_read (void)
{
  static const struct { const char *json; int progress; } cases[] = {
    { "{\"code\": 20000, \"data\": {\"status\": \"processing\", \"progress\": 42}}", 42 },
    { "{\"code\": 20000, \"data\": {\"status\": \"processing\", \"progress\": 42.7}}", 42 },
    { "{\"code\": 20000, \"data\": {\"status\": \"processing\", \"progress\": \"55%\"}}", 55 },
    { "{\"code\": 20000, \"data\": {\"status\": \"processing\", \"progress\": 250}}", 100 },
    { "{\"code\": 20000, \"data\": {\"status\": \"processing\", \"progress\": -3}}", 0 },
    { "{\"code\": 20000, \"data\": {\"status\": \"processing\", \"progress\": \"soon\"}}", -1 },
    { "{\"code\": 20000, \"data\": {\"status\": \"processing\", \"progress\": null}}", -1 },
    { "{\"code\": 20000, \"data\": {\"status\": \"processing\", \"progress\": {}}}", -1 },
    { "{\"code\": 20000, \"data\": {\"status\": \"processing\"}}", -1 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) body = g_bytes_new_static (cases[i].json, strlen (cases[i].json));
      g_autoptr(GError) error = NULL;
      g_autoptr(SdApiQueryResult) result = sd_api_parse_query_response (200, NULL, 0, body, &error);

      g_assert_no_error (error);
      g_assert_cmpint (result->progress, ==, cases[i].progress);
    }
}

static gboolean
has_progress (gpointer data)
{
  return sd_task_get_progress (data) >= 0;
}

/* The simulator sends data.progress while processing: the service puts it
 * on the task, the row shows it as a bar and in words. */
static void
test_row_shows_server_progress (Fixture       *fixture,
                                gconstpointer  user_data)
{
  SdSimulator *simulator = sd_demo_get_simulator (fixture->context);
  SdComposer *composer = sd_window_get_composer (fixture->window);
  g_autoptr(SdTask) task = NULL;
  GtkWidget *bar;
  SdTaskRow *row;
  g_autofree char *percent = NULL;

  sd_simulator_set_timing (simulator, 0, 60000);
  gtk_text_buffer_set_text (sd_composer_get_prompt_buffer (composer), "A kite over the dunes", -1);
  g_assert_cmpuint (sd_composer_add_image_text (composer, "https://images.example.com/kite.jpg"), ==, 1);
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.generate", NULL);
  while (g_list_model_get_n_items (sd_service_get_tasks (sd_context_get_service (fixture->context))) == 0)
    iterate_sending_anyway ();
  task = g_list_model_get_item (sd_service_get_tasks (sd_context_get_service (fixture->context)), 0);
  run_until (has_progress, task);

  row = wait_for_row (fixture, task);
  bar = get_child (row, SD_TYPE_TASK_ROW, "progress_bar");
  g_assert_true (gtk_widget_get_visible (bar));
  g_assert_cmpfloat_with_epsilon (gtk_progress_bar_get_fraction (GTK_PROGRESS_BAR (bar)),
                                  sd_task_get_progress (task) / 100.0, 0.001);

  sd_task_set_progress (task, 42);
  percent = g_strdup_printf ("Processing · 42 %% · ");
  g_assert_true (g_str_has_prefix (get_row_label (row, "meta_label"), percent));
  g_assert_cmpfloat_with_epsilon (gtk_progress_bar_get_fraction (GTK_PROGRESS_BAR (bar)), 0.42, 0.001);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (bar), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Progress of the video");
}

/* Item 9: the welcome page -------------------------------------------------- */

typedef struct
{
  SdSimulator *simulator;
  SdContext   *context;
  SdWindow    *window;
  SdWelcomePage *page;
} Welcome;

/* A real context (no token, a file keyring) on a simulator of its own. */
static void
welcome_set_up (Welcome       *welcome,
                gconstpointer  user_data)
{
  g_autofree char *secrets = g_build_filename (g_get_user_data_dir (), "keyring.file", NULL);
  g_autoptr(SdCatalog) catalog = NULL;
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(GError) error = NULL;
  GtkStack *stack;

  g_unsetenv ("SEEDANCE_API_TOKEN");
  g_setenv ("SECRET_BACKEND", "file", TRUE);
  g_setenv ("SECRET_FILE_TEST_PATH", secrets, TRUE);
  g_unlink (secrets);

  catalog = sd_catalog_new ();
  welcome->simulator = sd_simulator_new (catalog, &error);
  g_assert_no_error (error);

  settings = g_settings_new (APP_ID);
  g_settings_set_string (settings, "api-base-url", sd_simulator_get_base_url (welcome->simulator));
  welcome->context = sd_context_new (&error);
  g_assert_no_error (error);
  sd_test_gui_start_context (welcome->context);
  g_assert_false (sd_context_get_has_token (welcome->context));

  welcome->window = g_object_ref_sink (sd_window_new (NULL, welcome->context));
  sd_window_set_ready (welcome->window, TRUE);
  gtk_window_present (GTK_WINDOW (welcome->window));
  stack = GTK_STACK (get_child (welcome->window, SD_TYPE_WINDOW, "main_stack"));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "welcome");
  welcome->page = SD_WELCOME_PAGE (gtk_stack_get_child_by_name (stack, "welcome"));
}

static void
welcome_tear_down (Welcome       *welcome,
                   gconstpointer  user_data)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);

  gtk_window_destroy (GTK_WINDOW (welcome->window));
  g_clear_object (&welcome->window);
  g_clear_object (&welcome->context);
  g_clear_object (&welcome->simulator);
  g_settings_reset (settings, "api-base-url");
}

static GtkWidget *
welcome_child (Welcome    *welcome,
               const char *name)
{
  return get_child (welcome->page, SD_TYPE_WELCOME_PAGE, name);
}

static gboolean
welcome_has_focus_in_token (gpointer data)
{
  Welcome *welcome = data;
  GtkWidget *focus = gtk_window_get_focus (GTK_WINDOW (welcome->window));

  return focus != NULL && gtk_widget_is_ancestor (focus, welcome_child (welcome, "token_row"));
}

static void
test_welcome_focuses_the_token_field (Welcome       *welcome,
                                      gconstpointer  user_data)
{
  run_until (welcome_has_focus_in_token, welcome);
}

static void
type_token (Welcome    *welcome,
            const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (welcome_child (welcome, "token_row")), text);
  gtk_widget_activate_action (GTK_WIDGET (welcome->page), "welcome.save-token", NULL);
}

static const char *
status_text (Welcome *welcome)
{
  GtkWidget *label = welcome_child (welcome, "token_status_label");

  return gtk_widget_get_visible (label) ? gtk_label_get_text (GTK_LABEL (label)) : "";
}

static void
test_welcome_refuses_empty_and_spaced_tokens (Welcome       *welcome,
                                              gconstpointer  user_data)
{
  static const struct { const char *text; const char *says; } cases[] = {
    { "", "the field is empty" },
    { "   ", "the field is empty" },
    { "sk demo", "has one at character 3" },
    { "sk\tdemo", "not printable ASCII" },
  };
  GtkWidget *label = welcome_child (welcome, "token_status_label");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      type_token (welcome, cases[i].text);
      iterate (5);
      g_test_message ("%s → %s", cases[i].text, status_text (welcome));
      g_assert_nonnull (strstr (status_text (welcome), cases[i].says));
      g_assert_true (gtk_widget_has_css_class (label, "error"));
      g_assert_false (sd_context_get_has_token (welcome->context));
      /* nothing reached the server */
      g_assert_null (sd_simulator_get_auth_seen (welcome->simulator, "127.0.0.1"));
    }
}

static gboolean
has_token (gpointer data)
{
  return sd_context_get_has_token (data);
}

static gboolean
says_something (gpointer data)
{
  return *status_text (data) != '\0';
}

static void
on_toast_cb (SdWelcomePage *page,
             AdwToast      *toast,
             char         **title)
{
  g_free (*title);
  *title = g_strdup (adw_toast_get_title (toast));
}

static void
test_welcome_balance_accepts_the_token (Welcome       *welcome,
                                        gconstpointer  user_data)
{
  g_autofree char *toast = NULL;

  g_signal_connect (welcome->page, "show-toast", G_CALLBACK (on_toast_cb), &toast);
  type_token (welcome, "  " SD_SIMULATOR_DEFAULT_TOKEN "\n");
  run_until (has_token, welcome->context);
  iterate (2);
  g_assert_cmpstr (toast, ==, "The server accepted this token.");
  g_assert_cmpstr (sd_simulator_get_auth_seen (welcome->simulator, "127.0.0.1"), ==,
                   "Bearer " SD_SIMULATOR_DEFAULT_TOKEN);
  g_signal_handlers_disconnect_by_func (welcome->page, on_toast_cb, &toast);
}

static void
test_welcome_balance_refuses_the_token (Welcome       *welcome,
                                        gconstpointer  user_data)
{
  type_token (welcome, "sk_wrong");
  run_until (says_something, welcome);
  g_assert_true (g_str_has_prefix (status_text (welcome), "The server refused this token"));
  iterate (10);
  g_assert_false (sd_context_get_has_token (welcome->context));
}

/* Without the endpoint, the page says nothing about the token and saves it. */
static void
test_welcome_without_balance_endpoint (Welcome       *welcome,
                                       gconstpointer  user_data)
{
  g_autofree char *toast = NULL;

  g_signal_connect (welcome->page, "show-toast", G_CALLBACK (on_toast_cb), &toast);
  sd_simulator_set_has_balance (welcome->simulator, FALSE);
  type_token (welcome, SD_SIMULATOR_DEFAULT_TOKEN);
  run_until (has_token, welcome->context);
  iterate (2);
  g_assert_cmpstr (status_text (welcome), ==, "");
  g_assert_true (toast == NULL || g_str_equal (toast, "Token saved in your keyring"));
  g_signal_handlers_disconnect_by_func (welcome->page, on_toast_cb, &toast);
}

/* Item 8: preferences ------------------------------------------------------- */

static GtkWindow *
open_preferences (SdContext *context,
                  SdWindow  *parent)
{
  GtkWidget *prefs = sd_preferences_window_new (context);

  gtk_window_set_transient_for (GTK_WINDOW (prefs), GTK_WINDOW (parent));
  gtk_window_present (GTK_WINDOW (prefs));
  iterate (20);
  return GTK_WINDOW (prefs);
}

/* Nothing is focused, and no entry has its text selected: a stray key
 * replaces nothing. */
static void
test_preferences_open_with_nothing_selected (Fixture       *fixture,
                                             gconstpointer  user_data)
{
  GtkWindow *prefs = open_preferences (fixture->context, fixture->window);
  GtkWidget *base_url_row = get_child (prefs, SD_TYPE_PREFERENCES_WINDOW, "base_url_row");
  GtkWidget *focus = gtk_window_get_focus (prefs);
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  int start = 0, end = 0;

  g_assert_true (focus == NULL || !GTK_IS_EDITABLE (focus));
  g_assert_false (gtk_editable_get_selection_bounds (GTK_EDITABLE (base_url_row), &start, &end));
  gtk_window_destroy (prefs);
}

static const char *
token_state (GtkWindow *prefs)
{
  return adw_action_row_get_subtitle (ADW_ACTION_ROW (get_child (prefs, SD_TYPE_PREFERENCES_WINDOW,
                                                                 "token_state_row")));
}

static gboolean
has_no_token (gpointer data)
{
  return !sd_context_get_has_token (data);
}

static void
test_preferences_token_state_and_remove (Welcome       *welcome,
                                         gconstpointer  user_data)
{
  GtkWindow *prefs = open_preferences (welcome->context, welcome->window);

  g_assert_cmpstr (token_state (prefs), ==, "No token is saved for this address");
  g_assert_false (gtk_widget_is_sensitive (get_child (prefs, SD_TYPE_PREFERENCES_WINDOW,
                                                      "remove_token_button")));
  g_assert_false (gtk_widget_get_visible (get_child (prefs, SD_TYPE_PREFERENCES_WINDOW, "demo_group")));

  type_token (welcome, SD_SIMULATOR_DEFAULT_TOKEN);
  run_until (has_token, welcome->context);
  g_assert_cmpstr (token_state (prefs), ==, "A token is saved for this address");
  g_assert_true (gtk_widget_is_sensitive (get_child (prefs, SD_TYPE_PREFERENCES_WINDOW,
                                                     "remove_token_button")));

  gtk_widget_activate_action (GTK_WIDGET (prefs), "preferences.remove-token", NULL);
  run_until (has_no_token, welcome->context);
  g_assert_cmpstr (token_state (prefs), ==, "No token is saved for this address");
  gtk_window_destroy (prefs);

  /* gone from the keyring too: a new start finds none */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(SdContext) again = sd_context_new (&error);

    g_assert_no_error (error);
    sd_test_gui_start_context (again);
    g_assert_false (sd_context_get_has_token (again));
  }
}

static void
test_preferences_show_demo_mode (Fixture       *fixture,
                                 gconstpointer  user_data)
{
  GtkWindow *prefs = open_preferences (fixture->context, fixture->window);
  GtkWidget *leave = get_child (prefs, SD_TYPE_PREFERENCES_WINDOW, "leave_demo_button");

  g_assert_true (gtk_widget_get_visible (get_child (prefs, SD_TYPE_PREFERENCES_WINDOW, "demo_group")));
  g_assert_cmpstr (token_state (prefs), ==, "Demo mode needs no token");
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (leave)), ==, "preferences.leave-demo");
  gtk_window_destroy (prefs);

  /* the Demo tag offers the same */
  g_assert_true (GTK_IS_MENU_BUTTON (get_child (fixture->window, SD_TYPE_WINDOW, "demo_label")));
}

static gboolean
app_is_started (gpointer data)
{
  GList *windows = gtk_application_get_windows (data);
  gboolean ready = FALSE;

  if (sd_application_get_context (data) == NULL || windows == NULL || !SD_IS_WINDOW (windows->data))
    return FALSE;
  g_object_get (windows->data, "ready", &ready, NULL);
  return ready;
}

/* app.leave-demo starts again on the real service: a new context, not in
 * demo mode, and a window that asks for the token. */
static void
test_leave_demo_restarts_on_the_real_service (void)
{
  g_autofree char *secrets = g_build_filename (g_get_user_data_dir (), "keyring-leave.file", NULL);
  g_autoptr(SdApplication) app = sd_application_new ();
  g_autoptr(GError) error = NULL;
  SdContext *demo;
  GtkStack *stack;
  SdWindow *window;

  g_unsetenv ("SEEDANCE_API_TOKEN");
  g_setenv ("SECRET_BACKEND", "file", TRUE);
  g_setenv ("SECRET_FILE_TEST_PATH", secrets, TRUE);

  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_application_activate (G_APPLICATION (app));
  run_until (app_is_started, app);
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (app), "leave-demo"));

  demo = sd_application_get_context (app);
  g_assert_true (sd_demo_start (demo, &error));
  g_assert_no_error (error);
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (app), "leave-demo"));

  g_object_add_weak_pointer (G_OBJECT (demo), (gpointer *) &demo);
  g_action_group_activate_action (G_ACTION_GROUP (app), "leave-demo", NULL);
  run_until (app_is_started, app);
  g_assert_null (demo);
  g_assert_false (sd_context_get_demo (sd_application_get_context (app)));
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (app), "leave-demo"));

  window = SD_WINDOW (gtk_application_get_windows (GTK_APPLICATION (app))->data);
  stack = GTK_STACK (get_child (window, SD_TYPE_WINDOW, "main_stack"));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "welcome");

  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  iterate (5);
}

/* Item 7: the player -------------------------------------------------------- */

static gboolean
is_saved (gpointer data)
{
  const char *path = sd_task_get_local_file (data);

  return path != NULL && g_file_test (path, G_FILE_TEST_IS_REGULAR);
}

static SdTask *
generate_saved (Fixture    *fixture,
                const char *prompt)
{
  SdComposer *composer = sd_window_get_composer (fixture->window);
  GListModel *tasks = sd_service_get_tasks (sd_context_get_service (fixture->context));
  guint n_before = g_list_model_get_n_items (tasks);
  g_autoptr(SdTask) task = NULL;

  gtk_text_buffer_set_text (sd_composer_get_prompt_buffer (composer), prompt, -1);
  if (sd_request_get_images (sd_composer_get_request (composer)) == NULL)
    g_assert_cmpuint (sd_composer_add_image_text (composer, "https://images.example.com/boat.jpg"), ==, 1);
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.generate", NULL);
  while (g_list_model_get_n_items (tasks) == n_before)
    iterate_sending_anyway ();
  task = g_list_model_get_item (tasks, 0);
  run_until (is_saved, task);
  return g_steal_pointer (&task);
}

static gboolean
is_failed (gpointer data)
{
  return sd_task_get_status (data) == SD_TASK_STATUS_FAILED;
}

static SdTask *
generate_failed (Fixture    *fixture,
                 const char *prompt)
{
  SdComposer *composer = sd_window_get_composer (fixture->window);
  GListModel *tasks = sd_service_get_tasks (sd_context_get_service (fixture->context));
  guint n_before = g_list_model_get_n_items (tasks);
  g_autoptr(SdTask) task = NULL;

  gtk_text_buffer_set_text (sd_composer_get_prompt_buffer (composer), prompt, -1);
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.generate", NULL);
  while (g_list_model_get_n_items (tasks) == n_before)
    iterate_sending_anyway ();
  task = g_list_model_get_item (tasks, 0);
  run_until (is_failed, task);
  return g_steal_pointer (&task);
}

static SdVideoWindow *
open_player (Fixture *fixture,
             SdTask  *task)
{
  GObject *selection = gtk_widget_get_template_child (GTK_WIDGET (fixture->window), SD_TYPE_WINDOW,
                                                      "selection");
  GtkWidget *player = sd_video_window_new (task, G_LIST_MODEL (selection));

  gtk_window_set_transient_for (GTK_WINDOW (player), GTK_WINDOW (fixture->window));
  gtk_window_present (GTK_WINDOW (player));
  return SD_VIDEO_WINDOW (player);
}

static const char *
player_page (SdVideoWindow *player)
{
  return gtk_stack_get_visible_child_name (GTK_STACK (get_child (player, SD_TYPE_VIDEO_WINDOW, "stack")));
}

static const char *
player_reason (SdVideoWindow *player)
{
  return adw_status_page_get_description (ADW_STATUS_PAGE (get_child (player, SD_TYPE_VIDEO_WINDOW,
                                                                      "error_page")));
}

static gboolean
plays_again (gpointer data)
{
  return g_strcmp0 (player_page (data), "video") == 0;
}

/* A saved file that is gone: the player says so and downloads it again
 * through the window's win.download-task; then it plays. */
static void
test_player_says_the_file_is_gone (Fixture       *fixture,
                                   gconstpointer  user_data)
{
  g_autoptr(SdTask) task = generate_saved (fixture, "a paper boat on a pond");
  g_autofree char *path = g_strdup (sd_task_get_local_file (task));
  SdVideoWindow *player;

  g_assert_cmpint (g_unlink (path), ==, 0);
  player = open_player (fixture, task);
  g_assert_cmpstr (player_page (player), ==, "error");
  g_assert_nonnull (strstr (player_reason (player), "is gone: it was moved or deleted"));
  g_assert_nonnull (strstr (player_reason (player), path));
  g_assert_false (gtk_widget_is_sensitive (get_child (player, SD_TYPE_VIDEO_WINDOW, "open_with_button")));
  g_assert_true (gtk_widget_is_sensitive (get_child (player, SD_TYPE_VIDEO_WINDOW, "download_button")));

  gtk_widget_activate_action (GTK_WIDGET (player), "player.download-again", NULL);
  run_until (plays_again, player);
  g_assert_true (g_file_test (sd_task_get_local_file (task), G_FILE_TEST_IS_REGULAR));
  g_assert_true (gtk_widget_is_sensitive (get_child (player, SD_TYPE_VIDEO_WINDOW, "open_with_button")));
  gtk_window_destroy (GTK_WINDOW (player));
}

static GtkWindow *
find_app_chooser (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      G_GNUC_BEGIN_IGNORE_DEPRECATIONS
      if (GTK_IS_APP_CHOOSER_DIALOG (window))
        return window;
      G_GNUC_END_IGNORE_DEPRECATIONS
    }
  return NULL;
}

/* The player's own error (GStreamer's, through GtkMediaStream) is shown in
 * words, with Open With… for the saved file. */
static void
test_player_shows_the_stream_error (Fixture       *fixture,
                                    gconstpointer  user_data)
{
  g_autoptr(SdTask) task = generate_saved (fixture, "a lantern in the fog");
  SdVideoWindow *player = open_player (fixture, task);
  GtkMediaStream *stream = gtk_video_get_media_stream (GTK_VIDEO (get_child (player, SD_TYPE_VIDEO_WINDOW,
                                                                             "video")));
  GtkWindow *chooser;

  g_assert_nonnull (stream);
  gtk_media_stream_error (stream, G_IO_ERROR, G_IO_ERROR_FAILED, "Could not determine type of stream");
  g_assert_cmpstr (player_page (player), ==, "error");
  g_assert_cmpstr (player_reason (player), ==,
                   "The video could not be played: Could not determine type of stream.");
  g_assert_true (gtk_widget_is_sensitive (get_child (player, SD_TYPE_VIDEO_WINDOW, "open_with_button")));

#if !GTK_CHECK_VERSION (4, 12, 0)
  gtk_widget_activate_action (GTK_WIDGET (player), "player.open-with", NULL);
  chooser = find_app_chooser ();
  g_assert_nonnull (chooser);
  g_assert_true (gtk_window_get_transient_for (chooser) == GTK_WINDOW (player));
  gtk_window_destroy (chooser);
#else
  (void) chooser;
  (void) find_app_chooser;
#endif
  gtk_window_destroy (GTK_WINDOW (player));
}

static const char *
player_title (SdVideoWindow *player)
{
  return adw_window_title_get_title (ADW_WINDOW_TITLE (get_child (player, SD_TYPE_VIDEO_WINDOW,
                                                                  "window_title")));
}

/* Next and previous walk the list's videos (newest first), skipping
 * tasks without one; the ends disable them. */
static void
test_player_steps_through_the_list (Fixture       *fixture,
                                    gconstpointer  user_data)
{
  g_autoptr(SdTask) oldest = generate_saved (fixture, "first video");
  g_autoptr(SdTask) failed = generate_failed (fixture, "this one should fail");
  g_autoptr(SdTask) newest = generate_saved (fixture, "second video");
  SdVideoWindow *player;

  player = open_player (fixture, newest);
  g_assert_cmpstr (player_title (player), ==, "second video");
  gtk_widget_activate_action (GTK_WIDGET (player), "player.previous", NULL);
  g_assert_cmpstr (player_title (player), ==, "second video");

  gtk_widget_activate_action (GTK_WIDGET (player), "player.next", NULL);
  g_assert_cmpstr (player_title (player), ==, "first video");
  gtk_widget_activate_action (GTK_WIDGET (player), "player.next", NULL);
  g_assert_cmpstr (player_title (player), ==, "first video");

  gtk_widget_activate_action (GTK_WIDGET (player), "player.previous", NULL);
  g_assert_cmpstr (player_title (player), ==, "second video");
  gtk_window_destroy (GTK_WINDOW (player));
}

/* Item 12: every control has a name ---------------------------------------- */

/* The accessible label set on @widget ("" counts as none), or NULL. GTK
 * 4.8 has no getter for the computed name: the test API reads the
 * property the code sets. */
static char *
dup_accessible_label (GtkWidget *widget)
{
  GtkAccessible *accessible = GTK_ACCESSIBLE (widget);

  if (!gtk_test_accessible_has_property (accessible, GTK_ACCESSIBLE_PROPERTY_LABEL))
    return NULL;
  /* NULL when it is the empty string, else the value */
  return gtk_test_accessible_check_property (accessible, GTK_ACCESSIBLE_PROPERTY_LABEL, "");
}

/* The text of the first label inside @widget: a button's own label. */
static const char *
find_label_text (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      const char *text;

      if (GTK_IS_LABEL (child) && gtk_widget_get_visible (child))
        {
          text = gtk_label_get_text (GTK_LABEL (child));
          if (text != NULL && *text != '\0')
            return text;
        }
      if ((text = find_label_text (child)) != NULL)
        return text;
    }
  return NULL;
}

/* A name says something: not empty, not blank, no mnemonic underscore. */
static gboolean
is_meaningful (const char *name)
{
  g_autofree char *stripped = name != NULL ? g_strstrip (g_strdup (name)) : NULL;

  return stripped != NULL && *stripped != '\0' && stripped[0] != '_' && strstr (stripped, " _") == NULL;
}

static char *
dup_name (GtkWidget *widget)
{
  char *label = dup_accessible_label (widget);

  if (label != NULL)
    return label;
  /* A button says what it does itself: libadwaita labels its rows' inner
   * buttons by the row's title ("API Token"), which names the field. */
  if (GTK_IS_BUTTON (widget) || GTK_IS_CHECK_BUTTON (widget))
    return g_strdup (find_label_text (widget));
  if (gtk_test_accessible_has_relation (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_RELATION_LABELLED_BY))
    return g_strdup ("(labelled by another widget)");
  return NULL;
}

static gboolean
is_control (GtkWidget *widget)
{
  if (GTK_IS_TEXT (widget))
    return FALSE; /* checked as the entry it is the text of */
  return GTK_IS_BUTTON (widget) || GTK_IS_MENU_BUTTON (widget) || GTK_IS_SWITCH (widget) ||
         GTK_IS_CHECK_BUTTON (widget) || GTK_IS_EDITABLE (widget) || GTK_IS_TEXT_VIEW (widget) ||
         GTK_IS_DROP_DOWN (widget) || GTK_IS_SCALE (widget);
}

/* Controls made of controls are named as one. An entry row is not: its
 * apply and reveal buttons are controls of their own. */
static gboolean
is_compound (GtkWidget *widget)
{
  return GTK_IS_MENU_BUTTON (widget) || GTK_IS_DROP_DOWN (widget) || GTK_IS_SPIN_BUTTON (widget);
}

static char *
describe_path (GtkWidget *widget)
{
  GString *path = g_string_new (NULL);

  for (GtkWidget *w = widget; w != NULL; w = gtk_widget_get_parent (w))
    {
      const char *id = GTK_IS_BUILDABLE (w) ? gtk_buildable_get_buildable_id (GTK_BUILDABLE (w)) : NULL;
      g_autofree char *part = id != NULL ? g_strdup_printf ("%s#%s", G_OBJECT_TYPE_NAME (w), id)
                                         : g_strdup (G_OBJECT_TYPE_NAME (w));

      g_string_prepend (path, part);
      if (gtk_widget_get_parent (w) != NULL)
        g_string_prepend (path, " > ");
    }
  return g_string_free (path, FALSE);
}

static void
walk_names (GtkWidget *widget,
            GPtrArray *nameless,
            guint     *n_checked)
{
  if (!gtk_widget_get_mapped (widget))
    return;

  if (is_control (widget))
    {
      g_autofree char *name = dup_name (widget);

      (*n_checked)++;
      if (g_getenv ("TEST_A11Y_VERBOSE") != NULL)
        {
          g_autofree char *path = describe_path (widget);

          g_test_message ("%s: %s", path, name != NULL ? name : "(none)");
        }
      if (!is_meaningful (name))
        g_ptr_array_add (nameless, g_strdup_printf ("%s (name: %s)", describe_path (widget),
                                                    name != NULL ? name : "none"));
      if (is_compound (widget))
        return;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    walk_names (child, nameless, n_checked);
}

static void
assert_all_named (GtkWindow  *window,
                  const char *what)
{
  g_autoptr(GPtrArray) nameless = g_ptr_array_new_with_free_func (g_free);
  guint n_checked = 0;

  iterate (10);
  walk_names (GTK_WIDGET (window), nameless, &n_checked);
  g_test_message ("%s: %u controls checked", what, n_checked);
  for (guint i = 0; i < nameless->len; i++)
    g_test_message ("%s: nameless control %s", what, (char *) g_ptr_array_index (nameless, i));
  g_assert_cmpuint (n_checked, >, 0);
  if (nameless->len > 0)
    g_error ("%s: %u controls without a meaningful name, the first: %s", what, nameless->len,
             (char *) g_ptr_array_index (nameless, 0));
}

/* The shown toast under @widget, or NULL. */
static gboolean
is_shown_toast (GtkWidget     *widget,
                gconstpointer  data)
{
  return g_str_equal (G_OBJECT_TYPE_NAME (widget), "AdwToastWidget") && gtk_widget_get_mapped (widget);
}

static GtkWidget *
find_toast (GtkWidget *widget)
{
  return sd_test_gui_find (widget, is_shown_toast, NULL);
}

static gboolean
has_toast (gpointer widget)
{
  return find_toast (widget) != NULL;
}

static GtkWidget *
find_icon_button (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *button;

      if (GTK_IS_BUTTON (child) && gtk_button_get_icon_name (GTK_BUTTON (child)) != NULL)
        return child;
      if ((button = find_icon_button (child)) != NULL)
        return button;
    }
  return NULL;
}

typedef struct
{
  GtkWidget  *root;
  const char *title;
} ToastWait;

static gboolean
shows_toast (gpointer data)
{
  ToastWait *wait = data;
  GtkWidget *toast = find_toast (wait->root);

  return toast != NULL && g_strcmp0 (find_label_text (toast), wait->title) == 0;
}

/* Waits for the toast titled @title under @root; returns the name of its
 * close button. */
static char *
dup_toast_close_name (gpointer    root,
                      const char *title)
{
  ToastWait wait = { root, title };
  GtkWidget *close;

  run_until (shows_toast, &wait);
  close = find_icon_button (find_toast (root));
  g_assert_nonnull (close);
  return dup_accessible_label (close);
}

/* A toast's close button is libadwaita's, made when the toast shows,
 * without a name in 1.2: each one shown, queued ones too, is named. */
static void
test_a11y_toast_close_button_is_named (Fixture       *fixture,
                                       gconstpointer  user_data)
{
  g_autoptr(AdwToast) first = g_object_ref (adw_toast_new ("Link copied"));
  AdwToast *second = adw_toast_new ("Task removed");
  g_autofree char *first_name = NULL;
  g_autofree char *second_name = NULL;
  g_autofree char *prefs_name = NULL;
  GtkWindow *prefs;

  adw_toast_set_timeout (first, 0);
  adw_toast_set_button_label (second, "_Undo");
  sd_window_add_toast (fixture->window, first);
  sd_window_add_toast (fixture->window, second);
  first_name = dup_toast_close_name (fixture->window, "Link copied");
  g_assert_cmpstr (first_name, ==, "Dismiss");

  /* the second waited in the queue: its widget is made only now */
  adw_toast_dismiss (first);
  second_name = dup_toast_close_name (fixture->window, "Task removed");
  g_assert_cmpstr (second_name, ==, "Dismiss");

  prefs = open_preferences (fixture->context, fixture->window);
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (prefs), adw_toast_new ("Token saved"));
  prefs_name = dup_toast_close_name (prefs, "Token saved");
  g_assert_cmpstr (prefs_name, ==, "Dismiss");
  gtk_window_destroy (prefs);
}

static void
test_a11y_every_control_is_named (Fixture       *fixture,
                                  gconstpointer  user_data)
{
  static const char * const images[] = { "https://images.example.com/boat.jpg",
                                         "https://images.example.com/pond.png", NULL };
  static const char * const videos[] = { "https://videos.example.com/waves.mp4", NULL };
  static const char * const audios[] = { "https://audio.example.com/wind.mp3", NULL };
  SdComposer *composer = sd_window_get_composer (fixture->window);
  g_autoptr(SdTask) saved = generate_saved (fixture, "a paper boat on a pond");
  g_autoptr(SdTask) failed = generate_failed (fixture, "this one should fail");
  g_autoptr(SdRequest) request = sd_request_new ();
  g_autoptr(SdRequest) frames = sd_request_new ();
  SdVideoWindow *player;
  GtkWindow *prefs;

  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1280, 900);
  sd_request_set_model (request, "seedance2.0-sp");
  sd_request_set_prompt (request, "every kind of media");
  sd_request_set_images (request, images);
  sd_request_set_reference_videos (request, videos);
  sd_request_set_reference_audios (request, audios);
  sd_composer_load_request (composer, request);
  sd_window_add_toast (fixture->window, adw_toast_new ("Link copied"));
  run_until (has_toast, fixture->window);
  assert_all_named (GTK_WINDOW (fixture->window), "main window with a toast, composer with images, videos, audios");

  sd_request_set_model (frames, "seedance2.0-sp");
  sd_request_set_prompt (frames, "first and last frame");
  sd_request_set_first_image (frames, "https://images.example.com/first.jpg");
  sd_request_set_last_image (frames, "https://images.example.com/last.jpg");
  sd_composer_load_request (composer, frames);
  assert_all_named (GTK_WINDOW (fixture->window), "composer with frames");

  prefs = open_preferences (fixture->context, fixture->window);
  assert_all_named (prefs, "preferences");
  /* typing shows the rows' apply buttons and the token's reveal button */
  gtk_editable_set_text (GTK_EDITABLE (get_child (prefs, SD_TYPE_PREFERENCES_WINDOW, "base_url_row")),
                         "http://127.0.0.1:1");
  gtk_editable_set_text (GTK_EDITABLE (get_child (prefs, SD_TYPE_PREFERENCES_WINDOW, "token_row")), "sk");
  assert_all_named (prefs, "preferences, edited");
  gtk_window_destroy (prefs);

  player = open_player (fixture, saved);
  assert_all_named (GTK_WINDOW (player), "player");
  gtk_media_stream_error (gtk_video_get_media_stream (GTK_VIDEO (get_child (player, SD_TYPE_VIDEO_WINDOW, "video"))),
                          G_IO_ERROR, G_IO_ERROR_FAILED, "broken");
  assert_all_named (GTK_WINDOW (player), "player's error page");
  gtk_window_destroy (GTK_WINDOW (player));
}

static void
test_a11y_welcome_is_named (Welcome       *welcome,
                            gconstpointer  user_data)
{
  assert_all_named (GTK_WINDOW (welcome->window), "welcome page");
  gtk_editable_set_text (GTK_EDITABLE (welcome_child (welcome, "token_row")), "sk");
  assert_all_named (GTK_WINDOW (welcome->window), "welcome page, token typed");
}

static gboolean
is_toast_titled (GtkWidget     *widget,
                 gconstpointer  title)
{
  return g_str_equal (G_OBJECT_TYPE_NAME (widget), "AdwToastWidget") &&
         g_strcmp0 (find_label_text (widget), title) == 0;
}

static void
set_dismissed_cb (gboolean *dismissed)
{
  g_assert_false (*dismissed);
  *dismissed = TRUE;
}

/* libadwaita 1.2 crashed when a toast that replaced another (a 500 ms
 * entrance) was dismissed within 200 ms: its exit freed what its entrance
 * wrote to when it ended. The toast takes no click while it enters, and
 * the app's dismissal waits (sd-toasts.c). */
static void
test_toast_dismissed_while_entering (Fixture       *fixture,
                                     gconstpointer  user_data)
{
  g_autoptr(AdwToast) second = g_object_ref (adw_toast_new ("Second"));
  GtkWidget *second_widget;
  gboolean dismissed = FALSE;

  sd_window_add_toast (fixture->window, adw_toast_new ("First"));
  sd_test_gui_wait_for (GTK_WIDGET (fixture->window), is_toast_titled, "First", "the first toast");
  adw_toast_set_priority (second, ADW_TOAST_PRIORITY_HIGH);
  g_signal_connect_swapped (second, "dismissed", G_CALLBACK (set_dismissed_cb), &dismissed);
  sd_window_add_toast (fixture->window, second);
  second_widget = sd_test_gui_wait_for (GTK_WIDGET (fixture->window), is_toast_titled, "Second",
                                        "the second toast");

  sd_toasts_dismiss (second);
#if ADW_CHECK_VERSION (1, 3, 0)
  /* libadwaita fixed it: nothing waits */
  g_assert_true (dismissed);
  g_assert_true (gtk_widget_get_can_target (second_widget));
#else
  GtkWidget *first_widget;
  gint64 end;

  g_assert_false (gtk_widget_get_can_target (second_widget));
  g_assert_false (gtk_widget_get_can_focus (second_widget));
  g_assert_false (dismissed);
  run_until (sd_test_gui_is_true, &dismissed);

  /* past both animations, and the first toast, postponed, comes back and
   * takes clicks once it has entered */
  end = g_get_monotonic_time () + G_USEC_PER_SEC;
  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
  first_widget = sd_test_gui_wait_for (GTK_WIDGET (fixture->window), is_toast_titled, "First",
                                       "the first toast again");
  sd_test_gui_click_when_it_takes_clicks (find_icon_button (first_widget));
#endif
}

/* @widget has one accessible name, @name: in its label property and
 * labelled by nothing, or (GTK 4.10 and later, which copy no text into the
 * property of a text button) labelled by its label child alone. */
static void
assert_named_once (GtkWidget  *widget,
                   const char *name)
{
  g_autofree char *mismatch = NULL;

  if (!gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL))
    {
      GtkWidget *child = GTK_IS_BUTTON (widget) ? gtk_button_get_child (GTK_BUTTON (widget)) : NULL;

      g_assert_true (GTK_IS_LABEL (child));
      g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (child)), ==, name);
      g_assert_true (gtk_test_accessible_has_relation (GTK_ACCESSIBLE (widget),
                                                       GTK_ACCESSIBLE_RELATION_LABELLED_BY));
      return;
    }
  mismatch = gtk_test_accessible_check_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, name);
  if (mismatch != NULL)
    g_error ("%s: the name is not “%s”: %s", G_OBJECT_TYPE_NAME (widget), name, mismatch);
  /* a relation would add its labels' text after the name */
  if (gtk_test_accessible_has_relation (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_RELATION_LABELLED_BY))
    g_error ("%s “%s”: also labelled by another widget", G_OBJECT_TYPE_NAME (widget), name);
}

/* Over AT-SPI, GTK 4.8 said "_Compare Compare" for a button with a
 * mnemonic, "Leave Demo Leave Demo" for one named on purpose, and
 * libadwaita 1.2 "Ratio Ratio" for a combo row (sd_a11y_name_once(), which
 * the application installs and main() below too). */
static void
test_a11y_named_once (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *rows = gtk_list_box_new ();
  GtkWidget *mnemonic = gtk_button_new_with_mnemonic ("_Compare");
  GtkWidget *plain = gtk_button_new_with_label ("Plain");
  GtkWidget *given = gtk_button_new_with_label ("Add");
  GtkWidget *entry_row = adw_entry_row_new ();
  GtkWidget *combo_row = adw_combo_row_new ();

  gtk_accessible_update_property (GTK_ACCESSIBLE (given), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  "Add the image link", -1);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (entry_row), "Image URL");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (combo_row), "_Ratio");
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (combo_row), TRUE);
  gtk_list_box_append (GTK_LIST_BOX (rows), entry_row);
  gtk_list_box_append (GTK_LIST_BOX (rows), combo_row);
  gtk_box_append (GTK_BOX (box), mnemonic);
  gtk_box_append (GTK_BOX (box), plain);
  gtk_box_append (GTK_BOX (box), given);
  gtk_box_append (GTK_BOX (box), rows);
  gtk_window_set_child (GTK_WINDOW (window), box);
  gtk_window_present (GTK_WINDOW (window));
  iterate (10);

  assert_named_once (mnemonic, "Compare");
  assert_named_once (plain, "Plain");
  assert_named_once (given, "Add the image link");
  assert_named_once (entry_row, "Image URL");
  assert_named_once (combo_row, "Ratio");

  /* a new label renames them; GTK 4.8's set_label() replaces a name
   * given on purpose too, later ones leave it */
  gtk_button_set_label (GTK_BUTTON (mnemonic), "_Compare Takes");
  gtk_button_set_label (GTK_BUTTON (plain), "Still Plain");
  gtk_button_set_label (GTK_BUTTON (given), "Add It");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (entry_row), "Image Link");
  assert_named_once (mnemonic, "Compare Takes");
  assert_named_once (plain, "Still Plain");
  assert_named_once (given, sd_test_gui_is_named (given, "Add It") ? "Add It"
                                                                     : "Add the image link");
  assert_named_once (entry_row, "Image Link");
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  sd_test_gui_init (&argc, &argv);
  /* as the application does at start-up */
  sd_a11y_name_once ();

#define ADD_WINDOW_TEST(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
#define ADD_WELCOME_TEST(path, func) \
  g_test_add (path, Welcome, NULL, welcome_set_up, func, welcome_tear_down)

  g_test_add_func ("/polish/row/query-progress-is-read", test_query_progress_is_read);
  ADD_WINDOW_TEST ("/polish/row/times-count-from-submission", test_row_times_count_from_submission);
  ADD_WINDOW_TEST ("/polish/row/shows-server-progress", test_row_shows_server_progress);
  ADD_WELCOME_TEST ("/polish/welcome/focuses-the-token-field", test_welcome_focuses_the_token_field);
  ADD_WELCOME_TEST ("/polish/welcome/refuses-empty-and-spaced-tokens", test_welcome_refuses_empty_and_spaced_tokens);
  ADD_WELCOME_TEST ("/polish/welcome/balance-accepts-the-token", test_welcome_balance_accepts_the_token);
  ADD_WELCOME_TEST ("/polish/welcome/balance-refuses-the-token", test_welcome_balance_refuses_the_token);
  ADD_WELCOME_TEST ("/polish/welcome/without-balance-endpoint-says-nothing", test_welcome_without_balance_endpoint);
  ADD_WINDOW_TEST ("/polish/preferences/open-with-nothing-selected", test_preferences_open_with_nothing_selected);
  ADD_WELCOME_TEST ("/polish/preferences/token-state-and-remove", test_preferences_token_state_and_remove);
  ADD_WINDOW_TEST ("/polish/preferences/show-demo-mode", test_preferences_show_demo_mode);
  g_test_add_func ("/polish/app/leave-demo-restarts-on-the-real-service", test_leave_demo_restarts_on_the_real_service);
  ADD_WINDOW_TEST ("/polish/player/says-the-file-is-gone", test_player_says_the_file_is_gone);
  ADD_WINDOW_TEST ("/polish/player/shows-the-stream-error", test_player_shows_the_stream_error);
  ADD_WINDOW_TEST ("/polish/player/steps-through-the-list", test_player_steps_through_the_list);
  ADD_WINDOW_TEST ("/polish/a11y/every-control-is-named", test_a11y_every_control_is_named);
  ADD_WELCOME_TEST ("/polish/a11y/welcome-is-named", test_a11y_welcome_is_named);
  ADD_WINDOW_TEST ("/polish/a11y/toast-close-button-is-named", test_a11y_toast_close_button_is_named);
  g_test_add_func ("/polish/a11y/named-once", test_a11y_named_once);
  ADD_WINDOW_TEST ("/polish/toast/dismissed-while-entering", test_toast_dismissed_while_entering);

  return g_test_run ();
}

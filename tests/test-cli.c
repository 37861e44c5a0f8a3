/* test-cli.c: the seedance command line, run in-process
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-cli"

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <locale.h>

#include "sd-catalog.h"
#include "sd-cli.h"
#include "sd-cli-output.h"
#include "sd-client.h"
#include "sd-context.h"
#include "sd-service.h"
#include "sd-demo.h"
#include "sd-simulator-test.h"
#include "sd-store.h"
#include "sd-test-cli.h"
#include "sd-test-util.h"

#define WAIT_LIMIT_S 30

typedef SdTestRun Run;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Run, sd_test_run_free)

/* Set while a test plays a hostile server (see the hostile text tests). */
static const char *simulator_hostile_text;

/* The fault the next demo simulator answers creates with. */
static SdSimulatorFault next_create_fault = SD_SIMULATOR_FAULT_NONE;
/* What the next runs' services see of the network (tests set them). */
static GNetworkMonitor *next_monitor;
static gboolean         next_offline_for_a_while;

static gboolean
on_back_online_cb (gpointer data)
{
  sd_service_set_online (data, TRUE);
  return G_SOURCE_REMOVE;
}

static void
set_up_network (SdService *service)
{
  if (next_monitor != NULL)
    sd_service_set_network_monitor (service, next_monitor);
  if (next_offline_for_a_while)
    {
      sd_service_set_network_monitor (service, NULL);
      sd_service_set_online (service, FALSE);
      g_timeout_add_full (G_PRIORITY_DEFAULT, 500, on_back_online_cb,
                          g_object_ref (service), g_object_unref);
    }
}
/* Done to each new context of the next runs, e.g. to break its history. */
static void (*context_hook) (SdContext *context);

static void
on_context_created_cb (SdTestRun *run,
                       SdContext *context,
                       gpointer   user_data)
{
  SdSimulator *simulator = sd_demo_get_simulator (context);

  if (simulator == NULL && simulator_hostile_text != NULL)
    g_object_set (sd_context_get_service (context),
                  "first-poll-delay", 5, "max-poll-interval", 20, NULL);
  set_up_network (sd_context_get_service (context));
  if (context_hook != NULL)
    context_hook (context);
  if (simulator == NULL)
    return;

  sd_simulator_set_hostile_text (simulator, simulator_hostile_text);
  sd_simulator_set_fault (simulator, SD_SIMULATOR_STEP_CREATE, next_create_fault, 0);
  next_create_fault = SD_SIMULATOR_FAULT_NONE;
}

static Run *
run_argv (const char * const *args)
{
  return sd_test_run_cli_argv (args, on_context_created_cb, NULL);
}

static void
on_own_cli_context_created_cb (SdCli     *cli,
                               SdContext *context,
                               Run       *run)
{
  sd_test_run_take_context (run, context);
  on_context_created_cb (run, context, NULL);
}

#define run_cli(...) run_argv ((const char * const []) { __VA_ARGS__, NULL })

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

static char *
make_download_dir (void)
{
  return g_build_filename (g_get_user_cache_dir (), "videos", NULL);
}

static gboolean
dir_has_files (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);

  return dir != NULL && g_dir_read_name (dir) != NULL;
}

/* Help and usage */

static void
test_help_lists_every_command (void)
{
  const char *names[] = { "models", "submit", "status", "wait", "download", "list" };
  g_autoptr(Run) run = run_cli ("--help");

  g_assert_cmpint (run->status, ==, SD_CLI_EXIT_SUCCESS);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_assert_nonnull (strstr (run->out, names[i]));
  g_assert_nonnull (strstr (run->out, "--demo"));
  g_assert_cmpint (run->contexts, ==, 0);
}

static void
test_command_help_shows_its_options (void)
{
  g_autoptr(Run) run = run_cli ("submit", "--help");

  g_assert_cmpint (run->status, ==, SD_CLI_EXIT_SUCCESS);
  g_assert_nonnull (strstr (run->out, "--prompt"));
  g_assert_nonnull (strstr (run->out, "--reference-video"));
  g_assert_nonnull (strstr (run->out, "--wait"));
  g_assert_cmpint (run->contexts, ==, 0);
}

static void
test_version_prints_the_version (void)
{
  g_autoptr(Run) run = run_cli ("--version");

  g_assert_cmpint (run->status, ==, SD_CLI_EXIT_SUCCESS);
  g_assert_nonnull (strstr (run->out, PACKAGE_VERSION));
}

static void
test_unknown_command_is_a_usage_error (void)
{
  g_autoptr(Run) run = run_cli ("frobnicate");

  g_assert_cmpint (run->status, ==, SD_CLI_EXIT_USAGE);
  g_assert_nonnull (strstr (run->err, "frobnicate"));
  g_assert_cmpstr (run->out, ==, "");
}

static void
test_no_command_is_a_usage_error (void)
{
  g_autoptr(Run) run = run_argv ((const char * const []) { NULL });

  g_assert_cmpint (run->status, ==, SD_CLI_EXIT_USAGE);
  g_assert_cmpstr (run->err, !=, "");
}

static void
test_unknown_option_is_a_usage_error (void)
{
  g_autoptr(Run) run = run_cli ("submit", "--colour", "red");

  g_assert_cmpint (run->status, ==, SD_CLI_EXIT_USAGE);
  g_assert_nonnull (strstr (run->err, "--colour"));
  g_assert_cmpint (run->contexts, ==, 0);
}

static void
test_duration_must_be_a_number (void)
{
  g_autoptr(Run) run = run_cli ("submit", "--model", "seedance2.0-std",
                                "--prompt", "a cat", "--duration", "long");

  g_assert_cmpint (run->status, ==, SD_CLI_EXIT_USAGE);
  g_assert_nonnull (strstr (run->err, "long"));
  g_assert_cmpint (run->contexts, ==, 0);
}

/* An explicit 0 or negative duration is refused with the model's range,
 * never sent at the default length; so is one out of range or not a whole
 * number. */
static void
test_duration_out_of_range_is_refused (void)
{
  static const char * const durations[] = { "-1", "0", "-0", "16", "1.5", "5s", "99999999999" };

  for (guint i = 0; i < G_N_ELEMENTS (durations); i++)
    {
      g_autoptr(Run) run = run_cli ("--demo", "submit", "--model", "seedance2.0-md",
                                    "--prompt", "a cat", "--duration", durations[i]);

      g_assert_cmpint (run->status, ==, SD_CLI_EXIT_USAGE);
      g_assert_true (g_str_has_prefix (run->err, "duration: "));
      g_assert_nonnull (strstr (run->err, "1 to 15"));
      g_assert_cmpstr (run->out, ==, "");
      /* No context, so no simulator: no create was sent anywhere. */
      g_assert_cmpint (run->contexts, ==, 0);
    }
}

static void
test_status_needs_exactly_one_id (void)
{
  g_autoptr(Run) none = run_cli ("status");
  g_autoptr(Run) two = run_cli ("status", "a", "b");

  g_assert_cmpint (none->status, ==, SD_CLI_EXIT_USAGE);
  g_assert_cmpint (two->status, ==, SD_CLI_EXIT_USAGE);
  g_assert_cmpint (none->contexts + two->contexts, ==, 0);
}

/* models */

static void
test_models_lists_every_model (void)
{
  g_autoptr(SdCatalog) catalog = sd_catalog_new ();
  GListModel *models = sd_catalog_get_models (catalog);
  g_autoptr(Run) run = run_cli ("models");

  g_assert_cmpint (run->status, ==, SD_CLI_EXIT_SUCCESS);
  g_assert_cmpuint (g_list_model_get_n_items (models), ==, 22);
  for (guint i = 0; i < g_list_model_get_n_items (models); i++)
    {
      g_autoptr(SdModel) model = g_list_model_get_item (models, i);
      g_autofree char *needle = g_strdup_printf ("  %s  ", sd_model_get_id (model));

      g_assert_nonnull (strstr (run->out, needle));
      g_assert_nonnull (strstr (run->out, sd_model_get_family_name (model)));
    }
}

static void
test_models_json_has_every_model_and_its_limits (void)
{
  g_autoptr(SdCatalog) catalog = sd_catalog_new ();
  g_autoptr(Run) run = run_cli ("models", "--json");
  g_autoptr(JsonNode) root = NULL;
  JsonArray *array;
  JsonObject *md = NULL;

  g_assert_cmpint (run->status, ==, SD_CLI_EXIT_SUCCESS);
  g_assert_cmpstr (run->err, ==, "");
  root = parse_json (run->out);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (root));
  array = json_node_get_array (root);
  g_assert_cmpuint (json_array_get_length (array), ==, 22);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *object = json_array_get_object_element (array, i);
      const char *id = json_object_get_string_member (object, "id");

      g_assert_nonnull (sd_catalog_lookup (catalog, id));
      g_assert_true (json_object_has_member (object, "billing"));
      g_assert_true (json_object_has_member (object, "duration"));
      g_assert_true (json_object_has_member (object, "ratios"));
      g_assert_true (json_object_has_member (object, "image_schemes"));
      if (g_str_equal (id, "seedance2.0-md"))
        md = object;
    }

  g_assert_nonnull (md);
  g_assert_cmpint (json_object_get_int_member (md, "max_images"), ==, 4);
  g_assert_cmpstr (json_object_get_string_member (md, "family"), ==, "md");
}

/* submit: refusals */

static void
test_submit_without_prompt_names_the_field (void)
{
  g_autoptr(Run) run = run_cli ("--demo", "submit", "--model", "seedance2.0-std");

  g_assert_cmpint (run->status, ==, SD_CLI_EXIT_USAGE);
  g_assert_true (g_str_has_prefix (run->err, "prompt: "));
  g_assert_cmpstr (run->out, ==, "");
  g_assert_cmpint (run->contexts, ==, 0);
}

static void
test_submit_with_unknown_model_names_the_field (void)
{
  g_autoptr(Run) run = run_cli ("submit", "--model", "seedance9", "--prompt", "a cat");

  g_assert_cmpint (run->status, ==, SD_CLI_EXIT_USAGE);
  g_assert_nonnull (strstr (run->err, "model: "));
  g_assert_cmpint (run->contexts, ==, 0);
}

/* Without --model: the model last chosen in the app, or the default one
 * when that setting names a model the catalog no longer has; said. */
static void
test_submit_without_model_takes_the_last_one (void)
{
  g_autoptr(GSettings) settings = g_settings_new (SCHEMA_ID);
  g_autoptr(Run) run = NULL;
  g_autoptr(Run) again = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) root_again = NULL;

  g_settings_set_string (settings, "last-model", "seedance2.0-std");
  run = run_cli ("--demo", "submit", "--prompt", "a lighthouse", "--json");
  g_assert_cmpint (run->status, ==, SD_CLI_EXIT_SUCCESS);
  root = parse_json (run->out);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (root), "model"), ==,
                   "seedance2.0-std");
  g_assert_nonnull (strstr (run->err, "model: none given, so seedance2.0-std"));

  g_settings_set_string (settings, "last-model", "seedance9-retired");
  again = run_cli ("--demo", "submit", "--prompt", "a lighthouse", "--json");
  g_assert_cmpint (again->status, ==, SD_CLI_EXIT_SUCCESS);
  root_again = parse_json (again->out);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (root_again), "model"), ==,
                   SD_CATALOG_DEFAULT_MODEL);
  g_settings_reset (settings, "last-model");
}

/* A local file the model cannot take is named as the user gave it. */
static void
test_submit_refusal_names_the_local_file (void)
{
  g_autofree char *dir = g_dir_make_tmp ("cli-XXXXXX", NULL);
  g_autofree char *image = g_build_filename (dir, "cat.png", NULL);
  g_autoptr(Run) run = NULL;

  g_assert_true (g_file_set_contents (image, "\x89PNG", 4, NULL));
  /* sd2_mx_720p takes images from the asset library only */
  run = run_cli ("--demo", "submit", "--model", "sd2_mx_720p", "--prompt", "a cat",
                 "--image", image);
  g_assert_cmpint (run->status, ==, SD_CLI_EXIT_USAGE);
  g_assert_true (g_str_has_prefix (run->err, "images: "));
  g_assert_nonnull (strstr (run->err, image));
  g_assert_null (strstr (run->err, "upload.invalid"));
  g_assert_cmpint (run->contexts, ==, 0);
  g_unlink (image);
  g_rmdir (dir);
}

static void
test_submit_invalid_request_sends_nothing (void)
{
  g_autoptr(Run) run = run_cli ("--demo", "submit", "--model", "seedance2.0-md",
                                "--prompt", "five pictures",
                                "--image", "https://example.com/1.png",
                                "--image", "https://example.com/2.png",
                                "--image", "https://example.com/3.png",
                                "--image", "https://example.com/4.png",
                                "--image", "https://example.com/5.png");
  g_auto(GStrv) lines = NULL;

  g_assert_cmpint (run->status, ==, SD_CLI_EXIT_USAGE);
  g_assert_nonnull (strstr (run->err, "images: "));
  /* One line per problem, each "field: message". */
  lines = g_strsplit (g_strchomp (run->err), "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    g_assert_nonnull (strstr (lines[i], ": "));
  g_assert_cmpstr (run->out, ==, "");
  /* No context, so no client and no simulator: nothing could be sent. */
  g_assert_cmpint (run->contexts, ==, 0);
}

static void
test_submit_without_token_says_how_to_set_one (void)
{
  g_autoptr(Run) run = NULL;

  g_unsetenv ("SEEDANCE_API_TOKEN");
  run = run_cli ("submit", "--model", "seedance2.0-std", "--prompt", "a cat");

  g_assert_cmpint (run->status, ==, SD_CLI_EXIT_FAILURE);
  g_assert_nonnull (strstr (run->err, "No API token: set SEEDANCE_API_TOKEN or save one "
                                      "in Seedance Studio’s preferences."));
  g_assert_cmpstr (run->out, ==, "");
}

/* The API address and the token */

static void
on_incoming_cb (GSocketService    *service,
                GSocketConnection *connection,
                GObject           *source,
                guint             *count)
{
  (*count)++;
}

/* A refused SEEDANCE_API_BASE is an error (exit 2, the value and the rule
 * named, the password never shown), never a fallback to the production
 * service: nothing reaches a listener at that address, and no name (the
 * default host's included) is even looked up. */
static void
test_refused_base_url_exits_2_and_sends_nothing (void)
{
  g_autoptr(GSocketService) listener = g_socket_service_new ();
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new_from_string ("127.0.0.1", 0);
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *hostport = NULL;
  const char *prefixes[] = {
    "http://", "http://", " http://", "http://", "http://", "http://",
    "http://bob:hunter2@", "https://bob:hunter2@",
  };
  const char *suffixes[] = { "/?x=1", "#top", "", " ", "\n", "\r\n", "", "/" };
  const char *others[] = {
    "http://localtest.me", "http://www.jimmyai.cn", "http://192.0.2.1:8080", "http://127.1",
    "http://localhost.", "ftp://www.jimmyai.cn", "www.jimmyai.cn",
  };
  g_autoptr(GPtrArray) bad = g_ptr_array_new_with_free_func (g_free);
  guint connections = 0;
  guint lookups = sd_test_get_name_lookups ();

  g_socket_listener_add_address (G_SOCKET_LISTENER (listener), address, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &effective, &error);
  g_assert_no_error (error);
  g_signal_connect (listener, "incoming", G_CALLBACK (on_incoming_cb), &connections);
  hostport = g_strdup_printf ("127.0.0.1:%u",
                              g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective)));
  for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
    g_ptr_array_add (bad, g_strconcat (prefixes[i], hostport, suffixes[i], NULL));
  for (guint i = 0; i < G_N_ELEMENTS (others); i++)
    g_ptr_array_add (bad, g_strdup (others[i]));

  g_setenv ("SEEDANCE_API_TOKEN", "sk_test_token", TRUE);
  for (guint i = 0; i < bad->len; i++)
    {
      g_autoptr(Run) submit = NULL;
      g_autoptr(Run) wait = NULL;

      g_setenv ("SEEDANCE_API_BASE", g_ptr_array_index (bad, i), TRUE);
      submit = run_cli ("submit", "--model", "seedance2.0-fast-i2v", "--prompt", "a cat", "--wait");
      wait = run_cli ("wait", "vid_1");

      g_assert_cmpint (submit->status, ==, SD_CLI_EXIT_USAGE);
      g_assert_cmpint (wait->status, ==, SD_CLI_EXIT_USAGE);
      /* It stops before the context is handed out: no client could send. */
      g_assert_cmpint (submit->contexts, ==, 0);
      g_assert_nonnull (strstr (submit->err, "SEEDANCE_API_BASE"));
      g_assert_nonnull (strstr (submit->err, "cannot be used"));
      g_assert_null (strstr (submit->err, "used instead"));
      g_assert_null (strstr (submit->err, "hunter2"));
      g_assert_null (strstr (submit->out, "hunter2"));
      g_assert_null (strstr (submit->err, "sk_test_token"));
      g_assert_cmpstr (submit->out, ==, "");
    }
  g_unsetenv ("SEEDANCE_API_BASE");
  g_unsetenv ("SEEDANCE_API_TOKEN");

  sd_test_run_for (100);
  g_assert_cmpuint (connections, ==, 0);
  g_assert_cmpuint (sd_test_get_name_lookups (), ==, lookups);
  g_socket_service_stop (listener);
  g_socket_listener_close (G_SOCKET_LISTENER (listener));
}

static SdSimulator *
start_simulator (void)
{
  g_autoptr(SdCatalog) catalog = sd_catalog_new ();
  g_autoptr(GError) error = NULL;
  SdSimulator *simulator = sd_simulator_new (catalog, &error);

  g_assert_no_error (error);
  sd_simulator_set_timing (simulator, 10, 10);
  return simulator;
}

/* Loopback by address, whatever the spelling: the v4-mapped form of
 * 127.0.0.1, an upper-case scheme and a trailing slash reach the local
 * server (they used to be swapped for the production service). */
static void
test_loopback_spellings_are_used (void)
{
  g_autoptr(SdSimulator) simulator = start_simulator ();
  const char *port = strrchr (sd_simulator_get_base_url (simulator), ':');
  g_autofree char *mapped = g_strdup_printf ("http://[::ffff:127.0.0.1]%s", port);
  g_autofree char *upper = g_strdup_printf ("HTTP://127.0.0.1%s/", port);
  const char *bases[] = { mapped, upper };

  g_setenv ("SEEDANCE_API_TOKEN", sd_simulator_get_token (simulator), TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (bases); i++)
    {
      g_autoptr(Run) run = NULL;

      g_setenv ("SEEDANCE_API_BASE", bases[i], TRUE);
      run = run_cli ("submit", "--model", "seedance2.0-fast-i2v", "--prompt", "a cat");
      g_assert_cmpint (run->status, ==, SD_CLI_EXIT_SUCCESS);
      g_assert_cmpuint (sd_simulator_get_task_count (simulator), ==, i + 1);
    }
  g_unsetenv ("SEEDANCE_API_BASE");
  g_unsetenv ("SEEDANCE_API_TOKEN");
}

/* A token saved on Windows (CR LF) works; one with a line break or a tab
 * inside is refused with a clear message before anything is sent (it used
 * to raise a libsoup CRITICAL and go out without a token). */
static void
test_token_line_endings (void)
{
  g_autoptr(SdSimulator) simulator = start_simulator ();
  const char *token = sd_simulator_get_token (simulator);
  const char *endings[] = { "\n", "\r\n", "\r" };
  const char *inside[] = { "\r\nX-Injected: 1", "\n", "\t", "\x1b[2J" };

  g_setenv ("SEEDANCE_API_BASE", sd_simulator_get_base_url (simulator), TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (endings); i++)
    {
      g_autofree char *raw = g_strconcat (token, endings[i], NULL);
      g_autoptr(Run) run = NULL;

      g_setenv ("SEEDANCE_API_TOKEN", raw, TRUE);
      run = run_cli ("submit", "--model", "seedance2.0-fast-i2v", "--prompt", "a cat");
      g_assert_cmpint (run->status, ==, SD_CLI_EXIT_SUCCESS);
    }
  g_assert_cmpuint (sd_simulator_get_task_count (simulator), ==, G_N_ELEMENTS (endings));

  for (guint i = 0; i < G_N_ELEMENTS (inside); i++)
    {
      g_autofree char *raw = g_strconcat (token, inside[i], "x", NULL);
      g_autoptr(Run) run = NULL;

      g_setenv ("SEEDANCE_API_TOKEN", raw, TRUE);
      run = run_cli ("submit", "--model", "seedance2.0-fast-i2v", "--prompt", "a cat");
      g_assert_cmpint (run->status, !=, SD_CLI_EXIT_SUCCESS);
      g_assert_nonnull (strstr (run->err, "SEEDANCE_API_TOKEN"));
      g_assert_null (strstr (run->err, token));
      g_assert_null (strstr (run->err, "refused the"));
    }
  g_assert_cmpuint (sd_simulator_get_task_count (simulator), ==, G_N_ELEMENTS (endings));
  g_assert_cmpuint (sd_simulator_get_request_count (simulator, SD_SIMULATOR_STEP_CREATE), ==,
                    G_N_ELEMENTS (endings));
  g_unsetenv ("SEEDANCE_API_BASE");
  g_unsetenv ("SEEDANCE_API_TOKEN");
}

static gboolean
on_hung_cb (gpointer data)
{
  g_error ("%s did not finish", (const char *) data);
  return G_SOURCE_REMOVE;
}

/* A network monitor that says "offline" does not stop a loopback API:
 * "submit --wait" used to hang there in silence. */
static void
test_loopback_submit_wait_ignores_an_offline_monitor (void)
{
  g_autoptr(SdSimulator) simulator = start_simulator ();
  g_autofree char *dir = make_download_dir ();
  g_autoptr(Run) run = NULL;
  guint guard;

  g_setenv ("SEEDANCE_API_BASE", sd_simulator_get_base_url (simulator), TRUE);
  g_setenv ("SEEDANCE_API_TOKEN", sd_simulator_get_token (simulator), TRUE);
  next_monitor = sd_test_offline_monitor_new ();
  guard = g_timeout_add_seconds (WAIT_LIMIT_S, on_hung_cb, (gpointer) "submit --wait");
  run = run_cli ("submit", "--model", "seedance2.0-fast-i2v", "--prompt", "a cat",
                 "--wait", "--download-dir", dir);
  g_source_remove (guard);
  g_clear_object (&next_monitor);
  g_unsetenv ("SEEDANCE_API_BASE");
  g_unsetenv ("SEEDANCE_API_TOKEN");

  g_assert_cmpint (run->status, ==, SD_CLI_EXIT_SUCCESS);
  g_assert_null (strstr (run->err, "waiting for the network"));
  g_assert_true (g_file_test (g_strchomp (run->out), G_FILE_TEST_IS_REGULAR));
}

/* When it does wait for the network, it says so from the start. */
static void
test_wait_says_it_waits_for_the_network (void)
{
  g_autofree char *dir = make_download_dir ();
  g_autoptr(Run) run = NULL;

  next_offline_for_a_while = TRUE;
  run = run_cli ("--demo", "submit", "--model", "seedance2.0-fast-i2v", "--prompt", "a cat",
                 "--wait", "--download-dir", dir);
  next_offline_for_a_while = FALSE;

  g_assert_cmpint (run->status, ==, SD_CLI_EXIT_SUCCESS);
  g_assert_nonnull (strstr (run->err, "waiting for the network"));
  g_assert_nonnull (strstr (run->err, "completed"));
}

/* submit against the simulator */

/* A 503 may come after the task was made: the create is said to be
 * uncertain, is not sent again, and is in the history as such. */
static void
test_demo_submit_503_is_uncertain (void)
{
  g_autoptr(Run) run = NULL;
  g_autoptr(Run) list = NULL;
  g_autoptr(Run) json = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *task;

  next_create_fault = SD_SIMULATOR_FAULT_HTTP_503;
  run = run_cli ("--demo", "submit", "--model", "seedance2.0-std", "--prompt", "a heron");

  g_assert_cmpint (run->status, ==, SD_CLI_EXIT_FAILURE);
  g_assert_nonnull (strstr (run->err, "uncertain"));
  g_assert_nonnull (strstr (run->err, "may or may not have been created"));
  g_assert_null (strstr (run->err, "Try again later"));
  g_assert_cmpstr (run->out, ==, "");
  g_assert_cmpuint (sd_simulator_get_request_count (run->simulator, SD_SIMULATOR_STEP_CREATE), ==, 1);

  list = run_cli ("--demo", "list");
  g_assert_cmpint (list->status, ==, SD_CLI_EXIT_SUCCESS);
  g_assert_nonnull (strstr (list->out, "uncertain"));

  json = run_cli ("--demo", "list", "--json");
  root = parse_json (json->out);
  task = json_array_get_object_element (json_node_get_array (root), 0);
  g_assert_cmpstr (json_object_get_string_member (task, "status"), ==, "uncertain");
  g_assert_nonnull (strstr (json_object_get_string_member (task, "error"), "may or may not"));
}

static void
test_demo_submit_prints_the_task_id (void)
{
  g_autoptr(Run) run = run_cli ("--demo", "submit", "--model", "seedance2.0-std",
                                "--prompt", "a lighthouse at dusk");
  g_autofree char *id = NULL;

  g_assert_cmpint (run->status, ==, SD_CLI_EXIT_SUCCESS);
  id = g_strchomp (g_strdup (run->out));
  g_assert_cmpstr (id, !=, "");
  g_assert_null (strchr (id, '\n'));
  g_assert_nonnull (run->simulator);
  g_assert_cmpuint (sd_simulator_get_task_count (run->simulator), ==, 1);
}

static void
test_demo_submit_wait_json_saves_the_video (void)
{
  g_autofree char *dir = make_download_dir ();
  g_autoptr(Run) run = run_cli ("--demo", "submit", "--model", "seedance2.0-std",
                                "--prompt", "a lighthouse at dusk", "--ratio", "16:9",
                                "--wait", "--download-dir", dir, "--json");
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *parent = NULL;
  JsonObject *object;
  const char *file;

  g_assert_cmpint (run->status, ==, SD_CLI_EXIT_SUCCESS);
  root = parse_json (run->out);
  object = json_node_get_object (root);
  g_assert_cmpstr (json_object_get_string_member (object, "status"), ==, "completed");
  g_assert_nonnull (json_object_get_string_member (object, "task_id"));
  g_assert_nonnull (json_object_get_string_member (object, "video_url"));
  g_assert_true (json_object_get_null_member (object, "error"));

  file = json_object_get_string_member (object, "file");
  g_assert_nonnull (file);
  g_assert_true (g_file_test (file, G_FILE_TEST_IS_REGULAR));
  parent = g_path_get_dirname (file);
  g_assert_cmpstr (parent, ==, dir);
}

static void
test_demo_submit_wait_prints_the_file_and_progress (void)
{
  g_autofree char *dir = make_download_dir ();
  g_autoptr(Run) run = run_cli ("submit", "--demo", "--model", "seedance2.0-fast-i2v",
                                "--prompt", "rain on a window",
                                "--wait", "--download-dir", dir);
  g_autofree char *file = NULL;

  g_assert_cmpint (run->status, ==, SD_CLI_EXIT_SUCCESS);
  file = g_strchomp (g_strdup (run->out));
  g_assert_true (g_str_has_prefix (file, dir));
  g_assert_true (g_file_test (file, G_FILE_TEST_IS_REGULAR));
  /* Progress goes to stderr as plain lines when it is not a terminal. */
  g_assert_nonnull (strstr (run->err, "completed"));
  g_assert_null (strchr (run->err, '\r'));
}

static void
test_demo_failing_prompt_exits_1_with_the_server_message (void)
{
  g_autofree char *dir = make_download_dir ();
  g_autoptr(Run) run = run_cli ("--demo", "submit", "--model", "seedance2.0-std",
                                "--prompt", "please fail", "--wait",
                                "--download-dir", dir, "--json");
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;
  const char *message;

  g_assert_cmpint (run->status, ==, SD_CLI_EXIT_FAILURE);
  root = parse_json (run->out);
  object = json_node_get_object (root);
  g_assert_cmpstr (json_object_get_string_member (object, "status"), ==, "failed");
  message = json_object_get_string_member (object, "error");
  g_assert_nonnull (message);
  g_assert_cmpstr (message, !=, "");
  g_assert_nonnull (strstr (run->err, message));
  g_assert_true (json_object_get_null_member (object, "file"));
  g_assert_false (dir_has_files (dir));
}

static guint
count_files (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  while (dir != NULL && g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

static char *
default_video_dir (void)
{
  const char *videos = g_get_user_special_dir (G_USER_DIRECTORY_VIDEOS);

  if (videos != NULL)
    return g_build_filename (videos, "Seedance", NULL);
  return g_build_filename (g_get_home_dir (), "Videos", "Seedance", NULL);
}

static void
test_demo_submit_wait_saves_one_copy_where_asked (void)
{
  g_autofree char *dir = make_download_dir ();
  g_autofree char *default_dir = default_video_dir ();
  g_autoptr(Run) run = run_cli ("--demo", "submit", "--model", "seedance2.0-std",
                                "--prompt", "one copy", "--wait", "--download-dir", dir);

  g_assert_cmpint (run->status, ==, SD_CLI_EXIT_SUCCESS);
  g_assert_cmpuint (count_files (dir), ==, 1);
  g_assert_cmpuint (count_files (default_dir), ==, 0);
}

static void
test_demo_submit_wait_follows_the_download_dir_setting (void)
{
  g_autoptr(GSettings) settings = g_settings_new (SCHEMA_ID);
  g_autofree char *dir = g_build_filename (g_get_user_cache_dir (), "from-settings", NULL);
  g_autoptr(Run) run = NULL;
  g_autofree char *file = NULL;

  g_settings_set_string (settings, "download-dir", dir);
  run = run_cli ("--demo", "submit", "--model", "seedance2.0-std",
                 "--prompt", "as set", "--wait");

  g_assert_cmpint (run->status, ==, SD_CLI_EXIT_SUCCESS);
  file = g_strchomp (g_strdup (run->out));
  g_assert_true (g_str_has_prefix (file, dir));
  g_assert_true (g_file_test (file, G_FILE_TEST_IS_REGULAR));
  /* The CLI saves videos itself but leaves the user's settings alone. */
  g_assert_true (g_settings_get_boolean (settings, "auto-download"));
  g_settings_reset (settings, "download-dir");
}

/* list, status, wait, download */

static void
test_list_json_shows_the_submitted_task (void)
{
  g_autoptr(Run) submit = run_cli ("--demo", "submit", "--model", "seedance2.0-std",
                                   "--prompt", "a paper boat");
  g_autoptr(Run) list = run_cli ("--demo", "list", "--json");
  g_autofree char *id = g_strchomp (g_strdup (submit->out));
  g_autoptr(JsonNode) root = NULL;
  JsonArray *array;
  JsonObject *object;

  g_assert_cmpint (submit->status, ==, SD_CLI_EXIT_SUCCESS);
  g_assert_cmpint (list->status, ==, SD_CLI_EXIT_SUCCESS);
  root = parse_json (list->out);
  array = json_node_get_array (root);
  g_assert_cmpuint (json_array_get_length (array), ==, 1);
  object = json_array_get_object_element (array, 0);
  g_assert_cmpstr (json_object_get_string_member (object, "task_id"), ==, id);
  g_assert_cmpstr (json_object_get_string_member (object, "prompt"), ==, "a paper boat");
  g_assert_cmpstr (json_object_get_string_member (object, "model"), ==, "seedance2.0-std");
  g_assert_true (json_object_has_member (object, "status"));
}

static void
test_list_is_newest_first (void)
{
  g_autoptr(Run) first = run_cli ("--demo", "submit", "--model", "seedance2.0-std",
                                  "--prompt", "first");
  g_autoptr(Run) second = run_cli ("--demo", "submit", "--model", "seedance2.0-std",
                                   "--prompt", "second");
  g_autoptr(Run) list = run_cli ("--demo", "list", "--json");
  g_autoptr(JsonNode) root = NULL;
  JsonArray *array;

  g_assert_cmpint (list->status, ==, SD_CLI_EXIT_SUCCESS);
  root = parse_json (list->out);
  array = json_node_get_array (root);
  g_assert_cmpuint (json_array_get_length (array), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 0),
                                                  "prompt"), ==, "second");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 1),
                                                  "prompt"), ==, "first");
}

static void
test_list_of_an_empty_history_is_an_empty_array (void)
{
  g_autoptr(Run) run = run_cli ("--demo", "list", "--json");
  g_autoptr(JsonNode) root = NULL;

  g_assert_cmpint (run->status, ==, SD_CLI_EXIT_SUCCESS);
  root = parse_json (run->out);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (root));
  g_assert_cmpuint (json_array_get_length (json_node_get_array (root)), ==, 0);
}

/* A task the server stopped knowing is shown as such by status and list,
 * and status exits 1 (another 404 only confirms the mark). */
static void
test_not_found_task_is_shown_as_unknown_to_the_server (void)
{
  g_autofree char *default_path = sd_store_default_path ();
  g_autofree char *dir = g_path_get_dirname (default_path);
  g_autofree char *path = g_build_filename (dir, "demo-history.db", NULL);
  g_autoptr(SdStore) store = sd_store_open (path, NULL, NULL);
  g_autoptr(SdRequest) request = sd_request_new ();
  g_autoptr(SdTask) task = NULL;
  g_autoptr(Run) status = NULL;
  g_autoptr(Run) list = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (store);
  sd_request_set_model (request, "seedance2.0-std");
  sd_request_set_prompt (request, "a heron");
  task = sd_task_new ("lost-1", request);
  sd_task_set_status (task, SD_TASK_STATUS_NOT_FOUND, "queued");
  sd_task_set_failure_message (task, "The server has answered “not found” (HTTP 404).");
  sd_task_set_created_at (task, 1000);
  g_assert_true (sd_store_save_task (store, task, &error));
  g_assert_no_error (error);
  g_clear_object (&store);

  status = run_cli ("--demo", "status", "lost-1");
  g_assert_cmpint (status->status, ==, SD_CLI_EXIT_FAILURE);
  g_assert_nonnull (strstr (status->out, "unknown to the server"));

  list = run_cli ("--demo", "list");
  g_assert_cmpint (list->status, ==, SD_CLI_EXIT_SUCCESS);
  g_assert_nonnull (strstr (list->out, "unknown to the server"));
}

/* The service reads the history a page at a time; "list" still lists all
 * of it, newest first. */
static void
test_list_shows_the_whole_history (void)
{
  g_autofree char *path = sd_store_default_path ();
  g_autoptr(SdStore) store = sd_store_open (path, NULL, NULL);
  g_autoptr(Run) list = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *array;

  g_assert_nonnull (store);
  for (guint i = 0; i < 250; i++)
    {
      g_autofree char *id = g_strdup_printf ("cli-%03u", i);
      g_autoptr(SdRequest) request = sd_request_new ();
      g_autoptr(SdTask) task = NULL;

      sd_request_set_model (request, "seedance2.0-std");
      sd_request_set_prompt (request, id);
      task = sd_task_new (id, request);
      sd_task_set_status (task, SD_TASK_STATUS_FAILED, "failed");
      sd_task_set_created_at (task, 1000 + i);
      g_assert_true (sd_store_save_task (store, task, &error));
      g_assert_no_error (error);
    }
  g_clear_object (&store);

  list = run_cli ("list", "--json");
  g_assert_cmpint (list->status, ==, SD_CLI_EXIT_SUCCESS);
  root = parse_json (list->out);
  array = json_node_get_array (root);
  g_assert_cmpuint (json_array_get_length (array), ==, 250);
  for (guint i = 0; i < 250; i++)
    {
      g_autofree char *id = g_strdup_printf ("cli-%03u", 249 - i);

      g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, i),
                                                      "task_id"), ==, id);
    }
}

static void
test_demo_status_of_an_unknown_task_explains_demo_mode (void)
{
  g_autoptr(Run) run = run_cli ("--demo", "status", "task-from-elsewhere");

  g_assert_cmpint (run->status, ==, SD_CLI_EXIT_FAILURE);
  g_assert_nonnull (strstr (run->err, "task-from-elsewhere"));
  g_assert_nonnull (strstr (run->err, "--demo submit"));
  g_assert_nonnull (strstr (run->err, "--wait"));
  g_assert_cmpstr (run->out, ==, "");
}

static void
test_demo_wait_in_a_new_run_finishes_the_task (void)
{
  g_autoptr(Run) submit = run_cli ("--demo", "submit", "--model", "seedance2.0-std",
                                   "--prompt", "a slow tide");
  g_autofree char *id = g_strchomp (g_strdup (submit->out));
  g_autoptr(Run) wait = run_cli ("--demo", "wait", id, "--json");
  g_autoptr(JsonNode) root = NULL;

  g_assert_cmpint (submit->status, ==, SD_CLI_EXIT_SUCCESS);
  g_assert_nonnull (strstr (submit->err, "--demo wait"));
  g_assert_cmpint (wait->status, ==, SD_CLI_EXIT_SUCCESS);
  root = parse_json (wait->out);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (root), "task_id"), ==, id);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (root), "status"), ==, "completed");
}

static void
test_download_of_an_unknown_task_exits_1 (void)
{
  g_autoptr(Run) run = run_cli ("download", "no-such-task");

  g_assert_cmpint (run->status, ==, SD_CLI_EXIT_FAILURE);
  g_assert_nonnull (strstr (run->err, "no-such-task"));
  g_assert_nonnull (strstr (run->err, "seedance list"));
}

/* Hostile text: nothing a server or an argument says drives the terminal */

/* OSC 52 (set the clipboard), clear the screen, CR and backspace over the
 * line, a forged line, C1 CSI and NEL, every bidi override and isolate. */
#define HOSTILE_TEXT "\033]52;c;SGVsbG8=\007\033[2J\rX\bY\nFAKE\302\233" "31m\302\205" \
                     "\342\200\256\342\200\252\342\200\253\342\200\254\342\200\255" \
                     "\342\201\246\342\201\247\342\201\250\342\201\251" \
                     "\342\200\216\342\200\217\330\234\177end"

/* What a terminal must never receive: C0 controls other than the line
 * ends we write, DEL, C1 (as code points or as raw bytes), bidi controls,
 * invalid UTF-8. */
static void
assert_terminal_safe (const char *text)
{
  const char *end = text + strlen (text);

  g_assert_true (g_utf8_validate (text, -1, NULL));
  for (const char *p = text; p < end; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '\n')
        continue;
      if (sd_cli_output_is_unsafe_char (c))
        g_test_message ("unsafe character U+%04X at byte %" G_GSIZE_FORMAT,
                        c, (gsize) (p - text));
      g_assert_false (sd_cli_output_is_unsafe_char (c));
    }
}

static void
assert_run_terminal_safe (Run *run)
{
  assert_terminal_safe (run->out);
  assert_terminal_safe (run->err);
}

static char *
hostile_id_text (void)
{
  g_autofree char *text = g_strdup (HOSTILE_TEXT);

  for (char *p = text; *p != '\0'; p++)
    if (g_ascii_iscntrl (*p) || *p == '/')
      *p = '_';
  return g_steal_pointer (&text);
}

static void
test_escape_shows_every_control_visibly (void)
{
  const struct { const char *in; const char *out; } cases[] = {
    { "plain text, 中文", "plain text, 中文" },
    { "\033]52;c;AA==\007", "\\x1b]52;c;AA==\\x07" },
    { "\033[2J", "\\x1b[2J" },
    { "a\rb\bc\nd\te\177", "a\\rb\\x08c\\nd\\te\\x7f" },
    { "\302\233" "31m \302\205", "\\u009b31m \\u0085" },
    { "\342\200\256evil", "\\u202eevil" },
    { "\342\200\252\342\200\255\342\201\246\342\201\251", "\\u202a\\u202d\\u2066\\u2069" },
    { "\342\200\216\342\200\217\330\234", "\\u200e\\u200f\\u061c" },
    { "\342\200\250\342\200\251", "\\u2028\\u2029" },
    { "raw \233 and \200\237 bytes", "raw \\x9b and \\x80\\x9f bytes" },
    { "cut \342\200", "cut \\xe2\\x80" },
    { "\377\376", "\\xff\\xfe" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *escaped = sd_cli_output_escape (cases[i].in);

      g_assert_cmpstr (escaped, ==, cases[i].out);
      assert_terminal_safe (escaped);
    }
}

static void
test_json_text_is_safe_and_round_trips (void)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) parsed = NULL;
  g_autofree char *text = NULL;
  JsonObject *object;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "hostile");
  json_builder_add_string_value (builder, HOSTILE_TEXT);
  json_builder_set_member_name (builder, "invalid");
  json_builder_add_string_value (builder, "a\233b");
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);

  text = sd_cli_output_json_to_text (node);
  assert_terminal_safe (text);
  g_assert_nonnull (strstr (text, "\\u202e"));
  g_assert_nonnull (strstr (text, "\\u009b"));
  parsed = parse_json (text);
  object = json_node_get_object (parsed);
  g_assert_cmpstr (json_object_get_string_member (object, "hostile"), ==, HOSTILE_TEXT);
  g_assert_cmpstr (json_object_get_string_member (object, "invalid"), ==, "a\357\277\275b");
}

static void
test_log_messages_are_escaped (void)
{
  if (g_test_subprocess ())
    {
      g_log_set_writer_func (sd_cli_output_log_writer, NULL, NULL);
      g_warning ("Could not save task %s", "id\342\200\256\033]52;c;AA==\007");
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*Could not save task id\\u202e\\x1b]52;c;AA==\\x07*");
  g_test_trap_assert_stderr_unmatched ("*\342\200\256*");
  g_test_trap_assert_stderr_unmatched ("*\033]52*");
}

static Run *
run_hostile_argv (const char * const *args)
{
  Run *run;

  simulator_hostile_text = HOSTILE_TEXT;
  run = run_argv (args);
  simulator_hostile_text = NULL;
  assert_run_terminal_safe (run);
  return run;
}

#define run_hostile(...) run_hostile_argv ((const char * const []) { __VA_ARGS__, NULL })

static void
test_hostile_submit_wait_is_shown_escaped (void)
{
  g_autofree char *dir = make_download_dir ();
  g_autoptr(Run) run = run_hostile ("--demo", "submit", "--model", "seedance2.0-std",
                                    "--prompt", "a lighthouse at dusk",
                                    "--wait", "--download-dir", dir);

  g_assert_cmpint (run->status, ==, SD_CLI_EXIT_SUCCESS);
  /* The id is shown, its controls visible. */
  g_assert_nonnull (strstr (run->err, "\\u202e\\u202a"));
  g_assert_nonnull (strstr (run->err, "\\u009b31m"));
}

static void
test_hostile_failure_reason_is_shown_escaped (void)
{
  g_autoptr(Run) run = run_hostile ("--demo", "submit", "--model", "seedance2.0-std",
                                    "--prompt", "please fail", "--wait");

  g_assert_cmpint (run->status, ==, SD_CLI_EXIT_FAILURE);
  g_assert_nonnull (strstr (run->err, "to fail.\\x1b]52;c;SGVsbG8=\\x07\\x1b[2J\\rX\\x08Y\\nFAKE"));
}

static void
test_hostile_json_holds_the_server_strings (void)
{
  g_autofree char *dir = make_download_dir ();
  g_autofree char *id_text = hostile_id_text ();
  g_autofree char *url_end = g_strconcat ("#", HOSTILE_TEXT, NULL);
  g_autoptr(Run) done = run_hostile ("--demo", "submit", "--model", "seedance2.0-std",
                                     "--prompt", "a lighthouse at dusk",
                                     "--wait", "--download-dir", dir, "--json");
  g_autoptr(Run) failed = run_hostile ("--demo", "submit", "--model", "seedance2.0-std",
                                       "--prompt", "please fail", "--wait", "--json");
  g_autoptr(JsonNode) done_root = parse_json (done->out);
  g_autoptr(JsonNode) failed_root = parse_json (failed->out);
  JsonObject *object;

  g_assert_cmpint (done->status, ==, SD_CLI_EXIT_SUCCESS);
  object = json_node_get_object (done_root);
  g_assert_true (g_str_has_suffix (json_object_get_string_member (object, "task_id"), id_text));
  g_assert_true (g_str_has_suffix (json_object_get_string_member (object, "video_url"), url_end));

  g_assert_cmpint (failed->status, ==, SD_CLI_EXIT_FAILURE);
  object = json_node_get_object (failed_root);
  g_assert_cmpstr (json_object_get_string_member (object, "error"), ==,
                   "Generation failed: the prompt asked the simulator to fail." HOSTILE_TEXT);
}

/* The task id of the only task in the history. */
static char *
only_task_id (void)
{
  g_autoptr(Run) run = run_cli ("list", "--json");
  g_autoptr(JsonNode) root = parse_json (run->out);
  JsonArray *array = json_node_get_array (root);

  g_assert_cmpuint (json_array_get_length (array), ==, 1);
  return g_strdup (json_object_get_string_member (json_array_get_object_element (array, 0),
                                                  "task_id"));
}

/* A hostile server of the test's own, which outlives each command, so a
 * task goes through submit, wait, status, list and download. */
static SdSimulator *
start_hostile_server (void)
{
  g_autoptr(SdCatalog) catalog = sd_catalog_new ();
  g_autoptr(GError) error = NULL;
  SdSimulator *simulator = sd_simulator_new (catalog, &error);

  g_assert_no_error (error);
  sd_simulator_set_timing (simulator, 10, 10);
  sd_simulator_set_hostile_text (simulator, HOSTILE_TEXT);
  g_setenv ("SEEDANCE_API_BASE", sd_simulator_get_base_url (simulator), TRUE);
  g_setenv ("SEEDANCE_API_TOKEN", sd_simulator_get_token (simulator), TRUE);
  return simulator;
}

static void
stop_hostile_server (SdSimulator *simulator)
{
  g_unsetenv ("SEEDANCE_API_BASE");
  g_unsetenv ("SEEDANCE_API_TOKEN");
  g_object_unref (simulator);
}

static void
test_hostile_status_list_wait_download_are_escaped (void)
{
  SdSimulator *simulator = start_hostile_server ();
  g_autofree char *dir = make_download_dir ();
  g_autoptr(Run) submit = run_hostile ("submit", "--model", "seedance2.0-std",
                                       "--prompt", "a lighthouse at dusk");
  g_autofree char *id = only_task_id ();
  g_autoptr(Run) wait = run_hostile ("wait", id, "--download-dir", dir);
  g_autoptr(Run) status = run_hostile ("status", id);
  g_autoptr(Run) list = run_hostile ("list");
  g_autoptr(Run) download = run_hostile ("download", id, "--download-dir", dir);
  g_autoptr(Run) json = run_hostile ("status", id, "--json");
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *url_end = g_strconcat ("#", HOSTILE_TEXT, NULL);
  g_auto(GStrv) lines = NULL;
  JsonObject *object;

  g_assert_cmpint (submit->status, ==, SD_CLI_EXIT_SUCCESS);
  g_assert_nonnull (strstr (submit->out, "\\u202e\\u202a"));
  g_assert_cmpint (wait->status, ==, SD_CLI_EXIT_SUCCESS);
  g_assert_nonnull (strstr (wait->err, "\\u202e"));
  g_assert_cmpint (status->status, ==, SD_CLI_EXIT_SUCCESS);
  /* The video address, fragment and all, on one line of its own. */
  g_assert_nonnull (strstr (status->out, ".mp4#\\x1b]52;c;SGVsbG8=\\x07\\x1b[2J\\rX\\x08Y\\nFAKE"));
  g_assert_nonnull (strstr (list->out, "\\u202e"));
  lines = g_strsplit (list->out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 2);
  g_assert_cmpint (download->status, ==, SD_CLI_EXIT_SUCCESS);

  g_assert_cmpint (json->status, ==, SD_CLI_EXIT_SUCCESS);
  root = parse_json (json->out);
  object = json_node_get_object (root);
  g_assert_cmpstr (json_object_get_string_member (object, "task_id"), ==, id);
  g_assert_true (g_str_has_suffix (json_object_get_string_member (object, "video_url"), url_end));

  stop_hostile_server (simulator);
}

static void
test_hostile_server_error_message_is_escaped (void)
{
  SdSimulator *simulator = start_hostile_server ();
  g_autoptr(Run) run = NULL;
  g_autoptr(Run) json = NULL;
  g_autoptr(JsonNode) root = NULL;

  sd_simulator_set_fault (simulator, SD_SIMULATOR_STEP_CREATE, SD_SIMULATOR_FAULT_RATE_LIMITED, 0);
  run = run_hostile ("submit", "--model", "seedance2.0-std", "--prompt", "a cat");
  json = run_hostile ("submit", "--model", "seedance2.0-std", "--prompt", "a cat", "--json");

  g_assert_cmpint (run->status, ==, SD_CLI_EXIT_FAILURE);
  g_assert_nonnull (strstr (run->err, "(simulated)\\x1b]52;c;SGVsbG8=\\x07"));
  root = parse_json (json->out);
  g_assert_true (g_str_has_suffix (json_object_get_string_member (json_node_get_object (root),
                                                                  "error"),
                                   "(simulated)" HOSTILE_TEXT));

  stop_hostile_server (simulator);
}

static void
test_refused_media_urls_are_shown_escaped (void)
{
  const char *options[] = { "--image", "--first-image", "--last-image",
                            "--reference-video", "--reference-audio" };

  for (guint i = 0; i < G_N_ELEMENTS (options); i++)
    {
      g_autoptr(Run) run = run_cli ("submit", "--model", "seedance2.0-std",
                                    "--prompt", "a cat", options[i],
                                    "http://evil.example/\033]52;c;AA==\007\342\200\256x.jpg");

      assert_run_terminal_safe (run);
      g_assert_cmpint (run->status, ==, SD_CLI_EXIT_USAGE);
      g_assert_nonnull (strstr (run->err, "\\x1b]52;c;AA==\\x07\\u202ex.jpg"));
      g_assert_cmpint (run->contexts, ==, 0);
    }
}

static void
test_hostile_arguments_in_usage_errors_are_escaped (void)
{
  g_autoptr(Run) model = run_cli ("submit", "--model", "m\033[2J\342\200\256", "--prompt", "a cat");
  g_autoptr(Run) command = run_cli ("fr\033]52;c;AA==\007ob");
  g_autoptr(Run) option = run_cli ("--col\033[2J");
  g_autoptr(Run) id = run_cli ("--demo", "status", "no\033[2Jsuch\302\233");

  Run *runs[] = { model, command, option, id };

  for (guint i = 0; i < G_N_ELEMENTS (runs); i++)
    {
      assert_run_terminal_safe (runs[i]);
      g_assert_nonnull (strstr (runs[i]->err, "\\x1b"));
    }
  g_assert_cmpint (model->status, ==, SD_CLI_EXIT_USAGE);
  g_assert_nonnull (strstr (model->err, "m\\x1b[2J\\u202e"));
  g_assert_cmpint (id->status, ==, SD_CLI_EXIT_FAILURE);
}

static void
test_hostile_download_dir_path_is_escaped (void)
{
  g_autofree char *cache = make_download_dir ();
  g_autofree char *dir = g_strconcat (cache, "/v\033[2J\233", NULL);
  g_autoptr(Run) run = run_hostile ("--demo", "submit", "--model", "seedance2.0-std",
                                    "--prompt", "a lighthouse at dusk",
                                    "--wait", "--download-dir", dir);
  g_autoptr(Run) json = run_hostile ("--demo", "list", "--json");
  g_autoptr(JsonNode) root = parse_json (json->out);

  g_assert_cmpint (run->status, ==, SD_CLI_EXIT_SUCCESS);
  g_assert_nonnull (strstr (run->out, "/v\\x1b[2J\\x9b/"));
  g_assert_true (dir_has_files (dir));
}

static void
write_model_overrides (const char *contents)
{
  g_autofree char *dir = g_build_filename (g_get_user_config_dir (), "seedance-studio", NULL);
  g_autofree char *path = g_build_filename (dir, "models.json", NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
}

static void
test_hostile_model_overrides_are_escaped (void)
{
  g_autoptr(Run) run = NULL;
  g_autoptr(Run) json = NULL;
  g_autoptr(Run) broken = NULL;
  g_autoptr(JsonNode) root = NULL;
  gboolean found = FALSE;
  JsonArray *models;

  write_model_overrides (
    "{\"version\": 1,"
    " \"families\": [{\"id\": \"evil\", \"name\": \"Evil\\u001b[2J\\u202e\"}],"
    " \"models\": [{\"id\": \"evil-\\u202emodel\", \"family\": \"evil\","
    "   \"name\": \"N\\u001b]52;c;AA==\\u0007\\u009b\", \"billing\": \"per-second\","
    "   \"output\": \"720p\\r\", \"resolutions\": null,"
    "   \"duration\": {\"min\": 4, \"max\": 12, \"default\": 5},"
    "   \"ratios\": {\"values\": [\"16:9\\u2066\"], \"default\": null},"
    "   \"images\": {\"schemes\": [\"https\"], \"max\": null, \"max_total\": null},"
    "   \"frames\": {\"support\": \"yes\", \"need_both\": false},"
    "   \"reference_videos\": {\"support\": \"no\"},"
    "   \"reference_audios\": {\"support\": \"no\"},"
    "   \"prompt_max_length\": null, \"notes\": \"\\u001b[2J\\u202enotes\"}]}");
  run = run_cli ("models");
  json = run_cli ("models", "--json");

  assert_run_terminal_safe (run);
  assert_run_terminal_safe (json);
  g_assert_cmpint (run->status, ==, SD_CLI_EXIT_SUCCESS);
  g_assert_nonnull (strstr (run->out, "evil-\\u202emodel  N\\x1b]52;c;AA==\\x07\\u009b"));
  g_assert_nonnull (strstr (run->out, "Evil\\x1b[2J\\u202e"));

  root = parse_json (json->out);
  models = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (models); i++)
    {
      JsonObject *model = json_array_get_object_element (models, i);

      if (g_strcmp0 (json_object_get_string_member (model, "id"), "evil-\342\200\256model") != 0)
        continue;
      g_assert_cmpstr (json_object_get_string_member (model, "name"), ==,
                       "N\033]52;c;AA==\007\302\233");
      found = TRUE;
    }
  g_assert_true (found);

  /* A broken file's warning quotes it; the quote is escaped too. */
  write_model_overrides ("{\"version\": 1, \"families\": \"\033]52;c;AA==\007\233\"}");
  broken = run_cli ("models");
  assert_run_terminal_safe (broken);
  g_assert_cmpint (broken->status, ==, SD_CLI_EXIT_SUCCESS);
}

/* As on a terminal: progress is one line redrawn with CR and ESC[K. */
static void
test_hostile_progress_on_a_terminal_is_escaped (void)
{
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) err = g_memory_output_stream_new_resizable ();
  g_autoptr(SdCli) cli = sd_cli_new (out, err);
  g_autofree char *dir = make_download_dir ();
  const char *argv[] = { "seedance", "--demo", "submit", "--model", "seedance2.0-std",
                         "--prompt", "a lighthouse at dusk", "--wait",
                         "--download-dir", dir, NULL };
  g_autofree char *text = NULL;
  g_autofree char *rest = NULL;
  g_auto(GStrv) parts = NULL;
  Run run = { 0 };
  int status;

  g_object_set (cli, "stderr-is-tty", TRUE, NULL);
  g_signal_connect (cli, "context-created", G_CALLBACK (on_own_cli_context_created_cb), &run);
  simulator_hostile_text = HOSTILE_TEXT;
  status = sd_cli_run (cli, G_N_ELEMENTS (argv) - 1, (char **) argv);
  simulator_hostile_text = NULL;
  g_clear_object (&run.simulator);

  g_assert_cmpint (status, ==, SD_CLI_EXIT_SUCCESS);
  text = sd_test_steal_text (err);
  g_test_message ("stderr:\n%s", text);
  g_assert_nonnull (strstr (text, "\r\033[K"));
  /* Our own redraw sequence is the only control that reaches the terminal. */
  parts = g_strsplit (text, "\r\033[K", -1);
  rest = g_strjoinv ("", parts);
  assert_terminal_safe (rest);
  g_assert_nonnull (strstr (rest, "\\u202e"));
}

static void
add_hostile_text_tests (void)
{
  g_test_add_func ("/cli/output/escape-shows-every-control-visibly",
                   test_escape_shows_every_control_visibly);
  g_test_add_func ("/cli/output/json-text-is-safe-and-round-trips",
                   test_json_text_is_safe_and_round_trips);
  g_test_add_func ("/cli/output/log-messages-are-escaped", test_log_messages_are_escaped);
  g_test_add_func ("/cli/hostile/submit-wait-is-shown-escaped",
                   test_hostile_submit_wait_is_shown_escaped);
  g_test_add_func ("/cli/hostile/failure-reason-is-shown-escaped",
                   test_hostile_failure_reason_is_shown_escaped);
  g_test_add_func ("/cli/hostile/json-holds-the-server-strings",
                   test_hostile_json_holds_the_server_strings);
  g_test_add_func ("/cli/hostile/status-list-wait-download-are-escaped",
                   test_hostile_status_list_wait_download_are_escaped);
  g_test_add_func ("/cli/hostile/server-error-message-is-escaped",
                   test_hostile_server_error_message_is_escaped);
  g_test_add_func ("/cli/hostile/refused-media-urls-are-shown-escaped",
                   test_refused_media_urls_are_shown_escaped);
  g_test_add_func ("/cli/hostile/arguments-in-usage-errors-are-escaped",
                   test_hostile_arguments_in_usage_errors_are_escaped);
  g_test_add_func ("/cli/hostile/model-overrides-are-escaped",
                   test_hostile_model_overrides_are_escaped);
  g_test_add_func ("/cli/hostile/progress-on-a-terminal-is-escaped",
                   test_hostile_progress_on_a_terminal_is_escaped);
  g_test_add_func ("/cli/hostile/download-dir-path-is-escaped",
                   test_hostile_download_dir_path_is_escaped);
}


static void
delete_history (SdContext *context)
{
  g_assert_cmpint (g_unlink (sd_store_get_path (sd_context_get_store (context))), ==, 0);
}

static void
replace_history (SdContext *context)
{
  const char *path = sd_store_get_path (sd_context_get_store (context));
  g_autofree char *other = g_strconcat (path, ".new", NULL);

  g_assert_true (g_file_set_contents (other, "", 0, NULL));
  g_assert_cmpint (g_rename (other, path), ==, 0);
}

/* The history is deleted or replaced while submit runs: the task exists at
 * the provider, so its id is printed with an error saying it is not in the
 * history, the exit status is 1, and the journal keeps it until the next
 * run adds it, where `wait ID` finds it. */
static void
check_submit_with_a_lost_history (void (*hook) (SdContext *context))
{
  g_autoptr(Run) submit = NULL;
  g_autoptr(Run) wait = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *history = NULL;
  g_autofree char *journal = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *id = NULL;

  context_hook = hook;
  submit = run_cli ("--demo", "submit", "--model", "seedance2.0-std", "--prompt", "a lost kite");
  context_hook = NULL;

  g_assert_cmpint (submit->status, ==, SD_CLI_EXIT_FAILURE);
  g_assert_cmpuint (sd_simulator_get_task_count (submit->simulator), ==, 1);
  id = g_strchomp (g_strdup (submit->out));
  g_assert_true (g_str_has_prefix (id, "vid_"));
  g_assert_nonnull (strstr (submit->err, id));
  g_assert_nonnull (strstr (submit->err, "created by the provider"));
  g_assert_nonnull (strstr (submit->err, "not in the task history"));

  history = g_build_filename (g_get_user_data_dir (), "seedance-studio", "demo-history.db", NULL);
  journal = g_strconcat (history, SD_STORE_JOURNAL_SUFFIX, NULL);
  g_assert_true (g_file_get_contents (journal, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, id));

  wait = run_cli ("--demo", "wait", id, "--json");
  g_assert_cmpint (wait->status, ==, SD_CLI_EXIT_SUCCESS);
  root = parse_json (wait->out);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (root), "task_id"), ==, id);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (root), "status"), ==, "completed");
  g_assert_false (g_file_test (journal, G_FILE_TEST_EXISTS));
}

static void
test_demo_submit_with_the_history_deleted (void)
{
  check_submit_with_a_lost_history (delete_history);
}

static void
test_demo_submit_with_the_history_replaced (void)
{
  check_submit_with_a_lost_history (replace_history);
}

/* --json says the same: the id and the error, in one object. */
static void
test_demo_submit_json_with_the_history_deleted (void)
{
  g_autoptr(Run) submit = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;

  context_hook = delete_history;
  submit = run_cli ("--demo", "submit", "--json", "--model", "seedance2.0-std",
                    "--prompt", "a lost kite");
  context_hook = NULL;

  g_assert_cmpint (submit->status, ==, SD_CLI_EXIT_FAILURE);
  root = parse_json (submit->out);
  object = json_node_get_object (root);
  g_assert_true (g_str_has_prefix (json_object_get_string_member (object, "task_id"), "vid_"));
  g_assert_nonnull (strstr (json_object_get_string_member (object, "error"), "not in the task history"));
}

/* list shows a prompt on one line, cut by characters to 40 with "…": a
 * Chinese prompt is never split inside a character, and one of exactly 40
 * characters is shown whole. */
static void
test_list_cuts_long_prompts_by_characters (void)
{
  g_autoptr(Run) exact = run_cli ("--demo", "submit", "--model", "seedance2.0-std",
                                  "--prompt", "exactly forty characters long prompt 123");
  g_autoptr(Run) lines = run_cli ("--demo", "submit", "--model", "seedance2.0-std",
                                  "--prompt", "a kite\tover\nthe sea, 一个女孩在雨中转身一个女孩在雨中转身一个女孩在雨中转身");
  g_autoptr(Run) list = run_cli ("--demo", "list");
  g_auto(GStrv) rows = NULL;
  const char *cut;

  g_assert_cmpint (exact->status, ==, SD_CLI_EXIT_SUCCESS);
  g_assert_cmpint (lines->status, ==, SD_CLI_EXIT_SUCCESS);
  g_assert_cmpint (list->status, ==, SD_CLI_EXIT_SUCCESS);
  g_assert_true (g_utf8_validate (list->out, -1, NULL));
  rows = g_strsplit (list->out, "\n", -1);
  g_assert_cmpuint (g_strv_length (rows), ==, 3);

  /* Newest first: the cut one, then the whole one. */
  cut = strstr (rows[0], "  a kite over the sea, ");
  g_assert_nonnull (cut);
  cut += 2;
  g_assert_cmpint (g_utf8_strlen (cut, -1), ==, 40);
  g_assert_true (g_str_has_suffix (cut, "…"));
  g_assert_true (g_str_has_suffix (rows[1], "  exactly forty characters long prompt 123"));
}

/* Short options fill the request as long ones do, a repeated list option
 * adds to the list, and the last --duration counts. */
static void
test_submit_options_fill_the_request (void)
{
  g_autoptr(Run) later_good = run_cli ("submit", "-m", "seedance2.0-std", "-p", "x", "-d", "abc",
                                       "-d", "5", "-i", "https://example.com/a.png",
                                       "--image", "ftp://b", "-r", "1:7");
  g_autoptr(Run) later_bad = run_cli ("submit", "--model", "seedance2.0-std", "--prompt", "x",
                                      "--duration", "99", "--duration", "abc");
  g_autoptr(Run) demo = run_cli ("--demo", "submit", "-m", "seedance2.0-std", "-p", "a fox", "--json");
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;

  g_assert_cmpint (later_good->status, ==, SD_CLI_EXIT_USAGE);
  g_assert_null (strstr (later_good->err, "duration"));
  g_assert_nonnull (strstr (later_good->err, "ratio: "));
  g_assert_nonnull (strstr (later_good->err, "images: "));
  g_assert_nonnull (strstr (later_good->err, "“ftp://b”"));
  g_assert_null (strstr (later_good->err, "a.png"));

  g_assert_cmpint (later_bad->status, ==, SD_CLI_EXIT_USAGE);
  g_assert_nonnull (strstr (later_bad->err, "duration: “abc” is not a whole number of seconds"));
  g_assert_null (strstr (later_bad->err, "99"));

  g_assert_cmpint (demo->status, ==, SD_CLI_EXIT_SUCCESS);
  root = parse_json (demo->out);
  object = json_node_get_object (root);
  g_assert_cmpstr (json_object_get_string_member (object, "model"), ==, "seedance2.0-std");
  g_assert_cmpstr (json_object_get_string_member (object, "prompt"), ==, "a fox");
}

/* Pre-flight checks of the media links */

static SdSimulator *
start_media_host (void)
{
  g_autoptr(SdCatalog) catalog = sd_catalog_new ();
  g_autoptr(GError) error = NULL;
  SdSimulator *host = sd_simulator_new (catalog, &error);
  g_autoptr(GBytes) page = g_bytes_new_static ("<html><body>Log in</body></html>", 32);

  g_assert_no_error (error);
  sd_simulator_add_media (host, "login.png", "text/html", page, 0, 0, SD_SIMULATOR_MEDIA_NONE);
  return host;
}

static void
test_submit_with_a_dead_link_exits_2_and_sends_nothing (void)
{
  g_autoptr(SdSimulator) host = start_media_host ();
  g_autofree char *good = g_strdup (sd_simulator_get_sample_image_url (host, 0));
  g_autofree char *dead = sd_simulator_get_media_url (host, "gone.png");
  g_autofree char *page = sd_simulator_get_media_url (host, "login.png");
  g_autoptr(Run) run = run_cli ("--demo", "submit", "--model", "seedance2.0-fast-i2v",
                                "--prompt", "a cat", "--image", good, "--image", dead,
                                "--image", page);

  g_assert_cmpint (run->status, ==, SD_CLI_EXIT_USAGE);
  g_assert_nonnull (strstr (run->err, "images: Image 2 (gone.png): "));
  g_assert_nonnull (strstr (run->err, "404 Not Found"));
  g_assert_nonnull (strstr (run->err, "images: Image 3 (login.png): "));
  g_assert_nonnull (strstr (run->err, "--no-check"));
  g_assert_null (strstr (run->err, "Image 1"));
  g_assert_cmpstr (run->out, ==, "");
  g_assert_nonnull (run->simulator);
  g_assert_cmpuint (sd_simulator_get_task_count (run->simulator), ==, 0);
  /* The links' host never saw the token. */
  g_assert_null (sd_simulator_get_auth_seen (host, "127.0.0.1"));
}

static void
test_submit_no_check_sends_without_checking (void)
{
  g_autoptr(SdSimulator) host = start_media_host ();
  g_autofree char *dead = sd_simulator_get_media_url (host, "gone.png");
  g_autoptr(Run) run = run_cli ("--demo", "submit", "--model", "seedance2.0-fast-i2v",
                                "--prompt", "a cat", "--image", dead, "--no-check");

  g_assert_cmpint (run->status, ==, SD_CLI_EXIT_SUCCESS);
  g_assert_true (g_str_has_prefix (run->out, "vid_"));
  g_assert_cmpuint (sd_simulator_get_task_count (run->simulator), ==, 1);
  g_assert_cmpuint (sd_simulator_get_media_request_count (host), ==, 0);
}

static void
test_submit_checks_and_sends_good_links (void)
{
  g_autoptr(SdSimulator) host = start_media_host ();
  g_autofree char *good = g_strdup (sd_simulator_get_sample_image_url (host, 1));
  g_autoptr(Run) run = run_cli ("--demo", "submit", "--model", "seedance2.0-fast-i2v",
                                "--prompt", "a cat", "--image", good);

  g_assert_cmpint (run->status, ==, SD_CLI_EXIT_SUCCESS);
  g_assert_cmpuint (sd_simulator_get_task_count (run->simulator), ==, 1);
  g_assert_cmpuint (sd_simulator_get_host_request_count (host, "127.0.0.1"), >, 0);
}

/* submit --takes N makes N tasks of one group; out of range is exit 2
 * and nothing is sent. */
static void
test_takes_make_a_group (void)
{
  g_autoptr(Run) run = run_cli ("--demo", "submit", "--model", "seedance2.0-std",
                                "--prompt", "a heron", "--takes", "3", "--concurrency", "3",
                                "--json");
  g_autoptr(Run) bad = run_cli ("--demo", "submit", "--model", "seedance2.0-std",
                                "--prompt", "a heron", "--takes", "9");
  g_autoptr(Run) zero = run_cli ("--demo", "submit", "--model", "seedance2.0-std",
                                 "--prompt", "a heron", "--concurrency", "0");
  g_autoptr(JsonNode) root = NULL;
  JsonArray *tasks;
  const char *group;

  g_assert_cmpint (run->status, ==, SD_CLI_EXIT_SUCCESS);
  root = json_from_string (run->out, NULL);
  g_assert_nonnull (root);
  tasks = json_node_get_array (root);
  g_assert_cmpuint (json_array_get_length (tasks), ==, 3);
  group = json_object_get_string_member (json_array_get_object_element (tasks, 0), "group_id");
  g_assert_nonnull (group);
  for (guint i = 0; i < 3; i++)
    {
      JsonObject *task = json_array_get_object_element (tasks, i);
      const char *status = json_object_get_string_member (task, "status");

      g_assert_cmpstr (json_object_get_string_member (task, "group_id"), ==, group);
      g_assert_cmpstr (json_object_get_string_member (task, "group_label"), ==, "a heron");
      /* sent: the provider has it (while the last take is sent, the first
       * may be polled and be processing or, on a slow machine, done) */
      if (!g_str_equal (status, "queued") && !g_str_equal (status, "processing") &&
          !g_str_equal (status, "completed"))
        g_error ("take %u: status %s is not one of a sent task", i, status);
    }
  g_assert_cmpuint (sd_simulator_get_task_count (run->simulator), ==, 3);

  g_assert_cmpint (bad->status, ==, SD_CLI_EXIT_USAGE);
  g_assert_nonnull (strstr (bad->err, "--takes"));
  g_assert_cmpuint (bad->contexts, ==, 0);
  g_assert_cmpint (zero->status, ==, SD_CLI_EXIT_USAGE);
  g_assert_nonnull (strstr (zero->err, "--concurrency"));
}

/* retry: a failed task makes a new linked one (exit 0); a task that did
 * not fail, or an unknown id, is exit 2 and nothing is sent. */
static void
test_retry_exit_codes (void)
{
  g_autofree char *dir = make_download_dir ();
  g_autoptr(Run) failed = run_cli ("--demo", "submit", "--model", "seedance2.0-std",
                                   "--prompt", "this will fail", "--wait",
                                   "--download-dir", dir, "--json");
  g_autoptr(Run) retried = NULL;
  g_autoptr(Run) listed = NULL;
  g_autoptr(Run) unknown = NULL;
  g_autoptr(Run) neither = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *failed_id = NULL;
  g_autofree char *new_id = NULL;

  g_assert_cmpint (failed->status, ==, SD_CLI_EXIT_FAILURE);
  root = json_from_string (failed->out, NULL);
  g_assert_nonnull (root);
  failed_id = g_strdup (json_object_get_string_member (json_node_get_object (root), "task_id"));

  retried = run_cli ("--demo", "retry", failed_id);
  g_assert_cmpint (retried->status, ==, SD_CLI_EXIT_SUCCESS);
  new_id = g_strstrip (g_strdup (retried->out));
  g_assert_cmpstr (new_id, !=, "");
  g_assert_cmpstr (new_id, !=, failed_id);

  listed = run_cli ("--demo", "list", "--json");
  g_assert_nonnull (strstr (listed->out, failed_id));
  g_assert_nonnull (strstr (listed->out, "\"retry_of\""));

  /* the new one is queued, not failed: not retried */
  unknown = run_cli ("--demo", "retry", new_id, "no-such-task");
  g_assert_cmpint (unknown->status, ==, SD_CLI_EXIT_USAGE);
  g_assert_nonnull (strstr (unknown->err, "no-such-task"));
  g_assert_cmpuint (sd_simulator_get_request_count (unknown->simulator, SD_SIMULATOR_STEP_CREATE), ==, 0);
  neither = run_cli ("--demo", "retry");
  g_assert_cmpint (neither->status, ==, SD_CLI_EXIT_USAGE);
}

/* cancel: a task at the provider is exit 2 with the Stop Watching note. */
static void
test_cancel_exit_codes (void)
{
  g_autoptr(Run) sent = run_cli ("--demo", "submit", "--model", "seedance2.0-std",
                                 "--prompt", "a heron");
  g_autoptr(Run) cancel = NULL;
  g_autoptr(Run) unknown = NULL;
  g_autofree char *id = g_strstrip (g_strdup (sent->out));

  g_assert_cmpint (sent->status, ==, SD_CLI_EXIT_SUCCESS);
  cancel = run_cli ("--demo", "cancel", id);
  g_assert_cmpint (cancel->status, ==, SD_CLI_EXIT_USAGE);
  g_assert_nonnull (strstr (cancel->err, "Stop Watching"));
  g_assert_nonnull (strstr (cancel->err, "billed"));
  unknown = run_cli ("--demo", "cancel", "no-such-task");
  g_assert_cmpint (unknown->status, ==, SD_CLI_EXIT_USAGE);
}

int
main (int   argc,
      char *argv[])
{
  /* Arguments are read in the locale's charset, as in a user's UTF-8 shell. */
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  sd_test_use_file_keyring ();
  /* Isolated XDG_DATA_DIRS hide the system's GSettings schemas, which the
   * desktop proxy resolver needs; the simulator is on loopback anyway. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  /* Every server here is on loopback by address: no name is ever resolved. */
  sd_test_install_counting_resolver ();

  g_test_add_func ("/cli/submit/media-check/dead-link-exits-2-and-sends-nothing",
                   test_submit_with_a_dead_link_exits_2_and_sends_nothing);
  g_test_add_func ("/cli/submit/media-check/no-check-sends-without-checking",
                   test_submit_no_check_sends_without_checking);
  g_test_add_func ("/cli/submit/media-check/good-links-are-checked-and-sent",
                   test_submit_checks_and_sends_good_links);
  g_test_add_func ("/cli/base-url/refused-exits-2-and-sends-nothing",
                   test_refused_base_url_exits_2_and_sends_nothing);
  g_test_add_func ("/cli/base-url/loopback-spellings-are-used", test_loopback_spellings_are_used);
  g_test_add_func ("/cli/token/line-endings-stripped-control-characters-refused",
                   test_token_line_endings);
  g_test_add_func ("/cli/network/loopback-submit-wait-ignores-an-offline-monitor",
                   test_loopback_submit_wait_ignores_an_offline_monitor);
  g_test_add_func ("/cli/network/wait-says-it-waits-for-the-network",
                   test_wait_says_it_waits_for_the_network);
  g_test_add_func ("/cli/help/lists-every-command", test_help_lists_every_command);
  g_test_add_func ("/cli/help/command-help-shows-its-options", test_command_help_shows_its_options);
  g_test_add_func ("/cli/help/version-prints-the-version", test_version_prints_the_version);
  g_test_add_func ("/cli/usage/unknown-command-exits-2", test_unknown_command_is_a_usage_error);
  g_test_add_func ("/cli/usage/no-command-exits-2", test_no_command_is_a_usage_error);
  g_test_add_func ("/cli/usage/unknown-option-exits-2", test_unknown_option_is_a_usage_error);
  g_test_add_func ("/cli/usage/duration-must-be-a-number", test_duration_must_be_a_number);
  g_test_add_func ("/cli/usage/duration-out-of-range-is-refused", test_duration_out_of_range_is_refused);
  g_test_add_func ("/cli/usage/status-needs-exactly-one-id", test_status_needs_exactly_one_id);
  g_test_add_func ("/cli/models/lists-every-model", test_models_lists_every_model);
  g_test_add_func ("/cli/models/json-has-every-model-and-its-limits",
                   test_models_json_has_every_model_and_its_limits);
  g_test_add_func ("/cli/queue/takes-make-a-group", test_takes_make_a_group);
  g_test_add_func ("/cli/queue/retry-exit-codes", test_retry_exit_codes);
  g_test_add_func ("/cli/queue/cancel-exit-codes", test_cancel_exit_codes);
  g_test_add_func ("/cli/submit/without-prompt-names-the-field",
                   test_submit_without_prompt_names_the_field);
  g_test_add_func ("/cli/submit/unknown-model-names-the-field",
                   test_submit_with_unknown_model_names_the_field);
  g_test_add_func ("/cli/submit/without-model-takes-the-last-one",
                   test_submit_without_model_takes_the_last_one);
  g_test_add_func ("/cli/submit/invalid-request-sends-nothing",
                   test_submit_invalid_request_sends_nothing);
  g_test_add_func ("/cli/submit/refusal-names-the-local-file",
                   test_submit_refusal_names_the_local_file);
  g_test_add_func ("/cli/submit/without-token-says-how-to-set-one",
                   test_submit_without_token_says_how_to_set_one);
  g_test_add_func ("/cli/demo/submit-prints-the-task-id", test_demo_submit_prints_the_task_id);
  g_test_add_func ("/cli/demo/submit-503-is-uncertain", test_demo_submit_503_is_uncertain);
  g_test_add_func ("/cli/demo/submit-wait-json-saves-the-video",
                   test_demo_submit_wait_json_saves_the_video);
  g_test_add_func ("/cli/demo/submit-wait-prints-the-file-and-progress",
                   test_demo_submit_wait_prints_the_file_and_progress);
  g_test_add_func ("/cli/demo/submit-wait-saves-one-copy-where-asked",
                   test_demo_submit_wait_saves_one_copy_where_asked);
  g_test_add_func ("/cli/demo/submit-wait-follows-the-download-dir-setting",
                   test_demo_submit_wait_follows_the_download_dir_setting);
  g_test_add_func ("/cli/demo/failing-prompt-exits-1-with-the-server-message",
                   test_demo_failing_prompt_exits_1_with_the_server_message);
  g_test_add_func ("/cli/demo/status-of-an-unknown-task-explains-demo-mode",
                   test_demo_status_of_an_unknown_task_explains_demo_mode);
  g_test_add_func ("/cli/demo/wait-in-a-new-run-finishes-the-task",
                   test_demo_wait_in_a_new_run_finishes_the_task);
  g_test_add_func ("/cli/list/json-shows-the-submitted-task", test_list_json_shows_the_submitted_task);
  g_test_add_func ("/cli/list/newest-first", test_list_is_newest_first);
  g_test_add_func ("/cli/list/not-found-task-is-unknown-to-the-server",
                   test_not_found_task_is_shown_as_unknown_to_the_server);
  g_test_add_func ("/cli/list/shows-the-whole-history-not-only-a-page",
                   test_list_shows_the_whole_history);
  g_test_add_func ("/cli/list/empty-history-is-an-empty-array",
                   test_list_of_an_empty_history_is_an_empty_array);
  g_test_add_func ("/cli/download/unknown-task-exits-1", test_download_of_an_unknown_task_exits_1);
  g_test_add_func ("/cli/history/deleted-during-submit-keeps-the-task",
                   test_demo_submit_with_the_history_deleted);
  g_test_add_func ("/cli/history/replaced-during-submit-keeps-the-task",
                   test_demo_submit_with_the_history_replaced);
  g_test_add_func ("/cli/history/deleted-during-submit-json-has-the-id",
                   test_demo_submit_json_with_the_history_deleted);
  g_test_add_func ("/cli/list/long-prompts-are-cut-by-characters",
                   test_list_cuts_long_prompts_by_characters);
  g_test_add_func ("/cli/submit/options-fill-the-request", test_submit_options_fill_the_request);

  add_hostile_text_tests ();

  return g_test_run ();
}

/* test-cli-extend.c: "seedance extend", run in-process on the demo
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-cli-extend"

#include "config.h"

#include <locale.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "sd-cli.h"
#include "sd-context.h"
#include "sd-demo.h"
#include "sd-service.h"
#include "sd-simulator-test.h"
#include "sd-test-cli.h"
#include "sd-test-util.h"

typedef SdTestRun Run;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Run, sd_test_run_free)

static Run *
run_argv (const char * const *args)
{
  return sd_test_run_cli_argv (args, NULL, NULL);
}

#define run_cli(...) run_argv ((const char * const []) { __VA_ARGS__, NULL })

static JsonObject *
parse_object (const char *text,
              JsonNode  **root)
{
  g_autoptr(GError) error = NULL;

  *root = json_from_string (text, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (*root));
  return json_node_get_object (*root);
}

/* A completed demo task with its video saved; its id. */
static char *
submit_and_save (const char *model)
{
  g_autofree char *dir = g_build_filename (g_get_user_cache_dir (), "videos", NULL);
  g_autoptr(Run) run = run_cli ("--demo", "submit", "--model", model, "--prompt", "a heron lands",
                                "--ratio", "16:9", "--wait", "--json", "--download-dir", dir);
  g_autoptr(JsonNode) root = NULL;
  JsonObject *task;

  g_assert_cmpint (run->status, ==, SD_CLI_EXIT_SUCCESS);
  task = parse_object (run->out, &root);
  g_assert_cmpstr (json_object_get_string_member (task, "status"), ==, "completed");
  g_assert_nonnull (json_object_get_string_member (task, "file"));
  return g_strdup (json_object_get_string_member (task, "task_id"));
}

static void
test_extend_makes_a_linked_task (void)
{
  g_autofree char *parent = submit_and_save ("seedance2.0-fast-i2v");
  g_autoptr(Run) run = run_cli ("--demo", "extend", parent, "--prompt", "it takes off again",
                                "--duration", "6", "--json");
  g_autoptr(Run) show = NULL;
  g_autoptr(Run) list = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) show_root = NULL;
  g_autoptr(JsonNode) list_root = NULL;
  g_autofree char *link_start = NULL;
  JsonObject *task, *details, *request;
  JsonArray *tasks;
  const char *child;

  g_assert_cmpint (run->status, ==, SD_CLI_EXIT_SUCCESS);
  task = parse_object (run->out, &root);
  child = json_object_get_string_member (task, "task_id");
  g_assert_cmpstr (child, !=, parent);
  g_assert_cmpstr (json_object_get_string_member (task, "continues"), ==, parent);
  g_assert_cmpstr (json_object_get_string_member (task, "model"), ==, "seedance2.0-fast-i2v");
  g_assert_cmpstr (json_object_get_string_member (task, "prompt"), ==, "it takes off again");
  g_assert_cmpuint (sd_simulator_get_n_uploads (run->simulator), ==, 1);

  show = run_cli ("--demo", "show", child, "--json");
  g_assert_cmpint (show->status, ==, SD_CLI_EXIT_SUCCESS);
  details = parse_object (show->out, &show_root);
  g_assert_cmpstr (json_object_get_string_member (details, "continues"), ==, parent);
  request = json_object_get_object_member (details, "request");
  /* an upload of the simulator that made it, in frame mode */
  link_start = g_strdup_printf ("%s/uploads/", sd_simulator_get_tls_base_url (run->simulator));
  g_assert_true (g_str_has_prefix (json_object_get_string_member (request, "first_image"), link_start));
  g_assert_false (json_object_has_member (request, "images"));
  g_assert_cmpstr (json_object_get_string_member (request, "ratio"), ==, "16:9");
  g_assert_cmpint (json_object_get_int_member (request, "duration"), ==, 6);

  list = run_cli ("--demo", "list", "--json");
  g_assert_cmpint (list->status, ==, SD_CLI_EXIT_SUCCESS);
  list_root = json_from_string (list->out, NULL);
  tasks = json_node_get_array (list_root);
  for (guint i = 0; i < json_array_get_length (tasks); i++)
    {
      JsonObject *item = json_array_get_object_element (tasks, i);
      const char *id = json_object_get_string_member (item, "task_id");

      if (g_str_equal (id, child))
        g_assert_cmpstr (json_object_get_string_member (item, "continues"), ==, parent);
      else if (g_str_equal (id, parent))
        g_assert_true (json_object_get_null_member (item, "continues"));
    }
}

static void
test_extend_without_saved_video_exits_2 (void)
{
  g_autoptr(Run) submit = run_cli ("--demo", "submit", "--model", "seedance2.0-fast-i2v",
                                   "--prompt", "not saved yet");
  g_autofree char *id = g_strstrip (g_strdup (submit->out));
  g_autoptr(Run) run = NULL;

  g_assert_cmpint (submit->status, ==, SD_CLI_EXIT_SUCCESS);
  run = run_cli ("--demo", "extend", id, "--prompt", "more");
  g_assert_cmpint (run->status, ==, SD_CLI_EXIT_USAGE);
  g_assert_nonnull (strstr (run->err, "no saved video"));
  g_assert_nonnull (strstr (run->err, id));
  g_assert_cmpstr (run->out, ==, "");
  g_assert_cmpuint (sd_simulator_get_request_count (run->simulator, SD_SIMULATOR_STEP_CREATE), ==, 0);
  g_assert_cmpuint (sd_simulator_get_n_uploads (run->simulator), ==, 0);
}

static void
test_extend_with_a_model_without_first_frame_exits_2 (void)
{
  g_autofree char *parent = submit_and_save ("seedance2.0-std");
  const char *models[] = { "seedance2.0-md", "sd2_mx_720p" };

  for (guint i = 0; i < G_N_ELEMENTS (models); i++)
    {
      g_autoptr(Run) run = run_cli ("--demo", "extend", parent, "--prompt", "more",
                                    "--model", models[i]);

      g_assert_cmpint (run->status, ==, SD_CLI_EXIT_USAGE);
      g_assert_nonnull (strstr (run->err, models[i]));
      g_assert_nonnull (strstr (run->err, "takes no first frame"));
      g_assert_cmpuint (sd_simulator_get_request_count (run->simulator, SD_SIMULATOR_STEP_CREATE), ==, 0);
      g_assert_cmpuint (sd_simulator_get_n_uploads (run->simulator), ==, 0);
    }
}

static void
test_extend_usage_errors (void)
{
  g_autoptr(Run) no_prompt = run_cli ("--demo", "extend", "vid_x");
  g_autoptr(Run) unknown = run_cli ("--demo", "extend", "vid_not_there", "--prompt", "x");

  g_assert_cmpint (no_prompt->status, ==, SD_CLI_EXIT_USAGE);
  g_assert_nonnull (strstr (no_prompt->err, "--prompt"));
  g_assert_cmpint (unknown->status, !=, SD_CLI_EXIT_SUCCESS);
  g_assert_nonnull (strstr (unknown->err, "vid_not_there"));
}

/* Human output: the id, and the hostile-free note on stderr. */
static void
test_extend_human_output_and_wait (void)
{
  g_autofree char *parent = submit_and_save ("seedance2.0-md");
  g_autofree char *dir = g_build_filename (g_get_user_cache_dir (), "more", NULL);
  g_autoptr(Run) run = run_cli ("--demo", "extend", parent, "--prompt", "and then", "--wait",
                                "--download-dir", dir);

  g_assert_cmpint (run->status, ==, SD_CLI_EXIT_SUCCESS);
  /* Multi-Modal Direct needs both frames: another model is used and said */
  g_assert_nonnull (strstr (run->err, "takes no first frame;"));
  g_assert_nonnull (strstr (run->err, "completed"));
  g_assert_nonnull (strstr (run->err, parent));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *keyring_dir = NULL;
  g_autofree char *keyring = NULL;

  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  keyring_dir = g_dir_make_tmp ("seedance-keyring-XXXXXX", NULL);
  keyring = g_build_filename (keyring_dir, "keyring", NULL);
  g_setenv ("SECRET_BACKEND", "file", TRUE);
  g_setenv ("SECRET_FILE_TEST_PATH", keyring, TRUE);
  g_setenv ("SECRET_FILE_TEST_PASSWORD", "test-password", TRUE);
  g_unsetenv ("SEEDANCE_API_TOKEN");
  g_unsetenv ("SEEDANCE_API_BASE");
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);

  g_test_add_func ("/cli/extend/makes-a-linked-task", test_extend_makes_a_linked_task);
  g_test_add_func ("/cli/extend/without-saved-video-exits-2", test_extend_without_saved_video_exits_2);
  g_test_add_func ("/cli/extend/model-without-first-frame-exits-2",
                   test_extend_with_a_model_without_first_frame_exits_2);
  g_test_add_func ("/cli/extend/usage-errors", test_extend_usage_errors);
  g_test_add_func ("/cli/extend/human-output-and-wait", test_extend_human_output_and_wait);
  return g_test_run ();
}

/* test-cli-batch.c: “seedance batch”, run in-process against the simulator
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-cli-batch"

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <locale.h>

#include "sd-catalog.h"
#include "sd-cli.h"
#include "sd-context.h"
#include "sd-demo.h"
#include "sd-service.h"
#include "sd-simulator-test.h"
#include "sd-store.h"
#include "sd-test-cli.h"
#include "sd-test-util.h"

#define PER_TASK "seedance2.0-fast-i2v"

typedef SdTestRun Run;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Run, sd_test_run_free)

/* What the next run's simulator says of the balance: its available coins,
 * or -1 for no balance endpoint (404). */
static gint64 next_balance = 1000;

/* Keeps the context, to read the history it wrote, and sets the balance. */
static void
keep_context_cb (SdTestRun *run,
                 SdContext *context,
                 gpointer   user_data)
{
  SdSimulator *simulator = sd_demo_get_simulator (context);

  g_set_object (&run->context, context);
  if (simulator == NULL)
    return;
  sd_simulator_set_has_balance (simulator, next_balance >= 0);
  sd_simulator_set_balance (simulator, MAX (next_balance, 0));
}

static Run *
run_argv (const char * const *args)
{
  return sd_test_run_cli_argv (args, keep_context_cb, NULL);
}

#define run_cli(...) run_argv ((const char * const []) { __VA_ARGS__, NULL })

/* A batch file in the test's own folder; returns its path. */
static char *
write_batch (const char *text)
{
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "batches", NULL);
  char *path = g_build_filename (dir, "b.jsonl", NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return path;
}

static void
write_prices (const char *text)
{
  g_autofree char *dir = g_build_filename (g_get_user_config_dir (), "seedance-studio", NULL);
  g_autofree char *path = g_build_filename (dir, "prices.json", NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
}

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

static void
test_invalid_batch_exits_2_and_sends_nothing (void)
{
  g_autofree char *path = write_batch ("{\"model\": \"" PER_TASK "\", \"prompt\": \"ok\"}\n"
                                       "# fine\n"
                                       "{\"model\": \"" PER_TASK "\", \"prompt\": \"a\", \"variants\": 12}\n"
                                       "{\"model\": \"nope\", \"prompt\": \"a\"}\n");
  g_autoptr(Run) run = run_cli ("--demo", "batch", path, "--wait");

  g_assert_cmpint (run->status, ==, 2);
  g_assert_cmpuint (run->contexts, ==, 0);
  g_assert_nonnull (strstr (run->err, "line 3: variants:"));
  g_assert_nonnull (strstr (run->err, "line 4: model:"));
  g_assert_null (strstr (run->err, "line 1:"));
  g_assert_cmpstr (run->out, ==, "");
}

static void
test_invalid_batch_json_lists_the_problems (void)
{
  g_autofree char *path = write_batch ("{\"model\": \"nope\", \"prompt\": \"a\"}\n");
  g_autoptr(Run) run = run_cli ("--demo", "batch", path, "--json");
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;
  JsonObject *problem;

  g_assert_cmpint (run->status, ==, 2);
  object = parse_object (run->out, &root);
  g_assert_true (json_object_has_member (object, "error"));
  problem = json_array_get_object_element (json_object_get_array_member (object, "problems"), 0);
  g_assert_cmpint (json_object_get_int_member (problem, "line"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (problem, "field"), ==, "model");
}

static void
test_dry_run_sends_nothing_and_estimates (void)
{
  g_autofree char *path = write_batch ("{\"model\": \"" PER_TASK "\", \"prompt\": \"a\", \"variants\": 8}\n"
                                       "{\"model\": \"seedance2.0-std\", \"prompt\": \"b\"}\n");
  g_autoptr(Run) run = NULL;
  g_autoptr(Run) json = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;
  JsonObject *estimate;

  write_prices ("{\"currency\": \"CNY\", \"prices\": {\"" PER_TASK "\": \"0.05\"}}");
  next_balance = 1000;
  run = run_cli ("--demo", "batch", path, "--dry-run");
  g_assert_cmpint (run->status, ==, 0);
  /* The balance is asked, and nothing is sent: the simulator saw no create
   * and no upload, and the history has no task. */
  g_assert_cmpuint (run->contexts, ==, 1);
  g_assert_cmpuint (sd_simulator_get_request_count (run->simulator, SD_SIMULATOR_STEP_BALANCE), ==, 1);
  g_assert_cmpuint (sd_simulator_get_request_count (run->simulator, SD_SIMULATOR_STEP_CREATE), ==, 0);
  g_assert_cmpuint (sd_simulator_get_request_count (run->simulator, SD_SIMULATOR_STEP_UPLOAD), ==, 0);
  g_assert_cmpint (sd_store_count (sd_context_get_store (run->context), NULL), ==, 0);
  g_assert_nonnull (strstr (run->err, "¥0.40"));
  g_assert_nonnull (strstr (run->err, "1 line has no price"));
  g_assert_nonnull (strstr (run->err, "Balance: 1000 coins."));
  g_assert_nonnull (strstr (run->err, "Dry run: nothing was sent."));

  json = run_cli ("--demo", "batch", path, "--dry-run", "--json");
  g_assert_cmpint (json->status, ==, 0);
  g_assert_cmpuint (sd_simulator_get_request_count (json->simulator, SD_SIMULATOR_STEP_CREATE), ==, 0);
  object = parse_object (json->out, &root);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (object, "balance"),
                                                  "available"), ==, "1000.000000");
  g_assert_true (json_object_get_null_member (object, "group"));
  estimate = json_object_get_object_member (object, "estimate");
  g_assert_cmpstr (json_object_get_string_member (estimate, "total"), ==, "0.400000");
  g_assert_cmpint (json_object_get_int_member (estimate, "unpriced_lines"), ==, 1);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "tasks")), ==, 9);
}

/* Over the balance, a dry run warns as the batch would (stderr, and
 * "exceeded" in --json); a server without the balance endpoint (404) makes
 * it say nothing of a balance, with the same exit status. */
static void
test_dry_run_balance_warns_or_says_nothing (void)
{
  g_autofree char *path = write_batch ("{\"model\": \"" PER_TASK "\", \"prompt\": \"a\", \"variants\": 4}\n");
  g_autoptr(Run) over = NULL;
  g_autoptr(Run) json = NULL;
  g_autoptr(Run) none = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) none_root = NULL;

  write_prices ("{\"currency\": \"coin\", \"prices\": {\"" PER_TASK "\": \"300\"}}");
  next_balance = 1000;
  over = run_cli ("--demo", "batch", path, "--dry-run");
  g_assert_cmpint (over->status, ==, 0);
  g_assert_nonnull (strstr (over->err, "Warning:"));
  g_assert_nonnull (strstr (over->err, "1200 coins"));
  g_assert_cmpstr (over->out, ==, "");
  g_assert_cmpuint (sd_simulator_get_request_count (over->simulator, SD_SIMULATOR_STEP_CREATE), ==, 0);
  g_assert_cmpuint (sd_simulator_get_task_count (over->simulator), ==, 0);

  json = run_cli ("--demo", "batch", path, "--dry-run", "--json");
  g_assert_cmpint (json->status, ==, 0);
  g_assert_true (json_object_get_boolean_member (json_object_get_object_member (parse_object (json->out, &root),
                                                                                "balance"),
                                                 "exceeded"));

  next_balance = -1;
  none = run_cli ("--demo", "batch", path, "--dry-run", "--json");
  next_balance = 1000;
  g_assert_cmpint (none->status, ==, 0);
  g_assert_null (strstr (none->err, "Balance"));
  g_assert_null (strstr (none->err, "balance"));
  g_assert_null (strstr (none->err, "Warning:"));
  g_assert_true (json_object_get_null_member (parse_object (none->out, &none_root), "balance"));
  g_assert_cmpuint (sd_simulator_get_request_count (none->simulator, SD_SIMULATOR_STEP_CREATE), ==, 0);
}

/* A line's own label is its tasks' (the group's is the file's name):
 * kept in the history, printed by show and list --json, found by list's
 * search, and written back by export as the line's "label". */
static void
test_line_labels_are_kept_shown_and_exported (void)
{
  g_autofree char *path = write_batch ("{\"model\": \"" PER_TASK "\", \"prompt\": \"a cat\", "
                                       "\"label\": \"tabby shot\", \"variants\": 2}\n"
                                       "{\"model\": \"" PER_TASK "\", \"prompt\": \"a dog\"}\n");
  g_autoptr(Run) run = run_cli ("--demo", "batch", path, "--json");
  g_autoptr(Run) show = NULL;
  g_autoptr(Run) list = NULL;
  g_autoptr(Run) export = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) list_root = NULL;
  g_auto(GStrv) lines = NULL;
  JsonArray *tasks;
  JsonArray *listed;
  const char *cat_id;

  g_assert_cmpint (run->status, ==, 0);
  tasks = json_object_get_array_member (parse_object (run->out, &root), "tasks");
  g_assert_cmpuint (json_array_get_length (tasks), ==, 3);
  cat_id = json_object_get_string_member (json_array_get_object_element (tasks, 0), "task_id");

  show = run_cli ("--demo", "show", cat_id);
  g_assert_cmpint (show->status, ==, 0);
  g_assert_nonnull (strstr (show->out, "tabby shot"));
  g_assert_nonnull (strstr (show->out, "b.jsonl"));

  list = run_cli ("--demo", "list", "--search", "tabby", "--json");
  g_assert_cmpint (list->status, ==, 0);
  list_root = json_from_string (list->out, NULL);
  g_assert_nonnull (list_root);
  listed = json_node_get_array (list_root);
  g_assert_cmpuint (json_array_get_length (listed), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      JsonObject *task = json_array_get_object_element (listed, i);

      g_assert_cmpstr (json_object_get_string_member (task, "label"), ==, "tabby shot");
      g_assert_cmpstr (json_object_get_string_member (task, "group_label"), ==, "b.jsonl");
    }

  export = run_cli ("--demo", "export");
  g_assert_cmpint (export->status, ==, 0);
  lines = g_strsplit (g_strstrip (export->out), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 3);
  /* newest first: the dog, then the cat's two takes */
  g_assert_null (strstr (lines[0], "\"label\""));
  for (guint i = 1; i < 3; i++)
    {
      g_autoptr(JsonNode) line = json_from_string (lines[i], NULL);

      g_assert_nonnull (line);
      g_assert_cmpstr (json_object_get_string_member (json_node_get_object (line), "label"), ==, "tabby shot");
      g_assert_cmpstr (json_object_get_string_member (json_node_get_object (line), "prompt"), ==, "a cat");
    }
}

static void
test_wait_saves_every_video (void)
{
  g_autofree char *path = write_batch ("{\"model\": \"" PER_TASK "\", \"prompt\": \"a cat\", \"variants\": 2}\n"
                                       "\n"
                                       "{\"model\": \"" PER_TASK "\", \"prompt\": \"a dog\"}\n");
  g_autofree char *dir = g_build_filename (g_get_user_cache_dir (), "videos", NULL);
  g_autoptr(Run) run = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object;
  JsonArray *tasks;
  guint lines[] = { 1, 1, 3 };

  write_prices ("{\"currency\": \"USD\", \"prices\": {\"" PER_TASK "\": \"0.25\"}}");
  run = run_cli ("--demo", "batch", path, "--wait", "--download-dir", dir, "--concurrency", "2", "--json");
  g_assert_cmpint (run->status, ==, 0);
  g_assert_cmpuint (sd_simulator_get_task_count (run->simulator), ==, 3);

  object = parse_object (run->out, &root);
  g_assert_nonnull (json_object_get_string_member (object, "group"));
  tasks = json_object_get_array_member (object, "tasks");
  g_assert_cmpuint (json_array_get_length (tasks), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      JsonObject *task = json_array_get_object_element (tasks, i);
      const char *file = json_object_get_string_member (task, "file");
      g_autoptr(SdTask) stored = NULL;

      g_assert_cmpint (json_object_get_int_member (task, "line"), ==, lines[i]);
      g_assert_cmpstr (json_object_get_string_member (task, "status"), ==, "completed");
      g_assert_nonnull (file);
      g_assert_true (g_str_has_prefix (file, dir));
      g_assert_true (g_file_test (file, G_FILE_TEST_IS_REGULAR));

      /* Each task kept the estimate it was sent with. */
      stored = sd_store_load_task (sd_context_get_store (run->context),
                                   json_object_get_string_member (task, "task_id"), &error);
      g_assert_no_error (error);
      g_assert_cmpint (sd_task_get_estimate (stored), ==, 250000);
      g_assert_cmpstr (sd_task_get_estimate_currency (stored), ==, "USD");
    }
}

/* A batch is one group in the history, labelled with the file's name, and
 * --concurrency is the local queue's cap: never more at the provider. */
static void
test_batch_is_one_group_under_the_cap (void)
{
  g_autofree char *path = write_batch ("{\"model\": \"" PER_TASK "\", \"prompt\": \"a cat\", \"variants\": 4}\n"
                                       "{\"model\": \"" PER_TASK "\", \"prompt\": \"a dog\"}\n"
                                       "{\"model\": \"" PER_TASK "\", \"prompt\": \"a cow\"}\n"
                                       "{\"model\": \"" PER_TASK "\", \"prompt\": \"an owl\"}\n");
  g_autoptr(Run) run = run_cli ("--demo", "batch", path, "--wait", "--concurrency", "3", "--json");
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) group = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object;
  JsonArray *tasks;
  const char *group_id;

  g_assert_cmpint (run->status, ==, 0);
  g_assert_cmpuint (sd_simulator_get_task_count (run->simulator), ==, 7);
  g_assert_cmpuint (sd_service_get_max_active (sd_context_get_service (run->context)), ==, 3);
  g_assert_cmpuint (sd_simulator_get_max_active (run->simulator), >=, 1);
  g_assert_cmpuint (sd_simulator_get_max_active (run->simulator), <=, 3);

  object = parse_object (run->out, &root);
  group_id = json_object_get_string_member (object, "group");
  g_assert_nonnull (group_id);
  g_assert_cmpstr (json_object_get_string_member (object, "group_label"), ==, "b.jsonl");
  tasks = json_object_get_array_member (object, "tasks");
  g_assert_cmpuint (json_array_get_length (tasks), ==, 7);

  group = sd_store_load_group (sd_context_get_store (run->context), group_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (group->len, ==, 7);
  for (guint i = 0; i < group->len; i++)
    {
      SdTask *task = g_ptr_array_index (group, i);

      g_assert_cmpstr (sd_task_get_group_label (task), ==, "b.jsonl");
      g_assert_cmpint (sd_task_get_status (task), ==, SD_TASK_STATUS_COMPLETED);
    }

  /* One at a time is one at a time. */
  g_clear_pointer (&run, sd_test_run_free);
  run = run_cli ("--demo", "batch", path, "--concurrency", "1");
  g_assert_cmpint (run->status, ==, 0);
  g_assert_cmpuint (sd_simulator_get_task_count (run->simulator), ==, 7);
  g_assert_cmpuint (sd_simulator_get_max_active (run->simulator), ==, 1);
}

static void
test_one_failure_exits_1_and_the_rest_complete (void)
{
  g_autofree char *path = write_batch ("{\"model\": \"" PER_TASK "\", \"prompt\": \"this will fail\"}\n"
                                       "{\"model\": \"" PER_TASK "\", \"prompt\": \"a dog\"}\n");
  g_autofree char *dir = g_build_filename (g_get_user_cache_dir (), "videos", NULL);
  g_autoptr(Run) run = run_cli ("--demo", "batch", path, "--wait", "--download-dir", dir, "--json");
  g_autoptr(JsonNode) root = NULL;
  JsonArray *tasks;

  g_assert_cmpint (run->status, ==, 1);
  tasks = json_object_get_array_member (parse_object (run->out, &root), "tasks");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (tasks, 0), "status"), ==, "failed");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (tasks, 1), "status"), ==, "completed");
}

static void
test_without_wait_returns_once_sent (void)
{
  g_autofree char *path = write_batch ("{\"model\": \"" PER_TASK "\", \"prompt\": \"a\", \"variants\": 3}\n");
  g_autoptr(Run) run = run_cli ("--demo", "batch", path, "--concurrency", "1");
  g_auto(GStrv) lines = NULL;

  g_assert_cmpint (run->status, ==, 0);
  g_assert_cmpuint (sd_simulator_get_task_count (run->simulator), ==, 3);
  lines = g_strsplit (run->out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 4);
  for (guint i = 0; i < 3; i++)
    g_assert_true (g_str_has_prefix (lines[i], "1  vid_"));
}

static void
test_skip_invalid_sends_the_rest (void)
{
  g_autofree char *path = write_batch ("{\"model\": \"nope\", \"prompt\": \"a\"}\n"
                                       "{\"model\": \"" PER_TASK "\", \"prompt\": \"b\"}\n");
  g_autoptr(Run) run = run_cli ("--demo", "batch", path, "--skip-invalid");

  g_assert_cmpint (run->status, ==, 0);
  g_assert_nonnull (strstr (run->err, "line 1: model:"));
  g_assert_cmpuint (sd_simulator_get_task_count (run->simulator), ==, 1);
  g_assert_true (g_str_has_prefix (run->out, "2  vid_"));
}

static void
test_usage_errors_exit_2 (void)
{
  g_autofree char *path = write_batch ("{\"model\": \"" PER_TASK "\", \"prompt\": \"b\"}\n");
  g_autoptr(Run) none = run_cli ("batch");
  g_autoptr(Run) zero = run_cli ("batch", path, "--concurrency", "0");
  g_autoptr(Run) many = run_cli ("batch", path, "--concurrency", "11");
  g_autoptr(Run) missing = run_cli ("batch", "/nonexistent.jsonl");
  g_autoptr(Run) empty = NULL;
  g_autofree char *empty_path = NULL;

  g_assert_cmpint (none->status, ==, 2);
  g_assert_nonnull (strstr (none->err, "one file"));
  g_assert_cmpint (zero->status, ==, 2);
  g_assert_nonnull (strstr (zero->err, "--concurrency"));
  g_assert_cmpint (many->status, ==, 2);
  g_assert_cmpint (missing->status, ==, 2);
  g_assert_nonnull (strstr (missing->err, "/nonexistent.jsonl"));

  empty_path = write_batch ("# nothing\n");
  empty = run_cli ("batch", empty_path);
  g_assert_cmpint (empty->status, ==, 2);
  g_assert_cmpuint (empty->contexts, ==, 0);
}

static void
test_malformed_prices_shows_units_only (void)
{
  g_autofree char *path = write_batch ("{\"model\": \"" PER_TASK "\", \"prompt\": \"a\"}\n");
  g_autoptr(Run) run = NULL;

  write_prices ("{\"prices\": {\"" PER_TASK "\": \"cheap\"}}");
  run = run_cli ("batch", path, "--dry-run");
  g_assert_cmpint (run->status, ==, 0);
  g_assert_nonnull (strstr (run->err, "prices.json"));
  g_assert_nonnull (strstr (run->err, "prices." PER_TASK));
  g_assert_nonnull (strstr (run->err, "1 line has no price"));
}

/* Prices in the provider's coin: 4 tasks × 300 coins is over 1000. The
 * warning comes before the first task is sent, and nothing is refused. */
static void
test_batch_over_the_balance_warns_and_sends (void)
{
  g_autofree char *path = write_batch ("{\"model\": \"" PER_TASK "\", \"prompt\": \"a\", \"variants\": 4}\n");
  g_autoptr(Run) run = NULL;
  g_autoptr(Run) json = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *balance;
  const char *warning;

  write_prices ("{\"currency\": \"coin\", \"prices\": {\"" PER_TASK "\": \"300\"}}");
  next_balance = 1000;
  run = run_cli ("--demo", "batch", path);
  g_assert_cmpint (run->status, ==, 0);
  g_assert_cmpuint (sd_simulator_get_task_count (run->simulator), ==, 4);
  g_assert_cmpuint (sd_simulator_get_request_count (run->simulator, SD_SIMULATOR_STEP_BALANCE), ==, 1);
  warning = strstr (run->err, "Warning:");
  g_assert_nonnull (warning);
  g_assert_nonnull (strstr (warning, "1200 coins"));
  g_assert_nonnull (strstr (warning, "1000 coins"));
  g_assert_nonnull (strstr (run->err, "sent task"));
  g_assert_cmpint (warning - run->err, <, strstr (run->err, "sent task") - run->err);

  json = run_cli ("--demo", "batch", path, "--json");
  g_assert_cmpint (json->status, ==, 0);
  balance = json_object_get_object_member (parse_object (json->out, &root), "balance");
  g_assert_nonnull (balance);
  g_assert_cmpstr (json_object_get_string_member (balance, "available"), ==, "1000.000000");
  g_assert_cmpstr (json_object_get_string_member (balance, "currency"), ==, "coin");
  g_assert_true (json_object_get_boolean_member (balance, "exceeded"));
}

/* Under the balance, or in another currency (never compared with coins),
 * the balance is said without a warning; a server without the endpoint
 * says nothing and the JSON's balance is null. */
static void
test_batch_balance_without_warning (void)
{
  g_autofree char *path = write_batch ("{\"model\": \"" PER_TASK "\", \"prompt\": \"a\", \"variants\": 2}\n");
  g_autoptr(Run) under = NULL;
  g_autoptr(Run) yuan = NULL;
  g_autoptr(Run) none = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) none_root = NULL;
  JsonObject *balance;

  write_prices ("{\"currency\": \"coin\", \"prices\": {\"" PER_TASK "\": \"300\"}}");
  next_balance = 1000;
  under = run_cli ("--demo", "batch", path);
  g_assert_cmpint (under->status, ==, 0);
  g_assert_nonnull (strstr (under->err, "Balance: 1000 coins."));
  g_assert_null (strstr (under->err, "Warning:"));

  /* ¥3000 is "more" than 1000 coins only if one compared them. */
  write_prices ("{\"currency\": \"CNY\", \"prices\": {\"" PER_TASK "\": \"1500\"}}");
  yuan = run_cli ("--demo", "batch", path, "--json");
  g_assert_cmpint (yuan->status, ==, 0);
  g_assert_null (strstr (yuan->err, "Warning:"));
  balance = json_object_get_object_member (parse_object (yuan->out, &root), "balance");
  g_assert_false (json_object_get_boolean_member (balance, "exceeded"));

  next_balance = -1;
  none = run_cli ("--demo", "batch", path, "--json");
  next_balance = 1000;
  g_assert_cmpint (none->status, ==, 0);
  g_assert_null (strstr (none->err, "Balance"));
  g_assert_true (json_object_get_null_member (parse_object (none->out, &none_root), "balance"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (none_root),
                                                                         "tasks")), ==, 2);
}

static SdSimulator *
start_media_host (void)
{
  g_autoptr(SdCatalog) catalog = sd_catalog_new ();
  g_autoptr(GError) error = NULL;
  SdSimulator *host = sd_simulator_new (catalog, &error);

  g_assert_no_error (error);
  return host;
}

static void
test_dead_link_refuses_the_batch (void)
{
  g_autoptr(SdSimulator) host = start_media_host ();
  g_autofree char *good = g_strdup (sd_simulator_get_sample_image_url (host, 0));
  g_autofree char *dead = sd_simulator_get_media_url (host, "gone.png");
  g_autofree char *text = g_strdup_printf ("{\"model\": \"" PER_TASK "\", \"prompt\": \"a\", \"images\": [\"%s\"]}\n"
                                           "{\"model\": \"" PER_TASK "\", \"prompt\": \"b\", \"images\": [\"%s\"]}\n",
                                           good, dead);
  g_autofree char *path = write_batch (text);
  g_autoptr(Run) run = run_cli ("--demo", "batch", path);
  g_autoptr(Run) unchecked = NULL;

  g_assert_cmpint (run->status, ==, 2);
  g_assert_nonnull (strstr (run->err, "line 2: images: Image 1 (gone.png): "));
  g_assert_null (strstr (run->err, "line 1:"));
  g_assert_nonnull (strstr (run->err, "--no-check"));
  g_assert_cmpuint (sd_simulator_get_task_count (run->simulator), ==, 0);

  unchecked = run_cli ("--demo", "batch", path, "--no-check");
  g_assert_cmpint (unchecked->status, ==, 0);
  g_assert_cmpuint (sd_simulator_get_task_count (unchecked->simulator), ==, 2);
}

/* A 1×1 PNG, enough for the uploader to know it is an image. */
static void
write_png (const char *path)
{
  static const guint8 png[] = {
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x90, 0x77, 0x53,
    0xde, 0x00, 0x00, 0x00, 0x0c, 0x49, 0x44, 0x41, 0x54, 0x08, 0xd7, 0x63, 0xf8, 0xcf, 0xc0, 0x00,
    0x00, 0x03, 0x01, 0x01, 0x00, 0x18, 0xdd, 0x8d, 0xb0, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e,
    0x44, 0xae, 0x42, 0x60, 0x82,
  };

  g_assert_true (g_file_set_contents (path, (const char *) png, sizeof png, NULL));
}

static void
test_local_files_are_uploaded_first (void)
{
  g_autofree char *path = write_batch ("{\"model\": \"" PER_TASK "\", \"prompt\": \"a\", \"first_image\": \"cat.png\"}\n"
                                       "{\"model\": \"" PER_TASK "\", \"prompt\": \"b\", \"first_image\": \"missing.png\"}\n");
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *image = g_build_filename (dir, "cat.png", NULL);
  g_autoptr(Run) missing = NULL;
  g_autoptr(Run) run = NULL;
  g_autofree char *good = NULL;

  write_png (image);
  /* A line naming a file that is not there refuses the batch by number. */
  missing = run_cli ("--demo", "batch", path);
  g_assert_cmpint (missing->status, ==, 2);
  g_assert_nonnull (strstr (missing->err, "line 2: first_image:"));
  g_assert_cmpuint (missing->contexts, ==, 0);

  /* The file is relative to the batch, not to the working directory. */
  good = write_batch ("{\"model\": \"" PER_TASK "\", \"prompt\": \"a\", \"first_image\": \"cat.png\"}\n");
  run = run_cli ("--demo", "batch", good);
  g_assert_cmpint (run->status, ==, 0);
  g_assert_cmpuint (sd_simulator_get_n_uploads (run->simulator), ==, 1);
  g_assert_cmpuint (sd_simulator_get_task_count (run->simulator), ==, 1);
}


/* The simulator takes another token than the one the command sends. */
static void
refuse_token_cb (SdTestRun *run,
                 SdContext *context,
                 gpointer   user_data)
{
  keep_context_cb (run, context, user_data);
  if (sd_demo_get_simulator (context) != NULL)
    sd_simulator_set_token (sd_demo_get_simulator (context), "sk_rotated");
}

/* A refused token stops the batch: exit 1, the reason said, nothing
 * created at the provider, and no task left waiting in the history for a
 * later run to send behind the user's back. */
static void
test_refused_token_stops_the_batch (void)
{
  g_autofree char *path = write_batch ("{\"model\": \"" PER_TASK "\", \"prompt\": \"a cat\", \"variants\": 3}\n"
                                       "{\"model\": \"" PER_TASK "\", \"prompt\": \"a dog\"}\n");
  const char * const args[] = { "--demo", "batch", path, "--json", NULL };
  g_autoptr(Run) run = sd_test_run_cli_argv (args, refuse_token_cb, NULL);
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object;
  JsonArray *tasks;

  g_assert_cmpint (run->status, ==, 1);
  g_assert_nonnull (strstr (run->err, "refused the API token"));
  g_assert_cmpuint (sd_simulator_get_task_count (sd_demo_get_simulator (run->context)), ==, 0);
  object = parse_object (run->out, &root);
  /* the group is said though none of its tasks was kept */
  g_assert_true (g_uuid_string_is_valid (json_object_get_string_member (object, "group")));
  g_assert_cmpstr (json_object_get_string_member (object, "group_label"), ==, "b.jsonl");
  tasks = json_object_get_array_member (object, "tasks");
  g_assert_cmpuint (json_array_get_length (tasks), ==, 4);
  for (guint i = 0; i < 4; i++)
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (tasks, i), "status"),
                     ==, "not-sent");
  g_assert_cmpint (sd_store_count (sd_context_get_store (run->context), &error), ==, 0);
  g_assert_no_error (error);
}

/* `seedance submit` (one task, and --takes) and `seedance retry` record
 * each task's estimate from the price table, as a batch does per line, so
 * the history's totals count them. */
static void
test_submit_and_retry_record_estimates (void)
{
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "saved", NULL);
  g_autoptr(Run) one = NULL;
  g_autoptr(Run) takes = NULL;
  g_autoptr(Run) listed = NULL;
  g_autoptr(Run) retried = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(SdTask) retry = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *retry_id = NULL;
  const char *failed_id = NULL;
  SdStoreCostTotals totals;
  JsonArray *tasks;

  write_prices ("{\"currency\": \"CNY\", \"prices\": {\"seedance2.0-std\": \"0.05\"}}");
  one = run_cli ("--demo", "submit", "--model", "seedance2.0-std", "--prompt", "a heron",
                 "--wait", "--download-dir", dir);
  g_assert_cmpint (one->status, ==, 0);
  takes = run_cli ("--demo", "submit", "--model", "seedance2.0-std", "--prompt", "this will fail",
                   "--takes", "2", "--wait", "--download-dir", dir);
  g_assert_cmpint (takes->status, ==, 1);

  listed = run_cli ("--demo", "list", "--json");
  g_assert_cmpint (listed->status, ==, 0);
  root = json_from_string (listed->out, &error);
  g_assert_no_error (error);
  tasks = json_node_get_array (root);
  g_assert_cmpuint (json_array_get_length (tasks), ==, 3);
  for (guint i = 0; i < json_array_get_length (tasks); i++)
    if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (tasks, i), "status"),
                   "failed") == 0)
      failed_id = json_object_get_string_member (json_array_get_object_element (tasks, i), "task_id");
  g_assert_nonnull (failed_id);

  retried = run_cli ("--demo", "retry", failed_id);
  g_assert_cmpint (retried->status, ==, 0);
  retry_id = g_strstrip (g_strdup (retried->out));
  retry = sd_store_load_task (sd_context_get_store (retried->context), retry_id, &error);
  g_assert_no_error (error);
  g_assert_nonnull (retry);
  g_assert_cmpstr (sd_task_get_retry_of (retry), ==, failed_id);
  g_assert_cmpint (sd_task_get_estimate (retry), ==, 50000);
  g_assert_cmpstr (sd_task_get_estimate_currency (retry), ==, "CNY");

  g_assert_true (sd_store_get_cost_totals (sd_context_get_store (retried->context), 0, "CNY",
                                           &totals, &error));
  g_assert_no_error (error);
  g_assert_cmpint (totals.completed, ==, 50000);
  g_assert_cmpint (totals.failed, ==, 100000);
  g_assert_cmpint (totals.n_tasks, ==, 4);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  sd_test_use_file_keyring ();
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  sd_test_install_counting_resolver ();

  g_test_add_func ("/cli/batch/invalid-exits-2-and-sends-nothing", test_invalid_batch_exits_2_and_sends_nothing);
  g_test_add_func ("/cli/batch/invalid-json-lists-the-problems", test_invalid_batch_json_lists_the_problems);
  g_test_add_func ("/cli/batch/dry-run-sends-nothing-and-estimates", test_dry_run_sends_nothing_and_estimates);
  g_test_add_func ("/cli/batch/dry-run-balance-warns-or-says-nothing", test_dry_run_balance_warns_or_says_nothing);
  g_test_add_func ("/cli/batch/line-labels-are-kept-shown-and-exported",
                   test_line_labels_are_kept_shown_and_exported);
  g_test_add_func ("/cli/batch/over-the-balance-warns-and-sends", test_batch_over_the_balance_warns_and_sends);
  g_test_add_func ("/cli/batch/balance-without-warning", test_batch_balance_without_warning);
  g_test_add_func ("/cli/batch/wait-saves-every-video", test_wait_saves_every_video);
  g_test_add_func ("/cli/batch/is-one-group-under-the-cap", test_batch_is_one_group_under_the_cap);
  g_test_add_func ("/cli/batch/one-failure-exits-1-and-the-rest-complete",
                   test_one_failure_exits_1_and_the_rest_complete);
  g_test_add_func ("/cli/batch/without-wait-returns-once-sent", test_without_wait_returns_once_sent);
  g_test_add_func ("/cli/batch/skip-invalid-sends-the-rest", test_skip_invalid_sends_the_rest);
  g_test_add_func ("/cli/batch/usage-errors-exit-2", test_usage_errors_exit_2);
  g_test_add_func ("/cli/batch/malformed-prices-shows-units-only", test_malformed_prices_shows_units_only);
  g_test_add_func ("/cli/batch/dead-link-refuses-the-batch", test_dead_link_refuses_the_batch);
  g_test_add_func ("/cli/batch/local-files-are-uploaded-first", test_local_files_are_uploaded_first);
  g_test_add_func ("/cli/batch/submit-and-retry-record-estimates", test_submit_and_retry_record_estimates);
  g_test_add_func ("/cli/batch/refused-token-stops-the-batch", test_refused_token_stops_the_batch);

  return g_test_run ();
}

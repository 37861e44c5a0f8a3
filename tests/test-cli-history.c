/* test-cli-history.c: list filters, show, remove, favourite and export,
 * run in-process on a history the test writes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-cli-history"

#include "config.h"

#include <locale.h>
#include <string.h>

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <json-glib/json-glib.h>

#include "sd-cli.h"
#include "sd-client.h"
#include "sd-store-private.h"
#include "sd-store.h"
#include "sd-task.h"
#include "sd-test-cli.h"

typedef SdTestRun Run;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Run, sd_test_run_free)

static Run *
run_argv (const char * const *args)
{
  return sd_test_run_cli_argv (args, NULL, NULL);
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

/* 2023-11-14T22:13:20Z */
#define T0 G_GINT64_CONSTANT (1700000000)

static void
add_task (SdStore      *store,
          const char   *id,
          const char   *prompt,
          const char   *model,
          SdTaskStatus  status,
          gint64        created_at,
          const char   *file)
{
  g_autoptr(SdRequest) request = sd_request_new ();
  g_autoptr(SdTask) task = NULL;
  g_autoptr(GError) error = NULL;
  const char *images[] = { "https://example.com/a.png", NULL };

  sd_request_set_model (request, model);
  sd_request_set_prompt (request, prompt);
  sd_request_set_duration (request, 5);
  sd_request_set_ratio (request, "16:9");
  sd_request_set_images (request, images);
  task = sd_task_new (id, request);
  sd_task_set_status (task, status, NULL);
  sd_task_set_created_at (task, created_at);
  sd_task_set_local_file (task, file);
  g_assert_true (sd_store_save_task (store, task, &error));
  g_assert_no_error (error);
}

/* h1 the oldest, h5 the newest, a day apart. */
static char *
write_history (void)
{
  g_autofree char *path = sd_store_default_path ();
  g_autofree char *folder = g_path_get_dirname (path);
  g_autofree char *video = g_build_filename (folder, "h1.mp4", NULL);
  g_autoptr(SdStore) store = NULL;

  store = sd_store_open (path, NULL, NULL);
  g_assert_nonnull (store);
  g_assert_true (g_file_set_contents (video, "video", -1, NULL));
  add_task (store, "h1", "a paper boat in the rain", "sd2_mx_720p", SD_TASK_STATUS_COMPLETED,
            T0, video);
  add_task (store, "h2", "一只在雨中的纸船", "sd2_mx_fast_720p", SD_TASK_STATUS_FAILED,
            T0 + 86400, NULL);
  add_task (store, "h3", "a lighthouse \"at\" dawn", "sd2_mx_1080p", SD_TASK_STATUS_FAILED,
            T0 + 2 * 86400, NULL);
  add_task (store, "h4", "rain on a window", "sd2_mx_fast_720p", SD_TASK_STATUS_PROCESSING,
            T0 + 3 * 86400, NULL);
  add_task (store, "h5", "harbour at night", "sd2_mx_720p", SD_TASK_STATUS_COMPLETED,
            T0 + 4 * 86400, NULL);
  return g_steal_pointer (&video);
}

/* The task ids of a list --json output, as one string. */
static char *
ids_of (const char *json)
{
  g_autoptr(JsonNode) root = parse_json (json);
  g_autoptr(GString) ids = g_string_new (NULL);
  JsonArray *array = json_node_get_array (root);

  for (guint i = 0; i < json_array_get_length (array); i++)
    g_string_append_printf (ids, "%s%s", i > 0 ? " " : "",
                            json_object_get_string_member (json_array_get_object_element (array, i),
                                                           "task_id"));
  return g_string_free (g_steal_pointer (&ids), FALSE);
}

#define assert_list(expected, ...) \
  G_STMT_START { \
    g_autoptr(Run) _run = run_cli ("list", "--json", __VA_ARGS__); \
    g_autofree char *_ids = NULL; \
    g_assert_cmpint (_run->status, ==, 0); \
    _ids = ids_of (_run->out); \
    g_assert_cmpstr (_ids, ==, (expected)); \
  } G_STMT_END

static void
test_list_filters_each_and_combined (void)
{
  g_autofree char *video = write_history ();

  assert_list ("h5 h4 h3 h2 h1", "--status", "all");
  assert_list ("h4 h1", "--search", "rain");
  assert_list ("h2", "--search", "雨中的");
  assert_list ("h2", "--search", "雨");
  assert_list ("h3", "--search", "\"at\"");
  assert_list ("", "--search", "rain OR harbour");
  assert_list ("h3 h2", "--status", "failed");
  assert_list ("h4 h3 h2", "--status", "failed,running");
  assert_list ("", "--status", "waiting");
  /* a family is every model of it, a model id that one */
  assert_list ("h5 h3 h1", "--model", "full");
  assert_list ("h4 h2", "--model", "sd2_mx_fast_720p");
  /* --until a day is through the end of it (in local time: TZ is UTC here) */
  /* --since is inclusive, an --until time exclusive */
  assert_list ("h2", "--since", "2023-11-15T22:13:20Z", "--until", "2023-11-16T22:13:20Z");
  assert_list ("h3 h2", "--since", "2023-11-15T22:13:20Z", "--until", "2023-11-16T22:13:21Z");
  assert_list ("h5 h4 h3 h2 h1", "--since", "2023-11-14", "--until", "2023-11-18");
  assert_list ("h1", "--until", "2023-11-14");
  assert_list ("", "--since", "today");
  assert_list ("h5 h4", "--limit", "2");
  assert_list ("", "--group", "g1");
  assert_list ("h4", "--search", "rain", "--status", "running", "--model", "full-fast",
               "--since", "2023-11-15");
}

/* A task waiting in the local queue is listed by --status waiting, and
 * --group lists the tasks of one group, waiting or not. */
static void
test_list_waiting_and_group (void)
{
  g_autofree char *video = write_history ();
  g_autofree char *path = sd_store_default_path ();

  {
    g_autoptr(SdStore) store = sd_store_open (path, NULL, NULL);
    g_autoptr(GError) error = NULL;

    g_assert_nonnull (store);
    for (guint i = 0; i < 2; i++)
      {
        g_autoptr(SdTask) task = NULL;

        add_task (store, i == 0 ? "g-sent" : "g-waiting", "two herons", "sd2_mx_720p",
                  i == 0 ? SD_TASK_STATUS_QUEUED : SD_TASK_STATUS_WAITING, T0 + (5 + i) * 86400, NULL);
        task = sd_store_load_task (store, i == 0 ? "g-sent" : "g-waiting", &error);
        g_assert_no_error (error);
        sd_task_set_group_id (task, "g1");
        sd_task_set_group_label (task, "two herons");
        g_assert_true (sd_store_save_task (store, task, &error));
        g_assert_no_error (error);
      }
  }
  assert_list ("g-waiting", "--status", "waiting");
  assert_list ("g-waiting g-sent", "--group", "g1");
  assert_list ("g-sent h4", "--status", "running");
  assert_list ("", "--group", "g2");
}

static void
test_list_bad_values_are_usage_errors (void)
{
  static const struct {
    const char *option;
    const char *value;
  } cases[] = {
    { "--since", "yesterday-ish" },
    { "--since", "2023-13-01" },
    { "--until", "2023-02-30" },
    { "--until", "" },
    { "--status", "done" },
    { "--limit", "0" },
    { "--limit", "-3" },
    { "--limit", "ten" },
    { "--model", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(Run) run = run_cli ("list", cases[i].option, cases[i].value);

      g_assert_cmpint (run->status, ==, 2);
      g_assert_nonnull (strstr (run->err, cases[i].option));
      g_assert_cmpstr (run->out, ==, "");
    }
  {
    g_autoptr(Run) run = run_cli ("list", "--since", "2024-01-02", "--until", "2024-01-01");

    g_assert_cmpint (run->status, ==, 2);
    g_assert_nonnull (strstr (run->err, "--since"));
  }
}

static void
test_list_human_output_and_empty_result (void)
{
  g_autofree char *video = write_history ();
  g_autoptr(Run) run = run_cli ("list", "--search", "lighthouse");
  g_autoptr(Run) none = run_cli ("list", "--search", "submarine");

  g_assert_cmpint (run->status, ==, 0);
  g_assert_true (g_str_has_prefix (run->out, "h3  "));
  g_assert_null (strchr (strchr (run->out, '\n') + 1, '\n'));
  g_assert_cmpint (none->status, ==, 0);
  g_assert_cmpstr (none->out, ==, "");
  g_assert_nonnull (strstr (none->err, "No tasks match"));
}

static void
test_show_prints_every_field (void)
{
  g_autofree char *video = write_history ();
  g_autoptr(Run) json = run_cli ("show", "h1", "--json");
  g_autoptr(Run) text = run_cli ("show", "h1");
  g_autoptr(Run) unknown = run_cli ("show", "nope");
  g_autoptr(Run) two = run_cli ("show", "h1", "h2");
  g_autoptr(JsonNode) root = parse_json (json->out);
  JsonObject *object = json_node_get_object (root);
  JsonObject *request;
  static const char * const members[] = {
    "task_id", "status", "status_raw", "server_model", "favourite", "created_at",
    "first_seen_at", "updated_at", "expires_at", "video_url", "file", "download_state",
    "download_error", "failure_message", "request",
  };

  g_assert_cmpint (json->status, ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    g_assert_true (json_object_has_member (object, members[i]));
  g_assert_cmpstr (json_object_get_string_member (object, "task_id"), ==, "h1");
  g_assert_cmpstr (json_object_get_string_member (object, "created_at"), ==, "2023-11-14T22:13:20Z");
  g_assert_cmpstr (json_object_get_string_member (object, "file"), ==, video);
  g_assert_false (json_object_get_boolean_member (object, "favourite"));
  request = json_object_get_object_member (object, "request");
  g_assert_cmpstr (json_object_get_string_member (request, "prompt"), ==, "a paper boat in the rain");
  g_assert_cmpint (json_object_get_int_member (request, "duration"), ==, 5);
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (request, "images"), 0),
                   ==, "https://example.com/a.png");

  g_assert_cmpint (text->status, ==, 0);
  g_assert_nonnull (strstr (text->out, "a paper boat in the rain"));
  g_assert_nonnull (strstr (text->out, "https://example.com/a.png"));
  g_assert_nonnull (strstr (text->out, video));
  g_assert_cmpint (unknown->status, ==, 1);
  g_assert_nonnull (strstr (unknown->err, "nope"));
  g_assert_cmpint (two->status, ==, 2);
}

/* show names the tasks that continue or retry one (from the whole
 * history, not only those a list would show), the task one retries, its
 * group and its estimate; none of them when there are none. */
static void
test_show_prints_links_and_estimate (void)
{
  g_autofree char *video = write_history ();
  g_autofree char *path = sd_store_default_path ();

  {
    g_autoptr(SdStore) store = sd_store_open (path, NULL, NULL);
    g_autoptr(GError) error = NULL;
    const char *ids[] = { "h3", "h4", "h5", NULL };

    for (guint i = 0; ids[i] != NULL; i++)
      {
        g_autoptr(SdTask) task = sd_store_load_task (store, ids[i], &error);

        g_assert_no_error (error);
        if (i < 2)
          sd_task_set_continues (task, "h1");
        else
          sd_task_set_retry_of (task, "h1");
        sd_task_set_group_id (task, "g-7");
        sd_task_set_group_label (task, "boats.jsonl");
        sd_task_set_estimate (task, 2500000, "CNY");
        g_assert_true (sd_store_save_task (store, task, &error));
        g_assert_no_error (error);
      }
  }

  {
    g_autoptr(Run) json = run_cli ("show", "h1", "--json");
    g_autoptr(Run) text = run_cli ("show", "h1");
    g_autoptr(JsonNode) root = parse_json (json->out);
    JsonObject *object = json_node_get_object (root);
    JsonArray *continued_by = json_object_get_array_member (object, "continued_by");
    JsonArray *retried_by = json_object_get_array_member (object, "retried_by");

    g_assert_cmpint (json->status, ==, 0);
    g_assert_cmpuint (json_array_get_length (continued_by), ==, 2);
    g_assert_cmpstr (json_array_get_string_element (continued_by, 0), ==, "h4");
    g_assert_cmpstr (json_array_get_string_element (continued_by, 1), ==, "h3");
    g_assert_cmpuint (json_array_get_length (retried_by), ==, 1);
    g_assert_cmpstr (json_array_get_string_element (retried_by, 0), ==, "h5");
    g_assert_true (json_object_get_null_member (object, "estimate"));
    g_assert_cmpint (text->status, ==, 0);
    g_assert_nonnull (strstr (text->out, "Continued by:      h4, h3\n"));
    g_assert_nonnull (strstr (text->out, "Retried by:        h5\n"));
    g_assert_null (strstr (text->out, "Estimate:"));
  }

  {
    g_autoptr(Run) json = run_cli ("show", "h5", "--json");
    g_autoptr(Run) text = run_cli ("show", "h5");
    g_autoptr(JsonNode) root = parse_json (json->out);
    JsonObject *object = json_node_get_object (root);
    JsonObject *estimate = json_object_get_object_member (object, "estimate");

    g_assert_cmpint (json->status, ==, 0);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "continued_by")), ==, 0);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "retried_by")), ==, 0);
    g_assert_cmpstr (json_object_get_string_member (object, "retry_of"), ==, "h1");
    g_assert_cmpstr (json_object_get_string_member (object, "group_id"), ==, "g-7");
    g_assert_cmpstr (json_object_get_string_member (estimate, "amount"), ==, "2.500000");
    g_assert_cmpstr (json_object_get_string_member (estimate, "currency"), ==, "CNY");
    g_assert_nonnull (strstr (text->out, "Retry of:          h1\n"));
    g_assert_nonnull (strstr (text->out, "Group:             boats.jsonl\n"));
    g_assert_nonnull (strstr (text->out, "Group ID:          g-7\n"));
    g_assert_nonnull (strstr (text->out, "Estimate:          "));
    g_assert_null (strstr (text->out, "Continued by:"));
  }

  /* list --json carries each task's estimate too */
  {
    g_autoptr(Run) json = run_cli ("list", "--group", "g-7", "--json");
    g_autoptr(JsonNode) root = parse_json (json->out);
    JsonArray *tasks = json_node_get_array (root);

    g_assert_cmpint (json->status, ==, 0);
    g_assert_cmpuint (json_array_get_length (tasks), ==, 3);
    for (guint i = 0; i < 3; i++)
      {
        JsonObject *estimate = json_object_get_object_member (json_array_get_object_element (tasks, i),
                                                              "estimate");

        g_assert_cmpstr (json_object_get_string_member (estimate, "amount"), ==, "2.500000");
        g_assert_cmpstr (json_object_get_string_member (estimate, "currency"), ==, "CNY");
      }
  }
}

static void
test_favourite_on_and_off (void)
{
  g_autofree char *video = write_history ();
  g_autoptr(Run) on = run_cli ("favourite", "h2", "h4", "--json");
  g_autoptr(Run) off = NULL;
  g_autoptr(Run) unknown = NULL;
  g_autoptr(JsonNode) root = parse_json (on->out);

  g_assert_cmpint (on->status, ==, 0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (root),
                                                                         "favourite")), ==, 2);
  assert_list ("h4 h2", "--favourite");
  off = run_cli ("favourite", "--off", "h4");
  g_assert_cmpint (off->status, ==, 0);
  assert_list ("h2", "--favourite");
  assert_list ("h2", "--favourite", "--search", "雨中");
  /* one unknown id changes nothing */
  unknown = run_cli ("favourite", "h1", "nope");
  g_assert_cmpint (unknown->status, ==, 1);
  g_assert_nonnull (strstr (unknown->err, "nope"));
  assert_list ("h2", "--favourite");
}

static void
test_remove_many_keeps_or_deletes_files (void)
{
  g_autofree char *video = write_history ();
  g_autoptr(Run) none = run_cli ("remove");
  g_autoptr(Run) unknown = run_cli ("remove", "h2", "nope");
  g_autoptr(Run) keep = NULL;
  g_autoptr(Run) gone = NULL;
  g_autoptr(JsonNode) root = NULL;

  g_assert_cmpint (none->status, ==, 2);
  g_assert_cmpint (unknown->status, ==, 1);
  assert_list ("h5 h4 h3 h2 h1", "--status", "all");

  keep = run_cli ("remove", "h2", "h3", "h2");
  g_assert_cmpint (keep->status, ==, 0);
  g_assert_nonnull (strstr (keep->out, "h2"));
  assert_list ("h5 h4 h1", "--status", "all");
  assert_list ("", "--search", "雨中的");

  gone = run_cli ("remove", "h1", "--delete-file", "--json");
  g_assert_cmpint (gone->status, ==, 0);
  root = parse_json (gone->out);
  g_assert_cmpstr (json_array_get_string_element (
                     json_object_get_array_member (json_node_get_object (root), "removed"), 0),
                   ==, "h1");
  g_assert_cmpstr (json_array_get_string_element (
                     json_object_get_array_member (json_node_get_object (root), "deleted_files"), 0),
                   ==, video);
  g_assert_false (g_file_test (video, G_FILE_TEST_EXISTS));
  assert_list ("h5 h4", "--status", "all");

  /* a path that is a folder now is neither deleted nor its task removed */
  {
    g_autofree char *folder = g_path_get_dirname (video);
    g_autofree char *history = sd_store_default_path ();
    g_autoptr(SdStore) store = sd_store_open (history, NULL, NULL);
    g_autoptr(Run) refused = NULL;

    add_task (store, "h6", "a folder", "m", SD_TASK_STATUS_COMPLETED, T0, folder);
    refused = run_cli ("remove", "h6", "h5", "--delete-file");
    g_assert_cmpint (refused->status, ==, 1);
    g_assert_nonnull (strstr (refused->err, "not a file"));
    g_assert_true (g_file_test (folder, G_FILE_TEST_IS_DIR));
    assert_list ("h4 h6", "--status", "all");
  }
}

static void
test_export_writes_the_batch_format (void)
{
  g_autofree char *video = write_history ();
  g_autoptr(Run) run = run_cli ("export", "--status", "failed");
  g_autoptr(Run) bad = run_cli ("export", "--since", "soon");
  g_auto(GStrv) lines = NULL;
  static const char * const allowed[] = {
    "model", "prompt", "duration", "ratio", "resolution", "orientation", "images",
    "first_image", "last_image", "reference_videos", "reference_audios", NULL,
  };

  g_assert_cmpint (run->status, ==, 0);
  g_assert_true (g_str_has_suffix (run->out, "\n"));
  lines = g_strsplit (run->out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 3);
  g_assert_cmpstr (lines[2], ==, "");
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(JsonNode) node = parse_json (lines[i]);
      JsonObject *object = json_node_get_object (node);
      g_autoptr(GList) members = json_object_get_members (object);

      for (GList *l = members; l != NULL; l = l->next)
        g_assert_true (g_strv_contains (allowed, l->data));
      g_assert_cmpstr (json_object_get_string_member (object, "prompt"), ==,
                       i == 0 ? "a lighthouse \"at\" dawn" : "一只在雨中的纸船");
      g_assert_cmpint (json_object_get_int_member (object, "duration"), ==, 5);
    }
  g_assert_cmpint (bad->status, ==, 2);
  g_assert_nonnull (strstr (bad->err, "--since"));
}

/* The first command on a schema 4 history builds its search index, with
 * progress on stderr when that takes a while (here: always). */
static void
test_upgrade_shows_progress_and_finds (void)
{
  g_autofree char *path = sd_store_default_path ();
  g_autofree char *folder = g_path_get_dirname (path);
  g_autofree char *sql = NULL;
  g_autoptr(Run) run = NULL;
  g_autofree char *ids = NULL;
  sqlite3 *db = NULL;

  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  sql = g_strdup_printf (
    "CREATE TABLE tasks (base TEXT NOT NULL, id TEXT NOT NULL, request TEXT,"
    "  status TEXT, status_raw TEXT, server_model TEXT,"
    "  created_at INTEGER NOT NULL DEFAULT 0, updated_at INTEGER NOT NULL DEFAULT 0,"
    "  failure_message TEXT, video_url TEXT, local_file TEXT,"
    "  download_state INTEGER NOT NULL DEFAULT 0, download_error TEXT,"
    "  first_seen_at INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (base, id));"
    "INSERT INTO tasks (base, id, request, status, created_at) VALUES"
    "  ('%s', 'old1', '{\"prompt\":\"一只在雨中的纸船\"}', 'completed', 100),"
    "  ('%s', 'old2', '{\"prompt\":\"a lighthouse\"}', 'failed', 200);"
    "PRAGMA user_version = 4;", SD_CLIENT_DEFAULT_BASE_URL, SD_CLIENT_DEFAULT_BASE_URL);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  _sd_store_progress_after_us = 0;
  run = run_cli ("list", "--json", "--search", "雨中的");
  _sd_store_progress_after_us = G_USEC_PER_SEC;
  g_assert_cmpint (run->status, ==, 0);
  g_assert_nonnull (strstr (run->err, "search index"));
  g_assert_nonnull (strstr (run->err, "100 %"));
  ids = ids_of (run->out);
  g_assert_cmpstr (ids, ==, "old1");
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *keyring = NULL;

  setlocale (LC_ALL, "C.UTF-8");
  g_setenv ("TZ", "UTC", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  keyring = g_dir_make_tmp ("seedance-keyring-XXXXXX", NULL);
  g_setenv ("SECRET_BACKEND", "file", TRUE);
  g_setenv ("SECRET_FILE_TEST_PATH", keyring, TRUE);
  g_setenv ("SECRET_FILE_TEST_PASSWORD", "test-password", TRUE);
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_unsetenv ("SEEDANCE_API_TOKEN");
  g_unsetenv ("SEEDANCE_API_BASE");

  g_test_add_func ("/cli-history/list/filters-each-and-combined", test_list_filters_each_and_combined);
  g_test_add_func ("/cli-history/list/bad-values-are-usage-errors", test_list_bad_values_are_usage_errors);
  g_test_add_func ("/cli-history/list/waiting-and-group", test_list_waiting_and_group);
  g_test_add_func ("/cli-history/list/human-output-and-empty-result",
                   test_list_human_output_and_empty_result);
  g_test_add_func ("/cli-history/show/prints-every-field", test_show_prints_every_field);
  g_test_add_func ("/cli-history/show/prints-links-and-estimate", test_show_prints_links_and_estimate);
  g_test_add_func ("/cli-history/favourite/on-and-off", test_favourite_on_and_off);
  g_test_add_func ("/cli-history/remove/many-keeps-or-deletes-files",
                   test_remove_many_keeps_or_deletes_files);
  g_test_add_func ("/cli-history/export/writes-the-batch-format", test_export_writes_the_batch_format);
  g_test_add_func ("/cli-history/upgrade/shows-progress-and-finds", test_upgrade_shows_progress_and_finds);

  return g_test_run ();
}

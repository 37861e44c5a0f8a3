/* test-search.c: finding, keeping and removing tasks in the history
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-search"

#include "config.h"

#include <string.h>

#include <sqlite3.h>

#include "sd-catalog.h"
#include "sd-client.h"
#include "sd-store-private.h"
#include "sd-store-query.h"
#include "sd-test-util.h"
#include "sd-store.h"
#include "sd-task.h"
#include "sd-test-util.h"

/* Helpers */

static SdStore *
open_store (const char *path)
{
  g_autoptr(GError) error = NULL;
  SdStore *store = sd_store_open (path, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  return store;
}

static char *
new_history (void)
{
  return sd_store_default_path ();
}

static void
run_sql (const char *path,
         const char *sql)
{
  g_autofree char *folder = g_path_get_dirname (path);
  sqlite3 *db = NULL;
  char *message = NULL;

  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
  sqlite3_close (db);
}

static gint64
query_int (const char *path,
           const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

static SdTask *
make_task (const char   *id,
           const char   *prompt,
           const char   *model,
           SdTaskStatus  status,
           gint64        created_at)
{
  g_autoptr(SdRequest) request = sd_request_new ();
  SdTask *task;

  sd_request_set_model (request, model);
  sd_request_set_prompt (request, prompt);
  task = sd_task_new (id, request);
  sd_task_set_status (task, status, NULL);
  sd_task_set_created_at (task, created_at);
  return task;
}

static void
add_task (SdStore      *store,
          const char   *id,
          const char   *prompt,
          const char   *model,
          SdTaskStatus  status,
          gint64        created_at)
{
  g_autoptr(SdTask) task = make_task (id, prompt, model, status, created_at);
  g_autoptr(GError) error = NULL;

  g_assert_true (sd_store_save_task (store, task, &error));
  g_assert_no_error (error);
}

/* The ids @query finds, newest first, as one string. */
static char *
find (SdStore           *store,
      const SdTaskQuery *query)
{
  SdStoreCursor cursor = SD_STORE_CURSOR_INIT;
  g_autoptr(GPtrArray) tasks = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) ids = g_string_new (NULL);
  gboolean more = TRUE;

  tasks = sd_store_query_page (store, query, &cursor, 1000, &more, &error);
  g_assert_no_error (error);
  g_assert_nonnull (tasks);
  g_assert_false (more);
  for (guint i = 0; i < tasks->len; i++)
    g_string_append_printf (ids, "%s%s", i > 0 ? " " : "",
                            sd_task_get_id (g_ptr_array_index (tasks, i)));
  /* the count agrees with the rows */
  g_assert_cmpint (sd_store_query_count (store, query, NULL), ==, tasks->len);
  return g_string_free (g_steal_pointer (&ids), FALSE);
}

static char *
find_text (SdStore    *store,
           const char *text)
{
  g_autoptr(SdTaskQuery) query = sd_task_query_new ();

  query->text = g_strdup (text);
  return find (store, query);
}

#define assert_finds(store, text, expected) \
  G_STMT_START { \
    g_autofree char *_found = find_text ((store), (text)); \
    g_assert_cmpstr (_found, ==, (expected)); \
  } G_STMT_END

#define assert_query(store, query, expected) \
  G_STMT_START { \
    g_autofree char *_found = find ((store), (query)); \
    g_assert_cmpstr (_found, ==, (expected)); \
  } G_STMT_END

/* A small history of varied tasks, t1 the oldest. */
static SdStore *
open_sample (void)
{
  g_autofree char *path = new_history ();
  SdStore *store = open_store (path);

  add_task (store, "t1", "a paper boat in the rain", "sd2_mx_720p", SD_TASK_STATUS_COMPLETED, 1000);
  add_task (store, "t2", "一只在雨中的纸船", "sd2_mx_fast_720p", SD_TASK_STATUS_FAILED, 2000);
  add_task (store, "t3", "a lighthouse at dawn", "sd2_mx_1080p", SD_TASK_STATUS_PROCESSING, 3000);
  add_task (store, "t4", "say \"hi\" to a*b, cats AND dogs -x key:value NEAR(a b)",
            "sd2_mx_720p", SD_TASK_STATUS_UNCERTAIN, 4000);
  add_task (store, "t5", "Rain over the harbour", "sd2_mx_fast_720p", SD_TASK_STATUS_COMPLETED, 5000);
  return store;
}

/* Migration */

static void
on_progress_cb (const char *what,
                double      fraction,
                gpointer    user_data)
{
  GArray *fractions = user_data;

  g_assert_nonnull (what);
  g_array_append_val (fractions, fraction);
}

static void
assert_migrated_and_found (const char *path)
{
  g_autoptr(GArray) fractions = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(SdStore) store = NULL;
  g_autoptr(GError) error = NULL;

  /* every chunk reports, as a long build would */
  _sd_store_progress_after_us = 0;
  store = sd_store_open_with_progress (path, NULL, on_progress_cb, fractions, NULL, &error);
  _sd_store_progress_after_us = G_USEC_PER_SEC;
  g_assert_no_error (error);
  g_assert_nonnull (store);
  g_assert_cmpint (query_int (path, "PRAGMA user_version"), ==, SD_STORE_SCHEMA_VERSION);
  g_assert_cmpint (query_int (path, "SELECT count(*) FROM sqlite_master WHERE name = 'tasks_search'"),
                   ==, 1);
  g_assert_cmpuint (fractions->len, >=, query_int (path, "SELECT count(*) FROM tasks") / 4096 + 1);
  for (guint i = 1; i < fractions->len; i++)
    g_assert_cmpfloat (g_array_index (fractions, double, i), >=,
                       g_array_index (fractions, double, i - 1));
  g_assert_cmpfloat (g_array_index (fractions, double, fractions->len - 1), ==, 1.0);

  assert_finds (store, "lighthouse", "old2");
  assert_finds (store, "雨中的", "old1");
  assert_finds (store, "雨", "old1");
  assert_finds (store, "old", "old3 old2 old1");
  /* the old tasks are no favourites, and the index follows new saves */
  {
    g_autoptr(SdTask) task = sd_store_load_task (store, "old2", &error);

    g_assert_no_error (error);
    g_assert_false (sd_task_get_favourite (task));
  }
  add_task (store, "new1", "a lighthouse keeper", "m", SD_TASK_STATUS_QUEUED, 400);
  assert_finds (store, "lighthouse", "new1 old2");
}

#define OLD_ROWS \
  "('old1', '{\"model\":\"m\",\"prompt\":\"一只在雨中的纸船\"}', 'completed', 100)," \
  "('old2', '{\"model\":\"m\",\"prompt\":\"a lighthouse at dawn\"}', 'failed', 200)," \
  "('old3', 'not json', 'completed', 300)"

/* A history of schema 4 (tasks keyed by base) gains the index. */
static void
test_search_migration_from_schema_4 (void)
{
  g_autofree char *path = new_history ();
  g_autofree char *sql = NULL;

  sql = g_strdup_printf (
           "CREATE TABLE tasks (base TEXT NOT NULL, id TEXT NOT NULL, request TEXT,"
           "  status TEXT, status_raw TEXT, server_model TEXT,"
           "  created_at INTEGER NOT NULL DEFAULT 0, updated_at INTEGER NOT NULL DEFAULT 0,"
           "  failure_message TEXT, video_url TEXT, local_file TEXT,"
           "  download_state INTEGER NOT NULL DEFAULT 0, download_error TEXT,"
           "  first_seen_at INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (base, id));"
           "CREATE INDEX tasks_created_at ON tasks (base, created_at);"
           "INSERT INTO tasks (base, id, request, status, created_at) "
           "SELECT '%s', column1, column2, column3, column4 FROM (VALUES "
           OLD_ROWS ");"
           /* more rows than one step of the build, to see it progress */
           "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 9000) "
           "INSERT INTO tasks (base, id, request, status, created_at) "
           "SELECT '%s', 'bulk-' || i, '{\"prompt\":\"filler\"}', 'completed', 10 FROM n;"
           "PRAGMA user_version = 4;", SD_CLIENT_DEFAULT_BASE_URL, SD_CLIENT_DEFAULT_BASE_URL);
  run_sql (path, sql);
  assert_migrated_and_found (path);
}

/* The oldest schema the tests can write (1) goes through every step. */
static void
test_search_migration_from_schema_1 (void)
{
  g_autofree char *path = new_history ();

  run_sql (path,
           "CREATE TABLE tasks (id TEXT PRIMARY KEY NOT NULL, request TEXT, status TEXT,"
           "  status_raw TEXT, server_model TEXT, created_at INTEGER NOT NULL DEFAULT 0,"
           "  updated_at INTEGER NOT NULL DEFAULT 0, failure_message TEXT, video_url TEXT,"
           "  local_file TEXT, download_state INTEGER NOT NULL DEFAULT 0, download_error TEXT);"
           "CREATE INDEX tasks_created_at ON tasks (created_at);"
           "INSERT INTO tasks (id, request, status, created_at) VALUES " OLD_ROWS ";"
           "PRAGMA user_version = 1;");
  assert_migrated_and_found (path);
}

/* Text */

static void
test_search_text_chinese_substring (void)
{
  g_autoptr(SdStore) store = open_sample ();

  assert_finds (store, "雨中的", "t2");
  assert_finds (store, "在雨中的纸船", "t2");
  assert_finds (store, "雨中船", "");
  assert_finds (store, "rain", "t5 t1");
  assert_finds (store, "RAIN", "t5 t1");
  assert_finds (store, "harb", "t5");
}

/* One or two characters are below the trigram index: a scan finds them. */
static void
test_search_text_short_query_scans (void)
{
  g_autoptr(SdStore) store = open_sample ();

  assert_finds (store, "雨", "t2");
  assert_finds (store, "纸船", "t2");
  assert_finds (store, "ra", "t5 t1");
  assert_finds (store, "%", "");
  assert_finds (store, "n_", "");
  assert_finds (store, "2_", "t5 t4 t3 t2 t1");
  assert_finds (store, "t3", "t3");
  /* case folds as in LIKE, and a request written with \u escapes is found */
  assert_finds (store, "RA", "t5 t1");
  assert_finds (store, "MX", "t5 t4 t3 t2 t1");
  run_sql (sd_store_get_path (store),
           "UPDATE tasks SET request = '{\"model\":\"m\",\"prompt\":\"\\u96e8\\u5929\"}' "
           "WHERE id = 't3'");
  assert_finds (store, "雨", "t3 t2");
  assert_finds (store, "雨天", "t3");
  assert_finds (store, "a\"", "");
}

/* Quotes, stars, AND, minus and colons are characters, never syntax. */
static void
test_search_text_syntax_is_literal (void)
{
  g_autoptr(SdStore) store = open_sample ();

  assert_finds (store, "\"hi\"", "t4");
  assert_finds (store, "\"", "t4");
  assert_finds (store, "\"hi", "t4");
  assert_finds (store, "a*b", "t4");
  assert_finds (store, "*", "t4");
  assert_finds (store, "AND", "t4");
  assert_finds (store, "cats AND dogs", "t4");
  assert_finds (store, "-x", "t4");
  assert_finds (store, "key:value", "t4");
  assert_finds (store, "prompt:rain", "");
  assert_finds (store, "NEAR(a", "t4");
  assert_finds (store, "rain OR lighthouse", "");
  assert_finds (store, "\"\"\"", "");
  assert_finds (store, "^rain", "");
}

static void
test_search_text_words_id_and_model (void)
{
  g_autoptr(SdStore) store = open_sample ();

  /* every word must match, anywhere in the prompt */
  assert_finds (store, "boat rain", "t1");
  assert_finds (store, "  boat\train  ", "t1");
  assert_finds (store, "boat harbour", "");
  /* the id and the model are searched too */
  assert_finds (store, "t4", "t4");
  assert_finds (store, "mx_fast", "t5 t2");
  assert_finds (store, "", "t5 t4 t3 t2 t1");
  /* not valid UTF-8: no crash, no match */
  assert_finds (store, "\xff\xfe", "");
}

/* Filters */

/* The local queue's tasks: "waiting" finds the tasks not sent yet, a
 * group id the tasks of that group, with the other filters. */
static void
test_search_filter_waiting_and_group (void)
{
  g_autoptr(SdStore) store = open_sample ();
  g_autoptr(SdTaskQuery) query = sd_task_query_new ();
  g_autoptr(GError) error = NULL;
  guint filter = 0;

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *id = g_strdup_printf ("q%u", i + 1);
      g_autoptr(SdTask) task = make_task (id, i == 2 ? "a heron" : "a paper heron", "sd2_mx_720p",
                                          i == 0 ? SD_TASK_STATUS_FAILED : SD_TASK_STATUS_WAITING,
                                          6000 + i);

      sd_task_set_group_id (task, i < 2 ? "group-a" : "group-b");
      g_assert_true (sd_store_save_task (store, task, &error));
      g_assert_no_error (error);
    }

  g_assert_true (sd_task_status_filter_from_name ("waiting", &filter));
  query->statuses = filter;
  assert_query (store, query, "q3 q2");
  query->group = g_strdup ("group-a");
  assert_query (store, query, "q2");
  query->statuses = 0;
  assert_query (store, query, "q2 q1");
  query->text = g_strdup ("paper");
  assert_query (store, query, "q2 q1");
  g_clear_pointer (&query->group, g_free);
  query->group = g_strdup ("no-such-group");
  assert_query (store, query, "");
}

static void
test_search_filter_each_and_combined (void)
{
  g_autoptr(SdStore) store = open_sample ();
  g_autoptr(SdCatalog) catalog = sd_catalog_new ();
  g_autoptr(SdTaskQuery) query = sd_task_query_new ();
  const char *favourites[] = { "t1", "t3", NULL };
  guint filter = 0;

  g_assert_true (sd_task_status_filter_from_name ("failed", &filter));
  query->statuses = filter;
  assert_query (store, query, "t2");
  g_assert_true (sd_task_status_filter_from_name ("Running", &filter));
  query->statuses = filter;
  assert_query (store, query, "t3");
  g_assert_true (sd_task_status_filter_from_name ("uncertain", &filter));
  query->statuses = filter;
  assert_query (store, query, "t4");
  g_assert_true (sd_task_status_filter_from_name ("waiting", &filter));
  query->statuses = filter;
  assert_query (store, query, "");
  query->statuses = SD_TASK_STATUS_FILTER_COMPLETED | SD_TASK_STATUS_FILTER_FAILED;
  assert_query (store, query, "t5 t2 t1");
  g_assert_true (sd_task_status_filter_from_name ("all", &filter));
  g_assert_cmpuint (filter, ==, 0);
  g_assert_false (sd_task_status_filter_from_name ("done", &filter));
  query->statuses = 0;

  /* a family is all its models; a model id is that one */
  sd_task_query_set_model (query, catalog, "full");
  assert_query (store, query, "t4 t3 t1");
  sd_task_query_set_model (query, catalog, "sd2_mx_fast_720p");
  assert_query (store, query, "t5 t2");
  sd_task_query_set_model (query, catalog, "no-such-model");
  assert_query (store, query, "");
  sd_task_query_set_model (query, catalog, NULL);

  query->since = 2000;
  query->until = 4000;
  assert_query (store, query, "t3 t2");
  query->since = query->until = 0;

  g_assert_true (sd_store_set_favourite (store, favourites, TRUE, NULL));
  query->favourite = TRUE;
  assert_query (store, query, "t3 t1");
  query->favourite = FALSE;

  query->group = g_strdup ("g1");
  assert_query (store, query, "");
  g_clear_pointer (&query->group, g_free);

  /* all together: completed tasks of the full family since 500 with "rain" */
  query->text = g_strdup ("rain");
  query->statuses = SD_TASK_STATUS_FILTER_COMPLETED;
  sd_task_query_set_model (query, catalog, "full");
  query->since = 500;
  assert_query (store, query, "t1");
  query->favourite = TRUE;
  assert_query (store, query, "t1");
  query->since = 1001;
  assert_query (store, query, "");
}

static void
test_search_filter_date_ranges_and_ids (void)
{
  g_autoptr(SdStore) store = open_sample ();
  g_autoptr(SdTaskQuery) query = sd_task_query_new ();
  g_autoptr(GTimeZone) zone = g_time_zone_new_utc ();
  /* Wednesday 2026-03-18 12:00 UTC */
  g_autoptr(GDateTime) now = g_date_time_new (zone, 2026, 3, 18, 12, 0, 0);
  const gint64 midnight = g_date_time_to_unix (now) - 12 * 3600;
  g_auto(GStrv) ids = NULL;
  g_autofree char *joined = NULL;

  g_assert_true (sd_task_query_is_empty (query));
  sd_task_query_set_date_range (query, SD_TASK_DATE_TODAY, now);
  g_assert_cmpint (query->since, ==, midnight);
  g_assert_false (sd_task_query_is_empty (query));
  sd_task_query_set_date_range (query, SD_TASK_DATE_LAST_7_DAYS, now);
  g_assert_cmpint (query->since, ==, midnight - 6 * 86400);
  sd_task_query_set_date_range (query, SD_TASK_DATE_THIS_MONTH, now);
  g_assert_cmpint (query->since, ==, midnight - 17 * 86400);
  sd_task_query_set_date_range (query, SD_TASK_DATE_ANY, now);
  g_assert_cmpint (query->since, ==, 0);
  g_assert_true (sd_task_query_is_empty (query));
  query->text = g_strdup (" \t");
  g_assert_true (sd_task_query_is_empty (query));

  /* every matching id, for acting on a whole filtered view */
  g_clear_pointer (&query->text, g_free);
  query->statuses = SD_TASK_STATUS_FILTER_COMPLETED | SD_TASK_STATUS_FILTER_FAILED;
  ids = sd_store_query_ids (store, query, NULL);
  joined = g_strjoinv (" ", ids);
  g_assert_cmpstr (joined, ==, "t5 t2 t1");
}

/* Results come in pages with the history's cursor, newest first. */
static void
test_search_page_in_order (void)
{
  g_autofree char *path = new_history ();
  g_autoptr(SdStore) store = open_store (path);
  g_autoptr(SdTaskQuery) query = sd_task_query_new ();
  SdStoreCursor cursor = SD_STORE_CURSOR_INIT;
  guint seen = 0, pages = 0;
  gboolean more = TRUE;

  for (guint i = 0; i < 60; i++)
    {
      g_autofree char *id = g_strdup_printf ("p%02u", i);

      /* pairs in the same second: the later insertion comes first */
      add_task (store, id, i % 2 == 0 ? "even lighthouse" : "odd boat", "m",
                SD_TASK_STATUS_COMPLETED, 100 + i / 2);
    }
  query->text = g_strdup ("lighthouse");
  while (more)
    {
      g_autoptr(GPtrArray) tasks = sd_store_query_page (store, query, &cursor, 7, &more, NULL);

      g_assert_nonnull (tasks);
      pages++;
      for (guint i = 0; i < tasks->len; i++, seen++)
        {
          g_autofree char *id = g_strdup_printf ("p%02u", 58 - 2 * seen);

          g_assert_cmpstr (sd_task_get_id (g_ptr_array_index (tasks, i)), ==, id);
        }
    }
  g_assert_cmpuint (seen, ==, 30);
  g_assert_cmpuint (pages, ==, 5);
  g_assert_cmpint (sd_store_query_count (store, query, NULL), ==, 30);
}

/* The index follows every write: a new request, a delete, a rename that
 * replaces another row. */
static void
test_search_index_follows_writes (void)
{
  g_autoptr(SdStore) store = open_sample ();
  g_autoptr(SdTask) pending = make_task ("local-1", "a pending glacier", "m",
                                         SD_TASK_STATUS_UNKNOWN, 6000);
  g_autoptr(SdTask) created = make_task ("t1", "a created glacier", "m",
                                         SD_TASK_STATUS_QUEUED, 6000);
  g_autoptr(GError) error = NULL;

  add_task (store, "t3", "a different prompt now", "m", SD_TASK_STATUS_COMPLETED, 3000);
  assert_finds (store, "lighthouse", "");
  assert_finds (store, "different", "t3");

  g_assert_true (sd_store_delete_task (store, "t5", &error));
  assert_finds (store, "harbour", "");

  /* the pending row takes the id t1, replacing the row t1 had */
  g_assert_true (sd_store_save_task (store, pending, &error));
  g_assert_true (sd_store_replace_task (store, "local-1", created, &error));
  g_assert_no_error (error);
  assert_finds (store, "paper boat", "");
  assert_finds (store, "glacier", "t1");
  assert_finds (store, "pending", "");
  g_assert_cmpint (query_int (sd_store_get_path (store),
                              "SELECT count(*) FROM tasks_search WHERE tasks_search MATCH 'glacier'"),
                   ==, 1);
  /* the row the rename replaced left the index too */
  g_assert_cmpint (query_int (sd_store_get_path (store),
                              "SELECT count(*) FROM tasks_search WHERE tasks_search MATCH 'paper'"),
                   ==, 0);

  /* a damaged stored request is kept, and does not break the index */
  run_sql (sd_store_get_path (store), "UPDATE tasks SET request = '{broken' WHERE id = 't2'");
  assert_finds (store, "雨中的", "");
  assert_finds (store, "t2", "t2");
}

/* Keep */

static void
test_search_favourite_round_trip (void)
{
  g_autofree char *path = new_history ();
  g_autoptr(SdStore) store = open_store (path);
  g_autoptr(SdTask) task = make_task ("f1", "a star", "m", SD_TASK_STATUS_COMPLETED, 10);
  g_autoptr(SdTask) loaded = NULL;
  g_autoptr(GError) error = NULL;
  const char *ids[] = { "f1", "missing", NULL };
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (task), "favourite");
  gboolean value = FALSE;

  g_assert_nonnull (pspec);
  g_assert_true (pspec->flags & G_PARAM_EXPLICIT_NOTIFY);
  g_assert_false (sd_task_get_favourite (task));

  /* a watched task saves its star */
  sd_store_watch_task (store, task);
  g_object_set (task, "favourite", TRUE, NULL);
  loaded = sd_store_load_task (store, "f1", &error);
  g_assert_no_error (error);
  g_object_get (loaded, "favourite", &value, NULL);
  g_assert_true (value);
  g_clear_object (&loaded);
  sd_store_unwatch_task (store, task);

  g_assert_true (sd_store_set_favourite (store, ids, FALSE, &error));
  g_assert_no_error (error);
  loaded = sd_store_load_task (store, "f1", &error);
  g_assert_false (sd_task_get_favourite (loaded));
  g_clear_object (&loaded);

  g_assert_true (sd_store_set_favourite (store, ids, TRUE, &error));
  g_clear_object (&store);
  store = open_store (path);
  loaded = sd_store_load_task (store, "f1", &error);
  g_assert_true (sd_task_get_favourite (loaded));
}

/* Another process's copy of a task (here: a second store) saving a
 * status change does not undo the star this one set. */
static void
test_search_favourite_survives_another_copy (void)
{
  g_autofree char *path = new_history ();
  g_autoptr(SdStore) app = open_store (path);
  g_autoptr(SdStore) cli = NULL;
  g_autoptr(SdTask) copy = NULL;
  g_autoptr(SdTask) loaded = NULL;
  const char *ids[] = { "s1", NULL };

  add_task (app, "s1", "a star", "m", SD_TASK_STATUS_PROCESSING, 10);
  copy = sd_store_load_task (app, "s1", NULL);
  sd_store_watch_task (app, copy);

  cli = open_store (path);
  g_assert_true (sd_store_set_favourite (cli, ids, TRUE, NULL));
  sd_task_set_status (copy, SD_TASK_STATUS_COMPLETED, "completed");
  loaded = sd_store_load_task (cli, "s1", NULL);
  g_assert_true (sd_task_get_favourite (loaded));
  g_assert_cmpint (sd_task_get_status (loaded), ==, SD_TASK_STATUS_COMPLETED);
  g_clear_object (&loaded);

  /* and its own change of the star is written */
  sd_task_set_favourite (copy, TRUE);
  sd_task_set_favourite (copy, FALSE);
  loaded = sd_store_load_task (cli, "s1", NULL);
  g_assert_false (sd_task_get_favourite (loaded));
  sd_store_unwatch_task (app, copy);
}

/* Act on many */

static void
test_search_remove_many_and_restore (void)
{
  g_autoptr(SdStore) store = open_sample ();
  g_autoptr(GPtrArray) removed = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GError) error = NULL;
  const char *ids[] = { "t2", "t4", "nope", "t1", NULL };
  const char *favourite[] = { "t4", NULL };
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  /* t6 and t4 in the same second: t4 keeps its place before t6 */
  add_task (store, "t6", "same second", "m", SD_TASK_STATUS_COMPLETED, 4000);
  g_assert_true (sd_store_set_favourite (store, favourite, TRUE, NULL));
  before = find_text (store, NULL);
  g_assert_cmpstr (before, ==, "t5 t6 t4 t3 t2 t1");

  g_assert_true (sd_store_remove_tasks (store, ids, &removed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (removed->len, ==, 3);
  assert_finds (store, NULL, "t5 t6 t3");
  assert_finds (store, "雨中的", "");

  g_assert_true (sd_store_restore_tasks (store, removed, &error));
  g_assert_no_error (error);
  after = find_text (store, NULL);
  g_assert_cmpstr (after, ==, before);
  assert_finds (store, "雨中的", "t2");
  {
    g_autoptr(SdTaskQuery) query = sd_task_query_new ();

    query->favourite = TRUE;
    assert_query (store, query, "t4");
  }

  /* restoring again changes nothing: the tasks are there */
  g_assert_true (sd_store_restore_tasks (store, removed, &error));
  all = sd_store_load_tasks (store, &error);
  g_assert_cmpuint (all->len, ==, 6);
}

/* Every row of the tasks table, every column, in rowid order. */
static char *
dump_tasks (const char *path)
{
  g_autoptr(GString) dump = g_string_new (NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT rowid, * FROM tasks ORDER BY rowid", -1,
                                       &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      for (int i = 0; i < sqlite3_column_count (stmt); i++)
        {
          const char *text = (const char *) sqlite3_column_text (stmt, i);

          g_string_append_printf (dump, "%s%s", i > 0 ? "|" : "", text != NULL ? text : "NULL");
        }
      g_string_append_c (dump, '\n');
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return g_string_free (g_steal_pointer (&dump), FALSE);
}

static gint64
count_text (SdStore    *store,
            const char *text)
{
  g_autoptr(SdTaskQuery) query = sd_task_query_new ();
  g_autoptr(GError) error = NULL;
  gint64 n;

  query->text = g_strdup (text);
  n = sd_store_query_count (store, query, &error);
  g_assert_no_error (error);
  return n;
}

/* @n tasks with every link and field a removal must keep; two to a
 * second, so that the order among a second's tasks is the rowid's. */
static void
add_linked_tasks (SdStore *store,
                  guint    n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *id = g_strdup_printf ("bulk%04u", i);
      g_autofree char *prompt = g_strdup_printf ("%s 雨中的纸船 number%04u", i % 3 == 0 ? "kept" : "gone", i);
      g_autofree char *group = g_strdup_printf ("group%u", i / 10);
      g_autofree char *parent = g_strdup_printf ("bulk%04u", i > 0 ? i - 1 : 0);
      g_autoptr(SdTask) task = make_task (id, prompt, "sd2_mx_720p",
                                          i % 2 == 0 ? SD_TASK_STATUS_COMPLETED : SD_TASK_STATUS_FAILED,
                                          10000 + i / 2);
      g_autoptr(GError) error = NULL;

      sd_task_set_group_id (task, group);
      sd_task_set_group_label (task, "Takes of the boat");
      sd_task_set_continues (task, i % 5 == 1 ? parent : NULL);
      sd_task_set_retry_of (task, i % 7 == 1 ? parent : NULL);
      sd_task_set_estimate (task, 1000 + i, "CNY");
      sd_task_set_local_file (task, i % 2 == 0 ? "/videos/boat.mp4" : NULL);
      sd_task_set_queue_position (task, i % 4);
      g_assert_true (sd_store_save_task (store, task, &error));
      g_assert_no_error (error);
      if (i % 4 == 0)
        g_assert_true (sd_store_set_favourite (store, (const char *[]) { id, NULL }, TRUE, &error));
    }
}

static SdStoreRemoval *
remove_async (SdStore             *store,
              const char * const  *ids)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  SdStoreRemoval *removal;

  sd_store_remove_tasks_async (store, ids, NULL, sd_test_store_result_cb, &result);
  sd_test_wait_until (sd_test_result_arrived, &result, 60, "the removal");
  removal = sd_store_remove_tasks_finish (store, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (removal);
  return removal;
}

static GPtrArray *
restore_async (SdStore             *store,
               SdStoreRemoval      *removal,
               const SdStoreCursor *loaded)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *tasks;

  sd_store_restore_removal_async (store, removal, loaded, NULL, sd_test_store_result_cb, &result);
  sd_test_wait_until (sd_test_result_arrived, &result, 60, "the restore");
  tasks = sd_store_restore_removal_finish (store, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (tasks);
  return tasks;
}

/* FTS5's own check of the search index (its segments and structure). */
static void
assert_index_is_sound (const char *path)
{
  sqlite3 *db = NULL;
  char *message = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 10000);
  if (sqlite3_exec (db, "INSERT INTO tasks_search (tasks_search, rank) VALUES ('integrity-check', 0)",
                    NULL, NULL, &message) != SQLITE_OK)
    g_error ("The search index is damaged: %s", message);
  sqlite3_close (db);
}

/* Removes the tasks whose number @keep refuses, checks what is left and
 * what the search finds, puts them back and checks that nothing differs. */
static void
round_trip (SdStore  *store,
            guint     n,
            gboolean (*keep) (guint i))
{
  g_autofree char *before = dump_tasks (sd_store_get_path (store));
  g_autofree char *after = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(SdStoreRemoval) removal = NULL;
  g_autoptr(GPtrArray) restored = NULL;
  g_auto(GStrv) ids = NULL;
  guint n_removed = 0;

  for (guint i = 0; i < n; i++)
    if (!keep (i))
      {
        g_autofree char *id = g_strdup_printf ("bulk%04u", i);

        g_strv_builder_add (builder, id);
        n_removed++;
      }
  g_strv_builder_add (builder, "no-such-task");
  ids = g_strv_builder_end (builder);

  removal = remove_async (store, (const char * const *) ids);
  g_assert_cmpuint (sd_store_removal_get_n_tasks (removal), ==, n_removed);
  /* the videos are not files here: none to delete */
  g_assert_cmpuint (g_strv_length ((char **) sd_store_removal_get_videos (removal)), ==, 0);
  g_assert_cmpint (sd_store_count (store, NULL), ==, n - n_removed);
  g_assert_cmpint (count_text (store, "纸船"), ==, n - n_removed);
  g_assert_cmpint (count_text (store, "bulk0001"), ==, keep (1) ? 1 : 0);
  g_assert_cmpint (count_text (store, "number0003"), ==, keep (3) ? 1 : 0);

  /* nothing loaded: only tasks a start resumes would come back to a list */
  restored = restore_async (store, removal, NULL);
  g_assert_cmpuint (restored->len, ==, 0);
  after = dump_tasks (sd_store_get_path (store));
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpint (count_text (store, "纸船"), ==, n);
  g_assert_cmpint (count_text (store, "gone"), ==, n - (n + 2) / 3);
  g_assert_cmpint (count_text (store, "number0003"), ==, 1);
  g_assert_cmpint (count_text (store, "bulk0001"), ==, 1);
  assert_index_is_sound (sd_store_get_path (store));
}

static gboolean
keep_one_in_three (guint i)
{
  return i % 3 == 0;
}

static gboolean
keep_four_in_five (guint i)
{
  return i % 5 != 3;
}

/* Thousands at once on the worker, set-based: every column comes back
 * (the rowid too, so each task's place among those of its second), the
 * favourites, groups, continues and retry links, and the search finds
 * them again, both when the index is made again from the tasks that
 * stay (most removed) and when it loses the removed rows one by one. */
static void
test_search_remove_thousands_and_restore (void)
{
  g_autofree char *path = new_history ();
  g_autoptr(SdStore) store = open_store (path);
  const guint n = 3000;

  add_linked_tasks (store, n);
  round_trip (store, n, keep_one_in_three);
  round_trip (store, n, keep_four_in_five);
}

/* A removal of most tasks keeps the index as it was, for Undo; a write
 * of the index meanwhile (a new task, another removal) makes Undo index
 * the rows again instead. Whichever way, the search finds what there is,
 * the index stays sound, and later removals find it in step. */
static void
test_search_restore_after_the_index_changed (void)
{
  g_autofree char *path = new_history ();
  g_autoptr(SdStore) store = open_store (path);
  g_autoptr(GStrvBuilder) most_builder = g_strv_builder_new ();
  g_auto(GStrv) most = NULL;
  const guint n = 600;

  add_linked_tasks (store, n);
  for (guint i = 0; i < n; i++)
    if (i % 3 != 0)
      {
        g_autofree char *id = g_strdup_printf ("bulk%04u", i);

        g_strv_builder_add (most_builder, id);
      }
  most = g_strv_builder_end (most_builder);

  for (guint round = 0; round < 3; round++)
    {
      g_autoptr(SdStoreRemoval) removal = remove_async (store, (const char * const *) most);
      g_autoptr(SdStoreRemoval) other = NULL;
      g_autoptr(GPtrArray) restored = NULL;
      const char *few[] = { "bulk0003", "bulk0006", NULL };

      g_assert_cmpint (count_text (store, "纸船"), ==, n / 3 + (round == 2 ? 1 : 0));
      if (round == 1)
        add_task (store, "meanwhile", "a new 纸船 meanwhile", "m", SD_TASK_STATUS_COMPLETED, 90000);
      if (round == 2)
        other = remove_async (store, few);
      g_clear_pointer (&restored, g_ptr_array_unref);
      restored = restore_async (store, removal, NULL);
      assert_index_is_sound (path);
      g_assert_cmpint (count_text (store, "纸船"), ==, n + (round >= 1 ? 1 : 0) - (round == 2 ? 2 : 0));
      g_assert_cmpint (count_text (store, "number0001"), ==, 1);
      g_assert_cmpint (count_text (store, "number0003"), ==, round == 2 ? 0 : 1);
      g_assert_cmpint (count_text (store, "meanwhile"), ==, round >= 1 ? 1 : 0);
      if (other != NULL)
        {
          g_clear_pointer (&restored, g_ptr_array_unref);
          restored = restore_async (store, other, NULL);
          g_assert_cmpint (count_text (store, "number0003"), ==, 1);
        }
      /* the index is in step for what follows: a few taken out one by one */
      {
        g_autoptr(SdStoreRemoval) small = remove_async (store, few);

        g_assert_cmpint (count_text (store, "number0006"), ==, 0);
        g_assert_cmpint (count_text (store, "number0007"), ==, 1);
        g_clear_pointer (&restored, g_ptr_array_unref);
        restored = restore_async (store, small, NULL);
        g_assert_cmpint (count_text (store, "number0006"), ==, 1);
        assert_index_is_sound (path);
      }
    }
  g_assert_cmpint (sd_store_count (store, NULL), ==, n + 1);
}

/* A list loaded down to a cursor gets back the restored tasks above it;
 * a second restore has nothing left to put back. */
static void
test_search_restore_gives_back_the_loaded_pages (void)
{
  g_autofree char *path = new_history ();
  g_autoptr(SdStore) store = open_store (path);
  SdStoreCursor cursor = SD_STORE_CURSOR_INIT;
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(GPtrArray) restored = NULL;
  g_autoptr(SdStoreRemoval) removal = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gboolean more = FALSE;

  add_linked_tasks (store, 40);
  page = sd_store_load_page (store, &cursor, 10, &more, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sd_task_get_id (g_ptr_array_index (page, 9)), ==, "bulk0030");
  removal = remove_async (store, (const char *[]) { "bulk0039", "bulk0031", "bulk0030",
                                                    "bulk0029", "bulk0002", NULL });
  restored = restore_async (store, removal, &cursor);
  g_assert_cmpuint (restored->len, ==, 3);
  g_assert_cmpstr (sd_task_get_id (g_ptr_array_index (restored, 0)), ==, "bulk0039");
  g_assert_cmpstr (sd_task_get_id (g_ptr_array_index (restored, 2)), ==, "bulk0030");
  g_assert_true (sd_task_get_favourite (g_ptr_array_index (restored, 0)) == FALSE);
  g_assert_cmpstr (sd_task_get_group_id (g_ptr_array_index (restored, 0)), ==, "group3");
  g_assert_cmpint (sd_store_count (store, NULL), ==, 40);

  sd_store_restore_removal_async (store, removal, &cursor, NULL, sd_test_store_result_cb, &result);
  sd_test_wait_until (sd_test_result_arrived, &result, 60, "the second restore");
  g_assert_null (sd_store_restore_removal_finish (store, result, &error));
  g_assert_error (error, SD_STORE_ERROR, SD_STORE_ERROR_WRITE);
  g_assert_cmpint (sd_store_count (store, NULL), ==, 40);
}

/* Too late to undo: the kept rows go, and a restore finds nothing. */
static void
test_search_forgotten_removal_cannot_be_restored (void)
{
  g_autofree char *path = new_history ();
  g_autoptr(SdStore) store = open_store (path);
  g_autoptr(SdStoreRemoval) removal = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  add_linked_tasks (store, 10);
  removal = remove_async (store, (const char *[]) { "bulk0001", "bulk0004", NULL });
  g_assert_cmpint (sd_store_count (store, NULL), ==, 8);
  sd_store_forget_removal (store, removal);
  sd_store_restore_removal_async (store, removal, NULL, NULL, sd_test_store_result_cb, &result);
  sd_test_wait_until (sd_test_result_arrived, &result, 60, "the restore");
  g_assert_null (sd_store_restore_removal_finish (store, result, &error));
  g_assert_error (error, SD_STORE_ERROR, SD_STORE_ERROR_WRITE);
  g_assert_cmpint (sd_store_count (store, NULL), ==, 8);
}

/* Off the main thread */

static void
on_page_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

static void
test_search_reader_pages_on_a_thread (void)
{
  g_autoptr(SdStore) store = open_sample ();
  g_autoptr(SdStore) reader = NULL;
  g_autoptr(SdTaskQuery) query = sd_task_query_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) tasks = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SdTask) task = NULL;
  SdStoreCursor cursor = SD_STORE_CURSOR_INIT;
  SdStoreCursor next = SD_STORE_CURSOR_INIT;
  gboolean more = FALSE;

  reader = sd_store_open_reader (store, &error);
  g_assert_no_error (error);
  query->text = g_strdup ("rain");
  sd_store_query_page_async (reader, query, &cursor, 1, NULL, on_page_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  tasks = sd_store_query_page_finish (reader, result, &next, &more, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tasks->len, ==, 1);
  g_assert_cmpstr (sd_task_get_id (g_ptr_array_index (tasks, 0)), ==, "t5");
  g_assert_true (more);
  g_assert_cmpint (next.created_at, ==, 5000);

  /* a cancelled query reports so */
  {
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();
    g_autoptr(GAsyncResult) cancelled = NULL;
    g_autoptr(GPtrArray) none = NULL;
    g_autoptr(GError) cancel_error = NULL;

    sd_store_query_page_async (reader, query, &cursor, 10, cancellable, on_page_cb, &cancelled);
    g_cancellable_cancel (cancellable);
    while (cancelled == NULL)
      g_main_context_iteration (NULL, TRUE);
    none = sd_store_query_page_finish (reader, cancelled, NULL, NULL, &cancel_error);
    g_assert_null (none);
    g_assert_error (cancel_error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  }

  /* the reader sees the main store's writes, and cannot write */
  add_task (store, "t7", "rain again", "m", SD_TASK_STATUS_COMPLETED, 7000);
  assert_finds (reader, "rain", "t7 t5 t1");
  task = make_task ("t8", "x", "m", SD_TASK_STATUS_COMPLETED, 8000);
  g_assert_false (sd_store_save_task (reader, task, &error));
  g_assert_nonnull (error);
}

typedef struct {
  GThread  *finalized_on;   /* the thread the reader was finalized on */
  gint      finalized;      /* atomic: set on whichever thread it was */
  guint     answers;
} Lifetime;

static void
on_reader_finalized (gpointer  data,
                     GObject  *where_the_object_was)
{
  Lifetime *lifetime = data;

  lifetime->finalized_on = g_thread_self ();
  g_atomic_int_set (&lifetime->finalized, TRUE);
  /* a finalization on a worker would not wake the main loop up */
  g_main_context_wakeup (NULL);
}

static void
on_answer_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  ((Lifetime *) data)->answers++;
}

static gboolean
reader_is_finalized (gpointer data)
{
  Lifetime *lifetime = data;

  return g_atomic_int_get (&lifetime->finalized) && lifetime->answers == 3;
}

/* A reader its owner lets go while its queries run on a worker (the
 * window replacing it for another base) lives until they have answered,
 * and is finalized on the main context, never on the worker (its
 * connection closes there). Many rounds: the worker's reference is the
 * last one only when it loses a race. */
static void
test_search_reader_is_finalized_on_the_main_context (void)
{
  g_autoptr(SdStore) store = open_sample ();
  g_autoptr(SdTaskQuery) query = sd_task_query_new ();
  SdStoreCursor cursor = SD_STORE_CURSOR_INIT;

  query->text = g_strdup ("rain");
  for (guint round = 0; round < 50; round++)
    {
      g_autoptr(GError) error = NULL;
      SdStore *reader = sd_store_open_reader (store, &error);
      Lifetime lifetime = { 0 };

      g_assert_no_error (error);
      g_object_weak_ref (G_OBJECT (reader), on_reader_finalized, &lifetime);
      sd_store_query_page_async (reader, query, &cursor, 5, NULL, on_answer_cb, &lifetime);
      sd_store_query_links_async (reader, "t1", NULL, on_answer_cb, &lifetime);
      sd_store_query_ids_async (reader, query, NULL, on_answer_cb, &lifetime);
      g_object_unref (reader);
      g_assert_false (g_atomic_int_get (&lifetime.finalized));
      sd_test_wait_until (reader_is_finalized, &lifetime, 10, "the reader to be finalized");
      g_assert_true (lifetime.finalized_on == g_thread_self ());
    }
}

/* The same for a store whose bulk change runs on its own worker: let go
 * meanwhile, it is finalized on the main context (which stops that
 * worker), not by the worker's last reference. */
static void
test_search_store_is_finalized_on_the_main_context (void)
{
  g_autoptr(SdStore) sample = open_sample ();
  g_autofree char *path = g_strdup (sd_store_get_path (sample));
  const char *ids[] = { "t1", "t5", NULL };

  for (guint round = 0; round < 20; round++)
    {
      SdStore *store = open_store (path);
      Lifetime lifetime = { 0 };

      g_object_weak_ref (G_OBJECT (store), on_reader_finalized, &lifetime);
      sd_store_set_favourite_async (store, ids, round % 2 == 0, NULL, on_answer_cb, &lifetime);
      sd_store_set_favourite_async (store, ids, round % 2 != 0, NULL, on_answer_cb, &lifetime);
      sd_store_set_favourite_async (store, ids, round % 2 == 0, NULL, on_answer_cb, &lifetime);
      g_object_unref (store);
      sd_test_wait_until (reader_is_finalized, &lifetime, 10, "the store to be finalized");
      g_assert_true (lifetime.finalized_on == g_thread_self ());
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/search/migration/schema-4-history-gains-the-index",
                   test_search_migration_from_schema_4);
  g_test_add_func ("/search/migration/schema-1-history-gains-the-index",
                   test_search_migration_from_schema_1);
  g_test_add_func ("/search/text/chinese-substring", test_search_text_chinese_substring);
  g_test_add_func ("/search/text/one-or-two-characters-scan", test_search_text_short_query_scans);
  g_test_add_func ("/search/text/query-syntax-is-literal", test_search_text_syntax_is_literal);
  g_test_add_func ("/search/text/words-id-and-model", test_search_text_words_id_and_model);
  g_test_add_func ("/search/filter/each-and-combined", test_search_filter_each_and_combined);
  g_test_add_func ("/search/filter/waiting-and-group", test_search_filter_waiting_and_group);
  g_test_add_func ("/search/filter/date-ranges-and-all-matching-ids",
                   test_search_filter_date_ranges_and_ids);
  g_test_add_func ("/search/page/newest-first-in-pages", test_search_page_in_order);
  g_test_add_func ("/search/index/follows-every-write", test_search_index_follows_writes);
  g_test_add_func ("/search/favourite/round-trip", test_search_favourite_round_trip);
  g_test_add_func ("/search/favourite/another-copy-saving-does-not-undo-it",
                   test_search_favourite_survives_another_copy);
  g_test_add_func ("/search/remove/many-and-restore", test_search_remove_many_and_restore);
  g_test_add_func ("/search/remove/thousands-set-based-and-restored-exactly",
                   test_search_remove_thousands_and_restore);
  g_test_add_func ("/search/remove/restore-after-the-index-changed",
                   test_search_restore_after_the_index_changed);
  g_test_add_func ("/search/remove/restore-gives-back-the-loaded-pages",
                   test_search_restore_gives_back_the_loaded_pages);
  g_test_add_func ("/search/remove/forgotten-removal-cannot-be-restored",
                   test_search_forgotten_removal_cannot_be_restored);
  g_test_add_func ("/search/reader/pages-on-a-thread", test_search_reader_pages_on_a_thread);
  g_test_add_func ("/search/reader/finalized-on-the-main-context",
                   test_search_reader_is_finalized_on_the_main_context);
  g_test_add_func ("/search/bulk/store-finalized-on-the-main-context",
                   test_search_store_is_finalized_on_the_main_context);

  return g_test_run ();
}

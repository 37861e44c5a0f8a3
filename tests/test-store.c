/* test-store.c: the task object and the SQLite history
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-store"

#include "config.h"

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "sd-api.h"
#include "sd-client.h"
#include "sd-enum-types.h"
#include "sd-store.h"
#include "sd-store-query.h"
#include "sd-task.h"

/* Helpers */

static char *
history_path (void)
{
  return sd_store_default_path ();
}

static SdStore *
open_store (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *moved_aside = NULL;
  SdStore *store = sd_store_open (path, &moved_aside, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  g_assert_null (moved_aside);
  return store;
}

static SdRequest *
make_full_request (const char *prompt)
{
  const char *images[] = { "https://example.com/a.png", "asset://image-2", NULL };
  const char *videos[] = { "https://example.com/ref.mp4", NULL };
  const char *audios[] = { "https://example.com/one.mp3", "https://example.com/two.mp3", NULL };
  SdRequest *request = sd_request_new ();

  sd_request_set_model (request, "seedance-2.0-fast");
  sd_request_set_prompt (request, prompt);
  sd_request_set_duration (request, 8);
  sd_request_set_ratio (request, "9:16");
  sd_request_set_resolution (request, "720p");
  sd_request_set_orientation (request, "portrait");
  sd_request_set_images (request, images);
  sd_request_set_first_image (request, "https://example.com/first.png");
  sd_request_set_last_image (request, "https://example.com/last.png");
  sd_request_set_reference_videos (request, videos);
  sd_request_set_reference_audios (request, audios);
  return request;
}

static SdTask *
make_task (const char *id,
           gint64      created_at)
{
  g_autoptr(SdRequest) request = sd_request_new ();
  SdTask *task;

  sd_request_set_model (request, "seedance-2.0");
  sd_request_set_prompt (request, id);
  task = sd_task_new (id, request);
  sd_task_set_status (task, SD_TASK_STATUS_QUEUED, "queued");
  sd_task_set_created_at (task, created_at);
  sd_task_set_updated_at (task, created_at);
  return task;
}

static SdTask *
make_full_task (const char *id,
                gint64      created_at)
{
  g_autoptr(SdRequest) request = make_full_request ("a girl turns in the rain, «ü» 雨");
  SdTask *task = sd_task_new (id, request);

  sd_task_set_status (task, SD_TASK_STATUS_COMPLETED, "succeeded");
  sd_task_set_server_model (task, "seedance-2.0-fast-250101");
  sd_task_set_created_at (task, created_at);
  sd_task_set_updated_at (task, created_at + 95);
  sd_task_set_first_seen_at (task, created_at + 40);
  sd_task_set_failure_message (task, "<b>not</b> markup & more");
  sd_task_set_video_url (task, "https://cdn.example.com/v.mp4?sig=a&b=c");
  sd_task_set_local_file (task, "/home/me/Videos/a girl.mp4");
  sd_task_set_download_state (task, SD_DOWNLOAD_STATE_FAILED);
  sd_task_set_download_error (task, "The disk is full");
  return task;
}

static void
assert_strv_equal (const char * const *a,
                   const char * const *b)
{
  if (a == NULL || b == NULL)
    g_assert_true (a == b);
  else
    g_assert_true (g_strv_equal (a, b));
}

static void
assert_requests_equal (SdRequest *a,
                       SdRequest *b)
{
  g_assert_cmpstr (sd_request_get_model (a), ==, sd_request_get_model (b));
  g_assert_cmpstr (sd_request_get_prompt (a), ==, sd_request_get_prompt (b));
  g_assert_cmpint (sd_request_get_duration (a), ==, sd_request_get_duration (b));
  g_assert_cmpstr (sd_request_get_ratio (a), ==, sd_request_get_ratio (b));
  g_assert_cmpstr (sd_request_get_resolution (a), ==, sd_request_get_resolution (b));
  g_assert_cmpstr (sd_request_get_orientation (a), ==, sd_request_get_orientation (b));
  assert_strv_equal (sd_request_get_images (a), sd_request_get_images (b));
  g_assert_cmpstr (sd_request_get_first_image (a), ==, sd_request_get_first_image (b));
  g_assert_cmpstr (sd_request_get_last_image (a), ==, sd_request_get_last_image (b));
  assert_strv_equal (sd_request_get_reference_videos (a), sd_request_get_reference_videos (b));
  assert_strv_equal (sd_request_get_reference_audios (a), sd_request_get_reference_audios (b));
}

static void
assert_tasks_equal (SdTask *a,
                    SdTask *b)
{
  g_assert_cmpstr (sd_task_get_id (a), ==, sd_task_get_id (b));
  assert_requests_equal (sd_task_get_request (a), sd_task_get_request (b));
  g_assert_cmpint (sd_task_get_status (a), ==, sd_task_get_status (b));
  g_assert_cmpstr (sd_task_get_status_raw (a), ==, sd_task_get_status_raw (b));
  g_assert_cmpstr (sd_task_get_server_model (a), ==, sd_task_get_server_model (b));
  g_assert_cmpint (sd_task_get_created_at (a), ==, sd_task_get_created_at (b));
  g_assert_cmpint (sd_task_get_first_seen_at (a), ==, sd_task_get_first_seen_at (b));
  g_assert_cmpint (sd_task_get_expires_at (a), ==, sd_task_get_expires_at (b));
  g_assert_cmpint (sd_task_get_updated_at (a), ==, sd_task_get_updated_at (b));
  g_assert_cmpstr (sd_task_get_failure_message (a), ==, sd_task_get_failure_message (b));
  g_assert_cmpstr (sd_task_get_video_url (a), ==, sd_task_get_video_url (b));
  g_assert_cmpint (sd_task_get_expires_at (a), ==, sd_task_get_expires_at (b));
  g_assert_cmpstr (sd_task_get_local_file (a), ==, sd_task_get_local_file (b));
  g_assert_cmpint (sd_task_get_download_state (a), ==, sd_task_get_download_state (b));
  g_assert_cmpstr (sd_task_get_download_error (a), ==, sd_task_get_download_error (b));
  g_assert_cmpint (sd_task_get_is_finished (a), ==, sd_task_get_is_finished (b));
}

static GPtrArray *
load_all (SdStore *store)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *tasks = sd_store_load_tasks (store, &error);

  g_assert_no_error (error);
  g_assert_nonnull (tasks);
  return tasks;
}

static void
save (SdStore *store,
      SdTask  *task)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (sd_store_save_task (store, task, &error));
  g_assert_no_error (error);
}

static void
run_sql (const char *path,
         const char *sql)
{
  sqlite3 *db = NULL;
  char *message = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
  sqlite3_close (db);
}

static char *
query_text (const char *path,
            const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *text = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return text;
}

static guint
count_notifications (SdTask     *task,
                     const char *property)
{
  return GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (task), property));
}

static void
on_notify_cb (GObject    *object,
              GParamSpec *pspec,
              gpointer    user_data)
{
  guint n = count_notifications (SD_TASK (object), pspec->name);

  g_object_set_data (object, g_intern_string (pspec->name), GUINT_TO_POINTER (n + 1));
}

/* Task */

static void
test_task_new_starts_unknown (void)
{
  g_autoptr(SdRequest) request = sd_request_new ();
  g_autoptr(SdTask) task = sd_task_new ("cgt-1", request);

  g_assert_cmpstr (sd_task_get_id (task), ==, "cgt-1");
  g_assert_true (sd_task_get_request (task) == request);
  g_assert_cmpint (sd_task_get_status (task), ==, SD_TASK_STATUS_UNKNOWN);
  g_assert_false (sd_task_get_is_finished (task));
  g_assert_cmpint (sd_task_get_expires_at (task), ==, 0);
  g_assert_null (sd_task_get_local_file (task));
  g_assert_cmpint (sd_task_get_download_state (task), ==, SD_DOWNLOAD_STATE_NONE);
  g_assert_cmpfloat (sd_task_get_download_progress (task), ==, 0.0);
}

static void
test_task_properties_readable (void)
{
  g_autoptr(SdTask) task = make_full_task ("cgt-props", 1700000000);
  g_autoptr(SdRequest) request = NULL;
  g_autofree char *id = NULL;
  g_autofree char *raw = NULL;
  SdTaskStatus status;
  SdDownloadState state;
  gint64 expires_at;
  gboolean finished;

  g_object_get (task,
                "id", &id, "request", &request, "status", &status,
                "status-raw", &raw, "expires-at", &expires_at,
                "download-state", &state, "is-finished", &finished,
                NULL);
  g_assert_cmpstr (id, ==, "cgt-props");
  g_assert_true (request == sd_task_get_request (task));
  g_assert_cmpint (status, ==, SD_TASK_STATUS_COMPLETED);
  g_assert_cmpstr (raw, ==, "succeeded");
  /* From the later of created-at and first-seen-at (40 s after). */
  g_assert_cmpint (expires_at, ==, 1700000000 + 40 + 72 * 3600);
  g_assert_cmpint (state, ==, SD_DOWNLOAD_STATE_FAILED);
  g_assert_true (finished);
  g_assert_true (G_PARAM_SPEC_VALUE_TYPE (g_object_class_find_property (G_OBJECT_GET_CLASS (task), "status")) ==
                 SD_TYPE_TASK_STATUS);
}

static void
test_task_notify_only_on_change (void)
{
  g_autoptr(SdTask) task = make_task ("cgt-notify", 100);

  g_signal_connect (task, "notify", G_CALLBACK (on_notify_cb), NULL);

  sd_task_set_video_url (task, "https://x/v.mp4");
  sd_task_set_video_url (task, "https://x/v.mp4");
  g_assert_cmpuint (count_notifications (task, "video-url"), ==, 1);

  sd_task_set_updated_at (task, 100);
  g_assert_cmpuint (count_notifications (task, "updated-at"), ==, 0);
  sd_task_set_updated_at (task, 101);
  g_assert_cmpuint (count_notifications (task, "updated-at"), ==, 1);

  sd_task_set_status (task, SD_TASK_STATUS_QUEUED, "queued");
  g_assert_cmpuint (count_notifications (task, "status"), ==, 0);
  g_assert_cmpuint (count_notifications (task, "status-raw"), ==, 0);
  sd_task_set_status (task, SD_TASK_STATUS_PROCESSING, "running");
  g_assert_cmpuint (count_notifications (task, "status"), ==, 1);
  g_assert_cmpuint (count_notifications (task, "status-raw"), ==, 1);
  g_assert_cmpuint (count_notifications (task, "is-finished"), ==, 0);

  sd_task_set_download_state (task, SD_DOWNLOAD_STATE_RUNNING);
  sd_task_set_download_state (task, SD_DOWNLOAD_STATE_RUNNING);
  g_assert_cmpuint (count_notifications (task, "download-state"), ==, 1);

  sd_task_set_local_file (task, NULL);
  g_assert_cmpuint (count_notifications (task, "local-file"), ==, 0);
}

static void
test_task_is_finished_follows_status (void)
{
  g_autoptr(SdTask) task = make_task ("cgt-finish", 100);

  g_signal_connect (task, "notify", G_CALLBACK (on_notify_cb), NULL);

  sd_task_set_status (task, SD_TASK_STATUS_PROCESSING, "processing");
  g_assert_false (sd_task_get_is_finished (task));
  g_assert_cmpuint (count_notifications (task, "is-finished"), ==, 0);

  sd_task_set_status (task, SD_TASK_STATUS_FAILED, "failed");
  g_assert_true (sd_task_get_is_finished (task));
  g_assert_cmpuint (count_notifications (task, "is-finished"), ==, 1);

  /* failed → completed: still finished, no notification */
  sd_task_set_status (task, SD_TASK_STATUS_COMPLETED, "completed");
  g_assert_true (sd_task_get_is_finished (task));
  g_assert_cmpuint (count_notifications (task, "is-finished"), ==, 1);

  /* an unknown status is not finished */
  sd_task_set_status (task, SD_TASK_STATUS_UNKNOWN, "paused");
  g_assert_false (sd_task_get_is_finished (task));
  g_assert_cmpstr (sd_task_get_status_raw (task), ==, "paused");
  g_assert_cmpuint (count_notifications (task, "is-finished"), ==, 2);
}

static void
test_task_expires_at_only_when_completed (void)
{
  g_autoptr(SdTask) task = make_task ("cgt-expiry", 1000);

  g_signal_connect (task, "notify", G_CALLBACK (on_notify_cb), NULL);

  sd_task_set_status (task, SD_TASK_STATUS_PROCESSING, "processing");
  g_assert_cmpint (sd_task_get_expires_at (task), ==, 0);
  g_assert_cmpuint (count_notifications (task, "expires-at"), ==, 0);

  sd_task_set_status (task, SD_TASK_STATUS_COMPLETED, "completed");
  g_assert_cmpint (sd_task_get_expires_at (task), ==, 1000 + SD_TASK_LINK_LIFETIME);
  g_assert_cmpint (SD_TASK_LINK_LIFETIME, ==, 72 * 3600);
  g_assert_cmpuint (count_notifications (task, "expires-at"), ==, 1);

  /* the server's created_at arrives later: the expiry follows it */
  sd_task_set_created_at (task, 2000);
  g_assert_cmpint (sd_task_get_expires_at (task), ==, 2000 + SD_TASK_LINK_LIFETIME);
  g_assert_cmpuint (count_notifications (task, "expires-at"), ==, 2);

  sd_task_set_status (task, SD_TASK_STATUS_COMPLETED, "succeeded");
  g_assert_cmpuint (count_notifications (task, "expires-at"), ==, 2);

  sd_task_set_status (task, SD_TASK_STATUS_FAILED, "expired");
  g_assert_cmpint (sd_task_get_expires_at (task), ==, 0);
  g_assert_cmpuint (count_notifications (task, "expires-at"), ==, 3);

  /* a failed task's creation time changes no expiry */
  sd_task_set_created_at (task, 3000);
  g_assert_cmpuint (count_notifications (task, "expires-at"), ==, 3);
}

static void
test_task_link_expired_needs_no_local_copy (void)
{
  g_autoptr(SdTask) task = make_task ("cgt-link", 1000);
  gint64 expiry;

  g_assert_false (sd_task_is_link_expired (task, G_MAXINT64));

  sd_task_set_status (task, SD_TASK_STATUS_COMPLETED, "completed");
  expiry = sd_task_get_expires_at (task);
  g_assert_false (sd_task_is_link_expired (task, expiry - 1));
  g_assert_true (sd_task_is_link_expired (task, expiry));

  sd_task_set_local_file (task, "/tmp/video.mp4");
  g_assert_false (sd_task_is_link_expired (task, expiry + 1));
}

static void
test_task_download_progress_clamped (void)
{
  g_autoptr(SdTask) task = make_task ("cgt-progress", 1);

  g_signal_connect (task, "notify", G_CALLBACK (on_notify_cb), NULL);

  sd_task_set_download_progress (task, 0.25);
  g_assert_cmpfloat (sd_task_get_download_progress (task), ==, 0.25);
  sd_task_set_download_progress (task, 1.7);
  g_assert_cmpfloat (sd_task_get_download_progress (task), ==, 1.0);
  sd_task_set_download_progress (task, 3.0);
  g_assert_cmpuint (count_notifications (task, "download-progress"), ==, 2);
  sd_task_set_download_progress (task, -0.5);
  g_assert_cmpfloat (sd_task_get_download_progress (task), ==, 0.0);
  sd_task_set_download_progress (task, NAN);
  g_assert_cmpfloat (sd_task_get_download_progress (task), ==, 0.0);
  g_assert_cmpuint (count_notifications (task, "download-progress"), ==, 3);
}

/* Store: opening */

static void
test_store_open_creates_private_folder (void)
{
  g_autofree char *path = history_path ();
  g_autofree char *folder = g_path_get_dirname (path);
  g_autofree char *mode = NULL;
  g_autofree char *version = NULL;
  g_autoptr(SdStore) store = NULL;
  GStatBuf info;

  g_assert_true (g_str_has_prefix (path, g_get_user_data_dir ()));
  g_assert_true (g_str_has_suffix (path, "/seedance-studio/history.db"));
  g_assert_false (g_file_test (folder, G_FILE_TEST_EXISTS));

  store = open_store (path);
  g_assert_cmpstr (sd_store_get_path (store), ==, path);
  g_assert_cmpint (g_stat (folder, &info), ==, 0);
  g_assert_cmpint (info.st_mode & 0777, ==, 0700);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpint (sd_store_count (store, NULL), ==, 0);

  mode = query_text (path, "PRAGMA journal_mode");
  g_assert_cmpstr (mode, ==, "wal");
  version = query_text (path, "PRAGMA user_version");
  g_assert_cmpint (g_ascii_strtoll (version, NULL, 10), ==, SD_STORE_SCHEMA_VERSION);
}

static void
test_store_open_reopen_keeps_history (void)
{
  g_autofree char *path = history_path ();
  g_autoptr(GPtrArray) tasks = NULL;

  {
    g_autoptr(SdStore) store = open_store (path);
    g_autoptr(SdTask) task = make_full_task ("cgt-keep", 1700000000);

    save (store, task);
  }
  {
    g_autoptr(SdStore) store = open_store (path);
    g_autoptr(SdTask) expected = make_full_task ("cgt-keep", 1700000000);

    tasks = load_all (store);
    g_assert_cmpuint (tasks->len, ==, 1);
    assert_tasks_equal (g_ptr_array_index (tasks, 0), expected);
  }
}

static void
assert_moved_aside (const char *path,
                    const char *moved_aside,
                    const char *old_contents)
{
  g_autofree char *prefix = g_strconcat (path, ".broken-", NULL);
  g_autofree char *contents = NULL;
  gsize length = 0;
  const char *stamp;

  g_assert_nonnull (moved_aside);
  g_assert_true (g_str_has_prefix (moved_aside, prefix));
  stamp = moved_aside + strlen (prefix);
  /* YYYYMMDD-HHMMSS */
  g_assert_cmpuint (strlen (stamp), ==, 15);
  for (guint i = 0; i < 15; i++)
    g_assert_true (i == 8 ? stamp[i] == '-' : g_ascii_isdigit (stamp[i]));

  g_assert_true (g_file_get_contents (moved_aside, &contents, &length, NULL));
  if (old_contents != NULL)
    g_assert_cmpstr (contents, ==, old_contents);
}

static void
assert_new_store_works (SdStore *store)
{
  g_autoptr(SdTask) task = make_full_task ("cgt-after", 1700000000);
  g_autoptr(GPtrArray) tasks = NULL;

  g_assert_cmpint (sd_store_count (store, NULL), ==, 0);
  save (store, task);
  tasks = load_all (store);
  g_assert_cmpuint (tasks->len, ==, 1);
  assert_tasks_equal (g_ptr_array_index (tasks, 0), task);
}

static void
test_store_open_garbage_moved_aside (void)
{
  g_autofree char *path = history_path ();
  g_autofree char *folder = g_path_get_dirname (path);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *moved_aside = NULL;
  g_autofree char *moved_wal = NULL;
  g_autofree char *wal_contents = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStore) store = NULL;
  const char *garbage = "This is not a database, it is a shopping list: eggs, milk, and "
                        "enough text to fill more than one SQLite header of 100 bytes.\n";

  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, garbage, -1, NULL));
  g_assert_true (g_file_set_contents (wal, "stale journal", -1, NULL));

  store = sd_store_open (path, &moved_aside, &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);
  assert_moved_aside (path, moved_aside, garbage);
  moved_wal = g_strconcat (moved_aside, "-wal", NULL);
  g_assert_true (g_file_get_contents (moved_wal, &wal_contents, NULL, NULL));
  g_assert_cmpstr (wal_contents, ==, "stale journal");
  assert_new_store_works (store);
}

/* A history with 300 tasks, closed cleanly; returns its contents. */
static char *
write_closed_history (const char *path,
                      gsize      *length)
{
  char *contents = NULL;

  {
    g_autoptr(SdStore) store = open_store (path);

    for (guint i = 0; i < 300; i++)
      {
        g_autofree char *id = g_strdup_printf ("cgt-%u", i);
        g_autoptr(SdTask) task = make_full_task (id, 1700000000 + i);

        save (store, task);
      }
  }
  g_assert_true (g_file_get_contents (path, &contents, length, NULL));
  g_assert_cmpuint (*length, >, 8 * 4096);
  return contents;
}

static void
test_store_open_damage_after_crash_moved_aside (void)
{
  g_autofree char *path = history_path ();
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *moved_aside = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStore) reopened = NULL;
  gsize length = 0;

  contents = write_closed_history (path, &length);
  /* Same size, so the header agrees: a page in the middle is garbage and
   * the journal a crashed run left behind says to look at every page. */
  memset (contents + 3 * 4096, 0xff, 4096);
  g_assert_true (g_file_set_contents (path, contents, length, NULL));
  g_assert_true (g_file_set_contents (wal, "journal of a run that crashed", -1, NULL));

  reopened = sd_store_open (path, &moved_aside, &error);
  g_assert_no_error (error);
  g_assert_nonnull (reopened);
  assert_moved_aside (path, moved_aside, NULL);
  assert_new_store_works (reopened);
}

static void
test_store_checkpoint_empties_journal (void)
{
  g_autofree char *path = history_path ();
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *wal_contents = NULL;
  g_autoptr(SdStore) store = open_store (path);
  g_autoptr(SdStore) reopened = NULL;
  g_autoptr(SdTask) task = make_full_task ("cgt-kept", 1700000000);
  g_autoptr(SdTask) loaded = NULL;
  g_autoptr(GError) error = NULL;
  gsize wal_length = 1;

  save (store, task);
  g_assert_true (g_file_get_contents (wal, &wal_contents, &wal_length, NULL));
  g_assert_cmpuint (wal_length, >, 0);

  g_assert_true (sd_store_checkpoint (store));
  g_clear_pointer (&wal_contents, g_free);
  g_assert_true (g_file_get_contents (wal, &wal_contents, &wal_length, NULL));
  g_assert_cmpuint (wal_length, ==, 0);

  /* the task is in the file itself now, and the store still writes */
  reopened = open_store (path);
  loaded = sd_store_load_task (reopened, "cgt-kept", &error);
  g_assert_no_error (error);
  g_assert_nonnull (loaded);
  save (store, task);
}

static void
test_store_open_truncated_moved_aside (void)
{
  g_autofree char *path = history_path ();
  g_autofree char *moved_aside = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStore) reopened = NULL;
  gsize length = 0;

  {
    g_autoptr(SdStore) store = open_store (path);

    for (guint i = 0; i < 300; i++)
      {
        g_autofree char *id = g_strdup_printf ("cgt-%u", i);
        g_autoptr(SdTask) task = make_full_task (id, 1700000000 + i);

        save (store, task);
      }
  }
  /* closing the last connection folds the WAL into the main file */
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_cmpuint (length, >, 8 * 4096);
  g_assert_true (g_file_set_contents (path, contents, length / 2, NULL));

  reopened = sd_store_open (path, &moved_aside, &error);
  g_assert_no_error (error);
  g_assert_nonnull (reopened);
  assert_moved_aside (path, moved_aside, NULL);
  assert_new_store_works (reopened);
}

static void
test_store_open_unversioned_table_migrated (void)
{
  g_autofree char *path = history_path ();
  g_autofree char *folder = g_path_get_dirname (path);
  g_autofree char *version = NULL;
  g_autoptr(SdStore) store = NULL;
  g_autoptr(GPtrArray) tasks = NULL;
  g_autoptr(SdTask) task = make_full_task ("cgt-new", 1800000000);
  SdTask *old;

  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  run_sql (path,
           "CREATE TABLE tasks (id TEXT, request TEXT, status TEXT, created_at INTEGER, note TEXT);"
           "INSERT INTO tasks VALUES ('cgt-old', '{\"model\":\"seedance-1.0\",\"prompt\":\"old\"}',"
           "  'completed', 1600000000, 'dropped');"
           "INSERT INTO tasks VALUES (NULL, '{}', 'queued', 1, 'no id: not a task');");

  store = open_store (path);
  version = query_text (path, "PRAGMA user_version");
  g_assert_cmpint (g_ascii_strtoll (version, NULL, 10), ==, SD_STORE_SCHEMA_VERSION);

  tasks = load_all (store);
  g_assert_cmpuint (tasks->len, ==, 1);
  old = g_ptr_array_index (tasks, 0);
  g_assert_cmpstr (sd_task_get_id (old), ==, "cgt-old");
  g_assert_cmpstr (sd_request_get_prompt (sd_task_get_request (old)), ==, "old");
  g_assert_cmpint (sd_task_get_status (old), ==, SD_TASK_STATUS_COMPLETED);
  g_assert_cmpint (sd_task_get_created_at (old), ==, 1600000000);
  g_assert_null (sd_task_get_video_url (old));
  g_assert_cmpint (sd_task_get_download_state (old), ==, SD_DOWNLOAD_STATE_NONE);

  /* the migrated table takes updates and new tasks */
  sd_task_set_video_url (old, "https://x/old.mp4");
  save (store, old);
  save (store, task);
  g_clear_pointer (&tasks, g_ptr_array_unref);
  tasks = load_all (store);
  g_assert_cmpuint (tasks->len, ==, 2);
  assert_tasks_equal (g_ptr_array_index (tasks, 0), task);
  g_assert_cmpstr (sd_task_get_video_url (g_ptr_array_index (tasks, 1)), ==, "https://x/old.mp4");
}

static void
test_store_open_unversioned_without_ids_kept_aside (void)
{
  g_autofree char *path = history_path ();
  g_autofree char *folder = g_path_get_dirname (path);
  g_autofree char *kept = NULL;
  g_autoptr(SdStore) store = NULL;

  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  run_sql (path, "CREATE TABLE tasks (name TEXT); INSERT INTO tasks VALUES ('x');");

  store = open_store (path);
  assert_new_store_works (store);
  kept = query_text (path, "SELECT name FROM tasks_unversioned");
  g_assert_cmpstr (kept, ==, "x");
}

static void
test_store_open_future_version_refused (void)
{
  g_autofree char *path = history_path ();
  g_autofree char *folder = g_path_get_dirname (path);
  g_autofree char *moved_aside = NULL;
  g_autofree char *version = NULL;
  g_autofree char *kept = NULL;
  g_autofree char *display = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStore) store = NULL;

  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  run_sql (path, "CREATE TABLE tasks_v99 (x); INSERT INTO tasks_v99 VALUES ('future');"
                 "PRAGMA user_version = 99;");

  store = sd_store_open (path, &moved_aside, &error);
  g_assert_null (store);
  g_assert_error (error, SD_STORE_ERROR, SD_STORE_ERROR_TOO_NEW);
  display = g_filename_display_name (path);
  g_assert_nonnull (strstr (error->message, display));
  g_assert_null (moved_aside);

  /* left exactly where and as it was, for the newer version */
  version = query_text (path, "PRAGMA user_version");
  g_assert_cmpstr (version, ==, "99");
  kept = query_text (path, "SELECT x FROM tasks_v99");
  g_assert_cmpstr (kept, ==, "future");
}

static void
test_store_open_unusable_path_refused (void)
{
  g_autofree char *blocker = g_build_filename (g_get_user_data_dir (), "seedance-studio", NULL);
  g_autofree char *path = history_path ();
  g_autofree char *moved_aside = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStore) store = NULL;

  /* a file where the folder should be */
  g_assert_cmpint (g_mkdir_with_parents (g_get_user_data_dir (), 0700), ==, 0);
  g_assert_true (g_file_set_contents (blocker, "a file", -1, NULL));

  store = sd_store_open (path, &moved_aside, &error);
  g_assert_null (store);
  g_assert_error (error, SD_STORE_ERROR, SD_STORE_ERROR_OPEN);
  g_assert_nonnull (strstr (error->message, "history.db"));
  g_assert_null (moved_aside);
  g_assert_true (g_file_test (blocker, G_FILE_TEST_IS_REGULAR));
}

static void
test_store_open_directory_not_moved_aside (void)
{
  g_autofree char *path = history_path ();
  g_autofree char *moved_aside = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStore) store = NULL;

  g_assert_cmpint (g_mkdir_with_parents (path, 0700), ==, 0);

  store = sd_store_open (path, &moved_aside, &error);
  g_assert_null (store);
  g_assert_error (error, SD_STORE_ERROR, SD_STORE_ERROR_OPEN);
  g_assert_null (moved_aside);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_DIR));
}

/* Store: reading and writing */

static void
test_store_save_round_trips_every_field (void)
{
  g_autofree char *path = history_path ();
  g_autoptr(SdStore) store = open_store (path);
  g_autoptr(SdTask) task = make_full_task ("cgt-full", 1700000000);
  g_autoptr(SdTask) one = NULL;
  g_autoptr(GPtrArray) tasks = NULL;
  g_autoptr(GError) error = NULL;

  save (store, task);
  tasks = load_all (store);
  g_assert_cmpuint (tasks->len, ==, 1);
  g_assert_true (g_ptr_array_index (tasks, 0) != task);
  assert_tasks_equal (g_ptr_array_index (tasks, 0), task);

  one = sd_store_load_task (store, "cgt-full", &error);
  g_assert_no_error (error);
  assert_tasks_equal (one, task);
  g_clear_object (&one);
  one = sd_store_load_task (store, "cgt-missing", &error);
  g_assert_no_error (error);
  g_assert_null (one);
}

static void
test_store_save_keeps_unknown_status_spelling (void)
{
  g_autofree char *path = history_path ();
  g_autoptr(SdStore) store = open_store (path);
  g_autoptr(SdTask) task = make_task ("cgt-odd", 5);
  g_autoptr(SdTask) loaded = NULL;
  g_autofree char *status = NULL;

  sd_task_set_status (task, SD_TASK_STATUS_UNKNOWN, "paused-by-operator");
  sd_task_set_download_state (task, SD_DOWNLOAD_STATE_DONE);
  sd_task_set_download_progress (task, 1.0);
  save (store, task);

  loaded = sd_store_load_task (store, "cgt-odd", NULL);
  g_assert_cmpint (sd_task_get_status (loaded), ==, SD_TASK_STATUS_UNKNOWN);
  g_assert_cmpstr (sd_task_get_status_raw (loaded), ==, "paused-by-operator");
  g_assert_cmpfloat (sd_task_get_download_progress (loaded), ==, 1.0);
  status = query_text (path, "SELECT status FROM tasks");
  g_assert_cmpstr (status, ==, "unknown");
}

static void
test_store_save_updates_in_place (void)
{
  g_autofree char *path = history_path ();
  g_autoptr(SdStore) store = open_store (path);
  g_autoptr(SdTask) task = make_task ("cgt-update", 1000);
  g_autoptr(GPtrArray) tasks = NULL;
  SdTask *loaded;

  save (store, task);
  sd_task_set_status (task, SD_TASK_STATUS_COMPLETED, "completed");
  sd_task_set_video_url (task, "https://x/v.mp4");
  sd_task_set_updated_at (task, 1090);
  sd_task_set_local_file (task, "/videos/v.mp4");
  sd_task_set_download_state (task, SD_DOWNLOAD_STATE_DONE);
  save (store, task);

  g_assert_cmpint (sd_store_count (store, NULL), ==, 1);
  tasks = load_all (store);
  g_assert_cmpuint (tasks->len, ==, 1);
  loaded = g_ptr_array_index (tasks, 0);
  assert_tasks_equal (loaded, task);
  g_assert_cmpint (sd_task_get_expires_at (loaded), ==, 1000 + SD_TASK_LINK_LIFETIME);
  g_assert_cmpfloat (sd_task_get_download_progress (loaded), ==, 1.0);
}

static void
test_store_load_newest_first (void)
{
  g_autofree char *path = history_path ();
  g_autoptr(SdStore) store = open_store (path);
  g_autoptr(GPtrArray) tasks = NULL;
  const gint64 times[] = { 300, 100, 500, 200, 500 };
  const char *expected[] = { "t4", "t2", "t0", "t3", "t1" };

  for (guint i = 0; i < G_N_ELEMENTS (times); i++)
    {
      g_autofree char *id = g_strdup_printf ("t%u", i);
      g_autoptr(SdTask) task = make_task (id, times[i]);

      save (store, task);
    }

  tasks = load_all (store);
  g_assert_cmpuint (tasks->len, ==, G_N_ELEMENTS (expected));
  /* same second: the later submission comes first */
  for (guint i = 0; i < tasks->len; i++)
    g_assert_cmpstr (sd_task_get_id (g_ptr_array_index (tasks, i)), ==, expected[i]);
}

static void
test_store_load_unfinished_only (void)
{
  g_autofree char *path = history_path ();
  g_autoptr(SdStore) store = open_store (path);
  g_autoptr(GPtrArray) unfinished = NULL;
  g_autoptr(GError) error = NULL;
  const SdTaskStatus statuses[] = {
    SD_TASK_STATUS_QUEUED, SD_TASK_STATUS_COMPLETED, SD_TASK_STATUS_PROCESSING,
    SD_TASK_STATUS_FAILED, SD_TASK_STATUS_UNKNOWN,
  };

  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      g_autofree char *id = g_strdup_printf ("u%u", i);
      g_autoptr(SdTask) task = make_task (id, 100 + i);

      sd_task_set_status (task, statuses[i], "whatever");
      save (store, task);
    }

  unfinished = sd_store_load_unfinished (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (unfinished->len, ==, 3);
  g_assert_cmpstr (sd_task_get_id (g_ptr_array_index (unfinished, 0)), ==, "u4");
  g_assert_cmpstr (sd_task_get_id (g_ptr_array_index (unfinished, 1)), ==, "u2");
  g_assert_cmpstr (sd_task_get_id (g_ptr_array_index (unfinished, 2)), ==, "u0");
}

static GPtrArray *
load_page (SdStore       *store,
           SdStoreCursor *cursor,
           guint          limit,
           gboolean      *more)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *tasks = sd_store_load_page (store, cursor, limit, more, &error);

  g_assert_no_error (error);
  g_assert_nonnull (tasks);
  return tasks;
}

static void
save_tasks_at (SdStore      *store,
               const gint64 *times,
               guint         n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *id = g_strdup_printf ("t%u", i);
      g_autoptr(SdTask) task = make_task (id, times[i]);

      save (store, task);
    }
}

/* Pages put end to end are the whole history in its order, also where
 * a page ends among tasks of the same second. */
static void
test_store_page_newest_first_in_pages (void)
{
  g_autofree char *path = history_path ();
  g_autoptr(SdStore) store = open_store (path);
  g_autoptr(GPtrArray) all = NULL;
  const gint64 times[] = { 300, 100, 500, 300, 500, 300, 200 };
  const char *expected[] = { "t4", "t2", "t5", "t3", "t0", "t6", "t1" };

  save_tasks_at (store, times, G_N_ELEMENTS (times));
  all = load_all (store);
  for (guint i = 0; i < all->len; i++)
    g_assert_cmpstr (sd_task_get_id (g_ptr_array_index (all, i)), ==, expected[i]);

  for (guint limit = 1; limit <= 8; limit++)
    {
      SdStoreCursor cursor = SD_STORE_CURSOR_INIT;
      gboolean more = TRUE;
      guint read = 0;

      while (more)
        {
          g_autoptr(GPtrArray) page = load_page (store, &cursor, limit, &more);

          g_assert_cmpuint (page->len, <=, limit);
          /* "more" is only said when a task is left */
          g_assert_cmpuint (page->len, ==, MIN (limit, G_N_ELEMENTS (expected) - read));
          for (guint i = 0; i < page->len; i++)
            g_assert_cmpstr (sd_task_get_id (g_ptr_array_index (page, i)), ==, expected[read + i]);
          read += page->len;
          g_assert_true (more == (read < G_N_ELEMENTS (expected)));
        }
      g_assert_cmpuint (read, ==, G_N_ELEMENTS (expected));
    }
}

/* A task submitted (newest) or deleted from the pages already read neither
 * repeats nor skips a task in the next page. */
static void
test_store_page_later_pages_hold_after_changes (void)
{
  g_autofree char *path = history_path ();
  g_autoptr(SdStore) store = open_store (path);
  g_autoptr(GPtrArray) first = NULL;
  g_autoptr(GPtrArray) second = NULL;
  g_autoptr(GPtrArray) end = NULL;
  g_autoptr(SdTask) newest = make_task ("new", 900);
  g_autoptr(GError) error = NULL;
  SdStoreCursor cursor = SD_STORE_CURSOR_INIT;
  const gint64 times[] = { 100, 200, 200, 300, 400 };
  gboolean more = FALSE;

  save_tasks_at (store, times, G_N_ELEMENTS (times));
  first = load_page (store, &cursor, 2, &more);
  g_assert_true (more);
  g_assert_cmpstr (sd_task_get_id (g_ptr_array_index (first, 0)), ==, "t4");
  g_assert_cmpstr (sd_task_get_id (g_ptr_array_index (first, 1)), ==, "t3");

  save (store, newest);
  g_assert_true (sd_store_delete_task (store, "t4", &error));
  g_assert_no_error (error);

  second = load_page (store, &cursor, 2, &more);
  g_assert_true (more);
  g_assert_cmpuint (second->len, ==, 2);
  g_assert_cmpstr (sd_task_get_id (g_ptr_array_index (second, 0)), ==, "t2");
  g_assert_cmpstr (sd_task_get_id (g_ptr_array_index (second, 1)), ==, "t1");
  end = load_page (store, &cursor, 2, &more);
  g_assert_false (more);
  g_assert_cmpuint (end->len, ==, 1);
  g_assert_cmpstr (sd_task_get_id (g_ptr_array_index (end, 0)), ==, "t0");
}

/* An empty history is one empty page with nothing more. */
static void
test_store_page_empty_history (void)
{
  g_autofree char *path = history_path ();
  g_autoptr(SdStore) store = open_store (path);
  g_autoptr(GPtrArray) page = NULL;
  SdStoreCursor cursor = SD_STORE_CURSOR_INIT;
  gboolean more = TRUE;

  page = load_page (store, &cursor, 100, &more);
  g_assert_cmpuint (page->len, ==, 0);
  g_assert_false (more);
}

/* What a new run picks up: unfinished tasks and interrupted downloads,
 * not finished tasks whose download ended one way or another. */
static void
test_store_load_to_resume (void)
{
  g_autofree char *path = history_path ();
  g_autoptr(SdStore) store = open_store (path);
  g_autoptr(GPtrArray) tasks = NULL;
  g_autoptr(GError) error = NULL;
  const struct {
    SdTaskStatus    status;
    SdDownloadState download;
  } rows[] = {
    { SD_TASK_STATUS_QUEUED, SD_DOWNLOAD_STATE_NONE },        /* r0: yes */
    { SD_TASK_STATUS_COMPLETED, SD_DOWNLOAD_STATE_NONE },     /* r1 */
    { SD_TASK_STATUS_COMPLETED, SD_DOWNLOAD_STATE_QUEUED },   /* r2: yes */
    { SD_TASK_STATUS_COMPLETED, SD_DOWNLOAD_STATE_RUNNING },  /* r3: yes */
    { SD_TASK_STATUS_COMPLETED, SD_DOWNLOAD_STATE_DONE },     /* r4 */
    { SD_TASK_STATUS_COMPLETED, SD_DOWNLOAD_STATE_FAILED },   /* r5 */
    { SD_TASK_STATUS_FAILED, SD_DOWNLOAD_STATE_NONE },        /* r6 */
    { SD_TASK_STATUS_PROCESSING, SD_DOWNLOAD_STATE_NONE },    /* r7: yes */
  };

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autofree char *id = g_strdup_printf ("r%u", i);
      g_autoptr(SdTask) task = make_task (id, 100 + i);

      sd_task_set_status (task, rows[i].status, "whatever");
      sd_task_set_download_state (task, rows[i].download);
      save (store, task);
    }

  tasks = sd_store_load_to_resume (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tasks->len, ==, 4);
  g_assert_cmpstr (sd_task_get_id (g_ptr_array_index (tasks, 0)), ==, "r7");
  g_assert_cmpstr (sd_task_get_id (g_ptr_array_index (tasks, 1)), ==, "r3");
  g_assert_cmpstr (sd_task_get_id (g_ptr_array_index (tasks, 2)), ==, "r2");
  g_assert_cmpstr (sd_task_get_id (g_ptr_array_index (tasks, 3)), ==, "r0");
}

static void
assert_ids (GPtrArray  *tasks,
            const char *ids)
{
  g_autoptr(GString) found = g_string_new (NULL);

  for (guint i = 0; i < tasks->len; i++)
    g_string_append_printf (found, "%s%s", i > 0 ? " " : "",
                            sd_task_get_id (g_ptr_array_index (tasks, i)));
  g_assert_cmpstr (found->str, ==, ids);
}

/* A history written by schema 1 (0.1.0 before the index) keeps its tasks,
 * gets the index of the tasks to resume, and resumes the same tasks. */
static void
test_store_open_version_1_migrated (void)
{
  g_autofree char *path = history_path ();
  g_autofree char *folder = g_path_get_dirname (path);
  g_autofree char *version = NULL;
  g_autofree char *index = NULL;
  g_autoptr(SdStore) store = NULL;
  g_autoptr(GPtrArray) tasks = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SdTask) task = NULL;

  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  run_sql (path,
           "CREATE TABLE tasks (id TEXT PRIMARY KEY NOT NULL, request TEXT, status TEXT,"
           "  status_raw TEXT, server_model TEXT, created_at INTEGER NOT NULL DEFAULT 0,"
           "  updated_at INTEGER NOT NULL DEFAULT 0, failure_message TEXT, video_url TEXT,"
           "  local_file TEXT, download_state INTEGER NOT NULL DEFAULT 0, download_error TEXT);"
           "CREATE INDEX tasks_created_at ON tasks (created_at);"
           "INSERT INTO tasks (id, request, status, created_at, download_state) VALUES"
           "  ('r0', '{}', 'queued', 100, 0), ('r1', '{}', 'completed', 101, 0),"
           "  ('r2', '{}', 'completed', 102, 1), ('r3', '{}', 'completed', 103, 2),"
           "  ('r4', '{}', 'completed', 104, 3), ('r5', '{}', 'completed', 105, 4),"
           "  ('r6', '{}', 'failed', 106, 0), ('r7', '{}', 'running', 107, 0),"
           "  ('r8', '{}', NULL, 108, 0);"
           "PRAGMA user_version = 1;");

  store = open_store (path);
  version = query_text (path, "PRAGMA user_version");
  g_assert_cmpint (g_ascii_strtoll (version, NULL, 10), ==, SD_STORE_SCHEMA_VERSION);
  index = query_text (path, "SELECT name FROM sqlite_master "
                            "WHERE type = 'index' AND name = 'tasks_to_resume'");
  g_assert_cmpstr (index, ==, "tasks_to_resume");
  g_assert_cmpint (sd_store_count (store, NULL), ==, 9);

  tasks = sd_store_load_to_resume (store, &error);
  g_assert_no_error (error);
  assert_ids (tasks, "r8 r7 r3 r2 r0");

  /* the index follows saves: a task finishing leaves it, a new one enters */
  g_clear_pointer (&tasks, g_ptr_array_unref);
  task = sd_store_load_task (store, "r7", &error);
  g_assert_no_error (error);
  sd_task_set_status (task, SD_TASK_STATUS_FAILED, "failed");
  save (store, task);
  g_clear_object (&task);
  task = make_task ("r9", 109);
  save (store, task);
  tasks = sd_store_load_to_resume (store, &error);
  g_assert_no_error (error);
  assert_ids (tasks, "r9 r8 r3 r2 r0");
}

/* A loaded task keeps its settings: parsed when first asked for, and
 * written back unchanged when the task is saved before that. */
static void
test_store_load_request_parsed_on_first_use (void)
{
  g_autofree char *path = history_path ();
  g_autoptr(SdStore) store = open_store (path);
  g_autoptr(SdTask) task = make_full_task ("cgt-lazy", 1700000000);
  g_autoptr(GPtrArray) tasks = NULL;
  g_autoptr(GPtrArray) again = NULL;
  g_autofree char *stored = NULL;
  g_autofree char *stored_again = NULL;
  SdTask *loaded;

  save (store, task);
  stored = query_text (path, "SELECT request FROM tasks");
  tasks = load_all (store);
  loaded = g_ptr_array_index (tasks, 0);
  g_assert_cmpstr (sd_task_peek_request_text (loaded), ==, stored);

  /* Saved before anyone looked: the same text goes back. */
  sd_task_set_local_file (loaded, "/home/me/Videos/moved.mp4");
  save (store, loaded);
  stored_again = query_text (path, "SELECT request FROM tasks");
  g_assert_cmpstr (stored_again, ==, stored);

  again = load_all (store);
  loaded = g_ptr_array_index (again, 0);
  g_assert_cmpstr (sd_request_get_prompt (sd_task_get_request (loaded)), ==,
                   sd_request_get_prompt (sd_task_get_request (task)));
  g_assert_cmpstr (sd_request_get_model (sd_task_get_request (loaded)), ==,
                   sd_request_get_model (sd_task_get_request (task)));
  g_assert_cmpint (sd_request_get_duration (sd_task_get_request (loaded)), ==,
                   sd_request_get_duration (sd_task_get_request (task)));
  g_assert_null (sd_task_peek_request_text (loaded));
  g_assert_cmpstr (sd_task_get_local_file (loaded), ==, "/home/me/Videos/moved.mp4");
}

static void
test_store_load_damaged_request_keeps_task (void)
{
  g_autofree char *path = history_path ();
  g_autoptr(SdStore) store = open_store (path);
  g_autoptr(SdTask) task = make_full_task ("cgt-damaged", 1700000000);
  g_autoptr(SdTask) other = make_task ("cgt-wrong-type", 1700000001);
  g_autoptr(GPtrArray) tasks = NULL;
  SdTask *loaded;

  save (store, task);
  save (store, other);
  run_sql (path, "UPDATE tasks SET request = '{\"model\": \"seed' WHERE id = 'cgt-damaged';"
                 "UPDATE tasks SET request = '[1, 2]' WHERE id = 'cgt-wrong-type';");

  tasks = load_all (store);
  g_assert_cmpuint (tasks->len, ==, 2);
  loaded = g_ptr_array_index (tasks, 1);
  g_assert_cmpstr (sd_task_get_id (loaded), ==, "cgt-damaged");
  g_assert_nonnull (sd_task_get_request (loaded));
  g_assert_null (sd_request_get_prompt (sd_task_get_request (loaded)));
  /* everything but the settings is still there */
  g_assert_cmpstr (sd_task_get_video_url (loaded), ==, sd_task_get_video_url (task));
  g_assert_cmpstr (sd_task_get_local_file (loaded), ==, sd_task_get_local_file (task));
  g_assert_cmpint (sd_task_get_status (loaded), ==, SD_TASK_STATUS_COMPLETED);
  loaded = g_ptr_array_index (tasks, 0);
  g_assert_null (sd_request_get_model (sd_task_get_request (loaded)));
}

static void
test_store_delete_removes_only_that_task (void)
{
  g_autofree char *path = history_path ();
  g_autoptr(SdStore) store = open_store (path);
  g_autoptr(SdTask) a = make_task ("cgt-a", 1);
  g_autoptr(SdTask) b = make_task ("cgt-b", 2);
  g_autoptr(GPtrArray) tasks = NULL;
  g_autoptr(GError) error = NULL;

  save (store, a);
  save (store, b);
  g_assert_true (sd_store_delete_task (store, "cgt-a", &error));
  g_assert_no_error (error);
  g_assert_true (sd_store_delete_task (store, "cgt-not-there", &error));
  g_assert_no_error (error);

  tasks = load_all (store);
  g_assert_cmpuint (tasks->len, ==, 1);
  g_assert_cmpstr (sd_task_get_id (g_ptr_array_index (tasks, 0)), ==, "cgt-b");
  g_assert_cmpint (sd_store_count (store, NULL), ==, 1);

  /* undo: saving the same object puts it back */
  save (store, a);
  g_assert_cmpint (sd_store_count (store, NULL), ==, 2);
}

static void
test_store_save_thousand_tasks (void)
{
  g_autofree char *path = history_path ();
  g_autoptr(SdStore) store = open_store (path);
  g_autoptr(GPtrArray) tasks = NULL;

  for (guint i = 0; i < 1000; i++)
    {
      g_autofree char *id = g_strdup_printf ("cgt-%04u", i);
      g_autoptr(SdTask) task = make_full_task (id, 1700000000 + i);

      save (store, task);
    }
  g_assert_cmpint (sd_store_count (store, NULL), ==, 1000);

  tasks = load_all (store);
  g_assert_cmpuint (tasks->len, ==, 1000);
  for (guint i = 0; i < 1000; i++)
    {
      g_autofree char *id = g_strdup_printf ("cgt-%04u", 999 - i);
      g_autoptr(SdTask) expected = make_full_task (id, 1700000000 + 999 - i);

      assert_tasks_equal (g_ptr_array_index (tasks, i), expected);
    }
}

static void
test_store_two_stores_share_history (void)
{
  g_autofree char *path = history_path ();
  g_autoptr(SdStore) gui = open_store (path);
  g_autoptr(SdStore) cli = open_store (path);
  g_autoptr(SdTask) from_cli = make_task ("cgt-cli", 10);
  g_autoptr(SdTask) from_gui = make_task ("cgt-gui", 11);

  save (cli, from_cli);
  save (gui, from_gui);
  g_assert_cmpint (sd_store_count (gui, NULL), ==, 2);
  g_assert_cmpint (sd_store_count (cli, NULL), ==, 2);
}

static void
test_store_never_has_a_token_column (void)
{
  g_autofree char *path = history_path ();
  G_GNUC_UNUSED g_autoptr(SdStore) store = open_store (path);
  g_autofree char *found = NULL;

  found = query_text (path, "SELECT name FROM pragma_table_info('tasks') "
                            "WHERE name LIKE '%token%' OR name LIKE '%key%'");
  g_assert_null (found);
}

/* Store: watching tasks */

static void
test_store_watch_saves_stored_changes_only (void)
{
  g_autofree char *path = history_path ();
  g_autoptr(SdStore) store = open_store (path);
  g_autoptr(SdTask) task = make_task ("cgt-watch", 100);
  g_autoptr(SdTask) loaded = NULL;
  g_autofree char *sentinel = NULL;

  sd_store_watch_task (store, task);
  sd_task_set_status (task, SD_TASK_STATUS_PROCESSING, "running");
  loaded = sd_store_load_task (store, "cgt-watch", NULL);
  g_assert_nonnull (loaded);
  g_assert_cmpint (sd_task_get_status (loaded), ==, SD_TASK_STATUS_PROCESSING);

  /* a progress tick writes nothing: the row edited behind the store's back
   * stays as edited */
  run_sql (path, "UPDATE tasks SET failure_message = 'sentinel'");
  sd_task_set_download_progress (task, 0.5);
  sentinel = query_text (path, "SELECT failure_message FROM tasks");
  g_assert_cmpstr (sentinel, ==, "sentinel");

  sd_task_set_download_state (task, SD_DOWNLOAD_STATE_RUNNING);
  g_clear_object (&loaded);
  loaded = sd_store_load_task (store, "cgt-watch", NULL);
  g_assert_cmpint (sd_task_get_download_state (loaded), ==, SD_DOWNLOAD_STATE_RUNNING);
  g_assert_null (sd_task_get_failure_message (loaded));

  sd_store_unwatch_task (store, task);
  sd_task_set_video_url (task, "https://x/after-unwatch.mp4");
  g_clear_object (&loaded);
  loaded = sd_store_load_task (store, "cgt-watch", NULL);
  g_assert_null (sd_task_get_video_url (loaded));
}

static void
on_save_failed_cb (SdStore *store,
                   SdTask  *task,
                   GError  *error,
                   gpointer user_data)
{
  GError **out = user_data;

  g_assert_true (SD_IS_TASK (task));
  g_clear_error (out);
  *out = g_error_copy (error);
}

static void
test_store_watch_reports_failed_save (void)
{
  g_autofree char *path = history_path ();
  g_autoptr(SdStore) store = open_store (path);
  g_autoptr(SdTask) task = make_task ("cgt-locked", 100);
  g_autoptr(GError) error = NULL;
  g_autofree char *display = NULL;
  sqlite3 *other = NULL;

  g_signal_connect (store, "save-failed", G_CALLBACK (on_save_failed_cb), &error);
  sd_store_watch_task (store, task);

  /* another program holds the write lock past the busy timeout */
  g_assert_cmpint (sqlite3_open (path, &other), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (other, "BEGIN EXCLUSIVE", NULL, NULL, NULL), ==, SQLITE_OK);
  sd_task_set_video_url (task, "https://x/v.mp4");
  sqlite3_exec (other, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_close (other);

  g_assert_error (error, SD_STORE_ERROR, SD_STORE_ERROR_WRITE);
  display = g_filename_display_name (path);
  g_assert_nonnull (strstr (error->message, display));
  /* the next change goes through */
  g_clear_error (&error);
  sd_task_set_updated_at (task, 200);
  g_assert_no_error (error);
  g_assert_cmpint (sd_store_count (store, NULL), ==, 1);
}

/* Store: crash safety */

#define CRASH_RUNS 32

static void G_GNUC_NORETURN
crash_child (const char *path,
             guint       run,
             int         out)
{
  g_autoptr(SdStore) store = sd_store_open (path, NULL, NULL);

  if (store == NULL)
    _exit (2);
  for (guint i = 0; i < 1000000; i++)
    {
      g_autofree char *id = g_strdup_printf ("r%02u-%06u", run, i);
      g_autoptr(SdTask) task = make_full_task (id, 1700000000 + i);
      g_autofree char *line = NULL;

      /* first queued, then completed: two acknowledged states per task */
      sd_task_set_status (task, SD_TASK_STATUS_QUEUED, "queued");
      if (!sd_store_save_task (store, task, NULL))
        _exit (3);
      line = g_strdup_printf ("%s %d\n", id, SD_TASK_STATUS_QUEUED);
      if (write (out, line, strlen (line)) < 0)
        _exit (4);
      g_free (line);

      sd_task_set_status (task, SD_TASK_STATUS_COMPLETED, "completed");
      if (!sd_store_save_task (store, task, NULL))
        _exit (3);
      line = g_strdup_printf ("%s %d\n", id, SD_TASK_STATUS_COMPLETED);
      if (write (out, line, strlen (line)) < 0)
        _exit (4);
    }
  _exit (0);
}

static void
read_acknowledged (int         in,
                   GHashTable *acknowledged,
                   gboolean    first_only)
{
  g_autoptr(GString) data = g_string_new (NULL);
  g_auto(GStrv) lines = NULL;
  char buffer[4096];
  gssize n;

  while ((n = read (in, buffer, first_only ? 1 : sizeof buffer)) > 0)
    {
      g_string_append_len (data, buffer, n);
      if (first_only && buffer[0] == '\n')
        break;
    }

  lines = g_strsplit (data->str, "\n", -1);
  /* the last piece has no newline: an unfinished write, not an ack */
  for (guint i = 0; lines[i] != NULL && lines[i + 1] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], " ", 2);

      g_assert_cmpuint (g_strv_length (fields), ==, 2);
      g_hash_table_insert (acknowledged, g_strdup (fields[0]),
                           GINT_TO_POINTER (atoi (fields[1])));
    }
}

static void
kill_writer_once (const char *path,
                  guint       run,
                  GHashTable *acknowledged)
{
  int fds[2];
  pid_t pid;
  int status = 0;

  g_assert_cmpint (pipe (fds), ==, 0);
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      close (fds[0]);
      crash_child (path, run, fds[1]);
    }
  close (fds[1]);

  /* wait for the first acknowledgement so that every run kills a writer
   * in full flow, then let it run a few milliseconds more */
  read_acknowledged (fds[0], acknowledged, TRUE);
  g_usleep (g_random_int_range (0, 8000));
  g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL);

  read_acknowledged (fds[0], acknowledged, FALSE);
  close (fds[0]);
}

static void
test_store_crash_keeps_acknowledged_saves (void)
{
  g_autofree char *path = history_path ();
  g_autoptr(GHashTable) acknowledged = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *check = NULL;
  g_autoptr(SdStore) store = NULL;
  GHashTableIter iter;
  gpointer id, status;

  g_clear_object (&store);
  store = open_store (path);
  g_clear_object (&store);

  for (guint run = 0; run < CRASH_RUNS; run++)
    kill_writer_once (path, run, acknowledged);
  g_assert_cmpuint (g_hash_table_size (acknowledged), >=, CRASH_RUNS);

  store = open_store (path);
  check = query_text (path, "PRAGMA integrity_check");
  g_assert_cmpstr (check, ==, "ok");

  g_hash_table_iter_init (&iter, acknowledged);
  while (g_hash_table_iter_next (&iter, &id, &status))
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SdTask) task = sd_store_load_task (store, id, &error);

      g_assert_no_error (error);
      g_assert_nonnull (task);
      /* a save may land without its acknowledgement, never the reverse */
      g_assert_cmpint (sd_task_get_status (task), >=, GPOINTER_TO_INT (status));
      g_assert_cmpstr (sd_task_get_video_url (task), ==, "https://cdn.example.com/v.mp4?sig=a&b=c");
    }
}

/* The same id from two servers is two tasks; each base sees its own. */
static void
test_store_key_same_id_two_bases (void)
{
  g_autofree char *path = history_path ();
  g_autoptr(SdStore) store = open_store (path);
  g_autoptr(SdTask) first = make_task ("cgt-same", 100);
  g_autoptr(SdTask) second = make_task ("cgt-same", 200);
  g_autoptr(SdTask) loaded = NULL;
  g_autoptr(GPtrArray) tasks = NULL;
  g_autofree char *rows = NULL;
  g_autoptr(GError) error = NULL;

  sd_store_set_base (store, "http://127.0.0.1:8001");
  sd_task_set_server_model (first, "from-one");
  save (store, first);
  sd_store_set_base (store, "http://127.0.0.1:8002/");
  g_assert_cmpstr (sd_store_get_base (store), ==, "http://127.0.0.1:8002");
  sd_task_set_server_model (second, "from-two");
  save (store, second);

  rows = query_text (path, "SELECT count(*) FROM tasks WHERE id = 'cgt-same'");
  g_assert_cmpstr (rows, ==, "2");
  g_assert_cmpint (sd_store_count (store, NULL), ==, 1);
  loaded = sd_store_load_task (store, "cgt-same", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sd_task_get_server_model (loaded), ==, "from-two");

  /* deleting in one base leaves the other's task */
  g_assert_true (sd_store_delete_task (store, "cgt-same", &error));
  g_assert_no_error (error);
  sd_store_set_base (store, "http://127.0.0.1:8001");
  g_clear_object (&loaded);
  loaded = sd_store_load_task (store, "cgt-same", &error);
  g_assert_nonnull (loaded);
  g_assert_cmpstr (sd_task_get_server_model (loaded), ==, "from-one");
  tasks = sd_store_load_tasks (store, &error);
  g_assert_cmpuint (tasks->len, ==, 1);
}

/* A schema 2 history keeps its tasks under the default base (or the one
 * the caller says they were made with). */
static void
test_store_open_version_2_gets_the_legacy_base (void)
{
  g_autofree char *path = history_path ();
  g_autofree char *folder = g_path_get_dirname (path);
  g_autofree char *base = NULL;
  g_autoptr(SdStore) store = NULL;
  g_autoptr(SdTask) task = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  run_sql (path,
           "CREATE TABLE tasks (id TEXT PRIMARY KEY NOT NULL, request TEXT, status TEXT,"
           "  status_raw TEXT, server_model TEXT, created_at INTEGER NOT NULL DEFAULT 0,"
           "  updated_at INTEGER NOT NULL DEFAULT 0, failure_message TEXT, video_url TEXT,"
           "  local_file TEXT, download_state INTEGER NOT NULL DEFAULT 0, download_error TEXT,"
           "  first_seen INTEGER NOT NULL DEFAULT 0);"
           "INSERT INTO tasks (id, request, status, created_at, first_seen) VALUES"
           "  ('old-1', '{}', 'queued', 100, 42), ('old-2', '{}', 'completed', 101, 43);"
           "PRAGMA user_version = 2;");

  store = open_store (path);
  g_assert_cmpstr (sd_store_get_base (store), ==, SD_CLIENT_DEFAULT_BASE_URL);
  g_assert_cmpint (sd_store_count (store, NULL), ==, 2);
  base = query_text (path, "SELECT base FROM tasks WHERE id = 'old-1'");
  g_assert_cmpstr (base, ==, SD_CLIENT_DEFAULT_BASE_URL);
  g_clear_pointer (&base, g_free);
  /* a column another version added is carried over */
  base = query_text (path, "SELECT first_seen FROM tasks WHERE id = 'old-2'");
  g_assert_cmpstr (base, ==, "43");

  sd_store_set_base (store, "http://127.0.0.1:9");
  task = sd_store_load_task (store, "old-1", &error);
  g_assert_no_error (error);
  g_assert_null (task);
  g_assert_cmpint (sd_store_count (store, NULL), ==, 0);
}

/* A history deleted, or replaced by another file, while a store has it
 * open is an error at the next write, not a write nobody will read. */
static void
test_store_save_notices_deleted_or_replaced_file (void)
{
  g_autofree char *path = history_path ();
  g_autofree char *other = g_strconcat (path, ".other", NULL);
  g_autoptr(SdStore) store = open_store (path);
  g_autoptr(SdTask) task = make_task ("cgt-gone", 100);
  g_autoptr(GError) error = NULL;

  save (store, task);
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_false (sd_store_save_task (store, task, &error));
  g_assert_error (error, SD_STORE_ERROR, SD_STORE_ERROR_REPLACED);
  g_assert_nonnull (strstr (error->message, "deleted"));
  g_clear_error (&error);
  g_assert_false (sd_store_delete_task (store, "cgt-gone", &error));
  g_assert_error (error, SD_STORE_ERROR, SD_STORE_ERROR_REPLACED);
  g_clear_error (&error);

  /* another file at the same path */
  g_assert_true (g_file_set_contents (other, "", 0, NULL));
  g_assert_cmpint (g_rename (other, path), ==, 0);
  g_assert_false (sd_store_save_task (store, task, &error));
  g_assert_error (error, SD_STORE_ERROR, SD_STORE_ERROR_REPLACED);
  g_assert_nonnull (strstr (error->message, "replaced"));
}

/* A journaled task is in the history at the next open, over its pending
 * row, and the journal is gone; a line that cannot be read stays. */
static void
test_store_journal_is_replayed_at_open (void)
{
  g_autofree char *path = history_path ();
  g_autofree char *journal = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(SdStore) store = open_store (path);
  g_autoptr(SdTask) pending = make_task ("local-1234", 100);
  g_autoptr(SdTask) task = make_full_task ("cgt-journaled", 101);
  g_autoptr(SdTask) loaded = NULL;
  g_autoptr(GError) error = NULL;

  sd_store_set_base (store, "http://127.0.0.1:7");
  sd_task_set_status (pending, SD_TASK_STATUS_UNCERTAIN, NULL);
  save (store, pending);
  g_assert_true (sd_store_journal_task (store, task, "local-1234", &error));
  g_assert_no_error (error);
  journal = sd_store_get_journal_path (store);
  expected = g_strconcat (path, SD_STORE_JOURNAL_SUFFIX, NULL);
  g_assert_cmpstr (journal, ==, expected);
  g_assert_true (g_file_get_contents (journal, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "\"task_id\":\"cgt-journaled\""));
  g_assert_nonnull (strstr (contents, "\"base\":\"http://127.0.0.1:7\""));
  g_assert_nonnull (strstr (contents, "\"request\":{"));
  g_assert_nonnull (strstr (contents, "\"journaled_at\":"));
  g_clear_object (&store);

  store = open_store (path);
  g_assert_false (g_file_test (journal, G_FILE_TEST_EXISTS));
  sd_store_set_base (store, "http://127.0.0.1:7");
  loaded = sd_store_load_task (store, "cgt-journaled", &error);
  g_assert_no_error (error);
  g_assert_nonnull (loaded);
  g_assert_cmpint (sd_task_get_status (loaded), ==, SD_TASK_STATUS_COMPLETED);
  g_assert_cmpstr (sd_request_get_prompt (sd_task_get_request (loaded)), ==,
                   "a girl turns in the rain, «ü» 雨");
  g_clear_object (&loaded);
  loaded = sd_store_load_task (store, "local-1234", &error);
  g_assert_null (loaded);
  g_assert_cmpint (sd_store_count (store, NULL), ==, 1);
  g_clear_object (&store);

  /* garbage is kept for a person to look at, and does not block opening */
  g_assert_true (g_file_set_contents (journal, "not json\n", -1, NULL));
  store = open_store (path);
  g_clear_pointer (&contents, g_free);
  g_assert_true (g_file_get_contents (journal, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "not json\n");
}

/* A pending row renamed to the server's id keeps its place. */
static void
test_store_replace_renames_pending_row (void)
{
  g_autofree char *path = history_path ();
  g_autoptr(SdStore) store = open_store (path);
  g_autoptr(SdTask) pending = make_task ("local-abc", 100);
  g_autoptr(SdTask) task = make_task ("cgt-real", 100);
  g_autoptr(GPtrArray) tasks = NULL;
  g_autofree char *rowid_before = NULL;
  g_autofree char *rowid_after = NULL;
  g_autoptr(GError) error = NULL;

  sd_task_set_status (pending, SD_TASK_STATUS_UNCERTAIN, NULL);
  save (store, pending);
  rowid_before = query_text (path, "SELECT rowid FROM tasks WHERE id = 'local-abc'");
  g_assert_true (sd_store_replace_task (store, "local-abc", task, &error));
  g_assert_no_error (error);
  rowid_after = query_text (path, "SELECT rowid FROM tasks WHERE id = 'cgt-real'");
  g_assert_cmpstr (rowid_before, ==, rowid_after);
  tasks = sd_store_load_tasks (store, &error);
  g_assert_cmpuint (tasks->len, ==, 1);
  g_assert_cmpint (sd_task_get_status (g_ptr_array_index (tasks, 0)), ==, SD_TASK_STATUS_QUEUED);
  /* uncertain rows are not resumed: there is no server id to ask */
  g_clear_pointer (&tasks, g_ptr_array_unref);
  save (store, pending);
  tasks = sd_store_load_to_resume (store, &error);
  g_assert_cmpuint (tasks->len, ==, 1);
  g_assert_cmpstr (sd_task_get_id (g_ptr_array_index (tasks, 0)), ==, "cgt-real");
}

#define OPENERS 16

/* Many processes opening a history that does not exist yet, at once:
 * each waits for the others instead of failing with "database is locked". */
static void
test_store_open_concurrent_on_a_new_file (void)
{
  g_autofree char *path = history_path ();
  g_autoptr(SdStore) store = NULL;
  GPid children[OPENERS];

  for (guint round = 0; round < 3; round++)
    {
      g_autofree char *file = g_strdup_printf ("%s.%u", path, round);

      for (guint i = 0; i < OPENERS; i++)
        {
          pid_t pid = fork ();

          g_assert_cmpint (pid, >=, 0);
          if (pid == 0)
            {
              g_autoptr(GError) error = NULL;
              g_autofree char *id = g_strdup_printf ("cgt-%u", i);
              SdStore *child_store = sd_store_open (file, NULL, &error);
              SdTask *task = make_task (id, 100 + i);
              gboolean saved = child_store != NULL && sd_store_save_task (child_store, task, &error);

              if (!saved)
                fprintf (stderr, "child %u: %s\n", i, error->message);
              _exit (saved ? 0 : 1);
            }
          children[i] = pid;
        }
      for (guint i = 0; i < OPENERS; i++)
        {
          int status = 0;

          g_assert_cmpint (waitpid (children[i], &status, 0), ==, children[i]);
          g_assert_true (WIFEXITED (status));
          g_assert_cmpint (WEXITSTATUS (status), ==, 0);
        }
      store = open_store (file);
      g_assert_cmpint (sd_store_count (store, NULL), ==, OPENERS);
      g_clear_object (&store);
    }
}

/* A history deleted while another process has it open leaves that
 * process's -wal and -shm at the path: a new history of the same name
 * must start empty and sound with companions of its own, not share the
 * old one's WAL index. */
static void
test_store_deleted_history_companions_are_not_shared (void)
{
  g_autofree char *path = history_path ();
  g_autoptr(SdStore) store = NULL;
  g_autofree char *moved_aside = NULL;
  g_autofree char *check = NULL;
  g_autoptr(GError) error = NULL;
  int ready[2], done[2];
  int status = 0;
  char byte = 0;
  pid_t pid;

  g_assert_cmpint (pipe (ready), ==, 0);
  g_assert_cmpint (pipe (done), ==, 0);
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      SdStore *child_store;

      /* a parent that fails ends this child's wait */
      close (ready[0]);
      close (done[1]);
      child_store = sd_store_open (path, NULL, NULL);
      /* many pages in the WAL, and the history stays open */
      for (guint i = 0; child_store != NULL && i < 200; i++)
        {
          g_autofree char *id = g_strdup_printf ("cgt-old-%u", i);
          SdTask *old = make_full_task (id, 100 + i);

          sd_store_save_task (child_store, old, NULL);
          g_object_unref (old);
        }
      if (write (ready[1], "r", 1) != 1 || read (done[0], &byte, 1) != 1)
        _exit (2);
      _exit (child_store != NULL ? 0 : 1);
    }
  close (ready[1]);
  close (done[0]);
  g_assert_cmpint (read (ready[0], &byte, 1), ==, 1);
  g_assert_cmpint (g_unlink (path), ==, 0);

  store = sd_store_open (path, &moved_aside, &error);
  g_assert_no_error (error);
  g_assert_null (moved_aside);
  g_assert_cmpint (sd_store_count (store, &error), ==, 0);
  g_assert_no_error (error);
  for (guint i = 0; i < 50; i++)
    {
      g_autofree char *id = g_strdup_printf ("cgt-new-%u", i);
      g_autoptr(SdTask) task = make_full_task (id, 300 + i);

      save (store, task);
    }
  check = query_text (path, "PRAGMA quick_check");
  g_assert_cmpstr (check, ==, "ok");

  g_assert_cmpint (write (done[1], "d", 1), ==, 1);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  g_clear_object (&store);
  g_clear_pointer (&check, g_free);
  check = query_text (path, "PRAGMA quick_check");
  g_assert_cmpstr (check, ==, "ok");
  store = open_store (path);
  g_assert_cmpint (sd_store_count (store, NULL), ==, 50);
  close (ready[0]);
  close (done[1]);
}

/* What schema 9 (labels, the 404 run, the index of labels) added, taken
 * away again, and the search index as schema 5 to 8 made it: a history as
 * a version-8 build left it. */
#define PROMPT_OF_V8(t) "json_extract(" t ".request, '$.prompt')"
#define MODELS_OF_V8(t) \
  "trim(coalesce(json_extract(" t ".request, '$.model'), '') || ' ' || coalesce(" t ".server_model, ''))"
/* What schema 10 (the indexes of the links) added, taken away again: a
 * history as a version-9 build left it. */
#define UNDO_SCHEMA_10 \
  "DROP INDEX tasks_continues; DROP INDEX tasks_retry_of; DROP INDEX tasks_group; " \
  "CREATE INDEX tasks_group ON tasks (base, group_id) WHERE group_id IS NOT NULL; "
#define UNDO_SCHEMA_9 \
  UNDO_SCHEMA_10 \
  "DROP TRIGGER tasks_search_insert; DROP TRIGGER tasks_search_delete; " \
  "DROP TRIGGER tasks_search_update; DROP TABLE tasks_search; " \
  "ALTER TABLE tasks DROP COLUMN label; ALTER TABLE tasks DROP COLUMN not_found_since; " \
  "CREATE VIRTUAL TABLE tasks_search USING fts5 (prompt, id, model, " \
  "content = '', tokenize = 'trigram'); " \
  "CREATE TRIGGER tasks_search_insert AFTER INSERT ON tasks BEGIN " \
  "INSERT INTO tasks_search (rowid, prompt, id, model) " \
  "VALUES (new.rowid, " PROMPT_OF_V8 ("new") ", new.id, " MODELS_OF_V8 ("new") "); END; " \
  "CREATE TRIGGER tasks_search_delete AFTER DELETE ON tasks BEGIN " \
  "INSERT INTO tasks_search (tasks_search, rowid, prompt, id, model) " \
  "VALUES ('delete', old.rowid, " PROMPT_OF_V8 ("old") ", old.id, " MODELS_OF_V8 ("old") "); END; " \
  "INSERT INTO tasks_search (rowid, prompt, id, model) " \
  "SELECT rowid, " PROMPT_OF_V8 ("tasks") ", id, " MODELS_OF_V8 ("tasks") " FROM tasks; "

/* What schema 8 (groups and the local queue) added, taken away again: a
 * history as a version-7 build left it. */
#define UNDO_SCHEMA_8 \
  UNDO_SCHEMA_9 \
  "DROP INDEX tasks_group; ALTER TABLE tasks DROP COLUMN group_id; " \
  "ALTER TABLE tasks DROP COLUMN group_label; ALTER TABLE tasks DROP COLUMN retry_of; " \
  "ALTER TABLE tasks DROP COLUMN queue_position; "

/* Schema 7: a version-6 history gets the "continues" column, its tasks
 * continue none, and the link is kept through saves, pages and a reopen;
 * it goes on to schema 8 in the same open. */
static void
test_store_continues_is_migrated_and_kept (void)
{
  g_autofree char *path = history_path ();
  g_autofree char *version = NULL;
  g_autofree char *column = NULL;
  g_autoptr(GError) error = NULL;

  {
    g_autoptr(SdStore) store = open_store (path);
    g_autoptr(SdTask) parent = make_full_task ("cgt-parent", 1700000000);

    save (store, parent);
  }
  /* as a version-6 build left it */
  run_sql (path, UNDO_SCHEMA_8 "ALTER TABLE tasks DROP COLUMN continues; PRAGMA user_version = 6;");
  column = query_text (path, "SELECT count(*) FROM pragma_table_info('tasks') "
                             "WHERE name = 'continues'");
  g_assert_cmpstr (column, ==, "0");
  g_clear_pointer (&column, g_free);

  {
    g_autoptr(SdStore) store = open_store (path);
    g_autoptr(SdTask) parent = sd_store_load_task (store, "cgt-parent", &error);
    g_autoptr(SdTask) child = make_full_task ("cgt-child", 1700000100);

    g_assert_no_error (error);
    g_assert_nonnull (parent);
    g_assert_null (sd_task_get_continues (parent));
    sd_task_set_continues (child, "cgt-parent");
    save (store, child);
    /* a later save of the whole task keeps the link */
    sd_task_set_video_url (child, "https://x/child.mp4");
    save (store, child);
  }
  version = query_text (path, "PRAGMA user_version");
  g_assert_cmpint (g_ascii_strtoll (version, NULL, 10), ==, SD_STORE_SCHEMA_VERSION);
  column = query_text (path, "SELECT continues FROM tasks WHERE id = 'cgt-child'");
  g_assert_cmpstr (column, ==, "cgt-parent");

  {
    g_autoptr(SdStore) store = open_store (path);
    g_autoptr(SdTask) child = sd_store_load_task (store, "cgt-child", &error);
    g_autoptr(GPtrArray) tasks = load_all (store);

    g_assert_no_error (error);
    g_assert_cmpstr (sd_task_get_continues (child), ==, "cgt-parent");
    g_assert_cmpuint (tasks->len, ==, 2);
    g_assert_cmpstr (sd_task_get_continues (g_ptr_array_index (tasks, 0)), ==, "cgt-parent");
    g_assert_null (sd_task_get_continues (g_ptr_array_index (tasks, 1)));
  }
}

/* Schema 8: a version-7 history gets the group, retry and queue columns
 * (and keeps schema 7's "continues"); its tasks are in no group, and the
 * new fields are kept through saves and a reopen. A version-6 history
 * goes 6 → 7 → 8 in one open. */
static void
test_store_groups_are_migrated_and_kept (void)
{
  for (int from = 6; from <= 7; from++)
    {
      g_autofree char *path = history_path ();
      g_autofree char *undo = NULL;
      g_autofree char *text = NULL;
      g_autoptr(GError) error = NULL;

      {
        g_autoptr(SdStore) store = open_store (path);
        g_autoptr(SdTask) old = make_full_task ("grp-old", 1700000000);

        sd_task_set_continues (old, from == 7 ? "grp-before" : NULL);
        save (store, old);
      }
      undo = g_strdup_printf ("%s%s PRAGMA user_version = %d;", UNDO_SCHEMA_8,
                              from == 6 ? "ALTER TABLE tasks DROP COLUMN continues;" : "",
                              from);
      run_sql (path, undo);
      text = query_text (path, "SELECT count(*) FROM pragma_table_info('tasks') "
                               "WHERE name IN ('group_id', 'group_label', 'retry_of', "
                               "'queue_position')");
      g_assert_cmpstr (text, ==, "0");
      g_clear_pointer (&text, g_free);

      {
        g_autoptr(SdStore) store = open_store (path);
        g_autoptr(SdTask) old = sd_store_load_task (store, "grp-old", &error);
        g_autoptr(SdTask) take = make_full_task ("grp-take", 1700000100);

        g_assert_no_error (error);
        g_assert_nonnull (old);
        g_assert_null (sd_task_get_group_id (old));
        g_assert_null (sd_task_get_group_label (old));
        g_assert_null (sd_task_get_retry_of (old));
        g_assert_cmpint (sd_task_get_queue_position (old), ==, 0);
        g_assert_cmpstr (sd_task_get_continues (old), ==, from == 7 ? "grp-before" : NULL);
        sd_task_set_group_id (take, "group-1");
        sd_task_set_group_label (take, "a girl turns");
        sd_task_set_retry_of (take, "grp-old");
        sd_task_set_continues (take, "grp-old");
        sd_task_set_queue_position (take, 42);
        save (store, take);
      }
      text = query_text (path, "PRAGMA user_version");
      g_assert_cmpint (g_ascii_strtoll (text, NULL, 10), ==, SD_STORE_SCHEMA_VERSION);
      g_clear_pointer (&text, g_free);
      text = query_text (path, "SELECT count(*) FROM sqlite_master WHERE name = 'tasks_group'");
      g_assert_cmpstr (text, ==, "1");

      {
        g_autoptr(SdStore) store = open_store (path);
        g_autoptr(SdTask) take = sd_store_load_task (store, "grp-take", &error);
        g_autoptr(GPtrArray) group = sd_store_load_group (store, "group-1", &error);

        g_assert_no_error (error);
        g_assert_cmpstr (sd_task_get_group_id (take), ==, "group-1");
        g_assert_cmpstr (sd_task_get_group_label (take), ==, "a girl turns");
        g_assert_cmpstr (sd_task_get_retry_of (take), ==, "grp-old");
        g_assert_cmpstr (sd_task_get_continues (take), ==, "grp-old");
        g_assert_cmpint (sd_task_get_queue_position (take), ==, 42);
        g_assert_cmpuint (group->len, ==, 1);
        g_assert_cmpstr (sd_task_get_id (g_ptr_array_index (group, 0)), ==, "grp-take");
      }
      /* the next round starts from a new history */
      for (guint i = 0; i < 3; i++)
        {
          g_autofree char *file = g_strconcat (path, (const char *[]) { "", "-wal", "-shm" }[i], NULL);

          g_unlink (file);
        }
    }
}

static char *
find_ids (SdStore    *store,
          const char *text)
{
  g_autoptr(SdTaskQuery) query = sd_task_query_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) ids = NULL;

  query->text = g_strdup (text);
  ids = sd_store_query_ids (store, query, &error);
  g_assert_no_error (error);
  return g_strjoinv (" ", ids);
}

/* Schema 9: a version-8 history gets a task's own label and the start of
 * its run of 404 answers (none for its tasks), both kept through saves and
 * a reopen, and its search index is made again: the group label of a task
 * of version 8 is found, as the new labels are, by long and short words. */
static void
test_store_labels_are_migrated_and_kept (void)
{
  g_autofree char *path = history_path ();
  g_autofree char *text = NULL;
  g_autofree char *found = NULL;
  g_autoptr(GError) error = NULL;

  {
    g_autoptr(SdStore) store = open_store (path);
    g_autoptr(SdTask) old = make_full_task ("lbl-old", 1700000000);

    sd_task_set_group_id (old, "group-8");
    sd_task_set_group_label (old, "night-shoot.jsonl");
    save (store, old);
  }
  run_sql (path, UNDO_SCHEMA_9 "PRAGMA user_version = 8;");
  text = query_text (path, "SELECT count(*) FROM pragma_table_info('tasks') "
                           "WHERE name IN ('label', 'not_found_since')");
  g_assert_cmpstr (text, ==, "0");
  g_clear_pointer (&text, g_free);

  {
    g_autoptr(SdStore) store = open_store (path);
    g_autoptr(SdTask) old = sd_store_load_task (store, "lbl-old", &error);
    g_autoptr(SdTask) line = make_full_task ("lbl-line", 1700000100);

    g_assert_no_error (error);
    g_assert_nonnull (old);
    g_assert_null (sd_task_get_label (old));
    g_assert_cmpint (sd_task_get_not_found_since (old), ==, 0);
    g_assert_cmpstr (sd_task_get_group_label (old), ==, "night-shoot.jsonl");
    found = find_ids (store, "night-shoot");
    g_assert_cmpstr (found, ==, "lbl-old");
    g_clear_pointer (&found, g_free);

    sd_task_set_group_id (line, "group-9");
    sd_task_set_group_label (line, "dawn.jsonl");
    sd_task_set_label (line, "heron take zq");
    sd_task_set_not_found_since (line, G_GINT64_CONSTANT (1700000200123456));
    save (store, line);
    /* a later save of the whole task keeps both */
    sd_task_set_video_url (line, "https://x/line.mp4");
    save (store, line);
  }
  text = query_text (path, "PRAGMA user_version");
  g_assert_cmpint (g_ascii_strtoll (text, NULL, 10), ==, SD_STORE_SCHEMA_VERSION);
  g_clear_pointer (&text, g_free);

  {
    g_autoptr(SdStore) store = open_store (path);
    g_autoptr(SdTask) line = sd_store_load_task (store, "lbl-line", &error);

    g_assert_no_error (error);
    g_assert_cmpstr (sd_task_get_label (line), ==, "heron take zq");
    g_assert_cmpint (sd_task_get_not_found_since (line), ==, G_GINT64_CONSTANT (1700000200123456));
    found = find_ids (store, "heron");
    g_assert_cmpstr (found, ==, "lbl-line");
    g_clear_pointer (&found, g_free);
    /* a short word has no index: the labels are scanned */
    found = find_ids (store, "zq");
    g_assert_cmpstr (found, ==, "lbl-line");
    g_clear_pointer (&found, g_free);
    found = find_ids (store, "dawn");
    g_assert_cmpstr (found, ==, "lbl-line");
    g_clear_pointer (&found, g_free);
    /* a new label is indexed, the old one no longer */
    sd_task_set_label (line, "egret");
    save (store, line);
    found = find_ids (store, "heron");
    g_assert_cmpstr (found, ==, "");
    g_clear_pointer (&found, g_free);
    found = find_ids (store, "egret");
    g_assert_cmpstr (found, ==, "lbl-line");
  }
}

/* The plan SQLite makes for @sql, its steps joined by "; ". */
static char *
query_plan (const char *path,
            const char *sql)
{
  g_autofree char *explain = g_strconcat ("EXPLAIN QUERY PLAN ", sql, NULL);
  g_autoptr(GString) plan = g_string_new (NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, explain, -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (plan, "%s%s", plan->len > 0 ? "; " : "",
                            (const char *) sqlite3_column_text (stmt, 3));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return g_string_free (g_steal_pointer (&plan), FALSE);
}

/* Schema 10: a version-9 history keeps its tasks and gains the indexes of
 * the links, which the details pane's query (sd_store_query_links()) and
 * a group's read then use instead of walking the whole history. */
static void
test_store_link_indexes_are_migrated (void)
{
  const char *links_sql[] = {
    "SELECT id FROM tasks WHERE base = 'b' AND continues = 'x' ORDER BY created_at DESC, rowid DESC",
    "SELECT id FROM tasks WHERE base = 'b' AND retry_of = 'x' ORDER BY created_at DESC, rowid DESC",
    "SELECT id FROM tasks WHERE base = 'b' AND group_id = 'x' ORDER BY created_at DESC, rowid DESC",
    "SELECT id FROM tasks WHERE base = 'b' AND group_id = 'x' "
    "ORDER BY created_at, queue_position, rowid",
  };
  const char *indexes[] = { "tasks_continues", "tasks_retry_of", "tasks_group", "tasks_group" };
  g_autofree char *path = history_path ();
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  {
    g_autoptr(SdStore) store = open_store (path);

    for (guint i = 0; i < 30; i++)
      {
        g_autofree char *id = g_strdup_printf ("lnk-%02u", i);
        g_autoptr(SdTask) task = make_full_task (id, 1700000000 + i);

        if (i > 0 && i % 3 == 0)
          sd_task_set_continues (task, "lnk-00");
        if (i % 3 == 1)
          sd_task_set_retry_of (task, "lnk-00");
        if (i % 5 == 2)
          sd_task_set_group_id (task, "lnk-group");
        save (store, task);
      }
  }
  run_sql (path, UNDO_SCHEMA_10 "PRAGMA user_version = 9;");
  text = query_text (path, "SELECT count(*) FROM sqlite_master "
                           "WHERE name IN ('tasks_continues', 'tasks_retry_of')");
  g_assert_cmpstr (text, ==, "0");
  g_clear_pointer (&text, g_free);
  text = query_plan (path, links_sql[0]);
  g_assert_null (strstr (text, "tasks_continues"));
  g_clear_pointer (&text, g_free);

  {
    g_autoptr(SdStore) store = open_store (path);
    g_auto(GStrv) continuations = NULL;
    g_auto(GStrv) retries = NULL;
    g_autoptr(GPtrArray) group = NULL;

    g_assert_cmpint (sd_store_count (store, NULL), ==, 30);
    g_assert_true (sd_store_query_links (store, "lnk-00", &continuations, &retries, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (g_strv_length (continuations), ==, 9);
    g_assert_cmpstr (continuations[0], ==, "lnk-27");
    g_assert_cmpstr (continuations[8], ==, "lnk-03");
    g_assert_cmpuint (g_strv_length (retries), ==, 10);
    g_assert_cmpstr (retries[0], ==, "lnk-28");
    g_assert_cmpstr (retries[9], ==, "lnk-01");
    group = sd_store_load_group (store, "lnk-group", &error);
    g_assert_no_error (error);
    g_assert_cmpuint (group->len, ==, 6);
    g_assert_cmpstr (sd_task_get_id (g_ptr_array_index (group, 0)), ==, "lnk-02");
  }
  text = query_text (path, "PRAGMA user_version");
  g_assert_cmpint (g_ascii_strtoll (text, NULL, 10), ==, SD_STORE_SCHEMA_VERSION);
  g_clear_pointer (&text, g_free);
  text = query_text (path, "SELECT count(*) FROM sqlite_master "
                           "WHERE name IN ('tasks_continues', 'tasks_retry_of')");
  g_assert_cmpstr (text, ==, "2");
  g_clear_pointer (&text, g_free);

  for (guint i = 0; i < G_N_ELEMENTS (links_sql); i++)
    {
      g_autofree char *plan = query_plan (path, links_sql[i]);

      g_test_message ("%s: %s", indexes[i], plan);
      g_assert_nonnull (strstr (plan, indexes[i]));
      g_assert_null (strstr (plan, "SCAN tasks"));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/task/new/starts-unknown-and-unfinished", test_task_new_starts_unknown);
  g_test_add_func ("/task/properties/are-readable-as-gobject-properties", test_task_properties_readable);
  g_test_add_func ("/task/notify/only-on-change", test_task_notify_only_on_change);
  g_test_add_func ("/task/is-finished/follows-status", test_task_is_finished_follows_status);
  g_test_add_func ("/task/expires-at/only-when-completed", test_task_expires_at_only_when_completed);
  g_test_add_func ("/task/link-expired/unless-saved-locally", test_task_link_expired_needs_no_local_copy);
  g_test_add_func ("/task/download-progress/is-clamped", test_task_download_progress_clamped);

  g_test_add_func ("/store/open/creates-a-private-folder", test_store_open_creates_private_folder);
  g_test_add_func ("/store/open/reopen-keeps-history", test_store_open_reopen_keeps_history);
  g_test_add_func ("/store/open/garbage-file-is-moved-aside", test_store_open_garbage_moved_aside);
  g_test_add_func ("/store/open/truncated-file-is-moved-aside", test_store_open_truncated_moved_aside);
  g_test_add_func ("/store/open/damage-after-a-crash-is-moved-aside",
                   test_store_open_damage_after_crash_moved_aside);
  g_test_add_func ("/store/checkpoint/empties-the-journal", test_store_checkpoint_empties_journal);
  g_test_add_func ("/store/open/unversioned-table-is-migrated", test_store_open_unversioned_table_migrated);
  g_test_add_func ("/store/open/version-6-history-gets-continues", test_store_continues_is_migrated_and_kept);
  g_test_add_func ("/store/open/version-9-history-gets-the-link-indexes",
                   test_store_link_indexes_are_migrated);
  g_test_add_func ("/store/open/version-8-history-gets-labels-and-the-404-start",
                   test_store_labels_are_migrated_and_kept);
  g_test_add_func ("/store/open/version-7-and-6-histories-get-groups",
                   test_store_groups_are_migrated_and_kept);
  g_test_add_func ("/store/open/unversioned-table-without-ids-is-kept-aside",
                   test_store_open_unversioned_without_ids_kept_aside);
  g_test_add_func ("/store/open/version-1-history-is-migrated-with-the-resume-index",
                   test_store_open_version_1_migrated);
  g_test_add_func ("/store/open/future-version-is-refused-and-left-alone",
                   test_store_open_future_version_refused);
  g_test_add_func ("/store/open/unusable-folder-is-refused", test_store_open_unusable_path_refused);
  g_test_add_func ("/store/open/directory-is-refused-not-moved", test_store_open_directory_not_moved_aside);
  g_test_add_func ("/store/save/round-trips-every-field", test_store_save_round_trips_every_field);
  g_test_add_func ("/store/save/keeps-unknown-status-spelling", test_store_save_keeps_unknown_status_spelling);
  g_test_add_func ("/store/save/updates-in-place", test_store_save_updates_in_place);
  g_test_add_func ("/store/save/a-thousand-tasks", test_store_save_thousand_tasks);
  g_test_add_func ("/store/load/newest-first", test_store_load_newest_first);
  g_test_add_func ("/store/load/unfinished-only", test_store_load_unfinished_only);
  g_test_add_func ("/store/load/to-resume-is-unfinished-tasks-and-interrupted-downloads",
                   test_store_load_to_resume);
  g_test_add_func ("/store/page/pages-in-a-row-are-the-history-newest-first", test_store_page_newest_first_in_pages);
  g_test_add_func ("/store/page/next-page-holds-after-a-submit-and-a-delete", test_store_page_later_pages_hold_after_changes);
  g_test_add_func ("/store/page/empty-history-has-nothing-more", test_store_page_empty_history);
  g_test_add_func ("/store/load/damaged-request-keeps-the-task", test_store_load_damaged_request_keeps_task);
  g_test_add_func ("/store/load/request-is-read-when-first-asked-for", test_store_load_request_parsed_on_first_use);
  g_test_add_func ("/store/delete/removes-only-that-task", test_store_delete_removes_only_that_task);
  g_test_add_func ("/store/share/two-stores-see-each-other", test_store_two_stores_share_history);
  g_test_add_func ("/store/token/has-no-column", test_store_never_has_a_token_column);
  g_test_add_func ("/store/watch/saves-stored-changes-only", test_store_watch_saves_stored_changes_only);
  g_test_add_func ("/store/watch/reports-a-failed-save", test_store_watch_reports_failed_save);
  g_test_add_func ("/store/key/same-id-from-two-bases-is-two-tasks", test_store_key_same_id_two_bases);
  g_test_add_func ("/store/open/version-2-history-gets-the-legacy-base",
                   test_store_open_version_2_gets_the_legacy_base);
  g_test_add_func ("/store/save/deleted-or-replaced-file-is-an-error",
                   test_store_save_notices_deleted_or_replaced_file);
  g_test_add_func ("/store/journal/is-replayed-at-open", test_store_journal_is_replayed_at_open);
  g_test_add_func ("/store/open/companions-of-a-deleted-open-history-are-not-shared",
                   test_store_deleted_history_companions_are_not_shared);
  g_test_add_func ("/store/replace/renames-the-pending-row", test_store_replace_renames_pending_row);
  g_test_add_func ("/store/open/concurrent-opens-of-a-new-file", test_store_open_concurrent_on_a_new_file);
  g_test_add_func ("/store/crash/killed-writer-loses-no-acknowledged-save",
                   test_store_crash_keeps_acknowledged_saves);

  return g_test_run ();
}

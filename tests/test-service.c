/* test-service.c: SdService and SdContext against SdSimulator on loopback
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "sd-test-util.h"

#include <string.h>

#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "sd-api.h"
#include "sd-catalog.h"
#include "sd-client.h"
#include "sd-context.h"
#include "sd-download.h"
#include "sd-service.h"
#include "sd-demo.h"
#include "sd-simulator-test.h"
#include "sd-store.h"

#define SAMPLE_RESOURCE   "/io/github/seedancestudio/SeedanceStudio/core/sample.mp4"
#define MODEL             "seedance2.0-fast-i2v"
#define QUEUED_MS         1000
#define PROCESSING_MS     2000
#define FIRST_POLL_MS     20
#define MAX_POLL_MS       100
/* A wait that takes this long means the behaviour never came: fail. */
#define WAIT_LIMIT_S      30

typedef struct
{
  SdCatalog   *catalog;
  SdSimulator *sim;
  SdClient    *client;
  SdStore     *store;
  GSettings   *settings;
  SdService   *service;
  char        *download_dir;
  GPtrArray   *added;
  GPtrArray   *completed;
  GPtrArray   *failed;
  GPtrArray   *poll_errors;
  gint64       first_poll_error_time;
} Fixture;

static void
on_task_added_cb (SdService *service,
                  SdTask    *task,
                  Fixture   *fixture)
{
  g_ptr_array_add (fixture->added, g_object_ref (task));
}

static void
on_task_completed_cb (SdService *service,
                      SdTask    *task,
                      Fixture   *fixture)
{
  g_ptr_array_add (fixture->completed, g_object_ref (task));
}

static void
on_task_failed_cb (SdService *service,
                   SdTask    *task,
                   Fixture   *fixture)
{
  g_ptr_array_add (fixture->failed, g_object_ref (task));
}

static void
on_poll_error_cb (SdService    *service,
                  SdTask       *task,
                  const GError *error,
                  Fixture      *fixture)
{
  if (fixture->poll_errors->len == 0)
    fixture->first_poll_error_time = g_get_monotonic_time ();
  g_ptr_array_add (fixture->poll_errors, g_error_copy (error));
}

static SdService *
make_service (Fixture *fixture)
{
  SdService *service = sd_service_new (fixture->client, fixture->store,
                                       fixture->catalog, fixture->settings);

  sd_service_set_network_monitor (service, NULL);
  g_object_set (service,
                "first-poll-delay", FIRST_POLL_MS,
                "max-poll-interval", MAX_POLL_MS,
                /* every task at the provider at once; the cap: test-queue */
                "max-active", SD_SERVICE_MAX_ACTIVE_ANY,
                NULL);
  g_signal_connect (service, "task-added", G_CALLBACK (on_task_added_cb), fixture);
  g_signal_connect (service, "task-completed", G_CALLBACK (on_task_completed_cb), fixture);
  g_signal_connect (service, "task-failed", G_CALLBACK (on_task_failed_cb), fixture);
  g_signal_connect (service, "poll-error", G_CALLBACK (on_poll_error_cb), fixture);
  return service;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->catalog = sd_catalog_new ();
  fixture->sim = sd_test_simulator_new (fixture->catalog, QUEUED_MS, PROCESSING_MS);
  sd_simulator_set_slow_delay (fixture->sim, 3000);

  fixture->client = sd_client_new (sd_simulator_get_base_url (fixture->sim),
                                   sd_simulator_get_token (fixture->sim));
  fixture->store = sd_test_open_store ();

  fixture->download_dir = g_build_filename (g_get_user_cache_dir (), "saved", NULL);
  fixture->settings = g_settings_new (SCHEMA_ID);
  g_settings_set_boolean (fixture->settings, "auto-download", TRUE);
  g_settings_set_string (fixture->settings, "download-dir", fixture->download_dir);

  fixture->added = g_ptr_array_new_with_free_func (g_object_unref);
  fixture->completed = g_ptr_array_new_with_free_func (g_object_unref);
  fixture->failed = g_ptr_array_new_with_free_func (g_object_unref);
  fixture->poll_errors = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  fixture->service = make_service (fixture);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->service);
  g_clear_object (&fixture->store);
  g_clear_object (&fixture->client);
  g_clear_object (&fixture->sim);
  g_clear_object (&fixture->catalog);
  g_settings_reset (fixture->settings, "auto-download");
  g_settings_reset (fixture->settings, "download-dir");
  g_clear_object (&fixture->settings);
  g_clear_pointer (&fixture->added, g_ptr_array_unref);
  g_clear_pointer (&fixture->completed, g_ptr_array_unref);
  g_clear_pointer (&fixture->failed, g_ptr_array_unref);
  g_clear_pointer (&fixture->poll_errors, g_ptr_array_unref);
  g_clear_pointer (&fixture->download_dir, g_free);
}

static SdTask *
submit_sync (Fixture    *fixture,
             SdRequest  *request,
             GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sd_service_submit_async (fixture->service, request, NULL, sd_test_store_result_cb, &result);
  sd_test_wait_until (sd_test_result_arrived, &result, WAIT_LIMIT_S, "the submission");
  return sd_service_submit_finish (fixture->service, result, error);
}

static char *
download_sync (Fixture     *fixture,
               SdTask      *task,
               const char  *directory,
               GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sd_service_download_async (fixture->service, task, directory, NULL, sd_test_store_result_cb, &result);
  sd_test_wait_until (sd_test_result_arrived, &result, WAIT_LIMIT_S, "the download");
  return sd_service_download_finish (fixture->service, result, error);
}

typedef struct
{
  SdSimulator     *sim;
  SdSimulatorStep  step;
  guint            count;
} CountWait;

static gboolean
count_reached (gpointer data)
{
  CountWait *wait = data;

  return sd_simulator_get_request_count (wait->sim, wait->step) >= wait->count;
}

static void
wait_for_count (SdSimulator     *sim,
                SdSimulatorStep  step,
                guint            count)
{
  CountWait wait = { sim, step, count };

  sd_test_wait_until (count_reached, &wait, WAIT_LIMIT_S, "simulator requests");
}

static guint
query_count (Fixture *fixture)
{
  return sd_simulator_get_request_count (fixture->sim, SD_SIMULATOR_STEP_QUERY);
}

static SdTask *
submit_ok (Fixture    *fixture,
           const char *prompt)
{
  g_autoptr(SdRequest) request = sd_test_images_request (prompt);
  g_autoptr(GError) error = NULL;
  SdTask *task = submit_sync (fixture, request, &error);

  g_assert_no_error (error);
  g_assert_nonnull (task);
  return task;
}

static void
finish_on_server (Fixture *fixture)
{
  sd_simulator_advance_clock (fixture->sim, QUEUED_MS + PROCESSING_MS);
}

static void
assert_file_is_sample (const char *path)
{
  g_autoptr(GBytes) sample = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;
  g_autoptr(GError) error = NULL;

  sample = g_resources_lookup_data (SAMPLE_RESOURCE, 0, &error);
  g_assert_no_error (error);
  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (contents, length, g_bytes_get_data (sample, NULL), g_bytes_get_size (sample));
}

static void
assert_stored (Fixture      *fixture,
               SdTask       *task,
               SdTaskStatus  status)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdTask) stored = sd_store_load_task (fixture->store, sd_task_get_id (task), &error);

  g_assert_no_error (error);
  g_assert_nonnull (stored);
  g_assert_cmpint (sd_task_get_status (stored), ==, status);
  g_assert_cmpstr (sd_task_get_local_file (stored), ==, sd_task_get_local_file (task));
}

/* The whole flow: submitted, queued, processing, completed, saved. */
static void
assert_happy_path (Fixture   *fixture,
                   SdRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdTask) task = submit_sync (fixture, request, &error);
  g_autofree char *dir = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (fixture->added->len, ==, 1);
  g_assert_true (g_ptr_array_index (fixture->added, 0) == task);
  g_assert_cmpint (sd_task_get_status (task), ==, SD_TASK_STATUS_QUEUED);
  g_assert_true (g_list_model_get_item (sd_service_get_tasks (fixture->service), 0) == task);
  g_object_unref (task);

  sd_simulator_advance_clock (fixture->sim, QUEUED_MS);
  sd_test_wait_for_status (task, SD_TASK_STATUS_PROCESSING, WAIT_LIMIT_S);
  assert_stored (fixture, task, SD_TASK_STATUS_PROCESSING);

  sd_simulator_advance_clock (fixture->sim, PROCESSING_MS);
  sd_test_wait_for_status (task, SD_TASK_STATUS_COMPLETED, WAIT_LIMIT_S);
  g_assert_nonnull (sd_task_get_video_url (task));
  g_assert_cmpint (sd_task_get_expires_at (task), ==,
                   MAX (sd_task_get_created_at (task), sd_task_get_first_seen_at (task)) +
                   SD_TASK_LINK_LIFETIME);
  g_assert_cmpint (sd_task_get_first_seen_at (task), >, 0);

  sd_test_wait_for_download (task, WAIT_LIMIT_S);
  g_assert_cmpint (sd_task_get_download_state (task), ==, SD_DOWNLOAD_STATE_DONE);
  g_assert_cmpfloat (sd_task_get_download_progress (task), ==, 1.0);
  dir = g_path_get_dirname (sd_task_get_local_file (task));
  g_assert_cmpstr (dir, ==, fixture->download_dir);
  assert_file_is_sample (sd_task_get_local_file (task));
  assert_stored (fixture, task, SD_TASK_STATUS_COMPLETED);

  g_assert_cmpuint (fixture->completed->len, ==, 1);
  g_assert_cmpuint (fixture->failed->len, ==, 0);
  g_assert_cmpuint (sd_simulator_get_request_count (fixture->sim, SD_SIMULATOR_STEP_CREATE), ==, 1);
}

static void
test_images_happy_path (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(SdRequest) request = sd_test_images_request ("A calm sea at dawn");

  assert_happy_path (fixture, request);
}

static void
test_frames_happy_path (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(SdRequest) request = sd_test_frames_request ();

  assert_happy_path (fixture, request);
}

static void
test_submit_saves_before_returning (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autoptr(SdTask) task = submit_ok (fixture, "A lighthouse in fog");
  g_autoptr(SdStore) other = sd_test_open_store ();
  g_autoptr(SdTask) stored = NULL;
  g_autoptr(GError) error = NULL;

  /* Another connection (another process after a crash) sees the task. */
  stored = sd_store_load_task (other, sd_task_get_id (task), &error);
  g_assert_no_error (error);
  g_assert_nonnull (stored);
  g_assert_cmpstr (sd_request_get_prompt (sd_task_get_request (stored)), ==, "A lighthouse in fog");
  g_assert_cmpint (sd_task_get_created_at (stored), >, 0);
}

static void
test_submit_copies_the_request (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autoptr(SdRequest) request = sd_test_images_request ("A red kite over hills");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(SdTask) task = NULL;
  g_autoptr(GError) error = NULL;

  sd_service_submit_async (fixture->service, request, NULL, sd_test_store_result_cb, &result);
  /* The composer goes on editing while the task is created. */
  sd_request_set_prompt (request, "Something else");
  sd_test_wait_until (sd_test_result_arrived, &result, WAIT_LIMIT_S, "the submission");
  task = sd_service_submit_finish (fixture->service, result, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (sd_request_get_prompt (sd_task_get_request (task)), ==, "A red kite over hills");
}

static void
test_failed_task (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(SdTask) task = submit_ok (fixture, "Please fail this one");

  finish_on_server (fixture);
  sd_test_wait_for_status (task, SD_TASK_STATUS_FAILED, WAIT_LIMIT_S);
  g_assert_cmpuint (fixture->failed->len, ==, 1);
  g_assert_true (g_ptr_array_index (fixture->failed, 0) == task);
  g_assert_cmpuint (fixture->completed->len, ==, 0);
  g_assert_cmpstr (sd_task_get_failure_message (task), ==,
                   "Generation failed: the prompt asked the simulator to fail.");
  g_assert_cmpint (sd_task_get_download_state (task), ==, SD_DOWNLOAD_STATE_NONE);
  assert_stored (fixture, task, SD_TASK_STATUS_FAILED);
  g_assert_cmpuint (sd_simulator_get_request_count (fixture->sim, SD_SIMULATOR_STEP_DOWNLOAD), ==, 0);
}

/* A fault on some queries: the task still completes, and is never failed. */
static void
assert_query_fault_is_survived (Fixture          *fixture,
                                SdSimulatorFault  fault)
{
  g_autoptr(SdTask) task = NULL;

  sd_simulator_set_fault (fixture->sim, SD_SIMULATOR_STEP_QUERY, fault, 3);
  task = submit_ok (fixture, "A quiet harbour");
  finish_on_server (fixture);
  sd_test_wait_for_status (task, SD_TASK_STATUS_COMPLETED, WAIT_LIMIT_S);

  g_assert_cmpuint (fixture->poll_errors->len, ==, 3);
  g_assert_cmpuint (fixture->failed->len, ==, 0);
  g_assert_cmpuint (fixture->completed->len, ==, 1);
  g_assert_cmpuint (query_count (fixture), >=, 4);
  assert_stored (fixture, task, SD_TASK_STATUS_COMPLETED);
}

static void
test_query_500 (Fixture       *fixture,
                gconstpointer  data)
{
  assert_query_fault_is_survived (fixture, SD_SIMULATOR_FAULT_HTTP_500);
}

static void
test_query_malformed (Fixture       *fixture,
                      gconstpointer  data)
{
  assert_query_fault_is_survived (fixture, SD_SIMULATOR_FAULT_MALFORMED_JSON);
}

static void
test_query_slow (Fixture       *fixture,
                 gconstpointer  data)
{
  sd_client_set_request_timeout (fixture->client, 200);
  assert_query_fault_is_survived (fixture, SD_SIMULATOR_FAULT_SLOW);
}

static void
test_query_dropped (Fixture       *fixture,
                    gconstpointer  data)
{
  assert_query_fault_is_survived (fixture, SD_SIMULATOR_FAULT_DROP_MID_BODY);
}

static gboolean
poll_error_seen (gpointer data)
{
  Fixture *fixture = data;

  return fixture->poll_errors->len > 0;
}

static void
test_query_rate_limited (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(SdTask) task = NULL;
  const GError *error;
  gint64 not_before;
  guint count;

  sd_simulator_set_retry_after (fixture->sim, 1);
  sd_simulator_set_fault (fixture->sim, SD_SIMULATOR_STEP_QUERY, SD_SIMULATOR_FAULT_RATE_LIMITED, 1);
  task = submit_ok (fixture, "A windmill in spring");

  sd_test_wait_until (poll_error_seen, fixture, WAIT_LIMIT_S, "the 429");
  error = g_ptr_array_index (fixture->poll_errors, 0);
  g_assert_error (error, SD_API_ERROR, SD_API_ERROR_RATE_LIMITED);
  g_assert_cmpint (sd_api_error_get_retry_after (error), ==, 1);
  count = query_count (fixture);
  not_before = fixture->first_poll_error_time + G_USEC_PER_SEC;
  g_assert_cmpint (sd_service_get_next_poll_time (fixture->service, task), >=, not_before);

  /* The next query is not sent before Retry-After has passed (the poll
   * interval alone would have asked again after 30 ms). */
  wait_for_count (fixture->sim, SD_SIMULATOR_STEP_QUERY, count + 1);
  g_assert_cmpint (g_get_monotonic_time (), >=, not_before);

  finish_on_server (fixture);
  sd_test_wait_for_status (task, SD_TASK_STATUS_COMPLETED, WAIT_LIMIT_S);
  g_assert_cmpuint (fixture->failed->len, ==, 0);
}

/* The list and the history hold one uncertain task, never polled. */
static void
assert_one_uncertain_task (Fixture *fixture)
{
  GListModel *tasks = sd_service_get_tasks (fixture->service);
  g_autoptr(SdTask) task = NULL;

  g_assert_cmpuint (g_list_model_get_n_items (tasks), ==, 1);
  g_assert_cmpuint (fixture->added->len, ==, 1);
  task = g_list_model_get_item (tasks, 0);
  g_assert_cmpint (sd_task_get_status (task), ==, SD_TASK_STATUS_UNCERTAIN);
  g_assert_true (g_str_has_prefix (sd_task_get_id (task), SD_TASK_UNCERTAIN_ID_PREFIX));
  g_assert_nonnull (strstr (sd_task_get_failure_message (task), "may or may not have been created"));
  g_assert_true (sd_task_get_is_finished (task));
}

static void
test_create_500 (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(SdRequest) request = sd_test_images_request ("A cat on a piano");
  g_autoptr(SdTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) store_error = NULL;

  sd_simulator_set_fault (fixture->sim, SD_SIMULATOR_STEP_CREATE, SD_SIMULATOR_FAULT_HTTP_500, 1);
  task = submit_sync (fixture, request, &error);

  g_assert_null (task);
  /* A 500 may come after the task was made: kept as uncertain, not retried. */
  g_assert_error (error, SD_API_ERROR, SD_API_ERROR_OUTCOME_UNKNOWN);
  g_assert_cmpuint (sd_api_error_get_http_status (error), ==, 500);
  g_assert_cmpuint (sd_simulator_get_request_count (fixture->sim, SD_SIMULATOR_STEP_CREATE), ==, 1);
  assert_one_uncertain_task (fixture);
  g_assert_cmpint (sd_store_count (fixture->store, &store_error), ==, 1);
}

static void
assert_create_outcome_unknown (Fixture          *fixture,
                               SdSimulatorFault  fault)
{
  g_autoptr(SdRequest) request = sd_test_images_request ("A cat on a piano");
  g_autoptr(SdTask) task = NULL;
  g_autoptr(GError) error = NULL;

  sd_client_set_request_timeout (fixture->client, 200);
  sd_simulator_set_fault (fixture->sim, SD_SIMULATOR_STEP_CREATE, fault, 1);
  task = submit_sync (fixture, request, &error);

  g_assert_null (task);
  g_assert_error (error, SD_API_ERROR, SD_API_ERROR_OUTCOME_UNKNOWN);
  /* Never retried: a second create could pay for the same video twice. */
  g_assert_cmpuint (sd_simulator_get_request_count (fixture->sim, SD_SIMULATOR_STEP_CREATE), ==, 1);
  g_assert_cmpuint (sd_simulator_get_task_count (fixture->sim), ==, 1);
  assert_one_uncertain_task (fixture);
}

static void
test_create_dropped (Fixture       *fixture,
                     gconstpointer  data)
{
  assert_create_outcome_unknown (fixture, SD_SIMULATOR_FAULT_DROP_MID_BODY);
}

static void
test_create_slow (Fixture       *fixture,
                  gconstpointer  data)
{
  assert_create_outcome_unknown (fixture, SD_SIMULATOR_FAULT_SLOW);
}

static void
test_invalid_request (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(SdRequest) request = sd_test_images_request ("A cat on a piano");
  g_autoptr(SdTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;

  sd_request_set_ratio (request, "7:3");
  sd_request_set_first_image (request, "https://example.com/start.png");
  task = submit_sync (fixture, request, &error);

  g_assert_null (task);
  g_assert_error (error, SD_API_ERROR, SD_API_ERROR_INVALID_REQUEST);
  lines = g_strsplit (error->message, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), >=, 2);
  g_assert_cmpuint (sd_simulator_get_request_count (fixture->sim, SD_SIMULATOR_STEP_CREATE), ==, 0);
  g_assert_cmpuint (fixture->added->len, ==, 0);
}

static void
test_unknown_model (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(SdRequest) request = sd_test_images_request ("A cat on a piano");
  g_autoptr(SdTask) task = NULL;
  g_autoptr(GError) error = NULL;

  sd_request_set_model (request, "no-such-model");
  task = submit_sync (fixture, request, &error);

  g_assert_null (task);
  g_assert_error (error, SD_API_ERROR, SD_API_ERROR_INVALID_REQUEST);
  g_assert_cmpuint (sd_simulator_get_request_count (fixture->sim, SD_SIMULATOR_STEP_CREATE), ==, 0);
}

static void
test_offline_pauses_polling (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(SdTask) task = NULL;
  guint count;

  task = submit_ok (fixture, "A train crossing a bridge");
  sd_service_set_online (fixture->service, FALSE);
  count = query_count (fixture);
  finish_on_server (fixture);

  /* Several poll intervals go by without a single query. */
  sd_test_run_for (5 * MAX_POLL_MS);
  g_assert_cmpuint (query_count (fixture), ==, count);
  g_assert_cmpint (sd_task_get_status (task), ==, SD_TASK_STATUS_QUEUED);

  sd_service_set_online (fixture->service, TRUE);
  sd_test_wait_for_status (task, SD_TASK_STATUS_COMPLETED, WAIT_LIMIT_S);
  g_assert_cmpuint (fixture->failed->len, ==, 0);
}

static gboolean
service_has_last_error (gpointer data)
{
  return sd_service_get_last_error (data) != NULL;
}

/* A loopback API is always reachable: an offline network monitor does not
 * stop it (it did, and "submit --wait" hung in silence); another address
 * waits for the network. */
static void
test_loopback_ignores_an_offline_monitor (Fixture       *fixture,
                                          gconstpointer  data)
{
  g_autoptr(GNetworkMonitor) monitor = sd_test_offline_monitor_new ();
  g_autofree char *sim = g_strdup (sd_simulator_get_base_url (fixture->sim));
  g_autofree char *mapped = g_strdup_printf ("http://[::ffff:127.0.0.1]%s", strrchr (sim, ':'));
  g_autoptr(SdTask) task = NULL;

  sd_service_set_network_monitor (fixture->service, monitor);
  g_assert_true (sd_service_get_online (fixture->service));

  task = submit_ok (fixture, "A heron in the reeds");
  finish_on_server (fixture);
  sd_test_wait_for_status (task, SD_TASK_STATUS_COMPLETED, WAIT_LIMIT_S);

  sd_client_set_base_url (fixture->client, "https://api.example.com");
  g_assert_false (sd_service_get_online (fixture->service));
  sd_client_set_base_url (fixture->client, mapped);
  g_assert_true (sd_service_get_online (fixture->service));
  sd_client_set_base_url (fixture->client, "http://localtest.me");
  g_assert_false (sd_service_get_online (fixture->service));
  sd_client_set_base_url (fixture->client, sim);
  g_assert_true (sd_service_get_online (fixture->service));
  sd_service_set_network_monitor (fixture->service, NULL);
}

/* Polling with a refused address stops and says why, and asks nobody. */
static void
test_refused_address_pauses_polling (Fixture       *fixture,
                                     gconstpointer  data)
{
  g_autofree char *sim = g_strdup (sd_simulator_get_base_url (fixture->sim));
  g_autofree char *with_query = g_strconcat (sim, "/?x=1", NULL);
  g_autoptr(SdTask) task = NULL;
  guint count;

  task = submit_ok (fixture, "An owl at dusk");
  count = query_count (fixture);
  sd_client_set_base_url (fixture->client, with_query);
  sd_test_wait_until (service_has_last_error, fixture->service, WAIT_LIMIT_S, "the address to be refused");
  g_assert_nonnull (strstr (sd_service_get_last_error (fixture->service), "?x=1"));

  sd_test_run_for (5 * MAX_POLL_MS);
  g_assert_cmpuint (query_count (fixture), ==, count);
  g_assert_cmpint (sd_task_get_status (task), ==, SD_TASK_STATUS_QUEUED);
  g_assert_cmpuint (fixture->failed->len, ==, 0);

  sd_client_set_base_url (fixture->client, sim);
  sd_service_resume (fixture->service);
  finish_on_server (fixture);
  sd_test_wait_for_status (task, SD_TASK_STATUS_COMPLETED, WAIT_LIMIT_S);
}

static void
test_refused_token_pauses_polling (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_autoptr(SdTask) task = NULL;
  guint count;

  task = submit_ok (fixture, "A fox in the snow");
  sd_simulator_set_token (fixture->sim, "sk_rotated");
  sd_test_wait_until (service_has_last_error, fixture->service, WAIT_LIMIT_S, "the token to be refused");
  count = query_count (fixture);

  sd_test_run_for (5 * MAX_POLL_MS);
  g_assert_cmpuint (query_count (fixture), ==, count);
  g_assert_cmpint (sd_task_get_status (task), ==, SD_TASK_STATUS_QUEUED);
  g_assert_cmpuint (fixture->failed->len, ==, 0);

  /* The user enters the new token. */
  sd_client_set_token (fixture->client, "sk_rotated");
  sd_service_resume (fixture->service);
  g_assert_null (sd_service_get_last_error (fixture->service));
  finish_on_server (fixture);
  sd_test_wait_for_status (task, SD_TASK_STATUS_COMPLETED, WAIT_LIMIT_S);
}

static void
test_restart_resumes_unfinished (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autoptr(SdTask) first = NULL;
  g_autoptr(SdTask) second = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *tasks;
  SdTask *loaded;

  g_object_set (fixture->service, "first-poll-delay", 60000, NULL);
  first = submit_ok (fixture, "The first one");
  second = submit_ok (fixture, "The second one");

  /* The app is closed before the tasks finish, then started again. */
  g_clear_object (&fixture->service);
  g_clear_object (&fixture->store);
  fixture->store = sd_test_open_store ();
  fixture->service = make_service (fixture);
  g_assert_true (sd_service_load_history (fixture->service, &error));
  g_assert_no_error (error);

  tasks = sd_service_get_tasks (fixture->service);
  g_assert_cmpuint (g_list_model_get_n_items (tasks), ==, 2);
  loaded = sd_service_lookup (fixture->service, sd_task_get_id (second));
  g_assert_nonnull (loaded);
  g_assert_true (g_list_model_get_item (tasks, 0) == loaded);
  g_object_unref (loaded);

  finish_on_server (fixture);
  sd_test_wait_for_status (loaded, SD_TASK_STATUS_COMPLETED, WAIT_LIMIT_S);
  sd_test_wait_for_status (sd_service_lookup (fixture->service, sd_task_get_id (first)),
                   SD_TASK_STATUS_COMPLETED, WAIT_LIMIT_S);
  g_assert_cmpuint (fixture->completed->len, ==, 2);
  g_assert_cmpuint (fixture->added->len, ==, 2);
  sd_test_wait_for_download (loaded, WAIT_LIMIT_S);
  g_assert_cmpint (sd_task_get_download_state (loaded), ==, SD_DOWNLOAD_STATE_DONE);
}

#define WRONG_TOKEN "sk_wrong_but_secret"

static gboolean
service_is_paused (gpointer data)
{
  return sd_service_get_last_error (data) != NULL;
}

/* Runs in a subprocess with the service's debug log on: a 429 with
 * Retry-After, the backoff to completion, a resume at start and a refused
 * token. */
/* Printed through a handler of our own: GLib 2.84's test log handler
 * drops debug messages whatever G_MESSAGES_DEBUG says. */
static void
print_debug_cb (const char     *domain,
                GLogLevelFlags  level,
                const char     *message,
                gpointer        data)
{
  g_print ("%s-DEBUG: %s\n", domain, message);
}

static void
log_schedule_decisions (Fixture *fixture)
{
  g_autoptr(SdTask) task = NULL;
  g_autoptr(SdTask) unfinished = NULL;
  g_autoptr(GError) error = NULL;

  g_log_set_handler ("sd-service", G_LOG_LEVEL_DEBUG, print_debug_cb, NULL);
  sd_simulator_set_retry_after (fixture->sim, 1);
  sd_simulator_set_fault (fixture->sim, SD_SIMULATOR_STEP_QUERY, SD_SIMULATOR_FAULT_RATE_LIMITED, 1);
  task = submit_ok (fixture, "A windmill in spring");
  sd_test_wait_until (poll_error_seen, fixture, WAIT_LIMIT_S, "the 429");
  /* The retry answers "queued", and the one after it is sent. */
  wait_for_count (fixture->sim, SD_SIMULATOR_STEP_QUERY, query_count (fixture) + 2);
  finish_on_server (fixture);
  sd_test_wait_for_status (task, SD_TASK_STATUS_COMPLETED, WAIT_LIMIT_S);
  sd_test_wait_for_download (task, WAIT_LIMIT_S);

  g_object_set (fixture->service, "first-poll-delay", 60000, NULL);
  unfinished = submit_ok (fixture, "A lighthouse at night");
  g_clear_object (&fixture->service);
  fixture->service = make_service (fixture);
  sd_client_set_token (fixture->client, WRONG_TOKEN);
  g_assert_true (sd_service_load_history (fixture->service, &error));
  g_assert_no_error (error);
  sd_test_wait_until (service_is_paused, fixture->service, WAIT_LIMIT_S, "the refused token");
}

/* What a bug report needs is in the debug log: each decision of the poll
 * schedule, the backoff, a Retry-After honoured, a retry, a resume at
 * start, a pause; never a token, the good one or the refused one. */
static void
test_debug_log_tells_the_schedule (Fixture       *fixture,
                                   gconstpointer  data)
{
  if (g_test_subprocess ())
    {
      log_schedule_decisions (fixture);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("*sd-service-DEBUG*: Task vid_*: next query in 20 ms*");
  g_test_trap_assert_stdout ("*query failed (SdApiError 3, HTTP 429); retry in 30 ms (backoff)*");
  g_test_trap_assert_stdout ("*Retry-After honoured, retry in 1 s*");
  g_test_trap_assert_stdout ("*: queued; next query in 45 ms (backoff)*");
  g_test_trap_assert_stdout ("*: video saved*");
  g_test_trap_assert_stdout ("*History: 1 tasks to resume*");
  g_test_trap_assert_stdout ("*: resumed unfinished, asking the server*");
  g_test_trap_assert_stdout ("*Polling paused: the server refused the token*");
  g_test_trap_assert_stdout_unmatched ("*" SD_SIMULATOR_DEFAULT_TOKEN "*");
  g_test_trap_assert_stdout_unmatched ("*" WRONG_TOKEN "*");
}

static void
test_finished_tasks_are_not_polled_after_restart (Fixture       *fixture,
                                                  gconstpointer  data)
{
  g_autoptr(SdTask) task = submit_ok (fixture, "A finished one");
  g_autoptr(GError) error = NULL;
  guint count;

  finish_on_server (fixture);
  sd_test_wait_for_status (task, SD_TASK_STATUS_COMPLETED, WAIT_LIMIT_S);
  sd_test_wait_for_download (task, WAIT_LIMIT_S);

  g_clear_object (&fixture->service);
  fixture->service = make_service (fixture);
  g_assert_true (sd_service_load_history (fixture->service, &error));
  count = query_count (fixture);
  sd_test_run_for (5 * MAX_POLL_MS);
  g_assert_cmpuint (query_count (fixture), ==, count);
  g_assert_cmpuint (sd_simulator_get_request_count (fixture->sim, SD_SIMULATOR_STEP_DOWNLOAD), ==, 1);
  g_assert_cmpuint (fixture->completed->len, ==, 1);
}

/* A history of @n_finished failed tasks "h000"… one second apart from
 * 1000 on, and @n_queued unfinished "q0"… older than all of them. */
static void
save_history (Fixture *fixture,
              guint    n_finished,
              guint    n_queued)
{
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < n_finished + n_queued; i++)
    {
      gboolean queued = i >= n_finished;
      g_autofree char *id = queued ? g_strdup_printf ("q%u", i - n_finished)
                                   : g_strdup_printf ("h%03u", i);
      g_autoptr(SdRequest) request = sd_request_new ();
      g_autoptr(SdTask) task = NULL;

      sd_request_set_model (request, MODEL);
      sd_request_set_prompt (request, id);
      task = sd_task_new (id, request);
      sd_task_set_status (task, queued ? SD_TASK_STATUS_QUEUED : SD_TASK_STATUS_FAILED,
                          queued ? "queued" : "failed");
      sd_task_set_created_at (task, queued ? 10 + i - n_finished : 1000 + i);
      g_assert_true (sd_store_save_task (fixture->store, task, &error));
      g_assert_no_error (error);
    }
}

/* The ids in the list, in its order, with "|" between. */
static char *
list_ids (Fixture *fixture)
{
  GListModel *tasks = sd_service_get_tasks (fixture->service);
  g_autoptr(GString) ids = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (tasks); i++)
    {
      g_autoptr(SdTask) task = g_list_model_get_item (tasks, i);

      g_string_append_printf (ids, "%s%s", i > 0 ? "|" : "", sd_task_get_id (task));
    }
  return g_string_free (g_steal_pointer (&ids), FALSE);
}

/* The ids h<from> down to h<to>, then q<n_queued - 1> down to q0. */
static char *
expected_ids (guint from,
              guint to,
              guint n_queued)
{
  g_autoptr(GString) ids = g_string_new (NULL);

  for (guint i = from + 1; i-- > to;)
    g_string_append_printf (ids, "%sh%03u", ids->len > 0 ? "|" : "", i);
  for (guint i = n_queued; i-- > 0;)
    g_string_append_printf (ids, "%sq%u", ids->len > 0 ? "|" : "", i);
  return g_string_free (g_steal_pointer (&ids), FALSE);
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 guint      *count)
{
  (*count)++;
}

static void
test_history_loads_unfinished_and_newest_page (Fixture       *fixture,
                                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *ids = NULL;
  g_autofree char *expected = NULL;

  save_history (fixture, 250, 2);
  g_object_set (fixture->service, "first-poll-delay", 60000, NULL);
  g_assert_true (sd_service_load_history (fixture->service, &error));
  g_assert_no_error (error);

  /* the newest 100, then the older unfinished ones at their places */
  ids = list_ids (fixture);
  expected = expected_ids (249, 150, 2);
  g_assert_cmpstr (ids, ==, expected);
  g_assert_true (sd_service_get_has_more (fixture->service));
  /* the unfinished ones are polled, however old */
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *id = g_strdup_printf ("q%u", i);

      g_assert_cmpint (sd_service_get_next_poll_time (fixture->service,
                                                      sd_service_lookup (fixture->service, id)), >, 0);
    }
}

static void
test_history_load_more_appends_older_pages (Fixture       *fixture,
                                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  guint notified = 0;

  save_history (fixture, 250, 2);
  g_object_set (fixture->service, "first-poll-delay", 60000, NULL);
  g_assert_true (sd_service_load_history (fixture->service, &error));
  g_signal_connect (fixture->service, "notify::has-more", G_CALLBACK (count_notify_cb), &notified);

  for (guint round = 0; round < 2; round++)
    {
      guint expect_added = round == 0 ? 100 : 50;
      g_autofree char *ids = NULL;
      g_autofree char *expected = NULL;

      g_assert_cmpuint (sd_service_load_more (fixture->service, 100), ==, expect_added);
      ids = list_ids (fixture);
      expected = expected_ids (249, round == 0 ? 50 : 0, 2);
      /* in order, and the unfinished ones (in the first load) are not there twice */
      g_assert_cmpstr (ids, ==, expected);
      g_assert_true (sd_service_get_has_more (fixture->service) == (round == 0));
    }
  g_assert_cmpuint (notified, ==, 1);
  g_assert_cmpuint (sd_service_load_more (fixture->service, 100), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (sd_service_get_tasks (fixture->service)), ==, 252);
}

/* A completed task older than the first page whose download a run left
 * running is picked up at start, as before paging. */
static void
test_history_interrupted_download_resumes_beyond_the_page (Fixture       *fixture,
                                                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdRequest) request = sd_request_new ();
  g_autoptr(SdTask) interrupted = NULL;
  g_autoptr(SdTask) at_100 = NULL;

  save_history (fixture, 150, 0);
  sd_request_set_model (request, MODEL);
  sd_request_set_prompt (request, "interrupted");
  interrupted = sd_task_new ("interrupted", request);
  sd_task_set_status (interrupted, SD_TASK_STATUS_COMPLETED, "completed");
  sd_task_set_created_at (interrupted, 5);
  /* not a web address: resuming it fails at once, without a transfer */
  sd_task_set_video_url (interrupted, "file:///etc/passwd");
  sd_task_set_download_state (interrupted, SD_DOWNLOAD_STATE_RUNNING);
  g_assert_true (sd_store_save_task (fixture->store, interrupted, &error));
  g_clear_object (&interrupted);

  g_assert_true (sd_service_load_history (fixture->service, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (sd_service_get_tasks (fixture->service)), ==, 101);
  at_100 = g_list_model_get_item (sd_service_get_tasks (fixture->service), 100);
  g_assert_cmpstr (sd_task_get_id (at_100), ==, "interrupted");
  g_assert_cmpint (sd_task_get_download_state (at_100), ==, SD_DOWNLOAD_STATE_FAILED);
  g_assert_true (sd_service_get_has_more (fixture->service));
}

/* A history of exactly one page has nothing more to load. */
static void
test_history_one_page_has_nothing_more (Fixture       *fixture,
                                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  save_history (fixture, SD_SERVICE_HISTORY_PAGE, 0);
  g_assert_true (sd_service_load_history (fixture->service, &error));
  g_assert_cmpuint (g_list_model_get_n_items (sd_service_get_tasks (fixture->service)), ==,
                    SD_SERVICE_HISTORY_PAGE);
  g_assert_false (sd_service_get_has_more (fixture->service));
  g_assert_cmpuint (sd_service_load_more (fixture->service, 100), ==, 0);
}

/* A task no page has loaded yet (the CLI's status, a notification's
 * "show task") is read from the history, put at its place, and can be
 * removed and restored; the pages after it do not add it again. */
static void
test_history_lookup_reads_an_unloaded_task (Fixture       *fixture,
                                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdTask) stored = NULL;
  g_autoptr(SdTask) at_100 = NULL;
  GListModel *tasks = sd_service_get_tasks (fixture->service);
  g_autofree char *ids = NULL;
  g_autofree char *expected = NULL;
  SdTask *task;

  save_history (fixture, 250, 2);
  g_object_set (fixture->service, "first-poll-delay", 60000, NULL);
  g_assert_true (sd_service_load_history (fixture->service, &error));
  g_assert_null (sd_service_lookup (fixture->service, "not-in-the-history"));

  task = sd_service_lookup (fixture->service, "h010");
  g_assert_nonnull (task);
  g_assert_cmpstr (sd_request_get_prompt (sd_task_get_request (task)), ==, "h010");
  g_assert_true (sd_service_lookup (fixture->service, "h010") == task);
  g_assert_cmpuint (g_list_model_get_n_items (tasks), ==, 103);
  at_100 = g_list_model_get_item (tasks, 100);
  g_assert_true (at_100 == task);

  g_object_ref (task);
  g_assert_true (sd_service_remove (fixture->service, task, &error));
  g_assert_no_error (error);
  stored = sd_store_load_task (fixture->store, "h010", &error);
  g_assert_null (stored);
  g_assert_null (sd_service_lookup (fixture->service, "h010"));
  g_assert_true (sd_service_restore (fixture->service, task, &error));
  g_assert_no_error (error);
  g_assert_true (sd_service_lookup (fixture->service, "h010") == task);
  g_object_unref (task);

  g_assert_cmpuint (sd_service_load_more (fixture->service, G_MAXUINT), ==, 149);
  g_assert_false (sd_service_get_has_more (fixture->service));
  ids = list_ids (fixture);
  expected = expected_ids (249, 0, 2);
  g_assert_cmpstr (ids, ==, expected);
}

static void
test_remove_and_restore (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(SdTask) older = submit_ok (fixture, "Older");
  g_autoptr(SdTask) middle = NULL;
  g_autoptr(SdTask) newer = NULL;
  g_autoptr(SdTask) stored = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *tasks = sd_service_get_tasks (fixture->service);
  g_autoptr(SdTask) at_1 = NULL;

  middle = submit_ok (fixture, "Middle");
  newer = submit_ok (fixture, "Newer");
  finish_on_server (fixture);
  sd_test_wait_for_status (older, SD_TASK_STATUS_COMPLETED, WAIT_LIMIT_S);
  sd_test_wait_for_status (middle, SD_TASK_STATUS_COMPLETED, WAIT_LIMIT_S);
  sd_test_wait_for_status (newer, SD_TASK_STATUS_COMPLETED, WAIT_LIMIT_S);
  sd_test_wait_for_download (middle, WAIT_LIMIT_S);
  /* Seconds apart, as tasks usually are; the server no longer changes them. */
  sd_task_set_created_at (older, sd_task_get_created_at (older) - 20);
  sd_task_set_created_at (middle, sd_task_get_created_at (middle) - 10);
  g_assert_nonnull (sd_task_get_local_file (middle));

  g_assert_true (sd_service_remove (fixture->service, middle, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (tasks), ==, 2);
  g_assert_null (sd_service_lookup (fixture->service, sd_task_get_id (middle)));
  stored = sd_store_load_task (fixture->store, sd_task_get_id (middle), &error);
  g_assert_no_error (error);
  g_assert_null (stored);
  /* The saved video stays. */
  g_assert_true (g_file_test (sd_task_get_local_file (middle), G_FILE_TEST_EXISTS));

  /* Removing twice is refused. */
  g_assert_false (sd_service_remove (fixture->service, middle, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (sd_service_restore (fixture->service, middle, &error));
  g_assert_no_error (error);
  at_1 = g_list_model_get_item (tasks, 1);
  g_assert_true (at_1 == middle);
  stored = sd_store_load_task (fixture->store, sd_task_get_id (middle), &error);
  g_assert_nonnull (stored);
  g_assert_cmpstr (sd_task_get_local_file (stored), ==, sd_task_get_local_file (middle));

  g_assert_false (sd_service_restore (fixture->service, middle, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
}


static SdStoreRemoval *
remove_many (SdService           *service,
             const char * const  *ids)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  SdStoreRemoval *removal;

  sd_service_remove_many_async (service, ids, NULL, sd_test_store_result_cb, &result);
  sd_test_wait_until (sd_test_result_arrived, &result, 30, "the tasks removed");
  removal = sd_service_remove_many_finish (service, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (removal);
  return removal;
}

static void
restore_many (SdService      *service,
              SdStoreRemoval *removal)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  sd_service_restore_many_async (service, removal, NULL, sd_test_store_result_cb, &result);
  sd_test_wait_until (sd_test_result_arrived, &result, 30, "the tasks restored");
  g_assert_true (sd_service_restore_many_finish (service, result, &error));
  g_assert_no_error (error);
}

/* Many at once: loaded tasks leave the list at once, one only in the
 * history leaves it too, an unknown id is skipped; Undo puts back every
 * one, favourite and all, the loaded ones at their places, and the one
 * beyond the pages with its page. */
static void
test_remove_many_and_restore (Fixture       *fixture,
                              gconstpointer  data)
{
  const char *ids[] = { "h249", "h248", "h200", "h010", "no-such-task", NULL };
  g_autoptr(SdStoreRemoval) removal = NULL;
  g_autoptr(SdTask) stored = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *list = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *restored = NULL;
  GListModel *tasks = sd_service_get_tasks (fixture->service);

  save_history (fixture, 250, 0);
  g_assert_true (sd_store_set_favourite (fixture->store, (const char *[]) { "h200", "h010", NULL },
                                         TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (sd_service_load_history (fixture->service, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (tasks), ==, 100);
  g_assert_null (sd_service_get_loaded_task (fixture->service, "h010"));

  removal = remove_many (fixture->service, ids);
  g_assert_cmpuint (sd_store_removal_get_n_tasks (removal), ==, 4);
  g_assert_cmpuint (g_list_model_get_n_items (tasks), ==, 97);
  g_assert_null (sd_service_get_loaded_task (fixture->service, "h249"));
  g_assert_null (sd_service_get_loaded_task (fixture->service, "h200"));
  g_assert_cmpint (sd_store_count (fixture->store, &error), ==, 246);
  stored = sd_store_load_task (fixture->store, "h010", &error);
  g_assert_no_error (error);
  g_assert_null (stored);
  list = list_ids (fixture);
  g_assert_null (strstr (list, "h248"));
  g_assert_nonnull (strstr (list, "h247|h246"));
  g_assert_nonnull (strstr (list, "h201|h199"));

  restore_many (fixture->service, removal);
  g_assert_cmpint (sd_store_count (fixture->store, &error), ==, 250);
  /* the loaded ones in their places; h010 waits for its page */
  restored = list_ids (fixture);
  expected = expected_ids (249, 150, 0);
  g_assert_cmpstr (restored, ==, expected);
  sd_service_load_more (fixture->service, 200);
  g_clear_pointer (&restored, g_free);
  g_clear_pointer (&expected, g_free);
  restored = list_ids (fixture);
  expected = expected_ids (249, 0, 0);
  g_assert_cmpstr (restored, ==, expected);
  stored = sd_store_load_task (fixture->store, "h010", &error);
  g_assert_nonnull (stored);
  g_assert_true (sd_task_get_favourite (stored));
  g_assert_true (sd_task_get_favourite (sd_service_get_loaded_task (fixture->service, "h200")));
  g_assert_false (sd_task_get_favourite (sd_service_get_loaded_task (fixture->service, "h249")));

  /* restored once: a second Undo has nothing to put back */
  {
    g_autoptr(GAsyncResult) result = NULL;

    sd_service_restore_many_async (fixture->service, removal, NULL, sd_test_store_result_cb, &result);
    sd_test_wait_until (sd_test_result_arrived, &result, 30, "the second restore");
    g_assert_false (sd_service_restore_many_finish (fixture->service, result, &error));
    g_assert_error (error, SD_STORE_ERROR, SD_STORE_ERROR_WRITE);
  }
}

static gboolean
no_query_in_flight (gpointer data)
{
  guint in_flight;

  g_object_get (data, "queries-in-flight", &in_flight, NULL);
  return in_flight == 0;
}

static void
test_removed_during_a_query_stays_removed (Fixture       *fixture,
                                           gconstpointer  data)
{
  g_autoptr(SdTask) task = NULL;
  g_autoptr(GError) error = NULL;

  sd_simulator_set_slow_delay (fixture->sim, 300);
  sd_simulator_set_fault (fixture->sim, SD_SIMULATOR_STEP_QUERY, SD_SIMULATOR_FAULT_SLOW, 1);
  task = submit_ok (fixture, "A kite that is removed");
  sd_simulator_advance_clock (fixture->sim, QUEUED_MS);
  wait_for_count (fixture->sim, SD_SIMULATOR_STEP_QUERY, 1);

  g_assert_true (sd_service_remove (fixture->service, task, &error));
  sd_test_wait_until (no_query_in_flight, fixture->service, WAIT_LIMIT_S, "the slow answer");

  /* The late answer neither changed the task nor brought it back. */
  g_assert_cmpint (sd_task_get_status (task), ==, SD_TASK_STATUS_QUEUED);
  g_assert_cmpint (sd_store_count (fixture->store, &error), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (sd_service_get_tasks (fixture->service)), ==, 0);
  sd_test_run_for (5 * MAX_POLL_MS);
  g_assert_cmpuint (query_count (fixture), ==, 1);
}

/* A completed task written straight into the history, as an earlier run
 * would have left it. */
static SdTask *
stored_completed_task (Fixture    *fixture,
                       const char *id,
                       const char *video_url,
                       gint64      created_at)
{
  g_autoptr(SdRequest) request = sd_test_images_request ("From an earlier run");
  g_autoptr(GError) error = NULL;
  SdTask *task = sd_task_new (id, request);

  sd_task_set_created_at (task, created_at);
  sd_task_set_status (task, SD_TASK_STATUS_COMPLETED, "completed");
  sd_task_set_video_url (task, video_url);
  g_assert_true (sd_store_save_task (fixture->store, task, &error));
  g_assert_no_error (error);
  return task;
}

/* A link past its expiry is still tried once (clocks disagree); when that
 * fails, the task says it expired and is not tried again by itself. */
static void
test_expired_link_is_tried_once (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autofree char *url = g_strconcat (sd_simulator_get_base_url (fixture->sim),
                                      "/videos/old.mp4", NULL);
  gint64 created_at = g_get_real_time () / G_USEC_PER_SEC - 73 * 3600;
  g_autoptr(SdTask) written = stored_completed_task (fixture, "task-old", url, created_at);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  SdTask *task;

  g_assert_true (sd_service_load_history (fixture->service, &error));
  task = sd_service_lookup (fixture->service, "task-old");
  g_assert_nonnull (task);
  sd_test_wait_for_download (task, WAIT_LIMIT_S);
  g_assert_cmpint (sd_task_get_download_state (task), ==, SD_DOWNLOAD_STATE_EXPIRED);
  g_assert_nonnull (sd_task_get_download_error (task));
  g_assert_null (sd_task_get_local_file (task));
  g_assert_cmpuint (sd_simulator_get_request_count (fixture->sim, SD_SIMULATOR_STEP_DOWNLOAD), ==, 1);

  /* By hand it is tried again, and told the same. */
  path = download_sync (fixture, task, NULL, &error);
  g_assert_null (path);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_cmpuint (sd_simulator_get_request_count (fixture->sim, SD_SIMULATOR_STEP_DOWNLOAD), ==, 2);
  sd_test_run_for (200);
  g_assert_cmpuint (sd_simulator_get_request_count (fixture->sim, SD_SIMULATOR_STEP_DOWNLOAD), ==, 2);
}

/* A completed task whose server created_at is @created_at: the video is
 * still fetched, whatever that date says. */
static void
assert_downloaded_despite_created_at (Fixture *fixture,
                                      gint64   created_at)
{
  g_autoptr(SdTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  g_settings_set_boolean (fixture->settings, "auto-download", FALSE);
  task = submit_ok (fixture, "A clock that is wrong");
  finish_on_server (fixture);
  sd_test_wait_for_status (task, SD_TASK_STATUS_COMPLETED, WAIT_LIMIT_S);
  sd_task_set_created_at (task, created_at);

  g_assert_false (sd_task_is_link_expired (task, g_get_real_time () / G_USEC_PER_SEC));
  g_assert_cmpint (sd_task_get_expires_at (task), >=,
                   sd_task_get_first_seen_at (task) + SD_TASK_LINK_LIFETIME);
  path = download_sync (fixture, task, NULL, &error);
  g_assert_no_error (error);
  assert_file_is_sample (path);
  g_assert_cmpint (sd_task_get_download_state (task), ==, SD_DOWNLOAD_STATE_DONE);
}

static void
test_created_at_far_in_the_past_still_downloads (Fixture       *fixture,
                                                 gconstpointer  data)
{
  assert_downloaded_despite_created_at (fixture, 1);
}

static void
test_created_at_far_in_the_future_still_downloads (Fixture       *fixture,
                                                   gconstpointer  data)
{
  assert_downloaded_despite_created_at (fixture, G_MAXINT64 - 5);
}

static void
test_file_url_is_never_opened (Fixture       *fixture,
                               gconstpointer  data)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(SdTask) written = stored_completed_task (fixture, "task-file", "file:///etc/passwd", now);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  SdTask *task;

  g_assert_true (sd_service_load_history (fixture->service, &error));
  task = sd_service_lookup (fixture->service, "task-file");
  g_assert_cmpint (sd_task_get_download_state (task), ==, SD_DOWNLOAD_STATE_FAILED);
  g_assert_nonnull (sd_task_get_download_error (task));
  g_assert_null (sd_task_get_local_file (task));

  path = download_sync (fixture, task, NULL, &error);
  g_assert_null (path);
  g_assert_error (error, SD_DOWNLOAD_ERROR, SD_DOWNLOAD_ERROR_UNSAFE_URL);
  g_assert_false (g_file_test (fixture->download_dir, G_FILE_TEST_EXISTS));
}

static void
test_download_again (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(SdTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *elsewhere = g_build_filename (g_get_user_cache_dir (), "elsewhere", NULL);
  g_autofree char *path = NULL;
  g_autofree char *dir = NULL;

  g_settings_set_boolean (fixture->settings, "auto-download", FALSE);
  task = submit_ok (fixture, "A balloon over the desert");
  finish_on_server (fixture);
  sd_test_wait_for_status (task, SD_TASK_STATUS_COMPLETED, WAIT_LIMIT_S);
  g_assert_cmpint (sd_task_get_download_state (task), ==, SD_DOWNLOAD_STATE_NONE);
  g_assert_cmpuint (sd_simulator_get_request_count (fixture->sim, SD_SIMULATOR_STEP_DOWNLOAD), ==, 0);

  path = download_sync (fixture, task, elsewhere, &error);
  g_assert_no_error (error);
  dir = g_path_get_dirname (path);
  g_assert_cmpstr (dir, ==, elsewhere);
  assert_file_is_sample (path);
  g_assert_cmpstr (sd_task_get_local_file (task), ==, path);
  g_assert_cmpint (sd_task_get_download_state (task), ==, SD_DOWNLOAD_STATE_DONE);
  assert_stored (fixture, task, SD_TASK_STATUS_COMPLETED);
}

/* A finished task's video can still be saved while the configured address
 * is refused (the client then has none; the video link needs no token). */
static void
test_download_with_a_refused_address (Fixture       *fixture,
                                      gconstpointer  data)
{
  g_autoptr(SdTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  g_settings_set_boolean (fixture->settings, "auto-download", FALSE);
  task = submit_ok (fixture, "A kite over the dunes");
  finish_on_server (fixture);
  sd_test_wait_for_status (task, SD_TASK_STATUS_COMPLETED, WAIT_LIMIT_S);

  sd_client_set_base_url (fixture->client, "http://localtest.me");
  g_assert_null (sd_client_get_base_url (fixture->client));
  path = download_sync (fixture, task, NULL, &error);
  g_assert_no_error (error);
  assert_file_is_sample (path);
}

static void
test_download_default_folder (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(SdTask) task = NULL;
  const char *videos = g_get_user_special_dir (G_USER_DIRECTORY_VIDEOS);
  g_autofree char *expected = NULL;
  g_autofree char *dir = NULL;

  g_settings_set_string (fixture->settings, "download-dir", "");
  if (videos != NULL)
    expected = g_build_filename (videos, "Seedance", NULL);
  else
    expected = g_build_filename (g_get_home_dir (), "Videos", "Seedance", NULL);

  task = submit_ok (fixture, "A snowy owl");
  finish_on_server (fixture);
  sd_test_wait_for_status (task, SD_TASK_STATUS_COMPLETED, WAIT_LIMIT_S);
  sd_test_wait_for_download (task, WAIT_LIMIT_S);
  dir = g_path_get_dirname (sd_task_get_local_file (task));
  g_assert_cmpstr (dir, ==, expected);
}

static void
test_download_failure_keeps_task_completed (Fixture       *fixture,
                                            gconstpointer  data)
{
  g_autoptr(SdTask) task = NULL;

  sd_simulator_set_fault (fixture->sim, SD_SIMULATOR_STEP_DOWNLOAD, SD_SIMULATOR_FAULT_HTTP_500, 0);
  task = submit_ok (fixture, "A storm at sea");
  finish_on_server (fixture);
  sd_test_wait_for_status (task, SD_TASK_STATUS_COMPLETED, WAIT_LIMIT_S);
  sd_test_wait_for_download (task, WAIT_LIMIT_S);

  g_assert_cmpint (sd_task_get_download_state (task), ==, SD_DOWNLOAD_STATE_FAILED);
  g_assert_nonnull (sd_task_get_download_error (task));
  g_assert_cmpint (sd_task_get_status (task), ==, SD_TASK_STATUS_COMPLETED);
  g_assert_null (sd_task_get_local_file (task));
  assert_stored (fixture, task, SD_TASK_STATUS_COMPLETED);
}

static void
test_refresh_queries_now (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(SdTask) task = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_object_set (fixture->service, "first-poll-delay", 600000, NULL);
  g_settings_set_boolean (fixture->settings, "auto-download", FALSE);
  task = submit_ok (fixture, "A paper boat");
  finish_on_server (fixture);

  sd_service_refresh_async (fixture->service, task, NULL, sd_test_store_result_cb, &result);
  sd_test_wait_until (sd_test_result_arrived, &result, WAIT_LIMIT_S, "the refresh");
  g_assert_true (sd_service_refresh_finish (fixture->service, result, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sd_task_get_status (task), ==, SD_TASK_STATUS_COMPLETED);
  g_assert_cmpuint (query_count (fixture), ==, 1);
  g_assert_cmpuint (fixture->completed->len, ==, 1);
  assert_stored (fixture, task, SD_TASK_STATUS_COMPLETED);

  /* Asking again changes nothing and signals nothing twice. */
  g_clear_object (&result);
  sd_service_refresh_async (fixture->service, task, NULL, sd_test_store_result_cb, &result);
  sd_test_wait_until (sd_test_result_arrived, &result, WAIT_LIMIT_S, "the second refresh");
  g_assert_true (sd_service_refresh_finish (fixture->service, result, &error));
  g_assert_cmpuint (fixture->completed->len, ==, 1);
}

/* The most polls one task may get in @elapsed µs from its submission. */
static guint
polls_allowed (gint64 elapsed)
{
  double interval = FIRST_POLL_MS * 1000.0;
  double at = interval;
  guint polls = 0;

  while (at <= elapsed)
    {
      polls++;
      interval = MIN (interval * 1.5, MAX_POLL_MS * 1000.0);
      at += interval;
    }
  return polls;
}

static void
on_in_flight_notify_cb (SdService  *service,
                        GParamSpec *pspec,
                        guint      *max_seen)
{
  guint in_flight;

  g_object_get (service, "queries-in-flight", &in_flight, NULL);
  *max_seen = MAX (*max_seen, in_flight);
}

static gboolean
all_completed (gpointer data)
{
  Fixture *fixture = data;

  return fixture->completed->len == 50;
}

static void
test_fifty_tasks_one_schedule (Fixture       *fixture,
                               gconstpointer  data)
{
  gint64 start = g_get_monotonic_time ();
  guint max_seen = 0;

  g_settings_set_boolean (fixture->settings, "auto-download", FALSE);
  g_signal_connect (fixture->service, "notify::queries-in-flight",
                    G_CALLBACK (on_in_flight_notify_cb), &max_seen);
  for (guint i = 0; i < 50; i++)
    {
      g_autofree char *prompt = g_strdup_printf ("Variant %u of a sunrise", i);
      g_autoptr(SdTask) task = submit_ok (fixture, prompt);
    }
  finish_on_server (fixture);
  sd_test_wait_until (all_completed, fixture, WAIT_LIMIT_S, "fifty completions");

  g_assert_cmpuint (max_seen, >=, 1);
  g_assert_cmpuint (max_seen, <=, 4);
  g_assert_cmpuint (query_count (fixture), >=, 50);
  g_assert_cmpuint (query_count (fixture), <=, 50 * polls_allowed (g_get_monotonic_time () - start));
  g_assert_cmpuint (fixture->failed->len, ==, 0);
  g_assert_cmpuint (sd_simulator_get_request_count (fixture->sim, SD_SIMULATOR_STEP_DOWNLOAD), ==, 0);
}

static void
count_notify_of_cb (GObject    *object,
                    GParamSpec *pspec,
                    guint      *count)
{
  (*count)++;
}

static void
assert_read_only (GObject    *object,
                  const char *name)
{
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (object), name);

  g_assert_nonnull (pspec);
  g_assert_true (pspec->flags & G_PARAM_READABLE);
  g_assert_false ((pspec->flags & G_PARAM_WRITABLE) && !(pspec->flags & G_PARAM_CONSTRUCT_ONLY));
}

/* A view reaches the list and the service's parts through properties
 * (a .ui <lookup>, g_object_bind_property), and hears of a new store. */
static void
test_service_properties (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GListModel) tasks = NULL;
  g_autoptr(SdClient) client = NULL;
  g_autoptr(SdStore) store = NULL;
  g_autoptr(SdStore) other = NULL;
  g_autoptr(SdStore) now = NULL;
  g_autoptr(SdTask) task = NULL;
  g_autoptr(SdTask) listed = NULL;
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "other.db", NULL);
  g_autoptr(GError) error = NULL;
  guint notified = 0;

  g_object_get (fixture->service, "tasks", &tasks, "client", &client, "store", &store, NULL);
  g_assert_true (tasks == sd_service_get_tasks (fixture->service));
  g_assert_true (client == fixture->client);
  g_assert_true (store == fixture->store);
  for (guint i = 0; i < 3; i++)
    assert_read_only (G_OBJECT (fixture->service), (const char *[]) { "tasks", "client", "store" }[i]);

  task = submit_ok (fixture, "A kite over the dunes");
  g_assert_cmpuint (g_list_model_get_n_items (tasks), ==, 1);
  listed = g_list_model_get_item (tasks, 0);
  g_assert_true (listed == task);

  other = sd_store_open (path, NULL, &error);
  g_assert_no_error (error);
  g_signal_connect (fixture->service, "notify::store", G_CALLBACK (count_notify_of_cb), &notified);
  sd_service_set_store (fixture->service, other);
  g_assert_cmpuint (notified, ==, 1);
  g_object_get (fixture->service, "store", &now, NULL);
  g_assert_true (now == other);
  g_assert_cmpuint (g_list_model_get_n_items (tasks), ==, 0);
}

/* The context. */

typedef struct
{
  GAsyncResult *result;
} ContextWait;

static SdContext *
start_context (gboolean demo)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(SdContext) context = demo ? sd_demo_context_new (&error) : sd_context_new (&error);

  g_assert_no_error (error);
  g_assert_nonnull (context);
  sd_context_start_async (context, NULL, sd_test_store_result_cb, &result);
  sd_test_wait_until (sd_test_result_arrived, &result, WAIT_LIMIT_S, "the context to start");
  g_assert_true (sd_context_start_finish (context, result, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&context);
}

/* The signals a listener uses, and no others: a task's own "notify" tells
 * every change, its "download-progress" the progress. */
static void
test_service_signals (void)
{
  g_autoptr(GTypeClass) klass = g_type_class_ref (SD_TYPE_SERVICE);

  g_assert_cmpuint (g_signal_lookup ("task-added", SD_TYPE_SERVICE), !=, 0);
  g_assert_cmpuint (g_signal_lookup ("task-completed", SD_TYPE_SERVICE), !=, 0);
  g_assert_cmpuint (g_signal_lookup ("task-failed", SD_TYPE_SERVICE), !=, 0);
  g_assert_cmpuint (g_signal_lookup ("poll-error", SD_TYPE_SERVICE), !=, 0);
  g_assert_cmpuint (g_signal_lookup ("task-changed", SD_TYPE_SERVICE), ==, 0);
  g_assert_cmpuint (g_signal_lookup ("download-progress", SD_TYPE_SERVICE), ==, 0);
}

static void
test_context_demo (void)
{
  g_autoptr(SdContext) context = start_context (TRUE);
  SdSimulator *sim = sd_demo_get_simulator (context);
  g_autofree char *path = NULL;

  g_assert_true (sd_context_get_demo (context));
  g_assert_true (sd_context_get_has_token (context));
  g_assert_nonnull (sim);
  g_assert_cmpstr (sd_client_get_base_url (sd_context_get_client (context)), ==,
                   sd_simulator_get_base_url (sim));
  path = g_path_get_basename (sd_store_get_path (sd_context_get_store (context)));
  g_assert_cmpstr (path, ==, "demo-history.db");
  g_assert_true (sd_service_get_online (sd_context_get_service (context)));
  /* The endpoint's certificate is the simulator's, for the thumbnails. */
  g_assert_true (sd_context_get_tls_certificate (context) ==
                 sd_simulator_get_tls_certificate (sim));
}

/* The real service has no demo endpoint, so no certificate to trust. */
static void
test_context_real_has_no_endpoint (void)
{
  g_autoptr(SdContext) context = NULL;

  g_setenv ("SEEDANCE_API_TOKEN", "sk_real", TRUE);
  context = start_context (FALSE);
  g_unsetenv ("SEEDANCE_API_TOKEN");
  g_assert_false (sd_context_get_demo (context));
  g_assert_null (sd_context_get_endpoint (context));
  g_assert_null (sd_context_get_tls_certificate (context));
  g_assert_null (sd_demo_get_simulator (context));
}

/* Leaves a demo task queued in the demo history, as a run that ends early. */
static char *
submit_demo_task_and_stop (SdRequest *request)
{
  g_autoptr(SdContext) first = start_context (TRUE);
  SdService *service = sd_context_get_service (first);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SdTask) submitted = NULL;

  sd_simulator_set_manual_clock (sd_demo_get_simulator (first), TRUE);
  sd_service_submit_async (service, request, NULL, sd_test_store_result_cb, &result);
  sd_test_wait_until (sd_test_result_arrived, &result, WAIT_LIMIT_S, "the submission");
  submitted = sd_service_submit_finish (service, result, &error);
  g_assert_no_error (error);
  return g_strdup (sd_task_get_id (submitted));
}

static void
test_context_demo_finishes_tasks_of_an_earlier_run (void)
{
  g_autoptr(SdRequest) request = sd_request_new ();
  g_autoptr(SdContext) second = NULL;
  g_autofree char *id = NULL;
  SdTask *task;

  sd_request_set_model (request, "seedance2.0-fast-i2v");
  sd_request_set_prompt (request, "a paper boat drifts down a gutter");
  id = submit_demo_task_and_stop (request);

  second = start_context (TRUE);
  sd_simulator_set_timing (sd_demo_get_simulator (second), 10, 10);
  task = sd_service_lookup (sd_context_get_service (second), id);
  g_assert_nonnull (task);
  g_assert_false (sd_task_get_is_finished (task));
  sd_test_wait_for_status (task, SD_TASK_STATUS_COMPLETED, WAIT_LIMIT_S);
}

/* "Try the demo" on a running context adopts the earlier run's tasks too. */
static void
test_context_start_demo_finishes_tasks_of_an_earlier_run (void)
{
  g_autoptr(SdRequest) request = sd_request_new ();
  g_autoptr(SdContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  SdTask *task;

  sd_request_set_model (request, "seedance2.0-fast-i2v");
  sd_request_set_prompt (request, "a kite tangled in a cherry tree");
  id = submit_demo_task_and_stop (request);

  g_setenv ("SEEDANCE_API_TOKEN", "sk_real", TRUE);
  context = start_context (FALSE);
  g_unsetenv ("SEEDANCE_API_TOKEN");
  g_assert_true (sd_demo_start (context, &error));
  g_assert_no_error (error);

  sd_simulator_set_timing (sd_demo_get_simulator (context), 10, 10);
  task = sd_service_lookup (sd_context_get_service (context), id);
  g_assert_nonnull (task);
  g_assert_false (sd_task_get_is_finished (task));
  sd_test_wait_for_status (task, SD_TASK_STATUS_COMPLETED, WAIT_LIMIT_S);
}

static void
test_context_start_demo_switches (void)
{
  g_autoptr(SdContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  GError *none = NULL;

  g_setenv ("SEEDANCE_API_TOKEN", "sk_real", TRUE);
  context = start_context (FALSE);
  g_unsetenv ("SEEDANCE_API_TOKEN");
  g_assert_false (sd_context_get_demo (context));
  g_assert_null (sd_demo_get_simulator (context));

  g_assert_true (sd_demo_start (context, &error));
  g_assert_no_error (error);
  g_assert_true (sd_context_get_demo (context));
  g_assert_true (sd_context_get_has_token (context));
  g_assert_cmpstr (sd_client_get_base_url (sd_context_get_client (context)), ==,
                   sd_simulator_get_base_url (sd_demo_get_simulator (context)));
  path = g_path_get_basename (sd_store_get_path (sd_context_get_store (context)));
  g_assert_cmpstr (path, ==, "demo-history.db");
  g_assert_no_error (none);
}

/* Each part of the context is a read-only property that agrees with its
 * getter; starting the demo tells that the store changed. */
static void
test_context_properties (void)
{
  const char *names[] = { "service", "store", "catalog", "client", "settings", "secrets" };
  g_autoptr(SdContext) context = NULL;
  g_autoptr(GError) error = NULL;
  gpointer parts[G_N_ELEMENTS (names)];
  gpointer getters[G_N_ELEMENTS (names)];
  g_autoptr(SdStore) store = NULL;
  g_autoptr(SdService) service = NULL;
  guint notified = 0;

  g_setenv ("SEEDANCE_API_TOKEN", "sk_real", TRUE);
  context = start_context (FALSE);
  g_unsetenv ("SEEDANCE_API_TOKEN");

  getters[0] = sd_context_get_service (context);
  getters[1] = sd_context_get_store (context);
  getters[2] = sd_context_get_catalog (context);
  getters[3] = sd_context_get_client (context);
  getters[4] = sd_context_get_settings (context);
  getters[5] = sd_context_get_secrets (context);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (context), names[i]);

      g_assert_nonnull (pspec);
      g_assert_cmpint (pspec->flags & (G_PARAM_READABLE | G_PARAM_WRITABLE), ==, G_PARAM_READABLE);
      g_object_get (context, names[i], &parts[i], NULL);
      g_assert_nonnull (parts[i]);
      g_assert_true (parts[i] == getters[i]);
      g_object_unref (parts[i]);
    }

  g_signal_connect (context, "notify::store", G_CALLBACK (count_notify_of_cb), &notified);
  g_assert_true (sd_demo_start (context, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (notified, ==, 1);
  g_object_get (context, "store", &store, "service", &service, NULL);
  g_assert_true (store == sd_context_get_store (context));
  g_assert_true (store != getters[1]);
  g_assert_true (service == getters[0]);
}

static void
start_context_expecting_error (SdContext *context,
                               GError   **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sd_context_start_async (context, NULL, sd_test_store_result_cb, &result);
  sd_test_wait_until (sd_test_result_arrived, &result, WAIT_LIMIT_S, "the context to start");
  g_assert_false (sd_context_start_finish (context, result, error));
}

/* A refused address is an error, never a fallback to the production
 * service: the client has no address, submitting sends nothing. */
static void
test_context_plain_http_refused (void)
{
  const char *bad[] = {
    "http://example.com", "http://localtest.me", "https://www.jimmyai.cn/?a=b",
    "https://www.jimmyai.cn#x", " https://www.jimmyai.cn", "https://www.jimmyai.cn ",
    "https://user:hunter2@www.jimmyai.cn",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(SdContext) context = NULL;
      g_autoptr(SdRequest) request = sd_test_images_request ("a cat");
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(SdTask) task = NULL;
      g_autoptr(GError) error = NULL;
      const char * const *notices;
      SdService *service;

      g_setenv ("SEEDANCE_API_BASE", bad[i], TRUE);
      g_setenv ("SEEDANCE_API_TOKEN", "sk_real", TRUE);
      context = start_context (FALSE);
      g_unsetenv ("SEEDANCE_API_BASE");
      g_unsetenv ("SEEDANCE_API_TOKEN");

      g_assert_null (sd_client_get_base_url (sd_context_get_client (context)));
      g_assert_nonnull (sd_context_get_base_url_error (context));
      g_assert_false (sd_context_check_base_url (context, &error));
      g_assert_error (error, SD_API_ERROR, SD_API_ERROR_INVALID_REQUEST);
      g_assert_nonnull (strstr (error->message, "SEEDANCE_API_BASE"));
      g_assert_null (strstr (error->message, "hunter2"));
      g_assert_null (strstr (error->message, "used instead"));
      g_clear_error (&error);

      notices = sd_context_get_notices (context);
      g_assert_nonnull (notices);
      g_assert_cmpuint (g_strv_length ((char **) notices), ==, 1);
      g_assert_cmpstr (notices[0], ==, sd_context_get_base_url_error (context));

      service = sd_context_get_service (context);
      sd_service_submit_async (service, request, NULL, sd_test_store_result_cb, &result);
      sd_test_wait_until (sd_test_result_arrived, &result, WAIT_LIMIT_S, "the submission");
      task = sd_service_submit_finish (service, result, &error);
      g_assert_null (task);
      g_assert_nonnull (error);
    }
}

/* The same for the setting; correcting it in Preferences takes effect at
 * once. */
static void
test_context_setting_refused_until_corrected (void)
{
  g_autoptr(GSettings) settings = g_settings_new (SCHEMA_ID);
  g_autoptr(SdContext) context = NULL;
  guint notified = 0;

  g_settings_set_string (settings, "api-base-url", "http://localtest.me:8080");
  g_setenv ("SEEDANCE_API_TOKEN", "sk_real", TRUE);
  context = start_context (FALSE);
  g_unsetenv ("SEEDANCE_API_TOKEN");

  g_assert_null (sd_client_get_base_url (sd_context_get_client (context)));
  g_assert_nonnull (strstr (sd_context_get_base_url_error (context), "http://localtest.me:8080"));
  g_assert_nonnull (strstr (sd_context_get_base_url_error (context), "Preferences"));

  g_signal_connect (context, "notify::base-url-error", G_CALLBACK (count_notify_cb), &notified);
  g_settings_set_string (sd_context_get_settings (context), "api-base-url", "http://127.0.0.1:8123/");
  g_assert_null (sd_context_get_base_url_error (context));
  g_assert_true (sd_context_check_base_url (context, NULL));
  g_assert_cmpuint (notified, ==, 1);
  g_assert_cmpstr (sd_client_get_base_url (sd_context_get_client (context)), ==,
                   "http://127.0.0.1:8123");
  g_assert_true (sd_context_get_has_token (context));
  g_settings_reset (settings, "api-base-url");
}

/* A token file or variable saved on Windows ends in CR LF: one line ending
 * is dropped; a control character inside is refused before anything is
 * sent, naming where the token came from. */
static void
test_context_token_line_endings (void)
{
  g_autoptr(SdContext) context = NULL;
  g_autoptr(GError) error = NULL;

  g_setenv ("SEEDANCE_API_TOKEN", "sk_from_env\r\n", TRUE);
  context = start_context (FALSE);
  g_assert_true (sd_context_get_has_token (context));
  g_clear_object (&context);

  g_setenv ("SEEDANCE_API_TOKEN", "sk_from\r\nenv", TRUE);
  context = sd_context_new (&error);
  g_assert_no_error (error);
  start_context_expecting_error (context, &error);
  g_unsetenv ("SEEDANCE_API_TOKEN");
  g_assert_error (error, SD_API_ERROR, SD_API_ERROR_UNAUTHORIZED);
  g_assert_nonnull (strstr (error->message, "SEEDANCE_API_TOKEN"));
  g_assert_null (strstr (error->message, "sk_from"));
  g_assert_false (sd_context_get_has_token (context));
}

static void
test_context_base_url_from_environment (void)
{
  g_autoptr(SdContext) context = NULL;
  g_autoptr(GError) error = NULL;

  g_setenv ("SEEDANCE_API_BASE", "http://127.0.0.1:8123", TRUE);
  context = sd_context_new (&error);
  g_unsetenv ("SEEDANCE_API_BASE");
  g_assert_no_error (error);

  g_assert_cmpstr (sd_client_get_base_url (sd_context_get_client (context)), ==,
                   "http://127.0.0.1:8123");
  g_assert_null (sd_context_get_notices (context));
}

static void
test_context_token_from_environment (void)
{
  g_autoptr(SdContext) context = NULL;
  g_autoptr(GError) error = NULL;

  context = sd_context_new (&error);
  g_assert_no_error (error);
  g_assert_false (sd_context_get_has_token (context));
  g_clear_object (&context);

  g_setenv ("SEEDANCE_API_TOKEN", "sk_from_env", TRUE);
  context = start_context (FALSE);
  g_unsetenv ("SEEDANCE_API_TOKEN");
  g_assert_true (sd_context_get_has_token (context));
  g_assert_false (sd_context_get_demo (context));
}

static void
test_context_moved_aside_history (void)
{
  g_autofree char *path = sd_store_default_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(SdContext) context = NULL;
  g_autoptr(GError) error = NULL;
  const char * const *notices;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, "this is not a database, not at all", -1, &error));
  context = sd_context_new (&error);
  g_assert_no_error (error);

  notices = sd_context_get_notices (context);
  g_assert_nonnull (notices);
  g_assert_nonnull (strstr (notices[0], ".broken-"));
}

/* The request is in the history before it is sent, as a pending row that
 * says the task may exist: a crash during the create leaves that trace.
 * The answer takes the row over; no pending row stays behind it. */
static void
test_submit_notes_intent_before_sending (Fixture       *fixture,
                                         gconstpointer  data)
{
  g_autoptr(SdRequest) request = sd_test_images_request ("A fox at dawn");
  g_autoptr(SdStore) other = sd_test_open_store ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) stored = NULL;
  g_autoptr(SdTask) task = NULL;
  g_autoptr(GError) error = NULL;
  SdTask *pending;

  /* well under the simulator's slow delay, well over a slow sanitizer build's connect */
  sd_client_set_request_timeout (fixture->client, 1000);
  sd_simulator_set_fault (fixture->sim, SD_SIMULATOR_STEP_CREATE, SD_SIMULATOR_FAULT_SLOW, 1);
  sd_service_submit_async (fixture->service, request, NULL, sd_test_store_result_cb, &result);
  stored = sd_store_load_tasks (other, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stored->len, ==, 1);
  pending = g_ptr_array_index (stored, 0);
  g_assert_true (g_str_has_prefix (sd_task_get_id (pending), SD_TASK_UNCERTAIN_ID_PREFIX));
  g_assert_cmpint (sd_task_get_status (pending), ==, SD_TASK_STATUS_UNCERTAIN);
  g_assert_cmpstr (sd_request_get_prompt (sd_task_get_request (pending)), ==, "A fox at dawn");
  g_assert_nonnull (strstr (sd_task_get_failure_message (pending), "may or may not"));
  g_assert_cmpint (sd_task_get_created_at (pending), >, 0);

  /* the answer never came in time: the row stays, saying so */
  sd_test_wait_until (sd_test_result_arrived, &result, WAIT_LIMIT_S, "the submission");
  task = sd_service_submit_finish (fixture->service, result, &error);
  g_assert_null (task);
  g_assert_error (error, SD_API_ERROR, SD_API_ERROR_OUTCOME_UNKNOWN);
  g_clear_error (&error);
  g_clear_pointer (&stored, g_ptr_array_unref);
  stored = sd_store_load_tasks (other, &error);
  g_assert_cmpuint (stored->len, ==, 1);
  g_assert_cmpint (sd_task_get_status (g_ptr_array_index (stored, 0)), ==, SD_TASK_STATUS_UNCERTAIN);

  /* an answered create: its row has the provider's id, nothing else is new */
  sd_client_set_request_timeout (fixture->client, 30000);
  task = submit_ok (fixture, "A fox at noon");
  g_clear_pointer (&stored, g_ptr_array_unref);
  stored = sd_store_load_tasks (other, &error);
  g_assert_cmpuint (stored->len, ==, 2);
  g_assert_cmpstr (sd_task_get_id (g_ptr_array_index (stored, 0)), ==, sd_task_get_id (task));
  g_assert_cmpint (sd_task_get_status (g_ptr_array_index (stored, 0)), ==, SD_TASK_STATUS_QUEUED);
}

/* A history deleted before the answer: the task is kept in the list and in
 * the journal, the caller is told with its id, and the next open adds it. */
static void
test_submit_unsaved_task_goes_to_the_journal (Fixture       *fixture,
                                              gconstpointer  data)
{
  g_autoptr(SdRequest) request = sd_test_images_request ("A boat on a lake");
  g_autofree char *path = g_strdup (sd_store_get_path (fixture->store));
  g_autofree char *journal = sd_store_get_journal_path (fixture->store);
  g_autofree char *contents = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) not_saved = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SdTask) task = NULL;
  g_autoptr(SdTask) stored = NULL;
  g_autoptr(SdStore) reopened = NULL;

  /* no poll during the test: its saves would fail the same way */
  g_object_set (fixture->service, "first-poll-delay", 600000, NULL);
  g_assert_cmpint (g_unlink (path), ==, 0);
  sd_service_submit_async (fixture->service, request, NULL, sd_test_store_result_cb, &result);
  sd_test_wait_until (sd_test_result_arrived, &result, WAIT_LIMIT_S, "the submission");
  task = sd_service_submit_finish_full (fixture->service, result, &not_saved, &error);
  g_assert_no_error (error);
  g_assert_nonnull (task);
  g_assert_error (not_saved, SD_STORE_ERROR, SD_STORE_ERROR_REPLACED);
  g_assert_nonnull (strstr (not_saved->message, sd_task_get_id (task)));
  g_assert_nonnull (strstr (not_saved->message, "not in the task history"));
  g_assert_cmpuint (sd_simulator_get_task_count (fixture->sim), ==, 1);
  g_assert_true (sd_service_lookup (fixture->service, sd_task_get_id (task)) == task);

  g_assert_true (g_file_get_contents (journal, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, sd_task_get_id (task)));

  reopened = sd_test_open_store ();
  g_assert_false (g_file_test (journal, G_FILE_TEST_EXISTS));
  stored = sd_store_load_task (reopened, sd_task_get_id (task), &error);
  g_assert_no_error (error);
  g_assert_nonnull (stored);
  g_assert_cmpstr (sd_request_get_prompt (sd_task_get_request (stored)), ==, "A boat on a lake");
  g_assert_cmpint (sd_store_count (reopened, NULL), ==, 1);
}

static void
save_keyed_task (SdStore    *store,
                 const char *base,
                 const char *prompt)
{
  g_autoptr(SdRequest) request = sd_test_images_request (prompt);
  g_autoptr(SdTask) task = sd_task_new ("cgt-same", request);
  g_autoptr(GError) error = NULL;

  /* finished and saved: nothing to poll or download */
  sd_task_set_status (task, SD_TASK_STATUS_COMPLETED, "completed");
  sd_task_set_created_at (task, 1000);
  sd_task_set_local_file (task, "/nonexistent/video.mp4");
  sd_task_set_download_state (task, SD_DOWNLOAD_STATE_DONE);
  sd_store_set_base (store, base);
  g_assert_true (sd_store_save_task (store, task, &error));
  g_assert_no_error (error);
}

static const char *
prompt_of (SdContext *context)
{
  SdTask *task = sd_service_lookup (sd_context_get_service (context), "cgt-same");

  g_assert_nonnull (task);
  return sd_request_get_prompt (sd_task_get_request (task));
}

/* The same id from two servers is two tasks; the list, the lookups and
 * the saves are those of the address in use, and follow it when it is
 * changed in the settings. */
static void
test_context_history_follows_the_address (void)
{
  g_autoptr(GSettings) settings = g_settings_new (SCHEMA_ID);
  g_autofree char *path = sd_store_default_path ();
  g_autoptr(SdStore) store = NULL;
  g_autoptr(SdContext) context = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *tasks;

  store = sd_store_open (path, NULL, &error);
  g_assert_no_error (error);
  save_keyed_task (store, "http://127.0.0.1:8001", "from one");
  save_keyed_task (store, "http://127.0.0.1:8002", "from two");
  g_clear_object (&store);

  g_settings_set_string (settings, "api-base-url", "http://127.0.0.1:8001");
  g_setenv ("SEEDANCE_API_TOKEN", "sk_real", TRUE);
  context = start_context (FALSE);
  g_unsetenv ("SEEDANCE_API_TOKEN");
  tasks = sd_service_get_tasks (sd_context_get_service (context));

  g_assert_cmpuint (g_list_model_get_n_items (tasks), ==, 1);
  g_assert_cmpstr (prompt_of (context), ==, "from one");

  g_settings_set_string (sd_context_get_settings (context), "api-base-url", "http://127.0.0.1:8002/");
  g_assert_cmpuint (g_list_model_get_n_items (tasks), ==, 1);
  g_assert_cmpstr (prompt_of (context), ==, "from two");

  g_settings_set_string (sd_context_get_settings (context), "api-base-url", "http://127.0.0.1:8003");
  g_assert_cmpuint (g_list_model_get_n_items (tasks), ==, 0);
  g_assert_null (sd_service_lookup (sd_context_get_service (context), "cgt-same"));
  g_settings_reset (settings, "api-base-url");
}

static gboolean
held_more (gpointer data)
{
  return sd_simulator_get_n_held_messages () > GPOINTER_TO_UINT (data);
}

static gboolean
wait_done_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* libsoup up to 3.6.5 ends a TLS handshake on a freed connection when the
 * server let the connection go first, as disposing the simulator does (a
 * critical, or a crash, in the next test's main loop): the simulator holds
 * the connection through its handshake. A client connects to the TLS port
 * and says nothing; the simulator goes; then the client goes, from a
 * thread: closing the server's side waits for its handshake, which ends
 * only when the client goes. */
static gpointer
close_later_thread (gpointer data)
{
  /* after the simulator started to go (were it before, the handshake
   * would end first, and the test would pass without showing anything) */
  g_usleep (200 * 1000);
  g_io_stream_close (G_IO_STREAM (data), NULL, NULL);
  return NULL;
}

static void
test_simulator_disposed_during_a_handshake (void)
{
  g_autoptr(SdCatalog) catalog = sd_catalog_new ();
  g_autoptr(SdSimulator) sim = sd_test_simulator_new (catalog, QUEUED_MS, PROCESSING_MS);
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) error = NULL;
  guint held = sd_simulator_get_n_held_messages ();
  gboolean done = FALSE;
  GThread *closer;

  if (sd_simulator_get_tls_base_url (sim) == NULL)
    {
      g_test_skip ("No TLS backend");
      return;
    }
  uri = g_uri_parse (sd_simulator_get_tls_base_url (sim), G_URI_FLAGS_NONE, &error);
  g_assert_no_error (error);
  connection = g_socket_client_connect_to_host (client, "127.0.0.1", g_uri_get_port (uri), NULL, &error);
  g_assert_no_error (error);
#if !SOUP_CHECK_VERSION (3, 6, 6)
  /* the server accepts it and starts the handshake */
  sd_test_wait_until (held_more, GUINT_TO_POINTER (held), 30, "the simulator to accept the connection");
#endif

  closer = g_thread_new ("client-closer", close_later_thread, connection);
  g_clear_object (&sim);
  g_thread_join (closer);
  /* the handshake fails on the closed socket and ends, on a live
   * connection: nothing tells when, so the main loop runs a while */
  g_timeout_add (500, wait_done_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  /* Everything is on loopback; the isolated XDG_DATA_DIRS hide the schema
   * the GNOME proxy resolver needs. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_unsetenv ("SEEDANCE_API_BASE");
  g_unsetenv ("SEEDANCE_API_TOKEN");

#define ADD(path, func) \
  g_test_add ("/service/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("submit/images-mode-completes-and-saves-the-video", test_images_happy_path);
  ADD ("submit/frames-mode-completes-and-saves-the-video", test_frames_happy_path);
  ADD ("submit/task-is-in-the-history-before-returning", test_submit_saves_before_returning);
  ADD ("submit/request-is-copied", test_submit_copies_the_request);
  ADD ("submit/request-is-noted-before-it-is-sent", test_submit_notes_intent_before_sending);
  ADD ("submit/unsaved-task-goes-to-the-journal", test_submit_unsaved_task_goes_to_the_journal);
  ADD ("submit/server-error-makes-no-task", test_create_500);
  ADD ("submit/dropped-answer-is-outcome-unknown-and-not-retried", test_create_dropped);
  ADD ("submit/slow-answer-is-outcome-unknown-and-not-retried", test_create_slow);
  ADD ("submit/invalid-request-sends-nothing", test_invalid_request);
  ADD ("submit/unknown-model-sends-nothing", test_unknown_model);
  ADD ("poll/failed-task-has-the-server-message", test_failed_task);
  ADD ("poll/server-error-is-not-a-failure", test_query_500);
  ADD ("poll/malformed-answer-is-not-a-failure", test_query_malformed);
  ADD ("poll/slow-answer-is-not-a-failure", test_query_slow);
  ADD ("poll/dropped-answer-is-not-a-failure", test_query_dropped);
  ADD ("poll/rate-limit-waits-for-retry-after", test_query_rate_limited);
  ADD ("poll/offline-pauses-and-online-resumes", test_offline_pauses_polling);
  ADD ("poll/refused-token-pauses-and-says-why", test_refused_token_pauses_polling);
  ADD ("poll/loopback-ignores-an-offline-monitor", test_loopback_ignores_an_offline_monitor);
  ADD ("poll/refused-address-pauses-and-says-why", test_refused_address_pauses_polling);
  ADD ("poll/fifty-tasks-share-one-schedule", test_fifty_tasks_one_schedule);
  ADD ("refresh/queries-now-and-signals-once", test_refresh_queries_now);
  ADD ("history/restart-resumes-unfinished-tasks", test_restart_resumes_unfinished);
  ADD ("history/finished-tasks-are-not-polled-again", test_finished_tasks_are_not_polled_after_restart);
  ADD ("history/remove-and-restore", test_remove_and_restore);
  ADD ("history/start-loads-the-unfinished-and-the-newest-page", test_history_loads_unfinished_and_newest_page);
  ADD ("history/load-more-adds-older-pages-in-order-once", test_history_load_more_appends_older_pages);
  ADD ("history/one-page-has-nothing-more", test_history_one_page_has_nothing_more);
  ADD ("history/interrupted-download-beyond-the-first-page-resumes",
       test_history_interrupted_download_resumes_beyond_the_page);
  ADD ("history/lookup-reads-a-task-no-page-loaded", test_history_lookup_reads_an_unloaded_task);
  ADD ("history/removed-during-a-query-stays-removed", test_removed_during_a_query_stays_removed);
  ADD ("history/remove-many-and-restore-exactly", test_remove_many_and_restore);
  ADD ("download/expired-link-is-tried-once-then-said-expired", test_expired_link_is_tried_once);
  ADD ("download/created-at-far-in-the-past-still-downloads", test_created_at_far_in_the_past_still_downloads);
  ADD ("download/created-at-far-in-the-future-still-downloads", test_created_at_far_in_the_future_still_downloads);
  ADD ("download/file-url-is-never-opened", test_file_url_is_never_opened);
  ADD ("download/again-by-hand-into-another-folder", test_download_again);
  ADD ("download/works-while-the-address-is-refused", test_download_with_a_refused_address);
  ADD ("download/default-folder-is-videos-seedance", test_download_default_folder);
  ADD ("download/failure-keeps-the-task-completed", test_download_failure_keeps_task_completed);
  ADD ("properties/tasks-client-and-store-are-read-only", test_service_properties);
  ADD ("debug/log-tells-the-schedule-never-the-token", test_debug_log_tells_the_schedule);

#undef ADD

  g_test_add_func ("/service/signals/only-those-with-listeners", test_service_signals);
  g_test_add_func ("/context/demo/starts-with-a-token", test_context_demo);
  g_test_add_func ("/context/history/follows-the-address", test_context_history_follows_the_address);
  g_test_add_func ("/context/demo/switches-a-running-context", test_context_start_demo_switches);
  g_test_add_func ("/context/demo/switching-finishes-tasks-of-an-earlier-run",
                   test_context_start_demo_finishes_tasks_of_an_earlier_run);
  g_test_add_func ("/context/real/has-no-demo-endpoint", test_context_real_has_no_endpoint);
  g_test_add_func ("/context/demo/finishes-tasks-of-an-earlier-run",
                   test_context_demo_finishes_tasks_of_an_earlier_run);
  g_test_add_func ("/context/base-url/refused-is-an-error-never-a-fallback", test_context_plain_http_refused);
  g_test_add_func ("/context/base-url/setting-refused-until-corrected",
                   test_context_setting_refused_until_corrected);
  g_test_add_func ("/context/token/line-endings-and-control-characters", test_context_token_line_endings);
  g_test_add_func ("/context/base-url/loopback-from-the-environment", test_context_base_url_from_environment);
  g_test_add_func ("/context/token/from-the-environment", test_context_token_from_environment);
  g_test_add_func ("/context/history/damaged-file-becomes-a-notice", test_context_moved_aside_history);
  g_test_add_func ("/context/properties/its-parts-are-read-only", test_context_properties);
  g_test_add_func ("/simulator/tls/disposed-during-a-handshake", test_simulator_disposed_during_a_handshake);

  return g_test_run ();
}

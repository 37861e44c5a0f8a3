/* test-queue.c: the local queue, groups of takes and retries, against
 * SdSimulator on loopback
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "sd-test-util.h"

#include <string.h>

#include "sd-api.h"
#include "sd-catalog.h"
#include "sd-client.h"
#include "sd-prices.h"
#include "sd-service.h"
#include "sd-simulator-test.h"
#include "sd-store.h"

#define QUEUED_MS         1000
#define PROCESSING_MS     2000
#define FIRST_POLL_MS     20
#define MAX_POLL_MS       100
#define WAIT_LIMIT_S      30

typedef struct
{
  SdCatalog   *catalog;
  SdSimulator *sim;
  SdClient    *client;
  SdStore     *store;
  SdService   *service;
} Fixture;

static SdService *
make_service (Fixture *fixture,
              guint    max_active)
{
  SdService *service = sd_service_new (fixture->client, fixture->store, fixture->catalog, NULL);

  sd_service_set_network_monitor (service, NULL);
  g_object_set (service,
                "first-poll-delay", FIRST_POLL_MS,
                "max-poll-interval", MAX_POLL_MS,
                "max-active", max_active,
                NULL);
  return service;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->catalog = sd_catalog_new ();
  fixture->sim = sd_test_simulator_new (fixture->catalog, QUEUED_MS, PROCESSING_MS);
  fixture->client = sd_client_new (sd_simulator_get_base_url (fixture->sim),
                                   sd_simulator_get_token (fixture->sim));
  fixture->store = sd_test_open_store ();
  fixture->service = make_service (fixture, 2);
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
}

static guint
creates (Fixture *fixture)
{
  return sd_simulator_get_request_count (fixture->sim, SD_SIMULATOR_STEP_CREATE);
}

static GPtrArray *
takes (Fixture    *fixture,
       const char *prompt,
       guint       n)
{
  g_autoptr(SdRequest) request = sd_test_images_request (prompt);
  g_autoptr(GError) error = NULL;
  GPtrArray *tasks = sd_service_submit_takes (fixture->service, request, n, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (tasks);
  g_assert_cmpuint (tasks->len, ==, n);
  return tasks;
}

static gboolean
none_in_flight (gpointer data)
{
  GPtrArray *tasks = data;

  for (guint i = 0; i < tasks->len; i++)
    if (sd_task_get_status (g_ptr_array_index (tasks, i)) == SD_TASK_STATUS_UNCERTAIN &&
        g_str_has_prefix (sd_task_get_id (g_ptr_array_index (tasks, i)), SD_TASK_UNCERTAIN_ID_PREFIX) &&
        strstr (sd_task_get_failure_message (g_ptr_array_index (tasks, i)), "no answer was received"))
      return FALSE;
  return TRUE;
}

/* Lets the creates on the way come back. */
static void
settle (GPtrArray *tasks)
{
  sd_test_run_for (200);
  sd_test_wait_until (none_in_flight, tasks, WAIT_LIMIT_S, "the creates");
}

static guint
count_status (GPtrArray    *tasks,
              SdTaskStatus  status)
{
  guint n = 0;

  for (guint i = 0; i < tasks->len; i++)
    n += sd_task_get_status (g_ptr_array_index (tasks, i)) == status;
  return n;
}

static gboolean
all_finished (gpointer data)
{
  GPtrArray *tasks = data;

  for (guint i = 0; i < tasks->len; i++)
    {
      SdTask *task = g_ptr_array_index (tasks, i);

      if (sd_task_get_status (task) != SD_TASK_STATUS_COMPLETED &&
          sd_task_get_status (task) != SD_TASK_STATUS_FAILED)
        return FALSE;
    }
  return TRUE;
}

/* Finishes what is at the simulator, over and over, until every task of
 * @tasks finished (each round sends the next ones). */
static void
drain (Fixture   *fixture,
       GPtrArray *tasks)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_LIMIT_S * G_USEC_PER_SEC;

  while (!all_finished (tasks))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_assert_cmpuint (sd_simulator_get_active_count (fixture->sim), <=,
                        sd_service_get_max_active (fixture->service));
      sd_simulator_advance_clock (fixture->sim, QUEUED_MS + PROCESSING_MS);
      sd_test_run_for (150);
    }
}

/* Never more than max-active at the provider, counted there; the rest
 * wait here and go as places free up. */
static void
test_cap (Fixture       *fixture,
          gconstpointer  data)
{
  g_autoptr(GPtrArray) tasks = takes (fixture, "A lighthouse at dusk", 5);

  settle (tasks);
  g_assert_cmpuint (sd_simulator_get_task_count (fixture->sim), ==, 2);
  g_assert_cmpuint (sd_simulator_get_active_count (fixture->sim), ==, 2);
  g_assert_cmpuint (count_status (tasks, SD_TASK_STATUS_WAITING), ==, 3);

  drain (fixture, tasks);
  g_assert_cmpuint (count_status (tasks, SD_TASK_STATUS_COMPLETED), ==, 5);
  g_assert_cmpuint (sd_simulator_get_task_count (fixture->sim), ==, 5);
  g_assert_cmpuint (creates (fixture), ==, 5);
  g_assert_cmpuint (sd_simulator_get_max_active (fixture->sim), ==, 2);
}

/* Sent in the order queued; moved up or down, in the new order. */
static void
test_order_and_move (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GPtrArray) tasks = NULL;
  g_autoptr(GPtrArray) waiting = NULL;
  g_autoptr(GError) error = NULL;
  SdTask *first, *second, *third, *fourth;

  g_object_set (fixture->service, "max-active", 1, NULL);
  tasks = takes (fixture, "A paper boat", 4);
  first = g_ptr_array_index (tasks, 0);
  second = g_ptr_array_index (tasks, 1);
  third = g_ptr_array_index (tasks, 2);
  fourth = g_ptr_array_index (tasks, 3);
  settle (tasks);
  g_assert_cmpint (sd_task_get_status (first), ==, SD_TASK_STATUS_QUEUED);

  g_assert_true (sd_service_move_waiting (fixture->service, fourth, -2, &error));
  g_assert_no_error (error);
  g_assert_true (sd_service_move_waiting (fixture->service, second, 1, &error));
  waiting = sd_service_get_waiting (fixture->service);
  g_assert_cmpuint (waiting->len, ==, 3);
  g_assert_true (g_ptr_array_index (waiting, 0) == fourth);
  g_assert_true (g_ptr_array_index (waiting, 1) == third);
  g_assert_true (g_ptr_array_index (waiting, 2) == second);

  /* a task at the provider is not in the queue */
  g_assert_false (sd_service_move_waiting (fixture->service, first, 1, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);

  drain (fixture, tasks);
  /* the simulator numbers its tasks in the order they were created */
  g_assert_cmpstr (sd_task_get_id (first), <, sd_task_get_id (fourth));
  g_assert_cmpstr (sd_task_get_id (fourth), <, sd_task_get_id (third));
  g_assert_cmpstr (sd_task_get_id (third), <, sd_task_get_id (second));
}

/* A new service on the same history resumes the queue and sends nothing
 * twice. */
static void
test_restart_resumes_queue (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(GPtrArray) tasks = NULL;
  g_autoptr(GPtrArray) resumed = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) stored = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *list;

  g_object_set (fixture->service, "max-active", 1, NULL);
  tasks = takes (fixture, "A kite over dunes", 3);
  settle (tasks);
  g_assert_cmpuint (creates (fixture), ==, 1);
  g_clear_pointer (&tasks, g_ptr_array_unref);
  g_clear_object (&fixture->service);

  /* what the history holds: one sent, two waiting, in order */
  stored = sd_store_load_tasks (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count_status (stored, SD_TASK_STATUS_WAITING), ==, 2);
  g_assert_cmpuint (count_status (stored, SD_TASK_STATUS_QUEUED), ==, 1);

  fixture->service = make_service (fixture, 1);
  g_assert_true (sd_service_load_history (fixture->service, &error));
  g_assert_no_error (error);
  list = sd_service_get_tasks (fixture->service);
  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    g_ptr_array_add (resumed, g_list_model_get_item (list, i));
  g_assert_cmpuint (resumed->len, ==, 3);
  sd_test_run_for (300);
  /* the one at the provider holds the only place */
  g_assert_cmpuint (creates (fixture), ==, 1);

  drain (fixture, resumed);
  g_assert_cmpuint (creates (fixture), ==, 3);
  g_assert_cmpuint (sd_simulator_get_task_count (fixture->sim), ==, 3);
  g_assert_cmpuint (sd_simulator_get_max_active (fixture->sim), ==, 1);
}

/* "Queue full" proves nothing was made: the task waits in its place and
 * is sent again after a backoff, before the ones behind it. */
static void
test_queue_full_keeps_place (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(GPtrArray) tasks = NULL;
  SdTask *first, *second;

  g_object_set (fixture->service, "max-active", 1, NULL);
  sd_simulator_set_fault (fixture->sim, SD_SIMULATOR_STEP_CREATE, SD_SIMULATOR_FAULT_QUEUE_FULL, 1);
  tasks = takes (fixture, "A red umbrella", 2);
  first = g_ptr_array_index (tasks, 0);
  second = g_ptr_array_index (tasks, 1);
  sd_test_run_for (300);
  g_assert_cmpuint (creates (fixture), ==, 1);
  g_assert_cmpint (sd_task_get_status (first), ==, SD_TASK_STATUS_WAITING);
  g_assert_cmpint (sd_task_get_status (second), ==, SD_TASK_STATUS_WAITING);

  /* the backoff is 2 s ± a quarter */
  sd_test_run_for (2800);
  g_assert_cmpuint (creates (fixture), ==, 2);
  g_assert_cmpint (sd_task_get_status (first), ==, SD_TASK_STATUS_QUEUED);
  g_assert_cmpint (sd_task_get_status (second), ==, SD_TASK_STATUS_WAITING);
  g_assert_cmpuint (sd_simulator_get_task_count (fixture->sim), ==, 1);

  drain (fixture, tasks);
  g_assert_cmpuint (sd_simulator_get_task_count (fixture->sim), ==, 2);
}

/* A 429 with Retry-After: the same, after the wait the server asked for. */
static void
test_rate_limited_create_is_sent_again (Fixture       *fixture,
                                        gconstpointer  data)
{
  g_autoptr(GPtrArray) tasks = NULL;

  sd_simulator_set_retry_after (fixture->sim, 1);
  sd_simulator_set_fault (fixture->sim, SD_SIMULATOR_STEP_CREATE, SD_SIMULATOR_FAULT_RATE_LIMITED, 1);
  tasks = takes (fixture, "A slow train", 1);
  sd_test_run_for (500);
  g_assert_cmpint (sd_task_get_status (g_ptr_array_index (tasks, 0)), ==, SD_TASK_STATUS_WAITING);
  sd_test_run_for (1200);
  g_assert_cmpuint (creates (fixture), ==, 2);
  g_assert_cmpuint (sd_simulator_get_task_count (fixture->sim), ==, 1);
  g_assert_cmpint (sd_task_get_status (g_ptr_array_index (tasks, 0)), ==, SD_TASK_STATUS_QUEUED);
}

/* An uncertain create (5xx) is never sent again, by this run or the next;
 * the rest of the group goes on. */
static void
test_uncertain_create_not_resent (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(GPtrArray) tasks = NULL;
  g_autoptr(GError) error = NULL;
  SdTask *first, *second;

  g_object_set (fixture->service, "max-active", 1, NULL);
  sd_simulator_set_fault (fixture->sim, SD_SIMULATOR_STEP_CREATE, SD_SIMULATOR_FAULT_HTTP_500, 1);
  tasks = takes (fixture, "A glass of water", 2);
  first = g_ptr_array_index (tasks, 0);
  second = g_ptr_array_index (tasks, 1);
  sd_test_run_for (500);
  g_assert_cmpint (sd_task_get_status (first), ==, SD_TASK_STATUS_UNCERTAIN);
  g_assert_nonnull (strstr (sd_task_get_failure_message (first), "500"));
  g_assert_cmpint (sd_task_get_status (second), ==, SD_TASK_STATUS_QUEUED);
  g_assert_cmpuint (creates (fixture), ==, 2);

  /* not retried unless asked for */
  g_assert_null (sd_service_retry (fixture->service, first, SD_SERVICE_RETRY_NONE, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);

  g_clear_pointer (&tasks, g_ptr_array_unref);
  g_clear_object (&fixture->service);
  fixture->service = make_service (fixture, 1);
  g_assert_true (sd_service_load_history (fixture->service, &error));
  sd_test_run_for (1000);
  g_assert_cmpuint (creates (fixture), ==, 2);
}

/* A waiting task is cancelled unsent; one at the provider is not, the
 * error says why and names Stop Watching. */
static void
test_cancel_waiting (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GPtrArray) tasks = NULL;
  g_autoptr(GPtrArray) left = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(SdTask) gone = NULL;
  g_autofree char *waiting_id = NULL;
  SdTask *first, *third;

  g_object_set (fixture->service, "max-active", 1, NULL);
  tasks = takes (fixture, "A snail race", 3);
  first = g_ptr_array_index (tasks, 0);
  third = g_ptr_array_index (tasks, 2);
  settle (tasks);

  waiting_id = g_strdup (sd_task_get_id (third));
  g_assert_true (sd_service_cancel_waiting (fixture->service, third, &error));
  g_assert_no_error (error);
  gone = sd_store_load_task (fixture->store, waiting_id, &error);
  g_assert_no_error (error);
  g_assert_null (gone);
  g_assert_null (sd_service_lookup (fixture->service, waiting_id));

  g_assert_false (sd_service_cancel_waiting (fixture->service, first, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_assert_nonnull (strstr (error->message, "Stop Watching"));
  g_assert_nonnull (strstr (error->message, "billed"));
  g_clear_error (&error);

  g_ptr_array_add (left, first);
  g_ptr_array_add (left, g_ptr_array_index (tasks, 1));
  drain (fixture, left);
  g_assert_cmpuint (creates (fixture), ==, 2);
}

static void
count_signal_cb (SdService *service,
                 SdTask    *task,
                 guint     *count)
{
  (*count)++;
}

static gboolean
is_sent (gpointer data)
{
  return sd_task_get_status (data) != SD_TASK_STATUS_WAITING &&
         !g_str_has_prefix (sd_task_get_id (data), SD_TASK_UNCERTAIN_ID_PREFIX);
}

/* Stop Watching: the task is no longer followed (nothing of it changes
 * here, no news of it), but it is still queued or running at the provider,
 * so it keeps its place under the cap; a slow, quiet check frees the place
 * once it ended there. Watch Again follows it as before. */
static void
test_stop_watching (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GPtrArray) tasks = NULL;
  g_autoptr(GError) error = NULL;
  SdTask *first;
  SdTask *second;
  guint queries, completed = 0;

  g_object_set (fixture->service, "max-active", 1, NULL);
  g_signal_connect (fixture->service, "task-completed", G_CALLBACK (count_signal_cb), &completed);
  tasks = takes (fixture, "A windmill", 2);
  first = g_ptr_array_index (tasks, 0);
  second = g_ptr_array_index (tasks, 1);
  settle (tasks);
  g_assert_true (sd_service_stop_watching (fixture->service, first, &error));
  g_assert_no_error (error);
  g_assert_false (sd_service_is_watching (fixture->service, first));
  g_assert_false (sd_task_get_watched (first));

  /* still at the provider: the second waits for its place */
  queries = sd_simulator_get_request_count (fixture->sim, SD_SIMULATOR_STEP_QUERY);
  sd_test_run_for (500);
  g_assert_cmpint (sd_task_get_status (second), ==, SD_TASK_STATUS_WAITING);
  g_assert_cmpuint (creates (fixture), ==, 1);
  /* asked about slowly: at the schedule's longest interval, not faster */
  g_assert_cmpuint (sd_simulator_get_request_count (fixture->sim, SD_SIMULATOR_STEP_QUERY), >, queries);
  g_assert_cmpuint (sd_simulator_get_request_count (fixture->sim, SD_SIMULATOR_STEP_QUERY) - queries,
                    <=, 500 / MAX_POLL_MS + 1);

  /* it ends at the provider: the place is free, and nothing of it is said */
  sd_simulator_advance_clock (fixture->sim, QUEUED_MS + PROCESSING_MS);
  sd_test_wait_until (is_sent, second, WAIT_LIMIT_S, "the second take sent");
  g_assert_cmpuint (creates (fixture), ==, 2);
  g_assert_cmpuint (sd_simulator_get_max_active (fixture->sim), ==, 1);
  g_assert_cmpint (sd_task_get_status (first), !=, SD_TASK_STATUS_COMPLETED);
  g_assert_null (sd_task_get_video_url (first));
  g_assert_cmpuint (completed, ==, 0);
  g_assert_false (sd_task_get_watched (first));

  /* Watch Again: followed, and seen completed */
  g_assert_true (sd_service_watch_again (fixture->service, first, &error));
  g_assert_no_error (error);
  g_assert_true (sd_task_get_watched (first));
  drain (fixture, tasks);
  g_assert_cmpint (sd_task_get_status (first), ==, SD_TASK_STATUS_COMPLETED);
  g_assert_cmpuint (completed, ==, 2);
}

/* A watched task's place is freed when it ends; an unwatched one's only
 * when the quiet check sees it end: with one unwatched and running, a cap
 * of 2 sends one more, not two. */
static void
test_unwatched_counts_toward_the_cap (Fixture       *fixture,
                                      gconstpointer  data)
{
  g_autoptr(GPtrArray) tasks = takes (fixture, "A lighthouse at dusk", 4);
  g_autoptr(GError) error = NULL;

  settle (tasks);
  g_assert_cmpuint (count_status (tasks, SD_TASK_STATUS_WAITING), ==, 2);
  g_assert_true (sd_service_stop_watching (fixture->service, g_ptr_array_index (tasks, 0), &error));
  g_assert_true (sd_service_stop_watching (fixture->service, g_ptr_array_index (tasks, 1), &error));
  g_assert_no_error (error);
  sd_test_run_for (400);
  g_assert_cmpuint (count_status (tasks, SD_TASK_STATUS_WAITING), ==, 2);
  g_assert_cmpuint (sd_simulator_get_active_count (fixture->sim), ==, 2);
  g_assert_cmpuint (creates (fixture), ==, 2);
}

/* One Generate without takes queues one task of its own as takes are
 * queued: in no group, in the list at once, waiting under a full cap,
 * sent when a place frees, never when cancelled; an invalid request
 * queues nothing. */
static void
test_single_task_is_queued (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(SdRequest) request = sd_test_images_request ("A heron at dawn");
  g_autoptr(SdRequest) invalid = sd_request_new ();
  g_autoptr(GPtrArray) tasks = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(SdTask) none = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *list = sd_service_get_tasks (fixture->service);

  g_object_set (fixture->service, "max-active", 1, NULL);
  for (guint i = 0; i < 3; i++)
    {
      SdTask *task = sd_service_submit_queued (fixture->service, request, &error);

      g_assert_no_error (error);
      g_assert_nonnull (task);
      g_assert_null (sd_task_get_group_id (task));
      g_assert_cmpuint (g_list_model_get_n_items (list), ==, i + 1);
      g_ptr_array_add (tasks, task);
    }
  settle (tasks);
  g_assert_cmpint (sd_task_get_status (g_ptr_array_index (tasks, 1)), ==, SD_TASK_STATUS_WAITING);
  g_assert_cmpint (sd_task_get_status (g_ptr_array_index (tasks, 2)), ==, SD_TASK_STATUS_WAITING);
  g_assert_true (sd_service_cancel_waiting (fixture->service, g_ptr_array_index (tasks, 2), &error));
  g_assert_no_error (error);
  g_ptr_array_remove_index (tasks, 2);

  none = sd_service_submit_queued (fixture->service, invalid, &error);
  g_assert_null (none);
  g_assert_error (error, SD_API_ERROR, SD_API_ERROR_INVALID_REQUEST);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 2);

  drain (fixture, tasks);
  g_assert_cmpuint (count_status (tasks, SD_TASK_STATUS_COMPLETED), ==, 2);
  g_assert_cmpuint (creates (fixture), ==, 2);
  g_assert_cmpuint (sd_simulator_get_max_active (fixture->sim), ==, 1);
}

/* Retry makes a linked task in the group; Retry Failed retries only the
 * failed ones that have no retry yet; one failure stops nothing. */
static void
test_retries (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GPtrArray) tasks = NULL;
  g_autoptr(GPtrArray) again = NULL;
  g_autoptr(GPtrArray) nothing = NULL;
  g_autoptr(GError) error = NULL;
  SdTask *first, *second, *retry;

  g_object_set (fixture->service, "max-active", 1, NULL);
  tasks = takes (fixture, "This one will fail", 2);
  first = g_ptr_array_index (tasks, 0);
  second = g_ptr_array_index (tasks, 1);
  drain (fixture, tasks);
  g_assert_cmpuint (count_status (tasks, SD_TASK_STATUS_FAILED), ==, 2);

  retry = sd_service_retry (fixture->service, first, SD_SERVICE_RETRY_NONE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (retry);
  g_assert_cmpstr (sd_task_get_retry_of (retry), ==, sd_task_get_id (first));
  g_assert_cmpstr (sd_task_get_group_id (retry), ==, sd_task_get_group_id (first));
  g_assert_cmpstr (sd_request_get_prompt (sd_task_get_request (retry)), ==, "This one will fail");

  again = sd_service_retry_failed (fixture->service, sd_task_get_group_id (first), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (again->len, ==, 1);
  g_assert_cmpstr (sd_task_get_retry_of (g_ptr_array_index (again, 0)), ==, sd_task_get_id (second));

  g_ptr_array_add (again, g_object_ref (retry));
  drain (fixture, again);
  g_assert_cmpuint (creates (fixture), ==, 4);

  /* the link survives in the history */
  {
    g_autoptr(SdTask) stored = sd_store_load_task (fixture->store, sd_task_get_id (retry), &error);

    g_assert_no_error (error);
    g_assert_cmpstr (sd_task_get_retry_of (stored), ==, sd_task_get_id (first));
  }

  /* a completed task is not retried */
  {
    g_autoptr(GPtrArray) ok = takes (fixture, "A calm sea", 1);

    drain (fixture, ok);
    g_assert_null (sd_service_retry (fixture->service, g_ptr_array_index (ok, 0),
                                     SD_SERVICE_RETRY_INCLUDE_UNCERTAIN, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
    g_clear_error (&error);
  }
  nothing = sd_service_retry_failed (fixture->service, "no-such-group", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (nothing->len, ==, 0);
}

/* An uncertain task is retried when the caller says so for it. */
static void
test_retry_uncertain_when_asked (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autoptr(GPtrArray) tasks = NULL;
  g_autoptr(GError) error = NULL;
  SdTask *retry;

  sd_simulator_set_fault (fixture->sim, SD_SIMULATOR_STEP_CREATE, SD_SIMULATOR_FAULT_HTTP_503, 1);
  tasks = takes (fixture, "A quiet street", 1);
  sd_test_run_for (500);
  g_assert_cmpint (sd_task_get_status (g_ptr_array_index (tasks, 0)), ==, SD_TASK_STATUS_UNCERTAIN);
  retry = sd_service_retry (fixture->service, g_ptr_array_index (tasks, 0),
                            SD_SERVICE_RETRY_INCLUDE_UNCERTAIN, &error);
  g_assert_no_error (error);
  g_assert_nonnull (retry);
  sd_test_run_for (500);
  g_assert_cmpint (sd_task_get_status (retry), ==, SD_TASK_STATUS_QUEUED);
  g_assert_cmpuint (creates (fixture), ==, 2);
}

/* Takes: N tasks of one request in one new group, labelled by the prompt;
 * out of range, nothing is queued. */
static void
test_takes_make_a_group (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(SdRequest) request = sd_test_images_request ("A very long prompt about a fox "
                                                         "crossing a frozen river at dawn");
  g_autoptr(GPtrArray) tasks = NULL;
  g_autoptr(GPtrArray) none = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *label = NULL;

  tasks = sd_service_submit_takes (fixture->service, request, 4, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tasks->len, ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      SdTask *task = g_ptr_array_index (tasks, i);

      g_assert_nonnull (sd_task_get_group_id (task));
      g_assert_cmpstr (sd_task_get_group_id (task), ==,
                       sd_task_get_group_id (g_ptr_array_index (tasks, 0)));
      g_assert_cmpstr (sd_task_get_group_label (task), ==, "A very long prompt about a fox crossing…");
    }

  none = sd_service_submit_takes (fixture->service, request, 0, NULL, &error);
  g_assert_null (none);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  none = sd_service_submit_takes (fixture->service, request, SD_SERVICE_MAX_TAKES + 1, "x", &error);
  g_assert_null (none);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_cmpint (sd_store_count (fixture->store, NULL), ==, 4);

  label = sd_service_default_group_label ("Short\nprompt");
  g_assert_cmpstr (label, ==, "Short prompt");
  settle (tasks);
}

/* The new columns round-trip through the history (schema 5). */
static void
test_store_keeps_links (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(SdRequest) request = sd_test_images_request ("A moth");
  g_autoptr(SdTask) task = sd_task_new ("cgt-linked", request);
  g_autoptr(SdTask) back = NULL;
  g_autoptr(SdStore) reopened = NULL;
  g_autoptr(GPtrArray) group = NULL;
  g_autoptr(GError) error = NULL;

  sd_task_set_status (task, SD_TASK_STATUS_WAITING, NULL);
  sd_task_set_group_id (task, "g-1");
  sd_task_set_group_label (task, "Moths");
  sd_task_set_retry_of (task, "cgt-old");
  sd_task_set_continues (task, "cgt-before");
  sd_task_set_queue_position (task, 42);
  g_assert_true (sd_store_save_task (fixture->store, task, &error));
  g_clear_object (&fixture->service);
  g_clear_object (&fixture->store);

  reopened = sd_test_open_store ();
  back = sd_store_load_task (reopened, "cgt-linked", &error);
  g_assert_no_error (error);
  g_assert_cmpint (sd_task_get_status (back), ==, SD_TASK_STATUS_WAITING);
  g_assert_cmpstr (sd_task_get_group_id (back), ==, "g-1");
  g_assert_cmpstr (sd_task_get_group_label (back), ==, "Moths");
  g_assert_cmpstr (sd_task_get_retry_of (back), ==, "cgt-old");
  g_assert_cmpstr (sd_task_get_continues (back), ==, "cgt-before");
  g_assert_cmpint (sd_task_get_queue_position (back), ==, 42);
  group = sd_store_load_group (reopened, "g-1", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (group->len, ==, 1);
  fixture->store = g_steal_pointer (&reopened);
}

/* A row claimed for sending is not claimed again (another process, or a
 * run that ended mid-create, sent it). */
static void
test_claim_is_once (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(SdRequest) request = sd_test_images_request ("A moth");
  g_autoptr(SdTask) task = sd_task_new ("uncertain-claim", request);
  g_autoptr(SdTask) back = NULL;
  g_autoptr(GError) error = NULL;
  gboolean claimed = FALSE;

  sd_task_set_status (task, SD_TASK_STATUS_WAITING, NULL);
  g_assert_true (sd_store_save_task (fixture->store, task, &error));
  g_assert_true (sd_store_claim_waiting (fixture->store, task, "on the way", &claimed, &error));
  g_assert_true (claimed);
  g_assert_true (sd_store_claim_waiting (fixture->store, task, "on the way", &claimed, &error));
  g_assert_false (claimed);
  back = sd_store_load_task (fixture->store, "uncertain-claim", &error);
  g_assert_cmpint (sd_task_get_status (back), ==, SD_TASK_STATUS_UNCERTAIN);
  g_assert_cmpstr (sd_task_get_failure_message (back), ==, "on the way");
}

/* Estimates */

static void
write_prices (const char *text)
{
  g_autofree char *dir = g_build_filename (g_get_user_config_dir (), "seedance-studio", NULL);
  g_autofree char *path = g_build_filename (dir, "prices.json", NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
}

static void
assert_estimate (SdTask     *task,
                 gint64      amount,
                 const char *currency)
{
  g_assert_cmpint (sd_task_get_estimate (task), ==, amount);
  g_assert_cmpstr (sd_task_get_estimate_currency (task), ==, currency);
}

static void
assert_stored_estimate (Fixture    *fixture,
                        SdTask     *task,
                        gint64      amount,
                        const char *currency)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdTask) stored = sd_store_load_task (fixture->store, sd_task_get_id (task), &error);

  g_assert_no_error (error);
  g_assert_nonnull (stored);
  assert_estimate (stored, amount, currency);
}

/* Every way of queueing records the estimate of one take from the user's
 * price table when the caller brings none: a single Generate, its takes,
 * a submit that waits for its create, a retry of a task that had none; a
 * group's own estimates (a batch's) are kept as given, even "none"; a
 * changed table is read again; a model without a price records nothing.
 * The history's totals then count them by how the tasks ended. */
static void
test_every_path_records_its_estimate (Fixture       *fixture,
                                      gconstpointer  data)
{
  g_autoptr(SdRequest) request = sd_test_images_request ("A heron at dawn");
  g_autoptr(SdRequest) failing = sd_test_images_request ("This one will fail");
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) group_requests = g_ptr_array_new ();
  g_autoptr(GPtrArray) group = NULL;
  g_autoptr(GPtrArray) group_takes = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(SdTask) single = NULL;
  g_autoptr(SdTask) waited = NULL;
  g_autoptr(SdTask) none = NULL;
  g_autoptr(GError) error = NULL;
  const gint64 given[] = { 123, -1 };
  SdStoreCostTotals totals;
  SdTask *retry;

  g_object_set (fixture->service, "max-active", 4, NULL);
  /* A submit that waits for its create (`seedance submit`, extend). */
  write_prices ("{\"currency\": \"CNY\", \"prices\": {\"seedance2.0-fast-i2v\": \"0.2\"}}");
  sd_service_submit_async (fixture->service, request, NULL, sd_test_store_result_cb, &result);
  sd_test_wait_until (sd_test_result_arrived, &result, WAIT_LIMIT_S, "the submission");
  waited = sd_service_submit_finish (fixture->service, result, &error);
  g_assert_no_error (error);
  assert_estimate (waited, 200000, "CNY");
  assert_stored_estimate (fixture, waited, 200000, "CNY");
  g_ptr_array_add (all, g_object_ref (waited));

  /* The table changed (the Prices page replaces the file): read again. */
  write_prices ("{\"currency\": \"CNY\", \"prices\": {\"seedance2.0-fast-i2v\": \"0.05\"}}");

  single = sd_service_submit_queued (fixture->service, request, &error);
  g_assert_no_error (error);
  assert_estimate (single, 50000, "CNY");
  assert_stored_estimate (fixture, single, 50000, "CNY");
  g_ptr_array_add (all, g_object_ref (single));

  group_takes = sd_service_submit_takes (fixture->service, failing, 3, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < group_takes->len; i++)
    {
      assert_estimate (g_ptr_array_index (group_takes, i), 50000, "CNY");
      assert_stored_estimate (fixture, g_ptr_array_index (group_takes, i), 50000, "CNY");
      g_ptr_array_add (all, g_object_ref (g_ptr_array_index (group_takes, i)));
    }

  /* A model without a price records none. */
  write_prices ("{\"currency\": \"CNY\", \"prices\": {\"sd2_mx_720p\": \"0.1\"}}");
  none = sd_service_submit_queued (fixture->service, request, &error);
  g_assert_no_error (error);
  assert_estimate (none, -1, NULL);
  g_ptr_array_add (all, g_object_ref (none));

  /* A batch brings its own, "none" included: not replaced by the table's. */
  g_ptr_array_add (group_requests, request);
  g_ptr_array_add (group_requests, request);
  group = sd_service_submit_group (fixture->service, group_requests, given, "USD", "b.jsonl", NULL, &error);
  g_assert_no_error (error);
  assert_estimate (g_ptr_array_index (group, 0), 123, "USD");
  assert_estimate (g_ptr_array_index (group, 1), -1, NULL);
  for (guint i = 0; i < group->len; i++)
    g_ptr_array_add (all, g_object_ref (g_ptr_array_index (group, i)));

  drain (fixture, all);
  g_assert_cmpuint (count_status (group_takes, SD_TASK_STATUS_FAILED), ==, 3);

  /* A retry keeps the estimate of the task it retries (the same request
   * costs the same), though the table has no price for it now. */
  retry = sd_service_retry (fixture->service, g_ptr_array_index (group_takes, 0),
                            SD_SERVICE_RETRY_NONE, &error);
  g_assert_no_error (error);
  assert_estimate (retry, 50000, "CNY");
  g_ptr_array_add (all, g_object_ref (retry));
  drain (fixture, all);

  /* The totals: 0.05 + 0.2 completed; four failures at 0.05 "charge
   * unknown"; nothing uncertain; USD apart. */
  g_assert_true (sd_store_get_cost_totals (fixture->store, 0, "CNY", &totals, &error));
  g_assert_no_error (error);
  g_assert_cmpint (totals.completed, ==, 250000);
  g_assert_cmpint (totals.failed, ==, 200000);
  g_assert_cmpint (totals.uncertain, ==, 0);
  g_assert_cmpint (totals.n_tasks, ==, 6);
  g_assert_true (sd_store_get_cost_totals (fixture->store, 0, "USD", &totals, &error));
  g_assert_cmpint (totals.completed, ==, 123);
  g_assert_cmpint (totals.n_tasks, ==, 1);
}

/* A retry of a task that had no estimate (sent before a price was set)
 * records the table's; an uncertain create counts as uncertain. */
static void
test_retry_and_uncertain_estimates (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autoptr(GPtrArray) failed = NULL;
  g_autoptr(GPtrArray) unsure = NULL;
  g_autoptr(GPtrArray) retries = NULL;
  g_autoptr(GError) error = NULL;
  SdStoreCostTotals totals;

  failed = takes (fixture, "This one will fail", 1);
  drain (fixture, failed);
  assert_estimate (g_ptr_array_index (failed, 0), -1, NULL);

  write_prices ("{\"currency\": \"coin\", \"prices\": {\"seedance2.0-fast-i2v\": \"300\"}}");
  retries = sd_service_retry_failed (fixture->service,
                                     sd_task_get_group_id (g_ptr_array_index (failed, 0)), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (retries->len, ==, 1);
  assert_estimate (g_ptr_array_index (retries, 0), 300 * G_GINT64_CONSTANT (1000000), "coin");

  sd_simulator_set_fault (fixture->sim, SD_SIMULATOR_STEP_CREATE, SD_SIMULATOR_FAULT_HTTP_503, 1);
  unsure = takes (fixture, "A quiet street", 1);
  settle (unsure);
  g_assert_cmpint (sd_task_get_status (g_ptr_array_index (unsure, 0)), ==, SD_TASK_STATUS_UNCERTAIN);
  drain (fixture, retries);

  g_assert_true (sd_store_get_cost_totals (fixture->store, 0, "coin", &totals, &error));
  g_assert_no_error (error);
  g_assert_cmpint (totals.failed, ==, 300 * G_GINT64_CONSTANT (1000000));
  g_assert_cmpint (totals.uncertain, ==, 300 * G_GINT64_CONSTANT (1000000));
  g_assert_cmpint (totals.n_tasks, ==, 2);
}

/* A table set on the service is used as it is, the file unread; NULL
 * goes back to the user's file. */
static void
test_set_prices_overrides_the_file (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autoptr(SdRequest) request = sd_test_images_request ("A heron at dawn");
  g_autoptr(SdPrices) prices = sd_prices_new ();
  g_autoptr(SdTask) set = NULL;
  g_autoptr(SdTask) file = NULL;
  g_autoptr(GPtrArray) tasks = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;

  write_prices ("{\"currency\": \"CNY\", \"prices\": {\"seedance2.0-fast-i2v\": \"0.05\"}}");
  sd_prices_set_currency (prices, "EUR");
  sd_prices_set (prices, "seedance2.0-fast-i2v", 1250000);
  sd_service_set_prices (fixture->service, prices);
  set = sd_service_submit_queued (fixture->service, request, &error);
  g_assert_no_error (error);
  assert_estimate (set, 1250000, "EUR");

  sd_service_set_prices (fixture->service, NULL);
  file = sd_service_submit_queued (fixture->service, request, &error);
  g_assert_no_error (error);
  assert_estimate (file, 50000, "CNY");
  g_ptr_array_add (tasks, set);
  g_ptr_array_add (tasks, file);
  settle (tasks);
}

/* A task the server no longer knows (not found, no longer asked about)
 * may have been billed: it counts as uncertain; a waiting one, not sent,
 * counts in none of the three. */
static void
test_totals_of_not_found_and_waiting (Fixture       *fixture,
                                      gconstpointer  data)
{
  g_autoptr(SdRequest) request = sd_test_images_request ("A moth");
  g_autoptr(SdTask) lost = sd_task_new ("cgt-lost", request);
  g_autoptr(SdTask) waiting = sd_task_new ("uncertain-waiting", request);
  g_autoptr(GError) error = NULL;
  SdStoreCostTotals totals;

  sd_task_set_status (lost, SD_TASK_STATUS_NOT_FOUND, NULL);
  sd_task_set_created_at (lost, 1000);
  sd_task_set_estimate (lost, 70000, "CNY");
  sd_task_set_status (waiting, SD_TASK_STATUS_WAITING, NULL);
  sd_task_set_created_at (waiting, 1000);
  sd_task_set_estimate (waiting, 30000, "CNY");
  g_assert_true (sd_store_save_task (fixture->store, lost, &error));
  g_assert_true (sd_store_save_task (fixture->store, waiting, &error));
  g_assert_no_error (error);

  g_assert_true (sd_store_get_cost_totals (fixture->store, 0, "CNY", &totals, &error));
  g_assert_no_error (error);
  g_assert_cmpint (totals.uncertain, ==, 70000);
  g_assert_cmpint (totals.completed, ==, 0);
  g_assert_cmpint (totals.failed, ==, 0);
  g_assert_cmpint (totals.in_progress, ==, 30000);
}

/* A task the provider has answered 404 for ten minutes running no longer
 * holds its place under the cap (it is still asked about, for a day): the
 * take waiting behind it is sent at its next 404. */
static gboolean
created_one (gpointer data)
{
  return creates (data) == 1;
}

static void
test_not_found_task_frees_its_place (Fixture       *fixture,
                                     gconstpointer  data)
{
  g_autoptr(SdRequest) request = sd_test_images_request ("A ghost");
  g_autoptr(SdTask) ghost = sd_task_new ("cgt-ghost", request);
  g_autoptr(GPtrArray) tasks = NULL;
  g_autoptr(GError) error = NULL;
  SdTask *resumed;

  sd_task_set_status (ghost, SD_TASK_STATUS_QUEUED, NULL);
  sd_task_set_created_at (ghost, g_get_real_time () / G_USEC_PER_SEC - 60);
  g_assert_true (sd_store_save_task (fixture->store, ghost, &error));
  g_assert_no_error (error);
  g_clear_object (&fixture->service);
  fixture->service = make_service (fixture, 1);
  g_assert_true (sd_service_load_history (fixture->service, &error));
  g_assert_no_error (error);
  resumed = sd_service_lookup (fixture->service, "cgt-ghost");
  g_assert_nonnull (resumed);

  /* a new 404 run holds the only place */
  tasks = takes (fixture, "A take behind it", 1);
  settle (tasks);
  sd_test_run_for (300);
  g_assert_cmpint (sd_task_get_not_found_since (resumed), !=, 0);
  g_assert_cmpuint (creates (fixture), ==, 0);
  g_assert_cmpint (sd_task_get_status (g_ptr_array_index (tasks, 0)), ==, SD_TASK_STATUS_WAITING);

  /* ten minutes of 404s later */
  sd_task_set_not_found_since (resumed, g_get_real_time () - 11 * 60 * G_USEC_PER_SEC);
  sd_test_wait_until (created_one, fixture, WAIT_LIMIT_S, "the take behind it to be sent");
  g_assert_cmpint (sd_task_get_status (resumed), ==, SD_TASK_STATUS_QUEUED);
}

/* A refused token (401) on a create pauses the queue with the server's
 * reason; nothing waiting is lost or sent; the new token resumes it and
 * every task is created once. */
static gboolean
service_paused (gpointer data)
{
  return sd_service_get_last_error (SD_SERVICE (data)) != NULL;
}

static void
test_refused_token_pauses_the_queue (Fixture       *fixture,
                                     gconstpointer  data)
{
  g_autoptr(GPtrArray) tasks = NULL;
  g_autoptr(GPtrArray) waiting = NULL;
  GPtrArray *ids;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  sd_client_set_token (fixture->client, "sk_wrong");
  tasks = takes (fixture, "A heron at dawn", 5);
  sd_test_wait_until (service_paused, fixture->service, WAIT_LIMIT_S, "the refused token");
  settle (tasks);
  sd_test_run_for (300);
  g_assert_cmpuint (count_status (tasks, SD_TASK_STATUS_WAITING), ==, 5);
  /* the notice says why */
  g_assert_nonnull (strstr (sd_service_get_last_error (fixture->service), "refused the API token"));
  waiting = sd_service_get_waiting (fixture->service);
  g_assert_cmpuint (waiting->len, ==, 5);
  for (guint i = 0; i < 5; i++)
    g_assert_true (g_ptr_array_index (waiting, i) == g_ptr_array_index (tasks, i));
  g_assert_cmpint (sd_store_count (fixture->store, NULL), ==, 5);
  ids = sd_simulator_get_created_ids (fixture->sim);
  g_assert_cmpuint (ids->len, ==, 0);

  /* The user enters the right token. */
  sd_client_set_token (fixture->client, sd_simulator_get_token (fixture->sim));
  sd_service_resume (fixture->service);
  g_assert_null (sd_service_get_last_error (fixture->service));
  drain (fixture, tasks);
  g_assert_cmpuint (count_status (tasks, SD_TASK_STATUS_COMPLETED), ==, 5);
  ids = sd_simulator_get_created_ids (fixture->sim);
  g_assert_cmpuint (ids->len, ==, 5);
  for (guint i = 0; i < tasks->len; i++)
    {
      const char *id = sd_task_get_id (g_ptr_array_index (tasks, i));

      g_assert_false (g_hash_table_contains (seen, id));
      g_hash_table_add (seen, (gpointer) id);
      g_assert_true (g_ptr_array_find_with_equal_func (ids, id, g_str_equal, NULL));
    }
  g_assert_cmpuint (sd_simulator_get_max_active (fixture->sim), <=, 2);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add ("/queue/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("cap/never-more-than-max-active-at-the-provider", test_cap);
  ADD ("order/sent-in-order-and-moved", test_order_and_move);
  ADD ("restart/resumes-and-sends-nothing-twice", test_restart_resumes_queue);
  ADD ("busy/queue-full-waits-in-its-place", test_queue_full_keeps_place);
  ADD ("busy/429-is-sent-again-after-retry-after", test_rate_limited_create_is_sent_again);
  ADD ("uncertain/create-is-never-sent-again", test_uncertain_create_not_resent);
  ADD ("cancel/waiting-is-never-sent", test_cancel_waiting);
  ADD ("watch/stop-and-again", test_stop_watching);
  ADD ("watch/unwatched-counts-toward-the-cap", test_unwatched_counts_toward_the_cap);
  ADD ("single/one-task-is-queued-as-takes-are", test_single_task_is_queued);
  ADD ("retry/linked-and-failed-only", test_retries);
  ADD ("retry/uncertain-when-asked", test_retry_uncertain_when_asked);
  ADD ("takes/make-a-group-of-n", test_takes_make_a_group);
  ADD ("store/keeps-groups-and-links", test_store_keeps_links);
  ADD ("store/claim-is-once", test_claim_is_once);
  ADD ("estimate/every-path-records-it", test_every_path_records_its_estimate);
  ADD ("estimate/retry-and-uncertain", test_retry_and_uncertain_estimates);
  ADD ("estimate/totals-of-not-found-and-waiting", test_totals_of_not_found_and_waiting);
  ADD ("cap/not-found-for-ten-minutes-frees-its-place", test_not_found_task_frees_its_place);
  ADD ("estimate/set-prices-overrides-the-file", test_set_prices_overrides_the_file);
  ADD ("token/refused-pauses-and-resumes", test_refused_token_pauses_the_queue);

  return g_test_run ();
}

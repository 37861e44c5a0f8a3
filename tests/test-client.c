/* test-client.c: SdClient against SdSimulator on loopback
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "sd-test-util.h"

#include <libsoup/soup.h>

#include "sd-api.h"
#include "sd-catalog.h"
#include "sd-client.h"
#include "sd-request.h"
#include "sd-simulator-test.h"

#define SAMPLE_RESOURCE "/io/github/seedancestudio/SeedanceStudio/core/sample.mp4"
#define MODEL           "seedance2.0-fast-i2v"
#define QUEUED_MS       1000
#define PROCESSING_MS   2000
#define SHORT_TIMEOUT   300

typedef struct
{
  SdCatalog   *catalog;
  SdSimulator *sim;
  SdClient    *client;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->catalog = sd_catalog_new ();
  fixture->sim = sd_test_simulator_new (fixture->catalog, QUEUED_MS, PROCESSING_MS);
  sd_simulator_set_slow_delay (fixture->sim, 10 * SHORT_TIMEOUT);

  fixture->client = sd_client_new (sd_simulator_get_base_url (fixture->sim),
                                   sd_simulator_get_token (fixture->sim));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->client);
  g_clear_object (&fixture->sim);
  g_clear_object (&fixture->catalog);
}

static void
on_result_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

static SdApiCreateResult *
create_sync (SdClient      *client,
             SdRequest     *request,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sd_client_create_async (client, request, cancellable, on_result_cb, &result);
  return sd_client_create_finish (client, wait_for (&result), error);
}

static SdApiQueryResult *
query_sync (SdClient      *client,
            const char    *task_id,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sd_client_query_async (client, task_id, cancellable, on_result_cb, &result);
  return sd_client_query_finish (client, wait_for (&result), error);
}

static GBytes *
download_sync (SdClient    *client,
               SoupMessage *message,
               GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  SoupSession *session = sd_client_get_session (client);

  soup_session_send_and_read_async (session, message, G_PRIORITY_DEFAULT, NULL,
                                    on_result_cb, &result);
  return soup_session_send_and_read_finish (session, wait_for (&result), error);
}

/* A completed task on the simulator, for the download tests. */
static char *
completed_task (Fixture *fixture)
{
  g_autoptr(SdRequest) request = sd_test_images_request ("A calm sea at dawn");
  g_autoptr(SdApiCreateResult) created = NULL;
  g_autoptr(GError) error = NULL;

  created = create_sync (fixture->client, request, NULL, &error);
  g_assert_no_error (error);
  sd_simulator_advance_clock (fixture->sim, QUEUED_MS + PROCESSING_MS);
  return g_strdup (created->task_id);
}

static char *
video_url (Fixture    *fixture,
           const char *task_id)
{
  g_autoptr(SdApiQueryResult) queried = NULL;
  g_autoptr(GError) error = NULL;

  queried = query_sync (fixture->client, task_id, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (queried->status, ==, SD_TASK_STATUS_COMPLETED);
  return g_strdup (queried->video_url);
}

static GBytes *
sample_bytes (void)
{
  g_autoptr(GError) error = NULL;
  GBytes *bytes = g_resources_lookup_data (SAMPLE_RESOURCE, G_RESOURCE_LOOKUP_FLAGS_NONE, &error);

  g_assert_no_error (error);
  return bytes;
}

static void
assert_status_sequence (Fixture    *fixture,
                        const char *task_id,
                        SdTaskStatus final_status)
{
  g_autoptr(SdApiQueryResult) queued = NULL;
  g_autoptr(SdApiQueryResult) processing = NULL;
  g_autoptr(SdApiQueryResult) done = NULL;
  g_autoptr(GError) error = NULL;

  queued = query_sync (fixture->client, task_id, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (queued->status, ==, SD_TASK_STATUS_QUEUED);
  g_assert_cmpstr (queued->task_id, ==, task_id);
  g_assert_null (queued->video_url);

  sd_simulator_advance_clock (fixture->sim, QUEUED_MS);
  processing = query_sync (fixture->client, task_id, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (processing->status, ==, SD_TASK_STATUS_PROCESSING);
  g_assert_null (processing->video_url);

  sd_simulator_advance_clock (fixture->sim, PROCESSING_MS);
  done = query_sync (fixture->client, task_id, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (done->status, ==, final_status);
  g_assert_cmpstr (done->model, ==, MODEL);
  g_assert_cmpint (done->created_at, >, 0);

  if (final_status == SD_TASK_STATUS_COMPLETED)
    {
      g_autofree char *expected = g_strdup_printf ("%s/videos/%s.mp4",
                                                   sd_simulator_get_base_url (fixture->sim),
                                                   task_id);

      g_assert_cmpstr (done->video_url, ==, expected);
    }
  else
    {
      g_assert_null (done->video_url);
      g_assert_nonnull (done->failure_message);
    }
}

/* Happy paths */

static void
test_create_images_completes (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(SdRequest) request = sd_test_images_request ("The character slowly turns, hair in the breeze");
  g_autoptr(SdApiCreateResult) created = NULL;
  g_autoptr(GError) error = NULL;

  created = create_sync (fixture->client, request, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (created);
  g_assert_true (g_str_has_prefix (created->task_id, "vid_"));
  g_assert_cmpint (created->status, ==, SD_TASK_STATUS_QUEUED);
  g_assert_cmpstr (created->model, ==, MODEL);
  g_assert_cmpuint (sd_simulator_get_task_count (fixture->sim), ==, 1);

  assert_status_sequence (fixture, created->task_id, SD_TASK_STATUS_COMPLETED);
}

static void
test_create_frames_completes (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(SdRequest) request = sd_test_frames_request ();
  g_autoptr(SdApiCreateResult) created = NULL;
  g_autoptr(GError) error = NULL;

  created = create_sync (fixture->client, request, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (created->status, ==, SD_TASK_STATUS_QUEUED);

  assert_status_sequence (fixture, created->task_id, SD_TASK_STATUS_COMPLETED);
}

static void
test_create_fail_prompt_fails (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(SdRequest) request = sd_test_images_request ("Please FAIL this one");
  g_autoptr(SdApiCreateResult) created = NULL;
  g_autoptr(GError) error = NULL;

  created = create_sync (fixture->client, request, NULL, &error);
  g_assert_no_error (error);

  assert_status_sequence (fixture, created->task_id, SD_TASK_STATUS_FAILED);
}

/* Refusals by the server */

static void
test_create_wrong_token_unauthorized (Fixture       *fixture,
                                      gconstpointer  data)
{
  g_autoptr(SdRequest) request = sd_test_images_request ("A cat");
  g_autoptr(SdApiCreateResult) created = NULL;
  g_autoptr(GError) error = NULL;

  sd_client_set_token (fixture->client, "sk_wrong");
  created = create_sync (fixture->client, request, NULL, &error);
  g_assert_null (created);
  g_assert_error (error, SD_API_ERROR, SD_API_ERROR_UNAUTHORIZED);
  g_assert_cmpuint (sd_api_error_get_http_status (error), ==, 401);
  g_assert_false (sd_api_error_is_transient (error));
  g_assert_null (strstr (error->message, "sk_wrong"));
  g_assert_cmpuint (sd_simulator_get_task_count (fixture->sim), ==, 0);
}

static void
test_query_wrong_token_unauthorized (Fixture       *fixture,
                                     gconstpointer  data)
{
  g_autofree char *task_id = completed_task (fixture);
  g_autoptr(SdApiQueryResult) queried = NULL;
  g_autoptr(GError) error = NULL;

  sd_simulator_set_token (fixture->sim, "sk_rotated");
  queried = query_sync (fixture->client, task_id, NULL, &error);
  g_assert_null (queried);
  g_assert_error (error, SD_API_ERROR, SD_API_ERROR_UNAUTHORIZED);
}

static void
test_create_without_token_not_sent (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autoptr(SdRequest) request = sd_test_images_request ("A cat");
  g_autoptr(SdApiCreateResult) created = NULL;
  g_autoptr(GError) error = NULL;

  sd_client_set_token (fixture->client, NULL);
  g_assert_false (sd_client_has_token (fixture->client));
  created = create_sync (fixture->client, request, NULL, &error);
  g_assert_error (error, SD_API_ERROR, SD_API_ERROR_UNAUTHORIZED);
  g_assert_cmpuint (sd_simulator_get_request_count (fixture->sim, SD_SIMULATOR_STEP_CREATE), ==, 0);
}

static void
test_create_invalid_refused_with_message (Fixture       *fixture,
                                          gconstpointer  data)
{
  g_autoptr(SdRequest) request = sd_test_images_request ("A cat");
  g_autoptr(SdApiCreateResult) created = NULL;
  g_autoptr(GError) error = NULL;
  const char *server_message;

  /* Reference images and frames together: refused by every model. */
  sd_request_set_first_image (request, "https://example.com/start.png");
  sd_request_set_duration (request, 99);
  created = create_sync (fixture->client, request, NULL, &error);
  g_assert_null (created);
  g_assert_nonnull (error);
  g_assert_true (error->domain == SD_API_ERROR);
  g_assert_cmpuint (sd_api_error_get_http_status (error), ==, 400);
  g_assert_false (sd_api_error_is_transient (error));

  server_message = sd_api_error_get_server_message (error);
  g_assert_nonnull (server_message);
  g_assert_nonnull (strstr (server_message, "duration:"));
  g_assert_nonnull (strstr (server_message, "images:"));
  g_assert_nonnull (strstr (error->message, server_message));
  g_assert_cmpuint (sd_simulator_get_task_count (fixture->sim), ==, 0);
}

static void
test_create_unknown_model_refused (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_autoptr(SdRequest) request = sd_test_images_request ("A cat");
  g_autoptr(SdApiCreateResult) created = NULL;
  g_autoptr(GError) error = NULL;

  sd_request_set_model (request, "seedance9-imaginary");
  created = create_sync (fixture->client, request, NULL, &error);
  g_assert_null (created);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (sd_api_error_get_server_message (error), "model"));
}

static void
test_query_unknown_task_not_found (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_autoptr(SdApiQueryResult) queried = NULL;
  g_autoptr(GError) error = NULL;

  queried = query_sync (fixture->client, "vid_nobody", NULL, &error);
  g_assert_null (queried);
  g_assert_nonnull (error);
  g_assert_cmpuint (sd_api_error_get_http_status (error), ==, 404);
  g_assert_false (sd_api_error_is_transient (error));
}

/* Faults on create: never retried, outcome unknown once sent */

static void
test_create_500_not_retried (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(SdRequest) request = sd_test_images_request ("A cat");
  g_autoptr(SdApiCreateResult) created = NULL;
  g_autoptr(GError) error = NULL;

  sd_simulator_set_fault (fixture->sim, SD_SIMULATOR_STEP_CREATE, SD_SIMULATOR_FAULT_HTTP_500, 0);
  created = create_sync (fixture->client, request, NULL, &error);
  g_assert_null (created);
  /* A 500 may come after the task was made: uncertain, not a refusal. */
  g_assert_error (error, SD_API_ERROR, SD_API_ERROR_OUTCOME_UNKNOWN);
  g_assert_cmpuint (sd_api_error_get_http_status (error), ==, 500);
  g_assert_cmpuint (sd_simulator_get_request_count (fixture->sim, SD_SIMULATOR_STEP_CREATE), ==, 1);
}

static void
assert_create_outcome_unknown (Fixture          *fixture,
                               SdSimulatorFault  fault)
{
  g_autoptr(SdRequest) request = sd_test_images_request ("A cat");
  g_autoptr(SdApiCreateResult) created = NULL;
  g_autoptr(GError) error = NULL;

  sd_client_set_request_timeout (fixture->client, SHORT_TIMEOUT);
  sd_simulator_set_fault (fixture->sim, SD_SIMULATOR_STEP_CREATE, fault, 0);
  created = create_sync (fixture->client, request, NULL, &error);
  g_assert_null (created);
  g_assert_error (error, SD_API_ERROR, SD_API_ERROR_OUTCOME_UNKNOWN);
  g_assert_nonnull (strstr (error->message, "may or may not have been created"));
  g_assert_false (sd_api_error_is_transient (error));
  g_assert_cmpuint (sd_simulator_get_request_count (fixture->sim, SD_SIMULATOR_STEP_CREATE), ==, 1);
}

static void
test_create_slow_outcome_unknown (Fixture       *fixture,
                                  gconstpointer  data)
{
  assert_create_outcome_unknown (fixture, SD_SIMULATOR_FAULT_SLOW);
  /* Why the outcome is unknown: the server did create the task. */
  g_assert_cmpuint (sd_simulator_get_task_count (fixture->sim), ==, 1);
}

static void
test_create_dropped_outcome_unknown (Fixture       *fixture,
                                     gconstpointer  data)
{
  assert_create_outcome_unknown (fixture, SD_SIMULATOR_FAULT_DROP_MID_BODY);
  g_assert_cmpuint (sd_simulator_get_task_count (fixture->sim), ==, 1);
}

/* A 2xx whose body can't be read may have created the task: the client
 * says so rather than calling it a plain malformed answer. */
static void
test_create_malformed_outcome_unknown (Fixture       *fixture,
                                       gconstpointer  data)
{
  assert_create_outcome_unknown (fixture, SD_SIMULATOR_FAULT_MALFORMED_JSON);
}

static void
test_create_oversized_outcome_unknown (Fixture       *fixture,
                                       gconstpointer  data)
{
  assert_create_outcome_unknown (fixture, SD_SIMULATOR_FAULT_OVERSIZED_BODY);
}

static void
test_create_refused_connection_transport (Fixture       *fixture,
                                          gconstpointer  data)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new_from_string ("127.0.0.1", 0);
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(SdRequest) request = sd_test_images_request ("A cat");
  g_autoptr(SdApiCreateResult) created = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  /* A port that was free a moment ago and has nobody listening now. */
  g_socket_listener_add_address (listener, address, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &effective, &error);
  g_assert_no_error (error);
  url = g_strdup_printf ("http://127.0.0.1:%u",
                         g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective)));
  g_socket_listener_close (listener);

  sd_client_set_base_url (fixture->client, url);
  created = create_sync (fixture->client, request, NULL, &error);
  g_assert_null (created);
  g_assert_error (error, SD_API_ERROR, SD_API_ERROR_TRANSPORT);
}

static void
test_create_cancelled_before_sending (Fixture       *fixture,
                                      gconstpointer  data)
{
  g_autoptr(SdRequest) request = sd_test_images_request ("A cat");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(SdApiCreateResult) created = NULL;
  g_autoptr(GError) error = NULL;

  sd_client_create_async (fixture->client, request, cancellable, on_result_cb, &result);
  g_cancellable_cancel (cancellable);
  created = sd_client_create_finish (fixture->client, wait_for (&result), &error);
  g_assert_null (created);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (sd_simulator_get_task_count (fixture->sim), ==, 0);
}

static void
test_create_cancelled_after_sending (Fixture       *fixture,
                                     gconstpointer  data)
{
  g_autoptr(SdRequest) request = sd_test_images_request ("A cat");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(SdApiCreateResult) created = NULL;
  g_autoptr(GError) error = NULL;

  sd_simulator_set_fault (fixture->sim, SD_SIMULATOR_STEP_CREATE, SD_SIMULATOR_FAULT_SLOW, 1);
  sd_client_create_async (fixture->client, request, cancellable, on_result_cb, &result);
  while (sd_simulator_get_request_count (fixture->sim, SD_SIMULATOR_STEP_CREATE) == 0)
    g_main_context_iteration (NULL, TRUE);
  g_cancellable_cancel (cancellable);

  created = sd_client_create_finish (fixture->client, wait_for (&result), &error);
  g_assert_null (created);
  g_assert_error (error, SD_API_ERROR, SD_API_ERROR_OUTCOME_UNKNOWN);
  g_assert_cmpuint (sd_simulator_get_task_count (fixture->sim), ==, 1);
}

static void
test_create_rate_limited (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(SdRequest) request = sd_test_images_request ("A cat");
  g_autoptr(SdApiCreateResult) created = NULL;
  g_autoptr(GError) error = NULL;

  sd_simulator_set_fault (fixture->sim, SD_SIMULATOR_STEP_CREATE, SD_SIMULATOR_FAULT_RATE_LIMITED, 1);
  created = create_sync (fixture->client, request, NULL, &error);
  g_assert_error (error, SD_API_ERROR, SD_API_ERROR_RATE_LIMITED);
  g_assert_cmpint (sd_api_error_get_retry_after (error), ==, 1);
  g_assert_cmpuint (sd_simulator_get_request_count (fixture->sim, SD_SIMULATOR_STEP_CREATE), ==, 1);
  g_assert_cmpuint (sd_simulator_get_task_count (fixture->sim), ==, 0);
}

/* Faults on query: reported, transient, for the service to retry */

static void
test_query_500_transient (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autofree char *task_id = completed_task (fixture);
  g_autoptr(SdApiQueryResult) queried = NULL;
  g_autoptr(GError) error = NULL;

  sd_simulator_set_fault (fixture->sim, SD_SIMULATOR_STEP_QUERY, SD_SIMULATOR_FAULT_HTTP_500, 2);
  queried = query_sync (fixture->client, task_id, NULL, &error);
  g_assert_error (error, SD_API_ERROR, SD_API_ERROR_HTTP_STATUS);
  g_assert_true (sd_api_error_is_transient (error));
  g_clear_error (&error);

  queried = query_sync (fixture->client, task_id, NULL, &error);
  g_assert_error (error, SD_API_ERROR, SD_API_ERROR_HTTP_STATUS);
  g_clear_error (&error);

  /* After @times faulty answers, normal service resumes. */
  queried = query_sync (fixture->client, task_id, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (queried->status, ==, SD_TASK_STATUS_COMPLETED);
  g_assert_cmpuint (sd_simulator_get_request_count (fixture->sim, SD_SIMULATOR_STEP_QUERY), ==, 3);
}

static void
test_query_rate_limited_keeps_retry_after (Fixture       *fixture,
                                           gconstpointer  data)
{
  g_autofree char *task_id = completed_task (fixture);
  g_autoptr(SdApiQueryResult) queried = NULL;
  g_autoptr(GError) error = NULL;

  sd_simulator_set_retry_after (fixture->sim, 7);
  sd_simulator_set_fault (fixture->sim, SD_SIMULATOR_STEP_QUERY, SD_SIMULATOR_FAULT_RATE_LIMITED, 1);
  queried = query_sync (fixture->client, task_id, NULL, &error);
  g_assert_null (queried);
  g_assert_error (error, SD_API_ERROR, SD_API_ERROR_RATE_LIMITED);
  g_assert_cmpuint (sd_api_error_get_http_status (error), ==, 429);
  g_assert_cmpint (sd_api_error_get_retry_after (error), ==, 7);
  g_assert_true (sd_api_error_is_transient (error));
}

static void
assert_query_transient (Fixture          *fixture,
                        SdSimulatorFault  fault,
                        int               expected)
{
  g_autofree char *task_id = completed_task (fixture);
  g_autoptr(SdApiQueryResult) queried = NULL;
  g_autoptr(GError) error = NULL;

  sd_client_set_request_timeout (fixture->client, SHORT_TIMEOUT);
  sd_simulator_set_fault (fixture->sim, SD_SIMULATOR_STEP_QUERY, fault, 1);
  queried = query_sync (fixture->client, task_id, NULL, &error);
  g_assert_null (queried);
  g_assert_error (error, SD_API_ERROR, expected);
  g_assert_true (sd_api_error_is_transient (error));
}

static void
test_query_malformed_transient (Fixture       *fixture,
                                gconstpointer  data)
{
  assert_query_transient (fixture, SD_SIMULATOR_FAULT_MALFORMED_JSON, SD_API_ERROR_MALFORMED);
}

static void
test_query_slow_times_out (Fixture       *fixture,
                           gconstpointer  data)
{
  assert_query_transient (fixture, SD_SIMULATOR_FAULT_SLOW, SD_API_ERROR_TRANSPORT);
}

static void
test_query_dropped_transient (Fixture       *fixture,
                              gconstpointer  data)
{
  assert_query_transient (fixture, SD_SIMULATOR_FAULT_DROP_MID_BODY, SD_API_ERROR_TRANSPORT);
}

static void
test_query_cancelled (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *task_id = completed_task (fixture);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(SdApiQueryResult) queried = NULL;
  g_autoptr(GError) error = NULL;

  sd_simulator_set_fault (fixture->sim, SD_SIMULATOR_STEP_QUERY, SD_SIMULATOR_FAULT_SLOW, 1);
  sd_client_query_async (fixture->client, task_id, cancellable, on_result_cb, &result);
  g_cancellable_cancel (cancellable);
  queried = sd_client_query_finish (fixture->client, wait_for (&result), &error);
  g_assert_null (queried);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* Size limits */

static void
assert_query_too_large (Fixture          *fixture,
                        SdSimulatorFault  fault)
{
  g_autofree char *task_id = completed_task (fixture);
  g_autoptr(SdApiQueryResult) queried = NULL;
  g_autoptr(GError) error = NULL;

  sd_simulator_set_fault (fixture->sim, SD_SIMULATOR_STEP_QUERY, fault, 1);
  queried = query_sync (fixture->client, task_id, NULL, &error);
  g_assert_null (queried);
  g_assert_error (error, SD_API_ERROR, SD_API_ERROR_TOO_LARGE);
  g_assert_false (sd_api_error_is_transient (error));
}

static void
test_query_oversized_refused (Fixture       *fixture,
                              gconstpointer  data)
{
  assert_query_too_large (fixture, SD_SIMULATOR_FAULT_OVERSIZED_BODY);
}

static void
test_query_oversized_undeclared_refused (Fixture       *fixture,
                                         gconstpointer  data)
{
  assert_query_too_large (fixture, SD_SIMULATOR_FAULT_OVERSIZED_BODY_CHUNKED);
}

/* Where the token goes */

static void
test_redirect_not_followed (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(SdRequest) request = sd_test_images_request ("A cat");
  g_autoptr(SdApiCreateResult) created = NULL;
  g_autoptr(SdApiQueryResult) queried = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected_auth = g_strconcat ("Bearer ", sd_simulator_get_token (fixture->sim), NULL);
  g_autoptr(GUri) other = g_uri_parse (sd_simulator_get_other_base_url (fixture->sim), G_URI_FLAGS_NONE, NULL);
  const char *other_host = g_uri_get_host (other);

  sd_simulator_set_fault (fixture->sim, SD_SIMULATOR_STEP_CREATE, SD_SIMULATOR_FAULT_REDIRECT_OTHER_HOST, 0);
  sd_simulator_set_fault (fixture->sim, SD_SIMULATOR_STEP_QUERY, SD_SIMULATOR_FAULT_REDIRECT_OTHER_HOST, 0);

  created = create_sync (fixture->client, request, NULL, &error);
  g_assert_null (created);
  g_assert_error (error, SD_API_ERROR, SD_API_ERROR_HTTP_STATUS);
  g_assert_cmpuint (sd_api_error_get_http_status (error), ==, 302);
  g_clear_error (&error);

  queried = query_sync (fixture->client, "vid_anything", NULL, &error);
  g_assert_null (queried);
  g_assert_error (error, SD_API_ERROR, SD_API_ERROR_HTTP_STATUS);

  g_assert_cmpstr (sd_simulator_get_auth_seen (fixture->sim, "127.0.0.1"), ==, expected_auth);
  g_assert_cmpuint (sd_simulator_get_host_request_count (fixture->sim, other_host), ==, 0);
  g_assert_null (sd_simulator_get_auth_seen (fixture->sim, other_host));
}

static void
test_base_url_rules (void)
{
  const char *accepted[] = {
    "https://www.jimmyai.cn",
    "https://mirror.example.com/seedance/",
    "http://127.0.0.1:8080",
    "http://127.45.6.7",
    "http://[::1]:9000",
    "http://localhost:1234",
    "http://LOCALHOST",
  };
  const char *insecure[] = {
    "http://www.jimmyai.cn",
    "http://192.168.1.10:8080",
    "http://localhost.example.com",
    "http://128.0.0.1",
  };
  const char *invalid[] = {
    "",
    "www.jimmyai.cn",
    "/api",
    "ftp://www.jimmyai.cn",
    "https://",
    "https://www.jimmyai.cn/?a=b",
  };

  for (guint i = 0; i < G_N_ELEMENTS (accepted); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (sd_client_check_base_url (accepted[i], &error));
      g_assert_no_error (error);
    }
  for (guint i = 0; i < G_N_ELEMENTS (insecure); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (sd_client_check_base_url (insecure[i], &error));
      g_assert_error (error, SD_API_ERROR, SD_API_ERROR_INSECURE);
      g_assert_nonnull (strstr (error->message, "https://"));
    }
  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (sd_client_check_base_url (invalid[i], &error));
      g_assert_error (error, SD_API_ERROR, SD_API_ERROR_INVALID_REQUEST);
    }
}

static void
test_insecure_base_url_not_contacted (Fixture       *fixture,
                                      gconstpointer  data)
{
  g_autoptr(SdRequest) request = sd_test_images_request ("A cat");
  g_autoptr(SdApiCreateResult) created = NULL;
  g_autoptr(SdApiQueryResult) queried = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *other_url = g_strdup (sd_simulator_get_other_base_url (fixture->sim));

  /* Documentation address (TEST-NET-1): refused before any connection. */
  sd_client_set_base_url (fixture->client, "http://192.0.2.1");
  created = create_sync (fixture->client, request, NULL, &error);
  g_assert_error (error, SD_API_ERROR, SD_API_ERROR_INSECURE);
  g_assert_null (strstr (error->message, sd_simulator_get_token (fixture->sim)));
  g_clear_error (&error);

  queried = query_sync (fixture->client, "vid_x", NULL, &error);
  g_assert_error (error, SD_API_ERROR, SD_API_ERROR_INSECURE);
  g_assert_cmpuint (sd_simulator_get_request_count (fixture->sim, SD_SIMULATOR_STEP_CREATE), ==, 0);
  g_assert_cmpuint (sd_simulator_get_request_count (fixture->sim, SD_SIMULATOR_STEP_QUERY), ==, 0);
  g_assert_nonnull (other_url);
}

static void
test_query_task_id_escaped (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(SdApiQueryResult) queried = NULL;
  g_autoptr(GError) error = NULL;
  const char *hostile[] = {
    "../../seedance/videos",
    "x/../../../../videos/a.mp4?b=c#d",
    "..%2F..%2Fseedance%2Fvideos",
  };
  const char *refused[] = { "", ".", ".." };

  /* A '/' in an id stays inside the one path segment of the query route. */
  queried = query_sync (fixture->client, "vid_a/b", NULL, &error);
  g_assert_null (queried);
  g_assert_cmpuint (sd_api_error_get_http_status (error), ==, 404);
  g_assert_cmpuint (sd_simulator_get_request_count (fixture->sim, SD_SIMULATOR_STEP_QUERY), ==, 1);
  g_clear_error (&error);

  /* Dot segments, queries and fragments never reach another route (the
   * server may refuse such a path outright, or find no such task). */
  for (guint i = 0; i < G_N_ELEMENTS (hostile); i++)
    {
      queried = query_sync (fixture->client, hostile[i], NULL, &error);
      g_assert_null (queried);
      g_assert_nonnull (error);
      g_assert_true (sd_api_error_get_http_status (error) == 400 ||
                     sd_api_error_get_http_status (error) == 404);
      g_clear_error (&error);
    }
  g_assert_cmpuint (sd_simulator_get_request_count (fixture->sim, SD_SIMULATOR_STEP_CREATE), ==, 0);
  g_assert_cmpuint (sd_simulator_get_request_count (fixture->sim, SD_SIMULATOR_STEP_DOWNLOAD), ==, 0);
  g_assert_cmpuint (sd_simulator_get_task_count (fixture->sim), ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      guint before = sd_simulator_get_host_request_count (fixture->sim, "127.0.0.1");

      queried = query_sync (fixture->client, refused[i], NULL, &error);
      g_assert_error (error, SD_API_ERROR, SD_API_ERROR_INVALID_REQUEST);
      g_assert_cmpuint (sd_simulator_get_host_request_count (fixture->sim, "127.0.0.1"), ==, before);
      g_clear_error (&error);
    }
}

/* The simulator's videos */

static SoupMessage *
video_message (Fixture    *fixture,
               const char *range)
{
  g_autofree char *task_id = completed_task (fixture);
  g_autofree char *url = video_url (fixture, task_id);
  SoupMessage *message = soup_message_new (SOUP_METHOD_GET, url);

  if (range != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (message), "Range", range);
  return message;
}

static void
test_video_whole (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(SoupMessage) message = video_message (fixture, NULL);
  g_autoptr(GBytes) sample = sample_bytes ();
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  SoupMessageHeaders *headers;

  body = download_sync (fixture->client, message, &error);
  g_assert_no_error (error);
  headers = soup_message_get_response_headers (message);
  g_assert_cmpuint (soup_message_get_status (message), ==, 200);
  g_assert_cmpstr (soup_message_headers_get_content_type (headers, NULL), ==, "video/mp4");
  g_assert_cmpint (soup_message_headers_get_content_length (headers), ==, g_bytes_get_size (sample));
  g_assert_true (g_bytes_equal (body, sample));
  g_assert_cmpuint (sd_simulator_get_request_count (fixture->sim, SD_SIMULATOR_STEP_DOWNLOAD), ==, 1);
}

static void
test_video_range_partial (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(SoupMessage) message = video_message (fixture, "bytes=100-1123");
  g_autoptr(GBytes) sample = sample_bytes ();
  g_autoptr(GBytes) expected = g_bytes_new_from_bytes (sample, 100, 1024);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  goffset start, end, total;

  body = download_sync (fixture->client, message, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (message), ==, 206);
  g_assert_true (soup_message_headers_get_content_range (soup_message_get_response_headers (message),
                                                         &start, &end, &total));
  g_assert_cmpint (start, ==, 100);
  g_assert_cmpint (end, ==, 1123);
  g_assert_cmpint (total, ==, g_bytes_get_size (sample));
  g_assert_true (g_bytes_equal (body, expected));
}

static void
test_video_range_open_ended (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(GBytes) sample = sample_bytes ();
  gsize size = g_bytes_get_size (sample);
  g_autofree char *range = g_strdup_printf ("bytes=%" G_GSIZE_FORMAT "-", size - 10);
  g_autoptr(SoupMessage) message = video_message (fixture, range);
  g_autoptr(GBytes) expected = g_bytes_new_from_bytes (sample, size - 10, 10);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  body = download_sync (fixture->client, message, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (message), ==, 206);
  g_assert_true (g_bytes_equal (body, expected));
}

static void
test_video_range_past_end (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GBytes) sample = sample_bytes ();
  g_autofree char *range = g_strdup_printf ("bytes=%" G_GSIZE_FORMAT "-", g_bytes_get_size (sample));
  g_autofree char *expected = g_strdup_printf ("bytes */%" G_GSIZE_FORMAT, g_bytes_get_size (sample));
  g_autoptr(SoupMessage) message = video_message (fixture, range);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  body = download_sync (fixture->client, message, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (message), ==, 416);
  g_assert_cmpstr (soup_message_headers_get_one (soup_message_get_response_headers (message),
                                                 "Content-Range"), ==, expected);
  g_assert_cmpuint (g_bytes_get_size (body), ==, 0);
}

static void
test_video_large_streamed (Fixture       *fixture,
                           gconstpointer  data)
{
  const guint64 size = 5 * 1024 * 1024 + 3;
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GBytes) sample = sample_bytes ();
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  const guint8 *got;
  const guint8 *want;
  gsize sample_size;

  sd_simulator_set_video_size (fixture->sim, size);
  message = video_message (fixture, NULL);
  body = download_sync (fixture->client, message, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (body), ==, size);

  got = g_bytes_get_data (body, NULL);
  want = g_bytes_get_data (sample, &sample_size);
  for (guint64 i = 0; i < size; i += 4093)
    g_assert_cmpuint (got[i], ==, want[i % sample_size]);
  g_assert_cmpuint (got[size - 1], ==, want[(size - 1) % sample_size]);
}

static void
test_video_dropped_mid_body (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  sd_simulator_set_video_size (fixture->sim, 2 * 1024 * 1024);
  sd_simulator_set_fault (fixture->sim, SD_SIMULATOR_STEP_DOWNLOAD, SD_SIMULATOR_FAULT_DROP_MID_BODY, 1);
  message = video_message (fixture, NULL);
  body = download_sync (fixture->client, message, &error);
  g_assert_null (body);
  g_assert_nonnull (error);
}

static void
test_video_redirect_other_host (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autoptr(SoupMessage) message = video_message (fixture, NULL);
  g_autoptr(GBytes) sample = sample_bytes ();
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) other = g_uri_parse (sd_simulator_get_other_base_url (fixture->sim), G_URI_FLAGS_NONE, NULL);
  const char *other_host = g_uri_get_host (other);

  sd_simulator_set_fault (fixture->sim, SD_SIMULATOR_STEP_DOWNLOAD, SD_SIMULATOR_FAULT_REDIRECT_OTHER_HOST, 1);
  body = download_sync (fixture->client, message, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (message), ==, 200);
  g_assert_cmpstr (g_uri_get_host (soup_message_get_uri (message)), ==, other_host);
  g_assert_true (g_bytes_equal (body, sample));

  /* The API host saw the token; the video host never did. */
  g_assert_nonnull (sd_simulator_get_auth_seen (fixture->sim, "127.0.0.1"));
  g_assert_cmpuint (sd_simulator_get_host_request_count (fixture->sim, other_host), ==, 1);
  g_assert_null (sd_simulator_get_auth_seen (fixture->sim, other_host));
}

static void
test_video_not_before_completed (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autoptr(SdRequest) request = sd_test_images_request ("A cat");
  g_autoptr(SdApiCreateResult) created = NULL;
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  created = create_sync (fixture->client, request, NULL, &error);
  g_assert_no_error (error);
  url = g_strdup_printf ("%s/videos/%s.mp4", sd_simulator_get_base_url (fixture->sim), created->task_id);
  message = soup_message_new (SOUP_METHOD_GET, url);
  body = download_sync (fixture->client, message, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (message), ==, 404);
}

typedef struct
{
  const char *raw;
  const char *normalized;
} Normalized;

/* One rule decides, and what it returns is what is used: lower-case scheme
 * and host, no trailing slash, loopback by address. */
static void
test_base_url_normalized (void)
{
  const Normalized cases[] = {
    { "https://www.jimmyai.cn", "https://www.jimmyai.cn" },
    { "https://www.jimmyai.cn/", "https://www.jimmyai.cn" },
    { "HTTPS://WWW.JimmyAI.CN//", "https://www.jimmyai.cn" },
    { "https://mirror.example.com/seedance/v1/", "https://mirror.example.com/seedance/v1" },
    { "http://127.0.0.1:8123/", "http://127.0.0.1:8123" },
    { "http://127.1.2.3", "http://127.1.2.3" },
    { "http://[::1]:9000/", "http://[::1]:9000" },
    { "HTTP://LOCALHOST:1234", "http://localhost:1234" },
    { "http://[::ffff:127.0.0.1]:8080", "http://[::ffff:127.0.0.1]:8080" },
    { "http://[::FFFF:127.9.9.9]", "http://[::ffff:127.9.9.9]" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *normalized = sd_client_normalize_base_url (cases[i].raw, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (normalized, ==, cases[i].normalized);
    }
}

typedef struct
{
  const char *raw;
  gint        code;
  const char *shown;  /* what the message quotes */
} Refused;

/* Refused, never repaired: every spelling that used to fall back to the
 * production service. A name is never resolved to decide. */
static void
test_base_url_refused (void)
{
  const Refused cases[] = {
    { "http://www.jimmyai.cn", SD_API_ERROR_INSECURE, "http://www.jimmyai.cn" },
    { "http://localtest.me:8080", SD_API_ERROR_INSECURE, "http://localtest.me:8080" },
    { "http://localhost.", SD_API_ERROR_INSECURE, "http://localhost." },
    { "http://localhost.localdomain", SD_API_ERROR_INSECURE, NULL },
    { "http://127.1", SD_API_ERROR_INSECURE, NULL },
    { "http://2130706433", SD_API_ERROR_INSECURE, NULL },
    { "http://[::ffff:192.0.2.1]", SD_API_ERROR_INSECURE, NULL },
    { "http://[::127.0.0.1]", SD_API_ERROR_INSECURE, NULL },
    { "http://[::2]", SD_API_ERROR_INSECURE, NULL },
    { "http://128.0.0.1", SD_API_ERROR_INSECURE, NULL },
    { "https://www.jimmyai.cn/?a=b", SD_API_ERROR_INVALID_REQUEST, "https://www.jimmyai.cn/?a=b" },
    { "https://www.jimmyai.cn?", SD_API_ERROR_INVALID_REQUEST, NULL },
    { "http://127.0.0.1:1/#top", SD_API_ERROR_INVALID_REQUEST, "http://127.0.0.1:1/#top" },
    { "https://www.jimmyai.cn#", SD_API_ERROR_INVALID_REQUEST, NULL },
    { " https://www.jimmyai.cn", SD_API_ERROR_INVALID_REQUEST, " https://www.jimmyai.cn" },
    { "https://www.jimmyai.cn ", SD_API_ERROR_INVALID_REQUEST, "https://www.jimmyai.cn " },
    { "https://www.jimmyai.cn\n", SD_API_ERROR_INVALID_REQUEST, "https://www.jimmyai.cn\\x0a" },
    { "\thttps://www.jimmyai.cn", SD_API_ERROR_INVALID_REQUEST, "\\x09https://www.jimmyai.cn" },
    { "https://www.jimmyai.cn/a b", SD_API_ERROR_INVALID_REQUEST, NULL },
    { "https://www.jimmyai.cn/\033[2J", SD_API_ERROR_INVALID_REQUEST, "https://www.jimmyai.cn/\\x1b[2J" },
    { "https://@www.jimmyai.cn", SD_API_ERROR_INVALID_REQUEST, NULL },
    { "", SD_API_ERROR_INVALID_REQUEST, NULL },
    { "www.jimmyai.cn", SD_API_ERROR_INVALID_REQUEST, NULL },
    { "/api", SD_API_ERROR_INVALID_REQUEST, NULL },
    { "ftp://www.jimmyai.cn", SD_API_ERROR_INVALID_REQUEST, NULL },
    { "file:///etc/passwd", SD_API_ERROR_INVALID_REQUEST, NULL },
    { "https://", SD_API_ERROR_INVALID_REQUEST, NULL },
    { "http:///x", SD_API_ERROR_INVALID_REQUEST, NULL },
  };
  guint lookups = sd_test_get_name_lookups ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *normalized = sd_client_normalize_base_url (cases[i].raw, &error);
      g_autofree char *quoted = g_strdup_printf ("“%s”", cases[i].shown);

      g_test_message ("%s", cases[i].raw);
      g_assert_null (normalized);
      g_assert_error (error, SD_API_ERROR, cases[i].code);
      if (cases[i].shown != NULL)
        g_assert_nonnull (strstr (error->message, quoted));
      g_assert_false (sd_client_check_base_url (cases[i].raw, NULL));
    }
  g_assert_cmpuint (sd_test_get_name_lookups (), ==, lookups);
}

/* User info is refused and never echoed, parsed or not. */
static void
test_base_url_user_info_never_shown (void)
{
  const char *cases[] = {
    "https://alice:s3cret-pw@www.jimmyai.cn",
    "http://alice:s3cret-pw@127.0.0.1:8080/",
    "https://alice:s3cret-pw@www.jimmyai.cn/?q=1",
    "https://alice:s3cret-pw@www.jimmyai.cn ",
    "https://alice:s3cret-pw@www.jimmyai.cn/a b",
    "https://alice:s3cret-pw@",
    "https://alice:s3cret-pw@@www.jimmyai.cn",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *normalized = sd_client_normalize_base_url (cases[i], &error);

      g_test_message ("%s", error != NULL ? error->message : "(accepted)");
      g_assert_null (normalized);
      g_assert_error (error, SD_API_ERROR, SD_API_ERROR_INVALID_REQUEST);
      g_assert_null (strstr (error->message, "s3cret"));
      g_assert_null (strstr (error->message, "alice"));
    }
}

static void
test_host_loopback_by_address (void)
{
  const char *loopback[] = {
    "127.0.0.1", "127.1.2.3", "127.255.255.254", "::1", "::ffff:127.0.0.1",
    "::ffff:127.10.0.5", "localhost", "LocalHost",
  };
  const char *other[] = {
    "128.0.0.1", "126.255.255.255", "0.0.0.0", "::", "::2", "::ffff:10.0.0.1",
    "::127.0.0.1", "127.1", "2130706433", "localtest.me", "localhost.", "foo.localhost",
    "localhost.example.com", "127.0.0.1.nip.io", "",
  };
  guint lookups = sd_test_get_name_lookups ();

  for (guint i = 0; i < G_N_ELEMENTS (loopback); i++)
    g_assert_true (sd_host_is_loopback (loopback[i]));
  for (guint i = 0; i < G_N_ELEMENTS (other); i++)
    g_assert_false (sd_host_is_loopback (other[i]));
  g_assert_cmpuint (sd_test_get_name_lookups (), ==, lookups);
}

static void
on_notify_count_cb (GObject    *object,
                    GParamSpec *pspec,
                    guint      *count)
{
  (*count)++;
}

/* A refused address is not replaced by the default one: the client has no
 * address, says why, and sends nothing anywhere until a good one is set. */
static void
test_refused_base_url_sends_nothing (Fixture       *fixture,
                                     gconstpointer  data)
{
  const char *sim = sd_simulator_get_base_url (fixture->sim);
  g_autofree char *with_query = g_strconcat (sim, "/?x=1", NULL);
  g_autofree char *with_fragment = g_strconcat (sim, "#x", NULL);
  g_autofree char *with_space = g_strconcat (" ", sim, NULL);
  g_autofree char *with_newline = g_strconcat (sim, "\n", NULL);
  g_autofree char *with_user = g_strdup_printf ("http://bob:pw-123@%s", sim + strlen ("http://"));
  g_autofree char *upper = g_ascii_strup (sim, -1);
  const char *bad[] = { with_query, with_fragment, with_space, with_newline, with_user,
                        "http://localtest.me", "http://www.jimmyai.cn" };
  guint lookups = sd_test_get_name_lookups ();
  guint notified = 0;

  g_assert_true (g_str_has_prefix (sim, "http://127.0.0.1:"));
  g_signal_connect (fixture->client, "notify::base-url-error", G_CALLBACK (on_notify_count_cb), &notified);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(SdRequest) request = sd_test_images_request ("A cat");
      g_autoptr(SdApiCreateResult) created = NULL;
      g_autoptr(SdApiQueryResult) queried = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *shown = NULL;

      sd_client_set_base_url (fixture->client, bad[i]);
      g_assert_null (sd_client_get_base_url (fixture->client));
      g_assert_nonnull (sd_client_get_base_url_error (fixture->client));
      g_object_get (fixture->client, "base-url-error", &shown, NULL);
      g_assert_cmpstr (shown, ==, sd_client_get_base_url_error (fixture->client)->message);
      g_assert_null (strstr (shown, "pw-123"));

      created = create_sync (fixture->client, request, NULL, &error);
      g_assert_null (created);
      g_assert_true (g_error_matches (error, SD_API_ERROR, SD_API_ERROR_INVALID_REQUEST) ||
                     g_error_matches (error, SD_API_ERROR, SD_API_ERROR_INSECURE));
      g_assert_null (strstr (error->message, sd_simulator_get_token (fixture->sim)));
      g_clear_error (&error);
      queried = query_sync (fixture->client, "vid_x", NULL, &error);
      g_assert_null (queried);
      g_assert_nonnull (error);
    }
  g_assert_cmpuint (notified, ==, G_N_ELEMENTS (bad));
  g_assert_cmpuint (sd_simulator_get_request_count (fixture->sim, SD_SIMULATOR_STEP_CREATE), ==, 0);
  g_assert_cmpuint (sd_simulator_get_request_count (fixture->sim, SD_SIMULATOR_STEP_QUERY), ==, 0);
  g_assert_cmpuint (sd_test_get_name_lookups (), ==, lookups);

  /* An uppercase spelling of the simulator's address is the same address. */
  {
    g_autoptr(SdRequest) request = sd_test_images_request ("A cat");
    g_autoptr(SdApiCreateResult) created = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *slashed = g_strconcat (upper, "/", NULL);

    sd_client_set_base_url (fixture->client, slashed);
    g_assert_cmpstr (sd_client_get_base_url (fixture->client), ==, sim);
    g_assert_null (sd_client_get_base_url_error (fixture->client));
    g_assert_cmpuint (notified, ==, G_N_ELEMENTS (bad) + 1);
    created = create_sync (fixture->client, request, NULL, &error);
    g_assert_no_error (error);
    g_assert_nonnull (created);
  }
}

/* The IPv4-mapped spelling of the simulator's loopback address is used as
 * is, not refused in favour of the default address. */
static void
test_v4_mapped_loopback_is_used (Fixture       *fixture,
                                 gconstpointer  data)
{
  const char *sim = sd_simulator_get_base_url (fixture->sim);
  g_autofree char *mapped = g_strdup_printf ("http://[::ffff:127.0.0.1]%s", strrchr (sim, ':'));
  g_autoptr(SdRequest) request = sd_test_images_request ("A cat");
  g_autoptr(SdApiCreateResult) created = NULL;
  g_autoptr(GError) error = NULL;

  sd_client_set_base_url (fixture->client, mapped);
  g_assert_cmpstr (sd_client_get_base_url (fixture->client), ==, mapped);
  g_assert_true (sd_client_get_base_url_is_loopback (fixture->client));
  created = create_sync (fixture->client, request, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (created);
  g_assert_cmpuint (sd_simulator_get_request_count (fixture->sim, SD_SIMULATOR_STEP_CREATE), ==, 1);
}

/* "localhost" is loopback because GLib answers it without a resolver. */
static void
test_localhost_is_never_resolved (Fixture       *fixture,
                                  gconstpointer  data)
{
  const char *sim = sd_simulator_get_base_url (fixture->sim);
  g_autofree char *localhost = g_strdup_printf ("http://LOCALHOST%s", strrchr (sim, ':'));
  g_autoptr(SdRequest) request = sd_test_images_request ("A cat");
  g_autoptr(SdApiCreateResult) created = NULL;
  g_autoptr(GError) error = NULL;
  guint lookups = sd_test_get_name_lookups ();

  sd_client_set_base_url (fixture->client, localhost);
  g_assert_true (g_str_has_prefix (sd_client_get_base_url (fixture->client), "http://localhost:"));
  created = create_sync (fixture->client, request, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (created);
  g_assert_cmpuint (sd_test_get_name_lookups (), ==, lookups);
}

static void
test_token_normalized (void)
{
  const Normalized accepted[] = {
    { "sk_abc", "sk_abc" },
    { "sk_abc\n", "sk_abc" },
    { "sk_abc\r\n", "sk_abc" },
    { "sk_abc\r", "sk_abc" },
    { "sk abc", "sk abc" },
  };
  const char *refused[] = {
    "", "\n", "\r\n", "sk_abc\n\n", "sk_abc\r\n\r\n", "sk_abc\n\r", "sk\nabc", "sk\rabc",
    "sk\tabc", "\tsk_abc", "sk_abc\033[2J", "sk_abc\x7f", "sk_\xc3\xa9", "\xef\xbb\xbfsk_abc",
  };

  for (guint i = 0; i < G_N_ELEMENTS (accepted); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *token = sd_client_normalize_token (accepted[i].raw, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (token, ==, accepted[i].normalized);
    }
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *token = sd_client_normalize_token (refused[i], &error);

      g_assert_null (token);
      g_assert_error (error, SD_API_ERROR, SD_API_ERROR_UNAUTHORIZED);
      g_assert_null (strstr (error->message, "sk"));
    }
}

/* A token file saved on Windows works; a token with a line break inside is
 * refused before anything is sent (no libsoup CRITICAL: the suite runs with
 * fatal criticals). */
static void
test_token_line_endings (Fixture       *fixture,
                         gconstpointer  data)
{
  const char *token = sd_simulator_get_token (fixture->sim);
  const char *endings[] = { "\n", "\r\n", "\r" };

  for (guint i = 0; i < G_N_ELEMENTS (endings); i++)
    {
      g_autofree char *raw = g_strconcat (token, endings[i], NULL);
      g_autoptr(SdRequest) request = sd_test_images_request ("A cat");
      g_autoptr(SdApiCreateResult) created = NULL;
      g_autoptr(GError) error = NULL;

      sd_client_set_token (fixture->client, raw);
      g_assert_true (sd_client_has_token (fixture->client));
      created = create_sync (fixture->client, request, NULL, &error);
      g_assert_no_error (error);
      g_assert_nonnull (created);
    }
  g_assert_cmpuint (sd_simulator_get_request_count (fixture->sim, SD_SIMULATOR_STEP_CREATE), ==, 3);

  for (guint i = 0; i < G_N_ELEMENTS (endings); i++)
    {
      g_autofree char *raw = g_strconcat (token, endings[i], "x", NULL);
      g_autoptr(SdRequest) request = sd_test_images_request ("A cat");
      g_autoptr(SdApiCreateResult) created = NULL;
      g_autoptr(SdApiQueryResult) queried = NULL;
      g_autoptr(GError) error = NULL;

      sd_client_set_token (fixture->client, raw);
      g_assert_false (sd_client_has_token (fixture->client));
      created = create_sync (fixture->client, request, NULL, &error);
      g_assert_null (created);
      g_assert_error (error, SD_API_ERROR, SD_API_ERROR_UNAUTHORIZED);
      g_assert_nonnull (strstr (error->message, "token"));
      g_assert_null (strstr (error->message, token));
      g_clear_error (&error);
      queried = query_sync (fixture->client, "vid_x", NULL, &error);
      g_assert_error (error, SD_API_ERROR, SD_API_ERROR_UNAUTHORIZED);
    }
  g_assert_cmpuint (sd_simulator_get_request_count (fixture->sim, SD_SIMULATOR_STEP_CREATE), ==, 3);
  g_assert_cmpuint (sd_simulator_get_request_count (fixture->sim, SD_SIMULATOR_STEP_QUERY), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  /* Everything here is on loopback by address: no name is ever resolved. */
  sd_test_install_counting_resolver ();

#define ADD(path, func) \
  g_test_add ("/client/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("create/reference-images-goes-queued-processing-completed", test_create_images_completes);
  ADD ("create/first-last-frame-goes-queued-processing-completed", test_create_frames_completes);
  ADD ("create/prompt-with-fail-ends-failed-with-message", test_create_fail_prompt_fails);
  ADD ("create/wrong-token-is-unauthorized", test_create_wrong_token_unauthorized);
  ADD ("create/without-token-is-not-sent", test_create_without_token_not_sent);
  ADD ("create/invalid-request-refused-with-server-message", test_create_invalid_refused_with_message);
  ADD ("create/unknown-model-refused", test_create_unknown_model_refused);
  ADD ("create/http-500-is-not-retried", test_create_500_not_retried);
  ADD ("create/slow-answer-is-outcome-unknown", test_create_slow_outcome_unknown);
  ADD ("create/dropped-answer-is-outcome-unknown", test_create_dropped_outcome_unknown);
  ADD ("create/malformed-answer-is-outcome-unknown", test_create_malformed_outcome_unknown);
  ADD ("create/oversized-answer-is-outcome-unknown", test_create_oversized_outcome_unknown);
  ADD ("create/refused-connection-is-transport", test_create_refused_connection_transport);
  ADD ("create/rate-limited-is-not-retried", test_create_rate_limited);
  ADD ("create/cancelled-before-sending-is-cancelled", test_create_cancelled_before_sending);
  ADD ("create/cancelled-after-sending-is-outcome-unknown", test_create_cancelled_after_sending);
  ADD ("query/wrong-token-is-unauthorized", test_query_wrong_token_unauthorized);
  ADD ("query/unknown-task-is-not-found", test_query_unknown_task_not_found);
  ADD ("query/http-500-is-transient-until-service-resumes", test_query_500_transient);
  ADD ("query/rate-limited-keeps-retry-after", test_query_rate_limited_keeps_retry_after);
  ADD ("query/malformed-answer-is-transient", test_query_malformed_transient);
  ADD ("query/slow-answer-times-out-transient", test_query_slow_times_out);
  ADD ("query/dropped-answer-is-transient", test_query_dropped_transient);
  ADD ("query/cancelled-reports-cancelled", test_query_cancelled);
  ADD ("query/oversized-answer-refused", test_query_oversized_refused);
  ADD ("query/oversized-answer-without-length-refused", test_query_oversized_undeclared_refused);
  ADD ("query/task-id-cannot-change-the-path", test_query_task_id_escaped);
  ADD ("token/redirect-from-api-not-followed", test_redirect_not_followed);
  ADD ("token/plain-http-to-remote-host-never-contacted", test_insecure_base_url_not_contacted);
  g_test_add_func ("/client/base-url/https-required-except-loopback", test_base_url_rules);
  g_test_add_func ("/client/base-url/normalized-once", test_base_url_normalized);
  g_test_add_func ("/client/base-url/refused-spellings", test_base_url_refused);
  g_test_add_func ("/client/base-url/user-info-never-shown", test_base_url_user_info_never_shown);
  g_test_add_func ("/client/base-url/loopback-by-address-not-by-name", test_host_loopback_by_address);
  ADD ("base-url/refused-sends-nothing-anywhere", test_refused_base_url_sends_nothing);
  ADD ("base-url/v4-mapped-loopback-is-used", test_v4_mapped_loopback_is_used);
  ADD ("base-url/localhost-is-never-resolved", test_localhost_is_never_resolved);
  g_test_add_func ("/client/token/normalized", test_token_normalized);
  ADD ("token/line-endings-stripped-control-characters-refused", test_token_line_endings);
  ADD ("video/whole-file", test_video_whole);
  ADD ("video/range-gives-206-with-those-bytes", test_video_range_partial);
  ADD ("video/open-range-gives-the-tail", test_video_range_open_ended);
  ADD ("video/range-past-end-gives-416", test_video_range_past_end);
  ADD ("video/large-file-streamed-whole", test_video_large_streamed);
  ADD ("video/dropped-mid-body-fails", test_video_dropped_mid_body);
  ADD ("video/redirect-to-other-host-carries-no-token", test_video_redirect_other_host);
  ADD ("video/absent-before-completion", test_video_not_before_completed);

#undef ADD

  return g_test_run ();
}

/* test-faults.c: every simulator fault at every step, and a hostile server
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
#include "sd-download.h"
#include "sd-download-test.h"
#include "sd-service.h"
#include "sd-simulator-test.h"
#include "sd-store.h"

#define SAMPLE_RESOURCE  "/io/github/seedancestudio/SeedanceStudio/core/sample.mp4"
#define MODEL            "seedance2.0-fast-i2v"
#define QUEUED_MS        1000
#define PROCESSING_MS    2000
/* Several read buffers, so that a drop in the middle leaves a real .part. */
#define VIDEO_SIZE       (3 * 256 * 1024 + 4321)
#define REQUEST_TIMEOUT  1000
#define SLOW_DELAY       3000
#define HOSTILE_TOKEN    "sk_hostile"
/* A wait that takes this long means the behaviour never came: fail. */
#define WAIT_LIMIT_S     30

/* The service, on a simulator or on the hostile server. */

typedef struct
{
  SdCatalog   *catalog;
  SdClient    *client;
  SdStore     *store;
  GSettings   *settings;
  SdService   *service;
  char        *download_dir;
  GPtrArray   *poll_errors;
  guint        failed;
} Service;

static void
on_poll_error_cb (SdService    *service,
                  SdTask       *task,
                  const GError *error,
                  Service      *s)
{
  g_ptr_array_add (s->poll_errors, g_error_copy (error));
}

static void
on_task_failed_cb (SdService *service,
                   SdTask    *task,
                   Service   *s)
{
  s->failed++;
}

/* A service on @s's client and history, quick to poll, always online. */
static SdService *
make_service (Service *s)
{
  SdService *service = sd_service_new (s->client, s->store, s->catalog, s->settings);

  sd_service_set_network_monitor (service, NULL);
  sd_service_set_online (service, TRUE);
  g_object_set (service, "first-poll-delay", 20, "max-poll-interval", 100, NULL);
  return service;
}

static void
service_init (Service    *s,
              const char *base_url,
              const char *token)
{
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "history.db", NULL);
  g_autoptr(GError) error = NULL;

  sd_download_set_retry_policy (4, 20);
  s->catalog = sd_catalog_new ();
  s->client = sd_client_new (base_url, token);
  sd_client_set_request_timeout (s->client, REQUEST_TIMEOUT);
  s->store = sd_store_open (path, NULL, &error);
  g_assert_no_error (error);

  s->download_dir = g_build_filename (g_get_user_cache_dir (), "saved", NULL);
  s->settings = g_settings_new (SCHEMA_ID);
  g_settings_set_boolean (s->settings, "auto-download", TRUE);
  g_settings_set_string (s->settings, "download-dir", s->download_dir);

  s->poll_errors = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  s->service = make_service (s);
  g_signal_connect (s->service, "poll-error", G_CALLBACK (on_poll_error_cb), s);
  g_signal_connect (s->service, "task-failed", G_CALLBACK (on_task_failed_cb), s);
}

static void
service_clear (Service *s)
{
  g_clear_object (&s->service);
  g_clear_object (&s->store);
  g_clear_object (&s->client);
  g_clear_object (&s->catalog);
  g_settings_reset (s->settings, "auto-download");
  g_settings_reset (s->settings, "download-dir");
  g_clear_object (&s->settings);
  g_clear_pointer (&s->poll_errors, g_ptr_array_unref);
  g_clear_pointer (&s->download_dir, g_free);
  sd_download_set_retry_policy (SD_DOWNLOAD_DEFAULT_RETRIES, SD_DOWNLOAD_DEFAULT_FIRST_DELAY_MS);
}

static SdRequest *
make_request (const char *prompt)
{
  SdRequest *request = sd_request_new ();

  sd_request_set_model (request, MODEL);
  sd_request_set_prompt (request, prompt);
  sd_request_set_duration (request, 5);
  sd_request_set_ratio (request, "16:9");
  sd_request_add_image (request, "https://example.com/ref-1.jpg");
  return request;
}

static SdTask *
submit (Service     *s,
        const char  *prompt,
        GError     **error)
{
  g_autoptr(SdRequest) request = make_request (prompt);
  g_autoptr(GAsyncResult) result = NULL;

  sd_service_submit_async (s->service, request, NULL, sd_test_store_result_cb, &result);
  sd_test_wait_until (sd_test_result_arrived, &result, WAIT_LIMIT_S, "the submission");
  return sd_service_submit_finish (s->service, result, error);
}

static void
assert_stored (Service      *s,
               SdTask       *task,
               SdTaskStatus  status)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdTask) stored = sd_store_load_task (s->store, sd_task_get_id (task), &error);

  g_assert_no_error (error);
  g_assert_nonnull (stored);
  g_assert_cmpint (sd_task_get_status (stored), ==, status);
  g_assert_cmpint (sd_task_get_download_state (stored), ==, sd_task_get_download_state (task));
  g_assert_cmpstr (sd_task_get_local_file (stored), ==, sd_task_get_local_file (task));
}

static guint
count_files (const char *directory)
{
  g_autoptr(GDir) dir = g_dir_open (directory, 0, NULL);
  guint n = 0;

  if (dir == NULL)
    return 0;
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

/* A clear message: a sentence, valid UTF-8, without the token. */
static void
assert_clear_message (const char *message,
                      const char *token)
{
  g_assert_nonnull (message);
  g_assert_true (g_utf8_validate (message, -1, NULL));
  g_assert_cmpuint (strlen (message), >=, 20);
  g_assert_null (strstr (message, token));
}

/* The fault matrix. */

typedef struct
{
  SdSimulatorStep   step;
  SdSimulatorFault  fault;
  char             *path;
} Case;

/* The steps of a task's life the matrix covers; uploads have their own
 * suite (test-upload). */
static const char * const step_names[] = { "create", "query", "download" };
G_STATIC_ASSERT (G_N_ELEMENTS (step_names) == SD_SIMULATOR_STEP_DOWNLOAD + 1);

static const struct
{
  SdSimulatorFault  fault;
  const char       *name;
} faults[] = {
  { SD_SIMULATOR_FAULT_NONE, "none" },
  { SD_SIMULATOR_FAULT_HTTP_500, "http-500" },
  { SD_SIMULATOR_FAULT_RATE_LIMITED, "rate-limited" },
  { SD_SIMULATOR_FAULT_MALFORMED_JSON, "malformed-json" },
  { SD_SIMULATOR_FAULT_SLOW, "slow" },
  { SD_SIMULATOR_FAULT_DROP_MID_BODY, "drop-mid-body" },
  { SD_SIMULATOR_FAULT_REDIRECT_OTHER_HOST, "redirect-other-host" },
  { SD_SIMULATOR_FAULT_OVERSIZED_BODY, "oversized-body" },
  { SD_SIMULATOR_FAULT_OVERSIZED_BODY_CHUNKED, "oversized-body-chunked" },
};

typedef struct
{
  Service      s;
  SdSimulator *sim;
} Matrix;

static void
matrix_set_up (Matrix *m)
{
  g_autoptr(GError) error = NULL;

  m->sim = sd_simulator_new (sd_catalog_new (), &error);
  g_assert_no_error (error);
  sd_simulator_set_manual_clock (m->sim, TRUE);
  sd_simulator_set_timing (m->sim, QUEUED_MS, PROCESSING_MS);
  sd_simulator_set_slow_delay (m->sim, SLOW_DELAY);
  sd_simulator_set_retry_after (m->sim, 1);
  sd_simulator_set_video_size (m->sim, VIDEO_SIZE);
  service_init (&m->s, sd_simulator_get_base_url (m->sim), sd_simulator_get_token (m->sim));
}

static void
matrix_tear_down (Matrix *m)
{
  service_clear (&m->s);
  g_clear_object (&m->sim);
}

static guint
requests (Matrix          *m,
          SdSimulatorStep  step)
{
  return sd_simulator_get_request_count (m->sim, step);
}

/* The token went to the API host only, never where a redirect pointed. */
static void
assert_token_stayed_home (Matrix *m)
{
  g_autofree char *expected = g_strconcat ("Bearer ", sd_simulator_get_token (m->sim), NULL);

  g_assert_cmpstr (sd_simulator_get_auth_seen (m->sim, "127.0.0.1"), ==, expected);
  g_assert_null (sd_simulator_get_auth_seen (m->sim, "127.0.0.2"));
  g_assert_null (sd_simulator_get_auth_seen (m->sim, "localhost"));
}

static int
expected_create_error (SdSimulatorFault fault)
{
  switch (fault)
    {
    case SD_SIMULATOR_FAULT_REDIRECT_OTHER_HOST:
      return SD_API_ERROR_HTTP_STATUS;
    case SD_SIMULATOR_FAULT_RATE_LIMITED:
      return SD_API_ERROR_RATE_LIMITED;
    case SD_SIMULATOR_FAULT_HTTP_500:
    case SD_SIMULATOR_FAULT_MALFORMED_JSON:
    case SD_SIMULATOR_FAULT_SLOW:
    case SD_SIMULATOR_FAULT_DROP_MID_BODY:
    case SD_SIMULATOR_FAULT_OVERSIZED_BODY:
    case SD_SIMULATOR_FAULT_OVERSIZED_BODY_CHUNKED:
      return SD_API_ERROR_OUTCOME_UNKNOWN;
    case SD_SIMULATOR_FAULT_NONE:
    default:
      g_assert_not_reached ();
    }
}

/* Faults the server answered after creating the task (it exists there). */
static gboolean
fault_processes_request (SdSimulatorFault fault)
{
  return fault == SD_SIMULATOR_FAULT_SLOW ||
         fault == SD_SIMULATOR_FAULT_DROP_MID_BODY ||
         fault == SD_SIMULATOR_FAULT_OVERSIZED_BODY ||
         fault == SD_SIMULATOR_FAULT_OVERSIZED_BODY_CHUNKED;
}

/* An uncertain create: the message says the task may or may not exist and
 * never just "try again"; one uncertain task is in the list and the
 * history, with that explanation, and it is never polled. */
static void
assert_uncertain_kept (Service      *s,
                       const GError *error)
{
  GListModel *tasks = sd_service_get_tasks (s->service);
  g_autoptr(SdTask) task = NULL;
  g_autoptr(GError) store_error = NULL;

  g_assert_error (error, SD_API_ERROR, SD_API_ERROR_OUTCOME_UNKNOWN);
  g_assert_nonnull (strstr (error->message, "may or may not have been created"));
  g_assert_null (strstr (error->message, "Try again later"));

  g_assert_cmpuint (g_list_model_get_n_items (tasks), ==, 1);
  task = g_list_model_get_item (tasks, 0);
  g_assert_cmpint (sd_task_get_status (task), ==, SD_TASK_STATUS_UNCERTAIN);
  g_assert_cmpstr (sd_task_get_failure_message (task), ==, error->message);
  assert_stored (s, task, SD_TASK_STATUS_UNCERTAIN);
  g_assert_cmpint (sd_store_count (s->store, &store_error), ==, 1);
  g_assert_no_error (store_error);
  g_assert_cmpuint (s->failed, ==, 0);
}

static void
check_create (Matrix           *m,
              SdSimulatorFault  fault)
{
  g_autoptr(SdTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) store_error = NULL;

  g_settings_set_boolean (m->s.settings, "auto-download", FALSE);
  sd_simulator_set_fault (m->sim, SD_SIMULATOR_STEP_CREATE, fault, 1);
  task = submit (&m->s, "A heron in the reeds", &error);

  /* A 429 proves nothing was made: sent again after its Retry-After, once. */
  if (fault == SD_SIMULATOR_FAULT_RATE_LIMITED)
    {
      g_assert_no_error (error);
      g_assert_cmpuint (requests (m, SD_SIMULATOR_STEP_CREATE), ==, 2);
      g_assert_cmpuint (sd_simulator_get_task_count (m->sim), ==, 1);
      assert_stored (&m->s, task, SD_TASK_STATUS_QUEUED);
      g_assert_cmpint (sd_store_count (m->s.store, &store_error), ==, 1);
      assert_token_stayed_home (m);
      return;
    }

  /* Never retried: a second create could pay for the same video twice. */
  g_assert_cmpuint (requests (m, SD_SIMULATOR_STEP_CREATE), ==, 1);
  assert_token_stayed_home (m);

  if (fault == SD_SIMULATOR_FAULT_NONE)
    {
      g_assert_no_error (error);
      assert_stored (&m->s, task, SD_TASK_STATUS_QUEUED);
      g_assert_cmpint (sd_store_count (m->s.store, &store_error), ==, 1);
      return;
    }

  g_assert_null (task);
  g_test_message ("create error: %s", error->message);
  g_assert_error (error, SD_API_ERROR, expected_create_error (fault));
  assert_clear_message (error->message, sd_simulator_get_token (m->sim));
  if (fault == SD_SIMULATOR_FAULT_RATE_LIMITED)
    g_assert_cmpint (sd_api_error_get_retry_after (error), ==, 1);
  if (fault == SD_SIMULATOR_FAULT_HTTP_500)
    g_assert_cmpuint (sd_api_error_get_http_status (error), ==, 500);
  if (fault == SD_SIMULATOR_FAULT_REDIRECT_OTHER_HOST)
    g_assert_cmpuint (sd_simulator_get_host_request_count (m->sim, "127.0.0.2"), ==, 0);

  g_assert_cmpuint (sd_simulator_get_task_count (m->sim), ==, fault_processes_request (fault));
  if (expected_create_error (fault) == SD_API_ERROR_OUTCOME_UNKNOWN)
    {
      /* Maybe made: said so, and kept in the history as uncertain. */
      assert_uncertain_kept (&m->s, error);
      return;
    }

  /* A clean refusal: nothing is in the list or the history. */
  g_assert_cmpuint (g_list_model_get_n_items (sd_service_get_tasks (m->s.service)), ==, 0);
  g_assert_cmpint (sd_store_count (m->s.store, &store_error), ==, 0);
  g_assert_no_error (store_error);
}

/* A fault on the first two queries: the task still completes. */
static void
check_query (Matrix           *m,
             SdSimulatorFault  fault)
{
  g_autoptr(SdTask) task = NULL;
  g_autoptr(GError) error = NULL;
  guint expected_errors = fault == SD_SIMULATOR_FAULT_NONE ? 0 : 2;

  g_settings_set_boolean (m->s.settings, "auto-download", FALSE);
  sd_simulator_set_fault (m->sim, SD_SIMULATOR_STEP_QUERY, fault, 2);
  task = submit (&m->s, "A heron in the reeds", &error);
  g_assert_no_error (error);
  sd_simulator_advance_clock (m->sim, QUEUED_MS + PROCESSING_MS);
  sd_test_wait_for_status (task, SD_TASK_STATUS_COMPLETED, WAIT_LIMIT_S);

  g_assert_cmpuint (m->s.poll_errors->len, ==, expected_errors);
  for (guint i = 0; i < m->s.poll_errors->len; i++)
    {
      const GError *poll_error = g_ptr_array_index (m->s.poll_errors, i);

      g_test_message ("poll error: %s", poll_error->message);
      g_assert_true (poll_error->domain == SD_API_ERROR);
      assert_clear_message (poll_error->message, sd_simulator_get_token (m->sim));
    }
  g_assert_cmpuint (m->s.failed, ==, 0);
  g_assert_cmpuint (requests (m, SD_SIMULATOR_STEP_QUERY), >=, expected_errors + 1);
  g_assert_null (sd_service_get_last_error (m->s.service));
  g_assert_nonnull (sd_task_get_video_url (task));
  assert_stored (&m->s, task, SD_TASK_STATUS_COMPLETED);
  assert_token_stayed_home (m);
  g_assert_cmpuint (requests (m, SD_SIMULATOR_STEP_CREATE), ==, 1);
}

static void
assert_file_is_video (const char *path,
                      guint64     size)
{
  g_autoptr(GBytes) sample = g_resources_lookup_data (SAMPLE_RESOURCE, 0, NULL);
  const guint8 *pattern;
  gsize pattern_size;
  g_autofree char *contents = NULL;
  gsize length = 0;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (sample);
  pattern = g_bytes_get_data (sample, &pattern_size);
  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (length, ==, size);
  for (gsize at = 0; at < length; at += pattern_size)
    g_assert_cmpmem (contents + at, MIN (pattern_size, length - at),
                     pattern, MIN (pattern_size, length - at));
}

/* Downloads survive what retrying can fix; the rest fails with a reason,
 * and a half-written file is never presented as the video. */
static gboolean
download_fault_is_fatal (SdSimulatorFault fault)
{
  return fault == SD_SIMULATOR_FAULT_HTTP_500 ||
         fault == SD_SIMULATOR_FAULT_RATE_LIMITED ||
         fault == SD_SIMULATOR_FAULT_MALFORMED_JSON;
}

static void
check_download (Matrix           *m,
                SdSimulatorFault  fault)
{
  g_autoptr(SdTask) task = NULL;
  g_autoptr(GError) error = NULL;
  const char *local_file;

  sd_simulator_set_fault (m->sim, SD_SIMULATOR_STEP_DOWNLOAD, fault, 2);
  task = submit (&m->s, "A heron in the reeds", &error);
  g_assert_no_error (error);
  sd_simulator_advance_clock (m->sim, QUEUED_MS + PROCESSING_MS);
  sd_test_wait_for_status (task, SD_TASK_STATUS_COMPLETED, WAIT_LIMIT_S);
  sd_test_wait_for_download (task, WAIT_LIMIT_S);

  /* The task itself is done whatever happened to its video. */
  g_assert_cmpint (sd_task_get_status (task), ==, SD_TASK_STATUS_COMPLETED);
  g_assert_cmpuint (m->s.failed, ==, 0);
  local_file = sd_task_get_local_file (task);

  if (download_fault_is_fatal (fault))
    {
      g_test_message ("download error: %s", sd_task_get_download_error (task));
      g_assert_cmpint (sd_task_get_download_state (task), ==, SD_DOWNLOAD_STATE_FAILED);
      assert_clear_message (sd_task_get_download_error (task), sd_simulator_get_token (m->sim));
      g_assert_null (local_file);
      /* An error page is not a video: nothing written, not even a .part. */
      g_assert_cmpuint (count_files (m->s.download_dir), ==, 0);
    }
  else
    {
      g_autofree char *dir = NULL;

      g_assert_cmpint (sd_task_get_download_state (task), ==, SD_DOWNLOAD_STATE_DONE);
      g_assert_null (sd_task_get_download_error (task));
      g_assert_nonnull (local_file);
      g_assert_false (g_str_has_suffix (local_file, ".part"));
      dir = g_path_get_dirname (local_file);
      g_assert_cmpstr (dir, ==, m->s.download_dir);
      assert_file_is_video (local_file, VIDEO_SIZE);
      /* The finished .part was renamed, not copied. */
      g_assert_cmpuint (count_files (m->s.download_dir), ==, 1);
    }
  if (fault == SD_SIMULATOR_FAULT_DROP_MID_BODY)
    g_assert_cmpuint (requests (m, SD_SIMULATOR_STEP_DOWNLOAD), ==, 3);
  if (fault == SD_SIMULATOR_FAULT_REDIRECT_OTHER_HOST)
    g_assert_cmpuint (sd_simulator_get_host_request_count (m->sim, "127.0.0.2") +
                      sd_simulator_get_host_request_count (m->sim, "localhost"), ==, 1);
  assert_stored (&m->s, task, SD_TASK_STATUS_COMPLETED);
  assert_token_stayed_home (m);
}

static void
test_fault (gconstpointer data)
{
  const Case *c = data;
  Matrix m = { 0 };

  matrix_set_up (&m);
  if (c->step == SD_SIMULATOR_STEP_CREATE)
    check_create (&m, c->fault);
  else if (c->step == SD_SIMULATOR_STEP_QUERY)
    check_query (&m, c->fault);
  else
    check_download (&m, c->fault);
  matrix_tear_down (&m);
}

/* The hostile server: answers as badly as a server can. */

typedef struct
{
  SoupServer *server;
  char       *base_url;
  char       *task_id;         /* what create answers */
  guint       create_status;   /* 0: the normal answer; else this status... */
  const char *create_body;     /* ...with this body */
  gboolean    create_drop;     /* close the connection instead of answering */
  guint       create_requests;
  GBytes     *query_body;      /* what every query answers */
  guint       query_status;    /* 0: 200 */
  const char *query_type;
  GBytes     *video_body;
  const char *video_type;
  GPtrArray  *query_paths;     /* as they arrived, still escaped */
  guint       video_requests;
} Hostile;

typedef struct
{
  Service  s;
  Hostile  h;
} HostileFixture;

static GBytes *
text_bytes (const char *text)
{
  return g_bytes_new (text, strlen (text));
}

static void
reply (SoupServerMessage *msg,
       const char        *content_type,
       GBytes            *body)
{
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, content_type, SOUP_MEMORY_COPY,
                                    g_bytes_get_data (body, NULL), g_bytes_get_size (body));
}

static GBytes *
json_bytes (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  char *text = json_to_string (root, FALSE);

  return g_bytes_new_take (text, strlen (text));
}

/* The create's bad answer, when one is set; TRUE when it was given. */
static gboolean
hostile_create_fault (Hostile           *h,
                      SoupServerMessage *msg)
{
  h->create_requests++;
  if (h->create_drop)
    {
      g_autoptr(GIOStream) stream = soup_server_message_steal_connection (msg);

      g_io_stream_close (stream, NULL, NULL);
      return TRUE;
    }
  if (h->create_status == 0)
    return FALSE;

  soup_server_message_set_status (msg, h->create_status, NULL);
  if (h->create_body != NULL)
    soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
                                      h->create_body, strlen (h->create_body));
  return TRUE;
}

static void
on_hostile_request_cb (SoupServer        *server,
                       SoupServerMessage *msg,
                       const char        *path,
                       GHashTable        *query,
                       gpointer           user_data)
{
  Hostile *h = user_data;

  if (g_str_equal (path, SD_API_CREATE_PATH) && hostile_create_fault (h, msg))
    return;
  if (g_str_equal (path, SD_API_CREATE_PATH))
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(GBytes) body = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "code");
      json_builder_add_string_value (builder, "20000");
      json_builder_set_member_name (builder, "msg");
      json_builder_add_string_value (builder, "ok");
      json_builder_set_member_name (builder, "data");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "task_id");
      json_builder_add_string_value (builder, h->task_id);
      json_builder_set_member_name (builder, "status");
      json_builder_add_string_value (builder, "queued");
      json_builder_end_object (builder);
      json_builder_end_object (builder);
      body = json_bytes (builder);
      reply (msg, "application/json", body);
    }
  else if (g_str_has_prefix (path, SD_API_QUERY_PATH))
    {
      reply (msg, h->query_type, h->query_body);
      if (h->query_status != 0)
        soup_server_message_set_status (msg, h->query_status, NULL);
    }
  else if (g_str_equal (path, "/video"))
    {
      h->video_requests++;
      reply (msg, h->video_type, h->video_body);
    }
  else
    soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
}

/* Every request, including those the server refuses before any handler
 * sees them (libsoup answers 400 to paths that decode to "..").  */
static void
on_hostile_request_finished_cb (SoupServer        *server,
                                SoupServerMessage *msg,
                                Hostile           *h)
{
  const char *path = g_uri_get_path (soup_server_message_get_uri (msg));

  if (g_str_has_prefix (path, SD_API_QUERY_PATH))
    g_ptr_array_add (h->query_paths, g_strdup (path));
}

/* A query answer: @status, with a video address or an error text. */
static GBytes *
query_answer (const char *msg,
              const char *status,
              const char *video_url,
              const char *error_text)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, "20000");
  json_builder_set_member_name (builder, "msg");
  json_builder_add_string_value (builder, msg);
  json_builder_set_member_name (builder, "data");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, status);
  if (video_url != NULL)
    {
      json_builder_set_member_name (builder, "result");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "video_url");
      json_builder_add_string_value (builder, video_url);
      json_builder_end_object (builder);
    }
  if (error_text != NULL)
    {
      json_builder_set_member_name (builder, "error");
      json_builder_add_string_value (builder, error_text);
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  return json_bytes (builder);
}

static void
hostile_set_query (Hostile *h,
                   GBytes  *body)
{
  g_clear_pointer (&h->query_body, g_bytes_unref);
  h->query_body = body;
}

static void
hostile_set_up (HostileFixture *f,
                gconstpointer   data)
{
  Hostile *h = &f->h;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSList) uris = NULL;
  g_autoptr(GBytes) sample = g_resources_lookup_data (SAMPLE_RESOURCE, 0, NULL);

  /* Raw paths: the test sees the request path exactly as the client sent it. */
  h->server = soup_server_new ("raw-paths", TRUE, NULL);
  soup_server_add_handler (h->server, NULL, on_hostile_request_cb, h, NULL);
  g_signal_connect (h->server, "request-finished",
                    G_CALLBACK (on_hostile_request_finished_cb), h);
  soup_server_listen_local (h->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (h->server);
  h->base_url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);

  h->task_id = g_strdup ("task-hostile");
  h->query_type = "application/json";
  h->query_body = query_answer ("ok", "queued", NULL, NULL);
  h->video_type = "video/mp4";
  h->video_body = g_bytes_ref (sample);
  h->query_paths = g_ptr_array_new_with_free_func (g_free);

  service_init (&f->s, h->base_url, HOSTILE_TOKEN);
}

static void
hostile_tear_down (HostileFixture *f,
                   gconstpointer   data)
{
  Hostile *h = &f->h;

  service_clear (&f->s);
  soup_server_disconnect (h->server);
  g_clear_object (&h->server);
  g_clear_pointer (&h->base_url, g_free);
  g_clear_pointer (&h->task_id, g_free);
  g_clear_pointer (&h->query_body, g_bytes_unref);
  g_clear_pointer (&h->video_body, g_bytes_unref);
  g_clear_pointer (&h->query_paths, g_ptr_array_unref);
}

static gboolean
poll_errors_reached (gpointer data)
{
  Service *s = data;

  return s->poll_errors->len >= 2;
}

/* The service asks twice, gets @body twice, refuses it with @code each time
 * and goes on polling: the task is neither failed nor changed. */
static void
assert_answer_refused (HostileFixture *f,
                       GBytes         *body,
                       int             code)
{
  g_autoptr(SdTask) task = NULL;
  g_autoptr(GError) error = NULL;

  hostile_set_query (&f->h, body);
  task = submit (&f->s, "A heron in the reeds", &error);
  g_assert_no_error (error);
  sd_test_wait_until (poll_errors_reached, &f->s, WAIT_LIMIT_S, "two refused answers");

  for (guint i = 0; i < f->s.poll_errors->len; i++)
    {
      const GError *poll_error = g_ptr_array_index (f->s.poll_errors, i);

      g_test_message ("poll error: %s", poll_error->message);
      g_assert_error (poll_error, SD_API_ERROR, code);
      assert_clear_message (poll_error->message, HOSTILE_TOKEN);
    }
  g_assert_cmpint (sd_task_get_status (task), ==, SD_TASK_STATUS_QUEUED);
  g_assert_cmpuint (f->s.failed, ==, 0);

  /* Once the server talks sense again, the task goes on. */
  hostile_set_query (&f->h, query_answer ("ok", "failed", NULL, "Out of credits"));
  sd_test_wait_for_status (task, SD_TASK_STATUS_FAILED, WAIT_LIMIT_S);
  g_assert_cmpstr (sd_task_get_failure_message (task), ==, "Out of credits");
  assert_stored (&f->s, task, SD_TASK_STATUS_FAILED);
}

static void
test_hostile_huge_body (HostileFixture *f,
                        gconstpointer   data)
{
  gsize size = 10 * 1024 * 1024;
  char *text = g_malloc (size);
  const char head[] = "{\"code\": \"20000\", \"msg\": \"ok\", \"data\": {\"pad\": \"";

  memset (text, 'x', size);
  memcpy (text, head, sizeof head - 1);
  memcpy (text + size - 4, "\"}}\n", 4);
  assert_answer_refused (f, g_bytes_new_take (text, size), SD_API_ERROR_TOO_LARGE);
}

static void
test_hostile_deep_nesting (HostileFixture *f,
                           gconstpointer   data)
{
  guint depth = 100000; /* 900 kB: under the size limit */
  GString *text = g_string_new ("{\"code\": \"20000\", \"msg\": \"ok\", \"data\": {\"status\": \"queued\", \"x\": ");

  for (guint i = 0; i < depth; i++)
    g_string_append (text, "{\"a\": [");
  for (guint i = 0; i < depth; i++)
    g_string_append (text, "]}");
  g_string_append (text, "}}");
  assert_answer_refused (f, g_string_free_to_bytes (text), SD_API_ERROR_MALFORMED);
}

static void
test_hostile_invalid_utf8 (HostileFixture *f,
                           gconstpointer   data)
{
  static const char text[] =
    "{\"code\": \"20000\", \"msg\": \"ok\", \"data\": {\"status\": \"failed\", \"error\": \"bad \xff\xfe bytes\"}}";

  assert_answer_refused (f, g_bytes_new_static (text, sizeof text - 1), SD_API_ERROR_MALFORMED);
}

#define MARKUP_TEXT \
  "<b>Failed</b> & <a href=\"javascript:alert(1)\">click</a> <span foreground=\"red\">x</span> " \
  "&amp; &lt;i&gt; \x01\x07\x1b[31mred\x1b[0m\ttab\r\nline two \xc3\xa9\xe2\x80\xae"

static void
assert_failure_kept_verbatim (HostileFixture *f,
                              GBytes         *answer)
{
  g_autoptr(SdTask) task = NULL;
  g_autoptr(GError) error = NULL;
  const char *message;

  hostile_set_query (&f->h, answer);
  task = submit (&f->s, "A heron in the reeds", &error);
  g_assert_no_error (error);
  sd_test_wait_for_status (task, SD_TASK_STATUS_FAILED, WAIT_LIMIT_S);

  /* Plain text, exactly as sent: the views escape it, nobody interprets it. */
  message = sd_task_get_failure_message (task);
  g_assert_true (g_utf8_validate (message, -1, NULL));
  g_assert_cmpstr (message, ==, MARKUP_TEXT);
  g_assert_cmpuint (f->s.failed, ==, 1);
  assert_stored (&f->s, task, SD_TASK_STATUS_FAILED);
  g_assert_cmpint (sd_task_get_download_state (task), ==, SD_DOWNLOAD_STATE_NONE);
  g_assert_cmpuint (f->h.video_requests, ==, 0);
}

static void
test_hostile_markup_in_error (HostileFixture *f,
                              gconstpointer   data)
{
  assert_failure_kept_verbatim (f, query_answer ("ok", "failed", NULL, MARKUP_TEXT));
}

static void
test_hostile_markup_in_msg (HostileFixture *f,
                            gconstpointer   data)
{
  assert_failure_kept_verbatim (f, query_answer (MARKUP_TEXT, "failed", NULL, NULL));
}

static gboolean
queried (gpointer data)
{
  Hostile *h = data;

  return h->query_paths->len >= 1;
}

/* A task id with path characters stays one escaped path segment: the query
 * asks about that task and nothing else, and the video lands in the download
 * folder whatever the id says. */
static void
test_hostile_task_id (HostileFixture *f,
                      gconstpointer   data)
{
  const char *id = data;
  g_autofree char *video_url = g_strconcat (f->h.base_url, "/video", NULL);
  g_autofree char *escaped = g_uri_escape_string (id, NULL, FALSE);
  g_autofree char *expected_path = g_strconcat (SD_API_QUERY_PATH, escaped, NULL);
  g_autofree char *dir = NULL;
  g_autoptr(SdTask) task = NULL;
  g_autoptr(SdTask) stored = NULL;
  g_autoptr(GError) error = NULL;

  g_free (f->h.task_id);
  f->h.task_id = g_strdup (id);
  hostile_set_query (&f->h, query_answer ("ok", "completed", video_url, NULL));
  task = submit (&f->s, "A heron in the reeds", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sd_task_get_id (task), ==, id);
  stored = sd_store_load_task (f->s.store, id, &error);
  g_assert_no_error (error);
  g_assert_nonnull (stored);

  sd_test_wait_until (queried, &f->h, WAIT_LIMIT_S, "a query");
  for (guint i = 0; i < f->h.query_paths->len; i++)
    g_assert_cmpstr (g_ptr_array_index (f->h.query_paths, i), ==, expected_path);

  sd_test_wait_for_status (task, SD_TASK_STATUS_COMPLETED, WAIT_LIMIT_S);
  sd_test_wait_for_download (task, WAIT_LIMIT_S);
  g_assert_cmpint (sd_task_get_download_state (task), ==, SD_DOWNLOAD_STATE_DONE);
  dir = g_path_get_dirname (sd_task_get_local_file (task));
  g_assert_cmpstr (dir, ==, f->s.download_dir);
  g_assert_cmpuint (count_files (f->s.download_dir), ==, 1);
  /* Nothing beside the download folder in the cache dir it sits in. */
  g_assert_cmpuint (count_files (g_get_user_cache_dir ()), ==, 1);
  assert_stored (&f->s, task, SD_TASK_STATUS_COMPLETED);
}

/* A video address that is no web address is never opened. */
static void
test_hostile_video_url (HostileFixture *f,
                        gconstpointer   data)
{
  const char *url = data;
  g_autoptr(SdTask) task = NULL;
  g_autoptr(GError) error = NULL;

  hostile_set_query (&f->h, query_answer ("ok", "completed", url, NULL));
  task = submit (&f->s, "A heron in the reeds", &error);
  g_assert_no_error (error);
  sd_test_wait_for_status (task, SD_TASK_STATUS_COMPLETED, WAIT_LIMIT_S);
  sd_test_wait_for_download (task, WAIT_LIMIT_S);

  g_test_message ("download error: %s", sd_task_get_download_error (task));
  g_assert_cmpint (sd_task_get_download_state (task), ==, SD_DOWNLOAD_STATE_FAILED);
  assert_clear_message (sd_task_get_download_error (task), HOSTILE_TOKEN);
  g_assert_null (sd_task_get_local_file (task));
  g_assert_false (g_file_test (f->s.download_dir, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (f->h.video_requests, ==, 0);
  assert_stored (&f->s, task, SD_TASK_STATUS_COMPLETED);
}

/* A web page where the video should be: not saved as the video. */
static void
test_hostile_html_video (HostileFixture *f,
                         gconstpointer   data)
{
  static const char page[] =
    "<!DOCTYPE html><html><head><title>Sign in</title></head>"
    "<body><form action=\"/login\"><input name=\"user\"></form></body></html>";
  g_autofree char *video_url = g_strconcat (f->h.base_url, "/video", NULL);
  g_autoptr(SdTask) task = NULL;
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&f->h.video_body, g_bytes_unref);
  f->h.video_body = g_bytes_new_static (page, sizeof page - 1);
  f->h.video_type = "text/html; charset=utf-8";
  hostile_set_query (&f->h, query_answer ("ok", "completed", video_url, NULL));
  task = submit (&f->s, "A heron in the reeds", &error);
  g_assert_no_error (error);
  sd_test_wait_for_status (task, SD_TASK_STATUS_COMPLETED, WAIT_LIMIT_S);
  sd_test_wait_for_download (task, WAIT_LIMIT_S);

  g_assert_cmpuint (f->h.video_requests, >=, 1);
  g_assert_cmpint (sd_task_get_download_state (task), ==, SD_DOWNLOAD_STATE_FAILED);
  assert_clear_message (sd_task_get_download_error (task), HOSTILE_TOKEN);
  g_assert_nonnull (strstr (sd_task_get_download_error (task), "web page"));
  g_assert_null (sd_task_get_local_file (task));
  g_assert_cmpuint (count_files (f->s.download_dir), ==, 0);
  assert_stored (&f->s, task, SD_TASK_STATUS_COMPLETED);
}

/* Create answers after which the task may exist, and the clean refusals. */
typedef struct
{
  const char *name;
  guint       status;       /* 0: the connection is dropped */
  const char *body;
  int         code;         /* the SdApiError expected */
} CreateAnswer;

static const CreateAnswer create_answers[] = {
  { "http-500", 500, "{\"code\": 50000, \"msg\": \"internal error\"}", SD_API_ERROR_OUTCOME_UNKNOWN },
  { "http-502", 502, "<html>Bad Gateway</html>", SD_API_ERROR_OUTCOME_UNKNOWN },
  { "http-503", 503, NULL, SD_API_ERROR_OUTCOME_UNKNOWN },
  { "http-504", 504, "{\"msg\": \"gateway timeout\"}", SD_API_ERROR_OUTCOME_UNKNOWN },
  { "code-minus-one", 200, "{\"code\": -1, \"msg\": \"server error, retry later\"}", SD_API_ERROR_OUTCOME_UNKNOWN },
  { "dropped-before-answer", 0, NULL, SD_API_ERROR_OUTCOME_UNKNOWN },
  { "http-400", 400, "{\"code\": 40000, \"msg\": \"prompt too long\"}", SD_API_ERROR_HTTP_STATUS },
  { "http-401", 401, NULL, SD_API_ERROR_UNAUTHORIZED },
  { "http-403", 403, "{\"code\": 40300, \"msg\": \"forbidden\"}", SD_API_ERROR_UNAUTHORIZED },
  { "code-20001", 200, "{\"code\": 20001, \"msg\": \"authentication failed\"}", SD_API_ERROR_UNAUTHORIZED },
  { "code-20002", 200, "{\"code\": 20002, \"msg\": \"bad request\"}", SD_API_ERROR_API },
};

static void
test_hostile_create_answer (HostileFixture *f,
                            gconstpointer   data)
{
  const CreateAnswer *answer = data;
  g_autoptr(SdTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) store_error = NULL;

  f->h.create_status = answer->status;
  f->h.create_body = answer->body;
  f->h.create_drop = answer->status == 0;
  task = submit (&f->s, "A heron in the reeds", &error);
  g_assert_null (task);
  g_test_message ("create error: %s", error->message);
  g_assert_error (error, SD_API_ERROR, answer->code);
  assert_clear_message (error->message, HOSTILE_TOKEN);

  /* Well past several poll intervals: nothing is sent again, and an
   * uncertain task (it has no server id) is never asked about. */
  sd_test_run_for (300);
  g_assert_cmpuint (f->h.create_requests, ==, 1);
  g_assert_cmpuint (f->h.query_paths->len, ==, 0);

  if (answer->code == SD_API_ERROR_OUTCOME_UNKNOWN)
    {
      assert_uncertain_kept (&f->s, error);
      return;
    }
  g_assert_null (strstr (error->message, "may or may not"));
  g_assert_cmpuint (g_list_model_get_n_items (sd_service_get_tasks (f->s.service)), ==, 0);
  g_assert_cmpint (sd_store_count (f->s.store, &store_error), ==, 0);
  g_assert_no_error (store_error);
}

/* A 429 on a create proves nothing was made: the task waits in its place
 * and is sent again after a backoff (no Retry-After here), never at once;
 * cancelled while it waits, it is not sent again. */
static void
test_hostile_create_429_waits_in_place (HostileFixture *f,
                                        gconstpointer   data)
{
  g_autoptr(SdRequest) request = sd_test_images_request ("A heron in the reeds");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(SdTask) task = NULL;
  g_autoptr(SdTask) returned = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) store_error = NULL;

  f->h.create_status = 429;
  sd_service_submit_async (f->s.service, request, NULL, sd_test_store_result_cb, &result);
  /* the first backoff is 2 s ± a quarter, the second twice that */
  sd_test_run_for (3000);
  g_assert_cmpuint (f->h.create_requests, ==, 2);
  g_assert_null (result);
  g_assert_cmpuint (f->h.query_paths->len, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (sd_service_get_tasks (f->s.service)), ==, 1);
  task = g_list_model_get_item (sd_service_get_tasks (f->s.service), 0);
  g_assert_cmpint (sd_task_get_status (task), ==, SD_TASK_STATUS_WAITING);

  g_assert_true (sd_service_cancel_waiting (f->s.service, task, &error));
  g_assert_no_error (error);
  sd_test_wait_until (sd_test_result_arrived, &result, 10, "the cancelled submission");
  returned = sd_service_submit_finish (f->s.service, result, &error);
  g_assert_null (returned);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  sd_test_run_for (5000);
  g_assert_cmpuint (f->h.create_requests, ==, 2);
  g_assert_cmpint (sd_store_count (f->s.store, &store_error), ==, 0);
  g_assert_no_error (store_error);
}

/* Code -1 on a query is the server's trouble, not the task's: asked again
 * with backoff, never failed. */
static void
test_hostile_query_code_minus_one_is_retried (HostileFixture *f,
                                              gconstpointer   data)
{
  assert_answer_refused (f, text_bytes ("{\"code\": -1, \"msg\": \"server error, retry later\"}"),
                         SD_API_ERROR_SERVER);
}

static guint
count_queries (Hostile *h)
{
  return h->query_paths->len;
}

typedef struct
{
  Hostile *h;
  guint    count;
} QueryCount;

static gboolean
queries_reached (gpointer data)
{
  QueryCount *wanted = data;

  return count_queries (wanted->h) >= wanted->count;
}

/* A task the server keeps answering 404 for is asked about with backoff
 * until the bound, then marked unknown to the server, stored so, and never
 * polled again, by this service or the next. */
static void
test_hostile_not_found_for_too_long (HostileFixture *f,
                                     gconstpointer   data)
{
  g_autoptr(SdTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SdService) next = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  QueryCount wanted = { &f->h, 0 };
  guint queries;

  g_object_set (f->s.service, "not-found-limit", 800, NULL);
  f->h.query_status = 404;
  hostile_set_query (&f->h, text_bytes ("{\"code\": 20002, \"msg\": \"no such task\"}"));
  task = submit (&f->s, "A heron in the reeds", &error);
  g_assert_no_error (error);

  sd_test_run_for (200);
  g_assert_cmpint (sd_task_get_status (task), ==, SD_TASK_STATUS_QUEUED);
  g_assert_cmpuint (count_queries (&f->h), >=, 2);

  sd_test_wait_for_status (task, SD_TASK_STATUS_NOT_FOUND, WAIT_LIMIT_S);
  g_assert_true (sd_task_get_is_finished (task));
  g_assert_nonnull (strstr (sd_task_get_failure_message (task), "unknown to the server"));
  assert_stored (&f->s, task, SD_TASK_STATUS_NOT_FOUND);
  g_assert_cmpuint (f->s.failed, ==, 0);

  queries = count_queries (&f->h);
  sd_test_run_for (400);
  g_assert_cmpuint (count_queries (&f->h), ==, queries);

  next = make_service (&f->s);
  g_assert_true (sd_service_load_history (next, &error));
  g_assert_no_error (error);
  sd_test_run_for (300);
  g_assert_cmpuint (count_queries (&f->h), ==, queries);

  /* Asked by hand, a task that turns up again is polled again. */
  f->h.query_status = 0;
  hostile_set_query (&f->h, query_answer ("ok", "processing", NULL, NULL));
  sd_service_refresh_async (f->s.service, task, NULL, sd_test_store_result_cb, &result);
  sd_test_wait_until (sd_test_result_arrived, &result, WAIT_LIMIT_S, "the refresh");
  g_assert_true (sd_service_refresh_finish (f->s.service, result, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sd_task_get_status (task), ==, SD_TASK_STATUS_PROCESSING);
  wanted.count = count_queries (&f->h) + 2;
  sd_test_wait_until (queries_reached, &wanted, WAIT_LIMIT_S, "polling again");
}

/* Only 404s in a row count: an answer in between starts the bound again. */
static void
test_hostile_not_found_timer_resets (HostileFixture *f,
                                     gconstpointer   data)
{
  g_autoptr(SdTask) task = NULL;
  g_autoptr(GError) error = NULL;
  QueryCount wanted = { &f->h, 0 };

  g_object_set (f->s.service, "not-found-limit", 1000, NULL);
  f->h.query_status = 404;
  hostile_set_query (&f->h, g_bytes_new_static ("{}", 2));
  task = submit (&f->s, "A heron in the reeds", &error);
  g_assert_no_error (error);
  sd_test_run_for (600);
  g_assert_cmpint (sd_task_get_status (task), ==, SD_TASK_STATUS_QUEUED);

  /* The server knows the task again for a moment... */
  wanted.count = count_queries (&f->h) + 2;
  f->h.query_status = 503;
  sd_test_wait_until (queries_reached, &wanted, WAIT_LIMIT_S, "two queries answered 503");

  /* ...so 404s again are counted from now: 450 ms is under the bound,
   * though the first 404 was well over 1000 ms ago. */
  f->h.query_status = 404;
  sd_test_run_for (450);
  g_assert_cmpint (sd_task_get_status (task), ==, SD_TASK_STATUS_QUEUED);
  sd_test_wait_for_status (task, SD_TASK_STATUS_NOT_FOUND, WAIT_LIMIT_S);
}

static gint64
stored_not_found_since (Service *s,
                        SdTask  *task)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdTask) stored = sd_store_load_task (s->store, sd_task_get_id (task), &error);

  g_assert_no_error (error);
  g_assert_nonnull (stored);
  return sd_task_get_not_found_since (stored);
}

/* The start of a run of 404s is stored with the task when it begins and
 * kept while the 404s go on; a restart counts from it, not from zero: a
 * run that began long enough ago is marked at the new service's first
 * query. An answer then ends the run, in the history too. */
static void
test_hostile_not_found_start_survives_restart (HostileFixture *f,
                                               gconstpointer   data)
{
  g_autoptr(SdTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  SdTask *again;
  gint64 since;
  guint limit_ms, queries;

  g_object_set (f->s.service, "not-found-limit", 24 * 3600 * 1000, NULL);
  f->h.query_status = 404;
  hostile_set_query (&f->h, text_bytes ("{\"code\": 20002, \"msg\": \"no such task\"}"));
  task = submit (&f->s, "A heron in the reeds", &error);
  g_assert_no_error (error);
  g_assert_cmpint (sd_task_get_not_found_since (task), ==, 0);

  sd_test_run_for (300);
  since = sd_task_get_not_found_since (task);
  g_assert_cmpint (since, >, 0);
  g_assert_cmpint (since, <=, g_get_real_time ());
  g_assert_cmpint (stored_not_found_since (&f->s, task), ==, since);
  sd_test_run_for (200);
  g_assert_cmpint (sd_task_get_not_found_since (task), ==, since);
  g_assert_cmpint (stored_not_found_since (&f->s, task), ==, since);
  g_assert_cmpint (sd_task_get_status (task), ==, SD_TASK_STATUS_QUEUED);

  /* A new run whose bound the stored run has passed already. (A query
   * the old service had on its way when it went still reaches the server:
   * it lands before the count is taken.) */
  g_clear_object (&f->s.service);
  sd_test_run_for (200);
  limit_ms = (guint) ((g_get_real_time () - since) / 1000) - 100;
  g_assert_cmpuint (limit_ms, >=, 300);
  f->s.service = make_service (&f->s);
  g_object_set (f->s.service, "not-found-limit", limit_ms, NULL);
  queries = count_queries (&f->h);
  g_assert_true (sd_service_load_history (f->s.service, &error));
  g_assert_no_error (error);
  again = sd_service_lookup (f->s.service, sd_task_get_id (task));
  g_assert_nonnull (again);
  g_assert_cmpint (sd_task_get_not_found_since (again), ==, since);
  sd_test_wait_for_status (again, SD_TASK_STATUS_NOT_FOUND, WAIT_LIMIT_S);
  g_assert_cmpuint (count_queries (&f->h) - queries, ==, 1);
  assert_stored (&f->s, again, SD_TASK_STATUS_NOT_FOUND);

  /* Known again: the run is over, in the history too. */
  f->h.query_status = 0;
  hostile_set_query (&f->h, query_answer ("ok", "processing", NULL, NULL));
  sd_service_refresh_async (f->s.service, again, NULL, sd_test_store_result_cb, &result);
  sd_test_wait_until (sd_test_result_arrived, &result, WAIT_LIMIT_S, "the refresh");
  g_assert_true (sd_service_refresh_finish (f->s.service, result, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sd_task_get_not_found_since (again), ==, 0);
  g_assert_cmpint (stored_not_found_since (&f->s, again), ==, 0);
}

static void
add_matrix (void)
{
  for (guint step = 0; step < G_N_ELEMENTS (step_names); step++)
    for (guint i = 0; i < G_N_ELEMENTS (faults); i++)
      {
        /* Lives as long as the test program. */
        Case *c = g_new0 (Case, 1);

        c->step = step;
        c->fault = faults[i].fault;
        c->path = g_strdup_printf ("/faults/%s/%s", step_names[step], faults[i].name);
        g_test_add_data_func (c->path, c, test_fault);
      }
}

typedef void (*HostileFunc) (HostileFixture *f,
                             gconstpointer   data);

static void
add_hostile (const char  *path,
             HostileFunc  func,
             const char  *data)
{
  g_autofree char *full = g_strconcat ("/hostile/", path, NULL);

  g_test_add (full, HostileFixture, data, hostile_set_up, func, hostile_tear_down);
}

int
main (int   argc,
      char *argv[])
{
  static const char * const ids[][2] = {
    { "dot-dot-slash", "../x" },
    { "slash", "a/b" },
    { "dot-dot", "../../../../etc/passwd" },
  };
  static const char * const urls[][2] = {
    { "file", "file:///etc/passwd" },
    { "javascript", "javascript:alert(1)" },
    { "data", "data:video/mp4;base64,AAAAHGZ0eXBtcDQy" },
    { "ftp", "ftp://127.0.0.1/video.mp4" },
    { "no-host", "http:///video.mp4" },
  };

  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  add_matrix ();

  add_hostile ("query/ten-megabyte-answer-is-refused-unread", test_hostile_huge_body, NULL);
  add_hostile ("query/deep-nesting-is-refused", test_hostile_deep_nesting, NULL);
  add_hostile ("query/invalid-utf8-is-refused", test_hostile_invalid_utf8, NULL);
  add_hostile ("failure/markup-in-data-error-stays-plain-text", test_hostile_markup_in_error, NULL);
  add_hostile ("failure/markup-in-msg-stays-plain-text", test_hostile_markup_in_msg, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autofree char *path = g_strdup_printf ("create/task-id-%s-stays-one-segment", ids[i][0]);

      add_hostile (path, test_hostile_task_id, ids[i][1]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      g_autofree char *path = g_strdup_printf ("video-url/%s-is-never-opened", urls[i][0]);

      add_hostile (path, test_hostile_video_url, urls[i][1]);
    }
  add_hostile ("video-url/html-page-is-not-saved-as-the-video", test_hostile_html_video, NULL);
  add_hostile ("query/code-minus-one-is-retried", test_hostile_query_code_minus_one_is_retried, NULL);
  add_hostile ("query/404-for-too-long-is-unknown-to-the-server", test_hostile_not_found_for_too_long, NULL);
  add_hostile ("query/404-bound-counts-404s-in-a-row", test_hostile_not_found_timer_resets, NULL);
  add_hostile ("query/404-run-start-survives-a-restart", test_hostile_not_found_start_survives_restart,
               NULL);
  add_hostile ("create/answer/http-429-waits-in-place", test_hostile_create_429_waits_in_place, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (create_answers); i++)
    {
      g_autofree char *path = g_strdup_printf ("create/answer/%s", create_answers[i].name);

      add_hostile (path, test_hostile_create_answer, (const char *) &create_answers[i]);
    }

  return g_test_run ();
}

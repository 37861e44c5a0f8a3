/* test-upload-service.c: uploads to the user's own service, the privacy
 * notice, and the CLI commands that upload, on loopback
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "sd-test-cli.h"
#include "sd-test-upload.h"
#include "sd-test-util.h"

#include <string.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "sd-cli.h"
#include "sd-context.h"
#include "sd-simulator-test.h"

/* Your own upload service */

typedef struct
{
  SoupServer *server;
  char       *url;
  char       *authorization;
  char       *secret;
  char       *field;
  guint       requests;
  const char *answer;
} Service;

static void
on_service_cb (SoupServer        *server,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  Service *service = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_autoptr(SoupMultipart) multipart = soup_multipart_new_from_message (headers, body);
  SoupMessageHeaders *part_headers;
  GBytes *part_body;
  g_autoptr(GHashTable) params = NULL;

  service->requests++;
  g_free (service->authorization);
  service->authorization = g_strdup (soup_message_headers_get_one (headers, "Authorization"));
  g_free (service->secret);
  service->secret = g_strdup (soup_message_headers_get_one (headers, "X-Upload-Key"));
  if (multipart != NULL && soup_multipart_get_part (multipart, 0, &part_headers, &part_body) &&
      soup_message_headers_get_content_disposition (part_headers, NULL, &params))
    {
      g_free (service->field);
      service->field = g_strdup (g_hash_table_lookup (params, "name"));
    }
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                    service->answer, strlen (service->answer));
}

static void
service_start (Service *service)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new_from_string ("127.0.0.1", 0);
  GSList *uris;

  service->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (service->server, "/upload", on_service_cb, service, NULL);
  soup_server_listen (service->server, address, 0, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (service->server);
  service->url = g_strdup_printf ("http://127.0.0.1:%d/upload", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
}

static void
service_stop (Service *service)
{
  g_clear_object (&service->server);
  g_free (service->url);
  g_free (service->authorization);
  g_free (service->secret);
  g_free (service->field);
}

static void
test_own_service_gets_its_secret_not_the_token (SdTestUpload  *fixture,
                                                gconstpointer  data)
{
  Service service = { .answer = "{\"status\": 200, \"files\": [{\"link\": \"https://i.example.net/x.jpg\"}]}" };
  g_autofree char *path = sd_test_upload_write_image (fixture, "photo.jpg", NULL);
  g_autoptr(SdUploadService) config = NULL;
  g_autoptr(SdUpload) upload = NULL;
  g_autoptr(GError) error = NULL;

  service_start (&service);
  config = sd_upload_service_new (service.url, "image", "X-Upload-Key", "s3cret",
                                  "files.0.link", &error);
  g_assert_no_error (error);
  sd_uploader_set_service (fixture->uploader, config);
  upload = sd_test_upload_path (fixture, path, SD_UPLOAD_KIND_IMAGE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sd_upload_get_url (upload), ==, "https://i.example.net/x.jpg");
  g_assert_cmpuint (service.requests, ==, 1);
  g_assert_null (service.authorization);
  g_assert_cmpstr (service.secret, ==, "s3cret");
  g_assert_cmpstr (service.field, ==, "image");
  g_assert_cmpuint (sd_test_upload_requests (fixture), ==, 0);
  service_stop (&service);
}

static void
test_own_service_answer_without_link_is_an_error (SdTestUpload  *fixture,
                                                  gconstpointer  data)
{
  Service service = { .answer = "{\"data\": {\"link\": \"ftp://x/y.jpg\"}}" };
  g_autofree char *path = sd_test_upload_write_image (fixture, "photo.jpg", NULL);
  g_autoptr(SdUploadService) missing = NULL;
  g_autoptr(SdUploadService) bad_scheme = NULL;
  g_autoptr(SdUpload) upload = NULL;
  g_autoptr(GError) error = NULL;

  service_start (&service);
  missing = sd_upload_service_new (service.url, NULL, NULL, NULL, "data.url", &error);
  g_assert_no_error (error);
  sd_uploader_set_service (fixture->uploader, missing);
  upload = sd_test_upload_path (fixture, path, SD_UPLOAD_KIND_IMAGE, &error);
  g_assert_null (upload);
  g_assert_error (error, SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_BAD_LINK);
  g_assert_nonnull (strstr (error->message, "data.url"));
  g_clear_error (&error);

  bad_scheme = sd_upload_service_new (service.url, NULL, NULL, NULL, "data.link", &error);
  sd_uploader_set_service (fixture->uploader, bad_scheme);
  upload = sd_test_upload_path (fixture, path, SD_UPLOAD_KIND_IMAGE, &error);
  g_assert_null (upload);
  g_assert_error (error, SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_BAD_LINK);
  service_stop (&service);
}

/* A service set to the API's own address is another target for the cache:
 * the provider's link for a file does not answer for the service, nor the
 * service's for the provider, nor one field or link path for another. */
static void
test_own_service_at_the_api_address_has_its_own_cache (SdTestUpload  *fixture,
                                                       gconstpointer  data)
{
  Service service = { .answer = "{\"code\": 0, \"data\": {\"url\": \"https://i.example.net/x.jpg\", "
                                "\"link\": \"https://i.example.net/x.jpg\"}}" };
  g_autofree char *path = sd_test_upload_write_image (fixture, "photo.jpg", NULL);
  g_autofree char *cache_path = g_build_filename (fixture->dir, "same-address.json", NULL);
  g_autoptr(SdClient) client = NULL;
  g_autoptr(SdUploader) uploader = NULL;
  g_autoptr(SdUploadService) same = NULL;
  g_autoptr(SdUploadService) other_path = NULL;
  struct { SdUploadService **service; gboolean cached; guint requests; } steps[] = {
    { NULL, FALSE, 1 },         /* the provider's endpoint, under the base */
    { &same, FALSE, 2 },        /* the service at the base itself */
    { &same, TRUE, 2 },
    { NULL, TRUE, 2 },          /* the provider's link is still its own */
    { &other_path, FALSE, 3 },  /* same address, another link path */
  };
  g_autoptr(GError) error = NULL;

  service_start (&service);
  client = sd_client_new (service.url, "a-token");
  uploader = sd_uploader_new (client, cache_path);
  same = sd_upload_service_new (service.url, NULL, NULL, NULL, "data.url", &error);
  g_assert_no_error (error);
  other_path = sd_upload_service_new (service.url, NULL, NULL, NULL, "data.link", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sd_client_get_base_url (client), ==, same->url);

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      g_autoptr(GFile) file = g_file_new_for_path (path);
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(SdUpload) upload = NULL;

      g_test_message ("step %u", i);
      sd_uploader_set_service (uploader, steps[i].service != NULL ? *steps[i].service : NULL);
      sd_uploader_upload_async (uploader, file, SD_UPLOAD_KIND_IMAGE, NULL,
                                sd_test_store_result_cb, &result);
      sd_test_wait_until (sd_test_result_arrived, &result, 60, "the upload");
      upload = sd_uploader_upload_finish (uploader, result, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (sd_upload_get_url (upload), ==, "https://i.example.net/x.jpg");
      g_assert_cmpint (sd_upload_get_cached (upload), ==, steps[i].cached);
      g_assert_cmpuint (service.requests, ==, steps[i].requests);
    }
  g_assert_cmpuint (sd_test_upload_requests (fixture), ==, 0);
  g_clear_object (&uploader);
  service_stop (&service);
}

static void
test_own_service_must_be_https (void)
{
  const char *refused[] = {
    "http://uploads.example.com/api", "ftp://example.com/", "https://user:pw@example.com/",
    "not a url", "",
  };
  const char *accepted[] = {
    "https://img.example.com/api/1/upload", "http://127.0.0.1:8080/up", "http://[::1]/up",
  };

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SdUploadService) service = sd_upload_service_new (refused[i], NULL, NULL, NULL,
                                                                  NULL, &error);

      g_assert_null (service);
      g_assert_error (error, SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_SERVICE);
      g_assert_nonnull (strstr (error->message, "https://"));
    }
  {
    g_autoptr(GError) field_error = NULL;
    g_autoptr(GError) header_error = NULL;
    g_autoptr(GError) secret_error = NULL;
    g_autoptr(SdUploadService) bad_field =
      sd_upload_service_new (accepted[0], "file\"\r\nX-Evil: 1", NULL, NULL, NULL, &field_error);
    g_autoptr(SdUploadService) bad_header =
      sd_upload_service_new (accepted[0], NULL, "X Key:", "s", NULL, &header_error);
    g_autoptr(SdUploadService) bad_secret =
      sd_upload_service_new (accepted[0], NULL, "X-Key", "s\r\nX-Evil: 1", NULL, &secret_error);

    g_assert_error (field_error, SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_SERVICE);
    g_assert_error (header_error, SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_SERVICE);
    g_assert_error (secret_error, SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_SERVICE);
    g_assert_null (bad_field);
    g_assert_null (bad_header);
    g_assert_null (bad_secret);
  }
  for (guint i = 0; i < G_N_ELEMENTS (accepted); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SdUploadService) service = sd_upload_service_new (accepted[i], NULL, NULL, NULL,
                                                                  NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (service->field, ==, "file");
      g_assert_cmpstr (service->json_path, ==, "url");
    }
}

static void
test_own_service_from_the_config_file (void)
{
  g_autofree char *dir = g_build_filename (g_get_user_config_dir (), "seedance-studio", NULL);
  g_autofree char *path = g_build_filename (dir, "upload.ini", NULL);
  g_autoptr(SdUploadService) service = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_null (sd_upload_service_load (NULL, &error));
  g_assert_no_error (error);

  g_mkdir_with_parents (dir, 0700);
  g_file_set_contents (path, "[service]\nurl=https://img.example.com/api/1/upload\n"
                       "field=source\nheader=X-API-Key\njson-path=image.url\n", -1, &error);
  g_assert_no_error (error);
  g_setenv (SD_UPLOAD_SECRET_ENV, "from-env", TRUE);
  service = sd_upload_service_load (NULL, &error);
  g_unsetenv (SD_UPLOAD_SECRET_ENV);
  g_assert_no_error (error);
  g_assert_cmpstr (service->url, ==, "https://img.example.com/api/1/upload");
  g_assert_cmpstr (service->field, ==, "source");
  g_assert_cmpstr (service->header_name, ==, "X-API-Key");
  g_assert_cmpstr (service->secret, ==, "from-env");
  g_assert_cmpstr (service->json_path, ==, "image.url");

  g_file_set_contents (path, "[service]\nurl=http://img.example.com/up\n", -1, &error);
  g_clear_pointer (&service, sd_upload_service_free);
  service = sd_upload_service_load (NULL, &error);
  g_assert_null (service);
  g_assert_error (error, SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_SERVICE);
  g_unlink (path);
}

static void
test_own_service_from_settings (void)
{
  g_autoptr(GSettings) settings = g_settings_new (SCHEMA_ID);
  g_autoptr(SdUploadService) none = NULL;
  g_autoptr(SdUploadService) service = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;

  none = sd_upload_service_new_from_settings (settings, NULL, &error);
  g_assert_null (none);
  g_assert_no_error (error);

  g_settings_set_string (settings, "upload-service-url", "https://img.example.com/api/1/upload");
  g_settings_set_string (settings, "upload-service-header", "X-API-Key");
  g_settings_set_string (settings, "upload-service-json-path", "data.links.url");
  service = sd_upload_service_new_from_settings (settings, "secret", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (service->field, ==, "file");
  g_assert_cmpstr (service->header_name, ==, "X-API-Key");
  g_assert_cmpstr (service->secret, ==, "secret");
  g_assert_cmpstr (service->json_path, ==, "data.links.url");

  key = sd_upload_service_secret_key (service->url);
  g_assert_cmpstr (key, ==, "upload-service:https://img.example.com/api/1/upload");

  g_settings_set_string (settings, "upload-service-url", "http://img.example.com/up");
  g_clear_pointer (&service, sd_upload_service_free);
  service = sd_upload_service_new_from_settings (settings, NULL, &error);
  g_assert_null (service);
  g_assert_error (error, SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_SERVICE);
  g_settings_reset (settings, "upload-service-url");
}

/* Formats, by their first bytes */

static void
test_privacy_notice_is_acknowledged_once (SdTestUpload  *fixture,
                                          gconstpointer  data)
{
  g_autofree char *state = g_build_filename (g_get_user_state_dir (), "seedance-studio",
                                             "upload-privacy-acknowledged", NULL);
  g_autoptr(SdUploader) fresh = NULL;
  g_autoptr(SdUploader) later = NULL;

  g_unlink (state);
  fresh = sd_uploader_new (fixture->client, fixture->cache_path);
  g_assert_false (sd_uploader_get_privacy_acknowledged (fresh));
  sd_uploader_acknowledge_privacy (fresh);
  g_assert_true (sd_uploader_get_privacy_acknowledged (fresh));
  g_unlink (state);
  g_assert_false (sd_uploader_get_privacy_acknowledged (fixture->uploader));
  g_assert_nonnull (strstr (sd_uploader_get_privacy_notice (), "anyone"));
  sd_uploader_acknowledge_privacy (fixture->uploader);
  g_assert_true (sd_uploader_get_privacy_acknowledged (fixture->uploader));
  later = sd_uploader_new (fixture->client, fixture->cache_path);
  g_assert_true (sd_uploader_get_privacy_acknowledged (later));
}

/* The command line */

typedef SdTestRun Run;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Run, sd_test_run_free)

/* The loopback servers here are not all the demo's: they are polled
 * quickly too. */
static void
on_context_created_cb (SdTestRun *run,
                       SdContext *context,
                       gpointer   user_data)
{
  g_object_set (sd_context_get_service (context),
                "first-poll-delay", 5, "max-poll-interval", 20, NULL);
}

static Run *
run_argv (const char * const *args)
{
  return sd_test_run_cli_argv (args, on_context_created_cb, NULL);
}

#define run_cli(...) run_argv ((const char * const []) { __VA_ARGS__, NULL })

/* Runs in @dir, so that relative paths are relative to it. */
static Run *
run_in (const char         *dir,
        const char * const *args)
{
  g_autofree char *previous = g_get_current_dir ();
  Run *run;

  g_assert_cmpint (g_chdir (dir), ==, 0);
  run = run_argv (args);
  g_assert_cmpint (g_chdir (previous), ==, 0);
  return run;
}

static void
test_cli_upload_json_shape (SdTestUpload  *fixture,
                            gconstpointer  data)
{
  g_autofree char *path = sd_test_upload_write_image (fixture, "a.png", NULL);
  g_autoptr(Run) run = run_in (fixture->dir, (const char * const []) {
                                 "--demo", "upload", "a.png", "--json", NULL });
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) expires = NULL;
  JsonObject *item;

  g_assert_cmpint (run->status, ==, SD_CLI_EXIT_SUCCESS);
  root = json_from_string (run->out, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (root));
  g_assert_cmpuint (json_array_get_length (json_node_get_array (root)), ==, 1);
  item = json_array_get_object_element (json_node_get_array (root), 0);
  g_assert_cmpstr (json_object_get_string_member (item, "path"), ==, "a.png");
  g_assert_true (g_str_has_prefix (json_object_get_string_member (item, "url"), "https://127.0.0.1:"));
  g_assert_cmpint (json_object_get_int_member (item, "size"), >, 0);
  g_assert_cmpuint (strlen (json_object_get_string_member (item, "sha256")), ==, 64);
  expires = g_date_time_new_from_iso8601 (json_object_get_string_member (item, "expires_at"), NULL);
  g_assert_nonnull (expires);
}

static void
test_cli_upload_failure_exits_1 (SdTestUpload  *fixture,
                                 gconstpointer  data)
{
  g_autofree char *good = sd_test_upload_write_image (fixture, "a.png", NULL);
  g_autofree char *bad = sd_test_upload_write_text (fixture, "b.png", "text, not a picture");
  g_autoptr(Run) run = run_in (fixture->dir, (const char * const []) {
                                 "--demo", "upload", "a.png", "b.png", NULL });
  g_autoptr(Run) none = run_cli ("--demo", "upload");

  g_assert_cmpint (run->status, ==, SD_CLI_EXIT_FAILURE);
  g_assert_true (g_str_has_prefix (run->out, "https://127.0.0.1:"));
  g_assert_nonnull (strstr (run->err, "b.png"));
  g_assert_cmpint (none->status, ==, SD_CLI_EXIT_USAGE);
}

/* A cache that cannot be saved (here its folder is a file; a full disk
 * fails the same way) is said, with where and why; the link is given
 * and the command succeeds. */
static void
test_cli_cache_not_saved_is_said (SdTestUpload  *fixture,
                                  gconstpointer  data)
{
  g_autofree char *path = sd_test_upload_write_image (fixture, "a.png", NULL);
  g_autofree char *folder = g_build_filename (g_get_user_cache_dir (), "seedance-studio", NULL);
  g_autoptr(Run) run = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (g_get_user_cache_dir (), 0700), ==, 0);
  g_assert_true (g_file_set_contents (folder, "not a folder", -1, &error));
  g_assert_no_error (error);
  run = run_cli ("--demo", "upload", path);
  g_assert_cmpint (g_unlink (folder), ==, 0);

  g_assert_cmpint (run->status, ==, SD_CLI_EXIT_SUCCESS);
  g_assert_true (g_str_has_prefix (run->out, "https://127.0.0.1:"));
  g_assert_nonnull (strstr (run->err, "could not be saved"));
  g_assert_nonnull (strstr (run->err, folder));
  g_assert_nonnull (strstr (run->err, "uploaded again next time"));
}

static void
test_cli_privacy_notice_once (SdTestUpload  *fixture,
                              gconstpointer  data)
{
  g_autofree char *path = sd_test_upload_write_image (fixture, "a.png", NULL);
  g_autofree char *state = g_build_filename (g_get_user_state_dir (), "seedance-studio",
                                             "upload-privacy-acknowledged", NULL);
  g_autoptr(Run) first = NULL;
  g_autoptr(Run) second = NULL;

  g_unlink (state);
  first = run_cli ("--demo", "upload", path);
  second = run_cli ("--demo", "upload", path);
  g_assert_cmpint (first->status, ==, SD_CLI_EXIT_SUCCESS);
  g_assert_nonnull (strstr (first->err, "anyone"));
  g_assert_null (strstr (second->err, "anyone"));
}

static void
test_cli_demo_submit_local_image_wait (SdTestUpload  *fixture,
                                       gconstpointer  data)
{
  g_autofree char *path = sd_test_upload_write_image (fixture, "photo.png", NULL);
  g_autoptr(Run) run = run_in (fixture->dir, (const char * const []) {
                                 "--demo", "submit", "--model", "seedance2.0-fast-i2v",
                                 "--prompt", "a red coat in the rain", "--image", "./photo.png",
                                 "--wait", "--json", NULL });
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (run->status, ==, SD_CLI_EXIT_SUCCESS);
  root = json_from_string (run->out, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (root), "status"), ==,
                   "completed");
}

static void
test_cli_submit_with_a_bad_file_creates_nothing (SdTestUpload  *fixture,
                                                 gconstpointer  data)
{
  g_autofree char *path = sd_test_upload_write_text (fixture, "photo.png", "not a picture");
  g_autoptr(Run) run = run_in (fixture->dir, (const char * const []) {
                                 "--demo", "submit", "--model", "seedance2.0-fast-i2v",
                                 "--prompt", "a red coat", "--image", "./photo.png", NULL });
  g_autoptr(Run) list = run_cli ("--demo", "list", "--json");

  g_assert_cmpint (run->status, ==, SD_CLI_EXIT_FAILURE);
  g_assert_nonnull (strstr (run->err, "images, item 1"));
  g_assert_nonnull (strstr (run->err, "photo.png"));
  g_assert_null (strstr (list->out, "a red coat"));
}

int
main (int   argc,
      char *argv[])
{
  sd_test_upload_init (&argc, &argv);

  sd_test_upload_add ("/upload/service/secret-not-token", test_own_service_gets_its_secret_not_the_token);
  sd_test_upload_add ("/upload/service/answer-without-link", test_own_service_answer_without_link_is_an_error);
  sd_test_upload_add ("/upload/service/api-address-own-cache",
                      test_own_service_at_the_api_address_has_its_own_cache);
  g_test_add_func ("/upload/service/https-only", test_own_service_must_be_https);
  g_test_add_func ("/upload/service/config-file", test_own_service_from_the_config_file);
  g_test_add_func ("/upload/service/settings", test_own_service_from_settings);
  sd_test_upload_add ("/upload/privacy/acknowledged-once", test_privacy_notice_is_acknowledged_once);
  sd_test_upload_add ("/upload/cli/upload-json-shape", test_cli_upload_json_shape);
  sd_test_upload_add ("/upload/cli/upload-failure-exits-1", test_cli_upload_failure_exits_1);
  sd_test_upload_add ("/upload/cli/privacy-notice-once", test_cli_privacy_notice_once);
  sd_test_upload_add ("/upload/cli/cache-not-saved-is-said", test_cli_cache_not_saved_is_said);
  sd_test_upload_add ("/upload/cli/demo-submit-local-image-wait", test_cli_demo_submit_local_image_wait);
  sd_test_upload_add ("/upload/cli/submit-bad-file-creates-nothing",
                      test_cli_submit_with_a_bad_file_creates_nothing);

  return g_test_run ();
}

/* test-upload.c: SdUploader and the simulator's upload endpoint, on
 * loopback: checks, answers, the cache, the body streamed and hashed,
 * the queue and requests (the own service and the CLI are in
 * test-upload-service.c)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "sd-test-upload.h"
#include "sd-test-util.h"

#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "sd-client.h"
#include "sd-request.h"
#include "sd-simulator-test.h"
#include "sd-uploader.h"
#include "sd-uploader-private.h"
#include "sd-uploader-stream.h"

/* A sparse file of @size bytes that starts like the sample picture. */
static char *
write_sparse_image (SdTestUpload *fixture,
                    const char   *name,
                    guint64       size)
{
  char *path = sd_test_upload_write_image (fixture, name, NULL);

  g_assert_cmpint (truncate (path, size), ==, 0);
  return path;
}

/* GET of @url's path on the simulator's plain http host. */
static GBytes *
fetch_uploaded (SdTestUpload *fixture,
                const char   *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL);
  g_autofree char *plain = g_strconcat (sd_simulator_get_base_url (fixture->sim),
                                        g_uri_get_path (uri), NULL);
  g_autoptr(SoupMessage) message = soup_message_new (SOUP_METHOD_GET, plain);
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  GBytes *bytes;

  soup_session_send_and_read_async (sd_client_get_session (fixture->client), message,
                                    G_PRIORITY_DEFAULT, NULL, sd_test_store_result_cb, &result);
  sd_test_wait_until (sd_test_result_arrived, &result, 30, "the uploaded file");
  bytes = soup_session_send_and_read_finish (sd_client_get_session (fixture->client), result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (message), ==, SOUP_STATUS_OK);
  return bytes;
}

static void
test_upload_gives_a_served_https_link (SdTestUpload  *fixture,
                                       gconstpointer  data)
{
  g_autofree char *path = sd_test_upload_write_image (fixture, "photo.jpg", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SdUpload) upload = sd_test_upload_path (fixture, path, SD_UPLOAD_KIND_IMAGE, &error);
  g_autoptr(GBytes) served = NULL;
  g_autoptr(GBytes) original = sd_test_upload_resource (SD_TEST_IMAGE_RESOURCE);
  g_autofree char *bearer = g_strconcat ("Bearer ", sd_simulator_get_token (fixture->sim), NULL);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_assert_no_error (error);
  g_assert_cmpint (sd_upload_get_state (upload), ==, SD_UPLOAD_STATE_DONE);
  g_assert_true (g_str_has_prefix (sd_upload_get_url (upload),
                                   sd_simulator_get_tls_base_url (fixture->sim) != NULL
                                     ? sd_simulator_get_tls_base_url (fixture->sim)
                                     : sd_simulator_get_base_url (fixture->sim)));
  g_assert_false (sd_upload_get_cached (upload));
  g_assert_cmpuint (sd_upload_get_total (upload), ==, g_bytes_get_size (original));
  g_assert_cmpuint (sd_upload_get_bytes_sent (upload), ==, g_bytes_get_size (original));
  /* the file is hashed after the answer */
  sd_uploader_flush_cache (fixture->uploader);
  g_assert_cmpuint (strlen (sd_upload_get_sha256 (upload)), ==, 64);
  g_assert_cmpint (sd_upload_get_expires_at (upload), >=, now + SD_UPLOAD_LIFETIME_S - 5);
  g_assert_cmpint (sd_upload_get_expires_at (upload), <=, now + SD_UPLOAD_LIFETIME_S + 5);
  g_assert_cmpuint (sd_test_upload_requests (fixture), ==, 1);
  g_assert_cmpstr (sd_simulator_get_auth_seen (fixture->sim, "127.0.0.1"), ==, bearer);

  served = fetch_uploaded (fixture, sd_upload_get_url (upload));
  g_assert_true (g_bytes_equal (served, original));
}

static void
test_too_large_is_refused_before_sending (SdTestUpload  *fixture,
                                          gconstpointer  data)
{
  g_autofree char *path = write_sparse_image (fixture, "huge.jpg", SD_UPLOAD_MAX_SIZE + 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(SdUpload) upload = sd_test_upload_path (fixture, path, SD_UPLOAD_KIND_IMAGE, &error);

  g_assert_null (upload);
  g_assert_error (error, SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "huge.jpg"));
  g_assert_nonnull (strstr (error->message, "100 MB"));
  g_assert_cmpuint (sd_test_upload_requests (fixture), ==, 0);
}

static void
test_type_comes_from_the_content (SdTestUpload  *fixture,
                                  gconstpointer  data)
{
  g_autofree char *text = sd_test_upload_write_text (fixture, "photo.png", "<html>not a picture</html>");
  g_autofree char *image_as_video = sd_test_upload_write_image (fixture, "clip.mp4", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) kind_error = NULL;
  g_autoptr(SdUpload) upload = sd_test_upload_path (fixture, text, SD_UPLOAD_KIND_IMAGE, &error);
  g_autoptr(SdUpload) video = sd_test_upload_path (fixture, image_as_video, SD_UPLOAD_KIND_VIDEO, &kind_error);

  g_assert_null (upload);
  g_assert_error (error, SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_WRONG_TYPE);
  g_assert_nonnull (strstr (error->message, "photo.png"));
  g_assert_nonnull (strstr (error->message, "JPEG, PNG"));
  /* and says what it is instead */
  g_assert_nonnull (strstr (error->message, "text/html"));

  /* a JPEG named .mp4 is a JPEG: not a reference video */
  g_assert_null (video);
  g_assert_error (kind_error, SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_WRONG_TYPE);
  g_assert_nonnull (strstr (kind_error->message, "clip.mp4"));
  g_assert_nonnull (strstr (kind_error->message, "image/jpeg"));
  g_assert_nonnull (strstr (kind_error->message, "a video"));
  g_assert_cmpuint (sd_test_upload_requests (fixture), ==, 0);
}

static void
test_simulator_checks_the_type_itself (SdTestUpload  *fixture,
                                       gconstpointer  data)
{
  /* past the client's checks, a strict server still says no */
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(SoupMultipart) multipart = soup_multipart_new (SOUP_FORM_MIME_TYPE_MULTIPART);
  g_autoptr(GBytes) text = g_bytes_new_static ("plain words", 11);
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = g_strconcat (sd_simulator_get_base_url (fixture->sim), SD_UPLOAD_PATH, NULL);
  g_autofree char *bearer = g_strconcat ("Bearer ", sd_simulator_get_token (fixture->sim), NULL);

  soup_multipart_append_form_file (multipart, "file", "photo.jpg", "image/jpeg", text);
  message = soup_message_new_from_multipart (url, multipart);
  soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization", bearer);
  g_autoptr(GAsyncResult) result = NULL;

  soup_session_send_and_read_async (sd_client_get_session (fixture->client), message,
                                    G_PRIORITY_DEFAULT, NULL, sd_test_store_result_cb, &result);
  sd_test_wait_until (sd_test_result_arrived, &result, 30, "the answer");
  answer = soup_session_send_and_read_finish (sd_client_get_session (fixture->client), result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (message), ==, SOUP_STATUS_BAD_REQUEST);
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer), "20002"));
  g_assert_cmpuint (sd_simulator_get_n_uploads (fixture->sim), ==, 0);
}

static void
test_no_endpoint_is_said_once_per_base (SdTestUpload  *fixture,
                                        gconstpointer  data)
{
  g_autofree char *path = sd_test_upload_write_image (fixture, "photo.jpg", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) again = NULL;
  g_autoptr(SdUpload) first = NULL;
  g_autoptr(SdUpload) second = NULL;

  sd_simulator_set_fault (fixture->sim, SD_SIMULATOR_STEP_UPLOAD, SD_SIMULATOR_FAULT_NO_ENDPOINT, 0);
  first = sd_test_upload_path (fixture, path, SD_UPLOAD_KIND_IMAGE, &error);
  g_assert_null (first);
  g_assert_error (error, SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_UNSUPPORTED);
  g_assert_cmpstr (error->message, ==,
                   "This server does not accept uploads; use links, or set an upload service in Preferences.");
  g_assert_cmpuint (sd_test_upload_requests (fixture), ==, 1);

  /* remembered for this base URL: not asked again */
  second = sd_test_upload_path (fixture, path, SD_UPLOAD_KIND_IMAGE, &again);
  g_assert_null (second);
  g_assert_error (again, SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_UNSUPPORTED);
  g_assert_cmpuint (sd_test_upload_requests (fixture), ==, 1);
}

static void
test_undocumented_answer_means_no_endpoint (SdTestUpload  *fixture,
                                            gconstpointer  data)
{
  g_autofree char *path = sd_test_upload_write_image (fixture, "photo.jpg", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SdUpload) upload = NULL;

  sd_simulator_set_fault (fixture->sim, SD_SIMULATOR_STEP_UPLOAD, SD_SIMULATOR_FAULT_MALFORMED_JSON, 1);
  upload = sd_test_upload_path (fixture, path, SD_UPLOAD_KIND_IMAGE, &error);
  g_assert_null (upload);
  g_assert_error (error, SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_UNSUPPORTED);
}

static void
test_server_too_large_is_refused (SdTestUpload  *fixture,
                                  gconstpointer  data)
{
  g_autofree char *path = sd_test_upload_write_image (fixture, "photo.jpg", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SdUpload) upload = NULL;

  sd_simulator_set_fault (fixture->sim, SD_SIMULATOR_STEP_UPLOAD, SD_SIMULATOR_FAULT_TOO_LARGE, 1);
  upload = sd_test_upload_path (fixture, path, SD_UPLOAD_KIND_IMAGE, &error);
  g_assert_null (upload);
  g_assert_error (error, SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "413"));
  g_assert_cmpuint (sd_test_upload_requests (fixture), ==, 1);
}

static void
test_failure_after_the_body_is_not_resent (SdTestUpload  *fixture,
                                           gconstpointer  data)
{
  const SdSimulatorFault faults[] = {
    SD_SIMULATOR_FAULT_HTTP_500,
    SD_SIMULATOR_FAULT_HTTP_503,
    SD_SIMULATOR_FAULT_DROP_MID_BODY,
  };

  for (guint i = 0; i < G_N_ELEMENTS (faults); i++)
    {
      g_autofree char *name = g_strdup_printf ("photo-%u.jpg", i);
      g_autofree char *extra = g_strdup_printf ("fault %u", i);
      g_autofree char *path = sd_test_upload_write_image (fixture, name, extra);
      g_autoptr(GError) error = NULL;
      g_autoptr(SdUpload) upload = NULL;
      guint before = sd_test_upload_requests (fixture);

      sd_simulator_set_fault (fixture->sim, SD_SIMULATOR_STEP_UPLOAD, faults[i], 1);
      upload = sd_test_upload_path (fixture, path, SD_UPLOAD_KIND_IMAGE, &error);
      g_assert_null (upload);
      g_assert_error (error, SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_FAILED);
      g_assert_nonnull (strstr (error->message, name));
      g_assert_nonnull (strstr (error->message, "not sent again"));
      sd_test_run_for (300);
      g_assert_cmpuint (sd_test_upload_requests (fixture), ==, before + 1);
    }
}

static void
test_rate_limit_is_waited_out (SdTestUpload  *fixture,
                               gconstpointer  data)
{
  g_autofree char *path = sd_test_upload_write_image (fixture, "photo.jpg", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SdUpload) upload = NULL;

  sd_simulator_set_retry_after (fixture->sim, 1);
  sd_simulator_set_fault (fixture->sim, SD_SIMULATOR_STEP_UPLOAD, SD_SIMULATOR_FAULT_RATE_LIMITED, 1);
  upload = sd_test_upload_path (fixture, path, SD_UPLOAD_KIND_IMAGE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (sd_upload_get_url (upload));
  g_assert_cmpuint (sd_test_upload_requests (fixture), ==, 2);
}

/* The cache */

static void
test_same_file_is_uploaded_once (SdTestUpload  *fixture,
                                 gconstpointer  data)
{
  g_autofree char *path = sd_test_upload_write_image (fixture, "photo.jpg", NULL);
  g_autofree char *copy = sd_test_upload_write_image (fixture, "same-bytes-other-name.jpg", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SdUpload) first = sd_test_upload_path (fixture, path, SD_UPLOAD_KIND_IMAGE, &error);
  g_autoptr(SdUpload) second = NULL;
  g_autoptr(SdUpload) third = NULL;
  g_autoptr(SdUploader) later = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (copy);
  g_autoptr(GAsyncResult) result = NULL;

  g_assert_no_error (error);
  second = sd_test_upload_path (fixture, copy, SD_UPLOAD_KIND_IMAGE, &error);
  g_assert_no_error (error);
  g_assert_true (sd_upload_get_cached (second));
  g_assert_cmpstr (sd_upload_get_url (second), ==, sd_upload_get_url (first));
  g_assert_cmpint (sd_upload_get_expires_at (second), ==, sd_upload_get_expires_at (first));
  g_assert_cmpuint (sd_test_upload_requests (fixture), ==, 1);

  /* the cache is on disk: another run of the app finds it */
  sd_uploader_flush_cache (fixture->uploader);
  g_assert_true (g_file_test (fixture->cache_path, G_FILE_TEST_EXISTS));
  later = sd_uploader_new (fixture->client, fixture->cache_path);
  sd_uploader_upload_async (later, file, SD_UPLOAD_KIND_IMAGE, NULL, sd_test_store_result_cb, &result);
  sd_test_wait_until (sd_test_result_arrived, &result, 30, "the upload");
  third = sd_uploader_upload_finish (later, result, &error);
  g_assert_no_error (error);
  g_assert_true (sd_upload_get_cached (third));
  g_assert_cmpuint (sd_test_upload_requests (fixture), ==, 1);
}

static GStrv cached_keys (SdTestUpload *fixture,
                         guint        *n_memo);

/* The cache file is written on a thread of its own: an upload ends while
 * the writer is held, saves made meanwhile coalesce into one write of the
 * newest state, and the file is replaced whole (nothing else is left in
 * its folder). */
static void
test_cache_is_saved_off_the_main_thread (SdTestUpload  *fixture,
                                         gconstpointer  data)
{
  g_autoptr(GPtrArray) uploads = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *cache_dir = g_path_get_dirname (fixture->cache_path);
  g_autoptr(SdUploader) later = NULL;
  g_autoptr(GDir) dir = NULL;
  g_auto(GStrv) keys = NULL;
  const char *name;
  guint n_memo;

  _sd_uploader_cache_hold (fixture->uploader, TRUE);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *file_name = g_strdup_printf ("photo-%u.jpg", i);
      g_autofree char *extra = g_strdup_printf ("%u", i);
      g_autofree char *path = sd_test_upload_write_image (fixture, file_name, extra);
      g_autoptr(GError) error = NULL;
      SdUpload *upload = sd_test_upload_path (fixture, path, SD_UPLOAD_KIND_IMAGE, &error);

      g_assert_no_error (error);
      g_ptr_array_add (uploads, upload);
    }
  /* three links made and saved, none written while the writer is held */
  g_assert_cmpuint (sd_test_upload_requests (fixture), ==, 3);
  g_assert_cmpuint (_sd_uploader_cache_get_writes (fixture->uploader), ==, 0);
  g_assert_false (g_file_test (fixture->cache_path, G_FILE_TEST_EXISTS));

  _sd_uploader_cache_hold (fixture->uploader, FALSE);
  sd_uploader_flush_cache (fixture->uploader);
  g_assert_cmpuint (_sd_uploader_cache_get_writes (fixture->uploader), ==, 1);
  keys = cached_keys (fixture, &n_memo);
  g_assert_cmpuint (g_strv_length (keys), ==, 3);
  g_assert_cmpuint (n_memo, ==, 3);
  dir = g_dir_open (cache_dir, 0, NULL);
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_assert_cmpstr (name, ==, "uploads.json");

  /* another uploader of the process reads what this one saved */
  later = sd_uploader_new (fixture->client, fixture->cache_path);
  for (guint i = 0; i < uploads->len; i++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(SdUpload) again = NULL;
      g_autoptr(GError) error = NULL;

      sd_uploader_upload_async (later, sd_upload_get_file (uploads->pdata[i]), SD_UPLOAD_KIND_IMAGE,
                                NULL, sd_test_store_result_cb, &result);
      sd_test_wait_until (sd_test_result_arrived, &result, 30, "the upload");
      again = sd_uploader_upload_finish (later, result, &error);
      g_assert_no_error (error);
      g_assert_true (sd_upload_get_cached (again));
    }
  g_assert_cmpuint (sd_test_upload_requests (fixture), ==, 3);
}

/* Two uploaders of one cache file (two windows; the command line in
 * another process) each save what they know: neither save drops the
 * other's links. */
static void
test_cache_saves_keep_each_others_links (SdTestUpload  *fixture,
                                         gconstpointer  data)
{
  g_autofree char *one = sd_test_upload_write_image (fixture, "one.jpg", "1");
  g_autofree char *two = sd_test_upload_write_image (fixture, "two.jpg", "2");
  g_autoptr(SdUploader) other = sd_uploader_new (fixture->client, fixture->cache_path);
  g_autoptr(SdUploader) later = NULL;
  g_autoptr(SdUpload) first = NULL;
  g_autoptr(GError) error = NULL;
  const char *paths[] = { one, two };
  g_auto(GStrv) keys = NULL;
  guint n_memo;

  /* both made before either saved: neither has the other's link */
  first = sd_test_upload_path (fixture, one, SD_UPLOAD_KIND_IMAGE, &error);
  g_assert_no_error (error);
  {
    g_autoptr(GFile) file = g_file_new_for_path (two);
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(SdUpload) second = NULL;

    sd_uploader_upload_async (other, file, SD_UPLOAD_KIND_IMAGE, NULL, sd_test_store_result_cb, &result);
    sd_test_wait_until (sd_test_result_arrived, &result, 30, "the upload");
    second = sd_uploader_upload_finish (other, result, &error);
    g_assert_no_error (error);
  }
  sd_uploader_flush_cache (other);
  keys = cached_keys (fixture, &n_memo);
  g_assert_cmpuint (g_strv_length (keys), ==, 2);
  g_assert_cmpuint (n_memo, ==, 2);

  later = sd_uploader_new (fixture->client, fixture->cache_path);
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(GFile) file = g_file_new_for_path (paths[i]);
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(SdUpload) again = NULL;

      sd_uploader_upload_async (later, file, SD_UPLOAD_KIND_IMAGE, NULL, sd_test_store_result_cb, &result);
      sd_test_wait_until (sd_test_result_arrived, &result, 30, "the upload");
      again = sd_uploader_upload_finish (later, result, &error);
      g_assert_no_error (error);
      g_assert_true (sd_upload_get_cached (again));
    }
  g_assert_cmpuint (sd_test_upload_requests (fixture), ==, 2);
}

/* A cache written before links were keyed by the kind of target (the
 * address alone) is not trusted: such an entry may be a custom service's
 * at the API's address. The file is uploaded again. */
static void
test_cache_of_address_only_keys_is_dropped (SdTestUpload  *fixture,
                                            gconstpointer  data)
{
  g_autofree char *path = sd_test_upload_write_image (fixture, "photo.jpg", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SdUpload) first = sd_test_upload_path (fixture, path, SD_UPLOAD_KIND_IMAGE, &error);
  g_autoptr(SdUpload) second = NULL;
  g_autofree char *old = NULL;
  g_autofree char *text = NULL;

  g_assert_no_error (error);
  g_clear_object (&fixture->uploader);
  old = g_strdup_printf ("{\"version\": 1, \"uploads\": [{\"key\": \"%s %s\", "
                         "\"url\": \"https://old.example.net/x.jpg\", \"created_at\": %" G_GINT64_FORMAT
                         ", \"size\": %" G_GUINT64_FORMAT "}]}",
                         sd_upload_get_sha256 (first), sd_client_get_base_url (fixture->client),
                         g_get_real_time () / G_USEC_PER_SEC, sd_upload_get_total (first));
  g_assert_true (g_file_set_contents (fixture->cache_path, old, -1, NULL));
  fixture->uploader = sd_uploader_new (fixture->client, fixture->cache_path);
  second = sd_test_upload_path (fixture, path, SD_UPLOAD_KIND_IMAGE, &error);
  g_assert_no_error (error);
  g_assert_false (sd_upload_get_cached (second));
  g_assert_cmpstr (sd_upload_get_url (second), !=, "https://old.example.net/x.jpg");
  g_assert_cmpuint (sd_test_upload_requests (fixture), ==, 2);
}

/* Two uploads of one file at the same time: one request, both get its link. */
static void
test_concurrent_same_file_is_one_request (SdTestUpload  *fixture,
                                          gconstpointer  data)
{
  g_autofree char *path = write_sparse_image (fixture, "twice.jpg", 4 * 1024 * 1024);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) again = g_file_new_for_path (path);
  g_autoptr(GAsyncResult) first_result = NULL;
  g_autoptr(GAsyncResult) second_result = NULL;
  g_autoptr(SdUpload) first = NULL;
  g_autoptr(SdUpload) second = NULL;
  g_autoptr(GError) error = NULL;

  sd_uploader_upload_async (fixture->uploader, file, SD_UPLOAD_KIND_IMAGE, NULL,
                            sd_test_store_result_cb, &first_result);
  sd_uploader_upload_async (fixture->uploader, again, SD_UPLOAD_KIND_IMAGE, NULL,
                            sd_test_store_result_cb, &second_result);
  sd_test_wait_until (sd_test_result_arrived, &first_result, 60, "the first upload");
  sd_test_wait_until (sd_test_result_arrived, &second_result, 60, "the second upload");
  first = sd_uploader_upload_finish (fixture->uploader, first_result, &error);
  g_assert_no_error (error);
  second = sd_uploader_upload_finish (fixture->uploader, second_result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (sd_upload_get_url (first));
  g_assert_cmpstr (sd_upload_get_url (second), ==, sd_upload_get_url (first));
  /* hashed after the answer, for both */
  sd_uploader_flush_cache (fixture->uploader);
  g_assert_cmpstr (sd_upload_get_sha256 (second), ==, sd_upload_get_sha256 (first));
  g_assert_nonnull (sd_upload_get_sha256 (first));
  g_assert_cmpuint (sd_test_upload_requests (fixture), ==, 1);
  g_assert_cmpuint (sd_simulator_get_n_uploads (fixture->sim), ==, 1);
}

/* The one that sends is cancelled: the other still gets a link, sent by
 * itself; the one that waits is cancelled: the sending one goes on. */
static void
test_concurrent_upload_survives_the_other_cancel (SdTestUpload  *fixture,
                                                  gconstpointer  data)
{
  g_autofree char *path = write_sparse_image (fixture, "shared.jpg", 8 * 1024 * 1024);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GCancellable) cancel_first = g_cancellable_new ();
  g_autoptr(GCancellable) cancel_third = g_cancellable_new ();
  GAsyncResult *results[3] = { NULL };
  GCancellable *cancellables[3] = { cancel_first, NULL, cancel_third };
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    sd_uploader_upload_async (fixture->uploader, file, SD_UPLOAD_KIND_IMAGE, cancellables[i],
                              sd_test_store_result_cb, &results[i]);
  g_cancellable_cancel (cancel_first);
  g_cancellable_cancel (cancel_third);
  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      g_autoptr(SdUpload) upload = NULL;

      sd_test_wait_until (sd_test_result_arrived, &results[i], 60, "an upload");
      upload = sd_uploader_upload_finish (fixture->uploader, results[i], &error);
      if (i == 1)
        {
          g_assert_no_error (error);
          g_assert_nonnull (sd_upload_get_url (upload));
        }
      else
        g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      g_clear_error (&error);
      g_clear_object (&results[i]);
    }
  g_assert_cmpuint (sd_simulator_get_n_uploads (fixture->sim), ==, 1);
}

static void
overwrite_keeping_size_and_time (const char *path,
                                 gboolean    keep_time)
{
  GStatBuf before;
  FILE *stream;
  struct timespec times[2];

  g_assert_cmpint (g_stat (path, &before), ==, 0);
  stream = fopen (path, "r+");
  g_assert_nonnull (stream);
  g_assert_cmpint (fseek (stream, -1, SEEK_END), ==, 0);
  g_assert_cmpint (fputc ('Z', stream), !=, EOF);
  g_assert_cmpint (fclose (stream), ==, 0);
  times[0] = before.st_atim;
  times[1] = before.st_mtim;
  if (!keep_time)
    times[1].tv_sec += 10;
  g_assert_cmpint (utimensat (AT_FDCWD, path, times, 0), ==, 0);
}

/* The memo: a file not changed since (device, inode, size, mtime to the
 * nanosecond) is not read again to find its link. Proved by changing its
 * bytes behind the memo's back: its old link comes back, so it was not
 * hashed again; with another mtime it is, and it is uploaded again. */
static void
test_memo_skips_the_rehash (SdTestUpload  *fixture,
                            gconstpointer  data)
{
  g_autofree char *path = sd_test_upload_write_image (fixture, "memo.jpg", "abc");
  g_autoptr(GError) error = NULL;
  g_autoptr(SdUpload) first = sd_test_upload_path (fixture, path, SD_UPLOAD_KIND_IMAGE, &error);
  g_autoptr(SdUpload) second = NULL;
  g_autoptr(SdUpload) third = NULL;

  g_assert_no_error (error);
  g_assert_false (sd_upload_get_cached (first));
  /* hashed after its answer: done before the bytes change */
  sd_uploader_flush_cache (fixture->uploader);
  overwrite_keeping_size_and_time (path, TRUE);

  /* another run of the app: the memo is on disk with the cache */
  g_clear_object (&fixture->uploader);
  fixture->uploader = sd_uploader_new (fixture->client, fixture->cache_path);
  second = sd_test_upload_path (fixture, path, SD_UPLOAD_KIND_IMAGE, &error);
  g_assert_no_error (error);
  g_assert_true (sd_upload_get_cached (second));
  g_assert_cmpstr (sd_upload_get_url (second), ==, sd_upload_get_url (first));
  g_assert_cmpstr (sd_upload_get_sha256 (second), ==, sd_upload_get_sha256 (first));
  g_assert_cmpuint (sd_test_upload_requests (fixture), ==, 1);

  overwrite_keeping_size_and_time (path, FALSE);
  third = sd_test_upload_path (fixture, path, SD_UPLOAD_KIND_IMAGE, &error);
  g_assert_no_error (error);
  g_assert_false (sd_upload_get_cached (third));
  g_assert_cmpstr (sd_upload_get_sha256 (third), !=, sd_upload_get_sha256 (first));
  g_assert_cmpuint (sd_test_upload_requests (fixture), ==, 2);
}

/* The keys of the cache file's links (each "sha256 api:BASE"), and how many
 * files its memo holds; none when there is no file. */
static GStrv
cached_keys (SdTestUpload *fixture,
             guint        *n_memo)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GStrvBuilder) keys = g_strv_builder_new ();
  JsonObject *root;
  JsonArray *uploads;

  *n_memo = 0;
  sd_uploader_flush_cache (fixture->uploader);
  if (!g_file_test (fixture->cache_path, G_FILE_TEST_EXISTS))
    return g_strv_builder_end (keys);
  g_assert_true (json_parser_load_from_file (parser, fixture->cache_path, NULL));
  root = json_node_get_object (json_parser_get_root (parser));
  uploads = json_object_get_array_member (root, "uploads");
  for (guint i = 0; i < json_array_get_length (uploads); i++)
    g_strv_builder_add (keys, json_object_get_string_member (json_array_get_object_element (uploads, i),
                                                              "key"));
  if (json_object_has_member (root, "memo"))
    *n_memo = json_array_get_length (json_object_get_array_member (root, "memo"));
  return g_strv_builder_end (keys);
}

static gboolean
upload_has_sha256 (gpointer user_data)
{
  return sd_upload_get_sha256 (user_data) != NULL;
}

/* The SHA-256 of a file not known before is taken after the server's
 * answer: the link comes first, the cache entry once the hash is done
 * (on its own, without a flush); a file changed between its sending and
 * its hash is not cached, under neither what was sent nor what it is
 * now, nor memoised. */
static void
test_hash_after_the_answer (SdTestUpload  *fixture,
                            gconstpointer  data)
{
  g_autofree char *path = sd_test_upload_write_image (fixture, "later.jpg", "first");
  g_autofree char *sent = NULL;
  g_autofree char *now = NULL;
  g_autofree char *sent_sha = NULL;
  g_autofree char *now_sha = NULL;
  g_autofree char *sent_key = NULL;
  g_autofree char *now_key = NULL;
  gsize length = 0;
  g_autoptr(GError) error = NULL;
  g_autoptr(SdUpload) upload = NULL;
  g_autoptr(SdUpload) changed = NULL;
  g_autoptr(SdUpload) again = NULL;
  g_auto(GStrv) keys = NULL;
  guint n_memo;
  GStatBuf before;

  g_assert_true (g_file_get_contents (path, &sent, &length, NULL));
  sent_sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) sent, length);
  sent_key = g_strconcat (sent_sha, " api:", sd_client_get_base_url (fixture->client), NULL);

  /* unchanged: the link at once, the entry when the hash is done */
  _sd_uploader_hash_hold (TRUE);
  upload = sd_test_upload_path (fixture, path, SD_UPLOAD_KIND_IMAGE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (sd_upload_get_url (upload));
  g_assert_null (sd_upload_get_sha256 (upload));
  g_assert_cmpuint (g_hash_table_size (fixture->uploader->cache), ==, 0);
  g_assert_cmpuint (g_hash_table_size (fixture->uploader->memo), ==, 0);
  _sd_uploader_hash_hold (FALSE);
  sd_test_wait_until (upload_has_sha256, upload, 30, "the hash");
  g_assert_cmpstr (sd_upload_get_sha256 (upload), ==, sent_sha);
  g_assert_true (g_hash_table_contains (fixture->uploader->cache, sent_key));
  keys = cached_keys (fixture, &n_memo);
  g_assert_true (g_strv_contains ((const char * const *) keys, sent_key));
  g_assert_cmpuint (n_memo, ==, 1);
  g_clear_pointer (&keys, g_strfreev);

  /* another file, changed after it was sent and before it was hashed */
  g_free (path);
  path = sd_test_upload_write_image (fixture, "changed.jpg", "second");
  g_clear_pointer (&sent, g_free);
  g_assert_true (g_file_get_contents (path, &sent, &length, NULL));
  g_free (sent_sha);
  sent_sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) sent, length);
  g_free (sent_key);
  sent_key = g_strconcat (sent_sha, " api:", sd_client_get_base_url (fixture->client), NULL);
  _sd_uploader_hash_hold (TRUE);
  changed = sd_test_upload_path (fixture, path, SD_UPLOAD_KIND_IMAGE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (sd_upload_get_url (changed));
  g_assert_cmpint (g_stat (path, &before), ==, 0);
  overwrite_keeping_size_and_time (path, FALSE);
  g_assert_true (g_file_get_contents (path, &now, &length, NULL));
  now_sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) now, length);
  now_key = g_strconcat (now_sha, " api:", sd_client_get_base_url (fixture->client), NULL);
  g_assert_cmpstr (now_sha, !=, sent_sha);
  _sd_uploader_hash_hold (FALSE);
  keys = cached_keys (fixture, &n_memo);  /* waits for the hash */
  g_assert_null (sd_upload_get_sha256 (changed));
  g_assert_false (g_strv_contains ((const char * const *) keys, now_key));
  g_assert_false (g_strv_contains ((const char * const *) keys, sent_key));
  g_assert_cmpuint (g_strv_length (keys), ==, 1);
  g_assert_cmpuint (n_memo, ==, 1);
  g_assert_cmpuint (sd_test_upload_requests (fixture), ==, 2);

  /* so it is sent again as it is now, and cached under that */
  again = sd_test_upload_path (fixture, path, SD_UPLOAD_KIND_IMAGE, &error);
  g_assert_no_error (error);
  g_assert_false (sd_upload_get_cached (again));
  g_assert_cmpuint (sd_test_upload_requests (fixture), ==, 3);
  sd_uploader_flush_cache (fixture->uploader);
  g_assert_cmpstr (sd_upload_get_sha256 (again), ==, now_sha);
  g_assert_true (g_hash_table_contains (fixture->uploader->cache, now_key));
}

/* A file of @size bytes, the same bytes each run (random-looking, so that
 * a chunk out of place changes the digest); an image when @image. */
static GBytes *
write_noise (SdTestUpload *fixture,
             const char   *name,
             gsize         size,
             gboolean      image,
             char        **path)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (size);
  g_autoptr(GBytes) picture = sd_test_upload_resource (SD_TEST_IMAGE_RESOURCE);
  guint8 *data = g_malloc (size + 1);
  gsize from = image ? MIN (size, g_bytes_get_size (picture)) : 0;
  g_autoptr(GError) error = NULL;

  memcpy (data, g_bytes_get_data (picture, NULL), from);
  for (gsize i = from; i < size; i++)
    data[i] = g_rand_int (rand) & 0xff;
  *path = g_build_filename (fixture->dir, name, NULL);
  g_file_set_contents (*path, (const char *) data, size, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (data, size);
}

static const gsize edge_sizes[] = {
  0, 1, SD_UPLOAD_CHUNK_SIZE - 1, SD_UPLOAD_CHUNK_SIZE, SD_UPLOAD_CHUNK_SIZE + 1,
  17 * SD_UPLOAD_CHUNK_SIZE + 3,   /* many chunks */
  5 * 1024 * 1024 + 7,
};

static gboolean
has_cache_error (gpointer data)
{
  return sd_uploader_get_cache_error (data) != NULL;
}

static gboolean
has_no_cache_error (gpointer data)
{
  return sd_uploader_get_cache_error (data) == NULL;
}

/* The cache's folder cannot be made: the link still comes, and the
 * flush says where the cache could not be saved and why; so does the
 * uploader's "cache-error", until a save works again. */
static void
test_cache_not_saved_is_told (SdTestUpload  *fixture,
                              gconstpointer  data)
{
  g_autofree char *path = sd_test_upload_write_image (fixture, "told.jpg", "told");
  g_autofree char *blocker = g_build_filename (fixture->dir, "blocked", NULL);
  g_autofree char *cache_path = g_build_filename (blocker, "uploads.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SdUpload) upload = NULL;

  g_assert_true (g_file_set_contents (blocker, "not a folder", -1, &error));
  g_assert_no_error (error);
  g_clear_object (&fixture->uploader);
  fixture->uploader = sd_uploader_new (fixture->client, cache_path);
  g_assert_true (sd_uploader_flush_cache_full (fixture->uploader, &error));
  g_assert_no_error (error);

  upload = sd_test_upload_path (fixture, path, SD_UPLOAD_KIND_IMAGE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (sd_upload_get_url (upload));
  g_assert_false (sd_uploader_flush_cache_full (fixture->uploader, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, cache_path));
  g_clear_error (&error);
  g_assert_cmpuint (strlen (sd_upload_get_sha256 (upload)), ==, 64);

  /* the window learns it too, from the uploader, and that it is over once
   * a save works again */
  sd_test_wait_until (has_cache_error, fixture->uploader, 10, "the cache error");
  g_assert_nonnull (strstr (sd_uploader_get_cache_error (fixture->uploader), cache_path));
  g_assert_cmpint (g_unlink (blocker), ==, 0);
  g_clear_object (&upload);
  g_clear_pointer (&path, g_free);
  path = sd_test_upload_write_image (fixture, "told-again.jpg", "told again");
  upload = sd_test_upload_path (fixture, path, SD_UPLOAD_KIND_IMAGE, &error);
  g_assert_no_error (error);
  g_assert_true (sd_uploader_flush_cache_full (fixture->uploader, &error));
  g_assert_no_error (error);
  sd_test_wait_until (has_no_cache_error, fixture->uploader, 10, "the cache saved");
}

static gboolean
hash_count_passed (gpointer user_data)
{
  return _sd_uploader_hash_get_count () > GPOINTER_TO_UINT (user_data);
}

/* A file not seen before is hashed beside its send, not after it: the
 * hash is done while the body still waits after its first chunk, and the
 * link comes with its digest and its cache entry, without a flush. A send
 * that fails keeps the digest (memoised for this run: the file keeps
 * only the memo of files with a link), so sending the file again does
 * not hash it again. */
static void
test_hash_beside_the_send (SdTestUpload  *fixture,
                           gconstpointer  data)
{
  g_autofree char *path = write_sparse_image (fixture, "beside.jpg", 4 * 1024 * 1024);
  g_autofree char *other = sd_test_upload_write_image (fixture, "fails.jpg", "fails");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SdUpload) upload = NULL;
  g_autoptr(SdUpload) failed = NULL;
  g_autoptr(SdUpload) again = NULL;
  g_auto(GStrv) keys = NULL;
  guint hashed = _sd_uploader_hash_get_count ();
  guint n_memo;

  _sd_uploader_body_hold (TRUE);
  sd_uploader_upload_async (fixture->uploader, file, SD_UPLOAD_KIND_IMAGE, NULL,
                            sd_test_store_result_cb, &result);
  sd_test_wait_until (hash_count_passed, GUINT_TO_POINTER (hashed), 60, "the hash beside the send");
  g_assert_null (result);
  _sd_uploader_body_hold (FALSE);
  sd_test_wait_until (sd_test_result_arrived, &result, 60, "the upload");
  upload = sd_uploader_upload_finish (fixture->uploader, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (sd_upload_get_sha256 (upload)), ==, 64);
  g_assert_cmpuint (g_hash_table_size (fixture->uploader->cache), ==, 1);
  g_assert_cmpuint (g_hash_table_size (fixture->uploader->hashing), ==, 0);

  /* the server fails after the body: the digest is kept, no link */
  hashed = _sd_uploader_hash_get_count ();
  sd_simulator_set_fault (fixture->sim, SD_SIMULATOR_STEP_UPLOAD, SD_SIMULATOR_FAULT_HTTP_500, 1);
  failed = sd_test_upload_path (fixture, other, SD_UPLOAD_KIND_IMAGE, &error);
  g_assert_null (failed);
  g_assert_error (error, SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_FAILED);
  g_clear_error (&error);
  keys = cached_keys (fixture, &n_memo);  /* waits for the hash */
  g_assert_cmpuint (g_strv_length (keys), ==, 1);
  g_assert_cmpuint (n_memo, ==, 1);
  g_assert_cmpuint (g_hash_table_size (fixture->uploader->memo), ==, 2);
  g_assert_cmpuint (_sd_uploader_hash_get_count (), ==, hashed + 1);

  /* sent again: its digest is known before, so it is not hashed again */
  again = sd_test_upload_path (fixture, other, SD_UPLOAD_KIND_IMAGE, &error);
  g_assert_no_error (error);
  g_assert_false (sd_upload_get_cached (again));
  g_assert_cmpuint (strlen (sd_upload_get_sha256 (again)), ==, 64);
  sd_uploader_flush_cache (fixture->uploader);
  g_assert_cmpuint (_sd_uploader_hash_get_count (), ==, hashed + 1);
  g_assert_cmpuint (sd_test_upload_requests (fixture), ==, 3);
}

/* The body stream read to its end: the head, every byte of the file in
 * order, the tail, at every size around its chunks (an empty file too,
 * which the uploader itself refuses). */
static void
test_body_stream_gives_the_file (SdTestUpload  *fixture,
                                 gconstpointer  data)
{
  for (guint i = 0; i < G_N_ELEMENTS (edge_sizes); i++)
    {
      g_autofree char *path = NULL;
      g_autoptr(GBytes) contents = write_noise (fixture, "noise.bin", edge_sizes[i], FALSE, &path);
      g_autoptr(GBytes) head = g_bytes_new_static ("HEAD", 4);
      g_autoptr(GBytes) tail = g_bytes_new_static ("TAIL", 4);
      g_autoptr(GFile) file = g_file_new_for_path (path);
      g_autoptr(GInputStream) body = sd_upload_body_stream_new (head, file, edge_sizes[i], NULL, tail);
      g_autoptr(GOutputStream) sink = g_memory_output_stream_new_resizable ();
      g_autoptr(GBytes) read = NULL;
      g_autoptr(GError) error = NULL;
      const guint8 *bytes;

      g_test_message ("%" G_GSIZE_FORMAT " bytes", edge_sizes[i]);
      g_assert_cmpint (g_output_stream_splice (sink, body, G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                                               NULL, &error), ==, edge_sizes[i] + 8);
      g_assert_no_error (error);
      read = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (sink));
      bytes = g_bytes_get_data (read, NULL);
      g_assert_cmpmem (bytes, 4, "HEAD", 4);
      g_assert_cmpmem (bytes + 4, edge_sizes[i], g_bytes_get_data (contents, NULL), edge_sizes[i]);
      g_assert_cmpmem (bytes + 4 + edge_sizes[i], 4, "TAIL", 4);
    }
}

/* What is recorded with the link (the upload's SHA-256, the cache's key
 * and the memo) is the digest of the whole file, at every size around
 * the body's chunks; an empty or one-byte file is refused and records
 * nothing. */
static void
test_recorded_sha256_is_of_the_file (SdTestUpload  *fixture,
                                     gconstpointer  data)
{
  for (guint i = 0; i < G_N_ELEMENTS (edge_sizes); i++)
    {
      g_autofree char *name = g_strdup_printf ("noise-%u.jpg", i);
      g_autofree char *path = NULL;
      g_autoptr(GBytes) contents = write_noise (fixture, name, edge_sizes[i], TRUE, &path);
      g_autofree char *expected = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, contents);
      g_autofree char *key = g_strconcat (expected, " api:", sd_client_get_base_url (fixture->client), NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(SdUpload) upload = sd_test_upload_path (fixture, path, SD_UPLOAD_KIND_IMAGE, &error);
      g_auto(GStrv) keys = NULL;
      guint n_memo;

      g_test_message ("%" G_GSIZE_FORMAT " bytes", edge_sizes[i]);
      keys = cached_keys (fixture, &n_memo);
      if (edge_sizes[i] <= 1)
        {
          g_assert_error (error, SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_WRONG_TYPE);
          g_assert_false (g_strv_contains ((const char * const *) keys, key));
          continue;
        }
      g_assert_no_error (error);
      g_assert_cmpstr (sd_upload_get_sha256 (upload), ==, expected);
      g_assert_true (g_strv_contains ((const char * const *) keys, key));
      /* one file memoised for each link */
      g_assert_cmpuint (n_memo, ==, g_strv_length (keys));
    }
}

/* The SHA-256 given with the link is of the file sent: taken after the
 * server's answer (the link comes first), it is set once the hash is done
 * (sd_uploader_flush_cache() waits for it). */
static void
test_sha256_is_of_the_bytes_sent (SdTestUpload  *fixture,
                                  gconstpointer  data)
{
  g_autofree char *path = sd_test_upload_write_image (fixture, "hashed.jpg", "xyz");
  g_autofree char *contents = NULL;
  g_autofree char *expected = NULL;
  gsize length = 0;
  g_autoptr(GError) error = NULL;
  g_autoptr(SdUpload) upload = sd_test_upload_path (fixture, path, SD_UPLOAD_KIND_IMAGE, &error);

  g_assert_no_error (error);
  g_assert_nonnull (sd_upload_get_url (upload));
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  expected = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);
  sd_uploader_flush_cache (fixture->uploader);
  g_assert_cmpstr (sd_upload_get_sha256 (upload), ==, expected);
}

/* The hash begun in the background and finished by the hash thread (see
 * sd-uploader-hash.c) is the digest of the whole file, its chunks in
 * order, as if one thread had read it. */
static void
test_hash_changes_threads (SdTestUpload  *fixture,
                           gconstpointer  data)
{
  g_autofree char *path = sd_test_upload_write_image (fixture, "threads.jpg", NULL);
  g_autoptr(GByteArray) contents = g_byte_array_new ();
  g_autofree char *head = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(SdUpload) upload = NULL;
  g_autoptr(GError) error = NULL;
  gsize length = 0;

  /* a head, then 3 chunks and a bit of bytes that all differ */
  g_assert_true (g_file_get_contents (path, &head, &length, NULL));
  g_byte_array_append (contents, (const guint8 *) head, length);
  for (guint i = 0; i < 3 * HASH_CHUNK + 4321; i++)
    {
      guint8 byte = (guint8) ((i * 2654435761u) >> 24);

      g_byte_array_append (contents, &byte, 1);
    }
  g_assert_true (g_file_set_contents (path, (const char *) contents->data, contents->len, NULL));
  expected = g_compute_checksum_for_data (G_CHECKSUM_SHA256, contents->data, contents->len);

  _sd_uploader_hash_hold_background (TRUE);
  upload = sd_test_upload_path (fixture, path, SD_UPLOAD_KIND_IMAGE, &error);
  sd_uploader_flush_cache (fixture->uploader);
  _sd_uploader_hash_hold_background (FALSE);
  g_assert_no_error (error);
  g_assert_cmpstr (sd_upload_get_sha256 (upload), ==, expected);
  g_assert_cmpuint (g_hash_table_size (fixture->uploader->cache), ==, 1);
}

static void
test_expired_link_is_uploaded_again (SdTestUpload  *fixture,
                                     gconstpointer  data)
{
  g_autofree char *path = sd_test_upload_write_image (fixture, "photo.jpg", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SdUpload) first = sd_test_upload_path (fixture, path, SD_UPLOAD_KIND_IMAGE, &error);
  g_autoptr(SdUpload) second = NULL;

  g_assert_no_error (error);
  sd_uploader_set_link_lifetime (fixture->uploader, 0);
  second = sd_test_upload_path (fixture, path, SD_UPLOAD_KIND_IMAGE, &error);
  g_assert_no_error (error);
  g_assert_false (sd_upload_get_cached (second));
  g_assert_cmpstr (sd_upload_get_url (second), !=, sd_upload_get_url (first));
  g_assert_cmpuint (sd_test_upload_requests (fixture), ==, 2);
}

static void
test_cache_is_per_base_url (SdTestUpload  *fixture,
                            gconstpointer  data)
{
  g_autofree char *path = sd_test_upload_write_image (fixture, "photo.jpg", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SdUpload) first = sd_test_upload_path (fixture, path, SD_UPLOAD_KIND_IMAGE, &error);
  g_autoptr(SdSimulator) other = sd_simulator_new (fixture->catalog, &error);
  g_autoptr(SdUpload) second = NULL;

  g_assert_no_error (error);
  sd_client_set_base_url (fixture->client, sd_simulator_get_base_url (other));
  second = sd_test_upload_path (fixture, path, SD_UPLOAD_KIND_IMAGE, &error);
  g_assert_no_error (error);
  g_assert_false (sd_upload_get_cached (second));
  g_assert_cmpuint (sd_simulator_get_request_count (other, SD_SIMULATOR_STEP_UPLOAD), ==, 1);
  g_assert_cmpuint (sd_test_upload_requests (fixture), ==, 1);
}

/* Streaming, progress, cancelling, the queue */

typedef struct
{
  guint   partials;
  guint64 last;
  gboolean went_backwards;
} Progress;

static void
on_bytes_sent_cb (SdUpload   *upload,
                  GParamSpec *pspec,
                  gpointer    user_data)
{
  Progress *progress = user_data;
  guint64 sent = sd_upload_get_bytes_sent (upload);

  progress->went_backwards |= sent < progress->last;
  if (sent > 0 && sent < sd_upload_get_total (upload))
    progress->partials++;
  progress->last = sent;
}

static gboolean
has_partial_progress (gpointer data)
{
  Progress *progress = data;

  return progress->partials > 0;
}

static void
test_large_file_is_streamed_with_progress (SdTestUpload  *fixture,
                                           gconstpointer  data)
{
  const guint64 size = 50 * 1024 * 1024;
  g_autofree char *path = write_sparse_image (fixture, "large.jpg", size);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SdUpload) done = NULL;
  Progress progress = { 0 };
  SdUpload *upload;

  /* the body waits after its first chunk until that step is told: else,
   * on a loaded machine, the in-process simulator read it all before the
   * main loop told any step */
  _sd_uploader_body_hold (TRUE);
  upload = sd_uploader_upload_async (fixture->uploader, file, SD_UPLOAD_KIND_IMAGE, NULL,
                                     sd_test_store_result_cb, &result);
  g_signal_connect (upload, "notify::bytes-sent", G_CALLBACK (on_bytes_sent_cb), &progress);
  sd_test_wait_until (has_partial_progress, &progress, 60, "the first step of the upload");
  _sd_uploader_body_hold (FALSE);
  sd_test_wait_until (sd_test_result_arrived, &result, 120, "the 50 MB upload");
  done = sd_uploader_upload_finish (fixture->uploader, result, &error);
  g_assert_no_error (error);

  /* told as it was sent, not only at the end (the steps are as many as
   * the main loop takes, not one per write) */
  g_assert_cmpuint (progress.partials, >=, 1);
  g_assert_false (progress.went_backwards);
  g_assert_cmpuint (progress.last, ==, size);
  g_assert_cmpuint (sd_upload_get_total (done), ==, size);
}

static void
on_progress_cancel_cb (SdUpload   *upload,
                       GParamSpec *pspec,
                       gpointer    user_data)
{
  if (sd_upload_get_bytes_sent (upload) > 0)
    sd_upload_cancel (upload);
}

static void
test_upload_can_be_cancelled (SdTestUpload  *fixture,
                              gconstpointer  data)
{
  g_autofree char *path = write_sparse_image (fixture, "large.jpg", 20 * 1024 * 1024);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SdUpload) done = NULL;
  g_auto(GStrv) keys = NULL;
  guint n_memo;
  SdUpload *upload;

  /* the body stops after its first chunk until the cancel: else, on a
   * loaded machine, the in-process simulator read it all before the first
   * progress was told, and the cancel came after the end */
  _sd_uploader_body_hold (TRUE);
  upload = sd_uploader_upload_async (fixture->uploader, file, SD_UPLOAD_KIND_IMAGE, NULL,
                                     sd_test_store_result_cb, &result);
  g_signal_connect (upload, "notify::bytes-sent", G_CALLBACK (on_progress_cancel_cb), NULL);
  sd_test_wait_until (sd_test_result_arrived, &result, 60, "the cancelled upload");
  _sd_uploader_body_hold (FALSE);
  done = sd_uploader_upload_finish (fixture->uploader, result, &error);
  g_assert_null (done);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (sd_simulator_get_n_uploads (fixture->sim), ==, 0);

  /* nothing of the part that was read is recorded */
  keys = cached_keys (fixture, &n_memo);
  g_assert_cmpuint (g_strv_length (keys), ==, 0);
  g_assert_cmpuint (n_memo, ==, 0);
  g_assert_null (sd_upload_get_sha256 (upload));
}

typedef enum
{
  CHANGE_TIME,
  CHANGE_SIZE,
} Change;

static Change change;

static void
on_progress_change_file_cb (SdUpload   *upload,
                            GParamSpec *pspec,
                            gpointer    user_data)
{
  g_autofree char *path = g_file_get_path (sd_upload_get_file (upload));
  GStatBuf before;
  struct timespec times[2];

  if (sd_upload_get_bytes_sent (upload) == 0 || user_data == NULL)
    return;
  g_signal_handlers_disconnect_by_data (upload, user_data);
  g_assert_cmpint (g_stat (path, &before), ==, 0);
  if (change == CHANGE_SIZE)
    g_assert_cmpint (truncate (path, before.st_size / 2), ==, 0);
  else
    {
      times[0] = before.st_atim;
      times[1] = before.st_mtim;
      times[1].tv_sec += 10;
      g_assert_cmpint (utimensat (AT_FDCWD, path, times, 0), ==, 0);
    }
  /* changed while the body waited after its first chunk: it goes on */
  _sd_uploader_body_hold (FALSE);
}

/* A file that changes while it is sent (touched, or cut short, as one
 * still being written): the body stops before its end, so the server
 * stores nothing; the error says so, and nothing is cached or memoised.
 * What was chosen: refuse, rather than keep a link to a torn file. */
static void
test_file_changed_while_sent (SdTestUpload  *fixture,
                              gconstpointer  data)
{
  const Change changes[] = { CHANGE_TIME, CHANGE_SIZE };

  for (guint i = 0; i < G_N_ELEMENTS (changes); i++)
    {
      /* larger than many chunks and loopback's buffers, so that its
       * end is read after the change */
      g_autofree char *path = write_sparse_image (fixture, "growing.jpg", 40 * 1024 * 1024);
      g_autoptr(GFile) file = g_file_new_for_path (path);
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(SdUpload) done = NULL;
      g_auto(GStrv) keys = NULL;
      guint n_memo;
      SdUpload *upload;

      change = changes[i];
      /* the body waits after its first chunk until the file is changed:
       * else, on a loaded machine, the in-process simulator read it all
       * before the first progress was told */
      _sd_uploader_body_hold (TRUE);
      upload = sd_uploader_upload_async (fixture->uploader, file, SD_UPLOAD_KIND_IMAGE, NULL,
                                         sd_test_store_result_cb, &result);
      g_signal_connect (upload, "notify::bytes-sent", G_CALLBACK (on_progress_change_file_cb),
                        fixture);
      sd_test_wait_until (sd_test_result_arrived, &result, 60, "the upload of a changing file");
      done = sd_uploader_upload_finish (fixture->uploader, result, &error);
      g_assert_null (done);
      g_assert_error (error, SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_UNREADABLE);
      g_assert_nonnull (strstr (error->message, change == CHANGE_SIZE ? "became shorter" : "changed"));
      g_assert_nonnull (strstr (error->message, "growing.jpg"));
      g_assert_cmpuint (sd_simulator_get_n_uploads (fixture->sim), ==, 0);
      keys = cached_keys (fixture, &n_memo);
      g_assert_cmpuint (g_strv_length (keys), ==, 0);
      g_assert_cmpuint (n_memo, ==, 0);
      g_assert_cmpint (g_unlink (path), ==, 0);
    }
}

typedef struct
{
  guint sending;
  guint most;
} Slots;

static void
on_state_cb (SdUpload   *upload,
             GParamSpec *pspec,
             gpointer    user_data)
{
  Slots *slots = user_data;

  if (sd_upload_get_state (upload) == SD_UPLOAD_STATE_SENDING)
    slots->sending++;
  else if (sd_upload_get_state (upload) == SD_UPLOAD_STATE_DONE ||
           sd_upload_get_state (upload) == SD_UPLOAD_STATE_FAILED)
    slots->sending--;
  slots->most = MAX (slots->most, slots->sending);
}

static void
test_at_most_two_at_once (SdTestUpload  *fixture,
                          gconstpointer  data)
{
  GAsyncResult *results[5] = { NULL };
  Slots slots = { 0 };

  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      g_autofree char *name = g_strdup_printf ("photo-%u.jpg", i);
      g_autofree char *extra = g_strdup_printf ("%u", i);
      g_autofree char *path = sd_test_upload_write_image (fixture, name, extra);
      g_autoptr(GFile) file = g_file_new_for_path (path);
      SdUpload *upload = sd_uploader_upload_async (fixture->uploader, file, SD_UPLOAD_KIND_IMAGE,
                                                   NULL, sd_test_store_result_cb, &results[i]);

      g_signal_connect (upload, "notify::state", G_CALLBACK (on_state_cb), &slots);
    }
  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SdUpload) upload = NULL;

      sd_test_wait_until (sd_test_result_arrived, &results[i], 60, "an upload");
      upload = sd_uploader_upload_finish (fixture->uploader, results[i], &error);
      g_assert_no_error (error);
      g_clear_object (&results[i]);
    }
  g_assert_cmpuint (slots.most, ==, 2);
  g_assert_cmpuint (sd_test_upload_requests (fixture), ==, G_N_ELEMENTS (results));
}

static void
test_queued_upload_cancels_at_once (SdTestUpload  *fixture,
                                    gconstpointer  data)
{
  GAsyncResult *busy[2] = { NULL };
  SdUpload *busy_uploads[2] = { NULL };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SdUpload) done = NULL;
  g_autofree char *third_path = sd_test_upload_write_image (fixture, "third.jpg", "third");
  g_autoptr(GFile) third = g_file_new_for_path (third_path);
  g_autoptr(GCancellable) cancel_busy = g_cancellable_new ();
  SdUpload *upload;

  /* both slots taken by answers that come 60 s late */
  sd_simulator_set_slow_delay (fixture->sim, 60000);
  sd_simulator_set_fault (fixture->sim, SD_SIMULATOR_STEP_UPLOAD, SD_SIMULATOR_FAULT_SLOW, 2);
  for (guint i = 0; i < G_N_ELEMENTS (busy); i++)
    {
      g_autofree char *name = g_strdup_printf ("busy-%u.jpg", i);
      g_autofree char *extra = g_strdup_printf ("busy %u", i);
      g_autofree char *path = sd_test_upload_write_image (fixture, name, extra);
      g_autoptr(GFile) file = g_file_new_for_path (path);

      busy_uploads[i] = sd_uploader_upload_async (fixture->uploader, file, SD_UPLOAD_KIND_IMAGE,
                                                  cancel_busy, sd_test_store_result_cb, &busy[i]);
    }
  /* both are sending before the third is checked */
  while (sd_upload_get_state (busy_uploads[0]) != SD_UPLOAD_STATE_SENDING ||
         sd_upload_get_state (busy_uploads[1]) != SD_UPLOAD_STATE_SENDING)
    g_main_context_iteration (NULL, TRUE);

  upload = sd_uploader_upload_async (fixture->uploader, third, SD_UPLOAD_KIND_IMAGE, NULL,
                                     sd_test_store_result_cb, &result);
  g_object_ref (upload);
  while (sd_upload_get_state (upload) != SD_UPLOAD_STATE_QUEUED &&
         sd_upload_get_state (upload) != SD_UPLOAD_STATE_FAILED)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (sd_upload_get_state (upload), ==, SD_UPLOAD_STATE_QUEUED);

  sd_upload_cancel (upload);
  sd_test_wait_until (sd_test_result_arrived, &result, 10, "the cancelled queued upload");
  done = sd_uploader_upload_finish (fixture->uploader, result, &error);
  g_assert_null (done);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (sd_upload_get_state (upload), ==, SD_UPLOAD_STATE_FAILED);
  g_assert_null (busy[0]);
  g_assert_null (busy[1]);
  g_object_unref (upload);

  g_cancellable_cancel (cancel_busy);
  for (guint i = 0; i < G_N_ELEMENTS (busy); i++)
    {
      sd_test_wait_until (sd_test_result_arrived, &busy[i], 10, "a cancelled upload");
      g_clear_object (&busy[i]);
    }
}

/* Requests */

static GPtrArray *
resolve (SdTestUpload  *fixture,
         SdRequest     *request,
         GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sd_uploader_resolve_request_async (fixture->uploader, request, NULL, sd_test_store_result_cb, &result);
  sd_test_wait_until (sd_test_result_arrived, &result, 60, "the request's uploads");
  return sd_uploader_resolve_request_finish (fixture->uploader, result, error);
}

static void
test_request_local_files_become_links (SdTestUpload  *fixture,
                                       gconstpointer  data)
{
  g_autofree char *photo = sd_test_upload_write_image (fixture, "photo.jpg", NULL);
  g_autofree char *frame = sd_test_upload_write_image (fixture, "frame.jpg", "frame");
  g_autofree char *frame_uri = g_filename_to_uri (frame, NULL, NULL);
  g_autoptr(GBytes) video = sd_test_upload_resource (SD_TEST_VIDEO_RESOURCE);
  g_autofree char *clip = g_build_filename (fixture->dir, "clip.bin", NULL);
  const char *web = "https://example.com/a.jpg";
  const char *images[] = { web, photo, NULL };
  const char *videos[] = { clip, NULL };
  g_autoptr(SdRequest) request = sd_request_new ();
  g_autoptr(GPtrArray) uploads = NULL;
  g_autoptr(GError) error = NULL;
  const char * const *sent;

  g_file_set_contents (clip, g_bytes_get_data (video, NULL), g_bytes_get_size (video), &error);
  g_assert_no_error (error);
  sd_request_set_images (request, images);
  sd_request_set_first_image (request, frame_uri);
  sd_request_set_reference_videos (request, videos);

  uploads = resolve (fixture, request, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (uploads->len, ==, 3);
  sent = sd_request_get_images (request);
  g_assert_cmpstr (sent[0], ==, web);
  g_assert_true (g_str_has_prefix (sent[1], "https://127.0.0.1:"));
  g_assert_true (g_str_has_suffix (sent[1], "/photo.jpg"));
  g_assert_true (g_str_has_suffix (sd_request_get_first_image (request), "/frame.jpg"));
  /* a video by its content, whatever its name says */
  g_assert_true (g_str_has_suffix (sd_request_get_reference_videos (request)[0], "/clip.bin"));
  g_assert_cmpuint (sd_test_upload_requests (fixture), ==, 3);
}

static void
test_request_failure_names_field_and_item (SdTestUpload  *fixture,
                                           gconstpointer  data)
{
  g_autofree char *photo = sd_test_upload_write_image (fixture, "photo.jpg", NULL);
  g_autofree char *text = sd_test_upload_write_text (fixture, "notes.png", "just text");
  const char *images[] = { photo, text, NULL };
  g_autoptr(SdRequest) request = sd_request_new ();
  g_autoptr(GPtrArray) uploads = NULL;
  g_autoptr(GError) error = NULL;

  sd_request_set_images (request, images);
  uploads = resolve (fixture, request, &error);
  g_assert_null (uploads);
  g_assert_error (error, SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_WRONG_TYPE);
  g_assert_true (g_str_has_prefix (error->message, "images, item 2: "));
  g_assert_nonnull (strstr (error->message, "notes.png"));
  /* nothing replaced */
  g_assert_cmpstr (sd_request_get_images (request)[0], ==, photo);
}

static void
test_local_references_are_recognised (void)
{
  const char *local[] = { "/tmp/a.png", "./a.png", "../a.png", "~/a.png", "file:///tmp/a.png" };
  const char *links[] = { "https://example.com/a.png", "asset://a", "a.png", "http://x/a.png", "" };

  for (guint i = 0; i < G_N_ELEMENTS (local); i++)
    {
      g_autoptr(GFile) file = sd_upload_local_file_for_reference (local[i]);

      g_assert_nonnull (file);
    }
  for (guint i = 0; i < G_N_ELEMENTS (links); i++)
    g_assert_null (sd_upload_local_file_for_reference (links[i]));
}

/* The streamed SHA-256 (Nettle's, or GChecksum's without it) is GLib's
 * for the same bytes, however they are split: empty, one byte, across
 * the 64-byte blocks, in the upload's chunks. */
static void
test_streamed_sha256_matches_glib (void)
{
  static const gsize sizes[] = { 0, 1, 55, 56, 63, 64, 65, 1000, 3 * SD_UPLOAD_CHUNK_SIZE + 17 };
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  gsize most = sizes[G_N_ELEMENTS (sizes) - 1];
  g_autofree guint8 *data = g_malloc (most);

  for (gsize i = 0; i < most; i++)
    data[i] = g_rand_int (rand) & 0xff;
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    for (gsize step = 1; step <= SD_UPLOAD_CHUNK_SIZE; step = step * 7 + 56)
      {
        g_autofree char *want = g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, sizes[i]);
        g_autofree char *got = NULL;
        SdUploadHash hash;

        _sd_upload_hash_init (&hash);
        for (gsize from = 0; from < sizes[i]; from += step)
          _sd_upload_hash_update (&hash, data + from, MIN (step, sizes[i] - from));
        got = _sd_upload_hash_finish (&hash);
        g_assert_cmpstr (got, ==, want);
        g_assert_null (_sd_upload_hash_finish (&hash));
      }
}

static void
test_formats_by_magic_numbers (void)
{
  static const struct {
    const char  *bytes;
    gsize        length;
    const char  *type;
    SdUploadKind kind;
  } cases[] = {
    { "\xff\xd8\xff\xe0\x00\x10JFIF", 10, "image/jpeg", SD_UPLOAD_KIND_IMAGE },
    { "\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16, "image/png", SD_UPLOAD_KIND_IMAGE },
    { "GIF89a\x01\x00", 8, "image/gif", SD_UPLOAD_KIND_IMAGE },
    { "RIFF\x10\0\0\0WEBPVP8 ", 16, "image/webp", SD_UPLOAD_KIND_IMAGE },
    { "BM\x36\0\0\0\0\0\0\0\x36\0\0\0\x28\0\0\0", 18, "image/bmp", SD_UPLOAD_KIND_IMAGE },
    { "<?xml version=\"1.0\"?>\n<!-- x -->\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>", 0,
      "image/svg+xml", SD_UPLOAD_KIND_IMAGE },
    { "\0\0\0\x20" "ftypisom\0\0\x02\0", 16, "video/mp4", SD_UPLOAD_KIND_VIDEO },
    { "\0\0\0\x14" "ftypqt  \0\0\0\0", 16, "video/quicktime", SD_UPLOAD_KIND_VIDEO },
    { "\0\0\0\x1c" "ftypM4V \0\0\0\0", 16, "video/x-m4v", SD_UPLOAD_KIND_VIDEO },
    { "RIFF\x10\0\0\0AVI LIST", 16, "video/x-msvideo", SD_UPLOAD_KIND_VIDEO },
    { "\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm", 16, "video/webm", SD_UPLOAD_KIND_VIDEO },
    { "\x1a\x45\xdf\xa3\xa3\x42\x86\x81\x01\x42\x82\x88matroska", 20, "video/x-matroska", SD_UPLOAD_KIND_VIDEO },
    { "FLV\x01\x05\0\0\0\x09", 9, "video/x-flv", SD_UPLOAD_KIND_VIDEO },
    { "ID3\x04\0\0\0\0\0\0", 10, "audio/mpeg", SD_UPLOAD_KIND_AUDIO },
    { "\xff\xfb\x90\x64", 4, "audio/mpeg", SD_UPLOAD_KIND_AUDIO },
    { "\xff\xf1\x50\x80", 4, "audio/aac", SD_UPLOAD_KIND_AUDIO },
    { "RIFF\x10\0\0\0WAVEfmt ", 16, "audio/wav", SD_UPLOAD_KIND_AUDIO },
    { "\0\0\0\x20" "ftypM4A \0\0\0\0", 16, "audio/mp4", SD_UPLOAD_KIND_AUDIO },
    { "fLaC\0\0\0\x22", 8, "audio/flac", SD_UPLOAD_KIND_AUDIO },
    { "OggS\0\x02\0\0", 8, "audio/ogg", SD_UPLOAD_KIND_AUDIO },
  };
  static const char * const refused[] = {
    "<html><body>hello</body></html>", "%PDF-1.7", "PK\x03\x04zip", "just text", "",
    "RIFF\x10\0\0\0XXXX", "<svgfoo/>",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      SdUploadKind kind = SD_UPLOAD_KIND_IMAGE + 100;

      g_test_message ("case %u: %s", i, cases[i].type);
      gsize length = cases[i].length > 0 ? cases[i].length : strlen (cases[i].bytes);

      g_assert_cmpstr (sd_upload_classify_content ((const guint8 *) cases[i].bytes, length, &kind),
                       ==, cases[i].type);
      g_assert_cmpint (kind, ==, cases[i].kind);
    }
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    g_assert_null (sd_upload_classify_content ((const guint8 *) refused[i], strlen (refused[i]), NULL));
}

/* Privacy */

int
main (int   argc,
      char *argv[])
{
  sd_test_upload_init (&argc, &argv);

  sd_test_upload_add ("/upload/provider/gives-a-served-https-link", test_upload_gives_a_served_https_link);
  sd_test_upload_add ("/upload/check/too-large-before-sending", test_too_large_is_refused_before_sending);
  sd_test_upload_add ("/upload/check/type-from-the-content", test_type_comes_from_the_content);
  sd_test_upload_add ("/upload/simulator/checks-the-type", test_simulator_checks_the_type_itself);
  sd_test_upload_add ("/upload/server/no-endpoint-said-once", test_no_endpoint_is_said_once_per_base);
  sd_test_upload_add ("/upload/server/undocumented-answer-is-no-endpoint",
                      test_undocumented_answer_means_no_endpoint);
  sd_test_upload_add ("/upload/server/too-large", test_server_too_large_is_refused);
  sd_test_upload_add ("/upload/server/failure-after-body-not-resent",
                      test_failure_after_the_body_is_not_resent);
  sd_test_upload_add ("/upload/server/rate-limit-waited-out", test_rate_limit_is_waited_out);
  sd_test_upload_add ("/upload/cache/same-file-once", test_same_file_is_uploaded_once);
  sd_test_upload_add ("/upload/cache/expired-uploaded-again", test_expired_link_is_uploaded_again);
  sd_test_upload_add ("/upload/cache/per-base-url", test_cache_is_per_base_url);
  sd_test_upload_add ("/upload/cache/saved-off-the-main-thread", test_cache_is_saved_off_the_main_thread);
  sd_test_upload_add ("/upload/cache/address-only-keys-dropped", test_cache_of_address_only_keys_is_dropped);
  sd_test_upload_add ("/upload/cache/saves-keep-each-others-links", test_cache_saves_keep_each_others_links);
  sd_test_upload_add ("/upload/cache/memo-skips-the-rehash", test_memo_skips_the_rehash);
  sd_test_upload_add ("/upload/stream/sha256-of-the-bytes-sent", test_sha256_is_of_the_bytes_sent);
  sd_test_upload_add ("/upload/queue/same-file-at-once-is-one-request",
                      test_concurrent_same_file_is_one_request);
  sd_test_upload_add ("/upload/queue/same-file-survives-a-cancel",
                      test_concurrent_upload_survives_the_other_cancel);
  sd_test_upload_add ("/upload/stream/large-file-with-progress", test_large_file_is_streamed_with_progress);
  sd_test_upload_add ("/upload/stream/cancel", test_upload_can_be_cancelled);
  sd_test_upload_add ("/upload/stream/body-gives-file-and-digest",
                      test_body_stream_gives_the_file);
  sd_test_upload_add ("/upload/stream/recorded-sha256-is-of-the-file", test_recorded_sha256_is_of_the_file);
  sd_test_upload_add ("/upload/stream/file-changed-while-sent", test_file_changed_while_sent);
  sd_test_upload_add ("/upload/cache/hash-after-the-answer", test_hash_after_the_answer);
  sd_test_upload_add ("/upload/cache/hash-beside-the-send", test_hash_beside_the_send);
  sd_test_upload_add ("/upload/cache/hash-changes-threads", test_hash_changes_threads);
  sd_test_upload_add ("/upload/cache/not-saved-is-told", test_cache_not_saved_is_told);
  sd_test_upload_add ("/upload/queue/at-most-two", test_at_most_two_at_once);
  sd_test_upload_add ("/upload/queue/cancel-while-queued", test_queued_upload_cancels_at_once);
  sd_test_upload_add ("/upload/request/local-files-become-links", test_request_local_files_become_links);
  sd_test_upload_add ("/upload/request/failure-names-field-and-item",
                      test_request_failure_names_field_and_item);
  g_test_add_func ("/upload/request/local-references", test_local_references_are_recognised);
  g_test_add_func ("/upload/check/formats-by-magic-numbers", test_formats_by_magic_numbers);
  g_test_add_func ("/upload/hash/streamed-sha256-matches-glib", test_streamed_sha256_matches_glib);

  return g_test_run ();
}

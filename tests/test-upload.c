/* test-upload.c: SdUploader, the simulator's upload endpoint and the CLI
 * commands that upload, on loopback
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "sd-test-cli.h"
#include "sd-test-util.h"

#include <locale.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "sd-catalog.h"
#include "sd-cli.h"
#include "sd-client.h"
#include "sd-context.h"
#include "sd-request.h"
#include "sd-demo.h"
#include "sd-simulator-test.h"
#include "sd-uploader.h"

#define IMAGE_RESOURCE "/io/github/seedancestudio/SeedanceStudio/core/sample-images/red-coat.jpg"
#define VIDEO_RESOURCE "/io/github/seedancestudio/SeedanceStudio/core/sample.mp4"

typedef struct
{
  SdCatalog   *catalog;
  SdSimulator *sim;
  SdClient    *client;
  SdUploader  *uploader;
  char        *dir;
  char        *cache_path;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->catalog = sd_catalog_new ();
  fixture->sim = sd_simulator_new (fixture->catalog, &error);
  g_assert_no_error (error);
  fixture->client = sd_client_new (sd_simulator_get_base_url (fixture->sim),
                                   sd_simulator_get_token (fixture->sim));
  fixture->dir = g_dir_make_tmp ("upload-test-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->cache_path = g_build_filename (fixture->dir, "cache", "uploads.json", NULL);
  fixture->uploader = sd_uploader_new (fixture->client, fixture->cache_path);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->uploader);
  g_clear_object (&fixture->client);
  g_clear_object (&fixture->sim);
  g_clear_object (&fixture->catalog);
  g_free (fixture->cache_path);
  g_free (fixture->dir);
}

/* Files */

static GBytes *
resource_bytes (const char *path)
{
  g_autoptr(GError) error = NULL;
  GBytes *bytes = g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE, &error);

  g_assert_no_error (error);
  return bytes;
}

/* A file of @name in the fixture's folder: the sample picture, then @extra
 * (so that two files can differ). */
static char *
write_image (Fixture    *fixture,
             const char *name,
             const char *extra)
{
  g_autoptr(GBytes) image = resource_bytes (IMAGE_RESOURCE);
  g_autoptr(GString) data = g_string_new_len (g_bytes_get_data (image, NULL),
                                              g_bytes_get_size (image));
  char *path = g_build_filename (fixture->dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_string_append (data, extra != NULL ? extra : "");
  g_file_set_contents (path, data->str, data->len, &error);
  g_assert_no_error (error);
  return path;
}

static char *
write_text_file (Fixture    *fixture,
                 const char *name,
                 const char *text)
{
  char *path = g_build_filename (fixture->dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
  return path;
}

/* A sparse file of @size bytes that starts like the sample picture. */
static char *
write_sparse_image (Fixture    *fixture,
                    const char *name,
                    guint64     size)
{
  char *path = write_image (fixture, name, NULL);

  g_assert_cmpint (truncate (path, size), ==, 0);
  return path;
}

/* Uploading */

static SdUpload *
upload_path (Fixture       *fixture,
             const char    *path,
             SdUploadKind   kind,
             GError       **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GAsyncResult) result = NULL;

  sd_uploader_upload_async (fixture->uploader, file, kind, NULL, sd_test_store_result_cb, &result);
  sd_test_wait_until (sd_test_result_arrived, &result, 60, "the upload");
  return sd_uploader_upload_finish (fixture->uploader, result, error);
}

static guint
upload_requests (Fixture *fixture)
{
  return sd_simulator_get_request_count (fixture->sim, SD_SIMULATOR_STEP_UPLOAD);
}

/* GET of @url's path on the simulator's plain http host. */
static GBytes *
fetch_uploaded (Fixture    *fixture,
                const char *url)
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
test_upload_gives_a_served_https_link (Fixture       *fixture,
                                       gconstpointer  data)
{
  g_autofree char *path = write_image (fixture, "photo.jpg", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SdUpload) upload = upload_path (fixture, path, SD_UPLOAD_KIND_IMAGE, &error);
  g_autoptr(GBytes) served = NULL;
  g_autoptr(GBytes) original = resource_bytes (IMAGE_RESOURCE);
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
  g_assert_cmpuint (strlen (sd_upload_get_sha256 (upload)), ==, 64);
  g_assert_cmpint (sd_upload_get_expires_at (upload), >=, now + SD_UPLOAD_LIFETIME_S - 5);
  g_assert_cmpint (sd_upload_get_expires_at (upload), <=, now + SD_UPLOAD_LIFETIME_S + 5);
  g_assert_cmpuint (upload_requests (fixture), ==, 1);
  g_assert_cmpstr (sd_simulator_get_auth_seen (fixture->sim, "127.0.0.1"), ==, bearer);

  served = fetch_uploaded (fixture, sd_upload_get_url (upload));
  g_assert_true (g_bytes_equal (served, original));
}

static void
test_too_large_is_refused_before_sending (Fixture       *fixture,
                                          gconstpointer  data)
{
  g_autofree char *path = write_sparse_image (fixture, "huge.jpg", SD_UPLOAD_MAX_SIZE + 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(SdUpload) upload = upload_path (fixture, path, SD_UPLOAD_KIND_IMAGE, &error);

  g_assert_null (upload);
  g_assert_error (error, SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "huge.jpg"));
  g_assert_nonnull (strstr (error->message, "100 MB"));
  g_assert_cmpuint (upload_requests (fixture), ==, 0);
}

static void
test_type_comes_from_the_content (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autofree char *text = write_text_file (fixture, "photo.png", "<html>not a picture</html>");
  g_autofree char *image_as_video = write_image (fixture, "clip.mp4", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) kind_error = NULL;
  g_autoptr(SdUpload) upload = upload_path (fixture, text, SD_UPLOAD_KIND_IMAGE, &error);
  g_autoptr(SdUpload) video = upload_path (fixture, image_as_video, SD_UPLOAD_KIND_VIDEO, &kind_error);

  g_assert_null (upload);
  g_assert_error (error, SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_WRONG_TYPE);
  g_assert_nonnull (strstr (error->message, "photo.png"));
  g_assert_nonnull (strstr (error->message, "JPEG, PNG"));

  /* a JPEG named .mp4 is a JPEG: not a reference video */
  g_assert_null (video);
  g_assert_error (kind_error, SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_WRONG_TYPE);
  g_assert_nonnull (strstr (kind_error->message, "clip.mp4"));
  g_assert_nonnull (strstr (kind_error->message, "image/jpeg"));
  g_assert_nonnull (strstr (kind_error->message, "a video"));
  g_assert_cmpuint (upload_requests (fixture), ==, 0);
}

static void
test_simulator_checks_the_type_itself (Fixture       *fixture,
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
test_no_endpoint_is_said_once_per_base (Fixture       *fixture,
                                        gconstpointer  data)
{
  g_autofree char *path = write_image (fixture, "photo.jpg", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) again = NULL;
  g_autoptr(SdUpload) first = NULL;
  g_autoptr(SdUpload) second = NULL;

  sd_simulator_set_fault (fixture->sim, SD_SIMULATOR_STEP_UPLOAD, SD_SIMULATOR_FAULT_NO_ENDPOINT, 0);
  first = upload_path (fixture, path, SD_UPLOAD_KIND_IMAGE, &error);
  g_assert_null (first);
  g_assert_error (error, SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_UNSUPPORTED);
  g_assert_cmpstr (error->message, ==,
                   "This server does not accept uploads; use links, or set an upload service in Preferences.");
  g_assert_cmpuint (upload_requests (fixture), ==, 1);

  /* remembered for this base URL: not asked again */
  second = upload_path (fixture, path, SD_UPLOAD_KIND_IMAGE, &again);
  g_assert_null (second);
  g_assert_error (again, SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_UNSUPPORTED);
  g_assert_cmpuint (upload_requests (fixture), ==, 1);
}

static void
test_undocumented_answer_means_no_endpoint (Fixture       *fixture,
                                            gconstpointer  data)
{
  g_autofree char *path = write_image (fixture, "photo.jpg", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SdUpload) upload = NULL;

  sd_simulator_set_fault (fixture->sim, SD_SIMULATOR_STEP_UPLOAD, SD_SIMULATOR_FAULT_MALFORMED_JSON, 1);
  upload = upload_path (fixture, path, SD_UPLOAD_KIND_IMAGE, &error);
  g_assert_null (upload);
  g_assert_error (error, SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_UNSUPPORTED);
}

static void
test_server_too_large_is_refused (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autofree char *path = write_image (fixture, "photo.jpg", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SdUpload) upload = NULL;

  sd_simulator_set_fault (fixture->sim, SD_SIMULATOR_STEP_UPLOAD, SD_SIMULATOR_FAULT_TOO_LARGE, 1);
  upload = upload_path (fixture, path, SD_UPLOAD_KIND_IMAGE, &error);
  g_assert_null (upload);
  g_assert_error (error, SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "413"));
  g_assert_cmpuint (upload_requests (fixture), ==, 1);
}

static void
test_failure_after_the_body_is_not_resent (Fixture       *fixture,
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
      g_autofree char *path = write_image (fixture, name, extra);
      g_autoptr(GError) error = NULL;
      g_autoptr(SdUpload) upload = NULL;
      guint before = upload_requests (fixture);

      sd_simulator_set_fault (fixture->sim, SD_SIMULATOR_STEP_UPLOAD, faults[i], 1);
      upload = upload_path (fixture, path, SD_UPLOAD_KIND_IMAGE, &error);
      g_assert_null (upload);
      g_assert_error (error, SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_FAILED);
      g_assert_nonnull (strstr (error->message, name));
      g_assert_nonnull (strstr (error->message, "not sent again"));
      sd_test_run_for (300);
      g_assert_cmpuint (upload_requests (fixture), ==, before + 1);
    }
}

static void
test_rate_limit_is_waited_out (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autofree char *path = write_image (fixture, "photo.jpg", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SdUpload) upload = NULL;

  sd_simulator_set_retry_after (fixture->sim, 1);
  sd_simulator_set_fault (fixture->sim, SD_SIMULATOR_STEP_UPLOAD, SD_SIMULATOR_FAULT_RATE_LIMITED, 1);
  upload = upload_path (fixture, path, SD_UPLOAD_KIND_IMAGE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (sd_upload_get_url (upload));
  g_assert_cmpuint (upload_requests (fixture), ==, 2);
}

/* The cache */

static void
test_same_file_is_uploaded_once (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autofree char *path = write_image (fixture, "photo.jpg", NULL);
  g_autofree char *copy = write_image (fixture, "same-bytes-other-name.jpg", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SdUpload) first = upload_path (fixture, path, SD_UPLOAD_KIND_IMAGE, &error);
  g_autoptr(SdUpload) second = NULL;
  g_autoptr(SdUpload) third = NULL;
  g_autoptr(SdUploader) later = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (copy);
  g_autoptr(GAsyncResult) result = NULL;

  g_assert_no_error (error);
  second = upload_path (fixture, copy, SD_UPLOAD_KIND_IMAGE, &error);
  g_assert_no_error (error);
  g_assert_true (sd_upload_get_cached (second));
  g_assert_cmpstr (sd_upload_get_url (second), ==, sd_upload_get_url (first));
  g_assert_cmpint (sd_upload_get_expires_at (second), ==, sd_upload_get_expires_at (first));
  g_assert_cmpuint (upload_requests (fixture), ==, 1);

  /* the cache is on disk: another run of the app finds it */
  g_assert_true (g_file_test (fixture->cache_path, G_FILE_TEST_EXISTS));
  later = sd_uploader_new (fixture->client, fixture->cache_path);
  sd_uploader_upload_async (later, file, SD_UPLOAD_KIND_IMAGE, NULL, sd_test_store_result_cb, &result);
  sd_test_wait_until (sd_test_result_arrived, &result, 30, "the upload");
  third = sd_uploader_upload_finish (later, result, &error);
  g_assert_no_error (error);
  g_assert_true (sd_upload_get_cached (third));
  g_assert_cmpuint (upload_requests (fixture), ==, 1);
}

/* Two uploads of one file at the same time: one request, both get its link. */
static void
test_concurrent_same_file_is_one_request (Fixture       *fixture,
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
  g_assert_cmpstr (sd_upload_get_sha256 (second), ==, sd_upload_get_sha256 (first));
  g_assert_nonnull (sd_upload_get_sha256 (first));
  g_assert_cmpuint (upload_requests (fixture), ==, 1);
  g_assert_cmpuint (sd_simulator_get_n_uploads (fixture->sim), ==, 1);
}

/* The one that sends is cancelled: the other still gets a link, sent by
 * itself; the one that waits is cancelled: the sending one goes on. */
static void
test_concurrent_upload_survives_the_other_cancel (Fixture       *fixture,
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
test_memo_skips_the_rehash (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autofree char *path = write_image (fixture, "memo.jpg", "abc");
  g_autoptr(GError) error = NULL;
  g_autoptr(SdUpload) first = upload_path (fixture, path, SD_UPLOAD_KIND_IMAGE, &error);
  g_autoptr(SdUpload) second = NULL;
  g_autoptr(SdUpload) third = NULL;

  g_assert_no_error (error);
  g_assert_false (sd_upload_get_cached (first));
  overwrite_keeping_size_and_time (path, TRUE);

  /* another run of the app: the memo is on disk with the cache */
  g_clear_object (&fixture->uploader);
  fixture->uploader = sd_uploader_new (fixture->client, fixture->cache_path);
  second = upload_path (fixture, path, SD_UPLOAD_KIND_IMAGE, &error);
  g_assert_no_error (error);
  g_assert_true (sd_upload_get_cached (second));
  g_assert_cmpstr (sd_upload_get_url (second), ==, sd_upload_get_url (first));
  g_assert_cmpstr (sd_upload_get_sha256 (second), ==, sd_upload_get_sha256 (first));
  g_assert_cmpuint (upload_requests (fixture), ==, 1);

  overwrite_keeping_size_and_time (path, FALSE);
  third = upload_path (fixture, path, SD_UPLOAD_KIND_IMAGE, &error);
  g_assert_no_error (error);
  g_assert_false (sd_upload_get_cached (third));
  g_assert_cmpstr (sd_upload_get_sha256 (third), !=, sd_upload_get_sha256 (first));
  g_assert_cmpuint (upload_requests (fixture), ==, 2);
}

/* The SHA-256 given with the link is of the bytes sent (hashed as they
 * were sent, the file read once). */
static void
test_sha256_is_of_the_bytes_sent (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autofree char *path = write_image (fixture, "hashed.jpg", "xyz");
  g_autofree char *contents = NULL;
  g_autofree char *expected = NULL;
  gsize length = 0;
  g_autoptr(GError) error = NULL;
  g_autoptr(SdUpload) upload = upload_path (fixture, path, SD_UPLOAD_KIND_IMAGE, &error);

  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  expected = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);
  g_assert_cmpstr (sd_upload_get_sha256 (upload), ==, expected);
}

static void
test_expired_link_is_uploaded_again (Fixture       *fixture,
                                     gconstpointer  data)
{
  g_autofree char *path = write_image (fixture, "photo.jpg", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SdUpload) first = upload_path (fixture, path, SD_UPLOAD_KIND_IMAGE, &error);
  g_autoptr(SdUpload) second = NULL;

  g_assert_no_error (error);
  sd_uploader_set_link_lifetime (fixture->uploader, 0);
  second = upload_path (fixture, path, SD_UPLOAD_KIND_IMAGE, &error);
  g_assert_no_error (error);
  g_assert_false (sd_upload_get_cached (second));
  g_assert_cmpstr (sd_upload_get_url (second), !=, sd_upload_get_url (first));
  g_assert_cmpuint (upload_requests (fixture), ==, 2);
}

static void
test_cache_is_per_base_url (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autofree char *path = write_image (fixture, "photo.jpg", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SdUpload) first = upload_path (fixture, path, SD_UPLOAD_KIND_IMAGE, &error);
  g_autoptr(SdSimulator) other = sd_simulator_new (fixture->catalog, &error);
  g_autoptr(SdUpload) second = NULL;

  g_assert_no_error (error);
  sd_client_set_base_url (fixture->client, sd_simulator_get_base_url (other));
  second = upload_path (fixture, path, SD_UPLOAD_KIND_IMAGE, &error);
  g_assert_no_error (error);
  g_assert_false (sd_upload_get_cached (second));
  g_assert_cmpuint (sd_simulator_get_request_count (other, SD_SIMULATOR_STEP_UPLOAD), ==, 1);
  g_assert_cmpuint (upload_requests (fixture), ==, 1);
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

static void
test_large_file_is_streamed_with_progress (Fixture       *fixture,
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

  upload = sd_uploader_upload_async (fixture->uploader, file, SD_UPLOAD_KIND_IMAGE, NULL,
                                     sd_test_store_result_cb, &result);
  g_signal_connect (upload, "notify::bytes-sent", G_CALLBACK (on_bytes_sent_cb), &progress);
  sd_test_wait_until (sd_test_result_arrived, &result, 120, "the 50 MB upload");
  done = sd_uploader_upload_finish (fixture->uploader, result, &error);
  g_assert_no_error (error);

  /* told in several steps as it was sent, never all at once (the steps
   * are as many as the main loop takes, not one per write) */
  g_assert_cmpuint (progress.partials, >=, 2);
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
test_upload_can_be_cancelled (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autofree char *path = write_sparse_image (fixture, "large.jpg", 20 * 1024 * 1024);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SdUpload) done = NULL;
  SdUpload *upload;

  upload = sd_uploader_upload_async (fixture->uploader, file, SD_UPLOAD_KIND_IMAGE, NULL,
                                     sd_test_store_result_cb, &result);
  g_signal_connect (upload, "notify::bytes-sent", G_CALLBACK (on_progress_cancel_cb), NULL);
  sd_test_wait_until (sd_test_result_arrived, &result, 60, "the cancelled upload");
  done = sd_uploader_upload_finish (fixture->uploader, result, &error);
  g_assert_null (done);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (sd_simulator_get_n_uploads (fixture->sim), ==, 0);
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
test_at_most_two_at_once (Fixture       *fixture,
                          gconstpointer  data)
{
  GAsyncResult *results[5] = { NULL };
  Slots slots = { 0 };

  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      g_autofree char *name = g_strdup_printf ("photo-%u.jpg", i);
      g_autofree char *extra = g_strdup_printf ("%u", i);
      g_autofree char *path = write_image (fixture, name, extra);
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
  g_assert_cmpuint (upload_requests (fixture), ==, G_N_ELEMENTS (results));
}

static void
test_queued_upload_cancels_at_once (Fixture       *fixture,
                                    gconstpointer  data)
{
  GAsyncResult *busy[2] = { NULL };
  SdUpload *busy_uploads[2] = { NULL };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SdUpload) done = NULL;
  g_autofree char *third_path = write_image (fixture, "third.jpg", "third");
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
      g_autofree char *path = write_image (fixture, name, extra);
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
resolve (Fixture    *fixture,
         SdRequest  *request,
         GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sd_uploader_resolve_request_async (fixture->uploader, request, NULL, sd_test_store_result_cb, &result);
  sd_test_wait_until (sd_test_result_arrived, &result, 60, "the request's uploads");
  return sd_uploader_resolve_request_finish (fixture->uploader, result, error);
}

static void
test_request_local_files_become_links (Fixture       *fixture,
                                       gconstpointer  data)
{
  g_autofree char *photo = write_image (fixture, "photo.jpg", NULL);
  g_autofree char *frame = write_image (fixture, "frame.jpg", "frame");
  g_autofree char *frame_uri = g_filename_to_uri (frame, NULL, NULL);
  g_autoptr(GBytes) video = resource_bytes (VIDEO_RESOURCE);
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
  g_assert_cmpuint (upload_requests (fixture), ==, 3);
}

static void
test_request_failure_names_field_and_item (Fixture       *fixture,
                                           gconstpointer  data)
{
  g_autofree char *photo = write_image (fixture, "photo.jpg", NULL);
  g_autofree char *text = write_text_file (fixture, "notes.png", "just text");
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
test_own_service_gets_its_secret_not_the_token (Fixture       *fixture,
                                                gconstpointer  data)
{
  Service service = { .answer = "{\"status\": 200, \"files\": [{\"link\": \"https://i.example.net/x.jpg\"}]}" };
  g_autofree char *path = write_image (fixture, "photo.jpg", NULL);
  g_autoptr(SdUploadService) config = NULL;
  g_autoptr(SdUpload) upload = NULL;
  g_autoptr(GError) error = NULL;

  service_start (&service);
  config = sd_upload_service_new (service.url, "image", "X-Upload-Key", "s3cret",
                                  "files.0.link", &error);
  g_assert_no_error (error);
  sd_uploader_set_service (fixture->uploader, config);
  upload = upload_path (fixture, path, SD_UPLOAD_KIND_IMAGE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sd_upload_get_url (upload), ==, "https://i.example.net/x.jpg");
  g_assert_cmpuint (service.requests, ==, 1);
  g_assert_null (service.authorization);
  g_assert_cmpstr (service.secret, ==, "s3cret");
  g_assert_cmpstr (service.field, ==, "image");
  g_assert_cmpuint (upload_requests (fixture), ==, 0);
  service_stop (&service);
}

static void
test_own_service_answer_without_link_is_an_error (Fixture       *fixture,
                                                  gconstpointer  data)
{
  Service service = { .answer = "{\"data\": {\"link\": \"ftp://x/y.jpg\"}}" };
  g_autofree char *path = write_image (fixture, "photo.jpg", NULL);
  g_autoptr(SdUploadService) missing = NULL;
  g_autoptr(SdUploadService) bad_scheme = NULL;
  g_autoptr(SdUpload) upload = NULL;
  g_autoptr(GError) error = NULL;

  service_start (&service);
  missing = sd_upload_service_new (service.url, NULL, NULL, NULL, "data.url", &error);
  g_assert_no_error (error);
  sd_uploader_set_service (fixture->uploader, missing);
  upload = upload_path (fixture, path, SD_UPLOAD_KIND_IMAGE, &error);
  g_assert_null (upload);
  g_assert_error (error, SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_BAD_LINK);
  g_assert_nonnull (strstr (error->message, "data.url"));
  g_clear_error (&error);

  bad_scheme = sd_upload_service_new (service.url, NULL, NULL, NULL, "data.link", &error);
  sd_uploader_set_service (fixture->uploader, bad_scheme);
  upload = upload_path (fixture, path, SD_UPLOAD_KIND_IMAGE, &error);
  g_assert_null (upload);
  g_assert_error (error, SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_BAD_LINK);
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

static void
test_privacy_notice_is_acknowledged_once (Fixture       *fixture,
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
test_cli_upload_json_shape (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autofree char *path = write_image (fixture, "a.png", NULL);
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
test_cli_upload_failure_exits_1 (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autofree char *good = write_image (fixture, "a.png", NULL);
  g_autofree char *bad = write_text_file (fixture, "b.png", "text, not a picture");
  g_autoptr(Run) run = run_in (fixture->dir, (const char * const []) {
                                 "--demo", "upload", "a.png", "b.png", NULL });
  g_autoptr(Run) none = run_cli ("--demo", "upload");

  g_assert_cmpint (run->status, ==, SD_CLI_EXIT_FAILURE);
  g_assert_true (g_str_has_prefix (run->out, "https://127.0.0.1:"));
  g_assert_nonnull (strstr (run->err, "b.png"));
  g_assert_cmpint (none->status, ==, SD_CLI_EXIT_USAGE);
}

static void
test_cli_privacy_notice_once (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autofree char *path = write_image (fixture, "a.png", NULL);
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
test_cli_demo_submit_local_image_wait (Fixture       *fixture,
                                       gconstpointer  data)
{
  g_autofree char *path = write_image (fixture, "photo.png", NULL);
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
test_cli_submit_with_a_bad_file_creates_nothing (Fixture       *fixture,
                                                 gconstpointer  data)
{
  g_autofree char *path = write_text_file (fixture, "photo.png", "not a picture");
  g_autoptr(Run) run = run_in (fixture->dir, (const char * const []) {
                                 "--demo", "submit", "--model", "seedance2.0-fast-i2v",
                                 "--prompt", "a red coat", "--image", "./photo.png", NULL });
  g_autoptr(Run) list = run_cli ("--demo", "list", "--json");

  g_assert_cmpint (run->status, ==, SD_CLI_EXIT_FAILURE);
  g_assert_nonnull (strstr (run->err, "images, item 1"));
  g_assert_nonnull (strstr (run->err, "photo.png"));
  g_assert_null (strstr (list->out, "a red coat"));
}

static void
add_fixture_test (const char *path,
                  void      (*func) (Fixture *, gconstpointer))
{
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down);
}

static void
use_file_keyring (void)
{
  g_autofree char *dir = g_dir_make_tmp ("seedance-keyring-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "keyring", NULL);

  g_setenv ("SECRET_BACKEND", "file", TRUE);
  g_setenv ("SECRET_FILE_TEST_PATH", path, TRUE);
  g_setenv ("SECRET_FILE_TEST_PASSWORD", "test-password", TRUE);
  g_unsetenv ("SEEDANCE_API_TOKEN");
  g_unsetenv ("SEEDANCE_API_BASE");
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  use_file_keyring ();
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);

  add_fixture_test ("/upload/provider/gives-a-served-https-link", test_upload_gives_a_served_https_link);
  add_fixture_test ("/upload/check/too-large-before-sending", test_too_large_is_refused_before_sending);
  add_fixture_test ("/upload/check/type-from-the-content", test_type_comes_from_the_content);
  add_fixture_test ("/upload/simulator/checks-the-type", test_simulator_checks_the_type_itself);
  add_fixture_test ("/upload/server/no-endpoint-said-once", test_no_endpoint_is_said_once_per_base);
  add_fixture_test ("/upload/server/undocumented-answer-is-no-endpoint",
                    test_undocumented_answer_means_no_endpoint);
  add_fixture_test ("/upload/server/too-large", test_server_too_large_is_refused);
  add_fixture_test ("/upload/server/failure-after-body-not-resent",
                    test_failure_after_the_body_is_not_resent);
  add_fixture_test ("/upload/server/rate-limit-waited-out", test_rate_limit_is_waited_out);
  add_fixture_test ("/upload/cache/same-file-once", test_same_file_is_uploaded_once);
  add_fixture_test ("/upload/cache/expired-uploaded-again", test_expired_link_is_uploaded_again);
  add_fixture_test ("/upload/cache/per-base-url", test_cache_is_per_base_url);
  add_fixture_test ("/upload/cache/memo-skips-the-rehash", test_memo_skips_the_rehash);
  add_fixture_test ("/upload/stream/sha256-of-the-bytes-sent", test_sha256_is_of_the_bytes_sent);
  add_fixture_test ("/upload/queue/same-file-at-once-is-one-request",
                    test_concurrent_same_file_is_one_request);
  add_fixture_test ("/upload/queue/same-file-survives-a-cancel",
                    test_concurrent_upload_survives_the_other_cancel);
  add_fixture_test ("/upload/stream/large-file-with-progress", test_large_file_is_streamed_with_progress);
  add_fixture_test ("/upload/stream/cancel", test_upload_can_be_cancelled);
  add_fixture_test ("/upload/queue/at-most-two", test_at_most_two_at_once);
  add_fixture_test ("/upload/queue/cancel-while-queued", test_queued_upload_cancels_at_once);
  add_fixture_test ("/upload/request/local-files-become-links", test_request_local_files_become_links);
  add_fixture_test ("/upload/request/failure-names-field-and-item",
                    test_request_failure_names_field_and_item);
  g_test_add_func ("/upload/request/local-references", test_local_references_are_recognised);
  add_fixture_test ("/upload/service/secret-not-token", test_own_service_gets_its_secret_not_the_token);
  add_fixture_test ("/upload/service/answer-without-link", test_own_service_answer_without_link_is_an_error);
  g_test_add_func ("/upload/service/https-only", test_own_service_must_be_https);
  g_test_add_func ("/upload/service/config-file", test_own_service_from_the_config_file);
  g_test_add_func ("/upload/service/settings", test_own_service_from_settings);
  g_test_add_func ("/upload/check/formats-by-magic-numbers", test_formats_by_magic_numbers);
  add_fixture_test ("/upload/privacy/acknowledged-once", test_privacy_notice_is_acknowledged_once);
  add_fixture_test ("/upload/cli/upload-json-shape", test_cli_upload_json_shape);
  add_fixture_test ("/upload/cli/upload-failure-exits-1", test_cli_upload_failure_exits_1);
  add_fixture_test ("/upload/cli/privacy-notice-once", test_cli_privacy_notice_once);
  add_fixture_test ("/upload/cli/demo-submit-local-image-wait", test_cli_demo_submit_local_image_wait);
  add_fixture_test ("/upload/cli/submit-bad-file-creates-nothing",
                    test_cli_submit_with_a_bad_file_creates_nothing);

  return g_test_run ();
}

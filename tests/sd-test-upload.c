/* sd-test-upload.c: what the upload suites share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "sd-test-upload.h"
#include "sd-test-util.h"

#include <locale.h>

#include "sd-simulator-test.h"


void
sd_test_upload_init (int    *argc,
                     char ***argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  sd_test_init_isolated (argc, argv);
  sd_test_use_file_keyring ();
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
}

static void
fixture_set_up (SdTestUpload  *fixture,
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
fixture_tear_down (SdTestUpload  *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->uploader);
  g_clear_object (&fixture->client);
  g_clear_object (&fixture->sim);
  g_clear_object (&fixture->catalog);
  g_free (fixture->cache_path);
  g_free (fixture->dir);
}

void
sd_test_upload_add (const char  *path,
                    void       (*func) (SdTestUpload *, gconstpointer))
{
  g_test_add (path, SdTestUpload, NULL, fixture_set_up, func, fixture_tear_down);
}

GBytes *
sd_test_upload_resource (const char *path)
{
  g_autoptr(GError) error = NULL;
  GBytes *bytes = g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE, &error);

  g_assert_no_error (error);
  return bytes;
}

char *
sd_test_upload_write_image (SdTestUpload *fixture,
                            const char   *name,
                            const char   *extra)
{
  g_autoptr(GBytes) image = sd_test_upload_resource (SD_TEST_IMAGE_RESOURCE);
  g_autoptr(GString) data = g_string_new_len (g_bytes_get_data (image, NULL),
                                              g_bytes_get_size (image));
  char *path = g_build_filename (fixture->dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_string_append (data, extra != NULL ? extra : "");
  g_file_set_contents (path, data->str, data->len, &error);
  g_assert_no_error (error);
  return path;
}

char *
sd_test_upload_write_text (SdTestUpload *fixture,
                           const char   *name,
                           const char   *text)
{
  char *path = g_build_filename (fixture->dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
  return path;
}

SdUpload *
sd_test_upload_path (SdTestUpload  *fixture,
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

guint
sd_test_upload_requests (SdTestUpload *fixture)
{
  return sd_simulator_get_request_count (fixture->sim, SD_SIMULATOR_STEP_UPLOAD);
}

/* test-continue.c: a new request from a task's last frame
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-continue"

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "sd-catalog.h"
#include "sd-client.h"
#include "sd-continue.h"
#include "sd-model.h"
#include "sd-simulator-test.h"
#include "sd-test-util.h"

#define VIDEO_RESOURCE "/io/github/seedancestudio/SeedanceStudio/core/sample.mp4"

typedef struct
{
  SdCatalog   *catalog;
  SdSimulator *sim;
  SdClient    *client;
  SdUploader  *uploader;
  char        *dir;
  char        *video_path;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) video = g_resources_lookup_data (VIDEO_RESOURCE, 0, &error);
  g_autofree char *cache_path = NULL;

  g_assert_no_error (error);
  fixture->catalog = sd_catalog_new ();
  fixture->sim = sd_simulator_new (fixture->catalog, &error);
  g_assert_no_error (error);
  fixture->client = sd_client_new (sd_simulator_get_base_url (fixture->sim),
                                   sd_simulator_get_token (fixture->sim));
  fixture->dir = g_dir_make_tmp ("continue-test-XXXXXX", &error);
  g_assert_no_error (error);
  cache_path = g_build_filename (fixture->dir, "uploads.json", NULL);
  fixture->uploader = sd_uploader_new (fixture->client, cache_path);
  fixture->video_path = g_build_filename (fixture->dir, "take.mp4", NULL);
  g_file_set_contents (fixture->video_path, g_bytes_get_data (video, NULL),
                       g_bytes_get_size (video), &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->uploader);
  g_clear_object (&fixture->client);
  g_clear_object (&fixture->sim);
  g_clear_object (&fixture->catalog);
  g_free (fixture->video_path);
  g_free (fixture->dir);
}

/* A completed task of @model with the ratio 16:9, saved at @local_file. */
static SdTask *
completed_task (const char *id,
                const char *model,
                const char *local_file)
{
  g_autoptr(SdRequest) request = sd_request_new ();
  SdTask *task;

  sd_request_set_model (request, model);
  sd_request_set_prompt (request, "a lighthouse at dusk");
  sd_request_set_ratio (request, "16:9");
  task = sd_task_new (id, request);
  sd_task_set_status (task, SD_TASK_STATUS_COMPLETED, "succeeded");
  sd_task_set_local_file (task, local_file);
  return task;
}

static SdRequest *
prepare_with (Fixture     *fixture,
              SdUploader  *uploader,
              SdTask      *task,
              const char  *model_id,
              char       **note,
              GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sd_continue_prepare_async (task, fixture->catalog, uploader, model_id, NULL,
                             sd_test_store_result_cb, &result);
  sd_test_wait_until (sd_test_result_arrived, &result, 30, "the continuation");
  return sd_continue_prepare_finish (result, note, error);
}

static SdRequest *
prepare (Fixture     *fixture,
         SdTask      *task,
         const char  *model_id,
         char       **note,
         GError     **error)
{
  return prepare_with (fixture, fixture->uploader, task, model_id, note, error);
}

static void
test_last_frame_is_uploaded_once (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(SdTask) task = completed_task ("vid_parent", "seedance2.0-fast-i2v", fixture->video_path);
  g_autoptr(SdRequest) first = NULL;
  g_autoptr(SdRequest) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *png = NULL;
  gsize png_length = 0;
  g_autofree char *frame_path = sd_continue_frame_path ("vid_parent");
  g_autofree char *note = NULL;
  g_autofree char *link_prefix = g_strdup_printf ("https://127.0.0.1:");

  first = prepare (fixture, task, NULL, &note, &error);
  g_assert_no_error (error);
  g_assert_nonnull (first);
  g_assert_null (note);
  g_assert_cmpstr (sd_request_get_model (first), ==, "seedance2.0-fast-i2v");
  g_assert_cmpstr (sd_request_get_ratio (first), ==, "16:9");
  g_assert_cmpstr (sd_request_get_prompt (first) != NULL ? sd_request_get_prompt (first) : "", ==, "");
  g_assert_true (g_str_has_prefix (sd_request_get_first_image (first), link_prefix));
  g_assert_nonnull (strstr (sd_request_get_first_image (first), "/uploads/"));
  g_assert_null (sd_request_get_last_image (first));
  g_assert_cmpuint (sd_simulator_get_n_uploads (fixture->sim), ==, 1);

  /* The frame is kept where the brief says, as a PNG of the video's size. */
  g_assert_true (g_str_has_prefix (frame_path, g_get_user_cache_dir ()));
  g_assert_true (g_str_has_suffix (frame_path, "/seedance-studio/frames/vid_parent.png"));
  g_file_get_contents (frame_path, &png, &png_length, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (png_length, >, 24);
  g_assert_cmpmem (png, 8, "\x89PNG\r\n\x1a\n", 8);
  g_assert_cmpmem (png + 12, 4, "IHDR", 4);
  /* the sample video is 640 × 360: the frame is full size */
  g_assert_cmpuint (GUINT32_FROM_BE (*(guint32 *) (png + 16)), ==, 640);
  g_assert_cmpuint (GUINT32_FROM_BE (*(guint32 *) (png + 20)), ==, 360);

  /* A second continue finds the same frame in the upload cache. */
  second = prepare (fixture, task, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sd_request_get_first_image (second), ==, sd_request_get_first_image (first));
  g_assert_cmpuint (sd_simulator_get_n_uploads (fixture->sim), ==, 1);
}

/* Without an uploader the frame is a local file of the request, its
 * file:// URI, for the composer to upload as any file the user adds;
 * nothing is sent. The rest of the request is the same. */
static void
test_without_uploader_the_frame_is_a_local_file (Fixture       *fixture,
                                                 gconstpointer  data)
{
  g_autoptr(SdTask) task = completed_task ("vid_local", "seedance2.0-md", fixture->video_path);
  g_autoptr(SdRequest) request = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *frame_path = sd_continue_frame_path ("vid_local");
  g_autofree char *frame_uri = g_filename_to_uri (frame_path, NULL, NULL);
  g_autofree char *note = NULL;

  g_unlink (frame_path);
  request = prepare_with (fixture, NULL, task, NULL, &note, &error);
  g_assert_no_error (error);
  g_assert_nonnull (request);
  g_assert_cmpstr (sd_request_get_first_image (request), ==, frame_uri);
  file = sd_upload_local_file_for_reference (sd_request_get_first_image (request));
  g_assert_nonnull (file);
  g_assert_cmpstr (g_file_peek_path (file), ==, frame_path);
  g_assert_true (g_file_test (frame_path, G_FILE_TEST_IS_REGULAR));
  g_assert_null (sd_request_get_last_image (request));
  g_assert_cmpstr (sd_request_get_ratio (request), ==, "16:9");
  /* the model still is the nearest that takes a first frame */
  g_assert_nonnull (note);
  g_assert_cmpstr (sd_request_get_model (request), !=, "seedance2.0-md");
  g_assert_cmpuint (sd_simulator_get_n_uploads (fixture->sim), ==, 0);
  g_assert_cmpuint (sd_simulator_get_request_count (fixture->sim, SD_SIMULATOR_STEP_UPLOAD), ==, 0);
}

static void
test_no_saved_video_is_refused (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autofree char *missing = g_build_filename (fixture->dir, "gone.mp4", NULL);
  SdTask *tasks[] = {
    completed_task ("vid_a", "seedance2.0-fast-i2v", NULL),
    completed_task ("vid_b", "seedance2.0-fast-i2v", missing),
    completed_task ("vid_c", "seedance2.0-fast-i2v", fixture->video_path),
  };

  sd_task_set_status (tasks[2], SD_TASK_STATUS_PROCESSING, "processing");
  for (guint i = 0; i < G_N_ELEMENTS (tasks); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SdRequest) request = prepare (fixture, tasks[i], NULL, NULL, &error);

      g_assert_error (error, SD_CONTINUE_ERROR, SD_CONTINUE_ERROR_NO_VIDEO);
      g_assert_null (request);
      g_assert_nonnull (strstr (error->message, sd_task_get_id (tasks[i])));
      g_object_unref (tasks[i]);
    }
  g_assert_cmpuint (sd_simulator_get_n_uploads (fixture->sim), ==, 0);
}

static void
test_a_model_without_first_frame_is_refused (Fixture       *fixture,
                                             gconstpointer  data)
{
  g_autoptr(SdTask) task = completed_task ("vid_p", "seedance2.0-fast-i2v", fixture->video_path);
  /* asset:// images only; both frames required */
  const char *refused[] = { "sd2_mx_720p", "seedance2.0-md", "no-such-model" };

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SdRequest) request = prepare (fixture, task, refused[i], NULL, &error);

      g_assert_error (error, SD_CONTINUE_ERROR, SD_CONTINUE_ERROR_NO_FIRST_FRAME);
      g_assert_nonnull (strstr (error->message, refused[i]));
      g_assert_null (request);
    }
  g_assert_cmpuint (sd_simulator_get_n_uploads (fixture->sim), ==, 0);
}

/* A parent model that takes no first frame as a link: the nearest that
 * does is used, and the note names both. */
static void
test_nearest_model_is_said (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(SdTask) task = completed_task ("vid_md", "seedance2.0-md", fixture->video_path);
  g_autoptr(SdRequest) request = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *note = NULL;
  SdModel *parent = sd_catalog_lookup (fixture->catalog, "seedance2.0-md");
  SdModel *chosen;

  request = prepare (fixture, task, NULL, &note, &error);
  g_assert_no_error (error);
  chosen = sd_catalog_lookup (fixture->catalog, sd_request_get_model (request));
  g_assert_nonnull (chosen);
  g_assert_true (chosen != parent);
  g_assert_true (sd_continue_model_takes_first_frame (chosen));
  g_assert_nonnull (note);
  g_assert_nonnull (strstr (note, sd_model_get_display_name (parent)));
  g_assert_nonnull (strstr (note, sd_model_get_display_name (chosen)));
  g_assert_cmpstr (sd_request_get_ratio (request), ==, "16:9");
}

/* A video that is no video, and a frames folder that cannot be made: a
 * FRAME error naming the cause, and nothing uploaded. */
static void
test_unreadable_frame_or_folder_is_an_error (Fixture       *fixture,
                                             gconstpointer  data)
{
  g_autofree char *garbage = g_build_filename (fixture->dir, "garbage.mp4", NULL);
  g_autofree char *frame_path = sd_continue_frame_path ("vid_ok");
  g_autofree char *frames_dir = g_path_get_dirname (frame_path);
  g_autofree char *cache_dir = g_path_get_dirname (frames_dir);
  g_autoptr(SdTask) broken = completed_task ("vid_broken", "seedance2.0-fast-i2v", garbage);
  g_autoptr(SdTask) fine = completed_task ("vid_ok", "seedance2.0-fast-i2v", fixture->video_path);
  g_autoptr(SdRequest) request = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (garbage, "not a video at all", -1, NULL));
  request = prepare (fixture, broken, NULL, NULL, &error);
  g_assert_error (error, SD_CONTINUE_ERROR, SD_CONTINUE_ERROR_FRAME);
  g_assert_nonnull (strstr (error->message, "vid_broken"));
  g_assert_null (request);
  g_clear_error (&error);

  /* "frames" is a file: the folder cannot be made */
  g_assert_cmpint (g_mkdir_with_parents (cache_dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (frames_dir, "", 0, NULL));
  request = prepare (fixture, fine, NULL, NULL, &error);
  g_assert_error (error, SD_CONTINUE_ERROR, SD_CONTINUE_ERROR_FRAME);
  g_assert_nonnull (strstr (error->message, "vid_ok.png"));
  g_assert_null (request);
  g_assert_cmpuint (sd_simulator_get_n_uploads (fixture->sim), ==, 0);
}

static void
test_pick_model_rules (void)
{
  g_autoptr(SdCatalog) catalog = sd_catalog_new ();
  g_autoptr(SdRequest) parent = sd_request_new ();
  SdModel *model;

  /* a model of resolutions keeps its family and resolution when it can */
  sd_request_set_model (parent, "seedance2.0-fast-sp");
  sd_request_set_resolution (parent, "1080p");
  model = sd_continue_pick_model (catalog, parent, NULL);
  g_assert_cmpstr (sd_model_get_id (model), ==, "seedance2.0-fast-sp");

  /* asset:// only (the sd2_mx family): another family, taking https */
  sd_request_set_model (parent, "sd2_mx_720p");
  sd_request_set_resolution (parent, NULL);
  model = sd_continue_pick_model (catalog, parent, NULL);
  g_assert_nonnull (model);
  g_assert_true (sd_model_get_image_schemes (model) & SD_URL_SCHEME_HTTPS);
  g_assert_false (sd_model_get_frames_need_both (model));

  g_assert_null (sd_continue_pick_model (catalog, parent, "seedance2.0-fast-md"));
  g_assert_nonnull (sd_continue_pick_model (catalog, parent, "seedance2.0-std"));
}

static void
test_frame_path_is_safe (void)
{
  g_autofree char *path = sd_continue_frame_path ("../../etc/x y");
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *expected_dir = g_build_filename (g_get_user_cache_dir (), "seedance-studio",
                                                    "frames", NULL);

  g_assert_cmpstr (dir, ==, expected_dir);
  g_assert_cmpstr (base, ==, "______etc_x_y.png");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/continue/last-frame-is-uploaded-once", test_last_frame_is_uploaded_once);
  ADD ("/continue/without-uploader-the-frame-is-a-local-file", test_without_uploader_the_frame_is_a_local_file);
  ADD ("/continue/no-saved-video-is-refused", test_no_saved_video_is_refused);
  ADD ("/continue/model-without-first-frame-is-refused", test_a_model_without_first_frame_is_refused);
  ADD ("/continue/nearest-model-is-said", test_nearest_model_is_said);
  ADD ("/continue/unreadable-frame-or-folder-is-an-error", test_unreadable_frame_or_folder_is_an_error);
#undef ADD
  g_test_add_func ("/continue/pick-model-rules", test_pick_model_rules);
  g_test_add_func ("/continue/frame-path-is-safe", test_frame_path_is_safe);
  return g_test_run ();
}

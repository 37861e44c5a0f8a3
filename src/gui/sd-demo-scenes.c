/* sd-demo-scenes.c: the screenshot scenes and the first-frame report
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-demo-scenes"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sd-demo-scenes.h"
#include "sd-demo.h"
#include "sd-first-frame.h"
#include "sd-service.h"
#include "sd-uploader.h"

/* The first-frame report ------------------------------------------------- */

static void
on_first_frame_painted_cb (GdkFrameClock *clock,
                           GApplication  *application)
{
  g_signal_handlers_disconnect_by_func (clock, on_first_frame_painted_cb, application);

  sd_first_frame_report ();

  if (g_strcmp0 (g_getenv ("SEEDANCE_STUDIO_EXIT_AFTER_FIRST_FRAME"), "1") == 0)
    g_application_quit (application);
}

static void
on_window_realized_cb (GtkWidget    *window,
                       GApplication *application)
{
  g_signal_handlers_disconnect_by_func (window, on_window_realized_cb, application);
  g_signal_connect_object (gtk_widget_get_frame_clock (window), "after-paint",
                           G_CALLBACK (on_first_frame_painted_cb), application, 0);
}

void
sd_demo_scenes_watch_first_frame (GApplication *application,
                                  SdWindow     *window)
{
  g_return_if_fail (G_IS_APPLICATION (application));
  g_return_if_fail (SD_IS_WINDOW (window));

  if (g_strcmp0 (g_getenv ("SEEDANCE_STUDIO_REPORT_FIRST_FRAME"), "1") == 0)
    g_signal_connect_object (window, "realize",
                             G_CALLBACK (on_window_realized_cb), application, 0);
}

/* Screenshot scenes ------------------------------------------------------ */

typedef struct
{
  SdWindow  *window;
  GPtrArray *requests;
  guint      next;
  GPtrArray *tasks;        /* (nullable): kept for the "compare" scene */
} SceneData;

static void
scene_data_free (SceneData *data)
{
  g_clear_object (&data->window);
  g_clear_pointer (&data->requests, g_ptr_array_unref);
  g_clear_pointer (&data->tasks, g_ptr_array_unref);
  g_free (data);
}

static SdRequest *
make_sample_request (SdWindow   *window,
                     const char *prompt)
{
  SdSimulator *simulator = sd_demo_get_simulator (sd_window_get_context (window));
  SdComposer *composer = sd_window_get_composer (window);
  SdRequest *request = sd_request_copy (sd_composer_get_request (composer));
  g_autoptr(GStrvBuilder) images = g_strv_builder_new ();
  g_auto(GStrv) urls = NULL;

  /* The simulator's own pictures: their thumbnails show. */
  for (guint i = 0; i < sd_simulator_get_n_sample_images (simulator); i++)
    g_strv_builder_add (images, sd_simulator_get_sample_image_url (simulator, i));
  urls = g_strv_builder_end (images);

  sd_request_set_prompt (request, prompt);
  sd_request_set_first_image (request, NULL);
  sd_request_set_last_image (request, NULL);
  sd_request_set_images (request, (const char * const *) urls);
  return request;
}

static void submit_next_scene_task (SceneData *data);

static void
on_scene_task_submitted_cb (GObject      *source,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  SceneData *data = user_data;
  g_autoptr(SdTask) task = NULL;
  g_autoptr(GError) error = NULL;
  SdSimulator *simulator = sd_demo_get_simulator (sd_window_get_context (data->window));

  task = sd_service_submit_finish (SD_SERVICE (source), result, &error);
  if (task == NULL)
    {
      g_warning ("Screenshot scene: %s", error->message);
      scene_data_free (data);
      return;
    }

  if (data->tasks != NULL)
    g_ptr_array_add (data->tasks, g_object_ref (task));
  /* Older tasks get further along: finished, then processing, then queued. */
  if (data->next < data->requests->len)
    sd_simulator_advance_clock (simulator, data->next + 1 < data->requests->len ? 20000 : 5000);

  submit_next_scene_task (data);
}

/* "compare": once both takes are saved, they open side by side. */
static gboolean
compare_when_saved_cb (gpointer user_data)
{
  SceneData *data = user_data;
  g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();
  g_auto(GStrv) strv = NULL;

  for (guint i = 0; i < data->tasks->len; i++)
    {
      SdTask *task = g_ptr_array_index (data->tasks, i);

      if (sd_task_get_local_file (task) == NULL ||
          sd_task_get_download_state (task) != SD_DOWNLOAD_STATE_DONE)
        return G_SOURCE_CONTINUE;
      g_strv_builder_add (ids, sd_task_get_id (task));
    }
  strv = g_strv_builder_end (ids);
  gtk_widget_activate_action_variant (GTK_WIDGET (data->window), "win.compare-tasks",
                                      g_variant_new_strv ((const char * const *) strv, -1));
  return G_SOURCE_REMOVE;
}

static void
submit_next_scene_task (SceneData *data)
{
  SdService *service = sd_context_get_service (sd_window_get_context (data->window));

  if (data->next >= data->requests->len && data->tasks != NULL)
    {
      SdSimulator *simulator = sd_demo_get_simulator (sd_window_get_context (data->window));

      sd_simulator_advance_clock (simulator, 60000);
      g_timeout_add_full (G_PRIORITY_DEFAULT, 250, compare_when_saved_cb, data,
                          (GDestroyNotify) scene_data_free);
      return;
    }
  if (data->next >= data->requests->len)
    {
      scene_data_free (data);
      return;
    }

  sd_service_submit_async (service, g_ptr_array_index (data->requests, data->next++),
                           NULL, on_scene_task_submitted_cb, data);
}

static void
submit_sample_tasks (SdWindow *window,
                     gboolean  compare)
{
  const char *prompts[] = {
    _("A paper boat drifts down a rain gutter, macro shot"),
    _("Fail: a glass city melts into the sea at dawn"),
    _("A lighthouse keeper climbs the spiral stairs, warm lantern light, slow dolly up"),
    _("A fox runs through fresh snow at sunrise, low tracking shot"),
    _("Koi fish circle under lotus leaves, top-down, soft ripples"),
  };
  SceneData *data = g_new0 (SceneData, 1);
  SdSimulator *simulator = sd_demo_get_simulator (sd_window_get_context (window));

  sd_simulator_set_manual_clock (simulator, TRUE);
  sd_simulator_set_timing (simulator, 3000, 12000);

  data->window = g_object_ref (window);
  data->requests = g_ptr_array_new_with_free_func (g_object_unref);
  if (compare)
    {
      /* two takes of one shot, told apart by the camera */
      g_ptr_array_add (data->requests, make_sample_request (window, prompts[3]));
      g_ptr_array_add (data->requests,
                       make_sample_request (window, _("A fox runs through fresh snow at sunrise, wide drone shot")));
      data->tasks = g_ptr_array_new_with_free_func (g_object_unref);
    }
  else
    for (guint i = 0; i < G_N_ELEMENTS (prompts); i++)
      g_ptr_array_add (data->requests, make_sample_request (window, prompts[i]));

  submit_next_scene_task (data);
}

/* The sample pictures written to the cache, as a user's own files. */
static GStrv
write_local_samples (void)
{
  static const char * const names[] = { "red-coat.jpg", "umbrella.jpg" };
  g_autofree char *dir = g_build_filename (g_get_user_cache_dir (), "seedance-studio", "scene", NULL);
  g_autoptr(GStrvBuilder) uris = g_strv_builder_new ();

  g_mkdir_with_parents (dir, 0700);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *resource = g_strconcat ("/io/github/seedancestudio/SeedanceStudio/core/sample-images/",
                                               names[i], NULL);
      g_autoptr(GBytes) bytes = g_resources_lookup_data (resource, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
      g_autofree char *path = g_build_filename (dir, names[i], NULL);
      g_autofree char *uri = g_filename_to_uri (path, NULL, NULL);

      if (bytes != NULL && g_file_set_contents (path, g_bytes_get_data (bytes, NULL),
                                                g_bytes_get_size (bytes), NULL))
        g_strv_builder_add (uris, uri);
    }
  return g_strv_builder_end (uris);
}

/* "local-files": a draft with two files of the user's, uploaded on add;
 * "failed-check": one link of three is dead, and Generate said so. */
static void
load_media_scene (SdWindow   *window,
                  SdRequest  *request,
                  const char *scene)
{
  SdComposer *composer = sd_window_get_composer (window);
  SdSimulator *simulator = sd_demo_get_simulator (sd_window_get_context (window));

  if (g_str_equal (scene, "local-files"))
    {
      g_auto(GStrv) files = write_local_samples ();
      const char *images[] = { sd_simulator_get_sample_image_url (simulator, 0), NULL, NULL, NULL };

      for (guint i = 0; files[i] != NULL && i < 2; i++)
        images[i + 1] = files[i];
      /* the notice was acknowledged before: the files upload as they come */
      sd_uploader_acknowledge_privacy (sd_context_get_uploader (sd_window_get_context (window)));
      sd_request_set_images (request, images);
      sd_composer_load_request (composer, request);
      return;
    }

  {
    const char *first = sd_simulator_get_sample_image_url (simulator, 0);
    /* a picture the simulator does not have, beside its own */
    g_autofree char *folder = g_strndup (first, strrchr (first, '/') - first);
    g_autofree char *dead = g_strconcat (folder, "/beach-at-dusk.jpg", NULL);
    const char *images[] = { first, dead,
                             sd_simulator_get_sample_image_url (simulator, 2), NULL };

    sd_request_set_images (request, images);
    sd_composer_load_request (composer, request);
    gtk_widget_activate_action (GTK_WIDGET (composer), "composer.generate", NULL);
  }
}

void
sd_demo_scenes_run (SdWindow *window)
{
  const char *scene = g_getenv ("SEEDANCE_STUDIO_SCREENSHOT_SCENE");
  g_autoptr(SdRequest) request = NULL;

  g_return_if_fail (SD_IS_WINDOW (window));

  if (scene == NULL || sd_demo_get_simulator (sd_window_get_context (window)) == NULL)
    return;

  /* the pictures show the app as it is used, not the demo's own notice */
  sd_window_set_notice (window, SD_NOTICE_DEMO, NULL);

  if (g_str_equal (scene, "dark"))
    adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                        ADW_COLOR_SCHEME_FORCE_DARK);
  if (g_str_equal (scene, "results") || g_str_equal (scene, "dark") ||
      g_str_equal (scene, "compare"))
    submit_sample_tasks (window, g_str_equal (scene, "compare"));

  request = make_sample_request (window, _("A girl in a red coat turns around in the rain, "
                                           "neon signs reflected on the wet street, "
                                           "slow push-in, cinematic"));
  if (g_str_equal (scene, "local-files") || g_str_equal (scene, "failed-check"))
    {
      load_media_scene (window, request, scene);
      return;
    }
  sd_composer_load_request (sd_window_get_composer (window), request);
}

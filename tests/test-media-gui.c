/* test-media-gui.c: local files in the composer, uploaded and checked
 * before Generate sends, against the demo simulator, under Xvfb
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "sd-composer-test.h"
#include "sd-context.h"
#include "sd-demo.h"
#include "sd-gui-resources.h"
#include "sd-media-list.h"
#include "sd-media-row.h"
#include "sd-preferences-upload.h"
#include "sd-simulator-test.h"

/* The desktop's MIME database, which the isolated XDG dirs would hide from
 * the image loaders' type sniffing (the spinner's icon, the thumbnails). */
static char **mime_dirs;

static void
remember_mime_dirs (void)
{
  const char * const *data_dirs = g_get_system_data_dirs ();
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; data_dirs[i] != NULL; i++)
    {
      g_autofree char *dir = g_build_filename (data_dirs[i], "mime", NULL);

      g_strv_builder_add (builder, dir);
    }
  mime_dirs = g_strv_builder_end (builder);
}

typedef struct
{
  SdContext  *context;
  SdSimulator *simulator;
  GtkWidget  *window;
  SdComposer *composer;
  SdTask     *submitted;
  guint       no_uploads;   /* win.no-uploads activations */
  char       *no_uploads_text;
  char       *dir;
} Fixture;

static void
on_submitted_cb (SdComposer *composer,
                 SdTask     *task,
                 Fixture    *fixture)
{
  g_set_object (&fixture->submitted, task);
}

static void
on_no_uploads_cb (GSimpleAction *action,
                  GVariant      *parameter,
                  Fixture       *fixture)
{
  fixture->no_uploads++;
  g_free (fixture->no_uploads_text);
  fixture->no_uploads_text = g_variant_dup_string (parameter, NULL);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSimpleActionGroup) group = g_simple_action_group_new ();
  g_autoptr(GSimpleAction) action = g_simple_action_new ("no-uploads", G_VARIANT_TYPE_STRING);

  g_content_type_set_mime_dirs ((const char * const *) mime_dirs);
  fixture->context = sd_demo_context_new (&error);
  g_assert_no_error (error);
  fixture->simulator = sd_demo_get_simulator (fixture->context);
  if (sd_simulator_get_tls_base_url (fixture->simulator) == NULL)
    return;
  fixture->dir = g_dir_make_tmp ("sd-media-gui-XXXXXX", &error);
  g_assert_no_error (error);

  fixture->composer = SD_COMPOSER (sd_composer_new (fixture->context));
  fixture->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 400, 800);
  gtk_window_set_child (GTK_WINDOW (fixture->window), GTK_WIDGET (fixture->composer));
  /* the window's notice, as SdWindow has it */
  g_signal_connect (action, "activate", G_CALLBACK (on_no_uploads_cb), fixture);
  g_action_map_add_action (G_ACTION_MAP (group), G_ACTION (action));
  gtk_widget_insert_action_group (fixture->window, "win", G_ACTION_GROUP (group));
  gtk_window_present (GTK_WINDOW (fixture->window));
  g_signal_connect (fixture->composer, "submitted", G_CALLBACK (on_submitted_cb), fixture);

  sd_composer_select_model (fixture->composer, "seedance2.0-md");
  gtk_text_buffer_set_text (sd_composer_get_prompt_buffer (fixture->composer),
                            "a cat turns its head", -1);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  if (fixture->window != NULL)
    gtk_window_destroy (GTK_WINDOW (fixture->window));
  g_clear_object (&fixture->submitted);
  for (guint i = 0; i < 200 && g_main_context_iteration (NULL, FALSE); i++)
    ;
  g_clear_object (&fixture->context);
  g_free (fixture->no_uploads_text);
  g_free (fixture->dir);
}

static gboolean
skip_without_tls (Fixture *fixture)
{
  if (fixture->composer != NULL)
    return FALSE;
  g_test_skip ("No TLS backend: the simulator serves no https:// links");
  return TRUE;
}

/* A real PNG of @size px on disk; returns its path. */
static char *
write_png (Fixture    *fixture,
           const char *name,
           int         size)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, size, size);
  g_autoptr(GdkTexture) texture = NULL;
  char *path = g_build_filename (fixture->dir, name, NULL);

  gdk_pixbuf_fill (pixbuf, 0x3366ccff);
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  texture = gdk_texture_new_for_pixbuf (pixbuf);
  G_GNUC_END_IGNORE_DEPRECATIONS
  g_assert_true (gdk_texture_save_to_png (texture, path));
  return path;
}

static SdMediaList *
images_list (Fixture *fixture)
{
  for (GtkWidget *w = gtk_widget_get_first_child (GTK_WIDGET (fixture->composer)); w != NULL; )
    {
      GtkWidget *next;

      if (SD_IS_MEDIA_LIST (w) && sd_media_list_get_kind (SD_MEDIA_LIST (w)) == SD_MEDIA_KIND_IMAGES)
        return SD_MEDIA_LIST (w);
      /* depth first */
      next = gtk_widget_get_first_child (w);
      while (next == NULL && w != NULL)
        {
          next = gtk_widget_get_next_sibling (w);
          if (next == NULL)
            {
              w = gtk_widget_get_parent (w);
              if (w == GTK_WIDGET (fixture->composer))
                return NULL;
            }
        }
      w = next;
    }
  return NULL;
}

/* Runs Generate until a task came back or the composer said why not,
 * answering the privacy or "send anyway" question with @answer. */
static void
generate (Fixture    *fixture,
          const char *answer,
          guint      *n_dialogs)
{
  g_clear_object (&fixture->submitted);
  g_assert_true (sd_composer_get_can_generate (fixture->composer));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->composer), "composer.generate", NULL));
  while (fixture->submitted == NULL)
    {
      GtkWindow *dialog = sd_composer_get_media_dialog (fixture->composer);

      if (dialog != NULL)
        {
          if (n_dialogs != NULL)
            (*n_dialogs)++;
          adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), answer);
          continue;
        }
      /* stopped: Generate is back, or off with the reason by it */
      if (sd_composer_get_can_generate (fixture->composer) ||
          *sd_composer_get_generate_hint_text (fixture->composer) != '\0')
        break;
      g_main_context_iteration (NULL, TRUE);
    }
}

static void
test_local_png_uploads_and_generates (Fixture       *fixture,
                                      gconstpointer  data)
{
  g_autofree char *path = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *prefix = NULL;
  SdMediaRow *row;
  guint n_dialogs = 0;
  const char * const *sent;

  if (skip_without_tls (fixture))
    return;

  path = write_png (fixture, "photo.png", 64);
  uri = g_filename_to_uri (path, NULL, NULL);
  g_assert_cmpuint (sd_composer_add_image_text (fixture->composer, path), ==, 1);
  g_assert_cmpstr (sd_composer_get_images_message_text (fixture->composer), ==, "");
  g_assert_cmpstr (sd_composer_get_problem_text (fixture->composer, "images"), ==, "");
  row = sd_media_list_get_row (images_list (fixture), 0);
  g_assert_nonnull (row);
  g_assert_cmpstr (sd_media_row_get_url (row), ==, uri);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "photo.png");

  generate (fixture, "go", &n_dialogs);
  g_assert_nonnull (fixture->submitted);
  /* the privacy notice, once */
  g_assert_cmpuint (n_dialogs, ==, 1);
  g_assert_true (sd_uploader_get_privacy_acknowledged (sd_composer_get_uploader (fixture->composer)));
  sent = sd_request_get_images (sd_task_get_request (fixture->submitted));
  g_assert_nonnull (sent);
  prefix = g_strconcat (sd_simulator_get_tls_base_url (fixture->simulator), "/uploads/", NULL);
  g_assert_true (g_str_has_prefix (sent[0], prefix));
  g_assert_true (g_str_has_prefix (sd_media_row_get_status (row), "Uploaded · until "));
  g_assert_cmpuint (sd_simulator_get_n_uploads (fixture->simulator), ==, 1);
  /* nothing lost: the draft keeps the file */
  g_assert_cmpstr (sd_request_get_images (sd_composer_get_request (fixture->composer))[0], ==, uri);

  /* the row shows the file itself as its thumbnail */
  {
    GtkImage *thumbnail = GTK_IMAGE (gtk_widget_get_template_child (GTK_WIDGET (row), SD_TYPE_MEDIA_ROW, "thumbnail"));
    gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

    while (gtk_image_get_storage_type (thumbnail) != GTK_IMAGE_PAINTABLE && g_get_monotonic_time () < end)
      g_main_context_iteration (NULL, FALSE);
    g_assert_cmpint (gtk_image_get_storage_type (thumbnail), ==, GTK_IMAGE_PAINTABLE);
  }

  /* again: no question, no second upload (the cache) */
  n_dialogs = 0;
  generate (fixture, "go", &n_dialogs);
  g_assert_nonnull (fixture->submitted);
  g_assert_cmpuint (n_dialogs, ==, 0);
  g_assert_cmpuint (sd_simulator_get_n_uploads (fixture->simulator), ==, 1);
}

static void
test_privacy_refused_sends_nothing (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autofree char *path = NULL;

  if (skip_without_tls (fixture))
    return;

  path = write_png (fixture, "photo.png", 32);
  sd_composer_add_image_text (fixture->composer, path);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->composer), "composer.generate", NULL));
  g_assert_nonnull (sd_composer_get_media_dialog (fixture->composer));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (sd_composer_get_media_dialog (fixture->composer)), "cancel");
  g_assert_null (sd_composer_get_media_dialog (fixture->composer));
  g_assert_true (sd_composer_get_can_generate (fixture->composer));
  g_assert_false (sd_uploader_get_privacy_acknowledged (sd_composer_get_uploader (fixture->composer)));
  g_assert_cmpuint (sd_simulator_get_n_uploads (fixture->simulator), ==, 0);
  g_assert_cmpuint (sd_simulator_get_task_count (fixture->simulator), ==, 0);
}

static void
test_wrong_type_shows_on_the_row (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autofree char *path = NULL;
  SdMediaRow *row;

  if (skip_without_tls (fixture))
    return;

  /* text with an image's name: the content decides */
  path = g_build_filename (fixture->dir, "notes.png", NULL);
  g_assert_true (g_file_set_contents (path, "just some notes\n", -1, NULL));
  sd_uploader_acknowledge_privacy (sd_composer_get_uploader (fixture->composer));
  sd_composer_add_image_text (fixture->composer, path);
  generate (fixture, "go", NULL);

  g_assert_null (fixture->submitted);
  row = sd_media_list_get_row (images_list (fixture), 0);
  g_assert_nonnull (sd_media_row_get_problem (row));
  g_assert_nonnull (strstr (sd_composer_get_generate_hint_text (fixture->composer), "notes.png"));
  g_assert_cmpuint (sd_simulator_get_n_uploads (fixture->simulator), ==, 0);
  g_assert_cmpuint (sd_simulator_get_task_count (fixture->simulator), ==, 0);
  /* the file stays */
  g_assert_cmpuint (g_strv_length ((char **) sd_request_get_images (sd_composer_get_request (fixture->composer))), ==, 1);
}

static void
test_too_large_shows_on_the_row (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  int fd;

  if (skip_without_tls (fixture))
    return;

  /* a sparse file over 100 MB, a PNG by its first bytes */
  path = write_png (fixture, "huge.png", 8);
  fd = open (path, O_WRONLY);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, SD_UPLOAD_MAX_SIZE + 1), ==, 0);
  close (fd);
  sd_uploader_acknowledge_privacy (sd_composer_get_uploader (fixture->composer));
  sd_composer_add_image_text (fixture->composer, path);
  generate (fixture, "go", NULL);

  g_assert_null (fixture->submitted);
  g_assert_nonnull (sd_media_row_get_problem (sd_media_list_get_row (images_list (fixture), 0)));
  g_assert_nonnull (strstr (sd_composer_get_generate_hint_text (fixture->composer), "huge.png"));
  g_assert_cmpuint (sd_simulator_get_request_count (fixture->simulator, SD_SIMULATOR_STEP_UPLOAD), ==, 0);
  g_assert_cmpuint (sd_simulator_get_task_count (fixture->simulator), ==, 0);
}

static void
test_no_upload_endpoint_says_so_once (Fixture       *fixture,
                                      gconstpointer  data)
{
  g_autofree char *path = NULL;

  if (skip_without_tls (fixture))
    return;

  path = write_png (fixture, "photo.png", 16);
  sd_uploader_acknowledge_privacy (sd_composer_get_uploader (fixture->composer));
  sd_simulator_set_fault (fixture->simulator, SD_SIMULATOR_STEP_UPLOAD, SD_SIMULATOR_FAULT_NO_ENDPOINT, 0);
  sd_composer_add_image_text (fixture->composer, path);

  generate (fixture, "go", NULL);
  g_assert_null (fixture->submitted);
  g_assert_cmpuint (fixture->no_uploads, ==, 1);
  g_assert_nonnull (strstr (fixture->no_uploads_text, "does not accept uploads"));
  /* the file stays in the draft, Generate can be tried again */
  g_assert_cmpuint (g_strv_length ((char **) sd_request_get_images (sd_composer_get_request (fixture->composer))), ==, 1);
  g_assert_true (sd_composer_get_can_generate (fixture->composer));

  generate (fixture, "go", NULL);
  g_assert_null (fixture->submitted);
  g_assert_cmpuint (fixture->no_uploads, ==, 1);
  g_assert_cmpuint (sd_simulator_get_task_count (fixture->simulator), ==, 0);
}

static void
test_dead_link_is_refused_and_generate_stays_off (Fixture       *fixture,
                                                  gconstpointer  data)
{
  g_autofree char *dead = NULL;
  SdMediaRow *row;

  if (skip_without_tls (fixture))
    return;

  dead = sd_simulator_get_media_url (fixture->simulator, "gone.png");
  sd_composer_add_image_text (fixture->composer, dead);
  generate (fixture, "go", NULL);

  g_assert_null (fixture->submitted);
  g_assert_false (sd_composer_get_can_generate (fixture->composer));
  g_assert_nonnull (strstr (sd_composer_get_generate_hint_text (fixture->composer), "images"));
  g_assert_nonnull (strstr (sd_composer_get_generate_hint_text (fixture->composer), "gone.png"));
  row = sd_media_list_get_row (images_list (fixture), 0);
  g_assert_nonnull (sd_media_row_get_problem (row));
  g_assert_cmpuint (sd_simulator_get_task_count (fixture->simulator), ==, 0);

  /* a change of the draft lifts it */
  sd_composer_add_image_text (fixture->composer, sd_simulator_get_sample_image_url (fixture->simulator, 0));
  g_assert_true (sd_composer_get_can_generate (fixture->composer));
}

static void
test_timeout_is_sent_anyway_on_request (Fixture       *fixture,
                                        gconstpointer  data)
{
  g_autoptr(GBytes) png = NULL;
  g_autofree char *path = NULL;
  g_autofree char *slow = NULL;
  char *contents;
  gsize length;
  guint n_dialogs = 0;

  if (skip_without_tls (fixture))
    return;

  path = write_png (fixture, "slow.png", 16);
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  png = g_bytes_new_take (contents, length);
  sd_simulator_add_media (fixture->simulator, "slow.png", "image/png", png, length, 3000,
                          SD_SIMULATOR_MEDIA_NONE);
  sd_media_checker_set_timeout (sd_composer_get_media_checker (fixture->composer), 200);
  slow = sd_simulator_get_media_url (fixture->simulator, "slow.png");
  sd_composer_add_image_text (fixture->composer, slow);

  /* "Cancel" sends nothing */
  generate (fixture, "cancel", &n_dialogs);
  g_assert_cmpuint (n_dialogs, ==, 1);
  g_assert_null (fixture->submitted);
  g_assert_cmpuint (sd_simulator_get_task_count (fixture->simulator), ==, 0);
  g_assert_true (sd_composer_get_can_generate (fixture->composer));

  /* "Send anyway" sends */
  n_dialogs = 0;
  generate (fixture, "go", &n_dialogs);
  g_assert_cmpuint (n_dialogs, ==, 1);
  g_assert_nonnull (fixture->submitted);
}

static void
test_drop_and_paste_add_rows (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GtkEventController) target = NULL;
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, TRUE, 8, 20, 10);
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *pasted = NULL;
  GSList *list = NULL;
  GdkFileList *file_list;
  GValue value = G_VALUE_INIT;
  gboolean handled = FALSE;
  SdMediaList *images;
  g_auto(GStrv) urls = NULL;

  if (skip_without_tls (fixture))
    return;

  images = images_list (fixture);
  a = write_png (fixture, "a.png", 8);
  b = write_png (fixture, "b.png", 8);
  list = g_slist_append (list, g_file_new_for_path (a));
  list = g_slist_append (list, g_file_new_for_path (b));
  file_list = gdk_file_list_new_from_list (list);
  g_slist_free_full (list, g_object_unref);
  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_take_boxed (&value, file_list);
  target = g_object_ref_sink (sd_media_list_new_drop_target (images));
  g_signal_emit_by_name (target, "drop", &value, 1.0, 1.0, &handled);
  g_value_unset (&value);
  g_assert_true (handled);
  urls = sd_media_list_dup_urls (images);
  g_assert_cmpuint (g_strv_length (urls), ==, 2);
  g_assert_true (g_str_has_suffix (urls[0], "/a.png"));
  g_assert_true (g_str_has_prefix (urls[0], "file:///"));
  g_assert_cmpstr (sd_media_list_get_message_text (images), ==, "");

  /* a pasted picture becomes a PNG in the cache, then a row */
  gdk_pixbuf_fill (pixbuf, 0xff0000ff);
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  texture = gdk_texture_new_for_pixbuf (pixbuf);
  G_GNUC_END_IGNORE_DEPRECATIONS
  g_assert_true (sd_media_list_add_texture (images, texture, &error));
  g_assert_no_error (error);
  g_clear_pointer (&urls, g_strfreev);
  urls = sd_media_list_dup_urls (images);
  g_assert_cmpuint (g_strv_length (urls), ==, 3);
  pasted = g_filename_from_uri (urls[2], NULL, NULL);
  g_assert_nonnull (pasted);
  g_assert_true (g_str_has_prefix (pasted, g_get_user_cache_dir ()));
  g_assert_nonnull (strstr (pasted, "/seedance-studio/pasted/"));
  {
    g_autoptr(GdkTexture) back = gdk_texture_new_from_filename (pasted, &error);

    g_assert_no_error (error);
    g_assert_cmpint (gdk_texture_get_width (back), ==, 20);
    g_assert_cmpint (gdk_texture_get_height (back), ==, 10);
  }
  /* the three local files validate as the links they will be */
  g_assert_cmpstr (sd_composer_get_problem_text (fixture->composer, "images"), ==, "");
  g_assert_true (sd_composer_get_can_generate (fixture->composer));
}

static void
test_preferences_upload_service_https_only (Fixture       *fixture,
                                            gconstpointer  data)
{
  GSettings *settings = sd_context_get_settings (fixture->context);
  GtkWidget *group = g_object_ref_sink (sd_preferences_upload_group_new (fixture->context));
  g_autofree char *saved = NULL;

  sd_preferences_upload_group_apply (group, "http://img.example.com/api/upload", "X-API-Key", "s3cret");
  g_assert_nonnull (sd_preferences_upload_group_get_error (group));
  g_assert_nonnull (strstr (sd_preferences_upload_group_get_error (group), "https://"));
  saved = g_settings_get_string (settings, "upload-service-url");
  g_assert_cmpstr (saved, ==, "");

  sd_preferences_upload_group_apply (group, "https://img.example.com/api/upload", "X-API Key", "s3cret");
  g_assert_nonnull (strstr (sd_preferences_upload_group_get_error (group), "X-API Key"));

  /* loopback may be http:// */
  sd_preferences_upload_group_apply (group, "http://127.0.0.1:8080/upload", "X-API-Key", "s3cret");
  g_assert_null (sd_preferences_upload_group_get_error (group));
  g_clear_pointer (&saved, g_free);
  saved = g_settings_get_string (settings, "upload-service-url");
  g_assert_cmpstr (saved, ==, "http://127.0.0.1:8080/upload");
  g_clear_pointer (&saved, g_free);
  saved = g_settings_get_string (settings, "upload-service-header");
  g_assert_cmpstr (saved, ==, "X-API-Key");

  /* empty: off */
  sd_preferences_upload_group_apply (group, "", "", "");
  g_assert_null (sd_preferences_upload_group_get_error (group));
  g_clear_pointer (&saved, g_free);
  saved = g_settings_get_string (settings, "upload-service-url");
  g_assert_cmpstr (saved, ==, "");
  for (guint i = 0; i < 50 && g_main_context_iteration (NULL, FALSE); i++)
    ;
  g_object_unref (group);
}

int
main (int   argc,
      char *argv[])
{
  remember_mime_dirs ();
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  /* GTK 4.18 warns when a wrapping label is measured narrower than it asks
   * (not seen on 4.8); GTK logs through the structured API, which no fatal
   * handler can filter, so on that stack warnings are reported and only
   * criticals stay fatal. */
  if (gtk_check_version (4, 18, 0) == NULL)
    g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  gtk_init ();
  adw_init ();
  g_assert_nonnull (sd_gui_get_resource ());

#define ADD(path, func) \
  g_test_add ("/media-gui/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("local-png-uploads-once-and-the-task-has-the-https-link", test_local_png_uploads_and_generates);
  ADD ("privacy-notice-refused-sends-nothing", test_privacy_refused_sends_nothing);
  ADD ("wrong-type-shows-on-the-row-and-nothing-is-sent", test_wrong_type_shows_on_the_row);
  ADD ("too-large-shows-on-the-row-and-nothing-is-sent", test_too_large_shows_on_the_row);
  ADD ("server-without-uploads-says-so-once-and-keeps-the-file", test_no_upload_endpoint_says_so_once);
  ADD ("dead-link-is-refused-and-generate-stays-off", test_dead_link_is_refused_and_generate_stays_off);
  ADD ("timeout-is-sent-anyway-only-on-request", test_timeout_is_sent_anyway_on_request);
  ADD ("file-drop-and-pasted-picture-add-rows", test_drop_and_paste_add_rows);
  ADD ("preferences-upload-service-is-https-only-with-the-reason-shown", test_preferences_upload_service_https_only);

#undef ADD

  {
    int status = g_test_run ();

    g_strfreev (mime_dirs);
    return status;
  }
}

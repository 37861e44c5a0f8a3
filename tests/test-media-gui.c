/* test-media-gui.c: local files in the composer, uploaded and checked
 * before Generate sends, against the demo simulator, under Xvfb
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
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
#include "sd-test-gui.h"
#include "sd-uploader.h"
#include "sd-uploader-private.h"
#include <libsoup/soup.h>

typedef struct
{
  SdContext  *context;
  SdSimulator *simulator;
  GtkWidget  *window;
  SdComposer *composer;
  SdTask     *submitted;
  guint       no_uploads;   /* win.no-uploads activations */
  char       *no_uploads_text;
  guint       upload_cache; /* win.upload-cache activations */
  char       *upload_cache_text; /* the last one's sentence, NULL: none */
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
on_upload_cache_cb (GSimpleAction *action,
                    GVariant      *parameter,
                    Fixture       *fixture)
{
  g_autoptr(GVariant) sentence = g_variant_get_maybe (parameter);

  fixture->upload_cache++;
  g_clear_pointer (&fixture->upload_cache_text, g_free);
  if (sentence != NULL)
    fixture->upload_cache_text = g_variant_dup_string (sentence, NULL);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSimpleActionGroup) group = g_simple_action_group_new ();
  g_autoptr(GSimpleAction) action = g_simple_action_new ("no-uploads", G_VARIANT_TYPE_STRING);
  g_autoptr(GSimpleAction) cache_action = g_simple_action_new ("upload-cache", G_VARIANT_TYPE ("ms"));

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
  g_signal_connect (cache_action, "activate", G_CALLBACK (on_upload_cache_cb), fixture);
  g_action_map_add_action (G_ACTION_MAP (group), G_ACTION (cache_action));
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
  g_free (fixture->upload_cache_text);
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
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "Image 1 · photo.png");
  g_assert_cmpstr (sd_media_row_get_name (row), ==, "photo.png");

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

/* A service with a secret is saved once the secret is in the keyring. */
static void
wait_for_setting (GSettings  *settings,
                  const char *key,
                  const char *value)
{
  gint64 end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  for (;;)
    {
      g_autofree char *saved = g_settings_get_string (settings, key);

      if (g_strcmp0 (saved, value) == 0)
        return;
      if (g_get_monotonic_time () > end)
        g_error ("Gave up waiting for %s to be “%s”, it is “%s”", key, value, saved);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
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
  wait_for_setting (settings, "upload-service-url", "http://127.0.0.1:8080/upload");
  g_clear_pointer (&saved, g_free);
  saved = g_settings_get_string (settings, "upload-service-header");
  g_assert_cmpstr (saved, ==, "X-API-Key");

  /* a later save is not undone by an earlier one's secret coming late */
  sd_preferences_upload_group_apply (group, "https://img.example.com/upload", "X-API-Key", "other");
  sd_preferences_upload_group_apply (group, "https://img.example.com/second", "", "");
  g_clear_pointer (&saved, g_free);
  saved = g_settings_get_string (settings, "upload-service-url");
  g_assert_cmpstr (saved, ==, "https://img.example.com/second");
  for (guint i = 0; i < 50 && g_main_context_iteration (NULL, FALSE); i++)
    ;
  g_clear_pointer (&saved, g_free);
  saved = g_settings_get_string (settings, "upload-service-url");
  g_assert_cmpstr (saved, ==, "https://img.example.com/second");

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

/* Uploads on add ------------------------------------------------------------ */

static gboolean
upload_is_over (gpointer data)
{
  SdUpload *upload = data;

  return sd_upload_get_state (upload) == SD_UPLOAD_STATE_DONE ||
         sd_upload_get_state (upload) == SD_UPLOAD_STATE_FAILED;
}

static gboolean
G_SOURCE_CONTINUE_FUNC (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static void
wait_for (gboolean  (*done) (gpointer),
          gpointer    data,
          const char *what)
{
  gint64 end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  /* wakes the loop up, so that the limit holds when nothing happens */
  guint tick = g_timeout_add (50, (GSourceFunc) G_SOURCE_CONTINUE_FUNC, NULL);

  while (!done (data))
    {
      if (g_get_monotonic_time () > end)
        g_error ("Gave up waiting for %s", what);
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (tick);
}

/* A PNG of @size bytes: a real picture, then zeros (the type is the
 * content's, and the simulator takes it). */
static char *
write_large_png (Fixture    *fixture,
                 const char *name,
                 goffset     size)
{
  char *path = write_png (fixture, name, 16);

  g_assert_cmpint (truncate (path, size), ==, 0);
  return path;
}

static SdMediaRow *
first_row (Fixture *fixture)
{
  return sd_media_list_get_row (images_list (fixture), 0);
}

static gboolean
row_has_upload (gpointer data)
{
  return sd_media_row_get_upload (data) != NULL;
}

/* Once the privacy notice was acknowledged, a file added uploads at once,
 * with progress on its row; Generate then sends its link without a second
 * upload. */
static void
test_upload_starts_when_a_file_is_added (Fixture       *fixture,
                                         gconstpointer  data)
{
  g_autofree char *path = NULL;
  SdUpload *upload;
  guint n_dialogs = 0;

  if (skip_without_tls (fixture))
    return;

  sd_uploader_acknowledge_privacy (sd_composer_get_uploader (fixture->composer));
  path = write_png (fixture, "early.png", 32);
  g_assert_cmpuint (sd_composer_add_image_text (fixture->composer, path), ==, 1);
  wait_for (row_has_upload, first_row (fixture), "the upload on add");
  upload = sd_media_row_get_upload (first_row (fixture));
  wait_for (upload_is_over, upload, "the upload to end");
  g_assert_cmpint (sd_upload_get_state (upload), ==, SD_UPLOAD_STATE_DONE);
  g_assert_cmpuint (sd_simulator_get_n_uploads (fixture->simulator), ==, 1);
  g_assert_true (g_str_has_prefix (sd_media_row_get_status (first_row (fixture)), "Uploaded · until "));
  g_assert_null (fixture->submitted);

  generate (fixture, "go", &n_dialogs);
  g_assert_nonnull (fixture->submitted);
  g_assert_cmpuint (n_dialogs, ==, 0);
  g_assert_cmpuint (sd_simulator_get_n_uploads (fixture->simulator), ==, 1);
  g_assert_cmpstr (sd_request_get_images (sd_task_get_request (fixture->submitted))[0], ==,
                   sd_upload_get_url (upload));
}

static gboolean
cache_not_saved_was_said (gpointer data)
{
  Fixture *fixture = data;

  return fixture->upload_cache_text != NULL;
}

static gboolean
cache_saved_again_was_said (gpointer data)
{
  Fixture *fixture = data;

  return fixture->upload_cache > 1 && fixture->upload_cache_text == NULL;
}

/* Links that cannot be kept on disk (the cache file cannot be replaced)
 * are said in the window, once a save failed, and taken back once one
 * worked; the upload itself works either way. */
static void
test_cache_not_saved_is_said_in_the_window (Fixture       *fixture,
                                            gconstpointer  data)
{
  g_autofree char *cache = g_build_filename (g_get_user_cache_dir (), "seedance-studio",
                                             "uploads.json", NULL);
  g_autofree char *path = NULL;
  g_autofree char *other = NULL;
  SdUpload *upload;

  if (skip_without_tls (fixture))
    return;

  /* a folder where the file should be: nothing can replace it */
  g_assert_cmpint (g_mkdir_with_parents (cache, 0700), ==, 0);
  sd_uploader_acknowledge_privacy (sd_composer_get_uploader (fixture->composer));
  path = write_png (fixture, "kept.png", 24);
  g_assert_cmpuint (sd_composer_add_image_text (fixture->composer, path), ==, 1);
  wait_for (row_has_upload, first_row (fixture), "the upload on add");
  upload = sd_media_row_get_upload (first_row (fixture));
  wait_for (upload_is_over, upload, "the upload to end");
  g_assert_cmpint (sd_upload_get_state (upload), ==, SD_UPLOAD_STATE_DONE);
  wait_for (cache_not_saved_was_said, fixture, "the cache not saved, said");
  g_assert_cmpuint (fixture->upload_cache, ==, 1);
  g_assert_nonnull (strstr (fixture->upload_cache_text, cache));
  g_assert_nonnull (strstr (fixture->upload_cache_text, "could not be saved"));
  /* the reason alone, not GLib's sentence about its temporary file */
  g_assert_nonnull (strstr (fixture->upload_cache_text, g_strerror (EISDIR)));
  g_assert_null (strstr (fixture->upload_cache_text, "uploads.json."));

  g_assert_cmpint (g_rmdir (cache), ==, 0);
  other = write_png (fixture, "kept-too.png", 28);
  g_assert_cmpuint (sd_composer_add_image_text (fixture->composer, other), ==, 1);
  wait_for (cache_saved_again_was_said, fixture, "the cache saved again, said");
  g_assert_true (g_file_test (cache, G_FILE_TEST_IS_REGULAR));
}

static gboolean
upload_is_sending (gpointer data)
{
  return sd_upload_get_bytes_sent (data) > 0 || upload_is_over (data);
}

/* Generate while the file is still on its way waits for that upload: one
 * upload, not two. */
static void
test_generate_waits_for_the_upload_on_its_way (Fixture       *fixture,
                                               gconstpointer  data)
{
  g_autofree char *path = NULL;
  SdUpload *upload;

  if (skip_without_tls (fixture))
    return;

  sd_uploader_acknowledge_privacy (sd_composer_get_uploader (fixture->composer));
  path = write_large_png (fixture, "large.png", 30 * 1024 * 1024);
  g_assert_cmpuint (sd_composer_add_image_text (fixture->composer, path), ==, 1);
  wait_for (row_has_upload, first_row (fixture), "the upload on add");
  upload = g_object_ref (sd_media_row_get_upload (first_row (fixture)));
  g_assert_false (upload_is_over (upload));

  generate (fixture, "go", NULL);
  g_assert_nonnull (fixture->submitted);
  g_assert_cmpint (sd_upload_get_state (upload), ==, SD_UPLOAD_STATE_DONE);
  g_assert_cmpuint (sd_simulator_get_request_count (fixture->simulator, SD_SIMULATOR_STEP_UPLOAD), ==, 1);
  g_assert_cmpuint (sd_simulator_get_n_uploads (fixture->simulator), ==, 1);
  g_object_unref (upload);
}

/* Removing the row of a file on its way cancels its upload. */
static void
test_removing_the_row_cancels_its_upload (Fixture       *fixture,
                                          gconstpointer  data)
{
  g_autofree char *path = NULL;
  g_autoptr(SdUpload) upload = NULL;

  if (skip_without_tls (fixture))
    return;

  sd_uploader_acknowledge_privacy (sd_composer_get_uploader (fixture->composer));
  path = write_large_png (fixture, "removed.png", 60 * 1024 * 1024);
  /* the body waits after its first chunk until the cancel: else, on a
   * loaded machine, the sending thread sent it all before the row went */
  _sd_uploader_body_hold (TRUE);
  g_assert_cmpuint (sd_composer_add_image_text (fixture->composer, path), ==, 1);
  wait_for (row_has_upload, first_row (fixture), "the upload on add");
  upload = g_object_ref (sd_media_row_get_upload (first_row (fixture)));
  wait_for (upload_is_sending, upload, "the upload to send");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (first_row (fixture)), "row.remove", NULL));
  g_assert_null (first_row (fixture));
  wait_for (upload_is_over, upload, "the cancelled upload");
  _sd_uploader_body_hold (FALSE);
  g_assert_cmpint (sd_upload_get_state (upload), ==, SD_UPLOAD_STATE_FAILED);
  g_assert_true (g_error_matches (sd_upload_get_error (upload), G_IO_ERROR, G_IO_ERROR_CANCELLED));
  g_assert_cmpuint (sd_simulator_get_n_uploads (fixture->simulator), ==, 0);
}

/* A draft loaded with local files (reused, restored) uploads them too. */
static void
test_loaded_draft_uploads_its_files (Fixture       *fixture,
                                     gconstpointer  data)
{
  g_autofree char *path = NULL;
  g_autofree char *uri = NULL;
  g_autoptr(SdRequest) request = NULL;
  const char *images[] = { NULL, NULL };
  SdUpload *upload;

  if (skip_without_tls (fixture))
    return;

  sd_uploader_acknowledge_privacy (sd_composer_get_uploader (fixture->composer));
  path = write_png (fixture, "loaded.png", 20);
  uri = g_filename_to_uri (path, NULL, NULL);
  images[0] = uri;
  request = sd_request_copy (sd_composer_get_request (fixture->composer));
  sd_request_set_images (request, images);
  sd_composer_load_request (fixture->composer, request);
  wait_for (row_has_upload, first_row (fixture), "the upload of the loaded file");
  upload = sd_media_row_get_upload (first_row (fixture));
  wait_for (upload_is_over, upload, "the upload to end");
  g_assert_cmpint (sd_upload_get_state (upload), ==, SD_UPLOAD_STATE_DONE);
  g_assert_cmpuint (sd_simulator_get_n_uploads (fixture->simulator), ==, 1);
}

typedef struct
{
  GtkWidget *progress;
  gboolean   shown;
  Fixture   *fixture;
} FrameWatch;

static void
on_progress_visible_cb (GtkWidget  *progress,
                        GParamSpec *pspec,
                        FrameWatch *watch)
{
  watch->shown |= gtk_widget_get_visible (progress);
}

static gboolean
frame_upload_over (gpointer data)
{
  FrameWatch *watch = data;

  return watch->shown && !gtk_widget_get_visible (watch->progress) &&
         sd_simulator_get_n_uploads (watch->fixture->simulator) == 1;
}

/* The composer's switch, as the user does; the mode is remembered in the
 * settings, which the next tests share: switched back, it is reset. */
static void
set_frame_mode (Fixture  *fixture,
                gboolean  frames)
{
  GtkWidget *toggle = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (fixture->composer),
                                                                 SD_TYPE_COMPOSER, "frames_toggle"));

  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (toggle), frames);
  if (!frames)
    g_settings_reset (sd_context_get_settings (fixture->context), "last-frame-mode");
}

/* A frame's local file uploads on add too, with progress on its row. */
static void
test_frame_shows_its_upload (Fixture       *fixture,
                             gconstpointer  data)
{
  SdMediaList *list;
  g_autofree char *path = NULL;
  FrameWatch watch = { NULL, FALSE, fixture };

  if (skip_without_tls (fixture))
    return;

  sd_uploader_acknowledge_privacy (sd_composer_get_uploader (fixture->composer));
  list = images_list (fixture);
  set_frame_mode (fixture, TRUE);
  g_assert_true (sd_media_list_get_frame_mode (list));
  watch.progress = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (list), SD_TYPE_MEDIA_LIST,
                                                              "first_frame_progress"));
  g_assert_false (gtk_widget_get_visible (watch.progress));
  g_signal_connect (watch.progress, "notify::visible", G_CALLBACK (on_progress_visible_cb), &watch);
  path = write_large_png (fixture, "first.png", 40 * 1024 * 1024);
  g_assert_cmpuint (sd_media_list_add_text (list, path), ==, 1);
  wait_for (frame_upload_over, &watch, "the frame's upload, with progress");
  g_signal_handlers_disconnect_by_data (watch.progress, &watch);
  /* it says so under the frames, and the row's tooltip is the link */
  g_assert_cmpint (sd_upload_get_state (sd_media_list_get_frame_upload (list, FALSE)), ==,
                   SD_UPLOAD_STATE_DONE);
  g_assert_true (g_str_has_prefix (sd_media_list_get_frame_status (list, FALSE),
                                   "First frame: Uploaded · until "));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (list),
                                                                                         SD_TYPE_MEDIA_LIST,
                                                                                         "first_frame_row"))),
                   ==, sd_upload_get_url (sd_media_list_get_frame_upload (list, FALSE)));
  g_assert_cmpstr (sd_composer_lookup_link (fixture->composer, path), ==,
                   sd_upload_get_url (sd_media_list_get_frame_upload (list, FALSE)));
  g_assert_cmpstr (sd_media_list_get_frame_status (list, TRUE), ==, "");
  set_frame_mode (fixture, FALSE);
}

static gboolean
frame_upload_failed (gpointer data)
{
  SdUpload *upload = sd_media_list_get_frame_upload (data, FALSE);

  return upload != NULL && sd_upload_get_state (upload) == SD_UPLOAD_STATE_FAILED;
}

/* A frame's upload that fails says why under the frames, in error style;
 * the file stays the frame. */
static void
test_frame_upload_error_stays_on_its_row (Fixture       *fixture,
                                          gconstpointer  data)
{
  SdMediaList *list;
  GtkWidget *status;
  GtkWidget *cancel;
  g_autofree char *path = NULL;
  g_autofree char *uri = NULL;
  const char *said;

  if (skip_without_tls (fixture))
    return;

  sd_uploader_acknowledge_privacy (sd_composer_get_uploader (fixture->composer));
  sd_simulator_set_fault (fixture->simulator, SD_SIMULATOR_STEP_UPLOAD, SD_SIMULATOR_FAULT_NO_ENDPOINT, 0);
  list = images_list (fixture);
  set_frame_mode (fixture, TRUE);
  g_assert_true (sd_media_list_get_frame_mode (list));
  status = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (list), SD_TYPE_MEDIA_LIST, "first_frame_status"));
  cancel = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (list), SD_TYPE_MEDIA_LIST, "first_frame_cancel"));
  path = write_png (fixture, "refused.png", 16);
  uri = g_filename_to_uri (path, NULL, NULL);
  g_assert_cmpuint (sd_media_list_add_text (list, path), ==, 1);
  wait_for (frame_upload_failed, list, "the frame's upload to fail");
  said = sd_media_list_get_frame_status (list, FALSE);
  g_assert_true (g_str_has_prefix (said, "First frame: "));
  g_assert_nonnull (strstr (said, "does not accept uploads"));
  g_assert_true (gtk_widget_has_css_class (status, "error"));
  g_assert_false (gtk_widget_get_visible (cancel));
  g_assert_null (sd_composer_lookup_link (fixture->composer, path));
  g_assert_cmpstr (sd_request_get_first_image (sd_composer_get_request (fixture->composer)), ==, uri);
  set_frame_mode (fixture, FALSE);
}

/* Rows ------------------------------------------------------------------------ */

static const char *
row_title (Fixture *fixture,
           guint    index)
{
  SdMediaRow *row = sd_media_list_get_row (images_list (fixture), index);

  g_assert_nonnull (row);
  return adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row));
}

/* Rows are numbered with a readable name; two links with one file name
 * differ by number, and the numbers follow a removal. */
static void
test_rows_are_numbered_and_follow_removals (Fixture       *fixture,
                                            gconstpointer  data)
{
  if (skip_without_tls (fixture))
    return;

  g_assert_cmpuint (sd_composer_add_image_text (fixture->composer,
                                                "https://a.example.com/x/cat.jpg\n"
                                                "https://b.example.com/y/cat.jpg\n"
                                                "https://c.example.com/dog%20two.png\n"), ==, 3);
  g_assert_cmpstr (row_title (fixture, 0), ==, "Image 1 · cat.jpg");
  g_assert_cmpstr (row_title (fixture, 1), ==, "Image 2 · cat.jpg");
  g_assert_cmpstr (row_title (fixture, 2), ==, "Image 3 · dog two.png");
  g_assert_cmpstr (sd_media_row_get_item_name (sd_media_list_get_row (images_list (fixture), 2)), ==, "Image 3");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (sd_media_list_get_row (images_list (fixture), 0)),
                                             "row.remove", NULL));
  g_assert_cmpstr (row_title (fixture, 0), ==, "Image 1 · cat.jpg");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (sd_media_list_get_row (images_list (fixture), 0))),
                   ==, "b.example.com");
  g_assert_cmpstr (row_title (fixture, 1), ==, "Image 2 · dog two.png");
  g_assert_null (sd_media_list_get_row (images_list (fixture), 2));
}

static GtkWidget *
find_button_with_label (GtkWidget  *widget,
                        const char *label)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0 &&
      gtk_widget_get_mapped (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button_with_label (child, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Clear All, from 2 links on, with a toast whose Undo puts them back. */
static void
test_clear_all_and_undo (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *overlay = adw_toast_overlay_new ();
  SdMediaList *list = g_object_new (SD_TYPE_MEDIA_LIST, "kind", SD_MEDIA_KIND_IMAGES, NULL);
  g_auto(GStrv) urls = NULL;
  GtkWidget *undo = NULL;
  gint64 end;

  adw_toast_overlay_set_child (ADW_TOAST_OVERLAY (overlay), GTK_WIDGET (list));
  gtk_window_set_child (GTK_WINDOW (window), overlay);
  gtk_window_present (GTK_WINDOW (window));

  g_assert_cmpuint (sd_media_list_add_text (list, "https://a.example.com/one.jpg"), ==, 1);
  g_assert_false (sd_media_list_get_can_clear (list));
  g_assert_cmpuint (sd_media_list_add_text (list, "https://a.example.com/two.jpg\n"
                                                  "https://a.example.com/three.jpg"), ==, 2);
  g_assert_true (sd_media_list_get_can_clear (list));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (list), "media.clear-all", NULL));
  urls = sd_media_list_dup_urls (list);
  g_assert_cmpuint (g_strv_length (urls), ==, 0);
  g_assert_false (sd_media_list_get_can_clear (list));

  end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while ((undo = find_button_with_label (overlay, "_Undo")) == NULL && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
  g_assert_nonnull (undo);
  g_signal_emit_by_name (undo, "clicked");
  g_clear_pointer (&urls, g_strfreev);
  urls = sd_media_list_dup_urls (list);
  g_assert_cmpuint (g_strv_length (urls), ==, 3);
  g_assert_cmpstr (urls[0], ==, "https://a.example.com/one.jpg");
  g_assert_cmpstr (urls[2], ==, "https://a.example.com/three.jpg");
  /* once only */
  g_assert_false (sd_media_list_undo_clear (list));
  gtk_window_destroy (GTK_WINDOW (window));
  for (guint i = 0; i < 50 && g_main_context_iteration (NULL, FALSE); i++)
    ;
}

static gboolean
row_preview_failed (gpointer data)
{
  return sd_media_row_get_preview_problem (data) != NULL;
}

/* A failed preview looks failed: the broken-image icon in error colour, a
 * short reason on the row, the raw one in the tooltip. */
static void
test_failed_thumbnail_says_why_on_the_row (Fixture       *fixture,
                                           gconstpointer  data)
{
  g_autofree char *url = NULL;
  SdMediaRow *row;
  GtkWidget *thumbnail;

  if (skip_without_tls (fixture))
    return;

  url = g_strconcat (sd_simulator_get_tls_base_url (fixture->simulator), "/images/none-such.jpg", NULL);
  g_assert_cmpuint (sd_composer_add_image_text (fixture->composer, url), ==, 1);
  row = first_row (fixture);
  wait_for (row_preview_failed, row, "the preview to fail");
  thumbnail = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (row), SD_TYPE_MEDIA_ROW, "thumbnail"));
  g_assert_cmpstr (gtk_image_get_icon_name (GTK_IMAGE (thumbnail)), ==, "image-missing-symbolic");
  g_assert_true (gtk_widget_has_css_class (thumbnail, "error"));
  g_assert_true (g_str_has_prefix (sd_media_row_get_preview_problem (row), "No preview: "));
  g_assert_nonnull (strstr (sd_media_row_get_preview_problem (row), "404"));
  g_assert_cmpstr (sd_media_row_get_status (row), ==, sd_media_row_get_preview_problem (row));
  g_assert_nonnull (gtk_widget_get_tooltip_text (thumbnail));

  /* a check's verdict is not overwritten by a preview failing later */
  sd_media_row_set_check (row, SD_MEDIA_CHECK_STATE_REFUSED, "It cannot be used: gone.");
  sd_media_row_show_thumbnail (GTK_IMAGE (thumbnail), NULL, "/no/such/file.png", NULL);
  {
    gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

    while (strstr (sd_media_row_get_preview_problem (row), "404") != NULL && g_get_monotonic_time () < end)
      g_main_context_iteration (NULL, FALSE);
  }
  g_assert_null (strstr (sd_media_row_get_preview_problem (row), "404"));
  g_assert_cmpstr (sd_media_row_get_status (row), ==, "It cannot be used: gone.");
}

static void
test_preview_errors_read_as_reasons (void)
{
  g_autoptr(GError) resolver = g_error_new_literal (G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND,
                                                    "Error resolving “x.invalid”: Name or service not known");
  g_autoptr(GError) timeout = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "Socket I/O timed out");
  g_autoptr(GError) tls = g_error_new_literal (G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE, "Unacceptable TLS certificate");
  g_autofree char *a = sd_media_row_describe_preview_error (resolver);
  g_autofree char *b = sd_media_row_describe_preview_error (timeout);
  g_autofree char *c = sd_media_row_describe_preview_error (tls);

  g_assert_cmpstr (a, ==, "No preview: the server was not found");
  g_assert_null (strstr (a, "resolving"));
  g_assert_cmpstr (b, ==, "No preview: the server did not answer in time");
  g_assert_cmpstr (c, ==, "No preview: the server’s secure connection failed");
}

/* Placeholders are light icons in the preview's square, for every kind. */
static void
test_placeholders_are_light_and_alike (void)
{
  GtkWidget *video = g_object_ref_sink (sd_media_row_new ("https://a.example.com/clip.mp4", NULL,
                                                          "video-x-generic-symbolic"));
  GtkWidget *asset = g_object_ref_sink (sd_media_row_new ("asset://asset-1", NULL, NULL));
  GtkWidget *rows[] = { video, asset };

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      GtkWidget *image = GTK_WIDGET (gtk_widget_get_template_child (rows[i], SD_TYPE_MEDIA_ROW, "thumbnail"));
      int width, height;

      g_assert_true (g_str_has_suffix (gtk_image_get_icon_name (GTK_IMAGE (image)), "-symbolic"));
      g_assert_true (gtk_widget_has_css_class (image, "placeholder"));
      g_assert_cmpint (gtk_image_get_pixel_size (GTK_IMAGE (image)), ==, 24);
      gtk_widget_get_size_request (image, &width, &height);
      g_assert_cmpint (width, ==, 48);
      g_assert_cmpint (height, ==, 48);
    }
  g_object_unref (asset);
  g_object_unref (video);
}

/* The entry's title follows what the model takes. */
static void
test_entry_title_follows_the_model (Fixture       *fixture,
                                    gconstpointer  data)
{
  if (skip_without_tls (fixture))
    return;

  g_assert_cmpstr (sd_media_list_get_entry_title (images_list (fixture)), ==, "Image URL");
  g_assert_true (sd_composer_select_model (fixture->composer, "sd2_mx_720p"));
  g_assert_cmpstr (sd_media_list_get_entry_title (images_list (fixture)), ==, "Image Asset ID");
  g_assert_true (sd_composer_select_model (fixture->composer, "seedance2.0-md"));
  g_assert_cmpstr (sd_media_list_get_entry_title (images_list (fixture)), ==, "Image URL");
}

/* The custom upload service, end to end --------------------------------------- */

typedef struct
{
  SoupServer *server;
  char       *url;
  char       *link;
  guint       requests;
  char       *authorization;  /* what came, NULL when none */
  char       *secret_header;
  char       *field;          /* the multipart part's name */
} Service;

static void
on_service_request_cb (SoupServer        *server,
                       SoupServerMessage *msg,
                       const char        *path,
                       GHashTable        *query,
                       gpointer           user_data)
{
  Service *service = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  g_autoptr(SoupMultipart) multipart = soup_multipart_new_from_message (headers, bytes);
  g_autofree char *answer = NULL;

  service->requests++;
  g_free (service->authorization);
  service->authorization = g_strdup (soup_message_headers_get_one (headers, "Authorization"));
  g_free (service->secret_header);
  service->secret_header = g_strdup (soup_message_headers_get_one (headers, "X-Upload-Key"));
  if (multipart != NULL && soup_multipart_get_length (multipart) > 0)
    {
      SoupMessageHeaders *part = NULL;
      GBytes *part_body = NULL;
      GHashTable *params = NULL;

      soup_multipart_get_part (multipart, 0, &part, &part_body);
      if (soup_message_headers_get_content_disposition (part, NULL, &params))
        {
          g_free (service->field);
          service->field = g_strdup (g_hash_table_lookup (params, "name"));
          g_hash_table_destroy (params);
        }
    }
  answer = g_strdup_printf ("{\"ok\":true,\"result\":{\"files\":[{\"link\":\"%s\"}]}}", service->link);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, answer, strlen (answer));
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
}

static gboolean
row_upload_over (gpointer data)
{
  SdUpload *upload = sd_media_row_get_upload (data);

  return upload != NULL && upload_is_over (upload);
}

/* The settings are the process's, shared by the tests. */
static void
reset_upload_service (Fixture *fixture)
{
  const char *keys[] = { "upload-service-url", "upload-service-field", "upload-service-header",
                         "upload-service-json-path" };

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    g_settings_reset (sd_context_get_settings (fixture->context), keys[i]);
}

/* The user's upload service: a local server that answers @link at
 * "result.files.0.link", with the composer's settings for it (the field
 * "picture"); its address is only typed in Preferences. */
static void
service_start (Fixture *fixture,
               Service *service)
{
  g_autoptr(GError) error = NULL;
  GSList *uris;

  reset_upload_service (fixture);
  service->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (service->server, "/upload", on_service_request_cb, service, NULL);
  g_assert_true (soup_server_listen_local (service->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (service->server);
  service->url = g_strdup_printf ("http://127.0.0.1:%d/upload", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  /* a picture the pre-flight check finds */
  service->link = g_strconcat (sd_simulator_get_tls_base_url (fixture->simulator), "/images/red-coat.jpg", NULL);

  /* the group's own rows show what is set */
  g_settings_set_string (sd_context_get_settings (fixture->context), "upload-service-field", "picture");
  g_settings_set_string (sd_context_get_settings (fixture->context), "upload-service-json-path",
                         "result.files.0.link");
}

static void
service_stop (Fixture *fixture,
              Service *service)
{
  reset_upload_service (fixture);
  for (guint i = 0; i < 50 && g_main_context_iteration (NULL, FALSE); i++)
    ;
  soup_server_disconnect (service->server);
  g_object_unref (service->server);
  g_free (service->url);
  g_free (service->link);
  g_free (service->authorization);
  g_free (service->secret_header);
  g_free (service->field);
}

/* Preferences → Upload Service; a file added in the composer goes to the
 * service (never with the Seedance token) and the link at the configured
 * path is the row's, then the task's. */
static void
test_custom_upload_service_end_to_end (Fixture       *fixture,
                                       gconstpointer  data)
{
  GtkWidget *group = NULL;
  Service service = { 0 };
  g_autofree char *path = NULL;
  SdMediaRow *row;
  SdUpload *upload;

  if (skip_without_tls (fixture))
    return;

  service_start (fixture, &service);
  group = g_object_ref_sink (sd_preferences_upload_group_new (fixture->context));
  sd_preferences_upload_group_apply (group, service.url, "", "");
  g_assert_null (sd_preferences_upload_group_get_error (group));

  sd_uploader_acknowledge_privacy (sd_composer_get_uploader (fixture->composer));
  path = write_png (fixture, "mine.png", 24);
  g_assert_cmpuint (sd_composer_add_image_text (fixture->composer, path), ==, 1);
  row = first_row (fixture);
  wait_for (row_upload_over, row, "the upload to the service");
  upload = sd_media_row_get_upload (row);
  g_assert_cmpint (sd_upload_get_state (upload), ==, SD_UPLOAD_STATE_DONE);
  g_assert_cmpstr (sd_upload_get_url (upload), ==, service.link);
  g_assert_cmpuint (service.requests, ==, 1);
  g_assert_null (service.authorization);
  g_assert_cmpstr (service.field, ==, "picture");
  g_assert_cmpuint (sd_simulator_get_request_count (fixture->simulator, SD_SIMULATOR_STEP_UPLOAD), ==, 0);

  generate (fixture, "go", NULL);
  g_assert_nonnull (fixture->submitted);
  g_assert_cmpstr (sd_request_get_images (sd_task_get_request (fixture->submitted))[0], ==, service.link);
  g_assert_cmpuint (service.requests, ==, 1);

  g_object_unref (group);
  service_stop (fixture, &service);
}

typedef struct
{
  Fixture  *fixture;
  SdUpload *before[2];   /* the rows' uploads before the change (no reference) */
  guint     n_rows;
} Restart;

/* Every row follows a new upload, and each is over. */
static gboolean
rows_restarted (gpointer data)
{
  Restart *restart = data;

  for (guint i = 0; i < restart->n_rows; i++)
    {
      SdMediaRow *row = sd_media_list_get_row (images_list (restart->fixture), i);
      SdUpload *upload = row != NULL ? sd_media_row_get_upload (row) : NULL;

      if (upload == NULL || upload == restart->before[i] || !upload_is_over (upload))
        return FALSE;
    }
  return TRUE;
}

static void
note_rows (Restart *restart,
           guint    n_rows)
{
  restart->n_rows = n_rows;
  for (guint i = 0; i < n_rows; i++)
    restart->before[i] = sd_media_row_get_upload (sd_media_list_get_row (images_list (restart->fixture), i));
}

static gboolean
upload_is_waiting_for_its_answer (gpointer data)
{
  return sd_upload_get_state (data) == SD_UPLOAD_STATE_SENDING || upload_is_over (data);
}

/* A change of the upload service takes effect at once: the upload on its
 * way to the Seedance server stops and starts again on the service, a
 * file added then goes there, and going back uploads each file to the
 * server again (the service's links are not reused there, nor the
 * server's on the service: the cache is per place); going to the
 * service once more takes its links from the cache. Generate sends those. */
static void
test_upload_service_change_restarts_uploads (Fixture       *fixture,
                                             gconstpointer  data)
{
  GtkWidget *group = NULL;
  Service service = { 0 };
  Restart restart = { fixture, { NULL, NULL }, 0 };
  g_autofree char *slow_path = NULL;
  g_autofree char *second_path = NULL;
  g_autoptr(SdUpload) slow = NULL;
  g_autofree char *server_prefix = NULL;
  const char * const *images;
  guint n_stored;

  if (skip_without_tls (fixture))
    return;

  service_start (fixture, &service);
  group = g_object_ref_sink (sd_preferences_upload_group_new (fixture->context));
  server_prefix = g_strconcat (sd_simulator_get_tls_base_url (fixture->simulator), "/uploads/", NULL);

  /* on its way to the Seedance server, its answer late */
  sd_uploader_acknowledge_privacy (sd_composer_get_uploader (fixture->composer));
  sd_simulator_set_slow_delay (fixture->simulator, 20000);
  sd_simulator_set_fault (fixture->simulator, SD_SIMULATOR_STEP_UPLOAD, SD_SIMULATOR_FAULT_SLOW, 1);
  slow_path = write_png (fixture, "slow.png", 24);
  g_assert_cmpuint (sd_composer_add_image_text (fixture->composer, slow_path), ==, 1);
  wait_for (row_has_upload, first_row (fixture), "the upload on add");
  slow = g_object_ref (sd_media_row_get_upload (first_row (fixture)));
  wait_for (upload_is_waiting_for_its_answer, slow, "the upload to be sent");
  g_assert_cmpint (sd_upload_get_state (slow), ==, SD_UPLOAD_STATE_SENDING);

  /* the service is set: that upload stops and goes there */
  note_rows (&restart, 1);
  sd_preferences_upload_group_apply (group, service.url, "", "");
  g_assert_null (sd_preferences_upload_group_get_error (group));
  wait_for (rows_restarted, &restart, "the upload to start again on the service");
  /* its cancellation is told from the sending thread, maybe after the restart */
  wait_for (upload_is_over, slow, "the stopped upload to end");
  g_assert_cmpint (sd_upload_get_state (slow), ==, SD_UPLOAD_STATE_FAILED);
  g_assert_true (g_error_matches (sd_upload_get_error (slow), G_IO_ERROR, G_IO_ERROR_CANCELLED));
  g_assert_cmpint (sd_upload_get_state (sd_media_row_get_upload (first_row (fixture))), ==,
                   SD_UPLOAD_STATE_DONE);
  g_assert_cmpstr (sd_upload_get_url (sd_media_row_get_upload (first_row (fixture))), ==, service.link);
  g_assert_true (g_str_has_prefix (sd_media_row_get_status (first_row (fixture)), "Uploaded · until "));
  g_assert_cmpuint (service.requests, ==, 1);
  g_assert_cmpstr (service.field, ==, "picture");

  /* a file added now goes to the service at once */
  second_path = write_png (fixture, "second.png", 28);
  g_assert_cmpuint (sd_composer_add_image_text (fixture->composer, second_path), ==, 1);
  wait_for (row_upload_over, sd_media_list_get_row (images_list (fixture), 1), "the second upload");
  g_assert_cmpstr (sd_upload_get_url (sd_media_row_get_upload (sd_media_list_get_row (images_list (fixture), 1))),
                   ==, service.link);
  g_assert_cmpuint (service.requests, ==, 2);

  /* back to the Seedance server: both upload there; the service's links
   * are not taken for it */
  n_stored = sd_simulator_get_n_uploads (fixture->simulator);
  note_rows (&restart, 2);
  sd_preferences_upload_group_apply (group, "", "", "");
  wait_for (rows_restarted, &restart, "the uploads to start again on the server");
  for (guint i = 0; i < 2; i++)
    {
      SdUpload *upload = sd_media_row_get_upload (sd_media_list_get_row (images_list (fixture), i));

      g_assert_cmpint (sd_upload_get_state (upload), ==, SD_UPLOAD_STATE_DONE);
      g_assert_true (g_str_has_prefix (sd_upload_get_url (upload), server_prefix));
      g_assert_false (sd_upload_get_cached (upload));
    }
  g_assert_cmpuint (sd_simulator_get_n_uploads (fixture->simulator), ==, n_stored + 2);
  g_assert_cmpuint (service.requests, ==, 2);

  /* the service once more: its links are in the cache, nothing is sent */
  note_rows (&restart, 2);
  sd_preferences_upload_group_apply (group, service.url, "", "");
  wait_for (rows_restarted, &restart, "the uploads to find the service's links");
  for (guint i = 0; i < 2; i++)
    {
      SdUpload *upload = sd_media_row_get_upload (sd_media_list_get_row (images_list (fixture), i));

      g_assert_cmpint (sd_upload_get_state (upload), ==, SD_UPLOAD_STATE_DONE);
      g_assert_cmpstr (sd_upload_get_url (upload), ==, service.link);
      g_assert_true (sd_upload_get_cached (upload));
    }
  g_assert_cmpuint (service.requests, ==, 2);
  g_assert_cmpuint (sd_simulator_get_n_uploads (fixture->simulator), ==, n_stored + 2);

  /* Generate sends the service's links, without sending anything again */
  generate (fixture, "go", NULL);
  g_assert_nonnull (fixture->submitted);
  images = sd_request_get_images (sd_task_get_request (fixture->submitted));
  g_assert_cmpstr (images[0], ==, service.link);
  g_assert_cmpstr (images[1], ==, service.link);
  g_assert_cmpuint (service.requests, ==, 2);

  g_object_unref (group);
  service_stop (fixture, &service);
}

static gboolean
service_has_requests (gpointer data)
{
  Service *service = data;

  return service->requests >= 2;
}

/* A new secret alone (the same address and header) is used at once by the
 * next upload. */
static void
test_upload_service_secret_change_is_used_at_once (Fixture       *fixture,
                                                   gconstpointer  data)
{
  GtkWidget *group = NULL;
  Service service = { 0 };
  Restart restart = { fixture, { NULL, NULL }, 0 };
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;

  if (skip_without_tls (fixture))
    return;

  service_start (fixture, &service);
  group = g_object_ref_sink (sd_preferences_upload_group_new (fixture->context));
  sd_preferences_upload_group_apply (group, service.url, "X-Upload-Key", "first secret");
  wait_for_setting (sd_context_get_settings (fixture->context), "upload-service-url", service.url);

  sd_uploader_acknowledge_privacy (sd_composer_get_uploader (fixture->composer));
  first = write_png (fixture, "first.png", 24);
  g_assert_cmpuint (sd_composer_add_image_text (fixture->composer, first), ==, 1);
  wait_for (row_upload_over, first_row (fixture), "the upload to the service");
  g_assert_cmpuint (service.requests, ==, 1);
  g_assert_cmpstr (service.secret_header, ==, "first secret");

  /* the uploads on add follow (the first file's link, from the same
   * service, comes from the cache) */
  note_rows (&restart, 1);
  sd_preferences_upload_group_apply (group, service.url, "X-Upload-Key", "second secret");
  g_assert_null (sd_preferences_upload_group_get_error (group));
  wait_for (rows_restarted, &restart, "the uploads to follow the new secret");
  g_assert_true (sd_upload_get_cached (sd_media_row_get_upload (first_row (fixture))));
  g_assert_cmpuint (service.requests, ==, 1);
  second = write_png (fixture, "second.png", 28);
  g_assert_cmpuint (sd_composer_add_image_text (fixture->composer, second), ==, 1);
  wait_for (service_has_requests, &service, "the second upload");
  wait_for (row_upload_over, sd_media_list_get_row (images_list (fixture), 1), "the second upload to end");
  g_assert_cmpstr (service.secret_header, ==, "second secret");
  g_assert_cmpuint (service.requests, ==, 2);

  g_object_unref (group);
  service_stop (fixture, &service);
}

int
main (int   argc,
      char *argv[])
{
  sd_test_gui_init (&argc, &argv);
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
  ADD ("upload-starts-when-a-file-is-added", test_upload_starts_when_a_file_is_added);
  ADD ("cache-not-saved-is-said-in-the-window", test_cache_not_saved_is_said_in_the_window);
  ADD ("generate-waits-for-the-upload-on-its-way", test_generate_waits_for_the_upload_on_its_way);
  ADD ("removing-the-row-cancels-its-upload", test_removing_the_row_cancels_its_upload);
  ADD ("loaded-draft-uploads-its-files", test_loaded_draft_uploads_its_files);
  ADD ("frame-shows-its-upload", test_frame_shows_its_upload);
  ADD ("frame-upload-error-stays-on-its-row", test_frame_upload_error_stays_on_its_row);
  ADD ("rows-are-numbered-and-follow-removals", test_rows_are_numbered_and_follow_removals);
  ADD ("failed-thumbnail-says-why-on-the-row", test_failed_thumbnail_says_why_on_the_row);
  ADD ("entry-title-follows-the-model", test_entry_title_follows_the_model);
  ADD ("custom-upload-service-end-to-end", test_custom_upload_service_end_to_end);
  ADD ("upload-service-change-restarts-uploads", test_upload_service_change_restarts_uploads);
  ADD ("upload-service-secret-change-is-used-at-once", test_upload_service_secret_change_is_used_at_once);
  g_test_add_func ("/media-gui/clear-all-and-undo", test_clear_all_and_undo);
  g_test_add_func ("/media-gui/preview-errors-read-as-reasons", test_preview_errors_read_as_reasons);
  g_test_add_func ("/media-gui/placeholders-are-light-and-alike", test_placeholders_are_light_and_alike);

#undef ADD

  return g_test_run ();
}

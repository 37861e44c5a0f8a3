/* test-composer.c: the composer, its image rows and thumbnails, under Xvfb
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "sd-batch-import.h"
#include "sd-catalog.h"
#include "sd-composer-test.h"
#include "sd-context.h"
#include "sd-demo.h"
#include "sd-estimate-label.h"
#include "sd-gui-resources.h"
#include "sd-media-check.h"
#include "sd-media-list.h"
#include "sd-service.h"
#include "sd-media-row.h"
#include "sd-model-picker-test.h"
#include "sd-preferences-window.h"
#include "sd-prices-page.h"
#include "sd-service.h"
#include "sd-simulator-test.h"
#include "sd-store.h"
#include "sd-test-gui.h"
#include "sd-test-util.h"
#include "sd-thumbnailer.h"

/* A loopback server with a few images and traps ------------------------- */

typedef struct
{
  SoupServer  *server;
  GUri        *base;
  GBytes      *png;
  SoupSession *session;
  guint        requests;
  gboolean     saw_authorization;
} Fixture;

static GBytes *
make_png (int width,
          int height)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  g_autoptr(GError) error = NULL;
  gchar *buffer = NULL;
  gsize size = 0;

  gdk_pixbuf_fill (pixbuf, 0x3366ccff);
  gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, "png", &error, NULL);
  g_assert_no_error (error);
  return g_bytes_new_take (buffer, size);
}

static void
serve_huge (SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_response_body (msg);
  g_autofree char *chunk = g_malloc0 (1024 * 1024);

  soup_message_headers_set_encoding (soup_server_message_get_response_headers (msg),
                                     SOUP_ENCODING_CHUNKED);
  for (guint i = 0; i < 12; i++)
    soup_message_body_append (body, SOUP_MEMORY_COPY, chunk, 1024 * 1024);
  soup_message_body_complete (body);
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
}

static void
server_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  Fixture *fixture = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  fixture->requests++;
  if (soup_message_headers_get_one (headers, "Authorization") != NULL)
    fixture->saw_authorization = TRUE;

  if (g_str_equal (path, "/cat.png"))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "image/png", SOUP_MEMORY_COPY,
                                        g_bytes_get_data (fixture->png, NULL),
                                        g_bytes_get_size (fixture->png));
    }
  else if (g_str_equal (path, "/page.html"))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC,
                                        "<html>not an image</html>", 25);
    }
  else if (g_str_equal (path, "/huge.png"))
    serve_huge (msg);
  else
    soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  GSList *uris;

  fixture->png = make_png (640, 320);
  fixture->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (fixture->server, NULL, server_cb, fixture, NULL);
  soup_server_listen_local (fixture->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (fixture->server);
  fixture->base = g_uri_ref (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  fixture->session = soup_session_new ();
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->session);
  soup_server_disconnect (fixture->server);
  g_clear_object (&fixture->server);
  g_clear_pointer (&fixture->base, g_uri_unref);
  g_clear_pointer (&fixture->png, g_bytes_unref);
}

static char *
fixture_url (Fixture    *fixture,
             const char *path)
{
  g_autoptr(GUri) uri = g_uri_parse_relative (fixture->base, path, G_URI_FLAGS_NONE, NULL);

  return g_uri_to_string (uri);
}

typedef struct
{
  GdkTexture *texture;
  GError     *error;
  gboolean    done;
} LoadResult;

static void
on_loaded_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  LoadResult *load = user_data;

  load->texture = sd_thumbnailer_load_finish (SD_THUMBNAILER (source), result, &load->error);
  load->done = TRUE;
}

static void
load (SdThumbnailer *thumbnailer,
      const char    *url,
      GCancellable  *cancellable,
      LoadResult    *result)
{
  sd_thumbnailer_load_async (thumbnailer, url, cancellable, on_loaded_cb, result);
  while (!result->done)
    g_main_context_iteration (NULL, TRUE);
}

/* Thumbnailer ------------------------------------------------------------ */

static void
test_thumbnailer_loads_and_caches (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_autoptr(SdThumbnailer) thumbnailer = sd_thumbnailer_new (fixture->session);
  g_autofree char *url = fixture_url (fixture, "/cat.png");
  LoadResult first = { 0 }, second = { 0 };

  g_assert_null (sd_thumbnailer_lookup (thumbnailer, url));
  load (thumbnailer, url, NULL, &first);
  g_assert_no_error (first.error);
  g_assert_nonnull (first.texture);
  /* decoded at thumbnail size, aspect kept */
  g_assert_cmpint (gdk_texture_get_width (first.texture), ==, 96);
  g_assert_cmpint (gdk_texture_get_height (first.texture), ==, 48);
  g_assert_true (sd_thumbnailer_lookup (thumbnailer, url) == first.texture);
  g_assert_false (fixture->saw_authorization);

  load (thumbnailer, url, NULL, &second);
  g_assert_no_error (second.error);
  g_assert_true (second.texture == first.texture);
  g_assert_cmpuint (fixture->requests, ==, 1);

  g_object_unref (first.texture);
  g_object_unref (second.texture);
}

static void
test_thumbnailer_refuses_plain_http_elsewhere (Fixture       *fixture,
                                               gconstpointer  data)
{
  g_autoptr(SdThumbnailer) thumbnailer = sd_thumbnailer_new (fixture->session);
  const char *urls[] = { "http://example.com/cat.png", "ftp://example.com/cat.png", "asset://x", "cat" };

  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      LoadResult result = { 0 };

      load (thumbnailer, urls[i], NULL, &result);
      g_assert_null (result.texture);
      g_assert_error (result.error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
      g_clear_error (&result.error);
    }
  g_assert_cmpuint (fixture->requests, ==, 0);
}

static void
test_thumbnailer_stops_after_10_mib (Fixture       *fixture,
                                     gconstpointer  data)
{
  g_autoptr(SdThumbnailer) thumbnailer = sd_thumbnailer_new (fixture->session);
  g_autofree char *url = fixture_url (fixture, "/huge.png");
  LoadResult result = { 0 };

  load (thumbnailer, url, NULL, &result);
  g_assert_null (result.texture);
  g_assert_error (result.error, G_IO_ERROR, G_IO_ERROR_NO_SPACE);
  g_assert_null (sd_thumbnailer_lookup (thumbnailer, url));
  g_clear_error (&result.error);
}

static void
test_thumbnailer_reports_http_status (Fixture       *fixture,
                                      gconstpointer  data)
{
  g_autoptr(SdThumbnailer) thumbnailer = sd_thumbnailer_new (fixture->session);
  g_autofree char *url = fixture_url (fixture, "/gone.png");
  LoadResult result = { 0 };

  load (thumbnailer, url, NULL, &result);
  g_assert_null (result.texture);
  g_assert_error (result.error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_assert_nonnull (strstr (result.error->message, "404"));
  g_clear_error (&result.error);
}

static void
test_thumbnailer_refuses_non_images (Fixture       *fixture,
                                     gconstpointer  data)
{
  g_autoptr(SdThumbnailer) thumbnailer = sd_thumbnailer_new (fixture->session);
  g_autofree char *url = fixture_url (fixture, "/page.html");
  LoadResult result = { 0 };

  load (thumbnailer, url, NULL, &result);
  g_assert_null (result.texture);
  g_assert_error (result.error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&result.error);
}

typedef struct {
  guint    n_loaded;
  GThread *disposed_in;
} Previews;

static void
on_preview_loaded_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  Previews *previews = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = sd_thumbnailer_load_finish (SD_THUMBNAILER (source), result, &error);

  g_assert_no_error (error);
  previews->n_loaded++;
}

#define N_PREVIEWS 4

/* The composer goes while previews are being decoded: the thumbnailer (its
 * session, its responses, its textures) is released with the last of them
 * on the main thread, never on the worker that decoded it. */
static void
test_thumbnailer_ends_on_the_main_thread (Fixture       *fixture,
                                          gconstpointer  data)
{
  SdThumbnailer *thumbnailer = sd_thumbnailer_new (fixture->session);
  Previews previews = { 0 };

  for (guint i = 0; i < N_PREVIEWS; i++)
    {
      g_autofree char *path = g_strdup_printf ("/cat.png?take=%u", i);
      g_autofree char *url = fixture_url (fixture, path);

      sd_thumbnailer_load_async (thumbnailer, url, NULL, on_preview_loaded_cb, &previews);
    }
  sd_test_watch_dispose_thread (G_OBJECT (thumbnailer), &previews.disposed_in);
  g_object_unref (thumbnailer);
  sd_test_gui_run_until (sd_test_was_disposed, &previews.disposed_in, "the thumbnailer to go");

  g_assert_true (previews.disposed_in == g_thread_self ());
  g_assert_cmpuint (previews.n_loaded, ==, N_PREVIEWS);
}

static void
test_thumbnailer_can_be_cancelled (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_autoptr(SdThumbnailer) thumbnailer = sd_thumbnailer_new (fixture->session);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *url = fixture_url (fixture, "/cat.png");
  LoadResult result = { 0 };

  g_cancellable_cancel (cancellable);
  load (thumbnailer, url, cancellable, &result);
  g_assert_null (result.texture);
  g_assert_error (result.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (sd_thumbnailer_lookup (thumbnailer, url));
  g_clear_error (&result.error);
}

static void
test_thumbnailer_cache_is_bounded (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_autoptr(SdThumbnailer) thumbnailer = sd_thumbnailer_new (fixture->session);
  g_autofree char *first_url = NULL;

  for (guint i = 0; i < 70; i++)
    {
      g_autofree char *path = g_strdup_printf ("/cat.png?n=%u", i);
      g_autofree char *url = fixture_url (fixture, path);
      LoadResult result = { 0 };

      load (thumbnailer, url, NULL, &result);
      g_assert_no_error (result.error);
      g_object_unref (result.texture);
      if (i == 0)
        first_url = g_steal_pointer (&url);
    }
  /* the least recently used ones made room */
  g_assert_null (sd_thumbnailer_lookup (thumbnailer, first_url));
}

/* The demo simulator's sample pictures are https:// links on loopback, with a
 * certificate no authority signed: only a thumbnailer told to trust exactly
 * that certificate shows them. */
static void
test_thumbnailer_trusts_only_the_given_loopback_certificate (Fixture       *fixture,
                                                             gconstpointer  data)
{
  g_autoptr(SdCatalog) catalog = sd_catalog_new ();
  g_autoptr(SdSimulator) simulator = NULL;
  g_autoptr(SdThumbnailer) plain = sd_thumbnailer_new (fixture->session);
  g_autoptr(SdThumbnailer) demo = sd_thumbnailer_new (fixture->session);
  g_autoptr(GError) error = NULL;
  g_autofree char *missing = NULL;
  LoadResult refused = { 0 }, shown = { 0 }, absent = { 0 };
  const char *url;

  if (!g_tls_backend_supports_tls (g_tls_backend_get_default ()))
    {
      g_test_skip ("no TLS backend (glib-networking) is installed");
      return;
    }
  simulator = sd_simulator_new (catalog, &error);
  g_assert_no_error (error);
  g_assert_nonnull (sd_simulator_get_tls_certificate (simulator));
  g_assert_cmpuint (sd_simulator_get_n_sample_images (simulator), ==, 3);
  g_assert_null (sd_simulator_get_sample_image_url (simulator, 3));
  url = sd_simulator_get_sample_image_url (simulator, 0);
  g_assert_true (g_str_has_prefix (url, "https://127.0.0.1:"));

  load (plain, url, NULL, &refused);
  g_assert_nonnull (refused.error);
  g_assert_null (refused.texture);

  sd_thumbnailer_set_loopback_certificate (demo, sd_simulator_get_tls_certificate (simulator));
  load (demo, url, NULL, &shown);
  g_assert_no_error (shown.error);
  g_assert_cmpint (gdk_texture_get_width (shown.texture), ==, 96);
  g_assert_cmpint (gdk_texture_get_height (shown.texture), ==, 96);

  missing = g_strconcat (sd_simulator_get_tls_base_url (simulator), "/images/nothing.jpg", NULL);
  load (demo, missing, NULL, &absent);
  g_assert_error (absent.error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_assert_nonnull (strstr (absent.error->message, "404"));

  g_clear_error (&refused.error);
  g_clear_object (&shown.texture);
  g_clear_error (&absent.error);
}

/* Image rows ------------------------------------------------------------- */

static void
on_move_cb (SdMediaRow *row,
            int         delta,
            int        *moved)
{
  *moved = delta;
}

static void
on_remove_cb (SdMediaRow *row,
              gboolean   *removed)
{
  *removed = TRUE;
}

static void
test_image_row_buttons_ask_to_move_and_remove (Fixture       *fixture,
                                               gconstpointer  data)
{
  GtkWidget *row = g_object_ref_sink (sd_media_row_new ("asset://asset-1", NULL, NULL));
  int moved = 0;
  gboolean removed = FALSE;

  g_assert_cmpstr (sd_media_row_get_url (SD_MEDIA_ROW (row)), ==, "asset://asset-1");
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "asset://asset-1");
  g_signal_connect (row, "move", G_CALLBACK (on_move_cb), &moved);
  g_signal_connect (row, "remove", G_CALLBACK (on_remove_cb), &removed);

  sd_media_row_set_position (SD_MEDIA_ROW (row), 0, 3);
  g_assert_false (gtk_widget_activate_action (row, "row.move-up", NULL) && moved != 0);
  g_assert_cmpint (moved, ==, 0);
  g_assert_true (gtk_widget_activate_action (row, "row.move-down", NULL));
  g_assert_cmpint (moved, ==, 1);

  sd_media_row_set_position (SD_MEDIA_ROW (row), 2, 3);
  moved = 0;
  gtk_widget_activate_action (row, "row.move-down", NULL);
  g_assert_cmpint (moved, ==, 0);
  gtk_widget_activate_action (row, "row.move-up", NULL);
  g_assert_cmpint (moved, ==, -1);

  gtk_widget_activate_action (row, "row.remove", NULL);
  g_assert_true (removed);
  g_object_unref (row);
}

static void
test_image_row_names_a_web_link_by_file_and_host (Fixture       *fixture,
                                                  gconstpointer  data)
{
  const char *url = "https://images.example.com/trips/red%20coat.jpg?size=large";
  GtkWidget *row = g_object_ref_sink (sd_media_row_new (url, NULL, NULL));
  GtkWidget *bare = g_object_ref_sink (sd_media_row_new ("https://images.example.com/", NULL, NULL));

  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "red coat.jpg");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, "images.example.com");
  /* the whole link is one hover away, and is what the row gives back */
  g_assert_cmpstr (gtk_widget_get_tooltip_text (row), ==, url);
  g_assert_cmpstr (sd_media_row_get_url (SD_MEDIA_ROW (row)), ==, url);

  /* without a file name there is nothing shorter to show */
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (bare)), ==, "https://images.example.com/");
  g_object_unref (bare);
  g_object_unref (row);
}

static void
test_image_row_shows_broken_image_with_reason (Fixture       *fixture,
                                               gconstpointer  data)
{
  g_autoptr(SdThumbnailer) thumbnailer = sd_thumbnailer_new (fixture->session);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *url = fixture_url (fixture, "/gone.png");
  GtkWidget *image = g_object_ref_sink (gtk_image_new ());

  sd_media_row_show_thumbnail (GTK_IMAGE (image), thumbnailer, url, cancellable);
  while (gtk_widget_get_tooltip_text (image) == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (gtk_image_get_icon_name (GTK_IMAGE (image)), ==, "image-missing-symbolic");
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (image), "404"));

  sd_media_row_show_thumbnail (GTK_IMAGE (image), thumbnailer, "asset://a-1", cancellable);
  g_assert_cmpint (gtk_image_get_storage_type (GTK_IMAGE (image)), ==, GTK_IMAGE_ICON_NAME);
  g_assert_cmpstr (gtk_image_get_icon_name (GTK_IMAGE (image)), !=, "image-missing-symbolic");
  g_object_unref (image);
}

static void
test_image_row_shows_the_thumbnail (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autoptr(SdThumbnailer) thumbnailer = sd_thumbnailer_new (fixture->session);
  g_autofree char *url = fixture_url (fixture, "/cat.png");
  GtkWidget *row = g_object_ref_sink (sd_media_row_new (url, thumbnailer, NULL));

  while (sd_thumbnailer_lookup (thumbnailer, url) == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (fixture->requests, ==, 1);
  g_object_unref (row);
}

static void
test_image_row_cancels_its_download (Fixture       *fixture,
                                     gconstpointer  data)
{
  g_autoptr(SdThumbnailer) thumbnailer = sd_thumbnailer_new (fixture->session);
  g_autofree char *url = fixture_url (fixture, "/huge.png");
  GtkWidget *row = g_object_ref_sink (sd_media_row_new (url, thumbnailer, NULL));

  /* disposing the row cancels the download; nothing touches the row after */
  g_object_unref (row);
  for (guint i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_null (sd_thumbnailer_lookup (thumbnailer, url));
}

/* The composer on a demo context ----------------------------------------- */

typedef struct
{
  SdContext  *context;
  GtkWidget  *window;
  SdComposer *composer;
  SdTask     *submitted;
} ComposerFixture;

static void
on_submitted_cb (SdComposer      *composer,
                 SdTask          *task,
                 ComposerFixture *fixture)
{
  g_set_object (&fixture->submitted, task);
}

static void
composer_set_up (ComposerFixture *fixture,
                 gconstpointer    data)
{
  g_autoptr(GError) error = NULL;

  fixture->context = sd_demo_context_new (&error);
  g_assert_no_error (error);
  fixture->composer = SD_COMPOSER (sd_composer_new (fixture->context));
  fixture->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 360, 700);
  gtk_window_set_child (GTK_WINDOW (fixture->window), GTK_WIDGET (fixture->composer));
  gtk_window_present (GTK_WINDOW (fixture->window));
  g_signal_connect (fixture->composer, "submitted", G_CALLBACK (on_submitted_cb), fixture);
}

/* Runs what is ready now, a bounded number of times: thumbnails and
 * spinners keep the main context busy, so "until idle" may never come. */
static void
drain_pending_events (void)
{
  for (guint i = 0; i < 200 && g_main_context_iteration (NULL, FALSE); i++)
    ;
}

/* The estimate beside Generate follows the request, the takes and the
 * price table on disk. */
static gboolean
estimate_is (SdEstimateLabel *label,
             const char      *text)
{
  gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (g_strcmp0 (sd_estimate_label_get_text (label), text) != 0 &&
         g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
  return g_strcmp0 (sd_estimate_label_get_text (label), text) == 0;
}

static void
test_composer_shows_the_estimate_before_generate (ComposerFixture *fixture,
                                                  gconstpointer    data)
{
  SdEstimateLabel *label = SD_ESTIMATE_LABEL (gtk_widget_get_template_child (GTK_WIDGET (fixture->composer),
                                                                             SD_TYPE_COMPOSER,
                                                                             "estimate_label"));
  g_autoptr(SdRequest) source = sd_request_new ();
  g_autofree char *path = sd_prices_default_path ();
  g_autofree char *dir = g_path_get_dirname (path);

  sd_request_set_model (source, "sd2_mx_720p");
  sd_request_set_prompt (source, "waves at dusk");
  sd_request_set_duration (source, 8);
  sd_composer_load_request (fixture->composer, source);
  /* No price yet: the unit only. */
  g_assert_true (estimate_is (label, "billed per second; no price set"));

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, "{\"currency\": \"CNY\", \"prices\": {\"sd2_mx_720p\": \"0.05\"}}", -1, NULL));
  g_assert_true (estimate_is (label, "≈ ¥0.40 · 8 s × ¥0.05"));

  sd_estimate_label_set_takes (label, 4);
  g_assert_true (estimate_is (label, "≈ ¥1.60 · 4 takes × 8 s × ¥0.05"));

  /* The request is followed as it changes. */
  sd_request_set_duration (sd_composer_get_request (fixture->composer), 10);
  g_assert_true (estimate_is (label, "≈ ¥2.00 · 4 takes × 10 s × ¥0.05"));
  g_unlink (path);
}

/* How many lines of @estimate's text hold a single word, as it is laid
 * out now; @n_lines is set to its number of lines. */
static guint
count_lone_words (GtkWidget *estimate,
                  guint     *n_lines)
{
  PangoLayout *layout = gtk_label_get_layout (GTK_LABEL (gtk_widget_get_first_child (estimate)));
  const char *text = pango_layout_get_text (layout);
  guint lone = 0;

  *n_lines = pango_layout_get_line_count (layout);
  for (GSList *l = pango_layout_get_lines_readonly (layout); l != NULL; l = l->next)
    {
      PangoLayoutLine *line = l->data;
      g_autofree char *words = g_strstrip (g_strndup (text + line->start_index, line->length));

      if (*n_lines > 1 && strchr (words, ' ') == NULL)
        lone++;
    }
  return lone;
}

static void
allocate_for_width (GtkWidget *widget,
                    int        width)
{
  int height;

  gtk_widget_measure (widget, GTK_ORIENTATION_VERTICAL, width, &height, NULL, NULL, NULL);
  gtk_widget_allocate (widget, width, height, -1, NULL);
}

/* The estimate beside Generate wraps into two even lines at most, never a
 * full line over one orphan word, at every width of the Generate row from
 * its natural one down to its minimum; with room, it is one line. */
static void
test_composer_estimate_wraps_in_even_lines (ComposerFixture *fixture,
                                            gconstpointer    data)
{
  GtkWidget *estimate = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (fixture->composer),
                                                                   SD_TYPE_COMPOSER, "estimate_label"));
  GtkWidget *bar = gtk_widget_get_parent (estimate);
  const struct { const char *model; const char *text; } cases[] = {
    { "seedance2.0-md", "billed per task; no price set" },
    { "sd2_mx_720p", "billed per second; no price set" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(SdRequest) source = sd_request_new ();
      int min_width, nat_width;
      guint n_lines = 0;
      gboolean wrapped = FALSE;

      sd_request_set_model (source, cases[i].model);
      sd_request_set_prompt (source, "waves at dusk");
      sd_composer_load_request (fixture->composer, source);
      g_assert_true (estimate_is (SD_ESTIMATE_LABEL (estimate), cases[i].text));

      gtk_widget_measure (bar, GTK_ORIENTATION_HORIZONTAL, -1, &min_width, &nat_width, NULL, NULL);
      allocate_for_width (bar, nat_width);
      g_assert_cmpuint (count_lone_words (estimate, &n_lines), ==, 0);
      g_assert_cmpuint (n_lines, ==, 1);
      for (int width = nat_width; width >= min_width; width--)
        {
          allocate_for_width (bar, width);
          g_assert_cmpuint (count_lone_words (estimate, &n_lines), ==, 0);
          g_assert_cmpuint (n_lines, <=, 2);
          wrapped |= n_lines == 2;
        }
      g_assert_true (wrapped);
    }
}

/* Import Batch: a file of 10 lines with one invalid line names it, skipping
 * it queues the other nine; Export as Batch writes the requests back, with
 * a line's own label. */
static void
test_import_batch_reports_and_queues (ComposerFixture *fixture,
                                      gconstpointer    data)
{
  SdCatalog *catalog = sd_context_get_catalog (fixture->context);
  SdService *service = sd_context_get_service (fixture->context);
  g_autoptr(GString) text = g_string_new ("# ten lines\n");
  g_autoptr(SdBatch) batch = NULL;
  g_autoptr(SdBatch) exported = NULL;
  g_autoptr(SdPrices) prices = sd_prices_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *description = NULL;
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "exported.jsonl", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  SdSimulator *simulator = sd_demo_get_simulator (fixture->context);
  g_autoptr(GPtrArray) queued = NULL;
  gint64 end;

  for (guint i = 0; i < 10; i++)
    g_string_append_printf (text, "{\"model\": \"%s\", \"prompt\": \"take %u\"%s}\n",
                            i == 6 ? "nope" : "seedance2.0-fast-i2v", i,
                            i == 2 ? ", \"label\": \"the third\"" : "");
  batch = sd_batch_new_from_data (text->str, text->len, catalog, NULL, &error);
  g_assert_no_error (error);
  sd_prices_set (prices, "seedance2.0-fast-i2v", 100000);

  description = sd_batch_import_describe (batch, catalog, prices);
  g_assert_nonnull (strstr (description, "9 tasks to send"));
  g_assert_nonnull (strstr (description, "¥0.90"));
  g_assert_nonnull (strstr (description, "line 8: model:"));

  /* Quick tasks and polls: the queue drains within the test. */
  sd_simulator_set_timing (simulator, 100, 100);
  g_object_set (service, "first-poll-delay", 50, "max-poll-interval", 100, NULL);

  /* All nine are queued at once, in one group, before any answer: none
   * waits for another's send (the cap is 2). */
  queued = sd_batch_import_send (fixture->context, batch, prices, &error);
  g_assert_no_error (error);
  g_assert_nonnull (queued);
  g_assert_cmpuint (queued->len, ==, 9);
  g_assert_cmpuint (g_list_model_get_n_items (sd_service_get_tasks (service)), ==, 9);
  g_assert_cmpuint (sd_service_get_max_active (service), ==, 2);
  for (guint i = 0; i < queued->len; i++)
    {
      SdTask *task = g_ptr_array_index (queued, i);
      g_autoptr(SdTask) stored = sd_store_load_task (sd_context_get_store (fixture->context),
                                                     sd_task_get_id (task), &error);

      g_assert_no_error (error);
      g_assert_nonnull (stored);
      g_assert_cmpstr (sd_task_get_group_id (task), ==,
                       sd_task_get_group_id (g_ptr_array_index (queued, 0)));
      g_assert_cmpstr (sd_task_get_group_id (stored), ==, sd_task_get_group_id (task));
      g_assert_cmpstr (sd_task_get_group_label (stored), ==, "take 0");
      g_assert_cmpstr (sd_task_get_label (stored), ==, i == 2 ? "the third" : NULL);
      g_assert_cmpint (sd_task_get_estimate (stored), ==, 100000);
    }
  {
    g_autoptr(GPtrArray) waiting = sd_service_get_waiting (service);

    g_assert_cmpuint (waiting->len, >=, 7);
  }

  end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (sd_simulator_get_task_count (simulator) < 9 && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (sd_simulator_get_task_count (simulator), ==, 9);
  g_assert_cmpuint (sd_simulator_get_max_active (simulator), <=, 2);
  {
    g_autoptr(SdTask) first = g_list_model_get_item (sd_service_get_tasks (service), 0);

    g_assert_cmpint (sd_task_get_estimate (first), ==, 100000);
  }

  g_assert_true (sd_batch_export_write (sd_service_get_tasks (service), file, &error));
  g_assert_no_error (error);
  exported = sd_batch_new_from_file (path, catalog, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sd_batch_get_n_lines (exported), ==, 9);
  g_assert_cmpuint (sd_batch_get_n_invalid (exported), ==, 0);
  for (guint i = 0; i < 9; i++)
    g_assert_cmpstr (sd_batch_get_line (exported, i)->label, ==, i == 2 ? "the third" : NULL);
  g_unlink (path);
}

/* Import Batch with local files: the privacy notice, the uploads (one per
 * file, whatever the lines naming it), then the group, against the demo
 * simulator's upload endpoint. */

static AdwMessageDialog *
find_dialog (const char *heading)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data) && gtk_widget_get_visible (l->data) &&
        g_strcmp0 (adw_message_dialog_get_heading (l->data), heading) == 0)
      return l->data;
  return NULL;
}

/* As a click on the response's button: the answer, then the dialog closes. */
static void
respond (AdwMessageDialog *dialog,
         const char       *response)
{
  adw_message_dialog_response (dialog, response);
  gtk_window_close (GTK_WINDOW (dialog));
}

static gboolean
dialog_shown (gpointer heading)
{
  return find_dialog (heading) != NULL;
}

/* The import dialog, once its Queue (or @response) can be pressed: it
 * waits for the balance first. */
static AdwMessageDialog *
wait_for_import_dialog (const char *response)
{
  AdwMessageDialog *dialog;

  sd_test_gui_run_until (dialog_shown, (gpointer) "Import Batch", "the import dialog");
  dialog = find_dialog ("Import Batch");
  while (!adw_message_dialog_get_response_enabled (dialog, response))
    g_main_context_iteration (NULL, TRUE);
  return dialog;
}

static char *
write_batch_png (const char *dir,
                 const char *name)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 16, 16);
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, name, NULL);

  gdk_pixbuf_fill (pixbuf, 0x3366ccff);
  g_assert_true (gdk_pixbuf_save (pixbuf, path, "png", &error, NULL));
  g_assert_no_error (error);
  return path;
}

static GFile *
write_batch (const char *dir,
             const char *text)
{
  g_autofree char *path = g_build_filename (dir, "local.jsonl", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, text, -1, &error));
  g_assert_no_error (error);
  return g_file_new_for_path (path);
}

typedef struct
{
  SdService *service;
  guint      n;
  gboolean   progress_seen;
} TasksWait;

static gboolean
tasks_reach (gpointer data)
{
  TasksWait *wait = data;
  AdwMessageDialog *progress = find_dialog ("Uploading Files");

  if (progress != NULL &&
      g_str_has_prefix (adw_message_dialog_get_body (progress), "Uploading 1 of 1 file"))
    wait->progress_seen = TRUE;
  return g_list_model_get_n_items (sd_service_get_tasks (wait->service)) >= wait->n;
}

static void
test_import_batch_uploads_local_files (ComposerFixture *fixture,
                                       gconstpointer    data)
{
  SdSimulator *simulator = sd_demo_get_simulator (fixture->context);
  SdService *service = sd_context_get_service (fixture->context);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *png = NULL;
  g_autofree char *text = NULL;
  g_autofree char *link = NULL;
  g_autoptr(GFile) file = NULL;
  AdwMessageDialog *dialog;
  TasksWait wait = { service, 2, FALSE };
  GListModel *tasks = sd_service_get_tasks (service);

  if (sd_simulator_get_tls_base_url (simulator) == NULL)
    {
      g_test_skip ("No TLS backend: the simulator serves no https:// links");
      return;
    }
  dir = g_dir_make_tmp ("sd-batch-local-XXXXXX", &error);
  g_assert_no_error (error);
  png = write_batch_png (dir, "photo.png");
  /* the same file on two lines, once by its path and once relative */
  text = g_strdup_printf ("{\"model\": \"seedance2.0-fast-i2v\", \"prompt\": \"one\", \"images\": [\"%s\"]}\n"
                          "{\"model\": \"seedance2.0-fast-i2v\", \"prompt\": \"two\", \"images\": [\"./photo.png\"]}\n",
                          png);
  file = write_batch (dir, text);

  sd_batch_import_show_file (GTK_WINDOW (fixture->window), fixture->context, file);
  dialog = wait_for_import_dialog ("queue");
  g_assert_true (sd_test_gui_has_label_with (adw_message_dialog_get_extra_child (dialog),
                                             "1 local file is uploaded when the batch is queued."));
  respond (dialog, "queue");

  /* the composer's notice, asked before anything is uploaded */
  sd_test_gui_run_until (dialog_shown, (gpointer) "Upload Files?", "the privacy notice");
  dialog = find_dialog ("Upload Files?");
  g_assert_cmpstr (adw_message_dialog_get_body (dialog), ==, sd_uploader_get_privacy_notice ());
  g_assert_cmpuint (sd_simulator_get_request_count (simulator, SD_SIMULATOR_STEP_UPLOAD), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (tasks), ==, 0);
  respond (dialog, "upload");

  sd_test_gui_run_until (tasks_reach, &wait, "the batch's two tasks");
  g_assert_true (wait.progress_seen);
  g_assert_cmpuint (g_list_model_get_n_items (tasks), ==, 2);
  /* one uploader for the context: the composer has the import's answer */
  g_assert_true (sd_composer_get_uploader (fixture->composer) == sd_context_get_uploader (fixture->context));
  g_assert_true (sd_uploader_get_privacy_acknowledged (sd_composer_get_uploader (fixture->composer)));
  g_assert_cmpuint (sd_simulator_get_request_count (simulator, SD_SIMULATOR_STEP_UPLOAD), ==, 1);
  g_assert_cmpuint (sd_simulator_get_n_uploads (simulator), ==, 1);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(SdTask) task = g_list_model_get_item (tasks, i);
      const char * const *images = sd_request_get_images (sd_task_get_request (task));

      g_assert_nonnull (images);
      g_assert_cmpuint (g_strv_length ((char **) images), ==, 1);
      g_assert_true (g_str_has_prefix (images[0], "https://"));
      g_assert_null (strstr (images[0], "upload.invalid"));
      if (link == NULL)
        link = g_strdup (images[0]);
      g_assert_cmpstr (images[0], ==, link);
      g_assert_cmpstr (sd_task_get_group_label (task), ==, "local.jsonl");
    }
  {
    g_autoptr(SdTask) first = g_list_model_get_item (tasks, 0);
    g_autoptr(SdTask) second = g_list_model_get_item (tasks, 1);

    g_assert_cmpstr (sd_task_get_group_id (first), ==, sd_task_get_group_id (second));
  }
  g_assert_null (find_dialog ("Uploading Files"));

  g_unlink (png);
  g_file_delete (file, NULL, NULL);
  g_rmdir (dir);
}

static void
on_no_uploads_cb (GSimpleAction *action,
                  GVariant      *parameter,
                  char         **text)
{
  g_free (*text);
  *text = g_variant_dup_string (parameter, NULL);
}

/* No upload endpoint: the line naming a file is invalid with its file and
 * the reason, the window says it as Generate does, nothing is queued; the
 * other line goes once the user skips invalid lines. The notice is not
 * asked again once the composer's was acknowledged. */
static void
test_import_batch_failed_upload_queues_nothing (ComposerFixture *fixture,
                                                gconstpointer    data)
{
  SdSimulator *simulator = sd_demo_get_simulator (fixture->context);
  SdService *service = sd_context_get_service (fixture->context);
  GListModel *tasks = sd_service_get_tasks (service);
  g_autoptr(GSimpleActionGroup) group = g_simple_action_group_new ();
  g_autoptr(GSimpleAction) action = g_simple_action_new ("no-uploads", G_VARIANT_TYPE_STRING);
  g_autoptr(GError) error = NULL;
  g_autofree char *no_uploads = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *png = NULL;
  g_autofree char *text = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(GFile) file = NULL;
  AdwMessageDialog *dialog;
  TasksWait wait = { service, 1, FALSE };
  const char *sample;

  if (sd_simulator_get_tls_base_url (simulator) == NULL)
    {
      g_test_skip ("No TLS backend: the simulator serves no https:// links");
      return;
    }
  g_signal_connect (action, "activate", G_CALLBACK (on_no_uploads_cb), &no_uploads);
  g_action_map_add_action (G_ACTION_MAP (group), G_ACTION (action));
  gtk_widget_insert_action_group (fixture->window, "win", G_ACTION_GROUP (group));
  sd_uploader_acknowledge_privacy (sd_composer_get_uploader (fixture->composer));
  sd_simulator_set_fault (simulator, SD_SIMULATOR_STEP_UPLOAD, SD_SIMULATOR_FAULT_NO_ENDPOINT, 0);

  dir = g_dir_make_tmp ("sd-batch-local-XXXXXX", &error);
  g_assert_no_error (error);
  png = write_batch_png (dir, "photo.png");
  sample = sd_simulator_get_sample_image_url (simulator, 0);
  text = g_strdup_printf ("{\"model\": \"seedance2.0-fast-i2v\", \"prompt\": \"linked\", \"images\": [\"%s\"]}\n"
                          "{\"model\": \"seedance2.0-fast-i2v\", \"prompt\": \"local\", \"images\": [\"%s\"]}\n",
                          sample, png);
  file = write_batch (dir, text);

  sd_batch_import_show_file (GTK_WINDOW (fixture->window), fixture->context, file);
  dialog = wait_for_import_dialog ("queue");
  respond (dialog, "queue");

  /* no notice this time: shown again with the line at fault */
  sd_test_gui_run_until (dialog_shown, (gpointer) "Import Batch", "the import dialog again");
  g_assert_null (find_dialog ("Upload Files?"));
  dialog = wait_for_import_dialog ("skip");
  expected = g_strdup_printf ("line 2: “%s” could not be uploaded: This server does not accept uploads", png);
  g_assert_true (sd_test_gui_has_label_with (adw_message_dialog_get_extra_child (dialog), expected));
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "queue"));
  g_assert_nonnull (no_uploads);
  g_assert_nonnull (strstr (no_uploads, "does not accept uploads"));
  g_assert_cmpuint (g_list_model_get_n_items (tasks), ==, 0);
  g_assert_cmpuint (sd_simulator_get_task_count (simulator), ==, 0);
  g_assert_cmpuint (sd_simulator_get_n_uploads (simulator), ==, 0);

  /* skipping it queues the line of links only */
  respond (dialog, "skip");
  sd_test_gui_run_until (tasks_reach, &wait, "the linked line's task");
  {
    g_autoptr(SdTask) task = g_list_model_get_item (tasks, 0);

    g_assert_cmpuint (g_list_model_get_n_items (tasks), ==, 1);
    g_assert_cmpstr (sd_request_get_images (sd_task_get_request (task))[0], ==, sample);
  }

  g_unlink (png);
  g_file_delete (file, NULL, NULL);
  g_rmdir (dir);
}

static gboolean
upload_requested (gpointer simulator)
{
  return sd_simulator_get_request_count (simulator, SD_SIMULATOR_STEP_UPLOAD) > 0;
}

/* Closing the progress dialog while a file is on its way stops it: nothing
 * is queued and the import dialog does not come back. */
static void
test_import_batch_upload_cancelled_by_closing (ComposerFixture *fixture,
                                               gconstpointer    data)
{
  SdSimulator *simulator = sd_demo_get_simulator (fixture->context);
  GListModel *tasks = sd_service_get_tasks (sd_context_get_service (fixture->context));
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *png = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GFile) file = NULL;
  AdwMessageDialog *dialog;

  if (sd_simulator_get_tls_base_url (simulator) == NULL)
    {
      g_test_skip ("No TLS backend: the simulator serves no https:// links");
      return;
    }
  sd_uploader_acknowledge_privacy (sd_composer_get_uploader (fixture->composer));
  /* the upload's answer never comes within the test */
  sd_simulator_set_fault (simulator, SD_SIMULATOR_STEP_UPLOAD, SD_SIMULATOR_FAULT_SLOW, 0);
  dir = g_dir_make_tmp ("sd-batch-local-XXXXXX", &error);
  g_assert_no_error (error);
  png = write_batch_png (dir, "photo.png");
  text = g_strdup_printf ("{\"model\": \"seedance2.0-fast-i2v\", \"prompt\": \"one\", \"images\": [\"%s\"]}\n", png);
  file = write_batch (dir, text);

  sd_batch_import_show_file (GTK_WINDOW (fixture->window), fixture->context, file);
  dialog = wait_for_import_dialog ("queue");
  respond (dialog, "queue");
  sd_test_gui_run_until (upload_requested, simulator, "the upload on its way");
  dialog = find_dialog ("Uploading Files");
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_body (dialog), ==, "Uploading 1 of 1 file…");
  gtk_window_close (GTK_WINDOW (dialog));

  sd_test_run_for (500);
  g_assert_null (find_dialog ("Uploading Files"));
  g_assert_null (find_dialog ("Import Batch"));
  g_assert_cmpuint (g_list_model_get_n_items (tasks), ==, 0);
  g_assert_cmpuint (sd_simulator_get_task_count (simulator), ==, 0);

  g_unlink (png);
  g_file_delete (file, NULL, NULL);
  g_rmdir (dir);
}

/* The Prices page writes prices.json on each valid edit, never a wrong
 * amount, and keeps a file it cannot read as it is. */
static void
test_prices_page_writes_the_table (ComposerFixture *fixture,
                                   gconstpointer    data)
{
  g_autofree char *path = sd_prices_default_path ();
  g_autofree char *after = NULL;
  g_autoptr(SdPrices) saved = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *page = g_object_ref_sink (sd_prices_page_new (fixture->context));
  GtkWidget *bad_page = NULL;
  SdMoney amount;
  const char *bad = "{\"prices\": {\"sd2_mx_720p\": \"cheap\"}}";

  g_unlink (path);
  g_assert_true (sd_prices_page_set_amount_text (SD_PRICES_PAGE (page), "sd2_mx_720p", "0.05"));
  g_assert_true (sd_prices_page_set_amount_text (SD_PRICES_PAGE (page), "seedance2.0-fast-i2v", "abc"));
  g_assert_false (sd_prices_page_set_amount_text (SD_PRICES_PAGE (page), "nope", "1"));
  saved = sd_prices_new_from_file (path, &error);
  g_assert_no_error (error);
  g_assert_true (sd_prices_lookup (saved, "sd2_mx_720p", &amount));
  g_assert_cmpint (amount, ==, 50000);
  g_assert_false (sd_prices_lookup (saved, "seedance2.0-fast-i2v", NULL));
  g_assert_nonnull (strstr (sd_prices_page_get_today_text (SD_PRICES_PAGE (page)), "completed"));
  g_object_unref (page);

  g_assert_true (g_file_set_contents (path, bad, -1, NULL));
  bad_page = g_object_ref_sink (sd_prices_page_new (fixture->context));
  sd_prices_page_set_amount_text (SD_PRICES_PAGE (bad_page), "sd2_mx_720p", "0.07");
  g_assert_true (g_file_get_contents (path, &after, NULL, NULL));
  g_assert_cmpstr (after, ==, bad);
  g_object_unref (bad_page);
  g_unlink (path);
}

static void
composer_tear_down (ComposerFixture *fixture,
                    gconstpointer    data)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  g_clear_object (&fixture->submitted);
  drain_pending_events ();
  g_clear_object (&fixture->context);
}

static void
type_prompt (ComposerFixture *fixture,
             const char      *prompt)
{
  gtk_text_buffer_set_text (sd_composer_get_prompt_buffer (fixture->composer), prompt, -1);
}

static void
test_composer_ratios_follow_the_model (ComposerFixture *fixture,
                                       gconstpointer    data)
{
  GPtrArray *ratios;

  g_assert_true (sd_composer_select_model (fixture->composer, "seedance2.0-md"));
  g_assert_cmpstr (sd_request_get_model (sd_composer_get_request (fixture->composer)), ==, "seedance2.0-md");
  ratios = sd_composer_get_ratio_values (fixture->composer);
  /* MD documents three ratios and no default: the server's default comes first */
  g_assert_cmpuint (ratios->len, ==, 4);
  g_assert_null (g_ptr_array_index (ratios, 0));
  g_assert_cmpstr (g_ptr_array_index (ratios, 1), ==, "16:9");
  g_assert_cmpstr (g_ptr_array_index (ratios, 2), ==, "9:16");
  g_assert_cmpstr (g_ptr_array_index (ratios, 3), ==, "1:1");

  g_assert_false (sd_composer_select_model (fixture->composer, "no-such-model"));
  g_assert_cmpstr (sd_request_get_model (sd_composer_get_request (fixture->composer)), ==, "seedance2.0-md");
  g_assert_true (sd_composer_select_model (fixture->composer, "sd2_mx_720p"));
  g_assert_cmpuint (sd_composer_get_ratio_values (fixture->composer)->len, ==, 8);
}

static void
test_composer_adds_urls_and_refuses_the_rest (ComposerFixture *fixture,
                                              gconstpointer    data)
{
  SdRequest *request = sd_composer_get_request (fixture->composer);

  sd_composer_select_model (fixture->composer, "seedance2.0-fast-i2v");
  g_assert_cmpuint (sd_composer_add_image_text (fixture->composer,
                                                "# from a browser\r\n"
                                                "https://example.com/1.png\r\n"
                                                "https://example.com/2.png\r\n"), ==, 2);
  g_assert_cmpuint (sd_composer_add_image_text (fixture->composer,
                                                "https://example.com/3.png, https://example.com/4.png\n"
                                                "https://example.com/5.png"), ==, 3);
  g_assert_cmpuint (g_strv_length ((char **) sd_request_get_images (request)), ==, 5);
  g_assert_cmpstr (sd_request_get_images (request)[4], ==, "https://example.com/5.png");
  g_assert_cmpstr (sd_composer_get_images_message_text (fixture->composer), ==, "");

  /* what is refused is said under the entry, until the next addition */
  g_assert_cmpuint (sd_composer_add_image_text (fixture->composer, "a cat"), ==, 0);
  g_assert_nonnull (strstr (sd_composer_get_images_message_text (fixture->composer), "cat"));

  /* a local file is taken, to be uploaded at Generate */
  g_assert_cmpuint (sd_composer_add_image_text (fixture->composer, "file:///home/ana/cat.png"), ==, 1);
  g_assert_cmpstr (sd_composer_get_images_message_text (fixture->composer), ==, "");
  g_assert_cmpuint (g_strv_length ((char **) sd_request_get_images (request)), ==, 6);
  g_assert_cmpstr (sd_request_get_images (request)[5], ==, "file:///home/ana/cat.png");
}

static void
test_composer_invalid_request_blocks_generate (ComposerFixture *fixture,
                                               gconstpointer    data)
{
  sd_composer_select_model (fixture->composer, "seedance2.0-md");
  type_prompt (fixture, "a cat turns its head");
  sd_composer_add_image_text (fixture->composer,
                              "https://example.com/1.png https://example.com/2.png "
                              "https://example.com/3.png https://example.com/4.png "
                              "https://example.com/5.png");

  /* MD takes at most 4 images */
  g_assert_cmpstr (sd_composer_get_images_count_text (fixture->composer), ==, "5 / 4");
  g_assert_cmpstr (sd_composer_get_problem_text (fixture->composer, "images"), !=, "");
  g_assert_false (sd_composer_get_can_generate (fixture->composer));
  gtk_widget_activate_action (GTK_WIDGET (fixture->composer), "composer.generate", NULL);
  drain_pending_events ();
  g_assert_null (fixture->submitted);
}

static void
test_composer_generate_submits_and_keeps_content (ComposerFixture *fixture,
                                                  gconstpointer    data)
{
  SdRequest *request = sd_composer_get_request (fixture->composer);

  sd_composer_select_model (fixture->composer, "seedance2.0-md");
  g_assert_false (sd_composer_get_can_generate (fixture->composer));
  type_prompt (fixture, "a cat turns its head");
  sd_composer_add_image_text (fixture->composer, "https://example.com/1.png");
  g_assert_cmpstr (sd_composer_get_problem_text (fixture->composer, "images"), ==, "");
  g_assert_cmpstr (sd_composer_get_prompt_count_text (fixture->composer), ==, "20 / 5000");
  g_assert_true (sd_composer_get_can_generate (fixture->composer));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->composer), "composer.generate", NULL));
  g_assert_false (sd_composer_get_can_generate (fixture->composer));
  while (fixture->submitted == NULL &&
         *sd_composer_get_generate_hint_text (fixture->composer) == '\0')
    {
      /* example.com cannot be reached here: send anyway */
      if (sd_composer_get_media_dialog (fixture->composer) != NULL)
        adw_message_dialog_response (ADW_MESSAGE_DIALOG (sd_composer_get_media_dialog (fixture->composer)), "go");
      else
        g_main_context_iteration (NULL, TRUE);
    }

  /* no "Task submitted": the new row in the results says it */
  g_assert_nonnull (fixture->submitted);
  g_assert_cmpstr (sd_composer_get_generate_hint_text (fixture->composer), ==, "");
  g_assert_cmpstr (sd_request_get_prompt (sd_task_get_request (fixture->submitted)), ==, "a cat turns its head");
  /* nothing lost: the composer keeps its content */
  g_assert_cmpstr (sd_request_get_prompt (request), ==, "a cat turns its head");
  g_assert_cmpuint (g_strv_length ((char **) sd_request_get_images (request)), ==, 1);
  g_assert_true (sd_composer_get_can_generate (fixture->composer));
}

/* Takes: 4 makes four rows of one group, each carrying the group label. */
static void
test_composer_takes_make_a_group (ComposerFixture *fixture,
                                  gconstpointer    data)
{
  SdService *service = sd_context_get_service (fixture->context);
  GListModel *tasks = sd_service_get_tasks (service);
  guint before = g_list_model_get_n_items (tasks);
  g_autoptr(SdTask) first = NULL;

  sd_composer_select_model (fixture->composer, "seedance2.0-md");
  type_prompt (fixture, "a heron takes off");
  sd_composer_add_image_text (fixture->composer, "https://example.com/1.png");
  sd_composer_set_takes (fixture->composer, 4);
  g_assert_true (sd_composer_get_can_generate (fixture->composer));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->composer), "composer.generate", NULL));
  while (fixture->submitted == NULL &&
         *sd_composer_get_generate_hint_text (fixture->composer) == '\0')
    {
      /* example.com cannot be reached here: send anyway */
      if (sd_composer_get_media_dialog (fixture->composer) != NULL)
        adw_message_dialog_response (ADW_MESSAGE_DIALOG (sd_composer_get_media_dialog (fixture->composer)), "go");
      else
        g_main_context_iteration (NULL, TRUE);
    }

  g_assert_nonnull (fixture->submitted);
  g_assert_cmpuint (g_list_model_get_n_items (tasks), ==, before + 4);
  first = g_list_model_get_item (tasks, 0);
  g_assert_nonnull (sd_task_get_group_id (first));
  for (guint i = 0; i < 4; i++)
    {
      g_autoptr(SdTask) task = g_list_model_get_item (tasks, i);

      g_assert_cmpstr (sd_task_get_group_id (task), ==, sd_task_get_group_id (first));
      g_assert_cmpstr (sd_task_get_group_label (task), ==, "a heron takes off");
      g_assert_cmpstr (sd_request_get_prompt (sd_task_get_request (task)), ==, "a heron takes off");
    }
  /* the default cap: two at the provider, the rest wait here */
  g_assert_cmpuint (sd_service_get_max_active (service), ==, 2);
}

static void
test_composer_load_request_fills_every_field (ComposerFixture *fixture,
                                              gconstpointer    data)
{
  g_autoptr(SdRequest) source = sd_request_new ();
  SdRequest *request = sd_composer_get_request (fixture->composer);
  const char *videos[] = { "https://example.com/v.mp4", NULL };

  sd_request_set_model (source, "seedance2.0-md");
  sd_request_set_prompt (source, "waves at dusk");
  sd_request_set_ratio (source, "9:16");
  sd_request_set_duration (source, 7);
  sd_request_set_first_image (source, "https://example.com/first.png");
  sd_request_set_last_image (source, "https://example.com/last.png");
  sd_request_set_reference_videos (source, videos);

  sd_composer_load_request (fixture->composer, source);
  g_assert_cmpstr (sd_request_get_model (request), ==, "seedance2.0-md");
  g_assert_cmpstr (sd_request_get_prompt (request), ==, "waves at dusk");
  g_assert_cmpstr (sd_request_get_ratio (request), ==, "9:16");
  g_assert_cmpint (sd_request_get_duration (request), ==, 7);
  g_assert_cmpstr (sd_request_get_first_image (request), ==, "https://example.com/first.png");
  g_assert_cmpstr (sd_request_get_last_image (request), ==, "https://example.com/last.png");
  g_assert_cmpstr (sd_request_get_reference_videos (request)[0], ==, "https://example.com/v.mp4");
  g_assert_true (sd_request_get_images (request) == NULL || sd_request_get_images (request)[0] == NULL);
}

static void
test_composer_remembers_choices (ComposerFixture *fixture,
                                 gconstpointer    data)
{
  GSettings *settings = sd_context_get_settings (fixture->context);
  g_autoptr(GtkWidget) second = NULL;

  sd_composer_select_model (fixture->composer, "seedance2.0-md");
  g_assert_cmpstr (g_settings_get_string (settings, "last-model"), ==, "seedance2.0-md");

  second = g_object_ref_sink (sd_composer_new (fixture->context));
  g_assert_cmpstr (sd_request_get_model (sd_composer_get_request (SD_COMPOSER (second))), ==, "seedance2.0-md");
}

/* Re-using a task's settings is not choosing them: the last-* keys keep
 * what the user chose; the mode switch is kept even with no images. */
static void
test_composer_loaded_draft_is_not_remembered (ComposerFixture *fixture,
                                              gconstpointer    data)
{
  GSettings *settings = sd_context_get_settings (fixture->context);
  g_autoptr(SdRequest) draft = sd_request_new ();
  GtkWidget *composer = GTK_WIDGET (fixture->composer);
  GtkToggleButton *frames = GTK_TOGGLE_BUTTON (gtk_widget_get_template_child (composer, SD_TYPE_COMPOSER,
                                                                              "frames_toggle"));
  GtkAdjustment *duration = GTK_ADJUSTMENT (gtk_widget_get_template_child (composer, SD_TYPE_COMPOSER,
                                                                           "duration_adjustment"));

  g_assert_true (sd_composer_select_model (fixture->composer, "seedance2.0-md"));
  gtk_adjustment_set_value (duration, 8);
  gtk_toggle_button_set_active (frames, TRUE);
  g_assert_cmpstr (g_settings_get_string (settings, "last-model"), ==, "seedance2.0-md");
  g_assert_cmpint (g_settings_get_int (settings, "last-duration"), ==, 8);
  g_assert_true (g_settings_get_boolean (settings, "last-frame-mode"));

  sd_request_set_model (draft, "seedance2.0-fast-i2v");
  sd_request_set_ratio (draft, "9:16");
  sd_request_set_duration (draft, 4);
  sd_request_set_images (draft, (const char * const []) { "https://example.com/a.png", NULL });
  sd_composer_load_request (fixture->composer, draft);
  g_assert_cmpstr (sd_request_get_model (sd_composer_get_request (fixture->composer)), ==, "seedance2.0-fast-i2v");
  g_assert_false (gtk_toggle_button_get_active (frames));

  g_assert_cmpstr (g_settings_get_string (settings, "last-model"), ==, "seedance2.0-md");
  g_assert_cmpint (g_settings_get_int (settings, "last-duration"), ==, 8);
  g_assert_true (g_settings_get_boolean (settings, "last-frame-mode"));

  /* what the user changes after that is remembered again */
  gtk_adjustment_set_value (duration, 6);
  g_assert_cmpint (g_settings_get_int (settings, "last-duration"), ==, 6);

  /* the memory backend outlives the test */
  g_settings_reset (settings, "last-duration");
  g_settings_reset (settings, "last-frame-mode");
}

static GtkImage *
find_thumbnail (GtkWidget *widget)
{
  if (GTK_IS_IMAGE (widget) && gtk_widget_has_css_class (widget, "thumbnail") &&
      gtk_widget_get_ancestor (widget, SD_TYPE_MEDIA_ROW) != NULL)
    return GTK_IMAGE (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkImage *found = find_thumbnail (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
test_composer_demo_sample_images_validate_and_show (ComposerFixture *fixture,
                                                    gconstpointer    data)
{
  SdSimulator *simulator = sd_demo_get_simulator (fixture->context);
  GtkImage *thumbnail;

  if (sd_simulator_get_tls_base_url (simulator) == NULL)
    {
      g_test_skip ("no TLS backend (glib-networking) is installed");
      return;
    }

  sd_composer_select_model (fixture->composer, "seedance2.0-md");
  type_prompt (fixture, "a girl in a red coat turns around");
  g_assert_cmpuint (sd_composer_add_image_text (fixture->composer,
                                                sd_simulator_get_sample_image_url (simulator, 1)), ==, 1);
  /* the same rules as for any web link, and nothing to complain about */
  g_assert_cmpstr (sd_composer_get_problem_text (fixture->composer, "images"), ==, "");
  g_assert_true (sd_composer_get_can_generate (fixture->composer));

  thumbnail = find_thumbnail (GTK_WIDGET (fixture->composer));
  g_assert_nonnull (thumbnail);
  while (gtk_image_get_storage_type (thumbnail) != GTK_IMAGE_PAINTABLE &&
         gtk_widget_get_tooltip_text (GTK_WIDGET (thumbnail)) == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (gtk_widget_get_tooltip_text (GTK_WIDGET (thumbnail)));
  g_assert_cmpint (gtk_image_get_storage_type (thumbnail), ==, GTK_IMAGE_PAINTABLE);
}

/* A 360 px window (a phone, or a tiled half of a small screen) shows the
 * composer alone, full width: it may not ask for more, whatever the model,
 * the mode and however long the links are, and leaves room for a classic
 * (non-overlay) scrollbar. */
#define NARROW_COMPOSER_WIDTH (360 - 16)


static int
composer_minimum_width (ComposerFixture *fixture)
{
  int minimum = 0;
  int natural = 0;

  drain_pending_events ();
  gtk_widget_measure (GTK_WIDGET (fixture->composer), GTK_ORIENTATION_HORIZONTAL, -1,
                      &minimum, &natural, NULL, NULL);
  return minimum;
}

static void
test_composer_fits_a_narrow_window (ComposerFixture *fixture,
                                    gconstpointer    data)
{
  GListModel *models = sd_catalog_get_models (sd_context_get_catalog (fixture->context));
  const char *images[] = {
    "https://images.example.com/a/very/long/path/to/a/reference/picture-with-a-long-name.jpg",
    "https://images.example.com/another/long/path/second-reference-picture-at-full-size.png",
    NULL
  };
  const char *videos[] = { "https://media.example.com/clips/a-rather-long-reference-clip-name.mp4", NULL };
  const char *audios[] = { "https://media.example.com/sound/a-rather-long-reference-track-name.mp3", NULL };

  g_assert_cmpuint (g_list_model_get_n_items (models), >, 0);
  for (guint i = 0; i < g_list_model_get_n_items (models); i++)
    {
      g_autoptr(SdModel) model = g_list_model_get_item (models, i);
      g_autoptr(SdRequest) references = sd_request_new ();
      g_autoptr(SdRequest) frames = sd_request_new ();
      int width;

      sd_request_set_model (references, sd_model_get_id (model));
      sd_request_set_prompt (references, "A girl in a red coat turns around in the rain");
      sd_request_set_images (references, images);
      sd_request_set_reference_videos (references, videos);
      sd_request_set_reference_audios (references, audios);
      sd_composer_load_request (fixture->composer, references);
      width = composer_minimum_width (fixture);
      g_test_message ("%s with references: %d px", sd_model_get_id (model), width);
      g_assert_cmpint (width, <=, NARROW_COMPOSER_WIDTH);

      sd_request_set_model (frames, sd_model_get_id (model));
      sd_request_set_first_image (frames, images[0]);
      sd_request_set_last_image (frames, images[1]);
      sd_composer_load_request (fixture->composer, frames);
      width = composer_minimum_width (fixture);
      g_test_message ("%s with frames: %d px", sd_model_get_id (model), width);
      g_assert_cmpint (width, <=, NARROW_COMPOSER_WIDTH);
    }
}

static const char *
blocker_of (SdComposer *composer)
{
  g_autofree char *blocker = NULL;
  static char copy[1024];

  g_object_get (composer, "blocker", &blocker, NULL);
  g_strlcpy (copy, blocker != NULL ? blocker : "", sizeof copy);
  return copy;
}

/* A refused API address in Preferences is shown on its row and blocks
 * Generate, with the reason next to it, until it is corrected there. */
/* A window made before the demo starts (the welcome page's "Try the demo",
 * `seedance-studio --demo-without-token`) still shows the demo's pictures
 * and checks its links: the thumbnailer and the checker follow the
 * context into demo mode, and trust the demo server's certificate only
 * then. */
static void
test_demo_started_later_is_trusted (void)
{
  g_autoptr(SdContext) context = NULL;
  g_autoptr(SdThumbnailer) thumbnailer = NULL;
  g_autoptr(SdMediaCheck) check = NULL;
  g_autoptr(SdRequest) request = sd_request_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  LoadResult after = { 0 };
  SdMediaChecker *checker;
  SdComposer *composer;
  const char *url;
  const char *images[2] = { NULL, NULL };

  if (!g_tls_backend_supports_tls (g_tls_backend_get_default ()))
    {
      g_test_skip ("no TLS backend (glib-networking) is installed");
      return;
    }
  g_unsetenv ("SEEDANCE_API_BASE");
  context = sd_context_new (&error);
  g_assert_no_error (error);
  g_assert_false (sd_context_get_demo (context));
  composer = SD_COMPOSER (g_object_ref_sink (sd_composer_new (context)));
  thumbnailer = sd_thumbnailer_new_for_context (context);
  checker = sd_composer_get_media_checker (composer);

  g_assert_true (sd_demo_start (context, &error));
  g_assert_no_error (error);
  url = sd_simulator_get_sample_image_url (sd_demo_get_simulator (context), 0);
  g_assert_nonnull (url);

  load (thumbnailer, url, NULL, &after);
  g_assert_no_error (after.error);
  g_assert_nonnull (after.texture);
  g_clear_object (&after.texture);

  images[0] = url;
  sd_request_set_model (request, "seedance2.0-fast-i2v");
  sd_request_set_images (request, images);
  check = sd_media_check_new (checker, request,
                              sd_catalog_lookup (sd_context_get_catalog (context), "seedance2.0-fast-i2v"));
  sd_media_check_run_async (check, NULL, sd_test_store_result_cb, &result);
  sd_test_wait_until (sd_test_result_arrived, &result, 60, "the media check");
  g_assert_true (sd_media_check_run_finish (check, result, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sd_media_check_get_state (check), ==, SD_MEDIA_CHECK_STATE_OK);

  g_object_unref (composer);
}

static void
test_refused_base_url_blocks_generate_until_corrected (void)
{
  g_autoptr(GSettings) settings = g_settings_new (SCHEMA_ID);
  g_autoptr(SdContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *saved = NULL;
  SdComposer *composer;
  GtkWidget *window;
  GtkWidget *preferences;
  GtkWidget *row;
  GtkLabel *label;

  g_unsetenv ("SEEDANCE_API_BASE");
  g_settings_set_string (settings, "api-base-url", "http://bob:hunter2@localtest.me");
  context = sd_context_new (&error);
  g_assert_no_error (error);
  g_assert_nonnull (sd_context_get_base_url_error (context));

  composer = SD_COMPOSER (sd_composer_new (context));
  window = gtk_window_new ();
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (composer));
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (sd_composer_select_model (composer, "seedance2.0-std"));
  gtk_text_buffer_set_text (sd_composer_get_prompt_buffer (composer), "a cat", -1);
  g_assert_false (sd_composer_get_can_generate (composer));
  g_assert_cmpstr (blocker_of (composer), ==, sd_context_get_base_url_error (context));
  g_assert_null (strstr (blocker_of (composer), "hunter2"));

  preferences = sd_preferences_window_new (context);
  gtk_window_present (GTK_WINDOW (preferences));
  row = GTK_WIDGET (gtk_widget_get_template_child (preferences, SD_TYPE_PREFERENCES_WINDOW,
                                                   "base_url_row"));
  label = GTK_LABEL (gtk_widget_get_template_child (preferences, SD_TYPE_PREFERENCES_WINDOW,
                                                    "base_url_error_label"));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (label)));
  g_assert_cmpstr (gtk_label_get_text (label), ==, sd_context_get_base_url_error (context));
  g_assert_true (gtk_widget_has_css_class (row, "error"));

  /* Another refused spelling is not saved. */
  gtk_editable_set_text (GTK_EDITABLE (row), " https://www.jimmyai.cn");
  g_signal_emit_by_name (row, "apply");
  g_free (saved);
  saved = g_settings_get_string (settings, "api-base-url");
  g_assert_cmpstr (saved, ==, "http://bob:hunter2@localtest.me");
  g_assert_true (gtk_widget_has_css_class (row, "error"));
  g_assert_false (sd_composer_get_can_generate (composer));

  /* Corrected: saved as it is used, and Generate is no longer blocked by it. */
  gtk_editable_set_text (GTK_EDITABLE (row), "HTTPS://Mirror.Example.com/");
  g_signal_emit_by_name (row, "apply");
  g_free (saved);
  saved = g_settings_get_string (settings, "api-base-url");
  g_assert_cmpstr (saved, ==, "https://mirror.example.com");
  g_assert_null (sd_context_get_base_url_error (context));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (label)));
  g_assert_false (gtk_widget_has_css_class (row, "error"));
  g_assert_null (strstr (blocker_of (composer), "API address"));

  gtk_window_destroy (GTK_WINDOW (preferences));
  gtk_window_destroy (GTK_WINDOW (window));
  drain_pending_events ();
  g_settings_reset (settings, "api-base-url");
}


static GtkWidget *
composer_child (SdComposer *composer,
                const char *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (composer), SD_TYPE_COMPOSER, name);

  g_assert_nonnull (child);
  return GTK_WIDGET (child);
}

static GtkWidget *
images_child (SdComposer *composer,
              const char *name)
{
  GtkWidget *list = composer_child (composer, "images_list");
  GObject *child = gtk_widget_get_template_child (list, SD_TYPE_MEDIA_LIST, name);

  g_assert_nonnull (child);
  return GTK_WIDGET (child);
}

/* Pasting several links into the entry makes them rows at once, not a
 * line of text with line-break glyphs. */
static void
test_composer_paste_of_links_makes_rows (ComposerFixture *fixture,
                                         gconstpointer    data)
{
  SdRequest *request = sd_composer_get_request (fixture->composer);
  GtkEditable *entry = GTK_EDITABLE (images_child (fixture->composer, "entry"));
  int position = 0;

  sd_composer_select_model (fixture->composer, "seedance2.0-fast-i2v");
  gtk_editable_insert_text (entry, "https://example.com/1.png\nhttps://example.com/2.png\r\n"
                                   "https://example.com/3.png\n", -1, &position);
  g_assert_cmpuint (g_strv_length ((char **) sd_request_get_images (request)), ==, 3);
  g_assert_cmpstr (gtk_editable_get_text (entry), ==, "");

  /* space-separated, too */
  position = 0;
  gtk_editable_insert_text (entry, "https://example.com/4.png https://example.com/5.png", -1, &position);
  g_assert_cmpuint (g_strv_length ((char **) sd_request_get_images (request)), ==, 5);
  g_assert_cmpstr (gtk_editable_get_text (entry), ==, "");

  /* one link, typed or pasted, stays in the entry until Enter */
  position = 0;
  gtk_editable_insert_text (entry, "https://example.com/6.png", -1, &position);
  g_assert_cmpstr (gtk_editable_get_text (entry), ==, "https://example.com/6.png");
  g_assert_cmpuint (g_strv_length ((char **) sd_request_get_images (request)), ==, 5);
}

static SdMediaRow *
image_row (ComposerFixture *fixture,
           int              index)
{
  GtkListBox *list = GTK_LIST_BOX (images_child (fixture->composer, "list"));

  return SD_MEDIA_ROW (gtk_list_box_get_row_at_index (list, index));
}

/* Validation points at the culprit: the rows at fault are marked, the
 * counter reads "10 / 9" in the error colour, the text is said once and
 * the hint by Generate takes the user to the field. */
static void
test_composer_marks_the_culprit (ComposerFixture *fixture,
                                 gconstpointer    data)
{
  GtkWidget *count = images_child (fixture->composer, "count_label");
  g_autoptr(GString) links = g_string_new (NULL);
  GtkWidget *focus;

  sd_composer_select_model (fixture->composer, "seedance2.0-md");
  type_prompt (fixture, "a cat turns its head");
  sd_composer_add_image_text (fixture->composer, "https://example.com/ok.png http://example.com/plain.png");

  /* an http:// link looks invalid, and says why to screen readers */
  g_assert_null (sd_media_row_get_problem (image_row (fixture, 0)));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (image_row (fixture, 0)), "error"));
  g_assert_nonnull (sd_media_row_get_problem (image_row (fixture, 1)));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (image_row (fixture, 1)), "error"));
  g_assert_cmpstr (sd_media_row_get_problem (image_row (fixture, 1)), ==,
                   sd_composer_get_problem_text (fixture->composer, "images"));

  /* said once: under the list; by Generate only a link to it */
  g_assert_null (strstr (sd_composer_get_generate_hint_text (fixture->composer), "http://"));
  g_assert_nonnull (strstr (sd_composer_get_generate_hint_text (fixture->composer), "Images"));
  g_assert_true (sd_composer_activate_generate_hint (fixture->composer));
  focus = gtk_root_get_focus (GTK_ROOT (fixture->window));
  g_assert_true (focus == GTK_WIDGET (image_row (fixture, 1)));

  /* ten of nine: the counter and the row past the limit */
  sd_composer_select_model (fixture->composer, "seedance2.0-std");
  sd_media_list_set_urls (SD_MEDIA_LIST (composer_child (fixture->composer, "images_list")), NULL);
  for (guint i = 0; i < 10; i++)
    g_string_append_printf (links, "https://example.com/%u.png\n", i);
  g_assert_cmpuint (sd_composer_add_image_text (fixture->composer, links->str), ==, 10);
  g_assert_cmpstr (sd_composer_get_images_count_text (fixture->composer), ==, "10 / 9");
  g_assert_true (gtk_widget_has_css_class (count, "error"));
  g_assert_null (sd_media_row_get_problem (image_row (fixture, 8)));
  g_assert_nonnull (sd_media_row_get_problem (image_row (fixture, 9)));

  /* fixed: nothing stays marked */
  g_signal_emit_by_name (image_row (fixture, 9), "remove");
  g_assert_cmpstr (sd_composer_get_images_count_text (fixture->composer), ==, "9 / 9");
  g_assert_false (gtk_widget_has_css_class (count, "error"));
  for (guint i = 0; i < 9; i++)
    g_assert_null (sd_media_row_get_problem (image_row (fixture, i)));
  g_assert_true (sd_composer_get_can_generate (fixture->composer));
}

/* The model picker: grouped by family, searchable, the current one marked,
 * each fact once. */
static void
test_composer_model_picker_searches_and_marks (ComposerFixture *fixture,
                                               gconstpointer    data)
{
  SdModelPicker *picker = SD_MODEL_PICKER (composer_child (fixture->composer, "model_picker"));
  GListModel *models = sd_catalog_get_models (sd_context_get_catalog (fixture->context));
  g_auto(GStrv) all = NULL;
  g_auto(GStrv) headers = NULL;
  g_auto(GStrv) found = NULL;
  g_autofree char *marked = NULL;
  g_autofree char *std_text = NULL;

  g_assert_true (sd_composer_select_model (fixture->composer, "seedance2.0-md"));
  marked = sd_model_picker_dup_marked_id (picker);
  g_assert_cmpstr (marked, ==, "seedance2.0-md");
  g_assert_cmpstr (sd_model_picker_get_button_text (picker), ==, "MD");

  all = sd_model_picker_dup_shown_ids (picker);
  g_assert_cmpuint (g_strv_length (all), ==, g_list_model_get_n_items (models));
  headers = sd_model_picker_dup_headers (picker);
  g_assert_true (g_strv_contains ((const char * const *) headers, "Full (Manxue)"));
  g_assert_true (g_strv_contains ((const char * const *) headers, "SP Economy"));
  g_assert_true (g_strv_contains ((const char * const *) headers, "MD"));
  g_assert_cmpuint (g_strv_length (headers), <, g_strv_length (all));
  /* a family of one is its row, not a heading that its row repeats */
  g_assert_false (g_strv_contains ((const char * const *) headers, "STD Standard"));
  g_assert_false (g_strv_contains ((const char * const *) headers, "Fast I2V"));
  std_text = sd_model_picker_dup_row_text (picker, "seedance2.0-std");
  g_assert_true (g_str_has_prefix (std_text, "STD Standard\n"));

  /* each fact once, no dangling separator */
  for (guint i = 0; all[i] != NULL; i++)
    {
      g_autofree char *text = sd_model_picker_dup_row_text (picker, all[i]);
      g_auto(GStrv) lines = g_strsplit (text, "\n", 2);

      g_assert_false (g_str_has_suffix (lines[1], "·"));
      g_assert_false (g_str_has_suffix (lines[1], "· "));
      g_assert_null (strstr (lines[1], lines[0]));
      g_assert_null (strstr (lines[0], "("));
    }

  sd_model_picker_set_search_text (picker, "md");
  found = sd_model_picker_dup_shown_ids (picker);
  g_assert_cmpuint (g_strv_length (found), ==, 2);
  g_assert_true (g_strv_contains ((const char * const *) found, "seedance2.0-md"));
  g_assert_true (g_strv_contains ((const char * const *) found, "seedance2.0-fast-md"));
  g_clear_pointer (&headers, g_strfreev);
  headers = sd_model_picker_dup_headers (picker);
  g_assert_cmpuint (g_strv_length (headers), ==, 1);
  g_assert_cmpstr (headers[0], ==, "MD");

  /* by family name and id, too */
  g_clear_pointer (&found, g_strfreev);
  sd_model_picker_set_search_text (picker, "economy");
  found = sd_model_picker_dup_shown_ids (picker);
  g_assert_cmpuint (g_strv_length (found), ==, 2);
  g_clear_pointer (&found, g_strfreev);
  sd_model_picker_set_search_text (picker, "SD2_MX_4K");
  found = sd_model_picker_dup_shown_ids (picker);
  g_assert_cmpuint (g_strv_length (found), ==, 1);
  g_assert_cmpstr (found[0], ==, "sd2_mx_4k");

  g_clear_pointer (&marked, g_free);
  g_assert_true (sd_composer_select_model (fixture->composer, "sd2_mx_4k"));
  marked = sd_model_picker_dup_marked_id (picker);
  g_assert_cmpstr (marked, ==, "sd2_mx_4k");
  g_assert_cmpstr (sd_model_picker_get_button_text (picker), ==, "Full (Manxue) · 4K");
}

static gboolean
picker_shows_selected (gpointer picker)
{
  return sd_model_picker_shows_selected (picker);
}

static void
open_picker_at (ComposerFixture *fixture,
                const char      *model_id)
{
  SdModelPicker *picker = SD_MODEL_PICKER (composer_child (fixture->composer, "model_picker"));
  GtkPopover *popover = GTK_POPOVER (gtk_widget_get_last_child (GTK_WIDGET (picker)));
  /* Under Xvfb a new popover's second frame can take seconds to come on
   * a loaded machine; the list is sized, and scrolled, only then. */
  gint64 end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  g_assert_true (sd_composer_select_model (fixture->composer, model_id));
  gtk_widget_activate (gtk_widget_get_first_child (GTK_WIDGET (picker)));
  while (!picker_shows_selected (picker) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
  g_assert_true (picker_shows_selected (picker));
  gtk_popover_popdown (popover);
  drain_pending_events ();
}

/* The list opens where the current model is, so its check mark shows:
 * near the end of two dozen models, and at the start. */
static void
test_composer_model_picker_opens_at_the_current_model (ComposerFixture *fixture,
                                                       gconstpointer    data)
{
  open_picker_at (fixture, "seedance2.0-fast-i2v");
  open_picker_at (fixture, "sd2_mx_720p");
  open_picker_at (fixture, "seedance2.0-std");
}

/* Counts the places a screen reader would read @text from under @widget:
 * labels it is shown to, and descriptions. */
static guint
count_exposures (GtkWidget  *widget,
                 const char *text)
{
  GtkAccessible *accessible = GTK_ACCESSIBLE (widget);
  guint count = 0;

  if (!gtk_widget_get_visible (widget) ||
      gtk_accessible_get_accessible_role (accessible) == GTK_ACCESSIBLE_ROLE_NONE)
    return 0;
  if (gtk_test_accessible_has_state (accessible, GTK_ACCESSIBLE_STATE_HIDDEN))
    {
      g_autofree char *shown = gtk_test_accessible_check_state (accessible, GTK_ACCESSIBLE_STATE_HIDDEN, TRUE);

      if (shown == NULL)
        return 0;
    }
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    count++;
  if (gtk_test_accessible_has_property (accessible, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION))
    {
      g_autofree char *differs = gtk_test_accessible_check_property (accessible,
                                                                     GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                                                     text);
      count += differs == NULL;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    count += count_exposures (child, text);
  return count;
}

/* The prompt says what to write while it is empty, and a screen reader
 * hears that once, as the text view's description. */
static void
test_composer_prompt_placeholder (ComposerFixture *fixture,
                                  gconstpointer    data)
{
  GtkWidget *placeholder = composer_child (fixture->composer, "prompt_placeholder");
  GtkWidget *view = composer_child (fixture->composer, "prompt_view");
  const char *text = gtk_label_get_text (GTK_LABEL (placeholder));
  g_autoptr(SdRequest) draft = sd_request_new ();

  g_assert_cmpuint (strlen (text), >, 10);
  g_assert_true (gtk_widget_get_visible (placeholder));
  g_assert_false (gtk_widget_get_can_target (placeholder));
  g_assert_cmpuint (count_exposures (GTK_WIDGET (fixture->composer), text), ==, 1);
  g_assert_null (gtk_test_accessible_check_property (GTK_ACCESSIBLE (view),
                                                     GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text));

  type_prompt (fixture, "a paper boat");
  g_assert_false (gtk_widget_get_visible (placeholder));
  type_prompt (fixture, "");
  g_assert_true (gtk_widget_get_visible (placeholder));

  /* a loaded draft's prompt hides it too, and an empty one shows it */
  sd_request_set_model (draft, "seedance2.0-sp");
  sd_request_set_prompt (draft, "waves at dusk");
  sd_composer_load_request (fixture->composer, draft);
  g_assert_false (gtk_widget_get_visible (placeholder));
  sd_request_set_prompt (draft, NULL);
  sd_composer_load_request (fixture->composer, draft);
  g_assert_true (gtk_widget_get_visible (placeholder));
  g_assert_cmpuint (count_exposures (GTK_WIDGET (fixture->composer), text), ==, 1);
}

static const char *
duration_subtitle (ComposerFixture *fixture)
{
  return adw_action_row_get_subtitle (ADW_ACTION_ROW (composer_child (fixture->composer, "duration_row")));
}

/* The duration row shows the model's range from the catalogue, and a
 * model without one still offers whole seconds the server may take. */
static void
test_composer_duration_shows_the_range (ComposerFixture *fixture,
                                        gconstpointer    data)
{
  GtkAdjustment *adjustment = GTK_ADJUSTMENT (gtk_widget_get_template_child (GTK_WIDGET (fixture->composer),
                                                                             SD_TYPE_COMPOSER,
                                                                             "duration_adjustment"));
  SdRequest *request = sd_composer_get_request (fixture->composer);

  g_assert_true (sd_composer_select_model (fixture->composer, "seedance2.0-sp"));
  g_assert_cmpstr (duration_subtitle (fixture), ==, "4–15 s");
  g_assert_true (sd_composer_select_model (fixture->composer, "sd2_mx_720p"));
  g_assert_cmpstr (duration_subtitle (fixture), ==, "4–12 s");
  g_assert_true (sd_composer_select_model (fixture->composer, "seedance2.0-md"));
  g_assert_cmpstr (duration_subtitle (fixture), ==, "1–15 s");
  g_assert_cmpfloat (gtk_adjustment_get_lower (adjustment), ==, 1);
  g_assert_cmpfloat (gtk_adjustment_get_upper (adjustment), ==, 15);

  /* no documented range: 1–60 s, and the request stays valid */
  g_assert_true (sd_composer_select_model (fixture->composer, "seedance2.0-mini"));
  g_assert_nonnull (strstr (duration_subtitle (fixture), "not documented"));
  g_assert_cmpfloat (gtk_adjustment_get_lower (adjustment), ==, 1);
  g_assert_cmpfloat (gtk_adjustment_get_upper (adjustment), ==, 60);
  g_assert_cmpint (sd_request_get_duration (request), ==, 5);
  g_assert_cmpstr (sd_composer_get_problem_text (fixture->composer, "duration"), ==, "");
}

static void
type_duration (ComposerFixture *fixture,
               const char      *text)
{
  GtkSpinButton *spin = GTK_SPIN_BUTTON (composer_child (fixture->composer, "duration_spin"));

  gtk_editable_set_text (GTK_EDITABLE (spin), text);
  gtk_spin_button_update (spin);
}

/* A duration out of the model's range is not changed without a word: the
 * row says what was asked, the rule and what it is now. */
static void
test_composer_duration_out_of_range_is_said (ComposerFixture *fixture,
                                             gconstpointer    data)
{
  SdRequest *request = sd_composer_get_request (fixture->composer);

  g_assert_true (sd_composer_select_model (fixture->composer, "seedance2.0-sp"));
  type_prompt (fixture, "a paper boat");
  type_duration (fixture, "20");
  g_assert_cmpint (sd_request_get_duration (request), ==, 15);
  g_assert_cmpstr (sd_composer_get_problem_text (fixture->composer, "duration"), ==,
                   "Duration: 20 s is outside this model’s range of 4–15 s; it is now 15 s.");
  /* a note, not a refusal */
  g_assert_true (sd_composer_get_can_generate (fixture->composer));

  /* already at the bound: nothing changes, and it is still said */
  type_duration (fixture, "99");
  g_assert_cmpint (sd_request_get_duration (request), ==, 15);
  g_assert_nonnull (strstr (sd_composer_get_problem_text (fixture->composer, "duration"), "99 s"));

  type_duration (fixture, "2");
  g_assert_cmpint (sd_request_get_duration (request), ==, 4);
  g_assert_nonnull (strstr (sd_composer_get_problem_text (fixture->composer, "duration"), "2 s"));

  /* however it is written */
  type_duration (fixture, "-3");
  g_assert_cmpint (sd_request_get_duration (request), ==, 4);
  g_assert_nonnull (strstr (sd_composer_get_problem_text (fixture->composer, "duration"), "-3 s"));
  type_duration (fixture, "99999999999999999999");
  g_assert_cmpint (sd_request_get_duration (request), ==, 15);
  g_assert_nonnull (strstr (sd_composer_get_problem_text (fixture->composer, "duration"), "99999999999999999999 s"));

  /* a value in range ends the note */
  type_duration (fixture, "8");
  g_assert_cmpint (sd_request_get_duration (request), ==, 8);
  g_assert_cmpstr (sd_composer_get_problem_text (fixture->composer, "duration"), ==, "");

  /* a model that does not take the chosen duration says so too */
  type_duration (fixture, "15");
  g_assert_true (sd_composer_select_model (fixture->composer, "sd2_mx_720p"));
  g_assert_cmpint (sd_request_get_duration (request), ==, 5);
  g_assert_cmpstr (sd_composer_get_problem_text (fixture->composer, "duration"), ==,
                   "Duration: 15 s is outside this model’s range of 4–12 s; it is now 5 s.");
  g_assert_true (sd_composer_select_model (fixture->composer, "seedance2.0-sp"));
  g_assert_cmpstr (sd_composer_get_problem_text (fixture->composer, "duration"), ==, "");
}

int
main (int   argc,
      char *argv[])
{
  /* the isolated XDG dirs hide the desktop's proxy schemas */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  sd_test_gui_init (&argc, &argv);
  g_assert_nonnull (sd_gui_get_resource ());

#define ADD(path, func) \
  g_test_add ("/composer/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("thumbnailer/loads-over-loopback-without-credentials-and-caches", test_thumbnailer_loads_and_caches);
  ADD ("thumbnailer/refuses-plain-http-to-other-hosts-and-other-schemes", test_thumbnailer_refuses_plain_http_elsewhere);
  ADD ("thumbnailer/stops-reading-after-10-mib", test_thumbnailer_stops_after_10_mib);
  ADD ("thumbnailer/reports-the-http-status", test_thumbnailer_reports_http_status);
  ADD ("thumbnailer/refuses-what-is-not-an-image", test_thumbnailer_refuses_non_images);
  ADD ("thumbnailer/can-be-cancelled", test_thumbnailer_can_be_cancelled);
  ADD ("thumbnailer/ends-on-the-main-thread", test_thumbnailer_ends_on_the_main_thread);
  ADD ("thumbnailer/cache-keeps-the-most-recent", test_thumbnailer_cache_is_bounded);
  ADD ("thumbnailer/trusts-only-the-given-certificate-on-loopback", test_thumbnailer_trusts_only_the_given_loopback_certificate);
  ADD ("image-row/buttons-ask-to-move-and-remove", test_image_row_buttons_ask_to_move_and_remove);
  ADD ("image-row/names-a-web-link-by-file-and-host", test_image_row_names_a_web_link_by_file_and_host);
  ADD ("image-row/broken-image-shows-the-reason", test_image_row_shows_broken_image_with_reason);
  ADD ("image-row/shows-the-thumbnail", test_image_row_shows_the_thumbnail);
  ADD ("image-row/disposing-cancels-the-download", test_image_row_cancels_its_download);

#undef ADD
#define ADD(path, func) \
  g_test_add ("/composer/" path, ComposerFixture, NULL, composer_set_up, func, composer_tear_down)

  ADD ("ratio-list-follows-the-model", test_composer_ratios_follow_the_model);
  ADD ("shows-the-estimate-before-generate", test_composer_shows_the_estimate_before_generate);
  ADD ("estimate-wraps-in-even-lines", test_composer_estimate_wraps_in_even_lines);
  ADD ("import-batch-reports-and-queues", test_import_batch_reports_and_queues);
  ADD ("import-batch-uploads-local-files-once", test_import_batch_uploads_local_files);
  ADD ("import-batch-failed-upload-queues-nothing", test_import_batch_failed_upload_queues_nothing);
  ADD ("import-batch-upload-cancelled-by-closing", test_import_batch_upload_cancelled_by_closing);
  ADD ("prices-page-writes-the-table", test_prices_page_writes_the_table);
  ADD ("adds-links-from-uri-lists-and-plain-text-and-refuses-the-rest", test_composer_adds_urls_and_refuses_the_rest);
  ADD ("invalid-request-shows-its-problem-and-blocks-generate", test_composer_invalid_request_blocks_generate);
  ADD ("generate-submits-and-keeps-the-content", test_composer_generate_submits_and_keeps_content);
  ADD ("takes-make-n-rows-in-one-group", test_composer_takes_make_a_group);
  ADD ("load-request-fills-every-field", test_composer_load_request_fills_every_field);
  ADD ("remembers-the-last-model", test_composer_remembers_choices);
  ADD ("a-loaded-draft-is-not-remembered", test_composer_loaded_draft_is_not_remembered);
  ADD ("demo-sample-images-validate-and-show-their-thumbnails", test_composer_demo_sample_images_validate_and_show);
  ADD ("fits-a-360-px-window-with-every-model-and-long-links", test_composer_fits_a_narrow_window);
  ADD ("a-paste-of-several-links-makes-rows-at-once", test_composer_paste_of_links_makes_rows);
  ADD ("validation-marks-the-culprit-and-links-to-it", test_composer_marks_the_culprit);
  ADD ("model-picker-groups-searches-and-marks-the-current-one", test_composer_model_picker_searches_and_marks);
  ADD ("model-picker-opens-at-the-current-model", test_composer_model_picker_opens_at_the_current_model);
  ADD ("prompt-placeholder-shows-while-empty-and-is-said-once", test_composer_prompt_placeholder);
  ADD ("duration-row-shows-the-model-range", test_composer_duration_shows_the_range);
  ADD ("duration-out-of-range-is-said-not-clamped-silently", test_composer_duration_out_of_range_is_said);

#undef ADD

  g_test_add_func ("/composer/demo-started-later-is-trusted", test_demo_started_later_is_trusted);
  g_test_add_func ("/composer/refused-api-address-blocks-generate-until-corrected",
                   test_refused_base_url_blocks_generate_until_corrected);

  return g_test_run ();
}

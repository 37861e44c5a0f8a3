/* test-media-check.c: pre-flight checks of media links, against the simulator
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <string.h>

#include "sd-catalog.h"
#include "sd-media-check.h"
#include "sd-request.h"
#include "sd-simulator-test.h"
#include "sd-test-util.h"
#include "sd-tls-database.h"

#define MIB (1024 * 1024)
/* Tests about videos give each check a minute: GStreamer under the
 * sanitizers or valgrind is slow, and a timeout would be a warning. */
#define VIDEO_TIMEOUT_MS 60000

typedef struct
{
  SdCatalog      *catalog;
  SdSimulator    *sim;
  SdMediaChecker *checker;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->catalog = sd_catalog_new ();
  f->sim = sd_simulator_new (f->catalog, &error);
  g_assert_no_error (error);
  f->checker = sd_media_checker_new ();
  sd_media_checker_set_loopback_certificate (f->checker, sd_simulator_get_tls_certificate (f->sim));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->checker);
  g_clear_object (&f->sim);
  g_clear_object (&f->catalog);
}

/* Test media, made at test time */

static GBytes *
run_pipeline_to_bytes (const char *description_format,
                       ...)
{
  g_autofree char *dir = g_dir_make_tmp ("media-check-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "out", NULL);
  g_autofree char *description = NULL;
  g_autofree char *with_sink = NULL;
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstMessage) message = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;
  va_list args;

  va_start (args, description_format);
  description = g_strdup_vprintf (description_format, args);
  va_end (args);
  with_sink = g_strdup_printf ("%s ! filesink location=\"%s\"", description, path);
  pipeline = gst_parse_launch (with_sink, &error);
  g_assert_no_error (error);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  bus = gst_element_get_bus (pipeline);
  message = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  g_assert_nonnull (message);
  g_assert_cmpint (GST_MESSAGE_TYPE (message), ==, GST_MESSAGE_EOS);
  gst_element_set_state (pipeline, GST_STATE_NULL);

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_unlink (path);
  g_rmdir (dir);
  return g_bytes_new_take (g_steal_pointer (&contents), length);
}

/* A VP8 WebM of @seconds at @width×@height, at one frame a second unless
 * the resolution is small, so that even a 1280×720 clip stays tiny. */
static GBytes *
make_webm (int width,
           int height,
           int seconds)
{
  int fps = width * height <= 64 * 64 ? 5 : 1;

  return run_pipeline_to_bytes ("videotestsrc num-buffers=%d ! video/x-raw,width=%d,height=%d,framerate=%d/1"
                                " ! vp8enc deadline=1 ! webmmux",
                                seconds * fps, width, height, fps);
}

static GBytes *
make_wav (int seconds)
{
  return run_pipeline_to_bytes ("audiotestsrc num-buffers=%d samplesperbuffer=8000"
                                " ! audio/x-raw,rate=8000,channels=1 ! wavenc", seconds);
}

static GBytes *
make_png (int width,
          int height)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  g_autoptr(GError) error = NULL;
  gchar *buffer = NULL;
  gsize size = 0;

  gdk_pixbuf_fill (pixbuf, 0x3366ccff);
  g_assert_true (gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, "png", &error, NULL));
  g_assert_no_error (error);
  return g_bytes_new_take (buffer, size);
}

static void
serve (Fixture    *f,
       const char *name,
       const char *type,
       GBytes     *bytes)
{
  sd_simulator_add_media (f->sim, name, type, bytes, 0, 0, SD_SIMULATOR_MEDIA_NONE);
}

/* Running a check */

static SdRequest *
request_for (const char         *model,
             const char * const *images,
             const char * const *videos,
             const char * const *audios)
{
  SdRequest *request = sd_request_new ();

  sd_request_set_model (request, model);
  sd_request_set_prompt (request, "a cat");
  sd_request_set_images (request, images);
  sd_request_set_reference_videos (request, videos);
  sd_request_set_reference_audios (request, audios);
  return request;
}

static SdMediaCheck *
run_check (Fixture    *f,
           SdRequest  *request,
           GError    **error)
{
  SdModel *model = sd_catalog_lookup (f->catalog, sd_request_get_model (request));
  g_autoptr(SdMediaCheck) check = sd_media_check_new (f->checker, request, model);
  g_autoptr(GAsyncResult) result = NULL;

  g_assert_cmpint (sd_media_check_get_state (check), ==, SD_MEDIA_CHECK_STATE_CHECKING);
  sd_media_check_run_async (check, NULL, sd_test_store_result_cb, &result);
  sd_test_wait_until (sd_test_result_arrived, &result, 60, "the media check");
  sd_media_check_run_finish (check, result, error);
  g_test_message ("summary: %s\nproblems:\n%s", sd_media_check_get_summary (check),
                  sd_media_check_get_problem (check) ? sd_media_check_get_problem (check) : "(none)");
  return g_steal_pointer (&check);
}

static SdMediaItem *
item_at (SdMediaCheck *check,
         guint         position)
{
  g_autoptr(SdMediaItem) item = g_list_model_get_item (sd_media_check_get_items (check), position);

  g_assert_nonnull (item);
  return item;   /* the list keeps it */
}

static char *
url (Fixture    *f,
     const char *name)
{
  return sd_simulator_get_media_url (f->sim, name);
}

#define assert_contains(text, part) \
  G_STMT_START { \
    const char *_t = (text); \
    if (_t == NULL || strstr (_t, (part)) == NULL) \
      g_error ("“%s” does not contain “%s”", _t ? _t : "(null)", (part)); \
  } G_STMT_END

/* Images */

static void
test_png_is_fine_with_its_pixel_size (Fixture       *f,
                                      gconstpointer  data)
{
  g_autoptr(GBytes) png = make_png (640, 480);
  g_autofree char *a = url (f, "a.png");
  g_autofree char *b = url (f, "b.png");
  const char *images[] = { a, b, NULL };
  g_autoptr(SdRequest) request = request_for ("seedance2.0-fast-i2v", images, NULL, NULL);
  g_autoptr(SdMediaCheck) check = NULL;
  g_autoptr(GError) error = NULL;
  SdMediaItem *item;

  serve (f, "a.png", "image/png", png);
  serve (f, "b.png", "image/png", png);
  check = run_check (f, request, &error);

  g_assert_no_error (error);
  g_assert_cmpint (sd_media_check_get_state (check), ==, SD_MEDIA_CHECK_STATE_OK);
  item = item_at (check, 1);
  g_assert_cmpint (sd_media_item_get_state (item), ==, SD_MEDIA_CHECK_STATE_OK);
  g_assert_cmpstr (sd_media_item_get_label (item), ==, "Image 2 (b.png)");
  assert_contains (sd_media_item_get_facts (item), "PNG, 640×480");
  g_assert_cmpint (sd_media_item_get_media_facts (item)->size, ==, g_bytes_get_size (png));
  g_assert_null (sd_media_item_get_problem (item));
  assert_contains (sd_media_check_get_summary (check), "2 images");
  /* The references live on other hosts: no token went to them. */
  g_assert_null (sd_simulator_get_auth_seen (f->sim, "127.0.0.1"));
}

static guint32
crc32_of (const guint8 *data,
          gsize         length)
{
  guint32 crc = 0xffffffff;

  for (gsize i = 0; i < length; i++)
    {
      crc ^= data[i];
      for (int k = 0; k < 8; k++)
        crc = (crc >> 1) ^ (0xedb88320 & -(crc & 1));
    }
  return crc ^ 0xffffffff;
}

/* A PNG whose header claims 30000×30000 (3.6 GB of pixels): the size is
 * read from the header and nothing is allocated for it. */
static void
test_huge_picture_header_is_read_without_decoding (Fixture       *f,
                                                    gconstpointer  data)
{
  g_autoptr(GBytes) png = make_png (16, 16);
  gsize length = 0;
  guint8 *bytes = g_memdup2 (g_bytes_get_data (png, &length), g_bytes_get_size (png));
  g_autoptr(GBytes) huge = NULL;
  g_autofree char *a = url (f, "huge.png");
  const char *images[] = { a, NULL };
  g_autoptr(SdRequest) request = request_for ("seedance2.0-fast-i2v", images, NULL, NULL);
  g_autoptr(SdMediaCheck) check = NULL;
  g_autoptr(GError) error = NULL;
  guint32 side = GUINT32_TO_BE (30000), crc;

  /* IHDR: its width and height at bytes 16 and 20, its CRC at 29. */
  memcpy (bytes + 16, &side, 4);
  memcpy (bytes + 20, &side, 4);
  crc = GUINT32_TO_BE (crc32_of (bytes + 12, 17));
  memcpy (bytes + 29, &crc, 4);
  huge = g_bytes_new_take (bytes, length);
  serve (f, "huge.png", "image/png", huge);
  check = run_check (f, request, &error);

  g_assert_no_error (error);
  assert_contains (sd_media_item_get_facts (item_at (check, 0)), "PNG, 30000×30000");
}

/* A request of a served image and @dead as Image 2, refused for Image 2
 * alone with @why in its message. */
static void
assert_second_image_refused (Fixture    *f,
                             const char *dead,
                             const char *why)
{
  g_autoptr(GBytes) png = make_png (32, 32);
  g_autofree char *a = url (f, "a.png");
  const char *images[] = { a, dead, NULL };
  g_autoptr(SdRequest) request = request_for ("seedance2.0-fast-i2v", images, NULL, NULL);
  g_autoptr(SdMediaCheck) check = NULL;
  g_autoptr(GError) error = NULL;

  serve (f, "a.png", "image/png", png);
  check = run_check (f, request, &error);

  g_assert_error (error, SD_MEDIA_CHECK_ERROR, SD_MEDIA_CHECK_ERROR_REFUSED);
  assert_contains (error->message, "images: Image 2 (photo.png)");
  assert_contains (error->message, why);
  g_assert_cmpint (sd_media_check_get_state (check), ==, SD_MEDIA_CHECK_STATE_REFUSED);
  g_assert_cmpint (sd_media_item_get_state (item_at (check, 0)), ==, SD_MEDIA_CHECK_STATE_OK);
  g_assert_cmpint (sd_media_item_get_state (item_at (check, 1)), ==, SD_MEDIA_CHECK_STATE_REFUSED);
  assert_contains (sd_media_item_get_problem (item_at (check, 1)), "cannot be used");
  g_assert_cmpstr (sd_media_check_get_problem (check), ==, error->message);
}

static void
test_dead_link_is_refused_naming_field_and_item (Fixture       *f,
                                                 gconstpointer  data)
{
  g_autofree char *dead = url (f, "gone/photo.png");

  assert_second_image_refused (f, dead, "404 Not Found");
}

/* A port that nothing listens on: bound, read and closed again. */
static char *
closed_port_url (const char *path)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;
  guint port;

  g_assert_nonnull (socket);
  g_assert_true (g_socket_bind (socket, any, FALSE, &error));
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_close (socket, NULL);
  return g_strdup_printf ("https://127.0.0.1:%u/%s", port, path);
}

static void
test_refused_connection_is_a_dead_link (Fixture       *f,
                                        gconstpointer  data)
{
  g_autofree char *dead = closed_port_url ("shots/photo.png");

  /* Refused, not "could not be checked": Generate would otherwise offer
   * Send Anyway for a link the provider cannot fetch either. */
  assert_second_image_refused (f, dead, "refused the connection");
}

static void
test_html_page_as_an_image_is_refused (Fixture       *f,
                                       gconstpointer  data)
{
  g_autoptr(GBytes) page = g_bytes_new_static ("<!DOCTYPE html><html><body>Sign in</body></html>", 48);
  g_autoptr(GBytes) lying = g_bytes_new_static ("<!DOCTYPE html><html><body>Sign in</body></html>", 48);
  g_autofree char *a = url (f, "login");
  g_autofree char *b = url (f, "claims.png");
  const char *first[] = { a, NULL };
  const char *second[] = { b, NULL };
  g_autoptr(SdRequest) r1 = request_for ("seedance2.0-fast-i2v", first, NULL, NULL);
  g_autoptr(SdRequest) r2 = request_for ("seedance2.0-fast-i2v", second, NULL, NULL);
  g_autoptr(SdMediaCheck) c1 = NULL;
  g_autoptr(SdMediaCheck) c2 = NULL;
  g_autoptr(GError) e1 = NULL;
  g_autoptr(GError) e2 = NULL;

  serve (f, "login", "text/html; charset=utf-8", page);
  /* Served as a PNG, but the bytes are a web page: the header decides. */
  serve (f, "claims.png", "image/png", lying);
  c1 = run_check (f, r1, &e1);
  c2 = run_check (f, r2, &e2);

  g_assert_error (e1, SD_MEDIA_CHECK_ERROR, SD_MEDIA_CHECK_ERROR_REFUSED);
  assert_contains (e1->message, "images: Image 1 (login)");
  assert_contains (e1->message, "a web page (text/html), not an image");
  g_assert_error (e2, SD_MEDIA_CHECK_ERROR, SD_MEDIA_CHECK_ERROR_REFUSED);
  assert_contains (e2->message, "Image 1 (claims.png)");
  assert_contains (e2->message, "not an image");
}

static void
test_video_as_an_image_is_refused (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(GBytes) clip = make_webm (64, 64, 1);
  g_autofree char *first = url (f, "start.webm");
  g_autoptr(SdRequest) request = request_for ("seedance2.0-fast-i2v", NULL, NULL, NULL);
  g_autoptr(SdMediaCheck) check = NULL;
  g_autoptr(GError) error = NULL;

  serve (f, "start.webm", "video/webm", clip);
  sd_request_set_first_image (request, first);
  check = run_check (f, request, &error);

  g_assert_error (error, SD_MEDIA_CHECK_ERROR, SD_MEDIA_CHECK_ERROR_REFUSED);
  assert_contains (error->message, "first_image: First frame (start.webm)");
  assert_contains (error->message, "a video (WebM, video/webm), not an image");
}

static void
test_head_refused_falls_back_to_a_ranged_get (Fixture       *f,
                                              gconstpointer  data)
{
  g_autoptr(GBytes) clip = make_webm (64, 64, 2);
  g_autofree char *a = url (f, "signed.webm");
  const char *videos[] = { a, NULL };
  g_autoptr(SdRequest) request = request_for ("seedance2.0-sp", NULL, videos, NULL);
  g_autoptr(SdMediaCheck) check = NULL;
  g_autoptr(GError) error = NULL;

  sd_simulator_add_media (f->sim, "signed.webm", "video/webm", clip, 0, 0, SD_SIMULATOR_MEDIA_REFUSE_HEAD);
  sd_media_checker_set_timeout (f->checker, VIDEO_TIMEOUT_MS);
  check = run_check (f, request, &error);

  g_assert_no_error (error);
  g_assert_cmpint (sd_media_check_get_state (check), ==, SD_MEDIA_CHECK_STATE_OK);
  assert_contains (sd_media_item_get_facts (item_at (check, 0)), "2.0 s, 64×64");
  /* The size comes from the ranged answer's Content-Range. */
  g_assert_cmpint (sd_media_item_get_media_facts (item_at (check, 0))->size, ==, g_bytes_get_size (clip));
}

static void
test_redirects_are_followed_and_bounded (Fixture       *f,
                                         gconstpointer  data)
{
  g_autoptr(GBytes) png = make_png (20, 10);
  g_autofree char *near = url (f, "redirect/3/moved.png");
  g_autofree char *far = url (f, "redirect/9/moved.png");
  const char *images[] = { near, far, NULL };
  g_autoptr(SdRequest) request = request_for ("seedance2.0-fast-i2v", images, NULL, NULL);
  g_autoptr(SdMediaCheck) check = NULL;
  g_autoptr(GError) error = NULL;

  serve (f, "moved.png", "image/png", png);
  check = run_check (f, request, &error);

  g_assert_cmpint (sd_media_item_get_state (item_at (check, 0)), ==, SD_MEDIA_CHECK_STATE_OK);
  assert_contains (sd_media_item_get_facts (item_at (check, 0)), "20×10");
  g_assert_error (error, SD_MEDIA_CHECK_ERROR, SD_MEDIA_CHECK_ERROR_REFUSED);
  assert_contains (error->message, "Image 2 (moved.png)");
  assert_contains (error->message, "redirects more than 5 times");
}

/* Videos and audios */

static void
test_md_videos_over_15_s_in_all_are_refused (Fixture       *f,
                                             gconstpointer  data)
{
  /* 720 px, the smallest the MD route takes, at one frame a second. */
  g_autoptr(GBytes) eight = make_webm (720, 720, 8);
  g_autoptr(GBytes) seven = make_webm (720, 720, 7);
  g_autofree char *a = url (f, "a.webm");
  g_autofree char *b = url (f, "b.webm");
  g_autofree char *c = url (f, "c.webm");
  const char *too_long[] = { a, b, NULL };
  const char *fits[] = { a, c, NULL };
  g_autoptr(SdRequest) refused = request_for ("seedance2.0-sp", NULL, too_long, NULL);
  g_autoptr(SdRequest) accepted = request_for ("seedance2.0-sp", NULL, fits, NULL);
  g_autoptr(SdRequest) elsewhere = request_for ("seedance2.0-sp", NULL, too_long, NULL);
  g_autoptr(SdMediaCheck) check = NULL;
  g_autoptr(SdMediaCheck) fine = NULL;
  g_autoptr(SdMediaCheck) other = NULL;
  g_autoptr(GError) error = NULL;

  serve (f, "a.webm", "video/webm", eight);
  serve (f, "b.webm", "video/webm", eight);
  serve (f, "c.webm", "video/webm", seven);
  sd_request_set_model (refused, "seedance2.0-md");
  sd_request_set_model (accepted, "seedance2.0-md");
  sd_media_checker_set_timeout (f->checker, VIDEO_TIMEOUT_MS);

  check = run_check (f, refused, &error);
  g_assert_error (error, SD_MEDIA_CHECK_ERROR, SD_MEDIA_CHECK_ERROR_REFUSED);
  g_clear_error (&error);
  fine = run_check (f, accepted, &error);
  g_assert_no_error (error);
  other = run_check (f, elsewhere, NULL);

  assert_contains (sd_media_item_get_facts (item_at (check, 0)), "8.0 s, 720×720");
  g_assert_cmpint (sd_media_item_get_state (item_at (check, 0)), ==, SD_MEDIA_CHECK_STATE_OK);
  assert_contains (sd_media_item_get_problem (item_at (check, 1)), "last 16.0 s");
  assert_contains (sd_media_item_get_problem (item_at (check, 1)), "at most 15 s");
  assert_contains (sd_media_check_get_problem (check), "reference_videos: Reference video 2 (b.webm)");
  /* 8 s and 7 s fit. */
  g_assert_cmpint (sd_media_check_get_state (fine), ==, SD_MEDIA_CHECK_STATE_OK);
  /* Where the documentation states no such rule, the facts are shown. */
  g_assert_cmpint (sd_media_check_get_state (other), ==, SD_MEDIA_CHECK_STATE_OK);
  assert_contains (sd_media_check_get_summary (other), "2 reference videos (16.0 s");
}

static void
test_md_videos_over_200_mb_in_all_are_refused (Fixture       *f,
                                               gconstpointer  data)
{
  g_autoptr(GBytes) clip = make_webm (1280, 720, 1);
  g_autofree char *a = url (f, "big-a.webm");
  g_autofree char *b = url (f, "big-b.webm");
  g_autofree char *c = url (f, "mid.webm");
  const char *too_big[] = { a, b, NULL };
  const char *fits[] = { a, c, NULL };
  g_autoptr(SdRequest) refused = request_for ("seedance2.0-md", NULL, too_big, NULL);
  g_autoptr(SdRequest) accepted = request_for ("seedance2.0-md", NULL, fits, NULL);
  g_autoptr(SdMediaCheck) check = NULL;
  g_autoptr(SdMediaCheck) fine = NULL;
  g_autoptr(GError) error = NULL;

  /* HEAD announces the sizes; the bytes behind them stay small. */
  sd_simulator_add_media (f->sim, "big-a.webm", "video/webm", clip, 120 * MIB, 0, 0);
  sd_simulator_add_media (f->sim, "big-b.webm", "video/webm", clip, 120 * MIB, 0, 0);
  sd_simulator_add_media (f->sim, "mid.webm", "video/webm", clip, 70 * MIB, 0, 0);
  sd_media_checker_set_timeout (f->checker, VIDEO_TIMEOUT_MS);

  check = run_check (f, refused, &error);
  g_assert_error (error, SD_MEDIA_CHECK_ERROR, SD_MEDIA_CHECK_ERROR_REFUSED);
  assert_contains (error->message, "reference_videos: Reference video 2 (big-b.webm)");
  assert_contains (error->message, "200 MB");
  g_clear_error (&error);

  fine = run_check (f, accepted, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sd_media_check_get_state (fine), ==, SD_MEDIA_CHECK_STATE_OK);
  assert_contains (sd_media_item_get_facts (item_at (fine, 0)), "1280×720");
}

static void
test_md_video_resolution_outside_720_to_2160_is_refused (Fixture       *f,
                                                         gconstpointer  data)
{
  g_autoptr(GBytes) small = make_webm (640, 360, 1);
  g_autoptr(GBytes) hd = make_webm (720, 1280, 1);
  g_autofree char *a = url (f, "hd.webm");
  g_autofree char *b = url (f, "small.webm");
  const char *videos[] = { a, b, NULL };
  g_autoptr(SdRequest) request = request_for ("seedance2.0-md", NULL, videos, NULL);
  g_autoptr(SdRequest) elsewhere = request_for ("seedance2.0-sp", NULL, videos, NULL);
  g_autoptr(SdMediaCheck) check = NULL;
  g_autoptr(SdMediaCheck) other = NULL;
  g_autoptr(GError) error = NULL;

  serve (f, "hd.webm", "video/webm", hd);
  serve (f, "small.webm", "video/webm", small);
  sd_media_checker_set_timeout (f->checker, VIDEO_TIMEOUT_MS);
  check = run_check (f, request, &error);
  other = run_check (f, elsewhere, NULL);

  /* A portrait 720×1280 is 720 px on its shorter side: fine. */
  g_assert_cmpint (sd_media_item_get_state (item_at (check, 0)), ==, SD_MEDIA_CHECK_STATE_OK);
  g_assert_error (error, SD_MEDIA_CHECK_ERROR, SD_MEDIA_CHECK_ERROR_REFUSED);
  assert_contains (error->message, "Reference video 2 (small.webm)");
  assert_contains (error->message, "640×360");
  assert_contains (error->message, "720 to 2160");
  g_assert_cmpint (sd_media_check_get_state (other), ==, SD_MEDIA_CHECK_STATE_OK);
}

static void
test_md_more_than_3_videos_are_refused_with_the_request (Fixture       *f,
                                                         gconstpointer  data)
{
  const char *four[] = { "https://a.example/1.mp4", "https://a.example/2.mp4",
                         "https://a.example/3.mp4", "https://a.example/4.mp4", NULL };
  g_autoptr(SdRequest) request = request_for ("seedance2.0-md", NULL, four, NULL);
  g_autoptr(GPtrArray) problems = NULL;
  gboolean named = FALSE;

  problems = sd_request_validate (request, sd_catalog_lookup (f->catalog, "seedance2.0-md"));
  for (guint i = 0; i < problems->len; i++)
    named |= g_str_equal (((SdProblem *) g_ptr_array_index (problems, i))->field, "reference_videos");
  g_assert_true (named);

  sd_request_set_reference_videos (request, (const char * const []) { four[0], four[1], four[2], NULL });
  g_clear_pointer (&problems, g_ptr_array_unref);
  problems = sd_request_validate (request, sd_catalog_lookup (f->catalog, "seedance2.0-md"));
  for (guint i = 0; i < problems->len; i++)
    g_assert_cmpstr (((SdProblem *) g_ptr_array_index (problems, i))->field, !=, "reference_videos");
}

static void
test_audio_is_checked_as_a_sound (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(GBytes) wav = make_wav (2);
  g_autoptr(GBytes) clip = make_webm (64, 64, 1);
  g_autofree char *a = url (f, "voice.wav");
  g_autofree char *b = url (f, "clip.webm");
  const char *audios[] = { a, b, NULL };
  g_autoptr(SdRequest) request = request_for ("seedance2.0-std", NULL, NULL, audios);
  g_autoptr(SdMediaCheck) check = NULL;
  g_autoptr(GError) error = NULL;

  serve (f, "voice.wav", "audio/wav", wav);
  serve (f, "clip.webm", "video/webm", clip);
  sd_media_checker_set_timeout (f->checker, VIDEO_TIMEOUT_MS);
  check = run_check (f, request, &error);

  g_assert_cmpint (sd_media_item_get_state (item_at (check, 0)), ==, SD_MEDIA_CHECK_STATE_OK);
  assert_contains (sd_media_item_get_facts (item_at (check, 0)), "2.0 s");
  g_assert_error (error, SD_MEDIA_CHECK_ERROR, SD_MEDIA_CHECK_ERROR_REFUSED);
  assert_contains (error->message, "reference_audios: Reference audio 2 (clip.webm)");
}

static void
test_truncated_or_corrupt_video_is_an_error_not_a_crash (Fixture       *f,
                                                         gconstpointer  data)
{
  g_autoptr(GBytes) clip = make_webm (64, 64, 2);
  g_autoptr(GBytes) cut = g_bytes_new_from_bytes (clip, 0, 60);
  g_autofree guint8 *noise = g_malloc (4096);
  g_autoptr(GBytes) garbage = NULL;
  g_autofree char *a = url (f, "cut.webm");
  g_autofree char *b = url (f, "noise.mp4");
  const char *videos[] = { a, b, NULL };
  g_autoptr(SdRequest) request = request_for ("seedance2.0-md", NULL, videos, NULL);
  g_autoptr(SdMediaCheck) check = NULL;
  g_autoptr(GError) error = NULL;
  GRand *rand = g_rand_new_with_seed (11);

  for (guint i = 0; i < 4096; i++)
    noise[i] = (guint8) g_rand_int_range (rand, 0, 256);
  g_rand_free (rand);
  garbage = g_bytes_new (noise, 4096);
  serve (f, "cut.webm", "video/webm", cut);
  serve (f, "noise.mp4", "video/mp4", garbage);
  sd_media_checker_set_timeout (f->checker, VIDEO_TIMEOUT_MS);
  check = run_check (f, request, &error);

  /* Never fine: refused as unreadable, or at worst not checked. */
  for (guint i = 0; i < 2; i++)
    {
      SdMediaItem *item = item_at (check, i);

      g_assert_cmpint (sd_media_item_get_state (item), >=, SD_MEDIA_CHECK_STATE_WARNING);
      g_assert_nonnull (sd_media_item_get_problem (item));
    }
  g_assert_cmpint (sd_media_item_get_state (item_at (check, 1)), ==, SD_MEDIA_CHECK_STATE_REFUSED);
  g_assert_error (error, SD_MEDIA_CHECK_ERROR, SD_MEDIA_CHECK_ERROR_REFUSED);
}

/* Timeouts, asset ids, the cache */

static void
test_timeout_is_a_warning_not_a_refusal (Fixture       *f,
                                         gconstpointer  data)
{
  g_autoptr(GBytes) png = make_png (16, 16);
  g_autofree char *slow = url (f, "slow.png");
  g_autofree char *quick = url (f, "quick.png");
  const char *images[] = { slow, quick, NULL };
  g_autoptr(SdRequest) request = request_for ("seedance2.0-fast-i2v", images, NULL, NULL);
  g_autoptr(SdMediaCheck) check = NULL;
  g_autoptr(GError) error = NULL;
  gint64 started = g_get_monotonic_time ();

  sd_simulator_add_media (f->sim, "slow.png", "image/png", png, 0, 30000, 0);
  serve (f, "quick.png", "image/png", png);
  /* The quick link is checked once first, with time to spare: a sanitizer
   * build can take longer than the timeout to load the image loaders. Its
   * answer is then the cache's. */
  {
    const char *alone[] = { quick, NULL };
    g_autoptr(SdRequest) first = request_for ("seedance2.0-fast-i2v", alone, NULL, NULL);
    g_autoptr(SdMediaCheck) warm = run_check (f, first, &error);

    g_assert_no_error (error);
    g_assert_cmpint (sd_media_check_get_state (warm), ==, SD_MEDIA_CHECK_STATE_OK);
  }
  sd_media_checker_set_timeout (f->checker, 300);
  check = run_check (f, request, &error);

  g_assert_no_error (error);
  /* Cut short by the timeout, long before the server would answer. */
  g_assert_cmpint (g_get_monotonic_time () - started, <, 15 * G_USEC_PER_SEC);
  g_assert_cmpint (sd_media_check_get_state (check), ==, SD_MEDIA_CHECK_STATE_WARNING);
  g_assert_cmpint (sd_media_item_get_state (item_at (check, 0)), ==, SD_MEDIA_CHECK_STATE_WARNING);
  assert_contains (sd_media_item_get_problem (item_at (check, 0)), "could not be checked");
  g_assert_cmpint (sd_media_item_get_state (item_at (check, 1)), ==, SD_MEDIA_CHECK_STATE_OK);
  g_assert_null (sd_media_check_get_problem (check));
}

/* The probes run on threads of their own: cancelling a check whose link
 * hangs ends it at once on this thread, with the item saying so, and the
 * checker then stops its threads without waiting for the server. */
static void
test_cancelled_check_ends_at_once (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(GBytes) png = make_png (16, 16);
  g_autofree char *hanging = url (f, "hanging.png");
  const char *images[] = { hanging, NULL };
  g_autoptr(SdRequest) request = request_for ("seedance2.0-fast-i2v", images, NULL, NULL);
  SdModel *model = sd_catalog_lookup (f->catalog, "seedance2.0-fast-i2v");
  g_autoptr(SdMediaCheck) check = sd_media_check_new (f->checker, request, model);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 cancelled_at;

  sd_simulator_add_media (f->sim, "hanging.png", "image/png", png, 0, 30000, 0);
  sd_media_check_run_async (check, cancellable, sd_test_store_result_cb, &result);
  /* the main loop turns while the probe waits on its thread */
  sd_test_run_for (300);
  g_assert_null (result);
  g_assert_cmpint (sd_media_check_get_state (check), ==, SD_MEDIA_CHECK_STATE_CHECKING);

  cancelled_at = g_get_monotonic_time ();
  g_cancellable_cancel (cancellable);
  sd_test_wait_until (sd_test_result_arrived, &result, 10, "the cancelled check");
  g_assert_cmpint (g_get_monotonic_time () - cancelled_at, <, 5 * G_USEC_PER_SEC);
  g_assert_false (sd_media_check_run_finish (check, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (sd_media_item_get_state (item_at (check, 0)), ==, SD_MEDIA_CHECK_STATE_WARNING);
  assert_contains (sd_media_item_get_problem (item_at (check, 0)), "cancelled");

  g_clear_object (&check);
  cancelled_at = g_get_monotonic_time ();
  g_clear_object (&f->checker);
  g_assert_cmpint (g_get_monotonic_time () - cancelled_at, <, 5 * G_USEC_PER_SEC);
}

static void
test_asset_ids_are_passed_as_they_are (Fixture       *f,
                                       gconstpointer  data)
{
  const char *images[] = { "asset://asset-123", NULL };
  g_autoptr(SdRequest) request = request_for ("sd2_mx_720p", images, NULL, NULL);
  g_autoptr(SdMediaCheck) check = NULL;
  g_autoptr(GError) error = NULL;

  check = run_check (f, request, &error);

  g_assert_no_error (error);
  g_assert_cmpint (sd_media_check_get_state (check), ==, SD_MEDIA_CHECK_STATE_OK);
  g_assert_cmpint (sd_media_item_get_state (item_at (check, 0)), ==, SD_MEDIA_CHECK_STATE_SKIPPED);
  g_assert_cmpstr (sd_media_item_get_label (item_at (check, 0)), ==, "Image 1 (asset-123)");
  g_assert_cmpuint (sd_simulator_get_media_request_count (f->sim), ==, 0);
}

static void
test_cache_reuses_answers_for_a_while (Fixture       *f,
                                       gconstpointer  data)
{
  g_autoptr(GBytes) png = make_png (16, 16);
  g_autofree char *a = url (f, "a.png");
  g_autofree char *dead = url (f, "dead.png");
  const char *images[] = { a, NULL };
  const char *dead_images[] = { dead, NULL };
  g_autoptr(SdRequest) request = request_for ("seedance2.0-fast-i2v", images, NULL, NULL);
  g_autoptr(SdRequest) dead_request = request_for ("seedance2.0-fast-i2v", dead_images, NULL, NULL);
  g_autoptr(SdMediaCheck) first = NULL;
  g_autoptr(SdMediaCheck) second = NULL;
  g_autoptr(SdMediaCheck) third = NULL;
  guint asked;

  serve (f, "a.png", "image/png", png);
  first = run_check (f, request, NULL);
  asked = sd_simulator_get_media_request_count (f->sim);
  g_assert_cmpuint (asked, >, 0);

  second = run_check (f, request, NULL);
  g_assert_cmpuint (sd_simulator_get_media_request_count (f->sim), ==, asked);
  g_assert_cmpint (sd_media_check_get_state (second), ==, SD_MEDIA_CHECK_STATE_OK);
  g_assert_cmpstr (sd_media_item_get_facts (item_at (second, 0)), ==,
                   sd_media_item_get_facts (item_at (first, 0)));

  /* A refusal is asked again: the user may just have fixed the link. */
  g_clear_object (&third);
  third = run_check (f, dead_request, NULL);
  asked = sd_simulator_get_media_request_count (f->sim);
  g_clear_object (&third);
  third = run_check (f, dead_request, NULL);
  g_assert_cmpuint (sd_simulator_get_media_request_count (f->sim), >, asked);

  /* And past its lifetime, an answer is asked again too. */
  sd_media_checker_set_cache_lifetime (f->checker, 0);
  sd_media_checker_clear_cache (f->checker);
  asked = sd_simulator_get_media_request_count (f->sim);
  g_clear_object (&second);
  second = run_check (f, request, NULL);
  g_assert_cmpuint (sd_simulator_get_media_request_count (f->sim), >, asked);
}

static void
test_names_come_from_the_link (void)
{
  const struct { const char *uri; const char *name; } cases[] = {
    { "https://cdn.example/a/b/clip%20one.mp4?sig=1", "clip one.mp4" },
    { "https://cdn.example/", "cdn.example" },
    { "asset://asset-9", "asset-9" },
    { "https://cdn.example/%0Aevil%07.png", "evil .png" },
    { "https://cdn.example/photo%E2%80%AEgpj.exe", "photo gpj.exe" },
    { "https://cdn.example/%C2%9B31m%FF.png", "31m\xef\xbf\xbd.png" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = sd_media_name_from_uri (cases[i].uri);

      g_assert_cmpstr (name, ==, cases[i].name);
    }
}

/* The checker's trust database is the process's one (the system store
 * read once), and it still verifies: the simulator's self-signed
 * certificate is of no known authority, and a checker that was not told
 * to accept it refuses the link. */
static void
test_one_trust_database_still_verifies (Fixture       *f,
                                        gconstpointer  data)
{
  GTlsDatabase *database = sd_tls_database_get_default ();
  g_autoptr(GSocketConnectable) identity = g_network_address_new ("127.0.0.1", 443);
  g_autoptr(GBytes) png = make_png (64, 64);
  g_autofree char *link = url (f, "trusted.png");
  const char *images[] = { link, NULL };
  g_autoptr(SdRequest) request = request_for ("seedance2.0-fast-i2v", images, NULL, NULL);
  g_autoptr(SdMediaCheck) check = NULL;
  g_autoptr(SdMediaChecker) strict = NULL;
  g_autoptr(GError) error = NULL;
  GTlsCertificateFlags flags;

  if (database == NULL)
    {
      g_test_skip ("No TLS backend");
      return;
    }
  g_assert_true (database == sd_tls_database_get_default ());
  flags = g_tls_database_verify_chain (database, sd_simulator_get_tls_certificate (f->sim),
                                       G_TLS_DATABASE_PURPOSE_AUTHENTICATE_SERVER, identity,
                                       NULL, G_TLS_DATABASE_VERIFY_NONE, NULL, NULL);
  g_assert_true (flags & G_TLS_CERTIFICATE_UNKNOWN_CA);

  serve (f, "trusted.png", "image/png", png);
  check = run_check (f, request, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sd_media_check_get_state (check), ==, SD_MEDIA_CHECK_STATE_OK);

  /* the same link, without the demo certificate accepted */
  g_clear_object (&check);
  strict = f->checker;
  f->checker = sd_media_checker_new ();
  check = run_check (f, request, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sd_media_check_get_state (check), !=, SD_MEDIA_CHECK_STATE_OK);
  g_object_unref (f->checker);
  f->checker = g_steal_pointer (&strict);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/media-check/image/png-is-fine-with-its-pixel-size", test_png_is_fine_with_its_pixel_size);
  ADD ("/media-check/image/huge-header-is-read-without-decoding",
       test_huge_picture_header_is_read_without_decoding);
  ADD ("/media-check/image/dead-link-is-refused-naming-field-and-item",
       test_dead_link_is_refused_naming_field_and_item);
  ADD ("/media-check/image/refused-connection-is-a-dead-link", test_refused_connection_is_a_dead_link);
  ADD ("/media-check/image/html-page-is-refused", test_html_page_as_an_image_is_refused);
  ADD ("/media-check/image/video-is-refused", test_video_as_an_image_is_refused);
  ADD ("/media-check/http/head-refused-falls-back-to-a-ranged-get",
       test_head_refused_falls_back_to_a_ranged_get);
  ADD ("/media-check/http/redirects-are-followed-and-bounded", test_redirects_are_followed_and_bounded);
  ADD ("/media-check/md/videos-over-15-s-in-all-are-refused", test_md_videos_over_15_s_in_all_are_refused);
  ADD ("/media-check/md/videos-over-200-mb-in-all-are-refused",
       test_md_videos_over_200_mb_in_all_are_refused);
  ADD ("/media-check/md/resolution-outside-720-to-2160-is-refused",
       test_md_video_resolution_outside_720_to_2160_is_refused);
  ADD ("/media-check/md/more-than-3-videos-are-refused-with-the-request",
       test_md_more_than_3_videos_are_refused_with_the_request);
  ADD ("/media-check/audio/is-checked-as-a-sound", test_audio_is_checked_as_a_sound);
  ADD ("/media-check/video/truncated-or-corrupt-is-an-error-not-a-crash",
       test_truncated_or_corrupt_video_is_an_error_not_a_crash);
  ADD ("/media-check/timeout-is-a-warning-not-a-refusal", test_timeout_is_a_warning_not_a_refusal);
  ADD ("/media-check/cancelled-check-ends-at-once", test_cancelled_check_ends_at_once);
  ADD ("/media-check/asset-ids-are-passed-as-they-are", test_asset_ids_are_passed_as_they_are);
  ADD ("/media-check/cache-reuses-answers-for-a-while", test_cache_reuses_answers_for_a_while);
  ADD ("/media-check/tls/one-trust-database-still-verifies", test_one_trust_database_still_verifies);
#undef ADD
  g_test_add_func ("/media-check/names-come-from-the-link", test_names_come_from_the_link);

  return g_test_run ();
}

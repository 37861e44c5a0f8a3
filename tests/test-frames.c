/* test-frames.c: frames read from videos, and the thumbnail cache
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gst/gst.h>
#include <glib/gstdio.h>
#include <sys/stat.h>

#include "sd-frames.h"
#include "sd-test-util.h"
#include "sd-thumbnail-cache.h"

#define WIDTH 320
#define HEIGHT 240
#define FPS 10
/* Three seconds: one of red, one of green, one of blue. */
#define N_FRAMES 30

static char *home;
static char *video_path;   /* the three-colour video, made once */
static guint file_counter;

typedef enum { RED, GREEN, BLUE, N_COLOURS } Colour;

static const guint8 colours[N_COLOURS][3] = { { 230, 20, 20 }, { 20, 230, 20 }, { 20, 20, 230 } };

static void
push_frames (GstElement *appsrc)
{
  GstFlowReturn flow;

  for (guint i = 0; i < N_FRAMES; i++)
    {
      const guint8 *rgb = colours[i * N_COLOURS / N_FRAMES];
      GstBuffer *buffer = gst_buffer_new_allocate (NULL, WIDTH * HEIGHT * 3, NULL);
      GstMapInfo map;

      gst_buffer_map (buffer, &map, GST_MAP_WRITE);
      for (gsize p = 0; p < WIDTH * HEIGHT; p++)
        memcpy (map.data + p * 3, rgb, 3);
      gst_buffer_unmap (buffer, &map);
      GST_BUFFER_PTS (buffer) = gst_util_uint64_scale (i, GST_SECOND, FPS);
      GST_BUFFER_DURATION (buffer) = GST_SECOND / FPS;
      g_signal_emit_by_name (appsrc, "push-buffer", buffer, &flow);
      gst_buffer_unref (buffer);
      g_assert_cmpint (flow, ==, GST_FLOW_OK);
    }
  g_signal_emit_by_name (appsrc, "end-of-stream", &flow);
}

/* The test media, made at test time: VP8 in WebM (gstreamer1.0-plugins-good). */
static void
make_video (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *description =
    g_strdup_printf ("appsrc name=src format=time caps=video/x-raw,format=RGB,width=%d,height=%d,"
                     "framerate=%d/1 ! videoconvert ! vp8enc deadline=1 ! webmmux ! filesink name=out",
                     WIDTH, HEIGHT, FPS);
  g_autoptr(GstElement) pipeline = gst_parse_launch (description, &error);
  g_autoptr(GstElement) src = NULL;
  g_autoptr(GstElement) out = NULL;
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstMessage) message = NULL;

  g_assert_no_error (error);
  src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  out = gst_bin_get_by_name (GST_BIN (pipeline), "out");
  g_object_set (out, "location", path, NULL);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  push_frames (src);

  bus = gst_element_get_bus (pipeline);
  message = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  g_assert_nonnull (message);
  g_assert_cmpint (GST_MESSAGE_TYPE (message), ==, GST_MESSAGE_EOS);
  gst_element_set_state (pipeline, GST_STATE_NULL);
}

/* A new path in a new folder for each use, so no two tests share a thumbnail. */
static char *
make_path (const char *name)
{
  g_autofree char *folder = g_strdup_printf ("%s/files-%u", home, ++file_counter);

  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  return g_build_filename (folder, name, NULL);
}

static GFile *
copy_video (void)
{
  g_autofree char *path = make_path ("take 1 #ä.webm");
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;

  g_file_get_contents (video_path, &contents, &length, &error);
  g_assert_no_error (error);
  g_file_set_contents (path, contents, length, &error);
  g_assert_no_error (error);
  return g_file_new_for_path (path);
}

static GFile *
write_file (const char *name,
            const char *contents,
            gsize       length)
{
  g_autofree char *path = make_path (name);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, length, &error);
  g_assert_no_error (error);
  return g_file_new_for_path (path);
}

static Colour
get_colour (GdkPixbuf *pixbuf)
{
  guint64 sums[3] = { 0 };
  int n_channels = gdk_pixbuf_get_n_channels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  const guint8 *pixels = gdk_pixbuf_read_pixels (pixbuf);
  Colour best = RED;

  for (int y = 0; y < gdk_pixbuf_get_height (pixbuf); y++)
    for (int x = 0; x < gdk_pixbuf_get_width (pixbuf); x++)
      for (int c = 0; c < 3; c++)
        sums[c] += pixels[y * stride + x * n_channels + c];

  for (int c = GREEN; c < N_COLOURS; c++)
    if (sums[c] > sums[best])
      best = c;
  g_assert_cmpuint (sums[best], >, 3 * (sums[0] + sums[1] + sums[2] - sums[best]) / 2);
  return best;
}

static GdkPixbuf *
read_frame (GFile           *file,
            SdFramePosition  position,
            gint64           time_usec,
            int              max_width,
            int              max_height,
            GError         **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sd_frame_read_async (file, position, time_usec, max_width, max_height, NULL,
                       sd_test_store_result_cb, &result);
  sd_test_wait_until (sd_test_result_arrived, &result, 30, "the frame");
  return sd_frame_read_finish (result, error);
}

static void
test_read_first_frame (void)
{
  g_autoptr(GFile) file = copy_video ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) frame = read_frame (file, SD_FRAME_POSITION_FIRST, 0, 160, 160, &error);

  g_assert_no_error (error);
  /* 320 × 240 fitted into 160 × 160, the aspect kept. */
  g_assert_cmpint (gdk_pixbuf_get_width (frame), ==, 160);
  g_assert_cmpint (gdk_pixbuf_get_height (frame), ==, 120);
  g_assert_cmpint (get_colour (frame), ==, RED);
}

static void
test_read_last_frame (void)
{
  g_autoptr(GFile) file = copy_video ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) frame = read_frame (file, SD_FRAME_POSITION_LAST, 0, 100, 1000, &error);

  g_assert_no_error (error);
  g_assert_cmpint (gdk_pixbuf_get_width (frame), ==, 100);
  g_assert_cmpint (gdk_pixbuf_get_height (frame), ==, 75);
  g_assert_cmpint (get_colour (frame), ==, BLUE);
}

static void
test_read_frame_at_time (void)
{
  g_autoptr(GFile) file = copy_video ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) middle = read_frame (file, SD_FRAME_POSITION_AT, 1500 * 1000, 64, 64, &error);
  g_autoptr(GdkPixbuf) past_end = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (gdk_pixbuf_get_width (middle), ==, 64);
  g_assert_cmpint (gdk_pixbuf_get_height (middle), ==, 48);
  g_assert_cmpint (get_colour (middle), ==, GREEN);

  /* A time past the end is the last frame, not an error. */
  past_end = read_frame (file, SD_FRAME_POSITION_AT, 60 * G_USEC_PER_SEC, 64, 64, &error);
  g_assert_no_error (error);
  g_assert_cmpint (get_colour (past_end), ==, BLUE);
}

/* Past the fades and titles of the first frames: two fifths of the way in. */
static void
test_read_poster_frame (void)
{
  g_autoptr(GFile) file = copy_video ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) frame = read_frame (file, SD_FRAME_POSITION_POSTER, 0, 128, 128, &error);

  g_assert_no_error (error);
  g_assert_cmpint (get_colour (frame), ==, GREEN);
}

static void
test_read_never_scales_up (void)
{
  g_autoptr(GFile) file = copy_video ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) frame = sd_frame_read (file, SD_FRAME_POSITION_FIRST, 0, 4096, 4096, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpint (gdk_pixbuf_get_width (frame), ==, WIDTH);
  g_assert_cmpint (gdk_pixbuf_get_height (frame), ==, HEIGHT);
}

static void
assert_refused (GFile  *file,
                GQuark  domain,
                int     code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) frame = read_frame (file, SD_FRAME_POSITION_LAST, 0, 128, 128, &error);

  g_assert_null (frame);
  g_assert_error (error, domain, code);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_test_message ("%s", error->message);
}

static void
test_refuse_not_a_video (void)
{
  static const char text[] = "Not a video: just some words in a file named like one.\n";
  g_autoptr(GFile) text_file = write_file ("text.mp4", text, sizeof text - 1);
  g_autoptr(GFile) empty = write_file ("empty.webm", "", 0);
  g_autoptr(GFile) missing = g_file_new_build_filename (home, "no such video.mp4", NULL);
  g_autoptr(GFile) folder = g_file_new_for_path (home);

  assert_refused (text_file, SD_FRAME_ERROR, SD_FRAME_ERROR_NOT_VIDEO);
  assert_refused (empty, SD_FRAME_ERROR, SD_FRAME_ERROR_NOT_VIDEO);
  assert_refused (missing, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  assert_refused (folder, SD_FRAME_ERROR, SD_FRAME_ERROR_NOT_VIDEO);
}

static void
test_refuse_truncated (void)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;

  g_file_get_contents (video_path, &contents, &length, &error);
  g_assert_no_error (error);

  /* Cut inside the header, and just after it: no frame to read. */
  for (gsize cut = 16; cut <= 256; cut *= 4)
    {
      g_autoptr(GFile) file = write_file ("cut.webm", contents, cut);
      g_autoptr(GdkPixbuf) frame = read_frame (file, SD_FRAME_POSITION_FIRST, 0, 128, 128, &error);

      g_assert_null (frame);
      g_assert_true (error->domain == SD_FRAME_ERROR);
      g_clear_error (&error);
    }
}

/* Damage anywhere: a frame of the right size or an SD_FRAME_ERROR, never a
 * crash, a hang or another kind of failure. */
static void
test_refuse_corrupt (void)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (12);
  gsize length;

  g_file_get_contents (video_path, &contents, &length, &error);
  g_assert_no_error (error);

  for (guint round = 0; round < 12; round++)
    {
      g_autofree char *damaged = g_memdup2 (contents, length);
      gsize cut = round % 3 == 0 ? (gsize) g_rand_int_range (rand, 1, length) : length;
      g_autoptr(GFile) file = NULL;
      g_autoptr(GdkPixbuf) frame = NULL;

      for (guint i = 0; i < 1 + round * 4; i++)
        damaged[g_rand_int_range (rand, 0, length)] = g_rand_int_range (rand, 0, 256);
      file = write_file ("damaged.webm", damaged, cut);
      frame = read_frame (file, round % 2 ? SD_FRAME_POSITION_LAST : SD_FRAME_POSITION_FIRST,
                          0, 128, 128, &error);
      if (frame != NULL)
        {
          g_assert_cmpint (gdk_pixbuf_get_width (frame), <=, 128);
          g_assert_cmpint (gdk_pixbuf_get_height (frame), <=, 96);
        }
      else
        {
          g_assert_true (error->domain == SD_FRAME_ERROR);
          g_clear_error (&error);
        }
    }
}

static void
test_refuse_absurd_size (void)
{
  g_autoptr(GFile) file = copy_video ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) frame = sd_frame_read (file, SD_FRAME_POSITION_FIRST, 0, 100000, 100, NULL, &error);

  g_assert_null (frame);
  g_assert_error (error, SD_FRAME_ERROR, SD_FRAME_ERROR_TOO_LARGE);
  g_clear_error (&error);

  frame = sd_frame_read (file, SD_FRAME_POSITION_FIRST, 0, 0, 100, NULL, &error);
  g_assert_null (frame);
  g_assert_error (error, SD_FRAME_ERROR, SD_FRAME_ERROR_TOO_LARGE);
}

static void
test_cancel (void)
{
  g_autoptr(GFile) file = copy_video ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) frame = NULL;
  gint64 start = g_get_monotonic_time ();

  sd_frame_read_async (file, SD_FRAME_POSITION_LAST, 0, 128, 128, cancellable,
                       sd_test_store_result_cb, &result);
  g_cancellable_cancel (cancellable);
  sd_test_wait_until (sd_test_result_arrived, &result, 30, "the cancelled read");
  frame = sd_frame_read_finish (result, &error);

  g_assert_null (frame);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, SD_FRAME_TIMEOUT_USEC);
}

/* The thumbnail cache */

static char *
ensure_thumbnail (GFile           *file,
                  SdThumbnailSize  size,
                  GError         **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sd_thumbnail_cache_ensure_async (file, size, NULL, sd_test_store_result_cb, &result);
  sd_test_wait_until (sd_test_result_arrived, &result, 30, "the thumbnail");
  return sd_thumbnail_cache_ensure_finish (result, error);
}

static guint64
get_mtime (GFile *file)
{
  g_autoptr(GFileInfo) info = g_file_query_info (file, G_FILE_ATTRIBUTE_TIME_MODIFIED,
                                                 G_FILE_QUERY_INFO_NONE, NULL, NULL);

  g_assert_nonnull (info);
  return g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED);
}

static void
assert_mode (const char *path,
             guint       mode)
{
  GStatBuf buf;

  g_assert_cmpint (g_stat (path, &buf), ==, 0);
  g_assert_cmpuint (buf.st_mode & 0777, ==, mode);
}

static void
test_thumbnail_follows_the_standard (void)
{
  g_autoptr(GFile) file = copy_video ();
  g_autofree char *uri = g_file_get_uri (file);
  g_autofree char *md5 = g_compute_checksum_for_string (G_CHECKSUM_MD5, uri, -1);
  g_autofree char *name = g_strconcat (md5, ".png", NULL);
  g_autofree char *expected = g_build_filename (home, "cache", "thumbnails", "normal", name, NULL);
  g_autofree char *mtime = g_strdup_printf ("%" G_GUINT64_FORMAT, get_mtime (file));
  g_autofree char *folder = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) png = NULL;
  g_autofree char *path = NULL;

  g_assert_null (sd_thumbnail_cache_lookup (file, SD_THUMBNAIL_SIZE_NORMAL, NULL));
  path = ensure_thumbnail (file, SD_THUMBNAIL_SIZE_NORMAL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (path, ==, expected);

  png = gdk_pixbuf_new_from_file (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_pixbuf_get_width (png), ==, 128);
  g_assert_cmpint (gdk_pixbuf_get_height (png), ==, 96);
  /* The poster frame, 1.2 s into red-green-blue. */
  g_assert_cmpint (get_colour (png), ==, GREEN);
  g_assert_cmpstr (gdk_pixbuf_get_option (png, "tEXt::Thumb::URI"), ==, uri);
  g_assert_cmpstr (gdk_pixbuf_get_option (png, "tEXt::Thumb::MTime"), ==, mtime);
  g_assert_nonnull (gdk_pixbuf_get_option (png, "tEXt::Thumb::Size"));

  assert_mode (path, 0600);
  folder = g_path_get_dirname (path);
  assert_mode (folder, 0700);
  g_autofree char *found = sd_thumbnail_cache_lookup (file, SD_THUMBNAIL_SIZE_NORMAL, NULL);
  g_assert_cmpstr (found, ==, path);
}

static void
test_thumbnail_large (void)
{
  g_autoptr(GFile) file = copy_video ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = ensure_thumbnail (file, SD_THUMBNAIL_SIZE_LARGE, &error);
  g_autoptr(GdkPixbuf) png = NULL;

  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (path, home));
  g_assert_nonnull (strstr (path, "/thumbnails/large/"));
  png = gdk_pixbuf_new_from_file (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_pixbuf_get_width (png), ==, 256);
  g_assert_cmpint (gdk_pixbuf_get_height (png), ==, 192);
}

/* What Files or totem would have left: a thumbnail of another colour. */
static void
write_foreign_thumbnail (GFile      *file,
                         const char *mtime)
{
  g_autofree char *path = sd_thumbnail_cache_get_path (file, SD_THUMBNAIL_SIZE_NORMAL);
  g_autofree char *folder = g_path_get_dirname (path);
  g_autofree char *uri = g_file_get_uri (file);
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 128, 72);
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) thumbnail = NULL;

  gdk_pixbuf_fill (pixbuf, 0x1010e0ff);
  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  gdk_pixbuf_save (pixbuf, path, "png", &error,
                   "tEXt::Thumb::URI", uri, "tEXt::Thumb::MTime", mtime,
                   "tEXt::Software", "GNOME::ThumbnailFactory", NULL);
  g_assert_no_error (error);

  /* Made a while ago, so that rewriting it would show in its mtime. */
  thumbnail = g_file_new_for_path (path);
  g_file_set_attribute_uint64 (thumbnail, G_FILE_ATTRIBUTE_TIME_MODIFIED, 1000000000,
                               G_FILE_QUERY_INFO_NONE, NULL, &error);
  g_assert_no_error (error);
}

static void
test_thumbnail_reuses_a_valid_one (void)
{
  g_autoptr(GFile) file = copy_video ();
  g_autofree char *mtime = g_strdup_printf ("%" G_GUINT64_FORMAT, get_mtime (file));
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GFile) thumbnail = NULL;
  g_autoptr(GdkPixbuf) png = NULL;

  write_foreign_thumbnail (file, mtime);
  path = ensure_thumbnail (file, SD_THUMBNAIL_SIZE_NORMAL, &error);
  g_assert_no_error (error);

  thumbnail = g_file_new_for_path (path);
  g_assert_cmpuint (get_mtime (thumbnail), ==, 1000000000);
  png = gdk_pixbuf_new_from_file (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (get_colour (png), ==, BLUE);
  g_assert_cmpstr (gdk_pixbuf_get_option (png, "tEXt::Software"), ==, "GNOME::ThumbnailFactory");
}

static void
test_thumbnail_stale_is_made_again (void)
{
  g_autoptr(GFile) file = copy_video ();
  g_autofree char *mtime = g_strdup_printf ("%" G_GUINT64_FORMAT, get_mtime (file) - 3600);
  g_autofree char *now = g_strdup_printf ("%" G_GUINT64_FORMAT, get_mtime (file));
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GFile) thumbnail = NULL;
  g_autoptr(GdkPixbuf) png = NULL;

  write_foreign_thumbnail (file, mtime);
  g_assert_null (sd_thumbnail_cache_lookup (file, SD_THUMBNAIL_SIZE_NORMAL, NULL));
  path = ensure_thumbnail (file, SD_THUMBNAIL_SIZE_NORMAL, &error);
  g_assert_no_error (error);

  thumbnail = g_file_new_for_path (path);
  g_assert_cmpuint (get_mtime (thumbnail), >, 1000000000);
  png = gdk_pixbuf_new_from_file (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (get_colour (png), ==, GREEN);
  g_assert_cmpstr (gdk_pixbuf_get_option (png, "tEXt::Thumb::MTime"), ==, now);
}

static void
test_thumbnail_failure_is_marked (void)
{
  static const char text[] = "plain text, not a video";
  g_autoptr(GFile) file = write_file ("notes.mp4", text, sizeof text - 1);
  g_autofree char *failed = sd_thumbnail_cache_get_failed_path (file);
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) marker = NULL;
  g_autofree char *uri = g_file_get_uri (file);

  path = ensure_thumbnail (file, SD_THUMBNAIL_SIZE_NORMAL, &error);
  g_assert_null (path);
  g_assert_error (error, SD_FRAME_ERROR, SD_FRAME_ERROR_NOT_VIDEO);
  g_clear_error (&error);

  g_assert_nonnull (strstr (failed, "/thumbnails/fail/seedance-studio-" PACKAGE_VERSION "/"));
  marker = gdk_pixbuf_new_from_file (failed, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (gdk_pixbuf_get_option (marker, "tEXt::Thumb::URI"), ==, uri);

  /* Not read again while the file is unchanged. */
  path = ensure_thumbnail (file, SD_THUMBNAIL_SIZE_NORMAL, &error);
  g_assert_null (path);
  g_assert_error (error, SD_FRAME_ERROR, SD_FRAME_ERROR_DECODE);
  g_test_message ("%s", error->message);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *cache = NULL;
  g_autofree char *registry = NULL;
  int status;

  home = g_dir_make_tmp ("test-frames-XXXXXX", NULL);
  g_assert_nonnull (home);
  cache = g_build_filename (home, "cache", NULL);
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  g_setenv ("XDG_DATA_HOME", home, TRUE);
  g_setenv ("XDG_CONFIG_HOME", home, TRUE);
  /* GStreamer's plugin registry outside the thumbnail folders' parent, once. */
  registry = g_build_filename (home, "gst-registry.bin", NULL);
  g_setenv ("GST_REGISTRY", registry, TRUE);
  g_test_init (&argc, &argv, NULL);
  gst_init (NULL, NULL);

  video_path = g_build_filename (home, "colours.webm", NULL);
  make_video (video_path);

  g_test_add_func ("/frames/read/first-frame-fits-the-size-asked", test_read_first_frame);
  g_test_add_func ("/frames/read/last-frame-is-the-last-colour", test_read_last_frame);
  g_test_add_func ("/frames/read/frame-at-a-time-and-past-the-end", test_read_frame_at_time);
  g_test_add_func ("/frames/read/poster-frame-is-two-fifths-in", test_read_poster_frame);
  g_test_add_func ("/frames/read/never-scales-up", test_read_never_scales_up);
  g_test_add_func ("/frames/refuse/not-a-video-missing-or-empty", test_refuse_not_a_video);
  g_test_add_func ("/frames/refuse/truncated-file-is-an-error", test_refuse_truncated);
  g_test_add_func ("/frames/refuse/corrupt-file-is-a-frame-or-an-error", test_refuse_corrupt);
  g_test_add_func ("/frames/refuse/absurd-size", test_refuse_absurd_size);
  g_test_add_func ("/frames/cancel/cancelled-read-ends-cancelled", test_cancel);
  g_test_add_func ("/thumbnails/ensure/file-follows-the-standard", test_thumbnail_follows_the_standard);
  g_test_add_func ("/thumbnails/ensure/large-is-256-pixels", test_thumbnail_large);
  g_test_add_func ("/thumbnails/ensure/valid-thumbnail-of-another-program-is-used",
                   test_thumbnail_reuses_a_valid_one);
  g_test_add_func ("/thumbnails/ensure/stale-thumbnail-is-made-again", test_thumbnail_stale_is_made_again);
  g_test_add_func ("/thumbnails/ensure/unreadable-file-is-marked-failed", test_thumbnail_failure_is_marked);

  status = g_test_run ();
  g_free (video_path);
  return status;
}

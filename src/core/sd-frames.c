/* sd-frames.c: single frames read from video files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-frames"

#include "config.h"

#include <glib/gi18n.h>
#include <gst/gst.h>
#include <gst/video/video.h>

#include "sd-frames.h"

G_DEFINE_QUARK (sd-frame-error-quark, sd_frame_error)

/* playbin's GstPlayFlags: video only, and no converter between the decoder
 * and our sink, so the size limit below reaches the decoder itself. */
#define PLAY_FLAG_VIDEO        (1 << 0)
#define PLAY_FLAG_NATIVE_VIDEO (1 << 6)

#define BUS_POLL_USEC   (50 * 1000)
#define LAST_FRAME_BACKOFF_USEC (250 * 1000)
#define LAST_FRAME_TRIES 4

typedef struct {
  GFile        *video;
  GstElement   *pipeline;
  GstElement   *sink;
  GstBus       *bus;
  GCancellable *cancellable;
  gint64        deadline;  /* monotonic */
} Reader;

static void
reader_clear (Reader *reader)
{
  if (reader->pipeline != NULL)
    gst_element_set_state (reader->pipeline, GST_STATE_NULL);
  g_clear_pointer (&reader->bus, gst_object_unref);
  g_clear_pointer (&reader->sink, gst_object_unref);
  g_clear_pointer (&reader->pipeline, gst_object_unref);
}

static gboolean
ensure_gstreamer (GError **error)
{
  static gsize initialized;
  static GError *init_error;

  if (g_once_init_enter (&initialized))
    {
      if (!gst_init_check (NULL, NULL, &init_error))
        g_debug ("GStreamer did not start: %s", init_error->message);
      g_once_init_leave (&initialized, 1);
    }

  if (init_error != NULL)
    {
      g_set_error (error, SD_FRAME_ERROR, SD_FRAME_ERROR_DECODE,
                   _("Videos cannot be read: GStreamer did not start (%s)."),
                   init_error->message);
      return FALSE;
    }
  return TRUE;
}

static char *
get_display_name (GFile *file)
{
  g_autofree char *path = g_file_get_path (file);

  return path != NULL ? g_filename_display_basename (path) : g_file_get_uri (file);
}

/* A sink that takes raw frames in system memory of a sane size only: a file
 * that claims a frame of 100,000 × 100,000 pixels fails to negotiate instead
 * of having the decoder allocate it. */
static GstElement *
make_video_sink (GstElement **sink_out,
                 GError     **error)
{
  g_autofree char *description =
    g_strdup_printf ("capsfilter caps=\"video/x-raw,width=(int)[1,%d],height=(int)[1,%d]\" "
                     "! fakesink name=sink sync=false enable-last-sample=true",
                     SD_FRAME_MAX_SOURCE_SIDE, SD_FRAME_MAX_SOURCE_SIDE);
  GstElement *bin = gst_parse_bin_from_description (description, TRUE, error);

  if (bin == NULL)
    return NULL;
  *sink_out = gst_bin_get_by_name (GST_BIN (bin), "sink");
  return bin;
}

static gboolean
reader_open (Reader   *reader,
             GError  **error)
{
  g_autofree char *uri = g_file_get_uri (reader->video);
  g_autoptr(GError) local_error = NULL;
  GstElement *video_sink;

  reader->pipeline = gst_element_factory_make ("playbin", NULL);
  video_sink = make_video_sink (&reader->sink, &local_error);
  if (reader->pipeline == NULL || video_sink == NULL)
    {
      g_set_error (error, SD_FRAME_ERROR, SD_FRAME_ERROR_DECODE,
                   _("Videos cannot be read: the GStreamer base plugins are missing (%s)."),
                   local_error != NULL ? local_error->message : "playbin");
      g_clear_object (&video_sink);
      return FALSE;
    }

  gst_object_ref_sink (reader->pipeline);
  g_object_set (reader->pipeline,
                "uri", uri,
                "flags", PLAY_FLAG_VIDEO | PLAY_FLAG_NATIVE_VIDEO,
                "video-sink", video_sink,
                NULL);
  reader->bus = gst_element_get_bus (reader->pipeline);
  return TRUE;
}

static void
set_error_from_message (Reader     *reader,
                        GstMessage *message,
                        GError    **error)
{
  g_autoptr(GError) gst_error = NULL;
  g_autofree char *debug = NULL;
  g_autofree char *name = get_display_name (reader->video);
  SdFrameError code = SD_FRAME_ERROR_DECODE;

  gst_message_parse_error (message, &gst_error, &debug);
  g_debug ("Reading a frame of %s failed: %s (%s)", name, gst_error->message,
           debug != NULL ? debug : "");

  if (g_error_matches (gst_error, GST_STREAM_ERROR, GST_STREAM_ERROR_TYPE_NOT_FOUND) ||
      g_error_matches (gst_error, GST_STREAM_ERROR, GST_STREAM_ERROR_WRONG_TYPE))
    {
      g_set_error (error, SD_FRAME_ERROR, SD_FRAME_ERROR_NOT_VIDEO,
                   _("“%s” is not a video file."), name);
      return;
    }
  if (g_error_matches (gst_error, GST_CORE_ERROR, GST_CORE_ERROR_NEGOTIATION) ||
      g_error_matches (gst_error, GST_STREAM_ERROR, GST_STREAM_ERROR_FORMAT))
    code = SD_FRAME_ERROR_TOO_LARGE;

  if (code == SD_FRAME_ERROR_TOO_LARGE)
    g_set_error (error, SD_FRAME_ERROR, code,
                 _("“%s” could not be read: its frames are larger than %d pixels a side, or in a format that cannot be shown (%s)."),
                 name, SD_FRAME_MAX_SOURCE_SIDE, gst_error->message);
  else
    g_set_error (error, SD_FRAME_ERROR, code,
                 _("“%s” could not be read as a video: it may be damaged or incomplete (%s)."),
                 name, gst_error->message);
}

/* Waits for the pipeline to settle after a state change or a seek, never
 * past the deadline, and gives up as soon as @cancellable is cancelled.
 * Sets @at_end when the stream ended before a frame reached the sink. */
static gboolean
reader_wait (Reader    *reader,
             gboolean  *at_end,
             GError   **error)
{
  *at_end = FALSE;
  for (;;)
    {
      g_autoptr(GstMessage) message = NULL;
      gint64 left = reader->deadline - g_get_monotonic_time ();

      if (g_cancellable_set_error_if_cancelled (reader->cancellable, error))
        return FALSE;
      if (left <= 0)
        {
          g_autofree char *name = get_display_name (reader->video);

          g_set_error (error, SD_FRAME_ERROR, SD_FRAME_ERROR_TIMEOUT,
                       _("No frame of “%s” could be read within %d seconds."),
                       name, (int) (SD_FRAME_TIMEOUT_USEC / G_USEC_PER_SEC));
          return FALSE;
        }

      message = gst_bus_timed_pop_filtered (reader->bus, MIN (left, BUS_POLL_USEC) * GST_USECOND,
                                            GST_MESSAGE_ASYNC_DONE | GST_MESSAGE_ERROR |
                                            GST_MESSAGE_EOS);
      if (message == NULL)
        continue;
      if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
        {
          set_error_from_message (reader, message, error);
          return FALSE;
        }
      if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_EOS)
        *at_end = TRUE;
      if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ASYNC_DONE)
        return TRUE;
    }
}

static GstSample *
reader_get_sample (Reader *reader)
{
  GstSample *sample = NULL;

  g_object_get (reader->sink, "last-sample", &sample, NULL);
  return sample;
}

static gboolean
reader_seek (Reader  *reader,
             gint64   time_usec,
             GError **error)
{
  gboolean at_end;

  g_debug ("Seeking to %" G_GINT64_FORMAT " us", time_usec);
  if (!gst_element_seek_simple (reader->pipeline, GST_FORMAT_TIME,
                                GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE,
                                time_usec * GST_USECOND))
    {
      g_debug ("The video cannot seek; keeping the frame it has");
      return TRUE;
    }
  return reader_wait (reader, &at_end, error);
}

static gint64
reader_get_duration_usec (Reader *reader)
{
  gint64 duration = -1;

  if (!gst_element_query_duration (reader->pipeline, GST_FORMAT_TIME, &duration) || duration <= 0)
    return -1;
  return duration / GST_USECOND;
}

/* The last frame lies just before the end; a container that overstates its
 * length gets a few tries further back. */
static GstSample *
reader_seek_last (Reader  *reader,
                  gint64   duration,
                  GError **error)
{
  for (int i = 0; i < LAST_FRAME_TRIES; i++)
    {
      GstSample *sample;

      if (!reader_seek (reader, MAX (duration - 1000 - i * LAST_FRAME_BACKOFF_USEC, 0), error))
        return NULL;
      sample = reader_get_sample (reader);
      if (sample != NULL)
        return sample;
    }
  return NULL;
}

static GstSample *
reader_seek_position (Reader          *reader,
                      SdFramePosition  position,
                      gint64           time_usec,
                      GError         **error)
{
  gint64 duration;

  if (position == SD_FRAME_POSITION_FIRST)
    return reader_get_sample (reader);

  duration = reader_get_duration_usec (reader);
  g_debug ("Duration: %" G_GINT64_FORMAT " us", duration);
  if (position == SD_FRAME_POSITION_POSTER)
    {
      if (duration < 0)
        return reader_get_sample (reader);
      time_usec = duration * 2 / 5;
    }
  else if (position == SD_FRAME_POSITION_LAST)
    {
      if (duration < 0)
        return reader_get_sample (reader);
      return reader_seek_last (reader, duration, error);
    }

  if (duration >= 0)
    time_usec = MIN (time_usec, MAX (duration - 1000, 0));
  if (!reader_seek (reader, MAX (time_usec, 0), error))
    return NULL;
  return reader_get_sample (reader);
}

static GstCaps *
make_output_caps (GstCaps *caps,
                  int      max_width,
                  int      max_height)
{
  GstVideoInfo info;
  double width, height, scale;

  if (caps == NULL || !gst_video_info_from_caps (&info, caps) ||
      info.width <= 0 || info.height <= 0 ||
      info.width > SD_FRAME_MAX_SOURCE_SIDE || info.height > SD_FRAME_MAX_SOURCE_SIDE)
    return NULL;

  width = (double) info.width * MAX (info.par_n, 1) / MAX (info.par_d, 1);
  height = info.height;
  scale = MIN (1.0, MIN (max_width / width, max_height / height));
  return gst_caps_new_simple ("video/x-raw",
                              "format", G_TYPE_STRING, "RGB",
                              "width", G_TYPE_INT, (int) CLAMP (width * scale + 0.5, 1, max_width),
                              "height", G_TYPE_INT, (int) CLAMP (height * scale + 0.5, 1, max_height),
                              "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1,
                              NULL);
}

static GdkPixbuf *
pixbuf_from_sample (GstSample *sample)
{
  GstVideoInfo info;
  GstMapInfo map;
  GBytes *bytes;
  GdkPixbuf *pixbuf;
  GstBuffer *buffer = gst_sample_get_buffer (sample);

  if (buffer == NULL || !gst_video_info_from_caps (&info, gst_sample_get_caps (sample)) ||
      !gst_buffer_map (buffer, &map, GST_MAP_READ))
    return NULL;
  if (map.size < (gsize) GST_VIDEO_INFO_PLANE_STRIDE (&info, 0) * info.height)
    {
      gst_buffer_unmap (buffer, &map);
      return NULL;
    }

  bytes = g_bytes_new (map.data, (gsize) GST_VIDEO_INFO_PLANE_STRIDE (&info, 0) * info.height);
  gst_buffer_unmap (buffer, &map);
  pixbuf = gdk_pixbuf_new_from_bytes (bytes, GDK_COLORSPACE_RGB, FALSE, 8,
                                      info.width, info.height,
                                      GST_VIDEO_INFO_PLANE_STRIDE (&info, 0));
  g_bytes_unref (bytes);
  return pixbuf;
}

static GdkPixbuf *
convert_sample (Reader     *reader,
                GstSample  *sample,
                int         max_width,
                int         max_height,
                GError    **error)
{
  g_autofree char *name = get_display_name (reader->video);
  g_autoptr(GstCaps) caps = make_output_caps (gst_sample_get_caps (sample), max_width, max_height);
  g_autoptr(GstSample) converted = NULL;
  g_autoptr(GError) local_error = NULL;
  gint64 left = MAX (reader->deadline - g_get_monotonic_time (), 1);
  GdkPixbuf *pixbuf;

  if (caps == NULL)
    {
      g_set_error (error, SD_FRAME_ERROR, SD_FRAME_ERROR_TOO_LARGE,
                   _("“%s” could not be read: its frames have no usable size (at most %d pixels a side)."),
                   name, SD_FRAME_MAX_SOURCE_SIDE);
      return NULL;
    }

  converted = gst_video_convert_sample (sample, caps, left * GST_USECOND, &local_error);
  pixbuf = converted != NULL ? pixbuf_from_sample (converted) : NULL;
  if (pixbuf == NULL)
    g_set_error (error, SD_FRAME_ERROR, SD_FRAME_ERROR_DECODE,
                 _("A frame of “%s” could not be converted to a picture (%s)."), name,
                 local_error != NULL ? local_error->message : _("no picture data"));
  return pixbuf;
}

static gboolean
check_arguments (GFile         *video,
                 int            max_width,
                 int            max_height,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_autoptr(GFileInfo) info = NULL;

  if (max_width < 1 || max_height < 1 || max_width > SD_FRAME_MAX_SIDE || max_height > SD_FRAME_MAX_SIDE)
    {
      g_set_error (error, SD_FRAME_ERROR, SD_FRAME_ERROR_TOO_LARGE,
                   _("A frame of %d × %d pixels was asked for; the size must be 1 to %d pixels a side."),
                   max_width, max_height, SD_FRAME_MAX_SIDE);
      return FALSE;
    }

  /* Missing files and folders get GIO's own clear message, not GStreamer's. */
  info = g_file_query_info (video, G_FILE_ATTRIBUTE_STANDARD_TYPE, G_FILE_QUERY_INFO_NONE,
                            cancellable, error);
  if (info == NULL)
    return FALSE;
  if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    {
      g_autofree char *name = get_display_name (video);

      g_set_error (error, SD_FRAME_ERROR, SD_FRAME_ERROR_NOT_VIDEO,
                   _("“%s” is not a video file."), name);
      return FALSE;
    }
  return TRUE;
}

/**
 * sd_frame_read:
 * @video: a video file
 * @position: which frame: the first, the last, the one at @time_usec, or
 *   the poster frame
 * @time_usec: with %SD_FRAME_POSITION_AT, the time in microseconds (clamped
 *   to the video's length)
 * @max_width: the largest width of the picture, 1 to %SD_FRAME_MAX_SIDE
 * @max_height: the largest height of the picture, 1 to %SD_FRAME_MAX_SIDE
 * @cancellable: (nullable): a #GCancellable
 * @error: where an #SD_FRAME_ERROR (or a #G_IO_ERROR) goes
 *
 * Reads one frame, scaled down to fit @max_width × @max_height with its
 * display aspect kept (never scaled up). Blocks for up to
 * %SD_FRAME_TIMEOUT_USEC: call it from a worker thread, or use
 * sd_frame_read_async(). GStreamer decodes in its own threads; frames of
 * more than %SD_FRAME_MAX_SOURCE_SIDE pixels a side are refused before they
 * are decoded. A file that is not a video, damaged, or cut short is an error.
 *
 * Returns: (transfer full): an RGB picture, or %NULL with @error set
 */
GdkPixbuf *
sd_frame_read (GFile            *video,
               SdFramePosition   position,
               gint64            time_usec,
               int               max_width,
               int               max_height,
               GCancellable     *cancellable,
               GError          **error)
{
  Reader reader = { .video = video, .cancellable = cancellable };
  g_autoptr(GstSample) sample = NULL;
  GdkPixbuf *pixbuf = NULL;
  gboolean at_end;

  g_return_val_if_fail (G_IS_FILE (video), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_arguments (video, max_width, max_height, cancellable, error) ||
      !ensure_gstreamer (error))
    return NULL;

  reader.deadline = g_get_monotonic_time () + SD_FRAME_TIMEOUT_USEC;
  if (reader_open (&reader, error))
    {
      gst_element_set_state (reader.pipeline, GST_STATE_PAUSED);
      if (reader_wait (&reader, &at_end, error))
        sample = reader_seek_position (&reader, position, time_usec, error);
      if (sample != NULL)
        pixbuf = convert_sample (&reader, sample, max_width, max_height, error);
      else if (error == NULL || *error == NULL)
        {
          g_autofree char *name = get_display_name (video);

          g_set_error (error, SD_FRAME_ERROR, SD_FRAME_ERROR_NOT_VIDEO,
                       _("“%s” holds no video frame that could be read."), name);
        }
    }
  reader_clear (&reader);
  return pixbuf;
}

typedef struct {
  GFile           *video;
  SdFramePosition  position;
  gint64           time_usec;
  int              max_width;
  int              max_height;
} ReadData;

static void
read_data_free (ReadData *data)
{
  g_object_unref (data->video);
  g_free (data);
}

static void
read_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  ReadData *data = task_data;
  GError *error = NULL;
  GdkPixbuf *pixbuf = sd_frame_read (data->video, data->position, data->time_usec,
                                     data->max_width, data->max_height, cancellable, &error);

  if (pixbuf != NULL)
    g_task_return_pointer (task, pixbuf, g_object_unref);
  else
    g_task_return_error (task, error);
}

/**
 * sd_frame_read_async:
 *
 * Runs sd_frame_read() in a worker thread; @callback is called on the
 * thread-default main context of the caller.
 */
void
sd_frame_read_async (GFile               *video,
                     SdFramePosition      position,
                     gint64               time_usec,
                     int                  max_width,
                     int                  max_height,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ReadData *data;

  g_return_if_fail (G_IS_FILE (video));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, sd_frame_read_async);
  g_task_set_return_on_cancel (task, FALSE);
  data = g_new0 (ReadData, 1);
  data->video = g_object_ref (video);
  data->position = position;
  data->time_usec = time_usec;
  data->max_width = max_width;
  data->max_height = max_height;
  g_task_set_task_data (task, data, (GDestroyNotify) read_data_free);
  g_task_run_in_thread (task, read_thread);
}

/**
 * sd_frame_read_finish:
 *
 * Returns: (transfer full): the picture, or %NULL with @error set
 */
GdkPixbuf *
sd_frame_read_finish (GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sd_frame_read_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* sd-media-probe.c: what one media link serves, asked over the network
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-media-probe"

#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gi18n-lib.h>
#include <gst/gst.h>
#include <gst/pbutils/pbutils.h>
#include <string.h>

#include "sd-client.h"
#include "sd-media-probe.h"
#include "sd-tls-database.h"

G_DEFINE_QUARK (sd-media-probe-error-quark, sd_media_probe_error)

G_DEFINE_BOXED_TYPE (SdMediaFacts, sd_media_facts, sd_media_facts_copy, sd_media_facts_free)

/**
 * sd_media_facts_new:
 *
 * Returns: (transfer full): facts with nothing known yet
 */
SdMediaFacts *
sd_media_facts_new (void)
{
  SdMediaFacts *facts = g_new0 (SdMediaFacts, 1);

  facts->size = -1;
  facts->duration_us = -1;
  return facts;
}

/**
 * sd_media_facts_copy:
 * @facts: facts
 *
 * Returns: (transfer full): a copy of @facts
 */
SdMediaFacts *
sd_media_facts_copy (const SdMediaFacts *facts)
{
  SdMediaFacts *copy = g_memdup2 (facts, sizeof *facts);

  copy->content_type = g_strdup (facts->content_type);
  copy->format = g_strdup (facts->format);
  copy->note = g_strdup (facts->note);
  return copy;
}

void
sd_media_facts_free (SdMediaFacts *facts)
{
  if (facts == NULL)
    return;
  g_free (facts->content_type);
  g_free (facts->format);
  g_free (facts->note);
  g_free (facts);
}

/**
 * sd_media_facts_describe:
 * @facts: facts
 *
 * Returns: (transfer full): the known facts in one line, e.g.
 *   "PNG, 4032×3024, 8.1 MB"; "" when nothing is known
 */
char *
sd_media_facts_describe (const SdMediaFacts *facts)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);

  if (facts->format != NULL)
    g_ptr_array_add (parts, g_strdup (facts->format));
  else if (facts->content_type != NULL)
    g_ptr_array_add (parts, g_strdup (facts->content_type));
  if (facts->duration_us >= 0)
    /* TRANSLATORS: a duration in seconds, e.g. "8.0 s" */
    g_ptr_array_add (parts, g_strdup_printf (_("%.1f s"), facts->duration_us / (double) G_USEC_PER_SEC));
  if (facts->width > 0 && facts->height > 0)
    g_ptr_array_add (parts, g_strdup_printf ("%d×%d", facts->width, facts->height));
  if (facts->size >= 0)
    g_ptr_array_add (parts, g_format_size ((guint64) facts->size));
  if (facts->note != NULL)
    g_ptr_array_add (parts, g_strdup (facts->note));
  g_ptr_array_add (parts, NULL);

  return g_strjoinv (", ", (char **) parts->pdata);
}

/* The probe */

typedef struct
{
  SoupSession     *session;
  GUri            *uri;
  GTlsCertificate *trusted;
  GCancellable    *cancellable;   /* ours: the timeout and the caller's cancel it */
  GCancellable    *outer;
  gulong           outer_id;
  GSource         *timeout;
  guint            timeout_ms;
  gint64           deadline_us;
  gboolean         timed_out;
  gboolean         done;
  guint            hops;
  gboolean         ranged;
  SoupMessage     *msg;
  GInputStream    *stream;
  guint8          *head;
  gsize            head_len;
  GstDiscoverer   *discoverer;
  guint            discovered_id;
  SdMediaFacts    *facts;
} Probe;

static gboolean
on_stop_discoverer_cb (gpointer user_data)
{
  gst_discoverer_stop (user_data);
  return G_SOURCE_REMOVE;
}

/* Stopped from an idle: the discoverer may be in the middle of a signal. */
static void
stop_discoverer (Probe *probe)
{
  GSource *source;

  if (probe->discoverer == NULL)
    return;
  g_signal_handlers_disconnect_matched (probe->discoverer, G_SIGNAL_MATCH_ID, probe->discovered_id,
                                        0, NULL, NULL, NULL);
  g_signal_handlers_disconnect_by_data (probe->discoverer, probe);
  source = g_idle_source_new ();
  g_source_set_callback (source, on_stop_discoverer_cb, g_steal_pointer (&probe->discoverer), g_object_unref);
  g_source_attach (source, g_main_context_get_thread_default ());
  g_source_unref (source);
}

static void
clear_timeout (Probe *probe)
{
  if (probe->timeout == NULL)
    return;
  g_source_destroy (probe->timeout);
  g_clear_pointer (&probe->timeout, g_source_unref);
}

static void
probe_free (Probe *probe)
{
  clear_timeout (probe);
  stop_discoverer (probe);
  g_clear_object (&probe->outer);
  g_clear_object (&probe->session);
  g_clear_pointer (&probe->uri, g_uri_unref);
  g_clear_object (&probe->trusted);
  g_clear_object (&probe->cancellable);
  g_clear_object (&probe->msg);
  g_clear_object (&probe->stream);
  g_free (probe->head);
  sd_media_facts_free (probe->facts);
  g_free (probe);
}

/* Returns once, whatever finishes first: the answer, the timeout or a cancel. */
static void
probe_return (GTask  *task,
              GError *error)
{
  g_autoptr(GTask) keep = g_object_ref (task);
  Probe *probe = g_task_get_task_data (task);

  if (probe->done)
    {
      g_clear_error (&error);
      return;
    }
  probe->done = TRUE;
  clear_timeout (probe);
  if (probe->outer != NULL && probe->outer_id != 0)
    g_cancellable_disconnect (probe->outer, probe->outer_id);
  probe->outer_id = 0;
  stop_discoverer (probe);
  if (probe->stream != NULL)
    g_input_stream_close_async (probe->stream, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
  g_cancellable_cancel (probe->cancellable);

  if (error != NULL)
    {
      g_debug ("Probe of %s: %s", g_uri_get_host (probe->uri), error->message);
      g_task_return_error (task, error);
    }
  else
    g_task_return_pointer (task, g_steal_pointer (&probe->facts), (GDestroyNotify) sd_media_facts_free);
}

static void
probe_return_io_error (GTask  *task,
                       GError *error)
{
  Probe *probe = g_task_get_task_data (task);

  if (probe->timed_out)
    {
      g_clear_error (&error);
      probe_return (task, g_error_new (SD_MEDIA_PROBE_ERROR, SD_MEDIA_PROBE_ERROR_TIMEOUT,
                                       _("no answer within %.0f s"), probe->timeout_ms / 1000.0));
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      probe_return (task, error);
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    {
      /* A definite answer, unlike a name that does not resolve or a
       * network that does not answer (which may be this machine's): the
       * host is there and nothing serves the link's port. */
      g_clear_error (&error);
      probe_return (task, g_error_new_literal (SD_MEDIA_PROBE_ERROR, SD_MEDIA_PROBE_ERROR_NOT_AVAILABLE,
                                               _("the host refused the connection")));
      return;
    }
  probe_return (task, g_error_new (SD_MEDIA_PROBE_ERROR, SD_MEDIA_PROBE_ERROR_NETWORK,
                                   _("the host could not be reached (%s)"), error->message));
  g_error_free (error);
}

static gboolean
on_probe_timeout_cb (gpointer user_data)
{
  GTask *task = user_data;
  Probe *probe = g_task_get_task_data (task);

  probe->timed_out = TRUE;
  probe_return_io_error (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "timeout"));
  return G_SOURCE_REMOVE;
}

static gboolean
on_outer_cancelled_idle_cb (gpointer user_data)
{
  probe_return (user_data, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                _("The check was cancelled.")));
  return G_SOURCE_REMOVE;
}

/* May run on another thread: hand over to the probe's main context. */
static void
on_outer_cancelled_cb (GCancellable *cancellable,
                       gpointer      user_data)
{
  GTask *task = user_data;
  GSource *source = g_idle_source_new ();

  g_source_set_callback (source, on_outer_cancelled_idle_cb, g_object_ref (task), g_object_unref);
  g_source_attach (source, g_task_get_context (task));
  g_source_unref (source);
}

static gboolean
on_accept_certificate_cb (SoupMessage          *msg,
                          GTlsCertificate      *certificate,
                          GTlsCertificateFlags  errors,
                          gpointer              user_data)
{
  Probe *probe = user_data;

  /* Only the demo simulator's own certificate, and only on loopback. */
  return probe->trusted != NULL &&
         sd_host_is_loopback (g_uri_get_host (soup_message_get_uri (msg))) &&
         g_tls_certificate_is_same (certificate, probe->trusted);
}

static void on_sent_cb (GObject *source, GAsyncResult *result, gpointer user_data);

/* Every request goes out without credentials and without following
 * redirects on its own: the token belongs to the API host, and each hop is
 * counted and logged here. */
static void
send_request (GTask      *task,
              const char *method)
{
  Probe *probe = g_task_get_task_data (task);

  g_clear_object (&probe->msg);
  probe->msg = soup_message_new_from_uri (method, probe->uri);
  soup_message_add_flags (probe->msg, SOUP_MESSAGE_NO_REDIRECT);
  if (g_str_equal (method, SOUP_METHOD_GET))
    soup_message_headers_set_range (soup_message_get_request_headers (probe->msg),
                                    0, SD_MEDIA_PROBE_HEAD_BYTES - 1);
  g_signal_connect (probe->msg, "accept-certificate", G_CALLBACK (on_accept_certificate_cb), probe);
  /* The host only: a link's path and query may carry its signature. */
  g_debug ("Probe: %s to %s://%s", method, g_uri_get_scheme (probe->uri), g_uri_get_host (probe->uri));
  soup_session_send_async (probe->session, probe->msg, G_PRIORITY_DEFAULT,
                           probe->cancellable, on_sent_cb, g_object_ref (task));
}

static char *
mime_without_parameters (const char *type)
{
  g_autofree char *mime = NULL;
  const char *semicolon, *slash;

  if (type == NULL || *type == '\0')
    return NULL;
  semicolon = strchr (type, ';');
  mime = g_strstrip (g_ascii_strdown (type, semicolon != NULL ? semicolon - type : -1));
  /* The type ends up in messages: only a plain token/token is kept. */
  slash = strchr (mime, '/');
  if (strlen (mime) > 100 || slash == NULL || slash == mime || slash[1] == '\0' ||
      strspn (mime, "abcdefghijklmnopqrstuvwxyz0123456789!#$&^_.+-/") != strlen (mime) ||
      strchr (slash + 1, '/') != NULL)
    return NULL;
  return g_steal_pointer (&mime);
}

static SdMediaKind
kind_of_mime (const char *mime)
{
  if (mime == NULL || g_str_equal (mime, "application/octet-stream") ||
      g_str_equal (mime, "binary/octet-stream"))
    return SD_MEDIA_KIND_UNKNOWN;
  if (g_str_has_prefix (mime, "image/"))
    return SD_MEDIA_KIND_IMAGE;
  if (g_str_has_prefix (mime, "video/") || g_str_equal (mime, "application/ogg") ||
      g_str_equal (mime, "application/mp4"))
    return SD_MEDIA_KIND_VIDEO;
  if (g_str_has_prefix (mime, "audio/"))
    return SD_MEDIA_KIND_AUDIO;
  return SD_MEDIA_KIND_OTHER;
}

static void
note_size (Probe       *probe,
           SoupMessage *msg)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (msg);
  goffset start, end, total = -1;

  if (soup_message_get_status (msg) == SOUP_STATUS_PARTIAL_CONTENT)
    {
      if (soup_message_headers_get_content_range (headers, &start, &end, &total) && total >= 0)
        probe->facts->size = total;
      return;
    }
  if (probe->facts->size < 0 &&
      soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH)
    probe->facts->size = soup_message_headers_get_content_length (headers);
}

static gboolean
follow_redirect (GTask *task)
{
  Probe *probe = g_task_get_task_data (task);
  const char *location = soup_message_headers_get_one (soup_message_get_response_headers (probe->msg),
                                                       "Location");
  g_autoptr(GUri) next = NULL;
  const char *scheme;

  if (location == NULL)
    return FALSE;
  next = g_uri_parse_relative (probe->uri, location, G_URI_FLAGS_ENCODED, NULL);
  scheme = next != NULL ? g_uri_get_scheme (next) : NULL;
  if (scheme == NULL || !(g_str_equal (scheme, "https") || g_str_equal (scheme, "http")))
    {
      probe_return (task, g_error_new (SD_MEDIA_PROBE_ERROR, SD_MEDIA_PROBE_ERROR_REDIRECT,
                                       _("it redirects to something that is not a web link")));
      return TRUE;
    }
  if (++probe->hops > SD_MEDIA_PROBE_MAX_REDIRECTS)
    {
      probe_return (task, g_error_new (SD_MEDIA_PROBE_ERROR, SD_MEDIA_PROBE_ERROR_REDIRECT,
                                       _("it redirects more than %d times"),
                                       SD_MEDIA_PROBE_MAX_REDIRECTS));
      return TRUE;
    }
  g_debug ("Probe: redirect %u to %s", probe->hops, g_uri_get_host (next));
  g_uri_unref (probe->uri);
  probe->uri = g_steal_pointer (&next);
  send_request (task, soup_message_get_method (probe->msg));
  return TRUE;
}

static void on_head_read_cb (GObject *source, GAsyncResult *result, gpointer user_data);
static void discover (GTask *task);

static void
after_head (GTask *task)
{
  Probe *probe = g_task_get_task_data (task);

  switch (kind_of_mime (probe->facts->content_type))
    {
    case SD_MEDIA_KIND_VIDEO:
    case SD_MEDIA_KIND_AUDIO:
      discover (task);
      break;
    case SD_MEDIA_KIND_OTHER:
      probe->facts->kind = SD_MEDIA_KIND_OTHER;
      probe_return (task, NULL);
      break;
    default:
      /* An image, or a type that tells nothing: the first bytes will. */
      probe->ranged = TRUE;
      send_request (task, SOUP_METHOD_GET);
      break;
    }
}

static void
on_sent_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Probe *probe = g_task_get_task_data (task);
  g_autoptr(GInputStream) stream = NULL;
  GError *error = NULL;
  guint status;

  stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (probe->done)
    {
      g_clear_error (&error);
      return;
    }
  if (stream == NULL)
    {
      probe_return_io_error (task, error);
      return;
    }

  status = soup_message_get_status (probe->msg);
  g_debug ("Probe: %s answered %u", g_uri_get_host (probe->uri), status);
  if (!probe->ranged || !SOUP_STATUS_IS_SUCCESSFUL (status))
    g_input_stream_close_async (stream, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
  if (SOUP_STATUS_IS_REDIRECTION (status) && follow_redirect (task))
    return;

  if (!probe->ranged && (status == SOUP_STATUS_METHOD_NOT_ALLOWED || status == SOUP_STATUS_FORBIDDEN ||
                         status == SOUP_STATUS_NOT_IMPLEMENTED))
    {
      /* Some hosts refuse HEAD (signed links are signed for GET alone). */
      g_debug ("Probe: HEAD refused (%u), asking for the first bytes", status);
      probe->ranged = TRUE;
      send_request (task, SOUP_METHOD_GET);
      return;
    }

  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      /* Our own phrase, not the server's: its text is not ours to show. */
      gboolean gone = status >= 400 && status < 500 && status != 408 && status != 429;

      probe_return (task, g_error_new (SD_MEDIA_PROBE_ERROR,
                                       gone ? SD_MEDIA_PROBE_ERROR_NOT_AVAILABLE : SD_MEDIA_PROBE_ERROR_SERVER,
                                       _("the server answered %u %s"), status,
                                       soup_status_get_phrase (status)));
      return;
    }

  g_free (probe->facts->content_type);
  probe->facts->content_type =
    mime_without_parameters (soup_message_headers_get_one (soup_message_get_response_headers (probe->msg),
                                                           "Content-Type"));
  note_size (probe, probe->msg);
  if (!probe->ranged)
    {
      after_head (task);
      return;
    }

  g_set_object (&probe->stream, stream);
  g_free (probe->head);
  probe->head = g_malloc (SD_MEDIA_PROBE_HEAD_BYTES);
  g_input_stream_read_all_async (probe->stream, probe->head, SD_MEDIA_PROBE_HEAD_BYTES,
                                 G_PRIORITY_DEFAULT, probe->cancellable,
                                 on_head_read_cb, g_steal_pointer (&task));
}

/* Images: the pixel size from the header alone */

static void
on_size_prepared_cb (GdkPixbufLoader *loader,
                     int              width,
                     int              height,
                     gpointer         user_data)
{
  SdMediaFacts *facts = user_data;

  facts->width = width;
  facts->height = height;
  /* A size of 0 tells the loader it will be closed soon: nothing past the
   * header is decoded, and no pixels are allocated for a huge picture. */
  gdk_pixbuf_loader_set_size (loader, 0, 0);
}

/* Only the loaders of the formats the provider lists are given bytes from
 * the network, never gdk-pixbuf's guess among every loader installed. */
static const char * const image_types[] = {
  "image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp", "image/svg+xml",
};

static gboolean
is_listed_image_type (const char *mime)
{
  for (gsize i = 0; i < G_N_ELEMENTS (image_types); i++)
    if (g_strcmp0 (mime, image_types[i]) == 0)
      return TRUE;
  return FALSE;
}

static void
read_image_header (Probe      *probe,
                   const char *mime)
{
  g_autoptr(GdkPixbufLoader) loader = NULL;
  g_autoptr(GError) error = NULL;
  GdkPixbufFormat *format;

  loader = gdk_pixbuf_loader_new_with_mime_type (mime, &error);
  if (loader == NULL)
    {
      g_debug ("Probe: no image loader for %s (%s)", mime, error->message);
      return;
    }
  g_signal_connect (loader, "size-prepared", G_CALLBACK (on_size_prepared_cb), probe->facts);
  if (!gdk_pixbuf_loader_write (loader, probe->head, probe->head_len, &error))
    g_debug ("Probe: image header: %s", error->message);
  g_clear_error (&error);
  gdk_pixbuf_loader_close (loader, NULL);
  format = gdk_pixbuf_loader_get_format (loader);
  if (format != NULL)
    {
      g_autofree char *name = gdk_pixbuf_format_get_name (format);

      g_free (probe->facts->format);
      probe->facts->format = g_ascii_strup (name, -1);
    }
}

/* What the first bytes are, when they say it clearly. */
static char *
sniff_mime (Probe *probe)
{
  g_autofree char *type = NULL;
  gboolean uncertain = FALSE;

  if (probe->head_len == 0)
    return NULL;
  type = g_content_type_guess (NULL, probe->head, probe->head_len, &uncertain);
  if (uncertain)
    return NULL;
  return g_content_type_get_mime_type (type);
}

static void
classify_head (GTask *task)
{
  Probe *probe = g_task_get_task_data (task);
  g_autofree char *sniffed = sniff_mime (probe);
  SdMediaKind kind = kind_of_mime (sniffed);
  const char *mime = sniffed;

  g_debug ("Probe: served as %s, the first %" G_GSIZE_FORMAT " bytes look like %s",
           probe->facts->content_type ? probe->facts->content_type : "(no type)",
           probe->head_len, sniffed ? sniffed : "(unclear)");
  /* text/plain is what a guess says of bytes it cannot place. */
  if (kind == SD_MEDIA_KIND_UNKNOWN || g_strcmp0 (sniffed, "text/plain") == 0)
    {
      mime = probe->facts->content_type;
      kind = kind_of_mime (mime);
    }
  probe->facts->kind = kind;

  if (kind == SD_MEDIA_KIND_IMAGE)
    {
      if (is_listed_image_type (mime))
        read_image_header (probe, mime);
      probe_return (task, NULL);
    }
  else if (kind == SD_MEDIA_KIND_VIDEO || kind == SD_MEDIA_KIND_AUDIO)
    discover (task);
  else
    probe_return (task, NULL);
}

static void
on_head_read_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Probe *probe = g_task_get_task_data (task);
  GError *error = NULL;
  gsize read = 0;

  if (!g_input_stream_read_all_finish (G_INPUT_STREAM (source), result, &read, &error) &&
      !probe->done && read == 0)
    {
      probe_return_io_error (task, error);
      return;
    }
  g_clear_error (&error);
  if (probe->done)
    return;

  probe->head_len = read;
  g_input_stream_close_async (probe->stream, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
  g_clear_object (&probe->stream);
  classify_head (task);
}

/* Videos and audios: GstDiscoverer */

static gboolean
ensure_gstreamer (GError **error)
{
  static gsize done = 0;
  static gboolean ok = FALSE;
  static GError *init_error = NULL;

  if (g_once_init_enter (&done))
    {
      ok = gst_init_check (NULL, NULL, &init_error);
      g_once_init_leave (&done, 1);
    }
  if (!ok && error != NULL)
    *error = g_error_copy (init_error);
  return ok;
}

static void
read_stream_facts (SdMediaFacts       *facts,
                   GstDiscovererInfo  *info)
{
  g_autolist(GstDiscovererStreamInfo) videos = gst_discoverer_info_get_video_streams (info);
  g_autolist(GstDiscovererStreamInfo) audios = gst_discoverer_info_get_audio_streams (info);
  g_autoptr(GstDiscovererStreamInfo) top = gst_discoverer_info_get_stream_info (info);
  GstClockTime duration = gst_discoverer_info_get_duration (info);

  if (GST_CLOCK_TIME_IS_VALID (duration) && duration > 0)
    facts->duration_us = (gint64) (duration / GST_USECOND);
  if (videos != NULL)
    {
      GstDiscovererVideoInfo *video = videos->data;

      facts->width = (int) gst_discoverer_video_info_get_width (video);
      facts->height = (int) gst_discoverer_video_info_get_height (video);
      facts->kind = gst_discoverer_video_info_is_image (video) ? SD_MEDIA_KIND_IMAGE
                                                               : SD_MEDIA_KIND_VIDEO;
    }
  else
    facts->kind = audios != NULL ? SD_MEDIA_KIND_AUDIO : SD_MEDIA_KIND_OTHER;

  if (top != NULL)
    {
      g_autoptr(GstCaps) caps = gst_discoverer_stream_info_get_caps (top);

      if (caps != NULL && !gst_caps_is_empty (caps) && !gst_caps_is_any (caps))
        {
          g_free (facts->format);
          facts->format = gst_pb_utils_get_codec_description (caps);
        }
    }
}

static GError *
discovery_error (GstDiscovererResult  result,
                 const GError        *error)
{
  const char *detail = error != NULL ? error->message : "";

  switch (result)
    {
    case GST_DISCOVERER_TIMEOUT:
      return g_error_new (SD_MEDIA_PROBE_ERROR, SD_MEDIA_PROBE_ERROR_TIMEOUT,
                          _("its duration and size could not be read in time"));
    case GST_DISCOVERER_BUSY:
      return g_error_new (SD_MEDIA_PROBE_ERROR, SD_MEDIA_PROBE_ERROR_NETWORK,
                          _("its duration and size could not be read (%s)"), detail);
    case GST_DISCOVERER_ERROR:
      if (error != NULL && error->domain == GST_RESOURCE_ERROR)
        return g_error_new (SD_MEDIA_PROBE_ERROR, SD_MEDIA_PROBE_ERROR_NETWORK,
                            _("its duration and size could not be read (%s)"), detail);
      G_GNUC_FALLTHROUGH;
    default:
      return g_error_new (SD_MEDIA_PROBE_ERROR, SD_MEDIA_PROBE_ERROR_UNREADABLE,
                          _("it cannot be read as a video or a sound (%s)"), detail);
    }
}

static void
on_discovered_cb (GstDiscoverer     *discoverer,
                  GstDiscovererInfo *info,
                  const GError      *error,
                  gpointer           user_data)
{
  GTask *task = user_data;
  Probe *probe = g_task_get_task_data (task);
  GstDiscovererResult result = gst_discoverer_info_get_result (info);

  g_debug ("Probe: discoverer result %d for %s", result, g_uri_get_host (probe->uri));
  if (result == GST_DISCOVERER_OK || result == GST_DISCOVERER_MISSING_PLUGINS)
    {
      read_stream_facts (probe->facts, info);
      if (result == GST_DISCOVERER_MISSING_PLUGINS)
        probe->facts->note = g_strdup (_("no decoder for it on this computer"));
      probe_return (task, NULL);
      return;
    }
  probe_return (task, discovery_error (result, error));
}

/* The demo simulator's self-signed certificate cannot be handed to
 * souphttpsrc: on loopback, in demo mode only, it skips the check. Its
 * connections use the process's one trust database too (its own would
 * read the system store again for each). */
static void
on_source_setup_cb (GstDiscoverer *discoverer,
                    GstElement    *source,
                    gpointer       user_data)
{
  Probe *probe = user_data;
  GTlsDatabase *database = sd_tls_database_get_default ();

  if (database != NULL && g_object_class_find_property (G_OBJECT_GET_CLASS (source), "tls-database") != NULL)
    g_object_set (source, "tls-database", database, NULL);

  if (probe->trusted != NULL && sd_host_is_loopback (g_uri_get_host (probe->uri)) &&
      g_object_class_find_property (G_OBJECT_GET_CLASS (source), "ssl-strict") != NULL)
    g_object_set (source, "ssl-strict", FALSE, NULL);
}

static void
discover (GTask *task)
{
  Probe *probe = g_task_get_task_data (task);
  g_autofree char *uri = g_uri_to_string (probe->uri);
  gint64 left_us = probe->deadline_us - g_get_monotonic_time ();
  GError *error = NULL;

  if (!ensure_gstreamer (&error))
    {
      probe_return (task, g_error_new (SD_MEDIA_PROBE_ERROR, SD_MEDIA_PROBE_ERROR_NETWORK,
                                       _("GStreamer cannot start (%s)"), error->message));
      g_error_free (error);
      return;
    }

  probe->discoverer = gst_discoverer_new (MAX (left_us, 1000) * GST_USECOND, &error);
  if (probe->discoverer == NULL)
    {
      probe_return (task, g_error_new (SD_MEDIA_PROBE_ERROR, SD_MEDIA_PROBE_ERROR_NETWORK,
                                       _("GStreamer cannot start (%s)"), error->message));
      g_error_free (error);
      return;
    }
  probe->discovered_id = g_signal_lookup ("discovered", GST_TYPE_DISCOVERER);
  g_signal_connect (probe->discoverer, "discovered", G_CALLBACK (on_discovered_cb), task);
  g_signal_connect (probe->discoverer, "source-setup", G_CALLBACK (on_source_setup_cb), probe);
  g_debug ("Probe: discovering on %s", g_uri_get_host (probe->uri));
  gst_discoverer_start (probe->discoverer);
  if (!gst_discoverer_discover_uri_async (probe->discoverer, uri))
    probe_return (task, g_error_new (SD_MEDIA_PROBE_ERROR, SD_MEDIA_PROBE_ERROR_UNREADABLE,
                                     _("it cannot be read as a video or a sound")));
}

/**
 * sd_media_probe_async:
 * @session: the session to ask with (it must carry no credentials)
 * @uri: an http or https link
 * @expected: what the link should serve: for an image, whose header is
 *   needed anyway, the probe starts with the ranged GET
 * @loopback_certificate: (nullable): the one self-signed certificate to
 *   accept, on loopback addresses only (the demo simulator's)
 * @timeout_ms: the most the whole probe may take
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the facts are known
 * @user_data: for @callback
 *
 * Asks @uri what it is: HEAD (a ranged GET of the first
 * %SD_MEDIA_PROBE_HEAD_BYTES when HEAD is refused, or for an image's
 * header), at most %SD_MEDIA_PROBE_MAX_REDIRECTS redirects, then the
 * picture's pixel size from its header, or a video's or a sound's duration
 * and resolution with GstDiscoverer. Runs on the thread-default main
 * context.
 */
void
sd_media_probe_async (SoupSession         *session,
                      const char          *uri,
                      SdMediaKind          expected,
                      GTlsCertificate     *loopback_certificate,
                      guint                timeout_ms,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  Probe *probe;

  g_return_if_fail (SOUP_IS_SESSION (session));
  g_return_if_fail (uri != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, sd_media_probe_async);
  probe = g_new0 (Probe, 1);
  g_task_set_task_data (task, probe, (GDestroyNotify) probe_free);
  probe->session = g_object_ref (session);
  probe->trusted = loopback_certificate != NULL ? g_object_ref (loopback_certificate) : NULL;
  probe->cancellable = g_cancellable_new ();
  probe->facts = sd_media_facts_new ();
  probe->timeout_ms = timeout_ms;
  probe->deadline_us = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  probe->uri = g_uri_parse (uri, G_URI_FLAGS_ENCODED, &error);
  if (probe->uri == NULL)
    {
      probe_return (task, g_error_new (SD_MEDIA_PROBE_ERROR, SD_MEDIA_PROBE_ERROR_UNREADABLE,
                                       _("it is not a web link (%s)"), error->message));
      return;
    }

  probe->timeout = g_timeout_source_new (timeout_ms);
  g_source_set_callback (probe->timeout, on_probe_timeout_cb, g_object_ref (task), g_object_unref);
  g_source_attach (probe->timeout, g_task_get_context (task));
  if (cancellable != NULL)
    {
      probe->outer = g_object_ref (cancellable);
      probe->outer_id = g_cancellable_connect (cancellable, G_CALLBACK (on_outer_cancelled_cb),
                                               g_object_ref (task), g_object_unref);
    }
  probe->ranged = expected == SD_MEDIA_KIND_IMAGE;
  send_request (task, probe->ranged ? SOUP_METHOD_GET : SOUP_METHOD_HEAD);
}

/**
 * sd_media_probe_finish:
 * @result: the result given to the callback
 * @error: where to put an #SD_MEDIA_PROBE_ERROR (or %G_IO_ERROR_CANCELLED)
 *
 * Returns: (transfer full) (nullable): what the link serves
 */
SdMediaFacts *
sd_media_probe_finish (GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* sd-media-row.c: one media link in the composer, with a thumbnail
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-media-row"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sd-media-row.h"
#include "sd-media-item.h"
#include "sd-uploader.h"

struct _SdMediaRow
{
  AdwActionRow   parent_instance;

  GtkImage      *thumbnail;
  GtkButton     *up_button;
  GtkButton     *down_button;
  GtkButton     *remove_button;

  char          *url;
  char          *name;          /* readable: the file name, or the link's last segment */
  char          *item_name;     /* "Image 2", set by the list */
  char          *icon_name;
  char          *problem;
  char          *preview_problem;
  gboolean       status_said;   /* an upload or a check wrote the subtitle */
  SdThumbnailer *thumbnailer;
  GCancellable  *cancellable;
  SdUpload      *upload;
  GtkProgressBar *progress;
  GtkButton     *cancel_button;
  GtkSpinner    *spinner;
  gboolean       can_move_up;
  gboolean       can_move_down;
};

G_DEFINE_FINAL_TYPE (SdMediaRow, sd_media_row, ADW_TYPE_ACTION_ROW)

enum {
  PROP_0,
  PROP_URL,
  PROP_THUMBNAILER,
  PROP_ICON_NAME,
  PROP_CAN_MOVE_UP,
  PROP_CAN_MOVE_DOWN,
  N_PROPS
};

enum {
  SIGNAL_MOVE,
  SIGNAL_REMOVE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

#define THUMBNAIL_SIZE   48
#define PLACEHOLDER_SIZE 24
#define ROW_KEY          "sd-media-row"

static void row_show_thumbnail_failure (SdMediaRow   *self,
                                        const GError *error);

/* A light symbolic icon centred in the 48 px square of a preview: the
 * same look for a preview still loading and for assets, videos, audios. */
static void
image_set_placeholder (GtkImage   *image,
                       const char *icon_name)
{
  gtk_image_set_from_icon_name (image, icon_name);
  gtk_image_set_pixel_size (image, PLACEHOLDER_SIZE);
  gtk_widget_set_size_request (GTK_WIDGET (image), THUMBNAIL_SIZE, THUMBNAIL_SIZE);
  gtk_widget_remove_css_class (GTK_WIDGET (image), "error");
  gtk_widget_add_css_class (GTK_WIDGET (image), "placeholder");
}

static void
image_set_preview (GtkImage     *image,
                   GdkPaintable *paintable)
{
  gtk_image_set_from_paintable (image, paintable);
  gtk_image_set_pixel_size (image, THUMBNAIL_SIZE);
  gtk_widget_remove_css_class (GTK_WIDGET (image), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (image), "placeholder");
  gtk_widget_set_tooltip_text (GTK_WIDGET (image), NULL);
}

/* A preview that failed looks failed: the broken-image icon in error
 * colour; the raw reason in the tooltip, a short one on the row. */
static void
image_set_failed (GtkImage     *image,
                  const GError *error)
{
  SdMediaRow *row = g_object_get_data (G_OBJECT (image), ROW_KEY);

  image_set_placeholder (image, "image-missing-symbolic");
  gtk_widget_remove_css_class (GTK_WIDGET (image), "placeholder");
  gtk_widget_add_css_class (GTK_WIDGET (image), "error");
  gtk_widget_set_tooltip_text (GTK_WIDGET (image), error->message);
  if (row != NULL)
    row_show_thumbnail_failure (row, error);
}

/**
 * sd_media_row_describe_preview_error:
 * @error: why a preview could not be loaded
 *
 * Returns: (transfer full): a short reason for a person, such as
 *   "No preview: the server was not found"
 */
char *
sd_media_row_describe_preview_error (const GError *error)
{
  g_return_val_if_fail (error != NULL, NULL);

  if (error->domain == G_RESOLVER_ERROR)
    return g_strdup (_("No preview: the server was not found"));
  if (error->domain == G_TLS_ERROR)
    return g_strdup (_("No preview: the server’s secure connection failed"));
  if (error->domain != G_IO_ERROR)
    return g_strdup (_("No preview: the link could not be loaded"));
  switch (error->code)
    {
    case G_IO_ERROR_TIMED_OUT:
      return g_strdup (_("No preview: the server did not answer in time"));
    case G_IO_ERROR_CONNECTION_REFUSED:
    case G_IO_ERROR_HOST_UNREACHABLE:
    case G_IO_ERROR_NETWORK_UNREACHABLE:
    case G_IO_ERROR_CONNECTION_CLOSED:
      return g_strdup (_("No preview: the server could not be reached"));
    case G_IO_ERROR_INVALID_DATA:
      return g_strdup (_("No preview: the link is not an image"));
    case G_IO_ERROR_NO_SPACE:
      return g_strdup (_("No preview: the image is over 10 MiB"));
    case G_IO_ERROR_NOT_SUPPORTED:
      return g_strdup (_("No preview: only https:// links are previewed"));
    case G_IO_ERROR_NOT_FOUND:
      return g_strdup (_("No preview: the file is not there"));
    case G_IO_ERROR_PERMISSION_DENIED:
      return g_strdup (_("No preview: the file cannot be read"));
    case G_IO_ERROR_FAILED:
      /* the thumbnailer's own words, "The server answered 404 Not Found." */
      /* TRANSLATORS: %s is a short reason, e.g. "The server answered 404 Not Found." */
      return g_strdup_printf (_("No preview: %s"), error->message);
    default:
      return g_strdup (_("No preview: the link could not be loaded"));
    }
}

static void
on_thumbnail_loaded_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GtkImage) image = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = NULL;

  texture = sd_thumbnailer_load_finish (SD_THUMBNAILER (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (texture == NULL)
    {
      image_set_failed (image, error);
      return;
    }

  image_set_preview (image, GDK_PAINTABLE (texture));
}

static void
on_local_pixbuf_loaded_cb (GObject      *source,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(GtkImage) image = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new_from_stream_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (pixbuf == NULL)
    {
      image_set_failed (image, error);
      return;
    }
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  {
    g_autoptr(GdkTexture) texture = gdk_texture_new_for_pixbuf (pixbuf);

    image_set_preview (image, GDK_PAINTABLE (texture));
  }
  G_GNUC_END_IGNORE_DEPRECATIONS
}

typedef struct
{
  GtkImage     *image;
  GCancellable *cancellable;
} LocalLoad;

static void
local_load_free (LocalLoad *load)
{
  g_object_unref (load->image);
  g_clear_object (&load->cancellable);
  g_free (load);
}

static void
on_local_file_read_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  LocalLoad *load = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFileInputStream) stream = g_file_read_finish (G_FILE (source), result, &error);

  if (stream == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        image_set_failed (load->image, error);
      local_load_free (load);
      return;
    }
  /* scaled while decoding, off the main loop's back: a photo is not held
   * at full size for a 48 px preview */
  gdk_pixbuf_new_from_stream_at_scale_async (G_INPUT_STREAM (stream), 96, 96, TRUE,
                                             load->cancellable, on_local_pixbuf_loaded_cb,
                                             g_object_ref (load->image));
  local_load_free (load);
}

static void
show_local_thumbnail (GtkImage     *image,
                      GFile        *file,
                      GCancellable *cancellable)
{
  LocalLoad *load = g_new0 (LocalLoad, 1);

  load->image = g_object_ref (image);
  load->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  image_set_placeholder (image, "image-x-generic-symbolic");
  g_file_read_async (file, G_PRIORITY_LOW, cancellable, on_local_file_read_cb, load);
}

void
sd_media_row_show_thumbnail (GtkImage      *image,
                             SdThumbnailer *thumbnailer,
                             const char    *url,
                             GCancellable  *cancellable)
{
  g_autoptr(GFile) local = NULL;
  GdkTexture *cached;

  g_return_if_fail (GTK_IS_IMAGE (image));
  g_return_if_fail (thumbnailer == NULL || SD_IS_THUMBNAILER (thumbnailer));

  gtk_widget_set_tooltip_text (GTK_WIDGET (image), NULL);
  if (url == NULL || *url == '\0')
    {
      image_set_placeholder (image, "image-x-generic-symbolic");
      return;
    }
  if (g_ascii_strncasecmp (url, "asset://", strlen ("asset://")) == 0)
    {
      image_set_placeholder (image, "package-x-generic-symbolic");
      gtk_widget_set_tooltip_text (GTK_WIDGET (image),
                                   _("An image from the provider’s asset library"));
      return;
    }
  local = sd_upload_local_file_for_reference (url);
  if (local != NULL)
    {
      show_local_thumbnail (image, local, cancellable);
      return;
    }
  if (thumbnailer == NULL)
    {
      image_set_placeholder (image, "image-x-generic-symbolic");
      return;
    }

  cached = sd_thumbnailer_lookup (thumbnailer, url);
  if (cached != NULL)
    {
      image_set_preview (image, GDK_PAINTABLE (cached));
      return;
    }

  image_set_placeholder (image, "image-x-generic-symbolic");
  sd_thumbnailer_load_async (thumbnailer, url, cancellable,
                             on_thumbnail_loaded_cb, g_object_ref (image));
}

/* A local file shows as its name over "Local file", uploaded at Generate
 * (or before); the tooltip has its path. */
static void
show_local_file (SdMediaRow *self,
                 GFile      *file)
{
  g_autofree char *uri = g_file_get_uri (file);
  g_autofree char *path = g_file_get_parse_name (file);

  g_free (self->name);
  self->name = sd_media_name_from_uri (uri);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), self->name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), _("Local file · uploaded when you generate"));
  adw_action_row_set_title_lines (ADW_ACTION_ROW (self), 1);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (self), 1);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), path);
}

/* A web link shows as its file name over its host, each on one line, so
 * that a narrow row still tells links apart (a long URL would wrap after
 * "https://" and show only the host); the tooltip has the whole link. Other
 * links (asset://…) show as they are. */
static void
show_url (SdMediaRow *self)
{
  g_autoptr(GUri) uri = g_uri_parse (self->url, G_URI_FLAGS_ENCODED, NULL);
  const char *scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  const char *host = uri != NULL ? g_uri_get_host (uri) : NULL;
  const char *slash = uri != NULL ? strrchr (g_uri_get_path (uri), '/') : NULL;
  g_autofree char *name = NULL;
  g_autoptr(GFile) local = sd_upload_local_file_for_reference (self->url);

  if (local != NULL)
    {
      show_local_file (self, local);
      return;
    }
  if (slash != NULL && slash[1] != '\0' && host != NULL && *host != '\0' &&
      (g_ascii_strcasecmp (scheme, "https") == 0 || g_ascii_strcasecmp (scheme, "http") == 0))
    name = g_uri_unescape_string (slash + 1, "/");

  if (name == NULL || !g_utf8_validate (name, -1, NULL))
    {
      self->name = g_strdup (self->url);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), self->url);
      return;
    }

  self->name = g_strdup (name);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), host);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (self), 1);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (self), 1);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), self->url);
}

static void add_status_widgets (SdMediaRow *self);

static void
sd_media_row_constructed (GObject *object)
{
  SdMediaRow *self = SD_MEDIA_ROW (object);

  G_OBJECT_CLASS (sd_media_row_parent_class)->constructed (object);

  show_url (self);
  add_status_widgets (self);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, self->url,
                                  -1);

  g_object_set_data (G_OBJECT (self->thumbnail), ROW_KEY, self);
  if (self->icon_name != NULL)
    image_set_placeholder (self->thumbnail, self->icon_name);
  else
    sd_media_row_show_thumbnail (self->thumbnail, self->thumbnailer,
                                 self->url, self->cancellable);
}

/* Uploads and checks ------------------------------------------------------ */

static void
set_status (SdMediaRow *self,
            const char *text)
{
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), text != NULL ? text : "");
}

/* "Uploaded · until <time>", NULL unless @upload is done. */
static char *
dup_uploaded_text (SdUpload *upload)
{
  g_autoptr(GDateTime) until = NULL;
  g_autofree char *when = NULL;

  if (upload == NULL || sd_upload_get_state (upload) != SD_UPLOAD_STATE_DONE)
    return NULL;
  until = g_date_time_new_from_unix_local (sd_upload_get_expires_at (upload));
  /* the date and the minute: seconds make the row too long (zh_CN's "%X"
   * is "15时30分02秒") */
  when = until != NULL ? g_date_time_format (until, "%x %R") : g_strdup ("?");
  /* TRANSLATORS: %s is a date and time, when the uploaded link expires */
  return g_strdup_printf (_("Uploaded · until %s"), when);
}

/**
 * sd_media_row_describe_upload:
 * @upload: an upload
 *
 * Returns: (transfer full): what a row says of @upload now: "Uploading…",
 *   "Uploaded · until <time>", its error when it failed…
 */
char *
sd_media_row_describe_upload (SdUpload *upload)
{
  g_return_val_if_fail (SD_IS_UPLOAD (upload), NULL);

  switch (sd_upload_get_state (upload))
    {
    case SD_UPLOAD_STATE_CHECKING:
      return g_strdup (_("Checking the file…"));
    case SD_UPLOAD_STATE_QUEUED:
      return g_strdup (_("Waiting to upload…"));
    case SD_UPLOAD_STATE_SENDING:
      return g_strdup (_("Uploading…"));
    case SD_UPLOAD_STATE_DONE:
      return dup_uploaded_text (upload);
    case SD_UPLOAD_STATE_FAILED:
      {
        const GError *error = sd_upload_get_error (upload);

        return g_strdup (error != NULL ? error->message : _("The upload failed."));
      }
    default:
      return NULL;
    }
}

gboolean
sd_media_row_upload_is_running (SdUpload *upload)
{
  SdUploadState state;

  g_return_val_if_fail (upload == NULL || SD_IS_UPLOAD (upload), FALSE);

  state = upload != NULL ? sd_upload_get_state (upload) : SD_UPLOAD_STATE_DONE;
  return state == SD_UPLOAD_STATE_CHECKING || state == SD_UPLOAD_STATE_QUEUED ||
         state == SD_UPLOAD_STATE_SENDING;
}

static void
update_upload (SdMediaRow *self)
{
  SdUploadState state = sd_upload_get_state (self->upload);
  gboolean running = sd_media_row_upload_is_running (self->upload);
  guint64 total = sd_upload_get_total (self->upload);
  g_autofree char *text = sd_media_row_describe_upload (self->upload);

  gtk_widget_set_visible (GTK_WIDGET (self->progress), running);
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), running);
  if (total > 0)
    gtk_progress_bar_set_fraction (self->progress,
                                   (double) sd_upload_get_bytes_sent (self->upload) / total);
  if (text != NULL)
    set_status (self, text);
  if (state == SD_UPLOAD_STATE_DONE)
    sd_media_row_set_problem (self, NULL);
  else if (state == SD_UPLOAD_STATE_FAILED)
    sd_media_row_set_problem (self, text);
}

void
sd_media_row_set_upload (SdMediaRow *self,
                         SdUpload   *upload)
{
  g_return_if_fail (SD_IS_MEDIA_ROW (self));
  g_return_if_fail (upload == NULL || SD_IS_UPLOAD (upload));

  if (self->upload == upload)
    return;
  if (self->upload != NULL)
    g_signal_handlers_disconnect_by_data (self->upload, self);
  g_set_object (&self->upload, upload);
  if (upload == NULL)
    return;
  g_signal_connect_object (upload, "notify::state", G_CALLBACK (update_upload), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (upload, "notify::bytes-sent", G_CALLBACK (update_upload), self, G_CONNECT_SWAPPED);
  update_upload (self);
}

static void
on_cancel_clicked_cb (SdMediaRow *self)
{
  if (self->upload != NULL)
    {
      g_debug ("Upload of a row cancelled by the user");
      sd_upload_cancel (self->upload);
    }
}

void
sd_media_row_set_check (SdMediaRow        *self,
                        SdMediaCheckState  state,
                        const char        *text)
{
  g_return_if_fail (SD_IS_MEDIA_ROW (self));

  self->status_said = TRUE;
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), state == SD_MEDIA_CHECK_STATE_CHECKING);
  gtk_spinner_set_spinning (self->spinner, state == SD_MEDIA_CHECK_STATE_CHECKING);
  switch (state)
    {
    case SD_MEDIA_CHECK_STATE_CHECKING:
      if (self->upload == NULL)
        set_status (self, _("Checking…"));
      break;
    case SD_MEDIA_CHECK_STATE_OK:
    case SD_MEDIA_CHECK_STATE_SKIPPED:
      {
        g_autofree char *uploaded = dup_uploaded_text (self->upload);
        g_autofree char *both = NULL;

        if (uploaded != NULL && text != NULL && *text != '\0')
          /* TRANSLATORS: the upload's status, then the file's facts */
          both = g_strdup_printf (_("%s · %s"), uploaded, text);
        if (both != NULL || uploaded != NULL || (text != NULL && *text != '\0'))
          set_status (self, both != NULL ? both : uploaded != NULL ? uploaded : text);
        sd_media_row_set_problem (self, NULL);
      }
      break;
    case SD_MEDIA_CHECK_STATE_WARNING:
    case SD_MEDIA_CHECK_STATE_REFUSED:
    default:
      set_status (self, text);
      sd_media_row_set_problem (self, text);
      break;
    }
}

const char *
sd_media_row_get_status (SdMediaRow *self)
{
  g_return_val_if_fail (SD_IS_MEDIA_ROW (self), NULL);

  return adw_action_row_get_subtitle (ADW_ACTION_ROW (self));
}

static void
add_status_widgets (SdMediaRow *self)
{
  self->spinner = GTK_SPINNER (gtk_spinner_new ());
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), FALSE);
  gtk_widget_set_valign (GTK_WIDGET (self->spinner), GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (self), GTK_WIDGET (self->spinner));

  self->progress = GTK_PROGRESS_BAR (gtk_progress_bar_new ());
  gtk_widget_set_visible (GTK_WIDGET (self->progress), FALSE);
  gtk_widget_set_valign (GTK_WIDGET (self->progress), GTK_ALIGN_CENTER);
  gtk_widget_set_size_request (GTK_WIDGET (self->progress), 48, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->progress),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Upload progress"), -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (self), GTK_WIDGET (self->progress));

  self->cancel_button = GTK_BUTTON (gtk_button_new_from_icon_name ("process-stop-symbolic"));
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), FALSE);
  gtk_widget_set_valign (GTK_WIDGET (self->cancel_button), GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->cancel_button), _("Cancel Upload"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->cancel_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Cancel Upload"), -1);
  gtk_widget_add_css_class (GTK_WIDGET (self->cancel_button), "flat");
  g_signal_connect_object (self->cancel_button, "clicked", G_CALLBACK (on_cancel_clicked_cb),
                           self, G_CONNECT_SWAPPED);
  adw_action_row_add_suffix (ADW_ACTION_ROW (self), GTK_WIDGET (self->cancel_button));
}

static void
sd_media_row_dispose (GObject *object)
{
  SdMediaRow *self = SD_MEDIA_ROW (object);

  if (self->upload != NULL)
    g_signal_handlers_disconnect_by_data (self->upload, self);
  g_clear_object (&self->upload);

  g_cancellable_cancel (self->cancellable);
  /* a preview's late answer may still find the image, never the row */
  if (self->thumbnail != NULL)
    g_object_set_data (G_OBJECT (self->thumbnail), ROW_KEY, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), SD_TYPE_MEDIA_ROW);

  G_OBJECT_CLASS (sd_media_row_parent_class)->dispose (object);
}

static void
sd_media_row_finalize (GObject *object)
{
  SdMediaRow *self = SD_MEDIA_ROW (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->thumbnailer);
  g_free (self->url);
  g_free (self->name);
  g_free (self->item_name);
  g_free (self->preview_problem);
  g_free (self->problem);
  g_free (self->icon_name);

  G_OBJECT_CLASS (sd_media_row_parent_class)->finalize (object);
}

static void
sd_media_row_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  SdMediaRow *self = SD_MEDIA_ROW (object);

  switch (prop_id)
    {
    case PROP_URL:
      g_value_set_string (value, self->url);
      break;
    case PROP_THUMBNAILER:
      g_value_set_object (value, self->thumbnailer);
      break;
    case PROP_ICON_NAME:
      g_value_set_string (value, self->icon_name);
      break;
    case PROP_CAN_MOVE_UP:
      g_value_set_boolean (value, self->can_move_up);
      break;
    case PROP_CAN_MOVE_DOWN:
      g_value_set_boolean (value, self->can_move_down);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
set_can_move (SdMediaRow *self,
              gboolean    up,
              gboolean    down)
{
  if (self->can_move_up != up)
    {
      self->can_move_up = up;
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "row.move-up", up);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_MOVE_UP]);
    }
  if (self->can_move_down != down)
    {
      self->can_move_down = down;
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "row.move-down", down);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_MOVE_DOWN]);
    }
}

static void
sd_media_row_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  SdMediaRow *self = SD_MEDIA_ROW (object);

  switch (prop_id)
    {
    case PROP_URL:
      self->url = g_value_dup_string (value);
      break;
    case PROP_THUMBNAILER:
      self->thumbnailer = g_value_dup_object (value);
      break;
    case PROP_ICON_NAME:
      self->icon_name = g_value_dup_string (value);
      break;
    case PROP_CAN_MOVE_UP:
      set_can_move (self, g_value_get_boolean (value), self->can_move_down);
      break;
    case PROP_CAN_MOVE_DOWN:
      set_can_move (self, self->can_move_up, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
move_up_cb (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  g_signal_emit (widget, signals[SIGNAL_MOVE], 0, -1);
}

static void
move_down_cb (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  g_signal_emit (widget, signals[SIGNAL_MOVE], 0, 1);
}

static void
remove_cb (GtkWidget  *widget,
           const char *action_name,
           GVariant   *parameter)
{
  g_signal_emit (widget, signals[SIGNAL_REMOVE], 0);
}

static void
sd_media_row_class_init (SdMediaRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = sd_media_row_constructed;
  object_class->dispose = sd_media_row_dispose;
  object_class->finalize = sd_media_row_finalize;
  object_class->get_property = sd_media_row_get_property;
  object_class->set_property = sd_media_row_set_property;

  properties[PROP_URL] =
    g_param_spec_string ("url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_THUMBNAILER] =
    g_param_spec_object ("thumbnailer", NULL, NULL, SD_TYPE_THUMBNAILER,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ICON_NAME] =
    g_param_spec_string ("icon-name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_MOVE_UP] =
    g_param_spec_boolean ("can-move-up", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_MOVE_DOWN] =
    g_param_spec_boolean ("can-move-down", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_MOVE] =
    g_signal_new ("move", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT);
  signals[SIGNAL_REMOVE] =
    g_signal_new ("remove", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/seedancestudio/SeedanceStudio/gui/sd-media-row.ui");
  gtk_widget_class_bind_template_child (widget_class, SdMediaRow, thumbnail);
  gtk_widget_class_bind_template_child (widget_class, SdMediaRow, up_button);
  gtk_widget_class_bind_template_child (widget_class, SdMediaRow, down_button);
  gtk_widget_class_bind_template_child (widget_class, SdMediaRow, remove_button);

  gtk_widget_class_install_action (widget_class, "row.move-up", NULL, move_up_cb);
  gtk_widget_class_install_action (widget_class, "row.move-down", NULL, move_down_cb);
  gtk_widget_class_install_action (widget_class, "row.remove", NULL, remove_cb);
}

static void
sd_media_row_init (SdMediaRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->can_move_up = TRUE;
  self->can_move_down = TRUE;

  gtk_accessible_update_property (GTK_ACCESSIBLE (self->up_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Move up"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->down_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Move down"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->remove_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Remove"), -1);
}

GtkWidget *
sd_media_row_new (const char    *url,
                  SdThumbnailer *thumbnailer,
                  const char    *icon_name)
{
  g_return_val_if_fail (url != NULL, NULL);

  return g_object_new (SD_TYPE_MEDIA_ROW,
                       "url", url,
                       "thumbnailer", thumbnailer,
                       "icon-name", icon_name,
                       NULL);
}

const char *
sd_media_row_get_url (SdMediaRow *self)
{
  g_return_val_if_fail (SD_IS_MEDIA_ROW (self), NULL);

  return self->url;
}

void
sd_media_row_set_position (SdMediaRow *self,
                           guint       position,
                           guint       n_items)
{
  g_return_if_fail (SD_IS_MEDIA_ROW (self));

  set_can_move (self, position > 0, position + 1 < n_items);
}

/* Marks the row at fault, for the eye (the error style) and for screen
 * readers (the description); NULL clears it. */
void
sd_media_row_set_problem (SdMediaRow *self,
                          const char *problem)
{
  g_return_if_fail (SD_IS_MEDIA_ROW (self));

  if (g_strcmp0 (self->problem, problem) == 0)
    return;
  g_free (self->problem);
  self->problem = g_strdup (problem);
  if (problem != NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self), "error");
      gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, problem,
                                      -1);
      gtk_accessible_update_state (GTK_ACCESSIBLE (self),
                                   GTK_ACCESSIBLE_STATE_INVALID, GTK_ACCESSIBLE_INVALID_TRUE,
                                   -1);
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self), "error");
      gtk_accessible_reset_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
      gtk_accessible_reset_state (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_STATE_INVALID);
    }
}

const char *
sd_media_row_get_problem (SdMediaRow *self)
{
  g_return_val_if_fail (SD_IS_MEDIA_ROW (self), NULL);

  return self->problem;
}

/**
 * sd_media_row_set_item_name:
 * @item_name: what the row is in its list, such as "Image 2"
 *
 * Numbers the row: its title becomes "Image 2 · boat.jpg", and its
 * buttons are named after it, such as "Remove Image 2 (boat.jpg)".
 */
void
sd_media_row_set_item_name (SdMediaRow *self,
                            const char *item_name)
{
  const char *title = self->name;
  g_autofree char *numbered = NULL;
  g_autofree char *item = NULL;
  g_autofree char *remove = NULL;
  g_autofree char *up = NULL;
  g_autofree char *down = NULL;

  g_return_if_fail (SD_IS_MEDIA_ROW (self));
  g_return_if_fail (item_name != NULL);

  g_free (self->item_name);
  self->item_name = g_strdup (item_name);
  /* TRANSLATORS: a row's title, its number in the list and its name: "Image 2 · boat.jpg" */
  numbered = g_strdup_printf (_("%s · %s"), item_name, title);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), numbered);

  /* Translators: a link in a list for a screen reader, such as "Image 2 (boat.jpg)" */
  item = g_strdup_printf (_("%s (%s)"), item_name, title);
  /* Translators: button names for a screen reader; %s is such as "image 2 (boat.jpg)" */
  remove = g_strdup_printf (_("Remove %s"), item);
  up = g_strdup_printf (_("Move %s up"), item);
  down = g_strdup_printf (_("Move %s down"), item);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->remove_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, remove, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->up_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, up, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->down_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, down, -1);
}

/* The readable name (the file's name, or the link's last path segment). */
const char *
sd_media_row_get_name (SdMediaRow *self)
{
  g_return_val_if_fail (SD_IS_MEDIA_ROW (self), NULL);

  return self->name;
}

/* "Image 2", NULL until the list numbered the row. */
const char *
sd_media_row_get_item_name (SdMediaRow *self)
{
  g_return_val_if_fail (SD_IS_MEDIA_ROW (self), NULL);

  return self->item_name;
}

static void
row_show_thumbnail_failure (SdMediaRow   *self,
                            const GError *error)
{
  g_autofree char *reason = sd_media_row_describe_preview_error (error);

  g_debug ("Preview of a row failed: %s %d", g_quark_to_string (error->domain), error->code);
  /* an upload or a check says more about the link than its preview */
  if (self->upload == NULL && !self->status_said)
    set_status (self, reason);
  g_free (self->preview_problem);
  self->preview_problem = g_steal_pointer (&reason);
}

/* The short reason the preview failed, NULL when it did not. */
const char *
sd_media_row_get_preview_problem (SdMediaRow *self)
{
  g_return_val_if_fail (SD_IS_MEDIA_ROW (self), NULL);

  return self->preview_problem;
}

/* The upload the row follows, NULL when none. */
SdUpload *
sd_media_row_get_upload (SdMediaRow *self)
{
  g_return_val_if_fail (SD_IS_MEDIA_ROW (self), NULL);

  return self->upload;
}

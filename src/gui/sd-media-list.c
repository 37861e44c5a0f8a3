/* sd-media-list.c: one list of media links in the composer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-media-list"

#include "config.h"

#include <glib/gi18n.h>

#include "sd-media-list.h"
#include "sd-media-list-private.h"
#include "sd-media-row.h"
#include "sd-toasts.h"
#include "sd-window.h"

G_DEFINE_ENUM_TYPE (SdMediaListKind, sd_media_list_kind,
                    G_DEFINE_ENUM_VALUE (SD_MEDIA_KIND_IMAGES, "images"),
                    G_DEFINE_ENUM_VALUE (SD_MEDIA_KIND_VIDEOS, "videos"),
                    G_DEFINE_ENUM_VALUE (SD_MEDIA_KIND_AUDIOS, "audios"))

G_DEFINE_FINAL_TYPE (SdMediaList, sd_media_list, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_KIND,
  PROP_THUMBNAILER,
  PROP_FRAME_MODE,
  N_PROPS
};

enum {
  SIGNAL_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];


const KindInfo *
_sd_media_list_get_kind_info (SdMediaListKind kind)
{
  static const KindInfo infos[] = {
    [SD_MEDIA_KIND_IMAGES] = { "images", NULL, N_("Image URL"), N_("Image Asset ID"),
                               N_("Image URL or Asset ID"), N_("_Add"), TRUE },
    [SD_MEDIA_KIND_VIDEOS] = { "reference_videos", "video-x-generic-symbolic", N_("Video URL"),
                               N_("Video Asset ID"), N_("Video URL or Asset ID"), N_("Add"), FALSE },
    [SD_MEDIA_KIND_AUDIOS] = { "reference_audios", "audio-x-generic-symbolic", N_("Audio URL"),
                               N_("Audio Asset ID"), N_("Audio URL or Asset ID"), N_("Add"), FALSE },
  };

  g_assert ((guint) kind < G_N_ELEMENTS (infos));
  return &infos[kind];
}

/* What an addition refused, under the entry, until the next addition:
 * beside the field, not in a toast that covers something else. */
void
_sd_media_list_show_message (SdMediaList *self,
                             const char  *text)
{
  const char *shown = gtk_label_get_text (self->message_label);

  if (gtk_widget_get_visible (GTK_WIDGET (self->message_label)) && *shown != '\0')
    {
      g_autofree char *both = g_strconcat (shown, "\n", text, NULL);

      gtk_label_set_text (self->message_label, both);
    }
  else
    gtk_label_set_text (self->message_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), TRUE);
}

void
_sd_media_list_clear_message (SdMediaList *self)
{
  gtk_label_set_text (self->message_label, "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), FALSE);
}

const char *
sd_media_list_describe_schemes (SdUrlScheme schemes)
{
  if (schemes == SD_URL_SCHEME_ASSET)
    return _("asset:// IDs from the provider’s asset library");
  if (schemes == (SD_URL_SCHEME_HTTPS | SD_URL_SCHEME_ASSET))
    return _("https:// links or asset:// IDs from the provider’s asset library");
  return _("https:// links");
}

/* Rows and counter -------------------------------------------------------- */

static void
update_count (SdMediaList *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->urls));
  int max = self->max_items;
  g_autofree char *text = NULL;

  if (self->frame_mode)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->count_label), FALSE);
      return;
    }

  if (max >= 0)
    /* TRANSLATORS: images in the list / images the model takes, e.g. "3 / 9" */
    text = g_strdup_printf (_("%u / %d"), n, max);
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u image", "%u images", n), n);
  gtk_label_set_text (self->count_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->count_label), TRUE);
  if (max >= 0 && n > (guint) max)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->count_label), "dim-label");
      gtk_widget_add_css_class (GTK_WIDGET (self->count_label), "error");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->count_label), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->count_label), "dim-label");
    }
}

static void
update_row_positions (SdMediaList *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->urls));

  for (guint i = 0; i < n; i++)
    {
      SdMediaRow *row = SD_MEDIA_ROW (gtk_list_box_get_row_at_index (self->list, i));
      g_autofree char *item_name = NULL;

      sd_media_row_set_position (row, i, n);
      /* Translators: the Nth item of a list, its number on the row: "Image 2", "Video 1", "Audio 3" */
      item_name = g_strdup_printf (self->kind == SD_MEDIA_KIND_IMAGES ? _("Image %u")
                                   : self->kind == SD_MEDIA_KIND_VIDEOS ? _("Video %u") : _("Audio %u"),
                                   i + 1);
      sd_media_row_set_item_name (row, item_name);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->list), n > 0);
}

static void
move_url (GtkStringList *list,
          guint          position,
          int            delta)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (list));
  guint target = position + delta;
  g_autofree char *url = NULL;
  const char *additions[2] = { NULL, NULL };

  if (delta == 0 || (delta < 0 && position == 0) || target >= n)
    return;

  url = g_strdup (gtk_string_list_get_string (list, position));
  gtk_string_list_remove (list, position);
  additions[0] = url;
  gtk_string_list_splice (list, target, 0, additions);
}

static void
on_row_move_cb (SdMediaRow  *row,
                int          delta,
                SdMediaList *self)
{
  int position = gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (row));
  GtkListBoxRow *moved;

  if (position < 0)
    return;
  move_url (self->urls, position, delta);

  /* keep the keyboard on the row that moved */
  moved = gtk_list_box_get_row_at_index (self->list, position + delta);
  if (moved != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (moved));
}

static void
on_row_remove_cb (SdMediaRow  *row,
                  SdMediaList *self)
{
  int position = gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (row));

  if (position >= 0)
    gtk_string_list_remove (self->urls, position);
}

static GtkWidget *
create_row_cb (gpointer item,
               gpointer user_data)
{
  SdMediaList *self = user_data;
  const char *icon_name = _sd_media_list_get_kind_info (self->kind)->icon_name;
  GtkWidget *row;

  const char *url = gtk_string_object_get_string (item);
  SdUpload *upload;

  row = sd_media_row_new (url, icon_name == NULL ? self->thumbnailer : NULL, icon_name);
  upload = _sd_media_list_upload_for (self, url);
  if (upload != NULL)
    sd_media_row_set_upload (SD_MEDIA_ROW (row), upload);
  g_signal_connect_object (row, "move", G_CALLBACK (on_row_move_cb), self, 0);
  g_signal_connect_object (row, "remove", G_CALLBACK (on_row_remove_cb), self, 0);
  return row;
}

static void
update_clear_button (SdMediaList *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->clear_button), sd_media_list_get_can_clear (self));
}

static void
on_urls_changed_cb (SdMediaList *self)
{
  update_row_positions (self);
  update_count (self);
  update_clear_button (self);
  _sd_media_list_prune_uploads (self);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

/* Frames ------------------------------------------------------------------ */

static void
on_frame_changed_cb (SdMediaList *self,
                     GtkEditable *entry)
{
  gboolean first = entry == GTK_EDITABLE (self->first_frame_row);
  GCancellable **cancellable = first ? &self->first_thumb_cancellable : &self->last_thumb_cancellable;
  g_autofree char *url = g_strstrip (g_strdup (gtk_editable_get_text (entry)));

  g_cancellable_cancel (*cancellable);
  g_clear_object (cancellable);
  *cancellable = g_cancellable_new ();
  sd_media_row_show_thumbnail (first ? self->first_frame_thumb : self->last_frame_thumb,
                               self->thumbnailer, url, *cancellable);
  _sd_media_list_upload_for (self, url);
  _sd_media_list_prune_uploads (self);
  _sd_media_list_update_frame_uploads (self);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

/* In frame mode a dropped link fills the first empty frame. */
gboolean
_sd_media_list_add_frame (SdMediaList *self,
                          const char  *url)
{
  if (*gtk_editable_get_text (GTK_EDITABLE (self->first_frame_row)) == '\0')
    gtk_editable_set_text (GTK_EDITABLE (self->first_frame_row), url);
  else if (*gtk_editable_get_text (GTK_EDITABLE (self->last_frame_row)) == '\0')
    gtk_editable_set_text (GTK_EDITABLE (self->last_frame_row), url);
  else
    return FALSE;
  return TRUE;
}

/* Links and frames ------------------------------------------------------------ */

static char **
string_list_dup (GtkStringList *list)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (list));
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < n; i++)
    g_strv_builder_add (builder, gtk_string_list_get_string (list, i));
  return g_strv_builder_end (builder);
}

char **
sd_media_list_dup_urls (SdMediaList *self)
{
  g_return_val_if_fail (SD_IS_MEDIA_LIST (self), NULL);

  return string_list_dup (self->urls);
}

void
sd_media_list_set_urls (SdMediaList        *self,
                        const char * const *urls)
{
  g_return_if_fail (SD_IS_MEDIA_LIST (self));

  gtk_string_list_splice (self->urls, 0, g_list_model_get_n_items (G_LIST_MODEL (self->urls)),
                          urls);
}

char *
sd_media_list_dup_frame (SdMediaList *self,
                         gboolean     last)
{
  AdwEntryRow *row;
  char *url;

  g_return_val_if_fail (SD_IS_MEDIA_LIST (self), NULL);

  row = last ? self->last_frame_row : self->first_frame_row;
  url = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
  if (*url == '\0')
    g_clear_pointer (&url, g_free);
  return url;
}

void
sd_media_list_set_frames (SdMediaList *self,
                          const char  *first,
                          const char  *last)
{
  g_return_if_fail (SD_IS_MEDIA_LIST (self));

  gtk_editable_set_text (GTK_EDITABLE (self->first_frame_row), first != NULL ? first : "");
  gtk_editable_set_text (GTK_EDITABLE (self->last_frame_row), last != NULL ? last : "");
}

/* The entry's title says what the model takes: links, asset IDs or both. */
static void
update_entry_title (SdMediaList *self)
{
  const KindInfo *info = _sd_media_list_get_kind_info (self->kind);
  const char *title = _(info->entry_title);

  if (self->schemes == SD_URL_SCHEME_ASSET)
    title = _(info->entry_title_asset);
  else if (self->schemes == (SD_URL_SCHEME_HTTPS | SD_URL_SCHEME_ASSET))
    title = _(info->entry_title_both);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->entry), title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
}

const char *
sd_media_list_get_entry_title (SdMediaList *self)
{
  g_return_val_if_fail (SD_IS_MEDIA_LIST (self), NULL);

  return adw_preferences_row_get_title (ADW_PREFERENCES_ROW (self->entry));
}

/* Clear All ---------------------------------------------------------------- */

gboolean
sd_media_list_get_can_clear (SdMediaList *self)
{
  g_return_val_if_fail (SD_IS_MEDIA_LIST (self), FALSE);

  return !self->frame_mode && g_list_model_get_n_items (G_LIST_MODEL (self->urls)) >= 2;
}

gboolean
sd_media_list_undo_clear (SdMediaList *self)
{
  g_auto(GStrv) cleared = NULL;

  g_return_val_if_fail (SD_IS_MEDIA_LIST (self), FALSE);

  if (self->cleared == NULL)
    return FALSE;
  cleared = g_steal_pointer (&self->cleared);
  g_debug ("Clear All undone: %u links back", g_strv_length (cleared));
  if (self->clear_toast != NULL)
    sd_toasts_dismiss (self->clear_toast);
  gtk_string_list_splice (self->urls, 0, 0, (const char * const *) cleared);
  return TRUE;
}

static void
on_clear_toast_dismissed_cb (SdMediaList *self,
                             AdwToast    *toast)
{
  if (self->clear_toast == toast)
    self->clear_toast = NULL;
}

static char *
dup_cleared_text (SdMediaList *self,
                  guint        n)
{
  switch (self->kind)
    {
    case SD_MEDIA_KIND_VIDEOS:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u video removed", "%u videos removed", n), n);
    case SD_MEDIA_KIND_AUDIOS:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u audio removed", "%u audios removed", n), n);
    case SD_MEDIA_KIND_IMAGES:
    default:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u image removed", "%u images removed", n), n);
    }
}

/* The toast goes where the window puts its toasts (not over Generate). */
static void
show_clear_toast (SdMediaList *self,
                  guint        n)
{
  g_autofree char *title = dup_cleared_text (self, n);
  AdwToast *toast = adw_toast_new (title);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  adw_toast_set_button_label (toast, _("_Undo"));
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (sd_media_list_undo_clear),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (on_clear_toast_dismissed_cb),
                           self, G_CONNECT_SWAPPED);
  self->clear_toast = toast;
  if (SD_IS_WINDOW (root))
    sd_window_add_toast (SD_WINDOW (root), toast);
  else if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
  else
    {
      self->clear_toast = NULL;
      g_object_unref (toast);
    }
}

void
sd_media_list_clear_all (SdMediaList *self)
{
  guint n;

  g_return_if_fail (SD_IS_MEDIA_LIST (self));

  n = g_list_model_get_n_items (G_LIST_MODEL (self->urls));
  if (n == 0)
    return;
  g_debug ("Clear All: %u links removed", n);
  g_strfreev (self->cleared);
  self->cleared = sd_media_list_dup_urls (self);
  if (self->clear_toast != NULL)
    sd_toasts_dismiss (self->clear_toast);
  gtk_string_list_splice (self->urls, 0, n, NULL);
  show_clear_toast (self, n);
  gtk_widget_grab_focus (GTK_WIDGET (self->entry));
}

static void
clear_all_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  sd_media_list_clear_all (SD_MEDIA_LIST (widget));
}

void
sd_media_list_set_model (SdMediaList *self,
                         SdModel     *model)
{
  g_autofree char *hint = NULL;

  g_return_if_fail (SD_IS_MEDIA_LIST (self));
  g_return_if_fail (SD_IS_MODEL (model));

  switch (self->kind)
    {
    case SD_MEDIA_KIND_IMAGES: self->schemes = sd_model_get_image_schemes (model); break;
    case SD_MEDIA_KIND_VIDEOS: self->schemes = sd_model_get_video_schemes (model); break;
    case SD_MEDIA_KIND_AUDIOS: self->schemes = sd_model_get_audio_schemes (model); break;
    default: g_assert_not_reached ();
    }
  update_entry_title (self);
  if (self->kind != SD_MEDIA_KIND_IMAGES)
    return;

  self->max_items = sd_model_get_max_images (model);
  /* TRANSLATORS: %s is a kind of link, e.g. "https:// links" */
  hint = g_strdup_printf (_("Drop, paste or type %s, or local files."),
                          sd_media_list_describe_schemes (sd_model_get_image_schemes (model)));
  gtk_label_set_text (self->hint_label, hint);
  update_count (self);
}

SdMediaListKind
sd_media_list_get_kind (SdMediaList *self)
{
  g_return_val_if_fail (SD_IS_MEDIA_LIST (self), SD_MEDIA_KIND_IMAGES);

  return self->kind;
}

void
sd_media_list_set_thumbnailer (SdMediaList   *self,
                               SdThumbnailer *thumbnailer)
{
  g_return_if_fail (SD_IS_MEDIA_LIST (self));
  g_return_if_fail (thumbnailer == NULL || SD_IS_THUMBNAILER (thumbnailer));

  if (g_set_object (&self->thumbnailer, thumbnailer))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_THUMBNAILER]);
}

gboolean
sd_media_list_get_frame_mode (SdMediaList *self)
{
  g_return_val_if_fail (SD_IS_MEDIA_LIST (self), FALSE);

  return self->frame_mode;
}

void
sd_media_list_set_frame_mode (SdMediaList *self,
                              gboolean     frame_mode)
{
  g_return_if_fail (SD_IS_MEDIA_LIST (self));
  g_return_if_fail (!frame_mode || self->kind == SD_MEDIA_KIND_IMAGES);

  frame_mode = !!frame_mode;
  if (self->frame_mode == frame_mode)
    return;
  self->frame_mode = frame_mode;
  gtk_stack_set_visible_child_name (self->stack, frame_mode ? "frames" : "references");
  gtk_widget_set_visible (GTK_WIDGET (self->entry_list), !frame_mode);
  update_count (self);
  update_clear_button (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRAME_MODE]);
}

/* GObject --------------------------------------------------------------------- */

static void
apply_kind (SdMediaList *self)
{
  const KindInfo *info = _sd_media_list_get_kind_info (self->kind);
  gboolean images = self->kind == SD_MEDIA_KIND_IMAGES;

  update_entry_title (self);
  gtk_button_set_label (self->add_button, _(info->add_label));
  gtk_button_set_use_underline (self->add_button, info->add_underline);
  /* a mnemonic label would be read out with its underscore */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->add_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  self->kind == SD_MEDIA_KIND_IMAGES ? _("Add the image link")
                                  : self->kind == SD_MEDIA_KIND_VIDEOS ? _("Add the video link")
                                  : _("Add the audio link"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->clear_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  self->kind == SD_MEDIA_KIND_IMAGES ? _("Remove all images")
                                  : self->kind == SD_MEDIA_KIND_VIDEOS ? _("Remove all videos")
                                  : _("Remove all audios"), -1);
  gtk_widget_set_visible (gtk_stack_get_child_by_name (self->stack, "frames"), images);
  gtk_widget_set_visible (self->hint_box, images);
  if (images)
    update_count (self);
}

static void
sd_media_list_constructed (GObject *object)
{
  SdMediaList *self = SD_MEDIA_LIST (object);

  G_OBJECT_CLASS (sd_media_list_parent_class)->constructed (object);

  apply_kind (self);
  gtk_list_box_bind_model (self->list, G_LIST_MODEL (self->urls), create_row_cb, self, NULL);
  g_signal_connect_object (self->urls, "items-changed", G_CALLBACK (on_urls_changed_cb),
                           self, G_CONNECT_SWAPPED);
}

static void
sd_media_list_dispose (GObject *object)
{
  SdMediaList *self = SD_MEDIA_LIST (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->first_thumb_cancellable);
  g_cancellable_cancel (self->last_thumb_cancellable);
  g_clear_pointer (&self->error_widgets, g_list_free);
  _sd_media_list_dispose_uploads (self);
  g_clear_pointer (&self->cleared, g_strfreev);
  if (self->clear_toast != NULL)
    g_signal_handlers_disconnect_by_data (self->clear_toast, self);
  self->clear_toast = NULL;
  if (self->list != NULL)
    gtk_list_box_bind_model (self->list, NULL, NULL, NULL, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), SD_TYPE_MEDIA_LIST);
  g_clear_object (&self->thumbnailer);

  G_OBJECT_CLASS (sd_media_list_parent_class)->dispose (object);
}

static void
sd_media_list_finalize (GObject *object)
{
  SdMediaList *self = SD_MEDIA_LIST (object);

  g_clear_object (&self->urls);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->first_thumb_cancellable);
  g_clear_object (&self->last_thumb_cancellable);

  G_OBJECT_CLASS (sd_media_list_parent_class)->finalize (object);
}

static void
sd_media_list_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  SdMediaList *self = SD_MEDIA_LIST (object);

  switch (prop_id)
    {
    case PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;
    case PROP_THUMBNAILER:
      g_value_set_object (value, self->thumbnailer);
      break;
    case PROP_FRAME_MODE:
      g_value_set_boolean (value, self->frame_mode);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_media_list_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  SdMediaList *self = SD_MEDIA_LIST (object);

  switch (prop_id)
    {
    case PROP_KIND:
      self->kind = g_value_get_enum (value);
      break;
    case PROP_THUMBNAILER:
      sd_media_list_set_thumbnailer (self, g_value_get_object (value));
      break;
    case PROP_FRAME_MODE:
      sd_media_list_set_frame_mode (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_media_list_class_init (SdMediaListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = sd_media_list_constructed;
  object_class->dispose = sd_media_list_dispose;
  object_class->finalize = sd_media_list_finalize;
  object_class->get_property = sd_media_list_get_property;
  object_class->set_property = sd_media_list_set_property;

  properties[PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL,
                       SD_TYPE_MEDIA_LIST_KIND, SD_MEDIA_KIND_IMAGES,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_THUMBNAILER] =
    g_param_spec_object ("thumbnailer", NULL, NULL,
                         SD_TYPE_THUMBNAILER,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FRAME_MODE] =
    g_param_spec_boolean ("frame-mode", NULL, NULL,
                          FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/seedancestudio/SeedanceStudio/gui/sd-media-list.ui");
  gtk_widget_class_bind_template_child (widget_class, SdMediaList, stack);
  gtk_widget_class_bind_template_child (widget_class, SdMediaList, list);
  gtk_widget_class_bind_template_child (widget_class, SdMediaList, first_frame_row);
  gtk_widget_class_bind_template_child (widget_class, SdMediaList, last_frame_row);
  gtk_widget_class_bind_template_child (widget_class, SdMediaList, first_frame_thumb);
  gtk_widget_class_bind_template_child (widget_class, SdMediaList, last_frame_thumb);
  gtk_widget_class_bind_template_child (widget_class, SdMediaList, entry_list);
  gtk_widget_class_bind_template_child (widget_class, SdMediaList, entry);
  gtk_widget_class_bind_template_child (widget_class, SdMediaList, add_button);
  gtk_widget_class_bind_template_child (widget_class, SdMediaList, hint_box);
  gtk_widget_class_bind_template_child (widget_class, SdMediaList, hint_label);
  gtk_widget_class_bind_template_child (widget_class, SdMediaList, count_label);
  gtk_widget_class_bind_template_child (widget_class, SdMediaList, problem_label);
  gtk_widget_class_bind_template_child (widget_class, SdMediaList, message_label);
  gtk_widget_class_bind_template_child (widget_class, SdMediaList, clear_button);
  gtk_widget_class_bind_template_child (widget_class, SdMediaList, first_frame_progress);
  gtk_widget_class_bind_template_child (widget_class, SdMediaList, last_frame_progress);
  gtk_widget_class_bind_template_child (widget_class, SdMediaList, first_frame_cancel);
  gtk_widget_class_bind_template_child (widget_class, SdMediaList, last_frame_cancel);
  gtk_widget_class_bind_template_child (widget_class, SdMediaList, first_frame_status);
  gtk_widget_class_bind_template_child (widget_class, SdMediaList, last_frame_status);

  gtk_widget_class_install_action (widget_class, "media.add", NULL, _sd_media_list_add_action);
  gtk_widget_class_install_action (widget_class, "media.choose-files", NULL, _sd_media_list_choose_files_action);
  gtk_widget_class_install_action (widget_class, "media.clear-all", NULL, clear_all_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
}

static void
sd_media_list_init (SdMediaList *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_orientable_set_orientation (GTK_ORIENTABLE (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                                  GTK_ORIENTATION_VERTICAL);

  self->urls = gtk_string_list_new (NULL);
  self->max_items = SD_LIMIT_UNKNOWN;
  self->cancellable = g_cancellable_new ();
  self->first_thumb_cancellable = g_cancellable_new ();
  self->last_thumb_cancellable = g_cancellable_new ();

  g_signal_connect_object (self->first_frame_row, "changed",
                           G_CALLBACK (on_frame_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->last_frame_row, "changed",
                           G_CALLBACK (on_frame_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->first_frame_cancel, "clicked",
                           G_CALLBACK (_sd_media_list_cancel_frame_upload), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->last_frame_cancel, "clicked",
                           G_CALLBACK (_sd_media_list_cancel_frame_upload), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->entry, "entry-activated",
                           G_CALLBACK (_sd_media_list_add_from_entry), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_editable_get_delegate (GTK_EDITABLE (self->entry)), "insert-text",
                           G_CALLBACK (_sd_media_list_on_entry_insert_text_cb), self, 0);
  sd_media_row_show_thumbnail (self->first_frame_thumb, NULL, NULL, NULL);
  sd_media_row_show_thumbnail (self->last_frame_thumb, NULL, NULL, NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->first_frame_row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("First frame"),
                                  -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->last_frame_row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Last frame"),
                                  -1);
}

/* sd-media-list.c: one list of media links in the composer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-media-list"

#include "config.h"

#include <glib/gi18n.h>

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

#include "sd-batch.h"
#include "sd-media-list.h"
#include "sd-files.h"
#include "sd-media-row.h"
#include "sd-uploader.h"
#include "sd-uri-list.h"
#include "sd-utf8.h"

struct _SdMediaList
{
  GtkWidget      parent_instance;

  GtkStack      *stack;
  GtkListBox    *list;
  AdwEntryRow   *first_frame_row;
  AdwEntryRow   *last_frame_row;
  GtkImage      *first_frame_thumb;
  GtkImage      *last_frame_thumb;
  GtkListBox    *entry_list;
  AdwEntryRow   *entry;
  GtkButton     *add_button;
  GtkWidget     *hint_box;
  GtkLabel      *hint_label;
  GtkLabel      *count_label;
  GtkLabel      *problem_label;
  GtkLabel      *message_label;

  SdMediaListKind    kind;
  SdThumbnailer *thumbnailer;
  GtkStringList *urls;
  int            max_items;
  SdUrlScheme    schemes;                 /* what the model takes */
  GCancellable  *cancellable;             /* cancelled on dispose */
  GCancellable  *first_thumb_cancellable;
  GCancellable  *last_thumb_cancellable;
  GList         *error_widgets;           /* widgets wearing the "error" class */
  gboolean       frame_mode;
};

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

/* What differs between the kinds of media. */
typedef struct
{
  const char *field;       /* the SdProblem field of the list */
  const char *icon_name;   /* NULL: a thumbnail */
  const char *entry_title;
  const char *add_label;
  gboolean    add_underline;
} KindInfo;

static const KindInfo *
get_kind_info (SdMediaListKind kind)
{
  static const KindInfo infos[] = {
    [SD_MEDIA_KIND_IMAGES] = { "images", NULL, N_("Image URL"), N_("_Add"), TRUE },
    [SD_MEDIA_KIND_VIDEOS] = { "reference_videos", "video-x-generic-symbolic", N_("Video URL"), N_("Add"), FALSE },
    [SD_MEDIA_KIND_AUDIOS] = { "reference_audios", "audio-x-generic-symbolic", N_("Audio URL"), N_("Add"), FALSE },
  };

  g_assert ((guint) kind < G_N_ELEMENTS (infos));
  return &infos[kind];
}

/* What an addition refused, under the entry, until the next addition:
 * beside the field, not in a toast that covers something else. */
static void
show_message (SdMediaList *self,
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

static void
clear_message (SdMediaList *self)
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
      /* Translators: the Nth link in a list, for a screen reader: "image 2", "video 1", "audio 3" */
      item_name = g_strdup_printf (self->kind == SD_MEDIA_KIND_IMAGES ? _("image %u")
                                   : self->kind == SD_MEDIA_KIND_VIDEOS ? _("video %u") : _("audio %u"),
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
  const char *icon_name = get_kind_info (self->kind)->icon_name;
  GtkWidget *row;

  row = sd_media_row_new (gtk_string_object_get_string (item),
                          icon_name == NULL ? self->thumbnailer : NULL,
                          icon_name);
  g_signal_connect_object (row, "move", G_CALLBACK (on_row_move_cb), self, 0);
  g_signal_connect_object (row, "remove", G_CALLBACK (on_row_remove_cb), self, 0);
  return row;
}

static void
on_urls_changed_cb (SdMediaList *self)
{
  update_row_positions (self);
  update_count (self);
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
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

/* In frame mode a dropped link fills the first empty frame. */
static gboolean
add_frame (SdMediaList *self,
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

/* Adding links ------------------------------------------------------------- */

/* A local file (a path or a file:// URI) is kept in the draft as its
 * file:// URI; the uploader turns it into a link at Generate. */
static char *
local_file_uri (const char *text)
{
  g_autoptr(GFile) file = sd_upload_local_file_for_reference (text);

  return file != NULL ? g_file_get_uri (file) : NULL;
}

static char *
quote_refused (GPtrArray *refused)
{
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint i = 0; i < refused->len && i < 3; i++)
    {
      const char *text = g_ptr_array_index (refused, i);
      g_autofree char *shown = sd_utf8_ellipsize (text, 40);

      if (i > 0)
        g_string_append (names, ", ");
      /* TRANSLATORS: a refused piece of text in quotes */
      g_string_append_printf (names, _("“%s”"), shown);
    }
  if (refused->len > 3)
    g_string_append (names, ", …");
  return g_string_free (g_steal_pointer (&names), FALSE);
}

static void
report_refused (SdMediaList *self,
                GPtrArray   *not_urls,
                guint        frames_full)
{
  if (not_urls->len > 0)
    {
      g_autofree char *names = quote_refused (not_urls);
      g_autofree char *text = NULL;

      /* TRANSLATORS: %s lists the refused text, e.g. “cat”, “sofa” */
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "Not a link, so not added: %s",
                                           "Not links, so not added: %s",
                                           not_urls->len),
                              names);
      show_message (self, text);
    }

  if (frames_full > 0)
    show_message (self, _("Both frames are already set; switch to References to add more images."));
}

guint
sd_media_list_add_text (SdMediaList *self,
                        const char  *text)
{
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GPtrArray) not_urls = g_ptr_array_new ();
  guint added = 0, frames_full = 0;

  g_return_val_if_fail (SD_IS_MEDIA_LIST (self), 0);

  if (text == NULL)
    return 0;

  clear_message (self);
  items = sd_uri_list_parse (text, -1);
  for (guint i = 0; i < items->len; i++)
    {
      SdUriItem *item = g_ptr_array_index (items, i);

      switch (item->kind)
        {
        case SD_URI_KIND_WEB:
        case SD_URI_KIND_ASSET:
        case SD_URI_KIND_LOCAL_FILE:
          {
            g_autofree char *link = item->kind == SD_URI_KIND_LOCAL_FILE
                                    ? local_file_uri (item->text) : g_strdup (item->text);

            if (link == NULL)
              {
                g_ptr_array_add (not_urls, item->text);
                break;
              }
            if (self->frame_mode && !add_frame (self, link))
              {
                frames_full++;
                break;
              }
            if (!self->frame_mode)
              gtk_string_list_append (self->urls, link);
            added++;
          }
          break;
        case SD_URI_KIND_NOT_A_URL:
        default:
          g_ptr_array_add (not_urls, item->text);
          break;
        }
    }

  report_refused (self, not_urls, frames_full);
  return added;
}

static void
add_from_entry (SdMediaList *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->entry));

  if (*text == '\0')
    return;
  if (sd_media_list_add_text (self, text) > 0)
    gtk_editable_set_text (GTK_EDITABLE (self->entry), "");
}

/* A paste of several links (or of one with its line ending) becomes rows
 * at once, not one line of text with line-break glyphs in the entry. */
static gboolean
is_list_of_links (const char *text,
                  int         length)
{
  g_autoptr(GPtrArray) items = NULL;
  guint n_links = 0;

  if (memchr (text, '\n', length) != NULL || memchr (text, '\r', length) != NULL)
    return TRUE;

  items = sd_uri_list_parse (text, length);
  for (guint i = 0; i < items->len; i++)
    n_links += ((SdUriItem *) g_ptr_array_index (items, i))->kind != SD_URI_KIND_NOT_A_URL;
  return n_links > 1;
}

static void
on_entry_insert_text_cb (GtkEditable *editable,
                         const char  *text,
                         int          length,
                         int         *position,
                         SdMediaList *self)
{
  g_autofree char *inserted = NULL;

  if (length < 0)
    length = strlen (text);
  if (length == 0 || !is_list_of_links (text, length))
    return;

  g_signal_stop_emission_by_name (editable, "insert-text");
  inserted = g_strndup (text, length);
  g_debug ("A list of links pasted into the entry: adding them as rows");
  sd_media_list_add_text (self, inserted);
}

static void
add_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  add_from_entry (SD_MEDIA_LIST (widget));
}

/* Choosing files --------------------------------------------------------------- */

static const char * const *
kind_mime_types (SdMediaListKind kind)
{
  static const char * const images[] = { "image/jpeg", "image/png", "image/gif", "image/webp",
                                         "image/bmp", "image/svg+xml", NULL };
  static const char * const videos[] = { "video/mp4", "video/quicktime", "video/x-m4v",
                                         "video/x-msvideo", "video/webm", "video/x-matroska",
                                         "video/x-flv", NULL };
  static const char * const audios[] = { "audio/mpeg", "audio/wav", "audio/x-wav", "audio/aac",
                                         "audio/mp4", "audio/flac", "audio/ogg", NULL };

  switch (kind)
    {
    case SD_MEDIA_KIND_VIDEOS: return videos;
    case SD_MEDIA_KIND_AUDIOS: return audios;
    case SD_MEDIA_KIND_IMAGES:
    default: return images;
    }
}

/* Adds @files (GFile) as rows, or in frame mode to the empty frames. */
void
sd_media_list_add_files (SdMediaList *self,
                         GPtrArray   *files)
{
  g_autoptr(GString) text = g_string_new (NULL);

  g_return_if_fail (SD_IS_MEDIA_LIST (self));

  for (guint i = 0; i < files->len; i++)
    {
      g_autofree char *uri = g_file_get_uri (g_ptr_array_index (files, i));

      g_string_append_printf (text, "%s\r\n", uri);
    }
  if (text->len > 0)
    sd_media_list_add_text (self, text->str);
}

static void
on_files_chosen_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(SdMediaList) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) files = sd_files_choose_files_finish (result, &error);

  if (files == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_message (self, error->message);
      return;
    }
  g_debug ("%u files chosen", files->len);
  sd_media_list_add_files (self, files);
}

static void
choose_files_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  SdMediaList *self = SD_MEDIA_LIST (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  static const char *titles[] = { N_("Choose Images"), N_("Choose Videos"), N_("Choose Audio") };
  static const char *filters[] = { N_("Images"), N_("Videos"), N_("Audio") };

  sd_files_choose_files (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                         _(titles[self->kind]), _(filters[self->kind]),
                         kind_mime_types (self->kind), self->cancellable,
                         on_files_chosen_cb, g_object_ref (self));
}

/* Drop and paste ------------------------------------------------------------ */

/* A batch file dropped here is not media: the window imports it
 * (win.import-batch-file), and the other files are added as usual. */
static char *
file_list_to_text (SdMediaList *self,
                   GdkFileList *files)
{
  g_autoptr(GString) text = g_string_new (NULL);
  GSList *list = gdk_file_list_get_files (files);

  for (GSList *l = list; l != NULL; l = l->next)
    {
      g_autofree char *uri = g_file_get_uri (l->data);
      g_autofree char *name = g_file_get_basename (l->data);

      if (sd_batch_is_batch_file_name (name))
        gtk_widget_activate_action (GTK_WIDGET (self), "win.import-batch-file", "s", uri);
      else
        g_string_append_printf (text, "%s\r\n", uri);
    }
  g_slist_free (list);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static gboolean
on_drop_cb (GtkDropTarget *target,
            const GValue  *value,
            double         x,
            double         y,
            SdMediaList   *self)
{
  g_autofree char *text = NULL;

  if (G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    text = file_list_to_text (self, g_value_get_boxed (value));
  else if (G_VALUE_HOLDS_STRING (value))
    text = g_value_dup_string (value);

  if (text == NULL)
    return FALSE;
  if (*text != '\0')
    sd_media_list_add_text (self, text);
  return TRUE;
}

GtkEventController *
sd_media_list_new_drop_target (SdMediaList *self)
{
  GtkDropTarget *target = gtk_drop_target_new (G_TYPE_INVALID, GDK_ACTION_COPY);
  GType types[] = { GDK_TYPE_FILE_LIST, G_TYPE_STRING };

  g_return_val_if_fail (SD_IS_MEDIA_LIST (self), NULL);

  gtk_drop_target_set_gtypes (target, types, G_N_ELEMENTS (types));
  g_signal_connect_object (target, "drop", G_CALLBACK (on_drop_cb), self, 0);
  return GTK_EVENT_CONTROLLER (target);
}

static void
on_clipboard_text_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(SdMediaList) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, &error);

  if (text == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_message (self, _("The clipboard holds no text with image links."));
      return;
    }
  if (!g_cancellable_is_cancelled (self->cancellable))
    sd_media_list_add_text (self, text);
}

/* A pasted picture becomes a PNG in the cache, named by its content (the
 * same picture pasted twice is one file, uploaded once), then a local file. */
gboolean
sd_media_list_add_texture (SdMediaList  *self,
                           GdkTexture   *texture,
                           GError      **error)
{
  g_autoptr(GBytes) png = NULL;
  g_autofree char *sum = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  g_autofree char *uri = NULL;

  g_return_val_if_fail (SD_IS_MEDIA_LIST (self), FALSE);
  g_return_val_if_fail (GDK_IS_TEXTURE (texture), FALSE);

  png = gdk_texture_save_to_png_bytes (texture);
  sum = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, png);
  dir = g_build_filename (g_get_user_cache_dir (), "seedance-studio", "pasted", NULL);
  name = g_strdup_printf ("pasted-%.12s.png", sum);
  path = g_build_filename (dir, name, NULL);
  if (g_mkdir_with_parents (dir, 0700) != 0 ||
      !g_file_set_contents (path, g_bytes_get_data (png, NULL), g_bytes_get_size (png), error))
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
                     _("The pasted image could not be saved in %s: %s"), dir, g_strerror (errno));
      return FALSE;
    }
  g_debug ("Pasted image saved as %s", path);
  uri = g_filename_to_uri (path, NULL, error);
  return uri != NULL && sd_media_list_add_text (self, uri) > 0;
}

static void
on_clipboard_texture_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(SdMediaList) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = gdk_clipboard_read_texture_finish (GDK_CLIPBOARD (source),
                                                                     result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_cancellable_is_cancelled (self->cancellable))
    return;
  if (texture == NULL || !sd_media_list_add_texture (self, texture, &error))
    show_message (self, error->message);
}

void
sd_media_list_paste (SdMediaList *self)
{
  GdkClipboard *clipboard;
  GdkContentFormats *formats;

  g_return_if_fail (SD_IS_MEDIA_LIST (self));

  clipboard = gtk_widget_get_clipboard (GTK_WIDGET (self));
  formats = gdk_clipboard_get_formats (clipboard);
  if (self->kind == SD_MEDIA_KIND_IMAGES &&
      gdk_content_formats_contain_gtype (formats, GDK_TYPE_TEXTURE) &&
      !gdk_content_formats_contain_gtype (formats, GDK_TYPE_FILE_LIST))
    {
      gdk_clipboard_read_texture_async (clipboard, self->cancellable,
                                        on_clipboard_texture_cb, g_object_ref (self));
      return;
    }
  gdk_clipboard_read_text_async (clipboard, self->cancellable,
                                 on_clipboard_text_cb, g_object_ref (self));
}

/* Problems ------------------------------------------------------------------ */

static void
mark_error (SdMediaList *self,
            GtkWidget   *widget)
{
  if (g_list_find (self->error_widgets, widget) != NULL)
    return;
  gtk_widget_add_css_class (widget, "error");
  self->error_widgets = g_list_prepend (self->error_widgets, widget);
}

static gboolean
is_local_file (const char *url)
{
  g_autoptr(GFile) file = sd_upload_local_file_for_reference (url);

  return file != NULL;
}

/* The rows at fault: a link the model cannot take, or one past its limit.
 * Returns how many were marked. */
static guint
mark_culprit_rows (SdMediaList *self,
                   const char  *message)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->urls));
  guint marked = 0;

  for (guint i = 0; i < n; i++)
    {
      SdMediaRow *row = SD_MEDIA_ROW (gtk_list_box_get_row_at_index (self->list, i));
      const char *url = gtk_string_list_get_string (self->urls, i);

      if (row == NULL ||
          ((sd_request_url_is_acceptable (url, self->schemes) ||
            is_local_file (url)) &&
           (self->max_items < 0 || i < (guint) self->max_items)))
        continue;
      sd_media_row_set_problem (row, message);
      marked++;
    }
  return marked;
}

void
sd_media_list_clear_problems (SdMediaList *self)
{
  guint n;

  g_return_if_fail (SD_IS_MEDIA_LIST (self));

  n = g_list_model_get_n_items (G_LIST_MODEL (self->urls));
  for (guint i = 0; i < n; i++)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->list, i);

      if (row != NULL)
        sd_media_row_set_problem (SD_MEDIA_ROW (row), NULL);
    }
  for (GList *l = self->error_widgets; l != NULL; l = l->next)
    gtk_widget_remove_css_class (l->data, "error");
  g_clear_pointer (&self->error_widgets, g_list_free);
  gtk_label_set_text (self->problem_label, "");
  gtk_widget_set_visible (GTK_WIDGET (self->problem_label), FALSE);
}

static gboolean
is_own_field (SdMediaList *self,
              const char  *field)
{
  if (g_strcmp0 (field, get_kind_info (self->kind)->field) == 0)
    return TRUE;
  return self->kind == SD_MEDIA_KIND_IMAGES &&
         (g_strcmp0 (field, "first_image") == 0 || g_strcmp0 (field, "last_image") == 0);
}

gboolean
sd_media_list_show_problem (SdMediaList     *self,
                            const SdProblem *problem)
{
  GtkLabel *label = self->problem_label;

  g_return_val_if_fail (SD_IS_MEDIA_LIST (self), FALSE);

  if (!is_own_field (self, problem->field))
    return FALSE;

  /* in frame mode the composer marks its mode switch for "images" */
  if (g_strcmp0 (problem->field, "first_image") == 0)
    mark_error (self, GTK_WIDGET (self->first_frame_row));
  else if (g_strcmp0 (problem->field, "last_image") == 0)
    mark_error (self, GTK_WIDGET (self->last_frame_row));
  else if (!self->frame_mode && mark_culprit_rows (self, problem->message) == 0)
    mark_error (self, GTK_WIDGET (self->list));

  if (gtk_widget_get_visible (GTK_WIDGET (label)))
    {
      g_autofree char *text = g_strconcat (gtk_label_get_text (label), "\n", problem->message, NULL);

      gtk_label_set_text (label, text);
    }
  else
    {
      gtk_label_set_text (label, problem->message);
      gtk_widget_set_visible (GTK_WIDGET (label), TRUE);
    }
  return TRUE;
}

const char *
sd_media_list_get_problem_text (SdMediaList *self)
{
  g_return_val_if_fail (SD_IS_MEDIA_LIST (self), NULL);

  return gtk_label_get_text (self->problem_label);
}

gboolean
sd_media_list_focus_problem (SdMediaList *self,
                             const char  *field)
{
  guint n;

  g_return_val_if_fail (SD_IS_MEDIA_LIST (self), FALSE);

  if (g_strcmp0 (field, "first_image") == 0)
    return gtk_widget_grab_focus (GTK_WIDGET (self->first_frame_row));
  if (g_strcmp0 (field, "last_image") == 0 || self->frame_mode)
    return gtk_widget_grab_focus (GTK_WIDGET (g_strcmp0 (field, "last_image") == 0
                                              ? self->last_frame_row : self->first_frame_row));

  n = g_list_model_get_n_items (G_LIST_MODEL (self->urls));
  for (guint i = 0; i < n; i++)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->list, i);

      if (row != NULL && sd_media_row_get_problem (SD_MEDIA_ROW (row)) != NULL)
        return gtk_widget_grab_focus (GTK_WIDGET (row));
    }
  return gtk_widget_grab_focus (GTK_WIDGET (self->entry));
}

const char *
sd_media_list_get_message_text (SdMediaList *self)
{
  g_return_val_if_fail (SD_IS_MEDIA_LIST (self), NULL);

  return gtk_label_get_text (self->message_label);
}

const char *
sd_media_list_get_count_text (SdMediaList *self)
{
  g_return_val_if_fail (SD_IS_MEDIA_LIST (self), NULL);

  return gtk_label_get_text (self->count_label);
}

/* Uploads and checks ------------------------------------------------------------ */

gboolean
sd_media_list_show_upload (SdMediaList *self,
                           SdUpload    *upload)
{
  g_autofree char *uri = g_file_get_uri (sd_upload_get_file (upload));
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->urls));
  gboolean shown = FALSE;

  g_return_val_if_fail (SD_IS_MEDIA_LIST (self), FALSE);

  for (guint i = 0; i < n; i++)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->list, i);

      if (row != NULL && g_strcmp0 (gtk_string_list_get_string (self->urls, i), uri) == 0)
        {
          sd_media_row_set_upload (SD_MEDIA_ROW (row), upload);
          shown = TRUE;
        }
    }
  return shown;
}

void
sd_media_list_show_check (SdMediaList       *self,
                          guint              index,
                          SdMediaCheckState  state,
                          const char        *text)
{
  GtkListBoxRow *row;

  g_return_if_fail (SD_IS_MEDIA_LIST (self));

  row = gtk_list_box_get_row_at_index (self->list, index);
  if (row != NULL)
    sd_media_row_set_check (SD_MEDIA_ROW (row), state, text);
}

SdMediaRow *
sd_media_list_get_row (SdMediaList *self,
                       guint        index)
{
  g_return_val_if_fail (SD_IS_MEDIA_LIST (self), NULL);

  return (SdMediaRow *) gtk_list_box_get_row_at_index (self->list, index);
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
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRAME_MODE]);
}

/* GObject --------------------------------------------------------------------- */

static void
apply_kind (SdMediaList *self)
{
  const KindInfo *info = get_kind_info (self->kind);
  gboolean images = self->kind == SD_MEDIA_KIND_IMAGES;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->entry), _(info->entry_title));
  gtk_button_set_label (self->add_button, _(info->add_label));
  gtk_button_set_use_underline (self->add_button, info->add_underline);
  /* a mnemonic label would be read out with its underscore */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->add_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  self->kind == SD_MEDIA_KIND_IMAGES ? _("Add the image link")
                                  : self->kind == SD_MEDIA_KIND_VIDEOS ? _("Add the video link")
                                  : _("Add the audio link"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _(info->entry_title),
                                  -1);
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

  gtk_widget_class_install_action (widget_class, "media.add", NULL, add_action);
  gtk_widget_class_install_action (widget_class, "media.choose-files", NULL, choose_files_action);

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
  g_signal_connect_object (self->entry, "entry-activated",
                           G_CALLBACK (add_from_entry), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_editable_get_delegate (GTK_EDITABLE (self->entry)), "insert-text",
                           G_CALLBACK (on_entry_insert_text_cb), self, 0);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->first_frame_row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("First frame"),
                                  -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->last_frame_row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Last frame"),
                                  -1);
}

/* sd-media-list-add.c: links, files, drops and pastes into a media list
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
#include "sd-media-list-private.h"
#include "sd-files.h"
#include "sd-uploader.h"
#include "sd-uri-list.h"
#include "sd-utf8.h"

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
      _sd_media_list_show_message (self, text);
    }

  if (frames_full > 0)
    _sd_media_list_show_message (self, _("Both frames are already set; switch to References to add more images."));
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

  _sd_media_list_clear_message (self);
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
            if (self->frame_mode && !_sd_media_list_add_frame (self, link))
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

void
_sd_media_list_add_from_entry (SdMediaList *self)
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

void
_sd_media_list_on_entry_insert_text_cb (GtkEditable *editable,
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

void
_sd_media_list_add_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  _sd_media_list_add_from_entry (SD_MEDIA_LIST (widget));
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
        _sd_media_list_show_message (self, error->message);
      return;
    }
  g_debug ("%u files chosen", files->len);
  sd_media_list_add_files (self, files);
}

void
_sd_media_list_choose_files_action (GtkWidget  *widget,
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
        _sd_media_list_show_message (self, _("The clipboard holds no text with image links."));
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
    _sd_media_list_show_message (self, error->message);
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


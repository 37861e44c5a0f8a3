/* sd-media-list-status.c: the problems, uploads and checks a media list shows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-media-list"

#include "config.h"

#include <glib/gi18n.h>

#include "sd-gui-util.h"
#include "sd-media-list-private.h"
#include "sd-uploader.h"
#include "sd-media-item.h"

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
  if (g_strcmp0 (field, _sd_media_list_get_kind_info (self->kind)->field) == 0)
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

  sd_gui_label_add_line (label, problem->message);
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

/* The file:// URI of a local file reference, NULL for a link. */
static char *
dup_local_uri (const char *reference)
{
  g_autoptr(GFile) file = sd_upload_local_file_for_reference (reference);

  return file != NULL ? g_file_get_uri (file) : NULL;
}


static void show_frame_upload (SdMediaList *self,
                               gboolean     last,
                               SdUpload    *upload);

gboolean
sd_media_list_show_upload (SdMediaList *self,
                           SdUpload    *upload)
{
  g_autofree char *uri = NULL;
  guint n;
  gboolean shown = FALSE;

  g_return_val_if_fail (SD_IS_MEDIA_LIST (self), FALSE);
  g_return_val_if_fail (SD_IS_UPLOAD (upload), FALSE);

  uri = g_file_get_uri (sd_upload_get_file (upload));
  n = g_list_model_get_n_items (G_LIST_MODEL (self->urls));
  for (guint i = 0; i < n; i++)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->list, i);

      if (row != NULL && g_strcmp0 (gtk_string_list_get_string (self->urls, i), uri) == 0)
        {
          sd_media_row_set_upload (SD_MEDIA_ROW (row), upload);
          shown = TRUE;
        }
    }
  for (guint last = 0; last < 2; last++)
    {
      g_autofree char *frame = sd_media_list_dup_frame (self, last);
      g_autofree char *local = frame != NULL ? dup_local_uri (frame) : NULL;

      if (g_strcmp0 (local, uri) == 0)
        {
          show_frame_upload (self, last, upload);
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


/* Uploads on add -------------------------------------------------------------- */

static SdUploadKind
upload_kind (SdMediaListKind kind)
{
  switch (kind)
    {
    case SD_MEDIA_KIND_VIDEOS: return SD_UPLOAD_KIND_VIDEO;
    case SD_MEDIA_KIND_AUDIOS: return SD_UPLOAD_KIND_AUDIO;
    case SD_MEDIA_KIND_IMAGES:
    default: return SD_UPLOAD_KIND_IMAGE;
    }
}

static void
cancel_upload (gpointer data)
{
  sd_upload_cancel (data);
  g_object_unref (data);
}

/* The upload of @uri, started now (at most 2 at once, the uploader sees to
 * it) or already on its way; NULL for a link, or before an uploader. */
SdUpload *
_sd_media_list_upload_for (SdMediaList *self,
                           const char  *uri)
{
  g_autofree char *local = NULL;
  g_autoptr(GFile) file = NULL;
  SdUpload *upload;

  if (self->uploader == NULL || (local = dup_local_uri (uri)) == NULL)
    return NULL;
  if (self->uploads == NULL)
    self->uploads = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, cancel_upload);
  upload = g_hash_table_lookup (self->uploads, local);
  if (upload != NULL)
    return upload;

  g_debug ("A local file was added: its upload starts now");
  file = g_file_new_for_uri (local);
  upload = sd_uploader_upload_async (self->uploader, file, upload_kind (self->kind),
                                     NULL, NULL, NULL);
  g_hash_table_insert (self->uploads, g_steal_pointer (&local), g_object_ref (upload));
  g_signal_connect_object (upload, "notify::state",
                           G_CALLBACK (_sd_media_list_update_frame_uploads), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (upload, "notify::bytes-sent",
                           G_CALLBACK (_sd_media_list_update_frame_uploads), self, G_CONNECT_SWAPPED);
  return upload;
}

static void
add_local_uri (GHashTable *kept,
               const char *reference)
{
  char *local = reference != NULL ? dup_local_uri (reference) : NULL;

  if (local != NULL)
    g_hash_table_add (kept, local);
}

/* A file no longer in the list or the frames: its upload is cancelled. */
void
_sd_media_list_prune_uploads (SdMediaList *self)
{
  g_autoptr(GHashTable) kept = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->urls));
  GHashTableIter iter;
  gpointer key;

  if (self->uploads == NULL)
    return;
  for (guint i = 0; i < n; i++)
    add_local_uri (kept, gtk_string_list_get_string (self->urls, i));
  add_local_uri (kept, gtk_editable_get_text (GTK_EDITABLE (self->first_frame_row)));
  add_local_uri (kept, gtk_editable_get_text (GTK_EDITABLE (self->last_frame_row)));
  g_hash_table_iter_init (&iter, self->uploads);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (kept, key))
      {
        g_debug ("A local file was removed: its upload is cancelled");
        g_hash_table_iter_remove (&iter);
      }
}

/* The upload a frame shows: its own (started on add) unless that one
 * failed and Generate's upload of the same file is there. */
static SdUpload *
frame_upload (SdMediaList *self,
              gboolean     last)
{
  g_autofree char *frame = sd_media_list_dup_frame (self, last);
  g_autofree char *local = frame != NULL ? dup_local_uri (frame) : NULL;
  SdUpload *own = local != NULL && self->uploads != NULL
                  ? g_hash_table_lookup (self->uploads, local) : NULL;
  SdUpload *shown = self->frame_shown[last];
  g_autofree char *shown_uri = shown != NULL ? g_file_get_uri (sd_upload_get_file (shown)) : NULL;

  if (g_strcmp0 (shown_uri, local) != 0)
    shown = NULL;
  if (own != NULL && (shown == NULL || sd_upload_get_state (own) != SD_UPLOAD_STATE_FAILED))
    return own;
  return shown;
}

static void
update_frame_upload (SdMediaList *self,
                     gboolean     last)
{
  AdwEntryRow *row = last ? self->last_frame_row : self->first_frame_row;
  GtkProgressBar *progress = last ? self->last_frame_progress : self->first_frame_progress;
  GtkWidget *cancel = GTK_WIDGET (last ? self->last_frame_cancel : self->first_frame_cancel);
  GtkLabel *status = last ? self->last_frame_status : self->first_frame_status;
  g_autofree char *frame = sd_media_list_dup_frame (self, last);
  g_autoptr(GFile) local = frame != NULL ? sd_upload_local_file_for_reference (frame) : NULL;
  SdUpload *upload = frame_upload (self, last);
  gboolean running = sd_media_row_upload_is_running (upload);
  gboolean failed = upload != NULL && sd_upload_get_state (upload) == SD_UPLOAD_STATE_FAILED;
  guint64 total = upload != NULL ? sd_upload_get_total (upload) : 0;
  g_autofree char *said = NULL;
  g_autofree char *text = NULL;

  gtk_widget_set_visible (GTK_WIDGET (progress), running);
  gtk_widget_set_visible (cancel, running);
  if (total > 0)
    gtk_progress_bar_set_fraction (progress, (double) sd_upload_get_bytes_sent (upload) / total);

  /* a local file says where its upload is, a link nothing */
  if (upload != NULL)
    said = sd_media_row_describe_upload (upload);
  else if (local != NULL)
    said = g_strdup (_("Local file · uploaded when you generate"));
  if (said != NULL)
    /* TRANSLATORS: a frame's upload status: "First frame: Uploading…" */
    text = g_strdup_printf (_("%s: %s"), last ? _("Last frame") : _("First frame"), said);
  gtk_label_set_text (status, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (status), text != NULL);
  if (failed)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (status), "dim-label");
      gtk_widget_add_css_class (GTK_WIDGET (status), "error");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (status), "error");
      gtk_widget_add_css_class (GTK_WIDGET (status), "dim-label");
    }
  /* the tooltip: the link it became, or why not */
  if (upload != NULL && sd_upload_get_state (upload) == SD_UPLOAD_STATE_DONE)
    gtk_widget_set_tooltip_text (GTK_WIDGET (row), sd_upload_get_url (upload));
  else
    gtk_widget_set_tooltip_text (GTK_WIDGET (row), failed ? said : NULL);
}

/* The frames' rows show their files' uploads too. */
void
_sd_media_list_update_frame_uploads (SdMediaList *self)
{
  update_frame_upload (self, FALSE);
  update_frame_upload (self, TRUE);
}

static void
show_frame_upload (SdMediaList *self,
                   gboolean     last,
                   SdUpload    *upload)
{
  if (self->frame_shown[last] == upload)
    return;
  if (self->frame_shown[last] != NULL)
    g_signal_handlers_disconnect_by_data (self->frame_shown[last], self);
  g_set_object (&self->frame_shown[last], upload);
  if (upload != NULL)
    {
      g_signal_connect_object (upload, "notify::state",
                               G_CALLBACK (_sd_media_list_update_frame_uploads), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (upload, "notify::bytes-sent",
                               G_CALLBACK (_sd_media_list_update_frame_uploads), self, G_CONNECT_SWAPPED);
    }
  _sd_media_list_update_frame_uploads (self);
}

/* The frame's cancel button: its upload stops (Generate's too), the file
 * stays. */
void
_sd_media_list_cancel_frame_upload (SdMediaList *self,
                                    GtkButton   *button)
{
  gboolean last = button == self->last_frame_cancel;
  g_autofree char *frame = sd_media_list_dup_frame (self, last);
  g_autofree char *local = frame != NULL ? dup_local_uri (frame) : NULL;
  SdUpload *own = local != NULL && self->uploads != NULL
                  ? g_hash_table_lookup (self->uploads, local) : NULL;
  SdUpload *shown = frame_upload (self, last);

  g_debug ("Upload of the %s frame cancelled by the user", last ? "last" : "first");
  if (own != NULL)
    sd_upload_cancel (own);
  if (shown != NULL && shown != own)
    sd_upload_cancel (shown);
}

/* The uploads on add are cancelled (those done stay done), and no longer
 * heard from. */
static void
clear_uploads (SdMediaList *self)
{
  GHashTableIter iter;
  gpointer upload;

  if (self->uploads == NULL)
    return;
  g_hash_table_iter_init (&iter, self->uploads);
  while (g_hash_table_iter_next (&iter, NULL, &upload))
    g_signal_handlers_disconnect_by_data (upload, self);
  g_clear_pointer (&self->uploads, g_hash_table_unref);
}

/* Every local file of the list and the frames starts its upload (or
 * follows the one on its way, or finds its link in the cache). */
static void
start_uploads (SdMediaList *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->urls));

  for (guint i = 0; i < n; i++)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->list, i);
      SdUpload *upload = _sd_media_list_upload_for (self, gtk_string_list_get_string (self->urls, i));

      if (row != NULL && upload != NULL)
        sd_media_row_set_upload (SD_MEDIA_ROW (row), upload);
    }
  _sd_media_list_upload_for (self, gtk_editable_get_text (GTK_EDITABLE (self->first_frame_row)));
  _sd_media_list_upload_for (self, gtk_editable_get_text (GTK_EDITABLE (self->last_frame_row)));
  _sd_media_list_update_frame_uploads (self);
}

/* Once set, a local file starts its upload when it is added (before, and
 * without one, it waits for Generate, which waits for those on their way). */
void
sd_media_list_set_uploader (SdMediaList *self,
                            SdUploader  *uploader)
{
  g_return_if_fail (SD_IS_MEDIA_LIST (self));
  g_return_if_fail (uploader == NULL || SD_IS_UPLOADER (uploader));

  if (!g_set_object (&self->uploader, uploader))
    return;
  clear_uploads (self);
  if (uploader != NULL)
    start_uploads (self);
}

/* Where uploads go changed: those on their way stop and start again
 * there, and those done upload again unless the cache has a link from
 * there; the rows follow the new ones. */
void
sd_media_list_restart_uploads (SdMediaList *self)
{
  g_return_if_fail (SD_IS_MEDIA_LIST (self));

  if (self->uploader == NULL || self->uploads == NULL || g_hash_table_size (self->uploads) == 0)
    return;
  g_debug ("The upload service changed: %u uploads start again", g_hash_table_size (self->uploads));
  /* cancels those on their way */
  clear_uploads (self);
  show_frame_upload (self, FALSE, NULL);
  show_frame_upload (self, TRUE, NULL);
  start_uploads (self);
}

const char *
sd_media_list_lookup_link (SdMediaList *self,
                           const char  *reference)
{
  g_autofree char *local = NULL;
  SdUpload *candidates[3] = { NULL, self->frame_shown[0], self->frame_shown[1] };
  guint n;

  g_return_val_if_fail (SD_IS_MEDIA_LIST (self), NULL);

  if (reference == NULL || (local = dup_local_uri (reference)) == NULL)
    return NULL;
  if (self->uploads != NULL)
    candidates[0] = g_hash_table_lookup (self->uploads, local);
  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    {
      g_autofree char *uri = candidates[i] != NULL
                             ? g_file_get_uri (sd_upload_get_file (candidates[i])) : NULL;

      if (g_strcmp0 (uri, local) == 0 && sd_upload_get_state (candidates[i]) == SD_UPLOAD_STATE_DONE)
        return sd_upload_get_url (candidates[i]);
    }
  n = g_list_model_get_n_items (G_LIST_MODEL (self->urls));
  for (guint i = 0; i < n; i++)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->list, i);
      SdUpload *upload = row != NULL ? sd_media_row_get_upload (SD_MEDIA_ROW (row)) : NULL;

      if (upload != NULL && g_strcmp0 (gtk_string_list_get_string (self->urls, i), local) == 0 &&
          sd_upload_get_state (upload) == SD_UPLOAD_STATE_DONE)
        return sd_upload_get_url (upload);
    }
  return NULL;
}

SdUpload *
sd_media_list_get_frame_upload (SdMediaList *self,
                                gboolean     last)
{
  g_return_val_if_fail (SD_IS_MEDIA_LIST (self), NULL);

  return frame_upload (self, !!last);
}

const char *
sd_media_list_get_frame_status (SdMediaList *self,
                                gboolean     last)
{
  GtkLabel *status;

  g_return_val_if_fail (SD_IS_MEDIA_LIST (self), NULL);

  status = last ? self->last_frame_status : self->first_frame_status;
  return gtk_widget_get_visible (GTK_WIDGET (status)) ? gtk_label_get_text (status) : "";
}

SdUploader *
sd_media_list_get_uploader (SdMediaList *self)
{
  g_return_val_if_fail (SD_IS_MEDIA_LIST (self), NULL);

  return self->uploader;
}

void
_sd_media_list_dispose_uploads (SdMediaList *self)
{
  for (guint last = 0; last < 2; last++)
    {
      if (self->frame_shown[last] != NULL)
        g_signal_handlers_disconnect_by_data (self->frame_shown[last], self);
      g_clear_object (&self->frame_shown[last]);
    }
  clear_uploads (self);
  g_clear_object (&self->uploader);
}

/* sd-media-list-status.c: the problems, uploads and checks a media list shows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-media-list"

#include "config.h"

#include <glib/gi18n.h>

#include "sd-media-list-private.h"
#include "sd-uploader.h"

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


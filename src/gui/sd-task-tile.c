/* sd-task-tile.c: one task in the grid of poster frames
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-task-tile"

#include "config.h"

#include <glib/gi18n.h>

#include "sd-task-row.h"
#include "sd-task-tile.h"

#define TILE_WIDTH 176
#define TILE_HEIGHT 99

struct _SdTaskTile
{
  GtkWidget       parent_instance;

  SdTask         *task;
  GSignalGroup   *task_signals;
  SdPosterLoader *poster_loader;
  char           *poster_path;   /* the video whose poster is shown or asked for */
  GCancellable   *cancellable;

  GtkWidget      *frame;
  GtkPicture     *poster;
  GtkImage       *status_image;
  GtkLabel       *prompt_label;
};

G_DEFINE_FINAL_TYPE (SdTaskTile, sd_task_tile, GTK_TYPE_WIDGET)

static const char *
get_status_icon (SdTaskStatus status)
{
  switch (status)
    {
    case SD_TASK_STATUS_QUEUED:
    case SD_TASK_STATUS_PROCESSING:
      return "content-loading-symbolic";
    case SD_TASK_STATUS_COMPLETED:
      return "camera-video-symbolic";
    case SD_TASK_STATUS_FAILED:
      return "dialog-error-symbolic";
    case SD_TASK_STATUS_UNCERTAIN:
    case SD_TASK_STATUS_NOT_FOUND:
      return "dialog-warning-symbolic";
    case SD_TASK_STATUS_UNKNOWN:
    default:
      return "dialog-question-symbolic";
    }
}

static void
show_poster (SdTaskTile *self,
             GdkTexture *texture)
{
  gtk_picture_set_paintable (self->poster, GDK_PAINTABLE (texture));
  gtk_widget_set_visible (GTK_WIDGET (self->poster), texture != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->status_image), texture == NULL);
}

static void
on_poster_loaded_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = sd_poster_loader_load_finish (SD_POSTER_LOADER (source), result, &error);

  /* Cancelled: the tile was unbound, or disposed. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  show_poster (SD_TASK_TILE (user_data), texture);
}

static void
update_poster (SdTaskTile *self)
{
  const char *wanted = NULL;
  GdkTexture *texture;

  if (self->task != NULL && sd_task_get_status (self->task) == SD_TASK_STATUS_COMPLETED)
    wanted = sd_task_get_local_file (self->task);
  if (sd_poster_loader_follow (self->poster_loader, wanted, GTK_WIDGET (self), &self->poster_path,
                               &self->cancellable, &texture, on_poster_loaded_cb))
    show_poster (self, texture);
}

static void
update (SdTaskTile *self)
{
  SdRequest *request = self->task != NULL ? sd_task_get_request (self->task) : NULL;
  const char *prompt = request != NULL ? sd_request_get_prompt (request) : NULL;
  g_autofree char *label = NULL;

  update_poster (self);
  if (self->task == NULL)
    return;
  if (prompt == NULL || *prompt == '\0')
    prompt = _("No prompt");
  gtk_image_set_from_icon_name (self->status_image, get_status_icon (sd_task_get_status (self->task)));
  gtk_label_set_text (self->prompt_label, prompt);
  /* Translators: how a screen reader names a result, such as "Completed: a girl turns in rain" */
  label = g_strdup_printf (_("%s: %s"), sd_task_row_get_status_word (sd_task_get_status (self->task)), prompt);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

static void
on_task_notify_cb (SdTaskTile *self,
                   GParamSpec *pspec,
                   SdTask     *task)
{
  if (g_str_equal (pspec->name, "progress") || g_str_equal (pspec->name, "download-progress"))
    return;
  update (self);
}

static void
sd_task_tile_dispose (GObject *object)
{
  SdTaskTile *self = SD_TASK_TILE (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->task_signals);
  g_clear_object (&self->task);
  g_clear_object (&self->poster_loader);

  G_OBJECT_CLASS (sd_task_tile_parent_class)->dispose (object);
}

static void
sd_task_tile_finalize (GObject *object)
{
  g_free (SD_TASK_TILE (object)->poster_path);

  G_OBJECT_CLASS (sd_task_tile_parent_class)->finalize (object);
}

static void
sd_task_tile_class_init (SdTaskTileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sd_task_tile_dispose;
  object_class->finalize = sd_task_tile_finalize;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "tasktile");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

/* Built in code: a grid binds many of these, and there is little in one. */
static void
sd_task_tile_init (SdTaskTile *self)
{
  GtkWidget *frame = gtk_overlay_new ();

  gtk_orientable_set_orientation (GTK_ORIENTABLE (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                                  GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (gtk_widget_get_layout_manager (GTK_WIDGET (self))), 6);

  /* An overlay does not take its overlay child's size: every tile is
   * the same, whatever the video's shape. */
  gtk_widget_set_size_request (frame, TILE_WIDTH, TILE_HEIGHT);
  gtk_widget_set_overflow (frame, GTK_OVERFLOW_HIDDEN);
  gtk_widget_add_css_class (frame, "task-poster");
  self->status_image = GTK_IMAGE (gtk_image_new ());
  gtk_image_set_pixel_size (self->status_image, 32);
  gtk_widget_add_css_class (GTK_WIDGET (self->status_image), "dim-label");
  gtk_overlay_set_child (GTK_OVERLAY (frame), GTK_WIDGET (self->status_image));
  self->poster = GTK_PICTURE (gtk_picture_new ());
  gtk_picture_set_content_fit (self->poster, GTK_CONTENT_FIT_COVER);
  gtk_picture_set_can_shrink (self->poster, TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->poster), FALSE);
  gtk_overlay_add_overlay (GTK_OVERLAY (frame), GTK_WIDGET (self->poster));
  gtk_widget_set_parent (frame, GTK_WIDGET (self));
  self->frame = frame;

  self->prompt_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_ellipsize (self->prompt_label, PANGO_ELLIPSIZE_END);
  gtk_label_set_single_line_mode (self->prompt_label, TRUE);
  gtk_label_set_max_width_chars (self->prompt_label, 20);
  gtk_label_set_xalign (self->prompt_label, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->prompt_label), "caption");
  gtk_widget_set_parent (GTK_WIDGET (self->prompt_label), GTK_WIDGET (self));

  self->task_signals = g_signal_group_new (SD_TYPE_TASK);
  g_signal_group_connect_object (self->task_signals, "notify",
                                 G_CALLBACK (on_task_notify_cb), self, G_CONNECT_SWAPPED);
}

GtkWidget *
sd_task_tile_new (SdPosterLoader *loader)
{
  SdTaskTile *self;

  g_return_val_if_fail (SD_IS_POSTER_LOADER (loader), NULL);

  self = g_object_new (SD_TYPE_TASK_TILE, NULL);
  self->poster_loader = g_object_ref (loader);
  return GTK_WIDGET (self);
}

SdTask *
sd_task_tile_get_task (SdTaskTile *self)
{
  g_return_val_if_fail (SD_IS_TASK_TILE (self), NULL);

  return self->task;
}

void
sd_task_tile_set_task (SdTaskTile *self,
                       SdTask     *task)
{
  g_return_if_fail (SD_IS_TASK_TILE (self));
  g_return_if_fail (task == NULL || SD_IS_TASK (task));

  if (!g_set_object (&self->task, task))
    return;
  g_signal_group_set_target (self->task_signals, task);
  update (self);
}

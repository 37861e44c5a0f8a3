/* sd-video-window.c: plays a task's video inside the app
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-video-window"

#include "config.h"

#include <glib/gi18n.h>

#include "sd-video-window.h"

struct _SdVideoWindow
{
  AdwWindow       parent_instance;

  AdwWindowTitle *window_title;
  GtkVideo       *video;
};

G_DEFINE_FINAL_TYPE (SdVideoWindow, sd_video_window, ADW_TYPE_WINDOW)

static void
sd_video_window_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), SD_TYPE_VIDEO_WINDOW);

  G_OBJECT_CLASS (sd_video_window_parent_class)->dispose (object);
}

static void
sd_video_window_class_init (SdVideoWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sd_video_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/seedancestudio/SeedanceStudio/gui/sd-video-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SdVideoWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, SdVideoWindow, video);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
sd_video_window_init (SdVideoWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

static GFile *
get_video_file (SdTask *task)
{
  const char *local_file = sd_task_get_local_file (task);

  if (local_file != NULL)
    return g_file_new_for_path (local_file);

  return g_file_new_for_uri (sd_task_get_video_url (task));
}

GtkWidget *
sd_video_window_new (SdTask *task)
{
  SdVideoWindow *self;
  g_autoptr(GFile) file = NULL;
  const char *prompt;

  g_return_val_if_fail (SD_IS_TASK (task), NULL);
  g_return_val_if_fail (sd_task_get_local_file (task) != NULL ||
                        sd_task_get_video_url (task) != NULL, NULL);

  self = g_object_new (SD_TYPE_VIDEO_WINDOW, NULL);
  prompt = sd_request_get_prompt (sd_task_get_request (task));
  gtk_window_set_title (GTK_WINDOW (self), prompt != NULL ? prompt : _("Video"));
  adw_window_title_set_title (self->window_title, prompt != NULL ? prompt : _("Video"));
  if (sd_task_get_local_file (task) == NULL)
    adw_window_title_set_subtitle (self->window_title, _("Streaming from the service"));

  file = get_video_file (task);
  gtk_video_set_file (self->video, file);

  return GTK_WIDGET (self);
}

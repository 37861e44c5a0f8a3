/* sd-video-window.c: plays a task's video inside the app
 *
 * A video that cannot be played says why, with what helps: download it
 * again (win.download-task on the window the player belongs to) or open
 * it with another application. The player walks the window's list of
 * tasks on its own (Page Up / Page Down, Alt+Left / Alt+Right); it never
 * calls into the window.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-video-window"

#include "config.h"

#include <glib/gi18n.h>

#include "sd-files.h"
#include "sd-video-window.h"

struct _SdVideoWindow
{
  AdwWindow       parent_instance;

  GListModel     *tasks;   /* nullable: the list the task is played from */
  SdTask         *task;

  AdwWindowTitle *window_title;
  GtkStack       *stack;
  GtkVideo       *video;
  AdwStatusPage  *error_page;
  GtkWidget      *download_button;
  GtkWidget      *open_with_button;
};

G_DEFINE_FINAL_TYPE (SdVideoWindow, sd_video_window, ADW_TYPE_WINDOW)

static gint64
now_unix (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static gboolean
link_is_alive (SdTask *task)
{
  gint64 expires_at = sd_task_get_expires_at (task);

  return sd_task_get_video_url (task) != NULL &&
         !sd_task_is_link_expired (task, now_unix ()) &&
         (expires_at == 0 || expires_at > now_unix ());
}

static gboolean
has_saved_file (SdTask *task)
{
  const char *path = sd_task_get_local_file (task);

  return path != NULL && g_file_test (path, G_FILE_TEST_IS_REGULAR);
}

/* The tasks the list can step to: finished with a video, even one that
 * turns out not to play (the player then says why). */
static gboolean
has_video (SdTask *task)
{
  return sd_task_get_status (task) == SD_TASK_STATUS_COMPLETED &&
         (sd_task_get_local_file (task) != NULL || sd_task_get_video_url (task) != NULL);
}

/* Why @task cannot be played, or NULL when it can be tried. */
static char *
get_unplayable_reason (SdTask *task)
{
  const char *local_file = sd_task_get_local_file (task);
  const char *download_error = sd_task_get_download_error (task);
  SdDownloadState state = sd_task_get_download_state (task);

  /* A file gone that is being fetched again: it plays once saved. */
  if (local_file != NULL && !has_saved_file (task) &&
      (state == SD_DOWNLOAD_STATE_RUNNING || state == SD_DOWNLOAD_STATE_QUEUED))
    return g_strdup (_("Downloading the video again…"));
  if (local_file != NULL)
    return has_saved_file (task) ? NULL
           : g_strdup_printf (_("The saved file “%s” is gone: it was moved or deleted."), local_file);
  if (sd_task_get_video_url (task) == NULL)
    return g_strdup (_("The service gave no link to this video, and it was not saved."));
  if (link_is_alive (task))
    return NULL;
  if (download_error != NULL)
    /* Translators: %s is why saving the video failed */
    return g_strdup_printf (_("Saving it failed (%s), and its link has expired."), download_error);
  return g_strdup (_("Its link has expired, and it was not saved."));
}

static void
update_actions (SdVideoWindow *self)
{
  SdDownloadState state = sd_task_get_download_state (self->task);
  gboolean busy = state == SD_DOWNLOAD_STATE_RUNNING || state == SD_DOWNLOAD_STATE_QUEUED;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "player.download-again",
                                 link_is_alive (self->task) && !busy &&
                                 gtk_window_get_transient_for (GTK_WINDOW (self)) != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "player.open-with", has_saved_file (self->task));
}

static void
show_error (SdVideoWindow *self,
            const char    *reason)
{
  g_debug ("Task %s cannot be played: %s", sd_task_get_id (self->task), reason);
  gtk_video_set_file (self->video, NULL);
  adw_status_page_set_description (self->error_page, reason);
  gtk_stack_set_visible_child_name (self->stack, "error");
  update_actions (self);
}

static void
on_stream_error_cb (SdVideoWindow  *self,
                    GParamSpec     *pspec,
                    GtkMediaStream *stream)
{
  const GError *error = gtk_media_stream_get_error (stream);
  const char *download_error = sd_task_get_download_error (self->task);
  g_autofree char *reason = NULL;

  if (error == NULL)
    return;

  if (download_error != NULL && sd_task_get_local_file (self->task) == NULL)
    /* Translators: the first %s is the player's error, the second why saving failed */
    reason = g_strdup_printf (_("The video could not be played: %s. Saving it failed too: %s"),
                              error->message, download_error);
  else
    /* Translators: %s is the player's error, such as "Could not determine type of stream" */
    reason = g_strdup_printf (_("The video could not be played: %s."), error->message);
  show_error (self, reason);
}

static void
load_task (SdVideoWindow *self)
{
  const char *prompt = sd_request_get_prompt (sd_task_get_request (self->task));
  g_autofree char *reason = get_unplayable_reason (self->task);
  g_autoptr(GFile) file = NULL;
  GtkMediaStream *stream;

  if (prompt == NULL || *prompt == '\0')
    prompt = _("Video");
  gtk_window_set_title (GTK_WINDOW (self), prompt);
  adw_window_title_set_title (self->window_title, prompt);
  adw_window_title_set_subtitle (self->window_title,
                                 sd_task_get_local_file (self->task) == NULL && reason == NULL
                                 ? _("Streaming from the service") : NULL);

  if (reason != NULL)
    {
      show_error (self, reason);
      return;
    }

  if (sd_task_get_local_file (self->task) != NULL)
    file = g_file_new_for_path (sd_task_get_local_file (self->task));
  else
    file = g_file_new_for_uri (sd_task_get_video_url (self->task));
  gtk_video_set_file (self->video, file);
  gtk_stack_set_visible_child_name (self->stack, "video");
  update_actions (self);

  stream = gtk_video_get_media_stream (self->video);
  if (stream != NULL)
    {
      g_signal_connect_object (stream, "notify::error", G_CALLBACK (on_stream_error_cb),
                               self, G_CONNECT_SWAPPED);
      on_stream_error_cb (self, NULL, stream);
    }
}

/* A video downloaded again plays at once; a download that fails says so. */
static void
on_task_notify_cb (SdVideoWindow *self,
                   GParamSpec    *pspec,
                   SdTask        *task)
{
  gboolean on_error = g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "error") == 0;

  if (g_strcmp0 (pspec->name, "download-progress") == 0)
    return;
  if (on_error && (g_strcmp0 (pspec->name, "local-file") == 0 ||
                   g_strcmp0 (pspec->name, "download-state") == 0 ||
                   g_strcmp0 (pspec->name, "download-error") == 0))
    load_task (self);
  else
    update_actions (self);
}

static void
set_task (SdVideoWindow *self,
          SdTask        *task)
{
  if (self->task != NULL)
    g_signal_handlers_disconnect_by_data (self->task, self);
  g_set_object (&self->task, task);
  g_signal_connect_object (task, "notify", G_CALLBACK (on_task_notify_cb), self, G_CONNECT_SWAPPED);
  load_task (self);
}

/* The next task with a video from the current one, @step 1 or -1 in the
 * list's order; FALSE at either end or when the task left the list. */
static gboolean
find_neighbour (SdVideoWindow *self,
                int            step,
                SdTask       **neighbour)
{
  guint n_items = self->tasks != NULL ? g_list_model_get_n_items (self->tasks) : 0;
  guint position = G_MAXUINT;

  for (guint i = 0; i < n_items && position == G_MAXUINT; i++)
    {
      g_autoptr(SdTask) item = g_list_model_get_item (self->tasks, i);

      if (item == self->task)
        position = i;
    }
  if (position == G_MAXUINT)
    return FALSE;

  for (gint64 i = (gint64) position + step; i >= 0 && i < n_items; i += step)
    {
      g_autoptr(SdTask) item = g_list_model_get_item (self->tasks, (guint) i);

      if (has_video (item))
        {
          if (neighbour != NULL)
            *neighbour = g_steal_pointer (&item);
          return TRUE;
        }
    }
  return FALSE;
}

static void
update_navigation (SdVideoWindow *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "player.previous", find_neighbour (self, -1, NULL));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "player.next", find_neighbour (self, 1, NULL));
}

static void
step_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SdVideoWindow *self = SD_VIDEO_WINDOW (widget);
  g_autoptr(SdTask) neighbour = NULL;

  if (!find_neighbour (self, g_str_equal (action_name, "player.next") ? 1 : -1, &neighbour))
    return;
  set_task (self, neighbour);
  update_navigation (self);
}

static void
download_again_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  SdVideoWindow *self = SD_VIDEO_WINDOW (widget);
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));

  if (parent == NULL)
    return;
  gtk_widget_activate_action (GTK_WIDGET (parent), "win.download-task", "s",
                              sd_task_get_id (self->task));
  update_actions (self);
}

static void
open_with_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  SdVideoWindow *self = SD_VIDEO_WINDOW (widget);
  g_autoptr(GFile) file = NULL;

  if (!has_saved_file (self->task))
    return;
  file = g_file_new_for_path (sd_task_get_local_file (self->task));
  sd_files_open_with (GTK_WINDOW (self), file);
}

static void
fullscreen_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  if (gtk_window_is_fullscreen (GTK_WINDOW (widget)))
    gtk_window_unfullscreen (GTK_WINDOW (widget));
  else
    gtk_window_fullscreen (GTK_WINDOW (widget));
}

static void
escape_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  if (gtk_window_is_fullscreen (GTK_WINDOW (widget)))
    gtk_window_unfullscreen (GTK_WINDOW (widget));
  else
    gtk_window_close (GTK_WINDOW (widget));
}

static void
sd_video_window_dispose (GObject *object)
{
  SdVideoWindow *self = SD_VIDEO_WINDOW (object);

  if (self->task != NULL)
    g_signal_handlers_disconnect_by_data (self->task, self);
  gtk_widget_dispose_template (GTK_WIDGET (object), SD_TYPE_VIDEO_WINDOW);
  g_clear_object (&self->task);
  g_clear_object (&self->tasks);

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
  gtk_widget_class_bind_template_child (widget_class, SdVideoWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, SdVideoWindow, video);
  gtk_widget_class_bind_template_child (widget_class, SdVideoWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, SdVideoWindow, download_button);
  gtk_widget_class_bind_template_child (widget_class, SdVideoWindow, open_with_button);

  gtk_widget_class_install_action (widget_class, "player.previous", NULL, step_action);
  gtk_widget_class_install_action (widget_class, "player.next", NULL, step_action);
  gtk_widget_class_install_action (widget_class, "player.download-again", NULL, download_again_action);
  gtk_widget_class_install_action (widget_class, "player.open-with", NULL, open_with_action);
  gtk_widget_class_install_action (widget_class, "player.fullscreen", NULL, fullscreen_action);
  gtk_widget_class_install_action (widget_class, "player.escape", NULL, escape_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "player.escape", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F11, 0, "player.fullscreen", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Up, 0, "player.previous", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Down, 0, "player.next", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "player.previous", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, GDK_ALT_MASK, "player.next", NULL);
}

static void
sd_video_window_init (SdVideoWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * sd_video_window_new:
 * @task: the task to play
 * @tasks: (nullable): the list of #SdTask it is played from, for next and
 *   previous
 *
 * Download Again asks the window the player is transient for
 * (win.download-task), so it is enabled once that is set.
 */
GtkWidget *
sd_video_window_new (SdTask     *task,
                     GListModel *tasks)
{
  SdVideoWindow *self;

  g_return_val_if_fail (SD_IS_TASK (task), NULL);
  g_return_val_if_fail (tasks == NULL || G_IS_LIST_MODEL (tasks), NULL);

  self = g_object_new (SD_TYPE_VIDEO_WINDOW, NULL);
  g_set_object (&self->tasks, tasks);
  g_signal_connect_object (self, "notify::transient-for", G_CALLBACK (update_actions),
                           self, G_CONNECT_SWAPPED);
  set_task (self, task);
  update_navigation (self);
  if (tasks != NULL)
    g_signal_connect_object (tasks, "items-changed", G_CALLBACK (update_navigation),
                             self, G_CONNECT_SWAPPED);

  return GTK_WIDGET (self);
}

/* sd-task-row.c: one task in the results list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-task-row"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sd-catalog.h"
#include "sd-enum-types.h"
#include "sd-poster-loader.h"
#include "sd-service.h"
#include "sd-task-row-private.h"
#include "sd-utf8.h"


G_DEFINE_FINAL_TYPE (SdTaskRow, sd_task_row, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_TASK,
  PROP_CATALOG,
  PROP_MODEL_NAME,
  PROP_NOW,
  PROP_FAVOURITE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
link_is_alive (SdTaskRow *self)
{
  return sd_task_get_video_url (self->task) != NULL &&
         !sd_task_is_link_expired (self->task, self->now) &&
         (sd_task_get_expires_at (self->task) == 0 ||
          sd_task_get_expires_at (self->task) > self->now);
}

/* Retry a failed task; cancel, move or edit one that waits; stop or
 * resume watching one at the provider. */
static void
update_queue_actions (SdTaskRow *self)
{
  SdTaskStatus status = self->task != NULL ? sd_task_get_status (self->task) : SD_TASK_STATUS_UNKNOWN;
  gboolean failed = self->task != NULL && status == SD_TASK_STATUS_FAILED;
  gboolean waiting = self->task != NULL && status == SD_TASK_STATUS_WAITING;
  gboolean at_provider = self->task != NULL && !waiting && !sd_task_get_is_finished (self->task);
  gboolean grouped = self->task != NULL && sd_task_get_group_id (self->task) != NULL;
  gboolean watched = self->task == NULL || sd_task_get_watched (self->task);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "row.retry", failed);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "row.retry-failed", failed && grouped);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "row.cancel", waiting);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "row.move-up", waiting);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "row.move-down", waiting);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "row.edit", waiting);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "row.stop-watching", at_provider && watched);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "row.watch-again", at_provider && !watched);
}

static void
update_actions (SdTaskRow *self)
{
  SdTask *task = self->task;
  gboolean completed = task != NULL && sd_task_get_status (task) == SD_TASK_STATUS_COMPLETED;
  gboolean saved = task != NULL && sd_task_get_local_file (task) != NULL;
  gboolean alive = task != NULL && link_is_alive (self);
  SdDownloadState state = task != NULL ? sd_task_get_download_state (task) : SD_DOWNLOAD_STATE_NONE;
  gboolean busy = state == SD_DOWNLOAD_STATE_RUNNING || state == SD_DOWNLOAD_STATE_QUEUED;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "row.play", completed && (saved || alive));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "row.open", saved);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "row.show-in-folder", saved);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "row.download", completed && alive && !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "row.copy-link", completed && alive);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "row.reuse", task != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "row.continue", completed && saved);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "row.remove", task != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "row.details", task != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "row.favourite", task != NULL);
  update_queue_actions (self);
}

static void
update_accessible_label (SdTaskRow *self)
{
  g_autofree char *prompt = NULL;
  g_autofree char *label = NULL;

  if (self->task == NULL)
    return;

  prompt = _sd_task_row_format_prompt (sd_task_get_request (self->task));
  /* Translators: how a screen reader names a result, such as "Completed: a girl turns in rain" */
  label = g_strdup_printf (_("%s: %s"), sd_task_row_get_status_word (sd_task_get_status (self->task)), prompt);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
}

static void
update_status (SdTaskRow *self)
{
  SdTaskStatus status = sd_task_get_status (self->task);
  gboolean processing = status == SD_TASK_STATUS_PROCESSING;
  const char *icon = "dialog-question-symbolic";
  const char *tooltip = NULL;
  const char *style = "dim-label";

  switch (status)
    {
    case SD_TASK_STATUS_QUEUED:
      icon = "content-loading-symbolic";
      tooltip = _("Queued");
      break;
    case SD_TASK_STATUS_COMPLETED:
      icon = "emblem-ok-symbolic";
      tooltip = _("Completed");
      style = "success";
      break;
    case SD_TASK_STATUS_FAILED:
      icon = "dialog-error-symbolic";
      tooltip = _("Failed");
      style = "error";
      break;
    case SD_TASK_STATUS_WAITING:
      icon = "content-loading-symbolic";
      tooltip = sd_task_row_get_status_word (status);
      break;
    case SD_TASK_STATUS_UNCERTAIN:
    case SD_TASK_STATUS_NOT_FOUND:
      icon = "dialog-warning-symbolic";
      tooltip = sd_task_row_get_status_word (status);
      style = "warning";
      break;
    case SD_TASK_STATUS_PROCESSING:
    case SD_TASK_STATUS_UNKNOWN:
    default:
      break;
    }

  _sd_task_row_set_part_visible (self, &self->status_spinner, _sd_task_row_ensure_spinner, processing);
  if (self->status_spinner != NULL)
    gtk_spinner_set_spinning (GTK_SPINNER (self->status_spinner), processing);
  gtk_image_set_from_icon_name (self->status_image, icon);
  /* Hidden until the first task says what it shows (see _sd_task_row_set_tooltip). */
  _sd_task_row_set_tooltip (GTK_WIDGET (self->status_image), tooltip);
  gtk_widget_set_visible (GTK_WIDGET (self->status_image), !processing && !_sd_task_row_poster_is_shown (self));
  /* A class changed restyles the icon: only when it does. */
  if (style != self->status_style)
    {
      gtk_widget_set_css_classes (GTK_WIDGET (self->status_image), (const char *[]) { style, NULL });
      self->status_style = style;
    }

  _sd_task_row_set_part_visible (self, &self->play_button, _sd_task_row_ensure_play_button, status == SD_TASK_STATUS_COMPLETED);
}

static void
update_meta_label (SdTaskRow *self)
{
  g_autofree char *meta = NULL;

  if (self->task == NULL)
    return;

  meta = _sd_task_row_format_meta (sd_task_get_status (self->task),
                        sd_task_get_progress (self->task),
                        sd_task_get_created_at (self->task),
                        sd_task_get_request (self->task),
                        self->model_name, self->now);
  /* Stop Watching cannot cancel it: the row says what that means. */
  if (!sd_task_get_watched (self->task) && !sd_task_get_is_finished (self->task))
    {
      char *with = g_strdup_printf (_("%s · Not watched: it may still complete and be billed"), meta);

      g_free (meta);
      meta = with;
    }
  gtk_label_set_text (self->meta_label, meta);
}

static void
update_attention_label (SdTaskRow *self)
{
  g_autofree char *text = NULL;

  if (self->task == NULL)
    return;

  text = _sd_task_row_format_attention (sd_task_get_local_file (self->task),
                             sd_task_get_expires_at (self->task),
                             sd_task_get_download_state (self->task),
                             sd_task_get_download_error (self->task),
                             self->now);
  _sd_task_row_set_part_visible (self, &self->attention_label, _sd_task_row_ensure_attention_label, *text != '\0');
  if (self->attention_label != NULL)
    gtk_label_set_text (GTK_LABEL (self->attention_label), text);
}

/* The star says what a click does, as the menu's check item does. */
static void
update_favourite (SdTaskRow *self)
{
  gboolean favourite = self->task != NULL && sd_task_get_favourite (self->task);
  const char *name = favourite ? _("Remove from Favourites") : _("Favourite");

  if (favourite == self->favourite)
    return;
  self->favourite = favourite;
  gtk_button_set_icon_name (GTK_BUTTON (self->star_button),
                            favourite ? "starred-symbolic" : "non-starred-symbolic");
  _sd_task_row_set_tooltip (self->star_button, name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->star_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FAVOURITE]);
}

static void
update_failure_label (SdTaskRow *self)
{
  SdTaskStatus status = sd_task_get_status (self->task);
  /* An uncertain or lost task says why, like a failed one. */
  gboolean failed = status == SD_TASK_STATUS_FAILED || status == SD_TASK_STATUS_UNCERTAIN ||
                    status == SD_TASK_STATUS_NOT_FOUND;

  _sd_task_row_set_part_visible (self, &self->failure_label, _sd_task_row_ensure_failure_label, failed);
  if (failed)
    {
      g_autofree char *text = _sd_task_row_format_failure (sd_task_get_failure_message (self->task));

      gtk_label_set_text (GTK_LABEL (self->failure_label), text);
    }
}

/* One bar: the download while saving, else the server's progress of a
 * running task when it sends one (data.progress). */
static void
update_progress (SdTaskRow *self)
{
  gboolean downloading = sd_task_get_download_state (self->task) == SD_DOWNLOAD_STATE_RUNNING;
  int progress = sd_task_get_is_finished (self->task) ? -1 : sd_task_get_progress (self->task);
  gboolean shown = downloading || progress >= 0;

  _sd_task_row_set_part_visible (self, &self->progress_bar, _sd_task_row_ensure_progress_bar, shown);
  if (!shown)
    return;

  gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (self->progress_bar),
                                 downloading ? sd_task_get_download_progress (self->task)
                                             : progress / 100.0);
  if (downloading != self->bar_shows_download)
    {
      self->bar_shows_download = downloading;
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->progress_bar),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      downloading ? _("Download progress") : _("Progress of the video"),
                                      -1);
    }
}

/* The row's buttons say which video they act on: a list of "Play"
 * buttons tells a screen reader user nothing. */
void
_sd_task_row_update_button_names (SdTaskRow *self)
{
  g_autofree char *prompt = NULL;
  g_autofree char *short_prompt = NULL;
  g_autofree char *play = NULL;
  g_autofree char *more = NULL;

  if (self->task == NULL)
    return;

  prompt = _sd_task_row_format_prompt (sd_task_get_request (self->task));
  short_prompt = sd_utf8_ellipsize (prompt, 40);
  /* Translators: a button's name for a screen reader; %s is the video's prompt */
  play = g_strdup_printf (_("Play “%s”"), short_prompt);
  /* Translators: a menu button's name for a screen reader; %s is the video's prompt */
  more = g_strdup_printf (_("More actions for “%s”"), short_prompt);
  if (self->play_button != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->play_button),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, play, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->menu_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, more, -1);
}

static void
update_prompt_label (SdTaskRow *self)
{
  g_autofree char *prompt = _sd_task_row_format_prompt (sd_task_get_request (self->task));
  const char *group = sd_task_get_group_label (self->task);
  const char *label = sd_task_get_label (self->task);
  g_autofree char *text = NULL;

  /* a take carries its group, and a batch line's take its own label too:
   * "Take · group · label · prompt" */
  if (group != NULL && *group != '\0' && label != NULL && *label != '\0')
    text = g_strdup_printf (_("Take · %s · %s · %s"), group, label, prompt);
  else if (group != NULL && *group != '\0')
    text = g_strdup_printf (_("Take · %s · %s"), group, prompt);
  gtk_label_set_text (self->prompt_label, text != NULL ? text : prompt);
  _sd_task_row_update_button_names (self);
}

static void
set_now (SdTaskRow *self,
         gint64     now)
{
  if (self->now == now)
    return;

  self->now = now;
  update_meta_label (self);
  update_attention_label (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NOW]);
}

static gboolean
on_tick_cb (gpointer user_data)
{
  SdTaskRow *self = user_data;

  set_now (self, g_get_real_time () / G_USEC_PER_SEC);
  update_actions (self);
  return G_SOURCE_CONTINUE;
}

/* One timer per mapped row: every second while the task runs (the elapsed
 * time), every minute while a link waits to expire, none otherwise. */
static guint
get_wanted_tick_interval (SdTaskRow *self)
{
  SdTaskStatus status;

  if (self->task == NULL || !gtk_widget_get_mapped (GTK_WIDGET (self)))
    return 0;

  status = sd_task_get_status (self->task);
  if (status == SD_TASK_STATUS_QUEUED || status == SD_TASK_STATUS_PROCESSING)
    return 1;
  if (status == SD_TASK_STATUS_COMPLETED && sd_task_get_local_file (self->task) == NULL &&
      link_is_alive (self))
    return 60;

  return 0;
}

static void
update_timer (SdTaskRow *self)
{
  guint interval = get_wanted_tick_interval (self);

  if (interval == self->tick_interval && (interval == 0) == (self->tick_id == 0))
    return;

  g_clear_handle_id (&self->tick_id, g_source_remove);
  self->tick_interval = interval;
  if (interval > 0)
    self->tick_id = g_timeout_add_seconds (interval, on_tick_cb, self);
}

static void
on_poster_loaded_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = sd_poster_loader_load_finish (SD_POSTER_LOADER (source), result, &error);
  SdTaskRow *self;

  /* Cancelled: the row was unbound, or disposed. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = SD_TASK_ROW (user_data);
  g_clear_object (&self->poster_cancellable);
  if (texture != NULL)
    {
      _sd_task_row_ensure_poster (self);
      gtk_picture_set_paintable (self->poster, GDK_PAINTABLE (texture));
    }
  else
    {
      _sd_task_row_set_part_visible (self, &self->poster_frame, _sd_task_row_ensure_poster, FALSE);
      update_status (self);
    }
}

static const char *
get_wanted_poster (SdTaskRow *self)
{
  if (self->task == NULL || self->poster_loader == NULL ||
      sd_task_get_status (self->task) != SD_TASK_STATUS_COMPLETED)
    return NULL;
  return sd_task_get_local_file (self->task);
}

/* A saved video shows its poster frame in place of the status icon; it is
 * asked for when the row is bound, and no longer once it is unbound. */
static void
update_poster (SdTaskRow *self)
{
  GdkTexture *texture;

  if (!sd_poster_loader_follow (self->poster_loader, get_wanted_poster (self), GTK_WIDGET (self),
                                &self->poster_path, &self->poster_cancellable, &texture,
                                on_poster_loaded_cb))
    return;
  _sd_task_row_set_part_visible (self, &self->poster_frame, _sd_task_row_ensure_poster, self->poster_path != NULL);
  if (self->poster != NULL)
    gtk_picture_set_paintable (self->poster, GDK_PAINTABLE (texture));
}

/* One handler for every property of the task: cheaper than a binding per
 * label. Progress ticks come often and change the bar only. */
static void
on_task_notify_cb (SdTaskRow  *self,
                   GParamSpec *pspec,
                   SdTask     *task)
{
  if (pspec != NULL && g_strcmp0 (pspec->name, "download-progress") == 0)
    {
      update_progress (self);
      return;
    }
  if (pspec != NULL && g_strcmp0 (pspec->name, "progress") == 0)
    {
      update_progress (self);
      update_meta_label (self);
      return;
    }

  update_poster (self);
  update_status (self);
  update_meta_label (self);
  update_failure_label (self);
  update_attention_label (self);
  update_favourite (self);
  update_progress (self);
  update_actions (self);
  update_accessible_label (self);
  update_timer (self);
}

static void
update_model_name (SdTaskRow *self)
{
  const char *model_id = NULL;
  const char *name = NULL;
  SdModel *model = NULL;

  if (self->task != NULL)
    model_id = sd_request_get_model (sd_task_get_request (self->task));
  if (self->catalog != NULL && model_id != NULL)
    model = sd_catalog_lookup (self->catalog, model_id);

  name = model != NULL ? sd_model_get_display_name (model) : model_id;
  if (g_strcmp0 (name, self->model_name) == 0)
    return;

  g_free (self->model_name);
  self->model_name = g_strdup (name);
  update_meta_label (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL_NAME]);
}

/* The window (or whoever holds the row) does the work: the row only says
 * which task it is about. */
static void
activate_task_action (SdTaskRow  *self,
                      const char *action_name)
{
  if (self->task == NULL)
    return;
  gtk_widget_activate_action (GTK_WIDGET (self), action_name, "s", sd_task_get_id (self->task));
}

static void
row_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  static const struct { const char *row; const char *win; } actions[] = {
    { "row.play", "win.play-task" },
    { "row.open", "win.open-task" },
    { "row.show-in-folder", "win.show-task-in-folder" },
    { "row.download", "win.download-task" },
    { "row.copy-link", "win.copy-task-link" },
    { "row.reuse", "win.reuse-task" },
    { "row.continue", "win.continue-task" },
    { "row.remove", "win.remove-task" },
    { "row.details", "win.show-task-details" },
    { "row.retry", "win.retry-task" },
    { "row.retry-failed", "win.retry-failed-task" },
    { "row.cancel", "win.cancel-task" },
    { "row.move-up", "win.move-up-task" },
    { "row.move-down", "win.move-down-task" },
    { "row.edit", "win.edit-task" },
    { "row.stop-watching", "win.stop-watching-task" },
    { "row.watch-again", "win.watch-again-task" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    if (g_str_equal (action_name, actions[i].row))
      activate_task_action (SD_TASK_ROW (widget), actions[i].win);
}

static GMenuModel *
get_row_menu (void)
{
  static GMenu *menu;
  GMenu *section;

  if (menu != NULL)
    return G_MENU_MODEL (menu);

  menu = g_menu_new ();
  section = g_menu_new ();
  g_menu_append (section, _("_Play"), "row.play");
  g_menu_append (section, _("_Open With Default Player"), "row.open");
  g_menu_append (section, _("Show in _Folder"), "row.show-in-folder");
  g_menu_append (section, _("_Details"), "row.details");
  g_menu_append (section, _("_Favourite"), "row.favourite");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (section));
  g_object_unref (section);

  section = g_menu_new ();
  g_menu_append (section, _("_Download Again"), "row.download");
  g_menu_append (section, _("_Copy Link"), "row.copy-link");
  g_menu_append (section, _("_Re-use Settings"), "row.reuse");
  g_menu_append (section, _("Continue from _Last Frame"), "row.continue");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (section));
  g_object_unref (section);

  section = g_menu_new ();
  g_menu_append (section, _("_Retry"), "row.retry");
  g_menu_append (section, _("Retry _Failed in Group"), "row.retry-failed");
  g_menu_append (section, _("_Cancel (Not Sent Yet)"), "row.cancel");
  g_menu_append (section, _("Move _Up in Queue"), "row.move-up");
  g_menu_append (section, _("Move Do_wn in Queue"), "row.move-down");
  g_menu_append (section, _("_Edit in Composer"), "row.edit");
  g_menu_append (section, _("_Stop Watching (May Still Be Billed)"), "row.stop-watching");
  g_menu_append (section, _("_Watch Again"), "row.watch-again");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (section));
  g_object_unref (section);

  section = g_menu_new ();
  g_menu_append (section, _("Remove From _History"), "row.remove");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (section));
  g_object_unref (section);

  return G_MENU_MODEL (menu);
}

/* The popover is built on the first click, not with every row. */
static void
create_menu_popup_cb (GtkMenuButton *button,
                      gpointer       user_data)
{
  gtk_menu_button_set_menu_model (button, get_row_menu ());
}

/* Shift+F10, the Menu key (the list asks) and a right-click open the
 * menu button's menu: the one menu of the row. */
static void
popup_menu_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  gtk_menu_button_popup (GTK_MENU_BUTTON (SD_TASK_ROW (widget)->menu_button));
}

static void
on_context_pressed_cb (GtkGestureClick *gesture,
                       int              n_press,
                       double           x,
                       double           y,
                       SdTaskRow       *self)
{
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  gtk_widget_activate_action (GTK_WIDGET (self), "row.popup-menu", NULL);
}

static void
add_context_click (SdTaskRow *self)
{
  GtkGesture *click = gtk_gesture_click_new ();

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  g_signal_connect_object (click, "pressed", G_CALLBACK (on_context_pressed_cb), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
}

static void
sd_task_row_map (GtkWidget *widget)
{
  SdTaskRow *self = SD_TASK_ROW (widget);

  GTK_WIDGET_CLASS (sd_task_row_parent_class)->map (widget);

  set_now (self, g_get_real_time () / G_USEC_PER_SEC);
  update_timer (self);
}

static void
sd_task_row_unmap (GtkWidget *widget)
{
  SdTaskRow *self = SD_TASK_ROW (widget);

  GTK_WIDGET_CLASS (sd_task_row_parent_class)->unmap (widget);

  update_timer (self);
}

static void
sd_task_row_dispose (GObject *object)
{
  GtkWidget *child;
  SdTaskRow *self = SD_TASK_ROW (object);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_cancellable_cancel (self->poster_cancellable);
  g_clear_object (&self->poster_cancellable);
  g_clear_object (&self->poster_loader);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->task_signals);
  g_clear_object (&self->task);
  g_clear_object (&self->catalog);

  G_OBJECT_CLASS (sd_task_row_parent_class)->dispose (object);
}

static void
sd_task_row_finalize (GObject *object)
{
  SdTaskRow *self = SD_TASK_ROW (object);

  g_free (self->model_name);
  g_free (self->poster_path);

  G_OBJECT_CLASS (sd_task_row_parent_class)->finalize (object);
}

static void
sd_task_row_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  SdTaskRow *self = SD_TASK_ROW (object);

  switch (prop_id)
    {
    case PROP_TASK:
      g_value_set_object (value, self->task);
      break;

    case PROP_CATALOG:
      g_value_set_object (value, self->catalog);
      break;

    case PROP_MODEL_NAME:
      g_value_set_string (value, self->model_name);
      break;

    case PROP_NOW:
      g_value_set_int64 (value, self->now);
      break;

    case PROP_FAVOURITE:
      g_value_set_boolean (value, self->favourite);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_task_row_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  SdTaskRow *self = SD_TASK_ROW (object);

  switch (prop_id)
    {
    case PROP_TASK:
      sd_task_row_set_task (self, g_value_get_object (value));
      break;

    case PROP_CATALOG:
      sd_task_row_set_catalog (self, g_value_get_object (value));
      break;

    case PROP_FAVOURITE:
      /* The window stars the task; the row follows the task. */
      if (self->task != NULL && g_value_get_boolean (value) != sd_task_get_favourite (self->task))
        activate_task_action (self, "win.toggle-favourite-task");
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static const char * const queue_actions[] = {
  "row.retry", "row.retry-failed", "row.cancel", "row.move-up", "row.move-down",
  "row.edit", "row.stop-watching", "row.watch-again",
};

static void
install_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "row.play", NULL, row_action);
  gtk_widget_class_install_action (widget_class, "row.open", NULL, row_action);
  gtk_widget_class_install_action (widget_class, "row.show-in-folder", NULL, row_action);
  gtk_widget_class_install_action (widget_class, "row.download", NULL, row_action);
  gtk_widget_class_install_action (widget_class, "row.copy-link", NULL, row_action);
  gtk_widget_class_install_action (widget_class, "row.reuse", NULL, row_action);
  gtk_widget_class_install_action (widget_class, "row.continue", NULL, row_action);
  gtk_widget_class_install_action (widget_class, "row.remove", NULL, row_action);
  gtk_widget_class_install_action (widget_class, "row.details", NULL, row_action);
  gtk_widget_class_install_property_action (widget_class, "row.favourite", "favourite");
  gtk_widget_class_install_action (widget_class, "row.popup-menu", NULL, popup_menu_action);
  for (guint i = 0; i < G_N_ELEMENTS (queue_actions); i++)
    gtk_widget_class_install_action (widget_class, queue_actions[i], NULL, row_action);
}

static void
sd_task_row_class_init (SdTaskRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sd_task_row_dispose;
  object_class->finalize = sd_task_row_finalize;
  object_class->get_property = sd_task_row_get_property;
  object_class->set_property = sd_task_row_set_property;

  widget_class->get_request_mode = _sd_task_row_get_request_mode;
  widget_class->measure = _sd_task_row_measure;
  widget_class->size_allocate = _sd_task_row_size_allocate;
  widget_class->map = sd_task_row_map;
  widget_class->unmap = sd_task_row_unmap;

  properties[PROP_TASK] =
    g_param_spec_object ("task", NULL, NULL,
                         SD_TYPE_TASK,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CATALOG] =
    g_param_spec_object ("catalog", NULL, NULL,
                         SD_TYPE_CATALOG,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MODEL_NAME] =
    g_param_spec_string ("model-name", NULL, NULL,
                         NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_NOW] =
    g_param_spec_int64 ("now", NULL, NULL,
                        0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_FAVOURITE] =
    g_param_spec_boolean ("favourite", NULL, NULL,
                          FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);


  install_actions (widget_class);

  gtk_widget_class_set_css_name (widget_class, "taskrow");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
sd_task_row_init (SdTaskRow *self)
{
  self->now = g_get_real_time () / G_USEC_PER_SEC;
  self->task_signals = g_signal_group_new (SD_TYPE_TASK);
  g_signal_group_connect_object (self->task_signals, "notify",
                                 G_CALLBACK (on_task_notify_cb), self, G_CONNECT_SWAPPED);

  _sd_task_row_build (self);
  gtk_menu_button_set_create_popup_func (GTK_MENU_BUTTON (self->menu_button),
                                         create_menu_popup_cb, NULL, NULL);
  add_context_click (self);
  update_actions (self);
}

GtkWidget *
sd_task_row_new (void)
{
  return g_object_new (SD_TYPE_TASK_ROW, NULL);
}

SdTask *
sd_task_row_get_task (SdTaskRow *self)
{
  g_return_val_if_fail (SD_IS_TASK_ROW (self), NULL);

  return self->task;
}

void
sd_task_row_set_task (SdTaskRow *self,
                      SdTask    *task)
{
  g_return_if_fail (SD_IS_TASK_ROW (self));
  g_return_if_fail (task == NULL || SD_IS_TASK (task));

  if (self->task == task)
    return;

  g_set_object (&self->task, task);
  g_signal_group_set_target (self->task_signals, task);

  update_model_name (self);
  if (task != NULL)
    {
      update_prompt_label (self);
      on_task_notify_cb (self, NULL, task);
    }
  else
    {
      update_poster (self);
      update_actions (self);
      update_favourite (self);
      update_timer (self);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TASK]);
}

SdCatalog *
sd_task_row_get_catalog (SdTaskRow *self)
{
  g_return_val_if_fail (SD_IS_TASK_ROW (self), NULL);

  return self->catalog;
}

void
sd_task_row_set_catalog (SdTaskRow *self,
                         SdCatalog *catalog)
{
  g_return_if_fail (SD_IS_TASK_ROW (self));
  g_return_if_fail (catalog == NULL || SD_IS_CATALOG (catalog));

  if (!g_set_object (&self->catalog, catalog))
    return;
  update_model_name (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CATALOG]);
}

/* Where the row gets the poster frames of saved videos; none without. */
void
sd_task_row_set_poster_loader (SdTaskRow      *self,
                               SdPosterLoader *loader)
{
  g_return_if_fail (SD_IS_TASK_ROW (self));
  g_return_if_fail (loader == NULL || SD_IS_POSTER_LOADER (loader));

  if (!g_set_object (&self->poster_loader, loader))
    return;
  g_clear_pointer (&self->poster_path, g_free);
  update_poster (self);
  if (self->task != NULL)
    update_status (self);
}

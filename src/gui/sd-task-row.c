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
#include "sd-task-row.h"
#include "sd-utf8.h"

struct _SdTaskRow
{
  GtkWidget  parent_instance;

  SdTask       *task;
  GSignalGroup *task_signals;
  SdCatalog    *catalog;
  char         *model_name;
  gint64     now;
  guint      tick_id;
  guint      tick_interval;
  SdPosterLoader *poster_loader;
  char           *poster_path;  /* the video whose poster is shown or asked for */
  GCancellable   *poster_cancellable;

  GtkWidget  *poster_frame;
  GtkPicture *poster;
  GtkImage  *status_image;
  GtkWidget *status_spinner;
  GtkLabel  *prompt_label;
  GtkLabel  *meta_label;
  GtkLabel  *failure_label;
  GtkLabel  *attention_label;
  GtkWidget *progress_bar;
  gboolean   bar_shows_download;
  GtkWidget *play_button;
  GtkWidget *star_button;
  gboolean   favourite;     /* what the star shows */
  GtkWidget *menu_button;
};

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

/* Shared with the details and the grid: one word for each status. */
const char *
sd_task_row_get_status_word (SdTaskStatus status)
{
  switch (status)
    {
    case SD_TASK_STATUS_QUEUED:
      return _("Queued");
    case SD_TASK_STATUS_PROCESSING:
      return _("Processing");
    case SD_TASK_STATUS_COMPLETED:
      return _("Completed");
    case SD_TASK_STATUS_FAILED:
      return _("Failed");
    case SD_TASK_STATUS_UNCERTAIN:
      return _("Uncertain: may have been created");
    case SD_TASK_STATUS_NOT_FOUND:
      return _("Unknown to the server");
    case SD_TASK_STATUS_WAITING:
      return _("Waiting to send");
    case SD_TASK_STATUS_UNKNOWN:
    default:
      return _("Unknown status");
    }
}

/* An unsaved video's link is worth a line once it has less than a day. */
#define SD_TASK_ROW_EXPIRY_SOON (24 * 3600)

/* Well over the two lines of 60 average characters the prompt label shows. */
#define PROMPT_SHOWN_CHARS 200

static char *
get_prompt_text (SdRequest *request)
{
  const char *prompt = request != NULL ? sd_request_get_prompt (request) : NULL;

  if (prompt == NULL || *prompt == '\0')
    return g_strdup (_("No prompt"));

  /* The label shows two lines of at most 60 characters, but pango shapes
   * the whole text to ellipsize it: it is given no more than would fit. */
  return g_strdelimit (sd_utf8_ellipsize (prompt, PROMPT_SHOWN_CHARS), "\n\r\t", ' ');
}

static char *
get_failure_text (const char *message)
{
  /* Shown with gtk_label_set_text semantics: the server's words, verbatim. */
  if (message == NULL || *message == '\0')
    return g_strdup (_("The service gave no reason."));

  return g_strdup (message);
}

/* How long a task has run, in words: "10 s", "2 min 10 s", "1 h 5 min". */
static char *
format_elapsed (gint64 seconds)
{
  seconds = MAX (seconds, 0);
  if (seconds >= 3600)
    /* Translators: how long a task has run, such as "1 h 5 min" */
    return g_strdup_printf (_("%d h %d min"), (int) (seconds / 3600), (int) (seconds / 60 % 60));
  if (seconds >= 60)
    /* Translators: how long a task has run, such as "2 min 10 s" */
    return g_strdup_printf (_("%d min %d s"), (int) (seconds / 60), (int) (seconds % 60));

  /* Translators: how long a task has run, such as "10 s" */
  return g_strdup_printf (_("%d s"), (int) seconds);
}

static char *
format_time (gint64 unix_time,
             gint64 now)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (unix_time);
  g_autoptr(GDateTime) today = g_date_time_new_from_unix_local (now);
  g_autofree char *clock = NULL;
  int days_ago;

  if (time == NULL || today == NULL)
    return g_strdup ("");

  clock = g_date_time_format (time, "%H:%M");
  days_ago = g_date_time_get_day_of_year (today) - g_date_time_get_day_of_year (time);
  if (g_date_time_get_year (today) == g_date_time_get_year (time) && days_ago == 0)
    /* Translators: a task's time, such as "Today 14:02" */
    return g_strdup_printf (_("Today %s"), clock);
  if (g_date_time_get_year (today) == g_date_time_get_year (time) && days_ago == 1)
    /* Translators: a task's time, such as "Yesterday 14:02" */
    return g_strdup_printf (_("Yesterday %s"), clock);

  /* Translators: a strftime format for a task's date and time, such as "3 Nov 14:02" */
  /* xgettext:no-c-format */
  return g_date_time_format (time, _("%e %b %H:%M"));
}

/* The clock time alone today, else the day too. */
static char *
format_submitted (gint64 created_at,
                  gint64 now)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (created_at);
  g_autoptr(GDateTime) today = g_date_time_new_from_unix_local (now);

  if (time != NULL && today != NULL &&
      g_date_time_get_year (time) == g_date_time_get_year (today) &&
      g_date_time_get_day_of_year (time) == g_date_time_get_day_of_year (today))
    /* Translators: a strftime format for the time a task was sent today, such as "21:33" */
    /* xgettext:no-c-format */
    return g_date_time_format (time, _("%H:%M"));

  return format_time (created_at, now);
}

static char *
get_meta_text (SdTaskStatus  status,
               int           progress,
               gint64        created_at,
               SdRequest    *request,
               const char   *model_name,
               gint64        now)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  const char *ratio = request != NULL ? sd_request_get_ratio (request) : NULL;
  int duration = request != NULL ? sd_request_get_duration (request) : 0;

  g_ptr_array_add (parts, g_strdup (sd_task_row_get_status_word (status)));
  if (status == SD_TASK_STATUS_QUEUED || status == SD_TASK_STATUS_PROCESSING)
    {
      g_autofree char *when = format_submitted (created_at, now);

      if (progress >= 0)
        /* Translators: the server's progress of a task, such as "42 %" */
        g_ptr_array_add (parts, g_strdup_printf (_("%d %%"), progress));
      /* Counted from submission, which the history keeps: not from start-up. */
      g_ptr_array_add (parts, format_elapsed (now - created_at));
      /* Translators: when a running task was sent, such as "submitted 21:33" */
      g_ptr_array_add (parts, g_strdup_printf (_("submitted %s"), when));
    }
  else
    g_ptr_array_add (parts, format_time (created_at, now));

  if (model_name != NULL && *model_name != '\0')
    g_ptr_array_add (parts, g_strdup (model_name));
  if (ratio != NULL && *ratio != '\0')
    g_ptr_array_add (parts, g_strdup (ratio));
  if (duration > 0)
    /* Translators: a video's duration in seconds, such as "5 s" */
    g_ptr_array_add (parts, g_strdup_printf (_("%d s"), duration));

  g_ptr_array_add (parts, NULL);
  return g_strjoinv (" · ", (char **) parts->pdata);
}

static char *
format_expiry (gint64 remaining)
{
  gint64 days = remaining / (24 * 3600);
  gint64 hours = remaining / 3600;
  gint64 minutes = MAX (remaining / 60, 1);

  if (days >= 1)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Link expires in %d day",
                                         "Link expires in %d days", days), (int) days);
  if (hours >= 1)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Link expires in %d hour",
                                         "Link expires in %d hours", hours), (int) hours);

  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Link expires in %d minute",
                                       "Link expires in %d minutes", minutes), (int) minutes);
}

/* A saved copy needs nothing: where it is, is in the details. */
static char *
get_attention_text (const char      *local_file,
                    gint64           expires_at,
                    SdDownloadState  state,
                    const char      *download_error,
                    gint64           now)
{
  g_autofree char *expiry = NULL;

  if (local_file != NULL)
    return g_strdup ("");
  if (state == SD_DOWNLOAD_STATE_RUNNING)
    return g_strdup (_("Saving…"));
  if (state == SD_DOWNLOAD_STATE_QUEUED)
    return g_strdup (_("Waiting to save…"));
  if (expires_at <= 0)
    return g_strdup ("");
  if (now >= expires_at || state == SD_DOWNLOAD_STATE_EXPIRED)
    return g_strdup (_("Link expired"));

  expiry = format_expiry (expires_at - now);
  if (state == SD_DOWNLOAD_STATE_FAILED && download_error != NULL)
    /* Translators: the first %s is why saving failed, the second "Link expires in 2 days" */
    return g_strdup_printf (_("Could not save: %s · %s"), download_error, expiry);
  if (expires_at - now > SD_TASK_ROW_EXPIRY_SOON)
    return g_strdup ("");

  return g_steal_pointer (&expiry);
}

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

  prompt = get_prompt_text (sd_task_get_request (self->task));
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

  gtk_widget_set_visible (self->status_spinner, processing);
  gtk_spinner_set_spinning (GTK_SPINNER (self->status_spinner), processing);
  gtk_widget_set_visible (GTK_WIDGET (self->status_image),
                          !processing && !gtk_widget_get_visible (self->poster_frame));
  gtk_image_set_from_icon_name (self->status_image, icon);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->status_image), tooltip);
  gtk_widget_set_css_classes (GTK_WIDGET (self->status_image), (const char *[]) { style, NULL });

  gtk_widget_set_visible (self->play_button, status == SD_TASK_STATUS_COMPLETED);
}

static void
update_meta_label (SdTaskRow *self)
{
  g_autofree char *meta = NULL;

  if (self->task == NULL)
    return;

  meta = get_meta_text (sd_task_get_status (self->task),
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

  text = get_attention_text (sd_task_get_local_file (self->task),
                             sd_task_get_expires_at (self->task),
                             sd_task_get_download_state (self->task),
                             sd_task_get_download_error (self->task),
                             self->now);
  gtk_label_set_text (self->attention_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->attention_label), *text != '\0');
}

/* The star says what a click does, as the menu's check item does. */
static void
update_favourite (SdTaskRow *self)
{
  gboolean favourite = self->task != NULL && sd_task_get_favourite (self->task);
  const char *name = favourite ? _("Remove from Favourites") : _("Favourite");

  gtk_button_set_icon_name (GTK_BUTTON (self->star_button),
                            favourite ? "starred-symbolic" : "non-starred-symbolic");
  gtk_widget_set_tooltip_text (self->star_button, name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->star_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  if (favourite == self->favourite)
    return;
  self->favourite = favourite;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FAVOURITE]);
}

static void
update_failure_label (SdTaskRow *self)
{
  SdTaskStatus status = sd_task_get_status (self->task);
  /* An uncertain or lost task says why, like a failed one. */
  gboolean failed = status == SD_TASK_STATUS_FAILED || status == SD_TASK_STATUS_UNCERTAIN ||
                    status == SD_TASK_STATUS_NOT_FOUND;

  gtk_widget_set_visible (GTK_WIDGET (self->failure_label), failed);
  if (failed)
    {
      g_autofree char *text = get_failure_text (sd_task_get_failure_message (self->task));

      gtk_label_set_text (self->failure_label, text);
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

  gtk_widget_set_visible (self->progress_bar, shown);
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
static void
update_prompt_label (SdTaskRow *self)
{
  g_autofree char *prompt = get_prompt_text (sd_task_get_request (self->task));
  g_autofree char *short_prompt = sd_utf8_ellipsize (prompt, 40);
  g_autofree char *play = NULL;
  g_autofree char *more = NULL;
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

  /* Translators: a button's name for a screen reader; %s is the video's prompt */
  play = g_strdup_printf (_("Play “%s”"), short_prompt);
  /* Translators: a menu button's name for a screen reader; %s is the video's prompt */
  more = g_strdup_printf (_("More actions for “%s”"), short_prompt);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->play_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, play, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->menu_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, more, -1);
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
    gtk_picture_set_paintable (self->poster, GDK_PAINTABLE (texture));
  else
    {
      gtk_widget_set_visible (self->poster_frame, FALSE);
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
  gtk_picture_set_paintable (self->poster, GDK_PAINTABLE (texture));
  gtk_widget_set_visible (self->poster_frame, self->poster_path != NULL);
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
  gtk_widget_dispose_template (GTK_WIDGET (self), SD_TYPE_TASK_ROW);
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

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/seedancestudio/SeedanceStudio/gui/sd-task-row.ui");
  gtk_widget_class_bind_template_child (widget_class, SdTaskRow, poster_frame);
  gtk_widget_class_bind_template_child (widget_class, SdTaskRow, poster);
  gtk_widget_class_bind_template_child (widget_class, SdTaskRow, status_image);
  gtk_widget_class_bind_template_child (widget_class, SdTaskRow, status_spinner);
  gtk_widget_class_bind_template_child (widget_class, SdTaskRow, prompt_label);
  gtk_widget_class_bind_template_child (widget_class, SdTaskRow, meta_label);
  gtk_widget_class_bind_template_child (widget_class, SdTaskRow, failure_label);
  gtk_widget_class_bind_template_child (widget_class, SdTaskRow, attention_label);
  gtk_widget_class_bind_template_child (widget_class, SdTaskRow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, SdTaskRow, play_button);
  gtk_widget_class_bind_template_child (widget_class, SdTaskRow, star_button);
  gtk_widget_class_bind_template_child (widget_class, SdTaskRow, menu_button);

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

  gtk_widget_init_template (GTK_WIDGET (self));
  self->bar_shows_download = TRUE; /* the template's name for the bar */
  gtk_menu_button_set_create_popup_func (GTK_MENU_BUTTON (self->menu_button),
                                         create_menu_popup_cb, NULL, NULL);
  /* The menu button's own button, which the template cannot reach. */
  gtk_widget_set_focusable (gtk_widget_get_first_child (self->menu_button), FALSE);
  gtk_widget_set_focus_on_click (gtk_widget_get_first_child (self->menu_button), FALSE);
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

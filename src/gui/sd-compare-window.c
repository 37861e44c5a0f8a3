/* sd-compare-window.c: takes side by side, played together
 *
 * One GtkMediaStream (the first take's) is the clock: playing, pausing
 * and seeking it does the same to the others, and a follower that drifts
 * more than SD_COMPARE_MAX_DRIFT_USEC from it is sought back.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-compare"

#include "config.h"

#include <glib/gi18n.h>

#include "sd-compare-window.h"
#include "sd-request.h"
#include "sd-thumbnail-cache.h"

#define STEP_USEC (5 * G_USEC_PER_SEC)

struct _SdCompareWindow
{
  AdwWindow      parent_instance;

  GPtrArray     *tasks;    /* SdTask */
  GPtrArray     *streams;  /* GtkMediaStream, [0] the leader */
  GtkWidget     *play_button;
  GPtrArray     *stacks;   /* GtkStack of each take: "poster", then "video" */
  GCancellable  *cancellable;
  GtkAdjustment *position;
  gboolean       updating_position;
};

G_DEFINE_FINAL_TYPE (SdCompareWindow, sd_compare_window, ADW_TYPE_WINDOW)

GtkMediaStream *
sd_compare_window_get_leader (SdCompareWindow *self)
{
  g_return_val_if_fail (SD_IS_COMPARE_WINDOW (self), NULL);
  return g_ptr_array_index (self->streams, 0);
}

static void
follow (SdCompareWindow *self)
{
  GtkMediaStream *leader = sd_compare_window_get_leader (self);
  gint64 now = gtk_media_stream_get_timestamp (leader);

  for (guint i = 1; i < self->streams->len; i++)
    {
      GtkMediaStream *follower = g_ptr_array_index (self->streams, i);
      gint64 drift = gtk_media_stream_get_timestamp (follower) - now;

      if (gtk_media_stream_get_playing (follower) != gtk_media_stream_get_playing (leader))
        gtk_media_stream_set_playing (follower, gtk_media_stream_get_playing (leader));
      if (ABS (drift) > SD_COMPARE_MAX_DRIFT_USEC && !gtk_media_stream_is_seeking (follower) &&
          gtk_media_stream_is_seekable (follower))
        {
          g_debug ("Take %u drifted %" G_GINT64_FORMAT " µs: seeking it", i, drift);
          gtk_media_stream_seek (follower, now);
        }
    }
}

static void
on_leader_notify_cb (SdCompareWindow *self,
                     GParamSpec      *pspec,
                     GtkMediaStream  *leader)
{
  if (g_str_equal (pspec->name, "playing"))
    gtk_button_set_icon_name (GTK_BUTTON (self->play_button),
                              gtk_media_stream_get_playing (leader)
                              ? "media-playback-pause-symbolic" : "media-playback-start-symbolic");
  if (g_str_equal (pspec->name, "duration"))
    gtk_adjustment_set_upper (self->position, MAX (gtk_media_stream_get_duration (leader), 0));
  /* A paused stream shows nothing before its first play: the takes show
   * their poster frames until then. */
  if (self->stacks != NULL &&
      (gtk_media_stream_get_playing (leader) || gtk_media_stream_get_timestamp (leader) > 0))
    for (guint i = 0; i < self->stacks->len; i++)
      gtk_stack_set_visible_child_name (g_ptr_array_index (self->stacks, i), "video");
  if (g_str_equal (pspec->name, "timestamp"))
    {
      self->updating_position = TRUE;
      gtk_adjustment_set_value (self->position, gtk_media_stream_get_timestamp (leader));
      self->updating_position = FALSE;
    }
  follow (self);
}

void
sd_compare_window_seek (SdCompareWindow *self,
                        gint64           timestamp)
{
  GtkMediaStream *leader;
  gint64 duration;

  g_return_if_fail (SD_IS_COMPARE_WINDOW (self));

  leader = sd_compare_window_get_leader (self);
  duration = gtk_media_stream_get_duration (leader);
  timestamp = MAX (timestamp, 0);
  if (duration > 0)
    timestamp = MIN (timestamp, duration);
  for (guint i = 0; i < self->streams->len; i++)
    if (gtk_media_stream_is_seekable (g_ptr_array_index (self->streams, i)))
      gtk_media_stream_seek (g_ptr_array_index (self->streams, i), timestamp);
}

static void
on_position_changed_cb (SdCompareWindow *self)
{
  if (!self->updating_position)
    sd_compare_window_seek (self, (gint64) gtk_adjustment_get_value (self->position));
}

static void
toggle_playing (SdCompareWindow *self)
{
  GtkMediaStream *leader = sd_compare_window_get_leader (self);

  gtk_media_stream_set_playing (leader, !gtk_media_stream_get_playing (leader));
}

static void
play_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  toggle_playing (SD_COMPARE_WINDOW (widget));
}

static void
seek_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SdCompareWindow *self = SD_COMPARE_WINDOW (widget);
  gint64 now = gtk_media_stream_get_timestamp (sd_compare_window_get_leader (self));

  sd_compare_window_seek (self, now + (g_variant_get_int32 (parameter) < 0 ? -STEP_USEC : STEP_USEC));
}

static void
on_keep_clicked_cb (GtkButton *button,
                    SdTask    *task)
{
  sd_task_set_favourite (task, TRUE);
  gtk_button_set_label (button, _("Kept"));
  gtk_widget_set_sensitive (GTK_WIDGET (button), FALSE);
}

/* TRUE when @get gives different text for any two takes. */
static gboolean
field_differs (GPtrArray   *tasks,
               const char *(*get) (SdRequest *request))
{
  const char *first = get (sd_task_get_request (g_ptr_array_index (tasks, 0)));

  for (guint i = 1; i < tasks->len; i++)
    if (g_strcmp0 (first, get (sd_task_get_request (g_ptr_array_index (tasks, i)))) != 0)
      return TRUE;
  return FALSE;
}

static gboolean
duration_differs (GPtrArray *tasks)
{
  int first = sd_request_get_duration (sd_task_get_request (g_ptr_array_index (tasks, 0)));

  for (guint i = 1; i < tasks->len; i++)
    if (sd_request_get_duration (sd_task_get_request (g_ptr_array_index (tasks, i))) != first)
      return TRUE;
  return FALSE;
}

/* What sets this take apart: the fields that differ among the takes. */
static char *
describe_take (GPtrArray *tasks,
               SdTask    *task)
{
  SdRequest *request = sd_task_get_request (task);
  g_autoptr(GString) text = g_string_new (NULL);
  const char *model = sd_request_get_model (request);
  const char *prompt = sd_request_get_prompt (request);

  g_string_append (text, model != NULL ? model : "");
  if (duration_differs (tasks))
    /* Translators: a take's length in the compare window, e.g. "· 5 s" */
    g_string_append_printf (text, _(" · %d s"), sd_request_get_duration (request));
  if (field_differs (tasks, sd_request_get_prompt))
    g_string_append_printf (text, "\n%s", prompt != NULL ? prompt : "");
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
on_poster_ready_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GtkPicture) poster = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = sd_thumbnail_cache_ensure_finish (result, &error);

  if (path != NULL)
    gtk_picture_set_filename (poster, path);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("No poster frame for a take: %s", error->message);
}

static GtkWidget *
build_take (SdCompareWindow *self,
            guint            index)
{
  SdTask *task = g_ptr_array_index (self->tasks, index);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *picture = gtk_picture_new_for_paintable (g_ptr_array_index (self->streams, index));
  GtkWidget *stack = gtk_stack_new ();
  GtkWidget *poster = NULL;
  g_autofree char *text = describe_take (self->tasks, task);
  GtkWidget *label = gtk_label_new (text);
  GtkWidget *keep = gtk_button_new_with_mnemonic (_("_Keep"));

  gtk_widget_set_hexpand (picture, TRUE);
  gtk_widget_set_vexpand (picture, TRUE);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_use_markup (GTK_LABEL (label), FALSE);
  gtk_widget_set_halign (keep, GTK_ALIGN_START);
  if (sd_task_get_favourite (task))
    on_keep_clicked_cb (GTK_BUTTON (keep), task);
  g_signal_connect_object (keep, "clicked", G_CALLBACK (on_keep_clicked_cb), task, 0);
  if (sd_task_get_local_file (task) != NULL)
    {
      g_autoptr(GFile) file = g_file_new_for_path (sd_task_get_local_file (task));

      poster = gtk_picture_new ();
      gtk_widget_set_hexpand (poster, TRUE);
      gtk_widget_set_vexpand (poster, TRUE);
      gtk_stack_add_named (GTK_STACK (stack), poster, "poster");
      /* made off the main thread if Files has not made it yet */
      sd_thumbnail_cache_ensure_async (file, SD_THUMBNAIL_SIZE_LARGE, self->cancellable,
                                       on_poster_ready_cb, g_object_ref (poster));
    }
  gtk_stack_add_named (GTK_STACK (stack), picture, "video");
  g_ptr_array_add (self->stacks, stack);
  gtk_box_append (GTK_BOX (box), stack);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), keep);
  return box;
}

static void
build (SdCompareWindow *self)
{
  GtkWidget *toolbar = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *grid = gtk_grid_new ();
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *controls = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *scale;
  GtkMediaStream *leader = sd_compare_window_get_leader (self);
  guint columns = self->tasks->len <= 2 ? self->tasks->len : 2;

  self->stacks = g_ptr_array_new ();
  self->cancellable = g_cancellable_new ();

  gtk_grid_set_row_spacing (GTK_GRID (grid), 12);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  gtk_widget_set_margin_start (grid, 12);
  gtk_widget_set_margin_end (grid, 12);
  gtk_widget_set_margin_top (grid, 12);
  for (guint i = 0; i < self->tasks->len; i++)
    gtk_grid_attach (GTK_GRID (grid), build_take (self, i), i % columns, i / columns, 1, 1);

  self->play_button = gtk_button_new_from_icon_name ("media-playback-start-symbolic");
  gtk_widget_set_tooltip_text (self->play_button, _("Play or Pause All"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->play_button), "compare.play");
  self->position = gtk_adjustment_new (0, 0, MAX (gtk_media_stream_get_duration (leader), 0),
                                       G_USEC_PER_SEC, STEP_USEC, 0);
  scale = gtk_scale_new (GTK_ORIENTATION_HORIZONTAL, self->position);
  gtk_scale_set_draw_value (GTK_SCALE (scale), FALSE);
  gtk_widget_set_hexpand (scale, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (scale), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Position of all takes"), -1);
  g_signal_connect_object (self->position, "value-changed",
                           G_CALLBACK (on_position_changed_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_set_margin_start (controls, 12);
  gtk_widget_set_margin_end (controls, 12);
  gtk_widget_set_margin_bottom (controls, 12);
  gtk_box_append (GTK_BOX (controls), self->play_button);
  gtk_box_append (GTK_BOX (controls), scale);

  gtk_box_append (GTK_BOX (toolbar), adw_header_bar_new ());
  /* The takes scroll rather than set the window's least height (a 3-4
   * grid of wrapped labels is taller than a small screen). */
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scroller), TRUE);
  gtk_widget_set_vexpand (scroller, TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), grid);
  gtk_box_append (GTK_BOX (toolbar), scroller);
  gtk_box_append (GTK_BOX (toolbar), controls);
  adw_window_set_content (ADW_WINDOW (self), toolbar);
  gtk_window_set_title (GTK_WINDOW (self), _("Compare Takes"));
  gtk_window_set_default_size (GTK_WINDOW (self), 1000, self->tasks->len > 2 ? 760 : 480);

  g_signal_connect_object (leader, "notify", G_CALLBACK (on_leader_notify_cb), self, G_CONNECT_SWAPPED);
}

static void
sd_compare_window_dispose (GObject *object)
{
  SdCompareWindow *self = SD_COMPARE_WINDOW (object);

  /* The handlers go first: the streams and the adjustment outlive this
   * function (the pictures and the scale hold them until the chain-up
   * below), and a media file notifies as it closes, which would find the
   * takes gone. */
  if (self->streams != NULL)
    g_signal_handlers_disconnect_by_data (sd_compare_window_get_leader (self), self);
  if (self->position != NULL)
    g_signal_handlers_disconnect_by_data (self->position, self);
  self->position = NULL;
  self->play_button = NULL;
  if (self->streams != NULL)
    for (guint i = 0; i < self->streams->len; i++)
      gtk_media_stream_pause (g_ptr_array_index (self->streams, i));
  g_clear_pointer (&self->streams, g_ptr_array_unref);
  g_clear_pointer (&self->tasks, g_ptr_array_unref);
  g_clear_pointer (&self->stacks, g_ptr_array_unref);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (sd_compare_window_parent_class)->dispose (object);
}

static void
sd_compare_window_class_init (SdCompareWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sd_compare_window_dispose;

  gtk_widget_class_install_action (widget_class, "compare.play", NULL, play_action);
  gtk_widget_class_install_action (widget_class, "compare.seek", "i", seek_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_space, 0, "compare.play", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, 0, "compare.seek", "i", -1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, 0, "compare.seek", "i", 1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
sd_compare_window_init (SdCompareWindow *self)
{
}

GtkWidget *
sd_compare_window_new_with_streams (GPtrArray *tasks,
                                    GPtrArray *streams)
{
  SdCompareWindow *self;

  g_return_val_if_fail (tasks != NULL && streams != NULL, NULL);
  g_return_val_if_fail (tasks->len == streams->len, NULL);
  g_return_val_if_fail (tasks->len >= SD_COMPARE_MIN_TAKES && tasks->len <= SD_COMPARE_MAX_TAKES, NULL);

  self = g_object_new (SD_TYPE_COMPARE_WINDOW, NULL);
  self->tasks = g_ptr_array_ref (tasks);
  self->streams = g_ptr_array_ref (streams);
  build (self);
  return GTK_WIDGET (self);
}

GtkWidget *
sd_compare_window_new (GPtrArray *tasks)
{
  g_autoptr(GPtrArray) streams = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_val_if_fail (tasks != NULL, NULL);

  for (guint i = 0; i < tasks->len; i++)
    {
      GtkMediaStream *stream = gtk_media_file_new_for_filename (
        sd_task_get_local_file (g_ptr_array_index (tasks, i)));

      /* one sound at a time: the leader's */
      if (i > 0)
        gtk_media_stream_set_muted (stream, TRUE);
      g_ptr_array_add (streams, stream);
    }
  return sd_compare_window_new_with_streams (tasks, streams);
}

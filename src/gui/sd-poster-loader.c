/* sd-poster-loader.c: poster frames of saved videos for the result rows
 *
 * A list view binds far more rows than it shows (GTK 4.8 keeps up to 200),
 * so a bound row only queues its request: a request starts when its row is
 * seen in the scroller, two at a time, in worker threads (GStreamer decodes
 * in its own, and the PNG is read off the main thread too).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-poster-loader"

#include "config.h"

#include "sd-poster-loader.h"
#include "sd-thumbnail-cache.h"

#define CACHE_SIZE 128

struct _SdPosterLoader
{
  GObject            parent_instance;

  GQueue             pending;   /* GTask, oldest first */
  guint              n_running;
  guint              pump_source;
  GHashTable        *textures;  /* path → GdkTexture */
  GQueue             order;     /* paths in @textures, oldest first (owned there) */
  GtkScrolledWindow *scroller;  /* weak */
  GtkAdjustment     *vadjustment;
  GdkFrameClock     *frame_clock;
  gulong             paint_handler;
};

G_DEFINE_FINAL_TYPE (SdPosterLoader, sd_poster_loader, G_TYPE_OBJECT)

typedef struct {
  char      *path;
  GtkWidget *widget;  /* weak */
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_clear_weak_pointer (&data->widget);
  g_free (data->path);
  g_free (data);
}

static gboolean
widget_is_seen (SdPosterLoader *self,
                GtkWidget      *widget)
{
  graphene_rect_t bounds;
  GtkWidget *scroller = GTK_WIDGET (self->scroller);

  if (widget == NULL || !gtk_widget_get_mapped (widget))
    return FALSE;
  if (scroller == NULL)
    return TRUE;
  if (!gtk_widget_compute_bounds (widget, scroller, &bounds))
    return FALSE;

  return bounds.size.height > 0 && bounds.origin.y + bounds.size.height > 0 &&
         bounds.origin.y < gtk_widget_get_height (scroller);
}

static void
remember_texture (SdPosterLoader *self,
                  const char     *path,
                  GdkTexture     *texture)
{
  char *key;

  if (g_hash_table_contains (self->textures, path))
    return;
  key = g_strdup (path);
  g_hash_table_insert (self->textures, key, g_object_ref (texture));
  g_queue_push_tail (&self->order, key);
  if (self->order.length > CACHE_SIZE)
    g_hash_table_remove (self->textures, g_queue_pop_head (&self->order));
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  const char *path = task_data;
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *thumbnail = NULL;
  GdkTexture *texture = NULL;
  GError *error = NULL;

  thumbnail = sd_thumbnail_cache_ensure (file, SD_THUMBNAIL_SIZE_NORMAL, cancellable, &error);
  if (thumbnail != NULL)
    texture = gdk_texture_new_from_filename (thumbnail, &error);

  if (texture != NULL)
    g_task_return_pointer (task, texture, g_object_unref);
  else
    g_task_return_error (task, error);
}

static void schedule_pump (SdPosterLoader *self);

static void
on_loaded_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) outer = user_data;
  SdPosterLoader *self = g_task_get_source_object (outer);
  LoadData *data = g_task_get_task_data (outer);
  GError *error = NULL;
  GdkTexture *texture = g_task_propagate_pointer (G_TASK (result), &error);

  self->n_running--;
  if (texture != NULL)
    {
      remember_texture (self, data->path, texture);
      g_task_return_pointer (outer, texture, g_object_unref);
    }
  else
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("No poster for %s: %s", data->path, error->message);
      g_task_return_error (outer, error);
    }
  schedule_pump (self);
}

/* The worker thread may drop the last reference to the inner task, after
 * its callback has run: the inner task holds nothing but a path, so that
 * the loader (and with it the textures, the frame clock and the
 * adjustment it follows) is only ever released on the main thread, where
 * @outer, whose source object it is, ends. */
static void
start_load (SdPosterLoader *self,
            GTask          *outer)
{
  LoadData *data = g_task_get_task_data (outer);
  g_autoptr(GTask) inner = g_task_new (NULL, g_task_get_cancellable (outer), on_loaded_cb, outer);

  g_debug ("Loading the poster of %s", data->path);
  self->n_running++;
  g_task_set_task_data (inner, g_strdup (data->path), g_free);
  g_task_run_in_thread (inner, load_thread);
}

/* Cancelled requests leave the queue at once; others wait until their row
 * is seen, then start while there is room. */
static void
pump (SdPosterLoader *self)
{
  GList *link = self->pending.head;

  while (link != NULL)
    {
      GList *next = link->next;
      GTask *outer = link->data;
      LoadData *data = g_task_get_task_data (outer);

      if (g_task_return_error_if_cancelled (outer) || data->widget == NULL)
        {
          if (!g_task_had_error (outer))
            g_task_return_new_error (outer, G_IO_ERROR, G_IO_ERROR_CANCELLED, "The row is gone");
          g_queue_delete_link (&self->pending, link);
          g_object_unref (outer);
        }
      else if (self->n_running < SD_POSTER_LOADER_MAX_RUNNING && widget_is_seen (self, data->widget))
        {
          g_queue_delete_link (&self->pending, link);
          start_load (self, outer);
        }
      link = next;
    }
}

static gboolean
on_pump_cb (gpointer user_data)
{
  SdPosterLoader *self = user_data;

  self->pump_source = 0;
  pump (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_pump_idle (SdPosterLoader *self)
{
  if (self->pump_source == 0)
    self->pump_source = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, on_pump_cb,
                                        g_object_ref (self), g_object_unref);
}

/* The clock drops its handlers itself when its window goes away. */
static void
clear_paint_handler (SdPosterLoader *self)
{
  if (self->paint_handler != 0 && g_signal_handler_is_connected (self->frame_clock, self->paint_handler))
    g_signal_handler_disconnect (self->frame_clock, self->paint_handler);
  self->paint_handler = 0;
  g_clear_object (&self->frame_clock);
}

static void
on_after_paint_cb (GdkFrameClock  *clock,
                   SdPosterLoader *self)
{
  clear_paint_handler (self);
  schedule_pump_idle (self);
}

/* Now, and after the next frame is painted: rows bound now have no
 * position until it is laid out. */
static void
schedule_pump (SdPosterLoader *self)
{
  GdkFrameClock *clock = self->scroller != NULL ? gtk_widget_get_frame_clock (GTK_WIDGET (self->scroller))
                                                : NULL;

  schedule_pump_idle (self);
  if (self->paint_handler != 0 && !g_signal_handler_is_connected (self->frame_clock, self->paint_handler))
    clear_paint_handler (self);
  if (clock == NULL || self->paint_handler != 0)
    return;
  self->frame_clock = g_object_ref (clock);
  self->paint_handler = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint_cb), self);
}

static void
on_view_moved_cb (SdPosterLoader *self)
{
  schedule_pump (self);
}

static void
sd_poster_loader_dispose (GObject *object)
{
  SdPosterLoader *self = SD_POSTER_LOADER (object);
  GTask *outer;

  g_clear_handle_id (&self->pump_source, g_source_remove);
  clear_paint_handler (self);
  while ((outer = g_queue_pop_head (&self->pending)) != NULL)
    {
      g_task_return_new_error (outer, G_IO_ERROR, G_IO_ERROR_CANCELLED, "The list is gone");
      g_object_unref (outer);
    }
  sd_poster_loader_set_scroller (self, NULL);
  g_queue_clear (&self->order);
  g_hash_table_remove_all (self->textures);

  G_OBJECT_CLASS (sd_poster_loader_parent_class)->dispose (object);
}

static void
sd_poster_loader_finalize (GObject *object)
{
  SdPosterLoader *self = SD_POSTER_LOADER (object);

  g_hash_table_unref (self->textures);

  G_OBJECT_CLASS (sd_poster_loader_parent_class)->finalize (object);
}

static void
sd_poster_loader_class_init (SdPosterLoaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sd_poster_loader_dispose;
  object_class->finalize = sd_poster_loader_finalize;
}

static void
sd_poster_loader_init (SdPosterLoader *self)
{
  g_queue_init (&self->pending);
  g_queue_init (&self->order);
  self->textures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
}

SdPosterLoader *
sd_poster_loader_new (void)
{
  return g_object_new (SD_TYPE_POSTER_LOADER, NULL);
}

void
sd_poster_loader_set_scroller (SdPosterLoader    *self,
                               GtkScrolledWindow *scroller)
{
  g_return_if_fail (SD_IS_POSTER_LOADER (self));
  g_return_if_fail (scroller == NULL || GTK_IS_SCROLLED_WINDOW (scroller));

  if (self->vadjustment != NULL)
    g_signal_handlers_disconnect_by_data (self->vadjustment, self);
  g_clear_object (&self->vadjustment);
  g_set_weak_pointer (&self->scroller, scroller);
  if (scroller == NULL)
    return;

  self->vadjustment = g_object_ref (gtk_scrolled_window_get_vadjustment (scroller));
  g_signal_connect_swapped (self->vadjustment, "value-changed", G_CALLBACK (on_view_moved_cb), self);
  g_signal_connect_swapped (self->vadjustment, "changed", G_CALLBACK (on_view_moved_cb), self);
}

GdkTexture *
sd_poster_loader_lookup (SdPosterLoader *self,
                         const char     *path)
{
  g_return_val_if_fail (SD_IS_POSTER_LOADER (self), NULL);
  g_return_val_if_fail (path != NULL, NULL);

  return g_hash_table_lookup (self->textures, path);
}

void
sd_poster_loader_load_async (SdPosterLoader      *self,
                             const char          *path,
                             GtkWidget           *widget,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task;
  LoadData *data;

  g_return_if_fail (SD_IS_POSTER_LOADER (self));
  g_return_if_fail (path != NULL);
  g_return_if_fail (GTK_IS_WIDGET (widget));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sd_poster_loader_load_async);
  data = g_new0 (LoadData, 1);
  data->path = g_strdup (path);
  g_set_weak_pointer (&data->widget, widget);
  g_task_set_task_data (task, data, (GDestroyNotify) load_data_free);

  g_queue_push_tail (&self->pending, task);
  schedule_pump (self);
}

GdkTexture *
sd_poster_loader_load_finish (SdPosterLoader  *self,
                              GAsyncResult    *result,
                              GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sd_poster_loader_load_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
sd_poster_loader_follow (SdPosterLoader       *self,
                         const char           *wanted,
                         GtkWidget            *widget,
                         char                **path,
                         GCancellable        **cancellable,
                         GdkTexture          **texture,
                         GAsyncReadyCallback   callback)
{
  g_return_val_if_fail (wanted == NULL || SD_IS_POSTER_LOADER (self), FALSE);
  g_return_val_if_fail (GTK_IS_WIDGET (widget), FALSE);
  g_return_val_if_fail (path != NULL && cancellable != NULL && texture != NULL, FALSE);

  if (g_strcmp0 (wanted, *path) == 0)
    return FALSE;

  g_cancellable_cancel (*cancellable);
  g_clear_object (cancellable);
  g_free (*path);
  *path = g_strdup (wanted);
  *texture = wanted != NULL ? sd_poster_loader_lookup (self, wanted) : NULL;
  if (wanted == NULL || *texture != NULL)
    return TRUE;

  *cancellable = g_cancellable_new ();
  sd_poster_loader_load_async (self, wanted, widget, *cancellable, callback, widget);
  return TRUE;
}

guint
sd_poster_loader_get_n_running (SdPosterLoader *self)
{
  g_return_val_if_fail (SD_IS_POSTER_LOADER (self), 0);

  return self->n_running;
}

/* sd-gui-util.c: small helpers the widgets share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-gui-util"

#include "config.h"

#include "sd-gui-util.h"

void
sd_gui_label_add_line (GtkLabel   *label,
                       const char *line)
{
  g_return_if_fail (GTK_IS_LABEL (label));
  g_return_if_fail (line != NULL);

  if (gtk_widget_get_visible (GTK_WIDGET (label)))
    {
      g_autofree char *text = g_strconcat (gtk_label_get_text (label), "\n", line, NULL);

      gtk_label_set_text (label, text);
    }
  else
    {
      gtk_label_set_text (label, line);
      gtk_widget_set_visible (GTK_WIDGET (label), TRUE);
    }
}

gboolean
sd_gui_load_prices (SdPrices **prices)
{
  g_autofree char *path = sd_prices_default_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(SdPrices) loaded = NULL;

  g_return_val_if_fail (prices != NULL, FALSE);

  loaded = sd_prices_new_from_file (path, &error);
  if (loaded == NULL)
    {
      g_debug ("Keeping the last price table: %s", error->message);
      return FALSE;
    }
  g_set_object (prices, loaded);
  return TRUE;
}

typedef struct
{
  GWeakRef             object;
  SdGuiFileChangedFunc changed;
} WatchData;

static void
watch_data_free (gpointer  data,
                 GClosure *closure)
{
  WatchData *watch = data;

  g_weak_ref_clear (&watch->object);
  g_free (watch);
}

static void
on_watched_file_changed_cb (GFileMonitor      *monitor,
                            GFile             *file,
                            GFile             *other,
                            GFileMonitorEvent  event,
                            WatchData         *watch)
{
  g_autoptr(GObject) object = NULL;

  if (event != G_FILE_MONITOR_EVENT_CHANGES_DONE_HINT && event != G_FILE_MONITOR_EVENT_DELETED &&
      event != G_FILE_MONITOR_EVENT_CREATED && event != G_FILE_MONITOR_EVENT_RENAMED &&
      event != G_FILE_MONITOR_EVENT_MOVED_IN)
    return;
  object = g_weak_ref_get (&watch->object);
  if (object != NULL)
    watch->changed (object);
}

GFileMonitor *
sd_gui_watch_prices_file (SdGuiFileChangedFunc changed,
                          gpointer             object)
{
  g_autofree char *path = sd_prices_default_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  GFileMonitor *monitor;
  WatchData *watch;

  g_return_val_if_fail (changed != NULL, NULL);
  g_return_val_if_fail (G_IS_OBJECT (object), NULL);

  /* A file in a folder that does not exist yet is only looked for every few
   * seconds (GLib's inotify backend): with the folder there, a price table
   * written later shows at once. */
  g_mkdir_with_parents (dir, 0700);
  monitor = g_file_monitor_file (file, G_FILE_MONITOR_WATCH_MOVES, NULL, NULL);
  if (monitor == NULL)
    return NULL;
  watch = g_new0 (WatchData, 1);
  g_weak_ref_init (&watch->object, object);
  watch->changed = changed;
  g_signal_connect_data (monitor, "changed", G_CALLBACK (on_watched_file_changed_cb),
                         watch, watch_data_free, 0);
  return monitor;
}

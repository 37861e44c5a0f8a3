/* sd-window-days.c: the results grouped by day
 *
 * The first task of each day carries the day's name above it ("Today",
 * "Yesterday", a weekday within the week, then a date in the user's
 * locale). GTK 4.12's section headers would need a GtkSectionModel under
 * the list; the Debian 12 floor has GTK 4.8, so the header is a label in
 * the list item itself, above the row, decided at each bind and again
 * when the list changes (a new task above makes the old first one plain).
 * One way on both stacks.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-window"

#include "config.h"

#include <glib/gi18n.h>

#include "sd-task-row.h"
#include "sd-window-private.h"

struct _SdWindowDays
{
  GListModel *model;  /* what the list shows, not owned */
  GHashTable *bound;  /* the list items that show a task */
  guint       update_source;
  guint       midnight_source;
};

static void
get_local_date (gint64  unix_time,
                GDate  *date)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (unix_time);

  g_date_clear (date, 1);
  if (time != NULL)
    g_date_set_dmy (date, g_date_time_get_day_of_month (time),
                    g_date_time_get_month (time), g_date_time_get_year (time));
}

/* The header of the tasks created on the local day of @created_at, seen
 * from @now. A clock set back (a task "from the future") is today. */
char *
_sd_window_format_day (gint64     created_at,
                       GDateTime *now)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (created_at);
  GDate day, today;
  int days_ago;

  get_local_date (created_at, &day);
  get_local_date (g_date_time_to_unix (now), &today);
  if (time == NULL || !g_date_valid (&day) || !g_date_valid (&today))
    return g_strdup (_("Unknown Date"));

  days_ago = g_date_days_between (&day, &today);
  if (days_ago <= 0)
    return g_strdup (_("Today"));
  if (days_ago == 1)
    return g_strdup (_("Yesterday"));
  if (days_ago < 7)
    return g_date_time_format (time, "%A");
  return g_date_time_format (time, "%x");
}

static gboolean
same_local_day (gint64 a,
                gint64 b)
{
  GDate day_a, day_b;

  get_local_date (a, &day_a);
  get_local_date (b, &day_b);
  return g_date_valid (&day_a) && g_date_valid (&day_b) && g_date_compare (&day_a, &day_b) == 0;
}

/* The list item's child: the header above the row. */
GtkWidget *
_sd_window_days_wrap_row (GtkWidget *row)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (header), 0);
  gtk_widget_add_css_class (header, "day-header");
  gtk_widget_add_css_class (header, "heading");
  gtk_widget_set_visible (header, FALSE);
  gtk_box_append (GTK_BOX (box), header);
  gtk_box_append (GTK_BOX (box), row);
  return box;
}

GtkWidget *
_sd_window_days_get_row (GtkWidget *child)
{
  return gtk_widget_get_last_child (child);
}

static void
update_header (SdWindowDays *self,
               GtkListItem  *item,
               GDateTime    *now)
{
  GtkWidget *header = gtk_widget_get_first_child (gtk_list_item_get_child (item));
  SdTask *task = gtk_list_item_get_item (item);
  guint position = gtk_list_item_get_position (item);
  g_autoptr(SdTask) above = NULL;
  g_autofree char *text = NULL;

  if (task == NULL || position == GTK_INVALID_LIST_POSITION)
    {
      gtk_widget_set_visible (header, FALSE);
      return;
    }
  if (position > 0)
    above = g_list_model_get_item (self->model, position - 1);
  if (above != NULL &&
      same_local_day (sd_task_get_created_at (above), sd_task_get_created_at (task)))
    {
      gtk_widget_set_visible (header, FALSE);
      return;
    }
  text = _sd_window_format_day (sd_task_get_created_at (task), now);
  gtk_label_set_text (GTK_LABEL (header), text);
  gtk_widget_set_visible (header, TRUE);
}

void
_sd_window_days_bind (SdWindowDays *self,
                      GtkListItem  *item)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  g_hash_table_add (self->bound, item);
  update_header (self, item, now);
}

void
_sd_window_days_unbind (SdWindowDays *self,
                        GtkListItem  *item)
{
  g_hash_table_remove (self->bound, item);
}

static gboolean
update_all_cb (gpointer user_data)
{
  SdWindowDays *self = user_data;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  GHashTableIter iter;
  gpointer item;

  self->update_source = 0;
  g_hash_table_iter_init (&iter, self->bound);
  while (g_hash_table_iter_next (&iter, &item, NULL))
    update_header (self, item, now);
  return G_SOURCE_REMOVE;
}

static void
schedule_update (SdWindowDays *self)
{
  if (self->update_source == 0)
    self->update_source = g_idle_add (update_all_cb, self);
}

static void schedule_midnight (SdWindowDays *self);

/* Today becomes Yesterday at midnight, with the window open. */
static gboolean
on_midnight_cb (gpointer user_data)
{
  SdWindowDays *self = user_data;

  self->midnight_source = 0;
  g_debug ("A new day: the day headers are named again");
  schedule_update (self);
  schedule_midnight (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_midnight (SdWindowDays *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) today = g_date_time_new_local (g_date_time_get_year (now),
                                                      g_date_time_get_month (now),
                                                      g_date_time_get_day_of_month (now),
                                                      0, 0, 0);
  g_autoptr(GDateTime) tomorrow = today != NULL ? g_date_time_add_days (today, 1) : NULL;
  GTimeSpan until = tomorrow != NULL ? g_date_time_difference (tomorrow, now) : G_TIME_SPAN_DAY;

  /* a second late rather than a moment early */
  self->midnight_source = g_timeout_add_seconds ((guint) (until / G_USEC_PER_SEC) + 1,
                                                 on_midnight_cb, self);
}

/* A row keeps its binding when a task comes or goes above it: the rows on
 * screen look at their neighbour again once the list has settled. */
static void
on_items_changed_cb (GListModel   *model,
                     guint         position,
                     guint         removed,
                     guint         added,
                     SdWindowDays *self)
{
  schedule_update (self);
}

SdWindowDays *
_sd_window_days_new (GListModel *model)
{
  SdWindowDays *self = g_new0 (SdWindowDays, 1);

  self->model = model;
  self->bound = g_hash_table_new (NULL, NULL);
  g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed_cb), self);
  schedule_midnight (self);
  return self;
}

void
_sd_window_days_free (SdWindowDays *self)
{
  if (self == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->model, self);
  g_clear_handle_id (&self->update_source, g_source_remove);
  g_clear_handle_id (&self->midnight_source, g_source_remove);
  g_hash_table_unref (self->bound);
  g_free (self);
}

/* sd-window-grid.c: the results as a grid of poster frames
 *
 * The "grid.show" toggle (the Grid View button) puts a GtkGridView in the
 * results scroller in place of the list: the same selection model, so the
 * same tasks, the same selection and the same details; the same poster
 * loader and the same scroller, so posters load as they come into view
 * and the next page of the history as the end nears. Activating a tile
 * plays it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-window"

#include "config.h"

#include <glib/gi18n.h>

#include "sd-task-tile.h"
#include "sd-window-private.h"

struct _SdWindowGrid
{
  SdWindow           *window;     /* owns this */
  GtkScrolledWindow  *scroller;
  GtkWidget          *list_view;  /* kept while the grid is shown */
  GtkWidget          *grid_view;  /* built when first shown */
  GtkSelectionModel  *selection;
  SdPosterLoader     *poster_loader;
  GSimpleActionGroup *actions;
};

static void
on_tile_setup_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *item,
                  SdWindowGrid             *self)
{
  gtk_list_item_set_child (item, sd_task_tile_new (self->poster_loader));
}

static void
on_tile_bind_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 SdWindowGrid             *self)
{
  GObject *task = gtk_list_item_get_item (item);

  /* whatever else the list may hold (a day's header) has no tile */
  sd_task_tile_set_task (SD_TASK_TILE (gtk_list_item_get_child (item)),
                         SD_IS_TASK (task) ? SD_TASK (task) : NULL);
  gtk_widget_set_visible (gtk_list_item_get_child (item), SD_IS_TASK (task));
}

static void
on_tile_unbind_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *item,
                   SdWindowGrid             *self)
{
  sd_task_tile_set_task (SD_TASK_TILE (gtk_list_item_get_child (item)), NULL);
}

static void
on_tile_activated_cb (GtkGridView  *grid_view,
                      guint         position,
                      SdWindowGrid *self)
{
  g_autoptr(GObject) task = g_list_model_get_item (G_LIST_MODEL (self->selection), position);

  if (SD_IS_TASK (task))
    gtk_widget_activate_action (GTK_WIDGET (grid_view), "win.play-task", "s",
                                sd_task_get_id (SD_TASK (task)));
}

static GtkWidget *
create_grid_view (SdWindowGrid *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkWidget *grid_view;

  g_signal_connect (factory, "setup", G_CALLBACK (on_tile_setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (on_tile_bind_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (on_tile_unbind_cb), self);
  grid_view = gtk_grid_view_new (g_object_ref (self->selection), factory);
  gtk_grid_view_set_max_columns (GTK_GRID_VIEW (grid_view), 12);
  gtk_widget_add_css_class (grid_view, "results-grid");
  gtk_accessible_update_property (GTK_ACCESSIBLE (grid_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Results"), -1);
  g_signal_connect (grid_view, "activate", G_CALLBACK (on_tile_activated_cb), self);
  return g_object_ref_sink (grid_view);
}

static void
show_grid (SdWindowGrid *self,
           gboolean      grid)
{
  g_debug ("Results as a %s", grid ? "grid" : "list");
  if (grid && self->grid_view == NULL)
    self->grid_view = create_grid_view (self);
  gtk_scrolled_window_set_child (self->scroller, grid ? self->grid_view : self->list_view);
}

static void
show_changed (GSimpleAction *action,
              GVariant      *value,
              gpointer       user_data)
{
  g_simple_action_set_state (action, value);
  show_grid (user_data, g_variant_get_boolean (value));
}

static const GActionEntry grid_actions[] = {
  { "show", NULL, NULL, "false", show_changed, { 0 } },
};

SdWindowGrid *
_sd_window_grid_new (SdWindow          *window,
                     GtkScrolledWindow *scroller,
                     GtkSelectionModel *selection,
                     SdPosterLoader    *poster_loader)
{
  SdWindowGrid *self = g_new0 (SdWindowGrid, 1);

  self->window = window;
  self->scroller = scroller;
  self->list_view = g_object_ref (gtk_scrolled_window_get_child (scroller));
  self->selection = g_object_ref (selection);
  self->poster_loader = g_object_ref (poster_loader);
  self->actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self->actions), grid_actions,
                                   G_N_ELEMENTS (grid_actions), self);
  gtk_widget_insert_action_group (GTK_WIDGET (window), "grid", G_ACTION_GROUP (self->actions));
  return self;
}

void
_sd_window_grid_free (SdWindowGrid *self)
{
  if (self == NULL)
    return;
  /* the template's list goes back where the template put it */
  if (gtk_scrolled_window_get_child (self->scroller) != self->list_view)
    gtk_scrolled_window_set_child (self->scroller, self->list_view);
  gtk_widget_insert_action_group (GTK_WIDGET (self->window), "grid", NULL);
  g_clear_object (&self->actions);
  g_clear_object (&self->grid_view);
  g_clear_object (&self->list_view);
  g_clear_object (&self->selection);
  g_clear_object (&self->poster_loader);
  g_free (self);
}

/* sd-window-details.c: the details of the selected task
 *
 * A wide window shows them in a pane beside the results, while a task is
 * selected and the "results.show-details" toggle (the Details button, F9,
 * Alt+Enter) is on; a folded one, in a dialog the toggle opens. The pane
 * and the dialog follow the selection. The toggle is off while nothing
 * shows (no task, or folded without the dialog) and can be pressed only
 * with one task selected.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-window"

#include "config.h"

#include <glib/gi18n.h>

#include "sd-task-details.h"
#include "sd-window-private.h"

struct _SdWindowDetails
{
  SdWindow           *window;     /* owns this */
  GtkSelectionModel  *selection;
  AdwLeaflet         *leaflet;
  GSimpleActionGroup *actions;
  GtkRevealer        *revealer;
  SdTaskDetails      *pane;       /* NULL until first shown */
  GtkWindow          *dialog;     /* weak: open while shown */
  SdTaskDetails      *dialog_details;
  gboolean            wanted;     /* the pane, when a task is selected */
};

/* The one selected task; none when several (or none) are. */
static SdTask *
get_selected_task (SdWindowDetails *self)
{
  g_autoptr(GtkBitset) selected = gtk_selection_model_get_selection (self->selection);
  g_autoptr(GObject) item = NULL;

  if (gtk_bitset_get_size (selected) != 1)
    return NULL;
  item = g_list_model_get_item (G_LIST_MODEL (self->selection), gtk_bitset_get_nth (selected, 0));
  return SD_IS_TASK (item) ? SD_TASK (g_steal_pointer (&item)) : NULL;
}

/* The toggle's state is whether the details show (the pane, or the
 * dialog when folded), never only the wish to see them: pressed with
 * nothing selected would claim a pane that is not there. */
static void
sync_action (SdWindowDetails *self,
             gboolean         task_selected,
             gboolean         shown)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self->actions), "show-details");
  g_autoptr(GVariant) state = g_action_get_state (action);

  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), task_selected);
  if (g_variant_get_boolean (state) != shown)
    g_simple_action_set_state (G_SIMPLE_ACTION (action), g_variant_new_boolean (shown));
}

/* Built when first shown: most starts never select a task. */
static void
ensure_pane (SdWindowDetails *self)
{
  if (self->pane != NULL)
    return;
  g_debug ("Details pane built");
  self->pane = SD_TASK_DETAILS (sd_task_details_new (sd_window_get_context (self->window)));
  gtk_widget_add_css_class (GTK_WIDGET (self->pane), "details-pane");
  gtk_revealer_set_child (self->revealer, GTK_WIDGET (self->pane));
}

static void
update (SdWindowDetails *self)
{
  g_autoptr(SdTask) task = get_selected_task (self);
  gboolean folded = adw_leaflet_get_folded (self->leaflet);
  gboolean shown = task != NULL && self->wanted && !folded;

  if (shown)
    {
      ensure_pane (self);
      sd_task_details_set_task (self->pane, task);
    }
  gtk_revealer_set_reveal_child (self->revealer, shown);
  if (self->dialog != NULL)
    sd_task_details_set_task (self->dialog_details, task);
  sync_action (self, task != NULL, shown || (folded && self->dialog != NULL &&
                                             gtk_widget_get_visible (GTK_WIDGET (self->dialog))));
}

static void
on_revealed_cb (SdWindowDetails *self)
{
  /* a hidden pane lets go of its task */
  if (self->pane != NULL && !gtk_revealer_get_child_revealed (self->revealer))
    sd_task_details_set_task (self->pane, NULL);
}

/* The dialog is another window: the pane's win.* actions reach the main
 * window through this group. */
static void
forward_action (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  SdWindowDetails *self = user_data;
  g_autofree char *name = g_strconcat ("win.", g_action_get_name (G_ACTION (action)), NULL);

  gtk_widget_activate_action_variant (GTK_WIDGET (self->window), name, parameter);
}

static const GActionEntry forwarded_actions[] = {
  { "copy-task-prompt", forward_action, "s", NULL, NULL, { 0 } },
  { "copy-task-id", forward_action, "s", NULL, NULL, { 0 } },
  { "copy-task-command", forward_action, "s", NULL, NULL, { 0 } },
  { "open-task", forward_action, "s", NULL, NULL, { 0 } },
  { "show-task-in-folder", forward_action, "s", NULL, NULL, { 0 } },
  { "select-task", forward_action, "s", NULL, NULL, { 0 } },
};

/* The group link filters the main window's results. */
static void
forward_history_action (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  SdWindowDetails *self = user_data;
  g_autofree char *name = g_strconcat ("history.", g_action_get_name (G_ACTION (action)), NULL);

  gtk_widget_activate_action_variant (GTK_WIDGET (self->window), name, parameter);
}

static const GActionEntry forwarded_history_actions[] = {
  { "group", forward_history_action, "s", NULL, NULL, { 0 } },
};

static GtkWindow *
create_dialog (SdWindowDetails *self)
{
  GtkWindow *dialog = GTK_WINDOW (gtk_window_new ());
  g_autoptr(GSimpleActionGroup) forwarded = g_simple_action_group_new ();
  g_autoptr(GSimpleActionGroup) history = g_simple_action_group_new ();
  GtkEventController *shortcuts = gtk_shortcut_controller_new ();

  gtk_window_set_title (dialog, _("Details"));
  gtk_window_set_modal (dialog, TRUE);
  gtk_window_set_transient_for (dialog, GTK_WINDOW (self->window));
  gtk_window_set_destroy_with_parent (dialog, TRUE);
  gtk_window_set_default_size (dialog, 420, 560);
  gtk_window_set_titlebar (dialog, adw_header_bar_new ());
  self->dialog_details = SD_TASK_DETAILS (sd_task_details_new (sd_window_get_context (self->window)));
  gtk_window_set_child (dialog, GTK_WIDGET (self->dialog_details));

  g_action_map_add_action_entries (G_ACTION_MAP (forwarded), forwarded_actions,
                                   G_N_ELEMENTS (forwarded_actions), self);
  gtk_widget_insert_action_group (GTK_WIDGET (dialog), "win", G_ACTION_GROUP (forwarded));
  g_action_map_add_action_entries (G_ACTION_MAP (history), forwarded_history_actions,
                                   G_N_ELEMENTS (forwarded_history_actions), self);
  gtk_widget_insert_action_group (GTK_WIDGET (dialog), "history", G_ACTION_GROUP (history));
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Escape, 0),
                                                          gtk_named_action_new ("window.close")));
  gtk_widget_add_controller (GTK_WIDGET (dialog), shortcuts);
  return dialog;
}

static void
on_dialog_visible_cb (SdWindowDetails *self)
{
  update (self);
}

/* Narrow: a dialog, as the pane has no room. */
static void
present_dialog (SdWindowDetails *self)
{
  g_autoptr(SdTask) task = get_selected_task (self);

  if (self->dialog == NULL)
    {
      self->dialog = create_dialog (self);
      g_object_add_weak_pointer (G_OBJECT (self->dialog), (gpointer *) &self->dialog);
      g_signal_connect_swapped (self->dialog, "notify::visible",
                                G_CALLBACK (on_dialog_visible_cb), self);
    }
  g_debug ("Details in a dialog");
  sd_task_details_set_task (self->dialog_details, task);
  gtk_window_present (self->dialog);
  update (self);
}


static void
show_details_activated (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  SdWindowDetails *self = user_data;

  if (adw_leaflet_get_folded (self->leaflet))
    present_dialog (self);
  else
    g_action_change_state (G_ACTION (action), g_variant_new_boolean (!self->wanted));
}

/* What the user asks for; update() sets the state that shows. */
static void
show_details_changed (GSimpleAction *action,
                      GVariant      *value,
                      gpointer       user_data)
{
  SdWindowDetails *self = user_data;

  self->wanted = g_variant_get_boolean (value);
  update (self);
}

static const GActionEntry details_actions[] = {
  { "show-details", show_details_activated, NULL, "false", show_details_changed, { 0 } },
};

static void
add_shortcuts (SdWindowDetails *self)
{
  GtkEventController *controller = gtk_shortcut_controller_new ();
  GtkShortcutTrigger *trigger =
    gtk_alternative_trigger_new (gtk_keyval_trigger_new (GDK_KEY_F9, 0),
                                 gtk_alternative_trigger_new (gtk_keyval_trigger_new (GDK_KEY_Return, GDK_ALT_MASK),
                                                              gtk_keyval_trigger_new (GDK_KEY_KP_Enter, GDK_ALT_MASK)));

  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                        gtk_shortcut_new (trigger, gtk_named_action_new ("results.show-details")));
  gtk_widget_add_controller (GTK_WIDGET (self->window), controller);
}

/* The pane goes beside whatever the toast overlay holds (the results and
 * their search bar): the toasts cover both. */
SdWindowDetails *
_sd_window_details_new (SdWindow          *window,
                        AdwToastOverlay   *overlay,
                        GtkSelectionModel *selection,
                        AdwLeaflet        *leaflet)
{
  SdWindowDetails *self = g_new0 (SdWindowDetails, 1);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *results = g_object_ref (adw_toast_overlay_get_child (overlay));

  self->window = window;
  self->selection = g_object_ref (selection);
  self->leaflet = leaflet;
  self->wanted = TRUE;
  self->actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self->actions), details_actions,
                                   G_N_ELEMENTS (details_actions), self);
  gtk_widget_insert_action_group (GTK_WIDGET (window), "results", G_ACTION_GROUP (self->actions));

  self->revealer = GTK_REVEALER (gtk_revealer_new ());
  gtk_revealer_set_transition_type (self->revealer, GTK_REVEALER_TRANSITION_TYPE_SLIDE_LEFT);
  g_signal_connect_swapped (self->revealer, "notify::child-revealed", G_CALLBACK (on_revealed_cb), self);

  adw_toast_overlay_set_child (overlay, NULL);
  gtk_widget_set_hexpand (results, TRUE);
  gtk_box_append (GTK_BOX (box), results);
  gtk_box_append (GTK_BOX (box), gtk_separator_new (GTK_ORIENTATION_VERTICAL));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->revealer));
  adw_toast_overlay_set_child (overlay, box);
  g_object_unref (results);
  g_object_bind_property (self->revealer, "child-revealed",
                          gtk_widget_get_prev_sibling (GTK_WIDGET (self->revealer)), "visible",
                          G_BINDING_SYNC_CREATE);

  g_signal_connect_swapped (selection, "selection-changed", G_CALLBACK (update), self);
  g_signal_connect_swapped (selection, "items-changed", G_CALLBACK (update), self);
  g_signal_connect_swapped (leaflet, "notify::folded", G_CALLBACK (update), self);
  add_shortcuts (self);
  update (self);
  return self;
}

/* win.show-task-details: the row's menu item, once the task is selected. */
void
_sd_window_details_show (SdWindowDetails *self)
{
  if (adw_leaflet_get_folded (self->leaflet))
    {
      present_dialog (self);
      return;
    }
  self->wanted = TRUE;
  update (self);
}

void
_sd_window_details_free (SdWindowDetails *self)
{
  if (self == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->selection, self);
  g_signal_handlers_disconnect_by_data (self->leaflet, self);
  g_signal_handlers_disconnect_by_data (self->revealer, self);
  if (self->dialog != NULL)
    {
      g_object_remove_weak_pointer (G_OBJECT (self->dialog), (gpointer *) &self->dialog);
      g_signal_handlers_disconnect_by_data (self->dialog, self);
      gtk_window_destroy (self->dialog);
    }
  gtk_widget_insert_action_group (GTK_WIDGET (self->window), "results", NULL);
  g_clear_object (&self->actions);
  g_clear_object (&self->selection);
  g_free (self);
}

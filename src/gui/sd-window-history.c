/* sd-window-history.c: finding tasks in the results (search and filters)
 *
 * While a search or a filter is active, the results list shows the
 * store's answer to the query instead of the service's tasks: pages read
 * from a reader connection off the main thread (sd_store_query_page_async),
 * newest first, the next page when the list is scrolled near its end. A
 * new query cancels the one running; GtkSearchEntry's "search-changed"
 * already waits for the typing to pause. The actions of the filter menu
 * are in the "history" group of the window.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-window"

#include "config.h"

#include <glib/gi18n.h>

#include "sd-a11y.h"
#include "sd-costs-bar.h"
#include "sd-service.h"
#include "sd-store-query.h"
#include "sd-window-private.h"

#define HISTORY_PAGE 50

struct _SdWindowHistory
{
  SdWindow          *window;     /* owns this */
  GSimpleActionGroup *actions;
  char              *text;
  char              *status;     /* a status filter name; "all" */
  char              *model;      /* a family id; NULL: any */
  SdTaskDateRange    date;
  gboolean           favourite;
  char              *group;      /* a group id; NULL: any */

  GListStore        *matches;
  SdStore           *reader;
  GCancellable      *cancellable;
  SdStoreCursor      cursor;
  gboolean           more;
  gboolean           loading;
  guint              generation;

  GtkSearchBar      *search_bar;
  GtkSearchEntry    *entry;
  GtkWidget         *filter_bar;
  GtkLabel          *filter_label;
  GtkStack          *results_stack;
  AdwStatusPage     *no_match_page; /* built when first needed */
};

static void ensure_no_match_page (SdWindowHistory *self);
static void update_filter_bar (SdWindowHistory *self);

static const struct {
  const char *name;
  const char *label;
} status_names[] = {
  { "all", N_("All") },
  { "running", N_("Running") },
  { "completed", N_("Completed") },
  { "failed", N_("Failed") },
  { "uncertain", N_("Uncertain") },
  { "waiting", N_("Waiting") },
};

static const struct {
  const char      *name;
  SdTaskDateRange  range;
  const char      *label;
} date_names[] = {
  { "any", SD_TASK_DATE_ANY, N_("Any Time") },
  { "today", SD_TASK_DATE_TODAY, N_("Today") },
  { "week", SD_TASK_DATE_LAST_7_DAYS, N_("Last 7 Days") },
  { "month", SD_TASK_DATE_THIS_MONTH, N_("This Month") },
};

static SdContext *
get_context (SdWindowHistory *self)
{
  return sd_window_get_context (self->window);
}

gboolean
_sd_window_history_is_active (SdWindowHistory *self)
{
  return (self->text != NULL && self->text[0] != '\0') ||
         g_strcmp0 (self->status, "all") != 0 || self->model != NULL ||
         self->date != SD_TASK_DATE_ANY || self->favourite || self->group != NULL;
}

GListModel *
_sd_window_history_get_matches (SdWindowHistory *self)
{
  return G_LIST_MODEL (self->matches);
}

SdTaskQuery *
_sd_window_history_build_query (SdWindowHistory *self)
{
  g_autoptr(SdTaskQuery) query = sd_task_query_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  query->text = g_strdup (self->text);
  sd_task_status_filter_from_name (self->status, &query->statuses);
  if (self->model != NULL)
    sd_task_query_set_model (query, sd_context_get_catalog (get_context (self)), self->model);
  sd_task_query_set_date_range (query, self->date, now);
  query->favourite = self->favourite;
  query->group = g_strdup (self->group);
  return g_steal_pointer (&query);
}

/* The reader follows the window's store and its base. */
SdStore *
_sd_window_history_get_reader (SdWindowHistory *self)
{
  SdStore *store = sd_context_get_store (get_context (self));
  g_autoptr(GError) error = NULL;

  if (store != NULL && sd_store_ensure_reader (store, &self->reader, &error) == NULL)
    {
      g_debug ("No reader for the history: %s", error->message);
      sd_window_show_message (self->window, error->message);
    }
  return store != NULL ? self->reader : NULL;
}

static void
on_page_loaded_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data);

static void
load_page (SdWindowHistory *self)
{
  g_autoptr(SdTaskQuery) query = _sd_window_history_build_query (self);
  SdStore *reader = _sd_window_history_get_reader (self);

  if (reader == NULL)
    return;
  self->loading = TRUE;
  g_debug ("Querying the history (generation %u)", self->generation);
  sd_store_query_page_async (reader, query, &self->cursor, HISTORY_PAGE, self->cancellable,
                             on_page_loaded_cb,
                             g_object_ref (self->window));
}

/* The status filter's bit a task's status falls under (the store's rule). */
static guint
get_status_filter (SdTaskStatus status)
{
  switch (status)
    {
    case SD_TASK_STATUS_COMPLETED:
      return SD_TASK_STATUS_FILTER_COMPLETED;
    case SD_TASK_STATUS_FAILED:
    case SD_TASK_STATUS_NOT_FOUND:
      return SD_TASK_STATUS_FILTER_FAILED;
    case SD_TASK_STATUS_UNCERTAIN:
      return SD_TASK_STATUS_FILTER_UNCERTAIN;
    default:
      return SD_TASK_STATUS_FILTER_RUNNING;
    }
}

static gboolean
keeps_status (SdWindowHistory *self,
              SdTask          *task)
{
  guint statuses = 0;

  sd_task_status_filter_from_name (self->status, &statuses);
  return statuses == 0 || (statuses & get_status_filter (sd_task_get_status (task))) != 0;
}

/* A task whose new status the filter does not keep leaves the list at
 * once, rather than staying there with a status it was not asked for. */
static void
on_match_status_changed_cb (SdTask          *task,
                            GParamSpec      *pspec,
                            SdWindowHistory *self)
{
  guint position;

  if (keeps_status (self, task) || !g_list_store_find (self->matches, task, &position))
    return;
  g_debug ("Task %s leaves the filtered list", sd_task_get_id (task));
  g_signal_handlers_disconnect_by_func (task, on_match_status_changed_cb, self);
  g_list_store_remove (self->matches, position);
  _sd_window_history_changed (self->window);
}

/* A task the filter did not keep may now: the query is asked again. */
static void
on_task_finished_cb (SdService       *service,
                     SdTask          *task,
                     SdWindowHistory *self)
{
  if (g_strcmp0 (self->status, "all") == 0 || !keeps_status (self, task) ||
      g_list_store_find (self->matches, task, NULL))
    return;
  g_debug ("Task %s may enter the filtered list", sd_task_get_id (task));
  _sd_window_history_refresh (self);
}

static void
forget_matches (SdWindowHistory *self)
{
  GListModel *matches = G_LIST_MODEL (self->matches);

  for (guint i = 0; i < g_list_model_get_n_items (matches); i++)
    {
      g_autoptr(SdTask) task = g_list_model_get_item (matches, i);

      g_signal_handlers_disconnect_by_func (task, on_match_status_changed_cb, self);
    }
}

/* A task the service has loaded is shown as the service's own object, not
 * the copy the query read: its row follows its status as it changes. */
static void
use_loaded_tasks (SdWindowHistory *self,
                  GPtrArray       *tasks)
{
  SdService *service = sd_context_get_service (get_context (self));

  for (guint i = 0; i < tasks->len; i++)
    {
      SdTask *loaded = sd_service_get_loaded_task (service, sd_task_get_id (tasks->pdata[i]));

      if (loaded == NULL)
        continue;
      g_object_unref (tasks->pdata[i]);
      tasks->pdata[i] = g_object_ref (loaded);
      g_signal_connect (loaded, "notify::status", G_CALLBACK (on_match_status_changed_cb), self);
    }
}

static void
on_page_loaded_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(SdWindow) window = user_data;
  SdWindowHistory *self = _sd_window_get_history (window);
  g_autoptr(GPtrArray) tasks = NULL;
  g_autoptr(GError) error = NULL;
  SdStoreCursor cursor;
  gboolean more = FALSE;
  gboolean first;

  tasks = sd_store_query_page_finish (SD_STORE (source), result, &cursor, &more, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self == NULL)
    return;
  self->loading = FALSE;
  if (tasks == NULL)
    {
      sd_window_show_message (window, error->message);
      return;
    }

  first = self->cursor.created_at == G_MAXINT64 && self->cursor.rowid == G_MAXINT64;
  if (first)
    forget_matches (self);
  use_loaded_tasks (self, tasks);
  self->cursor = cursor;
  self->more = more;
  g_list_store_splice (self->matches, first ? 0 : g_list_model_get_n_items (G_LIST_MODEL (self->matches)),
                       first ? g_list_model_get_n_items (G_LIST_MODEL (self->matches)) : 0,
                       tasks->pdata, tasks->len);
  if (first && self->group != NULL)
    update_filter_bar (self);
  _sd_window_history_changed (window);
}

void
_sd_window_history_load_more (SdWindowHistory *self)
{
  if (!_sd_window_history_is_active (self) || self->loading || !self->more)
    return;
  load_page (self);
}

gboolean
_sd_window_history_is_loading (SdWindowHistory *self)
{
  return self->loading;
}

/* The group's label, as its first task shown has it, else its id. */
static const char *
get_group_label (SdWindowHistory *self)
{
  g_autoptr(SdTask) first = g_list_model_get_item (G_LIST_MODEL (self->matches), 0);

  if (first != NULL && g_strcmp0 (sd_task_get_group_id (first), self->group) == 0 &&
      sd_task_get_group_label (first) != NULL)
    return sd_task_get_group_label (first);
  return self->group;
}

static void
update_filter_bar (SdWindowHistory *self)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();
  g_autofree char *group = NULL;
  g_autofree char *text = NULL;
  g_autofree char *description = NULL;

  for (guint i = 1; i < G_N_ELEMENTS (status_names); i++)
    if (g_strcmp0 (self->status, status_names[i].name) == 0)
      g_ptr_array_add (parts, (gpointer) _(status_names[i].label));
  if (self->model != NULL)
    {
      const char *name = sd_catalog_get_family_name (sd_context_get_catalog (get_context (self)),
                                                     self->model);
      g_ptr_array_add (parts, (gpointer) (name != NULL ? name : self->model));
    }
  for (guint i = 1; i < G_N_ELEMENTS (date_names); i++)
    if (self->date == date_names[i].range)
      g_ptr_array_add (parts, (gpointer) _(date_names[i].label));
  if (self->favourite)
    g_ptr_array_add (parts, (gpointer) _("Favourites"));
  if (self->group != NULL)
    {
      /* Translators: the filter to one group of tasks (takes, a batch) */
      group = g_strdup_printf (_("Group “%s”"), get_group_label (self));
      g_ptr_array_add (parts, group);
    }
  g_ptr_array_add (parts, NULL);

  text = g_strjoinv (" · ", (char **) parts->pdata);
  gtk_label_set_text (self->filter_label, text);
  gtk_widget_set_visible (self->filter_bar, parts->len > 1);

  if (self->text != NULL && self->text[0] != '\0')
    /* Translators: the text searched for, in quotes */
    description = g_strdup_printf (_("No tasks match “%s”."), self->text);
  else
    description = g_strdup (_("No tasks match these filters."));
  if (self->no_match_page != NULL)
    adw_status_page_set_description (self->no_match_page, description);
}

/* A new query from the first page: the one running is dropped. */
static void
refresh (SdWindowHistory *self)
{
  gboolean active = _sd_window_history_is_active (self);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->generation++;
  self->cursor = (SdStoreCursor) SD_STORE_CURSOR_INIT;
  self->more = FALSE;
  self->loading = FALSE;
  if (active)
    ensure_no_match_page (self);
  update_filter_bar (self);
  if (!active)
    {
      forget_matches (self);
      g_list_store_remove_all (self->matches);
    }
  else
    load_page (self);
  _sd_window_history_set_active (self->window, active);
}

void
_sd_window_history_refresh (SdWindowHistory *self)
{
  if (_sd_window_history_is_active (self))
    refresh (self);
}

static void
on_search_changed_cb (GtkSearchEntry  *entry,
                      SdWindowHistory *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));
  g_autofree char *stripped = g_strstrip (g_strdup (text));

  if (g_strcmp0 (stripped, self->text != NULL ? self->text : "") == 0)
    return;
  g_free (self->text);
  self->text = g_steal_pointer (&stripped);
  refresh (self);
}

static void
on_search_stopped_cb (GtkSearchEntry  *entry,
                      SdWindowHistory *self)
{
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
}

/* The filter menu's actions --------------------------------------------------- */

static void
change_status (GSimpleAction *action,
               GVariant      *value,
               gpointer       user_data)
{
  SdWindowHistory *self = user_data;
  guint bits;

  if (!sd_task_status_filter_from_name (g_variant_get_string (value, NULL), &bits))
    return;
  g_simple_action_set_state (action, value);
  g_free (self->status);
  self->status = g_variant_dup_string (value, NULL);
  refresh (self);
}

/* A filter named by its state, a string ("" for none). */
static void
change_text_filter (GSimpleAction  *action,
                    GVariant       *value,
                    char          **filter)
{
  const char *text = g_variant_get_string (value, NULL);

  g_simple_action_set_state (action, value);
  g_clear_pointer (filter, g_free);
  if (text[0] != '\0')
    *filter = g_strdup (text);
}

static void
change_model (GSimpleAction *action,
              GVariant      *value,
              gpointer       user_data)
{
  SdWindowHistory *self = user_data;

  change_text_filter (action, value, &self->model);
  refresh (self);
}

static void
change_date (GSimpleAction *action,
             GVariant      *value,
             gpointer       user_data)
{
  SdWindowHistory *self = user_data;
  const char *name = g_variant_get_string (value, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (date_names); i++)
    if (g_strcmp0 (name, date_names[i].name) == 0)
      {
        g_simple_action_set_state (action, value);
        self->date = date_names[i].range;
        refresh (self);
        return;
      }
}

static void
change_favourites (GSimpleAction *action,
                   GVariant      *value,
                   gpointer       user_data)
{
  SdWindowHistory *self = user_data;

  g_simple_action_set_state (action, value);
  self->favourite = g_variant_get_boolean (value);
  refresh (self);
}

static void
change_group (GSimpleAction *action,
              GVariant      *value,
              gpointer       user_data)
{
  SdWindowHistory *self = user_data;

  change_text_filter (action, value, &self->group);
  g_debug ("Group filter: %s", self->group != NULL ? self->group : "(none)");
  refresh (self);
}

static void
set_state (SdWindowHistory *self,
           const char      *name,
           GVariant        *state)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self->actions), name);

  g_simple_action_set_state (G_SIMPLE_ACTION (action), state);
}

void
_sd_window_history_clear (SdWindowHistory *self)
{
  g_clear_pointer (&self->text, g_free);
  g_free (self->status);
  self->status = g_strdup ("all");
  g_clear_pointer (&self->model, g_free);
  self->date = SD_TASK_DATE_ANY;
  self->favourite = FALSE;
  g_clear_pointer (&self->group, g_free);
  set_state (self, "group", g_variant_new_string (""));
  set_state (self, "status", g_variant_new_string ("all"));
  set_state (self, "model", g_variant_new_string (""));
  set_state (self, "date", g_variant_new_string ("any"));
  set_state (self, "favourites", g_variant_new_boolean (FALSE));
  /* its "search-changed" comes after a delay: nothing left to change */
  gtk_editable_set_text (GTK_EDITABLE (self->entry), "");
  gtk_search_bar_set_search_mode (self->search_bar, FALSE);
  refresh (self);
}

static void
clear_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  _sd_window_history_clear (user_data);
}

static void
remove_matching (SdWindowHistory *self,
                 guint            status_filter)
{
  g_autoptr(SdTaskQuery) query = _sd_window_history_build_query (self);

  _sd_window_remove_matching (self->window, query, status_filter);
}

static void
clear_completed_activated (GSimpleAction *action,
                           GVariant      *parameter,
                           gpointer       user_data)
{
  remove_matching (user_data, SD_TASK_STATUS_FILTER_COMPLETED);
}

static void
remove_failed_activated (GSimpleAction *action,
                         GVariant      *parameter,
                         gpointer       user_data)
{
  remove_matching (user_data, SD_TASK_STATUS_FILTER_FAILED);
}

static const GActionEntry history_actions[] = {
  { "status", NULL, "s", "'all'", change_status, { 0 } },
  { "model", NULL, "s", "''", change_model, { 0 } },
  { "date", NULL, "s", "'any'", change_date, { 0 } },
  { "favourites", NULL, NULL, "false", change_favourites, { 0 } },
  { "group", NULL, "s", "''", change_group, { 0 } },
  { "clear", clear_activated, NULL, NULL, NULL, { 0 } },
  { "clear-completed", clear_completed_activated, NULL, NULL, NULL, { 0 } },
  { "remove-failed", remove_failed_activated, NULL, NULL, NULL, { 0 } },
};

static GMenuModel *
build_filter_menu (SdWindowHistory *self)
{
  SdCatalog *catalog = sd_context_get_catalog (get_context (self));
  const char * const *families = catalog != NULL ? sd_catalog_get_families (catalog) : NULL;
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenu) statuses = g_menu_new ();
  g_autoptr(GMenu) models = g_menu_new ();
  g_autoptr(GMenu) dates = g_menu_new ();
  g_autoptr(GMenu) others = g_menu_new ();
  g_autoptr(GMenu) removals = g_menu_new ();

  for (guint i = 0; i < G_N_ELEMENTS (status_names); i++)
    {
      g_autofree char *action = g_strdup_printf ("history.status::%s", status_names[i].name);
      g_menu_append (statuses, _(status_names[i].label), action);
    }
  g_menu_append (models, _("Any Model"), "history.model::");
  for (guint i = 0; families != NULL && families[i] != NULL; i++)
    {
      g_autoptr(GMenuItem) item = g_menu_item_new (sd_catalog_get_family_name (catalog, families[i]),
                                                   NULL);
      g_menu_item_set_action_and_target (item, "history.model", "s", families[i]);
      g_menu_append_item (models, item);
    }
  for (guint i = 0; i < G_N_ELEMENTS (date_names); i++)
    {
      g_autofree char *action = g_strdup_printf ("history.date::%s", date_names[i].name);
      g_menu_append (dates, _(date_names[i].label), action);
    }
  g_menu_append (others, _("Favourites Only"), "history.favourites");
  g_menu_append (others, _("Clear Filters"), "history.clear");
  /* what the list shows now: the search and the filters hold */
  g_menu_append (removals, _("Clear Completed…"), "history.clear-completed");
  g_menu_append (removals, _("Remove Failed…"), "history.remove-failed");

  g_menu_append_section (menu, _("Status"), G_MENU_MODEL (statuses));
  g_menu_append_section (menu, _("Model"), G_MENU_MODEL (models));
  g_menu_append_section (menu, _("Date"), G_MENU_MODEL (dates));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (others));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (removals));
  return G_MENU_MODEL (g_steal_pointer (&menu));
}

static GtkWidget *
build_search_bar (SdWindowHistory *self,
                  GtkWidget       *list_view)
{
  g_autoptr(GMenuModel) menu = build_filter_menu (self);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *filter_button = gtk_menu_button_new ();

  self->entry = GTK_SEARCH_ENTRY (gtk_search_entry_new ());
  gtk_widget_set_hexpand (GTK_WIDGET (self->entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Search"), -1);
  g_object_set (self->entry, "placeholder-text", _("Search prompts, ids and models"), NULL);
  g_signal_connect (self->entry, "search-changed", G_CALLBACK (on_search_changed_cb), self);
  g_signal_connect (self->entry, "stop-search", G_CALLBACK (on_search_stopped_cb), self);

  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (filter_button), "funnel-symbolic");
  _sd_window_set_menu_on_popup (GTK_MENU_BUTTON (filter_button), menu);
  gtk_widget_set_tooltip_text (filter_button, _("Filter"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (filter_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Filter"), -1);
  gtk_widget_set_name (filter_button, "filter_button");

  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->entry));
  gtk_box_append (GTK_BOX (box), filter_button);

  self->search_bar = GTK_SEARCH_BAR (gtk_search_bar_new ());
  gtk_search_bar_set_child (self->search_bar, box);
  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->entry));
  gtk_search_bar_set_show_close_button (self->search_bar, TRUE);
  sd_a11y_name_close_buttons (GTK_WIDGET (self->search_bar), _("Close Search"));
  /* The scroller, not the list: typing in the grid, which takes the
   * list's place in it, opens the search too. */
  gtk_search_bar_set_key_capture_widget (self->search_bar, gtk_widget_get_parent (list_view));
  return GTK_WIDGET (self->search_bar);
}

static GtkWidget *
build_filter_bar (SdWindowHistory *self)
{
  GtkWidget *clear = gtk_button_new_with_mnemonic (_("_Clear"));

  self->filter_bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_add_css_class (self->filter_bar, "toolbar");
  self->filter_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->filter_label, 0);
  gtk_label_set_ellipsize (self->filter_label, PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (GTK_WIDGET (self->filter_label), TRUE);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (clear), "history.clear");
  gtk_widget_set_tooltip_text (clear, _("Show every task"));
  gtk_box_append (GTK_BOX (self->filter_bar), GTK_WIDGET (self->filter_label));
  gtk_box_append (GTK_BOX (self->filter_bar), clear);
  gtk_widget_set_visible (self->filter_bar, FALSE);
  return self->filter_bar;
}

/* Its icon is an SVG: not loaded at start-up. */
static void
ensure_no_match_page (SdWindowHistory *self)
{
  GtkWidget *clear;

  if (self->no_match_page != NULL)
    return;
  clear = gtk_button_new_with_mnemonic (_("_Clear Search and Filters"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (clear), "history.clear");
  gtk_widget_set_halign (clear, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (clear, "pill");
  self->no_match_page = ADW_STATUS_PAGE (adw_status_page_new ());
  adw_status_page_set_icon_name (self->no_match_page, "edit-find-symbolic");
  adw_status_page_set_title (self->no_match_page, _("No Tasks Match"));
  adw_status_page_set_child (self->no_match_page, clear);
  gtk_widget_add_css_class (GTK_WIDGET (self->no_match_page), "compact");
  gtk_stack_add_named (self->results_stack, GTK_WIDGET (self->no_match_page), "no-match");
}

/* The search and filter bars go above the results stack, in the toast
 * overlay, the costs below it; the stack gains the "no-match" page. */
SdWindowHistory *
_sd_window_history_new (SdWindow        *window,
                        AdwToastOverlay *overlay,
                        GtkStack        *results_stack,
                        GtkWidget       *list_view)
{
  SdWindowHistory *self = g_new0 (SdWindowHistory, 1);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  self->window = window;
  self->status = g_strdup ("all");
  self->date = SD_TASK_DATE_ANY;
  self->matches = g_list_store_new (SD_TYPE_TASK);
  self->cancellable = g_cancellable_new ();
  self->cursor = (SdStoreCursor) SD_STORE_CURSOR_INIT;
  self->actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self->actions), history_actions,
                                   G_N_ELEMENTS (history_actions), self);
  gtk_widget_insert_action_group (GTK_WIDGET (window), "history", G_ACTION_GROUP (self->actions));

  g_object_ref (results_stack);
  adw_toast_overlay_set_child (overlay, NULL);
  gtk_box_append (GTK_BOX (box), build_search_bar (self, list_view));
  gtk_box_append (GTK_BOX (box), build_filter_bar (self));
  gtk_widget_set_vexpand (GTK_WIDGET (results_stack), TRUE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (results_stack));
  gtk_box_append (GTK_BOX (box), sd_costs_bar_new (sd_window_get_context (window)));
  g_object_unref (results_stack);
  adw_toast_overlay_set_child (overlay, box);
  self->results_stack = results_stack;
  update_filter_bar (self);
  g_signal_connect (sd_context_get_service (get_context (self)), "task-completed",
                    G_CALLBACK (on_task_finished_cb), self);
  g_signal_connect (sd_context_get_service (get_context (self)), "task-failed",
                    G_CALLBACK (on_task_finished_cb), self);
  return self;
}

void
_sd_window_history_find (SdWindowHistory *self)
{
  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->entry));
}

void
_sd_window_history_free (SdWindowHistory *self)
{
  if (self == NULL)
    return;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_insert_action_group (GTK_WIDGET (self->window), "history", NULL);
  g_clear_object (&self->actions);
  g_signal_handlers_disconnect_by_data (sd_context_get_service (get_context (self)), self);
  forget_matches (self);
  g_clear_object (&self->matches);
  g_clear_object (&self->reader);
  g_free (self->text);
  g_free (self->status);
  g_free (self->model);
  g_free (self->group);
  g_free (self);
}

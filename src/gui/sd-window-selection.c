/* sd-window-selection.c: acting on many tasks at once
 *
 * The results list is a GtkMultiSelection: Ctrl- and Shift-click, Escape
 * clears. Ctrl+A (win.select-all) selects every task of the view, the
 * whole filtered history and not only the pages loaded: the rows loaded
 * are selected, the view's ids are read off the main thread, and rows
 * unselected after are the exceptions; a plain click starts a new
 * selection. Every action then acts on all of them. With two or more selected, a bar below the list says how many
 * and offers what applies to them: Remove (with Undo), Compare (two to
 * four completed takes with saved videos), Add to/Remove from Favourites,
 * Retry Failed (the queue's win.retry-task, when installed), Download
 * Again and Export as Batch. Removing is sd-window-remove.c's.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-window"

#include "config.h"

#include <glib/gi18n.h>

#include "sd-batch-import.h"
#include "sd-compare-window.h"
#include "sd-message-dialog.h"
#include "sd-service.h"
#include "sd-store.h"
#include "sd-store-query.h"
#include "sd-task-row.h"
#include "sd-window-private.h"

#define RETRY_ACTION "win.retry-task"

struct _SdWindowSelection
{
  SdWindow          *window;     /* owns this */
  GtkMultiSelection *selection;
  GtkRevealer       *bar;
  GtkLabel          *count_label;
  GHashTable        *undo;       /* toast key → SdStoreRemoval */

  /* Select All: the whole view, less the rows unselected since */
  gboolean           all;
  SdTaskQuery       *all_query;  /* the view's */
  char             **all_ids;    /* its ids, once read */
  GHashTable        *excluded;   /* ids unselected since */
  GCancellable      *reading;    /* the ids' read */
  char              *pending;    /* an action asked for during the read */
  gboolean           syncing;    /* selecting loaded rows ourselves */
};

static SdService *
get_service (SdWindow *window)
{
  return sd_context_get_service (sd_window_get_context (window));
}

/* The selected tasks, in the list's order. */
static GPtrArray *
get_selected_tasks (SdWindowSelection *self)
{
  GtkSelectionModel *model = GTK_SELECTION_MODEL (self->selection);
  g_autoptr(GtkBitset) selected = gtk_selection_model_get_selection (model);
  GPtrArray *tasks = g_ptr_array_new_with_free_func (g_object_unref);
  GtkBitsetIter iter;
  guint position;

  for (gboolean more = gtk_bitset_iter_init_first (&iter, selected, &position);
       more;
       more = gtk_bitset_iter_next (&iter, &position))
    {
      SdTask *task = g_list_model_get_item (G_LIST_MODEL (model), position);

      if (task != NULL)
        g_ptr_array_add (tasks, task);
    }
  return tasks;
}

static SdTask *
get_focused_task (SdWindowSelection *self)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self->window));
  GtkWidget *row;

  if (focus == NULL)
    return NULL;
  row = SD_IS_TASK_ROW (focus) ? focus : gtk_widget_get_ancestor (focus, SD_TYPE_TASK_ROW);
  /* the list item itself: the row is inside, under its day header */
  if (row == NULL && gtk_widget_get_first_child (focus) != NULL)
    {
      row = _sd_window_days_get_row (gtk_widget_get_first_child (focus));
      if (!SD_IS_TASK_ROW (row))
        row = NULL;
    }
  return row != NULL ? sd_task_row_get_task (SD_TASK_ROW (row)) : NULL;
}

SdTask *
_sd_window_selection_get_current (SdWindowSelection *self)
{
  g_autoptr(GPtrArray) tasks = get_selected_tasks (self);
  SdTask *focused;

  if (tasks->len == 1)
    return g_ptr_array_index (tasks, 0);
  focused = get_focused_task (self);
  if (focused != NULL && g_ptr_array_find (tasks, focused, NULL))
    return focused;
  return NULL;
}

static gboolean
can_compare (GPtrArray *tasks)
{
  if (tasks->len < SD_COMPARE_MIN_TAKES || tasks->len > SD_COMPARE_MAX_TAKES)
    return FALSE;
  for (guint i = 0; i < tasks->len; i++)
    {
      SdTask *task = g_ptr_array_index (tasks, i);

      if (sd_task_get_status (task) != SD_TASK_STATUS_COMPLETED || !_sd_window_task_has_saved_video (task))
        return FALSE;
    }
  return TRUE;
}

static gboolean
is_failed (SdTask *task)
{
  return sd_task_get_status (task) == SD_TASK_STATUS_FAILED ||
         sd_task_get_status (task) == SD_TASK_STATUS_NOT_FOUND;
}

static gboolean
can_download (SdTask *task)
{
  return sd_task_get_status (task) == SD_TASK_STATUS_COMPLETED &&
         sd_task_get_video_url (task) != NULL;
}

/* The queue's retry is another part of the window; without it, Retry
 * Failed stays off rather than failing when pressed. */
static gboolean
has_retry_action (SdWindow *window)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_GET_CLASS (window);
  const char *name;
  GType owner;
  const GVariantType *parameter_type;
  const char *property;
  gboolean found = FALSE;

  for (guint i = 0;
       !found && gtk_widget_class_query_action (widget_class, i, &owner, &name,
                                                &parameter_type, &property);
       i++)
    found = g_strcmp0 (name, RETRY_ACTION) == 0;
  return found;
}

/* How many tasks the selection holds: in Select All, the view's (once
 * read) less the exceptions. */
static guint
count_selected (SdWindowSelection *self,
                GPtrArray         *loaded)
{
  if (!self->all || self->all_ids == NULL)
    return loaded->len;
  return g_strv_length (self->all_ids) - g_hash_table_size (self->excluded);
}

static void
update_actions (SdWindowSelection *self)
{
  GtkWidget *window = GTK_WIDGET (self->window);
  g_autoptr(GPtrArray) tasks = get_selected_tasks (self);
  g_autofree char *count = NULL;
  gboolean any_favourite = FALSE, any_plain = FALSE, any_failed = FALSE, any_download = FALSE;
  /* beyond the rows loaded, any task may be anything */
  gboolean beyond = self->all && self->all_ids != NULL && count_selected (self, tasks) > tasks->len;
  guint n = count_selected (self, tasks);

  for (guint i = 0; i < tasks->len; i++)
    {
      SdTask *task = g_ptr_array_index (tasks, i);

      any_favourite |= sd_task_get_favourite (task);
      any_plain |= !sd_task_get_favourite (task);
      any_failed |= is_failed (task);
      any_download |= can_download (task);
    }
  gtk_widget_action_set_enabled (window, "win.remove-selection", n > 0);
  gtk_widget_action_set_enabled (window, "win.favourite-selection", (any_plain || beyond));
  gtk_widget_action_set_enabled (window, "win.unfavourite-selection", (any_favourite || beyond));
  gtk_widget_action_set_enabled (window, "win.retry-selection",
                                 (any_failed || beyond) && has_retry_action (self->window));
  gtk_widget_action_set_enabled (window, "win.download-selection", (any_download || beyond));
  gtk_widget_action_set_enabled (window, "win.export-selection", n > 0);
  gtk_widget_action_set_enabled (window, "win.compare-selection",
                                 n == tasks->len && can_compare (tasks));
  gtk_widget_action_set_enabled (window, "win.select-none", n > 0);

  /* Translators: the number of tasks selected in the results */
  count = g_strdup_printf (ngettext ("%u selected", "%u selected", n), n);
  gtk_label_set_text (self->count_label, count);
  if (n >= 2)
    gtk_widget_set_visible (GTK_WIDGET (self->bar), TRUE);
  gtk_revealer_set_reveal_child (self->bar, n >= 2);
}

/* Select All ------------------------------------------------------------------- */

static void
leave_all (SdWindowSelection *self)
{
  if (!self->all)
    return;
  g_debug ("Select All ends");
  self->all = FALSE;
  g_cancellable_cancel (self->reading);
  g_clear_object (&self->reading);
  g_clear_pointer (&self->all_query, sd_task_query_free);
  g_clear_pointer (&self->all_ids, g_strfreev);
  g_clear_pointer (&self->pending, g_free);
  g_hash_table_remove_all (self->excluded);
}

/* TRUE when @action_name must wait for the view's ids (it then runs
 * once they are read). */
static gboolean
defer_until_read (SdWindowSelection *self,
                  const char        *action_name)
{
  if (!self->all || self->all_ids != NULL)
    return FALSE;
  g_debug ("%s waits for the view's ids", action_name);
  g_free (self->pending);
  self->pending = g_strdup (action_name);
  return TRUE;
}

static void
on_all_ids_read_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(SdWindow) window = user_data;
  SdWindowSelection *self = _sd_window_get_selection (window);
  g_autoptr(GError) error = NULL;
  char **ids = sd_store_query_ids_finish (SD_STORE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self == NULL)
    {
      g_strfreev (ids);
      return;
    }
  if (ids == NULL)
    {
      sd_window_show_message (window, error->message);
      leave_all (self);
      update_actions (self);
      return;
    }
  g_debug ("Select All: %u tasks in the view", g_strv_length (ids));
  self->all_ids = ids;
  update_actions (self);
  if (self->pending != NULL)
    {
      g_autofree char *pending = g_steal_pointer (&self->pending);

      gtk_widget_activate_action (GTK_WIDGET (window), pending, NULL);
    }
}

/* Every task of the view: the rows loaded now, the rest by their ids. */
static void
select_all (SdWindowSelection *self)
{
  SdWindowHistory *history = _sd_window_get_history (self->window);
  SdStore *reader = history != NULL ? _sd_window_history_get_reader (history) : NULL;

  leave_all (self);
  self->syncing = TRUE;
  gtk_selection_model_select_all (GTK_SELECTION_MODEL (self->selection));
  self->syncing = FALSE;
  if (reader == NULL)
    return;
  self->all = TRUE;
  self->all_query = _sd_window_history_is_active (history)
                    ? _sd_window_history_build_query (history) : sd_task_query_new ();
  self->reading = g_cancellable_new ();
  sd_store_query_ids_async (reader, self->all_query, self->reading, on_all_ids_read_cb,
                            g_object_ref (self->window));
  update_actions (self);
}

/* A row unselected is an exception; a plain click (one row left of
 * several) or Select None starts again. */
static void
note_exceptions (SdWindowSelection *self)
{
  GListModel *model = G_LIST_MODEL (self->selection);
  g_autoptr(GtkBitset) selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  guint n = g_list_model_get_n_items (model);
  guint64 n_selected = gtk_bitset_get_size (selected);

  if (n_selected == 0 || (n_selected == 1 && n > 1))
    {
      leave_all (self);
      return;
    }
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, i);

      if (!SD_IS_TASK (item))
        continue;
      if (gtk_bitset_contains (selected, i))
        g_hash_table_remove (self->excluded, sd_task_get_id (SD_TASK (item)));
      else
        g_hash_table_add (self->excluded, g_strdup (sd_task_get_id (SD_TASK (item))));
    }
}

/* Pages loaded while all are selected come selected; another view
 * (the rows replaced) ends Select All. */
static void
on_items_changed_cb (GListModel        *model,
                     guint              position,
                     guint              removed,
                     guint              added,
                     SdWindowSelection *self)
{
  guint before = g_list_model_get_n_items (model) + removed - added;

  if (self->all && position == 0 && removed > 0 && removed == before)
    leave_all (self);
  else if (self->all && added > 0)
    {
      self->syncing = TRUE;
      gtk_selection_model_select_range (GTK_SELECTION_MODEL (self->selection), position, added, FALSE);
      self->syncing = FALSE;
    }
  update_actions (self);
}

/* The ids the selection holds: the view's less the exceptions, or the
 * rows selected. */
static char **
get_selected_ids (SdWindowSelection *self)
{
  g_autoptr(GPtrArray) tasks = NULL;
  GStrvBuilder *builder;
  char **ids;

  if (!self->all || self->all_ids == NULL)
    {
      tasks = get_selected_tasks (self);
      return _sd_window_get_task_ids (tasks);
    }
  builder = g_strv_builder_new ();
  for (guint i = 0; self->all_ids[i] != NULL; i++)
    if (!g_hash_table_contains (self->excluded, self->all_ids[i]))
      g_strv_builder_add (builder, self->all_ids[i]);
  ids = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return ids;
}

static void
on_selection_changed_cb (SdWindowSelection *self)
{
  if (self->all && !self->syncing)
    note_exceptions (self);
  update_actions (self);
}

GHashTable *
_sd_window_selection_get_undo (SdWindowSelection *self)
{
  return self->undo;
}

void
_sd_window_selection_update (SdWindowSelection *self)
{
  if (self != NULL)
    update_actions (self);
}

/* Favourites ------------------------------------------------------------------ */

/* The star on the service's tasks and on the copies a query read (the
 * same ids), once the history has it. */
static void
mark_favourite (SdWindow           *window,
                const char * const *ids,
                gboolean            favourite)
{
  GListModel *matches = _sd_window_history_get_matches (_sd_window_get_history (window));
  g_autoptr(GHashTable) wanted = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; ids[i] != NULL; i++)
    {
      SdTask *loaded = sd_service_get_loaded_task (get_service (window), ids[i]);

      g_hash_table_add (wanted, (gpointer) ids[i]);
      if (loaded != NULL)
        sd_task_set_favourite (loaded, favourite);
    }
  for (guint i = 0; i < g_list_model_get_n_items (matches); i++)
    {
      g_autoptr(SdTask) match = g_list_model_get_item (matches, i);

      if (g_hash_table_contains (wanted, sd_task_get_id (match)))
        sd_task_set_favourite (match, favourite);
    }
  _sd_window_selection_update (_sd_window_get_selection (window));
}

typedef struct
{
  SdWindow *window;
  char    **ids;
  gboolean  favourite;
} Starring;

static void
on_favourite_set_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  Starring *starring = user_data;
  g_autoptr(GError) error = NULL;

  if (sd_store_set_favourite_finish (SD_STORE (source), result, &error))
    mark_favourite (starring->window, (const char * const *) starring->ids, starring->favourite);
  else
    sd_window_show_message (starring->window, error->message);
  g_object_unref (starring->window);
  g_strfreev (starring->ids);
  g_free (starring);
}

/* The star in the history, then on the tasks shown: the rows loaded at
 * once, a whole view on the store's worker. */
static void
set_favourite (SdWindowSelection *self,
               gboolean           favourite)
{
  SdStore *store = sd_context_get_store (sd_window_get_context (self->window));
  g_auto(GStrv) ids = get_selected_ids (self);
  g_autoptr(GError) error = NULL;
  Starring *starring;

  g_debug ("%u tasks favourite: %d", g_strv_length (ids), favourite);
  if (store == NULL || !self->all)
    {
      if (store != NULL &&
          !sd_store_set_favourite (store, (const char * const *) ids, favourite, &error))
        sd_window_show_message (self->window, error->message);
      else
        mark_favourite (self->window, (const char * const *) ids, favourite);
      return;
    }
  starring = g_new0 (Starring, 1);
  starring->window = g_object_ref (self->window);
  starring->ids = g_steal_pointer (&ids);
  starring->favourite = favourite;
  sd_store_set_favourite_async (store, (const char * const *) starring->ids, favourite, NULL,
                                on_favourite_set_cb, starring);
}

void
_sd_window_selection_toggle_favourite (SdWindowSelection *self)
{
  g_autoptr(GPtrArray) tasks = get_selected_tasks (self);
  gboolean favourite = FALSE;

  if (defer_until_read (self, "win.toggle-favourite-selected"))
    return;
  for (guint i = 0; i < tasks->len; i++)
    favourite |= !sd_task_get_favourite (g_ptr_array_index (tasks, i));
  if (tasks->len > 0)
    set_favourite (self, favourite);
  update_actions (self);
}

static void
remove_all_selected (SdWindowSelection *self)
{
  char **ids = get_selected_ids (self);
  guint n = g_strv_length (ids);
  g_autofree char *heading = g_strdup_printf (ngettext ("Remove %u task?", "Remove %u tasks?", n), n);

  _sd_window_remove_ids_asking (self->window, ids, heading,
                 ngettext ("Its saved video can stay in its folder or be deleted too. Undo brings "
                           "back the tasks, not deleted videos.",
                           "Their saved videos can stay in their folder or be deleted too. Undo "
                           "brings back the tasks, not deleted videos.", n),
                 TRUE);
}

/* The actions -------------------------------------------------------------- */

static SdWindowSelection *
get_self (GtkWidget *widget)
{
  return _sd_window_get_selection (SD_WINDOW (widget));
}

static void
select_all_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  select_all (get_self (widget));
}

static void
select_none_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  leave_all (get_self (widget));
  gtk_selection_model_unselect_all (GTK_SELECTION_MODEL (get_self (widget)->selection));
}

static void
remove_selection_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  SdWindowSelection *self = get_self (widget);
  g_autoptr(GPtrArray) tasks = NULL;

  if (defer_until_read (self, action_name))
    return;
  tasks = get_selected_tasks (self);
  /* beyond the rows loaded, their videos are not known here */
  if (count_selected (self, tasks) > tasks->len)
    remove_all_selected (self);
  else
    _sd_window_remove_tasks (SD_WINDOW (widget), tasks);
}

static void
favourite_selection_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  SdWindowSelection *self = get_self (widget);

  if (defer_until_read (self, action_name))
    return;
  set_favourite (self, g_str_equal (action_name, "win.favourite-selection"));
  update_actions (self);
}

/* Acting on the tasks, not only their ids -------------------------------- */

typedef void (*TasksFunc) (SdWindow  *window,
                           GPtrArray *tasks);

typedef struct
{
  SdWindow   *window;
  GHashTable *excluded;
  gboolean  (*applies) (SdTask *task);
  TasksFunc   func;
} ViewRead;

/* The tasks of @tasks @applies keeps (all when NULL), less @excluded,
 * each the service's own object when it has one loaded. */
static GPtrArray *
keep_tasks (SdWindow   *window,
            GPtrArray  *tasks,
            GHashTable *excluded,
            gboolean  (*applies) (SdTask *task))
{
  GPtrArray *kept = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < tasks->len; i++)
    {
      SdTask *task = g_ptr_array_index (tasks, i);
      SdTask *loaded = sd_service_get_loaded_task (get_service (window), sd_task_get_id (task));

      if (loaded != NULL)
        task = loaded;
      if ((excluded == NULL || !g_hash_table_contains (excluded, sd_task_get_id (task))) &&
          (applies == NULL || applies (task)))
        g_ptr_array_add (kept, g_object_ref (task));
    }
  return kept;
}

static void
on_view_tasks_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  ViewRead *read = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) tasks = NULL;
  g_autoptr(GPtrArray) kept = NULL;
  SdStoreCursor cursor;
  gboolean more;

  tasks = sd_store_query_page_finish (SD_STORE (source), result, &cursor, &more, &error);
  if (tasks == NULL)
    sd_window_show_message (read->window, error->message);
  else
    {
      kept = keep_tasks (read->window, tasks, read->excluded, read->applies);
      g_debug ("Select All: %u of the view's %u tasks to act on", kept->len, tasks->len);
      read->func (read->window, kept);
    }
  g_object_unref (read->window);
  g_hash_table_unref (read->excluded);
  g_free (read);
}

/* The tasks the selection holds that @applies keeps: the rows selected,
 * or in Select All the view's tasks of @statuses (0: any), read off the
 * main thread. */
static void
with_selected_tasks (SdWindowSelection  *self,
                     guint               statuses,
                     gboolean          (*applies) (SdTask *task),
                     TasksFunc           func)
{
  SdStore *reader = _sd_window_history_get_reader (_sd_window_get_history (self->window));
  SdStoreCursor cursor = SD_STORE_CURSOR_INIT;
  g_autoptr(SdTaskQuery) query = NULL;
  ViewRead *read;

  if (!self->all || reader == NULL)
    {
      g_autoptr(GPtrArray) tasks = get_selected_tasks (self);
      g_autoptr(GPtrArray) kept = keep_tasks (self->window, tasks, NULL, applies);

      func (self->window, kept);
      return;
    }
  query = sd_task_query_copy (self->all_query);
  if (statuses != 0 && !_sd_window_query_narrow_to_status (query, statuses))
    return;
  read = g_new0 (ViewRead, 1);
  read->window = g_object_ref (self->window);
  read->excluded = g_hash_table_ref (self->excluded);
  read->applies = applies;
  read->func = func;
  sd_store_query_page_async (reader, query, &cursor, G_MAXUINT, NULL, on_view_tasks_cb, read);
}

/* Each task on its own, as its row would (a refused one says why), a
 * few per turn of the main loop. */
#define ACTIVATE_CHUNK 20

typedef struct
{
  SdWindow   *window;
  const char *action;
  GPtrArray  *tasks;
  guint       next;
} Activation;

static void
activation_free (gpointer data)
{
  Activation *activation = data;

  g_object_unref (activation->window);
  g_ptr_array_unref (activation->tasks);
  g_free (activation);
}

static gboolean
activate_chunk_cb (gpointer data)
{
  Activation *activation = data;

  for (guint n = 0; n < ACTIVATE_CHUNK && activation->next < activation->tasks->len; n++)
    gtk_widget_activate_action (GTK_WIDGET (activation->window), activation->action, "s",
                                sd_task_get_id (g_ptr_array_index (activation->tasks,
                                                                   activation->next++)));
  return activation->next < activation->tasks->len ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static void
activate_for_each (SdWindow   *window,
                   const char *action,
                   GPtrArray  *tasks)
{
  Activation *activation = g_new0 (Activation, 1);

  activation->window = g_object_ref (window);
  activation->action = action;
  activation->tasks = g_ptr_array_ref (tasks);
  if (activate_chunk_cb (activation))
    g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, activate_chunk_cb, activation, activation_free);
  else
    activation_free (activation);
}

static void
retry_tasks (SdWindow  *window,
             GPtrArray *tasks)
{
  activate_for_each (window, RETRY_ACTION, tasks);
}

static void
download_tasks (SdWindow  *window,
                GPtrArray *tasks)
{
  activate_for_each (window, "win.download-task", tasks);
}

static void
export_tasks (SdWindow  *window,
              GPtrArray *tasks)
{
  g_autoptr(GListStore) store = g_list_store_new (SD_TYPE_TASK);

  g_list_store_splice (store, 0, 0, tasks->pdata, tasks->len);
  sd_batch_export_choose (GTK_WINDOW (window), G_LIST_MODEL (store));
}

static void
retry_selection_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  if (!defer_until_read (get_self (widget), action_name))
    with_selected_tasks (get_self (widget), SD_TASK_STATUS_FILTER_FAILED, is_failed, retry_tasks);
}

static void
download_selection_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  if (!defer_until_read (get_self (widget), action_name))
    with_selected_tasks (get_self (widget), SD_TASK_STATUS_FILTER_COMPLETED, can_download,
                         download_tasks);
}

static void
export_selection_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  if (!defer_until_read (get_self (widget), action_name))
    with_selected_tasks (get_self (widget), 0, NULL, export_tasks);
}

static void
compare_selection_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  g_autoptr(GPtrArray) tasks = get_selected_tasks (get_self (widget));
  g_auto(GStrv) ids = _sd_window_get_task_ids (tasks);

  gtk_widget_activate_action_variant (widget, "win.compare-tasks",
                                      g_variant_new_strv ((const char * const *) ids, -1));
}

void
_sd_window_class_install_selection_actions (GtkWidgetClass *widget_class)
{
  _sd_window_class_install_remove_actions (widget_class);
  gtk_widget_class_install_action (widget_class, "win.select-all", NULL, select_all_action);
  gtk_widget_class_install_action (widget_class, "win.select-none", NULL, select_none_action);
  gtk_widget_class_install_action (widget_class, "win.remove-selection", NULL,
                                   remove_selection_action);
  gtk_widget_class_install_action (widget_class, "win.favourite-selection", NULL,
                                   favourite_selection_action);
  gtk_widget_class_install_action (widget_class, "win.unfavourite-selection", NULL,
                                   favourite_selection_action);
  gtk_widget_class_install_action (widget_class, "win.retry-selection", NULL,
                                   retry_selection_action);
  gtk_widget_class_install_action (widget_class, "win.download-selection", NULL,
                                   download_selection_action);
  gtk_widget_class_install_action (widget_class, "win.export-selection", NULL,
                                   export_selection_action);
  gtk_widget_class_install_action (widget_class, "win.compare-selection", NULL,
                                   compare_selection_action);
}

/* The bar ------------------------------------------------------------------ */

static GtkWidget *
new_button (const char *icon_name,
            const char *label,
            const char *action_name)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon_name);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action_name);
  gtk_widget_set_tooltip_text (button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  return button;
}

static GMenuModel *
build_more_menu (void)
{
  GMenu *menu = g_menu_new ();
  g_autoptr(GMenu) tasks = g_menu_new ();
  g_autoptr(GMenu) selection = g_menu_new ();

  g_menu_append (tasks, _("Remove from _Favourites"), "win.unfavourite-selection");
  g_menu_append (tasks, _("Retry _Failed"), "win.retry-selection");
  g_menu_append (tasks, _("_Download Again"), "win.download-selection");
  g_menu_append (tasks, _("_Export as Batch…"), "win.export-selection");
  g_menu_append (selection, _("Select _All"), "win.select-all");
  g_menu_append (selection, _("Select _None"), "win.select-none");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (tasks));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (selection));
  return G_MENU_MODEL (menu);
}

/* Hidden once it has slid away: a revealer sliding up still asks for its
 * child's width, which made the results column (and so the leaflet) wider
 * than its list needs, and left the details pane beside it 200 px. */
static void
on_bar_child_revealed_cb (GtkRevealer *bar)
{
  if (!gtk_revealer_get_reveal_child (bar) && !gtk_revealer_get_child_revealed (bar))
    gtk_widget_set_visible (GTK_WIDGET (bar), FALSE);
}

static GtkWidget *
build_bar (SdWindowSelection *self)
{
  g_autoptr(GMenuModel) menu = build_more_menu ();
  GtkWidget *action_bar = gtk_action_bar_new ();
  GtkWidget *compare = gtk_button_new_with_mnemonic (_("_Compare"));
  GtkWidget *more = gtk_menu_button_new ();

  self->count_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->count_label), "heading");
  /* the bar fits the results' narrowest width: shown, it never folds the window */
  gtk_label_set_ellipsize (self->count_label, PANGO_ELLIPSIZE_END);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (compare), "win.compare-selection");
  gtk_widget_set_tooltip_text (compare, _("Play the selected takes side by side"));
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (more), "view-more-symbolic");
  _sd_window_set_menu_on_popup (GTK_MENU_BUTTON (more), menu);
  gtk_widget_set_tooltip_text (more, _("More Actions"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (more),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("More Actions"), -1);

  gtk_action_bar_pack_start (GTK_ACTION_BAR (action_bar),
                             new_button ("window-close-symbolic", _("Select None"),
                                         "win.select-none"));
  gtk_action_bar_pack_start (GTK_ACTION_BAR (action_bar), GTK_WIDGET (self->count_label));
  gtk_action_bar_pack_end (GTK_ACTION_BAR (action_bar), more);
  gtk_action_bar_pack_end (GTK_ACTION_BAR (action_bar),
                           new_button ("user-trash-symbolic", _("Remove"), "win.remove-selection"));
  gtk_action_bar_pack_end (GTK_ACTION_BAR (action_bar),
                           new_button ("starred-symbolic", _("Add to Favourites"),
                                       "win.favourite-selection"));
  gtk_action_bar_pack_end (GTK_ACTION_BAR (action_bar), compare);

  self->bar = GTK_REVEALER (gtk_revealer_new ());
  gtk_revealer_set_transition_type (self->bar, GTK_REVEALER_TRANSITION_TYPE_SLIDE_UP);
  gtk_revealer_set_child (self->bar, action_bar);
  gtk_widget_set_visible (GTK_WIDGET (self->bar), FALSE);
  g_signal_connect (self->bar, "notify::child-revealed", G_CALLBACK (on_bar_child_revealed_cb), NULL);
  return GTK_WIDGET (self->bar);
}

/* Ctrl+A in the list or the grid is the window's Select All (the whole
 * view), before the list's own (the rows loaded): the capture phase of
 * their ancestor, the results stack, comes first. The search entry,
 * beside the stack, keeps its own. */
static void
add_select_all_shortcut (GtkBox *results_box)
{
  GtkWidget *ancestor = gtk_widget_get_first_child (GTK_WIDGET (results_box));
  GtkEventController *controller;

  while (ancestor != NULL && !GTK_IS_STACK (ancestor))
    ancestor = gtk_widget_get_next_sibling (ancestor);
  g_return_if_fail (ancestor != NULL);
  controller = gtk_shortcut_controller_new ();

  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_a, GDK_CONTROL_MASK),
                                                          gtk_named_action_new ("win.select-all")));
  gtk_widget_add_controller (ancestor, controller);
}

SdWindowSelection *
_sd_window_selection_new (SdWindow          *window,
                          GtkMultiSelection *selection,
                          GtkBox            *results_box)
{
  SdWindowSelection *self = g_new0 (SdWindowSelection, 1);

  self->window = window;
  self->selection = selection;
  self->undo = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify) sd_store_removal_unref);
  self->excluded = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gtk_box_append (results_box, build_bar (self));
  g_signal_connect_swapped (selection, "selection-changed",
                            G_CALLBACK (on_selection_changed_cb), self);
  g_signal_connect (selection, "items-changed", G_CALLBACK (on_items_changed_cb), self);
  add_select_all_shortcut (results_box);
  update_actions (self);
  return self;
}

void
_sd_window_selection_free (SdWindowSelection *self)
{
  if (self == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->selection, self);
  leave_all (self);
  g_hash_table_unref (self->undo);
  g_hash_table_unref (self->excluded);
  g_free (self);
}

/* sd-window.c: the main window (composer and results)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-window"

#include "config.h"

#include <glib/gi18n.h>

#include "sd-balance-label.h"
#include "sd-gui-resources.h"
#include "sd-notice-bar.h"
#include "sd-scroll-slice.h"
#include "sd-service.h"
#include "sd-task-row.h"
#include "sd-toasts.h"
#include "sd-video-window.h"
#include "sd-welcome-page.h"
#include "sd-window.h"
#include "sd-window-private.h"

struct _SdWindow
{
  AdwApplicationWindow  parent_instance;

  SdContext            *context;
  GCancellable         *cancellable;
  GHashTable           *removed_tasks;
  gboolean              ready;

  SdComposer           *composer;
  SdScrollSlice        *rows;                    /* what the list view makes rows for */
  SdPosterLoader       *poster_loader;
  guint                 load_more_source;
  guint                 after_first_frame_source;
  SdWindowNotices      *notices;
  SdWindowHistory      *history;                 /* search and filters */
  SdWindowSelection    *selector;                /* acting on many */
  SdWindowDays         *days;                    /* the day headers */
  SdWindowDetails      *details;                 /* the selected task's */
  SdWindowGrid         *grid;                    /* poster frames instead of rows */

  /* Template widgets */
  GtkWidget            *demo_label;
  GtkMenuButton        *primary_menu_button;
  GMenuModel           *primary_menu;
  GMenuModel           *demo_menu;
  SdBalanceLabel       *balance_label;
  SdNoticeBar          *notice_bar;
  AdwToastOverlay      *toast_overlay;
  GtkStack             *main_stack;
  AdwLeaflet           *leaflet;
  GtkScrolledWindow    *composer_scroller;
  GtkStack             *results_stack;
  GtkScrolledWindow    *results_scroller;
  GtkListView          *list_view;
  GtkMultiSelection    *selection;
  GtkRevealer          *switcher_revealer;
  SdWelcomePage        *welcome_page;
  AdwToastOverlay      *welcome_toast_overlay;
};

G_DEFINE_FINAL_TYPE (SdWindow, sd_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_CONTEXT,
  PROP_READY,
  PROP_PANE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* GTK 4.8's list view makes a row for up to 200 items whatever it shows:
 * it is given a slice of the list (SdScrollSlice), which starts with
 * enough tasks to fill the window (a row is at least ~60 px tall), so a
 * long history does not delay the first frame, and grows as it scrolls.
 * A maximized window gets the most. */
#define FIRST_SCREEN_ROWS_MAX 20
#define MIN_ROW_HEIGHT 56

static guint
get_first_screen_rows (SdWindow *self)
{
  GSettings *settings = sd_context_get_settings (self->context);
  int height = settings != NULL ? g_settings_get_int (settings, "window-height") : 0;

  if (height <= 0 || g_settings_get_boolean (settings, "window-maximized"))
    return FIRST_SCREEN_ROWS_MAX;
  return MIN (FIRST_SCREEN_ROWS_MAX, (guint) height / MIN_ROW_HEIGHT + 1);
}

/* The service reads the history a page at a time: the next page is read,
 * from an idle, when fewer than two screens of rows are left below. */
static gboolean
load_more_cb (gpointer user_data)
{
  SdWindow *self = user_data;

  self->load_more_source = 0;
  sd_service_load_more (sd_context_get_service (self->context), SD_SERVICE_HISTORY_PAGE);
  return G_SOURCE_REMOVE;
}

static void
on_results_scrolled_cb (SdWindow *self)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->results_scroller);
  double page_size = gtk_adjustment_get_page_size (adjustment);

  /* Until the slice shows every task, its end is not the list's end. */
  if (!sd_scroll_slice_get_complete (self->rows))
    return;
  if (self->history != NULL && _sd_window_history_is_active (self->history))
    {
      if (page_size > 0 && gtk_adjustment_get_value (adjustment) + page_size >
                           gtk_adjustment_get_upper (adjustment) - 2 * page_size)
        _sd_window_history_load_more (self->history);
      return;
    }
  if (self->load_more_source != 0 || page_size <= 0 ||
      !sd_service_get_has_more (sd_context_get_service (self->context)))
    return;
  if (gtk_adjustment_get_value (adjustment) + page_size >
      gtk_adjustment_get_upper (adjustment) - 2 * page_size)
    self->load_more_source = g_idle_add (load_more_cb, self);
}

/* Built when the history is first empty: a stack measures its hidden pages
 * too, and a status page's large title and wrapped description cost a
 * start with a history as much as the rows on screen. */
static void
ensure_empty_page (SdWindow *self)
{
  AdwStatusPage *page;

  if (gtk_stack_get_child_by_name (self->results_stack, "empty") != NULL)
    return;
  page = ADW_STATUS_PAGE (adw_status_page_new ());
  adw_status_page_set_icon_name (page, "camera-video-symbolic");
  adw_status_page_set_title (page, _("No Videos Yet"));
  adw_status_page_set_description (page, _("Describe a scene, add reference images, and press "
                                           "Generate. Finished videos are saved to your Videos folder."));
  gtk_widget_add_css_class (GTK_WIDGET (page), "compact");
  gtk_stack_add_named (self->results_stack, GTK_WIDGET (page), "empty");
}

static void
update_results_page (SdWindow *self)
{
  guint n_items = g_list_model_get_n_items (G_LIST_MODEL (self->selection));
  const char *page = n_items > 0 ? "list" : "empty";

  /* a query's first page keeps the list until it comes */
  if (n_items == 0 && self->history != NULL && _sd_window_history_is_active (self->history))
    page = _sd_window_history_is_loading (self->history) ? "list" : "no-match";
  if (g_str_equal (page, "empty"))
    ensure_empty_page (self);
  gtk_stack_set_visible_child_name (self->results_stack, page);
}

SdWindowHistory *
_sd_window_get_history (SdWindow *self)
{
  return self->history;
}

SdWindowDetails *
_sd_window_get_details (SdWindow *self)
{
  return self->details;
}

void
_sd_window_history_set_active (SdWindow *self,
                               gboolean  active)
{
  GListModel *model = active ? _sd_window_history_get_matches (self->history)
                             : sd_service_get_tasks (sd_context_get_service (self->context));

  if (gtk_multi_selection_get_model (self->selection) != model)
    gtk_multi_selection_set_model (self->selection, model);
  update_results_page (self);
}

SdWindowSelection *
_sd_window_get_selection (SdWindow *self)
{
  return self->selector;
}

void
_sd_window_history_changed (SdWindow *self)
{
  update_results_page (self);
}

static void
set_pane (SdWindow   *self,
          const char *pane)
{
  adw_leaflet_set_visible_child_name (self->leaflet, pane);
}

static void
on_visible_pane_changed_cb (SdWindow *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PANE]);
}

static void
on_show_toast_cb (SdWindow *self,
                  AdwToast *toast)
{
  sd_window_add_toast (self, g_object_ref (toast));
}

/* Most starts have a token: the welcome page is built when first shown. */
static void
ensure_welcome_page (SdWindow *self)
{
  if (self->welcome_page != NULL)
    return;

  self->welcome_page = SD_WELCOME_PAGE (sd_welcome_page_new ());
  sd_welcome_page_set_context (self->welcome_page, self->context);
  g_signal_connect_object (self->welcome_page, "show-toast",
                           G_CALLBACK (on_show_toast_cb), self, G_CONNECT_SWAPPED);
  gtk_stack_add_named (self->main_stack, GTK_WIDGET (self->welcome_page), "welcome");
}

static void
update_main_page (SdWindow *self)
{
  gboolean welcome = self->ready && !sd_context_get_has_token (self->context);

  if (welcome)
    ensure_welcome_page (self);
  gtk_stack_set_visible_child_name (self->main_stack, welcome ? "welcome" : "main");
}

static void
on_composer_submitted_cb (SdWindow *self,
                          SdTask   *task)
{
  if (adw_leaflet_get_folded (self->leaflet))
    set_pane (self, "results");

  _sd_window_note_submitted (self, task);
  sd_window_show_task (self, sd_task_get_id (task));
}

static void
on_tasks_changed_cb (SdWindow   *self,
                     guint       position,
                     guint       removed,
                     guint       added,
                     GListModel *model)
{
  /* a removed or new task: the query is asked again */
  if (self->history != NULL)
    _sd_window_history_refresh (self->history);
  update_results_page (self);
}

static void
on_has_token_changed_cb (SdWindow   *self,
                         GParamSpec *pspec,
                         SdContext  *context)
{
  update_main_page (self);
}

static void
on_list_activated_cb (GtkListView *list_view,
                      guint        position,
                      SdWindow    *self)
{
  g_autoptr(SdTask) task = g_list_model_get_item (G_LIST_MODEL (self->selection), position);

  if (task != NULL &&
      (sd_task_get_local_file (task) != NULL || sd_task_get_video_url (task) != NULL))
    sd_window_play_task (self, task);
}

/* The rows look model names up in the catalogue; they follow their item. */
static void
on_task_row_setup_cb (GtkSignalListItemFactory *factory,
                      GtkListItem              *item,
                      SdWindow                 *self)
{
  GtkWidget *row = sd_task_row_new ();

  sd_task_row_set_catalog (SD_TASK_ROW (row), sd_context_get_catalog (self->context));
  sd_task_row_set_poster_loader (SD_TASK_ROW (row), self->poster_loader);
  gtk_list_item_set_child (item, _sd_window_days_wrap_row (row));
}

static void
on_task_row_bind_cb (GtkSignalListItemFactory *factory,
                     GtkListItem              *item,
                     SdWindow                 *self)
{
  GtkWidget *row = _sd_window_days_get_row (gtk_list_item_get_child (item));

  sd_task_row_set_task (SD_TASK_ROW (row), gtk_list_item_get_item (item));
  if (self->days != NULL)
    _sd_window_days_bind (self->days, item);
}

static void
on_task_row_unbind_cb (GtkSignalListItemFactory *factory,
                       GtkListItem              *item,
                       SdWindow                 *self)
{
  GtkWidget *row = _sd_window_days_get_row (gtk_list_item_get_child (item));

  sd_task_row_set_task (SD_TASK_ROW (row), NULL);
  if (self->days != NULL)
    _sd_window_days_unbind (self->days, item);
}

static gboolean
focus_is_in_text (SdWindow *self)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

  return focus != NULL && (GTK_IS_EDITABLE (focus) || GTK_IS_TEXT_VIEW (focus));
}

static void
generate_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  SdWindow *self = SD_WINDOW (widget);

  gtk_widget_activate_action (GTK_WIDGET (self->composer), "composer.generate", NULL);
}

static void
focus_prompt_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  SdWindow *self = SD_WINDOW (widget);

  set_pane (self, "composer");
  gtk_widget_activate_action (GTK_WIDGET (self->composer), "composer.focus-prompt", NULL);
}

static void
paste_images_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  SdWindow *self = SD_WINDOW (widget);

  /* Text fields paste text themselves. */
  if (focus_is_in_text (self))
    return;

  gtk_widget_activate_action (GTK_WIDGET (self->composer), "composer.paste-images", NULL);
}

static void
remove_selected_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  gtk_widget_activate_action (widget, "win.remove-selection", NULL);
}

static void undo_draft_action (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter);

/* Ctrl+E: Continue from Last Frame on the selected task. */
static void
continue_selected_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  SdWindow *self = SD_WINDOW (widget);
  SdTask *task = _sd_window_selection_get_current (self->selector);

  if (task != NULL)
    gtk_widget_activate_action (widget, "win.continue-task", "s", sd_task_get_id (task));
}

static void
find_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SdWindow *self = SD_WINDOW (widget);

  sd_window_show_results (self);
  _sd_window_history_find (self->history);
}

static void
toggle_favourite_selected_action (GtkWidget  *widget,
                                  const char *action_name,
                                  GVariant   *parameter)
{
  SdWindow *self = SD_WINDOW (widget);

  /* Ctrl+D while typing a prompt stars nothing */
  if (!focus_is_in_text (self))
    _sd_window_selection_toggle_favourite (self->selector);
}

static void
undo_remove_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  SdWindow *self = SD_WINDOW (widget);
  const char *task_id = g_variant_get_string (parameter, NULL);
  g_autofree char *key = NULL;
  g_autoptr(SdTask) task = NULL;
  g_autoptr(GError) error = NULL;

  if (!g_hash_table_steal_extended (self->removed_tasks, task_id,
                                    (gpointer *) &key, (gpointer *) &task))
    return;

  if (!sd_service_restore (sd_context_get_service (self->context), task, &error))
    sd_window_show_message (self, error->message);
}

/* Notices ---------------------------------------------------------------------- */

static void
on_notice_dismissed_cb (SdWindow *self)
{
  if (self->notices != NULL)
    _sd_window_notices_dismiss_shown (self->notices);
}

static void
retry_connection_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  SdWindow *self = SD_WINDOW (widget);

  /* The network monitor can be wrong (a VPN, a container): asking again
   * either works or brings the notice back. */
  sd_service_set_online (sd_context_get_service (self->context), TRUE);
}

/* The server's own words are by Generate; the bar says what it means. */
static void
token_refused_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  sd_window_set_notice (SD_WINDOW (widget), SD_NOTICE_TOKEN,
                        _("The server refused the API token: nothing can be generated "
                          "until it is replaced."));
}

/* A composer found the server takes no uploads: @parameter says so. */
static void
no_uploads_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  sd_window_set_notice (SD_WINDOW (widget), SD_NOTICE_NO_UPLOADS,
                        g_variant_get_string (parameter, NULL));
}

/* A composer's uploads could not be kept for the next run (a full disk):
 * @parameter is the uploader's sentence, or nothing once a save worked. */
static void
upload_cache_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  g_autoptr(GVariant) sentence = g_variant_get_maybe (parameter);
  g_autofree char *text = NULL;

  if (sentence != NULL)
    text = g_strdup_printf ("%s %s", g_variant_get_string (sentence, NULL),
                            _("The links work, but the files will be uploaded again next time."));
  sd_window_set_notice (SD_WINDOW (widget), SD_NOTICE_UPLOAD_CACHE, text);
}

static void
save_window_state (SdWindow *self)
{
  GSettings *settings = sd_context_get_settings (self->context);
  int width, height;

  if (settings == NULL)
    return;
  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_delay (settings);
  g_settings_set_int (settings, "window-width", width);
  g_settings_set_int (settings, "window-height", height);
  g_settings_set_boolean (settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
  g_settings_apply (settings);
}

static void
restore_window_state (SdWindow *self)
{
  GSettings *settings = sd_context_get_settings (self->context);

  /* without the schema: the schema's default size */
  if (settings == NULL)
    {
      gtk_window_set_default_size (GTK_WINDOW (self), 1100, 720);
      return;
    }
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (settings, "window-width"),
                               g_settings_get_int (settings, "window-height"));
  if (g_settings_get_boolean (settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static gboolean
sd_window_close_request (GtkWindow *window)
{
  SdWindow *self = SD_WINDOW (window);

  /* The service keeps running: tasks finish and resume without the window. */
  g_cancellable_cancel (self->cancellable);
  save_window_state (self);

  return GTK_WINDOW_CLASS (sd_window_parent_class)->close_request (window);
}

static void
set_menu_on_popup_cb (GtkMenuButton *button,
                      gpointer       user_data)
{
  if (gtk_menu_button_get_menu_model (button) == NULL)
    gtk_menu_button_set_menu_model (button, user_data);
}

/* A GtkMenuButton given its menu model builds the GtkPopoverMenu at once:
 * ~0.5 ms each, none of them seen at start. */
void
_sd_window_set_menu_on_popup (GtkMenuButton *button,
                              GMenuModel    *menu)
{
  gtk_menu_button_set_create_popup_func (button, set_menu_on_popup_cb,
                                         g_object_ref (menu), g_object_unref);
}

/* What the first frame does not show starts once it is painted. */
static gboolean
after_first_frame_cb (gpointer user_data)
{
  SdWindow *self = user_data;

  self->after_first_frame_source = 0;
  g_debug ("First frame painted: asking the balance");
  /* hidden until it has an answer */
  sd_balance_label_set_context (self->balance_label, self->context);
  return G_SOURCE_REMOVE;
}

static void
on_first_paint_cb (SdWindow      *self,
                   GdkFrameClock *clock)
{
  g_signal_handlers_disconnect_by_func (clock, on_first_paint_cb, self);
  if (self->after_first_frame_source == 0)
    self->after_first_frame_source =
      g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, after_first_frame_cb, self, NULL);
}

static void
on_realized_cb (SdWindow *self)
{
  g_signal_handlers_disconnect_by_func (self, on_realized_cb, self);
  g_signal_connect_object (gtk_widget_get_frame_clock (GTK_WIDGET (self)), "after-paint",
                           G_CALLBACK (on_first_paint_cb), self, G_CONNECT_SWAPPED);
}

static void
sd_window_constructed (GObject *object)
{
  SdWindow *self = SD_WINDOW (object);
  GListModel *tasks = sd_service_get_tasks (sd_context_get_service (self->context));
  GtkAdjustment *adjustment;

  G_OBJECT_CLASS (sd_window_parent_class)->constructed (object);

  self->composer = SD_COMPOSER (sd_composer_new (self->context));
  gtk_scrolled_window_set_child (self->composer_scroller, GTK_WIDGET (self->composer));
  g_signal_connect_object (self->composer, "submitted",
                           G_CALLBACK (on_composer_submitted_cb), self, G_CONNECT_SWAPPED);

  self->rows = sd_scroll_slice_new (GTK_SELECTION_MODEL (self->selection),
                                    get_first_screen_rows (self));
  sd_scroll_slice_set_scroller (self->rows, self->results_scroller);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->rows));
  self->history = _sd_window_history_new (self, self->toast_overlay, self->results_stack,
                                          GTK_WIDGET (self->list_view));
  self->selector = _sd_window_selection_new (self, self->selection,
                                             GTK_BOX (gtk_widget_get_parent (GTK_WIDGET (self->results_stack))));
  self->details = _sd_window_details_new (self, self->toast_overlay,
                                          GTK_SELECTION_MODEL (self->selection), self->leaflet);
  /* GTK 4.8's grid view makes up to 200 tiles too: it shows the same slice. */
  self->grid = _sd_window_grid_new (self, self->results_scroller,
                                    GTK_SELECTION_MODEL (self->rows), self->poster_loader);
  /* The list view makes its rows as soon as it has items: only once the
   * results pane is in its place (moving it makes them again) and the
   * action groups the rows' menus look up are in the window. */
  gtk_multi_selection_set_model (self->selection, tasks);
  g_signal_connect_object (tasks, "items-changed",
                           G_CALLBACK (on_tasks_changed_cb), self, G_CONNECT_SWAPPED);
  update_results_page (self);
  adjustment = gtk_scrolled_window_get_vadjustment (self->results_scroller);
  g_signal_connect_object (adjustment, "value-changed",
                           G_CALLBACK (on_results_scrolled_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (adjustment, "changed",
                           G_CALLBACK (on_results_scrolled_cb), self, G_CONNECT_SWAPPED);

  _sd_window_set_menu_on_popup (self->primary_menu_button, self->primary_menu);
  _sd_window_set_menu_on_popup (GTK_MENU_BUTTON (self->demo_label), self->demo_menu);
  g_object_bind_property (self->context, "demo", self->demo_label, "visible",
                          G_BINDING_SYNC_CREATE);
  g_signal_connect (self, "realize", G_CALLBACK (on_realized_cb), self);
  _sd_window_add_batch_drop_target (self);
  _sd_window_notices_follow (self->notices, self->context);
  g_signal_connect_object (self->context, "notify::has-token",
                           G_CALLBACK (on_has_token_changed_cb), self, G_CONNECT_SWAPPED);
  update_main_page (self);

  g_object_bind_property (self->leaflet, "folded", self->switcher_revealer, "reveal-child",
                          G_BINDING_SYNC_CREATE);
  g_signal_connect_object (self->leaflet, "notify::visible-child-name",
                           G_CALLBACK (on_visible_pane_changed_cb), self, G_CONNECT_SWAPPED);

  restore_window_state (self);
}

static void
sd_window_dispose (GObject *object)
{
  SdWindow *self = SD_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->load_more_source, g_source_remove);
  g_clear_handle_id (&self->after_first_frame_source, g_source_remove);
  g_clear_pointer (&self->notices, _sd_window_notices_free);
  g_clear_pointer (&self->history, _sd_window_history_free);
  g_clear_pointer (&self->selector, _sd_window_selection_free);
  g_clear_pointer (&self->details, _sd_window_details_free);
  g_clear_pointer (&self->grid, _sd_window_grid_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), SD_TYPE_WINDOW);
  g_clear_pointer (&self->days, _sd_window_days_free);
  g_clear_object (&self->rows);
  g_clear_object (&self->poster_loader);

  G_OBJECT_CLASS (sd_window_parent_class)->dispose (object);
}

static void
sd_window_finalize (GObject *object)
{
  SdWindow *self = SD_WINDOW (object);

  g_clear_object (&self->context);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->removed_tasks, g_hash_table_unref);

  G_OBJECT_CLASS (sd_window_parent_class)->finalize (object);
}

static void
sd_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  SdWindow *self = SD_WINDOW (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      g_value_set_object (value, self->context);
      break;

    case PROP_READY:
      g_value_set_boolean (value, self->ready);
      break;

    case PROP_PANE:
      /* The action muxer reads it before the template is built. */
      g_value_set_string (value, self->leaflet != NULL
                                 ? adw_leaflet_get_visible_child_name (self->leaflet)
                                 : "composer");
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  SdWindow *self = SD_WINDOW (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      self->context = g_value_dup_object (value);
      break;

    case PROP_READY:
      sd_window_set_ready (self, g_value_get_boolean (value));
      break;

    case PROP_PANE:
      /* The leaflet's notification is the window's. */
      set_pane (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_window_class_init (SdWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = sd_window_constructed;
  object_class->dispose = sd_window_dispose;
  object_class->finalize = sd_window_finalize;
  object_class->get_property = sd_window_get_property;
  object_class->set_property = sd_window_set_property;

  window_class->close_request = sd_window_close_request;

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL,
                         SD_TYPE_CONTEXT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_READY] =
    g_param_spec_boolean ("ready", NULL, NULL,
                          FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PANE] =
    g_param_spec_string ("pane", NULL, NULL,
                         "composer",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The resources are in a static library: naming them links them in, and
   * their constructor registers them. */
  g_assert (sd_gui_get_resource () != NULL);

  g_type_ensure (SD_TYPE_BALANCE_LABEL);
  g_type_ensure (SD_TYPE_NOTICE_BAR);
  g_type_ensure (SD_TYPE_TASK_ROW);
  g_type_ensure (SD_TYPE_WELCOME_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/seedancestudio/SeedanceStudio/gui/sd-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SdWindow, demo_label);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, primary_menu_button);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, primary_menu);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, demo_menu);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, balance_label);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, notice_bar);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, welcome_toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, composer_scroller);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, results_stack);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, list_view);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, selection);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, switcher_revealer);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, results_scroller);
  gtk_widget_class_bind_template_callback (widget_class, on_list_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_notice_dismissed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_task_row_setup_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_task_row_bind_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_task_row_unbind_cb);

  gtk_widget_class_install_action (widget_class, "win.generate", NULL, generate_action);
  gtk_widget_class_install_action (widget_class, "win.focus-prompt", NULL, focus_prompt_action);
  gtk_widget_class_install_action (widget_class, "win.paste-images", NULL, paste_images_action);
  gtk_widget_class_install_action (widget_class, "win.remove-selected", NULL, remove_selected_action);
  gtk_widget_class_install_action (widget_class, "win.undo-remove", "s", undo_remove_action);
  gtk_widget_class_install_action (widget_class, "win.find", NULL, find_action);
  gtk_widget_class_install_action (widget_class, "win.toggle-favourite-selected", NULL,
                                   toggle_favourite_selected_action);
  gtk_widget_class_install_action (widget_class, "win.undo-draft", NULL, undo_draft_action);
  gtk_widget_class_install_action (widget_class, "win.continue-selected", NULL, continue_selected_action);
  gtk_widget_class_install_action (widget_class, "win.retry-connection", NULL, retry_connection_action);
  gtk_widget_class_install_action (widget_class, "win.token-refused", NULL, token_refused_action);
  gtk_widget_class_install_action (widget_class, "win.no-uploads", "s", no_uploads_action);
  gtk_widget_class_install_action (widget_class, "win.upload-cache", "ms", upload_cache_action);
  gtk_widget_class_install_property_action (widget_class, "win.pane", "pane");
  _sd_window_class_install_task_actions (widget_class);
  _sd_window_class_install_continue_actions (widget_class);
  _sd_window_class_install_selection_actions (widget_class);

  /* Bubble phase: a focused text field handles Ctrl+V before the window. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_v, GDK_CONTROL_MASK,
                                       "win.paste-images", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK,
                                       "win.find", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_d, GDK_CONTROL_MASK,
                                       "win.toggle-favourite-selected", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK,
                                       "win.continue-selected", NULL);
}

static void
sd_window_init (SdWindow *self)
{
  self->cancellable = g_cancellable_new ();
  self->removed_tasks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);

  /* Before the template: its list view may make rows at once. */
  self->poster_loader = sd_poster_loader_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  self->notices = _sd_window_notices_new (self->notice_bar);
  self->days = _sd_window_days_new (G_LIST_MODEL (self->selection));
  sd_poster_loader_set_scroller (self->poster_loader, self->results_scroller);
  sd_toasts_watch (GTK_WIDGET (self));
}

SdWindow *
sd_window_new (GtkApplication *application,
               SdContext      *context)
{
  g_return_val_if_fail (application == NULL || GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (SD_IS_CONTEXT (context), NULL);

  return g_object_new (SD_TYPE_WINDOW,
                       "application", application,
                       "context", context,
                       NULL);
}

SdContext *
sd_window_get_context (SdWindow *self)
{
  g_return_val_if_fail (SD_IS_WINDOW (self), NULL);

  return self->context;
}

SdComposer *
sd_window_get_composer (SdWindow *self)
{
  g_return_val_if_fail (SD_IS_WINDOW (self), NULL);

  return self->composer;
}

GCancellable *
sd_window_get_cancellable (SdWindow *self)
{
  g_return_val_if_fail (SD_IS_WINDOW (self), NULL);

  return self->cancellable;
}

void
sd_window_set_ready (SdWindow *self,
                     gboolean  ready)
{
  g_return_if_fail (SD_IS_WINDOW (self));

  ready = !!ready;
  if (self->ready == ready)
    return;

  self->ready = ready;
  if (ready)
    _sd_window_notices_add_startup (self->notices, self->context);
  update_main_page (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READY]);
}

void
sd_window_add_toast (SdWindow *self,
                     AdwToast *toast)
{
  gboolean welcome;

  g_return_if_fail (SD_IS_WINDOW (self));
  g_return_if_fail (ADW_IS_TOAST (toast));

  /* the welcome page has no Generate to cover */
  welcome = self->welcome_page != NULL &&
            gtk_stack_get_visible_child (self->main_stack) == GTK_WIDGET (self->welcome_page);
  adw_toast_overlay_add_toast (welcome ? self->welcome_toast_overlay : self->toast_overlay, toast);
}

void
sd_window_set_notice (SdWindow     *self,
                      SdNoticeKind  kind,
                      const char   *text)
{
  g_return_if_fail (SD_IS_WINDOW (self));
  g_return_if_fail ((guint) kind < SD_N_NOTICES);

  if (self->notices != NULL)
    _sd_window_notices_set (self->notices, kind, text);
}

const char *
sd_window_get_notice (SdWindow *self)
{
  g_return_val_if_fail (SD_IS_WINDOW (self), NULL);

  if (!sd_notice_bar_get_revealed (self->notice_bar))
    return NULL;
  return sd_notice_bar_get_title (self->notice_bar);
}

void
sd_window_show_message (SdWindow   *self,
                        const char *text)
{
  g_autofree char *escaped = NULL;

  g_return_if_fail (SD_IS_WINDOW (self));
  g_return_if_fail (text != NULL);

  escaped = g_markup_escape_text (text, -1);
  sd_window_add_toast (self, adw_toast_new (escaped));
}

static gboolean
find_task_position (GListModel *model,
                    const char *task_id,
                    guint      *position)
{
  guint n_items = g_list_model_get_n_items (model);

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(SdTask) task = g_list_model_get_item (model, i);

      if (g_strcmp0 (sd_task_get_id (task), task_id) == 0)
        {
          *position = i;
          return TRUE;
        }
    }

  return FALSE;
}

void
sd_window_show_task (SdWindow   *self,
                     const char *task_id)
{
  guint position;

  g_return_if_fail (SD_IS_WINDOW (self));
  g_return_if_fail (task_id != NULL);

  sd_window_show_results (self);
  /* Reads the task from the history when no page has loaded it yet. */
  sd_service_lookup (sd_context_get_service (self->context), task_id);
  if (!find_task_position (G_LIST_MODEL (self->selection), task_id, &position))
    return;

  sd_scroll_slice_ensure (self->rows, position);

  gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->selection), position, TRUE);
  gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item",
                              "u", position);
}

void
sd_window_show_results (SdWindow *self)
{
  g_return_if_fail (SD_IS_WINDOW (self));

  gtk_stack_set_visible_child_name (self->main_stack, "main");
  if (adw_leaflet_get_folded (self->leaflet))
    set_pane (self, "results");
}

void
sd_window_play_task (SdWindow *self,
                     SdTask   *task)
{
  GtkWidget *video_window;

  g_return_if_fail (SD_IS_WINDOW (self));
  g_return_if_fail (SD_IS_TASK (task));

  video_window = sd_video_window_new (task, G_LIST_MODEL (self->selection));
  gtk_window_set_transient_for (GTK_WINDOW (video_window), GTK_WINDOW (self));
  gtk_window_set_destroy_with_parent (GTK_WINDOW (video_window), TRUE);
  gtk_window_present (GTK_WINDOW (video_window));
}

static gboolean
strv_is_empty (const char * const *strv)
{
  return strv == NULL || strv[0] == NULL;
}

/* Something typed or added that loading another request would lose. */
static gboolean
draft_has_content (SdRequest *draft)
{
  const char *prompt = sd_request_get_prompt (draft);

  while (prompt != NULL && g_ascii_isspace (*prompt))
    prompt++;
  return (prompt != NULL && *prompt != '\0') ||
         sd_request_get_first_image (draft) != NULL ||
         sd_request_get_last_image (draft) != NULL ||
         !strv_is_empty (sd_request_get_images (draft)) ||
         !strv_is_empty (sd_request_get_reference_videos (draft)) ||
         !strv_is_empty (sd_request_get_reference_audios (draft));
}

static void
undo_draft_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  SdWindow *self = SD_WINDOW (widget);
  g_autoptr(SdRequest) draft = g_object_steal_data (G_OBJECT (self), "sd-replaced-draft");

  if (draft == NULL)
    return;
  g_debug ("Restoring the replaced draft");
  sd_composer_load_request (self->composer, draft);
  set_pane (self, "composer");
}

void
sd_window_reuse_request (SdWindow  *self,
                         SdRequest *request)
{
  SdRequest *draft;

  g_return_if_fail (SD_IS_WINDOW (self));
  g_return_if_fail (SD_IS_REQUEST (request));

  /* Nothing typed is lost silently: the draft comes back with Undo. */
  draft = sd_composer_get_request (self->composer);
  if (draft_has_content (draft))
    {
      AdwToast *toast = adw_toast_new (_("Draft replaced"));

      g_object_set_data_full (G_OBJECT (self), "sd-replaced-draft",
                              sd_request_copy (draft), g_object_unref);
      adw_toast_set_button_label (toast, _("_Undo"));
      adw_toast_set_action_name (toast, "win.undo-draft");
      sd_window_add_toast (self, toast);
    }
  sd_composer_load_request (self->composer, request);
  set_pane (self, "composer");
}

static void
on_undo_toast_dismissed_cb (SdWindow *self,
                            AdwToast *toast)
{
  /* Too late to undo: the window lets go of the task. */
  g_hash_table_remove (self->removed_tasks, g_object_get_data (G_OBJECT (toast), "task-id"));
}

void
sd_window_remove_task (SdWindow *self,
                       SdTask   *task)
{
  g_autoptr(GError) error = NULL;
  AdwToast *toast;

  g_return_if_fail (SD_IS_WINDOW (self));
  g_return_if_fail (SD_IS_TASK (task));

  if (!sd_service_remove (sd_context_get_service (self->context), task, &error))
    {
      sd_window_show_message (self, error->message);
      return;
    }

  g_hash_table_replace (self->removed_tasks, g_strdup (sd_task_get_id (task)),
                        g_object_ref (task));

  toast = adw_toast_new (_("Removed from history"));
  g_object_set_data_full (G_OBJECT (toast), "task-id", g_strdup (sd_task_get_id (task)), g_free);
  g_signal_connect_object (toast, "dismissed",
                           G_CALLBACK (on_undo_toast_dismissed_cb), self, G_CONNECT_SWAPPED);
  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_action_name (toast, "win.undo-remove");
  adw_toast_set_action_target_value (toast, g_variant_new_string (sd_task_get_id (task)));
  sd_window_add_toast (self, toast);
}

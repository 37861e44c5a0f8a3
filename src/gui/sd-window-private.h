/* sd-window-private.h: what the window's files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "sd-notice-bar.h"
#include "sd-poster-loader.h"
#include "sd-store-query.h"
#include "sd-window.h"

G_BEGIN_DECLS

/* sd-window-actions.c: the win.*-task actions the result rows activate,
 * each with the task id as its "s" parameter. */
void _sd_window_class_install_task_actions (GtkWidgetClass *widget_class);
/* A drop of a .jsonl file anywhere on the window opens Import Batch
 * (win.import-batch-file, "s": its URI); the composer's lists pass theirs. */
void _sd_window_add_batch_drop_target      (SdWindow       *self);
/* sd-window.c: @button gets @menu when it first pops up (a click, F10,
 * the Menu key), so that no popover is built at start. */
void _sd_window_set_menu_on_popup          (GtkMenuButton  *button,
                                            GMenuModel     *menu);
/* sd-window-queue-actions.c */
void _sd_window_class_install_queue_actions (GtkWidgetClass *widget_class);

/* sd-window-history.c: the search bar, the filter menu ("history.*"
 * actions) and the store's answer to them. */
/* sd-window-notices.c: the notice bar and what it follows */
typedef struct _SdWindowNotices SdWindowNotices;

SdWindowNotices *_sd_window_notices_new           (SdNoticeBar     *bar);
void             _sd_window_notices_free          (SdWindowNotices *self);
void             _sd_window_notices_set           (SdWindowNotices *self,
                                                   SdNoticeKind     kind,
                                                   const char      *text);
void             _sd_window_notices_dismiss_shown (SdWindowNotices *self);
void             _sd_window_notices_follow        (SdWindowNotices *self,
                                                   SdContext       *context);
void             _sd_window_notices_add_startup   (SdWindowNotices *self,
                                                   SdContext       *context);

typedef struct _SdWindowHistory SdWindowHistory;

SdWindowHistory *_sd_window_history_new       (SdWindow        *window,
                                               AdwToastOverlay *overlay,
                                               GtkStack        *results_stack,
                                               GtkWidget       *list_view);
void             _sd_window_history_free      (SdWindowHistory *self);
gboolean         _sd_window_history_is_active (SdWindowHistory *self);
gboolean         _sd_window_history_is_loading (SdWindowHistory *self);
GListModel      *_sd_window_history_get_matches (SdWindowHistory *self);
void             _sd_window_history_load_more (SdWindowHistory *self);
void             _sd_window_history_refresh   (SdWindowHistory *self);
void             _sd_window_history_clear     (SdWindowHistory *self);
void             _sd_window_history_find      (SdWindowHistory *self);
/* The query the list shows now (search and filters), to act on it all. */
SdTaskQuery     *_sd_window_history_build_query (SdWindowHistory *self);
/* A reader of the window's history, for queries off the main thread;
 * NULL (the user told why) when none can be opened. */
SdStore         *_sd_window_history_get_reader (SdWindowHistory *self);

/* sd-window.c, for sd-window-history.c: NULL once disposed. */
SdWindowHistory *_sd_window_get_history        (SdWindow *self);
/* The list shows the matches (TRUE) or the service's tasks. */
void             _sd_window_history_set_active (SdWindow *self,
                                                gboolean  active);
/* The matches changed: the results page follows. */
void             _sd_window_history_changed    (SdWindow *self);

/* sd-window-details.c: the selected task's details, in a pane beside the
 * results (the "results.show-details" toggle) or, folded, a dialog. */
typedef struct _SdWindowDetails SdWindowDetails;

SdWindowDetails *_sd_window_details_new  (SdWindow          *window,
                                          AdwToastOverlay   *overlay,
                                          GtkSelectionModel *selection,
                                          AdwLeaflet        *leaflet);
void             _sd_window_details_free (SdWindowDetails   *self);
void             _sd_window_details_show (SdWindowDetails   *self);

/* sd-window.c, for sd-window-actions.c: NULL once disposed. */
SdWindowDetails *_sd_window_get_details  (SdWindow *self);

/* sd-window-grid.c: the "grid.show" toggle, a grid of poster frames in
 * the results scroller in place of its list, over the same selection. */
typedef struct _SdWindowGrid SdWindowGrid;

SdWindowGrid *_sd_window_grid_new  (SdWindow          *window,
                                    GtkScrolledWindow *scroller,
                                    GtkSelectionModel *selection,
                                    SdPosterLoader    *poster_loader);
void          _sd_window_grid_free (SdWindowGrid      *self);

/* sd-window-continue.c: win.continue-task and win.select-task ("s"), and
 * the link of a task made from a continued one's last frame. */
void _sd_window_class_install_continue_actions (GtkWidgetClass *widget_class);
void _sd_window_note_submitted                 (SdWindow       *self,
                                                SdTask         *task);

/* sd-window-selection.c: acting on many tasks (the selection bar, its
 * win.*-selection actions, Select All of a whole view). */
typedef struct _SdWindowSelection SdWindowSelection;

SdWindowSelection *_sd_window_selection_new  (SdWindow          *window,
                                              GtkMultiSelection *selection,
                                              GtkBox            *results_box);
void               _sd_window_selection_free (SdWindowSelection *self);
/* The task Ctrl+E and the like act on: the one selected, else the focused
 * row when it is among the selected. */
SdTask            *_sd_window_selection_get_current (SdWindowSelection *self);
/* Ctrl+D: the star of the task selected, or of every one (all on, unless
 * they all have it). */
void               _sd_window_selection_toggle_favourite (SdWindowSelection *self);
/* A selected task changed (a row's star): the bar's actions follow. */
void               _sd_window_selection_update (SdWindowSelection *self);
/* The removals Undo may bring back: toast key → SdStoreRemoval. */
GHashTable        *_sd_window_selection_get_undo (SdWindowSelection *self);
void               _sd_window_class_install_selection_actions (GtkWidgetClass *widget_class);
/* sd-window.c, for sd-window-selection.c: NULL once disposed. */
SdWindowSelection *_sd_window_get_selection  (SdWindow          *self);

/* sd-window-remove.c: removing with the question about the saved videos,
 * and Undo. */
/* Removes @tasks, first asking about their saved videos when they have any. */
void               _sd_window_remove_tasks   (SdWindow          *window,
                                              GPtrArray         *tasks);
/* Removes @ids (taken) after asking "@heading" (@body), offering to
 * delete their videos too when @offer_delete. */
void               _sd_window_remove_ids_asking (SdWindow       *window,
                                                 char          **ids,
                                                 const char     *heading,
                                                 const char     *body,
                                                 gboolean        offer_delete);
/* "Clear Completed…" and "Remove Failed…": every task of @query with the
 * status @status_filter (one SdTaskStatusFilter bit), after asking. */
void               _sd_window_remove_matching (SdWindow          *window,
                                               SdTaskQuery       *query,
                                               guint              status_filter);
/* Keeps @query to the tasks of @status_filter too; FALSE when it then
 * keeps none. */
gboolean           _sd_window_query_narrow_to_status (SdTaskQuery *query,
                                                      guint        status_filter);
char             **_sd_window_get_task_ids   (GPtrArray         *tasks);
gboolean           _sd_window_task_has_saved_video (SdTask      *task);
void               _sd_window_class_install_remove_actions (GtkWidgetClass *widget_class);

/* sd-window-days.c: the day headers of the results. */
typedef struct _SdWindowDays SdWindowDays;

SdWindowDays *_sd_window_days_new      (GListModel   *model);
void          _sd_window_days_free     (SdWindowDays *self);
GtkWidget    *_sd_window_days_wrap_row (GtkWidget    *row);
GtkWidget    *_sd_window_days_get_row  (GtkWidget    *child);
void          _sd_window_days_bind     (SdWindowDays *self,
                                        GtkListItem  *item);
void          _sd_window_days_unbind   (SdWindowDays *self,
                                        GtkListItem  *item);
char         *_sd_window_format_day    (gint64        created_at,
                                        GDateTime    *now);

G_END_DECLS

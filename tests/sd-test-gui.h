/* sd-test-gui.h: finding widgets, waiting and starting up, for GUI tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "sd-context.h"
#include "sd-task-row.h"
#include "sd-window.h"

G_BEGIN_DECLS

/* Keeps the system's MIME database, which the isolated data dirs hide (GTK
 * loads its SVG icons by MIME type), then g_test_init() with isolated dirs,
 * gtk_init() and adw_init(). On GTK 4.18 and later, where wrapping labels
 * measured narrower than they ask warn through the structured API that no
 * fatal handler can filter, only criticals stay fatal. */
void       sd_test_gui_init              (int          *argc,
                                          char       ***argv);

/* Runs the main loop until @condition holds; a 20 ms tick looks again when
 * nothing else wakes the loop. After 30 s the test fails, naming @what. */
void       sd_test_gui_run_until         (gboolean    (*condition) (gpointer data),
                                          gpointer      data,
                                          const char   *what);
/* A condition: the gboolean that @data points to. */
gboolean   sd_test_gui_is_true           (gpointer      data);

/* Starts @context and waits until it has; the start must succeed. */
void       sd_test_gui_start_context     (SdContext    *context);

/* A main window of @context (a reference of the caller's), ready and
 * presented; and its end: destroyed and cleared. */
SdWindow  *sd_test_gui_window_new        (SdContext    *context);
void       sd_test_gui_window_destroy    (SdWindow    **window);

/* Answers "go" (send anyway) in every visible dialog that offers it: the
 * pre-flight check of a host that cannot be reached here cannot finish. */
void       sd_test_gui_answer_send_anyway (void);

/* Whether @widget is what the caller looks for. */
typedef gboolean (*SdTestWidgetMatch) (GtkWidget     *widget,
                                       gconstpointer  data);

/* The first widget at or under @widget, depth first, that @match takes. */
GtkWidget *sd_test_gui_find              (GtkWidget         *widget,
                                          SdTestWidgetMatch  match,
                                          gconstpointer      data);
GtkWidget *sd_test_gui_find_by_type      (GtkWidget    *widget,
                                          GType         type);
/* By gtk_widget_get_name(), the buildable id of template children. */
GtkWidget *sd_test_gui_find_by_name      (GtkWidget    *widget,
                                          const char   *name);
/* By accessible label (GTK_A11Y=test). */
GtkWidget *sd_test_gui_find_by_label     (GtkWidget    *widget,
                                          const char   *label);
/* A button whose label is @label, mnemonic included. */
GtkWidget *sd_test_gui_find_button       (GtkWidget    *widget,
                                          const char   *label);
/* Waits (as sd_test_gui_run_until()) until sd_test_gui_find() finds a
 * widget, and returns it. */
GtkWidget *sd_test_gui_wait_for          (GtkWidget         *widget,
                                          SdTestWidgetMatch  match,
                                          gconstpointer      data,
                                          const char        *what);
/* Whether any label at or under @widget has @text in its text. */
gboolean   sd_test_gui_has_label_with    (GtkWidget    *widget,
                                          const char   *text);
void       sd_test_gui_wait_for_label_with (GtkWidget  *widget,
                                            const char *text);
/* Clicks @button as a pointer would: once it and every widget above it
 * take clicks (a toast takes none while it enters, see sd-toasts.c). */
void       sd_test_gui_click_when_it_takes_clicks (GtkWidget *button);

/* Whether @widget's accessible label is @name. */
gboolean   sd_test_gui_is_named          (GtkWidget    *widget,
                                          const char   *name);

/* The row at or under @widget that shows @task; the shown one: mapped. */
SdTaskRow *sd_test_gui_find_row          (GtkWidget    *widget,
                                          SdTask       *task);
SdTaskRow *sd_test_gui_find_shown_row    (GtkWidget    *widget,
                                          SdTask       *task);
/* Waits (as sd_test_gui_run_until()) until @widget has a row of @task. */
SdTaskRow *sd_test_gui_wait_for_row      (GtkWidget    *widget,
                                          SdTask       *task);

/* The template child @name of @widget, of @type; fails the test if none. */
GtkWidget *sd_test_gui_get_child         (gpointer      widget,
                                          GType         type,
                                          const char   *name);

G_END_DECLS

/* sd-test-gui.c: finding widgets, waiting and starting up, for GUI tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "sd-test-gui.h"
#include "sd-task-row-test.h"
#include "sd-test-util.h"

#define RUN_UNTIL_LIMIT_S 30

void
sd_test_gui_init (int    *argc,
                  char ***argv)
{
  sd_test_init_isolated (argc, argv);
  gtk_init ();
  adw_init ();
}

static gboolean
on_tick_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

void
sd_test_gui_run_until (gboolean  (*condition) (gpointer data),
                       gpointer    data,
                       const char *what)
{
  guint tick = g_timeout_add (20, on_tick_cb, NULL);
  gint64 deadline = g_get_monotonic_time () + RUN_UNTIL_LIMIT_S * G_USEC_PER_SEC;

  while (!condition (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Waited %d s for %s", RUN_UNTIL_LIMIT_S, what);
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (tick);
}

gboolean
sd_test_gui_is_true (gpointer data)
{
  return *(gboolean *) data;
}

static void
on_started_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (sd_context_start_finish (SD_CONTEXT (source), result, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

void
sd_test_gui_start_context (SdContext *context)
{
  gboolean started = FALSE;

  sd_context_start_async (context, NULL, on_started_cb, &started);
  sd_test_gui_run_until (sd_test_gui_is_true, &started, "the context to start");
}

SdWindow *
sd_test_gui_window_new (SdContext *context)
{
  SdWindow *window = g_object_ref_sink (sd_window_new (NULL, context));

  sd_window_set_ready (window, TRUE);
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

void
sd_test_gui_window_destroy (SdWindow **window)
{
  gtk_window_destroy (GTK_WINDOW (*window));
  g_clear_object (window);
}

void
sd_test_gui_answer_send_anyway (void)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data) &&
        adw_message_dialog_has_response (l->data, "go") &&
        gtk_widget_get_visible (l->data))
      adw_message_dialog_response (l->data, "go");
}

GtkWidget *
sd_test_gui_find (GtkWidget         *widget,
                  SdTestWidgetMatch  match,
                  gconstpointer      data)
{
  if (match (widget, data))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = sd_test_gui_find (child, match, data);

      if (found != NULL)
        return found;
    }
  return NULL;
}

typedef struct
{
  GtkWidget         *widget;
  SdTestWidgetMatch  match;
  gconstpointer      data;
} Search;

static gboolean
finds (gpointer data)
{
  Search *search = data;

  return sd_test_gui_find (search->widget, search->match, search->data) != NULL;
}

GtkWidget *
sd_test_gui_wait_for (GtkWidget         *widget,
                      SdTestWidgetMatch  match,
                      gconstpointer      data,
                      const char        *what)
{
  Search search = { widget, match, data };

  sd_test_gui_run_until (finds, &search, what);
  return sd_test_gui_find (widget, match, data);
}

static gboolean
has_type (GtkWidget     *widget,
          gconstpointer  data)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, GPOINTER_TO_SIZE (data));
}

GtkWidget *
sd_test_gui_find_by_type (GtkWidget *widget,
                          GType      type)
{
  return sd_test_gui_find (widget, has_type, GSIZE_TO_POINTER (type));
}

static gboolean
has_name (GtkWidget     *widget,
          gconstpointer  data)
{
  return g_strcmp0 (gtk_widget_get_name (widget), data) == 0;
}

GtkWidget *
sd_test_gui_find_by_name (GtkWidget  *widget,
                          const char *name)
{
  return sd_test_gui_find (widget, has_name, name);
}

static gboolean
takes_clicks (gpointer data)
{
  for (GtkWidget *widget = data; widget != NULL; widget = gtk_widget_get_parent (widget))
    if (!gtk_widget_get_can_target (widget))
      return FALSE;
  return TRUE;
}

void
sd_test_gui_click_when_it_takes_clicks (GtkWidget *button)
{
  g_autoptr(GtkWidget) keep = g_object_ref (button);

  sd_test_gui_run_until (takes_clicks, button, "the button to take clicks");
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

gboolean
sd_test_gui_is_named (GtkWidget  *widget,
                      const char *name)
{
  g_autofree char *mismatch =
    gtk_test_accessible_check_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, name);

  return mismatch == NULL;
}

static gboolean
has_accessible_label (GtkWidget     *widget,
                      gconstpointer  data)
{
  return sd_test_gui_is_named (widget, data);
}

GtkWidget *
sd_test_gui_find_by_label (GtkWidget  *widget,
                           const char *label)
{
  return sd_test_gui_find (widget, has_accessible_label, label);
}

static gboolean
is_button_with_label (GtkWidget     *widget,
                      gconstpointer  data)
{
  return GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), data) == 0;
}

GtkWidget *
sd_test_gui_find_button (GtkWidget  *widget,
                         const char *label)
{
  return sd_test_gui_find (widget, is_button_with_label, label);
}

static gboolean
is_label_with (GtkWidget     *widget,
               gconstpointer  data)
{
  return GTK_IS_LABEL (widget) && strstr (gtk_label_get_text (GTK_LABEL (widget)), data) != NULL;
}

gboolean
sd_test_gui_has_label_with (GtkWidget  *widget,
                            const char *text)
{
  return sd_test_gui_find (widget, is_label_with, text) != NULL;
}

static gboolean
is_row_of (GtkWidget     *widget,
           gconstpointer  task)
{
  return SD_IS_TASK_ROW (widget) && sd_task_row_get_task (SD_TASK_ROW (widget)) == task;
}

SdTaskRow *
sd_test_gui_find_row (GtkWidget *widget,
                      SdTask    *task)
{
  return SD_TASK_ROW (sd_test_gui_find (widget, is_row_of, task));
}

static gboolean
is_shown_row_of (GtkWidget     *widget,
                 gconstpointer  task)
{
  return is_row_of (widget, task) && gtk_widget_get_mapped (widget);
}

SdTaskRow *
sd_test_gui_find_shown_row (GtkWidget *widget,
                            SdTask    *task)
{
  return SD_TASK_ROW (sd_test_gui_find (widget, is_shown_row_of, task));
}

typedef struct
{
  GtkWidget *widget;
  SdTask    *task;
} RowSearch;

static gboolean
has_row (gpointer data)
{
  RowSearch *search = data;

  return sd_test_gui_find_row (search->widget, search->task) != NULL;
}

SdTaskRow *
sd_test_gui_wait_for_row (GtkWidget *widget,
                          SdTask    *task)
{
  RowSearch search = { widget, task };

  sd_test_gui_run_until (has_row, &search, "a row of the task");
  return sd_test_gui_find_row (widget, task);
}

void
sd_test_gui_wait_for_label_with (GtkWidget  *widget,
                                 const char *text)
{
  g_autofree char *what = g_strdup_printf ("a label with \"%s\"", text);

  sd_test_gui_wait_for (widget, is_label_with, text, what);
}

GtkWidget *
sd_test_gui_get_child (gpointer    widget,
                       GType       type,
                       const char *name)
{
  GObject *child;

  /* A row is built in code, for speed: it names its parts itself. */
  if (type == SD_TYPE_TASK_ROW)
    child = G_OBJECT (sd_task_row_get_part (SD_TASK_ROW (widget), name));
  else
    child = gtk_widget_get_template_child (GTK_WIDGET (widget), type, name);

  g_assert_nonnull (child);
  return GTK_WIDGET (child);
}

/* sd-toasts.c: what the app adds to libadwaita's toasts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-toasts"

#include "config.h"

#include <glib/gi18n.h>

#include "sd-a11y.h"
#include "sd-toasts.h"

#define OBSERVER_KEY "sd-toasts-observer"

/* libadwaita before 1.3 frees a toast's state when its exit is over, and
 * its entrance, if it still runs, writes to that state when it ends
 * (fixed by libadwaita's commit 1674ebc9, in 1.3). A toast that replaces
 * another enters in 500 ms and leaves in 300: dismissed within 200 ms of
 * showing (its Undo clicked at once, or the app dismissing it), it crashed
 * the app. So a dismissal waits until the entrance is over: the user's
 * (the new toast takes no click and no focus for ENTRANCE_MS) and the
 * app's (sd_toasts_dismiss()). The time is the monotonic clock's, which the
 * frame clock's animations follow; the margin covers a late frame. */
#if !ADW_CHECK_VERSION (1, 3, 0)
#define GUARD_ENTRANCE   1
#endif
#define ENTRANCE_MS       600
#define SHOWN_AT_KEY      "sd-toasts-shown-at"      /* gint64, µs */
#define DISMISSED_KEY     "sd-toasts-dismissed"
#define DISMISS_LATER_KEY "sd-toasts-dismiss-later"
#define WATCHED_KEY       "sd-toasts-watched"

static gint64
entrance_left_ms (AdwToast *toast)
{
  const gint64 *shown_at = g_object_get_data (G_OBJECT (toast), SHOWN_AT_KEY);
  gint64 elapsed_ms;

  if (shown_at == NULL)
    return 0;
  elapsed_ms = (g_get_monotonic_time () - *shown_at) / 1000;
  return elapsed_ms < ENTRANCE_MS ? ENTRANCE_MS - elapsed_ms : 0;
}

#ifdef GUARD_ENTRANCE
static void
on_toast_dismissed_cb (AdwToast *toast)
{
  g_object_set_data (G_OBJECT (toast), DISMISSED_KEY, GINT_TO_POINTER (TRUE));
}

static gboolean
on_entrance_over_cb (gpointer user_data)
{
  GtkWidget *widget = user_data;
  g_autoptr(AdwToast) toast = NULL;

  g_object_get (widget, "toast", &toast, NULL);
  /* a toast leaving takes no click: libadwaita said so when it left */
  if (toast != NULL && g_object_get_data (G_OBJECT (toast), DISMISSED_KEY) == NULL)
    {
      gtk_widget_set_can_target (widget, TRUE);
      gtk_widget_set_can_focus (widget, TRUE);
    }
  return G_SOURCE_REMOVE;
}

static void
guard_entrance (GtkWidget *widget)
{
  g_autoptr(AdwToast) toast = NULL;
  gint64 now = g_get_monotonic_time ();

  g_object_get (widget, "toast", &toast, NULL);
  if (toast == NULL)
    return;
  /* a toast shown again (after a toast of a higher priority) enters again */
  g_object_set_data (G_OBJECT (toast), DISMISSED_KEY, NULL);
  g_object_set_data_full (G_OBJECT (toast), SHOWN_AT_KEY, g_memdup2 (&now, sizeof now), g_free);
  if (g_object_get_data (G_OBJECT (toast), WATCHED_KEY) == NULL)
    {
      g_object_set_data (G_OBJECT (toast), WATCHED_KEY, GINT_TO_POINTER (TRUE));
      g_signal_connect (toast, "dismissed", G_CALLBACK (on_toast_dismissed_cb), NULL);
    }
  gtk_widget_set_can_target (widget, FALSE);
  gtk_widget_set_can_focus (widget, FALSE);
  g_timeout_add_full (G_PRIORITY_DEFAULT, ENTRANCE_MS, on_entrance_over_cb,
                      g_object_ref (widget), g_object_unref);
}
#else
static void
guard_entrance (GtkWidget *widget)
{
}
#endif

/* The toast widget is libadwaita's private type, made when its toast
 * shows (at once, or when the ones queued before it have gone). */
static void
on_overlay_children_changed_cb (GListModel *children,
                                guint       position,
                                guint       removed,
                                guint       added)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(GtkWidget) child = g_list_model_get_item (children, i);

      if (g_str_equal (G_OBJECT_TYPE_NAME (child), "AdwToastWidget"))
        {
          g_debug ("A toast shows");
          sd_a11y_name_close_buttons (child, _("Dismiss"));
          guard_entrance (child);
        }
    }
}

static void
on_overlay_destroy_cb (GtkWidget *overlay)
{
  g_object_set_data (G_OBJECT (overlay), OBSERVER_KEY, NULL);
}

static void
observe_toasts (GtkWidget *overlay)
{
  GListModel *children;

  if (g_object_get_data (G_OBJECT (overlay), OBSERVER_KEY) != NULL)
    return;

  /* A toast overlay has two or three children: watching them costs
   * nothing worth saying. The watch ends with the overlay. */
  children = gtk_widget_observe_children (overlay);
  g_signal_connect (children, "items-changed", G_CALLBACK (on_overlay_children_changed_cb), NULL);
  g_object_set_data_full (G_OBJECT (overlay), OBSERVER_KEY, children, g_object_unref);
  g_signal_connect (overlay, "destroy", G_CALLBACK (on_overlay_destroy_cb), NULL);
  on_overlay_children_changed_cb (children, 0, 0, g_list_model_get_n_items (children));
}

void
sd_toasts_watch (GtkWidget *root)
{
  g_return_if_fail (GTK_IS_WIDGET (root));

  if (ADW_IS_TOAST_OVERLAY (root))
    observe_toasts (root);
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    sd_toasts_watch (child);
}

static gboolean
on_dismiss_later_cb (gpointer user_data)
{
  AdwToast *toast = user_data;

  g_object_set_data (G_OBJECT (toast), DISMISS_LATER_KEY, NULL);
  adw_toast_dismiss (toast);
  return G_SOURCE_REMOVE;
}

void
sd_toasts_dismiss (AdwToast *toast)
{
  gint64 left_ms;

  g_return_if_fail (ADW_IS_TOAST (toast));

  if (g_object_get_data (G_OBJECT (toast), DISMISS_LATER_KEY) != NULL)
    return;
  left_ms = entrance_left_ms (toast);
  if (left_ms == 0 || g_object_get_data (G_OBJECT (toast), DISMISSED_KEY) != NULL)
    {
      adw_toast_dismiss (toast);
      return;
    }
  g_debug ("Dismissing a toast in %" G_GINT64_FORMAT " ms, when it has entered", left_ms);
  g_object_set_data (G_OBJECT (toast), DISMISS_LATER_KEY, GINT_TO_POINTER (TRUE));
  g_timeout_add_full (G_PRIORITY_DEFAULT, (guint) left_ms, on_dismiss_later_cb,
                      g_object_ref (toast), g_object_unref);
}

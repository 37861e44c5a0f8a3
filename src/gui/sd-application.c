/* sd-application.c: the Seedance Studio application
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-application"

#include "config.h"

#include <glib/gi18n.h>

#include "sd-api.h"
#include "sd-a11y.h"
#include "sd-application.h"
#include "sd-demo-scenes.h"
#include "sd-demo.h"
#include "sd-message-dialog.h"
#include "sd-preferences-window.h"
#include "sd-service.h"
#include "sd-store.h"
#include "sd-window.h"

struct _SdApplication
{
  AdwApplication  parent_instance;

  SdContext      *context;
  GCancellable   *cancellable;
  gboolean        demo_option;
  gboolean        demo_without_token;
  gboolean        started;
};

G_DEFINE_FINAL_TYPE (SdApplication, sd_application, ADW_TYPE_APPLICATION)

static const GOptionEntry option_entries[] = {
  { "demo", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Start in demo mode, with the built-in simulator instead of the real service"), NULL },
  { "demo-without-token", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Use demo mode when no API token is set"), NULL },
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Show the version and exit"), NULL },
  { NULL }
};

static SdWindow *
get_main_window (SdApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (SD_IS_WINDOW (window))
    return SD_WINDOW (window);

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l; l = l->next)
    if (SD_IS_WINDOW (l->data))
      return l->data;

  return NULL;
}

static gboolean
is_any_window_active (SdApplication *self)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l; l = l->next)
    if (gtk_window_is_active (l->data))
      return TRUE;

  return FALSE;
}

static void
send_task_notification (SdApplication *self,
                        SdTask        *task,
                        const char    *title,
                        const char    *body)
{
  GSettings *settings = sd_context_get_settings (self->context);
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *notification_id = NULL;

  if (is_any_window_active (self) ||
      (settings != NULL && !g_settings_get_boolean (settings, "notifications")))
    return;

  notification = g_notification_new (title);
  g_notification_set_body (notification, body);
  g_notification_set_default_action_and_target (notification, "app.show-task",
                                                "s", sd_task_get_id (task));
  notification_id = g_strdup_printf ("task-%s", sd_task_get_id (task));
  g_application_send_notification (G_APPLICATION (self), notification_id, notification);
}

static void
on_task_completed_cb (SdService     *service,
                      SdTask        *task,
                      SdApplication *self)
{
  send_task_notification (self, task, _("Video Ready"),
                          sd_request_get_prompt (sd_task_get_request (task)));
}

static void
on_task_failed_cb (SdService     *service,
                   SdTask        *task,
                   SdApplication *self)
{
  const char *reason = sd_task_get_failure_message (task);

  send_task_notification (self, task, _("Video Failed"),
                          reason != NULL && *reason != '\0'
                          ? reason : _("The service could not make this video."));
}

static void
on_context_started_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(SdApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  SdWindow *window;

  sd_context_start_finish (SD_CONTEXT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (self->demo_without_token && !sd_context_get_has_token (self->context))
    {
      g_autoptr(GError) demo_error = NULL;

      if (!sd_demo_start (self->context, &demo_error))
        g_warning ("Could not start the demo: %s", demo_error->message);
    }

  self->started = TRUE;
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l; l = l->next)
    if (SD_IS_WINDOW (l->data))
      sd_window_set_ready (l->data, TRUE);

  if ((window = get_main_window (self)) == NULL)
    return;

  if (error != NULL)
    sd_window_set_notice (window,
                          g_error_matches (error, SD_API_ERROR, SD_API_ERROR_UNAUTHORIZED)
                          ? SD_NOTICE_TOKEN : SD_NOTICE_STARTUP,
                          error->message);
  sd_demo_scenes_run (window);
}

static void
on_startup_error_response_cb (AdwMessageDialog *dialog,
                              const char       *response,
                              SdApplication    *self)
{
  g_application_release (G_APPLICATION (self));
}

static void
show_startup_error (SdApplication *self,
                    const GError  *error)
{
  GtkWidget *dialog;

  dialog = sd_message_dialog_new (NULL, _("Seedance Studio Could Not Start"), NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog), "%s", error->message);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_set_application (GTK_WINDOW (dialog), GTK_APPLICATION (self));
  g_application_hold (G_APPLICATION (self));
  g_signal_connect_object (dialog, "response",
                           G_CALLBACK (on_startup_error_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
update_leave_demo (SdApplication *self)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "leave-demo");

  g_simple_action_set_enabled (G_SIMPLE_ACTION (action),
                               self->context != NULL && sd_context_get_demo (self->context));
}

static gboolean
ensure_context (SdApplication *self)
{
  g_autoptr(GError) error = NULL;
  SdService *service;

  if (self->context != NULL)
    return TRUE;

  if (self->demo_option)
    self->context = sd_demo_context_new (&error);
  else
    self->context = sd_context_new (&error);
  if (self->context == NULL)
    {
      show_startup_error (self, error);
      return FALSE;
    }

  /* without the schema there is nothing to edit or keep: the context
   * says so in its notices */
  if (sd_context_get_settings (self->context) == NULL)
    g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self),
                                                                              "preferences")),
                                 FALSE);

  g_signal_connect_object (self->context, "notify::demo",
                           G_CALLBACK (update_leave_demo), self, G_CONNECT_SWAPPED);
  update_leave_demo (self);

  service = sd_context_get_service (self->context);
  g_signal_connect_object (service, "task-completed",
                           G_CALLBACK (on_task_completed_cb), self, 0);
  g_signal_connect_object (service, "task-failed",
                           G_CALLBACK (on_task_failed_cb), self, 0);

  sd_context_start_async (self->context, self->cancellable,
                          on_context_started_cb, g_object_ref (self));
  return TRUE;
}

static SdWindow *
present_main_window (SdApplication *self)
{
  SdWindow *window;

  if (!ensure_context (self))
    return NULL;

  if ((window = get_main_window (self)) == NULL)
    {
      window = sd_window_new (GTK_APPLICATION (self), self->context);
      sd_window_set_ready (window, self->started);
      sd_demo_scenes_watch_first_frame (G_APPLICATION (self), window);
    }

  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  SdApplication *self = user_data;
  SdWindow *window = present_main_window (self);
  GtkWidget *preferences;

  if (window == NULL)
    return;

  preferences = sd_preferences_window_new (self->context);
  gtk_window_set_transient_for (GTK_WINDOW (preferences), GTK_WINDOW (window));
  gtk_window_set_destroy_with_parent (GTK_WINDOW (preferences), TRUE);
  gtk_window_present (GTK_WINDOW (preferences));
}

static void
shortcuts_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  SdWindow *window = present_main_window (user_data);

  if (window != NULL)
    gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL);
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  static const char *developers[] = { "Seedance Studio contributors", NULL };
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (user_data));

  adw_show_about_window (parent,
                         "application-name", _("Seedance Studio"),
                         "application-icon", APP_ID,
                         "version", PACKAGE_VERSION,
                         "developer-name", _("Seedance Studio contributors"),
                         "developers", developers,
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "copyright", "© 2026 Seedance Studio contributors",
                         "website", "https://github.com/seedancestudio/seedance-studio",
                         "issue-url", "https://github.com/seedancestudio/seedance-studio/issues",
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (user_data));

  /* Closing (not destroying) lets each window save its size. */
  for (GList *l = windows; l != NULL;)
    {
      GList *next = l->next;

      gtk_window_close (l->data);
      l = next;
    }

  g_application_quit (G_APPLICATION (user_data));
}

static void
show_task_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  SdWindow *window = present_main_window (user_data);

  if (window != NULL)
    sd_window_show_task (window, g_variant_get_string (parameter, NULL));
}

static void
show_tasks_action (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  SdWindow *window = present_main_window (user_data);

  if (window != NULL)
    sd_window_show_results (window);
}

/* Demo mode has its own history and endpoint in the context: leaving it
 * is starting again, with a new context on the real service and a new
 * window (the welcome page when no token is known). */
static void
leave_demo_action (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  SdApplication *self = user_data;
  g_autoptr(GList) windows = NULL;

  if (self->context == NULL || !sd_context_get_demo (self->context))
    return;

  g_debug ("Leaving demo mode: starting again on the real service");
  g_application_hold (G_APPLICATION (self));
  windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_destroy (l->data);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  sd_store_checkpoint (sd_context_get_store (self->context));
  g_clear_object (&self->context);
  self->demo_option = FALSE;
  self->demo_without_token = FALSE;
  self->started = FALSE;

  present_main_window (self);
  update_leave_demo (self);
  g_application_release (G_APPLICATION (self));
}

static const GActionEntry app_entries[] = {
  { "leave-demo", leave_demo_action },
  { "preferences", preferences_action },
  { "shortcuts", shortcuts_action },
  { "about", about_action },
  { "quit", quit_action },
  { "show-task", show_task_action, "s" },
  { "show-tasks", show_tasks_action },
};

static void
set_accels (GtkApplication *app)
{
  static const struct {
    const char *action;
    const char *accels[3];
  } accels[] = {
    { "app.preferences", { "<Control>comma", NULL } },
    { "app.quit", { "<Control>q", NULL } },
    { "win.show-help-overlay", { "<Control>question", "<Control>slash", NULL } },
    { "win.generate", { "<Control>Return", "<Control>KP_Enter", NULL } },
    { "win.focus-prompt", { "<Control>l", NULL } },
    { "window.close", { "<Control>w", NULL } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (app, accels[i].action, accels[i].accels);
}

static int
sd_application_handle_local_options (GApplication *app,
                                     GVariantDict *options)
{
  SdApplication *self = SD_APPLICATION (app);

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("seedance-studio %s\n", PACKAGE_VERSION);
      return 0;
    }

  self->demo_option = g_variant_dict_contains (options, "demo");
  self->demo_without_token = g_variant_dict_contains (options, "demo-without-token");
  return -1;
}

static void
sd_application_startup (GApplication *app)
{
  G_APPLICATION_CLASS (sd_application_parent_class)->startup (app);

  sd_a11y_name_once ();
  g_action_map_add_action_entries (G_ACTION_MAP (app), app_entries,
                                   G_N_ELEMENTS (app_entries), app);
  update_leave_demo (SD_APPLICATION (app));
  set_accels (GTK_APPLICATION (app));
}

static void
sd_application_activate (GApplication *app)
{
  present_main_window (SD_APPLICATION (app));
}

static void
sd_application_shutdown (GApplication *app)
{
  SdApplication *self = SD_APPLICATION (app);

  g_cancellable_cancel (self->cancellable);
  /* An empty journal tells the next start that this one ended cleanly. */
  if (self->context != NULL)
    sd_store_checkpoint (sd_context_get_store (self->context));
  G_APPLICATION_CLASS (sd_application_parent_class)->shutdown (app);
}

static void
sd_application_dispose (GObject *object)
{
  SdApplication *self = SD_APPLICATION (object);

  g_clear_object (&self->context);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (sd_application_parent_class)->dispose (object);
}

static void
sd_application_class_init (SdApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = sd_application_dispose;

  app_class->handle_local_options = sd_application_handle_local_options;
  app_class->startup = sd_application_startup;
  app_class->activate = sd_application_activate;
  app_class->shutdown = sd_application_shutdown;
}

static void
sd_application_init (SdApplication *self)
{
  self->cancellable = g_cancellable_new ();
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), NULL);
}

SdApplication *
sd_application_new (void)
{
  return g_object_new (SD_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/io/github/seedancestudio/SeedanceStudio/gui",
                       NULL);
}

SdContext *
sd_application_get_context (SdApplication *self)
{
  g_return_val_if_fail (SD_IS_APPLICATION (self), NULL);

  return self->context;
}

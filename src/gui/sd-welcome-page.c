/* sd-welcome-page.c: shown when there is no API token yet
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-welcome-page"

#include "config.h"

#include <glib/gi18n.h>

#include "sd-demo.h"
#include "sd-welcome-page.h"

struct _SdWelcomePage
{
  GtkWidget           parent_instance;

  SdContext          *context;
  GCancellable       *cancellable;

  AdwPasswordEntryRow *token_row;
};

G_DEFINE_FINAL_TYPE (SdWelcomePage, sd_welcome_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CONTEXT,
  N_PROPS
};

enum {
  SHOW_TOAST,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
show_toast (SdWelcomePage *self,
            const char    *message)
{
  g_autofree char *escaped = g_markup_escape_text (message, -1);
  g_autoptr(AdwToast) toast = adw_toast_new (escaped);

  g_signal_emit (self, signals[SHOW_TOAST], 0, toast);
}

/* A notice is a sentence or two: too long for a toast. */
static void
show_notice (SdWelcomePage *self,
             const char    *notice)
{
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                   _("Token Kept for This Session"), NULL);
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog), notice);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static const char *
get_token (SdWelcomePage *self)
{
  return gtk_editable_get_text (GTK_EDITABLE (self->token_row));
}

static void
update_save_action (SdWelcomePage *self)
{
  g_autofree char *token = g_strstrip (g_strdup (get_token (self)));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "welcome.save-token",
                                 self->context != NULL && *token != '\0' &&
                                 self->cancellable == NULL);
}

static void
on_token_changed_cb (SdWelcomePage *self)
{
  update_save_action (self);
}

static void
on_token_activated_cb (SdWelcomePage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "welcome.save-token", NULL);
}

static void
on_token_saved_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(SdWelcomePage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *notice = NULL;

  g_clear_object (&self->cancellable);
  update_save_action (self);

  if (!sd_context_set_token_finish (SD_CONTEXT (source), result, &notice, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_toast (self, error->message);
      return;
    }

  gtk_editable_set_text (GTK_EDITABLE (self->token_row), "");
  if (notice != NULL)
    show_notice (self, notice);
  else
    show_toast (self, _("Token saved in your keyring"));
}

static void
save_token_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  SdWelcomePage *self = SD_WELCOME_PAGE (widget);
  g_autofree char *token = g_strstrip (g_strdup (get_token (self)));

  self->cancellable = g_cancellable_new ();
  update_save_action (self);
  sd_context_set_token_async (self->context, token, self->cancellable,
                              on_token_saved_cb, g_object_ref (self));
}

static void
try_demo_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  SdWelcomePage *self = SD_WELCOME_PAGE (widget);
  g_autoptr(GError) error = NULL;

  if (!sd_demo_start (self->context, &error))
    show_toast (self, error->message);
}

static void
sd_welcome_page_dispose (GObject *object)
{
  GtkWidget *child;
  SdWelcomePage *self = SD_WELCOME_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), SD_TYPE_WELCOME_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (sd_welcome_page_parent_class)->dispose (object);
}

static void
sd_welcome_page_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  SdWelcomePage *self = SD_WELCOME_PAGE (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      g_value_set_object (value, self->context);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_welcome_page_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  SdWelcomePage *self = SD_WELCOME_PAGE (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      sd_welcome_page_set_context (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_welcome_page_class_init (SdWelcomePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sd_welcome_page_dispose;
  object_class->get_property = sd_welcome_page_get_property;
  object_class->set_property = sd_welcome_page_set_property;

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL,
                         SD_TYPE_CONTEXT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SHOW_TOAST] =
    g_signal_new ("show-toast",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, ADW_TYPE_TOAST);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/seedancestudio/SeedanceStudio/gui/sd-welcome-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SdWelcomePage, token_row);
  gtk_widget_class_bind_template_callback (widget_class, on_token_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_token_activated_cb);

  gtk_widget_class_install_action (widget_class, "welcome.save-token", NULL, save_token_action);
  gtk_widget_class_install_action (widget_class, "welcome.try-demo", NULL, try_demo_action);
}

static void
sd_welcome_page_init (SdWelcomePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  update_save_action (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "welcome.try-demo", FALSE);
}

GtkWidget *
sd_welcome_page_new (void)
{
  return g_object_new (SD_TYPE_WELCOME_PAGE, NULL);
}

SdContext *
sd_welcome_page_get_context (SdWelcomePage *self)
{
  g_return_val_if_fail (SD_IS_WELCOME_PAGE (self), NULL);

  return self->context;
}

void
sd_welcome_page_set_context (SdWelcomePage *self,
                             SdContext     *context)
{
  g_return_if_fail (SD_IS_WELCOME_PAGE (self));
  g_return_if_fail (context == NULL || SD_IS_CONTEXT (context));

  if (!g_set_object (&self->context, context))
    return;

  update_save_action (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "welcome.try-demo", context != NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONTEXT]);
}

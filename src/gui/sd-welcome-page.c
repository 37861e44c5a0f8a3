/* sd-welcome-page.c: shown when there is no API token yet
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-welcome-page"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sd-a11y.h"
#include "sd-balance.h"
#include "sd-demo.h"
#include "sd-message-dialog.h"
#include "sd-welcome-page.h"

struct _SdWelcomePage
{
  GtkWidget           parent_instance;

  SdContext          *context;
  GCancellable       *cancellable;

  AdwPasswordEntryRow *token_row;
  GtkLabel            *token_status_label;
  char                *pending_token; /* being checked; wiped when done */
  char                *check_result;  /* what the check said, for the toast */
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

  dialog = sd_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
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

/* Enabled while nothing is under way: an empty field says why it is
 * refused next to it rather than greying the button out. */
static void
update_save_action (SdWelcomePage *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "welcome.save-token",
                                 self->context != NULL && self->cancellable == NULL);
}

/* Next to the field: why the token is refused (@is_error), or what the
 * server said of it; NULL hides it. */
static void
show_token_status (SdWelcomePage *self,
                   const char    *message,
                   gboolean       is_error)
{
  GtkWidget *label = GTK_WIDGET (self->token_status_label);

  gtk_label_set_text (self->token_status_label, message != NULL ? message : "");
  gtk_widget_set_visible (label, message != NULL);
  gtk_widget_set_css_classes (label, (const char *[]) { "caption", is_error ? "error" : "success", NULL });
  if (is_error && message != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->token_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->token_row), "error");
  if (message != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->token_row),
                                    GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, message, -1);
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (self->token_row),
                                   GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
}

static void
on_token_changed_cb (SdWelcomePage *self)
{
  show_token_status (self, NULL, FALSE);
  update_save_action (self);
}

/* What the user typed, as it will be kept: spaces around it (a paste) are
 * dropped; an empty token, a space inside or any character that cannot be
 * sent is refused with the rule it breaks. */
static char *
check_token_text (const char  *text,
                  GError     **error)
{
  g_autofree char *token = g_strstrip (g_strdup (text));

  if (*token == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("Enter your API token: the field is empty."));
      return NULL;
    }
  for (const char *p = token; *p != '\0'; p++)
    if (*p == ' ')
      {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                     _("An API token has no spaces, but this one has one at character %d. Copy the token again, on its own."),
                     (int) g_utf8_pointer_to_offset (token, p) + 1);
        return NULL;
      }

  return sd_client_normalize_token (token, error);
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
        show_token_status (self, error->message, TRUE);
      return;
    }

  g_debug ("Token saved%s", notice != NULL ? " for this session only" : "");
  /* the page goes once the token is in use: the toast says how it went */
  gtk_editable_set_text (GTK_EDITABLE (self->token_row), "");
  if (notice != NULL)
    show_notice (self, notice);
  if (self->check_result != NULL)
    show_toast (self, self->check_result);
  else if (notice == NULL)
    show_toast (self, _("Token saved in your keyring"));
  g_clear_pointer (&self->check_result, g_free);
}

static void
wipe_pending_token (SdWelcomePage *self)
{
  if (self->pending_token != NULL)
    memset (self->pending_token, 0, strlen (self->pending_token));
  g_clear_pointer (&self->pending_token, g_free);
}

static void
save_token (SdWelcomePage *self,
            const char    *token)
{
  sd_context_set_token_async (self->context, token, self->cancellable,
                              on_token_saved_cb, g_object_ref (self));
}

/* The token goes to the keyring unless the server refused it outright; a
 * server without the balance endpoint says nothing, and one that could
 * not be reached does not stop the user. */
static void
on_token_checked_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(SdWelcomePage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree SdBalance *balance = NULL;

  balance = sd_client_get_balance_finish (SD_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (g_error_matches (error, SD_API_ERROR, SD_API_ERROR_UNAUTHORIZED))
    {
      g_debug ("The balance endpoint refused the token");
      wipe_pending_token (self);
      g_clear_object (&self->cancellable);
      update_save_action (self);
      show_token_status (self, _("The server refused this token. Check that it is the whole token, for this server."),
                         TRUE);
      return;
    }

  g_clear_pointer (&self->check_result, g_free);
  if (balance != NULL)
    self->check_result = g_strdup (_("The server accepted this token."));
  else if (error != NULL)
    /* Translators: %s is why the balance could not be asked for */
    self->check_result = g_strdup_printf (_("The token is saved, but it could not be checked: %s"),
                                          error->message);

  save_token (self, self->pending_token);
  wipe_pending_token (self);
}

static void
save_token_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  SdWelcomePage *self = SD_WELCOME_PAGE (widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *token = check_token_text (get_token (self), &error);

  if (token == NULL)
    {
      show_token_status (self, error->message, TRUE);
      gtk_widget_grab_focus (GTK_WIDGET (self->token_row));
      return;
    }

  show_token_status (self, NULL, FALSE);
  self->cancellable = g_cancellable_new ();
  update_save_action (self);
  wipe_pending_token (self);
  self->pending_token = g_steal_pointer (&token);
  sd_client_get_balance_async (sd_context_get_client (self->context), self->pending_token,
                               self->cancellable, on_token_checked_cb, g_object_ref (self));
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

/* Shown when there is nothing to do but give the token: it gets the keys. */
static void
sd_welcome_page_map (GtkWidget *widget)
{
  SdWelcomePage *self = SD_WELCOME_PAGE (widget);

  GTK_WIDGET_CLASS (sd_welcome_page_parent_class)->map (widget);
  gtk_widget_grab_focus (GTK_WIDGET (self->token_row));
}

static void
sd_welcome_page_dispose (GObject *object)
{
  GtkWidget *child;
  SdWelcomePage *self = SD_WELCOME_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  wipe_pending_token (self);
  g_clear_pointer (&self->check_result, g_free);
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
  widget_class->map = sd_welcome_page_map;
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
  gtk_widget_class_bind_template_child (widget_class, SdWelcomePage, token_status_label);
  gtk_widget_class_bind_template_callback (widget_class, on_token_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_token_activated_cb);

  gtk_widget_class_install_action (widget_class, "welcome.save-token", NULL, save_token_action);
  gtk_widget_class_install_action (widget_class, "welcome.try-demo", NULL, try_demo_action);
}

static void
sd_welcome_page_init (SdWelcomePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  sd_a11y_name_entry_row_buttons (ADW_ENTRY_ROW (self->token_row), NULL,
                                  _("Show or hide the token"));
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

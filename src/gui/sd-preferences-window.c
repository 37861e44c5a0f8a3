/* sd-preferences-window.c: service, token, downloads and notifications
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-preferences-window"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sd-a11y.h"
#include "sd-client.h"
#include "sd-download.h"
#include "sd-files.h"
#include "sd-message-dialog.h"
#include "sd-preferences-upload.h"
#include "sd-preferences-window.h"
#include "sd-toasts.h"
#include "sd-prices-page.h"

struct _SdPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  SdContext            *context;
  GCancellable         *cancellable;

  AdwEntryRow          *base_url_row;
  AdwPasswordEntryRow  *token_row;
  AdwActionRow         *token_state_row;
  GtkWidget            *remove_token_button;
  GtkWidget            *demo_group;
  GtkWidget            *leave_demo_button;
  GtkLabel             *base_url_error_label;
  AdwActionRow         *download_dir_row;
  GtkSwitch            *auto_download_switch;
  GtkSpinButton        *max_active_spin;
  GtkSwitch            *notifications_switch;
};

G_DEFINE_FINAL_TYPE (SdPreferencesWindow, sd_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

enum {
  PROP_0,
  PROP_CONTEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
show_base_url_error (SdPreferencesWindow *self,
                     const char          *message)
{
  gtk_label_set_text (self->base_url_error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->base_url_error_label), message != NULL);
  if (message != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->base_url_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->base_url_row), "error");
}

/* While editing, the row shows nothing; otherwise why the address in use
 * is refused, where the user set it. */
static void
on_base_url_changed_cb (SdPreferencesWindow *self)
{
  show_base_url_error (self, NULL);
}

static void
on_context_base_url_error_cb (SdPreferencesWindow *self)
{
  show_base_url_error (self, sd_context_get_base_url_error (self->context));
}

/* Saved only when usable, and as the client will use it; empty means the
 * default address. The text is checked as typed, never trimmed. */
static void
on_base_url_applied_cb (SdPreferencesWindow *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->base_url_row));
  g_autofree char *url = NULL;
  g_autoptr(GError) error = NULL;

  if (text[0] != '\0' && (url = sd_client_normalize_base_url (text, &error)) == NULL)
    {
      show_base_url_error (self, error->message);
      return;
    }

  g_settings_set_string (sd_context_get_settings (self->context), "api-base-url",
                         url != NULL ? url : "");
  if (url != NULL && g_strcmp0 (url, text) != 0)
    gtk_editable_set_text (GTK_EDITABLE (self->base_url_row), url);
  on_context_base_url_error_cb (self);
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                    adw_toast_new (_("API address saved")));
}

/* A notice is a sentence or two: too long for a toast. */
static void
show_notice (SdPreferencesWindow *self,
             const char          *notice)
{
  GtkWidget *dialog;

  dialog = sd_message_dialog_new (GTK_WINDOW (self), _("Token Kept for This Session"), NULL);
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog), notice);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_token_saved_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(SdPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *notice = NULL;
  g_autofree char *escaped = NULL;
  const char *message;

  if (!sd_context_set_token_finish (SD_CONTEXT (source), result, &notice, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      message = error->message;
    }
  else
    {
      gtk_editable_set_text (GTK_EDITABLE (self->token_row), "");
      if (notice != NULL)
        {
          show_notice (self, notice);
          return;
        }
      message = _("Token saved in your keyring");
    }

  escaped = g_markup_escape_text (message, -1);
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (escaped));
}

static void
on_token_applied_cb (SdPreferencesWindow *self)
{
  g_autofree char *token = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->token_row))));

  if (*token == '\0')
    return;

  sd_context_set_token_async (self->context, token, self->cancellable,
                              on_token_saved_cb, g_object_ref (self));
}

/* Whether a token is known for the address, and the way to forget it;
 * demo mode needs none. */
static void
update_token_state (SdPreferencesWindow *self)
{
  gboolean demo = sd_context_get_demo (self->context);
  gboolean has_token = !demo && sd_context_get_has_token (self->context);

  adw_action_row_set_subtitle (self->token_state_row,
                               demo ? _("Demo mode needs no token")
                               : has_token ? _("A token is saved for this address")
                               : _("No token is saved for this address"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "preferences.remove-token", has_token);
  gtk_widget_set_visible (self->demo_group, demo);
}

static void
on_token_removed_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(SdPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *escaped = NULL;

  if (!sd_context_clear_token_finish (SD_CONTEXT (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      escaped = g_markup_escape_text (error->message, -1);
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (escaped));
      return;
    }

  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                    adw_toast_new (_("Token removed")));
}

static void
remove_token_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  SdPreferencesWindow *self = SD_PREFERENCES_WINDOW (widget);

  sd_context_clear_token_async (self->context, self->cancellable,
                                on_token_removed_cb, g_object_ref (self));
}

/* The application starts again on the real service: it owns the context. */
static void
leave_demo_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (widget));

  if (parent != NULL)
    gtk_widget_activate_action (GTK_WIDGET (parent), "app.leave-demo", NULL);
  gtk_window_destroy (GTK_WINDOW (widget));
}

/* Nothing is focused when the window opens: the first entry would have its
 * text selected, and one stray key would replace the address. */
static void
sd_preferences_window_show (GtkWidget *widget)
{
  SdPreferencesWindow *self = SD_PREFERENCES_WINDOW (widget);

  /* GtkWindow focuses the first entry as it shows */
  GTK_WIDGET_CLASS (sd_preferences_window_parent_class)->show (widget);
  gtk_window_set_focus (GTK_WINDOW (self), NULL);
  gtk_editable_select_region (GTK_EDITABLE (self->base_url_row), 0, 0);
}

static gboolean
map_download_dir_to_subtitle (GValue   *value,
                              GVariant *variant,
                              gpointer  user_data)
{
  g_autofree char *path = g_variant_dup_string (variant, NULL);
  const char *home = g_get_home_dir ();

  if (*path == '\0')
    {
      g_free (path);
      path = sd_download_get_default_directory ();
    }

  if (g_str_has_prefix (path, home) && path[strlen (home)] == G_DIR_SEPARATOR)
    g_value_take_string (value, g_strconcat ("~", path + strlen (home), NULL));
  else
    g_value_set_string (value, path);

  return TRUE;
}

static void
on_folder_chosen_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  SdPreferencesWindow *self;
  g_autoptr(GFile) folder = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  folder = sd_files_choose_folder_finish (result, &error);
  /* Cancelled when the window goes away: it must not be touched then. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error != NULL)
    g_debug ("No download folder chosen: %s", error->message);

  self = SD_PREFERENCES_WINDOW (user_data);
  if (folder != NULL && (path = g_file_get_path (folder)) != NULL)
    g_settings_set_string (sd_context_get_settings (self->context), "download-dir", path);
}

static void
choose_folder_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  SdPreferencesWindow *self = SD_PREFERENCES_WINDOW (widget);
  g_autofree char *current = g_settings_get_string (sd_context_get_settings (self->context),
                                                    "download-dir");
  g_autoptr(GFile) folder = NULL;

  if (*current == '\0')
    {
      g_free (current);
      current = sd_download_get_default_directory ();
    }

  folder = g_file_new_for_path (current);
  sd_files_choose_folder (GTK_WINDOW (self), _("Choose a Download Folder"), folder,
                          self->cancellable, on_folder_chosen_cb, self);
}

static void
sd_preferences_window_constructed (GObject *object)
{
  SdPreferencesWindow *self = SD_PREFERENCES_WINDOW (object);
  GSettings *settings = sd_context_get_settings (self->context);
  g_autofree char *base_url = g_settings_get_string (settings, "api-base-url");

  G_OBJECT_CLASS (sd_preferences_window_parent_class)->constructed (object);

  gtk_editable_set_text (GTK_EDITABLE (self->base_url_row), base_url);
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self),
                              ADW_PREFERENCES_PAGE (sd_prices_page_new (self->context)));
  on_context_base_url_error_cb (self);
  /* the user's own upload service, after the others */
  adw_preferences_page_add (adw_preferences_window_get_visible_page (ADW_PREFERENCES_WINDOW (self)),
                            ADW_PREFERENCES_GROUP (sd_preferences_upload_group_new (self->context)));
  g_signal_connect_object (self->context, "notify::base-url-error",
                           G_CALLBACK (on_context_base_url_error_cb), self, G_CONNECT_SWAPPED);
  update_token_state (self);
  g_signal_connect_object (self->context, "notify::has-token",
                           G_CALLBACK (update_token_state), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->context, "notify::demo",
                           G_CALLBACK (update_token_state), self, G_CONNECT_SWAPPED);

  g_settings_bind_with_mapping (settings, "download-dir",
                                self->download_dir_row, "subtitle",
                                G_SETTINGS_BIND_GET,
                                map_download_dir_to_subtitle, NULL, NULL, NULL);
  g_settings_bind (settings, "auto-download",
                   self->auto_download_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "notifications",
                   self->notifications_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "max-active-tasks",
                   self->max_active_spin, "value", G_SETTINGS_BIND_DEFAULT);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->max_active_spin),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("At most N tasks at the provider at once"), -1);
}

static void
sd_preferences_window_dispose (GObject *object)
{
  SdPreferencesWindow *self = SD_PREFERENCES_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), SD_TYPE_PREFERENCES_WINDOW);

  G_OBJECT_CLASS (sd_preferences_window_parent_class)->dispose (object);
}

static void
sd_preferences_window_finalize (GObject *object)
{
  SdPreferencesWindow *self = SD_PREFERENCES_WINDOW (object);

  g_clear_object (&self->context);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (sd_preferences_window_parent_class)->finalize (object);
}

static void
sd_preferences_window_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  SdPreferencesWindow *self = SD_PREFERENCES_WINDOW (object);

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
sd_preferences_window_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  SdPreferencesWindow *self = SD_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      self->context = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_preferences_window_class_init (SdPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = sd_preferences_window_constructed;
  object_class->dispose = sd_preferences_window_dispose;
  object_class->finalize = sd_preferences_window_finalize;
  object_class->get_property = sd_preferences_window_get_property;
  object_class->set_property = sd_preferences_window_set_property;
  widget_class->show = sd_preferences_window_show;

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL,
                         SD_TYPE_CONTEXT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/seedancestudio/SeedanceStudio/gui/sd-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SdPreferencesWindow, base_url_row);
  gtk_widget_class_bind_template_child (widget_class, SdPreferencesWindow, token_row);
  gtk_widget_class_bind_template_child (widget_class, SdPreferencesWindow, token_state_row);
  gtk_widget_class_bind_template_child (widget_class, SdPreferencesWindow, remove_token_button);
  gtk_widget_class_bind_template_child (widget_class, SdPreferencesWindow, demo_group);
  gtk_widget_class_bind_template_child (widget_class, SdPreferencesWindow, leave_demo_button);
  gtk_widget_class_bind_template_child (widget_class, SdPreferencesWindow, base_url_error_label);
  gtk_widget_class_bind_template_child (widget_class, SdPreferencesWindow, download_dir_row);
  gtk_widget_class_bind_template_child (widget_class, SdPreferencesWindow, auto_download_switch);
  gtk_widget_class_bind_template_child (widget_class, SdPreferencesWindow, max_active_spin);
  gtk_widget_class_bind_template_child (widget_class, SdPreferencesWindow, notifications_switch);
  gtk_widget_class_bind_template_callback (widget_class, on_base_url_applied_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_base_url_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_token_applied_cb);

  gtk_widget_class_install_action (widget_class, "preferences.choose-folder", NULL,
                                   choose_folder_action);
  gtk_widget_class_install_action (widget_class, "preferences.remove-token", NULL,
                                   remove_token_action);
  gtk_widget_class_install_action (widget_class, "preferences.leave-demo", NULL,
                                   leave_demo_action);
}

static void
sd_preferences_window_init (SdPreferencesWindow *self)
{
  self->cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  sd_a11y_name_entry_row_buttons (self->base_url_row, _("Save the API address"), NULL);
  sd_a11y_name_entry_row_buttons (ADW_ENTRY_ROW (self->token_row), _("Save the new token"),
                                  _("Show or hide the new token"));
  sd_toasts_watch (GTK_WIDGET (self));
}

GtkWidget *
sd_preferences_window_new (SdContext *context)
{
  g_return_val_if_fail (SD_IS_CONTEXT (context), NULL);

  return g_object_new (SD_TYPE_PREFERENCES_WINDOW,
                       "context", context,
                       NULL);
}

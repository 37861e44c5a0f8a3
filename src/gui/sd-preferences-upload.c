/* sd-preferences-upload.c: the "Upload Service" group of Preferences
 *
 * The user's own upload service (the ShareX custom uploader shape): an
 * address, the file's field, an optional header with a secret kept in the
 * keyring, and where the link is in the answer. Saved only when the whole
 * service is usable (https://, loopback excepted); otherwise the reason is
 * shown under the group and nothing changes. An empty address switches it
 * off: files go to the Seedance server again.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-preferences-window"

#include "config.h"

#include <glib/gi18n.h>

#include "sd-a11y.h"
#include "sd-preferences-upload.h"
#include "sd-secrets.h"
#include "sd-uploader.h"

typedef struct
{
  SdContext   *context;
  AdwEntryRow *url_row;
  AdwEntryRow *field_row;
  AdwEntryRow *header_row;
  AdwEntryRow *secret_row;
  AdwEntryRow *json_path_row;
  GtkLabel    *error_label;
} UploadGroup;

/* Saves are numbered on the settings (every group, whether still open or
 * not): only the last one asked for is written. */
#define SAVES_KEY "sd-upload-service-saves"

static guint
last_save (GSettings *settings)
{
  return GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (settings), SAVES_KEY));
}

static void
upload_group_free (UploadGroup *group)
{
  g_clear_object (&group->context);
  g_free (group);
}

static void
show_error (UploadGroup *group,
            const char  *message)
{
  gtk_label_set_text (group->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (group->error_label), message != NULL);
  if (message != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (group->url_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (group->url_row), "error");
}

static const char *
row_text (AdwEntryRow *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

/* A service to save: the settings are written once its secret is in the
 * keyring, so that whoever follows the settings finds the new secret. */
typedef struct
{
  SdContext *context;
  GWeakRef   widget;
  guint      save;      /* its number, see last_save() */
  char      *url;
  char      *field;
  char      *header;
  char      *json_path;
} Saving;

static void
saving_free (Saving *saving)
{
  g_object_unref (saving->context);
  g_weak_ref_clear (&saving->widget);
  g_free (saving->url);
  g_free (saving->field);
  g_free (saving->header);
  g_free (saving->json_path);
  g_free (saving);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Saving, saving_free)

static gboolean
set_string (GSettings  *settings,
            const char *key,
            const char *value)
{
  g_autofree char *old = g_settings_get_string (settings, key);

  if (g_strcmp0 (old, value) == 0)
    return FALSE;
  g_settings_set_string (settings, key, value);
  return TRUE;
}

static void
write_settings (Saving   *saving,
                gboolean  new_secret)
{
  GSettings *settings = sd_context_get_settings (saving->context);
  g_autoptr(GtkWidget) widget = g_weak_ref_get (&saving->widget);
  GtkRoot *root = widget != NULL ? gtk_widget_get_root (widget) : NULL;
  gboolean changed = FALSE;

  changed |= set_string (settings, "upload-service-url", saving->url);
  changed |= set_string (settings, "upload-service-field", saving->field);
  changed |= set_string (settings, "upload-service-header", saving->header);
  changed |= set_string (settings, "upload-service-json-path", saving->json_path);
  /* a new secret alone changes no setting: those who follow the service
   * are told as if its header had changed */
  if (!changed && new_secret)
    g_signal_emit_by_name (settings, "changed::upload-service-header", "upload-service-header");
  if (ADW_IS_PREFERENCES_WINDOW (root))
    adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (root),
                                      adw_toast_new (*saving->url != '\0' ? _("Upload service saved")
                                                                          : _("Upload service off")));
}

static void
on_secret_stored_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(Saving) saving = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *notice = NULL;
  g_autoptr(GtkWidget) widget = g_weak_ref_get (&saving->widget);
  UploadGroup *group = widget != NULL ? g_object_get_data (G_OBJECT (widget), "sd-upload-group") : NULL;
  gboolean stored = sd_secrets_store_finish (SD_SECRETS (source), result, &notice, &error);

  if (last_save (sd_context_get_settings (saving->context)) != saving->save)
    {
      g_debug ("Upload service: a later save replaced this one");
      return;
    }
  /* the service is saved all the same: its secret can be typed again */
  if (!stored && group != NULL)
    show_error (group, error->message);
  else if (notice != NULL)
    g_debug ("Upload service secret: %s", notice);
  write_settings (saving, stored);
}

static void
save (UploadGroup *group,
      GtkWidget   *widget)
{
  const char *url = row_text (group->url_row);
  const char *secret = row_text (group->secret_row);
  g_autoptr(SdUploadService) service = NULL;
  g_autoptr(GError) error = NULL;
  Saving *saving;

  if (*url != '\0' &&
      (service = sd_upload_service_new (url, row_text (group->field_row), row_text (group->header_row),
                                        secret, row_text (group->json_path_row), &error)) == NULL)
    {
      g_debug ("Upload service refused: %s", error->message);
      show_error (group, error->message);
      return;
    }

  show_error (group, NULL);
  saving = g_new0 (Saving, 1);
  saving->context = g_object_ref (group->context);
  g_weak_ref_init (&saving->widget, widget);
  saving->save = last_save (sd_context_get_settings (group->context)) + 1;
  g_object_set_data (G_OBJECT (sd_context_get_settings (group->context)), SAVES_KEY,
                     GUINT_TO_POINTER (saving->save));
  saving->url = g_strdup (url);
  saving->field = g_strdup (row_text (group->field_row));
  saving->header = g_strdup (row_text (group->header_row));
  saving->json_path = g_strdup (row_text (group->json_path_row));
  if (*url != '\0' && *secret != '\0')
    {
      g_autofree char *key = sd_upload_service_secret_key (url);

      /* not cancelled with the window: the service is saved even when
       * Preferences closes meanwhile */
      sd_secrets_store_async (sd_context_get_secrets (group->context), key, secret,
                              NULL, on_secret_stored_cb, saving);
      return;
    }
  write_settings (saving, FALSE);
  saving_free (saving);
}

static void
on_applied_cb (AdwEntryRow *row,
               GtkWidget   *widget)
{
  save (g_object_get_data (G_OBJECT (widget), "sd-upload-group"), widget);
}

static AdwEntryRow *
add_row (AdwPreferencesGroup *widget,
         gboolean             password,
         const char          *title,
         const char          *text)
{
  GtkWidget *row = password ? adw_password_entry_row_new () : adw_entry_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (gtk_editable_get_delegate (GTK_EDITABLE (row))),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (row), TRUE);
  if (text != NULL)
    gtk_editable_set_text (GTK_EDITABLE (row), text);
  g_signal_connect_object (row, "apply", G_CALLBACK (on_applied_cb), widget, 0);
  sd_a11y_name_entry_row_buttons (ADW_ENTRY_ROW (row), _("Save the upload service"),
                                  password ? _("Show or hide the secret") : NULL);
  adw_preferences_group_add (widget, row);
  return ADW_ENTRY_ROW (row);
}

GtkWidget *
sd_preferences_upload_group_new (SdContext *context)
{
  GSettings *settings = sd_context_get_settings (context);
  GtkWidget *widget = adw_preferences_group_new ();
  AdwPreferencesGroup *pref = ADW_PREFERENCES_GROUP (widget);
  UploadGroup *group = g_new0 (UploadGroup, 1);
  g_autofree char *url = g_settings_get_string (settings, "upload-service-url");
  g_autofree char *field = g_settings_get_string (settings, "upload-service-field");
  g_autofree char *header = g_settings_get_string (settings, "upload-service-header");
  g_autofree char *json_path = g_settings_get_string (settings, "upload-service-json-path");

  group->context = g_object_ref (context);
  g_object_set_data_full (G_OBJECT (widget), "sd-upload-group", group,
                          (GDestroyNotify) upload_group_free);

  adw_preferences_group_set_title (pref, _("Upload Service"));
  adw_preferences_group_set_description (pref,
                                         _("Your own service for local files (https:// only); leave the address "
                                           "empty to upload to the Seedance server. The API token is never sent to it."));
  group->url_row = add_row (pref, FALSE, _("Upload Address"), url);
  gtk_widget_set_name (GTK_WIDGET (group->url_row), "upload_url_row");
  group->field_row = add_row (pref, FALSE, _("File Field Name"), field);
  group->header_row = add_row (pref, FALSE, _("Secret Header Name"), header);
  group->secret_row = add_row (pref, TRUE, _("Secret"), NULL);
  group->json_path_row = add_row (pref, FALSE, _("Link Path in the Answer"), json_path);

  group->error_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (group->error_label, 0);
  gtk_label_set_wrap (group->error_label, TRUE);
  gtk_widget_set_margin_top (GTK_WIDGET (group->error_label), 12);
  gtk_widget_add_css_class (GTK_WIDGET (group->error_label), "error");
  gtk_widget_set_visible (GTK_WIDGET (group->error_label), FALSE);
  adw_preferences_group_add (pref, GTK_WIDGET (group->error_label));
  return widget;
}

const char *
sd_preferences_upload_group_get_error (GtkWidget *widget)
{
  UploadGroup *group = g_object_get_data (G_OBJECT (widget), "sd-upload-group");

  g_return_val_if_fail (group != NULL, NULL);

  return gtk_widget_get_visible (GTK_WIDGET (group->error_label))
         ? gtk_label_get_text (group->error_label) : NULL;
}

void
sd_preferences_upload_group_apply (GtkWidget  *widget,
                                   const char *url,
                                   const char *header,
                                   const char *secret)
{
  UploadGroup *group = g_object_get_data (G_OBJECT (widget), "sd-upload-group");

  g_return_if_fail (group != NULL);

  gtk_editable_set_text (GTK_EDITABLE (group->url_row), url);
  gtk_editable_set_text (GTK_EDITABLE (group->header_row), header);
  gtk_editable_set_text (GTK_EDITABLE (group->secret_row), secret);
  save (group, widget);
}

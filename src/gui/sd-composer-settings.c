/* sd-composer-settings.c: the last choices, saved and loaded again
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-composer"

#include "config.h"

#include "sd-composer-private.h"

/* Saving -------------------------------------------------------------------- */

/* Saves what the user last chose, as the request (and the mode switch,
 * which an empty request does not show) changes; blocked while a draft or
 * the settings themselves are loaded. */
static void
on_save_last_cb (SdComposer *self,
                 GParamSpec *pspec)
{
  const char *name = g_param_spec_get_name (pspec);

  if (g_str_equal (name, "model") || g_str_equal (name, "ratio") || g_str_equal (name, "resolution"))
    {
      g_autofree char *key = g_strconcat ("last-", name, NULL);
      g_autofree char *value = NULL;

      g_object_get (self->request, name, &value, NULL);
      g_settings_set_string (self->settings, key, value != NULL ? value : "");
    }
  else if (g_str_equal (name, "duration"))
    g_settings_set_int (self->settings, "last-duration",
                        CLAMP (sd_request_get_duration (self->request), 0, 60));
  else if (g_str_equal (name, "frame-mode"))
    g_settings_set_boolean (self->settings, "last-frame-mode",
                            sd_media_list_get_frame_mode (self->images_list));
}

void
_sd_composer_connect_settings (SdComposer *self)
{
  if (self->settings == NULL)
    return;

  self->save_request_id = g_signal_connect_object (self->request, "notify",
                                                   G_CALLBACK (on_save_last_cb),
                                                   self, G_CONNECT_SWAPPED);
  self->save_mode_id = g_signal_connect_object (self->images_list, "notify::frame-mode",
                                                G_CALLBACK (on_save_last_cb),
                                                self, G_CONNECT_SWAPPED);
}

void
_sd_composer_block_saving (SdComposer *self,
                           gboolean    block)
{
  if (self->save_request_id == 0)
    return;

  if (block)
    {
      g_signal_handler_block (self->request, self->save_request_id);
      g_signal_handler_block (self->images_list, self->save_mode_id);
    }
  else
    {
      g_signal_handler_unblock (self->request, self->save_request_id);
      g_signal_handler_unblock (self->images_list, self->save_mode_id);
    }
}

/* Loading ------------------------------------------------------------------- */

/* Without the schema (settings NULL) the composer starts from these, the
 * schema's defaults, and keeps nothing. */
#define DEFAULT_DURATION 5

static char *
get_last_string (SdComposer *self,
                 const char *key,
                 const char *fallback)
{
  char *value = self->settings != NULL ? g_settings_get_string (self->settings, key) : g_strdup (fallback);

  if (*value == '\0')
    g_clear_pointer (&value, g_free);
  return value;
}

void
_sd_composer_load_settings (SdComposer *self)
{
  g_autofree char *model_id = get_last_string (self, "last-model", SD_CATALOG_DEFAULT_MODEL);
  g_autofree char *ratio = get_last_string (self, "last-ratio", "");
  g_autofree char *resolution = get_last_string (self, "last-resolution", "");
  int duration = DEFAULT_DURATION;
  gboolean frames = FALSE;

  if (self->settings != NULL)
    {
      duration = g_settings_get_int (self->settings, "last-duration");
      frames = g_settings_get_boolean (self->settings, "last-frame-mode");
    }

  _sd_composer_block_saving (self, TRUE);
  sd_request_set_ratio (self->request, ratio);
  sd_request_set_resolution (self->request, resolution);
  sd_request_set_duration (self->request, duration);

  if (!_sd_composer_select_model (self, model_id))
    _sd_composer_apply_model (self, sd_model_picker_get_selected_model (self->model_picker));
  gtk_toggle_button_set_active (frames ? self->frames_toggle : self->references_toggle, TRUE);
  if (frames && !gtk_widget_get_sensitive (GTK_WIDGET (self->frames_toggle)))
    gtk_toggle_button_set_active (self->references_toggle, TRUE);
  _sd_composer_block_saving (self, FALSE);
}

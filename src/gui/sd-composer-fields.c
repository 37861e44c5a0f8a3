/* sd-composer-fields.c: what the model offers for ratio, duration, resolution
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-composer"

#include "config.h"

#include <glib/gi18n.h>

#include "sd-composer-private.h"

/* Ratio, duration, resolution, modes ------------------------------------------ */

static int
find_string (GPtrArray  *values,
             const char *value)
{
  for (guint i = 0; i < values->len; i++)
    if (g_strcmp0 (g_ptr_array_index (values, i), value) == 0)
      return i;
  return -1;
}

void
_sd_composer_apply_ratios (SdComposer *self,
                           const char *wanted)
{
  const char * const *ratios = sd_model_get_ratios (self->model);
  const char *fallback = sd_model_get_default_ratio (self->model);
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);
  int selected;

  gtk_widget_set_visible (GTK_WIDGET (self->ratio_row), ratios != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->ratio_entry_row), ratios == NULL);
  if (ratios == NULL)
    {
      gtk_editable_set_text (GTK_EDITABLE (self->ratio_entry_row), wanted != NULL ? wanted : "");
      return;
    }

  g_ptr_array_set_size (self->ratio_values, 0);
  if (fallback == NULL)
    {
      g_ptr_array_add (self->ratio_values, NULL);
      gtk_string_list_append (labels, _("Server default"));
    }
  for (guint i = 0; ratios[i] != NULL; i++)
    {
      g_ptr_array_add (self->ratio_values, g_strdup (ratios[i]));
      gtk_string_list_append (labels, ratios[i]);
    }

  selected = find_string (self->ratio_values, wanted);
  if (selected < 0)
    selected = MAX (0, find_string (self->ratio_values, fallback));
  adw_combo_row_set_model (self->ratio_row, G_LIST_MODEL (labels));
  adw_combo_row_set_selected (self->ratio_row, selected);
  sd_request_set_ratio (self->request, g_ptr_array_index (self->ratio_values, selected));
}

void
_sd_composer_apply_duration (SdComposer *self,
                             int         wanted)
{
  int min = 1, max = 60;
  gboolean known = sd_model_get_duration_range (self->model, &min, &max);
  int fallback = sd_model_get_default_duration (self->model);

  adw_action_row_set_subtitle (self->duration_row,
                               known ? _("Seconds")
                                     : _("Seconds; this model’s range is not documented, the server decides"));
  gtk_adjustment_configure (self->duration_adjustment,
                            gtk_adjustment_get_value (self->duration_adjustment),
                            min, max, 1, 5, 0);
  if (wanted < min || wanted > max)
    wanted = fallback >= min && fallback <= max ? fallback : CLAMP (5, min, max);
  gtk_adjustment_set_value (self->duration_adjustment, wanted);
  sd_request_set_duration (self->request, wanted);
}

void
_sd_composer_apply_resolutions (SdComposer *self,
                                const char *wanted)
{
  const char * const *resolutions = sd_model_get_resolutions (self->model);
  g_autoptr(GtkStringList) labels = NULL;
  guint selected = 0;

  gtk_widget_set_visible (GTK_WIDGET (self->resolution_row), resolutions != NULL);
  if (resolutions == NULL)
    {
      adw_combo_row_set_model (self->resolution_row, NULL);
      sd_request_set_resolution (self->request, NULL);
      return;
    }

  if (wanted == NULL || !g_strv_contains (resolutions, wanted))
    wanted = sd_model_get_default_resolution (self->model);
  labels = gtk_string_list_new (resolutions);
  for (guint i = 0; resolutions[i] != NULL; i++)
    if (g_strcmp0 (resolutions[i], wanted) == 0)
      selected = i;
  adw_combo_row_set_model (self->resolution_row, G_LIST_MODEL (labels));
  adw_combo_row_set_selected (self->resolution_row, selected);
  sd_request_set_resolution (self->request, resolutions[selected]);
}

void
_sd_composer_apply_model_features (SdComposer *self)
{
  gboolean frames = sd_model_get_frames (self->model) != SD_SUPPORT_NO;

  gtk_widget_set_sensitive (GTK_WIDGET (self->frames_toggle), frames);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->frames_toggle),
                               frames ? NULL : _("This model does not take first and last frames"));
  if (!frames)
    gtk_toggle_button_set_active (self->references_toggle, TRUE);

  gtk_widget_set_visible (GTK_WIDGET (self->videos_group),
                          sd_model_get_reference_videos (self->model) != SD_SUPPORT_NO);
  gtk_widget_set_visible (GTK_WIDGET (self->audios_group),
                          sd_model_get_reference_audios (self->model) != SD_SUPPORT_NO);
}

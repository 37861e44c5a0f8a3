/* sd-composer-fields.c: what the model offers for ratio, duration, resolution
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-composer"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

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

/* What became of a duration the spin button or the model does not take:
 * either would otherwise change it without a word. */
static void
set_duration_note (SdComposer *self,
                   const char *asked,
                   int         now)
{
  int min = (int) gtk_adjustment_get_lower (self->duration_adjustment);
  int max = (int) gtk_adjustment_get_upper (self->duration_adjustment);
  gboolean known = self->model != NULL && sd_model_get_duration_range (self->model, NULL, NULL);

  g_free (self->duration_note);
  if (known)
    /* TRANSLATORS: "Duration: 20 s is outside this model’s range of 4–15 s; it is now 15 s." */
    self->duration_note = g_strdup_printf (_("Duration: %s s is outside this model’s range of %d–%d s; "
                                             "it is now %d s."),
                                           asked, min, max, now);
  else
    /* TRANSLATORS: the model documents no range; 1–60 s is what the composer offers */
    self->duration_note = g_strdup_printf (_("Duration: %s s is outside %d–%d s; it is now %d s."),
                                           asked, min, max, now);
  self->duration_note_value = now;
}

static char *
describe_duration_range (int min,
                         int max)
{
  /* TRANSLATORS: a duration range in seconds, e.g. "4–15 s" */
  return g_strdup_printf (_("%d–%d s"), min, max);
}

void
_sd_composer_apply_duration (SdComposer *self,
                             int         wanted)
{
  int min, max;
  gboolean known = sd_model_get_duration_range (self->model, &min, &max);
  int fallback = sd_model_get_default_duration (self->model);
  g_autofree char *range = NULL;
  const char *subtitle;

  /* Where the catalogue says nothing the server decides; the composer
   * still offers only what a person would ask for. */
  if (!known)
    {
      min = 1;
      max = 60;
    }
  range = describe_duration_range (min, max);
  subtitle = known ? range : _("Seconds; this model’s range is not documented, the server decides");

  adw_action_row_set_subtitle (self->duration_row, subtitle);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->duration_spin),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, subtitle,
                                  -1);
  gtk_adjustment_configure (self->duration_adjustment,
                            gtk_adjustment_get_value (self->duration_adjustment),
                            min, max, 1, 5, 0);
  g_clear_pointer (&self->duration_note, g_free);
  /* 0 is no duration chosen: the default, and nothing to say */
  if (wanted < min || wanted > max)
    {
      g_autofree char *asked = g_strdup_printf ("%d", wanted);
      int now = fallback >= min && fallback <= max ? fallback : CLAMP (5, min, max);

      g_debug ("Duration %d s is outside %d–%d s, now %d s", wanted, min, max, now);
      if (wanted != 0)
        set_duration_note (self, asked, now);
      wanted = now;
    }
  gtk_adjustment_set_value (self->duration_adjustment, wanted);
  sd_request_set_duration (self->request, wanted);
}

int
_sd_composer_on_duration_input_cb (SdComposer    *self,
                                   double        *new_value,
                                   GtkSpinButton *spin)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (spin))));
  double min = gtk_adjustment_get_lower (self->duration_adjustment);
  double max = gtk_adjustment_get_upper (self->duration_adjustment);
  char *end = NULL;
  double asked = g_ascii_strtod (text, &end);

  /* what is not a number is GTK's to refuse */
  if (*text == '\0' || end == NULL || *end != '\0' || !isfinite (asked))
    return FALSE;

  *new_value = CLAMP (asked, min, max);
  if (asked < min || asked > max)
    {
      g_debug ("Duration %s s typed, outside %.0f–%.0f s", text, min, max);
      set_duration_note (self, text, (int) *new_value);
      _sd_composer_revalidate (self);
    }
  return TRUE;
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

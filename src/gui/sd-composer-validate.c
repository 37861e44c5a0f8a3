/* sd-composer-validate.c: the problems under the fields and the hint by Generate
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-composer"

#include "config.h"

#include <glib/gi18n.h>

#include "sd-composer-private.h"
#include "sd-composer-test.h"
#include "sd-gui-util.h"

/* A sentence by Generate (why it failed, what a loaded draft lost) that
 * stays until the user changes something or generates again. */
void
_sd_composer_show_message (SdComposer *self,
                           const char *text)
{
  if (g_strcmp0 (self->message, text) == 0)
    return;
  g_free (self->message);
  self->message = g_strdup (text);
  _sd_composer_update_generate_hint (self);
}

/* Validation ------------------------------------------------------------ */

static Field
field_for_problem (const char *field)
{
  static const struct { const char *name; Field field; } map[] = {
    { "model", FIELD_MODEL },
    { "prompt", FIELD_PROMPT },
    { "ratio", FIELD_RATIO },
    { "duration", FIELD_DURATION },
    { "resolution", FIELD_RESOLUTION },
  };

  for (guint i = 0; i < G_N_ELEMENTS (map); i++)
    if (g_strcmp0 (field, map[i].name) == 0)
      return map[i].field;
  return N_FIELDS;
}

static GtkWidget *
widget_for_problem (SdComposer *self,
                    const char *field)
{
  switch (field_for_problem (field))
    {
    case FIELD_MODEL: return GTK_WIDGET (self->model_picker);
    case FIELD_PROMPT: return GTK_WIDGET (self->prompt_frame);
    case FIELD_RATIO:
      return GTK_WIDGET (gtk_widget_get_visible (GTK_WIDGET (self->ratio_row))
                         ? GTK_WIDGET (self->ratio_row) : GTK_WIDGET (self->ratio_entry_row));
    case FIELD_DURATION: return GTK_WIDGET (self->duration_row);
    case FIELD_RESOLUTION: return GTK_WIDGET (self->resolution_row);
    case N_FIELDS:
    default:
      return NULL;
    }
}

static void
mark_error (SdComposer *self,
            GtkWidget  *widget)
{
  if (widget == NULL || g_list_find (self->error_widgets, widget) != NULL)
    return;
  gtk_widget_add_css_class (widget, "error");
  self->error_widgets = g_list_prepend (self->error_widgets, widget);
}

static void
clear_problems (SdComposer *self)
{
  sd_media_list_clear_problems (self->images_list);
  sd_media_list_clear_problems (self->videos_list);
  sd_media_list_clear_problems (self->audios_list);
  for (GList *l = self->error_widgets; l != NULL; l = l->next)
    gtk_widget_remove_css_class (l->data, "error");
  g_clear_pointer (&self->error_widgets, g_list_free);

  for (guint i = 0; i < N_FIELDS; i++)
    {
      gtk_label_set_text (self->error_labels[i], "");
      gtk_widget_set_visible (GTK_WIDGET (self->error_labels[i]), FALSE);
    }
}

/* Returns whether the problem's text shows under its field. */
static gboolean
show_problem (SdComposer *self,
              SdProblem  *problem)
{
  Field field;

  if (sd_media_list_show_problem (self->images_list, problem))
    {
      /* in frame mode the images' problems point at the mode switch */
      if (_sd_composer_is_frame_mode (self) && g_strcmp0 (problem->field, "images") == 0)
        mark_error (self, GTK_WIDGET (self->frames_toggle));
      return TRUE;
    }
  if (sd_media_list_show_problem (self->videos_list, problem) ||
      sd_media_list_show_problem (self->audios_list, problem))
    return TRUE;

  field = field_for_problem (problem->field);
  /* a fresh composer is not scolded for the prompt it has not had yet;
   * the blocker next to Generate still says why it is disabled */
  if (field == FIELD_PROMPT && !self->prompt_touched)
    return FALSE;

  mark_error (self, widget_for_problem (self, problem->field));
  if (field == N_FIELDS)
    return FALSE;

  sd_gui_label_add_line (self->error_labels[field], problem->message);
  return TRUE;
}

/* The field names the hint by Generate links to. */
static const char *
field_title (const char *field)
{
  static const struct { const char *field; const char *title; } titles[] = {
    { "model", N_("Model") },
    { "prompt", N_("Prompt") },
    { "ratio", N_("Ratio") },
    { "duration", N_("Duration") },
    { "resolution", N_("Resolution") },
    { "images", N_("Images") },
    { "first_image", N_("Images") },
    { "last_image", N_("Images") },
    { "reference_videos", N_("Reference Videos") },
    { "reference_audios", N_("Reference Audio") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    if (g_strcmp0 (field, titles[i].field) == 0)
      return _(titles[i].title);
  return NULL;
}

/* Says each problem once: when its text shows under its field, the hint
 * by Generate only names the field, as a link that goes there. */
static char *
make_blocker_markup (SdComposer *self)
{
  const char *title = field_title (self->blocker_field);
  g_autofree char *escaped = g_markup_escape_text (self->blocker, -1);
  g_autofree char *link = NULL;

  if (self->blocker_field != NULL && g_str_equal (self->blocker_field, "preferences"))
    /* TRANSLATORS: the link opens the preferences */
    return g_strdup (_("Nothing is sent until the API address is fixed in "
                       "<a href=\"preferences\">Preferences</a>."));
  if (title == NULL)
    return g_steal_pointer (&escaped);
  if (!self->blocker_shown)
    return g_strdup_printf ("<a href=\"%s\">%s</a>", self->blocker_field, escaped);

  g_clear_pointer (&escaped, g_free);
  escaped = g_markup_escape_text (title, -1);
  link = g_strdup_printf ("<a href=\"%s\">%s</a>", self->blocker_field, escaped);
  /* TRANSLATORS: %s is a link to a field of the composer, e.g. "Images" */
  return g_strdup_printf (_("To generate, fix %s."), link);
}

void
_sd_composer_update_generate_hint (SdComposer *self)
{
  g_autofree char *markup = NULL;
  gboolean error = FALSE;

  if (self->message != NULL)
    {
      markup = g_markup_escape_text (self->message, -1);
      error = TRUE;
    }
  else if (self->blocker != NULL)
    markup = make_blocker_markup (self);

  /* On its own line above Generate: hidden while nothing stops it. */
  gtk_label_set_markup (self->blocker_label, markup != NULL ? markup : "");
  gtk_widget_set_visible (GTK_WIDGET (self->blocker_label), markup != NULL);
  if (error)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->blocker_label), "dim-label");
      gtk_widget_add_css_class (GTK_WIDGET (self->blocker_label), "error");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->blocker_label), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->blocker_label), "dim-label");
    }
}

static gboolean
focus_field (SdComposer *self,
             const char *field)
{
  GtkWidget *widget = NULL;

  if (g_strcmp0 (field, "images") == 0 || g_strcmp0 (field, "first_image") == 0 ||
      g_strcmp0 (field, "last_image") == 0)
    return sd_media_list_focus_problem (self->images_list, field);
  if (g_strcmp0 (field, "reference_videos") == 0)
    return sd_media_list_focus_problem (self->videos_list, field);
  if (g_strcmp0 (field, "reference_audios") == 0)
    return sd_media_list_focus_problem (self->audios_list, field);

  switch (field_for_problem (field))
    {
    case FIELD_PROMPT: widget = GTK_WIDGET (self->prompt_view); break;
    case FIELD_DURATION: widget = GTK_WIDGET (self->duration_spin); break;
    case FIELD_MODEL:
    case FIELD_RATIO:
    case FIELD_RESOLUTION:
      widget = widget_for_problem (self, field);
      break;
    case N_FIELDS:
    default:
      return FALSE;
    }
  return gtk_widget_grab_focus (widget);
}

gboolean
_sd_composer_on_hint_link_activated_cb (SdComposer *self,
                                        const char *uri)
{
  g_debug ("Hint link to %s", uri);
  if (g_str_equal (uri, "preferences"))
    return gtk_widget_activate_action (GTK_WIDGET (self), "app.preferences", NULL);
  focus_field (self, uri);
  return TRUE;
}

void
_sd_composer_revalidate (SdComposer *self)
{
  /* local files count as the links they will become */
  g_autoptr(SdRequest) sent = sd_upload_request_with_stand_ins (self->request);
  g_autoptr(GPtrArray) problems = sd_request_validate (sent, self->model);
  gboolean first_shown = FALSE;

  sd_upload_name_local_files (self->request, problems);

  clear_problems (self);
  for (guint i = 0; i < problems->len; i++)
    {
      gboolean shown = show_problem (self, g_ptr_array_index (problems, i));

      if (i == 0)
        first_shown = shown;
    }
  /* what became of a duration out of range; a note, not a problem */
  if (self->duration_note != NULL)
    sd_gui_label_add_line (self->error_labels[FIELD_DURATION], self->duration_note);

  /* Nothing is sent while the configured API address is refused; the
   * notice bar says why, the hint where to fix it. */
  if (sd_context_get_base_url_error (self->context) != NULL)
    _sd_composer_set_blocker (self, sd_context_get_base_url_error (self->context), "preferences", TRUE);
  else if (problems->len > 0)
    {
      SdProblem *first = g_ptr_array_index (problems, 0);

      _sd_composer_set_blocker (self, first->message, first->field, first_shown);
    }
  else if (self->model == NULL)
    _sd_composer_set_blocker (self, _("Choose a model."), "model", FALSE);
  else
    _sd_composer_set_blocker (self, NULL, NULL, FALSE);
  _sd_composer_update_can_generate (self);
}

/* For the tests: the problem text shown under @field's widget ("" when
 * none). */
const char *
sd_composer_get_problem_text (SdComposer *self,
                              const char *field)
{
  Field f = field_for_problem (field);

  g_return_val_if_fail (SD_IS_COMPOSER (self), NULL);

  if (g_strcmp0 (field, "images") == 0 || g_strcmp0 (field, "first_image") == 0 ||
      g_strcmp0 (field, "last_image") == 0)
    return sd_media_list_get_problem_text (self->images_list);
  if (g_strcmp0 (field, "reference_videos") == 0)
    return sd_media_list_get_problem_text (self->videos_list);
  if (g_strcmp0 (field, "reference_audios") == 0)
    return sd_media_list_get_problem_text (self->audios_list);
  g_return_val_if_fail (f != N_FIELDS, NULL);

  return gtk_label_get_text (self->error_labels[f]);
}

const char *
sd_composer_get_generate_hint_text (SdComposer *self)
{
  g_return_val_if_fail (SD_IS_COMPOSER (self), NULL);

  return gtk_label_get_text (self->blocker_label);
}

gboolean
sd_composer_activate_generate_hint (SdComposer *self)
{
  const char *uri;

  g_return_val_if_fail (SD_IS_COMPOSER (self), FALSE);

  uri = gtk_label_get_current_uri (self->blocker_label);
  if (uri == NULL && self->blocker_field != NULL)
    uri = self->blocker_field;
  return uri != NULL && _sd_composer_on_hint_link_activated_cb (self, uri);
}

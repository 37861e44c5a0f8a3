/* sd-composer.c: the request composer (model, prompt, images, ratio, ...)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-composer"

#include "config.h"

#include <glib/gi18n.h>

#include "sd-api.h"
#include "sd-catalog.h"
#include "sd-composer.h"
#include "sd-composer-private.h"
#include "sd-composer-test.h"
#include "sd-service.h"

G_DEFINE_FINAL_TYPE (SdComposer, sd_composer, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CONTEXT,
  PROP_REQUEST,
  PROP_CAN_GENERATE,
  PROP_BLOCKER,
  N_PROPS
};

enum {
  SIGNAL_SUBMITTED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

void
_sd_composer_emit_submitted (SdComposer *self,
                             SdTask     *task)
{
  g_signal_emit (self, signals[SIGNAL_SUBMITTED], 0, task);
}

gboolean
_sd_composer_is_frame_mode (SdComposer *self)
{
  return gtk_toggle_button_get_active (self->frames_toggle);
}

void
_sd_composer_set_blocker (SdComposer *self,
                          const char *blocker,
                          const char *field,
                          gboolean    shown)
{
  gboolean changed = g_strcmp0 (self->blocker, blocker) != 0;

  g_free (self->blocker);
  self->blocker = g_strdup (blocker);
  g_free (self->blocker_field);
  self->blocker_field = g_strdup (field);
  self->blocker_shown = shown;
  _sd_composer_update_generate_hint (self);
  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BLOCKER]);
}

void
_sd_composer_update_can_generate (SdComposer *self)
{
  gboolean can_generate = self->blocker == NULL && !self->submitting && self->model != NULL &&
                          self->media_refusal == NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "composer.generate", can_generate);
  if (self->can_generate == can_generate)
    return;
  self->can_generate = can_generate;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_GENERATE]);
}

static void
on_request_notify_cb (SdComposer *self)
{
  _sd_composer_media_draft_changed (self);
  _sd_composer_show_message (self, NULL);
  _sd_composer_revalidate (self);
}

/* Counts and hints ------------------------------------------------------ */

static void
update_prompt_count (SdComposer *self)
{
  const char *prompt = sd_request_get_prompt (self->request);
  glong length = prompt != NULL ? g_utf8_strlen (prompt, -1) : 0;
  int max = self->model != NULL ? sd_model_get_prompt_max_length (self->model) : SD_LIMIT_UNKNOWN;
  g_autofree char *text = NULL;

  if (max > 0)
    /* TRANSLATORS: characters typed / characters allowed, e.g. "42 / 5000" */
    text = g_strdup_printf (_("%ld / %d"), length, max);
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%ld character", "%ld characters", length), length);

  gtk_label_set_text (self->prompt_count, text);
  if (max > 0 && length > max)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->prompt_count), "dim-label");
      gtk_widget_add_css_class (GTK_WIDGET (self->prompt_count), "error");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->prompt_count), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->prompt_count), "dim-label");
    }
}

static void
update_hints (SdComposer *self)
{
  if (self->model == NULL)
    return;

  sd_media_list_set_model (self->images_list, self->model);
  sd_media_list_set_model (self->videos_list, self->model);
  sd_media_list_set_model (self->audios_list, self->model);
  adw_preferences_group_set_description (self->videos_group,
                                         sd_media_list_describe_schemes (sd_model_get_video_schemes (self->model)));
  adw_preferences_group_set_description (self->audios_group,
                                         sd_media_list_describe_schemes (sd_model_get_audio_schemes (self->model)));
}

/* Images, videos, audios -------------------------------------------------- */

static void
sync_media_to_request (SdComposer *self)
{
  g_auto(GStrv) images = NULL;
  g_auto(GStrv) videos = NULL;
  g_auto(GStrv) audios = NULL;

  if (_sd_composer_is_frame_mode (self))
    {
      g_autofree char *first_url = sd_media_list_dup_frame (self->images_list, FALSE);
      g_autofree char *last_url = sd_media_list_dup_frame (self->images_list, TRUE);

      sd_request_set_images (self->request, NULL);
      sd_request_set_first_image (self->request, first_url);
      sd_request_set_last_image (self->request, last_url);
    }
  else
    {
      images = sd_media_list_dup_urls (self->images_list);
      sd_request_set_first_image (self->request, NULL);
      sd_request_set_last_image (self->request, NULL);
      sd_request_set_images (self->request, (const char * const *) images);
    }

  videos = sd_media_list_dup_urls (self->videos_list);
  audios = sd_media_list_dup_urls (self->audios_list);
  sd_request_set_reference_videos (self->request, (const char * const *) videos);
  sd_request_set_reference_audios (self->request, (const char * const *) audios);
}

guint
sd_composer_add_image_text (SdComposer *self,
                            const char *text)
{
  g_return_val_if_fail (SD_IS_COMPOSER (self), 0);

  return sd_media_list_add_text (self->images_list, text);
}

/* Model --------------------------------------------------------------------- */

/* Fills the model-dependent fields, keeping the wanted values the model
 * allows and falling back to its defaults for the others. */
void
_sd_composer_apply_model (SdComposer *self,
                          SdModel    *model)
{
  g_autofree char *ratio = g_strdup (sd_request_get_ratio (self->request));
  g_autofree char *resolution = g_strdup (sd_request_get_resolution (self->request));
  int duration = sd_request_get_duration (self->request);

  if (!g_set_object (&self->model, model) || model == NULL)
    return;

  sd_request_set_model (self->request, sd_model_get_id (model));
  /* what the model makes of the wanted values is not what the user chose */
  _sd_composer_block_saving (self, TRUE);
  _sd_composer_apply_ratios (self, ratio);
  _sd_composer_apply_duration (self, duration);
  _sd_composer_apply_resolutions (self, resolution);
  _sd_composer_apply_model_features (self);
  update_hints (self);
  update_prompt_count (self);
  sync_media_to_request (self);
  _sd_composer_block_saving (self, FALSE);
  _sd_composer_revalidate (self);
}

gboolean
_sd_composer_select_model (SdComposer *self,
                           const char *model_id)
{
  if (!sd_model_picker_select (self->model_picker, model_id))
    return FALSE;
  _sd_composer_apply_model (self, sd_model_picker_get_selected_model (self->model_picker));
  return TRUE;
}

static void
on_model_selected_cb (SdComposer *self)
{
  _sd_composer_apply_model (self, sd_model_picker_get_selected_model (self->model_picker));
}

/* Widget → request --------------------------------------------------------- */

static void
on_ratio_selected_cb (SdComposer *self)
{
  guint selected = adw_combo_row_get_selected (self->ratio_row);
  const char *ratio;

  if (selected >= self->ratio_values->len || self->model == NULL)
    return;
  ratio = g_ptr_array_index (self->ratio_values, selected);
  sd_request_set_ratio (self->request, ratio);
}

static void
on_ratio_entry_changed_cb (SdComposer *self)
{
  g_autofree char *ratio = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->ratio_entry_row))));

  if (!gtk_widget_get_visible (GTK_WIDGET (self->ratio_entry_row)))
    return;
  sd_request_set_ratio (self->request, *ratio != '\0' ? ratio : NULL);
}

static void
on_duration_changed_cb (SdComposer *self)
{
  int duration = (int) gtk_adjustment_get_value (self->duration_adjustment);

  /* the note says what a value was changed to, until it changes again */
  if (self->duration_note != NULL && duration != self->duration_note_value)
    g_clear_pointer (&self->duration_note, g_free);
  sd_request_set_duration (self->request, duration);
}

static void
on_resolution_selected_cb (SdComposer *self)
{
  GtkStringObject *item = adw_combo_row_get_selected_item (self->resolution_row);
  const char *resolution = item != NULL ? gtk_string_object_get_string (item) : NULL;

  if (self->model == NULL || item == NULL)
    return;
  sd_request_set_resolution (self->request, resolution);
}

/* The placeholder has no accessible role (see the .ui): the text view
 * describes itself, so screen readers hear the text once. */
static void
show_placeholder (SdComposer *self,
                  gboolean    show)
{
  gtk_widget_set_visible (GTK_WIDGET (self->prompt_placeholder), show);
}

static void
on_prompt_changed_cb (SdComposer    *self,
                      GtkTextBuffer *buffer)
{
  GtkTextIter start, end;
  g_autofree char *prompt = NULL;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  prompt = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  show_placeholder (self, *prompt == '\0');
  self->prompt_touched = TRUE;
  sd_request_set_prompt (self->request, prompt);
  update_prompt_count (self);
}

static void
on_mode_toggled_cb (SdComposer *self)
{
  gboolean frames = _sd_composer_is_frame_mode (self);

  sd_media_list_set_frame_mode (self->images_list, frames);
  sync_media_to_request (self);
}

/* Loading ------------------------------------------------------------------- */

static void
load_media (SdComposer *self,
            SdRequest  *request)
{
  const char *first = sd_request_get_first_image (request);
  const char *last = sd_request_get_last_image (request);
  gboolean frames = first != NULL || last != NULL;

  gtk_toggle_button_set_active (frames ? self->frames_toggle : self->references_toggle, TRUE);
  sd_media_list_set_frames (self->images_list, first, last);
  sd_media_list_set_urls (self->images_list, sd_request_get_images (request));
  sd_media_list_set_urls (self->videos_list, sd_request_get_reference_videos (request));
  sd_media_list_set_urls (self->audios_list, sd_request_get_reference_audios (request));
}

void
sd_composer_load_request (SdComposer *self,
                          SdRequest  *request)
{
  GtkTextBuffer *buffer;
  const char *prompt;
  SdModel *model;
  gboolean prompt_touched;

  g_return_if_fail (SD_IS_COMPOSER (self));
  g_return_if_fail (SD_IS_REQUEST (request));

  /* a draft is not the user's last choice, and its prompt is not an edit */
  _sd_composer_block_saving (self, TRUE);
  prompt_touched = self->prompt_touched;
  g_signal_handlers_block_by_func (self->request, on_request_notify_cb, self);

  sd_request_set_ratio (self->request, sd_request_get_ratio (request));
  sd_request_set_duration (self->request, sd_request_get_duration (request));
  sd_request_set_resolution (self->request, sd_request_get_resolution (request));
  sd_request_set_orientation (self->request, sd_request_get_orientation (request));

  model = sd_catalog_lookup (sd_context_get_catalog (self->context), sd_request_get_model (request));
  if (model != NULL)
    {
      g_clear_object (&self->model);
      _sd_composer_select_model (self, sd_model_get_id (model));
    }
  else
    {
      g_autofree char *text = NULL;

      /* TRANSLATORS: %s is a model id */
      text = g_strdup_printf (_("The model “%s” is not in the catalogue; the other settings were copied."),
                              sd_request_get_model (request) != NULL ? sd_request_get_model (request) : "");
      _sd_composer_show_message (self, text);
    }

  prompt = sd_request_get_prompt (request);
  buffer = gtk_text_view_get_buffer (self->prompt_view);
  gtk_text_buffer_set_text (buffer, prompt != NULL ? prompt : "", -1);
  self->prompt_touched = prompt_touched;
  load_media (self, request);

  g_signal_handlers_unblock_by_func (self->request, on_request_notify_cb, self);
  _sd_composer_block_saving (self, FALSE);
  _sd_composer_media_draft_changed (self);
  _sd_composer_revalidate (self);
}

/* Size ---------------------------------------------------------------------- */

/* The composer asks for one width whatever it holds (a long hint, nine
 * references): the pane never moves while the user edits, and the results
 * take the rest. Narrower windows get what they have, down to the content's
 * minimum. */
#define COMPOSER_NATURAL_WIDTH 420

static void
sd_composer_measure (GtkWidget      *widget,
                     GtkOrientation  orientation,
                     int             for_size,
                     int            *minimum,
                     int            *natural,
                     int            *minimum_baseline,
                     int            *natural_baseline)
{
  SdComposer *self = SD_COMPOSER (widget);

  gtk_widget_measure (self->main_box, orientation, for_size,
                      minimum, natural, minimum_baseline, natural_baseline);
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *natural = MAX (*minimum, COMPOSER_NATURAL_WIDTH);
}

static GtkSizeRequestMode
sd_composer_get_request_mode (GtkWidget *widget)
{
  return gtk_widget_get_request_mode (SD_COMPOSER (widget)->main_box);
}

static void
sd_composer_size_allocate (GtkWidget *widget,
                           int        width,
                           int        height,
                           int        baseline)
{
  gtk_widget_allocate (SD_COMPOSER (widget)->main_box, width, height, baseline, NULL);
}

/* GObject ------------------------------------------------------------------- */

static void
set_accessible_labels (SdComposer *self)
{
  const struct { gpointer widget; const char *label; } labels[] = {
    { self->prompt_view, _("Prompt") },
    { self->ratio_row, _("Ratio") },
    { self->ratio_entry_row, _("Ratio") },
    { self->duration_spin, _("Duration") },
    { self->takes_spin, _("Takes") },
    { self->resolution_row, _("Resolution") },
    { self->generate_button, _("Generate") },
    { self->references_toggle, _("References") },
    { self->frames_toggle, _("First and last frame") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    gtk_accessible_update_property (GTK_ACCESSIBLE (labels[i].widget),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, labels[i].label,
                                    -1);
  /* the placeholder itself is hidden from screen readers (see the .ui) */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->prompt_view),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  gtk_label_get_text (self->prompt_placeholder),
                                  -1);
}

/* The estimate beside Generate is of every take Generate makes. */
static void
on_takes_changed_cb (SdComposer *self)
{
  sd_estimate_label_set_takes (self->estimate_label,
                               (guint) gtk_spin_button_get_value_as_int (self->takes_spin));
}

static void
connect_widgets (SdComposer *self)
{
  _sd_composer_connect_settings (self);
  g_signal_connect_object (self->request, "notify", G_CALLBACK (on_request_notify_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->model_picker, "notify::selected-model",
                           G_CALLBACK (on_model_selected_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->ratio_row, "notify::selected",
                           G_CALLBACK (on_ratio_selected_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->ratio_entry_row, "changed",
                           G_CALLBACK (on_ratio_entry_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->duration_adjustment, "value-changed",
                           G_CALLBACK (on_duration_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->duration_spin, "input",
                           G_CALLBACK (_sd_composer_on_duration_input_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->resolution_row, "notify::selected",
                           G_CALLBACK (on_resolution_selected_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->takes_spin, "value-changed",
                           G_CALLBACK (on_takes_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_text_view_get_buffer (self->prompt_view), "changed",
                           G_CALLBACK (on_prompt_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->frames_toggle, "toggled",
                           G_CALLBACK (on_mode_toggled_cb), self, G_CONNECT_SWAPPED);
  for (guint i = 0; i < 3; i++)
    {
      SdMediaList *list = i == 0 ? self->images_list : i == 1 ? self->videos_list : self->audios_list;

      g_signal_connect_object (list, "changed",
                               G_CALLBACK (sync_media_to_request), self, G_CONNECT_SWAPPED);
    }
}

static void
sd_composer_constructed (GObject *object)
{
  SdComposer *self = SD_COMPOSER (object);

  G_OBJECT_CLASS (sd_composer_parent_class)->constructed (object);

  g_assert (SD_IS_CONTEXT (self->context));

  g_set_object (&self->settings, sd_context_get_settings (self->context));
  self->thumbnailer = sd_thumbnailer_new_for_context (self->context);

  sd_media_list_set_thumbnailer (self->images_list, self->thumbnailer);

  sd_model_picker_set_models (self->model_picker,
                              sd_catalog_get_models (sd_context_get_catalog (self->context)));
  connect_widgets (self);
  sd_estimate_label_set_catalog (self->estimate_label, sd_context_get_catalog (self->context));
  sd_estimate_label_set_request (self->estimate_label, self->request);
  _sd_composer_load_settings (self);
  g_signal_connect_object (self->context, "notify::base-url-error",
                           G_CALLBACK (_sd_composer_revalidate), self, G_CONNECT_SWAPPED);
  _sd_composer_revalidate (self);
}

static void
sd_composer_dispose (GObject *object)
{
  SdComposer *self = SD_COMPOSER (object);

  g_cancellable_cancel (self->cancellable);
  _sd_composer_media_dispose (self);
  g_clear_pointer (&self->error_widgets, g_list_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), SD_TYPE_COMPOSER);

  g_clear_object (&self->thumbnailer);
  g_clear_object (&self->settings);
  g_clear_object (&self->model);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (sd_composer_parent_class)->dispose (object);
}

static void
sd_composer_finalize (GObject *object)
{
  SdComposer *self = SD_COMPOSER (object);

  g_clear_object (&self->request);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->ratio_values, g_ptr_array_unref);
  g_free (self->blocker);
  g_free (self->blocker_field);
  g_free (self->message);
  g_free (self->duration_note);

  G_OBJECT_CLASS (sd_composer_parent_class)->finalize (object);
}

static void
sd_composer_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  SdComposer *self = SD_COMPOSER (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      g_value_set_object (value, self->context);
      break;
    case PROP_REQUEST:
      g_value_set_object (value, self->request);
      break;
    case PROP_CAN_GENERATE:
      g_value_set_boolean (value, self->can_generate);
      break;
    case PROP_BLOCKER:
      g_value_set_string (value, self->blocker);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_composer_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  SdComposer *self = SD_COMPOSER (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      self->context = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* The prompt's placeholder covers the text view's width, as tall as its
 * wrapped text there. GtkOverlay's own placement asks a wrapped label for
 * its preferred size at every width (~2 ms at start, more than the rest of
 * the prompt group): one measure at the width it gets is enough. */
static gboolean
on_get_placeholder_position_cb (GtkOverlay    *overlay,
                                GtkWidget     *placeholder,
                                GtkAllocation *allocation,
                                gpointer       user_data)
{
  GtkWidget *view = gtk_overlay_get_child (overlay);
  graphene_rect_t bounds;
  int height;

  if (view == NULL || !gtk_widget_compute_bounds (view, GTK_WIDGET (overlay), &bounds))
    return FALSE;
  allocation->x = (int) bounds.origin.x;
  allocation->y = (int) bounds.origin.y;
  allocation->width = (int) bounds.size.width;
  gtk_widget_measure (placeholder, GTK_ORIENTATION_VERTICAL, allocation->width,
                      &height, NULL, NULL, NULL);
  allocation->height = MIN (height, (int) bounds.size.height);
  return TRUE;
}

static void
sd_composer_class_init (SdComposerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = sd_composer_constructed;
  object_class->dispose = sd_composer_dispose;
  object_class->finalize = sd_composer_finalize;
  object_class->get_property = sd_composer_get_property;
  object_class->set_property = sd_composer_set_property;

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL, SD_TYPE_CONTEXT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REQUEST] =
    g_param_spec_object ("request", NULL, NULL, SD_TYPE_REQUEST,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_GENERATE] =
    g_param_spec_boolean ("can-generate", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BLOCKER] =
    g_param_spec_string ("blocker", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_SUBMITTED] =
    g_signal_new ("submitted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, SD_TYPE_TASK);

  g_type_ensure (SD_TYPE_MEDIA_LIST);
  g_type_ensure (SD_TYPE_MODEL_PICKER);
  g_type_ensure (SD_TYPE_ESTIMATE_LABEL);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/seedancestudio/SeedanceStudio/gui/sd-composer.ui");
  gtk_widget_class_bind_template_child (widget_class, SdComposer, main_box);
  gtk_widget_class_bind_template_child (widget_class, SdComposer, model_picker);
  gtk_widget_class_bind_template_child (widget_class, SdComposer, prompt_frame);
  gtk_widget_class_bind_template_child (widget_class, SdComposer, prompt_view);
  gtk_widget_class_bind_template_child (widget_class, SdComposer, prompt_count);
  gtk_widget_class_bind_template_child (widget_class, SdComposer, prompt_placeholder);
  gtk_widget_class_bind_template_callback (widget_class, on_get_placeholder_position_cb);
  gtk_widget_class_bind_template_child (widget_class, SdComposer, references_toggle);
  gtk_widget_class_bind_template_child (widget_class, SdComposer, frames_toggle);
  gtk_widget_class_bind_template_child (widget_class, SdComposer, images_list);
  gtk_widget_class_bind_template_child (widget_class, SdComposer, ratio_row);
  gtk_widget_class_bind_template_child (widget_class, SdComposer, ratio_entry_row);
  gtk_widget_class_bind_template_child (widget_class, SdComposer, duration_row);
  gtk_widget_class_bind_template_child (widget_class, SdComposer, duration_spin);
  gtk_widget_class_bind_template_child (widget_class, SdComposer, takes_spin);
  gtk_widget_class_bind_template_child (widget_class, SdComposer, duration_adjustment);
  gtk_widget_class_bind_template_child (widget_class, SdComposer, resolution_row);
  gtk_widget_class_bind_template_child (widget_class, SdComposer, videos_group);
  gtk_widget_class_bind_template_child (widget_class, SdComposer, videos_list);
  gtk_widget_class_bind_template_child (widget_class, SdComposer, audios_group);
  gtk_widget_class_bind_template_child (widget_class, SdComposer, audios_list);
  gtk_widget_class_bind_template_child (widget_class, SdComposer, blocker_label);
  gtk_widget_class_bind_template_child (widget_class, SdComposer, estimate_label);
  gtk_widget_class_bind_template_child (widget_class, SdComposer, generate_button);
  gtk_widget_class_bind_template_child (widget_class, SdComposer, generate_stack);
  gtk_widget_class_bind_template_child (widget_class, SdComposer, generate_spinner);
  gtk_widget_class_bind_template_child_full (widget_class, "model_error", FALSE,
                                             G_STRUCT_OFFSET (SdComposer, error_labels[FIELD_MODEL]));
  gtk_widget_class_bind_template_child_full (widget_class, "prompt_error", FALSE,
                                             G_STRUCT_OFFSET (SdComposer, error_labels[FIELD_PROMPT]));
  gtk_widget_class_bind_template_child_full (widget_class, "ratio_error", FALSE,
                                             G_STRUCT_OFFSET (SdComposer, error_labels[FIELD_RATIO]));
  gtk_widget_class_bind_template_child_full (widget_class, "duration_error", FALSE,
                                             G_STRUCT_OFFSET (SdComposer, error_labels[FIELD_DURATION]));
  gtk_widget_class_bind_template_child_full (widget_class, "resolution_error", FALSE,
                                             G_STRUCT_OFFSET (SdComposer, error_labels[FIELD_RESOLUTION]));

  gtk_widget_class_bind_template_callback_full (widget_class, "on_hint_link_activated_cb",
                                                G_CALLBACK (_sd_composer_on_hint_link_activated_cb));

  _sd_composer_class_install_actions (widget_class);

  widget_class->measure = sd_composer_measure;
  widget_class->size_allocate = sd_composer_size_allocate;
  widget_class->get_request_mode = sd_composer_get_request_mode;
}

static void
sd_composer_init (SdComposer *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->request = sd_request_new ();
  self->ratio_values = g_ptr_array_new_with_free_func (g_free);
  self->cancellable = g_cancellable_new ();

  /* GTK marks the composer :drop(active) while hovering: the theme outlines it */
  gtk_widget_add_controller (GTK_WIDGET (self), sd_media_list_new_drop_target (self->images_list));
  _sd_composer_init_actions (self);
  set_accessible_labels (self);
}

GtkWidget *
sd_composer_new (SdContext *context)
{
  g_return_val_if_fail (SD_IS_CONTEXT (context), NULL);

  return g_object_new (SD_TYPE_COMPOSER, "context", context, NULL);
}

SdRequest *
sd_composer_get_request (SdComposer *self)
{
  g_return_val_if_fail (SD_IS_COMPOSER (self), NULL);

  return self->request;
}

gboolean
sd_composer_get_can_generate (SdComposer *self)
{
  g_return_val_if_fail (SD_IS_COMPOSER (self), FALSE);

  return self->can_generate;
}

GPtrArray *
sd_composer_get_ratio_values (SdComposer *self)
{
  g_return_val_if_fail (SD_IS_COMPOSER (self), NULL);

  return self->ratio_values;
}

gboolean
sd_composer_select_model (SdComposer *self,
                          const char *model_id)
{
  g_return_val_if_fail (SD_IS_COMPOSER (self), FALSE);

  return _sd_composer_select_model (self, model_id);
}

const char *
sd_composer_get_images_count_text (SdComposer *self)
{
  g_return_val_if_fail (SD_IS_COMPOSER (self), NULL);

  return sd_media_list_get_count_text (self->images_list);
}

const char *
sd_composer_get_images_message_text (SdComposer *self)
{
  g_return_val_if_fail (SD_IS_COMPOSER (self), NULL);

  return sd_media_list_get_message_text (self->images_list);
}

const char *
sd_composer_get_prompt_count_text (SdComposer *self)
{
  g_return_val_if_fail (SD_IS_COMPOSER (self), NULL);

  return gtk_label_get_text (self->prompt_count);
}

GtkTextBuffer *
sd_composer_get_prompt_buffer (SdComposer *self)
{
  g_return_val_if_fail (SD_IS_COMPOSER (self), NULL);

  return gtk_text_view_get_buffer (self->prompt_view);
}

/**
 * sd_composer_set_takes:
 * @n_takes: 1–8; clamped
 *
 * Sets "Takes: N": Generate then makes that many tasks in one group.
 */
void
sd_composer_set_takes (SdComposer *self,
                       guint       n_takes)
{
  g_return_if_fail (SD_IS_COMPOSER (self));

  gtk_spin_button_set_value (self->takes_spin, CLAMP (n_takes, 1, SD_SERVICE_MAX_TAKES));
}

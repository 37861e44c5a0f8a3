/* sd-composer-private.h: what the composer's files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "sd-composer.h"
#include "sd-estimate-label.h"
#include "sd-media-check.h"
#include "sd-media-list.h"
#include "sd-uploader.h"
#include "sd-model-picker.h"
#include "sd-thumbnailer.h"

G_BEGIN_DECLS

/* The fields problems are shown under, but for the media lists' own;
 * "orientation" has no widget and only shows as the blocker. */
typedef enum {
  FIELD_MODEL,
  FIELD_PROMPT,
  FIELD_RATIO,
  FIELD_DURATION,
  FIELD_RESOLUTION,
  N_FIELDS
} Field;

struct _SdComposer
{
  GtkWidget            parent_instance;

  GtkWidget           *main_box;
  SdModelPicker       *model_picker;
  GtkFrame            *prompt_frame;
  GtkTextView         *prompt_view;
  GtkLabel            *prompt_count;
  GtkLabel            *prompt_placeholder;
  GtkToggleButton     *references_toggle;
  GtkToggleButton     *frames_toggle;
  SdMediaList         *images_list;
  AdwComboRow         *ratio_row;
  AdwEntryRow         *ratio_entry_row;
  AdwActionRow        *duration_row;
  GtkSpinButton       *duration_spin;
  GtkSpinButton       *takes_spin;     /* Takes: N, 1–8 */
  GtkAdjustment       *duration_adjustment;
  AdwComboRow         *resolution_row;
  AdwPreferencesGroup *videos_group;
  SdMediaList         *videos_list;
  AdwPreferencesGroup *audios_group;
  SdMediaList         *audios_list;
  GtkLabel            *blocker_label;
  SdEstimateLabel     *estimate_label;
  GtkButton           *generate_button;
  GtkStack            *generate_stack;
  GtkSpinner          *generate_spinner;
  GtkLabel            *error_labels[N_FIELDS];

  SdContext           *context;
  GSettings           *settings;          /* NULL: the schema is not installed */
  SdThumbnailer       *thumbnailer;
  SdRequest           *request;
  SdModel             *model;
  GPtrArray           *ratio_values;      /* parallel to ratio_row; NULL: server default */
  GCancellable        *cancellable;       /* cancelled on dispose */
  GList               *error_widgets;     /* widgets wearing the "error" class */
  char                *blocker;
  char                *blocker_field;     /* the field it is about, or "preferences" */
  gboolean             blocker_shown;     /* its text shows under the field too */
  char                *message;           /* a failed Generate, by the button */
  gboolean             can_generate;
  gboolean             submitting;
  gulong               save_request_id;   /* saving the last-* keys; blocked while loading */
  gulong               save_mode_id;
  gboolean             prompt_touched;    /* an empty prompt is only an error once edited */
  char                *duration_note;     /* what became of a duration out of range */
  int                  duration_note_value;

  /* sd-composer-media.c */
  SdUploader          *uploader;          /* made at the first local file */
  SdMediaChecker      *checker;
  char                *media_refusal;     /* the last pre-flight refusal, until the draft changes */
  GtkWindow           *media_dialog;      /* the privacy or "send anyway" question */
  gboolean             no_uploads_said;   /* the window was told once */
  gboolean             uploads_lent;      /* the lists upload files on add */
  gboolean             service_changed;   /* the upload-service-* settings changed since */
  guint                service_idle;      /* their change is taken in once, when idle */
};

/* sd-composer.c */
void     _sd_composer_update_can_generate (SdComposer *self);
void     _sd_composer_emit_submitted      (SdComposer *self,
                                           SdTask     *task);
gboolean _sd_composer_is_frame_mode       (SdComposer *self);
/* The first problem, the one Generate waits for; @field is the problem's
 * field or "preferences", @shown whether its text shows under the field. */
void     _sd_composer_set_blocker         (SdComposer *self,
                                           const char *blocker,
                                           const char *field,
                                           gboolean    shown);
void     _sd_composer_apply_model         (SdComposer *self,
                                           SdModel    *model);
gboolean _sd_composer_select_model        (SdComposer *self,
                                           const char *model_id);

/* sd-composer-validate.c: the problems under the fields, the hint by Generate */
void     _sd_composer_revalidate                (SdComposer *self);
void     _sd_composer_show_message              (SdComposer *self,
                                                 const char *text);
void     _sd_composer_update_generate_hint      (SdComposer *self);
gboolean _sd_composer_on_hint_link_activated_cb (SdComposer *self,
                                                 const char *uri);

/* sd-composer-fields.c: what the model offers, into the fields */
void _sd_composer_apply_ratios         (SdComposer *self,
                                        const char *wanted);
void _sd_composer_apply_duration       (SdComposer *self,
                                        int         wanted);
void _sd_composer_apply_resolutions    (SdComposer *self,
                                        const char *wanted);
void _sd_composer_apply_model_features (SdComposer *self);
/* Parses what was typed into the duration; says, rather than clamps
 * silently, when it is out of range. */
int  _sd_composer_on_duration_input_cb (SdComposer    *self,
                                        double        *new_value,
                                        GtkSpinButton *spin);

/* sd-composer-settings.c: the last-* keys */
void _sd_composer_connect_settings (SdComposer *self);
void _sd_composer_block_saving     (SdComposer *self,
                                    gboolean    block);
void _sd_composer_load_settings    (SdComposer *self);

/* sd-composer-actions.c: "composer.*" and their shortcuts */
void _sd_composer_class_install_actions (GtkWidgetClass *widget_class);
void _sd_composer_init_actions          (SdComposer     *self);
void _sd_composer_set_submitting        (SdComposer     *self,
                                         gboolean        submitting);
/* Creates the task of @request, whose references are links now. */
void _sd_composer_send                  (SdComposer     *self,
                                         SdRequest      *request);

/* sd-composer-media.c: uploads and pre-flight checks before the create */
void        _sd_composer_media_submit        (SdComposer *self,
                                              SdRequest  *request);
void        _sd_composer_media_draft_changed (SdComposer *self);
void        _sd_composer_media_dispose       (SdComposer *self);
SdUploader *_sd_composer_get_uploader        (SdComposer *self);

G_END_DECLS

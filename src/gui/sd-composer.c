/* sd-composer.c: the request composer (model, prompt, images, ratio, ...)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-composer"

#include "config.h"

#include <glib/gi18n.h>

#include "sd-api.h"
#include "sd-catalog.h"
#include "sd-client.h"
#include "sd-composer.h"
#include "sd-composer-private.h"
#include "sd-image-row.h"
#include "sd-service.h"
#include "sd-thumbnailer.h"
#include "sd-uri-list.h"

/* The fields problems are shown under; "orientation" has no widget and
 * only shows as the blocker. */
typedef enum {
  FIELD_MODEL,
  FIELD_PROMPT,
  FIELD_IMAGES,
  FIELD_RATIO,
  FIELD_DURATION,
  FIELD_RESOLUTION,
  FIELD_VIDEOS,
  FIELD_AUDIOS,
  N_FIELDS
} Field;

struct _SdComposer
{
  GtkWidget            parent_instance;

  GtkWidget           *main_box;
  GtkDropDown         *model_dropdown;
  GtkFrame            *prompt_frame;
  GtkTextView         *prompt_view;
  GtkLabel            *prompt_count;
  GtkToggleButton     *references_toggle;
  GtkToggleButton     *frames_toggle;
  GtkStack            *images_stack;
  GtkListBox          *images_list;
  AdwEntryRow         *first_frame_row;
  AdwEntryRow         *last_frame_row;
  GtkImage            *first_frame_thumb;
  GtkImage            *last_frame_thumb;
  GtkListBox          *image_entry_list;
  AdwEntryRow         *image_entry;
  GtkLabel            *images_hint;
  GtkLabel            *images_count;
  AdwComboRow         *ratio_row;
  AdwEntryRow         *ratio_entry_row;
  AdwActionRow        *duration_row;
  GtkSpinButton       *duration_spin;
  GtkAdjustment       *duration_adjustment;
  AdwComboRow         *resolution_row;
  AdwPreferencesGroup *videos_group;
  GtkListBox          *videos_list;
  AdwEntryRow         *video_entry;
  AdwPreferencesGroup *audios_group;
  GtkListBox          *audios_list;
  AdwEntryRow         *audio_entry;
  GtkLabel            *blocker_label;
  GtkButton           *generate_button;
  GtkStack            *generate_stack;
  GtkSpinner          *generate_spinner;
  GtkLabel            *error_labels[N_FIELDS];

  SdContext           *context;
  GSettings           *settings;
  SdThumbnailer       *thumbnailer;
  SdRequest           *request;
  SdModel             *model;
  GtkStringList       *images;
  GtkStringList       *videos;
  GtkStringList       *audios;
  GPtrArray           *ratio_values;      /* parallel to ratio_row; NULL: server default */
  GCancellable        *cancellable;       /* cancelled on dispose */
  GCancellable        *first_thumb_cancellable;
  GCancellable        *last_thumb_cancellable;
  GList               *error_widgets;     /* widgets wearing the "error" class */
  char                *blocker;
  gboolean             can_generate;
  gboolean             submitting;
  gboolean             loading;           /* filling widgets: settings stay as they are */
  gboolean             prompt_touched;    /* an empty prompt is only an error once edited */
};

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
  SIGNAL_SHOW_TOAST,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
show_toast (SdComposer *self,
            const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);
  g_autoptr(AdwToast) toast = adw_toast_new (escaped);

  adw_toast_set_timeout (toast, 5);
  g_signal_emit (self, signals[SIGNAL_SHOW_TOAST], 0, toast);
}

static gboolean
is_frame_mode (SdComposer *self)
{
  return gtk_toggle_button_get_active (self->frames_toggle);
}

/* Model list rows ------------------------------------------------------- */

static char *
model_title (SdModel *model)
{
  const char *family = sd_model_get_family_name (model);
  const char *name = sd_model_get_display_name (model);

  /* "MD · MD Fast" says MD twice: the name alone is enough */
  if (family == NULL || g_str_has_prefix (name, family))
    return g_strdup (name);
  /* TRANSLATORS: model family, then model name, e.g. "MD · MD Fast" */
  return g_strdup_printf (_("%s · %s"), family, name);
}

static char *
model_subtitle (SdModel *model)
{
  const char *output = sd_model_get_output (model);

  if (sd_model_get_billing (model) == SD_BILLING_PER_SECOND)
    /* TRANSLATORS: billing and output quality, e.g. "per second · 720p" */
    return g_strdup_printf (_("per second · %s"), output != NULL ? output : "");
  /* TRANSLATORS: billing and output quality, e.g. "per task · 720p" */
  return g_strdup_printf (_("per task · %s"), output != NULL ? output : "");
}

static void
setup_model_button_cb (GtkSignalListItemFactory *factory,
                       GtkListItem              *item,
                       gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_list_item_set_child (item, label);
}

static void
bind_model_button_cb (GtkSignalListItemFactory *factory,
                      GtkListItem              *item,
                      gpointer                  user_data)
{
  SdModel *model = gtk_list_item_get_item (item);
  g_autofree char *title = model_title (model);
  g_autofree char *subtitle = model_subtitle (model);
  g_autofree char *text = NULL;

  /* Translators: a model's name, then its billing and output,
   * e.g. "Fast I2V (per task · 720p)". */
  text = g_strdup_printf (_("%s (%s)"), title, subtitle);

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)), text);
}

static void
setup_model_row_cb (GtkSignalListItemFactory *factory,
                    GtkListItem              *item,
                    gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title = gtk_label_new (NULL);
  GtkWidget *subtitle = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_xalign (GTK_LABEL (subtitle), 0);
  gtk_widget_add_css_class (subtitle, "dim-label");
  gtk_widget_add_css_class (subtitle, "caption");
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), subtitle);
  gtk_list_item_set_child (item, box);
}

static void
bind_model_row_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *item,
                   gpointer                  user_data)
{
  SdModel *model = gtk_list_item_get_item (item);
  GtkWidget *box = gtk_list_item_get_child (item);
  g_autofree char *title = model_title (model);
  g_autofree char *subtitle = model_subtitle (model);

  gtk_label_set_text (GTK_LABEL (gtk_widget_get_first_child (box)), title);
  gtk_label_set_text (GTK_LABEL (gtk_widget_get_last_child (box)), subtitle);
}

static void
setup_model_dropdown (SdComposer *self)
{
  g_autoptr(GtkListItemFactory) button_factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkListItemFactory) list_factory = gtk_signal_list_item_factory_new ();

  g_signal_connect (button_factory, "setup", G_CALLBACK (setup_model_button_cb), NULL);
  g_signal_connect (button_factory, "bind", G_CALLBACK (bind_model_button_cb), NULL);
  g_signal_connect (list_factory, "setup", G_CALLBACK (setup_model_row_cb), NULL);
  g_signal_connect (list_factory, "bind", G_CALLBACK (bind_model_row_cb), NULL);
  gtk_drop_down_set_factory (self->model_dropdown, button_factory);
  gtk_drop_down_set_list_factory (self->model_dropdown, list_factory);
}

/* Validation ------------------------------------------------------------ */

static Field
field_for_problem (const char *field)
{
  static const struct { const char *name; Field field; } map[] = {
    { "model", FIELD_MODEL },
    { "prompt", FIELD_PROMPT },
    { "images", FIELD_IMAGES },
    { "first_image", FIELD_IMAGES },
    { "last_image", FIELD_IMAGES },
    { "ratio", FIELD_RATIO },
    { "duration", FIELD_DURATION },
    { "resolution", FIELD_RESOLUTION },
    { "reference_videos", FIELD_VIDEOS },
    { "reference_audios", FIELD_AUDIOS },
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
  if (g_strcmp0 (field, "first_image") == 0)
    return GTK_WIDGET (self->first_frame_row);
  if (g_strcmp0 (field, "last_image") == 0)
    return GTK_WIDGET (self->last_frame_row);

  switch (field_for_problem (field))
    {
    case FIELD_MODEL: return GTK_WIDGET (self->model_dropdown);
    case FIELD_PROMPT: return GTK_WIDGET (self->prompt_frame);
    case FIELD_IMAGES: return is_frame_mode (self) ? GTK_WIDGET (self->frames_toggle) : GTK_WIDGET (self->images_list);
    case FIELD_RATIO:
      return GTK_WIDGET (gtk_widget_get_visible (GTK_WIDGET (self->ratio_row))
                         ? GTK_WIDGET (self->ratio_row) : GTK_WIDGET (self->ratio_entry_row));
    case FIELD_DURATION: return GTK_WIDGET (self->duration_row);
    case FIELD_RESOLUTION: return GTK_WIDGET (self->resolution_row);
    case FIELD_VIDEOS: return GTK_WIDGET (self->videos_list);
    case FIELD_AUDIOS: return GTK_WIDGET (self->audios_list);
    case N_FIELDS:
    default:
      return NULL;
    }
}

static void
clear_problems (SdComposer *self)
{
  for (GList *l = self->error_widgets; l != NULL; l = l->next)
    gtk_widget_remove_css_class (l->data, "error");
  g_clear_pointer (&self->error_widgets, g_list_free);

  for (guint i = 0; i < N_FIELDS; i++)
    {
      gtk_label_set_text (self->error_labels[i], "");
      gtk_widget_set_visible (GTK_WIDGET (self->error_labels[i]), FALSE);
    }
}

static void
show_problem (SdComposer *self,
              SdProblem  *problem)
{
  Field field = field_for_problem (problem->field);
  GtkWidget *widget = widget_for_problem (self, problem->field);
  GtkLabel *label;

  /* a fresh composer is not scolded for the prompt it has not had yet;
   * the blocker next to Generate still says why it is disabled */
  if (field == FIELD_PROMPT && !self->prompt_touched)
    return;

  if (widget != NULL && g_list_find (self->error_widgets, widget) == NULL)
    {
      gtk_widget_add_css_class (widget, "error");
      self->error_widgets = g_list_prepend (self->error_widgets, widget);
    }
  if (field == N_FIELDS)
    return;

  label = self->error_labels[field];
  if (gtk_widget_get_visible (GTK_WIDGET (label)))
    {
      g_autofree char *text = g_strconcat (gtk_label_get_text (label), "\n", problem->message, NULL);

      gtk_label_set_text (label, text);
    }
  else
    {
      gtk_label_set_text (label, problem->message);
      gtk_widget_set_visible (GTK_WIDGET (label), TRUE);
    }
}

static void
set_blocker (SdComposer *self,
             const char *blocker)
{
  if (g_strcmp0 (self->blocker, blocker) == 0)
    return;
  g_free (self->blocker);
  self->blocker = g_strdup (blocker);
  /* Stays visible when empty: it pushes Generate to the end either way. */
  gtk_label_set_text (self->blocker_label, blocker != NULL ? blocker : "");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BLOCKER]);
}

static void
update_can_generate (SdComposer *self)
{
  gboolean can_generate = self->blocker == NULL && !self->submitting && self->model != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "composer.generate", can_generate);
  if (self->can_generate == can_generate)
    return;
  self->can_generate = can_generate;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_GENERATE]);
}

static void
revalidate (SdComposer *self)
{
  g_autoptr(GPtrArray) problems = sd_request_validate (self->request, self->model);

  clear_problems (self);
  for (guint i = 0; i < problems->len; i++)
    show_problem (self, g_ptr_array_index (problems, i));

  /* Nothing is sent while the configured API address is refused. */
  if (sd_context_get_base_url_error (self->context) != NULL)
    set_blocker (self, sd_context_get_base_url_error (self->context));
  else if (problems->len > 0)
    set_blocker (self, ((SdProblem *) g_ptr_array_index (problems, 0))->message);
  else if (self->model == NULL)
    set_blocker (self, _("Choose a model."));
  else
    set_blocker (self, NULL);
  update_can_generate (self);
}

static void
on_request_notify_cb (SdComposer *self)
{
  revalidate (self);
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
update_images_count (SdComposer *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->images));
  int max = self->model != NULL ? sd_model_get_max_images (self->model) : SD_LIMIT_UNKNOWN;
  g_autofree char *text = NULL;

  if (is_frame_mode (self))
    {
      gtk_widget_set_visible (GTK_WIDGET (self->images_count), FALSE);
      return;
    }

  if (max >= 0)
    /* TRANSLATORS: e.g. "3 of 9 images" */
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u of %d image", "%u of %d images", max), n, max);
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u image", "%u images", n), n);
  gtk_label_set_text (self->images_count, text);
  gtk_widget_set_visible (GTK_WIDGET (self->images_count), TRUE);
}

static const char *
scheme_hint (SdUrlScheme schemes)
{
  if (schemes == SD_URL_SCHEME_ASSET)
    return _("asset:// IDs from the provider’s asset library");
  if (schemes == (SD_URL_SCHEME_HTTPS | SD_URL_SCHEME_ASSET))
    return _("https:// links or asset:// IDs from the provider’s asset library");
  return _("https:// links");
}

static void
update_hints (SdComposer *self)
{
  g_autofree char *images = NULL;

  if (self->model == NULL)
    return;

  /* TRANSLATORS: %s is a kind of link, e.g. "https:// links" */
  images = g_strdup_printf (_("Drop, paste or type %s."),
                            scheme_hint (sd_model_get_image_schemes (self->model)));
  gtk_label_set_text (self->images_hint, images);
  adw_preferences_group_set_description (self->videos_group,
                                         scheme_hint (sd_model_get_video_schemes (self->model)));
  adw_preferences_group_set_description (self->audios_group,
                                         scheme_hint (sd_model_get_audio_schemes (self->model)));
}

/* Images, videos, audios -------------------------------------------------- */

static char **
string_list_dup (GtkStringList *list)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (list));
  GStrvBuilder *builder = g_strv_builder_new ();
  char **strv;

  for (guint i = 0; i < n; i++)
    g_strv_builder_add (builder, gtk_string_list_get_string (list, i));
  strv = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return strv;
}

static void
sync_media_to_request (SdComposer *self)
{
  g_auto(GStrv) images = NULL;
  g_auto(GStrv) videos = NULL;
  g_auto(GStrv) audios = NULL;

  if (is_frame_mode (self))
    {
      const char *first = gtk_editable_get_text (GTK_EDITABLE (self->first_frame_row));
      const char *last = gtk_editable_get_text (GTK_EDITABLE (self->last_frame_row));
      g_autofree char *first_url = g_strstrip (g_strdup (first));
      g_autofree char *last_url = g_strstrip (g_strdup (last));

      sd_request_set_images (self->request, NULL);
      sd_request_set_first_image (self->request, *first_url != '\0' ? first_url : NULL);
      sd_request_set_last_image (self->request, *last_url != '\0' ? last_url : NULL);
    }
  else
    {
      images = string_list_dup (self->images);
      sd_request_set_first_image (self->request, NULL);
      sd_request_set_last_image (self->request, NULL);
      sd_request_set_images (self->request, (const char * const *) images);
    }

  videos = string_list_dup (self->videos);
  audios = string_list_dup (self->audios);
  sd_request_set_reference_videos (self->request, (const char * const *) videos);
  sd_request_set_reference_audios (self->request, (const char * const *) audios);
  update_images_count (self);
}

static void
move_item (GtkStringList *list,
           guint          position,
           int            delta)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (list));
  guint target = position + delta;
  g_autofree char *url = NULL;
  const char *additions[2] = { NULL, NULL };

  if (delta == 0 || (delta < 0 && position == 0) || target >= n)
    return;

  url = g_strdup (gtk_string_list_get_string (list, position));
  gtk_string_list_remove (list, position);
  additions[0] = url;
  gtk_string_list_splice (list, target, 0, additions);
}

static void
on_row_move_cb (SdImageRow *row,
                int         delta,
                gpointer    user_data)
{
  GtkStringList *list = user_data;
  int position = gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (row));
  GtkWidget *list_box = gtk_widget_get_parent (GTK_WIDGET (row));
  GtkListBoxRow *moved;

  if (position < 0)
    return;
  move_item (list, position, delta);

  /* keep the keyboard on the row that moved */
  moved = gtk_list_box_get_row_at_index (GTK_LIST_BOX (list_box), position + delta);
  if (moved != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (moved));
}

static void
on_row_remove_cb (SdImageRow *row,
                  gpointer    user_data)
{
  GtkStringList *list = user_data;
  int position = gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (row));

  if (position >= 0)
    gtk_string_list_remove (list, position);
}

static void
update_row_positions (GtkListBox *list_box)
{
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (list_box));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += SD_IS_IMAGE_ROW (child);

  for (guint i = 0; i < n; i++)
    sd_image_row_set_position (SD_IMAGE_ROW (gtk_list_box_get_row_at_index (list_box, i)), i, n);
  gtk_widget_set_visible (GTK_WIDGET (list_box), n > 0);
}

typedef struct
{
  SdComposer *self;
  const char *icon_name;
} RowFactory;

static GtkWidget *
create_media_row_cb (gpointer item,
                     gpointer user_data)
{
  RowFactory *factory = user_data;
  SdComposer *self = factory->self;
  GtkStringObject *string = item;
  GtkWidget *row;
  GtkStringList *list;

  row = sd_image_row_new (gtk_string_object_get_string (string),
                          factory->icon_name == NULL ? self->thumbnailer : NULL,
                          factory->icon_name);

  if (factory->icon_name == NULL)
    list = self->images;
  else if (g_str_equal (factory->icon_name, "video-x-generic-symbolic"))
    list = self->videos;
  else
    list = self->audios;

  g_signal_connect_object (row, "move", G_CALLBACK (on_row_move_cb), list, 0);
  g_signal_connect_object (row, "remove", G_CALLBACK (on_row_remove_cb), list, 0);
  return row;
}

static void
on_media_changed_cb (GListModel *list,
                     guint       position,
                     guint       removed,
                     guint       added,
                     SdComposer *self)
{
  update_row_positions (self->images_list);
  update_row_positions (self->videos_list);
  update_row_positions (self->audios_list);
  sync_media_to_request (self);
}

static void
bind_media_list (SdComposer    *self,
                 GtkListBox    *list_box,
                 GtkStringList *list,
                 const char    *icon_name)
{
  RowFactory *factory = g_new0 (RowFactory, 1);

  factory->self = self;
  factory->icon_name = icon_name;
  gtk_list_box_bind_model (list_box, G_LIST_MODEL (list),
                           create_media_row_cb, factory, g_free);
  g_signal_connect_object (list, "items-changed", G_CALLBACK (on_media_changed_cb), self, 0);
  gtk_widget_set_visible (GTK_WIDGET (list_box), FALSE);
}

static void
append_url (GtkStringList *list,
            const char    *url)
{
  gtk_string_list_append (list, url);
}

/* In frame mode a dropped link fills the first empty frame. */
static gboolean
add_frame (SdComposer *self,
           const char *url)
{
  if (*gtk_editable_get_text (GTK_EDITABLE (self->first_frame_row)) == '\0')
    gtk_editable_set_text (GTK_EDITABLE (self->first_frame_row), url);
  else if (*gtk_editable_get_text (GTK_EDITABLE (self->last_frame_row)) == '\0')
    gtk_editable_set_text (GTK_EDITABLE (self->last_frame_row), url);
  else
    return FALSE;
  return TRUE;
}

static char *
quote_refused (GPtrArray *refused)
{
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint i = 0; i < refused->len && i < 3; i++)
    {
      const char *text = g_ptr_array_index (refused, i);
      g_autofree char *shown = g_utf8_strlen (text, -1) > 40
                               ? g_strconcat (g_utf8_substring (text, 0, 39), "…", NULL)
                               : g_strdup (text);

      if (i > 0)
        g_string_append (names, ", ");
      /* TRANSLATORS: a refused piece of text in quotes */
      g_string_append_printf (names, _("“%s”"), shown);
    }
  if (refused->len > 3)
    g_string_append (names, ", …");
  return g_string_free (g_steal_pointer (&names), FALSE);
}

static void
report_refused (SdComposer *self,
                guint       local_files,
                GPtrArray  *not_urls,
                guint       frames_full)
{
  if (local_files > 0)
    show_toast (self, _("The API needs public https:// links; local files can’t be uploaded."));

  if (not_urls->len > 0)
    {
      g_autofree char *names = quote_refused (not_urls);
      g_autofree char *text = NULL;

      /* TRANSLATORS: %s lists the refused text, e.g. “cat”, “sofa” */
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "Not a link, so not added: %s",
                                           "Not links, so not added: %s",
                                           not_urls->len),
                              names);
      show_toast (self, text);
    }

  if (frames_full > 0)
    show_toast (self, _("Both frames are already set; switch to References to add more images."));
}

/* Reads @text's links into @list (NULL: the images, or the frames in frame
 * mode) and reports the rest. */
static guint
add_media_text (SdComposer    *self,
                GtkStringList *list,
                const char    *text)
{
  g_autoptr(GPtrArray) items = sd_uri_list_parse (text, -1);
  g_autoptr(GPtrArray) not_urls = g_ptr_array_new ();
  guint added = 0, local_files = 0, frames_full = 0;

  for (guint i = 0; i < items->len; i++)
    {
      SdUriItem *item = g_ptr_array_index (items, i);

      switch (item->kind)
        {
        case SD_URI_KIND_WEB:
        case SD_URI_KIND_ASSET:
          if (list == NULL && is_frame_mode (self))
            {
              if (add_frame (self, item->text))
                added++;
              else
                frames_full++;
            }
          else
            {
              append_url (list != NULL ? list : self->images, item->text);
              added++;
            }
          break;
        case SD_URI_KIND_LOCAL_FILE:
          local_files++;
          break;
        case SD_URI_KIND_NOT_A_URL:
        default:
          g_ptr_array_add (not_urls, item->text);
          break;
        }
    }

  report_refused (self, local_files, not_urls, frames_full);
  return added;
}

guint
sd_composer_add_image_text (SdComposer *self,
                            const char *text)
{
  g_return_val_if_fail (SD_IS_COMPOSER (self), 0);

  if (text == NULL)
    return 0;
  return add_media_text (self, NULL, text);
}

static void
on_frame_changed_cb (SdComposer *self,
                     GtkEditable *entry)
{
  gboolean first = entry == GTK_EDITABLE (self->first_frame_row);
  GCancellable **cancellable = first ? &self->first_thumb_cancellable : &self->last_thumb_cancellable;
  g_autofree char *url = g_strstrip (g_strdup (gtk_editable_get_text (entry)));

  g_cancellable_cancel (*cancellable);
  g_clear_object (cancellable);
  *cancellable = g_cancellable_new ();
  sd_image_row_show_thumbnail (first ? self->first_frame_thumb : self->last_frame_thumb,
                               self->thumbnailer, url, *cancellable);
  sync_media_to_request (self);
}

/* Model and its fields ---------------------------------------------------- */

static int
find_string (GPtrArray  *values,
             const char *value)
{
  for (guint i = 0; i < values->len; i++)
    if (g_strcmp0 (g_ptr_array_index (values, i), value) == 0)
      return i;
  return -1;
}

static void
apply_ratios (SdComposer *self,
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

static void
apply_duration (SdComposer *self,
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

static void
apply_resolutions (SdComposer *self,
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

static void
apply_model_features (SdComposer *self)
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

/* Fills the model-dependent fields, keeping the wanted values the model
 * allows and falling back to its defaults for the others. */
static void
apply_model (SdComposer *self,
             SdModel    *model)
{
  g_autofree char *ratio = g_strdup (sd_request_get_ratio (self->request));
  g_autofree char *resolution = g_strdup (sd_request_get_resolution (self->request));
  int duration = sd_request_get_duration (self->request);
  gboolean was_loading = self->loading;

  if (!g_set_object (&self->model, model) || model == NULL)
    return;

  self->loading = TRUE;
  sd_request_set_model (self->request, sd_model_get_id (model));
  apply_ratios (self, ratio);
  apply_duration (self, duration);
  apply_resolutions (self, resolution);
  apply_model_features (self);
  update_hints (self);
  update_prompt_count (self);
  sync_media_to_request (self);
  self->loading = was_loading;

  if (!self->loading)
    g_settings_set_string (self->settings, "last-model", sd_model_get_id (model));
  revalidate (self);
}

static gboolean
select_model (SdComposer *self,
              const char *model_id)
{
  GListModel *models = gtk_drop_down_get_model (self->model_dropdown);
  guint n = models != NULL ? g_list_model_get_n_items (models) : 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SdModel) model = g_list_model_get_item (models, i);

      if (g_strcmp0 (sd_model_get_id (model), model_id) == 0)
        {
          gtk_drop_down_set_selected (self->model_dropdown, i);
          apply_model (self, model);
          return TRUE;
        }
    }
  return FALSE;
}

static void
on_model_selected_cb (SdComposer *self)
{
  apply_model (self, gtk_drop_down_get_selected_item (self->model_dropdown));
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
  if (!self->loading)
    g_settings_set_string (self->settings, "last-ratio", ratio != NULL ? ratio : "");
}

static void
on_ratio_entry_changed_cb (SdComposer *self)
{
  g_autofree char *ratio = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->ratio_entry_row))));

  if (!gtk_widget_get_visible (GTK_WIDGET (self->ratio_entry_row)))
    return;
  sd_request_set_ratio (self->request, *ratio != '\0' ? ratio : NULL);
  if (!self->loading)
    g_settings_set_string (self->settings, "last-ratio", ratio);
}

static void
on_duration_changed_cb (SdComposer *self)
{
  int duration = (int) gtk_adjustment_get_value (self->duration_adjustment);

  sd_request_set_duration (self->request, duration);
  if (!self->loading)
    g_settings_set_int (self->settings, "last-duration", CLAMP (duration, 0, 60));
}

static void
on_resolution_selected_cb (SdComposer *self)
{
  GtkStringObject *item = adw_combo_row_get_selected_item (self->resolution_row);
  const char *resolution = item != NULL ? gtk_string_object_get_string (item) : NULL;

  if (self->model == NULL || item == NULL)
    return;
  sd_request_set_resolution (self->request, resolution);
  if (!self->loading)
    g_settings_set_string (self->settings, "last-resolution", resolution);
}

static void
on_prompt_changed_cb (SdComposer    *self,
                      GtkTextBuffer *buffer)
{
  GtkTextIter start, end;
  g_autofree char *prompt = NULL;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  prompt = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  if (!self->loading)
    self->prompt_touched = TRUE;
  sd_request_set_prompt (self->request, prompt);
  update_prompt_count (self);
}

static void
on_mode_toggled_cb (SdComposer *self)
{
  gboolean frames = is_frame_mode (self);

  gtk_stack_set_visible_child_name (self->images_stack, frames ? "frames" : "references");
  gtk_widget_set_visible (GTK_WIDGET (self->image_entry_list), !frames);
  sync_media_to_request (self);
  if (!self->loading)
    g_settings_set_boolean (self->settings, "last-frame-mode", frames);
}

/* Drop and paste ------------------------------------------------------------ */

static char *
file_list_to_text (GdkFileList *files)
{
  g_autoptr(GString) text = g_string_new (NULL);
  GSList *list = gdk_file_list_get_files (files);

  for (GSList *l = list; l != NULL; l = l->next)
    {
      g_autofree char *uri = g_file_get_uri (l->data);

      g_string_append_printf (text, "%s\r\n", uri);
    }
  g_slist_free (list);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static gboolean
on_drop_cb (GtkDropTarget *target,
            const GValue  *value,
            double         x,
            double         y,
            SdComposer    *self)
{
  g_autofree char *text = NULL;

  if (G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    text = file_list_to_text (g_value_get_boxed (value));
  else if (G_VALUE_HOLDS_STRING (value))
    text = g_value_dup_string (value);

  if (text == NULL)
    return FALSE;
  sd_composer_add_image_text (self, text);
  return TRUE;
}

static void
setup_drop_target (SdComposer *self)
{
  GtkDropTarget *target = gtk_drop_target_new (G_TYPE_INVALID, GDK_ACTION_COPY);
  GType types[] = { GDK_TYPE_FILE_LIST, G_TYPE_STRING };

  gtk_drop_target_set_gtypes (target, types, G_N_ELEMENTS (types));
  g_signal_connect (target, "drop", G_CALLBACK (on_drop_cb), self);
  /* GTK marks the composer :drop(active) while hovering: the theme outlines it */
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (target));
}

static void
on_clipboard_text_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(SdComposer) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, &error);

  if (text == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_toast (self, _("The clipboard holds no text with image links."));
      return;
    }
  if (!g_cancellable_is_cancelled (self->cancellable))
    sd_composer_add_image_text (self, text);
}

static void
paste_images_cb (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  SdComposer *self = SD_COMPOSER (widget);

  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (widget), self->cancellable,
                                 on_clipboard_text_cb, g_object_ref (self));
}

/* Actions -------------------------------------------------------------------- */

static void
add_from_entry (SdComposer    *self,
                AdwEntryRow   *entry,
                GtkStringList *list)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));

  if (*text == '\0')
    return;
  if (list == NULL ? sd_composer_add_image_text (self, text) > 0
                   : add_media_text (self, list, text) > 0)
    gtk_editable_set_text (GTK_EDITABLE (entry), "");
}

static void
add_image_cb (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  SdComposer *self = SD_COMPOSER (widget);

  add_from_entry (self, self->image_entry, NULL);
}

static void
add_video_cb (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  SdComposer *self = SD_COMPOSER (widget);

  add_from_entry (self, self->video_entry, self->videos);
}

static void
add_audio_cb (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  SdComposer *self = SD_COMPOSER (widget);

  add_from_entry (self, self->audio_entry, self->audios);
}

static void
add_from_entry_image_cb (SdComposer *self)
{
  add_from_entry (self, self->image_entry, NULL);
}

static void
add_from_entry_video_cb (SdComposer *self)
{
  add_from_entry (self, self->video_entry, self->videos);
}

static void
add_from_entry_audio_cb (SdComposer *self)
{
  add_from_entry (self, self->audio_entry, self->audios);
}

static void
focus_prompt_cb (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  gtk_widget_grab_focus (GTK_WIDGET (SD_COMPOSER (widget)->prompt_view));
}

static void
set_submitting (SdComposer *self,
                gboolean    submitting)
{
  self->submitting = submitting;
  gtk_stack_set_visible_child_name (self->generate_stack, submitting ? "spinner" : "label");
  gtk_spinner_set_spinning (self->generate_spinner, submitting);
  update_can_generate (self);
}

static const char *
submit_error_message (GError *error)
{
  if (g_error_matches (error, SD_API_ERROR, SD_API_ERROR_OUTCOME_UNKNOWN))
    /* Not only a broken connection: a 5xx or code -1 answer, too. */
    return _("Uncertain: the task may or may not have been created. It is in the "
             "list as uncertain; look there or in the provider’s console before "
             "generating again.");
  return error->message;
}

static void
on_submitted_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(SdComposer) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SdTask) task = sd_service_submit_finish (SD_SERVICE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_submitting (self, FALSE);
  if (task == NULL)
    {
      show_toast (self, submit_error_message (error));
      return;
    }

  show_toast (self, _("Task submitted"));
  g_signal_emit (self, signals[SIGNAL_SUBMITTED], 0, task);
}

static void
generate_cb (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SdComposer *self = SD_COMPOSER (widget);
  g_autoptr(SdRequest) request = NULL;

  if (!self->can_generate)
    return;

  request = sd_request_copy (self->request);
  set_submitting (self, TRUE);
  sd_service_submit_async (sd_context_get_service (self->context), request,
                           self->cancellable, on_submitted_cb, g_object_ref (self));
}

/* Loading ------------------------------------------------------------------- */

static void
set_string_list (GtkStringList      *list,
                 const char * const *values)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (list));

  gtk_string_list_splice (list, 0, n, values);
}

static void
load_media (SdComposer *self,
            SdRequest  *request)
{
  const char *first = sd_request_get_first_image (request);
  const char *last = sd_request_get_last_image (request);
  gboolean frames = first != NULL || last != NULL;

  gtk_toggle_button_set_active (frames ? self->frames_toggle : self->references_toggle, TRUE);
  gtk_editable_set_text (GTK_EDITABLE (self->first_frame_row), first != NULL ? first : "");
  gtk_editable_set_text (GTK_EDITABLE (self->last_frame_row), last != NULL ? last : "");
  set_string_list (self->images, sd_request_get_images (request));
  set_string_list (self->videos, sd_request_get_reference_videos (request));
  set_string_list (self->audios, sd_request_get_reference_audios (request));
}

void
sd_composer_load_request (SdComposer *self,
                          SdRequest  *request)
{
  GtkTextBuffer *buffer;
  const char *prompt;
  SdModel *model;

  g_return_if_fail (SD_IS_COMPOSER (self));
  g_return_if_fail (SD_IS_REQUEST (request));

  self->loading = TRUE;
  g_signal_handlers_block_by_func (self->request, on_request_notify_cb, self);

  sd_request_set_ratio (self->request, sd_request_get_ratio (request));
  sd_request_set_duration (self->request, sd_request_get_duration (request));
  sd_request_set_resolution (self->request, sd_request_get_resolution (request));
  sd_request_set_orientation (self->request, sd_request_get_orientation (request));

  model = sd_catalog_lookup (sd_context_get_catalog (self->context), sd_request_get_model (request));
  if (model != NULL)
    {
      g_clear_object (&self->model);
      select_model (self, sd_model_get_id (model));
    }
  else
    {
      g_autofree char *text = NULL;

      /* TRANSLATORS: %s is a model id */
      text = g_strdup_printf (_("The model “%s” is not in the catalogue; the other settings were copied."),
                              sd_request_get_model (request) != NULL ? sd_request_get_model (request) : "");
      show_toast (self, text);
    }

  prompt = sd_request_get_prompt (request);
  buffer = gtk_text_view_get_buffer (self->prompt_view);
  gtk_text_buffer_set_text (buffer, prompt != NULL ? prompt : "", -1);
  load_media (self, request);

  g_signal_handlers_unblock_by_func (self->request, on_request_notify_cb, self);
  self->loading = FALSE;
  revalidate (self);
}

static void
load_settings (SdComposer *self)
{
  g_autofree char *model_id = g_settings_get_string (self->settings, "last-model");
  g_autofree char *ratio = g_settings_get_string (self->settings, "last-ratio");
  g_autofree char *resolution = g_settings_get_string (self->settings, "last-resolution");
  gboolean frames = g_settings_get_boolean (self->settings, "last-frame-mode");

  self->loading = TRUE;
  sd_request_set_ratio (self->request, *ratio != '\0' ? ratio : NULL);
  sd_request_set_resolution (self->request, *resolution != '\0' ? resolution : NULL);
  sd_request_set_duration (self->request, g_settings_get_int (self->settings, "last-duration"));

  if (!select_model (self, model_id))
    on_model_selected_cb (self);
  gtk_toggle_button_set_active (frames ? self->frames_toggle : self->references_toggle, TRUE);
  if (frames && !gtk_widget_get_sensitive (GTK_WIDGET (self->frames_toggle)))
    gtk_toggle_button_set_active (self->references_toggle, TRUE);
  self->loading = FALSE;
}

/* GObject ------------------------------------------------------------------- */

static void
set_accessible_labels (SdComposer *self)
{
  const struct { gpointer widget; const char *label; } labels[] = {
    { self->model_dropdown, _("Model") },
    { self->prompt_view, _("Prompt") },
    { self->image_entry, _("Image URL") },
    { self->ratio_row, _("Ratio") },
    { self->ratio_entry_row, _("Ratio") },
    { self->duration_spin, _("Duration") },
    { self->resolution_row, _("Resolution") },
    { self->first_frame_row, _("First frame") },
    { self->last_frame_row, _("Last frame") },
    { self->generate_button, _("Generate") },
    { self->references_toggle, _("References") },
    { self->frames_toggle, _("First and last frame") },
    { self->video_entry, _("Video URL") },
    { self->audio_entry, _("Audio URL") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    gtk_accessible_update_property (GTK_ACCESSIBLE (labels[i].widget),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, labels[i].label,
                                    -1);
}

static void
connect_widgets (SdComposer *self)
{
  g_signal_connect_object (self->request, "notify", G_CALLBACK (on_request_notify_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->model_dropdown, "notify::selected",
                           G_CALLBACK (on_model_selected_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->ratio_row, "notify::selected",
                           G_CALLBACK (on_ratio_selected_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->ratio_entry_row, "changed",
                           G_CALLBACK (on_ratio_entry_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->duration_adjustment, "value-changed",
                           G_CALLBACK (on_duration_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->resolution_row, "notify::selected",
                           G_CALLBACK (on_resolution_selected_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_text_view_get_buffer (self->prompt_view), "changed",
                           G_CALLBACK (on_prompt_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->frames_toggle, "toggled",
                           G_CALLBACK (on_mode_toggled_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->first_frame_row, "changed",
                           G_CALLBACK (on_frame_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->last_frame_row, "changed",
                           G_CALLBACK (on_frame_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->image_entry, "entry-activated",
                           G_CALLBACK (add_from_entry_image_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->video_entry, "entry-activated",
                           G_CALLBACK (add_from_entry_video_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->audio_entry, "entry-activated",
                           G_CALLBACK (add_from_entry_audio_cb), self, G_CONNECT_SWAPPED);
}

static void
sd_composer_constructed (GObject *object)
{
  SdComposer *self = SD_COMPOSER (object);
  GTlsCertificate *certificate;
  SdClient *client;

  G_OBJECT_CLASS (sd_composer_parent_class)->constructed (object);

  g_assert (SD_IS_CONTEXT (self->context));

  self->settings = g_object_ref (sd_context_get_settings (self->context));
  client = sd_context_get_client (self->context);
  self->thumbnailer = sd_thumbnailer_new (sd_client_get_session (client));
  /* The demo's sample pictures come from the demo server's https listener. */
  certificate = sd_context_get_tls_certificate (self->context);
  if (sd_context_get_demo (self->context) && certificate != NULL)
    sd_thumbnailer_set_loopback_certificate (self->thumbnailer, certificate);

  bind_media_list (self, self->images_list, self->images, NULL);
  bind_media_list (self, self->videos_list, self->videos, "video-x-generic-symbolic");
  bind_media_list (self, self->audios_list, self->audios, "audio-x-generic-symbolic");

  gtk_drop_down_set_model (self->model_dropdown,
                           sd_catalog_get_models (sd_context_get_catalog (self->context)));
  connect_widgets (self);
  load_settings (self);
  g_signal_connect_object (self->context, "notify::base-url-error",
                           G_CALLBACK (revalidate), self, G_CONNECT_SWAPPED);
  revalidate (self);
}

static void
sd_composer_dispose (GObject *object)
{
  SdComposer *self = SD_COMPOSER (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->first_thumb_cancellable);
  g_cancellable_cancel (self->last_thumb_cancellable);
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
  g_clear_object (&self->images);
  g_clear_object (&self->videos);
  g_clear_object (&self->audios);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->first_thumb_cancellable);
  g_clear_object (&self->last_thumb_cancellable);
  g_clear_pointer (&self->ratio_values, g_ptr_array_unref);
  g_free (self->blocker);

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
  signals[SIGNAL_SHOW_TOAST] =
    g_signal_new ("show-toast", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, ADW_TYPE_TOAST);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/seedancestudio/SeedanceStudio/gui/sd-composer.ui");
  gtk_widget_class_bind_template_child (widget_class, SdComposer, main_box);
  gtk_widget_class_bind_template_child (widget_class, SdComposer, model_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SdComposer, prompt_frame);
  gtk_widget_class_bind_template_child (widget_class, SdComposer, prompt_view);
  gtk_widget_class_bind_template_child (widget_class, SdComposer, prompt_count);
  gtk_widget_class_bind_template_child (widget_class, SdComposer, references_toggle);
  gtk_widget_class_bind_template_child (widget_class, SdComposer, frames_toggle);
  gtk_widget_class_bind_template_child (widget_class, SdComposer, images_stack);
  gtk_widget_class_bind_template_child (widget_class, SdComposer, images_list);
  gtk_widget_class_bind_template_child (widget_class, SdComposer, first_frame_row);
  gtk_widget_class_bind_template_child (widget_class, SdComposer, last_frame_row);
  gtk_widget_class_bind_template_child (widget_class, SdComposer, first_frame_thumb);
  gtk_widget_class_bind_template_child (widget_class, SdComposer, last_frame_thumb);
  gtk_widget_class_bind_template_child (widget_class, SdComposer, image_entry_list);
  gtk_widget_class_bind_template_child (widget_class, SdComposer, image_entry);
  gtk_widget_class_bind_template_child (widget_class, SdComposer, images_hint);
  gtk_widget_class_bind_template_child (widget_class, SdComposer, images_count);
  gtk_widget_class_bind_template_child (widget_class, SdComposer, ratio_row);
  gtk_widget_class_bind_template_child (widget_class, SdComposer, ratio_entry_row);
  gtk_widget_class_bind_template_child (widget_class, SdComposer, duration_row);
  gtk_widget_class_bind_template_child (widget_class, SdComposer, duration_spin);
  gtk_widget_class_bind_template_child (widget_class, SdComposer, duration_adjustment);
  gtk_widget_class_bind_template_child (widget_class, SdComposer, resolution_row);
  gtk_widget_class_bind_template_child (widget_class, SdComposer, videos_group);
  gtk_widget_class_bind_template_child (widget_class, SdComposer, videos_list);
  gtk_widget_class_bind_template_child (widget_class, SdComposer, video_entry);
  gtk_widget_class_bind_template_child (widget_class, SdComposer, audios_group);
  gtk_widget_class_bind_template_child (widget_class, SdComposer, audios_list);
  gtk_widget_class_bind_template_child (widget_class, SdComposer, audio_entry);
  gtk_widget_class_bind_template_child (widget_class, SdComposer, blocker_label);
  gtk_widget_class_bind_template_child (widget_class, SdComposer, generate_button);
  gtk_widget_class_bind_template_child (widget_class, SdComposer, generate_stack);
  gtk_widget_class_bind_template_child (widget_class, SdComposer, generate_spinner);
  gtk_widget_class_bind_template_child_full (widget_class, "model_error", FALSE,
                                             G_STRUCT_OFFSET (SdComposer, error_labels[FIELD_MODEL]));
  gtk_widget_class_bind_template_child_full (widget_class, "prompt_error", FALSE,
                                             G_STRUCT_OFFSET (SdComposer, error_labels[FIELD_PROMPT]));
  gtk_widget_class_bind_template_child_full (widget_class, "images_error", FALSE,
                                             G_STRUCT_OFFSET (SdComposer, error_labels[FIELD_IMAGES]));
  gtk_widget_class_bind_template_child_full (widget_class, "ratio_error", FALSE,
                                             G_STRUCT_OFFSET (SdComposer, error_labels[FIELD_RATIO]));
  gtk_widget_class_bind_template_child_full (widget_class, "duration_error", FALSE,
                                             G_STRUCT_OFFSET (SdComposer, error_labels[FIELD_DURATION]));
  gtk_widget_class_bind_template_child_full (widget_class, "resolution_error", FALSE,
                                             G_STRUCT_OFFSET (SdComposer, error_labels[FIELD_RESOLUTION]));
  gtk_widget_class_bind_template_child_full (widget_class, "videos_error", FALSE,
                                             G_STRUCT_OFFSET (SdComposer, error_labels[FIELD_VIDEOS]));
  gtk_widget_class_bind_template_child_full (widget_class, "audios_error", FALSE,
                                             G_STRUCT_OFFSET (SdComposer, error_labels[FIELD_AUDIOS]));

  gtk_widget_class_install_action (widget_class, "composer.generate", NULL, generate_cb);
  gtk_widget_class_install_action (widget_class, "composer.paste-images", NULL, paste_images_cb);
  gtk_widget_class_install_action (widget_class, "composer.focus-prompt", NULL, focus_prompt_cb);
  gtk_widget_class_install_action (widget_class, "composer.add-image", NULL, add_image_cb);
  gtk_widget_class_install_action (widget_class, "composer.add-video", NULL, add_video_cb);
  gtk_widget_class_install_action (widget_class, "composer.add-audio", NULL, add_audio_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_v, GDK_CONTROL_MASK,
                                       "composer.paste-images", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
setup_generate_shortcut (SdComposer *self)
{
  GtkEventController *controller = gtk_shortcut_controller_new ();
  GtkShortcutAction *action = gtk_named_action_new ("composer.generate");

  /* capture phase: Ctrl+Enter generates even from inside the prompt */
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  for (guint i = 0; i < 2; i++)
    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                          gtk_shortcut_new (gtk_keyval_trigger_new (i == 0 ? GDK_KEY_Return : GDK_KEY_KP_Enter,
                                                                                    GDK_CONTROL_MASK),
                                                            i == 0 ? action : g_object_ref (action)));
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}

static void
sd_composer_init (SdComposer *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->request = sd_request_new ();
  self->images = gtk_string_list_new (NULL);
  self->videos = gtk_string_list_new (NULL);
  self->audios = gtk_string_list_new (NULL);
  self->ratio_values = g_ptr_array_new_with_free_func (g_free);
  self->cancellable = g_cancellable_new ();
  self->first_thumb_cancellable = g_cancellable_new ();
  self->last_thumb_cancellable = g_cancellable_new ();

  setup_model_dropdown (self);
  setup_drop_target (self);
  setup_generate_shortcut (self);
  set_accessible_labels (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "composer.generate", FALSE);
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

/* For the tests: the problem text shown under @field's widget ("" when
 * none), and the values the ratio list offers. */
const char *
sd_composer_get_problem_text (SdComposer *self,
                              const char *field)
{
  Field f = field_for_problem (field);

  g_return_val_if_fail (SD_IS_COMPOSER (self), NULL);
  g_return_val_if_fail (f != N_FIELDS, NULL);

  return gtk_label_get_text (self->error_labels[f]);
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

  return select_model (self, model_id);
}

const char *
sd_composer_get_images_count_text (SdComposer *self)
{
  g_return_val_if_fail (SD_IS_COMPOSER (self), NULL);

  return gtk_label_get_text (self->images_count);
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

/* sd-request.c: the parameters of one generation, and their validation
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-request"

#include "config.h"

#include <glib/gi18n.h>

#include "sd-request.h"

struct _SdRequest
{
  GObject parent_instance;

  char  *model;
  char  *prompt;
  int    duration;
  gboolean has_duration;
  char  *ratio;
  char  *resolution;
  char  *orientation;
  char **images;
  char  *first_image;
  char  *last_image;
  char **reference_videos;
  char **reference_audios;
};

G_DEFINE_FINAL_TYPE (SdRequest, sd_request, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_MODEL,
  PROP_PROMPT,
  PROP_DURATION,
  PROP_RATIO,
  PROP_RESOLUTION,
  PROP_ORIENTATION,
  PROP_IMAGES,
  PROP_FIRST_IMAGE,
  PROP_LAST_IMAGE,
  PROP_REFERENCE_VIDEOS,
  PROP_REFERENCE_AUDIOS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_BOXED_TYPE (SdProblem, sd_problem, sd_problem_copy, sd_problem_free)

SdProblem *
sd_problem_new (const char *field,
                const char *message)
{
  SdProblem *problem = g_new0 (SdProblem, 1);

  problem->field = g_strdup (field);
  problem->message = g_strdup (message);
  return problem;
}

SdProblem *
sd_problem_copy (const SdProblem *problem)
{
  return sd_problem_new (problem->field, problem->message);
}

void
sd_problem_free (SdProblem *problem)
{
  if (problem == NULL)
    return;
  g_free (problem->field);
  g_free (problem->message);
  g_free (problem);
}

/* Empty strings mean "unset", as they do on the wire. */
static gboolean
set_string (SdRequest   *self,
            char       **field,
            const char  *value,
            int          prop)
{
  if (value != NULL && *value == '\0')
    value = NULL;
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
  return TRUE;
}

static void
set_strv (SdRequest           *self,
          char              ***field,
          const char * const  *value,
          int                  prop)
{
  if (value != NULL && value[0] == NULL)
    value = NULL;
  if (*field == NULL && value == NULL)
    return;
  if (*field != NULL && value != NULL &&
      g_strv_equal ((const char * const *) *field, value))
    return;
  g_strfreev (*field);
  *field = g_strdupv ((char **) value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
sd_request_finalize (GObject *object)
{
  SdRequest *self = SD_REQUEST (object);

  g_free (self->model);
  g_free (self->prompt);
  g_free (self->ratio);
  g_free (self->resolution);
  g_free (self->orientation);
  g_strfreev (self->images);
  g_free (self->first_image);
  g_free (self->last_image);
  g_strfreev (self->reference_videos);
  g_strfreev (self->reference_audios);

  G_OBJECT_CLASS (sd_request_parent_class)->finalize (object);
}

static void
sd_request_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  SdRequest *self = SD_REQUEST (object);

  switch (prop_id)
    {
    case PROP_MODEL:            g_value_set_string (value, self->model); break;
    case PROP_PROMPT:           g_value_set_string (value, self->prompt); break;
    case PROP_DURATION:         g_value_set_int (value, self->duration); break;
    case PROP_RATIO:            g_value_set_string (value, self->ratio); break;
    case PROP_RESOLUTION:       g_value_set_string (value, self->resolution); break;
    case PROP_ORIENTATION:      g_value_set_string (value, self->orientation); break;
    case PROP_IMAGES:           g_value_set_boxed (value, self->images); break;
    case PROP_FIRST_IMAGE:      g_value_set_string (value, self->first_image); break;
    case PROP_LAST_IMAGE:       g_value_set_string (value, self->last_image); break;
    case PROP_REFERENCE_VIDEOS: g_value_set_boxed (value, self->reference_videos); break;
    case PROP_REFERENCE_AUDIOS: g_value_set_boxed (value, self->reference_audios); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_request_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  SdRequest *self = SD_REQUEST (object);

  switch (prop_id)
    {
    case PROP_MODEL:            sd_request_set_model (self, g_value_get_string (value)); break;
    case PROP_PROMPT:           sd_request_set_prompt (self, g_value_get_string (value)); break;
    case PROP_DURATION:         sd_request_set_duration (self, g_value_get_int (value)); break;
    case PROP_RATIO:            sd_request_set_ratio (self, g_value_get_string (value)); break;
    case PROP_RESOLUTION:       sd_request_set_resolution (self, g_value_get_string (value)); break;
    case PROP_ORIENTATION:      sd_request_set_orientation (self, g_value_get_string (value)); break;
    case PROP_IMAGES:           sd_request_set_images (self, g_value_get_boxed (value)); break;
    case PROP_FIRST_IMAGE:      sd_request_set_first_image (self, g_value_get_string (value)); break;
    case PROP_LAST_IMAGE:       sd_request_set_last_image (self, g_value_get_string (value)); break;
    case PROP_REFERENCE_VIDEOS: sd_request_set_reference_videos (self, g_value_get_boxed (value)); break;
    case PROP_REFERENCE_AUDIOS: sd_request_set_reference_audios (self, g_value_get_boxed (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static GParamSpec *
string_param (const char *name)
{
  return g_param_spec_string (name, NULL, NULL, NULL,
                              G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                              G_PARAM_STATIC_STRINGS);
}

static GParamSpec *
strv_param (const char *name)
{
  return g_param_spec_boxed (name, NULL, NULL, G_TYPE_STRV,
                             G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                             G_PARAM_STATIC_STRINGS);
}

static void
sd_request_class_init (SdRequestClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sd_request_finalize;
  object_class->get_property = sd_request_get_property;
  object_class->set_property = sd_request_set_property;

  properties[PROP_MODEL] = string_param ("model");
  properties[PROP_PROMPT] = string_param ("prompt");
  properties[PROP_DURATION] =
    g_param_spec_int ("duration", NULL, NULL, G_MININT, G_MAXINT, 0,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                      G_PARAM_STATIC_STRINGS);
  properties[PROP_RATIO] = string_param ("ratio");
  properties[PROP_RESOLUTION] = string_param ("resolution");
  properties[PROP_ORIENTATION] = string_param ("orientation");
  properties[PROP_IMAGES] = strv_param ("images");
  properties[PROP_FIRST_IMAGE] = string_param ("first-image");
  properties[PROP_LAST_IMAGE] = string_param ("last-image");
  properties[PROP_REFERENCE_VIDEOS] = strv_param ("reference-videos");
  properties[PROP_REFERENCE_AUDIOS] = strv_param ("reference-audios");

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sd_request_init (SdRequest *self)
{
}

SdRequest *
sd_request_new (void)
{
  return g_object_new (SD_TYPE_REQUEST, NULL);
}

SdRequest *
sd_request_copy (SdRequest *self)
{
  SdRequest *copy;

  g_return_val_if_fail (SD_IS_REQUEST (self), NULL);

  copy = sd_request_new ();
  copy->model = g_strdup (self->model);
  copy->prompt = g_strdup (self->prompt);
  copy->duration = self->duration;
  copy->has_duration = self->has_duration;
  copy->ratio = g_strdup (self->ratio);
  copy->resolution = g_strdup (self->resolution);
  copy->orientation = g_strdup (self->orientation);
  copy->images = g_strdupv (self->images);
  copy->first_image = g_strdup (self->first_image);
  copy->last_image = g_strdup (self->last_image);
  copy->reference_videos = g_strdupv (self->reference_videos);
  copy->reference_audios = g_strdupv (self->reference_audios);
  return copy;
}

#define DEFINE_STRING_ACCESSORS(name, PROP)                              \
const char *                                                             \
sd_request_get_##name (SdRequest *self)                                  \
{                                                                        \
  g_return_val_if_fail (SD_IS_REQUEST (self), NULL);                     \
  return self->name;                                                     \
}                                                                        \
                                                                         \
void                                                                     \
sd_request_set_##name (SdRequest  *self,                                 \
                       const char *value)                                \
{                                                                        \
  g_return_if_fail (SD_IS_REQUEST (self));                               \
  set_string (self, &self->name, value, PROP);                           \
}

#define DEFINE_STRV_ACCESSORS(name, PROP)                                \
const char * const *                                                     \
sd_request_get_##name (SdRequest *self)                                  \
{                                                                        \
  g_return_val_if_fail (SD_IS_REQUEST (self), NULL);                     \
  return (const char * const *) self->name;                              \
}                                                                        \
                                                                         \
void                                                                     \
sd_request_set_##name (SdRequest          *self,                         \
                       const char * const *value)                        \
{                                                                        \
  g_return_if_fail (SD_IS_REQUEST (self));                               \
  set_strv (self, &self->name, value, PROP);                             \
}

DEFINE_STRING_ACCESSORS (model, PROP_MODEL)
DEFINE_STRING_ACCESSORS (prompt, PROP_PROMPT)
DEFINE_STRING_ACCESSORS (ratio, PROP_RATIO)
DEFINE_STRING_ACCESSORS (resolution, PROP_RESOLUTION)
DEFINE_STRING_ACCESSORS (orientation, PROP_ORIENTATION)
DEFINE_STRING_ACCESSORS (first_image, PROP_FIRST_IMAGE)
DEFINE_STRING_ACCESSORS (last_image, PROP_LAST_IMAGE)
DEFINE_STRV_ACCESSORS (images, PROP_IMAGES)
DEFINE_STRV_ACCESSORS (reference_videos, PROP_REFERENCE_VIDEOS)
DEFINE_STRV_ACCESSORS (reference_audios, PROP_REFERENCE_AUDIOS)

int
sd_request_get_duration (SdRequest *self)
{
  g_return_val_if_fail (SD_IS_REQUEST (self), 0);
  return self->duration;
}

static void
store_duration (SdRequest *self,
                int        duration,
                gboolean   given)
{
  if (self->duration == duration && self->has_duration == given)
    return;
  self->duration = duration;
  self->has_duration = given;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DURATION]);
}

/**
 * sd_request_set_duration:
 * @self: a request
 * @duration: seconds; 0 unsets the duration (the API's default applies)
 *
 * Any other value is kept as it is, a negative one too, for
 * sd_request_validate() to refuse: an invalid duration is never quietly
 * replaced by the default, which the user would be billed for.
 */
void
sd_request_set_duration (SdRequest *self,
                         int        duration)
{
  g_return_if_fail (SD_IS_REQUEST (self));

  store_duration (self, duration, duration != 0);
}

/**
 * sd_request_set_explicit_duration:
 * @self: a request
 * @duration: the seconds the user asked for, 0 included
 *
 * For what a user typed (the CLI, a JSON request): even 0 is a duration
 * asked for, which sd_request_validate() refuses, not "unset".
 */
void
sd_request_set_explicit_duration (SdRequest *self,
                                  int        duration)
{
  g_return_if_fail (SD_IS_REQUEST (self));

  store_duration (self, duration, TRUE);
}

/**
 * sd_request_has_duration:
 * @self: a request
 *
 * Returns: whether a duration was given (else the API's default applies)
 */
gboolean
sd_request_has_duration (SdRequest *self)
{
  g_return_val_if_fail (SD_IS_REQUEST (self), FALSE);
  return self->has_duration;
}

void
sd_request_add_image (SdRequest  *self,
                      const char *url)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) images = NULL;

  g_return_if_fail (SD_IS_REQUEST (self));
  g_return_if_fail (url != NULL);

  if (self->images != NULL)
    g_strv_builder_addv (builder, (const char **) self->images);
  g_strv_builder_add (builder, url);
  images = g_strv_builder_end (builder);
  sd_request_set_images (self, (const char * const *) images);
}

/* Validation. Every rule is driven by the model's data: a limit the
 * documentation does not give (SD_LIMIT_UNKNOWN, SD_SUPPORT_UNKNOWN, NULL
 * lists) never refuses anything; the server decides. */

/* The API applies this duration when the request gives none. */
#define API_DEFAULT_DURATION 5

typedef struct
{
  const char *field;
  /* Each takes the model's name, then the first address that fails. */
  const char *https_only;
  const char *asset_only;
  const char *https_or_asset;
} UrlKind;

/* Translators: in the messages below, the first %s is the model's name and
 * the second the address that cannot be used. */
static const UrlKind image_kind = {
  "images",
  N_("%s takes reference images as public web links (https://…); “%s” is not one."),
  N_("%s takes reference images from the asset library (asset://…), not web links; “%s” is not one."),
  N_("%s takes reference images as public web links (https://…) or from the asset library (asset://…); “%s” is neither."),
};

static const UrlKind first_image_kind = {
  "first_image",
  N_("%s takes the first frame as a public web link (https://…); “%s” is not one."),
  N_("%s takes the first frame from the asset library (asset://…), not a web link; “%s” is not one."),
  N_("%s takes the first frame as a public web link (https://…) or from the asset library (asset://…); “%s” is neither."),
};

static const UrlKind last_image_kind = {
  "last_image",
  N_("%s takes the last frame as a public web link (https://…); “%s” is not one."),
  N_("%s takes the last frame from the asset library (asset://…), not a web link; “%s” is not one."),
  N_("%s takes the last frame as a public web link (https://…) or from the asset library (asset://…); “%s” is neither."),
};

static const UrlKind video_kind = {
  "reference_videos",
  N_("%s takes reference videos as public web links (https://…); “%s” is not one."),
  N_("%s takes reference videos from the asset library (asset://…), not web links; “%s” is not one."),
  N_("%s takes reference videos as public web links (https://…) or from the asset library (asset://…); “%s” is neither."),
};

static const UrlKind audio_kind = {
  "reference_audios",
  N_("%s takes reference audio as public web links (https://…); “%s” is not one."),
  N_("%s takes reference audio from the asset library (asset://…), not web links; “%s” is not one."),
  N_("%s takes reference audio as public web links (https://…) or from the asset library (asset://…); “%s” is neither."),
};

G_GNUC_PRINTF (3, 4)
static void
add_problem (GPtrArray  *problems,
             const char *field,
             const char *format,
             ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_ptr_array_add (problems, sd_problem_new (field, message));
}

static guint
strv_length0 (char **strv)
{
  return strv != NULL ? g_strv_length (strv) : 0;
}

static gboolean
is_blank (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (!g_unichar_isspace (g_utf8_get_char (p)))
        return FALSE;
    }
  return TRUE;
}

static char *
join_values (const char * const *values)
{
  return g_strjoinv (", ", (char **) values);
}

static void
check_model (SdRequest *self,
             SdModel   *model,
             GPtrArray *problems)
{
  if (self->model == NULL)
    add_problem (problems, "model", _("Choose a model."));
  else if (model == NULL)
    add_problem (problems, "model",
                 _("There is no model “%s” in the catalogue; choose another model."),
                 self->model);
  else if (!g_str_equal (self->model, sd_model_get_id (model)))
    add_problem (problems, "model",
                 _("The request is for the model “%s”, not for %s."),
                 self->model, sd_model_get_display_name (model));
}

static void
check_prompt (SdRequest *self,
              SdModel   *model,
              GPtrArray *problems)
{
  int max = model != NULL ? sd_model_get_prompt_max_length (model) : SD_LIMIT_UNKNOWN;
  glong length;

  if (self->prompt == NULL)
    {
      add_problem (problems, "prompt", _("A prompt is required: describe the video to make."));
      return;
    }
  if (!g_utf8_validate (self->prompt, -1, NULL))
    {
      add_problem (problems, "prompt", _("The prompt is not valid UTF-8 text."));
      return;
    }
  if (is_blank (self->prompt))
    {
      add_problem (problems, "prompt",
                   _("A prompt is required: describe the video to make, not only spaces."));
      return;
    }

  length = g_utf8_strlen (self->prompt, -1);
  if (max != SD_LIMIT_UNKNOWN && length > max)
    add_problem (problems, "prompt",
                 g_dngettext (GETTEXT_PACKAGE,
                              "%s takes a prompt of at most %d character; this one has %ld.",
                              "%s takes a prompt of at most %d characters; this one has %ld.",
                              max),
                 sd_model_get_display_name (model), max, length);
}

/* A duration given is checked even where the model's range is unknown:
 * no model takes less than a second. */
static void
check_duration (SdRequest *self,
                SdModel   *model,
                GPtrArray *problems)
{
  const char *name = model != NULL ? sd_model_get_display_name (model) : NULL;
  int min, max;

  if (model == NULL || !sd_model_get_duration_range (model, &min, &max))
    {
      if (self->has_duration && self->duration < 1)
        add_problem (problems, "duration",
                     _("A duration is a whole number of seconds, at least 1; this request asks for %d."),
                     self->duration);
      return;
    }

  if (!self->has_duration && (API_DEFAULT_DURATION < min || API_DEFAULT_DURATION > max))
    add_problem (problems, "duration",
                 _("%s takes a duration from %d to %d seconds, and the default of %d seconds is outside it; choose a duration."),
                 name, min, max, API_DEFAULT_DURATION);
  else if (self->has_duration && (self->duration < min || self->duration > max))
    add_problem (problems, "duration",
                 g_dngettext (GETTEXT_PACKAGE,
                              "%s takes a duration from %d to %d seconds; this request asks for %d second.",
                              "%s takes a duration from %d to %d seconds; this request asks for %d seconds.",
                              self->duration),
                 name, min, max, self->duration);
}

static void
check_ratio (SdRequest *self,
             SdModel   *model,
             GPtrArray *problems)
{
  const char * const *ratios = sd_model_get_ratios (model);
  g_autofree char *allowed = NULL;

  if (self->ratio == NULL)
    return;

  if (ratios == NULL)
    {
      if (is_blank (self->ratio))
        add_problem (problems, "ratio",
                     _("Ratio must not be blank: give a ratio such as 16:9, or none."));
      return;
    }

  if (g_strv_contains (ratios, self->ratio))
    return;

  allowed = join_values (ratios);
  add_problem (problems, "ratio", _("Ratio must be one of %s for %s."),
               allowed, sd_model_get_display_name (model));
}

static void
check_resolution (SdRequest *self,
                  SdModel   *model,
                  GPtrArray *problems)
{
  const char * const *resolutions = sd_model_get_resolutions (model);
  const char *name = sd_model_get_display_name (model);
  const char *output = sd_model_get_output (model);
  g_autofree char *allowed = NULL;

  if (self->resolution == NULL)
    return;

  if (resolutions == NULL)
    {
      if (output != NULL)
        add_problem (problems, "resolution",
                     _("%s does not take a resolution; its output is %s."), name, output);
      else
        add_problem (problems, "resolution", _("%s does not take a resolution."), name);
      return;
    }

  if (g_strv_contains (resolutions, self->resolution))
    return;

  allowed = join_values (resolutions);
  add_problem (problems, "resolution", _("Resolution must be one of %s for %s."),
               allowed, name);
}

static void
check_orientation (SdRequest *self,
                   GPtrArray *problems)
{
  if (self->orientation == NULL ||
      g_str_equal (self->orientation, "landscape") ||
      g_str_equal (self->orientation, "portrait"))
    return;

  add_problem (problems, "orientation",
               _("Orientation must be “landscape” or “portrait”."));
}

static gboolean
has_frames (SdRequest *self)
{
  return self->first_image != NULL || self->last_image != NULL;
}

static void
check_image_mode (SdRequest *self,
                  GPtrArray *problems)
{
  if (self->images != NULL && has_frames (self))
    add_problem (problems, "images",
                 _("Reference images cannot be used together with a first or last frame; use either reference images or frames."));
}

static void
check_frames (SdRequest *self,
              SdModel   *model,
              GPtrArray *problems)
{
  const char *name = sd_model_get_display_name (model);

  if (!has_frames (self))
    return;

  if (sd_model_get_frames (model) == SD_SUPPORT_NO)
    {
      add_problem (problems, self->first_image != NULL ? "first_image" : "last_image",
                   _("%s does not take a first or last frame; use reference images instead."),
                   name);
      return;
    }

  if (!sd_model_get_frames_need_both (model))
    return;

  if (self->last_image == NULL)
    add_problem (problems, "last_image",
                 _("%s needs a last frame too: its frame mode takes both a first and a last frame."),
                 name);
  else if (self->first_image == NULL)
    add_problem (problems, "first_image",
                 _("%s needs a first frame too: its frame mode takes both a first and a last frame."),
                 name);
}

static void
check_image_counts (SdRequest *self,
                    SdModel   *model,
                    GPtrArray *problems)
{
  const char *name = sd_model_get_display_name (model);
  int max = sd_model_get_max_images (model);
  int max_total = sd_model_get_max_images_total (model);
  int count = strv_length0 (self->images);
  int total = count + (self->first_image != NULL) + (self->last_image != NULL);

  if (max != SD_LIMIT_UNKNOWN && count > max)
    add_problem (problems, "images",
                 g_dngettext (GETTEXT_PACKAGE,
                              "%s takes at most %d reference image; this request has %d.",
                              "%s takes at most %d reference images; this request has %d.",
                              max),
                 name, max, count);

  if (max_total != SD_LIMIT_UNKNOWN && total > max_total)
    add_problem (problems, "images",
                 g_dngettext (GETTEXT_PACKAGE,
                              "%s takes at most %d image in all (reference images, first and last frame together); this request has %d.",
                              "%s takes at most %d images in all (reference images, first and last frame together); this request has %d.",
                              max_total),
                 name, max_total, total);
}

static gboolean
has_space_or_control (const char *url)
{
  for (const char *p = url; *p != '\0'; p++)
    {
      if (g_ascii_isspace (*p) || g_ascii_iscntrl (*p))
        return TRUE;
    }
  return FALSE;
}

/* An undocumented scheme set takes either scheme the API knows: an address
 * the provider's servers cannot fetch (http, file, a local path) never works. */
static SdUrlScheme
effective_schemes (SdUrlScheme schemes)
{
  if (schemes == SD_URL_SCHEME_NONE)
    return SD_URL_SCHEME_HTTPS | SD_URL_SCHEME_ASSET;
  return schemes;
}

static gboolean
url_is_acceptable (const char  *url,
                   SdUrlScheme  schemes)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme;
  const char *host;

  if (has_space_or_control (url))
    return FALSE;

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL)
    return FALSE;

  scheme = g_uri_get_scheme (uri);
  host = g_uri_get_host (uri);
  if (host == NULL || *host == '\0')
    return FALSE;

  if ((schemes & SD_URL_SCHEME_HTTPS) && g_ascii_strcasecmp (scheme, "https") == 0)
    return TRUE;
  if ((schemes & SD_URL_SCHEME_ASSET) && g_ascii_strcasecmp (scheme, "asset") == 0)
    return TRUE;
  return FALSE;
}

/**
 * sd_request_url_is_acceptable:
 * @url: a link of the request
 * @schemes: what the model takes (SD_URL_SCHEME_NONE: undocumented)
 *
 * Whether validation would accept @url for a field taking @schemes, so
 * that a list can mark the entries a problem is about.
 */
gboolean
sd_request_url_is_acceptable (const char  *url,
                              SdUrlScheme  schemes)
{
  g_return_val_if_fail (url != NULL, FALSE);

  return url_is_acceptable (url, effective_schemes (schemes));
}

static const char *
url_kind_message (const UrlKind *kind,
                  SdUrlScheme    schemes)
{
  if (schemes == SD_URL_SCHEME_HTTPS)
    return _(kind->https_only);
  if (schemes == SD_URL_SCHEME_ASSET)
    return _(kind->asset_only);
  if (schemes == SD_URL_SCHEME_NONE)
    return _("%s cannot fetch “%s”: give a public web link (https://…) or an item of the asset library (asset://…).");
  return _(kind->https_or_asset);
}

static void
check_urls (const char * const *urls,
            SdUrlScheme         schemes,
            const UrlKind      *kind,
            SdModel            *model,
            GPtrArray          *problems)
{
  g_autofree char *message = NULL;
  const char *first_bad = NULL;
  guint n_bad = 0;

  for (guint i = 0; urls != NULL && urls[i] != NULL; i++)
    {
      if (url_is_acceptable (urls[i], effective_schemes (schemes)))
        continue;
      if (first_bad == NULL)
        first_bad = urls[i];
      n_bad++;
    }

  if (first_bad == NULL)
    return;

  /* The format is one of the fixed strings above, never outside data. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  message = g_strdup_printf (url_kind_message (kind, schemes),
                             sd_model_get_display_name (model), first_bad);
#pragma GCC diagnostic pop
  if (n_bad > 1)
    {
      g_autofree char *more =
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                      "%u more address in this list has the same problem.",
                                      "%u more addresses in this list have the same problem.",
                                      n_bad - 1),
                         n_bad - 1);
      g_autofree char *both = g_strconcat (message, " ", more, NULL);

      g_free (message);
      message = g_steal_pointer (&both);
    }

  g_ptr_array_add (problems, sd_problem_new (kind->field, message));
}

static void
check_frame_urls (SdRequest *self,
                  SdModel   *model,
                  GPtrArray *problems)
{
  SdUrlScheme schemes = sd_model_get_image_schemes (model);
  const char *first[] = { self->first_image, NULL };
  const char *last[] = { self->last_image, NULL };

  if (sd_model_get_frames (model) == SD_SUPPORT_NO)
    return;

  check_urls (first, schemes, &first_image_kind, model, problems);
  check_urls (last, schemes, &last_image_kind, model, problems);
}

static void
check_reference_videos (SdRequest *self,
                        SdModel   *model,
                        GPtrArray *problems)
{
  const char *name = sd_model_get_display_name (model);
  int max = sd_model_get_max_reference_videos (model);
  int count = strv_length0 (self->reference_videos);

  if (count == 0)
    return;

  if (sd_model_get_reference_videos (model) == SD_SUPPORT_NO)
    {
      add_problem (problems, "reference_videos",
                   _("%s does not take reference videos."), name);
      return;
    }

  if (max != SD_LIMIT_UNKNOWN && count > max)
    add_problem (problems, "reference_videos",
                 g_dngettext (GETTEXT_PACKAGE,
                              "%s takes at most %d reference video; this request has %d.",
                              "%s takes at most %d reference videos; this request has %d.",
                              max),
                 name, max, count);

  check_urls ((const char * const *) self->reference_videos,
              sd_model_get_video_schemes (model), &video_kind, model, problems);
}

static void
check_reference_audios (SdRequest *self,
                        SdModel   *model,
                        GPtrArray *problems)
{
  const char *name = sd_model_get_display_name (model);
  int max = sd_model_get_max_reference_audios (model);
  int count = strv_length0 (self->reference_audios);

  if (count == 0)
    return;

  if (sd_model_get_reference_audios (model) == SD_SUPPORT_NO)
    {
      add_problem (problems, "reference_audios",
                   _("%s does not take reference audio."), name);
      return;
    }

  if (max != SD_LIMIT_UNKNOWN && count > max)
    add_problem (problems, "reference_audios",
                 g_dngettext (GETTEXT_PACKAGE,
                              "%s takes at most %d reference audio clip; this request has %d.",
                              "%s takes at most %d reference audio clips; this request has %d.",
                              max),
                 name, max, count);

  if (has_frames (self) && sd_model_get_audios_in_frame_mode (model) == SD_SUPPORT_NO)
    add_problem (problems, "reference_audios",
                 _("%s does not take reference audio together with a first or last frame."),
                 name);

  check_urls ((const char * const *) self->reference_audios,
              sd_model_get_audio_schemes (model), &audio_kind, model, problems);
}

static guint
field_rank (const char *field)
{
  static const char * const fields[] = {
    "model", "prompt", "duration", "ratio", "resolution", "orientation",
    "images", "first_image", "last_image", "reference_videos",
    "reference_audios", NULL
  };
  guint rank = 0;

  while (fields[rank] != NULL && !g_str_equal (fields[rank], field))
    rank++;
  return rank;
}

static int
compare_problems (gconstpointer a,
                  gconstpointer b)
{
  const SdProblem *problem_a = *(SdProblem * const *) a;
  const SdProblem *problem_b = *(SdProblem * const *) b;

  return (int) field_rank (problem_a->field) - (int) field_rank (problem_b->field);
}

/**
 * sd_request_validate:
 * @self: a request
 * @model: (nullable): the model named by the request, or %NULL when the
 *   catalogue does not know it
 *
 * Checks @self against every rule the documentation gives for @model. Limits
 * the documentation does not give are not invented: the server decides.
 *
 * Returns: (transfer full) (element-type SdProblem): every problem found, in
 *   the order of the request's fields; empty when the request may be sent
 */
GPtrArray *
sd_request_validate (SdRequest *self,
                     SdModel   *model)
{
  GPtrArray *problems;

  g_return_val_if_fail (SD_IS_REQUEST (self), NULL);
  g_return_val_if_fail (model == NULL || SD_IS_MODEL (model), NULL);

  problems = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_problem_free);

  check_model (self, model, problems);
  check_prompt (self, model, problems);
  check_duration (self, model, problems);
  if (model != NULL)
    {
      check_ratio (self, model, problems);
      check_resolution (self, model, problems);
    }
  check_orientation (self, problems);
  if (model != NULL)
    {
      check_image_mode (self, problems);
      check_image_counts (self, model, problems);
      check_urls ((const char * const *) self->images,
                  sd_model_get_image_schemes (model), &image_kind, model, problems);
      check_frames (self, model, problems);
      check_frame_urls (self, model, problems);
      check_reference_videos (self, model, problems);
      check_reference_audios (self, model, problems);
    }

  /* A stable sort: the problems of one field stay in the order of the rules. */
  g_ptr_array_sort (problems, compare_problems);
  return problems;
}

static void
append_option (GString    *command,
               const char *option,
               const char *value)
{
  g_autofree char *quoted = NULL;

  if (value == NULL)
    return;
  quoted = g_shell_quote (value);
  g_string_append_printf (command, " --%s %s", option, quoted);
}

static void
append_options (GString            *command,
                const char         *option,
                const char * const *values)
{
  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    append_option (command, option, values[i]);
}

/**
 * sd_request_to_command_line:
 * @self: a request
 *
 * Returns: (transfer full): `seedance submit` with an option for every
 * field of @self that is set, each value quoted for the shell
 */
char *
sd_request_to_command_line (SdRequest *self)
{
  GString *command;

  g_return_val_if_fail (SD_IS_REQUEST (self), NULL);

  command = g_string_new ("seedance submit");
  append_option (command, "model", sd_request_get_model (self));
  append_option (command, "prompt", sd_request_get_prompt (self));
  if (sd_request_has_duration (self))
    {
      g_autofree char *duration = g_strdup_printf ("%d", sd_request_get_duration (self));

      append_option (command, "duration", duration);
    }
  append_option (command, "ratio", sd_request_get_ratio (self));
  append_option (command, "resolution", sd_request_get_resolution (self));
  append_option (command, "orientation", sd_request_get_orientation (self));
  append_options (command, "image", sd_request_get_images (self));
  append_option (command, "first-image", sd_request_get_first_image (self));
  append_option (command, "last-image", sd_request_get_last_image (self));
  append_options (command, "reference-video", sd_request_get_reference_videos (self));
  append_options (command, "reference-audio", sd_request_get_reference_audios (self));
  return g_string_free (command, FALSE);
}

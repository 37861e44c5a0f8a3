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
    g_param_spec_int ("duration", NULL, NULL, 0, G_MAXINT, 0,
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

void
sd_request_set_duration (SdRequest *self,
                         int        duration)
{
  g_return_if_fail (SD_IS_REQUEST (self));

  duration = MAX (duration, 0);
  if (self->duration == duration)
    return;
  self->duration = duration;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DURATION]);
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

/* sd-model.c: one model of the Seedance catalogue, as data
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-model"

#include "config.h"

#include <glib/gi18n.h>

#include "sd-catalog.h"
#include "sd-enum-types.h"
#include "sd-model-private.h"

/* The API's documented default, used where a model gives none. */
#define DEFAULT_DURATION 5

struct _SdModel
{
  GObject      parent_instance;

  char        *id;
  char        *family;
  char        *family_name;
  char        *display_name;
  SdBilling    billing;
  char        *output;
  char        *subtitle;
  char        *notes;

  GStrv        resolutions;
  char        *default_resolution;

  int          duration_min;
  int          duration_max;
  int          default_duration;

  GStrv        ratios;
  char        *default_ratio;

  SdUrlScheme  image_schemes;
  int          max_images;
  int          max_images_total;

  SdSupport    frames;
  gboolean     frames_need_both;

  SdSupport    reference_videos;
  SdUrlScheme  video_schemes;
  int          max_reference_videos;

  SdSupport    reference_audios;
  SdUrlScheme  audio_schemes;
  int          max_reference_audios;
  SdSupport    audios_in_frame_mode;

  int          prompt_max_length;
};

G_DEFINE_TYPE (SdModel, sd_model, G_TYPE_OBJECT)

G_DEFINE_QUARK (sd-catalog-error-quark, sd_catalog_error)

enum {
  PROP_0,
  PROP_ID,
  PROP_FAMILY,
  PROP_FAMILY_NAME,
  PROP_DISPLAY_NAME,
  PROP_BILLING,
  PROP_OUTPUT,
  PROP_SUBTITLE,
  PROP_NOTES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Reading the JSON object */

typedef struct
{
  const char *model_id;
  const char *section;   /* "duration" while reading duration.min, or NULL */
} Reader;

static void
reader_fail (const Reader  *reader,
             const char    *member,
             GError       **error,
             const char    *problem)
{
  g_autofree char *field = NULL;

  if (reader->section != NULL)
    field = g_strdup_printf ("%s.%s", reader->section, member);
  else
    field = g_strdup (member);

  g_set_error (error, SD_CATALOG_ERROR, SD_CATALOG_ERROR_INVALID,
               /* Translators: model id, field name, then the problem */
               _("model “%s”, field “%s”: %s"),
               reader->model_id, field, problem);
}

/* NULL for an absent member and for an explicit null: both mean "not documented". */
static JsonNode *
reader_member (JsonObject *object,
               const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;

  return node;
}

static gboolean
reader_check_members (const Reader        *reader,
                      JsonObject          *object,
                      const char * const  *allowed,
                      GError             **error)
{
  g_autoptr(GList) members = json_object_get_members (object);

  for (const GList *l = members; l != NULL; l = l->next)
    {
      if (!g_strv_contains (allowed, l->data))
        {
          reader_fail (reader, l->data, error, _("this field is not known"));
          return FALSE;
        }
    }

  return TRUE;
}

static gboolean
reader_string (const Reader  *reader,
               JsonObject    *object,
               const char    *member,
               gboolean       required,
               char         **out,
               GError       **error)
{
  JsonNode *node = reader_member (object, member);
  const char *value;

  *out = NULL;

  if (node == NULL)
    {
      if (required)
        reader_fail (reader, member, error, _("a value is required"));
      return !required;
    }

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      reader_fail (reader, member, error, _("a string is expected"));
      return FALSE;
    }

  value = json_node_get_string (node);
  if (*value == '\0')
    {
      reader_fail (reader, member, error, _("the string is empty"));
      return FALSE;
    }

  *out = g_strdup (value);
  return TRUE;
}

/* Counts are positive; absent or null is SD_LIMIT_UNKNOWN. */
static gboolean
reader_count (const Reader  *reader,
              JsonObject    *object,
              const char    *member,
              int           *out,
              GError       **error)
{
  JsonNode *node = reader_member (object, member);
  gint64 value;

  *out = SD_LIMIT_UNKNOWN;

  if (node == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    {
      reader_fail (reader, member, error, _("a whole number is expected"));
      return FALSE;
    }

  value = json_node_get_int (node);
  if (value < 1 || value > G_MAXINT)
    {
      reader_fail (reader, member, error, _("the number must be at least 1"));
      return FALSE;
    }

  *out = (int) value;
  return TRUE;
}

static gboolean
reader_boolean (const Reader  *reader,
                JsonObject    *object,
                const char    *member,
                gboolean      *out,
                GError       **error)
{
  JsonNode *node = reader_member (object, member);

  *out = FALSE;

  if (node == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    {
      reader_fail (reader, member, error, _("true or false is expected"));
      return FALSE;
    }

  *out = json_node_get_boolean (node);
  return TRUE;
}

static gboolean
reader_object (const Reader  *reader,
               JsonObject    *object,
               const char    *member,
               JsonObject   **out,
               GError       **error)
{
  JsonNode *node = reader_member (object, member);

  *out = NULL;

  if (node == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      reader_fail (reader, member, error, _("an object is expected"));
      return FALSE;
    }

  *out = json_node_get_object (node);
  return TRUE;
}

/* A non-empty array of distinct, non-empty strings. */
static gboolean
reader_string_list (const Reader  *reader,
                    JsonObject    *object,
                    const char    *member,
                    GStrv         *out,
                    GError       **error)
{
  JsonNode *node = reader_member (object, member);
  g_autoptr(GStrvBuilder) builder = NULL;
  JsonArray *array;
  guint length;

  *out = NULL;

  if (node == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_ARRAY (node) || (length = json_array_get_length (array = json_node_get_array (node))) == 0)
    {
      reader_fail (reader, member, error, _("a non-empty list of strings is expected"));
      return FALSE;
    }

  builder = g_strv_builder_new ();
  for (guint i = 0; i < length; i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      const char *value;

      if (!JSON_NODE_HOLDS_VALUE (element) ||
          json_node_get_value_type (element) != G_TYPE_STRING ||
          *(value = json_node_get_string (element)) == '\0')
        {
          reader_fail (reader, member, error, _("a non-empty list of strings is expected"));
          return FALSE;
        }

      for (guint j = 0; j < i; j++)
        {
          if (g_str_equal (json_array_get_string_element (array, j), value))
            {
              reader_fail (reader, member, error, _("a value is listed twice"));
              return FALSE;
            }
        }

      g_strv_builder_add (builder, value);
    }

  *out = g_strv_builder_end (builder);
  return TRUE;
}

static gboolean
reader_schemes (const Reader  *reader,
                JsonObject    *object,
                SdUrlScheme   *out,
                GError       **error)
{
  g_auto(GStrv) names = NULL;

  *out = SD_URL_SCHEME_NONE;

  if (!reader_string_list (reader, object, "schemes", &names, error))
    return FALSE;

  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    {
      if (g_str_equal (names[i], "https"))
        *out |= SD_URL_SCHEME_HTTPS;
      else if (g_str_equal (names[i], "asset"))
        *out |= SD_URL_SCHEME_ASSET;
      else
        {
          reader_fail (reader, "schemes", error, _("the schemes are “https” and “asset”"));
          return FALSE;
        }
    }

  return TRUE;
}

static gboolean
reader_support (const Reader  *reader,
                JsonObject    *object,
                const char    *member,
                SdSupport     *out,
                GError       **error)
{
  g_autofree char *value = NULL;

  *out = SD_SUPPORT_UNKNOWN;

  if (!reader_string (reader, object, member, FALSE, &value, error))
    return FALSE;

  if (value == NULL || g_str_equal (value, "unknown"))
    *out = SD_SUPPORT_UNKNOWN;
  else if (g_str_equal (value, "yes"))
    *out = SD_SUPPORT_YES;
  else if (g_str_equal (value, "no"))
    *out = SD_SUPPORT_NO;
  else
    {
      reader_fail (reader, member, error, _("the value must be “yes”, “no” or “unknown”"));
      return FALSE;
    }

  return TRUE;
}

/* {"values": [...], "default": one of them or null} */
static gboolean
reader_choice (const Reader  *reader,
               JsonObject    *object,
               const char    *member,
               GStrv         *values,
               char         **default_value,
               GError       **error)
{
  static const char * const allowed[] = { "values", "default", NULL };
  Reader inner = { reader->model_id, member };
  JsonObject *choice;

  if (!reader_object (reader, object, member, &choice, error))
    return FALSE;
  if (choice == NULL)
    return TRUE;

  if (!reader_check_members (&inner, choice, allowed, error) ||
      !reader_string_list (&inner, choice, "values", values, error) ||
      !reader_string (&inner, choice, "default", FALSE, default_value, error))
    return FALSE;

  if (*values == NULL)
    {
      reader_fail (&inner, "values", error, _("a value is required"));
      return FALSE;
    }

  if (*default_value != NULL && !g_strv_contains ((const char * const *) *values, *default_value))
    {
      reader_fail (&inner, "default", error, _("the default is not one of the values"));
      return FALSE;
    }

  return TRUE;
}

static gboolean
read_identity (SdModel     *self,
               Reader      *reader,
               JsonObject  *object,
               GError     **error)
{
  g_autofree char *billing = NULL;

  if (!reader_string (reader, object, "family", TRUE, &self->family, error) ||
      !reader_string (reader, object, "name", TRUE, &self->display_name, error) ||
      !reader_string (reader, object, "billing", TRUE, &billing, error) ||
      !reader_string (reader, object, "output", FALSE, &self->output, error) ||
      !reader_string (reader, object, "notes", FALSE, &self->notes, error) ||
      !reader_count (reader, object, "prompt_max_length", &self->prompt_max_length, error))
    return FALSE;

  if (g_str_equal (billing, "per-second"))
    self->billing = SD_BILLING_PER_SECOND;
  else if (g_str_equal (billing, "per-task"))
    self->billing = SD_BILLING_PER_TASK;
  else
    {
      reader_fail (reader, "billing", error, _("the value must be “per-second” or “per-task”"));
      return FALSE;
    }

  return TRUE;
}

static gboolean
read_duration (SdModel     *self,
               Reader      *reader,
               JsonObject  *object,
               GError     **error)
{
  static const char * const allowed[] = { "min", "max", "default", NULL };
  Reader inner = { reader->model_id, "duration" };
  JsonObject *duration;
  int default_duration;

  if (!reader_object (reader, object, "duration", &duration, error))
    return FALSE;
  if (duration == NULL)
    return TRUE;

  if (!reader_check_members (&inner, duration, allowed, error) ||
      !reader_count (&inner, duration, "min", &self->duration_min, error) ||
      !reader_count (&inner, duration, "max", &self->duration_max, error) ||
      !reader_count (&inner, duration, "default", &default_duration, error))
    return FALSE;

  if (self->duration_min == SD_LIMIT_UNKNOWN || self->duration_max == SD_LIMIT_UNKNOWN)
    {
      reader_fail (&inner, self->duration_min == SD_LIMIT_UNKNOWN ? "min" : "max",
                   error, _("a range needs both a minimum and a maximum"));
      return FALSE;
    }

  if (self->duration_min > self->duration_max)
    {
      reader_fail (&inner, "min", error, _("the minimum is greater than the maximum"));
      return FALSE;
    }

  if (default_duration != SD_LIMIT_UNKNOWN)
    self->default_duration = default_duration;
  else
    self->default_duration = CLAMP (DEFAULT_DURATION, self->duration_min, self->duration_max);

  if (self->default_duration < self->duration_min || self->default_duration > self->duration_max)
    {
      reader_fail (&inner, "default", error, _("the default is outside the range"));
      return FALSE;
    }

  return TRUE;
}

static gboolean
read_images (SdModel     *self,
             Reader      *reader,
             JsonObject  *object,
             GError     **error)
{
  static const char * const images_allowed[] = { "schemes", "max", "max_total", NULL };
  static const char * const frames_allowed[] = { "support", "need_both", NULL };
  Reader images_reader = { reader->model_id, "images" };
  Reader frames_reader = { reader->model_id, "frames" };
  JsonObject *images;
  JsonObject *frames;

  if (!reader_object (reader, object, "images", &images, error) ||
      !reader_object (reader, object, "frames", &frames, error))
    return FALSE;

  if (images != NULL &&
      (!reader_check_members (&images_reader, images, images_allowed, error) ||
       !reader_schemes (&images_reader, images, &self->image_schemes, error) ||
       !reader_count (&images_reader, images, "max", &self->max_images, error) ||
       !reader_count (&images_reader, images, "max_total", &self->max_images_total, error)))
    return FALSE;

  if (frames != NULL &&
      (!reader_check_members (&frames_reader, frames, frames_allowed, error) ||
       !reader_support (&frames_reader, frames, "support", &self->frames, error) ||
       !reader_boolean (&frames_reader, frames, "need_both", &self->frames_need_both, error)))
    return FALSE;

  if (self->frames_need_both && self->frames == SD_SUPPORT_NO)
    {
      reader_fail (&frames_reader, "need_both", error, _("the model takes no frames"));
      return FALSE;
    }

  return TRUE;
}

static gboolean
read_references (const Reader  *reader,
                 JsonObject    *object,
                 const char    *member,
                 SdSupport     *support,
                 SdUrlScheme   *schemes,
                 int           *max,
                 SdSupport     *in_frame_mode,
                 GError       **error)
{
  static const char * const videos_allowed[] = { "support", "schemes", "max", NULL };
  static const char * const audios_allowed[] = { "support", "schemes", "max", "in_frame_mode", NULL };
  Reader inner = { reader->model_id, member };
  JsonObject *references;

  if (!reader_object (reader, object, member, &references, error))
    return FALSE;
  if (references == NULL)
    return TRUE;

  if (!reader_check_members (&inner, references,
                             in_frame_mode != NULL ? audios_allowed : videos_allowed, error) ||
      !reader_support (&inner, references, "support", support, error) ||
      !reader_schemes (&inner, references, schemes, error) ||
      !reader_count (&inner, references, "max", max, error) ||
      (in_frame_mode != NULL &&
       !reader_support (&inner, references, "in_frame_mode", in_frame_mode, error)))
    return FALSE;

  if (*support == SD_SUPPORT_NO && (*schemes != SD_URL_SCHEME_NONE || *max != SD_LIMIT_UNKNOWN))
    {
      reader_fail (&inner, "support", error, _("the model takes none, yet schemes or a maximum are given"));
      return FALSE;
    }

  return TRUE;
}

static gboolean
sd_model_read (SdModel     *self,
               JsonObject  *object,
               GError     **error)
{
  static const char * const allowed[] = {
    "id", "family", "name", "billing", "output", "resolutions", "duration",
    "ratios", "images", "frames", "reference_videos", "reference_audios",
    "prompt_max_length", "notes", NULL
  };
  Reader reader = { NULL, NULL };
  JsonNode *id = reader_member (object, "id");

  if (id == NULL || !JSON_NODE_HOLDS_VALUE (id) ||
      json_node_get_value_type (id) != G_TYPE_STRING ||
      *json_node_get_string (id) == '\0')
    {
      g_set_error_literal (error, SD_CATALOG_ERROR, SD_CATALOG_ERROR_INVALID,
                           _("a model has no “id” string"));
      return FALSE;
    }

  self->id = g_strdup (json_node_get_string (id));
  reader.model_id = self->id;

  return reader_check_members (&reader, object, allowed, error) &&
         read_identity (self, &reader, object, error) &&
         reader_choice (&reader, object, "resolutions", &self->resolutions,
                        &self->default_resolution, error) &&
         read_duration (self, &reader, object, error) &&
         reader_choice (&reader, object, "ratios", &self->ratios,
                        &self->default_ratio, error) &&
         read_images (self, &reader, object, error) &&
         read_references (&reader, object, "reference_videos", &self->reference_videos,
                          &self->video_schemes, &self->max_reference_videos, NULL, error) &&
         read_references (&reader, object, "reference_audios", &self->reference_audios,
                          &self->audio_schemes, &self->max_reference_audios,
                          &self->audios_in_frame_mode, error);
}

static char *
sd_model_build_subtitle (SdModel *self)
{
  const char *billing;
  g_autofree char *output = NULL;

  if (self->billing == SD_BILLING_PER_SECOND)
    billing = _("per second");
  else
    billing = _("per task");

  if (self->output != NULL)
    output = g_strdup (self->output);
  else if (self->resolutions != NULL)
    output = g_strjoinv ("/", self->resolutions);

  if (output == NULL)
    return g_strdup (billing);

  /* Translators: billing, then output resolution, e.g. "per task · 720p" */
  return g_strdup_printf (_("%s · %s"), billing, output);
}

/**
 * sd_model_new_from_json:
 * @object: one entry of the "models" list of a catalogue file
 * @error: return location for a %SD_CATALOG_ERROR_INVALID error naming the
 *   model id and the field at fault
 *
 * Reads and validates one model. Absent and null members mean the
 * documentation is silent: the model then reports %SD_LIMIT_UNKNOWN,
 * %SD_SUPPORT_UNKNOWN or %NULL rather than an invented limit.
 *
 * Returns: (transfer full) (nullable): the model, or %NULL on error
 */
SdModel *
sd_model_new_from_json (JsonObject  *object,
                        GError     **error)
{
  g_autoptr(SdModel) self = NULL;

  g_return_val_if_fail (object != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (SD_TYPE_MODEL, NULL);
  if (!sd_model_read (self, object, error))
    return NULL;

  self->family_name = g_strdup (self->family);
  self->subtitle = sd_model_build_subtitle (self);

  return g_steal_pointer (&self);
}

void
sd_model_set_family_name (SdModel    *self,
                          const char *family_name)
{
  g_return_if_fail (SD_IS_MODEL (self));
  g_return_if_fail (family_name != NULL);

  if (g_strcmp0 (self->family_name, family_name) == 0)
    return;

  g_free (self->family_name);
  self->family_name = g_strdup (family_name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FAMILY_NAME]);
}

/* GObject */

static void
sd_model_finalize (GObject *object)
{
  SdModel *self = SD_MODEL (object);

  g_free (self->id);
  g_free (self->family);
  g_free (self->family_name);
  g_free (self->display_name);
  g_free (self->output);
  g_free (self->subtitle);
  g_free (self->notes);
  g_strfreev (self->resolutions);
  g_free (self->default_resolution);
  g_strfreev (self->ratios);
  g_free (self->default_ratio);

  G_OBJECT_CLASS (sd_model_parent_class)->finalize (object);
}

static void
sd_model_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  SdModel *self = SD_MODEL (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_FAMILY:
      g_value_set_string (value, self->family);
      break;
    case PROP_FAMILY_NAME:
      g_value_set_string (value, self->family_name);
      break;
    case PROP_DISPLAY_NAME:
      g_value_set_string (value, self->display_name);
      break;
    case PROP_BILLING:
      g_value_set_enum (value, self->billing);
      break;
    case PROP_OUTPUT:
      g_value_set_string (value, self->output);
      break;
    case PROP_SUBTITLE:
      g_value_set_string (value, self->subtitle);
      break;
    case PROP_NOTES:
      g_value_set_string (value, self->notes);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_model_class_init (SdModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = sd_model_finalize;
  object_class->get_property = sd_model_get_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL, flags);
  properties[PROP_FAMILY] =
    g_param_spec_string ("family", NULL, NULL, NULL, flags);
  properties[PROP_FAMILY_NAME] =
    g_param_spec_string ("family-name", NULL, NULL, NULL, flags);
  properties[PROP_DISPLAY_NAME] =
    g_param_spec_string ("display-name", NULL, NULL, NULL, flags);
  properties[PROP_BILLING] =
    g_param_spec_enum ("billing", NULL, NULL,
                       SD_TYPE_BILLING, SD_BILLING_PER_SECOND, flags);
  properties[PROP_OUTPUT] =
    g_param_spec_string ("output", NULL, NULL, NULL, flags);
  properties[PROP_SUBTITLE] =
    g_param_spec_string ("subtitle", NULL, NULL, NULL, flags);
  properties[PROP_NOTES] =
    g_param_spec_string ("notes", NULL, NULL, NULL, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sd_model_init (SdModel *self)
{
  self->duration_min = SD_LIMIT_UNKNOWN;
  self->duration_max = SD_LIMIT_UNKNOWN;
  self->default_duration = DEFAULT_DURATION;
  self->max_images = SD_LIMIT_UNKNOWN;
  self->max_images_total = SD_LIMIT_UNKNOWN;
  self->max_reference_videos = SD_LIMIT_UNKNOWN;
  self->max_reference_audios = SD_LIMIT_UNKNOWN;
  self->prompt_max_length = SD_LIMIT_UNKNOWN;
}

/* Accessors */

const char *
sd_model_get_id (SdModel *self)
{
  g_return_val_if_fail (SD_IS_MODEL (self), NULL);
  return self->id;
}

const char *
sd_model_get_family (SdModel *self)
{
  g_return_val_if_fail (SD_IS_MODEL (self), NULL);
  return self->family;
}

const char *
sd_model_get_family_name (SdModel *self)
{
  g_return_val_if_fail (SD_IS_MODEL (self), NULL);
  return self->family_name;
}

const char *
sd_model_get_display_name (SdModel *self)
{
  g_return_val_if_fail (SD_IS_MODEL (self), NULL);
  return self->display_name;
}

SdBilling
sd_model_get_billing (SdModel *self)
{
  g_return_val_if_fail (SD_IS_MODEL (self), SD_BILLING_PER_SECOND);
  return self->billing;
}

/**
 * sd_model_get_output:
 *
 * Returns: (nullable): the fixed output (e.g. "720p"), or %NULL when the
 *   output follows the request's resolution
 */
const char *
sd_model_get_output (SdModel *self)
{
  g_return_val_if_fail (SD_IS_MODEL (self), NULL);
  return self->output;
}

const char * const *
sd_model_get_resolutions (SdModel *self)
{
  g_return_val_if_fail (SD_IS_MODEL (self), NULL);
  return (const char * const *) self->resolutions;
}

/**
 * sd_model_get_default_resolution:
 *
 * Returns: (nullable): the documented default, or %NULL when none is documented
 */
const char *
sd_model_get_default_resolution (SdModel *self)
{
  g_return_val_if_fail (SD_IS_MODEL (self), NULL);
  return self->default_resolution;
}

/**
 * sd_model_get_duration_range:
 * @min: (out) (optional): the shortest duration in seconds, or %SD_LIMIT_UNKNOWN
 * @max: (out) (optional): the longest duration in seconds, or %SD_LIMIT_UNKNOWN
 */
gboolean
sd_model_get_duration_range (SdModel *self,
                             int     *min,
                             int     *max)
{
  g_return_val_if_fail (SD_IS_MODEL (self), FALSE);

  if (min != NULL)
    *min = self->duration_min;
  if (max != NULL)
    *max = self->duration_max;

  return self->duration_min != SD_LIMIT_UNKNOWN;
}

int
sd_model_get_default_duration (SdModel *self)
{
  g_return_val_if_fail (SD_IS_MODEL (self), DEFAULT_DURATION);
  return self->default_duration;
}

const char * const *
sd_model_get_ratios (SdModel *self)
{
  g_return_val_if_fail (SD_IS_MODEL (self), NULL);
  return (const char * const *) self->ratios;
}

const char *
sd_model_get_default_ratio (SdModel *self)
{
  g_return_val_if_fail (SD_IS_MODEL (self), NULL);
  return self->default_ratio;
}

/**
 * sd_model_get_image_schemes:
 *
 * The schemes for images and for first/last frames. %SD_URL_SCHEME_NONE
 * means the documentation names none: the app does not refuse any.
 */
SdUrlScheme
sd_model_get_image_schemes (SdModel *self)
{
  g_return_val_if_fail (SD_IS_MODEL (self), SD_URL_SCHEME_NONE);
  return self->image_schemes;
}

int
sd_model_get_max_images (SdModel *self)
{
  g_return_val_if_fail (SD_IS_MODEL (self), SD_LIMIT_UNKNOWN);
  return self->max_images;
}

/**
 * sd_model_get_max_images_total:
 *
 * Returns: the most images, first and last frame counted together, or
 *   %SD_LIMIT_UNKNOWN
 */
int
sd_model_get_max_images_total (SdModel *self)
{
  g_return_val_if_fail (SD_IS_MODEL (self), SD_LIMIT_UNKNOWN);
  return self->max_images_total;
}

SdSupport
sd_model_get_frames (SdModel *self)
{
  g_return_val_if_fail (SD_IS_MODEL (self), SD_SUPPORT_UNKNOWN);
  return self->frames;
}

gboolean
sd_model_get_frames_need_both (SdModel *self)
{
  g_return_val_if_fail (SD_IS_MODEL (self), FALSE);
  return self->frames_need_both;
}

SdSupport
sd_model_get_reference_videos (SdModel *self)
{
  g_return_val_if_fail (SD_IS_MODEL (self), SD_SUPPORT_UNKNOWN);
  return self->reference_videos;
}

int
sd_model_get_max_reference_videos (SdModel *self)
{
  g_return_val_if_fail (SD_IS_MODEL (self), SD_LIMIT_UNKNOWN);
  return self->max_reference_videos;
}

SdUrlScheme
sd_model_get_video_schemes (SdModel *self)
{
  g_return_val_if_fail (SD_IS_MODEL (self), SD_URL_SCHEME_NONE);
  return self->video_schemes;
}

SdSupport
sd_model_get_reference_audios (SdModel *self)
{
  g_return_val_if_fail (SD_IS_MODEL (self), SD_SUPPORT_UNKNOWN);
  return self->reference_audios;
}

int
sd_model_get_max_reference_audios (SdModel *self)
{
  g_return_val_if_fail (SD_IS_MODEL (self), SD_LIMIT_UNKNOWN);
  return self->max_reference_audios;
}

SdUrlScheme
sd_model_get_audio_schemes (SdModel *self)
{
  g_return_val_if_fail (SD_IS_MODEL (self), SD_URL_SCHEME_NONE);
  return self->audio_schemes;
}

SdSupport
sd_model_get_audios_in_frame_mode (SdModel *self)
{
  g_return_val_if_fail (SD_IS_MODEL (self), SD_SUPPORT_UNKNOWN);
  return self->audios_in_frame_mode;
}

int
sd_model_get_prompt_max_length (SdModel *self)
{
  g_return_val_if_fail (SD_IS_MODEL (self), SD_LIMIT_UNKNOWN);
  return self->prompt_max_length;
}

const char *
sd_model_get_subtitle (SdModel *self)
{
  g_return_val_if_fail (SD_IS_MODEL (self), NULL);
  return self->subtitle;
}

const char *
sd_model_get_notes (SdModel *self)
{
  g_return_val_if_fail (SD_IS_MODEL (self), NULL);
  return self->notes;
}

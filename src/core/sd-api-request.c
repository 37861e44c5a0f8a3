/* sd-api-request.c: a request as the create body, and back
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-api"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "sd-api.h"

/* Requests */

typedef const char *(*StringGetter) (SdRequest *request);
typedef void (*StringSetter) (SdRequest *request, const char *value);
typedef const char * const *(*StrvGetter) (SdRequest *request);
typedef void (*StrvSetter) (SdRequest *request, const char * const *value);

static const struct {
  const char   *name;
  StringGetter  get;
  StringSetter  set;
} string_fields[] = {
  { "model", sd_request_get_model, sd_request_set_model },
  { "prompt", sd_request_get_prompt, sd_request_set_prompt },
  { "resolution", sd_request_get_resolution, sd_request_set_resolution },
  { "orientation", sd_request_get_orientation, sd_request_set_orientation },
  { "ratio", sd_request_get_ratio, sd_request_set_ratio },
  { "first_image", sd_request_get_first_image, sd_request_set_first_image },
  { "last_image", sd_request_get_last_image, sd_request_set_last_image },
};

static const struct {
  const char *name;
  StrvGetter  get;
  StrvSetter  set;
} strv_fields[] = {
  { "images", sd_request_get_images, sd_request_set_images },
  { "reference_videos", sd_request_get_reference_videos, sd_request_set_reference_videos },
  { "reference_audios", sd_request_get_reference_audios, sd_request_set_reference_audios },
};

static void
add_string_field (JsonObject *object,
                  const char *name,
                  const char *value)
{
  if (value != NULL && *value != '\0')
    json_object_set_string_member (object, name, value);
}

static void
add_strv_field (JsonObject         *object,
                const char         *name,
                const char * const *values)
{
  JsonArray *array;

  if (values == NULL || values[0] == NULL)
    return;

  array = json_array_new ();
  for (gsize i = 0; values[i] != NULL; i++)
    json_array_add_string_element (array, values[i]);
  json_object_set_array_member (object, name, array);
}

/**
 * sd_api_request_to_json:
 * @request: a request
 *
 * Builds the create body. Unset and empty fields are left out, so the
 * server's defaults apply; `duration` is an integer, left out when 0.
 *
 * Returns: (transfer full): a JSON object node
 */
JsonNode *
sd_api_request_to_json (SdRequest *request)
{
  JsonObject *object;
  JsonNode *node;

  g_return_val_if_fail (SD_IS_REQUEST (request), NULL);

  /* The order of the provider's examples: model, prompt, duration, then the
   * rest (the first two string_fields are model and prompt). */
  object = json_object_new ();
  for (gsize i = 0; i < 2; i++)
    add_string_field (object, string_fields[i].name, string_fields[i].get (request));
  if (sd_request_has_duration (request))
    json_object_set_int_member (object, "duration", sd_request_get_duration (request));
  for (gsize i = 2; i < G_N_ELEMENTS (string_fields); i++)
    add_string_field (object, string_fields[i].name, string_fields[i].get (request));
  for (gsize i = 0; i < G_N_ELEMENTS (strv_fields); i++)
    add_strv_field (object, strv_fields[i].name, strv_fields[i].get (request));

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, object);
  return node;
}

/**
 * sd_api_encode_create:
 * @request: a request
 *
 * Returns: (transfer full): the compact JSON body of the create call
 */
GBytes *
sd_api_encode_create (SdRequest *request)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonGenerator) generator = NULL;
  gsize length;
  char *data;

  g_return_val_if_fail (SD_IS_REQUEST (request), NULL);

  node = sd_api_request_to_json (request);
  generator = json_generator_new ();
  json_generator_set_root (generator, node);
  data = json_generator_to_data (generator, &length);
  return g_bytes_new_take (data, length);
}

static void
set_wrong_type (GError     **error,
                const char  *field,
                const char  *expected)
{
  /* Translators: the first %s is a field name such as "duration", the second
   * what it must be, such as "a whole number of seconds" */
  g_set_error (error, SD_API_ERROR, SD_API_ERROR_INVALID_REQUEST,
               _("The request field “%s” must be %s."), field, expected);
}

static gboolean
read_string_field (SdRequest     *request,
                   JsonObject    *object,
                   gsize          index,
                   GError       **error)
{
  const char *name = string_fields[index].name;
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (json_node_get_value_type (node) != G_TYPE_STRING)
    {
      set_wrong_type (error, name, _("text"));
      return FALSE;
    }
  string_fields[index].set (request, json_node_get_string (node));
  return TRUE;
}

static gboolean
read_strv_field (SdRequest   *request,
                 JsonObject  *object,
                 gsize        index,
                 GError     **error)
{
  const char *name = strv_fields[index].name;
  JsonNode *node = json_object_get_member (object, name);
  g_autoptr(GStrvBuilder) builder = NULL;
  g_auto(GStrv) values = NULL;
  JsonArray *array;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    goto wrong_type;

  array = json_node_get_array (node);
  builder = g_strv_builder_new ();
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (json_node_get_value_type (element) != G_TYPE_STRING)
        goto wrong_type;
      g_strv_builder_add (builder, json_node_get_string (element));
    }
  values = g_strv_builder_end (builder);
  strv_fields[index].set (request, (const char * const *) values);
  return TRUE;

wrong_type:
  set_wrong_type (error, name, _("a list of addresses"));
  return FALSE;
}

/* An integral number is accepted even when written as 8.0; a fraction or a
 * string is refused rather than silently changed. 0 and negative numbers
 * are kept as asked for, for validation to refuse with the model's range:
 * never dropped, which would bill the default length. */
static gboolean
read_duration (SdRequest   *request,
               JsonObject  *object,
               GError     **error)
{
  JsonNode *node = json_object_get_member (object, "duration");
  GType type;
  double value;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    value = (double) json_node_get_int (node);
  else if (type == G_TYPE_DOUBLE)
    value = json_node_get_double (node);
  else
    value = NAN; /* a string or a boolean: refused below */

  if (!isfinite (value) || value < G_MININT || value > G_MAXINT || value != floor (value))
    {
      set_wrong_type (error, "duration", _("a whole number of seconds"));
      return FALSE;
    }
  sd_request_set_explicit_duration (request, (int) value);
  return TRUE;
}

/**
 * sd_api_request_from_json:
 * @node: a create body
 * @error: return location for an %SD_API_ERROR_INVALID_REQUEST
 *
 * Reads a create body back: unknown fields are ignored, null fields are
 * unset. Fails only when @node is not an object or a known field has the
 * wrong type; the message names the field.
 *
 * Returns: (transfer full) (nullable): the request
 */
SdRequest *
sd_api_request_from_json (JsonNode  *node,
                          GError   **error)
{
  g_autoptr(SdRequest) request = NULL;
  JsonObject *object;

  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, SD_API_ERROR, SD_API_ERROR_INVALID_REQUEST,
                           _("The request is not a JSON object."));
      return NULL;
    }

  object = json_node_get_object (node);
  request = sd_request_new ();
  for (gsize i = 0; i < G_N_ELEMENTS (string_fields); i++)
    if (!read_string_field (request, object, i, error))
      return NULL;
  for (gsize i = 0; i < G_N_ELEMENTS (strv_fields); i++)
    if (!read_strv_field (request, object, i, error))
      return NULL;
  if (!read_duration (request, object, error))
    return NULL;

  return g_steal_pointer (&request);
}

/* sd-api.c: the wire codec of the Seedance API (pure functions, no I/O)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-api"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "sd-api.h"
#include "sd-api-private.h"
#include "sd-json.h"

/* Task ids end up in a URL path and in file names: anything longer than this
 * is not an id the app wants to keep. */
#define MAX_TASK_ID_LENGTH 1024

/* Timestamps past this (year 5138) are taken as milliseconds. */
#define MAX_UNIX_SECONDS G_GINT64_CONSTANT (100000000000)

typedef struct
{
  guint   http_status;
  gint64  retry_after;
  char   *api_code;
  char   *server_message;
} SdApiErrorPrivate;

static void
sd_api_error_private_init (SdApiErrorPrivate *priv)
{
  priv->retry_after = -1;
}

static void
sd_api_error_private_copy (const SdApiErrorPrivate *src,
                           SdApiErrorPrivate       *dest)
{
  dest->http_status = src->http_status;
  dest->retry_after = src->retry_after;
  dest->api_code = g_strdup (src->api_code);
  dest->server_message = g_strdup (src->server_message);
}

static void
sd_api_error_private_clear (SdApiErrorPrivate *priv)
{
  g_clear_pointer (&priv->api_code, g_free);
  g_clear_pointer (&priv->server_message, g_free);
}

G_DEFINE_EXTENDED_ERROR (SdApiError, sd_api_error)

static const SdApiErrorPrivate *
get_private (const GError *error)
{
  if (error == NULL || error->domain != SD_API_ERROR)
    return NULL;
  return sd_api_error_get_private (error);
}

/**
 * sd_api_error_get_http_status:
 * @error: a #GError
 *
 * Returns: the HTTP status of the response that caused @error, or 0 when
 *   there was none or @error is not an %SD_API_ERROR
 */
guint
sd_api_error_get_http_status (const GError *error)
{
  const SdApiErrorPrivate *priv = get_private (error);

  return priv != NULL ? priv->http_status : 0;
}

/**
 * sd_api_error_get_retry_after:
 * @error: a #GError
 *
 * Returns: the seconds the server asked to wait, or -1
 */
gint64
sd_api_error_get_retry_after (const GError *error)
{
  const SdApiErrorPrivate *priv = get_private (error);

  return priv != NULL ? priv->retry_after : -1;
}

/**
 * sd_api_error_get_api_code:
 * @error: a #GError
 *
 * Returns: (nullable): the body's `code` as text, whether the server sent a
 *   number or a string
 */
const char *
sd_api_error_get_api_code (const GError *error)
{
  const SdApiErrorPrivate *priv = get_private (error);

  return priv != NULL ? priv->api_code : NULL;
}

/**
 * sd_api_error_get_server_message:
 * @error: a #GError
 *
 * Returns: (nullable): the body's `msg`, verbatim: plain text, to be escaped
 *   before it reaches markup
 */
const char *
sd_api_error_get_server_message (const GError *error)
{
  const SdApiErrorPrivate *priv = get_private (error);

  return priv != NULL ? priv->server_message : NULL;
}

/**
 * sd_api_error_is_transient:
 * @error: a #GError
 *
 * 408 counts as transient as well as 5xx: the server itself says the request
 * merely took too long. A body over the size limit is not: it would be as
 * large next time.
 *
 * Returns: whether the same query or download may be tried again
 */
gboolean
sd_api_error_is_transient (const GError *error)
{
  guint status;

  if (error == NULL || error->domain != SD_API_ERROR)
    return FALSE;

  switch ((SdApiError) error->code)
    {
    case SD_API_ERROR_TRANSPORT:
    case SD_API_ERROR_RATE_LIMITED:
    case SD_API_ERROR_MALFORMED:
    case SD_API_ERROR_SERVER:
      return TRUE;
    case SD_API_ERROR_HTTP_STATUS:
      status = sd_api_error_get_http_status (error);
      return status >= 500 || status == 408 || status == 429;
    case SD_API_ERROR_UNAUTHORIZED:
    case SD_API_ERROR_API:
    case SD_API_ERROR_TOO_LARGE:
    case SD_API_ERROR_INSECURE:
    case SD_API_ERROR_OUTCOME_UNKNOWN:
    case SD_API_ERROR_INVALID_REQUEST:
    default:
      return FALSE;
    }
}

/**
 * sd_api_error_new_full:
 * @code: the error code
 * @http_status: the response's status, or 0
 * @retry_after: seconds to wait, or -1
 * @api_code: (nullable): the body's code as text
 * @server_message: (nullable): the body's msg, verbatim
 * @message: the translated sentence for the user
 *
 * Returns: (transfer full): a new %SD_API_ERROR carrying these details
 */
GError *
sd_api_error_new_full (SdApiError  code,
                       guint       http_status,
                       gint64      retry_after,
                       const char *api_code,
                       const char *server_message,
                       const char *message)
{
  GError *error;
  SdApiErrorPrivate *priv;

  g_return_val_if_fail (message != NULL, NULL);

  error = g_error_new_literal (SD_API_ERROR, code, message);
  priv = sd_api_error_get_private (error);
  priv->http_status = http_status;
  priv->retry_after = retry_after < 0 ? -1 : retry_after;
  priv->api_code = g_strdup (api_code);
  priv->server_message = g_strdup (server_message);
  return error;
}

static void
set_error (GError     **error,
           SdApiError   code,
           guint        http_status,
           gint64       retry_after,
           const char  *api_code,
           const char  *server_message,
           const char  *message)
{
  g_propagate_error (error, sd_api_error_new_full (code, http_status, retry_after,
                                                   api_code, server_message,
                                                   message));
}

void
_sd_api_set_malformed (GError     **error,
                       guint        http_status,
                       const char  *reason)
{
  g_autofree char *message = NULL;

  /* Translators: %s says what is wrong, e.g. "it has no task id" */
  message = g_strdup_printf (_("The server sent a response the app cannot read (%s). "
                               "Try again later; if this persists, the service may have changed."),
                             reason);
  set_error (error, SD_API_ERROR_MALFORMED, http_status, -1, NULL, NULL, message);
}

/* Retry-After */

static gint64
parse_delta_seconds (const char *value)
{
  guint64 seconds;
  gboolean negative = (*value == '-');

  if (!g_ascii_string_to_unsigned (value + (negative ? 1 : 0), 10, 0, G_MAXINT64,
                                   &seconds, NULL))
    return -1;
  return negative ? 0 : (gint64) seconds;
}

/**
 * sd_api_parse_retry_after:
 * @value: (nullable): a Retry-After header
 * @now: the current time, Unix seconds
 *
 * Returns: the seconds to wait (0 for a date in the past or a negative
 *   number), or -1 when @value is absent or unreadable
 */
gint64
sd_api_parse_retry_after (const char *value,
                          gint64      now)
{
  g_autofree char *trimmed = NULL;
  g_autoptr(GDateTime) date = NULL;

  if (value == NULL)
    return -1;

  trimmed = g_strstrip (g_strdup (value));
  if (g_ascii_isdigit (trimmed[0]) || trimmed[0] == '-')
    return parse_delta_seconds (trimmed);

  date = soup_date_time_new_from_http_string (trimmed);
  if (date == NULL)
    return -1;
  return MAX (g_date_time_to_unix (date) - now, 0);
}

/* Task status */

/**
 * sd_api_status_from_string:
 * @status: (nullable): the server's status
 *
 * Reads the documented spellings and ByteDance's ("running", "succeeded",
 * "cancelled", "expired"), ignoring case. Anything else is
 * %SD_TASK_STATUS_UNKNOWN, never failed: the task is polled on.
 */
SdTaskStatus
sd_api_status_from_string (const char *status)
{
  static const struct {
    const char   *name;
    SdTaskStatus  status;
  } spellings[] = {
    { "queued", SD_TASK_STATUS_QUEUED },
    { "processing", SD_TASK_STATUS_PROCESSING },
    { "running", SD_TASK_STATUS_PROCESSING },
    { "completed", SD_TASK_STATUS_COMPLETED },
    { "succeeded", SD_TASK_STATUS_COMPLETED },
    { "failed", SD_TASK_STATUS_FAILED },
    { "cancelled", SD_TASK_STATUS_FAILED },
    { "canceled", SD_TASK_STATUS_FAILED },
    { "expired", SD_TASK_STATUS_FAILED },
    { "uncertain", SD_TASK_STATUS_UNCERTAIN },
    { "not-found", SD_TASK_STATUS_NOT_FOUND },
  };

  if (status == NULL)
    return SD_TASK_STATUS_UNKNOWN;

  for (gsize i = 0; i < G_N_ELEMENTS (spellings); i++)
    if (g_ascii_strcasecmp (status, spellings[i].name) == 0)
      return spellings[i].status;
  return SD_TASK_STATUS_UNKNOWN;
}

/**
 * sd_api_status_to_string:
 * @status: a status
 *
 * Returns: the documented spelling of @status ("unknown" for UNKNOWN), or
 *   for the app's own findings "uncertain" and "not-found"; this is what
 *   the history stores
 */
const char *
sd_api_status_to_string (SdTaskStatus status)
{
  switch (status)
    {
    case SD_TASK_STATUS_QUEUED:
      return "queued";
    case SD_TASK_STATUS_PROCESSING:
      return "processing";
    case SD_TASK_STATUS_COMPLETED:
      return "completed";
    case SD_TASK_STATUS_FAILED:
      return "failed";
    case SD_TASK_STATUS_UNCERTAIN:
      return "uncertain";
    case SD_TASK_STATUS_NOT_FOUND:
      return "not-found";
    case SD_TASK_STATUS_UNKNOWN:
    default:
      return "unknown";
    }
}

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

/* Untrusted JSON */

static void
set_too_large (GError **error,
               gsize    size)
{
  g_autofree char *size_text = g_format_size (size);
  g_autofree char *limit_text = g_format_size (SD_API_MAX_BODY);
  g_autofree char *message = NULL;

  /* Translators: both %s are sizes, such as "10.5 MB" and "1.0 MB" */
  message = g_strdup_printf (_("The server sent a response of %s, more than the %s "
                               "the app accepts. It was not read; try again later."),
                             size_text, limit_text);
  set_error (error, SD_API_ERROR_TOO_LARGE, 0, -1, NULL, NULL, message);
}

/**
 * sd_api_parse_json:
 * @body: (nullable): an untrusted body
 * @error: return location for an error
 *
 * Refuses, before parsing, a body over %SD_API_MAX_BODY
 * (%SD_API_ERROR_TOO_LARGE), and one that is empty, not UTF-8, nested
 * deeper than %SD_API_MAX_DEPTH or more than one JSON value
 * (%SD_API_ERROR_MALFORMED).
 *
 * Returns: (transfer full) (nullable): the root node
 */
JsonNode *
sd_api_parse_json (GBytes  *body,
                   GError **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(JsonNode) root = NULL;
  const char *data = NULL;
  gsize length = 0;

  if (body != NULL)
    data = g_bytes_get_data (body, &length);

  if (length > SD_API_MAX_BODY)
    {
      set_too_large (error, length);
      return NULL;
    }
  if (length == 0)
    {
      _sd_api_set_malformed (error, 0, _("the body is empty"));
      return NULL;
    }
  if (!g_utf8_validate_len (data, length, NULL))
    {
      _sd_api_set_malformed (error, 0, _("the body is not UTF-8 text"));
      return NULL;
    }
  if (!sd_json_nesting_within_limit (data, length, SD_API_MAX_DEPTH))
    {
      _sd_api_set_malformed (error, 0, _("the body is nested too deeply"));
      return NULL;
    }

  if (!sd_json_holds_one_value (data, length))
    {
      _sd_api_set_malformed (error, 0, _("the body holds more than one JSON value"));
      return NULL;
    }

  /* Sealed here rather than by json_parser_new_immutable(): json-glib 1.10
   * asserts in json_parser_get_root() when its immutable parser left a node
   * unsealed, which must not be a way to abort the app. */
  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, data, length, NULL))
    {
      _sd_api_set_malformed (error, 0, _("the body is not valid JSON"));
      return NULL;
    }
  root = json_parser_steal_root (parser);
  if (root == NULL)
    {
      _sd_api_set_malformed (error, 0, _("the body is empty"));
      return NULL;
    }
  if (!sd_json_strings_are_utf8 (root))
    {
      _sd_api_set_malformed (error, 0, _("the body is not UTF-8 text"));
      return NULL;
    }

  json_node_seal (root);
  return g_steal_pointer (&root);
}

/* Responses */

const char *
_sd_api_get_string_member (JsonObject *object,
                           const char *name)
{
  JsonNode *node;

  if (object == NULL)
    return NULL;
  node = json_object_get_member (object, name);
  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

JsonObject *
_sd_api_get_object_member (JsonObject *object,
                           const char *name)
{
  JsonNode *node;

  if (object == NULL)
    return NULL;
  node = json_object_get_member (object, name);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  return json_node_get_object (node);
}

/* A string, or a number written as text; NULL for other types. */
char *
_sd_api_value_as_text (JsonNode *node)
{
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NULL;

  type = json_node_get_value_type (node);
  if (type == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));
  if (type == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  if (type == G_TYPE_DOUBLE)
    {
      double value = json_node_get_double (node);
      char buffer[G_ASCII_DTOSTR_BUF_SIZE];

      if (value == floor (value) && fabs (value) < 1e15)
        return g_strdup_printf ("%.0f", value);
      return g_strdup (g_ascii_dtostr (buffer, sizeof buffer, value));
    }
  return NULL;
}

static gint64
seconds_from_number (double value)
{
  if (!isfinite (value) || value <= 0 || value >= (double) G_MAXINT64)
    return 0;
  if (value >= MAX_UNIX_SECONDS)
    value /= 1000;
  return (gint64) value;
}

static gint64
seconds_from_string (const char *text)
{
  g_autoptr(GTimeZone) utc = NULL;
  g_autoptr(GDateTime) date = NULL;
  gint64 number;

  if (g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, &number, NULL))
    return seconds_from_number ((double) number);

  utc = g_time_zone_new_utc ();
  date = g_date_time_new_from_iso8601 (text, utc);
  return date != NULL ? MAX (g_date_time_to_unix (date), 0) : 0;
}

/* Unix seconds from a number, a numeric string or an ISO 8601 date (UTC when
 * it names no zone); 0 when absent or unreadable. Values too large to be
 * seconds are read as milliseconds. */
static gint64
get_time_member (JsonObject *object,
                 const char *name)
{
  JsonNode *node = json_object_get_member (object, name);
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return 0;

  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    return seconds_from_number ((double) json_node_get_int (node));
  if (type == G_TYPE_DOUBLE)
    return seconds_from_number (json_node_get_double (node));
  if (type == G_TYPE_STRING)
    return seconds_from_string (json_node_get_string (node));
  return 0;
}

static gboolean
is_success_code (const char *code)
{
  return g_strcmp0 (code, "20000") == 0 || g_strcmp0 (code, "0") == 0;
}

static gboolean
is_2xx (guint http_status)
{
  return http_status >= 200 && http_status < 300;
}

/* What a body's code means, by the provider's reference: anything else
 * that is not success is a plain refusal (SD_API_ERROR_API). */
static SdApiError
error_for_api_code (const char *api_code)
{
  if (g_strcmp0 (api_code, SD_API_CODE_AUTH_FAILED) == 0)
    return SD_API_ERROR_UNAUTHORIZED;
  if (g_strcmp0 (api_code, SD_API_CODE_SERVER_ERROR) == 0)
    return SD_API_ERROR_SERVER;
  return SD_API_ERROR_API;
}

static gboolean
is_documented_code (const char *api_code)
{
  return g_strcmp0 (api_code, SD_API_CODE_AUTH_FAILED) == 0 ||
         g_strcmp0 (api_code, SD_API_CODE_BAD_REQUEST) == 0 ||
         g_strcmp0 (api_code, SD_API_CODE_SERVER_ERROR) == 0;
}

static char *
describe_api_code (const char *api_code)
{
  if (g_strcmp0 (api_code, SD_API_CODE_AUTH_FAILED) == 0)
    return g_strdup_printf (_("The server refused the API token (error %s: authentication failed). "
                              "Check the token in Preferences."), api_code);
  if (g_strcmp0 (api_code, SD_API_CODE_BAD_REQUEST) == 0)
    return g_strdup_printf (_("The server refused the request (error %s: bad request); "
                              "nothing was created."), api_code);
  if (g_strcmp0 (api_code, SD_API_CODE_SERVER_ERROR) == 0)
    return g_strdup_printf (_("The server reported an error of its own (error %s) "
                              "and asks to try again later."), api_code);
  /* Translators: %s is the server's error code */
  return g_strdup_printf (_("The server answered with error %s."), api_code);
}

static char *
describe_http_status (guint  http_status,
                      gint64 retry_after)
{
  if (http_status == 401 || http_status == 403)
    return g_strdup_printf (_("The server refused the API token (HTTP %u). "
                              "Check the token in Preferences."), http_status);
  if (http_status == 429 && retry_after >= 0)
    {
      int seconds = (int) MIN (retry_after, G_MAXINT);

      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "Too many requests: the server asks to wait %d second.",
                                           "Too many requests: the server asks to wait %d seconds.",
                                           seconds), seconds);
    }
  if (http_status == 429)
    return g_strdup (_("Too many requests: the server asks to slow down. "
                       "Wait a minute, then try again."));
  if (http_status >= 500 && retry_after >= 0)
    {
      int seconds = (int) MIN (retry_after, G_MAXINT);

      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "The server is unavailable (HTTP %u) and asks to wait %d second.",
                                           "The server is unavailable (HTTP %u) and asks to wait %d seconds.",
                                           seconds), http_status, seconds);
    }
  if (http_status >= 500)
    return g_strdup_printf (_("The server had a problem (HTTP %u). Try again later."),
                            http_status);
  if (http_status == 404)
    return g_strdup (_("The server has nothing at this address (HTTP 404). Check the server "
                       "address in Preferences; the task may also no longer exist."));
  if (http_status >= 400)
    return g_strdup_printf (_("The server refused the request (HTTP %u)."), http_status);
  return g_strdup_printf (_("The server answered with an unexpected status (HTTP %u). "
                            "Try again later."), http_status);
}

/* A non-2xx answer. Its body, when it is a readable API error, adds the
 * server's code and msg; a body that is too large or unreadable is ignored,
 * because the status already says what went wrong. */
static void
set_status_error (GError     **error,
                  guint        http_status,
                  const char  *retry_after_header,
                  gint64       now,
                  GBytes      *body)
{
  g_autoptr(JsonNode) root = sd_api_parse_json (body, NULL);
  JsonObject *object = NULL;
  g_autofree char *api_code = NULL;
  g_autofree char *description = NULL;
  g_autofree char *message = NULL;
  const char *server_message;
  gint64 retry_after = sd_api_parse_retry_after (retry_after_header, now);
  SdApiError code = SD_API_ERROR_HTTP_STATUS;

  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    object = json_node_get_object (root);
  if (object != NULL)
    api_code = _sd_api_value_as_text (json_object_get_member (object, "code"));
  server_message = _sd_api_get_string_member (object, "msg");
  if (server_message != NULL && *server_message == '\0')
    server_message = NULL;

  if (http_status == 401 || http_status == 403)
    code = SD_API_ERROR_UNAUTHORIZED;
  else if (http_status == 429)
    code = SD_API_ERROR_RATE_LIMITED;
  else if (is_documented_code (api_code))
    code = error_for_api_code (api_code); /* it says more than the status */

  g_debug ("HTTP %u, code %s: error %d", http_status, api_code != NULL ? api_code : "(none)", code);
  if (code == SD_API_ERROR_UNAUTHORIZED && http_status != 401 && http_status != 403)
    description = describe_api_code (api_code);
  else
    description = describe_http_status (http_status, retry_after);
  if (server_message != NULL)
    /* Translators: the first %s is a sentence about the HTTP status, the
     * second the server's own message, verbatim */
    message = g_strdup_printf (_("%s The server said: %s"), description, server_message);
  else
    message = g_steal_pointer (&description);

  set_error (error, code, http_status, retry_after, api_code, server_message, message);
}

static void
set_api_error (GError     **error,
               guint        http_status,
               const char  *api_code,
               const char  *server_message)
{
  g_autofree char *description = describe_api_code (api_code);
  g_autofree char *message = NULL;

  if (server_message != NULL && *server_message != '\0')
    /* Translators: the first %s is a sentence about the server's error code,
     * the second the server's own message, verbatim */
    message = g_strdup_printf (_("%s The server said: %s"), description, server_message);
  else
    message = g_steal_pointer (&description);

  set_error (error, error_for_api_code (api_code), http_status, -1, api_code,
             server_message, message);
}

/* Checks the envelope's code. A missing or null code is taken as success
 * (the data object is still required): the documentation shows two
 * different success codes, so the app does not refuse a third shape that
 * carries valid data. */
static gboolean
check_code (JsonObject  *object,
            guint        http_status,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, "code");
  g_autofree char *code = NULL;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  code = _sd_api_value_as_text (node);
  if (code == NULL)
    {
      _sd_api_set_malformed (error, http_status, _("its code is neither a number nor text"));
      return FALSE;
    }
  if (is_success_code (code))
    return TRUE;

  set_api_error (error, http_status, code, _sd_api_get_string_member (object, "msg"));
  return FALSE;
}

/* Returns the root object of a successful answer, with its data object in
 * @data; sets the right error otherwise. */
JsonNode *
_sd_api_parse_envelope (guint         http_status,
                        const char   *retry_after,
                        gint64        now,
                        GBytes       *body,
                        JsonObject  **data,
                        GError      **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonObject *object;

  if (!is_2xx (http_status))
    {
      set_status_error (error, http_status, retry_after, now, body);
      return NULL;
    }

  root = sd_api_parse_json (body, &local_error);
  if (root == NULL)
    {
      sd_api_error_get_private (local_error)->http_status = http_status;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      _sd_api_set_malformed (error, http_status, _("it is not a JSON object"));
      return NULL;
    }

  object = json_node_get_object (root);
  if (!check_code (object, http_status, error))
    return NULL;

  *data = _sd_api_get_object_member (object, "data");
  if (*data == NULL)
    {
      _sd_api_set_malformed (error, http_status, _("it has no data"));
      return NULL;
    }
  return g_steal_pointer (&root);
}

/* Ids are strings in the documentation; an integer id is taken as its
 * decimal text, since it still names the task. Empty ids, ids with control
 * characters and absurdly long ids are refused. */
static char *
get_task_id (JsonObject *data)
{
  JsonNode *node = json_object_get_member (data, "task_id");
  g_autofree char *id = NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NULL;
  if (json_node_get_value_type (node) != G_TYPE_STRING &&
      json_node_get_value_type (node) != G_TYPE_INT64)
    return NULL;

  id = _sd_api_value_as_text (node);
  if (id == NULL || *id == '\0' || strlen (id) > MAX_TASK_ID_LENGTH)
    return NULL;
  for (const char *p = id; *p != '\0'; p++)
    if (g_ascii_iscntrl (*p))
      return NULL;
  return g_steal_pointer (&id);
}

/* The status as the server spelled it: a number is kept as its text so the
 * user can still see it, and maps to UNKNOWN. */
static char *
get_status_raw (JsonObject *data)
{
  return _sd_api_value_as_text (json_object_get_member (data, "status"));
}

/* "uncertain" and "not-found" are what the app concluded, never what a
 * server may claim: from a server they are just a status the app does not
 * know, and the task is polled on. */
static SdTaskStatus
status_from_server (const char *status_raw)
{
  SdTaskStatus status = sd_api_status_from_string (status_raw);

  if (status == SD_TASK_STATUS_UNCERTAIN || status == SD_TASK_STATUS_NOT_FOUND)
    return SD_TASK_STATUS_UNKNOWN;
  return status;
}

static char *
dup_nonempty (const char *text)
{
  return text != NULL && *text != '\0' ? g_strdup (text) : NULL;
}

/**
 * sd_api_create_result_free:
 * @result: (nullable): a create result
 */
void
sd_api_create_result_free (SdApiCreateResult *result)
{
  if (result == NULL)
    return;
  g_free (result->task_id);
  g_free (result->status_raw);
  g_free (result->model);
  g_free (result);
}

/**
 * sd_api_query_result_free:
 * @result: (nullable): a query result
 */
void
sd_api_query_result_free (SdApiQueryResult *result)
{
  if (result == NULL)
    return;
  g_free (result->task_id);
  g_free (result->status_raw);
  g_free (result->model);
  g_free (result->video_url);
  g_free (result->failure_message);
  g_free (result);
}

/* A server error may come after the task was made: the create's outcome is
 * unknown, unlike an answer that refuses the request. */
static gboolean
create_may_exist (const GError *error)
{
  return g_error_matches (error, SD_API_ERROR, SD_API_ERROR_SERVER) ||
         (g_error_matches (error, SD_API_ERROR, SD_API_ERROR_HTTP_STATUS) &&
          sd_api_error_get_http_status (error) >= 500);
}

static GError *
outcome_unknown_error (GError *error)
{
  const char *api_code = sd_api_error_get_api_code (error);
  const char *server_message = sd_api_error_get_server_message (error);
  guint http_status = sd_api_error_get_http_status (error);
  g_autofree char *what = NULL;
  g_autofree char *message = NULL;
  GError *unknown;

  if (http_status >= 500)
    what = g_strdup_printf (_("HTTP %u, a server error"), http_status);
  else
    /* Translators: %s is the server's error code, e.g. -1 */
    what = g_strdup_printf (_("error %s, a server error"), api_code);

  /* Translators: %s says what the answer was, e.g. "HTTP 503, a server error" */
  message = g_strdup_printf (_("The request to create the task was sent, but the server answered "
                               "with %s. The task may or may not have been created; look in the "
                               "history or the provider’s console before trying again."),
                             what);
  if (server_message != NULL)
    {
      g_autofree char *with_msg =
        g_strdup_printf (_("%s The server said: %s"), message, server_message);

      g_free (message);
      message = g_steal_pointer (&with_msg);
    }

  g_debug ("create answered %u / %s: outcome unknown", http_status,
           api_code != NULL ? api_code : "(no code)");
  unknown = sd_api_error_new_full (SD_API_ERROR_OUTCOME_UNKNOWN, http_status,
                                   sd_api_error_get_retry_after (error),
                                   api_code, server_message, message);
  g_error_free (error);
  return unknown;
}

/**
 * sd_api_parse_create_response:
 * @http_status: the response's status
 * @retry_after: (nullable): its Retry-After header
 * @now: the current time, Unix seconds
 * @body: (nullable): the response body
 * @error: return location for an %SD_API_ERROR
 *
 * A created task needs `data.task_id`. A missing status is read as "queued",
 * the state the documentation gives every new task. A 5xx status (unless
 * its body names a refusal) or code -1 is %SD_API_ERROR_OUTCOME_UNKNOWN:
 * the server failed, but maybe after it made the task.
 *
 * Returns: (transfer full) (nullable): the result
 */
SdApiCreateResult *
sd_api_parse_create_response (guint        http_status,
                              const char  *retry_after,
                              gint64       now,
                              GBytes      *body,
                              GError     **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(SdApiCreateResult) result = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonObject *data = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  root = _sd_api_parse_envelope (http_status, retry_after, now, body, &data, &local_error);
  if (root == NULL)
    {
      if (create_may_exist (local_error))
        g_propagate_error (error, outcome_unknown_error (g_steal_pointer (&local_error)));
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  result = g_new0 (SdApiCreateResult, 1);
  result->task_id = get_task_id (data);
  if (result->task_id == NULL)
    {
      _sd_api_set_malformed (error, http_status, _("it has no task id"));
      return NULL;
    }

  result->status_raw = get_status_raw (data);
  if (result->status_raw == NULL)
    result->status = SD_TASK_STATUS_QUEUED;
  else
    result->status = status_from_server (result->status_raw);
  result->model = dup_nonempty (_sd_api_get_string_member (data, "model"));
  result->created_at = get_time_member (data, "created_at");
  return g_steal_pointer (&result);
}

static char *
get_error_text (JsonObject *data)
{
  JsonNode *node = json_object_get_member (data, "error");
  JsonObject *object;
  const char *text;

  if (node == NULL)
    return NULL;
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    return dup_nonempty (json_node_get_string (node));
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return NULL;

  object = json_node_get_object (node);
  text = _sd_api_get_string_member (object, "message");
  if (text == NULL || *text == '\0')
    text = _sd_api_get_string_member (object, "msg");
  return dup_nonempty (text);
}

static gboolean
is_plain_ok (const char *msg)
{
  return g_ascii_strcasecmp (msg, "ok") == 0 || g_ascii_strcasecmp (msg, "success") == 0;
}

/* The first non-empty reason among data.error, data.fail_reason and, for a
 * failed task only, data.message and the top-level msg (unless it is just
 * "ok"): on a running task those two are status chatter, not failures. */
static char *
get_failure_message (JsonObject   *root,
                     JsonObject   *data,
                     SdTaskStatus  status)
{
  char *text;
  const char *msg;

  if ((text = get_error_text (data)) != NULL)
    return text;
  if ((text = dup_nonempty (_sd_api_get_string_member (data, "fail_reason"))) != NULL)
    return text;
  if (status != SD_TASK_STATUS_FAILED)
    return NULL;
  if ((text = dup_nonempty (_sd_api_get_string_member (data, "message"))) != NULL)
    return text;

  msg = _sd_api_get_string_member (root, "msg");
  if (msg != NULL && !is_plain_ok (msg))
    return dup_nonempty (msg);
  return NULL;
}

/**
 * sd_api_parse_query_response:
 * @http_status: the response's status
 * @retry_after: (nullable): its Retry-After header
 * @now: the current time, Unix seconds
 * @body: (nullable): the response body
 * @error: return location for an %SD_API_ERROR
 *
 * Only `data` is required: the caller knows which task it asked about, so
 * a missing task id or status is tolerated (the status is then UNKNOWN and
 * the task is polled on). The video address is read from
 * `data.result.video_url` only, the one place the documentation gives.
 *
 * Returns: (transfer full) (nullable): the result
 */
SdApiQueryResult *
sd_api_parse_query_response (guint        http_status,
                             const char  *retry_after,
                             gint64       now,
                             GBytes      *body,
                             GError     **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(SdApiQueryResult) result = NULL;
  JsonObject *data = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  root = _sd_api_parse_envelope (http_status, retry_after, now, body, &data, error);
  if (root == NULL)
    return NULL;

  result = g_new0 (SdApiQueryResult, 1);
  result->task_id = get_task_id (data);
  result->status_raw = get_status_raw (data);
  result->status = status_from_server (result->status_raw);
  result->model = dup_nonempty (_sd_api_get_string_member (data, "model"));
  result->created_at = get_time_member (data, "created_at");
  result->updated_at = get_time_member (data, "updated_at");
  result->video_url =
    dup_nonempty (_sd_api_get_string_member (_sd_api_get_object_member (data, "result"),
                                             "video_url"));
  result->failure_message = get_failure_message (json_node_get_object (root), data,
                                                 result->status);
  return g_steal_pointer (&result);
}

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

/* A msg that says the queue is full, in the provider's words or others':
 * "queue is full", "Queue full", "队列已满". */
static gboolean
message_says_queue_full (const char *message)
{
  g_autofree char *folded = NULL;
  const char *queue;

  if (message == NULL)
    return FALSE;
  if (strstr (message, "队列已满") != NULL)
    return TRUE;
  folded = g_ascii_strdown (message, -1);
  queue = strstr (folded, "queue");
  return queue != NULL && strstr (queue, "full") != NULL;
}

/**
 * sd_api_error_is_queue_full:
 * @error: (nullable): a #GError
 *
 * A create answered 429, or with the provider's "queue full" code or
 * message, was refused before anything was made: it may be sent again
 * (after Retry-After). Anything else, above all
 * %SD_API_ERROR_OUTCOME_UNKNOWN, is not.
 *
 * Returns: whether @error says the provider is too busy to take a task
 */
gboolean
sd_api_error_is_queue_full (const GError *error)
{
  if (error == NULL || error->domain != SD_API_ERROR)
    return FALSE;
  if (error->code == SD_API_ERROR_RATE_LIMITED)
    return TRUE;
  if (error->code != SD_API_ERROR_API && error->code != SD_API_ERROR_HTTP_STATUS)
    return FALSE;
  if (sd_api_error_get_http_status (error) == 429 ||
      g_strcmp0 (sd_api_error_get_api_code (error), SD_API_CODE_QUEUE_FULL) == 0)
    return TRUE;
  return error->code == SD_API_ERROR_API &&
         message_says_queue_full (sd_api_error_get_server_message (error));
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
    { "waiting", SD_TASK_STATUS_WAITING },
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
    case SD_TASK_STATUS_WAITING:
      return "waiting";
    case SD_TASK_STATUS_UNKNOWN:
    default:
      return "unknown";
    }
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

/* sd-api-task.c: the task in an answer to a create or a query
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-api"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "sd-api.h"
#include "sd-api-private.h"

/* Task ids end up in a URL path and in file names: anything longer than this
 * is not an id the app wants to keep. */
#define MAX_TASK_ID_LENGTH 1024

/* Timestamps past this (year 5138) are taken as milliseconds. */
#define MAX_UNIX_SECONDS G_GINT64_CONSTANT (100000000000)

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

/* "uncertain", "not-found" and "waiting" are what the app concluded, never what a
 * server may claim: from a server they are just a status the app does not
 * know, and the task is polled on. */
static SdTaskStatus
status_from_server (const char *status_raw)
{
  SdTaskStatus status = sd_api_status_from_string (status_raw);

  if (status == SD_TASK_STATUS_UNCERTAIN || status == SD_TASK_STATUS_NOT_FOUND ||
      status == SD_TASK_STATUS_WAITING)
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

/* data.progress as a percentage: a number or a numeric string ("42",
 * "42.5", "42%"), clamped to 0..100; -1 when absent or not a number. */
static int
get_progress (JsonObject *data)
{
  JsonNode *node = json_object_get_member (data, "progress");
  g_autofree char *text = NULL;
  char *end = NULL;
  double value;
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return -1;

  type = json_node_get_value_type (node);
  if (type == G_TYPE_STRING)
    {
      text = g_strstrip (g_strdup (json_node_get_string (node)));
      value = g_ascii_strtod (text, &end);
      if (end == text || (*end != '\0' && g_strcmp0 (end, "%") != 0))
        return -1;
    }
  else if (type == G_TYPE_INT64 || type == G_TYPE_DOUBLE)
    value = json_node_get_double (node);
  else
    return -1;

  if (!isfinite (value))
    return -1;
  return (int) CLAMP (value, 0, 100);
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
  result->progress = get_progress (data);
  return g_steal_pointer (&result);
}

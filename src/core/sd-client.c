/* sd-client.c: the HTTP client of the Seedance API
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-client"

#include "config.h"

#include <glib/gi18n.h>

#include "sd-client.h"

#define READ_CHUNK_SIZE   16384
#define IDLE_TIMEOUT      60

struct _SdClient
{
  GObject      parent_instance;

  SoupSession *session;
  char        *base_url;
  char        *token;
  guint        request_timeout_ms;
};

G_DEFINE_FINAL_TYPE (SdClient, sd_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_BASE_URL,
  PROP_TOKEN,
  PROP_REQUEST_TIMEOUT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef enum {
  CALL_CREATE,
  CALL_QUERY,
} CallKind;

/* One API call. Our own cancellable is cancelled by the caller's and by the
 * whole-call timeout, so that we can tell the two apart afterwards. */
typedef struct
{
  CallKind      kind;
  SoupMessage  *message;
  GInputStream *stream;
  GByteArray   *body;
  GCancellable *cancellable;
  GCancellable *caller_cancellable;
  gulong        caller_handler;
  GSource      *timeout_source;
  guint         timeout_ms;
  gboolean      sent;
  gboolean      timed_out;
} Call;

static void
call_free (Call *call)
{
  if (call->caller_handler != 0)
    g_cancellable_disconnect (call->caller_cancellable, call->caller_handler);
  if (call->timeout_source != NULL)
    {
      g_source_destroy (call->timeout_source);
      g_source_unref (call->timeout_source);
    }
  if (call->message != NULL)
    g_signal_handlers_disconnect_by_data (call->message, call);
  g_clear_object (&call->message);
  g_clear_object (&call->stream);
  g_clear_pointer (&call->body, g_byte_array_unref);
  g_clear_object (&call->cancellable);
  g_clear_object (&call->caller_cancellable);
  g_free (call);
}

static void
sd_client_finalize (GObject *object)
{
  SdClient *self = SD_CLIENT (object);

  g_clear_object (&self->session);
  g_clear_pointer (&self->base_url, g_free);
  g_clear_pointer (&self->token, g_free);

  G_OBJECT_CLASS (sd_client_parent_class)->finalize (object);
}

static void
sd_client_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  SdClient *self = SD_CLIENT (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      g_value_set_string (value, self->base_url);
      break;
    case PROP_REQUEST_TIMEOUT:
      g_value_set_uint (value, self->request_timeout_ms);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_client_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  SdClient *self = SD_CLIENT (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      sd_client_set_base_url (self, g_value_get_string (value));
      break;
    case PROP_TOKEN:
      sd_client_set_token (self, g_value_get_string (value));
      break;
    case PROP_REQUEST_TIMEOUT:
      sd_client_set_request_timeout (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_client_class_init (SdClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sd_client_finalize;
  object_class->get_property = sd_client_get_property;
  object_class->set_property = sd_client_set_property;

  properties[PROP_BASE_URL] =
    g_param_spec_string ("base-url", NULL, NULL,
                         SD_CLIENT_DEFAULT_BASE_URL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT |
                         G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /* Write-only: nothing reads the token back out of the client. */
  properties[PROP_TOKEN] =
    g_param_spec_string ("token", NULL, NULL,
                         NULL,
                         G_PARAM_WRITABLE |
                         G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_REQUEST_TIMEOUT] =
    g_param_spec_uint ("request-timeout", NULL, NULL,
                       0, G_MAXUINT, SD_CLIENT_REQUEST_TIMEOUT_MS,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT |
                       G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sd_client_init (SdClient *self)
{
  g_autofree char *user_agent = g_strdup_printf ("SeedanceStudio/%s", PACKAGE_VERSION);

  self->session = soup_session_new_with_options ("user-agent", user_agent,
                                                 "timeout", SD_CLIENT_IO_TIMEOUT,
                                                 "idle-timeout", IDLE_TIMEOUT,
                                                 NULL);
}

/**
 * sd_client_new:
 * @base_url: (nullable): the API's base URL; %NULL for the default
 * @token: (nullable): the API token
 *
 * Returns: (transfer full): a new client with its own session
 */
SdClient *
sd_client_new (const char *base_url,
               const char *token)
{
  return g_object_new (SD_TYPE_CLIENT,
                       "base-url", base_url != NULL ? base_url : SD_CLIENT_DEFAULT_BASE_URL,
                       "token", token,
                       NULL);
}

SoupSession *
sd_client_get_session (SdClient *self)
{
  g_return_val_if_fail (SD_IS_CLIENT (self), NULL);

  return self->session;
}

const char *
sd_client_get_base_url (SdClient *self)
{
  g_return_val_if_fail (SD_IS_CLIENT (self), NULL);

  return self->base_url;
}

void
sd_client_set_base_url (SdClient   *self,
                        const char *base_url)
{
  g_autofree char *trimmed = NULL;
  gsize len;

  g_return_if_fail (SD_IS_CLIENT (self));

  if (base_url == NULL)
    base_url = SD_CLIENT_DEFAULT_BASE_URL;

  /* Paths are appended to it: "https://host/" and "https://host" are one. */
  trimmed = g_strstrip (g_strdup (base_url));
  len = strlen (trimmed);
  while (len > 0 && trimmed[len - 1] == '/')
    trimmed[--len] = '\0';

  if (g_strcmp0 (self->base_url, trimmed) == 0)
    return;

  g_free (self->base_url);
  self->base_url = g_steal_pointer (&trimmed);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BASE_URL]);
}

void
sd_client_set_token (SdClient   *self,
                     const char *token)
{
  g_return_if_fail (SD_IS_CLIENT (self));

  if (token != NULL && *token == '\0')
    token = NULL;

  if (g_strcmp0 (self->token, token) == 0)
    return;

  /* Don't leave the old token lying in freed memory. */
  if (self->token != NULL)
    memset (self->token, 0, strlen (self->token));
  g_free (self->token);
  self->token = g_strdup (token);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOKEN]);
}

gboolean
sd_client_has_token (SdClient *self)
{
  g_return_val_if_fail (SD_IS_CLIENT (self), FALSE);

  return self->token != NULL;
}

guint
sd_client_get_request_timeout (SdClient *self)
{
  g_return_val_if_fail (SD_IS_CLIENT (self), 0);

  return self->request_timeout_ms;
}

void
sd_client_set_request_timeout (SdClient *self,
                               guint     timeout_ms)
{
  g_return_if_fail (SD_IS_CLIENT (self));

  if (self->request_timeout_ms == timeout_ms)
    return;

  self->request_timeout_ms = timeout_ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REQUEST_TIMEOUT]);
}

static gboolean
host_is_loopback (const char *host)
{
  g_autoptr(GInetAddress) address = NULL;

  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;

  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

gboolean
sd_client_check_base_url (const char  *url,
                          GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme;
  const char *host;

  if (url != NULL)
    uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL);
  scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  host = uri != NULL ? g_uri_get_host (uri) : NULL;

  if (uri == NULL || host == NULL || *host == '\0' ||
      (g_strcmp0 (scheme, "http") != 0 && g_strcmp0 (scheme, "https") != 0) ||
      g_uri_get_query (uri) != NULL || g_uri_get_fragment (uri) != NULL)
    {
      g_propagate_error (error,
                         sd_api_error_new_full (SD_API_ERROR_INVALID_REQUEST, 0, -1, NULL, NULL,
                                                _("The service address must be an absolute http or https URL such as https://www.jimmyai.cn.")));
      return FALSE;
    }

  if (g_strcmp0 (scheme, "http") == 0 && !host_is_loopback (host))
    {
      g_autofree char *message =
        g_strdup_printf (_("The service address %s uses plain http to another computer: the API token would cross the network unencrypted. Use an https:// address."),
                         url);

      g_propagate_error (error,
                         sd_api_error_new_full (SD_API_ERROR_INSECURE, 0, -1, NULL, NULL, message));
      return FALSE;
    }

  return TRUE;
}

static gboolean
on_call_timeout_cb (gpointer user_data)
{
  Call *call = user_data;

  call->timed_out = TRUE;
  g_cancellable_cancel (call->cancellable);
  g_clear_pointer (&call->timeout_source, g_source_unref);

  return G_SOURCE_REMOVE;
}

static void
on_caller_cancelled_cb (GCancellable *caller_cancellable,
                        gpointer      user_data)
{
  GCancellable *ours = user_data;

  g_cancellable_cancel (ours);
}

static void
on_wrote_headers_cb (SoupMessage *message,
                     gpointer     user_data)
{
  Call *call = user_data;

  call->sent = TRUE;
}

static GError *
call_error_from_failure (Call   *call,
                         GError *failure)
{
  g_autofree char *reason = NULL;
  g_autofree char *message = NULL;

  if (g_error_matches (failure, G_IO_ERROR, G_IO_ERROR_CANCELLED) && !call->timed_out)
    reason = g_strdup (_("it was cancelled while waiting for the answer"));
  else if (call->timed_out)
    reason = g_strdup_printf (ngettext ("the service did not answer within %u second",
                                        "the service did not answer within %u seconds",
                                        MAX (1, call->timeout_ms / 1000)),
                              MAX (1, call->timeout_ms / 1000));
  else
    reason = g_strdup (failure->message);

  if (call->kind == CALL_CREATE && call->sent)
    {
      message = g_strdup_printf (_("The request to create the task was sent, but no clear answer came back (%s). The task may or may not have been created: check your task list before submitting it again."),
                                 reason);
      return sd_api_error_new_full (SD_API_ERROR_OUTCOME_UNKNOWN, 0, -1, NULL, NULL, message);
    }

  message = g_strdup_printf (_("Could not reach the Seedance service: %s."), reason);
  return sd_api_error_new_full (SD_API_ERROR_TRANSPORT, 0, -1, NULL, NULL, message);
}

static void
call_fail (GTask  *task,
           GError *failure)
{
  Call *call = g_task_get_task_data (task);

  /* A cancelled query is just cancelled; a create cancelled after it was
   * sent may still have created its task, and the caller must know. */
  if (g_error_matches (failure, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
      !call->timed_out &&
      !(call->kind == CALL_CREATE && call->sent))
    {
      g_task_return_error (task, failure);
      return;
    }

  g_task_return_error (task, call_error_from_failure (call, failure));
  g_error_free (failure);
}

/* A create whose answer can't be read may still have created the task. */
static GError *
create_error_from_codec (GError *error)
{
  GError *unknown;
  g_autofree char *message = NULL;

  if (!g_error_matches (error, SD_API_ERROR, SD_API_ERROR_MALFORMED) &&
      !g_error_matches (error, SD_API_ERROR, SD_API_ERROR_TOO_LARGE))
    return error;

  /* The codec's own sentence ends in "try again later", the one thing not
   * to tell a user whose create may have happened. */
  message = g_strdup_printf (_("The request to create the task was sent, but the answer could not be read (%s). The task may or may not have been created: check your task list before submitting it again."),
                             g_error_matches (error, SD_API_ERROR, SD_API_ERROR_TOO_LARGE)
                               ? _("it was larger than any answer of the API")
                               : _("it was not what the API documents"));
  unknown = sd_api_error_new_full (SD_API_ERROR_OUTCOME_UNKNOWN,
                                   sd_api_error_get_http_status (error), -1,
                                   NULL, NULL, message);
  g_error_free (error);
  return unknown;
}

static void
call_complete (GTask *task)
{
  Call *call = g_task_get_task_data (task);
  SoupMessageHeaders *headers = soup_message_get_response_headers (call->message);
  const char *retry_after = soup_message_headers_get_one (headers, "Retry-After");
  guint status = soup_message_get_status (call->message);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(GBytes) body = g_byte_array_free_to_bytes (g_steal_pointer (&call->body));
  GError *error = NULL;

  if (call->kind == CALL_CREATE)
    {
      SdApiCreateResult *result = sd_api_parse_create_response (status, retry_after, now, body, &error);

      if (result == NULL)
        g_task_return_error (task, create_error_from_codec (error));
      else
        g_task_return_pointer (task, result, (GDestroyNotify) sd_api_create_result_free);
    }
  else
    {
      SdApiQueryResult *result = sd_api_parse_query_response (status, retry_after, now, body, &error);

      if (result == NULL)
        g_task_return_error (task, error);
      else
        g_task_return_pointer (task, result, (GDestroyNotify) sd_api_query_result_free);
    }
}

static GError *
too_large_error (Call *call)
{
  g_autofree char *message =
    g_strdup_printf (_("The service sent an answer larger than %u KiB, more than any API answer should be; it was not read."),
                     (guint) (SD_API_MAX_BODY / 1024));
  GError *error = sd_api_error_new_full (SD_API_ERROR_TOO_LARGE,
                                         soup_message_get_status (call->message), -1,
                                         NULL, NULL, message);

  return call->kind == CALL_CREATE ? create_error_from_codec (error) : error;
}

static void read_next_chunk (GTask *task);

static void
on_chunk_read_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Call *call = g_task_get_task_data (task);
  g_autoptr(GBytes) chunk = NULL;
  GError *error = NULL;

  chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  if (chunk == NULL)
    {
      call_fail (task, error);
      return;
    }

  if (g_bytes_get_size (chunk) == 0)
    {
      call_complete (task);
      return;
    }

  if (call->body->len + g_bytes_get_size (chunk) > SD_API_MAX_BODY)
    {
      g_task_return_error (task, too_large_error (call));
      return;
    }

  g_byte_array_append (call->body,
                       g_bytes_get_data (chunk, NULL),
                       g_bytes_get_size (chunk));
  read_next_chunk (g_steal_pointer (&task));
}

static void
read_next_chunk (GTask *task)
{
  Call *call = g_task_get_task_data (task);

  g_input_stream_read_bytes_async (call->stream,
                                   READ_CHUNK_SIZE,
                                   G_PRIORITY_DEFAULT,
                                   call->cancellable,
                                   on_chunk_read_cb,
                                   task);
}

static GError *
redirect_error (Call *call)
{
  guint status = soup_message_get_status (call->message);
  g_autofree char *message =
    g_strdup_printf (_("The service answered with a redirect to another address (HTTP %u). It was not followed, so that the API token stays with the API host; check the service address."),
                     status);

  return sd_api_error_new_full (SD_API_ERROR_HTTP_STATUS, status, -1, NULL, NULL, message);
}

static void
on_sent_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Call *call = g_task_get_task_data (task);
  SoupMessageHeaders *headers;
  GError *error = NULL;

  call->stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (call->stream == NULL)
    {
      call_fail (task, error);
      return;
    }

  if (SOUP_STATUS_IS_REDIRECTION (soup_message_get_status (call->message)))
    {
      g_task_return_error (task, redirect_error (call));
      return;
    }

  headers = soup_message_get_response_headers (call->message);
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      soup_message_headers_get_content_length (headers) > SD_API_MAX_BODY)
    {
      g_task_return_error (task, too_large_error (call));
      return;
    }

  call->body = g_byte_array_new ();
  read_next_chunk (g_steal_pointer (&task));
}

static SoupMessage *
new_api_message (SdClient    *self,
                 const char  *method,
                 const char  *path,
                 GError     **error)
{
  g_autofree char *url = NULL;
  g_autofree char *authorization = NULL;
  SoupMessage *message;
  SoupMessageHeaders *headers;

  if (!sd_client_check_base_url (self->base_url, error))
    return NULL;

  if (self->token == NULL)
    {
      g_propagate_error (error,
                         sd_api_error_new_full (SD_API_ERROR_UNAUTHORIZED, 0, -1, NULL, NULL,
                                                _("No API token is set. Add your Seedance API token and try again.")));
      return NULL;
    }

  url = g_strconcat (self->base_url, path, NULL);
  message = soup_message_new (method, url);
  if (message == NULL)
    {
      g_propagate_error (error,
                         sd_api_error_new_full (SD_API_ERROR_INVALID_REQUEST, 0, -1, NULL, NULL,
                                                _("The service address must be an absolute http or https URL such as https://www.jimmyai.cn.")));
      return NULL;
    }

  /* The token must never follow a redirect, to this host or another. */
  soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT);

  headers = soup_message_get_request_headers (message);
  authorization = g_strconcat ("Bearer ", self->token, NULL);
  soup_message_headers_replace (headers, "Authorization", authorization);
  soup_message_headers_replace (headers, "Accept", "application/json");
  memset (authorization, 0, strlen (authorization));

  return message;
}

static void
call_start (SdClient    *self,
            GTask       *task,
            CallKind     kind,
            SoupMessage *message)
{
  Call *call = g_new0 (Call, 1);
  GCancellable *caller_cancellable = g_task_get_cancellable (task);

  call->kind = kind;
  call->message = message;
  call->cancellable = g_cancellable_new ();
  call->timeout_ms = self->request_timeout_ms;
  g_task_set_task_data (task, call, (GDestroyNotify) call_free);

  g_signal_connect (message, "wrote-headers", G_CALLBACK (on_wrote_headers_cb), call);

  if (caller_cancellable != NULL)
    {
      call->caller_cancellable = g_object_ref (caller_cancellable);
      call->caller_handler = g_cancellable_connect (caller_cancellable,
                                                    G_CALLBACK (on_caller_cancelled_cb),
                                                    g_object_ref (call->cancellable),
                                                    g_object_unref);
    }

  if (call->timeout_ms > 0)
    {
      call->timeout_source = g_timeout_source_new (call->timeout_ms);
      g_source_set_callback (call->timeout_source, on_call_timeout_cb, call, NULL);
      g_source_set_static_name (call->timeout_source, "[sd-client] call timeout");
      g_source_attach (call->timeout_source, g_task_get_context (task));
    }

  soup_session_send_async (self->session,
                           message,
                           G_PRIORITY_DEFAULT,
                           call->cancellable,
                           on_sent_cb,
                           task);
}

void
sd_client_create_async (SdClient            *self,
                        SdRequest           *request,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GBytes) body = NULL;
  SoupMessage *message;
  GError *error = NULL;

  g_return_if_fail (SD_IS_CLIENT (self));
  g_return_if_fail (SD_IS_REQUEST (request));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sd_client_create_async);
  /* Once sent, a cancelled create reports OUTCOME_UNKNOWN, not CANCELLED. */
  g_task_set_check_cancellable (task, FALSE);

  if (g_task_return_error_if_cancelled (task))
    return;

  message = new_api_message (self, SOUP_METHOD_POST, SD_API_CREATE_PATH, &error);
  if (message == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  body = sd_api_encode_create (request);
  soup_message_set_request_body_from_bytes (message, "application/json", body);

  call_start (self, g_steal_pointer (&task), CALL_CREATE, message);
}

SdApiCreateResult *
sd_client_create_finish (SdClient      *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (SD_IS_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sd_client_create_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Escaping keeps '/' out of the id; "." and ".." would still be read as
 * path segments by some servers and proxies, so they are refused. */
static char *
query_path_for_task (const char  *task_id,
                     GError     **error)
{
  g_autofree char *escaped = NULL;

  if (*task_id == '\0' || g_str_equal (task_id, ".") || g_str_equal (task_id, ".."))
    {
      g_propagate_error (error,
                         sd_api_error_new_full (SD_API_ERROR_INVALID_REQUEST, 0, -1, NULL, NULL,
                                                _("This task has no valid task id, so its state can't be asked for.")));
      return NULL;
    }

  escaped = g_uri_escape_string (task_id, NULL, FALSE);
  return g_strconcat (SD_API_QUERY_PATH, escaped, NULL);
}

void
sd_client_query_async (SdClient            *self,
                       const char          *task_id,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *path = NULL;
  SoupMessage *message;
  GError *error = NULL;

  g_return_if_fail (SD_IS_CLIENT (self));
  g_return_if_fail (task_id != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sd_client_query_async);

  if (g_task_return_error_if_cancelled (task))
    return;

  path = query_path_for_task (task_id, &error);
  message = path != NULL ? new_api_message (self, SOUP_METHOD_GET, path, &error) : NULL;
  if (message == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  call_start (self, g_steal_pointer (&task), CALL_QUERY, message);
}

SdApiQueryResult *
sd_client_query_finish (SdClient      *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (SD_IS_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sd_client_query_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

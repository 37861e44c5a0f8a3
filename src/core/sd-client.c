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
  char        *base_url;       /* normalised; NULL when refused */
  GError      *base_url_error; /* why the configured address is refused */
  char        *token;
  GError      *token_error;    /* why the given token is refused */
  guint        request_timeout_ms;
};

G_DEFINE_FINAL_TYPE (SdClient, sd_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_BASE_URL,
  PROP_BASE_URL_ERROR,
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

/* Don't leave a token lying in freed memory. */
static void
wipe_token (SdClient *self)
{
  if (self->token != NULL)
    memset (self->token, 0, strlen (self->token));
  g_clear_pointer (&self->token, g_free);
}

static void
sd_client_finalize (GObject *object)
{
  SdClient *self = SD_CLIENT (object);

  g_clear_object (&self->session);
  g_clear_pointer (&self->base_url, g_free);
  g_clear_error (&self->base_url_error);
  wipe_token (self);
  g_clear_error (&self->token_error);

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
    case PROP_BASE_URL_ERROR:
      g_value_set_string (value, self->base_url_error != NULL ? self->base_url_error->message : NULL);
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

  properties[PROP_BASE_URL_ERROR] =
    g_param_spec_string ("base-url-error", NULL, NULL,
                         NULL,
                         G_PARAM_READABLE |
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

/**
 * sd_client_set_base_url:
 * @base_url: (nullable): the API's base URL; %NULL for the default
 *
 * Uses what sd_client_normalize_base_url() makes of @base_url. An address it
 * refuses is not replaced by another one: the client then has no base URL,
 * "base-url-error" says why, and every call fails with that error before
 * anything is sent.
 */
void
sd_client_set_base_url (SdClient   *self,
                        const char *base_url)
{
  g_autofree char *normalized = NULL;
  g_autoptr(GError) error = NULL;
  gboolean had_error;

  g_return_if_fail (SD_IS_CLIENT (self));

  normalized = sd_client_normalize_base_url (base_url != NULL ? base_url : SD_CLIENT_DEFAULT_BASE_URL,
                                             &error);
  if (normalized == NULL)
    g_debug ("Refusing the API address: %s", error->message);

  /* Both change together: listeners see the address and its refusal agree. */
  g_object_freeze_notify (G_OBJECT (self));
  had_error = self->base_url_error != NULL;
  g_clear_error (&self->base_url_error);
  self->base_url_error = g_steal_pointer (&error);
  if (had_error || self->base_url_error != NULL)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BASE_URL_ERROR]);

  if (g_strcmp0 (self->base_url, normalized) != 0)
    {
      g_free (self->base_url);
      self->base_url = g_steal_pointer (&normalized);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BASE_URL]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * sd_client_get_base_url_error:
 *
 * Returns: (transfer none) (nullable): why the configured base URL is
 *   refused, or %NULL when it is in use
 */
const GError *
sd_client_get_base_url_error (SdClient *self)
{
  g_return_val_if_fail (SD_IS_CLIENT (self), NULL);

  return self->base_url_error;
}

/**
 * sd_client_get_base_url_is_loopback:
 *
 * Returns: whether the base URL in use reaches this computer (see
 *   sd_host_is_loopback()); such an address needs no network
 */
gboolean
sd_client_get_base_url_is_loopback (SdClient *self)
{
  g_autoptr(GUri) uri = NULL;

  g_return_val_if_fail (SD_IS_CLIENT (self), FALSE);

  if (self->base_url != NULL)
    uri = g_uri_parse (self->base_url, SOUP_HTTP_URI_FLAGS, NULL);
  return uri != NULL && sd_host_is_loopback (g_uri_get_host (uri));
}

/**
 * sd_client_set_token:
 * @token: (nullable): the API token, or %NULL for none
 *
 * Uses what sd_client_normalize_token() makes of @token. A token it refuses
 * is not used: every call fails with that error before anything is sent.
 */
void
sd_client_set_token (SdClient   *self,
                     const char *token)
{
  g_autofree char *normalized = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (SD_IS_CLIENT (self));

  if (token != NULL && *token != '\0')
    normalized = sd_client_normalize_token (token, &error);

  g_clear_error (&self->token_error);
  self->token_error = g_steal_pointer (&error);
  if (g_strcmp0 (self->token, normalized) != 0)
    {
      wipe_token (self);
      self->token = g_steal_pointer (&normalized);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOKEN]);
    }
  if (normalized != NULL)
    memset (normalized, 0, strlen (normalized));
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

/* The first 12 bytes of an IPv4-mapped IPv6 address (::ffff:a.b.c.d). */
static const guint8 v4_mapped_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

/**
 * sd_host_is_loopback:
 * @host: a host as GUri gives it (IPv6 literals without brackets)
 *
 * Decides by what the address is, never by asking a resolver: an IPv4
 * literal in 127.0.0.0/8, ::1, an IPv4-mapped ::ffff:127.x.y.z, or the name
 * “localhost” (which GLib's resolver answers itself). Any other name is not
 * loopback, even one that resolves to 127.0.0.1 today: what a name
 * resolves to can change between the check and the connection.
 *
 * Returns: whether a connection to @host stays on this computer
 */
gboolean
sd_host_is_loopback (const char *host)
{
  g_autoptr(GInetAddress) address = NULL;
  const guint8 *bytes;

  g_return_val_if_fail (host != NULL, FALSE);

  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;

  address = g_inet_address_new_from_string (host);
  if (address == NULL)
    return FALSE;
  if (g_inet_address_get_is_loopback (address))
    return TRUE;
  if (g_inet_address_get_family (address) != G_SOCKET_FAMILY_IPV6)
    return FALSE;

  bytes = g_inet_address_to_bytes (address);
  return memcmp (bytes, v4_mapped_prefix, sizeof v4_mapped_prefix) == 0 && bytes[12] == 127;
}

static gboolean
is_refused_url_char (guchar c)
{
  return c <= 0x20 || c == 0x7f;
}

static void
append_visible (GString  *out,
                gunichar  c)
{
  gboolean bidi = c == 0x061c || c == 0x200e || c == 0x200f ||
                  (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);

  if (c < 0x20 || c == 0x7f)
    g_string_append_printf (out, "\\x%02x", c);
  else if ((c >= 0x80 && c <= 0x9f) || bidi)
    g_string_append_printf (out, "\\u%04x", c);
  else
    g_string_append_unichar (out, c);
}

/* @raw as a message may show it: without anything up to its last '@' (a
 * password may hold '/', '?' or '#', so GUri's idea of the user info is not
 * enough), controls and bidi overrides in a visible form, not too long. */
static char *
address_for_message (const char *raw)
{
  const char *authority = strstr (raw, "://");
  const char *at = strrchr (raw, '@');
  g_autofree char *shown = NULL;
  g_autofree char *valid = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  guint n_chars = 0;

  authority = authority != NULL ? authority + 3 : raw;
  if (at != NULL && at >= authority)
    shown = g_strdup_printf ("%.*s%s", (int) (authority - raw), raw, at + 1);
  else if (at != NULL)
    shown = g_strdup (at + 1);
  else
    shown = g_strdup (raw);

  valid = g_utf8_make_valid (shown, -1);
  for (const char *p = valid; *p != '\0' && n_chars < 120; p = g_utf8_next_char (p), n_chars++)
    append_visible (out, g_utf8_get_char (p));
  if (g_utf8_strlen (valid, -1) > 120)
    g_string_append (out, "…");
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static gboolean
refuse_address (GError     **error,
                SdApiError   code,
                const char  *raw,
                const char  *rule)
{
  g_autofree char *shown = address_for_message (raw);
  g_autofree char *message = NULL;

  /* Translators: the first %s is an address, the second why it is refused. */
  message = g_strdup_printf (_("The API address “%s” cannot be used: %s"), shown, rule);
  g_propagate_error (error, sd_api_error_new_full (code, 0, -1, NULL, NULL, message));
  return FALSE;
}

static gboolean
check_address_characters (const char  *raw,
                          GError     **error)
{
  gsize len = strlen (raw);

  if (len == 0)
    return refuse_address (error, SD_API_ERROR_INVALID_REQUEST, raw,
                           _("it is empty. Write it like https://www.jimmyai.cn."));
  if (g_ascii_isspace (raw[0]) || g_ascii_isspace (raw[len - 1]))
    return refuse_address (error, SD_API_ERROR_INVALID_REQUEST, raw,
                           _("it begins or ends with a space or a line break. Remove it."));
  for (gsize i = 0; i < len; i++)
    if (is_refused_url_char (raw[i]))
      return refuse_address (error, SD_API_ERROR_INVALID_REQUEST, raw,
                             _("it contains a space or a control character (shown as \\x…). Remove it."));
  return TRUE;
}

static gboolean
check_address_parts (const char  *raw,
                     GUri        *uri,
                     GError     **error)
{
  const char *scheme = g_uri_get_scheme (uri);
  const char *host = g_uri_get_host (uri);

  /* User info goes first: no other message may show it. */
  if (g_uri_get_userinfo (uri) != NULL)
    return refuse_address (error, SD_API_ERROR_INVALID_REQUEST, raw,
                           _("it contains a user name or password (not shown here). Remove it; the API token is set in Preferences or SEEDANCE_API_TOKEN."));
  if (g_strcmp0 (scheme, "http") != 0 && g_strcmp0 (scheme, "https") != 0)
    return refuse_address (error, SD_API_ERROR_INVALID_REQUEST, raw,
                           _("it must start with https:// (or http:// to this computer), like https://www.jimmyai.cn."));
  if (host == NULL || *host == '\0')
    return refuse_address (error, SD_API_ERROR_INVALID_REQUEST, raw,
                           _("it has no host name. Write it like https://www.jimmyai.cn."));
  if (g_uri_get_query (uri) != NULL)
    return refuse_address (error, SD_API_ERROR_INVALID_REQUEST, raw,
                           _("it has a query (a part after “?”). A base address ends with the host name or a path."));
  if (g_uri_get_fragment (uri) != NULL)
    return refuse_address (error, SD_API_ERROR_INVALID_REQUEST, raw,
                           _("it has a fragment (a part after “#”). A base address ends with the host name or a path."));
  if (g_str_equal (scheme, "http") && !sd_host_is_loopback (host))
    return refuse_address (error, SD_API_ERROR_INSECURE, raw,
                           _("it uses plain http to another computer, so the API token would cross the network unencrypted. Use https://, or http:// only to this computer (127.0.0.1, [::1] or localhost)."));
  return TRUE;
}

/**
 * sd_client_normalize_base_url:
 * @raw: a base URL as the user wrote it
 *
 * The one place that decides whether a base URL may carry the token, and
 * what the client then uses: parsed once with GUri, scheme and host in lower
 * case, no trailing slash. Refused, never repaired: anything but http(s), no
 * host, user info, a query, a fragment, spaces or control characters (even
 * at the ends), and plain http to a host that is not loopback by address
 * (see sd_host_is_loopback()). Plain http to another computer is
 * %SD_API_ERROR_INSECURE, the rest %SD_API_ERROR_INVALID_REQUEST; the
 * message shows the address without its user info.
 *
 * Returns: (transfer full) (nullable): the base URL to use, or %NULL with @error
 */
char *
sd_client_normalize_base_url (const char  *raw,
                              GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autofree char *host = NULL;
  g_autofree char *path = NULL;
  gsize len;
  int port;

  g_return_val_if_fail (raw != NULL, NULL);

  if (!check_address_characters (raw, error))
    return NULL;

  uri = g_uri_parse (raw, SOUP_HTTP_URI_FLAGS, NULL);
  if (uri == NULL)
    {
      refuse_address (error, SD_API_ERROR_INVALID_REQUEST, raw,
                      _("it is not an absolute URL. Write it like https://www.jimmyai.cn."));
      return NULL;
    }
  if (!check_address_parts (raw, uri, error))
    return NULL;

  /* Paths are appended to it: "https://host/" and "https://host" are one. */
  host = g_ascii_strdown (g_uri_get_host (uri), -1);
  path = g_strdup (g_uri_get_path (uri));
  len = strlen (path);
  while (len > 0 && path[len - 1] == '/')
    path[--len] = '\0';

  /* Scheme normalisation reports the default port even when none was given. */
  port = g_uri_get_port (uri);
  if ((g_str_equal (g_uri_get_scheme (uri), "https") && port == 443) ||
      (g_str_equal (g_uri_get_scheme (uri), "http") && port == 80))
    port = -1;

  return g_uri_join (G_URI_FLAGS_ENCODED_PATH, g_uri_get_scheme (uri), NULL,
                     host, port, path, NULL, NULL);
}

gboolean
sd_client_check_base_url (const char  *url,
                          GError     **error)
{
  g_autofree char *normalized = NULL;

  if (url == NULL)
    url = "";
  normalized = sd_client_normalize_base_url (url, error);
  return normalized != NULL;
}

/**
 * sd_client_normalize_token:
 * @raw: a token as read from the environment, a file or the keyring
 *
 * Drops one line ending ("\n", "\r\n" or "\r": a token file saved by an
 * editor); any other character outside printable ASCII is refused, and so
 * is an empty token, so that nothing malformed ever reaches a header. The
 * message never shows the token.
 *
 * Returns: (transfer full) (nullable): the token to send, or %NULL with
 *   %SD_API_ERROR_UNAUTHORIZED
 */
char *
sd_client_normalize_token (const char  *raw,
                           GError     **error)
{
  gsize len;

  g_return_val_if_fail (raw != NULL, NULL);

  len = strlen (raw);
  if (len >= 2 && raw[len - 2] == '\r' && raw[len - 1] == '\n')
    len -= 2;
  else if (len >= 1 && (raw[len - 1] == '\n' || raw[len - 1] == '\r'))
    len -= 1;

  if (len == 0)
    {
      g_propagate_error (error,
                         sd_api_error_new_full (SD_API_ERROR_UNAUTHORIZED, 0, -1, NULL, NULL,
                                                _("The API token is empty. Nothing was sent; give the token again.")));
      return NULL;
    }
  for (gsize i = 0; i < len; i++)
    {
      guchar c = raw[i];
      g_autofree char *message = NULL;

      if (c >= 0x20 && c < 0x7f)
        continue;
      message = g_strdup_printf (_("The API token contains a line break, tab or other character that is not printable ASCII (character %zu of %zu). Nothing was sent; copy the token again, on one line."),
                                 i + 1, len);
      g_propagate_error (error,
                         sd_api_error_new_full (SD_API_ERROR_UNAUTHORIZED, 0, -1, NULL, NULL, message));
      return NULL;
    }
  return g_strndup (raw, len);
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

  /* A refused address or token is never replaced by another: nothing is sent. */
  if (self->base_url_error != NULL || self->base_url == NULL)
    {
      g_propagate_error (error, self->base_url_error != NULL ? g_error_copy (self->base_url_error)
                                : sd_api_error_new_full (SD_API_ERROR_INVALID_REQUEST, 0, -1, NULL, NULL,
                                                         _("No API address is set.")));
      return NULL;
    }
  if (self->token_error != NULL)
    {
      g_propagate_error (error, g_error_copy (self->token_error));
      return NULL;
    }

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

SoupMessage *
sd_client_new_api_message (SdClient    *self,
                           const char  *method,
                           const char  *path,
                           GError     **error)
{
  g_return_val_if_fail (SD_IS_CLIENT (self), NULL);

  return new_api_message (self, method, path, error);
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

/* sd-balance.c: asking the provider what a token may still spend
 *
 * The balance endpoints are not in the API the app is built on, only in the
 * provider's wider reference: a server may not have them, and that is not
 * an error.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-balance"

#include "config.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>
#include <math.h>
#include <string.h>

#include "sd-api-private.h"
#include "sd-balance.h"

static const char * const balance_paths[] = {
  SD_API_KEY_BALANCE_PATH,
  SD_API_USER_BALANCE_PATH,
};

typedef struct
{
  char        *token;      /* NULL: the client's own */
  guint        path_index;
  guint        n_paths;
  SoupMessage *message;
  guint8      *buffer;
} BalanceCall;

static void
balance_call_free (BalanceCall *call)
{
  if (call->token != NULL)
    memset (call->token, 0, strlen (call->token));
  g_free (call->token);
  g_clear_object (&call->message);
  g_free (call->buffer);
  g_free (call);
}

static gboolean
get_number (JsonObject *object,
            const char *name,
            double     *value)
{
  JsonNode *node = json_object_get_member (object, name);
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  type = json_node_get_value_type (node);
  if (type != G_TYPE_INT64 && type != G_TYPE_DOUBLE)
    return FALSE;
  *value = json_node_get_double (node);
  return isfinite (*value);
}

/* data of either answer: the key's available_quota (and unlimited), else
 * the account's available. */
static SdBalance *
balance_from_data (JsonObject *data)
{
  SdBalance balance = { FALSE, 0 };
  JsonNode *unlimited = json_object_get_member (data, "unlimited");

  if (get_number (data, "available_quota", &balance.available))
    {
      balance.unlimited = unlimited != NULL && JSON_NODE_HOLDS_VALUE (unlimited) &&
                          json_node_get_value_type (unlimited) == G_TYPE_BOOLEAN &&
                          json_node_get_boolean (unlimited);
      return g_memdup2 (&balance, sizeof balance);
    }
  if (get_number (data, "available", &balance.available))
    return g_memdup2 (&balance, sizeof balance);
  return NULL;
}

/**
 * sd_api_parse_balance_response:
 *
 * Returns: (transfer full) (nullable): the balance; %NULL without an error
 *   when the answer says the endpoint is not there
 */
SdBalance *
sd_api_parse_balance_response (guint    http_status,
                               GBytes  *body,
                               GError **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonObject *data = NULL;
  SdBalance *balance;

  root = _sd_api_parse_envelope (http_status, NULL, 0, body, &data, &local_error);
  if (root == NULL)
    {
      if (http_status == SOUP_STATUS_NOT_FOUND || http_status == SOUP_STATUS_METHOD_NOT_ALLOWED ||
          SOUP_STATUS_IS_REDIRECTION (http_status) ||
          g_error_matches (local_error, SD_API_ERROR, SD_API_ERROR_MALFORMED) ||
          g_error_matches (local_error, SD_API_ERROR, SD_API_ERROR_TOO_LARGE))
        {
          g_debug ("No balance endpoint (HTTP %u): %s", http_status, local_error->message);
          return NULL;
        }
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  balance = balance_from_data (data);
  if (balance == NULL)
    g_debug ("A balance answer without its documented fields: no balance endpoint");
  return balance;
}

static void send_next (GTask *task);

static void
on_read_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BalanceCall *call = g_task_get_task_data (task);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  SdBalance *balance;
  gsize length = 0;

  if (!g_input_stream_read_all_finish (G_INPUT_STREAM (source), result, &length, &error))
    {
      g_autofree char *message = g_strdup_printf (_("Could not reach the Seedance service: %s."),
                                                  error->message);

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_error (task, sd_api_error_new_full (SD_API_ERROR_TRANSPORT, 0, -1,
                                                          NULL, NULL, message));
      return;
    }

  /* One byte more than any answer may be: a body that fills it is refused. */
  body = g_bytes_new (call->buffer, length);
  balance = sd_api_parse_balance_response (soup_message_get_status (call->message), body, &error);
  if (balance != NULL)
    g_task_return_pointer (task, balance, g_free);
  else if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else if (++call->path_index < call->n_paths)
    send_next (g_steal_pointer (&task));
  else
    g_task_return_pointer (task, NULL, NULL);
}

static void
on_sent_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BalanceCall *call = g_task_get_task_data (task);
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GError) error = NULL;

  stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (stream == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Could not reach the Seedance service: %s."),
                                                  error->message);

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_error (task, sd_api_error_new_full (SD_API_ERROR_TRANSPORT, 0, -1,
                                                          NULL, NULL, message));
      return;
    }

  g_clear_pointer (&call->buffer, g_free);
  call->buffer = g_malloc (SD_API_MAX_BODY + 1);
  g_input_stream_read_all_async (stream, call->buffer, SD_API_MAX_BODY + 1,
                                 G_PRIORITY_DEFAULT, g_task_get_cancellable (task),
                                 on_read_cb, g_object_ref (task));
}

static SoupMessage *
new_message (SdClient     *client,
             BalanceCall  *call,
             GError      **error)
{
  g_autofree char *url = NULL;
  g_autofree char *authorization = NULL;
  SoupMessage *message;
  SoupMessageHeaders *headers;

  if (call->token == NULL)
    message = sd_client_new_api_message (client, SOUP_METHOD_GET, balance_paths[call->path_index], error);
  else
    {
      url = g_strconcat (sd_client_get_base_url (client), balance_paths[call->path_index], NULL);
      message = soup_message_new (SOUP_METHOD_GET, url);
      if (message == NULL)
        {
          g_propagate_error (error, sd_api_error_new_full (SD_API_ERROR_INVALID_REQUEST, 0, -1, NULL, NULL,
                                                           _("The service address must be an absolute http or https URL such as https://www.jimmyai.cn.")));
          return NULL;
        }
      authorization = g_strconcat ("Bearer ", call->token, NULL);
      soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization",
                                    authorization);
      memset (authorization, 0, strlen (authorization));
    }
  if (message == NULL)
    return NULL;

  /* The token must never follow a redirect: a 3xx is read as no endpoint. */
  soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT);
  headers = soup_message_get_request_headers (message);
  soup_message_headers_replace (headers, "Accept", "application/json");
  return message;
}

static void
send_next (GTask *task)
{
  SdClient *client = g_task_get_source_object (task);
  BalanceCall *call = g_task_get_task_data (task);
  GError *error = NULL;

  g_clear_object (&call->message);
  call->message = new_message (client, call, &error);
  if (call->message == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  g_debug ("Asking %s", balance_paths[call->path_index]);
  soup_session_send_async (sd_client_get_session (client), call->message, G_PRIORITY_DEFAULT,
                           g_task_get_cancellable (task), on_sent_cb, task);
}

void
sd_client_get_balance_async (SdClient            *self,
                             const char          *token,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  const GError *address_error;
  BalanceCall *call;
  char *normalized;

  g_return_if_fail (SD_IS_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sd_client_get_balance_async);

  address_error = sd_client_get_base_url_error (self);
  if (address_error != NULL || sd_client_get_base_url (self) == NULL)
    {
      g_task_return_error (task, address_error != NULL ? g_error_copy (address_error)
                           : sd_api_error_new_full (SD_API_ERROR_INVALID_REQUEST, 0, -1, NULL, NULL,
                                                    _("No API address is set.")));
      return;
    }

  normalized = sd_client_normalize_token (token != NULL ? token : "", &error);
  if (normalized == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  call = g_new0 (BalanceCall, 1);
  call->token = normalized;
  call->n_paths = G_N_ELEMENTS (balance_paths);
  g_task_set_task_data (task, call, (GDestroyNotify) balance_call_free);
  send_next (g_steal_pointer (&task));
}

/**
 * sd_client_get_user_balance_async:
 * @self: a client
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: for @callback
 *
 * Asks the account's balance (the user balance endpoint only: what the
 * account may still spend, in coins) with the client's own token. Finish
 * with sd_client_get_balance_finish().
 */
void
sd_client_get_user_balance_async (SdClient            *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  BalanceCall *call;

  g_return_if_fail (SD_IS_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  /* One finish for both: the answer is the same. */
  g_task_set_source_tag (task, sd_client_get_balance_async);
  call = g_new0 (BalanceCall, 1);
  call->path_index = G_N_ELEMENTS (balance_paths) - 1;
  call->n_paths = G_N_ELEMENTS (balance_paths);
  g_assert (g_str_equal (balance_paths[call->path_index], SD_API_USER_BALANCE_PATH));
  g_task_set_task_data (task, call, (GDestroyNotify) balance_call_free);
  send_next (g_steal_pointer (&task));
}

/**
 * sd_balance_get_money:
 * @balance: a balance
 *
 * Returns: the available balance as an amount in %SD_CURRENCY_COIN, in
 *   millionths (rounded; capped far beyond any batch)
 */
SdMoney
sd_balance_get_money (const SdBalance *balance)
{
  double cap = (double) (G_MAXINT64 / 4);
  double amount = CLAMP (balance->available * (double) SD_MONEY_SCALE, -cap, cap);

  /* Rounded half away from zero, without libm. */
  return amount >= 0 ? (SdMoney) (amount + 0.5) : -(SdMoney) (-amount + 0.5);
}

/**
 * sd_balance_is_exceeded:
 * @balance: (nullable): a balance; %NULL: not known
 * @total: an estimate
 * @currency: the estimate's currency
 *
 * The one rule for the warning before a batch: only an estimate in the
 * provider's coin can be compared with a balance, and an unlimited token
 * is never exceeded.
 *
 * Returns: %TRUE when @total, in coins, is more than what is available
 */
gboolean
sd_balance_is_exceeded (const SdBalance *balance,
                        SdMoney          total,
                        const char      *currency)
{
  if (balance == NULL || balance->unlimited || g_strcmp0 (currency, SD_CURRENCY_COIN) != 0)
    return FALSE;
  return total > sd_balance_get_money (balance);
}

SdBalance *
sd_client_get_balance_finish (SdClient      *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (SD_IS_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sd_client_get_balance_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

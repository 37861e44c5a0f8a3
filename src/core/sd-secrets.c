/* sd-secrets.c: the API token in the user's keyring
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-secrets"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>
#include <libsecret/secret.h>

#include "sd-secrets.h"

struct _SdSecrets
{
  GObject     parent_instance;

  /* base URL → token, for tokens the keyring could not take */
  GHashTable *session_tokens;
};

G_DEFINE_FINAL_TYPE (SdSecrets, sd_secrets, G_TYPE_OBJECT)

#define BASE_URL_ATTRIBUTE "api-base-url"

static const SecretSchema *
get_schema (void)
{
  static const SecretSchema schema = {
    APP_ID, SECRET_SCHEMA_NONE,
    {
      { BASE_URL_ATTRIBUTE, SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };

  return &schema;
}

/* The keyring's own message (a D-Bus error) goes to the debug log: the
 * user is told what it means for the token, in one sentence. */
static char *
keyring_missing_notice (const GError *error)
{
  g_debug ("Keyring not available for storing: %s", error->message);
  return g_strdup (_("No keyring is available: the API token is kept for this "
                     "session only, and you will be asked for it again next time."));
}

static char *
keyring_unreadable_notice (const GError *error)
{
  g_debug ("Keyring not available for reading: %s", error->message);
  return g_strdup (_("No keyring is available, so no saved API token could be "
                     "read; a token you give now is kept for this session only."));
}

void
sd_secrets_free_token (char *token)
{
  if (token == NULL)
    return;
  explicit_bzero (token, strlen (token));
  g_free (token);
}

static void
sd_secrets_finalize (GObject *object)
{
  SdSecrets *self = SD_SECRETS (object);

  g_clear_pointer (&self->session_tokens, g_hash_table_unref);

  G_OBJECT_CLASS (sd_secrets_parent_class)->finalize (object);
}

static void
sd_secrets_class_init (SdSecretsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sd_secrets_finalize;
}

static void
sd_secrets_init (SdSecrets *self)
{
  self->session_tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                (GDestroyNotify) sd_secrets_free_token);
}

/**
 * sd_secrets_new:
 *
 * Returns: (transfer full): a new token store.
 */
SdSecrets *
sd_secrets_new (void)
{
  return g_object_new (SD_TYPE_SECRETS, NULL);
}

typedef struct
{
  char *base_url;
  char *token;
  char *notice;
} SecretsOp;

static void
secrets_op_free (SecretsOp *op)
{
  g_free (op->base_url);
  sd_secrets_free_token (op->token);
  g_free (op->notice);
  g_free (op);
}

static SecretsOp *
secrets_op_new (const char *base_url,
                const char *token)
{
  SecretsOp *op = g_new0 (SecretsOp, 1);

  op->base_url = g_strdup (base_url);
  op->token = g_strdup (token);
  return op;
}

static void
on_lookup_finished_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SecretsOp *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  char *token;

  token = secret_password_lookup_finish (result, &error);
  if (error != NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      op->notice = keyring_unreadable_notice (error);
    }
  else if (token != NULL)
    {
      op->token = g_strdup (token);
      secret_password_free (token);
    }

  g_task_return_boolean (task, TRUE);
}

void
sd_secrets_lookup_async (SdSecrets           *self,
                         const char          *base_url,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  const char *session_token;

  g_return_if_fail (SD_IS_SECRETS (self));
  g_return_if_fail (base_url != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sd_secrets_lookup_async);

  session_token = g_hash_table_lookup (self->session_tokens, base_url);
  g_task_set_task_data (task, secrets_op_new (base_url, session_token),
                        (GDestroyNotify) secrets_op_free);
  if (session_token != NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  secret_password_lookup (get_schema (), cancellable,
                          on_lookup_finished_cb, g_steal_pointer (&task),
                          BASE_URL_ATTRIBUTE, base_url,
                          NULL);
}

char *
sd_secrets_lookup_finish (SdSecrets     *self,
                          GAsyncResult  *result,
                          char         **notice,
                          GError       **error)
{
  SecretsOp *op;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;

  op = g_task_get_task_data (G_TASK (result));
  if (notice != NULL)
    *notice = g_steal_pointer (&op->notice);
  return g_steal_pointer (&op->token);
}

static void
on_store_finished_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SdSecrets *self = g_task_get_source_object (task);
  SecretsOp *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (secret_password_store_finish (result, &error))
    {
      g_hash_table_remove (self->session_tokens, op->base_url);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  else
    {
      op->notice = keyring_missing_notice (error);
      g_hash_table_replace (self->session_tokens, g_strdup (op->base_url),
                            g_strdup (op->token));
    }

  g_task_return_boolean (task, TRUE);
}

void
sd_secrets_store_async (SdSecrets           *self,
                        const char          *base_url,
                        const char          *token,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *label = NULL;

  g_return_if_fail (SD_IS_SECRETS (self));
  g_return_if_fail (base_url != NULL);
  g_return_if_fail (token != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sd_secrets_store_async);
  g_task_set_task_data (task, secrets_op_new (base_url, token),
                        (GDestroyNotify) secrets_op_free);

  if (g_str_has_prefix (base_url, SD_SECRETS_UPLOAD_SERVICE_PREFIX))
    /* Translators: the label of a secret in the keyring; %s is a URL. */
    label = g_strdup_printf (_("Upload service secret for %s"),
                             base_url + strlen (SD_SECRETS_UPLOAD_SERVICE_PREFIX));
  else
    /* Translators: the label of the token in the keyring; %s is a URL. */
    label = g_strdup_printf (_("Seedance API token for %s"), base_url);
  secret_password_store (get_schema (), SECRET_COLLECTION_DEFAULT, label, token,
                         cancellable, on_store_finished_cb, g_steal_pointer (&task),
                         BASE_URL_ATTRIBUTE, base_url,
                         NULL);
}

gboolean
sd_secrets_store_finish (SdSecrets     *self,
                         GAsyncResult  *result,
                         char         **notice,
                         GError       **error)
{
  SecretsOp *op;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;

  op = g_task_get_task_data (G_TASK (result));
  if (notice != NULL)
    *notice = g_steal_pointer (&op->notice);
  return TRUE;
}

static void
on_clear_finished_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  /* Nothing stored, or no keyring at all: either way no token is left. */
  secret_password_clear_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

void
sd_secrets_clear_async (SdSecrets           *self,
                        const char          *base_url,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SD_IS_SECRETS (self));
  g_return_if_fail (base_url != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sd_secrets_clear_async);
  g_hash_table_remove (self->session_tokens, base_url);
  secret_password_clear (get_schema (), cancellable,
                         on_clear_finished_cb, g_steal_pointer (&task),
                         BASE_URL_ATTRIBUTE, base_url,
                         NULL);
}

gboolean
sd_secrets_clear_finish (SdSecrets     *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

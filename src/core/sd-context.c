/* sd-context.c: the services container handed to the GUI and the CLI
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-context"

#include "config.h"

#include <glib/gi18n.h>

#include "sd-catalog.h"
#include "sd-client.h"
#include "sd-context.h"
#include "sd-secrets.h"
#include "sd-service.h"
#include "sd-simulator.h"
#include "sd-store.h"

#define DEMO_HISTORY "demo-history.db"

struct _SdContext
{
  GObject      parent_instance;

  GSettings   *settings;
  SdCatalog   *catalog;
  SdClient    *client;
  SdStore     *store;
  SdSecrets   *secrets;
  SdService   *service;
  SdSimulator *simulator;

  GPtrArray   *notices;  /* NULL-terminated array of sentences */
  char        *keyring_notice; /* one of notices; moot in demo mode */
  gboolean     demo;
};

G_DEFINE_FINAL_TYPE (SdContext, sd_context, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_DEMO,
  PROP_HAS_TOKEN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
add_notice (SdContext  *self,
            const char *notice)
{
  /* The last slot is the NULL terminator. */
  g_ptr_array_insert (self->notices, self->notices->len - 1, g_strdup (notice));
}

static GSettings *
settings_new (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, SCHEMA_ID, TRUE);
  if (schema == NULL)
    {
      g_debug ("The settings schema %s is not installed; using the defaults", SCHEMA_ID);
      return NULL;
    }
  return g_settings_new_full (schema, NULL, NULL);
}

/* SEEDANCE_API_BASE, else the setting; an unusable address is replaced by
 * the default one, and the user is told why. */
static char *
choose_base_url (SdContext *self)
{
  const char *env = g_getenv ("SEEDANCE_API_BASE");
  g_autofree char *url = NULL;
  g_autoptr(GError) error = NULL;

  if (env != NULL && env[0] != '\0')
    url = g_strdup (env);
  else if (self->settings != NULL)
    url = g_settings_get_string (self->settings, "api-base-url");

  if (url == NULL || url[0] == '\0')
    return g_strdup (SD_CLIENT_DEFAULT_BASE_URL);

  if (!sd_client_check_base_url (url, &error))
    {
      g_autofree char *notice = NULL;

      /* Translators: the first %s is an address, the second says what is wrong with it. */
      notice = g_strdup_printf (_("The API address “%s” cannot be used: %s The default "
                                  "address %s is used instead."),
                                url, error->message, SD_CLIENT_DEFAULT_BASE_URL);
      add_notice (self, notice);
      return g_strdup (SD_CLIENT_DEFAULT_BASE_URL);
    }
  return g_steal_pointer (&url);
}

static char *
store_path (gboolean demo)
{
  g_autofree char *path = sd_store_default_path ();
  g_autofree char *dir = NULL;

  if (!demo)
    return g_steal_pointer (&path);
  dir = g_path_get_dirname (path);
  return g_build_filename (dir, DEMO_HISTORY, NULL);
}

static SdStore *
open_store (SdContext  *self,
            gboolean    demo,
            GError    **error)
{
  g_autofree char *path = store_path (demo);
  g_autofree char *moved_aside = NULL;
  SdStore *store;

  store = sd_store_open (path, &moved_aside, error);
  if (moved_aside != NULL)
    {
      g_autofree char *notice = NULL;

      notice = g_strdup_printf (_("The history could not be read and a new one was "
                                  "started. The old file was kept as “%s”."),
                                moved_aside);
      add_notice (self, notice);
    }
  return store;
}

static void
load_catalog (SdContext *self)
{
  g_autofree char *warning = NULL;

  self->catalog = sd_catalog_new_with_overrides (&warning);
  if (warning != NULL)
    add_notice (self, warning);
}

static gboolean
start_simulator (SdContext  *self,
                 GError    **error)
{
  self->simulator = sd_simulator_new (self->catalog, error);
  if (self->simulator == NULL)
    return FALSE;

  sd_client_set_base_url (self->client, sd_simulator_get_base_url (self->simulator));
  sd_client_set_token (self->client, sd_simulator_get_token (self->simulator));
  return TRUE;
}

/* The simulator is on loopback: whatever the network monitor says, it answers. */
static void
set_service_demo (SdService *service)
{
  sd_service_set_network_monitor (service, NULL);
  sd_service_set_online (service, TRUE);
}

static gboolean
context_setup (SdContext  *self,
               GError    **error)
{
  g_autofree char *base_url = NULL;

  self->settings = settings_new ();
  load_catalog (self);
  base_url = choose_base_url (self);
  self->client = sd_client_new (base_url, NULL);
  self->secrets = sd_secrets_new ();

  self->store = open_store (self, self->demo, error);
  if (self->store == NULL)
    return FALSE;
  if (self->demo && !start_simulator (self, error))
    return FALSE;

  self->service = sd_service_new (self->client, self->store, self->catalog, self->settings);
  if (self->demo)
    set_service_demo (self->service);
  return TRUE;
}

static void
sd_context_dispose (GObject *object)
{
  SdContext *self = SD_CONTEXT (object);

  g_clear_object (&self->service);
  g_clear_object (&self->simulator);
  g_clear_object (&self->store);
  g_clear_object (&self->client);
  g_clear_object (&self->secrets);
  g_clear_object (&self->catalog);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (sd_context_parent_class)->dispose (object);
}

static void
sd_context_finalize (GObject *object)
{
  SdContext *self = SD_CONTEXT (object);

  g_clear_pointer (&self->notices, g_ptr_array_unref);
  g_clear_pointer (&self->keyring_notice, g_free);

  G_OBJECT_CLASS (sd_context_parent_class)->finalize (object);
}

static void
sd_context_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  SdContext *self = SD_CONTEXT (object);

  switch (prop_id)
    {
    case PROP_DEMO:
      g_value_set_boolean (value, self->demo);
      break;
    case PROP_HAS_TOKEN:
      g_value_set_boolean (value, sd_context_get_has_token (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_context_class_init (SdContextClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sd_context_dispose;
  object_class->finalize = sd_context_finalize;
  object_class->get_property = sd_context_get_property;

  properties[PROP_DEMO] =
    g_param_spec_boolean ("demo", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HAS_TOKEN] =
    g_param_spec_boolean ("has-token", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sd_context_init (SdContext *self)
{
  self->notices = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->notices, NULL);
}

/**
 * sd_context_new:
 * @demo: whether to run against the built-in simulator
 *
 * Returns: (transfer full) (nullable): a context, or %NULL with @error when
 *   the history cannot be opened or the simulator cannot start
 */
SdContext *
sd_context_new (gboolean   demo,
                GError   **error)
{
  g_autoptr(SdContext) self = g_object_new (SD_TYPE_CONTEXT, NULL);

  self->demo = !!demo;
  if (!context_setup (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

gboolean
sd_context_get_demo (SdContext *self)
{
  g_return_val_if_fail (SD_IS_CONTEXT (self), FALSE);

  return self->demo;
}

gboolean
sd_context_get_has_token (SdContext *self)
{
  g_return_val_if_fail (SD_IS_CONTEXT (self), FALSE);

  return self->demo || sd_client_has_token (self->client);
}

/**
 * sd_context_get_settings:
 *
 * Returns: (transfer none) (nullable): the settings, %NULL when the schema
 *   is not installed
 */
GSettings *
sd_context_get_settings (SdContext *self)
{
  g_return_val_if_fail (SD_IS_CONTEXT (self), NULL);

  return self->settings;
}

SdCatalog *
sd_context_get_catalog (SdContext *self)
{
  g_return_val_if_fail (SD_IS_CONTEXT (self), NULL);

  return self->catalog;
}

SdClient *
sd_context_get_client (SdContext *self)
{
  g_return_val_if_fail (SD_IS_CONTEXT (self), NULL);

  return self->client;
}

SdStore *
sd_context_get_store (SdContext *self)
{
  g_return_val_if_fail (SD_IS_CONTEXT (self), NULL);

  return self->store;
}

SdService *
sd_context_get_service (SdContext *self)
{
  g_return_val_if_fail (SD_IS_CONTEXT (self), NULL);

  return self->service;
}

SdSecrets *
sd_context_get_secrets (SdContext *self)
{
  g_return_val_if_fail (SD_IS_CONTEXT (self), NULL);

  return self->secrets;
}

SdSimulator *
sd_context_get_simulator (SdContext *self)
{
  g_return_val_if_fail (SD_IS_CONTEXT (self), NULL);

  return self->simulator;
}

/**
 * sd_context_get_notices:
 *
 * Returns: (transfer none) (nullable): sentences to show once, or %NULL
 */
const char * const *
sd_context_get_notices (SdContext *self)
{
  g_return_val_if_fail (SD_IS_CONTEXT (self), NULL);

  if (self->notices->len <= 1)
    return NULL;
  return (const char * const *) self->notices->pdata;
}

/* Loads the history; in demo mode the fresh simulator takes over the demo
 * tasks an earlier run left unfinished, so they finish instead of staying
 * unknown to it. */
static gboolean
load_history (SdContext  *self,
              GError    **error)
{
  GListModel *tasks = sd_service_get_tasks (self->service);

  if (!sd_service_load_history (self->service, error))
    return FALSE;

  for (guint i = 0; self->simulator != NULL && i < g_list_model_get_n_items (tasks); i++)
    {
      g_autoptr(SdTask) task = g_list_model_get_item (tasks, i);
      SdRequest *request = sd_task_get_request (task);

      if (!sd_task_get_is_finished (task))
        sd_simulator_adopt_task (self->simulator, sd_task_get_id (task),
                                 sd_request_get_model (request),
                                 sd_request_get_prompt (request));
    }
  return TRUE;
}

/**
 * sd_context_start_demo:
 *
 * Starts the simulator, points the client at it and switches the service to
 * the demo history. Real tasks stay in the real history, untouched.
 */
gboolean
sd_context_start_demo (SdContext  *self,
                       GError    **error)
{
  g_autoptr(SdStore) store = NULL;

  g_return_val_if_fail (SD_IS_CONTEXT (self), FALSE);

  if (self->demo)
    return TRUE;

  store = open_store (self, TRUE, error);
  if (store == NULL || !start_simulator (self, error))
    return FALSE;

  g_set_object (&self->store, store);
  sd_service_set_store (self->service, store);
  set_service_demo (self->service);
  sd_service_resume (self->service);
  if (!load_history (self, error))
    return FALSE;

  /* The demo needs no token, so a keyring that could not be read is moot. */
  for (guint i = 0; self->keyring_notice != NULL && i + 1 < self->notices->len; i++)
    {
      if (g_strcmp0 (g_ptr_array_index (self->notices, i), self->keyring_notice) == 0)
        {
          g_ptr_array_remove_index (self->notices, i);
          break;
        }
    }
  g_clear_pointer (&self->keyring_notice, g_free);

  self->demo = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEMO]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_TOKEN]);
  return TRUE;
}

static void
finish_start (SdContext *self,
              GTask     *task)
{
  GError *error = NULL;

  if (!load_history (self, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
use_token (SdContext  *self,
           const char *token)
{
  gboolean had_token = sd_context_get_has_token (self);

  sd_client_set_token (self->client, token);
  sd_service_resume (self->service);
  if (had_token != sd_context_get_has_token (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_TOKEN]);
}

static void
on_token_looked_up_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SdContext *self = g_task_get_source_object (task);
  g_autofree char *notice = NULL;
  g_autoptr(GError) error = NULL;
  char *token;

  token = sd_secrets_lookup_finish (SD_SECRETS (source), result, &notice, &error);
  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (notice != NULL)
    {
      add_notice (self, notice);
      self->keyring_notice = g_steal_pointer (&notice);
    }
  if (token != NULL)
    use_token (self, token);
  sd_secrets_free_token (token);

  finish_start (self, task);
}

/**
 * sd_context_start_async:
 *
 * Finds the token (SEEDANCE_API_TOKEN, else the keyring; the demo needs
 * none), then loads the history and resumes polling unfinished tasks.
 */
void
sd_context_start_async (SdContext           *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  const char *env_token = g_getenv ("SEEDANCE_API_TOKEN");

  g_return_if_fail (SD_IS_CONTEXT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sd_context_start_async);

  if (!self->demo && env_token != NULL && env_token[0] != '\0')
    use_token (self, env_token);

  if (self->demo || sd_client_has_token (self->client))
    {
      finish_start (self, task);
      return;
    }

  sd_secrets_lookup_async (self->secrets, sd_client_get_base_url (self->client),
                           cancellable, on_token_looked_up_cb, g_steal_pointer (&task));
}

gboolean
sd_context_start_finish (SdContext     *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

typedef struct
{
  char *token;
  char *notice;
} SetToken;

static void
set_token_free (SetToken *data)
{
  sd_secrets_free_token (data->token);
  g_free (data->notice);
  g_free (data);
}

static void
on_token_stored_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SdContext *self = g_task_get_source_object (task);
  SetToken *data = g_task_get_task_data (task);
  GError *error = NULL;

  if (!sd_secrets_store_finish (SD_SECRETS (source), result, &data->notice, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  use_token (self, data->token);
  g_task_return_boolean (task, TRUE);
}

/**
 * sd_context_set_token_async:
 * @token: the API token
 *
 * Stores @token for the current base URL and uses it from now on; polling
 * paused by a refused token resumes.
 */
void
sd_context_set_token_async (SdContext           *self,
                            const char          *token,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SetToken *data;

  g_return_if_fail (SD_IS_CONTEXT (self));
  g_return_if_fail (token != NULL && token[0] != '\0');

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sd_context_set_token_async);
  data = g_new0 (SetToken, 1);
  data->token = g_strdup (token);
  g_task_set_task_data (task, data, (GDestroyNotify) set_token_free);

  sd_secrets_store_async (self->secrets, sd_client_get_base_url (self->client), token,
                          cancellable, on_token_stored_cb, g_steal_pointer (&task));
}

/**
 * sd_context_set_token_finish:
 * @notice: (out) (optional) (nullable): set when the token is kept for
 *   this session only
 */
gboolean
sd_context_set_token_finish (SdContext     *self,
                             GAsyncResult  *result,
                             char         **notice,
                             GError       **error)
{
  SetToken *data;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (notice != NULL)
    *notice = NULL;
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;

  data = g_task_get_task_data (G_TASK (result));
  if (notice != NULL)
    *notice = g_steal_pointer (&data->notice);
  return TRUE;
}

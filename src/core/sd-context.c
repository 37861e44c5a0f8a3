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
#include "sd-endpoint.h"
#include "sd-secrets.h"
#include "sd-uploader.h"
#include "sd-service.h"
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
  SdUploader  *uploader; /* made when first asked for */
  SdEndpoint  *endpoint; /* the demo server's; NULL for the real service */

  GError      *base_url_error; /* the configured address is refused */
  gboolean     base_url_from_env;
  gboolean     token_from_env;  /* SEEDANCE_API_TOKEN serves any address */

  GPtrArray   *notices;  /* NULL-terminated array of sentences */
  char        *keyring_notice; /* one of notices; moot in demo mode */
  gboolean     demo;
};

G_DEFINE_FINAL_TYPE (SdContext, sd_context, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_DEMO,
  PROP_HAS_TOKEN,
  PROP_BASE_URL_ERROR,
  PROP_SERVICE,
  PROP_STORE,
  PROP_CATALOG,
  PROP_CLIENT,
  PROP_SETTINGS,
  PROP_SECRETS,
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

/* SEEDANCE_API_BASE, else the setting, else NULL for the default. An
 * unusable address is not replaced by the default one (that would send the
 * token and the prompt to the production service): the client refuses it. */
static char *
choose_base_url (SdContext *self)
{
  const char *env = g_getenv ("SEEDANCE_API_BASE");
  g_autofree char *url = NULL;

  self->base_url_from_env = env != NULL && env[0] != '\0';
  if (self->base_url_from_env)
    return g_strdup (env);
  if (self->settings != NULL)
    url = g_settings_get_string (self->settings, "api-base-url");
  if (url == NULL || url[0] == '\0')
    return NULL;
  return g_steal_pointer (&url);
}

/* The client's refusal, saying where the address came from. */
static void
on_client_base_url_error_cb (SdContext *self)
{
  const GError *client_error = sd_client_get_base_url_error (self->client);
  const char *source;

  if (client_error == NULL && self->base_url_error == NULL)
    return;

  g_clear_error (&self->base_url_error);
  if (client_error != NULL)
    {
      source = self->base_url_from_env ? "SEEDANCE_API_BASE" : _("API Address in Preferences");
      /* Translators: the first %s is where the address was set, the second why it is refused. */
      self->base_url_error = g_error_new (SD_API_ERROR, SD_API_ERROR_INVALID_REQUEST,
                                          _("%s: %s Nothing is sent until it is corrected."),
                                          source, client_error->message);
      g_debug ("%s", self->base_url_error->message);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BASE_URL_ERROR]);
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

/* The tasks of the history are those of the client's base (or the demo's). */
static SdStore *
open_store (SdContext  *self,
            gboolean    demo,
            GError    **error)
{
  g_autofree char *path = store_path (demo);
  g_autofree char *moved_aside = NULL;
  SdStore *store;

  /* The demo history's tasks all belong to the simulator, whatever port it
   * listens on in a run: they keep the store's first base (the default
   * address's), in a file of their own. A refused address has none: the
   * tasks shown are then the default's. */
  store = sd_store_open (path, &moved_aside, error);
  if (store != NULL && !demo && sd_client_get_base_url (self->client) != NULL)
    sd_store_set_base (store, sd_client_get_base_url (self->client));
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

static void
use_demo_endpoint (SdContext  *self,
                   SdEndpoint *endpoint)
{
  g_clear_pointer (&self->endpoint, sd_endpoint_unref);
  self->endpoint = sd_endpoint_ref (endpoint);
  sd_client_set_base_url (self->client, sd_endpoint_get_base_url (endpoint));
  sd_client_set_token (self->client, sd_endpoint_get_token (endpoint));
}

/* The demo server is in this process: whatever the network monitor says, it
 * answers. */
static void
set_service_demo (SdService *service)
{
  sd_service_set_network_monitor (service, NULL);
  sd_service_set_online (service, TRUE);
}

static void on_base_url_setting_changed_cb (SdContext *self);

/* Another address is another server: the list becomes its history. */
static void
on_client_base_url_cb (SdContext *self)
{
  const char *base = sd_client_get_base_url (self->client);
  g_autoptr(GError) error = NULL;

  if (self->demo || self->endpoint != NULL || base == NULL)
    return;
  if (g_strcmp0 (base, sd_store_get_base (self->store)) == 0)
    return;
  sd_store_set_base (self->store, base);
  if (!sd_service_load_history (self->service, &error))
    g_message ("Could not read the history of %s: %s", base, error->message);
}

static gboolean
context_setup (SdContext  *self,
               SdEndpoint *demo_endpoint,
               GError    **error)
{
  g_autofree char *base_url = NULL;

  self->settings = settings_new ();
  if (self->settings == NULL)
    {
      g_autofree char *notice = NULL;

      /* TRANSLATORS: %s is the settings schema id */
      notice = g_strdup_printf (_("The settings schema %s is not installed: the settings are "
                                  "the defaults, and changes to them will not be kept."),
                                SCHEMA_ID);
      add_notice (self, notice);
    }
  load_catalog (self);
  base_url = choose_base_url (self);
  self->client = sd_client_new (base_url, NULL);
  g_signal_connect_object (self->client, "notify::base-url-error",
                           G_CALLBACK (on_client_base_url_error_cb), self, G_CONNECT_SWAPPED);
  on_client_base_url_error_cb (self);
  self->secrets = sd_secrets_new ();

  self->store = open_store (self, self->demo, error);
  if (self->store == NULL)
    return FALSE;
  if (self->demo)
    use_demo_endpoint (self, demo_endpoint);

  self->service = sd_service_new (self->client, self->store, self->catalog, self->settings);
  if (self->demo)
    set_service_demo (self->service);
  g_signal_connect_object (self->client, "notify::base-url",
                           G_CALLBACK (on_client_base_url_cb), self, G_CONNECT_SWAPPED);
  return TRUE;
}

static void
sd_context_dispose (GObject *object)
{
  SdContext *self = SD_CONTEXT (object);

  g_clear_object (&self->service);
  g_clear_pointer (&self->endpoint, sd_endpoint_unref);
  g_clear_object (&self->store);
  g_clear_object (&self->client);
  g_clear_object (&self->uploader);
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
  g_clear_error (&self->base_url_error);

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
    case PROP_BASE_URL_ERROR:
      g_value_set_string (value, self->base_url_error != NULL ? self->base_url_error->message : NULL);
      break;
    case PROP_SERVICE:
      g_value_set_object (value, self->service);
      break;
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_CATALOG:
      g_value_set_object (value, self->catalog);
      break;
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;
    case PROP_SECRETS:
      g_value_set_object (value, self->secrets);
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
  properties[PROP_BASE_URL_ERROR] =
    g_param_spec_string ("base-url-error", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SERVICE] =
    g_param_spec_object ("service", NULL, NULL, SD_TYPE_SERVICE,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /* The demo history replaces the real one in sd_context_start_demo(). */
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, SD_TYPE_STORE,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CATALOG] =
    g_param_spec_object ("catalog", NULL, NULL, SD_TYPE_CATALOG,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL, SD_TYPE_CLIENT,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /* NULL when the settings schema is not installed. */
  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SECRETS] =
    g_param_spec_object ("secrets", NULL, NULL, SD_TYPE_SECRETS,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sd_context_init (SdContext *self)
{
  self->notices = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->notices, NULL);
}

static SdContext *
context_new (SdEndpoint  *demo_endpoint,
             GError     **error)
{
  g_autoptr(SdContext) self = g_object_new (SD_TYPE_CONTEXT, NULL);

  self->demo = demo_endpoint != NULL;
  if (!context_setup (self, demo_endpoint, error))
    return NULL;

  /* A refused address is said once at start-up (in demo mode the simulator's
   * address has replaced it). */
  if (self->base_url_error != NULL)
    add_notice (self, self->base_url_error->message);
  if (self->settings != NULL)
    g_signal_connect_object (self->settings, "changed::api-base-url",
                             G_CALLBACK (on_base_url_setting_changed_cb), self, G_CONNECT_SWAPPED);
  return g_steal_pointer (&self);
}

/**
 * sd_context_new:
 *
 * A context on the configured service (SEEDANCE_API_BASE, else the
 * setting), with the user's history.
 *
 * Returns: (transfer full) (nullable): a context, or %NULL with @error when
 *   the history cannot be opened
 */
SdContext *
sd_context_new (GError **error)
{
  return context_new (NULL, error);
}

/**
 * sd_context_new_for_demo:
 * @endpoint: the demo server (in this process)
 *
 * A context on @endpoint, with the demo history: demo tasks never mix with
 * real ones, and no token needs to be looked up.
 *
 * Returns: (transfer full) (nullable): a context, or %NULL with @error when
 *   the demo history cannot be opened
 */
SdContext *
sd_context_new_for_demo (SdEndpoint  *endpoint,
                         GError     **error)
{
  g_return_val_if_fail (endpoint != NULL, NULL);

  return context_new (endpoint, error);
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
 * sd_context_check_base_url:
 *
 * Whether the configured API address (SEEDANCE_API_BASE or the setting)
 * can be used. When it cannot, nothing is sent anywhere: the client refuses
 * every call, and no other address is used in its place.
 *
 * Returns: %TRUE, or %FALSE with %SD_API_ERROR_INVALID_REQUEST naming the
 *   address (without user info), where it was set and the rule
 */
/**
 * sd_context_get_base_url_error:
 *
 * Returns: (nullable): the "base-url-error" sentence, %NULL when the
 *   configured API address is in use
 */
const char *
sd_context_get_base_url_error (SdContext *self)
{
  g_return_val_if_fail (SD_IS_CONTEXT (self), NULL);

  return self->base_url_error != NULL ? self->base_url_error->message : NULL;
}

gboolean
sd_context_check_base_url (SdContext  *self,
                           GError    **error)
{
  g_return_val_if_fail (SD_IS_CONTEXT (self), FALSE);

  if (self->base_url_error == NULL)
    return TRUE;
  g_propagate_error (error, g_error_copy (self->base_url_error));
  return FALSE;
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

char *
sd_context_dup_last_model (SdContext *self)
{
  g_autofree char *last = NULL;

  g_return_val_if_fail (SD_IS_CONTEXT (self), NULL);

  if (self->settings != NULL)
    last = g_settings_get_string (self->settings, "last-model");
  if (last == NULL || sd_catalog_lookup (self->catalog, last) == NULL)
    return g_strdup (SD_CATALOG_DEFAULT_MODEL);
  return g_steal_pointer (&last);
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

/**
 * sd_context_get_uploader:
 *
 * The one uploader of this context, made on first use: the composer's
 * media lists, Import Batch and the demo's scenes share its cache, its
 * upload service and the privacy notice's answer.
 */
SdUploader *
sd_context_get_uploader (SdContext *self)
{
  g_return_val_if_fail (SD_IS_CONTEXT (self), NULL);

  if (self->uploader == NULL)
    self->uploader = sd_uploader_new (self->client, NULL);
  return self->uploader;
}

/**
 * sd_context_get_endpoint:
 *
 * Returns: (transfer none) (nullable): the demo server's endpoint, %NULL
 *   unless in demo mode
 */
SdEndpoint *
sd_context_get_endpoint (SdContext *self)
{
  g_return_val_if_fail (SD_IS_CONTEXT (self), NULL);

  return self->endpoint;
}

/**
 * sd_context_get_tls_certificate:
 *
 * Returns: (transfer none) (nullable): the self-signed certificate the demo
 *   server's https:// links present on loopback, %NULL unless in demo mode
 */
GTlsCertificate *
sd_context_get_tls_certificate (SdContext *self)
{
  g_return_val_if_fail (SD_IS_CONTEXT (self), NULL);

  return self->endpoint != NULL ? sd_endpoint_get_tls_certificate (self->endpoint) : NULL;
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

static gboolean
load_history (SdContext  *self,
              GError    **error)
{
  return sd_service_load_history (self->service, error);
}

/**
 * sd_context_start_demo:
 * @endpoint: the demo server (in this process)
 *
 * Points the client at @endpoint and switches the service to the demo
 * history. Real tasks stay in the real history, untouched. A context
 * already in demo mode stays on its endpoint.
 */
gboolean
sd_context_start_demo (SdContext   *self,
                       SdEndpoint  *endpoint,
                       GError     **error)
{
  g_autoptr(SdStore) store = NULL;

  g_return_val_if_fail (SD_IS_CONTEXT (self), FALSE);
  g_return_val_if_fail (endpoint != NULL, FALSE);

  if (self->demo)
    return TRUE;

  store = open_store (self, TRUE, error);
  if (store == NULL)
    return FALSE;

  use_demo_endpoint (self, endpoint);
  if (g_set_object (&self->store, store))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
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

/* Loads the history, then reports @error (a token that cannot be used):
 * the tasks are shown even when nothing can be sent. */
static void
finish_start_with_error (SdContext *self,
                         GTask     *task,
                         GError    *error)
{
  GError *history_error = NULL;

  if (!load_history (self, &history_error))
    {
      g_error_free (error);
      g_task_return_error (task, history_error);
      return;
    }
  g_task_return_error (task, error);
}

/* @raw as the client will send it, or NULL with @error naming @source. */
static char *
checked_token (const char  *raw,
               const char  *source,
               GError     **error)
{
  char *token = sd_client_normalize_token (raw, error);

  if (token == NULL)
    g_prefix_error (error, "%s: ", source);
  return token;
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
    {
      char *checked = checked_token (token, _("The token saved in the keyring"), &error);

      sd_secrets_free_token (token);
      if (checked == NULL)
        {
          finish_start_with_error (self, task, g_steal_pointer (&error));
          return;
        }
      use_token (self, checked);
      sd_secrets_free_token (checked);
    }

  finish_start (self, task);
}

typedef struct
{
  SdContext *context;
  char      *base_url;
} BaseUrlLookup;

static void
on_token_for_base_url_cb (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  BaseUrlLookup *lookup = user_data;
  SdContext *self = lookup->context;
  g_autofree char *notice = NULL;
  char *token;
  char *checked = NULL;

  token = sd_secrets_lookup_finish (SD_SECRETS (source), result, &notice, NULL);
  if (token != NULL)
    checked = sd_client_normalize_token (token, NULL);
  /* The address may have changed again while the keyring was asked. */
  if (checked != NULL && !sd_client_has_token (self->client) &&
      g_strcmp0 (lookup->base_url, sd_client_get_base_url (self->client)) == 0)
    use_token (self, checked);

  sd_secrets_free_token (token);
  sd_secrets_free_token (checked);
  g_object_unref (lookup->context);
  g_free (lookup->base_url);
  g_free (lookup);
}

/* A new address in Preferences is used at once. The token saved for the old
 * address stays with it; the one saved for the new address is looked up. */
static void
on_base_url_setting_changed_cb (SdContext *self)
{
  g_autofree char *before = NULL;
  g_autofree char *url = NULL;
  BaseUrlLookup *lookup;

  if (self->demo || self->base_url_from_env)
    return;

  before = g_strdup (sd_client_get_base_url (self->client));
  url = choose_base_url (self);
  sd_client_set_base_url (self->client, url);
  if (g_strcmp0 (before, sd_client_get_base_url (self->client)) == 0)
    return;

  g_debug ("The API address changed in the settings");
  if (self->token_from_env)
    {
      sd_service_resume (self->service);
      return;
    }
  use_token (self, NULL);
  if (sd_client_get_base_url (self->client) == NULL)
    return;

  lookup = g_new0 (BaseUrlLookup, 1);
  lookup->context = g_object_ref (self);
  lookup->base_url = g_strdup (sd_client_get_base_url (self->client));
  sd_secrets_lookup_async (self->secrets, lookup->base_url, NULL,
                           on_token_for_base_url_cb, lookup);
}

/**
 * sd_context_start_async:
 *
 * Finds the token (SEEDANCE_API_TOKEN, else the keyring; the demo needs
 * none, and a refused address has no keyring entry to look for), then
 * loads the history and resumes polling unfinished tasks. A token that
 * sd_client_normalize_token() refuses fails the start, naming its source.
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
    {
      GError *error = NULL;
      char *token = checked_token (env_token, "SEEDANCE_API_TOKEN", &error);

      if (token == NULL)
        {
          finish_start_with_error (self, task, error);
          return;
        }
      use_token (self, token);
      sd_secrets_free_token (token);
      self->token_from_env = TRUE;
    }

  /* Without a usable address there is no keyring entry to look for. */
  if (self->demo || sd_client_has_token (self->client) ||
      sd_client_get_base_url (self->client) == NULL)
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
  GError *error = NULL;
  SetToken *data;

  g_return_if_fail (SD_IS_CONTEXT (self));
  g_return_if_fail (token != NULL && token[0] != '\0');

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sd_context_set_token_async);
  data = g_new0 (SetToken, 1);
  g_task_set_task_data (task, data, (GDestroyNotify) set_token_free);

  /* Never store what could not be sent, nor for an address that is refused. */
  if (!sd_context_check_base_url (self, &error) ||
      (data->token = sd_client_normalize_token (token, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  sd_secrets_store_async (self->secrets, sd_client_get_base_url (self->client), data->token,
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

static void
on_token_cleared_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!sd_secrets_clear_finish (SD_SECRETS (source), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * sd_context_clear_token_async:
 *
 * Stops using the token at once and removes the one stored for the current
 * base URL from the keyring (or from this session when there is none). A
 * token from SEEDANCE_API_TOKEN is not used again by this process either.
 */
void
sd_context_clear_token_async (SdContext           *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  const char *base_url;

  g_return_if_fail (SD_IS_CONTEXT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sd_context_clear_token_async);
  g_debug ("Forgetting the token");
  use_token (self, NULL);

  base_url = sd_client_get_base_url (self->client);
  if (base_url == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  sd_secrets_clear_async (self->secrets, base_url, cancellable,
                          on_token_cleared_cb, g_steal_pointer (&task));
}

gboolean
sd_context_clear_token_finish (SdContext     *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

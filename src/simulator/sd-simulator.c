/* sd-simulator.c: a local Seedance API server for the demo mode and tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-simulator"

#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "sd-api.h"
#include "sd-core-resources.h"
#include "sd-request.h"
#include "sd-simulator-media.h"
#include "sd-simulator-private.h"
#include "sd-simulator-test.h"
#include "sd-simulator-upload.h"
#include "sd-uploader.h"

G_DEFINE_FINAL_TYPE (SdSimulator, sd_simulator, G_TYPE_OBJECT)

static void
sim_task_free (SimTask *task)
{
  g_free (task->id);
  g_free (task->model);
  g_free (task);
}

static void
remove_source (gpointer key,
               gpointer value,
               gpointer user_data)
{
  g_source_remove (GPOINTER_TO_UINT (key));
}

static void
sd_simulator_dispose (GObject *object)
{
  SdSimulator *self = SD_SIMULATOR (object);

  if (self->slow_replies != NULL)
    {
      g_hash_table_foreach (self->slow_replies, remove_source, NULL);
      g_hash_table_remove_all (self->slow_replies);
    }
  if (self->server != NULL)
    soup_server_disconnect (self->server);
  if (self->other_server != NULL)
    soup_server_disconnect (self->other_server);
  g_clear_object (&self->server);
  g_clear_object (&self->other_server);
  g_clear_object (&self->catalog);

  G_OBJECT_CLASS (sd_simulator_parent_class)->dispose (object);
}

static void
sd_simulator_finalize (GObject *object)
{
  SdSimulator *self = SD_SIMULATOR (object);

  g_free (self->base_url);
  g_free (self->other_base_url);
  g_free (self->other_host);
  g_free (self->tls_base_url);
  g_clear_object (&self->tls_certificate);
  g_clear_pointer (&self->sample_image_urls, g_ptr_array_unref);
  g_free (self->token);
  g_free (self->hostile_text);
  g_clear_pointer (&self->sample, g_bytes_unref);
  g_clear_pointer (&self->slow_replies, g_hash_table_unref);
  g_clear_pointer (&self->host_counts, g_hash_table_unref);
  g_clear_pointer (&self->flaky_prompts, g_hash_table_unref);
  g_clear_pointer (&self->auth_seen, g_hash_table_unref);
  g_clear_pointer (&self->tasks, g_hash_table_unref);
  g_clear_pointer (&self->created_ids, g_ptr_array_unref);
  g_clear_pointer (&self->media, _sd_sim_media_free);
  g_clear_pointer (&self->uploads, sd_sim_uploads_free);

  G_OBJECT_CLASS (sd_simulator_parent_class)->finalize (object);
}

static void
sd_simulator_class_init (SdSimulatorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sd_simulator_dispose;
  object_class->finalize = sd_simulator_finalize;
}

static void
sd_simulator_init (SdSimulator *self)
{
  self->token = g_strdup (SD_SIMULATOR_DEFAULT_TOKEN);
  self->balance = 1000;
  self->queued_ms = SD_SIMULATOR_DEFAULT_QUEUED_MS;
  self->processing_ms = SD_SIMULATOR_DEFAULT_PROCESSING_MS;
  self->retry_after = DEFAULT_RETRY_AFTER;
  self->slow_delay_ms = DEFAULT_SLOW_DELAY_MS;
  self->slow_replies = g_hash_table_new (NULL, NULL);
  self->host_counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->flaky_prompts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->auth_seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->tasks = g_hash_table_new_full (g_str_hash, g_str_equal,
                                       NULL, (GDestroyNotify) sim_task_free);
  self->created_ids = g_ptr_array_new_with_free_func (g_free);
  self->media = _sd_sim_media_new ();
  self->uploads = sd_sim_uploads_new ();
}

/* The sample pictures, in data/sample-images/ of the core resource. */
static const char * const sample_images[] = {
  "street-at-night.jpg",
  "red-coat.jpg",
  "umbrella.jpg",
};

/* Bookkeeping shared by every route */

static const char *
request_host (SoupServerMessage *msg)
{
  const char *host = g_uri_get_host (soup_server_message_get_uri (msg));

  return host != NULL ? host : "";
}

static gboolean
is_other_host (SdSimulator       *self,
               SoupServerMessage *msg)
{
  return g_str_equal (request_host (msg), self->other_host);
}

void
_sd_simulator_note_request (SdSimulator       *self,
                            SoupServerMessage *msg)
{
  const char *host = request_host (msg);
  const char *authorization;
  guint count;

  count = GPOINTER_TO_UINT (g_hash_table_lookup (self->host_counts, host));
  g_hash_table_replace (self->host_counts, g_strdup (host), GUINT_TO_POINTER (count + 1));

  authorization = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                "Authorization");
  if (authorization != NULL)
    g_hash_table_replace (self->auth_seen, g_strdup (host), g_strdup (authorization));
}

SdSimulatorFault
_sd_simulator_take_fault (SdSimulator       *self,
                          SoupServerMessage *msg,
                          SdSimulatorStep    step)
{
  FaultSlot *slot = &self->faults[step];
  SdSimulatorFault fault = slot->fault;

  self->counts[step]++;

  /* The other host answers normally: it is where redirects end. */
  if (is_other_host (self, msg) || fault == SD_SIMULATOR_FAULT_NONE)
    return SD_SIMULATOR_FAULT_NONE;

  if (slot->remaining > 0 && --slot->remaining == 0)
    slot->fault = SD_SIMULATOR_FAULT_NONE;

  return fault;
}

gboolean
_sd_simulator_check_method (SdSimulator       *self,
                            SoupServerMessage *msg,
                            const char        *allowed)
{
  const char *method = soup_server_message_get_method (msg);

  if (g_str_equal (method, allowed) ||
      (g_str_equal (allowed, SOUP_METHOD_GET) && g_str_equal (method, SOUP_METHOD_HEAD)))
    return TRUE;

  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", allowed);
  _sd_simulator_send_api_error (self, msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "40500", "Method not allowed");
  return FALSE;
}

gboolean
_sd_simulator_check_token (SdSimulator       *self,
                           SoupServerMessage *msg)
{
  const char *authorization =
    soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Authorization");
  g_autofree char *expected = g_strconcat ("Bearer ", self->token, NULL);

  if (g_strcmp0 (authorization, expected) == 0)
    return TRUE;

  _sd_simulator_send_api_error (self, msg, SOUP_STATUS_UNAUTHORIZED, "40100",
                                "Invalid or missing API token");
  return FALSE;
}

/* Balance (PROVIDER-EXTRAS.md): a token without a cap, nothing spent. */

static void
on_balance_cb (SoupServer        *server,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  SdSimulator *self = user_data;
  g_autoptr(JsonObject) data = json_object_new ();
  SdSimulatorFault fault;

  _sd_simulator_note_request (self, msg);
  fault = _sd_simulator_take_fault (self, msg, SD_SIMULATOR_STEP_BALANCE);
  if (_sd_simulator_send_replacing_fault (self, msg, SD_SIMULATOR_STEP_BALANCE, fault))
    return;
  if (self->no_balance)
    {
      _sd_simulator_send_api_error (self, msg, SOUP_STATUS_NOT_FOUND, "40400", "Not found");
      return;
    }
  if (!_sd_simulator_check_method (self, msg, SOUP_METHOD_GET) || !_sd_simulator_check_token (self, msg))
    return;

  if (g_str_has_suffix (path, "/key/balance"))
    {
      json_object_set_string_member (data, "name", "simulator");
      json_object_set_int_member (data, "total_quota", 0);
      json_object_set_int_member (data, "used_quota", 0);
      json_object_set_int_member (data, "available_quota", 0);
      json_object_set_boolean_member (data, "unlimited", TRUE);
    }
  else
    {
      json_object_set_int_member (data, "balance", self->balance);
      json_object_set_int_member (data, "used_coin", 0);
      json_object_set_int_member (data, "available", self->balance);
    }
  _sd_simulator_send_success (self, msg, data, SD_SIMULATOR_FAULT_NONE);
}

void
sd_simulator_set_has_balance (SdSimulator *self,
                              gboolean     has_balance)
{
  g_return_if_fail (SD_IS_SIMULATOR (self));

  self->no_balance = !has_balance;
}

void
sd_simulator_set_balance (SdSimulator *self,
                          gint64       available)
{
  g_return_if_fail (SD_IS_SIMULATOR (self));

  self->balance = available;
}

static void
on_image_cb (SoupServer        *server,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query,
             gpointer           user_data)
{
  SdSimulator *self = user_data;
  g_autofree char *resource = NULL;
  g_autoptr(GBytes) image = NULL;
  const char *name = path + strlen (IMAGE_PATH);

  _sd_simulator_note_request (self, msg);
  if (!_sd_simulator_check_method (self, msg, SOUP_METHOD_GET))
    return;

  for (guint i = 0; i < G_N_ELEMENTS (sample_images) && image == NULL; i++)
    if (g_str_equal (name, sample_images[i]))
      {
        resource = g_strconcat (IMAGE_RESOURCE_DIR, name, NULL);
        image = g_resource_lookup_data (sd_core_get_resource (), resource,
                                        G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
      }
  if (image == NULL)
    {
      _sd_simulator_send_api_error (self, msg, SOUP_STATUS_NOT_FOUND, "40400", "No such image");
      return;
    }

  _sd_simulator_send_bytes (self, msg, SOUP_STATUS_OK, "image/jpeg", image, SD_SIMULATOR_FAULT_NONE);
}

/* POST /api/open-api/v1/files/upload, and what was uploaded */

static void
on_upload_cb (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  SdSimulator *self = user_data;
  g_autoptr(JsonObject) data = NULL;
  g_autofree char *message = NULL;
  const char *code = NULL;
  guint status = 0;
  SdSimulatorFault fault;

  _sd_simulator_note_request (self, msg);
  fault = _sd_simulator_take_fault (self, msg, SD_SIMULATOR_STEP_UPLOAD);
  if (fault == SD_SIMULATOR_FAULT_NO_ENDPOINT || !g_str_equal (path, SD_UPLOAD_PATH))
    {
      _sd_simulator_send_api_error (self, msg, SOUP_STATUS_NOT_FOUND, "40400", "Not found");
      return;
    }
  if (fault == SD_SIMULATOR_FAULT_TOO_LARGE)
    {
      _sd_simulator_send_api_error (self, msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "41300",
                                    "File too large (simulated)");
      return;
    }
  if (_sd_simulator_send_replacing_fault (self, msg, SD_SIMULATOR_STEP_UPLOAD, fault) ||
      !_sd_simulator_check_method (self, msg, SOUP_METHOD_POST) ||
      !_sd_simulator_check_token (self, msg))
    return;

  data = sd_sim_uploads_store (self->uploads, msg,
                               self->tls_base_url != NULL ? self->tls_base_url : self->base_url,
                               &status, &code, &message);
  if (data == NULL)
    {
      _sd_simulator_send_api_error (self, msg, status, code, message);
      return;
    }
  _sd_simulator_send_success (self, msg, data, fault);
}

static void
on_uploaded_file_cb (SoupServer        *server,
                     SoupServerMessage *msg,
                     const char        *path,
                     GHashTable        *query,
                     gpointer           user_data)
{
  SdSimulator *self = user_data;
  g_autoptr(GBytes) bytes = NULL;
  const char *content_type = NULL;

  _sd_simulator_note_request (self, msg);
  if (!_sd_simulator_check_method (self, msg, SOUP_METHOD_GET))
    return;
  bytes = sd_sim_uploads_lookup (self->uploads, path, &content_type);
  if (bytes == NULL)
    {
      _sd_simulator_send_api_error (self, msg, SOUP_STATUS_NOT_FOUND, "40400", "No such upload");
      return;
    }
  _sd_simulator_send_bytes (self, msg, SOUP_STATUS_OK, content_type, bytes, SD_SIMULATOR_FAULT_NONE);
}

static void
on_other_path_cb (SoupServer        *server,
                  SoupServerMessage *msg,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  SdSimulator *self = user_data;

  _sd_simulator_note_request (self, msg);
  _sd_simulator_send_api_error (self, msg, SOUP_STATUS_NOT_FOUND, "40400", "Not found");
}

/* Construction */

static SoupServer *
listen_on (SdSimulator  *self,
           const char   *address,
           guint        *port,
           GError      **error)
{
  g_autoptr(SoupServer) server = soup_server_new ("server-header", "SeedanceSimulator ", NULL);
  g_autoptr(GSocketAddress) socket_address = g_inet_socket_address_new_from_string (address, 0);
  GSList *uris;

  if (!soup_server_listen (server, socket_address, 0, error))
    return NULL;

  uris = soup_server_get_uris (server);
  *port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  soup_server_add_handler (server, NULL, on_other_path_cb, self, NULL);
  soup_server_add_handler (server, SD_API_CREATE_PATH, _sd_simulator_on_create_cb, self, NULL);
  soup_server_add_handler (server, "/api/open-api/v1/videos", _sd_simulator_on_query_cb, self, NULL);
  soup_server_add_handler (server, "/api/open-api/v1/key/balance", on_balance_cb, self, NULL);
  soup_server_add_handler (server, "/api/open-api/v1/user/balance", on_balance_cb, self, NULL);
  soup_server_add_handler (server, "/videos", _sd_simulator_on_video_cb, self, NULL);
  soup_server_add_handler (server, "/images", on_image_cb, self, NULL);
  _sd_sim_media_attach (self->media, server);
  soup_server_add_handler (server, SD_UPLOAD_PATH, on_upload_cb, self, NULL);
  soup_server_add_handler (server, SD_SIM_UPLOADS_PATH, on_uploaded_file_cb, self, NULL);

  return g_steal_pointer (&server);
}

/* Holding TLS connections through their handshake ----------------------- *
 *
 * libsoup up to 3.6.5 starts a TLS connection's handshake without holding
 * the connection: when the server lets the connection go before the
 * handshake ends (soup_server_disconnect(), as disposing the simulator
 * does), the handshake then ends on a freed connection (fixed upstream in
 * 3.6.6, "server-connection: check for cancellation in handshake
 * callback"). Each message holds its connection, so the simulator holds
 * the messages of its TLS port: until their connection is set up, or, when
 * it ends or goes first, for a while longer, so that a handshake still
 * running ends on a live connection. */
static gint n_held;  /* messages of a TLS port ever held, for the tests */

#if !SOUP_CHECK_VERSION (3, 6, 6)
#define HELD_KEY "sd-simulator-held"
#define HELD_GRACE_S 30

static void on_held_connected_cb (SoupServerMessage *msg);
static void on_held_ended_cb     (SoupServerMessage *msg);

/* Stops watching @msg; returns whether it was held. */
static gboolean
unwatch_held (SoupServerMessage *msg)
{
  if (g_object_steal_data (G_OBJECT (msg), HELD_KEY) == NULL)
    return FALSE;
  g_signal_handlers_disconnect_by_func (msg, on_held_connected_cb, NULL);
  g_signal_handlers_disconnect_by_func (msg, on_held_ended_cb, NULL);
  return TRUE;
}

/* Set up: the handshake is over. */
static void
on_held_connected_cb (SoupServerMessage *msg)
{
  if (unwatch_held (msg))
    g_object_unref (msg);
}

static gboolean
grace_over_cb (gpointer data)
{
  return G_SOURCE_REMOVE;
}

/* Finished or disconnected, perhaps with its handshake still running. */
static void
on_held_ended_cb (SoupServerMessage *msg)
{
  if (unwatch_held (msg))
    g_timeout_add_seconds_full (G_PRIORITY_LOW, HELD_GRACE_S, grace_over_cb, msg, g_object_unref);
}

static void
on_request_started_cb (SoupServer        *server,
                       SoupServerMessage *msg,
                       gpointer           user_data)
{
  guint tls_port = GPOINTER_TO_UINT (user_data);
  GSocketAddress *local = soup_server_message_get_local_address (msg);

  if (!G_IS_INET_SOCKET_ADDRESS (local) ||
      g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local)) != tls_port ||
      g_object_get_data (G_OBJECT (msg), HELD_KEY) != NULL)
    return;
  g_atomic_int_inc (&n_held);
  g_object_set_data (G_OBJECT (g_object_ref (msg)), HELD_KEY, GUINT_TO_POINTER (1));
  g_signal_connect (msg, "connected", G_CALLBACK (on_held_connected_cb), NULL);
  g_signal_connect (msg, "finished", G_CALLBACK (on_held_ended_cb), NULL);
  g_signal_connect (msg, "disconnected", G_CALLBACK (on_held_ended_cb), NULL);
}
#endif

/**
 * sd_simulator_get_n_held_messages: (skip)
 *
 * Returns: how many messages of TLS ports the simulators of this process
 *   have held through their handshake, since it started (tests only)
 */
guint
sd_simulator_get_n_held_messages (void)
{
  return (guint) g_atomic_int_get (&n_held);
}

/* The first server also listens with TLS, with a certificate for 127.0.0.1
 * made for the demo (its key is public: only loopback links may be trusted
 * with it, see sd_simulator_get_tls_certificate()). Without a TLS backend
 * (glib-networking) the simulator runs on plain http alone. */
static gboolean
listen_with_tls (SdSimulator  *self,
                 GError      **error)
{
  g_autoptr(GBytes) pem = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GSocketAddress) socket_address = g_inet_socket_address_new_from_string ("127.0.0.1", 0);
  GSList *uris;

  pem = g_resource_lookup_data (sd_core_get_resource (), TLS_RESOURCE,
                                G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  if (pem == NULL)
    return FALSE;
  certificate = g_tls_certificate_new_from_pem (g_bytes_get_data (pem, NULL),
                                                g_bytes_get_size (pem), error);
  if (certificate == NULL)
    return FALSE;

  soup_server_set_tls_certificate (self->server, certificate);
  if (!soup_server_listen (self->server, socket_address, SOUP_SERVER_LISTEN_HTTPS, error))
    return FALSE;

  uris = soup_server_get_uris (self->server);
  for (GSList *l = uris; l != NULL; l = l->next)
    if (g_str_equal (g_uri_get_scheme (l->data), "https"))
      {
        self->tls_base_url = g_strdup_printf ("https://127.0.0.1:%d", g_uri_get_port (l->data));
#if !SOUP_CHECK_VERSION (3, 6, 6)
        g_signal_connect (self->server, "request-started", G_CALLBACK (on_request_started_cb),
                          GUINT_TO_POINTER (g_uri_get_port (l->data)));
#endif
      }
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  self->tls_certificate = g_steal_pointer (&certificate);
  return self->tls_base_url != NULL;
}

static void
make_sample_image_urls (SdSimulator *self)
{
  const char *base = self->tls_base_url != NULL ? self->tls_base_url : self->base_url;

  self->sample_image_urls = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < G_N_ELEMENTS (sample_images); i++)
    g_ptr_array_add (self->sample_image_urls,
                     g_strconcat (base, IMAGE_PATH, sample_images[i], NULL));
}

/**
 * sd_simulator_new:
 * @catalog: the catalogue create requests are checked against
 * @error: where to report a failure to listen
 *
 * Returns: (transfer full) (nullable): a running simulator
 */
SdSimulator *
sd_simulator_new (SdCatalog  *catalog,
                  GError    **error)
{
  g_autoptr(SdSimulator) self = NULL;
  g_autoptr(GError) other_error = NULL;
  guint port = 0;
  guint other_port = 0;

  g_return_val_if_fail (SD_IS_CATALOG (catalog), NULL);

  self = g_object_new (SD_TYPE_SIMULATOR, NULL);
  self->catalog = g_object_ref (catalog);
  self->sample = g_resource_lookup_data (sd_core_get_resource (), SAMPLE_RESOURCE,
                                         G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  if (self->sample == NULL)
    return NULL;

  self->server = listen_on (self, "127.0.0.1", &port, error);
  if (self->server == NULL)
    return NULL;
  self->base_url = g_strdup_printf ("http://127.0.0.1:%u", port);

  if (!listen_with_tls (self, &other_error))
    {
      g_debug ("No TLS on the simulator (%s); sample images are on http", other_error->message);
      g_clear_object (&self->tls_certificate);
      g_clear_error (&other_error);
    }
  make_sample_image_urls (self);

  self->other_server = listen_on (self, "127.0.0.2", &other_port, &other_error);
  if (self->other_server != NULL)
    {
      self->other_host = g_strdup ("127.0.0.2");
      self->other_base_url = g_strdup_printf ("http://127.0.0.2:%u", other_port);
    }
  else
    {
      g_debug ("No second host on 127.0.0.2 (%s); using localhost", other_error->message);
      self->other_host = g_strdup ("localhost");
      self->other_base_url = g_strdup_printf ("http://localhost:%u", port);
    }

  return g_steal_pointer (&self);
}

const char *
sd_simulator_get_base_url (SdSimulator *self)
{
  g_return_val_if_fail (SD_IS_SIMULATOR (self), NULL);

  return self->base_url;
}

const char *
sd_simulator_get_other_base_url (SdSimulator *self)
{
  g_return_val_if_fail (SD_IS_SIMULATOR (self), NULL);

  return self->other_base_url;
}

const char *
sd_simulator_get_tls_base_url (SdSimulator *self)
{
  g_return_val_if_fail (SD_IS_SIMULATOR (self), NULL);

  return self->tls_base_url;
}

GTlsCertificate *
sd_simulator_get_tls_certificate (SdSimulator *self)
{
  g_return_val_if_fail (SD_IS_SIMULATOR (self), NULL);

  return self->tls_certificate;
}

guint
sd_simulator_get_n_sample_images (SdSimulator *self)
{
  g_return_val_if_fail (SD_IS_SIMULATOR (self), 0);

  return self->sample_image_urls->len;
}

const char *
sd_simulator_get_sample_image_url (SdSimulator *self,
                                   guint        index)
{
  g_return_val_if_fail (SD_IS_SIMULATOR (self), NULL);

  if (index >= self->sample_image_urls->len)
    return NULL;
  return g_ptr_array_index (self->sample_image_urls, index);
}

const char *
sd_simulator_get_token (SdSimulator *self)
{
  g_return_val_if_fail (SD_IS_SIMULATOR (self), NULL);

  return self->token;
}

void
sd_simulator_set_token (SdSimulator *self,
                        const char  *token)
{
  g_return_if_fail (SD_IS_SIMULATOR (self));
  g_return_if_fail (token != NULL && *token != '\0');

  g_free (self->token);
  self->token = g_strdup (token);
}

void
sd_simulator_set_timing (SdSimulator *self,
                         guint        queued_ms,
                         guint        processing_ms)
{
  g_return_if_fail (SD_IS_SIMULATOR (self));

  self->queued_ms = queued_ms;
  self->processing_ms = processing_ms;
}

void
sd_simulator_set_manual_clock (SdSimulator *self,
                               gboolean     manual)
{
  g_return_if_fail (SD_IS_SIMULATOR (self));

  if (manual && !self->manual_clock)
    self->manual_now_us = g_get_monotonic_time ();
  self->manual_clock = !!manual;
}

void
sd_simulator_advance_clock (SdSimulator *self,
                            guint        ms)
{
  g_return_if_fail (SD_IS_SIMULATOR (self));
  g_return_if_fail (self->manual_clock);

  self->manual_now_us += (gint64) ms * 1000;
}

void
sd_simulator_set_video_size (SdSimulator *self,
                             guint64      bytes)
{
  g_return_if_fail (SD_IS_SIMULATOR (self));

  self->video_size = bytes;
}

void
sd_simulator_set_video_version (SdSimulator *self,
                                guint        version)
{
  g_return_if_fail (SD_IS_SIMULATOR (self));

  self->video_version = version;
}

guint64
sd_simulator_get_video_size (SdSimulator *self)
{
  g_return_val_if_fail (SD_IS_SIMULATOR (self), 0);

  return self->video_size > 0 ? self->video_size : g_bytes_get_size (self->sample);
}

void
sd_simulator_set_fault (SdSimulator      *self,
                        SdSimulatorStep   step,
                        SdSimulatorFault  fault,
                        guint             times)
{
  g_return_if_fail (SD_IS_SIMULATOR (self));
  g_return_if_fail (step < SD_SIMULATOR_N_STEPS);

  self->faults[step].fault = fault;
  self->faults[step].remaining = times;
}

void
sd_simulator_set_retry_after (SdSimulator *self,
                              guint        seconds)
{
  g_return_if_fail (SD_IS_SIMULATOR (self));

  self->retry_after = seconds;
}

void
sd_simulator_set_slow_delay (SdSimulator *self,
                             guint        delay_ms)
{
  g_return_if_fail (SD_IS_SIMULATOR (self));

  self->slow_delay_ms = delay_ms;
}

/**
 * sd_simulator_set_hostile_text:
 * @self: a simulator
 * @text: (nullable): valid UTF-8 (escape sequences, bidi controls…), or
 *   %NULL for plain answers
 *
 * Plays a hostile server: @text is added to every text the simulator makes
 * up from then on, the msg of every answer, the failure reason, the model
 * of new tasks, their id (with ASCII control characters and '/' made `_`:
 * the client refuses the first in an id, and the second would split the
 * id's path segment) and the fragment of the video address.
 */
void
sd_simulator_set_hostile_text (SdSimulator *self,
                               const char  *text)
{
  g_return_if_fail (SD_IS_SIMULATOR (self));
  g_return_if_fail (text == NULL || g_utf8_validate (text, -1, NULL));

  g_free (self->hostile_text);
  self->hostile_text = g_strdup (text);
}

guint
sd_simulator_get_request_count (SdSimulator     *self,
                                SdSimulatorStep  step)
{
  g_return_val_if_fail (SD_IS_SIMULATOR (self), 0);
  g_return_val_if_fail (step < SD_SIMULATOR_N_STEPS, 0);

  return self->counts[step];
}

guint
sd_simulator_get_host_request_count (SdSimulator *self,
                                     const char  *host)
{
  g_return_val_if_fail (SD_IS_SIMULATOR (self), 0);
  g_return_val_if_fail (host != NULL, 0);

  return GPOINTER_TO_UINT (g_hash_table_lookup (self->host_counts, host));
}

const char *
sd_simulator_get_auth_seen (SdSimulator *self,
                            const char  *host)
{
  g_return_val_if_fail (SD_IS_SIMULATOR (self), NULL);
  g_return_val_if_fail (host != NULL, NULL);

  return g_hash_table_lookup (self->auth_seen, host);
}

guint
sd_simulator_get_task_count (SdSimulator *self)
{
  g_return_val_if_fail (SD_IS_SIMULATOR (self), 0);

  return g_hash_table_size (self->tasks);
}

GPtrArray *
sd_simulator_get_created_ids (SdSimulator *self)
{
  g_return_val_if_fail (SD_IS_SIMULATOR (self), NULL);

  return self->created_ids;
}

/**
 * sd_simulator_add_media:
 * @self: the simulator
 * @name: the file name under /media/
 * @content_type: the Content-Type it is served with
 * @bytes: (nullable): what GET sends
 * @announced_size: the Content-Length HEAD announces (0: the real size)
 * @delay_ms: how late every answer comes (0: at once)
 * @flags: how the route misbehaves
 *
 * Serves @bytes as "<base URL>/media/@name" on every host; any other name
 * there is a 404 with an HTML page, and "/media/redirect/<n>/@name" is n
 * redirects away from it.
 */
void
sd_simulator_add_media (SdSimulator           *self,
                        const char            *name,
                        const char            *content_type,
                        GBytes                *bytes,
                        guint64                announced_size,
                        guint                  delay_ms,
                        SdSimulatorMediaFlags  flags)
{
  g_return_if_fail (SD_IS_SIMULATOR (self));
  g_return_if_fail (name != NULL && content_type != NULL);

  _sd_sim_media_add (self->media, name, content_type, bytes, announced_size, delay_ms, flags);
}

/**
 * sd_simulator_get_media_url:
 * @self: the simulator
 * @name: a name under /media/
 *
 * Returns: (transfer full): its https link (http where there is no TLS)
 */
char *
sd_simulator_get_media_url (SdSimulator *self,
                            const char  *name)
{
  g_return_val_if_fail (SD_IS_SIMULATOR (self), NULL);

  return g_strconcat (self->tls_base_url != NULL ? self->tls_base_url : self->base_url,
                      "/media/", name, NULL);
}

/* Requests that reached /media/ so far, on any host. */
guint
sd_simulator_get_media_request_count (SdSimulator *self)
{
  g_return_val_if_fail (SD_IS_SIMULATOR (self), 0);

  return _sd_sim_media_get_count (self->media);
}

void
sd_simulator_set_upload_limit (SdSimulator *self,
                               guint64      bytes)
{
  g_return_if_fail (SD_IS_SIMULATOR (self));

  sd_sim_uploads_set_limit (self->uploads, bytes);
}

guint
sd_simulator_get_n_uploads (SdSimulator *self)
{
  g_return_val_if_fail (SD_IS_SIMULATOR (self), 0);

  return sd_sim_uploads_get_count (self->uploads);
}

/**
 * sd_simulator_get_active_count:
 *
 * Returns: how many tasks are queued or processing now, on the
 *   simulator's clock
 */
guint
sd_simulator_get_active_count (SdSimulator *self)
{
  GHashTableIter iter;
  gpointer value;
  guint count = 0;

  g_return_val_if_fail (SD_IS_SIMULATOR (self), 0);

  g_hash_table_iter_init (&iter, self->tasks);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      gint64 updated_at;
      SdTaskStatus status = _sd_sim_task_status (self, value, &updated_at);

      if (status == SD_TASK_STATUS_QUEUED || status == SD_TASK_STATUS_PROCESSING)
        count++;
    }
  return count;
}

/**
 * sd_simulator_get_max_active:
 *
 * Returns: the most tasks that were queued or processing at once
 */
guint
sd_simulator_get_max_active (SdSimulator *self)
{
  g_return_val_if_fail (SD_IS_SIMULATOR (self), 0);

  return self->max_active;
}

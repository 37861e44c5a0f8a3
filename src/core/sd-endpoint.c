/* sd-endpoint.c: where the API is, and how to talk to it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-endpoint"

#include "config.h"

#include "sd-endpoint.h"
#include "sd-secrets.h"

struct _SdEndpoint
{
  char            *base_url;
  char            *token;
  GTlsCertificate *tls_certificate;
  GObject         *server;
};

G_DEFINE_BOXED_TYPE (SdEndpoint, sd_endpoint, sd_endpoint_ref, sd_endpoint_unref)

/**
 * sd_endpoint_new:
 * @base_url: the API's base URL, without a trailing slash
 * @token: the token the API accepts
 * @tls_certificate: (nullable): the self-signed certificate the server's
 *   https:// links present on loopback, to trust for exactly those links
 * @server: (nullable): an in-process server to keep alive with the endpoint
 *
 * Returns: (transfer full): a new endpoint
 */
SdEndpoint *
sd_endpoint_new (const char      *base_url,
                 const char      *token,
                 GTlsCertificate *tls_certificate,
                 GObject         *server)
{
  SdEndpoint *self;

  g_return_val_if_fail (base_url != NULL, NULL);
  g_return_val_if_fail (token != NULL, NULL);
  g_return_val_if_fail (tls_certificate == NULL || G_IS_TLS_CERTIFICATE (tls_certificate), NULL);
  g_return_val_if_fail (server == NULL || G_IS_OBJECT (server), NULL);

  self = g_atomic_rc_box_new0 (SdEndpoint);
  self->base_url = g_strdup (base_url);
  self->token = g_strdup (token);
  self->tls_certificate = tls_certificate != NULL ? g_object_ref (tls_certificate) : NULL;
  self->server = server != NULL ? g_object_ref (server) : NULL;
  return self;
}

/**
 * sd_endpoint_ref:
 *
 * Returns: (transfer full): @self
 */
SdEndpoint *
sd_endpoint_ref (SdEndpoint *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_atomic_rc_box_acquire (self);
}

static void
endpoint_clear (SdEndpoint *self)
{
  g_free (self->base_url);
  sd_secrets_free_token (self->token);
  g_clear_object (&self->tls_certificate);
  g_clear_object (&self->server);
}

void
sd_endpoint_unref (SdEndpoint *self)
{
  g_return_if_fail (self != NULL);

  g_atomic_rc_box_release_full (self, (GDestroyNotify) endpoint_clear);
}

const char *
sd_endpoint_get_base_url (SdEndpoint *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->base_url;
}

const char *
sd_endpoint_get_token (SdEndpoint *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->token;
}

/**
 * sd_endpoint_get_tls_certificate:
 *
 * Returns: (transfer none) (nullable): the certificate to trust on loopback
 */
GTlsCertificate *
sd_endpoint_get_tls_certificate (SdEndpoint *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->tls_certificate;
}

/**
 * sd_endpoint_get_server:
 *
 * Returns: (transfer none) (nullable): the in-process server behind the
 *   endpoint, %NULL for a remote one
 */
GObject *
sd_endpoint_get_server (SdEndpoint *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->server;
}

/* sd-tls-database.c: the system's trust, shared by every TLS connection
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-tls-database"

#include "config.h"

#include "sd-tls-database.h"

struct _SdTlsDatabase
{
  GTlsDatabase  parent_instance;

  GTlsDatabase *inner;
};

G_DEFINE_FINAL_TYPE (SdTlsDatabase, sd_tls_database, G_TYPE_TLS_DATABASE)

static GTlsCertificateFlags
sd_tls_database_verify_chain (GTlsDatabase             *database,
                              GTlsCertificate          *chain,
                              const char               *purpose,
                              GSocketConnectable       *identity,
                              GTlsInteraction          *interaction,
                              GTlsDatabaseVerifyFlags   flags,
                              GCancellable             *cancellable,
                              GError                  **error)
{
  SdTlsDatabase *self = SD_TLS_DATABASE (database);

  return g_tls_database_verify_chain (self->inner, chain, purpose, identity, interaction,
                                      flags, cancellable, error);
}

static char *
sd_tls_database_create_certificate_handle (GTlsDatabase    *database,
                                           GTlsCertificate *certificate)
{
  return g_tls_database_create_certificate_handle (SD_TLS_DATABASE (database)->inner, certificate);
}

static GTlsCertificate *
sd_tls_database_lookup_certificate_for_handle (GTlsDatabase             *database,
                                               const char               *handle,
                                               GTlsInteraction          *interaction,
                                               GTlsDatabaseLookupFlags   flags,
                                               GCancellable             *cancellable,
                                               GError                  **error)
{
  return g_tls_database_lookup_certificate_for_handle (SD_TLS_DATABASE (database)->inner, handle,
                                                       interaction, flags, cancellable, error);
}

static GTlsCertificate *
sd_tls_database_lookup_certificate_issuer (GTlsDatabase             *database,
                                           GTlsCertificate          *certificate,
                                           GTlsInteraction          *interaction,
                                           GTlsDatabaseLookupFlags   flags,
                                           GCancellable             *cancellable,
                                           GError                  **error)
{
  return g_tls_database_lookup_certificate_issuer (SD_TLS_DATABASE (database)->inner, certificate,
                                                   interaction, flags, cancellable, error);
}

static GList *
sd_tls_database_lookup_certificates_issued_by (GTlsDatabase             *database,
                                               GByteArray               *issuer_raw_dn,
                                               GTlsInteraction          *interaction,
                                               GTlsDatabaseLookupFlags   flags,
                                               GCancellable             *cancellable,
                                               GError                  **error)
{
  return g_tls_database_lookup_certificates_issued_by (SD_TLS_DATABASE (database)->inner,
                                                       issuer_raw_dn, interaction, flags,
                                                       cancellable, error);
}

static void
sd_tls_database_finalize (GObject *object)
{
  SdTlsDatabase *self = SD_TLS_DATABASE (object);

  g_clear_object (&self->inner);

  G_OBJECT_CLASS (sd_tls_database_parent_class)->finalize (object);
}

static void
sd_tls_database_class_init (SdTlsDatabaseClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GTlsDatabaseClass *database_class = G_TLS_DATABASE_CLASS (klass);

  object_class->finalize = sd_tls_database_finalize;
  database_class->verify_chain = sd_tls_database_verify_chain;
  database_class->create_certificate_handle = sd_tls_database_create_certificate_handle;
  database_class->lookup_certificate_for_handle = sd_tls_database_lookup_certificate_for_handle;
  database_class->lookup_certificate_issuer = sd_tls_database_lookup_certificate_issuer;
  database_class->lookup_certificates_issued_by = sd_tls_database_lookup_certificates_issued_by;
}

static void
sd_tls_database_init (SdTlsDatabase *self)
{
}

GTlsDatabase *
sd_tls_database_new (GTlsDatabase *inner)
{
  SdTlsDatabase *self;

  g_return_val_if_fail (G_IS_TLS_DATABASE (inner), NULL);

  self = g_object_new (SD_TYPE_TLS_DATABASE, NULL);
  self->inner = g_object_ref (inner);
  return G_TLS_DATABASE (self);
}

GTlsDatabase *
sd_tls_database_get_default (void)
{
  static gsize once;
  static GTlsDatabase *shared;

  if (g_once_init_enter (&once))
    {
      g_autoptr(GTlsDatabase) inner = g_tls_backend_get_default_database (g_tls_backend_get_default ());

      shared = inner != NULL ? sd_tls_database_new (inner) : NULL;
      g_debug ("one trust database for the process: %s", shared != NULL ? "yes" : "no TLS backend");
      g_once_init_leave (&once, 1);
    }
  return shared;
}

/* sd-context.h: the services container handed to the GUI and the CLI
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "sd-types.h"

G_BEGIN_DECLS

#define SD_TYPE_CONTEXT (sd_context_get_type ())
G_DECLARE_FINAL_TYPE (SdContext, sd_context, SD, CONTEXT, GObject)

/* Owns the settings, the catalogue (with the user's overrides), the client,
 * the history store, the secrets and the service. In demo mode the API is
 * an endpoint that happens to be in-process (src/simulator/sd-demo.h starts
 * it) and the history lives in a demo database of its own, so demo tasks
 * never mix with real ones.
 *
 * Properties: "demo" (boolean, read-only), "has-token" (boolean: a token is
 * known for the current base URL, or the context is in demo mode),
 * "base-url-error" (string, read-only: why the configured API address is
 * refused, NULL when it is usable; while set, nothing is sent anywhere),
 * and, read-only, what the getters below return: "service", "store" (it
 * changes when the demo starts), "catalog", "client", "settings" (NULL
 * without the settings schema) and "secrets". */
SdContext   *sd_context_new                (GError     **error);
SdContext   *sd_context_new_for_demo       (SdEndpoint  *endpoint,
                                            GError     **error);

gboolean     sd_context_get_demo           (SdContext *self);
gboolean     sd_context_get_has_token      (SdContext *self);
const char  *sd_context_get_base_url_error (SdContext *self);
/* FALSE with the "base-url-error" sentence (SD_API_ERROR_INVALID_REQUEST). */
gboolean     sd_context_check_base_url     (SdContext  *self,
                                            GError    **error);
GSettings   *sd_context_get_settings       (SdContext *self);
SdCatalog   *sd_context_get_catalog        (SdContext *self);
/* The model last chosen in the app (the "last-model" setting) when the
 * catalog has it, else SD_CATALOG_DEFAULT_MODEL. */
char        *sd_context_dup_last_model     (SdContext *self);
SdClient    *sd_context_get_client         (SdContext *self);
SdStore     *sd_context_get_store          (SdContext *self);
SdService   *sd_context_get_service        (SdContext *self);
SdSecrets   *sd_context_get_secrets        (SdContext *self);
SdUploader  *sd_context_get_uploader       (SdContext *self);
/* NULL unless in demo mode. */
SdEndpoint  *sd_context_get_endpoint       (SdContext *self);
GTlsCertificate *sd_context_get_tls_certificate (SdContext *self);

/* Sentences the user should see once at start-up (a malformed models.json
 * override, a history database moved aside, a keyring that is missing),
 * or NULL. */
const char * const *sd_context_get_notices (SdContext *self);

/* Switches a running context to demo mode on @endpoint (the welcome page's
 * "Try the demo"); FALSE with @error when the demo history cannot be opened. */
gboolean     sd_context_start_demo         (SdContext   *self,
                                            SdEndpoint  *endpoint,
                                            GError     **error);

/* Loads the token (SEEDANCE_API_TOKEN, else the keyring) for the current base
 * URL, then loads the history and resumes polling unfinished tasks. A token
 * that cannot be sent (a control character inside) fails the start with
 * SD_API_ERROR_UNAUTHORIZED naming where it came from, after the history
 * is loaded; one trailing line ending is dropped, not refused. */
void         sd_context_start_async        (SdContext           *self,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gboolean     sd_context_start_finish       (SdContext     *self,
                                            GAsyncResult  *result,
                                            GError       **error);

/* Stores @token in the keyring for the current base URL and uses it. When no
 * Secret Service is available the token is kept for this session only and
 * the call still succeeds, with *notice set to a sentence saying so. */
void         sd_context_set_token_async    (SdContext           *self,
                                            const char          *token,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gboolean     sd_context_set_token_finish   (SdContext     *self,
                                            GAsyncResult  *result,
                                            char         **notice,
                                            GError       **error);

/* Forgets the token (has-token goes FALSE unless in demo mode) and removes
 * it from the keyring for the current base URL. */
void         sd_context_clear_token_async  (SdContext           *self,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gboolean     sd_context_clear_token_finish (SdContext     *self,
                                            GAsyncResult  *result,
                                            GError       **error);

G_END_DECLS

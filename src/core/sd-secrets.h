/* sd-secrets.h: the API token in the user's keyring
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "sd-types.h"

G_BEGIN_DECLS

#define SD_TYPE_SECRETS (sd_secrets_get_type ())
G_DECLARE_FINAL_TYPE (SdSecrets, sd_secrets, SD, SECRETS, GObject)

/* Tokens are stored with libsecret's secret_password_* calls (the Secret
 * portal inside Flatpak), under a schema named after the app ID, keyed by the
 * API base URL. When no Secret Service answers, tokens are kept in memory for
 * this session only and the caller gets a sentence saying so. Tokens are
 * never logged and never put in an error message. */
SdSecrets *sd_secrets_new            (void);

void       sd_secrets_lookup_async   (SdSecrets           *self,
                                      const char          *base_url,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
/* The token (free with sd_secrets_free_token), or NULL with no error when
 * none is stored. A missing keyring is not an error: *notice says so. */
char      *sd_secrets_lookup_finish  (SdSecrets     *self,
                                      GAsyncResult  *result,
                                      char         **notice,
                                      GError       **error);

void       sd_secrets_store_async    (SdSecrets           *self,
                                      const char          *base_url,
                                      const char          *token,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
/* TRUE when the token is usable; *notice is set when it is kept for this
 * session only. */
gboolean   sd_secrets_store_finish   (SdSecrets     *self,
                                      GAsyncResult  *result,
                                      char         **notice,
                                      GError       **error);

void       sd_secrets_clear_async    (SdSecrets           *self,
                                      const char          *base_url,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
gboolean   sd_secrets_clear_finish   (SdSecrets     *self,
                                      GAsyncResult  *result,
                                      GError       **error);

/* Keys starting with this hold the secret of the user's own upload service
 * (sd_upload_service_secret_key()), not an API token. */
#define SD_SECRETS_UPLOAD_SERVICE_PREFIX "upload-service:"

/* Overwrites the token's memory before freeing it. */
void       sd_secrets_free_token     (char *token);

G_END_DECLS

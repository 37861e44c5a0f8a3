/* sd-upload-service.c: the user's own upload service, and the links it may give
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-uploader"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "sd-client.h"
#include "sd-enum-types.h"
#include "sd-request.h"
#include "sd-secrets.h"
#include "sd-uploader.h"
#include "sd-uploader-private.h"
#include "sd-uploader-stream.h"

/* Links */

/* A link the create endpoint takes: https:// with a host, or http:// on
 * loopback (the simulator), no user info, printable ASCII. */
gboolean
_sd_uploader_link_is_acceptable (const char *url)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme, *host;

  if (url == NULL || strlen (url) > MAX_LINK_LENGTH)
    return FALSE;
  for (const char *p = url; *p != '\0'; p++)
    if ((guchar) *p <= 0x20 || (guchar) *p >= 0x7f)
      return FALSE;
  uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL);
  if (uri == NULL || g_uri_get_userinfo (uri) != NULL)
    return FALSE;
  scheme = g_uri_get_scheme (uri);
  host = g_uri_get_host (uri);
  if (host == NULL || *host == '\0')
    return FALSE;
  if (g_ascii_strcasecmp (scheme, "https") == 0)
    return TRUE;
  return g_ascii_strcasecmp (scheme, "http") == 0 && sd_host_is_loopback (host);
}

/* Upload services */

void
sd_upload_service_free (SdUploadService *service)
{
  if (service == NULL)
    return;
  g_free (service->url);
  g_free (service->field);
  g_free (service->header_name);
  if (service->secret != NULL)
    memset (service->secret, 0, strlen (service->secret));
  g_free (service->secret);
  g_free (service->json_path);
  g_free (service);
}

static gboolean
is_token_char (char c)
{
  return g_ascii_isalnum (c) || strchr ("!#$%&'*+-.^_`|~", c) != NULL;
}

static gboolean
is_header_name (const char *name)
{
  if (name == NULL || *name == '\0')
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (!is_token_char (*p))
      return FALSE;
  return TRUE;
}

gboolean
_sd_uploader_check_service_url (const char  *url,
                                GError     **error)
{
  g_autoptr(GUri) uri = url != NULL ? g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL) : NULL;
  const char *scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  const char *host = uri != NULL ? g_uri_get_host (uri) : NULL;

  if (uri != NULL && host != NULL && *host != '\0' && g_uri_get_userinfo (uri) == NULL &&
      (g_ascii_strcasecmp (scheme, "https") == 0 ||
       (g_ascii_strcasecmp (scheme, "http") == 0 && sd_host_is_loopback (host))))
    return TRUE;

  g_set_error (error, SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_SERVICE,
               _("The upload service address “%s” is refused: it must be an https:// address (http:// only on this computer), without a user name or password."),
               url != NULL ? url : "");
  return FALSE;
}

SdUploadService *
sd_upload_service_new (const char  *url,
                       const char  *field,
                       const char  *header_name,
                       const char  *secret,
                       const char  *json_path,
                       GError     **error)
{
  g_autoptr(SdUploadService) service = g_new0 (SdUploadService, 1);

  if (!_sd_uploader_check_service_url (url, error))
    return NULL;
  if (header_name != NULL && *header_name != '\0' && !is_header_name (header_name))
    {
      g_set_error (error, SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_SERVICE,
                   _("The upload service header name “%s” is not a valid HTTP header name."),
                   header_name);
      return NULL;
    }
  /* the field name goes between quotes in the multipart head */
  if (field != NULL && *field != '\0' && !is_header_name (field))
    {
      g_set_error (error, SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_SERVICE,
                   _("The upload service field name “%s” may hold only letters, digits and - _ . ! # $ %% & ' * + ^ ` | ~."),
                   field);
      return NULL;
    }
  for (const char *p = secret; p != NULL && *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      {
        g_set_error_literal (error, SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_SERVICE,
                             _("The upload service secret contains a line break or another control character; it cannot be sent in a header."));
        return NULL;
      }

  service->url = g_strdup (url);
  service->field = g_strdup (field != NULL && *field != '\0' ? field : "file");
  if (header_name != NULL && *header_name != '\0')
    service->header_name = g_strdup (header_name);
  service->secret = g_strdup (secret);
  service->json_path = g_strdup (json_path != NULL && *json_path != '\0' ? json_path : "url");
  return g_steal_pointer (&service);
}

SdUploadService *
sd_upload_service_load (const char  *path,
                        GError     **error)
{
  g_autofree char *default_path = NULL;
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *url = NULL, *field = NULL, *header = NULL, *json_path = NULL;

  if (path == NULL)
    path = default_path = g_build_filename (g_get_user_config_dir (), "seedance-studio",
                                            "upload.ini", NULL);
  if (!g_key_file_load_from_file (keyfile, path, G_KEY_FILE_NONE, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return NULL;
      g_set_error (error, SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_SERVICE,
                   _("Cannot read the upload service settings in “%s”: %s"),
                   path, local_error->message);
      return NULL;
    }

  url = g_key_file_get_string (keyfile, "service", "url", NULL);
  if (url == NULL)
    {
      g_set_error (error, SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_SERVICE,
                   _("“%s” has no url in its [service] group."), path);
      return NULL;
    }
  field = g_key_file_get_string (keyfile, "service", "field", NULL);
  header = g_key_file_get_string (keyfile, "service", "header", NULL);
  json_path = g_key_file_get_string (keyfile, "service", "json-path", NULL);
  return sd_upload_service_new (url, field, header, g_getenv (SD_UPLOAD_SECRET_ENV),
                                json_path, error);
}

SdUploadService *
sd_upload_service_new_from_settings (GSettings  *settings,
                                     const char *secret,
                                     GError    **error)
{
  g_autofree char *url = g_settings_get_string (settings, "upload-service-url");
  g_autofree char *field = g_settings_get_string (settings, "upload-service-field");
  g_autofree char *header = g_settings_get_string (settings, "upload-service-header");
  g_autofree char *json_path = g_settings_get_string (settings, "upload-service-json-path");

  if (*g_strstrip (url) == '\0')
    return NULL;
  return sd_upload_service_new (url, field, header, secret, json_path, error);
}

char *
sd_upload_service_secret_key (const char *service_url)
{
  return g_strconcat (SD_SECRETS_UPLOAD_SERVICE_PREFIX, service_url, NULL);
}

SdUploadService *
_sd_upload_service_copy (const SdUploadService *service)
{
  return sd_upload_service_new (service->url, service->field, service->header_name,
                                service->secret, service->json_path, NULL);
}

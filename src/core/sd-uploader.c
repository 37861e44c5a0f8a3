/* sd-uploader.c: local files become links the create endpoint accepts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-uploader"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#if HAVE_GNUTLS
#include <gnutls/crypto.h>
#endif

#include "sd-client.h"
#include "sd-enum-types.h"
#include "sd-request.h"
#include "sd-secrets.h"
#include "sd-uploader.h"
#include "sd-uploader-private.h"
#include "sd-uploader-stream.h"

G_DEFINE_QUARK (sd-upload-error-quark, sd_upload_error)

/* Formats */

typedef struct
{
  const char   *content_type;
  SdUploadKind  kind;
} Format;

/* PROVIDER-EXTRAS.md: images .jpg .jpeg .png .gif .webp .bmp .svg; video
 * .mp4 .mov .avi .webm .mkv .m4v .flv; audio .mp3 .wav .aac .m4a .flac .ogg.
 * Told apart by their magic numbers, not by shared-mime-info (which a
 * sandbox or a minimal system may lack) and never by the name. */
static const Format jpeg = { "image/jpeg", SD_UPLOAD_KIND_IMAGE };
static const Format png = { "image/png", SD_UPLOAD_KIND_IMAGE };
static const Format gif = { "image/gif", SD_UPLOAD_KIND_IMAGE };
static const Format webp = { "image/webp", SD_UPLOAD_KIND_IMAGE };
static const Format bmp = { "image/bmp", SD_UPLOAD_KIND_IMAGE };
static const Format svg = { "image/svg+xml", SD_UPLOAD_KIND_IMAGE };
static const Format mp4 = { "video/mp4", SD_UPLOAD_KIND_VIDEO };
static const Format quicktime = { "video/quicktime", SD_UPLOAD_KIND_VIDEO };
static const Format m4v = { "video/x-m4v", SD_UPLOAD_KIND_VIDEO };
static const Format avi = { "video/x-msvideo", SD_UPLOAD_KIND_VIDEO };
static const Format webm = { "video/webm", SD_UPLOAD_KIND_VIDEO };
static const Format matroska = { "video/x-matroska", SD_UPLOAD_KIND_VIDEO };
static const Format flv = { "video/x-flv", SD_UPLOAD_KIND_VIDEO };
static const Format mp3 = { "audio/mpeg", SD_UPLOAD_KIND_AUDIO };
static const Format wav = { "audio/wav", SD_UPLOAD_KIND_AUDIO };
static const Format aac = { "audio/aac", SD_UPLOAD_KIND_AUDIO };
static const Format m4a = { "audio/mp4", SD_UPLOAD_KIND_AUDIO };
static const Format flac = { "audio/flac", SD_UPLOAD_KIND_AUDIO };
static const Format ogg = { "audio/ogg", SD_UPLOAD_KIND_AUDIO };

static gboolean
has_bytes (const guint8 *data,
           gsize         length,
           gsize         offset,
           const char   *magic,
           gsize         magic_length)
{
  return length >= offset + magic_length && memcmp (data + offset, magic, magic_length) == 0;
}

#define HAS(offset, magic) has_bytes (data, length, offset, magic, sizeof magic - 1)

static const Format *
classify_iso_media (const guint8 *data,
                    gsize         length)
{
  if (HAS (4, "ftyp"))
    {
      if (HAS (8, "qt  "))
        return &quicktime;
      if (HAS (8, "M4A ") || HAS (8, "M4B "))
        return &m4a;
      if (HAS (8, "M4V"))
        return &m4v;
      return &mp4;
    }
  if (HAS (4, "moov") || HAS (4, "mdat") || HAS (4, "wide") || HAS (4, "free"))
    return &quicktime;
  return NULL;
}

static const Format *
classify_riff (const guint8 *data,
               gsize         length)
{
  if (!HAS (0, "RIFF"))
    return NULL;
  if (HAS (8, "WEBP"))
    return &webp;
  if (HAS (8, "AVI "))
    return &avi;
  if (HAS (8, "WAVE"))
    return &wav;
  return NULL;
}

static const Format *
classify_mpeg_audio (const guint8 *data,
                     gsize         length)
{
  guint layer;

  if (HAS (0, "ID3"))
    return &mp3;
  if (length < 2 || data[0] != 0xff || (data[1] & 0xe0) != 0xe0)
    return NULL;
  layer = (data[1] >> 1) & 0x3;
  if ((data[1] & 0xf6) == 0xf0)   /* ADTS: MPEG-2/4 sync, layer 0 */
    return &aac;
  return layer != 0 ? &mp3 : NULL;
}

static gboolean
bmp_header_is_plausible (const guint8 *data,
                         gsize         length)
{
  guint32 header;

  if (!HAS (0, "BM") || length < 18)
    return FALSE;
  header = data[14] | data[15] << 8 | data[16] << 16 | (guint32) data[17] << 24;
  return header == 12 || header == 40 || header == 52 || header == 56 ||
         header == 64 || header == 108 || header == 124;
}

/* An SVG document: text whose first element is <svg, after an optional
 * byte order mark, XML declaration, comments and doctype. */
static gboolean
is_svg (const guint8 *data,
        gsize         length)
{
  g_autofree char *text = g_strndup ((const char *) data, length);
  const char *p = text;

  if (g_str_has_prefix (p, "\xef\xbb\xbf"))
    p += 3;
  for (;;)
    {
      while (g_ascii_isspace (*p))
        p++;
      if (g_str_has_prefix (p, "<?") || g_str_has_prefix (p, "<!"))
        {
          gboolean comment = g_str_has_prefix (p, "<!--");
          const char *end = comment ? strstr (p, "-->") : strchr (p, '>');

          if (end == NULL)
            return FALSE;
          p = end + (comment ? 3 : 1);
          continue;
        }
      return g_str_has_prefix (p, "<svg") &&
             (g_ascii_isspace (p[4]) || p[4] == '>' || p[4] == '\0');
    }
}

static const Format *
classify (const guint8 *data,
          gsize         length)
{
  const Format *format;

  if (length >= 3 && data[0] == 0xff && data[1] == 0xd8 && data[2] == 0xff)
    return &jpeg;
  if (HAS (0, "\x89PNG\r\n\x1a\n"))
    return &png;
  if (HAS (0, "GIF87a") || HAS (0, "GIF89a"))
    return &gif;
  if (bmp_header_is_plausible (data, length))
    return &bmp;
  if ((format = classify_riff (data, length)) != NULL ||
      (format = classify_iso_media (data, length)) != NULL)
    return format;
  if (HAS (0, "\x1a\x45\xdf\xa3"))
    return g_strstr_len ((const char *) data, MIN (length, 64), "webm") != NULL ? &webm : &matroska;
  if (HAS (0, "FLV\x01"))
    return &flv;
  if (HAS (0, "fLaC"))
    return &flac;
  if (HAS (0, "OggS"))
    return &ogg;
  if ((format = classify_mpeg_audio (data, length)) != NULL)
    return format;
  if (is_svg (data, length))
    return &svg;
  return NULL;
}

#undef HAS

static const char *
kind_noun (SdUploadKind kind)
{
  switch (kind)
    {
    case SD_UPLOAD_KIND_VIDEO: return _("a video");
    case SD_UPLOAD_KIND_AUDIO: return _("an audio file");
    case SD_UPLOAD_KIND_IMAGE:
    default:                   return _("an image");
    }
}

static const char *
kind_formats (SdUploadKind kind)
{
  switch (kind)
    {
    case SD_UPLOAD_KIND_VIDEO: return _("MP4, MOV, AVI, WebM, MKV, M4V or FLV");
    case SD_UPLOAD_KIND_AUDIO: return _("MP3, WAV, AAC, M4A, FLAC or OGG");
    case SD_UPLOAD_KIND_IMAGE:
    default:                   return _("JPEG, PNG, GIF, WebP, BMP or SVG");
    }
}

const char *
sd_upload_classify_content (const guint8 *data,
                            gsize         length,
                            SdUploadKind *kind)
{
  const Format *format = data != NULL ? classify (data, length) : NULL;

  if (format == NULL)
    return NULL;
  if (kind != NULL)
    *kind = format->kind;
  return format->content_type;
}

gboolean
sd_upload_kind_for_field (const char   *field,
                          SdUploadKind *kind)
{
  static const struct { const char *field; SdUploadKind kind; } fields[] = {
    { "images", SD_UPLOAD_KIND_IMAGE },
    { "first_image", SD_UPLOAD_KIND_IMAGE },
    { "last_image", SD_UPLOAD_KIND_IMAGE },
    { "reference_videos", SD_UPLOAD_KIND_VIDEO },
    { "reference_audios", SD_UPLOAD_KIND_AUDIO },
  };

  for (guint i = 0; field != NULL && i < G_N_ELEMENTS (fields); i++)
    if (g_str_equal (field, fields[i].field))
      {
        *kind = fields[i].kind;
        return TRUE;
      }
  return FALSE;
}

GFile *
sd_upload_local_file_for_reference (const char *reference)
{
  if (reference == NULL || *reference == '\0')
    return NULL;
  if (g_ascii_strncasecmp (reference, "file://", 7) == 0)
    {
      g_autofree char *path = g_filename_from_uri (reference, NULL, NULL);

      return path != NULL ? g_file_new_for_path (path) : NULL;
    }
  if (g_str_has_prefix (reference, "~/"))
    {
      g_autofree char *path = g_build_filename (g_get_home_dir (), reference + 2, NULL);

      return g_file_new_for_path (path);
    }
  if (reference[0] == '/' || g_str_has_prefix (reference, "./") ||
      g_str_has_prefix (reference, "../"))
    return g_file_new_for_commandline_arg (reference);
  return NULL;
}

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

/* SdUpload */


G_DEFINE_FINAL_TYPE (SdUpload, sd_upload, G_TYPE_OBJECT)

enum {
  UPLOAD_PROP_0,
  UPLOAD_PROP_FILE,
  UPLOAD_PROP_KIND,
  UPLOAD_PROP_STATE,
  UPLOAD_PROP_BYTES_SENT,
  UPLOAD_PROP_TOTAL,
  UPLOAD_PROP_SHA256,
  UPLOAD_PROP_URL,
  UPLOAD_PROP_EXPIRES_AT,
  UPLOAD_PROP_CACHED,
  UPLOAD_N_PROPS
};

static GParamSpec *upload_properties[UPLOAD_N_PROPS];

static void
sd_upload_finalize (GObject *object)
{
  SdUpload *self = SD_UPLOAD (object);

  g_clear_object (&self->file);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->sha256, g_free);
  g_clear_pointer (&self->url, g_free);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (sd_upload_parent_class)->finalize (object);
}

static void
sd_upload_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  SdUpload *self = SD_UPLOAD (object);

  switch (prop_id)
    {
    case UPLOAD_PROP_FILE:       g_value_set_object (value, self->file); break;
    case UPLOAD_PROP_KIND:       g_value_set_enum (value, self->kind); break;
    case UPLOAD_PROP_STATE:      g_value_set_enum (value, self->state); break;
    case UPLOAD_PROP_BYTES_SENT: g_value_set_uint64 (value, self->bytes_sent); break;
    case UPLOAD_PROP_TOTAL:      g_value_set_uint64 (value, self->total); break;
    case UPLOAD_PROP_SHA256:     g_value_set_string (value, self->sha256); break;
    case UPLOAD_PROP_URL:        g_value_set_string (value, self->url); break;
    case UPLOAD_PROP_EXPIRES_AT: g_value_set_int64 (value, self->expires_at); break;
    case UPLOAD_PROP_CACHED:     g_value_set_boolean (value, self->cached); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_upload_class_init (SdUploadClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = sd_upload_finalize;
  object_class->get_property = sd_upload_get_property;

  upload_properties[UPLOAD_PROP_FILE] = g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE, flags);
  upload_properties[UPLOAD_PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL, SD_TYPE_UPLOAD_KIND, SD_UPLOAD_KIND_IMAGE, flags);
  upload_properties[UPLOAD_PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, SD_TYPE_UPLOAD_STATE, SD_UPLOAD_STATE_CHECKING, flags);
  upload_properties[UPLOAD_PROP_BYTES_SENT] =
    g_param_spec_uint64 ("bytes-sent", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  upload_properties[UPLOAD_PROP_TOTAL] =
    g_param_spec_uint64 ("total", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  upload_properties[UPLOAD_PROP_SHA256] = g_param_spec_string ("sha256", NULL, NULL, NULL, flags);
  upload_properties[UPLOAD_PROP_URL] = g_param_spec_string ("url", NULL, NULL, NULL, flags);
  upload_properties[UPLOAD_PROP_EXPIRES_AT] =
    g_param_spec_int64 ("expires-at", NULL, NULL, 0, G_MAXINT64, 0, flags);
  upload_properties[UPLOAD_PROP_CACHED] = g_param_spec_boolean ("cached", NULL, NULL, FALSE, flags);
  g_object_class_install_properties (object_class, UPLOAD_N_PROPS, upload_properties);
}

static void
sd_upload_init (SdUpload *self)
{
  self->cancellable = g_cancellable_new ();
}

#define UPLOAD_GETTER(type, name, member) \
  type sd_upload_get_##name (SdUpload *self) \
  { \
    g_return_val_if_fail (SD_IS_UPLOAD (self), 0); \
    return self->member; \
  }

UPLOAD_GETTER (GFile *, file, file)
UPLOAD_GETTER (SdUploadKind, kind, kind)
UPLOAD_GETTER (SdUploadState, state, state)
UPLOAD_GETTER (guint64, bytes_sent, bytes_sent)
UPLOAD_GETTER (guint64, total, total)
UPLOAD_GETTER (const char *, sha256, sha256)
UPLOAD_GETTER (const char *, url, url)
UPLOAD_GETTER (gint64, expires_at, expires_at)
UPLOAD_GETTER (gboolean, cached, cached)
UPLOAD_GETTER (const GError *, error, error)

void
sd_upload_cancel (SdUpload *self)
{
  g_return_if_fail (SD_IS_UPLOAD (self));

  g_cancellable_cancel (self->cancellable);
}

void
_sd_upload_set_state (SdUpload      *self,
                      SdUploadState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), upload_properties[UPLOAD_PROP_STATE]);
}

void
_sd_upload_set_bytes_sent (SdUpload *self,
                           guint64   bytes)
{
  bytes = MIN (bytes, self->total);
  if (self->bytes_sent == bytes)
    return;
  self->bytes_sent = bytes;
  g_object_notify_by_pspec (G_OBJECT (self), upload_properties[UPLOAD_PROP_BYTES_SENT]);
}

static void
upload_set_link (SdUpload   *self,
                 const char *url,
                 gint64      expires_at,
                 gboolean    cached)
{
  g_object_freeze_notify (G_OBJECT (self));
  g_free (self->url);
  self->url = g_strdup (url);
  self->expires_at = expires_at;
  self->cached = cached;
  g_object_notify_by_pspec (G_OBJECT (self), upload_properties[UPLOAD_PROP_URL]);
  g_object_notify_by_pspec (G_OBJECT (self), upload_properties[UPLOAD_PROP_EXPIRES_AT]);
  g_object_notify_by_pspec (G_OBJECT (self), upload_properties[UPLOAD_PROP_CACHED]);
  _sd_upload_set_state (self, SD_UPLOAD_STATE_DONE);
  g_object_thaw_notify (G_OBJECT (self));
}

char *
_sd_upload_name (SdUpload *self)
{
  return g_file_get_parse_name (self->file);
}

/* SdUploader */


G_DEFINE_FINAL_TYPE (SdUploader, sd_uploader, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PRIVACY_ACKNOWLEDGED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

guint _sd_uploader_signals[N_SIGNALS];


void
_sd_uploader_cache_entry_free (CacheEntry *entry)
{
  g_free (entry->url);
  g_free (entry);
}

static void
sd_uploader_finalize (GObject *object)
{
  SdUploader *self = SD_UPLOADER (object);

  g_clear_object (&self->client);
  g_clear_pointer (&self->service, sd_upload_service_free);
  g_clear_pointer (&self->cache_path, g_free);
  g_clear_pointer (&self->cache, g_hash_table_unref);
  g_clear_pointer (&self->unsupported, g_hash_table_unref);
  g_queue_clear_full (&self->waiting, g_object_unref);

  G_OBJECT_CLASS (sd_uploader_parent_class)->finalize (object);
}

static void
sd_uploader_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  SdUploader *self = SD_UPLOADER (object);

  switch (prop_id)
    {
    case PROP_PRIVACY_ACKNOWLEDGED:
      g_value_set_boolean (value, self->privacy_acknowledged);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_uploader_class_init (SdUploaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sd_uploader_finalize;
  object_class->get_property = sd_uploader_get_property;

  properties[PROP_PRIVACY_ACKNOWLEDGED] =
    g_param_spec_boolean ("privacy-acknowledged", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  _sd_uploader_signals[SIGNAL_UPLOAD_STARTED] =
    g_signal_new ("upload-started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, SD_TYPE_UPLOAD);
}

static void
sd_uploader_init (SdUploader *self)
{
  self->cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) _sd_uploader_cache_entry_free);
  self->unsupported = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_queue_init (&self->waiting);
  self->lifetime = SD_UPLOAD_LIFETIME_S;
}

/* The cache: a small JSON file, one entry per (file, upload target). */

void
_sd_uploader_cache_load (SdUploader *self)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonNode *root;
  JsonArray *entries;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (!json_parser_load_from_mapped_file (parser, self->cache_path, &error))
    {
      if (!g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_debug ("upload cache %s not read: %s", self->cache_path, error->message);
      return;
    }
  root = json_parser_get_root (parser);
  if (!JSON_NODE_HOLDS_OBJECT (root) ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (json_node_get_object (root), "uploads")))
    {
      g_debug ("upload cache %s is not what we write; ignored", self->cache_path);
      return;
    }
  entries = json_object_get_array_member (json_node_get_object (root), "uploads");
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonNode *node = json_array_get_element (entries, i);
      JsonObject *object;
      const char *key, *url;
      CacheEntry *entry;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      object = json_node_get_object (node);
      key = json_object_get_string_member_with_default (object, "key", NULL);
      url = json_object_get_string_member_with_default (object, "url", NULL);
      if (key == NULL || !_sd_uploader_link_is_acceptable (url))
        continue;
      entry = g_new0 (CacheEntry, 1);
      entry->url = g_strdup (url);
      entry->created_at = json_object_get_int_member_with_default (object, "created_at", 0);
      entry->size = json_object_get_int_member_with_default (object, "size", 0);
      if (entry->created_at + SD_UPLOAD_LIFETIME_S <= now)
        _sd_uploader_cache_entry_free (entry);
      else
        g_hash_table_replace (self->cache, g_strdup (key), entry);
    }
}

void
_sd_uploader_cache_save (SdUploader *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  g_autofree char *dir = g_path_get_dirname (self->cache_path);
  g_autoptr(GError) error = NULL;
  GHashTableIter iter;
  gpointer key, value;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, CACHE_VERSION);
  json_builder_set_member_name (builder, "uploads");
  json_builder_begin_array (builder);
  g_hash_table_iter_init (&iter, self->cache);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      CacheEntry *entry = value;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "key");
      json_builder_add_string_value (builder, key);
      json_builder_set_member_name (builder, "url");
      json_builder_add_string_value (builder, entry->url);
      json_builder_set_member_name (builder, "created_at");
      json_builder_add_int_value (builder, entry->created_at);
      json_builder_set_member_name (builder, "size");
      json_builder_add_int_value (builder, entry->size);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  text = json_to_string (root, TRUE);

  if (g_mkdir_with_parents (dir, 0700) != 0 ||
      !g_file_set_contents_full (self->cache_path, text, -1,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
    g_debug ("upload cache %s not written: %s", self->cache_path,
             error != NULL ? error->message : g_strerror (errno));
}

static char *
privacy_state_path (void)
{
  return g_build_filename (g_get_user_state_dir (), "seedance-studio",
                           "upload-privacy-acknowledged", NULL);
}

SdUploader *
sd_uploader_new (SdClient   *client,
                 const char *cache_path)
{
  SdUploader *self;
  g_autofree char *privacy = privacy_state_path ();

  g_return_val_if_fail (SD_IS_CLIENT (client), NULL);

  self = g_object_new (SD_TYPE_UPLOADER, NULL);
  self->client = g_object_ref (client);
  self->cache_path = cache_path != NULL
    ? g_strdup (cache_path)
    : g_build_filename (g_get_user_cache_dir (), "seedance-studio", "uploads.json", NULL);
  self->privacy_acknowledged = g_file_test (privacy, G_FILE_TEST_EXISTS);
  _sd_uploader_cache_load (self);
  return self;
}

void
sd_uploader_set_service (SdUploader      *self,
                         SdUploadService *service)
{
  g_return_if_fail (SD_IS_UPLOADER (self));

  g_clear_pointer (&self->service, sd_upload_service_free);
  if (service != NULL)
    self->service = _sd_upload_service_copy (service);
}

void
sd_uploader_set_link_lifetime (SdUploader *self,
                               gint64      seconds)
{
  g_return_if_fail (SD_IS_UPLOADER (self));

  self->lifetime = seconds;
}

const char *
sd_uploader_get_privacy_notice (void)
{
  return _("An uploaded file gets a link that anyone who has the link can open, for about 3 days.");
}

gboolean
sd_uploader_get_privacy_acknowledged (SdUploader *self)
{
  g_return_val_if_fail (SD_IS_UPLOADER (self), FALSE);

  return self->privacy_acknowledged;
}

void
sd_uploader_acknowledge_privacy (SdUploader *self)
{
  g_autofree char *path = privacy_state_path ();
  g_autofree char *dir = g_path_get_dirname (path);

  g_return_if_fail (SD_IS_UPLOADER (self));

  if (self->privacy_acknowledged)
    return;
  if (g_mkdir_with_parents (dir, 0700) != 0 || !g_file_set_contents (path, "", 0, NULL))
    g_debug ("privacy acknowledgement not written to %s", path);
  self->privacy_acknowledged = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRIVACY_ACKNOWLEDGED]);
}

/* Where uploads go now: the custom service's address, or the API base. */
static const char *
upload_target (SdUploader *self)
{
  if (self->service != NULL)
    return self->service->url;
  return sd_client_get_base_url (self->client);
}

char *
_sd_uploader_cache_key (const char *sha256,
                        const char *target)
{
  return g_strconcat (sha256, " ", target, NULL);
}

/* One upload job: check, cache, wait for a slot, send, read the answer. */

static void
job_free (Job *job)
{
  if (job->queued_handler != 0)
    g_cancellable_disconnect (job->upload->cancellable, job->queued_handler);
  if (job->caller_handler != 0)
    g_cancellable_disconnect (job->caller_cancellable, job->caller_handler);
  g_clear_object (&job->caller_cancellable);
  g_clear_handle_id (&job->retry_source, g_source_remove);
  g_clear_object (&job->upload);
  g_free (job->content_type);
  g_free (job->target);
  g_clear_object (&job->message);
  g_clear_object (&job->answer_stream);
  g_clear_pointer (&job->answer, g_byte_array_unref);
  g_free (job);
}

static void
on_caller_cancelled_cb (GCancellable *cancellable,
                        gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

static void start_next_waiting (SdUploader *self);

/* The answer's stream holds a connection of the session (2 a host) until
 * it is closed: closed as soon as the job is over, whoever keeps the job. */
static void
job_release_slot (SdUploader *self,
                  Job        *job)
{
  if (job->answer_stream != NULL)
    g_input_stream_close_async (job->answer_stream, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
  g_clear_object (&job->answer_stream);
  g_clear_object (&job->message);
  if (!job->holds_slot)
    return;
  job->holds_slot = FALSE;
  self->active--;
  start_next_waiting (self);
}

void
_sd_uploader_job_fail (GTask  *task,
                       GError *error)
{
  SdUploader *self = g_task_get_source_object (task);
  Job *job = g_task_get_task_data (task);
  g_autofree char *name = _sd_upload_name (job->upload);

  g_debug ("upload of %s failed: %s", name, error->message);
  g_clear_error (&job->upload->error);
  job->upload->error = g_error_copy (error);
  _sd_upload_set_state (job->upload, SD_UPLOAD_STATE_FAILED);
  job_release_slot (self, job);
  g_task_return_error (task, error);
}

void
_sd_uploader_job_succeed (GTask      *task,
                          const char *url,
                          gint64      created_at,
                          gboolean    cached)
{
  SdUploader *self = g_task_get_source_object (task);
  Job *job = g_task_get_task_data (task);

  upload_set_link (job->upload, url, created_at + self->lifetime, cached);
  job_release_slot (self, job);
  g_task_return_pointer (task, g_object_ref (job->upload), g_object_unref);
}

/* SHA-256, streamed: GnuTLS uses the CPU's SHA instructions (about 5×
 * GChecksum's speed, which alone was slower than sending on loopback). */
typedef struct
{
#if HAVE_GNUTLS
  gnutls_hash_hd_t  gnutls;
#endif
  GChecksum        *checksum;
} Hash;

static void
hash_init (Hash *hash)
{
#if HAVE_GNUTLS
  if (gnutls_hash_init (&hash->gnutls, GNUTLS_DIG_SHA256) == 0)
    return;
  hash->gnutls = NULL;
#endif
  hash->checksum = g_checksum_new (G_CHECKSUM_SHA256);
}

static void
hash_update (Hash         *hash,
             const guint8 *data,
             gsize         length)
{
#if HAVE_GNUTLS
  if (hash->gnutls != NULL)
    {
      gnutls_hash (hash->gnutls, data, length);
      return;
    }
#endif
  g_checksum_update (hash->checksum, data, length);
}

/* The hex digest; frees the state. */
static char *
hash_finish (Hash *hash)
{
  char *hex;

#if HAVE_GNUTLS
  if (hash->gnutls != NULL)
    {
      guint8 digest[32];

      gnutls_hash_deinit (hash->gnutls, digest);
      hash->gnutls = NULL;
      hex = g_malloc (2 * sizeof digest + 1);
      for (gsize i = 0; i < sizeof digest; i++)
        g_snprintf (hex + 2 * i, 3, "%02x", digest[i]);
      return hex;
    }
#endif
  if (hash->checksum == NULL)
    return NULL;
  hex = g_strdup (g_checksum_get_string (hash->checksum));
  g_clear_pointer (&hash->checksum, g_checksum_free);
  return hex;
}

/* Facts, read in a thread: size, type by content, SHA-256 (streamed). */


void
_sd_uploader_facts_free (Facts *facts)
{
  g_free (facts->content_type);
  g_free (facts->sha256);
  g_free (facts);
}

static gboolean
check_info (GFile       *file,
            const char  *name,
            guint64     *size,
            GCancellable *cancellable,
            GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GFileInfo) info =
    g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_TYPE "," G_FILE_ATTRIBUTE_STANDARD_SIZE,
                       G_FILE_QUERY_INFO_NONE, cancellable, &local_error);
  g_autofree char *size_text = NULL;

  if (info == NULL)
    {
      g_set_error (error, SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_UNREADABLE,
                   _("Cannot read “%s”: %s"), name, local_error->message);
      return FALSE;
    }
  if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    {
      g_set_error (error, SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_UNREADABLE,
                   _("“%s” is not a regular file; only files can be uploaded."), name);
      return FALSE;
    }
  *size = g_file_info_get_size (info);
  if (*size > SD_UPLOAD_MAX_SIZE)
    {
      size_text = g_format_size (*size);
      g_set_error (error, SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_TOO_LARGE,
                   _("“%s” is %s; an upload takes at most 100 MB a file."), name, size_text);
      return FALSE;
    }
  if (*size == 0)
    {
      g_set_error (error, SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_WRONG_TYPE,
                   _("“%s” is empty; an upload needs an image, video or audio file."), name);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_type (const char    *name,
            const guint8  *data,
            gsize          length,
            SdUploadKind   wanted,
            char         **content_type,
            GError       **error)
{
  SdUploadKind kind;
  const char *type = sd_upload_classify_content (data, length, &kind);

  if (type == NULL)
    {
      g_set_error (error, SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_WRONG_TYPE,
                   _("“%s” is not a format the upload takes: by its content it is none of them, and %s must be %s."),
                   name, kind_noun (wanted), kind_formats (wanted));
      return FALSE;
    }
  if (kind != wanted)
    {
      g_set_error (error, SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_WRONG_TYPE,
                   _("“%s” is %s (%s), but this field takes %s (%s)."),
                   name, kind_noun (kind), type, kind_noun (wanted), kind_formats (wanted));
      return FALSE;
    }
  *content_type = g_strdup (type);
  return TRUE;
}

static Facts *
read_facts (GFile         *file,
            SdUploadKind   kind,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autofree char *name = g_file_get_parse_name (file);
  g_autoptr(GFileInputStream) stream = NULL;
  g_autofree guint8 *buffer = g_malloc (HASH_CHUNK);
  Hash hash = { 0 };
  g_autoptr(GError) local_error = NULL;
  g_autofree char *content_type = NULL;
  g_autofree char *sha256 = NULL;
  guint64 size = 0, hashed = 0;
  gsize sniffed = 0;
  Facts *facts;

  if (!check_info (file, name, &size, cancellable, error))
    return NULL;
  stream = g_file_read (file, cancellable, &local_error);
  /* The first bytes decide the type, before anything is hashed. */
  if (stream == NULL ||
      !g_input_stream_read_all (G_INPUT_STREAM (stream), buffer, MIN (SNIFF_SIZE, size),
                                &sniffed, cancellable, &local_error))
    goto unreadable;
  if (!check_type (name, buffer, sniffed, kind, &content_type, error))
    return NULL;
  hash_init (&hash);
  hash_update (&hash, buffer, sniffed);
  hashed = sniffed;
  for (;;)
    {
      gssize n = g_input_stream_read (G_INPUT_STREAM (stream), buffer, HASH_CHUNK,
                                      cancellable, &local_error);
      if (n < 0)
        goto unreadable;
      if (n == 0)
        break;
      hash_update (&hash, buffer, n);
      hashed += n;
      if (hashed > SD_UPLOAD_MAX_SIZE)
        break;
    }
  sha256 = hash_finish (&hash);
  if (hashed != size)
    {
      g_set_error (error, SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_UNREADABLE,
                   _("“%s” changed while it was being read; try again once it is complete."), name);
      return NULL;
    }

  facts = g_new0 (Facts, 1);
  facts->size = size;
  facts->content_type = g_steal_pointer (&content_type);
  facts->sha256 = g_steal_pointer (&sha256);
  return facts;

unreadable:
  g_free (hash_finish (&hash));
  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_propagate_error (error, g_steal_pointer (&local_error));
  else
    g_set_error (error, SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_UNREADABLE,
                 _("Cannot read “%s”: %s"), name, local_error->message);
  return NULL;
}

void
_sd_uploader_read_facts_thread (GTask        *task,
                                gpointer      source_object,
                                gpointer      task_data,
                                GCancellable *cancellable)
{
  SdUpload *upload = task_data;
  GError *error = NULL;
  Facts *facts = read_facts (upload->file, upload->kind, cancellable, &error);

  if (facts == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, facts, (GDestroyNotify) _sd_uploader_facts_free);
}

/* The multipart envelope around the file */

static char *
header_safe_filename (GFile *file)
{
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *valid = g_utf8_make_valid (name != NULL ? name : "upload", -1);

  for (char *p = valid; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f || *p == '"' || *p == '\\')
      *p = '_';
  return g_steal_pointer (&valid);
}

static SoupMessage *
job_new_message (SdUploader  *self,
                 Job         *job,
                 GError     **error)
{
  SoupMessage *message;

  if (!job->custom)
    return sd_client_new_api_message (self->client, SOUP_METHOD_POST, SD_UPLOAD_PATH, error);

  /* The user's own service: never the Seedance token, only its own secret. */
  message = soup_message_new (SOUP_METHOD_POST, self->service->url);
  if (message == NULL)
    {
      _sd_uploader_check_service_url (NULL, error);
      return NULL;
    }
  soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT);
  soup_message_headers_replace (soup_message_get_request_headers (message),
                                "Accept", "application/json");
  if (self->service->header_name != NULL && self->service->secret != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (message),
                                  self->service->header_name, self->service->secret);
  return message;
}

static gboolean
job_set_body (SdUploader  *self,
              Job         *job,
              GError     **error)
{
  g_autofree char *boundary = NULL;
  g_autofree char *filename = header_safe_filename (job->upload->file);
  g_autofree char *content_type = NULL;
  g_autofree char *head_text = NULL;
  g_autofree char *tail_text = NULL;
  g_autoptr(GBytes) head = NULL;
  g_autoptr(GBytes) tail = NULL;
  g_autoptr(GFileInputStream) file = NULL;
  g_autoptr(GInputStream) body = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *name = _sd_upload_name (job->upload);
  const char *field = job->custom ? self->service->field : "file";

  file = g_file_read (job->upload->file, NULL, &local_error);
  if (file == NULL)
    {
      g_set_error (error, SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_UNREADABLE,
                   _("Cannot read “%s”: %s"), name, local_error->message);
      return FALSE;
    }

  boundary = g_strdup_printf ("seedance-%08x%08x%08x", g_random_int (), g_random_int (),
                              g_random_int ());
  head_text = g_strdup_printf ("--%s\r\n"
                               "Content-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\n"
                               "Content-Type: %s\r\n\r\n",
                               boundary, field, filename, job->content_type);
  tail_text = g_strdup_printf ("\r\n--%s--\r\n", boundary);
  job->head_length = strlen (head_text);
  head = g_bytes_new (head_text, job->head_length);
  tail = g_bytes_new (tail_text, strlen (tail_text));

  body = sd_upload_body_stream_new (head, G_INPUT_STREAM (file), job->upload->total, tail);
  content_type = g_strdup_printf ("multipart/form-data; boundary=%s", boundary);
  soup_message_set_request_body (job->message, content_type, body,
                                 job->head_length + job->upload->total + strlen (tail_text));
  return TRUE;
}

static void
on_wrote_body_data_cb (SoupMessage *message,
                       guint        chunk_size,
                       gpointer     user_data)
{
  Job *job = user_data;

  job->body_started = TRUE;
  job->body_written += chunk_size;
  if (job->body_written > job->head_length)
    _sd_upload_set_bytes_sent (job->upload, job->body_written - job->head_length);
}

/* Answers */

GError *
_sd_uploader_unsupported_error (SdUploader *self,
                                const char *why)
{
  const char *base = sd_client_get_base_url (self->client);

  if (base != NULL && !g_hash_table_contains (self->unsupported, base))
    {
      g_debug ("%s has no upload endpoint (%s); said once", base, why);
      g_hash_table_add (self->unsupported, g_strdup (base));
    }
  return g_error_new_literal (SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_UNSUPPORTED,
                              _("This server does not accept uploads; use links, or set an upload service in Preferences."));
}

static char *
answer_message (JsonNode *root)
{
  const char *msg = NULL;
  g_autofree char *valid = NULL;

  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    msg = json_object_get_string_member_with_default (json_node_get_object (root), "msg", NULL);
  if (msg == NULL)
    return g_strdup ("");
  valid = g_utf8_make_valid (msg, -1);
  if (g_utf8_strlen (valid, -1) > 200)
    *g_utf8_offset_to_pointer (valid, 200) = '\0';
  return g_steal_pointer (&valid);
}

/* The node at a dotted path ("data.url", "files.0.url"). */
static JsonNode *
node_at_path (JsonNode   *root,
              const char *path)
{
  g_auto(GStrv) steps = g_strsplit (path, ".", 16);
  JsonNode *node = root;

  for (guint i = 0; steps[i] != NULL && node != NULL; i++)
    {
      char *end = NULL;
      guint64 index;

      if (JSON_NODE_HOLDS_OBJECT (node))
        node = json_object_get_member (json_node_get_object (node), steps[i]);
      else if (JSON_NODE_HOLDS_ARRAY (node) &&
               (index = g_ascii_strtoull (steps[i], &end, 10), *steps[i] != '\0' && *end == '\0') &&
               index < json_array_get_length (json_node_get_array (node)))
        node = json_array_get_element (json_node_get_array (node), index);
      else
        node = NULL;
    }
  return node;
}

static const char *
string_at_path (JsonNode   *root,
                const char *path)
{
  JsonNode *node = root != NULL ? node_at_path (root, path) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* The provider's envelope code as text ("20000", "0", "-1"), NULL if absent. */
static char *
answer_code (JsonNode *root)
{
  JsonNode *code;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  code = json_object_get_member (json_node_get_object (root), "code");
  if (code == NULL || !JSON_NODE_HOLDS_VALUE (code))
    return NULL;
  if (json_node_get_value_type (code) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (code));
  if (json_node_get_value_type (code) == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (code));
  return NULL;
}

static GError *
status_error (SdUploader *self,
              Job        *job,
              guint       status,
              JsonNode   *root)
{
  g_autofree char *name = _sd_upload_name (job->upload);
  g_autofree char *msg = answer_message (root);

  if (!job->custom && (status == SOUP_STATUS_NOT_FOUND || status == SOUP_STATUS_METHOD_NOT_ALLOWED))
    return _sd_uploader_unsupported_error (self, "HTTP status");
  if (status == SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE)
    return g_error_new (SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_TOO_LARGE,
                        _("The server refused “%s” as too large (HTTP 413); nothing was stored."),
                        name);
  if (status == SOUP_STATUS_UNAUTHORIZED || status == SOUP_STATUS_FORBIDDEN)
    return g_error_new (SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_REFUSED,
                        job->custom ? _("The upload service refused the secret (HTTP %u); check its header and secret.")
                                    : _("The server refused the API token (HTTP %u) for the upload; check your token."),
                        status);
  if (SOUP_STATUS_IS_CLIENT_ERROR (status))
    return g_error_new (SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_REFUSED,
                        _("The server refused “%s” (HTTP %u%s%s); nothing was stored."),
                        name, status, *msg != '\0' ? ": " : "", msg);
  if (SOUP_STATUS_IS_REDIRECTION (status))
    return g_error_new (SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_FAILED,
                        _("The server answered the upload of “%s” with a redirect (HTTP %u); it was not followed and the file was not sent again."),
                        name, status);
  return g_error_new (SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_FAILED,
                      _("The server failed after “%s” was sent (HTTP %u%s%s); it may or may not have been stored, and it was not sent again."),
                      name, status, *msg != '\0' ? ": " : "", msg);
}

/* The link in a 2xx answer, or NULL with the error. */
static const char *
answer_link (SdUploader  *self,
             Job         *job,
             JsonNode    *root,
             GError     **error)
{
  g_autofree char *name = _sd_upload_name (job->upload);
  g_autofree char *code = NULL;
  g_autofree char *msg = NULL;
  const char *url;

  if (job->custom)
    {
      url = string_at_path (root, self->service->json_path);
      if (url == NULL)
        g_set_error (error, SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_BAD_LINK,
                     _("The upload service’s answer for “%s” has no link at “%s”."),
                     name, self->service->json_path);
      return url;
    }

  code = answer_code (root);
  msg = answer_message (root);
  if (code != NULL && g_str_equal (code, SD_API_CODE_AUTH_FAILED))
    g_set_error (error, SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_REFUSED,
                 _("The server refused the API token for the upload (code %s); check your token."), code);
  else if (code != NULL && g_str_equal (code, SD_API_CODE_BAD_REQUEST))
    g_set_error (error, SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_REFUSED,
                 _("The server refused “%s” (%s); nothing was stored."), name, msg);
  else if (code != NULL && g_str_equal (code, SD_API_CODE_SERVER_ERROR))
    g_set_error (error, SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_FAILED,
                 _("The server failed after “%s” was sent (%s); it may or may not have been stored, and it was not sent again."),
                 name, msg);
  else if (code == NULL || (!g_str_equal (code, "20000") && !g_str_equal (code, "0")) ||
           (url = string_at_path (root, "data.url")) == NULL)
    g_propagate_error (error, _sd_uploader_unsupported_error (self, "not the documented answer"));
  else
    return url;
  return NULL;
}

static void
job_answer (GTask *task)
{
  SdUploader *self = g_task_get_source_object (task);
  Job *job = g_task_get_task_data (task);
  g_autoptr(JsonParser) parser = json_parser_new ();
  guint status = soup_message_get_status (job->message);
  JsonNode *root = NULL;
  const char *url;
  GError *error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *name = _sd_upload_name (job->upload);

  if (json_parser_load_from_data (parser, (const char *) job->answer->data, job->answer->len, NULL))
    root = json_parser_get_root (parser);

  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      _sd_uploader_job_fail (task, status_error (self, job, status, root));
      return;
    }
  url = answer_link (self, job, root, &error);
  if (url == NULL)
    {
      _sd_uploader_job_fail (task, error);
      return;
    }
  if (!_sd_uploader_link_is_acceptable (url))
    {
      _sd_uploader_job_fail (task, g_error_new (SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_BAD_LINK,
                                   _("The link the server gave for “%s” is not an https:// address the API accepts."),
                                   name));
      return;
    }

  {
    g_autofree char *key = _sd_uploader_cache_key (job->upload->sha256, job->target);
    CacheEntry *entry = g_new0 (CacheEntry, 1);

    entry->url = g_strdup (url);
    entry->created_at = now;
    entry->size = job->upload->total;
    g_hash_table_replace (self->cache, g_steal_pointer (&key), entry);
    _sd_uploader_cache_save (self);
  }
  g_debug ("uploaded %s: %" G_GUINT64_FORMAT " bytes, sha256 %.12s…", name,
           job->upload->total, job->upload->sha256);
  _sd_uploader_job_succeed (task, url, now, FALSE);
}

static void read_answer_chunk (GTask *task);

static void
on_answer_chunk_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Job *job = g_task_get_task_data (task);
  g_autoptr(GBytes) chunk = NULL;
  GError *error = NULL;
  g_autofree char *name = _sd_upload_name (job->upload);

  chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  if (chunk == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autoptr(GError) cause = error;

          error = g_error_new (SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_FAILED,
                               _("The answer to the upload of “%s” broke off (%s); the file may or may not have been stored, and it was not sent again."),
                               name, cause->message);
        }
      _sd_uploader_job_fail (task, error);
      return;
    }
  if (g_bytes_get_size (chunk) == 0)
    {
      job_answer (task);
      return;
    }
  if (job->answer->len + g_bytes_get_size (chunk) > MAX_ANSWER)
    {
      _sd_uploader_job_fail (task, g_error_new (SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_FAILED,
                                   _("The answer to the upload of “%s” is over 1 MB, not a link; the file was not sent again."),
                                   name));
      return;
    }
  g_byte_array_append (job->answer, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
  read_answer_chunk (g_steal_pointer (&task));
}

static void
read_answer_chunk (GTask *task)
{
  Job *job = g_task_get_task_data (task);

  g_input_stream_read_bytes_async (job->answer_stream, HASH_CHUNK, G_PRIORITY_DEFAULT,
                                   job->upload->cancellable, on_answer_chunk_cb, task);
}


static gboolean
on_retry_due_cb (gpointer user_data)
{
  GTask *task = user_data;
  Job *job = g_task_get_task_data (task);

  job->retry_source = 0;
  _sd_uploader_job_send (g_object_ref (task));
  return G_SOURCE_REMOVE;
}

/* 429 proves nothing was stored: wait as told and send again (a few times). */
static gboolean
job_maybe_retry (GTask *task)
{
  Job *job = g_task_get_task_data (task);
  const char *header;
  guint64 seconds = 1;
  g_autofree char *name = _sd_upload_name (job->upload);

  if (soup_message_get_status (job->message) != 429 ||
      job->retries >= MAX_RETRIES_429)
    return FALSE;
  header = soup_message_headers_get_one (soup_message_get_response_headers (job->message),
                                         "Retry-After");
  if (header != NULL && !g_ascii_string_to_unsigned (header, 10, 0, MAX_RETRY_AFTER, &seconds, NULL))
    return FALSE;
  job->retries++;
  g_clear_object (&job->answer_stream);
  g_debug ("upload of %s rate limited; retry %u in %" G_GUINT64_FORMAT " s",
           name, job->retries, seconds);
  job->retry_source = g_timeout_add_seconds_full (G_PRIORITY_DEFAULT, MAX (1, seconds),
                                                  on_retry_due_cb, task, g_object_unref);
  return TRUE;
}

static void
on_sent_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Job *job = g_task_get_task_data (task);
  GError *error = NULL;
  g_autofree char *name = _sd_upload_name (job->upload);

  job->answer_stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (job->answer_stream == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autoptr(GError) cause = error;

          error = g_error_new (SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_FAILED,
                               job->body_started
                                 ? _("The connection ended while “%s” was being sent or answered (%s); it may or may not have been stored, and it was not sent again.")
                                 : _("Could not reach the upload service for “%s”: %s."),
                               name, cause->message);
        }
      _sd_uploader_job_fail (task, error);
      return;
    }
  if (job_maybe_retry (task))
    {
      g_steal_pointer (&task);
      return;
    }
  job->answer = g_byte_array_new ();
  read_answer_chunk (g_steal_pointer (&task));
}

void
_sd_uploader_job_send (GTask *task)
{
  SdUploader *self = g_task_get_source_object (task);
  Job *job = g_task_get_task_data (task);
  GError *error = NULL;

  if (g_cancellable_set_error_if_cancelled (job->upload->cancellable, &error))
    {
      _sd_uploader_job_fail (task, error);
      g_object_unref (task);
      return;
    }

  g_clear_object (&job->message);
  g_clear_object (&job->answer_stream);
  g_clear_pointer (&job->answer, g_byte_array_unref);
  job->body_written = 0;
  job->body_started = FALSE;
  _sd_upload_set_bytes_sent (job->upload, 0);

  job->message = job_new_message (self, job, &error);
  if (job->message == NULL || !job_set_body (self, job, &error))
    {
      _sd_uploader_job_fail (task, error);
      g_object_unref (task);
      return;
    }
  g_signal_connect (job->message, "wrote-body-data", G_CALLBACK (on_wrote_body_data_cb), job);
  _sd_upload_set_state (job->upload, SD_UPLOAD_STATE_SENDING);
  soup_session_send_async (sd_client_get_session (self->client), job->message,
                           G_PRIORITY_DEFAULT, job->upload->cancellable, on_sent_cb, task);
}

static void
job_leave_queue (Job *job)
{
  if (job->queued_handler != 0)
    g_cancellable_disconnect (job->upload->cancellable, job->queued_handler);
  job->queued_handler = 0;
}

/* A queued upload cancelled: out of the queue at once, not when a slot
 * frees. Only the uploader and the task's address travel (no reference):
 * a task still in the queue is alive. */
typedef struct
{
  GWeakRef  uploader;
  GTask    *task;
} QueuedCancel;

static void
queued_cancel_free (QueuedCancel *data)
{
  g_weak_ref_clear (&data->uploader);
  g_free (data);
}

static gboolean
on_queued_cancelled_idle (gpointer user_data)
{
  QueuedCancel *data = user_data;
  g_autoptr(SdUploader) self = g_weak_ref_get (&data->uploader);
  GList *link = self != NULL ? g_queue_find (&self->waiting, data->task) : NULL;
  GTask *task;

  if (link == NULL)
    return G_SOURCE_REMOVE;
  task = link->data;
  g_queue_delete_link (&self->waiting, link);
  job_leave_queue (g_task_get_task_data (task));
  _sd_uploader_job_fail (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                       _("The upload was cancelled.")));
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

static void
on_queued_cancelled_cb (GCancellable *cancellable,
                        gpointer      user_data)
{
  QueuedCancel *template = user_data;
  QueuedCancel *data = g_new0 (QueuedCancel, 1);
  g_autoptr(SdUploader) self = g_weak_ref_get (&template->uploader);
  g_autoptr(GSource) idle = g_idle_source_new ();

  g_weak_ref_init (&data->uploader, self);
  data->task = template->task;
  /* always later, never from inside this handler: disconnecting it here
   * would deadlock */
  g_source_set_callback (idle, on_queued_cancelled_idle, data, (GDestroyNotify) queued_cancel_free);
  g_source_set_static_name (idle, "[sd-uploader] queued upload cancelled");
  g_source_attach (idle, g_task_get_context (data->task));
}

static void
job_enter_queue (SdUploader *self,
                 GTask      *task)
{
  Job *job = g_task_get_task_data (task);
  QueuedCancel *data = g_new0 (QueuedCancel, 1);

  g_weak_ref_init (&data->uploader, self);
  data->task = task;
  g_queue_push_tail (&self->waiting, task);
  job->queued_handler = g_cancellable_connect (job->upload->cancellable,
                                               G_CALLBACK (on_queued_cancelled_cb), data,
                                               (GDestroyNotify) queued_cancel_free);
}

static void
start_next_waiting (SdUploader *self)
{
  while (self->active < MAX_AT_ONCE && !g_queue_is_empty (&self->waiting))
    {
      GTask *task = g_queue_pop_head (&self->waiting);
      Job *job = g_task_get_task_data (task);

      job_leave_queue (job);
      self->active++;
      job->holds_slot = TRUE;
      _sd_uploader_job_send (task);
    }
}

static void
on_facts_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SdUploader *self = g_task_get_source_object (task);
  Job *job = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  Facts *facts = g_task_propagate_pointer (G_TASK (result), &error);
  g_autofree char *key = NULL;
  g_autofree char *name = _sd_upload_name (job->upload);
  const char *target = upload_target (self);
  CacheEntry *entry;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (facts == NULL)
    {
      _sd_uploader_job_fail (task, g_steal_pointer (&error));
      return;
    }
  job->upload->total = facts->size;
  job->upload->sha256 = g_strdup (facts->sha256);
  job->content_type = g_strdup (facts->content_type);
  g_object_notify_by_pspec (G_OBJECT (job->upload), upload_properties[UPLOAD_PROP_TOTAL]);
  g_object_notify_by_pspec (G_OBJECT (job->upload), upload_properties[UPLOAD_PROP_SHA256]);
  _sd_uploader_facts_free (facts);

  if (target == NULL)
    {
      _sd_uploader_job_fail (task, g_error_new_literal (SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_SERVICE,
                                           _("No API address is set, so there is nowhere to upload to.")));
      return;
    }
  job->target = g_strdup (target);
  job->custom = self->service != NULL;
  key = _sd_uploader_cache_key (job->upload->sha256, target);
  entry = g_hash_table_lookup (self->cache, key);
  if (entry != NULL && entry->created_at + self->lifetime > now)
    {
      g_debug ("upload of %s: %" G_GUINT64_FORMAT " bytes, sha256 %.12s…, cache hit",
               name, job->upload->total, job->upload->sha256);
      _sd_uploader_job_succeed (task, entry->url, entry->created_at, TRUE);
      return;
    }
  g_debug ("upload of %s: %" G_GUINT64_FORMAT " bytes, sha256 %.12s…, cache %s",
           name, job->upload->total, job->upload->sha256, entry != NULL ? "expired" : "miss");
  if (!job->custom && g_hash_table_contains (self->unsupported, target))
    {
      _sd_uploader_job_fail (task, _sd_uploader_unsupported_error (self, "known"));
      return;
    }

  _sd_upload_set_state (job->upload, SD_UPLOAD_STATE_QUEUED);
  job_enter_queue (self, g_steal_pointer (&task));
  start_next_waiting (self);
}

SdUpload *
sd_uploader_upload_async (SdUploader          *self,
                          GFile               *file,
                          SdUploadKind         kind,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) facts_task = NULL;
  Job *job;

  g_return_val_if_fail (SD_IS_UPLOADER (self), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sd_uploader_upload_async);
  g_task_set_check_cancellable (task, FALSE);
  job = g_new0 (Job, 1);
  job->upload = g_object_new (SD_TYPE_UPLOAD, NULL);
  job->upload->file = g_object_ref (file);
  job->upload->kind = kind;
  if (cancellable != NULL)
    {
      job->caller_cancellable = g_object_ref (cancellable);
      job->caller_handler = g_cancellable_connect (cancellable, G_CALLBACK (on_caller_cancelled_cb),
                                                   g_object_ref (job->upload->cancellable),
                                                   g_object_unref);
    }
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);

  facts_task = g_task_new (self, job->upload->cancellable, on_facts_cb, g_object_ref (task));
  g_task_set_task_data (facts_task, g_object_ref (job->upload), g_object_unref);
  g_task_run_in_thread (facts_task, _sd_uploader_read_facts_thread);
  return job->upload;
}

SdUpload *
sd_uploader_upload_finish (SdUploader    *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Requests: every local reference becomes its link */

typedef struct
{
  const char *field;
  guint       index;    /* in the field's list; 0 for a single frame */
  char       *url;      /* the link, once uploaded */
} Slot;

typedef struct
{
  SdRequest    *request;
  GPtrArray    *slots;     /* Slot */
  GPtrArray    *uploads;   /* SdUpload */
  GCancellable *cancellable;
  GError       *error;     /* the first failure */
  guint         pending;
} Resolve;

static void
slot_free (Slot *slot)
{
  g_free (slot->url);
  g_free (slot);
}

static void
resolve_free (Resolve *resolve)
{
  g_clear_object (&resolve->request);
  g_clear_pointer (&resolve->slots, g_ptr_array_unref);
  g_clear_pointer (&resolve->uploads, g_ptr_array_unref);
  g_clear_object (&resolve->cancellable);
  g_clear_error (&resolve->error);
  g_free (resolve);
}

static char **
replaced_list (Resolve            *resolve,
               const char         *field,
               const char * const *values)
{
  char **copy = g_strdupv ((char **) values);

  for (guint i = 0; i < resolve->slots->len; i++)
    {
      Slot *slot = g_ptr_array_index (resolve->slots, i);

      if (g_str_equal (slot->field, field) && copy != NULL && slot->index < g_strv_length (copy))
        {
          g_free (copy[slot->index]);
          copy[slot->index] = g_strdup (slot->url);
        }
    }
  return copy;
}

static const char *
replaced_single (Resolve    *resolve,
                 const char *field,
                 const char *value)
{
  for (guint i = 0; i < resolve->slots->len; i++)
    {
      Slot *slot = g_ptr_array_index (resolve->slots, i);

      if (g_str_equal (slot->field, field))
        return slot->url;
    }
  return value;
}

static void
resolve_apply (Resolve *resolve)
{
  SdRequest *request = resolve->request;
  g_auto(GStrv) images = replaced_list (resolve, "images", sd_request_get_images (request));
  g_auto(GStrv) videos = replaced_list (resolve, "reference_videos",
                                        sd_request_get_reference_videos (request));
  g_auto(GStrv) audios = replaced_list (resolve, "reference_audios",
                                        sd_request_get_reference_audios (request));
  g_autofree char *first = g_strdup (replaced_single (resolve, "first_image",
                                                      sd_request_get_first_image (request)));
  g_autofree char *last = g_strdup (replaced_single (resolve, "last_image",
                                                     sd_request_get_last_image (request)));

  sd_request_set_images (request, (const char * const *) images);
  sd_request_set_reference_videos (request, (const char * const *) videos);
  sd_request_set_reference_audios (request, (const char * const *) audios);
  sd_request_set_first_image (request, first);
  sd_request_set_last_image (request, last);
}

static void
resolve_done (GTask *task)
{
  Resolve *resolve = g_task_get_task_data (task);

  if (resolve->error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&resolve->error));
      return;
    }
  resolve_apply (resolve);
  g_task_return_pointer (task, g_ptr_array_ref (resolve->uploads),
                         (GDestroyNotify) g_ptr_array_unref);
}

typedef struct
{
  GTask *task;
  Slot  *slot;
} SlotUpload;

static void
on_slot_uploaded_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  SlotUpload *data = user_data;
  g_autoptr(GTask) task = data->task;
  Resolve *resolve = g_task_get_task_data (task);
  Slot *slot = data->slot;
  g_autoptr(GError) error = NULL;
  g_autoptr(SdUpload) upload = sd_uploader_upload_finish (SD_UPLOADER (source), result, &error);

  g_free (data);
  if (upload != NULL)
    slot->url = g_strdup (sd_upload_get_url (upload));
  else if (resolve->error == NULL)
    {
      /* the field and the item, then the rule; the others stop */
      resolve->error = g_error_new (error->domain, error->code, _("%s, item %u: %s"),
                                    slot->field, slot->index + 1, error->message);
      g_cancellable_cancel (resolve->cancellable);
    }

  if (--resolve->pending == 0)
    resolve_done (task);
}

static void
resolve_add (SdUploader *self,
             GTask      *task,
             const char *field,
             guint       index,
             const char *reference)
{
  Resolve *resolve = g_task_get_task_data (task);
  g_autoptr(GFile) file = sd_upload_local_file_for_reference (reference);
  SdUploadKind kind = SD_UPLOAD_KIND_IMAGE;
  SlotUpload *data;
  SdUpload *upload;

  if (file == NULL)
    return;
  sd_upload_kind_for_field (field, &kind);
  data = g_new0 (SlotUpload, 1);
  data->slot = g_new0 (Slot, 1);
  data->slot->field = field;
  data->slot->index = index;
  data->task = g_object_ref (task);
  g_ptr_array_add (resolve->slots, data->slot);
  resolve->pending++;
  upload = sd_uploader_upload_async (self, file, kind, resolve->cancellable,
                                     on_slot_uploaded_cb, data);
  g_ptr_array_add (resolve->uploads, g_object_ref (upload));
  g_signal_emit (self, _sd_uploader_signals[SIGNAL_UPLOAD_STARTED], 0, upload);
}

static void
resolve_add_list (SdUploader         *self,
                  GTask              *task,
                  const char         *field,
                  const char * const *values)
{
  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    resolve_add (self, task, field, i, values[i]);
}

void
sd_uploader_resolve_request_async (SdUploader          *self,
                                   SdRequest           *request,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Resolve *resolve;

  g_return_if_fail (SD_IS_UPLOADER (self));
  g_return_if_fail (SD_IS_REQUEST (request));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sd_uploader_resolve_request_async);
  resolve = g_new0 (Resolve, 1);
  resolve->request = g_object_ref (request);
  resolve->slots = g_ptr_array_new_with_free_func ((GDestroyNotify) slot_free);
  resolve->uploads = g_ptr_array_new_with_free_func (g_object_unref);
  resolve->cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    g_signal_connect_object (cancellable, "cancelled", G_CALLBACK (g_cancellable_cancel),
                             resolve->cancellable, G_CONNECT_SWAPPED);
  if (cancellable != NULL && g_cancellable_is_cancelled (cancellable))
    g_cancellable_cancel (resolve->cancellable);
  g_task_set_task_data (task, resolve, (GDestroyNotify) resolve_free);

  /* one reference held while the uploads start, so none finishes us early */
  resolve->pending = 1;
  resolve_add_list (self, task, "images", sd_request_get_images (request));
  resolve_add (self, task, "first_image", 0, sd_request_get_first_image (request));
  resolve_add (self, task, "last_image", 0, sd_request_get_last_image (request));
  resolve_add_list (self, task, "reference_videos", sd_request_get_reference_videos (request));
  resolve_add_list (self, task, "reference_audios", sd_request_get_reference_audios (request));
  if (--resolve->pending == 0)
    resolve_done (task);
}

GPtrArray *
sd_uploader_resolve_request_finish (SdUploader    *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static char *
stand_in_for (const char *reference)
{
  g_autoptr(GFile) file = sd_upload_local_file_for_reference (reference);
  g_autofree char *name = NULL;
  g_autofree char *escaped = NULL;

  if (file == NULL)
    return g_strdup (reference);
  name = g_file_get_basename (file);
  escaped = g_uri_escape_string (name != NULL ? name : "file", NULL, FALSE);
  return g_strconcat ("https://upload.invalid/", escaped, NULL);
}

static char **
stand_ins_for_list (const char * const *values)
{
  GStrvBuilder *builder = g_strv_builder_new ();
  char **list;

  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    {
      g_autofree char *stand_in = stand_in_for (values[i]);

      g_strv_builder_add (builder, stand_in);
    }
  list = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return list;
}

SdRequest *
sd_upload_request_with_stand_ins (SdRequest *request)
{
  SdRequest *copy = sd_request_copy (request);
  g_auto(GStrv) images = stand_ins_for_list (sd_request_get_images (request));
  g_auto(GStrv) videos = stand_ins_for_list (sd_request_get_reference_videos (request));
  g_auto(GStrv) audios = stand_ins_for_list (sd_request_get_reference_audios (request));
  g_autofree char *first = NULL;
  g_autofree char *last = NULL;

  if (sd_request_get_first_image (request) != NULL)
    first = stand_in_for (sd_request_get_first_image (request));
  if (sd_request_get_last_image (request) != NULL)
    last = stand_in_for (sd_request_get_last_image (request));
  if (sd_request_get_images (request) != NULL)
    sd_request_set_images (copy, (const char * const *) images);
  if (sd_request_get_reference_videos (request) != NULL)
    sd_request_set_reference_videos (copy, (const char * const *) videos);
  if (sd_request_get_reference_audios (request) != NULL)
    sd_request_set_reference_audios (copy, (const char * const *) audios);
  sd_request_set_first_image (copy, first);
  sd_request_set_last_image (copy, last);
  return copy;
}

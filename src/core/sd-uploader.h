/* sd-uploader.h: local files become links the create endpoint accepts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "sd-enums.h"
#include "sd-types.h"

G_BEGIN_DECLS

#define SD_UPLOAD_PATH       "/api/open-api/v1/files/upload"
#define SD_UPLOAD_MAX_SIZE   ((guint64) 100 * 1024 * 1024)
/* Uploaded links are kept about 3 days by the provider: count 72 h. */
#define SD_UPLOAD_LIFETIME_S (72 * 3600)
#define SD_UPLOAD_SECRET_ENV "SEEDANCE_UPLOAD_SECRET"

#define SD_UPLOAD_ERROR (sd_upload_error_quark ())
typedef enum {
  SD_UPLOAD_ERROR_UNSUPPORTED,  /* the server has no upload endpoint */
  SD_UPLOAD_ERROR_UNREADABLE,   /* the file cannot be read */
  SD_UPLOAD_ERROR_TOO_LARGE,    /* over 100 MB (or the server said 413) */
  SD_UPLOAD_ERROR_WRONG_TYPE,   /* content not among the formats, or not the field's kind */
  SD_UPLOAD_ERROR_REFUSED,      /* the server refused it: nothing was stored */
  SD_UPLOAD_ERROR_FAILED,       /* no clear answer after the file was sent; not sent again */
  SD_UPLOAD_ERROR_BAD_LINK,     /* the answer's link is not one the API accepts */
  SD_UPLOAD_ERROR_SERVICE,      /* the custom upload service is not usable */
} SdUploadError;

GQuark sd_upload_error_quark (void);

/* The content type of @data (the first bytes of a file) when it is one of the
 * formats PROVIDER-EXTRAS.md lists, with its kind; NULL otherwise. The
 * extension plays no part. */
const char *sd_upload_classify_content (const guint8 *data,
                                        gsize         length,
                                        SdUploadKind *kind);
/* The kind of media an API field takes ("images", "first_image",
 * "last_image", "reference_videos", "reference_audios"); FALSE otherwise. */
gboolean    sd_upload_kind_for_field   (const char   *field,
                                        SdUploadKind *kind);
/* A file (not a link) given as a reference: file:// URIs, absolute paths,
 * "./x", "../x" and "~/x". Returns the GFile, or NULL for anything else. */
GFile      *sd_upload_local_file_for_reference (const char *reference);

/* The user's own upload service (ShareX custom uploader shape). */
typedef struct
{
  char *url;          /* https:// (or http:// on loopback) */
  char *field;        /* the multipart field of the file, "file" by default */
  char *header_name;  /* NULL: no secret header */
  char *secret;       /* the header's value; never logged */
  char *json_path;    /* where the link is in the answer, e.g. "data.url" */
} SdUploadService;

SdUploadService *sd_upload_service_new   (const char *url,
                                          const char *field,
                                          const char *header_name,
                                          const char *secret,
                                          const char *json_path,
                                          GError    **error);
void             sd_upload_service_free  (SdUploadService *service);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdUploadService, sd_upload_service_free)
/* Reads the [service] group of an upload.ini (url, field, header, json-path;
 * the secret from SEEDANCE_UPLOAD_SECRET). @path NULL:
 * $XDG_CONFIG_HOME/seedance-studio/upload.ini. No file: NULL without error. */
SdUploadService *sd_upload_service_load  (const char *path,
                                          GError    **error);
/* From the upload-service-* settings, with @secret (from the keyring, see
 * sd_upload_service_secret_key()). An empty address: NULL without error. */
SdUploadService *sd_upload_service_new_from_settings (GSettings  *settings,
                                                      const char *secret,
                                                      GError    **error);
/* The key the service's secret is kept under with sd_secrets_*: its own
 * name space beside the API tokens ("upload-service:<url>"). */
char            *sd_upload_service_secret_key (const char *service_url);

#define SD_TYPE_UPLOAD (sd_upload_get_type ())
G_DECLARE_FINAL_TYPE (SdUpload, sd_upload, SD, UPLOAD, GObject)

/* One file on its way. Properties (read-only, notified on the main context):
 *   "file" GFile, "kind" SdUploadKind, "state" SdUploadState,
 *   "bytes-sent" / "total" guint64 (the file's bytes), "sha256" string,
 *   "url" string, "expires-at" int64 (Unix seconds), "cached" boolean
 *   (the link came from the cache, nothing was sent). */
GFile        *sd_upload_get_file        (SdUpload *self);
SdUploadKind  sd_upload_get_kind        (SdUpload *self);
SdUploadState sd_upload_get_state       (SdUpload *self);
guint64       sd_upload_get_bytes_sent  (SdUpload *self);
guint64       sd_upload_get_total       (SdUpload *self);
const char   *sd_upload_get_sha256      (SdUpload *self);
const char   *sd_upload_get_url         (SdUpload *self);
gint64        sd_upload_get_expires_at  (SdUpload *self);
gboolean      sd_upload_get_cached      (SdUpload *self);
/* The error of a FAILED upload. */
const GError *sd_upload_get_error       (SdUpload *self);
/* Stops it (the finish gives G_IO_ERROR_CANCELLED). */
void          sd_upload_cancel          (SdUpload *self);

#define SD_TYPE_UPLOADER (sd_uploader_get_type ())
G_DECLARE_FINAL_TYPE (SdUploader, sd_uploader, SD, UPLOADER, GObject)

/* Uploads through @client's API host with its token, or through the custom
 * service once set (the token never goes there). @cache_path NULL:
 * $XDG_CACHE_HOME/seedance-studio/uploads.json. */
SdUploader   *sd_uploader_new           (SdClient        *client,
                                         const char      *cache_path);
void          sd_uploader_set_service   (SdUploader      *self,
                                         SdUploadService *service);
/* How long a link counts as alive (default SD_UPLOAD_LIFETIME_S). */
void          sd_uploader_set_link_lifetime (SdUploader  *self,
                                             gint64       seconds);

/* The cache file is written on a thread of its own, saves coalescing;
 * this waits until it holds every link known so far (finalizing the
 * uploader does too), after the hashes of files just sent are done (a
 * file whose SHA-256 was not known is hashed beside its send: its
 * upload's "sha256" is set, and its link cached, once both are over).
 * The _full variant also says whether the last write failed (a full
 * disk, a folder that cannot be made): the links then work, but are not
 * remembered for the next run. */
void          sd_uploader_flush_cache   (SdUploader      *self);
gboolean      sd_uploader_flush_cache_full (SdUploader  *self,
                                            GError     **error);
/* "cache-error" (string, read-only, notified on the main context the
 * uploader was made on, a moment after each write of its cache): NULL
 * when the last write worked, else the sentence saying why it failed. */
const char   *sd_uploader_get_cache_error  (SdUploader  *self);

/* Privacy: an uploaded file gets a link anyone with the link can open. The
 * notice is said once: "privacy-acknowledged" (boolean, notified) stays
 * TRUE once sd_uploader_acknowledge_privacy() wrote its state file
 * ($XDG_STATE_HOME/seedance-studio/upload-privacy-acknowledged). */
const char   *sd_uploader_get_privacy_notice       (void);
gboolean      sd_uploader_get_privacy_acknowledged (SdUploader *self);
void          sd_uploader_acknowledge_privacy      (SdUploader *self);

/* Checks @file (size, type by content, @kind), takes its link from the cache
 * or uploads it (at most 2 at once). The returned upload (transfer none,
 * alive until the callback ran) shows progress; cancel it or @cancellable. */
SdUpload     *sd_uploader_upload_async  (SdUploader          *self,
                                         GFile               *file,
                                         SdUploadKind         kind,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
/* The finished upload (DONE), or NULL with an SD_UPLOAD_ERROR. */
SdUpload     *sd_uploader_upload_finish (SdUploader          *self,
                                         GAsyncResult        *result,
                                         GError             **error);

/* Every images/first_image/last_image/reference_videos/reference_audios
 * entry of @request that is a local file is checked and uploaded (or taken
 * from the cache) and replaced by its link; links stay as they are. On
 * error the request is left unchanged and the message names the field, the
 * item and the file. "upload-started" (SdUpload *) is emitted for each. */
void          sd_uploader_resolve_request_async  (SdUploader          *self,
                                                  SdRequest           *request,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
/* The uploads made (element-type SdUpload, transfer container), possibly
 * empty, or NULL with @error. */
GPtrArray    *sd_uploader_resolve_request_finish (SdUploader          *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);

G_END_DECLS

G_BEGIN_DECLS
/* A copy of @request with each local file replaced by an https:// stand-in
 * ("https://upload.invalid/<name>"), to validate a request as it will be
 * sent before anything is uploaded. */
SdRequest    *sd_upload_request_with_stand_ins (SdRequest *request);
char         *sd_upload_stand_in_link          (const char *path);
void          sd_upload_name_local_files       (SdRequest  *request,
                                                GPtrArray  *problems);
G_END_DECLS

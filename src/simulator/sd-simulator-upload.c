/* sd-simulator-upload.c: the simulator's file upload endpoint
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-simulator"

#include "config.h"

#include <string.h>

#include "sd-simulator-upload.h"
#include "sd-uploader.h"

typedef struct
{
  char       *content_type;
  GBytes     *bytes;
} SimUpload;

/* What a long demo session or a benchmark uploads must not pile up in
 * memory: past this, the oldest uploads are forgotten (their links 404). */
#define MAX_KEPT_BYTES ((guint64) 256 * 1024 * 1024)

struct _SdSimUploads
{
  GHashTable *files;   /* path → SimUpload */
  GQueue      order;   /* paths, oldest first (owned by files) */
  guint64     kept;
  guint64     limit;
  guint       next;
};

static void
sim_upload_free (SimUpload *upload)
{
  g_free (upload->content_type);
  g_bytes_unref (upload->bytes);
  g_free (upload);
}

SdSimUploads *
sd_sim_uploads_new (void)
{
  SdSimUploads *self = g_new0 (SdSimUploads, 1);

  self->files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) sim_upload_free);
  self->limit = SD_UPLOAD_MAX_SIZE;
  return self;
}

void
sd_sim_uploads_free (SdSimUploads *self)
{
  if (self == NULL)
    return;
  g_queue_clear (&self->order);
  g_hash_table_unref (self->files);
  g_free (self);
}

void
sd_sim_uploads_set_limit (SdSimUploads *self,
                          guint64       bytes)
{
  self->limit = bytes;
}

guint
sd_sim_uploads_get_count (SdSimUploads *self)
{
  return self->next;
}

static gboolean
refuse (guint       *status,
        const char **code,
        char       **message,
        guint        http_status,
        const char  *text)
{
  *status = http_status;
  *code = http_status == SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE ? "41300" : "20002";
  *message = g_strdup (text);
  return FALSE;
}

/* The part named "file" with a file name. */
static gboolean
find_file_part (SoupMultipart  *multipart,
                GBytes        **bytes,
                char          **filename)
{
  for (int i = 0; i < soup_multipart_get_length (multipart); i++)
    {
      SoupMessageHeaders *headers;
      GBytes *body;
      g_autofree char *disposition = NULL;
      g_autoptr(GHashTable) params = NULL;
      const char *name, *file;

      if (!soup_multipart_get_part (multipart, i, &headers, &body) ||
          !soup_message_headers_get_content_disposition (headers, &disposition, &params) ||
          g_ascii_strcasecmp (disposition, "form-data") != 0)
        continue;
      name = g_hash_table_lookup (params, "name");
      file = g_hash_table_lookup (params, "filename");
      if (g_strcmp0 (name, "file") != 0 || file == NULL)
        continue;
      *bytes = g_bytes_ref (body);
      *filename = g_path_get_basename (*file != '\0' ? file : "upload");
      return TRUE;
    }
  return FALSE;
}

JsonObject *
sd_sim_uploads_store (SdSimUploads       *self,
                      SoupServerMessage  *msg,
                      const char         *public_base,
                      guint              *status,
                      const char        **code,
                      char              **message)
{
  SoupMessageBody *request_body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(SoupMultipart) multipart = NULL;
  g_autoptr(GBytes) file = NULL;
  g_autofree char *filename = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;
  g_autofree char *url = NULL;
  const char *content_type;
  SimUpload *upload;
  JsonObject *data;

  if ((guint64) request_body->length > self->limit + 64 * 1024)
    {
      refuse (status, code, message, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE,
              "File too large: at most 100 MB");
      return NULL;
    }
  body = soup_message_body_flatten (request_body);
  multipart = soup_multipart_new_from_message (soup_server_message_get_request_headers (msg), body);
  if (multipart == NULL || !find_file_part (multipart, &file, &filename))
    {
      refuse (status, code, message, SOUP_STATUS_BAD_REQUEST,
              "Expected multipart/form-data with a part named file");
      return NULL;
    }
  if (g_bytes_get_size (file) > self->limit)
    {
      refuse (status, code, message, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE,
              "File too large: at most 100 MB");
      return NULL;
    }
  content_type = sd_upload_classify_content (g_bytes_get_data (file, NULL),
                                             MIN (g_bytes_get_size (file), 4096), NULL);
  if (content_type == NULL)
    {
      refuse (status, code, message, SOUP_STATUS_BAD_REQUEST,
              "Unsupported file type");
      return NULL;
    }

  escaped = g_uri_escape_string (filename, NULL, FALSE);
  path = g_strdup_printf ("%su%u/%s", SD_SIM_UPLOADS_PATH, ++self->next, escaped);
  upload = g_new0 (SimUpload, 1);
  upload->content_type = g_strdup (content_type);
  upload->bytes = g_bytes_ref (file);
  while (self->kept + g_bytes_get_size (file) > MAX_KEPT_BYTES && !g_queue_is_empty (&self->order))
    {
      char *oldest = g_queue_pop_head (&self->order);
      SimUpload *old = g_hash_table_lookup (self->files, oldest);

      self->kept -= g_bytes_get_size (old->bytes);
      g_hash_table_remove (self->files, oldest);
    }
  {
    char *key = g_strdup (path);

    g_hash_table_replace (self->files, key, upload);
    g_queue_push_tail (&self->order, key);
    self->kept += g_bytes_get_size (file);
  }

  url = g_strconcat (public_base, path, NULL);
  data = json_object_new ();
  json_object_set_string_member (data, "url", url);
  json_object_set_string_member (data, "filename", filename);
  json_object_set_int_member (data, "size", g_bytes_get_size (file));
  json_object_set_string_member (data, "mime_type", content_type);
  return data;
}

GBytes *
sd_sim_uploads_lookup (SdSimUploads  *self,
                       const char    *path,
                       const char   **content_type)
{
  SimUpload *upload = g_hash_table_lookup (self->files, path);

  if (upload == NULL)
    return NULL;
  *content_type = upload->content_type;
  return g_bytes_ref (upload->bytes);
}

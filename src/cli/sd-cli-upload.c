/* sd-cli-upload.c: "seedance upload", and local files in "submit"
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "sd-cli-private.h"
#include "sd-uploader.h"

/* The uploader for this command: the custom service from upload.ini when
 * there is one, else the API host. NULL after saying why. */
SdUploader *
_sd_cli_new_uploader (SdCli *self)
{
  g_autoptr(SdUploader) uploader = g_object_ref (sd_context_get_uploader (self->context));
  g_autoptr(GError) error = NULL;
  g_autoptr(SdUploadService) service = sd_upload_service_load (NULL, &error);

  if (error != NULL)
    {
      _sd_cli_print_message (self, "%s", error->message);
      return NULL;
    }
  if (service != NULL)
    sd_uploader_set_service (uploader, service);
  if (!sd_uploader_get_privacy_acknowledged (uploader))
    {
      _sd_cli_print_message (self, "%s", sd_uploader_get_privacy_notice ());
      sd_uploader_acknowledge_privacy (uploader);
    }
  return g_steal_pointer (&uploader);
}

/* Waits until @uploader's cache is on disk; a cache that cannot be saved
 * (a full disk) is said, and costs nothing else: the links work, but the
 * files are sent again next time. */
void
_sd_cli_save_upload_cache (SdCli      *self,
                           SdUploader *uploader)
{
  g_autoptr(GError) error = NULL;

  if (sd_uploader_flush_cache_full (uploader, &error))
    return;
  _sd_cli_print_message (self, "%s", error->message);
  _sd_cli_print_message (self, "%s", _("The links work, but the files will be uploaded again next time."));
}

/* The kind of a file given to "seedance upload": what its content is. */
static SdUploadKind
kind_of_file (GFile *file)
{
  g_autoptr(GFileInputStream) stream = g_file_read (file, NULL, NULL);
  guint8 buffer[4096];
  gsize length = 0;
  SdUploadKind kind = SD_UPLOAD_KIND_IMAGE;

  if (stream != NULL &&
      g_input_stream_read_all (G_INPUT_STREAM (stream), buffer, sizeof buffer, &length, NULL, NULL))
    sd_upload_classify_content (buffer, length, &kind);
  return kind;
}

static void
add_upload_json (JsonBuilder *builder,
                 const char  *path,
                 SdUpload    *upload)
{
  g_autoptr(GDateTime) expires = g_date_time_new_from_unix_utc (sd_upload_get_expires_at (upload));
  g_autofree char *expires_text = g_date_time_format_iso8601 (expires);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "path");
  json_builder_add_string_value (builder, path);
  json_builder_set_member_name (builder, "url");
  json_builder_add_string_value (builder, sd_upload_get_url (upload));
  json_builder_set_member_name (builder, "size");
  json_builder_add_int_value (builder, sd_upload_get_total (upload));
  json_builder_set_member_name (builder, "sha256");
  if (sd_upload_get_sha256 (upload) != NULL)
    json_builder_add_string_value (builder, sd_upload_get_sha256 (upload));
  else
    json_builder_add_null_value (builder);  /* the file changed after it was sent */
  json_builder_set_member_name (builder, "expires_at");
  json_builder_add_string_value (builder, expires_text);
  json_builder_end_object (builder);
}

static gboolean
upload_files (SdCli        *self,
              char * const *paths,
              int          *exit_status)
{
  g_autoptr(SdUploader) uploader = _sd_cli_new_uploader (self);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  gboolean failed = FALSE;

  if (uploader == NULL)
    return _sd_cli_exit_with (exit_status, SD_CLI_EXIT_FAILURE);

  json_builder_begin_array (builder);
  for (guint i = 0; paths[i] != NULL; i++)
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (paths[i]);
      g_autoptr(GAsyncResult) result = NULL;
      GAsyncResult *slot = NULL;
      g_autoptr(SdUpload) upload = NULL;
      g_autoptr(GError) error = NULL;

      sd_uploader_upload_async (uploader, file, kind_of_file (file), NULL, _sd_cli_on_async_ready_cb, &slot);
      result = _sd_cli_await_result (&slot);
      upload = sd_uploader_upload_finish (uploader, result, &error);
      if (upload == NULL)
        {
          _sd_cli_print_message (self, "%s", error->message);
          failed = TRUE;
          continue;
        }
      if (self->json)
        {
          /* the SHA-256 of a file just sent is taken after the answer */
          sd_uploader_flush_cache (uploader);
          add_upload_json (builder, paths[i], upload);
        }
      else
        _sd_cli_print_result (self, "%s  %s\n", sd_upload_get_url (upload), paths[i]);
    }
  json_builder_end_array (builder);
  _sd_cli_save_upload_cache (self, uploader);

  if (self->json)
    {
      root = json_builder_get_root (builder);
      _sd_cli_print_json (self, root);
    }
  return _sd_cli_exit_with (exit_status, failed ? SD_CLI_EXIT_FAILURE : SD_CLI_EXIT_SUCCESS);
}

static gboolean
run_upload (SdCli              *self,
            const SdCliCommand *command,
            SdCliArguments     *args,
            int                *exit_status)
{
  if (!_sd_cli_open_context (self, exit_status) ||
      !_sd_cli_check_token (self, exit_status))
    return FALSE;

  return upload_files (self, args->positional, exit_status);
}

const SdCliCommand _sd_cli_upload_command = {
  .name = "upload",
  .summary = N_("Upload local files and print their links."),
  .parameters = N_("FILE…"),
  .options = SD_CLI_OPTION_JSON | SD_CLI_OPTION_MANY_PARAMETERS,
  .run = run_upload,
};

static gboolean
has_local_file (SdRequest *request)
{
  const char * const *lists[] = {
    sd_request_get_images (request),
    sd_request_get_reference_videos (request),
    sd_request_get_reference_audios (request),
  };
  const char *singles[] = {
    sd_request_get_first_image (request),
    sd_request_get_last_image (request),
  };

  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    for (guint j = 0; lists[i] != NULL && lists[i][j] != NULL; j++)
      {
        g_autoptr(GFile) file = sd_upload_local_file_for_reference (lists[i][j]);

        if (file != NULL)
          return TRUE;
      }
  for (guint i = 0; i < G_N_ELEMENTS (singles); i++)
    {
      g_autoptr(GFile) file = sd_upload_local_file_for_reference (singles[i]);

      if (file != NULL)
        return TRUE;
    }
  return FALSE;
}

gboolean
_sd_cli_upload_resolve (SdCli     *self,
                        SdRequest *request,
                        int       *exit_status)
{
  g_autoptr(SdUploader) uploader = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) uploads = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;

  if (!has_local_file (request))
    return TRUE;
  uploader = _sd_cli_new_uploader (self);
  if (uploader == NULL)
    return _sd_cli_exit_with (exit_status, SD_CLI_EXIT_FAILURE);

  sd_uploader_resolve_request_async (uploader, request, NULL, _sd_cli_on_async_ready_cb, &slot);
  result = _sd_cli_await_result (&slot);
  uploads = sd_uploader_resolve_request_finish (uploader, result, &error);
  if (uploads == NULL)
    {
      _sd_cli_print_message (self, "%s", error->message);
      _sd_cli_print_message (self, "%s", _("Nothing was submitted."));
      return _sd_cli_exit_with (exit_status, SD_CLI_EXIT_FAILURE);
    }
  _sd_cli_save_upload_cache (self, uploader);
  return TRUE;
}

/* sd-cli-show.c: “seedance show”, every field of one task
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "seedance-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "sd-api.h"
#include "sd-cli-output.h"
#include "sd-cli-private.h"
#include "sd-enum-types.h"
#include "sd-prices.h"
#include "sd-store-query.h"

static const char *
download_state_name (SdDownloadState state)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (SD_TYPE_DOWNLOAD_STATE);
  GEnumValue *value = g_enum_get_value (klass, state);

  return value != NULL ? value->value_nick : NULL;
}

static void
add_time (JsonBuilder *builder,
          const char  *name,
          gint64       unix_time)
{
  g_autofree char *text = _sd_cli_format_time (unix_time);

  _sd_cli_add_string_member (builder, name, text);
}

/* The tasks that link to one: those that continue it from its last frame
 * and those that retry it, from the whole history. */
typedef struct {
  char **continued_by;
  char **retried_by;
} Links;

static void
links_clear (Links *links)
{
  g_clear_pointer (&links->continued_by, g_strfreev);
  g_clear_pointer (&links->retried_by, g_strfreev);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Links, links_clear)

static void
add_ids (JsonBuilder        *builder,
         const char         *name,
         const char * const *ids)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    json_builder_add_string_value (builder, ids[i]);
  json_builder_end_array (builder);
}

static JsonNode *
task_details_to_json (SdTask      *task,
                      const Links *links)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  SdRequest *request = sd_task_get_request (task);

  json_builder_begin_object (builder);
  _sd_cli_add_string_member (builder, "task_id", sd_task_get_id (task));
  _sd_cli_add_string_member (builder, "status", sd_api_status_to_string (sd_task_get_status (task)));
  _sd_cli_add_string_member (builder, "status_raw", sd_task_get_status_raw (task));
  _sd_cli_add_string_member (builder, "server_model", sd_task_get_server_model (task));
  json_builder_set_member_name (builder, "favourite");
  json_builder_add_boolean_value (builder, sd_task_get_favourite (task));
  _sd_cli_add_string_member (builder, "continues", sd_task_get_continues (task));
  _sd_cli_add_queue_members (builder, task);
  add_ids (builder, "continued_by", (const char * const *) links->continued_by);
  add_ids (builder, "retried_by", (const char * const *) links->retried_by);
  _sd_cli_add_estimate_member (builder, task);
  add_time (builder, "created_at", sd_task_get_created_at (task));
  add_time (builder, "first_seen_at", sd_task_get_first_seen_at (task));
  add_time (builder, "updated_at", sd_task_get_updated_at (task));
  add_time (builder, "expires_at", sd_task_get_expires_at (task));
  _sd_cli_add_string_member (builder, "video_url", sd_task_get_video_url (task));
  _sd_cli_add_string_member (builder, "file", sd_task_get_local_file (task));
  _sd_cli_add_string_member (builder, "download_state",
                             download_state_name (sd_task_get_download_state (task)));
  _sd_cli_add_string_member (builder, "download_error", sd_task_get_download_error (task));
  _sd_cli_add_string_member (builder, "failure_message", sd_task_get_failure_message (task));
  /* The request as it was sent, with the API's own field names. */
  json_builder_set_member_name (builder, "request");
  if (request != NULL)
    json_builder_add_value (builder, sd_api_request_to_json (request));
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static void
print_field (SdCli      *self,
             const char *label,
             const char *value)
{
  g_autofree char *padded = NULL;

  if (value == NULL || *value == '\0')
    return;
  padded = sd_cli_output_pad_to_width (label, 18);
  _sd_cli_print_result (self, "%s %s\n", padded, value);
}

static void
print_list_field (SdCli               *self,
                  const char          *label,
                  const char * const  *values)
{
  g_autofree char *joined = NULL;

  if (values == NULL)
    return;
  joined = g_strjoinv (", ", (char **) values);
  print_field (self, label, joined);
}

static void
print_time_field (SdCli      *self,
                  const char *label,
                  gint64      unix_time)
{
  g_autofree char *text = _sd_cli_format_time (unix_time);

  print_field (self, label, text);
}

static void
print_request (SdCli     *self,
               SdRequest *request)
{
  g_autofree char *duration = NULL;

  if (request == NULL)
    {
      print_field (self, _("Request:"), _("damaged in the history"));
      return;
    }
  if (sd_request_has_duration (request))
    duration = g_strdup_printf ("%d s", sd_request_get_duration (request));
  print_field (self, _("Model:"), sd_request_get_model (request));
  print_field (self, _("Prompt:"), sd_request_get_prompt (request));
  print_field (self, _("Duration:"), duration);
  print_field (self, _("Ratio:"), sd_request_get_ratio (request));
  print_field (self, _("Resolution:"), sd_request_get_resolution (request));
  print_field (self, _("Orientation:"), sd_request_get_orientation (request));
  print_list_field (self, _("Images:"), sd_request_get_images (request));
  print_field (self, _("First image:"), sd_request_get_first_image (request));
  print_field (self, _("Last image:"), sd_request_get_last_image (request));
  print_list_field (self, _("Reference videos:"), sd_request_get_reference_videos (request));
  print_list_field (self, _("Reference audios:"), sd_request_get_reference_audios (request));
}

static void
print_details (SdCli       *self,
               SdTask      *task,
               const Links *links)
{
  g_autofree char *estimate = NULL;

  if (sd_task_get_estimate (task) >= 0)
    estimate = sd_money_format (sd_task_get_estimate (task), sd_task_get_estimate_currency (task));

  /* Translators: the labels of "seedance show" are padded to 18 columns */
  print_field (self, _("Task:"), sd_task_get_id (task));
  print_field (self, _("Status:"), _sd_cli_status_label (sd_task_get_status (task)));
  print_field (self, _("Server status:"), sd_task_get_status_raw (task));
  print_field (self, _("Favourite:"), sd_task_get_favourite (task) ? _("yes") : NULL);
  print_field (self, _("Continues:"), sd_task_get_continues (task));
  print_list_field (self, _("Continued by:"), (const char * const *) links->continued_by);
  print_field (self, _("Retry of:"), sd_task_get_retry_of (task));
  print_list_field (self, _("Retried by:"), (const char * const *) links->retried_by);
  print_field (self, _("Group:"), sd_task_get_group_label (task));
  print_field (self, _("Group ID:"), sd_task_get_group_id (task));
  print_field (self, _("Label:"), sd_task_get_label (task));
  print_request (self, sd_task_get_request (task));
  print_field (self, _("Server model:"), sd_task_get_server_model (task));
  print_time_field (self, _("Submitted:"), sd_task_get_created_at (task));
  print_time_field (self, _("First seen:"), sd_task_get_first_seen_at (task));
  print_time_field (self, _("Updated:"), sd_task_get_updated_at (task));
  print_field (self, _("Video:"), sd_task_get_video_url (task));
  print_time_field (self, _("Link expires:"), sd_task_get_expires_at (task));
  print_field (self, _("File:"), sd_task_get_local_file (task));
  print_field (self, _("Download error:"), sd_task_get_download_error (task));
  print_field (self, _("Failure:"), sd_task_get_failure_message (task));
  print_field (self, _("Estimate:"), estimate);
}

static gboolean
run_show (SdCli              *self,
          const SdCliCommand *command,
          SdCliArguments     *args,
          int                *exit_status)
{
  g_autoptr(SdTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(Links) links = { 0 };

  if (!_sd_cli_open_context (self, exit_status) ||
      !_sd_cli_find_in_history (self, args->positional[0], &task, exit_status))
    return FALSE;
  if (!sd_store_query_links (sd_context_get_store (self->context), sd_task_get_id (task),
                             &links.continued_by, &links.retried_by, &error))
    g_debug ("The links to %s could not be read: %s %d", sd_task_get_id (task),
             g_quark_to_string (error->domain), error->code);

  if (self->json)
    {
      g_autoptr(JsonNode) node = task_details_to_json (task, &links);

      _sd_cli_print_json (self, node);
    }
  else
    print_details (self, task, &links);
  return _sd_cli_exit_with (exit_status, SD_CLI_EXIT_SUCCESS);
}

const SdCliCommand _sd_cli_show_command = {
  .name = "show",
  .summary = N_("Show every field of one task of the history."),
  .parameters = N_("ID"),
  .options = SD_CLI_OPTION_JSON,
  .run = run_show,
};

/* sd-cli-list.c: “seedance list”, the task history newest first
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "seedance-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "sd-cli-output.h"
#include "sd-cli-private.h"
#include "sd-service.h"
#include "sd-utf8.h"

/* A prompt on one line: its line breaks and tabs as spaces, cut to fit. */
static char *
one_line_prompt (SdRequest *request)
{
  const char *prompt = request != NULL ? sd_request_get_prompt (request) : NULL;
  g_autofree char *flat = g_strdup (prompt != NULL ? prompt : "");

  g_strdelimit (flat, "\n\r\t", ' ');
  return sd_utf8_ellipsize (flat, 40);
}

static void
print_task_line (SdCli  *self,
                 SdTask *task)
{
  SdRequest *request = sd_task_get_request (task);
  g_autofree char *created = _sd_cli_format_time (sd_task_get_created_at (task));
  g_autofree char *prompt = one_line_prompt (request);
  g_autofree char *status = sd_cli_output_pad_to_width (_sd_cli_status_label (sd_task_get_status (task)), 10);

  _sd_cli_print_result (self, "%s  %s  %s  %s  %s\n",
                        sd_task_get_id (task),
                        status,
                        created != NULL ? created : "-",
                        request != NULL && sd_request_get_model (request) != NULL
                          ? sd_request_get_model (request) : "-",
                        prompt);
}

static void
print_tasks_as_json (SdCli      *self,
                     GListModel *tasks)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;

  json_builder_begin_array (builder);
  for (guint i = 0; i < g_list_model_get_n_items (tasks); i++)
    {
      g_autoptr(SdTask) task = g_list_model_get_item (tasks, i);

      json_builder_add_value (builder, _sd_cli_task_to_json (task));
    }
  json_builder_end_array (builder);

  node = json_builder_get_root (builder);
  _sd_cli_print_json (self, node);
}

static void
print_tasks (SdCli      *self,
             GListModel *tasks)
{
  for (guint i = 0; i < g_list_model_get_n_items (tasks); i++)
    {
      g_autoptr(SdTask) task = g_list_model_get_item (tasks, i);

      print_task_line (self, task);
    }

  if (g_list_model_get_n_items (tasks) == 0)
    _sd_cli_print_message (self, "%s", _("No tasks yet."));
}

static gboolean
run_list (SdCli              *self,
          const SdCliCommand *command,
          SdCliArguments     *args,
          int                *exit_status)
{
  SdService *service;
  GListModel *tasks;

  if (!_sd_cli_open_context (self, exit_status))
    return FALSE;

  service = sd_context_get_service (self->context);
  /* The service reads the history a page at a time; list all of it. */
  sd_service_load_more (service, G_MAXUINT);
  tasks = sd_service_get_tasks (service);

  if (self->json)
    print_tasks_as_json (self, tasks);
  else
    print_tasks (self, tasks);

  return _sd_cli_exit_with (exit_status, SD_CLI_EXIT_SUCCESS);
}

const SdCliCommand _sd_cli_list_command = {
  .name = "list",
  .summary = N_("Show the task history, newest first."),
  .options = SD_CLI_OPTION_JSON,
  .run = run_list,
};

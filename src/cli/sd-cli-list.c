/* sd-cli-list.c: “seedance list”, the task history newest first
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "seedance-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "sd-cli-output.h"
#include "sd-cli-private.h"
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

  g_autofree char *group = _sd_cli_group_column (task);

  _sd_cli_print_result (self, "%s  %s  %s  %s  %s%s\n",
                        sd_task_get_id (task),
                        status,
                        created != NULL ? created : "-",
                        request != NULL && sd_request_get_model (request) != NULL
                          ? sd_request_get_model (request) : "-",
                        group, prompt);
}

static void
print_tasks_as_json (SdCli     *self,
                     GPtrArray *tasks)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;

  json_builder_begin_array (builder);
  for (guint i = 0; i < tasks->len; i++)
    json_builder_add_value (builder, _sd_cli_task_to_json (g_ptr_array_index (tasks, i)));
  json_builder_end_array (builder);

  node = json_builder_get_root (builder);
  _sd_cli_print_json (self, node);
}

static void
print_tasks (SdCli     *self,
             GPtrArray *tasks,
             gboolean   filtered)
{
  for (guint i = 0; i < tasks->len; i++)
    print_task_line (self, g_ptr_array_index (tasks, i));

  if (tasks->len == 0)
    _sd_cli_print_message (self, "%s", filtered ? _("No tasks match.") : _("No tasks yet."));
}

static gboolean
run_list (SdCli              *self,
          const SdCliCommand *command,
          SdCliArguments     *args,
          int                *exit_status)
{
  g_autoptr(SdTaskQuery) query = NULL;
  g_autoptr(GPtrArray) tasks = NULL;
  guint limit;

  query = _sd_cli_query_from_arguments (self, command, args, &limit, exit_status);
  if (query == NULL || !_sd_cli_open_context (self, exit_status))
    return FALSE;

  tasks = _sd_cli_run_query (self, query, limit, exit_status);
  if (tasks == NULL)
    return FALSE;

  if (self->json)
    print_tasks_as_json (self, tasks);
  else
    print_tasks (self, tasks, args->values != NULL);

  return _sd_cli_exit_with (exit_status, SD_CLI_EXIT_SUCCESS);
}

const SdCliCommand _sd_cli_list_command = {
  .name = "list",
  .summary = N_("Show the task history, newest first."),
  .entries = _sd_cli_filter_entries,
  .options = SD_CLI_OPTION_JSON,
  .run = run_list,
};

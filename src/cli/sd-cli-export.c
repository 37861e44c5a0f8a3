/* sd-cli-export.c: “seedance export”, tasks of the history as a batch
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "seedance-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "sd-batch.h"
#include "sd-cli-private.h"

/* One JSON object a line, each the request of one task with the API's own
 * field names (model, prompt, duration, ratio, resolution, orientation,
 * images, first_image, last_image, reference_videos, reference_audios)
 * and the task's own "label" when it has one: the batch format of one
 * request a line. Newest first, as list shows. */
static gboolean
run_export (SdCli              *self,
            const SdCliCommand *command,
            SdCliArguments     *args,
            int                *exit_status)
{
  g_autoptr(SdTaskQuery) query = NULL;
  g_autoptr(GPtrArray) tasks = NULL;
  guint limit, skipped = 0;

  query = _sd_cli_query_from_arguments (self, command, args, &limit, exit_status);
  if (query == NULL || !_sd_cli_open_context (self, exit_status))
    return FALSE;
  tasks = _sd_cli_run_query (self, query, limit, exit_status);
  if (tasks == NULL)
    return FALSE;

  for (guint i = 0; i < tasks->len; i++)
    {
      SdTask *task = g_ptr_array_index (tasks, i);
      SdRequest *request = sd_task_get_request (task);
      g_autoptr(JsonNode) node = NULL;

      if (request == NULL)
        {
          _sd_cli_print_message (self, _("Task %s is left out: its settings in the history "
                                         "are damaged."), sd_task_get_id (task));
          skipped++;
          continue;
        }
      node = sd_batch_line_to_json (request, 1, sd_task_get_label (task));
      _sd_cli_print_json_line (self, node);
    }
  g_debug ("Exported %u tasks, %u left out", tasks->len - skipped, skipped);
  return _sd_cli_exit_with (exit_status, skipped == 0 ? SD_CLI_EXIT_SUCCESS : SD_CLI_EXIT_FAILURE);
}

const SdCliCommand _sd_cli_export_command = {
  .name = "export",
  .summary = N_("Print tasks of the history as a batch file (JSON Lines)."),
  .entries = _sd_cli_filter_entries,
  .run = run_export,
};

/* sd-cli-extend.c: "seedance extend", a new task from a task's last frame
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "seedance-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "sd-cli-private.h"
#include "sd-continue.h"
#include "sd-service.h"
#include "sd-store.h"

static const GOptionEntry extend_entries[] = {
  { "prompt", 'p', 0, G_OPTION_ARG_CALLBACK, (gpointer) _sd_cli_store_option,
    N_("What the new shot shows"), N_("TEXT") },
  { "model", 'm', 0, G_OPTION_ARG_CALLBACK, (gpointer) _sd_cli_store_option,
    N_("The model (by default the task's, or the nearest that takes a first frame)"), N_("ID") },
  { "duration", 'd', 0, G_OPTION_ARG_CALLBACK, (gpointer) _sd_cli_store_option,
    N_("Length in seconds"), N_("N") },
  { NULL }
};

/* The request from the task's last frame, or NULL after saying why. */
static SdRequest *
prepare_request (SdCli          *self,
                 SdTask         *parent,
                 SdCliArguments *args,
                 int            *exit_status)
{
  g_autoptr(SdUploader) uploader = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SdRequest) request = NULL;
  g_autofree char *note = NULL;
  GAsyncResult *slot = NULL;

  uploader = _sd_cli_new_uploader (self);
  if (uploader == NULL)
    {
      _sd_cli_exit_with (exit_status, SD_CLI_EXIT_FAILURE);
      return NULL;
    }
  sd_continue_prepare_async (parent, sd_context_get_catalog (self->context), uploader,
                             _sd_cli_option_value (args, "model"), NULL,
                             _sd_cli_on_async_ready_cb, &slot);
  result = _sd_cli_await_result (&slot);
  request = sd_continue_prepare_finish (result, &note, &error);
  if (request == NULL)
    {
      _sd_cli_print_message (self, "%s", error->message);
      _sd_cli_exit_with (exit_status, error->domain == SD_CONTINUE_ERROR &&
                                      error->code != SD_CONTINUE_ERROR_FRAME
                                      ? SD_CLI_EXIT_USAGE : SD_CLI_EXIT_FAILURE);
      return NULL;
    }
  if (note != NULL)
    _sd_cli_print_message (self, "%s", note);
  _sd_cli_save_upload_cache (self, uploader);
  return g_steal_pointer (&request);
}

/* --prompt and --duration on the prepared request; FALSE after saying why. */
static gboolean
complete_request (SdCli          *self,
                  SdCliArguments *args,
                  SdRequest      *request)
{
  SdModel *model = sd_catalog_lookup (sd_context_get_catalog (self->context),
                                      sd_request_get_model (request));
  const char *duration = _sd_cli_option_value (args, "duration");
  g_autoptr(GPtrArray) problems = NULL;
  gint64 seconds;

  sd_request_set_prompt (request, _sd_cli_option_value (args, "prompt"));
  if (duration != NULL)
    {
      if (!g_ascii_string_to_signed (duration, 10, G_MININT, G_MAXINT, &seconds, NULL))
        {
          _sd_cli_print_message (self, _("duration: “%s” is not a whole number of seconds."), duration);
          return FALSE;
        }
      sd_request_set_explicit_duration (request, (int) seconds);
    }
  problems = sd_request_validate (request, model);
  for (guint i = 0; i < problems->len; i++)
    {
      SdProblem *problem = g_ptr_array_index (problems, i);

      _sd_cli_print_message (self, "%s: %s", problem->field, problem->message);
    }
  return problems->len == 0;
}

static gboolean
submit_continuation (SdCli          *self,
                     SdTask         *parent,
                     SdRequest      *request,
                     SdCliArguments *args,
                     int            *exit_status)
{
  SdService *service = sd_context_get_service (self->context);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) not_saved = NULL;
  g_autoptr(SdTask) task = NULL;
  GAsyncResult *slot = NULL;

  sd_service_submit_async (service, request, NULL, _sd_cli_on_async_ready_cb, &slot);
  result = _sd_cli_await_result (&slot);
  task = sd_service_submit_finish_full (service, result, &not_saved, &error);
  if (task == NULL)
    return _sd_cli_report_error (self, error, NULL, exit_status);

  sd_task_set_continues (task, sd_task_get_id (parent));
  if (not_saved == NULL)
    sd_store_save_task (sd_context_get_store (self->context), task, &not_saved);
  if (not_saved != NULL)
    {
      if (!self->json)
        _sd_cli_print_result (self, "%s\n", sd_task_get_id (task));
      _sd_cli_report_error (self, not_saved, sd_task_get_id (task), exit_status);
      return _sd_cli_exit_with (exit_status, SD_CLI_EXIT_FAILURE);
    }
  g_debug ("Task %s continues %s", sd_task_get_id (task), sd_task_get_id (parent));

  if (args->wait)
    {
      _sd_cli_print_message (self, _("Submitted task %s, continuing %s."),
                             sd_task_get_id (task), sd_task_get_id (parent));
      return _sd_cli_finish_task (self, task, args->download_dir, exit_status);
    }
  _sd_cli_print_demo_hint (self);
  if (self->json)
    _sd_cli_print_task (self, task);
  else
    _sd_cli_print_result (self, "%s\n", sd_task_get_id (task));
  return _sd_cli_exit_with (exit_status, SD_CLI_EXIT_SUCCESS);
}

static gboolean
run_extend (SdCli              *self,
            const SdCliCommand *command,
            SdCliArguments     *args,
            int                *exit_status)
{
  g_autoptr(SdTask) parent = NULL;
  g_autoptr(SdRequest) request = NULL;
  const char *prompt = _sd_cli_option_value (args, "prompt");

  if (prompt == NULL || *prompt == '\0')
    return _sd_cli_report_usage (self, command->name,
                                 _("prompt: give what the new shot shows with --prompt TEXT."),
                                 exit_status);
  if (!_sd_cli_open_context (self, exit_status) ||
      !_sd_cli_find_in_history (self, args->positional[0], &parent, exit_status) ||
      !_sd_cli_check_token (self, exit_status))
    return FALSE;

  request = prepare_request (self, parent, args, exit_status);
  if (request == NULL)
    return FALSE;
  if (!complete_request (self, args, request))
    return _sd_cli_exit_with (exit_status, SD_CLI_EXIT_USAGE);
  return submit_continuation (self, parent, request, args, exit_status);
}

const SdCliCommand _sd_cli_extend_command = {
  .name = "extend",
  .summary = N_("Start a new task from the last frame of a task's saved video."),
  .parameters = N_("ID"),
  .entries = extend_entries,
  .options = SD_CLI_OPTION_WAIT | SD_CLI_OPTION_DOWNLOAD_DIR | SD_CLI_OPTION_JSON,
  .run = run_extend,
};

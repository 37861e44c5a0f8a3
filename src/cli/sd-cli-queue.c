/* sd-cli-queue.c: the local queue on the command line: “submit --takes”,
 * “--concurrency”, “seedance retry” and “seedance cancel”
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "seedance-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "sd-cli-private.h"
#include "sd-service.h"

#define CONCURRENCY_ENV "SEEDANCE_CONCURRENCY"

static gboolean
parse_count (const char  *text,
             guint        max,
             guint       *value)
{
  guint64 parsed;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 1, max, &parsed, NULL))
    return FALSE;
  *value = (guint) parsed;
  return TRUE;
}

gboolean
_sd_cli_on_queue_option_cb (const char  *option_name,
                            const char  *value,
                            gpointer     data,
                            GError     **error)
{
  SdCliArguments *args = data;
  gboolean takes = g_str_equal (option_name, "--takes");
  guint max = takes ? SD_SERVICE_MAX_TAKES : SD_SERVICE_MAX_ACTIVE_LIMIT;

  if (parse_count (value, max, takes ? &args->takes : &args->concurrency))
    return TRUE;
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               /* Translators: the first %s is an option, the second what was given. */
               _("%s: “%s” is not a whole number from 1 to %u."), option_name, value, max);
  return FALSE;
}

gboolean
_sd_cli_apply_concurrency (SdCli          *self,
                           SdCliArguments *args,
                           int            *exit_status)
{
  const char *env = g_getenv (CONCURRENCY_ENV);
  guint concurrency = args->concurrency;

  if (concurrency == 0 && env != NULL && *env != '\0' &&
      !parse_count (env, SD_SERVICE_MAX_ACTIVE_LIMIT, &concurrency))
    {
      _sd_cli_print_message (self, _("%s: “%s” is not a whole number from 1 to %u."),
                             CONCURRENCY_ENV, env, SD_SERVICE_MAX_ACTIVE_LIMIT);
      return _sd_cli_exit_with (exit_status, SD_CLI_EXIT_USAGE);
    }
  if (concurrency > 0)
    sd_service_set_max_active (sd_context_get_service (self->context), concurrency);
  return TRUE;
}

/* Waiting until sent */

static gboolean
is_on_the_way (SdService *service,
               GPtrArray *tasks)
{
  for (guint i = 0; i < tasks->len; i++)
    {
      SdTask *task = g_ptr_array_index (tasks, i);

      if (sd_task_get_status (task) == SD_TASK_STATUS_WAITING ||
          sd_service_is_sending (service, task))
        return TRUE;
    }
  return FALSE;
}

/* Runs until no task of @tasks waits or is being sent: a run that ended
 * before would leave them for another one. */
static void
wait_until_sent (SdCli     *self,
                 GPtrArray *tasks)
{
  SdService *service = sd_context_get_service (self->context);

  if (!is_on_the_way (service, tasks))
    return;
  _sd_cli_print_message (self, _("Sending %u tasks, at most %u at the provider at once…"),
                         tasks->len, sd_service_get_max_active (service));
  while (is_on_the_way (service, tasks))
    g_main_context_iteration (NULL, TRUE);
}

static gboolean
was_sent (SdTask *task)
{
  SdTaskStatus status = sd_task_get_status (task);

  return status != SD_TASK_STATUS_FAILED && status != SD_TASK_STATUS_UNCERTAIN &&
         status != SD_TASK_STATUS_NOT_FOUND && status != SD_TASK_STATUS_WAITING;
}

/* Prints @tasks (one ID a line, or a JSON array); with --wait, waits for
 * each and saves its video. Exit 0 when all went (and with --wait,
 * completed), else 1. */
static gboolean
print_sent (SdCli          *self,
            SdCliArguments *args,
            GPtrArray      *tasks,
            int            *exit_status)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  gboolean all_sent = TRUE;
  int worst = SD_CLI_EXIT_SUCCESS;

  wait_until_sent (self, tasks);
  for (guint i = 0; i < tasks->len; i++)
    all_sent = all_sent && was_sent (g_ptr_array_index (tasks, i));

  if (args->wait)
    {
      for (guint i = 0; i < tasks->len; i++)
        {
          SdTask *task = g_ptr_array_index (tasks, i);
          int status = SD_CLI_EXIT_SUCCESS;

          _sd_cli_finish_task (self, task, args->download_dir, &status);
          worst = MAX (worst, status);
        }
      return _sd_cli_exit_with (exit_status, worst);
    }

  json_builder_begin_array (builder);
  for (guint i = 0; i < tasks->len; i++)
    {
      SdTask *task = g_ptr_array_index (tasks, i);

      if (self->json)
        json_builder_add_value (builder, _sd_cli_task_to_json (task));
      else if (was_sent (task))
        _sd_cli_print_result (self, "%s\n", sd_task_get_id (task));
      else
        _sd_cli_print_message (self, _("Task %s: %s. %s"), sd_task_get_id (task),
                               _sd_cli_status_label (sd_task_get_status (task)),
                               sd_task_get_failure_message (task) != NULL
                                 ? sd_task_get_failure_message (task) : "");
    }
  json_builder_end_array (builder);
  if (self->json)
    {
      g_autoptr(JsonNode) node = json_builder_get_root (builder);

      _sd_cli_print_json (self, node);
    }
  else
    _sd_cli_print_demo_hint (self);
  return _sd_cli_exit_with (exit_status, all_sent ? SD_CLI_EXIT_SUCCESS : SD_CLI_EXIT_FAILURE);
}

gboolean
_sd_cli_submit_takes (SdCli          *self,
                      SdCliArguments *args,
                      int            *exit_status)
{
  SdService *service = sd_context_get_service (self->context);
  g_autoptr(GPtrArray) tasks = NULL;
  g_autoptr(GError) error = NULL;

  tasks = sd_service_submit_takes (service, args->request, args->takes, NULL, &error);
  if (tasks == NULL)
    return _sd_cli_report_error (self, error, NULL, exit_status);
  if (tasks->len > 0 && !self->json)
    _sd_cli_print_message (self, _("Group %s: %u takes of “%s”."),
                           sd_task_get_group_id (g_ptr_array_index (tasks, 0)), tasks->len,
                           sd_task_get_group_label (g_ptr_array_index (tasks, 0)));
  return print_sent (self, args, tasks, exit_status);
}

/* list */

char *
_sd_cli_group_column (SdTask *task)
{
  if (sd_task_get_group_label (task) == NULL || *sd_task_get_group_label (task) == '\0')
    return g_strdup ("");
  return g_strdup_printf ("[%s]  ", sd_task_get_group_label (task));
}

void
_sd_cli_add_queue_members (JsonBuilder *builder,
                           SdTask      *task)
{
  _sd_cli_add_string_member (builder, "group_id", sd_task_get_group_id (task));
  _sd_cli_add_string_member (builder, "group_label", sd_task_get_group_label (task));
  _sd_cli_add_string_member (builder, "label", sd_task_get_label (task));
  _sd_cli_add_string_member (builder, "retry_of", sd_task_get_retry_of (task));
}

/* retry */

static SdTask *
find_task (SdCli      *self,
           const char *task_id)
{
  SdTask *task = sd_service_lookup (sd_context_get_service (self->context), task_id);

  if (task == NULL)
    _sd_cli_print_message (self, _("No task %s in the history."), task_id);
  return task;
}

/* Every ID is checked before anything is sent. */
static GPtrArray *
tasks_to_retry (SdCli          *self,
                SdCliArguments *args)
{
  g_autoptr(GPtrArray) tasks = g_ptr_array_new ();
  gboolean ok = TRUE;

  for (guint i = 0; args->positional[i] != NULL; i++)
    {
      SdTask *task = find_task (self, args->positional[i]);
      SdTaskStatus status = task != NULL ? sd_task_get_status (task) : SD_TASK_STATUS_UNKNOWN;
      gboolean uncertain = status == SD_TASK_STATUS_UNCERTAIN || status == SD_TASK_STATUS_NOT_FOUND;

      if (task == NULL)
        ok = FALSE;
      else if (uncertain && !args->include_uncertain)
        {
          _sd_cli_print_message (self, _("Task %s may exist at the provider and be billed; "
                                         "retry it with --include-uncertain if you are sure."),
                                 args->positional[i]);
          ok = FALSE;
        }
      else if (status != SD_TASK_STATUS_FAILED && !uncertain)
        {
          _sd_cli_print_message (self, _("Task %s is %s; only failed tasks are retried."),
                                 args->positional[i], _sd_cli_status_label (status));
          ok = FALSE;
        }
      else
        g_ptr_array_add (tasks, task);
    }
  return ok ? g_steal_pointer (&tasks) : NULL;
}

static gboolean
run_retry (SdCli              *self,
           const SdCliCommand *command,
           SdCliArguments     *args,
           int                *exit_status)
{
  guint given = args->positional != NULL ? g_strv_length (args->positional) : 0;
  g_autoptr(GPtrArray) retries = NULL;
  g_autoptr(GPtrArray) originals = NULL;
  g_autoptr(GError) error = NULL;
  SdService *service;

  if ((given == 0) == (args->group == NULL))
    {
      _sd_cli_print_message (self, "%s", _("Give one or more task IDs, or --group GROUP "
                                           "(its failed tasks), not both."));
      return _sd_cli_exit_with (exit_status, SD_CLI_EXIT_USAGE);
    }
  if (!_sd_cli_open_context (self, exit_status) ||
      !_sd_cli_check_token (self, exit_status) ||
      !_sd_cli_apply_concurrency (self, args, exit_status))
    return FALSE;
  service = sd_context_get_service (self->context);

  if (args->group != NULL)
    {
      retries = sd_service_retry_failed (service, args->group, &error);
      if (retries == NULL)
        return _sd_cli_report_error (self, error, NULL, exit_status);
      if (retries->len == 0)
        _sd_cli_print_message (self, _("Group %s has no failed task to retry."), args->group);
      return print_sent (self, args, retries, exit_status);
    }

  originals = tasks_to_retry (self, args);
  if (originals == NULL)
    return _sd_cli_exit_with (exit_status, SD_CLI_EXIT_USAGE);
  retries = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < originals->len; i++)
    {
      SdTask *retry = sd_service_retry (service, g_ptr_array_index (originals, i),
                                        args->include_uncertain
                                          ? SD_SERVICE_RETRY_INCLUDE_UNCERTAIN
                                          : SD_SERVICE_RETRY_NONE,
                                        &error);

      if (retry == NULL)
        return _sd_cli_report_error (self, error, NULL, exit_status);
      g_ptr_array_add (retries, g_object_ref (retry));
    }
  return print_sent (self, args, retries, exit_status);
}

static gboolean
on_group_option_cb (const char  *option_name,
                    const char  *value,
                    gpointer     data,
                    GError     **error)
{
  SdCliArguments *args = data;

  g_free (args->group);
  args->group = g_strdup (value);
  return TRUE;
}

static gboolean
on_include_uncertain_cb (const char  *option_name,
                         const char  *value,
                         gpointer     data,
                         GError     **error)
{
  ((SdCliArguments *) data)->include_uncertain = TRUE;
  return TRUE;
}

static const GOptionEntry retry_entries[] = {
  { "group", 0, 0, G_OPTION_ARG_CALLBACK, on_group_option_cb,
    N_("Retry the failed tasks of this group"), N_("GROUP") },
  { "include-uncertain", 0, G_OPTION_FLAG_NO_ARG, G_OPTION_ARG_CALLBACK, on_include_uncertain_cb,
    N_("Retry the uncertain tasks given too (they may exist and be billed)"), NULL },
  { "concurrency", 0, 0, G_OPTION_ARG_CALLBACK, _sd_cli_on_queue_option_cb,
    N_("At most N tasks at the provider at once (1–10)"), N_("N") },
  { NULL }
};

const SdCliCommand _sd_cli_retry_command = {
  .name = "retry",
  .summary = N_("Send failed tasks again, as new tasks linked to them."),
  .parameters = N_("ID…"),
  .entries = retry_entries,
  .options = SD_CLI_OPTION_WAIT | SD_CLI_OPTION_DOWNLOAD_DIR | SD_CLI_OPTION_JSON |
             SD_CLI_OPTION_ANY_IDS,
  .run = run_retry,
};

/* cancel */

static gboolean
run_cancel (SdCli              *self,
            const SdCliCommand *command,
            SdCliArguments     *args,
            int                *exit_status)
{
  const char *task_id = args->positional[0];
  g_autoptr(GError) error = NULL;
  SdTask *task;

  if (!_sd_cli_open_context (self, exit_status))
    return FALSE;
  task = find_task (self, task_id);
  if (task == NULL)
    return _sd_cli_exit_with (exit_status, SD_CLI_EXIT_USAGE);
  if (!sd_service_cancel_waiting (sd_context_get_service (self->context), task, &error))
    {
      _sd_cli_print_message (self, "%s", error->message);
      return _sd_cli_exit_with (exit_status, SD_CLI_EXIT_USAGE);
    }
  _sd_cli_print_message (self, _("Task %s was cancelled; it was never sent."), task_id);
  return _sd_cli_exit_with (exit_status, SD_CLI_EXIT_SUCCESS);
}

const SdCliCommand _sd_cli_cancel_command = {
  .name = "cancel",
  .summary = N_("Take a task that waits to be sent out of the queue."),
  .parameters = N_("ID"),
  .run = run_cancel,
};

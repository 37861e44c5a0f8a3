/* sd-cli-task.c: status, wait and download: the commands about one task
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "seedance-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "sd-cli-private.h"
#include "sd-service.h"

typedef struct
{
  SdCli        *cli;
  SdTask       *task;
  guint         last_percent;
  const char   *directory;   /* where to save the video; NULL: the setting */
  GAsyncResult *download;    /* our download's result, once it came */
  gboolean      downloading; /* our download was asked for */
} SdCliWatch;

static void
show_status (SdCliWatch *watch)
{
  g_autofree char *text = NULL;

  /* Translators: progress of "seedance wait": task id, then its status */
  text = g_strdup_printf (_("Task %s: %s"),
                          sd_task_get_id (watch->task),
                          _sd_cli_status_label (sd_task_get_status (watch->task)));
  _sd_cli_print_progress (watch->cli, text);
}

static void
on_task_status_changed_cb (SdTask     *task,
                           GParamSpec *pspec,
                           SdCliWatch *watch)
{
  show_status (watch);
}

static void
on_task_download_progress_cb (SdTask     *task,
                              GParamSpec *pspec,
                              SdCliWatch *watch)
{
  g_autofree char *text = NULL;
  guint percent = (guint) (sd_task_get_download_progress (task) * 100.0);

  /* Plain lines every 10 %, so logs stay short. */
  if (!watch->cli->err_is_tty && percent / 10 == watch->last_percent / 10)
    return;

  watch->last_percent = percent;
  /* Translators: progress of a download: the task id, then a percentage */
  text = g_strdup_printf (_("Task %s: saving the video, %u %%"),
                          sd_task_get_id (task), percent);
  _sd_cli_print_progress (watch->cli, text);
}

static gboolean
download_is_running (SdTask *task)
{
  SdDownloadState state = sd_task_get_download_state (task);

  return state == SD_DOWNLOAD_STATE_QUEUED || state == SD_DOWNLOAD_STATE_RUNNING;
}

static void
on_poll_error_cb (SdService    *service,
                  SdTask       *task,
                  const GError *error,
                  SdCliWatch   *watch)
{
  g_autofree char *text = NULL;

  if (task != watch->task)
    return;

  /* Translators: the task id, then why asking about it failed */
  text = g_strdup_printf (_("Task %s: %s Trying again…"), sd_task_get_id (task), error->message);
  _sd_cli_print_progress (watch->cli, text);
}

static void
on_online_changed_cb (SdService  *service,
                      GParamSpec *pspec,
                      SdCliWatch *watch)
{
  g_autofree char *text = NULL;

  if (sd_service_get_online (service))
    {
      show_status (watch);
      return;
    }

  text = g_strdup_printf (_("Task %s: waiting for the network…"), sd_task_get_id (watch->task));
  _sd_cli_print_progress (watch->cli, text);
}

static gboolean
file_is_in (const char *path,
            const char *directory)
{
  g_autofree char *parent = NULL;
  g_autoptr(GFile) a = NULL;
  g_autoptr(GFile) b = NULL;

  if (directory == NULL)
    return TRUE;

  parent = g_path_get_dirname (path);
  a = g_file_new_for_path (parent);
  b = g_file_new_for_path (directory);
  return g_file_equal (a, b);
}

static gboolean
video_is_saved_in (SdTask     *task,
                   const char *directory)
{
  const char *local = sd_task_get_local_file (task);

  return local != NULL && file_is_in (local, directory) &&
         g_file_test (local, G_FILE_TEST_IS_REGULAR);
}

static void
on_task_completed_cb (SdService  *service,
                      SdTask     *task,
                      SdCliWatch *watch)
{
  if (task != watch->task || video_is_saved_in (task, watch->directory))
    return;

  /* Asked for before the service's own automatic download, so the video is
   * saved once, where the user said. */
  sd_service_download_async (service, task, watch->directory, NULL,
                             _sd_cli_on_async_ready_cb, &watch->download);
  watch->downloading = TRUE;
}

static gboolean
watch_is_done (SdCliWatch *watch,
               SdService  *service)
{
  if (sd_service_get_last_error (service) != NULL &&
      !sd_task_get_is_finished (watch->task))
    return TRUE;

  return sd_task_get_is_finished (watch->task) &&
         !(watch->downloading && watch->download == NULL) &&
         !download_is_running (watch->task);
}

/* Runs the main loop until @watch's task is finished and no download of it
 * runs; FALSE with @error when the service stopped asking (a refused token). */
static gboolean
wait_until_finished (SdCliWatch  *watch,
                     GError     **error)
{
  SdService *service = sd_context_get_service (watch->cli->context);
  SdTask *task = watch->task;

  g_signal_connect (task, "notify::status", G_CALLBACK (on_task_status_changed_cb), watch);
  g_signal_connect (task, "notify::download-progress",
                    G_CALLBACK (on_task_download_progress_cb), watch);
  g_signal_connect (service, "task-completed", G_CALLBACK (on_task_completed_cb), watch);
  g_signal_connect (service, "poll-error", G_CALLBACK (on_poll_error_cb), watch);
  g_signal_connect (service, "notify::online", G_CALLBACK (on_online_changed_cb), watch);
  /* Offline already: say so rather than wait in silence. */
  on_online_changed_cb (service, NULL, watch);

  while (!watch_is_done (watch, service))
    g_main_context_iteration (g_main_context_get_thread_default (), TRUE);

  g_signal_handlers_disconnect_by_data (task, watch);
  g_signal_handlers_disconnect_by_data (service, watch);
  _sd_cli_end_progress (watch->cli);

  if (sd_task_get_is_finished (task))
    return TRUE;

  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       sd_service_get_last_error (service));
  return FALSE;
}

/* Saves the video of a completed task into @directory (NULL: the setting),
 * unless it is already there and @again is FALSE. */
static gboolean
save_video (SdCli       *self,
            SdTask      *task,
            const char  *directory,
            gboolean     again,
            GError     **error)
{
  SdService *service = sd_context_get_service (self->context);
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *path = NULL;
  GAsyncResult *slot = NULL;
  SdCliWatch watch = { self, task, 0, directory, NULL, FALSE };

  if (!again && video_is_saved_in (task, directory))
    return TRUE;

  g_signal_connect (task, "notify::download-progress",
                    G_CALLBACK (on_task_download_progress_cb), &watch);
  sd_service_download_async (service, task, directory, NULL, _sd_cli_on_async_ready_cb, &slot);
  result = _sd_cli_await_result (&slot);
  g_signal_handlers_disconnect_by_data (task, &watch);
  _sd_cli_end_progress (self);

  path = sd_service_download_finish (service, result, error);
  return path != NULL;
}

static gboolean
finish_saving (SdCliWatch  *watch,
               GError     **error)
{
  SdService *service = sd_context_get_service (watch->cli->context);
  g_autoptr(GAsyncResult) result = g_steal_pointer (&watch->download);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *path = NULL;

  if (result != NULL)
    {
      path = sd_service_download_finish (service, result, &local_error);
      if (path != NULL)
        return TRUE;
      /* Only a download already under way is worth a second look. */
      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_PENDING))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }

  return save_video (watch->cli, watch->task, watch->directory, FALSE, error);
}

/* Says why a finished task has no video saved where asked; TRUE when it
 * has one. */
static gboolean
check_outcome (SdCliWatch *watch)
{
  SdCli *self = watch->cli;
  SdTask *task = watch->task;
  const char *reason = sd_task_get_failure_message (task);
  g_autoptr(GError) error = NULL;

  if (sd_task_get_status (task) == SD_TASK_STATUS_FAILED)
    {
      _sd_cli_print_message (self, _("Task %s failed: %s"), sd_task_get_id (task),
                             reason != NULL ? reason : _("the server gave no reason."));
      return FALSE;
    }

  if (_sd_cli_task_ended_without_video (task))
    {
      /* Translators: the second %s is a status such as "unknown to the server" */
      _sd_cli_print_message (self, _("Task %s is %s: %s"), sd_task_get_id (task),
                             _sd_cli_status_label (sd_task_get_status (task)),
                             reason != NULL ? reason : "");
      return FALSE;
    }

  if (!finish_saving (watch, &error))
    {
      _sd_cli_print_message (self, "%s", error->message);
      _sd_cli_print_demo_hint (self);
      return FALSE;
    }

  return TRUE;
}

gboolean
_sd_cli_finish_task (SdCli      *self,
                     SdTask     *task,
                     const char *directory,
                     int        *exit_status)
{
  SdCliWatch watch = { self, task, 0, directory, NULL, FALSE };
  g_autoptr(GError) error = NULL;
  gboolean saved;

  if (!wait_until_finished (&watch, &error))
    {
      g_clear_object (&watch.download);
      return _sd_cli_report_task_error (self, error, task, exit_status);
    }

  saved = check_outcome (&watch);
  g_clear_object (&watch.download);

  if (self->json)
    _sd_cli_print_task (self, task);
  else if (saved)
    _sd_cli_print_result (self, "%s\n", sd_task_get_local_file (task));

  return _sd_cli_exit_with (exit_status, saved ? SD_CLI_EXIT_SUCCESS : SD_CLI_EXIT_FAILURE);
}

/* status, wait and download share this: open the context and find the task
 * the command names, or say why not. */
static gboolean
open_task (SdCli           *self,
           SdCliArguments  *args,
           SdTask         **task,
           int             *exit_status)
{
  const char *task_id = args->positional[0];
  SdTask *found;

  if (!_sd_cli_open_context (self, exit_status))
    return FALSE;

  found = sd_service_lookup (sd_context_get_service (self->context), task_id);
  if (found != NULL)
    {
      *task = g_object_ref (found);
      return TRUE;
    }

  if (self->demo)
    _sd_cli_print_message (self, _("Task %s is not in the demo history."), task_id);
  else
    _sd_cli_print_message (self, _("Task %s is not in the history: run “seedance list” to see "
                                   "the tasks submitted from this computer."), task_id);
  _sd_cli_print_demo_hint (self);

  return _sd_cli_exit_with (exit_status, SD_CLI_EXIT_FAILURE);
}

/* Asks the server once how @task stands. */
static gboolean
refresh_task (SdCli  *self,
              SdTask *task,
              int    *exit_status)
{
  SdService *service = sd_context_get_service (self->context);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;

  if (!_sd_cli_check_token (self, exit_status))
    return FALSE;

  sd_service_refresh_async (service, task, NULL, _sd_cli_on_async_ready_cb, &slot);
  result = _sd_cli_await_result (&slot);
  if (!sd_service_refresh_finish (service, result, &error))
    return _sd_cli_report_task_error (self, error, task, exit_status);

  return TRUE;
}

static gboolean
run_status (SdCli              *self,
            const SdCliCommand *command,
            SdCliArguments     *args,
            int                *exit_status)
{
  g_autoptr(SdTask) task = NULL;

  if (!open_task (self, args, &task, exit_status) ||
      !refresh_task (self, task, exit_status))
    return FALSE;

  _sd_cli_print_task (self, task);
  return _sd_cli_exit_with (exit_status, _sd_cli_task_ended_without_video (task)
                                         ? SD_CLI_EXIT_FAILURE : SD_CLI_EXIT_SUCCESS);
}

static gboolean
run_wait (SdCli              *self,
          const SdCliCommand *command,
          SdCliArguments     *args,
          int                *exit_status)
{
  g_autoptr(SdTask) task = NULL;

  if (!open_task (self, args, &task, exit_status))
    return FALSE;

  /* Asking once first reports a refused token or an unknown task at once
   * instead of waiting on a schedule that can never end. */
  if (!sd_task_get_is_finished (task) && !refresh_task (self, task, exit_status))
    return FALSE;

  return _sd_cli_finish_task (self, task, args->download_dir, exit_status);
}

static gboolean
run_download (SdCli              *self,
              const SdCliCommand *command,
              SdCliArguments     *args,
              int                *exit_status)
{
  g_autoptr(SdTask) task = NULL;
  g_autoptr(GError) error = NULL;

  if (!open_task (self, args, &task, exit_status))
    return FALSE;

  if (sd_task_get_status (task) != SD_TASK_STATUS_COMPLETED)
    {
      _sd_cli_print_message (self, _("Task %s has no video yet (status: %s): run “seedance wait %s” "
                                     "to wait for it and save it."),
                             sd_task_get_id (task), _sd_cli_status_label (sd_task_get_status (task)),
                             sd_task_get_id (task));
      return _sd_cli_exit_with (exit_status, SD_CLI_EXIT_FAILURE);
    }

  if (!save_video (self, task, args->download_dir, TRUE, &error))
    return _sd_cli_report_task_error (self, error, task, exit_status);

  _sd_cli_print_result (self, "%s\n", sd_task_get_local_file (task));
  return _sd_cli_exit_with (exit_status, SD_CLI_EXIT_SUCCESS);
}

const SdCliCommand _sd_cli_status_command = {
  .name = "status",
  .summary = N_("Ask the server once how a task stands."),
  .parameters = N_("ID"),
  .options = SD_CLI_OPTION_JSON,
  .run = run_status,
};

const SdCliCommand _sd_cli_wait_command = {
  .name = "wait",
  .summary = N_("Wait until a task finishes, then save its video."),
  .parameters = N_("ID"),
  .options = SD_CLI_OPTION_DOWNLOAD_DIR | SD_CLI_OPTION_JSON,
  .run = run_wait,
};

const SdCliCommand _sd_cli_download_command = {
  .name = "download",
  .summary = N_("Save the video of a completed task."),
  .parameters = N_("ID"),
  .options = SD_CLI_OPTION_DOWNLOAD_DIR,
  .run = run_download,
};

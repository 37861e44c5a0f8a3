/* sd-cli-submit.c: “seedance submit”, a request from the options
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "seedance-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "sd-catalog.h"
#include "sd-cli-private.h"
#include "sd-media-check.h"
#include "sd-service.h"
#include "sd-uploader.h"

static gboolean on_request_option_cb (const char  *option_name,
                                      const char  *value,
                                      gpointer     data,
                                      GError     **error);
static gboolean on_no_check_cb       (const char  *option_name,
                                      const char  *value,
                                      gpointer     data,
                                      GError     **error);

/* Each option fills the SdRequest property of its long name; a repeatable
 * one (--image) adds to the list of its plural ("images"). So the options
 * and the request share one list of fields: the request's. */
static const GOptionEntry request_entries[] = {
  { "model", 'm', 0, G_OPTION_ARG_CALLBACK, on_request_option_cb,
    N_("The model (see “seedance models”; by default the one last chosen in Seedance Studio)"), N_("ID") },
  { "prompt", 'p', 0, G_OPTION_ARG_CALLBACK, on_request_option_cb,
    N_("What the video shows"), N_("TEXT") },
  { "duration", 'd', 0, G_OPTION_ARG_CALLBACK, on_request_option_cb,
    N_("Length in seconds"), N_("N") },
  { "ratio", 'r', 0, G_OPTION_ARG_CALLBACK, on_request_option_cb,
    N_("Aspect ratio, e.g. 16:9"), N_("RATIO") },
  { "resolution", 0, 0, G_OPTION_ARG_CALLBACK, on_request_option_cb,
    N_("Resolution, for models that take one"), N_("RES") },
  { "orientation", 0, 0, G_OPTION_ARG_CALLBACK, on_request_option_cb,
    N_("Orientation, for models that take one"), N_("ORIENTATION") },
  { "image", 'i', 0, G_OPTION_ARG_CALLBACK, on_request_option_cb,
    N_("A reference image (repeat for more)"), N_("URL") },
  { "first-image", 0, 0, G_OPTION_ARG_CALLBACK, on_request_option_cb,
    N_("The first frame"), N_("URL") },
  { "last-image", 0, 0, G_OPTION_ARG_CALLBACK, on_request_option_cb,
    N_("The last frame"), N_("URL") },
  { "reference-video", 0, 0, G_OPTION_ARG_CALLBACK, on_request_option_cb,
    N_("A reference video (repeat for more)"), N_("URL") },
  { "reference-audio", 0, 0, G_OPTION_ARG_CALLBACK, on_request_option_cb,
    N_("A reference audio (repeat for more)"), N_("URL") },
  { "no-check", 0, G_OPTION_FLAG_NO_ARG, G_OPTION_ARG_CALLBACK, on_no_check_cb,
    N_("Send without checking the media links first"), NULL },
  { "takes", 0, 0, G_OPTION_ARG_CALLBACK, _sd_cli_on_queue_option_cb,
    N_("Make N takes of the request, in one group (1–8)"), N_("N") },
  { "concurrency", 0, 0, G_OPTION_ARG_CALLBACK, _sd_cli_on_queue_option_cb,
    N_("At most N tasks at the provider at once (1–10)"), N_("N") },
  { NULL }
};

/* GOption names the option as it was typed: "--model" or "-m". */
static const char *
long_option_name (const char *option_name)
{
  if (g_str_has_prefix (option_name, "--"))
    return option_name + 2;

  for (const GOptionEntry *entry = request_entries; entry->long_name != NULL; entry++)
    if (entry->short_name != 0 && entry->short_name == option_name[1])
      return entry->long_name;

  g_assert_not_reached ();
}

static gboolean
parse_duration (const char *text,
                int        *duration)
{
  gint64 value;

  if (!g_ascii_string_to_signed (text, 10, G_MININT, G_MAXINT, &value, NULL))
    return FALSE;
  *duration = (int) value;
  return TRUE;
}

/* GOption's integers cannot tell 0 from unset, so --duration is read as
 * text: a whole number (even 0) is the user's, for the request to judge;
 * anything else is kept to be named in the error. The last one counts. */
static void
set_duration (SdCliArguments *args,
              const char     *text)
{
  int duration;

  g_clear_pointer (&args->invalid_duration, g_free);
  if (parse_duration (text, &duration))
    {
      sd_request_set_explicit_duration (args->request, duration);
      return;
    }

  sd_request_set_duration (args->request, 0);
  args->invalid_duration = g_strdup (text);
}

static void
add_to_list (SdRequest  *request,
             const char *property,
             const char *value)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) before = NULL;
  g_auto(GStrv) after = NULL;

  g_object_get (request, property, &before, NULL);
  if (before != NULL)
    g_strv_builder_addv (builder, (const char **) before);
  g_strv_builder_add (builder, value);
  after = g_strv_builder_end (builder);
  g_object_set (request, property, after, NULL);
}

static gboolean
on_request_option_cb (const char  *option_name,
                      const char  *value,
                      gpointer     data,
                      GError     **error)
{
  SdCliArguments *args = data;
  const char *name = long_option_name (option_name);
  GObjectClass *klass = G_OBJECT_GET_CLASS (args->request);
  g_autofree char *plural = NULL;

  if (g_str_equal (name, "duration"))
    set_duration (args, value);
  else if (g_object_class_find_property (klass, name) != NULL)
    g_object_set (args->request, name, value, NULL);
  else
    {
      plural = g_strconcat (name, "s", NULL);
      g_assert (g_object_class_find_property (klass, plural) != NULL);
      add_to_list (args->request, plural, value);
    }

  return TRUE;
}

static gboolean
on_no_check_cb (const char  *option_name,
                const char  *value,
                gpointer     data,
                GError     **error)
{
  ((SdCliArguments *) data)->no_check = TRUE;
  return TRUE;
}

/* A --duration that is not an integer at all; one that is, but out of the
 * model's range (0 and negative ones too), is the request's problem. */
static gboolean
check_duration_text (SdCli                *self,
                     const SdCliArguments *args,
                     SdModel              *model)
{
  int min, max;

  if (args->invalid_duration == NULL)
    return TRUE;

  if (model != NULL && sd_model_get_duration_range (model, &min, &max))
    _sd_cli_print_message (self, _("duration: “%s” is not a whole number of seconds; %s takes %d to %d seconds."),
                           args->invalid_duration, sd_model_get_display_name (model), min, max);
  else
    _sd_cli_print_message (self, _("duration: “%s” is not a whole number of seconds (at least 1)."),
                           args->invalid_duration);
  return FALSE;
}

/* Prints every problem of the request as "field: message"; TRUE when none. */
static gboolean
check_request (SdCli                *self,
               const SdCliArguments *args)
{
  g_autoptr(SdCatalog) catalog = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(SdRequest) as_sent = NULL;
  g_autofree char *warning = NULL;
  const char *model_id = sd_request_get_model (args->request);
  SdModel *model = NULL;
  gboolean duration_ok;

  catalog = sd_catalog_new_with_overrides (&warning);
  if (model_id != NULL)
    model = sd_catalog_lookup (catalog, model_id);

  /* local files are checked as the links they will become */
  as_sent = sd_upload_request_with_stand_ins (args->request);
  problems = sd_request_validate (as_sent, model);
  sd_upload_name_local_files (args->request, problems);
  if (problems->len > 0 && warning != NULL)
    _sd_cli_print_message (self, "%s", warning);
  duration_ok = check_duration_text (self, args, model);
  for (guint i = 0; i < problems->len; i++)
    {
      SdProblem *problem = g_ptr_array_index (problems, i);
      _sd_cli_print_message (self, "%s: %s", problem->field, problem->message);
    }

  return duration_ok && problems->len == 0;
}

/* The media links are checked as the composer checks them: a refusal
 * sends nothing; a link that could not be checked is said, and the
 * request goes anyway (there is no one to ask). */
static gboolean
check_media (SdCli     *self,
             SdRequest *request)
{
  g_autoptr(SdMediaChecker) checker = sd_media_checker_new ();
  g_autoptr(SdMediaCheck) check = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *problems = NULL;
  g_auto(GStrv) lines = NULL;
  GAsyncResult *slot = NULL;
  gboolean ok;

  sd_media_checker_set_loopback_certificate (checker, sd_context_get_tls_certificate (self->context));
  check = sd_media_check_new (checker, request,
                              sd_catalog_lookup (sd_context_get_catalog (self->context),
                                                 sd_request_get_model (request)));
  sd_media_check_run_async (check, NULL, _sd_cli_on_async_ready_cb, &slot);
  result = _sd_cli_await_result (&slot);
  ok = sd_media_check_run_finish (check, result, NULL);

  problems = sd_media_check_format_problems (check);
  lines = g_strsplit (problems, "\n", -1);
  for (guint i = 0; lines[i] != NULL && *lines[i] != '\0'; i++)
    _sd_cli_print_message (self, "%s", lines[i]);
  if (!ok)
    _sd_cli_print_message (self, "%s", _("Nothing was sent. Fix the links above, or send without "
                                         "checking them with --no-check."));
  else if (sd_media_check_get_state (check) == SD_MEDIA_CHECK_STATE_WARNING)
    _sd_cli_print_message (self, "%s", _("Sending anyway: the links above could not be checked."));
  return ok;
}

static gboolean
submit_request (SdCli          *self,
                SdCliArguments *args,
                int            *exit_status)
{
  SdService *service = sd_context_get_service (self->context);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) not_saved = NULL;
  g_autoptr(SdTask) task = NULL;
  GAsyncResult *slot = NULL;

  if (args->takes > 1)
    return _sd_cli_submit_takes (self, args, exit_status);
  sd_service_submit_async (service, args->request, NULL, _sd_cli_on_async_ready_cb, &slot);
  result = _sd_cli_await_result (&slot);
  task = sd_service_submit_finish_full (service, result, &not_saved, &error);
  if (task == NULL)
    return _sd_cli_report_error (self, error, NULL, exit_status);
  /* The task exists and is paid for: its id is the one thing to keep. */
  if (not_saved != NULL)
    {
      if (!self->json)
        _sd_cli_print_result (self, "%s\n", sd_task_get_id (task));
      _sd_cli_report_error (self, not_saved, sd_task_get_id (task), exit_status);
      return _sd_cli_exit_with (exit_status, SD_CLI_EXIT_FAILURE);
    }

  if (args->wait)
    {
      _sd_cli_print_message (self, _("Submitted task %s."), sd_task_get_id (task));
      return _sd_cli_finish_task (self, task, args->download_dir, exit_status);
    }

  _sd_cli_print_demo_hint (self);

  if (self->json)
    _sd_cli_print_task (self, task);
  else
    _sd_cli_print_result (self, "%s\n", sd_task_get_id (task));

  return _sd_cli_exit_with (exit_status, SD_CLI_EXIT_SUCCESS);
}

/* Without --model, the model last chosen in the app (its setting), said
 * on stderr so that a script's log tells what was paid for. */
static gboolean
choose_model (SdCli          *self,
              SdCliArguments *args,
              int            *exit_status)
{
  g_autofree char *model_id = NULL;

  if (sd_request_get_model (args->request) != NULL)
    return TRUE;
  if (!_sd_cli_open_context (self, exit_status))
    return FALSE;
  model_id = sd_context_dup_last_model (self->context);
  sd_request_set_model (args->request, model_id);
  _sd_cli_print_message (self, _("model: none given, so %s (the last one chosen in Seedance "
                                 "Studio; choose another with --model)."), model_id);
  return TRUE;
}

static gboolean
run_submit (SdCli              *self,
            const SdCliCommand *command,
            SdCliArguments     *args,
            int                *exit_status)
{
  if (!choose_model (self, args, exit_status))
    return FALSE;
  if (!check_request (self, args))
    return _sd_cli_exit_with (exit_status, SD_CLI_EXIT_USAGE);

  if ((self->context == NULL && !_sd_cli_open_context (self, exit_status)) ||
      !_sd_cli_check_token (self, exit_status) ||
      !_sd_cli_upload_resolve (self, args->request, exit_status) ||
      !_sd_cli_apply_concurrency (self, args, exit_status))
    return FALSE;

  if (!args->no_check && !check_media (self, args->request))
    return _sd_cli_exit_with (exit_status, SD_CLI_EXIT_USAGE);

  return submit_request (self, args, exit_status);
}

const SdCliCommand _sd_cli_submit_command = {
  .name = "submit",
  .summary = N_("Send a request to make a video and print the task ID."),
  .entries = request_entries,
  .options = SD_CLI_OPTION_WAIT | SD_CLI_OPTION_DOWNLOAD_DIR | SD_CLI_OPTION_JSON,
  .run = run_submit,
};

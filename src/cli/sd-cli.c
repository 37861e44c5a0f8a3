/* sd-cli.c: the seedance command line: dispatch, options, context, errors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "seedance-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "sd-api.h"
#include "sd-cli-private.h"
#include "sd-demo.h"
#include "sd-service.h"
#include "sd-store.h"

G_DEFINE_FINAL_TYPE (SdCli, sd_cli, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STDOUT,
  PROP_STDERR,
  PROP_STDERR_IS_TTY,
  N_PROPS
};

enum {
  CONTEXT_CREATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
sd_cli_arguments_clear (SdCliArguments *args)
{
  g_free (args->download_dir);
  g_strfreev (args->positional);
  g_clear_object (&args->request);
  g_free (args->invalid_duration);
  g_clear_pointer (&args->values, g_hash_table_unref);
  g_free (args->group);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SdCliArguments, sd_cli_arguments_clear)

/* Main loop */

void
_sd_cli_on_async_ready_cb (GObject      *source,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

GAsyncResult *
_sd_cli_await_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (g_main_context_get_thread_default (), TRUE);

  return g_steal_pointer (slot);
}

/* Errors */

/* Sets @exit_status; returns whether it is a success, for a command to
 * return. */
gboolean
_sd_cli_exit_with (int       *exit_status,
                   SdCliExit  status)
{
  *exit_status = status;
  return status == SD_CLI_EXIT_SUCCESS;
}

/* Says, in demo mode only, what a demo run knows and how to try it all. */
void
_sd_cli_print_demo_hint (SdCli *self)
{
  if (!self->demo)
    return;

  _sd_cli_print_message (self, "%s",
                         _("With --demo, each seedance command runs its own simulator on the "
                           "demo history: a demo task left unfinished starts again from the "
                           "queue in the next command (“seedance --demo wait ID”), and tasks of "
                           "the real history are unknown to it. To try the whole flow at once, "
                           "run “seedance --demo submit --model ID --prompt TEXT --wait”."));
}

static int
exit_status_for_error (const GError *error)
{
  if (g_error_matches (error, SD_API_ERROR, SD_API_ERROR_INVALID_REQUEST) ||
      g_error_matches (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE) ||
      g_error_matches (error, G_OPTION_ERROR, G_OPTION_ERROR_UNKNOWN_OPTION) ||
      g_error_matches (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED))
    return SD_CLI_EXIT_USAGE;

  return SD_CLI_EXIT_FAILURE;
}

static char *
error_hint (SdCli        *self,
            const GError *error)
{
  if (g_error_matches (error, SD_API_ERROR, SD_API_ERROR_OUTCOME_UNKNOWN))
    return g_strdup (_("The create is uncertain: the task may or may not have "
                       "been created. It is in the history as “uncertain” "
                       "(“seedance list”); look there or in the provider’s "
                       "console before submitting it again."));

  if (g_error_matches (error, SD_API_ERROR, SD_API_ERROR_UNAUTHORIZED))
    return g_strdup (_("Check SEEDANCE_API_TOKEN or the token saved in "
                       "Seedance Studio’s preferences."));

  return NULL;
}

/* Reports @error on stderr (and as {"error": …} on stdout with --json) and
 * sets @exit_status to what it calls for; returns FALSE, for the command
 * that failed to return. */
gboolean
_sd_cli_report_error (SdCli        *self,
                      const GError *error,
                      const char   *task_id,
                      int          *exit_status)
{
  g_autofree char *hint = error_hint (self, error);

  _sd_cli_print_message (self, "%s", error->message);
  if (hint != NULL)
    _sd_cli_print_message (self, "%s", hint);

  if (self->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) node = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "task_id");
      if (task_id != NULL)
        json_builder_add_string_value (builder, task_id);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "error");
      json_builder_add_string_value (builder, error->message);
      json_builder_end_object (builder);
      node = json_builder_get_root (builder);
      _sd_cli_print_json (self, node);
    }

  return _sd_cli_exit_with (exit_status, exit_status_for_error (error));
}

/* As _sd_cli_report_error(), for an error about @task (NULL: none yet). */
gboolean
_sd_cli_report_task_error (SdCli        *self,
                           const GError *error,
                           SdTask       *task,
                           int          *exit_status)
{
  _sd_cli_report_error (self, error, task != NULL ? sd_task_get_id (task) : NULL, exit_status);
  _sd_cli_print_demo_hint (self);
  return FALSE;
}

static int
report_usage (SdCli      *self,
              const char *command,
              const char *message)
{
  _sd_cli_print_message (self, "%s", message);
  if (command != NULL)
    _sd_cli_print_message (self, _("Run “seedance %s --help” to see its options."), command);
  else
    _sd_cli_print_message (self, "%s", _("Run “seedance --help” to see the commands."));

  return SD_CLI_EXIT_USAGE;
}

gboolean
_sd_cli_report_usage (SdCli      *self,
                      const char *command,
                      const char *message,
                      int        *exit_status)
{
  return _sd_cli_exit_with (exit_status, report_usage (self, command, message));
}

/* Option parsing */

/* The options a command takes by its SdCliOptionFlags, after its own. */
static void
add_shared_entries (GArray             *entries,
                    const SdCliCommand *command,
                    SdCliArguments     *args)
{
  const struct {
    SdCliOptionFlags flag;
    GOptionEntry     entry;
  } shared[] = {
    { SD_CLI_OPTION_WAIT,
      { "wait", 'w', 0, G_OPTION_ARG_NONE, &args->wait,
        N_("Wait until the video is made and save it"), NULL } },
    { SD_CLI_OPTION_DOWNLOAD_DIR,
      { "download-dir", 0, 0, G_OPTION_ARG_FILENAME, &args->download_dir,
        N_("Save the video into DIR (default: the download folder setting)"), N_("DIR") } },
    { SD_CLI_OPTION_JSON,
      { "json", 0, 0, G_OPTION_ARG_NONE, &args->json,
        N_("Print the result as JSON"), NULL } },
  };
  const GOptionEntry always[] = {
    { "demo", 0, 0, G_OPTION_ARG_NONE, &args->demo,
      N_("Run against a built-in simulator, in this command only"), NULL },
    { "help", 'h', 0, G_OPTION_ARG_NONE, &args->help,
      N_("Show this help"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &args->positional,
      NULL, NULL },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (shared); i++)
    if (command->options & shared[i].flag)
      g_array_append_val (entries, shared[i].entry);
  g_array_append_vals (entries, always, G_N_ELEMENTS (always));
}

static GOptionContext *
new_option_context (const SdCliCommand *command,
                    SdCliArguments     *args)
{
  const char *parameters = command->parameters != NULL ? _(command->parameters) : NULL;
  GOptionContext *context = g_option_context_new (parameters);
  g_autoptr(GArray) entries = g_array_new (TRUE, TRUE, sizeof (GOptionEntry));
  /* The callbacks of submit's options fill @args->request. */
  GOptionGroup *group = g_option_group_new (NULL, NULL, NULL, args, NULL);

  for (const GOptionEntry *entry = command->entries;
       entry != NULL && entry->long_name != NULL; entry++)
    g_array_append_vals (entries, entry, 1);
  add_shared_entries (entries, command, args);

  g_option_group_add_entries (group, (GOptionEntry *) entries->data);
  g_option_group_set_translation_domain (group, GETTEXT_PACKAGE);
  g_option_context_set_main_group (context, group);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, _(command->summary));
  g_option_context_set_help_enabled (context, FALSE);

  return context;
}

/* GOptionContext's usage line names the program but not the command. */
static void
print_command_help (SdCli              *self,
                    GOptionContext     *context,
                    const SdCliCommand *command)
{
  g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);
  g_auto(GStrv) parts = g_strsplit (help, "\n", 3);
  const char *parameters = command->parameters != NULL ? _(command->parameters) : NULL;
  g_autofree char *text = NULL;

  if (g_strv_length (parts) < 3)
    {
      _sd_cli_print_help_text (self, help);
      return;
    }

  text = g_strdup_printf ("%s\n  seedance %s %s%s%s\n%s", parts[0], command->name,
                          _("[OPTION…]"), parameters != NULL ? " " : "",
                          parameters != NULL ? parameters : "", parts[2]);
  _sd_cli_print_help_text (self, text);
}

/* Parses @argv (argv[0] is the command name) into @args, and shows the
 * command's help when asked; FALSE with @error on a usage error. */
static gboolean
parse_arguments (SdCli               *self,
                 const SdCliCommand  *command,
                 SdCliArguments      *args,
                 int                  argc,
                 char               **argv,
                 GError             **error)
{
  g_autoptr(GOptionContext) context = new_option_context (command, args);
  g_auto(GStrv) strv = g_new0 (char *, argc + 2);

  strv[0] = g_strdup_printf ("seedance %s", command->name);
  for (int i = 1; i < argc; i++)
    strv[i] = g_strdup (argv[i]);

  if (!g_option_context_parse_strv (context, &strv, error))
    return FALSE;

  if (args->help)
    print_command_help (self, context, command);

  return TRUE;
}

static gboolean
check_arguments (SdCli                *self,
                 const SdCliCommand   *command,
                 const SdCliArguments *args,
                 int                  *exit_status)
{
  guint wanted = command->parameters != NULL ? 1 : 0;
  guint given = args->positional != NULL ? g_strv_length (args->positional) : 0;

  if (given == wanted || (command->options & SD_CLI_OPTION_ANY_IDS) ||
      (given > 0 && (command->options & (SD_CLI_OPTION_MANY_IDS | SD_CLI_OPTION_MANY_PARAMETERS))))
    return TRUE;

  if (command->options & SD_CLI_OPTION_MANY_PARAMETERS)
    *exit_status = report_usage (self, command->name, _("Give at least one file."));
  else if (wanted == 0)
    *exit_status = report_usage (self, command->name,
                                 _("This command takes no arguments besides its options."));
  else if (command->options & SD_CLI_OPTION_MANY_IDS)
    *exit_status = report_usage (self, command->name, _("Give one task ID or more."));
  else if (g_str_equal (command->parameters, "FILE"))
    *exit_status = report_usage (self, command->name, _("Give exactly one file."));
  else
    *exit_status = report_usage (self, command->name, _("Give exactly one task ID."));
  return FALSE;
}

/* Context */

/* The command line saves a video itself, only when and where it is asked to
 * (so “list” starts no download it would cut off, and --download-dir gets
 * the only copy). Delay-apply keeps this out of the user's settings. */
static void
keep_saving_to_the_cli (SdContext *context)
{
  GSettings *settings = sd_context_get_settings (context);

  if (settings == NULL)
    return;

  g_settings_delay (settings);
  g_settings_set_boolean (settings, "auto-download", FALSE);
}

static SdContext *
open_context (SdCli   *self,
              GError **error)
{
  g_autoptr(SdContext) context = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  GAsyncResult *slot = NULL;
  const char * const *notices;

  /* A long upgrade of the history (its search index) shows progress. */
  sd_store_set_thread_progress (_sd_cli_on_store_progress_cb, self);
  context = self->demo ? sd_demo_context_new (error) : sd_context_new (error);
  sd_store_set_thread_progress (NULL, NULL);
  /* A refused address is never swapped for another: nothing is sent. */
  if (context == NULL || !sd_context_check_base_url (context, error))
    return NULL;

  keep_saving_to_the_cli (context);
  /* Waiting tasks of other runs are left to them: this one exits soon. */
  sd_service_set_hold_loaded (sd_context_get_service (context), TRUE);
  g_signal_emit (self, signals[CONTEXT_CREATED], 0, context);

  sd_context_start_async (context, NULL, _sd_cli_on_async_ready_cb, &slot);
  result = _sd_cli_await_result (&slot);
  if (!sd_context_start_finish (context, result, error))
    return NULL;

  notices = sd_context_get_notices (context);
  for (guint i = 0; notices != NULL && notices[i] != NULL; i++)
    _sd_cli_print_message (self, "%s", notices[i]);

  return g_steal_pointer (&context);
}

static gboolean
report_context_error (SdCli        *self,
                      const GError *error,
                      int          *exit_status)
{
  /* The token sentence already says what to do. */
  _sd_cli_print_message (self, "%s", error->message);
  return _sd_cli_exit_with (exit_status, exit_status_for_error (error));
}

/* Opens the context of this run into @self->context, or reports why not. */
gboolean
_sd_cli_open_context (SdCli *self,
                      int   *exit_status)
{
  g_autoptr(GError) error = NULL;

  g_assert (self->context == NULL);

  self->context = open_context (self, &error);
  if (self->context == NULL)
    return report_context_error (self, error, exit_status);

  return TRUE;
}

/* TRUE when a token is set; else says how to set one. */
gboolean
_sd_cli_check_token (SdCli *self,
                     int   *exit_status)
{
  g_autoptr(GError) error = NULL;

  if (sd_context_get_has_token (self->context))
    return TRUE;

  g_set_error_literal (&error, SD_API_ERROR, SD_API_ERROR_UNAUTHORIZED,
                       _("No API token: set SEEDANCE_API_TOKEN or save one in "
                         "Seedance Studio’s preferences."));
  return report_context_error (self, error, exit_status);
}

/* Commands */

/* In the order "seedance --help" lists them; walked by name. */
static const SdCliCommand * const commands[] = {
  &_sd_cli_models_command,
  &_sd_cli_submit_command,
  &_sd_cli_status_command,
  &_sd_cli_wait_command,
  &_sd_cli_download_command,
  &_sd_cli_list_command,
  &_sd_cli_show_command,
  &_sd_cli_remove_command,
  &_sd_cli_favourite_command,
  &_sd_cli_export_command,
  &_sd_cli_upload_command,
  &_sd_cli_batch_command,
  &_sd_cli_extend_command,
  &_sd_cli_retry_command,
  &_sd_cli_cancel_command,
};

static const SdCliCommand *
find_command (const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_strcmp0 (commands[i]->name, name) == 0)
      return commands[i];

  return NULL;
}

/* Parses the options of @command (argv[0] is its name), then runs it. */
static int
run_command (SdCli               *self,
             const SdCliCommand  *command,
             int                  argc,
             char               **argv)
{
  g_auto(SdCliArguments) args = { .request = sd_request_new () };
  g_autoptr(GError) error = NULL;
  int exit_status = SD_CLI_EXIT_SUCCESS;

  if (!parse_arguments (self, command, &args, argc, argv, &error))
    return report_usage (self, command->name, error->message);

  if (args.help)
    return SD_CLI_EXIT_SUCCESS;

  if (!check_arguments (self, command, &args, &exit_status))
    return exit_status;

  self->demo = self->demo || args.demo;
  self->json = args.json;

  if (!command->run (self, command, &args, &exit_status))
    g_debug ("seedance %s failed, exit status %d", command->name, exit_status);

  return exit_status;
}

/* The dispatcher */

static void
print_help (SdCli *self)
{
  g_autoptr(GString) help = g_string_new (NULL);

  g_string_append_printf (help, "%s\n  seedance [--demo] %s\n\n%s\n\n%s\n",
                          _("Usage:"), _("COMMAND [OPTION…]"),
                          _("Make videos with the Seedance API, from the same "
                            "history as Seedance Studio."),
                          _("Commands:"));
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    g_string_append_printf (help, "  %-10s %s\n", commands[i]->name, _(commands[i]->summary));

  g_string_append_printf (help, "\n%s\n", _("Options:"));
  g_string_append_printf (help, "  %-12s %s\n", "--demo",
                          _("Run against a built-in simulator, in this command only; "
                            "try “seedance --demo submit … --wait”"));
  g_string_append_printf (help, "  %-12s %s\n", "--version", _("Print the version"));
  g_string_append_printf (help, "  %-12s %s\n", "-h, --help", _("Show this help"));
  g_string_append_printf (help, "\n%s\n%s\n",
                          _("Run “seedance COMMAND --help” to see a command’s options."),
                          _("Environment: SEEDANCE_API_TOKEN (the token), "
                            "SEEDANCE_API_BASE (the API address)."));
  g_string_append_printf (help, "%s\n",
                          _("Exit status: 0 success; 1 the task failed, or an API, "
                            "token or network error; 2 a usage error or a refused request."));

  _sd_cli_print_help_text (self, help->str);
}

static void
reset_run (SdCli *self)
{
  _sd_cli_end_progress (self);
  g_clear_object (&self->context);
  g_clear_pointer (&self->last_progress, g_free);
  self->demo = FALSE;
  self->json = FALSE;
}

static int
dispatch (SdCli  *self,
          int     argc,
          char  **argv)
{
  const SdCliCommand *command;
  int i;

  for (i = 1; i < argc && argv[i][0] == '-'; i++)
    {
      if (g_str_equal (argv[i], "--demo"))
        self->demo = TRUE;
      else if (g_str_equal (argv[i], "--version"))
        {
          _sd_cli_print_result (self, "seedance %s\n", PACKAGE_VERSION);
          return SD_CLI_EXIT_SUCCESS;
        }
      else if (g_str_equal (argv[i], "--help") || g_str_equal (argv[i], "-h"))
        {
          print_help (self);
          return SD_CLI_EXIT_SUCCESS;
        }
      else
        {
          g_autofree char *message = g_strdup_printf (_("Unknown option %s."), argv[i]);
          return report_usage (self, NULL, message);
        }
    }

  if (i == argc)
    return report_usage (self, NULL, _("Give a command."));

  command = find_command (argv[i]);
  if (command == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Unknown command “%s”."), argv[i]);
      return report_usage (self, NULL, message);
    }

  return run_command (self, command, argc - i, argv + i);
}

/**
 * sd_cli_run:
 * @self: a command line
 * @argc: the number of arguments
 * @argv: the arguments, the program name first
 *
 * Runs one command on the thread-default main context.
 *
 * Returns: the exit status, an #SdCliExit
 */
int
sd_cli_run (SdCli  *self,
            int     argc,
            char  **argv)
{
  int status;

  g_return_val_if_fail (SD_IS_CLI (self), SD_CLI_EXIT_USAGE);
  g_return_val_if_fail (argc >= 1 && argv != NULL, SD_CLI_EXIT_USAGE);

  status = dispatch (self, argc, argv);
  reset_run (self);

  return status;
}

/* GObject */

static void
sd_cli_dispose (GObject *object)
{
  SdCli *self = SD_CLI (object);

  reset_run (self);
  g_clear_object (&self->out);
  g_clear_object (&self->err);

  G_OBJECT_CLASS (sd_cli_parent_class)->dispose (object);
}

static void
sd_cli_get_property (GObject    *object,
                     guint       prop_id,
                     GValue     *value,
                     GParamSpec *pspec)
{
  SdCli *self = SD_CLI (object);

  switch (prop_id)
    {
    case PROP_STDOUT:
      g_value_set_object (value, self->out);
      break;
    case PROP_STDERR:
      g_value_set_object (value, self->err);
      break;
    case PROP_STDERR_IS_TTY:
      g_value_set_boolean (value, self->err_is_tty);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_cli_set_property (GObject      *object,
                     guint         prop_id,
                     const GValue *value,
                     GParamSpec   *pspec)
{
  SdCli *self = SD_CLI (object);

  switch (prop_id)
    {
    case PROP_STDOUT:
      g_set_object (&self->out, g_value_get_object (value));
      break;
    case PROP_STDERR:
      g_set_object (&self->err, g_value_get_object (value));
      break;
    case PROP_STDERR_IS_TTY:
      if (self->err_is_tty != g_value_get_boolean (value))
        {
          self->err_is_tty = g_value_get_boolean (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_cli_class_init (SdCliClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sd_cli_dispose;
  object_class->get_property = sd_cli_get_property;
  object_class->set_property = sd_cli_set_property;

  properties[PROP_STDOUT] =
    g_param_spec_object ("stdout", NULL, NULL, G_TYPE_OUTPUT_STREAM,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS);
  properties[PROP_STDERR] =
    g_param_spec_object ("stderr", NULL, NULL, G_TYPE_OUTPUT_STREAM,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS);
  properties[PROP_STDERR_IS_TTY] =
    g_param_spec_boolean ("stderr-is-tty", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[CONTEXT_CREATED] =
    g_signal_new ("context-created", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, SD_TYPE_CONTEXT);
}

static void
sd_cli_init (SdCli *self)
{
}

/**
 * sd_cli_new:
 * @out: (nullable): where results go, or %NULL for stdout
 * @err: (nullable): where progress and messages go, or %NULL for stderr
 *
 * Returns: (transfer full): a new command line
 */
SdCli *
sd_cli_new (GOutputStream *out,
            GOutputStream *err)
{
  return g_object_new (SD_TYPE_CLI, "stdout", out, "stderr", err, NULL);
}

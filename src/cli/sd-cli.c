/* sd-cli.c: the commands of the seedance command line
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "seedance-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <stdio.h>

#include "sd-api.h"
#include "sd-catalog.h"
#include "sd-cli.h"
#include "sd-cli-output.h"
#include "sd-context.h"
#include "sd-demo.h"
#include "sd-request.h"
#include "sd-service.h"
#include "sd-task.h"

struct _SdCli
{
  GObject        parent_instance;

  GOutputStream *out;
  GOutputStream *err;
  gboolean       err_is_tty;

  /* Per run. */
  gboolean       demo;
  gboolean       json;
  gboolean       progress_open;   /* a tty progress line awaits its newline */
  char          *last_progress;
  SdContext     *context;
};

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

/* The options of every command; each command offers the ones it uses. */
typedef struct
{
  gboolean   demo;
  gboolean   help;
  gboolean   json;
  gboolean   wait;
  char      *download_dir;
  char      *model;
  char      *prompt;
  char      *duration;  /* text: GOption's integers cannot tell 0 from unset */
  char      *ratio;
  char      *resolution;
  char      *orientation;
  char     **images;
  char      *first_image;
  char      *last_image;
  char     **reference_videos;
  char     **reference_audios;
  char     **positional;
} SdCliOptions;

static void
sd_cli_options_clear (SdCliOptions *options)
{
  g_free (options->download_dir);
  g_free (options->model);
  g_free (options->prompt);
  g_free (options->duration);
  g_free (options->ratio);
  g_free (options->resolution);
  g_free (options->orientation);
  g_strfreev (options->images);
  g_free (options->first_image);
  g_free (options->last_image);
  g_strfreev (options->reference_videos);
  g_strfreev (options->reference_audios);
  g_strfreev (options->positional);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SdCliOptions, sd_cli_options_clear)

typedef int (*SdCliCommandFunc) (SdCli  *self,
                                 int     argc,
                                 char  **argv);

typedef struct
{
  const char       *name;
  SdCliCommandFunc  func;
  const char       *summary;
} SdCliCommand;

/* Output */

static void
write_text (SdCli      *self,
            gboolean    to_stdout,
            const char *text)
{
  GOutputStream *stream = to_stdout ? self->out : self->err;

  if (stream != NULL)
    {
      g_output_stream_write_all (stream, text, strlen (text), NULL, NULL, NULL);
      return;
    }

  fputs (text, to_stdout ? stdout : stderr);
  fflush (to_stdout ? stdout : stderr);
}

static void
end_progress (SdCli *self)
{
  if (self->progress_open)
    write_text (self, FALSE, "\n");
  self->progress_open = FALSE;
}

/* Every line a command prints, on stdout or stderr, is escaped as a whole
 * (sd-cli-output.c): whatever a server message, a task id, a path or an
 * argument holds is shown, never acted on by the terminal, and only a
 * newline the format itself ends with ends the line. */
static void
write_escaped (SdCli      *self,
               gboolean    to_stdout,
               gboolean    newline,
               const char *format,
               va_list     args)
{
  g_autofree char *text = g_strdup_vprintf (format, args);
  g_autoptr(GString) line = g_string_new (NULL);
  gsize length = strlen (text);

  if (g_str_has_suffix (format, "\n") && length > 0)
    {
      length--;
      newline = TRUE;
    }

  sd_cli_output_escape_append (line, text, length);
  if (newline)
    g_string_append_c (line, '\n');

  end_progress (self);
  write_text (self, to_stdout, line->str);
}

/* A line of a command's result on stdout; @format ends with a newline. */
static void G_GNUC_PRINTF (2, 3)
print_result (SdCli      *self,
              const char *format,
              ...)
{
  va_list args;

  va_start (args, format);
  write_escaped (self, TRUE, FALSE, format, args);
  va_end (args);
}

/* One message line on stderr. */
static void G_GNUC_PRINTF (2, 3)
print_message (SdCli      *self,
               const char *format,
               ...)
{
  va_list args;

  va_start (args, format);
  write_escaped (self, FALSE, TRUE, format, args);
  va_end (args);
}

/* The help texts are ours (and GOption's), several lines at once. */
static void
print_help_text (SdCli      *self,
                 const char *text)
{
  end_progress (self);
  write_text (self, TRUE, text);
}

/* One updating line on a terminal, a line per change otherwise. */
static void
print_progress (SdCli      *self,
                const char *raw_text)
{
  g_autofree char *text = sd_cli_output_escape (raw_text);

  if (g_strcmp0 (text, self->last_progress) == 0)
    return;

  g_free (self->last_progress);
  self->last_progress = g_strdup (text);

  if (self->err_is_tty)
    {
      write_text (self, FALSE, "\r\033[K");
      write_text (self, FALSE, text);
      self->progress_open = TRUE;
    }
  else
    {
      write_text (self, FALSE, text);
      write_text (self, FALSE, "\n");
    }
}

static void
print_json (SdCli    *self,
            JsonNode *node)
{
  g_autofree char *text = sd_cli_output_json_to_text (node);

  end_progress (self);
  write_text (self, TRUE, text);
  write_text (self, TRUE, "\n");
}

/* Main loop */

static void
on_async_ready_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

static GAsyncResult *
await_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (g_main_context_get_thread_default (), TRUE);

  return g_steal_pointer (slot);
}

/* Errors */

static const char *
demo_hint (void)
{
  return _("With --demo, each seedance command runs its own simulator on the "
           "demo history: a demo task left unfinished starts again from the "
           "queue in the next command (“seedance --demo wait ID”), and tasks of "
           "the real history are unknown to it. To try the whole flow at once, "
           "run “seedance --demo submit --model ID --prompt TEXT --wait”.");
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

/* Reports @error on stderr (and as {"error": …} on stdout with --json);
 * returns the exit status it calls for. */
static int
report_error (SdCli        *self,
              const GError *error,
              const char   *task_id)
{
  g_autofree char *hint = error_hint (self, error);

  print_message (self, "%s", error->message);
  if (hint != NULL)
    print_message (self, "%s", hint);

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
      print_json (self, node);
    }

  return exit_status_for_error (error);
}

static int
report_task_error (SdCli        *self,
                   const GError *error,
                   SdTask       *task)
{
  int status = report_error (self, error, task != NULL ? sd_task_get_id (task) : NULL);

  if (self->demo)
    print_message (self, "%s", demo_hint ());

  return status;
}

static int
report_usage (SdCli      *self,
              const char *command,
              const char *message)
{
  print_message (self, "%s", message);
  if (command != NULL)
    print_message (self, _("Run “seedance %s --help” to see its options."), command);
  else
    print_message (self, "%s", _("Run “seedance --help” to see the commands."));

  return SD_CLI_EXIT_USAGE;
}

/* Option parsing */

static GOptionEntry
common_entry (SdCliOptions *options,
              int           which)
{
  const GOptionEntry entries[] = {
    { "demo", 0, 0, G_OPTION_ARG_NONE, &options->demo,
      N_("Run against a built-in simulator, in this command only"), NULL },
    { "help", 'h', 0, G_OPTION_ARG_NONE, &options->help,
      N_("Show this help"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &options->json,
      N_("Print the result as JSON"), NULL },
    { "download-dir", 0, 0, G_OPTION_ARG_FILENAME, &options->download_dir,
      N_("Save the video into DIR (default: the download folder setting)"), N_("DIR") },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &options->positional,
      NULL, NULL },
  };

  return entries[which];
}

enum { ENTRY_DEMO, ENTRY_HELP, ENTRY_JSON, ENTRY_DOWNLOAD_DIR, ENTRY_REMAINING };

/* GOptionContext's usage line names the program but not the command. */
static void
print_command_help (SdCli              *self,
                    GOptionContext     *context,
                    const SdCliCommand *command,
                    const char         *parameters)
{
  g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);
  g_auto(GStrv) parts = g_strsplit (help, "\n", 3);
  g_autofree char *text = NULL;

  if (g_strv_length (parts) < 3)
    {
      print_help_text (self, help);
      return;
    }

  text = g_strdup_printf ("%s\n  seedance %s %s%s%s\n%s", parts[0], command->name,
                          _("[OPTION…]"), parameters != NULL ? " " : "",
                          parameters != NULL ? parameters : "", parts[2]);
  print_help_text (self, text);
}

/* Parses @argv (argv[0] is the command name) with @entries plus --demo and
 * --help; returns FALSE with @error on a usage error. */
static gboolean
parse_command (SdCli               *self,
               const SdCliCommand  *command,
               const char          *parameters,
               const GOptionEntry  *entries,
               gsize                n_entries,
               SdCliOptions        *options,
               int                  argc,
               char               **argv,
               GError             **error)
{
  g_autoptr(GOptionContext) context = g_option_context_new (parameters);
  g_autoptr(GArray) all = g_array_new (TRUE, TRUE, sizeof (GOptionEntry));
  g_auto(GStrv) args = g_new0 (char *, argc + 2);
  GOptionEntry entry;

  g_array_append_vals (all, entries, n_entries);
  entry = common_entry (options, ENTRY_DEMO);
  g_array_append_val (all, entry);
  entry = common_entry (options, ENTRY_HELP);
  g_array_append_val (all, entry);
  entry = common_entry (options, ENTRY_REMAINING);
  g_array_append_val (all, entry);

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, _(command->summary));
  g_option_context_set_help_enabled (context, FALSE);
  g_option_context_add_main_entries (context, (GOptionEntry *) all->data, GETTEXT_PACKAGE);

  args[0] = g_strdup_printf ("seedance %s", command->name);
  for (int i = 1; i < argc; i++)
    args[i] = g_strdup (argv[i]);

  if (!g_option_context_parse_strv (context, &args, error))
    return FALSE;

  if (options->help)
    print_command_help (self, context, command, parameters);

  self->demo = self->demo || options->demo;
  self->json = options->json;
  return TRUE;
}

static int
parse_or_report (SdCli               *self,
                 const SdCliCommand  *command,
                 const char          *parameters,
                 const GOptionEntry  *entries,
                 gsize                n_entries,
                 SdCliOptions        *options,
                 int                  argc,
                 char               **argv,
                 guint                n_positional)
{
  g_autoptr(GError) error = NULL;
  guint given;

  if (!parse_command (self, command, parameters, entries, n_entries,
                      options, argc, argv, &error))
    return report_usage (self, command->name, error->message);

  if (options->help)
    return SD_CLI_EXIT_SUCCESS;

  given = options->positional != NULL ? g_strv_length (options->positional) : 0;
  if (given == n_positional)
    return -1;

  if (n_positional == 0)
    return report_usage (self, command->name,
                         _("This command takes no arguments besides its options."));

  return report_usage (self, command->name, _("Give exactly one task ID."));
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

  context = self->demo ? sd_demo_context_new (error) : sd_context_new (error);
  /* A refused address is never swapped for another: nothing is sent. */
  if (context == NULL || !sd_context_check_base_url (context, error))
    return NULL;

  keep_saving_to_the_cli (context);
  g_signal_emit (self, signals[CONTEXT_CREATED], 0, context);

  sd_context_start_async (context, NULL, on_async_ready_cb, &slot);
  result = await_result (&slot);
  if (!sd_context_start_finish (context, result, error))
    return NULL;

  notices = sd_context_get_notices (context);
  for (guint i = 0; notices != NULL && notices[i] != NULL; i++)
    print_message (self, "%s", notices[i]);

  return g_steal_pointer (&context);
}

static gboolean
check_token (SdCli   *self,
             GError **error)
{
  if (sd_context_get_has_token (self->context))
    return TRUE;

  g_set_error_literal (error, SD_API_ERROR, SD_API_ERROR_UNAUTHORIZED,
                       _("No API token: set SEEDANCE_API_TOKEN or save one in "
                         "Seedance Studio’s preferences."));
  return FALSE;
}

static int
report_context_error (SdCli        *self,
                      const GError *error)
{
  /* The token sentence already says what to do. */
  print_message (self, "%s", error->message);
  return exit_status_for_error (error);
}

/* Tasks as text and JSON */

static const char *
status_label (SdTaskStatus status)
{
  switch (status)
    {
    case SD_TASK_STATUS_QUEUED:
      return _("queued");
    case SD_TASK_STATUS_PROCESSING:
      return _("processing");
    case SD_TASK_STATUS_COMPLETED:
      return _("completed");
    case SD_TASK_STATUS_FAILED:
      return _("failed");
    case SD_TASK_STATUS_UNCERTAIN:
      return _("uncertain (may have been created)");
    case SD_TASK_STATUS_NOT_FOUND:
      return _("unknown to the server");
    case SD_TASK_STATUS_UNKNOWN:
    default:
      return _("unknown");
    }
}

static char *
format_time (gint64 unix_time)
{
  g_autoptr(GDateTime) time = NULL;

  if (unix_time <= 0)
    return NULL;

  time = g_date_time_new_from_unix_utc (unix_time);
  return time != NULL ? g_date_time_format_iso8601 (time) : NULL;
}

static void
add_string_member (JsonBuilder *builder,
                   const char  *name,
                   const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL && *value != '\0')
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_time_member (JsonBuilder *builder,
                 const char  *name,
                 gint64       unix_time)
{
  g_autofree char *text = format_time (unix_time);

  add_string_member (builder, name, text);
}

/* A task that ended without a video: failed, an uncertain create, or one
 * the server no longer knows. Its failure message says which and why. */
static gboolean
task_ended_without_video (SdTask *task)
{
  SdTaskStatus status = sd_task_get_status (task);

  return status == SD_TASK_STATUS_FAILED || status == SD_TASK_STATUS_UNCERTAIN ||
         status == SD_TASK_STATUS_NOT_FOUND;
}

static const char *
task_error (SdTask *task)
{
  if (task_ended_without_video (task))
    return sd_task_get_failure_message (task);

  if (sd_task_get_download_state (task) == SD_DOWNLOAD_STATE_FAILED)
    return sd_task_get_download_error (task);

  return NULL;
}

static JsonNode *
task_to_json (SdTask *task)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  SdRequest *request = sd_task_get_request (task);

  json_builder_begin_object (builder);
  add_string_member (builder, "task_id", sd_task_get_id (task));
  add_string_member (builder, "status", sd_api_status_to_string (sd_task_get_status (task)));
  add_string_member (builder, "status_raw", sd_task_get_status_raw (task));
  add_string_member (builder, "model", request != NULL ? sd_request_get_model (request) : NULL);
  add_string_member (builder, "prompt", request != NULL ? sd_request_get_prompt (request) : NULL);
  add_time_member (builder, "created_at", sd_task_get_created_at (task));
  add_time_member (builder, "updated_at", sd_task_get_updated_at (task));
  add_string_member (builder, "video_url", sd_task_get_video_url (task));
  add_time_member (builder, "expires_at", sd_task_get_expires_at (task));
  add_string_member (builder, "file", sd_task_get_local_file (task));
  add_string_member (builder, "error", task_error (task));
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
  padded = sd_cli_output_pad_to_width (label, 10);
  print_result (self, "%s %s\n", padded, value);
}

static void
print_task (SdCli  *self,
            SdTask *task)
{
  SdRequest *request = sd_task_get_request (task);
  g_autofree char *created = format_time (sd_task_get_created_at (task));
  g_autofree char *expires = format_time (sd_task_get_expires_at (task));

  if (self->json)
    {
      g_autoptr(JsonNode) node = task_to_json (task);
      print_json (self, node);
      return;
    }

  /* Translators: the labels of "seedance status" are padded to 10 columns */
  print_field (self, _("Task:"), sd_task_get_id (task));
  print_field (self, _("Status:"), status_label (sd_task_get_status (task)));
  print_field (self, _("Model:"), request != NULL ? sd_request_get_model (request) : NULL);
  print_field (self, _("Prompt:"), request != NULL ? sd_request_get_prompt (request) : NULL);
  print_field (self, _("Created:"), created);
  print_field (self, _("Video:"), sd_task_get_video_url (task));
  print_field (self, _("Expires:"), expires);
  print_field (self, _("File:"), sd_task_get_local_file (task));
  print_field (self, _("Error:"), task_error (task));
}

/* Waiting and saving */

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
                          status_label (sd_task_get_status (watch->task)));
  print_progress (watch->cli, text);
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
  print_progress (watch->cli, text);
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
  print_progress (watch->cli, text);
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
  print_progress (watch->cli, text);
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
                             on_async_ready_cb, &watch->download);
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
  end_progress (watch->cli);

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
  sd_service_download_async (service, task, directory, NULL, on_async_ready_cb, &slot);
  result = await_result (&slot);
  g_signal_handlers_disconnect_by_data (task, &watch);
  end_progress (self);

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

/* Waits for @task, saves its video, prints the outcome. */
static int
finish_task (SdCli      *self,
             SdTask     *task,
             const char *directory)
{
  SdCliWatch watch = { self, task, 0, directory, NULL, FALSE };
  g_autoptr(GError) error = NULL;
  int status = SD_CLI_EXIT_SUCCESS;

  if (!wait_until_finished (&watch, &error))
    {
      g_clear_object (&watch.download);
      return report_task_error (self, error, task);
    }

  if (sd_task_get_status (task) == SD_TASK_STATUS_FAILED)
    {
      const char *reason = sd_task_get_failure_message (task);

      print_message (self, _("Task %s failed: %s"), sd_task_get_id (task),
                     reason != NULL ? reason : _("the server gave no reason."));
      status = SD_CLI_EXIT_FAILURE;
    }
  else if (task_ended_without_video (task))
    {
      const char *reason = sd_task_get_failure_message (task);

      /* Translators: the second %s is a status such as "unknown to the server" */
      print_message (self, _("Task %s is %s: %s"), sd_task_get_id (task),
                     status_label (sd_task_get_status (task)), reason != NULL ? reason : "");
      status = SD_CLI_EXIT_FAILURE;
    }
  else if (!finish_saving (&watch, &error))
    {
      print_message (self, "%s", error->message);
      if (self->demo)
        print_message (self, "%s", demo_hint ());
      status = SD_CLI_EXIT_FAILURE;
    }

  g_clear_object (&watch.download);

  if (self->json)
    print_task (self, task);
  else if (status == SD_CLI_EXIT_SUCCESS)
    print_result (self, "%s\n", sd_task_get_local_file (task));

  return status;
}

/* Looks up @task_id in the history; reports it when unknown. */
static SdTask *
lookup_task (SdCli      *self,
             const char *task_id)
{
  SdService *service = sd_context_get_service (self->context);
  SdTask *task = sd_service_lookup (service, task_id);

  if (task != NULL)
    return g_object_ref (task);

  if (self->demo)
    print_message (self, _("Task %s is not in the demo history."), task_id);
  else
    print_message (self, _("Task %s is not in the history: run “seedance list” to see "
                           "the tasks submitted from this computer."), task_id);
  if (self->demo)
    print_message (self, "%s", demo_hint ());

  return NULL;
}

static gboolean
refresh_task (SdCli   *self,
              SdTask  *task,
              GError **error)
{
  SdService *service = sd_context_get_service (self->context);
  g_autoptr(GAsyncResult) result = NULL;
  GAsyncResult *slot = NULL;

  sd_service_refresh_async (service, task, NULL, on_async_ready_cb, &slot);
  result = await_result (&slot);
  return sd_service_refresh_finish (service, result, error);
}

/* Commands */

static int cmd_models   (SdCli *self, int argc, char **argv);
static int cmd_submit   (SdCli *self, int argc, char **argv);
static int cmd_status   (SdCli *self, int argc, char **argv);
static int cmd_wait     (SdCli *self, int argc, char **argv);
static int cmd_download (SdCli *self, int argc, char **argv);
static int cmd_list     (SdCli *self, int argc, char **argv);

static const SdCliCommand commands[] = {
  { "models", cmd_models, N_("List the models and what each one takes.") },
  { "submit", cmd_submit, N_("Send a request to make a video and print the task ID.") },
  { "status", cmd_status, N_("Ask the server once how a task stands.") },
  { "wait", cmd_wait, N_("Wait until a task finishes, then save its video.") },
  { "download", cmd_download, N_("Save the video of a completed task.") },
  { "list", cmd_list, N_("Show the task history, newest first.") },
};

static const SdCliCommand *
find_command (const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_strcmp0 (commands[i].name, name) == 0)
      return &commands[i];

  return NULL;
}

/* models */

static const char *
billing_to_string (SdBilling billing)
{
  return billing == SD_BILLING_PER_TASK ? "per-task" : "per-second";
}

static const char *
support_to_string (SdSupport support)
{
  switch (support)
    {
    case SD_SUPPORT_YES:
      return "yes";
    case SD_SUPPORT_NO:
      return "no";
    case SD_SUPPORT_UNKNOWN:
    default:
      return "unknown";
    }
}

static void
add_strv_member (JsonBuilder        *builder,
                 const char         *name,
                 const char * const *values)
{
  json_builder_set_member_name (builder, name);
  if (values == NULL)
    {
      json_builder_add_null_value (builder);
      return;
    }

  json_builder_begin_array (builder);
  for (guint i = 0; values[i] != NULL; i++)
    json_builder_add_string_value (builder, values[i]);
  json_builder_end_array (builder);
}

static void
add_limit_member (JsonBuilder *builder,
                  const char  *name,
                  int          value)
{
  json_builder_set_member_name (builder, name);
  if (value == SD_LIMIT_UNKNOWN)
    json_builder_add_null_value (builder);
  else
    json_builder_add_int_value (builder, value);
}

static void
add_schemes_member (JsonBuilder *builder,
                    const char  *name,
                    SdUrlScheme  schemes)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  if (schemes & SD_URL_SCHEME_HTTPS)
    json_builder_add_string_value (builder, "https");
  if (schemes & SD_URL_SCHEME_ASSET)
    json_builder_add_string_value (builder, "asset");
  json_builder_end_array (builder);
}

static void
add_model_durations (JsonBuilder *builder,
                     SdModel     *model)
{
  int min, max;

  json_builder_set_member_name (builder, "duration");
  if (!sd_model_get_duration_range (model, &min, &max))
    {
      json_builder_add_null_value (builder);
      return;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "min");
  json_builder_add_int_value (builder, min);
  json_builder_set_member_name (builder, "max");
  json_builder_add_int_value (builder, max);
  json_builder_set_member_name (builder, "default");
  json_builder_add_int_value (builder, sd_model_get_default_duration (model));
  json_builder_end_object (builder);
}

static void
add_model_json (JsonBuilder *builder,
                SdModel     *model)
{
  json_builder_begin_object (builder);
  add_string_member (builder, "id", sd_model_get_id (model));
  add_string_member (builder, "name", sd_model_get_display_name (model));
  add_string_member (builder, "family", sd_model_get_family (model));
  add_string_member (builder, "family_name", sd_model_get_family_name (model));
  add_string_member (builder, "billing", billing_to_string (sd_model_get_billing (model)));
  add_string_member (builder, "output", sd_model_get_output (model));
  add_strv_member (builder, "resolutions", sd_model_get_resolutions (model));
  add_model_durations (builder, model);
  add_strv_member (builder, "ratios", sd_model_get_ratios (model));
  add_schemes_member (builder, "image_schemes", sd_model_get_image_schemes (model));
  add_limit_member (builder, "max_images", sd_model_get_max_images (model));
  add_limit_member (builder, "max_images_total", sd_model_get_max_images_total (model));
  add_string_member (builder, "frames", support_to_string (sd_model_get_frames (model)));
  add_string_member (builder, "reference_videos",
                     support_to_string (sd_model_get_reference_videos (model)));
  add_string_member (builder, "reference_audios",
                     support_to_string (sd_model_get_reference_audios (model)));
  add_limit_member (builder, "prompt_max_length", sd_model_get_prompt_max_length (model));
  json_builder_end_object (builder);
}

static char *
join_or (const char * const *values,
         const char         *fallback)
{
  if (values == NULL || values[0] == NULL)
    return g_strdup (fallback);

  return g_strjoinv (", ", (char **) values);
}

static char *
format_schemes (SdUrlScheme schemes)
{
  if ((schemes & SD_URL_SCHEME_HTTPS) && (schemes & SD_URL_SCHEME_ASSET))
    return g_strdup ("https://, asset://");
  if (schemes & SD_URL_SCHEME_HTTPS)
    return g_strdup ("https://");
  if (schemes & SD_URL_SCHEME_ASSET)
    return g_strdup ("asset://");

  return g_strdup (_("none"));
}

static char *
format_image_limits (SdModel *model)
{
  int max = sd_model_get_max_images (model);
  int total = sd_model_get_max_images_total (model);
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);

  if (max != SD_LIMIT_UNKNOWN)
    g_ptr_array_add (parts, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                          "at most %d reference image",
                                                          "at most %d reference images",
                                                          max), max));
  if (total != SD_LIMIT_UNKNOWN)
    g_ptr_array_add (parts, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                          "at most %d image in all, frames included",
                                                          "at most %d images in all, frames included",
                                                          total), total));
  if (parts->len == 0)
    return g_strdup (_("no documented limit"));

  g_ptr_array_add (parts, NULL);
  return g_strjoinv ("; ", (char **) parts->pdata);
}

static void
print_model (SdCli   *self,
             SdModel *model)
{
  g_autofree char *ratios = join_or (sd_model_get_ratios (model), _("not documented"));
  g_autofree char *schemes = format_schemes (sd_model_get_image_schemes (model));
  g_autofree char *limits = format_image_limits (model);
  g_autofree char *durations = NULL;
  int min, max;

  if (sd_model_get_duration_range (model, &min, &max))
    /* Translators: a duration range in seconds, then the default */
    durations = g_strdup_printf (_("%d–%d s (default %d s)"), min, max,
                                 sd_model_get_default_duration (model));
  else
    durations = g_strdup (_("not documented"));

  print_result (self, "  %s  %s\n", sd_model_get_id (model), sd_model_get_display_name (model));
  print_result (self, "      %s\n", sd_model_get_subtitle (model));
  print_result (self, _("      durations: %s; ratios: %s\n"), durations, ratios);
  print_result (self, _("      images: %s; %s\n"), schemes, limits);
}

static int
cmd_models (SdCli  *self,
            int     argc,
            char  **argv)
{
  g_auto(SdCliOptions) options = { 0 };
  GOptionEntry entries[] = { common_entry (&options, ENTRY_JSON) };
  g_autoptr(SdCatalog) catalog = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *warning = NULL;
  const char * const *families;
  int status;

  status = parse_or_report (self, &commands[0], NULL, entries, G_N_ELEMENTS (entries),
                            &options, argc, argv, 0);
  if (status >= 0)
    return status;

  catalog = sd_catalog_new_with_overrides (&warning);
  if (warning != NULL)
    print_message (self, "%s", warning);

  families = sd_catalog_get_families (catalog);
  json_builder_begin_array (builder);
  for (guint i = 0; families != NULL && families[i] != NULL; i++)
    {
      g_autoptr(GListModel) models = sd_catalog_list_family (catalog, families[i]);

      if (!self->json && i > 0)
        print_result (self, "\n");
      if (!self->json)
        print_result (self, "%s\n", sd_catalog_get_family_name (catalog, families[i]));

      for (guint j = 0; j < g_list_model_get_n_items (models); j++)
        {
          g_autoptr(SdModel) model = g_list_model_get_item (models, j);

          if (self->json)
            add_model_json (builder, model);
          else
            print_model (self, model);
        }
    }
  json_builder_end_array (builder);

  if (self->json)
    {
      node = json_builder_get_root (builder);
      print_json (self, node);
    }

  return SD_CLI_EXIT_SUCCESS;
}

/* submit */

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

/* A --duration that is not an integer at all; one that is, but out of the
 * model's range (0 and negative ones too), is the request's problem. */
static gboolean
check_duration_text (SdCli        *self,
                     SdCliOptions *options,
                     SdModel      *model)
{
  int duration, min, max;

  if (options->duration == NULL || parse_duration (options->duration, &duration))
    return TRUE;

  if (model != NULL && sd_model_get_duration_range (model, &min, &max))
    print_message (self, _("duration: “%s” is not a whole number of seconds; %s takes %d to %d seconds."),
                   options->duration, sd_model_get_display_name (model), min, max);
  else
    print_message (self, _("duration: “%s” is not a whole number of seconds (at least 1)."),
                   options->duration);
  return FALSE;
}

static SdRequest *
request_from_options (SdCliOptions *options)
{
  g_autoptr(SdRequest) request = sd_request_new ();
  int duration;

  sd_request_set_model (request, options->model);
  sd_request_set_prompt (request, options->prompt);
  if (options->duration != NULL && parse_duration (options->duration, &duration))
    sd_request_set_explicit_duration (request, duration);
  sd_request_set_ratio (request, options->ratio);
  sd_request_set_resolution (request, options->resolution);
  sd_request_set_orientation (request, options->orientation);
  sd_request_set_images (request, (const char * const *) options->images);
  sd_request_set_first_image (request, options->first_image);
  sd_request_set_last_image (request, options->last_image);
  sd_request_set_reference_videos (request, (const char * const *) options->reference_videos);
  sd_request_set_reference_audios (request, (const char * const *) options->reference_audios);

  return g_steal_pointer (&request);
}

/* Prints every problem of @request as "field: message"; TRUE when none. */
static gboolean
check_request (SdCli        *self,
               SdRequest    *request,
               SdCliOptions *options)
{
  g_autoptr(SdCatalog) catalog = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autofree char *warning = NULL;
  const char *model_id = sd_request_get_model (request);
  SdModel *model = NULL;
  gboolean duration_ok;

  catalog = sd_catalog_new_with_overrides (&warning);
  if (model_id != NULL)
    model = sd_catalog_lookup (catalog, model_id);

  problems = sd_request_validate (request, model);
  if (problems->len > 0 && warning != NULL)
    print_message (self, "%s", warning);
  duration_ok = check_duration_text (self, options, model);
  for (guint i = 0; i < problems->len; i++)
    {
      SdProblem *problem = g_ptr_array_index (problems, i);
      print_message (self, "%s: %s", problem->field, problem->message);
    }

  return duration_ok && problems->len == 0;
}

static int
submit_request (SdCli        *self,
                SdRequest    *request,
                SdCliOptions *options)
{
  SdService *service = sd_context_get_service (self->context);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) not_saved = NULL;
  g_autoptr(SdTask) task = NULL;
  GAsyncResult *slot = NULL;

  sd_service_submit_async (service, request, NULL, on_async_ready_cb, &slot);
  result = await_result (&slot);
  task = sd_service_submit_finish_full (service, result, &not_saved, &error);
  if (task == NULL)
    return report_error (self, error, NULL);
  /* The task exists and is paid for: its id is the one thing to keep. */
  if (not_saved != NULL)
    {
      if (!self->json)
        print_result (self, "%s\n", sd_task_get_id (task));
      report_error (self, not_saved, sd_task_get_id (task));
      return SD_CLI_EXIT_FAILURE;
    }

  if (options->wait)
    {
      print_message (self, _("Submitted task %s."), sd_task_get_id (task));
      return finish_task (self, task, options->download_dir);
    }

  if (self->demo)
    print_message (self, "%s", demo_hint ());

  if (self->json)
    print_task (self, task);
  else
    print_result (self, "%s\n", sd_task_get_id (task));

  return SD_CLI_EXIT_SUCCESS;
}

static int
cmd_submit (SdCli  *self,
            int     argc,
            char  **argv)
{
  g_auto(SdCliOptions) options = { 0 };
  GOptionEntry entries[] = {
    { "model", 'm', 0, G_OPTION_ARG_STRING, &options.model,
      N_("The model (see “seedance models”)"), N_("ID") },
    { "prompt", 'p', 0, G_OPTION_ARG_STRING, &options.prompt,
      N_("What the video shows"), N_("TEXT") },
    { "duration", 'd', 0, G_OPTION_ARG_STRING, &options.duration,
      N_("Length in seconds"), N_("N") },
    { "ratio", 'r', 0, G_OPTION_ARG_STRING, &options.ratio,
      N_("Aspect ratio, e.g. 16:9"), N_("RATIO") },
    { "resolution", 0, 0, G_OPTION_ARG_STRING, &options.resolution,
      N_("Resolution, for models that take one"), N_("RES") },
    { "orientation", 0, 0, G_OPTION_ARG_STRING, &options.orientation,
      N_("Orientation, for models that take one"), N_("ORIENTATION") },
    { "image", 'i', 0, G_OPTION_ARG_STRING_ARRAY, &options.images,
      N_("A reference image (repeat for more)"), N_("URL") },
    { "first-image", 0, 0, G_OPTION_ARG_STRING, &options.first_image,
      N_("The first frame"), N_("URL") },
    { "last-image", 0, 0, G_OPTION_ARG_STRING, &options.last_image,
      N_("The last frame"), N_("URL") },
    { "reference-video", 0, 0, G_OPTION_ARG_STRING_ARRAY, &options.reference_videos,
      N_("A reference video (repeat for more)"), N_("URL") },
    { "reference-audio", 0, 0, G_OPTION_ARG_STRING_ARRAY, &options.reference_audios,
      N_("A reference audio (repeat for more)"), N_("URL") },
    { "wait", 'w', 0, G_OPTION_ARG_NONE, &options.wait,
      N_("Wait until the video is made and save it"), NULL },
    common_entry (&options, ENTRY_DOWNLOAD_DIR),
    common_entry (&options, ENTRY_JSON),
  };
  g_autoptr(SdRequest) request = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  status = parse_or_report (self, &commands[1], NULL, entries, G_N_ELEMENTS (entries),
                            &options, argc, argv, 0);
  if (status >= 0)
    return status;

  request = request_from_options (&options);
  if (!check_request (self, request, &options))
    return SD_CLI_EXIT_USAGE;

  self->context = open_context (self, &error);
  if (self->context == NULL)
    return report_context_error (self, error);

  if (!check_token (self, &error))
    return report_context_error (self, error);

  return submit_request (self, request, &options);
}

/* status, wait, download */

static int
open_task (SdCli         *self,
           SdCliOptions  *options,
           SdTask       **task)
{
  g_autoptr(GError) error = NULL;

  self->context = open_context (self, &error);
  if (self->context == NULL)
    return report_context_error (self, error);

  *task = lookup_task (self, options->positional[0]);
  if (*task == NULL)
    return SD_CLI_EXIT_FAILURE;

  return -1;
}

static int
cmd_status (SdCli  *self,
            int     argc,
            char  **argv)
{
  g_auto(SdCliOptions) options = { 0 };
  GOptionEntry entries[] = { common_entry (&options, ENTRY_JSON) };
  g_autoptr(SdTask) task = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  status = parse_or_report (self, &commands[2], _("ID"), entries, G_N_ELEMENTS (entries),
                            &options, argc, argv, 1);
  if (status >= 0)
    return status;

  status = open_task (self, &options, &task);
  if (status >= 0)
    return status;

  if (!check_token (self, &error))
    return report_context_error (self, error);

  if (!refresh_task (self, task, &error))
    return report_task_error (self, error, task);

  print_task (self, task);
  return task_ended_without_video (task) ? SD_CLI_EXIT_FAILURE : SD_CLI_EXIT_SUCCESS;
}

static int
cmd_wait (SdCli  *self,
          int     argc,
          char  **argv)
{
  g_auto(SdCliOptions) options = { 0 };
  GOptionEntry entries[] = {
    common_entry (&options, ENTRY_DOWNLOAD_DIR),
    common_entry (&options, ENTRY_JSON),
  };
  g_autoptr(SdTask) task = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  status = parse_or_report (self, &commands[3], _("ID"), entries, G_N_ELEMENTS (entries),
                            &options, argc, argv, 1);
  if (status >= 0)
    return status;

  status = open_task (self, &options, &task);
  if (status >= 0)
    return status;

  /* Asking once first reports a refused token or an unknown task at once
   * instead of waiting on a schedule that can never end. */
  if (!sd_task_get_is_finished (task))
    {
      if (!check_token (self, &error))
        return report_context_error (self, error);
      if (!refresh_task (self, task, &error))
        return report_task_error (self, error, task);
    }

  return finish_task (self, task, options.download_dir);
}

static int
cmd_download (SdCli  *self,
              int     argc,
              char  **argv)
{
  g_auto(SdCliOptions) options = { 0 };
  GOptionEntry entries[] = { common_entry (&options, ENTRY_DOWNLOAD_DIR) };
  g_autoptr(SdTask) task = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  status = parse_or_report (self, &commands[4], _("ID"), entries, G_N_ELEMENTS (entries),
                            &options, argc, argv, 1);
  if (status >= 0)
    return status;

  status = open_task (self, &options, &task);
  if (status >= 0)
    return status;

  if (sd_task_get_status (task) != SD_TASK_STATUS_COMPLETED)
    {
      print_message (self, _("Task %s has no video yet (status: %s): run “seedance wait %s” "
                             "to wait for it and save it."),
                     sd_task_get_id (task), status_label (sd_task_get_status (task)),
                     sd_task_get_id (task));
      return SD_CLI_EXIT_FAILURE;
    }

  if (!save_video (self, task, options.download_dir, TRUE, &error))
    return report_task_error (self, error, task);

  print_result (self, "%s\n", sd_task_get_local_file (task));
  return SD_CLI_EXIT_SUCCESS;
}

/* list */

static char *
shorten (const char *text,
         guint       max_chars)
{
  g_autofree char *flat = NULL;

  if (text == NULL)
    return g_strdup ("");

  flat = g_strdelimit (g_strdup (text), "\n\r\t", ' ');
  if (g_utf8_strlen (flat, -1) <= max_chars)
    return g_steal_pointer (&flat);

  return g_strconcat (g_utf8_substring (flat, 0, max_chars - 1), "…", NULL);
}

static void
print_task_line (SdCli  *self,
                 SdTask *task)
{
  SdRequest *request = sd_task_get_request (task);
  g_autofree char *created = format_time (sd_task_get_created_at (task));
  g_autofree char *prompt = shorten (request != NULL ? sd_request_get_prompt (request) : NULL, 40);
  g_autofree char *status = sd_cli_output_pad_to_width (status_label (sd_task_get_status (task)), 10);

  print_result (self, "%s  %s  %s  %s  %s\n",
                sd_task_get_id (task),
                status,
                created != NULL ? created : "-",
                request != NULL && sd_request_get_model (request) != NULL
                  ? sd_request_get_model (request) : "-",
                prompt);
}

static int
cmd_list (SdCli  *self,
          int     argc,
          char  **argv)
{
  g_auto(SdCliOptions) options = { 0 };
  GOptionEntry entries[] = { common_entry (&options, ENTRY_JSON) };
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  SdService *service;
  GListModel *tasks;
  int status;

  status = parse_or_report (self, &commands[5], NULL, entries, G_N_ELEMENTS (entries),
                            &options, argc, argv, 0);
  if (status >= 0)
    return status;

  self->context = open_context (self, &error);
  if (self->context == NULL)
    return report_context_error (self, error);

  service = sd_context_get_service (self->context);
  /* The service reads the history a page at a time; list all of it. */
  sd_service_load_more (service, G_MAXUINT);
  tasks = sd_service_get_tasks (service);
  json_builder_begin_array (builder);
  for (guint i = 0; i < g_list_model_get_n_items (tasks); i++)
    {
      g_autoptr(SdTask) task = g_list_model_get_item (tasks, i);
      g_autoptr(JsonNode) item = NULL;

      if (!self->json)
        {
          print_task_line (self, task);
          continue;
        }

      item = task_to_json (task);
      json_builder_add_value (builder, g_steal_pointer (&item));
    }
  json_builder_end_array (builder);

  if (self->json)
    {
      node = json_builder_get_root (builder);
      print_json (self, node);
    }
  else if (g_list_model_get_n_items (tasks) == 0)
    print_message (self, "%s", _("No tasks yet."));

  return SD_CLI_EXIT_SUCCESS;
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
    g_string_append_printf (help, "  %-10s %s\n", commands[i].name, _(commands[i].summary));

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

  print_help_text (self, help->str);
}

static void
reset_run (SdCli *self)
{
  end_progress (self);
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
          print_result (self, "seedance %s\n", PACKAGE_VERSION);
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

  return command->func (self, argc - i, argv + i);
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

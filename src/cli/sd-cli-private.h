/* sd-cli-private.h: what the files of the command line share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "sd-cli.h"
#include "sd-context.h"
#include "sd-request.h"
#include "sd-store-query.h"
#include "sd-task.h"
#include "sd-uploader.h"

G_BEGIN_DECLS

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

/* What one command line asked for, filled as its options are parsed. */
typedef struct
{
  gboolean   demo;
  gboolean   help;
  gboolean   json;
  gboolean   wait;
  gboolean   no_check;          /* submit: send without checking the media */
  char      *download_dir;
  char     **positional;
  SdRequest *request;           /* submit's options fill it directly */
  char      *invalid_duration;  /* a --duration that is no whole number */
  GHashTable *values;           /* the history options given, by long name */
  guint      concurrency;       /* batch, submit, retry: 0 means the default */
  gboolean   skip_invalid;      /* batch */
  gboolean   dry_run;           /* batch */
  guint      takes;             /* submit --takes (0: not given) */
  gboolean   include_uncertain; /* retry --include-uncertain */
  char      *group;             /* retry --group */
} SdCliArguments;

/* The options several commands share; a command lists those it takes. */
typedef enum {
  SD_CLI_OPTION_WAIT         = 1 << 0,
  SD_CLI_OPTION_DOWNLOAD_DIR = 1 << 1,
  SD_CLI_OPTION_JSON         = 1 << 2,
  SD_CLI_OPTION_MANY_IDS     = 1 << 3, /* takes one task ID or more */
  /* its parameters are one or more (files), not exactly one */
  SD_CLI_OPTION_MANY_PARAMETERS = 1 << 4,
  /* Any number of task IDs, checked by the command (retry). */
  SD_CLI_OPTION_ANY_IDS      = 1 << 5,
} SdCliOptionFlags;

typedef struct _SdCliCommand SdCliCommand;

/* Runs a parsed command; returns FALSE when it failed. *@exit_status is
 * set either way (an SdCliExit). */
typedef gboolean (*SdCliCommandFunc) (SdCli              *self,
                                      const SdCliCommand *command,
                                      SdCliArguments     *args,
                                      int                *exit_status);

struct _SdCliCommand
{
  const char         *name;
  const char         *summary;     /* N_(): its line in "seedance --help" */
  const char         *parameters;  /* N_("ID") when it takes a task ID, else NULL */
  const GOptionEntry *entries;     /* its own options, or NULL */
  SdCliOptionFlags    options;     /* the shared options it takes */
  SdCliCommandFunc    run;
};

/* Each command is defined in its file: sd-cli-models.c, sd-cli-submit.c,
 * sd-cli-task.c (status, wait, download), sd-cli-list.c, sd-cli-batch.c. */
extern const SdCliCommand _sd_cli_models_command;
extern const SdCliCommand _sd_cli_submit_command;
extern const SdCliCommand _sd_cli_status_command;
extern const SdCliCommand _sd_cli_wait_command;
extern const SdCliCommand _sd_cli_download_command;
extern const SdCliCommand _sd_cli_list_command;
/* sd-cli-show.c, sd-cli-remove.c (remove, favourite), sd-cli-export.c */
extern const SdCliCommand _sd_cli_show_command;
extern const SdCliCommand _sd_cli_remove_command;
extern const SdCliCommand _sd_cli_favourite_command;
extern const SdCliCommand _sd_cli_export_command;

/* The filters of list and export, and what they share (sd-cli-filter.c). */
extern const GOptionEntry _sd_cli_filter_entries[];
gboolean      _sd_cli_store_option         (const char         *option_name,
                                            const char         *value,
                                            gpointer            data,
                                            GError            **error);
const char   *_sd_cli_option_value         (SdCliArguments     *args,
                                            const char         *name);
SdTaskQuery  *_sd_cli_query_from_arguments (SdCli              *self,
                                            const SdCliCommand *command,
                                            SdCliArguments     *args,
                                            guint              *limit,
                                            int                *exit_status);
GPtrArray    *_sd_cli_run_query            (SdCli              *self,
                                            const SdTaskQuery  *query,
                                            guint               limit,
                                            int                *exit_status);
gboolean      _sd_cli_find_in_history      (SdCli              *self,
                                            const char         *id,
                                            SdTask            **task,
                                            int                *exit_status);
void          _sd_cli_on_store_progress_cb (const char         *what,
                                            double              fraction,
                                            gpointer            user_data);
gboolean      _sd_cli_report_usage         (SdCli              *self,
                                            const char         *command,
                                            const char         *message,
                                            int                *exit_status);
extern const SdCliCommand _sd_cli_batch_command;

extern const SdCliCommand _sd_cli_upload_command;
/* sd-cli-extend.c */
extern const SdCliCommand _sd_cli_extend_command;

/* The uploader of a command: upload.ini's service or the API host; NULL
 * after saying why (sd-cli-upload.c). */
SdUploader   *_sd_cli_new_uploader         (SdCli              *self);
void          _sd_cli_save_upload_cache    (SdCli              *self,
                                            SdUploader         *uploader);

/* Uploads the local files @request refers to and puts their links in it;
 * FALSE after saying why, nothing may be created then (sd-cli-upload.c). */
gboolean      _sd_cli_upload_resolve       (SdCli              *self,
                                            SdRequest          *request,
                                            int                *exit_status);
/* The local queue (sd-cli-queue.c): retry, cancel, and submit --takes. */
extern const SdCliCommand _sd_cli_retry_command;
extern const SdCliCommand _sd_cli_cancel_command;
/* Fills --takes, --concurrency (whole numbers in their range) into the
 * SdCliArguments @data. */
gboolean      _sd_cli_on_queue_option_cb   (const char         *option_name,
                                            const char         *value,
                                            gpointer            data,
                                            GError            **error);

/* --concurrency or SEEDANCE_CONCURRENCY, on the opened context's service. */
gboolean      _sd_cli_apply_concurrency    (SdCli              *self,
                                            SdCliArguments     *args,
                                            int                *exit_status);
/* submit --takes N (N > 1): queues the group, waits until every take is
 * sent (and with --wait, finished), prints them. */
gboolean      _sd_cli_submit_takes         (SdCli              *self,
                                            SdCliArguments     *args,
                                            int                *exit_status);
/* " · <group label>" before the prompt in list, or "". */
char         *_sd_cli_group_column         (SdTask             *task);
void          _sd_cli_add_queue_members    (JsonBuilder        *builder,
                                            SdTask             *task);
/* "estimate": {"amount": "0.450000", "currency": "CNY"}, or null */
void          _sd_cli_add_estimate_member  (JsonBuilder        *builder,
                                            SdTask             *task);

/* Waits for @task, saves its video, prints the outcome (sd-cli-task.c). */
gboolean      _sd_cli_finish_task          (SdCli              *self,
                                            SdTask             *task,
                                            const char         *directory,
                                            int                *exit_status);

/* The main loop, the context, errors (sd-cli.c). */
gboolean      _sd_cli_exit_with            (int                *exit_status,
                                            SdCliExit           status);
void          _sd_cli_on_async_ready_cb    (GObject            *source,
                                            GAsyncResult       *result,
                                            gpointer            user_data);
GAsyncResult *_sd_cli_await_result         (GAsyncResult      **slot);
gboolean      _sd_cli_open_context         (SdCli              *self,
                                            int                *exit_status);
gboolean      _sd_cli_check_token          (SdCli              *self,
                                            int                *exit_status);
gboolean      _sd_cli_report_error         (SdCli              *self,
                                            const GError       *error,
                                            const char         *task_id,
                                            int                *exit_status);
gboolean      _sd_cli_report_task_error    (SdCli              *self,
                                            const GError       *error,
                                            SdTask             *task,
                                            int                *exit_status);
void          _sd_cli_print_demo_hint      (SdCli              *self);

/* Output; every line is escaped (sd-cli-output.c). */
void          _sd_cli_print_result         (SdCli              *self,
                                            const char         *format,
                                            ...) G_GNUC_PRINTF (2, 3);
void          _sd_cli_print_message        (SdCli              *self,
                                            const char         *format,
                                            ...) G_GNUC_PRINTF (2, 3);
void          _sd_cli_print_help_text      (SdCli              *self,
                                            const char         *text);
void          _sd_cli_print_progress       (SdCli              *self,
                                            const char         *raw_text);
void          _sd_cli_print_json           (SdCli              *self,
                                            JsonNode           *node);
void          _sd_cli_print_json_line      (SdCli              *self,
                                            JsonNode           *node);
void          _sd_cli_end_progress         (SdCli              *self);

/* Tasks as text and JSON (sd-cli-output.c). */
const char   *_sd_cli_status_label         (SdTaskStatus        status);
char         *_sd_cli_format_time          (gint64              unix_time);
gboolean      _sd_cli_task_ended_without_video (SdTask         *task);
void          _sd_cli_add_string_member    (JsonBuilder        *builder,
                                            const char         *name,
                                            const char         *value);
JsonNode     *_sd_cli_task_to_json         (SdTask             *task);
void          _sd_cli_print_task           (SdCli              *self,
                                            SdTask             *task);

G_END_DECLS

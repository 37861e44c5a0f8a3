/* sd-cli.h: the commands of the seedance command line
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "sd-types.h"

G_BEGIN_DECLS

/* The exit statuses of every command. */
typedef enum {
  SD_CLI_EXIT_SUCCESS = 0,
  SD_CLI_EXIT_FAILURE = 1, /* the task failed, or an API, auth or network error */
  SD_CLI_EXIT_USAGE   = 2, /* a usage error, or a request validation refused */
} SdCliExit;

#define SD_TYPE_CLI (sd_cli_get_type ())
G_DECLARE_FINAL_TYPE (SdCli, sd_cli, SD, CLI, GObject)

/* Properties:
 *   "stdout"        GOutputStream: where results go (NULL: the process's stdout)
 *   "stderr"        GOutputStream: where progress and messages go (NULL: stderr)
 *   "stderr-is-tty" boolean: progress is one updating line instead of lines
 *
 * Signals:
 *   context-created (SdContext *context): the context a command will use was
 *     just made, before it starts; tests use it to set the simulator's pace.
 */
SdCli *sd_cli_new (GOutputStream *out,
                   GOutputStream *err);

/* Runs one command line (@argv[0] is the program name) on the thread-default
 * main context and returns its exit status (an SdCliExit). */
int    sd_cli_run (SdCli  *self,
                   int     argc,
                   char  **argv);

G_END_DECLS

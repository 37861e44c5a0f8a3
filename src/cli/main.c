/* main.c: the seedance command line
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "seedance-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <unistd.h>

#include "sd-cli.h"
#include "sd-cli-output.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(SdCli) cli = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_prgname ("seedance");
  /* Warnings quote server text too; it must not drive the terminal. */
  g_log_set_writer_func (sd_cli_output_log_writer, NULL, NULL);
  /* stdout is the command's result (ids, JSON): G_MESSAGES_DEBUG's lines
   * go with the other messages, to stderr, not into it. */
  g_log_writer_default_set_use_stderr (TRUE);

  cli = sd_cli_new (NULL, NULL);
  g_object_set (cli, "stderr-is-tty", isatty (STDERR_FILENO) != 0, NULL);

  return sd_cli_run (cli, argc, argv);
}

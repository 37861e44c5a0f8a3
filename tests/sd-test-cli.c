/* sd-test-cli.c: running `seedance` in-process, for the CLI suites
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "sd-demo.h"
#include "sd-service.h"
#include "sd-test-cli.h"

typedef struct
{
  SdTestRun         *run;
  SdTestContextHook  hook;
  gpointer           user_data;
} HookData;

void
sd_test_run_take_context (SdTestRun *run,
                          SdContext *context)
{
  SdSimulator *simulator = sd_demo_get_simulator (context);

  run->contexts++;
  if (simulator == NULL)
    return;
  /* The demo's pace is for people watching; tests need not wait. */
  sd_simulator_set_timing (simulator, 10, 10);
  g_object_set (sd_context_get_service (context),
                "first-poll-delay", 5, "max-poll-interval", 20, NULL);
  g_set_object (&run->simulator, simulator);
}

static void
on_context_created_cb (SdCli     *cli,
                       SdContext *context,
                       HookData  *data)
{
  sd_test_run_take_context (data->run, context);
  if (data->hook != NULL)
    data->hook (data->run, context, data->user_data);
}

char *
sd_test_steal_text (GOutputStream *stream)
{
  g_autoptr(GBytes) bytes = NULL;

  g_output_stream_close (stream, NULL, NULL);
  bytes = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (stream));
  if (g_bytes_get_size (bytes) == 0)
    return g_strdup ("");
  return g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

SdTestRun *
sd_test_run_cli_argv (const char * const *args,
                      SdTestContextHook   hook,
                      gpointer            user_data)
{
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) err = g_memory_output_stream_new_resizable ();
  g_autoptr(SdCli) cli = sd_cli_new (out, err);
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  SdTestRun *run = g_new0 (SdTestRun, 1);
  HookData data = { run, hook, user_data };

  g_ptr_array_add (argv, g_strdup ("seedance"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (args[i]));
  g_ptr_array_add (argv, NULL);

  g_signal_connect (cli, "context-created", G_CALLBACK (on_context_created_cb), &data);
  run->status = sd_cli_run (cli, argv->len - 1, (char **) argv->pdata);
  g_signal_handlers_disconnect_by_func (cli, on_context_created_cb, &data);
  run->out = sd_test_steal_text (out);
  run->err = sd_test_steal_text (err);
  g_test_message ("exit %d\nstdout:\n%s\nstderr:\n%s", run->status, run->out, run->err);
  return run;
}

void
sd_test_run_free (SdTestRun *run)
{
  g_free (run->out);
  g_free (run->err);
  g_clear_object (&run->simulator);
  g_clear_object (&run->context);
  g_free (run);
}

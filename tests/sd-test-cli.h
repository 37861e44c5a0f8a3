/* sd-test-cli.h: running `seedance` in-process, for the CLI suites
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "sd-cli.h"
#include "sd-context.h"
#include "sd-simulator-test.h"

G_BEGIN_DECLS

/* What one command line did. */
typedef struct
{
  int          status;
  char        *out;       /* what it wrote, "" when nothing */
  char        *err;
  guint        contexts;  /* contexts made: none means nothing could be sent */
  SdSimulator *simulator; /* the last demo simulator, kept to count tasks */
  SdContext   *context;   /* NULL unless a hook kept it */
} SdTestRun;

/* Called with each context the command makes, after the demo's pace was
 * made quick; e.g. to inject faults or keep the context in @run. */
typedef void (*SdTestContextHook) (SdTestRun *run,
                                   SdContext *context,
                                   gpointer   user_data);

/* Runs `seedance ARGS…` (@args NULL-terminated, without "seedance"),
 * with the demo simulator's tasks taking milliseconds, not seconds. */
SdTestRun *sd_test_run_cli_argv (const char * const *args,
                                 SdTestContextHook   hook,
                                 gpointer            user_data);
void       sd_test_run_free     (SdTestRun          *run);

/* The parts of sd_test_run_cli_argv(), for a test that runs its own SdCli
 * (e.g. one that says its stderr is a terminal): counts @context in @run
 * and makes its demo quick; and the text written to a memory stream. */
void       sd_test_run_take_context (SdTestRun     *run,
                                     SdContext     *context);
char      *sd_test_steal_text       (GOutputStream *stream);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdTestRun, sd_test_run_free)

G_END_DECLS

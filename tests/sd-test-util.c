/* sd-test-util.c: waiting on the main loop in tests, with limits
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "sd-test-util.h"

static gboolean
on_limit_reached_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

void
sd_test_wait_until (SdTestCondition  condition,
                    gpointer         data,
                    guint            limit_s,
                    const char      *what)
{
  gboolean expired = FALSE;
  guint limit = g_timeout_add_seconds (limit_s, on_limit_reached_cb, &expired);

  while (!condition (data) && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (expired)
    g_error ("Waited %u s for %s", limit_s, what);
  g_source_remove (limit);
}

void
sd_test_run_for (guint ms)
{
  gboolean expired = FALSE;

  g_timeout_add (ms, on_limit_reached_cb, &expired);
  while (!expired)
    g_main_context_iteration (NULL, TRUE);
}

void
sd_test_store_result_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

gboolean
sd_test_result_arrived (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

typedef struct
{
  SdTask       *task;
  SdTaskStatus  status;
} StatusWait;

static gboolean
task_has_status (gpointer data)
{
  StatusWait *wait = data;

  return sd_task_get_status (wait->task) == wait->status;
}

void
sd_test_wait_for_status (SdTask       *task,
                         SdTaskStatus  status,
                         guint         limit_s)
{
  StatusWait wait = { task, status };

  sd_test_wait_until (task_has_status, &wait, limit_s, "a status");
}

static gboolean
task_download_settled (gpointer data)
{
  SdDownloadState state = sd_task_get_download_state (data);

  return state == SD_DOWNLOAD_STATE_DONE || state == SD_DOWNLOAD_STATE_FAILED ||
         state == SD_DOWNLOAD_STATE_EXPIRED;
}

void
sd_test_wait_for_download (SdTask *task,
                           guint   limit_s)
{
  sd_test_wait_until (task_download_settled, task, limit_s, "the download to end");
}

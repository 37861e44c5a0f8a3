/* sd-test-util.c: main-loop waits with limits, and common requests, for tests
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

SdRequest *
sd_test_images_request (const char *prompt)
{
  SdRequest *request = sd_request_new ();

  sd_request_set_model (request, "seedance2.0-fast-i2v");
  sd_request_set_prompt (request, prompt);
  sd_request_set_duration (request, 8);
  sd_request_set_ratio (request, "16:9");
  sd_request_add_image (request, "https://example.com/ref-1.jpg");
  sd_request_add_image (request, "https://example.com/ref-2.jpg");
  return request;
}

SdRequest *
sd_test_frames_request (void)
{
  SdRequest *request = sd_request_new ();

  sd_request_set_model (request, "seedance2.0-fast-i2v");
  sd_request_set_prompt (request, "A rainy street at night, the girl turns and smiles");
  sd_request_set_duration (request, 5);
  sd_request_set_ratio (request, "9:16");
  sd_request_set_first_image (request, "https://example.com/start.png");
  sd_request_set_last_image (request, "https://example.com/end.png");
  return request;
}

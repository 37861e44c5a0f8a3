/* sd-demo.c: demo mode, a context whose endpoint is a simulator in-process
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-demo"

#include "config.h"

#include "sd-catalog.h"
#include "sd-demo.h"
#include "sd-endpoint.h"
#include "sd-request.h"
#include "sd-service.h"
#include "sd-task.h"

static SdEndpoint *
start_simulator (SdCatalog  *catalog,
                 GError    **error)
{
  g_autoptr(SdSimulator) simulator = sd_simulator_new (catalog, error);

  if (simulator == NULL)
    return NULL;
  return sd_endpoint_new (sd_simulator_get_base_url (simulator),
                          sd_simulator_get_token (simulator),
                          sd_simulator_get_tls_certificate (simulator),
                          G_OBJECT (simulator));
}

/* A task the service will ask about: unfinished, and already sent (a
 * waiting one has only a local id, and this simulator will create it). */
static gboolean
is_at_provider (SdTask *task)
{
  return !sd_task_get_is_finished (task) &&
         sd_task_get_status (task) != SD_TASK_STATUS_WAITING;
}

/* The simulator takes over each task the service puts in its list from
 * the history (at the start, or looked up later), before its first poll,
 * which goes out from the main loop. It adopts what the service read, not
 * what an earlier read of the history held: another process may create
 * tasks between the two, and one the simulator did not know would answer
 * 404 and count as at the provider, holding the queue, for a day. */
static void
on_tasks_changed_cb (GListModel  *tasks,
                     guint        position,
                     guint        removed,
                     guint        added,
                     SdSimulator *simulator)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(SdTask) task = g_list_model_get_item (tasks, i);
      SdRequest *request = sd_task_get_request (task);

      if (!is_at_provider (task))
        continue;
      g_debug ("The simulator takes over task %s of another run", sd_task_get_id (task));
      sd_simulator_adopt_task (simulator, sd_task_get_id (task),
                               request != NULL ? sd_request_get_model (request) : NULL,
                               request != NULL ? sd_request_get_prompt (request) : NULL);
    }
}

/* Before the demo history is loaded into @context's list. */
static void
adopt_loaded_tasks (SdSimulator *simulator,
                    SdContext   *context)
{
  GListModel *tasks = sd_service_get_tasks (sd_context_get_service (context));

  g_signal_connect_object (tasks, "items-changed", G_CALLBACK (on_tasks_changed_cb),
                           simulator, 0);
}

/**
 * sd_demo_context_new:
 *
 * The simulator checks requests against the same catalogue as the context
 * (the built-in one with the user's overrides); the context reports a
 * malformed override file, so the warning is not repeated here.
 *
 * Returns: (transfer full) (nullable): a context in demo mode
 */
SdContext *
sd_demo_context_new (GError **error)
{
  g_autofree char *warning = NULL;
  g_autoptr(SdCatalog) catalog = sd_catalog_new_with_overrides (&warning);
  g_autoptr(SdEndpoint) endpoint = NULL;
  SdContext *context;

  endpoint = start_simulator (catalog, error);
  if (endpoint == NULL)
    return NULL;

  context = sd_context_new_for_demo (endpoint, error);
  if (context == NULL)
    return NULL;

  adopt_loaded_tasks (SD_SIMULATOR (sd_endpoint_get_server (endpoint)), context);
  return context;
}

/**
 * sd_demo_start:
 *
 * Returns: %FALSE with @error when the simulator cannot start or the demo
 *   history cannot be opened
 */
gboolean
sd_demo_start (SdContext  *context,
               GError    **error)
{
  g_autoptr(SdEndpoint) endpoint = NULL;

  g_return_val_if_fail (SD_IS_CONTEXT (context), FALSE);

  if (sd_context_get_demo (context))
    return TRUE;

  endpoint = start_simulator (sd_context_get_catalog (context), error);
  if (endpoint == NULL)
    return FALSE;
  adopt_loaded_tasks (SD_SIMULATOR (sd_endpoint_get_server (endpoint)), context);
  return sd_context_start_demo (context, endpoint, error);
}

/**
 * sd_demo_get_simulator:
 *
 * Returns: (transfer none) (nullable): the simulator serving @context
 */
SdSimulator *
sd_demo_get_simulator (SdContext *context)
{
  SdEndpoint *endpoint;

  g_return_val_if_fail (SD_IS_CONTEXT (context), NULL);

  endpoint = sd_context_get_endpoint (context);
  if (endpoint == NULL || !SD_IS_SIMULATOR (sd_endpoint_get_server (endpoint)))
    return NULL;
  return SD_SIMULATOR (sd_endpoint_get_server (endpoint));
}

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
#include "sd-store.h"
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

/* Reading the store again is cheap; a history that cannot be read fails
 * the context's start, which says why. */
static void
adopt_unfinished_tasks (SdSimulator *simulator,
                        SdStore     *store)
{
  g_autoptr(GPtrArray) tasks = NULL;
  g_autoptr(GError) error = NULL;

  tasks = sd_store_load_to_resume (store, &error);
  if (tasks == NULL)
    {
      g_debug ("The demo history's unfinished tasks could not be read: %s", error->message);
      return;
    }

  for (guint i = 0; i < tasks->len; i++)
    {
      SdTask *task = g_ptr_array_index (tasks, i);
      SdRequest *request = sd_task_get_request (task);

      if (sd_task_get_is_finished (task))
        continue;
      g_debug ("The simulator takes over task %s of an earlier run", sd_task_get_id (task));
      sd_simulator_adopt_task (simulator, sd_task_get_id (task),
                               sd_request_get_model (request),
                               sd_request_get_prompt (request));
    }
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

  adopt_unfinished_tasks (SD_SIMULATOR (sd_endpoint_get_server (endpoint)),
                          sd_context_get_store (context));
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
  if (endpoint == NULL || !sd_context_start_demo (context, endpoint, error))
    return FALSE;

  /* No poll has reached the simulator yet: they go out from the main loop. */
  adopt_unfinished_tasks (SD_SIMULATOR (sd_endpoint_get_server (endpoint)),
                          sd_context_get_store (context));
  return TRUE;
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

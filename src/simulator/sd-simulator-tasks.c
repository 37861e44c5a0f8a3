/* sd-simulator-tasks.c: the simulator's task life cycle: clock, create and query
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-simulator"

#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "sd-api.h"
#include "sd-core-resources.h"
#include "sd-request.h"
#include "sd-simulator-media.h"
#include "sd-simulator-private.h"
#include "sd-simulator-test.h"
#include "sd-simulator-upload.h"
#include "sd-uploader.h"

/* The clock */

static gint64
sim_now_us (SdSimulator *self)
{
  return self->manual_clock ? self->manual_now_us : g_get_monotonic_time ();
}

SdTaskStatus
_sd_sim_task_status (SdSimulator *self,
                     SimTask     *task,
                     gint64      *updated_at)
{
  gint64 elapsed_ms = (sim_now_us (self) - task->created_us) / 1000;
  gint64 done_ms = (gint64) self->queued_ms + self->processing_ms;

  if (elapsed_ms < self->queued_ms)
    {
      *updated_at = task->created_at;
      return SD_TASK_STATUS_QUEUED;
    }
  if (elapsed_ms < done_ms)
    {
      *updated_at = task->created_at + self->queued_ms / 1000;
      return SD_TASK_STATUS_PROCESSING;
    }

  *updated_at = task->created_at + done_ms / 1000;
  return task->will_fail ? SD_TASK_STATUS_FAILED : SD_TASK_STATUS_COMPLETED;
}

/* Create */

/* TRUE when @prompt has @word as a word of its own, in any case. */
static gboolean
prompt_has_word (const char *prompt,
                 const char *word)
{
  g_autofree char *lower = g_ascii_strdown (prompt != NULL ? prompt : "", -1);
  gsize length = strlen (word);
  const char *p = lower;

  while ((p = strstr (p, word)) != NULL)
    {
      gboolean starts_word = p == lower || !g_ascii_isalnum (p[-1]);
      gboolean ends_word = !g_ascii_isalnum (p[length]);

      if (starts_word && ends_word)
        return TRUE;
      p += length;
    }

  return FALSE;
}

/* "fail" fails every task of the prompt; "flaky" only the first one made
 * with that prompt: the demo's takes of it have one failure to retry. */
static gboolean
task_will_fail (SdSimulator *self,
                const char  *prompt)
{
  if (prompt_has_word (prompt, "fail"))
    return TRUE;
  if (!prompt_has_word (prompt, "flaky") ||
      g_hash_table_contains (self->flaky_prompts, prompt))
    return FALSE;
  g_hash_table_add (self->flaky_prompts, g_strdup (prompt));
  return TRUE;
}

static char *
describe_problems (GPtrArray *problems)
{
  GString *text = g_string_new ("Invalid request:");

  for (guint i = 0; i < problems->len; i++)
    {
      SdProblem *problem = g_ptr_array_index (problems, i);

      g_string_append_printf (text, " %s: %s", problem->field, problem->message);
    }

  return g_string_free (text, FALSE);
}

/* Reads and checks a create body; on failure answers 400 and returns NULL. */
static SdRequest *
read_create_request (SdSimulator       *self,
                     SoupServerMessage *msg)
{
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(SdRequest) request = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  root = sd_api_parse_json (body, &error);
  if (root != NULL)
    request = sd_api_request_from_json (root, &error);
  if (request == NULL)
    {
      message = g_strdup_printf ("Invalid request body: %s", error->message);
      _sd_simulator_send_api_error (self, msg, SOUP_STATUS_BAD_REQUEST, "40000", message);
      return NULL;
    }

  problems = sd_request_validate (request,
                                  sd_catalog_lookup (self->catalog, sd_request_get_model (request)));
  if (problems->len > 0)
    {
      message = describe_problems (problems);
      _sd_simulator_send_api_error (self, msg, SOUP_STATUS_BAD_REQUEST, "40000", message);
      return NULL;
    }

  return g_steal_pointer (&request);
}

static SimTask *
add_task (SdSimulator *self,
          SdRequest   *request)
{
  SimTask *task = g_new0 (SimTask, 1);
  g_autofree char *id_text = g_strdup (self->hostile_text != NULL ? self->hostile_text : "");

  /* The client refuses ids with ASCII control characters, and a '/' would
   * split the id's path segment; the rest of a hostile text goes in. */
  for (char *p = id_text; *p != '\0'; p++)
    if (g_ascii_iscntrl (*p) || *p == '/')
      *p = '_';
  self->next_task++;
  task->id = g_strdup_printf ("vid_sim%04u%08x%s", self->next_task, g_random_int (), id_text);
  task->model = _sd_simulator_with_hostile_text (self, sd_request_get_model (request));
  task->created_at = g_get_real_time () / G_USEC_PER_SEC;
  task->created_us = sim_now_us (self);
  task->will_fail = task_will_fail (self, sd_request_get_prompt (request) != NULL
                                            ? sd_request_get_prompt (request) : "");
  g_hash_table_insert (self->tasks, task->id, task);
  g_ptr_array_add (self->created_ids, g_strdup (task->id));
  /* The count only grows at a create: its largest value is seen here. */
  self->max_active = MAX (self->max_active, sd_simulator_get_active_count (self));

  return task;
}

/**
 * sd_simulator_adopt_task:
 * @self: a simulator
 * @task_id: the id of a task an earlier simulator created
 * @model: (nullable): its model
 * @prompt: (nullable): its prompt ("fail" makes it fail, as on creation)
 *
 * Takes over an unfinished task of an earlier run (the demo history outlives
 * the in-process simulator), so that it finishes instead of staying unknown.
 * The task starts again from queued on this simulator's clock.
 */
void
sd_simulator_adopt_task (SdSimulator *self,
                         const char  *task_id,
                         const char  *model,
                         const char  *prompt)
{
  SimTask *task;

  g_return_if_fail (SD_IS_SIMULATOR (self));
  g_return_if_fail (task_id != NULL);

  if (g_hash_table_contains (self->tasks, task_id))
    return;

  task = g_new0 (SimTask, 1);
  task->id = g_strdup (task_id);
  task->model = g_strdup (model);
  task->created_at = g_get_real_time () / G_USEC_PER_SEC;
  task->created_us = sim_now_us (self);
  task->will_fail = prompt_has_word (prompt, "fail");
  g_hash_table_insert (self->tasks, task->id, task);
}

/* A create from its checks on: makes the task and answers, or says why not. */
static void
handle_create (SdSimulator       *self,
               SoupServerMessage *msg,
               SdSimulatorFault   fault)
{
  g_autoptr(SdRequest) request = NULL;
  g_autoptr(JsonObject) data = NULL;
  SimTask *task;

  if (_sd_simulator_send_replacing_fault (self, msg, SD_SIMULATOR_STEP_CREATE, fault) ||
      !_sd_simulator_check_method (self, msg, SOUP_METHOD_POST) ||
      !_sd_simulator_check_token (self, msg) ||
      (request = read_create_request (self, msg)) == NULL)
    return;

  task = add_task (self, request);
  data = json_object_new ();
  json_object_set_string_member (data, "task_id", task->id);
  json_object_set_string_member (data, "status", "queued");
  json_object_set_string_member (data, "model", task->model);
  json_object_set_int_member (data, "created_at", task->created_at);
  _sd_simulator_send_success (self, msg, data, fault);
}

static void
handle_late_create (SdSimulator       *self,
                    SoupServerMessage *msg)
{
  handle_create (self, msg, SD_SIMULATOR_FAULT_NONE);
}

void
_sd_simulator_on_create_cb (SoupServer        *server,
                            SoupServerMessage *msg,
                            const char        *path,
                            GHashTable        *query,
                            gpointer           user_data)
{
  SdSimulator *self = user_data;
  SdSimulatorFault fault;

  _sd_simulator_note_request (self, msg);
  if (!g_str_equal (path, SD_API_CREATE_PATH))
    {
      _sd_simulator_send_api_error (self, msg, SOUP_STATUS_NOT_FOUND, "40400", "Not found");
      return;
    }

  fault = _sd_simulator_take_fault (self, msg, SD_SIMULATOR_STEP_CREATE);
  if (fault == SD_SIMULATOR_FAULT_LATE)
    _sd_simulator_delay_reply (self, msg, handle_late_create);
  else
    handle_create (self, msg, fault);
}

/* Query */

static char *
video_url (SdSimulator *self,
           SimTask     *task)
{
  g_autofree char *escaped = g_uri_escape_string (task->id, NULL, FALSE);

  /* A hostile text goes raw into the fragment, which is never sent. */
  return g_strconcat (self->base_url, VIDEO_PATH, escaped, ".mp4",
                      self->hostile_text != NULL ? "#" : "", self->hostile_text, NULL);
}

static JsonObject *
task_to_json (SdSimulator *self,
              SimTask     *task)
{
  JsonObject *data = json_object_new ();
  gint64 updated_at = 0;
  SdTaskStatus status = _sd_sim_task_status (self, task, &updated_at);

  json_object_set_string_member (data, "task_id", task->id);
  json_object_set_string_member (data, "status", sd_api_status_to_string (status));
  json_object_set_string_member (data, "model", task->model);
  json_object_set_int_member (data, "created_at", task->created_at);
  json_object_set_int_member (data, "updated_at", updated_at);
  if (status == SD_TASK_STATUS_PROCESSING && self->processing_ms > 0)
    json_object_set_int_member (data, "progress",
                                CLAMP ((sim_now_us (self) - task->created_us) / 1000 - (gint64) self->queued_ms, 0,
                                       (gint64) self->processing_ms) * 100 / self->processing_ms);

  if (status == SD_TASK_STATUS_COMPLETED)
    {
      JsonObject *result = json_object_new ();
      g_autofree char *url = video_url (self, task);

      json_object_set_string_member (result, "video_url", url);
      json_object_set_object_member (data, "result", result);
    }
  else if (status == SD_TASK_STATUS_FAILED)
    {
      g_autofree char *reason =
        _sd_simulator_with_hostile_text (self, "Generation failed: the prompt asked the simulator to fail.");

      json_object_set_string_member (data, "error", reason);
    }

  return data;
}

/* The id in an escaped last path segment after @prefix, or NULL. */
char *
_sd_simulator_task_id_from_path (const char *path,
                                 const char *prefix,
                                 const char *suffix)
{
  g_autofree char *segment = NULL;
  gsize length;

  if (!g_str_has_prefix (path, prefix))
    return NULL;

  segment = g_strdup (path + strlen (prefix));
  length = strlen (segment);
  if (suffix != NULL)
    {
      if (!g_str_has_suffix (segment, suffix))
        return NULL;
      segment[length - strlen (suffix)] = '\0';
    }

  if (*segment == '\0' || strchr (segment, '/') != NULL)
    return NULL;

  return g_uri_unescape_string (segment, NULL);
}

void
_sd_simulator_on_query_cb (SoupServer        *server,
                           SoupServerMessage *msg,
                           const char        *path,
                           GHashTable        *query,
                           gpointer           user_data)
{
  SdSimulator *self = user_data;
  g_autofree char *task_id = NULL;
  g_autoptr(JsonObject) data = NULL;
  SdSimulatorFault fault;
  SimTask *task;

  _sd_simulator_note_request (self, msg);
  fault = _sd_simulator_take_fault (self, msg, SD_SIMULATOR_STEP_QUERY);
  if (_sd_simulator_send_replacing_fault (self, msg, SD_SIMULATOR_STEP_QUERY, fault) ||
      !_sd_simulator_check_method (self, msg, SOUP_METHOD_GET) ||
      !_sd_simulator_check_token (self, msg))
    return;

  task_id = _sd_simulator_task_id_from_path (path, SD_API_QUERY_PATH, NULL);
  task = task_id != NULL ? g_hash_table_lookup (self->tasks, task_id) : NULL;
  if (task == NULL)
    {
      _sd_simulator_send_api_error (self, msg, SOUP_STATUS_NOT_FOUND, "40400", "Task not found");
      return;
    }

  data = task_to_json (self, task);
  _sd_simulator_send_success (self, msg, data, fault);
}

/* sd-service.c: the service: life cycle, properties, submitting
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-service"

#include "config.h"

#include <glib/gi18n.h>

#include "sd-api.h"
#include "sd-catalog.h"
#include "sd-client.h"
#include "sd-service-private.h"
#include "sd-store.h"

#define DEFAULT_FIRST_POLL_DELAY   3000
#define DEFAULT_MAX_POLL_INTERVAL  30000
#define DEFAULT_MAX_QUERIES        4
/* A task the server answers 404 for is asked about on backoff for this long
 * (ms, from the first 404 in a row) before it is taken as unknown to the
 * server: a lost task must not be polled forever, and a server that forgets
 * a task for a moment must not lose it. */
#define DEFAULT_NOT_FOUND_LIMIT    (24u * 60 * 60 * 1000)

G_DEFINE_FINAL_TYPE (SdService, sd_service, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CLIENT,
  PROP_STORE,
  PROP_CATALOG,
  PROP_SETTINGS,
  PROP_ONLINE,
  PROP_LAST_ERROR,
  PROP_FIRST_POLL_DELAY,
  PROP_MAX_POLL_INTERVAL,
  PROP_MAX_QUERIES,
  PROP_NOT_FOUND_LIMIT,
  PROP_QUERIES_IN_FLIGHT,
  PROP_HAS_MORE,
  PROP_TASKS,
  PROP_MAX_ACTIVE,
  N_PROPS
};

enum {
  TASK_ADDED,
  TASK_COMPLETED,
  TASK_FAILED,
  POLL_ERROR,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

gint64
_sd_service_now_unix (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

void
_sd_service_set_last_error (SdService  *self,
                            const char *message)
{
  if (g_strcmp0 (self->last_error, message) == 0)
    return;
  g_free (self->last_error);
  self->last_error = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);
}

void
_sd_service_set_queries_in_flight (SdService *self,
                                   guint      count)
{
  if (self->queries_in_flight == count)
    return;
  self->queries_in_flight = count;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_QUERIES_IN_FLIGHT]);
}

void
_sd_service_set_has_more (SdService *self,
                          gboolean   has_more)
{
  if (self->has_more == has_more)
    return;
  self->has_more = has_more;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_MORE]);
}

void
_sd_service_emit_task_completed (SdService *self,
                                 SdTask    *task)
{
  g_signal_emit (self, signals[TASK_COMPLETED], 0, task);
}

void
_sd_service_emit_task_failed (SdService *self,
                              SdTask    *task)
{
  g_signal_emit (self, signals[TASK_FAILED], 0, task);
}

void
_sd_service_emit_poll_error (SdService    *self,
                             SdTask       *task,
                             const GError *error)
{
  g_signal_emit (self, signals[POLL_ERROR], 0, task, error);
}

/* GObject. */

static void
sd_service_constructed (GObject *object)
{
  SdService *self = SD_SERVICE (object);

  G_OBJECT_CLASS (sd_service_parent_class)->constructed (object);

  g_assert (self->client != NULL);
  g_assert (self->store != NULL);
  g_assert (self->catalog != NULL);

  _sd_service_poll_start (self);
  _sd_service_queue_start (self);
}

static void
sd_service_dispose (GObject *object)
{
  SdService *self = SD_SERVICE (object);

  _sd_service_poll_stop (self);
  _sd_service_queue_stop (self);
  if (self->tasks != NULL)
    _sd_service_clear_tasks (self);
  g_cancellable_cancel (self->cancellable);

  g_clear_object (&self->tasks);
  g_clear_object (&self->client);
  g_clear_object (&self->store);
  g_clear_object (&self->catalog);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (sd_service_parent_class)->dispose (object);
}

static void
sd_service_finalize (GObject *object)
{
  SdService *self = SD_SERVICE (object);

  g_clear_pointer (&self->tasks_by_id, g_hash_table_unref);
  g_clear_pointer (&self->polls, g_hash_table_unref);
  g_clear_pointer (&self->schedule, g_sequence_free);
  g_clear_pointer (&self->downloads, g_hash_table_unref);
  _sd_service_queue_finalize (self);
  g_clear_object (&self->cancellable);
  g_free (self->last_error);

  G_OBJECT_CLASS (sd_service_parent_class)->finalize (object);
}

static void
sd_service_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  SdService *self = SD_SERVICE (object);

  switch (prop_id)
    {
    case PROP_CLIENT:            g_value_set_object (value, self->client); break;
    case PROP_STORE:             g_value_set_object (value, self->store); break;
    case PROP_CATALOG:           g_value_set_object (value, self->catalog); break;
    case PROP_SETTINGS:          g_value_set_object (value, self->settings); break;
    case PROP_ONLINE:            g_value_set_boolean (value, self->online); break;
    case PROP_LAST_ERROR:        g_value_set_string (value, self->last_error); break;
    case PROP_FIRST_POLL_DELAY:  g_value_set_uint (value, self->first_poll_delay); break;
    case PROP_MAX_POLL_INTERVAL: g_value_set_uint (value, self->max_poll_interval); break;
    case PROP_MAX_QUERIES:       g_value_set_uint (value, self->max_queries); break;
    case PROP_NOT_FOUND_LIMIT:   g_value_set_uint (value, self->not_found_limit); break;
    case PROP_QUERIES_IN_FLIGHT: g_value_set_uint (value, self->queries_in_flight); break;
    case PROP_HAS_MORE:          g_value_set_boolean (value, self->has_more); break;
    case PROP_TASKS:             g_value_set_object (value, self->tasks); break;
    case PROP_MAX_ACTIVE:        g_value_set_uint (value, self->max_active); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
set_uint_prop (SdService *self,
               guint     *field,
               guint      value,
               int        prop)
{
  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
  _sd_service_arm_schedule (self);
}

static void
sd_service_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  SdService *self = SD_SERVICE (object);

  switch (prop_id)
    {
    case PROP_CLIENT:   self->client = g_value_dup_object (value); break;
    case PROP_STORE:    self->store = g_value_dup_object (value); break;
    case PROP_CATALOG:  self->catalog = g_value_dup_object (value); break;
    case PROP_SETTINGS: self->settings = g_value_dup_object (value); break;
    case PROP_ONLINE:   sd_service_set_online (self, g_value_get_boolean (value)); break;
    case PROP_FIRST_POLL_DELAY:
      set_uint_prop (self, &self->first_poll_delay, g_value_get_uint (value), prop_id);
      break;
    case PROP_MAX_POLL_INTERVAL:
      set_uint_prop (self, &self->max_poll_interval, g_value_get_uint (value), prop_id);
      break;
    case PROP_NOT_FOUND_LIMIT:
      set_uint_prop (self, &self->not_found_limit, g_value_get_uint (value), prop_id);
      break;
    case PROP_MAX_QUERIES:
      set_uint_prop (self, &self->max_queries, g_value_get_uint (value), prop_id);
      break;
    case PROP_MAX_ACTIVE:
      sd_service_set_max_active (self, g_value_get_uint (value));
      break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_service_class_init (SdServiceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = sd_service_constructed;
  object_class->dispose = sd_service_dispose;
  object_class->finalize = sd_service_finalize;
  object_class->get_property = sd_service_get_property;
  object_class->set_property = sd_service_set_property;

  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL, SD_TYPE_CLIENT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* Changed by sd_service_set_store() only. */
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, SD_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CATALOG] =
    g_param_spec_object ("catalog", NULL, NULL, SD_TYPE_CATALOG,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ONLINE] =
    g_param_spec_boolean ("online", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAST_ERROR] =
    g_param_spec_string ("last-error", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FIRST_POLL_DELAY] =
    g_param_spec_uint ("first-poll-delay", NULL, NULL, 0, G_MAXINT, DEFAULT_FIRST_POLL_DELAY,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT |
                       G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MAX_POLL_INTERVAL] =
    g_param_spec_uint ("max-poll-interval", NULL, NULL, 1, G_MAXINT, DEFAULT_MAX_POLL_INTERVAL,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT |
                       G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MAX_QUERIES] =
    g_param_spec_uint ("max-queries", NULL, NULL, 1, 64, DEFAULT_MAX_QUERIES,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT |
                       G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NOT_FOUND_LIMIT] =
    g_param_spec_uint ("not-found-limit", NULL, NULL, 0, G_MAXUINT, DEFAULT_NOT_FOUND_LIMIT,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT |
                       G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_QUERIES_IN_FLIGHT] =
    g_param_spec_uint ("queries-in-flight", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HAS_MORE] =
    g_param_spec_boolean ("has-more", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TASKS] =
    g_param_spec_object ("tasks", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_MAX_ACTIVE] =
    g_param_spec_uint ("max-active", NULL, NULL, 1, SD_SERVICE_MAX_ACTIVE_ANY,
                       SD_SERVICE_DEFAULT_MAX_ACTIVE,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[TASK_ADDED] =
    g_signal_new ("task-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, SD_TYPE_TASK);
  signals[TASK_COMPLETED] =
    g_signal_new ("task-completed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, SD_TYPE_TASK);
  signals[TASK_FAILED] =
    g_signal_new ("task-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, SD_TYPE_TASK);
  signals[POLL_ERROR] =
    g_signal_new ("poll-error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, SD_TYPE_TASK, G_TYPE_ERROR);
}

static void
sd_service_init (SdService *self)
{
  self->tasks = g_list_store_new (SD_TYPE_TASK);
  self->tasks_by_id = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->cursor = (SdStoreCursor) SD_STORE_CURSOR_INIT;
  _sd_service_poll_init (self);
  _sd_service_queue_init (self);
  self->downloads = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_queue_init (&self->download_queue);
  self->cancellable = g_cancellable_new ();
  self->online = TRUE;
}

/**
 * sd_service_new:
 * @client: the API client
 * @store: the history
 * @catalog: the models requests are checked against
 * @settings: (nullable): the app's settings; %NULL for the defaults
 *
 * Returns: (transfer full): a new service with an empty list; call
 *   sd_service_load_history() to fill it.
 */
SdService *
sd_service_new (SdClient  *client,
                SdStore   *store,
                SdCatalog *catalog,
                GSettings *settings)
{
  g_return_val_if_fail (SD_IS_CLIENT (client), NULL);
  g_return_val_if_fail (SD_IS_STORE (store), NULL);
  g_return_val_if_fail (SD_IS_CATALOG (catalog), NULL);
  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), NULL);

  return g_object_new (SD_TYPE_SERVICE,
                       "client", client,
                       "store", store,
                       "catalog", catalog,
                       "settings", settings,
                       NULL);
}

/**
 * sd_service_set_store:
 * @store: the history to use from now on
 *
 * Stops every query and download and empties the list.
 */
void
sd_service_set_store (SdService *self,
                      SdStore   *store)
{
  g_return_if_fail (SD_IS_SERVICE (self));
  g_return_if_fail (SD_IS_STORE (store));

  _sd_service_clear_tasks (self);
  if (g_set_object (&self->store, store))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

gboolean
sd_service_get_online (SdService *self)
{
  g_return_val_if_fail (SD_IS_SERVICE (self), FALSE);

  return self->online;
}

/**
 * sd_service_set_online:
 * @online: whether the API can be reached
 *
 * While offline, no query is started; the schedule picks up where it was.
 */
void
sd_service_set_online (SdService *self,
                       gboolean   online)
{
  g_return_if_fail (SD_IS_SERVICE (self));

  online = !!online;
  if (self->online == online)
    return;
  self->online = online;
  g_debug ("%s", online ? "Online: polling goes on" : "Offline: polling waits");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ONLINE]);
  _sd_service_arm_schedule (self);
  _sd_service_queue_kick (self);
}

/**
 * sd_service_get_last_error:
 *
 * Returns: (nullable): why checking on tasks is paused, a sentence for the user
 */
const char *
sd_service_get_last_error (SdService *self)
{
  g_return_val_if_fail (SD_IS_SERVICE (self), NULL);

  return self->last_error;
}

/**
 * sd_service_resume:
 *
 * Resumes polling after a refused token or address, once the user changed it.
 */
void
sd_service_resume (SdService *self)
{
  g_return_if_fail (SD_IS_SERVICE (self));

  if (self->paused)
    g_debug ("Polling resumed");
  self->paused = FALSE;
  _sd_service_set_last_error (self, NULL);
  _sd_service_arm_schedule (self);
  _sd_service_queue_kick (self);
}

/* Submitting. */

gboolean
_sd_service_validate_request (SdService  *self,
                              SdRequest  *request,
                              GError    **error)
{
  const char *model_id = sd_request_get_model (request);
  /* A request without a model is one more problem, said as such. */
  SdModel *model = model_id != NULL ? sd_catalog_lookup (self->catalog, model_id) : NULL;
  g_autoptr(GPtrArray) problems = sd_request_validate (request, model);
  g_autoptr(GString) message = NULL;

  if (problems->len == 0)
    return TRUE;

  message = g_string_new (NULL);
  for (guint i = 0; i < problems->len; i++)
    {
      SdProblem *problem = g_ptr_array_index (problems, i);

      if (i > 0)
        g_string_append_c (message, '\n');
      g_string_append (message, problem->message);
    }
  g_propagate_error (error, sd_api_error_new_full (SD_API_ERROR_INVALID_REQUEST,
                                                   0, -1, NULL, NULL, message->str));
  return FALSE;
}

/* Writes the acknowledged @task to @store over its row @local_id (its
 * waiting row); when it cannot, keeps it in the journal and returns the
 * error that says so (NULL when written). */
GError *
_sd_service_keep_created_task (SdStore    *store,
                               const char *local_id,
                               SdTask     *task)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) journal_error = NULL;
  g_autofree char *journal = NULL;
  GError *not_saved;

  if (sd_store_replace_task (store, local_id, task, &error))
    return NULL;

  journal = sd_store_get_journal_path (store);
  if (sd_store_journal_task (store, task, local_id, &journal_error))
    not_saved =
      g_error_new (SD_STORE_ERROR, error->code,
                   /* Translators: the first and last %s are a task ID, the second
                    * why the history could not be written, the third a file. */
                   _("Task %s was created by the provider, but it is not in the task "
                     "history: %s. Its ID was kept in “%s” and is added to the history "
                     "when Seedance Studio or seedance next starts; then “seedance wait %s” "
                     "finds it."),
                   sd_task_get_id (task), error->message, journal, sd_task_get_id (task));
  else
    not_saved =
      g_error_new (SD_STORE_ERROR, error->code,
                   _("Task %s was created by the provider, but neither the task history "
                     "nor the journal could be written (%s; %s). Keep the task ID %s: "
                     "it is not in the history."),
                   sd_task_get_id (task), error->message, journal_error->message,
                   sd_task_get_id (task));
  g_debug ("%s", not_saved->message);
  return not_saved;
}

void
_sd_service_emit_task_added (SdService *self,
                             SdTask    *task)
{
  g_signal_emit (self, signals[TASK_ADDED], 0, task);
}

void
_sd_service_notify_max_active (SdService *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_ACTIVE]);
}

/**
 * sd_service_submit_async:
 * @request: what to generate; a copy is taken
 *
 * A request with problems fails with %SD_API_ERROR_INVALID_REQUEST, every
 * problem in the message, and nothing is sent. Otherwise the task joins the
 * local queue (it is in the list at once, "waiting" until the provider has
 * room, see "max-active") and this completes once its create was answered.
 * A create is never retried, but for a 429 or "queue full" answer, which
 * proves nothing was made: %SD_API_ERROR_OUTCOME_UNKNOWN means the task may
 * exist on the server, and the list and the history then hold an
 * %SD_TASK_STATUS_UNCERTAIN task (a local id starting with
 * %SD_TASK_UNCERTAIN_ID_PREFIX) that says so. Cancelling @cancellable while
 * the task waits takes it out of the queue unsent.
 */
void
sd_service_submit_async (SdService           *self,
                         SdRequest           *request,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) gtask = NULL;
  g_autoptr(GError) error = NULL;
  SdTask *task;

  g_return_if_fail (SD_IS_SERVICE (self));
  g_return_if_fail (SD_IS_REQUEST (request));

  gtask = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (gtask, sd_service_submit_async);

  task = _sd_service_enqueue (self, request, NULL, TRUE, &error);
  if (task == NULL)
    {
      g_task_return_error (gtask, g_steal_pointer (&error));
      return;
    }
  _sd_service_queue_add_caller (self, task, g_steal_pointer (&gtask));
  _sd_service_queue_pump (self);
}

/**
 * sd_service_submit_finish:
 *
 * A task the server created that the history could not take is in the list
 * (and in the journal), but this fails with the %SD_STORE_ERROR that says so,
 * its ID in the message; sd_service_submit_finish_full() gives both.
 *
 * Returns: (transfer full): the new task, already in the list and the history
 */
SdTask *
sd_service_submit_finish (SdService     *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_autoptr(GError) not_saved = NULL;
  g_autoptr(SdTask) task = NULL;

  task = sd_service_submit_finish_full (self, result, &not_saved, error);
  if (not_saved == NULL)
    return g_steal_pointer (&task);
  g_propagate_error (error, g_steal_pointer (&not_saved));
  return NULL;
}

/**
 * sd_service_submit_finish_full:
 * @not_saved: (out) (optional) (nullable): set when the task was created
 *   but could not be written to the history (it is in the list and in the
 *   journal, replayed at the next start)
 *
 * Returns: (transfer full) (nullable): the new task, or %NULL with @error
 *   when the server did not create one
 */
SdTask *
sd_service_submit_finish_full (SdService     *self,
                               GAsyncResult  *result,
                               GError       **not_saved,
                               GError       **error)
{
  const GError *kept;
  SdTask *task;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  kept = g_task_get_task_data (G_TASK (result));
  task = g_task_propagate_pointer (G_TASK (result), error);
  if (task != NULL && kept != NULL && not_saved != NULL)
    *not_saved = g_error_copy (kept);
  return task;
}

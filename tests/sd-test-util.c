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

static void
on_disposed_cb (gpointer  data,
                GObject  *where_the_object_was)
{
  GThread **thread = data;

  *thread = g_thread_self ();
}

void
sd_test_watch_dispose_thread (GObject  *object,
                              GThread **thread)
{
  *thread = NULL;
  g_object_weak_ref (object, on_disposed_cb, thread);
}

gboolean
sd_test_was_disposed (gpointer thread)
{
  return *(GThread **) thread != NULL;
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

/* The offline network monitor. */

#define SD_TYPE_TEST_OFFLINE_MONITOR (sd_test_offline_monitor_get_type ())
G_DECLARE_FINAL_TYPE (SdTestOfflineMonitor, sd_test_offline_monitor, SD, TEST_OFFLINE_MONITOR, GObject)

struct _SdTestOfflineMonitor
{
  GObject parent_instance;
};

enum {
  MONITOR_PROP_0,
  MONITOR_PROP_NETWORK_AVAILABLE,
  MONITOR_PROP_NETWORK_METERED,
  MONITOR_PROP_CONNECTIVITY,
};

static gboolean
offline_monitor_initable_init (GInitable     *initable,
                               GCancellable  *cancellable,
                               GError       **error)
{
  return TRUE;
}

static void
offline_monitor_initable_iface_init (GInitableIface *iface)
{
  iface->init = offline_monitor_initable_init;
}

static gboolean
offline_monitor_can_reach (GNetworkMonitor     *monitor,
                           GSocketConnectable  *connectable,
                           GCancellable        *cancellable,
                           GError             **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE, "test: offline");
  return FALSE;
}

static void
offline_monitor_iface_init (GNetworkMonitorInterface *iface)
{
  iface->can_reach = offline_monitor_can_reach;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (SdTestOfflineMonitor, sd_test_offline_monitor, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE, offline_monitor_initable_iface_init)
                               G_IMPLEMENT_INTERFACE (G_TYPE_NETWORK_MONITOR, offline_monitor_iface_init))

static void
sd_test_offline_monitor_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  switch (prop_id)
    {
    case MONITOR_PROP_NETWORK_AVAILABLE:
    case MONITOR_PROP_NETWORK_METERED:
      g_value_set_boolean (value, FALSE);
      break;
    case MONITOR_PROP_CONNECTIVITY:
      g_value_set_enum (value, G_NETWORK_CONNECTIVITY_LOCAL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_test_offline_monitor_class_init (SdTestOfflineMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = sd_test_offline_monitor_get_property;
  g_object_class_override_property (object_class, MONITOR_PROP_NETWORK_AVAILABLE, "network-available");
  g_object_class_override_property (object_class, MONITOR_PROP_NETWORK_METERED, "network-metered");
  g_object_class_override_property (object_class, MONITOR_PROP_CONNECTIVITY, "connectivity");
}

static void
sd_test_offline_monitor_init (SdTestOfflineMonitor *self)
{
}

GNetworkMonitor *
sd_test_offline_monitor_new (void)
{
  return g_object_new (SD_TYPE_TEST_OFFLINE_MONITOR, NULL);
}

/* The resolver that resolves nothing. */

#define SD_TYPE_TEST_RESOLVER (sd_test_resolver_get_type ())
G_DECLARE_FINAL_TYPE (SdTestResolver, sd_test_resolver, SD, TEST_RESOLVER, GResolver)

struct _SdTestResolver
{
  GResolver parent_instance;
};

G_DEFINE_FINAL_TYPE (SdTestResolver, sd_test_resolver, G_TYPE_RESOLVER)

static guint name_lookups;

static GList *
test_resolver_lookup_by_name (GResolver     *resolver,
                              const char    *hostname,
                              GCancellable  *cancellable,
                              GError       **error)
{
  g_atomic_int_inc (&name_lookups);
  g_set_error (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND,
               "test: no name is resolved (%s)", hostname);
  return NULL;
}

static void
test_resolver_lookup_by_name_async (GResolver           *resolver,
                                    const char          *hostname,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (resolver, cancellable, callback, user_data);

  g_atomic_int_inc (&name_lookups);
  g_task_return_new_error (task, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND,
                           "test: no name is resolved (%s)", hostname);
}

static GList *
test_resolver_lookup_by_name_finish (GResolver     *resolver,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
sd_test_resolver_class_init (SdTestResolverClass *klass)
{
  GResolverClass *resolver_class = G_RESOLVER_CLASS (klass);

  resolver_class->lookup_by_name = test_resolver_lookup_by_name;
  resolver_class->lookup_by_name_async = test_resolver_lookup_by_name_async;
  resolver_class->lookup_by_name_finish = test_resolver_lookup_by_name_finish;
}

static void
sd_test_resolver_init (SdTestResolver *self)
{
}

void
sd_test_install_counting_resolver (void)
{
  g_autoptr(GResolver) resolver = g_object_new (SD_TYPE_TEST_RESOLVER, NULL);

  g_resolver_set_default (resolver);
}

guint
sd_test_get_name_lookups (void)
{
  return g_atomic_int_get (&name_lookups);
}

SdStore *
sd_test_open_store (void)
{
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "history.db", NULL);
  g_autoptr(GError) error = NULL;
  SdStore *store = sd_store_open (path, NULL, &error);

  g_assert_no_error (error);
  return store;
}

SdSimulator *
sd_test_simulator_new (SdCatalog *catalog,
                       guint      queued_ms,
                       guint      processing_ms)
{
  g_autoptr(GError) error = NULL;
  SdSimulator *simulator = sd_simulator_new (catalog, &error);

  g_assert_no_error (error);
  g_assert_nonnull (simulator);
  sd_simulator_set_manual_clock (simulator, TRUE);
  sd_simulator_set_timing (simulator, queued_ms, processing_ms);
  return simulator;
}

gboolean
sd_test_is_stored_favourite (SdService  *service,
                             const char *id)
{
  g_autoptr(SdStore) store = NULL;
  g_autoptr(GPtrArray) tasks = NULL;
  g_autoptr(GError) error = NULL;

  g_object_get (service, "store", &store, NULL);
  tasks = sd_store_load_tasks (store, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < tasks->len; i++)
    if (g_strcmp0 (sd_task_get_id (tasks->pdata[i]), id) == 0)
      return sd_task_get_favourite (tasks->pdata[i]);
  g_error ("The store has no task %s", id);
}

void
sd_test_init_isolated (int    *argc,
                       char ***argv)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) mime_dirs = NULL;

  for (const char * const *dir = g_get_system_data_dirs (); *dir != NULL; dir++)
    {
      g_autofree char *mime_dir = g_build_filename (*dir, "mime", NULL);

      g_strv_builder_add (builder, mime_dir);
    }
  mime_dirs = g_strv_builder_end (builder);
  g_test_init (argc, argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_content_type_set_mime_dirs ((const char * const *) mime_dirs);
}

void
sd_test_use_file_keyring (void)
{
  g_autofree char *dir = g_dir_make_tmp ("seedance-keyring-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "keyring", NULL);

  g_setenv ("SECRET_BACKEND", "file", TRUE);
  g_setenv ("SECRET_FILE_TEST_PATH", path, TRUE);
  g_setenv ("SECRET_FILE_TEST_PASSWORD", "test-password", TRUE);
  g_unsetenv ("SEEDANCE_API_TOKEN");
  g_unsetenv ("SEEDANCE_API_BASE");
}

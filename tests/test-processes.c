/* test-processes.c: seedance processes on one history, from outside
 *
 * Runs the built `seedance` binary (SEEDANCE_CLI). In demo mode: 20 submits
 * and 10 lists at the same time, on a new history and on one that exists;
 * every process must succeed and every task a submit printed must be in
 * the history afterwards. Against a server on loopback that never answers:
 * a submit interrupted during its create leaves an "uncertain" row.
 *
 * A child that runs far too long is named, with its command line and (when
 * gdb is installed) its threads' backtraces, and killed: the test fails
 * with a diagnosis instead of reaching meson's timeout.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-processes"

#include "config.h"

#include <signal.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/prctl.h>
#endif

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <json-glib/json-glib.h>

#include "sd-store.h"
#include "sd-test-cli.h"
#include "sd-test-util.h"

#define MODEL    "seedance2.0-fast-i2v"
#define SUBMITS  20
#define LISTS    10
/* 20 submits and 10 lists take about 25 s, 75 s under ASan and UBSan;
 * a hang in the second batch is still reported within meson's 400 s. */
#define WATCHDOG_S           200
#define WATCHDOG_BACKTRACES  3
#define GDB_LIMIT_S          20
#define STDERR_TAIL          8192

typedef struct
{
  char *data_home;
} Fixture;

/* A `seedance` process and what it wrote. */
typedef struct
{
  GSubprocess *process;
  char        *command;  /* its command line, for the log */
  gint64       started;  /* monotonic µs */
  gboolean     reading;
  gboolean     done;     /* ended, its output read */
  char        *out;
  char        *err;
  GError      *error;
} Child;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->data_home = g_dir_make_tmp ("seedance-concurrency-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_remove (child);
    }
  g_rmdir (path);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  remove_tree (fixture->data_home);
  g_free (fixture->data_home);
}

/* Lets the watchdog's gdb attach to the child: under Yama's ptrace_scope 1
 * only an ancestor of a process may, and gdb is the test's child, the
 * child's sibling; this names the test, and so its children, instead. */
static void
allow_debugger_cb (gpointer user_data)
{
#if defined(PR_SET_PTRACER)
  prctl (PR_SET_PTRACER, (unsigned long) getppid (), 0, 0, 0);
#endif
}

static Child *
spawn_with_base (Fixture            *fixture,
                 const char         *base,
                 const char * const *args)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *cli = g_getenv ("SEEDANCE_CLI");
  g_autofree char *keyring = g_build_filename (fixture->data_home, "keyring", NULL);
  Child *child = g_new0 (Child, 1);

  g_assert_nonnull (cli);
  g_ptr_array_add (argv, (gpointer) cli);
  if (base == NULL)
    g_ptr_array_add (argv, (gpointer) "--demo");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  child->command = g_strjoinv (" ", (char **) argv->pdata);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  /* Everything the children keep stays in the fixture's folder, tokens
   * in libsecret's file backend (as test-cli does), not a real keyring. */
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", fixture->data_home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", fixture->data_home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CACHE_HOME", fixture->data_home, TRUE);
  g_subprocess_launcher_setenv (launcher, "SECRET_BACKEND", "file", TRUE);
  g_subprocess_launcher_setenv (launcher, "SECRET_FILE_TEST_PATH", keyring, TRUE);
  g_subprocess_launcher_setenv (launcher, "SECRET_FILE_TEST_PASSWORD", "test-password", TRUE);
  /* The queue's and the history's decisions, for the log of a child the
   * watchdog stops (a finished child's stderr is shown only on failure). */
  g_subprocess_launcher_setenv (launcher, "G_MESSAGES_DEBUG", "sd-service sd-store sd-demo", TRUE);
  if (base != NULL)
    {
      g_subprocess_launcher_setenv (launcher, "SEEDANCE_API_BASE", base, TRUE);
      g_subprocess_launcher_setenv (launcher, "SEEDANCE_API_TOKEN", "test-token", TRUE);
    }
  else
    {
      g_subprocess_launcher_unsetenv (launcher, "SEEDANCE_API_BASE");
      g_subprocess_launcher_unsetenv (launcher, "SEEDANCE_API_TOKEN");
    }
  g_subprocess_launcher_set_child_setup (launcher, allow_debugger_cb, NULL, NULL);
  child->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  child->started = g_get_monotonic_time ();
  return child;
}

static Child *
spawn (Fixture            *fixture,
       const char * const *args)
{
  return spawn_with_base (fixture, NULL, args);
}

static void
on_communicated_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Child *child = user_data;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result,
                                        &child->out, &child->err, &child->error);
  child->done = TRUE;
}

static gboolean
on_limit_cb (gpointer user_data)
{
  gboolean *reached = user_data;

  *reached = TRUE;
  return G_SOURCE_REMOVE;
}

/* Reads every child's output until all have ended, or @limit_s passed;
 * TRUE when they all ended. */
static gboolean
wait_children (Child  **children,
               guint    n,
               guint    limit_s)
{
  gboolean reached = FALSE;
  guint limit = g_timeout_add_seconds (limit_s, on_limit_cb, &reached);
  guint done = 0;

  for (guint i = 0; i < n; i++)
    if (!children[i]->reading)
      {
        children[i]->reading = TRUE;
        g_subprocess_communicate_utf8_async (children[i]->process, NULL, NULL,
                                             on_communicated_cb, children[i]);
      }
  while (!reached)
    {
      done = 0;
      for (guint i = 0; i < n; i++)
        done += children[i]->done;
      if (done == n)
        break;
      g_main_context_iteration (NULL, TRUE);
    }
  if (!reached)
    g_source_remove (limit);
  return done == n;
}

/* The threads of a child that hangs, when gdb can say. */
static void
log_backtrace (Child *child)
{
  const char *pid = g_subprocess_get_identifier (child->process);
  g_autofree char *gdb = g_find_program_in_path ("gdb");
  g_autoptr(GError) error = NULL;
  Child debugger = { 0 };
  Child *debuggers[] = { &debugger };

  if (gdb == NULL || pid == NULL)
    {
      g_test_message ("No backtrace of %s: %s", child->command,
                      gdb == NULL ? "gdb is not installed" : "it has ended");
      return;
    }
  debugger.command = g_strdup ("gdb");
  debugger.process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                       G_SUBPROCESS_FLAGS_STDERR_MERGE, &error,
                                       gdb, "-p", pid, "-batch", "-nx",
                                       "-ex", "thread apply all bt", NULL);
  if (debugger.process == NULL)
    {
      g_test_message ("No backtrace of %s: %s", child->command, error->message);
      g_free (debugger.command);
      return;
    }
  if (!wait_children (debuggers, 1, GDB_LIMIT_S))
    {
      g_subprocess_force_exit (debugger.process);
      wait_children (debuggers, 1, GDB_LIMIT_S);
    }
  g_test_message ("Threads of pid %s (%s):\n%s", pid, child->command,
                  debugger.out != NULL ? debugger.out : "(gdb said nothing)");
  g_clear_object (&debugger.process);
  g_free (debugger.out);
  g_free (debugger.err);
  g_clear_error (&debugger.error);
  g_free (debugger.command);
}

/* The end of @text, at most @max bytes, from a line's start. */
static const char *
tail_of (const char *text,
         gsize       max)
{
  gsize length = text != NULL ? strlen (text) : 0;
  const char *start;

  if (text == NULL)
    return "";
  if (length <= max)
    return text;
  start = strchr (text + length - max, '\n');
  return start != NULL ? start + 1 : text + length - max;
}

/* Waits for @children; one still running after WATCHDOG_S (far longer
 * than a batch takes, even on a loaded machine) is named with its command
 * line and its threads' backtraces, then killed, and the test fails:
 * a hang in CI says where it hangs instead of reaching meson's timeout. */
static void
wait_children_or_fail (Child **children,
                       guint   n)
{
  guint hung = 0;

  if (wait_children (children, n, WATCHDOG_S))
    return;
  for (guint i = 0; i < n; i++)
    {
      Child *child = children[i];

      if (child->done)
        continue;
      g_test_message ("Child %u (pid %s) still runs after %" G_GINT64_FORMAT " s: %s", i,
                      g_subprocess_get_identifier (child->process),
                      (g_get_monotonic_time () - child->started) / G_USEC_PER_SEC,
                      child->command);
      if (hung++ < WATCHDOG_BACKTRACES)
        log_backtrace (child);
      g_subprocess_force_exit (child->process);
    }
  wait_children (children, n, WATCHDOG_S);
  for (guint i = 0; i < n; i++)
    if (children[i]->done && !g_subprocess_get_if_exited (children[i]->process))
      g_test_message ("The end of the stderr of child %u (%s):\n%s", i, children[i]->command,
                      tail_of (children[i]->err, STDERR_TAIL));
  g_error ("%u of %u children were still running after %u s; see their "
           "backtraces above", hung, n, WATCHDOG_S);
}

static void
child_free (Child *child)
{
  g_clear_object (&child->process);
  g_free (child->command);
  g_free (child->out);
  g_free (child->err);
  g_clear_error (&child->error);
  g_free (child);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Child, child_free)

/* @child's stdout, after asserting it exited 0 (wait_children_or_fail()
 * first). */
static char *
child_output (Child      *child,
              const char *what)
{
  GSubprocess *process = child->process;

  g_assert_true (child->done);
  g_assert_no_error (child->error);
  if (!g_subprocess_get_if_exited (process) || g_subprocess_get_exit_status (process) != 0)
    g_error ("%s failed (exit %d): %s", what,
             g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1,
             tail_of (child->err, STDERR_TAIL));
  return g_steal_pointer (&child->out);
}

/* Waits for @child (with the watchdog); its stdout, after asserting it
 * exited 0. */
static char *
finish (Child      *child,
        const char *what)
{
  wait_children_or_fail (&child, 1);
  return child_output (child, what);
}

static char *
submit_args_prompt (guint n)
{
  return g_strdup_printf ("concurrent task %u", n);
}

static JsonNode *
list_json (Fixture    *fixture,
           const char *base)
{
  const char * const args[] = { "list", "--json", NULL };
  g_autoptr(Child) child = spawn_with_base (fixture, base, args);
  g_autofree char *out = finish (child, "list --json");
  g_autoptr(GError) error = NULL;
  JsonNode *root = json_from_string (out, &error);

  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (root));
  return root;
}

/* The ids of `seedance --demo list --json`. */
static GHashTable *
listed_ids (Fixture *fixture)
{
  g_autoptr(JsonNode) root = list_json (fixture, NULL);
  GHashTable *ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  JsonArray *array;

  array = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *task = json_array_get_object_element (array, i);

      g_hash_table_add (ids, g_strdup (json_object_get_string_member (task, "task_id")));
    }
  return ids;
}

static void
run_at_once (Fixture *fixture)
{
  Child *children[SUBMITS + LISTS];
  gboolean is_submit[SUBMITS + LISTS];
  g_autoptr(GPtrArray) acknowledged = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) ids = NULL;
  gint64 start = g_get_monotonic_time ();
  guint n = 0;

  for (guint i = 0; i < SUBMITS; i++)
    {
      g_autofree char *prompt = submit_args_prompt (i);
      const char * const args[] = { "submit", "--model", MODEL, "--prompt", prompt, NULL };

      is_submit[n] = TRUE;
      children[n++] = spawn (fixture, args);
      if (i % 2 == 1 && i / 2 < LISTS)
        {
          const char * const list_args[] = { "list", NULL };

          is_submit[n] = FALSE;
          children[n++] = spawn (fixture, list_args);
        }
    }
  g_assert_cmpuint (n, ==, G_N_ELEMENTS (children));

  wait_children_or_fail (children, n);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *out = child_output (children[i], is_submit[i] ? "submit" : "list");

      if (is_submit[i])
        {
          g_strstrip (out);
          g_assert_cmpstr (out, !=, "");
          g_ptr_array_add (acknowledged, g_steal_pointer (&out));
        }
      child_free (children[i]);
    }
  g_assert_cmpuint (acknowledged->len, ==, SUBMITS);
  g_test_message ("%u submits and %u lists took %" G_GINT64_FORMAT " ms",
                  SUBMITS, LISTS, (g_get_monotonic_time () - start) / 1000);

  ids = listed_ids (fixture);
  for (guint i = 0; i < acknowledged->len; i++)
    if (!g_hash_table_contains (ids, g_ptr_array_index (acknowledged, i)))
      g_error ("Task %s was acknowledged but is not listed",
               (char *) g_ptr_array_index (acknowledged, i));
}

/* No history yet: the processes race to create it and set it up. */
static void
test_concurrency_new_history (Fixture       *fixture,
                              gconstpointer  data)
{
  run_at_once (fixture);
}

/* A history that exists, with tasks in it. */
static void
test_concurrency_existing_history (Fixture       *fixture,
                                   gconstpointer  data)
{
  const char * const args[] = { "submit", "--model", MODEL, "--prompt", "first", NULL };
  g_autoptr(Child) child = spawn (fixture, args);
  g_autofree char *first = finish (child, "first submit");
  g_autoptr(GHashTable) ids = NULL;

  run_at_once (fixture);
  ids = listed_ids (fixture);
  g_assert_true (g_hash_table_contains (ids, g_strstrip (first)));
  g_assert_cmpuint (g_hash_table_size (ids), ==, SUBMITS + 1);
}

/* Another run's tasks, sent and not finished, saved into the demo history
 * between the moment this run's simulator started and the one its service
 * first read the history: what another process's creates do when they land
 * then. */
typedef struct
{
  guint stuck_source;
} AnotherRun;

#define ANOTHER_RUN_TASKS  2   /* as many as the default cap */
#define ANOTHER_RUN_LIMIT_S 30

static gboolean
on_submit_stuck_cb (gpointer user_data)
{
  g_error ("The submit was still waiting after %u s: the tasks of another run, "
           "unknown to this run's simulator, kept the places at the provider",
           ANOTHER_RUN_LIMIT_S);
  return G_SOURCE_REMOVE;
}

static void
save_tasks_of_another_run_cb (SdTestRun *run,
                              SdContext *context,
                              gpointer   user_data)
{
  AnotherRun *another = user_data;
  SdStore *store = sd_context_get_store (context);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  for (guint i = 0; i < ANOTHER_RUN_TASKS; i++)
    {
      g_autoptr(SdRequest) request = sd_request_new ();
      g_autofree char *id = g_strdup_printf ("vid_another_run_%u", i);
      g_autoptr(SdTask) task = NULL;
      g_autoptr(GError) error = NULL;

      sd_request_set_model (request, MODEL);
      sd_request_set_prompt (request, "a task of another run");
      task = sd_task_new (id, request);
      sd_task_set_status (task, SD_TASK_STATUS_QUEUED, NULL);
      sd_task_set_created_at (task, now);
      sd_task_set_updated_at (task, now);
      g_assert_true (sd_store_save_task (store, task, &error));
      g_assert_no_error (error);
    }
  /* Without the fix the submit never ends: this fails it instead. */
  another->stuck_source = g_timeout_add_seconds (ANOTHER_RUN_LIMIT_S, on_submit_stuck_cb, NULL);
}

/* The demo simulator takes over the tasks the service loads, whenever
 * they were written: one it did not know would answer 404 for a day and,
 * counted as at the provider, keep this run's submit from being sent
 * (the hang of /processes/concurrent/new-history). */
static void
test_demo_adopts_tasks_saved_during_start (void)
{
  const char * const args[] = { "--demo", "submit", "--model", MODEL, "--prompt",
                                "after another run", NULL };
  AnotherRun another = { 0 };
  g_autoptr(SdTestRun) run = NULL;
  g_autoptr(SdTestRun) listed = NULL;
  const char * const list_args[] = { "--demo", "list", "--json", NULL };

  run = sd_test_run_cli_argv (args, save_tasks_of_another_run_cb, &another);
  g_clear_handle_id (&another.stuck_source, g_source_remove);
  g_assert_cmpint (run->status, ==, 0);
  g_assert_true (g_str_has_prefix (run->out, "vid_sim"));

  listed = sd_test_run_cli_argv (list_args, NULL, NULL);
  g_assert_cmpint (listed->status, ==, 0);
  for (guint i = 0; i < ANOTHER_RUN_TASKS; i++)
    {
      g_autofree char *id = g_strdup_printf ("\"vid_another_run_%u\"", i);

      g_assert_nonnull (strstr (listed->out, id));
    }
}

/* Reads from @connection until a whole request head arrived (or the peer
 * closed). */
static void
read_request_head (GSocketConnection *connection)
{
  GInputStream *input = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  g_autoptr(GString) received = g_string_new (NULL);
  char buffer[4096];

  while (strstr (received->str, "\r\n\r\n") == NULL)
    {
      g_autoptr(GError) error = NULL;
      gssize n = g_input_stream_read (input, buffer, sizeof buffer, NULL, &error);

      g_assert_no_error (error);
      if (n <= 0)
        break;
      g_string_append_len (received, buffer, n);
    }
  g_assert_nonnull (strstr (received->str, "POST "));
}

/* A submit interrupted (Ctrl-C, or killed) while its create is on the
 * wire leaves a row saying the task may have been created, with the
 * request and the time. */
static void
test_interrupted_create_leaves_an_uncertain_row (Fixture       *fixture,
                                                 gconstpointer  data)
{
  static const int signals_sent[] = { SIGINT, SIGKILL };

  for (guint round = 0; round < G_N_ELEMENTS (signals_sent); round++)
    {
      g_autoptr(GSocketListener) listener = g_socket_listener_new ();
      g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
      g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
      g_autoptr(GSocketAddress) bound = NULL;
      g_autoptr(GSocketConnection) connection = NULL;
      g_autoptr(Child) child = NULL;
      g_autoptr(JsonNode) root = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *base = NULL;
      g_autofree char *prompt = g_strdup_printf ("an unanswered request %u", round);
      const char * const args[] = { "submit", "--model", MODEL, "--prompt", prompt, NULL };
      JsonArray *tasks;
      JsonObject *task = NULL;

      g_socket_listener_add_address (listener, address, G_SOCKET_TYPE_STREAM,
                                     G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error);
      g_assert_no_error (error);
      base = g_strdup_printf ("http://127.0.0.1:%u",
                              g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));

      child = spawn_with_base (fixture, base, args);
      connection = g_socket_listener_accept (listener, NULL, NULL, &error);
      g_assert_no_error (error);
      read_request_head (connection);
      g_subprocess_send_signal (child->process, signals_sent[round]);
      wait_children_or_fail (&child, 1);
      g_assert_no_error (child->error);
      g_assert_false (g_subprocess_get_successful (child->process));

      root = list_json (fixture, base);
      tasks = json_node_get_array (root);
      for (guint i = 0; i < json_array_get_length (tasks); i++)
        {
          JsonObject *item = json_array_get_object_element (tasks, i);

          if (g_strcmp0 (json_object_get_string_member (item, "prompt"), prompt) == 0)
            task = item;
        }
      g_assert_nonnull (task);
      g_assert_cmpstr (json_object_get_string_member (task, "status"), ==, "uncertain");
      /* each round's server is another base: its list has its own task only */
      g_assert_cmpint (json_array_get_length (tasks), ==, 1);
    }
}

int
main (int   argc,
      char *argv[])
{
  /* The in-process runs find their history in a folder of the test's own;
   * the children are given the fixture's. */
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  sd_test_use_file_keyring ();

  g_test_add ("/processes/concurrent/new-history", Fixture, NULL,
              fixture_set_up, test_concurrency_new_history, fixture_tear_down);
  g_test_add ("/processes/concurrent/existing-history", Fixture, NULL,
              fixture_set_up, test_concurrency_existing_history, fixture_tear_down);
  g_test_add_func ("/processes/demo/adopts-tasks-saved-during-start",
                   test_demo_adopts_tasks_saved_during_start);
  g_test_add ("/processes/interrupt/create-leaves-an-uncertain-row", Fixture, NULL,
              fixture_set_up, test_interrupted_create_leaves_an_uncertain_row,
              fixture_tear_down);

  return g_test_run ();
}

/* test-processes.c: seedance processes on one history, from outside
 *
 * Runs the built `seedance` binary (SEEDANCE_CLI). In demo mode: 20 submits
 * and 10 lists at the same time, on a new history and on one that exists;
 * every process must succeed and every task a submit printed must be in
 * the history afterwards. Against a server on loopback that never answers:
 * a submit interrupted during its create leaves an "uncertain" row.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-processes"

#include <signal.h>

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <json-glib/json-glib.h>

#define MODEL    "seedance2.0-fast-i2v"
#define SUBMITS  20
#define LISTS    10

typedef struct
{
  char *data_home;
} Fixture;

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

static GSubprocess *
spawn_with_base (Fixture            *fixture,
                 const char         *base,
                 const char * const *args)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *cli = g_getenv ("SEEDANCE_CLI");
  g_autofree char *keyring = g_build_filename (fixture->data_home, "keyring", NULL);
  GSubprocess *process;

  g_assert_nonnull (cli);
  g_ptr_array_add (argv, (gpointer) cli);
  if (base == NULL)
    g_ptr_array_add (argv, (gpointer) "--demo");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

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
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  return process;
}

static GSubprocess *
spawn (Fixture            *fixture,
       const char * const *args)
{
  return spawn_with_base (fixture, NULL, args);
}

/* Waits for @process; its stdout, after asserting it exited 0. */
static char *
finish (GSubprocess *process,
        const char  *what)
{
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  g_autofree char *err = NULL;

  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_if_exited (process) || g_subprocess_get_exit_status (process) != 0)
    g_error ("%s failed (exit %d): %s", what,
             g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1,
             err);
  return out;
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
  g_autoptr(GSubprocess) process = spawn_with_base (fixture, base, args);
  g_autofree char *out = finish (process, "list --json");
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
  GSubprocess *submits[SUBMITS];
  GSubprocess *lists[LISTS];
  g_autoptr(GPtrArray) acknowledged = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) ids = NULL;
  gint64 start = g_get_monotonic_time ();

  for (guint i = 0; i < SUBMITS; i++)
    {
      g_autofree char *prompt = submit_args_prompt (i);
      const char * const args[] = { "submit", "--model", MODEL, "--prompt", prompt, NULL };

      submits[i] = spawn (fixture, args);
      if (i % 2 == 1 && i / 2 < LISTS)
        {
          const char * const list_args[] = { "list", NULL };

          lists[i / 2] = spawn (fixture, list_args);
        }
    }

  for (guint i = 0; i < SUBMITS; i++)
    {
      g_autofree char *out = finish (submits[i], "submit");

      g_strstrip (out);
      g_assert_cmpstr (out, !=, "");
      g_ptr_array_add (acknowledged, g_steal_pointer (&out));
      g_object_unref (submits[i]);
    }
  for (guint i = 0; i < LISTS; i++)
    {
      g_autofree char *out = finish (lists[i], "list");

      g_object_unref (lists[i]);
    }
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
  g_autoptr(GSubprocess) process = spawn (fixture, args);
  g_autofree char *first = finish (process, "first submit");
  g_autoptr(GHashTable) ids = NULL;

  run_at_once (fixture);
  ids = listed_ids (fixture);
  g_assert_true (g_hash_table_contains (ids, g_strstrip (first)));
  g_assert_cmpuint (g_hash_table_size (ids), ==, SUBMITS + 1);
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
      g_autoptr(GSubprocess) process = NULL;
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

      process = spawn_with_base (fixture, base, args);
      connection = g_socket_listener_accept (listener, NULL, NULL, &error);
      g_assert_no_error (error);
      read_request_head (connection);
      g_subprocess_send_signal (process, signals_sent[round]);
      g_subprocess_wait (process, NULL, &error);
      g_assert_no_error (error);
      g_assert_false (g_subprocess_get_successful (process));

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
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/processes/concurrent/new-history", Fixture, NULL,
              fixture_set_up, test_concurrency_new_history, fixture_tear_down);
  g_test_add ("/processes/concurrent/existing-history", Fixture, NULL,
              fixture_set_up, test_concurrency_existing_history, fixture_tear_down);
  g_test_add ("/processes/interrupt/create-leaves-an-uncertain-row", Fixture, NULL,
              fixture_set_up, test_interrupted_create_leaves_an_uncertain_row,
              fixture_tear_down);

  return g_test_run ();
}

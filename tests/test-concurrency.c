/* test-concurrency.c: many seedance processes on one history at once
 *
 * Runs the built `seedance` binary (SEEDANCE_CLI) in demo mode: 20 submits
 * and 10 lists at the same time, on a new history and on one that exists.
 * Every process must succeed and every task a submit printed must be in
 * the history afterwards.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-concurrency"

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
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
spawn (Fixture            *fixture,
       const char * const *args)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *cli = g_getenv ("SEEDANCE_CLI");
  GSubprocess *process;

  g_assert_nonnull (cli);
  g_ptr_array_add (argv, (gpointer) cli);
  g_ptr_array_add (argv, (gpointer) "--demo");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", fixture->data_home, TRUE);
  g_subprocess_launcher_unsetenv (launcher, "SEEDANCE_API_BASE");
  g_subprocess_launcher_unsetenv (launcher, "SEEDANCE_API_TOKEN");
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  return process;
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

/* The ids of `seedance --demo list --json`. */
static GHashTable *
listed_ids (Fixture *fixture)
{
  const char * const args[] = { "list", "--json", NULL };
  g_autoptr(GSubprocess) process = spawn (fixture, args);
  g_autofree char *out = finish (process, "list --json");
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  GHashTable *ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  JsonArray *array;

  root = json_from_string (out, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (root));
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

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/concurrency/new-history", Fixture, NULL,
              fixture_set_up, test_concurrency_new_history, fixture_tear_down);
  g_test_add ("/concurrency/existing-history", Fixture, NULL,
              fixture_set_up, test_concurrency_existing_history, fixture_tear_down);

  return g_test_run ();
}

/* test-crash.c: kill -9 a running service at random moments; the history
 * must open, keep every acknowledged task, and never point at a partial
 * file; tasks left waiting in the local queue are sent by the next run,
 * and no task is ever created twice
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "sd-test-util.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "sd-catalog.h"
#include "sd-client.h"
#include "sd-download-test.h"
#include "sd-service.h"
#include "sd-simulator-test.h"
#include "sd-store.h"

#define MODEL              "seedance2.0-fast-i2v"
#define SAMPLE_RESOURCE    "/io/github/seedancestudio/SeedanceStudio/core/sample.mp4"
#define VIDEO_SIZE         (2 * 1024 * 1024 + 123)
#define QUEUED_MS          100
#define PROCESSING_MS      200
/* New tasks each child submits, one after the other. */
#define TASKS_PER_CHILD    3
/* Kills on one history before a new service proves it resumes, and the
 * history is started afresh (this keeps the disk use bounded). */
#define KILLS_PER_ROUND    20
#define KILL_WINDOW_MS     400
#define DEFAULT_ITERATIONS 60
#define WAIT_LIMIT_S       60
/* The resume test: waiting rows, and how long each create of theirs takes
 * to reach the simulator. */
#define UNSENT_TASKS       2
#define LATE_CREATE_MS     300

static const char *self_path;

/* The child: a service doing history writes and downloads until killed. */

typedef struct
{
  SdService *service;
  guint      submitted;
  gboolean   submitting;
  gboolean   takes;       /* queue all its tasks at once, one at a time at the provider */
} Child;

static void
say (const char *format,
     ...) G_GNUC_PRINTF (1, 2);

/* Unbuffered: whatever was said before the kill reaches the parent. */
static void
say (const char *format,
     ...)
{
  g_autofree char *line = NULL;
  va_list args;
  gsize done = 0;
  gsize length;

  va_start (args, format);
  line = g_strdup_vprintf (format, args);
  va_end (args);
  length = strlen (line);
  while (done < length)
    {
      gssize n = write (STDOUT_FILENO, line + done, length - done);

      if (n <= 0)
        _exit (5);
      done += n;
    }
}

static SdRequest *
make_request (guint n)
{
  SdRequest *request = sd_request_new ();
  g_autofree char *prompt = g_strdup_printf ("Crash run, task %u, a lantern in the wind", n);

  sd_request_set_model (request, MODEL);
  sd_request_set_prompt (request, prompt);
  sd_request_set_duration (request, 5);
  sd_request_set_ratio (request, "16:9");
  sd_request_add_image (request, "https://example.com/ref-1.jpg");
  return request;
}

static void
on_child_submitted_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  Child *child = user_data;
  g_autoptr(SdTask) task = NULL;
  g_autoptr(GError) error = NULL;

  child->submitting = FALSE;
  task = sd_service_submit_finish (SD_SERVICE (source), result, &error);
  /* submit_finish returns once the task is in the history: acknowledged. */
  if (task != NULL)
    say ("ack %s\n", sd_task_get_id (task));
  else
    say ("submit-error %s\n", error->message);
}

static gboolean
on_child_tick_cb (gpointer user_data)
{
  Child *child = user_data;
  g_autoptr(SdRequest) request = NULL;

  if (child->submitting)
    return G_SOURCE_CONTINUE;
  if (child->submitted == TASKS_PER_CHILD)
    return G_SOURCE_REMOVE;
  if (child->takes)
    {
      g_autoptr(GPtrArray) tasks = NULL;
      g_autoptr(GError) error = NULL;

      request = make_request (child->submitted);
      child->submitted = TASKS_PER_CHILD;
      tasks = sd_service_submit_takes (child->service, request, TASKS_PER_CHILD, NULL, &error);
      if (tasks == NULL)
        say ("submit-error %s\n", error->message);
      else
        say ("queued %u\n", tasks->len);
      return G_SOURCE_REMOVE;
    }

  request = make_request (child->submitted++);
  child->submitting = TRUE;
  sd_service_submit_async (child->service, request, NULL, on_child_submitted_cb, child);
  return G_SOURCE_CONTINUE;
}

static int
run_child (char **argv)
{
  const char *base_url = argv[2];
  const char *token = argv[3];
  const char *history = argv[4];
  const char *download_dir = argv[5];
  gboolean takes = g_str_equal (argv[6], "takes");
  g_autoptr(SdCatalog) catalog = sd_catalog_new ();
  g_autoptr(SdClient) client = sd_client_new (base_url, token);
  g_autoptr(SdStore) store = NULL;
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *moved_aside = NULL;
  Child child = { 0 };

  /* Never outlive a parent that died. */
  alarm (60);
  sd_download_set_retry_policy (2, 20);
  sd_client_set_request_timeout (client, 5000);

  store = sd_store_open (history, &moved_aside, &error);
  if (store == NULL)
    {
      say ("open-error %s\n", error->message);
      return 3;
    }
  if (moved_aside != NULL)
    {
      say ("moved-aside %s\n", moved_aside);
      return 4;
    }

  settings = g_settings_new (SCHEMA_ID);
  g_settings_set_boolean (settings, "auto-download", TRUE);
  g_settings_set_string (settings, "download-dir", download_dir);
  child.service = sd_service_new (client, store, catalog, settings);
  sd_service_set_network_monitor (child.service, NULL);
  sd_service_set_online (child.service, TRUE);
  g_object_set (child.service, "first-poll-delay", 10, "max-poll-interval", 40, NULL);
  child.takes = takes;
  if (takes)
    sd_service_set_max_active (child.service, 1);
  if (!sd_service_load_history (child.service, &error))
    {
      say ("load-error %s\n", error->message);
      return 6;
    }
  say ("loaded %u\n", g_list_model_get_n_items (sd_service_get_tasks (child.service)));

  g_timeout_add (20, on_child_tick_cb, &child);
  while (TRUE)
    g_main_context_iteration (NULL, TRUE);
  return 0;
}

/* The parent: the simulator, the killer and the checks. */

typedef struct
{
  GPtrArray        *lines;
  gboolean          eof;
  GDataInputStream *out;
} Output;

typedef struct
{
  guint iterations;
  guint kills_before_load;
  guint acked;
  guint parts_on_disk;
  guint local_files_checked;
  guint resumed_unfinished;
  guint resumed_downloads;
  guint resumed_waiting;
  guint queued;
  guint rounds;
} Figures;

typedef struct
{
  SdSimulator *sim;
  char        *round_dir;
  char        *history;
  char        *download_dir;
  GHashTable  *acked;     /* ids the children said were saved this round */
  gint64       tasks_at_last_check;
  guint        creates_at_round_start;  /* the simulator's created ids then */
  guint        creates_accounted;       /* creates the last resume_round checked */
  Figures      figures;
} Run;

static void read_next_line (Output *output);

static void
on_line_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Output *output = user_data;
  g_autoptr(GError) error = NULL;
  char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source),
                                                          result, NULL, &error);

  if (line == NULL)
    {
      output->eof = TRUE;
      return;
    }
  g_ptr_array_add (output->lines, line);
  read_next_line (output);
}

static void
read_next_line (Output *output)
{
  g_data_input_stream_read_line_async (output->out, G_PRIORITY_DEFAULT, NULL,
                                       on_line_cb, output);
}

static gboolean
output_ended (gpointer data)
{
  return ((Output *) data)->eof;
}

static gboolean
child_loaded (gpointer data)
{
  Output *output = data;

  return output->eof || output->lines->len > 0;
}

/* The child said it saved a task, or could not. */
static gboolean
child_answered (gpointer data)
{
  Output *output = data;

  for (guint i = 0; i < output->lines->len; i++)
    {
      const char *line = g_ptr_array_index (output->lines, i);

      if (g_str_has_prefix (line, "ack ") || g_str_has_prefix (line, "submit-error "))
        return TRUE;
    }
  return output->eof;
}

static void
assert_local_file (SdTask *task,
                   Run    *run)
{
  const char *path = sd_task_get_local_file (task);
  GStatBuf st;

  if (sd_task_get_download_state (task) == SD_DOWNLOAD_STATE_DONE)
    g_assert_nonnull (path);
  if (path == NULL)
    return;

  /* A .part may be on disk, but it is never presented as the video. */
  g_assert_false (g_str_has_suffix (path, ".part"));
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_true (S_ISREG (st.st_mode));
  g_assert_cmpint (st.st_size, ==, VIDEO_SIZE);
  run->figures.local_files_checked++;
}

static guint
count_parts (const char *directory)
{
  g_autoptr(GDir) dir = g_dir_open (directory, 0, NULL);
  const char *name;
  guint n = 0;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    n += g_str_has_suffix (name, ".part");
  return n;
}

/* After a kill: the history opens as it is, with every acknowledged task,
 * and every local file is a whole video. */
static void
check_history (Run *run)
{
  g_autoptr(SdStore) store = NULL;
  g_autoptr(GPtrArray) tasks = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *moved_aside = NULL;
  GHashTableIter iter;
  const char *id;

  store = sd_store_open (run->history, &moved_aside, &error);
  g_assert_no_error (error);
  g_assert_null (moved_aside);

  g_hash_table_iter_init (&iter, run->acked);
  while (g_hash_table_iter_next (&iter, (gpointer *) &id, NULL))
    {
      g_autoptr(SdTask) task = sd_store_load_task (store, id, &error);

      g_assert_no_error (error);
      if (task == NULL)
        g_error ("Acknowledged task %s is not in the history", id);
    }

  tasks = sd_store_load_tasks (store, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < tasks->len; i++)
    assert_local_file (g_ptr_array_index (tasks, i), run);
  run->tasks_at_last_check = tasks->len;
  run->figures.parts_on_disk += count_parts (run->download_dir);
}

static void
take_lines (Run    *run,
            Output *output)
{
  for (guint i = 0; i < output->lines->len; i++)
    {
      const char *line = g_ptr_array_index (output->lines, i);
      guint64 loaded;

      if (g_str_has_prefix (line, "ack "))
        {
          g_hash_table_add (run->acked, g_strdup (line + 4));
          run->figures.acked++;
        }
      else if (g_str_has_prefix (line, "loaded "))
        {
          /* The child saw exactly the history the last check saw. */
          loaded = g_ascii_strtoull (line + 7, NULL, 10);
          g_assert_cmpint ((gint64) loaded, ==, run->tasks_at_last_check);
        }
      else if (g_str_has_prefix (line, "queued "))
        run->figures.queued += g_ascii_strtoull (line + 7, NULL, 10);
      else if (!g_str_has_prefix (line, "submit-error "))
        g_error ("The child said: %s", line);
    }
}

/* One child, killed at a random moment. */
static void
kill_one (Run  *run,
          guint n)
{
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  Output output = { 0 };
  gboolean early = n % 10 == 9;
  /* A child submitting one by one: on a slow machine it may never get a
   * create answered in the kill window, and the test would see no ack. */
  gboolean after_ack = n % 10 == 4;

  child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                            self_path, "--child",
                            sd_simulator_get_base_url (run->sim),
                            sd_simulator_get_token (run->sim),
                            run->history, run->download_dir,
                            n % 2 == 1 ? "takes" : "one-by-one", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (child));
  output.out = out;
  output.lines = g_ptr_array_new_with_free_func (g_free);
  read_next_line (&output);
  /* The first downloads drop half-way: .part files, resumed with Range. */
  sd_simulator_set_fault (run->sim, SD_SIMULATOR_STEP_DOWNLOAD, SD_SIMULATOR_FAULT_DROP_MID_BODY, 2);

  /* Most kills land while it works; some while it opens the history. */
  if (early)
    {
      sd_test_run_for (g_random_int_range (0, 60));
      if (output.lines->len == 0)
        run->figures.kills_before_load++;
    }
  else
    {
      sd_test_wait_until (child_loaded, &output, WAIT_LIMIT_S, "the child to load its history");
      if (after_ack)
        sd_test_wait_until (child_answered, &output, WAIT_LIMIT_S, "the child's first task");
      sd_test_run_for (g_random_int_range (0, KILL_WINDOW_MS));
    }

  g_subprocess_force_exit (child);
  g_assert_true (g_subprocess_wait (child, NULL, &error));
  g_assert_no_error (error);
  sd_test_wait_until (output_ended, &output, WAIT_LIMIT_S, "the child's output to end");
  /* What the child wrote before the kill is in our sockets already: the
   * simulator handles all of it now, so that a create it sent counts in
   * this round, never in the next one. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  if (!g_subprocess_get_if_signaled (child))
    {
      for (guint i = 0; i < output.lines->len; i++)
        g_printerr ("child: %s\n", (char *) g_ptr_array_index (output.lines, i));
      g_error ("The child ended by itself (status %d)", g_subprocess_get_status (child));
    }
  g_assert_cmpint (g_subprocess_get_term_sig (child), ==, SIGKILL);

  take_lines (run, &output);
  g_ptr_array_unref (output.lines);
  check_history (run);
  run->figures.iterations++;
}

/* A new service on the history picks up where the killed ones stopped. */

static gboolean
all_settled (gpointer data)
{
  SdService *service = data;
  GListModel *tasks = sd_service_get_tasks (service);

  for (guint i = 0; i < g_list_model_get_n_items (tasks); i++)
    {
      g_autoptr(SdTask) task = g_list_model_get_item (tasks, i);

      /* A create the kill cut short left its pending row: it says the
       * task may exist, and nothing more happens to it. A task this
       * service is sending is uncertain too until the answer: the round
       * waits for it, or its create would reach the simulator in the next
       * round, where no row stands for it. */
      if (sd_task_get_status (task) == SD_TASK_STATUS_UNCERTAIN &&
          !sd_service_is_sending (service, task))
        continue;
      if (sd_task_get_status (task) != SD_TASK_STATUS_COMPLETED ||
          sd_task_get_download_state (task) != SD_DOWNLOAD_STATE_DONE)
        return FALSE;
    }
  return TRUE;
}

static void
assert_whole_video (const char *path)
{
  g_autoptr(GBytes) sample = g_resources_lookup_data (SAMPLE_RESOURCE, 0, NULL);
  g_autofree char *contents = NULL;
  gsize length = 0;
  gsize pattern_size;
  const char *pattern = g_bytes_get_data (sample, &pattern_size);
  g_autoptr(GError) error = NULL;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (length, ==, VIDEO_SIZE);
  for (gsize at = 0; at < length; at += pattern_size)
    g_assert_cmpmem (contents + at, MIN (pattern_size, length - at),
                     pattern, MIN (pattern_size, length - at));
}

static guint
count_created (Run *run)
{
  return sd_simulator_get_created_ids (run->sim)->len;
}

/* Never sent twice: each create the simulator saw this round made a task
 * the history holds, or one whose answer a kill cut off (an uncertain row,
 * never sent again, which stands for one create at most); each task the
 * history holds with a provider id was created this round. On failure, the
 * ids say which creates had no row. */
static void
assert_creates_accounted (Run       *run,
                          SdService *service)
{
  GPtrArray *created = sd_simulator_get_created_ids (run->sim);
  GListModel *tasks = sd_service_get_tasks (service);
  g_autoptr(GHashTable) of_round = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GString) without_row = g_string_new (NULL);
  g_autoptr(GString) uncertain_ids = g_string_new (NULL);
  guint n_without_row = 0, uncertain = 0;

  for (guint i = run->creates_at_round_start; i < created->len; i++)
    {
      const char *id = g_ptr_array_index (created, i);

      g_hash_table_add (of_round, (gpointer) id);
      if (sd_service_get_loaded_task (service, id) == NULL)
        {
          g_string_append_printf (without_row, " %s", id);
          n_without_row++;
        }
    }
  for (guint i = 0; i < g_list_model_get_n_items (tasks); i++)
    {
      g_autoptr(SdTask) task = g_list_model_get_item (tasks, i);
      const char *id = sd_task_get_id (task);

      if (sd_task_get_status (task) == SD_TASK_STATUS_UNCERTAIN)
        {
          g_string_append_printf (uncertain_ids, " %s", id);
          uncertain++;
        }
      else if (!g_hash_table_contains (of_round, id))
        g_error ("Task %s of the history is not one the simulator created this round "
                 "(creates %u to %u)", id, run->creates_at_round_start + 1, created->len);
    }
  if (n_without_row > uncertain)
    g_error ("%u of the %u creates the simulator saw this round (creates %u to %u) have no "
             "task in the history, and only %u uncertain rows may stand for them.\n"
             "Created with no row:%s\nUncertain rows:%s",
             n_without_row, created->len - run->creates_at_round_start,
             run->creates_at_round_start + 1, created->len, uncertain,
             without_row->str, uncertain > 0 ? uncertain_ids->str : " none");
  run->creates_accounted = created->len - run->creates_at_round_start;
}

static void
resume_round (Run *run)
{
  g_autoptr(SdCatalog) catalog = sd_catalog_new ();
  g_autoptr(SdClient) client = sd_client_new (sd_simulator_get_base_url (run->sim),
                                              sd_simulator_get_token (run->sim));
  g_autoptr(SdStore) store = NULL;
  g_autoptr(GSettings) settings = g_settings_new (SCHEMA_ID);
  g_autoptr(SdService) service = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *tasks;

  store = sd_store_open (run->history, NULL, &error);
  g_assert_no_error (error);
  g_settings_set_boolean (settings, "auto-download", TRUE);
  g_settings_set_string (settings, "download-dir", run->download_dir);
  service = sd_service_new (client, store, catalog, settings);
  sd_service_set_network_monitor (service, NULL);
  sd_service_set_online (service, TRUE);
  g_object_set (service, "first-poll-delay", 10, "max-poll-interval", 40, NULL);
  g_assert_true (sd_service_load_history (service, &error));
  g_assert_no_error (error);

  tasks = sd_service_get_tasks (service);
  g_assert_cmpint (g_list_model_get_n_items (tasks), ==, run->tasks_at_last_check);
  for (guint i = 0; i < g_list_model_get_n_items (tasks); i++)
    {
      g_autoptr(SdTask) task = g_list_model_get_item (tasks, i);

      run->figures.resumed_unfinished += !sd_task_get_is_finished (task);
      run->figures.resumed_downloads += sd_task_get_is_finished (task) &&
                                        sd_task_get_local_file (task) == NULL;
      run->figures.resumed_waiting += sd_task_get_status (task) == SD_TASK_STATUS_WAITING;
    }

  sd_test_wait_until (all_settled, service, WAIT_LIMIT_S, "the resumed tasks to complete and be saved");
  for (guint i = 0; i < g_list_model_get_n_items (tasks); i++)
    {
      g_autoptr(SdTask) task = g_list_model_get_item (tasks, i);

      if (sd_task_get_status (task) != SD_TASK_STATUS_UNCERTAIN)
        assert_whole_video (sd_task_get_local_file (task));
    }
  assert_creates_accounted (run, service);
  g_settings_reset (settings, "auto-download");
  g_settings_reset (settings, "download-dir");
  run->figures.rounds++;
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
        g_assert_cmpint (g_unlink (child), ==, 0);
    }
  g_assert_cmpint (g_rmdir (path), ==, 0);
}

static void
start_round (Run  *run,
             guint n)
{
  g_clear_pointer (&run->round_dir, g_free);
  g_clear_pointer (&run->history, g_free);
  g_clear_pointer (&run->download_dir, g_free);
  run->round_dir = g_strdup_printf ("%s/round-%u", g_get_user_data_dir (), n);
  run->history = g_build_filename (run->round_dir, "history.db", NULL);
  run->download_dir = g_build_filename (run->round_dir, "videos", NULL);
  run->tasks_at_last_check = 0;
  run->creates_at_round_start = count_created (run);
  g_hash_table_remove_all (run->acked);
}

static guint
iterations_wanted (void)
{
  const char *value = g_getenv ("SEEDANCE_CRASH_ITERATIONS");
  guint64 n;

  if (value == NULL || !g_ascii_string_to_unsigned (value, 10, 1, 100000, &n, NULL))
    return DEFAULT_ITERATIONS;
  return n;
}

static void
run_init (Run       *run,
          SdCatalog *catalog)
{
  g_autoptr(GError) error = NULL;

  run->sim = sd_simulator_new (catalog, &error);
  g_assert_no_error (error);
  sd_simulator_set_timing (run->sim, QUEUED_MS, PROCESSING_MS);
  sd_simulator_set_video_size (run->sim, VIDEO_SIZE);
  run->acked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

static void
run_clear (Run *run)
{
  g_hash_table_unref (run->acked);
  g_free (run->round_dir);
  g_free (run->history);
  g_free (run->download_dir);
  g_object_unref (run->sim);
}

static void
test_kill_nine (void)
{
  g_autoptr(SdCatalog) catalog = sd_catalog_new ();
  guint wanted = iterations_wanted ();
  gint64 start = g_get_monotonic_time ();
  Run run = { 0 };

  run_init (&run, catalog);

  for (guint i = 0; i < wanted; i++)
    {
      if (i % KILLS_PER_ROUND == 0)
        start_round (&run, i / KILLS_PER_ROUND);
      kill_one (&run, i);
      if (i % KILLS_PER_ROUND == KILLS_PER_ROUND - 1 || i == wanted - 1)
        {
          resume_round (&run);
          remove_tree (run.round_dir);
        }
    }

  g_test_message ("kills %u (%u before the history was loaded), acknowledged tasks %u, "
                  "local files checked %u, .part files seen after kills %u, rounds %u "
                  "resumed %u unfinished tasks and %u unsaved videos; %u tasks queued as "
                  "takes, %u resumed waiting, %.1f s",
                  run.figures.iterations, run.figures.kills_before_load, run.figures.acked,
                  run.figures.local_files_checked, run.figures.parts_on_disk,
                  run.figures.rounds, run.figures.resumed_unfinished,
                  run.figures.resumed_downloads, run.figures.queued, run.figures.resumed_waiting,
                  (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);
  g_assert_cmpuint (run.figures.iterations, ==, wanted);
  g_assert_cmpuint (run.figures.acked, >, 0);
  g_assert_cmpuint (run.figures.queued, >, 0);
  run_clear (&run);
}

/* @n waiting rows in the round's history, as a child killed before it
 * sent its takes leaves them. */
static void
queue_unsent (Run  *run,
              guint n)
{
  g_autoptr(SdStore) store = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (run->round_dir, 0700), ==, 0);
  store = sd_store_open (run->history, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *uuid = g_uuid_string_random ();
      g_autofree char *id = g_strconcat (SD_TASK_UNCERTAIN_ID_PREFIX, uuid, NULL);
      g_autoptr(SdRequest) request = make_request (i);
      g_autoptr(SdTask) task = sd_task_new (id, request);

      sd_task_set_status (task, SD_TASK_STATUS_WAITING, NULL);
      sd_task_set_created_at (task, g_get_real_time () / G_USEC_PER_SEC);
      sd_task_set_queue_position (task, i + 1);
      g_assert_true (sd_store_save_task (store, task, &error));
      g_assert_no_error (error);
    }
}

static gboolean
creates_arrived (gpointer data)
{
  Run *run = data;

  return count_created (run) >= run->creates_at_round_start + UNSENT_TASKS;
}

/* A resumed waiting task whose create is still on the way when everything
 * else is done: the round waits for its answer, and so accounts for the
 * create itself; it never reaches the simulator in the next round, where
 * it would be a create no row stands for. */
static void
test_resume_waits_for_creates_on_the_way (void)
{
  g_autoptr(SdCatalog) catalog = sd_catalog_new ();
  Run run = { 0 };

  run_init (&run, catalog);
  start_round (&run, 0);
  queue_unsent (&run, UNSENT_TASKS);
  check_history (&run);
  g_assert_cmpint (run.tasks_at_last_check, ==, UNSENT_TASKS);

  /* Each create reaches the simulator well after it was sent. */
  sd_simulator_set_slow_delay (run.sim, LATE_CREATE_MS);
  sd_simulator_set_fault (run.sim, SD_SIMULATOR_STEP_CREATE, SD_SIMULATOR_FAULT_LATE, 0);
  resume_round (&run);
  g_assert_cmpuint (run.figures.resumed_waiting, ==, UNSENT_TASKS);

  /* Every task was made, each before the round was checked. */
  sd_test_wait_until (creates_arrived, &run, WAIT_LIMIT_S, "the creates to reach the simulator");
  g_assert_cmpuint (count_created (&run) - run.creates_at_round_start, ==, UNSENT_TASKS);
  g_assert_cmpuint (run.creates_accounted, ==, UNSENT_TASKS);
  remove_tree (run.round_dir);
  run_clear (&run);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  if (argc == 7 && g_str_equal (argv[1], "--child"))
    return run_child (argv);

  self_path = argv[0];
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/crash/kill-9/history-keeps-every-acknowledged-task-and-resumes",
                   test_kill_nine);
  g_test_add_func ("/crash/resume/waits-for-creates-on-the-way",
                   test_resume_waits_for_creates_on_the_way);
  return g_test_run ();
}

/* make-history.c: fills a history database with N finished tasks, through
 * the store's own API, for the start-up and history benchmarks
 *
 * Usage: make-history PATH COUNT [BASE]
 *
 * The tasks are those of the API base BASE (the app's SEEDANCE_API_BASE:
 * the history keeps each base's tasks apart), of the store's legacy base
 * without it.
 *
 * Tasks look like a long-used history: nine in ten completed with a saved
 * local file (so loading it starts no download), the rest failed with a
 * message; prompts of realistic length, one task a minute going back in time.
 * One prompt in four is Chinese; one task in 9,973 has a rare word
 * ("lighthouse", "灯塔守望"), for the search benchmark.
 * With BENCH_HISTORY_VIDEO set, every saved task's file is that video (for
 * the poster frames); otherwise a path that does not exist.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "make-history"

#include "config.h"

#include <stdlib.h>

#include "sd-store.h"

static const char * const words[] = {
  "a", "slow", "dolly", "shot", "of", "the", "harbour", "at", "dawn", "fog",
  "lifting", "over", "fishing", "boats", "gulls", "circling", "warm", "light",
  "close-up", "hands", "kneading", "bread", "flour", "dust", "in", "sunbeam",
  "city", "street", "rain", "neon", "reflections", "cyclist", "passing",
};

static const char * const zh_words[] = {
  "一只", "纸船", "在", "雨中", "的", "港口", "黎明", "雾气", "渔船", "海鸥",
  "温暖", "光线", "特写", "双手", "面包", "城市", "街道", "霓虹", "倒影", "骑车人",
};

static char *
make_prompt (GRand *rand,
             guint  index)
{
  GString *prompt = g_string_new (NULL);
  gboolean chinese = index % 4 == 1;
  guint n = g_rand_int_range (rand, 12, 60);

  for (guint i = 0; i < n; i++)
    {
      if (chinese)
        g_string_append (prompt, zh_words[g_rand_int_range (rand, 0, G_N_ELEMENTS (zh_words))]);
      else
        g_string_append_printf (prompt, "%s%s", i > 0 ? " " : "",
                                words[g_rand_int_range (rand, 0, G_N_ELEMENTS (words))]);
    }
  if (index % 9973 == 5)
    g_string_append (prompt, chinese ? "灯塔守望" : " lighthouse");
  return g_string_free (prompt, FALSE);
}

static SdTask *
make_task (GRand  *rand,
           guint   index,
           gint64  now)
{
  g_autoptr(SdRequest) request = sd_request_new ();
  g_autofree char *prompt = make_prompt (rand, index);
  g_autofree char *id = g_strdup_printf ("cgt-bench-%08u", index);
  gint64 created_at = now - (gint64) index * 60;
  SdTask *task;

  sd_request_set_model (request, index % 3 == 0 ? "seedance-2.0" : "seedance-2.0-fast");
  sd_request_set_prompt (request, prompt);
  sd_request_set_duration (request, 5 + index % 6);
  sd_request_set_ratio (request, index % 2 == 0 ? "16:9" : "9:16");
  sd_request_set_resolution (request, "720p");

  task = sd_task_new (id, request);
  sd_task_set_created_at (task, created_at);
  sd_task_set_updated_at (task, created_at + 90);
  sd_task_set_server_model (task, sd_request_get_model (request));
  if (index % 10 == 7)
    {
      sd_task_set_status (task, SD_TASK_STATUS_FAILED, "failed");
      sd_task_set_failure_message (task, "The prompt was refused by the content filter.");
    }
  else
    {
      g_autofree char *url = g_strdup_printf ("https://cdn.example.invalid/videos/%s.mp4", id);
      const char *video = g_getenv ("BENCH_HISTORY_VIDEO");
      g_autofree char *file = video != NULL ? g_strdup (video)
                                            : g_strdup_printf ("/home/user/Videos/Seedance/%s.mp4", id);

      sd_task_set_status (task, SD_TASK_STATUS_COMPLETED, "completed");
      sd_task_set_video_url (task, url);
      sd_task_set_local_file (task, file);
      sd_task_set_download_state (task, SD_DOWNLOAD_STATE_DONE);
    }
  return task;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStore) store = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (20240601);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 start = g_get_monotonic_time ();
  guint count;

  if (argc != 3 && argc != 4)
    {
      g_printerr ("Usage: %s PATH COUNT [BASE]\n", argv[0]);
      return 2;
    }
  count = (guint) strtoul (argv[2], NULL, 10);

  store = sd_store_open (argv[1], NULL, &error);
  if (store == NULL)
    g_error ("%s", error->message);
  if (argc == 4)
    sd_store_set_base (store, argv[3]);

  for (guint i = 0; i < count; i++)
    {
      g_autoptr(SdTask) task = make_task (rand, i, now);

      if (!sd_store_save_task (store, task, &error))
        g_error ("%s", error->message);
    }

  g_print ("make-history: %u tasks in %s (%.1f s)\n", count, argv[1],
           (g_get_monotonic_time () - start) / 1e6);
  return 0;
}

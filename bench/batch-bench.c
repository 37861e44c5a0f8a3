/* batch-bench.c: a 1,000-line batch validated and estimated, against
 * parsing the same lines with json-glib alone
 *
 * Both sides read the same bytes from memory; the catalogue and the price
 * table are made once, outside the timing, as a running app holds them.
 * Prints min / median / max of each side's thread CPU time over
 * BATCH_BENCH_RUNS runs (default 31) and the ratio of the medians.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "sd-batch.h"
#include "sd-catalog.h"
#include "sd-prices.h"

static char *
make_batch (guint n_lines)
{
  GString *text = g_string_new ("# a benchmark batch\n");

  for (guint i = 0; i < n_lines; i++)
    {
      if (i % 3 == 0)
        g_string_append_printf (text,
                                "{\"model\": \"sd2_mx_720p\", \"prompt\": \"take %u: a cat walks along a wall at dusk, "
                                "the camera follows slowly\", \"duration\": %u, \"ratio\": \"16:9\", "
                                "\"variants\": %u, \"label\": \"cats %u\"}\n",
                                i, 4 + i % 9, 1 + i % 8, i / 10);
      else if (i % 3 == 1)
        g_string_append_printf (text,
                                "{\"model\": \"seedance2.0-fast-i2v\", \"prompt\": \"take %u: waves on a beach\", "
                                "\"duration\": %u, \"first_image\": \"https://example.com/frames/%u.png\"}\n",
                                i, 1 + i % 15, i);
      else
        g_string_append_printf (text,
                                "{\"model\": \"seedance2.0-std\", \"prompt\": \"take %u: a city at night, neon, rain\", "
                                "\"duration\": 5, \"images\": [\"https://example.com/a/%u.png\", "
                                "\"https://example.com/b/%u.png\"]}\n",
                                i, i, i);
    }
  return g_string_free (text, FALSE);
}

/* What any reader of the file must do at least: cut it into lines and
 * have json-glib parse each one. */
static guint
parse_with_json_glib (const char *data,
                      gsize       length)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  const char *p = data;
  const char *end = data + length;
  guint objects = 0;

  while (p < end)
    {
      const char *nl = memchr (p, '\n', end - p);
      gsize n = nl != NULL ? (gsize) (nl - p) : (gsize) (end - p);

      if (n > 0 && p[0] != '#' && json_parser_load_from_data (parser, p, n, NULL) &&
          JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        objects++;
      p += n + 1;
    }
  return objects;
}

static guint
validate_and_estimate (const char *data,
                       gsize       length,
                       SdCatalog  *catalog,
                       SdPrices   *prices,
                       SdMoney    *total)
{
  g_autoptr(SdBatch) batch = sd_batch_new_from_data (data, length, catalog, NULL, NULL);
  guint n_unpriced;

  g_assert (batch != NULL);
  sd_batch_estimate (batch, prices, catalog, total, &n_unpriced);
  g_assert (sd_batch_get_n_invalid (batch) == 0);
  return sd_batch_get_n_lines (batch);
}

/* CPU time of this thread, in µs: the machine is shared, and time spent
 * preempted by other jobs is no one's cost. */
static gint64
cpu_now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static void
summarize (const char *name,
           GArray     *times,
           double     *median)
{
  g_array_sort (times, compare_doubles);
  *median = g_array_index (times, double, times->len / 2);
  printf ("%-28s min %.2f ms  median %.2f ms  max %.2f ms\n", name,
          g_array_index (times, double, 0), *median,
          g_array_index (times, double, times->len - 1));
}

int
main (int   argc,
      char *argv[])
{
  const char *runs_env = g_getenv ("BATCH_BENCH_RUNS");
  const char *lines_env = g_getenv ("BATCH_BENCH_LINES");
  guint runs = runs_env != NULL ? (guint) g_ascii_strtoull (runs_env, NULL, 10) : 31;
  guint n_lines = lines_env != NULL ? (guint) g_ascii_strtoull (lines_env, NULL, 10) : 1000;
  g_autofree char *data = make_batch (n_lines);
  gsize length = strlen (data);
  g_autoptr(SdCatalog) catalog = sd_catalog_new ();
  g_autoptr(SdPrices) prices = sd_prices_new ();
  g_autoptr(GArray) reference = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) ours = g_array_new (FALSE, FALSE, sizeof (double));
  double reference_median, ours_median;
  SdMoney total = 0;

  sd_prices_set (prices, "sd2_mx_720p", 50000);
  sd_prices_set (prices, "seedance2.0-fast-i2v", 200000);

  printf ("batch of %u lines, %" G_GSIZE_FORMAT " bytes, %u runs each (alternating)\n",
          n_lines, length, runs);
  for (guint i = 0; i < runs + 1; i++)
    {
      gint64 t0 = cpu_now ();
      guint a = parse_with_json_glib (data, length);
      gint64 t1 = cpu_now ();
      guint b = validate_and_estimate (data, length, catalog, prices, &total);
      gint64 t2 = cpu_now ();
      double r = (t1 - t0) / 1000.0, o = (t2 - t1) / 1000.0;

      g_assert (a == n_lines && b == n_lines);
      if (i == 0)
        continue;  /* warm-up */
      g_array_append_val (reference, r);
      g_array_append_val (ours, o);
    }

  summarize ("json-glib parse alone", reference, &reference_median);
  summarize ("validate + estimate", ours, &ours_median);
  printf ("estimate total: %" G_GINT64_FORMAT " millionths\n", total);
  printf ("ratio (median): %.2fx (target <= 2x)\n", ours_median / reference_median);
  return ours_median <= 2.0 * reference_median ? 0 : 1;
}

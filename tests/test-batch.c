/* test-batch.c: batch files, every refusal with its line number
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "sd-batch.h"
#include "sd-catalog.h"

/* Billed per task, 1 to 15 s (default 5), https:// links. */
#define PER_TASK   "seedance2.0-fast-i2v"
/* Billed per second, 4 to 12 s. */
#define PER_SECOND "sd2_mx_720p"

static SdBatch *
parse (const char *text)
{
  g_autoptr(SdCatalog) catalog = sd_catalog_new ();
  g_autoptr(GError) error = NULL;
  SdBatch *batch = sd_batch_new_from_data (text, strlen (text), catalog, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (batch);
  return batch;
}

/* The line numbered @number, which must be in the batch. */
static SdBatchLine *
line_numbered (SdBatch *batch,
               guint    number)
{
  for (guint i = 0; i < sd_batch_get_n_lines (batch); i++)
    if (sd_batch_get_line (batch, i)->line == number)
      return sd_batch_get_line (batch, i);
  g_assert_not_reached ();
}

static gboolean
has_problem (SdBatchLine *line,
             const char  *field,
             const char  *fragment)
{
  for (guint i = 0; i < line->problems->len; i++)
    {
      SdProblem *problem = g_ptr_array_index (line->problems, i);

      if (g_str_equal (problem->field, field) && strstr (problem->message, fragment) != NULL)
        return TRUE;
    }
  return FALSE;
}

static void
test_comments_and_blank_lines_are_skipped (void)
{
  g_autoptr(SdBatch) batch = parse ("# a recipe\n"
                                    "\n"
                                    "   \t\n"
                                    "  # indented comment\n"
                                    "{\"model\": \"" PER_TASK "\", \"prompt\": \"a cat\"}\n"
                                    "\r\n"
                                    "{\"model\": \"" PER_TASK "\", \"prompt\": \"a dog\", \"variants\": 3}\r\n");

  g_assert_cmpuint (sd_batch_get_n_lines (batch), ==, 2);
  g_assert_cmpuint (sd_batch_get_line (batch, 0)->line, ==, 5);
  g_assert_cmpuint (sd_batch_get_line (batch, 1)->line, ==, 7);
  g_assert_cmpuint (sd_batch_get_n_invalid (batch), ==, 0);
  g_assert_cmpuint (sd_batch_get_n_takes (batch), ==, 4);
  g_assert_cmpstr (sd_request_get_prompt (sd_batch_get_line (batch, 1)->request), ==, "a dog");
  g_assert_null (sd_batch_describe_problems (batch));
  g_assert_true (sd_batch_check (batch, NULL));
}

static void
test_bad_json_names_its_line (void)
{
  g_autoptr(SdBatch) batch = parse ("{\"model\": \"" PER_TASK "\", \"prompt\": \"ok\"}\n"
                                    "{\"model\": \"" PER_TASK "\", \"prompt\": \n"
                                    "[1, 2]\n"
                                    "{\"prompt\": \"a\"} {\"prompt\": \"b\"}\n"
                                    "\"just text\"\n");
  g_autofree char *text = sd_batch_describe_problems (batch);
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (sd_batch_get_n_invalid (batch), ==, 4);
  g_assert_true (has_problem (line_numbered (batch, 2), "line", "not valid JSON"));
  g_assert_true (has_problem (line_numbered (batch, 3), "line", "JSON object"));
  g_assert_true (has_problem (line_numbered (batch, 4), "line", "one JSON object"));
  g_assert_true (has_problem (line_numbered (batch, 5), "line", "JSON object"));
  g_assert_cmpuint (line_numbered (batch, 1)->problems->len, ==, 0);
  /* Every problem at once, each with its number. */
  g_assert_nonnull (strstr (text, "line 2: "));
  g_assert_nonnull (strstr (text, "line 5: "));
  g_assert_false (sd_batch_check (batch, &error));
  g_assert_error (error, SD_BATCH_ERROR, SD_BATCH_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "4 lines"));
  /* Only valid lines make tasks. */
  g_assert_cmpuint (sd_batch_get_n_takes (batch), ==, 1);
}

static void
test_unknown_model_is_refused (void)
{
  g_autoptr(SdBatch) batch = parse ("{\"model\": \"seedance9\", \"prompt\": \"a cat\"}\n"
                                    "{\"prompt\": \"no model\"}\n");

  g_assert_true (has_problem (line_numbered (batch, 1), "model", "seedance9"));
  g_assert_cmpuint (line_numbered (batch, 2)->problems->len, >, 0);
  g_assert_true (has_problem (line_numbered (batch, 2), "model", ""));
}

static void
test_fields_are_checked_against_the_model (void)
{
  g_autoptr(SdBatch) batch = parse ("{\"model\": \"" PER_TASK "\", \"prompt\": \"a\", \"duration\": 99}\n"
                                    "{\"model\": \"" PER_SECOND "\", \"prompt\": \"a\", \"duration\": 2}\n"
                                    "{\"model\": \"" PER_SECOND "\", \"prompt\": \"a\", \"ratio\": \"7:3\"}\n"
                                    "{\"model\": \"" PER_TASK "\", \"prompt\": \"a\", \"duration\": \"8\"}\n"
                                    "{\"model\": \"" PER_TASK "\", \"prompt\": \"a\", \"duration\": 2.5}\n"
                                    "{\"model\": \"" PER_TASK "\", \"prompt\": \"a\", \"images\": \"x\"}\n"
                                    "{\"model\": \"" PER_TASK "\", \"prompt\": 5}\n"
                                    "{\"model\": \"" PER_TASK "\", \"prompt\": \"a\", \"promt\": \"typo\"}\n");

  g_assert_true (has_problem (line_numbered (batch, 1), "duration", "99"));
  g_assert_true (has_problem (line_numbered (batch, 2), "duration", "2"));
  g_assert_true (has_problem (line_numbered (batch, 3), "ratio", "16:9"));
  g_assert_true (has_problem (line_numbered (batch, 4), "line", "duration"));
  g_assert_true (has_problem (line_numbered (batch, 5), "line", "duration"));
  g_assert_true (has_problem (line_numbered (batch, 6), "line", "images"));
  g_assert_true (has_problem (line_numbered (batch, 7), "line", "prompt"));
  g_assert_true (has_problem (line_numbered (batch, 8), "line", "promt"));
  g_assert_cmpuint (sd_batch_get_n_invalid (batch), ==, 8);
  g_assert_cmpuint (sd_batch_get_n_takes (batch), ==, 0);
}

static void
test_variants_must_be_one_to_eight (void)
{
  const char *bad[] = { "0", "9", "-1", "2.5", "\"3\"", "true", "null", "[2]", "1e10" };
  const char *good[] = { "1", "8", "4.0" };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *text = g_strdup_printf ("{\"model\": \"" PER_TASK "\", \"prompt\": \"a\", \"variants\": %s}\n", bad[i]);
      g_autoptr(SdBatch) batch = parse (text);

      g_test_message ("variants %s", bad[i]);
      g_assert_true (has_problem (line_numbered (batch, 1), "variants", "1 to 8"));
    }
  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autofree char *text = g_strdup_printf ("{\"model\": \"" PER_TASK "\", \"prompt\": \"a\", \"variants\": %s}\n", good[i]);
      g_autoptr(SdBatch) batch = parse (text);

      g_assert_cmpuint (sd_batch_get_n_invalid (batch), ==, 0);
    }
}

static void
test_label_is_kept_and_checked (void)
{
  g_autofree char *long_label = g_strnfill (201, 'x');
  g_autofree char *text = g_strdup_printf ("{\"model\": \"" PER_TASK "\", \"prompt\": \"a\", \"label\": \"cats\"}\n"
                                           "{\"model\": \"" PER_TASK "\", \"prompt\": \"a\", \"label\": \"%s\"}\n"
                                           "{\"model\": \"" PER_TASK "\", \"prompt\": \"a\", \"label\": 3}\n",
                                           long_label);
  g_autoptr(SdBatch) batch = parse (text);

  g_assert_cmpstr (line_numbered (batch, 1)->label, ==, "cats");
  g_assert_true (has_problem (line_numbered (batch, 2), "label", "200"));
  g_assert_true (has_problem (line_numbered (batch, 3), "label", "200"));
}

static void
test_too_long_line_is_refused_by_number (void)
{
  g_autoptr(GString) text = g_string_new ("{\"model\": \"" PER_TASK "\", \"prompt\": \"a\"}\n");
  g_autoptr(SdBatch) batch = NULL;

  g_string_append (text, "{\"model\": \"" PER_TASK "\", \"prompt\": \"");
  for (guint i = 0; i < SD_BATCH_MAX_LINE_LENGTH; i++)
    g_string_append_c (text, 'a');
  g_string_append (text, "\"}\n{\"model\": \"" PER_TASK "\", \"prompt\": \"b\"}\n");
  batch = parse (text->str);

  g_assert_cmpuint (sd_batch_get_n_lines (batch), ==, 3);
  g_assert_true (has_problem (line_numbered (batch, 2), "line", "65536"));
  g_assert_cmpuint (line_numbered (batch, 3)->problems->len, ==, 0);
}

static void
test_hostile_lines_are_refused (void)
{
  g_autoptr(GString) deep = g_string_new (NULL);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(SdBatch) batch = NULL;

  for (guint i = 0; i < 1000; i++)
    g_string_append_c (deep, '[');
  g_string_append_printf (text, "%s\n", deep->str);
  g_string_append (text, "{\"model\": \"" PER_TASK "\", \"prompt\": \"\\ud800x\"}\n");
  g_string_append (text, "{\"model\": \"" PER_TASK "\", \"prompt\": \"\xff\xfe\"}\n");
  batch = parse (text->str);
  g_assert_cmpuint (sd_batch_get_n_lines (batch), ==, 3);
  g_assert_cmpuint (sd_batch_get_n_invalid (batch), ==, 3);
  g_assert_true (has_problem (line_numbered (batch, 1), "line", "nested"));
  g_assert_true (has_problem (line_numbered (batch, 2), "line", "UTF-8"));
  g_assert_true (has_problem (line_numbered (batch, 3), "line", "UTF-8"));

  {
    /* A NUL byte inside a line: refused, never cut there. */
    const char with_nul[] = "{\"model\": \"" PER_TASK "\", \"prompt\": \"a\0b\"}\n";
    g_autoptr(SdCatalog) catalog = sd_catalog_new ();
    g_autoptr(SdBatch) nul = sd_batch_new_from_data (with_nul, sizeof with_nul - 1, catalog, NULL, NULL);

    g_assert_nonnull (nul);
    g_assert_cmpuint (sd_batch_get_n_invalid (nul), ==, 1);
  }
}

static void
test_whole_file_refusals (void)
{
  g_autoptr(SdCatalog) catalog = sd_catalog_new ();
  g_autoptr(GString) many = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SdBatch) batch = NULL;

  batch = sd_batch_new_from_data ("# only a comment\n\n", 18, catalog, NULL, &error);
  g_assert_null (batch);
  g_assert_error (error, SD_BATCH_ERROR, SD_BATCH_ERROR_EMPTY);
  g_clear_error (&error);

  for (guint i = 0; i <= SD_BATCH_MAX_REQUESTS; i++)
    g_string_append (many, "{}\n");
  batch = sd_batch_new_from_data (many->str, many->len, catalog, NULL, &error);
  g_assert_null (batch);
  g_assert_error (error, SD_BATCH_ERROR, SD_BATCH_ERROR_TOO_LARGE);
  g_clear_error (&error);

  g_string_truncate (many, 0);
  for (guint i = 0; i <= SD_BATCH_MAX_LINES; i++)
    g_string_append (many, "\n");
  batch = sd_batch_new_from_data (many->str, many->len, catalog, NULL, &error);
  g_assert_null (batch);
  g_assert_error (error, SD_BATCH_ERROR, SD_BATCH_ERROR_TOO_LARGE);
  g_clear_error (&error);

  batch = sd_batch_new_from_file ("/nonexistent/batch.jsonl", catalog, &error);
  g_assert_null (batch);
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
}

static void
test_local_paths_resolve_against_the_file (void)
{
  g_autofree char *dir = g_dir_make_tmp ("batch-XXXXXX", NULL);
  g_autofree char *image = g_build_filename (dir, "cat.png", NULL);
  g_autofree char *path = g_build_filename (dir, "b.jsonl", NULL);
  g_autoptr(SdCatalog) catalog = sd_catalog_new ();
  g_autoptr(SdBatch) batch = NULL;
  g_autoptr(GError) error = NULL;
  const char *text = "{\"model\": \"" PER_TASK "\", \"prompt\": \"a\", \"first_image\": \"cat.png\"}\n"
                     "{\"model\": \"" PER_TASK "\", \"prompt\": \"a\", \"first_image\": \"./missing.png\"}\n"
                     "{\"model\": \"" PER_TASK "\", \"prompt\": \"a\", \"first_image\": \"https://example.com/a.png\"}\n";
  SdBatchLine *line;

  g_assert_true (g_file_set_contents (image, "\x89PNG", 4, NULL));
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  batch = sd_batch_new_from_file (path, catalog, &error);
  g_assert_no_error (error);

  line = line_numbered (batch, 1);
  g_assert_cmpuint (line->problems->len, ==, 0);
  g_assert_cmpstr (sd_request_get_first_image (line->request), ==, image);
  g_assert_true (sd_batch_request_has_local_files (line->request));
  g_assert_true (has_problem (line_numbered (batch, 2), "first_image", "missing.png"));
  g_assert_false (sd_batch_request_has_local_files (line_numbered (batch, 3)->request));

  g_assert_true (sd_batch_is_local_path ("/tmp/a.png"));
  g_assert_true (sd_batch_is_local_path ("a.png"));
  g_assert_true (sd_batch_is_local_path ("file:///tmp/a.png"));
  g_assert_false (sd_batch_is_local_path ("https://example.com/a.png"));
  g_assert_false (sd_batch_is_local_path ("asset://abc"));

  g_unlink (image);
  g_unlink (path);
  g_rmdir (dir);
}

/* A problem with a local file names the file, not the link it was
 * checked as before its upload. */
static void
test_problems_name_the_local_file (void)
{
  g_autofree char *dir = g_dir_make_tmp ("batch-XXXXXX", NULL);
  g_autofree char *image = g_build_filename (dir, "cat.png", NULL);
  g_autofree char *path = g_build_filename (dir, "b.jsonl", NULL);
  g_autoptr(SdCatalog) catalog = sd_catalog_new ();
  g_autoptr(SdBatch) batch = NULL;
  g_autoptr(GError) error = NULL;
  /* PER_SECOND takes images from the asset library only */
  const char *text = "{\"model\": \"" PER_SECOND "\", \"prompt\": \"a\", \"images\": [\"cat.png\"]}\n"
                     "{\"model\": \"" PER_SECOND "\", \"prompt\": \"a\", \"images\": [\"gone.png\"]}\n";

  g_assert_true (g_file_set_contents (image, "\x89PNG", 4, NULL));
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  batch = sd_batch_new_from_file (path, catalog, &error);
  g_assert_no_error (error);

  for (guint n = 1; n <= 2; n++)
    {
      SdBatchLine *line = line_numbered (batch, n);

      g_assert_cmpuint (line->problems->len, >, 0);
      for (guint i = 0; i < line->problems->len; i++)
        {
          SdProblem *problem = g_ptr_array_index (line->problems, i);

          g_assert_null (strstr (problem->message, "upload.invalid"));
        }
    }
  g_assert_true (has_problem (line_numbered (batch, 1), "images", image));
  g_assert_true (has_problem (line_numbered (batch, 2), "images", "gone.png"));

  g_unlink (image);
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_written_line_reads_back (void)
{
  g_autoptr(SdRequest) request = sd_request_new ();
  g_autofree char *line = NULL;
  g_autoptr(SdBatch) batch = NULL;
  SdBatchLine *read;

  sd_request_set_model (request, PER_SECOND);
  sd_request_set_prompt (request, "a “cat”\nwith a newline");
  sd_request_set_explicit_duration (request, 8);
  line = sd_batch_write_line (request, 3, "cats");
  g_assert_null (strchr (line, '\n'));
  batch = parse (line);

  read = sd_batch_get_line (batch, 0);
  g_assert_cmpuint (read->problems->len, ==, 0);
  g_assert_cmpstr (sd_request_get_prompt (read->request), ==, "a “cat”\nwith a newline");
  g_assert_cmpint (sd_request_get_duration (read->request), ==, 8);
  g_assert_cmpuint (read->variants, ==, 3);
  g_assert_cmpstr (read->label, ==, "cats");
}

static void
test_batch_estimate_counts_unpriced_lines (void)
{
  g_autoptr(SdCatalog) catalog = sd_catalog_new ();
  g_autoptr(SdPrices) prices = sd_prices_new ();
  g_autoptr(SdBatch) batch = parse ("{\"model\": \"" PER_SECOND "\", \"prompt\": \"a\", \"duration\": 8, \"variants\": 2}\n"
                                    "{\"model\": \"" PER_TASK "\", \"prompt\": \"b\"}\n"
                                    "{\"model\": \"seedance2.0-std\", \"prompt\": \"c\", \"duration\": 5}\n"
                                    "{\"model\": \"nope\", \"prompt\": \"invalid, not counted\"}\n");
  SdMoney total;
  guint n_unpriced;

  sd_prices_set (prices, PER_SECOND, 50000);  /* 0.05 a second */
  sd_prices_set (prices, PER_TASK, 200000);   /* 0.20 a task */
  sd_batch_estimate (batch, prices, catalog, &total, &n_unpriced);

  /* 8 s × 0.05 × 2 takes + 0.20 = 1.00, exactly. */
  g_assert_cmpint (total, ==, 1000000);
  g_assert_cmpuint (n_unpriced, ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/batch/comments-and-blank-lines-are-skipped", test_comments_and_blank_lines_are_skipped);
  g_test_add_func ("/batch/bad-json-names-its-line", test_bad_json_names_its_line);
  g_test_add_func ("/batch/unknown-model-is-refused", test_unknown_model_is_refused);
  g_test_add_func ("/batch/fields-are-checked-against-the-model", test_fields_are_checked_against_the_model);
  g_test_add_func ("/batch/variants-must-be-one-to-eight", test_variants_must_be_one_to_eight);
  g_test_add_func ("/batch/label-is-kept-and-checked", test_label_is_kept_and_checked);
  g_test_add_func ("/batch/too-long-line-is-refused-by-number", test_too_long_line_is_refused_by_number);
  g_test_add_func ("/batch/hostile-lines-are-refused", test_hostile_lines_are_refused);
  g_test_add_func ("/batch/whole-file-refusals", test_whole_file_refusals);
  g_test_add_func ("/batch/local-paths-resolve-against-the-file", test_local_paths_resolve_against_the_file);
  g_test_add_func ("/batch/problems-name-the-local-file", test_problems_name_the_local_file);
  g_test_add_func ("/batch/written-line-reads-back", test_written_line_reads_back);
  g_test_add_func ("/batch/estimate-counts-unpriced-lines", test_batch_estimate_counts_unpriced_lines);

  return g_test_run ();
}

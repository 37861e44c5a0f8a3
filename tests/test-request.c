/* test-request.c: a request checked against its model, rule by rule
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-request"

#include "config.h"

#include <locale.h>

#include "sd-catalog.h"
#include "sd-request.h"

#define FAST_I2V    "seedance2.0-fast-i2v"
#define MD          "seedance2.0-md"
#define STD         "seedance2.0-std"
#define FULL        "sd2_mx_720p"
#define FULL_VIDEO  "sd2_mx_video_720p"
#define SP_ECONOMY  "seedance2.0-sp"
#define SP_OFFICIAL "seedance2.0-of-sp"
#define MINI        "seedance2.0-mini"
#define MINI_SP     "seedance2.0-mini-sp"

static SdCatalog *catalog;

/* Helpers */

static SdModel *
lookup (const char *model_id)
{
  SdModel *model = sd_catalog_lookup (catalog, model_id);

  g_assert_nonnull (model);
  return model;
}

static SdRequest *
request_for (const char *model_id)
{
  SdRequest *request = sd_request_new ();

  sd_request_set_model (request, model_id);
  sd_request_set_prompt (request, "A lighthouse at dusk, waves rolling in");
  return request;
}

static SdModel *
model_from_json (const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string (json, &error);
  SdModel *model;

  g_assert_no_error (error);
  model = sd_model_new_from_json (json_node_get_object (node), &error);
  g_assert_no_error (error);
  g_assert_nonnull (model);
  return model;
}

/* Every message, whatever the rule, is a full sentence. */
static void
assert_sentences (GPtrArray *problems)
{
  for (guint i = 0; i < problems->len; i++)
    {
      SdProblem *problem = g_ptr_array_index (problems, i);

      g_assert_nonnull (problem->field);
      g_assert_nonnull (problem->message);
      g_assert_cmpuint (strlen (problem->message), >, 1);
      g_assert_true (g_str_has_suffix (problem->message, "."));
    }
}

static GPtrArray *
validate_with (SdRequest *request,
               SdModel   *model)
{
  GPtrArray *problems = sd_request_validate (request, model);

  g_assert_nonnull (problems);
  assert_sentences (problems);
  return problems;
}

static GPtrArray *
validate (SdRequest *request)
{
  const char *model_id = sd_request_get_model (request);
  SdModel *model = model_id != NULL ? sd_catalog_lookup (catalog, model_id) : NULL;

  return validate_with (request, model);
}

static void
assert_clean (GPtrArray *problems)
{
  for (guint i = 0; i < problems->len; i++)
    {
      SdProblem *problem = g_ptr_array_index (problems, i);

      g_test_message ("unexpected problem on %s: %s", problem->field, problem->message);
    }
  g_assert_cmpuint (problems->len, ==, 0);
}

static void
assert_request_clean (SdRequest *request)
{
  g_autoptr(GPtrArray) problems = validate (request);

  assert_clean (problems);
}

static SdProblem *
find_problem (GPtrArray  *problems,
              const char *field)
{
  for (guint i = 0; i < problems->len; i++)
    {
      SdProblem *problem = g_ptr_array_index (problems, i);

      if (g_str_equal (problem->field, field))
        return problem;
    }
  return NULL;
}

static void
assert_message_has (const SdProblem *problem,
                    const char      *needle)
{
  if (strstr (problem->message, needle) == NULL)
    g_error ("“%s” does not mention “%s”", problem->message, needle);
}

/* Exactly one problem, on @field, whose message holds every needle. */
static void
assert_only_problem (GPtrArray  *problems,
                     const char *field,
                     ...)
{
  SdProblem *problem;
  const char *needle;
  va_list args;

  if (problems->len != 1)
    assert_clean (problems);
  g_assert_cmpuint (problems->len, ==, 1);
  problem = g_ptr_array_index (problems, 0);
  g_assert_cmpstr (problem->field, ==, field);

  va_start (args, field);
  while ((needle = va_arg (args, const char *)) != NULL)
    assert_message_has (problem, needle);
  va_end (args);
}

#define assert_request_refused(request, field, ...)                 \
  G_STMT_START {                                                    \
    g_autoptr(GPtrArray) _problems = validate (request);            \
    assert_only_problem (_problems, field, __VA_ARGS__, NULL);      \
  } G_STMT_END

static const char *
display_name (const char *model_id)
{
  return sd_model_get_display_name (lookup (model_id));
}

static void
set_images (SdRequest  *request,
            const char *scheme_and_host,
            guint       count)
{
  g_autoptr(GPtrArray) urls = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < count; i++)
    g_ptr_array_add (urls, g_strdup_printf ("%s/ref-%u.jpg", scheme_and_host, i));
  g_ptr_array_add (urls, NULL);
  sd_request_set_images (request, (const char * const *) urls->pdata);
}

static void
set_one (SdRequest  *request,
         void      (*setter) (SdRequest *, const char * const *),
         const char *url)
{
  const char *urls[] = { url, NULL };

  setter (request, urls);
}

/* Model */

static void
test_model_none_chosen (void)
{
  g_autoptr(SdRequest) request = request_for (NULL);

  assert_request_refused (request, "model", "Choose a model");
}

static void
test_model_unknown_id (void)
{
  g_autoptr(SdRequest) request = request_for ("seedance9.9-imaginary");
  g_autoptr(GPtrArray) problems = NULL;

  sd_request_set_prompt (request, NULL);
  sd_request_set_orientation (request, "diagonal");
  problems = validate (request);

  /* The model is unknown, yet the checks that need no model still run. */
  g_assert_cmpuint (problems->len, ==, 3);
  assert_message_has (find_problem (problems, "model"), "seedance9.9-imaginary");
  g_assert_nonnull (find_problem (problems, "prompt"));
  g_assert_nonnull (find_problem (problems, "orientation"));
}

static void
test_model_other_than_requested (void)
{
  g_autoptr(SdRequest) request = request_for (MD);
  g_autoptr(GPtrArray) problems = validate_with (request, lookup (STD));

  assert_only_problem (problems, "model", MD, display_name (STD), NULL);
}

static void
test_every_model_takes_a_minimal_request (void)
{
  GListModel *models = sd_catalog_get_models (catalog);
  guint n = g_list_model_get_n_items (models);

  g_assert_cmpuint (n, >=, 22);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SdModel) model = g_list_model_get_item (models, i);
      g_autoptr(SdRequest) request = request_for (sd_model_get_id (model));

      assert_request_clean (request);
    }
}

/* The provider's own examples */

static void
test_provider_example_reference_images (void)
{
  const char *images[] = {
    "https://example.com/ref-1.jpg", "https://example.com/ref-2.jpg", NULL
  };
  g_autoptr(SdRequest) request = request_for (FAST_I2V);

  sd_request_set_prompt (request, "人物缓缓转头,微风拂动发丝,电影感光影");
  sd_request_set_duration (request, 8);
  sd_request_set_ratio (request, "16:9");
  sd_request_set_images (request, images);
  assert_request_clean (request);
}

static void
test_provider_example_first_last_frame (void)
{
  g_autoptr(SdRequest) request = request_for (FAST_I2V);

  sd_request_set_prompt (request, "雨夜街头,女孩回头微笑,镜头缓慢推进");
  sd_request_set_duration (request, 5);
  sd_request_set_ratio (request, "9:16");
  sd_request_set_first_image (request, "https://example.com/start.png");
  sd_request_set_last_image (request, "https://example.com/end.png");
  assert_request_clean (request);
}

/* Prompt */

static void
test_prompt_required (void)
{
  g_autoptr(SdRequest) request = request_for (MD);

  sd_request_set_prompt (request, NULL);
  assert_request_refused (request, "prompt", "prompt is required");
  sd_request_set_prompt (request, "");
  assert_request_refused (request, "prompt", "prompt is required");
}

static void
test_prompt_blank_refused (void)
{
  g_autoptr(SdRequest) request = request_for (STD);

  sd_request_set_prompt (request, " \t\n ");
  assert_request_refused (request, "prompt", "prompt is required");
  /* An ideographic space is still only space. */
  sd_request_set_prompt (request, "\xe3\x80\x80\xe3\x80\x80");
  assert_request_refused (request, "prompt", "prompt is required");
  sd_request_set_prompt (request, "  a  ");
  assert_request_clean (request);
}

static void
test_prompt_max_counts_characters (void)
{
  g_autoptr(SdRequest) request = request_for (MD);
  g_autoptr(GString) prompt = g_string_new (NULL);

  /* 5000 Chinese characters are 15000 bytes, and still within the limit. */
  for (guint i = 0; i < 5000; i++)
    g_string_append (prompt, "字");
  sd_request_set_prompt (request, prompt->str);
  assert_request_clean (request);

  g_string_append (prompt, "字");
  sd_request_set_prompt (request, prompt->str);
  assert_request_refused (request, "prompt", display_name (MD), "5000", "5001");
}

static void
test_prompt_max_fast_i2v (void)
{
  g_autoptr(SdRequest) request = request_for (FAST_I2V);
  g_autofree char *at_limit = g_strnfill (5000, 'a');
  g_autofree char *over = g_strnfill (5001, 'a');

  sd_request_set_prompt (request, at_limit);
  assert_request_clean (request);
  sd_request_set_prompt (request, over);
  assert_request_refused (request, "prompt", display_name (FAST_I2V), "5000");
}

static void
test_prompt_undocumented_max_accepts_long (void)
{
  g_autoptr(SdRequest) full = request_for (FULL);
  g_autoptr(SdRequest) std = request_for (STD);
  g_autofree char *long_prompt = g_strnfill (20000, 'a');

  sd_request_set_prompt (full, long_prompt);
  sd_request_set_prompt (std, long_prompt);
  assert_request_clean (full);
  assert_request_clean (std);
}

static void
test_prompt_invalid_utf8_refused (void)
{
  g_autoptr(SdRequest) request = request_for (MD);

  sd_request_set_prompt (request, "caf\xe9 au lait");
  assert_request_refused (request, "prompt", "UTF-8");
}

/* Duration */

static void
test_duration_md_range (void)
{
  g_autoptr(SdRequest) request = request_for (MD);

  sd_request_set_duration (request, 1);
  assert_request_clean (request);
  sd_request_set_duration (request, 15);
  assert_request_clean (request);
  sd_request_set_duration (request, 16);
  assert_request_refused (request, "duration", display_name (MD), "1 to 15", "16");
}

static void
test_duration_std_minimum (void)
{
  g_autoptr(SdRequest) request = request_for (STD);

  sd_request_set_duration (request, 4);
  assert_request_clean (request);
  sd_request_set_duration (request, 3);
  assert_request_refused (request, "duration", "4 to 15", "3");
}

static void
test_duration_full_maximum (void)
{
  g_autoptr(SdRequest) request = request_for (FULL);

  sd_request_set_duration (request, 12);
  assert_request_clean (request);
  sd_request_set_duration (request, 13);
  assert_request_refused (request, "duration", display_name (FULL), "4 to 12", "13");
}

static void
test_duration_unset_uses_default (void)
{
  const char *ids[] = { MD, STD, FULL, SP_ECONOMY, FAST_I2V, MINI };

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autoptr(SdRequest) request = request_for (ids[i]);

      g_assert_cmpint (sd_request_get_duration (request), ==, 0);
      assert_request_clean (request);
    }
}

static void
test_duration_unset_default_outside_range (void)
{
  g_autoptr(SdModel) model = model_from_json (
    "{\"id\": \"long-only\", \"family\": \"test\", \"name\": \"Long Only\","
    " \"billing\": \"per-task\", \"duration\": {\"min\": 6, \"max\": 10}}");
  g_autoptr(SdRequest) request = request_for ("long-only");
  g_autoptr(GPtrArray) unset = validate_with (request, model);
  g_autoptr(GPtrArray) chosen = NULL;

  assert_only_problem (unset, "duration", "Long Only", "6 to 10", "default", NULL);
  sd_request_set_duration (request, 6);
  chosen = validate_with (request, model);
  assert_clean (chosen);
}

static void
test_duration_undocumented_range_accepts_any (void)
{
  const int durations[] = { 1, 30, 600 };

  for (guint i = 0; i < G_N_ELEMENTS (durations); i++)
    {
      g_autoptr(SdRequest) mini = request_for (MINI);
      g_autoptr(SdRequest) official = request_for (SP_OFFICIAL);

      sd_request_set_duration (mini, durations[i]);
      sd_request_set_duration (official, durations[i]);
      assert_request_clean (mini);
      assert_request_clean (official);
    }
}

/* A duration asked for is never read as "unset": 0 and negative ones are
 * refused with the model's range, like any other value out of it. */
static void
test_duration_zero_and_negative_are_refused (void)
{
  static const struct {
    const char *model;
    const char *range;
  } models[] = { { MD, "1 to 15" }, { STD, "4 to 15" }, { FULL, "4 to 12" } };
  static const int durations[] = { 0, -1, -30, G_MININT };

  for (guint i = 0; i < G_N_ELEMENTS (models); i++)
    for (guint j = 0; j < G_N_ELEMENTS (durations); j++)
      {
        g_autoptr(SdRequest) request = request_for (models[i].model);
        g_autoptr(SdRequest) copy = NULL;
        g_autofree char *asked = g_strdup_printf ("%d", durations[j]);

        sd_request_set_explicit_duration (request, durations[j]);
        g_assert_true (sd_request_has_duration (request));
        assert_request_refused (request, "duration", models[i].range, asked);
        /* The service validates a copy. */
        copy = sd_request_copy (request);
        assert_request_refused (copy, "duration", models[i].range, asked);
      }
}

static void
test_duration_negative_set_is_kept_for_validation (void)
{
  g_autoptr(SdRequest) request = request_for (MD);

  sd_request_set_duration (request, -1);
  g_assert_cmpint (sd_request_get_duration (request), ==, -1);
  assert_request_refused (request, "duration", "1 to 15", "-1");

  /* 0 through the ordinary setter still means "unset", as it always has. */
  sd_request_set_duration (request, 0);
  g_assert_false (sd_request_has_duration (request));
  assert_request_clean (request);
}

static void
test_duration_undocumented_range_refuses_below_one (void)
{
  const int durations[] = { 0, -1 };

  for (guint i = 0; i < G_N_ELEMENTS (durations); i++)
    {
      g_autoptr(SdRequest) mini = request_for (MINI);
      g_autofree char *asked = g_strdup_printf ("%d", durations[i]);

      sd_request_set_explicit_duration (mini, durations[i]);
      assert_request_refused (mini, "duration", "at least 1", asked);
    }
}

/* Ratio */

static void
test_ratio_md_listed_accepted (void)
{
  const char *ratios[] = { "16:9", "9:16", "1:1" };

  for (guint i = 0; i < G_N_ELEMENTS (ratios); i++)
    {
      g_autoptr(SdRequest) request = request_for (MD);

      sd_request_set_ratio (request, ratios[i]);
      assert_request_clean (request);
    }
}

static void
test_ratio_md_other_refused (void)
{
  g_autoptr(SdRequest) request = request_for (MD);

  sd_request_set_ratio (request, "4:3");
  assert_request_refused (request, "ratio", "16:9, 9:16, 1:1", display_name (MD));
  sd_request_set_ratio (request, "21:9");
  assert_request_refused (request, "ratio", "16:9, 9:16, 1:1");
}

static void
test_ratio_exact_match (void)
{
  g_autoptr(SdRequest) full = request_for (FULL);
  g_autoptr(SdRequest) std = request_for (STD);

  sd_request_set_ratio (full, "Adaptive");
  assert_request_clean (full);
  sd_request_set_ratio (full, "adaptive");
  assert_request_refused (full, "ratio", "Adaptive");
  sd_request_set_ratio (full, "16:9 ");
  assert_request_refused (full, "ratio", "16:9");

  sd_request_set_ratio (std, "21:9");
  assert_request_clean (std);
  sd_request_set_ratio (std, "Adaptive");
  assert_request_refused (std, "ratio", "21:9, 16:9, 4:3, 1:1, 3:4, 9:16");
}

static void
test_ratio_undocumented_accepts_non_blank (void)
{
  g_autoptr(SdRequest) request = request_for (SP_ECONOMY);

  sd_request_set_ratio (request, "5:4");
  assert_request_clean (request);
  sd_request_set_ratio (request, "Adaptive");
  assert_request_clean (request);
  sd_request_set_ratio (request, "   ");
  assert_request_refused (request, "ratio", "blank");
}

/* Resolution */

static void
test_resolution_sp_economy_listed (void)
{
  const char *resolutions[] = { "480p", "720p", "1080p" };

  for (guint i = 0; i < G_N_ELEMENTS (resolutions); i++)
    {
      g_autoptr(SdRequest) request = request_for (SP_ECONOMY);

      sd_request_set_resolution (request, resolutions[i]);
      assert_request_clean (request);
    }
}

static void
test_resolution_sp_economy_other_refused (void)
{
  g_autoptr(SdRequest) request = request_for (SP_ECONOMY);

  sd_request_set_resolution (request, "4k");
  assert_request_refused (request, "resolution", "480p, 720p, 1080p",
                          display_name (SP_ECONOMY));
}

static void
test_resolution_mini_special_two_values (void)
{
  g_autoptr(SdRequest) request = request_for (MINI_SP);

  sd_request_set_resolution (request, "720p");
  assert_request_clean (request);
  sd_request_set_resolution (request, "1080p");
  assert_request_refused (request, "resolution", "480p, 720p");
}

static void
test_resolution_fixed_output_refused (void)
{
  const char *ids[] = { FAST_I2V, MD, FULL };

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autoptr(SdRequest) request = request_for (ids[i]);
      SdModel *model = lookup (ids[i]);

      sd_request_set_resolution (request, "720p");
      assert_request_refused (request, "resolution", "does not take a resolution",
                              sd_model_get_display_name (model),
                              sd_model_get_output (model));
    }
}

/* Orientation */

static void
test_orientation_values (void)
{
  g_autoptr(SdRequest) request = request_for (STD);

  sd_request_set_orientation (request, "landscape");
  assert_request_clean (request);
  sd_request_set_orientation (request, "portrait");
  assert_request_clean (request);
  sd_request_set_orientation (request, "square");
  assert_request_refused (request, "orientation", "landscape", "portrait");
  sd_request_set_orientation (request, "Landscape");
  assert_request_refused (request, "orientation", "landscape");
}

/* Images and frames */

static void
test_images_with_frames_refused (void)
{
  g_autoptr(SdRequest) request = request_for (FAST_I2V);

  set_images (request, "https://example.com", 2);
  sd_request_set_first_image (request, "https://example.com/start.png");
  assert_request_refused (request, "images", "frame");
  sd_request_set_first_image (request, NULL);
  sd_request_set_last_image (request, "https://example.com/end.png");
  assert_request_refused (request, "images", "frame");
}

static void
test_md_frame_mode_needs_both (void)
{
  g_autoptr(SdRequest) request = request_for (MD);

  sd_request_set_first_image (request, "https://example.com/start.png");
  assert_request_refused (request, "last_image", display_name (MD), "both");

  sd_request_set_first_image (request, NULL);
  sd_request_set_last_image (request, "https://example.com/end.png");
  assert_request_refused (request, "first_image", display_name (MD), "both");

  sd_request_set_first_image (request, "https://example.com/start.png");
  assert_request_clean (request);
}

static void
test_frames_single_accepted_where_both_not_needed (void)
{
  g_autoptr(SdRequest) i2v = request_for (FAST_I2V);
  g_autoptr(SdRequest) full = request_for (FULL);

  sd_request_set_first_image (i2v, "https://example.com/start.png");
  assert_request_clean (i2v);
  sd_request_set_last_image (full, "asset://asset-20240101-end");
  assert_request_clean (full);
}

static void
test_frames_refused_where_not_taken (void)
{
  g_autoptr(SdModel) model = model_from_json (
    "{\"id\": \"no-frames\", \"family\": \"test\", \"name\": \"No Frames\","
    " \"billing\": \"per-task\","
    " \"images\": {\"schemes\": [\"https\"]}, \"frames\": {\"support\": \"no\"}}");
  g_autoptr(SdRequest) request = request_for ("no-frames");
  g_autoptr(GPtrArray) first = NULL;
  g_autoptr(GPtrArray) last = NULL;
  g_autoptr(GPtrArray) images = NULL;

  sd_request_set_first_image (request, "https://example.com/start.png");
  first = validate_with (request, model);
  assert_only_problem (first, "first_image", "No Frames", "does not take a first or last frame", NULL);

  sd_request_set_first_image (request, NULL);
  sd_request_set_last_image (request, "https://example.com/end.png");
  last = validate_with (request, model);
  assert_only_problem (last, "last_image", "No Frames", NULL);

  sd_request_set_last_image (request, NULL);
  set_images (request, "https://example.com", 3);
  images = validate_with (request, model);
  assert_clean (images);
}

static void
test_frames_undocumented_accepted (void)
{
  g_autoptr(SdRequest) request = request_for (MINI);

  sd_request_set_first_image (request, "https://example.com/start.png");
  assert_request_clean (request);
}

/* Image counts */

static void
test_images_md_at_most_four (void)
{
  g_autoptr(SdRequest) request = request_for (MD);

  set_images (request, "https://example.com", 4);
  assert_request_clean (request);
  set_images (request, "https://example.com", 5);
  assert_request_refused (request, "images", display_name (MD), "at most 4", "has 5");
}

static void
test_images_std_at_most_nine (void)
{
  g_autoptr(SdRequest) request = request_for (STD);

  set_images (request, "https://example.com", 9);
  assert_request_clean (request);
  set_images (request, "https://example.com", 10);
  assert_request_refused (request, "images", "at most 9", "has 10");
}

static void
test_images_fast_i2v_total_nine (void)
{
  g_autoptr(SdRequest) request = request_for (FAST_I2V);
  g_autoptr(GPtrArray) problems = NULL;

  set_images (request, "https://example.com", 9);
  assert_request_clean (request);
  set_images (request, "https://example.com", 10);
  assert_request_refused (request, "images", "at most 9", "in all", "has 10");

  /* Frames count towards the total, on top of being refused with images. */
  set_images (request, "https://example.com", 8);
  sd_request_set_first_image (request, "https://example.com/start.png");
  sd_request_set_last_image (request, "https://example.com/end.png");
  problems = validate (request);
  g_assert_cmpuint (problems->len, ==, 2);
  for (guint i = 0; i < problems->len; i++)
    g_assert_cmpstr (((SdProblem *) g_ptr_array_index (problems, i))->field, ==, "images");
  assert_message_has (g_ptr_array_index (problems, 1), "has 10");
}

static void
test_images_undocumented_max_accepts_many (void)
{
  g_autoptr(SdRequest) full = request_for (FULL);
  g_autoptr(SdRequest) economy = request_for (SP_ECONOMY);

  set_images (full, "asset://asset-library", 40);
  set_images (economy, "https://example.com", 40);
  assert_request_clean (full);
  assert_request_clean (economy);
}

/* Addresses */

static void
test_urls_https_model_refuses_other_addresses (void)
{
  const char *bad[] = {
    "http://example.com/a.jpg", "file:///home/me/a.jpg", "images/a.jpg",
    "a.jpg", "", "https://", "https:///a.jpg", "https://example.com/a b.jpg",
    "https://example.com/%zz", "asset://asset-1",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(SdRequest) request = request_for (FAST_I2V);

      set_one (request, sd_request_set_images, bad[i]);
      assert_request_refused (request, "images", display_name (FAST_I2V), "https://");
    }
}

static void
test_urls_https_accepted (void)
{
  g_autoptr(SdRequest) request = request_for (STD);

  set_one (request, sd_request_set_images,
           "https://cdn.example.com:8443/path/ref.png?sig=a%20b&x=1");
  assert_request_clean (request);
  set_one (request, sd_request_set_images, "HTTPS://EXAMPLE.COM/REF.PNG");
  assert_request_clean (request);
}

static void
test_urls_full_takes_assets_not_web_links (void)
{
  g_autoptr(SdRequest) request = request_for (FULL);

  set_one (request, sd_request_set_images, "asset://asset-20240101-abc");
  assert_request_clean (request);
  set_one (request, sd_request_set_images, "https://example.com/a.jpg");
  assert_request_refused (request, "images", display_name (FULL), "asset library", "asset://");
}

static void
test_urls_asset_needs_an_id (void)
{
  g_autoptr(SdRequest) request = request_for (FULL);

  set_one (request, sd_request_set_images, "asset://");
  assert_request_refused (request, "images", "asset://");
  set_one (request, sd_request_set_images, "asset:abc");
  assert_request_refused (request, "images", "asset://");
}

static void
test_urls_several_bad_make_one_problem (void)
{
  const char *images[] = {
    "https://example.com/ok.jpg", "http://example.com/a.jpg",
    "b.jpg", "file:///c.jpg", NULL
  };
  g_autoptr(SdRequest) request = request_for (STD);

  sd_request_set_images (request, images);
  assert_request_refused (request, "images", "http://example.com/a.jpg", "2 more");
}

static void
test_urls_frames_checked (void)
{
  g_autoptr(SdRequest) request = request_for (MD);
  g_autoptr(GPtrArray) problems = NULL;

  sd_request_set_first_image (request, "http://example.com/start.png");
  sd_request_set_last_image (request, "file:///tmp/end.png");
  problems = validate (request);
  g_assert_cmpuint (problems->len, ==, 2);
  assert_message_has (find_problem (problems, "first_image"), "http://example.com/start.png");
  assert_message_has (find_problem (problems, "first_image"), "first frame");
  assert_message_has (find_problem (problems, "last_image"), "file:///tmp/end.png");
  assert_message_has (find_problem (problems, "last_image"), "last frame");
}

static void
test_urls_full_frames_take_assets (void)
{
  g_autoptr(SdRequest) request = request_for (FULL);

  sd_request_set_first_image (request, "asset://start");
  sd_request_set_last_image (request, "asset://end");
  assert_request_clean (request);
  sd_request_set_last_image (request, "https://example.com/end.png");
  assert_request_refused (request, "last_image", "asset library");
}

/* Reference videos */

static void
test_reference_videos_refused_where_not_taken (void)
{
  const char *ids[] = { FAST_I2V, FULL };

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autoptr(SdRequest) request = request_for (ids[i]);

      set_one (request, sd_request_set_reference_videos, "https://example.com/v.mp4");
      assert_request_refused (request, "reference_videos", display_name (ids[i]),
                              "does not take reference videos");
    }
}

static void
test_reference_videos_full_video_takes_assets (void)
{
  g_autoptr(SdRequest) request = request_for (FULL_VIDEO);

  set_one (request, sd_request_set_reference_videos, "asset://clip-1");
  assert_request_clean (request);
  set_one (request, sd_request_set_reference_videos, "https://example.com/v.mp4");
  assert_request_refused (request, "reference_videos", "asset library");
}

static void
test_reference_videos_md_at_most_three (void)
{
  const char *three[] = { "https://e.com/1.mp4", "https://e.com/2.mp4", "https://e.com/3.mp4", NULL };
  const char *four[] = { "https://e.com/1.mp4", "https://e.com/2.mp4", "https://e.com/3.mp4",
                         "https://e.com/4.mp4", NULL };
  g_autoptr(SdRequest) request = request_for (MD);

  sd_request_set_reference_videos (request, three);
  assert_request_clean (request);
  sd_request_set_reference_videos (request, four);
  assert_request_refused (request, "reference_videos", display_name (MD), "at most 3", "has 4");
}

static void
test_reference_videos_md_https_only (void)
{
  g_autoptr(SdRequest) request = request_for (MD);

  set_one (request, sd_request_set_reference_videos, "asset://clip-1");
  assert_request_refused (request, "reference_videos", "https://", "asset://clip-1");
}

static void
test_reference_videos_undocumented_accepted (void)
{
  const char *ids[] = { SP_OFFICIAL, MINI, STD };

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autoptr(SdRequest) request = request_for (ids[i]);

      set_images (request, "https://example.com", 1);
      sd_request_set_reference_videos (request, sd_request_get_images (request));
      sd_request_set_images (request, NULL);
      assert_request_clean (request);
    }
}

/* Reference audio */

static void
test_reference_audios_refused_where_not_taken (void)
{
  const char *ids[] = { MD, FAST_I2V };

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autoptr(SdRequest) request = request_for (ids[i]);

      set_one (request, sd_request_set_reference_audios, "https://example.com/a.mp3");
      assert_request_refused (request, "reference_audios", display_name (ids[i]),
                              "does not take reference audio");
    }
}

static void
test_reference_audios_std_at_most_three (void)
{
  const char *three[] = { "https://e.com/1.mp3", "https://e.com/2.mp3", "https://e.com/3.mp3", NULL };
  const char *four[] = { "https://e.com/1.mp3", "https://e.com/2.mp3", "https://e.com/3.mp3",
                         "https://e.com/4.mp3", NULL };
  g_autoptr(SdRequest) request = request_for (STD);

  sd_request_set_reference_audios (request, three);
  assert_request_clean (request);
  sd_request_set_reference_audios (request, four);
  assert_request_refused (request, "reference_audios", display_name (STD), "at most 3", "has 4");
}

static void
test_reference_audios_std_refused_in_frame_mode (void)
{
  g_autoptr(SdRequest) request = request_for (STD);

  set_one (request, sd_request_set_reference_audios, "https://example.com/a.mp3");
  set_images (request, "https://example.com", 2);
  assert_request_clean (request);

  sd_request_set_images (request, NULL);
  sd_request_set_first_image (request, "https://example.com/start.png");
  assert_request_refused (request, "reference_audios", display_name (STD), "first or last frame");
}

static void
test_reference_audios_frame_mode_undocumented_accepted (void)
{
  g_autoptr(SdRequest) full = request_for (FULL);
  g_autoptr(SdRequest) economy = request_for (SP_ECONOMY);

  set_one (full, sd_request_set_reference_audios, "asset://voice-1");
  sd_request_set_first_image (full, "asset://start");
  assert_request_clean (full);

  set_one (economy, sd_request_set_reference_audios, "https://example.com/a.mp3");
  sd_request_set_last_image (economy, "https://example.com/end.png");
  assert_request_clean (economy);
}

static void
test_reference_audios_sp_takes_https_or_asset (void)
{
  g_autoptr(SdRequest) request = request_for (SP_ECONOMY);

  set_one (request, sd_request_set_reference_audios, "https://example.com/a.mp3");
  assert_request_clean (request);
  set_one (request, sd_request_set_reference_audios, "asset://voice-1");
  assert_request_clean (request);
  set_one (request, sd_request_set_reference_audios, "http://example.com/a.mp3");
  assert_request_refused (request, "reference_audios", "https://", "asset://", "neither");
}

static void
test_reference_audios_full_takes_assets (void)
{
  g_autoptr(SdRequest) request = request_for (FULL);

  set_one (request, sd_request_set_reference_audios, "https://example.com/a.mp3");
  assert_request_refused (request, "reference_audios", "asset library");
}

static void
test_reference_audios_undocumented_schemes (void)
{
  g_autoptr(SdRequest) request = request_for (STD);

  /* STD's audio schemes are not documented: either scheme the API knows. */
  g_assert_cmpint (sd_model_get_audio_schemes (lookup (STD)), ==, SD_URL_SCHEME_NONE);
  set_one (request, sd_request_set_reference_audios, "https://example.com/a.mp3");
  assert_request_clean (request);
  set_one (request, sd_request_set_reference_audios, "asset://voice-1");
  assert_request_clean (request);
  set_one (request, sd_request_set_reference_audios, "file:///home/me/a.mp3");
  assert_request_refused (request, "reference_audios", "https://", "asset://");
}

static void
test_reference_audios_undocumented_support_accepted (void)
{
  const char *ids[] = { MINI, SP_OFFICIAL };

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autoptr(SdRequest) request = request_for (ids[i]);
      const char *audios[] = { "https://e.com/1.mp3", "https://e.com/2.mp3", "https://e.com/3.mp3",
                               "https://e.com/4.mp3", "https://e.com/5.mp3", NULL };

      sd_request_set_reference_audios (request, audios);
      sd_request_set_first_image (request, "https://example.com/start.png");
      assert_request_clean (request);
    }
}

/* Whole requests */

static void
test_several_problems_at_once (void)
{
  /* In the order of the fields, whatever the order of the rules. */
  const char *expected[] = {
    "prompt", "duration", "ratio", "resolution", "orientation", "images",
    "images", "images", "first_image", "last_image", "reference_videos",
    "reference_audios",
  };
  g_autoptr(SdRequest) request = request_for (MD);
  g_autoptr(GPtrArray) problems = NULL;

  sd_request_set_prompt (request, "   ");
  sd_request_set_duration (request, 20);
  sd_request_set_ratio (request, "4:3");
  sd_request_set_resolution (request, "1080p");
  sd_request_set_orientation (request, "sideways");
  set_images (request, "http://example.com", 5);
  sd_request_set_first_image (request, "http://example.com/start.png");
  set_one (request, sd_request_set_reference_videos, "asset://clip");
  set_one (request, sd_request_set_reference_audios, "https://example.com/a.mp3");

  problems = validate (request);
  g_assert_cmpuint (problems->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < problems->len; i++)
    g_assert_cmpstr (((SdProblem *) g_ptr_array_index (problems, i))->field, ==, expected[i]);
}

static void
test_every_message_is_a_sentence (void)
{
  GListModel *models = sd_catalog_get_models (catalog);
  const char *many[] = { "http://a", "b", "", "file:///c", "https://e.com/1", "https://e.com/2",
                         "https://e.com/3", "https://e.com/4", "https://e.com/5",
                         "https://e.com/6", "https://e.com/7", "https://e.com/8",
                         "https://e.com/9", "https://e.com/10", NULL };
  guint n_messages = 0;

  for (guint i = 0; i < g_list_model_get_n_items (models); i++)
    {
      g_autoptr(SdModel) model = g_list_model_get_item (models, i);
      g_autoptr(SdRequest) request = request_for (sd_model_get_id (model));
      g_autoptr(GPtrArray) problems = NULL;
      g_autofree char *prompt = g_strnfill (6000, 'x');

      sd_request_set_prompt (request, prompt);
      sd_request_set_duration (request, 99);
      sd_request_set_ratio (request, " ");
      sd_request_set_resolution (request, "8k");
      sd_request_set_orientation (request, "up");
      sd_request_set_images (request, many);
      sd_request_set_first_image (request, "ftp://x/y");
      sd_request_set_reference_videos (request, many);
      sd_request_set_reference_audios (request, many);

      /* validate() asserts every message is non-empty and ends with a full stop. */
      problems = validate (request);
      g_assert_cmpuint (problems->len, >=, 4);
      for (guint j = 0; j < problems->len; j++)
        {
          SdProblem *problem = g_ptr_array_index (problems, j);

          g_assert_true (g_utf8_validate (problem->message, -1, NULL));
          g_test_message ("%s: %s: %s", sd_model_get_id (model), problem->field, problem->message);
        }
      n_messages += problems->len;
    }
  g_assert_cmpuint (n_messages, >, 100);
}

static void
test_undocumented_limits_accept_anything (void)
{
  g_autoptr(SdModel) model = model_from_json (
    "{\"id\": \"silent\", \"family\": \"test\", \"name\": \"Silent\","
    " \"billing\": \"per-second\"}");
  g_autoptr(SdRequest) request = request_for ("silent");
  g_autoptr(GPtrArray) problems = NULL;
  g_autofree char *long_prompt = g_strnfill (50000, 'a');
  const char *urls[] = { "https://e.com/1", "asset://two", "https://e.com/3", "asset://four",
                         "https://e.com/5", "https://e.com/6", "https://e.com/7",
                         "https://e.com/8", "https://e.com/9", "https://e.com/10", NULL };

  sd_request_set_prompt (request, long_prompt);
  sd_request_set_duration (request, 3600);
  sd_request_set_ratio (request, "7:5");
  sd_request_set_orientation (request, "portrait");
  sd_request_set_images (request, urls);
  sd_request_set_reference_videos (request, urls);
  sd_request_set_reference_audios (request, urls);
  problems = validate_with (request, model);
  assert_clean (problems);

  /* Frames on their own, with audio: nothing documented refuses them. */
  g_clear_pointer (&problems, g_ptr_array_unref);
  sd_request_set_images (request, NULL);
  sd_request_set_first_image (request, "https://e.com/start");
  problems = validate_with (request, model);
  assert_clean (problems);
}

static void
test_undocumented_scheme_still_refuses_unfetchable (void)
{
  g_autoptr(SdModel) model = model_from_json (
    "{\"id\": \"silent\", \"family\": \"test\", \"name\": \"Silent\","
    " \"billing\": \"per-second\"}");
  g_autoptr(SdRequest) request = request_for ("silent");
  g_autoptr(GPtrArray) problems = NULL;

  set_one (request, sd_request_set_images, "file:///home/me/a.png");
  problems = validate_with (request, model);
  assert_only_problem (problems, "images", "https://", "asset://", NULL);
}

/* The command, split as a shell would, gives every value back verbatim:
 * quotes, spaces, `$`, newlines and Chinese text included. */
static void
test_command_line_parses_back (void)
{
  g_autoptr(SdRequest) request = sd_request_new ();
  const char *prompt = "It's \"raining\" $HOME `date` \\ 雨中的女孩\nline two";
  g_autofree char *command = NULL;
  g_auto(GStrv) argv = NULL;
  g_autoptr(GError) error = NULL;
  const char * const expected[] = {
    "seedance", "submit", "--model", "seedance2.0-std", "--prompt", prompt,
    "--duration", "8", "--ratio", "16:9", "--image", "https://a.example/1.png",
    "--image", "https://a.example/it's 2.png", "--reference-audio", "asset://a b", NULL
  };

  sd_request_set_model (request, "seedance2.0-std");
  sd_request_set_prompt (request, prompt);
  sd_request_set_duration (request, 8);
  sd_request_set_ratio (request, "16:9");
  sd_request_add_image (request, "https://a.example/1.png");
  sd_request_add_image (request, "https://a.example/it's 2.png");
  sd_request_set_reference_audios (request, (const char *[]) { "asset://a b", NULL });

  command = sd_request_to_command_line (request);
  g_assert_true (g_str_has_prefix (command, "seedance submit --model "));
  g_assert_true (g_shell_parse_argv (command, NULL, &argv, &error));
  g_assert_no_error (error);
  g_assert_cmpstrv (argv, expected);

  /* an empty request is the bare command */
  g_clear_object (&request);
  g_clear_pointer (&command, g_free);
  request = sd_request_new ();
  command = sd_request_to_command_line (request);
  g_assert_cmpstr (command, ==, "seedance submit");
}

int
main (int   argc,
      char *argv[])
{
  int status;

  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  catalog = sd_catalog_new ();

  g_test_add_func ("/request/validate/model/none-chosen-is-refused", test_model_none_chosen);
  g_test_add_func ("/request/validate/model/unknown-id-is-refused-with-other-problems", test_model_unknown_id);
  g_test_add_func ("/request/validate/model/another-model-is-refused", test_model_other_than_requested);
  g_test_add_func ("/request/validate/every-model-takes-a-minimal-request", test_every_model_takes_a_minimal_request);
  g_test_add_func ("/request/validate/provider-example/reference-images-is-clean", test_provider_example_reference_images);
  g_test_add_func ("/request/validate/provider-example/first-last-frame-is-clean", test_provider_example_first_last_frame);
  g_test_add_func ("/request/validate/prompt/is-required", test_prompt_required);
  g_test_add_func ("/request/validate/prompt/only-spaces-is-refused", test_prompt_blank_refused);
  g_test_add_func ("/request/validate/prompt/md-maximum-counts-characters", test_prompt_max_counts_characters);
  g_test_add_func ("/request/validate/prompt/fast-i2v-maximum-is-5000", test_prompt_max_fast_i2v);
  g_test_add_func ("/request/validate/prompt/undocumented-maximum-accepts-long", test_prompt_undocumented_max_accepts_long);
  g_test_add_func ("/request/validate/prompt/invalid-utf8-is-refused", test_prompt_invalid_utf8_refused);
  g_test_add_func ("/request/validate/duration/md-range-is-1-to-15", test_duration_md_range);
  g_test_add_func ("/request/validate/duration/std-minimum-is-4", test_duration_std_minimum);
  g_test_add_func ("/request/validate/duration/full-maximum-is-12", test_duration_full_maximum);
  g_test_add_func ("/request/validate/duration/unset-uses-the-default", test_duration_unset_uses_default);
  g_test_add_func ("/request/validate/duration/unset-default-outside-range-is-refused", test_duration_unset_default_outside_range);
  g_test_add_func ("/request/validate/duration/undocumented-range-accepts-any", test_duration_undocumented_range_accepts_any);
  g_test_add_func ("/request/validate/duration/zero-and-negative-are-refused", test_duration_zero_and_negative_are_refused);
  g_test_add_func ("/request/validate/duration/negative-set-is-kept-for-validation", test_duration_negative_set_is_kept_for_validation);
  g_test_add_func ("/request/validate/duration/undocumented-range-refuses-below-one", test_duration_undocumented_range_refuses_below_one);
  g_test_add_func ("/request/validate/ratio/md-listed-ratios-are-accepted", test_ratio_md_listed_accepted);
  g_test_add_func ("/request/validate/ratio/md-other-ratio-is-refused", test_ratio_md_other_refused);
  g_test_add_func ("/request/validate/ratio/must-match-exactly", test_ratio_exact_match);
  g_test_add_func ("/request/validate/ratio/undocumented-accepts-any-non-blank", test_ratio_undocumented_accepts_non_blank);
  g_test_add_func ("/request/validate/resolution/sp-economy-listed-are-accepted", test_resolution_sp_economy_listed);
  g_test_add_func ("/request/validate/resolution/sp-economy-other-is-refused", test_resolution_sp_economy_other_refused);
  g_test_add_func ("/request/validate/resolution/mini-special-takes-480p-and-720p", test_resolution_mini_special_two_values);
  g_test_add_func ("/request/validate/resolution/fixed-output-model-refuses-it", test_resolution_fixed_output_refused);
  g_test_add_func ("/request/validate/orientation/landscape-or-portrait", test_orientation_values);
  g_test_add_func ("/request/validate/images/with-frames-is-refused", test_images_with_frames_refused);
  g_test_add_func ("/request/validate/frames/md-frame-mode-needs-both", test_md_frame_mode_needs_both);
  g_test_add_func ("/request/validate/frames/single-frame-where-both-not-needed", test_frames_single_accepted_where_both_not_needed);
  g_test_add_func ("/request/validate/frames/refused-where-not-taken", test_frames_refused_where_not_taken);
  g_test_add_func ("/request/validate/frames/undocumented-are-accepted", test_frames_undocumented_accepted);
  g_test_add_func ("/request/validate/images/md-takes-at-most-4", test_images_md_at_most_four);
  g_test_add_func ("/request/validate/images/std-takes-at-most-9", test_images_std_at_most_nine);
  g_test_add_func ("/request/validate/images/fast-i2v-takes-9-in-all", test_images_fast_i2v_total_nine);
  g_test_add_func ("/request/validate/images/undocumented-maximum-accepts-many", test_images_undocumented_max_accepts_many);
  g_test_add_func ("/request/validate/urls/https-model-refuses-other-addresses", test_urls_https_model_refuses_other_addresses);
  g_test_add_func ("/request/validate/urls/https-links-are-accepted", test_urls_https_accepted);
  g_test_add_func ("/request/validate/urls/full-takes-assets-not-web-links", test_urls_full_takes_assets_not_web_links);
  g_test_add_func ("/request/validate/urls/asset-needs-an-id", test_urls_asset_needs_an_id);
  g_test_add_func ("/request/validate/urls/several-bad-make-one-problem", test_urls_several_bad_make_one_problem);
  g_test_add_func ("/request/validate/urls/frames-are-checked", test_urls_frames_checked);
  g_test_add_func ("/request/validate/urls/full-frames-take-assets", test_urls_full_frames_take_assets);
  g_test_add_func ("/request/validate/urls/undocumented-scheme-refuses-unfetchable", test_undocumented_scheme_still_refuses_unfetchable);
  g_test_add_func ("/request/validate/reference-videos/refused-where-not-taken", test_reference_videos_refused_where_not_taken);
  g_test_add_func ("/request/validate/reference-videos/full-video-takes-assets", test_reference_videos_full_video_takes_assets);
  g_test_add_func ("/request/validate/reference-videos/md-takes-at-most-3", test_reference_videos_md_at_most_three);
  g_test_add_func ("/request/validate/reference-videos/md-takes-https-only", test_reference_videos_md_https_only);
  g_test_add_func ("/request/validate/reference-videos/undocumented-are-accepted", test_reference_videos_undocumented_accepted);
  g_test_add_func ("/request/validate/reference-audios/refused-where-not-taken", test_reference_audios_refused_where_not_taken);
  g_test_add_func ("/request/validate/reference-audios/std-takes-at-most-3", test_reference_audios_std_at_most_three);
  g_test_add_func ("/request/validate/reference-audios/std-refuses-them-in-frame-mode", test_reference_audios_std_refused_in_frame_mode);
  g_test_add_func ("/request/validate/reference-audios/undocumented-frame-mode-is-accepted", test_reference_audios_frame_mode_undocumented_accepted);
  g_test_add_func ("/request/validate/reference-audios/sp-takes-https-or-asset", test_reference_audios_sp_takes_https_or_asset);
  g_test_add_func ("/request/validate/reference-audios/full-takes-assets", test_reference_audios_full_takes_assets);
  g_test_add_func ("/request/validate/reference-audios/undocumented-schemes-take-both", test_reference_audios_undocumented_schemes);
  g_test_add_func ("/request/validate/reference-audios/undocumented-support-is-accepted", test_reference_audios_undocumented_support_accepted);
  g_test_add_func ("/request/validate/several-problems-at-once", test_several_problems_at_once);
  g_test_add_func ("/request/validate/every-message-is-a-sentence", test_every_message_is_a_sentence);
  g_test_add_func ("/request/validate/undocumented-limits-accept-anything", test_undocumented_limits_accept_anything);
  g_test_add_func ("/request/command-line/parses-back-to-the-request", test_command_line_parses_back);

  status = g_test_run ();
  g_clear_object (&catalog);
  return status;
}

/* test-catalog.c: the model catalogue, built in and overridden
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-catalog"

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "sd-catalog.h"

#define N_BUILTIN_MODELS 22

static const struct {
  const char *id;
  const char *family;
  SdBilling   billing;
} documented_models[] = {
  { "sd2_mx_720p",             "full",            SD_BILLING_PER_SECOND },
  { "sd2_mx_1080p",            "full",            SD_BILLING_PER_SECOND },
  { "sd2_mx_2k",               "full",            SD_BILLING_PER_SECOND },
  { "sd2_mx_4k",               "full",            SD_BILLING_PER_SECOND },
  { "sd2_mx_fast_720p",        "full-fast",       SD_BILLING_PER_SECOND },
  { "sd2_mx_fast_1080p",       "full-fast",       SD_BILLING_PER_SECOND },
  { "sd2_mx_video_720p",       "full-video",      SD_BILLING_PER_SECOND },
  { "sd2_mx_video_1080p",      "full-video",      SD_BILLING_PER_SECOND },
  { "sd2_mx_video_2k",         "full-video",      SD_BILLING_PER_SECOND },
  { "sd2_mx_video_4k",         "full-video",      SD_BILLING_PER_SECOND },
  { "sd2_mx_video_fast_720p",  "full-video-fast", SD_BILLING_PER_SECOND },
  { "sd2_mx_video_fast_1080p", "full-video-fast", SD_BILLING_PER_SECOND },
  { "seedance2.0-sp",          "sp",              SD_BILLING_PER_SECOND },
  { "seedance2.0-fast-sp",     "sp",              SD_BILLING_PER_SECOND },
  { "seedance2.0-of-sp",       "sp-official",     SD_BILLING_PER_SECOND },
  { "seedance2.0-of-fast-sp",  "sp-official",     SD_BILLING_PER_SECOND },
  { "seedance2.0-mini",        "mini",            SD_BILLING_PER_SECOND },
  { "seedance2.0-mini-sp",     "mini-special",    SD_BILLING_PER_TASK },
  { "seedance2.0-md",          "md",              SD_BILLING_PER_TASK },
  { "seedance2.0-fast-md",     "md",              SD_BILLING_PER_TASK },
  { "seedance2.0-fast-i2v",    "fast-i2v",        SD_BILLING_PER_TASK },
  { "seedance2.0-std",         "std",             SD_BILLING_PER_TASK },
};

static const char *full_family_ids[] = {
  "sd2_mx_720p", "sd2_mx_1080p", "sd2_mx_2k", "sd2_mx_4k",
  "sd2_mx_fast_720p", "sd2_mx_fast_1080p",
  "sd2_mx_video_720p", "sd2_mx_video_1080p", "sd2_mx_video_2k", "sd2_mx_video_4k",
  "sd2_mx_video_fast_720p", "sd2_mx_video_fast_1080p",
};

/* A model that passes validation, for overrides to start from. */
#define VALID_MODEL(id, family) \
  "{\"id\": \"" id "\", \"family\": \"" family "\", \"name\": \"Test\", \"billing\": \"per-task\"}"

/* Helpers */

static SdModel *
lookup (SdCatalog  *catalog,
        const char *id)
{
  SdModel *model = sd_catalog_lookup (catalog, id);

  g_assert_nonnull (model);
  g_assert_cmpstr (sd_model_get_id (model), ==, id);

  return model;
}

static void
assert_strv (const char * const *values,
             const char         *expected)
{
  g_auto(GStrv) split = g_strsplit (expected, " ", -1);

  g_assert_nonnull (values);
  g_assert_cmpstrv (values, split);
}

static void
assert_duration (SdModel *model,
                 int      expected_min,
                 int      expected_max)
{
  int min, max;

  g_assert_true (sd_model_get_duration_range (model, &min, &max));
  g_assert_cmpint (min, ==, expected_min);
  g_assert_cmpint (max, ==, expected_max);
  g_assert_cmpint (sd_model_get_default_duration (model), ==, 5);
}

static char *
override_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "seedance-studio", "models.json", NULL);
}

static char *
write_override (const char *contents)
{
  g_autofree char *path = override_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);

  return g_steal_pointer (&path);
}

static void
remove_override (void)
{
  g_autofree char *path = override_path ();

  g_remove (path);
}

static SdCatalog *
catalog_with_override (const char  *contents,
                       char       **warning)
{
  G_GNUC_UNUSED g_autofree char *path = write_override (contents);
  SdCatalog *catalog = sd_catalog_new_with_overrides (warning);

  remove_override ();
  return catalog;
}

static void
assert_builtin_intact (SdCatalog *catalog)
{
  g_assert_cmpuint (g_list_model_get_n_items (sd_catalog_get_models (catalog)), ==, N_BUILTIN_MODELS);
  assert_duration (lookup (catalog, "seedance2.0-md"), 1, 15);
  g_assert_cmpuint (g_strv_length ((char **) sd_catalog_get_families (catalog)), ==, 11);
}

/* The refused override: built-in kept, warning names the file and the problem. */
static void
assert_override_refused (const char *contents,
                         const char *problem)
{
  g_autofree char *warning = NULL;
  g_autofree char *path = override_path ();
  g_autoptr(SdCatalog) catalog = catalog_with_override (contents, &warning);

  g_assert_nonnull (warning);
  g_assert_nonnull (strstr (warning, path));
  g_assert_nonnull (strstr (warning, problem));
  assert_builtin_intact (catalog);
}

static void
merge_refused (const char  *contents,
               GError     **error)
{
  g_autoptr(SdCatalog) catalog = sd_catalog_new ();

  g_assert_false (sd_catalog_merge_data (catalog, contents, -1, "override.json", error));
  assert_builtin_intact (catalog);
}

/* Built-in catalogue */

static void
test_builtin_every_documented_model (void)
{
  g_autoptr(SdCatalog) catalog = sd_catalog_new ();

  g_assert_cmpuint (g_list_model_get_n_items (sd_catalog_get_models (catalog)), ==, N_BUILTIN_MODELS);
  for (guint i = 0; i < G_N_ELEMENTS (documented_models); i++)
    {
      SdModel *model = lookup (catalog, documented_models[i].id);

      g_assert_cmpstr (sd_model_get_family (model), ==, documented_models[i].family);
      g_assert_cmpint (sd_model_get_billing (model), ==, documented_models[i].billing);
      g_assert_nonnull (sd_model_get_display_name (model));
    }
}

static void
test_builtin_full_family_facts (void)
{
  g_autoptr(SdCatalog) catalog = sd_catalog_new ();

  for (guint i = 0; i < G_N_ELEMENTS (full_family_ids); i++)
    {
      SdModel *model = lookup (catalog, full_family_ids[i]);

      assert_duration (model, 4, 12);
      assert_strv (sd_model_get_ratios (model), "16:9 9:16 1:1 4:3 3:4 21:9 Adaptive");
      g_assert_null (sd_model_get_default_ratio (model));
      g_assert_null (sd_model_get_resolutions (model));
      g_assert_cmpint (sd_model_get_image_schemes (model), ==, SD_URL_SCHEME_ASSET);
      g_assert_cmpint (sd_model_get_frames (model), ==, SD_SUPPORT_YES);
      g_assert_false (sd_model_get_frames_need_both (model));
      g_assert_cmpint (sd_model_get_reference_audios (model), ==, SD_SUPPORT_YES);
      g_assert_cmpint (sd_model_get_audio_schemes (model), ==, SD_URL_SCHEME_ASSET);
      g_assert_cmpint (sd_model_get_max_images (model), ==, SD_LIMIT_UNKNOWN);
    }
}

static void
test_builtin_reference_videos_only_on_video_ref (void)
{
  g_autoptr(SdCatalog) catalog = sd_catalog_new ();

  for (guint i = 0; i < G_N_ELEMENTS (full_family_ids); i++)
    {
      SdModel *model = lookup (catalog, full_family_ids[i]);
      gboolean video_ref = g_str_has_prefix (full_family_ids[i], "sd2_mx_video_");

      g_assert_cmpint (sd_model_get_reference_videos (model), ==,
                       video_ref ? SD_SUPPORT_YES : SD_SUPPORT_NO);
      g_assert_cmpint (sd_model_get_video_schemes (model), ==,
                       video_ref ? SD_URL_SCHEME_ASSET : SD_URL_SCHEME_NONE);
    }
}

static void
test_builtin_full_output_from_the_id (void)
{
  g_autoptr(SdCatalog) catalog = sd_catalog_new ();

  g_assert_cmpstr (sd_model_get_output (lookup (catalog, "sd2_mx_720p")), ==, "720p");
  g_assert_cmpstr (sd_model_get_output (lookup (catalog, "sd2_mx_2k")), ==, "2K");
  g_assert_cmpstr (sd_model_get_output (lookup (catalog, "sd2_mx_video_4k")), ==, "4K");
  g_assert_cmpstr (sd_model_get_output (lookup (catalog, "sd2_mx_video_fast_1080p")), ==, "1080p");
}

static void
test_builtin_sp_economy (void)
{
  g_autoptr(SdCatalog) catalog = sd_catalog_new ();
  const char *ids[] = { "seedance2.0-sp", "seedance2.0-fast-sp" };

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      SdModel *model = lookup (catalog, ids[i]);

      assert_strv (sd_model_get_resolutions (model), "480p 720p 1080p");
      g_assert_cmpstr (sd_model_get_default_resolution (model), ==, "720p");
      assert_duration (model, 4, 15);
      g_assert_null (sd_model_get_ratios (model));
      g_assert_cmpint (sd_model_get_image_schemes (model), ==, SD_URL_SCHEME_HTTPS);
      g_assert_cmpint (sd_model_get_frames (model), ==, SD_SUPPORT_YES);
      g_assert_cmpint (sd_model_get_reference_videos (model), ==, SD_SUPPORT_YES);
      g_assert_cmpint (sd_model_get_video_schemes (model), ==, SD_URL_SCHEME_HTTPS);
      g_assert_cmpint (sd_model_get_reference_audios (model), ==, SD_SUPPORT_YES);
      g_assert_cmpint (sd_model_get_audio_schemes (model), ==,
                       SD_URL_SCHEME_HTTPS | SD_URL_SCHEME_ASSET);
    }
}

static void
test_builtin_undocumented_stays_unknown (void)
{
  g_autoptr(SdCatalog) catalog = sd_catalog_new ();
  const char *ids[] = { "seedance2.0-of-sp", "seedance2.0-of-fast-sp",
                        "seedance2.0-mini", "seedance2.0-mini-sp" };

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      SdModel *model = lookup (catalog, ids[i]);
      int min, max;

      g_assert_false (sd_model_get_duration_range (model, &min, &max));
      g_assert_cmpint (min, ==, SD_LIMIT_UNKNOWN);
      g_assert_cmpint (max, ==, SD_LIMIT_UNKNOWN);
      g_assert_cmpint (sd_model_get_default_duration (model), ==, 5);
      g_assert_null (sd_model_get_ratios (model));
      g_assert_null (sd_model_get_default_resolution (model));
      g_assert_cmpint (sd_model_get_image_schemes (model), ==, SD_URL_SCHEME_HTTPS);
      g_assert_cmpint (sd_model_get_max_images (model), ==, SD_LIMIT_UNKNOWN);
      g_assert_cmpint (sd_model_get_reference_videos (model), ==, SD_SUPPORT_UNKNOWN);
      g_assert_cmpint (sd_model_get_reference_audios (model), ==, SD_SUPPORT_UNKNOWN);
      g_assert_cmpint (sd_model_get_max_reference_audios (model), ==, SD_LIMIT_UNKNOWN);
    }
}

static void
test_builtin_mini_special_480p_or_720p (void)
{
  g_autoptr(SdCatalog) catalog = sd_catalog_new ();
  SdModel *model = lookup (catalog, "seedance2.0-mini-sp");

  assert_strv (sd_model_get_resolutions (model), "480p 720p");
  g_assert_cmpint (sd_model_get_frames (model), ==, SD_SUPPORT_UNKNOWN);
}

static void
test_builtin_md_rules (void)
{
  g_autoptr(SdCatalog) catalog = sd_catalog_new ();
  const char *ids[] = { "seedance2.0-md", "seedance2.0-fast-md" };

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      SdModel *model = lookup (catalog, ids[i]);

      g_assert_cmpstr (sd_model_get_output (model), ==, "720p");
      assert_duration (model, 1, 15);
      assert_strv (sd_model_get_ratios (model), "16:9 9:16 1:1");
      g_assert_cmpint (sd_model_get_image_schemes (model), ==, SD_URL_SCHEME_HTTPS);
      g_assert_cmpint (sd_model_get_max_images (model), ==, 4);
      g_assert_cmpint (sd_model_get_frames (model), ==, SD_SUPPORT_YES);
      g_assert_true (sd_model_get_frames_need_both (model));
      g_assert_cmpint (sd_model_get_reference_videos (model), ==, SD_SUPPORT_YES);
      g_assert_cmpint (sd_model_get_video_schemes (model), ==, SD_URL_SCHEME_HTTPS);
      g_assert_cmpint (sd_model_get_max_reference_videos (model), ==, 3);
      g_assert_cmpint (sd_model_get_reference_audios (model), ==, SD_SUPPORT_NO);
      g_assert_cmpint (sd_model_get_prompt_max_length (model), ==, 5000);
      g_assert_nonnull (strstr (sd_model_get_notes (model), "200 MB"));
    }
}

static void
test_builtin_fast_i2v_rules (void)
{
  g_autoptr(SdCatalog) catalog = sd_catalog_new ();
  SdModel *model = lookup (catalog, "seedance2.0-fast-i2v");

  g_assert_cmpstr (sd_model_get_output (model), ==, "720p");
  g_assert_null (sd_model_get_resolutions (model));
  assert_duration (model, 1, 15);
  assert_strv (sd_model_get_ratios (model), "16:9 9:16 1:1");
  g_assert_cmpstr (sd_model_get_default_ratio (model), ==, "16:9");
  g_assert_cmpint (sd_model_get_image_schemes (model), ==, SD_URL_SCHEME_HTTPS);
  g_assert_cmpint (sd_model_get_max_images_total (model), ==, 9);
  g_assert_cmpint (sd_model_get_frames (model), ==, SD_SUPPORT_YES);
  g_assert_false (sd_model_get_frames_need_both (model));
  g_assert_cmpint (sd_model_get_reference_videos (model), ==, SD_SUPPORT_NO);
  g_assert_cmpint (sd_model_get_reference_audios (model), ==, SD_SUPPORT_NO);
  g_assert_cmpint (sd_model_get_prompt_max_length (model), ==, 5000);
}

static void
test_builtin_std_rules (void)
{
  g_autoptr(SdCatalog) catalog = sd_catalog_new ();
  SdModel *model = lookup (catalog, "seedance2.0-std");

  g_assert_cmpstr (sd_model_get_output (model), ==, "720p");
  assert_duration (model, 4, 15);
  assert_strv (sd_model_get_ratios (model), "21:9 16:9 4:3 1:1 3:4 9:16");
  g_assert_cmpint (sd_model_get_image_schemes (model), ==, SD_URL_SCHEME_HTTPS);
  g_assert_cmpint (sd_model_get_max_images (model), ==, 9);
  g_assert_cmpint (sd_model_get_frames (model), ==, SD_SUPPORT_YES);
  g_assert_cmpint (sd_model_get_reference_videos (model), ==, SD_SUPPORT_UNKNOWN);
  g_assert_cmpint (sd_model_get_reference_audios (model), ==, SD_SUPPORT_YES);
  g_assert_cmpint (sd_model_get_max_reference_audios (model), ==, 3);
  g_assert_cmpint (sd_model_get_audios_in_frame_mode (model), ==, SD_SUPPORT_NO);
  g_assert_cmpint (sd_model_get_prompt_max_length (model), ==, SD_LIMIT_UNKNOWN);
}

static void
test_builtin_only_full_family_takes_assets_for_images (void)
{
  g_autoptr(SdCatalog) catalog = sd_catalog_new ();

  for (guint i = 0; i < G_N_ELEMENTS (documented_models); i++)
    {
      SdModel *model = lookup (catalog, documented_models[i].id);
      gboolean full = g_str_has_prefix (documented_models[i].id, "sd2_mx_");

      g_assert_cmpint (sd_model_get_image_schemes (model), ==,
                       full ? SD_URL_SCHEME_ASSET : SD_URL_SCHEME_HTTPS);
    }
}

static void
test_builtin_prompt_limit_only_where_documented (void)
{
  g_autoptr(SdCatalog) catalog = sd_catalog_new ();

  for (guint i = 0; i < G_N_ELEMENTS (documented_models); i++)
    {
      const char *family = documented_models[i].family;
      gboolean limited = g_str_equal (family, "md") || g_str_equal (family, "fast-i2v");

      g_assert_cmpint (sd_model_get_prompt_max_length (lookup (catalog, documented_models[i].id)), ==,
                       limited ? 5000 : SD_LIMIT_UNKNOWN);
    }
}

/* Lists and properties */

static void
test_models_grouped_by_family_in_order (void)
{
  g_autoptr(SdCatalog) catalog = sd_catalog_new ();
  GListModel *models = sd_catalog_get_models (catalog);
  const char * const *families = sd_catalog_get_families (catalog);
  guint family = 0;

  g_assert_cmpstr (families[0], ==, "full");
  g_assert_cmpstr (families[10], ==, "std");
  g_assert_null (families[11]);

  for (guint i = 0; i < g_list_model_get_n_items (models); i++)
    {
      g_autoptr(SdModel) model = g_list_model_get_item (models, i);

      while (families[family] != NULL && !g_str_equal (families[family], sd_model_get_family (model)))
        family++;
      g_assert_nonnull (families[family]);
      /* The file lists the models in the documentation's order. */
      g_assert_cmpstr (sd_model_get_id (model), ==, documented_models[i].id);
    }
}

static void
test_models_list_family (void)
{
  g_autoptr(SdCatalog) catalog = sd_catalog_new ();
  g_autoptr(GListModel) md = sd_catalog_list_family (catalog, "md");
  g_autoptr(GListModel) none = sd_catalog_list_family (catalog, "no-such-family");
  g_autoptr(SdModel) first = NULL;

  g_assert_cmpuint (g_list_model_get_n_items (md), ==, 2);
  first = g_list_model_get_item (md, 0);
  g_assert_cmpstr (sd_model_get_id (first), ==, "seedance2.0-md");
  g_assert_cmpuint (g_list_model_get_n_items (none), ==, 0);
  g_assert_cmpstr (sd_catalog_get_family_name (catalog, "fast-i2v"), ==, "Fast I2V");
  g_assert_null (sd_catalog_get_family_name (catalog, "no-such-family"));
}

static void
test_models_properties_for_the_gui (void)
{
  g_autoptr(SdCatalog) catalog = sd_catalog_new ();
  g_autofree char *id = NULL;
  g_autofree char *name = NULL;
  g_autofree char *family_name = NULL;
  g_autofree char *subtitle = NULL;
  SdBilling billing;

  g_object_get (lookup (catalog, "sd2_mx_720p"),
                "id", &id, "display-name", &name, "family-name", &family_name,
                "subtitle", &subtitle, "billing", &billing, NULL);
  g_assert_cmpstr (id, ==, "sd2_mx_720p");
  g_assert_cmpstr (name, ==, "Full 720p");
  g_assert_cmpstr (family_name, ==, "Full (Manxue)");
  g_assert_cmpstr (subtitle, ==, "per second · 720p");
  g_assert_cmpint (billing, ==, SD_BILLING_PER_SECOND);

  g_assert_cmpstr (sd_model_get_subtitle (lookup (catalog, "seedance2.0-fast-i2v")), ==,
                   "per task · 720p");
  g_assert_cmpstr (sd_model_get_subtitle (lookup (catalog, "seedance2.0-sp")), ==,
                   "per second · 480p/720p/1080p");
}

static void
test_lookup_unknown_id (void)
{
  g_autoptr(SdCatalog) catalog = sd_catalog_new ();

  g_assert_null (sd_catalog_lookup (catalog, "seedance9.9"));
  g_assert_null (sd_catalog_lookup (catalog, ""));
}

/* Overrides */

static void
test_override_missing_file_no_warning (void)
{
  g_autofree char *warning = NULL;
  g_autoptr(SdCatalog) catalog = NULL;

  remove_override ();
  catalog = sd_catalog_new_with_overrides (&warning);
  g_assert_null (warning);
  assert_builtin_intact (catalog);
}

static void
test_override_adds_a_model (void)
{
  g_autofree char *warning = NULL;
  g_autoptr(SdCatalog) catalog = catalog_with_override (
    "{\"version\": 1, \"models\": [" VALID_MODEL ("seedance2.1-md", "md") "]}", &warning);
  g_autoptr(GListModel) md = sd_catalog_list_family (catalog, "md");
  g_autoptr(SdModel) at_place = NULL;
  SdModel *added;
  int min, max;

  g_assert_null (warning);
  g_assert_cmpuint (g_list_model_get_n_items (sd_catalog_get_models (catalog)), ==, N_BUILTIN_MODELS + 1);
  added = lookup (catalog, "seedance2.1-md");
  g_assert_cmpstr (sd_model_get_family_name (added), ==, "MD");
  /* Nothing given, nothing invented. */
  g_assert_false (sd_model_get_duration_range (added, &min, &max));
  g_assert_cmpint (sd_model_get_frames (added), ==, SD_SUPPORT_UNKNOWN);
  g_assert_cmpint (sd_model_get_image_schemes (added), ==, SD_URL_SCHEME_NONE);
  /* Grouped with its family, after the built-in ones. */
  g_assert_cmpuint (g_list_model_get_n_items (md), ==, 3);
  at_place = g_list_model_get_item (sd_catalog_get_models (catalog), 20);
  g_assert_true (at_place == added);
}

static void
test_override_replaces_a_builtin_model (void)
{
  g_autofree char *warning = NULL;
  g_autoptr(SdCatalog) catalog = catalog_with_override (
    "{\"models\": [{\"id\": \"seedance2.0-md\", \"family\": \"md\", \"name\": \"MD new\","
    " \"billing\": \"per-task\", \"duration\": {\"min\": 2, \"max\": 10, \"default\": 4}}]}",
    &warning);
  g_autoptr(SdModel) at_place = NULL;
  SdModel *model;

  g_assert_null (warning);
  g_assert_cmpuint (g_list_model_get_n_items (sd_catalog_get_models (catalog)), ==, N_BUILTIN_MODELS);
  model = lookup (catalog, "seedance2.0-md");
  g_assert_cmpstr (sd_model_get_display_name (model), ==, "MD new");
  g_assert_cmpint (sd_model_get_default_duration (model), ==, 4);
  /* The replacement is whole: what it does not say is unknown again. */
  g_assert_cmpint (sd_model_get_max_images (model), ==, SD_LIMIT_UNKNOWN);
  at_place = g_list_model_get_item (sd_catalog_get_models (catalog), 18);
  g_assert_true (at_place == model);
}

static void
test_override_new_family (void)
{
  g_autofree char *warning = NULL;
  g_autoptr(SdCatalog) catalog = catalog_with_override (
    "{\"families\": [{\"id\": \"ultra\", \"name\": \"Ultra\"}],"
    " \"models\": [" VALID_MODEL ("seedance3.0-ultra", "ultra") "]}", &warning);
  GListModel *models = sd_catalog_get_models (catalog);
  g_autoptr(SdModel) last = NULL;

  g_assert_null (warning);
  g_assert_cmpstr (sd_catalog_get_families (catalog)[11], ==, "ultra");
  last = g_list_model_get_item (models, g_list_model_get_n_items (models) - 1);
  g_assert_cmpstr (sd_model_get_id (last), ==, "seedance3.0-ultra");
  g_assert_cmpstr (sd_model_get_family_name (last), ==, "Ultra");
}

static void
test_override_renames_a_family (void)
{
  g_autoptr(SdCatalog) catalog = sd_catalog_new ();
  g_autoptr(GError) error = NULL;

  sd_catalog_merge_data (catalog,
                         "{\"families\": [{\"id\": \"md\", \"name\": \"MD route\"}], \"models\": []}",
                         -1, "override.json", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sd_model_get_family_name (lookup (catalog, "seedance2.0-fast-md")), ==, "MD route");
}

static void
test_override_malformed_syntax (void)
{
  g_autofree char *warning = NULL;
  g_autofree char *path = override_path ();
  g_autofree char *expected_prefix = g_strdup_printf ("%s:3:", path);
  g_autoptr(SdCatalog) catalog = catalog_with_override ("{\n  \"models\": [\n    {,\n  ]\n}\n", &warning);
  g_autoptr(SdCatalog) merged = sd_catalog_new ();
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (warning);
  g_assert_nonnull (strstr (warning, expected_prefix));
  assert_builtin_intact (catalog);

  g_assert_false (sd_catalog_merge_data (merged, "{\n\"models\": [}", -1, "my.json", &error));
  g_assert_error (error, SD_CATALOG_ERROR, SD_CATALOG_ERROR_PARSE);
  g_assert_true (g_str_has_prefix (error->message, "my.json:2:"));
}

static void
test_override_min_greater_than_max (void)
{
  g_autoptr(GError) error = NULL;

  merge_refused ("{\"models\": [{\"id\": \"x-model\", \"family\": \"md\", \"name\": \"X\","
                 " \"billing\": \"per-task\", \"duration\": {\"min\": 12, \"max\": 4}}]}", &error);
  g_assert_error (error, SD_CATALOG_ERROR, SD_CATALOG_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, "override.json: "));
  g_assert_nonnull (strstr (error->message, "x-model"));
  g_assert_nonnull (strstr (error->message, "duration.min"));

  assert_override_refused ("{\"models\": [{\"id\": \"x-model\", \"family\": \"md\", \"name\": \"X\","
                           " \"billing\": \"per-task\", \"duration\": {\"min\": 12, \"max\": 4}}]}",
                           "x-model");
}

static void
test_override_unknown_scheme (void)
{
  g_autoptr(GError) error = NULL;

  merge_refused ("{\"models\": [{\"id\": \"x-model\", \"family\": \"md\", \"name\": \"X\","
                 " \"billing\": \"per-task\", \"images\": {\"schemes\": [\"ftp\"]}}]}", &error);
  g_assert_error (error, SD_CATALOG_ERROR, SD_CATALOG_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "x-model"));
  g_assert_nonnull (strstr (error->message, "images.schemes"));
}

static void
test_override_empty_file (void)
{
  assert_override_refused ("", "empty");
  assert_override_refused ("  \n", "empty");
}

static void
test_override_non_object_root (void)
{
  assert_override_refused ("[" VALID_MODEL ("x-model", "md") "]", "object");
  assert_override_refused ("42", "object");
  /* Two documents in one file: json-glib 1.6 kept the second, 1.10 aborted. */
  assert_override_refused ("{\"version\": 1, \"models\": []}"
                           "{\"version\": 1, \"models\": [" VALID_MODEL ("x-model", "md") "]}",
                           "object");
}

static void
test_override_without_models_list (void)
{
  assert_override_refused ("{\"version\": 1}", "models");
  assert_override_refused ("{\"models\": {}}", "models");
  assert_override_refused ("{\"version\": 2, \"models\": []}", "version");
}

static void
test_override_malformed_family (void)
{
  assert_override_refused ("{\"families\": [{\"id\": 7, \"name\": \"Seven\"}], \"models\": []}", "family");
  assert_override_refused ("{\"families\": [{\"id\": {}, \"name\": \"Object\"}], \"models\": []}", "family");
  assert_override_refused ("{\"families\": [{\"id\": \"x\"}], \"models\": []}", "family");
  assert_override_refused ("{\"families\": [\"x\"], \"models\": []}", "family");
  assert_override_refused ("{\"families\": {}, \"models\": []}", "families");
  assert_override_refused ("{\"families\": [{\"id\": \"x\", \"name\": \"X\"},"
                           " {\"id\": \"x\", \"name\": \"Y\"}], \"models\": []}", "twice");
}

static void
test_override_unknown_family (void)
{
  g_autoptr(GError) error = NULL;

  merge_refused ("{\"models\": [" VALID_MODEL ("x-model", "nowhere") "]}", &error);
  g_assert_error (error, SD_CATALOG_ERROR, SD_CATALOG_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "x-model"));
  g_assert_nonnull (strstr (error->message, "nowhere"));
}

static void
count_change_cb (guint *changes)
{
  (*changes)++;
}

static void
test_override_all_or_nothing (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdCatalog) catalog = sd_catalog_new ();
  guint changes = 0;

  g_signal_connect_swapped (sd_catalog_get_models (catalog), "items-changed",
                            G_CALLBACK (count_change_cb), &changes);

  g_assert_false (sd_catalog_merge_data (catalog,
    "{\"families\": [{\"id\": \"ultra\", \"name\": \"Ultra\"}], \"models\": ["
    VALID_MODEL ("seedance3.0-ultra", "ultra") ","
    "{\"id\": \"seedance2.0-md\", \"family\": \"md\", \"name\": \"MD\", \"billing\": \"per-task\"},"
    "{\"id\": \"bad\", \"family\": \"md\", \"name\": \"Bad\", \"billing\": \"per-minute\"}]}",
    -1, "override.json", &error));
  g_assert_error (error, SD_CATALOG_ERROR, SD_CATALOG_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "billing"));

  g_assert_cmpuint (changes, ==, 0);
  g_assert_null (sd_catalog_lookup (catalog, "seedance3.0-ultra"));
  g_assert_null (sd_catalog_get_family_name (catalog, "ultra"));
  assert_builtin_intact (catalog);
  g_assert_cmpint (sd_model_get_max_images (lookup (catalog, "seedance2.0-md")), ==, 4);
}

static void
on_items_changed_cb (GListModel *list,
                     guint       position,
                     guint       removed,
                     guint       added,
                     guint      *n_items)
{
  g_assert_cmpuint (*n_items - removed + added, ==, g_list_model_get_n_items (list));
  *n_items = g_list_model_get_n_items (list);
}

static void
test_merge_emits_items_changed (void)
{
  g_autoptr(SdCatalog) catalog = sd_catalog_new ();
  GListModel *models = sd_catalog_get_models (catalog);
  g_autoptr(GError) error = NULL;
  guint n_items = g_list_model_get_n_items (models);

  g_signal_connect (models, "items-changed", G_CALLBACK (on_items_changed_cb), &n_items);
  sd_catalog_merge_data (catalog, "{\"models\": [" VALID_MODEL ("new-one", "std") "]}",
                         -1, "override.json", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (n_items, ==, N_BUILTIN_MODELS + 1);

  g_assert_false (sd_catalog_merge_data (catalog, "{", -1, "override.json", NULL));
  g_assert_cmpuint (n_items, ==, N_BUILTIN_MODELS + 1);
}

typedef struct
{
  guint position;
  guint removed;
  guint added;
} Change;

static void
on_change_recorded_cb (GListModel *list,
                       guint       position,
                       guint       removed,
                       guint       added,
                       Change     *change)
{
  change->position = position;
  change->removed = removed;
  change->added = added;
}

static void
test_merge_changes_only_the_replaced_model (void)
{
  g_autoptr(SdCatalog) catalog = sd_catalog_new ();
  g_autoptr(GError) error = NULL;
  Change change = { 0, 0, 0 };

  g_signal_connect (sd_catalog_get_models (catalog), "items-changed",
                    G_CALLBACK (on_change_recorded_cb), &change);
  sd_catalog_merge_data (catalog, "{\"models\": [" VALID_MODEL ("seedance2.0-fast-md", "md") "]}",
                         -1, "override.json", &error);
  g_assert_no_error (error);
  /* A dropdown bound to the list keeps every other row. */
  g_assert_cmpuint (change.position, ==, 19);
  g_assert_cmpuint (change.removed, ==, 1);
  g_assert_cmpuint (change.added, ==, 1);
}

static void
test_merge_file_unreadable (void)
{
  g_autoptr(SdCatalog) catalog = sd_catalog_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (g_get_user_config_dir (), "absent.json", NULL);

  g_assert_false (sd_catalog_merge_file (catalog, path, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, path));
  assert_builtin_intact (catalog);
}

static void
test_override_duplicate_model_id (void)
{
  g_autoptr(GError) error = NULL;

  merge_refused ("{\"models\": [" VALID_MODEL ("twice", "md") "," VALID_MODEL ("twice", "md") "]}",
                 &error);
  g_assert_error (error, SD_CATALOG_ERROR, SD_CATALOG_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "twice"));
}

/* One model's validation: each broken field is named with the model id. */

static const struct {
  const char *json;
  const char *field;
} invalid_models[] = {
  { "\"billing\": \"per-minute\"",                                "billing" },
  { "\"duration\": {\"min\": \"4\", \"max\": 12}",                "duration.min" },
  { "\"duration\": {\"min\": 4.5, \"max\": 12}",                  "duration.min" },
  { "\"duration\": {\"min\": 0, \"max\": 12}",                    "duration.min" },
  { "\"duration\": {\"min\": 4}",                                 "duration.max" },
  { "\"duration\": {\"min\": 4, \"max\": 12, \"default\": 13}",   "duration.default" },
  { "\"duration\": 5",                                            "duration" },
  { "\"ratios\": {\"values\": [\"16:9\"], \"default\": \"1:1\"}", "ratios.default" },
  { "\"ratios\": {\"values\": []}",                               "ratios.values" },
  { "\"ratios\": {\"values\": [\"16:9\", \"16:9\"]}",             "ratios.values" },
  { "\"resolutions\": {\"values\": [720]}",                       "resolutions.values" },
  { "\"frames\": {\"support\": \"maybe\"}",                       "frames.support" },
  { "\"frames\": {\"support\": \"no\", \"need_both\": true}",     "frames.need_both" },
  { "\"frames\": {\"need_both\": \"yes\"}",                       "frames.need_both" },
  { "\"images\": {\"schemes\": \"https\"}",                       "images.schemes" },
  { "\"images\": {\"max\": -1}",                                  "images.max" },
  { "\"reference_videos\": {\"support\": \"no\", \"max\": 3}",    "reference_videos.support" },
  { "\"reference_audios\": {\"in_frame_mode\": \"never\"}",       "reference_audios.in_frame_mode" },
  { "\"prompt_max_length\": \"5000\"",                            "prompt_max_length" },
  { "\"duraton\": {\"min\": 4, \"max\": 12}",                     "duraton" },
  { "\"name\": \"\"",                                             "name" },
  { "\"output\": 720",                                            "output" },
  { "\"notes\": [\"free text\"]",                                 "notes" },
};

static void
test_model_invalid_fields_are_named (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (invalid_models); i++)
    {
      g_autofree char *json = g_strdup_printf (
        "{\"id\": \"x-model\", \"family\": \"md\", \"name\": \"X\", \"billing\": \"per-task\", %s}",
        invalid_models[i].json);
      g_autoptr(JsonNode) node = json_from_string (json, NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(SdModel) model = NULL;
      g_autofree char *quoted = g_strdup_printf ("“%s”", invalid_models[i].field);

      g_assert_nonnull (node);
      model = sd_model_new_from_json (json_node_get_object (node), &error);
      g_assert_null (model);
      g_assert_error (error, SD_CATALOG_ERROR, SD_CATALOG_ERROR_INVALID);
      if (strstr (error->message, "x-model") == NULL || strstr (error->message, quoted) == NULL)
        g_error ("case %u (%s): %s", i, invalid_models[i].json, error->message);
    }
}

static void
test_model_requires_id_family_name_billing (void)
{
  const char *cases[] = {
    "{\"family\": \"md\", \"name\": \"X\", \"billing\": \"per-task\"}",
    "{\"id\": 7, \"family\": \"md\", \"name\": \"X\", \"billing\": \"per-task\"}",
    "{\"id\": \"x-model\", \"name\": \"X\", \"billing\": \"per-task\"}",
    "{\"id\": \"x-model\", \"family\": \"md\", \"billing\": \"per-task\"}",
    "{\"id\": \"x-model\", \"family\": \"md\", \"name\": \"X\"}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) node = json_from_string (cases[i], NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(SdModel) model = sd_model_new_from_json (json_node_get_object (node), &error);

      g_assert_null (model);
      g_assert_error (error, SD_CATALOG_ERROR, SD_CATALOG_ERROR_INVALID);
    }
}

static void
test_model_default_duration_follows_range (void)
{
  g_autoptr(JsonNode) node = json_from_string (
    "{\"id\": \"long\", \"family\": \"md\", \"name\": \"X\", \"billing\": \"per-task\","
    " \"duration\": {\"min\": 8, \"max\": 20}}", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SdModel) model = sd_model_new_from_json (json_node_get_object (node), &error);

  g_assert_no_error (error);
  /* 5 s, the API's default, is not allowed here: the nearest allowed value is. */
  g_assert_cmpint (sd_model_get_default_duration (model), ==, 8);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/catalog/builtin/has-every-documented-model", test_builtin_every_documented_model);
  g_test_add_func ("/catalog/builtin/full-family-takes-4-to-12-s-and-assets", test_builtin_full_family_facts);
  g_test_add_func ("/catalog/builtin/reference-videos-only-on-video-ref-families", test_builtin_reference_videos_only_on_video_ref);
  g_test_add_func ("/catalog/builtin/full-output-comes-from-the-id", test_builtin_full_output_from_the_id);
  g_test_add_func ("/catalog/builtin/sp-economy-resolutions-default-720p", test_builtin_sp_economy);
  g_test_add_func ("/catalog/builtin/undocumented-limits-stay-unknown", test_builtin_undocumented_stays_unknown);
  g_test_add_func ("/catalog/builtin/mini-special-is-480p-or-720p", test_builtin_mini_special_480p_or_720p);
  g_test_add_func ("/catalog/builtin/md-takes-4-images-and-needs-both-frames", test_builtin_md_rules);
  g_test_add_func ("/catalog/builtin/fast-i2v-takes-9-images-in-total", test_builtin_fast_i2v_rules);
  g_test_add_func ("/catalog/builtin/std-takes-3-audios-not-in-frame-mode", test_builtin_std_rules);
  g_test_add_func ("/catalog/builtin/only-full-family-takes-asset-images", test_builtin_only_full_family_takes_assets_for_images);
  g_test_add_func ("/catalog/builtin/prompt-limit-only-where-documented", test_builtin_prompt_limit_only_where_documented);
  g_test_add_func ("/catalog/models/grouped-by-family-in-catalogue-order", test_models_grouped_by_family_in_order);
  g_test_add_func ("/catalog/models/list-one-family", test_models_list_family);
  g_test_add_func ("/catalog/models/properties-for-the-gui", test_models_properties_for_the_gui);
  g_test_add_func ("/catalog/lookup/unknown-id-is-null", test_lookup_unknown_id);
  g_test_add_func ("/catalog/override/missing-file-gives-no-warning", test_override_missing_file_no_warning);
  g_test_add_func ("/catalog/override/adds-a-model", test_override_adds_a_model);
  g_test_add_func ("/catalog/override/replaces-a-built-in-model-in-place", test_override_replaces_a_builtin_model);
  g_test_add_func ("/catalog/override/adds-a-new-family", test_override_new_family);
  g_test_add_func ("/catalog/override/renames-a-family", test_override_renames_a_family);
  g_test_add_func ("/catalog/override/malformed-syntax-names-file-and-line", test_override_malformed_syntax);
  g_test_add_func ("/catalog/override/min-greater-than-max-is-refused", test_override_min_greater_than_max);
  g_test_add_func ("/catalog/override/unknown-scheme-is-refused", test_override_unknown_scheme);
  g_test_add_func ("/catalog/override/empty-file-is-refused", test_override_empty_file);
  g_test_add_func ("/catalog/override/non-object-root-is-refused", test_override_non_object_root);
  g_test_add_func ("/catalog/override/without-models-list-is-refused", test_override_without_models_list);
  g_test_add_func ("/catalog/override/malformed-family-is-refused", test_override_malformed_family);
  g_test_add_func ("/catalog/override/unknown-family-is-refused", test_override_unknown_family);
  g_test_add_func ("/catalog/override/duplicate-model-id-is-refused", test_override_duplicate_model_id);
  g_test_add_func ("/catalog/override/is-all-or-nothing", test_override_all_or_nothing);
  g_test_add_func ("/catalog/merge/emits-items-changed", test_merge_emits_items_changed);
  g_test_add_func ("/catalog/merge/changes-only-the-replaced-model", test_merge_changes_only_the_replaced_model);
  g_test_add_func ("/catalog/merge/unreadable-file-names-it", test_merge_file_unreadable);
  g_test_add_func ("/catalog/model/invalid-fields-are-named", test_model_invalid_fields_are_named);
  g_test_add_func ("/catalog/model/requires-id-family-name-billing", test_model_requires_id_family_name_billing);
  g_test_add_func ("/catalog/model/default-duration-follows-range", test_model_default_duration_follows_range);

  return g_test_run ();
}

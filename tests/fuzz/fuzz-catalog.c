/* fuzz-catalog.c: libFuzzer target for the user's model overrides
 *
 * The input is an override file merged into a fresh built-in catalogue.
 * Whatever it holds, the 22 built-in models stay reachable; a refused file
 * changes nothing and says why in valid UTF-8.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "fuzz-catalog"

#include "config.h"

#include <stdint.h>

#include "sd-catalog.h"

int LLVMFuzzerInitialize   (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static const char * const builtin_ids[] = {
  "sd2_mx_720p", "sd2_mx_1080p", "sd2_mx_2k", "sd2_mx_4k",
  "sd2_mx_fast_720p", "sd2_mx_fast_1080p",
  "sd2_mx_video_720p", "sd2_mx_video_1080p", "sd2_mx_video_2k", "sd2_mx_video_4k",
  "sd2_mx_video_fast_720p", "sd2_mx_video_fast_1080p",
  "seedance2.0-sp", "seedance2.0-fast-sp", "seedance2.0-of-sp", "seedance2.0-of-fast-sp",
  "seedance2.0-mini", "seedance2.0-mini-sp", "seedance2.0-md", "seedance2.0-fast-md",
  "seedance2.0-fast-i2v", "seedance2.0-std",
};

static void
count_changes (GListModel *list,
               guint       position,
               guint       removed,
               guint       added,
               guint      *n_changes)
{
  (*n_changes)++;
}

static void
assert_builtin_models_present (SdCatalog *catalog)
{
  for (gsize i = 0; i < G_N_ELEMENTS (builtin_ids); i++)
    {
      SdModel *model = sd_catalog_lookup (catalog, builtin_ids[i]);

      g_assert_nonnull (model);
      g_assert_cmpstr (sd_model_get_id (model), ==, builtin_ids[i]);
    }
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(SdCatalog) catalog = sd_catalog_new ();
  g_autoptr(GError) error = NULL;
  GListModel *models = sd_catalog_get_models (catalog);
  guint n_builtin = g_list_model_get_n_items (models);
  guint n_changes = 0;
  gboolean merged;

  g_assert_cmpuint (n_builtin, ==, G_N_ELEMENTS (builtin_ids));
  g_signal_connect (models, "items-changed", G_CALLBACK (count_changes), &n_changes);

  merged = sd_catalog_merge_data (catalog, (const char *) data, size, "models.json", &error);
  g_assert_true (merged != (error != NULL));
  assert_builtin_models_present (catalog);

  if (!merged)
    {
      g_assert_true (error->domain == SD_CATALOG_ERROR);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      g_assert_cmpuint (n_changes, ==, 0);
      g_assert_cmpuint (g_list_model_get_n_items (models), ==, n_builtin);
      return 0;
    }

  g_assert_cmpuint (g_list_model_get_n_items (models), >=, n_builtin);
  for (guint i = 0; i < g_list_model_get_n_items (models); i++)
    {
      g_autoptr(SdModel) model = g_list_model_get_item (models, i);

      const char *family_name;

      g_assert_true (sd_catalog_lookup (catalog, sd_model_get_id (model)) == model);
      family_name = sd_catalog_get_family_name (catalog, sd_model_get_family (model));
      g_assert_nonnull (family_name);
      g_assert_true (g_utf8_validate (family_name, -1, NULL));
      g_assert_true (g_utf8_validate (sd_model_get_id (model), -1, NULL));
      g_assert_true (g_utf8_validate (sd_model_get_display_name (model), -1, NULL));
    }
  return 0;
}

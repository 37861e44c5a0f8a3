/* sd-cli-models.c: “seedance models”, the catalogue as text or JSON
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "seedance-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "sd-catalog.h"
#include "sd-cli-private.h"

static const char *
billing_to_string (SdBilling billing)
{
  return billing == SD_BILLING_PER_TASK ? "per-task" : "per-second";
}

static const char *
support_to_string (SdSupport support)
{
  switch (support)
    {
    case SD_SUPPORT_YES:
      return "yes";
    case SD_SUPPORT_NO:
      return "no";
    case SD_SUPPORT_UNKNOWN:
    default:
      return "unknown";
    }
}

static void
add_strv_member (JsonBuilder        *builder,
                 const char         *name,
                 const char * const *values)
{
  json_builder_set_member_name (builder, name);
  if (values == NULL)
    {
      json_builder_add_null_value (builder);
      return;
    }

  json_builder_begin_array (builder);
  for (guint i = 0; values[i] != NULL; i++)
    json_builder_add_string_value (builder, values[i]);
  json_builder_end_array (builder);
}

static void
add_limit_member (JsonBuilder *builder,
                  const char  *name,
                  int          value)
{
  json_builder_set_member_name (builder, name);
  if (value == SD_LIMIT_UNKNOWN)
    json_builder_add_null_value (builder);
  else
    json_builder_add_int_value (builder, value);
}

static void
add_schemes_member (JsonBuilder *builder,
                    const char  *name,
                    SdUrlScheme  schemes)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  if (schemes & SD_URL_SCHEME_HTTPS)
    json_builder_add_string_value (builder, "https");
  if (schemes & SD_URL_SCHEME_ASSET)
    json_builder_add_string_value (builder, "asset");
  json_builder_end_array (builder);
}

static void
add_model_durations (JsonBuilder *builder,
                     SdModel     *model)
{
  int min, max;

  json_builder_set_member_name (builder, "duration");
  if (!sd_model_get_duration_range (model, &min, &max))
    {
      json_builder_add_null_value (builder);
      return;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "min");
  json_builder_add_int_value (builder, min);
  json_builder_set_member_name (builder, "max");
  json_builder_add_int_value (builder, max);
  json_builder_set_member_name (builder, "default");
  json_builder_add_int_value (builder, sd_model_get_default_duration (model));
  json_builder_end_object (builder);
}

static void
add_model_json (JsonBuilder *builder,
                SdModel     *model)
{
  json_builder_begin_object (builder);
  _sd_cli_add_string_member (builder, "id", sd_model_get_id (model));
  _sd_cli_add_string_member (builder, "name", sd_model_get_display_name (model));
  _sd_cli_add_string_member (builder, "family", sd_model_get_family (model));
  _sd_cli_add_string_member (builder, "family_name", sd_model_get_family_name (model));
  _sd_cli_add_string_member (builder, "billing", billing_to_string (sd_model_get_billing (model)));
  _sd_cli_add_string_member (builder, "output", sd_model_get_output (model));
  add_strv_member (builder, "resolutions", sd_model_get_resolutions (model));
  add_model_durations (builder, model);
  add_strv_member (builder, "ratios", sd_model_get_ratios (model));
  add_schemes_member (builder, "image_schemes", sd_model_get_image_schemes (model));
  add_limit_member (builder, "max_images", sd_model_get_max_images (model));
  add_limit_member (builder, "max_images_total", sd_model_get_max_images_total (model));
  _sd_cli_add_string_member (builder, "frames", support_to_string (sd_model_get_frames (model)));
  _sd_cli_add_string_member (builder, "reference_videos",
                             support_to_string (sd_model_get_reference_videos (model)));
  _sd_cli_add_string_member (builder, "reference_audios",
                             support_to_string (sd_model_get_reference_audios (model)));
  add_limit_member (builder, "prompt_max_length", sd_model_get_prompt_max_length (model));
  json_builder_end_object (builder);
}

static char *
join_or (const char * const *values,
         const char         *fallback)
{
  if (values == NULL || values[0] == NULL)
    return g_strdup (fallback);

  return g_strjoinv (", ", (char **) values);
}

static char *
format_schemes (SdUrlScheme schemes)
{
  if ((schemes & SD_URL_SCHEME_HTTPS) && (schemes & SD_URL_SCHEME_ASSET))
    return g_strdup ("https://, asset://");
  if (schemes & SD_URL_SCHEME_HTTPS)
    return g_strdup ("https://");
  if (schemes & SD_URL_SCHEME_ASSET)
    return g_strdup ("asset://");

  return g_strdup (_("none"));
}

static char *
format_image_limits (SdModel *model)
{
  int max = sd_model_get_max_images (model);
  int total = sd_model_get_max_images_total (model);
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);

  if (max != SD_LIMIT_UNKNOWN)
    g_ptr_array_add (parts, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                          "at most %d reference image",
                                                          "at most %d reference images",
                                                          max), max));
  if (total != SD_LIMIT_UNKNOWN)
    g_ptr_array_add (parts, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                          "at most %d image in all, frames included",
                                                          "at most %d images in all, frames included",
                                                          total), total));
  if (parts->len == 0)
    return g_strdup (_("no documented limit"));

  g_ptr_array_add (parts, NULL);
  return g_strjoinv ("; ", (char **) parts->pdata);
}

static void
print_model (SdCli   *self,
             SdModel *model)
{
  g_autofree char *ratios = join_or (sd_model_get_ratios (model), _("not documented"));
  g_autofree char *schemes = format_schemes (sd_model_get_image_schemes (model));
  g_autofree char *limits = format_image_limits (model);
  g_autofree char *durations = NULL;
  int min, max;

  if (sd_model_get_duration_range (model, &min, &max))
    /* Translators: a duration range in seconds, then the default */
    durations = g_strdup_printf (_("%d–%d s (default %d s)"), min, max,
                                 sd_model_get_default_duration (model));
  else
    durations = g_strdup (_("not documented"));

  _sd_cli_print_result (self, "  %s  %s\n", sd_model_get_id (model), sd_model_get_display_name (model));
  _sd_cli_print_result (self, "      %s\n", sd_model_get_subtitle (model));
  _sd_cli_print_result (self, _("      durations: %s; ratios: %s\n"), durations, ratios);
  _sd_cli_print_result (self, _("      images: %s; %s\n"), schemes, limits);
}

/* One family: its models as JSON into @builder, or as text. */
static void
show_family (SdCli       *self,
             SdCatalog   *catalog,
             const char  *family,
             gboolean     first,
             JsonBuilder *builder)
{
  g_autoptr(GListModel) models = sd_catalog_list_family (catalog, family);

  if (!self->json && !first)
    _sd_cli_print_result (self, "\n");
  if (!self->json)
    _sd_cli_print_result (self, "%s\n", sd_catalog_get_family_name (catalog, family));

  for (guint i = 0; i < g_list_model_get_n_items (models); i++)
    {
      g_autoptr(SdModel) model = g_list_model_get_item (models, i);

      if (self->json)
        add_model_json (builder, model);
      else
        print_model (self, model);
    }
}

static gboolean
run_models (SdCli              *self,
            const SdCliCommand *command,
            SdCliArguments     *args,
            int                *exit_status)
{
  g_autoptr(SdCatalog) catalog = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *warning = NULL;
  const char * const *families;

  catalog = sd_catalog_new_with_overrides (&warning);
  if (warning != NULL)
    _sd_cli_print_message (self, "%s", warning);

  families = sd_catalog_get_families (catalog);
  json_builder_begin_array (builder);
  for (guint i = 0; families != NULL && families[i] != NULL; i++)
    show_family (self, catalog, families[i], i == 0, builder);
  json_builder_end_array (builder);

  if (self->json)
    {
      g_autoptr(JsonNode) node = json_builder_get_root (builder);
      _sd_cli_print_json (self, node);
    }

  return _sd_cli_exit_with (exit_status, SD_CLI_EXIT_SUCCESS);
}

const SdCliCommand _sd_cli_models_command = {
  .name = "models",
  .summary = N_("List the models and what each one takes."),
  .options = SD_CLI_OPTION_JSON,
  .run = run_models,
};

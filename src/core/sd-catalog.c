/* sd-catalog.c: the catalogue of models, built in and overridable
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-catalog"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "sd-catalog.h"
#include "sd-json.h"
#include "sd-core-resources.h"
#include "sd-model-private.h"

#define BUILTIN_PATH "/io/github/seedancestudio/SeedanceStudio/core/models.json"
#define CATALOG_VERSION 1
#define MAX_NESTING 64

typedef struct
{
  char *id;
  char *name;
} Family;

/* Everything a merge changes, built aside so that a failed merge changes nothing. */
typedef struct
{
  GPtrArray  *families;  /* Family, in catalogue order */
  GPtrArray  *models;    /* SdModel, in file order; a replacement keeps its place */
  GHashTable *index;     /* model id → position in models */
} Contents;

struct _SdCatalog
{
  GObject      parent_instance;

  Contents     contents;
  GStrv        family_ids;
  GListStore  *models;    /* SdModel grouped by family, for the UI */
};

G_DEFINE_FINAL_TYPE (SdCatalog, sd_catalog, G_TYPE_OBJECT)

static void
family_free (gpointer data)
{
  Family *family = data;

  g_free (family->id);
  g_free (family->name);
  g_free (family);
}

static Family *
family_new (const char *id,
            const char *name)
{
  Family *family = g_new0 (Family, 1);

  family->id = g_strdup (id);
  family->name = g_strdup (name);

  return family;
}

static Family *
contents_find_family (const Contents *contents,
                      const char     *id)
{
  for (guint i = 0; i < contents->families->len; i++)
    {
      Family *family = g_ptr_array_index (contents->families, i);

      if (g_str_equal (family->id, id))
        return family;
    }

  return NULL;
}

static void
contents_init (Contents       *contents,
               const Contents *from)
{
  contents->families = g_ptr_array_new_with_free_func (family_free);
  contents->models = g_ptr_array_new_with_free_func (g_object_unref);
  contents->index = g_hash_table_new (g_str_hash, g_str_equal);

  if (from == NULL)
    return;

  for (guint i = 0; i < from->families->len; i++)
    {
      Family *family = g_ptr_array_index (from->families, i);
      g_ptr_array_add (contents->families, family_new (family->id, family->name));
    }

  for (guint i = 0; i < from->models->len; i++)
    {
      SdModel *model = g_ptr_array_index (from->models, i);

      g_ptr_array_add (contents->models, g_object_ref (model));
      g_hash_table_insert (contents->index, (char *) sd_model_get_id (model),
                           GUINT_TO_POINTER (i));
    }
}

static void
contents_clear (Contents *contents)
{
  g_clear_pointer (&contents->index, g_hash_table_unref);
  g_clear_pointer (&contents->models, g_ptr_array_unref);
  g_clear_pointer (&contents->families, g_ptr_array_unref);
}

static void
contents_put_model (Contents *contents,
                    SdModel  *model)
{
  const char *id = sd_model_get_id (model);
  gpointer position;

  if (g_hash_table_lookup_extended (contents->index, id, NULL, &position))
    {
      guint i = GPOINTER_TO_UINT (position);
      SdModel *replaced = g_ptr_array_index (contents->models, i);

      /* The key is the model's own id: swap it before the old model goes. */
      g_hash_table_replace (contents->index, (char *) id, position);
      g_ptr_array_index (contents->models, i) = g_object_ref (model);
      g_object_unref (replaced);
    }
  else
    {
      g_hash_table_insert (contents->index, (char *) id,
                           GUINT_TO_POINTER (contents->models->len));
      g_ptr_array_add (contents->models, g_object_ref (model));
    }
}

/* Reading a catalogue file */

static void
set_invalid (GError     **error,
             const char  *source_name,
             const char  *problem)
{
  /* Translators: a file name, then what is wrong with it */
  g_set_error (error, SD_CATALOG_ERROR, SD_CATALOG_ERROR_INVALID,
               _("%s: %s"), source_name, problem);
}

/* json-glib names in-memory data "<data>"; the user needs the file's name. */
static void
set_parse_error (GError     **error,
                 const char  *source_name,
                 const GError *parse_error)
{
  /* json-glib quotes the offending bytes, which need not be UTF-8 */
  g_autofree char *valid = g_utf8_make_valid (parse_error->message, -1);
  const char *message = valid;

  if (g_str_has_prefix (message, "<data>:"))
    message += strlen ("<data>:");
  else
    message = NULL;

  if (message != NULL)
    g_set_error (error, SD_CATALOG_ERROR, SD_CATALOG_ERROR_PARSE,
                 "%s:%s", source_name, message);
  else
    g_set_error (error, SD_CATALOG_ERROR, SD_CATALOG_ERROR_PARSE,
                 _("%s: %s"), source_name, valid);
}

static JsonArray *
read_array_member (JsonObject  *root,
                   const char  *member,
                   const char  *source_name,
                   GError     **error)
{
  JsonNode *node = json_object_get_member (root, member);
  g_autofree char *problem = NULL;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;

  if (JSON_NODE_HOLDS_ARRAY (node))
    return json_node_get_array (node);

  /* Translators: a JSON member name, like “models” */
  problem = g_strdup_printf (_("“%s” must be a list"), member);
  set_invalid (error, source_name, problem);
  return NULL;
}

static gboolean
read_header (JsonObject  *root,
             const char  *source_name,
             GError     **error)
{
  static const char * const allowed[] = { "version", "families", "models", NULL };
  g_autoptr(GList) members = json_object_get_members (root);
  JsonNode *version = json_object_get_member (root, "version");

  for (const GList *l = members; l != NULL; l = l->next)
    {
      if (!g_strv_contains (allowed, l->data))
        {
          g_autofree char *problem =
            /* Translators: a JSON member name */
            g_strdup_printf (_("the top-level field “%s” is not known"), (const char *) l->data);
          set_invalid (error, source_name, problem);
          return FALSE;
        }
    }

  if (version != NULL &&
      (!JSON_NODE_HOLDS_VALUE (version) ||
       json_node_get_value_type (version) != G_TYPE_INT64 ||
       json_node_get_int (version) != CATALOG_VERSION))
    {
      set_invalid (error, source_name, _("“version” must be 1"));
      return FALSE;
    }

  if (!json_object_has_member (root, "models"))
    {
      set_invalid (error, source_name, _("there is no “models” list"));
      return FALSE;
    }

  return TRUE;
}

static const char *
string_member (JsonObject *object,
               const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

static gboolean
read_family (Contents    *staged,
             GHashTable  *seen,
             JsonNode    *node,
             const char  *source_name,
             GError     **error)
{
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  const char *id = object ? string_member (object, "id") : NULL;
  const char *name = object ? string_member (object, "name") : NULL;
  Family *family;

  if (id == NULL || *id == '\0' || name == NULL || *name == '\0' || json_object_get_size (object) != 2)
    {
      set_invalid (error, source_name,
                   _("each family must be an object with an “id” and a “name” string"));
      return FALSE;
    }

  if (!g_hash_table_add (seen, (char *) id))
    {
      g_autofree char *problem =
        g_strdup_printf (_("family “%s” is listed twice"), id);
      set_invalid (error, source_name, problem);
      return FALSE;
    }

  family = contents_find_family (staged, id);
  if (family != NULL)
    {
      g_free (family->name);
      family->name = g_strdup (name);
    }
  else
    {
      g_ptr_array_add (staged->families, family_new (id, name));
    }

  return TRUE;
}

static gboolean
read_families (Contents    *staged,
               JsonObject  *root,
               const char  *source_name,
               GError     **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) local_error = NULL;
  JsonArray *families = read_array_member (root, "families", source_name, &local_error);

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  for (guint i = 0; families != NULL && i < json_array_get_length (families); i++)
    {
      if (!read_family (staged, seen, json_array_get_element (families, i), source_name, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
read_model (Contents    *staged,
            GHashTable  *seen,
            JsonNode    *node,
            const char  *source_name,
            GError     **error)
{
  g_autoptr(SdModel) model = NULL;
  g_autofree char *problem = NULL;
  const char *id;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      set_invalid (error, source_name, _("each model must be an object"));
      return FALSE;
    }

  model = sd_model_new_from_json (json_node_get_object (node), error);
  if (model == NULL)
    {
      /* Translators: a file name, then the problem */
      g_prefix_error (error, _("%s: "), source_name);
      return FALSE;
    }

  id = sd_model_get_id (model);
  if (!g_hash_table_add (seen, g_strdup (id)))
    problem = g_strdup_printf (_("model “%s” is listed twice"), id);
  else if (contents_find_family (staged, sd_model_get_family (model)) == NULL)
    problem = g_strdup_printf (_("model “%s”, field “family”: no family “%s” is listed"),
                               id, sd_model_get_family (model));

  if (problem != NULL)
    {
      set_invalid (error, source_name, problem);
      return FALSE;
    }

  contents_put_model (staged, model);
  return TRUE;
}

static gboolean
read_models (Contents    *staged,
             JsonObject  *root,
             const char  *source_name,
             GError     **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GError) local_error = NULL;
  JsonArray *models = read_array_member (root, "models", source_name, &local_error);

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  for (guint i = 0; models != NULL && i < json_array_get_length (models); i++)
    {
      if (!read_model (staged, seen, json_array_get_element (models, i), source_name, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
read_catalog (Contents    *staged,
              const char  *data,
              gssize       length,
              const char  *source_name,
              GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) parse_error = NULL;
  JsonNode *root;

  gsize size = length < 0 ? strlen (data) : (gsize) length;

  if (!sd_json_nesting_within_limit (data, size, MAX_NESTING))
    {
      set_invalid (error, source_name, _("the file is nested too deeply"));
      return FALSE;
    }
  if (!sd_json_holds_one_value (data, size))
    {
      set_invalid (error, source_name, _("the file must hold one JSON object"));
      return FALSE;
    }
  if (!json_parser_load_from_data (parser, data, length, &parse_error))
    {
      set_parse_error (error, source_name, parse_error);
      return FALSE;
    }

  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      set_invalid (error, source_name, _("the file is empty"));
      return FALSE;
    }
  if (!sd_json_strings_are_utf8 (root))
    {
      set_invalid (error, source_name, _("the file holds text that is not UTF-8"));
      return FALSE;
    }

  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      set_invalid (error, source_name, _("the file must hold one JSON object"));
      return FALSE;
    }

  return read_header (json_node_get_object (root), source_name, error) &&
         read_families (staged, json_node_get_object (root), source_name, error) &&
         read_models (staged, json_node_get_object (root), source_name, error);
}

/* Publishing a merge */

static const char *
contents_family_name (const Contents *contents,
                      const char     *id)
{
  Family *family = contents_find_family (contents, id);

  g_assert (family != NULL);
  return family->name;
}

static GPtrArray *
sd_catalog_grouped_models (SdCatalog *self)
{
  GPtrArray *grouped = g_ptr_array_new ();

  for (guint f = 0; f < self->contents.families->len; f++)
    {
      Family *family = g_ptr_array_index (self->contents.families, f);

      for (guint m = 0; m < self->contents.models->len; m++)
        {
          SdModel *model = g_ptr_array_index (self->contents.models, m);

          if (g_str_equal (sd_model_get_family (model), family->id))
            g_ptr_array_add (grouped, model);
        }
    }

  return grouped;
}

static gboolean
store_item_is (GListModel *list,
               guint       position,
               gpointer    item)
{
  g_autoptr(GObject) current = g_list_model_get_object (list, position);

  return current == item;
}

/* Replaces only the changed run of items, so that a list bound to the store
 * (a dropdown, a selection) keeps the items that did not change. */
static void
sd_catalog_update_store (SdCatalog *self,
                         GPtrArray *grouped)
{
  GListModel *list = G_LIST_MODEL (self->models);
  guint n_items = g_list_model_get_n_items (list);
  guint prefix = 0;
  guint suffix = 0;

  while (prefix < n_items && prefix < grouped->len &&
         store_item_is (list, prefix, g_ptr_array_index (grouped, prefix)))
    prefix++;

  while (suffix < n_items - prefix && suffix < grouped->len - prefix &&
         store_item_is (list, n_items - 1 - suffix,
                        g_ptr_array_index (grouped, grouped->len - 1 - suffix)))
    suffix++;

  if (prefix == n_items && prefix == grouped->len)
    return;

  g_list_store_splice (self->models, prefix, n_items - prefix - suffix,
                       grouped->pdata + prefix, grouped->len - prefix - suffix);
}

static void
sd_catalog_publish (SdCatalog *self,
                    Contents  *staged)
{
  g_autoptr(GStrvBuilder) family_ids = g_strv_builder_new ();
  g_autoptr(GPtrArray) grouped = NULL;

  contents_clear (&self->contents);
  self->contents = *staged;
  memset (staged, 0, sizeof *staged);

  for (guint i = 0; i < self->contents.families->len; i++)
    {
      Family *family = g_ptr_array_index (self->contents.families, i);
      g_strv_builder_add (family_ids, family->id);
    }
  g_strfreev (self->family_ids);
  self->family_ids = g_strv_builder_end (family_ids);

  for (guint i = 0; i < self->contents.models->len; i++)
    {
      SdModel *model = g_ptr_array_index (self->contents.models, i);
      sd_model_set_family_name (model, contents_family_name (&self->contents,
                                                             sd_model_get_family (model)));
    }

  grouped = sd_catalog_grouped_models (self);
  sd_catalog_update_store (self, grouped);
}

/* GObject */

static void
sd_catalog_finalize (GObject *object)
{
  SdCatalog *self = SD_CATALOG (object);

  contents_clear (&self->contents);
  g_clear_pointer (&self->family_ids, g_strfreev);
  g_clear_object (&self->models);

  G_OBJECT_CLASS (sd_catalog_parent_class)->finalize (object);
}

static void
sd_catalog_class_init (SdCatalogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sd_catalog_finalize;
}

static void
sd_catalog_init (SdCatalog *self)
{
  contents_init (&self->contents, NULL);
  self->family_ids = g_new0 (char *, 1);
  self->models = g_list_store_new (SD_TYPE_MODEL);
}

/* Public API */

/**
 * sd_catalog_new:
 *
 * Returns: (transfer full): the built-in catalogue (data/models.json)
 */
SdCatalog *
sd_catalog_new (void)
{
  g_autoptr(SdCatalog) self = g_object_new (SD_TYPE_CATALOG, NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  /* Looking the file up in our own GResource (rather than the global
   * registry) also keeps the static library's resource object linked. */
  bytes = g_resource_lookup_data (sd_core_get_resource (), BUILTIN_PATH,
                                  G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  if (bytes == NULL ||
      !sd_catalog_merge_data (self, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                              "resource://" BUILTIN_PATH, &error))
    g_critical ("The built-in model catalogue is broken: %s", error->message);

  return g_steal_pointer (&self);
}

/**
 * sd_catalog_new_with_overrides:
 * @warning: (out) (optional) (nullable): one sentence saying why the user's
 *   override file was not used, or %NULL
 *
 * Returns: (transfer full): the built-in catalogue with the user's models
 */
SdCatalog *
sd_catalog_new_with_overrides (char **warning)
{
  g_autoptr(SdCatalog) self = sd_catalog_new ();
  g_autofree char *path = g_build_filename (g_get_user_config_dir (),
                                            "seedance-studio", "models.json", NULL);
  g_autoptr(GError) error = NULL;

  if (warning != NULL)
    *warning = NULL;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return g_steal_pointer (&self);

  if (!sd_catalog_merge_file (self, path, &error))
    {
      g_debug ("Model overrides not used: %s", error->message);
      if (warning != NULL)
        /* Translators: the error names the file, the line and the problem */
        *warning = g_strdup_printf (_("Your model overrides were ignored and the built-in models are used, because of this problem: %s"),
                                    error->message);
    }

  return g_steal_pointer (&self);
}

/**
 * sd_catalog_merge_file:
 * @path: a catalogue file in the models.json format
 *
 * Adds the models of @path; a model whose id is known replaces the known one
 * in place. On error nothing changes.
 */
gboolean
sd_catalog_merge_file (SdCatalog   *self,
                       const char  *path,
                       GError     **error)
{
  g_autofree char *data = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize length;

  g_return_val_if_fail (SD_IS_CATALOG (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!g_file_get_contents (path, &data, &length, &local_error))
    {
      set_invalid (error, path, local_error->message);
      return FALSE;
    }

  return sd_catalog_merge_data (self, data, length, path, error);
}

/**
 * sd_catalog_merge_data:
 * @data: a catalogue in the models.json format
 * @length: the length of @data, or -1 if it is nul-terminated
 * @source_name: what error messages call @data, usually a file name
 *
 * Like sd_catalog_merge_file(). Emits #GListModel::items-changed on the
 * models list when something was merged.
 */
gboolean
sd_catalog_merge_data (SdCatalog   *self,
                       const char  *data,
                       gssize       length,
                       const char  *source_name,
                       GError     **error)
{
  Contents staged;
  gboolean ok;

  g_return_val_if_fail (SD_IS_CATALOG (self), FALSE);
  g_return_val_if_fail (data != NULL, FALSE);
  g_return_val_if_fail (source_name != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  contents_init (&staged, &self->contents);
  ok = read_catalog (&staged, data, length, source_name, error);
  if (ok)
    sd_catalog_publish (self, &staged);
  contents_clear (&staged);

  return ok;
}

/**
 * sd_catalog_lookup:
 *
 * Returns: (transfer none) (nullable): the model called @model_id
 */
SdModel *
sd_catalog_lookup (SdCatalog  *self,
                   const char *model_id)
{
  gpointer position;

  g_return_val_if_fail (SD_IS_CATALOG (self), NULL);
  g_return_val_if_fail (model_id != NULL, NULL);

  if (!g_hash_table_lookup_extended (self->contents.index, model_id, NULL, &position))
    return NULL;

  return g_ptr_array_index (self->contents.models, GPOINTER_TO_UINT (position));
}

/**
 * sd_catalog_get_models:
 *
 * Returns: (transfer none): a #GListModel of #SdModel grouped by family; it
 *   stays up to date across merges
 */
GListModel *
sd_catalog_get_models (SdCatalog *self)
{
  g_return_val_if_fail (SD_IS_CATALOG (self), NULL);
  return G_LIST_MODEL (self->models);
}

/**
 * sd_catalog_get_families:
 *
 * Returns: (transfer none): family ids in catalogue order; valid until the
 *   next merge
 */
const char * const *
sd_catalog_get_families (SdCatalog *self)
{
  g_return_val_if_fail (SD_IS_CATALOG (self), NULL);
  return (const char * const *) self->family_ids;
}

/**
 * sd_catalog_get_family_name:
 *
 * Returns: (nullable): the display name of @family, or %NULL if unknown
 */
const char *
sd_catalog_get_family_name (SdCatalog  *self,
                            const char *family)
{
  Family *found;

  g_return_val_if_fail (SD_IS_CATALOG (self), NULL);
  g_return_val_if_fail (family != NULL, NULL);

  found = contents_find_family (&self->contents, family);
  return found != NULL ? found->name : NULL;
}

/**
 * sd_catalog_list_family:
 *
 * Returns: (transfer full): a new #GListModel of the models of @family, in
 *   catalogue order (empty for an unknown family)
 */
GListModel *
sd_catalog_list_family (SdCatalog  *self,
                        const char *family)
{
  GListStore *store;

  g_return_val_if_fail (SD_IS_CATALOG (self), NULL);
  g_return_val_if_fail (family != NULL, NULL);

  store = g_list_store_new (SD_TYPE_MODEL);
  for (guint i = 0; i < self->contents.models->len; i++)
    {
      SdModel *model = g_ptr_array_index (self->contents.models, i);

      if (g_str_equal (sd_model_get_family (model), family))
        g_list_store_append (store, model);
    }

  return G_LIST_MODEL (store);
}

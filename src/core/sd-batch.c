/* sd-batch.c: batch files: JSON Lines of requests, read as untrusted input
 *
 * A batch file is one JSON object a line with the API's own field names,
 * plus "variants" (1–8 tasks of that line) and "label". Blank lines and
 * lines whose first non-blank character is "#" are skipped. Every line is
 * read and validated, and every problem kept with its line number, so the
 * user sees them all at once before anything is sent.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-batch"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "sd-api.h"
#include "sd-batch.h"
#include "sd-json.h"
#include "sd-uploader.h"

struct _SdBatch
{
  GObject    parent_instance;

  GPtrArray *lines;  /* SdBatchLine */
  char      *name;   /* the file's name, for people; NULL: not from a file */
};

G_DEFINE_TYPE (SdBatch, sd_batch, G_TYPE_OBJECT)

G_DEFINE_QUARK (sd-batch-error-quark, sd_batch_error)

/* The fields a line may hold: the API's, then the batch's own. */
static const char * const known_fields[] = {
  "model", "prompt", "duration", "ratio", "resolution", "orientation",
  "images", "first_image", "last_image", "reference_videos", "reference_audios",
  "variants", "label",
};

/* The fields whose entries are links, which a local path may stand for,
 * read and written through the request's own accessors (a property lookup
 * by name for each would be most of the cost of a large batch). */
typedef struct
{
  const char          *name;
  const char * const *(*get_list) (SdRequest *);
  void               (*set_list) (SdRequest *, const char * const *);
  const char         *(*get_one)  (SdRequest *);
  void               (*set_one)  (SdRequest *, const char *);
} LinkField;

static const LinkField link_fields[] = {
  { "images", sd_request_get_images, sd_request_set_images, NULL, NULL },
  { "first_image", NULL, NULL, sd_request_get_first_image, sd_request_set_first_image },
  { "last_image", NULL, NULL, sd_request_get_last_image, sd_request_set_last_image },
  { "reference_videos", sd_request_get_reference_videos, sd_request_set_reference_videos, NULL, NULL },
  { "reference_audios", sd_request_get_reference_audios, sd_request_set_reference_audios, NULL, NULL },
};

static void
batch_line_free (SdBatchLine *line)
{
  g_clear_object (&line->request);
  g_free (line->label);
  g_ptr_array_unref (line->problems);
  g_free (line);
}

static void
sd_batch_finalize (GObject *object)
{
  SdBatch *self = SD_BATCH (object);

  g_ptr_array_unref (self->lines);
  g_free (self->name);

  G_OBJECT_CLASS (sd_batch_parent_class)->finalize (object);
}

static void
sd_batch_class_init (SdBatchClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sd_batch_finalize;
}

static void
sd_batch_init (SdBatch *self)
{
  self->lines = g_ptr_array_new_with_free_func ((GDestroyNotify) batch_line_free);
}

static void
add_problem (SdBatchLine *line,
             const char  *field,
             const char  *message)
{
  g_ptr_array_add (line->problems, sd_problem_new (field, message));
}

/* Local paths */

/**
 * sd_batch_is_local_path:
 * @value: an entry of a link field
 *
 * Returns: %TRUE when @value names a local file rather than a link: a
 *   file:// URI or a path (anything without a scheme)
 */
gboolean
sd_batch_is_local_path (const char *value)
{
  const char *colon;

  if (value == NULL || *value == '\0')
    return FALSE;
  if (g_str_has_prefix (value, "file://") || value[0] == '/' || value[0] == '.' || value[0] == '~')
    return TRUE;
  colon = strchr (value, ':');
  return colon == NULL || (colon - value == 1 && g_ascii_isalpha (value[0]));
}

static char *
resolve_local_path (const char *value,
                    const char *base_dir)
{
  if (g_str_has_prefix (value, "file://"))
    return g_filename_from_uri (value, NULL, NULL);
  if (g_str_has_prefix (value, "~/"))
    return g_build_filename (g_get_home_dir (), value + 2, NULL);
  if (g_path_is_absolute (value))
    return g_canonicalize_filename (value, NULL);
  return g_canonicalize_filename (value, base_dir);
}

/* What a local file becomes for validation: a link of the shape the upload
 * will give it, so the model's rules (counts, schemes) judge the request as
 * it will be sent. */
/* Resolves each local entry of one link field: @resolved gets the absolute
 * path (what the upload will read), @stand_ins its stand-in link. */
static void
resolve_entries (SdBatchLine        *line,
                 const char         *field,
                 const char * const *values,
                 const char         *base_dir,
                 GStrvBuilder       *resolved,
                 GStrvBuilder       *stand_ins)
{
  for (gsize i = 0; values != NULL && values[i] != NULL; i++)
    {
      g_autofree char *path = NULL;
      g_autofree char *link = NULL;

      if (!sd_batch_is_local_path (values[i]))
        {
          g_strv_builder_add (resolved, values[i]);
          g_strv_builder_add (stand_ins, values[i]);
          continue;
        }

      path = resolve_local_path (values[i], base_dir);
      if (path == NULL || !g_file_test (path, G_FILE_TEST_IS_REGULAR))
        {
          g_autofree char *message = NULL;

          /* Translators: a local file named in a batch line */
          message = g_strdup_printf (_("“%s” is neither a link nor a readable file."), values[i]);
          add_problem (line, field, message);
          g_strv_builder_add (resolved, values[i]);
          link = sd_upload_stand_in_link (values[i]);
          g_strv_builder_add (stand_ins, link);
          continue;
        }
      link = sd_upload_stand_in_link (path);
      g_strv_builder_add (resolved, path);
      g_strv_builder_add (stand_ins, link);
    }
}

/* The entries of one link field as a list (a single link is a list of
 * one); @one is storage for that single entry's list. */
static const char * const *
get_link_field (SdRequest       *request,
                const LinkField *field,
                const char      *one[2])
{
  if (field->get_list != NULL)
    return field->get_list (request);
  one[0] = field->get_one (request);
  one[1] = NULL;
  return one[0] != NULL ? one : NULL;
}

static void
set_link_field (SdRequest          *request,
                const LinkField    *field,
                const char * const *values)
{
  if (field->set_list != NULL)
    field->set_list (request, values);
  else
    field->set_one (request, values != NULL ? values[0] : NULL);
}

/* Makes the line's request name each local file by its absolute path, and
 * returns the request as it will be sent (stand-in links for the files). */
static SdRequest *
resolve_local_files (SdBatchLine *line,
                     const char  *base_dir)
{
  g_autoptr(SdRequest) as_sent = NULL;

  /* Most lines name links only: they are validated as they are. */
  if (!sd_batch_request_has_local_files (line->request))
    return g_object_ref (line->request);

  as_sent = sd_request_copy (line->request);
  for (gsize i = 0; i < G_N_ELEMENTS (link_fields); i++)
    {
      g_autoptr(GStrvBuilder) resolved = g_strv_builder_new ();
      g_autoptr(GStrvBuilder) stand_ins = g_strv_builder_new ();
      g_auto(GStrv) values = NULL;
      g_auto(GStrv) resolved_values = NULL;
      g_auto(GStrv) stand_in_values = NULL;
      const char *one[2];
      const char * const *current = get_link_field (line->request, &link_fields[i], one);

      if (current == NULL || current[0] == NULL)
        continue;
      /* A copy: setting the field below frees what it returned. */
      values = g_strdupv ((char **) current);
      resolve_entries (line, link_fields[i].name, (const char * const *) values,
                       base_dir, resolved, stand_ins);
      resolved_values = g_strv_builder_end (resolved);
      stand_in_values = g_strv_builder_end (stand_ins);
      set_link_field (line->request, &link_fields[i], (const char * const *) resolved_values);
      set_link_field (as_sent, &link_fields[i], (const char * const *) stand_in_values);
    }
  return g_steal_pointer (&as_sent);
}

/**
 * sd_batch_request_has_local_files:
 * @request: a request
 *
 * Returns: %TRUE when an entry of a link field is a local file
 */
gboolean
sd_batch_request_has_local_files (SdRequest *request)
{
  g_return_val_if_fail (SD_IS_REQUEST (request), FALSE);

  for (gsize i = 0; i < G_N_ELEMENTS (link_fields); i++)
    {
      const char *one[2];
      const char * const *values = get_link_field (request, &link_fields[i], one);

      for (gsize j = 0; values != NULL && values[j] != NULL; j++)
        if (sd_batch_is_local_path (values[j]))
          return TRUE;
    }
  return FALSE;
}

/* Reading one line */

static gboolean
is_known_field (const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (known_fields); i++)
    if (strcmp (name, known_fields[i]) == 0)
      return TRUE;
  return FALSE;
}

static void
check_members (SdBatchLine *line,
               JsonObject  *object)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *member;

  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, &member))
    {
      g_autofree char *message = NULL;

      if (is_known_field (name))
        continue;
      /* Translators: a field name a batch line holds that no request has */
      message = g_strdup_printf (_("“%s” is not a field of a batch line; the fields are model, prompt, duration, ratio, resolution, orientation, images, first_image, last_image, reference_videos, reference_audios, variants and label."),
                                 name);
      add_problem (line, "line", message);
    }
}

static void
read_variants (SdBatchLine *line,
               JsonObject  *object)
{
  JsonNode *node = json_object_get_member (object, "variants");
  GType type = node != NULL && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;
  double value = -1;

  line->variants = 1;
  if (node == NULL)
    return;
  if (type == G_TYPE_INT64)
    value = (double) json_node_get_int (node);
  else if (type == G_TYPE_DOUBLE)
    value = json_node_get_double (node);

  if (value >= 1 && value <= SD_BATCH_MAX_VARIANTS && value == (int) value)
    {
      line->variants = (guint) value;
      return;
    }
  add_problem (line, "variants", _("“variants” must be a whole number from 1 to 8: how many tasks this line makes."));
}

static void
read_label (SdBatchLine *line,
            JsonObject  *object)
{
  JsonNode *node = json_object_get_member (object, "label");
  const char *label;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return;
  label = JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
          ? json_node_get_string (node) : NULL;
  if (label == NULL || g_utf8_strlen (label, -1) > SD_BATCH_MAX_LABEL)
    {
      add_problem (line, "label", _("“label” must be text of at most 200 characters."));
      return;
    }
  line->label = g_strdup (label);
}

static void
validate_request (SdBatchLine *line,
                  SdCatalog   *catalog,
                  const char  *base_dir)
{
  g_autoptr(SdRequest) as_sent = resolve_local_files (line, base_dir);
  const char *model_id = sd_request_get_model (as_sent);
  SdModel *model = model_id != NULL ? sd_catalog_lookup (catalog, model_id) : NULL;
  g_autoptr(GPtrArray) problems = sd_request_validate (as_sent, model);

  sd_upload_name_local_files (line->request, problems);
  for (guint i = 0; i < problems->len; i++)
    g_ptr_array_add (line->problems, sd_problem_copy (g_ptr_array_index (problems, i)));
}

/* The JSON checks json-glib needs before it may see untrusted text. */
static JsonNode *
parse_line_json (JsonParser  *parser,
                 SdBatchLine *line,
                 const char  *text,
                 gsize        length)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  JsonNode *root;

  if (!sd_json_nesting_within_limit (text, length, SD_BATCH_MAX_DEPTH))
    {
      add_problem (line, "line", _("The line must hold one JSON object of request fields, nested at most 8 levels."));
      return NULL;
    }
  /* Half a surrogate pair stands for no character; json-glib 1.6 decodes
   * it to bytes that are not UTF-8, 1.10 refuses it: said the same on both. */
  if (sd_json_has_lone_surrogate (text, length))
    {
      add_problem (line, "line", _("The line must be one JSON object of request fields, in UTF-8."));
      return NULL;
    }
  /* json-glib refuses text that is not UTF-8 itself: checked again only
   * to say so rather than quote its message. */
  if (!json_parser_load_from_data (parser, text, length, &error))
    {
      if (!g_utf8_validate (text, length, NULL))
        {
          add_problem (line, "line", _("The line is not UTF-8 text."));
          return NULL;
        }
      /* Translators: %s is json-glib's description of the syntax error */
      message = g_strdup_printf (_("The line is not valid JSON: %s"), error->message);
      add_problem (line, "line", message);
      return NULL;
    }
  /* json-glib takes "{} {}" as its first value. */
  if (!sd_json_holds_one_value (text, length))
    {
      add_problem (line, "line", _("The line must hold one JSON object of request fields, nested at most 8 levels."));
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
      !sd_json_strings_are_utf8 (root))
    {
      add_problem (line, "line", _("The line must be one JSON object of request fields, in UTF-8."));
      return NULL;
    }
  return root;
}

static SdBatchLine *
read_line (JsonParser *parser,
           guint       number,
           const char *text,
           gsize       length,
           SdCatalog  *catalog,
           const char *base_dir)
{
  SdBatchLine *line = g_new0 (SdBatchLine, 1);
  g_autoptr(GError) error = NULL;
  JsonNode *root;

  line->line = number;
  line->variants = 1;
  line->problems = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_problem_free);

  if (length > SD_BATCH_MAX_LINE_LENGTH)
    {
      add_problem (line, "line", _("The line is longer than 65536 bytes, the most a batch line may hold."));
      return line;
    }
  root = parse_line_json (parser, line, text, length);
  if (root == NULL)
    return line;

  check_members (line, json_node_get_object (root));
  read_variants (line, json_node_get_object (root));
  read_label (line, json_node_get_object (root));
  line->request = sd_api_request_from_json (root, &error);
  if (line->request == NULL)
    {
      add_problem (line, "line", error->message);
      return line;
    }
  validate_request (line, catalog, base_dir);
  return line;
}

/* The file */

static gboolean
is_skipped (const char *text,
            gsize       length)
{
  gsize i = 0;

  while (i < length && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r'))
    i++;
  return i == length || text[i] == '#';
}

static gboolean
too_large (GError **error)
{
  g_set_error (error, SD_BATCH_ERROR, SD_BATCH_ERROR_TOO_LARGE,
               _("The batch is too large: it may hold at most %d requests in %d lines and 64 MiB."),
               SD_BATCH_MAX_REQUESTS, SD_BATCH_MAX_LINES);
  return FALSE;
}

static gboolean
read_lines (SdBatch     *self,
            const char  *data,
            gsize        length,
            SdCatalog   *catalog,
            const char  *base_dir,
            GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize start = 0;
  guint number = 0;

  while (start < length)
    {
      const char *end = memchr (data + start, '\n', length - start);
      gsize line_length = end != NULL ? (gsize) (end - (data + start)) : length - start;
      gsize content_length = line_length;

      if (++number > SD_BATCH_MAX_LINES)
        return too_large (error);
      if (content_length > 0 && data[start + content_length - 1] == '\r')
        content_length--;
      if (!is_skipped (data + start, content_length))
        {
          if (self->lines->len >= SD_BATCH_MAX_REQUESTS)
            return too_large (error);
          g_ptr_array_add (self->lines, read_line (parser, number, data + start,
                                                   content_length, catalog, base_dir));
        }
      start += line_length + 1;
    }
  return TRUE;
}

/**
 * sd_batch_new_from_data:
 * @data: the whole batch file
 * @length: its length in bytes
 * @catalog: the models lines are validated against
 * @base_dir: (nullable): the folder relative paths are relative to
 * @error: return location for an %SD_BATCH_ERROR
 *
 * Returns: (transfer full) (nullable): the batch, each line with its
 *   problems, or %NULL when the file as a whole cannot be a batch
 */
SdBatch *
sd_batch_new_from_data (const char  *data,
                        gsize        length,
                        SdCatalog   *catalog,
                        const char  *base_dir,
                        GError     **error)
{
  g_autoptr(SdBatch) self = NULL;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (SD_IS_CATALOG (catalog), NULL);

  if (length > SD_BATCH_MAX_SIZE)
    {
      too_large (error);
      return NULL;
    }

  self = g_object_new (SD_TYPE_BATCH, NULL);
  if (!read_lines (self, data, length, catalog, base_dir, error))
    return NULL;
  if (self->lines->len == 0)
    {
      g_set_error_literal (error, SD_BATCH_ERROR, SD_BATCH_ERROR_EMPTY,
                           _("The batch holds no request: each request is one JSON object on a line of its own."));
      return NULL;
    }

  g_debug ("Read a batch of %u requests, %u of them invalid",
           self->lines->len, sd_batch_get_n_invalid (self));
  return g_steal_pointer (&self);
}

/**
 * sd_batch_new_from_file:
 * @path: a batch file
 * @catalog: the models lines are validated against
 * @error: return location for an %SD_BATCH_ERROR or a #GFileError
 *
 * Relative paths in the file are relative to the file's folder.
 *
 * Returns: (transfer full) (nullable): the batch
 */
SdBatch *
sd_batch_new_from_file (const char  *path,
                        SdCatalog   *catalog,
                        GError     **error)
{
  g_autoptr(GMappedFile) file = NULL;
  g_autofree char *absolute = NULL;
  g_autofree char *base_dir = NULL;
  g_autofree char *basename = NULL;
  SdBatch *batch;

  g_return_val_if_fail (path != NULL, NULL);

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
                   _("The batch file “%s” does not exist or is not a regular file."), path);
      return NULL;
    }
  file = g_mapped_file_new (path, FALSE, error);
  if (file == NULL)
    return NULL;

  absolute = g_canonicalize_filename (path, NULL);
  base_dir = g_path_get_dirname (absolute);
  batch = sd_batch_new_from_data (g_mapped_file_get_contents (file),
                                  g_mapped_file_get_length (file),
                                  catalog, base_dir, error);
  if (batch == NULL)
    return NULL;
  /* The name the batch's group is labelled with (sd_service_submit_group()). */
  basename = g_path_get_basename (absolute);
  batch->name = g_filename_display_name (basename);
  return batch;
}

/**
 * sd_batch_get_name:
 *
 * Returns: (nullable): the name of the file the batch was read from, for
 *   people (its group's label), or %NULL when it was not read from a file
 */
const char *
sd_batch_get_name (SdBatch *self)
{
  g_return_val_if_fail (SD_IS_BATCH (self), NULL);

  return self->name;
}

guint
sd_batch_get_n_lines (SdBatch *self)
{
  g_return_val_if_fail (SD_IS_BATCH (self), 0);

  return self->lines->len;
}

SdBatchLine *
sd_batch_get_line (SdBatch *self,
                   guint    index)
{
  g_return_val_if_fail (SD_IS_BATCH (self), NULL);
  g_return_val_if_fail (index < self->lines->len, NULL);

  return g_ptr_array_index (self->lines, index);
}

guint
sd_batch_get_n_invalid (SdBatch *self)
{
  guint n = 0;

  g_return_val_if_fail (SD_IS_BATCH (self), 0);

  for (guint i = 0; i < self->lines->len; i++)
    if (sd_batch_get_line (self, i)->problems->len > 0)
      n++;
  return n;
}

guint
sd_batch_get_n_takes (SdBatch *self)
{
  guint n = 0;

  g_return_val_if_fail (SD_IS_BATCH (self), 0);

  for (guint i = 0; i < self->lines->len; i++)
    {
      SdBatchLine *line = sd_batch_get_line (self, i);

      if (line->problems->len == 0)
        n += line->variants;
    }
  return n;
}

/**
 * sd_batch_describe_problems:
 * @self: a batch
 *
 * Returns: (transfer full) (nullable): "line N: field: rule", one a line
 */
char *
sd_batch_describe_problems (SdBatch *self)
{
  g_autoptr(GString) text = g_string_new (NULL);

  g_return_val_if_fail (SD_IS_BATCH (self), NULL);

  for (guint i = 0; i < self->lines->len; i++)
    {
      SdBatchLine *line = sd_batch_get_line (self, i);

      for (guint j = 0; j < line->problems->len; j++)
        {
          SdProblem *problem = g_ptr_array_index (line->problems, j);

          if (g_str_equal (problem->field, "line"))
            /* Translators: a batch line's number, then what is wrong with it */
            g_string_append_printf (text, _("line %u: %s"), line->line, problem->message);
          else
            /* Translators: a batch line's number, the field, then the rule */
            g_string_append_printf (text, _("line %u: %s: %s"), line->line,
                                    problem->field, problem->message);
          g_string_append_c (text, '\n');
        }
    }
  return text->len > 0 ? g_string_free (g_steal_pointer (&text), FALSE) : NULL;
}

/**
 * sd_batch_check:
 * @self: a batch
 * @error: return location for an %SD_BATCH_ERROR_INVALID
 *
 * Returns: %TRUE when no line has a problem
 */
gboolean
sd_batch_check (SdBatch  *self,
                GError  **error)
{
  guint n = sd_batch_get_n_invalid (self);

  if (n == 0)
    return TRUE;
  g_set_error (error, SD_BATCH_ERROR, SD_BATCH_ERROR_INVALID,
               g_dngettext (GETTEXT_PACKAGE,
                            "%u line of the batch is invalid; nothing was sent.",
                            "%u lines of the batch are invalid; nothing was sent.", n),
               n);
  return FALSE;
}

/**
 * sd_batch_estimate:
 * @self: a batch
 * @prices: the price table
 * @catalog: the models
 * @total: (out): the sum of the priced valid lines' estimates
 * @n_unpriced: (out): valid lines whose model has no price
 */
void
sd_batch_estimate (SdBatch   *self,
                   SdPrices  *prices,
                   SdCatalog *catalog,
                   SdMoney   *total,
                   guint     *n_unpriced)
{
  g_return_if_fail (SD_IS_BATCH (self));

  *total = 0;
  *n_unpriced = 0;
  for (guint i = 0; i < self->lines->len; i++)
    {
      SdBatchLine *line = sd_batch_get_line (self, i);
      g_auto(SdEstimate) estimate = { 0 };
      SdModel *model;

      if (line->problems->len > 0)
        continue;
      model = sd_catalog_lookup (catalog, sd_request_get_model (line->request));
      sd_prices_estimate (prices, line->request, model, line->variants, &estimate);
      /* A sum that would not fit counts the line as unpriced, never wraps. */
      if (estimate.priced && *total <= G_MAXINT64 - estimate.total)
        *total += estimate.total;
      else
        (*n_unpriced)++;
    }
}

/**
 * sd_batch_line_to_json:
 * @request: a request
 * @variants: how many tasks the line makes (1 is not written)
 * @label: (nullable): the line's label
 *
 * Returns: (transfer full): the object of one batch line
 */
JsonNode *
sd_batch_line_to_json (SdRequest  *request,
                       guint       variants,
                       const char *label)
{
  JsonNode *node = sd_api_request_to_json (request);
  JsonObject *object = json_node_get_object (node);

  if (variants > 1)
    json_object_set_int_member (object, "variants", variants);
  if (label != NULL && *label != '\0')
    json_object_set_string_member (object, "label", label);
  return node;
}

/**
 * sd_batch_write_line:
 * @request: a request
 * @variants: how many tasks the line makes (1 is not written)
 * @label: (nullable): the line's label
 *
 * Returns: (transfer full): the line, without its newline
 */
char *
sd_batch_write_line (SdRequest  *request,
                     guint       variants,
                     const char *label)
{
  g_autoptr(JsonNode) node = sd_batch_line_to_json (request, variants, label);
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  json_generator_set_root (generator, node);
  return json_generator_to_data (generator, NULL);
}

/**
 * sd_batch_is_batch_file_name:
 * @name: (nullable): a file name or path
 *
 * Returns: %TRUE when @name ends in ".jsonl" or ".ndjson" (any case), as
 *   the files Import Batch takes from a drop
 */
gboolean
sd_batch_is_batch_file_name (const char *name)
{
  g_autofree char *folded = NULL;

  if (name == NULL)
    return FALSE;
  folded = g_ascii_strdown (name, -1);
  return g_str_has_suffix (folded, ".jsonl") || g_str_has_suffix (folded, ".ndjson");
}

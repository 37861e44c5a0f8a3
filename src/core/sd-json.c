/* sd-json.c: checks for JSON that comes from outside
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-json"

#include "config.h"

#include "sd-json.h"

/**
 * sd_json_nesting_within_limit:
 * @data: JSON text, not necessarily nul-terminated
 * @length: the length of @data in bytes
 * @max_depth: the deepest nesting of arrays and objects allowed
 *
 * Returns: %TRUE when @data nests no deeper than @max_depth
 */
gboolean
sd_json_nesting_within_limit (const char *data,
                              gsize       length,
                              guint       max_depth)
{
  gboolean in_string = FALSE;
  guint depth = 0;

  for (gsize i = 0; i < length; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if (c == '[' || c == '{')
        {
          if (++depth > max_depth)
            return FALSE;
        }
      else if ((c == ']' || c == '}') && depth > 0)
        depth--;
    }
  return TRUE;
}

/**
 * sd_json_strings_are_utf8:
 * @node: a parsed JSON document
 *
 * Returns: %TRUE when every member name and string value in @node is UTF-8
 */
gboolean
sd_json_strings_are_utf8 (JsonNode *node)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *member;

      json_object_iter_init (&iter, json_node_get_object (node));
      while (json_object_iter_next (&iter, &name, &member))
        if (!g_utf8_validate (name, -1, NULL) || !sd_json_strings_are_utf8 (member))
          return FALSE;
      return TRUE;
    }
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        if (!sd_json_strings_are_utf8 (json_array_get_element (array, i)))
          return FALSE;
      return TRUE;
    }
  return !JSON_NODE_HOLDS_VALUE (node) ||
         json_node_get_value_type (node) != G_TYPE_STRING ||
         g_utf8_validate (json_node_get_string (node), -1, NULL);
}

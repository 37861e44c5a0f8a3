/* sd-json.c: checks for JSON that comes from outside
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-json"

#include "config.h"

#include "sd-json.h"

#include <string.h>

/* Walks JSON text a byte at a time, skipping what is inside strings: a
 * string's opening quote is seen, its contents (escapes included) and its
 * closing quote are not. Brackets inside strings therefore never count. */
typedef struct
{
  const char *data;
  gsize       length;
  gsize       next;
  gboolean    in_string;
} Scan;

static gboolean
scan_next (Scan  *scan,
           char  *c,
           gsize *at)
{
  while (scan->next < scan->length)
    {
      gsize i = scan->next++;
      char b = scan->data[i];

      if (scan->in_string)
        {
          if (b == '\\')
            scan->next++;
          else if (b == '"')
            scan->in_string = FALSE;
          continue;
        }
      scan->in_string = b == '"';
      *c = b;
      *at = i;
      return TRUE;
    }
  return FALSE;
}

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
  Scan scan = { data, length, 0, FALSE };
  guint depth = 0;
  gsize at;
  char c;

  while (scan_next (&scan, &c, &at))
    {
      if (c == '[' || c == '{')
        {
          if (++depth > max_depth)
            return FALSE;
        }
      else if ((c == ']' || c == '}') && depth > 0)
        depth--;
    }
  return TRUE;
}

/* JSON's own blanks; json-glib skips the same between tokens */
static gboolean
is_blank (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/**
 * sd_json_holds_one_value:
 * @data: JSON text, not necessarily nul-terminated
 * @length: the length of @data in bytes
 *
 * JSON text is one value. json-glib takes more than one at the top level
 * (`{…}{…}`, `1 []`): 1.6 keeps the last and leaks the others, 1.10 wraps
 * them in an array it leaves unsealed, so that json_parser_get_root() on an
 * immutable parser aborts. Refusing them first makes both versions agree.
 * A leading byte order mark is skipped, as json-glib does.
 *
 * Returns: %TRUE unless @data has a second value after its top-level array
 *   or object, or an array or object after another top-level value
 */
gboolean
sd_json_holds_one_value (const char *data,
                         gsize       length)
{
  Scan scan = { data, length, 0, FALSE };
  gboolean started = FALSE;
  gboolean closed = FALSE;
  guint depth = 0;
  gsize at;
  char c;

  if (length >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0)
    scan.next = 3;

  while (scan_next (&scan, &c, &at))
    {
      if (depth == 0 && !is_blank (c))
        {
          if (closed || ((c == '[' || c == '{') && started))
            {
              g_debug ("refusing JSON text with a second top-level value at byte %" G_GSIZE_FORMAT, at);
              return FALSE;
            }
          started = TRUE;
        }
      if (c == '[' || c == '{')
        depth++;
      else if ((c == ']' || c == '}') && depth > 0 && --depth == 0)
        closed = TRUE;
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

static gboolean
read_escape (const char *text,
             gsize       length,
             gsize       at,
             guint      *code)
{
  *code = 0;
  if (at + 6 > length || text[at] != '\\' || text[at + 1] != 'u')
    return FALSE;
  for (gsize i = at + 2; i < at + 6; i++)
    {
      int digit = g_ascii_xdigit_value (text[i]);

      if (digit < 0)
        return FALSE;
      *code = *code * 16 + (guint) digit;
    }
  return TRUE;
}

/**
 * sd_json_has_lone_surrogate:
 * @text: JSON text
 * @length: its length in bytes
 *
 * A `\u` escape of half a surrogate pair without its other half stands
 * for no character: json-glib 1.6 decodes it to bytes that are not UTF-8,
 * 1.10 to U+FFFD. Looking at the text says the same on both.
 *
 * Returns: %TRUE when @text holds such an escape
 */
gboolean
sd_json_has_lone_surrogate (const char *text,
                            gsize       length)
{
  for (gsize i = 0; i + 1 < length; i++)
    {
      guint code, low;

      if (text[i] != '\\')
        continue;
      if (!read_escape (text, length, i, &code))
        {
          i++; /* another escape, such as \\ */
          continue;
        }
      if (code >= 0xDC00 && code <= 0xDFFF)
        return TRUE;
      if (code >= 0xD800 && code <= 0xDBFF)
        {
          if (!read_escape (text, length, i + 6, &low) || low < 0xDC00 || low > 0xDFFF)
            return TRUE;
          i += 6;
        }
      i += 5;
    }
  return FALSE;
}

/* sd-cli-output.c: how the command line shows text it did not write
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "seedance-cli"

#include "config.h"

#include "sd-cli-output.h"

/* Server messages, failure reasons, task ids, video addresses, model names,
 * paths and the user's own arguments reach a terminal through these
 * functions. A terminal acts on control characters (ESC starts sequences
 * that can set the clipboard with OSC 52 or clear the screen, CR and
 * backspace overwrite what was printed, C1 controls such as U+009B act as
 * CSI on some terminals) and on bidi controls (U+202E shows text reversed),
 * so none of them may pass through: each is shown as a visible escape. */

/**
 * sd_cli_output_is_unsafe_char:
 * @c: a code point
 *
 * Returns: %TRUE for a character that can drive a terminal or change how
 *   the text around it reads: C0 controls (line breaks included, so a
 *   server cannot forge a line), DEL, C1 controls, the bidi embeddings,
 *   overrides, isolates and marks, and the Unicode line and paragraph
 *   separators
 */
gboolean
sd_cli_output_is_unsafe_char (gunichar c)
{
  return c < 0x20 || (c >= 0x7f && c <= 0x9f) ||
         c == 0x061c ||                    /* ARABIC LETTER MARK */
         c == 0x200e || c == 0x200f ||     /* LRM, RLM */
         c == 0x2028 || c == 0x2029 ||     /* line and paragraph separators */
         (c >= 0x202a && c <= 0x202e) ||   /* LRE, RLE, PDF, LRO, RLO */
         (c >= 0x2066 && c <= 0x2069);     /* LRI, RLI, FSI, PDI */
}

static void
append_escaped_char (GString  *out,
                     gunichar  c)
{
  switch (c)
    {
    case '\n':
      g_string_append (out, "\\n");
      break;
    case '\r':
      g_string_append (out, "\\r");
      break;
    case '\t':
      g_string_append (out, "\\t");
      break;
    default:
      if (c < 0x80)
        g_string_append_printf (out, "\\x%02x", c);
      else
        g_string_append_printf (out, "\\u%04x", c);
    }
}

/**
 * sd_cli_output_escape_append:
 * @out: where to append
 * @text: (nullable): any bytes, not necessarily UTF-8
 * @length: the length of @text in bytes, or -1 if it is nul-terminated
 *
 * Appends @text with every unsafe character (see
 * sd_cli_output_is_unsafe_char()) written as `\n`, `\r`, `\t`, `\xHH` (other
 * C0 controls and DEL) or `\uHHHH` (C1 and bidi controls), and every byte
 * that is not part of valid UTF-8 as `\xHH`. Everything else is kept.
 */
void
sd_cli_output_escape_append (GString    *out,
                             const char *text,
                             gssize      length)
{
  const char *p;
  const char *end;

  g_return_if_fail (out != NULL);

  if (text == NULL)
    return;

  end = text + (length < 0 ? strlen (text) : (gsize) length);
  for (p = text; p < end;)
    {
      gunichar c = g_utf8_get_char_validated (p, end - p);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          /* Invalid UTF-8: show the byte, never pass it on (0x9b alone is
           * CSI to an 8-bit terminal). */
          g_string_append_printf (out, "\\x%02x", (guchar) *p);
          p++;
          continue;
        }

      if (sd_cli_output_is_unsafe_char (c))
        append_escaped_char (out, c);
      else
        g_string_append_len (out, p, g_utf8_next_char (p) - p);
      p = g_utf8_next_char (p);
    }
}

/**
 * sd_cli_output_escape:
 * @text: (nullable): any bytes
 *
 * Returns: (transfer full): @text as sd_cli_output_escape_append() shows
 *   it; "" for %NULL
 */
char *
sd_cli_output_escape (const char *text)
{
  GString *out = g_string_new (NULL);

  sd_cli_output_escape_append (out, text, -1);
  return g_string_free (out, FALSE);
}

/* json-glib writes C0 controls as \u00XX but copies DEL, C1 and bidi
 * controls as they are, and any invalid byte too. Outside strings a JSON
 * text is plain ASCII, so each such character found in the generated text
 * sits inside a string, where \uXXXX stands for the same character: the
 * output stays valid JSON, decodes to the same strings, and is safe to
 * `cat`. An invalid byte has no JSON form; it becomes U+FFFD. */
static char *
escape_json_text (const char *json)
{
  GString *out = g_string_sized_new (strlen (json));
  const char *end = json + strlen (json);

  for (const char *p = json; p < end;)
    {
      gunichar c = g_utf8_get_char_validated (p, end - p);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          g_string_append (out, "\\ufffd");
          p++;
          continue;
        }

      /* Outside strings the generator's own newlines and indentation stay. */
      if (c >= 0x7f && sd_cli_output_is_unsafe_char (c))
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_len (out, p, g_utf8_next_char (p) - p);
      p = g_utf8_next_char (p);
    }

  return g_string_free (out, FALSE);
}

/**
 * sd_cli_output_json_to_text:
 * @node: a JSON value
 *
 * Returns: (transfer full): @node as pretty-printed JSON that holds no
 *   character a terminal acts on, and no invalid UTF-8
 */
char *
sd_cli_output_json_to_text (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  g_return_val_if_fail (node != NULL, NULL);

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, NULL);
  return escape_json_text (text);
}

/**
 * sd_cli_output_pad_to_width:
 * @text: valid UTF-8
 * @columns: the width to fill
 *
 * Pads @text with spaces to @columns terminal cells: CJK characters take
 * two, and printf's %-10s counts bytes, which lines up nothing outside
 * ASCII.
 *
 * Returns: (transfer full): the padded text
 */
char *
sd_cli_output_pad_to_width (const char *text,
                            guint       columns)
{
  GString *padded = g_string_new (text);
  guint width = 0;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    width += g_unichar_iswide (g_utf8_get_char (p)) ? 2 : 1;
  for (; width < columns; width++)
    g_string_append_c (padded, ' ');
  return g_string_free (padded, FALSE);
}

/**
 * sd_cli_output_log_writer:
 * @log_level: the level
 * @fields: the fields of the message
 * @n_fields: how many
 * @user_data: unused
 *
 * A #GLogWriterFunc for the command line: core warnings quote task ids and
 * server messages, and GLib's own writer lets bidi controls through, so the
 * message is escaped first, then written by g_log_writer_default().
 *
 * Returns: what g_log_writer_default() returns
 */
GLogWriterOutput
sd_cli_output_log_writer (GLogLevelFlags   log_level,
                          const GLogField *fields,
                          gsize            n_fields,
                          gpointer         user_data)
{
  g_autofree GLogField *copy = g_memdup2 (fields, n_fields * sizeof *fields);
  g_autoptr(GString) message = g_string_new (NULL);

  for (gsize i = 0; i < n_fields; i++)
    {
      if (g_strcmp0 (copy[i].key, "MESSAGE") != 0 || copy[i].value == NULL)
        continue;

      sd_cli_output_escape_append (message, copy[i].value, copy[i].length);
      copy[i].value = message->str;
      copy[i].length = -1;
      break;
    }

  return g_log_writer_default (log_level, copy, n_fields, user_data);
}

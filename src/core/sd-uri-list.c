/* sd-uri-list.c: URLs out of dropped or pasted text
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-uri-list"

#include "config.h"

#include <string.h>

#include "sd-uri-list.h"

/* A drop of a whole web page must not turn into thousands of rows. */
#define MAX_ITEMS 100

void
sd_uri_item_free (SdUriItem *item)
{
  if (item == NULL)
    return;
  g_free (item->text);
  g_free (item);
}

static gboolean
has_prefix_ci (const char *text,
               const char *prefix)
{
  return g_ascii_strncasecmp (text, prefix, strlen (prefix)) == 0;
}

static gboolean
is_web_url (const char *text)
{
  g_autoptr(GUri) uri = NULL;
  const char *host;

  if (!has_prefix_ci (text, "https://") && !has_prefix_ci (text, "http://"))
    return FALSE;
  uri = g_uri_parse (text, G_URI_FLAGS_ENCODED | G_URI_FLAGS_PARSE_RELAXED, NULL);
  if (uri == NULL)
    return FALSE;
  host = g_uri_get_host (uri);
  return host != NULL && *host != '\0';
}

static SdUriKind
classify (const char *text)
{
  if (is_web_url (text))
    return SD_URI_KIND_WEB;
  if (has_prefix_ci (text, "asset://") && text[strlen ("asset://")] != '\0')
    return SD_URI_KIND_ASSET;
  /* the same spellings sd_upload_local_file_for_reference() uploads */
  if (has_prefix_ci (text, "file://") || text[0] == '/' || g_str_has_prefix (text, "~/") ||
      g_str_has_prefix (text, "./") || g_str_has_prefix (text, "../"))
    return SD_URI_KIND_LOCAL_FILE;
  return SD_URI_KIND_NOT_A_URL;
}

static gboolean
is_wrapping_char (char c)
{
  return strchr ("<>\"'[]`", c) != NULL;
}

static gboolean
is_trailing_punctuation (char c)
{
  return strchr (".,;:!?", c) != NULL;
}

static guint
count_char (const char *start,
            const char *end,
            char        c)
{
  guint n = 0;

  for (const char *p = start; p < end; p++)
    n += *p == c;
  return n;
}

/* Strips what surrounds a link in prose or markdown: <https://...>,
 * "https://...", (see https://...), a full stop after it. A closing
 * parenthesis stays when it balances one inside the link. */
static char *
trim_token (const char *start,
            const char *end)
{
  /* counted once: recounting per stripped ')' made "a)))..." quadratic */
  guint opening = count_char (start, end, '(');
  guint closing = count_char (start, end, ')');
  gboolean changed = TRUE;

  while (changed && start < end)
    {
      changed = FALSE;
      if (is_wrapping_char (*start) || *start == '(')
        {
          opening -= *start == '(';
          start++, changed = TRUE;
        }
      else if (is_wrapping_char (end[-1]) || is_trailing_punctuation (end[-1]))
        end--, changed = TRUE;
      else if (end[-1] == ')' && opening < closing)
        {
          closing--;
          end--, changed = TRUE;
        }
    }
  return start < end ? g_strndup (start, end - start) : NULL;
}

/* ASCII whitespace, other control characters (g_ascii_isspace() leaves out
 * the vertical tab) and commas, plus the CJK comma and enumeration comma
 * that pasted Chinese text uses between links. */
static gsize
separator_length (const char *p)
{
  if (g_ascii_isspace (*p) || g_ascii_iscntrl (*p) || *p == ',')
    return 1;
  if (g_str_has_prefix (p, "\xef\xbc\x8c") || g_str_has_prefix (p, "\xe3\x80\x81"))
    return 3;
  return 0;
}

static void
add_token (GPtrArray  *items,
           const char *start,
           const char *end)
{
  g_autofree char *text = trim_token (start, end);
  SdUriItem *item;

  if (text == NULL)
    return;
  item = g_new0 (SdUriItem, 1);
  item->kind = classify (text);
  item->text = g_steal_pointer (&text);
  g_ptr_array_add (items, item);
}

static void
parse_line (GPtrArray  *items,
            const char *line)
{
  const char *p = line;

  /* text/uri-list comments (RFC 2483) */
  if (*line == '#')
    return;

  while (*p != '\0' && items->len < MAX_ITEMS)
    {
      const char *start;

      while (*p != '\0' && separator_length (p) > 0)
        p += separator_length (p);
      start = p;
      while (*p != '\0' && separator_length (p) == 0)
        p++;
      if (p > start)
        add_token (items, start, p);
    }
}

/**
 * sd_uri_list_parse:
 * @text: dropped or pasted text
 * @length: the length of @text in bytes, or -1 when it is nul-terminated
 *
 * Splits @text into items: a text/uri-list (comments and CRLF line ends
 * allowed) or plain text with links separated by whitespace, commas or
 * newlines. Surrounding brackets, quotes and trailing punctuation are removed.
 * Invalid UTF-8 is replaced. At most 100 items are returned.
 *
 * Returns: (transfer full) (element-type SdUriItem): the items, in order
 */
GPtrArray *
sd_uri_list_parse (const char *text,
                   gssize      length)
{
  GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_uri_item_free);
  g_autofree char *valid = NULL;
  g_auto(GStrv) lines = NULL;

  if (text == NULL)
    return items;

  valid = g_utf8_make_valid (text, length);
  /* a nul byte inside @length has become U+FFFD: nothing ends early */
  g_strdelimit (valid, "\r", '\n');
  lines = g_strsplit (valid, "\n", -1);
  for (guint i = 0; lines[i] != NULL && items->len < MAX_ITEMS; i++)
    parse_line (items, g_strstrip (lines[i]));

  return items;
}

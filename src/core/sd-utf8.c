/* sd-utf8.c: small helpers for UTF-8 text shown to people
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "sd-utf8.h"

/**
 * sd_utf8_ellipsize:
 * @text: (nullable): valid UTF-8
 * @max_chars: the most characters the result may have, at least 1
 *
 * Cuts @text to @max_chars characters (not bytes), the last of them "…"
 * when anything was cut, so a long text never splits a character.
 *
 * Returns: (transfer full): the text, shortened; "" for %NULL
 */
char *
sd_utf8_ellipsize (const char *text,
                   gsize       max_chars)
{
  g_autofree char *start = NULL;

  g_return_val_if_fail (max_chars > 0, NULL);

  if (text == NULL)
    return g_strdup ("");
  if ((gsize) g_utf8_strlen (text, -1) <= max_chars)
    return g_strdup (text);

  start = g_utf8_substring (text, 0, max_chars - 1);
  return g_strconcat (start, "…", NULL);
}

/* sd-download-name.c: safe file names for finished videos
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-download"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "sd-download.h"
#include "sd-download-private.h"
#include "sd-download-test.h"

#define BASENAME_MAX_BYTES    120
#define PROMPT_MAX_CHARS      40
#define TASK_ID_MAX_BYTES     64
#define ID_HASH_CHARS         12
#define EXTENSION_MAX_BYTES   8
#define FALLBACK_STEM         "seedance"
#define PART_SUFFIX           ".part"
#define PART_HASH_CHARS       16

/* File names */

static gboolean
is_unsafe_on_filesystems (gunichar c)
{
  return c > 0 && c < 0x80 && strchr ("/\\:*?\"<>|", (int) c) != NULL;
}

static gboolean
is_invisible (gunichar c)
{
  switch (g_unichar_type (c))
    {
    /* Format characters include bidi overrides that disguise extensions. */
    case G_UNICODE_FORMAT:
    case G_UNICODE_UNASSIGNED:
    case G_UNICODE_PRIVATE_USE:
    case G_UNICODE_SURROGATE:
      return TRUE;
    default:
      return FALSE;
    }
}

static gboolean
is_word_separator (gunichar c)
{
  return g_unichar_isspace (c) || g_unichar_iscntrl (c) ||
         g_unichar_type (c) == G_UNICODE_LINE_SEPARATOR ||
         g_unichar_type (c) == G_UNICODE_PARAGRAPH_SEPARATOR ||
         is_unsafe_on_filesystems (c);
}

/* Words separated by single spaces; no unsafe character, no "..", no leading
 * dot or dash. */
static char *
clean_prompt (const char *prompt)
{
  g_autofree char *valid = g_utf8_make_valid (prompt, -1);
  g_autofree char *composed = g_utf8_normalize (valid, -1, G_NORMALIZE_DEFAULT_COMPOSE);
  GString *out = g_string_new (NULL);
  gboolean pending_space = FALSE;

  for (const char *p = composed; p != NULL && *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (is_invisible (c))
        continue;
      if (is_word_separator (c))
        {
          pending_space = out->len > 0;
          continue;
        }
      if (out->len == 0 && (c == '.' || c == '-'))
        continue;
      if (c == '.' && !pending_space && out->str[out->len - 1] == '.')
        continue;
      if (pending_space)
        g_string_append_c (out, ' ');
      pending_space = FALSE;
      g_string_append_unichar (out, c);
    }

  return g_string_free (out, FALSE);
}

static void
strip_trailing (char *text)
{
  gsize len = strlen (text);

  /* Trailing dots and spaces vanish on some filesystems. */
  while (len > 0 && strchr (" .-", text[len - 1]) != NULL)
    text[--len] = '\0';
}

/* At most PROMPT_MAX_CHARS characters and @max_bytes bytes, never inside a
 * UTF-8 sequence; at a space when one falls in the second half, otherwise
 * between characters (Chinese has no spaces between words). */
static char *
cut_words (const char *text,
           gsize       max_bytes)
{
  const char *p = text;
  const char *last_space = NULL;
  const char *end;
  char *cut;

  for (guint n = 0; *p != '\0' && n < PROMPT_MAX_CHARS; n++)
    {
      const char *next = g_utf8_next_char (p);

      if ((gsize) (next - text) > max_bytes)
        break;
      if (*p == ' ')
        last_space = p;
      p = next;
    }

  end = p;
  if (*p != '\0' && *p != ' ' && last_space != NULL && last_space - text >= (p - text) / 2)
    end = last_space;

  cut = g_strndup (text, end - text);
  strip_trailing (cut);
  return cut;
}

/* ASCII letters, digits, '-' and '_'; anything else becomes a single '-'. */
static char *
clean_task_id (const char *task_id)
{
  GString *out = g_string_new (NULL);

  for (const char *p = task_id; p != NULL && *p != '\0' && out->len <= TASK_ID_MAX_BYTES; p++)
    {
      if (g_ascii_isalnum (*p) || *p == '_')
        g_string_append_c (out, *p);
      else if (out->len > 0 && out->str[out->len - 1] != '-')
        g_string_append_c (out, '-');
    }

  while (out->len > 0 && out->str[out->len - 1] == '-')
    g_string_truncate (out, out->len - 1);
  return g_string_free (out, FALSE);
}

static char *
sha256_prefix (const char *text,
               gsize       length)
{
  g_autofree char *hex = g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);

  return g_strndup (hex, length);
}

/* The id as it goes into a file name. An id that cleaning had to change or
 * cut is followed by a hash of the whole id, so that two tasks whose ids
 * share a long prefix, or differ only in unsafe characters, never get one
 * name. */
static char *
file_name_id (const char *task_id)
{
  g_autofree char *id = clean_task_id (task_id);
  g_autofree char *hash = NULL;

  if (task_id == NULL || strcmp (id, task_id) == 0)
    return g_steal_pointer (&id);

  hash = sha256_prefix (task_id, ID_HASH_CHARS);
  if (strlen (id) > TASK_ID_MAX_BYTES - ID_HASH_CHARS - 1)
    id[TASK_ID_MAX_BYTES - ID_HASH_CHARS - 1] = '\0';
  for (gsize len = strlen (id); len > 0 && id[len - 1] == '-'; len--)
    id[len - 1] = '\0';
  return *id != '\0' ? g_strconcat (id, "-", hash, NULL) : g_steal_pointer (&hash);
}

static char *
clean_extension (const char *extension)
{
  GString *out = g_string_new (".");

  for (const char *p = extension; p != NULL && *p != '\0'; p++)
    {
      if (g_ascii_isalnum (*p) && out->len <= EXTENSION_MAX_BYTES)
        g_string_append_c (out, g_ascii_tolower (*p));
    }

  if (out->len == 1)
    g_string_append (out, "mp4");
  return g_string_free (out, FALSE);
}

/**
 * sd_download_get_default_directory:
 *
 * Returns: (transfer full): the default folder for finished videos
 */
char *
sd_download_get_default_directory (void)
{
  const char *videos = g_get_user_special_dir (G_USER_DIRECTORY_VIDEOS);

  if (videos != NULL)
    return g_build_filename (videos, "Seedance", NULL);
  return g_build_filename (g_get_home_dir (), "Videos", "Seedance", NULL);
}

/**
 * sd_download_make_basename:
 * @prompt: (nullable): the prompt the video was made from
 * @task_id: (nullable): the task id, as the server gave it
 * @extension: (nullable): the file extension, ".mp4" when %NULL
 *
 * Makes a file name from the first words of @prompt (about 40 characters,
 * cut at a word boundary, UTF-8 kept whole) and @task_id, safe on common
 * filesystems: no path separators, no "..", no control or invisible
 * characters, no leading dot or dash, at most 120 bytes. An id that had to
 * be cleaned or cut keeps its safe part followed by 12 hex digits of its
 * SHA-256, so ids that share a long prefix or differ only in unsafe
 * characters give different names. Without usable words the name is
 * "seedance-<task id><extension>".
 *
 * Returns: (transfer full): the file name
 */
char *
sd_download_make_basename (const char *prompt,
                           const char *task_id,
                           const char *extension)
{
  g_autofree char *id = file_name_id (task_id);
  g_autofree char *ext = clean_extension (extension);
  g_autofree char *words = clean_prompt (prompt != NULL ? prompt : "");
  g_autofree char *stem = NULL;
  gsize reserved;

  /* " - " + id + ext; what is left goes to the words. */
  reserved = 3 + strlen (id) + strlen (ext);
  g_assert (reserved < BASENAME_MAX_BYTES);
  stem = cut_words (words, BASENAME_MAX_BYTES - reserved);

  if (*stem == '\0' && *id == '\0')
    return g_strconcat (FALLBACK_STEM, ext, NULL);
  if (*stem == '\0')
    return g_strconcat (FALLBACK_STEM, "-", id, ext, NULL);
  if (*id == '\0')
    return g_strconcat (stem, ext, NULL);
  return g_strconcat (stem, " - ", id, ext, NULL);
}

gboolean
_sd_download_check_basename (const char  *basename,
                             GError     **error)
{
  g_autofree char *shown = NULL;

  if (*basename != '\0' && *basename != '.' && strchr (basename, '/') == NULL &&
      g_utf8_validate (basename, -1, NULL))
    return TRUE;

  shown = g_utf8_make_valid (basename, -1);
  g_set_error (error, SD_DOWNLOAD_ERROR, SD_DOWNLOAD_ERROR_FILE,
               _("“%s” cannot be used as a file name."), shown);
  return FALSE;
}

/**
 * sd_download_make_part_name:
 * @basename: the final file name
 * @owner: what the download belongs to: the API base and the task id
 *
 * Returns: (transfer full): the name of the .part file for @basename and
 *   @owner: @basename, a hash of all of @owner, ".part"
 */
char *
sd_download_make_part_name (const char *basename,
                            const char *owner)
{
  g_autofree char *hash = sha256_prefix (owner, PART_HASH_CHARS);

  return g_strconcat (basename, ".", hash, PART_SUFFIX, NULL);
}

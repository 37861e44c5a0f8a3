/* fuzz-uri-list.c: libFuzzer target for dropped and pasted text
 *
 * Every item must be valid UTF-8, non-empty, free of separators and control
 * characters, trimmed of brackets and trailing punctuation and of a known
 * kind; there are at most 100.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "fuzz-uri-list"

#include "config.h"

#include <stdint.h>
#include <string.h>

#include "sd-uri-list.h"

#define MAX_ITEMS 100

int LLVMFuzzerInitialize   (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
assert_trimmed (const char *text)
{
  gsize length = strlen (text);
  char first = text[0];
  char last = text[length - 1];

  for (const char *p = text; *p != '\0'; p++)
    g_assert_false (g_ascii_iscntrl (*p) || *p == ' ' || *p == ',');
  g_assert_null (strstr (text, "\xef\xbc\x8c"));  /* CJK comma */
  g_assert_null (strstr (text, "\xe3\x80\x81"));  /* enumeration comma */
  g_assert_null (strchr ("<>\"'[]`(", first));
  g_assert_null (strchr ("<>\"'[]`.,;:!?", last));
}

static void
assert_item (const SdUriItem *item)
{
  g_assert_nonnull (item);
  g_assert_nonnull (item->text);
  g_assert_cmpstr (item->text, !=, "");
  g_assert_true (g_utf8_validate (item->text, -1, NULL));
  assert_trimmed (item->text);
  g_assert_cmpint (item->kind, >=, SD_URI_KIND_WEB);
  g_assert_cmpint (item->kind, <=, SD_URI_KIND_NOT_A_URL);
  if (item->kind == SD_URI_KIND_WEB)
    g_assert_true (g_ascii_strncasecmp (item->text, "http", 4) == 0);
  if (item->kind == SD_URI_KIND_ASSET)
    g_assert_true (g_ascii_strncasecmp (item->text, "asset://", 8) == 0);
}

static void
assert_same_items (GPtrArray *a,
                   GPtrArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    {
      const SdUriItem *x = g_ptr_array_index (a, i);
      const SdUriItem *y = g_ptr_array_index (b, i);

      g_assert_cmpstr (x->text, ==, y->text);
      g_assert_cmpint (x->kind, ==, y->kind);
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
  g_autoptr(GPtrArray) items = sd_uri_list_parse ((const char *) data, size);

  g_assert_nonnull (items);
  g_assert_cmpuint (items->len, <=, MAX_ITEMS);
  for (guint i = 0; i < items->len; i++)
    assert_item (g_ptr_array_index (items, i));

  /* Without a nul inside, the nul-terminated form reads the same. */
  if (memchr (data, '\0', size) == NULL)
    {
      g_autofree char *text = g_strndup ((const char *) data, size);
      g_autoptr(GPtrArray) again = sd_uri_list_parse (text, -1);

      assert_same_items (items, again);
    }
  return 0;
}

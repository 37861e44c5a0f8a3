/* test-uri-list.c: URLs out of dropped or pasted text
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "sd-uri-list.h"
#include "sd-utf8.h"

static void
assert_item (GPtrArray  *items,
             guint       index,
             const char *text,
             SdUriKind   kind)
{
  SdUriItem *item;

  g_assert_cmpuint (index, <, items->len);
  item = g_ptr_array_index (items, index);
  g_assert_cmpstr (item->text, ==, text);
  g_assert_cmpint (item->kind, ==, kind);
}

static void
test_uri_list_with_comments_and_crlf (void)
{
  g_autoptr(GPtrArray) items = NULL;

  items = sd_uri_list_parse ("# dropped from a browser\r\n"
                             "https://example.com/a.png\r\n"
                             "#https://example.com/commented-out.png\r\n"
                             "https://example.com/b.jpg\r\n", -1);
  g_assert_cmpuint (items->len, ==, 2);
  assert_item (items, 0, "https://example.com/a.png", SD_URI_KIND_WEB);
  assert_item (items, 1, "https://example.com/b.jpg", SD_URI_KIND_WEB);
}

static void
test_plain_text_separators (void)
{
  g_autoptr(GPtrArray) items = NULL;

  items = sd_uri_list_parse ("https://a.example/1.png https://a.example/2.png,"
                             "https://a.example/3.png\n\thttps://a.example/4.png",
                             -1);
  g_assert_cmpuint (items->len, ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *expected = g_strdup_printf ("https://a.example/%u.png", i + 1);

      assert_item (items, i, expected, SD_URI_KIND_WEB);
    }
}

static void
test_cjk_commas_separate (void)
{
  g_autoptr(GPtrArray) items = NULL;

  items = sd_uri_list_parse ("https://a.example/1.png，https://a.example/2.png、https://a.example/3.png", -1);
  g_assert_cmpuint (items->len, ==, 3);
  assert_item (items, 2, "https://a.example/3.png", SD_URI_KIND_WEB);
}

static void
test_brackets_and_trailing_punctuation (void)
{
  g_autoptr(GPtrArray) items = NULL;

  items = sd_uri_list_parse ("See <https://a.example/x.png>, then (https://a.example/y.png). "
                             "\"https://a.example/z.png\"; https://en.example/Foo_(bar).",
                             -1);
  g_assert_cmpuint (items->len, ==, 6);
  assert_item (items, 0, "See", SD_URI_KIND_NOT_A_URL);
  assert_item (items, 1, "https://a.example/x.png", SD_URI_KIND_WEB);
  assert_item (items, 2, "then", SD_URI_KIND_NOT_A_URL);
  assert_item (items, 3, "https://a.example/y.png", SD_URI_KIND_WEB);
  assert_item (items, 4, "https://a.example/z.png", SD_URI_KIND_WEB);
  assert_item (items, 5, "https://en.example/Foo_(bar)", SD_URI_KIND_WEB);
}

static void
test_query_with_comma_kept (void)
{
  g_autoptr(GPtrArray) items = NULL;

  /* a comma between two links splits them; the item text keeps no comma */
  items = sd_uri_list_parse ("https://a.example/p.png?x=1,https://a.example/q.png", -1);
  g_assert_cmpuint (items->len, ==, 2);
  assert_item (items, 0, "https://a.example/p.png?x=1", SD_URI_KIND_WEB);
}

static void
test_local_files_are_local (void)
{
  g_autoptr(GPtrArray) items = NULL;

  items = sd_uri_list_parse ("file:///home/ana/cat.png\n/home/ana/dog.png\n~/bird.png", -1);
  g_assert_cmpuint (items->len, ==, 3);
  assert_item (items, 0, "file:///home/ana/cat.png", SD_URI_KIND_LOCAL_FILE);
  assert_item (items, 1, "/home/ana/dog.png", SD_URI_KIND_LOCAL_FILE);
  assert_item (items, 2, "~/bird.png", SD_URI_KIND_LOCAL_FILE);

  /* relative to the current folder, as typed in a terminal */
  g_clear_pointer (&items, g_ptr_array_unref);
  items = sd_uri_list_parse ("./ref.png ../clips/a.mp4", -1);
  g_assert_cmpuint (items->len, ==, 2);
  assert_item (items, 0, "./ref.png", SD_URI_KIND_LOCAL_FILE);
  assert_item (items, 1, "../clips/a.mp4", SD_URI_KIND_LOCAL_FILE);
}

static void
test_words_are_not_urls (void)
{
  g_autoptr(GPtrArray) items = NULL;

  items = sd_uri_list_parse ("a cat on a sofa", -1);
  g_assert_cmpuint (items->len, ==, 5);
  for (guint i = 0; i < items->len; i++)
    g_assert_cmpint (((SdUriItem *) g_ptr_array_index (items, i))->kind, ==, SD_URI_KIND_NOT_A_URL);
  assert_item (items, 1, "cat", SD_URI_KIND_NOT_A_URL);
}

static void
test_other_schemes_are_not_urls (void)
{
  g_autoptr(GPtrArray) items = NULL;

  items = sd_uri_list_parse ("ftp://a.example/x.png mailto:ana@example.com https:// https:///path", -1);
  g_assert_cmpuint (items->len, ==, 4);
  for (guint i = 0; i < items->len; i++)
    g_assert_cmpint (((SdUriItem *) g_ptr_array_index (items, i))->kind, ==, SD_URI_KIND_NOT_A_URL);
}

static void
test_asset_ids (void)
{
  g_autoptr(GPtrArray) items = NULL;

  items = sd_uri_list_parse ("asset://asset-2024-abc\nasset://", -1);
  g_assert_cmpuint (items->len, ==, 2);
  assert_item (items, 0, "asset://asset-2024-abc", SD_URI_KIND_ASSET);
  assert_item (items, 1, "asset://", SD_URI_KIND_NOT_A_URL);
}

static void
test_http_and_https_are_web (void)
{
  g_autoptr(GPtrArray) items = NULL;

  /* whether plain http is acceptable is the model's rule, not the parser's */
  items = sd_uri_list_parse ("http://127.0.0.1:8080/a.png HTTPS://A.EXAMPLE/B.PNG", -1);
  g_assert_cmpuint (items->len, ==, 2);
  assert_item (items, 0, "http://127.0.0.1:8080/a.png", SD_URI_KIND_WEB);
  assert_item (items, 1, "HTTPS://A.EXAMPLE/B.PNG", SD_URI_KIND_WEB);
}

static void
test_empty_gives_nothing (void)
{
  g_autoptr(GPtrArray) empty = sd_uri_list_parse ("", -1);
  g_autoptr(GPtrArray) null = sd_uri_list_parse (NULL, -1);
  g_autoptr(GPtrArray) zero = sd_uri_list_parse ("https://a.example/x.png", 0);

  g_assert_cmpuint (empty->len, ==, 0);
  g_assert_cmpuint (null->len, ==, 0);
  g_assert_cmpuint (zero->len, ==, 0);
}

static void
test_whitespace_only_gives_nothing (void)
{
  g_autoptr(GPtrArray) items = sd_uri_list_parse (" \t\r\n\r\n , ,\n", -1);

  g_assert_cmpuint (items->len, ==, 0);
}

static void
test_length_is_respected (void)
{
  const char *text = "https://a.example/x.png https://a.example/y.png";
  g_autoptr(GPtrArray) items = sd_uri_list_parse (text, strlen ("https://a.example/x.png"));

  g_assert_cmpuint (items->len, ==, 1);
  assert_item (items, 0, "https://a.example/x.png", SD_URI_KIND_WEB);
}

static void
test_invalid_utf8_is_replaced (void)
{
  const char text[] = "https://a.example/ok.png \xff\xfe bad\xc3 https://a.example/\x00z.png";
  g_autoptr(GPtrArray) items = sd_uri_list_parse (text, sizeof text - 1);

  g_assert_cmpuint (items->len, >=, 3);
  assert_item (items, 0, "https://a.example/ok.png", SD_URI_KIND_WEB);
  for (guint i = 0; i < items->len; i++)
    {
      SdUriItem *item = g_ptr_array_index (items, i);

      g_assert_true (g_utf8_validate (item->text, -1, NULL));
    }
}

static void
test_items_are_capped (void)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GPtrArray) items = NULL;

  for (guint i = 0; i < 5000; i++)
    g_string_append_printf (text, "https://a.example/%u.png\n", i);
  items = sd_uri_list_parse (text->str, text->len);
  g_assert_cmpuint (items->len, ==, 100);
  assert_item (items, 99, "https://a.example/99.png", SD_URI_KIND_WEB);
}

static void
test_megabyte_of_junk (void)
{
  gsize size = 1024 * 1024;
  g_autofree char *junk = g_malloc (size);
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  g_autoptr(GPtrArray) items = NULL;

  for (gsize i = 0; i < size; i++)
    junk[i] = (char) g_rand_int_range (rand, 0, 256);
  items = sd_uri_list_parse (junk, size);
  g_assert_cmpuint (items->len, <=, 100);
  for (guint i = 0; i < items->len; i++)
    {
      SdUriItem *item = g_ptr_array_index (items, i);

      g_assert_true (g_utf8_validate (item->text, -1, NULL));
      g_assert_cmpint (item->kind, !=, SD_URI_KIND_WEB);
    }
}

static void
test_one_huge_token (void)
{
  g_autofree char *huge = g_strnfill (1024 * 1024, 'a');
  g_autoptr(GPtrArray) items = sd_uri_list_parse (huge, -1);

  g_assert_cmpuint (items->len, ==, 1);
  g_assert_cmpint (((SdUriItem *) g_ptr_array_index (items, 0))->kind, ==, SD_URI_KIND_NOT_A_URL);
}

/* Refused text in a toast and prompts in the results are cut by
 * characters: a Chinese prompt is never split inside a character. */
static void
test_utf8_ellipsize_counts_characters (void)
{
  g_autofree char *short_text = sd_utf8_ellipsize ("a cat", 40);
  g_autofree char *exact = sd_utf8_ellipsize ("abcde", 5);
  g_autofree char *cut = sd_utf8_ellipsize ("abcdef", 5);
  g_autofree char *chinese = sd_utf8_ellipsize ("一个女孩在雨中转身", 4);
  g_autofree char *empty = sd_utf8_ellipsize (NULL, 3);

  g_assert_cmpstr (short_text, ==, "a cat");
  g_assert_cmpstr (exact, ==, "abcde");
  g_assert_cmpstr (cut, ==, "abcd…");
  g_assert_cmpstr (chinese, ==, "一个女…");
  g_assert_true (g_utf8_validate (chinese, -1, NULL));
  g_assert_cmpint (g_utf8_strlen (chinese, -1), ==, 4);
  g_assert_cmpstr (empty, ==, "");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/utf8/ellipsize-counts-characters", test_utf8_ellipsize_counts_characters);
  g_test_add_func ("/uri-list/uri-list-skips-comments-and-crlf", test_uri_list_with_comments_and_crlf);
  g_test_add_func ("/uri-list/plain-text-splits-on-spaces-commas-newlines", test_plain_text_separators);
  g_test_add_func ("/uri-list/cjk-commas-separate-links", test_cjk_commas_separate);
  g_test_add_func ("/uri-list/brackets-and-trailing-punctuation-are-stripped", test_brackets_and_trailing_punctuation);
  g_test_add_func ("/uri-list/comma-between-links-splits-them", test_query_with_comma_kept);
  g_test_add_func ("/uri-list/file-uris-and-paths-are-local-files", test_local_files_are_local);
  g_test_add_func ("/uri-list/words-are-not-urls", test_words_are_not_urls);
  g_test_add_func ("/uri-list/other-schemes-and-hostless-links-are-not-urls", test_other_schemes_are_not_urls);
  g_test_add_func ("/uri-list/asset-ids-need-an-id", test_asset_ids);
  g_test_add_func ("/uri-list/http-and-https-are-web-links", test_http_and_https_are_web);
  g_test_add_func ("/uri-list/empty-text-gives-nothing", test_empty_gives_nothing);
  g_test_add_func ("/uri-list/whitespace-only-gives-nothing", test_whitespace_only_gives_nothing);
  g_test_add_func ("/uri-list/length-is-respected", test_length_is_respected);
  g_test_add_func ("/uri-list/invalid-utf8-is-replaced", test_invalid_utf8_is_replaced);
  g_test_add_func ("/uri-list/items-are-capped-at-100", test_items_are_capped);
  g_test_add_func ("/uri-list/a-megabyte-of-junk-is-harmless", test_megabyte_of_junk);
  g_test_add_func ("/uri-list/one-huge-token-is-one-refused-item", test_one_huge_token);

  return g_test_run ();
}

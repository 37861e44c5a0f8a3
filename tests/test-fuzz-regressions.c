/* test-fuzz-regressions.c: inputs the fuzzers found, and a hostile server
 *
 * The /fuzz-regressions/ cases embed what the libFuzzer targets in
 * tests/fuzz found (run them with build-aux/run-fuzz.sh). The /hostile/
 * cases are what a malicious or broken server could send the codec.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-fuzz-regressions"

#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "sd-api.h"
#include "sd-catalog.h"
#include "sd-download.h"
#include "sd-uri-list.h"

#define NOW G_GINT64_CONSTANT (1710000000)
#define HUGE_SIZE (10 * 1024 * 1024)
#define DEEP_NESTING 1000000

static const char * const builtin_ids[] = {
  "sd2_mx_720p", "sd2_mx_1080p", "sd2_mx_2k", "sd2_mx_4k",
  "sd2_mx_fast_720p", "sd2_mx_fast_1080p",
  "sd2_mx_video_720p", "sd2_mx_video_1080p", "sd2_mx_video_2k", "sd2_mx_video_4k",
  "sd2_mx_video_fast_720p", "sd2_mx_video_fast_1080p",
  "seedance2.0-sp", "seedance2.0-fast-sp", "seedance2.0-of-sp", "seedance2.0-of-fast-sp",
  "seedance2.0-mini", "seedance2.0-mini-sp", "seedance2.0-md", "seedance2.0-fast-md",
  "seedance2.0-fast-i2v", "seedance2.0-std",
};

static GBytes *
text_bytes (const char *text)
{
  return g_bytes_new (text, strlen (text));
}

static SdApiCreateResult *
parse_create (guint        status,
              GBytes      *body,
              GError     **error)
{
  return sd_api_parse_create_response (status, NULL, NOW, body, error);
}

static SdApiQueryResult *
parse_query (guint        status,
             GBytes      *body,
             GError     **error)
{
  return sd_api_parse_query_response (status, NULL, NOW, body, error);
}

static SdApiQueryResult *
parse_query_text (const char  *body,
                  GError     **error)
{
  g_autoptr(GBytes) bytes = text_bytes (body);

  return parse_query (200, bytes, error);
}

/* @count copies of @c, then @tail. */
static GBytes *
repeated_bytes (char        c,
                gsize       count,
                const char *prefix,
                const char *tail)
{
  GString *text = g_string_sized_new (count + 64);

  g_string_append (text, prefix);
  for (gsize i = 0; i < count; i++)
    g_string_append_c (text, c);
  g_string_append (text, tail);
  return g_string_free_to_bytes (text);
}

static void
assert_builtin_models_present (SdCatalog *catalog)
{
  for (gsize i = 0; i < G_N_ELEMENTS (builtin_ids); i++)
    g_assert_nonnull (sd_catalog_lookup (catalog, builtin_ids[i]));
  g_assert_cmpuint (g_list_model_get_n_items (sd_catalog_get_models (catalog)), ==,
                    G_N_ELEMENTS (builtin_ids));
}

static void
assert_no_control_characters (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    g_assert_false (g_ascii_iscntrl (*p));
}

/* Found by fuzz-uri-list: a vertical tab (which g_ascii_isspace() does not
 * count as space) stayed at the start of an item. */
static void
test_uri_list_vertical_tab_separates (void)
{
  static const char crash[] = "\x0b\x8a\n\x8a";
  g_autoptr(GPtrArray) items = sd_uri_list_parse (crash, sizeof crash - 1);
  g_autoptr(GPtrArray) links = NULL;
  SdUriItem *item;

  g_assert_cmpuint (items->len, ==, 2);
  for (guint i = 0; i < items->len; i++)
    {
      item = g_ptr_array_index (items, i);
      g_assert_cmpstr (item->text, ==, "\xef\xbf\xbd"); /* U+FFFD */
    }

  links = sd_uri_list_parse ("https://a.example/1\x0bhttps://b.example/2\x1b", -1);
  g_assert_cmpuint (links->len, ==, 2);
  item = g_ptr_array_index (links, 0);
  g_assert_cmpstr (item->text, ==, "https://a.example/1");
  g_assert_cmpint (item->kind, ==, SD_URI_KIND_WEB);
  item = g_ptr_array_index (links, 1);
  g_assert_cmpstr (item->text, ==, "https://b.example/2");
  assert_no_control_characters (item->text);
}

/* Found by fuzz-uri-list: trimming "a)))..." recounted the parentheses for
 * every one it stripped, so a megabyte of them took minutes. */
static void
test_uri_list_unbalanced_parentheses (void)
{
  g_autoptr(GBytes) text = repeated_bytes (')', 1024 * 1024, "(see https://example.com/a_(b)", "");
  gsize length;
  const char *data = g_bytes_get_data (text, &length);
  g_autoptr(GPtrArray) items = sd_uri_list_parse (data, length);
  SdUriItem *item;

  g_assert_cmpuint (items->len, ==, 2);
  item = g_ptr_array_index (items, 0);
  g_assert_cmpstr (item->text, ==, "see");
  item = g_ptr_array_index (items, 1);
  g_assert_cmpstr (item->text, ==, "https://example.com/a_(b)");
  g_assert_cmpint (item->kind, ==, SD_URI_KIND_WEB);
}

/* Found by fuzz-api-response: json-glib 1.6 decodes a lone "\ud800" into
 * bytes that are not UTF-8, which reached the error message. */
static void
test_api_lone_surrogate_in_msg (void)
{
  static const char crash[] =
    "{\"code\":\"1\",\"msg\":\"a\\u,000b\\ud800c\\n\\t\\b[31mred\",\"data\":{}}";
  g_autoptr(GBytes) body = text_bytes (crash);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) status_error = NULL;
  g_autoptr(SdApiCreateResult) result = parse_create (200, body, &error);
  g_autoptr(SdApiCreateResult) refused = NULL;

  g_assert_null (result);
  g_assert_error (error, SD_API_ERROR, SD_API_ERROR_MALFORMED);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_null (sd_api_error_get_server_message (error));

  /* on an error status the unreadable body is ignored; the status speaks */
  refused = parse_create (400, body, &status_error);
  g_assert_null (refused);
  g_assert_error (status_error, SD_API_ERROR, SD_API_ERROR_HTTP_STATUS);
  g_assert_true (g_utf8_validate (status_error->message, -1, NULL));
  g_assert_null (sd_api_error_get_server_message (status_error));
}

static void
test_api_lone_surrogate_elsewhere (void)
{
  static const char * const bodies[] = {
    "{\"code\":0,\"data\":{\"task_id\":\"vid\\ud800x\",\"status\":\"queued\"}}",
    ("{\"code\":0,\"data\":{\"task_id\":\"a\",\"status\":\"completed\","
     "\"result\":{\"video_url\":\"https://x.example/\\udbffv.mp4\"}}}"),
    "{\"code\":0,\"data\":{\"task_id\":\"a\",\"status\":\"failed\",\"error\":\"\\ud800!\"}}",
    "{\"code\":0,\"data\":{\"task_id\":\"a\",\"\\ud800\":1}}",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SdApiQueryResult) result = parse_query_text (bodies[i], &error);

      g_assert_null (result);
      g_assert_error (error, SD_API_ERROR, SD_API_ERROR_MALFORMED);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
    }
}

/* A valid surrogate pair is still read. */
static void
test_api_surrogate_pair_is_read (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdApiQueryResult) result =
    parse_query_text ("{\"code\":0,\"data\":{\"task_id\":\"a\",\"status\":\"failed\","
                      "\"error\":\"\\ud83d\\ude00 sad\"}}", &error);

  g_assert_no_error (error);
  g_assert_cmpstr (result->failure_message, ==, "\xf0\x9f\x98\x80 sad");
}

/* Found by the catalogue's hostile-input check: an override file nested a
 * million levels deep overflowed the stack inside json-glib. */
static void
test_catalog_deep_nesting (void)
{
  g_autoptr(SdCatalog) catalog = sd_catalog_new ();
  g_autoptr(GBytes) data = repeated_bytes ('[', DEEP_NESTING, "", "");
  g_autoptr(GError) error = NULL;
  gsize length;
  const char *text = g_bytes_get_data (data, &length);

  g_assert_false (sd_catalog_merge_data (catalog, text, length, "models.json", &error));
  g_assert_error (error, SD_CATALOG_ERROR, SD_CATALOG_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, "models.json: "));
  assert_builtin_models_present (catalog);
}

/* json-glib either refuses these with a message quoting the bytes (made
 * valid UTF-8 now) or accepts them (refused by the catalogue now). */
static void
test_catalog_lone_surrogate (void)
{
  static const char * const overrides[] = {
    "{\"version\": 1, \"families\": [{\"id\": \"\\ud800\", \"name\": \"x\"}], \"models\": []}",
    "{\"version\": 1, \"families\": [{\"id\": \"f\", \"name\": \"a\\ud800b\"}], \"models\": []}",
    "{\"version\": 1, \"models\": [{\"id\": \"m\\udbff\"}]}",
    "{\"version\": 1, \"models\": [], \"\xff\": 1}",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (overrides); i++)
    {
      g_autoptr(SdCatalog) catalog = sd_catalog_new ();
      g_autoptr(GError) error = NULL;

      g_assert_false (sd_catalog_merge_data (catalog, overrides[i], -1, "models.json", &error));
      g_assert_nonnull (error);
      g_assert_true (error->domain == SD_CATALOG_ERROR);
      g_assert_true (g_str_has_prefix (error->message, "models.json:"));
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      assert_builtin_models_present (catalog);
    }
}

/* Hostile server */

static void
test_hostile_huge_body (void)
{
  g_autoptr(GBytes) body = repeated_bytes (' ', HUGE_SIZE,
                                           "{\"code\":0,\"data\":{\"task_id\":\"a\"}}", "");
  g_autoptr(GError) create_error = NULL;
  g_autoptr(GError) query_error = NULL;
  g_autoptr(GError) status_error = NULL;
  g_autoptr(SdApiCreateResult) created = parse_create (200, body, &create_error);
  g_autoptr(SdApiQueryResult) queried = parse_query (200, body, &query_error);
  g_autoptr(SdApiQueryResult) refused = parse_query (502, body, &status_error);

  g_assert_null (created);
  g_assert_error (create_error, SD_API_ERROR, SD_API_ERROR_TOO_LARGE);
  g_assert_null (queried);
  g_assert_error (query_error, SD_API_ERROR, SD_API_ERROR_TOO_LARGE);

  /* an error status with a huge body: the status is reported, the body unread */
  g_assert_null (refused);
  g_assert_error (status_error, SD_API_ERROR, SD_API_ERROR_HTTP_STATUS);
  g_assert_cmpuint (sd_api_error_get_http_status (status_error), ==, 502);
  g_assert_null (sd_api_error_get_server_message (status_error));
}

static void
test_hostile_deep_nesting (void)
{
  g_autoptr(GBytes) bare = repeated_bytes ('[', DEEP_NESTING, "", "");
  g_autoptr(GBytes) inside = repeated_bytes ('[', DEEP_NESTING,
                                             "{\"code\":0,\"data\":{\"task_id\":\"a\",\"x\":", "");
  GBytes *bodies[] = { bare, inside };

  for (gsize i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr(GError) create_error = NULL;
      g_autoptr(GError) query_error = NULL;
      g_autoptr(GError) status_error = NULL;
      g_autoptr(SdApiCreateResult) created = parse_create (200, bodies[i], &create_error);
      g_autoptr(SdApiQueryResult) queried = parse_query (200, bodies[i], &query_error);
      g_autoptr(SdApiQueryResult) refused = parse_query (500, bodies[i], &status_error);

      g_assert_null (created);
      g_assert_error (create_error, SD_API_ERROR, SD_API_ERROR_MALFORMED);
      g_assert_null (queried);
      g_assert_error (query_error, SD_API_ERROR, SD_API_ERROR_MALFORMED);
      g_assert_null (refused);
      g_assert_error (status_error, SD_API_ERROR, SD_API_ERROR_HTTP_STATUS);
    }
}

/* Markup and control characters reach the user as the server wrote them
 * (the GUI escapes them); the message stays valid UTF-8. */
static void
test_hostile_markup_and_control_characters_in_msg (void)
{
  static const char verbatim[] =
    "<b>bold</b> & <a href=\"https://evil.example\">click</a> <span foreground='red'>x</span>"
    "\x07\x1b[31m\ttab\r\nline %s %n";
  static const char api_body[] =
    "{\"code\":\"40001\",\"msg\":\"<b>bold</b> & <a href=\\\"https://evil.example\\\">click</a> "
    "<span foreground='red'>x</span>\\u0007\\u001b[31m\\ttab\\r\\nline %s %n\",\"data\":null}";
  g_autoptr(GBytes) body = text_bytes (api_body);
  g_autoptr(GError) api_error = NULL;
  g_autoptr(GError) status_error = NULL;
  g_autoptr(SdApiCreateResult) created = parse_create (200, body, &api_error);
  g_autoptr(SdApiQueryResult) refused = parse_query (400, body, &status_error);
  GError *errors[] = { api_error, status_error };

  g_assert_null (created);
  g_assert_error (api_error, SD_API_ERROR, SD_API_ERROR_API);
  g_assert_cmpstr (sd_api_error_get_api_code (api_error), ==, "40001");
  g_assert_null (refused);
  g_assert_error (status_error, SD_API_ERROR, SD_API_ERROR_HTTP_STATUS);

  for (gsize i = 0; i < G_N_ELEMENTS (errors); i++)
    {
      g_assert_cmpstr (sd_api_error_get_server_message (errors[i]), ==, verbatim);
      g_assert_nonnull (strstr (errors[i]->message, verbatim));
      g_assert_true (g_utf8_validate (errors[i]->message, -1, NULL));
    }
}

/* Task ids are opaque text: kept exactly, slashes and dots included (the
 * client escapes them as one path segment); control characters are refused. */
static void
test_hostile_path_characters_in_task_ids (void)
{
  static const char * const ids[] = { "../../x", "a/b", "%2e%2e", "..", "a?b#c", "/etc/passwd" };

  for (gsize i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"code\":0,\"data\":{\"task_id\":\"%s\","
                                               "\"status\":\"queued\"}}", ids[i]);
      g_autoptr(GBytes) body = text_bytes (json);
      g_autoptr(GError) error = NULL;
      g_autoptr(SdApiCreateResult) created = parse_create (200, body, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (created->task_id, ==, ids[i]);
    }
}

static void
test_hostile_control_characters_in_task_ids (void)
{
  static const char * const ids[] = { "a\\nb", "a\\u0000b", "\\u001b[2J", "a\\tb" };

  for (gsize i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"code\":0,\"data\":{\"task_id\":\"%s\"}}",
                                               ids[i]);
      g_autoptr(GBytes) body = text_bytes (json);
      g_autoptr(GError) error = NULL;
      g_autoptr(SdApiCreateResult) created = parse_create (200, body, &error);

      /* "a\u0000b" arrives from json-glib as "a": a valid, shorter id */
      if (created != NULL)
        {
          g_assert_cmpstr (created->task_id, ==, "a");
          continue;
        }
      g_assert_error (error, SD_API_ERROR, SD_API_ERROR_MALFORMED);
      g_assert_nonnull (strstr (error->message, "task id"));
    }
}

/* The codec keeps any video address as given; refusing what is not
 * http(s) is the download layer's job (SD_DOWNLOAD_ERROR_UNSAFE_URL). */
static void
test_hostile_video_url_schemes_are_kept (void)
{
  static const char * const urls[] = {
    "file:///etc/passwd",
    "javascript:alert(document.cookie)",
    "data:video/mp4;base64,AAAAIGZ0eXBpc29t",
    "ftp://ftp.example.com/v.mp4",
    "https://cdn.example.com/v.mp4?sig=a%2Fb&x=<y>",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *json = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(SdApiQueryResult) result = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "code");
      json_builder_add_string_value (builder, "20000");
      json_builder_set_member_name (builder, "data");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "task_id");
      json_builder_add_string_value (builder, "vid_1");
      json_builder_set_member_name (builder, "status");
      json_builder_add_string_value (builder, "completed");
      json_builder_set_member_name (builder, "result");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "video_url");
      json_builder_add_string_value (builder, urls[i]);
      json_builder_end_object (builder);
      json_builder_end_object (builder);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      json = json_to_string (root, FALSE);

      result = parse_query_text (json, &error);
      g_assert_no_error (error);
      g_assert_cmpint (result->status, ==, SD_TASK_STATUS_COMPLETED);
      g_assert_cmpstr (result->video_url, ==, urls[i]);
    }
}

typedef struct
{
  GMainLoop *loop;
  char      *path;
  GError    *error;
} DownloadOutcome;

static void
download_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  DownloadOutcome *outcome = user_data;

  outcome->path = sd_download_file_finish (result, &outcome->error);
  g_main_loop_quit (outcome->loop);
}

/* What the codec kept, the download layer refuses before opening anything. */
static void
test_hostile_video_url_schemes_are_not_downloaded (void)
{
  static const char * const urls[] = {
    "file:///etc/passwd",
    "javascript:alert(document.cookie)",
    "data:video/mp4;base64,AAAAIGZ0eXBpc29t",
    "ftp://ftp.example.com/v.mp4",
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *directory = g_dir_make_tmp ("sd-hostile-XXXXXX", &error);
  g_autoptr(SoupSession) session = soup_session_new ();

  g_assert_no_error (error);
  for (gsize i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
      g_autoptr(GDir) dir = NULL;
      DownloadOutcome outcome = { loop, NULL, NULL };

      sd_download_file_async (session, urls[i], directory, "video.mp4", "fuzz", NULL, NULL, NULL,
                              NULL, download_done, &outcome);
      g_main_loop_run (loop);

      g_assert_null (outcome.path);
      g_assert_error (outcome.error, SD_DOWNLOAD_ERROR, SD_DOWNLOAD_ERROR_UNSAFE_URL);
      g_clear_error (&outcome.error);

      dir = g_dir_open (directory, 0, &error);
      g_assert_no_error (error);
      g_assert_null (g_dir_read_name (dir));
    }
  g_assert_cmpint (g_rmdir (directory), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/fuzz-regressions/uri-list/vertical-tab-separates-items",
                   test_uri_list_vertical_tab_separates);
  g_test_add_func ("/fuzz-regressions/uri-list/a-megabyte-of-closing-parentheses-is-one-pass",
                   test_uri_list_unbalanced_parentheses);
  g_test_add_func ("/fuzz-regressions/api/lone-surrogate-in-msg-is-malformed-not-invalid-utf8",
                   test_api_lone_surrogate_in_msg);
  g_test_add_func ("/fuzz-regressions/api/lone-surrogate-anywhere-is-malformed",
                   test_api_lone_surrogate_elsewhere);
  g_test_add_func ("/fuzz-regressions/api/surrogate-pair-is-read",
                   test_api_surrogate_pair_is_read);
  g_test_add_func ("/fuzz-regressions/catalog/million-deep-nesting-is-refused",
                   test_catalog_deep_nesting);
  g_test_add_func ("/fuzz-regressions/catalog/lone-surrogate-is-refused",
                   test_catalog_lone_surrogate);
  g_test_add_func ("/hostile/10-mb-body-is-refused-unread", test_hostile_huge_body);
  g_test_add_func ("/hostile/million-deep-nesting-is-refused", test_hostile_deep_nesting);
  g_test_add_func ("/hostile/markup-and-control-characters-in-msg-are-kept-verbatim",
                   test_hostile_markup_and_control_characters_in_msg);
  g_test_add_func ("/hostile/path-characters-in-task-ids-are-opaque-text",
                   test_hostile_path_characters_in_task_ids);
  g_test_add_func ("/hostile/control-characters-in-task-ids-are-refused",
                   test_hostile_control_characters_in_task_ids);
  g_test_add_func ("/hostile/video-url-schemes-are-kept-as-given",
                   test_hostile_video_url_schemes_are_kept);
  g_test_add_func ("/hostile/video-url-schemes-are-not-downloaded",
                   test_hostile_video_url_schemes_are_not_downloaded);

  return g_test_run ();
}

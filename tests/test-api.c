/* test-api.c: the wire codec against the provider's examples and hostile bodies
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-api"

#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "sd-api.h"

#define NOW G_GINT64_CONSTANT (1710000000)

static GBytes *
text_bytes (const char *text)
{
  return g_bytes_new (text, strlen (text));
}

static SdApiCreateResult *
parse_create (guint        status,
              const char  *retry_after,
              const char  *body,
              GError     **error)
{
  g_autoptr(GBytes) bytes = body != NULL ? text_bytes (body) : NULL;

  return sd_api_parse_create_response (status, retry_after, NOW, bytes, error);
}

static SdApiQueryResult *
parse_query (const char  *body,
             GError     **error)
{
  g_autoptr(GBytes) bytes = text_bytes (body);

  return sd_api_parse_query_response (200, NULL, NOW, bytes, error);
}

static JsonObject *
encode_to_object (SdRequest *request,
                  JsonNode **out_root)
{
  g_autoptr(GBytes) body = sd_api_encode_create (request);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize length;
  const char *data = g_bytes_get_data (body, &length);

  g_assert_nonnull (memchr (data, '{', length));
  g_assert_null (memchr (data, '\n', length)); /* compact */
  json_parser_load_from_data (parser, data, length, &error);
  g_assert_no_error (error);
  *out_root = json_node_ref (json_parser_get_root (parser));
  g_assert_true (JSON_NODE_HOLDS_OBJECT (*out_root));
  return json_node_get_object (*out_root);
}

static void
assert_string_member (JsonObject *object,
                      const char *name,
                      const char *expected)
{
  JsonNode *node = json_object_get_member (object, name);

  g_assert_nonnull (node);
  g_assert_true (json_node_get_value_type (node) == G_TYPE_STRING);
  g_assert_cmpstr (json_node_get_string (node), ==, expected);
}

static void
assert_strv_member (JsonObject         *object,
                    const char         *name,
                    const char * const *expected)
{
  JsonNode *node = json_object_get_member (object, name);
  JsonArray *array;

  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
  array = json_node_get_array (node);
  g_assert_cmpuint (json_array_get_length (array), ==, g_strv_length ((char **) expected));
  for (guint i = 0; expected[i] != NULL; i++)
    g_assert_cmpstr (json_array_get_string_element (array, i), ==, expected[i]);
}

static void
assert_int_member (JsonObject *object,
                   const char *name,
                   gint64      expected)
{
  JsonNode *node = json_object_get_member (object, name);

  g_assert_nonnull (node);
  g_assert_true (json_node_get_value_type (node) == G_TYPE_INT64);
  g_assert_cmpint (json_node_get_int (node), ==, expected);
}

/* Encoding */

static void
test_encode_reference_images_example (void)
{
  g_autoptr(SdRequest) request = sd_request_new ();
  g_autoptr(JsonNode) root = NULL;
  const char * const images[] = { "https://example.com/ref-1.jpg",
                                   "https://example.com/ref-2.jpg", NULL };
  JsonObject *object;

  sd_request_set_model (request, "seedance2.0-fast-i2v");
  sd_request_set_prompt (request, "人物缓缓转头,微风拂动发丝,电影感光影");
  sd_request_set_duration (request, 8);
  sd_request_set_ratio (request, "16:9");
  sd_request_set_images (request, images);

  object = encode_to_object (request, &root);
  g_assert_cmpuint (json_object_get_size (object), ==, 5);
  assert_string_member (object, "model", "seedance2.0-fast-i2v");
  assert_string_member (object, "prompt", "人物缓缓转头,微风拂动发丝,电影感光影");
  assert_int_member (object, "duration", 8);
  assert_string_member (object, "ratio", "16:9");
  assert_strv_member (object, "images", images);
}

static void
test_encode_first_last_frame_example (void)
{
  g_autoptr(SdRequest) request = sd_request_new ();
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;

  sd_request_set_model (request, "seedance2.0-fast-i2v");
  sd_request_set_prompt (request, "雨夜街头,女孩回头微笑,镜头缓慢推进");
  sd_request_set_duration (request, 5);
  sd_request_set_ratio (request, "9:16");
  sd_request_set_first_image (request, "https://example.com/start.png");
  sd_request_set_last_image (request, "https://example.com/end.png");

  object = encode_to_object (request, &root);
  g_assert_cmpuint (json_object_get_size (object), ==, 6);
  assert_string_member (object, "model", "seedance2.0-fast-i2v");
  assert_string_member (object, "prompt", "雨夜街头,女孩回头微笑,镜头缓慢推进");
  assert_int_member (object, "duration", 5);
  assert_string_member (object, "ratio", "9:16");
  assert_string_member (object, "first_image", "https://example.com/start.png");
  assert_string_member (object, "last_image", "https://example.com/end.png");
  g_assert_false (json_object_has_member (object, "images"));
}

static void
test_encode_omits_unset_and_empty_fields (void)
{
  g_autoptr(SdRequest) request = sd_request_new ();
  g_autoptr(JsonNode) root = NULL;
  const char * const empty[] = { NULL };
  JsonObject *object;

  sd_request_set_model (request, "seedance2.0-std");
  sd_request_set_prompt (request, "");
  sd_request_set_duration (request, 0);
  sd_request_set_ratio (request, "");
  sd_request_set_images (request, empty);
  sd_request_set_reference_audios (request, empty);

  object = encode_to_object (request, &root);
  g_assert_cmpuint (json_object_get_size (object), ==, 1);
  assert_string_member (object, "model", "seedance2.0-std");
}

static void
test_encode_every_field (void)
{
  g_autoptr(SdRequest) request = sd_request_new ();
  g_autoptr(JsonNode) root = NULL;
  const char * const videos[] = { "https://example.com/a.mp4", NULL };
  const char * const audios[] = { "asset://audio-1", "asset://audio-2", NULL };
  JsonObject *object;

  sd_request_set_model (request, "seedance2.0-sp");
  sd_request_set_prompt (request, "a cat");
  sd_request_set_duration (request, 12);
  sd_request_set_resolution (request, "1080p");
  sd_request_set_orientation (request, "portrait");
  sd_request_set_reference_videos (request, videos);
  sd_request_set_reference_audios (request, audios);

  object = encode_to_object (request, &root);
  g_assert_cmpuint (json_object_get_size (object), ==, 7);
  assert_string_member (object, "resolution", "1080p");
  assert_string_member (object, "orientation", "portrait");
  assert_int_member (object, "duration", 12);
  assert_strv_member (object, "reference_videos", videos);
  assert_strv_member (object, "reference_audios", audios);
}

static void
test_request_round_trip (void)
{
  g_autoptr(SdRequest) request = sd_request_new ();
  g_autoptr(SdRequest) back = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  const char * const images[] = { "https://example.com/1.png", "https://example.com/2.png", NULL };
  const char * const audios[] = { "https://example.com/a.mp3", NULL };

  sd_request_set_model (request, "seedance2.0-md");
  sd_request_set_prompt (request, "<b>bold</b> & \"quoted\" 中文");
  sd_request_set_duration (request, 15);
  sd_request_set_ratio (request, "1:1");
  sd_request_set_resolution (request, "720p");
  sd_request_set_orientation (request, "landscape");
  sd_request_set_images (request, images);
  sd_request_set_reference_audios (request, audios);

  node = sd_api_request_to_json (request);
  back = sd_api_request_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sd_request_get_model (back), ==, "seedance2.0-md");
  g_assert_cmpstr (sd_request_get_prompt (back), ==, "<b>bold</b> & \"quoted\" 中文");
  g_assert_cmpint (sd_request_get_duration (back), ==, 15);
  g_assert_cmpstr (sd_request_get_ratio (back), ==, "1:1");
  g_assert_cmpstr (sd_request_get_resolution (back), ==, "720p");
  g_assert_cmpstr (sd_request_get_orientation (back), ==, "landscape");
  g_assert_true (g_strv_equal (sd_request_get_images (back), images));
  g_assert_true (g_strv_equal (sd_request_get_reference_audios (back), audios));
  g_assert_null (sd_request_get_first_image (back));
  g_assert_null (sd_request_get_reference_videos (back));
}

static JsonNode *
parse_text (const char *text)
{
  g_autoptr(GBytes) bytes = text_bytes (text);
  g_autoptr(GError) error = NULL;
  JsonNode *node = sd_api_parse_json (bytes, &error);

  g_assert_no_error (error);
  return node;
}

static void
test_request_from_json_is_lenient (void)
{
  g_autoptr(JsonNode) node = parse_text ("{\"model\": \"seedance2.0-std\", \"future\": [1, {}],"
                                         " \"prompt\": null, \"images\": null,"
                                         " \"duration\": 8.0}");
  g_autoptr(SdRequest) request = NULL;
  g_autoptr(GError) error = NULL;

  request = sd_api_request_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sd_request_get_model (request), ==, "seedance2.0-std");
  g_assert_null (sd_request_get_prompt (request));
  g_assert_null (sd_request_get_images (request));
  g_assert_cmpint (sd_request_get_duration (request), ==, 8);
}

static void
assert_request_refused (const char *json,
                        const char *field)
{
  g_autoptr(JsonNode) node = parse_text (json);
  g_autoptr(SdRequest) request = NULL;
  g_autoptr(GError) error = NULL;

  request = sd_api_request_from_json (node, &error);
  g_assert_null (request);
  g_assert_error (error, SD_API_ERROR, SD_API_ERROR_INVALID_REQUEST);
  if (field != NULL)
    g_assert_nonnull (strstr (error->message, field));
}

static void
test_request_from_json_names_wrong_field (void)
{
  assert_request_refused ("{\"model\": 42}", "model");
  assert_request_refused ("{\"prompt\": {\"text\": \"x\"}}", "prompt");
  assert_request_refused ("{\"images\": \"https://example.com/a.png\"}", "images");
  assert_request_refused ("{\"reference_videos\": [\"https://a\", 3]}", "reference_videos");
  assert_request_refused ("{\"duration\": \"8\"}", "duration");
  assert_request_refused ("{\"duration\": 8.5}", "duration");
  assert_request_refused ("{\"duration\": 1e12}", "duration");
  assert_request_refused ("{\"first_image\": true}", "first_image");
}

static gboolean
has_problem_with (GPtrArray  *problems,
                  const char *field)
{
  for (guint i = 0; i < problems->len; i++)
    if (g_str_equal (((SdProblem *) g_ptr_array_index (problems, i))->field, field))
      return TRUE;
  return FALSE;
}

/* 0 and negative durations are kept as asked for, so that validation
 * refuses them: never read as "unset", which would bill the default. */
static void
test_request_from_json_keeps_zero_and_negative_duration (void)
{
  static const struct {
    const char *json;
    int         duration;
  } cases[] = {
    { "{\"model\": \"m\", \"prompt\": \"p\", \"duration\": 0}", 0 },
    { "{\"model\": \"m\", \"prompt\": \"p\", \"duration\": -1}", -1 },
    { "{\"model\": \"m\", \"prompt\": \"p\", \"duration\": -3.0}", -3 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) node = json_from_string (cases[i].json, NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(SdRequest) request = sd_api_request_from_json (node, &error);
      g_autoptr(GPtrArray) problems = NULL;
      g_autoptr(JsonNode) root = NULL;
      JsonObject *object;

      g_assert_no_error (error);
      g_assert_true (sd_request_has_duration (request));
      g_assert_cmpint (sd_request_get_duration (request), ==, cases[i].duration);
      problems = sd_request_validate (request, NULL);
      g_assert_true (has_problem_with (problems, "duration"));

      /* Encoded as asked, should it ever be: the server refuses, not bills. */
      object = encode_to_object (request, &root);
      g_assert_cmpint (json_object_get_int_member (object, "duration"), ==, cases[i].duration);
    }
}

static void
test_request_from_json_refuses_non_object (void)
{
  assert_request_refused ("[{\"model\": \"seedance2.0-std\"}]", NULL);
  assert_request_refused ("\"seedance2.0-std\"", NULL);
  assert_request_refused ("null", NULL);
}

/* Create responses */

static void
test_create_success_code_string (void)
{
  g_autoptr(SdApiCreateResult) result = NULL;
  g_autoptr(GError) error = NULL;

  result = parse_create (200, NULL,
                         "{\"code\": \"20000\", \"msg\": \"ok\", \"data\": {\"task_id\": "
                         "\"vid_abc123\", \"status\": \"queued\", \"model\": "
                         "\"seedance2.0-fast-i2v\", \"created_at\": 1710000000}}", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (result->task_id, ==, "vid_abc123");
  g_assert_cmpint (result->status, ==, SD_TASK_STATUS_QUEUED);
  g_assert_cmpstr (result->status_raw, ==, "queued");
  g_assert_cmpstr (result->model, ==, "seedance2.0-fast-i2v");
  g_assert_cmpint (result->created_at, ==, 1710000000);
}

static void
test_create_provider_example_code_zero (void)
{
  g_autoptr(SdApiCreateResult) result = NULL;
  g_autoptr(GError) error = NULL;

  /* Verbatim from the provider's page, layout included. */
  result = parse_create (200, NULL,
                         "{\n  \"code\": 0,\n  \"msg\": \"ok\",\n  \"data\": {\n"
                         "    \"task_id\": \"vid_abc123\",\n    \"status\": \"queued\",\n"
                         "    \"model\": \"seedance2.0-fast-i2v\",\n"
                         "    \"created_at\": 1710000000\n  }\n}\n", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (result->task_id, ==, "vid_abc123");
  g_assert_cmpint (result->status, ==, SD_TASK_STATUS_QUEUED);
  g_assert_cmpint (result->created_at, ==, 1710000000);
}

static void
test_create_other_success_spellings (void)
{
  const char *bodies[] = {
    "{\"code\": 20000, \"data\": {\"task_id\": \"a\"}}",
    "{\"code\": \"0\", \"data\": {\"task_id\": \"a\"}}",
    "{\"code\": 0.0, \"data\": {\"task_id\": \"a\"}}",
    /* No code at all, but valid data: taken as success. */
    "{\"data\": {\"task_id\": \"a\"}}",
    "{\"code\": null, \"data\": {\"task_id\": \"a\"}}",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr(SdApiCreateResult) result = NULL;
      g_autoptr(GError) error = NULL;

      result = parse_create (200, NULL, bodies[i], &error);
      g_assert_no_error (error);
      g_assert_cmpstr (result->task_id, ==, "a");
      /* A new task without a status is queued, as documented. */
      g_assert_cmpint (result->status, ==, SD_TASK_STATUS_QUEUED);
    }
}

static void
test_create_ignores_unknown_fields (void)
{
  g_autoptr(SdApiCreateResult) result = NULL;
  g_autoptr(GError) error = NULL;

  result = parse_create (201, NULL,
                         "{\"code\": \"20000\", \"trace\": {\"id\": [1, 2]}, \"data\": "
                         "{\"task_id\": \"vid_1\", \"status\": \"processing\", \"eta\": 30, "
                         "\"result\": null, \"price\": {\"amount\": 1.5}}}", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (result->task_id, ==, "vid_1");
  g_assert_cmpint (result->status, ==, SD_TASK_STATUS_PROCESSING);
}

static void
test_create_missing_optional_fields (void)
{
  g_autoptr(SdApiCreateResult) result = NULL;
  g_autoptr(GError) error = NULL;

  result = parse_create (200, NULL,
                         "{\"code\": \"20000\", \"data\": {\"task_id\": \"vid_2\", "
                         "\"model\": null, \"created_at\": null}}", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (result->task_id, ==, "vid_2");
  g_assert_null (result->model);
  g_assert_cmpint (result->created_at, ==, 0);
}

static void
assert_create_malformed (guint       status,
                         const char *body)
{
  g_autoptr(SdApiCreateResult) result = NULL;
  g_autoptr(GError) error = NULL;

  result = parse_create (status, NULL, body, &error);
  g_assert_null (result);
  g_assert_error (error, SD_API_ERROR, SD_API_ERROR_MALFORMED);
  g_assert_cmpuint (sd_api_error_get_http_status (error), ==, status);
  g_assert_true (sd_api_error_is_transient (error));
  g_assert_cmpstr (error->message, !=, "");
}

static void
test_create_without_task_id_is_malformed (void)
{
  assert_create_malformed (200, "{\"code\": \"20000\", \"data\": {\"status\": \"queued\"}}");
  assert_create_malformed (200, "{\"code\": \"20000\", \"data\": {\"task_id\": \"\"}}");
  assert_create_malformed (200, "{\"code\": \"20000\", \"data\": {\"task_id\": null}}");
  assert_create_malformed (200, "{\"code\": \"20000\", \"data\": {\"task_id\": [\"a\"]}}");
  assert_create_malformed (200, "{\"code\": \"20000\", \"data\": {\"task_id\": \"a\\nb\"}}");
}

static void
test_create_numeric_task_id_is_text (void)
{
  g_autoptr(SdApiCreateResult) result = NULL;
  g_autoptr(GError) error = NULL;

  result = parse_create (200, NULL, "{\"code\": 0, \"data\": {\"task_id\": 123456789012}}",
                         &error);
  g_assert_no_error (error);
  g_assert_cmpstr (result->task_id, ==, "123456789012");
}

static void
test_create_without_data_is_malformed (void)
{
  assert_create_malformed (200, "{\"code\": \"20000\", \"msg\": \"ok\"}");
  assert_create_malformed (200, "{\"code\": \"20000\", \"data\": null}");
  assert_create_malformed (200, "{\"code\": \"20000\", \"data\": [{\"task_id\": \"a\"}]}");
  assert_create_malformed (200, "{\"code\": \"20000\", \"data\": \"vid_abc\"}");
  /* No code and no data: nothing says this is a success. */
  assert_create_malformed (200, "{\"msg\": \"ok\"}");
}

static void
test_create_wrong_code_type_is_malformed (void)
{
  assert_create_malformed (200, "{\"code\": true, \"data\": {\"task_id\": \"a\"}}");
  assert_create_malformed (200, "{\"code\": {\"v\": 0}, \"data\": {\"task_id\": \"a\"}}");
}

static void
test_create_truncated_json_is_malformed (void)
{
  assert_create_malformed (200, "{\"code\": \"20000\", \"data\": {\"task_id\": \"vid_");
  assert_create_malformed (200, "{\"code\": \"20000\", \"data\": {\"task_id\": \"vid_1\"}");
  assert_create_malformed (200, "{");
}

static void
test_create_non_object_root_is_malformed (void)
{
  assert_create_malformed (200, "[{\"code\": \"20000\", \"data\": {\"task_id\": \"a\"}}]");
  assert_create_malformed (200, "\"20000\"");
  assert_create_malformed (200, "20000");
  assert_create_malformed (200, "null");
  assert_create_malformed (200, "<html><body>Bad gateway</body></html>");
}

/* json-glib takes several top-level values: 1.6 kept the last (and leaked
 * the rest), 1.10 wrapped them in an unsealed array and aborted in
 * json_parser_get_root(). JSON text is one value, on both. */
static void
test_create_more_than_one_value_is_malformed (void)
{
#define ONE "{\"code\": \"20000\", \"data\": {\"task_id\": \"a\"}}"
  const char *bodies[] = { ONE ONE, ONE "\n" ONE, ONE " []", "[] " ONE, "1 " ONE,
                           "\"x\"" ONE, ONE " 1", ONE "\"x\"", ONE "{", ONE " }" };
#undef ONE
  g_autoptr(SdApiCreateResult) result = NULL;
  g_autoptr(GError) error = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_test_message ("body: %s", bodies[i]);
      assert_create_malformed (200, bodies[i]);
    }

  /* Blanks around the one value and a byte order mark are fine. */
  result = parse_create (200, NULL, "\xef\xbb\xbf \r\n{\"code\": \"20000\","
                         " \"data\": {\"task_id\": \"a\", \"x\": \"}{\"}}\t\n", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (result->task_id, ==, "a");
}

static void
test_create_empty_body_is_malformed (void)
{
  g_autoptr(SdApiCreateResult) result = NULL;
  g_autoptr(GError) error = NULL;

  assert_create_malformed (200, "");
  assert_create_malformed (200, "   \n ");

  result = parse_create (200, NULL, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, SD_API_ERROR, SD_API_ERROR_MALFORMED);
}

static void
test_create_invalid_utf8_is_malformed (void)
{
  assert_create_malformed (200, "{\"code\": \"20000\", \"data\": {\"task_id\": \"\xff\xfe\"}}");
}

static void
test_create_too_large_is_refused_unread (void)
{
  gsize size = 10 * 1024 * 1024;
  char *data = g_malloc (size);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(SdApiCreateResult) result = NULL;
  g_autoptr(GError) error = NULL;

  /* A valid document: only its size may refuse it. */
  memset (data, ' ', size);
  memcpy (data, "{\"data\": {\"task_id\": \"a\"}}", 26);
  body = g_bytes_new_take (data, size);

  result = sd_api_parse_create_response (200, NULL, NOW, body, &error);
  g_assert_null (result);
  g_assert_error (error, SD_API_ERROR, SD_API_ERROR_TOO_LARGE);
  g_assert_false (sd_api_error_is_transient (error));
  g_assert_cmpuint (sd_api_error_get_http_status (error), ==, 200);
}

static void
test_create_at_the_size_limit_is_read (void)
{
  gsize size = SD_API_MAX_BODY;
  char *data = g_malloc (size);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(SdApiCreateResult) result = NULL;
  g_autoptr(GError) error = NULL;

  memset (data, ' ', size);
  memcpy (data, "{\"data\": {\"task_id\": \"a\"}}", 26);
  body = g_bytes_new_take (data, size);

  result = sd_api_parse_create_response (200, NULL, NOW, body, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (result->task_id, ==, "a");
}

static void
test_create_deep_nesting_is_refused (void)
{
  const char *openers[] = { "[", "{\"a\":" };

  for (gsize k = 0; k < G_N_ELEMENTS (openers); k++)
    {
      g_autoptr(GString) text = g_string_new ("{\"data\": {\"task_id\": \"a\", \"x\": ");
      g_autoptr(SdApiCreateResult) result = NULL;
      g_autoptr(GError) error = NULL;

      for (int i = 0; i < 100000; i++)
        g_string_append (text, openers[k]);
      for (int i = 0; i < 100000; i++)
        g_string_append_c (text, k == 0 ? ']' : '}');
      g_string_append (text, "}}");

      result = parse_create (200, NULL, text->str, &error);
      g_assert_null (result);
      g_assert_error (error, SD_API_ERROR, SD_API_ERROR_MALFORMED);
    }
}

static void
test_create_brackets_in_strings_are_not_nesting (void)
{
  g_autoptr(GString) text = g_string_new ("{\"data\": {\"task_id\": \"a\", \"note\": \"");
  g_autoptr(SdApiCreateResult) result = NULL;
  g_autoptr(GError) error = NULL;

  for (int i = 0; i < 1000; i++)
    g_string_append (text, "[{\\\"");
  g_string_append (text, "\"}}");

  result = parse_create (200, NULL, text->str, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (result->task_id, ==, "a");
}

static void
test_create_api_error_keeps_msg_verbatim (void)
{
  const char *msg = "<b>额度不足</b> &amp; <a href=\"x\">充值</a>";
  g_autofree char *body = NULL;
  g_autoptr(SdApiCreateResult) result = NULL;
  g_autoptr(GError) error = NULL;

  body = g_strdup_printf ("{\"code\": \"40002\", \"msg\": \"%s\", \"data\": null}",
                          "<b>额度不足</b> &amp; <a href=\\\"x\\\">充值</a>");
  result = parse_create (200, NULL, body, &error);
  g_assert_null (result);
  g_assert_error (error, SD_API_ERROR, SD_API_ERROR_API);
  g_assert_cmpstr (sd_api_error_get_api_code (error), ==, "40002");
  g_assert_cmpstr (sd_api_error_get_server_message (error), ==, msg);
  g_assert_nonnull (strstr (error->message, msg));
  g_assert_nonnull (strstr (error->message, "40002"));
  g_assert_false (sd_api_error_is_transient (error));
}

static void
test_create_api_error_numeric_code (void)
{
  g_autoptr(SdApiCreateResult) result = NULL;
  g_autoptr(GError) error = NULL;

  result = parse_create (200, NULL,
                         "{\"code\": 10001, \"msg\": \"model not found\", "
                         "\"data\": {\"task_id\": \"a\"}}", &error);
  g_assert_null (result);
  g_assert_error (error, SD_API_ERROR, SD_API_ERROR_API);
  g_assert_cmpstr (sd_api_error_get_api_code (error), ==, "10001");
  g_assert_cmpstr (sd_api_error_get_server_message (error), ==, "model not found");
  g_assert_cmpuint (sd_api_error_get_http_status (error), ==, 200);
}

static void
test_create_api_error_without_msg (void)
{
  g_autoptr(SdApiCreateResult) result = NULL;
  g_autoptr(GError) error = NULL;

  result = parse_create (200, NULL, "{\"code\": \"50000\", \"msg\": 7}", &error);
  g_assert_error (error, SD_API_ERROR, SD_API_ERROR_API);
  g_assert_cmpstr (sd_api_error_get_api_code (error), ==, "50000");
  g_assert_null (sd_api_error_get_server_message (error));
  g_assert_nonnull (strstr (error->message, "50000"));
}

/* HTTP statuses */

static GError *
create_error (guint       status,
              const char *retry_after,
              const char *body)
{
  g_autoptr(SdApiCreateResult) result = NULL;
  GError *error = NULL;

  result = parse_create (status, retry_after, body, &error);
  g_assert_null (result);
  g_assert_nonnull (error);
  g_assert_cmpuint (sd_api_error_get_http_status (error), ==, status);
  return error;
}

/* The same answer to a query: 5xx there is a transient error, not a doubt. */
static GError *
query_error (guint       status,
             const char *retry_after,
             const char *body)
{
  g_autoptr(GBytes) bytes = body != NULL ? text_bytes (body) : NULL;
  g_autoptr(SdApiQueryResult) result = NULL;
  GError *error = NULL;

  result = sd_api_parse_query_response (status, retry_after, NOW, bytes, &error);
  g_assert_null (result);
  g_assert_nonnull (error);
  g_assert_cmpuint (sd_api_error_get_http_status (error), ==, status);
  return error;
}

static void
test_http_401_and_403_refuse_the_token (void)
{
  guint statuses[] = { 401, 403 };

  for (gsize i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      g_autoptr(GError) error = create_error (statuses[i], NULL,
                                              "{\"code\": 40100, \"msg\": \"invalid token\"}");

      g_assert_error (error, SD_API_ERROR, SD_API_ERROR_UNAUTHORIZED);
      g_assert_false (sd_api_error_is_transient (error));
      g_assert_nonnull (strstr (error->message, "token"));
      g_assert_nonnull (strstr (error->message, "invalid token"));
      g_assert_cmpstr (sd_api_error_get_api_code (error), ==, "40100");
    }
}

static void
test_http_401_without_body (void)
{
  g_autoptr(GError) error = create_error (401, NULL, "");

  g_assert_error (error, SD_API_ERROR, SD_API_ERROR_UNAUTHORIZED);
  g_assert_null (sd_api_error_get_server_message (error));
  g_assert_null (sd_api_error_get_api_code (error));
}

static void
test_http_429_retry_after_seconds (void)
{
  g_autoptr(GError) error = create_error (429, "30", "");

  g_assert_error (error, SD_API_ERROR, SD_API_ERROR_RATE_LIMITED);
  g_assert_cmpint (sd_api_error_get_retry_after (error), ==, 30);
  g_assert_true (sd_api_error_is_transient (error));
  g_assert_nonnull (strstr (error->message, "30"));
}

static void
test_http_429_retry_after_date (void)
{
  /* NOW is 2024-03-09T16:00:00Z; the date is 90 s later. */
  g_autoptr(GError) error = create_error (429, "Sat, 09 Mar 2024 16:01:30 GMT",
                                          "{\"code\": 42900, \"msg\": \"slow down\"}");

  g_assert_error (error, SD_API_ERROR, SD_API_ERROR_RATE_LIMITED);
  g_assert_cmpint (sd_api_error_get_retry_after (error), ==, 90);
  g_assert_cmpstr (sd_api_error_get_server_message (error), ==, "slow down");
}

static void
test_http_429_without_retry_after (void)
{
  g_autoptr(GError) error = create_error (429, NULL, NULL);

  g_assert_error (error, SD_API_ERROR, SD_API_ERROR_RATE_LIMITED);
  g_assert_cmpint (sd_api_error_get_retry_after (error), ==, -1);
  g_assert_true (sd_api_error_is_transient (error));
}

static void
test_http_503_keeps_retry_after (void)
{
  g_autoptr(GError) error = query_error (503, "120", "Service Unavailable");

  g_assert_error (error, SD_API_ERROR, SD_API_ERROR_HTTP_STATUS);
  g_assert_cmpint (sd_api_error_get_retry_after (error), ==, 120);
  g_assert_true (sd_api_error_is_transient (error));
}

static void
test_http_500_without_body (void)
{
  g_autoptr(GError) error = query_error (500, NULL, "");

  g_assert_error (error, SD_API_ERROR, SD_API_ERROR_HTTP_STATUS);
  g_assert_true (sd_api_error_is_transient (error));
  g_assert_nonnull (strstr (error->message, "500"));
  g_assert_null (sd_api_error_get_server_message (error));
}

static void
test_http_500_with_json_body (void)
{
  g_autoptr(GError) error = query_error (500, NULL,
                                          "{\"code\": \"50001\", \"msg\": \"上游超时 <retry>\"}");

  g_assert_error (error, SD_API_ERROR, SD_API_ERROR_HTTP_STATUS);
  g_assert_cmpstr (sd_api_error_get_api_code (error), ==, "50001");
  g_assert_cmpstr (sd_api_error_get_server_message (error), ==, "上游超时 <retry>");
  g_assert_nonnull (strstr (error->message, "上游超时 <retry>"));
  g_assert_nonnull (strstr (error->message, "500"));
  g_assert_true (sd_api_error_is_transient (error));
}

static void
test_http_500_with_huge_or_hostile_body (void)
{
  g_autoptr(GString) deep = g_string_new (NULL);
  g_autoptr(GError) html_error = query_error (502, NULL, "<html>Bad Gateway</html>");
  g_autoptr(GError) deep_error = NULL;

  g_assert_error (html_error, SD_API_ERROR, SD_API_ERROR_HTTP_STATUS);
  g_assert_null (sd_api_error_get_server_message (html_error));

  for (int i = 0; i < 100000; i++)
    g_string_append_c (deep, '[');
  deep_error = query_error (500, NULL, deep->str);
  g_assert_error (deep_error, SD_API_ERROR, SD_API_ERROR_HTTP_STATUS);
}

static void
test_http_other_4xx_is_not_transient (void)
{
  g_autoptr(GError) error = create_error (400, NULL,
                                          "{\"code\": 40000, \"msg\": \"duration out of range\"}");

  g_assert_error (error, SD_API_ERROR, SD_API_ERROR_HTTP_STATUS);
  g_assert_false (sd_api_error_is_transient (error));
  g_assert_cmpstr (sd_api_error_get_server_message (error), ==, "duration out of range");
}

/* A create answered with any 5xx may have made its task: the outcome is
 * unknown, whatever the body, and the user is told to look before trying
 * again (never simply to try again). */
static void
test_create_5xx_is_uncertain (void)
{
  static const guint statuses[] = { 500, 502, 503, 504, 507, 599 };
  static const char * const bodies[] = {
    NULL, "", "<html>Bad Gateway</html>",
    "{\"code\": \"50001\", \"msg\": \"上游超时\"}",
    "{\"code\": -1, \"msg\": \"server error\"}",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (statuses); i++)
    for (gsize j = 0; j < G_N_ELEMENTS (bodies); j++)
      {
        g_autoptr(GError) error = create_error (statuses[i], "30", bodies[j]);
        g_autofree char *status_text = g_strdup_printf ("%u", statuses[i]);

        g_test_message ("%u %s: %s", statuses[i], bodies[j], error->message);
        g_assert_error (error, SD_API_ERROR, SD_API_ERROR_OUTCOME_UNKNOWN);
        g_assert_false (sd_api_error_is_transient (error));
        g_assert_nonnull (strstr (error->message, "may or may not have been created"));
        g_assert_nonnull (strstr (error->message, "before trying again"));
        g_assert_null (strstr (error->message, "Try again later"));
        g_assert_cmpint (sd_api_error_get_retry_after (error), ==, 30);
      }
}

static void
test_create_code_minus_one_is_uncertain (void)
{
  g_autoptr(GError) error = create_error (200, NULL,
                                          "{\"code\": -1, \"msg\": \"busy, retry later\", "
                                          "\"data\": null}");
  g_autoptr(GError) text_code = create_error (200, NULL,
                                              "{\"code\": \"-1\", \"msg\": \"busy\"}");

  g_assert_error (error, SD_API_ERROR, SD_API_ERROR_OUTCOME_UNKNOWN);
  g_assert_cmpstr (sd_api_error_get_api_code (error), ==, "-1");
  g_assert_cmpstr (sd_api_error_get_server_message (error), ==, "busy, retry later");
  g_assert_nonnull (strstr (error->message, "may or may not have been created"));
  g_assert_nonnull (strstr (error->message, "busy, retry later"));
  g_assert_error (text_code, SD_API_ERROR, SD_API_ERROR_OUTCOME_UNKNOWN);
}

/* Answers that prove nothing was made are clean failures, never uncertain. */
static void
test_create_refusals_are_clean (void)
{
  static const struct {
    guint       status;
    const char *body;
    int         code;
  } cases[] = {
    { 400, "{\"code\": 40000, \"msg\": \"duration out of range\"}", SD_API_ERROR_HTTP_STATUS },
    { 404, NULL, SD_API_ERROR_HTTP_STATUS },
    { 422, "", SD_API_ERROR_HTTP_STATUS },
    { 401, "{\"code\": 40100}", SD_API_ERROR_UNAUTHORIZED },
    { 403, NULL, SD_API_ERROR_UNAUTHORIZED },
    { 429, NULL, SD_API_ERROR_RATE_LIMITED },
    { 200, "{\"code\": 20001, \"msg\": \"bad key\"}", SD_API_ERROR_UNAUTHORIZED },
    { 400, "{\"code\": \"20001\", \"msg\": \"bad key\"}", SD_API_ERROR_UNAUTHORIZED },
    { 500, "{\"code\": 20001, \"msg\": \"bad key\"}", SD_API_ERROR_UNAUTHORIZED },
    { 200, "{\"code\": 20002, \"msg\": \"prompt is required\"}", SD_API_ERROR_API },
    { 400, "{\"code\": 20002, \"msg\": \"prompt is required\"}", SD_API_ERROR_API },
    { 502, "{\"code\": 20002, \"msg\": \"prompt is required\"}", SD_API_ERROR_API },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = create_error (cases[i].status, NULL, cases[i].body);

      g_test_message ("%u %s: %s", cases[i].status, cases[i].body, error->message);
      g_assert_error (error, SD_API_ERROR, cases[i].code);
      g_assert_null (strstr (error->message, "may or may not"));
    }
}

static void
test_code_20001_asks_for_the_token (void)
{
  g_autoptr(GError) error = create_error (200, NULL,
                                          "{\"code\": 20001, \"msg\": \"auth failed\", \"data\": null}");
  g_autoptr(GError) query = query_error (200, NULL, "{\"code\": 20001, \"msg\": \"auth failed\"}");

  g_assert_error (error, SD_API_ERROR, SD_API_ERROR_UNAUTHORIZED);
  g_assert_cmpstr (sd_api_error_get_api_code (error), ==, "20001");
  g_assert_nonnull (strstr (error->message, "token"));
  g_assert_nonnull (strstr (error->message, "auth failed"));
  g_assert_false (sd_api_error_is_transient (error));
  g_assert_error (query, SD_API_ERROR, SD_API_ERROR_UNAUTHORIZED);
}

static void
test_code_20002_is_a_refusal_with_msg (void)
{
  g_autoptr(GError) error = create_error (200, NULL,
                                          "{\"code\": 20002, \"msg\": \"ratio 5:4 is not supported\"}");

  g_assert_error (error, SD_API_ERROR, SD_API_ERROR_API);
  g_assert_cmpstr (sd_api_error_get_server_message (error), ==, "ratio 5:4 is not supported");
  g_assert_nonnull (strstr (error->message, "ratio 5:4 is not supported"));
  g_assert_nonnull (strstr (error->message, "nothing was created"));
  g_assert_false (sd_api_error_is_transient (error));
}

/* On a query, -1 is the server's own trouble: asked again with backoff. */
static void
test_query_code_minus_one_is_transient (void)
{
  g_autoptr(GError) ok_status = query_error (200, NULL, "{\"code\": -1, \"msg\": \"busy\"}");
  g_autoptr(GError) server_status = query_error (503, "5", "{\"code\": -1, \"msg\": \"busy\"}");

  g_assert_error (ok_status, SD_API_ERROR, SD_API_ERROR_SERVER);
  g_assert_true (sd_api_error_is_transient (ok_status));
  g_assert_cmpstr (sd_api_error_get_server_message (ok_status), ==, "busy");
  g_assert_error (server_status, SD_API_ERROR, SD_API_ERROR_SERVER);
  g_assert_true (sd_api_error_is_transient (server_status));
  g_assert_cmpint (sd_api_error_get_retry_after (server_status), ==, 5);
}

/* Retry-After */

static void
test_retry_after_parsing (void)
{
  g_assert_cmpint (sd_api_parse_retry_after (NULL, NOW), ==, -1);
  g_assert_cmpint (sd_api_parse_retry_after ("", NOW), ==, -1);
  g_assert_cmpint (sd_api_parse_retry_after ("0", NOW), ==, 0);
  g_assert_cmpint (sd_api_parse_retry_after (" 45 ", NOW), ==, 45);
  g_assert_cmpint (sd_api_parse_retry_after ("-5", NOW), ==, 0);
  g_assert_cmpint (sd_api_parse_retry_after ("1.5", NOW), ==, -1);
  g_assert_cmpint (sd_api_parse_retry_after ("soon", NOW), ==, -1);
  g_assert_cmpint (sd_api_parse_retry_after ("5 apples", NOW), ==, -1);
  g_assert_cmpint (sd_api_parse_retry_after ("99999999999999999999999", NOW), ==, -1);
  g_assert_cmpint (sd_api_parse_retry_after ("Sat, 09 Mar 2024 16:00:10 GMT", NOW), ==, 10);
  /* A date in the past means: now. */
  g_assert_cmpint (sd_api_parse_retry_after ("Wed, 21 Oct 2015 07:28:00 GMT", NOW), ==, 0);
}

/* Statuses */

static void
test_status_spellings (void)
{
  static const struct {
    const char   *text;
    SdTaskStatus  status;
  } cases[] = {
    { "queued", SD_TASK_STATUS_QUEUED },
    { "processing", SD_TASK_STATUS_PROCESSING },
    { "running", SD_TASK_STATUS_PROCESSING },
    { "completed", SD_TASK_STATUS_COMPLETED },
    { "succeeded", SD_TASK_STATUS_COMPLETED },
    { "failed", SD_TASK_STATUS_FAILED },
    { "cancelled", SD_TASK_STATUS_FAILED },
    { "expired", SD_TASK_STATUS_FAILED },
    { "Completed", SD_TASK_STATUS_COMPLETED },
    { "paused", SD_TASK_STATUS_UNKNOWN },
    { "", SD_TASK_STATUS_UNKNOWN },
    { NULL, SD_TASK_STATUS_UNKNOWN },
    { "uncertain", SD_TASK_STATUS_UNCERTAIN },
    { "not-found", SD_TASK_STATUS_NOT_FOUND },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmpint (sd_api_status_from_string (cases[i].text), ==, cases[i].status);

  g_assert_cmpstr (sd_api_status_to_string (SD_TASK_STATUS_QUEUED), ==, "queued");
  g_assert_cmpstr (sd_api_status_to_string (SD_TASK_STATUS_PROCESSING), ==, "processing");
  g_assert_cmpstr (sd_api_status_to_string (SD_TASK_STATUS_COMPLETED), ==, "completed");
  g_assert_cmpstr (sd_api_status_to_string (SD_TASK_STATUS_FAILED), ==, "failed");
  g_assert_cmpstr (sd_api_status_to_string (SD_TASK_STATUS_UNKNOWN), ==, "unknown");
  g_assert_cmpstr (sd_api_status_to_string (SD_TASK_STATUS_UNCERTAIN), ==, "uncertain");
  g_assert_cmpstr (sd_api_status_to_string (SD_TASK_STATUS_NOT_FOUND), ==, "not-found");
}

/* The history's own statuses are the app's findings: a server that claims
 * one gets nothing from it (the task stays polled). */
static void
test_server_cannot_claim_local_statuses (void)
{
  static const char * const claims[] = { "uncertain", "not-found", "NOT-FOUND" };

  for (gsize i = 0; i < G_N_ELEMENTS (claims); i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"code\": 20000, \"data\": "
                                               "{\"task_id\": \"t\", \"status\": \"%s\"}}",
                                               claims[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(SdApiQueryResult) query = parse_query (body, &error);
      g_autoptr(SdApiCreateResult) create = parse_create (200, NULL, body, &error);

      g_assert_no_error (error);
      g_assert_cmpint (query->status, ==, SD_TASK_STATUS_UNKNOWN);
      g_assert_cmpstr (query->status_raw, ==, claims[i]);
      g_assert_cmpint (create->status, ==, SD_TASK_STATUS_UNKNOWN);
    }
}

/* Query responses */

static SdApiQueryResult *
query_ok (const char *body)
{
  g_autoptr(GError) error = NULL;
  SdApiQueryResult *result = parse_query (body, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);
  return result;
}

static void
test_query_completed_has_video_url (void)
{
  g_autoptr(SdApiQueryResult) result = NULL;

  result = query_ok ("{\"code\": \"20000\", \"msg\": \"ok\", \"data\": {\"task_id\": \"vid_abc123\","
                     " \"status\": \"completed\", \"model\": \"seedance2.0-fast-i2v\","
                     " \"created_at\": 1710000000, \"updated_at\": 1710000100,"
                     " \"result\": {\"video_url\": \"https://cdn.example.com/v.mp4\"}}}");
  g_assert_cmpstr (result->task_id, ==, "vid_abc123");
  g_assert_cmpint (result->status, ==, SD_TASK_STATUS_COMPLETED);
  g_assert_cmpstr (result->model, ==, "seedance2.0-fast-i2v");
  g_assert_cmpint (result->created_at, ==, 1710000000);
  g_assert_cmpint (result->updated_at, ==, 1710000100);
  g_assert_cmpstr (result->video_url, ==, "https://cdn.example.com/v.mp4");
  g_assert_null (result->failure_message);
}

static void
test_query_bytedance_spellings (void)
{
  static const struct {
    const char   *text;
    SdTaskStatus  status;
  } cases[] = {
    { "running", SD_TASK_STATUS_PROCESSING },
    { "succeeded", SD_TASK_STATUS_COMPLETED },
    { "cancelled", SD_TASK_STATUS_FAILED },
    { "expired", SD_TASK_STATUS_FAILED },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"code\": 0, \"data\": {\"status\": \"%s\"}}",
                                               cases[i].text);
      g_autoptr(SdApiQueryResult) result = query_ok (body);

      g_assert_cmpint (result->status, ==, cases[i].status);
      /* Kept so the UI can say "cancelled" rather than "failed". */
      g_assert_cmpstr (result->status_raw, ==, cases[i].text);
    }
}

static void
test_query_unknown_status_is_kept (void)
{
  g_autoptr(SdApiQueryResult) result = NULL;

  result = query_ok ("{\"code\": 0, \"data\": {\"task_id\": \"a\", \"status\": \"moderating\"}}");
  g_assert_cmpint (result->status, ==, SD_TASK_STATUS_UNKNOWN);
  g_assert_cmpstr (result->status_raw, ==, "moderating");
  g_assert_null (result->failure_message);
}

static void
test_query_wrong_types_and_nulls_are_tolerated (void)
{
  g_autoptr(SdApiQueryResult) number = NULL;
  g_autoptr(SdApiQueryResult) nulls = NULL;
  g_autoptr(SdApiQueryResult) missing = NULL;

  number = query_ok ("{\"code\": 0, \"data\": {\"task_id\": 7, \"status\": 3,"
                     " \"model\": 5, \"created_at\": \"yesterday\", \"result\": \"x\"}}");
  g_assert_cmpstr (number->task_id, ==, "7");
  g_assert_cmpint (number->status, ==, SD_TASK_STATUS_UNKNOWN);
  g_assert_cmpstr (number->status_raw, ==, "3");
  g_assert_null (number->model);
  g_assert_cmpint (number->created_at, ==, 0);
  g_assert_null (number->video_url);

  nulls = query_ok ("{\"code\": 0, \"data\": {\"task_id\": null, \"status\": null,"
                    " \"result\": null, \"error\": null, \"updated_at\": null}}");
  g_assert_null (nulls->task_id);
  g_assert_cmpint (nulls->status, ==, SD_TASK_STATUS_UNKNOWN);
  g_assert_null (nulls->status_raw);
  g_assert_null (nulls->video_url);
  g_assert_null (nulls->failure_message);

  missing = query_ok ("{\"code\": 0, \"data\": {\"status\": \"completed\","
                      " \"result\": {\"video_url\": null}}}");
  g_assert_cmpint (missing->status, ==, SD_TASK_STATUS_COMPLETED);
  g_assert_null (missing->video_url);
}

static void
test_query_data_null_is_malformed (void)
{
  g_autoptr(SdApiQueryResult) result = NULL;
  g_autoptr(GError) error = NULL;

  result = parse_query ("{\"code\": \"20000\", \"msg\": \"ok\", \"data\": null}", &error);
  g_assert_null (result);
  g_assert_error (error, SD_API_ERROR, SD_API_ERROR_MALFORMED);
}

static void
test_query_timestamps (void)
{
  g_autoptr(SdApiQueryResult) text = NULL;
  g_autoptr(SdApiQueryResult) iso = NULL;
  g_autoptr(SdApiQueryResult) millis = NULL;

  text = query_ok ("{\"data\": {\"created_at\": \"1710000000\", \"updated_at\": 1710000050.7}}");
  g_assert_cmpint (text->created_at, ==, 1710000000);
  g_assert_cmpint (text->updated_at, ==, 1710000050);

  iso = query_ok ("{\"data\": {\"created_at\": \"2024-03-09T16:00:00Z\","
                  " \"updated_at\": \"2024-03-09T18:00:00+02:00\"}}");
  g_assert_cmpint (iso->created_at, ==, 1710000000);
  g_assert_cmpint (iso->updated_at, ==, 1710000000);

  millis = query_ok ("{\"data\": {\"created_at\": 1710000000123, \"updated_at\": -4}}");
  g_assert_cmpint (millis->created_at, ==, 1710000000);
  g_assert_cmpint (millis->updated_at, ==, 0);
}

static void
assert_failure_message (const char *body,
                        const char *expected)
{
  g_autoptr(SdApiQueryResult) result = query_ok (body);

  g_assert_cmpint (result->status, ==, SD_TASK_STATUS_FAILED);
  g_assert_cmpstr (result->failure_message, ==, expected);
}

static void
test_query_failure_reasons (void)
{
  assert_failure_message ("{\"code\": 0, \"msg\": \"content policy violation\","
                          " \"data\": {\"status\": \"failed\"}}",
                          "content policy violation");
  assert_failure_message ("{\"code\": 0, \"msg\": \"ok\","
                          " \"data\": {\"status\": \"failed\", \"error\": \"图片无法下载\"}}",
                          "图片无法下载");
  assert_failure_message ("{\"code\": 0, \"data\": {\"status\": \"failed\","
                          " \"error\": {\"code\": \"E1\", \"message\": \"<i>bad</i> & co\"}}}",
                          "<i>bad</i> & co");
  assert_failure_message ("{\"code\": 0, \"data\": {\"status\": \"failed\","
                          " \"error\": {\"msg\": \"quota\"}}}",
                          "quota");
  assert_failure_message ("{\"code\": 0, \"data\": {\"status\": \"failed\","
                          " \"error\": \"\", \"fail_reason\": \"timeout\"}}",
                          "timeout");
  assert_failure_message ("{\"code\": 0, \"msg\": \"success\","
                          " \"data\": {\"status\": \"failed\", \"message\": \"no frames\"}}",
                          "no frames");
}

static void
test_query_ok_msg_is_not_a_failure_reason (void)
{
  g_autoptr(SdApiQueryResult) failed = NULL;
  g_autoptr(SdApiQueryResult) running = NULL;

  failed = query_ok ("{\"code\": 0, \"msg\": \"OK\", \"data\": {\"status\": \"failed\"}}");
  g_assert_cmpint (failed->status, ==, SD_TASK_STATUS_FAILED);
  g_assert_null (failed->failure_message);

  running = query_ok ("{\"code\": 0, \"msg\": \"still working\","
                      " \"data\": {\"status\": \"processing\", \"message\": \"50%\"}}");
  g_assert_null (running->failure_message);
}

static void
test_query_http_error (void)
{
  g_autoptr(GBytes) body = text_bytes ("{\"code\": 40400, \"msg\": \"task not found\"}");
  g_autoptr(SdApiQueryResult) result = NULL;
  g_autoptr(GError) error = NULL;

  result = sd_api_parse_query_response (404, NULL, NOW, body, &error);
  g_assert_null (result);
  g_assert_error (error, SD_API_ERROR, SD_API_ERROR_HTTP_STATUS);
  g_assert_false (sd_api_error_is_transient (error));
  g_assert_cmpstr (sd_api_error_get_server_message (error), ==, "task not found");
}

/* Errors */

static void
test_error_accessors_on_other_domains (void)
{
  g_autoptr(GError) other = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "x");

  g_assert_cmpuint (sd_api_error_get_http_status (other), ==, 0);
  g_assert_cmpint (sd_api_error_get_retry_after (other), ==, -1);
  g_assert_null (sd_api_error_get_api_code (other));
  g_assert_null (sd_api_error_get_server_message (other));
  g_assert_false (sd_api_error_is_transient (other));
  g_assert_false (sd_api_error_is_transient (NULL));
}

static void
test_error_details_survive_copy (void)
{
  g_autoptr(GError) error = sd_api_error_new_full (SD_API_ERROR_RATE_LIMITED, 429, 12,
                                                   "42900", "slow", "message");
  g_autoptr(GError) copy = g_error_copy (error);
  g_autoptr(GError) plain = g_error_new_literal (SD_API_ERROR, SD_API_ERROR_TRANSPORT,
                                                 "network down");

  g_assert_error (copy, SD_API_ERROR, SD_API_ERROR_RATE_LIMITED);
  g_assert_cmpuint (sd_api_error_get_http_status (copy), ==, 429);
  g_assert_cmpint (sd_api_error_get_retry_after (copy), ==, 12);
  g_assert_cmpstr (sd_api_error_get_api_code (copy), ==, "42900");
  g_assert_cmpstr (sd_api_error_get_server_message (copy), ==, "slow");

  /* Errors made the ordinary way get the "nothing known" details. */
  g_assert_cmpint (sd_api_error_get_retry_after (plain), ==, -1);
  g_assert_cmpuint (sd_api_error_get_http_status (plain), ==, 0);
  g_assert_true (sd_api_error_is_transient (plain));
}

static void
test_error_transience (void)
{
  static const struct {
    SdApiError code;
    guint      status;
    gboolean   transient;
  } cases[] = {
    { SD_API_ERROR_TRANSPORT, 0, TRUE },
    { SD_API_ERROR_HTTP_STATUS, 500, TRUE },
    { SD_API_ERROR_HTTP_STATUS, 504, TRUE },
    { SD_API_ERROR_HTTP_STATUS, 404, FALSE },
    { SD_API_ERROR_RATE_LIMITED, 429, TRUE },
    { SD_API_ERROR_MALFORMED, 200, TRUE },
    { SD_API_ERROR_UNAUTHORIZED, 401, FALSE },
    { SD_API_ERROR_API, 200, FALSE },
    { SD_API_ERROR_TOO_LARGE, 200, FALSE },
    { SD_API_ERROR_INSECURE, 0, FALSE },
    { SD_API_ERROR_OUTCOME_UNKNOWN, 0, FALSE },
    { SD_API_ERROR_INVALID_REQUEST, 0, FALSE },
    { SD_API_ERROR_SERVER, 200, TRUE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = sd_api_error_new_full (cases[i].code, cases[i].status, -1,
                                                       NULL, NULL, "m");

      g_assert_cmpint (sd_api_error_is_transient (error), ==, cases[i].transient);
    }
}

/* Mutated copies of a valid body (bytes flipped, cut, duplicated) must each
 * give exactly one of a result or an error; the sanitizer build checks the
 * rest. The seed is g_test's, so a failure is reproducible with --seed. */
static void
test_fuzz_mutated_bodies_never_crash (void)
{
  const char *seed_body = "{\"code\": \"20000\", \"msg\": \"ok\", \"data\": {\"task_id\":"
                          " \"vid_1\", \"status\": \"failed\", \"created_at\": \"2024-03-09T16:00:00Z\","
                          " \"error\": {\"message\": \"x\"}, \"result\": {\"video_url\": \"https://a\"}}}";
  const char alphabet[] = "{}[]\":,\\ 0123456789.eE-+nulltruefalse\xff";
  gsize length = strlen (seed_body);

  for (int n = 0; n < 5000; n++)
    {
      g_autoptr(GByteArray) data = g_byte_array_new ();
      g_autoptr(GBytes) body = NULL;
      g_autoptr(SdApiCreateResult) created = NULL;
      g_autoptr(SdApiQueryResult) queried = NULL;
      g_autoptr(GError) create_error = NULL;
      g_autoptr(GError) query_error = NULL;
      int mutations = g_test_rand_int_range (1, 6);

      g_byte_array_append (data, (const guint8 *) seed_body, length);
      for (int m = 0; m < mutations && data->len > 1; m++)
        {
          guint at = g_test_rand_int_range (0, data->len);

          switch (g_test_rand_int_range (0, 3))
            {
            case 0:
              data->data[at] = alphabet[g_test_rand_int_range (0, sizeof alphabet - 1)];
              break;
            case 1:
              g_byte_array_set_size (data, at);
              break;
            default:
              {
                guint8 chunk[16];
                guint size = MIN (data->len - at, sizeof chunk);

                memcpy (chunk, data->data + at, size);
                g_byte_array_append (data, chunk, size);
              }
              break;
            }
        }

      body = g_bytes_new (data->data, data->len);
      created = sd_api_parse_create_response (200, NULL, NOW, body, &create_error);
      queried = sd_api_parse_query_response (200, NULL, NOW, body, &query_error);
      g_assert_true ((created == NULL) != (create_error == NULL));
      g_assert_true ((queried == NULL) != (query_error == NULL));
      if (create_error != NULL)
        g_assert_true (create_error->domain == SD_API_ERROR);
      if (query_error != NULL)
        g_assert_true (query_error->domain == SD_API_ERROR);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/api/encode/reference-images-example", test_encode_reference_images_example);
  g_test_add_func ("/api/encode/first-last-frame-example", test_encode_first_last_frame_example);
  g_test_add_func ("/api/encode/omits-unset-and-empty-fields", test_encode_omits_unset_and_empty_fields);
  g_test_add_func ("/api/encode/every-field", test_encode_every_field);
  g_test_add_func ("/api/request/from-json-keeps-zero-and-negative-duration", test_request_from_json_keeps_zero_and_negative_duration);
  g_test_add_func ("/api/request/round-trip", test_request_round_trip);
  g_test_add_func ("/api/request/from-json-is-lenient", test_request_from_json_is_lenient);
  g_test_add_func ("/api/request/from-json-names-wrong-field", test_request_from_json_names_wrong_field);
  g_test_add_func ("/api/request/from-json-refuses-non-object", test_request_from_json_refuses_non_object);
  g_test_add_func ("/api/create/success-code-string", test_create_success_code_string);
  g_test_add_func ("/api/create/provider-example-code-zero", test_create_provider_example_code_zero);
  g_test_add_func ("/api/create/other-success-spellings", test_create_other_success_spellings);
  g_test_add_func ("/api/create/ignores-unknown-fields", test_create_ignores_unknown_fields);
  g_test_add_func ("/api/create/missing-optional-fields", test_create_missing_optional_fields);
  g_test_add_func ("/api/create/without-task-id-is-malformed", test_create_without_task_id_is_malformed);
  g_test_add_func ("/api/create/numeric-task-id-is-text", test_create_numeric_task_id_is_text);
  g_test_add_func ("/api/create/without-data-is-malformed", test_create_without_data_is_malformed);
  g_test_add_func ("/api/create/wrong-code-type-is-malformed", test_create_wrong_code_type_is_malformed);
  g_test_add_func ("/api/create/truncated-json-is-malformed", test_create_truncated_json_is_malformed);
  g_test_add_func ("/api/create/non-object-root-is-malformed", test_create_non_object_root_is_malformed);
  g_test_add_func ("/api/create/more-than-one-value-is-malformed", test_create_more_than_one_value_is_malformed);
  g_test_add_func ("/api/create/empty-body-is-malformed", test_create_empty_body_is_malformed);
  g_test_add_func ("/api/create/invalid-utf8-is-malformed", test_create_invalid_utf8_is_malformed);
  g_test_add_func ("/api/create/too-large-is-refused-unread", test_create_too_large_is_refused_unread);
  g_test_add_func ("/api/create/at-the-size-limit-is-read", test_create_at_the_size_limit_is_read);
  g_test_add_func ("/api/create/deep-nesting-is-refused", test_create_deep_nesting_is_refused);
  g_test_add_func ("/api/create/brackets-in-strings-are-not-nesting", test_create_brackets_in_strings_are_not_nesting);
  g_test_add_func ("/api/create/api-error-keeps-msg-verbatim", test_create_api_error_keeps_msg_verbatim);
  g_test_add_func ("/api/create/api-error-numeric-code", test_create_api_error_numeric_code);
  g_test_add_func ("/api/create/api-error-without-msg", test_create_api_error_without_msg);
  g_test_add_func ("/api/http/401-and-403-refuse-the-token", test_http_401_and_403_refuse_the_token);
  g_test_add_func ("/api/http/401-without-body", test_http_401_without_body);
  g_test_add_func ("/api/http/429-retry-after-seconds", test_http_429_retry_after_seconds);
  g_test_add_func ("/api/http/429-retry-after-date", test_http_429_retry_after_date);
  g_test_add_func ("/api/http/429-without-retry-after", test_http_429_without_retry_after);
  g_test_add_func ("/api/http/503-keeps-retry-after", test_http_503_keeps_retry_after);
  g_test_add_func ("/api/http/500-without-body", test_http_500_without_body);
  g_test_add_func ("/api/http/500-with-json-body", test_http_500_with_json_body);
  g_test_add_func ("/api/http/500-with-huge-or-hostile-body", test_http_500_with_huge_or_hostile_body);
  g_test_add_func ("/api/http/other-4xx-is-not-transient", test_http_other_4xx_is_not_transient);
  g_test_add_func ("/api/retry-after/seconds-dates-and-garbage", test_retry_after_parsing);
  g_test_add_func ("/api/status/spellings", test_status_spellings);
  g_test_add_func ("/api/status/server-cannot-claim-local-statuses", test_server_cannot_claim_local_statuses);
  g_test_add_func ("/api/create/5xx-is-uncertain", test_create_5xx_is_uncertain);
  g_test_add_func ("/api/create/code-minus-one-is-uncertain", test_create_code_minus_one_is_uncertain);
  g_test_add_func ("/api/create/refusals-are-clean", test_create_refusals_are_clean);
  g_test_add_func ("/api/code/20001-asks-for-the-token", test_code_20001_asks_for_the_token);
  g_test_add_func ("/api/code/20002-is-a-refusal-with-msg", test_code_20002_is_a_refusal_with_msg);
  g_test_add_func ("/api/query/code-minus-one-is-transient", test_query_code_minus_one_is_transient);
  g_test_add_func ("/api/query/completed-has-video-url", test_query_completed_has_video_url);
  g_test_add_func ("/api/query/bytedance-spellings", test_query_bytedance_spellings);
  g_test_add_func ("/api/query/unknown-status-is-kept", test_query_unknown_status_is_kept);
  g_test_add_func ("/api/query/wrong-types-and-nulls-are-tolerated", test_query_wrong_types_and_nulls_are_tolerated);
  g_test_add_func ("/api/query/data-null-is-malformed", test_query_data_null_is_malformed);
  g_test_add_func ("/api/query/timestamps", test_query_timestamps);
  g_test_add_func ("/api/query/failure-reasons", test_query_failure_reasons);
  g_test_add_func ("/api/query/ok-msg-is-not-a-failure-reason", test_query_ok_msg_is_not_a_failure_reason);
  g_test_add_func ("/api/query/http-error", test_query_http_error);
  g_test_add_func ("/api/error/accessors-on-other-domains", test_error_accessors_on_other_domains);
  g_test_add_func ("/api/error/details-survive-copy", test_error_details_survive_copy);
  g_test_add_func ("/api/error/transience", test_error_transience);
  g_test_add_func ("/api/fuzz/mutated-bodies-never-crash", test_fuzz_mutated_bodies_never_crash);

  return g_test_run ();
}

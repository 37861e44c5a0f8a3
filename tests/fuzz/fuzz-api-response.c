/* fuzz-api-response.c: libFuzzer target for the response codec
 *
 * Input layout: byte 0 picks the HTTP status, byte 1 the length of a
 * Retry-After header taken from the bytes that follow; the rest is the body.
 * Every parse must give exactly one of a result or an SD_API_ERROR whose
 * message is valid UTF-8 text.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "fuzz-api-response"

#include "config.h"

#include <stdint.h>
#include <string.h>

#include "sd-api.h"

#define NOW 1710000000

int LLVMFuzzerInitialize   (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static const guint common_statuses[] = {
  200, 201, 204, 206, 301, 400, 401, 403, 404, 408, 413, 429, 500, 502, 503, 504,
};

/* The common statuses most of the time, any status from 0 to 635 otherwise. */
static guint
pick_status (guint8 byte)
{
  if ((byte & 0x80) == 0)
    return common_statuses[byte % G_N_ELEMENTS (common_statuses)];
  return (byte & 0x7f) * 5;
}

static void
assert_text (const char *text)
{
  if (text != NULL)
    g_assert_true (g_utf8_validate (text, -1, NULL));
}

static void
assert_api_error (const GError *error)
{
  g_assert_nonnull (error);
  g_assert_true (error->domain == SD_API_ERROR);
  g_assert_nonnull (error->message);
  g_assert_cmpstr (error->message, !=, "");
  assert_text (error->message);
  assert_text (sd_api_error_get_api_code (error));
  assert_text (sd_api_error_get_server_message (error));
  g_assert_cmpint (sd_api_error_get_retry_after (error), >=, -1);
}

static void
assert_retry_after (const char *value)
{
  g_assert_cmpint (sd_api_parse_retry_after (value, NOW), >=, -1);
}

static void
check_create (guint       status,
              const char *retry_after,
              GBytes     *body)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdApiCreateResult) result = NULL;

  result = sd_api_parse_create_response (status, retry_after, NOW, body, &error);
  g_assert_true ((result == NULL) != (error == NULL));
  if (error != NULL)
    {
      assert_api_error (error);
      g_assert_cmpuint (sd_api_error_get_http_status (error), ==, status);
      return;
    }

  g_assert_true (status >= 200 && status < 300);
  g_assert_nonnull (result->task_id);
  g_assert_cmpstr (result->task_id, !=, "");
  assert_text (result->task_id);
  assert_text (result->status_raw);
  assert_text (result->model);
  g_assert_cmpint (result->created_at, >=, 0);
}

static void
check_query (guint       status,
             const char *retry_after,
             GBytes     *body)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdApiQueryResult) result = NULL;

  result = sd_api_parse_query_response (status, retry_after, NOW, body, &error);
  g_assert_true ((result == NULL) != (error == NULL));
  if (error != NULL)
    {
      assert_api_error (error);
      g_assert_cmpuint (sd_api_error_get_http_status (error), ==, status);
      return;
    }

  g_assert_true (status >= 200 && status < 300);
  assert_text (result->task_id);
  assert_text (result->status_raw);
  assert_text (result->model);
  assert_text (result->video_url);
  assert_text (result->failure_message);
  g_assert_cmpint (result->created_at, >=, 0);
  g_assert_cmpint (result->updated_at, >=, 0);
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
  g_autofree char *whole = g_strndup ((const char *) data, size);
  g_autofree char *retry_after = NULL;
  g_autoptr(GBytes) body = NULL;
  guint status = 200;
  gsize header_length = 0;
  gsize offset = 0;

  assert_retry_after (whole);

  if (size > 0)
    status = pick_status (data[offset++]);
  if (size > 1)
    {
      header_length = data[offset++] % 64;
      header_length = MIN (header_length, size - offset);
    }
  if (header_length > 0)
    {
      retry_after = g_strndup ((const char *) data + offset, header_length);
      assert_retry_after (retry_after);
      offset += header_length;
    }

  body = g_bytes_new (data + offset, size - offset);
  check_create (status, retry_after, body);
  check_query (status, retry_after, body);

  /* The same bytes as a whole body, read as a success. */
  g_clear_pointer (&body, g_bytes_unref);
  body = g_bytes_new (data, size);
  check_create (200, NULL, body);
  check_query (200, NULL, body);

  return 0;
}

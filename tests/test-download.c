/* test-download.c: saving finished videos to disk
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "sd-api.h"
#include "sd-catalog.h"
#include "sd-client.h"
#include "sd-download.h"
#include "sd-download-test.h"
#include "sd-request.h"
#include "sd-simulator-test.h"

#define SAMPLE_RESOURCE "/io/github/seedancestudio/SeedanceStudio/core/sample.mp4"
#define SIM_MODEL       "seedance2.0-fast-i2v"
#define SIM_QUEUED_MS   1000
#define SIM_WORKING_MS  2000

#define VIDEO_SIZE (700 * 1024 + 13)
#define BIG_SIZE   (24 * 1024 * 1024 + 7)
#define TEST_OWNER "http://127.0.0.1\ntask-1"

/* A loopback HTTP server written by hand, so that it can break the
 * connection in the middle of a body, which a real server never does on
 * purpose. It listens on 127.0.0.1 and, for redirects, 127.0.0.2. */
typedef struct
{
  GMutex                  lock;
  GSocketService         *service;
  GBytes                 *video;
  guint16                 port;
  guint16                 other_port;

  /* faults, set before a download */
  guint                   drops;          /* next responses cut at half */
  gboolean                ignore_range;
  gboolean                no_length;
  guint                   status;         /* answered instead of the video... */
  guint                   status_times;   /* ...this many times */
  guint                   version;        /* the file's ETag "v<version>"; bytes change with it */
  gboolean                no_validator;   /* neither ETag nor Last-Modified */
  gboolean                ignore_if_range;
  guint                   chunk_delay_ms; /* a slow server: a pause before each 64 KiB */
  gboolean                stray_range;    /* every answer a 206 from byte 1 */

  /* what the server saw */
  GPtrArray              *ranges;         /* Range of each request, "" if none */
  GPtrArray              *if_ranges;      /* If-Range of each request, "" if none */
  GPtrArray              *hosts;          /* address each request came to */
  guint                   authorizations;
} TestServer;

typedef struct
{
  TestServer  *server;
  SoupSession *session;
  char        *dir;
} Fixture;

static TestServer *test_server;

static guint8
big_byte (guint64 i)
{
  return (guint8) ((i * 7) ^ (i >> 11));
}

static void
fill_big (guint8 *buffer, guint64 offset, gsize len)
{
  for (gsize i = 0; i < len; i++)
    buffer[i] = big_byte (offset + i);
}

static GBytes *
make_video (void)
{
  guint8 *data = g_malloc (VIDEO_SIZE);
  GRand *rand = g_rand_new_with_seed (20250101);

  for (gsize i = 0; i < VIDEO_SIZE; i++)
    data[i] = g_rand_int (rand) & 0xff;
  g_rand_free (rand);
  return g_bytes_new_take (data, VIDEO_SIZE);
}

typedef struct
{
  char    *path;
  char    *range;
  char    *if_range;
  gboolean authorization;
} Request;

static gboolean
read_request (GSocketConnection *connection, Request *request)
{
  GInputStream *base = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  g_autoptr(GDataInputStream) in = g_data_input_stream_new (base);
  g_autofree char *first = NULL;
  g_auto(GStrv) words = NULL;

  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (in), FALSE);
  g_data_input_stream_set_newline_type (in, G_DATA_STREAM_NEWLINE_TYPE_CR_LF);
  first = g_data_input_stream_read_line (in, NULL, NULL, NULL);
  if (first == NULL)
    return FALSE;
  words = g_strsplit (first, " ", 3);
  if (g_strv_length (words) < 2)
    return FALSE;
  request->path = g_strdup (words[1]);

  for (;;)
    {
      g_autofree char *line = g_data_input_stream_read_line (in, NULL, NULL, NULL);

      if (line == NULL || *line == '\0')
        break;
      if (g_ascii_strncasecmp (line, "Range:", 6) == 0)
        request->range = g_strdup (g_strstrip (line + 6));
      else if (g_ascii_strncasecmp (line, "If-Range:", 9) == 0)
        request->if_range = g_strdup (g_strstrip (line + 9));
      else if (g_ascii_strncasecmp (line, "Authorization:", 14) == 0)
        request->authorization = TRUE;
    }
  return TRUE;
}

static void
write_text (GOutputStream *out, const char *text)
{
  g_output_stream_write_all (out, text, strlen (text), NULL, NULL, NULL);
}

static void
answer_status (GOutputStream *out, guint status, const char *extra)
{
  g_autofree char *head = g_strdup_printf ("HTTP/1.1 %u %s\r\nContent-Length: 5\r\n"
                                           "Connection: close\r\n%s\r\nerror",
                                           status, soup_status_get_phrase (status),
                                           extra != NULL ? extra : "");
  write_text (out, head);
}

/* Returns the first byte to send for a "bytes=N-" range, or 0. */
static guint64
parse_range_start (const char *range)
{
  if (range == NULL || !g_str_has_prefix (range, "bytes="))
    return 0;
  return g_ascii_strtoull (range + 6, NULL, 10);
}

/* Version 1 is the video as made; a later version differs in every byte. */
static void
apply_version (guint8 *chunk, gsize n, guint version)
{
  for (gsize i = 0; i < n; i++)
    chunk[i] ^= (guint8) (version - 1);
}

static void
send_body (GOutputStream *out, TestServer *server, gboolean big, guint64 start, guint64 len,
           guint version)
{
  g_autofree guint8 *chunk = g_malloc (64 * 1024);

  for (guint64 sent = 0; sent < len;)
    {
      gsize n = MIN (64 * 1024, len - sent);

      if (big)
        fill_big (chunk, start + sent, n);
      else
        memcpy (chunk, (const guint8 *) g_bytes_get_data (server->video, NULL) + start + sent, n);
      apply_version (chunk, n, version);
      if (server->chunk_delay_ms > 0)
        g_usleep (server->chunk_delay_ms * 1000);
      if (!g_output_stream_write_all (out, chunk, n, NULL, NULL, NULL))
        return;
      sent += n;
    }
}

static void
answer_video (GOutputStream *out, TestServer *server, const Request *request, gboolean big, guint64 size)
{
  guint64 start = 0;
  gboolean drop;
  GString *head = g_string_new (NULL);
  g_autofree char *etag = NULL;
  guint version;
  gboolean validators;

  g_mutex_lock (&server->lock);
  version = server->version;
  validators = !server->no_validator;
  etag = g_strdup_printf ("\"v%u\"", version);
  if (!server->ignore_range)
    start = parse_range_start (request->range);
  /* If-Range that names another version (or, without validators, any
   * If-Range): the whole current file. */
  if (request->if_range != NULL && !server->ignore_if_range &&
      (!validators || strcmp (request->if_range, etag) != 0))
    start = 0;
  drop = server->drops > 0;
  if (drop)
    server->drops--;
  if (server->stray_range)
    start = 1;
  g_mutex_unlock (&server->lock);

  if (start >= size && start > 0)
    {
      g_autofree char *range = g_strdup_printf ("Content-Range: bytes */%" G_GUINT64_FORMAT "\r\n", size);
      answer_status (out, 416, range);
      g_string_free (head, TRUE);
      return;
    }

  g_string_append_printf (head, "HTTP/1.1 %s\r\nContent-Type: video/mp4\r\nConnection: close\r\n",
                          start > 0 ? "206 Partial Content" : "200 OK");
  if (!server->ignore_range)
    g_string_append (head, "Accept-Ranges: bytes\r\n");
  if (validators)
    g_string_append_printf (head, "ETag: %s\r\n", etag);
  if (start > 0)
    g_string_append_printf (head, "Content-Range: bytes %" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT
                            "/%" G_GUINT64_FORMAT "\r\n", start, size - 1, size);
  if (!server->no_length)
    g_string_append_printf (head, "Content-Length: %" G_GUINT64_FORMAT "\r\n", size - start);
  g_string_append (head, "\r\n");
  write_text (out, head->str);
  g_string_free (head, TRUE);

  send_body (out, server, big, start, drop ? (size - start) / 2 : size - start, version);
}

static gboolean
take_status_fault (TestServer *server, guint *status)
{
  gboolean fault;

  g_mutex_lock (&server->lock);
  fault = server->status_times > 0;
  if (fault)
    {
      server->status_times--;
      *status = server->status;
    }
  g_mutex_unlock (&server->lock);
  return fault;
}

static void
record_request (TestServer *server, GSocketConnection *connection, const Request *request)
{
  g_autoptr(GSocketAddress) local = g_socket_connection_get_local_address (connection, NULL);
  GInetAddress *address = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (local));

  g_mutex_lock (&server->lock);
  g_ptr_array_add (server->ranges, g_strdup (request->range != NULL ? request->range : ""));
  g_ptr_array_add (server->if_ranges, g_strdup (request->if_range != NULL ? request->if_range : ""));
  g_ptr_array_add (server->hosts, g_inet_address_to_string (address));
  if (request->authorization)
    server->authorizations++;
  g_mutex_unlock (&server->lock);
}

static gboolean
on_connection_cb (GThreadedSocketService *service,
                  GSocketConnection      *connection,
                  GObject                *source,
                  gpointer                user_data)
{
  TestServer *server = user_data;
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  Request request = { NULL, };
  guint status = 0;

  if (!read_request (connection, &request))
    return TRUE;
  record_request (server, connection, &request);

  if (g_str_has_prefix (request.path, "/redirect/"))
    {
      g_autofree char *location = g_strdup_printf ("Location: http://127.0.0.2:%u/videos/%s\r\n",
                                                   server->other_port,
                                                   request.path + strlen ("/redirect/"));
      answer_status (out, 302, location);
    }
  else if (take_status_fault (server, &status))
    answer_status (out, status, NULL);
  else if (g_str_has_prefix (request.path, "/videos/"))
    answer_video (out, server, &request, FALSE, VIDEO_SIZE);
  else if (g_str_has_prefix (request.path, "/big/"))
    answer_video (out, server, &request, TRUE, BIG_SIZE);
  else
    answer_status (out, 404, NULL);

  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  g_free (request.path);
  g_free (request.range);
  g_free (request.if_range);
  return TRUE;
}

static guint16
listen_on (GSocketService *service, const char *host)
{
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (host);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (inet, 0);
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GError) error = NULL;

  g_socket_listener_add_address (G_SOCKET_LISTENER (service), address, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &effective, &error);
  g_assert_no_error (error);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
}

static TestServer *
test_server_new (void)
{
  TestServer *server = g_new0 (TestServer, 1);

  g_mutex_init (&server->lock);
  server->video = make_video ();
  server->ranges = g_ptr_array_new_with_free_func (g_free);
  server->hosts = g_ptr_array_new_with_free_func (g_free);
  server->if_ranges = g_ptr_array_new_with_free_func (g_free);
  server->service = g_threaded_socket_service_new (4);
  server->port = listen_on (server->service, "127.0.0.1");
  server->other_port = listen_on (server->service, "127.0.0.2");
  g_signal_connect (server->service, "run", G_CALLBACK (on_connection_cb), server);
  g_socket_service_start (server->service);
  return server;
}

static void
test_server_reset (TestServer *server)
{
  g_mutex_lock (&server->lock);
  server->drops = 0;
  server->ignore_range = FALSE;
  server->no_length = FALSE;
  server->status = 0;
  server->status_times = 0;
  server->version = 1;
  server->no_validator = FALSE;
  server->ignore_if_range = FALSE;
  server->chunk_delay_ms = 0;
  server->stray_range = FALSE;
  g_ptr_array_set_size (server->ranges, 0);
  g_ptr_array_set_size (server->if_ranges, 0);
  g_ptr_array_set_size (server->hosts, 0);
  server->authorizations = 0;
  g_mutex_unlock (&server->lock);
}

static char *
server_url (TestServer *server, const char *path)
{
  return g_strdup_printf ("http://127.0.0.1:%u%s", server->port, path);
}

static guint
request_count (TestServer *server)
{
  guint n;

  g_mutex_lock (&server->lock);
  n = server->ranges->len;
  g_mutex_unlock (&server->lock);
  return n;
}

static const char *
if_range_of_request (TestServer *server, guint i)
{
  const char *if_range;

  g_mutex_lock (&server->lock);
  if_range = g_ptr_array_index (server->if_ranges, i);
  g_mutex_unlock (&server->lock);
  return if_range;
}

static const char *
range_of_request (TestServer *server, guint i)
{
  const char *range;

  g_mutex_lock (&server->lock);
  range = g_ptr_array_index (server->ranges, i);
  g_mutex_unlock (&server->lock);
  return range;
}

/* Fixture */

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    {
      g_remove (path);
      return;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      remove_tree (child);
    }
  g_rmdir (path);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->server = test_server;
  test_server_reset (f->server);
  f->session = soup_session_new ();
  f->dir = g_dir_make_tmp ("sd-download-XXXXXX", &error);
  g_assert_no_error (error);
  sd_download_set_retry_policy (SD_DOWNLOAD_DEFAULT_RETRIES, 1);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  remove_tree (f->dir);
  g_free (f->dir);
  g_clear_object (&f->session);
}

typedef struct
{
  GMainLoop    *loop;
  char         *path;
  GError       *error;
  GArray       *received;
  GArray       *totals;
  GCancellable *cancel_on_progress;
  const char   *owner;      /* TEST_OWNER when NULL */
} Result;

static void
result_clear (Result *r)
{
  g_clear_pointer (&r->loop, g_main_loop_unref);
  g_clear_pointer (&r->path, g_free);
  g_clear_error (&r->error);
  g_clear_pointer (&r->received, g_array_unref);
  g_clear_pointer (&r->totals, g_array_unref);
  g_clear_object (&r->cancel_on_progress);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Result, result_clear)

static void
on_progress (guint64 received, guint64 total, gpointer user_data)
{
  Result *r = user_data;

  g_array_append_val (r->received, received);
  g_array_append_val (r->totals, total);
  if (r->cancel_on_progress != NULL)
    g_cancellable_cancel (r->cancel_on_progress);
}

static void
on_downloaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Result *r = user_data;

  g_assert_null (source);
  r->path = sd_download_file_finish (result, &r->error);
  g_main_loop_quit (r->loop);
}

static void
start_download_into (Fixture *f, const char *url, const char *dir, const char *basename, Result *r)
{
  r->loop = g_main_loop_new (NULL, FALSE);
  r->received = g_array_new (FALSE, FALSE, sizeof (guint64));
  r->totals = g_array_new (FALSE, FALSE, sizeof (guint64));
  sd_download_file_async (f->session, url, dir, basename,
                          r->owner != NULL ? r->owner : TEST_OWNER, on_progress, r, NULL,
                          r->cancel_on_progress, on_downloaded_cb, r);
}

static void
download_into (Fixture *f, const char *url, const char *dir, const char *basename, Result *r)
{
  start_download_into (f, url, dir, basename, r);
  g_main_loop_run (r->loop);
}

static void
download (Fixture *f, const char *path, const char *basename, Result *r)
{
  g_autofree char *url = server_url (f->server, path);

  download_into (f, url, f->dir, basename, r);
}

static void
assert_file_is_video (Fixture *f, const char *path)
{
  g_autofree char *contents = NULL;
  gsize length = 0;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (contents, length, g_bytes_get_data (f->server->video, NULL), VIDEO_SIZE);
}

static char *
path_in (Fixture *f, const char *name)
{
  return g_build_filename (f->dir, name, NULL);
}

static char *
part_in (Fixture *f, const char *basename)
{
  g_autofree char *name = sd_download_make_part_name (basename, TEST_OWNER);

  return g_build_filename (f->dir, name, NULL);
}

static guint
count_files (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (d != NULL && g_dir_read_name (d) != NULL)
    n++;
  return n;
}

/* File names */

static void
test_basename_words_and_id (void)
{
  g_autofree char *name = sd_download_make_basename ("A red fox jumps", "cgt-2025-abc", ".mp4");

  g_assert_cmpstr (name, ==, "A red fox jumps - cgt-2025-abc.mp4");
}

static void
test_basename_chinese (void)
{
  g_autofree char *name = sd_download_make_basename ("一只橘猫在月球上散步,镜头缓慢推近", "t1", ".mp4");

  g_assert_true (g_utf8_validate (name, -1, NULL));
  g_assert_true (g_str_has_prefix (name, "一只橘猫在月球上散步,镜头缓慢推近"));
  g_assert_true (g_str_has_suffix (name, " - t1.mp4"));
}

static void
test_basename_long_prompt_cut_at_word (void)
{
  const char *prompt = "The quick brown fox jumps over the lazy dog while the camera pans slowly";
  g_autofree char *name = sd_download_make_basename (prompt, "id7", ".mp4");
  g_autofree char *stem = NULL;

  g_assert_true (g_str_has_suffix (name, " - id7.mp4"));
  stem = g_strndup (name, strlen (name) - strlen (" - id7.mp4"));
  g_assert_cmpstr (stem, ==, "The quick brown fox jumps over the lazy");
  g_assert_true (g_str_has_prefix (prompt, stem));
  g_assert_cmpuint (g_utf8_strlen (stem, -1), <=, 40);
}

static void
test_basename_long_chinese_bounded (void)
{
  GString *prompt = g_string_new (NULL);
  g_autofree char *name = NULL;
  g_autofree char *long_id = g_strnfill (200, 'x');

  for (guint i = 0; i < 100; i++)
    g_string_append (prompt, "长");
  name = sd_download_make_basename (prompt->str, long_id, ".mp4");
  g_string_free (prompt, TRUE);

  g_assert_cmpuint (strlen (name), <=, 120);
  g_assert_true (g_utf8_validate (name, -1, NULL));
  g_assert_true (g_str_has_prefix (name, "长"));
  g_assert_true (g_str_has_suffix (name, ".mp4"));
}

static void
test_basename_always_bounded_and_valid (void)
{
  GRand *rand = g_rand_new_with_seed (42);
  const char *pieces[] = { "a", "é", "长", " ", "/", "..", "\n", "\xff", "\t", "-", ".", "😀", "\u202e", ":" };

  for (guint round = 0; round < 500; round++)
    {
      GString *prompt = g_string_new (NULL);
      GString *id = g_string_new (NULL);
      g_autofree char *name = NULL;
      guint n = g_rand_int_range (rand, 0, 120);

      for (guint i = 0; i < n; i++)
        g_string_append (prompt, pieces[g_rand_int_range (rand, 0, G_N_ELEMENTS (pieces))]);
      for (guint i = 0; i < n / 2; i++)
        g_string_append (id, pieces[g_rand_int_range (rand, 0, G_N_ELEMENTS (pieces))]);
      name = sd_download_make_basename (prompt->str, id->str, ".mp4");

      g_assert_cmpuint (strlen (name), <=, 120);
      g_assert_true (g_utf8_validate (name, -1, NULL));
      g_assert_null (strchr (name, '/'));
      g_assert_null (strstr (name, ".."));
      g_assert_false (name[0] == '.' || name[0] == '-' || name[0] == ' ');
      for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
        g_assert_false (g_unichar_iscntrl (g_utf8_get_char (p)));
      g_assert_true (g_str_has_suffix (name, ".mp4"));
      g_string_free (prompt, TRUE);
      g_string_free (id, TRUE);
    }
  g_rand_free (rand);
}

static void
test_basename_path_characters_in_prompt (void)
{
  g_autofree char *name = sd_download_make_basename ("../../etc/passwd and C:\\Windows\\x", "t", ".mp4");

  g_assert_null (strchr (name, '/'));
  g_assert_null (strchr (name, '\\'));
  g_assert_null (strstr (name, ".."));
  g_assert_cmpstr (name, ==, "etc passwd and C Windows x - t.mp4");
}

/* An id that had to be cleaned keeps what was safe, then a hash of the
 * whole id (another id cleaned the same way gets another name). */
static void
assert_cleaned_id_name (const char *name,
                        const char *prefix)
{
  const char *hash = name + strlen (prefix);

  g_assert_true (g_str_has_prefix (name, prefix));
  g_assert_cmpuint (strlen (hash), ==, 12 + strlen (".mp4"));
  for (guint i = 0; i < 12; i++)
    g_assert_true (g_ascii_isxdigit (hash[i]));
  g_assert_cmpstr (hash + 12, ==, ".mp4");
}

static void
test_basename_hostile_task_id (void)
{
  const char *ids[] = { "../../etc/passwd", "a/b", "\n", "..", "id\\with:colon", "-rf" };
  const char *prefixes[] = { "fox - etc-passwd-", "fox - a-b-", "fox - ", "fox - ",
                             "fox - id-with-colon-", "fox - rf-" };

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autofree char *name = sd_download_make_basename ("fox", ids[i], ".mp4");

      assert_cleaned_id_name (name, prefixes[i]);
    }
}

static void
test_basename_control_characters (void)
{
  g_autofree char *name = sd_download_make_basename ("line one\nline\ttwo\r\x01\x7f end", "t", ".mp4");

  g_assert_cmpstr (name, ==, "line one line two end - t.mp4");
}

static void
test_basename_empty_prompt (void)
{
  const char *prompts[] = { "", "   ", "\n\t", "...", "///", "-- --", NULL };

  for (guint i = 0; i < G_N_ELEMENTS (prompts); i++)
    {
      g_autofree char *name = sd_download_make_basename (prompts[i], "cgt-42", ".mp4");

      g_assert_cmpstr (name, ==, "seedance-cgt-42.mp4");
    }
}

static void
test_basename_nothing_usable (void)
{
  g_autofree char *name = sd_download_make_basename (NULL, "../..", NULL);
  g_autofree char *nothing = sd_download_make_basename (NULL, NULL, NULL);

  assert_cleaned_id_name (name, "seedance-");
  g_assert_cmpstr (nothing, ==, "seedance.mp4");
}

static void
test_basename_leading_dots_and_dashes (void)
{
  g_autofree char *dots = sd_download_make_basename ("..hidden video", "t", ".mp4");
  g_autofree char *dashes = sd_download_make_basename ("--help me", "t", ".mp4");
  g_autofree char *trailing = sd_download_make_basename ("ends with dots...", "t", ".mp4");

  g_assert_cmpstr (dots, ==, "hidden video - t.mp4");
  g_assert_cmpstr (dashes, ==, "help me - t.mp4");
  g_assert_cmpstr (trailing, ==, "ends with dots - t.mp4");
}

static void
test_basename_unsafe_filesystem_characters (void)
{
  g_autofree char *name = sd_download_make_basename ("what? \"big\" <cat> | a*b: yes", "t", ".mp4");

  g_assert_cmpstr (name, ==, "what big cat a b yes - t.mp4");
}

static void
test_basename_invisible_characters (void)
{
  /* A right-to-left override would make "fox\u202Egpj.mp4" read as a .jpg. */
  g_autofree char *name = sd_download_make_basename ("fox\u202egpj\u200b", "t", ".mp4");

  g_assert_cmpstr (name, ==, "foxgpj - t.mp4");
}

static void
test_basename_invalid_utf8 (void)
{
  g_autofree char *name = sd_download_make_basename ("caf\xc3 au lait \xff\xfe", "t", ".mp4");

  g_assert_true (g_utf8_validate (name, -1, NULL));
  g_assert_true (g_str_has_prefix (name, "caf"));
  g_assert_true (g_str_has_suffix (name, " - t.mp4"));
}

static void
test_basename_extension (void)
{
  g_autofree char *plain = sd_download_make_basename ("fox", "t", "webm");
  g_autofree char *hostile = sd_download_make_basename ("fox", "t", "./../sh");
  g_autofree char *none = sd_download_make_basename ("fox", "t", NULL);

  g_assert_cmpstr (plain, ==, "fox - t.webm");
  g_assert_cmpstr (hostile, ==, "fox - t.sh");
  g_assert_cmpstr (none, ==, "fox - t.mp4");
}

/* Transfers */

static void
test_download_identical (Fixture *f, gconstpointer data)
{
  g_auto(Result) r = { NULL, };
  g_autofree char *expected = path_in (f, "fox - t.mp4");

  download (f, "/videos/t.mp4", "fox - t.mp4", &r);

  g_assert_no_error (r.error);
  g_assert_cmpstr (r.path, ==, expected);
  assert_file_is_video (f, r.path);
  g_assert_cmpuint (count_files (f->dir), ==, 1);
  g_assert_cmpstr (range_of_request (f->server, 0), ==, "");
}

static void
test_download_creates_folder (Fixture *f, gconstpointer data)
{
  g_auto(Result) r = { NULL, };
  g_autofree char *url = server_url (f->server, "/videos/t.mp4");
  g_autofree char *nested = g_build_filename (f->dir, "Videos", "Seedance", NULL);

  download_into (f, url, nested, "t.mp4", &r);

  g_assert_no_error (r.error);
  g_assert_true (g_str_has_prefix (r.path, nested));
  assert_file_is_video (f, r.path);
}

static void
test_download_resumes_with_range (Fixture *f, gconstpointer data)
{
  g_auto(Result) r = { NULL, };
  g_autofree char *expected_range = g_strdup_printf ("bytes=%u-", VIDEO_SIZE / 2);

  f->server->drops = 1;
  download (f, "/videos/t.mp4", "t.mp4", &r);

  g_assert_no_error (r.error);
  assert_file_is_video (f, r.path);
  g_assert_cmpuint (request_count (f->server), ==, 2);
  g_assert_cmpstr (range_of_request (f->server, 0), ==, "");
  g_assert_cmpstr (range_of_request (f->server, 1), ==, expected_range);
}

static void
test_download_restarts_when_range_ignored (Fixture *f, gconstpointer data)
{
  g_auto(Result) r = { NULL, };

  f->server->drops = 1;
  f->server->ignore_range = TRUE;
  download (f, "/videos/t.mp4", "t.mp4", &r);

  g_assert_no_error (r.error);
  assert_file_is_video (f, r.path);
  g_assert_cmpuint (count_files (f->dir), ==, 1);
  /* Range was asked for, answered with the whole video, which replaced the .part. */
  g_assert_cmpuint (request_count (f->server), ==, 2);
  g_assert_cmpstr (range_of_request (f->server, 1), !=, "");
}

static void
test_download_gives_up_after_retries (Fixture *f, gconstpointer data)
{
  g_auto(Result) r = { NULL, };
  g_autofree char *final = path_in (f, "t.mp4");

  f->server->drops = G_MAXUINT;
  download (f, "/videos/t.mp4", "t.mp4", &r);

  g_assert_error (r.error, SD_DOWNLOAD_ERROR, SD_DOWNLOAD_ERROR_INCOMPLETE);
  g_assert_null (r.path);
  g_assert_false (g_file_test (final, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (request_count (f->server), ==, SD_DOWNLOAD_DEFAULT_RETRIES + 1);
}

static void
test_download_short_body_never_renamed (Fixture *f, gconstpointer data)
{
  g_auto(Result) r = { NULL, };
  g_autofree char *final = path_in (f, "t.mp4");
  g_autofree char *part = part_in (f, "t.mp4");

  sd_download_set_retry_policy (0, 1);
  f->server->drops = 1;
  download (f, "/videos/t.mp4", "t.mp4", &r);

  g_assert_error (r.error, SD_DOWNLOAD_ERROR, SD_DOWNLOAD_ERROR_INCOMPLETE);
  g_assert_false (g_file_test (final, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (part, G_FILE_TEST_EXISTS));
  /* The .part and its validator, for a later resume. */
  g_assert_cmpuint (count_files (f->dir), ==, 2);
}

static void
test_download_never_overwrites (Fixture *f, gconstpointer data)
{
  g_auto(Result) first = { NULL, };
  g_auto(Result) second = { NULL, };
  g_autofree char *existing = path_in (f, "fox - t.mp4");
  g_autofree char *contents = NULL;

  g_file_set_contents (existing, "my own file", -1, NULL);
  download (f, "/videos/t.mp4", "fox - t.mp4", &first);
  download (f, "/videos/t.mp4", "fox - t.mp4", &second);

  g_assert_no_error (first.error);
  g_assert_no_error (second.error);
  g_assert_true (g_str_has_suffix (first.path, "/fox - t (2).mp4"));
  g_assert_true (g_str_has_suffix (second.path, "/fox - t (3).mp4"));
  assert_file_is_video (f, first.path);
  assert_file_is_video (f, second.path);
  g_file_get_contents (existing, &contents, NULL, NULL);
  g_assert_cmpstr (contents, ==, "my own file");
}

static void
test_download_refuses_unsafe_urls (Fixture *f, gconstpointer data)
{
  g_autofree char *nested = g_build_filename (f->dir, "never", NULL);
  const char *urls[] = {
    "file:///etc/passwd", "ftp://example.com/v.mp4", "data:video/mp4;base64,AAAA",
    "javascript:alert(1)", "/videos/t.mp4", "videos/t.mp4", "", "http://", "https:///x",
  };

  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      g_auto(Result) r = { NULL, };

      download_into (f, urls[i], nested, "t.mp4", &r);
      g_assert_error (r.error, SD_DOWNLOAD_ERROR, SD_DOWNLOAD_ERROR_UNSAFE_URL);
      g_assert_null (r.path);
      g_assert_cmpuint (r.received->len, ==, 0);
    }
  g_assert_false (g_file_test (nested, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (request_count (f->server), ==, 0);
}

static void
test_download_refuses_path_in_basename (Fixture *f, gconstpointer data)
{
  const char *names[] = { "../t.mp4", "a/b.mp4", "", ".hidden.mp4", ".." };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_auto(Result) r = { NULL, };

      download (f, "/videos/t.mp4", names[i], &r);
      g_assert_error (r.error, SD_DOWNLOAD_ERROR, SD_DOWNLOAD_ERROR_FILE);
    }
  g_assert_cmpuint (count_files (f->dir), ==, 0);
  g_assert_cmpuint (request_count (f->server), ==, 0);
}

static void
test_download_expired_link (Fixture *f, gconstpointer data)
{
  const guint statuses[] = { 404, 410 };

  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      g_auto(Result) r = { NULL, };
      g_autofree char *code = g_strdup_printf ("%u", statuses[i]);

      f->server->status = statuses[i];
      f->server->status_times = 1;
      download (f, "/videos/t.mp4", "t.mp4", &r);

      g_assert_error (r.error, SD_DOWNLOAD_ERROR, SD_DOWNLOAD_ERROR_HTTP);
      g_assert_nonnull (strstr (r.error->message, "expired"));
      g_assert_nonnull (strstr (r.error->message, code));
    }
  g_assert_cmpuint (request_count (f->server), ==, 2);
  g_assert_cmpuint (count_files (f->dir), ==, 0);
}

static void
test_download_server_error (Fixture *f, gconstpointer data)
{
  g_auto(Result) r = { NULL, };
  g_autofree char *final = path_in (f, "t.mp4");

  f->server->status = 500;
  f->server->status_times = 1;
  download (f, "/videos/t.mp4", "t.mp4", &r);

  g_assert_error (r.error, SD_DOWNLOAD_ERROR, SD_DOWNLOAD_ERROR_HTTP);
  g_assert_nonnull (strstr (r.error->message, "500"));
  g_assert_false (g_file_test (final, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_files (f->dir), ==, 0);
  g_assert_cmpuint (request_count (f->server), ==, 1);
}

static void
test_download_busy_server_retried (Fixture *f, gconstpointer data)
{
  g_auto(Result) r = { NULL, };

  f->server->status = 503;
  f->server->status_times = 2;
  download (f, "/videos/t.mp4", "t.mp4", &r);

  g_assert_no_error (r.error);
  assert_file_is_video (f, r.path);
  g_assert_cmpuint (request_count (f->server), ==, 3);
}

static void
on_request_queued_cb (SoupSession *session, SoupMessage *message, gpointer user_data)
{
  soup_message_headers_replace (soup_message_get_request_headers (message),
                                "Authorization", "Bearer secret-token");
}

static void
test_download_redirect_other_host (Fixture *f, gconstpointer data)
{
  g_auto(Result) r = { NULL, };

  /* A session that adds the API token to everything it sends. */
  g_signal_connect (f->session, "request-queued", G_CALLBACK (on_request_queued_cb), NULL);
  download (f, "/redirect/t.mp4", "t.mp4", &r);

  g_assert_no_error (r.error);
  assert_file_is_video (f, r.path);
  g_assert_cmpuint (f->server->hosts->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (f->server->hosts, 0), ==, "127.0.0.1");
  g_assert_cmpstr (g_ptr_array_index (f->server->hosts, 1), ==, "127.0.0.2");
  g_assert_cmpuint (f->server->authorizations, ==, 0);
}

static void
test_download_progress (Fixture *f, gconstpointer data)
{
  g_auto(Result) r = { NULL, };

  f->server->drops = 1;
  download (f, "/videos/t.mp4", "t.mp4", &r);

  g_assert_no_error (r.error);
  g_assert_cmpuint (r.received->len, >=, 1);
  for (guint i = 1; i < r.received->len; i++)
    g_assert_cmpuint (g_array_index (r.received, guint64, i), >=,
                      g_array_index (r.received, guint64, i - 1));
  for (guint i = 0; i < r.totals->len; i++)
    g_assert_cmpuint (g_array_index (r.totals, guint64, i), ==, VIDEO_SIZE);
  g_assert_cmpuint (g_array_index (r.received, guint64, r.received->len - 1), ==, VIDEO_SIZE);
}

static void
test_download_unknown_length (Fixture *f, gconstpointer data)
{
  g_auto(Result) r = { NULL, };

  f->server->no_length = TRUE;
  download (f, "/videos/t.mp4", "t.mp4", &r);

  g_assert_no_error (r.error);
  assert_file_is_video (f, r.path);
  g_assert_cmpuint (g_array_index (r.received, guint64, r.received->len - 1), ==, VIDEO_SIZE);
  g_assert_cmpuint (g_array_index (r.totals, guint64, r.totals->len - 1), ==, VIDEO_SIZE);
}

static void
test_download_cancel_keeps_part_for_resume (Fixture *f, gconstpointer data)
{
  g_auto(Result) cancelled = { NULL, };
  g_auto(Result) resumed = { NULL, };
  g_autofree char *part = part_in (f, "t.mp4");
  g_autofree char *final = path_in (f, "t.mp4");
  g_autofree char *expected_range = NULL;
  GStatBuf st;

  cancelled.cancel_on_progress = g_cancellable_new ();
  download (f, "/videos/t.mp4", "t.mp4", &cancelled);

  g_assert_error (cancelled.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (g_file_test (final, G_FILE_TEST_EXISTS));
  g_assert_cmpint (g_stat (part, &st), ==, 0);
  g_assert_cmpint (st.st_size, >, 0);
  g_assert_cmpint (st.st_size, <, VIDEO_SIZE);

  download (f, "/videos/t.mp4", "t.mp4", &resumed);
  g_assert_no_error (resumed.error);
  g_assert_cmpstr (resumed.path, ==, final);
  assert_file_is_video (f, resumed.path);
  g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));
  expected_range = g_strdup_printf ("bytes=%" G_GINT64_FORMAT "-", (gint64) st.st_size);
  g_assert_cmpstr (range_of_request (f->server, 1), ==, expected_range);
}

static void
test_download_stale_part_too_long (Fixture *f, gconstpointer data)
{
  g_auto(Result) r = { NULL, };
  g_autofree char *part = part_in (f, "t.mp4");
  g_autofree char *junk = g_strnfill (VIDEO_SIZE + 10, 'j');

  g_autofree char *meta = g_strconcat (part, ".meta", NULL);
  g_autofree char *validator = NULL;
  GStatBuf st;

  /* Junk that claims to be v1 of the file: Range + If-Range, refused (416). */
  g_file_set_contents (part, junk, -1, NULL);
  g_assert_cmpint (g_stat (part, &st), ==, 0);
  validator = g_strdup_printf ("seedance-part-validator 1\n%" G_GUINT64_FORMAT "\n\"v1\"\n",
                               (guint64) st.st_ino);
  g_file_set_contents (meta, validator, -1, NULL);
  download (f, "/videos/t.mp4", "t.mp4", &r);

  g_assert_no_error (r.error);
  assert_file_is_video (f, r.path);
  g_assert_true (g_str_has_prefix (range_of_request (f->server, 0), "bytes="));
  g_assert_cmpstr (if_range_of_request (f->server, 0), ==, "\"v1\"");
  g_assert_cmpstr (range_of_request (f->server, 1), ==, "");
  g_assert_cmpuint (count_files (f->dir), ==, 1);
}

static void
test_download_part_without_validator_starts_over (Fixture *f, gconstpointer data)
{
  g_auto(Result) r = { NULL, };
  g_autofree char *part = part_in (f, "t.mp4");
  g_autofree char *junk = g_strnfill (VIDEO_SIZE / 2, 'j');

  /* Bytes nobody can vouch for are never continued. */
  g_file_set_contents (part, junk, -1, NULL);
  download (f, "/videos/t.mp4", "t.mp4", &r);

  g_assert_no_error (r.error);
  assert_file_is_video (f, r.path);
  g_assert_cmpuint (request_count (f->server), ==, 1);
  g_assert_cmpstr (range_of_request (f->server, 0), ==, "");
}

/* One writer per file, one task per .part, no links followed */

static void
assert_file_is_version (Fixture *f, const char *path, guint version)
{
  g_autofree guint8 *expected = g_memdup2 (g_bytes_get_data (f->server->video, NULL), VIDEO_SIZE);
  g_autofree char *contents = NULL;
  gsize length = 0;

  apply_version (expected, VIDEO_SIZE, version);
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_cmpmem (contents, length, expected, VIDEO_SIZE);
}

static void
run_until_done (Result *r)
{
  while (r->path == NULL && r->error == NULL)
    g_main_context_iteration (NULL, TRUE);
}

static void
test_download_two_savers_share_one_file (Fixture *f, gconstpointer data)
{
  g_auto(Result) first = { NULL, };
  g_auto(Result) second = { NULL, };
  g_autofree char *url = server_url (f->server, "/videos/t.mp4");
  g_autofree char *expected = path_in (f, "fox - t.mp4");
  GStatBuf st;

  /* The first writer is cut off once, so the second waits through a retry. */
  f->server->drops = 1;
  start_download_into (f, url, f->dir, "fox - t.mp4", &first);
  start_download_into (f, url, f->dir, "fox - t.mp4", &second);
  run_until_done (&first);
  run_until_done (&second);

  g_assert_no_error (first.error);
  g_assert_no_error (second.error);
  g_assert_cmpstr (first.path, ==, expected);
  g_assert_cmpstr (second.path, ==, expected);
  g_assert_cmpint (g_stat (expected, &st), ==, 0);
  g_assert_cmpint (st.st_size, ==, VIDEO_SIZE);
  assert_file_is_video (f, expected);
  g_assert_cmpuint (count_files (f->dir), ==, 1);
}

static gboolean
cancel_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static void
test_download_waiter_cancelled_leaves_the_writer_alone (Fixture *f, gconstpointer data)
{
  g_auto(Result) writer = { NULL, };
  g_auto(Result) waiter = { NULL, };
  g_autofree char *url = server_url (f->server, "/videos/t.mp4");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();

  f->server->chunk_delay_ms = 20;
  start_download_into (f, url, f->dir, "t.mp4", &writer);
  /* Not cancel_on_progress: a waiter has no progress to report. */
  waiter.loop = g_main_loop_new (NULL, FALSE);
  sd_download_file_async (f->session, url, f->dir, "t.mp4", TEST_OWNER, NULL, NULL, NULL,
                          cancellable, on_downloaded_cb, &waiter);
  g_timeout_add (60, cancel_cb, cancellable);
  run_until_done (&waiter);
  run_until_done (&writer);

  g_assert_error (waiter.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_no_error (writer.error);
  assert_file_is_video (f, writer.path);
  g_assert_cmpuint (count_files (f->dir), ==, 1);
  g_assert_cmpuint (request_count (f->server), ==, 1);
}

#define N_LATER_SAVERS 4

/* The saver started first writes, whatever order the threads that open
 * the .part run in: the later ones wait their turn, so cancelling all of
 * them never costs the first one its transfer. */
static void
test_download_savers_take_turns_in_the_order_started (Fixture *f, gconstpointer data)
{
  g_auto(Result) writer = { NULL, };
  Result later[N_LATER_SAVERS] = { { NULL, }, };
  g_autofree char *url = server_url (f->server, "/videos/t.mp4");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();

  f->server->chunk_delay_ms = 20;
  start_download_into (f, url, f->dir, "t.mp4", &writer);
  for (guint i = 0; i < N_LATER_SAVERS; i++)
    {
      later[i].loop = g_main_loop_new (NULL, FALSE);
      sd_download_file_async (f->session, url, f->dir, "t.mp4", TEST_OWNER, NULL, NULL, NULL,
                              cancellable, on_downloaded_cb, &later[i]);
    }
  g_timeout_add (60, cancel_cb, cancellable);
  for (guint i = 0; i < N_LATER_SAVERS; i++)
    run_until_done (&later[i]);
  run_until_done (&writer);

  for (guint i = 0; i < N_LATER_SAVERS; i++)
    {
      g_assert_error (later[i].error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      result_clear (&later[i]);
    }
  g_assert_no_error (writer.error);
  assert_file_is_video (f, writer.path);
  g_assert_cmpuint (count_files (f->dir), ==, 1);
  g_assert_cmpuint (request_count (f->server), ==, 1);
}

static void
test_download_stray_ranges_end_in_an_error (Fixture *f, gconstpointer data)
{
  g_auto(Result) r = { NULL, };

  /* A 206 that never starts where asked: give up, do not loop. */
  f->server->stray_range = TRUE;
  download (f, "/videos/t.mp4", "t.mp4", &r);

  g_assert_error (r.error, SD_DOWNLOAD_ERROR, SD_DOWNLOAD_ERROR_INCOMPLETE);
  g_assert_null (r.path);
  g_assert_cmpuint (request_count (f->server), <=, SD_DOWNLOAD_DEFAULT_RETRIES + 2);
  g_assert_cmpuint (count_files (f->dir), ==, 0);
}

static void
test_download_special_file_part_is_replaced (Fixture *f, gconstpointer data)
{
  g_auto(Result) r = { NULL, };
  g_autofree char *part = part_in (f, "t.mp4");
  GStatBuf st;

  /* A FIFO would block the open, or feed a reader elsewhere. */
  g_assert_cmpint (mkfifo (part, 0600), ==, 0);
  download (f, "/videos/t.mp4", "t.mp4", &r);

  g_assert_no_error (r.error);
  assert_file_is_video (f, r.path);
  g_assert_cmpint (g_lstat (part, &st), !=, 0);
}

static void
test_download_folder_in_place_of_the_part_is_refused (Fixture *f, gconstpointer data)
{
  g_auto(Result) r = { NULL, };
  g_autofree char *part = part_in (f, "t.mp4");
  g_autofree char *inside = g_build_filename (part, "keep", NULL);

  g_assert_cmpint (g_mkdir (part, 0700), ==, 0);
  g_assert_true (g_file_set_contents (inside, "x", -1, NULL));
  download (f, "/videos/t.mp4", "t.mp4", &r);

  g_assert_error (r.error, SD_DOWNLOAD_ERROR, SD_DOWNLOAD_ERROR_FILE);
  g_assert_nonnull (strstr (r.error->message, part));
  g_assert_true (g_file_test (inside, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpuint (request_count (f->server), ==, 0);
}

static void
test_download_twin_prefixes_never_share_names (void)
{
  g_autofree char *long_prompt = g_strnfill (70, 'w');
  g_autofree char *id_a = g_strconcat ("cgt-", long_prompt, "-a", NULL);
  g_autofree char *id_b = g_strconcat ("cgt-", long_prompt, "-b", NULL);
  g_autofree char *name_a = sd_download_make_basename (long_prompt, id_a, ".mp4");
  g_autofree char *name_b = sd_download_make_basename (long_prompt, id_b, ".mp4");
  g_autofree char *unsafe_a = sd_download_make_basename ("fox", "task/1", ".mp4");
  g_autofree char *unsafe_b = sd_download_make_basename ("fox", "task?1", ".mp4");
  g_autofree char *part_a = sd_download_make_part_name ("fox.mp4", "http://127.0.0.1:1\nt1");
  g_autofree char *part_b = sd_download_make_part_name ("fox.mp4", "http://127.0.0.1:2\nt1");
  g_autofree char *part_c = sd_download_make_part_name ("fox.mp4", "http://127.0.0.1:1\nt2");

  g_assert_cmpstr (name_a, !=, name_b);
  g_assert_cmpstr (unsafe_a, !=, unsafe_b);
  g_assert_cmpuint (strlen (name_a), <=, 120);
  /* The same id on two servers, or two ids: three .part files. */
  g_assert_cmpstr (part_a, !=, part_b);
  g_assert_cmpstr (part_a, !=, part_c);
  g_assert_cmpstr (part_b, !=, part_c);
  g_assert_true (g_str_has_prefix (part_a, "fox.mp4."));
  g_assert_true (g_str_has_suffix (part_a, ".part"));
}

static void
test_download_other_task_never_resumes_the_part (Fixture *f, gconstpointer data)
{
  g_auto(Result) task_a = { NULL, };
  g_auto(Result) task_b = { NULL, };
  g_autofree char *part_a = part_in (f, "t.mp4");
  GStatBuf before, after;

  task_a.cancel_on_progress = g_cancellable_new ();
  download (f, "/videos/t.mp4", "t.mp4", &task_a);
  g_assert_error (task_a.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_stat (part_a, &before), ==, 0);

  /* Same folder, same file name, another task. */
  task_b.owner = "http://127.0.0.1\ntask-2";
  f->server->version = 2;
  download (f, "/videos/t.mp4", "t.mp4", &task_b);

  g_assert_no_error (task_b.error);
  assert_file_is_version (f, task_b.path, 2);
  g_assert_cmpstr (range_of_request (f->server, 1), ==, "");
  g_assert_cmpint (g_stat (part_a, &after), ==, 0);
  g_assert_cmpint (after.st_size, ==, before.st_size);
}

static void
cancelled_part (Fixture *f, const char *basename)
{
  g_auto(Result) cancelled = { NULL, };

  cancelled.cancel_on_progress = g_cancellable_new ();
  download (f, "/videos/t.mp4", basename, &cancelled);
  g_assert_error (cancelled.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_download_resume_sends_if_range (Fixture *f, gconstpointer data)
{
  g_auto(Result) r = { NULL, };

  cancelled_part (f, "t.mp4");
  download (f, "/videos/t.mp4", "t.mp4", &r);

  g_assert_no_error (r.error);
  assert_file_is_video (f, r.path);
  g_assert_cmpuint (request_count (f->server), ==, 2);
  g_assert_true (g_str_has_prefix (range_of_request (f->server, 1), "bytes="));
  g_assert_cmpstr (range_of_request (f->server, 1), !=, "bytes=0-");
  g_assert_cmpstr (if_range_of_request (f->server, 1), ==, "\"v1\"");
}

static void
test_download_changed_file_starts_over (Fixture *f, gconstpointer data)
{
  g_auto(Result) r = { NULL, };

  cancelled_part (f, "t.mp4");
  f->server->version = 2;
  download (f, "/videos/t.mp4", "t.mp4", &r);

  /* If-Range named v1, the server sent all of v2 with a 200. */
  g_assert_no_error (r.error);
  g_assert_cmpstr (if_range_of_request (f->server, 1), ==, "\"v1\"");
  g_assert_cmpuint (request_count (f->server), ==, 2);
  assert_file_is_version (f, r.path, 2);
  g_assert_cmpuint (count_files (f->dir), ==, 1);
}

static void
test_download_changed_file_without_if_range_support (Fixture *f, gconstpointer data)
{
  g_auto(Result) r = { NULL, };

  cancelled_part (f, "t.mp4");
  f->server->version = 2;
  f->server->ignore_if_range = TRUE;
  download (f, "/videos/t.mp4", "t.mp4", &r);

  /* A 206 of v2 does not continue v1's bytes: asked again, from zero. */
  g_assert_no_error (r.error);
  g_assert_cmpuint (request_count (f->server), ==, 3);
  g_assert_cmpstr (range_of_request (f->server, 2), ==, "");
  assert_file_is_version (f, r.path, 2);
}

static void
test_download_without_validator_starts_over (Fixture *f, gconstpointer data)
{
  g_auto(Result) r = { NULL, };

  f->server->no_validator = TRUE;
  f->server->drops = 1;
  download (f, "/videos/t.mp4", "t.mp4", &r);

  g_assert_no_error (r.error);
  assert_file_is_video (f, r.path);
  g_assert_cmpuint (request_count (f->server), ==, 2);
  g_assert_cmpstr (range_of_request (f->server, 1), ==, "");
  g_assert_cmpstr (if_range_of_request (f->server, 1), ==, "");
  g_assert_cmpuint (count_files (f->dir), ==, 1);
}

static char *
outside_file (const char *contents)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("sd-outside-XXXXXX", &error);
  char *path;

  g_assert_no_error (error);
  path = g_build_filename (dir, "precious.txt", NULL);
  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
  return path;
}

static void
assert_untouched_and_remove (const char *path, const char *contents)
{
  g_autofree char *now = NULL;
  g_autofree char *dir = g_path_get_dirname (path);

  g_assert_true (g_file_get_contents (path, &now, NULL, NULL));
  g_assert_cmpstr (now, ==, contents);
  remove_tree (dir);
}

static void
test_download_planted_symlink_part_is_never_followed (Fixture *f, gconstpointer data)
{
  g_auto(Result) r = { NULL, };
  g_autofree char *part = part_in (f, "t.mp4");
  g_autofree char *meta = g_strconcat (part, ".meta", NULL);
  g_autofree char *target = outside_file ("keep me");
  g_autofree char *meta_target = outside_file ("keep me too");
  GStatBuf st;

  g_assert_cmpint (symlink (target, part), ==, 0);
  g_assert_cmpint (symlink (meta_target, meta), ==, 0);
  download (f, "/videos/t.mp4", "t.mp4", &r);

  g_assert_no_error (r.error);
  assert_file_is_video (f, r.path);
  assert_untouched_and_remove (target, "keep me");
  assert_untouched_and_remove (meta_target, "keep me too");
  g_assert_cmpint (g_lstat (part, &st), !=, 0);
}

static void
test_download_hard_linked_part_is_replaced (Fixture *f, gconstpointer data)
{
  g_auto(Result) r = { NULL, };
  g_autofree char *part = part_in (f, "t.mp4");
  g_autofree char *target = outside_file ("keep me");

  if (link (target, part) != 0)
    {
      g_test_skip ("hard links are not possible between the two temporary folders");
      assert_untouched_and_remove (target, "keep me");
      return;
    }
  download (f, "/videos/t.mp4", "t.mp4", &r);

  g_assert_no_error (r.error);
  assert_file_is_video (f, r.path);
  assert_untouched_and_remove (target, "keep me");
}

static void
test_download_symlink_at_the_final_name_is_kept (Fixture *f, gconstpointer data)
{
  g_auto(Result) r = { NULL, };
  g_autofree char *final = path_in (f, "t.mp4");
  g_autofree char *target = outside_file ("keep me");

  g_assert_cmpint (symlink (target, final), ==, 0);
  download (f, "/videos/t.mp4", "t.mp4", &r);

  g_assert_no_error (r.error);
  g_assert_true (g_str_has_suffix (r.path, "/t (2).mp4"));
  assert_file_is_video (f, r.path);
  assert_untouched_and_remove (target, "keep me");
}

static void
test_download_error_page_leaves_no_part (Fixture *f, gconstpointer data)
{
  g_auto(Result) r = { NULL, };

  f->server->status = 404;
  f->server->status_times = 1;
  download (f, "/videos/t.mp4", "t.mp4", &r);

  g_assert_error (r.error, SD_DOWNLOAD_ERROR, SD_DOWNLOAD_ERROR_HTTP);
  g_assert_cmpuint (count_files (f->dir), ==, 0);
}

/* Two processes */

#define CHILD_ENV "SD_TEST_DOWNLOAD_CHILD"

static const char *test_program;  /* argv[0], run again as the other process */

/* The other process: one download of the URL into the folder given in
 * CHILD_ENV ("url\ndir\nbasename"), the saved path on stdout. */
static int
run_child_download (const char *spec)
{
  g_auto(GStrv) parts = g_strsplit (spec, "\n", 3);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_auto(Result) r = { NULL, };
  Fixture f = { NULL, session, NULL };

  g_assert_cmpuint (g_strv_length (parts), ==, 3);
  download_into (&f, parts[0], parts[1], parts[2], &r);
  if (r.error != NULL)
    {
      g_printerr ("%s\n", r.error->message);
      return 1;
    }
  g_print ("%s", r.path);
  return 0;
}

static void
test_download_two_processes_share_one_file (Fixture *f, gconstpointer data)
{
  g_auto(Result) r = { NULL, };
  g_autofree char *url = server_url (f->server, "/videos/t.mp4");
  g_autofree char *spec = g_strjoin ("\n", url, f->dir, "fox - t.mp4", NULL);
  g_autofree char *part = part_in (f, "fox - t.mp4");
  g_autofree char *expected = path_in (f, "fox - t.mp4");
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *child_out = NULL;
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  GStatBuf st;

  /* Slow enough that the child still holds the .part when we start. */
  f->server->chunk_delay_ms = 40;
  g_subprocess_launcher_setenv (launcher, CHILD_ENV, spec, TRUE);
  child = g_subprocess_launcher_spawn (launcher, &error, test_program, NULL);
  g_assert_no_error (error);
  while (!g_file_test (part, G_FILE_TEST_EXISTS))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (5000);
    }

  download (f, "/videos/t.mp4", "fox - t.mp4", &r);
  g_subprocess_communicate_utf8 (child, NULL, NULL, &child_out, NULL, &error);
  g_assert_no_error (error);

  g_assert_true (g_subprocess_get_if_exited (child));
  g_assert_cmpint (g_subprocess_get_exit_status (child), ==, 0);
  g_assert_no_error (r.error);
  g_assert_cmpstr (child_out, ==, expected);
  g_assert_cmpstr (r.path, ==, expected);
  g_assert_cmpint (g_stat (expected, &st), ==, 0);
  g_assert_cmpint (st.st_size, ==, VIDEO_SIZE);
  assert_file_is_video (f, expected);
  g_assert_cmpuint (count_files (f->dir), ==, 1);
  /* One transfer: the second saver reused the first one's file. */
  g_assert_cmpuint (request_count (f->server), ==, 1);
}

static GCancellable *cancel_on_retry;

static void
cancel_if_retry (const char *domain,
                 const char *message)
{
  if (cancel_on_retry != NULL && g_strcmp0 (domain, "sd-download") == 0 &&
      message != NULL && strstr (message, "; retry ") != NULL)
    g_cancellable_cancel (cancel_on_retry);
}

/* g_debug() reaches the writer only through GLib's default log handler, and
 * g_test_init() replaces that handler on GLib 2.84 (Debian 13): there the
 * writer never saw the retry, nothing was cancelled and the test waited out
 * its ten minutes. The domain's own handler sees g_log() on every GLib; the
 * writer still catches structured logging. */
static void
cancel_on_retry_handler (const char     *domain,
                         GLogLevelFlags  level,
                         const char     *message,
                         gpointer        user_data)
{
  cancel_if_retry (domain, message);
  g_log_default_handler (domain, level, message, user_data);
}

static GLogWriterOutput
cancel_on_retry_writer (GLogLevelFlags   level,
                        const GLogField *fields,
                        gsize            n_fields,
                        gpointer         user_data)
{
  const char *domain = NULL;
  const char *message = NULL;

  for (gsize i = 0; i < n_fields; i++)
    {
      if (g_strcmp0 (fields[i].key, "GLIB_DOMAIN") == 0)
        domain = fields[i].value;
      else if (g_strcmp0 (fields[i].key, "MESSAGE") == 0)
        message = fields[i].value;
    }
  cancel_if_retry (domain, message);
  return g_log_writer_default (level, fields, n_fields, user_data);
}

static void
test_download_cancelled_during_backoff (Fixture *f, gconstpointer data)
{
  g_auto(Result) r = { NULL, };

  /* A wait far longer than the test's time limit: only cancellation ends it. */
  sd_download_set_retry_policy (4, 10 * 60 * 1000);
  cancel_on_retry = g_cancellable_new ();
  r.cancel_on_progress = g_object_ref (cancel_on_retry);
  f->server->status = 503;
  f->server->status_times = 1;
  download (f, "/videos/t.mp4", "t.mp4", &r);
  g_clear_object (&cancel_on_retry);

  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (request_count (f->server), ==, 1);
  g_assert_cmpuint (count_files (f->dir), ==, 0);
}

static void
test_download_large_streamed (Fixture *f, gconstpointer data)
{
  g_auto(Result) r = { NULL, };
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInputStream) in = NULL;
  g_autofree guint8 *got = g_malloc (1024 * 1024);
  g_autofree guint8 *want = g_malloc (1024 * 1024);
  guint64 offset = 0;
  gsize n;

  f->server->drops = 1;
  download (f, "/big/v.mp4", "big.mp4", &r);
  g_assert_no_error (r.error);

  file = g_file_new_for_path (r.path);
  in = g_file_read (file, NULL, NULL);
  while (g_input_stream_read_all (G_INPUT_STREAM (in), got, 1024 * 1024, &n, NULL, NULL) && n > 0)
    {
      fill_big (want, offset, n);
      g_assert_cmpmem (got, n, want, n);
      offset += n;
    }
  g_assert_cmpuint (offset, ==, BIG_SIZE);
}

/* Against the simulator, as the app downloads: the client's session, the
 * video_url of a completed task. */

typedef struct
{
  SdCatalog   *catalog;
  SdSimulator *sim;
  SdClient    *client;
  char        *dir;
  char        *video_url;
} SimFixture;

static void
on_api_result_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

static char *
completed_video_url (SimFixture *f)
{
  g_autoptr(SdRequest) request = sd_request_new ();
  g_autoptr(GAsyncResult) created_result = NULL;
  g_autoptr(GAsyncResult) queried_result = NULL;
  g_autoptr(SdApiCreateResult) created = NULL;
  g_autoptr(SdApiQueryResult) queried = NULL;
  g_autoptr(GError) error = NULL;

  sd_request_set_model (request, SIM_MODEL);
  sd_request_set_prompt (request, "A calm sea at dawn");
  sd_request_set_duration (request, 5);
  sd_request_set_ratio (request, "16:9");
  sd_request_add_image (request, "https://example.com/ref-1.jpg");

  sd_client_create_async (f->client, request, NULL, on_api_result_cb, &created_result);
  created = sd_client_create_finish (f->client, wait_for (&created_result), &error);
  g_assert_no_error (error);
  sd_simulator_advance_clock (f->sim, SIM_QUEUED_MS + SIM_WORKING_MS);

  sd_client_query_async (f->client, created->task_id, NULL, on_api_result_cb, &queried_result);
  queried = sd_client_query_finish (f->client, wait_for (&queried_result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (queried->video_url);
  return g_strdup (queried->video_url);
}

static void
sim_set_up (SimFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->catalog = sd_catalog_new ();
  f->sim = sd_simulator_new (f->catalog, &error);
  g_assert_no_error (error);
  sd_simulator_set_manual_clock (f->sim, TRUE);
  sd_simulator_set_timing (f->sim, SIM_QUEUED_MS, SIM_WORKING_MS);
  f->client = sd_client_new (sd_simulator_get_base_url (f->sim), sd_simulator_get_token (f->sim));
  f->dir = g_dir_make_tmp ("sd-download-sim-XXXXXX", &error);
  g_assert_no_error (error);
  f->video_url = completed_video_url (f);
  sd_download_set_retry_policy (SD_DOWNLOAD_DEFAULT_RETRIES, 1);
}

static void
sim_tear_down (SimFixture *f, gconstpointer data)
{
  remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->video_url);
  g_clear_object (&f->client);
  g_clear_object (&f->sim);
  g_clear_object (&f->catalog);
}

static void
sim_download (SimFixture *f, const char *url, Result *r)
{
  r->loop = g_main_loop_new (NULL, FALSE);
  r->received = g_array_new (FALSE, FALSE, sizeof (guint64));
  r->totals = g_array_new (FALSE, FALSE, sizeof (guint64));
  sd_download_file_async (sd_client_get_session (f->client), url, f->dir, "sea.mp4", TEST_OWNER,
                          on_progress, r, NULL, r->cancel_on_progress, on_downloaded_cb, r);
  g_main_loop_run (r->loop);
}

static void
assert_file_is_sample (const char *path, guint64 size)
{
  g_autoptr(GBytes) sample = g_resources_lookup_data (SAMPLE_RESOURCE, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  g_autofree char *contents = NULL;
  gsize sample_size = g_bytes_get_size (sample);
  const guint8 *bytes = g_bytes_get_data (sample, NULL);
  gsize length = 0;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_cmpuint (length, ==, size > 0 ? size : sample_size);
  /* A larger video is the sample repeated. */
  for (gsize offset = 0; offset < length; offset += sample_size)
    {
      gsize n = MIN (sample_size, length - offset);
      g_assert_cmpmem (contents + offset, n, bytes, n);
    }
}

static void
test_sim_identical (SimFixture *f, gconstpointer data)
{
  g_auto(Result) r = { NULL, };

  sim_download (f, f->video_url, &r);

  g_assert_no_error (r.error);
  assert_file_is_sample (r.path, 0);
  g_assert_cmpuint (sd_simulator_get_request_count (f->sim, SD_SIMULATOR_STEP_DOWNLOAD), ==, 1);
}

static void
test_sim_drop_resumes (SimFixture *f, gconstpointer data)
{
  g_auto(Result) r = { NULL, };

  sd_simulator_set_video_size (f->sim, 3 * 1024 * 1024 + 5);
  sd_simulator_set_fault (f->sim, SD_SIMULATOR_STEP_DOWNLOAD, SD_SIMULATOR_FAULT_DROP_MID_BODY, 1);
  sim_download (f, f->video_url, &r);

  g_assert_no_error (r.error);
  assert_file_is_sample (r.path, 3 * 1024 * 1024 + 5);
  g_assert_cmpuint (sd_simulator_get_request_count (f->sim, SD_SIMULATOR_STEP_DOWNLOAD), ==, 2);
}

static void
test_sim_changed_video_starts_over (SimFixture *f, gconstpointer data)
{
  g_auto(Result) cancelled = { NULL, };
  g_auto(Result) r = { NULL, };
  g_autoptr(GBytes) sample = g_resources_lookup_data (SAMPLE_RESOURCE, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  g_autofree char *contents = NULL;
  gsize length = 0;

  sd_simulator_set_video_size (f->sim, 3 * 1024 * 1024 + 5);
  cancelled.cancel_on_progress = g_cancellable_new ();
  sim_download (f, f->video_url, &cancelled);
  g_assert_error (cancelled.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  /* The file behind the link changed: If-Range gets the whole new one. */
  sd_simulator_set_video_version (f->sim, 2);
  sim_download (f, f->video_url, &r);

  g_assert_no_error (r.error);
  g_assert_true (g_file_get_contents (r.path, &contents, &length, NULL));
  g_assert_cmpuint (length, ==, 3 * 1024 * 1024 + 5);
  for (gsize i = 0; i < length; i++)
    if ((guint8) contents[i] != (((const guint8 *) g_bytes_get_data (sample, NULL))[i % g_bytes_get_size (sample)] ^ 1))
      g_assert_cmpuint (i, ==, G_MAXSIZE);
  g_assert_cmpuint (sd_simulator_get_request_count (f->sim, SD_SIMULATOR_STEP_DOWNLOAD), ==, 2);
}

static void
test_sim_drops_forever (SimFixture *f, gconstpointer data)
{
  g_auto(Result) r = { NULL, };
  g_autofree char *final = g_build_filename (f->dir, "sea.mp4", NULL);

  sd_simulator_set_fault (f->sim, SD_SIMULATOR_STEP_DOWNLOAD, SD_SIMULATOR_FAULT_DROP_MID_BODY, 0);
  sim_download (f, f->video_url, &r);

  g_assert_error (r.error, SD_DOWNLOAD_ERROR, SD_DOWNLOAD_ERROR_INCOMPLETE);
  g_assert_false (g_file_test (final, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (sd_simulator_get_request_count (f->sim, SD_SIMULATOR_STEP_DOWNLOAD), ==,
                    SD_DOWNLOAD_DEFAULT_RETRIES + 1);
}

static void
test_sim_http_500 (SimFixture *f, gconstpointer data)
{
  g_auto(Result) r = { NULL, };

  sd_simulator_set_fault (f->sim, SD_SIMULATOR_STEP_DOWNLOAD, SD_SIMULATOR_FAULT_HTTP_500, 1);
  sim_download (f, f->video_url, &r);

  g_assert_error (r.error, SD_DOWNLOAD_ERROR, SD_DOWNLOAD_ERROR_HTTP);
  g_assert_nonnull (strstr (r.error->message, "500"));
  g_assert_null (r.path);
}

static void
test_sim_unknown_video (SimFixture *f, gconstpointer data)
{
  g_auto(Result) r = { NULL, };
  g_autofree char *url = g_strconcat (sd_simulator_get_base_url (f->sim), "/videos/no-such-task.mp4", NULL);

  sim_download (f, url, &r);

  g_assert_error (r.error, SD_DOWNLOAD_ERROR, SD_DOWNLOAD_ERROR_HTTP);
  g_assert_nonnull (strstr (r.error->message, "expired"));
  g_assert_cmpuint (count_files (f->dir), ==, 0);
}

static void
test_sim_redirect_carries_no_token (SimFixture *f, gconstpointer data)
{
  g_auto(Result) r = { NULL, };
  const char *other = sd_simulator_get_other_base_url (f->sim);
  g_autoptr(GUri) uri = g_uri_parse (other, G_URI_FLAGS_NONE, NULL);

  sd_simulator_set_fault (f->sim, SD_SIMULATOR_STEP_DOWNLOAD, SD_SIMULATOR_FAULT_REDIRECT_OTHER_HOST, 1);
  sim_download (f, f->video_url, &r);

  g_assert_no_error (r.error);
  assert_file_is_sample (r.path, 0);
  g_assert_cmpuint (sd_simulator_get_host_request_count (f->sim, g_uri_get_host (uri)), >=, 1);
  g_assert_null (sd_simulator_get_auth_seen (f->sim, g_uri_get_host (uri)));
}

static void
test_sim_large_video_progress (SimFixture *f, gconstpointer data)
{
  g_auto(Result) r = { NULL, };
  const guint64 size = 16 * 1024 * 1024 + 3;

  sd_simulator_set_video_size (f->sim, size);
  sim_download (f, f->video_url, &r);

  g_assert_no_error (r.error);
  assert_file_is_sample (r.path, size);
  for (guint i = 1; i < r.received->len; i++)
    g_assert_cmpuint (g_array_index (r.received, guint64, i), >=,
                      g_array_index (r.received, guint64, i - 1));
  g_assert_cmpuint (g_array_index (r.received, guint64, r.received->len - 1), ==, size);
  g_assert_cmpuint (g_array_index (r.totals, guint64, r.totals->len - 1), ==, size);
}

int
main (int argc, char **argv)
{
  g_autofree char *home = NULL;
  int status;

  if (g_getenv (CHILD_ENV) != NULL)
    return run_child_download (g_getenv (CHILD_ENV));
  test_program = argv[0];

  home = g_dir_make_tmp ("sd-download-home-XXXXXX", NULL);
  g_setenv ("XDG_DATA_HOME", home, TRUE);
  g_setenv ("XDG_CONFIG_HOME", home, TRUE);
  g_setenv ("XDG_CACHE_HOME", home, TRUE);
  g_test_init (&argc, &argv, NULL);
  g_log_set_writer_func (cancel_on_retry_writer, NULL, NULL);
  g_log_set_handler ("sd-download", G_LOG_LEVEL_DEBUG, cancel_on_retry_handler, NULL);
  test_server = test_server_new ();

  g_test_add_func ("/download/basename/keeps-the-first-words-and-the-id", test_basename_words_and_id);
  g_test_add_func ("/download/basename/chinese-prompt-stays-chinese", test_basename_chinese);
  g_test_add_func ("/download/basename/long-prompt-cut-at-a-word-boundary", test_basename_long_prompt_cut_at_word);
  g_test_add_func ("/download/basename/long-chinese-prompt-and-id-stay-within-the-bound", test_basename_long_chinese_bounded);
  g_test_add_func ("/download/basename/any-input-gives-a-bounded-valid-name", test_basename_always_bounded_and_valid);
  g_test_add_func ("/download/basename/path-characters-in-the-prompt-are-removed", test_basename_path_characters_in_prompt);
  g_test_add_func ("/download/basename/hostile-task-id-is-made-safe", test_basename_hostile_task_id);
  g_test_add_func ("/download/basename/control-characters-are-removed", test_basename_control_characters);
  g_test_add_func ("/download/basename/empty-prompt-gives-seedance-and-id", test_basename_empty_prompt);
  g_test_add_func ("/download/basename/nothing-usable-gives-seedance", test_basename_nothing_usable);
  g_test_add_func ("/download/basename/leading-dots-and-dashes-are-removed", test_basename_leading_dots_and_dashes);
  g_test_add_func ("/download/basename/characters-unsafe-on-filesystems-are-removed", test_basename_unsafe_filesystem_characters);
  g_test_add_func ("/download/basename/invisible-characters-are-removed", test_basename_invisible_characters);
  g_test_add_func ("/download/basename/invalid-utf8-is-made-valid", test_basename_invalid_utf8);
  g_test_add_func ("/download/basename/extension-is-letters-and-digits", test_basename_extension);
  g_test_add_func ("/download/basename/twin-prefixes-never-share-a-name", test_download_twin_prefixes_never_share_names);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/download/file/is-byte-identical", test_download_identical);
  ADD ("/download/file/creates-the-missing-folder", test_download_creates_folder);
  ADD ("/download/file/resumes-with-range-after-a-drop", test_download_resumes_with_range);
  ADD ("/download/file/starts-over-when-the-server-ignores-range", test_download_restarts_when_range_ignored);
  ADD ("/download/file/gives-up-after-the-retries-without-a-final-file", test_download_gives_up_after_retries);
  ADD ("/download/file/short-body-is-never-renamed", test_download_short_body_never_renamed);
  ADD ("/download/file/never-overwrites-an-existing-file", test_download_never_overwrites);
  ADD ("/download/file/refuses-urls-that-are-not-http", test_download_refuses_unsafe_urls);
  ADD ("/download/file/refuses-a-basename-with-a-path", test_download_refuses_path_in_basename);
  ADD ("/download/file/expired-link-says-so", test_download_expired_link);
  ADD ("/download/file/server-error-gives-the-status", test_download_server_error);
  ADD ("/download/file/busy-server-is-tried-again", test_download_busy_server_retried);
  ADD ("/download/file/follows-a-redirect-to-another-host-without-authorization", test_download_redirect_other_host);
  ADD ("/download/file/progress-rises-to-the-total", test_download_progress);
  ADD ("/download/file/unknown-length-is-saved-whole", test_download_unknown_length);
  ADD ("/download/file/cancel-keeps-the-part-and-a-later-call-resumes", test_download_cancel_keeps_part_for_resume);
  ADD ("/download/file/stale-part-longer-than-the-video-starts-over", test_download_stale_part_too_long);
  ADD ("/download/file/cancel-cuts-the-retry-wait-short", test_download_cancelled_during_backoff);
  ADD ("/download/file/large-video-is-streamed-and-identical", test_download_large_streamed);
  ADD ("/download/file/two-savers-of-one-task-end-with-one-whole-file", test_download_two_savers_share_one_file);
  ADD ("/download/file/two-processes-saving-one-task-end-with-one-whole-file", test_download_two_processes_share_one_file);
  ADD ("/download/file/cancelled-waiter-leaves-the-writer-alone", test_download_waiter_cancelled_leaves_the_writer_alone);
  ADD ("/download/file/savers-take-turns-in-the-order-started", test_download_savers_take_turns_in_the_order_started);
  ADD ("/download/file/stray-ranges-end-in-an-error", test_download_stray_ranges_end_in_an_error);
  ADD ("/download/file/fifo-in-place-of-the-part-is-replaced", test_download_special_file_part_is_replaced);
  ADD ("/download/file/folder-in-place-of-the-part-is-refused", test_download_folder_in_place_of_the_part_is_refused);
  ADD ("/download/file/another-task-never-resumes-the-part", test_download_other_task_never_resumes_the_part);
  ADD ("/download/file/resume-sends-if-range-with-the-etag", test_download_resume_sends_if_range);
  ADD ("/download/file/changed-file-answered-200-starts-over", test_download_changed_file_starts_over);
  ADD ("/download/file/changed-file-206-of-another-etag-starts-over", test_download_changed_file_without_if_range_support);
  ADD ("/download/file/without-a-validator-a-drop-starts-over", test_download_without_validator_starts_over);
  ADD ("/download/file/planted-symlink-part-is-never-followed", test_download_planted_symlink_part_is_never_followed);
  ADD ("/download/file/hard-linked-part-is-replaced", test_download_hard_linked_part_is_replaced);
  ADD ("/download/file/symlink-at-the-final-name-is-kept", test_download_symlink_at_the_final_name_is_kept);
  ADD ("/download/file/error-page-leaves-no-part", test_download_error_page_leaves_no_part);
  ADD ("/download/file/part-without-a-validator-starts-over", test_download_part_without_validator_starts_over);
#undef ADD

#define ADD(path, func) g_test_add (path, SimFixture, NULL, sim_set_up, func, sim_tear_down)
  ADD ("/download/simulator/video-is-the-sample-byte-for-byte", test_sim_identical);
  ADD ("/download/simulator/drop-mid-body-resumes", test_sim_drop_resumes);
  ADD ("/download/simulator/changed-video-starts-over", test_sim_changed_video_starts_over);
  ADD ("/download/simulator/drops-beyond-the-retries-leave-no-video", test_sim_drops_forever);
  ADD ("/download/simulator/http-500-is-an-http-error", test_sim_http_500);
  ADD ("/download/simulator/unknown-video-says-the-link-expired", test_sim_unknown_video);
  ADD ("/download/simulator/redirect-to-the-other-host-carries-no-token", test_sim_redirect_carries_no_token);
  ADD ("/download/simulator/large-video-with-progress-to-the-total", test_sim_large_video_progress);
#undef ADD

  status = g_test_run ();

  g_socket_service_stop (test_server->service);
  remove_tree (home);
  return status;
}

/* sd-download.c: saving a finished video to disk
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-download"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "sd-download.h"
#include "sd-download-private.h"

G_DEFINE_QUARK (sd-download-error-quark, sd_download_error)

/* Bounded so that a 1 GiB video never sits in memory. */
#define READ_BUFFER_SIZE      (256 * 1024)
#define PROGRESS_INTERVAL_US  (G_USEC_PER_SEC / 10)
#define BASENAME_MAX_BYTES    120
#define PROMPT_MAX_CHARS      40
#define TASK_ID_MAX_BYTES     64
#define EXTENSION_MAX_BYTES   8
#define MAX_NAME_CANDIDATES   9999
#define FALLBACK_STEM         "seedance"
#define PART_SUFFIX           ".part"

static guint retry_max = SD_DOWNLOAD_DEFAULT_RETRIES;
static guint retry_first_delay_ms = SD_DOWNLOAD_DEFAULT_FIRST_DELAY_MS;

void
sd_download_set_retry_policy (guint max_retries,
                              guint first_delay_ms)
{
  retry_max = max_retries;
  retry_first_delay_ms = first_delay_ms;
}

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

  for (const char *p = task_id; p != NULL && *p != '\0' && out->len < TASK_ID_MAX_BYTES; p++)
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
 * characters, no leading dot or dash, at most 120 bytes. Without usable
 * words the name is "seedance-<task id><extension>".
 *
 * Returns: (transfer full): the file name
 */
char *
sd_download_make_basename (const char *prompt,
                           const char *task_id,
                           const char *extension)
{
  g_autofree char *id = clean_task_id (task_id);
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

/* Moving the finished file into place */

static gboolean
check_basename (const char  *basename,
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

static void
split_extension (const char  *basename,
                 char       **stem,
                 char       **extension)
{
  const char *dot = strrchr (basename, '.');

  if (dot == NULL || dot == basename)
    dot = basename + strlen (basename);
  *stem = g_strndup (basename, dot - basename);
  *extension = g_strdup (dot);
}

/* Atomic where the filesystem allows: rename without replacing, else a hard
 * link (which fails if the name is taken) and an unlink. Sets errno. */
static gboolean
rename_without_replacing (const char *from,
                          const char *to)
{
  if (renameat2 (AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
    return TRUE;
  if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
    return FALSE;

  if (link (from, to) == 0)
    {
      g_unlink (from);
      return TRUE;
    }
  if (errno != EPERM && errno != ENOTSUP && errno != EOPNOTSUPP)
    return FALSE;

  /* No hard links either (FAT, some network shares): check, then rename. */
  if (g_file_test (to, G_FILE_TEST_EXISTS | G_FILE_TEST_IS_SYMLINK))
    {
      errno = EEXIST;
      return FALSE;
    }
  return g_rename (from, to) == 0;
}

static char *
candidate_name (const char *basename,
                guint       n)
{
  g_autofree char *stem = NULL;
  g_autofree char *extension = NULL;

  if (n == 1)
    return g_strdup (basename);
  split_extension (basename, &stem, &extension);
  return g_strdup_printf ("%s (%u)%s", stem, n, extension);
}

static char *
move_into_place (const char  *part_path,
                 const char  *directory,
                 const char  *basename,
                 GError     **error)
{
  for (guint n = 1; n <= MAX_NAME_CANDIDATES; n++)
    {
      g_autofree char *name = candidate_name (basename, n);
      g_autofree char *path = g_build_filename (directory, name, NULL);
      int saved_errno;

      if (rename_without_replacing (part_path, path))
        return g_steal_pointer (&path);

      saved_errno = errno;
      if (saved_errno != EEXIST)
        {
          g_set_error (error, SD_DOWNLOAD_ERROR, SD_DOWNLOAD_ERROR_FILE,
                       /* Translators: the first %s is a file path, the second a system error */
                       _("The video could not be saved as “%s”: %s."),
                       path, g_strerror (saved_errno));
          return NULL;
        }
    }

  g_set_error (error, SD_DOWNLOAD_ERROR, SD_DOWNLOAD_ERROR_FILE,
               _("The folder “%s” already holds too many videos named “%s”. "
                 "Choose another download folder."),
               directory, basename);
  return NULL;
}

/* The download itself */

typedef struct
{
  SoupSession            *session;
  GUri                   *uri;
  char                   *directory;
  char                   *basename;
  GFile                  *part;
  SdDownloadProgressFunc  progress;
  gpointer                progress_data;
  GDestroyNotify          progress_destroy;

  SoupMessage            *message;
  GInputStream           *body;
  GOutputStream          *output;
  guint8                 *buffer;

  guint64                 received;   /* bytes in the .part file */
  guint64                 total;      /* announced size; 0 when unknown */
  gint64                  last_progress_time;
  guint                   retries;
  guint                   max_retries;
  guint                   first_delay_ms;
  gboolean                use_range;  /* cleared once the server ignored one */
  gboolean                pump_when_open;
  GError                 *error;      /* held while the .part is closed */
} Download;

static void
download_free (Download *self)
{
  g_clear_object (&self->session);
  g_clear_pointer (&self->uri, g_uri_unref);
  g_free (self->directory);
  g_free (self->basename);
  g_clear_object (&self->part);
  if (self->progress_destroy != NULL)
    self->progress_destroy (self->progress_data);
  g_clear_object (&self->message);
  g_clear_object (&self->body);
  g_clear_object (&self->output);
  g_free (self->buffer);
  g_clear_error (&self->error);
  g_free (self);
}

static void attempt (GTask *task);
static void pump (GTask *task);

static gboolean
is_allowed_uri (GUri *uri)
{
  const char *scheme = g_uri_get_scheme (uri);
  const char *host = g_uri_get_host (uri);

  /* Plain http stays allowed: no credential is ever sent with a download,
   * and the simulator and some mirrors serve over http. Anything else
   * (file, ftp, data, javascript...) could read or leak local data. */
  return (g_ascii_strcasecmp (scheme, "https") == 0 ||
          g_ascii_strcasecmp (scheme, "http") == 0) &&
         host != NULL && *host != '\0';
}

static GUri *
parse_download_uri (const char  *url,
                    GError     **error)
{
  g_autoptr(GUri) uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL);

  if (uri == NULL || !is_allowed_uri (uri))
    {
      g_set_error (error, SD_DOWNLOAD_ERROR, SD_DOWNLOAD_ERROR_UNSAFE_URL,
                   _("The video address is not a web address (http or https), "
                     "so it was not opened."));
      return NULL;
    }
  return g_steal_pointer (&uri);
}

static void
report_progress (Download *self,
                 gboolean  force)
{
  gint64 now = g_get_monotonic_time ();

  if (self->progress == NULL)
    return;
  if (!force && now - self->last_progress_time < PROGRESS_INTERVAL_US)
    return;
  self->last_progress_time = now;
  self->progress (self->received, self->total, self->progress_data);
}

static void
on_output_closed_then_return_cb (GObject      *source,
                                 GAsyncResult *result,
                                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Download *self = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!g_output_stream_close_finish (G_OUTPUT_STREAM (source), result, &error) &&
      self->error == NULL)
    g_debug ("Closing %s failed: %s", g_file_peek_path (self->part), error->message);

  g_task_return_error (task, g_steal_pointer (&self->error));
}

/* Every failure ends here: the .part is closed (and left for a later
 * resume) before the task returns. */
static void
fail (GTask  *task,
      GError *error)
{
  Download *self = g_task_get_task_data (task);

  g_clear_object (&self->body);
  g_clear_error (&self->error);
  self->error = error;

  if (self->output == NULL || g_output_stream_is_closed (self->output))
    {
      g_task_return_error (task, g_steal_pointer (&self->error));
      g_object_unref (task);
      return;
    }
  g_output_stream_close_async (self->output, G_PRIORITY_DEFAULT, NULL,
                               on_output_closed_then_return_cb, task);
}

static void
fail_with_file_error (GTask  *task,
                      GError *error)
{
  Download *self = g_task_get_task_data (task);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      fail (task, error);
      return;
    }
  fail (task, g_error_new (SD_DOWNLOAD_ERROR, SD_DOWNLOAD_ERROR_FILE,
                           /* Translators: the first %s is a folder, the second a system error */
                           _("The video could not be written to “%s”: %s. Check that the "
                             "download folder is writable and the disk is not full."),
                           self->directory, error->message));
  g_error_free (error);
}

static gboolean
is_transient_error (const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return FALSE;
  /* Closed or reset connections, partial bodies, timeouts, refusals. */
  return error->domain == G_IO_ERROR ||
         g_error_matches (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_TEMPORARY_FAILURE);
}

static GError *
incomplete_error (const GError *cause)
{
  return g_error_new (SD_DOWNLOAD_ERROR, SD_DOWNLOAD_ERROR_INCOMPLETE,
                      /* Translators: %s is a network error */
                      _("The video could not be downloaded completely (%s). "
                        "Check the connection and download it again."),
                      cause->message);
}

static gboolean
on_retry_due_cb (gpointer user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (g_cancellable_set_error_if_cancelled (g_task_get_cancellable (task), &error))
    fail (task, error);
  else
    attempt (task);
  return G_SOURCE_REMOVE;
}

static void
schedule_retry (GTask *task)
{
  Download *self = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GSource) source = NULL;
  guint delay_ms = self->first_delay_ms << MIN (self->retries - 1, 16u);

  source = g_timeout_source_new (delay_ms);
  g_source_set_static_name (source, "[sd-download] retry");
  g_source_set_callback (source, on_retry_due_cb, task, NULL);
  if (cancellable != NULL)
    {
      /* Wakes the wait early when the download is cancelled. */
      g_autoptr(GSource) cancelled = g_cancellable_source_new (cancellable);

      g_source_set_dummy_callback (cancelled);
      g_source_add_child_source (source, cancelled);
    }
  g_source_attach (source, g_task_get_context (task));
}

/* A dropped transfer: try again after a pause, or give up. */
static void
retry_or_fail (GTask        *task,
               const GError *cause)
{
  Download *self = g_task_get_task_data (task);

  g_clear_object (&self->body);
  g_clear_object (&self->message);

  if (!is_transient_error (cause))
    {
      if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        fail (task, g_error_copy (cause));
      else
        fail (task, incomplete_error (cause));
      return;
    }
  if (self->retries >= self->max_retries)
    {
      fail (task, incomplete_error (cause));
      return;
    }

  self->retries++;
  g_debug ("Transfer of %s dropped at %" G_GUINT64_FORMAT " bytes (%s); retry %u",
           self->basename, self->received, cause->message, self->retries);
  schedule_retry (task);
}

static void
on_renamed_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  char *path;

  path = g_task_propagate_pointer (G_TASK (result), &error);
  if (path == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, path, g_free);
}

static void
move_into_place_thread (GTask        *task,
                        gpointer      source_object,
                        gpointer      task_data,
                        GCancellable *cancellable)
{
  Download *self = task_data;
  GError *error = NULL;
  char *path;

  path = move_into_place (g_file_peek_path (self->part), self->directory,
                          self->basename, &error);
  if (path == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, path, g_free);
}

static void
on_part_closed_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  Download *self = g_task_get_task_data (task);
  g_autoptr(GTask) move = NULL;
  GError *error = NULL;

  if (!g_output_stream_close_finish (G_OUTPUT_STREAM (source), result, &error))
    {
      fail_with_file_error (task, error);
      return;
    }

  /* Not cancellable: the file is complete, only its name is left to set. */
  move = g_task_new (NULL, NULL, on_renamed_cb, task);
  g_task_set_source_tag (move, move_into_place_thread);
  g_task_set_task_data (move, self, NULL);
  g_task_run_in_thread (move, move_into_place_thread);
}

static void
on_body_ended (GTask *task)
{
  Download *self = g_task_get_task_data (task);

  g_clear_object (&self->body);
  g_clear_object (&self->message);

  if (self->total > 0 && self->received < self->total)
    {
      g_autoptr(GError) cause = g_error_new (G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT,
                                             _("the connection closed early"));
      retry_or_fail (task, cause);
      return;
    }
  if (self->total > 0 && self->received > self->total)
    {
      fail (task, g_error_new (SD_DOWNLOAD_ERROR, SD_DOWNLOAD_ERROR_INCOMPLETE,
                               _("The server sent more data than the video’s announced "
                                 "size. Download it again.")));
      return;
    }

  if (self->total == 0)
    self->total = self->received;
  report_progress (self, TRUE);
  g_output_stream_close_async (self->output, G_PRIORITY_DEFAULT, NULL,
                               on_part_closed_cb, task);
}

static void
on_chunk_written_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GTask *task = user_data;
  Download *self = g_task_get_task_data (task);
  GError *error = NULL;
  gsize written = 0;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, &written, &error))
    {
      self->received += written;
      fail_with_file_error (task, error);
      return;
    }

  self->received += written;
  report_progress (self, FALSE);
  pump (task);
}

static void
on_chunk_read_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  Download *self = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  gssize n_read;

  n_read = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);
  if (n_read < 0)
    {
      retry_or_fail (task, error);
      return;
    }
  if (n_read == 0)
    {
      on_body_ended (task);
      return;
    }

  g_output_stream_write_all_async (self->output, self->buffer, n_read,
                                   G_PRIORITY_DEFAULT, g_task_get_cancellable (task),
                                   on_chunk_written_cb, task);
}

static void
pump (GTask *task)
{
  Download *self = g_task_get_task_data (task);

  g_input_stream_read_async (self->body, self->buffer, READ_BUFFER_SIZE,
                             G_PRIORITY_DEFAULT, g_task_get_cancellable (task),
                             on_chunk_read_cb, task);
}

static void
on_part_opened_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GTask *task = user_data;
  Download *self = g_task_get_task_data (task);
  GError *error = NULL;

  self->output = G_OUTPUT_STREAM (g_file_append_to_finish (G_FILE (source), result, &error));
  if (self->output == NULL)
    {
      fail_with_file_error (task, error);
      return;
    }

  if (self->pump_when_open)
    pump (task);
  else
    attempt (task);
}

static void
on_part_deleted_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!g_file_delete_finish (G_FILE (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    {
      fail_with_file_error (task, error);
      return;
    }
  g_clear_error (&error);

  g_file_append_to_async (G_FILE (source), G_FILE_CREATE_NONE, G_PRIORITY_DEFAULT,
                          g_task_get_cancellable (task), on_part_opened_cb, task);
}

static void
on_part_closed_for_truncate_cb (GObject      *source,
                                GAsyncResult *result,
                                gpointer      user_data)
{
  GTask *task = user_data;
  Download *self = g_task_get_task_data (task);
  GError *error = NULL;

  gboolean closed = g_output_stream_close_finish (G_OUTPUT_STREAM (source), result, &error);

  g_clear_object (&self->output);
  if (!closed)
    {
      fail_with_file_error (task, error);
      return;
    }
  g_file_delete_async (self->part, G_PRIORITY_DEFAULT, g_task_get_cancellable (task),
                       on_part_deleted_cb, task);
}

/* Starts the .part over from zero, then reads the body already open
 * (@pump_body) or asks again without Range. */
static void
truncate_part (GTask    *task,
               gboolean  pump_body)
{
  Download *self = g_task_get_task_data (task);

  self->received = 0;
  self->pump_when_open = pump_body;
  if (self->output == NULL)
    g_file_delete_async (self->part, G_PRIORITY_DEFAULT, g_task_get_cancellable (task),
                         on_part_deleted_cb, task);
  else
    g_output_stream_close_async (self->output, G_PRIORITY_DEFAULT,
                                 g_task_get_cancellable (task),
                                 on_part_closed_for_truncate_cb, task);
}

/* The .part is only created once the server answered with the video, so
 * that an error page leaves nothing behind. */
static void
open_part_then_pump (GTask *task)
{
  Download *self = g_task_get_task_data (task);

  if (self->output != NULL)
    {
      pump (task);
      return;
    }
  self->pump_when_open = TRUE;
  g_file_append_to_async (self->part, G_FILE_CREATE_NONE, G_PRIORITY_DEFAULT,
                          g_task_get_cancellable (task), on_part_opened_cb, task);
}

static GError *
http_error (guint status)
{
  if (status == SOUP_STATUS_NOT_FOUND || status == 410)
    return g_error_new (SD_DOWNLOAD_ERROR, SD_DOWNLOAD_ERROR_HTTP,
                        /* Translators: %u is an HTTP status code such as 404 */
                        _("The video link has expired or the video is gone (HTTP %u). "
                          "Videos are kept for about three days after they are made."),
                        status);
  if (status == SOUP_STATUS_FORBIDDEN)
    return g_error_new (SD_DOWNLOAD_ERROR, SD_DOWNLOAD_ERROR_HTTP,
                        /* Translators: %u is an HTTP status code (403) */
                        _("The video server refused the link (HTTP %u). The link may "
                          "have expired; query the task again for a fresh one."),
                        status);
  if (status == 429)
    return g_error_new (SD_DOWNLOAD_ERROR, SD_DOWNLOAD_ERROR_HTTP,
                        /* Translators: %u is an HTTP status code (429) */
                        _("The video server is busy and asked to wait (HTTP %u). "
                          "Try downloading again in a few minutes."),
                        status);
  return g_error_new (SD_DOWNLOAD_ERROR, SD_DOWNLOAD_ERROR_HTTP,
                      /* Translators: %u is an HTTP status code, %s its English name */
                      _("The video server answered with an error (HTTP %u %s). "
                        "Try downloading again later."),
                      status, soup_status_get_phrase (status));
}

/* A captive portal or an error page answers 200 with a web page: that is
 * not the video, and saving it as one would hand the user a broken file. */
static gboolean
is_web_page (SoupMessage *message)
{
  const char *type = soup_message_headers_get_content_type (soup_message_get_response_headers (message),
                                                             NULL);

  return type != NULL &&
         (g_ascii_strcasecmp (type, "text/html") == 0 ||
          g_ascii_strcasecmp (type, "application/xhtml+xml") == 0);
}

static GError *
web_page_error (void)
{
  return g_error_new_literal (SD_DOWNLOAD_ERROR, SD_DOWNLOAD_ERROR_HTTP,
                              _("The video server sent a web page instead of the video "
                                "(a network sign-in page, perhaps). Nothing was saved; "
                                "check the connection and download it again."));
}

static gboolean
is_transient_status (guint status)
{
  return status == SOUP_STATUS_BAD_GATEWAY ||
         status == SOUP_STATUS_SERVICE_UNAVAILABLE ||
         status == SOUP_STATUS_GATEWAY_TIMEOUT;
}

/* A 206 continues the .part only if it starts exactly where the .part ends. */
static gboolean
take_partial_response (Download *self)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (self->message);
  goffset start = 0, end = 0, total = 0;

  if (!soup_message_headers_get_content_range (headers, &start, &end, &total))
    return FALSE;
  if ((guint64) start != self->received || (total >= 0 && end >= total))
    return FALSE;

  self->total = total >= 0 ? (guint64) total : 0;
  return TRUE;
}

static void
take_full_response (Download *self)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (self->message);

  self->total = 0;
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH)
    self->total = soup_message_headers_get_content_length (headers);
}

static void
restart_without_range (GTask *task)
{
  Download *self = g_task_get_task_data (task);

  g_debug ("%s: the server did not continue at byte %" G_GUINT64_FORMAT
           "; starting over", self->basename, self->received);
  g_clear_object (&self->body);
  g_clear_object (&self->message);
  self->use_range = FALSE;
  truncate_part (task, FALSE);
}

static void
on_response_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  Download *self = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  guint status;

  self->body = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (self->body == NULL)
    {
      retry_or_fail (task, error);
      return;
    }

  status = soup_message_get_status (self->message);
  if ((status == SOUP_STATUS_OK || status == SOUP_STATUS_PARTIAL_CONTENT) &&
      is_web_page (self->message))
    fail (task, web_page_error ());
  else if (status == SOUP_STATUS_PARTIAL_CONTENT && take_partial_response (self))
    open_part_then_pump (task);
  else if (status == SOUP_STATUS_PARTIAL_CONTENT ||
           (status == SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE && self->received > 0))
    restart_without_range (task);
  else if (status == SOUP_STATUS_OK)
    {
      take_full_response (self);
      if (self->received > 0)
        truncate_part (task, TRUE);
      else
        open_part_then_pump (task);
    }
  else if (is_transient_status (status))
    {
      g_autoptr(GError) cause = g_error_new (G_IO_ERROR, G_IO_ERROR_BUSY, "HTTP %u %s",
                                             status, soup_status_get_phrase (status));
      retry_or_fail (task, cause);
    }
  else
    fail (task, http_error (status));
}

static void
on_message_starting_cb (SoupMessage *message,
                        gpointer     user_data)
{
  /* Whatever the session adds, the video host never sees a credential. */
  soup_message_headers_remove (soup_message_get_request_headers (message), "Authorization");
}

static SoupMessage *
new_request (Download *self)
{
  SoupMessage *message = soup_message_new_from_uri (SOUP_METHOD_GET, self->uri);

  /* The bytes on disk must be the bytes of the video: no content decoding,
   * so Content-Length and Range count the same bytes we write. */
  soup_message_disable_feature (message, SOUP_TYPE_CONTENT_DECODER);
  soup_message_disable_feature (message, SOUP_TYPE_AUTH_MANAGER);
  g_signal_connect (message, "starting", G_CALLBACK (on_message_starting_cb), NULL);

  if (self->received > 0 && self->use_range)
    soup_message_headers_set_range (soup_message_get_request_headers (message),
                                    self->received, -1);
  return message;
}

static void
attempt (GTask *task)
{
  Download *self = g_task_get_task_data (task);

  if (self->received > 0 && !self->use_range)
    {
      truncate_part (task, FALSE);
      return;
    }

  g_clear_object (&self->message);
  self->message = new_request (self);
  soup_session_send_async (self->session, self->message, G_PRIORITY_DEFAULT,
                           g_task_get_cancellable (task), on_response_cb, task);
}

static void
on_part_measured_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GTask *task = user_data;
  Download *self = g_task_get_task_data (task);
  g_autoptr(GFileInfo) info = NULL;
  GError *error = NULL;

  info = g_file_query_info_finish (G_FILE (source), result, &error);
  if (info == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    {
      fail_with_file_error (task, error);
      return;
    }
  g_clear_error (&error);

  /* A .part left by a cancelled or failed download is resumed. */
  self->received = info != NULL ? g_file_info_get_size (info) : 0;
  attempt (task);
}

static void
on_directory_ready_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  GTask *task = user_data;
  Download *self = g_task_get_task_data (task);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      fail_with_file_error (task, error);
      return;
    }
  g_file_query_info_async (self->part, G_FILE_ATTRIBUTE_STANDARD_SIZE,
                           G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, G_PRIORITY_DEFAULT,
                           g_task_get_cancellable (task), on_part_measured_cb, task);
}

static void
make_directory_thread (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  GFile *directory = source_object;
  GError *error = NULL;

  if (!g_file_make_directory_with_parents (directory, cancellable, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_EXISTS))
    {
      g_task_return_error (task, error);
      return;
    }
  g_clear_error (&error);
  g_task_return_boolean (task, TRUE);
}

static void
make_directory (GTask *task)
{
  Download *self = g_task_get_task_data (task);
  g_autoptr(GFile) directory = g_file_new_for_path (self->directory);
  g_autoptr(GTask) mkdir_task = NULL;

  mkdir_task = g_task_new (directory, g_task_get_cancellable (task),
                           on_directory_ready_cb, task);
  g_task_set_source_tag (mkdir_task, make_directory_thread);
  g_task_run_in_thread (mkdir_task, make_directory_thread);
}

static Download *
download_new (SoupSession *session,
              GUri        *uri,
              const char  *directory,
              const char  *basename)
{
  Download *self = g_new0 (Download, 1);
  g_autofree char *part_name = g_strconcat (basename, PART_SUFFIX, NULL);
  g_autofree char *part_path = g_build_filename (directory, part_name, NULL);

  self->session = g_object_ref (session);
  self->uri = g_uri_ref (uri);
  self->directory = g_strdup (directory);
  self->basename = g_strdup (basename);
  self->part = g_file_new_for_path (part_path);
  self->buffer = g_malloc (READ_BUFFER_SIZE);
  self->use_range = TRUE;
  self->max_retries = retry_max;
  self->first_delay_ms = retry_first_delay_ms;
  return self;
}

/**
 * sd_download_file_async:
 * @session: the session to use; it adds no credential (none is sent)
 * @url: the video's address; only http and https are opened
 * @directory: the folder to save into, created when missing
 * @basename: the file name, e.g. from sd_download_make_basename()
 * @progress: (nullable) (scope notified): called with the bytes received and
 *   the total (0 when unknown), at most about ten times a second and once at
 *   the end with the total
 * @progress_data: data for @progress
 * @progress_destroy: (nullable): frees @progress_data when the download ends
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the file is saved or the download failed
 * @user_data: data for @callback
 *
 * Streams @url into "@directory/@basename.part", a bounded buffer at a time.
 * A dropped transfer is tried again a few times, waiting longer each time,
 * continuing with a Range request where the .part ends when the server
 * answers 206 with a matching Content-Range, from zero otherwise. The length
 * is checked against Content-Length (or the Content-Range total) and only a
 * complete file is renamed to @basename, or "name (2).ext" and so on: an
 * existing file is never replaced.
 *
 * Any URL other than http(s) fails with %SD_DOWNLOAD_ERROR_UNSAFE_URL before
 * anything is opened; plain http is allowed because nothing secret is sent.
 * A 200 or 206 answer carrying a web page (text/html: a captive portal, an
 * error page) is not the video: it fails with %SD_DOWNLOAD_ERROR_HTTP and
 * nothing is written.
 *
 * Redirects are followed, to any host. 502, 503 and 504 answers count as
 * dropped transfers; other error statuses fail at once with
 * %SD_DOWNLOAD_ERROR_HTTP (404 and 410 saying the link expired). A network
 * failure that retrying cannot fix (TLS, unknown host), or retries used up,
 * is %SD_DOWNLOAD_ERROR_INCOMPLETE.
 *
 * The .part file is created only when the server sends the video. A failed
 * or cancelled download leaves it, and a later call with the same @directory
 * and @basename resumes from it (or starts over if the server will not
 * continue it). Two downloads must not share a @directory and @basename at
 * the same time.
 */
void
sd_download_file_async (SoupSession            *session,
                        const char             *url,
                        const char             *directory,
                        const char             *basename,
                        SdDownloadProgressFunc  progress,
                        gpointer                progress_data,
                        GDestroyNotify          progress_destroy,
                        GCancellable           *cancellable,
                        GAsyncReadyCallback     callback,
                        gpointer                user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GUri) uri = NULL;
  GError *error = NULL;
  Download *self;

  g_return_if_fail (SOUP_IS_SESSION (session));
  g_return_if_fail (url != NULL);
  g_return_if_fail (directory != NULL);
  g_return_if_fail (basename != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, sd_download_file_async);

  uri = parse_download_uri (url, &error);
  if (uri == NULL || !check_basename (basename, &error))
    {
      if (progress_destroy != NULL)
        progress_destroy (progress_data);
      g_task_return_error (task, error);
      return;
    }

  self = download_new (session, uri, directory, basename);
  self->progress = progress;
  self->progress_data = progress_data;
  self->progress_destroy = progress_destroy;
  g_task_set_task_data (task, self, (GDestroyNotify) download_free);

  make_directory (g_steal_pointer (&task));
}

/**
 * sd_download_file_finish:
 * @result: the result given to the callback
 * @error: return location for a #GError in %SD_DOWNLOAD_ERROR, or
 *   %G_IO_ERROR_CANCELLED
 *
 * Returns: (transfer full): the path of the saved file, or %NULL
 */
char *
sd_download_file_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, sd_download_file_async), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

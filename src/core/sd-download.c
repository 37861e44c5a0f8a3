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
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gunixoutputstream.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "sd-download.h"
#include "sd-download-private.h"
#include "sd-download-test.h"

G_DEFINE_QUARK (sd-download-error-quark, sd_download_error)

/* Bounded so that a 1 GiB video never sits in memory. */
#define READ_BUFFER_SIZE      (256 * 1024)
#define PROGRESS_INTERVAL_US  (G_USEC_PER_SEC / 10)
#define BASENAME_MAX_BYTES    120
#define PROMPT_MAX_CHARS      40
#define TASK_ID_MAX_BYTES     64
#define ID_HASH_CHARS         12
#define EXTENSION_MAX_BYTES   8
#define MAX_NAME_CANDIDATES   9999
#define FALLBACK_STEM         "seedance"
#define PART_SUFFIX           ".part"
#define PART_HASH_CHARS       16
#define META_SUFFIX           ".meta"
#define META_MAGIC            "seedance-part-validator 1"
#define VALIDATOR_MAX_BYTES   256
#define MAX_PART_REOPENS      8
#define LOCK_POLL_MS          100

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

/* Moving the finished file into place */

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

/* The download itself
 *
 * The .part belongs to one task (its name hashes the caller's owner key)
 * and to one writer at a time: it is opened without following links and
 * held under an exclusive lock (flock, so two downloads in one process
 * exclude each other too) from before the first request until the finished
 * file has its final name. A second saver of the same task waits for the
 * lock; if the first one finished meanwhile, the second reports the same
 * file. A resume only continues bytes it can prove are the same file: the
 * ETag or Last-Modified of the first answer is kept beside the .part and
 * sent as If-Range. */

static void
download_free (Download *self)
{
  g_clear_object (&self->session);
  g_clear_pointer (&self->uri, g_uri_unref);
  g_free (self->directory);
  g_free (self->basename);
  g_free (self->part_path);
  g_free (self->meta_path);
  if (self->progress_destroy != NULL)
    self->progress_destroy (self->progress_data);
  g_clear_object (&self->message);
  g_clear_object (&self->body);
  if (self->output != NULL)
    g_clear_object (&self->output);
  else if (self->fd >= 0)
    close (self->fd);
  g_free (self->buffer);
  g_free (self->validator);
  g_free (self->final_path);
  g_clear_error (&self->error);
  g_free (self);
}

static void attempt (GTask *task);
static void pump (GTask *task);
static void prepare_part (GTask *task);

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

/* The .part on disk */

static GError *
file_error (const char *path,
            int         errsv)
{
  return g_error_new (SD_DOWNLOAD_ERROR, SD_DOWNLOAD_ERROR_FILE,
                      /* Translators: the first %s is a file path, the second a system error */
                      _("The video could not be written to “%s”: %s. Check that the "
                        "download folder is writable and the disk is not full."),
                      path, g_strerror (errsv));
}

/* TRUE when @fd is the file @path names now (not a file since renamed,
 * removed or replaced). */
static gboolean
fd_is_at_path (int         fd,
               const char *path)
{
  struct stat by_fd, by_path;

  return fstat (fd, &by_fd) == 0 && lstat (path, &by_path) == 0 &&
         by_fd.st_nlink > 0 &&
         by_fd.st_dev == by_path.st_dev && by_fd.st_ino == by_path.st_ino;
}

/* Opens the .part for appending, never through a symlink: a link, a FIFO,
 * or a file with other hard links (the same bytes as a file elsewhere) in
 * its place is removed first; unlink() removes the link, not its target. */
static int
open_part (const char  *path,
           GError     **error)
{
  for (guint tries = 0; tries < 3; tries++)
    {
      int fd = open (path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC |
                           O_NOCTTY | O_NONBLOCK, 0644);
      struct stat st;

      if (fd >= 0 && fstat (fd, &st) == 0 && S_ISREG (st.st_mode) && st.st_nlink == 1)
        {
          /* O_NONBLOCK only kept a FIFO from blocking the open. */
          fcntl (fd, F_SETFL, O_APPEND);
          return fd;
        }
      if (fd >= 0)
        close (fd);
      else if (errno != ELOOP && errno != ENXIO && errno != EISDIR)
        {
          g_propagate_error (error, file_error (path, errno));
          return -1;
        }

      g_debug ("%s is not a plain file of its own (a symlink, a special file or "
               "a hard link); removing it, never writing through it", path);
      if (unlink (path) != 0 && errno != ENOENT)
        break;
    }

  g_set_error (error, SD_DOWNLOAD_ERROR, SD_DOWNLOAD_ERROR_FILE,
               /* Translators: %s is a file path */
               _("“%s” is in the way of the download: it is not a plain file "
                 "(a link, a folder or a special file) and could not be removed. "
                 "Remove it and download again."),
               path);
  return -1;
}

/* A header value safe to keep and to send back: printable ASCII. */
static gboolean
is_valid_validator (const char *value)
{
  gsize len = value != NULL ? strlen (value) : 0;

  if (len == 0 || len > VALIDATOR_MAX_BYTES)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (value[i] < 0x20 || value[i] > 0x7e)
      return FALSE;
  return TRUE;
}

/* The sidecar says which file the bytes came from: its first line names the
 * format, the second the inode of the .part it describes (a .part replaced
 * since does not inherit it), the third the If-Range value. */
static char *
read_validator (const char *meta_path,
                int         part_fd)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  struct stat part, meta;
  char buffer[VALIDATOR_MAX_BYTES + 64];
  ssize_t n;
  int fd;

  fd = open (meta_path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0)
    return NULL;
  n = fstat (fd, &meta) == 0 && S_ISREG (meta.st_mode) ? read (fd, buffer, sizeof buffer - 1) : -1;
  close (fd);
  if (n <= 0 || fstat (part_fd, &part) != 0)
    return NULL;

  text = g_strndup (buffer, n);
  lines = g_strsplit (text, "\n", 4);
  if (g_strv_length (lines) < 3 || g_strcmp0 (lines[0], META_MAGIC) != 0 ||
      g_ascii_strtoull (lines[1], NULL, 10) != (guint64) part.st_ino ||
      !is_valid_validator (lines[2]))
    return NULL;
  return g_strdup (lines[2]);
}

void
_sd_download_forget_validator (Download *self)
{
  g_clear_pointer (&self->validator, g_free);
  if (g_unlink (self->meta_path) != 0 && errno != ENOENT)
    g_debug ("%s could not be removed: %s", self->meta_path, g_strerror (errno));
}

/* A strong ETag, else Last-Modified; a weak ETag cannot be used in If-Range. */
static char *
response_validator (SoupMessage *message)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (message);
  const char *etag = soup_message_headers_get_one (headers, "ETag");
  const char *modified = soup_message_headers_get_one (headers, "Last-Modified");
  g_autoptr(GDateTime) date = NULL;

  if (is_valid_validator (etag) && etag[0] == '"' && strlen (etag) >= 2 &&
      etag[strlen (etag) - 1] == '"')
    return g_strdup (etag);
  if (is_valid_validator (modified) &&
      (date = soup_date_time_new_from_http_string (modified)) != NULL)
    return g_strdup (modified);
  return NULL;
}

/* Kept so that a later resume can prove it continues the same file; written
 * to a new file renamed into place, so a planted link is replaced, never
 * followed. */
void
_sd_download_remember_validator (Download *self)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  struct stat st;

  _sd_download_forget_validator (self);
  self->validator = response_validator (self->message);
  if (self->validator == NULL)
    {
      g_debug ("%s: the server gives no ETag or Last-Modified; a dropped "
               "transfer will start over", self->basename);
      return;
    }
  if (fstat (self->fd, &st) != 0)
    return;

  contents = g_strdup_printf ("%s\n%" G_GUINT64_FORMAT "\n%s\n", META_MAGIC,
                              (guint64) st.st_ino, self->validator);
  if (!g_file_set_contents_full (self->meta_path, contents, -1,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
    {
      g_debug ("%s: could not keep the validator (%s); a dropped transfer "
               "will start over", self->basename, error->message);
      g_clear_pointer (&self->validator, g_free);
    }
}

/* The .part starts over from zero; the lock stays held (the file is
 * truncated, not replaced). */
gboolean
_sd_download_empty_part (Download  *self,
                         GError   **error)
{
  self->received = 0;
  if (ftruncate (self->fd, 0) == 0)
    return TRUE;
  g_propagate_error (error, file_error (self->part_path, errno));
  return FALSE;
}

/* The finished video a saver we waited for renamed our .part to: the same
 * inode under one of the names move_into_place() tries, in order. */
static char *
find_finished_copy (Download *self)
{
  struct stat by_fd;

  if (fstat (self->fd, &by_fd) != 0 || by_fd.st_nlink == 0 || by_fd.st_size == 0)
    return NULL;

  for (guint n = 1; n <= MAX_NAME_CANDIDATES; n++)
    {
      g_autofree char *name = candidate_name (self->basename, n);
      g_autofree char *path = g_build_filename (self->directory, name, NULL);
      struct stat st;

      if (lstat (path, &st) != 0)
        return NULL;
      if (S_ISREG (st.st_mode) && st.st_dev == by_fd.st_dev && st.st_ino == by_fd.st_ino)
        return g_steal_pointer (&path);
    }
  return NULL;
}

typedef enum {
  LOCK_TAKEN,
  LOCK_BUSY,
  LOCK_FAILED,
} LockResult;

static LockResult
lock_part (Download  *self,
           GError   **error)
{
  int rc;

  do
    rc = flock (self->fd, LOCK_EX | LOCK_NB);
  while (rc != 0 && errno == EINTR);

  if (rc == 0)
    return LOCK_TAKEN;
  if (errno == EWOULDBLOCK)
    return LOCK_BUSY;
  if (errno == ENOLCK || errno == EOPNOTSUPP || errno == ENOSYS)
    {
      g_debug ("%s: this file system cannot lock files (%s); saving unlocked",
               self->basename, g_strerror (errno));
      return LOCK_TAKEN;
    }
  g_propagate_error (error, file_error (self->part_path, errno));
  return LOCK_FAILED;
}

static gboolean
make_directory (Download      *self,
                GCancellable  *cancellable,
                GError       **error)
{
  g_autoptr(GFile) directory = g_file_new_for_path (self->directory);
  g_autoptr(GError) local_error = NULL;

  if (self->directory_ready)
    return TRUE;
  if (!g_file_make_directory_with_parents (directory, cancellable, &local_error) &&
      !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  self->directory_ready = TRUE;
  return TRUE;
}

/* Runs in a thread, while the main thread waits for it: the folder, the
 * .part opened and locked, and what it holds. */
static gboolean
take_part (Download      *self,
           GCancellable  *cancellable,
           GError       **error)
{
  if (!make_directory (self, cancellable, error))
    return FALSE;

  while (self->reopens <= MAX_PART_REOPENS)
    {
      LockResult lock;

      if (self->fd < 0 && (self->fd = open_part (self->part_path, error)) < 0)
        return FALSE;

      lock = lock_part (self, error);
      if (lock == LOCK_FAILED)
        return FALSE;
      self->part_state = lock == LOCK_BUSY ? PART_BUSY : PART_LOCKED;
      if (lock == LOCK_BUSY)
        return TRUE;
      self->locked = TRUE;

      if (fd_is_at_path (self->fd, self->part_path))
        {
          self->validator = read_validator (self->meta_path, self->fd);
          return TRUE;
        }

      /* The saver we waited for is done with this file: it renamed it (and
       * the video is ours too) or discarded it (and we start afresh). */
      self->final_path = find_finished_copy (self);
      if (self->final_path != NULL)
        {
          self->part_state = PART_REUSED;
          return TRUE;
        }
      close (self->fd);
      self->fd = -1;
      self->locked = FALSE;
      self->reopens++;
    }

  g_propagate_error (error, file_error (self->part_path, EBUSY));
  return FALSE;
}

void
_sd_download_take_part_thread (GTask        *task,
                               gpointer      source_object,
                               gpointer      task_data,
                               GCancellable *cancellable)
{
  GError *error = NULL;

  if (take_part (task_data, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/* Failing */

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
    g_debug ("Closing %s failed: %s", self->part_path, error->message);
  self->fd = -1;

  if (self->error != NULL)
    g_task_return_error (task, g_steal_pointer (&self->error));
  else
    g_task_return_pointer (task, g_steal_pointer (&self->final_path), g_free);
}

/* An empty .part (an error page, a refusal) is not left behind; one with
 * bytes is, for a later resume. Only while the lock is ours: a saver that
 * gives up waiting must not remove the .part another one is filling. */
void
_sd_download_discard_empty_part (Download *self)
{
  struct stat st;

  if (!self->locked || self->fd < 0 || fstat (self->fd, &st) != 0 || st.st_size > 0 ||
      !fd_is_at_path (self->fd, self->part_path))
    return;
  g_unlink (self->part_path);
  _sd_download_forget_validator (self);
}

/* Every end comes here: the .part is closed, which releases the lock, before
 * the task returns @error, or final_path when @error is %NULL. */
static void
finish (GTask  *task,
        GError *error)
{
  Download *self = g_task_get_task_data (task);

  g_clear_object (&self->body);
  g_clear_error (&self->error);
  self->error = error;
  if (error != NULL)
    _sd_download_discard_empty_part (self);

  if (self->output == NULL || g_output_stream_is_closed (self->output))
    {
      if (self->output == NULL && self->fd >= 0)
        close (self->fd);
      self->fd = -1;
      if (self->error != NULL)
        g_task_return_error (task, g_steal_pointer (&self->error));
      else
        g_task_return_pointer (task, g_steal_pointer (&self->final_path), g_free);
      g_object_unref (task);
      return;
    }
  g_output_stream_close_async (self->output, G_PRIORITY_DEFAULT, NULL,
                               on_output_closed_then_return_cb, task);
}

static void
fail (GTask  *task,
      GError *error)
{
  finish (task, error);
}

static void
fail_with_file_error (GTask  *task,
                      GError *error)
{
  Download *self = g_task_get_task_data (task);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      error->domain == SD_DOWNLOAD_ERROR)
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

/* Waiting: for a retry, or for another saver's lock */

static GSource *
wait_source_new (GTask       *task,
                 guint        delay_ms,
                 GSourceFunc  callback,
                 const char  *name)
{
  GCancellable *cancellable = g_task_get_cancellable (task);
  GSource *source = g_timeout_source_new (delay_ms);

  g_source_set_static_name (source, name);
  g_source_set_callback (source, callback, task, NULL);
  if (cancellable != NULL)
    {
      /* Wakes the wait early when the download is cancelled. */
      g_autoptr(GSource) cancelled = g_cancellable_source_new (cancellable);

      g_source_set_dummy_callback (cancelled);
      g_source_add_child_source (source, cancelled);
    }
  g_source_attach (source, g_task_get_context (task));
  return source;
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
  guint delay_ms = self->first_delay_ms << MIN (self->retries - 1, 16u);

  g_source_unref (wait_source_new (task, delay_ms, on_retry_due_cb, "[sd-download] retry"));
}

static gboolean
on_lock_poll_due_cb (gpointer user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (g_cancellable_set_error_if_cancelled (g_task_get_cancellable (task), &error))
    fail (task, error);
  else
    prepare_part (task);
  return G_SOURCE_REMOVE;
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

/* Moving the finished file into place, the lock still held */

void
_sd_download_move_into_place_thread (GTask        *task,
                                     gpointer      source_object,
                                     gpointer      task_data,
                                     GCancellable *cancellable)
{
  Download *self = task_data;
  GError *error = NULL;
  char *path;

  if (!fd_is_at_path (self->fd, self->part_path))
    {
      g_task_return_error (task, g_error_new (SD_DOWNLOAD_ERROR, SD_DOWNLOAD_ERROR_FILE,
                                              /* Translators: %s is a file path */
                                              _("“%s” was moved or replaced while the video "
                                                "was saved into it. Download it again."),
                                              self->part_path));
      return;
    }

  path = move_into_place (self->part_path, self->directory, self->basename, &error);
  if (path == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  _sd_download_forget_validator (self);
  g_task_return_pointer (task, path, g_free);
}

static void
on_renamed_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  Download *self = g_task_get_task_data (task);
  GError *error = NULL;

  self->final_path = g_task_propagate_pointer (G_TASK (result), &error);
  finish (task, error);
}

/* The whole file counts, not the bytes this writer wrote. A .part of the
 * wrong size is emptied: it cannot be trusted for a resume either. */
gboolean
_sd_download_check_whole_file (Download  *self,
                               GError   **error)
{
  g_autofree char *on_disk = NULL;
  g_autofree char *expected = NULL;
  struct stat st;

  if (fstat (self->fd, &st) != 0)
    {
      g_propagate_error (error, file_error (self->part_path, errno));
      return FALSE;
    }
  if ((guint64) st.st_size == self->total)
    return TRUE;

  g_debug ("%s: the .part holds %" G_GUINT64_FORMAT " bytes, the video %" G_GUINT64_FORMAT
           "; not renaming it", self->basename, (guint64) st.st_size, self->total);
  on_disk = g_strdup_printf ("%" G_GUINT64_FORMAT, (guint64) st.st_size);
  expected = g_strdup_printf ("%" G_GUINT64_FORMAT, self->total);
  g_set_error (error, SD_DOWNLOAD_ERROR, SD_DOWNLOAD_ERROR_INCOMPLETE,
               /* Translators: both %s are sizes in bytes */
               _("The saved file holds %s bytes but the video has %s. Nothing was "
                 "kept under the video’s name; download it again."),
               on_disk, expected);
  _sd_download_empty_part (self, NULL);
  return FALSE;
}

static void
on_body_ended (GTask *task)
{
  Download *self = g_task_get_task_data (task);
  g_autoptr(GTask) move = NULL;
  GError *error = NULL;

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
  if (!_sd_download_check_whole_file (self, &error))
    {
      fail (task, error);
      return;
    }
  report_progress (self, TRUE);

  /* Not cancellable: the file is complete, only its name is left to set. */
  move = g_task_new (NULL, NULL, on_renamed_cb, task);
  g_task_set_source_tag (move, _sd_download_move_into_place_thread);
  g_task_set_task_data (move, self, NULL);
  g_task_run_in_thread (move, _sd_download_move_into_place_thread);
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

/* A 206 continues the .part only if it starts exactly where the .part ends
 * and, when it names its version, is the version the .part holds. */
static gboolean
take_partial_response (Download *self)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (self->message);
  const char *etag = soup_message_headers_get_one (headers, "ETag");
  goffset start = 0, end = 0, total = 0;

  if (!soup_message_headers_get_content_range (headers, &start, &end, &total))
    {
      g_debug ("%s: a 206 without a usable Content-Range", self->basename);
      return FALSE;
    }
  if ((guint64) start != self->received || (total >= 0 && end >= total))
    {
      g_debug ("%s: asked for byte %" G_GUINT64_FORMAT ", the 206 starts at %" G_GOFFSET_FORMAT,
               self->basename, self->received, start);
      return FALSE;
    }
  if (etag != NULL && self->validator != NULL && self->validator[0] == '"' &&
      strcmp (etag, self->validator) != 0)
    {
      g_debug ("%s: the 206 is of another version of the file (ETag changed)", self->basename);
      return FALSE;
    }

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

/* The server would not continue the .part: empty it and ask for the whole
 * file, without Range from now on. */
static void
restart_without_range (GTask *task)
{
  Download *self = g_task_get_task_data (task);
  GError *error = NULL;

  g_debug ("%s: the server did not continue at byte %" G_GUINT64_FORMAT
           "; starting over", self->basename, self->received);
  g_clear_object (&self->body);
  g_clear_object (&self->message);
  self->use_range = FALSE;
  /* A server that answers every request with a stray range never ends. */
  if (self->restarts++ >= self->max_retries)
    {
      fail (task, g_error_new_literal (SD_DOWNLOAD_ERROR, SD_DOWNLOAD_ERROR_INCOMPLETE,
                                       _("The video server keeps sending parts of the "
                                         "video that do not fit together. Download it "
                                         "again later.")));
      return;
    }
  if (!_sd_download_empty_part (self, &error))
    {
      fail (task, error);
      return;
    }
  _sd_download_forget_validator (self);
  attempt (task);
}

/* A 200: the whole file, from byte zero, whatever the .part held. */
static void
take_whole_file (GTask *task)
{
  Download *self = g_task_get_task_data (task);
  GError *error = NULL;

  take_full_response (self);
  if (self->received > 0)
    g_debug ("%s: the server sent the whole file instead of continuing at byte %"
             G_GUINT64_FORMAT " (changed, or If-Range not honoured); starting over",
             self->basename, self->received);
  if (!_sd_download_empty_part (self, &error))
    {
      fail (task, error);
      return;
    }
  _sd_download_remember_validator (self);
  pump (task);
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
    {
      g_debug ("%s: continuing at byte %" G_GUINT64_FORMAT, self->basename, self->received);
      if (self->received == 0)
        _sd_download_remember_validator (self);
      pump (task);
    }
  else if (status == SOUP_STATUS_PARTIAL_CONTENT ||
           (status == SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE && self->received > 0))
    restart_without_range (task);
  else if (status == SOUP_STATUS_OK)
    take_whole_file (task);
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
  SoupMessageHeaders *headers = soup_message_get_request_headers (message);

  /* The bytes on disk must be the bytes of the video: no content decoding,
   * so Content-Length and Range count the same bytes we write. */
  soup_message_disable_feature (message, SOUP_TYPE_CONTENT_DECODER);
  soup_message_disable_feature (message, SOUP_TYPE_AUTH_MANAGER);
  g_signal_connect (message, "starting", G_CALLBACK (on_message_starting_cb), NULL);

  if (self->received > 0)
    {
      /* If-Range: the rest of the file if it is still the one the .part
       * holds, else the whole new file (200). */
      soup_message_headers_set_range (headers, self->received, -1);
      soup_message_headers_replace (headers, "If-Range", self->validator);
      g_debug ("%s: asking for bytes %" G_GUINT64_FORMAT "- with If-Range",
               self->basename, self->received);
    }
  else
    g_debug ("%s: asking for the whole file", self->basename);
  return message;
}

static void
attempt (GTask *task)
{
  Download *self = g_task_get_task_data (task);
  GError *error = NULL;

  if (self->received > 0 && (!self->use_range || self->validator == NULL))
    {
      g_debug ("%s: %" G_GUINT64_FORMAT " bytes on disk but %s; starting over",
               self->basename, self->received,
               self->use_range ? "nothing proves which file they are from"
                               : "the server does not continue files");
      if (!_sd_download_empty_part (self, &error))
        {
          fail (task, error);
          return;
        }
    }

  g_clear_object (&self->message);
  self->message = new_request (self);
  soup_session_send_async (self->session, self->message, G_PRIORITY_DEFAULT,
                           g_task_get_cancellable (task), on_response_cb, task);
}

static void
on_part_taken_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  Download *self = g_task_get_task_data (task);
  GError *error = NULL;
  struct stat st;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      fail_with_file_error (task, error);
      return;
    }

  switch (self->part_state)
    {
    case PART_BUSY:
      if (!self->waiting_logged)
        g_debug ("%s: another download is saving this video; waiting for its lock",
                 self->basename);
      self->waiting_logged = TRUE;
      g_source_unref (wait_source_new (task, LOCK_POLL_MS, on_lock_poll_due_cb,
                                       "[sd-download] lock wait"));
      return;

    case PART_REUSED:
      g_debug ("%s: the download we waited for saved it as %s; using that file",
               self->basename, self->final_path);
      finish (task, NULL);
      return;

    case PART_LOCKED:
    default:
      break;
    }

  self->received = fstat (self->fd, &st) == 0 ? (guint64) st.st_size : 0;
  if (self->received > 0)
    g_debug ("%s: %" G_GUINT64_FORMAT " bytes from an earlier download (%s)", self->basename,
             self->received, self->validator != NULL ? "validator kept" : "no validator");
  self->output = g_unix_output_stream_new (self->fd, TRUE);
  attempt (task);
}

static void
prepare_part (GTask *task)
{
  g_autoptr(GTask) take = NULL;

  take = g_task_new (NULL, g_task_get_cancellable (task), on_part_taken_cb, task);
  g_task_set_source_tag (take, _sd_download_take_part_thread);
  g_task_set_task_data (take, g_task_get_task_data (task), NULL);
  g_task_run_in_thread (take, _sd_download_take_part_thread);
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

static Download *
download_new (SoupSession *session,
              GUri        *uri,
              const char  *directory,
              const char  *basename,
              const char  *owner)
{
  Download *self = g_new0 (Download, 1);
  g_autofree char *part_name = sd_download_make_part_name (basename, owner);

  self->session = g_object_ref (session);
  self->uri = g_uri_ref (uri);
  self->directory = g_strdup (directory);
  self->basename = g_strdup (basename);
  self->part_path = g_build_filename (directory, part_name, NULL);
  self->meta_path = g_strconcat (self->part_path, META_SUFFIX, NULL);
  self->fd = -1;
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
 * @owner: what the video belongs to, e.g. the API base and the task id:
 *   only a download with the same @owner continues its .part
 * @progress: (nullable) (scope notified): called with the bytes received and
 *   the total (0 when unknown), at most about ten times a second and once at
 *   the end with the total
 * @progress_data: data for @progress
 * @progress_destroy: (nullable): frees @progress_data when the download ends
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the file is saved or the download failed
 * @user_data: data for @callback
 *
 * Streams @url into "@directory/@basename.<hash of @owner>.part", a bounded
 * buffer at a time. The .part is opened without following symlinks (a link,
 * special file or hard-linked file in its place is removed, never written
 * through) and locked exclusively: a second download of the same @owner into
 * the same folder, in this process or another, waits for the first, and
 * completes with the first one's file when that one finished it.
 *
 * A dropped transfer is tried again a few times, waiting longer each time.
 * It continues where the .part ends only with proof that the bytes come from
 * the same file: a Range request with If-Range carrying the ETag or
 * Last-Modified of the first answer (kept in "<part>.meta"), answered by a 206
 * whose Content-Range starts at that byte. Without a validator, or when the
 * server answers 200, it starts over from zero. The size of the whole .part
 * is checked against Content-Length (or the Content-Range total) and only a
 * complete file is renamed to @basename, or "name (2).ext" and so on: an
 * existing file (or link) is never replaced.
 *
 * Any URL other than http(s) fails with %SD_DOWNLOAD_ERROR_UNSAFE_URL before
 * anything is opened; plain http is allowed because nothing secret is sent.
 * A 200 or 206 answer carrying a web page (text/html: a captive portal, an
 * error page) is not the video: it fails with %SD_DOWNLOAD_ERROR_HTTP and
 * nothing is left on disk.
 *
 * Redirects are followed, to any host. 502, 503 and 504 answers count as
 * dropped transfers; other error statuses fail at once with
 * %SD_DOWNLOAD_ERROR_HTTP (404 and 410 saying the link expired). A network
 * failure that retrying cannot fix (TLS, unknown host), or retries used up,
 * is %SD_DOWNLOAD_ERROR_INCOMPLETE.
 *
 * A failed or cancelled download leaves a .part with bytes, and a later call
 * with the same @directory, @basename and @owner resumes from it when the
 * server proves it is the same file.
 */
void
sd_download_file_async (SoupSession            *session,
                        const char             *url,
                        const char             *directory,
                        const char             *basename,
                        const char             *owner,
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
  g_return_if_fail (owner != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, sd_download_file_async);

  uri = parse_download_uri (url, &error);
  if (uri == NULL || !_sd_download_check_basename (basename, &error))
    {
      if (progress_destroy != NULL)
        progress_destroy (progress_data);
      g_task_return_error (task, error);
      return;
    }

  self = download_new (session, uri, directory, basename, owner);
  self->progress = progress;
  self->progress_data = progress_data;
  self->progress_destroy = progress_destroy;
  g_task_set_task_data (task, self, (GDestroyNotify) download_free);

  prepare_part (g_steal_pointer (&task));
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

/* sd-download-file.c: the .part and its .meta on disk
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

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "sd-download.h"
#include "sd-download-private.h"

#define MAX_NAME_CANDIDATES   9999
#define META_MAGIC            "seedance-part-validator 1"
#define VALIDATOR_MAX_BYTES   256
#define MAX_PART_REOPENS      8

/* Moving the finished file into place */

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
        {
          g_debug ("Saved as %s%s", path, n > 1 ? " (the name was taken)" : "");
          return g_steal_pointer (&path);
        }

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

/* The .part on disk */

GError *
_sd_download_write_error_new (const char *path,
                              const char *reason)
{
  return g_error_new (SD_DOWNLOAD_ERROR, SD_DOWNLOAD_ERROR_FILE,
                      /* Translators: the first %s is a file or folder path, the second a
                       * system error */
                      _("The video could not be written to “%s”: %s. Check that the "
                        "download folder is writable and the disk is not full."),
                      path, reason);
}

static GError *
file_error (const char *path,
            int         errsv)
{
  return _sd_download_write_error_new (path, g_strerror (errsv));
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

      /* A saver that waits its turn holds the .part open all the same:
       * if the one before it finishes, this inode under the video's name
       * says the video is ours too. */
      if (!self->my_turn)
        {
          self->part_state = PART_BUSY;
          return TRUE;
        }

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
      g_debug ("%s: the saver we waited for removed its .part; opening a new one",
               self->basename);
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

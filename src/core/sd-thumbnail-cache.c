/* sd-thumbnail-cache.c: poster frames in the freedesktop thumbnail cache
 *
 * The Thumbnail Managing Standard: a thumbnail of a file is
 * $XDG_CACHE_HOME/thumbnails/<size>/<MD5 of the file's URI>.png, a PNG
 * whose text chunks Thumb::URI and Thumb::MTime name the file and its
 * modification time; it is valid while both match. Files (and any other
 * thumbnailer) reads and writes the same files, so a video saved by the app
 * gets the same picture everywhere, made once.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-thumbnail-cache"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "sd-frames.h"
#include "sd-thumbnail-cache.h"

#define FAILED_FOLDER "seedance-studio-" PACKAGE_VERSION

typedef struct {
  char   *uri;
  gint64  mtime;
  guint64 size;
} Source;

static void
source_clear (Source *source)
{
  g_clear_pointer (&source->uri, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Source, source_clear)

/**
 * sd_thumbnail_size_get_pixels:
 *
 * Returns: the longest side of a thumbnail of @size
 */
int
sd_thumbnail_size_get_pixels (SdThumbnailSize size)
{
  return size == SD_THUMBNAIL_SIZE_LARGE ? 256 : 128;
}

static const char *
get_size_folder (SdThumbnailSize size)
{
  return size == SD_THUMBNAIL_SIZE_LARGE ? "large" : "normal";
}

static char *
get_basename (GFile *file)
{
  g_autofree char *uri = g_file_get_uri (file);
  g_autofree char *md5 = g_compute_checksum_for_string (G_CHECKSUM_MD5, uri, -1);

  return g_strconcat (md5, ".png", NULL);
}

/**
 * sd_thumbnail_cache_get_path:
 *
 * Returns: (transfer full): where the thumbnail of @file at @size is, or
 *   would be, in the user's thumbnail cache
 */
char *
sd_thumbnail_cache_get_path (GFile           *file,
                             SdThumbnailSize  size)
{
  g_autofree char *basename = NULL;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  basename = get_basename (file);
  return g_build_filename (g_get_user_cache_dir (), "thumbnails", get_size_folder (size),
                           basename, NULL);
}

/**
 * sd_thumbnail_cache_get_failed_path:
 *
 * Returns: (transfer full): where this program marks that it could not
 *   make a thumbnail of @file (thumbnails/fail/seedance-studio-VERSION/)
 */
char *
sd_thumbnail_cache_get_failed_path (GFile *file)
{
  g_autofree char *basename = NULL;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  basename = get_basename (file);
  return g_build_filename (g_get_user_cache_dir (), "thumbnails", "fail", FAILED_FOLDER,
                           basename, NULL);
}

static gboolean
source_init (Source        *source,
             GFile         *file,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autoptr(GFileInfo) info =
    g_file_query_info (file, G_FILE_ATTRIBUTE_TIME_MODIFIED "," G_FILE_ATTRIBUTE_STANDARD_SIZE,
                       G_FILE_QUERY_INFO_NONE, cancellable, error);

  if (info == NULL)
    return FALSE;
  source->uri = g_file_get_uri (file);
  source->mtime = (gint64) g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED);
  source->size = (guint64) g_file_info_get_size (info);
  return TRUE;
}

/* Valid: a PNG whose Thumb::URI is the file's URI and whose Thumb::MTime is
 * its modification time, as the standard says; whoever made it. */
static gboolean
thumbnail_is_valid (const char   *path,
                    const Source *source)
{
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GError) error = NULL;
  const char *uri, *mtime;
  gint64 value;

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return FALSE;
  pixbuf = gdk_pixbuf_new_from_file (path, &error);
  if (pixbuf == NULL)
    {
      g_debug ("Thumbnail %s is not readable: %s", path, error->message);
      return FALSE;
    }

  uri = gdk_pixbuf_get_option (pixbuf, "tEXt::Thumb::URI");
  mtime = gdk_pixbuf_get_option (pixbuf, "tEXt::Thumb::MTime");
  if (g_strcmp0 (uri, source->uri) != 0 || mtime == NULL ||
      !g_ascii_string_to_signed (mtime, 10, 0, G_MAXINT64, &value, NULL) || value != source->mtime)
    {
      g_debug ("Thumbnail %s is stale or for another file", path);
      return FALSE;
    }
  return TRUE;
}

/**
 * sd_thumbnail_cache_lookup:
 * @file: a local file
 * @size: the thumbnail size
 * @cancellable: (nullable): a #GCancellable
 *
 * Looks for a valid thumbnail of @file (made by us or by another program:
 * its URI and modification time match). Blocks on the disk: call it from a
 * worker thread.
 *
 * Returns: (transfer full) (nullable): the thumbnail's path, or %NULL when
 *   there is none, or it is stale
 */
char *
sd_thumbnail_cache_lookup (GFile           *file,
                           SdThumbnailSize  size,
                           GCancellable    *cancellable)
{
  g_auto(Source) source = { 0 };
  g_autofree char *path = NULL;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  if (!source_init (&source, file, cancellable, NULL))
    return NULL;
  path = sd_thumbnail_cache_get_path (file, size);
  return thumbnail_is_valid (path, &source) ? g_steal_pointer (&path) : NULL;
}

static gboolean
write_all (int           fd,
           const gchar  *data,
           gsize         length)
{
  while (length > 0)
    {
      gssize written = write (fd, data, length);

      if (written < 0 && errno == EINTR)
        continue;
      if (written <= 0)
        return FALSE;
      data += written;
      length -= written;
    }
  return TRUE;
}

/* Written beside its final name with mode 0600 and renamed, so a reader
 * (Files, or another instance) never sees half a PNG. */
static gboolean
save_png (GdkPixbuf     *pixbuf,
          const Source  *source,
          const char    *path,
          GError       **error)
{
  g_autofree char *folder = g_path_get_dirname (path);
  g_autofree char *temp_path = g_strconcat (path, ".XXXXXX", NULL);
  g_autofree char *mtime = g_strdup_printf ("%" G_GINT64_FORMAT, source->mtime);
  g_autofree char *file_size = g_strdup_printf ("%" G_GUINT64_FORMAT, source->size);
  g_autofree gchar *png = NULL;
  char *keys[] = { "tEXt::Thumb::URI", "tEXt::Thumb::MTime", "tEXt::Thumb::Size",
                   "tEXt::Software", NULL };
  char *values[] = { source->uri, mtime, file_size, (char *) "Seedance Studio", NULL };
  gsize length = 0;
  int saved_errno;
  int fd;

  if (!gdk_pixbuf_save_to_bufferv (pixbuf, &png, &length, "png", keys, values, error))
    return FALSE;
  if (g_mkdir_with_parents (folder, 0700) != 0 ||
      (fd = g_mkstemp_full (temp_path, O_RDWR | O_CLOEXEC, 0600)) < 0)
    goto failed;
  if (!write_all (fd, png, length))
    {
      saved_errno = errno;
      close (fd);
      g_unlink (temp_path);
      errno = saved_errno;
      goto failed;
    }
  if (close (fd) != 0 || g_rename (temp_path, path) != 0)
    {
      saved_errno = errno;
      g_unlink (temp_path);
      errno = saved_errno;
      goto failed;
    }
  g_debug ("Saved thumbnail %s for %s", path, source->uri);
  return TRUE;

failed:
  saved_errno = errno;
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
               _("The thumbnail could not be saved in “%s”: %s"), folder, g_strerror (saved_errno));
  return FALSE;
}

/* What the standard asks of a program that could not make a thumbnail: an
 * empty PNG with the same chunks in its own fail/ folder, so it does not try
 * again until the file changes. */
static void
mark_failed (GFile        *file,
             const Source *source)
{
  g_autoptr(GdkPixbuf) empty = gdk_pixbuf_new (GDK_COLORSPACE_RGB, TRUE, 8, 1, 1);
  g_autofree char *path = sd_thumbnail_cache_get_failed_path (file);
  g_autoptr(GError) error = NULL;

  gdk_pixbuf_fill (empty, 0);
  if (!save_png (empty, source, path, &error))
    g_debug ("Could not mark the failed thumbnail: %s", error->message);
}

/* Errors that say something about the file, not about this moment. */
static gboolean
error_is_lasting (const GError *error)
{
  return error->domain == SD_FRAME_ERROR && error->code != SD_FRAME_ERROR_TIMEOUT;
}

static GdkPixbuf *
make_thumbnail (GFile            *file,
                SdThumbnailSize   size,
                const Source     *source,
                GCancellable     *cancellable,
                GError          **error)
{
  int pixels = sd_thumbnail_size_get_pixels (size);
  g_autofree char *failed_path = sd_thumbnail_cache_get_failed_path (file);
  g_autofree char *name = g_file_get_parse_name (file);
  GError *local_error = NULL;
  GdkPixbuf *pixbuf;

  if (thumbnail_is_valid (failed_path, source))
    {
      g_set_error (error, SD_FRAME_ERROR, SD_FRAME_ERROR_DECODE,
                   _("No picture could be made of “%s” before; it is not tried again until the file changes."),
                   name);
      return NULL;
    }

  pixbuf = sd_frame_read (file, SD_FRAME_POSITION_POSTER, 0, pixels, pixels, cancellable, &local_error);
  if (pixbuf == NULL)
    {
      if (error_is_lasting (local_error))
        mark_failed (file, source);
      g_propagate_error (error, local_error);
    }
  return pixbuf;
}

/**
 * sd_thumbnail_cache_ensure:
 * @file: a local video file
 * @size: the thumbnail size
 * @cancellable: (nullable): a #GCancellable
 * @error: where an error goes
 *
 * Finds a valid thumbnail of @file or makes one of its poster frame (with
 * sd_frame_read()) and saves it where the standard says. A stale one (the
 * file changed) is made again. A file that cannot be read is marked as
 * failed, and not read again until it changes. Blocks: call it from a
 * worker thread, or use sd_thumbnail_cache_ensure_async().
 *
 * Returns: (transfer full): the thumbnail's path, or %NULL with @error set
 */
char *
sd_thumbnail_cache_ensure (GFile            *file,
                           SdThumbnailSize   size,
                           GCancellable     *cancellable,
                           GError          **error)
{
  g_auto(Source) source = { 0 };
  g_autofree char *path = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!source_init (&source, file, cancellable, error))
    return NULL;
  path = sd_thumbnail_cache_get_path (file, size);
  if (thumbnail_is_valid (path, &source))
    {
      g_debug ("Using the thumbnail %s of %s", path, source.uri);
      return g_steal_pointer (&path);
    }

  pixbuf = make_thumbnail (file, size, &source, cancellable, error);
  if (pixbuf == NULL || !save_png (pixbuf, &source, path, error))
    return NULL;
  return g_steal_pointer (&path);
}

typedef struct {
  GFile           *file;
  SdThumbnailSize  size;
} EnsureData;

static void
ensure_data_free (EnsureData *data)
{
  g_object_unref (data->file);
  g_free (data);
}

static void
ensure_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  EnsureData *data = task_data;
  GError *error = NULL;
  char *path = sd_thumbnail_cache_ensure (data->file, data->size, cancellable, &error);

  if (path != NULL)
    g_task_return_pointer (task, path, g_free);
  else
    g_task_return_error (task, error);
}

/**
 * sd_thumbnail_cache_ensure_async:
 *
 * Runs sd_thumbnail_cache_ensure() in a worker thread.
 */
void
sd_thumbnail_cache_ensure_async (GFile               *file,
                                 SdThumbnailSize      size,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  EnsureData *data;

  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, sd_thumbnail_cache_ensure_async);
  data = g_new0 (EnsureData, 1);
  data->file = g_object_ref (file);
  data->size = size;
  g_task_set_task_data (task, data, (GDestroyNotify) ensure_data_free);
  g_task_run_in_thread (task, ensure_thread);
}

/**
 * sd_thumbnail_cache_ensure_finish:
 *
 * Returns: (transfer full): the thumbnail's path, or %NULL with @error set
 */
char *
sd_thumbnail_cache_ensure_finish (GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sd_thumbnail_cache_ensure_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* sd-download.h: saving a finished video to disk
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

#define SD_DOWNLOAD_ERROR (sd_download_error_quark ())

typedef enum {
  SD_DOWNLOAD_ERROR_UNSAFE_URL, /* not http(s): never opened */
  SD_DOWNLOAD_ERROR_HTTP,       /* the server answered an error status */
  SD_DOWNLOAD_ERROR_INCOMPLETE, /* the transfer kept dropping; retries used up */
  SD_DOWNLOAD_ERROR_FILE,       /* the folder or the file could not be written */
} SdDownloadError;

GQuark sd_download_error_quark (void);

/* Called on the main context as bytes arrive; @total is 0 when unknown. */
typedef void (*SdDownloadProgressFunc) (guint64  received,
                                        guint64  total,
                                        gpointer user_data);

/* Where finished videos go unless the user chose another folder: the XDG
 * Videos folder + "/Seedance" (~/Videos/Seedance when none is set). */
char     *sd_download_get_default_directory (void);

/* A file name made from the prompt's first words and the task id, with
 * anything unsafe removed (no '/', no "..", no control characters, no leading
 * dot, bounded length), ending in @extension (e.g. ".mp4"). An id that had
 * to be cleaned or cut is followed by a hash of the whole id, so two tasks
 * never share a name. */
char     *sd_download_make_basename (const char *prompt,
                                     const char *task_id,
                                     const char *extension);

/* Streams @url into @directory (created if missing) as a .part that belongs
 * to @owner (the API base and task id) alone, opened without following links
 * and locked so that one writer at a time saves it; resumes after a dropped
 * connection only with Range + If-Range (from zero otherwise), a few times
 * with backoff; checks the whole file's length against Content-Length, then
 * renames it to a name that does not overwrite an existing file
 * ("name (2).mp4"). No Authorization header is ever sent. Completes with the
 * path of the saved file. */
void      sd_download_file_async    (SoupSession            *session,
                                     const char             *url,
                                     const char             *directory,
                                     const char             *basename,
                                     const char             *owner,
                                     SdDownloadProgressFunc  progress,
                                     gpointer                progress_data,
                                     GDestroyNotify          progress_destroy,
                                     GCancellable           *cancellable,
                                     GAsyncReadyCallback     callback,
                                     gpointer                user_data);
char     *sd_download_file_finish   (GAsyncResult  *result,
                                     GError       **error);

G_END_DECLS

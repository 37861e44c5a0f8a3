/* sd-download-private.h: what the files of the download code share
 *
 * sd-download.c drives a download (requests, answers, retries, waits),
 * sd-download-file.c owns the .part and its .meta on disk (opened without
 * following links, locked, resumed, renamed into place) and
 * sd-download-name.c makes safe file names. They share the state of one
 * download and the calls below.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "sd-download.h"

G_BEGIN_DECLS

typedef enum {
  PART_LOCKED,  /* the .part is ours to resume or start */
  PART_BUSY,    /* another download holds it */
  PART_REUSED,  /* another download finished it: final_path is the video */
} PartState;

typedef struct
{
  SoupSession            *session;
  GUri                   *uri;
  char                   *directory;
  char                   *basename;
  char                   *part_path;
  char                   *meta_path;
  SdDownloadProgressFunc  progress;
  gpointer                progress_data;
  GDestroyNotify          progress_destroy;

  SoupMessage            *message;
  GInputStream           *body;
  int                     fd;         /* the .part, -1 once closed */
  GOutputStream          *output;     /* writes to (and closes) @fd */
  guint8                 *buffer;
  char                   *validator;  /* If-Range value for the bytes on disk */
  char                   *final_path;
  PartState               part_state;
  gboolean                locked;     /* @fd holds the exclusive lock */
  gboolean                my_turn;    /* first of this process's savers of the .part */
  gboolean                directory_ready;
  gboolean                waiting_logged;
  guint                   reopens;

  guint64                 received;   /* bytes in the .part file */
  guint64                 total;      /* announced size; 0 when unknown */
  gint64                  last_progress_time;
  guint                   retries;
  guint                   restarts;   /* answers that could not continue the .part */
  guint                   max_retries;
  guint                   first_delay_ms;
  gboolean                use_range;  /* cleared once the server ignored one */
  GError                 *error;      /* held while the .part is closed */
} Download;

/* sd-download-name.c */
gboolean _sd_download_check_basename         (const char    *basename,
                                              GError       **error);

/* sd-download-file.c */
GError  *_sd_download_write_error_new        (const char    *path,
                                              const char    *reason);
void     _sd_download_take_part_thread       (GTask         *task,
                                              gpointer       source_object,
                                              gpointer       task_data,
                                              GCancellable  *cancellable);
void     _sd_download_move_into_place_thread (GTask         *task,
                                              gpointer       source_object,
                                              gpointer       task_data,
                                              GCancellable  *cancellable);
void     _sd_download_forget_validator       (Download      *self);
void     _sd_download_remember_validator     (Download      *self);
gboolean _sd_download_empty_part             (Download      *self,
                                              GError       **error);
gboolean _sd_download_check_whole_file       (Download      *self,
                                              GError       **error);
void     _sd_download_discard_empty_part     (Download      *self);

G_END_DECLS

/* sd-batch-upload.c: a batch's local files become links before it is sent
 *
 * The lines go one after another through the uploader's own resolve
 * (sd_uploader_resolve_request_async()), so a batch uploads as Generate
 * does: the same checks, the same cache, the same messages. A file named
 * on many lines is uploaded for the first and taken from the cache after.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-batch"

#include "config.h"

#include <glib/gi18n.h>

#include "sd-batch-upload.h"

/* Adds each local file @request names to @paths (a set). */
static void
add_local_files (SdRequest  *request,
                 GHashTable *paths)
{
  const char *first[] = { sd_request_get_first_image (request), NULL };
  const char *last[] = { sd_request_get_last_image (request), NULL };
  const char * const *lists[] = {
    sd_request_get_images (request), first, last,
    sd_request_get_reference_videos (request),
    sd_request_get_reference_audios (request),
  };

  for (gsize l = 0; l < G_N_ELEMENTS (lists); l++)
    for (gsize i = 0; lists[l] != NULL && lists[l][i] != NULL; i++)
      {
        g_autoptr(GFile) file = NULL;

        if (!sd_batch_is_local_path (lists[l][i]))
          continue;
        file = sd_upload_local_file_for_reference (lists[l][i]);
        if (file != NULL && g_file_peek_path (file) != NULL)
          g_hash_table_add (paths, g_strdup (g_file_peek_path (file)));
      }
}

static gboolean
line_needs_upload (SdBatchLine *line)
{
  return line->request != NULL && line->problems->len == 0 &&
         sd_batch_request_has_local_files (line->request);
}

static GHashTable *
local_files (SdBatch *batch)
{
  GHashTable *paths = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < sd_batch_get_n_lines (batch); i++)
    {
      SdBatchLine *line = sd_batch_get_line (batch, i);

      if (line_needs_upload (line))
        add_local_files (line->request, paths);
    }
  return paths;
}

/**
 * sd_batch_count_local_files:
 * @batch: a batch
 *
 * Returns: how many distinct local files its valid lines name
 */
guint
sd_batch_count_local_files (SdBatch *batch)
{
  g_autoptr(GHashTable) paths = NULL;

  g_return_val_if_fail (SD_IS_BATCH (batch), 0);

  paths = local_files (batch);
  return g_hash_table_size (paths);
}

typedef struct
{
  SdUploader            *uploader;
  GHashTable            *paths;      /* every local file of the batch */
  GHashTable            *done;       /* the paths that have their link */
  GPtrArray             *started;    /* SdUpload of the current line */
  SdBatchUploadProgress  progress;
  gpointer               progress_data;
  gulong                 started_id;
  guint                  index;      /* the line being uploaded */
  guint                  n_failed;
} Upload;

static void
upload_free (Upload *upload)
{
  for (guint i = 0; upload->started != NULL && i < upload->started->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (upload->started, i), upload);
  g_clear_signal_handler (&upload->started_id, upload->uploader);
  g_clear_object (&upload->uploader);
  g_clear_pointer (&upload->paths, g_hash_table_unref);
  g_clear_pointer (&upload->done, g_hash_table_unref);
  g_clear_pointer (&upload->started, g_ptr_array_unref);
  g_free (upload);
}

static void
report_progress (Upload *upload)
{
  if (upload->progress != NULL)
    upload->progress (g_hash_table_size (upload->done), g_hash_table_size (upload->paths),
                      upload->progress_data);
}

/* A file of the batch got its link: counted once, whichever line it was. */
static void
mark_done (Upload   *upload,
           SdUpload *file_upload)
{
  const char *path = g_file_peek_path (sd_upload_get_file (file_upload));

  if (sd_upload_get_state (file_upload) != SD_UPLOAD_STATE_DONE || path == NULL ||
      !g_hash_table_contains (upload->paths, path) ||
      g_hash_table_contains (upload->done, path))
    return;
  g_debug ("Batch file %u of %u has its link%s", g_hash_table_size (upload->done) + 1,
           g_hash_table_size (upload->paths), sd_upload_get_cached (file_upload) ? " (cached)" : "");
  g_hash_table_add (upload->done, g_strdup (path));
  report_progress (upload);
}

static void
on_state_cb (SdUpload   *file_upload,
             GParamSpec *pspec,
             Upload     *upload)
{
  mark_done (upload, file_upload);
}

static void
on_upload_started_cb (SdUploader *uploader,
                      SdUpload   *file_upload,
                      Upload     *upload)
{
  g_ptr_array_add (upload->started, g_object_ref (file_upload));
  g_signal_connect (file_upload, "notify::state", G_CALLBACK (on_state_cb), upload);
  mark_done (upload, file_upload);
}

static void
forget_started (Upload *upload)
{
  for (guint i = 0; i < upload->started->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (upload->started, i), upload);
  g_ptr_array_set_size (upload->started, 0);
}

/* The problem a line gets: the file that failed and why, in the upload's
 * own words when one is known (the resolve's error names the field). */
static void
add_failure (Upload       *upload,
             SdBatchLine  *line,
             const GError *error)
{
  g_autofree char *message = NULL;

  for (guint i = 0; i < upload->started->len; i++)
    {
      SdUpload *file_upload = g_ptr_array_index (upload->started, i);
      const GError *file_error = sd_upload_get_error (file_upload);
      const char *path = g_file_peek_path (sd_upload_get_file (file_upload));

      if (sd_upload_get_state (file_upload) != SD_UPLOAD_STATE_FAILED || file_error == NULL ||
          path == NULL || g_error_matches (file_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        continue;
      /* Translators: a local file of a batch line, then why it could not be uploaded */
      message = g_strdup_printf (_("“%s” could not be uploaded: %s"), path, file_error->message);
      break;
    }
  if (message == NULL)
    /* Translators: why a batch line's files could not be uploaded */
    message = g_strdup_printf (_("Its files could not be uploaded: %s"), error->message);
  g_ptr_array_add (line->problems, sd_problem_new ("line", message));
  upload->n_failed++;
}

static gboolean
stops_every_line (const GError *error)
{
  return g_error_matches (error, SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_UNSUPPORTED) ||
         g_error_matches (error, SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_SERVICE);
}

static void upload_next_line (GTask *task);

static void
on_line_resolved_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SdBatch *batch = g_task_get_source_object (task);
  Upload *upload = g_task_get_task_data (task);
  SdBatchLine *line = sd_batch_get_line (batch, upload->index);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) uploads = sd_uploader_resolve_request_finish (SD_UPLOADER (source), result,
                                                                     &error);

  if (uploads != NULL)
    {
      for (guint i = 0; i < uploads->len; i++)
        mark_done (upload, g_ptr_array_index (uploads, i));
      forget_started (upload);
      upload->index++;
      upload_next_line (g_steal_pointer (&task));
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_debug ("Batch uploads cancelled at line %u", line->line);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    return;

  g_debug ("Batch line %u: its files could not be uploaded (%s, %d)", line->line,
           g_quark_to_string (error->domain), error->code);
  add_failure (upload, line, error);
  forget_started (upload);
  if (stops_every_line (error))
    {
      /* the next lines would fail alike: each is told, none is tried */
      for (guint i = upload->index + 1; i < sd_batch_get_n_lines (batch); i++)
        {
          SdBatchLine *next = sd_batch_get_line (batch, i);

          if (line_needs_upload (next))
            add_failure (upload, next, error);
        }
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  upload->index++;
  upload_next_line (g_steal_pointer (&task));
}

static void
upload_next_line (GTask *task)
{
  SdBatch *batch = g_task_get_source_object (task);
  Upload *upload = g_task_get_task_data (task);

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }
  for (; upload->index < sd_batch_get_n_lines (batch); upload->index++)
    {
      SdBatchLine *line = sd_batch_get_line (batch, upload->index);

      if (!line_needs_upload (line))
        continue;
      g_debug ("Batch line %u: uploading its files", line->line);
      sd_uploader_resolve_request_async (upload->uploader, line->request,
                                         g_task_get_cancellable (task),
                                         on_line_resolved_cb, task);
      return;
    }
  g_debug ("Batch uploads done: %u of %u files, %u lines failed",
           g_hash_table_size (upload->done), g_hash_table_size (upload->paths), upload->n_failed);
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

/**
 * sd_batch_upload_async:
 * @batch: a batch
 * @uploader: the uploader (its service and privacy state as the caller set)
 * @cancellable: (nullable): stops the uploads; nothing is marked then
 * @progress: (nullable): told how many files have their link
 * @progress_data: for @progress
 * @callback: run when every line is done
 * @user_data: for @callback
 *
 * Uploads the local files of the batch's valid lines, line by line.
 */
void
sd_batch_upload_async (SdBatch               *batch,
                       SdUploader            *uploader,
                       GCancellable          *cancellable,
                       SdBatchUploadProgress  progress,
                       gpointer               progress_data,
                       GAsyncReadyCallback    callback,
                       gpointer               user_data)
{
  GTask *task;
  Upload *upload;

  g_return_if_fail (SD_IS_BATCH (batch));
  g_return_if_fail (SD_IS_UPLOADER (uploader));

  task = g_task_new (batch, cancellable, callback, user_data);
  g_task_set_source_tag (task, sd_batch_upload_async);
  upload = g_new0 (Upload, 1);
  upload->uploader = g_object_ref (uploader);
  upload->paths = local_files (batch);
  upload->done = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  upload->started = g_ptr_array_new_with_free_func (g_object_unref);
  upload->progress = progress;
  upload->progress_data = progress_data;
  g_task_set_task_data (task, upload, (GDestroyNotify) upload_free);
  upload->started_id = g_signal_connect (uploader, "upload-started",
                                         G_CALLBACK (on_upload_started_cb), upload);
  g_debug ("Batch uploads: %u distinct files", g_hash_table_size (upload->paths));
  report_progress (upload);
  upload_next_line (task);
}

gboolean
sd_batch_upload_finish (SdBatch       *batch,
                        GAsyncResult  *result,
                        guint         *n_failed,
                        GError       **error)
{
  Upload *upload;

  g_return_val_if_fail (g_task_is_valid (result, batch), FALSE);

  upload = g_task_get_task_data (G_TASK (result));
  if (n_failed != NULL)
    *n_failed = upload->n_failed;
  return g_task_propagate_boolean (G_TASK (result), error);
}

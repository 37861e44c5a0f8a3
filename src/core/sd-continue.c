/* sd-continue.c: a new request that starts from a task's last frame
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-continue"

#include "config.h"

#include <glib/gi18n.h>
#include <errno.h>

#include <glib/gstdio.h>

#include "sd-continue.h"
#include "sd-frames.h"
#include "sd-model.h"

G_DEFINE_QUARK (sd-continue-error-quark, sd_continue_error)

typedef struct
{
  char       *task_id;
  SdRequest  *parent;
  SdCatalog  *catalog;
  SdUploader *uploader;
  char       *model_id;   /* the one asked for, or NULL */
  char       *frame_path;
  SdModel    *model;      /* chosen, owned by the catalogue */
  char       *note;
} ContinueData;

static void
continue_data_free (ContinueData *data)
{
  g_free (data->task_id);
  g_clear_object (&data->parent);
  g_clear_object (&data->catalog);
  g_clear_object (&data->uploader);
  g_free (data->model_id);
  g_free (data->frame_path);
  g_free (data->note);
  g_free (data);
}

gboolean
sd_continue_model_takes_first_frame (SdModel *model)
{
  g_return_val_if_fail (SD_IS_MODEL (model), FALSE);

  return sd_model_get_frames (model) != SD_SUPPORT_NO &&
         !sd_model_get_frames_need_both (model) &&
         (sd_model_get_image_schemes (model) & SD_URL_SCHEME_HTTPS) != 0;
}

static gboolean
model_has_resolution (SdModel    *model,
                      const char *resolution)
{
  const char * const *values = sd_model_get_resolutions (model);

  return resolution != NULL && values != NULL && g_strv_contains (values, resolution);
}

/* Higher is nearer to @parent_model; ties keep catalogue order. */
static int
nearness (SdModel    *candidate,
          SdModel    *parent_model,
          const char *resolution)
{
  int score = 0;

  if (parent_model != NULL &&
      g_strcmp0 (sd_model_get_family (candidate), sd_model_get_family (parent_model)) == 0)
    score += 4;
  if (model_has_resolution (candidate, resolution))
    score += 2;
  if (sd_model_get_frames (candidate) == SD_SUPPORT_YES)
    score += 1;
  return score;
}

SdModel *
sd_continue_pick_model (SdCatalog  *catalog,
                        SdRequest  *parent,
                        const char *wanted_id)
{
  GListModel *models;
  SdModel *parent_model;
  SdModel *best = NULL;
  int best_score = -1;

  g_return_val_if_fail (SD_IS_CATALOG (catalog), NULL);
  g_return_val_if_fail (SD_IS_REQUEST (parent), NULL);

  if (wanted_id != NULL)
    {
      SdModel *wanted = sd_catalog_lookup (catalog, wanted_id);

      return wanted != NULL && sd_continue_model_takes_first_frame (wanted) ? wanted : NULL;
    }

  parent_model = sd_request_get_model (parent) != NULL
                 ? sd_catalog_lookup (catalog, sd_request_get_model (parent)) : NULL;
  if (parent_model != NULL && sd_continue_model_takes_first_frame (parent_model))
    return parent_model;

  models = sd_catalog_get_models (catalog);
  for (guint i = 0; i < g_list_model_get_n_items (models); i++)
    {
      g_autoptr(SdModel) candidate = g_list_model_get_item (models, i);
      int score;

      if (!sd_continue_model_takes_first_frame (candidate))
        continue;
      score = nearness (candidate, parent_model, sd_request_get_resolution (parent));
      if (score > best_score)
        {
          best = candidate;
          best_score = score;
        }
    }
  g_debug ("Continuing %s with %s", sd_request_get_model (parent),
           best != NULL ? sd_model_get_id (best) : "(none)");
  return best;
}

char *
sd_continue_frame_path (const char *task_id)
{
  g_autoptr(GString) name = g_string_new (NULL);

  g_return_val_if_fail (task_id != NULL, NULL);

  for (const char *p = task_id; *p != '\0'; p++)
    g_string_append_c (name, g_ascii_isalnum (*p) || *p == '-' || *p == '_' ? *p : '_');
  if (name->len == 0)
    g_string_append (name, "task");
  g_string_truncate (name, MIN (name->len, 200));
  g_string_append (name, ".png");
  return g_build_filename (g_get_user_cache_dir (), "seedance-studio", "frames", name->str, NULL);
}

static SdRequest *
build_request (ContinueData *data,
               const char   *first_image)
{
  SdRequest *request = sd_request_new ();
  const char *resolution = sd_request_get_resolution (data->parent);

  sd_request_set_model (request, sd_model_get_id (data->model));
  sd_request_set_prompt (request, "");
  sd_request_set_first_image (request, first_image);
  if (sd_request_get_ratio (data->parent) != NULL)
    sd_request_set_ratio (request, sd_request_get_ratio (data->parent));
  if (model_has_resolution (data->model, resolution))
    sd_request_set_resolution (request, resolution);
  return request;
}

static void
on_uploaded_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ContinueData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(SdUpload) upload = sd_uploader_upload_finish (SD_UPLOADER (source), result, &error);

  if (upload == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_debug ("Last frame of %s is %s%s", data->task_id, sd_upload_get_url (upload),
           sd_upload_get_cached (upload) ? " (cached)" : "");
  g_task_return_pointer (task, build_request (data, sd_upload_get_url (upload)), g_object_unref);
}

static void
save_frame_thread (GTask        *task,
                   gpointer      source,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  ContinueData *data = task_data;
  GdkPixbuf *frame = g_object_get_data (G_OBJECT (task), "frame");
  g_autofree char *directory = g_path_get_dirname (data->frame_path);
  g_autofree char *partial = g_strconcat (data->frame_path, ".part", NULL);
  g_autoptr(GError) error = NULL;

  if (g_mkdir_with_parents (directory, 0700) != 0 ||
      !gdk_pixbuf_save (frame, partial, "png", &error, NULL) ||
      g_rename (partial, data->frame_path) != 0)
    {
      int saved_errno = errno;
      g_autofree char *display = g_filename_display_name (data->frame_path);

      g_task_return_new_error (task, SD_CONTINUE_ERROR, SD_CONTINUE_ERROR_FRAME,
                               _("The last frame could not be saved as %s: %s"), display,
                               error != NULL ? error->message : g_strerror (saved_errno));
      g_unlink (partial);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
on_frame_saved_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ContinueData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  file = g_file_new_for_path (data->frame_path);
  if (data->uploader == NULL)
    {
      /* the caller uploads it, as any local file of a draft */
      g_autofree char *uri = g_file_get_uri (file);

      g_debug ("Last frame of %s saved as %s", data->task_id, data->frame_path);
      g_task_return_pointer (task, build_request (data, uri), g_object_unref);
      return;
    }
  sd_uploader_upload_async (data->uploader, file, SD_UPLOAD_KIND_IMAGE,
                            g_task_get_cancellable (task), on_uploaded_cb, g_object_ref (task));
}

static void
on_frame_read_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ContinueData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) frame = sd_frame_read_finish (result, &error);
  g_autoptr(GTask) save = NULL;

  if (frame == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_new_error (task, SD_CONTINUE_ERROR, SD_CONTINUE_ERROR_FRAME,
                                 _("The last frame of task %s could not be read: %s"),
                                 data->task_id, error->message);
      return;
    }
  save = g_task_new (NULL, g_task_get_cancellable (task), on_frame_saved_cb, g_object_ref (task));
  g_task_set_task_data (save, data, NULL);
  g_object_set_data_full (G_OBJECT (save), "frame", g_steal_pointer (&frame), g_object_unref);
  g_task_run_in_thread (save, save_frame_thread);
}

/* Why @task cannot be continued, or TRUE. */
static gboolean
check_task (SdTask     *task,
            GError    **error)
{
  const char *local_file = sd_task_get_local_file (task);

  if (sd_task_get_status (task) != SD_TASK_STATUS_COMPLETED ||
      local_file == NULL || !g_file_test (local_file, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, SD_CONTINUE_ERROR, SD_CONTINUE_ERROR_NO_VIDEO,
                   _("Task %s has no saved video to continue from: save its video first."),
                   sd_task_get_id (task));
      return FALSE;
    }
  return TRUE;
}

static gboolean
choose_model (ContinueData  *data,
              GError       **error)
{
  const char *parent_id = sd_request_get_model (data->parent);
  SdModel *parent_model = parent_id != NULL ? sd_catalog_lookup (data->catalog, parent_id) : NULL;

  data->model = sd_continue_pick_model (data->catalog, data->parent, data->model_id);
  if (data->model == NULL)
    {
      if (data->model_id != NULL)
        g_set_error (error, SD_CONTINUE_ERROR, SD_CONTINUE_ERROR_NO_FIRST_FRAME,
                     _("model: %s takes no first frame given as a link; choose a model with "
                       "first/last-frame mode."), data->model_id);
      else
        g_set_error (error, SD_CONTINUE_ERROR, SD_CONTINUE_ERROR_NO_FIRST_FRAME,
                     _("model: no model of the catalogue takes a first frame given as a link."));
      return FALSE;
    }
  if (data->model_id == NULL && data->model != parent_model)
    data->note = g_strdup_printf (_("%s takes no first frame; %s is used."),
                                  parent_model != NULL ? sd_model_get_display_name (parent_model)
                                                       : (parent_id != NULL ? parent_id : _("The model")),
                                  sd_model_get_display_name (data->model));
  return TRUE;
}

void
sd_continue_prepare_async (SdTask              *task,
                           SdCatalog           *catalog,
                           SdUploader          *uploader,
                           const char          *model_id,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) gtask = NULL;
  g_autoptr(GFile) video = NULL;
  g_autoptr(GError) error = NULL;
  ContinueData *data;

  g_return_if_fail (SD_IS_TASK (task));
  g_return_if_fail (SD_IS_CATALOG (catalog));
  g_return_if_fail (uploader == NULL || SD_IS_UPLOADER (uploader));

  gtask = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (gtask, sd_continue_prepare_async);
  data = g_new0 (ContinueData, 1);
  data->task_id = g_strdup (sd_task_get_id (task));
  data->parent = g_object_ref (sd_task_get_request (task));
  data->catalog = g_object_ref (catalog);
  data->uploader = uploader != NULL ? g_object_ref (uploader) : NULL;
  data->model_id = g_strdup (model_id);
  data->frame_path = sd_continue_frame_path (data->task_id);
  g_task_set_task_data (gtask, data, (GDestroyNotify) continue_data_free);

  if (!check_task (task, &error) || !choose_model (data, &error))
    {
      g_task_return_error (gtask, g_steal_pointer (&error));
      return;
    }
  video = g_file_new_for_path (sd_task_get_local_file (task));
  sd_frame_read_async (video, SD_FRAME_POSITION_LAST, 0, SD_FRAME_MAX_SIDE, SD_FRAME_MAX_SIDE,
                       cancellable, on_frame_read_cb, g_steal_pointer (&gtask));
}

SdRequest *
sd_continue_prepare_finish (GAsyncResult  *result,
                            char         **model_note,
                            GError       **error)
{
  GTask *task = G_TASK (result);
  ContinueData *data = g_task_get_task_data (task);
  SdRequest *request;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  request = g_task_propagate_pointer (task, error);
  if (model_note != NULL)
    *model_note = request != NULL ? g_strdup (data->note) : NULL;
  return request;
}

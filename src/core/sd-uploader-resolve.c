/* sd-uploader-resolve.c: every local reference of a request becomes its link
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-uploader"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "sd-client.h"
#include "sd-enum-types.h"
#include "sd-request.h"
#include "sd-secrets.h"
#include "sd-uploader.h"
#include "sd-uploader-private.h"
#include "sd-uploader-stream.h"

#define STAND_IN_PREFIX "https://upload.invalid/"

/* Requests: every local reference becomes its link */

typedef struct
{
  const char *field;
  guint       index;    /* in the field's list; 0 for a single frame */
  char       *url;      /* the link, once uploaded */
} Slot;

typedef struct
{
  SdRequest    *request;
  GPtrArray    *slots;     /* Slot */
  GPtrArray    *uploads;   /* SdUpload */
  GCancellable *cancellable;
  GError       *error;     /* the first failure */
  guint         pending;
} Resolve;

static void
slot_free (Slot *slot)
{
  g_free (slot->url);
  g_free (slot);
}

static void
resolve_free (Resolve *resolve)
{
  g_clear_object (&resolve->request);
  g_clear_pointer (&resolve->slots, g_ptr_array_unref);
  g_clear_pointer (&resolve->uploads, g_ptr_array_unref);
  g_clear_object (&resolve->cancellable);
  g_clear_error (&resolve->error);
  g_free (resolve);
}

static char **
replaced_list (Resolve            *resolve,
               const char         *field,
               const char * const *values)
{
  char **copy = g_strdupv ((char **) values);

  for (guint i = 0; i < resolve->slots->len; i++)
    {
      Slot *slot = g_ptr_array_index (resolve->slots, i);

      if (g_str_equal (slot->field, field) && copy != NULL && slot->index < g_strv_length (copy))
        {
          g_free (copy[slot->index]);
          copy[slot->index] = g_strdup (slot->url);
        }
    }
  return copy;
}

static const char *
replaced_single (Resolve    *resolve,
                 const char *field,
                 const char *value)
{
  for (guint i = 0; i < resolve->slots->len; i++)
    {
      Slot *slot = g_ptr_array_index (resolve->slots, i);

      if (g_str_equal (slot->field, field))
        return slot->url;
    }
  return value;
}

static void
resolve_apply (Resolve *resolve)
{
  SdRequest *request = resolve->request;
  g_auto(GStrv) images = replaced_list (resolve, "images", sd_request_get_images (request));
  g_auto(GStrv) videos = replaced_list (resolve, "reference_videos",
                                        sd_request_get_reference_videos (request));
  g_auto(GStrv) audios = replaced_list (resolve, "reference_audios",
                                        sd_request_get_reference_audios (request));
  g_autofree char *first = g_strdup (replaced_single (resolve, "first_image",
                                                      sd_request_get_first_image (request)));
  g_autofree char *last = g_strdup (replaced_single (resolve, "last_image",
                                                     sd_request_get_last_image (request)));

  sd_request_set_images (request, (const char * const *) images);
  sd_request_set_reference_videos (request, (const char * const *) videos);
  sd_request_set_reference_audios (request, (const char * const *) audios);
  sd_request_set_first_image (request, first);
  sd_request_set_last_image (request, last);
}

static void
resolve_done (GTask *task)
{
  Resolve *resolve = g_task_get_task_data (task);

  if (resolve->error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&resolve->error));
      return;
    }
  resolve_apply (resolve);
  g_task_return_pointer (task, g_ptr_array_ref (resolve->uploads),
                         (GDestroyNotify) g_ptr_array_unref);
}

typedef struct
{
  GTask *task;
  Slot  *slot;
} SlotUpload;

static void
on_slot_uploaded_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  SlotUpload *data = user_data;
  g_autoptr(GTask) task = data->task;
  Resolve *resolve = g_task_get_task_data (task);
  Slot *slot = data->slot;
  g_autoptr(GError) error = NULL;
  g_autoptr(SdUpload) upload = sd_uploader_upload_finish (SD_UPLOADER (source), result, &error);

  g_free (data);
  if (upload != NULL)
    slot->url = g_strdup (sd_upload_get_url (upload));
  else if (resolve->error == NULL)
    {
      /* the field and the item, then the rule; the others stop */
      resolve->error = g_error_new (error->domain, error->code, _("%s, item %u: %s"),
                                    slot->field, slot->index + 1, error->message);
      g_cancellable_cancel (resolve->cancellable);
    }

  if (--resolve->pending == 0)
    resolve_done (task);
}

static void
resolve_add (SdUploader *self,
             GTask      *task,
             const char *field,
             guint       index,
             const char *reference)
{
  Resolve *resolve = g_task_get_task_data (task);
  g_autoptr(GFile) file = sd_upload_local_file_for_reference (reference);
  SdUploadKind kind = SD_UPLOAD_KIND_IMAGE;
  SlotUpload *data;
  SdUpload *upload;

  if (file == NULL)
    return;
  sd_upload_kind_for_field (field, &kind);
  data = g_new0 (SlotUpload, 1);
  data->slot = g_new0 (Slot, 1);
  data->slot->field = field;
  data->slot->index = index;
  data->task = g_object_ref (task);
  g_ptr_array_add (resolve->slots, data->slot);
  resolve->pending++;
  upload = sd_uploader_upload_async (self, file, kind, resolve->cancellable,
                                     on_slot_uploaded_cb, data);
  g_ptr_array_add (resolve->uploads, g_object_ref (upload));
  g_signal_emit (self, _sd_uploader_signals[SIGNAL_UPLOAD_STARTED], 0, upload);
}

static void
resolve_add_list (SdUploader         *self,
                  GTask              *task,
                  const char         *field,
                  const char * const *values)
{
  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    resolve_add (self, task, field, i, values[i]);
}

void
sd_uploader_resolve_request_async (SdUploader          *self,
                                   SdRequest           *request,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Resolve *resolve;

  g_return_if_fail (SD_IS_UPLOADER (self));
  g_return_if_fail (SD_IS_REQUEST (request));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sd_uploader_resolve_request_async);
  resolve = g_new0 (Resolve, 1);
  resolve->request = g_object_ref (request);
  resolve->slots = g_ptr_array_new_with_free_func ((GDestroyNotify) slot_free);
  resolve->uploads = g_ptr_array_new_with_free_func (g_object_unref);
  resolve->cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    g_signal_connect_object (cancellable, "cancelled", G_CALLBACK (g_cancellable_cancel),
                             resolve->cancellable, G_CONNECT_SWAPPED);
  if (cancellable != NULL && g_cancellable_is_cancelled (cancellable))
    g_cancellable_cancel (resolve->cancellable);
  g_task_set_task_data (task, resolve, (GDestroyNotify) resolve_free);

  /* one reference held while the uploads start, so none finishes us early */
  resolve->pending = 1;
  resolve_add_list (self, task, "images", sd_request_get_images (request));
  resolve_add (self, task, "first_image", 0, sd_request_get_first_image (request));
  resolve_add (self, task, "last_image", 0, sd_request_get_last_image (request));
  resolve_add_list (self, task, "reference_videos", sd_request_get_reference_videos (request));
  resolve_add_list (self, task, "reference_audios", sd_request_get_reference_audios (request));
  if (--resolve->pending == 0)
    resolve_done (task);
}

GPtrArray *
sd_uploader_resolve_request_finish (SdUploader    *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * sd_upload_stand_in_link:
 * @path: a local file's path
 *
 * Returns: (transfer full): the https:// link that stands in for @path
 *   while a request is validated before its files are uploaded
 */
char *
sd_upload_stand_in_link (const char *path)
{
  g_autofree char *name = g_path_get_basename (path);
  g_autofree char *escaped = g_uri_escape_string (name, NULL, FALSE);

  return g_strconcat (STAND_IN_PREFIX, escaped, NULL);
}

static char *
stand_in_for (const char *reference)
{
  g_autoptr(GFile) file = sd_upload_local_file_for_reference (reference);
  g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

  if (file == NULL)
    return g_strdup (reference);
  return sd_upload_stand_in_link (path != NULL ? path : "file");
}

/* Where @message names @reference's stand-in, it names @reference again. */
static void
name_reference (SdProblem  *problem,
                const char *reference)
{
  g_autofree char *stand_in = NULL;
  GString *message;

  if (reference == NULL || g_str_has_prefix (reference, STAND_IN_PREFIX))
    return;
  stand_in = stand_in_for (reference);
  /* a path that is not (or no longer) a file stood in by its name */
  if (g_str_equal (stand_in, reference) && g_uri_peek_scheme (reference) == NULL)
    {
      g_free (stand_in);
      stand_in = sd_upload_stand_in_link (reference);
    }
  if (g_str_equal (stand_in, reference) || strstr (problem->message, stand_in) == NULL)
    return;
  message = g_string_new (problem->message);
  g_string_replace (message, stand_in, reference, 0);
  g_free (problem->message);
  problem->message = g_string_free (message, FALSE);
}

/**
 * sd_upload_name_local_files:
 * @request: a request whose references may be local files
 * @problems: (element-type SdProblem): what validating
 *   sd_upload_request_with_stand_ins() of @request found
 *
 * Makes each problem name the local file the user gave, not the stand-in
 * link it was validated as.
 */
void
sd_upload_name_local_files (SdRequest *request,
                            GPtrArray *problems)
{
  const char * const *lists[] = {
    sd_request_get_images (request),
    sd_request_get_reference_videos (request),
    sd_request_get_reference_audios (request),
  };

  g_return_if_fail (SD_IS_REQUEST (request));
  g_return_if_fail (problems != NULL);

  for (guint p = 0; p < problems->len; p++)
    {
      SdProblem *problem = g_ptr_array_index (problems, p);

      name_reference (problem, sd_request_get_first_image (request));
      name_reference (problem, sd_request_get_last_image (request));
      for (gsize l = 0; l < G_N_ELEMENTS (lists); l++)
        for (gsize i = 0; lists[l] != NULL && lists[l][i] != NULL; i++)
          name_reference (problem, lists[l][i]);
    }
}

static char **
stand_ins_for_list (const char * const *values)
{
  GStrvBuilder *builder = g_strv_builder_new ();
  char **list;

  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    {
      g_autofree char *stand_in = stand_in_for (values[i]);

      g_strv_builder_add (builder, stand_in);
    }
  list = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return list;
}

SdRequest *
sd_upload_request_with_stand_ins (SdRequest *request)
{
  SdRequest *copy = sd_request_copy (request);
  g_auto(GStrv) images = stand_ins_for_list (sd_request_get_images (request));
  g_auto(GStrv) videos = stand_ins_for_list (sd_request_get_reference_videos (request));
  g_auto(GStrv) audios = stand_ins_for_list (sd_request_get_reference_audios (request));
  g_autofree char *first = NULL;
  g_autofree char *last = NULL;

  if (sd_request_get_first_image (request) != NULL)
    first = stand_in_for (sd_request_get_first_image (request));
  if (sd_request_get_last_image (request) != NULL)
    last = stand_in_for (sd_request_get_last_image (request));
  if (sd_request_get_images (request) != NULL)
    sd_request_set_images (copy, (const char * const *) images);
  if (sd_request_get_reference_videos (request) != NULL)
    sd_request_set_reference_videos (copy, (const char * const *) videos);
  if (sd_request_get_reference_audios (request) != NULL)
    sd_request_set_reference_audios (copy, (const char * const *) audios);
  sd_request_set_first_image (copy, first);
  sd_request_set_last_image (copy, last);
  return copy;
}

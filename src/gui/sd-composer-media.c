/* sd-composer-media.c: local files uploaded and every reference checked
 * before Generate sends
 *
 * Generate runs: the privacy notice (once) → the uploads of the draft's
 * local files (the uploader's cache reuses live links) → the pre-flight
 * checks of every reference → the create. The draft keeps its local files:
 * only the copy that is sent carries the links.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-composer"

#include "config.h"

#include <glib/gi18n.h>

#include "sd-composer-private.h"
#include "sd-composer-test.h"
#include "sd-media-check.h"
#include "sd-message-dialog.h"
#include "sd-secrets.h"
#include "sd-uploader.h"

typedef struct
{
  SdComposer   *self;
  SdRequest    *request;   /* the copy that is sent */
  SdMediaCheck *check;
} Submission;

static void
submission_free (Submission *submission)
{
  g_object_unref (submission->self);
  g_object_unref (submission->request);
  g_clear_object (&submission->check);
  g_free (submission);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Submission, submission_free)

static void start_uploads (Submission *submission);
static void start_checks  (Submission *submission);

static SdMediaList *
list_for_field (SdComposer   *self,
                SdMediaField  field)
{
  switch (field)
    {
    case SD_MEDIA_FIELD_IMAGES: return self->images_list;
    case SD_MEDIA_FIELD_REFERENCE_VIDEOS: return self->videos_list;
    case SD_MEDIA_FIELD_REFERENCE_AUDIOS: return self->audios_list;
    case SD_MEDIA_FIELD_FIRST_IMAGE:
    case SD_MEDIA_FIELD_LAST_IMAGE:
    default: return NULL;
    }
}

static gboolean
strv_has_local_file (const char * const *links)
{
  for (guint i = 0; links != NULL && links[i] != NULL; i++)
    {
      g_autoptr(GFile) file = sd_upload_local_file_for_reference (links[i]);

      if (file != NULL)
        return TRUE;
    }
  return FALSE;
}

static gboolean
request_has_local_files (SdRequest *request)
{
  const char *first[] = { sd_request_get_first_image (request), NULL };
  const char *last[] = { sd_request_get_last_image (request), NULL };

  return strv_has_local_file (sd_request_get_images (request)) ||
         strv_has_local_file (first) || strv_has_local_file (last) ||
         strv_has_local_file (sd_request_get_reference_videos (request)) ||
         strv_has_local_file (sd_request_get_reference_audios (request));
}

/* Said in the window while the uploads' links cannot be kept on disk. */
static void
on_cache_error_cb (SdComposer *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.upload-cache", "ms",
                              sd_uploader_get_cache_error (self->uploader));
}

SdUploader *
_sd_composer_get_uploader (SdComposer *self)
{
  if (self->uploader == NULL)
    {
      self->uploader = g_object_ref (sd_context_get_uploader (self->context));
      g_signal_connect_object (self->uploader, "notify::cache-error",
                               G_CALLBACK (on_cache_error_cb), self, G_CONNECT_SWAPPED);
    }
  return self->uploader;
}

static void
fail (Submission *submission,
      const char *message)
{
  _sd_composer_set_submitting (submission->self, FALSE);
  if (message != NULL)
    _sd_composer_show_message (submission->self, message);
}

/* Dialogs ---------------------------------------------------------------------- */

typedef void (*DialogAnswer) (Submission *submission);

static void
on_dialog_response_cb (AdwMessageDialog *dialog,
                       const char       *response,
                       gpointer          user_data)
{
  Submission *submission = user_data;
  DialogAnswer answer = g_object_get_data (G_OBJECT (dialog), "sd-answer");

  /* one answer: the submission goes with it */
  g_signal_handlers_disconnect_by_func (dialog, on_dialog_response_cb, submission);
  if (submission->self->media_dialog == GTK_WINDOW (dialog))
    submission->self->media_dialog = NULL;
  if (g_strcmp0 (response, "go") != 0)
    {
      g_debug ("Generate stopped at a dialog (%s)", response);
      fail (submission, NULL);
      submission_free (submission);
      return;
    }
  answer (submission);
}

/* Asks before going on; the submission goes with the dialog's answer. */
static void
ask (Submission   *submission,
     const char   *heading,
     const char   *body,
     const char   *go_label,
     DialogAnswer  answer)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (submission->self));
  GtkWidget *dialog = sd_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                             heading, body);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "go", go_label,
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "go",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "go");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "sd-answer", answer);
  g_signal_connect (dialog, "response", G_CALLBACK (on_dialog_response_cb), submission);
  submission->self->media_dialog = GTK_WINDOW (dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Sending ----------------------------------------------------------------------- */

static void
send_request (Submission *submission)
{
  g_debug ("References resolved and checked: creating the task");
  _sd_composer_send (submission->self, submission->request);
  submission_free (submission);
}

/* Checks ------------------------------------------------------------------------ */

static void
show_item (SdComposer  *self,
           SdMediaItem *item)
{
  SdMediaList *list = list_for_field (self, sd_media_item_get_field (item));
  SdMediaCheckState state = sd_media_item_get_state (item);
  const char *text = state == SD_MEDIA_CHECK_STATE_REFUSED || state == SD_MEDIA_CHECK_STATE_WARNING
                     ? sd_media_item_get_problem (item) : sd_media_item_get_facts (item);

  if (list != NULL && !sd_media_list_get_frame_mode (list))
    sd_media_list_show_check (list, sd_media_item_get_index (item) - 1, state, text);
}

static void
on_item_state_cb (SdMediaItem *item,
                  GParamSpec  *pspec,
                  SdComposer  *self)
{
  show_item (self, item);
}

static void
on_checked_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(Submission) submission = user_data;
  SdComposer *self = submission->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *problems = NULL;

  if (!sd_media_check_run_finish (SD_MEDIA_CHECK (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_debug ("Pre-flight refused: %s", error->message);
      /* Generate stays off until the draft changes */
      g_free (self->media_refusal);
      self->media_refusal = g_strdup (error->message);
      fail (submission, error->message);
      return;
    }

  if (sd_media_check_get_state (submission->check) != SD_MEDIA_CHECK_STATE_WARNING)
    {
      send_request (g_steal_pointer (&submission));
      return;
    }

  problems = sd_media_check_format_problems (submission->check);
  g_debug ("Pre-flight incomplete: %s", problems);
  ask (g_steal_pointer (&submission),
       _("Not Every Reference Could Be Checked"), problems, _("_Send Anyway"), send_request);
}

static void
start_checks (Submission *submission)
{
  SdComposer *self = submission->self;
  GListModel *items;

  submission->check = sd_media_check_new (sd_composer_get_media_checker (self),
                                          submission->request, self->model);
  items = sd_media_check_get_items (submission->check);
  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr(SdMediaItem) item = g_list_model_get_item (items, i);

      show_item (self, item);
      g_signal_connect_object (item, "notify::state", G_CALLBACK (on_item_state_cb), self, 0);
    }
  sd_media_check_run_async (submission->check, self->cancellable, on_checked_cb, submission);
}

/* Uploads ----------------------------------------------------------------------- */

static void
on_upload_started_cb (SdUploader *uploader,
                      SdUpload   *upload,
                      SdComposer *self)
{
  SdMediaList *lists[] = { self->images_list, self->videos_list, self->audios_list };

  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    sd_media_list_show_upload (lists[i], upload);
}

static void
on_resolved_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(Submission) submission = user_data;
  SdComposer *self = submission->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) uploads = NULL;

  g_signal_handlers_disconnect_by_func (source, on_upload_started_cb, self);
  uploads = sd_uploader_resolve_request_finish (SD_UPLOADER (source), result, &error);
  if (uploads == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
          g_cancellable_is_cancelled (self->cancellable))
        return;
      g_debug ("Uploads failed: %s", error->message);
      /* said once in the window; the file stays in the draft */
      if (g_error_matches (error, SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_UNSUPPORTED) &&
          !self->no_uploads_said)
        {
          self->no_uploads_said = TRUE;
          gtk_widget_activate_action (GTK_WIDGET (self), "win.no-uploads", "s", error->message);
        }
      fail (submission, error->message);
      return;
    }

  g_debug ("%u local files resolved to links", uploads->len);
  start_checks (g_steal_pointer (&submission));
}

static void
resolve (Submission *submission,
         GSettings  *settings,
         const char *secret)
{
  SdComposer *self = submission->self;
  SdUploader *uploader = _sd_composer_get_uploader (self);
  g_autoptr(SdUploadService) service = NULL;
  g_autoptr(GError) error = NULL;

  if (settings != NULL)
    {
      service = sd_upload_service_new_from_settings (settings, secret, &error);
      if (error != NULL)
        {
          fail (submission, error->message);
          submission_free (submission);
          return;
        }
    }
  sd_uploader_set_service (uploader, service);
  g_signal_connect_object (uploader, "upload-started", G_CALLBACK (on_upload_started_cb), self, 0);
  sd_uploader_resolve_request_async (uploader, submission->request, self->cancellable,
                                     on_resolved_cb, submission);
}

static void
on_secret_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Submission *submission = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *notice = NULL;
  char *secret = sd_secrets_lookup_finish (SD_SECRETS (source), result, &notice, &error);

  if (error != NULL)
    g_debug ("No secret for the upload service: %s", error->message);
  resolve (submission, submission->self->settings, secret);
  sd_secrets_free_token (secret);
}

static void
start_uploads (Submission *submission)
{
  SdComposer *self = submission->self;
  g_autofree char *url = NULL;
  g_autofree char *key = NULL;

  if (self->settings == NULL ||
      (url = g_settings_get_string (self->settings, "upload-service-url"), *url == '\0'))
    {
      resolve (submission, NULL, NULL);
      return;
    }
  key = sd_upload_service_secret_key (url);
  sd_secrets_lookup_async (sd_context_get_secrets (self->context), key, self->cancellable,
                           on_secret_cb, submission);
}

/* Uploads on add: once the privacy notice was acknowledged, the lists
 * start a file's upload when it is added, through the service Generate
 * would use; Generate's uploads of those files wait for them. */
static void
lend_uploader (SdComposer *self,
               const char *secret)
{
  SdMediaList *lists[] = { self->images_list, self->videos_list, self->audios_list };
  g_autoptr(SdUploadService) service = NULL;
  g_autoptr(GError) error = NULL;

  gboolean changed = self->service_changed;

  self->service_changed = FALSE;
  if (self->settings != NULL)
    service = sd_upload_service_new_from_settings (self->settings, secret, &error);
  if (error != NULL)
    {
      /* Generate says why; nothing starts before, and what went to the
       * service of before stops */
      g_debug ("No uploads on add: the upload service is not usable");
      self->uploads_lent = FALSE;
      for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
        sd_media_list_set_uploader (lists[i], NULL);
      return;
    }
  sd_uploader_set_service (_sd_composer_get_uploader (self), service);
  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    {
      sd_media_list_set_uploader (lists[i], _sd_composer_get_uploader (self));
      if (changed)
        sd_media_list_restart_uploads (lists[i]);
    }
}

static void
on_lend_secret_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(SdComposer) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *notice = NULL;
  char *secret = sd_secrets_lookup_finish (SD_SECRETS (source), result, &notice, &error);

  if (!g_cancellable_is_cancelled (self->cancellable))
    lend_uploader (self, secret);
  sd_secrets_free_token (secret);
}

static void lend_uploader_once (SdComposer *self);

/* The upload service changed (its address, field, header or link path;
 * an empty address switches it off): taken in once for the keys that
 * change together. */
static gboolean
on_service_changed_idle (gpointer user_data)
{
  SdComposer *self = user_data;

  self->service_idle = 0;
  if (!self->uploads_lent)
    /* nothing started yet: the next upload reads the settings */
    return G_SOURCE_REMOVE;
  g_debug ("The upload service changed: the uploads on add follow it");
  self->uploads_lent = FALSE;
  self->service_changed = TRUE;
  lend_uploader_once (self);
  return G_SOURCE_REMOVE;
}

static void
on_settings_changed_cb (SdComposer *self,
                        const char *key,
                        GSettings  *settings)
{
  if (!g_str_has_prefix (key, "upload-service-") || self->service_idle != 0)
    return;
  self->service_idle = g_idle_add_full (G_PRIORITY_DEFAULT, on_service_changed_idle, self, NULL);
}

static void
lend_uploader_once (SdComposer *self)
{
  g_autofree char *url = NULL;
  g_autofree char *key = NULL;

  if (self->uploads_lent ||
      !sd_uploader_get_privacy_acknowledged (_sd_composer_get_uploader (self)))
    return;
  if (self->settings != NULL &&
      g_signal_handler_find (self->settings, G_SIGNAL_MATCH_FUNC | G_SIGNAL_MATCH_DATA, 0, 0,
                             NULL, on_settings_changed_cb, self) == 0)
    g_signal_connect_object (self->settings, "changed", G_CALLBACK (on_settings_changed_cb),
                             self, G_CONNECT_SWAPPED);
  self->uploads_lent = TRUE;
  if (self->settings == NULL ||
      (url = g_settings_get_string (self->settings, "upload-service-url"), *url == '\0'))
    {
      lend_uploader (self, NULL);
      return;
    }
  key = sd_upload_service_secret_key (url);
  sd_secrets_lookup_async (sd_context_get_secrets (self->context), key, self->cancellable,
                           on_lend_secret_cb, g_object_ref (self));
}

static void
acknowledge_and_upload (Submission *submission)
{
  sd_uploader_acknowledge_privacy (_sd_composer_get_uploader (submission->self));
  lend_uploader_once (submission->self);
  start_uploads (submission);
}

/* The request that Generate sends (a copy of the draft): its local files
 * are uploaded, every reference checked, then it is created. */
void
_sd_composer_media_submit (SdComposer *self,
                           SdRequest  *request)
{
  Submission *submission = g_new0 (Submission, 1);

  submission->self = g_object_ref (self);
  submission->request = g_object_ref (request);

  if (!request_has_local_files (request))
    start_checks (submission);
  else if (!sd_uploader_get_privacy_acknowledged (_sd_composer_get_uploader (self)))
    ask (submission, _("Upload Files?"), sd_uploader_get_privacy_notice (),
         _("_Upload"), acknowledge_and_upload);
  else
    start_uploads (submission);
}

/* The draft changed: a refusal of the last Generate no longer holds. */
void
_sd_composer_media_draft_changed (SdComposer *self)
{
  g_clear_pointer (&self->media_refusal, g_free);
  if (!self->uploads_lent && request_has_local_files (self->request))
    lend_uploader_once (self);
}

void
_sd_composer_media_dispose (SdComposer *self)
{
  g_clear_handle_id (&self->service_idle, g_source_remove);
  if (self->media_dialog != NULL)
    gtk_window_close (self->media_dialog);
  if (self->uploader != NULL)
    g_signal_handlers_disconnect_by_data (self->uploader, self);
  g_clear_object (&self->uploader);
  g_clear_object (&self->checker);
  g_clear_pointer (&self->media_refusal, g_free);
}

GtkWindow *
sd_composer_get_media_dialog (SdComposer *self)
{
  g_return_val_if_fail (SD_IS_COMPOSER (self), NULL);

  return self->media_dialog;
}

const char *
sd_composer_lookup_link (SdComposer *self,
                         const char *reference)
{
  SdMediaList *lists[] = { self->images_list, self->videos_list, self->audios_list };

  g_return_val_if_fail (SD_IS_COMPOSER (self), NULL);

  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    {
      const char *link = sd_media_list_lookup_link (lists[i], reference);

      if (link != NULL)
        return link;
    }
  return NULL;
}

SdUploader *
sd_composer_get_uploader (SdComposer *self)
{
  g_return_val_if_fail (SD_IS_COMPOSER (self), NULL);

  return _sd_composer_get_uploader (self);
}

/* The demo's links are on the demo server's https listener; the demo can
 * start (or end) after the checker is made. */
static void
follow_demo (SdComposer *self)
{
  /* NULL out of demo mode */
  sd_media_checker_set_loopback_certificate (self->checker,
                                             sd_context_get_tls_certificate (self->context));
}

SdMediaChecker *
sd_composer_get_media_checker (SdComposer *self)
{
  g_return_val_if_fail (SD_IS_COMPOSER (self), NULL);

  if (self->checker == NULL)
    {
      self->checker = sd_media_checker_new ();
      follow_demo (self);
      g_signal_connect_object (self->context, "notify::demo", G_CALLBACK (follow_demo), self,
                               G_CONNECT_SWAPPED);
    }
  return self->checker;
}

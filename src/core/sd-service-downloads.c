/* sd-service-downloads.c: saves finished videos, minds expired links
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-service"

#include "config.h"

#include <glib/gi18n.h>

#include "sd-client.h"
#include "sd-download.h"
#include "sd-service-private.h"

#define MAX_DOWNLOADS              2
/* A task's "download-progress" changes at most ten times a second. */
#define PROGRESS_TICK_US           (G_USEC_PER_SEC / 10)

typedef struct
{
  SdService    *self;       /* NULL once the service let go of it */
  SdTask       *task;
  char         *directory;
  GCancellable *cancellable;
  GTask        *caller;     /* a manual download, or NULL */
  gulong        cancel_id;
  GCancellable *caller_cancellable;
  gint64        last_tick;
} Download;

/* Downloads. */

gboolean
_sd_service_auto_download_enabled (SdService *self)
{
  if (self->settings == NULL)
    return TRUE;
  return g_settings_get_boolean (self->settings, "auto-download");
}

static char *
default_download_dir (SdService *self)
{
  if (self->settings != NULL)
    {
      g_autofree char *dir = g_settings_get_string (self->settings, "download-dir");

      if (dir != NULL && dir[0] != '\0')
        return g_steal_pointer (&dir);
    }

  return sd_download_get_default_directory ();
}

static gboolean
link_has_expired (SdTask *task)
{
  gint64 expires_at = sd_task_get_expires_at (task);

  return expires_at != 0 && _sd_service_now_unix () >= expires_at;
}

static gboolean
url_is_web (const char *url)
{
  const char *scheme = g_uri_peek_scheme (url);

  return g_strcmp0 (scheme, "https") == 0 || g_strcmp0 (scheme, "http") == 0;
}

/* Marks the task when its video cannot be had, and says why. */
static gboolean
check_downloadable (SdService  *self,
                    SdTask     *task,
                    GError    **error)
{
  const char *url = sd_task_get_video_url (task);
  const char *message;

  if (sd_task_get_status (task) != SD_TASK_STATUS_COMPLETED || url == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           _("The video is not ready yet."));
      return FALSE;
    }

  if (!url_is_web (url))
    {
      message = _("The server gave a video address that is not a web address, "
                  "so it was not downloaded.");
      sd_task_set_download_state (task, SD_DOWNLOAD_STATE_FAILED);
      sd_task_set_download_error (task, message);
      _sd_service_save_task (self, task);
      g_set_error_literal (error, SD_DOWNLOAD_ERROR, SD_DOWNLOAD_ERROR_UNSAFE_URL, message);
      return FALSE;
    }

  /* Clocks disagree and created_at comes from the server: a link that looks
   * expired is still tried, once, before the user is told. */
  if (link_has_expired (task))
    g_debug ("Task %s: the link looks expired (since %" G_GINT64_FORMAT "); trying it once",
             sd_task_get_id (task), sd_task_get_expires_at (task));
  return TRUE;
}

static const char *
expired_message (void)
{
  return _("The provider keeps videos for three days. This link has "
           "expired, so the video can no longer be downloaded.");
}

static void
download_free (Download *download)
{
  if (download->caller_cancellable != NULL)
    g_cancellable_disconnect (download->caller_cancellable, download->cancel_id);
  g_clear_object (&download->caller_cancellable);
  g_clear_object (&download->caller);
  g_object_unref (download->task);
  g_object_unref (download->cancellable);
  g_free (download->directory);
  g_free (download);
}

static void
on_caller_cancelled_cb (GCancellable *caller_cancellable,
                        GCancellable *cancellable)
{
  g_cancellable_cancel (cancellable);
}

static Download *
download_new (SdService    *self,
              SdTask       *task,
              const char   *directory,
              GCancellable *caller_cancellable,
              GTask        *caller)
{
  Download *download = g_new0 (Download, 1);

  download->self = self;
  download->task = g_object_ref (task);
  download->directory = directory != NULL ? g_strdup (directory) : default_download_dir (self);
  download->cancellable = g_cancellable_new ();
  download->caller = caller != NULL ? g_object_ref (caller) : NULL;
  if (caller_cancellable != NULL)
    {
      download->caller_cancellable = g_object_ref (caller_cancellable);
      download->cancel_id = g_cancellable_connect (caller_cancellable,
                                                   G_CALLBACK (on_caller_cancelled_cb),
                                                   g_object_ref (download->cancellable),
                                                   g_object_unref);
    }
  return download;
}

static void
download_return_cancelled (Download *download)
{
  if (download->caller != NULL)
    g_task_return_new_error (download->caller, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                             _("The download was stopped."));
}

/* The service lets go of a download it no longer wants (removal, end). */
static void
detach_download (SdService *self,
                 Download  *download)
{
  GList *link = g_queue_find (&self->download_queue, download);

  g_hash_table_remove (self->downloads, sd_task_get_id (download->task));
  if (link != NULL)
    {
      g_queue_delete_link (&self->download_queue, link);
      download_return_cancelled (download);
      download_free (download);
      return;
    }

  self->downloads_running--;
  download->self = NULL;
  g_cancellable_cancel (download->cancellable);
}

static void
on_download_progress_cb (guint64  received,
                         guint64  total,
                         gpointer user_data)
{
  Download *download = user_data;
  gint64 now = g_get_monotonic_time ();
  double fraction;

  if (download->self == NULL || total == 0)
    return;

  fraction = (double) received / (double) total;
  if (fraction < 1.0 && now - download->last_tick < PROGRESS_TICK_US)
    return;
  download->last_tick = now;
  sd_task_set_download_progress (download->task, fraction);
}

static void start_next_download (SdService *self);

static void
finish_download (SdService  *self,
                 Download   *download,
                 char       *path,
                 GError     *error)
{
  SdTask *task = download->task;

  if (path != NULL)
    g_debug ("Task %s: video saved", sd_task_get_id (task));
  else
    g_debug ("Task %s: download ended with %s %d", sd_task_get_id (task),
             g_quark_to_string (error->domain), error->code);
  g_object_freeze_notify (G_OBJECT (task));
  if (path != NULL)
    {
      sd_task_set_local_file (task, path);
      sd_task_set_download_progress (task, 1.0);
      sd_task_set_download_state (task, SD_DOWNLOAD_STATE_DONE);
      sd_task_set_download_error (task, NULL);
    }
  else if (link_has_expired (task) && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* Tried once past its expiry, and it failed: now the user is told. */
      g_debug ("Task %s: the expired link failed (%s)", sd_task_get_id (task), error->message);
      sd_task_set_download_state (task, SD_DOWNLOAD_STATE_EXPIRED);
      sd_task_set_download_error (task, expired_message ());
    }
  else
    {
      sd_task_set_download_state (task, SD_DOWNLOAD_STATE_FAILED);
      sd_task_set_download_error (task, error->message);
    }
  g_object_thaw_notify (G_OBJECT (task));
  _sd_service_save_task (self, task);

  if (download->caller != NULL && path != NULL)
    g_task_return_pointer (download->caller, g_strdup (path), g_free);
  else if (download->caller != NULL && sd_task_get_download_state (task) == SD_DOWNLOAD_STATE_EXPIRED)
    g_task_return_new_error (download->caller, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                             "%s", expired_message ());
  else if (download->caller != NULL)
    g_task_return_error (download->caller, g_error_copy (error));
}

static void
on_download_finished_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  Download *download = user_data;
  SdService *self = download->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  path = sd_download_file_finish (result, &error);
  if (self == NULL)
    {
      download_return_cancelled (download);
      download_free (download);
      return;
    }

  g_hash_table_remove (self->downloads, sd_task_get_id (download->task));
  self->downloads_running--;
  finish_download (self, download, path, error);
  download_free (download);
  start_next_download (self);
}

static void
start_download (SdService *self,
                Download  *download)
{
  SdTask *task = download->task;
  SdRequest *request = sd_task_get_request (task);
  g_autofree char *basename = NULL;
  g_autofree char *owner = NULL;
  const char *base_url;

  basename = sd_download_make_basename (request != NULL ? sd_request_get_prompt (request) : NULL,
                                        sd_task_get_id (task), ".mp4");
  /* The .part belongs to this task of this server alone (no server while
   * the configured address is refused: a .part of that task is not reused). */
  base_url = sd_client_get_base_url (self->client);
  owner = g_strconcat (base_url != NULL ? base_url : "", "\n", sd_task_get_id (task), NULL);
  self->downloads_running++;
  g_debug ("Task %s: saving the video (%u running)", sd_task_get_id (task),
           self->downloads_running);
  sd_task_set_download_progress (task, 0.0);
  sd_task_set_download_state (task, SD_DOWNLOAD_STATE_RUNNING);
  sd_download_file_async (sd_client_get_session (self->client),
                          sd_task_get_video_url (task),
                          download->directory, basename, owner,
                          on_download_progress_cb, download, NULL,
                          download->cancellable,
                          on_download_finished_cb, download);
}

static void
start_next_download (SdService *self)
{
  while (self->downloads_running < MAX_DOWNLOADS &&
         !g_queue_is_empty (&self->download_queue))
    start_download (self, g_queue_pop_head (&self->download_queue));
}

static void
queue_download (SdService *self,
                Download  *download)
{
  g_hash_table_insert (self->downloads, g_strdup (sd_task_get_id (download->task)), download);
  sd_task_set_download_state (download->task, SD_DOWNLOAD_STATE_QUEUED);
  sd_task_set_download_error (download->task, NULL);
  g_queue_push_tail (&self->download_queue, download);
  g_debug ("Task %s: download queued (%u waiting)", sd_task_get_id (download->task),
           g_queue_get_length (&self->download_queue));
  start_next_download (self);
}

void
_sd_service_maybe_auto_download (SdService *self,
                                 SdTask    *task)
{
  g_autoptr(GError) error = NULL;

  if (!_sd_service_auto_download_enabled (self) || sd_task_get_local_file (task) != NULL)
    return;
  /* An expired link is tried once; after that only by hand. */
  if (sd_task_get_download_state (task) == SD_DOWNLOAD_STATE_EXPIRED)
    return;
  if (g_hash_table_contains (self->downloads, sd_task_get_id (task)))
    return;
  if (!check_downloadable (self, task, &error))
    {
      g_debug ("Not downloading task %s: %s", sd_task_get_id (task), error->message);
      return;
    }
  queue_download (self, download_new (self, task, NULL, NULL, NULL));
}

/* Lets go of @task's download, running or queued, if it has one. */
void
_sd_service_drop_download (SdService *self,
                           SdTask    *task)
{
  Download *download = g_hash_table_lookup (self->downloads, sd_task_get_id (task));

  if (download != NULL)
    {
      detach_download (self, download);
      start_next_download (self);
    }
}

void
_sd_service_drop_downloads (SdService *self)
{
  g_autoptr(GList) downloads = g_hash_table_get_values (self->downloads);

  for (GList *l = downloads; l != NULL; l = l->next)
    detach_download (self, l->data);
}

/* Downloading by hand. */

/**
 * sd_service_download_async:
 * @task: a completed task
 * @directory: (nullable): where to save; %NULL for the download-dir setting
 *
 * Saves the video again, even when a local copy exists. A link that expired
 * or an address that is not http(s) fails without any transfer.
 */
void
sd_service_download_async (SdService           *self,
                           SdTask              *task,
                           const char          *directory,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) gtask = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (SD_IS_SERVICE (self));
  g_return_if_fail (SD_IS_TASK (task));

  gtask = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (gtask, sd_service_download_async);

  if (_sd_service_lookup_loaded (self, sd_task_get_id (task)) != task)
    {
      g_task_return_new_error (gtask, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               _("This task is not in the list."));
      return;
    }
  if (g_hash_table_contains (self->downloads, sd_task_get_id (task)))
    {
      g_task_return_new_error (gtask, G_IO_ERROR, G_IO_ERROR_PENDING,
                               _("This video is already being downloaded."));
      return;
    }
  if (!check_downloadable (self, task, &error))
    {
      g_task_return_error (gtask, g_steal_pointer (&error));
      return;
    }

  queue_download (self, download_new (self, task, directory, cancellable, gtask));
}

/**
 * sd_service_download_finish:
 *
 * Returns: (transfer full): the path of the saved file
 */
char *
sd_service_download_finish (SdService     *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}


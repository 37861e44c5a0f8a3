/* sd-uploader.c: local files become links the create endpoint accepts
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

G_DEFINE_QUARK (sd-upload-error-quark, sd_upload_error)

/* SdUpload */


G_DEFINE_FINAL_TYPE (SdUpload, sd_upload, G_TYPE_OBJECT)

enum {
  UPLOAD_PROP_0,
  UPLOAD_PROP_FILE,
  UPLOAD_PROP_KIND,
  UPLOAD_PROP_STATE,
  UPLOAD_PROP_BYTES_SENT,
  UPLOAD_PROP_TOTAL,
  UPLOAD_PROP_SHA256,
  UPLOAD_PROP_URL,
  UPLOAD_PROP_EXPIRES_AT,
  UPLOAD_PROP_CACHED,
  UPLOAD_N_PROPS
};

static GParamSpec *upload_properties[UPLOAD_N_PROPS];

static void
sd_upload_finalize (GObject *object)
{
  SdUpload *self = SD_UPLOAD (object);

  g_clear_object (&self->file);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->sha256, g_free);
  g_clear_pointer (&self->url, g_free);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (sd_upload_parent_class)->finalize (object);
}

static void
sd_upload_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  SdUpload *self = SD_UPLOAD (object);

  switch (prop_id)
    {
    case UPLOAD_PROP_FILE:       g_value_set_object (value, self->file); break;
    case UPLOAD_PROP_KIND:       g_value_set_enum (value, self->kind); break;
    case UPLOAD_PROP_STATE:      g_value_set_enum (value, self->state); break;
    case UPLOAD_PROP_BYTES_SENT: g_value_set_uint64 (value, self->bytes_sent); break;
    case UPLOAD_PROP_TOTAL:      g_value_set_uint64 (value, self->total); break;
    case UPLOAD_PROP_SHA256:     g_value_set_string (value, self->sha256); break;
    case UPLOAD_PROP_URL:        g_value_set_string (value, self->url); break;
    case UPLOAD_PROP_EXPIRES_AT: g_value_set_int64 (value, self->expires_at); break;
    case UPLOAD_PROP_CACHED:     g_value_set_boolean (value, self->cached); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_upload_class_init (SdUploadClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = sd_upload_finalize;
  object_class->get_property = sd_upload_get_property;

  upload_properties[UPLOAD_PROP_FILE] = g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE, flags);
  upload_properties[UPLOAD_PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL, SD_TYPE_UPLOAD_KIND, SD_UPLOAD_KIND_IMAGE, flags);
  upload_properties[UPLOAD_PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, SD_TYPE_UPLOAD_STATE, SD_UPLOAD_STATE_CHECKING, flags);
  upload_properties[UPLOAD_PROP_BYTES_SENT] =
    g_param_spec_uint64 ("bytes-sent", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  upload_properties[UPLOAD_PROP_TOTAL] =
    g_param_spec_uint64 ("total", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  upload_properties[UPLOAD_PROP_SHA256] = g_param_spec_string ("sha256", NULL, NULL, NULL, flags);
  upload_properties[UPLOAD_PROP_URL] = g_param_spec_string ("url", NULL, NULL, NULL, flags);
  upload_properties[UPLOAD_PROP_EXPIRES_AT] =
    g_param_spec_int64 ("expires-at", NULL, NULL, 0, G_MAXINT64, 0, flags);
  upload_properties[UPLOAD_PROP_CACHED] = g_param_spec_boolean ("cached", NULL, NULL, FALSE, flags);
  g_object_class_install_properties (object_class, UPLOAD_N_PROPS, upload_properties);
}

static void
sd_upload_init (SdUpload *self)
{
  self->cancellable = g_cancellable_new ();
}

#define UPLOAD_GETTER(type, name, member) \
  type sd_upload_get_##name (SdUpload *self) \
  { \
    g_return_val_if_fail (SD_IS_UPLOAD (self), 0); \
    return self->member; \
  }

UPLOAD_GETTER (GFile *, file, file)
UPLOAD_GETTER (SdUploadKind, kind, kind)
UPLOAD_GETTER (SdUploadState, state, state)
UPLOAD_GETTER (guint64, bytes_sent, bytes_sent)
UPLOAD_GETTER (guint64, total, total)
UPLOAD_GETTER (const char *, sha256, sha256)
UPLOAD_GETTER (const char *, url, url)
UPLOAD_GETTER (gint64, expires_at, expires_at)
UPLOAD_GETTER (gboolean, cached, cached)
UPLOAD_GETTER (const GError *, error, error)

void
sd_upload_cancel (SdUpload *self)
{
  g_return_if_fail (SD_IS_UPLOAD (self));

  g_cancellable_cancel (self->cancellable);
}

void
_sd_upload_set_state (SdUpload      *self,
                      SdUploadState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), upload_properties[UPLOAD_PROP_STATE]);
}

void
_sd_upload_set_sha256 (SdUpload   *self,
                       const char *sha256)
{
  if (g_strcmp0 (self->sha256, sha256) == 0)
    return;
  g_free (self->sha256);
  self->sha256 = g_strdup (sha256);
  g_object_notify_by_pspec (G_OBJECT (self), upload_properties[UPLOAD_PROP_SHA256]);
}

void
_sd_upload_set_bytes_sent (SdUpload *self,
                           guint64   bytes)
{
  bytes = MIN (bytes, self->total);
  if (self->bytes_sent == bytes)
    return;
  self->bytes_sent = bytes;
  g_object_notify_by_pspec (G_OBJECT (self), upload_properties[UPLOAD_PROP_BYTES_SENT]);
}

static void
upload_set_link (SdUpload   *self,
                 const char *url,
                 gint64      expires_at,
                 gboolean    cached)
{
  g_object_freeze_notify (G_OBJECT (self));
  g_free (self->url);
  self->url = g_strdup (url);
  self->expires_at = expires_at;
  self->cached = cached;
  g_object_notify_by_pspec (G_OBJECT (self), upload_properties[UPLOAD_PROP_URL]);
  g_object_notify_by_pspec (G_OBJECT (self), upload_properties[UPLOAD_PROP_EXPIRES_AT]);
  g_object_notify_by_pspec (G_OBJECT (self), upload_properties[UPLOAD_PROP_CACHED]);
  _sd_upload_set_state (self, SD_UPLOAD_STATE_DONE);
  g_object_thaw_notify (G_OBJECT (self));
}

char *
_sd_upload_name (SdUpload *self)
{
  return g_file_get_parse_name (self->file);
}

/* SdUploader */


G_DEFINE_FINAL_TYPE (SdUploader, sd_uploader, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PRIVACY_ACKNOWLEDGED,
  PROP_CACHE_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

guint _sd_uploader_signals[N_SIGNALS];


void
_sd_uploader_cache_entry_free (CacheEntry *entry)
{
  g_free (entry->url);
  g_free (entry);
}

static void
sd_uploader_finalize (GObject *object)
{
  SdUploader *self = SD_UPLOADER (object);

  _sd_uploader_hashes_wait (self);
  _sd_uploader_cache_close (self);
  g_clear_object (&self->client);
  g_clear_pointer (&self->service, sd_upload_service_free);
  g_clear_pointer (&self->cache_path, g_free);
  g_clear_pointer (&self->cache_error, g_free);
  g_clear_pointer (&self->cache, g_hash_table_unref);
  g_clear_pointer (&self->unsupported, g_hash_table_unref);
  g_clear_pointer (&self->memo, g_hash_table_unref);
  g_clear_pointer (&self->in_flight, g_hash_table_unref);
  g_clear_pointer (&self->hashing, g_hash_table_unref);
  g_clear_pointer (&self->following, g_hash_table_unref);
  g_queue_clear_full (&self->waiting, g_object_unref);

  G_OBJECT_CLASS (sd_uploader_parent_class)->finalize (object);
}

static void
sd_uploader_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  SdUploader *self = SD_UPLOADER (object);

  switch (prop_id)
    {
    case PROP_PRIVACY_ACKNOWLEDGED:
      g_value_set_boolean (value, self->privacy_acknowledged);
      break;
    case PROP_CACHE_ERROR:
      g_value_set_string (value, self->cache_error);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_uploader_class_init (SdUploaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sd_uploader_finalize;
  object_class->get_property = sd_uploader_get_property;

  properties[PROP_PRIVACY_ACKNOWLEDGED] =
    g_param_spec_boolean ("privacy-acknowledged", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CACHE_ERROR] =
    g_param_spec_string ("cache-error", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  _sd_uploader_signals[SIGNAL_UPLOAD_STARTED] =
    g_signal_new ("upload-started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, SD_TYPE_UPLOAD);
}

static void
sd_uploader_init (SdUploader *self)
{
  self->cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) _sd_uploader_cache_entry_free);
  self->unsupported = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->memo = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->in_flight = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->hashing = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) _sd_uploader_hash_later_unref);
  self->following = g_hash_table_new (NULL, NULL);
  g_queue_init (&self->waiting);
  self->lifetime = SD_UPLOAD_LIFETIME_S;
}

static char *
privacy_state_path (void)
{
  return g_build_filename (g_get_user_state_dir (), "seedance-studio",
                           "upload-privacy-acknowledged", NULL);
}

SdUploader *
sd_uploader_new (SdClient   *client,
                 const char *cache_path)
{
  SdUploader *self;
  g_autofree char *privacy = privacy_state_path ();

  g_return_val_if_fail (SD_IS_CLIENT (client), NULL);

  self = g_object_new (SD_TYPE_UPLOADER, NULL);
  self->client = g_object_ref (client);
  self->cache_path = cache_path != NULL
    ? g_strdup (cache_path)
    : g_build_filename (g_get_user_cache_dir (), "seedance-studio", "uploads.json", NULL);
  self->privacy_acknowledged = g_file_test (privacy, G_FILE_TEST_EXISTS);
  _sd_uploader_cache_load (self);
  return self;
}

void
sd_uploader_set_service (SdUploader      *self,
                         SdUploadService *service)
{
  g_return_if_fail (SD_IS_UPLOADER (self));

  g_clear_pointer (&self->service, sd_upload_service_free);
  if (service != NULL)
    self->service = _sd_upload_service_copy (service);
}

void
sd_uploader_set_link_lifetime (SdUploader *self,
                               gint64      seconds)
{
  g_return_if_fail (SD_IS_UPLOADER (self));

  self->lifetime = seconds;
}

const char *
sd_uploader_get_privacy_notice (void)
{
  return _("An uploaded file gets a link that anyone who has the link can open, for about 3 days.");
}

gboolean
sd_uploader_get_privacy_acknowledged (SdUploader *self)
{
  g_return_val_if_fail (SD_IS_UPLOADER (self), FALSE);

  return self->privacy_acknowledged;
}

void
sd_uploader_acknowledge_privacy (SdUploader *self)
{
  g_autofree char *path = privacy_state_path ();
  g_autofree char *dir = g_path_get_dirname (path);

  g_return_if_fail (SD_IS_UPLOADER (self));

  if (self->privacy_acknowledged)
    return;
  if (g_mkdir_with_parents (dir, 0700) != 0 || !g_file_set_contents (path, "", 0, NULL))
    g_debug ("privacy acknowledgement not written to %s", path);
  self->privacy_acknowledged = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRIVACY_ACKNOWLEDGED]);
}

const char *
sd_uploader_get_cache_error (SdUploader *self)
{
  g_return_val_if_fail (SD_IS_UPLOADER (self), NULL);

  return self->cache_error;
}

void
_sd_uploader_set_cache_error (SdUploader *self,
                              const char *text)
{
  if (g_strcmp0 (self->cache_error, text) == 0)
    return;
  g_free (self->cache_error);
  self->cache_error = g_strdup (text);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CACHE_ERROR]);
}

/* Where uploads go now, as the cache tells them apart: the provider's
 * endpoint at the API base, or the custom service with the field it takes
 * and where its answer has the link. An address alone is not enough: a
 * service may be set to the API's own address, and its links are not the
 * provider's. */
static char *
upload_target (SdUploader *self)
{
  const char *base;

  if (self->service != NULL)
    return g_strdup_printf ("service:%s field:%s path:%s", self->service->url,
                            self->service->field, self->service->json_path);
  base = sd_client_get_base_url (self->client);
  return base != NULL ? g_strconcat ("api:", base, NULL) : NULL;
}

char *
_sd_uploader_cache_key (const char *sha256,
                        const char *target)
{
  return g_strconcat (sha256, " ", target, NULL);
}

/* One upload job: check, cache, wait for a slot, send, read the answer. */

static void
job_free (Job *job)
{
  if (job->queued_handler != 0)
    g_cancellable_disconnect (job->upload->cancellable, job->queued_handler);
  if (job->caller_handler != 0)
    g_cancellable_disconnect (job->caller_cancellable, job->caller_handler);
  g_clear_object (&job->caller_cancellable);
  g_clear_handle_id (&job->retry_source, g_source_remove);
  g_clear_object (&job->upload);
  g_free (job->content_type);
  g_free (job->target);
  g_clear_object (&job->message);
  g_clear_pointer (&job->answer, g_byte_array_unref);
  g_clear_object (&job->body);
  g_clear_pointer (&job->followers, g_ptr_array_unref);
  g_clear_pointer (&job->later, _sd_uploader_hash_later_unref);
  g_free (job->identity);
  g_free (job);
}

static void
on_caller_cancelled_cb (GCancellable *cancellable,
                        gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

static void start_next_waiting (SdUploader *self);

/* The sending thread closes the answer's stream once it is read, which
 * gives its connection back to the session (2 a host). */
static void
job_release_slot (SdUploader *self,
                  Job        *job)
{
  g_clear_object (&job->message);
  if (!job->holds_slot)
    return;
  job->holds_slot = FALSE;
  self->active--;
  start_next_waiting (self);
}

static void job_release_followers (SdUploader   *self,
                                   GTask        *task,
                                   const GError *error);

void
_sd_uploader_job_fail (GTask  *task,
                       GError *error)
{
  SdUploader *self = g_task_get_source_object (task);
  Job *job = g_task_get_task_data (task);
  g_autofree char *name = _sd_upload_name (job->upload);

  g_debug ("upload of %s failed: %s", name, error->message);
  g_clear_error (&job->upload->error);
  job->upload->error = g_error_copy (error);
  _sd_upload_set_state (job->upload, SD_UPLOAD_STATE_FAILED);
  _sd_uploader_hash_abandon (self, job);
  job_release_slot (self, job);
  job_release_followers (self, task, error);
  g_task_return_error (task, error);
}

/* Fails @task (and drops the reference the caller held) when its upload
 * was cancelled; returns whether it did. */
gboolean
_sd_uploader_job_end_if_cancelled (GTask *task)
{
  Job *job = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!g_cancellable_set_error_if_cancelled (job->upload->cancellable, &error))
    return FALSE;
  _sd_uploader_job_fail (task, error);
  g_object_unref (task);
  return TRUE;
}

void
_sd_uploader_job_succeed (GTask      *task,
                          const char *url,
                          gint64      created_at,
                          gboolean    cached)
{
  SdUploader *self = g_task_get_source_object (task);
  Job *job = g_task_get_task_data (task);

  upload_set_link (job->upload, url, created_at + self->lifetime, cached);
  job_release_slot (self, job);
  job_release_followers (self, task, NULL);
  g_task_return_pointer (task, g_object_ref (job->upload), g_object_unref);
}

static void
job_leave_queue (Job *job)
{
  if (job->queued_handler != 0)
    g_cancellable_disconnect (job->upload->cancellable, job->queued_handler);
  job->queued_handler = 0;
}

/* Followers: a second upload of a file already on its way waits for the
 * first one's link instead of sending it again. */

static void
on_leader_progress_cb (SdUpload   *leader,
                       GParamSpec *pspec,
                       SdUpload   *follower)
{
  SdUploadState state = sd_upload_get_state (leader);

  _sd_upload_set_bytes_sent (follower, sd_upload_get_bytes_sent (leader));
  if (state == SD_UPLOAD_STATE_QUEUED || state == SD_UPLOAD_STATE_SENDING)
    _sd_upload_set_state (follower, state);
}

static void
job_unfollow (SdUploader *self,
              GTask      *task)
{
  Job *job = g_task_get_task_data (task);
  Job *leader = job->leader != NULL ? g_task_get_task_data (job->leader) : NULL;

  job_leave_queue (job);
  g_hash_table_remove (self->following, task);
  for (guint i = 0; leader != NULL && i < G_N_ELEMENTS (job->leader_handlers); i++)
    g_clear_signal_handler (&job->leader_handlers[i], leader->upload);
  job->leader = NULL;
}

static void job_dispatch (SdUploader *self,
                          GTask      *task);

static void
leave_in_flight (SdUploader *self,
                 GTask      *task)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->in_flight);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (value == task)
      g_hash_table_iter_remove (&iter);
}

/* The leader is over: its followers get its link or its error; when it
 * was cancelled they are not, and the first of them sends instead. */
static void
job_release_followers (SdUploader   *self,
                       GTask        *task,
                       const GError *error)
{
  Job *job = g_task_get_task_data (task);
  g_autoptr(GPtrArray) followers = g_steal_pointer (&job->followers);

  leave_in_flight (self, task);
  for (guint i = 0; followers != NULL && i < followers->len; i++)
    {
      GTask *follower = g_ptr_array_index (followers, i);
      Job *other = g_task_get_task_data (follower);

      job_unfollow (self, follower);
      if (error == NULL)
        {
          if (other->upload->sha256 == NULL)
            _sd_upload_set_sha256 (other->upload, job->upload->sha256);
          _sd_uploader_job_succeed (follower, job->upload->url,
                                    job->upload->expires_at - self->lifetime, FALSE);
        }
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        job_dispatch (self, g_object_ref (follower));
      else
        _sd_uploader_job_fail (follower, g_error_copy (error));
    }
}

/* A queued upload cancelled: out of the queue at once, not when a slot
 * frees. Only the uploader and the task's address travel (no reference):
 * a task still in the queue, or following another, is alive. */
typedef struct
{
  GWeakRef  uploader;
  GTask    *task;
} QueuedCancel;

static void
queued_cancel_free (QueuedCancel *data)
{
  g_weak_ref_clear (&data->uploader);
  g_free (data);
}

static gboolean
on_queued_cancelled_idle (gpointer user_data)
{
  QueuedCancel *data = user_data;
  g_autoptr(SdUploader) self = g_weak_ref_get (&data->uploader);
  GList *link = self != NULL ? g_queue_find (&self->waiting, data->task) : NULL;
  GTask *task;
  GTask *leader;

  if (self != NULL && link == NULL &&
      g_hash_table_lookup_extended (self->following, data->task, NULL, (gpointer *) &leader))
    {
      g_autoptr(GTask) follower = g_object_ref (data->task);

      g_ptr_array_remove (((Job *) g_task_get_task_data (leader))->followers, follower);
      job_unfollow (self, follower);
      _sd_uploader_job_fail (follower, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                           _("The upload was cancelled.")));
      return G_SOURCE_REMOVE;
    }
  if (link == NULL)
    return G_SOURCE_REMOVE;
  task = link->data;
  g_queue_delete_link (&self->waiting, link);
  job_leave_queue (g_task_get_task_data (task));
  _sd_uploader_job_fail (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                       _("The upload was cancelled.")));
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

static void
on_queued_cancelled_cb (GCancellable *cancellable,
                        gpointer      user_data)
{
  QueuedCancel *template = user_data;
  QueuedCancel *data = g_new0 (QueuedCancel, 1);
  g_autoptr(SdUploader) self = g_weak_ref_get (&template->uploader);
  g_autoptr(GSource) idle = g_idle_source_new ();

  g_weak_ref_init (&data->uploader, self);
  data->task = template->task;
  /* always later, never from inside this handler: disconnecting it here
   * would deadlock */
  g_source_set_callback (idle, on_queued_cancelled_idle, data, (GDestroyNotify) queued_cancel_free);
  g_source_set_static_name (idle, "[sd-uploader] queued upload cancelled");
  g_source_attach (idle, g_task_get_context (data->task));
}

static void
job_watch_cancel (SdUploader *self,
                  GTask      *task)
{
  Job *job = g_task_get_task_data (task);
  QueuedCancel *data = g_new0 (QueuedCancel, 1);

  g_weak_ref_init (&data->uploader, self);
  data->task = task;
  job->queued_handler = g_cancellable_connect (job->upload->cancellable,
                                               G_CALLBACK (on_queued_cancelled_cb), data,
                                               (GDestroyNotify) queued_cancel_free);
}

static void
job_enter_queue (SdUploader *self,
                 GTask      *task)
{
  g_queue_push_tail (&self->waiting, task);
  job_watch_cancel (self, task);
}

/* @task (owned) waits for @leader, the upload of the same file. */
static void
job_follow (SdUploader *self,
            GTask      *task,
            GTask      *leader)
{
  Job *job = g_task_get_task_data (task);
  Job *lead = g_task_get_task_data (leader);
  g_autofree char *name = _sd_upload_name (job->upload);

  g_debug ("upload of %s: the same file is on its way; waiting for its link", name);
  if (lead->followers == NULL)
    lead->followers = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (lead->followers, task);
  g_hash_table_insert (self->following, task, leader);
  job->leader = leader;
  job->leader_handlers[0] = g_signal_connect (lead->upload, "notify::state",
                                              G_CALLBACK (on_leader_progress_cb), job->upload);
  job->leader_handlers[1] = g_signal_connect (lead->upload, "notify::bytes-sent",
                                              G_CALLBACK (on_leader_progress_cb), job->upload);
  _sd_upload_set_state (job->upload, SD_UPLOAD_STATE_QUEUED);
  on_leader_progress_cb (lead->upload, NULL, job->upload);
  job_watch_cancel (self, task);
}

static void
start_next_waiting (SdUploader *self)
{
  while (self->active < MAX_AT_ONCE && !g_queue_is_empty (&self->waiting))
    {
      GTask *task = g_queue_pop_head (&self->waiting);
      Job *job = g_task_get_task_data (task);

      job_leave_queue (job);
      self->active++;
      job->holds_slot = TRUE;
      _sd_uploader_job_send (task);
    }
}

/* The keys an upload in flight is found by: its file as it was looked at,
 * and its content once it is known, each with where it goes. */
char *
_sd_uploader_identity_key (Job *job)
{
  g_autofree char *file = job->identity != NULL ? g_strconcat ("file:", job->identity, NULL) : NULL;

  return file != NULL ? _sd_uploader_cache_key (file, job->target) : NULL;
}

static GTask *
find_in_flight (SdUploader *self,
                Job        *job)
{
  g_autofree char *by_file = _sd_uploader_identity_key (job);
  g_autofree char *by_content = job->upload->sha256 != NULL
                                ? _sd_uploader_cache_key (job->upload->sha256, job->target) : NULL;
  GTask *leader = by_content != NULL ? g_hash_table_lookup (self->in_flight, by_content) : NULL;

  if (leader == NULL && by_file != NULL)
    leader = g_hash_table_lookup (self->in_flight, by_file);
  return leader;
}

static void
enter_in_flight (SdUploader *self,
                 GTask      *task)
{
  Job *job = g_task_get_task_data (task);
  char *by_file = _sd_uploader_identity_key (job);

  if (by_file != NULL)
    g_hash_table_replace (self->in_flight, by_file, task);
  if (job->upload->sha256 != NULL)
    g_hash_table_replace (self->in_flight,
                          _sd_uploader_cache_key (job->upload->sha256, job->target), task);
}

/* @task (owned), its file checked and not in the cache: follows the same
 * file on its way, or waits for a slot to send it. */
static void
job_dispatch (SdUploader *self,
              GTask      *task)
{
  Job *job = g_task_get_task_data (task);
  GTask *leader = find_in_flight (self, job);

  if (leader != NULL)
    {
      job_follow (self, task, leader);
      return;
    }
  if (!job->custom && sd_client_get_base_url (self->client) != NULL &&
      g_hash_table_contains (self->unsupported, sd_client_get_base_url (self->client)))
    {
      _sd_uploader_job_fail (task, _sd_uploader_unsupported_error (self, "known"));
      g_object_unref (task);
      return;
    }
  enter_in_flight (self, task);
  _sd_upload_set_state (job->upload, SD_UPLOAD_STATE_QUEUED);
  job_enter_queue (self, task);
  start_next_waiting (self);
}

/* Whether a live cache entry for @target has @size bytes: only then can
 * a file not seen before be in the cache, and is it worth hashing first. */
static gboolean
cache_may_hold (SdUploader *self,
                const char *target,
                guint64     size)
{
  g_autofree char *suffix = g_strconcat (" ", target, NULL);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->cache);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      CacheEntry *entry = value;

      if (entry->size == size && entry->created_at + self->lifetime > now &&
          g_str_has_suffix (key, suffix))
        return TRUE;
    }
  return FALSE;
}

static void
job_take_facts (SdUploader *self,
                Job        *job,
                Facts      *facts)
{
  const char *known = facts->identity != NULL ? g_hash_table_lookup (self->memo, facts->identity) : NULL;

  if (job->upload->total != facts->size)
    {
      job->upload->total = facts->size;
      g_object_notify_by_pspec (G_OBJECT (job->upload), upload_properties[UPLOAD_PROP_TOTAL]);
    }
  g_free (job->content_type);
  job->content_type = g_strdup (facts->content_type);
  g_free (job->identity);
  job->identity = g_strdup (facts->identity);
  if (facts->sha256 != NULL && facts->identity != NULL)
    _sd_uploader_remember (self, facts->identity, facts->sha256);
  _sd_upload_set_sha256 (job->upload, facts->sha256 != NULL ? facts->sha256 : known);
}

static void job_look_up (SdUploader *self,
                         GTask      *task);

static void on_facts_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data);

/* The file's facts, read in a thread, then on_facts_cb() with @task. */
static void
read_facts_async (SdUploader *self,
                  SdUpload   *upload,
                  gboolean    hash,
                  GTask      *task)
{
  /* no source object: the thread never holds the uploader (@task does,
   * and it ends on the main context) */
  g_autoptr(GTask) facts_task = g_task_new (NULL, upload->cancellable, on_facts_cb, task);
  FactsWanted *wanted = g_new0 (FactsWanted, 1);

  wanted->upload = g_object_ref (upload);
  wanted->hash = hash;
  g_task_set_task_data (facts_task, wanted, (GDestroyNotify) _sd_uploader_facts_wanted_free);
  g_task_run_in_thread (facts_task, _sd_uploader_read_facts_thread);
}

static void
on_facts_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SdUploader *self = g_task_get_source_object (task);
  Job *job = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  Facts *facts = g_task_propagate_pointer (G_TASK (result), &error);
  g_autofree char *name = _sd_upload_name (job->upload);
  g_autofree char *target = upload_target (self);

  if (facts == NULL)
    {
      _sd_uploader_job_fail (task, g_steal_pointer (&error));
      return;
    }
  job_take_facts (self, job, facts);
  _sd_uploader_facts_free (facts);

  if (target == NULL)
    {
      _sd_uploader_job_fail (task, g_error_new_literal (SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_SERVICE,
                                           _("No API address is set, so there is nowhere to upload to.")));
      return;
    }
  g_free (job->target);
  job->target = g_strdup (target);
  job->custom = self->service != NULL;

  /* the same file (or a copy) may have just been sent, its link not
   * cached until it is hashed */
  if (_sd_uploader_hash_later_wait_for (self, task))
    {
      g_debug ("upload of %s: a file of its size was just sent; waiting for its hash", name);
      task = NULL;
      return;
    }
  job_look_up (self, g_steal_pointer (&task));
}

/* @task (owned), its facts known: from the cache, or to be sent. */
static void
job_look_up (SdUploader *self,
             GTask      *task)
{
  Job *job = g_task_get_task_data (task);
  g_autofree char *key = NULL;
  g_autofree char *name = _sd_upload_name (job->upload);
  const char *target = job->target;
  CacheEntry *entry;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (job->upload->sha256 == NULL && !job->hashed_first &&
      cache_may_hold (self, target, job->upload->total))
    {
      g_debug ("upload of %s: a cached link has its size; hashing it first", name);
      job->hashed_first = TRUE;
      read_facts_async (self, job->upload, TRUE, task);
      return;
    }

  key = job->upload->sha256 != NULL ? _sd_uploader_cache_key (job->upload->sha256, target) : NULL;
  entry = key != NULL ? g_hash_table_lookup (self->cache, key) : NULL;
  if (entry != NULL && entry->created_at + self->lifetime > now)
    {
      g_debug ("upload of %s: %" G_GUINT64_FORMAT " bytes, sha256 %.12s…, cache hit",
               name, job->upload->total, job->upload->sha256);
      _sd_uploader_job_succeed (task, entry->url, entry->created_at, TRUE);
      g_object_unref (task);
      return;
    }
  g_debug ("upload of %s: %" G_GUINT64_FORMAT " bytes, cache %s%s", name, job->upload->total,
           entry != NULL ? "expired" : "miss",
           job->upload->sha256 == NULL ? " (hashed beside its send)" : "");
  job_dispatch (self, task);
}

void
_sd_uploader_job_resume (GTask *task)
{
  SdUploader *self = g_task_get_source_object (task);
  Job *job = g_task_get_task_data (task);

  if (_sd_uploader_job_end_if_cancelled (task))
    return;
  if (job->identity != NULL)
    _sd_upload_set_sha256 (job->upload, g_hash_table_lookup (self->memo, job->identity));
  job_look_up (self, task);
}

SdUpload *
sd_uploader_upload_async (SdUploader          *self,
                          GFile               *file,
                          SdUploadKind         kind,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Job *job;

  g_return_val_if_fail (SD_IS_UPLOADER (self), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sd_uploader_upload_async);
  g_task_set_check_cancellable (task, FALSE);
  job = g_new0 (Job, 1);
  job->upload = g_object_new (SD_TYPE_UPLOAD, NULL);
  job->upload->file = g_object_ref (file);
  job->upload->kind = kind;
  if (cancellable != NULL)
    {
      job->caller_cancellable = g_object_ref (cancellable);
      job->caller_handler = g_cancellable_connect (cancellable, G_CALLBACK (on_caller_cancelled_cb),
                                                   g_object_ref (job->upload->cancellable),
                                                   g_object_unref);
    }
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);

  read_facts_async (self, job->upload, FALSE, g_object_ref (task));
  return job->upload;
}

SdUpload *
sd_uploader_upload_finish (SdUploader    *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

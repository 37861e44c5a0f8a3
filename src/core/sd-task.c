/* sd-task.c: one generation task, as the service knows it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-task"

#include "config.h"

#include <math.h>

#include "sd-enum-types.h"
#include "sd-task.h"

struct _SdTask
{
  GObject parent_instance;

  char            *id;
  SdRequest       *request;       /* NULL until first asked for when loaded */
  char            *request_text;  /* the stored request, until parsed */
  SdTaskRequestParser parse_request;
  SdTaskStatus     status;
  char            *status_raw;
  char            *server_model;
  gint64           created_at;
  gint64           first_seen_at;
  gint64           updated_at;
  char            *failure_message;
  char            *video_url;
  gint64           expires_at;
  char            *local_file;
  double           download_progress;
  SdDownloadState  download_state;
  char            *download_error;
  gboolean         favourite;
  int              progress;
  gint64           estimate;          /* millionths of the currency; -1: none */
  char            *estimate_currency;
  char            *group_id;
  char            *group_label;
  char            *label;         /* the task's own (a batch line's "label") */
  char            *retry_of;
  char            *continues;
  gint64           queue_position;
  gint64           not_found_since; /* real time, µs, of the first 404 in a row; 0: none */
  gboolean         unwatched;
};

G_DEFINE_FINAL_TYPE (SdTask, sd_task, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_REQUEST,
  PROP_STATUS,
  PROP_STATUS_RAW,
  PROP_SERVER_MODEL,
  PROP_CREATED_AT,
  PROP_FIRST_SEEN_AT,
  PROP_UPDATED_AT,
  PROP_FAILURE_MESSAGE,
  PROP_VIDEO_URL,
  PROP_EXPIRES_AT,
  PROP_LOCAL_FILE,
  PROP_DOWNLOAD_PROGRESS,
  PROP_DOWNLOAD_STATE,
  PROP_DOWNLOAD_ERROR,
  PROP_IS_FINISHED,
  PROP_FAVOURITE,
  PROP_PROGRESS,
  PROP_ESTIMATE,
  PROP_GROUP_ID,
  PROP_GROUP_LABEL,
  PROP_LABEL,
  PROP_RETRY_OF,
  PROP_CONTINUES,
  PROP_QUEUE_POSITION,
  PROP_NOT_FOUND_SINCE,
  PROP_WATCHED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Nothing more will be learnt by polling: the server said the last word,
 * or there is no server id to ask about (uncertain), or the server has not
 * known the task for too long (not found). */
static gboolean
status_is_finished (SdTaskStatus status)
{
  return status == SD_TASK_STATUS_COMPLETED || status == SD_TASK_STATUS_FAILED ||
         status == SD_TASK_STATUS_UNCERTAIN || status == SD_TASK_STATUS_NOT_FOUND;
}

static gboolean
set_string (SdTask      *self,
            char       **field,
            const char  *value,
            int          prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
  return TRUE;
}

/* The link lifetime counts from creation, as the provider counts it, but
 * never from before this machine first saw the task: a server clock (or a
 * created_at) far in the past must not make a fresh link look expired. */
static void
update_expires_at (SdTask *self)
{
  gint64 from = MAX (self->created_at, self->first_seen_at);
  gint64 expires_at = 0;

  if (self->status == SD_TASK_STATUS_COMPLETED)
    expires_at = from <= G_MAXINT64 - SD_TASK_LINK_LIFETIME ? from + SD_TASK_LINK_LIFETIME
                                                            : G_MAXINT64;
  if (self->expires_at == expires_at)
    return;
  self->expires_at = expires_at;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EXPIRES_AT]);
}

static void
sd_task_finalize (GObject *object)
{
  SdTask *self = SD_TASK (object);

  g_free (self->id);
  g_clear_object (&self->request);
  g_free (self->request_text);
  g_free (self->status_raw);
  g_free (self->server_model);
  g_free (self->failure_message);
  g_free (self->video_url);
  g_free (self->local_file);
  g_free (self->download_error);
  g_free (self->estimate_currency);
  g_free (self->group_id);
  g_free (self->group_label);
  g_free (self->label);
  g_free (self->retry_of);
  g_free (self->continues);

  G_OBJECT_CLASS (sd_task_parent_class)->finalize (object);
}

static void
sd_task_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  SdTask *self = SD_TASK (object);

  switch (prop_id)
    {
    case PROP_ID:                g_value_set_string (value, self->id); break;
    case PROP_REQUEST:           g_value_set_object (value, sd_task_get_request (self)); break;
    case PROP_STATUS:            g_value_set_enum (value, self->status); break;
    case PROP_STATUS_RAW:        g_value_set_string (value, self->status_raw); break;
    case PROP_SERVER_MODEL:      g_value_set_string (value, self->server_model); break;
    case PROP_CREATED_AT:        g_value_set_int64 (value, self->created_at); break;
    case PROP_FIRST_SEEN_AT:     g_value_set_int64 (value, self->first_seen_at); break;
    case PROP_UPDATED_AT:        g_value_set_int64 (value, self->updated_at); break;
    case PROP_FAILURE_MESSAGE:   g_value_set_string (value, self->failure_message); break;
    case PROP_VIDEO_URL:         g_value_set_string (value, self->video_url); break;
    case PROP_EXPIRES_AT:        g_value_set_int64 (value, self->expires_at); break;
    case PROP_LOCAL_FILE:        g_value_set_string (value, self->local_file); break;
    case PROP_DOWNLOAD_PROGRESS: g_value_set_double (value, self->download_progress); break;
    case PROP_DOWNLOAD_STATE:    g_value_set_enum (value, self->download_state); break;
    case PROP_DOWNLOAD_ERROR:    g_value_set_string (value, self->download_error); break;
    case PROP_IS_FINISHED:       g_value_set_boolean (value, sd_task_get_is_finished (self)); break;
    case PROP_FAVOURITE:         g_value_set_boolean (value, self->favourite); break;
    case PROP_PROGRESS:          g_value_set_int (value, self->progress); break;
    case PROP_ESTIMATE:          g_value_set_int64 (value, self->estimate); break;
    case PROP_GROUP_ID:          g_value_set_string (value, self->group_id); break;
    case PROP_GROUP_LABEL:       g_value_set_string (value, self->group_label); break;
    case PROP_LABEL:             g_value_set_string (value, self->label); break;
    case PROP_RETRY_OF:          g_value_set_string (value, self->retry_of); break;
    case PROP_CONTINUES:         g_value_set_string (value, self->continues); break;
    case PROP_QUEUE_POSITION:    g_value_set_int64 (value, self->queue_position); break;
    case PROP_NOT_FOUND_SINCE:   g_value_set_int64 (value, self->not_found_since); break;
    case PROP_WATCHED:           g_value_set_boolean (value, !self->unwatched); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_task_set_property (GObject      *object,
                      guint         prop_id,
                      const GValue *value,
                      GParamSpec   *pspec)
{
  SdTask *self = SD_TASK (object);

  switch (prop_id)
    {
    case PROP_ID:                self->id = g_value_dup_string (value); break;
    case PROP_REQUEST:           self->request = g_value_dup_object (value); break;
    case PROP_STATUS:            sd_task_set_status (self, g_value_get_enum (value), self->status_raw); break;
    case PROP_STATUS_RAW:        sd_task_set_status (self, self->status, g_value_get_string (value)); break;
    case PROP_SERVER_MODEL:      sd_task_set_server_model (self, g_value_get_string (value)); break;
    case PROP_CREATED_AT:        sd_task_set_created_at (self, g_value_get_int64 (value)); break;
    case PROP_FIRST_SEEN_AT:     sd_task_set_first_seen_at (self, g_value_get_int64 (value)); break;
    case PROP_UPDATED_AT:        sd_task_set_updated_at (self, g_value_get_int64 (value)); break;
    case PROP_FAILURE_MESSAGE:   sd_task_set_failure_message (self, g_value_get_string (value)); break;
    case PROP_VIDEO_URL:         sd_task_set_video_url (self, g_value_get_string (value)); break;
    case PROP_LOCAL_FILE:        sd_task_set_local_file (self, g_value_get_string (value)); break;
    case PROP_DOWNLOAD_PROGRESS: sd_task_set_download_progress (self, g_value_get_double (value)); break;
    case PROP_DOWNLOAD_STATE:    sd_task_set_download_state (self, g_value_get_enum (value)); break;
    case PROP_DOWNLOAD_ERROR:    sd_task_set_download_error (self, g_value_get_string (value)); break;
    case PROP_FAVOURITE:         sd_task_set_favourite (self, g_value_get_boolean (value)); break;
    case PROP_PROGRESS:          sd_task_set_progress (self, g_value_get_int (value)); break;
    case PROP_GROUP_ID:          sd_task_set_group_id (self, g_value_get_string (value)); break;
    case PROP_GROUP_LABEL:       sd_task_set_group_label (self, g_value_get_string (value)); break;
    case PROP_LABEL:             sd_task_set_label (self, g_value_get_string (value)); break;
    case PROP_RETRY_OF:          sd_task_set_retry_of (self, g_value_get_string (value)); break;
    case PROP_CONTINUES:         sd_task_set_continues (self, g_value_get_string (value)); break;
    case PROP_QUEUE_POSITION:    sd_task_set_queue_position (self, g_value_get_int64 (value)); break;
    case PROP_NOT_FOUND_SINCE:   sd_task_set_not_found_since (self, g_value_get_int64 (value)); break;
    case PROP_WATCHED:           sd_task_set_watched (self, g_value_get_boolean (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

#define RW_FLAGS (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS)
#define RO_FLAGS (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS)
#define CONSTRUCT_FLAGS (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS)

static GParamSpec *
string_param (const char *name)
{
  return g_param_spec_string (name, NULL, NULL, NULL, RW_FLAGS);
}

static GParamSpec *
time_param (const char *name,
            GParamFlags flags)
{
  return g_param_spec_int64 (name, NULL, NULL, 0, G_MAXINT64, 0, flags);
}

static void
sd_task_class_init (SdTaskClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sd_task_finalize;
  object_class->get_property = sd_task_get_property;
  object_class->set_property = sd_task_set_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL, CONSTRUCT_FLAGS);
  properties[PROP_REQUEST] =
    g_param_spec_object ("request", NULL, NULL, SD_TYPE_REQUEST, CONSTRUCT_FLAGS);
  properties[PROP_STATUS] =
    g_param_spec_enum ("status", NULL, NULL, SD_TYPE_TASK_STATUS,
                       SD_TASK_STATUS_UNKNOWN, RW_FLAGS);
  properties[PROP_STATUS_RAW] = string_param ("status-raw");
  properties[PROP_SERVER_MODEL] = string_param ("server-model");
  properties[PROP_CREATED_AT] = time_param ("created-at", RW_FLAGS);
  properties[PROP_FIRST_SEEN_AT] = time_param ("first-seen-at", RW_FLAGS);
  properties[PROP_UPDATED_AT] = time_param ("updated-at", RW_FLAGS);
  properties[PROP_FAILURE_MESSAGE] = string_param ("failure-message");
  properties[PROP_VIDEO_URL] = string_param ("video-url");
  properties[PROP_EXPIRES_AT] = time_param ("expires-at", RO_FLAGS);
  properties[PROP_LOCAL_FILE] = string_param ("local-file");
  properties[PROP_DOWNLOAD_PROGRESS] =
    g_param_spec_double ("download-progress", NULL, NULL, 0.0, 1.0, 0.0, RW_FLAGS);
  properties[PROP_DOWNLOAD_STATE] =
    g_param_spec_enum ("download-state", NULL, NULL, SD_TYPE_DOWNLOAD_STATE,
                       SD_DOWNLOAD_STATE_NONE, RW_FLAGS);
  properties[PROP_DOWNLOAD_ERROR] = string_param ("download-error");
  properties[PROP_IS_FINISHED] =
    g_param_spec_boolean ("is-finished", NULL, NULL, FALSE, RO_FLAGS);
  properties[PROP_FAVOURITE] =
    g_param_spec_boolean ("favourite", NULL, NULL, FALSE, RW_FLAGS);
  properties[PROP_PROGRESS] =
    g_param_spec_int ("progress", NULL, NULL, -1, 100, -1, RW_FLAGS);
  /* Set with its currency by sd_task_set_estimate(). */
  properties[PROP_ESTIMATE] =
    g_param_spec_int64 ("estimate", NULL, NULL, -1, G_MAXINT64, -1, RO_FLAGS);
  properties[PROP_GROUP_ID] = string_param ("group-id");
  properties[PROP_GROUP_LABEL] = string_param ("group-label");
  properties[PROP_LABEL] = string_param ("label");
  properties[PROP_RETRY_OF] = string_param ("retry-of");
  properties[PROP_CONTINUES] = string_param ("continues");
  properties[PROP_QUEUE_POSITION] =
    g_param_spec_int64 ("queue-position", NULL, NULL, 0, G_MAXINT64, 0, RW_FLAGS);
  properties[PROP_NOT_FOUND_SINCE] = time_param ("not-found-since", RW_FLAGS);
  properties[PROP_WATCHED] =
    g_param_spec_boolean ("watched", NULL, NULL, TRUE, RW_FLAGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sd_task_init (SdTask *self)
{
  self->progress = -1;
  self->estimate = -1;
}

/**
 * sd_task_new:
 * @id: the server's task id
 * @request: what was sent for it
 *
 * Returns: (transfer full): a task in the UNKNOWN state, without times.
 */
SdTask *
sd_task_new (const char *id,
             SdRequest  *request)
{
  g_return_val_if_fail (id != NULL && *id != '\0', NULL);
  g_return_val_if_fail (SD_IS_REQUEST (request), NULL);

  return g_object_new (SD_TYPE_TASK, "id", id, "request", request, NULL);
}

const char *
sd_task_get_id (SdTask *self)
{
  g_return_val_if_fail (SD_IS_TASK (self), NULL);
  return self->id;
}

/**
 * sd_task_new_unparsed:
 * @id: the server's task id
 * @request_text: (nullable): the request as stored
 * @parse: turns @request_text into a request (or returns %NULL)
 *
 * A task whose request is parsed when first asked for: loading a long
 * history then costs no parsing for the tasks nobody looks at. A text
 * that does not parse gives an empty request.
 *
 * Returns: (transfer full): a task in the UNKNOWN state, without times.
 */
SdTask *
sd_task_new_unparsed (const char          *id,
                      const char          *request_text,
                      SdTaskRequestParser  parse)
{
  SdTask *self;

  g_return_val_if_fail (id != NULL && *id != '\0', NULL);
  g_return_val_if_fail (parse != NULL, NULL);

  self = g_object_new (SD_TYPE_TASK, "id", id, NULL);
  self->request_text = g_strdup (request_text);
  self->parse_request = parse;
  return self;
}

SdRequest *
sd_task_get_request (SdTask *self)
{
  g_return_val_if_fail (SD_IS_TASK (self), NULL);

  if (self->request == NULL)
    {
      if (self->request_text != NULL)
        self->request = self->parse_request (self->request_text, self->id);
      if (self->request == NULL)
        self->request = sd_request_new ();
      g_clear_pointer (&self->request_text, g_free);
    }
  return self->request;
}

/**
 * sd_task_peek_request_text:
 *
 * Returns: (nullable): the stored request text of a task made by
 *   sd_task_new_unparsed() whose request nobody has asked for yet, else %NULL
 */
const char *
sd_task_peek_request_text (SdTask *self)
{
  g_return_val_if_fail (SD_IS_TASK (self), NULL);
  return self->request == NULL ? self->request_text : NULL;
}

SdTaskStatus
sd_task_get_status (SdTask *self)
{
  g_return_val_if_fail (SD_IS_TASK (self), SD_TASK_STATUS_UNKNOWN);
  return self->status;
}

const char *
sd_task_get_status_raw (SdTask *self)
{
  g_return_val_if_fail (SD_IS_TASK (self), NULL);
  return self->status_raw;
}

const char *
sd_task_get_server_model (SdTask *self)
{
  g_return_val_if_fail (SD_IS_TASK (self), NULL);
  return self->server_model;
}

gint64
sd_task_get_created_at (SdTask *self)
{
  g_return_val_if_fail (SD_IS_TASK (self), 0);
  return self->created_at;
}

gint64
sd_task_get_updated_at (SdTask *self)
{
  g_return_val_if_fail (SD_IS_TASK (self), 0);
  return self->updated_at;
}

const char *
sd_task_get_failure_message (SdTask *self)
{
  g_return_val_if_fail (SD_IS_TASK (self), NULL);
  return self->failure_message;
}

const char *
sd_task_get_video_url (SdTask *self)
{
  g_return_val_if_fail (SD_IS_TASK (self), NULL);
  return self->video_url;
}

gint64
sd_task_get_expires_at (SdTask *self)
{
  g_return_val_if_fail (SD_IS_TASK (self), 0);
  return self->expires_at;
}

const char *
sd_task_get_local_file (SdTask *self)
{
  g_return_val_if_fail (SD_IS_TASK (self), NULL);
  return self->local_file;
}

double
sd_task_get_download_progress (SdTask *self)
{
  g_return_val_if_fail (SD_IS_TASK (self), 0.0);
  return self->download_progress;
}

SdDownloadState
sd_task_get_download_state (SdTask *self)
{
  g_return_val_if_fail (SD_IS_TASK (self), SD_DOWNLOAD_STATE_NONE);
  return self->download_state;
}

const char *
sd_task_get_download_error (SdTask *self)
{
  g_return_val_if_fail (SD_IS_TASK (self), NULL);
  return self->download_error;
}

gboolean
sd_task_get_is_finished (SdTask *self)
{
  g_return_val_if_fail (SD_IS_TASK (self), FALSE);
  return status_is_finished (self->status);
}

/**
 * sd_task_is_link_expired:
 * @self: a task
 * @now: the current time, Unix seconds
 *
 * Returns: %TRUE when the provider no longer keeps the video and no local
 *   copy was saved, so the result cannot be had any more.
 */
gboolean
sd_task_is_link_expired (SdTask *self,
                         gint64  now)
{
  g_return_val_if_fail (SD_IS_TASK (self), FALSE);

  if (self->expires_at == 0 || self->local_file != NULL)
    return FALSE;
  return now >= self->expires_at;
}

/**
 * sd_task_set_status:
 * @self: a task
 * @status: the status as the app understands it
 * @status_raw: (nullable): the server's own spelling
 *
 * Also updates "is-finished" and "expires-at"; every notification is sent
 * once the task is consistent again.
 */
void
sd_task_set_status (SdTask       *self,
                    SdTaskStatus  status,
                    const char   *status_raw)
{
  gboolean was_finished;

  g_return_if_fail (SD_IS_TASK (self));

  was_finished = status_is_finished (self->status);
  g_object_freeze_notify (G_OBJECT (self));
  if (self->status != status)
    {
      self->status = status;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
    }
  set_string (self, &self->status_raw, status_raw, PROP_STATUS_RAW);
  if (was_finished != status_is_finished (status))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IS_FINISHED]);
  update_expires_at (self);
  g_object_thaw_notify (G_OBJECT (self));
}

void
sd_task_set_server_model (SdTask     *self,
                          const char *model)
{
  g_return_if_fail (SD_IS_TASK (self));
  set_string (self, &self->server_model, model, PROP_SERVER_MODEL);
}

void
sd_task_set_created_at (SdTask *self,
                        gint64  created_at)
{
  g_return_if_fail (SD_IS_TASK (self));
  g_return_if_fail (created_at >= 0);

  if (self->created_at == created_at)
    return;
  g_object_freeze_notify (G_OBJECT (self));
  self->created_at = created_at;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CREATED_AT]);
  update_expires_at (self);
  g_object_thaw_notify (G_OBJECT (self));
}

gint64
sd_task_get_first_seen_at (SdTask *self)
{
  g_return_val_if_fail (SD_IS_TASK (self), 0);
  return self->first_seen_at;
}

/**
 * sd_task_set_first_seen_at:
 * @self: a task
 * @first_seen_at: when this machine first learnt of the task, Unix seconds
 *   (local clock); 0 when unknown
 *
 * The link's expiry counts from the later of this and "created-at".
 */
void
sd_task_set_first_seen_at (SdTask *self,
                           gint64  first_seen_at)
{
  g_return_if_fail (SD_IS_TASK (self));
  g_return_if_fail (first_seen_at >= 0);

  if (self->first_seen_at == first_seen_at)
    return;
  g_object_freeze_notify (G_OBJECT (self));
  self->first_seen_at = first_seen_at;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FIRST_SEEN_AT]);
  update_expires_at (self);
  g_object_thaw_notify (G_OBJECT (self));
}

void
sd_task_set_updated_at (SdTask *self,
                        gint64  updated_at)
{
  g_return_if_fail (SD_IS_TASK (self));
  g_return_if_fail (updated_at >= 0);

  if (self->updated_at == updated_at)
    return;
  self->updated_at = updated_at;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UPDATED_AT]);
}

void
sd_task_set_failure_message (SdTask     *self,
                             const char *message)
{
  g_return_if_fail (SD_IS_TASK (self));
  set_string (self, &self->failure_message, message, PROP_FAILURE_MESSAGE);
}

void
sd_task_set_video_url (SdTask     *self,
                       const char *url)
{
  g_return_if_fail (SD_IS_TASK (self));
  set_string (self, &self->video_url, url, PROP_VIDEO_URL);
}

void
sd_task_set_local_file (SdTask     *self,
                        const char *path)
{
  g_return_if_fail (SD_IS_TASK (self));
  set_string (self, &self->local_file, path, PROP_LOCAL_FILE);
}

/**
 * sd_task_set_estimate:
 * @self: a task
 * @amount: what it was estimated to cost when sent, in millionths of
 *   @currency (an SdMoney), or -1 for no estimate
 * @currency: (nullable): its ISO 4217 code
 */
void
sd_task_set_estimate (SdTask     *self,
                      gint64      amount,
                      const char *currency)
{
  g_return_if_fail (SD_IS_TASK (self));
  g_return_if_fail (amount < 0 || currency != NULL);

  if (amount < 0)
    {
      amount = -1;
      currency = NULL;
    }
  if (self->estimate == amount && g_strcmp0 (self->estimate_currency, currency) == 0)
    return;
  self->estimate = amount;
  g_free (self->estimate_currency);
  self->estimate_currency = g_strdup (currency);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ESTIMATE]);
}

gint64
sd_task_get_estimate (SdTask *self)
{
  g_return_val_if_fail (SD_IS_TASK (self), -1);
  return self->estimate;
}

const char *
sd_task_get_estimate_currency (SdTask *self)
{
  g_return_val_if_fail (SD_IS_TASK (self), NULL);
  return self->estimate_currency;
}

/* Progress comes from byte counts that may overshoot (a server that
 * under-reports Content-Length); it is clamped rather than refused. */
void
sd_task_set_download_progress (SdTask *self,
                               double  progress)
{
  g_return_if_fail (SD_IS_TASK (self));

  if (isnan (progress))
    progress = 0.0;
  progress = CLAMP (progress, 0.0, 1.0);
  if (self->download_progress == progress)
    return;
  self->download_progress = progress;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DOWNLOAD_PROGRESS]);
}

void
sd_task_set_download_state (SdTask          *self,
                            SdDownloadState  state)
{
  g_return_if_fail (SD_IS_TASK (self));

  if (self->download_state == state)
    return;
  self->download_state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DOWNLOAD_STATE]);
}

void
sd_task_set_download_error (SdTask     *self,
                            const char *message)
{
  g_return_if_fail (SD_IS_TASK (self));
  set_string (self, &self->download_error, message, PROP_DOWNLOAD_ERROR);
}

gboolean
sd_task_get_favourite (SdTask *self)
{
  g_return_val_if_fail (SD_IS_TASK (self), FALSE);
  return self->favourite;
}

/* The user's star; the store saves it like any stored property. */
void
sd_task_set_favourite (SdTask   *self,
                       gboolean  favourite)
{
  g_return_if_fail (SD_IS_TASK (self));

  favourite = !!favourite;
  if (self->favourite == favourite)
    return;
  self->favourite = favourite;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FAVOURITE]);
}

int
sd_task_get_progress (SdTask *self)
{
  g_return_val_if_fail (SD_IS_TASK (self), -1);
  return self->progress;
}

/* What the server said of its own work, not kept in the history: -1 until
 * a query says again. Values outside 0..100 are clamped, negative is -1. */
void
sd_task_set_progress (SdTask *self,
                      int     progress)
{
  g_return_if_fail (SD_IS_TASK (self));

  progress = progress < 0 ? -1 : MIN (progress, 100);
  if (self->progress == progress)
    return;
  self->progress = progress;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
}

/* Groups, links and the local queue. */

const char *
sd_task_get_group_id (SdTask *self)
{
  g_return_val_if_fail (SD_IS_TASK (self), NULL);
  return self->group_id;
}

const char *
sd_task_get_group_label (SdTask *self)
{
  g_return_val_if_fail (SD_IS_TASK (self), NULL);
  return self->group_label;
}

const char *
sd_task_get_label (SdTask *self)
{
  g_return_val_if_fail (SD_IS_TASK (self), NULL);
  return self->label;
}

const char *
sd_task_get_retry_of (SdTask *self)
{
  g_return_val_if_fail (SD_IS_TASK (self), NULL);
  return self->retry_of;
}

const char *
sd_task_get_continues (SdTask *self)
{
  g_return_val_if_fail (SD_IS_TASK (self), NULL);
  return self->continues;
}

gint64
sd_task_get_queue_position (SdTask *self)
{
  g_return_val_if_fail (SD_IS_TASK (self), 0);
  return self->queue_position;
}

void
sd_task_set_group_id (SdTask     *self,
                      const char *group_id)
{
  g_return_if_fail (SD_IS_TASK (self));
  set_string (self, &self->group_id, group_id, PROP_GROUP_ID);
}

void
sd_task_set_group_label (SdTask     *self,
                         const char *label)
{
  g_return_if_fail (SD_IS_TASK (self));
  set_string (self, &self->group_label, label, PROP_GROUP_LABEL);
}

/**
 * sd_task_set_label:
 * @label: (nullable): the task's own label (a batch line's "label"), as
 *   opposed to its group's
 */
void
sd_task_set_label (SdTask     *self,
                   const char *label)
{
  g_return_if_fail (SD_IS_TASK (self));
  set_string (self, &self->label, label, PROP_LABEL);
}

void
sd_task_set_retry_of (SdTask     *self,
                      const char *task_id)
{
  g_return_if_fail (SD_IS_TASK (self));
  set_string (self, &self->retry_of, task_id, PROP_RETRY_OF);
}

void
sd_task_set_continues (SdTask     *self,
                       const char *task_id)
{
  g_return_if_fail (SD_IS_TASK (self));
  set_string (self, &self->continues, task_id, PROP_CONTINUES);
}

void
sd_task_set_queue_position (SdTask *self,
                            gint64  position)
{
  g_return_if_fail (SD_IS_TASK (self));
  g_return_if_fail (position >= 0);

  if (self->queue_position == position)
    return;
  self->queue_position = position;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_QUEUE_POSITION]);
}

gint64
sd_task_get_not_found_since (SdTask *self)
{
  g_return_val_if_fail (SD_IS_TASK (self), 0);
  return self->not_found_since;
}

/**
 * sd_task_set_not_found_since:
 * @since: the real time (µs, g_get_real_time()) of the first of the
 *   server's 404 answers in a row about the task, or 0 when its last answer
 *   was another
 *
 * Stored, so that a restart does not start the count again.
 */
void
sd_task_set_not_found_since (SdTask *self,
                             gint64  since)
{
  g_return_if_fail (SD_IS_TASK (self));

  since = MAX (since, 0);
  if (self->not_found_since == since)
    return;
  self->not_found_since = since;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NOT_FOUND_SINCE]);
}

/**
 * sd_task_set_watched:
 * @watched: %FALSE once the user stopped watching it at the provider
 *
 * For the service: whether the task is asked about (not stored: a new run
 * watches every task again).
 */
void
sd_task_set_watched (SdTask   *self,
                     gboolean  watched)
{
  g_return_if_fail (SD_IS_TASK (self));

  if (self->unwatched == !watched)
    return;
  self->unwatched = !watched;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WATCHED]);
}

gboolean
sd_task_get_watched (SdTask *self)
{
  g_return_val_if_fail (SD_IS_TASK (self), TRUE);
  return !self->unwatched;
}

/**
 * sd_task_copy_links:
 * @self: the task that takes the fields
 * @from: the task they come from
 *
 * Copies the group, the links and the queue position: a task renamed to
 * the provider's id stays what it was in its group.
 */
void
sd_task_copy_links (SdTask *self,
                    SdTask *from)
{
  g_return_if_fail (SD_IS_TASK (self));
  g_return_if_fail (SD_IS_TASK (from));

  g_object_freeze_notify (G_OBJECT (self));
  sd_task_set_group_id (self, from->group_id);
  sd_task_set_group_label (self, from->group_label);
  sd_task_set_label (self, from->label);
  sd_task_set_retry_of (self, from->retry_of);
  sd_task_set_continues (self, from->continues);
  sd_task_set_queue_position (self, from->queue_position);
  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * sd_task_set_id:
 * @id: the provider's id
 *
 * For the service only: a task sent from the local queue takes the id the
 * provider gave it (its row in the history is renamed first).
 */
void
sd_task_set_id (SdTask     *self,
                const char *id)
{
  g_return_if_fail (SD_IS_TASK (self));
  g_return_if_fail (id != NULL && *id != '\0');

  set_string (self, &self->id, id, PROP_ID);
}

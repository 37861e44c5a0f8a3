/* sd-service-private.h: the SdService struct and what its files share
 *
 * sd-service.c holds the life cycle, the properties and submitting;
 * sd-service-poll.c the poll schedule; sd-service-downloads.c the saving of
 * videos; sd-service-tasks.c the list of tasks and the history behind it;
 * sd-service-queue.c and sd-service-groups.c the local queue;
 * sd-service-prices.c the estimate each queued task records.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "sd-service.h"
#include "sd-store.h"

G_BEGIN_DECLS

struct _SdService
{
  GObject          parent_instance;

  SdClient        *client;
  SdStore         *store;
  SdCatalog       *catalog;
  GSettings       *settings;
  GNetworkMonitor *monitor;

  GListStore      *tasks;
  GHashTable      *tasks_by_id;   /* id → SdTask, those in the list */
  SdStoreCursor    cursor;        /* where the pages read so far end */
  gboolean         has_more;      /* older tasks remain in the store */

  GHashTable      *polls;         /* id → Poll */
  GSequence       *schedule;      /* Poll, earliest due first */
  GSource         *timer;
  guint64          poll_order;
  guint            queries_in_flight;
  GCancellable    *cancellable;   /* the schedule's queries */

  GHashTable      *downloads;     /* id → Download, running or queued */
  GQueue           download_queue;
  guint            downloads_running;

  guint            first_poll_delay;
  guint            max_poll_interval;
  guint            max_queries;
  guint            not_found_limit; /* ms */
  gboolean         online;
  gboolean         paused;        /* by a refused token or address */
  char            *last_error;
  guint64          change_serial; /* bumped by every stored change of a task */

  /* The local queue (sd-service-queue.c). */
  GQueue           waiting;       /* SdTask (a ref), waiting to be sent, in order */
  GHashTable      *sends;         /* SdTask → Send: creates on the way */
  GHashTable      *callers;       /* SdTask → GTask of sd_service_submit_async() */
  GHashTable      *unwatched;     /* id → SD_UNWATCHED_*: Stop Watching */
  guint            max_active;
  gint64           last_position;
  guint            pump_source;   /* an idle that sends what fits */
  guint            backoff_source; /* the wait after a 429 or "queue full" */
  guint            backoff_ms;    /* the next wait without a Retry-After */
  gboolean         hold_loaded;   /* waiting tasks read from the history stay unsent */

  /* The estimates of queued tasks (sd-service-prices.c). */
  SdPrices        *prices;        /* the table last read, or the one set */
  char            *prices_seen;   /* the file it was read from, as it was */
  gboolean         prices_set;    /* by sd_service_set_prices(): never read */
};

/* sd-service.c */
gint64   _sd_service_now_unix               (void);
void     _sd_service_set_last_error         (SdService    *self,
                                             const char   *message);
void     _sd_service_set_queries_in_flight  (SdService    *self,
                                             guint         count);
void     _sd_service_set_has_more           (SdService    *self,
                                             gboolean      has_more);
void     _sd_service_emit_task_completed    (SdService    *self,
                                             SdTask       *task);
void     _sd_service_emit_task_failed       (SdService    *self,
                                             SdTask       *task);
void     _sd_service_emit_poll_error        (SdService    *self,
                                             SdTask       *task,
                                             const GError *error);

gboolean _sd_service_validate_request       (SdService    *self,
                                             SdRequest    *request,
                                             GError      **error);
GError  *_sd_service_keep_created_task      (SdStore      *store,
                                             const char   *local_id,
                                             SdTask       *task);
void     _sd_service_emit_task_added        (SdService    *self,
                                             SdTask       *task);
void     _sd_service_notify_max_active      (SdService    *self);

/* sd-service-queue.c */
void     _sd_service_queue_init             (SdService    *self);
void     _sd_service_queue_start            (SdService    *self);
void     _sd_service_queue_stop             (SdService    *self);
void     _sd_service_queue_finalize         (SdService    *self);
void     _sd_service_queue_clear            (SdService    *self);
void     _sd_service_queue_kick             (SdService    *self);
void     _sd_service_queue_pump             (SdService    *self);
/* 404s in a row for this long free a task's place under the cap */
#define SD_SERVICE_NOT_FOUND_FREES_PLACE_US (10 * 60 * G_USEC_PER_SEC)
gboolean _sd_service_task_holds_no_place    (SdTask       *task);
void     _sd_service_queue_adopt            (SdService    *self,
                                             SdTask       *task);
void     _sd_service_queue_forget           (SdService    *self,
                                             SdTask       *task);
void     _sd_service_queue_return           (SdService    *self,
                                             SdTask       *task,
                                             SdTask       *created,
                                             GError       *error,
                                             GError       *not_saved);
void     _sd_service_queue_add_caller       (SdService    *self,
                                             SdTask       *task,
                                             GTask        *caller);

/* What the service knows of a task the user stopped watching (the values
 * of "unwatched"): it is at the provider and counts toward the cap until a
 * quiet check (sd-service-poll.c) sees it finished there. */
#define SD_UNWATCHED_AT_PROVIDER NULL
#define SD_UNWATCHED_LEFT        GINT_TO_POINTER (1)
void     _sd_service_note_left_provider     (SdService    *self,
                                             SdTask       *task);
/* What a queued task is made with, besides its request. */
typedef struct
{
  const char *group_id;     /* NULL: in no group */
  const char *group_label;
  const char *label;        /* the task's own (a batch line's) */
  const char *retry_of;
  gint64      estimate;     /* millionths of @currency (sd-prices.h); -1: none */
  const char *currency;
} SdQueueEntry;

#define SD_QUEUE_ENTRY_INIT { NULL, NULL, NULL, NULL, -1, NULL }

SdTask  *_sd_service_enqueue                (SdService          *self,
                                             SdRequest          *request,
                                             const SdQueueEntry *entry,
                                             gboolean            unrecorded_ok,
                                             GError            **error);

/* sd-service-prices.c */
void     _sd_service_record_estimate        (SdService    *self,
                                             SdTask       *task);
void     _sd_service_prices_finalize        (SdService    *self);

/* sd-service-poll.c */
void     _sd_service_poll_init              (SdService    *self);
void     _sd_service_poll_start             (SdService    *self);
void     _sd_service_poll_stop              (SdService    *self);
void     _sd_service_schedule_poll          (SdService    *self,
                                             SdTask       *task,
                                             guint         delay_ms);
void     _sd_service_unschedule_poll        (SdService    *self,
                                             SdTask       *task);
void     _sd_service_arm_schedule           (SdService    *self);

/* sd-service-downloads.c */
gboolean _sd_service_auto_download_enabled  (SdService    *self);
void     _sd_service_maybe_auto_download    (SdService    *self,
                                             SdTask       *task);
void     _sd_service_drop_download          (SdService    *self,
                                             SdTask       *task);
void     _sd_service_drop_downloads         (SdService    *self);

/* sd-service-tasks.c */
void     _sd_service_save_task              (SdService    *self,
                                             SdTask       *task);
SdTask  *_sd_service_lookup_loaded          (SdService    *self,
                                             const char   *task_id);
void     _sd_service_track_task             (SdService    *self,
                                             SdTask       *task);
void     _sd_service_clear_tasks            (SdService    *self);

G_END_DECLS

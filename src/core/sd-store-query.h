/* sd-store-query.h: finding tasks in the history (search and filters)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "sd-catalog.h"
#include "sd-store.h"

G_BEGIN_DECLS

/* The statuses a query keeps (bits; none set keeps every task). */
typedef enum {
  SD_TASK_STATUS_FILTER_RUNNING   = 1 << 0, /* queued, processing or not yet known */
  SD_TASK_STATUS_FILTER_COMPLETED = 1 << 1,
  SD_TASK_STATUS_FILTER_FAILED    = 1 << 2, /* failed, or no longer known to the server */
  SD_TASK_STATUS_FILTER_UNCERTAIN = 1 << 3,
  SD_TASK_STATUS_FILTER_WAITING   = 1 << 4, /* in the local queue, not sent yet */
} SdTaskStatusFilter;

/* Reads "all", "running", "completed", "failed", "uncertain" or "waiting"
 * (any case) into @filter (0 for "all"); FALSE for another name. */
gboolean     sd_task_status_filter_from_name (const char *name,
                                              guint      *filter);

/* What a query asks for; every part set must hold (they combine). */
typedef struct {
  /* Words separated by spaces; each must be part of the prompt, the task
   * id, the model or a label (the group's or the task's own), in any case. Words of three characters or more use
   * the search index; shorter ones a scan. NULL or "": any task. The text
   * is taken literally: quotes, `*`, `AND`, `-`, `:` are characters. */
  char     *text;
  guint     statuses;   /* SdTaskStatusFilter bits; 0: any status */
  char    **models;     /* model ids, NULL-terminated; NULL: any model */
  gint64    since;      /* created at or after, Unix seconds; 0: no bound */
  gint64    until;      /* created before, Unix seconds; 0: no bound */
  gboolean  favourite;  /* only the favourites */
  /* A group id (the takes of one Generate, a batch): its tasks only. */
  char     *group;
} SdTaskQuery;

#define SD_TYPE_TASK_QUERY (sd_task_query_get_type ())
GType        sd_task_query_get_type   (void) G_GNUC_CONST;
SdTaskQuery *sd_task_query_new        (void);
SdTaskQuery *sd_task_query_copy       (const SdTaskQuery *query);
void         sd_task_query_free       (SdTaskQuery       *query);
/* Keeps the tasks of @model_or_family: a family of @catalog (all its
 * models), else that one model id. */
void         sd_task_query_set_model  (SdTaskQuery       *query,
                                       SdCatalog         *catalog,
                                       const char        *model_or_family);

/* Whether @query keeps every task (nothing to clear). */
gboolean     sd_task_query_is_empty   (const SdTaskQuery *query);

/* The date filters of the history's menu, in the time zone of @now. */
typedef enum {
  SD_TASK_DATE_ANY,
  SD_TASK_DATE_TODAY,       /* since midnight */
  SD_TASK_DATE_LAST_7_DAYS, /* today and the six days before */
  SD_TASK_DATE_THIS_MONTH,  /* since the first of the month */
} SdTaskDateRange;

void         sd_task_query_set_date_range (SdTaskQuery     *query,
                                           SdTaskDateRange  range,
                                           GDateTime       *now);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdTaskQuery, sd_task_query_free)

/* The next @limit tasks matching @query after @cursor, newest first (the
 * order of sd_store_load_page(), with the same cursor), moving @cursor
 * past them; @more tells whether any remain. @query NULL: every task. */
GPtrArray   *sd_store_query_page      (SdStore            *self,
                                       const SdTaskQuery  *query,
                                       SdStoreCursor      *cursor,
                                       guint               limit,
                                       gboolean           *more,
                                       GError            **error);
/* The number of tasks matching @query, or -1 with @error set. */
gint64       sd_store_query_count     (SdStore            *self,
                                       const SdTaskQuery  *query,
                                       GError            **error);

/* The ids of every task matching @query, newest first: for acting on a
 * whole filtered view ("Remove Failed…"), with sd_store_remove_tasks(). */
char       **sd_store_query_ids       (SdStore            *self,
                                       const SdTaskQuery  *query,
                                       GError            **error);

/* sd_store_query_page() on a worker thread, on a reader
 * (sd_store_open_reader()); the callback runs on the thread-default main
 * context of the caller. Queries on one reader may overlap (its
 * connection is serialized, each query has its own statement); set the
 * reader's base only while none runs. A cancelled query that has started
 * runs to its end and then reports G_IO_ERROR_CANCELLED. */
void         sd_store_query_page_async  (SdStore              *reader,
                                         const SdTaskQuery    *query,
                                         const SdStoreCursor  *cursor,
                                         guint                 limit,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
/* @cursor gets where the page ended, @more whether tasks remain. */
GPtrArray   *sd_store_query_page_finish (SdStore         *reader,
                                         GAsyncResult    *result,
                                         SdStoreCursor   *cursor,
                                         gboolean        *more,
                                         GError         **error);

/* *@reader when it reads @self's history with @self's base, else a new
 * reader of @self in its place (NULL with @error when none opens). */
SdStore     *sd_store_ensure_reader     (SdStore              *self,
                                         SdStore             **reader,
                                         GError              **error);

/* sd_store_query_ids() on a worker thread, on a reader. */
void         sd_store_query_ids_async   (SdStore              *reader,
                                         const SdTaskQuery    *query,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
char       **sd_store_query_ids_finish  (SdStore         *reader,
                                         GAsyncResult    *result,
                                         GError         **error);

/* The tasks of the whole history linked to @id: those that continue it
 * and those that retry it, newest first. */
gboolean     sd_store_query_links       (SdStore         *self,
                                         const char      *id,
                                         char          ***continuations,
                                         char          ***retries,
                                         GError         **error);
void         sd_store_query_links_async (SdStore              *reader,
                                         const char           *id,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
gboolean     sd_store_query_links_finish (SdStore        *reader,
                                          GAsyncResult   *result,
                                          char         ***continuations,
                                          char         ***retries,
                                          GError        **error);

/* The SQL sd_store_query_page() runs, with its values written in: what
 * the benchmark gives the sqlite3 shell to compare. */
char        *sd_store_query_to_sql    (SdStore            *self,
                                       const SdTaskQuery  *query,
                                       const SdStoreCursor *cursor,
                                       guint               limit);

G_END_DECLS

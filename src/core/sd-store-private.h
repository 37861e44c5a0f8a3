/* sd-store-private.h: what sd-store.c shares with sd-store-query.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <sqlite3.h>

#include "sd-store.h"

G_BEGIN_DECLS

/* The stored columns of a task, in the order of the COL_ values. */
#define TASK_COLUMNS \
  "id, request, status, status_raw, server_model, created_at, updated_at, " \
  "failure_message, video_url, local_file, download_state, download_error, " \
  "first_seen_at, favourite, estimate, estimate_currency"

enum {
  COL_ID,
  COL_REQUEST,
  COL_STATUS,
  COL_STATUS_RAW,
  COL_SERVER_MODEL,
  COL_CREATED_AT,
  COL_UPDATED_AT,
  COL_FAILURE_MESSAGE,
  COL_VIDEO_URL,
  COL_LOCAL_FILE,
  COL_DOWNLOAD_STATE,
  COL_DOWNLOAD_ERROR,
  COL_FIRST_SEEN_AT,
  COL_FAVOURITE,
  COL_ESTIMATE,
  COL_ESTIMATE_CURRENCY,
  COL_ROWID,          /* in the statements that page */
};

/* Schema 5: the favourite column and the search index (sd-store-query.c). */
gboolean      _sd_store_migrate_to_5     (sqlite3     *db,
                                          const char  *legacy_base,
                                          GError     **error);

/* Work shorter than this (µs) reports no progress; tests lower it. */
extern gint64 _sd_store_progress_after_us;

/* The progress callback of the open running on this thread, if any. */
gpointer      _sd_store_push_progress    (SdStoreProgressFunc  func,
                                          gpointer             user_data);
/* Restores what push returned. */
void          _sd_store_pop_progress     (gpointer             previous);

sqlite3      *_sd_store_get_db           (SdStore      *self);
SdTask       *_sd_store_task_from_row    (sqlite3_stmt *stmt);
void          _sd_store_set_read_error   (SdStore      *self,
                                          GError      **error);

G_END_DECLS

/* sd-window.h: the main window (composer and results)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "sd-composer.h"
#include "sd-context.h"
#include "sd-task.h"

G_BEGIN_DECLS

#define SD_TYPE_WINDOW (sd_window_get_type ())
G_DECLARE_FINAL_TYPE (SdWindow, sd_window, SD, WINDOW, AdwApplicationWindow)

/* Lasting conditions, shown one at a time in the bar at the top of the
 * window, the first of this order first. The window follows the address,
 * token, connection and demo state itself; the others are added. */
typedef enum {
  SD_NOTICE_ADDRESS,     /* the configured API address is refused */
  SD_NOTICE_TOKEN,       /* the server refused the token, or it cannot be sent */
  SD_NOTICE_OFFLINE,     /* no network */
  SD_NOTICE_NO_UPLOADS,  /* the server takes no uploads: links only */
  SD_NOTICE_UPLOAD_CACHE, /* the links of uploads cannot be kept on disk */
  SD_NOTICE_STARTUP,     /* what the start found (keyring, settings, history) */
  SD_NOTICE_DEMO,        /* the built-in simulator answers */
  SD_N_NOTICES
} SdNoticeKind;

/* Properties: "context" (SdContext, construct-only), "ready" (boolean: the
 * context finished starting, so a missing token means the welcome page). */
SdWindow     *sd_window_new                  (GtkApplication *application,
                                              SdContext      *context);
SdContext    *sd_window_get_context          (SdWindow   *self);
SdComposer   *sd_window_get_composer         (SdWindow   *self);
GCancellable *sd_window_get_cancellable      (SdWindow   *self);
void          sd_window_set_ready            (SdWindow   *self,
                                              gboolean    ready);

/* Shows @text (one plain sentence) in the notice bar until the user
 * dismisses it; SD_NOTICE_STARTUP notices queue, the others replace the
 * one of their kind. NULL takes the notice of @kind away. */
void          sd_window_set_notice           (SdWindow     *self,
                                              SdNoticeKind  kind,
                                              const char   *text);
/* The notice the bar shows, NULL when it is hidden. */
const char   *sd_window_get_notice           (SdWindow     *self);

/* Takes ownership of @toast: a short confirmation over the results, with
 * Undo where there is something to undo. */
void          sd_window_add_toast            (SdWindow   *self,
                                              AdwToast   *toast);
/* A toast showing @text as plain text (toast titles are markup). */
void          sd_window_show_message         (SdWindow   *self,
                                              const char *text);

/* Brings the results forward and selects the task with @task_id. */
void          sd_window_show_task            (SdWindow   *self,
                                              const char *task_id);
void          sd_window_show_results         (SdWindow   *self);

/* What the result rows ask of their window. */
void          sd_window_play_task            (SdWindow   *self,
                                              SdTask     *task);
void          sd_window_reuse_request        (SdWindow   *self,
                                              SdRequest  *request);
void          sd_window_remove_task          (SdWindow   *self,
                                              SdTask     *task);

G_END_DECLS

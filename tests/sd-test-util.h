/* sd-test-util.h: main-loop waits with limits, and common requests, for tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "sd-service.h"
#include "sd-simulator.h"
#include "sd-store.h"
#include "sd-task.h"

G_BEGIN_DECLS

typedef gboolean (*SdTestCondition) (gpointer data);

/* Runs the main loop until @condition holds; after @limit_s seconds the test
 * fails (naming @what) instead of hanging. */
void     sd_test_wait_until        (SdTestCondition  condition,
                                    gpointer         data,
                                    guint            limit_s,
                                    const char      *what);

/* Runs the main loop for @ms: for checking that something does NOT happen,
 * never for waiting until something does. */
void     sd_test_run_for           (guint            ms);

/* A GAsyncReadyCallback storing a reference to the result in the
 * GAsyncResult * that @user_data points to, and the condition that it came. */
void     sd_test_store_result_cb   (GObject         *source,
                                    GAsyncResult    *result,
                                    gpointer         user_data);
gboolean sd_test_result_arrived    (gpointer         data);

/* Sets the GThread * that @thread points to, to the thread on which
 * @object is disposed (its last reference dropped), and the condition that
 * it was: for objects that must never end on a worker thread. */
void     sd_test_watch_dispose_thread (GObject      *object,
                                       GThread     **thread);
gboolean sd_test_was_disposed         (gpointer      thread);

void     sd_test_wait_for_status   (SdTask          *task,
                                    SdTaskStatus     status,
                                    guint            limit_s);
/* Until the task's download is done, failed or expired. */
void     sd_test_wait_for_download (SdTask          *task,
                                    guint            limit_s);

/* The provider's two example requests (Fast I2V): reference images with
 * @prompt, and first and last frame. */
SdRequest *sd_test_images_request  (const char      *prompt);
SdRequest *sd_test_frames_request  (void);

/* The history "history.db" in the (isolated) user data dir, opened. */
SdStore     *sd_test_open_store    (void);
/* A simulator of @catalog on a manual clock, queueing @queued_ms and then
 * processing @processing_ms of that clock. */
SdSimulator *sd_test_simulator_new (SdCatalog       *catalog,
                                    guint            queued_ms,
                                    guint            processing_ms);

/* Whether the task @id, as @service's store has it saved, is a favourite;
 * fails the test if the store has no such task. */
gboolean     sd_test_is_stored_favourite (SdService  *service,
                                          const char *id);

/* A network monitor that always says the network is down. */
GNetworkMonitor *sd_test_offline_monitor_new (void);

/* Makes a resolver that resolves no name the default one (IP literals and
 * "localhost" are still answered by GLib itself); returns how many names
 * were asked for since. For checking that a name is never looked up. */
void     sd_test_install_counting_resolver (void);
guint    sd_test_get_name_lookups          (void);

/* g_test_init() with G_TEST_OPTION_ISOLATE_DIRS, keeping the system's
 * MIME database, which g_content_type_guess() needs (the isolated data
 * folders have none). */
void     sd_test_init_isolated             (int    *argc,
                                            char ***argv);

/* Points libsecret at an empty keyring file of the test's own (the file
 * backend), and unsets the token and address variables, so that no token
 * is found unless a test stores one. */
void     sd_test_use_file_keyring          (void);

G_END_DECLS

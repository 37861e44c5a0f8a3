/* sd-download-test.h: knobs for tests of the download code
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SD_DOWNLOAD_DEFAULT_RETRIES       4
#define SD_DOWNLOAD_DEFAULT_FIRST_DELAY_MS 500

/* How many times a dropped transfer is tried again, and the first wait
 * (doubled at each retry). Tests shorten the wait; the app keeps the default.
 * Applies to downloads started afterwards. */
void sd_download_set_retry_policy (guint max_retries,
                                   guint first_delay_ms);

/* The .part file's name for @basename and @owner (a hash of all of it). */
char *sd_download_make_part_name (const char *basename,
                                  const char *owner);

G_END_DECLS

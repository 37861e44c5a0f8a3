/* sd-tls-database.h: the system's trust, shared by every TLS connection
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SD_TYPE_TLS_DATABASE (sd_tls_database_get_type ())
G_DECLARE_FINAL_TYPE (SdTlsDatabase, sd_tls_database, SD, TLS_DATABASE, GTlsDatabase)

/* A database that asks @inner (the system's, from the default TLS backend)
 * for every verification and lookup. glib-networking 2.74 builds the
 * credentials of each connection to one of its own databases by reading
 * the whole system trust store again (~10 ms of CPU a connection); for a
 * database of another type it does not, and verifies the peer's chain
 * through g_tls_database_verify_chain() instead, which this forwards: the
 * store is read once, by @inner. */
GTlsDatabase *sd_tls_database_new         (GTlsDatabase *inner);
/* The process's one, wrapping the default backend's database; NULL when
 * there is no TLS backend. (transfer none) */
GTlsDatabase *sd_tls_database_get_default (void);

G_END_DECLS

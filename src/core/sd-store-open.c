/* sd-store-open.c: opening the history: checks, retries, moving it aside
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-store"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "sd-api.h"
#include "sd-client.h"
#include "sd-enum-types.h"
#include "sd-store.h"
#include "sd-store-private.h"

/* Opening */

static gboolean
is_damage (int rc)
{
  rc &= 0xff;
  return rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT;
}

static gboolean
is_busy (int rc)
{
  rc &= 0xff;
  return rc == SQLITE_BUSY || rc == SQLITE_LOCKED;
}

void
_sd_store_set_open_error (GError     **error,
                          int          code,
                          const char  *path,
                          const char  *reason)
{
  g_autofree char *display = g_filename_display_name (path);

  g_set_error (error, SD_STORE_ERROR, code,
               _("Could not open the task history “%s”: %s"), display, reason);
}

/* Runs a pragma that returns one value; its text goes to @value. */
static int
query_pragma (sqlite3  *db,
              const char *sql,
              char    **value)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          *value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
          rc = SQLITE_OK;
        }
    }
  sqlite3_finalize (stmt);
  return rc;
}

static guint32
read_be32 (const guint8 *bytes)
{
  return (guint32) bytes[0] << 24 | (guint32) bytes[1] << 16 | (guint32) bytes[2] << 8 | bytes[3];
}

/* Whether the file's own header agrees with its size: the page size
 * (offset 16) times the page count (offset 28, valid when the change
 * counter at 24 equals the one at 92). */
static gboolean
header_matches_size (const char *path)
{
  static const char magic[] = "SQLite format 3";
  guint8 header[100];
  GStatBuf st;
  guint32 page_size;
  FILE *file;
  gboolean read;

  if (g_stat (path, &st) != 0 || st.st_size == 0)
    return TRUE;
  if ((file = g_fopen (path, "rb")) == NULL)
    return FALSE;
  read = fread (header, 1, sizeof header, file) == sizeof header;
  fclose (file);
  if (!read || memcmp (header, magic, sizeof magic) != 0)
    return FALSE;

  page_size = (guint32) header[16] << 8 | header[17];
  if (page_size == 1)
    page_size = 65536;
  return read_be32 (header + 24) == read_be32 (header + 92) &&
         (gint64) read_be32 (header + 28) * page_size == (gint64) st.st_size;
}

/* `PRAGMA quick_check` reads the whole file: it runs when the last run
 * did not end cleanly (closing the last connection removes the WAL, so
 * one with frames in it was left by a crash, or another process has the
 * history open) or when the header disagrees with the file's size (a
 * truncated or replaced file). */
static gboolean
needs_quick_check (const char *path)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  GStatBuf st;

  if (g_stat (wal, &st) == 0 && st.st_size > 0)
    return TRUE;
  return !header_matches_size (path);
}

static OpenOutcome
check_database (sqlite3     *db,
                const char  *path,
                gboolean     quick_check,
                int         *version,
                GError     **error)
{
  g_autofree char *user_version = NULL;
  g_autofree char *check = NULL;
  int rc;

  rc = query_pragma (db, "PRAGMA user_version", &user_version);
  if (rc == SQLITE_OK && quick_check)
    rc = query_pragma (db, "PRAGMA quick_check", &check);
  if (is_damage (rc) || (rc == SQLITE_OK && quick_check && g_strcmp0 (check, "ok") != 0))
    return OPEN_DAMAGED;
  if (is_busy (rc))
    return OPEN_BUSY;
  if (rc != SQLITE_OK)
    {
      _sd_store_set_open_error (error, SD_STORE_ERROR_OPEN, path, sqlite3_errstr (rc));
      return OPEN_FAILED;
    }
  *version = (int) g_ascii_strtoll (user_version, NULL, 10);
  return OPEN_OK;
}

static OpenOutcome
configure_database (sqlite3     *db,
                    const char  *path,
                    GError     **error)
{
  g_autofree char *mode = NULL;
  int rc;

  rc = query_pragma (db, "PRAGMA journal_mode = WAL", &mode);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (db, "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; "
                       /* A row REPLACE deletes leaves the search index too. */
                       "PRAGMA recursive_triggers = ON",
                       NULL, NULL, NULL);
  if (is_damage (rc))
    return OPEN_DAMAGED;
  if (is_busy (rc))
    return OPEN_BUSY;
  if (rc != SQLITE_OK || g_strcmp0 (mode, "wal") != 0)
    {
      _sd_store_set_open_error (error, SD_STORE_ERROR_OPEN, path,
                                rc != SQLITE_OK ? sqlite3_errmsg (db) : _("the journal could not be set up"));
      return OPEN_FAILED;
    }
  return OPEN_OK;
}

static OpenOutcome
migrate_database (sqlite3     *db,
                  const char  *path,
                  int          version,
                  const char  *legacy_base,
                  GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  int failed_rc = SQLITE_OK;

  /* A newer app's history is healthy: it is left alone, not moved aside,
   * so that the newer version still finds it. */
  if (version > SD_STORE_SCHEMA_VERSION || version < 0)
    {
      _sd_store_set_open_error (error, SD_STORE_ERROR_TOO_NEW, path,
                                _("it was written by a newer version of the app; update the app to use it"));
      return OPEN_FAILED;
    }
  for (int from = version; from < SD_STORE_SCHEMA_VERSION; from++)
    if (!_sd_store_run_migration (db, from, legacy_base, &failed_rc, &local_error))
      {
        if (is_damage (failed_rc))
          return OPEN_DAMAGED;
        if (is_busy (failed_rc))
          return OPEN_BUSY;
        _sd_store_set_open_error (error, SD_STORE_ERROR_OPEN, path, local_error->message);
        return OPEN_FAILED;
      }
  return OPEN_OK;
}

/* A -wal or -shm without its database is what a history deleted under a
 * running process leaves: replayed into a new file of the same name, its
 * pages would bring back parts of the old one. Under a lock on the folder
 * (so that a process creating the history meanwhile is not mistaken for
 * that), they are removed and the new file is created. */
static int
create_database (const char  *path,
                 sqlite3    **db)
{
  static const char * const companions[] = { "-wal", "-shm" };
  g_autofree char *folder = g_path_get_dirname (path);
  int lock = open (folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int rc;

  if (lock >= 0)
    flock (lock, LOCK_EX);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    for (guint i = 0; i < G_N_ELEMENTS (companions); i++)
      {
        g_autofree char *companion = g_strconcat (path, companions[i], NULL);

        if (g_unlink (companion) == 0)
          g_debug ("Removed %s, left by a deleted history", companion);
      }
  /* This creates the file (empty): a process that takes the lock next
   * finds it and leaves the companions alone. */
  rc = sqlite3_open_v2 (path, db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
  if (lock >= 0)
    close (lock);
  return rc;
}

static OpenOutcome
open_database (const char  *path,
               const char  *legacy_base,
               sqlite3    **out_db,
               GError     **error)
{
  gboolean quick_check = needs_quick_check (path);
  sqlite3 *db = NULL;
  OpenOutcome outcome;
  int version = 0;
  int rc;

  rc = create_database (path, &db);
  /* Before any statement: the first one may already meet another process
   * creating, switching to WAL or migrating the same file. */
  if (db != NULL)
    sqlite3_busy_timeout (db, BUSY_TIMEOUT_MS);
  if (rc != SQLITE_OK)
    {
      outcome = is_damage (rc) ? OPEN_DAMAGED : is_busy (rc) ? OPEN_BUSY : OPEN_FAILED;
      if (outcome == OPEN_FAILED)
        _sd_store_set_open_error (error, SD_STORE_ERROR_OPEN, path, sqlite3_errstr (rc));
      sqlite3_close_v2 (db);
      return outcome;
    }
  sqlite3_extended_result_codes (db, TRUE);

  outcome = check_database (db, path, quick_check, &version, error);
  if (outcome == OPEN_OK)
    outcome = configure_database (db, path, error);
  if (outcome == OPEN_OK)
    outcome = migrate_database (db, path, version, legacy_base, error);

  if (outcome == OPEN_OK)
    {
      *out_db = db;
      return OPEN_OK;
    }
  /* Closing would fold the WAL into a damaged file, or delete it: it is
   * kept as it is, to be moved aside with the rest. */
  if (outcome == OPEN_DAMAGED)
    {
      int persist = 1;

      sqlite3_file_control (db, "main", SQLITE_FCNTL_PERSIST_WAL, &persist);
    }
  sqlite3_close_v2 (db);
  return outcome;
}

/* Opens the history, trying again while another process holds it busy
 * (creating or migrating it) for up to OPEN_RETRY_US. */
OpenOutcome
_sd_store_open_database_retrying (const char  *path,
                                  const char  *legacy_base,
                                  sqlite3    **out_db,
                                  GError     **error)
{
  gint64 deadline = g_get_monotonic_time () + OPEN_RETRY_US;
  OpenOutcome outcome;

  while ((outcome = open_database (path, legacy_base, out_db, error)) == OPEN_BUSY &&
         g_get_monotonic_time () < deadline)
    {
      g_debug ("The task history %s is busy; trying again", path);
      g_usleep (OPEN_PAUSE_US);
    }
  if (outcome == OPEN_BUSY)
    _sd_store_set_open_error (error, SD_STORE_ERROR_OPEN, path,
                              _("another program kept it locked for too long"));
  return outcome;
}

static char *
broken_name (const char *path)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  char *name = g_strdup_printf ("%s.broken-%s", path, stamp);

  for (guint n = 2; g_file_test (name, G_FILE_TEST_EXISTS); n++)
    {
      g_free (name);
      name = g_strdup_printf ("%s.broken-%s-%u", path, stamp, n);
    }
  return name;
}

/* A journal left next to a new, empty database could be replayed into it:
 * the old one's companions go with it. */
gboolean
_sd_store_move_aside (const char  *path,
                      char       **out_name,
                      GError     **error)
{
  static const char * const companions[] = { "-wal", "-shm", "-journal" };
  g_autofree char *name = broken_name (path);

  if (g_rename (path, name) != 0)
    {
      int saved_errno = errno;

      _sd_store_set_open_error (error, SD_STORE_ERROR_OPEN, path, g_strerror (saved_errno));
      return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (companions); i++)
    {
      g_autofree char *from = g_strconcat (path, companions[i], NULL);
      g_autofree char *to = g_strconcat (name, companions[i], NULL);

      if (g_rename (from, to) != 0 && errno != ENOENT)
        g_unlink (from);
    }
  *out_name = g_steal_pointer (&name);
  return TRUE;
}

gboolean
_sd_store_make_folder (const char  *path,
                       GError     **error)
{
  g_autofree char *folder = g_path_get_dirname (path);
  int saved_errno;

  if (g_mkdir_with_parents (folder, 0700) == 0)
    return TRUE;
  saved_errno = errno;
  _sd_store_set_open_error (error, SD_STORE_ERROR_OPEN, path, g_strerror (saved_errno));
  return FALSE;
}

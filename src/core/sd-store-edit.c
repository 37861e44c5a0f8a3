/* sd-store-edit.c: deleting, starring, removing and restoring stored tasks
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

gboolean
sd_store_delete_task (SdStore     *self,
                      const char  *id,
                      GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (SD_IS_STORE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  if (!_sd_store_begin_write (self, error))
    return FALSE;
  stmt = _sd_store_get_statement (self, STMT_DELETE, error);
  if (stmt != NULL)
    sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  return _sd_store_end_write (self, stmt != NULL && _sd_store_step_write (self, stmt, error), error);
}

/**
 * sd_store_set_favourite:
 * @self: a store
 * @ids: (array zero-terminated=1): task ids
 * @favourite: the flag to set
 * @error: an %SD_STORE_ERROR
 *
 * Returns: %TRUE when every task was written (ids not in the history are
 *   not an error).
 */
gboolean
sd_store_set_favourite (SdStore             *self,
                        const char * const  *ids,
                        gboolean             favourite,
                        GError             **error)
{
  gboolean done = TRUE;

  g_return_val_if_fail (SD_IS_STORE (self), FALSE);
  g_return_val_if_fail (ids != NULL, FALSE);

  if (!_sd_store_begin_write (self, error))
    return FALSE;
  for (guint i = 0; done && ids[i] != NULL; i++)
    {
      sqlite3_stmt *stmt = _sd_store_get_statement (self, STMT_SET_FAVOURITE, error);

      done = stmt != NULL;
      if (done)
        {
          sqlite3_bind_text (stmt, 1, ids[i], -1, SQLITE_TRANSIENT);
          sqlite3_bind_int (stmt, 2, favourite ? 1 : 0);
          done = _sd_store_step_write (self, stmt, error);
        }
    }
  g_debug ("Favourite %s for %u tasks", favourite ? "set" : "cleared", g_strv_length ((char **) ids));
  return _sd_store_end_write (self, done, error);
}

/* Reads the row of @id (to give back on undo) and deletes it. */
static gboolean
remove_one (SdStore     *self,
            const char  *id,
            GPtrArray   *removed,
            GError     **error)
{
  sqlite3_stmt *stmt = _sd_store_get_statement (self, STMT_SELECT_ONE_ROWID, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      SdTask *task = _sd_store_task_from_row (stmt);
      gint64 rowid = sqlite3_column_int64 (stmt, COL_ROWID);

      if (task != NULL)
        {
          /* Its place in the order, for the undo to give back. */
          g_object_set_data_full (G_OBJECT (task), "sd-store-rowid",
                                  g_memdup2 (&rowid, sizeof rowid), g_free);
          g_ptr_array_add (removed, task);
        }
    }
  else if (rc != SQLITE_DONE)
    _sd_store_set_step_error (self, error, SD_STORE_ERROR_READ);
  _sd_store_release_statement (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return FALSE;

  stmt = _sd_store_get_statement (self, STMT_DELETE, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  return _sd_store_step_write (self, stmt, error);
}

/**
 * sd_store_remove_tasks:
 * @self: a store
 * @ids: (array zero-terminated=1): task ids
 * @removed: (out) (optional) (transfer container) (element-type SdTask):
 *   the tasks removed, as they were stored
 * @error: an %SD_STORE_ERROR
 *
 * Removes every task of @ids, or (on an error) none. Ids not in the
 * history are skipped.
 *
 * Returns: %TRUE when the tasks were removed.
 */
gboolean
sd_store_remove_tasks (SdStore             *self,
                       const char * const  *ids,
                       GPtrArray          **removed,
                       GError             **error)
{
  g_autoptr(GPtrArray) tasks = g_ptr_array_new_with_free_func (g_object_unref);
  gboolean done = TRUE;

  g_return_val_if_fail (SD_IS_STORE (self), FALSE);
  g_return_val_if_fail (ids != NULL, FALSE);

  if (removed != NULL)
    *removed = NULL;
  if (!_sd_store_begin_write (self, error))
    return FALSE;
  for (guint i = 0; done && ids[i] != NULL; i++)
    done = remove_one (self, ids[i], tasks, error);
  if (!_sd_store_end_write (self, done, error))
    return FALSE;
  g_debug ("Removed %u tasks from the history", tasks->len);
  if (removed != NULL)
    *removed = g_steal_pointer (&tasks);
  return TRUE;
}

/**
 * sd_store_restore_tasks:
 * @self: a store
 * @tasks: (element-type SdTask): tasks sd_store_remove_tasks() gave
 * @error: an %SD_STORE_ERROR
 *
 * Writes the tasks back in one transaction, each with the rowid it had
 * when that is free, so it takes its old place among tasks of the same
 * second. A task with the same id added meanwhile is kept.
 *
 * Returns: %TRUE when the tasks were written.
 */
gboolean
sd_store_restore_tasks (SdStore    *self,
                        GPtrArray  *tasks,
                        GError    **error)
{
  gboolean done = TRUE;

  g_return_val_if_fail (SD_IS_STORE (self), FALSE);
  g_return_val_if_fail (tasks != NULL, FALSE);

  if (!_sd_store_begin_write (self, error))
    return FALSE;
  for (guint i = 0; done && i < tasks->len; i++)
    {
      SdTask *task = g_ptr_array_index (tasks, i);
      const gint64 *rowid = g_object_get_data (G_OBJECT (task), "sd-store-rowid");
      sqlite3_stmt *stmt = _sd_store_get_statement (self, STMT_RESTORE, error);

      done = stmt != NULL;
      if (!done)
        break;
      _sd_store_bind_task (stmt, task, sd_task_peek_request_text (task) != NULL
                             ? g_strdup (sd_task_peek_request_text (task))
                             : _sd_store_request_to_text (sd_task_get_request (task)));
      if (rowid != NULL)
        sqlite3_bind_int64 (stmt, 18, *rowid);
      done = _sd_store_step_write (self, stmt, error);
    }
  g_debug ("Restored %u tasks to the history", tasks->len);
  return _sd_store_end_write (self, done, error);
}

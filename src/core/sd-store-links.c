/* sd-store-links.c: the tasks that continue or retry a task
 *
 * Read through the links indexes of schema 10 (continues, retry_of), on
 * the calling thread or on a reader's.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-store"

#include "config.h"

#include "sd-store-private.h"
#include "sd-store-query.h"

/* Links to a task */

/* The tasks whose @column (continues or retry_of) names @id, newest first. */
static char **
query_linked (SdStore     *self,
              const char  *column,
              const char  *id,
              GError     **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT id FROM tasks WHERE base = ?1 AND %s = ?2 "
                                          "ORDER BY created_at DESC, rowid DESC", column);
  g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (_sd_store_get_db (self), sql, -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, sd_store_get_base (self), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, id, -1, SQLITE_TRANSIENT);
    }
  while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_strv_builder_add (ids, (const char *) sqlite3_column_text (stmt, 0));
      rc = SQLITE_OK;
    }
  if (rc != SQLITE_DONE)
    _sd_store_set_read_error (self, error);
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE ? g_strv_builder_end (ids) : NULL;
}

/**
 * sd_store_query_links:
 * @self: a store (or a reader)
 * @id: a task id
 * @continuations: (out) (transfer full): the ids of the tasks that
 *   continue @id (from its last frame), newest first
 * @retries: (out) (transfer full): the ids of the tasks that retry @id
 * @error: an %SD_STORE_ERROR
 *
 * Reads the whole history, not the tasks a list has loaded.
 *
 * Returns: %TRUE when both were read
 */
gboolean
sd_store_query_links (SdStore      *self,
                      const char   *id,
                      char       ***continuations,
                      char       ***retries,
                      GError      **error)
{
  g_auto(GStrv) continuing = NULL;

  g_return_val_if_fail (SD_IS_STORE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  continuing = query_linked (self, "continues", id, error);
  if (continuing == NULL || (*retries = query_linked (self, "retry_of", id, error)) == NULL)
    return FALSE;
  *continuations = g_steal_pointer (&continuing);
  return TRUE;
}

typedef struct {
  char  *id;
  char **continuations;
  char **retries;
} LinksJob;

static void
links_job_free (LinksJob *job)
{
  g_free (job->id);
  g_strfreev (job->continuations);
  g_strfreev (job->retries);
  g_free (job);
}

static void
query_links_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  LinksJob *job = task_data;
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;
  if (sd_store_query_links (source_object, job->id, &job->continuations, &job->retries, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * sd_store_query_links_async:
 * @reader: a reader (sd_store_open_reader())
 * @id: a task id
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the thread-default main context of the caller
 * @user_data: for @callback
 *
 * sd_store_query_links() on a worker thread.
 */
void
sd_store_query_links_async (SdStore             *reader,
                            const char          *id,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  LinksJob *job = g_new0 (LinksJob, 1);

  g_return_if_fail (SD_IS_STORE (reader));
  g_return_if_fail (id != NULL);

  job->id = g_strdup (id);
  task = g_task_new (reader, cancellable, callback, user_data);
  g_task_set_source_tag (task, sd_store_query_links_async);
  g_task_set_task_data (task, job, (GDestroyNotify) links_job_free);
  _sd_store_run_in_thread (task, query_links_thread);
}

gboolean
sd_store_query_links_finish (SdStore       *reader,
                             GAsyncResult  *result,
                             char        ***continuations,
                             char        ***retries,
                             GError       **error)
{
  LinksJob *job;

  g_return_val_if_fail (g_task_is_valid (result, reader), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  job = g_task_get_task_data (G_TASK (result));
  *continuations = g_steal_pointer (&job->continuations);
  *retries = g_steal_pointer (&job->retries);
  return TRUE;
}

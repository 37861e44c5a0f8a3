/* sd-store-journal.c: the journal of tasks the history could not take
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

/* The journal of tasks the history could not take */

static char *
journal_path (const char *history_path)
{
  return g_strconcat (history_path, SD_STORE_JOURNAL_SUFFIX, NULL);
}

static void
set_journal_error (GError     **error,
                   const char  *path,
                   int          saved_errno)
{
  g_autofree char *display = g_filename_display_name (path);

  g_set_error (error, SD_STORE_ERROR, SD_STORE_ERROR_WRITE,
               _("Could not write to the task journal “%s”: %s"),
               display, g_strerror (saved_errno));
}

static char *
journal_entry (SdStore    *self,
               SdTask     *task,
               const char *local_id)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) request = sd_api_request_to_json (sd_task_get_request (task));
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "base");
  json_builder_add_string_value (builder, self->base);
  json_builder_set_member_name (builder, "task_id");
  json_builder_add_string_value (builder, sd_task_get_id (task));
  json_builder_set_member_name (builder, "local_id");
  json_builder_add_string_value (builder, local_id);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, _sd_store_status_to_text (sd_task_get_status (task)));
  json_builder_set_member_name (builder, "status_raw");
  json_builder_add_string_value (builder, sd_task_get_status_raw (task));
  json_builder_set_member_name (builder, "server_model");
  json_builder_add_string_value (builder, sd_task_get_server_model (task));
  json_builder_set_member_name (builder, "created_at");
  json_builder_add_int_value (builder, sd_task_get_created_at (task));
  json_builder_set_member_name (builder, "journaled_at");
  json_builder_add_int_value (builder, g_get_real_time () / G_USEC_PER_SEC);
  json_builder_set_member_name (builder, "request");
  json_builder_add_value (builder, g_steal_pointer (&request));
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

/* The folder's entry for a new file survives a power cut only once the
 * folder itself is synced. */
static void
sync_folder (const char *path)
{
  g_autofree char *folder = g_path_get_dirname (path);
  int fd = open (folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (fd >= 0)
    {
      fsync (fd);
      close (fd);
    }
}

/* Opens the journal locked for this process alone; a file a replay
 * removed while this one waited for the lock is opened again. */
static int
open_journal_locked (const char *path,
                     int         flags)
{
  for (guint attempt = 0; attempt < 8; attempt++)
    {
      struct stat st;
      /* O_NONBLOCK: a FIFO planted there must not hang the open. */
      int fd = open (path, flags | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0600);

      if (fd < 0)
        return -1;
      if (flock (fd, LOCK_EX) == 0 && fstat (fd, &st) == 0 && st.st_nlink > 0 &&
          S_ISREG (st.st_mode))
        return fd;
      close (fd);
      if (!(flags & O_CREAT))
        break;
    }
  errno = EAGAIN;
  return -1;
}

static char *
read_all (int fd)
{
  g_autoptr(GString) contents = g_string_new (NULL);
  char buffer[8192];
  ssize_t n;

  while ((n = read (fd, buffer, sizeof buffer)) != 0)
    {
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return NULL;
      g_string_append_len (contents, buffer, n);
    }
  return g_string_free (g_steal_pointer (&contents), FALSE);
}

static gboolean
write_all (int         fd,
           const char *data,
           gsize       length)
{
  while (length > 0)
    {
      ssize_t written = write (fd, data, length);

      if (written < 0 && errno == EINTR)
        continue;
      if (written <= 0)
        return FALSE;
      data += written;
      length -= (gsize) written;
    }
  return TRUE;
}

/**
 * sd_store_journal_task:
 * @self: a store
 * @task: a task the server created that the history could not take
 * @local_id: (nullable): the id of the task's pending row, if it has one
 * @error: an %SD_STORE_ERROR
 *
 * Appends @task (its id, the store's base, the request and the times) to
 * the journal next to the history, synced to disk before this returns.
 * The next sd_store_open() of the history adds it and empties the journal.
 *
 * Returns: %TRUE when the task is in the journal.
 */
gboolean
sd_store_journal_task (SdStore     *self,
                       SdTask      *task,
                       const char  *local_id,
                       GError     **error)
{
  g_autofree char *path = NULL;
  g_autofree char *entry = NULL;
  g_autofree char *line = NULL;
  gboolean written;
  int saved_errno;
  int fd;

  g_return_val_if_fail (SD_IS_STORE (self), FALSE);
  g_return_val_if_fail (SD_IS_TASK (task), FALSE);

  path = journal_path (self->path);
  if (!_sd_store_make_folder (self->path, error))
    return FALSE;
  entry = journal_entry (self, task, local_id);
  line = g_strconcat (entry, "\n", NULL);
  fd = open_journal_locked (path, O_WRONLY | O_APPEND | O_CREAT);
  if (fd < 0)
    {
      set_journal_error (error, path, errno);
      return FALSE;
    }
  written = write_all (fd, line, strlen (line)) && fsync (fd) == 0;
  saved_errno = errno;
  close (fd);
  if (!written)
    {
      set_journal_error (error, path, saved_errno);
      return FALSE;
    }
  sync_folder (path);
  g_debug ("Task %s went to the journal %s", sd_task_get_id (task), path);
  return TRUE;
}

char *
sd_store_get_journal_path (SdStore *self)
{
  g_return_val_if_fail (SD_IS_STORE (self), NULL);
  return journal_path (self->path);
}

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gint64
member_int (JsonObject *object,
            const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64)
    return 0;
  return MAX (json_node_get_int (node), 0);
}

/* Adds one journal line to the history (within a transaction); a task
 * the history has by now is left as it is there. FALSE when the line
 * cannot be read, or with @error when it could not be written. */
static gboolean
replay_entry (SdStore     *self,
              const char  *line,
              GError     **error)
{
  g_autoptr(JsonNode) root = json_from_string (line, NULL);
  g_autoptr(SdTask) task = NULL;
  g_autofree char *request = NULL;
  JsonObject *object;
  JsonNode *request_node;
  const char *base, *task_id, *local_id;
  sqlite3_stmt *stmt;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return FALSE;
  object = json_node_get_object (root);
  base = member_string (object, "base");
  task_id = member_string (object, "task_id");
  local_id = member_string (object, "local_id");
  request_node = json_object_get_member (object, "request");
  if (base == NULL || *base == '\0' || task_id == NULL || *task_id == '\0')
    return FALSE;
  if (request_node != NULL)
    request = json_to_string (request_node, FALSE);

  task = sd_task_new_unparsed (task_id, request, _sd_store_request_from_text);
  sd_task_set_status (task, sd_api_status_from_string (member_string (object, "status")),
                      member_string (object, "status_raw"));
  sd_task_set_server_model (task, member_string (object, "server_model"));
  sd_task_set_created_at (task, member_int (object, "created_at"));
  sd_task_set_updated_at (task, member_int (object, "created_at"));

  if (local_id != NULL)
    {
      stmt = _sd_store_get_statement (self, STMT_DELETE, error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, BASE_PARAM_INDEX, base, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 1, local_id, -1, SQLITE_TRANSIENT);
      if (!_sd_store_step_write (self, stmt, error))
        return FALSE;
    }
  stmt = _sd_store_get_statement (self, STMT_INSERT_NEW, error);
  if (stmt == NULL)
    return FALSE;
  _sd_store_bind_task (stmt, task, g_strdup (request));
  sqlite3_bind_text (stmt, BASE_PARAM_INDEX, base, -1, SQLITE_TRANSIENT);
  g_debug ("Task %s of %s comes back from the journal", task_id, base);
  return _sd_store_step_write (self, stmt, error);
}

/* Adds the tasks of the journal to the history, in one transaction, and
 * then removes the journal; a line that cannot be read stays in it. */
void
_sd_store_replay_journal (SdStore *self)
{
  g_autofree char *path = journal_path (self->path);
  g_autofree char *contents = NULL;
  g_autoptr(GString) kept = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  gboolean done;
  int fd;

  fd = open_journal_locked (path, O_RDWR);
  if (fd < 0)
    return;
  contents = read_all (fd);
  if (contents == NULL)
    set_journal_error (&error, path, errno);
  if (contents == NULL || !_sd_store_begin_write (self, &error))
    {
      g_warning ("Could not add the tasks of %s to the history: %s", path, error->message);
      close (fd);
      return;
    }

  lines = g_strsplit (contents, "\n", -1);
  done = TRUE;
  for (guint i = 0; done && lines[i] != NULL; i++)
    {
      if (*g_strstrip (lines[i]) == '\0')
        continue;
      if (!replay_entry (self, lines[i], &error) && error == NULL)
        g_string_append_printf (kept, "%s\n", lines[i]);
      done = error == NULL;
    }

  if (_sd_store_end_write (self, done, &error))
    {
      if (kept->len == 0)
        done = g_unlink (path) == 0;
      else
        done = ftruncate (fd, 0) == 0 && lseek (fd, 0, SEEK_SET) == 0 &&
               write_all (fd, kept->str, kept->len) && fsync (fd) == 0;
      if (!done)
        g_warning ("Could not empty the task journal %s: %s", path, g_strerror (errno));
      else if (kept->len > 0)
        g_message ("Some lines of the task journal %s could not be read; they were kept", path);
    }
  else
    g_warning ("Could not add the tasks of %s to the history: %s", path, error->message);
  close (fd);
}

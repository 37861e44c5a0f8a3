/* sd-cli-remove.c: “seedance remove” and “seedance favourite”, on many
 * tasks of the history at once
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "seedance-cli"

#include "config.h"

#include <errno.h>
#include <sys/stat.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "sd-cli-private.h"
#include "sd-service.h"

/* The tasks of @ids (each once), or NULL when one of them is not in the
 * history: then nothing is changed, and each unknown id was reported. */
static GPtrArray *
find_all (SdCli        *self,
          char        **ids,
          int          *exit_status)
{
  g_autoptr(GPtrArray) tasks = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  gboolean all_found = TRUE;

  for (guint i = 0; ids[i] != NULL; i++)
    {
      SdTask *task = NULL;

      if (!g_hash_table_add (seen, ids[i]))
        continue;
      if (_sd_cli_find_in_history (self, ids[i], &task, exit_status))
        g_ptr_array_add (tasks, task);
      else
        all_found = FALSE;
    }
  if (!all_found)
    {
      _sd_cli_print_message (self, "%s", _("Nothing was changed."));
      return NULL;
    }
  return g_steal_pointer (&tasks);
}

static void
print_ids_as_json (SdCli       *self,
                   const char  *member,
                   GPtrArray   *ids,
                   const char  *extra_member,
                   GPtrArray   *extra)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, member);
  json_builder_begin_array (builder);
  for (guint i = 0; i < ids->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (ids, i));
  json_builder_end_array (builder);
  if (extra_member != NULL)
    {
      json_builder_set_member_name (builder, extra_member);
      json_builder_begin_array (builder);
      for (guint i = 0; i < extra->len; i++)
        json_builder_add_string_value (builder, g_ptr_array_index (extra, i));
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);
  _sd_cli_print_json (self, node);
}

/* remove */

/* Deletes the saved video of @task, if it has one. FALSE (reported) when
 * it is there and could not be deleted: the task is then kept. */
static gboolean
delete_file (SdCli      *self,
             SdTask     *task,
             GPtrArray  *deleted)
{
  const char *path = sd_task_get_local_file (task);
  GStatBuf st;
  int saved_errno;

  if (path == NULL || *path == '\0')
    return TRUE;
  /* Only a saved video is deleted: never a folder or a device the
   * history's path may name by now. */
  if (g_lstat (path, &st) == 0 && !S_ISREG (st.st_mode) && !S_ISLNK (st.st_mode))
    {
      _sd_cli_print_message (self, _("“%s”, the video of task %s, is not a file; it was not "
                                     "deleted and the task stays in the history."),
                             path, sd_task_get_id (task));
      return FALSE;
    }
  if (g_unlink (path) == 0)
    {
      g_ptr_array_add (deleted, g_strdup (path));
      return TRUE;
    }
  saved_errno = errno;
  if (saved_errno == ENOENT)
    return TRUE;
  _sd_cli_print_message (self, _("Could not delete the video “%s” of task %s (%s); "
                                 "the task stays in the history."),
                         path, sd_task_get_id (task), g_strerror (saved_errno));
  return FALSE;
}

static gboolean
run_remove (SdCli              *self,
            const SdCliCommand *command,
            SdCliArguments     *args,
            int                *exit_status)
{
  gboolean delete_files = _sd_cli_option_value (args, "delete-file") != NULL;
  g_autoptr(GPtrArray) deleted = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  g_autoptr(GPtrArray) tasks = NULL;
  g_autoptr(GError) error = NULL;
  gboolean all_done = TRUE;

  if (!_sd_cli_open_context (self, exit_status))
    return FALSE;
  tasks = find_all (self, args->positional, exit_status);
  if (tasks == NULL)
    return FALSE;

  for (guint i = 0; i < tasks->len; i++)
    {
      SdTask *task = g_ptr_array_index (tasks, i);

      if (delete_files && !delete_file (self, task, deleted))
        all_done = FALSE;
      else
        g_ptr_array_add (ids, (gpointer) sd_task_get_id (task));
    }
  g_ptr_array_add (ids, NULL);
  if (!sd_store_remove_tasks (sd_context_get_store (self->context),
                              (const char * const *) ids->pdata, NULL, &error))
    return _sd_cli_report_error (self, error, NULL, exit_status);
  g_ptr_array_remove_index (ids, ids->len - 1);

  if (self->json)
    print_ids_as_json (self, "removed", ids, "deleted_files", deleted);
  else
    for (guint i = 0; i < ids->len; i++)
      _sd_cli_print_result (self, _("Removed %s\n"), (const char *) g_ptr_array_index (ids, i));
  for (guint i = 0; !self->json && i < deleted->len; i++)
    _sd_cli_print_result (self, _("Deleted %s\n"), (const char *) g_ptr_array_index (deleted, i));
  return _sd_cli_exit_with (exit_status, all_done ? SD_CLI_EXIT_SUCCESS : SD_CLI_EXIT_FAILURE);
}

static const GOptionEntry remove_entries[] = {
  { "delete-file", 0, G_OPTION_FLAG_NO_ARG, G_OPTION_ARG_CALLBACK, (gpointer) _sd_cli_store_option,
    N_("Delete the saved video of each task too"), NULL },
  { NULL }
};

const SdCliCommand _sd_cli_remove_command = {
  .name = "remove",
  .summary = N_("Remove tasks from the history (their videos stay unless asked)."),
  .parameters = N_("ID…"),
  .entries = remove_entries,
  .options = SD_CLI_OPTION_JSON | SD_CLI_OPTION_MANY_IDS,
  .run = run_remove,
};

/* favourite */

static gboolean
run_favourite (SdCli              *self,
               const SdCliCommand *command,
               SdCliArguments     *args,
               int                *exit_status)
{
  gboolean favourite = _sd_cli_option_value (args, "off") == NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  g_autoptr(GPtrArray) tasks = NULL;
  g_autoptr(GError) error = NULL;
  SdService *service;

  if (!_sd_cli_open_context (self, exit_status))
    return FALSE;
  tasks = find_all (self, args->positional, exit_status);
  if (tasks == NULL)
    return FALSE;

  service = sd_context_get_service (self->context);
  for (guint i = 0; i < tasks->len; i++)
    {
      const char *id = sd_task_get_id (g_ptr_array_index (tasks, i));
      SdTask *loaded = sd_service_lookup (service, id);

      /* The service's copy would write its own flag back at its next save. */
      if (loaded != NULL)
        sd_task_set_favourite (loaded, favourite);
      g_ptr_array_add (ids, (gpointer) id);
    }
  g_ptr_array_add (ids, NULL);
  if (!sd_store_set_favourite (sd_context_get_store (self->context),
                               (const char * const *) ids->pdata, favourite, &error))
    return _sd_cli_report_error (self, error, NULL, exit_status);
  g_ptr_array_remove_index (ids, ids->len - 1);

  if (self->json)
    print_ids_as_json (self, favourite ? "favourite" : "not_favourite", ids, NULL, NULL);
  else
    for (guint i = 0; i < ids->len; i++)
      _sd_cli_print_result (self, favourite ? _("%s is a favourite\n") : _("%s is not a favourite\n"),
                            (const char *) g_ptr_array_index (ids, i));
  return _sd_cli_exit_with (exit_status, SD_CLI_EXIT_SUCCESS);
}

static const GOptionEntry favourite_entries[] = {
  { "off", 0, G_OPTION_FLAG_NO_ARG, G_OPTION_ARG_CALLBACK, (gpointer) _sd_cli_store_option,
    N_("Take the tasks out of the favourites"), NULL },
  { NULL }
};

const SdCliCommand _sd_cli_favourite_command = {
  .name = "favourite",
  .summary = N_("Mark tasks as favourites (or not, with --off)."),
  .parameters = N_("ID…"),
  .entries = favourite_entries,
  .options = SD_CLI_OPTION_JSON | SD_CLI_OPTION_MANY_IDS,
  .run = run_favourite,
};

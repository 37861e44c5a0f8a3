/* sd-cli-filter.c: the filters of “seedance list” and “seedance export”
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "seedance-cli"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "sd-cli-private.h"
#include "sd-context.h"

/* The history commands' options go into SdCliArguments.values, by long
 * name ("" for a flag), through this callback. */
gboolean
_sd_cli_store_option (const char  *option_name,
                      const char  *value,
                      gpointer     data,
                      GError     **error)
{
  SdCliArguments *args = data;

  if (args->values == NULL)
    args->values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  while (*option_name == '-')
    option_name++;
  g_hash_table_replace (args->values, g_strdup (option_name), g_strdup (value != NULL ? value : ""));
  return TRUE;
}

const char *
_sd_cli_option_value (SdCliArguments *args,
                      const char     *name)
{
  return args->values != NULL ? g_hash_table_lookup (args->values, name) : NULL;
}

const GOptionEntry _sd_cli_filter_entries[] = {
  { "search", 0, 0, G_OPTION_ARG_CALLBACK, (gpointer) _sd_cli_store_option,
    N_("Only tasks whose prompt, ID or model holds every word of TEXT"), N_("TEXT") },
  { "status", 0, 0, G_OPTION_ARG_CALLBACK, (gpointer) _sd_cli_store_option,
    N_("Only tasks of status S: all, running, completed, failed, "
       "uncertain or waiting (several with commas)"), N_("S") },
  { "model", 0, 0, G_OPTION_ARG_CALLBACK, (gpointer) _sd_cli_store_option,
    N_("Only tasks of model ID, or of every model of family ID"), N_("ID") },
  { "since", 0, 0, G_OPTION_ARG_CALLBACK, (gpointer) _sd_cli_store_option,
    N_("Only tasks created on or after DATE (YYYY-MM-DD, an ISO 8601 "
       "time, or “today”)"), N_("DATE") },
  { "until", 0, 0, G_OPTION_ARG_CALLBACK, (gpointer) _sd_cli_store_option,
    N_("Only tasks created before DATE (before the end of a YYYY-MM-DD day)"), N_("DATE") },
  { "favourite", 0, G_OPTION_FLAG_NO_ARG, G_OPTION_ARG_CALLBACK, (gpointer) _sd_cli_store_option,
    N_("Only favourite tasks"), NULL },
  { "group", 0, 0, G_OPTION_ARG_CALLBACK, (gpointer) _sd_cli_store_option,
    N_("Only tasks of group ID"), N_("ID") },
  { "limit", 0, 0, G_OPTION_ARG_CALLBACK, (gpointer) _sd_cli_store_option,
    N_("At most N tasks, the newest"), N_("N") },
  { NULL }
};

/* Dates */

static GDateTime *
local_midnight (GDateTime *time)
{
  return g_date_time_new_local (g_date_time_get_year (time), g_date_time_get_month (time),
                                g_date_time_get_day_of_month (time), 0, 0, 0);
}

/* "today", YYYY-MM-DD (local midnight) or a full ISO 8601 time (a time
 * without a zone is local). A bare date for --until means the end of that
 * day: @whole_day gets TRUE for those. */
static GDateTime *
parse_date (const char *text,
            gboolean   *whole_day)
{
  g_autoptr(GTimeZone) local = g_time_zone_new_local ();
  int year, month, day;
  char end;

  *whole_day = TRUE;
  if (g_ascii_strcasecmp (text, "today") == 0)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();

      return local_midnight (now);
    }
  if (strlen (text) == 10 && sscanf (text, "%4d-%2d-%2d%c", &year, &month, &day, &end) == 3 &&
      text[4] == '-' && text[7] == '-' && g_date_valid_dmy (day, month, year))
    return g_date_time_new_local (year, month, day, 0, 0, 0);
  *whole_day = FALSE;
  return g_date_time_new_from_iso8601 (text, local);
}

static gboolean
read_date (SdCli              *self,
           const SdCliCommand *command,
           SdCliArguments     *args,
           const char         *option,
           gint64             *out,
           int                *exit_status)
{
  const char *text = _sd_cli_option_value (args, option);
  g_autoptr(GDateTime) time = NULL;
  g_autofree char *message = NULL;
  gboolean whole_day;

  if (text == NULL)
    return TRUE;
  time = parse_date (text, &whole_day);
  if (time != NULL && g_date_time_to_unix (time) > 0)
    {
      g_autoptr(GDateTime) next = NULL;

      if (whole_day && g_str_equal (option, "until"))
        next = g_date_time_add_days (time, 1);
      *out = g_date_time_to_unix (next != NULL ? next : time);
      g_debug ("--%s %s is %" G_GINT64_FORMAT, option, text, *out);
      return TRUE;
    }
  /* Translators: the first %s is an option such as --since, the second what was given */
  message = g_strdup_printf (_("--%s “%s” is not a date: give YYYY-MM-DD, a full ISO 8601 "
                               "time such as 2026-05-01T12:00:00Z, or “today”."),
                             option, text);
  return _sd_cli_report_usage (self, command->name, message, exit_status);
}

/* The rest of the filters */

static gboolean
read_statuses (SdCli              *self,
               const SdCliCommand *command,
               SdCliArguments     *args,
               SdTaskQuery        *query,
               int                *exit_status)
{
  const char *text = _sd_cli_option_value (args, "status");
  g_auto(GStrv) names = NULL;

  if (text == NULL)
    return TRUE;
  names = g_strsplit (text, ",", -1);
  for (guint i = 0; names[i] != NULL; i++)
    {
      guint filter;

      if (!sd_task_status_filter_from_name (g_strstrip (names[i]), &filter))
        {
          g_autofree char *message =
            g_strdup_printf (_("--status “%s” is not a status: give all, running, completed, "
                               "failed, uncertain or waiting."), names[i]);

          return _sd_cli_report_usage (self, command->name, message, exit_status);
        }
      /* "all" among others keeps every task */
      if (filter == 0)
        {
          query->statuses = 0;
          return TRUE;
        }
      query->statuses |= filter;
    }
  return TRUE;
}

static gboolean
read_limit (SdCli              *self,
            const SdCliCommand *command,
            SdCliArguments     *args,
            guint              *limit,
            int                *exit_status)
{
  const char *text = _sd_cli_option_value (args, "limit");
  g_autofree char *message = NULL;
  guint64 value = 0;

  *limit = G_MAXUINT;
  if (text == NULL)
    return TRUE;
  if (g_ascii_string_to_unsigned (text, 10, 1, G_MAXUINT - 1, &value, NULL))
    {
      *limit = (guint) value;
      return TRUE;
    }
  message = g_strdup_printf (_("--limit “%s” is not a number of tasks: give a whole number "
                               "from 1 to %u."), text, G_MAXUINT - 1);
  return _sd_cli_report_usage (self, command->name, message, exit_status);
}

static gboolean
read_text_option (SdCli              *self,
                  const SdCliCommand *command,
                  SdCliArguments     *args,
                  const char         *option,
                  char              **out,
                  int                *exit_status)
{
  const char *text = _sd_cli_option_value (args, option);
  g_autofree char *message = NULL;

  if (text == NULL)
    return TRUE;
  if (*text != '\0' || g_str_equal (option, "search"))
    {
      *out = g_strdup (text);
      return TRUE;
    }
  message = g_strdup_printf (_("--%s is empty: give an ID."), option);
  return _sd_cli_report_usage (self, command->name, message, exit_status);
}

/* The query the options ask for, or NULL with the usage error reported. */
SdTaskQuery *
_sd_cli_query_from_arguments (SdCli              *self,
                              const SdCliCommand *command,
                              SdCliArguments     *args,
                              guint              *limit,
                              int                *exit_status)
{
  g_autoptr(SdTaskQuery) query = sd_task_query_new ();
  g_autofree char *model = NULL;

  if (!read_text_option (self, command, args, "search", &query->text, exit_status) ||
      !read_statuses (self, command, args, query, exit_status) ||
      !read_text_option (self, command, args, "model", &model, exit_status) ||
      !read_date (self, command, args, "since", &query->since, exit_status) ||
      !read_date (self, command, args, "until", &query->until, exit_status) ||
      !read_text_option (self, command, args, "group", &query->group, exit_status) ||
      !read_limit (self, command, args, limit, exit_status))
    return NULL;
  if (query->since > 0 && query->until > 0 && query->since >= query->until)
    {
      _sd_cli_report_usage (self, command->name,
                            _("--since must be before --until."), exit_status);
      return NULL;
    }
  query->favourite = _sd_cli_option_value (args, "favourite") != NULL;
  if (model != NULL)
    query->models = g_strdupv ((char *[]) { model, NULL });
  return g_steal_pointer (&query);
}

/* Runs @query on the history of the open context: at most @limit tasks,
 * newest first. A model that names a family of the catalogue is all its
 * models. */
GPtrArray *
_sd_cli_run_query (SdCli             *self,
                   const SdTaskQuery *query,
                   guint              limit,
                   int               *exit_status)
{
  g_autoptr(SdTaskQuery) resolved = sd_task_query_copy (query);
  g_autoptr(GPtrArray) tasks = g_ptr_array_new_with_free_func (g_object_unref);
  SdStore *store = sd_context_get_store (self->context);
  SdStoreCursor cursor = SD_STORE_CURSOR_INIT;
  gboolean more = TRUE;

  if (query->models != NULL)
    sd_task_query_set_model (resolved, sd_context_get_catalog (self->context), query->models[0]);
  while (more && tasks->len < limit)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) page = sd_store_query_page (store, resolved, &cursor,
                                                       MIN (limit - tasks->len, 500), &more,
                                                       &error);

      if (page == NULL)
        {
          _sd_cli_report_error (self, error, NULL, exit_status);
          return NULL;
        }
      for (guint i = 0; i < page->len; i++)
        g_ptr_array_add (tasks, g_object_ref (g_ptr_array_index (page, i)));
    }
  return g_steal_pointer (&tasks);
}

/* The task @id of the history into @task; else says it is not there.
 * FALSE with @exit_status set when it is not, or cannot be read. */
gboolean
_sd_cli_find_in_history (SdCli       *self,
                         const char  *id,
                         SdTask     **task,
                         int         *exit_status)
{
  g_autoptr(GError) error = NULL;

  *task = sd_store_load_task (sd_context_get_store (self->context), id, &error);
  if (*task != NULL)
    return TRUE;
  if (error != NULL)
    return _sd_cli_report_error (self, error, id, exit_status);
  if (self->demo)
    _sd_cli_print_message (self, _("Task %s is not in the demo history."), id);
  else
    _sd_cli_print_message (self, _("Task %s is not in the history: run “seedance list” to see "
                                   "the tasks submitted from this computer."), id);
  return _sd_cli_exit_with (exit_status, SD_CLI_EXIT_FAILURE);
}

/* An upgrade of the history that takes a while, on stderr. */
void
_sd_cli_on_store_progress_cb (const char *what,
                              double      fraction,
                              gpointer    user_data)
{
  SdCli *self = user_data;
  g_autofree char *text = NULL;

  /* Translators: progress of a long task: what is done, then a percentage */
  text = g_strdup_printf (_("%s: %u %%"), what, (guint) (fraction * 100.0));
  _sd_cli_print_progress (self, text);
  if (fraction >= 1.0)
    _sd_cli_end_progress (self);
}

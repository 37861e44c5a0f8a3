/* sd-store-query.c: the search index of the history, and queries on it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-store"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "sd-store-private.h"
#include "sd-store-query.h"

/* The prompt and the model of a row (@t: "new", "old" or "tasks"), as
 * the index holds them. A damaged stored request has no prompt: it must
 * not make the write that stores it fail. */
#define PROMPT_OF(t) \
  "(CASE WHEN json_valid(" t ".request) THEN json_extract(" t ".request, '$.prompt') END)"
#define MODEL_OF(t) \
  "(CASE WHEN json_valid(" t ".request) THEN json_extract(" t ".request, '$.model') END)"
#define MODELS_OF(t) \
  "trim(coalesce(" MODEL_OF (t) ", '') || ' ' || coalesce(" t ".server_model, ''))"
/* The group's label and the task's own (schema 9). */
#define LABELS_OF(t) \
  "trim(coalesce(" t ".group_label, '') || ' ' || coalesce(" t ".label, ''))"

/* The index, "tasks_search", is contentless: it holds only the trigrams
 * of each row's prompt, id, model and labels, keyed by the row's rowid, and the
 * triggers keep it in step with every write. A delete names the values
 * the row was indexed with, computed again from the old row. A migration
 * that makes the tasks table again must build the index again
 * (_sd_store_build_search_index()). */
static const char * const search_schema[] = {
  "CREATE VIRTUAL TABLE tasks_search USING fts5 (prompt, id, model, labels, "
  "content = '', tokenize = 'trigram')",
  "CREATE TRIGGER tasks_search_insert AFTER INSERT ON tasks BEGIN "
  "INSERT INTO tasks_search (rowid, prompt, id, model, labels) "
  "VALUES (new.rowid, " PROMPT_OF ("new") ", new.id, " MODELS_OF ("new") ", "
  LABELS_OF ("new") "); END",
  "CREATE TRIGGER tasks_search_delete AFTER DELETE ON tasks BEGIN "
  "INSERT INTO tasks_search (tasks_search, rowid, prompt, id, model, labels) "
  "VALUES ('delete', old.rowid, " PROMPT_OF ("old") ", old.id, " MODELS_OF ("old") ", "
  LABELS_OF ("old") "); END",
  "CREATE TRIGGER tasks_search_update AFTER UPDATE OF request, id, server_model, "
  "group_label, label ON tasks "
  "WHEN old.request IS NOT new.request OR old.id IS NOT new.id "
  "OR old.server_model IS NOT new.server_model OR old.group_label IS NOT new.group_label "
  "OR old.label IS NOT new.label BEGIN "
  "INSERT INTO tasks_search (tasks_search, rowid, prompt, id, model, labels) "
  "VALUES ('delete', old.rowid, " PROMPT_OF ("old") ", old.id, " MODELS_OF ("old") ", "
  LABELS_OF ("old") "); "
  "INSERT INTO tasks_search (rowid, prompt, id, model, labels) "
  "VALUES (new.rowid, " PROMPT_OF ("new") ", new.id, " MODELS_OF ("new") ", "
  LABELS_OF ("new") "); END",
};

/* What schema 5 made, and schema 9 makes again with the labels. */
static const char * const search_drop[] = {
  "DROP TRIGGER IF EXISTS tasks_search_insert",
  "DROP TRIGGER IF EXISTS tasks_search_delete",
  "DROP TRIGGER IF EXISTS tasks_search_update",
  "DROP TABLE IF EXISTS tasks_search",
};

/* Rows indexed per statement while building: small enough to report
 * progress often, large enough not to cost time. */
#define BUILD_CHUNK 4096
/* Progress is reported only for work that lasts longer than this (a
 * variable for the tests). */
gint64 _sd_store_progress_after_us = G_USEC_PER_SEC;

/* Progress of the open running on this thread */

typedef struct {
  SdStoreProgressFunc func;
  gpointer            user_data;
  gint64              started;
  gboolean            reported;
} Progress;

/* The thread's Progress, owned by the slot (freed when replaced). */
static GPrivate current_progress = G_PRIVATE_INIT (NULL);

static Progress *
new_progress (SdStoreProgressFunc func,
              gpointer            user_data)
{
  Progress *progress;

  if (func == NULL)
    return NULL;
  progress = g_new0 (Progress, 1);
  progress->func = func;
  progress->user_data = user_data;
  return progress;
}

gpointer
_sd_store_push_progress (SdStoreProgressFunc func,
                         gpointer            user_data)
{
  gpointer previous = g_private_get (&current_progress);

  g_private_set (&current_progress, new_progress (func, user_data));
  return previous;
}

void
_sd_store_pop_progress (gpointer previous)
{
  g_free (g_private_get (&current_progress));
  g_private_set (&current_progress, previous);
}

/**
 * sd_store_set_thread_progress:
 * @func: (nullable): told how an upgrade of a large history goes
 * @user_data: for @func
 *
 * From now on, every open on the calling thread (also one made by
 * another object, such as #SdContext) reports to @func, as
 * sd_store_open_with_progress() does; %NULL stops that.
 */
void
sd_store_set_thread_progress (SdStoreProgressFunc func,
                              gpointer            user_data)
{
  g_free (g_private_get (&current_progress));
  g_private_set (&current_progress, new_progress (func, user_data));
}

/* The clock of "over a second" starts with the work. */
static void
start_progress (void)
{
  Progress *progress = g_private_get (&current_progress);

  if (progress == NULL)
    return;
  progress->started = g_get_monotonic_time ();
  progress->reported = FALSE;
}

static void
report_progress (const char *what,
                 double      fraction)
{
  Progress *progress = g_private_get (&current_progress);

  if (progress == NULL)
    return;
  if (!progress->reported &&
      g_get_monotonic_time () - progress->started < _sd_store_progress_after_us)
    return;
  progress->reported = TRUE;
  progress->func (what, CLAMP (fraction, 0.0, 1.0), progress->user_data);
}

/* The migration */

static gboolean
query_int64 (sqlite3     *db,
             const char  *sql,
             gint64      *value,
             GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);

  if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    *value = sqlite3_column_int64 (stmt, 0);
  if (rc != SQLITE_ROW)
    g_set_error_literal (error, SD_STORE_ERROR, SD_STORE_ERROR_WRITE, sqlite3_errmsg (db));
  sqlite3_finalize (stmt);
  return rc == SQLITE_ROW;
}

/* Indexes every row there is, a range of rowids at a time. */
gboolean
_sd_store_build_search_index (sqlite3  *db,
                              GError  **error)
{
  const char *sql =
    "INSERT INTO tasks_search (rowid, prompt, id, model, labels) "
    "SELECT rowid, " PROMPT_OF ("tasks") ", id, " MODELS_OF ("tasks") ", "
    LABELS_OF ("tasks") " FROM tasks WHERE rowid BETWEEN ?1 AND ?2";
  gint64 first = 0, last = 0, started = g_get_monotonic_time ();
  sqlite3_stmt *stmt = NULL;
  gboolean done = TRUE;

  start_progress ();
  if (!query_int64 (db, "SELECT coalesce(min(rowid), 0) FROM tasks", &first, error) ||
      !query_int64 (db, "SELECT coalesce(max(rowid), -1) FROM tasks", &last, error))
    return FALSE;
  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    return _sd_store_exec_sql (db, sql, error);

  for (gint64 from = first; done && from <= last; from += BUILD_CHUNK)
    {
      sqlite3_bind_int64 (stmt, 1, from);
      sqlite3_bind_int64 (stmt, 2, from + BUILD_CHUNK - 1);
      done = sqlite3_step (stmt) == SQLITE_DONE;
      sqlite3_reset (stmt);
      report_progress (_("Building the search index of the history"),
                       (double) (from + BUILD_CHUNK - first) / (double) (last - first + 1));
    }
  if (!done)
    g_set_error_literal (error, SD_STORE_ERROR, SD_STORE_ERROR_WRITE, sqlite3_errmsg (db));
  sqlite3_finalize (stmt);
  if (done)
    report_progress (_("Building the search index of the history"), 1.0);
  g_debug ("Indexed the history for search in %.2f s",
           (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC);
  return done;
}

/* The favourite flag. Schema 5 also made the search index, which schema 9
 * makes again, as it is now (_sd_store_build_search()). */
gboolean
_sd_store_migrate_to_5 (sqlite3     *db,
                        const char  *legacy_base,
                        GError     **error)
{
  return _sd_store_exec_sql (db, "ALTER TABLE tasks ADD COLUMN favourite INTEGER NOT NULL DEFAULT 0",
                             error);
}

/* The search index over the prompt, the id, the model and the labels of
 * every task (FTS5 with the trigram tokenizer: substrings of any script,
 * Chinese included, match), made anew. */
gboolean
_sd_store_build_search (sqlite3  *db,
                        GError  **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (search_drop); i++)
    if (!_sd_store_exec_sql (db, search_drop[i], error))
      return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (search_schema); i++)
    if (!_sd_store_exec_sql (db, search_schema[i], error))
      return FALSE;
  return _sd_store_build_search_index (db, error);
}

const char *
_sd_store_search_delete_trigger_sql (void)
{
  return search_schema[2];
}

const char *
_sd_store_search_insert_trigger_sql (void)
{
  return search_schema[1];
}

/* Queries */

G_DEFINE_BOXED_TYPE (SdTaskQuery, sd_task_query, sd_task_query_copy, sd_task_query_free)

SdTaskQuery *
sd_task_query_new (void)
{
  return g_new0 (SdTaskQuery, 1);
}

SdTaskQuery *
sd_task_query_copy (const SdTaskQuery *query)
{
  SdTaskQuery *copy;

  g_return_val_if_fail (query != NULL, NULL);

  copy = g_memdup2 (query, sizeof *query);
  copy->text = g_strdup (query->text);
  copy->models = g_strdupv (query->models);
  copy->group = g_strdup (query->group);
  return copy;
}

void
sd_task_query_free (SdTaskQuery *query)
{
  if (query == NULL)
    return;
  g_free (query->text);
  g_strfreev (query->models);
  g_free (query->group);
  g_free (query);
}

void
sd_task_query_set_model (SdTaskQuery *query,
                         SdCatalog   *catalog,
                         const char  *model_or_family)
{
  g_autoptr(GStrvBuilder) models = g_strv_builder_new ();

  g_return_if_fail (query != NULL);

  g_clear_pointer (&query->models, g_strfreev);
  if (model_or_family == NULL)
    return;
  if (catalog != NULL && sd_catalog_get_family_name (catalog, model_or_family) != NULL)
    {
      g_autoptr(GListModel) family = sd_catalog_list_family (catalog, model_or_family);

      for (guint i = 0; i < g_list_model_get_n_items (family); i++)
        {
          g_autoptr(SdModel) model = g_list_model_get_item (family, i);

          g_strv_builder_add (models, sd_model_get_id (model));
        }
      g_debug ("Model family %s: %u models", model_or_family, g_list_model_get_n_items (family));
    }
  else
    g_strv_builder_add (models, model_or_family);
  query->models = g_strv_builder_end (models);
}

static gboolean
is_blank (const char *text)
{
  for (const char *c = text; c != NULL && *c != '\0'; c = g_utf8_next_char (c))
    if (!g_unichar_isspace (g_utf8_get_char (c)))
      return FALSE;
  return TRUE;
}

gboolean
sd_task_query_is_empty (const SdTaskQuery *query)
{
  g_return_val_if_fail (query != NULL, TRUE);

  return is_blank (query->text) &&
         query->statuses == 0 && query->models == NULL && query->since <= 0 &&
         query->until <= 0 && !query->favourite && query->group == NULL;
}

/**
 * sd_task_query_set_date_range:
 * @query: a query
 * @range: which days
 * @now: the time now, in the time zone whose days count
 *
 * Sets @query's since (and clears until) to the start of @range.
 */
void
sd_task_query_set_date_range (SdTaskQuery     *query,
                              SdTaskDateRange  range,
                              GDateTime       *now)
{
  g_autoptr(GDateTime) start = NULL;
  int days_back = 0;

  g_return_if_fail (query != NULL);
  g_return_if_fail (now != NULL);

  query->until = 0;
  if (range == SD_TASK_DATE_LAST_7_DAYS)
    days_back = 6;
  else if (range == SD_TASK_DATE_THIS_MONTH)
    days_back = g_date_time_get_day_of_month (now) - 1;
  else if (range != SD_TASK_DATE_TODAY)
    {
      query->since = 0;
      return;
    }
  {
    g_autoptr(GDateTime) day = g_date_time_add_days (now, -days_back);

    start = g_date_time_new (g_date_time_get_timezone (now), g_date_time_get_year (day),
                             g_date_time_get_month (day), g_date_time_get_day_of_month (day),
                             0, 0, 0);
  }
  query->since = start != NULL ? g_date_time_to_unix (start) : 0;
  g_debug ("Date filter %d: since %" G_GINT64_FORMAT, range, query->since);
}

gboolean
sd_task_status_filter_from_name (const char *name,
                                 guint      *filter)
{
  static const struct {
    const char *name;
    guint       filter;
  } names[] = {
    { "all", 0 },
    { "running", SD_TASK_STATUS_FILTER_RUNNING },
    { "completed", SD_TASK_STATUS_FILTER_COMPLETED },
    { "failed", SD_TASK_STATUS_FILTER_FAILED },
    { "uncertain", SD_TASK_STATUS_FILTER_UNCERTAIN },
    { "waiting", SD_TASK_STATUS_FILTER_WAITING },
  };

  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (names); i++)
    if (g_ascii_strcasecmp (name, names[i].name) == 0)
      {
        *filter = names[i].filter;
        return TRUE;
      }
  return FALSE;
}

/* The text values a statement binds, by parameter name. */
typedef struct {
  GString   *where;
  GPtrArray *names;
  GPtrArray *values;
} Conditions;

static void
conditions_clear (Conditions *conditions)
{
  g_string_free (conditions->where, TRUE);
  g_ptr_array_unref (conditions->names);
  g_ptr_array_unref (conditions->values);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Conditions, conditions_clear)

static const char *
add_value (Conditions *conditions,
           const char *prefix,
           char       *value)
{
  char *name = g_strdup_printf (":%s%u", prefix, conditions->names->len);

  g_ptr_array_add (conditions->names, name);
  g_ptr_array_add (conditions->values, value);
  return name;
}

/* A word of the search as an FTS5 string: quoted, so that no character of
 * it is query syntax (a quote inside is doubled). */
static char *
fts_phrase (const char *word)
{
  g_autoptr(GString) phrase = g_string_new ("\"");

  for (const char *c = word; *c != '\0'; c++)
    {
      if (*c == '"')
        g_string_append_c (phrase, '"');
      g_string_append_c (phrase, *c);
    }
  g_string_append_c (phrase, '"');
  return g_string_free (g_steal_pointer (&phrase), FALSE);
}

/* A word as a LIKE pattern: the word anywhere, its % _ and \ literal. */
static char *
like_pattern (const char *word)
{
  g_autoptr(GString) pattern = g_string_new ("%");

  for (const char *c = word; *c != '\0'; c++)
    {
      if (*c == '%' || *c == '_' || *c == '\\')
        g_string_append_c (pattern, '\\');
      g_string_append_c (pattern, *c);
    }
  g_string_append_c (pattern, '%');
  return g_string_free (g_steal_pointer (&pattern), FALSE);
}

/* Whether @word is written as it is inside the stored JSON text of a
 * request: json-glib escapes only quotes, backslashes and control
 * characters. */
static gboolean
is_verbatim_in_json (const char *word)
{
  for (const char *c = word; *c != '\0'; c++)
    if (*c == '"' || *c == '\\' || (guchar) *c < 0x20)
      return FALSE;
  return TRUE;
}

static gboolean
has_ascii_letters (const char *word)
{
  for (const char *c = word; *c != '\0'; c++)
    if (g_ascii_isalpha (*c))
      return TRUE;
  return FALSE;
}

/* A short word has no index: every row is read. Looking for it in the
 * raw texts first (the request's JSON holds the prompt and the model)
 * spares parsing the JSON of the rows that cannot match. LIKE folds
 * ASCII case only, as lower() does. A request with \u escapes (not
 * written by json-glib) always goes on to the exact test. */
static void
add_raw_prefilter (Conditions *conditions,
                   const char *word)
{
  gboolean fold = has_ascii_letters (word);
  const char *name;

  if (!is_verbatim_in_json (word))
    return;
  name = add_value (conditions, "raw", fold ? g_ascii_strdown (word, -1) : g_strdup (word));
  if (fold)
    g_string_append_printf (conditions->where,
                            " AND (instr(lower(request), %s) > 0 OR instr(request, '\\u') > 0 "
                            "OR instr(lower(id), %s) > 0 OR instr(lower(server_model), %s) > 0 "
                            "OR instr(lower(" LABELS_OF ("tasks") "), %s) > 0)",
                            name, name, name, name);
  else
    g_string_append_printf (conditions->where,
                            " AND (instr(request, %s) > 0 OR instr(request, '\\u') > 0 "
                            "OR instr(id, %s) > 0 OR instr(server_model, %s) > 0 "
                            "OR instr(" LABELS_OF ("tasks") ", %s) > 0)",
                            name, name, name, name);
}

/* The trigram tokenizer finds only strings of three characters or more:
 * such words go to the index (all in one MATCH), shorter ones to a LIKE
 * on the same fields. */
static void
add_text (Conditions *conditions,
          const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  g_autoptr(GString) match = g_string_new (NULL);
  g_auto(GStrv) words = NULL;

  for (char *c = valid; *c != '\0'; c = g_utf8_next_char (c))
    if (g_unichar_isspace (g_utf8_get_char (c)))
      *c = ' ';
  words = g_strsplit (valid, " ", -1);
  for (guint i = 0; words[i] != NULL; i++)
    {
      glong length = g_utf8_strlen (words[i], -1);
      const char *name;

      if (length == 0)
        continue;
      if (length >= 3)
        {
          g_autofree char *phrase = fts_phrase (words[i]);

          g_string_append_printf (match, "%s%s", match->len > 0 ? " " : "", phrase);
          continue;
        }
      add_raw_prefilter (conditions, words[i]);
      name = add_value (conditions, "like", like_pattern (words[i]));
      g_string_append_printf (conditions->where,
                              " AND (" PROMPT_OF ("tasks") " LIKE %s ESCAPE '\\' "
                              "OR id LIKE %s ESCAPE '\\' "
                              "OR " MODELS_OF ("tasks") " LIKE %s ESCAPE '\\' "
                              "OR " LABELS_OF ("tasks") " LIKE %s ESCAPE '\\')",
                              name, name, name, name);
    }
  if (match->len > 0)
    {
      const char *name = add_value (conditions, "match", g_strdup (match->str));

      g_string_append_printf (conditions->where,
                              " AND rowid IN (SELECT rowid FROM tasks_search "
                              "WHERE tasks_search MATCH %s)", name);
    }
}

static void
add_statuses (Conditions *conditions,
              guint       statuses)
{
  static const struct {
    guint       filter;
    const char *condition;
  } parts[] = {
    { SD_TASK_STATUS_FILTER_RUNNING,
      "status IS NULL OR status IN ('queued', 'processing', 'unknown')" },
    { SD_TASK_STATUS_FILTER_COMPLETED, "status = 'completed'" },
    { SD_TASK_STATUS_FILTER_FAILED, "status IN ('failed', 'not-found')" },
    { SD_TASK_STATUS_FILTER_UNCERTAIN, "status = 'uncertain'" },
    /* In the local queue, not sent yet (sd-service-queue.c). */
    { SD_TASK_STATUS_FILTER_WAITING, "status = 'waiting'" },
  };
  gboolean first = TRUE;

  if (statuses == 0)
    return;
  g_string_append (conditions->where, " AND (");
  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    if (statuses & parts[i].filter)
      {
        g_string_append_printf (conditions->where, "%s(%s)", first ? "" : " OR ",
                                parts[i].condition);
        first = FALSE;
      }
  g_string_append (conditions->where, first ? "0)" : ")");
}

static void
add_models (Conditions          *conditions,
            const char * const  *models)
{
  g_autoptr(GString) list = g_string_new (NULL);

  for (guint i = 0; models[i] != NULL; i++)
    g_string_append_printf (list, "%s%s", i > 0 ? ", " : "",
                            add_value (conditions, "model", g_strdup (models[i])));
  if (list->len == 0)
    {
      g_string_append (conditions->where, " AND 0");
      return;
    }
  g_string_append_printf (conditions->where,
                          " AND (" MODEL_OF ("tasks") " IN (%s) OR server_model IN (%s))",
                          list->str, list->str);
}

static void
build_conditions (Conditions        *conditions,
                  const SdTaskQuery *query)
{
  conditions->where = g_string_new (NULL);
  conditions->names = g_ptr_array_new_with_free_func (g_free);
  conditions->values = g_ptr_array_new_with_free_func (g_free);
  if (query == NULL)
    return;
  if (query->text != NULL)
    add_text (conditions, query->text);
  add_statuses (conditions, query->statuses);
  if (query->models != NULL)
    add_models (conditions, (const char * const *) query->models);
  if (query->since > 0)
    g_string_append_printf (conditions->where, " AND created_at >= %" G_GINT64_FORMAT,
                            query->since);
  if (query->until > 0)
    g_string_append_printf (conditions->where, " AND created_at < %" G_GINT64_FORMAT,
                            query->until);
  if (query->favourite)
    g_string_append (conditions->where, " AND favourite != 0");
  if (query->group != NULL)
    g_string_append_printf (conditions->where, " AND group_id = %s",
                            add_value (conditions, "group", g_strdup (query->group)));
}

static sqlite3_stmt *
prepare (SdStore     *self,
         const char  *sql,
         Conditions  *conditions,
         GError     **error)
{
  sqlite3 *db = _sd_store_get_db (self);
  sqlite3_stmt *stmt = NULL;

  g_debug ("History query: %s", sql);
  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      _sd_store_set_read_error (self, error);
      return NULL;
    }
  sqlite3_bind_text (stmt, sqlite3_bind_parameter_index (stmt, ":base"),
                     sd_store_get_base (self), -1, SQLITE_TRANSIENT);
  for (guint i = 0; i < conditions->names->len; i++)
    sqlite3_bind_text (stmt,
                       sqlite3_bind_parameter_index (stmt, g_ptr_array_index (conditions->names, i)),
                       g_ptr_array_index (conditions->values, i), -1, SQLITE_TRANSIENT);
  return stmt;
}

static sqlite3_stmt *
prepare_page (SdStore              *self,
              const SdTaskQuery    *query,
              const SdStoreCursor  *cursor,
              guint                 limit,
              GError              **error)
{
  g_auto(Conditions) conditions = { 0 };
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt;

  build_conditions (&conditions, query);
  sql = g_strdup_printf ("SELECT " TASK_COLUMNS ", rowid FROM tasks "
                         "WHERE base = :base AND (created_at, rowid) < (:created_at, :rowid)%s "
                         "ORDER BY created_at DESC, rowid DESC LIMIT :limit",
                         conditions.where->str);
  stmt = prepare (self, sql, &conditions, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, sqlite3_bind_parameter_index (stmt, ":created_at"), cursor->created_at);
  sqlite3_bind_int64 (stmt, sqlite3_bind_parameter_index (stmt, ":rowid"), cursor->rowid);
  /* One row more than asked tells whether there are more. */
  sqlite3_bind_int64 (stmt, sqlite3_bind_parameter_index (stmt, ":limit"), (gint64) limit + 1);
  return stmt;
}

/**
 * sd_store_query_page:
 * @self: a store (or a reader)
 * @query: (nullable): what to find; %NULL finds every task
 * @cursor: (inout): where the previous page ended (start with
 *   %SD_STORE_CURSOR_INIT); moved to the end of this one
 * @limit: the most tasks to return
 * @more: (out) (optional): whether tasks remain after this page
 * @error: an %SD_STORE_ERROR
 *
 * Returns: (transfer container) (element-type SdTask) (nullable): the
 *   tasks, newest first, or %NULL with @error set.
 */
GPtrArray *
sd_store_query_page (SdStore            *self,
                     const SdTaskQuery  *query,
                     SdStoreCursor      *cursor,
                     guint               limit,
                     gboolean           *more,
                     GError            **error)
{
  g_autoptr(GPtrArray) tasks = g_ptr_array_new_with_free_func (g_object_unref);
  sqlite3_stmt *stmt;
  guint rows = 0;
  int rc;

  g_return_val_if_fail (SD_IS_STORE (self), NULL);
  g_return_val_if_fail (cursor != NULL, NULL);

  stmt = prepare_page (self, query, cursor, limit, error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW && rows < limit)
    {
      SdTask *task = _sd_store_task_from_row (stmt);

      rows++;
      cursor->created_at = sqlite3_column_int64 (stmt, COL_CREATED_AT);
      cursor->rowid = sqlite3_column_int64 (stmt, COL_ROWID);
      if (task != NULL)
        g_ptr_array_add (tasks, task);
    }
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      _sd_store_set_read_error (self, error);
      sqlite3_finalize (stmt);
      return NULL;
    }
  if (more != NULL)
    *more = rc == SQLITE_ROW;
  sqlite3_finalize (stmt);
  return g_steal_pointer (&tasks);
}

gint64
sd_store_query_count (SdStore            *self,
                      const SdTaskQuery  *query,
                      GError            **error)
{
  g_auto(Conditions) conditions = { 0 };
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt;
  gint64 count = -1;

  g_return_val_if_fail (SD_IS_STORE (self), -1);

  build_conditions (&conditions, query);
  sql = g_strdup_printf ("SELECT count(*) FROM tasks WHERE base = :base%s",
                         conditions.where->str);
  stmt = prepare (self, sql, &conditions, error);
  if (stmt == NULL)
    return -1;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    count = sqlite3_column_int64 (stmt, 0);
  else
    _sd_store_set_read_error (self, error);
  sqlite3_finalize (stmt);
  return count;
}

/**
 * sd_store_query_ids:
 * @self: a store (or a reader)
 * @query: (nullable): what to find
 * @error: an %SD_STORE_ERROR
 *
 * Returns: (transfer full) (nullable): the ids, newest first (an empty
 *   array when none match), or %NULL with @error set.
 */
char **
sd_store_query_ids (SdStore            *self,
                    const SdTaskQuery  *query,
                    GError            **error)
{
  g_auto(Conditions) conditions = { 0 };
  g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (SD_IS_STORE (self), NULL);

  build_conditions (&conditions, query);
  sql = g_strdup_printf ("SELECT id FROM tasks WHERE base = :base%s "
                         "ORDER BY created_at DESC, rowid DESC", conditions.where->str);
  stmt = prepare (self, sql, &conditions, error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_strv_builder_add (ids, (const char *) sqlite3_column_text (stmt, 0));
  if (rc != SQLITE_DONE)
    _sd_store_set_read_error (self, error);
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE ? g_strv_builder_end (ids) : NULL;
}

char *
sd_store_query_to_sql (SdStore             *self,
                       const SdTaskQuery   *query,
                       const SdStoreCursor *cursor,
                       guint                limit)
{
  sqlite3_stmt *stmt;
  char *expanded;
  char *sql;

  g_return_val_if_fail (SD_IS_STORE (self), NULL);
  g_return_val_if_fail (cursor != NULL, NULL);

  stmt = prepare_page (self, query, cursor, limit, NULL);
  if (stmt == NULL)
    return NULL;
  expanded = sqlite3_expanded_sql (stmt);
  sql = g_strdup (expanded);
  sqlite3_free (expanded);
  sqlite3_finalize (stmt);
  return sql;
}

/* Off the main thread */

/* A GTask run with g_task_run_in_thread() is held by the pool's thread
 * until its function returned, and that reference may well be the last
 * one (the callback may already have run on the main context): the task
 * would then be finalized on the worker, and with it its source object,
 * a store, whose finalization closes its connections and stops its bulk
 * worker. So the store's tasks never go to a thread themselves: an
 * inner task with no source object does, holding the store's task only
 * through a reference that is let go on the task's own context. */

static gboolean
release_cb (gpointer data)
{
  return G_SOURCE_REMOVE;
}

void
_sd_store_release_task (GTask *task)
{
  GSource *source = g_idle_source_new ();

  /* the reference goes with the source's callback data, destroyed on
   * the context that dispatches it */
  g_source_set_callback (source, release_cb, task, g_object_unref);
  g_source_set_static_name (source, "[sd-store] release a task");
  g_source_attach (source, g_task_get_context (task));
  g_source_unref (source);
}

typedef struct {
  GTask           *task;   /* the store's, released on its context */
  GTaskThreadFunc  func;
} ThreadJob;

static void
thread_job_free (ThreadJob *job)
{
  _sd_store_release_task (job->task);
  g_free (job);
}

static void
run_thread_job (GTask        *inner,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  ThreadJob *job = task_data;

  /* returns @job->task from this thread: its callback is queued on the
   * task's context */
  job->func (job->task, g_task_get_source_object (job->task), g_task_get_task_data (job->task),
             g_task_get_cancellable (job->task));
  /* nobody waits for it, but a task finalized without returning is a
   * critical warning of newer GLib */
  g_task_return_boolean (inner, TRUE);
}

void
_sd_store_run_in_thread (GTask           *task,
                         GTaskThreadFunc  func)
{
  g_autoptr(GTask) inner = g_task_new (NULL, NULL, NULL, NULL);
  ThreadJob *job = g_new0 (ThreadJob, 1);

  job->task = g_object_ref (task);
  job->func = func;
  g_task_set_source_tag (inner, _sd_store_run_in_thread);
  g_task_set_task_data (inner, job, (GDestroyNotify) thread_job_free);
  g_task_run_in_thread (inner, run_thread_job);
}

typedef struct {
  SdTaskQuery   *query;
  SdStoreCursor  cursor;
  guint          limit;
  gboolean       more;
} PageJob;

static void
page_job_free (PageJob *job)
{
  sd_task_query_free (job->query);
  g_free (job);
}

static void
query_page_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  PageJob *job = task_data;
  GError *error = NULL;
  GPtrArray *tasks;

  if (g_task_return_error_if_cancelled (task))
    return;
  tasks = sd_store_query_page (source_object, job->query, &job->cursor, job->limit,
                               &job->more, &error);
  if (tasks == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, tasks, (GDestroyNotify) g_ptr_array_unref);
}

void
sd_store_query_page_async (SdStore              *reader,
                           const SdTaskQuery    *query,
                           const SdStoreCursor  *cursor,
                           guint                 limit,
                           GCancellable         *cancellable,
                           GAsyncReadyCallback   callback,
                           gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  PageJob *job;

  g_return_if_fail (SD_IS_STORE (reader));
  g_return_if_fail (cursor != NULL);

  job = g_new0 (PageJob, 1);
  job->query = query != NULL ? sd_task_query_copy (query) : NULL;
  job->cursor = *cursor;
  job->limit = limit;
  task = g_task_new (reader, cancellable, callback, user_data);
  g_task_set_source_tag (task, sd_store_query_page_async);
  g_task_set_task_data (task, job, (GDestroyNotify) page_job_free);
  _sd_store_run_in_thread (task, query_page_thread);
}

GPtrArray *
sd_store_query_page_finish (SdStore        *reader,
                            GAsyncResult   *result,
                            SdStoreCursor  *cursor,
                            gboolean       *more,
                            GError        **error)
{
  PageJob *job;
  GPtrArray *tasks;

  g_return_val_if_fail (g_task_is_valid (result, reader), NULL);

  tasks = g_task_propagate_pointer (G_TASK (result), error);
  job = g_task_get_task_data (G_TASK (result));
  if (tasks != NULL && cursor != NULL)
    *cursor = job->cursor;
  if (more != NULL)
    *more = tasks != NULL && job->more;
  return tasks;
}

/* Readers */

/**
 * sd_store_ensure_reader:
 * @self: a store
 * @reader: (inout) (nullable) (transfer full): a reader of @self, or %NULL
 * @error: an %SD_STORE_ERROR
 *
 * Keeps *@reader while it reads the history of @self with the base of
 * @self; replaces it by a new reader (sd_store_open_reader()) otherwise.
 *
 * Returns: (transfer none) (nullable): *@reader, or %NULL with @error set
 */
SdStore *
sd_store_ensure_reader (SdStore  *self,
                        SdStore **reader,
                        GError  **error)
{
  g_return_val_if_fail (SD_IS_STORE (self), NULL);
  g_return_val_if_fail (reader != NULL, NULL);

  if (*reader != NULL && g_strcmp0 ((*reader)->path, self->path) == 0 &&
      g_strcmp0 ((*reader)->base, self->base) == 0)
    return *reader;
  g_clear_object (reader);
  *reader = sd_store_open_reader (self, error);
  return *reader;
}

/* Every id of a query */

static void
query_ids_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  GError *error = NULL;
  char **ids;

  if (g_task_return_error_if_cancelled (task))
    return;
  ids = sd_store_query_ids (source_object, task_data, &error);
  if (ids == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, ids, (GDestroyNotify) g_strfreev);
}

/**
 * sd_store_query_ids_async:
 * @reader: a reader (sd_store_open_reader())
 * @query: (nullable): what to find
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the thread-default main context of the caller
 * @user_data: for @callback
 *
 * sd_store_query_ids() on a worker thread: a whole view's ids without
 * holding the main loop.
 */
void
sd_store_query_ids_async (SdStore             *reader,
                          const SdTaskQuery   *query,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SD_IS_STORE (reader));

  task = g_task_new (reader, cancellable, callback, user_data);
  g_task_set_source_tag (task, sd_store_query_ids_async);
  if (query != NULL)
    g_task_set_task_data (task, sd_task_query_copy (query), (GDestroyNotify) sd_task_query_free);
  _sd_store_run_in_thread (task, query_ids_thread);
}

/**
 * sd_store_query_ids_finish:
 *
 * Returns: (transfer full): the ids, newest first, or %NULL with @error set
 */
char **
sd_store_query_ids_finish (SdStore       *reader,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, reader), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

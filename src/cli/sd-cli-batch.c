/* sd-cli-batch.c: “seedance batch FILE”, many requests from a JSON Lines file
 *
 * Every line is read and validated before anything is sent; then every
 * task is queued at once, in one group named after the file, and goes to
 * the provider as the local queue has room (--concurrency is its cap:
 * tasks queued or processing there at once). One failure never stops the
 * rest.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "seedance-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "sd-api.h"
#include "sd-balance.h"
#include "sd-batch.h"
#include "sd-catalog.h"
#include "sd-cli-private.h"
#include "sd-media-check.h"
#include "sd-prices.h"
#include "sd-service.h"

#define MAX_CONCURRENCY     SD_SERVICE_MAX_ACTIVE_LIMIT
/* How long the balance may take before the batch goes on without it. */
#define BALANCE_WAIT_MS     10000

typedef enum {
  TAKE_PENDING,    /* not queued */
  TAKE_QUEUED,     /* waiting in the local queue, or its create on the way */
  TAKE_ACTIVE,     /* at the provider, watched until it ends (--wait) */
  TAKE_DONE,
} TakeState;

/* One task of the batch: a line's request, once per variant. */
typedef struct
{
  guint         line;
  SdRequest    *request;
  SdMoney       estimate;  /* -1: no price */
  char         *label;     /* the line's own, or NULL */
  TakeState     state;
  SdTask       *task;
  GAsyncResult *download;
  gboolean      downloading;
  char         *error;     /* why it has no task or no video */
} Take;

typedef struct
{
  SdCli       *cli;
  SdService   *service;
  GPtrArray   *takes;       /* Take */
  gboolean     wait;
  const char  *directory;
  gboolean     stopped;     /* an error that stops every send (the token) */
  char        *stop_reason;
  const char  *currency;
} Run;

static void
take_free (Take *take)
{
  g_clear_object (&take->request);
  g_clear_object (&take->task);
  g_clear_object (&take->download);
  g_free (take->label);
  g_free (take->error);
  g_free (take);
}

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->takes, g_ptr_array_unref);
  g_clear_pointer (&run->stop_reason, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

/* Options */

static gboolean
on_concurrency_cb (const char  *option_name,
                   const char  *value,
                   gpointer     data,
                   GError     **error)
{
  SdCliArguments *args = data;
  guint64 n;

  if (!g_ascii_string_to_unsigned (value, 10, 1, MAX_CONCURRENCY, &n, NULL))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--concurrency must be a whole number from 1 to %d; “%s” is not."),
                   MAX_CONCURRENCY, value);
      return FALSE;
    }
  args->concurrency = (guint) n;
  return TRUE;
}

static gboolean
on_flag_cb (const char  *option_name,
            const char  *value,
            gpointer     data,
            GError     **error)
{
  SdCliArguments *args = data;

  if (g_str_equal (option_name, "--skip-invalid"))
    args->skip_invalid = TRUE;
  else if (g_str_equal (option_name, "--no-check"))
    args->no_check = TRUE;
  else
    args->dry_run = TRUE;
  return TRUE;
}

static const GOptionEntry batch_entries[] = {
  { "concurrency", 'c', 0, G_OPTION_ARG_CALLBACK, on_concurrency_cb,
    N_("Have at most N tasks at the provider at once (1 to 10; default: the app’s setting, 2)"), N_("N") },
  { "skip-invalid", 0, G_OPTION_FLAG_NO_ARG, G_OPTION_ARG_CALLBACK, on_flag_cb,
    N_("Send the valid lines even when some are invalid"), NULL },
  { "dry-run", 'n', G_OPTION_FLAG_NO_ARG, G_OPTION_ARG_CALLBACK, on_flag_cb,
    N_("Check every line and print the estimate; send nothing"), NULL },
  { "no-check", 0, G_OPTION_FLAG_NO_ARG, G_OPTION_ARG_CALLBACK, on_flag_cb,
    N_("Send without checking the media links first"), NULL },
  { NULL }
};

/* Reading the batch */

static void
print_problems (SdCli   *self,
                SdBatch *batch)
{
  g_autofree char *text = sd_batch_describe_problems (batch);
  g_auto(GStrv) lines = NULL;

  if (text == NULL)
    return;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (*lines[i] != '\0')
      _sd_cli_print_message (self, "%s", lines[i]);
}

static JsonNode *
problems_to_json (SdBatch *batch)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_array (builder);
  for (guint i = 0; i < sd_batch_get_n_lines (batch); i++)
    {
      SdBatchLine *line = sd_batch_get_line (batch, i);

      for (guint j = 0; j < line->problems->len; j++)
        {
          SdProblem *problem = g_ptr_array_index (line->problems, j);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "line");
          json_builder_add_int_value (builder, line->line);
          _sd_cli_add_string_member (builder, "field", problem->field);
          _sd_cli_add_string_member (builder, "message", problem->message);
          json_builder_end_object (builder);
        }
    }
  json_builder_end_array (builder);
  return json_builder_get_root (builder);
}

static SdPrices *
load_prices (SdCli *self)
{
  g_autofree char *path = sd_prices_default_path ();
  g_autoptr(GError) error = NULL;
  SdPrices *prices = sd_prices_new_from_file (path, &error);

  if (prices != NULL)
    return prices;
  /* The file stays as it is; the batch shows units only. */
  _sd_cli_print_message (self, "%s", error->message);
  return sd_prices_new ();
}

static char *
describe_estimate (SdBatch  *batch,
                   SdPrices *prices,
                   SdMoney   total,
                   guint     n_unpriced)
{
  g_autofree char *amount = sd_money_format (total, sd_prices_get_currency (prices));
  guint n_takes = sd_batch_get_n_takes (batch);
  guint n_valid = sd_batch_get_n_lines (batch) - sd_batch_get_n_invalid (batch);
  g_autofree char *tasks = NULL;

  /* Translators: "8 tasks from 3 lines" */
  tasks = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u task", "%u tasks", n_takes), n_takes);
  if (n_unpriced == 0)
    /* Translators: the estimate of a batch: the total, the tasks, the lines */
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Estimate: ≈ %s for %s from %u line.",
                                         "Estimate: ≈ %s for %s from %u lines.", n_valid),
                            amount, tasks, n_valid);
  /* Translators: as above, then how many lines' models have no price */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "Estimate: ≈ %s for %s; %u line has no price (set prices in Preferences or prices.json).",
                                       "Estimate: ≈ %s for %s; %u lines have no price (set prices in Preferences or prices.json).",
                                       n_unpriced),
                          amount, tasks, n_unpriced);
}

/* "12.500000": exact, in the locale-free form JSON readers expect. */
static char *
money_to_json (SdMoney amount)
{
  guint64 magnitude = amount < 0 ? (guint64) -(amount + 1) + 1 : (guint64) amount;

  return g_strdup_printf ("%s%" G_GUINT64_FORMAT ".%06" G_GUINT64_FORMAT, amount < 0 ? "-" : "",
                          magnitude / SD_MONEY_SCALE, magnitude % SD_MONEY_SCALE);
}

static void
add_estimate_member (JsonBuilder *builder,
                     SdPrices    *prices,
                     SdMoney      total,
                     guint        n_unpriced)
{
  g_autofree char *amount = money_to_json (total);

  json_builder_set_member_name (builder, "estimate");
  json_builder_begin_object (builder);
  _sd_cli_add_string_member (builder, "total", amount);
  _sd_cli_add_string_member (builder, "currency", sd_prices_get_currency (prices));
  json_builder_set_member_name (builder, "unpriced_lines");
  json_builder_add_int_value (builder, n_unpriced);
  json_builder_end_object (builder);
}

/* The balance (PROVIDER-EXTRAS.md): said before sending, compared with
 * the estimate only when the prices are in the provider's coin. It never
 * stops a batch. */

typedef struct
{
  SdBalance *balance;   /* NULL: no token, no endpoint, or no answer */
  SdMoney    total;
  const char *currency;
} BalanceCheck;

static void
balance_check_clear (BalanceCheck *check)
{
  g_clear_pointer (&check->balance, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (BalanceCheck, balance_check_clear)

static gboolean
on_balance_timeout_cb (gpointer user_data)
{
  g_debug ("The balance did not come in time");
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static SdBalance *
ask_balance (SdCli *self)
{
  g_autoptr(GCancellable) cancellable = NULL;
  g_autoptr(GSource) timeout = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;
  SdBalance *balance;

  if (self->context == NULL || !sd_context_get_has_token (self->context) ||
      sd_context_get_base_url_error (self->context) != NULL)
    return NULL;

  cancellable = g_cancellable_new ();
  timeout = g_timeout_source_new (BALANCE_WAIT_MS);
  g_source_set_callback (timeout, on_balance_timeout_cb, cancellable, NULL);
  g_source_attach (timeout, g_main_context_get_thread_default ());
  sd_client_get_user_balance_async (sd_context_get_client (self->context), cancellable,
                                    _sd_cli_on_async_ready_cb, &slot);
  result = _sd_cli_await_result (&slot);
  g_source_destroy (timeout);
  balance = sd_client_get_balance_finish (sd_context_get_client (self->context), result, &error);
  if (error != NULL)
    /* Translators: %s is why the balance could not be read */
    _sd_cli_print_message (self, _("The balance could not be read: %s"),
                           g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
                           ? _("the server did not answer in time.") : error->message);
  return balance;
}

static void
report_balance (SdCli              *self,
                const BalanceCheck *check)
{
  g_autofree char *available = NULL;
  g_autofree char *estimate = NULL;

  if (check->balance == NULL)
    return;
  if (check->balance->unlimited)
    {
      _sd_cli_print_message (self, "%s", _("Balance: unlimited."));
      return;
    }
  available = sd_money_format (sd_balance_get_money (check->balance), SD_CURRENCY_COIN);
  if (!sd_balance_is_exceeded (check->balance, check->total, check->currency))
    {
      /* Translators: the provider's balance, in its coins */
      _sd_cli_print_message (self, _("Balance: %s."), available);
      return;
    }
  estimate = sd_money_format (check->total, check->currency);
  /* Translators: the batch's estimate, then the provider's balance */
  _sd_cli_print_message (self, _("Warning: this batch’s estimate (≈ %s) is more than the balance (%s); "
                                 "the provider may refuse some of its tasks."),
                         estimate, available);
}

/* "balance": null, or what the provider said and whether the estimate
 * exceeds it. */
static void
add_balance_member (JsonBuilder        *builder,
                    const BalanceCheck *check)
{
  g_autofree char *available = NULL;

  json_builder_set_member_name (builder, "balance");
  if (check->balance == NULL)
    {
      json_builder_add_null_value (builder);
      return;
    }
  available = money_to_json (sd_balance_get_money (check->balance));
  json_builder_begin_object (builder);
  _sd_cli_add_string_member (builder, "available", check->balance->unlimited ? NULL : available);
  _sd_cli_add_string_member (builder, "currency", SD_CURRENCY_COIN);
  json_builder_set_member_name (builder, "unlimited");
  json_builder_add_boolean_value (builder, check->balance->unlimited);
  json_builder_set_member_name (builder, "exceeded");
  json_builder_add_boolean_value (builder, sd_balance_is_exceeded (check->balance, check->total,
                                                                    check->currency));
  json_builder_end_object (builder);
}

static void
check_balance (SdCli        *self,
               BalanceCheck *check,
               SdPrices     *prices,
               SdMoney       total)
{
  check->balance = ask_balance (self);
  check->total = total;
  check->currency = sd_prices_get_currency (prices);
  report_balance (self, check);
}

/* A dry run asks for the balance too, when it can: with a token (or in the
 * demo), from a server that has the endpoint. It sends nothing: nothing is
 * queued, nothing uploaded, and the history's waiting tasks are left to
 * the run that holds them. A history or token that cannot be had makes no
 * error of a dry run: the balance is just not said. */
static void
check_dry_run_balance (SdCli        *self,
                       BalanceCheck *check,
                       SdPrices     *prices,
                       SdMoney       total)
{
  int context_status = SD_CLI_EXIT_SUCCESS;

  if (!_sd_cli_open_context (self, &context_status))
    {
      g_debug ("Dry run: no context (exit %d), so no balance", context_status);
      return;
    }
  if (!sd_context_get_has_token (self->context))
    {
      g_debug ("Dry run: no token, so no balance");
      return;
    }
  check_balance (self, check, prices, total);
}

/* Refuses the batch when a line is invalid (unless skipped) or none is
 * left; prints every problem either way. */
static gboolean
check_batch (SdCli          *self,
             SdBatch        *batch,
             SdCliArguments *args)
{
  g_autoptr(GError) error = NULL;

  print_problems (self, batch);
  if (sd_batch_check (batch, &error) || args->skip_invalid)
    {
      if (error != NULL)
        _sd_cli_print_message (self, g_dngettext (GETTEXT_PACKAGE, "Skipping %u invalid line.",
                                                  "Skipping %u invalid lines.",
                                                  sd_batch_get_n_invalid (batch)),
                               sd_batch_get_n_invalid (batch));
      g_clear_error (&error);
      if (sd_batch_get_n_takes (batch) > 0)
        return TRUE;
      g_set_error_literal (&error, SD_BATCH_ERROR, SD_BATCH_ERROR_INVALID,
                           _("No line of the batch is valid; nothing was sent."));
    }

  _sd_cli_print_message (self, "%s", error->message);
  if (self->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) node = NULL;

      json_builder_begin_object (builder);
      _sd_cli_add_string_member (builder, "error", error->message);
      json_builder_set_member_name (builder, "problems");
      json_builder_add_value (builder, problems_to_json (batch));
      json_builder_end_object (builder);
      node = json_builder_get_root (builder);
      _sd_cli_print_json (self, node);
    }
  return FALSE;
}

/* Media checks: every link of every valid line, all at once, before
 * anything is sent, as "seedance submit" checks one request's. */

typedef struct
{
  guint         line;
  SdMediaCheck *check;
  GAsyncResult *result;
} LineCheck;

static void
line_check_free (LineCheck *line_check)
{
  g_clear_object (&line_check->check);
  g_clear_object (&line_check->result);
  g_free (line_check);
}

static gboolean
request_has_links (SdRequest *request)
{
  const char * const *images = sd_request_get_images (request);
  const char * const *videos = sd_request_get_reference_videos (request);
  const char * const *audios = sd_request_get_reference_audios (request);

  return (images != NULL && images[0] != NULL) || (videos != NULL && videos[0] != NULL) ||
         (audios != NULL && audios[0] != NULL) || sd_request_get_first_image (request) != NULL ||
         sd_request_get_last_image (request) != NULL;
}

static GPtrArray *
start_media_checks (SdCli     *self,
                    SdBatch   *batch,
                    SdCatalog *catalog)
{
  g_autoptr(SdMediaChecker) checker = sd_media_checker_new ();
  GPtrArray *checks = g_ptr_array_new_with_free_func ((GDestroyNotify) line_check_free);

  if (self->context != NULL)
    sd_media_checker_set_loopback_certificate (checker, sd_context_get_tls_certificate (self->context));
  for (guint i = 0; i < sd_batch_get_n_lines (batch); i++)
    {
      SdBatchLine *line = sd_batch_get_line (batch, i);
      LineCheck *line_check;

      if (line->problems->len > 0 || !request_has_links (line->request))
        continue;
      line_check = g_new0 (LineCheck, 1);
      line_check->line = line->line;
      line_check->check = sd_media_check_new (checker, line->request,
                                              sd_catalog_lookup (catalog, sd_request_get_model (line->request)));
      g_ptr_array_add (checks, line_check);
      sd_media_check_run_async (line_check->check, NULL, _sd_cli_on_async_ready_cb, &line_check->result);
    }
  return checks;
}

/* FALSE when a link of some line is refused: nothing is sent. */
static gboolean
check_media (SdCli     *self,
             SdBatch   *batch,
             SdCatalog *catalog)
{
  g_autoptr(GPtrArray) checks = start_media_checks (self, batch, catalog);
  gboolean ok = TRUE;
  gboolean warned = FALSE;

  for (guint i = 0; i < checks->len; i++)
    {
      LineCheck *line_check = g_ptr_array_index (checks, i);
      g_autoptr(GAsyncResult) result = _sd_cli_await_result (&line_check->result);
      g_autofree char *problems = NULL;
      g_auto(GStrv) lines = NULL;

      if (!sd_media_check_run_finish (line_check->check, result, NULL))
        ok = FALSE;
      warned = warned || sd_media_check_get_state (line_check->check) == SD_MEDIA_CHECK_STATE_WARNING;
      problems = sd_media_check_format_problems (line_check->check);
      lines = g_strsplit (problems, "\n", -1);
      for (guint j = 0; lines[j] != NULL && *lines[j] != '\0'; j++)
        _sd_cli_print_message (self, _("line %u: %s"), line_check->line, lines[j]);
    }
  if (!ok)
    _sd_cli_print_message (self, "%s", _("Nothing was sent. Fix the links above, or send without "
                                         "checking them with --no-check."));
  else if (warned)
    _sd_cli_print_message (self, "%s", _("Sending anyway: the links above could not be checked."));
  return ok;
}

/* Sending */

static void
make_takes (Run      *run,
            SdBatch  *batch,
            SdPrices *prices,
            SdCatalog *catalog)
{
  for (guint i = 0; i < sd_batch_get_n_lines (batch); i++)
    {
      SdBatchLine *line = sd_batch_get_line (batch, i);
      SdModel *model;
      g_auto(SdEstimate) estimate = { 0 };

      if (line->problems->len > 0)
        continue;
      model = sd_catalog_lookup (catalog, sd_request_get_model (line->request));
      sd_prices_estimate (prices, line->request, model, 1, &estimate);
      for (guint v = 0; v < line->variants; v++)
        {
          Take *take = g_new0 (Take, 1);

          take->line = line->line;
          take->request = sd_request_copy (line->request);
          take->estimate = estimate.priced ? estimate.total : -1;
          take->label = g_strdup (line->label);
          g_ptr_array_add (run->takes, take);
        }
    }
}

/* Queues every take at once, in one group: none waits for another's send. */
static gboolean
queue_takes (Run         *run,
             const char  *label,
             GError     **error)
{
  g_autoptr(GPtrArray) requests = g_ptr_array_new ();
  g_autoptr(GArray) estimates = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  g_autoptr(GPtrArray) tasks = NULL;

  for (guint i = 0; i < run->takes->len; i++)
    {
      Take *take = g_ptr_array_index (run->takes, i);
      gint64 estimate = take->estimate;

      g_ptr_array_add (requests, take->request);
      g_array_append_val (estimates, estimate);
      g_ptr_array_add (labels, take->label);
    }
  tasks = sd_service_submit_group (run->service, requests, (const gint64 *) estimates->data,
                                   run->currency, label,
                                   (const char * const *) labels->pdata, error);
  if (tasks == NULL)
    return FALSE;
  for (guint i = 0; i < run->takes->len; i++)
    {
      Take *take = g_ptr_array_index (run->takes, i);

      take->task = g_object_ref (g_ptr_array_index (tasks, i));
      take->state = TAKE_QUEUED;
    }
  return TRUE;
}

static void
stop_sending (Run        *run,
              const char *reason)
{
  run->stopped = TRUE;
  if (run->stop_reason == NULL)
    run->stop_reason = g_strdup (reason);
}

static void
take_failed (Take       *take,
             const char *message)
{
  g_free (take->error);
  take->error = g_strdup (message);
  take->state = TAKE_DONE;
}

/* The queue stopped (a refused token): a task still waiting is taken out
 * of it, never sent, and says why. */
static void
take_not_sent (Run  *run,
               Take *take)
{
  g_autoptr(GError) error = NULL;

  if (!sd_service_cancel_waiting (run->service, take->task, &error))
    g_debug ("Batch line %u stays queued: %s", take->line, error->message);
  else
    g_clear_object (&take->task);
  take_failed (take, run->stop_reason);
}

static gboolean
is_on_the_way (Run  *run,
               Take *take)
{
  return sd_task_get_status (take->task) == SD_TASK_STATUS_WAITING ||
         sd_service_is_sending (run->service, take->task);
}

/* A queued take whose create was answered: sent, or refused. */
static void
finish_queued (Run  *run,
               Take *take)
{
  SdTask *task = take->task;
  SdTaskStatus status = sd_task_get_status (task);
  const char *reason = sd_task_get_failure_message (task);

  if (status == SD_TASK_STATUS_UNCERTAIN || status == SD_TASK_STATUS_NOT_FOUND ||
      (status == SD_TASK_STATUS_FAILED &&
       g_str_has_prefix (sd_task_get_id (task), SD_TASK_UNCERTAIN_ID_PREFIX)))
    {
      /* Refused (nothing was made), or no answer (it may exist): never sent again. */
      _sd_cli_print_message (run->cli, _("Line %u: task %s is %s: %s"), take->line,
                             sd_task_get_id (task), _sd_cli_status_label (status),
                             reason != NULL ? reason : _("the server gave no reason."));
      take_failed (take, reason != NULL ? reason : _sd_cli_status_label (status));
      return;
    }
  _sd_cli_print_message (run->cli, _("Line %u: sent task %s."), take->line, sd_task_get_id (task));
  take->state = run->wait ? TAKE_ACTIVE : TAKE_DONE;
}

static void
finish_download (Run  *run,
                 Take *take)
{
  g_autoptr(GAsyncResult) result = g_steal_pointer (&take->download);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = sd_service_download_finish (run->service, result, &error);

  /* Another download of it (the service's own) ran first: wait for it to
   * end, then save ours where asked. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PENDING))
    {
      take->downloading = FALSE;
      return;
    }
  if (path == NULL)
    {
      _sd_cli_print_message (run->cli, _("Line %u: task %s: %s"), take->line,
                             sd_task_get_id (take->task), error->message);
      take_failed (take, error->message);
      return;
    }
  _sd_cli_print_message (run->cli, _("Line %u: task %s saved as %s"), take->line,
                         sd_task_get_id (take->task), path);
  take->state = TAKE_DONE;
}

static void
start_download (Run  *run,
                Take *take)
{
  SdDownloadState state = sd_task_get_download_state (take->task);

  if (state == SD_DOWNLOAD_STATE_QUEUED || state == SD_DOWNLOAD_STATE_RUNNING)
    return;
  take->downloading = TRUE;
  sd_service_download_async (run->service, take->task, run->directory, NULL,
                             _sd_cli_on_async_ready_cb, &take->download);
}

static void
watch_task (Run  *run,
            Take *take)
{
  SdTask *task = take->task;
  const char *reason = sd_task_get_failure_message (task);

  if (!sd_task_get_is_finished (task))
    return;

  if (sd_task_get_status (task) != SD_TASK_STATUS_COMPLETED)
    {
      _sd_cli_print_message (run->cli, _("Line %u: task %s is %s: %s"), take->line,
                             sd_task_get_id (task), _sd_cli_status_label (sd_task_get_status (task)),
                             reason != NULL ? reason : _("the server gave no reason."));
      take_failed (take, reason != NULL ? reason : _sd_cli_status_label (sd_task_get_status (task)));
      return;
    }

  if (!take->downloading)
    start_download (run, take);
  else if (take->download != NULL)
    finish_download (run, take);
}

/* Asked for as soon as the task completes, before the service's automatic
 * download, so the video is saved once, where the user said. */
static void
on_task_completed_cb (SdService *service,
                      SdTask    *task,
                      Run       *run)
{
  for (guint i = 0; i < run->takes->len; i++)
    {
      Take *take = g_ptr_array_index (run->takes, i);

      if (take->task == task && take->state == TAKE_ACTIVE && !take->downloading)
        start_download (run, take);
    }
}

/* TRUE when every take is done, or sending stopped and none is in flight. */
static gboolean
advance (Run *run)
{
  gboolean done = TRUE;
  const char *service_error = sd_service_get_last_error (run->service);

  for (guint i = 0; i < run->takes->len; i++)
    {
      Take *take = g_ptr_array_index (run->takes, i);

      if (take->state == TAKE_QUEUED && service_error != NULL &&
          sd_task_get_status (take->task) == SD_TASK_STATUS_WAITING)
        {
          /* The queue waits for a new token: nothing more goes from here. */
          stop_sending (run, service_error);
          take_not_sent (run, take);
        }
      if (take->state == TAKE_QUEUED && !is_on_the_way (run, take))
        finish_queued (run, take);
      if (take->state == TAKE_ACTIVE && service_error != NULL && !sd_task_get_is_finished (take->task))
        {
          /* The service stopped asking (a refused token): nothing will end. */
          take_failed (take, service_error);
          run->stopped = TRUE;
        }
      if (take->state == TAKE_ACTIVE)
        watch_task (run, take);
      if (take->state == TAKE_QUEUED || take->state == TAKE_ACTIVE)
        done = FALSE;
    }
  return done;
}

static void
send_all (Run *run)
{
  GMainContext *context = g_main_context_get_thread_default ();

  while (!advance (run))
    g_main_context_iteration (context, TRUE);
}

/* Output */

static const char *
take_status (Take *take)
{
  if (take->task != NULL)
    return sd_api_status_to_string (sd_task_get_status (take->task));
  /* Never queued, or taken out of the queue unsent. */
  return "not-sent";
}

static gboolean
take_succeeded (Run  *run,
                Take *take)
{
  if (take->task == NULL || take->error != NULL)
    return FALSE;
  return !run->wait || sd_task_get_status (take->task) == SD_TASK_STATUS_COMPLETED;
}

static void
print_takes_json (Run                *run,
                  const char         *group,
                  const char         *label,
                  SdPrices           *prices,
                  SdMoney             total,
                  guint               n_unpriced,
                  const BalanceCheck *balance)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;

  json_builder_begin_object (builder);
  _sd_cli_add_string_member (builder, "group", group);
  _sd_cli_add_string_member (builder, "group_label", label);
  add_estimate_member (builder, prices, total, n_unpriced);
  add_balance_member (builder, balance);
  json_builder_set_member_name (builder, "tasks");
  json_builder_begin_array (builder);
  for (guint i = 0; i < run->takes->len; i++)
    {
      Take *take = g_ptr_array_index (run->takes, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "line");
      json_builder_add_int_value (builder, take->line);
      _sd_cli_add_string_member (builder, "task_id", take->task != NULL ? sd_task_get_id (take->task) : NULL);
      _sd_cli_add_string_member (builder, "status", take_status (take));
      _sd_cli_add_string_member (builder, "file", take->task != NULL ? sd_task_get_local_file (take->task) : NULL);
      _sd_cli_add_string_member (builder, "error", take->error);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);
  _sd_cli_print_json (run->cli, node);
}

/* One line a task: line number, task id, status, file. */
static void
print_takes_text (Run *run)
{
  for (guint i = 0; i < run->takes->len; i++)
    {
      Take *take = g_ptr_array_index (run->takes, i);
      const char *id = take->task != NULL ? sd_task_get_id (take->task) : "-";
      const char *file = take->task != NULL ? sd_task_get_local_file (take->task) : NULL;

      _sd_cli_print_result (run->cli, "%u  %s  %s  %s\n", take->line, id, take_status (take),
                            file != NULL && run->wait ? file : "-");
    }
}

static gboolean
print_dry_run (SdCli              *self,
               SdBatch            *batch,
               SdPrices           *prices,
               SdMoney             total,
               guint               n_unpriced,
               const BalanceCheck *balance,
               int                *exit_status)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) node = NULL;

  _sd_cli_print_message (self, "%s", _("Dry run: nothing was sent."));
  if (!self->json)
    return _sd_cli_exit_with (exit_status, SD_CLI_EXIT_SUCCESS);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  _sd_cli_add_string_member (builder, "group", NULL);
  json_builder_set_member_name (builder, "dry_run");
  json_builder_add_boolean_value (builder, TRUE);
  add_estimate_member (builder, prices, total, n_unpriced);
  add_balance_member (builder, balance);
  json_builder_set_member_name (builder, "problems");
  json_builder_add_value (builder, problems_to_json (batch));
  json_builder_set_member_name (builder, "tasks");
  json_builder_begin_array (builder);
  for (guint i = 0; i < sd_batch_get_n_lines (batch); i++)
    {
      SdBatchLine *line = sd_batch_get_line (batch, i);

      for (guint v = 0; line->problems->len == 0 && v < line->variants; v++)
        {
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "line");
          json_builder_add_int_value (builder, line->line);
          _sd_cli_add_string_member (builder, "task_id", NULL);
          _sd_cli_add_string_member (builder, "status", "not-sent");
          _sd_cli_add_string_member (builder, "file", NULL);
          json_builder_end_object (builder);
        }
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);
  _sd_cli_print_json (self, node);
  return _sd_cli_exit_with (exit_status, SD_CLI_EXIT_SUCCESS);
}

/* Local files become links (uploaded, or taken from the upload cache)
 * for every line before the first create: a file that cannot be uploaded
 * stops the batch with nothing sent, naming its line. */
static gboolean
upload_local_files (SdCli   *self,
                    SdBatch *batch,
                    int     *exit_status)
{
  for (guint i = 0; i < sd_batch_get_n_lines (batch); i++)
    {
      SdBatchLine *line = sd_batch_get_line (batch, i);

      if (line->problems->len > 0 || !sd_batch_request_has_local_files (line->request))
        continue;
      if (!_sd_cli_upload_resolve (self, line->request, exit_status))
        {
          _sd_cli_print_message (self, _("line %u: its files could not be uploaded; nothing was sent."),
                                 line->line);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
send_batch (SdCli              *self,
            SdBatch            *batch,
            SdCatalog          *catalog,
            SdPrices           *prices,
            SdCliArguments     *args,
            const BalanceCheck *balance,
            int                *exit_status)
{
  g_auto(Run) run = { 0 };
  g_autoptr(GError) error = NULL;
  /* Copies: a take refused a token is taken out of the queue, and its
   * task may be gone by the time the group is printed. */
  g_autofree char *group = NULL;
  g_autofree char *label = NULL;
  SdMoney total;
  guint n_unpriced;
  gboolean ok = TRUE;

  run.cli = self;
  run.service = sd_context_get_service (self->context);
  run.takes = g_ptr_array_new_with_free_func ((GDestroyNotify) take_free);
  run.wait = args->wait;
  run.directory = args->download_dir;
  run.currency = sd_prices_get_currency (prices);

  make_takes (&run, batch, prices, catalog);
  g_signal_connect (run.service, "task-completed", G_CALLBACK (on_task_completed_cb), &run);
  if (run.takes->len > 0 && !queue_takes (&run, sd_batch_get_name (batch), &error))
    {
      /* The history could not take them: nothing was sent. */
      _sd_cli_print_message (self, "%s", error->message);
      ok = FALSE;
    }
  else if (run.takes->len > 0)
    {
      SdTask *first = ((Take *) g_ptr_array_index (run.takes, 0))->task;

      group = g_strdup (sd_task_get_group_id (first));
      label = g_strdup (sd_task_get_group_label (first));
      g_debug ("Batch group %s: %u tasks, at most %u at the provider at once", group,
               run.takes->len, sd_service_get_max_active (run.service));
      if (!self->json)
        _sd_cli_print_message (self, _("Group %s: %u tasks of “%s”, at most %u at the provider at once."),
                               group, run.takes->len, label, sd_service_get_max_active (run.service));
      send_all (&run);
    }
  g_signal_handlers_disconnect_by_data (run.service, &run);

  if (run.stop_reason != NULL)
    _sd_cli_print_message (self, _("Stopped sending: %s"), run.stop_reason);
  for (guint i = 0; i < run.takes->len; i++)
    ok = take_succeeded (&run, g_ptr_array_index (run.takes, i)) && ok;

  sd_batch_estimate (batch, prices, catalog, &total, &n_unpriced);
  _sd_cli_print_demo_hint (self);
  if (self->json)
    print_takes_json (&run, group, label, prices, total, n_unpriced, balance);
  else
    print_takes_text (&run);
  return _sd_cli_exit_with (exit_status, ok ? SD_CLI_EXIT_SUCCESS : SD_CLI_EXIT_FAILURE);
}

static gboolean
run_batch (SdCli              *self,
           const SdCliCommand *command,
           SdCliArguments     *args,
           int                *exit_status)
{
  g_autoptr(SdCatalog) catalog = NULL;
  g_autoptr(SdBatch) batch = NULL;
  g_autoptr(SdPrices) prices = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *warning = NULL;
  g_autofree char *summary = NULL;
  g_auto(BalanceCheck) balance = { 0 };
  SdMoney total;
  guint n_unpriced;

  catalog = sd_catalog_new_with_overrides (&warning);
  if (warning != NULL)
    _sd_cli_print_message (self, "%s", warning);
  batch = sd_batch_new_from_file (args->positional[0], catalog, &error);
  if (batch == NULL)
    {
      _sd_cli_print_message (self, "%s", error->message);
      return _sd_cli_exit_with (exit_status, SD_CLI_EXIT_USAGE);
    }
  if (!check_batch (self, batch, args))
    return _sd_cli_exit_with (exit_status, SD_CLI_EXIT_USAGE);

  prices = load_prices (self);
  sd_batch_estimate (batch, prices, catalog, &total, &n_unpriced);
  summary = describe_estimate (batch, prices, total, n_unpriced);
  _sd_cli_print_message (self, "%s", summary);
  if (args->dry_run)
    {
      if (!args->no_check && !check_media (self, batch, catalog))
        return _sd_cli_exit_with (exit_status, SD_CLI_EXIT_USAGE);
      check_dry_run_balance (self, &balance, prices, total);
      return print_dry_run (self, batch, prices, total, n_unpriced, &balance, exit_status);
    }

  if (!_sd_cli_open_context (self, exit_status) ||
      !_sd_cli_check_token (self, exit_status) ||
      !_sd_cli_apply_concurrency (self, args, exit_status) ||
      !upload_local_files (self, batch, exit_status))
    return FALSE;
  if (!args->no_check && !check_media (self, batch, catalog))
    return _sd_cli_exit_with (exit_status, SD_CLI_EXIT_USAGE);

  check_balance (self, &balance, prices, total);
  return send_batch (self, batch, catalog, prices, args, &balance, exit_status);
}

const SdCliCommand _sd_cli_batch_command = {
  .name = "batch",
  .summary = N_("Send every request of a JSON Lines file (see “seedance batch --help”)."),
  .parameters = N_("FILE"),
  .entries = batch_entries,
  .options = SD_CLI_OPTION_WAIT | SD_CLI_OPTION_DOWNLOAD_DIR | SD_CLI_OPTION_JSON,
  .run = run_batch,
};

/* sd-batch-import.c: Import Batch… and Export as Batch… in the window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-batch-import"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "sd-balance.h"
#include "sd-batch-import.h"
#include "sd-batch-upload.h"
#include "sd-message-dialog.h"
#include "sd-secrets.h"
#include "sd-service.h"
#include "sd-uploader.h"

/* How long Queue waits for the balance before it is left unknown. */
#define BALANCE_WAIT_MS 5000

/* Reading the file. The thread's task holds the file and the catalog
 * only: the window and the context stay with the callback, so that their
 * last reference is never dropped on the thread. */

typedef struct
{
  GtkWindow *parent;
  SdContext *context;
} ImportData;

static void
import_data_free (ImportData *data)
{
  g_clear_object (&data->parent);
  g_clear_object (&data->context);
  g_free (data);
}

static void
read_batch_thread (GTask        *task,
                   gpointer      source,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  SdCatalog *catalog = task_data;
  GFile *file = source;
  g_autoptr(GError) error = NULL;
  SdBatch *batch;

  if (g_file_peek_path (file) == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("Batch files must be on this computer."));
      return;
    }
  batch = sd_batch_new_from_file (g_file_peek_path (file), catalog, &error);
  if (batch == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, batch, g_object_unref);
}

static SdPrices *
load_prices (char **warning)
{
  g_autofree char *path = sd_prices_default_path ();
  g_autoptr(GError) error = NULL;
  SdPrices *prices = sd_prices_new_from_file (path, &error);

  if (prices != NULL)
    return prices;
  *warning = g_strdup (error->message);
  return sd_prices_new ();
}

/**
 * sd_batch_import_describe:
 * @batch: a batch
 * @catalog: its models
 * @prices: the price table
 *
 * Returns: (transfer full): the lines, tasks, estimate and problems
 */
char *
sd_batch_import_describe (SdBatch   *batch,
                          SdCatalog *catalog,
                          SdPrices  *prices)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *problems = sd_batch_describe_problems (batch);
  g_autofree char *total_text = NULL;
  guint n_lines = sd_batch_get_n_lines (batch);
  guint n_invalid = sd_batch_get_n_invalid (batch);
  guint n_takes = sd_batch_get_n_takes (batch);
  SdMoney total;
  guint n_unpriced;
  guint n_files;

  sd_batch_estimate (batch, prices, catalog, &total, &n_unpriced);
  total_text = sd_money_format (total, sd_prices_get_currency (prices));

  g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%u request", "%u requests", n_lines), n_lines);
  g_string_append (text, " · ");
  g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%u task to send", "%u tasks to send", n_takes), n_takes);
  g_string_append (text, "\n");
  /* Translators: the estimate of a batch */
  g_string_append_printf (text, _("Estimate: ≈ %s"), total_text);
  if (n_unpriced > 0)
    {
      g_string_append (text, " · ");
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%u line has no price",
                                                 "%u lines have no price", n_unpriced), n_unpriced);
    }
  n_files = sd_batch_count_local_files (batch);
  if (n_files > 0)
    {
      g_string_append (text, "\n");
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE,
                                                 "%u local file is uploaded when the batch is queued.",
                                                 "%u local files are uploaded when the batch is queued.",
                                                 n_files),
                              n_files);
    }
  if (n_invalid > 0)
    {
      g_string_append (text, "\n\n");
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%u line is invalid:",
                                                 "%u lines are invalid:", n_invalid), n_invalid);
      g_string_append_printf (text, "\n%s", problems);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* Sending */

/**
 * sd_batch_import_send:
 * @context: the app's context
 * @batch: a batch; its invalid lines are left out
 * @prices: the price table, for the estimate each task keeps
 *
 * Queues every task of the batch at once, in one group labelled with the
 * file's name: they wait in the local queue and go to the provider as it
 * has room, never one send waited for before the next is queued.
 *
 * Returns: (transfer container) (element-type SdTask) (nullable): the
 *   queued tasks; %NULL when none could be (with @error, or no error when
 *   the batch had no task to send)
 */
GPtrArray *
sd_batch_import_send (SdContext  *context,
                      SdBatch    *batch,
                      SdPrices   *prices,
                      GError    **error)
{
  g_autoptr(GPtrArray) requests = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GArray) estimates = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  SdCatalog *catalog = sd_context_get_catalog (context);

  for (guint i = 0; i < sd_batch_get_n_lines (batch); i++)
    {
      SdBatchLine *line = sd_batch_get_line (batch, i);
      g_auto(SdEstimate) estimate = { 0 };
      gint64 amount;

      /* a line still naming local files was not uploaded: never sent */
      if (line->problems->len > 0 || sd_batch_request_has_local_files (line->request))
        continue;
      sd_prices_estimate (prices, line->request,
                          sd_catalog_lookup (catalog, sd_request_get_model (line->request)),
                          1, &estimate);
      amount = estimate.priced ? estimate.total : -1;
      for (guint v = 0; v < line->variants; v++)
        {
          g_ptr_array_add (requests, g_object_ref (line->request));
          g_array_append_val (estimates, amount);
          g_ptr_array_add (labels, line->label);
        }
    }
  if (requests->len == 0)
    return NULL;
  g_debug ("Import Batch: queueing %u tasks", requests->len);
  return sd_service_submit_group (sd_context_get_service (context), requests,
                                  (const gint64 *) estimates->data,
                                  sd_prices_get_currency (prices),
                                  sd_batch_get_name (batch),
                                  (const char * const *) labels->pdata, error);
}

/* The dialog */

/**
 * sd_batch_import_describe_balance:
 * @balance: what the provider says is available
 * @total: the batch's estimate
 * @currency: the price table's currency
 *
 * Returns: (transfer full): "Balance: 1000 coins · this batch ≈ 1200
 *   coins" when the estimate is in coins, else the balance alone
 */
char *
sd_batch_import_describe_balance (const SdBalance *balance,
                                  SdMoney          total,
                                  const char      *currency)
{
  g_autofree char *available = NULL;
  g_autofree char *estimate = NULL;

  if (balance->unlimited)
    return g_strdup (_("Balance: unlimited"));
  available = sd_money_format (sd_balance_get_money (balance), SD_CURRENCY_COIN);
  if (g_strcmp0 (currency, SD_CURRENCY_COIN) != 0)
    /* Translators: the provider's balance, in its coins */
    return g_strdup_printf (_("Balance: %s"), available);
  estimate = sd_money_format (total, currency);
  /* Translators: the provider's balance, then the batch's estimate */
  return g_strdup_printf (_("Balance: %s · this batch ≈ %s"), available, estimate);
}

typedef struct
{
  SdContext    *context;
  SdBatch      *batch;
  SdPrices     *prices;
  SdMoney       total;
  gboolean      queue_enabled;  /* once the balance is known or given up */
  GtkLabel     *balance_label;
  GCancellable *cancellable;
  guint         timeout_source;
} DialogData;

static void
dialog_data_free (DialogData *data)
{
  g_clear_handle_id (&data->timeout_source, g_source_remove);
  g_cancellable_cancel (data->cancellable);
  g_clear_object (&data->cancellable);
  g_clear_object (&data->context);
  g_clear_object (&data->batch);
  g_clear_object (&data->prices);
  g_free (data);
}

static DialogData *
get_dialog_data (AdwMessageDialog *dialog)
{
  return g_object_get_data (G_OBJECT (dialog), "sd-batch-import");
}
static void show_error (GtkWindow    *parent,
                        const GError *error);
static void show_dialog (GtkWindow *parent,
                         SdContext *context,
                         SdBatch   *batch);

/* Uploading the batch's local files. Queue asks the privacy notice the
 * composer asks (once, the same state), sets the upload service as the
 * composer does, then the files go with a dialog of their progress whose
 * Cancel (or closing it) stops them; the lines are queued only when every
 * file has its link. A line that could not be uploaded becomes invalid:
 * the import dialog shows again with it, nothing queued. */

typedef struct
{
  GtkWindow        *parent;
  SdContext        *context;
  SdBatch          *batch;
  SdPrices         *prices;
  SdUploader       *uploader;
  GCancellable     *cancellable;
  AdwMessageDialog *progress_dialog;  /* weak: closing it cancels */
  GtkProgressBar   *bar;
} UploadRun;

static void
upload_run_free (UploadRun *run)
{
  if (run->progress_dialog != NULL)
    {
      g_signal_handlers_disconnect_by_data (run->progress_dialog, run);
      g_object_remove_weak_pointer (G_OBJECT (run->progress_dialog),
                                    (gpointer *) &run->progress_dialog);
      gtk_window_close (GTK_WINDOW (run->progress_dialog));
    }
  g_clear_object (&run->parent);
  g_clear_object (&run->context);
  g_clear_object (&run->batch);
  g_clear_object (&run->prices);
  g_clear_object (&run->uploader);
  g_clear_object (&run->cancellable);
  g_free (run);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UploadRun, upload_run_free)

static void
describe_progress (UploadRun *run,
                   guint      done,
                   guint      total)
{
  g_autofree char *text = NULL;

  if (run->progress_dialog == NULL)
    return;
  /* Translators: the file being uploaded, of the batch's local files */
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Uploading %u of %u file…",
                                       "Uploading %u of %u files…", total),
                          MIN (done + 1, total), total);
  adw_message_dialog_set_body (run->progress_dialog, text);
  gtk_progress_bar_set_fraction (run->bar, total > 0 ? (double) done / total : 1.0);
}

static void
on_upload_progress (guint    done,
                    guint    total,
                    gpointer user_data)
{
  describe_progress (user_data, done, total);
}

static void
on_progress_response_cb (AdwMessageDialog *dialog,
                         const char       *response,
                         UploadRun        *run)
{
  g_debug ("Batch uploads: the progress dialog closed (%s); cancelling", response);
  g_cancellable_cancel (run->cancellable);
}

static void
on_batch_uploaded_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(UploadRun) run = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) tasks = NULL;
  guint n_failed = 0;
  gboolean ok = sd_batch_upload_finish (run->batch, result, &n_failed, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_debug ("Batch uploads cancelled: nothing queued");
      return;
    }
  /* the window's notice, as Generate gives it */
  if (g_error_matches (error, SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_UNSUPPORTED) && run->parent != NULL)
    gtk_widget_activate_action (GTK_WIDGET (run->parent), "win.no-uploads", "s", error->message);
  if (!ok || n_failed > 0)
    {
      g_debug ("Batch uploads: %u lines failed; shown again, nothing queued", n_failed);
      show_dialog (run->parent, run->context, run->batch);
      return;
    }
  tasks = sd_batch_import_send (run->context, run->batch, run->prices, &error);
  if (error != NULL)
    show_error (run->parent, error);
}

static void
start_batch_uploads (UploadRun  *run,
                     GSettings  *settings,
                     const char *secret)
{
  g_autoptr(SdUploadService) service = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *dialog;

  if (settings != NULL)
    service = sd_upload_service_new_from_settings (settings, secret, &error);
  if (error != NULL)
    {
      show_error (run->parent, error);
      upload_run_free (run);
      return;
    }
  sd_uploader_set_service (run->uploader, service);

  /* a short heading: one about as wide as the narrowest dialog made
   * libadwaita 1.7 size the dialog for its large heading and then show the
   * small one, 3 px taller (GTK 4.18 warns) */
  dialog = sd_message_dialog_new (run->parent, _("Uploading Files"), NULL);
  run->progress_dialog = ADW_MESSAGE_DIALOG (dialog);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &run->progress_dialog);
  run->bar = GTK_PROGRESS_BAR (gtk_progress_bar_new ());
  gtk_widget_set_name (GTK_WIDGET (run->bar), "batch_upload_progress");
  adw_message_dialog_set_extra_child (run->progress_dialog, GTK_WIDGET (run->bar));
  adw_message_dialog_add_response (run->progress_dialog, "cancel", _("_Cancel"));
  adw_message_dialog_set_close_response (run->progress_dialog, "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (on_progress_response_cb), run);
  describe_progress (run, 0, sd_batch_count_local_files (run->batch));
  gtk_window_present (GTK_WINDOW (dialog));

  sd_batch_upload_async (run->batch, run->uploader, run->cancellable, on_upload_progress, run,
                         on_batch_uploaded_cb, run);
}

static void
on_service_secret_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  UploadRun *run = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *notice = NULL;
  char *secret = sd_secrets_lookup_finish (SD_SECRETS (source), result, &notice, &error);

  if (error != NULL)
    g_debug ("No secret for the upload service: %s", error->message);
  start_batch_uploads (run, sd_context_get_settings (run->context), secret);
  sd_secrets_free_token (secret);
}

/* The upload service of the settings (its secret from the keyring), as
 * the composer takes it. */
static void
find_service_then_upload (UploadRun *run)
{
  GSettings *settings = sd_context_get_settings (run->context);
  g_autofree char *url = settings != NULL ? g_settings_get_string (settings, "upload-service-url") : NULL;
  g_autofree char *key = NULL;

  if (url == NULL || *url == '\0')
    {
      start_batch_uploads (run, NULL, NULL);
      return;
    }
  key = sd_upload_service_secret_key (url);
  sd_secrets_lookup_async (sd_context_get_secrets (run->context), key, run->cancellable,
                           on_service_secret_cb, run);
}

static void
on_privacy_response_cb (AdwMessageDialog *dialog,
                        const char       *response,
                        UploadRun        *run)
{
  /* one answer: the run goes with it */
  g_signal_handlers_disconnect_by_func (dialog, on_privacy_response_cb, run);
  if (!g_str_equal (response, "upload"))
    {
      g_debug ("Batch uploads: the privacy notice was declined; nothing queued");
      upload_run_free (run);
      return;
    }
  sd_uploader_acknowledge_privacy (run->uploader);
  find_service_then_upload (run);
}

static void
upload_then_send (GtkWindow *parent,
                  SdContext *context,
                  SdBatch   *batch,
                  SdPrices  *prices)
{
  UploadRun *run = g_new0 (UploadRun, 1);
  GtkWidget *dialog;

  run->parent = parent != NULL ? g_object_ref (parent) : NULL;
  run->context = g_object_ref (context);
  run->batch = g_object_ref (batch);
  run->prices = g_object_ref (prices);
  /* the composer's too: one cache, one upload service, one privacy answer */
  run->uploader = g_object_ref (sd_context_get_uploader (context));
  run->cancellable = g_cancellable_new ();
  g_debug ("Import Batch: %u local files to upload first", sd_batch_count_local_files (batch));

  if (sd_uploader_get_privacy_acknowledged (run->uploader))
    {
      find_service_then_upload (run);
      return;
    }
  /* the composer's question, in its words */
  dialog = sd_message_dialog_new (parent, _("Upload Files?"), sd_uploader_get_privacy_notice ());
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "upload", _("_Upload"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "upload",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "upload");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (on_privacy_response_cb), run);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_dialog_response_cb (AdwMessageDialog *dialog,
                       const char       *response,
                       DialogData       *data)
{
  g_autoptr(GPtrArray) tasks = NULL;
  g_autoptr(GError) error = NULL;

  g_clear_handle_id (&data->timeout_source, g_source_remove);
  g_cancellable_cancel (data->cancellable);
  if (!g_str_equal (response, "queue") && !g_str_equal (response, "skip"))
    return;
  if (sd_batch_count_local_files (data->batch) > 0)
    {
      upload_then_send (gtk_window_get_transient_for (GTK_WINDOW (dialog)), data->context,
                        data->batch, data->prices);
      return;
    }
  tasks = sd_batch_import_send (data->context, data->batch, data->prices, &error);
  if (error != NULL)
    show_error (gtk_window_get_transient_for (GTK_WINDOW (dialog)), error);
}

static void
enable_queue (AdwMessageDialog *dialog)
{
  DialogData *data = get_dialog_data (dialog);

  g_clear_handle_id (&data->timeout_source, g_source_remove);
  adw_message_dialog_set_response_enabled (dialog, "queue", data->queue_enabled);
  if (adw_message_dialog_has_response (dialog, "skip"))
    adw_message_dialog_set_response_enabled (dialog, "skip", TRUE);
}

/* More than the balance: said in the dialog, and Queue becomes a
 * confirmation ("Queue Anyway"), no longer the default. */
static void
warn_over_balance (AdwMessageDialog *dialog)
{
  DialogData *data = get_dialog_data (dialog);
  const char *text = gtk_label_get_label (data->balance_label);
  g_autofree char *warning = g_strdup_printf ("%s\n%s", text,
                                              _("This batch may cost more than the balance: the provider may refuse some of its tasks."));

  gtk_label_set_label (data->balance_label, warning);
  gtk_widget_add_css_class (GTK_WIDGET (data->balance_label), "warning");
  adw_message_dialog_set_response_label (dialog, "queue", _("_Queue Anyway"));
  adw_message_dialog_set_response_appearance (dialog, "queue", ADW_RESPONSE_DESTRUCTIVE);
  if (adw_message_dialog_has_response (dialog, "skip"))
    adw_message_dialog_set_response_appearance (dialog, "skip", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
}

static void
on_balance_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GWeakRef *weak = user_data;
  g_autoptr(AdwMessageDialog) dialog = g_weak_ref_get (weak);
  g_autoptr(GError) error = NULL;
  g_autofree SdBalance *balance = sd_client_get_balance_finish (SD_CLIENT (source), result, &error);
  g_autofree char *text = NULL;
  DialogData *data;
  const char *currency;

  g_weak_ref_clear (weak);
  g_free (weak);
  if (dialog == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  data = get_dialog_data (dialog);
  currency = sd_prices_get_currency (data->prices);
  enable_queue (dialog);
  if (balance == NULL)
    {
      /* No endpoint: nothing to say. An error: the balance is unknown. */
      g_debug ("No balance for the batch%s", error != NULL ? ": it could not be read" : "");
      if (error != NULL)
        gtk_widget_set_tooltip_text (GTK_WIDGET (data->balance_label), error->message);
      return;
    }

  text = sd_batch_import_describe_balance (balance, data->total, currency);
  gtk_label_set_label (data->balance_label, text);
  gtk_widget_set_visible (GTK_WIDGET (data->balance_label), TRUE);
  if (sd_balance_is_exceeded (balance, data->total, currency))
    {
      g_debug ("The batch's estimate exceeds the balance");
      warn_over_balance (dialog);
    }
}

static gboolean
on_balance_timeout_cb (gpointer user_data)
{
  AdwMessageDialog *dialog = user_data;
  DialogData *data = get_dialog_data (dialog);

  data->timeout_source = 0;
  g_debug ("The balance did not come in time; Queue does not wait for it");
  g_cancellable_cancel (data->cancellable);
  enable_queue (dialog);
  return G_SOURCE_REMOVE;
}

/* Queue waits (a few seconds at most) for the balance, so that a batch
 * over it is never sent without the warning. */
static void
ask_balance (AdwMessageDialog *dialog)
{
  DialogData *data = get_dialog_data (dialog);
  GWeakRef *weak;

  if (!sd_context_get_has_token (data->context) || sd_context_get_base_url_error (data->context) != NULL)
    return;
  adw_message_dialog_set_response_enabled (dialog, "queue", FALSE);
  if (adw_message_dialog_has_response (dialog, "skip"))
    adw_message_dialog_set_response_enabled (dialog, "skip", FALSE);
  /* Neither holds the dialog: the timeout goes with its data, and the
   * answer finds it gone. */
  weak = g_new0 (GWeakRef, 1);
  g_weak_ref_init (weak, dialog);
  data->cancellable = g_cancellable_new ();
  data->timeout_source = g_timeout_add (BALANCE_WAIT_MS, on_balance_timeout_cb, dialog);
  sd_client_get_user_balance_async (sd_context_get_client (data->context), data->cancellable,
                                    on_balance_cb, weak);
}

static GtkWidget *
make_details (const char *text,
              GtkLabel  **balance_label)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *label = gtk_label_new (text);

  *balance_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_set_name (GTK_WIDGET (*balance_label), "batch_balance_label");
  gtk_label_set_wrap (*balance_label, TRUE);
  gtk_label_set_xalign (*balance_label, 0);
  gtk_widget_set_visible (GTK_WIDGET (*balance_label), FALSE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (*balance_label));

  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_valign (label, GTK_ALIGN_START);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), label);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scrolled), 120);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 320);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_box_append (GTK_BOX (box), scrolled);
  return box;
}

static void
show_dialog (GtkWindow *parent,
             SdContext *context,
             SdBatch   *batch)
{
  g_autofree char *warning = NULL;
  g_autoptr(SdPrices) prices = load_prices (&warning);
  g_autofree char *text = sd_batch_import_describe (batch, sd_context_get_catalog (context), prices);
  g_autofree char *details = warning != NULL ? g_strdup_printf ("%s\n\n%s", text, warning) : g_strdup (text);
  guint n_invalid = sd_batch_get_n_invalid (batch);
  guint n_takes = sd_batch_get_n_takes (batch);
  gboolean sendable = n_takes > 0;
  GtkWidget *dialog = sd_message_dialog_new (parent, _("Import Batch"), NULL);
  DialogData *data = g_new0 (DialogData, 1);
  AdwMessageDialog *message = ADW_MESSAGE_DIALOG (dialog);
  guint n_unpriced;

  data->context = g_object_ref (context);
  data->batch = g_object_ref (batch);
  data->prices = g_object_ref (prices);
  data->queue_enabled = n_invalid == 0 && sendable;
  sd_batch_estimate (batch, prices, sd_context_get_catalog (context), &data->total, &n_unpriced);
  g_object_set_data_full (G_OBJECT (dialog), "sd-batch-import", data, (GDestroyNotify) dialog_data_free);

  adw_message_dialog_set_extra_child (message, make_details (details, &data->balance_label));
  adw_message_dialog_add_response (message, "cancel", _("_Cancel"));
  if (n_invalid > 0 && sendable)
    adw_message_dialog_add_response (message, "skip", _("_Skip Invalid Lines"));
  adw_message_dialog_add_response (message, "queue", _("_Queue"));
  adw_message_dialog_set_response_enabled (message, "queue", data->queue_enabled);
  adw_message_dialog_set_response_appearance (message, "queue", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (message, n_invalid == 0 ? "queue" : "cancel");
  adw_message_dialog_set_close_response (message, "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (on_dialog_response_cb), data);
  if (sendable)
    ask_balance (message);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
show_error (GtkWindow    *parent,
            const GError *error)
{
  GtkWidget *dialog = sd_message_dialog_new (parent, _("Could Not Import the Batch"), error->message);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_batch_read_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  ImportData *data = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SdBatch) batch = g_task_propagate_pointer (G_TASK (result), &error);

  if (batch == NULL)
    show_error (data->parent, error);
  else
    show_dialog (data->parent, data->context, batch);
  import_data_free (data);
}

void
sd_batch_import_show_file (GtkWindow *parent,
                           SdContext *context,
                           GFile     *file)
{
  ImportData *data = g_new0 (ImportData, 1);
  g_autoptr(GTask) task = g_task_new (file, NULL, on_batch_read_cb, data);

  data->parent = parent != NULL ? g_object_ref (parent) : NULL;
  data->context = g_object_ref (context);
  g_task_set_source_tag (task, sd_batch_import_show_file);
  g_task_set_task_data (task, g_object_ref (sd_context_get_catalog (context)), g_object_unref);
  g_task_run_in_thread (task, read_batch_thread);
}

/* Choosing files. GtkFileChooserNative takes the portal in a sandbox and
 * exists on every GTK this app builds with. */

static GtkFileFilter *
batch_filter (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Batch files (JSON Lines)"));
  gtk_file_filter_add_pattern (filter, "*.jsonl");
  gtk_file_filter_add_pattern (filter, "*.ndjson");
  gtk_file_filter_add_mime_type (filter, "application/jsonl");
  return filter;
}

typedef struct
{
  GtkWindow  *parent;
  SdContext  *context;
  GListModel *tasks;
} ChooseData;

static void
choose_data_free (ChooseData *data)
{
  g_clear_object (&data->parent);
  g_clear_object (&data->context);
  g_clear_object (&data->tasks);
  g_free (data);
}

static void
on_import_chosen_cb (GtkNativeDialog *chooser,
                     int              response,
                     ChooseData      *data)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  if (file != NULL)
    sd_batch_import_show_file (data->parent, data->context, file);
  choose_data_free (data);
  g_object_unref (chooser);
}

void
sd_batch_import_choose (GtkWindow *parent,
                        SdContext *context)
{
  GtkFileChooserNative *chooser;
  ChooseData *data = g_new0 (ChooseData, 1);

  data->parent = parent != NULL ? g_object_ref (parent) : NULL;
  data->context = g_object_ref (context);
  chooser = gtk_file_chooser_native_new (_("Import Batch"), parent, GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Import"), _("_Cancel"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), batch_filter ());
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (on_import_chosen_cb), data);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* Export */

/**
 * sd_batch_export_write:
 * @tasks: a GListModel of SdTask
 * @file: where to write
 * @error: return location for a #GIOError
 *
 * Writes one batch line for each task's request, oldest first, so the
 * file re-runs them in the order they were made.
 *
 * Returns: %TRUE when the whole file was written
 */
gboolean
sd_batch_export_write (GListModel  *tasks,
                       GFile       *file,
                       GError     **error)
{
  g_autoptr(GString) text = g_string_new ("# Seedance Studio batch: one request a line\n");
  guint n = g_list_model_get_n_items (tasks);

  for (guint i = n; i > 0; i--)
    {
      g_autoptr(SdTask) task = g_list_model_get_item (tasks, i - 1);
      SdRequest *request = sd_task_get_request (task);
      g_autofree char *line = NULL;

      if (request == NULL)
        continue;
      line = sd_batch_write_line (request, 1, sd_task_get_label (task));
      g_string_append_printf (text, "%s\n", line);
    }
  return g_file_replace_contents (file, text->str, text->len, NULL, FALSE,
                                  G_FILE_CREATE_NONE, NULL, NULL, error);
}

static void
on_export_chosen_cb (GtkNativeDialog *chooser,
                     int              response,
                     ChooseData      *data)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  if (file != NULL && !sd_batch_export_write (data->tasks, file, &error))
    {
      GtkWidget *dialog = sd_message_dialog_new (data->parent, _("Could Not Export the Batch"), error->message);

      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
    }
  choose_data_free (data);
  g_object_unref (chooser);
}

void
sd_batch_export_choose (GtkWindow  *parent,
                        GListModel *tasks)
{
  GtkFileChooserNative *chooser;
  ChooseData *data = g_new0 (ChooseData, 1);

  data->parent = parent != NULL ? g_object_ref (parent) : NULL;
  data->tasks = g_object_ref (tasks);
  chooser = gtk_file_chooser_native_new (_("Export as Batch"), parent, GTK_FILE_CHOOSER_ACTION_SAVE,
                                         _("_Export"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), _("batch.jsonl"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), batch_filter ());
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (on_export_chosen_cb), data);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

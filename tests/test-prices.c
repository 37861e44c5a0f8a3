/* test-prices.c: the price table, exact estimates and the history's totals
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <locale.h>
#include <string.h>

#include "sd-balance.h"
#include "sd-catalog.h"
#include "sd-prices.h"
#include "sd-simulator-test.h"
#include "sd-store.h"
#include "sd-test-util.h"

#define PER_TASK   "seedance2.0-fast-i2v"  /* default 5 s */
#define PER_SECOND "sd2_mx_720p"

static SdModel *
lookup (SdCatalog  *catalog,
        const char *id)
{
  SdModel *model = sd_catalog_lookup (catalog, id);

  g_assert_nonnull (model);
  return model;
}

static SdRequest *
request_for (const char *model,
             int         duration)
{
  SdRequest *request = sd_request_new ();

  sd_request_set_model (request, model);
  sd_request_set_prompt (request, "a cat");
  if (duration > 0)
    sd_request_set_explicit_duration (request, duration);
  return request;
}

static void
test_money_parse (void)
{
  const struct { const char *text; SdMoney amount; } good[] = {
    { "0.05", 50000 }, { "12", 12000000 }, { "0", 0 }, { "1.250000", 1250000 },
    { "0.000001", 1 }, { "1000000", 1000000 * SD_MONEY_SCALE },
  };
  const char *bad[] = {
    "", "-1", "+1", "1e3", ".5", "5.", "0.0000001", "abc", "1000001", " 1", "1 ",
    "1,5", "0x10", "1.2.3", "99999999999999999999999",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    {
      SdMoney amount = -1;

      g_assert_true (sd_money_parse (good[i].text, &amount));
      g_assert_cmpint (amount, ==, good[i].amount);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      SdMoney amount;

      g_test_message ("amount “%s”", bad[i]);
      g_assert_false (sd_money_parse (bad[i], &amount));
    }
}

static void
test_per_second_estimate_is_exact (void)
{
  g_autoptr(SdCatalog) catalog = sd_catalog_new ();
  g_autoptr(SdPrices) prices = sd_prices_new ();
  g_autoptr(SdRequest) request = request_for (PER_SECOND, 8);
  g_auto(SdEstimate) estimate = { 0 };
  g_autofree char *text = NULL;
  SdMoney price;

  g_assert_true (sd_money_parse ("0.05", &price));
  sd_prices_set (prices, PER_SECOND, price);
  sd_prices_estimate (prices, request, lookup (catalog, PER_SECOND), 1, &estimate);

  g_assert_true (estimate.priced);
  g_assert_cmpint (estimate.billing, ==, SD_BILLING_PER_SECOND);
  g_assert_cmpint (estimate.seconds, ==, 8);
  g_assert_cmpint (estimate.total, ==, 400000);
  text = sd_estimate_format (&estimate);
  g_assert_cmpstr (text, ==, "≈ ¥0.40 · 8 s × ¥0.05");
}

static void
test_takes_multiply_the_estimate (void)
{
  g_autoptr(SdCatalog) catalog = sd_catalog_new ();
  g_autoptr(SdPrices) prices = sd_prices_new ();
  g_autoptr(SdRequest) per_second = request_for (PER_SECOND, 8);
  g_autoptr(SdRequest) per_task = request_for (PER_TASK, 12);
  g_auto(SdEstimate) a = { 0 };
  g_auto(SdEstimate) b = { 0 };
  g_autofree char *text_a = NULL;
  g_autofree char *text_b = NULL;

  sd_prices_set (prices, PER_SECOND, 50000);
  sd_prices_set (prices, PER_TASK, 100000);  /* 0.10: 0.1 × 3 is 0.30, not 0.30000000000000004 */
  sd_prices_estimate (prices, per_second, lookup (catalog, PER_SECOND), 4, &a);
  sd_prices_estimate (prices, per_task, lookup (catalog, PER_TASK), 3, &b);

  g_assert_cmpint (a.total, ==, 1600000);
  g_assert_cmpint (b.total, ==, 300000);  /* per task: the length does not count */
  text_a = sd_estimate_format (&a);
  text_b = sd_estimate_format (&b);
  g_assert_cmpstr (text_a, ==, "≈ ¥1.60 · 4 takes × 8 s × ¥0.05");
  g_assert_cmpstr (text_b, ==, "≈ ¥0.30 · 3 takes × 1 task × ¥0.10");
}

static void
test_unset_duration_bills_the_default (void)
{
  g_autoptr(SdCatalog) catalog = sd_catalog_new ();
  g_autoptr(SdPrices) prices = sd_prices_new ();
  g_autoptr(SdRequest) request = request_for (PER_SECOND, 0);
  g_auto(SdEstimate) estimate = { 0 };
  SdModel *model = lookup (catalog, PER_SECOND);

  sd_prices_set (prices, PER_SECOND, 10000);
  sd_prices_estimate (prices, request, model, 1, &estimate);
  g_assert_cmpint (estimate.seconds, ==, sd_model_get_default_duration (model));
  g_assert_cmpint (estimate.total, ==, 10000 * sd_model_get_default_duration (model));
}

static void
test_missing_price_shows_the_unit (void)
{
  g_autoptr(SdCatalog) catalog = sd_catalog_new ();
  g_autoptr(SdPrices) prices = sd_prices_new ();
  g_autoptr(SdRequest) request = request_for (PER_SECOND, 8);
  g_autoptr(SdRequest) unknown = request_for ("nope", 8);
  g_auto(SdEstimate) estimate = { 0 };
  g_auto(SdEstimate) none = { 0 };
  g_autofree char *text = NULL;

  sd_prices_estimate (prices, request, lookup (catalog, PER_SECOND), 2, &estimate);
  g_assert_false (estimate.priced);
  g_assert_cmpint (estimate.total, ==, 0);
  text = sd_estimate_format (&estimate);
  g_assert_nonnull (strstr (text, "per second"));
  g_assert_null (strstr (text, "¥"));

  sd_prices_estimate (prices, unknown, NULL, 1, &none);
  g_assert_false (none.priced);
}

static void
test_currency_formatting (void)
{
  const struct { const char *currency; const char *text; } cases[] = {
    { "CNY", "¥0.40" }, { "USD", "$0.40" }, { "EUR", "€0.40" }, { "GBP", "£0.40" },
    { "CHF", "0.40 CHF" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = sd_money_format (400000, cases[i].currency);

      g_assert_cmpstr (text, ==, cases[i].text);
    }

  {
    g_autofree char *more = sd_money_format (1125000, "USD");
    g_autofree char *whole = sd_money_format (12 * SD_MONEY_SCALE, "USD");
    g_autofree char *tiny = sd_money_format (1, "USD");

    g_assert_cmpstr (more, ==, "$1.125");
    g_assert_cmpstr (whole, ==, "$12.00");
    g_assert_cmpstr (tiny, ==, "$0.000001");
  }
  g_assert_true (sd_currency_is_valid ("CNY"));
  g_assert_false (sd_currency_is_valid ("cny"));
  g_assert_false (sd_currency_is_valid ("YUAN"));
  g_assert_false (sd_currency_is_valid (NULL));
}

/* The provider's coin: counted, not priced, so no forced decimals. */
static void
test_coin_formatting (void)
{
  const struct { SdMoney amount; const char *text; } cases[] = {
    { 1000 * SD_MONEY_SCALE, "1000 coins" },
    { SD_MONEY_SCALE, "1 coin" },
    { 0, "0 coins" },
    { 2500000, "2.5 coins" },
    { 125, "0.000125 coins" },
    { -3 * SD_MONEY_SCALE, "-3 coins" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = sd_money_format (cases[i].amount, SD_CURRENCY_COIN);

      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

static void
test_coin_is_a_currency (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdPrices) prices = NULL;
  g_autoptr(SdPrices) back = NULL;
  g_autofree char *data = NULL;
  g_autofree char *coin = sd_currency_normalize ("Coin");
  g_autofree char *usd = sd_currency_normalize ("usd");
  g_autofree char *bad = sd_currency_normalize ("coins");
  g_autofree char *estimate_text = NULL;
  g_autoptr(SdCatalog) catalog = sd_catalog_new ();
  g_autoptr(SdRequest) request = request_for (PER_TASK, 0);
  g_auto(SdEstimate) estimate = { 0 };

  g_assert_true (sd_currency_is_valid (SD_CURRENCY_COIN));
  g_assert_false (sd_currency_is_valid ("COIN"));
  g_assert_cmpstr (coin, ==, SD_CURRENCY_COIN);
  g_assert_cmpstr (usd, ==, "USD");
  g_assert_null (bad);
  g_assert_null (sd_currency_normalize (NULL));

  prices = sd_prices_new_from_data ("{\"currency\": \"coin\", \"prices\": {\"" PER_TASK "\": 30}}", -1,
                                    "/cfg/prices.json", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sd_prices_get_currency (prices), ==, SD_CURRENCY_COIN);
  sd_prices_estimate (prices, request, lookup (catalog, PER_TASK), 2, &estimate);
  estimate_text = sd_estimate_format (&estimate);
  g_assert_cmpstr (estimate_text, ==, "≈ 60 coins · 2 takes × 1 task × 30 coins");

  data = sd_prices_to_data (prices);
  back = sd_prices_new_from_data (data, -1, "/cfg/prices.json", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sd_prices_get_currency (back), ==, SD_CURRENCY_COIN);
}

/* The one rule of the batch warning: only coins are compared. */
static void
test_balance_is_exceeded_only_in_coins (void)
{
  SdBalance balance = { FALSE, 1000 };
  SdBalance fraction = { FALSE, 0.5 };
  SdBalance unlimited = { TRUE, 0 };

  g_assert_cmpint (sd_balance_get_money (&balance), ==, 1000 * SD_MONEY_SCALE);
  g_assert_cmpint (sd_balance_get_money (&fraction), ==, 500000);
  g_assert_true (sd_balance_is_exceeded (&balance, 1000 * SD_MONEY_SCALE + 1, SD_CURRENCY_COIN));
  g_assert_false (sd_balance_is_exceeded (&balance, 1000 * SD_MONEY_SCALE, SD_CURRENCY_COIN));
  g_assert_false (sd_balance_is_exceeded (&balance, 5000 * SD_MONEY_SCALE, "CNY"));
  g_assert_false (sd_balance_is_exceeded (&unlimited, 5000 * SD_MONEY_SCALE, SD_CURRENCY_COIN));
  g_assert_false (sd_balance_is_exceeded (NULL, 5000 * SD_MONEY_SCALE, SD_CURRENCY_COIN));
  g_assert_true (sd_balance_is_exceeded (&fraction, SD_MONEY_SCALE, SD_CURRENCY_COIN));
}

/* The account's balance, with the client's own token: the user route only. */
static void
test_user_balance_present_and_absent (void)
{
  g_autoptr(SdCatalog) catalog = sd_catalog_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(SdSimulator) simulator = sd_simulator_new (catalog, &error);
  g_autoptr(SdClient) client = NULL;
  g_autoptr(SdClient) no_token = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree SdBalance *balance = NULL;

  g_assert_no_error (error);
  client = sd_client_new (sd_simulator_get_base_url (simulator), sd_simulator_get_token (simulator));
  sd_simulator_set_balance (simulator, 1234);
  sd_client_get_user_balance_async (client, NULL, sd_test_store_result_cb, &result);
  sd_test_wait_until (sd_test_result_arrived, &result, 10, "the balance");
  balance = sd_client_get_balance_finish (client, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (balance);
  g_assert_false (balance->unlimited);
  g_assert_cmpfloat (balance->available, ==, 1234);
  g_assert_cmpuint (sd_simulator_get_request_count (simulator, SD_SIMULATOR_STEP_BALANCE), ==, 1);
  g_clear_object (&result);
  g_clear_pointer (&balance, g_free);

  sd_simulator_set_has_balance (simulator, FALSE);
  sd_client_get_user_balance_async (client, NULL, sd_test_store_result_cb, &result);
  sd_test_wait_until (sd_test_result_arrived, &result, 10, "no balance");
  balance = sd_client_get_balance_finish (client, result, &error);
  g_assert_no_error (error);
  g_assert_null (balance);
  g_clear_object (&result);

  sd_simulator_set_has_balance (simulator, TRUE);
  sd_simulator_set_fault (simulator, SD_SIMULATOR_STEP_BALANCE, SD_SIMULATOR_FAULT_HTTP_500, 1);
  sd_client_get_user_balance_async (client, NULL, sd_test_store_result_cb, &result);
  sd_test_wait_until (sd_test_result_arrived, &result, 10, "a failed balance");
  balance = sd_client_get_balance_finish (client, result, &error);
  g_assert_null (balance);
  g_assert_error (error, SD_API_ERROR, SD_API_ERROR_HTTP_STATUS);
  g_clear_error (&error);
  g_clear_object (&result);

  /* Without a token nothing is sent. */
  no_token = sd_client_new (sd_simulator_get_base_url (simulator), NULL);
  sd_client_get_user_balance_async (no_token, NULL, sd_test_store_result_cb, &result);
  sd_test_wait_until (sd_test_result_arrived, &result, 10, "no token");
  balance = sd_client_get_balance_finish (no_token, result, &error);
  g_assert_null (balance);
  g_assert_nonnull (error);
  g_assert_cmpuint (sd_simulator_get_request_count (simulator, SD_SIMULATOR_STEP_BALANCE), ==, 3);
}

static SdPrices *
load_text (const char  *text,
           GError     **error)
{
  return sd_prices_new_from_data (text, -1, "/cfg/prices.json", error);
}

static void
test_file_reads_strings_and_numbers (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdPrices) prices = load_text ("{\"currency\": \"USD\", \"prices\": "
                                          "{\"a\": \"0.05\", \"b\": 0.07, \"c\": 3, \"d\": 0.1}}", &error);
  SdMoney amount;

  g_assert_no_error (error);
  g_assert_cmpstr (sd_prices_get_currency (prices), ==, "USD");
  g_assert_true (sd_prices_lookup (prices, "a", &amount));
  g_assert_cmpint (amount, ==, 50000);
  g_assert_true (sd_prices_lookup (prices, "b", &amount));
  g_assert_cmpint (amount, ==, 70000);
  g_assert_true (sd_prices_lookup (prices, "c", &amount));
  g_assert_cmpint (amount, ==, 3000000);
  g_assert_true (sd_prices_lookup (prices, "d", &amount));
  g_assert_cmpint (amount, ==, 100000);
  g_assert_false (sd_prices_lookup (prices, "e", &amount));
}

static void
test_malformed_file_is_named (void)
{
  const struct { const char *text; GQuark domain; int code; const char *fragment; } cases[] = {
    { "not json", SD_PRICES_ERROR, SD_PRICES_ERROR_PARSE, "/cfg/prices.json" },
    { "[1]", SD_PRICES_ERROR, SD_PRICES_ERROR_PARSE, "/cfg/prices.json" },
    { "{} {}", SD_PRICES_ERROR, SD_PRICES_ERROR_PARSE, "/cfg/prices.json" },
    { "{\"currency\": \"yuan\"}", SD_PRICES_ERROR, SD_PRICES_ERROR_INVALID, "“currency”" },
    { "{\"currency\": 5}", SD_PRICES_ERROR, SD_PRICES_ERROR_INVALID, "“currency”" },
    { "{\"prices\": [1]}", SD_PRICES_ERROR, SD_PRICES_ERROR_INVALID, "“prices”" },
    { "{\"prices\": {\"m1\": \"abc\"}}", SD_PRICES_ERROR, SD_PRICES_ERROR_INVALID, "“prices.m1”" },
    { "{\"prices\": {\"m1\": -1}}", SD_PRICES_ERROR, SD_PRICES_ERROR_INVALID, "“prices.m1”" },
    { "{\"prices\": {\"m1\": 1e300}}", SD_PRICES_ERROR, SD_PRICES_ERROR_INVALID, "“prices.m1”" },
    { "{\"prices\": {\"m1\": \"0.0000001\"}}", SD_PRICES_ERROR, SD_PRICES_ERROR_INVALID, "6 decimals" },
    { "{\"prices\": {\"m1\": true}}", SD_PRICES_ERROR, SD_PRICES_ERROR_INVALID, "“prices.m1”" },
    { "{\"prices\": {\"\": \"1\"}}", SD_PRICES_ERROR, SD_PRICES_ERROR_INVALID, "“prices”" },
    { "{\"price\": {}}", SD_PRICES_ERROR, SD_PRICES_ERROR_INVALID, "“price”" },
    { "{\"prices\": {\"m\": \"\\ud800\"}}", SD_PRICES_ERROR, SD_PRICES_ERROR_PARSE, "/cfg/prices.json" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SdPrices) prices = load_text (cases[i].text, &error);

      g_test_message ("%s", cases[i].text);
      g_assert_null (prices);
      g_assert_error (error, cases[i].domain, cases[i].code);
      g_assert_nonnull (strstr (error->message, "/cfg/prices.json"));
      g_assert_nonnull (strstr (error->message, cases[i].fragment));
    }
}

static void
test_bad_file_is_kept (void)
{
  g_autofree char *path = sd_prices_default_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SdPrices) missing = NULL;
  g_autoptr(SdPrices) bad = NULL;
  const char *text = "{\"prices\": {\"m1\": \"abc\"}}";

  g_assert_true (g_str_has_suffix (path, "seedance-studio/prices.json"));
  g_assert_true (g_str_has_prefix (path, g_get_user_config_dir ()));
  g_unlink (path);
  missing = sd_prices_new_from_file (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sd_prices_list_models (missing)->len, ==, 0);
  g_ptr_array_unref (sd_prices_list_models (missing));

  g_mkdir_with_parents (dir, 0700);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  bad = sd_prices_new_from_file (path, &error);
  g_assert_null (bad);
  g_assert_error (error, SD_PRICES_ERROR, SD_PRICES_ERROR_INVALID);
  g_assert_true (g_file_get_contents (path, &after, NULL, NULL));
  g_assert_cmpstr (after, ==, text);
  g_unlink (path);
}

static void
test_saved_table_reads_back (void)
{
  g_autofree char *path = sd_prices_default_path ();
  g_autoptr(SdPrices) prices = sd_prices_new ();
  g_autoptr(SdPrices) back = NULL;
  g_autoptr(GPtrArray) models = NULL;
  g_autoptr(GError) error = NULL;
  SdMoney amount;

  sd_prices_set_currency (prices, "EUR");
  sd_prices_set (prices, PER_SECOND, 50000);
  sd_prices_set (prices, PER_TASK, 1250000);
  sd_prices_set (prices, "gone", 1);
  sd_prices_set (prices, "gone", -1);
  g_assert_true (sd_prices_save (prices, path, &error));
  g_assert_no_error (error);

  back = sd_prices_new_from_file (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sd_prices_get_currency (back), ==, "EUR");
  g_assert_true (sd_prices_lookup (back, PER_TASK, &amount));
  g_assert_cmpint (amount, ==, 1250000);
  g_assert_false (sd_prices_lookup (back, "gone", NULL));
  models = sd_prices_list_models (back);
  g_assert_cmpuint (models->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (models, 0), ==, PER_SECOND);  /* sorted */
  g_unlink (path);
}

static void
save_task (SdStore      *store,
           const char   *id,
           SdTaskStatus  status,
           gint64        created_at,
           gint64        estimate,
           const char   *currency)
{
  g_autoptr(SdRequest) request = request_for (PER_SECOND, 8);
  g_autoptr(SdTask) task = sd_task_new (id, request);
  g_autoptr(GError) error = NULL;

  sd_task_set_status (task, status, NULL);
  sd_task_set_created_at (task, created_at);
  sd_task_set_estimate (task, estimate, currency);
  g_assert_true (sd_store_save_task (store, task, &error));
  g_assert_no_error (error);
}

static void
test_totals_split_by_outcome (void)
{
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "totals.db", NULL);
  g_autoptr(SdStore) store = NULL;
  g_autoptr(SdStore) reopened = NULL;
  g_autoptr(SdTask) loaded = NULL;
  g_autoptr(GError) error = NULL;
  SdStoreCostTotals totals;
  gint64 now = 1000000;

  g_mkdir_with_parents (g_get_user_data_dir (), 0700);
  store = sd_store_open (path, NULL, &error);
  g_assert_no_error (error);
  save_task (store, "a", SD_TASK_STATUS_COMPLETED, now, 400000, "CNY");
  save_task (store, "b", SD_TASK_STATUS_COMPLETED, now + 1, 50000, "CNY");
  save_task (store, "c", SD_TASK_STATUS_FAILED, now + 2, 100000, "CNY");
  save_task (store, "d", SD_TASK_STATUS_UNCERTAIN, now + 3, 70000, "CNY");
  save_task (store, "e", SD_TASK_STATUS_PROCESSING, now + 4, 30000, "CNY");
  save_task (store, "old", SD_TASK_STATUS_COMPLETED, now - 100, 999, "CNY");
  save_task (store, "usd", SD_TASK_STATUS_COMPLETED, now, 5, "USD");
  save_task (store, "none", SD_TASK_STATUS_COMPLETED, now, -1, NULL);

  g_assert_true (sd_store_get_cost_totals (store, now, "CNY", &totals, &error));
  g_assert_no_error (error);
  g_assert_cmpint (totals.completed, ==, 450000);
  g_assert_cmpint (totals.failed, ==, 100000);
  g_assert_cmpint (totals.uncertain, ==, 70000);
  g_assert_cmpint (totals.in_progress, ==, 30000);
  g_assert_cmpint (totals.n_tasks, ==, 5);

  g_assert_true (sd_store_get_cost_totals (store, 0, "CNY", &totals, &error));
  g_assert_cmpint (totals.completed, ==, 450999);

  /* The estimate comes back with the task, and none stays none. */
  g_clear_object (&store);
  reopened = sd_store_open (path, NULL, &error);
  g_assert_no_error (error);
  loaded = sd_store_load_task (reopened, "a", &error);
  g_assert_cmpint (sd_task_get_estimate (loaded), ==, 400000);
  g_assert_cmpstr (sd_task_get_estimate_currency (loaded), ==, "CNY");
  g_clear_object (&loaded);
  loaded = sd_store_load_task (reopened, "none", &error);
  g_assert_cmpint (sd_task_get_estimate (loaded), ==, -1);
  g_assert_null (sd_task_get_estimate_currency (loaded));
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/prices/money-parse", test_money_parse);
  g_test_add_func ("/prices/per-second-estimate-is-exact", test_per_second_estimate_is_exact);
  g_test_add_func ("/prices/takes-multiply-the-estimate", test_takes_multiply_the_estimate);
  g_test_add_func ("/prices/unset-duration-bills-the-default", test_unset_duration_bills_the_default);
  g_test_add_func ("/prices/missing-price-shows-the-unit", test_missing_price_shows_the_unit);
  g_test_add_func ("/prices/currency-formatting", test_currency_formatting);
  g_test_add_func ("/prices/coin-formatting", test_coin_formatting);
  g_test_add_func ("/prices/coin-is-a-currency", test_coin_is_a_currency);
  g_test_add_func ("/prices/balance-is-exceeded-only-in-coins", test_balance_is_exceeded_only_in_coins);
  g_test_add_func ("/prices/user-balance-present-and-absent", test_user_balance_present_and_absent);
  g_test_add_func ("/prices/file-reads-strings-and-numbers", test_file_reads_strings_and_numbers);
  g_test_add_func ("/prices/malformed-file-is-named", test_malformed_file_is_named);
  g_test_add_func ("/prices/bad-file-is-kept", test_bad_file_is_kept);
  g_test_add_func ("/prices/saved-table-reads-back", test_saved_table_reads_back);
  g_test_add_func ("/prices/totals-split-by-outcome", test_totals_split_by_outcome);

  return g_test_run ();
}

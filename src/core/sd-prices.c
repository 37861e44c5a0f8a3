/* sd-prices.c: the user's price table, and what a request will cost
 *
 * The documentation gives each model's billing unit but no prices: the
 * table holds the user's own, one currency for all of them. The file is
 *
 *   { "currency": "CNY", "prices": { "seedance-1-0-pro": "0.05", … } }
 *
 * with each amount a decimal string (or a plain JSON number) per the
 * model's unit: per second or per task, as the catalogue says.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-prices"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <errno.h>
#include <langinfo.h>
#include <string.h>

#include "sd-json.h"
#include "sd-prices.h"

/* A price file is a few hundred bytes; anything near this is not one. */
#define MAX_FILE_SIZE (256 * 1024)
#define MAX_DEPTH     8
#define MAX_MODEL_ID  200

/* The length the API bills when a request leaves it unset. */
#define API_DEFAULT_DURATION 5

struct _SdPrices
{
  GObject     parent_instance;

  char       *currency;
  GHashTable *amounts;  /* model id → SdMoney* */
};

G_DEFINE_TYPE (SdPrices, sd_prices, G_TYPE_OBJECT)

G_DEFINE_QUARK (sd-prices-error-quark, sd_prices_error)

static void
sd_prices_finalize (GObject *object)
{
  SdPrices *self = SD_PRICES (object);

  g_free (self->currency);
  g_hash_table_unref (self->amounts);

  G_OBJECT_CLASS (sd_prices_parent_class)->finalize (object);
}

static void
sd_prices_class_init (SdPricesClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sd_prices_finalize;
}

static void
sd_prices_init (SdPrices *self)
{
  self->currency = g_strdup ("CNY");
  self->amounts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

/* Money */

static gboolean
parse_digits (const char *text,
              gsize       length,
              gint64     *value)
{
  *value = 0;
  for (gsize i = 0; i < length; i++)
    {
      if (!g_ascii_isdigit (text[i]) || *value > G_MAXINT64 / 10 - 10)
        return FALSE;
      *value = *value * 10 + (text[i] - '0');
    }
  return TRUE;
}

/**
 * sd_money_parse:
 * @text: a decimal amount such as "0.05"
 * @amount: (out): the amount in millionths
 *
 * Returns: %TRUE when @text is a plain decimal number with at most
 *   %SD_MONEY_DECIMALS decimals, not above %SD_MONEY_MAX_PRICE
 */
gboolean
sd_money_parse (const char *text,
                SdMoney    *amount)
{
  const char *point;
  gsize whole_length, fraction_length;
  gint64 whole, fraction;

  g_return_val_if_fail (amount != NULL, FALSE);

  if (text == NULL || *text == '\0' || strlen (text) > 32)
    return FALSE;

  point = strchr (text, '.');
  whole_length = point != NULL ? (gsize) (point - text) : strlen (text);
  fraction_length = point != NULL ? strlen (point + 1) : 0;
  if (whole_length == 0 || fraction_length > SD_MONEY_DECIMALS ||
      (point != NULL && fraction_length == 0))
    return FALSE;
  if (!parse_digits (text, whole_length, &whole) ||
      !parse_digits (point != NULL ? point + 1 : "", fraction_length, &fraction))
    return FALSE;
  if (whole > SD_MONEY_MAX_PRICE / SD_MONEY_SCALE)
    return FALSE;

  for (gsize i = fraction_length; i < SD_MONEY_DECIMALS; i++)
    fraction *= 10;
  *amount = whole * SD_MONEY_SCALE + fraction;
  return *amount <= SD_MONEY_MAX_PRICE;
}

static const char *
decimal_separator (void)
{
  const char *radix = nl_langinfo (RADIXCHAR);

  return radix != NULL && *radix != '\0' ? radix : ".";
}

/**
 * sd_money_format_number:
 * @amount: an amount in millionths
 *
 * Returns: (transfer full): @amount with at least two decimals, more when
 *   they are not zero, and the locale's decimal separator
 */
char *
sd_money_format_number (SdMoney amount)
{
  g_autofree char *fraction = NULL;
  gboolean negative = amount < 0;
  guint64 magnitude = negative ? (guint64) -(amount + 1) + 1 : (guint64) amount;
  gsize length;

  fraction = g_strdup_printf ("%06" G_GUINT64_FORMAT, magnitude % SD_MONEY_SCALE);
  length = strlen (fraction);
  while (length > 2 && fraction[length - 1] == '0')
    fraction[--length] = '\0';

  return g_strdup_printf ("%s%" G_GUINT64_FORMAT "%s%s", negative ? "-" : "",
                          magnitude / SD_MONEY_SCALE, decimal_separator (), fraction);
}

/**
 * sd_currency_symbol:
 * @currency: an ISO 4217 code
 *
 * Returns: (nullable): the symbol of a few common currencies
 */
const char *
sd_currency_symbol (const char *currency)
{
  static const struct { const char *code; const char *symbol; } symbols[] = {
    { "CNY", "¥" }, { "JPY", "¥" }, { "USD", "$" }, { "EUR", "€" }, { "GBP", "£" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (symbols); i++)
    if (g_strcmp0 (currency, symbols[i].code) == 0)
      return symbols[i].symbol;
  return NULL;
}

/**
 * sd_currency_is_valid:
 * @currency: (nullable): a currency code
 *
 * Returns: %TRUE for three upper-case ASCII letters, or %SD_CURRENCY_COIN
 */
gboolean
sd_currency_is_valid (const char *currency)
{
  if (g_strcmp0 (currency, SD_CURRENCY_COIN) == 0)
    return TRUE;
  if (currency == NULL || strlen (currency) != 3)
    return FALSE;
  for (int i = 0; i < 3; i++)
    if (!g_ascii_isupper (currency[i]))
      return FALSE;
  return TRUE;
}

/**
 * sd_currency_normalize:
 * @text: (nullable): a currency as a user typed it
 *
 * Returns: (transfer full) (nullable): the code in upper case, or
 *   %SD_CURRENCY_COIN for "coin" in any case; %NULL when it is neither
 */
char *
sd_currency_normalize (const char *text)
{
  g_autofree char *code = NULL;

  if (text == NULL)
    return NULL;
  if (g_ascii_strcasecmp (text, SD_CURRENCY_COIN) == 0)
    return g_strdup (SD_CURRENCY_COIN);
  code = g_ascii_strup (text, -1);
  return sd_currency_is_valid (code) ? g_steal_pointer (&code) : NULL;
}

/* Coins are counted, not priced: no forced decimals, and a plural. */
static char *
format_coins (SdMoney amount)
{
  g_autofree char *number = sd_money_format_number (amount);
  gsize length = strlen (number);
  gulong plural = amount == SD_MONEY_SCALE ? 1 : 2;

  if (amount % SD_MONEY_SCALE == 0)
    {
      g_autofree char *whole = g_strdup_printf ("%" G_GINT64_FORMAT, amount / SD_MONEY_SCALE);

      g_free (number);
      number = g_steal_pointer (&whole);
    }
  else
    {
      while (length > 0 && number[length - 1] == '0')
        number[--length] = '\0';
    }
  /* Translators: an amount in the provider's own unit, e.g. "12 coins" */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s coin", "%s coins", plural), number);
}

/**
 * sd_money_format:
 * @amount: an amount in millionths
 * @currency: an ISO 4217 code
 *
 * Returns: (transfer full): the amount with its currency's symbol, or code
 */
char *
sd_money_format (SdMoney     amount,
                 const char *currency)
{
  g_autofree char *number = sd_money_format_number (amount);
  const char *symbol = sd_currency_symbol (currency);

  if (g_strcmp0 (currency, SD_CURRENCY_COIN) == 0)
    return format_coins (amount);
  if (symbol != NULL)
    /* Translators: an amount of money: the currency symbol (¥, $, €), then
     * the number; put them in your locale's order, e.g. "%2$s %1$s" */
    return g_strdup_printf (C_("money", "%1$s%2$s"), symbol, number);

  /* Translators: an amount of money: the number, then a currency code */
  return g_strdup_printf (C_("money", "%1$s %2$s"), number, currency);
}

/* The table */

/**
 * sd_prices_default_path:
 *
 * Returns: (transfer full): where the user's price table lives
 */
char *
sd_prices_default_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "seedance-studio", "prices.json", NULL);
}

/**
 * sd_prices_new:
 *
 * Returns: (transfer full): an empty table in CNY
 */
SdPrices *
sd_prices_new (void)
{
  return g_object_new (SD_TYPE_PRICES, NULL);
}

static gboolean
set_invalid (GError     **error,
             const char  *source_name,
             const char  *field,
             const char  *rule)
{
  /* Translators: a price file's name, then the field, then the rule it breaks */
  g_set_error (error, SD_PRICES_ERROR, SD_PRICES_ERROR_INVALID,
               _("The price table %s is not valid: “%s” %s"), source_name, field, rule);
  return FALSE;
}

static gboolean
read_currency (SdPrices    *self,
               JsonObject  *root,
               const char  *source_name,
               GError     **error)
{
  JsonNode *node = json_object_get_member (root, "currency");
  const char *currency;

  if (node == NULL)
    return TRUE;
  currency = JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
             ? json_node_get_string (node) : NULL;
  if (!sd_currency_is_valid (currency))
    return set_invalid (error, source_name, "currency",
                        _("must be a three-letter currency code such as “CNY”, “USD” or “EUR”, or “coin” for the provider’s own unit."));
  sd_prices_set_currency (self, currency);
  return TRUE;
}

/* A JSON number is read through its shortest decimal spelling, so 0.05
 * (which a double holds as 0.05000000000000000277) is 0.05 exactly. */
static gboolean
read_amount (JsonNode *node,
             SdMoney  *amount)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];
  GType type;

  if (!JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  type = json_node_get_value_type (node);
  if (type == G_TYPE_STRING)
    return sd_money_parse (json_node_get_string (node), amount);
  if (type == G_TYPE_INT64)
    {
      g_snprintf (buffer, sizeof buffer, "%" G_GINT64_FORMAT, json_node_get_int (node));
      return sd_money_parse (buffer, amount);
    }
  if (type == G_TYPE_DOUBLE)
    {
      g_ascii_formatd (buffer, sizeof buffer, "%.15g", json_node_get_double (node));
      return strchr (buffer, 'e') == NULL && sd_money_parse (buffer, amount);
    }
  return FALSE;
}

static gboolean
read_prices (SdPrices    *self,
             JsonObject  *root,
             const char  *source_name,
             GError     **error)
{
  JsonNode *node = json_object_get_member (root, "prices");
  g_autoptr(GList) members = NULL;
  JsonObject *prices;

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return set_invalid (error, source_name, "prices",
                        _("must be an object of model IDs and amounts."));

  prices = json_node_get_object (node);
  members = json_object_get_members (prices);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *model_id = l->data;
      g_autofree char *field = g_strdup_printf ("prices.%s", model_id);
      SdMoney amount;

      if (*model_id == '\0' || strlen (model_id) > MAX_MODEL_ID)
        return set_invalid (error, source_name, "prices",
                            _("must name each model by its ID (1 to 200 characters)."));
      if (!read_amount (json_object_get_member (prices, model_id), &amount))
        return set_invalid (error, source_name, field,
                            _("must be an amount such as “0.05”: at least 0, at most 1000000, with at most 6 decimals."));
      sd_prices_set (self, model_id, amount);
    }
  return TRUE;
}

static gboolean
check_members (JsonObject  *root,
               const char  *source_name,
               GError     **error)
{
  g_autoptr(GList) members = json_object_get_members (root);

  for (GList *l = members; l != NULL; l = l->next)
    if (g_strcmp0 (l->data, "currency") != 0 && g_strcmp0 (l->data, "prices") != 0)
      return set_invalid (error, source_name, l->data,
                          _("is not a field of a price table (only “currency” and “prices” are)."));
  return TRUE;
}

static JsonNode *
parse_untrusted (const char  *data,
                 gsize        length,
                 const char  *source_name,
                 GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;

  if (length > MAX_FILE_SIZE || !g_utf8_validate (data, length, NULL) ||
      !sd_json_nesting_within_limit (data, length, MAX_DEPTH) ||
      !sd_json_holds_one_value (data, length) ||
      !json_parser_load_from_data (parser, data, length, &local_error) ||
      (root = json_parser_get_root (parser)) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (root) || !sd_json_strings_are_utf8 (root))
    {
      /* Translators: a file name, then why it could not be read */
      g_set_error (error, SD_PRICES_ERROR, SD_PRICES_ERROR_PARSE,
                   _("The price table %s is not one JSON object of at most 256 KiB: %s"),
                   source_name, local_error != NULL ? local_error->message : _("it holds something else."));
      return NULL;
    }
  return json_node_copy (root);
}

/**
 * sd_prices_new_from_data:
 * @data: the text of a price table
 * @length: its length, or -1 when nul-terminated
 * @source_name: the file name messages name
 * @error: return location for an %SD_PRICES_ERROR
 *
 * Returns: (transfer full) (nullable): the table, or %NULL with @error
 */
SdPrices *
sd_prices_new_from_data (const char  *data,
                         gssize       length,
                         const char  *source_name,
                         GError     **error)
{
  g_autoptr(SdPrices) self = sd_prices_new ();
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;

  g_return_val_if_fail (data != NULL, NULL);

  if (length < 0)
    length = strlen (data);
  root = parse_untrusted (data, length, source_name, error);
  if (root == NULL)
    return NULL;

  object = json_node_get_object (root);
  if (!check_members (object, source_name, error) ||
      !read_currency (self, object, source_name, error) ||
      !read_prices (self, object, source_name, error))
    return NULL;

  g_debug ("Read %u prices in %s", g_hash_table_size (self->amounts), self->currency);
  return g_steal_pointer (&self);
}

/**
 * sd_prices_new_from_file:
 * @path: a price table, usually sd_prices_default_path()
 * @error: return location for an %SD_PRICES_ERROR or a #GFileError
 *
 * A missing file is an empty table. The file is never changed here.
 *
 * Returns: (transfer full) (nullable): the table, or %NULL with @error
 */
SdPrices *
sd_prices_new_from_file (const char  *path,
                         GError     **error)
{
  g_autofree char *data = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize length;

  g_return_val_if_fail (path != NULL, NULL);

  if (!g_file_get_contents (path, &data, &length, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return sd_prices_new ();
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return sd_prices_new_from_data (data, length, path, error);
}

/**
 * sd_prices_to_data:
 * @self: a table
 *
 * Returns: (transfer full): the table as the file holds it
 */
char *
sd_prices_to_data (SdPrices *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(GPtrArray) models = sd_prices_list_models (self);
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "currency");
  json_builder_add_string_value (builder, self->currency);
  json_builder_set_member_name (builder, "prices");
  json_builder_begin_object (builder);
  for (guint i = 0; i < models->len; i++)
    {
      const char *model_id = g_ptr_array_index (models, i);
      SdMoney *amount = g_hash_table_lookup (self->amounts, model_id);
      g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT ".%06" G_GINT64_FORMAT,
                                               *amount / SD_MONEY_SCALE,
                                               *amount % SD_MONEY_SCALE);

      json_builder_set_member_name (builder, model_id);
      json_builder_add_string_value (builder, text);
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  return json_generator_to_data (generator, NULL);
}

/**
 * sd_prices_save:
 * @self: a table
 * @path: where to write it
 * @error: return location for an %SD_PRICES_ERROR_WRITE
 *
 * Returns: %TRUE when the whole table was written
 */
gboolean
sd_prices_save (SdPrices    *self,
                const char  *path,
                GError     **error)
{
  g_autofree char *data = sd_prices_to_data (self);
  g_autofree char *directory = g_path_get_dirname (path);
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (SD_IS_PRICES (self), FALSE);

  if (g_mkdir_with_parents (directory, 0700) != 0 ||
      !g_file_set_contents_full (path, data, -1, G_FILE_SET_CONTENTS_CONSISTENT,
                                 0600, &local_error))
    {
      /* Translators: a file name, then why it could not be written */
      g_set_error (error, SD_PRICES_ERROR, SD_PRICES_ERROR_WRITE,
                   _("Could not save the price table %s: %s"), path,
                   local_error != NULL ? local_error->message : g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}

const char *
sd_prices_get_currency (SdPrices *self)
{
  g_return_val_if_fail (SD_IS_PRICES (self), NULL);

  return self->currency;
}

void
sd_prices_set_currency (SdPrices   *self,
                        const char *currency)
{
  g_return_if_fail (SD_IS_PRICES (self));
  g_return_if_fail (sd_currency_is_valid (currency));

  g_free (self->currency);
  self->currency = g_strdup (currency);
}

gboolean
sd_prices_lookup (SdPrices   *self,
                  const char *model_id,
                  SdMoney    *amount)
{
  SdMoney *found;

  g_return_val_if_fail (SD_IS_PRICES (self), FALSE);

  found = model_id != NULL ? g_hash_table_lookup (self->amounts, model_id) : NULL;
  if (found == NULL)
    return FALSE;
  if (amount != NULL)
    *amount = *found;
  return TRUE;
}

void
sd_prices_set (SdPrices   *self,
               const char *model_id,
               SdMoney     amount)
{
  g_return_if_fail (SD_IS_PRICES (self));
  g_return_if_fail (model_id != NULL);
  g_return_if_fail (amount <= SD_MONEY_MAX_PRICE);

  if (amount < 0)
    {
      g_hash_table_remove (self->amounts, model_id);
      return;
    }
  g_hash_table_insert (self->amounts, g_strdup (model_id), g_memdup2 (&amount, sizeof amount));
}

/* g_ptr_array_sort() passes pointers to the elements. */
static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

GPtrArray *
sd_prices_list_models (SdPrices *self)
{
  g_autofree gpointer *keys = NULL;
  GPtrArray *models = g_ptr_array_new ();
  guint n;

  g_return_val_if_fail (SD_IS_PRICES (self), models);

  keys = g_hash_table_get_keys_as_array (self->amounts, &n);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (models, keys[i]);
  g_ptr_array_sort (models, compare_strings);
  return models;
}

/* Estimates */

void
sd_estimate_clear (SdEstimate *estimate)
{
  g_clear_pointer (&estimate->currency, g_free);
  memset (estimate, 0, sizeof *estimate);
}

static int
billed_seconds (SdRequest *request,
                SdModel   *model)
{
  if (sd_request_has_duration (request) && sd_request_get_duration (request) > 0)
    return sd_request_get_duration (request);
  if (model != NULL && sd_model_get_default_duration (model) > 0)
    return sd_model_get_default_duration (model);
  return API_DEFAULT_DURATION;
}

/* FALSE when the product does not fit an SdMoney: no wrapped total. */
static gboolean
multiply (SdMoney  price,
          guint64  seconds,
          guint64  takes,
          SdMoney *total)
{
  guint64 product;

  if (!g_uint64_checked_mul (&product, (guint64) price, seconds) ||
      !g_uint64_checked_mul (&product, product, takes) ||
      product > G_MAXINT64)
    return FALSE;
  *total = (SdMoney) product;
  return TRUE;
}

/**
 * sd_prices_estimate:
 * @self: a table
 * @request: what will be sent
 * @model: (nullable): its model; %NULL when the id is unknown
 * @takes: how many times it will be sent (at least 1)
 * @estimate: (out caller-allocates): the estimate; clear it after use
 *
 * Per second: seconds × price × takes; per task: price × takes. Exact.
 */
void
sd_prices_estimate (SdPrices   *self,
                    SdRequest  *request,
                    SdModel    *model,
                    guint       takes,
                    SdEstimate *estimate)
{
  SdMoney price = 0;

  g_return_if_fail (SD_IS_PRICES (self));
  g_return_if_fail (SD_IS_REQUEST (request));

  memset (estimate, 0, sizeof *estimate);
  estimate->takes = MAX (takes, 1);
  estimate->currency = g_strdup (self->currency);
  estimate->billing = model != NULL ? sd_model_get_billing (model) : SD_BILLING_PER_TASK;
  estimate->seconds = billed_seconds (request, model);
  estimate->priced = model != NULL && sd_prices_lookup (self, sd_model_get_id (model), &price);
  if (!estimate->priced)
    return;

  estimate->unit_price = price;
  estimate->priced = multiply (price, estimate->billing == SD_BILLING_PER_SECOND
                                      ? (guint64) estimate->seconds : 1,
                               estimate->takes, &estimate->total);
}

static char *
format_unit_only (const SdEstimate *estimate)
{
  if (estimate->billing == SD_BILLING_PER_SECOND)
    return g_strdup (_("billed per second; no price set"));
  return g_strdup (_("billed per task; no price set"));
}

static char *
format_factors (const SdEstimate *estimate,
                const char       *price)
{
  if (estimate->billing == SD_BILLING_PER_SECOND)
    /* Translators: the factors of an estimate: seconds, then the price per second */
    return g_strdup_printf (_("%d s × %s"), estimate->seconds, price);
  /* Translators: the factors of an estimate for a model billed per task */
  return g_strdup_printf (_("1 task × %s"), price);
}

/**
 * sd_estimate_format:
 * @estimate: an estimate
 *
 * Returns: (transfer full): the estimate as one line for the user
 */
char *
sd_estimate_format (const SdEstimate *estimate)
{
  g_autofree char *total = NULL;
  g_autofree char *price = NULL;
  g_autofree char *factors = NULL;

  if (!estimate->priced)
    return format_unit_only (estimate);

  total = sd_money_format (estimate->total, estimate->currency);
  price = sd_money_format (estimate->unit_price, estimate->currency);
  factors = format_factors (estimate, price);
  if (estimate->takes > 1)
    /* Translators: an estimate: the total, the number of takes, the factors */
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "≈ %s · %u take × %s", "≈ %s · %u takes × %s",
                                         estimate->takes),
                            total, estimate->takes, factors);
  /* Translators: an estimate: the total, then how it was reached */
  return g_strdup_printf (_("≈ %s · %s"), total, factors);
}

/* sd-cli-output.c: how the command line shows text, its own and others'
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "seedance-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "sd-api.h"
#include "sd-cli-output.h"
#include "sd-cli-private.h"
#include "sd-prices.h"

/* Server messages, failure reasons, task ids, video addresses, model names,
 * paths and the user's own arguments reach a terminal through these
 * functions. A terminal acts on control characters (ESC starts sequences
 * that can set the clipboard with OSC 52 or clear the screen, CR and
 * backspace overwrite what was printed, C1 controls such as U+009B act as
 * CSI on some terminals) and on bidi controls (U+202E shows text reversed),
 * so none of them may pass through: each is shown as a visible escape. */

/**
 * sd_cli_output_is_unsafe_char:
 * @c: a code point
 *
 * Returns: %TRUE for a character that can drive a terminal or change how
 *   the text around it reads: C0 controls (line breaks included, so a
 *   server cannot forge a line), DEL, C1 controls, the bidi embeddings,
 *   overrides, isolates and marks, and the Unicode line and paragraph
 *   separators
 */
gboolean
sd_cli_output_is_unsafe_char (gunichar c)
{
  return c < 0x20 || (c >= 0x7f && c <= 0x9f) ||
         c == 0x061c ||                    /* ARABIC LETTER MARK */
         c == 0x200e || c == 0x200f ||     /* LRM, RLM */
         c == 0x2028 || c == 0x2029 ||     /* line and paragraph separators */
         (c >= 0x202a && c <= 0x202e) ||   /* LRE, RLE, PDF, LRO, RLO */
         (c >= 0x2066 && c <= 0x2069);     /* LRI, RLI, FSI, PDI */
}

static void
append_escaped_char (GString  *out,
                     gunichar  c)
{
  switch (c)
    {
    case '\n':
      g_string_append (out, "\\n");
      break;
    case '\r':
      g_string_append (out, "\\r");
      break;
    case '\t':
      g_string_append (out, "\\t");
      break;
    default:
      if (c < 0x80)
        g_string_append_printf (out, "\\x%02x", c);
      else
        g_string_append_printf (out, "\\u%04x", c);
    }
}

/**
 * sd_cli_output_escape_append:
 * @out: where to append
 * @text: (nullable): any bytes, not necessarily UTF-8
 * @length: the length of @text in bytes, or -1 if it is nul-terminated
 *
 * Appends @text with every unsafe character (see
 * sd_cli_output_is_unsafe_char()) written as `\n`, `\r`, `\t`, `\xHH` (other
 * C0 controls and DEL) or `\uHHHH` (C1 and bidi controls), and every byte
 * that is not part of valid UTF-8 as `\xHH`. Everything else is kept.
 */
void
sd_cli_output_escape_append (GString    *out,
                             const char *text,
                             gssize      length)
{
  const char *p;
  const char *end;

  g_return_if_fail (out != NULL);

  if (text == NULL)
    return;

  end = text + (length < 0 ? strlen (text) : (gsize) length);
  for (p = text; p < end;)
    {
      gunichar c = g_utf8_get_char_validated (p, end - p);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          /* Invalid UTF-8: show the byte, never pass it on (0x9b alone is
           * CSI to an 8-bit terminal). */
          g_string_append_printf (out, "\\x%02x", (guchar) *p);
          p++;
          continue;
        }

      if (sd_cli_output_is_unsafe_char (c))
        append_escaped_char (out, c);
      else
        g_string_append_len (out, p, g_utf8_next_char (p) - p);
      p = g_utf8_next_char (p);
    }
}

/**
 * sd_cli_output_escape:
 * @text: (nullable): any bytes
 *
 * Returns: (transfer full): @text as sd_cli_output_escape_append() shows
 *   it; "" for %NULL
 */
char *
sd_cli_output_escape (const char *text)
{
  GString *out = g_string_new (NULL);

  sd_cli_output_escape_append (out, text, -1);
  return g_string_free (out, FALSE);
}

/* json-glib writes C0 controls as \u00XX but copies DEL, C1 and bidi
 * controls as they are, and any invalid byte too. Outside strings a JSON
 * text is plain ASCII, so each such character found in the generated text
 * sits inside a string, where \uXXXX stands for the same character: the
 * output stays valid JSON, decodes to the same strings, and is safe to
 * `cat`. An invalid byte has no JSON form; it becomes U+FFFD. */
static char *
escape_json_text (const char *json)
{
  GString *out = g_string_sized_new (strlen (json));
  const char *end = json + strlen (json);

  for (const char *p = json; p < end;)
    {
      gunichar c = g_utf8_get_char_validated (p, end - p);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          g_string_append (out, "\\ufffd");
          p++;
          continue;
        }

      /* Outside strings the generator's own newlines and indentation stay. */
      if (c >= 0x7f && sd_cli_output_is_unsafe_char (c))
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_len (out, p, g_utf8_next_char (p) - p);
      p = g_utf8_next_char (p);
    }

  return g_string_free (out, FALSE);
}

/**
 * sd_cli_output_json_to_text:
 * @node: a JSON value
 *
 * Returns: (transfer full): @node as pretty-printed JSON that holds no
 *   character a terminal acts on, and no invalid UTF-8
 */
char *
sd_cli_output_json_to_text (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  g_return_val_if_fail (node != NULL, NULL);

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, NULL);
  return escape_json_text (text);
}

/**
 * sd_cli_output_pad_to_width:
 * @text: valid UTF-8
 * @columns: the width to fill
 *
 * Pads @text with spaces to @columns terminal cells: CJK characters take
 * two, and printf's %-10s counts bytes, which lines up nothing outside
 * ASCII.
 *
 * Returns: (transfer full): the padded text
 */
char *
sd_cli_output_pad_to_width (const char *text,
                            guint       columns)
{
  GString *padded = g_string_new (text);
  guint width = 0;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    width += g_unichar_iswide (g_utf8_get_char (p)) ? 2 : 1;
  for (; width < columns; width++)
    g_string_append_c (padded, ' ');
  return g_string_free (padded, FALSE);
}

/**
 * sd_cli_output_log_writer:
 * @log_level: the level
 * @fields: the fields of the message
 * @n_fields: how many
 * @user_data: unused
 *
 * A #GLogWriterFunc for the command line: core warnings quote task ids and
 * server messages, and GLib's own writer lets bidi controls through, so the
 * message is escaped first, then written by g_log_writer_default().
 *
 * Returns: what g_log_writer_default() returns
 */
GLogWriterOutput
sd_cli_output_log_writer (GLogLevelFlags   log_level,
                          const GLogField *fields,
                          gsize            n_fields,
                          gpointer         user_data)
{
  g_autofree GLogField *copy = g_memdup2 (fields, n_fields * sizeof *fields);
  g_autoptr(GString) message = g_string_new (NULL);

  for (gsize i = 0; i < n_fields; i++)
    {
      if (g_strcmp0 (copy[i].key, "MESSAGE") != 0 || copy[i].value == NULL)
        continue;

      sd_cli_output_escape_append (message, copy[i].value, copy[i].length);
      copy[i].value = message->str;
      copy[i].length = -1;
      break;
    }

  return g_log_writer_default (log_level, copy, n_fields, user_data);
}

/* Printing: every line a command prints goes through these. */

static void
write_text (SdCli      *self,
            gboolean    to_stdout,
            const char *text)
{
  GOutputStream *stream = to_stdout ? self->out : self->err;

  if (stream != NULL)
    {
      g_output_stream_write_all (stream, text, strlen (text), NULL, NULL, NULL);
      return;
    }

  fputs (text, to_stdout ? stdout : stderr);
  fflush (to_stdout ? stdout : stderr);
}

void
_sd_cli_end_progress (SdCli *self)
{
  if (self->progress_open)
    write_text (self, FALSE, "\n");
  self->progress_open = FALSE;
}

/* Every line a command prints, on stdout or stderr, is escaped as a whole
 * as above: whatever a server message, a task id, a path or an
 * argument holds is shown, never acted on by the terminal, and only a
 * newline the format itself ends with ends the line. */
static void
write_escaped (SdCli      *self,
               gboolean    to_stdout,
               gboolean    newline,
               const char *format,
               va_list     args)
{
  g_autofree char *text = g_strdup_vprintf (format, args);
  g_autoptr(GString) line = g_string_new (NULL);
  gsize length = strlen (text);

  if (g_str_has_suffix (format, "\n") && length > 0)
    {
      length--;
      newline = TRUE;
    }

  sd_cli_output_escape_append (line, text, length);
  if (newline)
    g_string_append_c (line, '\n');

  _sd_cli_end_progress (self);
  write_text (self, to_stdout, line->str);
}

/* A line of a command's result on stdout; @format ends with a newline. */
void
_sd_cli_print_result (SdCli      *self,
                      const char *format,
                      ...)
{
  va_list args;

  va_start (args, format);
  write_escaped (self, TRUE, FALSE, format, args);
  va_end (args);
}

/* One message line on stderr. */
void
_sd_cli_print_message (SdCli      *self,
                       const char *format,
                       ...)
{
  va_list args;

  va_start (args, format);
  write_escaped (self, FALSE, TRUE, format, args);
  va_end (args);
}

/* The help texts are ours (and GOption's), several lines at once. */
void
_sd_cli_print_help_text (SdCli      *self,
                         const char *text)
{
  _sd_cli_end_progress (self);
  write_text (self, TRUE, text);
}

/* One updating line on a terminal, a line per change otherwise. */
void
_sd_cli_print_progress (SdCli      *self,
                        const char *raw_text)
{
  g_autofree char *text = sd_cli_output_escape (raw_text);

  if (g_strcmp0 (text, self->last_progress) == 0)
    return;

  g_free (self->last_progress);
  self->last_progress = g_strdup (text);

  if (self->err_is_tty)
    {
      write_text (self, FALSE, "\r\033[K");
      write_text (self, FALSE, text);
      self->progress_open = TRUE;
    }
  else
    {
      write_text (self, FALSE, text);
      write_text (self, FALSE, "\n");
    }
}

void
_sd_cli_print_json (SdCli    *self,
                    JsonNode *node)
{
  g_autofree char *text = sd_cli_output_json_to_text (node);

  _sd_cli_end_progress (self);
  write_text (self, TRUE, text);
  write_text (self, TRUE, "\n");
}

/* One JSON value on one line (JSON Lines), escaped as above. */
void
_sd_cli_print_json_line (SdCli    *self,
                         JsonNode *node)
{
  g_autofree char *compact = json_to_string (node, FALSE);
  g_autofree char *text = escape_json_text (compact);

  _sd_cli_end_progress (self);
  write_text (self, TRUE, text);
  write_text (self, TRUE, "\n");
}

/* Tasks as text and JSON */

const char *
_sd_cli_status_label (SdTaskStatus status)
{
  switch (status)
    {
    case SD_TASK_STATUS_QUEUED:
      return _("queued");
    case SD_TASK_STATUS_PROCESSING:
      return _("processing");
    case SD_TASK_STATUS_COMPLETED:
      return _("completed");
    case SD_TASK_STATUS_FAILED:
      return _("failed");
    case SD_TASK_STATUS_UNCERTAIN:
      return _("uncertain (may have been created)");
    case SD_TASK_STATUS_NOT_FOUND:
      return _("unknown to the server");
    case SD_TASK_STATUS_WAITING:
      return _("waiting to send");
    case SD_TASK_STATUS_UNKNOWN:
    default:
      return _("unknown");
    }
}

char *
_sd_cli_format_time (gint64 unix_time)
{
  g_autoptr(GDateTime) time = NULL;

  if (unix_time <= 0)
    return NULL;

  time = g_date_time_new_from_unix_utc (unix_time);
  return time != NULL ? g_date_time_format_iso8601 (time) : NULL;
}

void
_sd_cli_add_string_member (JsonBuilder *builder,
                           const char  *name,
                           const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL && *value != '\0')
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_time_member (JsonBuilder *builder,
                 const char  *name,
                 gint64       unix_time)
{
  g_autofree char *text = _sd_cli_format_time (unix_time);

  _sd_cli_add_string_member (builder, name, text);
}

/* A task that ended without a video: failed, an uncertain create, or one
 * the server no longer knows. Its failure message says which and why. */
gboolean
_sd_cli_task_ended_without_video (SdTask *task)
{
  SdTaskStatus status = sd_task_get_status (task);

  return status == SD_TASK_STATUS_FAILED || status == SD_TASK_STATUS_UNCERTAIN ||
         status == SD_TASK_STATUS_NOT_FOUND;
}

static const char *
task_error (SdTask *task)
{
  if (_sd_cli_task_ended_without_video (task))
    return sd_task_get_failure_message (task);

  if (sd_task_get_download_state (task) == SD_DOWNLOAD_STATE_FAILED)
    return sd_task_get_download_error (task);

  return NULL;
}

/* "12.500000": exact, in the locale-free form JSON readers expect. */
void
_sd_cli_add_estimate_member (JsonBuilder *builder,
                             SdTask      *task)
{
  SdMoney amount = sd_task_get_estimate (task);
  g_autofree char *text = NULL;

  json_builder_set_member_name (builder, "estimate");
  if (amount < 0)
    {
      json_builder_add_null_value (builder);
      return;
    }
  text = g_strdup_printf ("%" G_GINT64_FORMAT ".%06" G_GINT64_FORMAT,
                          amount / SD_MONEY_SCALE, amount % SD_MONEY_SCALE);
  json_builder_begin_object (builder);
  _sd_cli_add_string_member (builder, "amount", text);
  _sd_cli_add_string_member (builder, "currency", sd_task_get_estimate_currency (task));
  json_builder_end_object (builder);
}

JsonNode *
_sd_cli_task_to_json (SdTask *task)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  SdRequest *request = sd_task_get_request (task);

  json_builder_begin_object (builder);
  _sd_cli_add_string_member (builder, "task_id", sd_task_get_id (task));
  _sd_cli_add_string_member (builder, "status", sd_api_status_to_string (sd_task_get_status (task)));
  _sd_cli_add_string_member (builder, "status_raw", sd_task_get_status_raw (task));
  _sd_cli_add_string_member (builder, "model", request != NULL ? sd_request_get_model (request) : NULL);
  _sd_cli_add_string_member (builder, "prompt", request != NULL ? sd_request_get_prompt (request) : NULL);
  add_time_member (builder, "created_at", sd_task_get_created_at (task));
  add_time_member (builder, "updated_at", sd_task_get_updated_at (task));
  _sd_cli_add_string_member (builder, "video_url", sd_task_get_video_url (task));
  add_time_member (builder, "expires_at", sd_task_get_expires_at (task));
  _sd_cli_add_string_member (builder, "file", sd_task_get_local_file (task));
  _sd_cli_add_string_member (builder, "error", task_error (task));
  json_builder_set_member_name (builder, "favourite");
  json_builder_add_boolean_value (builder, sd_task_get_favourite (task));
  _sd_cli_add_string_member (builder, "continues", sd_task_get_continues (task));
  _sd_cli_add_queue_members (builder, task);
  _sd_cli_add_estimate_member (builder, task);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static void
print_field (SdCli      *self,
             const char *label,
             const char *value)
{
  g_autofree char *padded = NULL;

  if (value == NULL || *value == '\0')
    return;
  padded = sd_cli_output_pad_to_width (label, 10);
  _sd_cli_print_result (self, "%s %s\n", padded, value);
}

void
_sd_cli_print_task (SdCli  *self,
                    SdTask *task)
{
  SdRequest *request = sd_task_get_request (task);
  g_autofree char *created = _sd_cli_format_time (sd_task_get_created_at (task));
  g_autofree char *expires = _sd_cli_format_time (sd_task_get_expires_at (task));

  if (self->json)
    {
      g_autoptr(JsonNode) node = _sd_cli_task_to_json (task);
      _sd_cli_print_json (self, node);
      return;
    }

  /* Translators: the labels of "seedance status" are padded to 10 columns */
  print_field (self, _("Task:"), sd_task_get_id (task));
  print_field (self, _("Status:"), _sd_cli_status_label (sd_task_get_status (task)));
  print_field (self, _("Model:"), request != NULL ? sd_request_get_model (request) : NULL);
  print_field (self, _("Prompt:"), request != NULL ? sd_request_get_prompt (request) : NULL);
  print_field (self, _("Created:"), created);
  print_field (self, _("Video:"), sd_task_get_video_url (task));
  print_field (self, _("Expires:"), expires);
  print_field (self, _("File:"), sd_task_get_local_file (task));
  print_field (self, _("Error:"), task_error (task));
}

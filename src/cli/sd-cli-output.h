/* sd-cli-output.h: how the command line shows text it did not write
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

gboolean  sd_cli_output_is_unsafe_char    (gunichar     c);
void      sd_cli_output_escape_append     (GString     *out,
                                           const char  *text,
                                           gssize       length);
char     *sd_cli_output_escape            (const char  *text);
char     *sd_cli_output_json_to_text      (JsonNode    *node);
char     *sd_cli_output_pad_to_width      (const char  *text,
                                           guint        columns);

GLogWriterOutput sd_cli_output_log_writer (GLogLevelFlags  log_level,
                                           const GLogField *fields,
                                           gsize           n_fields,
                                           gpointer        user_data);

G_END_DECLS

/* sd-json.h: checks for JSON that comes from outside
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* json-glib parses recursively, so a document nested a million levels deep
 * exhausts the stack before it can be refused: check the text first. Brackets
 * inside strings do not count. */
gboolean sd_json_nesting_within_limit (const char *data,
                                       gsize       length,
                                       guint       max_depth);

/* TRUE when @data holds no more than one top-level value (see the .c). */
gboolean sd_json_holds_one_value      (const char *data,
                                       gsize       length);

/* TRUE when a \u escape in @text is half a surrogate pair on its own. */
gboolean sd_json_has_lone_surrogate (const char *text,
                                     gsize       length);

/* json-glib 1.6 decodes a lone "\ud800" escape into bytes that are not UTF-8
 * (and drops the character after it): such text must not reach the user, a
 * label or the database. TRUE when every member name and string is UTF-8. */
gboolean sd_json_strings_are_utf8     (JsonNode   *node);

G_END_DECLS

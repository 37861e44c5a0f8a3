/* sd-api-private.h: what the files of the wire codec share
 *
 * sd-api.c reads the envelope every answer shares (status, code, msg,
 * data) and makes the errors; sd-api-request.c turns a request into the
 * create body and back; sd-api-task.c reads the task out of an answer.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "sd-api.h"

G_BEGIN_DECLS

void         _sd_api_set_malformed     (GError      **error,
                                        guint         http_status,
                                        const char   *reason);

const char  *_sd_api_get_string_member (JsonObject   *object,
                                        const char   *name);
JsonObject  *_sd_api_get_object_member (JsonObject   *object,
                                        const char   *name);
char        *_sd_api_value_as_text     (JsonNode     *node);

JsonNode    *_sd_api_parse_envelope    (guint         http_status,
                                        const char   *retry_after,
                                        gint64        now,
                                        GBytes       *body,
                                        JsonObject  **data,
                                        GError      **error);

G_END_DECLS

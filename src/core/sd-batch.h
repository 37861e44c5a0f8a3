/* sd-batch.h: batch files: JSON Lines of requests, read as untrusted input
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "sd-catalog.h"
#include "sd-prices.h"
#include "sd-request.h"

G_BEGIN_DECLS

#define SD_BATCH_ERROR (sd_batch_error_quark ())

typedef enum {
  SD_BATCH_ERROR_TOO_LARGE, /* more lines or bytes than a batch may hold */
  SD_BATCH_ERROR_EMPTY,     /* no request at all */
  SD_BATCH_ERROR_INVALID,   /* a line has a problem (each one is listed) */
} SdBatchError;

/* Longer lines are refused with their number rather than parsed. */
#define SD_BATCH_MAX_LINE_LENGTH (64 * 1024)
/* Requests (not counting blank and comment lines) a batch may hold. */
#define SD_BATCH_MAX_REQUESTS    10000
/* Lines of any kind, and bytes, a batch file may hold. */
#define SD_BATCH_MAX_LINES       100000
#define SD_BATCH_MAX_SIZE        (64 * 1024 * 1024)
#define SD_BATCH_MAX_VARIANTS    8
#define SD_BATCH_MAX_LABEL       200
/* JSON of a request nests two levels; deeper is not a request. */
#define SD_BATCH_MAX_DEPTH       8

/* One request line of a batch. */
typedef struct
{
  guint      line;      /* 1-based, as an editor numbers it */
  SdRequest *request;   /* NULL when the line is not a request object */
  guint      variants;  /* 1–8: how many tasks this line makes */
  char      *label;     /* NULL when not given */
  GPtrArray *problems;  /* SdProblem: field ("line" for the whole line) and rule */
} SdBatchLine;

#define SD_TYPE_BATCH (sd_batch_get_type ())
G_DECLARE_FINAL_TYPE (SdBatch, sd_batch, SD, BATCH, GObject)

GQuark       sd_batch_error_quark       (void);

/* Reads @data (a whole batch file). Every request line is read and
 * validated against its model in @catalog; a line's problems stay with it.
 * Local paths where links go are resolved against @base_dir (NULL: the
 * working directory), must name a readable file, and are validated as the
 * links they will become. Fails only for the file as a whole
 * (SD_BATCH_ERROR_TOO_LARGE, SD_BATCH_ERROR_EMPTY). */
SdBatch     *sd_batch_new_from_data     (const char  *data,
                                         gsize        length,
                                         SdCatalog   *catalog,
                                         const char  *base_dir,
                                         GError     **error);
SdBatch     *sd_batch_new_from_file     (const char  *path,
                                         SdCatalog   *catalog,
                                         GError     **error);

/* The file's name, for people (a batch's group label), or NULL. */
const char  *sd_batch_get_name          (SdBatch *self);
guint        sd_batch_get_n_lines       (SdBatch *self);
SdBatchLine *sd_batch_get_line          (SdBatch *self,
                                         guint    index);
/* Lines with at least one problem. */
guint        sd_batch_get_n_invalid     (SdBatch *self);
/* Tasks the valid lines make (the sum of their variants). */
guint        sd_batch_get_n_takes       (SdBatch *self);
/* Every problem as "line N: field: rule", one a line, or NULL when none. */
char        *sd_batch_describe_problems (SdBatch *self);
/* SD_BATCH_ERROR_INVALID naming how many lines are invalid, unless none. */
gboolean     sd_batch_check             (SdBatch  *self,
                                         GError  **error);

/* The total estimate of the valid lines, in the table's currency; the
 * number of valid lines whose model has no price (they count as 0). */
void         sd_batch_estimate          (SdBatch   *self,
                                         SdPrices  *prices,
                                         SdCatalog *catalog,
                                         SdMoney   *total,
                                         guint     *n_unpriced);

/* TRUE when @name (a file name or path) is a batch file's: ".jsonl" or
 * ".ndjson", in any case. */
gboolean     sd_batch_is_batch_file_name (const char *name);
/* TRUE for an entry of a link field that names a local file. */
gboolean     sd_batch_is_local_path     (const char *value);
/* TRUE when any link field of @request names a local file. */
gboolean     sd_batch_request_has_local_files (SdRequest *request);

/* One batch line for @request: its fields as the API names them, then
 * "variants" when above 1 and "label" when given; no newline. */
char        *sd_batch_write_line        (SdRequest  *request,
                                         guint       variants,
                                         const char *label);
/* The same line as a JSON object. */
JsonNode    *sd_batch_line_to_json      (SdRequest  *request,
                                         guint       variants,
                                         const char *label);

G_END_DECLS

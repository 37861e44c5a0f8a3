/* sd-catalog.h: the catalogue of models, built in and overridable
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "sd-model.h"
#include "sd-types.h"

G_BEGIN_DECLS

/* The model a first start offers (the settings schema's "last-model"). */
#define SD_CATALOG_DEFAULT_MODEL "seedance2.0-fast-i2v"

#define SD_CATALOG_ERROR (sd_catalog_error_quark ())

typedef enum {
  SD_CATALOG_ERROR_PARSE,   /* not JSON; message names file, line and problem */
  SD_CATALOG_ERROR_INVALID, /* JSON, but not a catalogue; names file and model */
} SdCatalogError;

#define SD_TYPE_CATALOG (sd_catalog_get_type ())
G_DECLARE_FINAL_TYPE (SdCatalog, sd_catalog, SD, CATALOG, GObject)

GQuark      sd_catalog_error_quark       (void);

/* The built-in catalogue (data/models.json in the GResource). */
SdCatalog  *sd_catalog_new               (void);

/* Loads the built-in catalogue, then the user's override file
 * ($XDG_CONFIG_HOME/seedance-studio/models.json) if it exists. A malformed
 * override leaves the built-in catalogue in place and is reported through
 * @warning (one sentence naming the file, the line and the problem). */
SdCatalog  *sd_catalog_new_with_overrides (char **warning);

/* Adds or replaces models from @path. On error nothing changes. */
gboolean    sd_catalog_merge_file        (SdCatalog   *self,
                                          const char  *path,
                                          GError     **error);
gboolean    sd_catalog_merge_data        (SdCatalog   *self,
                                          const char  *data,
                                          gssize       length,
                                          const char  *source_name,
                                          GError     **error);

SdModel    *sd_catalog_lookup            (SdCatalog  *self,
                                          const char *model_id);

/* The models as a GListModel of SdModel, grouped by family in catalogue order. */
GListModel *sd_catalog_get_models        (SdCatalog  *self);

/* Family ids in catalogue order (NULL-terminated, owned by the catalogue). */
const char * const *sd_catalog_get_families (SdCatalog *self);

/* The display name of a family id, or NULL. */
const char *sd_catalog_get_family_name   (SdCatalog  *self,
                                          const char *family);

/* The models of one family (a new GListModel of SdModel). */
GListModel *sd_catalog_list_family       (SdCatalog  *self,
                                          const char *family);

G_END_DECLS

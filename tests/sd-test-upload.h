/* sd-test-upload.h: what the upload suites share: a simulator, a client and
 * an uploader with its own cache, and the files they upload
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "sd-catalog.h"
#include "sd-client.h"
#include "sd-simulator.h"
#include "sd-uploader.h"

G_BEGIN_DECLS

#define SD_TEST_IMAGE_RESOURCE "/io/github/seedancestudio/SeedanceStudio/core/sample-images/red-coat.jpg"
#define SD_TEST_VIDEO_RESOURCE "/io/github/seedancestudio/SeedanceStudio/core/sample.mp4"

typedef struct
{
  SdCatalog   *catalog;
  SdSimulator *sim;
  SdClient    *client;
  SdUploader  *uploader;
  char        *dir;
  char        *cache_path;
} SdTestUpload;

/* g_test_init() and the environment the upload suites run in (libsecret's
 * file backend, no proxy, no token from outside). */
void       sd_test_upload_init        (int            *argc,
                                       char         ***argv);
/* A test of @func with a fresh SdTestUpload. */
void       sd_test_upload_add         (const char     *path,
                                       void          (*func) (SdTestUpload *, gconstpointer));

GBytes    *sd_test_upload_resource    (const char     *path);
/* A file of @name in the fixture's folder: the sample picture, then @extra
 * (so that two files can differ). */
char      *sd_test_upload_write_image (SdTestUpload   *fixture,
                                       const char     *name,
                                       const char     *extra);
char      *sd_test_upload_write_text  (SdTestUpload   *fixture,
                                       const char     *name,
                                       const char     *text);
/* Uploads @path and waits for the result (60 s at most). */
SdUpload  *sd_test_upload_path        (SdTestUpload   *fixture,
                                       const char     *path,
                                       SdUploadKind    kind,
                                       GError        **error);
/* Upload requests the simulator received. */
guint      sd_test_upload_requests    (SdTestUpload   *fixture);

G_END_DECLS

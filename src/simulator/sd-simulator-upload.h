/* sd-simulator-upload.h: the simulator's file upload endpoint
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

#define SD_SIM_UPLOADS_PATH "/uploads/"

typedef struct _SdSimUploads SdSimUploads;

SdSimUploads *sd_sim_uploads_new       (void);
void          sd_sim_uploads_free      (SdSimUploads      *self);
void          sd_sim_uploads_set_limit (SdSimUploads      *self,
                                        guint64            bytes);
guint         sd_sim_uploads_get_count (SdSimUploads      *self);

/* Reads the "file" part of @msg's multipart body as the provider documents
 * it (≤ the limit, a listed format by content), keeps it and returns the
 * answer's data ({url, filename, size, mime_type}, the url under
 * @public_base). Otherwise NULL, with the HTTP @status, the envelope @code
 * and a @message. */
JsonObject   *sd_sim_uploads_store     (SdSimUploads      *self,
                                        SoupServerMessage *msg,
                                        const char        *public_base,
                                        guint             *status,
                                        const char       **code,
                                        char             **message);
/* What was uploaded at @path ("/uploads/u1/photo.png"), or NULL. */
GBytes       *sd_sim_uploads_lookup    (SdSimUploads      *self,
                                        const char        *path,
                                        const char       **content_type);

G_END_DECLS

/* sd-uploader-stream.h: a multipart/form-data body streamed from disk
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#if HAVE_GNUTLS
#include <gnutls/crypto.h>
#endif

G_BEGIN_DECLS

/* SHA-256, streamed (GnuTLS when there is, GChecksum otherwise). */
typedef struct
{
#if HAVE_GNUTLS
  gnutls_hash_hd_t  gnutls;
#endif
  GChecksum        *checksum;
} SdUploadHash;

void          _sd_upload_hash_init   (SdUploadHash *hash);
void          _sd_upload_hash_update (SdUploadHash *hash,
                                      const guint8 *data,
                                      gsize         length);
/* The hex digest; frees the state. */
char         *_sd_upload_hash_finish (SdUploadHash *hash);

/* A stream of @head, then exactly @file_size bytes of @file, then @tail
 * (a file that ends early is an error, one that grew is cut). Not seekable,
 * so a message with this body cannot be re-sent behind our back. The
 * file's bytes are hashed as they go by. */
GInputStream *sd_upload_body_stream_new (GBytes       *head,
                                         GInputStream *file,
                                         guint64       file_size,
                                         GBytes       *tail);
/* The SHA-256 of the file's bytes the stream gave, once it gave them all
 * (the file is read once: hashed as it is sent); NULL before. */
const char   *sd_upload_body_stream_get_sha256 (GInputStream *stream);

G_END_DECLS

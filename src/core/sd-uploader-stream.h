/* sd-uploader-stream.h: a multipart/form-data body streamed from disk
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#if HAVE_NETTLE
#include <nettle/sha2.h>
#endif

G_BEGIN_DECLS

/* SHA-256, streamed (Nettle when there is, GChecksum otherwise). */
typedef struct
{
#if HAVE_NETTLE
  struct sha256_ctx  nettle;
  gboolean           open;
#else
  GChecksum         *checksum;
#endif
} SdUploadHash;

void          _sd_upload_hash_init   (SdUploadHash *hash);
void          _sd_upload_hash_update (SdUploadHash *hash,
                                      const guint8 *data,
                                      gsize         length);
/* The hex digest; frees the state. */
char         *_sd_upload_hash_finish (SdUploadHash *hash);

/* The file is read in chunks of this size as it is sent. */
#define SD_UPLOAD_CHUNK_SIZE (256 * 1024)

/* A stream of @head, then exactly @file_size bytes of @file, then @tail.
 * Not seekable, so a message with this body cannot be re-sent behind our
 * back. The file is read on the thread that reads the stream (it is not
 * hashed: see sd-uploader-hash.c); when it ends early, or its @identity
 * (see _sd_uploader_file_identity(), NULL: not checked) is not the same
 * after its last byte was read, the stream fails
 * with an SD_UPLOAD_ERROR before the file's last bytes, so the body never
 * ends as if it were the file. */
GInputStream *sd_upload_body_stream_new (GBytes       *head,
                                         GFile        *file,
                                         guint64       file_size,
                                         const char   *identity,
                                         GBytes       *tail);
/* Called on the thread that reads the stream, after each read, with the
 * bytes given so far (head, file and tail): what the sender is writing.
 * (libsoup's "wrote-body-data" comes once each 8 KiB write, through a
 * generic marshaller: it cost more than this.) */
typedef void (*SdUploadBodyProgress) (guint64  given,
                                      gpointer user_data);
void          sd_upload_body_stream_set_progress (GInputStream         *stream,
                                                  SdUploadBodyProgress  func,
                                                  gpointer              user_data);
G_END_DECLS

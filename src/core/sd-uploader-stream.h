/* sd-uploader-stream.h: a multipart/form-data body streamed from disk
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A stream of @head, then exactly @file_size bytes of @file, then @tail
 * (a file that ends early is an error, one that grew is cut). Not seekable,
 * so a message with this body cannot be re-sent behind our back. */
GInputStream *sd_upload_body_stream_new (GBytes       *head,
                                         GInputStream *file,
                                         guint64       file_size,
                                         GBytes       *tail);

G_END_DECLS

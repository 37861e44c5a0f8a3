/* sd-uri-list.h: URLs out of dropped or pasted text
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  SD_URI_KIND_WEB,        /* https:// (or http://) with a host */
  SD_URI_KIND_ASSET,      /* asset://id */
  SD_URI_KIND_LOCAL_FILE, /* file://, an absolute path, ~/, ./ or ../: a file
                           * to upload (sd_uploader_upload_async()) */
  SD_URI_KIND_NOT_A_URL,
} SdUriKind;

typedef struct
{
  char      *text;  /* the URL as found, trimmed */
  SdUriKind  kind;
} SdUriItem;

/* Splits @text (text/uri-list with comments and CRLF, or plain text with
 * URLs separated by whitespace, commas or newlines) into items. @length may be
 * -1. Never fails; invalid UTF-8 is replaced, not trusted. Returns a
 * GPtrArray of SdUriItem (free function set). */
GPtrArray *sd_uri_list_parse (const char *text,
                              gssize      length);
void       sd_uri_item_free  (SdUriItem  *item);

G_END_DECLS

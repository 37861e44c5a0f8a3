/* sd-utf8.h: small helpers for UTF-8 text shown to people
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *sd_utf8_ellipsize (const char *text,
                         gsize       max_chars);

G_END_DECLS

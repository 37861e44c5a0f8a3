/* sd-toasts.h: what the app adds to libadwaita's toasts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* Watches the toast overlays in @root (itself one, or any descendant) for
 * the toasts they show from now on: their close button gets a name
 * ("Dismiss"; libadwaita 1.2 makes it an icon without one), and, before
 * libadwaita 1.3, a new toast takes no click and no focus until its
 * entrance is over (see sd-toasts.c). The watch ends with each overlay. */
void sd_toasts_watch   (GtkWidget *root);

/* adw_toast_dismiss(), once @toast's entrance is over (at once if it is
 * not shown, or on libadwaita 1.3 and later). */
void sd_toasts_dismiss (AdwToast  *toast);

G_END_DECLS

/* sd-poster-loader.h: poster frames of saved videos for the result rows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define SD_TYPE_POSTER_LOADER (sd_poster_loader_get_type ())
G_DECLARE_FINAL_TYPE (SdPosterLoader, sd_poster_loader, SD, POSTER_LOADER, GObject)

/* How many posters are made or read at once, each in a worker thread. */
#define SD_POSTER_LOADER_MAX_RUNNING 2

SdPosterLoader *sd_poster_loader_new           (void);

/* Requests start only for widgets seen in @scroller (all when it is NULL),
 * and are looked at again when it scrolls or changes size. */
void            sd_poster_loader_set_scroller  (SdPosterLoader    *self,
                                                GtkScrolledWindow *scroller);

/* The poster of the video at @path if it is in memory, or NULL. */
GdkTexture     *sd_poster_loader_lookup        (SdPosterLoader    *self,
                                                const char        *path);

/* The poster of the video at @path for @widget: from the thumbnail cache,
 * made there first when needed (sd_thumbnail_cache_ensure()). Waits while
 * @widget is off screen; cancel @cancellable when it no longer wants it. */
void            sd_poster_loader_load_async    (SdPosterLoader      *self,
                                                const char          *path,
                                                GtkWidget           *widget,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
GdkTexture     *sd_poster_loader_load_finish   (SdPosterLoader      *self,
                                                GAsyncResult        *result,
                                                GError             **error);

/* What a row or a tile does when the video it shows a poster for may have
 * changed to @wanted (NULL: none; @self may then be NULL). Returns FALSE
 * when *@path is @wanted already. Otherwise the load asked for the one
 * before (*@cancellable) is cancelled, *@path becomes @wanted, *@texture
 * is its poster in memory (or NULL), and a poster not in memory is asked
 * for with a new *@cancellable, @callback and @widget as user data. */
gboolean        sd_poster_loader_follow        (SdPosterLoader      *self,
                                                const char          *wanted,
                                                GtkWidget           *widget,
                                                char               **path,
                                                GCancellable       **cancellable,
                                                GdkTexture         **texture,
                                                GAsyncReadyCallback  callback);

/* How many loads are running now (for tests). */
guint           sd_poster_loader_get_n_running (SdPosterLoader    *self);

G_END_DECLS

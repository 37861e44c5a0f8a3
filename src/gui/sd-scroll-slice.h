/* sd-scroll-slice.h: the first items of a selection, as many as a scroller
 * shows and two screens more
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define SD_TYPE_SCROLL_SLICE (sd_scroll_slice_get_type ())
G_DECLARE_FINAL_TYPE (SdScrollSlice, sd_scroll_slice, SD, SCROLL_SLICE, GObject)

/* How many items a slice grows by at a time, once a frame: ten rows are
 * laid out well within a frame (issue 13: no frame over 50 ms). */
#define SD_SCROLL_SLICE_STEP 10

SdScrollSlice *sd_scroll_slice_new           (GtkSelectionModel *selection,
                                              guint              size);
void           sd_scroll_slice_set_scroller  (SdScrollSlice     *self,
                                              GtkScrolledWindow *scroller);
guint          sd_scroll_slice_get_size      (SdScrollSlice     *self);
void           sd_scroll_slice_set_size      (SdScrollSlice     *self,
                                              guint              size);
void           sd_scroll_slice_ensure        (SdScrollSlice     *self,
                                              guint              position);
gboolean       sd_scroll_slice_get_complete  (SdScrollSlice     *self);

G_END_DECLS

/* sd-media-list.h: one list of media links in the composer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "sd-model.h"
#include "sd-request.h"
#include "sd-media-row.h"
#include "sd-thumbnailer.h"
#include "sd-uploader.h"

G_BEGIN_DECLS

typedef enum {
  SD_MEDIA_KIND_IMAGES,
  SD_MEDIA_KIND_VIDEOS,
  SD_MEDIA_KIND_AUDIOS,
} SdMediaListKind;

#define SD_TYPE_MEDIA_LIST_KIND (sd_media_list_kind_get_type ())
GType sd_media_list_kind_get_type (void);

#define SD_TYPE_MEDIA_LIST (sd_media_list_get_type ())
G_DECLARE_FINAL_TYPE (SdMediaList, sd_media_list, SD, MEDIA_LIST, GtkWidget)

/* Properties: "kind" (SdMediaListKind, construct-only), "thumbnailer"
 * (SdThumbnailer: the images' previews; videos and audios show an icon),
 * "frame-mode" (boolean, images only: a first and a last frame instead of
 * the list).
 *
 * The list shows its links as SdMediaRows (move, remove), an entry to type
 * one, and for images a hint and a counter; drops and pastes end up in
 * sd_media_list_add_text(). The problems of its fields show under it.
 *
 * What an addition refuses is said under the entry until the next one.
 *
 * Signals:
 *   changed ()                 the links or the frames changed */
SdMediaListKind  sd_media_list_get_kind         (SdMediaList        *self);
void         sd_media_list_set_thumbnailer  (SdMediaList        *self,
                                             SdThumbnailer      *thumbnailer);
gboolean     sd_media_list_get_frame_mode   (SdMediaList        *self);
void         sd_media_list_set_frame_mode   (SdMediaList        *self,
                                             gboolean            frame_mode);

/* The links in order (never NULL), and the frames (NULL when empty). */
char       **sd_media_list_dup_urls         (SdMediaList        *self);
void         sd_media_list_set_urls         (SdMediaList        *self,
                                             const char * const *urls);
char        *sd_media_list_dup_frame        (SdMediaList        *self,
                                             gboolean            last);
void         sd_media_list_set_frames       (SdMediaList        *self,
                                             const char         *first,
                                             const char         *last);

/* How many links @model takes and which kinds, for the counter, the hint
 * and the rows marked at fault. */
void         sd_media_list_set_model        (SdMediaList        *self,
                                             SdModel            *model);

/* Adds the links found in @text (a text/uri-list or plain text), in frame
 * mode to the empty frames; the rest is refused with a message. Returns
 * how many were added. */
guint        sd_media_list_add_text         (SdMediaList        *self,
                                             const char         *text);
/* Adds @files (element-type GFile) as local files. */
void         sd_media_list_add_files        (SdMediaList        *self,
                                             GPtrArray          *files);
/* Adds the links of the text on the clipboard, or the image on it (saved
 * as a PNG under $XDG_CACHE_HOME/seedance-studio/pasted/). */
void         sd_media_list_paste            (SdMediaList        *self);
gboolean     sd_media_list_add_texture      (SdMediaList        *self,
                                             GdkTexture         *texture,
                                             GError            **error);
/* A drop target for @self's links, to put on any widget. */
GtkEventController *sd_media_list_new_drop_target (SdMediaList  *self);

/* Problems: sd_media_list_show_problem() takes the problems of its fields
 * ("images", "first_image", "last_image"; "reference_videos";
 * "reference_audios") and returns whether @problem was one. */
void         sd_media_list_clear_problems   (SdMediaList        *self);
gboolean     sd_media_list_show_problem     (SdMediaList        *self,
                                             const SdProblem    *problem);
const char  *sd_media_list_get_problem_text (SdMediaList        *self);
const char  *sd_media_list_get_count_text   (SdMediaList        *self);
/* What the last addition refused, "" when nothing. */
const char  *sd_media_list_get_message_text (SdMediaList        *self);
/* Focuses the row at fault for @field (a problem field), else the entry
 * or the frame; FALSE when nothing could take the focus. */
gboolean     sd_media_list_focus_problem    (SdMediaList        *self,
                                             const char         *field);

/* The rows (and frames) of @upload's file follow it; FALSE when none has it. */
gboolean     sd_media_list_show_upload      (SdMediaList        *self,
                                             SdUpload           *upload);
/* The upload a frame follows (NULL: none), and what is said of it under
 * the frames: "First frame: Uploading…", "First frame: Uploaded · until …"
 * or its error ("" when the frame is a link or empty). A cancel button on
 * the frame's row stops it while it runs; when done, the row's tooltip is
 * the link. */
SdUpload    *sd_media_list_get_frame_upload (SdMediaList        *self,
                                             gboolean            last);
const char  *sd_media_list_get_frame_status (SdMediaList        *self,
                                             gboolean            last);
/* The link the local file @reference (row or frame) was uploaded to, by
 * an upload on add or Generate's; NULL when none is done. */
const char  *sd_media_list_lookup_link      (SdMediaList        *self,
                                             const char         *reference);
/* The pre-flight status of the row at @index (not in frame mode). */
void         sd_media_list_show_check       (SdMediaList        *self,
                                             guint               index,
                                             SdMediaCheckState   state,
                                             const char         *text);
SdMediaRow  *sd_media_list_get_row          (SdMediaList        *self,
                                             guint               index);

/* Once set, a local file (row or frame) starts its upload when it is added,
 * with progress on its row; removing it cancels it. Generate's uploads of
 * the same files then wait for those (the uploader merges them). */
void         sd_media_list_set_uploader     (SdMediaList        *self,
                                             SdUploader         *uploader);
SdUploader  *sd_media_list_get_uploader     (SdMediaList        *self);
/* Where the uploader sends changed: every upload on add starts again (those
 * on their way are cancelled; a link the cache holds from the new place is
 * taken from it), and the rows follow the new uploads. */
void         sd_media_list_restart_uploads  (SdMediaList        *self);

/* Clear All (shown from 2 links on) removes every link, with a toast that
 * offers Undo; sd_media_list_undo_clear() puts them back, before any added
 * since. FALSE when there was nothing to put back. */
void         sd_media_list_clear_all        (SdMediaList        *self);
gboolean     sd_media_list_undo_clear       (SdMediaList        *self);
gboolean     sd_media_list_get_can_clear    (SdMediaList        *self);
/* The title of the entry for a link: "Image URL", "Image Asset ID"… */
const char  *sd_media_list_get_entry_title  (SdMediaList        *self);

/* "https:// links", "asset:// IDs …": what @schemes accept, for hints. */
const char  *sd_media_list_describe_schemes (SdUrlScheme         schemes);

G_END_DECLS

/* sd-media-list-private.h: what the files of SdMediaList share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sd-media-list.c         the widget, its rows, counter, frames and links
 * sd-media-list-add.c     links, files, drops and pastes coming in
 * sd-media-list-status.c  problems, uploads and pre-flight checks on rows
 */
#pragma once

#include "sd-media-list.h"

G_BEGIN_DECLS

struct _SdMediaList
{
  GtkWidget      parent_instance;

  GtkStack      *stack;
  GtkListBox    *list;
  AdwEntryRow   *first_frame_row;
  AdwEntryRow   *last_frame_row;
  GtkImage      *first_frame_thumb;
  GtkImage      *last_frame_thumb;
  GtkListBox    *entry_list;
  AdwEntryRow   *entry;
  GtkButton     *add_button;
  GtkWidget     *hint_box;
  GtkLabel      *hint_label;
  GtkLabel      *count_label;
  GtkLabel      *problem_label;
  GtkLabel      *message_label;

  SdMediaListKind    kind;
  SdThumbnailer *thumbnailer;
  GtkStringList *urls;
  int            max_items;
  SdUrlScheme    schemes;                 /* what the model takes */
  GCancellable  *cancellable;             /* cancelled on dispose */
  GCancellable  *first_thumb_cancellable;
  GCancellable  *last_thumb_cancellable;
  GList         *error_widgets;           /* widgets wearing the "error" class */
  gboolean       frame_mode;
  GtkButton     *clear_button;
  GtkProgressBar *first_frame_progress;
  GtkProgressBar *last_frame_progress;
  GtkButton     *first_frame_cancel;
  GtkButton     *last_frame_cancel;
  GtkLabel      *first_frame_status;
  GtkLabel      *last_frame_status;
  SdUpload      *frame_shown[2];          /* Generate's uploads of the frames (first, last) */
  SdUploader    *uploader;                /* NULL: files are uploaded at Generate */
  GHashTable    *uploads;                 /* file:// URI → SdUpload, started on add */
  char         **cleared;                 /* what Clear All removed, for Undo */
  AdwToast      *clear_toast;             /* its toast while shown (no reference) */
};

/* What differs between the kinds of media. */
typedef struct
{
  const char *field;       /* the SdProblem field of the list */
  const char *icon_name;   /* NULL: a thumbnail */
  const char *entry_title;       /* for https:// links */
  const char *entry_title_asset; /* for asset:// IDs only */
  const char *entry_title_both;
  const char *add_label;
  gboolean    add_underline;
} KindInfo;

const KindInfo *_sd_media_list_get_kind_info (SdMediaListKind kind);

void      _sd_media_list_show_message  (SdMediaList *self,
                                        const char  *text);
void      _sd_media_list_clear_message (SdMediaList *self);
gboolean  _sd_media_list_add_frame     (SdMediaList *self,
                                        const char  *url);

/* sd-media-list-add.c */
void      _sd_media_list_add_from_entry (SdMediaList *self);
void      _sd_media_list_on_entry_insert_text_cb (GtkEditable *editable,
                                                  const char  *text,
                                                  int          length,
                                                  int         *position,
                                                  SdMediaList *self);
void      _sd_media_list_add_action (GtkWidget  *widget,
                                     const char *action_name,
                                     GVariant   *parameter);
void      _sd_media_list_choose_files_action (GtkWidget  *widget,
                                              const char *action_name,
                                              GVariant   *parameter);

/* sd-media-list-status.c */
SdUpload *_sd_media_list_upload_for     (SdMediaList *self,
                                         const char  *uri);
void      _sd_media_list_prune_uploads  (SdMediaList *self);
void      _sd_media_list_update_frame_uploads (SdMediaList *self);
void      _sd_media_list_cancel_frame_upload  (SdMediaList *self,
                                               GtkButton   *button);
void      _sd_media_list_dispose_uploads      (SdMediaList *self);

G_END_DECLS

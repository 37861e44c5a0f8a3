/* sd-task-row-private.h: what sd-task-row.c, -parts.c and -text.c share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "sd-task-row.h"

G_BEGIN_DECLS

struct _SdTaskRow
{
  GtkWidget  parent_instance;

  SdTask       *task;
  GSignalGroup *task_signals;
  SdCatalog    *catalog;
  char         *model_name;
  gint64     now;
  guint      tick_id;
  guint      tick_interval;
  SdPosterLoader *poster_loader;
  char           *poster_path;  /* the video whose poster is shown or asked for */
  GCancellable   *poster_cancellable;

  /* Built in code (see _sd_task_row_build); NULL until first needed are the
   * poster frame and picture, the spinner, the failure and attention
   * lines, the progress bar and the play button. */
  GtkWidget  *poster_frame;
  GtkPicture *poster;
  GtkImage  *status_image;
  const char *status_style;  /* the status icon's one style class */
  GtkWidget *status_spinner;
  GtkWidget *text_box;
  GtkLabel  *prompt_label;
  GtkLabel  *meta_label;
  GtkWidget *failure_label;
  GtkWidget *attention_label;
  GtkWidget *progress_bar;
  gboolean   bar_shows_download;
  GtkWidget *buttons;
  GtkWidget *play_button;
  GtkWidget *star_button;
  gboolean   favourite;     /* what the star shows */
  GtkWidget *menu_button;
};

/* sd-task-row-parts.c: the widgets, built in code, and their layout */
void     _sd_task_row_build                  (SdTaskRow       *self);
void     _sd_task_row_ensure_poster          (SdTaskRow       *self);
void     _sd_task_row_ensure_spinner         (SdTaskRow       *self);
void     _sd_task_row_ensure_failure_label   (SdTaskRow       *self);
void     _sd_task_row_ensure_attention_label (SdTaskRow       *self);
void     _sd_task_row_ensure_progress_bar    (SdTaskRow       *self);
void     _sd_task_row_ensure_play_button     (SdTaskRow       *self);
void     _sd_task_row_set_part_visible       (SdTaskRow       *self,
                                              GtkWidget      **part,
                                              void           (*ensure) (SdTaskRow *self),
                                              gboolean         visible);
gboolean _sd_task_row_poster_is_shown        (SdTaskRow       *self);
void     _sd_task_row_set_tooltip            (GtkWidget       *widget,
                                              const char      *text);
GtkSizeRequestMode _sd_task_row_get_request_mode (GtkWidget   *widget);
void     _sd_task_row_measure                (GtkWidget       *widget,
                                              GtkOrientation   orientation,
                                              int              for_size,
                                              int             *minimum,
                                              int             *natural,
                                              int             *minimum_baseline,
                                              int             *natural_baseline);
void     _sd_task_row_size_allocate          (GtkWidget       *widget,
                                              int              width,
                                              int              height,
                                              int              baseline);

/* sd-task-row.c */
void     _sd_task_row_update_button_names    (SdTaskRow       *self);

/* sd-task-row-text.c: what the labels say */

char *_sd_task_row_format_prompt    (SdRequest       *request);
char *_sd_task_row_format_failure   (const char      *message);
char *_sd_task_row_format_meta      (SdTaskStatus     status,
                                     int              progress,
                                     gint64           created_at,
                                     SdRequest       *request,
                                     const char      *model_name,
                                     gint64           now);
char *_sd_task_row_format_attention (const char      *local_file,
                                     gint64           expires_at,
                                     SdDownloadState  state,
                                     const char      *download_error,
                                     gint64           now);

G_END_DECLS

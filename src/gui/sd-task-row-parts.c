/* sd-task-row-parts.c: the widgets of a row of the results list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-task-row"

#include "config.h"

#include <glib/gi18n.h>

#include "sd-task-row-private.h"
#include "sd-task-row-test.h"

/* The row is built in code rather than from a template: GTK 4.8 builds a
 * template through a GtkBuilder for each instance, and a list makes a
 * screenful of rows before its first frame. The parts most rows never
 * show are made when a task first needs them (_sd_task_row_ensure_*), hidden ones
 * cost nothing until then. */
static GtkWidget *
new_line_label (const char *first_class,
                const char *second_class)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_css_classes (label, (const char *[]) { first_class, second_class, NULL });
  return label;
}

/* gtk_widget_set_tooltip_text() on a visible widget asks the display at
 * once where the pointer is (a round trip to an X server), in case a
 * tooltip on screen must change: four or five a row, a screenful of rows
 * before the first frame. A row's parts get their tooltips while hidden,
 * and again only when the text changes; GTK asks for the tooltip when
 * the pointer next moves. */
void
_sd_task_row_set_tooltip (GtkWidget  *widget,
                          const char *text)
{
  if (g_strcmp0 (gtk_widget_get_tooltip_text (widget), text) != 0)
    gtk_widget_set_tooltip_text (widget, text);
}

static void
set_tooltip_hidden (GtkWidget  *widget,
                    const char *text)
{
  gboolean visible = gtk_widget_get_visible (widget);

  gtk_widget_set_visible (widget, FALSE);
  _sd_task_row_set_tooltip (widget, text);
  gtk_widget_set_visible (widget, visible);
}

/* Two lines at most, cut at a word or a character (a Chinese prompt has
 * no spaces); its natural width is its widest line, not the whole text. */
static void
set_two_lines (GtkLabel *label)
{
  gtk_label_set_wrap (label, TRUE);
  gtk_label_set_wrap_mode (label, PANGO_WRAP_WORD_CHAR);
#if GTK_CHECK_VERSION (4, 6, 0)
  gtk_label_set_natural_wrap_mode (label, GTK_NATURAL_WRAP_NONE);
#endif
  gtk_label_set_lines (label, 2);
}

/* The list item is the row's one Tab stop: its buttons are for the
 * mouse, and in the menu for the keyboard. */
static GtkWidget *
new_row_button (GtkWidget  *button,
                const char *icon_name,
                const char *action_name,
                const char *tooltip)
{
  gtk_button_set_icon_name (GTK_BUTTON (button), icon_name);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action_name);
  set_tooltip_hidden (button, tooltip);
  gtk_widget_set_focusable (button, FALSE);
  gtk_widget_set_focus_on_click (button, FALSE);
  return button;
}

static void
align_with_prompt (GtkWidget *widget)
{
  gtk_widget_set_valign (widget, GTK_ALIGN_START);
  gtk_widget_set_margin_top (widget, 2);
}

static GtkWidget *
new_menu_button (void)
{
  GtkWidget *button = gtk_menu_button_new ();
  /* The menu button's own button, which the menu button's API cannot reach. */
  GtkWidget *inner = gtk_widget_get_first_child (button);

  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (button), "view-more-symbolic");
  set_tooltip_hidden (button, _("More Actions"));
  gtk_widget_set_css_classes (button, (const char *[]) { "flat", "circular", NULL });
  gtk_widget_set_focusable (inner, FALSE);
  gtk_widget_set_focus_on_click (inner, FALSE);
  return button;
}

static void
build_buttons (SdTaskRow *self)
{
  self->buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_valign (self->buttons, GTK_ALIGN_CENTER);
  gtk_widget_set_parent (self->buttons, GTK_WIDGET (self));

  self->star_button = new_row_button (gtk_toggle_button_new (), "non-starred-symbolic",
                                      "row.favourite", _("Favourite"));
  gtk_widget_set_css_classes (self->star_button,
                              (const char *[]) { "flat", "circular", "task-star", NULL });
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->star_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Favourite"), -1);
  gtk_box_append (GTK_BOX (self->buttons), self->star_button);

  self->menu_button = new_menu_button ();
  gtk_box_append (GTK_BOX (self->buttons), self->menu_button);
}

void
_sd_task_row_build (SdTaskRow *self)
{
  self->status_image = GTK_IMAGE (gtk_image_new_from_icon_name ("dialog-question-symbolic"));
  gtk_widget_set_visible (GTK_WIDGET (self->status_image), FALSE);
  align_with_prompt (GTK_WIDGET (self->status_image));
  gtk_widget_set_parent (GTK_WIDGET (self->status_image), GTK_WIDGET (self));

  self->text_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  gtk_widget_set_hexpand (self->text_box, TRUE);
  gtk_widget_set_parent (self->text_box, GTK_WIDGET (self));

  self->prompt_label = GTK_LABEL (new_line_label ("task-prompt", NULL));
  set_two_lines (self->prompt_label);
  gtk_label_set_max_width_chars (self->prompt_label, 60);
  gtk_box_append (GTK_BOX (self->text_box), GTK_WIDGET (self->prompt_label));

  self->meta_label = GTK_LABEL (new_line_label ("caption", "dim-label"));
  gtk_label_set_single_line_mode (self->meta_label, TRUE);
  gtk_box_append (GTK_BOX (self->text_box), GTK_WIDGET (self->meta_label));

  build_buttons (self);
}

/* An overlay does not take its overlay child's size: the picture fills
 * 64 × 48 whatever the video's shape. First in the row, where the status
 * icon is for the others. */
void
_sd_task_row_ensure_poster (SdTaskRow *self)
{
  if (self->poster_frame != NULL)
    return;

  self->poster_frame = gtk_overlay_new ();
  gtk_widget_set_visible (self->poster_frame, FALSE);
  gtk_widget_set_valign (self->poster_frame, GTK_ALIGN_START);
  gtk_widget_set_size_request (self->poster_frame, 64, 48);
  gtk_widget_set_overflow (self->poster_frame, GTK_OVERFLOW_HIDDEN);
  gtk_widget_add_css_class (self->poster_frame, "task-poster");
  self->poster = GTK_PICTURE (gtk_picture_new ());
  gtk_picture_set_content_fit (self->poster, GTK_CONTENT_FIT_COVER);
  gtk_picture_set_can_shrink (self->poster, TRUE);
  gtk_overlay_add_overlay (GTK_OVERLAY (self->poster_frame), GTK_WIDGET (self->poster));
  gtk_widget_insert_after (self->poster_frame, GTK_WIDGET (self), NULL);
}

void
_sd_task_row_ensure_spinner (SdTaskRow *self)
{
  if (self->status_spinner != NULL)
    return;

  self->status_spinner = gtk_spinner_new ();
  gtk_widget_set_visible (self->status_spinner, FALSE);
  align_with_prompt (self->status_spinner);
  _sd_task_row_set_tooltip (self->status_spinner, _("Processing"));
  gtk_widget_insert_after (self->status_spinner, GTK_WIDGET (self), GTK_WIDGET (self->status_image));
}

void
_sd_task_row_ensure_failure_label (SdTaskRow *self)
{
  if (self->failure_label != NULL)
    return;

  self->failure_label = new_line_label ("caption", "error");
  gtk_widget_set_visible (self->failure_label, FALSE);
  set_two_lines (GTK_LABEL (self->failure_label));
  gtk_widget_insert_after (self->failure_label, self->text_box,
                           GTK_WIDGET (self->meta_label));
}

/* What needs the user: saving, a link about to expire unsaved. */
void
_sd_task_row_ensure_attention_label (SdTaskRow *self)
{
  GtkWidget *above = self->failure_label != NULL ? self->failure_label : GTK_WIDGET (self->meta_label);

  if (self->attention_label != NULL)
    return;

  self->attention_label = new_line_label ("caption", "warning");
  gtk_widget_set_visible (self->attention_label, FALSE);
  gtk_label_set_single_line_mode (GTK_LABEL (self->attention_label), TRUE);
  gtk_widget_insert_after (self->attention_label, self->text_box, above);
}

void
_sd_task_row_ensure_progress_bar (SdTaskRow *self)
{
  if (self->progress_bar != NULL)
    return;

  self->progress_bar = gtk_progress_bar_new ();
  gtk_widget_set_visible (self->progress_bar, FALSE);
  gtk_widget_set_margin_top (self->progress_bar, 4);
  self->bar_shows_download = TRUE;
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->progress_bar),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Download progress"), -1);
  gtk_box_append (GTK_BOX (self->text_box), self->progress_bar);
}

gboolean
_sd_task_row_poster_is_shown (SdTaskRow *self)
{
  return self->poster_frame != NULL && gtk_widget_get_visible (self->poster_frame);
}

void
_sd_task_row_ensure_play_button (SdTaskRow *self)
{
  if (self->play_button != NULL)
    return;

  self->play_button = new_row_button (gtk_button_new (), "media-playback-start-symbolic",
                                      "row.play", _("Play"));
  gtk_widget_set_visible (self->play_button, FALSE);
  gtk_widget_add_css_class (self->play_button, "circular");
  gtk_box_prepend (GTK_BOX (self->buttons), self->play_button);
  _sd_task_row_update_button_names (self);
}

/* Shows or hides a part made on demand: hiding one never made is nothing. */
void
_sd_task_row_set_part_visible (SdTaskRow  *self,
                               GtkWidget **part,
                               void      (*ensure) (SdTaskRow *self),
                               gboolean    visible)
{
  if (visible)
    ensure (self);
  if (*part != NULL)
    gtk_widget_set_visible (*part, visible);
}

/* The row lays out its columns itself (the status icon or poster frame,
 * the text, the buttons) rather than with a GtkBoxLayout. A box that
 * allocates its children asks each how wide it wants to be for the
 * row's height, and a wrapped GtkLabel answers that by searching for the
 * narrowest width that fits, laying out and shaping its text a dozen
 * times per label. Here every column but the text has its natural width
 * and the text takes the rest: no width ever depends on a height. */
#define COLUMN_SPACING 12

static int
get_natural_width (GtkWidget *child,
                   int       *minimum)
{
  int natural;

  gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, minimum, &natural, NULL, NULL);
  return natural;
}

/* The text column's width in a row @width wide. */
static int
get_text_width (SdTaskRow *self,
                int        width)
{
  int text_minimum;

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (child != self->text_box && gtk_widget_should_layout (child))
      width -= get_natural_width (child, NULL) + COLUMN_SPACING;
  get_natural_width (self->text_box, &text_minimum);
  return MAX (width, text_minimum);
}

static int
get_column_width (SdTaskRow *self,
                  GtkWidget *child,
                  int        text_width)
{
  return child == self->text_box ? text_width : get_natural_width (child, NULL);
}

GtkSizeRequestMode
_sd_task_row_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

void
_sd_task_row_measure (GtkWidget      *widget,
                      GtkOrientation  orientation,
                      int             for_size,
                      int            *minimum,
                      int            *natural,
                      int            *minimum_baseline,
                      int            *natural_baseline)
{
  SdTaskRow *self = SD_TASK_ROW (widget);
  int text_width;
  int spacing = 0;

  /* A height for no width in particular is the height at the natural
   * width: the prompt is then laid out at a width it already was
   * measured at, not once more on a single line. */
  if (orientation == GTK_ORIENTATION_VERTICAL && for_size < 0)
    gtk_widget_measure (widget, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &for_size, NULL, NULL);
  text_width = for_size >= 0 ? get_text_width (self, for_size) : -1;

  *minimum = *natural = 0;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      int child_minimum, child_natural;

      if (!gtk_widget_should_layout (child))
        continue;
      if (orientation == GTK_ORIENTATION_HORIZONTAL)
        {
          child_natural = get_natural_width (child, &child_minimum);
          *minimum += child_minimum + spacing;
          *natural += child_natural + spacing;
          spacing = COLUMN_SPACING;
          continue;
        }
      gtk_widget_measure (child, GTK_ORIENTATION_VERTICAL,
                          text_width >= 0 ? get_column_width (self, child, text_width) : -1,
                          &child_minimum, &child_natural, NULL, NULL);
      *minimum = MAX (*minimum, child_minimum);
      *natural = MAX (*natural, child_natural);
    }
}

void
_sd_task_row_size_allocate (GtkWidget *widget,
                            int        width,
                            int        height,
                            int        baseline)
{
  SdTaskRow *self = SD_TASK_ROW (widget);
  gboolean rtl = gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL;
  int text_width = get_text_width (self, width);
  int x = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      int child_width;

      if (!gtk_widget_should_layout (child))
        continue;
      child_width = get_column_width (self, child, text_width);
      gtk_widget_size_allocate (child,
                                &(GtkAllocation) { rtl ? width - x - child_width : x, 0,
                                                   child_width, height },
                                -1);
      x += child_width + COLUMN_SPACING;
    }
}

/* For tests: the part of the row named as its field, made (hidden) if
 * no task has needed it yet. */
GtkWidget *
sd_task_row_get_part (SdTaskRow  *self,
                      const char *name)
{
  static const struct {
    const char *name;
    gsize       offset;
    void      (*ensure) (SdTaskRow *self);
  } parts[] = {
    { "poster_frame", G_STRUCT_OFFSET (SdTaskRow, poster_frame), _sd_task_row_ensure_poster },
    { "poster", G_STRUCT_OFFSET (SdTaskRow, poster), _sd_task_row_ensure_poster },
    { "status_image", G_STRUCT_OFFSET (SdTaskRow, status_image), NULL },
    { "status_spinner", G_STRUCT_OFFSET (SdTaskRow, status_spinner), _sd_task_row_ensure_spinner },
    { "prompt_label", G_STRUCT_OFFSET (SdTaskRow, prompt_label), NULL },
    { "meta_label", G_STRUCT_OFFSET (SdTaskRow, meta_label), NULL },
    { "failure_label", G_STRUCT_OFFSET (SdTaskRow, failure_label), _sd_task_row_ensure_failure_label },
    { "attention_label", G_STRUCT_OFFSET (SdTaskRow, attention_label), _sd_task_row_ensure_attention_label },
    { "progress_bar", G_STRUCT_OFFSET (SdTaskRow, progress_bar), _sd_task_row_ensure_progress_bar },
    { "play_button", G_STRUCT_OFFSET (SdTaskRow, play_button), _sd_task_row_ensure_play_button },
    { "star_button", G_STRUCT_OFFSET (SdTaskRow, star_button), NULL },
    { "menu_button", G_STRUCT_OFFSET (SdTaskRow, menu_button), NULL },
  };

  g_return_val_if_fail (SD_IS_TASK_ROW (self), NULL);

  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    if (g_str_equal (name, parts[i].name))
      {
        if (parts[i].ensure != NULL)
          parts[i].ensure (self);
        return G_STRUCT_MEMBER (GtkWidget *, self, parts[i].offset);
      }
  return NULL;
}

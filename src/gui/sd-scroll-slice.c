/* sd-scroll-slice.c: the first items of a selection, as many as a scroller
 * shows and two screens more
 *
 * GTK 4.8's list and grid views make a widget for up to 200 items around
 * their anchor, whatever they show: 200 tasks queued at once were 200 rows
 * made in one frame (~125 ms), and the history's first page 100 rows right
 * after the first frame. A view given an SdScrollSlice has at most the
 * items its scroller shows and two screens more; the slice grows, a step
 * a frame, as the scroller nears its end.
 *
 * The slice is a selection model too, with the positions of the selection
 * it shows (it always starts at 0): selecting, "select all" included, is
 * the selection's, over all its items.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-scroll-slice"

#include "config.h"

#include "sd-scroll-slice.h"

struct _SdScrollSlice
{
  GObject             parent_instance;

  GtkSelectionModel  *selection;
  GtkSliceListModel  *slice;
  GtkWidget          *scroller;   /* weak */
  GtkAdjustment      *adjustment;
  guint               grow_source;
  gboolean            grown;      /* and not painted since */
};

static void sd_scroll_slice_list_model_init      (GListModelInterface        *iface);
static void sd_scroll_slice_selection_model_init (GtkSelectionModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SdScrollSlice, sd_scroll_slice, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      sd_scroll_slice_list_model_init)
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_SELECTION_MODEL,
                                                      sd_scroll_slice_selection_model_init))

enum {
  PROP_0,
  PROP_SIZE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* GListModel: the slice's items ------------------------------------------- */

static GType
sd_scroll_slice_get_item_type (GListModel *model)
{
  return g_list_model_get_item_type (G_LIST_MODEL (SD_SCROLL_SLICE (model)->selection));
}

static guint
sd_scroll_slice_get_n_items (GListModel *model)
{
  return g_list_model_get_n_items (G_LIST_MODEL (SD_SCROLL_SLICE (model)->slice));
}

static gpointer
sd_scroll_slice_get_item (GListModel *model,
                          guint       position)
{
  return g_list_model_get_item (G_LIST_MODEL (SD_SCROLL_SLICE (model)->slice), position);
}

static void
sd_scroll_slice_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = sd_scroll_slice_get_item_type;
  iface->get_n_items = sd_scroll_slice_get_n_items;
  iface->get_item = sd_scroll_slice_get_item;
}

/* GtkSelectionModel: the selection's, position for position ----------------- */

#define SELECTION(model) (SD_SCROLL_SLICE (model)->selection)

static gboolean
sd_scroll_slice_is_selected (GtkSelectionModel *model,
                             guint              position)
{
  return gtk_selection_model_is_selected (SELECTION (model), position);
}

static GtkBitset *
sd_scroll_slice_get_selection_in_range (GtkSelectionModel *model,
                                        guint              position,
                                        guint              n_items)
{
  return gtk_selection_model_get_selection_in_range (SELECTION (model), position, n_items);
}

static gboolean
sd_scroll_slice_select_item (GtkSelectionModel *model,
                             guint              position,
                             gboolean           unselect_rest)
{
  return gtk_selection_model_select_item (SELECTION (model), position, unselect_rest);
}

static gboolean
sd_scroll_slice_unselect_item (GtkSelectionModel *model,
                               guint              position)
{
  return gtk_selection_model_unselect_item (SELECTION (model), position);
}

static gboolean
sd_scroll_slice_select_range (GtkSelectionModel *model,
                              guint              position,
                              guint              n_items,
                              gboolean           unselect_rest)
{
  return gtk_selection_model_select_range (SELECTION (model), position, n_items, unselect_rest);
}

static gboolean
sd_scroll_slice_unselect_range (GtkSelectionModel *model,
                                guint              position,
                                guint              n_items)
{
  return gtk_selection_model_unselect_range (SELECTION (model), position, n_items);
}

static gboolean
sd_scroll_slice_select_all (GtkSelectionModel *model)
{
  return gtk_selection_model_select_all (SELECTION (model));
}

static gboolean
sd_scroll_slice_unselect_all (GtkSelectionModel *model)
{
  return gtk_selection_model_unselect_all (SELECTION (model));
}

static gboolean
sd_scroll_slice_set_selection (GtkSelectionModel *model,
                               GtkBitset         *selected,
                               GtkBitset         *mask)
{
  return gtk_selection_model_set_selection (SELECTION (model), selected, mask);
}

static void
sd_scroll_slice_selection_model_init (GtkSelectionModelInterface *iface)
{
  iface->is_selected = sd_scroll_slice_is_selected;
  iface->get_selection_in_range = sd_scroll_slice_get_selection_in_range;
  iface->select_item = sd_scroll_slice_select_item;
  iface->unselect_item = sd_scroll_slice_unselect_item;
  iface->select_range = sd_scroll_slice_select_range;
  iface->unselect_range = sd_scroll_slice_unselect_range;
  iface->select_all = sd_scroll_slice_select_all;
  iface->unselect_all = sd_scroll_slice_unselect_all;
  iface->set_selection = sd_scroll_slice_set_selection;
}

static void
on_items_changed_cb (SdScrollSlice *self,
                     guint          position,
                     guint          removed,
                     guint          added)
{
  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
}

/* What changed past the slice's end is not shown. */
static void
on_selection_changed_cb (SdScrollSlice *self,
                         guint          position,
                         guint          n_items)
{
  guint shown = g_list_model_get_n_items (G_LIST_MODEL (self));

  if (position < shown)
    gtk_selection_model_selection_changed (GTK_SELECTION_MODEL (self), position,
                                           MIN (n_items, shown - position));
}

/* Growing as the scroller nears the end ------------------------------------ */

static gboolean
needs_more (SdScrollSlice *self)
{
  double page_size;

  if (self->adjustment == NULL || sd_scroll_slice_get_complete (self))
    return FALSE;
  /* not allocated yet: nothing tells how much is seen */
  page_size = gtk_adjustment_get_page_size (self->adjustment);
  if (page_size <= 0)
    return FALSE;
  return gtk_adjustment_get_value (self->adjustment) + page_size >
         gtk_adjustment_get_upper (self->adjustment) - 2 * page_size;
}

static void grow_soon (SdScrollSlice *self);

/* The frame after a step has laid its rows out: the adjustment counts them. */
static void
on_after_paint_cb (SdScrollSlice *self,
                   GdkFrameClock *clock)
{
  g_signal_handlers_disconnect_by_func (clock, on_after_paint_cb, self);
  self->grown = FALSE;
  grow_soon (self);
}

static gboolean
grow_cb (gpointer user_data)
{
  SdScrollSlice *self = user_data;
  GdkFrameClock *clock;

  self->grow_source = 0;
  if (self->grown || self->scroller == NULL || !needs_more (self) ||
      (clock = gtk_widget_get_frame_clock (self->scroller)) == NULL)
    return G_SOURCE_REMOVE;

  self->grown = TRUE;
  g_signal_connect_object (clock, "after-paint", G_CALLBACK (on_after_paint_cb), self,
                           G_CONNECT_SWAPPED);
  sd_scroll_slice_set_size (self, sd_scroll_slice_get_size (self) + SD_SCROLL_SLICE_STEP);
  return G_SOURCE_REMOVE;
}

/* From an idle, one step a frame: the adjustment changes while the view is
 * laid out, the rows a step makes belong in the next frame, and until that
 * frame the adjustment does not count them. */
static void
grow_soon (SdScrollSlice *self)
{
  if (!self->grown && self->grow_source == 0 && needs_more (self))
    self->grow_source = g_idle_add (grow_cb, self);
}

static void
sd_scroll_slice_dispose (GObject *object)
{
  SdScrollSlice *self = SD_SCROLL_SLICE (object);

  g_clear_handle_id (&self->grow_source, g_source_remove);
  if (self->adjustment != NULL)
    g_signal_handlers_disconnect_by_data (self->adjustment, self);
  g_clear_object (&self->adjustment);
  g_clear_weak_pointer (&self->scroller);
  if (self->selection != NULL)
    g_signal_handlers_disconnect_by_data (self->selection, self);
  g_clear_object (&self->slice);
  g_clear_object (&self->selection);

  G_OBJECT_CLASS (sd_scroll_slice_parent_class)->dispose (object);
}

static void
sd_scroll_slice_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  SdScrollSlice *self = SD_SCROLL_SLICE (object);

  switch (prop_id)
    {
    case PROP_SIZE:
      g_value_set_uint (value, sd_scroll_slice_get_size (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_scroll_slice_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  SdScrollSlice *self = SD_SCROLL_SLICE (object);

  switch (prop_id)
    {
    case PROP_SIZE:
      sd_scroll_slice_set_size (self, g_value_get_uint (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_scroll_slice_class_init (SdScrollSliceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sd_scroll_slice_dispose;
  object_class->get_property = sd_scroll_slice_get_property;
  object_class->set_property = sd_scroll_slice_set_property;

  properties[PROP_SIZE] =
    g_param_spec_uint ("size", NULL, NULL,
                       0, G_MAXUINT, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sd_scroll_slice_init (SdScrollSlice *self)
{
}

/**
 * sd_scroll_slice_new:
 * @selection: the items and their selection
 * @size: how many of the first items to show before the scroller is seen
 *
 * Returns: (transfer full): a slice of @selection to give a list or grid view.
 */
SdScrollSlice *
sd_scroll_slice_new (GtkSelectionModel *selection,
                     guint              size)
{
  SdScrollSlice *self;

  g_return_val_if_fail (GTK_IS_SELECTION_MODEL (selection), NULL);

  self = g_object_new (SD_TYPE_SCROLL_SLICE, NULL);
  self->selection = g_object_ref (selection);
  self->slice = gtk_slice_list_model_new (g_object_ref (G_LIST_MODEL (selection)), 0, size);
  g_signal_connect_object (self->slice, "items-changed",
                           G_CALLBACK (on_items_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (selection, "selection-changed",
                           G_CALLBACK (on_selection_changed_cb), self, G_CONNECT_SWAPPED);
  return self;
}

/**
 * sd_scroll_slice_set_scroller:
 * @scroller: the scrolled window of the view the slice is given to
 *
 * The slice grows while @scroller shows its end or is within two screens
 * of it.
 */
void
sd_scroll_slice_set_scroller (SdScrollSlice     *self,
                              GtkScrolledWindow *scroller)
{
  GtkAdjustment *adjustment;

  g_return_if_fail (SD_IS_SCROLL_SLICE (self));
  g_return_if_fail (scroller == NULL || GTK_IS_SCROLLED_WINDOW (scroller));

  g_set_weak_pointer (&self->scroller, GTK_WIDGET (scroller));
  adjustment = scroller != NULL ? gtk_scrolled_window_get_vadjustment (scroller) : NULL;
  if (self->adjustment != NULL)
    g_signal_handlers_disconnect_by_data (self->adjustment, self);
  g_set_object (&self->adjustment, adjustment);
  if (adjustment == NULL)
    return;
  g_signal_connect_object (adjustment, "changed",
                           G_CALLBACK (grow_soon), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (adjustment, "value-changed",
                           G_CALLBACK (grow_soon), self, G_CONNECT_SWAPPED);
}

guint
sd_scroll_slice_get_size (SdScrollSlice *self)
{
  g_return_val_if_fail (SD_IS_SCROLL_SLICE (self), 0);

  return gtk_slice_list_model_get_size (self->slice);
}

/**
 * sd_scroll_slice_set_size:
 * @size: how many of the first items to show; G_MAXUINT for all
 */
void
sd_scroll_slice_set_size (SdScrollSlice *self,
                          guint          size)
{
  g_return_if_fail (SD_IS_SCROLL_SLICE (self));

  if (size == gtk_slice_list_model_get_size (self->slice))
    return;
  if (self->adjustment != NULL)
    g_debug ("Showing the first %u items (at %.0f px of %.0f, %.0f px seen)", size,
             gtk_adjustment_get_value (self->adjustment), gtk_adjustment_get_upper (self->adjustment),
             gtk_adjustment_get_page_size (self->adjustment));
  gtk_slice_list_model_set_size (self->slice, size);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIZE]);
}

/**
 * sd_scroll_slice_ensure:
 * @position: a position in the selection
 *
 * Grows the slice at once, when needed, to show the item at @position and
 * a step after it (e.g. before scrolling to it).
 */
void
sd_scroll_slice_ensure (SdScrollSlice *self,
                        guint          position)
{
  g_return_if_fail (SD_IS_SCROLL_SLICE (self));

  if (position >= sd_scroll_slice_get_size (self))
    sd_scroll_slice_set_size (self, position >= G_MAXUINT - SD_SCROLL_SLICE_STEP
                                    ? G_MAXUINT : position + SD_SCROLL_SLICE_STEP);
}

/**
 * sd_scroll_slice_get_complete:
 *
 * Returns: whether the slice shows every item of the selection, so that its
 *   end is the selection's.
 */
gboolean
sd_scroll_slice_get_complete (SdScrollSlice *self)
{
  g_return_val_if_fail (SD_IS_SCROLL_SLICE (self), FALSE);

  return sd_scroll_slice_get_size (self) >=
         g_list_model_get_n_items (G_LIST_MODEL (self->selection));
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-list-pacer"

#include "config.h"

#include "bp-list-pacer.h"

/* Hands a list view its items a screenful at a time, one screenful per frame.
 *
 * GTK 4.8's GtkListView (and so GtkColumnView) builds a row for each of the
 * first 200 items around its anchor, whatever its height
 * (GTK_LIST_VIEW_MAX_LIST_ITEMS in gtklistview.c). With 10,000 accounts the
 * first frame with the list, and a search that changes the first 200 shown
 * (clearing it, say), paid for building 200 rows of which twenty are seen:
 * ~430 M instructions, 60 ms and more on the machine of docs/performance.md.
 *
 * The view shows a GtkSliceListModel of the model: the first screenful, then
 * another screenful each frame until GTK's 200 rows are built, then all of
 * it. A frame never builds more than a screenful of rows, and the screenful
 * the administrator looks at is drawn first. Positions are the model's, so a
 * selection made in the view is valid in the model; bp_list_pacer_reveal()
 * makes a position shown at once, before selecting or scrolling to it.
 *
 * Where GTK builds only the rows it shows the pacer costs a few
 * items-changed signals a search and nothing else. */

/* Before the view has rows to measure: rows are never shorter than this (a
 * line of small text), so a screenful counted with it is never short. */
#define MIN_ROW_HEIGHT 16

/* Beyond this many items GTK 4.8 builds no more rows, so the rest may be
 * added at once: it costs the view's bookkeeping only. */
#define GTK_BUILT_ROWS (200 + 2 * 2)

/* When the view is not allocated yet: a tall screen. */
#define FALLBACK_HEIGHT 1080

struct _BpListPacer
{
  GObject            parent_instance;

  GListModel        *model;
  GtkSliceListModel *slice;
  GtkWidget         *view;   /* weak: its frame clock paces us */
  guint              tick_id;
  gboolean           is_first_tick;
  double             row_height;   /* as last laid out; 0 before */
};

G_DEFINE_FINAL_TYPE (BpListPacer, bp_list_pacer, G_TYPE_OBJECT)

static int
get_tallest_monitor_height (GtkWidget *widget)
{
  GListModel *monitors = gdk_display_get_monitors (gtk_widget_get_display (widget));
  int tallest = 0;

  for (guint i = 0; i < g_list_model_get_n_items (monitors); i++)
    {
      g_autoptr(GdkMonitor) monitor = g_list_model_get_item (monitors, i);
      GdkRectangle geometry;

      gdk_monitor_get_geometry (monitor, &geometry);
      tallest = MAX (tallest, geometry.height);
    }

  return tallest;
}

/* How many rows fill the view: from the height of the rows laid out so far
 * and the view's, or before there are rows from its window's height (a
 * maximized one's from its monitor's). */
static guint
get_screenful (BpListPacer *self)
{
  int width = 0;
  int height = 0;

  if (self->view != NULL && GTK_IS_SCROLLABLE (self->view) && self->row_height >= 1)
    {
      GtkAdjustment *rows = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->view));

      if (rows != NULL && gtk_adjustment_get_page_size (rows) > 0)
        return (guint) (gtk_adjustment_get_page_size (rows) / self->row_height) + 3;
    }

  if (self->view != NULL)
    {
      GtkRoot *root = gtk_widget_get_root (self->view);

      height = gtk_widget_get_height (self->view);
      if (height <= 0 && GTK_IS_WINDOW (root))
        {
          if (gtk_window_is_maximized (GTK_WINDOW (root)) || gtk_window_is_fullscreen (GTK_WINDOW (root)))
            height = get_tallest_monitor_height (self->view);
          else
            gtk_window_get_default_size (GTK_WINDOW (root), &width, &height);
        }
    }
  if (height <= 0)
    height = FALLBACK_HEIGHT;

  return (guint) height / MIN_ROW_HEIGHT + 2;
}

/* At a tick the view has laid out what the slice held in the frame before:
 * the height of its rows is the scrolled height over their number. Measured
 * here, not when asked: after a restart the scrolled height is still the
 * longer list's until the next layout. */
static void
measure_rows (BpListPacer *self)
{
  GtkAdjustment *rows;
  guint n_items = g_list_model_get_n_items (G_LIST_MODEL (self->slice));

  if (!GTK_IS_SCROLLABLE (self->view) || n_items == 0)
    return;

  rows = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->view));
  if (rows != NULL && gtk_adjustment_get_upper (rows) / n_items >= 1)
    self->row_height = gtk_adjustment_get_upper (rows) / n_items;
}

gboolean
bp_list_pacer_is_complete (BpListPacer *self)
{
  g_return_val_if_fail (BP_IS_LIST_PACER (self), FALSE);

  return gtk_slice_list_model_get_size (self->slice) >= g_list_model_get_n_items (self->model);
}

static void
set_size (BpListPacer *self,
          guint        size)
{
  /* Past GTK's rows the rest costs no widget: show it all, and keep showing
   * whatever the model gains. */
  if (size >= GTK_BUILT_ROWS)
    size = G_MAXUINT;

  if (size != gtk_slice_list_model_get_size (self->slice))
    gtk_slice_list_model_set_size (self->slice, size);
}

static gboolean
tick_cb (GtkWidget     *view,
         GdkFrameClock *frame_clock,
         gpointer       user_data)
{
  BpListPacer *self = user_data;
  guint size = gtk_slice_list_model_get_size (self->slice);

  /* The first tick comes in the frame that draws the first screenful: it
   * stays that frame's only rows. */
  if (self->is_first_tick)
    self->is_first_tick = FALSE;
  else if (!bp_list_pacer_is_complete (self))
    {
      measure_rows (self);
      set_size (self, size + get_screenful (self));
    }

  if (!bp_list_pacer_is_complete (self))
    return G_SOURCE_CONTINUE;

  self->tick_id = 0;
  return G_SOURCE_REMOVE;
}

static void
schedule_growth (BpListPacer *self)
{
  if (self->tick_id != 0 || self->view == NULL || bp_list_pacer_is_complete (self))
    return;

  self->is_first_tick = TRUE;
  self->tick_id = gtk_widget_add_tick_callback (self->view, tick_cb, self, NULL);
}

/* An empty model shows nothing whatever the slice's size, so the size can
 * change without the view seeing it: whatever fills the model next (a
 * search that matched nothing and now matches thousands, a store read
 * after the window's first frame) reaches one screenful of rows first,
 * counted as things are now. */
static void
restart_if_empty (BpListPacer *self)
{
  if (g_list_model_get_n_items (self->model) == 0)
    gtk_slice_list_model_set_size (self->slice, get_screenful (self));
}

static void
model_items_changed_cb (BpListPacer *self,
                        guint        position,
                        guint        removed,
                        guint        added,
                        GListModel  *model)
{
  restart_if_empty (self);
  if (added > 0)
    schedule_growth (self);
}

static void
restart (BpListPacer *self)
{
  guint size = get_screenful (self);

  if (gtk_slice_list_model_get_size (self->slice) > size)
    gtk_slice_list_model_set_size (self->slice, size);
  schedule_growth (self);
}

/* Before a change that may replace many of the rows built (a new search, a
 * new order). GTK 4.8 builds a row for each item that comes into its first
 * 200 and destroys the row of each that leaves, about 0.3 ms a row on the
 * machine of docs/performance.md; destroying alone is a fifth of that.
 * Showing the first screenful only first, before the change, destroys the
 * rows past it and lets the change reach a screenful of rows; the rest grows
 * back frame by frame. That pays when the change would replace more rows
 * than about two screenfuls, which @count_replaced says (counting no further
 * than its @enough); without it every row is taken to be replaced.
 *
 * A selected item past the first screenful leaves the selection model then,
 * which forgets it: the caller selects it again once it is back (the window
 * does, bp-window.c's reselect_current()). Keeping every item up to it
 * would build every row again when it is far down. */
void
bp_list_pacer_prepare_change (BpListPacer             *self,
                              BpListPacerCountReplaced count_replaced,
                              gpointer                 user_data)
{
  guint n_rows;
  guint screenful;

  g_return_if_fail (BP_IS_LIST_PACER (self));

  screenful = get_screenful (self);
  n_rows = MIN (g_list_model_get_n_items (G_LIST_MODEL (self->slice)), GTK_BUILT_ROWS);
  if (n_rows <= screenful)
    return;

  if (count_replaced != NULL && count_replaced (n_rows, 2 * screenful + 1, user_data) <= 2 * screenful)
    return;

  restart (self);
}

/* Before a change that may give items to a model that has none (a store
 * read in the background), while the view does not show any: the first
 * screenful is counted again, from the view's height if it is laid out by
 * then, which is lower than the window's that counted it at first (without
 * the header bar and the column titles: a fifth fewer rows in the frame
 * that shows the store read after the window's first frame). */
void
bp_list_pacer_prepare_fill (BpListPacer *self)
{
  g_return_if_fail (BP_IS_LIST_PACER (self));

  restart_if_empty (self);
}

/* Makes @position shown now, with a screenful after it, so that it can be
 * selected and scrolled to. */
void
bp_list_pacer_reveal (BpListPacer *self,
                      guint        position)
{
  guint size;

  g_return_if_fail (BP_IS_LIST_PACER (self));

  size = gtk_slice_list_model_get_size (self->slice);
  if (position == GTK_INVALID_LIST_POSITION || position < size)
    return;

  set_size (self, position + get_screenful (self));
  schedule_growth (self);
}

GListModel *
bp_list_pacer_get_model (BpListPacer *self)
{
  g_return_val_if_fail (BP_IS_LIST_PACER (self), NULL);

  return G_LIST_MODEL (self->slice);
}

static void
bp_list_pacer_dispose (GObject *object)
{
  BpListPacer *self = BP_LIST_PACER (object);

  if (self->tick_id != 0 && self->view != NULL)
    gtk_widget_remove_tick_callback (self->view, self->tick_id);
  self->tick_id = 0;
  g_clear_weak_pointer (&self->view);
  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  g_clear_object (&self->slice);
  g_clear_object (&self->model);

  G_OBJECT_CLASS (bp_list_pacer_parent_class)->dispose (object);
}

static void
bp_list_pacer_class_init (BpListPacerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = bp_list_pacer_dispose;
}

static void
bp_list_pacer_init (BpListPacer *self)
{
}

/* Paces @model into @view, which should show bp_list_pacer_get_model(). */
BpListPacer *
bp_list_pacer_new (GListModel *model,
                   GtkWidget  *view)
{
  BpListPacer *self;

  g_return_val_if_fail (G_IS_LIST_MODEL (model), NULL);
  g_return_val_if_fail (GTK_IS_WIDGET (view), NULL);

  self = g_object_new (BP_TYPE_LIST_PACER, NULL);
  self->model = g_object_ref (model);
  g_set_weak_pointer (&self->view, view);
  self->slice = gtk_slice_list_model_new (g_object_ref (model), 0, get_screenful (self));
  g_signal_connect_object (model, "items-changed", G_CALLBACK (model_items_changed_cb), self, G_CONNECT_SWAPPED);
  schedule_growth (self);

  return self;
}

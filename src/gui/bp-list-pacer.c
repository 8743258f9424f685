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
 * The view shows the pacer, a list model of the model's first items: the
 * first screenful, then another screenful each frame until GTK's 200 rows are
 * built, then all of it. A frame never builds more than a screenful of rows,
 * and the screenful the administrator looks at is drawn first. Positions are
 * the model's, up to bp_list_pacer_get_n_shown(), so a selection made in the
 * view there is valid in the model; bp_list_pacer_reveal() makes a position
 * shown at once, before selecting or scrolling to it.
 *
 * A change that replaces the rows (a search) destroys as many as it builds,
 * and destroying the ~170 rows past the first screenful took longer than
 * building the new screenful. A pacer that keeps leftovers (the window's)
 * leaves those rows where they are, below the rows it shows, while the view
 * shows its top: the frame that answers a keystroke builds the new
 * screenful only, and the frames after it destroy the leftovers a screenful
 * at a time while the new rows grow. They are not meant to be seen: the
 * view is kept at its top while they are there, and they go as soon as the
 * model no longer fills the first screenful, the whole model is shown, a
 * position past the first screenful is revealed, or the view has been
 * scrolled towards them by the next frame's start. (A view resized or
 * scrolled by an animation during a frame's layout could still show them in
 * that frame.) GTK 4.12 and later build only the rows they show, and the
 * rows past the screen cost nothing there: no pacer keeps leftovers.
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
  GObject     parent_instance;

  GListModel *model;
  guint       size;        /* how many of the model's first items are shown; G_MAXUINT: all */
  GPtrArray  *leftovers;   /* items shown after them until their rows are destroyed */
  GtkWidget  *view;        /* weak: its frame clock paces us */
  gboolean    keeps_leftovers;
  guint       tick_id;
  gboolean    is_first_tick;
  double      row_height;  /* as last laid out; 0 before */
};

static void bp_list_pacer_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (BpListPacer, bp_list_pacer, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, bp_list_pacer_list_model_init))

/* How many of the model's items are shown, the leftovers not counted. */
static guint
get_n_shown (BpListPacer *self)
{
  if (self->model == NULL)   /* disposed */
    return 0;

  return MIN (self->size, g_list_model_get_n_items (self->model));
}

static GType
bp_list_pacer_get_item_type (GListModel *list)
{
  BpListPacer *self = BP_LIST_PACER (list);

  return self->model != NULL ? g_list_model_get_item_type (self->model) : G_TYPE_OBJECT;
}

static guint
bp_list_pacer_get_n_items (GListModel *list)
{
  BpListPacer *self = BP_LIST_PACER (list);

  return get_n_shown (self) + self->leftovers->len;
}

static gpointer
bp_list_pacer_get_item (GListModel *list,
                        guint       position)
{
  BpListPacer *self = BP_LIST_PACER (list);
  guint n_shown = get_n_shown (self);

  if (position < n_shown)
    return g_list_model_get_item (self->model, position);
  if (position - n_shown < self->leftovers->len)
    return g_object_ref (g_ptr_array_index (self->leftovers, position - n_shown));
  return NULL;
}

static void
bp_list_pacer_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = bp_list_pacer_get_item_type;
  iface->get_n_items = bp_list_pacer_get_n_items;
  iface->get_item = bp_list_pacer_get_item;
}

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

/* At a tick the view has laid out what the pacer held in the frame before:
 * the height of its rows is the scrolled height over their number. Measured
 * here, not when asked: after a restart the scrolled height is still the
 * longer list's until the next layout. */
static void
measure_rows (BpListPacer *self)
{
  GtkAdjustment *rows;
  guint n_items = g_list_model_get_n_items (G_LIST_MODEL (self));

  if (!GTK_IS_SCROLLABLE (self->view) || n_items == 0)
    return;

  rows = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->view));
  if (rows != NULL && gtk_adjustment_get_upper (rows) / n_items >= 1)
    self->row_height = gtk_adjustment_get_upper (rows) / n_items;
}

/* Whether the view shows none of its rows past the first @n_rows, as last
 * laid out (and scrolled since). */
static gboolean
shows_first_rows_only (BpListPacer *self,
                       guint        n_rows)
{
  GtkAdjustment *rows;

  if (!GTK_IS_SCROLLABLE (self->view) || self->row_height < 1)
    return FALSE;

  rows = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->view));
  return rows != NULL && gtk_adjustment_get_page_size (rows) > 0
         && gtk_adjustment_get_value (rows) + gtk_adjustment_get_page_size (rows) <= n_rows * self->row_height;
}

gboolean
bp_list_pacer_is_complete (BpListPacer *self)
{
  g_return_val_if_fail (BP_IS_LIST_PACER (self), FALSE);

  return self->leftovers->len == 0 && self->size >= g_list_model_get_n_items (self->model);
}

/* How many of the model's first items the view shows: its items from there
 * on may be leftovers of an earlier list, which are no positions of the
 * model's. */
guint
bp_list_pacer_get_n_shown (BpListPacer *self)
{
  g_return_val_if_fail (BP_IS_LIST_PACER (self), 0);

  return get_n_shown (self);
}

/* Removes the last @n_drop leftovers, and so destroys their rows. */
static void
drop_leftovers (BpListPacer *self,
                guint        n_drop)
{
  guint n_leftovers = self->leftovers->len;

  if (n_drop == 0)
    return;

  g_ptr_array_remove_range (self->leftovers, n_leftovers - n_drop, n_drop);
  g_list_model_items_changed (G_LIST_MODEL (self), get_n_shown (self) + n_leftovers - n_drop, n_drop, 0);
}

/* Tells the view that of the items shown from @position on, @removed went
 * and @added came (@n_before were shown, @n_after are). An item is in the
 * view once only: GTK 4.8 finds a row by its item, and warns of an item
 * twice. A leftover that comes among the items shown leaves the leftovers
 * in the same change, together with every item shown after @position and
 * the leftovers before it, which come back as they were: GTK keeps their
 * rows, and gives the leftover's row to the item shown. */
static void
emit_shown_change (BpListPacer *self,
                   guint        position,
                   guint        removed,
                   guint        added,
                   guint        n_before,
                   guint        n_after)
{
  g_autoptr(GHashTable) came = NULL;
  g_autoptr(GPtrArray) leftovers = NULL;
  guint n_through = 0;   /* leftovers up to the last one that came */
  guint n_kept = 0;      /* ... of which stay leftovers */

  if (self->leftovers->len > 0 && added > 0)
    {
      came = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
      for (guint i = position; i < position + added; i++)
        g_hash_table_add (came, g_list_model_get_item (self->model, i));

      for (guint i = 0; i < self->leftovers->len; i++)
        if (g_hash_table_contains (came, g_ptr_array_index (self->leftovers, i)))
          n_through = i + 1;
    }

  if (n_through == 0)
    {
      g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
      return;
    }

  leftovers = g_ptr_array_new_full (self->leftovers->len, g_object_unref);
  for (guint i = 0; i < self->leftovers->len; i++)
    {
      gpointer leftover = g_ptr_array_index (self->leftovers, i);

      if (i < n_through && g_hash_table_contains (came, leftover))
        continue;
      g_ptr_array_add (leftovers, g_object_ref (leftover));
      if (i < n_through)
        n_kept++;
    }
  g_ptr_array_unref (self->leftovers);
  self->leftovers = g_steal_pointer (&leftovers);

  g_list_model_items_changed (G_LIST_MODEL (self), position,
                              n_before - position + n_through, n_after - position + n_kept);
}

static void
set_size (BpListPacer *self,
          guint        size)
{
  guint n_shown = get_n_shown (self);
  guint n_now;

  /* Past GTK's rows the rest costs no widget: show it all, and keep showing
   * whatever the model gains. */
  if (size >= GTK_BUILT_ROWS)
    size = G_MAXUINT;

  /* Leftovers would come after the whole model: they go first. */
  if (size >= g_list_model_get_n_items (self->model))
    drop_leftovers (self, self->leftovers->len);

  self->size = size;
  n_now = get_n_shown (self);
  if (n_now > n_shown)
    emit_shown_change (self, n_shown, 0, n_now - n_shown, n_shown, n_now);
  else if (n_now < n_shown)
    g_list_model_items_changed (G_LIST_MODEL (self), n_now, n_shown - n_now, 0);
}

static gboolean
tick_cb (GtkWidget     *view,
         GdkFrameClock *frame_clock,
         gpointer       user_data)
{
  BpListPacer *self = user_data;

  /* Scrolled towards the leftovers since the last frame: they go before
   * this frame is laid out, which would show them. */
  if (self->leftovers->len > 0 && !shows_first_rows_only (self, get_n_shown (self)))
    drop_leftovers (self, self->leftovers->len);

  /* The first tick comes in the frame that draws the first screenful: it
   * stays that frame's only rows. */
  if (self->is_first_tick)
    self->is_first_tick = FALSE;
  else if (!bp_list_pacer_is_complete (self))
    {
      guint screenful;

      measure_rows (self);
      screenful = get_screenful (self);
      /* A screenful of rows destroyed costs about a quarter of one built. */
      drop_leftovers (self, MIN (self->leftovers->len, screenful));
      set_size (self, self->size + screenful);
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

/* An empty model shows nothing whatever the size, so the size can change
 * without the view seeing it: whatever fills the model next (a search that
 * matched nothing and now matches thousands, a store read after the
 * window's first frame) reaches one screenful of rows first, counted as
 * things are now. */
static void
restart_if_empty (BpListPacer *self)
{
  if (g_list_model_get_n_items (self->model) == 0)
    self->size = get_screenful (self);
}

/* Scrolls the view the least that shows @position, which it has. */
static void
scroll_view_to (BpListPacer *self,
                guint        position)
{
  GtkWidget *list = self->view;

#if GTK_CHECK_VERSION (4, 12, 0)
  gtk_column_view_scroll_to (GTK_COLUMN_VIEW (list), position, NULL, GTK_LIST_SCROLL_NONE, NULL);
#else
  /* GTK 4.8's column view has no scroll_to(), and "list.scroll-to-item" is
   * an action of the list view inside it. */
  for (list = gtk_widget_get_first_child (list); list != NULL; list = gtk_widget_get_next_sibling (list))
    if (GTK_IS_LIST_VIEW (list))
      break;
  if (list != NULL)
    gtk_widget_activate_action (list, "list.scroll-to-item", "u", position);
  else
    g_warn_if_reached ();
#endif
}

/* The model's change, as the view sees it: only the first self->size items
 * are shown, and the leftovers after them stay while the model still fills
 * those rows. */
static void
model_items_changed_cb (BpListPacer *self,
                        guint        position,
                        guint        removed,
                        guint        added,
                        GListModel  *model)
{
  guint n_items = g_list_model_get_n_items (model);
  guint n_shown_before = MIN (self->size, n_items - added + removed);
  guint n_shown = MIN (self->size, n_items);

  if (position < self->size)
    {
      if (self->leftovers->len > 0 && n_shown < self->size)
        {
          guint n_leftovers = self->leftovers->len;

          g_ptr_array_set_size (self->leftovers, 0);
          g_list_model_items_changed (G_LIST_MODEL (self), position,
                                      n_shown_before - position + n_leftovers, n_shown - position);
        }
      else if (removed == added)
        emit_shown_change (self, position, MIN (removed, n_shown - position), MIN (added, n_shown - position),
                           n_shown_before, n_shown);
      else
        emit_shown_change (self, position, n_shown_before - position, n_shown - position,
                           n_shown_before, n_shown);

      /* GTK keeps an item at the top in its place when the change keeps it
       * in the first rows, further down (a new order): that would scroll
       * the leftovers into sight. */
      if (self->leftovers->len > 0 && n_shown > 0)
        scroll_view_to (self, 0);
    }

  restart_if_empty (self);
  if (added > 0)
    schedule_growth (self);
}

/* The first screenful only, then a screenful a frame, starting with the
 * frame after the one that draws it. */
static void
restart (BpListPacer *self)
{
  guint size = get_screenful (self);

  drop_leftovers (self, self->leftovers->len);
  if (self->size > size)
    set_size (self, size);
  schedule_growth (self);
  self->is_first_tick = TRUE;
}

/* The same as restart() for the view, which still shows the same items, but
 * the rows past the first @screenful become leftovers (not the model's any
 * more) instead of being destroyed now. */
static void
restart_keeping_leftovers (BpListPacer *self,
                           guint        screenful)
{
  guint n_shown = get_n_shown (self);
  g_autoptr(GPtrArray) leftovers = g_ptr_array_new_with_free_func (g_object_unref);

  /* Past GTK's rows there is no row to keep: those items go now, which
   * costs the view its bookkeeping only. Leftovers are never past them. */
  if (n_shown > GTK_BUILT_ROWS)
    {
      self->size = GTK_BUILT_ROWS;
      g_list_model_items_changed (G_LIST_MODEL (self), GTK_BUILT_ROWS, n_shown - GTK_BUILT_ROWS, 0);
      n_shown = GTK_BUILT_ROWS;
    }

  for (guint i = screenful; i < n_shown; i++)
    g_ptr_array_add (leftovers, g_list_model_get_item (self->model, i));
  g_ptr_array_extend_and_steal (leftovers, g_steal_pointer (&self->leftovers));
  self->leftovers = g_steal_pointer (&leftovers);
  self->size = screenful;

  /* Nor past GTK's rows for leftovers of leftovers. */
  if (screenful + self->leftovers->len > GTK_BUILT_ROWS)
    drop_leftovers (self, screenful + self->leftovers->len - GTK_BUILT_ROWS);

  schedule_growth (self);
  self->is_first_tick = TRUE;
}

/* Before a change that may replace many of the rows built (a new search, a
 * new order). GTK 4.8 builds a row for each item that comes into its first
 * 200 and destroys the row of each that leaves, about 0.3 ms a row built
 * and a quarter of that destroyed on the machine of docs/performance.md.
 * Showing the first screenful only first, before the change, lets the
 * change reach a screenful of rows; the rest grows back frame by frame.
 * While the view shows its first screenful, the rows past it become
 * leftovers, if this pacer keeps them, destroyed in the frames after;
 * otherwise they are destroyed now. That pays when the change would replace
 * more rows than about two screenfuls, which @count_replaced says of the
 * model's first @n_rows (counting no further than its @enough); without it
 * every row is taken to be replaced.
 *
 * A selected item past the first screenful leaves the selection model then,
 * or with its leftover row, which forgets it: the caller selects it again
 * once it is back (the window does, bp-window.c's reselect_current()).
 * Keeping every item up to it would build every row again when it is far
 * down. */
void
bp_list_pacer_prepare_change (BpListPacer             *self,
                              BpListPacerCountReplaced count_replaced,
                              gpointer                 user_data)
{
  guint n_rows;
  guint n_shown;
  guint screenful;

  g_return_if_fail (BP_IS_LIST_PACER (self));

  screenful = get_screenful (self);
  n_rows = MIN (g_list_model_get_n_items (G_LIST_MODEL (self)), GTK_BUILT_ROWS);
  n_shown = get_n_shown (self);
  if (n_rows <= screenful)
    return;

  /* Of the leftovers, if any, the frames to come destroy the rows anyway:
   * only the model's rows are counted. */
  if (count_replaced != NULL
      && count_replaced (MIN (n_rows, n_shown), 2 * screenful + 1, user_data) <= 2 * screenful)
    return;

  /* Keystrokes faster than frames find the first screenful and leftovers
   * after it: the new leftovers go before them. */
  if (self->keeps_leftovers && n_shown >= screenful && (n_shown > screenful || self->leftovers->len > 0)
      && shows_first_rows_only (self, screenful))
    restart_keeping_leftovers (self, screenful);
  else
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
  g_return_if_fail (BP_IS_LIST_PACER (self));

  if (position == GTK_INVALID_LIST_POSITION || position < get_n_shown (self))
    return;

  drop_leftovers (self, self->leftovers->len);
  set_size (self, position + get_screenful (self));
  schedule_growth (self);
}

/* Scrolls the view the least that shows @position, shown first; nothing if
 * the model has no such position. */
void
bp_list_pacer_scroll_to (BpListPacer *self,
                         guint        position)
{
  g_return_if_fail (BP_IS_LIST_PACER (self));

  if (self->view == NULL || self->model == NULL || position >= g_list_model_get_n_items (self->model))
    return;

  bp_list_pacer_reveal (self, position);
  scroll_view_to (self, position);
}

/* Whether a change that replaces the rows leaves those past the first
 * screenful for the frames after it (see the top of this file). Only for a
 * model whose items stay valid when they leave it: a tree list's rows, say,
 * lose their item. Without effect on GTK 4.12 and later. */
void
bp_list_pacer_set_keeps_leftovers (BpListPacer *self,
                                   gboolean     keeps_leftovers)
{
  g_return_if_fail (BP_IS_LIST_PACER (self));

#if GTK_CHECK_VERSION (4, 12, 0)
  keeps_leftovers = FALSE;
#endif
  if (!keeps_leftovers)
    drop_leftovers (self, self->leftovers->len);
  self->keeps_leftovers = keeps_leftovers;
}

GListModel *
bp_list_pacer_get_model (BpListPacer *self)
{
  g_return_val_if_fail (BP_IS_LIST_PACER (self), NULL);

  return G_LIST_MODEL (self);
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
  g_ptr_array_set_size (self->leftovers, 0);
  g_clear_object (&self->model);

  G_OBJECT_CLASS (bp_list_pacer_parent_class)->dispose (object);
}

static void
bp_list_pacer_finalize (GObject *object)
{
  BpListPacer *self = BP_LIST_PACER (object);

  g_ptr_array_unref (self->leftovers);

  G_OBJECT_CLASS (bp_list_pacer_parent_class)->finalize (object);
}

static void
bp_list_pacer_class_init (BpListPacerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = bp_list_pacer_dispose;
  object_class->finalize = bp_list_pacer_finalize;
}

static void
bp_list_pacer_init (BpListPacer *self)
{
  self->leftovers = g_ptr_array_new_with_free_func (g_object_unref);
}

/* Paces @model into @view, a column view, which should show
 * bp_list_pacer_get_model(). */
BpListPacer *
bp_list_pacer_new (GListModel *model,
                   GtkWidget  *view)
{
  BpListPacer *self;

  g_return_val_if_fail (G_IS_LIST_MODEL (model), NULL);
  g_return_val_if_fail (GTK_IS_COLUMN_VIEW (view), NULL);

  self = g_object_new (BP_TYPE_LIST_PACER, NULL);
  self->model = g_object_ref (model);
  g_set_weak_pointer (&self->view, view);
  self->size = get_screenful (self);
  g_signal_connect_object (model, "items-changed", G_CALLBACK (model_items_changed_cb), self, G_CONNECT_SWAPPED);
  schedule_growth (self);

  return self;
}

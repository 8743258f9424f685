/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-limits-dialog"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "bp-error.h"
#include "bp-limits-dialog.h"
#include "bp-list-pacer.h"

/* The org limits of one account (issue 5, SALESFORCE.md §5): a column view
 * over a tree of the limits (per-app entries as child rows), filtered by the
 * search text and the "above 50 %" switch, sorted by usage, most used first.
 *
 *   BpLimits → GtkFilterListModel → GtkTreeListModel → GtkSortListModel
 *     (GtkTreeListRowSorter: children sort within their parent)
 *   → GtkSingleSelection → GtkColumnView
 *
 * A fetch asks the keeper for an access token (its instance URL is the org
 * shown in the header; the keeper caches the token) and then for the limits
 * (refresh once on 401 is the keeper's). Closing the dialog cancels it. */

/* The usage bar's offsets: a GtkLevelBar gives its fill the name of the
 * lowest offset at or above the value, so "bp-usage-normal" ends just below
 * 80 % and "bp-usage-warning" just below 95 %. */
#define USAGE_NORMAL   "bp-usage-normal"
#define USAGE_WARNING  "bp-usage-warning"
#define USAGE_CRITICAL "bp-usage-critical"

/* The largest double below @value (> 0): nextafter() without libm. */
static double
just_below (double value)
{
  union
  {
    double  value;
    guint64 bits;
  } number = { value };

  g_assert (value > 0);
  number.bits--;
  return number.value;
}

/* The "Show only limits above 50 %" switch. */
#define ABOVE_HALF_FRACTION 0.5

struct _BpLimitsDialog
{
  GtkWindow            parent_instance;

  BpSalesforceAccount *account;
  BpTokenKeeper       *keeper;
  BpLimits            *limits;
  GCancellable        *cancellable;     /* the fetch in flight, or NULL */
  char                *search_text;     /* case-folded; NULL when empty */
  gboolean             has_fetched;
  gboolean             needs_new_token; /* the last fetch had no usable token */

  GtkCustomFilter     *filter;
  GtkFilterListModel  *filtered;
  GtkTreeListModel    *tree;
  GtkSortListModel    *sorted;
  BpListPacer         *pacer;      /* a screenful of rows a frame */
  GtkSingleSelection  *selection;

  /* Template children */
  GtkButton           *cancel_button;
  GtkSpinner          *spinner;
  GtkRevealer         *banner_revealer;
  GtkLabel            *banner_label;
  GtkWidget           *header_box;
  GtkWidget           *toolbar_box;
  GtkWidget           *toolbar_separator;
  GtkLabel            *summary_label;
  GtkLabel            *details_label;
  GtkSearchEntry      *search_entry;
  GtkCheckButton      *above_half_check;
  GtkStack            *content_stack;
  GtkSpinner          *loading_spinner;
  GtkImage            *empty_image;
  GtkLabel            *empty_title_label;
  GtkLabel            *empty_label;
  GtkColumnView       *limits_view;
  GtkColumnViewColumn *limit_column;
  GtkColumnViewColumn *used_column;
  GtkColumnViewColumn *max_column;
  GtkColumnViewColumn *remaining_column;
  GtkColumnViewColumn *usage_column;
};

G_DEFINE_FINAL_TYPE (BpLimitsDialog, bp_limits_dialog, GTK_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_ACCOUNT,
  PROP_KEEPER,
  PROP_LIMITS,
  PROP_IS_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  TOKEN_REJECTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ------------------------------------------------------------------ */
/* Formatting                                                          */

/* A count for people: thousands separators of the locale ("15,000" in
 * English, "15.000" in German) and a real minus sign. */
static char *
format_count (gint64 value)
{
  g_autofree char *digits = g_strdup_printf ("%'" G_GINT64_FORMAT, value < 0 ? -value : value);

  if (value < 0)
    return g_strconcat ("−", digits, NULL);

  return g_steal_pointer (&digits);
}

static char *
format_percent (BpLimit *limit)
{
  /* Translators: a percentage, "112 %" */
  return g_strdup_printf (_("%d %%"), bp_limit_get_percent (limit));
}

/* ------------------------------------------------------------------ */
/* The header, the banner and the pages                                */

static void
show_banner (BpLimitsDialog *self,
             const char     *message)
{
  gtk_label_set_text (self->banner_label, message);
  gtk_revealer_set_reveal_child (self->banner_revealer, TRUE);
}

static void
hide_banner (BpLimitsDialog *self)
{
  gtk_revealer_set_reveal_child (self->banner_revealer, FALSE);
}

static void
show_empty_page (BpLimitsDialog *self,
                 const char     *icon_name,
                 const char     *title,
                 const char     *description)
{
  gtk_image_set_from_icon_name (self->empty_image, icon_name);
  gtk_label_set_text (self->empty_title_label, title);
  gtk_label_set_text (self->empty_label, description);
  gtk_stack_set_visible_child_name (self->content_stack, "empty");
}

static void
update_page (BpLimitsDialog *self)
{
  gboolean is_loading = self->cancellable != NULL;

  gtk_spinner_set_spinning (self->loading_spinner, is_loading && self->limits == NULL);

  if (self->limits == NULL)
    {
      if (is_loading)
        gtk_stack_set_visible_child_name (self->content_stack, "loading");
      else if (self->keeper != NULL && self->needs_new_token)
        show_empty_page (self, "network-server-symbolic", _("No Limits"),
                         _("Request a new token for this account, then fetch the limits again."));
      else if (self->keeper != NULL)
        show_empty_page (self, "network-server-symbolic", _("No Limits"),
                         _("The limits were not fetched. Press Refresh to fetch them."));
      else
        show_empty_page (self, "network-server-symbolic", _("No Limits"), "");
      return;
    }

  if (g_list_model_get_n_items (G_LIST_MODEL (self->limits)) == 0)
    show_empty_page (self, "network-server-symbolic", _("No Limits"),
                     _("Salesforce did not report any limits for this org."));
  else if (g_list_model_get_n_items (G_LIST_MODEL (self->filtered)) == 0)
    show_empty_page (self, "edit-find-symbolic", _("No Matching Limits"),
                     _("Try another search, or show all limits."));
  else
    gtk_stack_set_visible_child_name (self->content_stack, "limits");
}

static void
update_header (BpLimitsDialog *self)
{
  g_autoptr(GPtrArray) details = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *summary = NULL;
  g_autofree char *text = NULL;
  const char *instance_url;
  BpLimit *most_used;
  GDateTime *fetched_at;
  guint n_warning;

  /* Nothing to sum up or search yet: the page in the middle says why. */
  gtk_widget_set_visible (self->header_box, self->limits != NULL);
  gtk_widget_set_visible (self->toolbar_box, self->limits != NULL);
  gtk_widget_set_visible (self->toolbar_separator, self->limits != NULL);
  if (self->limits == NULL)
    return;

  most_used = bp_limits_get_most_used (self->limits);
  n_warning = bp_limits_count_at_least (self->limits, BP_LIMIT_WARNING_FRACTION);
  if (most_used == NULL)
    {
      summary = g_strdup (_("Salesforce reported no limits."));
    }
  else
    {
      g_autofree char *percent = format_percent (most_used);
      g_autofree char *count = NULL;

      if (n_warning == 0)
        /* xgettext:no-c-format */
        count = g_strdup (_("No limit is at 80 % or more."));
      else
        count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                              "%u limit is at 80 %% or more.",
                                              "%u limits are at 80 %% or more.",
                                              n_warning),
                                 n_warning);
      /* Translators: the first %s says how many limits are at 80 % or more,
       * then the most used limit and its percentage: "Data Storage (MB): 140 %" */
      summary = g_strdup_printf (_("%s Most used: %s: %s"), count, bp_limit_get_title (most_used), percent);
    }
  gtk_label_set_text (self->summary_label, summary);

  instance_url = bp_limits_get_instance_url (self->limits);
  if (instance_url != NULL && *instance_url != '\0')
    g_ptr_array_add (details, g_strdup (instance_url));
  if (bp_limits_get_api_version (self->limits) != NULL)
    g_ptr_array_add (details, g_strdup_printf (_("API %s"), bp_limits_get_api_version (self->limits)));

  fetched_at = bp_limits_get_fetched_at (self->limits);
  if (fetched_at != NULL)
    {
      g_autoptr(GDateTime) local = g_date_time_to_local (fetched_at);
      g_autofree char *time = g_date_time_format (local, "%X");

      /* Translators: %s is a time of day in the locale's format */
      g_ptr_array_add (details, g_strdup_printf (_("Fetched at %s"), time));
    }

  g_ptr_array_add (details, g_strdup (_("Values are accurate within about five minutes.")));

  if (bp_limits_get_n_skipped (self->limits) > 0)
    {
      guint n_skipped = bp_limits_get_n_skipped (self->limits);

      g_ptr_array_add (details,
                       g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                     "%u entry could not be read and is not shown.",
                                                     "%u entries could not be read and are not shown.",
                                                     n_skipped),
                                        n_skipped));
    }

  g_ptr_array_add (details, NULL);
  text = g_strjoinv (" · ", (char **) details->pdata);
  gtk_label_set_text (self->details_label, text);
}

static void
set_loading (BpLimitsDialog *self,
             GCancellable   *cancellable)
{
  gboolean was_loading = self->cancellable != NULL;
  gboolean is_loading = cancellable != NULL;

  /* A new fetch may find a token that was requested meanwhile. */
  if (is_loading)
    self->needs_new_token = FALSE;

  if (self->cancellable != cancellable)
    {
      g_clear_object (&self->cancellable);
      if (cancellable != NULL)
        self->cancellable = g_object_ref (cancellable);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), is_loading);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), is_loading);
  gtk_spinner_set_spinning (self->spinner, is_loading);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "limits.refresh", !is_loading && self->keeper != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "limits.cancel", is_loading);

  update_header (self);
  update_page (self);

  if (was_loading != is_loading)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IS_LOADING]);
}

/* ------------------------------------------------------------------ */
/* Filtering                                                           */

static gboolean
limit_matches_text (BpLimit    *limit,
                    const char *search_text)
{
  g_autofree char *title = g_utf8_casefold (bp_limit_get_title (limit), -1);
  g_autofree char *name = g_utf8_casefold (bp_limit_get_name (limit), -1);

  return strstr (title, search_text) != NULL || strstr (name, search_text) != NULL;
}

static gboolean
any_child_matches_text (BpLimit    *limit,
                        const char *search_text)
{
  GListModel *children = bp_limit_get_children (limit);

  for (guint i = 0; children != NULL && i < g_list_model_get_n_items (children); i++)
    {
      g_autoptr(BpLimit) child = g_list_model_get_item (children, i);

      if (limit_matches_text (child, search_text))
        return TRUE;
    }

  return FALSE;
}

static gboolean
is_above_half (BpLimit *limit)
{
  GListModel *children = bp_limit_get_children (limit);

  if (bp_limit_get_fraction (limit) > ABOVE_HALF_FRACTION)
    return TRUE;

  for (guint i = 0; children != NULL && i < g_list_model_get_n_items (children); i++)
    {
      g_autoptr(BpLimit) child = g_list_model_get_item (children, i);

      if (bp_limit_get_fraction (child) > ABOVE_HALF_FRACTION)
        return TRUE;
    }

  return FALSE;
}

/* A top-level limit is shown when it, or one of its children, matches. */
static gboolean
filter_limit_cb (gpointer item,
                 gpointer user_data)
{
  BpLimitsDialog *self = user_data;
  BpLimit *limit = item;

  if (gtk_check_button_get_active (self->above_half_check) && !is_above_half (limit))
    return FALSE;

  if (self->search_text == NULL)
    return TRUE;

  return limit_matches_text (limit, self->search_text) || any_child_matches_text (limit, self->search_text);
}

/* Opens the limits shown only because of a child, so that the child shows. */
static void
expand_matching_parents (BpLimitsDialog *self)
{
  if (self->search_text == NULL)
    return;

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->tree)); i++)
    {
      g_autoptr(GtkTreeListRow) row = gtk_tree_list_model_get_row (self->tree, i);
      BpLimit *limit;

      if (row == NULL || gtk_tree_list_row_get_depth (row) > 0)
        continue;

      limit = BP_LIMIT (gtk_tree_list_row_get_item (row));
      if (!limit_matches_text (limit, self->search_text) && any_child_matches_text (limit, self->search_text))
        gtk_tree_list_row_set_expanded (row, TRUE);
      g_object_unref (limit);
    }
}

static void
refilter (BpLimitsDialog *self)
{
  bp_list_pacer_prepare_change (self->pacer, NULL, NULL);
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  expand_matching_parents (self);
  /* A new search shows its first matches, not the place the list had been
   * scrolled to. */
  bp_list_pacer_scroll_to (self->pacer, 0);
  update_page (self);
}

static void
on_search_changed_cb (BpLimitsDialog *self,
                      GtkSearchEntry *entry)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));
  g_autofree char *stripped = g_strstrip (g_strdup (text));

  g_clear_pointer (&self->search_text, g_free);
  if (*stripped != '\0')
    self->search_text = g_utf8_casefold (stripped, -1);

  refilter (self);
}

static void
on_search_stopped_cb (BpLimitsDialog *self,
                      GtkSearchEntry *entry)
{
  /* Escape clears the search; on an empty search it closes the dialog. */
  if (*gtk_editable_get_text (GTK_EDITABLE (entry)) == '\0')
    gtk_window_close (GTK_WINDOW (self));
  else
    gtk_editable_set_text (GTK_EDITABLE (entry), "");
}

static void
on_above_half_toggled_cb (BpLimitsDialog *self,
                          GtkCheckButton *check)
{
  refilter (self);
}

static void
filtered_items_changed_cb (BpLimitsDialog *self,
                           guint           position,
                           guint           removed,
                           guint           added,
                           GListModel     *model)
{
  update_page (self);
}

static GListModel *
create_children_cb (gpointer item,
                    gpointer user_data)
{
  GListModel *children = bp_limit_get_children (BP_LIMIT (item));

  return children != NULL ? g_object_ref (children) : NULL;
}

/* ------------------------------------------------------------------ */
/* Cells                                                               */

static BpLimit *
get_limit (GtkListItem *item)
{
  GtkTreeListRow *row = gtk_list_item_get_item (item);

  /* The row holds the item; the list item holds the row. */
  return BP_LIMIT (gtk_tree_list_row_get_item (row));
}

static void
set_dimmed (GtkWidget *widget,
            BpLimit   *limit)
{
  /* A limit with Max 0 (most per-app entries) is not in use. */
  if (bp_limit_get_max (limit) == 0)
    gtk_widget_add_css_class (widget, "dim-label");
  else
    gtk_widget_remove_css_class (widget, "dim-label");
}

static void
setup_limit_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  user_data)
{
  GtkWidget *expander = gtk_tree_expander_new ();
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_tree_expander_set_child (GTK_TREE_EXPANDER (expander), label);
  gtk_list_item_set_child (item, expander);
}

/* GTK 4.8 asks the display server where the pointer is each time a visible
 * widget gets a tooltip: a round trip for each of the 200 rows a column
 * view builds (half the time to show 5,000 limits under X11). A cell being
 * bound needs no such check, so its tooltip is set while it is hidden. */
static void
set_tooltip_text (GtkWidget  *widget,
                  const char *text)
{
  gboolean is_visible = gtk_widget_get_visible (widget);

  if (g_strcmp0 (gtk_widget_get_tooltip_text (widget), text) == 0)
    return;

  gtk_widget_set_visible (widget, FALSE);
  gtk_widget_set_tooltip_text (widget, text);
  gtk_widget_set_visible (widget, is_visible);
}

static void
bind_limit_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  g_autoptr(BpLimit) limit = get_limit (item);
  GtkWidget *expander = gtk_list_item_get_child (item);
  GtkWidget *label = gtk_tree_expander_get_child (GTK_TREE_EXPANDER (expander));

  gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (expander), gtk_list_item_get_item (item));
  gtk_label_set_text (GTK_LABEL (label), bp_limit_get_title (limit));
  set_tooltip_text (label, bp_limit_get_name (limit));
  set_dimmed (label, limit);
}

static void
unbind_limit_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 gpointer                  user_data)
{
  gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (gtk_list_item_get_child (item)), NULL);
}

static void
setup_count_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_widget_add_css_class (label, "bp-number");
  gtk_list_item_set_child (item, label);
}

typedef gint64 (*CountGetter) (BpLimit *limit);

static void
bind_count (GtkListItem *item,
            CountGetter  get_count)
{
  g_autoptr(BpLimit) limit = get_limit (item);
  g_autofree char *text = format_count (get_count (limit));
  GtkWidget *label = gtk_list_item_get_child (item);

  gtk_label_set_text (GTK_LABEL (label), text);
  set_dimmed (label, limit);
}

static void
bind_used_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  user_data)
{
  bind_count (item, bp_limit_get_used);
}

static void
bind_max_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             gpointer                  user_data)
{
  bind_count (item, bp_limit_get_max);
}

static void
bind_remaining_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *item,
                   gpointer                  user_data)
{
  bind_count (item, bp_limit_get_remaining);
}

static void
setup_usage_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *bar = gtk_level_bar_new_for_interval (0, 1);
  GtkWidget *label = gtk_label_new (NULL);
  GtkLevelBar *level_bar = GTK_LEVEL_BAR (bar);

  gtk_level_bar_remove_offset_value (level_bar, GTK_LEVEL_BAR_OFFSET_LOW);
  gtk_level_bar_remove_offset_value (level_bar, GTK_LEVEL_BAR_OFFSET_HIGH);
  gtk_level_bar_remove_offset_value (level_bar, GTK_LEVEL_BAR_OFFSET_FULL);
  gtk_level_bar_add_offset_value (level_bar, USAGE_NORMAL, just_below (BP_LIMIT_WARNING_FRACTION));
  gtk_level_bar_add_offset_value (level_bar, USAGE_WARNING, just_below (BP_LIMIT_CRITICAL_FRACTION));
  gtk_level_bar_add_offset_value (level_bar, USAGE_CRITICAL, 1.0);
  gtk_widget_set_hexpand (bar, TRUE);
  gtk_widget_set_valign (bar, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (bar, "bp-usage");

  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_label_set_width_chars (GTK_LABEL (label), 6);
  gtk_widget_add_css_class (label, "bp-number");

  gtk_box_append (GTK_BOX (box), bar);
  gtk_box_append (GTK_BOX (box), label);
  gtk_list_item_set_child (item, box);
}

static void
bind_usage_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  g_autoptr(BpLimit) limit = get_limit (item);
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *bar = gtk_widget_get_first_child (box);
  GtkWidget *label = gtk_widget_get_next_sibling (bar);
  gboolean has_max = bp_limit_get_max (limit) > 0;
  g_autofree char *percent = format_percent (limit);
  g_autofree char *used = format_count (bp_limit_get_used (limit));
  g_autofree char *max = format_count (bp_limit_get_max (limit));
  g_autofree char *description = NULL;

  /* Over 100 %: the bar is full, in the critical colour. */
  gtk_level_bar_set_value (GTK_LEVEL_BAR (bar), CLAMP (bp_limit_get_fraction (limit), 0.0, 1.0));

  if (has_max)
    /* Translators: "Daily API Requests: 984 of 15,000 used (6 %)" */
    description = g_strdup_printf (_("%s: %s of %s used (%s)"), bp_limit_get_title (limit), used, max, percent);
  else
    /* Translators: a limit whose maximum is 0 */
    description = g_strdup_printf (_("%s: no maximum"), bp_limit_get_title (limit));

  set_tooltip_text (bar, description);
  gtk_accessible_update_property (GTK_ACCESSIBLE (bar),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, description,
                                  -1);

  gtk_label_set_text (GTK_LABEL (label), has_max ? percent : "—");
  set_dimmed (label, limit);
  if (bp_limit_get_percent (limit) > 100)
    gtk_widget_add_css_class (label, "bp-usage-over");
  else
    gtk_widget_remove_css_class (label, "bp-usage-over");
}

static void
set_column (GtkColumnViewColumn *column,
            GCallback            setup,
            GCallback            bind,
            GCallback            unbind,
            GtkSorter           *sorter)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  g_signal_connect (factory, "setup", setup, NULL);
  g_signal_connect (factory, "bind", bind, NULL);
  if (unbind != NULL)
    g_signal_connect (factory, "unbind", unbind, NULL);

  gtk_column_view_column_set_factory (column, factory);
  gtk_column_view_column_set_sorter (column, sorter);
  g_object_unref (sorter);
}

/* GtkColumnViewSorter (GTK 4.8) compares two limits at a time: through
 * property expressions every comparison read GValues, and a GtkStringSorter
 * made both titles' collation keys each time; 5,000 limits take some 60,000
 * comparisons. These read the limit directly, and a title's key, made as
 * GtkStringSorter makes it (ignoring case), is kept on the limit, which
 * never changes. */
typedef enum
{
  SORT_BY_USED,
  SORT_BY_MAX,
  SORT_BY_REMAINING,
  SORT_BY_FRACTION,
} SortBy;

#define COMPARE(a, b) (((a) > (b)) - ((a) < (b)))

static int
compare_values_cb (gconstpointer a,
                   gconstpointer b,
                   gpointer      user_data)
{
  BpLimit *x = (BpLimit *) a;
  BpLimit *y = (BpLimit *) b;

  switch ((SortBy) GPOINTER_TO_INT (user_data))
    {
    case SORT_BY_USED:
      return COMPARE (bp_limit_get_used (x), bp_limit_get_used (y));
    case SORT_BY_MAX:
      return COMPARE (bp_limit_get_max (x), bp_limit_get_max (y));
    case SORT_BY_REMAINING:
      return COMPARE (bp_limit_get_remaining (x), bp_limit_get_remaining (y));
    case SORT_BY_FRACTION:
    default:
      return COMPARE (bp_limit_get_fraction (x), bp_limit_get_fraction (y));
    }
}

#undef COMPARE

static const char *
get_title_key (BpLimit *limit)
{
  static GQuark quark;
  char *key;

  if (quark == 0)
    quark = g_quark_from_static_string ("bp-limits-dialog-title-key");

  key = g_object_get_qdata (G_OBJECT (limit), quark);
  if (key == NULL)
    {
      g_autofree char *folded = g_utf8_casefold (bp_limit_get_title (limit), -1);

      key = g_utf8_collate_key (folded, -1);
      g_object_set_qdata_full (G_OBJECT (limit), quark, key, g_free);
    }

  return key;
}

static int
compare_titles_cb (gconstpointer a,
                   gconstpointer b,
                   gpointer      user_data)
{
  return strcmp (get_title_key ((BpLimit *) a), get_title_key ((BpLimit *) b));
}

static GtkSorter *
new_numeric_sorter (SortBy sort_by)
{
  return GTK_SORTER (gtk_custom_sorter_new (compare_values_cb, GINT_TO_POINTER (sort_by), NULL));
}

static GtkSorter *
new_title_sorter (void)
{
  return GTK_SORTER (gtk_custom_sorter_new (compare_titles_cb, NULL, NULL));
}

static void
setup_columns (BpLimitsDialog *self)
{
  set_column (self->limit_column, G_CALLBACK (setup_limit_cb), G_CALLBACK (bind_limit_cb),
              G_CALLBACK (unbind_limit_cb), new_title_sorter ());
  set_column (self->used_column, G_CALLBACK (setup_count_cb), G_CALLBACK (bind_used_cb), NULL,
              new_numeric_sorter (SORT_BY_USED));
  set_column (self->max_column, G_CALLBACK (setup_count_cb), G_CALLBACK (bind_max_cb), NULL,
              new_numeric_sorter (SORT_BY_MAX));
  set_column (self->remaining_column, G_CALLBACK (setup_count_cb), G_CALLBACK (bind_remaining_cb), NULL,
              new_numeric_sorter (SORT_BY_REMAINING));
  set_column (self->usage_column, G_CALLBACK (setup_usage_cb), G_CALLBACK (bind_usage_cb), NULL,
              new_numeric_sorter (SORT_BY_FRACTION));

  /* Most used first. */
  gtk_column_view_sort_by_column (self->limits_view, self->usage_column, GTK_SORT_DESCENDING);
}

static void
setup_model (BpLimitsDialog *self)
{
  GtkMultiSorter *sorter = gtk_multi_sorter_new ();
  GtkTreeListRowSorter *row_sorter;

  self->filter = gtk_custom_filter_new (filter_limit_cb, self, NULL);
  self->filtered = gtk_filter_list_model_new (NULL, GTK_FILTER (g_object_ref (self->filter)));
  g_signal_connect_object (self->filtered, "items-changed", G_CALLBACK (filtered_items_changed_cb), self,
                           G_CONNECT_SWAPPED);
  self->tree = gtk_tree_list_model_new (G_LIST_MODEL (g_object_ref (self->filtered)), FALSE, FALSE,
                                        create_children_cb, NULL, NULL);

  /* The clicked column, then the title for equal values, whatever the
   * column's direction; children stay under their parent. */
  gtk_multi_sorter_append (sorter, g_object_ref (gtk_column_view_get_sorter (self->limits_view)));
  gtk_multi_sorter_append (sorter, new_title_sorter ());
  row_sorter = gtk_tree_list_row_sorter_new (GTK_SORTER (sorter));

  self->sorted = gtk_sort_list_model_new (G_LIST_MODEL (g_object_ref (self->tree)), GTK_SORTER (row_sorter));
  /* 5,000 limits: GTK 4.8 would build 200 rows for the first frame. */
  self->pacer = bp_list_pacer_new (G_LIST_MODEL (self->sorted), GTK_WIDGET (self->limits_view));
  self->selection = gtk_single_selection_new (g_object_ref (bp_list_pacer_get_model (self->pacer)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_column_view_set_model (self->limits_view, GTK_SELECTION_MODEL (self->selection));
}

/* ------------------------------------------------------------------ */
/* Fetching                                                            */

typedef struct
{
  BpLimitsDialog *self;
  GCancellable   *cancellable;
  char           *instance_url;
} Fetch;

static void
fetch_free (Fetch *fetch)
{
  g_object_unref (fetch->self);
  g_object_unref (fetch->cancellable);
  g_free (fetch->instance_url);
  g_free (fetch);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Fetch, fetch_free)

static void
fetch_failed (BpLimitsDialog *self,
              const GError   *error)
{
  g_object_ref (self);

  /* Refused by Salesforce, or not in the keyring (a store copied from
   * another computer): either way the account needs a new token, and the
   * list must stop saying "Authorized". */
  self->needs_new_token = g_error_matches (error, BP_ERROR, BP_ERROR_INVALID_GRANT)
                          || g_error_matches (error, BP_ERROR, BP_ERROR_SECRET_NOT_FOUND);
  set_loading (self, NULL);

  if (self->needs_new_token)
    {
      /* The keyring's own message says the token is missing. */
      show_banner (self, g_error_matches (error, BP_ERROR, BP_ERROR_INVALID_GRANT)
                           ? _("The refresh token is no longer valid: press Request token.")
                           : error->message);
      g_signal_emit (self, signals[TOKEN_REJECTED], 0, self->account);
    }
  else
    {
      /* The keeper's messages say what happened and what to do: network,
       * TLS, timeout, 403 with Salesforce's message and the permission hint. */
      show_banner (self, error->message);
    }

  g_object_unref (self);
}

static void
limits_fetched_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(Fetch) fetch = user_data;
  BpLimitsDialog *self = fetch->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(BpLimits) limits = NULL;
  g_autofree char *api_version = NULL;
  const char *data;
  gsize length;

  body = bp_token_keeper_fetch_limits_finish (BP_TOKEN_KEEPER (object), result, &api_version, &error);

  /* Cancelled, closed, or replaced by a newer fetch: nothing to show. */
  if (g_cancellable_is_cancelled (fetch->cancellable))
    return;

  if (body == NULL)
    {
      fetch_failed (self, error);
      return;
    }

  data = g_bytes_get_data (body, &length);
  limits = bp_limits_new_from_json (data, length, &error);
  if (limits == NULL)
    {
      fetch_failed (self, error);
      return;
    }

  bp_limits_set_instance_url (limits, fetch->instance_url);
  bp_limits_set_api_version (limits, api_version);
  bp_limits_dialog_set_limits (self, limits);
}

static void
access_token_got_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(Fetch) fetch = user_data;
  g_autoptr(BpSalesforceTokens) tokens = NULL;
  g_autoptr(GError) error = NULL;
  BpSalesforceAccount *account;
  GCancellable *cancellable;

  tokens = bp_token_keeper_get_access_token_finish (BP_TOKEN_KEEPER (object), result, &error);
  if (g_cancellable_is_cancelled (fetch->cancellable))
    return;

  if (tokens == NULL)
    {
      fetch_failed (fetch->self, error);
      return;
    }

  /* The keeper keeps the access token: the limits request uses it. */
  fetch->instance_url = g_strdup (bp_salesforce_tokens_get_instance_url (tokens));
  account = fetch->self->account;
  cancellable = fetch->cancellable;
  bp_token_keeper_fetch_limits_async (BP_TOKEN_KEEPER (object), account, cancellable,
                                      limits_fetched_cb, g_steal_pointer (&fetch));
}

static void
cancel_fetch (BpLimitsDialog *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}

/* Whether every limit the search lets through has reached the list view
 * (bp-list-pacer.c): for build-aux/bench and the tests. */
gboolean
bp_limits_dialog_is_list_complete (BpLimitsDialog *self)
{
  g_return_val_if_fail (BP_IS_LIMITS_DIALOG (self), FALSE);

  return bp_list_pacer_is_complete (self->pacer);
}

void
bp_limits_dialog_refresh (BpLimitsDialog *self)
{
  g_autoptr(GCancellable) cancellable = NULL;
  Fetch *fetch;

  g_return_if_fail (BP_IS_LIMITS_DIALOG (self));

  if (self->keeper == NULL)
    return;

  cancel_fetch (self);
  self->has_fetched = TRUE;

  cancellable = g_cancellable_new ();
  hide_banner (self);
  set_loading (self, cancellable);

  fetch = g_new0 (Fetch, 1);
  fetch->self = g_object_ref (self);
  fetch->cancellable = g_object_ref (cancellable);
  bp_token_keeper_get_access_token_async (self->keeper, self->account, FALSE, cancellable,
                                          access_token_got_cb, fetch);
}

gboolean
bp_limits_dialog_get_is_loading (BpLimitsDialog *self)
{
  g_return_val_if_fail (BP_IS_LIMITS_DIALOG (self), FALSE);

  return self->cancellable != NULL;
}

/* ------------------------------------------------------------------ */
/* Actions                                                             */

static void
refresh_activated_cb (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  bp_limits_dialog_refresh (BP_LIMITS_DIALOG (widget));
}

static void
cancel_activated_cb (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  BpLimitsDialog *self = BP_LIMITS_DIALOG (widget);

  cancel_fetch (self);
  set_loading (self, NULL);
}

static void
copy_csv_activated_cb (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  BpLimitsDialog *self = BP_LIMITS_DIALOG (widget);
  g_autofree char *csv = NULL;

  if (self->limits == NULL)
    return;

  csv = bp_limits_to_csv (self->limits);
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), csv);
}

static void
dismiss_banner_activated_cb (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  hide_banner (BP_LIMITS_DIALOG (widget));
}

static void
focus_search_activated_cb (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  gtk_widget_grab_focus (GTK_WIDGET (BP_LIMITS_DIALOG (widget)->search_entry));
}

/* ------------------------------------------------------------------ */
/* Public API                                                          */

BpLimitsDialog *
bp_limits_dialog_new (GtkWindow           *parent,
                      BpSalesforceAccount *account,
                      BpTokenKeeper       *keeper)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (BP_IS_SALESFORCE_ACCOUNT (account), NULL);
  g_return_val_if_fail (keeper == NULL || BP_IS_TOKEN_KEEPER (keeper), NULL);

  return g_object_new (BP_TYPE_LIMITS_DIALOG,
                       "transient-for", parent,
                       "account", account,
                       "keeper", keeper,
                       NULL);
}

BpSalesforceAccount *
bp_limits_dialog_get_account (BpLimitsDialog *self)
{
  g_return_val_if_fail (BP_IS_LIMITS_DIALOG (self), NULL);

  return self->account;
}

BpLimits *
bp_limits_dialog_get_limits (BpLimitsDialog *self)
{
  g_return_val_if_fail (BP_IS_LIMITS_DIALOG (self), NULL);

  return self->limits;
}

void
bp_limits_dialog_set_limits (BpLimitsDialog *self,
                             BpLimits       *limits)
{
  g_return_if_fail (BP_IS_LIMITS_DIALOG (self));
  g_return_if_fail (limits == NULL || BP_IS_LIMITS (limits));

  /* Limits given from outside replace what a fetch would bring. */
  cancel_fetch (self);

  if (g_set_object (&self->limits, limits))
    {
      /* New limits (Refresh) replace every row. */
      bp_list_pacer_prepare_change (self->pacer, NULL, NULL);
      gtk_filter_list_model_set_model (self->filtered, G_LIST_MODEL (limits));
      expand_matching_parents (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LIMITS]);
    }

  if (limits != NULL)
    hide_banner (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "limits.copy-csv", limits != NULL);
  set_loading (self, NULL);
}

/* ------------------------------------------------------------------ */
/* GObject                                                             */

static void
bp_limits_dialog_map (GtkWidget *widget)
{
  BpLimitsDialog *self = BP_LIMITS_DIALOG (widget);

  GTK_WIDGET_CLASS (bp_limits_dialog_parent_class)->map (widget);

  /* Fetch when first shown. */
  if (!self->has_fetched && self->limits == NULL && self->keeper != NULL)
    bp_limits_dialog_refresh (self);
}

static gboolean
bp_limits_dialog_close_request (GtkWindow *window)
{
  cancel_fetch (BP_LIMITS_DIALOG (window));

  return GTK_WINDOW_CLASS (bp_limits_dialog_parent_class)->close_request (window);
}

static void
bp_limits_dialog_constructed (GObject *object)
{
  BpLimitsDialog *self = BP_LIMITS_DIALOG (object);
  const char *name;

  G_OBJECT_CLASS (bp_limits_dialog_parent_class)->constructed (object);

  g_assert (self->account != NULL);

  name = bp_account_get_name (BP_ACCOUNT (self->account));
  if (name != NULL && *name != '\0')
    {
      /* Translators: the title of the limits dialog; %s is the account's name */
      g_autofree char *title = g_strdup_printf (_("Limits — %s"), name);

      gtk_window_set_title (GTK_WINDOW (self), title);
    }

  set_loading (self, NULL);
}

static void
bp_limits_dialog_dispose (GObject *object)
{
  BpLimitsDialog *self = BP_LIMITS_DIALOG (object);

  cancel_fetch (self);
  g_clear_object (&self->cancellable);

  if (self->limits_view != NULL)
    gtk_column_view_set_model (self->limits_view, NULL);

  gtk_widget_dispose_template (GTK_WIDGET (object), BP_TYPE_LIMITS_DIALOG);

  g_clear_object (&self->selection);
  g_clear_object (&self->pacer);
  g_clear_object (&self->sorted);
  g_clear_object (&self->tree);
  g_clear_object (&self->filtered);
  g_clear_object (&self->filter);
  g_clear_object (&self->limits);
  g_clear_object (&self->keeper);
  g_clear_object (&self->account);

  G_OBJECT_CLASS (bp_limits_dialog_parent_class)->dispose (object);
}

static void
bp_limits_dialog_finalize (GObject *object)
{
  BpLimitsDialog *self = BP_LIMITS_DIALOG (object);

  g_free (self->search_text);

  G_OBJECT_CLASS (bp_limits_dialog_parent_class)->finalize (object);
}

static void
bp_limits_dialog_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  BpLimitsDialog *self = BP_LIMITS_DIALOG (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT:
      g_value_set_object (value, self->account);
      break;

    case PROP_KEEPER:
      g_value_set_object (value, self->keeper);
      break;

    case PROP_LIMITS:
      g_value_set_object (value, self->limits);
      break;

    case PROP_IS_LOADING:
      g_value_set_boolean (value, bp_limits_dialog_get_is_loading (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bp_limits_dialog_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  BpLimitsDialog *self = BP_LIMITS_DIALOG (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT:
      self->account = g_value_dup_object (value);
      break;

    case PROP_KEEPER:
      self->keeper = g_value_dup_object (value);
      break;

    case PROP_LIMITS:
      bp_limits_dialog_set_limits (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bp_limits_dialog_class_init (BpLimitsDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = bp_limits_dialog_constructed;
  object_class->dispose = bp_limits_dialog_dispose;
  object_class->finalize = bp_limits_dialog_finalize;
  object_class->get_property = bp_limits_dialog_get_property;
  object_class->set_property = bp_limits_dialog_set_property;

  widget_class->map = bp_limits_dialog_map;
  window_class->close_request = bp_limits_dialog_close_request;

  /**
   * BpLimitsDialog:account:
   *
   * The account whose org limits are shown (its name is in the title).
   */
  properties[PROP_ACCOUNT] =
    g_param_spec_object ("account", NULL, NULL,
                         BP_TYPE_SALESFORCE_ACCOUNT,
                         (G_PARAM_READWRITE |
                          G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_STATIC_STRINGS));

  /**
   * BpLimitsDialog:keeper:
   *
   * Fetches the limits; %NULL: only bp_limits_dialog_set_limits() fills the dialog.
   */
  properties[PROP_KEEPER] =
    g_param_spec_object ("keeper", NULL, NULL,
                         BP_TYPE_TOKEN_KEEPER,
                         (G_PARAM_READWRITE |
                          G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_STATIC_STRINGS));

  properties[PROP_LIMITS] =
    g_param_spec_object ("limits", NULL, NULL,
                         BP_TYPE_LIMITS,
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  /**
   * BpLimitsDialog:is-loading:
   *
   * Whether a fetch is in flight.
   */
  properties[PROP_IS_LOADING] =
    g_param_spec_boolean ("is-loading", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE |
                           G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * BpLimitsDialog::token-rejected:
   * @account: the account whose refresh token Salesforce refused
   *
   * The refresh token is no longer valid (invalid_grant), or the keyring
   * holds none: mark the account "Needs new token". The dialog already says
   * so in its banner.
   */
  signals[TOKEN_REJECTED] =
    g_signal_new ("token-rejected",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, BP_TYPE_SALESFORCE_ACCOUNT);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/bp-limits-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, BpLimitsDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, BpLimitsDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, BpLimitsDialog, banner_revealer);
  gtk_widget_class_bind_template_child (widget_class, BpLimitsDialog, banner_label);
  gtk_widget_class_bind_template_child (widget_class, BpLimitsDialog, header_box);
  gtk_widget_class_bind_template_child (widget_class, BpLimitsDialog, toolbar_box);
  gtk_widget_class_bind_template_child (widget_class, BpLimitsDialog, toolbar_separator);
  gtk_widget_class_bind_template_child (widget_class, BpLimitsDialog, summary_label);
  gtk_widget_class_bind_template_child (widget_class, BpLimitsDialog, details_label);
  gtk_widget_class_bind_template_child (widget_class, BpLimitsDialog, search_entry);
  gtk_widget_class_bind_template_child (widget_class, BpLimitsDialog, above_half_check);
  gtk_widget_class_bind_template_child (widget_class, BpLimitsDialog, content_stack);
  gtk_widget_class_bind_template_child (widget_class, BpLimitsDialog, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, BpLimitsDialog, empty_image);
  gtk_widget_class_bind_template_child (widget_class, BpLimitsDialog, empty_title_label);
  gtk_widget_class_bind_template_child (widget_class, BpLimitsDialog, empty_label);
  gtk_widget_class_bind_template_child (widget_class, BpLimitsDialog, limits_view);
  gtk_widget_class_bind_template_child (widget_class, BpLimitsDialog, limit_column);
  gtk_widget_class_bind_template_child (widget_class, BpLimitsDialog, used_column);
  gtk_widget_class_bind_template_child (widget_class, BpLimitsDialog, max_column);
  gtk_widget_class_bind_template_child (widget_class, BpLimitsDialog, remaining_column);
  gtk_widget_class_bind_template_child (widget_class, BpLimitsDialog, usage_column);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_stopped_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_above_half_toggled_cb);

  gtk_widget_class_install_action (widget_class, "limits.refresh", NULL, refresh_activated_cb);
  gtk_widget_class_install_action (widget_class, "limits.cancel", NULL, cancel_activated_cb);
  gtk_widget_class_install_action (widget_class, "limits.copy-csv", NULL, copy_csv_activated_cb);
  gtk_widget_class_install_action (widget_class, "limits.dismiss-banner", NULL, dismiss_banner_activated_cb);
  gtk_widget_class_install_action (widget_class, "limits.focus-search", NULL, focus_search_activated_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "limits.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "limits.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "limits.focus-search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
bp_limits_dialog_init (BpLimitsDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  setup_columns (self);
  setup_model (self);
  gtk_search_entry_set_key_capture_widget (self->search_entry, GTK_WIDGET (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "limits.copy-csv", FALSE);
}

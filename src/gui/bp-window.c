/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-window"

#include "config.h"

#include <glib/gi18n.h>

#include "bp-account-editor.h"
#include "bp-error.h"
#include "bp-preferences-dialog.h"
#include "bp-question.h"
#include "bp-salesforce-account.h"
#include "bp-types-dialog.h"
#include "bp-window-private.h"

/* The Integration Accounts page: the account list on the left (search, sort,
 * + and X), the Properties pane of the selected account on the right with
 * Apply and Cancel. The pane edits a draft (bp_account_copy()); nothing
 * reaches the store before Apply, and no edit is dropped without asking. */

G_DEFINE_FINAL_TYPE (BpWindow, bp_window, GTK_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void show_account (BpWindow  *self,
                          BpAccount *account);

/* ------------------------------------------------------------------ */
/* Banners                                                             */

void
bp_window_show_error (BpWindow   *self,
                      const char *message)
{
  g_return_if_fail (BP_IS_WINDOW (self));
  g_return_if_fail (message != NULL);

  gtk_widget_add_css_class (gtk_revealer_get_child (self->banner_revealer), "error");
  gtk_label_set_text (self->banner_label, message);
  gtk_revealer_set_reveal_child (self->banner_revealer, TRUE);
}

void
bp_window_show_message (BpWindow   *self,
                        const char *message)
{
  g_return_if_fail (BP_IS_WINDOW (self));
  g_return_if_fail (message != NULL);

  gtk_widget_remove_css_class (gtk_revealer_get_child (self->banner_revealer), "error");
  gtk_label_set_text (self->banner_label, message);
  gtk_revealer_set_reveal_child (self->banner_revealer, TRUE);
}

void
bp_window_show_pane_error (BpWindow   *self,
                           const char *message)
{
  if (message != NULL)
    gtk_label_set_text (self->pane_banner_label, message);
  gtk_revealer_set_reveal_child (self->pane_banner_revealer, message != NULL);
}

static void
hide_pane_error (BpWindow *self)
{
  gtk_revealer_set_reveal_child (self->pane_banner_revealer, FALSE);
}

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

static BpAccount *
get_unsaved_draft (BpWindow *self)
{
  g_autoptr(BpAccount) draft = g_list_model_get_item (G_LIST_MODEL (self->unsaved), 0);

  /* The list store keeps it alive. */
  return draft;
}

static gboolean
is_unsaved (BpWindow  *self,
            BpAccount *account)
{
  return account != NULL && account == get_unsaved_draft (self);
}

static guint
find_position (BpWindow  *self,
               BpAccount *account)
{
  guint n_items = g_list_model_get_n_items (G_LIST_MODEL (self->filtered));

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(BpAccount) item = g_list_model_get_item (G_LIST_MODEL (self->filtered), i);

      if (item == account)
        return i;
    }

  return GTK_INVALID_LIST_POSITION;
}

static void
select_account (BpWindow  *self,
                BpAccount *account)
{
  guint position = account != NULL ? find_position (self, account) : GTK_INVALID_LIST_POSITION;

  /* An account hidden by the search is still shown in the pane. */
  if (account != NULL && position == GTK_INVALID_LIST_POSITION)
    {
      gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
      position = find_position (self, account);
    }

  bp_list_pacer_reveal (self->pacer, position);
  self->is_reverting_selection = TRUE;
  gtk_single_selection_set_selected (self->selection, position);
  self->is_reverting_selection = FALSE;
  bp_list_pacer_scroll_to (self->pacer, position);
}

static gboolean account_matches_search (gpointer item,
                                        gpointer user_data);

/* Whenever the list shows the account the pane shows, it is the one
 * selected: a search that hid it and shows it again would leave it
 * unselected, and so would anything that moves it past the rows the list
 * holds so far (it is paced, bp-list-pacer.c; the selection model forgets an
 * account that leaves it). Selected now if its row is there, or as soon as
 * the list has grown to it: showing it at once would build every row GTK 4.8
 * builds, which is what the pacer saves. */
static void
reselect_current (BpWindow *self)
{
  guint position;

  self->reselect_at = GTK_INVALID_LIST_POSITION;

  /* Past the items shown the list may hold the leftover rows of the list
   * before a search: a selection there goes with them. */
  if (self->current == NULL
      || (gtk_single_selection_get_selected_item (self->selection) == self->current
          && gtk_single_selection_get_selected (self->selection) < bp_list_pacer_get_n_shown (self->pacer))
      || !account_matches_search (self->current, self))
    return;

  position = find_position (self, self->current);
  if (position == GTK_INVALID_LIST_POSITION)
    return;

  if (position >= bp_list_pacer_get_n_shown (self->pacer))
    {
      self->reselect_at = position;
      return;
    }

  self->is_reverting_selection = TRUE;
  gtk_single_selection_set_selected (self->selection, position);
  self->is_reverting_selection = FALSE;
}

static void
paced_items_changed_cb (BpWindow   *self,
                        guint       position,
                        guint       removed,
                        guint       added,
                        GListModel *paced)
{
  if (self->reselect_at != GTK_INVALID_LIST_POSITION && bp_list_pacer_get_n_shown (self->pacer) > self->reselect_at)
    reselect_current (self);
}

static gboolean
secrets_equal (BpAccount *draft,
               BpAccount *saved)
{
  g_auto(GStrv) known = bp_account_list_known_secrets (draft);

  for (guint i = 0; known[i] != NULL; i++)
    {
      const char *value = bp_account_get_secret (draft, known[i]);

      if (!bp_account_is_secret_known (saved, known[i]))
        {
          /* Not read from the keyring yet: only a typed value is a change. */
          if (value != NULL && *value != '\0')
            return FALSE;
          continue;
        }

      if (g_strcmp0 (value ?: "", bp_account_get_secret (saved, known[i]) ?: "") != 0)
        return FALSE;
    }

  return TRUE;
}

static gboolean
compute_is_modified (BpWindow *self)
{
  g_autoptr(JsonObject) draft_json = NULL;
  g_autoptr(JsonObject) saved_json = NULL;
  g_autoptr(JsonNode) draft_node = NULL;
  g_autoptr(JsonNode) saved_node = NULL;

  if (self->draft == NULL)
    return FALSE;

  if (is_unsaved (self, self->current))
    return TRUE;

  /* What would be written, compared with what is saved. */
  draft_json = bp_account_to_json (self->draft);
  saved_json = bp_account_to_json (self->current);
  draft_node = json_node_init_object (json_node_alloc (), draft_json);
  saved_node = json_node_init_object (json_node_alloc (), saved_json);

  return !json_node_equal (draft_node, saved_node) || !secrets_equal (self->draft, self->current);
}

static void
update_actions (BpWindow *self)
{
  /* Insensitive only while an error is on show, next to its field: with the
   * errors still hidden, Apply reveals them (apply_activated_cb()), so that it
   * is never greyed out for a reason nobody can see. */
  gboolean shows_errors = self->editor != NULL && bp_account_editor_get_shows_errors (self->editor);
  gboolean can_change = self->is_modified && !self->is_applying;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.apply", can_change && !shows_errors);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.cancel-changes", can_change);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.delete-account",
                                 self->current != NULL && !self->is_applying);
  bp_window_salesforce_update_actions (self);
}

static void
update_modified (BpWindow *self)
{
  self->is_modified = compute_is_modified (self);
  update_actions (self);
}

static void
update_list_page (BpWindow *self)
{
  guint n_saved = g_list_model_get_n_items (G_LIST_MODEL (self->store));
  guint n_unsaved = g_list_model_get_n_items (G_LIST_MODEL (self->unsaved));
  guint n_shown = g_list_model_get_n_items (G_LIST_MODEL (self->filtered));

  /* A store not read yet (a large one takes a moment) is not an empty one:
   * the list shows its column titles until the accounts come, and is laid
   * out, so that the first rows it is given are counted from its own height
   * (bp-list-pacer.c). */
  if (!bp_account_store_get_loaded (self->store))
    gtk_stack_set_visible_child_name (self->list_stack, "accounts");
  else if (n_saved + n_unsaved == 0)
    gtk_stack_set_visible_child_name (self->list_stack, "empty");
  else if (n_shown == 0)
    gtk_stack_set_visible_child_name (self->list_stack, "no-results");
  else
    gtk_stack_set_visible_child_name (self->list_stack, "accounts");
}

/* ------------------------------------------------------------------ */
/* The list                                                            */

static const char *
describe_token (BpAccount *account)
{
  if (!BP_IS_SALESFORCE_ACCOUNT (account))
    return "—";

  switch (bp_salesforce_account_get_token_state (BP_SALESFORCE_ACCOUNT (account)))
    {
    case BP_TOKEN_STATE_VALID:
      return _("Authorized");
    case BP_TOKEN_STATE_NEEDS_NEW_TOKEN:
      return _("Needs new token");
    case BP_TOKEN_STATE_NONE:
    default:
      return _("Not set");
    }
}

/* The collation key of an account's token state, kept on the account
 * together with the text it was made from, and made again only when that
 * text has changed. With 10,000 accounts a sort compares each one some 14
 * times: making the key every time was most of its cost
 * (docs/performance.md). */
typedef struct
{
  char *source;
  char *key;
} TokenSortKey;

static void
token_sort_key_free (gpointer data)
{
  TokenSortKey *key = data;

  g_free (key->source);
  g_free (key->key);
  g_free (key);
}

static GQuark token_sort_key_quark;   /* set in class_init */

/* What g_utf8_collate() compares. */
static char *
make_collate_key (const char *text)
{
  return g_utf8_collate_key (text, -1);
}

static const char *
get_token_sort_key (BpAccount *account)
{
  const char *source = describe_token (account);
  TokenSortKey *key = g_object_get_qdata (G_OBJECT (account), token_sort_key_quark);

  if (key == NULL || strcmp (key->source, source) != 0)
    {
      key = g_new (TokenSortKey, 1);
      key->source = g_strdup (source);
      key->key = make_collate_key (source);
      g_object_set_qdata_full (G_OBJECT (account), token_sort_key_quark, key, token_sort_key_free);
    }

  return key->key;
}

/* A text derived from the type name, which belongs to the class (and is
 * translated on every call): one text per account type for the whole
 * process. */
static const char *
get_type_text (BpAccount  *account,
               gboolean    as_sort_key,
               char     *(*derive) (const char *source))
{
  static GHashTable *texts[2];   /* GType → text */
  GType type = G_OBJECT_TYPE (account);
  char *text;

  if (texts[as_sort_key] == NULL)
    texts[as_sort_key] = g_hash_table_new (NULL, NULL);

  text = g_hash_table_lookup (texts[as_sort_key], GSIZE_TO_POINTER (type));
  if (text == NULL)
    {
      text = derive (bp_account_get_type_name (account));
      g_hash_table_insert (texts[as_sort_key], GSIZE_TO_POINTER (type), text);
    }

  return text;
}

static char *
fold_case (const char *text)
{
  return g_utf8_casefold (text, -1);
}

/* @text: case-folded, or NULL for no search. The account keeps its own
 * case-folded texts (bp_account_get_search_texts()) and forgets them when
 * they change: a key press reads them without comparing each account's
 * strings with copies to know a cache of ours is still good. */
static gboolean
account_matches_text (BpWindow   *self,
                      BpAccount  *account,
                      const char *text)
{
  if (text == NULL)
    return TRUE;

  /* The unsaved draft stays visible: it is what is being edited. */
  if (is_unsaved (self, account))
    return TRUE;

  /* Its own search texts (its name, a Salesforce account's Url), then its
   * type's name. */
  for (const char * const *texts = bp_account_get_search_texts (account); *texts != NULL; texts++)
    if (strstr (*texts, text) != NULL)
      return TRUE;

  return strstr (get_type_text (account, FALSE, fold_case), text) != NULL;
}

static gboolean
account_matches_search (gpointer item,
                        gpointer user_data)
{
  BpWindow *self = user_data;

  return account_matches_text (self, item, self->search_text);
}

typedef struct
{
  BpWindow        *self;
  const char      *old_text;
  GtkFilterChange  change;
} SearchChange;

/* Further than this the count of replaced rows gives up and says "many":
 * a sparse old search would have it look at every account. */
#define MAX_ACCOUNTS_TO_COUNT 2000

/* For the pacer (bp-list-pacer.c): how many of the first @n_rows accounts
 * listed a new search replaces. */
static guint
count_replaced_rows (guint    n_rows,
                     guint    enough,
                     gpointer user_data)
{
  SearchChange *search = user_data;
  BpWindow *self = search->self;
  guint replaced = 0;

  if (search->change == GTK_FILTER_CHANGE_MORE_STRICT)
    {
      /* It only hides accounts: the row of each one hidden goes to one from
       * further down. */
      for (guint i = 0; i < n_rows && replaced < enough; i++)
        {
          g_autoptr(BpAccount) account = g_list_model_get_item (G_LIST_MODEL (self->filtered), i);

          if (!account_matches_text (self, account, self->search_text))
            replaced++;
        }
    }
  else
    {
      GListModel *all = G_LIST_MODEL (self->sorted);
      guint n_all = g_list_model_get_n_items (all);
      guint old_rank = 0;
      guint i;

      /* Every account, listed or not, up to the last row: each one it shows
       * or hides there changes a row. */
      for (i = 0; i < n_all && old_rank < n_rows && replaced < enough && i < MAX_ACCOUNTS_TO_COUNT; i++)
        {
          g_autoptr(BpAccount) account = g_list_model_get_item (all, i);
          gboolean was_listed = account_matches_text (self, account, search->old_text);

          if (was_listed != account_matches_text (self, account, self->search_text))
            replaced++;
          if (was_listed)
            old_rank++;
        }
      if (i == MAX_ACCOUNTS_TO_COUNT)
        return enough;
    }

  return replaced;
}

static void
on_search_changed_cb (BpWindow       *self,
                      GtkSearchEntry *entry)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry))));
  g_autofree char *old_text = g_steal_pointer (&self->search_text);
  GtkFilterChange change = GTK_FILTER_CHANGE_DIFFERENT;
  SearchChange search;

  if (*text != '\0')
    self->search_text = g_utf8_casefold (text, -1);

  /* A longer search hides more and a shorter one shows more: the filter then
   * only looks again at the accounts shown, or at those hidden. */
  if (g_strcmp0 (old_text, self->search_text) == 0)
    return;
  else if (old_text == NULL || (self->search_text != NULL && strstr (self->search_text, old_text) != NULL))
    change = GTK_FILTER_CHANGE_MORE_STRICT;
  else if (self->search_text == NULL || strstr (old_text, self->search_text) != NULL)
    change = GTK_FILTER_CHANGE_LESS_STRICT;

  search = (SearchChange) { self, old_text, change };
  bp_list_pacer_prepare_change (self->pacer, count_replaced_rows, &search);
  gtk_filter_changed (GTK_FILTER (self->filter), change);
  /* A new search shows its first matches. GTK keeps the account that was
   * at the top in its place when it is still listed, which would scroll
   * the matches before it out of sight. */
  bp_list_pacer_scroll_to (self->pacer, 0);
  reselect_current (self);
  update_list_page (self);
}

static void
on_search_stopped_cb (BpWindow       *self,
                      GtkSearchEntry *entry)
{
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
}

/* Cells: a text per column, bound to the account's properties. Rows are
 * re-bound whenever the store changes an account, so a bind is enough for
 * saved accounts; the unsaved draft changes as it is typed, so its name
 * follows its notify signals.
 *
 * The texts are GtkInscriptions, not GtkLabels (docs/performance.md): GTK 4.8
 * keeps some 200 rows built whatever the height of the list, and builds them
 * again as a search changes which accounts they show. An ellipsizing label
 * lays its text out four or five times to measure and place it (as wide as it
 * likes, as narrow as it can, then at its width), and that was most of the
 * cost of a row. An inscription asks for a width in characters and lays its
 * text out once, at the width it is given; to assistive technologies it is a
 * label with the same text. */

/* How many of an inscription's characters the widest of @texts needs. An
 * inscription turns characters into a width with the font's approximate
 * character width, which is narrower than most words ("Salesforce.com" came
 * out cut), so the texts are measured in the font @widget will draw with. */
static guint
chars_for_widest (GtkWidget          *widget,
                  const char * const *texts)
{
  PangoFontMetrics *metrics = pango_context_get_metrics (gtk_widget_get_pango_context (widget), NULL, NULL);
  int char_width = MAX (pango_font_metrics_get_approximate_char_width (metrics),
                        pango_font_metrics_get_approximate_digit_width (metrics));
  int widest = 0;

  pango_font_metrics_unref (metrics);

  for (guint i = 0; texts[i] != NULL; i++)
    {
      g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, texts[i]);
      int width;

      pango_layout_get_size (layout, &width, NULL);
      widest = MAX (widest, width);
    }

  return MAX (1, (widest + MAX (char_width, 1) - 1) / MAX (char_width, 1));
}

static GtkWidget *
create_cell_text (guint nat_chars)
{
  GtkWidget *text = gtk_inscription_new (NULL);

  gtk_inscription_set_text_overflow (GTK_INSCRIPTION (text), GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
  gtk_inscription_set_nat_chars (GTK_INSCRIPTION (text), nat_chars);

  return text;
}

/* A column of a few short texts known in advance (the type, the token state)
 * is never cut: the name column, whose texts are the administrator's, gives
 * way instead. Measured once, with the first cell. */
static GtkWidget *
create_fixed_cell_text (guint              *chars,
                        const char * const *texts)
{
  GtkWidget *text = create_cell_text (1);

  if (*chars == 0)
    *chars = chars_for_widest (text, texts);

  gtk_inscription_set_min_chars (GTK_INSCRIPTION (text), *chars);
  gtk_inscription_set_nat_chars (GTK_INSCRIPTION (text), *chars);

  return text;
}

static void
setup_type_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  static guint chars = 0;
  const GType *types = bp_account_list_types (NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  for (guint i = 0; chars == 0 && types[i] != G_TYPE_INVALID; i++)
    {
      /* bp_account_list_types() keeps the classes. */
      BpAccountClass *klass = g_type_class_peek (types[i]);

      g_ptr_array_add (names, (gpointer) (klass->type_name != NULL ? _(klass->type_name) : ""));
    }
  g_ptr_array_add (names, NULL);

  gtk_list_item_set_child (item, create_fixed_cell_text (&chars, (const char * const *) names->pdata));
}

static void
setup_token_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  user_data)
{
  static guint chars = 0;
  const char * const texts[] = { _("Authorized"), _("Needs new token"), _("Not set"), "—", NULL };

  gtk_list_item_set_child (item, create_fixed_cell_text (&chars, texts));
}

/* The "Unsaved" tag is only made for the one row that needs it: that row's
 * cell holds a box with the name and the tag, the others the name alone (a
 * widget less in each of the rows GTK 4.8 keeps). */
static void
setup_name_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  gtk_list_item_set_child (item, create_cell_text (24));
}

static void
bind_name_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  user_data)
{
  BpWindow *self = user_data;
  BpAccount *account = gtk_list_item_get_item (item);
  g_autoptr(GtkWidget) text = g_object_ref (gtk_list_item_get_child (item));
  GBinding *binding;

  binding = g_object_bind_property (account, "name", text, "text", G_BINDING_SYNC_CREATE);
  g_object_set_data (G_OBJECT (item), "bp-name-binding", binding);

  if (is_unsaved (self, account))
    {
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      GtkWidget *tag = gtk_label_new (_("Unsaved"));

      gtk_widget_add_css_class (tag, "bp-unsaved-tag");
      /* The name takes the room the column has; the tag stands at the end. */
      gtk_widget_set_hexpand (text, TRUE);
      gtk_list_item_set_child (item, box);
      gtk_box_append (GTK_BOX (box), text);
      gtk_box_append (GTK_BOX (box), tag);
    }
}

static void
unbind_name_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  user_data)
{
  GBinding *binding = g_object_steal_data (G_OBJECT (item), "bp-name-binding");
  GtkWidget *child = gtk_list_item_get_child (item);

  if (binding != NULL)
    g_binding_unbind (binding);

  if (GTK_IS_BOX (child))
    {
      g_autoptr(GtkWidget) text = g_object_ref (gtk_widget_get_first_child (child));

      gtk_box_remove (GTK_BOX (child), text);
      gtk_widget_set_hexpand (text, FALSE);
      gtk_list_item_set_child (item, text);
    }
}

static void
bind_type_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  user_data)
{
  BpAccount *account = gtk_list_item_get_item (item);

  gtk_inscription_set_text (GTK_INSCRIPTION (gtk_list_item_get_child (item)), bp_account_get_type_name (account));
}

static void
setup_default_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *item,
                  gpointer                  user_data)
{
  GtkWidget *image = gtk_image_new_from_icon_name ("object-select-symbolic");

  gtk_widget_set_halign (image, GTK_ALIGN_CENTER);
  gtk_list_item_set_child (item, image);
}

static void
bind_default_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 gpointer                  user_data)
{
  BpAccount *account = gtk_list_item_get_item (item);
  GtkWidget *image = gtk_list_item_get_child (item);
  gboolean is_default = bp_account_get_is_default (account);

  gtk_widget_set_opacity (image, is_default ? 1.0 : 0.0);
  gtk_accessible_update_property (GTK_ACCESSIBLE (image),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, is_default ? _("Default account") : "",
                                  -1);
}

static void
bind_token_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  BpAccount *account = gtk_list_item_get_item (item);

  gtk_inscription_set_text (GTK_INSCRIPTION (gtk_list_item_get_child (item)), describe_token (account));
}

/* GtkColumnViewSorter (GTK 4.8) has no sort keys: it compares two accounts at
 * a time, and a GtkStringSorter made both collation keys on every comparison
 * (half a second to sort 10,000 accounts). The keys are kept instead; the
 * name's by the account itself, which knows when its name changes. */
static int
compare_names_cb (gconstpointer a,
                  gconstpointer b,
                  gpointer      user_data)
{
  return strcmp (bp_account_get_name_sort_key ((BpAccount *) a), bp_account_get_name_sort_key ((BpAccount *) b));
}

static int
compare_types_cb (gconstpointer a,
                  gconstpointer b,
                  gpointer      user_data)
{
  return strcmp (get_type_text ((BpAccount *) a, TRUE, bp_account_make_sort_key),
                 get_type_text ((BpAccount *) b, TRUE, bp_account_make_sort_key));
}

static int
compare_token_cb (gconstpointer a,
                  gconstpointer b,
                  gpointer      user_data)
{
  return strcmp (get_token_sort_key ((BpAccount *) a), get_token_sort_key ((BpAccount *) b));
}

static void
set_column (GtkColumnViewColumn *column,
            GCallback            setup,
            GCallback            bind,
            GCallback            unbind,
            GtkSorter           *sorter,
            gpointer             user_data)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  g_signal_connect (factory, "setup", setup, user_data);
  g_signal_connect (factory, "bind", bind, user_data);
  if (unbind != NULL)
    g_signal_connect (factory, "unbind", unbind, user_data);

  gtk_column_view_column_set_factory (column, factory);
  gtk_column_view_column_set_sorter (column, sorter);
  g_object_unref (sorter);
}

static void
setup_columns (BpWindow *self)
{
  set_column (self->name_column, G_CALLBACK (setup_name_cb), G_CALLBACK (bind_name_cb),
              G_CALLBACK (unbind_name_cb),
              GTK_SORTER (gtk_custom_sorter_new (compare_names_cb, NULL, NULL)),
              self);
  set_column (self->type_column, G_CALLBACK (setup_type_cb), G_CALLBACK (bind_type_cb), NULL,
              GTK_SORTER (gtk_custom_sorter_new (compare_types_cb, NULL, NULL)),
              self);
  set_column (self->default_column, G_CALLBACK (setup_default_cb), G_CALLBACK (bind_default_cb), NULL,
              GTK_SORTER (gtk_numeric_sorter_new (gtk_property_expression_new (BP_TYPE_ACCOUNT, NULL, "is-default"))),
              self);
  set_column (self->token_column, G_CALLBACK (setup_token_cb), G_CALLBACK (bind_token_cb), NULL,
              GTK_SORTER (gtk_custom_sorter_new (compare_token_cb, NULL, NULL)),
              self);

  gtk_column_view_sort_by_column (self->account_list, self->name_column, GTK_SORT_ASCENDING);
}

/* ------------------------------------------------------------------ */
/* Unsaved changes                                                     */

/* Before anything replaces the pane (another selection, +, closing), the
 * changes are settled: applied, discarded, or kept after all. The task's
 * boolean says whether to go on. */

enum {
  ANSWER_APPLY,
  ANSWER_DISCARD,
  ANSWER_KEEP_EDITING,
};

static void apply_draft (BpWindow *self,
                         GTask    *task);

static void
discard_draft (BpWindow *self)
{
  BpAccount *unsaved = get_unsaved_draft (self);

  hide_pane_error (self);

  /* A token requested for this draft is revoked and the keyring put back. */
  bp_window_salesforce_discard_token (self);

  if (unsaved != NULL && self->current == unsaved)
    {
      show_account (self, NULL);
      g_list_store_remove_all (self->unsaved);
      return;
    }

  /* Back to the saved values. */
  if (self->current != NULL)
    show_account (self, self->current);
}

static void
unsaved_question_answered_cb (GObject      *object,
                              GAsyncResult *result,
                              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BpWindow *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  int answer = bp_question_ask_finish (result, &error);

  self->is_asking = FALSE;

  if (answer == ANSWER_APPLY)
    {
      if (self->editor != NULL && bp_account_editor_get_has_errors (self->editor))
        {
          bp_account_editor_focus_first_error (self->editor);
          g_task_return_boolean (task, FALSE);
          return;
        }

      apply_draft (self, g_steal_pointer (&task));
      return;
    }

  if (answer == ANSWER_DISCARD)
    {
      discard_draft (self);
      g_task_return_boolean (task, TRUE);
      return;
    }

  g_task_return_boolean (task, FALSE);
}

/* Takes @task. */
static void
settle_task (BpWindow *self,
             GTask    *task)
{
  g_autofree char *heading = NULL;
  const char *buttons[] = { _("_Apply"), _("_Discard"), _("_Keep Editing"), NULL };

  /* Apply is still writing: its outcome decides whether anything is left
   * to ask about (applied_cb()). Asking now would offer to apply twice. */
  if (self->is_applying && self->settle_after_apply == NULL)
    {
      self->settle_after_apply = task;
      return;
    }

  if (!self->is_modified || self->is_asking || self->is_applying)
    {
      g_task_return_boolean (task, !self->is_asking && !self->is_applying);
      g_object_unref (task);
      return;
    }

  self->is_asking = TRUE;
  heading = g_strdup_printf (_("Apply the changes to “%s”?"), bp_account_get_name (self->draft));
  bp_question_ask_async (GTK_WINDOW (self), heading,
                         _("The account has changes that are not saved. Changes you discard are lost."),
                         buttons, ANSWER_KEEP_EDITING, ANSWER_APPLY,
                         NULL, unsaved_question_answered_cb, task);
}

static void
settle_changes_async (BpWindow            *self,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  GTask *task = g_task_new (self, NULL, callback, user_data);

  g_task_set_source_tag (task, settle_changes_async);
  settle_task (self, task);
}

static gboolean
settle_changes_finish (BpWindow     *self,
                       GAsyncResult *result)
{
  return g_task_propagate_boolean (G_TASK (result), NULL);
}

/* ------------------------------------------------------------------ */
/* The pane                                                            */

static void
draft_changed_cb (BpWindow   *self,
                  GParamSpec *pspec,
                  BpAccount  *draft)
{
  update_modified (self);
}

static void
editor_errors_changed_cb (BpWindow        *self,
                          GParamSpec      *pspec,
                          BpAccountEditor *editor)
{
  update_actions (self);
}

static void
editor_secret_loaded_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(BpWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!bp_account_store_load_secrets_finish (BP_ACCOUNT_STORE (object), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        bp_window_show_pane_error (self, error->message);
      return;
    }

  /* The saved account now knows its secrets; the draft takes those it has
   * not been given by the administrator in the meantime. */
  if (self->draft != NULL && self->current != NULL && !is_unsaved (self, self->current))
    {
      g_auto(GStrv) known = bp_account_list_known_secrets (self->current);

      for (guint i = 0; known[i] != NULL; i++)
        if (!bp_account_is_secret_known (self->draft, known[i]))
          bp_account_set_secret (self->draft, known[i], bp_account_get_secret (self->current, known[i]));
    }

  update_modified (self);
}

/* Secrets are read from the keyring only when an account is opened. */
static void
load_secrets (BpWindow  *self,
              BpAccount *saved)
{
  bp_account_store_load_secrets_async (self->store, saved, self->cancellable,
                                       editor_secret_loaded_cb, g_object_ref (self));
}

static void
set_editor_for (BpWindow  *self,
                BpAccount *account)
{
  if (self->editor != NULL && account != NULL && self->editor_type == G_OBJECT_TYPE (account))
    return;

  if (self->editor != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->editor, editor_errors_changed_cb, self);
      gtk_scrolled_window_set_child (self->editor_scroller, NULL);
      self->editor = NULL;
      self->editor_type = G_TYPE_INVALID;
    }

  if (account == NULL)
    return;

  self->editor_type = G_OBJECT_TYPE (account);
  self->editor = bp_account_editor_new_for_account_type (G_OBJECT_TYPE (account), G_LIST_MODEL (self->store));
  gtk_widget_add_css_class (GTK_WIDGET (self->editor), "bp-properties");
  gtk_scrolled_window_set_child (self->editor_scroller, GTK_WIDGET (self->editor));
  bp_window_salesforce_attach_editor (self, self->editor);
  g_signal_connect_object (self->editor, "notify::shows-errors",
                           G_CALLBACK (editor_errors_changed_cb), self, G_CONNECT_SWAPPED);
}

/* Shows @account (saved, or the unsaved draft) in the pane, on a fresh draft. */
static void
show_account (BpWindow  *self,
              BpAccount *account)
{
  /* Held to the end: replacing the draft may drop the last other reference. */
  G_GNUC_UNUSED g_autoptr(BpAccount) keep = account != NULL ? g_object_ref (account) : NULL;

  /* A draft is never replaced with its requested token still pending. */
  bp_window_salesforce_discard_token (self);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  if (self->draft != NULL)
    g_signal_handlers_disconnect_by_func (self->draft, draft_changed_cb, self);

  g_clear_object (&self->draft);
  g_set_object (&self->current, account);
  hide_pane_error (self);

  if (account == NULL)
    {
      if (self->editor != NULL)
        bp_account_editor_set_draft (self->editor, NULL);
      gtk_stack_set_visible_child_name (self->pane_stack, "none");
      update_modified (self);
      return;
    }

  /* The unsaved draft is its own draft; a saved account is edited on a copy. */
  self->draft = is_unsaved (self, account) ? g_object_ref (account) : bp_account_copy (account);
  g_signal_connect_object (self->draft, "notify", G_CALLBACK (draft_changed_cb), self, G_CONNECT_SWAPPED);

  set_editor_for (self, self->draft);
  bp_account_editor_set_draft (self->editor, self->draft);
  gtk_stack_set_visible_child_name (self->pane_stack, "properties");

  if (!is_unsaved (self, account))
    load_secrets (self, account);

  update_modified (self);
}

static void
selection_settled_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  BpWindow *self = BP_WINDOW (object);
  g_autoptr(BpAccount) wanted = user_data;

  if (settle_changes_finish (self, result))
    {
      /* Applying may have moved things: find the wanted account again. */
      if (wanted != NULL && find_position (self, wanted) == GTK_INVALID_LIST_POSITION)
        g_clear_object (&wanted);
      show_account (self, wanted);
      select_account (self, wanted);
    }
  else
    select_account (self, self->current);
}

static void
on_selection_changed_cb (BpWindow   *self,
                         GParamSpec *pspec,
                         GtkSingleSelection *selection)
{
  BpAccount *selected = gtk_single_selection_get_selected_item (selection);

  /* Only a choice of the administrator counts: not our own moves, and not
   * the list re-announcing its selection while a save changes the model. */
  if (self->is_reverting_selection || self->is_applying || self->is_asking || selected == self->current)
    return;

  /* A selection lost to a filter or a removal is not a choice of the user;
   * nor one in the rows left from before a search (bp-list-pacer.c), which
   * a key could reach before the next frame takes them away. */
  if (selected == NULL || gtk_single_selection_get_selected (selection) >= bp_list_pacer_get_n_shown (self->pacer))
    return;

  if (!self->is_modified)
    {
      show_account (self, selected);
      update_actions (self);
      return;
    }

  settle_changes_async (self, selection_settled_cb, g_object_ref (selected));
}

/* ------------------------------------------------------------------ */
/* Apply and Cancel                                                    */

/* What was asked for while Apply was writing: nothing is left to ask about
 * after a write that succeeded; after one that failed, the question. */
static void
settle_after_apply (BpWindow *self)
{
  GTask *task = g_steal_pointer (&self->settle_after_apply);

  if (task != NULL)
    settle_task (self, task);
}

static void
applied_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BpWindow *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *id = g_strdup (bp_account_get_id (g_task_get_task_data (task)));
  BpAccount *saved;

  self->is_applying = FALSE;

  if (!bp_account_store_apply_finish (BP_ACCOUNT_STORE (object), result, &error))
    {
      /* Every edit stays where it is; the banner says why. */
      bp_window_show_pane_error (self, error->message);
      update_actions (self);
      g_task_return_boolean (task, FALSE);
      settle_after_apply (self);
      return;
    }

  hide_pane_error (self);
  bp_window_salesforce_keep_token (self);
  saved = bp_account_store_find_by_id (self->store, id);

  if (is_unsaved (self, self->current))
    g_list_store_remove_all (self->unsaved);

  /* A fresh draft of what is now saved. */
  show_account (self, saved);
  select_account (self, saved);
  g_task_return_boolean (task, TRUE);
  settle_after_apply (self);
}

static void
apply_draft (BpWindow *self,
             GTask    *task)
{
  self->is_applying = TRUE;
  update_actions (self);

  g_task_set_task_data (task, g_object_ref (self->draft), g_object_unref);
  bp_account_store_apply_async (self->store, self->draft, NULL, applied_cb, task);
}

static void
apply_finished_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_task_propagate_boolean (G_TASK (result), NULL);
}

static void
apply_activated_cb (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  BpWindow *self = BP_WINDOW (widget);

  if (self->draft == NULL || !self->is_modified || self->is_applying)
    return;

  if (self->editor != NULL && bp_account_editor_get_has_errors (self->editor))
    {
      bp_account_editor_focus_first_error (self->editor);
      return;
    }

  apply_draft (self, g_task_new (self, NULL, apply_finished_cb, NULL));
}

/* Ctrl+S and Ctrl+Return also work while Apply is insensitive because of an
 * error: they take the administrator to that error. */
static gboolean
apply_shortcut_cb (GtkWidget *widget,
                   GVariant  *args,
                   gpointer   user_data)
{
  BpWindow *self = BP_WINDOW (widget);

  if (self->draft != NULL && self->editor != NULL && bp_account_editor_get_has_errors (self->editor))
    {
      bp_account_editor_focus_first_error (self->editor);
      return TRUE;
    }

  apply_activated_cb (widget, "win.apply", NULL);
  return TRUE;
}

static void
cancel_activated_cb (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  BpWindow *self = BP_WINDOW (widget);
  BpAccount *current = self->current;

  discard_draft (self);

  if (current != NULL && self->current == NULL)
    select_account (self, NULL);
}

/* ------------------------------------------------------------------ */
/* Add and Delete                                                      */

static void
type_chosen_cb (BpTypesDialog *dialog,
                GType          type,
                BpWindow      *self)
{
  g_autoptr(BpAccount) draft = g_object_new (type, NULL);
  g_autofree char *base = g_strdup_printf (_("New %s account"), bp_account_get_type_name (draft));
  g_autofree char *name = bp_account_store_make_unique_name (self->store, base);

  bp_account_set_name (draft, name);

  /* Nothing reaches the store before Apply: the draft waits in the list. */
  g_list_store_remove_all (self->unsaved);
  g_list_store_append (self->unsaved, draft);

  show_account (self, draft);
  select_account (self, draft);
  bp_account_editor_focus_name (self->editor);
}

static void
show_types_dialog (BpWindow *self)
{
  BpTypesDialog *dialog = bp_types_dialog_new (GTK_WINDOW (self));

  g_signal_connect_object (dialog, "type-chosen", G_CALLBACK (type_chosen_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
add_settled_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  BpWindow *self = BP_WINDOW (object);

  if (settle_changes_finish (self, result))
    show_types_dialog (self);
}

static void
add_account_activated_cb (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  BpWindow *self = BP_WINDOW (widget);

  settle_changes_async (self, add_settled_cb, NULL);
}

static void
deleted_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(BpWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  guint position = self->delete_position;
  guint n_items;

  g_clear_object (&self->account_to_delete);

  if (!bp_account_store_delete_finish (BP_ACCOUNT_STORE (object), result, &error))
    {
      bp_window_show_error (self, error->message);
      update_actions (self);
      return;
    }

  /* The neighbour takes the place of the deleted account. */
  show_account (self, NULL);
  n_items = g_list_model_get_n_items (G_LIST_MODEL (self->filtered));
  if (n_items > 0)
    {
      g_autoptr(BpAccount) neighbour = NULL;

      if (position == GTK_INVALID_LIST_POSITION || position >= n_items)
        position = n_items - 1;
      neighbour = g_list_model_get_item (G_LIST_MODEL (self->filtered), position);
      show_account (self, neighbour);
      select_account (self, neighbour);
    }
  else
    select_account (self, NULL);

  update_actions (self);
}

/* Delete revokes the refresh token first, best effort: a failure is shown
 * and never stops the deletion; the store then removes the keyring items. */
static void
revoked_before_delete_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(BpWindow) self = user_data;

  bp_window_salesforce_revoke_finish (self, result);
  bp_account_store_delete_async (self->store, self->account_to_delete, NULL, deleted_cb, g_object_ref (self));
}

static void
pending_token_discarded_cb (GObject      *object,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  g_autoptr(BpWindow) self = user_data;

  bp_window_salesforce_discard_token_finish (self, result);
  bp_window_salesforce_revoke_async (self, self->account_to_delete, revoked_before_delete_cb, g_object_ref (self));
}

static void
delete_question_answered_cb (GObject      *object,
                             GAsyncResult *result,
                             gpointer      user_data)
{
  g_autoptr(BpWindow) self = user_data;
  int answer = bp_question_ask_finish (result, NULL);

  self->is_asking = FALSE;

  /* Anything but Delete, or the account changed while we asked: keep it. */
  if (answer != 1 || self->account_to_delete == NULL || self->account_to_delete != self->current)
    {
      g_clear_object (&self->account_to_delete);
      return;
    }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.delete-account", FALSE);

  /* A token requested for the draft and not applied is revoked, and the
   * keyring put back, before the saved token is revoked and the deletion
   * clears the keyring: nothing is restored under an id that is gone. */
  bp_window_salesforce_discard_token_async (self, pending_token_discarded_cb, g_object_ref (self));
}

static void
delete_account_activated_cb (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  BpWindow *self = BP_WINDOW (widget);
  const char *buttons[] = { _("_Cancel"), _("_Delete"), NULL };
  g_autofree char *heading = NULL;

  if (self->current == NULL || self->is_asking)
    return;

  /* An unsaved draft has nothing in the store or the keyring yet. */
  if (is_unsaved (self, self->current))
    {
      discard_draft (self);
      select_account (self, NULL);
      return;
    }

  self->is_asking = TRUE;
  g_set_object (&self->account_to_delete, self->current);
  self->delete_position = find_position (self, self->current);
  heading = g_strdup_printf (_("Delete “%s”?"), bp_account_get_name (self->current));
  bp_question_ask_async (GTK_WINDOW (self), heading,
                         _("Its consumer secret and refresh token are removed from the keyring."),
                         buttons, 0, 0, NULL, delete_question_answered_cb, g_object_ref (self));
}

/* ------------------------------------------------------------------ */
/* Other actions                                                       */

static void
search_activated_cb (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  BpWindow *self = BP_WINDOW (widget);

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
preferences_activated_cb (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  BpWindow *self = BP_WINDOW (widget);

  if (self->settings == NULL)
    return;

  gtk_window_present (GTK_WINDOW (bp_preferences_dialog_new (GTK_WINDOW (self), self->settings)));
}

/* A GtkMenuButton builds its popover menu, a widget per item, as soon as it
 * is given the menu (a fortieth of the empty window's start-up): it is given
 * the menu when it is first opened instead. */
static void
create_primary_menu_cb (GtkMenuButton *button,
                        gpointer       user_data)
{
  BpWindow *self = user_data;

  gtk_menu_button_set_menu_model (button, self->primary_menu);
  gtk_menu_button_set_create_popup_func (button, NULL, NULL, NULL);
}

/* GtkApplication builds gtk/help-overlay.ui for every new window, before its
 * first frame (a tenth of the start-up of an empty window), to show it
 * perhaps never: it is built here the first time it is asked for instead, and
 * kept, hidden when closed, as GtkApplicationWindow would. */
static void
show_help_overlay_activated_cb (GtkWidget  *widget,
                                const char *action_name,
                                GVariant   *parameter)
{
  BpWindow *self = BP_WINDOW (widget);

  if (self->shortcuts_window == NULL)
    {
      g_autoptr(GtkBuilder) builder = gtk_builder_new_from_resource (RESOURCE_BASE "/bp-shortcuts-window.ui");

      self->shortcuts_window = g_object_ref (GTK_WINDOW (gtk_builder_get_object (builder, "help_overlay")));
      gtk_window_set_transient_for (self->shortcuts_window, GTK_WINDOW (self));
      gtk_window_set_hide_on_close (self->shortcuts_window, TRUE);
    }

  gtk_window_present (self->shortcuts_window);
}

static void
dismiss_banner_activated_cb (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  BpWindow *self = BP_WINDOW (widget);

  gtk_revealer_set_reveal_child (self->banner_revealer, FALSE);
}

/* ------------------------------------------------------------------ */
/* Window state                                                        */

static GSettings *
create_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APPLICATION_ID, TRUE);

  /* Run from a build tree without the compiled schema: no saved state. */
  if (schema == NULL)
    {
      g_warning ("The settings schema %s is not installed; window state is not kept", APPLICATION_ID);
      return NULL;
    }

  return g_settings_new_full (schema, NULL, NULL);
}

static void
restore_window_state (BpWindow *self)
{
  int width = 0;
  int height = 0;

  if (self->settings == NULL)
    return;

  g_settings_get (self->settings, "window-size", "(ii)", &width, &height);
  gtk_window_set_default_size (GTK_WINDOW (self), width, height);
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  g_settings_bind (self->settings, "sidebar-width", self->paned, "position", G_SETTINGS_BIND_DEFAULT);
}

static void
save_window_state (BpWindow *self)
{
  int width = 0;
  int height = 0;

  if (self->settings == NULL)
    return;

  /* The default size follows the window while it is not maximized. */
  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_set (self->settings, "window-size", "(ii)", width, height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (GTK_WINDOW (self)));
}

static void
close_settled_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  BpWindow *self = BP_WINDOW (object);

  if (settle_changes_finish (self, result))
    {
      self->close_confirmed = TRUE;
      gtk_window_close (GTK_WINDOW (self));
    }
}

static gboolean
bp_window_close_request (GtkWindow *window)
{
  BpWindow *self = BP_WINDOW (window);

  if (self->is_modified && !self->close_confirmed)
    {
      settle_changes_async (self, close_settled_cb, NULL);
      return TRUE;
    }

  save_window_state (self);
  g_cancellable_cancel (self->cancellable);

  return GTK_WINDOW_CLASS (bp_window_parent_class)->close_request (window);
}

/* ------------------------------------------------------------------ */
/* GObject                                                             */

BpWindow *
bp_window_new (GtkApplication *application,
               BpAccountStore *store)
{
  g_return_val_if_fail (!application || GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (BP_IS_ACCOUNT_STORE (store), NULL);

  return g_object_new (BP_TYPE_WINDOW,
                       "application", application,
                       "store", store,
                       NULL);
}

BpAccountStore *
bp_window_get_store (BpWindow *self)
{
  g_return_val_if_fail (BP_IS_WINDOW (self), NULL);

  return self->store;
}

/* Whether every account the search lets through has reached the list view
 * (bp-list-pacer.c): for build-aux/bench and the tests. */
gboolean
bp_window_is_list_complete (BpWindow *self)
{
  g_return_val_if_fail (BP_IS_WINDOW (self), FALSE);

  return self->pacer == NULL || bp_list_pacer_is_complete (self->pacer);
}

static void
model_items_changed_cb (BpWindow   *self,
                        guint       position,
                        guint       removed,
                        guint       added,
                        GListModel *model)
{
  update_list_page (self);
  update_actions (self);

  /* The shown account was deleted or replaced behind our back. */
  if (self->current != NULL && !is_unsaved (self, self->current)
      && bp_account_store_find_by_id (self->store, bp_account_get_id (self->current)) != self->current)
    show_account (self, NULL);
  else if (!self->is_applying && !self->is_asking)
    reselect_current (self);
}

static void
sorter_changed_cb (BpWindow        *self,
                   GtkSorterChange  change,
                   GtkSorter       *sorter)
{
  if (self->pacer != NULL)
    bp_list_pacer_prepare_change (self->pacer, NULL, NULL);
}

static void
sorted_cb (BpWindow        *self,
           GtkSorterChange  change,
           GtkSorter       *sorter)
{
  if (self->pacer != NULL)
    reselect_current (self);
}

/* The list's models have not seen the change yet: an empty list is still
 * empty, and its first rows can be counted from its height now. */
static void
store_will_change_cb (BpWindow *self)
{
  if (self->pacer != NULL)
    bp_list_pacer_prepare_fill (self->pacer);
}

/* The saved account the draft is compared with may change without the
 * draft: its token state saved after Check limits found the token refused
 * or missing, an import, another process's command. Only a change of that
 * account is looked at again (an import changes many, one at a time). */
static void
store_changed_cb (BpWindow   *self,
                  guint       position,
                  guint       removed,
                  guint       added,
                  GListModel *store)
{
  if (self->draft == NULL || self->current == NULL || is_unsaved (self, self->current))
    return;

  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(BpAccount) account = g_list_model_get_item (store, i);

      if (account == self->current)
        {
          update_modified (self);
          return;
        }
    }
}

static void
set_store (BpWindow       *self,
           BpAccountStore *store)
{
  g_autoptr(GListStore) sources = g_list_store_new (G_TYPE_LIST_MODEL);
  GtkFlattenListModel *all;

  g_assert (self->store == NULL);
  self->store = g_object_ref (store);

  /* Connected before the list's models are, so that it runs before they
   * see the change. */
  g_signal_connect_object (store, "items-changed", G_CALLBACK (store_will_change_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (store, "items-changed", G_CALLBACK (store_changed_cb), self,
                           G_CONNECT_SWAPPED | G_CONNECT_AFTER);

  g_list_store_append (sources, store);
  g_list_store_append (sources, self->unsaved);
  all = gtk_flatten_list_model_new (G_LIST_MODEL (g_steal_pointer (&sources)));

  /* Connected before the sort model connects, so that the pacer shows a
   * screenful only before a new order replaces every row. */
  g_signal_connect_object (gtk_column_view_get_sorter (self->account_list), "changed",
                           G_CALLBACK (sorter_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_column_view_get_sorter (self->account_list), "changed",
                           G_CALLBACK (sorted_cb), self, G_CONNECT_SWAPPED | G_CONNECT_AFTER);

  /* Sorted first, then filtered: a key press in the search only filters
   * what is already sorted, and never sorts 10,000 accounts again. */
  self->sorted = gtk_sort_list_model_new (G_LIST_MODEL (all),
                                          g_object_ref (gtk_column_view_get_sorter (self->account_list)));
  self->filter = gtk_custom_filter_new (account_matches_search, self, NULL);
  self->filtered = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->sorted)),
                                              g_object_ref (GTK_FILTER (self->filter)));
  self->pacer = bp_list_pacer_new (G_LIST_MODEL (self->filtered), GTK_WIDGET (self->account_list));
  bp_list_pacer_set_keeps_leftovers (self->pacer, TRUE);
  self->selection = gtk_single_selection_new (g_object_ref (bp_list_pacer_get_model (self->pacer)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  gtk_column_view_set_model (self->account_list, GTK_SELECTION_MODEL (self->selection));

  g_signal_connect_object (bp_list_pacer_get_model (self->pacer), "items-changed",
                           G_CALLBACK (paced_items_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->selection, "notify::selected-item",
                           G_CALLBACK (on_selection_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (store, "items-changed", G_CALLBACK (model_items_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (store, "notify::loaded", G_CALLBACK (update_list_page), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->filtered, "items-changed", G_CALLBACK (model_items_changed_cb), self,
                           G_CONNECT_SWAPPED);

  update_list_page (self);
  update_actions (self);
}

static void
bp_window_dispose (GObject *object)
{
  BpWindow *self = BP_WINDOW (object);

  /* The column view lets go of the models only when it is finalized, after
   * this: a re-sort or a selection change then must not reach this window. */
  if (self->selection != NULL)
    g_signal_handlers_disconnect_by_data (self->selection, self);
  if (self->filtered != NULL)
    g_signal_handlers_disconnect_by_data (self->filtered, self);
  if (self->pacer != NULL)
    g_signal_handlers_disconnect_by_data (bp_list_pacer_get_model (self->pacer), self);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);

  g_cancellable_cancel (self->cancellable);
  bp_window_salesforce_dispose (self);

  if (self->settle_after_apply != NULL)
    {
      g_task_return_boolean (self->settle_after_apply, FALSE);
      g_clear_object (&self->settle_after_apply);
    }

  if (self->draft != NULL)
    g_signal_handlers_disconnect_by_func (self->draft, draft_changed_cb, self);

  if (self->shortcuts_window != NULL)
    gtk_window_destroy (self->shortcuts_window);
  g_clear_object (&self->shortcuts_window);

  gtk_widget_dispose_template (GTK_WIDGET (self), BP_TYPE_WINDOW);

  g_clear_object (&self->selection);
  g_clear_object (&self->pacer);
  g_clear_object (&self->sorted);
  g_clear_object (&self->filtered);
  g_clear_object (&self->filter);
  g_clear_object (&self->unsaved);
  g_clear_object (&self->draft);
  g_clear_object (&self->current);
  g_clear_object (&self->account_to_delete);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->search_text, g_free);

  G_OBJECT_CLASS (bp_window_parent_class)->dispose (object);
}

static void
bp_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  BpWindow *self = BP_WINDOW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bp_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  BpWindow *self = BP_WINDOW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      set_store (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bp_window_class_init (BpWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = bp_window_dispose;
  object_class->get_property = bp_window_get_property;
  object_class->set_property = bp_window_set_property;
  window_class->close_request = bp_window_close_request;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         BP_TYPE_ACCOUNT_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  token_sort_key_quark = g_quark_from_static_string ("bp-window-token-sort-key");

  g_type_ensure (BP_TYPE_ACCOUNT);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/bp-window.ui");
  gtk_widget_class_bind_template_child (widget_class, BpWindow, menu_button);
  gtk_widget_class_bind_template_child (widget_class, BpWindow, primary_menu);
  gtk_widget_class_bind_template_child (widget_class, BpWindow, banner_revealer);
  gtk_widget_class_bind_template_child (widget_class, BpWindow, banner_label);
  gtk_widget_class_bind_template_child (widget_class, BpWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, BpWindow, list_stack);
  gtk_widget_class_bind_template_child (widget_class, BpWindow, account_list);
  gtk_widget_class_bind_template_child (widget_class, BpWindow, name_column);
  gtk_widget_class_bind_template_child (widget_class, BpWindow, type_column);
  gtk_widget_class_bind_template_child (widget_class, BpWindow, default_column);
  gtk_widget_class_bind_template_child (widget_class, BpWindow, token_column);
  gtk_widget_class_bind_template_child (widget_class, BpWindow, paned);
  gtk_widget_class_bind_template_child (widget_class, BpWindow, pane_banner_revealer);
  gtk_widget_class_bind_template_child (widget_class, BpWindow, pane_banner_label);
  gtk_widget_class_bind_template_child (widget_class, BpWindow, pane_stack);
  gtk_widget_class_bind_template_child (widget_class, BpWindow, editor_scroller);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_stopped_cb);

  gtk_widget_class_install_action (widget_class, "win.add-account", NULL, add_account_activated_cb);
  gtk_widget_class_install_action (widget_class, "win.delete-account", NULL, delete_account_activated_cb);
  gtk_widget_class_install_action (widget_class, "win.apply", NULL, apply_activated_cb);
  gtk_widget_class_install_action (widget_class, "win.cancel-changes", NULL, cancel_activated_cb);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_activated_cb);
  gtk_widget_class_install_action (widget_class, "win.dismiss-banner", NULL, dismiss_banner_activated_cb);
  gtk_widget_class_install_action (widget_class, "win.preferences", NULL, preferences_activated_cb);
  gtk_widget_class_install_action (widget_class, "win.show-help-overlay", NULL, show_help_overlay_activated_cb);
  bp_window_transfer_class_init (widget_class);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "win.add-account", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_comma, GDK_CONTROL_MASK, "win.preferences", NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, apply_shortcut_cb, NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, apply_shortcut_cb, NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK, apply_shortcut_cb, NULL);
}

static void
bp_window_init (BpWindow *self)
{
  GtkEventController *list_keys;
  GtkShortcut *delete_shortcut;

  self->unsaved = g_list_store_new (BP_TYPE_ACCOUNT);
  self->cancellable = g_cancellable_new ();
  self->reselect_at = GTK_INVALID_LIST_POSITION;
  bp_window_salesforce_init (self);

  gtk_widget_init_template (GTK_WIDGET (self));
  setup_columns (self);
  gtk_menu_button_set_create_popup_func (self->menu_button, create_primary_menu_cb, self, NULL);

  /* Delete removes an account only from the list: in a text field it
   * deletes text. */
  list_keys = gtk_shortcut_controller_new ();
  delete_shortcut = gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Delete, 0),
                                      gtk_named_action_new ("win.delete-account"));
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (list_keys), delete_shortcut);
  gtk_widget_add_controller (GTK_WIDGET (self->account_list), list_keys);

  self->settings = create_settings ();
  restore_window_state (self);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-limits-dialog"

#include "config.h"

#include <locale.h>
#include <string.h>
#include <gtk/gtk.h>

#include "bp-emulator.h"
#include "bp-error.h"
#include "bp-limits-dialog.h"
#include "bp-salesforce-endpoints.h"
#include "bp-test-gtk.h"
#include "bp-test-salesforce.h"
#include "bp-test-utils.h"

/* BpLimitsDialog under Xvfb: the rows, their order and children, the usage
 * bars, search and CSV with limits given to it; and fetching through a real
 * BpTokenKeeper from the in-process emulator with the refresh token in the
 * real keyring. */

#define KEY     "3MVG9emulatorConsumerKey"
#define SECRET  "EMULATOR-SECRET-0123456789"
#define WAIT_MS 10000

typedef struct
{
  BpEmulator          *emulator;
  BpSalesforceClient  *client;
  BpSecretStore       *secrets;
  BpTokenKeeper       *keeper;
  BpSalesforceAccount *account;
  BpLimitsDialog      *dialog;
  gboolean             has_keyring;
  guint                n_rejected;
} Fixture;

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

/* The body the emulator serves, through the real client (no keyring). */
static BpLimits *
fetch_emulator_limits (BpEmulator *emulator)
{
  g_autoptr(BpSalesforceClient) client = bp_test_salesforce_client_new ();
  g_autoptr(BpSalesforceTokens) tokens = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *refresh_token = bp_emulator_issue_refresh_token (emulator, NULL);
  BpLimits *limits;
  const char *data;
  gsize length;

  bp_salesforce_client_refresh_async (client, bp_emulator_get_base_url (emulator), KEY, NULL, refresh_token,
                                      NULL, bp_test_store_result_cb, &result);
  tokens = bp_salesforce_client_refresh_finish (client, bp_test_await_result (&result, WAIT_MS), &error);
  g_assert_no_error (error);
  g_clear_object (&result);

  bp_salesforce_client_get_limits_async (client, bp_salesforce_tokens_get_instance_url (tokens),
                                         BP_EMULATOR_HIGHEST_VERSION,
                                         bp_salesforce_tokens_get_access_token (tokens), NULL,
                                         bp_test_store_result_cb, &result);
  body = bp_salesforce_client_get_limits_finish (client, bp_test_await_result (&result, WAIT_MS), &error);
  g_assert_no_error (error);

  data = g_bytes_get_data (body, &length);
  limits = bp_limits_new_from_json (data, length, &error);
  g_assert_no_error (error);
  return limits;
}

static BpLimits *
parse (const char *body)
{
  g_autoptr(GError) error = NULL;
  BpLimits *limits = bp_limits_new_from_json (body, strlen (body), &error);

  g_assert_no_error (error);
  return limits;
}

static gboolean
is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (GTK_WIDGET (data));
}

static void
present (Fixture   *fixture,
         gboolean   with_keeper)
{
  fixture->dialog = bp_limits_dialog_new (NULL, fixture->account, with_keeper ? fixture->keeper : NULL);
  g_object_ref_sink (fixture->dialog);
  gtk_window_present (GTK_WINDOW (fixture->dialog));
  bp_test_wait_for (is_mapped, fixture->dialog);
}

static gboolean
is_column_view (GtkWidget     *widget,
                gconstpointer  data)
{
  return GTK_IS_COLUMN_VIEW (widget);
}

static GListModel *
get_rows (Fixture *fixture)
{
  GtkWidget *view = bp_test_find_widget (GTK_WIDGET (fixture->dialog), is_column_view, NULL);

  g_assert_nonnull (view);
  return G_LIST_MODEL (gtk_column_view_get_model (GTK_COLUMN_VIEW (view)));
}

static GtkColumnView *
get_view (Fixture *fixture)
{
  return GTK_COLUMN_VIEW (bp_test_find_widget (GTK_WIDGET (fixture->dialog), is_column_view, NULL));
}

/* The raw name of the limit in row @position, and its depth. */
static const char *
row_name (Fixture *fixture,
          guint    position,
          guint   *depth)
{
  g_autoptr(GtkTreeListRow) row = g_list_model_get_item (get_rows (fixture), position);
  g_autoptr(BpLimit) limit = NULL;

  g_assert_nonnull (row);
  limit = gtk_tree_list_row_get_item (row);
  if (depth != NULL)
    *depth = gtk_tree_list_row_get_depth (row);

  /* The limits object keeps it alive. */
  return bp_limit_get_name (limit);
}

static guint
n_rows (Fixture *fixture)
{
  return g_list_model_get_n_items (get_rows (fixture));
}

typedef struct
{
  Fixture *fixture;
  guint    n_rows;
} RowsWait;

static gboolean
has_n_rows (gpointer data)
{
  RowsWait *wait = data;

  return n_rows (wait->fixture) == wait->n_rows;
}

/* Search and filters apply after the search entry's delay. */
static void
wait_for_n_rows (Fixture *fixture,
                 guint    n)
{
  RowsWait wait = { fixture, n };

  bp_test_wait_for (has_n_rows, &wait);
}

static gboolean
list_is_complete (gpointer data)
{
  Fixture *fixture = data;

  return bp_limits_dialog_is_list_complete (fixture->dialog);
}

/* The list is handed to its view a screenful a frame (bp-list-pacer.c). */
static void
wait_for_complete_list (Fixture *fixture)
{
  bp_test_wait_for (list_is_complete, fixture);
}

static gboolean
is_expander_of (GtkWidget     *widget,
                gconstpointer  name)
{
  GtkTreeListRow *row;
  g_autoptr(BpLimit) limit = NULL;

  if (!GTK_IS_TREE_EXPANDER (widget) || !gtk_widget_get_mapped (widget))
    return FALSE;

  row = gtk_tree_expander_get_list_row (GTK_TREE_EXPANDER (widget));
  if (row == NULL)
    return FALSE;

  limit = gtk_tree_list_row_get_item (row);
  return g_strcmp0 (bp_limit_get_name (limit), name) == 0;
}

static gboolean
is_usage_bar_of (GtkWidget     *widget,
                 gconstpointer  title)
{
  g_autofree char *prefix = g_strconcat (title, ":", NULL);
  const char *tooltip;

  if (!GTK_IS_LEVEL_BAR (widget) || !gtk_widget_get_mapped (widget))
    return FALSE;

  tooltip = gtk_widget_get_tooltip_text (widget);
  return tooltip != NULL && g_str_has_prefix (tooltip, prefix);
}

static GtkLevelBar *
find_usage_bar (Fixture    *fixture,
                const char *title)
{
  GtkWidget *bar = bp_test_find_widget (GTK_WIDGET (fixture->dialog), is_usage_bar_of, title);

  g_assert_nonnull (bar);
  return GTK_LEVEL_BAR (bar);
}

/* The style class of the bar's filled block: the name of its offset. */
static const char *
get_fill_class (GtkLevelBar *bar)
{
  static const char * const names[] = { "bp-usage-normal", "bp-usage-warning", "bp-usage-critical" };
  GtkWidget *trough = gtk_widget_get_first_child (GTK_WIDGET (bar));
  GtkWidget *block = gtk_widget_get_first_child (trough);
  const char *found = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      if (gtk_widget_has_css_class (block, names[i]))
        {
          g_assert_null (found);
          found = names[i];
        }
    }

  return found;
}

static gboolean
is_not_loading (gpointer data)
{
  return !bp_limits_dialog_get_is_loading (BP_LIMITS_DIALOG (data));
}

static gboolean
is_finalized (gpointer data)
{
  return *(gpointer *) data == NULL;
}

static void
token_rejected_cb (BpLimitsDialog      *dialog,
                   BpSalesforceAccount *account,
                   Fixture             *fixture)
{
  g_assert_true (account == fixture->account);
  fixture->n_rejected++;
}

/* A button by its tooltip, which is also its accessible name. */
static gboolean
is_button_labelled (GtkWidget     *widget,
                    gconstpointer  label)
{
  return GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_widget_get_tooltip_text (widget), label) == 0;
}

static gboolean
is_search_entry (GtkWidget     *widget,
                 gconstpointer  data)
{
  return GTK_IS_SEARCH_ENTRY (widget);
}

static gboolean
is_check_button (GtkWidget     *widget,
                 gconstpointer  data)
{
  return GTK_IS_CHECK_BUTTON (widget);
}

static gboolean
is_banner_revealer (GtkWidget     *widget,
                    gconstpointer  data)
{
  return GTK_IS_REVEALER (widget);
}

static gboolean
is_banner_shown (Fixture *fixture)
{
  GtkWidget *revealer = bp_test_find_widget (GTK_WIDGET (fixture->dialog), is_banner_revealer, NULL);

  return gtk_revealer_get_reveal_child (GTK_REVEALER (revealer));
}

static char *
expected_count (gint64 value)
{
  /* As the dialog formats it: the locale's thousands separators. */
  return g_strdup_printf ("%'" G_GINT64_FORMAT, value);
}

/* ------------------------------------------------------------------ */
/* Fixtures                                                            */

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->emulator = bp_test_emulator_new ();
  fixture->account = bp_salesforce_account_new ();
  bp_account_set_name (BP_ACCOUNT (fixture->account), "Emulator org");
  bp_salesforce_account_set_consumer_key (fixture->account, KEY);
  bp_salesforce_account_set_consumer_secret (fixture->account, SECRET);
}

static void
store_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  bp_secret_store_store_finish (BP_SECRET_STORE (object), result, &error);
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

/* With a keeper and a refresh token of the emulator in the real keyring. */
static void
fetch_fixture_set_up (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *token = NULL;
  gboolean is_stored = FALSE;

  fixture_set_up (fixture, data);

  fixture->has_keyring = bp_test_require_keyring ();
  if (!fixture->has_keyring)
    return;

  fixture->client = bp_test_salesforce_client_new ();
  fixture->secrets = bp_secret_store_new ();
  fixture->keeper = bp_token_keeper_new (fixture->client, fixture->secrets);
  bp_emulator_set_client (fixture->emulator, KEY, SECRET);
  g_setenv (BP_SALESFORCE_LOGIN_URL_ENV, bp_emulator_get_base_url (fixture->emulator), TRUE);

  token = bp_emulator_issue_refresh_token (fixture->emulator, KEY);
  bp_secret_store_store_async (fixture->secrets, bp_account_get_id (BP_ACCOUNT (fixture->account)),
                               BP_SECRET_KIND_REFRESH_TOKEN, "Integration Accounts test", token, NULL,
                               store_cb, &is_stored);
  bp_test_wait_until (&is_stored, WAIT_MS);
  g_assert_true (is_stored);
}

static void
cleared_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  bp_secret_store_clear_finish (BP_SECRET_STORE (object), result, NULL);
  *(gboolean *) user_data = TRUE;
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  if (fixture->dialog != NULL)
    {
      gtk_window_destroy (GTK_WINDOW (fixture->dialog));
      g_clear_object (&fixture->dialog);
    }

  if (fixture->secrets != NULL)
    {
      gboolean is_cleared = FALSE;

      bp_secret_store_clear_async (fixture->secrets, bp_account_get_id (BP_ACCOUNT (fixture->account)), NULL,
                                   NULL, cleared_cb, &is_cleared);
      bp_test_wait_until (&is_cleared, WAIT_MS);
    }

  /* Let the keeper's last callbacks run before it goes. */
  bp_test_spin (20);
  g_unsetenv (BP_SALESFORCE_LOGIN_URL_ENV);
  g_clear_object (&fixture->keeper);
  g_clear_object (&fixture->secrets);
  g_clear_object (&fixture->client);
  g_clear_object (&fixture->account);
  g_clear_object (&fixture->emulator);
}

/* ------------------------------------------------------------------ */
/* Limits given to the dialog                                          */

static void
test_rows (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(BpLimits) limits = fetch_emulator_limits (fixture->emulator);
  g_autofree char *texts = NULL;
  g_autofree char *max = expected_count (15000);
  g_autofree char *remaining = expected_count (14016);
  g_autofree char *line = NULL;
  GtkWidget *expander;
  GtkWidget *label;

  bp_limits_set_instance_url (limits, "https://acme.my.salesforce.com");
  bp_limits_set_api_version (limits, "63.0");
  present (fixture, FALSE);
  bp_limits_dialog_set_limits (fixture->dialog, limits);
  bp_test_wait_for_text (fixture->dialog, "Daily API Requests", TRUE);

  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (fixture->dialog)), ==, "Limits — Emulator org");
  g_assert_true (bp_limits_dialog_get_limits (fixture->dialog) == limits);
  g_assert_cmpuint (n_rows (fixture), ==, g_list_model_get_n_items (G_LIST_MODEL (limits)));

  texts = bp_test_visible_texts (GTK_WIDGET (fixture->dialog));
  /* The readable titles, the numbers, the header. */
  g_assert_nonnull (strstr (texts, "\nData Storage (MB)\n"));
  g_assert_nonnull (strstr (texts, "\nHourly OData Callout\n"));
  line = g_strdup_printf ("\n%s\n", max);
  g_assert_nonnull (strstr (texts, line));
  g_free (line);
  line = g_strdup_printf ("\n%s\n", remaining);
  g_assert_nonnull (strstr (texts, line));
  g_assert_nonnull (strstr (texts, "\n−2\n"));
  g_assert_nonnull (strstr (texts, "\n140 %\n"));
  g_assert_nonnull (strstr (texts, "https://acme.my.salesforce.com · API 63.0 · Fetched at "));
  g_assert_nonnull (strstr (texts, "Values are accurate within about five minutes."));
  g_assert_nonnull (strstr (texts, "Most used: Data Storage (MB): 140 %"));
  g_assert_nonnull (strstr (texts, "1 limit is at 80 % or more."));

  /* The most used limit is first; sorted by usage, most used first. */
  g_assert_cmpstr (row_name (fixture, 0, NULL), ==, "DataStorageMB");
  for (guint i = 1; i < n_rows (fixture); i++)
    {
      g_autoptr(GtkTreeListRow) above = g_list_model_get_item (get_rows (fixture), i - 1);
      g_autoptr(GtkTreeListRow) below = g_list_model_get_item (get_rows (fixture), i);
      g_autoptr(BpLimit) a = gtk_tree_list_row_get_item (above);
      g_autoptr(BpLimit) b = gtk_tree_list_row_get_item (below);

      g_assert_cmpfloat (bp_limit_get_fraction (a), >=, bp_limit_get_fraction (b));
    }

  /* The raw name is in the tooltip of the readable one. */
  expander = bp_test_find_widget (GTK_WIDGET (fixture->dialog), is_expander_of, "HourlyODataCallout");
  g_assert_nonnull (expander);
  label = gtk_tree_expander_get_child (GTK_TREE_EXPANDER (expander));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==, "Hourly OData Callout");
  g_assert_cmpstr (gtk_widget_get_tooltip_text (label), ==, "HourlyODataCallout");

  /* Nothing to fetch with: Refresh is off and does nothing. */
  g_assert_false (gtk_widget_get_sensitive (bp_test_find_widget (GTK_WIDGET (fixture->dialog),
                                                                 is_button_labelled, "Refresh")));
  bp_limits_dialog_refresh (fixture->dialog);
  g_assert_false (bp_limits_dialog_get_is_loading (fixture->dialog));
}

static void
test_children (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(BpLimits) limits = fetch_emulator_limits (fixture->emulator);
  g_autofree char *texts = NULL;
  GtkWidget *expander;
  guint parent = G_MAXUINT;
  guint n_before;
  guint depth;

  present (fixture, FALSE);
  bp_limits_dialog_set_limits (fixture->dialog, limits);
  bp_test_wait_for_text (fixture->dialog, "Daily API Requests", TRUE);

  /* Collapsed: no per-app row. */
  n_before = n_rows (fixture);
  texts = bp_test_visible_texts (GTK_WIDGET (fixture->dialog));
  g_assert_null (strstr (texts, "\nBright Pattern Integration\n"));

  expander = bp_test_find_widget (GTK_WIDGET (fixture->dialog), is_expander_of, "DailyApiRequests");
  g_assert_nonnull (expander);
  g_assert_true (gtk_widget_activate_action (expander, "listitem.toggle-expand", NULL));
  bp_test_wait_for_text (fixture->dialog, "Bright Pattern Integration", TRUE);
  g_assert_cmpuint (n_rows (fixture), ==, n_before + 5);

  /* The five children follow their parent, sorted among themselves. */
  for (guint i = 0; i < n_rows (fixture); i++)
    {
      if (g_strcmp0 (row_name (fixture, i, &depth), "DailyApiRequests") == 0)
        parent = i;
    }
  g_assert_cmpuint (parent, <, n_rows (fixture));
  g_assert_cmpstr (row_name (fixture, parent + 1, &depth), ==, "Ant Migration Tool");
  g_assert_cmpuint (depth, ==, 1);
  for (guint i = parent + 1; i <= parent + 5; i++)
    {
      row_name (fixture, i, &depth);
      g_assert_cmpuint (depth, ==, 1);
    }
  if (parent + 6 < n_rows (fixture))
    {
      row_name (fixture, parent + 6, &depth);
      g_assert_cmpuint (depth, ==, 0);
    }

  /* PermissionSets has CreateCustom. */
  expander = bp_test_find_widget (GTK_WIDGET (fixture->dialog), is_expander_of, "PermissionSets");
  g_assert_nonnull (expander);
  g_assert_true (gtk_widget_activate_action (expander, "listitem.toggle-expand", NULL));
  bp_test_wait_for_text (fixture->dialog, "Create Custom", TRUE);
}

static void
test_usage_levels (Fixture       *fixture,
                   gconstpointer  data)
{
  static const struct
  {
    const char *title;
    double      value;
    const char *fill;
    const char *percent;
  } bars[] = {
    { "Seventy Nine", 0.79, "bp-usage-normal", "79 %" },
    { "Almost Eighty", 0.7999, "bp-usage-normal", "79 %" },
    { "Eighty", 0.80, "bp-usage-warning", "80 %" },
    { "Ninety Four", 0.94, "bp-usage-warning", "94 %" },
    { "Ninety Five", 0.95, "bp-usage-critical", "95 %" },
    { "Over Max", 1.0, "bp-usage-critical", "112 %" },
  };
  g_autoptr(BpLimits) limits = NULL;
  g_autofree char *texts = NULL;

  limits = parse ("{\"SeventyNine\": {\"Max\": 100, \"Remaining\": 21},"
                  " \"AlmostEighty\": {\"Max\": 10000, \"Remaining\": 2001},"
                  " \"Eighty\": {\"Max\": 15000, \"Remaining\": 3000},"
                  " \"NinetyFour\": {\"Max\": 100, \"Remaining\": 6},"
                  " \"NinetyFive\": {\"Max\": 100, \"Remaining\": 5},"
                  " \"OverMax\": {\"Max\": 100, \"Remaining\": -12}}");
  present (fixture, FALSE);
  bp_limits_dialog_set_limits (fixture->dialog, limits);
  bp_test_wait_for_text (fixture->dialog, "Over Max", TRUE);
  bp_test_spin (50);

  for (guint i = 0; i < G_N_ELEMENTS (bars); i++)
    {
      GtkLevelBar *bar = find_usage_bar (fixture, bars[i].title);
      GtkWidget *label = gtk_widget_get_next_sibling (GTK_WIDGET (bar));

      g_test_message ("%s", bars[i].title);
      g_assert_cmpfloat_with_epsilon (gtk_level_bar_get_value (bar), bars[i].value, 1e-9);
      g_assert_cmpstr (get_fill_class (bar), ==, bars[i].fill);
      g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==, bars[i].percent);
      /* Only over 100 % is the percentage marked. */
      g_assert_true (gtk_widget_has_css_class (label, "bp-usage-over") == (i == G_N_ELEMENTS (bars) - 1));
    }

  /* Over 100 %: a full bar, the text says by how much; first in the list. */
  g_assert_cmpstr (row_name (fixture, 0, NULL), ==, "OverMax");
  texts = bp_test_visible_texts (GTK_WIDGET (fixture->dialog));
  g_assert_nonnull (strstr (texts, "4 limits are at 80 % or more."));
}

static void
test_sorting (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(BpLimits) limits = NULL;
  GtkColumnView *view;
  GListModel *columns;
  guint depth;

  limits = parse ("{\"Beta\": {\"Max\": 10, \"Remaining\": 5,"
                  "   \"Zeta App\": {\"Max\": 10, \"Remaining\": 1},"
                  "   \"Alpha App\": {\"Max\": 10, \"Remaining\": 9}},"
                  " \"Alpha\": {\"Max\": 10, \"Remaining\": 1},"
                  " \"Gamma\": {\"Max\": 1000, \"Remaining\": 700}}");
  present (fixture, FALSE);
  bp_limits_dialog_set_limits (fixture->dialog, limits);
  bp_test_wait_for_text (fixture->dialog, "Gamma", TRUE);

  /* By usage: Alpha 90 %, Beta 50 %, Gamma 30 %; Beta's children by usage too. */
  gtk_widget_activate_action (bp_test_find_widget (GTK_WIDGET (fixture->dialog), is_expander_of, "Beta"),
                              "listitem.toggle-expand", NULL);
  bp_test_wait_for_text (fixture->dialog, "Zeta App", TRUE);
  g_assert_cmpstr (row_name (fixture, 0, NULL), ==, "Alpha");
  g_assert_cmpstr (row_name (fixture, 1, NULL), ==, "Beta");
  g_assert_cmpstr (row_name (fixture, 2, &depth), ==, "Zeta App");
  g_assert_cmpuint (depth, ==, 1);
  g_assert_cmpstr (row_name (fixture, 3, NULL), ==, "Alpha App");
  g_assert_cmpstr (row_name (fixture, 4, NULL), ==, "Gamma");

  /* By Used, ascending (a click on the header): children stay under Beta. */
  view = get_view (fixture);
  columns = gtk_column_view_get_columns (view);
  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      if (g_strcmp0 (gtk_column_view_column_get_title (column), "Used") == 0)
        gtk_column_view_sort_by_column (view, column, GTK_SORT_ASCENDING);
    }
  bp_test_spin (50);
  g_assert_cmpstr (row_name (fixture, 0, NULL), ==, "Beta");
  g_assert_cmpstr (row_name (fixture, 1, NULL), ==, "Alpha App");
  g_assert_cmpstr (row_name (fixture, 2, NULL), ==, "Zeta App");
  g_assert_cmpstr (row_name (fixture, 3, NULL), ==, "Alpha");
  g_assert_cmpstr (row_name (fixture, 4, NULL), ==, "Gamma");

  /* By Limit (title). */
  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      if (g_strcmp0 (gtk_column_view_column_get_title (column), "Limit") == 0)
        gtk_column_view_sort_by_column (view, column, GTK_SORT_DESCENDING);
    }
  bp_test_spin (50);
  g_assert_cmpstr (row_name (fixture, 0, NULL), ==, "Gamma");
  g_assert_cmpstr (row_name (fixture, 1, NULL), ==, "Beta");
  g_assert_cmpstr (row_name (fixture, 2, NULL), ==, "Zeta App");
  g_assert_cmpstr (row_name (fixture, 4, NULL), ==, "Alpha");
}

static void
test_search_and_filter (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(BpLimits) limits = fetch_emulator_limits (fixture->emulator);
  GtkWidget *entry;
  GtkWidget *check;
  guint n_all;

  present (fixture, FALSE);
  bp_limits_dialog_set_limits (fixture->dialog, limits);
  bp_test_wait_for_text (fixture->dialog, "Daily API Requests", TRUE);
  wait_for_complete_list (fixture);
  n_all = n_rows (fixture);

  /* By readable title, ignoring case. */
  entry = bp_test_find_widget (GTK_WIDGET (fixture->dialog), is_search_entry, NULL);
  gtk_editable_set_text (GTK_EDITABLE (entry), "odata");
  wait_for_n_rows (fixture, 1);
  bp_test_wait_for_text (fixture->dialog, "Daily API Requests", FALSE);
  g_assert_cmpstr (row_name (fixture, 0, NULL), ==, "HourlyODataCallout");

  /* By raw name. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "StorageMB");
  wait_for_n_rows (fixture, 3);
  bp_test_wait_for_text (fixture->dialog, "File Storage (MB)", TRUE);

  /* A child's name: its parent shows, opened on it. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "outlook");
  wait_for_n_rows (fixture, 6);
  bp_test_wait_for_text (fixture->dialog, "Salesforce for Outlook", TRUE);
  g_assert_cmpstr (row_name (fixture, 0, NULL), ==, "DailyApiRequests");

  /* Nothing matches. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "no such limit");
  bp_test_wait_for_text (fixture->dialog, "No Matching Limits", TRUE);

  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  bp_test_wait_for_text (fixture->dialog, "Daily API Requests", TRUE);
  wait_for_complete_list (fixture);
  g_assert_cmpuint (n_rows (fixture), >=, n_all);

  /* Only limits above 50 %: DataStorageMB (140 %). */
  check = bp_test_find_widget (GTK_WIDGET (fixture->dialog), is_check_button, NULL);
  g_assert_cmpstr (gtk_check_button_get_label (GTK_CHECK_BUTTON (check)), ==, "Show only limits above _50 %");
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), TRUE);
  wait_for_n_rows (fixture, 1);
  bp_test_wait_for_text (fixture->dialog, "Daily API Requests", FALSE);
  g_assert_cmpstr (row_name (fixture, 0, NULL), ==, "DataStorageMB");

  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), FALSE);
  bp_test_wait_for_text (fixture->dialog, "Daily API Requests", TRUE);
}

/* A search shows its first matches, not the place the list had been
 * scrolled to. */
static void
test_search_shows_first_matches (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autoptr(GString) body = g_string_new ("{");
  g_autoptr(BpLimits) limits = NULL;
  GtkAdjustment *rows;
  GtkWidget *entry;

  for (guint i = 0; i < 300; i++)
    g_string_append_printf (body, "%s\"Limit%03u\": {\"Max\": 100, \"Remaining\": 50}", i > 0 ? ", " : "", i);
  g_string_append (body, "}");
  limits = parse (body->str);

  present (fixture, FALSE);
  bp_limits_dialog_set_limits (fixture->dialog, limits);
  wait_for_complete_list (fixture);
  g_assert_cmpuint (n_rows (fixture), ==, 300);

  rows = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (get_view (fixture)));
  gtk_adjustment_set_value (rows, gtk_adjustment_get_upper (rows) / 3);
  bp_test_spin (100);
  g_assert_cmpfloat (gtk_adjustment_get_value (rows), >, 0);

  /* Told at once, not after the entry's delay. */
  entry = bp_test_find_widget (GTK_WIDGET (fixture->dialog), is_search_entry, NULL);
  gtk_editable_set_text (GTK_EDITABLE (entry), "limit1");
  g_signal_emit_by_name (entry, "search-changed");
  wait_for_n_rows (fixture, 100);
  wait_for_complete_list (fixture);
  bp_test_spin (100);
  g_assert_cmpstr (row_name (fixture, 0, NULL), ==, "Limit100");
  g_assert_cmpfloat (gtk_adjustment_get_value (rows), ==, 0);
}

static void
text_read_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  char **text = user_data;
  g_autoptr(GError) error = NULL;

  *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (object), result, &error);
  g_assert_no_error (error);
}

static gboolean
is_text_read (gpointer data)
{
  return *(char **) data != NULL;
}

static void
test_copy_csv (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(BpLimits) limits = fetch_emulator_limits (fixture->emulator);
  g_autofree char *expected = bp_limits_to_csv (limits);
  g_autofree char *text = NULL;
  GdkClipboard *clipboard;
  GtkWidget *button;

  present (fixture, FALSE);

  /* Nothing to copy yet. */
  button = bp_test_find_widget (GTK_WIDGET (fixture->dialog), is_button_labelled, "Copy as CSV");
  g_assert_nonnull (button);
  g_assert_false (gtk_widget_get_sensitive (button));

  bp_limits_dialog_set_limits (fixture->dialog, limits);
  g_assert_true (gtk_widget_get_sensitive (button));
  g_signal_emit_by_name (button, "clicked");

  clipboard = gtk_widget_get_clipboard (GTK_WIDGET (fixture->dialog));
  gdk_clipboard_read_text_async (clipboard, NULL, text_read_cb, &text);
  bp_test_wait_for (is_text_read, &text);
  g_assert_cmpstr (text, ==, expected);
  g_assert_true (g_str_has_prefix (text, "Name,Title,Parent,Used,Max,Remaining,Percent used\r\n"));
  g_assert_nonnull (strstr (text, "DailyApiRequests,Daily API Requests,,984,15000,14016,6\r\n"));
}

static void
test_thousands_separators (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(BpLimits) limits = parse ("{\"DailyApiRequests\": {\"Max\": 1500000, \"Remaining\": 1234567}}");
  g_autofree char *numeric = g_strdup (setlocale (LC_NUMERIC, NULL));

  if (setlocale (LC_NUMERIC, "en_US.UTF-8") == NULL)
    {
      g_test_skip ("No en_US.UTF-8 locale to check thousands separators with");
      return;
    }

  present (fixture, FALSE);
  bp_limits_dialog_set_limits (fixture->dialog, limits);
  bp_test_wait_for_text (fixture->dialog, "1,500,000", TRUE);
  bp_test_wait_for_text (fixture->dialog, "1,234,567", TRUE);
  bp_test_wait_for_text (fixture->dialog, "265,433", TRUE);
  setlocale (LC_NUMERIC, numeric);
}

/* ------------------------------------------------------------------ */
/* Fetching through the keeper                                         */

static void
test_fetch (Fixture       *fixture,
            gconstpointer  data)
{
  g_autofree char *texts = NULL;
  g_autofree char *origin = NULL;
  BpLimits *limits;

  if (!fixture->has_keyring)
    return;

  present (fixture, TRUE);
  /* Fetching on show: the spinner page, then the rows. */
  g_assert_true (bp_limits_dialog_get_is_loading (fixture->dialog));
  bp_test_wait_for (is_not_loading, fixture->dialog);
  bp_test_wait_for_text (fixture->dialog, "Daily API Requests", TRUE);

  limits = bp_limits_dialog_get_limits (fixture->dialog);
  g_assert_nonnull (limits);
  g_assert_cmpstr (bp_limits_get_instance_url (limits), ==, bp_emulator_get_base_url (fixture->emulator));
  g_assert_cmpstr (bp_limits_get_api_version (limits), ==, BP_EMULATOR_HIGHEST_VERSION);
  g_assert_cmpstr (row_name (fixture, 0, NULL), ==, "DataStorageMB");
  g_assert_false (is_banner_shown (fixture));
  g_assert_cmpuint (bp_emulator_get_refresh_count (fixture->emulator), ==, 1);
  g_assert_cmpuint (bp_emulator_get_limits_count (fixture->emulator), ==, 1);

  texts = bp_test_visible_texts (GTK_WIDGET (fixture->dialog));
  origin = g_strdup_printf ("%s · API %s · Fetched at ", bp_emulator_get_base_url (fixture->emulator),
                            BP_EMULATOR_HIGHEST_VERSION);
  g_assert_nonnull (strstr (texts, origin));

  /* Refresh: the rows stay while it loads; the cached access token is used. */
  bp_emulator_set_latency (fixture->emulator, 300);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->dialog), "limits.refresh", NULL));
  bp_test_spin (100);
  g_assert_true (bp_limits_dialog_get_is_loading (fixture->dialog));
  g_free (texts);
  texts = bp_test_visible_texts (GTK_WIDGET (fixture->dialog));
  g_assert_nonnull (strstr (texts, "\nDaily API Requests\n"));
  bp_test_wait_for (is_not_loading, fixture->dialog);
  g_assert_true (bp_limits_dialog_get_limits (fixture->dialog) != limits);
  g_assert_cmpuint (bp_emulator_get_refresh_count (fixture->emulator), ==, 1);
  g_assert_cmpuint (bp_emulator_get_limits_count (fixture->emulator), ==, 2);
}

static void
test_fetch_401_once (Fixture       *fixture,
                     gconstpointer  data)
{
  if (!fixture->has_keyring)
    return;

  bp_emulator_set_unauthorized_once (fixture->emulator, TRUE);
  present (fixture, TRUE);
  bp_test_wait_for (is_not_loading, fixture->dialog);

  g_assert_nonnull (bp_limits_dialog_get_limits (fixture->dialog));
  g_assert_false (is_banner_shown (fixture));
  bp_test_wait_for_text (fixture->dialog, "Daily API Requests", TRUE);
  /* 401 → one more refresh → the retry worked. */
  g_assert_cmpuint (bp_emulator_get_refresh_count (fixture->emulator), ==, 2);
  g_assert_cmpuint (bp_emulator_get_limits_count (fixture->emulator), ==, 2);
}

static void
test_fetch_forbidden (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *texts = NULL;

  if (!fixture->has_keyring)
    return;

  bp_emulator_set_forbid_limits (fixture->emulator, TRUE);
  present (fixture, TRUE);
  bp_test_wait_for (is_not_loading, fixture->dialog);

  g_assert_null (bp_limits_dialog_get_limits (fixture->dialog));
  g_assert_true (is_banner_shown (fixture));
  bp_test_wait_for_text_part (fixture->dialog, "View Setup and Configuration");
  texts = bp_test_visible_texts (GTK_WIDGET (fixture->dialog));
  /* Salesforce's message and the permission hint, in the dialog's banner. */
  g_assert_nonnull (strstr (texts, "View Setup and Configuration"));
  g_assert_nonnull (strstr (texts, "You don't have permission to view the org limits."));
  g_assert_nonnull (strstr (texts, "\nThe limits were not fetched. Press Refresh to fetch them.\n"));
  g_assert_cmpuint (fixture->n_rejected, ==, 0);

  /* In the dialog, never a window of its own. */
  g_assert_cmpuint (g_list_model_get_n_items (gtk_window_get_toplevels ()), ==, 1);

  /* Fixed: Refresh hides the banner and shows the limits. */
  bp_emulator_set_forbid_limits (fixture->emulator, FALSE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->dialog), "limits.refresh", NULL));
  bp_test_wait_for (is_not_loading, fixture->dialog);
  g_assert_false (is_banner_shown (fixture));
  bp_test_wait_for_text (fixture->dialog, "Daily API Requests", TRUE);
}

/* Shows the dialog, counting its token-rejected signals, until its fetch ends. */
static void
present_counting_rejections (Fixture *fixture)
{
  fixture->dialog = bp_limits_dialog_new (NULL, fixture->account, fixture->keeper);
  g_object_ref_sink (fixture->dialog);
  g_signal_connect (fixture->dialog, "token-rejected", G_CALLBACK (token_rejected_cb), fixture);
  gtk_window_present (GTK_WINDOW (fixture->dialog));
  bp_test_wait_for (is_not_loading, fixture->dialog);
}

static void
test_fetch_invalid_grant (Fixture       *fixture,
                          gconstpointer  data)
{
  if (!fixture->has_keyring)
    return;

  bp_emulator_set_invalid_grant (fixture->emulator, TRUE);
  present_counting_rejections (fixture);

  g_assert_cmpuint (fixture->n_rejected, ==, 1);
  g_assert_true (is_banner_shown (fixture));
  bp_test_wait_for_text (fixture->dialog, "The refresh token is no longer valid: press Request token.", TRUE);
  g_assert_null (bp_limits_dialog_get_limits (fixture->dialog));
}

/* An account marked Authorized whose refresh token is not in the keyring (a
 * store copied from another computer): the dialog says to request a new
 * token, in the banner and on its page alike, and the account is marked. */
static void
test_fetch_without_keyring_token (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autofree char *texts = NULL;
  gboolean is_cleared = FALSE;

  if (!fixture->has_keyring)
    return;

  bp_secret_store_clear_async (fixture->secrets, bp_account_get_id (BP_ACCOUNT (fixture->account)),
                               BP_SECRET_KIND_REFRESH_TOKEN, NULL, cleared_cb, &is_cleared);
  bp_test_wait_until (&is_cleared, WAIT_MS);

  present_counting_rejections (fixture);

  g_assert_cmpuint (fixture->n_rejected, ==, 1);
  g_assert_true (is_banner_shown (fixture));
  bp_test_wait_for_text (fixture->dialog, "The keyring holds no refresh token for this account. Request a new token.",
                         TRUE);
  bp_test_wait_for_text (fixture->dialog, "Request a new token for this account, then fetch the limits again.", TRUE);
  texts = bp_test_visible_texts (GTK_WIDGET (fixture->dialog));
  g_assert_null (strstr (texts, "Press Refresh"));
}

static void
test_fetch_when_down (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *texts = NULL;

  if (!fixture->has_keyring)
    return;

  bp_emulator_stop (fixture->emulator);
  present (fixture, TRUE);
  bp_test_wait_for (is_not_loading, fixture->dialog);

  g_assert_true (is_banner_shown (fixture));
  g_assert_cmpuint (fixture->n_rejected, ==, 0);
  bp_test_wait_for_text_part (fixture->dialog, "refused the connection");
  texts = bp_test_visible_texts (GTK_WIDGET (fixture->dialog));
  g_test_message ("%s", texts);
  /* The keeper's network message, not the grant one. */
  g_assert_nonnull (strstr (texts, "refused the connection"));
  g_assert_null (strstr (texts, "press Request token"));
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  if (!fixture->has_keyring)
    return;

  bp_emulator_set_latency (fixture->emulator, 1000);
  present (fixture, TRUE);
  g_assert_true (bp_limits_dialog_get_is_loading (fixture->dialog));
  bp_test_wait_for_text (fixture->dialog, "Fetching the limits from Salesforce…", TRUE);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->dialog), "limits.cancel", NULL));
  g_assert_false (bp_limits_dialog_get_is_loading (fixture->dialog));
  bp_test_wait_for_text (fixture->dialog, "The limits were not fetched. Press Refresh to fetch them.", TRUE);

  /* The cancelled fetch shows nothing when its answer arrives. */
  bp_test_spin (1500);
  g_assert_null (bp_limits_dialog_get_limits (fixture->dialog));
  g_assert_false (is_banner_shown (fixture));
  g_assert_cmpuint (bp_emulator_get_limits_count (fixture->emulator), ==, 0);

  bp_emulator_set_latency (fixture->emulator, 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->dialog), "limits.refresh", NULL));
  bp_test_wait_for (is_not_loading, fixture->dialog);
  g_assert_nonnull (bp_limits_dialog_get_limits (fixture->dialog));
}

static void
test_close_while_loading (Fixture       *fixture,
                          gconstpointer  data)
{
  BpLimitsDialog *dialog;
  gpointer weak = NULL;

  if (!fixture->has_keyring)
    return;

  bp_emulator_set_latency (fixture->emulator, 1000);
  dialog = bp_limits_dialog_new (NULL, fixture->account, fixture->keeper);
  weak = dialog;
  g_object_add_weak_pointer (G_OBJECT (dialog), &weak);
  gtk_window_present (GTK_WINDOW (dialog));
  bp_test_wait_for (is_mapped, dialog);
  g_assert_true (bp_limits_dialog_get_is_loading (dialog));

  /* Closing cancels: the answer comes to nobody, nothing crashes, the
   * dialog goes away, and the limits are never asked for. */
  gtk_window_close (GTK_WINDOW (dialog));
  bp_test_wait_for (is_finalized, &weak);
  bp_test_spin (1500);
  g_assert_cmpuint (bp_emulator_get_limits_count (fixture->emulator), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  /* Without a display GTK cannot start; that is a failure under build-aux/test. */
  if (!gtk_init_check ())
    {
      g_test_add_func ("/limits-dialog/display", bp_test_gtk_cannot_start);
      return g_test_run ();
    }

#define ADD(path, func) \
  g_test_add ("/limits-dialog/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
#define ADD_FETCH(path, func) \
  g_test_add ("/limits-dialog/" path, Fixture, NULL, fetch_fixture_set_up, func, fixture_tear_down)

  ADD ("rows", test_rows);
  ADD ("children", test_children);
  ADD ("usage-levels", test_usage_levels);
  ADD ("sorting", test_sorting);
  ADD ("search-and-filter", test_search_and_filter);
  ADD ("search-shows-first-matches", test_search_shows_first_matches);
  ADD ("copy-csv", test_copy_csv);
  ADD ("thousands-separators", test_thousands_separators);
  ADD_FETCH ("fetch", test_fetch);
  ADD_FETCH ("fetch-401-once", test_fetch_401_once);
  ADD_FETCH ("fetch-forbidden", test_fetch_forbidden);
  ADD_FETCH ("fetch-invalid-grant", test_fetch_invalid_grant);
  ADD_FETCH ("fetch-without-keyring-token", test_fetch_without_keyring_token);
  ADD_FETCH ("fetch-when-down", test_fetch_when_down);
  ADD_FETCH ("cancel", test_cancel);
  ADD_FETCH ("close-while-loading", test_close_while_loading);

#undef ADD_FETCH
#undef ADD

  return g_test_run ();
}

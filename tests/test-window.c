/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-window"

#include "config.h"

#include <string.h>
#include <sys/resource.h>
#include <signal.h>
#include <gtk/gtk.h>

#include "bp-account-editor.h"
#include "bp-account-store.h"
#include "bp-error.h"
#include "bp-salesforce-account.h"
#include "bp-test-gtk.h"
#include "bp-test-utils.h"
#include "bp-types-dialog.h"
#include "bp-window.h"

/* These tests drive the real window under Xvfb: actions, dialogs and the
 * list, with a store in a temporary directory and the real keyring. */

#define PRODUCTION_ID "0b7b1b0e-8a3e-4a53-9d6c-2b1bb1d9a001"
#define UAT_ID        "0b7b1b0e-8a3e-4a53-9d6c-2b1bb1d9a002"

static const char two_accounts[] =
  "{\"version\": 1, \"accounts\": ["
  "{\"id\": \"" PRODUCTION_ID "\", \"type\": \"salesforce\", \"name\": \"Production\","
  " \"default\": true, \"url\": \"https://acme.my.salesforce.com/\", \"idp-login-url\": \"/\","
  " \"token-state\": \"valid\", \"authorized-user\": \"admin@acme.example\"},"
  "{\"id\": \"" UAT_ID "\", \"type\": \"salesforce\", \"name\": \"UAT sandbox\","
  " \"sandbox\": true, \"url\": \"https://acme--uat.sandbox.my.salesforce.com/\", \"idp-login-url\": \"/\"}]}";

typedef struct
{
  char           *dir;
  char           *path;
  BpSecretStore  *secrets;
  BpAccountStore *store;
  BpWindow       *window;
} Fixture;

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

static gboolean
is_editor (GtkWidget     *widget,
           gconstpointer  data)
{
  return BP_IS_ACCOUNT_EDITOR (widget) && gtk_widget_get_mapped (widget);
}

static gboolean
is_button_for_action (GtkWidget     *widget,
                      gconstpointer  action)
{
  return GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action) == 0;
}

static gboolean
is_type (GtkWidget     *widget,
         gconstpointer  type)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, GPOINTER_TO_SIZE (type));
}

static BpAccountEditor *
get_editor (Fixture *fixture)
{
  GtkWidget *editor = bp_test_find_widget (GTK_WIDGET (fixture->window), is_editor, NULL);

  g_assert_nonnull (editor);
  return BP_ACCOUNT_EDITOR (editor);
}

static BpSalesforceAccount *
get_draft (Fixture *fixture)
{
  BpAccount *draft = bp_account_editor_get_draft (get_editor (fixture));

  g_assert_true (BP_IS_SALESFORCE_ACCOUNT (draft));
  return BP_SALESFORCE_ACCOUNT (draft);
}

static gboolean
button_sensitive (Fixture    *fixture,
                  const char *action)
{
  GtkWidget *button = bp_test_find_widget (GTK_WIDGET (fixture->window), is_button_for_action, action);

  g_assert_nonnull (button);
  return gtk_widget_is_sensitive (button);
}

static GListModel *
list_model (Fixture *fixture)
{
  GtkSelectionModel *model = gtk_column_view_get_model (
    GTK_COLUMN_VIEW (bp_test_find_widget (GTK_WIDGET (fixture->window), is_type, GSIZE_TO_POINTER (GTK_TYPE_COLUMN_VIEW))));

  return G_LIST_MODEL (model);
}

static char *
listed_names (Fixture *fixture)
{
  GListModel *model = list_model (fixture);
  GString *names = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(BpAccount) account = g_list_model_get_item (model, i);

      g_string_append_printf (names, "%s%s", i > 0 ? "|" : "", bp_account_get_name (account));
    }

  return g_string_free (names, FALSE);
}

static guint
position_of (Fixture    *fixture,
             const char *name)
{
  GListModel *model = list_model (fixture);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(BpAccount) account = g_list_model_get_item (model, i);

      if (g_strcmp0 (bp_account_get_name (account), name) == 0)
        return i;
    }

  g_error ("no account “%s” in the list", name);
}

static void
select_by_name (Fixture    *fixture,
                const char *name)
{
  gtk_selection_model_select_item (GTK_SELECTION_MODEL (list_model (fixture)), position_of (fixture, name), TRUE);
}

static gboolean
store_is_idle (gpointer data)
{
  return FALSE;
}

static BpAccountStore *
load_store (const char    *path,
            BpSecretStore *secrets)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(BpAccountStore) store = bp_account_store_new (file, secrets);
  g_autoptr(GError) error = NULL;

  bp_account_store_load (store, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&store);
}

typedef struct
{
  gboolean  done;
  char     *value;
} Lookup;

static void
looked_up_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Lookup *lookup = user_data;

  lookup->value = bp_secret_store_lookup_finish (BP_SECRET_STORE (object), result, NULL);
  lookup->done = TRUE;
}

static char *
keyring_lookup (BpSecretStore *secrets,
                const char    *id,
                const char    *kind)
{
  Lookup lookup = { 0 };

  bp_secret_store_lookup_async (secrets, id, kind, NULL, looked_up_cb, &lookup);
  bp_test_wait_until (&lookup.done, 10000);
  return lookup.value;
}

/* ------------------------------------------------------------------ */
/* Fixture                                                             */

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  contents)
{
  fixture->dir = bp_test_make_temp_dir ();
  fixture->path = g_build_filename (fixture->dir, "accounts.json", NULL);
  fixture->secrets = bp_secret_store_new ();

  if (contents != NULL)
    {
      g_autoptr(GError) error = NULL;

      g_file_set_contents (fixture->path, contents, -1, &error);
      g_assert_no_error (error);
    }

  fixture->store = load_store (fixture->path, fixture->secrets);
  fixture->window = bp_window_new (NULL, fixture->store);
  gtk_window_present (GTK_WINDOW (fixture->window));
  while (!gtk_widget_get_mapped (GTK_WIDGET (fixture->window)))
    g_main_context_iteration (NULL, TRUE);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  contents)
{
#if !GTK_CHECK_VERSION (4, 10, 0)
  /* Every question a test caused was answered. */
  GtkWindow *stray = bp_test_find_toplevel (GTK_TYPE_MESSAGE_DIALOG);

  if (stray != NULL)
    {
      g_autofree char *text = NULL;

      g_object_get (stray, "text", &text, NULL);
      g_error ("a question is left open: %s", text);
    }
#endif

  gtk_window_destroy (GTK_WINDOW (fixture->window));
  g_clear_object (&fixture->store);
  g_clear_object (&fixture->secrets);
  bp_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->path);
}

/* ------------------------------------------------------------------ */
/* Tests                                                               */

static gboolean
is_mapped (const char *name)
{
  g_autofree char *maps = NULL;
  g_autoptr(GError) error = NULL;

  g_file_get_contents ("/proc/self/maps", &maps, NULL, &error);
  g_assert_no_error (error);

  return strstr (maps, name) != NULL;
}

static void
test_page (Fixture       *fixture,
           gconstpointer  contents)
{
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (fixture->window)), ==, "Integration Accounts");
  bp_test_wait_for_text (fixture->window, "UAT sandbox", TRUE);
  bp_test_wait_for_text (fixture->window, "Call Center Configuration", TRUE);
  bp_test_wait_for_text (fixture->window, "Production", TRUE);
  bp_test_wait_for_text (fixture->window, "Salesforce.com", TRUE);
  bp_test_wait_for_text (fixture->window, "Authorized", TRUE);
  bp_test_wait_for_text (fixture->window, "Not set", TRUE);
  bp_test_wait_for_text (fixture->window, "Select an account to see its properties.", TRUE);

  /* Nothing selected: X, Apply and Cancel are insensitive, + is not. */
  g_assert_true (button_sensitive (fixture, "win.add-account"));
  g_assert_false (button_sensitive (fixture, "win.delete-account"));
  g_assert_false (button_sensitive (fixture, "win.apply"));
  g_assert_false (button_sensitive (fixture, "win.cancel-changes"));

  select_by_name (fixture, "UAT sandbox");
  g_assert_true (button_sensitive (fixture, "win.delete-account"));
  /* Selecting changes nothing yet. */
  g_assert_false (button_sensitive (fixture, "win.apply"));
  g_assert_cmpstr (bp_account_get_name (BP_ACCOUNT (get_draft (fixture))), ==, "UAT sandbox");

  /* A window that has talked no HTTP has not loaded libsoup's module
   * (src/http/bp-http-loader.c); this program links no libsoup itself. */
  g_assert_false (is_mapped ("libbp-http.so"));
  g_assert_false (is_mapped ("libsoup"));
}

static void
test_empty_state (Fixture       *fixture,
                  gconstpointer  contents)
{
  bp_test_wait_for_text (fixture->window, "No Integration Accounts", TRUE);
  bp_test_wait_for_text (fixture->window, "Press + below to add a Salesforce.com account.", TRUE);
}

static void
test_error_banner (Fixture       *fixture,
                   gconstpointer  contents)
{
  const char *message = "The accounts file could not be read (it is empty). It was moved to /x/accounts.json.corrupt-1";

  bp_test_wait_for_text (fixture->window, message, FALSE);
  bp_window_show_error (fixture->window, message);
  bp_test_wait_for_text (fixture->window, message, TRUE);

  /* A banner, not a modal dialog: it can be dismissed. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.dismiss-banner", NULL));
  bp_test_wait_for_text (fixture->window, message, FALSE);
}

static gboolean
store_has_items (gpointer data)
{
  Fixture *fixture = data;

  return g_list_model_get_n_items (G_LIST_MODEL (fixture->store)) > 0;
}

static void
test_add_fill_apply_reload (Fixture       *fixture,
                            gconstpointer  contents)
{
  BpTypesDialog *dialog;
  BpSalesforceAccount *draft;
  g_autoptr(BpAccountStore) reloaded = NULL;
  g_autoptr(BpAccount) saved = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *bytes = NULL;

  if (!bp_test_require_keyring ())
    return;

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.add-account", NULL);
  bp_test_wait_for (bp_test_toplevel_shown, GSIZE_TO_POINTER (BP_TYPE_TYPES_DIALOG));
  dialog = BP_TYPES_DIALOG (bp_test_find_toplevel (BP_TYPE_TYPES_DIALOG));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (dialog)), ==, "Types");
  g_assert_true (gtk_window_get_modal (GTK_WINDOW (dialog)));
  bp_test_wait_for_text (dialog, "Salesforce.com", TRUE);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "types.add", NULL);

  /* A draft in the list, marked unsaved, and nothing in the store yet. */
  bp_test_wait_for_text (fixture->window, "New Salesforce.com account", TRUE);
  bp_test_wait_for_text (fixture->window, "Unsaved", TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->store)), ==, 0);
  g_assert_false (g_file_test (fixture->path, G_FILE_TEST_EXISTS));

  draft = get_draft (fixture);
  g_assert_cmpstr (bp_account_get_name (BP_ACCOUNT (draft)), ==, "New Salesforce.com account");
  bp_account_set_name (BP_ACCOUNT (draft), "Production");
  bp_account_set_is_default (BP_ACCOUNT (draft), TRUE);
  bp_salesforce_account_set_url (draft, "https://acme.my.salesforce.com/");
  bp_salesforce_account_set_sandbox (draft, FALSE);
  bp_salesforce_account_set_consumer_key (draft, "3MVG9.consumer-key");
  bp_salesforce_account_set_consumer_secret (draft, "window-test-consumer-secret");
  bp_salesforce_account_set_idp_login_url (draft, "https://acme.my.salesforce.com/idp/login?app=0sp1");
  bp_test_spin (50);
  g_assert_true (button_sensitive (fixture, "win.apply"));

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.apply", NULL);
  bp_test_wait_for (store_has_items, fixture);
  bp_test_wait_for_text (fixture->window, "Unsaved", FALSE);
  bp_test_spin (50);
  g_assert_false (button_sensitive (fixture, "win.apply"));

  /* What is on disk is what was typed; the secret is only in the keyring. */
  reloaded = load_store (fixture->path, fixture->secrets);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (reloaded)), ==, 1);
  saved = g_list_model_get_item (G_LIST_MODEL (reloaded), 0);
  g_assert_cmpstr (bp_account_get_name (saved), ==, "Production");
  g_assert_true (bp_account_get_is_default (saved));
  g_assert_cmpstr (bp_salesforce_account_get_url (BP_SALESFORCE_ACCOUNT (saved)), ==, "https://acme.my.salesforce.com/");
  g_assert_cmpstr (bp_salesforce_account_get_consumer_key (BP_SALESFORCE_ACCOUNT (saved)), ==, "3MVG9.consumer-key");
  g_assert_cmpstr (bp_salesforce_account_get_idp_login_url (BP_SALESFORCE_ACCOUNT (saved)), ==,
                   "https://acme.my.salesforce.com/idp/login?app=0sp1");
  bytes = bp_test_read_file (fixture->path, NULL);
  g_assert_null (strstr (bytes, "window-test-consumer-secret"));
  secret = keyring_lookup (fixture->secrets, bp_account_get_id (saved), BP_SECRET_KIND_CONSUMER_SECRET);
  g_assert_cmpstr (secret, ==, "window-test-consumer-secret");
}

static void
test_add_is_numbered_and_cancel_removes_draft (Fixture       *fixture,
                                               gconstpointer  contents)
{
  BpAccount *draft;
  g_autofree char *names = NULL;

  /* An account already has the name a new one would get. */
  {
    g_autoptr(BpAccount) first = g_list_model_get_item (G_LIST_MODEL (fixture->store), 0);
    g_autoptr(BpAccount) copy = bp_account_copy (first);
    gboolean done = FALSE;

    bp_account_set_name (copy, "New Salesforce.com account");
    bp_account_store_apply_async (fixture->store, copy, NULL,
                                  (GAsyncReadyCallback) (void (*) (void)) NULL, NULL);
    (void) done;
  }
  bp_test_wait_for_text (fixture->window, "New Salesforce.com account", TRUE);

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.add-account", NULL);
  bp_test_wait_for (bp_test_toplevel_shown, GSIZE_TO_POINTER (BP_TYPE_TYPES_DIALOG));
  gtk_widget_activate_action (GTK_WIDGET (bp_test_find_toplevel (BP_TYPE_TYPES_DIALOG)), "types.add", NULL);
  bp_test_wait_for_text (fixture->window, "New Salesforce.com account 2", TRUE);

  draft = BP_ACCOUNT (get_draft (fixture));
  g_assert_cmpstr (bp_account_get_name (draft), ==, "New Salesforce.com account 2");
  g_assert_true (button_sensitive (fixture, "win.cancel-changes"));

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.cancel-changes", NULL);
  bp_test_wait_for_text (fixture->window, "New Salesforce.com account 2", FALSE);
  names = listed_names (fixture);
  g_assert_null (strstr (names, "account 2"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->store)), ==, 2);
}

static void
test_types_dialog_escape_cancels (Fixture       *fixture,
                                  gconstpointer  contents)
{
  GtkWindow *dialog;
  g_autofree char *names = NULL;

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.add-account", NULL);
  bp_test_wait_for (bp_test_toplevel_shown, GSIZE_TO_POINTER (BP_TYPE_TYPES_DIALOG));
  dialog = bp_test_find_toplevel (BP_TYPE_TYPES_DIALOG);

  gtk_widget_activate_action (GTK_WIDGET (dialog), "types.cancel", NULL);
  bp_test_spin (100);
  g_assert_null (bp_test_find_toplevel (BP_TYPE_TYPES_DIALOG));
  names = listed_names (fixture);
  g_assert_cmpstr (names, ==, "Production|UAT sandbox");
}

static void
test_cancel_restores_saved_values (Fixture       *fixture,
                                   gconstpointer  contents)
{
  BpSalesforceAccount *draft;
  BpAccount *saved = bp_account_store_find_by_name (fixture->store, "Production");

  select_by_name (fixture, "Production");
  draft = get_draft (fixture);
  bp_salesforce_account_set_consumer_key (draft, "changed-key");
  bp_test_spin (50);
  g_assert_true (button_sensitive (fixture, "win.apply"));
  g_assert_true (button_sensitive (fixture, "win.cancel-changes"));
  /* The saved account is untouched while the draft is edited. */
  g_assert_cmpstr (bp_salesforce_account_get_consumer_key (BP_SALESFORCE_ACCOUNT (saved)) ?: "", ==, "");

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.cancel-changes", NULL);
  bp_test_spin (50);
  draft = get_draft (fixture);
  g_assert_cmpstr (bp_salesforce_account_get_consumer_key (draft) ?: "", ==, "");
  g_assert_false (button_sensitive (fixture, "win.apply"));
  g_assert_false (button_sensitive (fixture, "win.cancel-changes"));
}

static void
test_validation_blocks_apply (Fixture       *fixture,
                              gconstpointer  contents)
{
  BpSalesforceAccount *draft;

  select_by_name (fixture, "Production");
  draft = get_draft (fixture);

  bp_salesforce_account_set_url (draft, "http://example.com");
  bp_test_spin (50);
  g_assert_true (bp_account_editor_get_has_errors (get_editor (fixture)));
  g_assert_true (button_sensitive (fixture, "win.cancel-changes"));

  /* Nothing was typed into the Url, so its error is not on show: Apply is
   * not greyed out for a reason nobody can see. Pressed, it shows the error
   * and takes the administrator to it instead of saving; then it is greyed
   * out, the reason beside the field. */
  g_assert_false (bp_account_editor_get_shows_errors (get_editor (fixture)));
  g_assert_true (button_sensitive (fixture, "win.apply"));
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.apply", NULL);
  bp_test_spin (50);
  g_assert_true (bp_account_editor_get_shows_errors (get_editor (fixture)));
  g_assert_false (button_sensitive (fixture, "win.apply"));
  g_assert_cmpstr (bp_salesforce_account_get_url (BP_SALESFORCE_ACCOUNT (bp_account_store_find_by_name (fixture->store, "Production"))),
                   ==, "https://acme.my.salesforce.com/");


  bp_salesforce_account_set_url (draft, "https://acme2.my.salesforce.com/");
  bp_test_spin (50);
  g_assert_false (bp_account_editor_get_has_errors (get_editor (fixture)));
  g_assert_true (button_sensitive (fixture, "win.apply"));

  /* A name another account has is an error too. */
  bp_account_set_name (BP_ACCOUNT (draft), "uat SANDBOX ");
  bp_test_spin (50);
  g_assert_true (bp_account_editor_get_has_errors (get_editor (fixture)));
  g_assert_false (button_sensitive (fixture, "win.apply"));
}

static gboolean
is_label_with_part (GtkWidget     *widget,
                    gconstpointer  part)
{
  return GTK_IS_LABEL (widget) && strstr (gtk_label_get_text (GTK_LABEL (widget)), part) != NULL;
}

/* Whether @widget is laid out whole inside the pane's viewport. */
static gboolean
is_in_view (gpointer data)
{
  GtkWidget *widget = data;
  GtkWidget *viewport = gtk_widget_get_ancestor (widget, GTK_TYPE_VIEWPORT);
  graphene_rect_t bounds;

  return viewport != NULL
         && gtk_widget_compute_bounds (widget, viewport, &bounds)
         && bounds.size.height > 0
         && bounds.origin.y >= 0
         && bounds.origin.y + bounds.size.height <= gtk_widget_get_height (viewport);
}

/* A new account's empty required field: Apply is not greyed out for an error
 * nobody can see; pressed, it shows the error, whole, below the fold of the
 * pane where the field is, and saves nothing. */
static void
test_apply_shows_hidden_problem (Fixture       *fixture,
                                 gconstpointer  contents)
{
  const char *part = "Enter the Identity provider initiated login URL";
  GtkWidget *message;

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.add-account", NULL);
  bp_test_wait_for (bp_test_toplevel_shown, GSIZE_TO_POINTER (BP_TYPE_TYPES_DIALOG));
  gtk_widget_activate_action (GTK_WIDGET (bp_test_find_toplevel (BP_TYPE_TYPES_DIALOG)), "types.add", NULL);
  bp_test_wait_for_text (fixture->window, "New Salesforce.com account", TRUE);
  bp_test_spin (50);

  g_assert_true (bp_account_editor_get_has_errors (get_editor (fixture)));
  g_assert_false (bp_account_editor_get_shows_errors (get_editor (fixture)));
  g_assert_true (button_sensitive (fixture, "win.apply"));

  /* The field is below the fold at the window's default size: the pane
   * scrolls to it, and far enough for its message too (waited for, as a
   * slow run takes more than a few frames). */
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.apply", NULL);
  bp_test_wait_for_text_part (fixture->window, part);
  message = bp_test_find_widget (GTK_WIDGET (fixture->window), is_label_with_part, part);
  bp_test_wait_for (is_in_view, message);
  g_assert_cmpfloat (gtk_adjustment_get_value (gtk_scrollable_get_vadjustment (
                       GTK_SCROLLABLE (gtk_widget_get_ancestor (message, GTK_TYPE_VIEWPORT)))), >, 0);
  g_assert_false (button_sensitive (fixture, "win.apply"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->store)), ==, 0);
}

static void
test_unsaved_changes_question (Fixture       *fixture,
                               gconstpointer  contents)
{
  BpSalesforceAccount *draft;

  select_by_name (fixture, "Production");
  draft = get_draft (fixture);
  bp_salesforce_account_set_consumer_key (draft, "edited-key");
  bp_test_spin (50);

  /* Keep editing: the selection goes back and the edit stays. */
  select_by_name (fixture, "UAT sandbox");
  bp_test_answer_question ("Apply the changes to “Production”?", 2);
  bp_test_spin (100);
  g_assert_cmpuint (gtk_single_selection_get_selected (GTK_SINGLE_SELECTION (list_model (fixture))), ==,
                    position_of (fixture, "Production"));
  g_assert_cmpstr (bp_salesforce_account_get_consumer_key (get_draft (fixture)), ==, "edited-key");

  /* Discard: the other account is shown and the edit is gone. */
  select_by_name (fixture, "UAT sandbox");
  bp_test_answer_question ("Apply the changes to “Production”?", 1);
  bp_test_spin (100);
  g_assert_cmpstr (bp_account_get_name (BP_ACCOUNT (get_draft (fixture))), ==, "UAT sandbox");
  g_assert_cmpstr (bp_salesforce_account_get_consumer_key (
    BP_SALESFORCE_ACCOUNT (bp_account_store_find_by_name (fixture->store, "Production"))) ?: "", ==, "");

  /* Apply: the edit is saved, then the other account is shown. */
  select_by_name (fixture, "Production");
  bp_test_spin (50);
  bp_salesforce_account_set_consumer_key (get_draft (fixture), "applied-key");
  bp_test_spin (50);
  select_by_name (fixture, "UAT sandbox");
  bp_test_answer_question ("Apply the changes to “Production”?", 0);
  bp_test_spin (300);
  g_assert_cmpstr (bp_salesforce_account_get_consumer_key (
    BP_SALESFORCE_ACCOUNT (bp_account_store_find_by_name (fixture->store, "Production"))), ==, "applied-key");
  g_assert_cmpstr (bp_account_get_name (BP_ACCOUNT (get_draft (fixture))), ==, "UAT sandbox");
}

static gboolean
store_has_one (gpointer data)
{
  Fixture *fixture = data;

  return g_list_model_get_n_items (G_LIST_MODEL (fixture->store)) == 1;
}

typedef struct
{
  gboolean done;
} Done;

static void
stored_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Done *done = user_data;

  g_assert_true (bp_secret_store_store_finish (BP_SECRET_STORE (object), result, NULL));
  done->done = TRUE;
}

static void
test_delete_with_confirmation (Fixture       *fixture,
                               gconstpointer  contents)
{
  g_autofree char *bytes = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *token = NULL;
  Done done = { 0 };

  if (!bp_test_require_keyring ())
    return;

  bp_secret_store_store_async (fixture->secrets, PRODUCTION_ID, BP_SECRET_KIND_REFRESH_TOKEN, "test",
                               "5Aep-window-refresh", NULL, stored_cb, &done);
  bp_test_wait_until (&done.done, 10000);

  select_by_name (fixture, "Production");
  bp_test_spin (50);

  /* Cancel keeps it. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.delete-account", NULL);
  bp_test_answer_question ("Delete “Production”?", 0);
  bp_test_spin (100);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->store)), ==, 2);

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.delete-account", NULL);
  bp_test_answer_question ("Delete “Production”?", 1);
  bp_test_wait_for (store_has_one, fixture);
  bp_test_wait_for_text (fixture->window, "Production", FALSE);

  /* Gone from the file and the keyring; the neighbour is selected. */
  bytes = bp_test_read_file (fixture->path, NULL);
  g_assert_null (strstr (bytes, PRODUCTION_ID));
  token = keyring_lookup (fixture->secrets, PRODUCTION_ID, BP_SECRET_KIND_REFRESH_TOKEN);
  g_assert_null (token);
  bp_test_spin (50);
  g_assert_cmpstr (bp_account_get_name (BP_ACCOUNT (get_draft (fixture))), ==, "UAT sandbox");
  g_assert_cmpuint (gtk_single_selection_get_selected (GTK_SINGLE_SELECTION (list_model (fixture))), ==, 0);
}

static void
test_search_filters (Fixture       *fixture,
                     gconstpointer  contents)
{
  GtkWidget *entry = bp_test_find_widget (GTK_WIDGET (fixture->window), is_type, GSIZE_TO_POINTER (GTK_TYPE_SEARCH_ENTRY));
  g_autofree char *by_name = NULL;
  g_autofree char *by_url = NULL;
  g_autofree char *all = NULL;

  gtk_editable_set_text (GTK_EDITABLE (entry), "uat");
  bp_test_spin (400);   /* the search entry waits a little before it reports */
  by_name = listed_names (fixture);
  g_assert_cmpstr (by_name, ==, "UAT sandbox");

  gtk_editable_set_text (GTK_EDITABLE (entry), "acme.my.salesforce");
  bp_test_spin (400);
  by_url = listed_names (fixture);
  g_assert_cmpstr (by_url, ==, "Production");

  gtk_editable_set_text (GTK_EDITABLE (entry), "no such account");
  bp_test_wait_for_text (fixture->window, "No Matching Accounts", TRUE);

  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  bp_test_spin (400);
  all = listed_names (fixture);
  g_assert_cmpstr (all, ==, "Production|UAT sandbox");
}

static gboolean
is_column_view (GtkWidget *widget, gconstpointer data)
{
  return GTK_IS_COLUMN_VIEW (widget);
}

static void
test_sorting (Fixture       *fixture,
              gconstpointer  contents)
{
  GtkColumnView *view = GTK_COLUMN_VIEW (bp_test_find_widget (GTK_WIDGET (fixture->window), is_column_view, NULL));
  GListModel *columns = gtk_column_view_get_columns (view);
  g_autoptr(GtkColumnViewColumn) name = g_list_model_get_item (columns, 0);
  g_autoptr(GtkColumnViewColumn) is_default = g_list_model_get_item (columns, 2);
  g_autoptr(GtkColumnViewColumn) token = g_list_model_get_item (columns, 3);
  g_autofree char *ascending = listed_names (fixture);
  g_autofree char *descending = NULL;
  g_autofree char *by_default = NULL;
  g_autofree char *by_token = NULL;

  g_assert_cmpstr (gtk_column_view_column_get_title (name), ==, "Name");
  g_assert_cmpstr (gtk_column_view_column_get_title (is_default), ==, "Default");
  g_assert_cmpstr (gtk_column_view_column_get_title (token), ==, "Token");
  g_assert_cmpstr (ascending, ==, "Production|UAT sandbox");

  gtk_column_view_sort_by_column (view, name, GTK_SORT_DESCENDING);
  descending = listed_names (fixture);
  g_assert_cmpstr (descending, ==, "UAT sandbox|Production");

  gtk_column_view_sort_by_column (view, is_default, GTK_SORT_ASCENDING);
  by_default = listed_names (fixture);
  g_assert_cmpstr (by_default, ==, "UAT sandbox|Production");

  gtk_column_view_sort_by_column (view, token, GTK_SORT_ASCENDING);
  by_token = listed_names (fixture);
  g_assert_cmpstr (by_token, ==, "Production|UAT sandbox");   /* Authorized < Not set */
}

/* 600 accounts: more than GTK 4.8 builds rows for (200). The view gets them a
 * screenful a frame (bp-list-pacer.c), and an account selected far down
 * stays selected through a search and a new order, although it leaves the
 * rows shown for a moment each time. */
#define N_LONG_LIST 600

static char *
make_long_list (void)
{
  GString *json = g_string_new ("{\"version\": 1, \"accounts\": [");

  for (guint i = 0; i < N_LONG_LIST; i++)
    g_string_append_printf (json,
                            "%s{\"id\": \"0b7b1b0e-8a3e-4a53-9d6c-%012u\", \"type\": \"salesforce\","
                            " \"name\": \"Account %03u\", \"url\": \"https://t%03u.my.salesforce.com/\","
                            " \"idp-login-url\": \"/\"}",
                            i > 0 ? ", " : "", i, i, i);
  g_string_append (json, "]}");
  return g_string_free (json, FALSE);
}

static gboolean
list_is_complete (gpointer data)
{
  return g_list_model_get_n_items (list_model (data)) == N_LONG_LIST;
}

typedef struct
{
  Fixture *fixture;
  guint    n_items;
} ListWait;

static gboolean
list_is_complete_with (gpointer data)
{
  ListWait *wait = data;

  return bp_window_is_list_complete (wait->fixture->window)
         && g_list_model_get_n_items (list_model (wait->fixture)) == wait->n_items;
}

/* Until a search has been applied (the entry waits a little before it
 * reports) and its @n_items matches are all in the list. */
static void
wait_for_complete_list (Fixture *fixture,
                        guint    n_items)
{
  ListWait wait = { fixture, n_items };

  bp_test_wait_for (list_is_complete_with, &wait);
}

/* How many items at the top of the list are "Account @first", "Account
 * @first + @step", ... in turn. */
static guint
count_leading (Fixture *fixture,
               guint    first,
               int      step)
{
  GListModel *model = list_model (fixture);
  guint n = 0;

  for (; n < g_list_model_get_n_items (model); n++)
    {
      g_autoptr(BpAccount) account = g_list_model_get_item (model, n);
      g_autofree char *expected = g_strdup_printf ("Account %03u", first + n * step);

      if (g_strcmp0 (bp_account_get_name (account), expected) != 0)
        break;
    }

  return n;
}

static const char *
selected_name (Fixture *fixture)
{
  BpAccount *account = gtk_single_selection_get_selected_item (GTK_SINGLE_SELECTION (list_model (fixture)));

  return account != NULL ? bp_account_get_name (account) : NULL;
}

/* An item twice in a list view's model confuses GTK 4.8, which finds a row
 * by its item. */
static void
assert_each_item_once (Fixture *fixture)
{
  GListModel *model = list_model (fixture);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      BpAccount *account = g_list_model_get_item (model, i);

      if (g_hash_table_contains (seen, account))
        g_error ("“%s” is in the list twice, the second time at %u", bp_account_get_name (account), i);
      g_hash_table_add (seen, account);
    }
}

/* Replaces the search with @text as typing would, without passing through
 * an empty search (which gtk_editable_set_text() does, and which the entry
 * reports at once), and tells the window at once, not after the entry's
 * delay. */
static void
search_at_once (Fixture    *fixture,
                GtkWidget  *entry,
                const char *text)
{
  int n_old = g_utf8_strlen (gtk_editable_get_text (GTK_EDITABLE (entry)), -1);
  int position = n_old;

  gtk_editable_insert_text (GTK_EDITABLE (entry), text, -1, &position);
  gtk_editable_delete_text (GTK_EDITABLE (entry), 0, n_old);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, text);
  g_signal_emit_by_name (entry, "search-changed");
  assert_each_item_once (fixture);
}

/* The size of the list when it first changes (an items-changed handler). */
static void
record_first_size (GListModel *model,
                   guint       position,
                   guint       removed,
                   guint       added,
                   guint      *size)
{
  if (*size == 0)
    *size = g_list_model_get_n_items (model);
}

static gboolean
is_laid_out (gpointer widget)
{
  return gtk_widget_get_height (widget) > 0;
}

static void
test_long_list_is_paced (Fixture       *fixture,
                         gconstpointer  contents)
{
  GtkColumnView *view = GTK_COLUMN_VIEW (bp_test_find_widget (GTK_WIDGET (fixture->window), is_column_view, NULL));
  GtkWidget *entry = bp_test_find_widget (GTK_WIDGET (fixture->window), is_type, GSIZE_TO_POINTER (GTK_TYPE_SEARCH_ENTRY));
  g_autoptr(GtkColumnViewColumn) name = g_list_model_get_item (gtk_column_view_get_columns (view), 0);
  GtkAdjustment *rows = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view));
  GtkColumnView *other_view;
  BpWindow *other;

  /* A window is given a screenful of a long list before its first frame... */
  other = bp_window_new (NULL, fixture->store);
  other_view = GTK_COLUMN_VIEW (bp_test_find_widget (GTK_WIDGET (other), is_column_view, NULL));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (gtk_column_view_get_model (other_view))), >, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (gtk_column_view_get_model (other_view))), <, 100);
  gtk_window_destroy (GTK_WINDOW (other));

  /* A store read once the window is laid out (a large store is read while
   * the window draws its first frame) first fills the rows that fit in the
   * list, counted from the list's height, not from the window's. */
  {
    g_autoptr(GFile) file = g_file_new_for_path (fixture->path);
    g_autoptr(BpAccountStore) late = bp_account_store_new (file, fixture->secrets);
    g_autoptr(GError) error = NULL;
    guint first_size = 0;
    gulong handler;

    other = bp_window_new (NULL, late);
    other_view = GTK_COLUMN_VIEW (bp_test_find_widget (GTK_WIDGET (other), is_column_view, NULL));
    gtk_window_present (GTK_WINDOW (other));
    /* Not the empty page ("No accounts"): the store has not been read. */
    g_assert_true (gtk_widget_get_child_visible (gtk_widget_get_ancestor (GTK_WIDGET (other_view), GTK_TYPE_SCROLLED_WINDOW)));
    bp_test_wait_for (is_laid_out, other_view);

    handler = g_signal_connect (gtk_column_view_get_model (other_view), "items-changed",
                                G_CALLBACK (record_first_size), &first_size);
    bp_account_store_load (late, &error);
    g_assert_no_error (error);
    g_signal_handler_disconnect (gtk_column_view_get_model (other_view), handler);

    g_assert_cmpuint (first_size, >, 0);
    g_assert_cmpuint (first_size, <=, gtk_widget_get_height (GTK_WIDGET (other_view)) / 16 + 2);
    gtk_window_destroy (GTK_WINDOW (other));
  }

  /* ... and every account, in order, a few frames after it. */
  bp_test_wait_for (list_is_complete, fixture);
  g_assert_cmpuint (position_of (fixture, "Account 000"), ==, 0);
  g_assert_cmpuint (position_of (fixture, "Account 599"), ==, N_LONG_LIST - 1);

  select_by_name (fixture, "Account 500");
  g_assert_cmpstr (selected_name (fixture), ==, "Account 500");
  g_assert_cmpstr (bp_account_get_name (BP_ACCOUNT (get_draft (fixture))), ==, "Account 500");

  /* A search that keeps it: still selected. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "account 5");
  wait_for_complete_list (fixture, 100);
  g_assert_cmpstr (selected_name (fixture), ==, "Account 500");

  /* Widening the search moves it from the top, where the new rows start, to
   * position 500: still selected. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  wait_for_complete_list (fixture, N_LONG_LIST);
  g_assert_cmpstr (selected_name (fixture), ==, "Account 500");
  g_assert_cmpuint (position_of (fixture, "Account 500"), ==, 500);
  g_assert_cmpstr (bp_account_get_name (BP_ACCOUNT (get_draft (fixture))), ==, "Account 500");

  /* A search that hides it, then shows it again: selected again, as the
   * pane still shows it. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "account 1");
  wait_for_complete_list (fixture, 100);
  g_assert_null (selected_name (fixture));
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  wait_for_complete_list (fixture, N_LONG_LIST);
  g_assert_cmpstr (selected_name (fixture), ==, "Account 500");

  /* Widening a search shows the first matches. GTK would keep the first
   * match of the narrower search at the top, and the ten before it above. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "account 01");
  wait_for_complete_list (fixture, 10);
  gtk_editable_set_text (GTK_EDITABLE (entry), "account 0");
  wait_for_complete_list (fixture, 100);
  g_assert_cmpuint (position_of (fixture, "Account 010"), ==, 10);
  g_assert_cmpfloat (gtk_adjustment_get_value (rows), ==, 0);
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  wait_for_complete_list (fixture, N_LONG_LIST);

  /* A search while the list shows its top: the new matches' first
   * screenful comes at once, and the rows of the list before it stay below
   * it for the frames after, which destroy them (bp-list-pacer.c). An
   * account selected in those rows is selected again where the search puts
   * it. The entry is told at once, not after its delay. */
  select_by_name (fixture, "Account 150");
  search_at_once (fixture, entry, "account 1");
  g_assert_cmpuint (count_leading (fixture, 100, 1), >, 0);
  g_assert_cmpuint (count_leading (fixture, 100, 1), <, 50);
  g_assert_cmpuint (g_list_model_get_n_items (list_model (fixture)), >, 100);

  /* Keystrokes faster than frames. Another search: the leftovers stay
   * behind its first screenful. */
  search_at_once (fixture, entry, "ccount 2");
  g_assert_cmpuint (count_leading (fixture, 200, 1), >, 0);
  g_assert_cmpuint (count_leading (fixture, 200, 1), <, 50);
  g_assert_cmpuint (g_list_model_get_n_items (list_model (fixture)), >, count_leading (fixture, 200, 1));
  /* A longer one that hides none of the matches: nothing is replaced (the
   * matches are counted, not the leftovers past them). */
  search_at_once (fixture, entry, "account 2");
  g_assert_cmpuint (count_leading (fixture, 200, 1), >, 0);
  g_assert_cmpuint (g_list_model_get_n_items (list_model (fixture)), >, count_leading (fixture, 200, 1));
  /* Ten matches, fewer than fill the first screenful: the leftovers go at
   * once. */
  search_at_once (fixture, entry, "account 25");
  g_assert_cmpuint (g_list_model_get_n_items (list_model (fixture)), ==, 10);
  g_assert_cmpuint (count_leading (fixture, 250, 1), ==, 10);

  /* The leftovers' rows go as the new rows grow, never holding an account
   * shown above them. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  wait_for_complete_list (fixture, N_LONG_LIST);
  search_at_once (fixture, entry, "account 1");
  g_assert_cmpuint (g_list_model_get_n_items (list_model (fixture)), >, 100);
  while (!bp_window_is_list_complete (fixture->window))
    {
      bp_test_spin (5);
      assert_each_item_once (fixture);
    }
  search_at_once (fixture, entry, "account 25");

  /* The account hidden meanwhile is selected again when it is shown. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "account 1");
  wait_for_complete_list (fixture, 100);
  g_assert_cmpuint (count_leading (fixture, 100, 1), ==, 100);
  g_assert_cmpstr (selected_name (fixture), ==, "Account 150");
  g_assert_cmpuint (gtk_single_selection_get_selected (GTK_SINGLE_SELECTION (list_model (fixture))), ==, 50);
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  wait_for_complete_list (fixture, N_LONG_LIST);

  /* A new order moves an account from the first rows to the last: the list
   * starts again from a screenful (the selected account does not make it
   * build every row), and the account is selected again once its row is
   * there. */
  select_by_name (fixture, "Account 010");
  gtk_column_view_sort_by_column (view, name, GTK_SORT_DESCENDING);
  g_assert_cmpuint (count_leading (fixture, N_LONG_LIST - 1, -1), >, 0);
  g_assert_cmpuint (count_leading (fixture, N_LONG_LIST - 1, -1), <, 100);
  bp_test_wait_for (list_is_complete, fixture);
  g_assert_cmpuint (position_of (fixture, "Account 010"), ==, N_LONG_LIST - 11);
  g_assert_cmpstr (selected_name (fixture), ==, "Account 010");

  /* The pane follows the selection only. */
  g_assert_cmpstr (bp_account_get_name (BP_ACCOUNT (get_draft (fixture))), ==, "Account 010");

  /* A new account's draft is selected and scrolled to, at the end of the
   * list, past the rows shown. */
  gtk_column_view_sort_by_column (view, name, GTK_SORT_ASCENDING);
  bp_test_wait_for (list_is_complete, fixture);
  g_assert_cmpfloat (gtk_adjustment_get_value (rows), ==, 0);
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.add-account", NULL);
  bp_test_wait_for (bp_test_toplevel_shown, GSIZE_TO_POINTER (BP_TYPE_TYPES_DIALOG));
  gtk_widget_activate_action (GTK_WIDGET (bp_test_find_toplevel (BP_TYPE_TYPES_DIALOG)), "types.add", NULL);
  bp_test_wait_for_text (fixture->window, "Unsaved", TRUE);
  g_assert_cmpstr (selected_name (fixture), ==, "New Salesforce.com account");
  g_assert_cmpuint (position_of (fixture, "New Salesforce.com account"), ==, N_LONG_LIST);
  g_assert_cmpfloat (gtk_adjustment_get_value (rows), >, 0);
}

static void
test_failed_apply_keeps_edits (Fixture       *fixture,
                               gconstpointer  contents)
{
  struct rlimit old_limit;
  struct rlimit limit;
  g_autofree char *dir = g_path_get_dirname (fixture->path);

  select_by_name (fixture, "Production");
  bp_salesforce_account_set_consumer_key (get_draft (fixture), "kept-key");
  bp_test_spin (50);

  /* A full disk (as root, a read-only directory would not stop us). */
  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &old_limit), ==, 0);
  limit = old_limit;
  limit.rlim_cur = 16;
  signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limit), ==, 0);

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.apply", NULL);
  bp_test_wait_for_text_part (fixture->window, "The accounts file could not be written, so nothing was changed");
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &old_limit), ==, 0);

  {
    g_autofree char *texts = bp_test_visible_texts (GTK_WIDGET (fixture->window));

    g_assert_nonnull (strstr (texts, "The accounts file could not be written, so nothing was changed"));
  }
  g_assert_cmpstr (bp_salesforce_account_get_consumer_key (get_draft (fixture)), ==, "kept-key");
  g_assert_true (button_sensitive (fixture, "win.apply"));
}

static void
test_window_state_round_trip (void)
{
  g_autofree char *dir = bp_test_make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "accounts.json", NULL);
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  g_autoptr(BpSecretStore) secrets = bp_secret_store_new ();
  g_autoptr(BpAccountStore) store = load_store (path, secrets);
  BpWindow *window;
  int width = 0, height = 0;

  g_settings_set (settings, "window-size", "(ii)", 1000, 640);
  g_settings_set_int (settings, "sidebar-width", 380);

  window = bp_window_new (NULL, store);
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 1000);
  g_assert_cmpint (height, ==, 640);
  gtk_window_present (GTK_WINDOW (window));
  while (!gtk_widget_get_mapped (GTK_WIDGET (window)))
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (gtk_paned_get_position (GTK_PANED (bp_test_find_widget (GTK_WIDGET (window), is_type,
                                                                    GSIZE_TO_POINTER (GTK_TYPE_PANED)))), ==, 380);

  /* The administrator resizes and drags the split; closing keeps both. */
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 600);
  gtk_paned_set_position (GTK_PANED (bp_test_find_widget (GTK_WIDGET (window), is_type, GSIZE_TO_POINTER (GTK_TYPE_PANED))), 450);
  bp_test_spin (100);
  gtk_window_close (GTK_WINDOW (window));
  bp_test_spin (50);

  g_settings_get (settings, "window-size", "(ii)", &width, &height);
  g_assert_cmpint (width, ==, 900);
  g_assert_cmpint (height, ==, 600);
  g_assert_cmpint (g_settings_get_int (settings, "sidebar-width"), ==, 450);
  g_assert_false (g_settings_get_boolean (settings, "window-maximized"));

  bp_test_remove_tree (dir);
}

static gboolean
window_is_visible (gpointer data)
{
  return gtk_widget_get_visible (GTK_WIDGET (data));
}

static gboolean
window_is_gone (gpointer data)
{
  return !window_is_visible (data);
}

static BpAccountStore *
load_two_accounts_in (const char    *dir,
                      BpSecretStore *secrets)
{
  g_autofree char *path = g_build_filename (dir, "accounts.json", NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, two_accounts, -1, &error);
  g_assert_no_error (error);
  return load_store (path, secrets);
}

/* A window of its own on @store, not the fixture's (it is closed here), with
 * "Production" chosen and its Consumer key changed to @consumer_key. */
static BpWindow *
open_with_edited_production (BpAccountStore   *store,
                             const char       *consumer_key,
                             BpAccountEditor **editor)
{
  BpWindow *window = g_object_ref_sink (bp_window_new (NULL, store));
  GtkColumnView *view;

  gtk_window_present (GTK_WINDOW (window));
  while (!gtk_widget_get_mapped (GTK_WIDGET (window)))
    g_main_context_iteration (NULL, TRUE);

  view = GTK_COLUMN_VIEW (bp_test_find_widget (GTK_WIDGET (window), is_type, GSIZE_TO_POINTER (GTK_TYPE_COLUMN_VIEW)));
  gtk_selection_model_select_item (gtk_column_view_get_model (view), 0, TRUE);
  bp_test_spin (50);
  *editor = BP_ACCOUNT_EDITOR (bp_test_find_widget (GTK_WIDGET (window), is_editor, NULL));
  bp_salesforce_account_set_consumer_key (BP_SALESFORCE_ACCOUNT (bp_account_editor_get_draft (*editor)),
                                          consumer_key);
  bp_test_spin (50);

  return window;
}

static const char *
get_saved_consumer_key (BpAccountStore *store)
{
  return bp_salesforce_account_get_consumer_key (BP_SALESFORCE_ACCOUNT (bp_account_store_find_by_name (store, "Production")));
}

static void
test_close_asks_about_changes (void)
{
  g_autofree char *dir = bp_test_make_temp_dir ();
  g_autoptr(BpSecretStore) secrets = bp_secret_store_new ();
  g_autoptr(BpAccountStore) store = load_two_accounts_in (dir, secrets);
  g_autoptr(BpWindow) window = NULL;
  BpAccountEditor *editor;

  window = open_with_edited_production (store, "typed", &editor);

  /* Keep editing: the window stays, with the edit. */
  gtk_window_close (GTK_WINDOW (window));
  bp_test_answer_question ("Apply the changes to “Production”?", 2);
  bp_test_spin (100);
  g_assert_true (window_is_visible (window));
  g_assert_cmpstr (bp_salesforce_account_get_consumer_key (BP_SALESFORCE_ACCOUNT (bp_account_editor_get_draft (editor))),
                   ==, "typed");

  /* Apply: saved, then the window closes. */
  gtk_window_close (GTK_WINDOW (window));
  bp_test_answer_question ("Apply the changes to “Production”?", 0);
  bp_test_wait_for (window_is_gone, window);
  g_assert_cmpstr (get_saved_consumer_key (store), ==, "typed");

  bp_test_remove_tree (dir);
}

/* Closed while Apply is still writing: no question offers to apply again;
 * the window closes once the write has ended, with the edit saved once. */
static void
test_close_while_applying_waits (void)
{
  g_autofree char *dir = bp_test_make_temp_dir ();
  g_autoptr(BpSecretStore) secrets = bp_secret_store_new ();
  g_autoptr(BpAccountStore) store = load_two_accounts_in (dir, secrets);
  g_autoptr(BpWindow) window = NULL;
  BpAccountEditor *editor;

  window = open_with_edited_production (store, "applied", &editor);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.apply", NULL);
  gtk_window_close (GTK_WINDOW (window));
  /* A question would keep the window open: nobody answers it here. */
  bp_test_wait_for (window_is_gone, window);
  g_assert_null (bp_test_find_toplevel (GTK_TYPE_MESSAGE_DIALOG));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 2);
  g_assert_cmpstr (get_saved_consumer_key (store), ==, "applied");

  bp_test_remove_tree (dir);
}

static gboolean
is_spin_button (GtkWidget     *widget,
                gconstpointer  data)
{
  return GTK_IS_SPIN_BUTTON (widget);
}

static void
test_preferences (Fixture       *fixture,
                  gconstpointer  contents)
{
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  GtkWindow *dialog;
  GtkSpinButton *port;

  g_unsetenv ("BP_OAUTH_REDIRECT_PORT");
  g_settings_set_int (settings, "redirect-port", 1717);

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.preferences", NULL);
  bp_test_wait_for (bp_test_toplevel_shown, GSIZE_TO_POINTER (GTK_TYPE_WINDOW));
  dialog = NULL;
  {
    GListModel *toplevels = gtk_window_get_toplevels ();

    for (guint i = 0; i < g_list_model_get_n_items (toplevels) && dialog == NULL; i++)
      {
        g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

        if (g_strcmp0 (gtk_window_get_title (window), "Preferences") == 0)
          dialog = window;
      }
  }
  g_assert_nonnull (dialog);
  bp_test_wait_for_text (dialog, "Callback URL: http://localhost:1717/OauthRedirect", TRUE);

  /* A new port is saved at once and the URL to register follows it. */
  port = GTK_SPIN_BUTTON (bp_test_find_widget (GTK_WIDGET (dialog), is_spin_button, NULL));
  gtk_spin_button_set_value (port, 8443);
  g_assert_cmpint (g_settings_get_int (settings, "redirect-port"), ==, 8443);
  bp_test_wait_for_text (dialog, "Callback URL: http://localhost:8443/OauthRedirect", TRUE);

  /* The setting's range is the dialog's. */
  gtk_spin_button_set_value (port, 80);
  g_assert_cmpint (g_settings_get_int (settings, "redirect-port"), ==, 1024);

  gtk_window_destroy (dialog);
  g_settings_reset (settings, "redirect-port");
}

static GtkWindow *
find_shortcuts_window (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (GTK_IS_SHORTCUTS_WINDOW (window))
        return window;
    }

  return NULL;
}

/* The Keyboard Shortcuts window is built when first asked for (not with the
 * window), and the same one comes back after it was closed. */
static void
test_shortcuts_window (Fixture       *fixture,
                       gconstpointer  contents)
{
  GtkWindow *shortcuts;

  g_assert_null (find_shortcuts_window ());

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-help-overlay", NULL);
  bp_test_wait_for (bp_test_toplevel_shown, GSIZE_TO_POINTER (GTK_TYPE_SHORTCUTS_WINDOW));
  shortcuts = find_shortcuts_window ();
  g_assert_nonnull (shortcuts);
  g_assert_true (gtk_window_get_transient_for (shortcuts) == GTK_WINDOW (fixture->window));
  bp_test_wait_for_text (shortcuts, "Add an account", TRUE);

  gtk_window_close (shortcuts);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (shortcuts)));
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-help-overlay", NULL);
  bp_test_wait_for (bp_test_toplevel_shown, GSIZE_TO_POINTER (GTK_TYPE_SHORTCUTS_WINDOW));
  g_assert_true (find_shortcuts_window () == shortcuts);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *long_list = NULL;

  g_test_init (&argc, &argv, NULL);

  /* Without a display GTK cannot start; that is a failure under build-aux/test. */
  if (!gtk_init_check ())
    {
      g_test_add_func ("/window/display", bp_test_gtk_cannot_start);
      return g_test_run ();
    }

  (void) store_is_idle;

  long_list = make_long_list ();

#define ADD(path, contents, func) \
  g_test_add (path, Fixture, contents, fixture_set_up, func, fixture_tear_down)

  ADD ("/window/page", two_accounts, test_page);
  ADD ("/window/empty-state", NULL, test_empty_state);
  ADD ("/window/error-banner", NULL, test_error_banner);
  ADD ("/window/add-fill-apply-reload", NULL, test_add_fill_apply_reload);
  ADD ("/window/add-is-numbered-and-cancel-removes-draft", two_accounts, test_add_is_numbered_and_cancel_removes_draft);
  ADD ("/window/types-dialog-escape-cancels", two_accounts, test_types_dialog_escape_cancels);
  ADD ("/window/cancel-restores-saved-values", two_accounts, test_cancel_restores_saved_values);
  ADD ("/window/validation-blocks-apply", two_accounts, test_validation_blocks_apply);
  ADD ("/window/apply-shows-hidden-problem", NULL, test_apply_shows_hidden_problem);
  ADD ("/window/unsaved-changes-question", two_accounts, test_unsaved_changes_question);
  ADD ("/window/delete-with-confirmation", two_accounts, test_delete_with_confirmation);
  ADD ("/window/search-filters", two_accounts, test_search_filters);
  ADD ("/window/sorting", two_accounts, test_sorting);
  ADD ("/window/long-list-is-paced", long_list, test_long_list_is_paced);
  ADD ("/window/failed-apply-keeps-edits", two_accounts, test_failed_apply_keeps_edits);
  ADD ("/window/preferences", NULL, test_preferences);
  ADD ("/window/shortcuts-window", NULL, test_shortcuts_window);
  g_test_add_func ("/window/state-round-trip", test_window_state_round_trip);
  g_test_add_func ("/window/close-asks-about-changes", test_close_asks_about_changes);
  g_test_add_func ("/window/close-while-applying-waits", test_close_while_applying_waits);

#undef ADD

  return g_test_run ();
}

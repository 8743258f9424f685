/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-window-salesforce"

#include "config.h"

#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "bp-account-editor.h"
#include "bp-account-store.h"
#include "bp-emulator.h"
#include "bp-error.h"
#include "bp-limits-dialog.h"
#include "bp-salesforce-account.h"
#include "bp-test-gtk.h"
#include "bp-test-salesforce.h"
#include "bp-test-utils.h"
#include "bp-token-dialog.h"
#include "bp-types-dialog.h"
#include "bp-window.h"

/* Request token and Delete in the real window, against the in-process
 * Salesforce emulator, the stand-in browser and the real keyring. */

#define PRODUCTION_ID "0b7b1b0e-8a3e-4a53-9d6c-5f0ce0000001"

static const char one_account[] =
  "{\"version\": 1, \"accounts\": ["
  "{\"id\": \"" PRODUCTION_ID "\", \"type\": \"salesforce\", \"name\": \"Production\","
  " \"url\": \"https://acme.my.salesforce.com/\", \"consumer-key\": \"3MVG9.emulator-key\","
  " \"idp-login-url\": \"/\"}]}";

typedef struct
{
  char           *dir;
  char           *path;
  BpEmulator     *emulator;
  guint           port;
  BpSecretStore  *secrets;
  BpAccountStore *store;
  BpWindow       *window;
} Fixture;

static gboolean
is_editor (GtkWidget     *widget,
           gconstpointer  data)
{
  return BP_IS_ACCOUNT_EDITOR (widget) && gtk_widget_get_mapped (widget);
}

static BpSalesforceAccount *
get_draft (Fixture *fixture)
{
  GtkWidget *editor = bp_test_find_widget (GTK_WIDGET (fixture->window), is_editor, NULL);

  g_assert_nonnull (editor);
  return BP_SALESFORCE_ACCOUNT (bp_account_editor_get_draft (BP_ACCOUNT_EDITOR (editor)));
}

static GtkWidget *
get_editor_widget (Fixture *fixture)
{
  return bp_test_find_widget (GTK_WIDGET (fixture->window), is_editor, NULL);
}

static gboolean
is_column_view (GtkWidget     *widget,
                gconstpointer  data)
{
  return GTK_IS_COLUMN_VIEW (widget);
}

static void
select_first (Fixture *fixture)
{
  GtkColumnView *view = GTK_COLUMN_VIEW (bp_test_find_widget (GTK_WIDGET (fixture->window), is_column_view, NULL));

  gtk_selection_model_select_item (gtk_column_view_get_model (view), 0, TRUE);
  bp_test_spin (50);
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
keyring_lookup (Fixture    *fixture,
                const char *id)
{
  Lookup lookup = { 0 };

  bp_secret_store_lookup_async (fixture->secrets, id, BP_SECRET_KIND_REFRESH_TOKEN, NULL, looked_up_cb, &lookup);
  bp_test_wait_until (&lookup.done, 10000);
  return lookup.value;
}

static void
stored_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  gboolean *done = user_data;

  g_assert_true (bp_secret_store_store_finish (BP_SECRET_STORE (object), result, NULL));
  *done = TRUE;
}

static void
keyring_store (Fixture    *fixture,
               const char *id,
               const char *token)
{
  gboolean done = FALSE;

  bp_secret_store_store_async (fixture->secrets, id, BP_SECRET_KIND_REFRESH_TOKEN, "test", token,
                               NULL, stored_cb, &done);
  bp_test_wait_until (&done, 10000);
}

static gboolean
draft_is_authorized (gpointer data)
{
  Fixture *fixture = data;

  return bp_salesforce_account_get_token_state (get_draft (fixture)) == BP_TOKEN_STATE_VALID;
}

static gboolean
token_dialog_gone (gpointer data)
{
  return bp_test_find_toplevel (BP_TYPE_TOKEN_DIALOG) == NULL;
}

static void
request_token (Fixture *fixture)
{
  g_assert_true (gtk_widget_activate_action (get_editor_widget (fixture), "editor.request-token", NULL));
  bp_test_wait_for (bp_test_toplevel_shown, GSIZE_TO_POINTER (BP_TYPE_TOKEN_DIALOG));
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  contents)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *port = NULL;

  fixture->dir = bp_test_make_temp_dir ();
  fixture->path = g_build_filename (fixture->dir, "accounts.json", NULL);
  if (contents != NULL)
    {
      g_file_set_contents (fixture->path, contents, -1, &error);
      g_assert_no_error (error);
    }

  fixture->emulator = bp_test_emulator_new ();
  g_setenv ("BP_SALESFORCE_LOGIN_URL", bp_emulator_get_base_url (fixture->emulator), TRUE);
  fixture->port = bp_test_find_free_port ();
  port = g_strdup_printf ("%u", fixture->port);
  g_setenv ("BP_OAUTH_REDIRECT_PORT", port, TRUE);
  bp_test_use_test_browser ();

  fixture->secrets = bp_secret_store_new ();
  file = g_file_new_for_path (fixture->path);
  fixture->store = bp_account_store_new (file, fixture->secrets);
  bp_account_store_load (fixture->store, &error);
  g_assert_no_error (error);

  fixture->window = bp_window_new (NULL, fixture->store);
  gtk_window_present (GTK_WINDOW (fixture->window));
  while (!gtk_widget_get_mapped (GTK_WIDGET (fixture->window)))
    g_main_context_iteration (NULL, TRUE);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  contents)
{
  if (fixture->window != NULL)
    gtk_window_destroy (GTK_WINDOW (fixture->window));
  bp_test_spin (50);
  g_clear_object (&fixture->store);
  g_clear_object (&fixture->secrets);
  g_clear_object (&fixture->emulator);
  bp_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->path);
}

static void
test_request_token_then_apply (Fixture       *fixture,
                               gconstpointer  contents)
{
  g_autofree char *token = NULL;
  g_autofree char *expected_redirect = NULL;
  g_autofree char *bytes = NULL;
  g_autofree char *before = NULL;
  BpAccount *saved;

  if (!bp_test_require_keyring ())
    return;

  select_first (fixture);
  before = bp_test_read_file (fixture->path, NULL);

  request_token (fixture);
  bp_test_wait_for (draft_is_authorized, fixture);
  bp_test_wait_for (token_dialog_gone, NULL);

  /* The emulator saw PKCE and the exact callback; the pane says who authorized. */
  expected_redirect = g_strdup_printf ("http://localhost:%u/OauthRedirect", fixture->port);
  g_assert_cmpstr (bp_emulator_get_last_code_challenge_method (fixture->emulator), ==, "S256");
  g_assert_cmpstr (bp_emulator_get_last_redirect_uri (fixture->emulator), ==, expected_redirect);
  g_assert_cmpstr (bp_salesforce_account_get_authorized_user (get_draft (fixture)), ==, "admin@emulator.example");
  bp_test_spin (100);
  {
    g_autofree char *texts = bp_test_visible_texts (GTK_WIDGET (fixture->window));

    g_assert_nonnull (strstr (texts, "Authorized as admin@emulator.example"));
  }

  /* The refresh token is in the keyring at once; the file is unchanged until Apply. */
  token = keyring_lookup (fixture, PRODUCTION_ID);
  g_assert_nonnull (token);
  g_assert_true (bp_emulator_is_refresh_token_valid (fixture->emulator, token));
  bytes = bp_test_read_file (fixture->path, NULL);
  g_assert_cmpstr (bytes, ==, before);

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.apply", NULL);
  bp_test_spin (300);
  saved = bp_account_store_find_by_id (fixture->store, PRODUCTION_ID);
  g_assert_cmpint (bp_salesforce_account_get_token_state (BP_SALESFORCE_ACCOUNT (saved)), ==, BP_TOKEN_STATE_VALID);
  g_clear_pointer (&bytes, g_free);
  bytes = bp_test_read_file (fixture->path, NULL);
  g_assert_nonnull (strstr (bytes, "\"token-state\" : \"valid\""));
  g_assert_nonnull (strstr (bytes, "admin@emulator.example"));
  g_assert_null (strstr (bytes, token));
  bp_test_wait_for_text (fixture->window, "Authorized", TRUE);
}

static void
test_cancel_revokes_new_token (Fixture       *fixture,
                               gconstpointer  contents)
{
  g_autofree char *token = NULL;
  g_autofree char *after = NULL;
  g_autofree char *old = NULL;
  GPtrArray *revoked;

  if (!bp_test_require_keyring ())
    return;

  /* The account already had a token: Cancel must give it back. */
  old = bp_emulator_issue_refresh_token (fixture->emulator, NULL);
  keyring_store (fixture, PRODUCTION_ID, old);

  select_first (fixture);
  request_token (fixture);
  bp_test_wait_for (draft_is_authorized, fixture);
  token = keyring_lookup (fixture, PRODUCTION_ID);
  g_assert_cmpstr (token, !=, old);

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.cancel-changes", NULL);
  bp_test_spin (500);

  revoked = bp_emulator_get_revoked_tokens (fixture->emulator);
  g_assert_cmpuint (revoked->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (revoked, 0), ==, token);
  after = keyring_lookup (fixture, PRODUCTION_ID);
  g_assert_cmpstr (after, ==, old);
  g_assert_cmpint (bp_salesforce_account_get_token_state (get_draft (fixture)), ==, BP_TOKEN_STATE_NONE);
}

static gboolean
exchange_in_flight (gpointer data)
{
  Fixture *fixture = data;

  /* The browser came back from authorize; the token request is held. */
  return bp_emulator_get_authorize_count (fixture->emulator) == 1
         && bp_emulator_get_held_count (fixture->emulator) == 1;
}

static gboolean
has_revoked (gpointer data)
{
  Fixture *fixture = data;

  return bp_emulator_get_revoked_tokens (fixture->emulator)->len > 0;
}

static gboolean
port_is_free (gpointer data)
{
  Fixture *fixture = data;

  return bp_test_can_bind ("127.0.0.1", fixture->port);
}

/* The window closes while Salesforce is issuing the token. The token is
 * revoked, not stored: it would belong to a draft that is gone, and only
 * Apply makes a requested token the account's (BpPendingToken). The
 * account's saved token and file stay as they were. */
static void
test_window_closed_during_exchange (Fixture       *fixture,
                                    gconstpointer  contents)
{
  g_autofree char *old = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *left = NULL;
  GPtrArray *revoked;

  if (!bp_test_require_keyring ())
    return;

  old = bp_emulator_issue_refresh_token (fixture->emulator, NULL);
  keyring_store (fixture, PRODUCTION_ID, old);
  before = bp_test_read_file (fixture->path, NULL);

  select_first (fixture);
  bp_emulator_set_latency (fixture->emulator, 1500);
  request_token (fixture);
  bp_test_wait_for (exchange_in_flight, fixture);

  gtk_window_destroy (GTK_WINDOW (fixture->window));
  fixture->window = NULL;

  /* The dialog went with its window; the port is free. */
  bp_test_wait_for (token_dialog_gone, NULL);
  bp_test_wait_for (port_is_free, fixture);

  /* Past the exchange's end: the late token is revoked, nothing else moved. */
  bp_test_wait_for (has_revoked, fixture);
  bp_test_spin (200);
  revoked = bp_emulator_get_revoked_tokens (fixture->emulator);
  g_assert_cmpuint (revoked->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (revoked, 0), !=, old);
  g_assert_false (bp_emulator_is_refresh_token_valid (fixture->emulator, g_ptr_array_index (revoked, 0)));
  g_assert_true (bp_emulator_is_refresh_token_valid (fixture->emulator, old));
  left = keyring_lookup (fixture, PRODUCTION_ID);
  g_assert_cmpstr (left, ==, old);
  after = bp_test_read_file (fixture->path, NULL);
  g_assert_cmpstr (after, ==, before);
  g_assert_true (bp_test_can_bind ("127.0.0.1", fixture->port));
}

static gboolean
dialog_says_connection_closed (gpointer data)
{
  GtkWindow *dialog = bp_test_find_toplevel (BP_TYPE_TOKEN_DIALOG);
  g_autofree char *texts = dialog != NULL ? bp_test_visible_texts (GTK_WIDGET (dialog)) : NULL;

  return texts != NULL && strstr (texts, "closed the connection before it answered") != NULL;
}

/* Salesforce resets the connection of the token request: the dialog says so
 * and offers Try Again; the account keeps its token and its file. */
static void
test_exchange_reset_keeps_the_token (Fixture       *fixture,
                                     gconstpointer  contents)
{
  g_autofree char *old = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *left = NULL;

  if (!bp_test_require_keyring ())
    return;

  old = bp_emulator_issue_refresh_token (fixture->emulator, NULL);
  keyring_store (fixture, PRODUCTION_ID, old);
  before = bp_test_read_file (fixture->path, NULL);

  bp_emulator_set_fault (fixture->emulator, BP_EMULATOR_FAULT_RESET);
  select_first (fixture);
  request_token (fixture);
  bp_test_wait_for (dialog_says_connection_closed, NULL);

  left = keyring_lookup (fixture, PRODUCTION_ID);
  g_assert_cmpstr (left, ==, old);
  g_assert_true (bp_emulator_is_refresh_token_valid (fixture->emulator, old));
  g_assert_cmpint (bp_salesforce_account_get_token_state (get_draft (fixture)), ==, BP_TOKEN_STATE_NONE);
  after = bp_test_read_file (fixture->path, NULL);
  g_assert_cmpstr (after, ==, before);
  g_assert_true (bp_test_can_bind ("127.0.0.1", fixture->port));

  /* Salesforce is back: Try Again gets the token. */
  bp_emulator_set_fault (fixture->emulator, BP_EMULATOR_FAULT_NONE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (bp_test_find_toplevel (BP_TYPE_TOKEN_DIALOG)),
                                             "token.try-again", NULL));
  bp_test_wait_for (draft_is_authorized, fixture);
  bp_test_wait_for (token_dialog_gone, NULL);
}

static gboolean
dialog_says_port_in_use (gpointer data)
{
  GtkWindow *dialog = bp_test_find_toplevel (BP_TYPE_TOKEN_DIALOG);
  g_autofree char *texts = dialog != NULL ? bp_test_visible_texts (GTK_WIDGET (dialog)) : NULL;
  g_autofree char *expected = g_strdup_printf ("Port %u is in use by another program", GPOINTER_TO_UINT (data));

  return texts != NULL && strstr (texts, expected) != NULL && strstr (texts, "Preferences") != NULL;
}

/* Another program has the callback port (on 127.0.0.1 or on ::1): the dialog
 * says which port and where to change it, before any browser opens. */
static void
check_port_taken (Fixture    *fixture,
                  const char *taken_address)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (taken_address);
  g_autoptr(GSocketAddress) socket_address = g_inet_socket_address_new (address, fixture->port);
  g_autoptr(GSocket) other = g_socket_new (g_inet_address_get_family (address), G_SOCKET_TYPE_STREAM,
                                           G_SOCKET_PROTOCOL_TCP, NULL);
  GtkWindow *dialog;

  g_assert_true (g_socket_bind (other, socket_address, FALSE, NULL));
  g_assert_true (g_socket_listen (other, NULL));

  select_first (fixture);
  request_token (fixture);
  bp_test_wait_for (dialog_says_port_in_use, GUINT_TO_POINTER (fixture->port));
  g_assert_cmpuint (bp_emulator_get_authorize_count (fixture->emulator), ==, 0);
  g_assert_cmpint (bp_salesforce_account_get_token_state (get_draft (fixture)), ==, BP_TOKEN_STATE_NONE);

  /* Once the other program is gone, Try Again works. */
  g_socket_close (other, NULL);
  dialog = bp_test_find_toplevel (BP_TYPE_TOKEN_DIALOG);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "token.try-again", NULL));
  bp_test_wait_for (draft_is_authorized, fixture);
  bp_test_wait_for (token_dialog_gone, NULL);
}

static void
test_port_taken (Fixture       *fixture,
                 gconstpointer  contents)
{
  if (!bp_test_require_keyring ())
    return;

  check_port_taken (fixture, "127.0.0.1");
}

static void
test_port_taken_ipv6 (Fixture       *fixture,
                      gconstpointer  contents)
{
  if (!bp_test_require_keyring ())
    return;

  if (!bp_test_can_bind ("::1", 0))
    {
      g_test_skip ("no IPv6 loopback on this machine");
      return;
    }

  check_port_taken (fixture, "::1");
}

static void
test_denied_stays_in_dialog (Fixture       *fixture,
                             gconstpointer  contents)
{
  GtkWindow *dialog;

  bp_emulator_set_deny (fixture->emulator, TRUE);
  select_first (fixture);
  request_token (fixture);
  dialog = bp_test_find_toplevel (BP_TYPE_TOKEN_DIALOG);

  /* The error is shown where it happened, with Try again; nothing changes. */
  bp_test_wait_for_text (dialog, "No Token Was Issued", TRUE);
  g_assert_cmpint (bp_salesforce_account_get_token_state (get_draft (fixture)), ==, BP_TOKEN_STATE_NONE);

  gtk_widget_activate_action (GTK_WIDGET (dialog), "token.cancel", NULL);
  bp_test_wait_for (token_dialog_gone, NULL);
  /* The port is free again at once. */
  g_assert_true (bp_test_can_bind ("127.0.0.1", fixture->port));
}

static gboolean
store_is_empty (gpointer data)
{
  Fixture *fixture = data;

  return g_list_model_get_n_items (G_LIST_MODEL (fixture->store)) == 0;
}

static void
delete_production (Fixture *fixture)
{
  select_first (fixture);
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.delete-account", NULL);
  bp_test_answer_question ("Delete “Production”?", 1);
  bp_test_wait_for (store_is_empty, fixture);
}

static void
test_delete_revokes (Fixture       *fixture,
                     gconstpointer  contents)
{
  g_autofree char *token = NULL;
  g_autofree char *left = NULL;
  GPtrArray *revoked;

  if (!bp_test_require_keyring ())
    return;

  token = bp_emulator_issue_refresh_token (fixture->emulator, NULL);
  keyring_store (fixture, PRODUCTION_ID, token);

  delete_production (fixture);

  revoked = bp_emulator_get_revoked_tokens (fixture->emulator);
  g_assert_cmpuint (revoked->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (revoked, 0), ==, token);
  g_assert_false (bp_emulator_is_refresh_token_valid (fixture->emulator, token));
  left = keyring_lookup (fixture, PRODUCTION_ID);
  g_assert_null (left);
}

static void
test_delete_with_a_pending_token (Fixture       *fixture,
                                  gconstpointer  contents)
{
  g_autofree char *old = NULL;
  g_autofree char *fresh = NULL;
  g_autofree char *left = NULL;
  GPtrArray *revoked;

  if (!bp_test_require_keyring ())
    return;

  old = bp_emulator_issue_refresh_token (fixture->emulator, NULL);
  keyring_store (fixture, PRODUCTION_ID, old);

  /* A new token, not applied, then Delete. */
  select_first (fixture);
  request_token (fixture);
  bp_test_wait_for (draft_is_authorized, fixture);
  bp_test_wait_for (token_dialog_gone, NULL);
  fresh = keyring_lookup (fixture, PRODUCTION_ID);

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.delete-account", NULL);
  bp_test_answer_question ("Delete “Production”?", 1);
  bp_test_wait_for (store_is_empty, fixture);
  bp_test_spin (300);

  /* Both tokens are dead and nothing is left in the keyring. */
  revoked = bp_emulator_get_revoked_tokens (fixture->emulator);
  g_assert_cmpuint (revoked->len, ==, 2);
  g_assert_false (bp_emulator_is_refresh_token_valid (fixture->emulator, fresh));
  g_assert_false (bp_emulator_is_refresh_token_valid (fixture->emulator, old));
  left = keyring_lookup (fixture, PRODUCTION_ID);
  g_assert_null (left);
}

static void
test_delete_when_salesforce_is_down (Fixture       *fixture,
                                     gconstpointer  contents)
{
  g_autofree char *token = NULL;
  g_autofree char *left = NULL;
  g_autofree char *texts = NULL;

  if (!bp_test_require_keyring ())
    return;

  token = bp_emulator_issue_refresh_token (fixture->emulator, NULL);
  keyring_store (fixture, PRODUCTION_ID, token);
  bp_emulator_stop (fixture->emulator);

  /* The revoke fails; the deletion happens all the same, and says so. */
  delete_production (fixture);
  left = keyring_lookup (fixture, PRODUCTION_ID);
  g_assert_null (left);
  bp_test_spin (300);
  texts = bp_test_visible_texts (GTK_WIDGET (fixture->window));
  g_assert_nonnull (strstr (texts, "could not be revoked at Salesforce"));
  g_assert_null (strstr (texts, token));
}

static gboolean
limits_loaded (gpointer data)
{
  BpLimitsDialog *dialog = BP_LIMITS_DIALOG (bp_test_find_toplevel (BP_TYPE_LIMITS_DIALOG));

  return dialog != NULL && !bp_limits_dialog_get_is_loading (dialog) && bp_limits_dialog_get_limits (dialog) != NULL;
}

static gboolean
saved_needs_new_token (gpointer data)
{
  Fixture *fixture = data;
  BpAccount *saved = bp_account_store_find_by_id (fixture->store, PRODUCTION_ID);

  return bp_salesforce_account_get_token_state (BP_SALESFORCE_ACCOUNT (saved)) == BP_TOKEN_STATE_NEEDS_NEW_TOKEN;
}

/* The saved account marked Authorized, whatever the keyring holds. */
static void
mark_saved_account_authorized (Fixture *fixture)
{
  BpAccount *saved = bp_account_store_find_by_id (fixture->store, PRODUCTION_ID);
  g_autoptr(BpAccount) copy = bp_account_copy (saved);
  GAsyncResult *result = NULL;

  bp_salesforce_account_set_token_state (BP_SALESFORCE_ACCOUNT (copy), BP_TOKEN_STATE_VALID);
  bp_account_store_apply_async (fixture->store, copy, NULL, bp_test_store_result_cb, &result);
  g_assert_true (bp_account_store_apply_finish (fixture->store, bp_test_await_result (&result, 10000), NULL));
  g_clear_object (&result);
}

/* A saved account with a token in the keyring, as after Request token and Apply. */
static void
authorize_saved_account (Fixture *fixture)
{
  g_autofree char *token = bp_emulator_issue_refresh_token (fixture->emulator, NULL);

  keyring_store (fixture, PRODUCTION_ID, token);
  mark_saved_account_authorized (fixture);
}

/* Without the bp-http module (libsoup), each of Request token, Check limits
 * and Delete's revoke says so where it happened, with the module's path;
 * nothing typed is lost and Delete still deletes. In a subprocess: the
 * loader remembers its first answer for the life of the process. */
static void
test_without_http_module (Fixture       *fixture,
                          gconstpointer  contents)
{
  static const char * const other_modules[] = { "libbp-crypto.so", "libbp-keyring.so" };
  g_autofree char *dir = NULL;
  g_autofree char *module_part = NULL;
  g_autofree char *token = NULL;
  g_autofree char *left = NULL;
  g_autofree char *texts = NULL;
  GtkWindow *dialog;

  if (!bp_test_require_keyring ())
    return;

  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }

  /* bp-crypto (PKCE) and bp-keyring are there; bp-http is not. */
  dir = g_dir_make_tmp ("bp-no-http-XXXXXX", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (other_modules); i++)
    {
      g_autofree char *path = g_build_filename (g_getenv ("BP_MODULE_DIR"), other_modules[i], NULL);
      g_autofree char *link = g_build_filename (dir, other_modules[i], NULL);

      g_assert_cmpint (symlink (path, link), ==, 0);
    }
  g_setenv ("BP_MODULE_DIR", dir, TRUE);
  module_part = g_strdup_printf ("%s/libbp-http.so could not be loaded: ", dir);

  /* Request token: the dialog says why, before any browser; the draft keeps
   * what was typed. */
  select_first (fixture);
  bp_salesforce_account_set_consumer_secret (get_draft (fixture), "typed but not applied");
  request_token (fixture);
  dialog = bp_test_find_toplevel (BP_TYPE_TOKEN_DIALOG);
  bp_test_wait_for_text_part (dialog, module_part);
  bp_test_wait_for_text_part (dialog, "A token cannot be requested: ");
  g_assert_cmpuint (bp_emulator_get_authorize_count (fixture->emulator), ==, 0);
  g_assert_cmpint (bp_salesforce_account_get_token_state (get_draft (fixture)), ==, BP_TOKEN_STATE_NONE);
  g_assert_cmpstr (bp_salesforce_account_get_consumer_secret (get_draft (fixture)), ==,
                   "typed but not applied");
  g_assert_true (bp_test_can_bind ("127.0.0.1", fixture->port));
  gtk_widget_activate_action (GTK_WIDGET (dialog), "token.cancel", NULL);
  bp_test_wait_for (token_dialog_gone, NULL);
  g_assert_cmpstr (bp_salesforce_account_get_consumer_secret (get_draft (fixture)), ==,
                   "typed but not applied");
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.cancel-changes", NULL);
  bp_test_spin (100);

  /* Check limits: the dialog says why. */
  authorize_saved_account (fixture);
  select_first (fixture);
  bp_test_spin (100);
  g_assert_true (gtk_widget_activate_action (get_editor_widget (fixture), "editor.check-limits", NULL));
  dialog = NULL;
  while ((dialog = bp_test_find_toplevel (BP_TYPE_LIMITS_DIALOG)) == NULL)
    g_main_context_iteration (NULL, TRUE);
  bp_test_wait_for_text_part (dialog, module_part);
  bp_test_wait_for_text_part (dialog, "Salesforce cannot be contacted: ");
  g_assert_cmpuint (bp_emulator_get_limits_count (fixture->emulator), ==, 0);
  gtk_window_destroy (dialog);

  /* Delete: the revoke fails and says why; the deletion happens all the same. */
  token = keyring_lookup (fixture, PRODUCTION_ID);
  g_assert_nonnull (token);
  delete_production (fixture);
  left = keyring_lookup (fixture, PRODUCTION_ID);
  g_assert_null (left);
  g_assert_null (bp_account_store_find_by_id (fixture->store, PRODUCTION_ID));
  bp_test_wait_for_text_part (fixture->window, "could not be revoked at Salesforce");
  bp_test_wait_for_text_part (fixture->window, module_part);
  texts = bp_test_visible_texts (GTK_WIDGET (fixture->window));
  g_assert_null (strstr (texts, token));

  for (guint i = 0; i < G_N_ELEMENTS (other_modules); i++)
    {
      g_autofree char *link = g_build_filename (dir, other_modules[i], NULL);

      g_assert_cmpint (g_unlink (link), ==, 0);
    }
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_check_limits (Fixture       *fixture,
                   gconstpointer  contents)
{
  GtkWidget *editor;
  GtkWindow *dialog;
  BpLimits *limits;

  if (!bp_test_require_keyring ())
    return;

  /* No token yet: the button is off. */
  select_first (fixture);
  editor = get_editor_widget (fixture);
  g_assert_false (gtk_widget_activate_action (editor, "editor.check-limits", NULL)
                  && bp_test_find_toplevel (BP_TYPE_LIMITS_DIALOG) != NULL);

  authorize_saved_account (fixture);
  bp_test_spin (100);
  g_assert_true (gtk_widget_activate_action (get_editor_widget (fixture), "editor.check-limits", NULL));
  bp_test_wait_for (limits_loaded, NULL);

  dialog = bp_test_find_toplevel (BP_TYPE_LIMITS_DIALOG);
  limits = bp_limits_dialog_get_limits (BP_LIMITS_DIALOG (dialog));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (limits)), >, 5);
  g_assert_cmpuint (bp_emulator_get_limits_count (fixture->emulator), ==, 1);
  g_assert_cmpstr (gtk_window_get_title (dialog), ==, "Limits — Production");
  gtk_window_destroy (dialog);
}

static gboolean
is_apply_button (GtkWidget     *widget,
                 gconstpointer  data)
{
  return GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), "win.apply") == 0;
}

/* Whether Apply may be pressed: the draft looks edited. */
static gboolean
is_apply_sensitive (Fixture *fixture)
{
  GtkWidget *apply = bp_test_find_widget (GTK_WIDGET (fixture->window), is_apply_button, NULL);

  g_assert_nonnull (apply);
  return gtk_widget_is_sensitive (apply);
}

static void
test_check_limits_with_a_dead_token (Fixture       *fixture,
                                     gconstpointer  contents)
{
  g_autofree char *bytes = NULL;

  if (!bp_test_require_keyring ())
    return;

  authorize_saved_account (fixture);
  select_first (fixture);
  bp_emulator_set_invalid_grant (fixture->emulator, TRUE);

  g_assert_true (gtk_widget_activate_action (get_editor_widget (fixture), "editor.check-limits", NULL));
  bp_test_wait_for (saved_needs_new_token, fixture);
  bp_test_spin (200);

  /* Saved as such, the list says so, and the draft does not look edited. */
  bytes = bp_test_read_file (fixture->path, NULL);
  g_assert_nonnull (strstr (bytes, "needs-new-token"));
  bp_test_wait_for_text (fixture->window, "Needs new token", TRUE);
  g_assert_cmpint (bp_salesforce_account_get_token_state (get_draft (fixture)), ==, BP_TOKEN_STATE_NEEDS_NEW_TOKEN);
  g_assert_false (is_apply_sensitive (fixture));
  gtk_window_destroy (bp_test_find_toplevel (BP_TYPE_LIMITS_DIALOG));
}

/* Marked Authorized, but the keyring holds no refresh token (a store copied
 * from another computer): Check limits marks it as needing a new token, like
 * a refused one, and the draft does not look edited for it. */
static void
test_check_limits_without_keyring_token (Fixture       *fixture,
                                         gconstpointer  contents)
{
  if (!bp_test_require_keyring ())
    return;

  mark_saved_account_authorized (fixture);
  select_first (fixture);

  g_assert_true (gtk_widget_activate_action (get_editor_widget (fixture), "editor.check-limits", NULL));
  bp_test_wait_for (saved_needs_new_token, fixture);
  bp_test_spin (200);

  bp_test_wait_for_text (fixture->window, "Needs new token", TRUE);
  g_assert_cmpint (bp_salesforce_account_get_token_state (get_draft (fixture)), ==, BP_TOKEN_STATE_NEEDS_NEW_TOKEN);
  g_assert_false (is_apply_sensitive (fixture));
  gtk_window_destroy (bp_test_find_toplevel (BP_TYPE_LIMITS_DIALOG));
}

static gboolean
limits_dialog_says_connection_closed (gpointer data)
{
  GtkWindow *dialog = bp_test_find_toplevel (BP_TYPE_LIMITS_DIALOG);
  g_autofree char *texts = dialog != NULL ? bp_test_visible_texts (GTK_WIDGET (dialog)) : NULL;

  return texts != NULL && strstr (texts, "closed the connection before it answered") != NULL;
}

/* Check limits while Salesforce resets connections: the dialog says so; the
 * account stays authorized (no "Needs new token") with its token and file. */
static void
test_check_limits_when_reset (Fixture       *fixture,
                              gconstpointer  contents)
{
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *token = NULL;
  BpAccount *saved;

  if (!bp_test_require_keyring ())
    return;

  authorize_saved_account (fixture);
  token = keyring_lookup (fixture, PRODUCTION_ID);
  before = bp_test_read_file (fixture->path, NULL);
  select_first (fixture);

  bp_emulator_set_fault (fixture->emulator, BP_EMULATOR_FAULT_RESET);
  g_assert_true (gtk_widget_activate_action (get_editor_widget (fixture), "editor.check-limits", NULL));
  bp_test_wait_for (limits_dialog_says_connection_closed, NULL);
  bp_test_spin (200);

  saved = bp_account_store_find_by_id (fixture->store, PRODUCTION_ID);
  g_assert_cmpint (bp_salesforce_account_get_token_state (BP_SALESFORCE_ACCOUNT (saved)), ==, BP_TOKEN_STATE_VALID);
  g_assert_cmpint (bp_salesforce_account_get_token_state (get_draft (fixture)), ==, BP_TOKEN_STATE_VALID);
  after = keyring_lookup (fixture, PRODUCTION_ID);
  g_assert_cmpstr (after, ==, token);
  g_clear_pointer (&after, g_free);
  after = bp_test_read_file (fixture->path, NULL);
  g_assert_cmpstr (after, ==, before);
  gtk_window_destroy (bp_test_find_toplevel (BP_TYPE_LIMITS_DIALOG));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (!gtk_init_check ())
    {
      g_test_add_func ("/window-salesforce/display", bp_test_gtk_cannot_start);
      return g_test_run ();
    }

#define ADD(path, func) \
  g_test_add (path, Fixture, one_account, fixture_set_up, func, fixture_tear_down)

  ADD ("/window-salesforce/request-token-then-apply", test_request_token_then_apply);
  ADD ("/window-salesforce/cancel-revokes-new-token", test_cancel_revokes_new_token);
  ADD ("/window-salesforce/denied-stays-in-dialog", test_denied_stays_in_dialog);
  ADD ("/window-salesforce/window-closed-during-exchange", test_window_closed_during_exchange);
  ADD ("/window-salesforce/exchange-reset-keeps-the-token", test_exchange_reset_keeps_the_token);
  ADD ("/window-salesforce/port-taken", test_port_taken);
  ADD ("/window-salesforce/port-taken-ipv6", test_port_taken_ipv6);
  ADD ("/window-salesforce/check-limits", test_check_limits);
  ADD ("/window-salesforce/check-limits-with-a-dead-token", test_check_limits_with_a_dead_token);
  ADD ("/window-salesforce/check-limits-without-keyring-token", test_check_limits_without_keyring_token);
  ADD ("/window-salesforce/check-limits-when-reset", test_check_limits_when_reset);
  ADD ("/window-salesforce/delete-revokes", test_delete_revokes);
  ADD ("/window-salesforce/delete-with-a-pending-token", test_delete_with_a_pending_token);
  ADD ("/window-salesforce/delete-when-salesforce-is-down", test_delete_when_salesforce_is_down);
  ADD ("/window-salesforce/without-http-module", test_without_http_module);

#undef ADD

  return g_test_run ();
}

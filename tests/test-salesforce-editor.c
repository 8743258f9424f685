/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-salesforce-editor"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <gtk/gtk.h>

#include "bp-account-editor.h"
#include "bp-certificate.h"
#include "bp-certificate-field.h"
#include "bp-salesforce-account.h"
#include "bp-salesforce-editor.h"
#include "bp-test-gtk.h"
#include "bp-test-utils.h"

#define ACME_URL "https://acme.my.salesforce.com/"
#define ACME_IDP_URL "https://acme.my.salesforce.com/idp/login?app=0sp000000000001"

/* Every control of the form, by the label a person sees (and a screen
 * reader says), in the order of the form. */
static const char * const control_names[] = {
  "Name",
  "Default account",
  "Url",
  "Sandbox environment",
  "Consumer key",
  "Copy callback URL",
  "Consumer secret",
  "Request token",
  "Check limits",
  "Identity provider certificate",
  "Paste",
  "Open…",
  "Clear",
  "Identity provider initiated login URL",
};

/* Certificates */

static gnutls_x509_privkey_t test_key;

static char *
make_pem (const char *common_name)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *dn = g_strdup_printf ("CN=%s,O=Salesforce.com,C=US", common_name);
  gnutls_x509_crt_t crt = NULL;
  gnutls_datum_t out = { NULL, 0 };
  guint8 serial[8];
  char *pem;

  for (guint i = 0; i < sizeof serial; i++)
    serial[i] = (guint8) g_random_int_range (1, 256);
  serial[0] &= 0x7f;

  g_assert_cmpint (gnutls_x509_crt_init (&crt), ==, GNUTLS_E_SUCCESS);
  g_assert_cmpint (gnutls_x509_crt_set_version (crt, 3), ==, GNUTLS_E_SUCCESS);
  g_assert_cmpint (gnutls_x509_crt_set_serial (crt, serial, sizeof serial), ==, GNUTLS_E_SUCCESS);
  g_assert_cmpint (gnutls_x509_crt_set_dn (crt, dn, NULL), ==, GNUTLS_E_SUCCESS);
  g_assert_cmpint (gnutls_x509_crt_set_activation_time (crt, g_date_time_to_unix (now) - 3600), ==,
                   GNUTLS_E_SUCCESS);
  g_assert_cmpint (gnutls_x509_crt_set_expiration_time (crt, g_date_time_to_unix (now) + 365 * 86400), ==,
                   GNUTLS_E_SUCCESS);
  g_assert_cmpint (gnutls_x509_crt_set_key (crt, test_key), ==, GNUTLS_E_SUCCESS);
  g_assert_cmpint (gnutls_x509_crt_sign2 (crt, crt, test_key, GNUTLS_DIG_SHA256, 0), ==, GNUTLS_E_SUCCESS);
  g_assert_cmpint (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_PEM, &out), ==, GNUTLS_E_SUCCESS);

  pem = g_strndup ((const char *) out.data, out.size);
  gnutls_free (out.data);
  gnutls_x509_crt_deinit (crt);

  return pem;
}

static char *
make_private_key_pem (void)
{
  gnutls_datum_t out = { NULL, 0 };
  char *pem;

  g_assert_cmpint (gnutls_x509_privkey_export2_pkcs8 (test_key, GNUTLS_X509_FMT_PEM, NULL,
                                                      GNUTLS_PKCS_PLAIN, &out),
                   ==, GNUTLS_E_SUCCESS);
  pem = g_strndup ((const char *) out.data, out.size);
  gnutls_free (out.data);

  return pem;
}

/* Fixture */

typedef struct
{
  GtkWindow       *window;
  BpAccountEditor *editor;
  GListStore      *accounts;
  guint            n_has_errors_notifies;
  guint            n_request_token;
  guint            n_check_limits;
} Fixture;

static void
has_errors_notified_cb (BpAccountEditor *editor,
                        GParamSpec      *pspec,
                        Fixture         *fixture)
{
  fixture->n_has_errors_notifies++;
}

static void
request_token_cb (BpSalesforceEditor *editor,
                  Fixture            *fixture)
{
  fixture->n_request_token++;
}

static void
check_limits_cb (BpSalesforceEditor *editor,
                 Fixture            *fixture)
{
  fixture->n_check_limits++;
}

static void
present_and_wait (GtkWindow *window)
{
  gtk_window_present (window);
  while (!gtk_widget_get_mapped (GTK_WIDGET (window)))
    g_main_context_iteration (NULL, TRUE);
}

static GtkWindow *
create_window (GtkWidget *editor)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *scrolled = gtk_scrolled_window_new ();

  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), editor);
  gtk_window_set_child (GTK_WINDOW (window), scrolled);
  gtk_window_set_default_size (GTK_WINDOW (window), 720, 1000);

  return GTK_WINDOW (window);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(BpSalesforceAccount) saved = bp_salesforce_account_new ();

  /* A saved account the names are compared with. */
  bp_account_set_name (BP_ACCOUNT (saved), "Production");
  fixture->accounts = g_list_store_new (BP_TYPE_ACCOUNT);
  g_list_store_append (fixture->accounts, saved);

  fixture->editor = bp_account_editor_new_for_account_type (BP_TYPE_SALESFORCE_ACCOUNT,
                                                            G_LIST_MODEL (fixture->accounts));
  g_assert_true (BP_IS_SALESFORCE_EDITOR (fixture->editor));
  g_signal_connect (fixture->editor, "notify::has-errors", G_CALLBACK (has_errors_notified_cb), fixture);
  g_signal_connect (fixture->editor, "request-token", G_CALLBACK (request_token_cb), fixture);
  g_signal_connect (fixture->editor, "check-limits", G_CALLBACK (check_limits_cb), fixture);

  fixture->window = create_window (GTK_WIDGET (fixture->editor));
  present_and_wait (fixture->window);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gtk_window_destroy (fixture->window);
  while (g_main_context_iteration (NULL, FALSE));
  g_clear_object (&fixture->accounts);
}

/* Finding what a person sees */

static gboolean
timeout_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

static void
iterate_briefly (void)
{
  gboolean done = FALSE;

  g_timeout_add (100, timeout_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/* A mapped label whose text is @text. */
static GtkWidget *
find_label_in (GtkWidget  *widget,
               const char *text)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget)
      && g_str_equal (gtk_label_get_text (GTK_LABEL (widget)), text))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_label_in (child, text);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static GtkWidget *
find_label (Fixture    *fixture,
            const char *text)
{
  return find_label_in (GTK_WIDGET (fixture->window), text);
}

static GtkWidget *
wait_for_label (Fixture    *fixture,
                const char *text)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (5000, timeout_cb, &timed_out);
  GtkWidget *label;

  while ((label = find_label (fixture, text)) == NULL && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (!timed_out)
    g_source_remove (id);

  return label;
}

/* The control a mnemonic label with this text points at. */
static GtkWidget *
find_labelled_control (GtkWidget  *widget,
                       const char *name,
                       GtkWidget **label)
{
  if (GTK_IS_LABEL (widget) && gtk_label_get_mnemonic_widget (GTK_LABEL (widget)) != NULL
      && g_str_equal (gtk_label_get_text (GTK_LABEL (widget)), name))
    {
      if (label != NULL)
        *label = widget;
      return gtk_label_get_mnemonic_widget (GTK_LABEL (widget));
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_labelled_control (child, name, label);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* The control named @name: labelled by a mnemonic label, or carrying the
 * name as its accessible label. */
static GtkWidget *
get_control (Fixture    *fixture,
             const char *name)
{
  GtkWidget *control = find_labelled_control (GTK_WIDGET (fixture->editor), name, NULL);

  if (control == NULL)
    control = bp_test_find_by_accessible_label (GTK_WIDGET (fixture->editor), name);

  if (control == NULL)
    g_error ("No control is named “%s”", name);

  return control;
}

static GtkEditable *
get_entry (Fixture    *fixture,
           const char *name)
{
  GtkWidget *control = get_control (fixture, name);

  g_assert_true (GTK_IS_EDITABLE (control));
  return GTK_EDITABLE (control);
}

static GtkCheckButton *
get_check (Fixture    *fixture,
           const char *name)
{
  GtkWidget *control = get_control (fixture, name);

  g_assert_true (GTK_IS_CHECK_BUTTON (control));
  return GTK_CHECK_BUTTON (control);
}

static BpCertificateField *
get_certificate_field (Fixture *fixture)
{
  GtkWidget *control = get_control (fixture, "Identity provider certificate");

  g_assert_true (BP_IS_CERTIFICATE_FIELD (control));
  return BP_CERTIFICATE_FIELD (control);
}

static GtkTextView *
get_certificate_text_view (Fixture *fixture)
{
  GtkWidget *text_view = bp_test_find_by_accessible_label (GTK_WIDGET (get_certificate_field (fixture)),
                                                   "Identity provider certificate");

  g_assert_true (GTK_IS_TEXT_VIEW (text_view));
  return GTK_TEXT_VIEW (text_view);
}

/* What a person does */

static void
type_into (Fixture    *fixture,
           const char *name,
           const char *text)
{
  gtk_editable_set_text (get_entry (fixture, name), text);
}

static void
type_certificate (Fixture    *fixture,
                  const char *text)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (get_certificate_text_view (fixture));
  GtkTextIter start;
  GtkTextIter end;

  gtk_text_buffer_begin_user_action (buffer);
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  gtk_text_buffer_delete_interactive (buffer, &start, &end, TRUE);
  gtk_text_buffer_insert_interactive_at_cursor (buffer, text, -1, TRUE);
  gtk_text_buffer_end_user_action (buffer);
}

static void
click (Fixture    *fixture,
       const char *name)
{
  GtkWidget *button = get_control (fixture, name);

  g_assert_true (GTK_IS_BUTTON (button));
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

static void
clipboard_read_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static char *
read_clipboard (GtkWidget *widget)
{
  GdkClipboard *clipboard = gtk_widget_get_clipboard (widget);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *text;

  gdk_clipboard_read_text_async (clipboard, NULL, clipboard_read_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  text = gdk_clipboard_read_text_finish (clipboard, result, &error);
  g_assert_no_error (error);
  return text;
}

static BpSalesforceAccount *
set_new_draft (Fixture *fixture)
{
  g_autoptr(BpSalesforceAccount) draft = bp_salesforce_account_new ();

  bp_account_editor_set_draft (fixture->editor, BP_ACCOUNT (draft));
  return draft;
}

/* The message bp_account_validate() gives for @property of @draft. */
static char *
get_problem_message (BpSalesforceAccount *draft,
                     GListModel          *accounts,
                     const char          *property,
                     BpSeverity           severity)
{
  g_autoptr(GPtrArray) problems = bp_account_validate (BP_ACCOUNT (draft), accounts);
  const BpProblem *problem = bp_problems_find (problems, property);

  g_assert_nonnull (problem);
  g_assert_cmpint (problem->severity, ==, severity);
  return g_strdup (problem->message);
}

/* Tests */

static void
test_fields_write_draft (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(BpSalesforceAccount) draft = g_object_ref (set_new_draft (fixture));
  g_autofree char *pem = make_pem ("SelfSignedCert_Written");

  type_into (fixture, "Name", "UAT sandbox");
  gtk_check_button_set_active (get_check (fixture, "Default account"), TRUE);
  type_into (fixture, "Url", "https://acme--uat.sandbox.my.salesforce.com/");
  gtk_check_button_set_active (get_check (fixture, "Sandbox environment"), TRUE);
  type_into (fixture, "Consumer key", "3MVG9consumerkey");
  type_into (fixture, "Consumer secret", "s3cret");
  type_certificate (fixture, pem);
  type_into (fixture, "Identity provider initiated login URL",
             "https://acme--uat.sandbox.my.salesforce.com/idp/login?app=0sp1");

  g_assert_cmpstr (bp_account_get_name (BP_ACCOUNT (draft)), ==, "UAT sandbox");
  g_assert_true (bp_account_get_is_default (BP_ACCOUNT (draft)));
  g_assert_cmpstr (bp_salesforce_account_get_url (draft), ==, "https://acme--uat.sandbox.my.salesforce.com/");
  g_assert_true (bp_salesforce_account_get_sandbox (draft));
  g_assert_cmpstr (bp_salesforce_account_get_consumer_key (draft), ==, "3MVG9consumerkey");
  g_assert_cmpstr (bp_salesforce_account_get_consumer_secret (draft), ==, "s3cret");
  g_assert_cmpstr (bp_salesforce_account_get_idp_certificate (draft), ==, pem);
  g_assert_cmpstr (bp_salesforce_account_get_idp_login_url (draft), ==,
                   "https://acme--uat.sandbox.my.salesforce.com/idp/login?app=0sp1");

  /* Everything valid: Apply may be pressed. */
  g_assert_false (bp_account_editor_get_has_errors (fixture->editor));

  /* Unchecking writes too. */
  gtk_check_button_set_active (get_check (fixture, "Default account"), FALSE);
  g_assert_false (bp_account_get_is_default (BP_ACCOUNT (draft)));
  type_into (fixture, "Consumer secret", "");
  g_assert_cmpstr (bp_salesforce_account_get_consumer_secret (draft), ==, "");
}

static void
test_draft_fills_fields (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(BpSalesforceAccount) first = bp_salesforce_account_new ();
  g_autoptr(BpSalesforceAccount) second = bp_salesforce_account_new ();
  g_autoptr(GDateTime) issued_at = g_date_time_new_utc (2024, 5, 1, 9, 30, 0);
  g_autoptr(GDateTime) local = g_date_time_to_local (issued_at);
  g_autofree char *date = g_date_time_format (local, "%x");
  g_autofree char *authorized = g_strdup_printf ("Authorized as admin@acme.com on %s", date);
  g_autofree char *pem = make_pem ("SelfSignedCert_Filled");
  g_autofree char *url_error = NULL;
  g_autofree char *second_url_error = NULL;
  BpCertificateField *certificate_field = get_certificate_field (fixture);

  bp_account_set_name (BP_ACCOUNT (first), "Sandbox");
  bp_account_set_is_default (BP_ACCOUNT (first), TRUE);
  bp_salesforce_account_set_url (first, ACME_URL);
  bp_salesforce_account_set_sandbox (first, TRUE);
  bp_salesforce_account_set_consumer_key (first, "3MVG9first");
  bp_salesforce_account_set_consumer_secret (first, "first secret");
  bp_salesforce_account_set_token_state (first, BP_TOKEN_STATE_VALID);
  bp_salesforce_account_set_authorized_user (first, "admin@acme.com");
  bp_salesforce_account_set_token_issued_at (first, issued_at);
  bp_salesforce_account_set_idp_certificate (first, pem);
  bp_salesforce_account_set_idp_login_url (first, ACME_IDP_URL);

  bp_account_editor_set_draft (fixture->editor, BP_ACCOUNT (first));
  g_assert_true (bp_account_editor_get_draft (fixture->editor) == BP_ACCOUNT (first));

  g_assert_nonnull (find_label (fixture, "Salesforce.com"));
  g_assert_cmpstr (gtk_editable_get_text (get_entry (fixture, "Name")), ==, "Sandbox");
  g_assert_true (gtk_check_button_get_active (get_check (fixture, "Default account")));
  g_assert_cmpstr (gtk_editable_get_text (get_entry (fixture, "Url")), ==, ACME_URL);
  g_assert_true (gtk_check_button_get_active (get_check (fixture, "Sandbox environment")));
  g_assert_cmpstr (gtk_editable_get_text (get_entry (fixture, "Consumer key")), ==, "3MVG9first");
  g_assert_cmpstr (gtk_editable_get_text (get_entry (fixture, "Consumer secret")), ==, "first secret");
  g_assert_nonnull (find_label (fixture, authorized));
  g_assert_cmpstr (bp_certificate_field_get_text (certificate_field), ==, pem);
  g_assert_nonnull (wait_for_label (fixture, "SelfSignedCert_Filled"));
  g_assert_cmpstr (gtk_editable_get_text (get_entry (fixture, "Identity provider initiated login URL")),
                   ==, ACME_IDP_URL);

  /* An edit that shows a problem... */
  type_into (fixture, "Url", "http://example.com");
  url_error = get_problem_message (first, NULL, "url", BP_SEVERITY_ERROR);
  g_assert_nonnull (find_label (fixture, url_error));

  /* ...then another draft replaces everything, and nothing of it was
   * edited: its own Url error stays hidden until Apply. */
  bp_salesforce_account_set_url (second, "http://second.example.com");
  bp_account_editor_set_draft (fixture->editor, BP_ACCOUNT (second));
  g_assert_cmpstr (gtk_editable_get_text (get_entry (fixture, "Name")), ==, "");
  g_assert_false (gtk_check_button_get_active (get_check (fixture, "Default account")));
  g_assert_cmpstr (gtk_editable_get_text (get_entry (fixture, "Url")), ==, "http://second.example.com");
  second_url_error = get_problem_message (second, NULL, "url", BP_SEVERITY_ERROR);
  g_assert_null (find_label (fixture, second_url_error));
  g_assert_false (gtk_check_button_get_active (get_check (fixture, "Sandbox environment")));
  g_assert_cmpstr (gtk_editable_get_text (get_entry (fixture, "Consumer key")), ==, "");
  g_assert_cmpstr (gtk_editable_get_text (get_entry (fixture, "Consumer secret")), ==, "");
  g_assert_nonnull (find_label (fixture, "Not set"));
  g_assert_cmpstr (bp_certificate_field_get_text (certificate_field), ==, "");
  g_assert_null (find_label (fixture, "SelfSignedCert_Filled"));
  g_assert_cmpstr (gtk_editable_get_text (get_entry (fixture, "Identity provider initiated login URL")),
                   ==, "");
  g_assert_null (find_label (fixture, url_error));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (get_entry (fixture, "Url")), "error"));

  /* Filling the fields wrote nothing back into either draft. */
  g_assert_cmpstr (bp_account_get_name (BP_ACCOUNT (first)), ==, "Sandbox");
  g_assert_cmpstr (bp_salesforce_account_get_url (first), ==, "http://example.com");
  g_assert_cmpstr (bp_salesforce_account_get_idp_certificate (first), ==, pem);
  g_assert_cmpstr (bp_salesforce_account_get_consumer_secret (first), ==, "first secret");
  g_assert_null (bp_salesforce_account_get_consumer_secret (second));
  g_assert_false (bp_account_is_secret_known (BP_ACCOUNT (second), BP_SECRET_KIND_CONSUMER_SECRET));

  /* Changes made to the draft by others show at once. */
  bp_salesforce_account_set_token_state (second, BP_TOKEN_STATE_NEEDS_NEW_TOKEN);
  g_assert_nonnull (find_label (fixture, "Needs a new token"));
  bp_salesforce_account_set_consumer_secret (second, "from the keyring");
  g_assert_cmpstr (gtk_editable_get_text (get_entry (fixture, "Consumer secret")), ==, "from the keyring");
  bp_account_set_name (BP_ACCOUNT (second), "Renamed");
  g_assert_cmpstr (gtk_editable_get_text (get_entry (fixture, "Name")), ==, "Renamed");

  /* No draft: an empty form that cannot be edited. */
  bp_account_editor_set_draft (fixture->editor, NULL);
  g_assert_cmpstr (gtk_editable_get_text (get_entry (fixture, "Name")), ==, "");
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (get_entry (fixture, "Name"))));
  g_assert_false (bp_account_editor_get_has_errors (fixture->editor));
}

/* Before Apply, the form says that a new Url, Sandbox setting or Consumer key
 * takes the token away (tests/test-account.c checks that Apply does). */
static void
test_token_owner_warning (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(BpSalesforceAccount) saved = g_list_model_get_item (G_LIST_MODEL (fixture->accounts), 0);
  g_autoptr(BpAccount) draft = NULL;
  g_autoptr(GDateTime) issued_at = g_date_time_new_utc (2026, 11, 1, 9, 0, 0);
  const char *warning = "After Apply the account needs a new token: the one it has belongs to the saved Url, "
                        "Sandbox setting and Consumer key.";

  bp_salesforce_account_set_url (saved, ACME_URL);
  bp_salesforce_account_set_consumer_key (saved, "3MVG9saved");
  bp_salesforce_account_set_idp_login_url (saved, ACME_IDP_URL);
  bp_salesforce_account_set_token_state (saved, BP_TOKEN_STATE_VALID);
  bp_salesforce_account_set_token_issued_at (saved, issued_at);
  draft = bp_account_copy (BP_ACCOUNT (saved));
  bp_account_editor_set_draft (fixture->editor, draft);

  /* A warning: Apply may still be pressed. */
  type_into (fixture, "Url", "https://other.my.salesforce.com/");
  g_assert_nonnull (find_label (fixture, warning));
  g_assert_false (bp_account_editor_get_has_errors (fixture->editor));

  /* The same Url again, written differently: the token stays. */
  type_into (fixture, "Url", "https://ACME.my.salesforce.com");
  g_assert_null (find_label (fixture, warning));

  type_into (fixture, "Consumer key", "3MVG9other");
  g_assert_nonnull (find_label (fixture, warning));

  /* A token that already needs renewing is no news. */
  bp_salesforce_account_set_token_state (saved, BP_TOKEN_STATE_NEEDS_NEW_TOKEN);
  type_into (fixture, "Consumer key", "3MVG9third");
  g_assert_null (find_label (fixture, warning));

  /* A new account has no token to lose. */
  set_new_draft (fixture);
  type_into (fixture, "Url", "https://other.my.salesforce.com/");
  g_assert_null (find_label (fixture, warning));
}

static gboolean
is_secret_shown (Fixture *fixture)
{
  GtkEditable *secret = get_entry (fixture, "Consumer secret");

  return gtk_text_get_visibility (GTK_TEXT (gtk_editable_get_delegate (secret)));
}

/* A consumer secret revealed with the peek icon is covered again when the
 * form shows another draft: the next account's, or a fresh one after Apply
 * or Cancel, is only shown by another click. */
static void
test_secret_hidden_for_each_draft (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_autoptr(BpSalesforceAccount) first = bp_salesforce_account_new ();
  g_autoptr(BpSalesforceAccount) second = bp_salesforce_account_new ();
  GtkEditable *secret = get_entry (fixture, "Consumer secret");

  bp_salesforce_account_set_consumer_secret (first, "first secret");
  bp_salesforce_account_set_consumer_secret (second, "second secret");
  bp_account_editor_set_draft (fixture->editor, BP_ACCOUNT (first));
  g_assert_true (GTK_IS_PASSWORD_ENTRY (secret));
  g_assert_false (is_secret_shown (fixture));

  /* What the peek icon does. */
  gtk_text_set_visibility (GTK_TEXT (gtk_editable_get_delegate (secret)), TRUE);
  g_assert_true (is_secret_shown (fixture));

  bp_account_editor_set_draft (fixture->editor, BP_ACCOUNT (second));
  g_assert_cmpstr (gtk_editable_get_text (secret), ==, "second secret");
  g_assert_false (is_secret_shown (fixture));

  gtk_text_set_visibility (GTK_TEXT (gtk_editable_get_delegate (secret)), TRUE);
  bp_account_editor_set_draft (fixture->editor, NULL);
  g_assert_false (is_secret_shown (fixture));
}

static void
test_accessible_labels (Fixture       *fixture,
                        gconstpointer  data)
{
  set_new_draft (fixture);

  for (guint i = 0; i < G_N_ELEMENTS (control_names); i++)
    {
      const char *name = control_names[i];
      GtkWidget *label = NULL;
      GtkWidget *control = find_labelled_control (GTK_WIDGET (fixture->editor), name, &label);

      if (control != NULL)
        {
          /* A visible label with a mnemonic, which labels the control. */
          g_assert_true (gtk_label_get_use_underline (GTK_LABEL (label)));
          g_assert_nonnull (strchr (gtk_label_get_label (GTK_LABEL (label)), '_'));
          g_assert_true (gtk_widget_get_mapped (label));
          gtk_test_accessible_assert_relation (control, GTK_ACCESSIBLE_RELATION_LABELLED_BY, label, NULL);
        }
      else
        {
          /* A button or check button: its accessible label is its visible
           * label without the mnemonic underline, or its tooltip for an
           * icon-only button. */
          g_autofree char *visible = NULL;

          control = bp_test_find_by_accessible_label (GTK_WIDGET (fixture->editor), name);
          g_assert_nonnull (control);

          if (GTK_IS_CHECK_BUTTON (control))
            visible = g_strdup (gtk_check_button_get_label (GTK_CHECK_BUTTON (control)));
          else if (gtk_button_get_label (GTK_BUTTON (control)) != NULL)
            visible = g_strdup (gtk_button_get_label (GTK_BUTTON (control)));
          else
            visible = g_strdup (gtk_widget_get_tooltip_text (control));

          if (strchr (visible, '_') != NULL)
            memmove (strchr (visible, '_'), strchr (visible, '_') + 1, strlen (strchr (visible, '_')));
          g_assert_cmpstr (visible, ==, name);
        }

      g_assert_true (gtk_widget_get_mapped (control));
    }

  /* The certificate's text area is named like the field. */
  gtk_test_accessible_assert_property (get_certificate_text_view (fixture),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL, "Identity provider certificate");

  /* The groups carry the vendor's headings. */
  g_assert_nonnull (find_label (fixture, "Basic Properties"));
  g_assert_nonnull (find_label (fixture, "Data Access from Scenarios Properties"));
  g_assert_nonnull (find_label (fixture, "Single Sign-on Properties"));
  g_assert_nonnull (find_label (fixture, "Type"));
  g_assert_nonnull (find_label (fixture, "Refresh token"));
  g_assert_nonnull (find_label (fixture, "Callback URL"));

  /* The secret can be revealed. */
  g_assert_true (GTK_IS_PASSWORD_ENTRY (get_control (fixture, "Consumer secret")));
  g_assert_true (gtk_password_entry_get_show_peek_icon (GTK_PASSWORD_ENTRY (get_control (fixture, "Consumer secret"))));
}

static void
test_inline_validation (Fixture       *fixture,
                        gconstpointer  data)
{
  BpSalesforceAccount *draft = set_new_draft (fixture);
  g_autofree char *name_error = get_problem_message (draft, NULL, "name", BP_SEVERITY_ERROR);
  g_autofree char *url_error = NULL;
  g_autofree char *url_warning = NULL;
  g_autofree char *sandbox_warning = NULL;
  GtkWidget *url_entry = GTK_WIDGET (get_entry (fixture, "Url"));
  GtkWidget *label;
  guint n_notifies;

  /* A new draft has errors (no name, no login URL) but shows none yet. */
  g_assert_true (bp_account_editor_get_has_errors (fixture->editor));
  g_assert_false (bp_account_editor_get_shows_errors (fixture->editor));
  g_assert_null (find_label (fixture, name_error));

  /* The first edit of a field shows its problem under it. */
  type_into (fixture, "Url", "http://example.com");
  url_error = get_problem_message (draft, NULL, "url", BP_SEVERITY_ERROR);
  label = find_label (fixture, url_error);
  g_assert_nonnull (label);
  g_assert_true (gtk_widget_has_css_class (label, "error"));
  g_assert_true (gtk_widget_has_css_class (url_entry, "error"));
  gtk_test_accessible_assert_property (url_entry, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, url_error);
  gtk_test_accessible_assert_state (url_entry, GTK_ACCESSIBLE_STATE_INVALID, GTK_ACCESSIBLE_INVALID_TRUE);

  /* ...and only its own: Name was not edited. */
  g_assert_null (find_label (fixture, name_error));
  g_assert_true (bp_account_editor_get_has_errors (fixture->editor));
  g_assert_true (bp_account_editor_get_shows_errors (fixture->editor));

  /* Fixing the other errors leaves the Url's. */
  type_into (fixture, "Name", "New account");
  type_into (fixture, "Identity provider initiated login URL", "/");
  g_assert_true (bp_account_editor_get_has_errors (fixture->editor));

  /* Fixing the Url clears the last error. */
  n_notifies = fixture->n_has_errors_notifies;
  type_into (fixture, "Url", ACME_URL);
  g_assert_false (bp_account_editor_get_has_errors (fixture->editor));
  g_assert_false (bp_account_editor_get_shows_errors (fixture->editor));
  g_assert_cmpuint (fixture->n_has_errors_notifies, ==, n_notifies + 1);
  g_assert_null (find_label (fixture, url_error));
  g_assert_false (gtk_widget_has_css_class (url_entry, "error"));

  /* A warning shows in the warning style and does not block Apply. */
  type_into (fixture, "Url", "https://example.com/");
  url_warning = get_problem_message (draft, NULL, "url", BP_SEVERITY_WARNING);
  label = find_label (fixture, url_warning);
  g_assert_nonnull (label);
  g_assert_true (gtk_widget_has_css_class (label, "warning"));
  g_assert_false (gtk_widget_has_css_class (label, "error"));
  g_assert_true (gtk_widget_has_css_class (url_entry, "warning"));
  g_assert_false (bp_account_editor_get_has_errors (fixture->editor));
  g_assert_false (bp_account_editor_get_shows_errors (fixture->editor));

  /* The Url that was typed tells about the Sandbox checkbox too. */
  type_into (fixture, "Url", "https://acme--uat.sandbox.my.salesforce.com/");
  sandbox_warning = get_problem_message (draft, NULL, "sandbox", BP_SEVERITY_WARNING);
  g_assert_nonnull (find_label (fixture, sandbox_warning));
  gtk_check_button_set_active (get_check (fixture, "Sandbox environment"), TRUE);
  g_assert_null (find_label (fixture, sandbox_warning));

  /* Emptying a required field shows its error at once. */
  type_into (fixture, "Name", "");
  g_assert_nonnull (find_label (fixture, name_error));
  g_assert_true (bp_account_editor_get_has_errors (fixture->editor));
  g_assert_true (bp_account_editor_get_shows_errors (fixture->editor));

  /* Another draft's errors are hidden again until its fields are edited. */
  set_new_draft (fixture);
  g_assert_true (bp_account_editor_get_has_errors (fixture->editor));
  g_assert_false (bp_account_editor_get_shows_errors (fixture->editor));
  bp_account_editor_focus_first_error (fixture->editor);
  g_assert_true (bp_account_editor_get_shows_errors (fixture->editor));
  g_assert_nonnull (find_label (fixture, name_error));
}

static void
test_unique_name (Fixture       *fixture,
                  gconstpointer  data)
{
  BpSalesforceAccount *draft = set_new_draft (fixture);
  g_autofree char *name_error = NULL;

  type_into (fixture, "Identity provider initiated login URL", "/");
  type_into (fixture, "Name", " production ");
  name_error = get_problem_message (draft, G_LIST_MODEL (fixture->accounts), "name", BP_SEVERITY_ERROR);
  g_assert_nonnull (find_label (fixture, name_error));
  g_assert_true (bp_account_editor_get_has_errors (fixture->editor));

  /* The saved accounts change (the other one was deleted): checked again. */
  g_list_store_remove_all (fixture->accounts);
  g_assert_null (find_label (fixture, name_error));
  g_assert_false (bp_account_editor_get_has_errors (fixture->editor));
}

static gboolean
has_focus_within (GtkWindow *window,
                  GtkWidget *widget)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));

  return focus != NULL && (focus == widget || gtk_widget_is_ancestor (focus, widget));
}

static void
test_focus (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(BpSalesforceAccount) draft = bp_salesforce_account_new ();
  GtkEditable *name_entry = get_entry (fixture, "Name");
  g_autofree char *url_error = NULL;
  g_autofree char *login_url_error = NULL;
  int start = -1;
  int end = -1;

  bp_account_set_name (BP_ACCOUNT (draft), "Production 2");
  bp_salesforce_account_set_url (draft, "http://example.com");
  bp_account_editor_set_draft (fixture->editor, BP_ACCOUNT (draft));
  url_error = get_problem_message (draft, NULL, "url", BP_SEVERITY_ERROR);

  /* Errors of fields nobody edited stay hidden until Apply is pressed... */
  g_assert_true (bp_account_editor_get_has_errors (fixture->editor));
  g_assert_null (find_label (fixture, url_error));

  /* ...which reveals them all and focuses the first. */
  bp_account_editor_focus_first_error (fixture->editor);
  g_assert_nonnull (find_label (fixture, url_error));
  g_assert_true (has_focus_within (fixture->window, GTK_WIDGET (get_entry (fixture, "Url"))));
  login_url_error = get_problem_message (draft, NULL, "idp-login-url", BP_SEVERITY_ERROR);
  g_assert_nonnull (find_label (fixture, login_url_error));

  /* A new draft: Name focused, its text selected to be typed over. */
  bp_account_editor_focus_name (fixture->editor);
  g_assert_true (has_focus_within (fixture->window, GTK_WIDGET (name_entry)));
  g_assert_true (gtk_editable_get_selection_bounds (name_entry, &start, &end));
  g_assert_cmpint (start, ==, 0);
  g_assert_cmpint (end, ==, g_utf8_strlen ("Production 2", -1));
}

/* The named control that holds the focus. */
static const char *
get_focused_control (Fixture *fixture)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (fixture->window));

  if (focus == NULL)
    return NULL;

  if (focus == GTK_WIDGET (get_certificate_text_view (fixture)))
    return "Identity provider certificate";

  for (guint i = 0; i < G_N_ELEMENTS (control_names); i++)
    {
      GtkWidget *control = get_control (fixture, control_names[i]);

      if (focus == control || (gtk_widget_is_ancestor (focus, control) && !BP_IS_CERTIFICATE_FIELD (control)))
        return control_names[i];
    }

  /* Shown with a certificate only. */
  if (focus == bp_test_find_by_accessible_label (GTK_WIDGET (fixture->editor), "Copy fingerprint"))
    return "Copy fingerprint";

  return G_OBJECT_TYPE_NAME (focus);
}

static void
test_tab_order (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *pem = make_pem ("SelfSignedCert_Tab");
  BpSalesforceAccount *draft = set_new_draft (fixture);
  g_autoptr(GPtrArray) order = g_ptr_array_new ();
  g_autofree char *joined = NULL;
  const char *expected =
    "Name, Default account, Url, Sandbox environment, Consumer key, Copy callback URL, "
    "Consumer secret, Identity provider certificate, Paste, Open…, Clear, Copy fingerprint, "
    "Identity provider initiated login URL";

  bp_salesforce_account_set_idp_certificate (draft, pem);
  g_assert_nonnull (wait_for_label (fixture, "SelfSignedCert_Tab"));

  bp_account_editor_focus_name (fixture->editor);
  for (guint i = 0; i < 30; i++)
    {
      const char *name = get_focused_control (fixture);

      if (i > 0 && g_strcmp0 (name, "Name") == 0)
        break;

      g_ptr_array_add (order, (gpointer) name);
      gtk_widget_child_focus (GTK_WIDGET (fixture->window), GTK_DIR_TAB_FORWARD);
    }
  g_ptr_array_add (order, NULL);

  /* Request token and Check limits are disabled, so Tab skips them. */
  joined = g_strjoinv (", ", (char **) order->pdata);
  g_assert_cmpstr (joined, ==, expected);
}

static void
test_token_actions (Fixture       *fixture,
                    gconstpointer  data)
{
  GtkWidget *request_token = get_control (fixture, "Request token");
  GtkWidget *check_limits = get_control (fixture, "Check limits");

  set_new_draft (fixture);

  /* Other issues implement them: until then they cannot be pressed. */
  g_assert_false (gtk_widget_is_sensitive (request_token));
  g_assert_false (gtk_widget_is_sensitive (check_limits));
  gtk_widget_activate_action (GTK_WIDGET (fixture->editor), "editor.request-token", NULL);
  gtk_widget_activate_action (GTK_WIDGET (fixture->editor), "editor.check-limits", NULL);
  g_assert_cmpuint (fixture->n_request_token, ==, 0);
  g_assert_cmpuint (fixture->n_check_limits, ==, 0);

  /* The window enables them and learns of the presses. */
  bp_salesforce_editor_set_request_token_enabled (BP_SALESFORCE_EDITOR (fixture->editor), TRUE);
  g_assert_true (gtk_widget_is_sensitive (request_token));
  g_assert_false (gtk_widget_is_sensitive (check_limits));
  click (fixture, "Request token");
  g_assert_cmpuint (fixture->n_request_token, ==, 1);
  g_assert_cmpuint (fixture->n_check_limits, ==, 0);

  bp_salesforce_editor_set_check_limits_enabled (BP_SALESFORCE_EDITOR (fixture->editor), TRUE);
  click (fixture, "Check limits");
  g_assert_cmpuint (fixture->n_check_limits, ==, 1);
  g_assert_cmpuint (fixture->n_request_token, ==, 1);

  bp_salesforce_editor_set_request_token_enabled (BP_SALESFORCE_EDITOR (fixture->editor), FALSE);
  g_assert_false (gtk_widget_is_sensitive (request_token));
}

static void
test_callback_url (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  Fixture fixture = { NULL, };
  g_autofree char *copied = NULL;

  /* The environment wins over the setting. */
  g_setenv ("BP_OAUTH_REDIRECT_PORT", "5555", TRUE);
  fixture.editor = BP_ACCOUNT_EDITOR (bp_salesforce_editor_new (NULL));
  fixture.window = create_window (GTK_WIDGET (fixture.editor));
  present_and_wait (fixture.window);

  g_assert_cmpstr (bp_salesforce_editor_get_callback_url (BP_SALESFORCE_EDITOR (fixture.editor)), ==,
                   "http://localhost:5555/OauthRedirect");
  g_assert_nonnull (find_label (&fixture, "http://localhost:5555/OauthRedirect"));

  /* Copy (with an account shown) puts the exact string on the clipboard. */
  set_new_draft (&fixture);
  click (&fixture, "Copy callback URL");
  copied = read_clipboard (GTK_WIDGET (fixture.editor));
  g_assert_cmpstr (copied, ==, "http://localhost:5555/OauthRedirect");

  gtk_window_destroy (fixture.window);
  g_unsetenv ("BP_OAUTH_REDIRECT_PORT");

  /* Without it, the setting: 1717 unless changed, and followed. */
  fixture.editor = BP_ACCOUNT_EDITOR (bp_salesforce_editor_new (NULL));
  fixture.window = create_window (GTK_WIDGET (fixture.editor));
  present_and_wait (fixture.window);
  g_assert_nonnull (find_label (&fixture, "http://localhost:1717/OauthRedirect"));

  g_settings_set_int (settings, "redirect-port", 18080);
  g_assert_nonnull (wait_for_label (&fixture, "http://localhost:18080/OauthRedirect"));
  g_settings_reset (settings, "redirect-port");
  g_assert_nonnull (wait_for_label (&fixture, "http://localhost:1717/OauthRedirect"));

  gtk_window_destroy (fixture.window);
  while (g_main_context_iteration (NULL, FALSE));
}

static void
test_private_key_never_reaches_draft (Fixture       *fixture,
                                      gconstpointer  data)
{
  g_autoptr(BpSalesforceAccount) draft = bp_salesforce_account_new ();
  g_autofree char *pem = make_pem ("SelfSignedCert_Stays");
  g_autofree char *key = make_private_key_pem ();
  g_autoptr(GError) error = NULL;
  g_autoptr(BpCertificate) refused = bp_certificate_new_from_text (key, 0, &error);

  g_assert_null (refused);
  bp_salesforce_account_set_idp_certificate (draft, pem);
  bp_account_editor_set_draft (fixture->editor, BP_ACCOUNT (draft));

  /* Through the real clipboard and the Paste button. */
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (fixture->editor)), key);
  click (fixture, "Paste");
  g_assert_nonnull (wait_for_label (fixture, error->message));
  g_assert_cmpstr (bp_salesforce_account_get_idp_certificate (draft), ==, pem);

  /* Typed over the certificate. */
  type_certificate (fixture, key);
  iterate_briefly ();
  g_assert_cmpstr (bp_salesforce_account_get_idp_certificate (draft), ==, pem);
  g_assert_nonnull (find_label (fixture, "SelfSignedCert_Stays"));

  /* A stored key (a hand-edited file) is not shown, nor the previous
   * account's certificate in its place; Apply stays blocked. */
  {
    g_autoptr(BpSalesforceAccount) stored = bp_salesforce_account_new ();

    bp_account_set_name (BP_ACCOUNT (stored), "Stored");
    bp_salesforce_account_set_idp_login_url (stored, "/");
    bp_salesforce_account_set_idp_certificate (stored, key);
    bp_account_editor_set_draft (fixture->editor, BP_ACCOUNT (stored));

    g_assert_cmpstr (bp_certificate_field_get_text (get_certificate_field (fixture)), ==, "");
    g_assert_null (find_label (fixture, "SelfSignedCert_Stays"));
    g_assert_nonnull (find_label (fixture, error->message));
    g_assert_true (bp_account_editor_get_has_errors (fixture->editor));
  }
}

int
main (int   argc,
      char *argv[])
{
  int status;

  /* GTK_A11Y=none gives widgets no accessible context at all; the test
   * context lets the tests read accessible names and relations. */
  g_setenv ("GTK_A11Y", "test", TRUE);
  g_unsetenv ("BP_OAUTH_REDIRECT_PORT");
  g_set_print_handler (bp_test_print_without_a11y_noise);

  g_test_init (&argc, &argv, NULL);

  /* Without a display GTK cannot start; that is a failure under build-aux/test. */
  if (!gtk_init_check ())
    {
      g_test_add_func ("/salesforce-editor/display", bp_test_gtk_cannot_start);
      return g_test_run ();
    }

  g_assert_cmpint (gnutls_x509_privkey_init (&test_key), ==, GNUTLS_E_SUCCESS);
  g_assert_cmpint (gnutls_x509_privkey_generate (test_key, GNUTLS_PK_RSA, 2048, 0), ==, GNUTLS_E_SUCCESS);

#define ADD(path, func) g_test_add ("/salesforce-editor/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("fields-write-draft", test_fields_write_draft);
  ADD ("draft-fills-fields", test_draft_fills_fields);
  ADD ("secret-hidden-for-each-draft", test_secret_hidden_for_each_draft);
  ADD ("token-owner-warning", test_token_owner_warning);
  ADD ("accessible-labels", test_accessible_labels);
  ADD ("inline-validation", test_inline_validation);
  ADD ("unique-name", test_unique_name);
  ADD ("focus", test_focus);
  ADD ("tab-order", test_tab_order);
  ADD ("token-actions", test_token_actions);
  ADD ("private-key-never-reaches-draft", test_private_key_never_reaches_draft);
#undef ADD
  g_test_add_func ("/salesforce-editor/callback-url", test_callback_url);

  status = g_test_run ();
  gnutls_x509_privkey_deinit (test_key);

  return status;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-account-export"

#include "config.h"

#include <string.h>

#include "bp-account-export.h"
#include "bp-account-store.h"
#include "bp-error.h"
#include "bp-import-plan.h"
#include "bp-salesforce-account.h"
#include "bp-test-utils.h"

/* The export file and the conflict rules of an import (pure), and the
 * store's batch that saves an import as one transaction. No keyring is
 * touched: exports hold no secret and a batch writes none. */

#define SECRET_VALUE  "c0nsumer-S3CRET-export-must-not-carry"
#define TOKEN_VALUE   "5Aep861-REFRESH-export-must-not-carry"
#define USER_VALUE    "admin@acme.example"
#define ACME_URL      "https://acme.my.salesforce.com/"
#define UAT_URL       "https://acme--uat.sandbox.my.salesforce.com/"
#define ACME_IDP_URL  "https://acme.my.salesforce.com/idp/login?app=0sp000000000001"
#define WAIT_MS       10000

typedef struct
{
  char           *dir;
  char           *path;
  GFile          *file;
  BpSecretStore  *secrets;
  BpAccountStore *store;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  fixture->dir = bp_test_make_temp_dir ();
  fixture->path = g_build_filename (fixture->dir, "bp-integration-accounts", "accounts.json", NULL);
  fixture->file = g_file_new_for_path (fixture->path);
  fixture->secrets = bp_secret_store_new ();
  fixture->store = bp_account_store_new (fixture->file, fixture->secrets);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_clear_object (&fixture->store);
  g_clear_object (&fixture->secrets);
  g_clear_object (&fixture->file);
  bp_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->path);
}

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

static BpSalesforceAccount *
make_account (const char *name,
              const char *url,
              gboolean    sandbox,
              const char *consumer_key)
{
  BpSalesforceAccount *account = bp_salesforce_account_new ();

  bp_account_set_name (BP_ACCOUNT (account), name);
  bp_salesforce_account_set_url (account, url);
  bp_salesforce_account_set_sandbox (account, sandbox);
  bp_salesforce_account_set_consumer_key (account, consumer_key);
  bp_salesforce_account_set_idp_login_url (account, ACME_IDP_URL);

  return account;
}

/* A saved-looking account with a token and secrets in memory. */
static BpSalesforceAccount *
make_authorized_account (const char *name,
                         const char *url,
                         const char *consumer_key)
{
  BpSalesforceAccount *account = make_account (name, url, FALSE, consumer_key);
  g_autoptr(GDateTime) issued_at = g_date_time_new_utc (2026, 3, 1, 8, 0, 0);

  bp_salesforce_account_set_consumer_secret (account, SECRET_VALUE);
  bp_account_set_secret (BP_ACCOUNT (account), BP_SECRET_KIND_REFRESH_TOKEN, TOKEN_VALUE);
  bp_salesforce_account_set_token_state (account, BP_TOKEN_STATE_VALID);
  bp_salesforce_account_set_token_issued_at (account, issued_at);
  bp_salesforce_account_set_authorized_user (account, USER_VALUE);

  return account;
}

static void
batch_applied_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GError **error = user_data;
  GError *local_error = NULL;

  if (!bp_account_store_apply_batch_finish (BP_ACCOUNT_STORE (object), result, &local_error))
    *error = local_error;
  else
    *error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NONE, "ok");
}

/* Saves @drafts as one batch; returns NULL on success. */
static GError *
apply_batch (BpAccountStore *store,
             GPtrArray      *drafts)
{
  GError *error = NULL;

  bp_account_store_apply_batch_async (store, drafts, NULL, batch_applied_cb, &error);
  while (error == NULL)
    g_main_context_iteration (NULL, TRUE);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NONE))
    {
      g_clear_error (&error);
      return NULL;
    }

  return error;
}

/* Fills the store with @accounts through one batch (the file is written). */
static void
fill_store (Fixture   *fixture,
            GPtrArray *accounts)
{
  g_autoptr(GPtrArray) drafts = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;

  /* A batch takes drafts that know no secret. */
  for (guint i = 0; i < accounts->len; i++)
    {
      BpAccount *draft = bp_account_copy (g_ptr_array_index (accounts, i));

      bp_account_forget_secret (draft, BP_SECRET_KIND_CONSUMER_SECRET);
      bp_account_forget_secret (draft, BP_SECRET_KIND_REFRESH_TOKEN);
      g_ptr_array_add (drafts, draft);
    }

  error = apply_batch (fixture->store, drafts);
  g_assert_no_error (error);
}

static GPtrArray *
read_export (const char *data,
             GError    **error)
{
  return bp_account_export_read (data, strlen (data), error);
}

/* What an account is, minus its id and its token: what an export carries. */
static char *
describe_settings (BpAccount *account)
{
  BpSalesforceAccount *salesforce = BP_SALESFORCE_ACCOUNT (account);

  return g_strdup_printf ("%s|%d|%s|%d|%s|%s|%s", bp_account_get_name (account),
                          bp_account_get_is_default (account),
                          bp_salesforce_account_get_url (salesforce),
                          bp_salesforce_account_get_sandbox (salesforce),
                          bp_salesforce_account_get_consumer_key (salesforce),
                          bp_salesforce_account_get_idp_certificate (salesforce),
                          bp_salesforce_account_get_idp_login_url (salesforce));
}

static BpAccount *
get_account (BpAccountStore *store,
             const char     *name)
{
  BpAccount *account = bp_account_store_find_by_name (store, name);

  g_assert_nonnull (account);
  return account;
}

static char *
export_data (GPtrArray *accounts)
{
  gsize length = 0;
  char *data = bp_account_export_write (accounts, NULL, &length);

  g_assert_cmpuint (strlen (data), ==, length);
  return data;
}

/* ------------------------------------------------------------------ */
/* The export file                                                     */

static void
test_export_holds_no_secret (Fixture       *fixture,
                             gconstpointer  user_data)
{
  g_autoptr(GPtrArray) accounts = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  JsonObject *root;
  JsonObject *account;
  BpAccount *original;

  original = BP_ACCOUNT (make_authorized_account ("Production", ACME_URL, "3MVG9.key"));
  g_ptr_array_add (accounts, original);

  data = export_data (accounts);

  /* Not a byte of a secret, of the token, or of who authorized it. */
  bp_test_assert_no_substring (data, -1, SECRET_VALUE);
  bp_test_assert_no_substring (data, -1, TOKEN_VALUE);
  bp_test_assert_no_substring (data, -1, USER_VALUE);
  bp_test_assert_no_substring (data, -1, "consumer-secret");
  bp_test_assert_no_substring (data, -1, "refresh-token");
  bp_test_assert_no_substring (data, -1, "token-state");
  bp_test_assert_no_substring (data, -1, "token-issued-at");
  bp_test_assert_no_substring (data, -1, bp_account_get_id (original));

  json_parser_load_from_data (parser, data, -1, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (root, "format"), ==, BP_ACCOUNT_EXPORT_FORMAT);
  g_assert_cmpint (json_object_get_int_member (root, "format-version"), ==, BP_ACCOUNT_EXPORT_FORMAT_VERSION);
  g_assert_cmpstr (json_object_get_string_member (root, "application-version"), ==, PACKAGE_VERSION);
  g_assert_true (json_object_has_member (root, "exported-at"));

  account = json_array_get_object_element (json_object_get_array_member (root, "accounts"), 0);
  g_assert_cmpstr (json_object_get_string_member (account, "name"), ==, "Production");
  g_assert_cmpstr (json_object_get_string_member (account, "type"), ==, "salesforce");
  g_assert_cmpstr (json_object_get_string_member (account, "consumer-key"), ==, "3MVG9.key");
  g_assert_false (json_object_has_member (account, "id"));

  /* The accounts exported are untouched: still holding their secrets. */
  g_assert_cmpstr (bp_salesforce_account_get_consumer_secret (BP_SALESFORCE_ACCOUNT (original)), ==, SECRET_VALUE);
}

static void
test_round_trip (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_autoptr(GPtrArray) accounts = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) imported = NULL;
  g_autoptr(GPtrArray) drafts = NULL;
  g_autoptr(BpImportPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BpAccountStore) reloaded = NULL;
  g_autofree char *data = NULL;
  g_autofree char *file_contents = NULL;
  g_autoptr(GDateTime) expiry = g_date_time_new_utc (2030, 1, 31, 12, 0, 0);
  g_autofree char *certificate = bp_test_make_certificate_pem (expiry);
  BpSalesforceAccount *uat;

  g_ptr_array_add (accounts, make_authorized_account ("Production", ACME_URL, "3MVG9.production"));

  uat = make_account ("UAT sandbox", UAT_URL, TRUE, "3MVG9.uat");
  bp_salesforce_account_set_idp_certificate (uat, certificate);
  g_ptr_array_add (accounts, uat);
  bp_account_set_is_default (g_ptr_array_index (accounts, 0), TRUE);

  data = export_data (accounts);
  imported = read_export (data, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (imported->len, ==, 2);

  plan = bp_import_plan_new (imported, G_LIST_MODEL (fixture->store), BP_IMPORT_CONFLICT_SKIP, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (bp_import_plan_count (plan, BP_IMPORT_ACTION_ADD), ==, 2);

  drafts = bp_import_plan_get_drafts (plan);
  g_assert_null (apply_batch (fixture->store, drafts));

  /* Read back from the file: the same settings, new ids, no token. */
  reloaded = bp_account_store_new (fixture->file, fixture->secrets);
  bp_account_store_load (reloaded, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (reloaded)), ==, 2);

  for (guint i = 0; i < accounts->len; i++)
    {
      BpAccount *original = g_ptr_array_index (accounts, i);
      BpAccount *copy = get_account (reloaded, bp_account_get_name (original));
      g_autofree char *expected = describe_settings (original);
      g_autofree char *actual = describe_settings (copy);

      g_assert_cmpstr (actual, ==, expected);
      g_assert_cmpstr (bp_account_get_id (copy), !=, bp_account_get_id (original));
      g_assert_cmpint (bp_salesforce_account_get_token_state (BP_SALESFORCE_ACCOUNT (copy)), ==,
                       BP_TOKEN_STATE_NONE);
      g_assert_null (bp_salesforce_account_get_token_issued_at (BP_SALESFORCE_ACCOUNT (copy)));
      g_assert_false (bp_account_is_secret_known (copy, BP_SECRET_KIND_CONSUMER_SECRET));
    }

  file_contents = bp_test_read_file (fixture->path, NULL);
  bp_test_assert_no_substring (file_contents, -1, SECRET_VALUE);
  bp_test_assert_no_substring (file_contents, -1, TOKEN_VALUE);
  bp_test_assert_no_substring (file_contents, -1, USER_VALUE);
}

static void
test_read_ignores_ids_and_tokens (Fixture       *fixture,
                                  gconstpointer  user_data)
{
  const char *data =
    "{\"format\": \"bp-integration-accounts-export\", \"format-version\": 1, \"accounts\": ["
    " {\"id\": \"0a1b2c3d-0000-4000-8000-000000000001\", \"type\": \"salesforce\", \"name\": \"A\","
    "  \"token-state\": \"valid\", \"authorized-user\": \"someone\", \"idp-login-url\": \"/\","
    "  \"consumer-secret\": \"" SECRET_VALUE "\", \"a-future-member\": 42}]}";
  g_autoptr(GPtrArray) imported = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) again = NULL;
  BpAccount *account;

  imported = read_export (data, &error);
  g_assert_no_error (error);
  account = g_ptr_array_index (imported, 0);

  g_assert_cmpstr (bp_account_get_id (account), !=, "0a1b2c3d-0000-4000-8000-000000000001");
  g_assert_true (g_uuid_string_is_valid (bp_account_get_id (account)));
  g_assert_cmpint (bp_salesforce_account_get_token_state (BP_SALESFORCE_ACCOUNT (account)), ==, BP_TOKEN_STATE_NONE);
  g_assert_cmpstr (bp_salesforce_account_get_authorized_user (BP_SALESFORCE_ACCOUNT (account)), ==, "");
  g_assert_false (bp_account_is_secret_known (account, BP_SECRET_KIND_CONSUMER_SECRET));

  /* A member a newer version wrote travels on; the secret does not. */
  again = bp_account_export_account_to_json (account);
  g_assert_cmpint (json_object_get_int_member (again, "a-future-member"), ==, 42);
  g_assert_false (json_object_has_member (again, "consumer-secret"));
}

static void
test_newer_format_refused (Fixture       *fixture,
                           gconstpointer  user_data)
{
  /* Shaped differently, as a newer format may be: the version is what counts. */
  const char *data =
    "{\"format\": \"bp-integration-accounts-export\", \"format-version\": 2,"
    " \"application-version\": \"9.0.0\", \"accounts\": {\"by-type\": {}}}";
  g_autoptr(GPtrArray) imported = NULL;
  g_autoptr(GError) error = NULL;

  imported = read_export (data, &error);
  g_assert_null (imported);
  g_assert_error (error, BP_ERROR, BP_ERROR_EXPORT_TOO_NEW);
  g_assert_nonnull (strstr (error->message, "Integration Accounts 9.0.0"));
  g_assert_nonnull (strstr (error->message, "format version 2"));
  g_assert_nonnull (strstr (error->message, "Update Integration Accounts"));
}

typedef struct
{
  const char *name;
  const char *data;
  const char *message_part;
} MalformedCase;

static const MalformedCase malformed_cases[] = {
  { "empty", "", "empty" },
  { "not-json", "{\"format\": \"bp-integration-accounts-export\", ", "not valid JSON" },
  { "array", "[]", "does not contain a JSON object" },
  { "no-format", "{\"format-version\": 1, \"accounts\": []}", "“format”" },
  { "store-file", "{\"version\": 1, \"accounts\": []}", "“format”" },
  { "no-version", "{\"format\": \"bp-integration-accounts-export\", \"accounts\": []}", "format-version" },
  { "text-version", "{\"format\": \"bp-integration-accounts-export\", \"format-version\": \"1\", \"accounts\": []}",
    "format-version" },
  { "no-accounts", "{\"format\": \"bp-integration-accounts-export\", \"format-version\": 1}", "no list of accounts" },
  { "account-not-object", "{\"format\": \"bp-integration-accounts-export\", \"format-version\": 1, \"accounts\": [1]}",
    "account 1 is not a JSON object" },
  { "wrong-member-type",
    "{\"format\": \"bp-integration-accounts-export\", \"format-version\": 1, \"accounts\": ["
    " {\"type\": \"salesforce\", \"name\": \"Good\"},"
    " {\"type\": \"salesforce\", \"name\": \"Bad\", \"sandbox\": \"yes\"}]}",
    "account 2 (“Bad”)" },
  { "unknown-type",
    "{\"format\": \"bp-integration-accounts-export\", \"format-version\": 1, \"accounts\": ["
    " {\"type\": \"zendesk\", \"name\": \"Z\"}]}", "zendesk" },
};

static void
test_malformed (Fixture       *fixture,
                gconstpointer  user_data)
{
  const MalformedCase *test_case = user_data;
  g_autoptr(GPtrArray) imported = NULL;
  g_autoptr(GError) error = NULL;

  imported = read_export (test_case->data, &error);
  g_assert_null (imported);
  g_assert_error (error, BP_ERROR, BP_ERROR_NOT_AN_EXPORT);
  g_test_message ("%s: %s", test_case->name, error->message);
  g_assert_nonnull (strstr (error->message, test_case->message_part));
}

/* ------------------------------------------------------------------ */
/* The conflict rules                                                  */

/* The store holds "Production" (default, authorized) and "UAT". */
static void
fill_conflict_store (Fixture *fixture)
{
  g_autoptr(GPtrArray) accounts = g_ptr_array_new_with_free_func (g_object_unref);
  BpSalesforceAccount *production = make_authorized_account ("Production", ACME_URL, "3MVG9.production");

  bp_account_set_is_default (BP_ACCOUNT (production), TRUE);
  g_ptr_array_add (accounts, production);
  g_ptr_array_add (accounts, make_account ("UAT", UAT_URL, TRUE, "3MVG9.uat"));
  fill_store (fixture, accounts);
}

/* A file with "production " (the store's name in another case, with a
 * space) under a new Url, and "Reporting", both made the default. */
static GPtrArray *
read_conflicting_file (gboolean same_url)
{
  g_autoptr(GPtrArray) accounts = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  GPtrArray *imported;
  BpSalesforceAccount *production;

  production = make_account ("production ", same_url ? ACME_URL : "https://acme2.my.salesforce.com/", FALSE,
                             "3MVG9.production");
  bp_salesforce_account_set_idp_login_url (production, "/");
  g_ptr_array_add (accounts, production);
  g_ptr_array_add (accounts, make_account ("Reporting", ACME_URL, FALSE, "3MVG9.reporting"));
  bp_account_set_is_default (g_ptr_array_index (accounts, 1), TRUE);

  data = export_data (accounts);
  imported = read_export (data, &error);
  g_assert_no_error (error);
  return imported;
}

static BpImportPlan *
plan_and_apply (Fixture          *fixture,
                GPtrArray        *imported,
                BpImportConflict  conflict)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) drafts = NULL;
  BpImportPlan *plan;

  g_assert_cmpuint (bp_import_count_conflicts (imported, G_LIST_MODEL (fixture->store)), ==, 1);
  plan = bp_import_plan_new (imported, G_LIST_MODEL (fixture->store), conflict, &error);
  g_assert_no_error (error);

  drafts = bp_import_plan_get_drafts (plan);
  g_assert_null (apply_batch (fixture->store, drafts));
  return plan;
}

static void
test_conflict_skip (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(GPtrArray) imported = NULL;
  g_autoptr(BpImportPlan) plan = NULL;
  g_autofree char *line = NULL;
  BpAccount *production;
  BpAccount *reporting;

  fill_conflict_store (fixture);
  imported = read_conflicting_file (FALSE);
  plan = plan_and_apply (fixture, imported, BP_IMPORT_CONFLICT_SKIP);

  g_assert_cmpint (bp_import_plan_get_decision (plan, 0)->action, ==, BP_IMPORT_ACTION_SKIP);
  g_assert_cmpint (bp_import_plan_get_decision (plan, 1)->action, ==, BP_IMPORT_ACTION_ADD);
  line = bp_import_decision_describe (bp_import_plan_get_decision (plan, 0));
  g_assert_cmpstr (line, ==, "Skipped “production ”: an account of that name exists.");

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->store)), ==, 3);
  production = get_account (fixture->store, "Production");
  g_assert_cmpstr (bp_salesforce_account_get_url (BP_SALESFORCE_ACCOUNT (production)), ==, ACME_URL);
  g_assert_true (bp_account_get_is_default (production));

  /* The file's default does not take the administrator's away. */
  reporting = get_account (fixture->store, "Reporting");
  g_assert_false (bp_account_get_is_default (reporting));
  g_assert_true (bp_import_plan_get_decision (plan, 1)->default_kept_by != NULL);
  g_assert_true (bp_import_plan_get_decision (plan, 1)->needs_consumer_secret);
  g_assert_true (bp_import_plan_get_decision (plan, 1)->needs_token);
}

static void
test_conflict_rename (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(GPtrArray) imported = NULL;
  g_autoptr(BpImportPlan) plan = NULL;
  g_autofree char *line = NULL;
  BpAccount *renamed;

  fill_conflict_store (fixture);
  imported = read_conflicting_file (FALSE);
  plan = plan_and_apply (fixture, imported, BP_IMPORT_CONFLICT_RENAME);

  g_assert_cmpint (bp_import_plan_get_decision (plan, 0)->action, ==, BP_IMPORT_ACTION_RENAME);
  line = bp_import_decision_describe (bp_import_plan_get_decision (plan, 0));
  g_assert_cmpstr (line, ==, "Added “production ” as “production 2”: the name is taken.");

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->store)), ==, 4);
  renamed = get_account (fixture->store, "production 2");
  g_assert_cmpstr (bp_salesforce_account_get_url (BP_SALESFORCE_ACCOUNT (renamed)), ==,
                   "https://acme2.my.salesforce.com/");
  g_assert_cmpstr (bp_salesforce_account_get_url (BP_SALESFORCE_ACCOUNT (get_account (fixture->store, "Production"))),
                   ==, ACME_URL);
}

static void
test_conflict_replace (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(GPtrArray) imported = NULL;
  g_autoptr(BpImportPlan) plan = NULL;
  BpAccount *production;
  g_autofree char *id = NULL;

  fill_conflict_store (fixture);
  production = get_account (fixture->store, "Production");
  id = g_strdup (bp_account_get_id (production));
  /* As if the editor had read its consumer secret from the keyring. */
  bp_salesforce_account_set_consumer_secret (BP_SALESFORCE_ACCOUNT (production), SECRET_VALUE);

  imported = read_conflicting_file (FALSE);
  plan = plan_and_apply (fixture, imported, BP_IMPORT_CONFLICT_REPLACE);

  g_assert_cmpint (bp_import_plan_get_decision (plan, 0)->action, ==, BP_IMPORT_ACTION_REPLACE);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->store)), ==, 3);

  /* The same account (id, keyring items) with the file's settings; a token
   * for another host is not sent there: it needs a new one. */
  g_assert_true (get_account (fixture->store, "Production") == production);
  g_assert_cmpstr (bp_account_get_id (production), ==, id);
  g_assert_cmpstr (bp_account_get_name (production), ==, "production ");
  g_assert_cmpstr (bp_salesforce_account_get_url (BP_SALESFORCE_ACCOUNT (production)), ==,
                   "https://acme2.my.salesforce.com/");
  g_assert_cmpstr (bp_salesforce_account_get_idp_login_url (BP_SALESFORCE_ACCOUNT (production)), ==, "/");
  g_assert_cmpint (bp_salesforce_account_get_token_state (BP_SALESFORCE_ACCOUNT (production)), ==,
                   BP_TOKEN_STATE_NEEDS_NEW_TOKEN);
  g_assert_true (bp_import_plan_get_decision (plan, 0)->needs_token);
  g_assert_false (bp_import_plan_get_decision (plan, 0)->needs_consumer_secret);

  /* The secret the batch did not know stays known in memory, not emptied. */
  g_assert_cmpstr (bp_salesforce_account_get_consumer_secret (BP_SALESFORCE_ACCOUNT (production)), ==, SECRET_VALUE);

  /* The file said Production is not the default: a replacement takes the file's word. */
  g_assert_false (bp_account_get_is_default (production));
  g_assert_true (bp_account_get_is_default (get_account (fixture->store, "Reporting")));
}

static void
test_conflict_replace_keeps_token (Fixture       *fixture,
                                   gconstpointer  user_data)
{
  g_autoptr(GPtrArray) imported = NULL;
  g_autoptr(BpImportPlan) plan = NULL;
  BpAccount *production;

  fill_conflict_store (fixture);
  imported = read_conflicting_file (TRUE);
  plan = plan_and_apply (fixture, imported, BP_IMPORT_CONFLICT_REPLACE);

  /* Same Url, Sandbox and Consumer key: the token still belongs here. */
  production = get_account (fixture->store, "Production");
  g_assert_cmpint (bp_salesforce_account_get_token_state (BP_SALESFORCE_ACCOUNT (production)), ==,
                   BP_TOKEN_STATE_VALID);
  g_assert_cmpstr (bp_salesforce_account_get_authorized_user (BP_SALESFORCE_ACCOUNT (production)), ==, USER_VALUE);
  g_assert_null (bp_import_decision_describe_needs (bp_import_plan_get_decision (plan, 0)));
}

static void
test_invalid_account_imports_nothing (Fixture       *fixture,
                                      gconstpointer  user_data)
{
  const char *data =
    "{\"format\": \"bp-integration-accounts-export\", \"format-version\": 1, \"accounts\": ["
    " {\"type\": \"salesforce\", \"name\": \"Fine\", \"idp-login-url\": \"/\"},"
    " {\"type\": \"salesforce\", \"name\": \"Broken\", \"url\": \"ftp://acme.example\", \"idp-login-url\": \"/\"},"
    " {\"type\": \"salesforce\", \"name\": \"UAT\", \"idp-login-url\": \"/\"}]}";
  g_autoptr(GPtrArray) imported = NULL;
  g_autoptr(BpImportPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  fill_conflict_store (fixture);
  before = bp_test_read_file (fixture->path, NULL);

  imported = read_export (data, &error);
  g_assert_no_error (error);

  /* The bad Url is named; the good accounts are not saved either. */
  plan = bp_import_plan_new (imported, G_LIST_MODEL (fixture->store), BP_IMPORT_CONFLICT_RENAME, &error);
  g_assert_null (plan);
  g_assert_error (error, BP_ERROR, BP_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "Nothing was imported"));
  g_assert_nonnull (strstr (error->message, "“Broken”"));
  g_assert_null (strstr (error->message, "“Fine”"));

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->store)), ==, 2);
  after = bp_test_read_file (fixture->path, NULL);
  g_assert_cmpstr (after, ==, before);
}

static void
test_file_with_twins_refused (Fixture       *fixture,
                              gconstpointer  user_data)
{
  const char *data =
    "{\"format\": \"bp-integration-accounts-export\", \"format-version\": 1, \"accounts\": ["
    " {\"type\": \"salesforce\", \"name\": \"Twin\", \"default\": true, \"idp-login-url\": \"/\"},"
    " {\"type\": \"salesforce\", \"name\": \" TWIN\", \"default\": true, \"idp-login-url\": \"/\"}]}";
  g_autoptr(GPtrArray) imported = NULL;
  g_autoptr(BpImportPlan) plan = NULL;
  g_autoptr(GError) error = NULL;

  imported = read_export (data, &error);
  g_assert_no_error (error);

  plan = bp_import_plan_new (imported, G_LIST_MODEL (fixture->store), BP_IMPORT_CONFLICT_RENAME, &error);
  g_assert_null (plan);
  g_assert_error (error, BP_ERROR, BP_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "more than one account named “ TWIN”"));
  g_assert_nonnull (strstr (error->message, "the default"));
}

static void
test_conflict_names (Fixture       *fixture,
                     gconstpointer  user_data)
{
  BpImportConflict conflict = BP_IMPORT_CONFLICT_SKIP;

  g_assert_true (bp_import_conflict_from_string ("rename", &conflict));
  g_assert_cmpint (conflict, ==, BP_IMPORT_CONFLICT_RENAME);
  g_assert_true (bp_import_conflict_from_string ("REPLACE", &conflict));
  g_assert_cmpint (conflict, ==, BP_IMPORT_CONFLICT_REPLACE);
  g_assert_false (bp_import_conflict_from_string ("merge", &conflict));
  g_assert_cmpstr (bp_import_conflict_to_string (BP_IMPORT_CONFLICT_SKIP), ==, "skip");
}

/* ------------------------------------------------------------------ */
/* The store's batch                                                   */

static void
test_batch_is_all_or_nothing (Fixture       *fixture,
                              gconstpointer  user_data)
{
  g_autoptr(GPtrArray) drafts = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  BpSalesforceAccount *broken;

  fill_conflict_store (fixture);
  before = bp_test_read_file (fixture->path, NULL);

  g_ptr_array_add (drafts, make_account ("One", ACME_URL, FALSE, "k1"));
  broken = make_account ("Two", ACME_URL, FALSE, "k2");
  bp_salesforce_account_set_idp_login_url (broken, "");
  g_ptr_array_add (drafts, broken);
  g_ptr_array_add (drafts, make_account ("uat", ACME_URL, FALSE, "k3"));

  error = apply_batch (fixture->store, drafts);
  g_assert_error (error, BP_ERROR, BP_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "“Two”"));
  g_assert_nonnull (strstr (error->message, "“uat”"));
  g_assert_null (strstr (error->message, "“One”"));

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->store)), ==, 2);
  after = bp_test_read_file (fixture->path, NULL);
  g_assert_cmpstr (after, ==, before);
}

static void
count_changes_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  guint      *changes)
{
  (*changes)++;
}

static void
test_batch_unwritable_file (Fixture       *fixture,
                            gconstpointer  user_data)
{
  g_autoptr(GPtrArray) drafts = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *blocker = g_build_filename (fixture->dir, "blocker", NULL);
  g_autofree char *path = g_build_filename (blocker, "accounts.json", NULL);
  guint changes = 0;

  /* The store's directory is a file: not even root can write there. */
  g_assert_true (g_file_set_contents (blocker, "", 0, NULL));
  file = g_file_new_for_path (path);
  g_clear_object (&fixture->store);
  fixture->store = bp_account_store_new (file, fixture->secrets);

  g_signal_connect (fixture->store, "items-changed", G_CALLBACK (count_changes_cb), &changes);
  g_ptr_array_add (drafts, make_account ("One", ACME_URL, FALSE, "k1"));
  g_ptr_array_add (drafts, make_account ("Two", ACME_URL, FALSE, "k2"));

  error = apply_batch (fixture->store, drafts);
  g_assert_error (error, BP_ERROR, BP_ERROR_STORE_WRITE);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->store)), ==, 0);
  g_assert_cmpuint (changes, ==, 0);
}

static void
test_batch_writes_once (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(GPtrArray) drafts = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  g_autoptr(BpAccountStore) reloaded = NULL;
  BpSalesforceAccount *third;

  fill_conflict_store (fixture);

  g_ptr_array_add (drafts, make_account ("One", ACME_URL, FALSE, "k1"));
  g_ptr_array_add (drafts, make_account ("Two", ACME_URL, FALSE, "k2"));
  third = make_account ("Three", ACME_URL, FALSE, "k3");
  bp_account_set_is_default (BP_ACCOUNT (third), TRUE);
  g_ptr_array_add (drafts, third);

  g_assert_null (apply_batch (fixture->store, drafts));

  /* In order after the saved ones, and one default of the type. */
  reloaded = bp_account_store_new (fixture->file, fixture->secrets);
  bp_account_store_load (reloaded, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (reloaded)), ==, 5);
  for (guint i = 0; i < 5; i++)
    {
      static const char *names[] = { "Production", "UAT", "One", "Two", "Three" };
      g_autoptr(BpAccount) account = g_list_model_get_item (G_LIST_MODEL (reloaded), i);

      g_assert_cmpstr (bp_account_get_name (account), ==, names[i]);
      g_assert_cmpint (bp_account_get_is_default (account), ==, i == 4);
    }
  g_assert_false (bp_account_get_is_default (get_account (fixture->store, "Production")));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/export/holds-no-secret", test_export_holds_no_secret);
  ADD ("/export/round-trip", test_round_trip);
  ADD ("/export/read-ignores-ids-and-tokens", test_read_ignores_ids_and_tokens);
  ADD ("/export/newer-format-refused", test_newer_format_refused);
  for (guint i = 0; i < G_N_ELEMENTS (malformed_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/export/malformed/%s", malformed_cases[i].name);

      g_test_add (path, Fixture, &malformed_cases[i], fixture_set_up, test_malformed, fixture_tear_down);
    }
  ADD ("/import/conflict/skip", test_conflict_skip);
  ADD ("/import/conflict/rename", test_conflict_rename);
  ADD ("/import/conflict/replace", test_conflict_replace);
  ADD ("/import/conflict/replace-keeps-token", test_conflict_replace_keeps_token);
  ADD ("/import/conflict/names", test_conflict_names);
  ADD ("/import/invalid-account-imports-nothing", test_invalid_account_imports_nothing);
  ADD ("/import/file-with-twins-refused", test_file_with_twins_refused);
  ADD ("/store/batch/all-or-nothing", test_batch_is_all_or_nothing);
  ADD ("/store/batch/unwritable-file", test_batch_unwritable_file);
  ADD ("/store/batch/writes-once", test_batch_writes_once);
#undef ADD

  return g_test_run ();
}

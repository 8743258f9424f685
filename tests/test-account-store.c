/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-account-store"

#include "config.h"

#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "bp-account-private.h"
#include "bp-account-store-private.h"
#include "bp-error.h"
#include "bp-json.h"
#include "bp-salesforce-account.h"
#include "bp-secret-store.h"
#include "bp-test-utils.h"

#define SECRET_VALUE "c0nsumer-S3CRET-that-must-never-reach-the-file"

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
  fixture->path = g_build_filename (fixture->dir, "config", "bp-integration-accounts", "accounts.json", NULL);
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

static void
write_store_file (Fixture    *fixture,
                  const char *contents,
                  gssize      length)
{
  g_autofree char *dir = g_path_get_dirname (fixture->path);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_file_set_contents (fixture->path, contents, length, &error);
  g_assert_no_error (error);
}

/* ------------------------------------------------------------------ */
/* Waiting for the async calls                                         */

static void
loaded_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  BpTestOutcome *outcome = user_data;

  outcome->ok = bp_account_store_load_finish (BP_ACCOUNT_STORE (object), result, &outcome->error);
  outcome->done = TRUE;
}

static void
secrets_loaded_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  BpTestOutcome *outcome = user_data;

  outcome->ok = bp_account_store_load_secrets_finish (BP_ACCOUNT_STORE (object), result, &outcome->error);
  outcome->done = TRUE;
}

static gboolean
apply (BpAccountStore  *store,
       BpAccount       *draft,
       GError         **error)
{
  BpTestOutcome outcome = { 0 };

  bp_account_store_apply_async (store, draft, NULL, bp_test_applied_cb, &outcome);
  bp_test_wait_until (&outcome.done, 20000);
  if (outcome.error != NULL)
    g_propagate_error (error, outcome.error);
  return outcome.ok;
}

static gboolean
delete_account (BpAccountStore  *store,
                BpAccount       *account,
                GError         **error)
{
  BpTestOutcome outcome = { 0 };

  bp_account_store_delete_async (store, account, NULL, bp_test_deleted_cb, &outcome);
  bp_test_wait_until (&outcome.done, 20000);
  if (outcome.error != NULL)
    g_propagate_error (error, outcome.error);
  return outcome.ok;
}

static gboolean
load_async (BpAccountStore  *store,
            GError         **error)
{
  BpTestOutcome outcome = { 0 };

  bp_account_store_load_async (store, NULL, loaded_cb, &outcome);
  bp_test_wait_until (&outcome.done, 20000);
  if (outcome.error != NULL)
    g_propagate_error (error, outcome.error);
  return outcome.ok;
}

typedef struct
{
  gboolean  done;
  char     *value;
  GError   *error;
} Lookup;

static void
looked_up_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Lookup *lookup = user_data;

  lookup->value = bp_secret_store_lookup_finish (BP_SECRET_STORE (object), result, &lookup->error);
  lookup->done = TRUE;
}

/* The keyring's value, or NULL when it has none. */
static char *
keyring_lookup (BpSecretStore *secrets,
                const char    *account_id,
                const char    *kind)
{
  Lookup lookup = { 0 };

  bp_secret_store_lookup_async (secrets, account_id, kind, NULL, looked_up_cb, &lookup);
  bp_test_wait_until (&lookup.done, 20000);
  if (lookup.value == NULL)
    g_assert_error (lookup.error, BP_ERROR, BP_ERROR_SECRET_NOT_FOUND);
  g_clear_error (&lookup.error);
  return lookup.value;
}

static void
stored_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  BpTestOutcome *outcome = user_data;

  outcome->ok = bp_secret_store_store_finish (BP_SECRET_STORE (object), result, &outcome->error);
  outcome->done = TRUE;
}

static void
keyring_store (BpSecretStore *secrets,
               const char    *account_id,
               const char    *kind,
               const char    *value)
{
  BpTestOutcome outcome = { 0 };

  bp_secret_store_store_async (secrets, account_id, kind, "test item", value, NULL, stored_cb, &outcome);
  bp_test_wait_until (&outcome.done, 20000);
  g_assert_no_error (outcome.error);
  g_assert_true (outcome.ok);
}

/* ------------------------------------------------------------------ */
/* Accounts                                                            */

static char *
make_certificate_pem (void)
{
  g_autofree char *dir = bp_test_make_temp_dir ();
  g_autofree char *key = g_build_filename (dir, "key.pem", NULL);
  g_autofree char *cert = g_build_filename (dir, "cert.pem", NULL);
  const char *argv[] = {
    "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
    "-days", "365", "-subj", "/C=US/ST=CA/L=San Francisco/O=Salesforce.com/OU=00D000000000001/CN=SelfSignedCert_Test",
    NULL
  };
  g_autofree char *output = bp_test_run_command (argv);
  char *pem = bp_test_read_file (cert, NULL);

  bp_test_remove_tree (dir);
  return pem;
}

static BpSalesforceAccount *
make_account (const char *name)
{
  BpSalesforceAccount *account = bp_salesforce_account_new ();

  bp_account_set_name (BP_ACCOUNT (account), name);
  bp_salesforce_account_set_url (account, "https://acme.my.salesforce.com/");
  bp_salesforce_account_set_idp_login_url (account, "https://acme.my.salesforce.com/idp/login?app=0sp000000000001");
  return account;
}

static void
assert_same_account (BpAccount *a,
                     BpAccount *b)
{
  g_autofree GParamSpec **pspecs = NULL;
  guint n_pspecs = 0;

  g_assert_true (G_OBJECT_TYPE (a) == G_OBJECT_TYPE (b));
  pspecs = g_object_class_list_properties (G_OBJECT_GET_CLASS (a), &n_pspecs);

  for (guint i = 0; i < n_pspecs; i++)
    {
      g_auto(GValue) va = G_VALUE_INIT;
      g_auto(GValue) vb = G_VALUE_INIT;

      /* The consumer secret lives in the keyring, not in the file. */
      if (g_str_equal (pspecs[i]->name, "consumer-secret"))
        continue;

      g_value_init (&va, pspecs[i]->value_type);
      g_value_init (&vb, pspecs[i]->value_type);
      g_object_get_property (G_OBJECT (a), pspecs[i]->name, &va);
      g_object_get_property (G_OBJECT (b), pspecs[i]->name, &vb);

      if (pspecs[i]->value_type == G_TYPE_DATE_TIME)
        {
          GDateTime *da = g_value_get_boxed (&va);
          GDateTime *db = g_value_get_boxed (&vb);

          g_assert_true ((da == NULL) == (db == NULL));
          if (da != NULL)
            g_assert_cmpint (g_date_time_to_unix (da), ==, g_date_time_to_unix (db));
        }
      else if (g_param_values_cmp (pspecs[i], &va, &vb) != 0)
        {
          g_autofree char *sa = g_strdup_value_contents (&va);
          g_autofree char *sb = g_strdup_value_contents (&vb);

          g_error ("property %s differs: %s != %s", pspecs[i]->name, sa, sb);
        }
    }
}

static char *
store_bytes (Fixture *fixture,
             gsize   *length)
{
  return bp_test_read_file (fixture->path, length);
}

/* ------------------------------------------------------------------ */
/* Tests                                                               */

static void
test_missing_file_is_empty (Fixture       *fixture,
                            gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (load_async (fixture->store, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->store)), ==, 0);
  /* Loading does not create anything. */
  g_assert_false (g_file_test (fixture->path, G_FILE_TEST_EXISTS));
}

typedef struct
{
  guint    n_notified;
  guint    n_changes;           /* items-changed signals */
  guint    n_changes_then;      /* when "loaded" was said */
  gboolean was_loaded_then;     /* when the accounts were added */
} LoadedWatch;

static void
loaded_notified_cb (BpAccountStore *store,
                    GParamSpec     *pspec,
                    LoadedWatch    *watch)
{
  watch->n_notified++;
  watch->n_changes_then = watch->n_changes;
}

static void
loaded_items_changed_cb (BpAccountStore *store,
                         guint           position,
                         guint           removed,
                         guint           added,
                         LoadedWatch    *watch)
{
  watch->n_changes++;
  watch->was_loaded_then = bp_account_store_get_loaded (store);
}

/* A view tells an empty store from one not read yet by "loaded": false until
 * a load ends, said once, after the accounts read are in the store, and
 * true also when the file could not be read. */
static void
test_loaded (Fixture       *fixture,
             gconstpointer  user_data)
{
  static const char one_account[] =
    "{\"version\": 1, \"accounts\": [{\"id\": \"0b7b1b0e-8a3e-4a53-9d6c-57023e000009\","
    " \"type\": \"salesforce\", \"name\": \"Production\"}]}";
  LoadedWatch watch = { 0, };
  g_autoptr(GError) error = NULL;

  g_assert_false (bp_account_store_get_loaded (fixture->store));
  g_signal_connect (fixture->store, "notify::loaded", G_CALLBACK (loaded_notified_cb), &watch);
  g_signal_connect (fixture->store, "items-changed", G_CALLBACK (loaded_items_changed_cb), &watch);

  write_store_file (fixture, one_account, -1);
  g_assert_true (load_async (fixture->store, &error));
  g_assert_no_error (error);
  g_assert_true (bp_account_store_get_loaded (fixture->store));
  g_assert_cmpuint (watch.n_notified, ==, 1);
  /* Whoever gets the accounts sees the store loaded; whoever waits for the
   * load finds the accounts there. */
  g_assert_cmpuint (watch.n_changes, ==, 1);
  g_assert_true (watch.was_loaded_then);
  g_assert_cmpuint (watch.n_changes_then, ==, 1);

  /* Loaded again: nothing more to say. */
  g_assert_true (load_async (fixture->store, &error));
  g_assert_cmpuint (watch.n_notified, ==, 1);

  /* A file that cannot be read ends the load too. */
  {
    g_autoptr(BpAccountStore) store = bp_account_store_new (fixture->file, fixture->secrets);

    write_store_file (fixture, "{ not json", -1);
    g_assert_false (load_async (store, &error));
    g_assert_error (error, BP_ERROR, BP_ERROR_STORE_CORRUPT);
    g_assert_true (bp_account_store_get_loaded (store));
  }
}

static void
test_round_trip (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_autoptr(BpSalesforceAccount) draft = make_account ("Production");
  g_autoptr(BpAccountStore) reloaded = NULL;
  g_autoptr(BpAccount) saved = NULL;
  g_autoptr(BpAccount) loaded = NULL;
  g_autoptr(GDateTime) issued = g_date_time_new_utc (2026, 11, 2, 9, 30, 15);
  g_autoptr(GError) error = NULL;
  g_autofree char *pem = make_certificate_pem ();
  g_autofree char *secret = NULL;
  g_autofree char *bytes = NULL;
  gsize length = 0;

  if (!bp_test_require_keyring ())
    return;

  bp_account_set_is_default (BP_ACCOUNT (draft), TRUE);
  bp_salesforce_account_set_sandbox (draft, TRUE);
  bp_salesforce_account_set_url (draft, "https://acme--uat.sandbox.my.salesforce.com/");
  bp_salesforce_account_set_consumer_key (draft, "3MVG9consumer.key_with.dots");
  bp_salesforce_account_set_consumer_secret (draft, SECRET_VALUE);
  bp_salesforce_account_set_token_state (draft, BP_TOKEN_STATE_VALID);
  bp_salesforce_account_set_token_issued_at (draft, issued);
  bp_salesforce_account_set_authorized_user (draft, "admin@acme.example");
  bp_salesforce_account_set_idp_certificate (draft, pem);
  bp_salesforce_account_set_idp_login_url (draft, "https://acme--uat.sandbox.my.salesforce.com/idp/login?app=0sp1");

  g_assert_true (apply (fixture->store, BP_ACCOUNT (draft), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->store)), ==, 1);

  /* The store holds its own copy, with the draft's values. */
  saved = g_list_model_get_item (G_LIST_MODEL (fixture->store), 0);
  g_assert_true (saved != BP_ACCOUNT (draft));
  assert_same_account (saved, BP_ACCOUNT (draft));

  /* A second store reads the same values from the file... */
  reloaded = bp_account_store_new (fixture->file, fixture->secrets);
  g_assert_true (bp_account_store_load (reloaded, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (reloaded)), ==, 1);
  loaded = g_list_model_get_item (G_LIST_MODEL (reloaded), 0);
  assert_same_account (loaded, BP_ACCOUNT (draft));

  /* ...without the secret, which only the keyring has. */
  g_assert_false (bp_account_is_secret_known (loaded, BP_SECRET_KIND_CONSUMER_SECRET));
  bytes = store_bytes (fixture, &length);
  bp_test_assert_no_substring (bytes, length, SECRET_VALUE);
  secret = keyring_lookup (fixture->secrets, bp_account_get_id (loaded), BP_SECRET_KIND_CONSUMER_SECRET);
  g_assert_cmpstr (secret, ==, SECRET_VALUE);

  /* Loading the account's secrets brings it back into memory. */
  {
    BpTestOutcome outcome = { 0 };

    bp_account_store_load_secrets_async (reloaded, loaded, NULL, secrets_loaded_cb, &outcome);
    bp_test_wait_until (&outcome.done, 20000);
    g_assert_no_error (outcome.error);
    g_assert_cmpstr (bp_salesforce_account_get_consumer_secret (BP_SALESFORCE_ACCOUNT (loaded)), ==, SECRET_VALUE);
  }
}

static void
test_file_modes (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_autoptr(BpSalesforceAccount) draft = make_account ("Modes");
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (fixture->path);
  GStatBuf st;

  /* A directory someone made with a loose mode is tightened. */
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_assert_cmpint (g_chmod (dir, 0755), ==, 0);

  g_assert_true (apply (fixture->store, BP_ACCOUNT (draft), &error));
  g_assert_no_error (error);

  g_assert_cmpint (g_stat (fixture->path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
}

static void
test_unknown_fields_kept (Fixture       *fixture,
                          gconstpointer  user_data)
{
  const char *contents =
    "{\n"
    "  \"version\": 1,\n"
    "  \"written-by\": {\"app\": \"a newer version\", \"build\": 42},\n"
    "  \"accounts\": [\n"
    "    {\"id\": \"0b7b1b0e-8a3e-4a53-9d6c-57023e000001\", \"type\": \"salesforce\", \"name\": \"Prod\",\n"
    "     \"default\": false, \"url\": \"https://acme.my.salesforce.com/\", \"sandbox\": false,\n"
    "     \"idp-login-url\": \"/\", \"future-field\": [1, 2, 3], \"token-state\": \"none\"}\n"
    "  ]\n"
    "}\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(BpAccount) saved = NULL;
  g_autoptr(BpAccount) draft = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *bytes = NULL;
  JsonObject *root;
  JsonObject *account;

  write_store_file (fixture, contents, -1);
  g_assert_true (bp_account_store_load (fixture->store, &error));
  g_assert_no_error (error);

  saved = g_list_model_get_item (G_LIST_MODEL (fixture->store), 0);
  draft = bp_account_copy (saved);
  bp_account_set_name (draft, "Production");
  g_assert_true (apply (fixture->store, draft, &error));
  g_assert_no_error (error);

  bytes = store_bytes (fixture, NULL);
  json_parser_load_from_data (parser, bytes, -1, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_true (json_object_has_member (root, "written-by"));
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (root, "written-by"), "build"), ==, 42);
  account = json_array_get_object_element (json_object_get_array_member (root, "accounts"), 0);
  g_assert_cmpstr (json_object_get_string_member (account, "name"), ==, "Production");
  g_assert_true (json_object_has_member (account, "future-field"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (account, "future-field")), ==, 3);
}

/* The usual file is read an account at a time (docs/performance.md): text
 * that looks like structure inside strings, escapes, members before and
 * after the list and odd white space must read exactly as JSON says. */
static void
test_load_tricky_text (Fixture       *fixture,
                       gconstpointer  user_data)
{
  static const char * const files[] = {
    "\t{\"note\": \"] } [ { \\\" ,\", \"version\" : 1 ,\r\n"
    " \"accounts\":\t[ {\"id\": \"0b7b1b0e-8a3e-4a53-9d6c-57023e000001\", \"type\": \"salesforce\","
    " \"name\": \"Braces } ] and \\\"quotes\\\" \\\\ \\u00e9\", \"idp-login-url\": \"/\","
    " \"future\": {\"list\": [1, [2, {\"x\": \"]\"}], -1.5e3, true, null]}} ,\n"
    " {\"id\": \"0b7b1b0e-8a3e-4a53-9d6c-57023e000002\", \"type\": \"salesforce\", \"name\": \"{Second}\","
    " \"idp-login-url\": \"/\"}\r\n ] , \"after\": [false, {}], \"n\": 0 }\n",
    /* An escaped key is still "accounts". */
    "{\"version\": 1, \"acc\\u006funts\": [{\"id\": \"0b7b1b0e-8a3e-4a53-9d6c-57023e000001\", \"type\": \"salesforce\","
    " \"name\": \"Braces } ] and \\\"quotes\\\" \\\\ \\u00e9\", \"idp-login-url\": \"/\"},"
    " {\"id\": \"0b7b1b0e-8a3e-4a53-9d6c-57023e000002\", \"type\": \"salesforce\", \"name\": \"{Second}\","
    " \"idp-login-url\": \"/\"}]}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autoptr(BpAccountStore) store = bp_account_store_new (fixture->file, fixture->secrets);
      g_autoptr(GError) error = NULL;
      g_autoptr(BpAccount) first = NULL;
      g_autoptr(BpAccount) second = NULL;

      write_store_file (fixture, files[i], -1);
      g_assert_true (bp_account_store_load (store, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 2);

      first = g_list_model_get_item (G_LIST_MODEL (store), 0);
      second = g_list_model_get_item (G_LIST_MODEL (store), 1);
      g_assert_cmpstr (bp_account_get_name (first), ==, "Braces } ] and \"quotes\" \\ é");
      g_assert_cmpstr (bp_account_get_name (second), ==, "{Second}");
    }
}

/* What the store's reader makes of one account's object as a node, or NULL
 * when it leaves the text to json-glib. */
static JsonNode *
read_flat_object (const char *start,
                  const char *end)
{
  g_autoptr(BpJsonMembers) members = bp_json_members_new ();
  g_autoptr(JsonObject) object = NULL;

  if (!bp_json_members_read_flat (members, start, end))
    return NULL;

  object = bp_json_members_to_object (members);
  return json_node_init_object (json_node_alloc (), object);
}

/* The account made from what the store's reader read must be the one made
 * from json-glib's object: the same members written back, or the same
 * error. */
static void
assert_read_like_json_glib (const char *text,
                            JsonObject *glib_object)
{
  g_autoptr(BpJsonMembers) members = bp_json_members_new ();
  g_autoptr(GError) flat_error = NULL;
  g_autoptr(GError) glib_error = NULL;
  g_autoptr(BpAccount) from_flat = NULL;
  g_autoptr(BpAccount) from_glib = NULL;

  g_assert_true (bp_json_members_read_flat (members, text, text + strlen (text)));
  from_flat = bp_account_new_from_members (members, &flat_error);
  from_glib = bp_account_new_from_json (glib_object, &glib_error);

  g_assert_cmpstr (flat_error != NULL ? flat_error->message : NULL, ==,
                   glib_error != NULL ? glib_error->message : NULL);
  g_assert_true ((from_flat == NULL) == (from_glib == NULL));
  if (from_flat != NULL)
    {
      g_autoptr(JsonObject) flat_object = bp_account_to_json (from_flat);
      g_autoptr(JsonObject) glib_written = bp_account_to_json (from_glib);
      g_autoptr(JsonNode) flat_node = json_node_init_object (json_node_alloc (), flat_object);
      g_autoptr(JsonNode) glib_node = json_node_init_object (json_node_alloc (), glib_written);
      g_autofree char *flat_text = json_to_string (flat_node, FALSE);
      g_autofree char *glib_text = json_to_string (glib_node, FALSE);

      g_assert_cmpstr (flat_text, ==, glib_text);
    }
}

/* The loader reads flat account objects without json-glib: what it accepts
 * must be exactly what json-glib makes of it, through bp_json_parser_load()
 * and its stricter rules, which the loader applies to every other account;
 * what it is not sure about must be left to json-glib (NULL), never read
 * differently. */
static void
test_flat_object_like_json_glib (void)
{
  static const struct { const char *text; gboolean is_flat; } cases[] = {
    /* Read fast: what this version writes, and plain variations of it. */
    { "{}", TRUE },
    { " {\n  \"id\" : \"a\",\r\n\t\"default\" : true, \"sandbox\": false, \"x\": null } ", TRUE },
    { "{\"name\": \"Quotes \\\" back\\\\slash \\/ \\b\\f\\n\\r\\t end\"}", TRUE },
    { "{\"name\": \"UTF-8 \xc3\xa9\xe2\x82\xac \xf0\x9f\x98\x80\", \"empty\": \"\"}", TRUE },
    { "{\"n\": 0, \"m\": -17, \"big\": 123456789012345678, \"neg\": -0}", TRUE },
    { "{\"idp-certificate\": \"-----BEGIN CERTIFICATE-----\\nMIID\\n-----END CERTIFICATE-----\\n\"}", TRUE },
    { "{\"a\":\"}\",\"b\":\"{[\",\"c\":\",:\"}", TRUE },
    /* Left to json-glib. */
    { "{\"name\": \"\\u00e9\"}", FALSE },
    { "{\"na\\u006de\": \"x\"}", FALSE },
    { "{\"name\": \"x\", \"name\": \"y\"}", FALSE },
    { "{\"\": \"x\"}", FALSE },
    { "{\"n\": 1.5}", FALSE },
    { "{\"n\": 1e3}", FALSE },
    { "{\"n\": 01}", FALSE },
    { "{\"n\": 1234567890123456789}", FALSE },
    /* Digits enough to overflow a gint64 while it was read (found by
     * fuzz-account-store; UBSan in build-aux/test --asan and build-aux/fuzz). */
    { "{\"n\": 99999999999999999999}", FALSE },
    { "{\"n\": -999999999999999999999999999999999999999999}", FALSE },
    { "{\"n\": +1}", FALSE },
    { "{\"n\": -}", FALSE },
    { "{\"o\": {}}", FALSE },
    { "{\"a\": [1, 2]}", FALSE },
    { "{\"a\": 1,}", FALSE },
    { "{\"a\" 1}", FALSE },
    { "{\"a\": 1 \"b\": 2}", FALSE },
    { "{\"a\": tru}", FALSE },
    { "{\"a\": True}", FALSE },
    { "{\"a\": truex}", FALSE },
    { "{\"a\": \"raw\nnewline\"}", FALSE },
    { "{\"a\": \"tab\tinside\"}", FALSE },
    { "{\"a\": \"\\x\"}", FALSE },
    { "{\"a\": \"unterminated}", FALSE },
    { "{\"a\": 1} {", FALSE },
    { "{\"a\": 1}}", FALSE },
    { "{\f\"a\": 1}", FALSE },
    { "{/* c */ \"a\": 1}", FALSE },
    { "[1]", FALSE },
    { "{", FALSE },
    { "", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *text = cases[i].text;
      g_autoptr(JsonNode) flat = read_flat_object (text, text + strlen (text));

      g_test_message ("case %u: %s", i, text);
      if (!cases[i].is_flat)
        {
          g_assert_null (flat);
          continue;
        }

      {
        g_autoptr(JsonParser) parser = json_parser_new_immutable ();
        g_autoptr(GError) error = NULL;
        g_autofree char *flat_text = NULL;
        g_autofree char *glib_text = NULL;

        g_assert_nonnull (flat);
        g_assert_true (bp_json_parser_load (parser, text, -1, &error));
        g_assert_no_error (error);
        g_assert_true (json_node_equal (flat, json_parser_get_root (parser)));

        /* json_node_equal() does not tell an int from a double of the same
         * value, nor member order: the printed documents do. */
        flat_text = json_to_string (flat, FALSE);
        glib_text = json_to_string (json_parser_get_root (parser), FALSE);
        g_assert_cmpstr (flat_text, ==, glib_text);
      }
    }
}

/* A large store is read in two halves at once (bp-account-store-file.c):
 * the accounts keep the file's order, an account the second half cannot
 * read, an id both halves hold, or a comment in an account of the second
 * half (JSON has none: bp_json_parser_load()), fails the whole file as
 * before. */
static char *
many_accounts (guint       n,
               int         broken,
               const char *duplicate_id_of_first)
{
  GString *text = g_string_new ("{\"version\": 1, \"accounts\": [");

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *id = g_strdup_printf ("0b7b1b0e-8a3e-4a53-9d6c-%012x", i);

      if (duplicate_id_of_first != NULL && i == n - 1)
        {
          g_free (id);
          id = g_strdup (duplicate_id_of_first);
        }
      g_string_append_printf (text, "%s{\"id\": \"%s\", \"type\": \"salesforce\", \"name\": \"Tenant \\\"%05u\\\"\","
                                    " \"default\": false, \"idp-login-url\": \"/\", \"sandbox\": %s}",
                              i > 0 ? ",\n" : "", id, i, (int) i == broken ? "\"yes\"" : "false");
    }
  g_string_append (text, "]}");

  return g_string_free (text, FALSE);
}

static void
test_load_many (Fixture       *fixture,
                gconstpointer  user_data)
{
  const guint n = 1500;
  g_autofree char *text = many_accounts (n, -1, NULL);
  g_autoptr(GError) error = NULL;

  write_store_file (fixture, text, -1);
  g_assert_true (load_async (fixture->store, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->store)), ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BpAccount) account = g_list_model_get_item (G_LIST_MODEL (fixture->store), i);
      g_autofree char *name = g_strdup_printf ("Tenant \"%05u\"", i);
      g_autofree char *id = g_strdup_printf ("0b7b1b0e-8a3e-4a53-9d6c-%012x", i);

      g_assert_cmpstr (bp_account_get_name (account), ==, name);
      g_assert_cmpstr (bp_account_get_id (account), ==, id);
    }
}

static void
test_load_many_broken (Fixture       *fixture,
                       gconstpointer  user_data)
{
  /* In the second half; then an id of the first half again in the second. */
  g_autofree char *broken = many_accounts (1500, 1400, NULL);
  g_autofree char *duplicate = many_accounts (1500, -1, "0b7b1b0e-8a3e-4a53-9d6c-000000000001");
  g_autofree char *plain = many_accounts (1500, -1, NULL);
  g_autoptr(GString) commented = g_string_new (plain);
  const char *name = "\"Tenant \\\"01400\\\"\",";
  const char *at = strstr (commented->str, name);
  const char *texts[3] = { broken, duplicate, NULL };

  g_assert_nonnull (at);
  g_string_insert (commented, at - commented->str + strlen (name), " /* a comment */");
  texts[2] = commented->str;

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(BpAccountStore) store = bp_account_store_new (fixture->file, fixture->secrets);
      g_autoptr(GError) error = NULL;

      write_store_file (fixture, texts[i], -1);
      g_assert_false (load_async (store, &error));
      g_assert_error (error, BP_ERROR, BP_ERROR_STORE_CORRUPT);
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 0);
    }
}

/* Random damage to a real account's object (g_test_rand: run with --seed to
 * repeat one): whatever the fast reader accepts, json-glib must read to the
 * same node, under bp_json_parser_load()'s rules (no comments, nothing after
 * the object); everything else is left to json-glib. */
static void
test_flat_object_mutations (void)
{
  static const char account[] =
    "{\n  \"id\" : \"9c84e4e4-3660-46e6-bbe9-edfce3f862e3\",\n  \"type\" : \"salesforce\",\n"
    "  \"name\" : \"Pied Piper Foods \\\"Service\\\" Cloud (DACH) #00001\",\n  \"default\" : true,\n"
    "  \"url\" : \"https:\\/\\/pied-piper-foods-1--uat.sandbox.my.salesforce.com/\",\n  \"sandbox\" : false,\n"
    "  \"n\" : -42,\n  \"x\" : null,\n"
    "  \"idp-certificate\" : \"-----BEGIN CERTIFICATE-----\\nMIIDszCCApugAwIBAgIJcfIysAi3fVLC\\n-----END CERTIFICATE-----\\n\"\n}";
  static const char interesting[] = "{}[]\",:\\/ \t\n\r-0123456789.eEtrufalsn\x01\x7f\xc3\xa9u";
  guint n_read = 0;
  guint n_accounts = 0;

  for (guint i = 0; i < 3000; i++)
    {
      g_autoptr(GString) text = g_string_new (account);
      guint n_changes = 1 + g_test_rand_int_range (0, 4);
      g_autoptr(JsonNode) flat = NULL;

      for (guint j = 0; j < n_changes; j++)
        {
          guint at = g_test_rand_int_range (0, text->len);
          char c = interesting[g_test_rand_int_range (0, sizeof interesting - 1)];

          switch (g_test_rand_int_range (0, 3))
            {
            case 0: text->str[at] = c; break;
            case 1: g_string_erase (text, at, 1); break;
            default: g_string_insert_c (text, at, c); break;
            }
        }

      flat = read_flat_object (text->str, text->str + text->len);
      if (flat != NULL)
        {
          g_autoptr(JsonParser) parser = json_parser_new_immutable ();
          g_autoptr(BpAccount) read = NULL;
          g_autofree char *flat_text = NULL;
          g_autofree char *glib_text = NULL;

          if (!g_utf8_validate (text->str, text->len, NULL))
            continue;   /* the loader never passes text that is not UTF-8 */
          if (!bp_json_parser_load (parser, text->str, text->len, NULL))
            g_error ("read what bp_json_parser_load() refuses: %s", text->str);
          flat_text = json_to_string (flat, FALSE);
          glib_text = json_to_string (json_parser_get_root (parser), FALSE);
          g_assert_cmpstr (flat_text, ==, glib_text);
          assert_read_like_json_glib (text->str, json_node_get_object (json_parser_get_root (parser)));
          read = bp_account_new_from_json (json_node_get_object (json_parser_get_root (parser)), NULL);
          if (read != NULL)
            n_accounts++;
          n_read++;
        }
    }

  /* Most single changes land inside a string: the fast path is exercised. */
  g_test_message ("%u of 3000 damaged objects read without json-glib, %u of them accounts", n_read, n_accounts);
  g_assert_cmpuint (n_read, >, 300);
  g_assert_cmpuint (n_accounts, >, 100);
}

/* The reader looks at plain string text eight bytes at a time: a quote, a
 * backslash or a control character must end the run wherever it falls in
 * those eight bytes, and UTF-8 bytes never may. */
static void
test_flat_object_run_ends (void)
{
  static const struct { const char *insert; gboolean is_flat; } inserts[] = {
    { "\\\"", TRUE }, { "\\\\", TRUE }, { "\\n", TRUE }, { "\xc3\xa9", TRUE }, { "\x7f", TRUE },
    /* Left to json-glib: control characters (which it takes) and a quote
     * that ends the string early (which it does not). */
    { "\x01", FALSE }, { "\x1f", FALSE }, { "\"", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (inserts); i++)
    {
      for (guint at = 0; at < 24; at++)
        {
          g_autoptr(GString) text = g_string_new ("{\"name\": \"");
          g_autoptr(JsonParser) parser = json_parser_new_immutable ();
          g_autoptr(JsonNode) flat = NULL;

          for (guint j = 0; j < 24; j++)
            {
              if (j == at)
                g_string_append (text, inserts[i].insert);
              g_string_append_c (text, 'a' + j);
            }
          g_string_append (text, "\"}");

          g_test_message ("insert %u at %u: %s", i, at, text->str);
          flat = read_flat_object (text->str, text->str + text->len);
          if (!inserts[i].is_flat)
            {
              g_assert_null (flat);
              continue;
            }
          g_assert_nonnull (flat);
          g_assert_true (bp_json_parser_load (parser, text->str, text->len, NULL));
          g_assert_true (json_node_equal (flat, json_parser_get_root (parser)));
        }
    }
}

/* A store without accounts, read from bytes as the fuzz target does: the
 * usual shape, so the fast reader takes it, with nothing for its threads to
 * read. It once computed the accounts' ranges from the empty array's NULL
 * data (UBSan: "applying zero offset to null pointer", found by
 * fuzz-account-store; clang's UBSan in build-aux/fuzz sees it). */
static void
test_contents_without_accounts (void)
{
  static const char * const texts[] = {
    "{\"version\": 1, \"accounts\": []}\n",
    "{ \"version\" : 1 , \"accounts\" : [ \r\n ] , \"written-by\" : {\"build\": 7} }",
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(BpStoreContents) contents = NULL;
      g_autofree char *reason = NULL;

      g_test_message ("text %u: %s", i, texts[i]);
      contents = bp_store_contents_new_from_data (g_strdup (texts[i]), strlen (texts[i]), &reason);
      g_assert_null (reason);
      g_assert_nonnull (contents);
      g_assert_cmpint (contents->version, ==, 1);
      g_assert_cmpuint (contents->accounts->len, ==, 0);
      g_assert_null (contents->read_only_error);
      g_assert_false (json_object_has_member (contents->root, "accounts"));
      g_assert_true (json_object_has_member (contents->root, "version"));
      g_assert_cmpint (json_object_has_member (contents->root, "written-by"), ==, i == 1);
    }
}

static void
test_one_default_per_type (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_autoptr(BpSalesforceAccount) a = make_account ("A");
  g_autoptr(BpSalesforceAccount) b = make_account ("B");
  g_autoptr(BpAccountStore) reloaded = NULL;
  g_autoptr(GError) error = NULL;
  BpAccount *saved_a;
  BpAccount *saved_b;

  bp_account_set_is_default (BP_ACCOUNT (a), TRUE);
  g_assert_true (apply (fixture->store, BP_ACCOUNT (a), &error));
  g_assert_no_error (error);

  bp_account_set_is_default (BP_ACCOUNT (b), TRUE);
  g_assert_true (apply (fixture->store, BP_ACCOUNT (b), &error));
  g_assert_no_error (error);

  saved_a = bp_account_store_find_by_name (fixture->store, "A");
  saved_b = bp_account_store_find_by_name (fixture->store, "B");
  g_assert_false (bp_account_get_is_default (saved_a));
  g_assert_true (bp_account_get_is_default (saved_b));
  g_assert_true (bp_account_store_find_default (fixture->store, BP_TYPE_SALESFORCE_ACCOUNT) == saved_b);

  /* The same in the file: the change was one save. */
  reloaded = bp_account_store_new (fixture->file, fixture->secrets);
  g_assert_true (bp_account_store_load (reloaded, &error));
  g_assert_false (bp_account_get_is_default (bp_account_store_find_by_name (reloaded, "A")));
  g_assert_true (bp_account_get_is_default (bp_account_store_find_by_name (reloaded, "B")));
}

static void
test_two_defaults_in_file (Fixture       *fixture,
                           gconstpointer  user_data)
{
  const char *contents =
    "{\"version\": 1, \"accounts\": ["
    "{\"id\": \"0b7b1b0e-8a3e-4a53-9d6c-57023e000001\", \"type\": \"salesforce\", \"name\": \"One\", \"default\": true,"
    " \"idp-login-url\": \"/\"},"
    "{\"id\": \"0b7b1b0e-8a3e-4a53-9d6c-57023e000002\", \"type\": \"salesforce\", \"name\": \"Two\", \"default\": true,"
    " \"idp-login-url\": \"/\"}]}";
  g_autoptr(GError) error = NULL;

  write_store_file (fixture, contents, -1);
  g_assert_true (bp_account_store_load (fixture->store, &error));
  g_assert_no_error (error);
  g_assert_true (bp_account_get_is_default (bp_account_store_find_by_name (fixture->store, "One")));
  g_assert_false (bp_account_get_is_default (bp_account_store_find_by_name (fixture->store, "Two")));
}

static void
test_unique_names (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(BpSalesforceAccount) first = make_account ("Production");
  g_autoptr(BpSalesforceAccount) second = make_account ("  PRODUCTION ");
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  g_assert_true (apply (fixture->store, BP_ACCOUNT (first), &error));
  g_assert_no_error (error);
  before = store_bytes (fixture, NULL);

  g_assert_false (apply (fixture->store, BP_ACCOUNT (second), &error));
  g_assert_error (error, BP_ERROR, BP_ERROR_INVALID);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->store)), ==, 1);
  after = store_bytes (fixture, NULL);
  g_assert_cmpstr (before, ==, after);

  /* The account itself may keep its name when saved again. */
  {
    g_autoptr(BpAccount) saved = g_list_model_get_item (G_LIST_MODEL (fixture->store), 0);
    g_autoptr(BpAccount) draft = bp_account_copy (saved);

    g_clear_error (&error);
    bp_account_set_name (draft, "production");
    g_assert_true (apply (fixture->store, draft, &error));
    g_assert_no_error (error);
    g_assert_cmpstr (bp_account_get_name (saved), ==, "production");
  }

  {
    g_autofree char *name = bp_account_store_make_unique_name (fixture->store, "Production");
    g_autofree char *free_name = bp_account_store_make_unique_name (fixture->store, "Staging");

    g_assert_cmpstr (name, ==, "Production 2");
    g_assert_cmpstr (free_name, ==, "Staging");
  }
}

typedef struct
{
  const char *name;
  const char *contents;
  gssize      length;      /* -1: strlen; -2: a sparse file over the size limit */
  const char *reason;      /* what the message must say, when it matters */
} CorruptCase;

static const CorruptCase corrupt_cases[] = {
  { "empty", "", 0 },
  { "truncated", "{\"version\": 1, \"accounts\": [{\"id\": \"0b7b1b0e-8a3e-4a53-9d6c", -1 },
  { "not-json", "name=Production\nurl=https://acme.my.salesforce.com/\n", -1 },
  { "array-at-top", "[{\"version\": 1}]", -1 },
  { "no-version", "{\"accounts\": []}", -1 },
  { "accounts-not-array", "{\"version\": 1, \"accounts\": {}}", -1 },
  { "account-not-object", "{\"version\": 1, \"accounts\": [\"Production\"]}", -1 },
  { "name-is-number", "{\"version\": 1, \"accounts\": [{\"id\": \"0b7b1b0e-8a3e-4a53-9d6c-57023e000001\", "
                      "\"type\": \"salesforce\", \"name\": 42, \"idp-login-url\": \"/\"}]}", -1 },
  { "sandbox-is-string", "{\"version\": 1, \"accounts\": [{\"id\": \"0b7b1b0e-8a3e-4a53-9d6c-57023e000001\", "
                         "\"type\": \"salesforce\", \"name\": \"P\", \"sandbox\": \"yes\"}]}", -1 },
  { "unknown-type", "{\"version\": 1, \"accounts\": [{\"id\": \"0b7b1b0e-8a3e-4a53-9d6c-57023e000001\", "
                    "\"type\": \"no-such-type\", \"name\": \"P\"}]}", -1 },
  { "duplicate-ids", "{\"version\": 1, \"accounts\": ["
                     "{\"id\": \"0b7b1b0e-8a3e-4a53-9d6c-57023e000001\", \"type\": \"salesforce\", \"name\": \"A\"},"
                     "{\"id\": \"0b7b1b0e-8a3e-4a53-9d6c-57023e000001\", \"type\": \"salesforce\", \"name\": \"B\"}]}", -1 },
  { "binary", "\x89PNG\r\n\x1a\n\xff\xfe", 10, "it is not text" },
  { "nul-byte", "{\"version\": 1, \"accounts\": [], \"x\": \"abc\x00""def\"}", 46, "it is not text" },
  { "overlong-utf8", "{\"version\": 1, \"accounts\": [], \"x\": \"abc\xc0""\xaf""def\"}", 47, "it is not text" },
  { "lone-continuation-byte", "{\"version\": 1, \"accounts\": [], \"x\": \"abcdefgh\x80""\"}", 48, "it is not text" },
  { "truncated-utf8", "{\"version\": 1, \"accounts\": [], \"x\": \"\xc3""\xa9""\xe2""\x82""", 41, "it is not text" },
  { "utf8-surrogate", "{\"version\": 1, \"accounts\": [], \"x\": \"\xed""\xa0""\x80""\"}", 42, "it is not text" },
  /* A backslash as the very last byte: the scanner read past the end (found by
   * fuzz-account-store; ASan and valgrind see it, build-aux/test --asan). */
  { "backslash-at-end", "{\"version\": 1, \"accounts\": [{\"id\": \"a\\", -1 },
  /* A comment: json-glib takes it, JSON has none, and it can hide a bracket from the scanner. */
  { "comment", "{\"version\": 1, /* } */ \"accounts\": []}", -1 },
  /* A high surrogate escape followed by an escape that is not its low half:
   * json-glib 1.6 leaks on it (found by fuzz-account-store). */
  { "surrogate-then-escape", "{\"version\": 1, \"accounts\": [{\"id\": \"a\", \"type\": \"salesforce\", "
                             "\"name\": \"\\uD800\\u0041\"}]}", -1 },
  { "low-surrogate-alone", "{\"version\": 1, \"accounts\": [{\"id\": \"a\", \"type\": \"salesforce\", "
                           "\"name\": \"\\udccc\\udacc\"}]}", -1 },
  /* White space alone: json-glib gives a document without a root (found by fuzz-account-store). */
  { "white-space-only", " \r\n\t ", -1 },
  /* Two documents: json-glib would read the first and leak the second (found by tests/fuzz). */
  { "two-documents", "{\"version\": 1, \"accounts\": []} {\"version\": 1, \"accounts\": []}", -1 },
  /* json-glib decodes a lone \ud9a0 to bytes that are not UTF-8 (found by fuzz-account-store). */
  { "name-not-text", "{\"version\": 1, \"accounts\": [{\"id\": \"0b7b1b0e-8a3e-4a53-9d6c-57023e000001\", "
                     "\"type\": \"salesforce\", \"name\": \"Acme \\ud9a001\"}]}", -1 },
  /* json-glib quotes the \udefa as bytes that are not UTF-8 (found by fuzz-account-store). */
  { "surrogate-in-error", "{\"version\": 1, \"acc\\udefa0{\n  \"version\" : 106f\"s,al", -1 },
  /* The usual shape, read an account at a time: an account the fast reader
   * leaves to json-glib is held to the same rules as the whole document. */
  { "comment-in-account", "{\"version\": 1, \"accounts\": [{\"id\": \"0b7b1b0e-8a3e-4a53-9d6c-57023e000001\", "
                          "/* a comment */ \"type\": \"salesforce\", \"name\": \"P\", \"idp-login-url\": \"/\"}]}", -1,
                          "it is not valid JSON" },
  { "text-after-store", "{\"version\": 1, \"accounts\": [{\"id\": \"0b7b1b0e-8a3e-4a53-9d6c-57023e000001\", "
                        "\"type\": \"salesforce\", \"name\": \"P\", \"idp-login-url\": \"/\"}]}\n// end\n", -1,
                        "more text follows the end of the JSON value" },
  { "huge", NULL, -2 },
};

static void
test_corrupt_file (Fixture       *fixture,
                   gconstpointer  user_data)
{
  const CorruptCase *c = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autofree char *dirname = g_path_get_dirname (fixture->path);
  g_autofree char *moved = NULL;
  const char *entry;
  gsize moved_length = 0;

  if (c->length == -2)
    {
      int fd;

      write_store_file (fixture, "{", 1);
      fd = g_open (fixture->path, O_WRONLY, 0);
      g_assert_cmpint (fd, >=, 0);
      /* Sparse: the size is what counts, not the bytes. */
      g_assert_cmpint (ftruncate (fd, (off_t) 65 * 1024 * 1024), ==, 0);
      close (fd);
    }
  else
    write_store_file (fixture, c->contents, c->length);

  g_assert_false (load_async (fixture->store, &error));
  g_assert_error (error, BP_ERROR, BP_ERROR_STORE_CORRUPT);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->store)), ==, 0);

  /* Moved aside, never overwritten, and the message names the new file. */
  g_assert_false (g_file_test (fixture->path, G_FILE_TEST_EXISTS));
  dir = g_dir_open (dirname, 0, NULL);
  while ((entry = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (entry, "accounts.json.corrupt-"))
      moved = g_build_filename (dirname, entry, NULL);
  g_assert_nonnull (moved);
  g_assert_nonnull (strstr (error->message, moved));
  /* The message goes into a label. */
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  if (c->reason != NULL)
    g_assert_nonnull (strstr (error->message, c->reason));

  if (c->length != -2)
    {
      g_autofree char *bytes = bp_test_read_file (moved, &moved_length);

      g_assert_cmpmem (bytes, moved_length, c->contents, c->length >= 0 ? (gsize) c->length : strlen (c->contents));
    }

  /* The store is usable afterwards, and a save starts a new file. */
  {
    g_autoptr(BpSalesforceAccount) draft = make_account ("After");

    g_clear_error (&error);
    g_assert_true (apply (fixture->store, BP_ACCOUNT (draft), &error));
    g_assert_no_error (error);
    g_assert_true (g_file_test (moved, G_FILE_TEST_EXISTS));
  }
}

static void
test_newer_format_is_not_overwritten (Fixture       *fixture,
                                      gconstpointer  user_data)
{
  const char *contents = "{\"version\": 7, \"accounts\": \"a shape we do not know\"}";
  g_autoptr(BpSalesforceAccount) draft = make_account ("New");
  g_autoptr(GError) error = NULL;
  g_autofree char *after = NULL;

  write_store_file (fixture, contents, -1);
  g_assert_false (bp_account_store_load (fixture->store, &error));
  g_assert_error (error, BP_ERROR, BP_ERROR_STORE_READ);
  g_assert_nonnull (strstr (error->message, "newer version"));
  g_clear_error (&error);

  g_assert_false (apply (fixture->store, BP_ACCOUNT (draft), &error));
  g_assert_error (error, BP_ERROR, BP_ERROR_STORE_READ);
  after = store_bytes (fixture, NULL);
  g_assert_cmpstr (after, ==, contents);
}

/* A write that fails must leave the old file, the model and the keyring as
 * they were. As root a read-only directory does not stop us, so the failure
 * is a file size limit, which stops everyone (like a full disk). */
static void
test_failed_write_changes_nothing (Fixture       *fixture,
                                   gconstpointer  user_data)
{
  g_autoptr(BpSalesforceAccount) first = make_account ("Production");
  g_autoptr(BpAccount) saved = NULL;
  g_autoptr(BpAccount) draft = NULL;
  g_autoptr(BpSalesforceAccount) extra = make_account ("Staging");
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *dir = g_path_get_dirname (fixture->path);
  struct rlimit old_limit;
  struct rlimit limit;
  gboolean as_root = geteuid () == 0;

  if (!bp_test_require_keyring ())
    return;

  bp_salesforce_account_set_consumer_secret (first, "old-secret");
  g_assert_true (apply (fixture->store, BP_ACCOUNT (first), &error));
  g_assert_no_error (error);
  before = store_bytes (fixture, NULL);

  saved = g_list_model_get_item (G_LIST_MODEL (fixture->store), 0);
  draft = bp_account_copy (saved);
  bp_account_set_name (draft, "Renamed");
  bp_salesforce_account_set_consumer_secret (BP_SALESFORCE_ACCOUNT (draft), "new-secret");

  if (as_root)
    {
      g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &old_limit), ==, 0);
      limit = old_limit;
      limit.rlim_cur = 16;
      signal (SIGXFSZ, SIG_IGN);
      g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limit), ==, 0);
    }
  else
    g_assert_cmpint (g_chmod (dir, 0500), ==, 0);

  g_assert_false (apply (fixture->store, draft, &error));

  if (as_root)
    g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &old_limit), ==, 0);
  else
    g_assert_cmpint (g_chmod (dir, 0700), ==, 0);

  g_assert_error (error, BP_ERROR, BP_ERROR_STORE_WRITE);
  g_assert_nonnull (strstr (error->message, "nothing was changed"));

  after = store_bytes (fixture, NULL);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpstr (bp_account_get_name (saved), ==, "Production");
  secret = keyring_lookup (fixture->secrets, bp_account_get_id (saved), BP_SECRET_KIND_CONSUMER_SECRET);
  g_assert_cmpstr (secret, ==, "old-secret");

  /* And the store keeps working once the disk does. */
  g_clear_error (&error);
  g_assert_true (apply (fixture->store, draft, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (bp_account_get_name (saved), ==, "Renamed");
  g_clear_pointer (&secret, g_free);
  secret = keyring_lookup (fixture->secrets, bp_account_get_id (saved), BP_SECRET_KIND_CONSUMER_SECRET);
  g_assert_cmpstr (secret, ==, "new-secret");
  g_assert_true (apply (fixture->store, BP_ACCOUNT (extra), &error));
}

static void
test_delete_removes_keyring_items (Fixture       *fixture,
                                   gconstpointer  user_data)
{
  g_autoptr(BpSalesforceAccount) keep = make_account ("Keep");
  g_autoptr(BpSalesforceAccount) doomed = make_account ("Doomed");
  g_autoptr(GError) error = NULL;
  g_autofree char *doomed_id = g_strdup (bp_account_get_id (BP_ACCOUNT (doomed)));
  g_autofree char *secret = NULL;
  g_autofree char *token = NULL;
  g_autofree char *kept = NULL;
  g_autofree char *bytes = NULL;
  g_autoptr(BpAccount) saved = NULL;

  if (!bp_test_require_keyring ())
    return;

  bp_salesforce_account_set_consumer_secret (keep, "keep-secret");
  bp_salesforce_account_set_consumer_secret (doomed, "doomed-secret");
  g_assert_true (apply (fixture->store, BP_ACCOUNT (keep), &error));
  g_assert_true (apply (fixture->store, BP_ACCOUNT (doomed), &error));
  g_assert_no_error (error);
  keyring_store (fixture->secrets, doomed_id, BP_SECRET_KIND_REFRESH_TOKEN, "5Aep861-refresh");

  /* Held here as a window would hold it while the deletion runs. */
  saved = g_object_ref (bp_account_store_find_by_id (fixture->store, doomed_id));
  g_assert_true (delete_account (fixture->store, saved, &error));
  g_assert_no_error (error);

  g_assert_null (bp_account_store_find_by_id (fixture->store, doomed_id));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->store)), ==, 1);
  bytes = store_bytes (fixture, NULL);
  g_assert_null (strstr (bytes, doomed_id));
  g_assert_null (strstr (bytes, "Doomed"));

  secret = keyring_lookup (fixture->secrets, doomed_id, BP_SECRET_KIND_CONSUMER_SECRET);
  token = keyring_lookup (fixture->secrets, doomed_id, BP_SECRET_KIND_REFRESH_TOKEN);
  g_assert_null (secret);
  g_assert_null (token);

  /* Other accounts keep theirs. */
  kept = keyring_lookup (fixture->secrets, bp_account_get_id (BP_ACCOUNT (keep)), BP_SECRET_KIND_CONSUMER_SECRET);
  g_assert_cmpstr (kept, ==, "keep-secret");

  /* Deleting it again says it is gone. */
  g_assert_false (delete_account (fixture->store, saved, &error));
  g_assert_error (error, BP_ERROR, BP_ERROR_NOT_FOUND);
}

static void
test_queued_changes_run_in_order (Fixture       *fixture,
                                  gconstpointer  user_data)
{
  g_autoptr(BpSalesforceAccount) a = make_account ("One");
  g_autoptr(BpSalesforceAccount) b = make_account ("Two");
  g_autoptr(BpSalesforceAccount) c = make_account ("one");
  BpTestOutcome first = { 0 }, second = { 0 }, third = { 0 };

  /* Asked for at once; the third clashes with the first only once it is saved. */
  bp_account_store_apply_async (fixture->store, BP_ACCOUNT (a), NULL, bp_test_applied_cb, &first);
  bp_account_store_apply_async (fixture->store, BP_ACCOUNT (b), NULL, bp_test_applied_cb, &second);
  bp_account_store_apply_async (fixture->store, BP_ACCOUNT (c), NULL, bp_test_applied_cb, &third);
  bp_test_wait_until (&third.done, 20000);

  g_assert_true (first.done && second.done);
  g_assert_true (first.ok);
  g_assert_true (second.ok);
  g_assert_false (third.ok);
  g_assert_error (third.error, BP_ERROR, BP_ERROR_INVALID);
  g_clear_error (&third.error);

  {
    g_autoptr(BpAccount) saved = g_list_model_get_item (G_LIST_MODEL (fixture->store), 0);

    g_assert_cmpstr (bp_account_get_name (saved), ==, "One");
  }
}

typedef struct
{
  Fixture        *fixture;
  BpAccount      *draft;
  BpTestOutcome   outcome;
} HeldApply;

static void
start_apply_and_return_cb (GApplication *application,
                           gpointer      user_data)
{
  HeldApply *held = user_data;

  /* Nothing else holds the application: without the store's own hold,
   * g_application_run() returns as soon as this handler has. */
  bp_account_store_apply_async (held->fixture->store, held->draft, NULL, bp_test_applied_cb, &held->outcome);
}

/* A write in flight keeps the application running, as when its last window
 * closes or Quit is chosen while Apply is still writing. */
static void
test_write_holds_application (Fixture       *fixture,
                              gconstpointer  user_data)
{
  g_autoptr(BpSalesforceAccount) draft = make_account ("Held");
  g_autoptr(GApplication) application = g_application_new (NULL, G_APPLICATION_NON_UNIQUE);
  HeldApply held = { fixture, BP_ACCOUNT (draft), { 0 } };

  g_assert_true (g_application_get_default () == application);
  g_signal_connect (application, "activate", G_CALLBACK (start_apply_and_return_cb), &held);
  g_assert_cmpint (g_application_run (application, 0, NULL), ==, 0);

  g_assert_true (held.outcome.done);
  g_assert_no_error (held.outcome.error);
  g_assert_true (held.outcome.ok);
  g_assert_nonnull (bp_account_store_find_by_name (fixture->store, "Held"));
}

static void
count_items_changed_cb (GListModel *model,
                        guint       position,
                        guint       removed,
                        guint       added,
                        gpointer    user_data)
{
  guint *count = user_data;

  (*count)++;
}

static void
test_saved_account_is_what_was_written (Fixture       *fixture,
                                        gconstpointer  user_data)
{
  g_autoptr(BpSalesforceAccount) draft = make_account ("Typed");
  g_autoptr(GError) error = NULL;
  BpAccount *saved;

  /* Typed with an upper-case host and no trailing slash... */
  bp_salesforce_account_set_url (draft, "https://ACME.my.salesforce.com");
  g_assert_true (apply (fixture->store, BP_ACCOUNT (draft), &error));
  g_assert_no_error (error);

  /* ...and saved (and shown) as the file has it. */
  saved = bp_account_store_find_by_name (fixture->store, "Typed");
  g_assert_cmpstr (bp_salesforce_account_get_url (BP_SALESFORCE_ACCOUNT (saved)), ==, "https://acme.my.salesforce.com/");
  g_assert_cmpstr (bp_salesforce_account_get_url (draft), ==, "https://ACME.my.salesforce.com");
}

static void
test_model_signals (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(BpSalesforceAccount) draft = make_account ("Signals");
  g_autoptr(GError) error = NULL;
  guint changes = 0;

  g_signal_connect (fixture->store, "items-changed", G_CALLBACK (count_items_changed_cb), &changes);

  g_assert_true (apply (fixture->store, BP_ACCOUNT (draft), &error));
  g_assert_cmpuint (changes, ==, 1);

  /* A refused change emits nothing. */
  bp_account_set_name (BP_ACCOUNT (draft), "");
  g_assert_false (apply (fixture->store, BP_ACCOUNT (draft), &error));
  g_assert_cmpuint (changes, ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/store/missing-file-is-empty", test_missing_file_is_empty);
  ADD ("/store/loaded", test_loaded);
  ADD ("/store/round-trip", test_round_trip);
  ADD ("/store/file-modes", test_file_modes);
  ADD ("/store/unknown-fields-kept", test_unknown_fields_kept);
  ADD ("/store/load-tricky-text", test_load_tricky_text);
  g_test_add_func ("/store/flat-object-like-json-glib", test_flat_object_like_json_glib);
  g_test_add_func ("/store/flat-object-mutations", test_flat_object_mutations);
  g_test_add_func ("/store/flat-object-run-ends", test_flat_object_run_ends);
  g_test_add_func ("/store/contents-without-accounts", test_contents_without_accounts);
  ADD ("/store/load-many", test_load_many);
  ADD ("/store/load-many-broken", test_load_many_broken);
  ADD ("/store/one-default-per-type", test_one_default_per_type);
  ADD ("/store/two-defaults-in-file", test_two_defaults_in_file);
  ADD ("/store/unique-names", test_unique_names);
  ADD ("/store/newer-format-is-not-overwritten", test_newer_format_is_not_overwritten);
  ADD ("/store/failed-write-changes-nothing", test_failed_write_changes_nothing);
  ADD ("/store/delete-removes-keyring-items", test_delete_removes_keyring_items);
  ADD ("/store/queued-changes-run-in-order", test_queued_changes_run_in_order);
  ADD ("/store/write-holds-application", test_write_holds_application);
  ADD ("/store/model-signals", test_model_signals);
  ADD ("/store/saved-account-is-what-was-written", test_saved_account_is_what_was_written);

  for (guint i = 0; i < G_N_ELEMENTS (corrupt_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/store/corrupt/%s", corrupt_cases[i].name);

      g_test_add (path, Fixture, &corrupt_cases[i], fixture_set_up, test_corrupt_file, fixture_tear_down);
    }

#undef ADD

  return g_test_run ();
}

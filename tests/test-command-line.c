/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-command-line"

#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "bp-account-export.h"
#include "bp-account-store.h"
#include "bp-salesforce-account.h"
#include "bp-salesforce-endpoints.h"
#include "bp-secret-store.h"
#include "bp-test-salesforce.h"
#include "bp-test-utils.h"

/* The command line, as an administrator's script runs it: the real
 * executable in a child process, without a display, against a store this
 * test writes, the in-process Salesforce emulator (BP_SALESFORCE_LOGIN_URL)
 * and refresh tokens in the session's real keyring. Children that look for
 * a running instance (--import) get a private session bus of their own, so
 * that another test owning the application's name cannot answer them. */

#define KEY       "3MVG9emulatorConsumerKey"
#define SECRET    "EMULATOR-SECRET-command-line-0123456789"
#define WAIT_MS   30000

#define PRODUCTION_ID "0a1b2c3d-0000-4000-8000-00000000c001"
#define UAT_ID        "0a1b2c3d-0000-4000-8000-00000000c002"
#define NO_TOKEN_ID   "0a1b2c3d-0000-4000-8000-00000000c003"
#define ACME_URL      "https://acme.my.salesforce.com/"
#define UAT_URL       "https://acme--uat.sandbox.my.salesforce.com/"

/* The private bus of the children that look for a running instance. */
static GSubprocess *private_bus;
static char        *private_bus_address;

typedef struct
{
  char          *dir;
  char          *config_home;
  char          *store_path;
  BpEmulator    *emulator;
  BpSecretStore *secrets;
  char          *certificate;
  GDateTime     *certificate_expiry;
  gboolean       has_keyring;
  gboolean       is_ready;
} Fixture;

typedef struct
{
  int   status;
  char *out;
  char *err;
} CliResult;

static void
cli_result_free (CliResult *result)
{
  g_free (result->out);
  g_free (result->err);
  g_free (result);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CliResult, cli_result_free)

/* ------------------------------------------------------------------ */
/* The private session bus                                             */

/* A helper process must not outlive a test that failed half-way: meson
 * would wait for it (it holds the test's stderr) until the timeout. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static const char *
get_private_bus_address (void)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  const char *argv[] = { "dbus-daemon", "--session", "--nofork", "--print-address=1", NULL };

  if (private_bus_address != NULL)
    return private_bus_address;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  private_bus = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);

  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (private_bus));
  private_bus_address = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (private_bus_address);
  g_strstrip (private_bus_address);

  return private_bus_address;
}

static GDBusConnection *
connect_private_bus (void)
{
  g_autoptr(GError) error = NULL;
  GDBusConnection *bus;

  bus = g_dbus_connection_new_for_address_sync (get_private_bus_address (),
                                                G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT
                                                | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                NULL, NULL, &error);
  g_assert_no_error (error);
  return bus;
}

static gboolean
name_has_owner (GDBusConnection *bus,
                const char      *name)
{
  g_autoptr(GVariant) reply = NULL;
  gboolean has_owner = FALSE;

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner", g_variant_new ("(s)", name),
                                       G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, 5000, NULL, NULL);
  if (reply != NULL)
    g_variant_get (reply, "(b)", &has_owner);

  return has_owner;
}

/* ------------------------------------------------------------------ */
/* Running the executable                                              */

static const char *
get_executable (void)
{
  const char *path = g_getenv ("BP_TEST_EXECUTABLE");

  g_assert_nonnull (path);
  return path;
}

typedef enum
{
  BUS_SESSION,   /* the session's bus, with the keyring */
  BUS_PRIVATE,   /* a bus of our own: no running instance but the test's */
} BusChoice;

static GSubprocessLauncher *
make_launcher (Fixture     *fixture,
               const char  *config_home,
               BusChoice    bus,
               GSubprocessFlags flags)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (flags);
  static const char *proxies[] = { "http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY",
                                   "ALL_PROXY", NULL };

  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", config_home, TRUE);
  g_subprocess_launcher_setenv (launcher, BP_SALESFORCE_LOGIN_URL_ENV, bp_emulator_get_base_url (fixture->emulator),
                                TRUE);
  for (guint i = 0; proxies[i] != NULL; i++)
    g_subprocess_launcher_unsetenv (launcher, proxies[i]);
  if (bus == BUS_PRIVATE)
    g_subprocess_launcher_setenv (launcher, "DBUS_SESSION_BUS_ADDRESS", get_private_bus_address (), TRUE);
  g_subprocess_launcher_set_cwd (launcher, fixture->dir);

  return launcher;
}

/* Runs bp-integration-accounts @args without a display and waits for it,
 * iterating the main loop (the emulator answers from this process). */
static CliResult *
run_cli_full (Fixture            *fixture,
              const char         *config_home,
              BusChoice           bus,
              const char * const *args)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  CliResult *cli = g_new0 (CliResult, 1);

  launcher = make_launcher (fixture, config_home, bus, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  /* The command line needs no display: there is none. */
  g_subprocess_launcher_unsetenv (launcher, "DISPLAY");
  g_subprocess_launcher_unsetenv (launcher, "WAYLAND_DISPLAY");

  g_ptr_array_add (argv, (char *) get_executable ());
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  g_subprocess_communicate_utf8_async (process, NULL, NULL, bp_test_store_result_cb, &result);
  g_subprocess_communicate_utf8_finish (process, bp_test_await_result (&result, WAIT_MS), &cli->out, &cli->err,
                                        &error);
  g_assert_no_error (error);

  g_assert_true (g_subprocess_get_if_exited (process));
  cli->status = g_subprocess_get_exit_status (process);
  g_test_message ("%s … → %d\nstdout:\n%s\nstderr:\n%s", args[0], cli->status, cli->out, cli->err);

  return cli;
}

static CliResult *
run_cli (Fixture            *fixture,
         const char * const *args)
{
  return run_cli_full (fixture, fixture->config_home, BUS_PRIVATE, args);
}

static CliResult *
run_cli_with_keyring (Fixture            *fixture,
                      const char * const *args)
{
  return run_cli_full (fixture, fixture->config_home, BUS_SESSION, args);
}

#define ARGS(...) ((const char * const []) { __VA_ARGS__, NULL })

/* ------------------------------------------------------------------ */
/* The store and the keyring                                           */

typedef struct
{
  const char *id;
  const char *name;
  gboolean    is_default;
  const char *url;
  gboolean    sandbox;
  const char *token_state;
  gboolean    with_certificate;
} StoredAccount;

static char *
make_store_json (Fixture             *fixture,
                 const StoredAccount *accounts,
                 guint                n_accounts)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, 1);
  json_builder_set_member_name (builder, "accounts");
  json_builder_begin_array (builder);
  for (guint i = 0; i < n_accounts; i++)
    {
      const StoredAccount *account = &accounts[i];

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, account->id);
      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, "salesforce");
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, account->name);
      json_builder_set_member_name (builder, "default");
      json_builder_add_boolean_value (builder, account->is_default);
      json_builder_set_member_name (builder, "url");
      json_builder_add_string_value (builder, account->url);
      json_builder_set_member_name (builder, "sandbox");
      json_builder_add_boolean_value (builder, account->sandbox);
      json_builder_set_member_name (builder, "consumer-key");
      json_builder_add_string_value (builder, KEY);
      json_builder_set_member_name (builder, "token-state");
      json_builder_add_string_value (builder, account->token_state);
      if (g_str_equal (account->token_state, "valid"))
        {
          json_builder_set_member_name (builder, "token-issued-at");
          json_builder_add_string_value (builder, "2026-03-01T08:00:00Z");
          json_builder_set_member_name (builder, "authorized-user");
          json_builder_add_string_value (builder, BP_EMULATOR_USERNAME);
        }
      json_builder_set_member_name (builder, "idp-certificate");
      json_builder_add_string_value (builder, account->with_certificate ? fixture->certificate : "");
      json_builder_set_member_name (builder, "idp-login-url");
      json_builder_add_string_value (builder, "/");
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

static void
write_store (Fixture             *fixture,
             const char          *config_home,
             const StoredAccount *accounts,
             guint                n_accounts)
{
  g_autofree char *dir = g_build_filename (config_home, "bp-integration-accounts", NULL);
  g_autofree char *path = g_build_filename (dir, "accounts.json", NULL);
  g_autofree char *json = make_store_json (fixture, accounts, n_accounts);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_file_set_contents (path, json, -1, &error);
  g_assert_no_error (error);
}

/* Production (default, authorized, with a certificate), UAT sandbox
 * (authorized) and No token. */
static const StoredAccount standard_accounts[] = {
  { PRODUCTION_ID, "Production", TRUE, ACME_URL, FALSE, "valid", TRUE },
  { UAT_ID, "UAT sandbox", FALSE, UAT_URL, TRUE, "valid", FALSE },
  { NO_TOKEN_ID, "No token", FALSE, "", FALSE, "none", FALSE },
};

static void
write_standard_store (Fixture *fixture)
{
  write_store (fixture, fixture->config_home, standard_accounts, G_N_ELEMENTS (standard_accounts));
}

static void
store_secret (Fixture    *fixture,
              const char *id,
              const char *kind,
              const char *value)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  bp_secret_store_store_async (fixture->secrets, id, kind, "Integration Accounts command line test", value, NULL,
                               bp_test_store_result_cb, &result);
  bp_secret_store_store_finish (fixture->secrets, bp_test_await_result (&result, WAIT_MS), &error);
  g_assert_no_error (error);
}

static void
clear_secrets (Fixture    *fixture,
               const char *id)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  bp_secret_store_clear_async (fixture->secrets, id, NULL, NULL, bp_test_store_result_cb, &result);
  bp_secret_store_clear_finish (fixture->secrets, bp_test_await_result (&result, WAIT_MS), &error);
  g_assert_no_error (error);
}

/* A refresh token the emulator knows, in the keyring for @id. */
static char *
seed_refresh_token (Fixture    *fixture,
                    const char *id)
{
  char *token = bp_emulator_issue_refresh_token (fixture->emulator, KEY);

  store_secret (fixture, id, BP_SECRET_KIND_REFRESH_TOKEN, token);
  return token;
}

static BpAccountStore *
load_store (const char *config_home)
{
  g_autofree char *path = g_build_filename (config_home, "bp-integration-accounts", "accounts.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(BpSecretStore) secrets = bp_secret_store_new ();
  g_autoptr(GError) error = NULL;
  BpAccountStore *store = bp_account_store_new (file, secrets);

  bp_account_store_load (store, &error);
  g_assert_no_error (error);
  return store;
}

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

/* ------------------------------------------------------------------ */
/* Fixture                                                             */

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  gboolean needs_keyring = GPOINTER_TO_INT (user_data);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  if (needs_keyring)
    {
      fixture->has_keyring = bp_test_require_keyring ();
      if (!fixture->has_keyring)
        return;
    }

  fixture->dir = bp_test_make_temp_dir ();
  fixture->config_home = g_build_filename (fixture->dir, "config", NULL);
  fixture->store_path = g_build_filename (fixture->config_home, "bp-integration-accounts", "accounts.json", NULL);
  fixture->emulator = bp_test_emulator_new ();
  fixture->secrets = bp_secret_store_new ();

  /* A certificate that expires in 400 days, at a whole second. */
  fixture->certificate_expiry = g_date_time_add_days (now, 400);
  g_clear_pointer (&now, g_date_time_unref);
  now = fixture->certificate_expiry;
  fixture->certificate_expiry = g_date_time_new_from_unix_utc (g_date_time_to_unix (now));
  fixture->certificate = bp_test_make_certificate_pem (fixture->certificate_expiry);

  bp_emulator_set_client (fixture->emulator, KEY, NULL);
  fixture->is_ready = TRUE;
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  if (!fixture->is_ready)
    return;

  if (fixture->has_keyring)
    {
      clear_secrets (fixture, PRODUCTION_ID);
      clear_secrets (fixture, UAT_ID);
      clear_secrets (fixture, NO_TOKEN_ID);
    }

  g_clear_object (&fixture->secrets);
  g_clear_object (&fixture->emulator);
  g_clear_pointer (&fixture->certificate_expiry, g_date_time_unref);
  g_free (fixture->certificate);
  bp_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->config_home);
  g_free (fixture->store_path);
}

/* ------------------------------------------------------------------ */
/* --help, --version, usage                                            */

static void
test_help (Fixture       *fixture,
           gconstpointer  user_data)
{
  g_autoptr(CliResult) cli = run_cli (fixture, ARGS ("--help"));
  static const char *expected[] = {
    "--list", "--check-limits=NAME", "--warn-above=PERCENT", "--json", "--export=FILE", "--import=FILE",
    "--on-conflict=MODE", "--version", "Examples:", "--check-limits Production --warn-above 80",
    "--import backup.json --on-conflict=rename", "Exit status:", "  3  ", "  4  ",
  };

  g_assert_cmpint (cli->status, ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_nonnull (strstr (cli->out, expected[i]));
}

static void
test_version (Fixture       *fixture,
              gconstpointer  user_data)
{
  g_autoptr(CliResult) cli = run_cli (fixture, ARGS ("--version"));

  g_assert_cmpint (cli->status, ==, 0);
  g_assert_cmpstr (cli->out, ==, "Integration Accounts " PACKAGE_VERSION "\n");
}

static void
test_usage_errors (Fixture       *fixture,
                   gconstpointer  user_data)
{
  static const struct {
    const char *args[4];
    const char *message;
  } cases[] = {
    { { "--list", "--export", "x.json" }, "one command at a time" },
    { { "--export", "x.json", "--json" }, "--json goes with" },
    { { "--list", "--warn-above", "80" }, "--warn-above goes with" },
    { { "--check-limits", "Production", "--warn-above", }, "--warn-above" },
    { { "--check-limits", "Production", "--warn-above=lots" }, "takes a percent" },
    { { "--check-limits", "Production", "--warn-above=-5" }, "takes a percent" },
    { { "--import", "x.json", "--on-conflict=merge" }, "skip, rename or replace" },
    { { "--list", "--on-conflict=skip" }, "--on-conflict goes with" },
    { { "--list", "stray" }, "“stray”" },
    { { "some-file.json" }, "opens no files" },
    { { "--check-limits=" }, "needs the name" },
    { { "--no-such-option" }, "no-such-option" },
  };

  write_standard_store (fixture);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(CliResult) cli = run_cli (fixture, cases[i].args);

      g_assert_cmpint (cli->status, ==, 1);
      g_assert_cmpstr (cli->out, ==, "");
      g_assert_nonnull (strstr (cli->err, cases[i].message));
    }
}

/* ------------------------------------------------------------------ */
/* --list                                                              */

static void
test_list_table (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_autoptr(CliResult) cli = NULL;
  g_autofree char *expiry = g_date_time_format (fixture->certificate_expiry, "%Y-%m-%d");
  g_auto(GStrv) lines = NULL;

  write_standard_store (fixture);
  cli = run_cli (fixture, ARGS ("--list"));

  g_assert_cmpint (cli->status, ==, 0);
  g_assert_cmpstr (cli->err, ==, "");
  lines = g_strsplit (cli->out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 5);   /* header, 3 accounts, "" */

  g_assert_true (g_str_has_prefix (lines[0], "Name"));
  g_assert_nonnull (strstr (lines[0], "Certificate expires"));
  g_assert_true (g_str_has_prefix (lines[1], "Production "));
  g_assert_nonnull (strstr (lines[1], ACME_URL));
  g_assert_nonnull (strstr (lines[1], "Authorized"));
  g_assert_nonnull (strstr (lines[1], expiry));
  g_assert_true (g_str_has_prefix (lines[2], "UAT sandbox "));
  g_assert_true (g_str_has_prefix (lines[3], "No token "));
  g_assert_nonnull (strstr (lines[3], "Not set"));

  /* Columns line up: every row starts its Type column where the header does. */
  for (guint i = 1; i < 4; i++)
    g_assert_cmpint (strstr (lines[i], "Salesforce.com") - lines[i], ==, strstr (lines[0], "Type") - lines[0]);
}

static void
test_list_json (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(CliResult) cli = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *expiry = g_date_time_format_iso8601 (fixture->certificate_expiry);
  JsonArray *accounts;
  JsonObject *production;
  JsonObject *no_token;

  write_standard_store (fixture);
  cli = run_cli (fixture, ARGS ("--list", "--json"));

  g_assert_cmpint (cli->status, ==, 0);
  root = parse_json (cli->out);
  accounts = json_object_get_array_member (json_node_get_object (root), "accounts");
  g_assert_cmpuint (json_array_get_length (accounts), ==, 3);

  production = json_array_get_object_element (accounts, 0);
  g_assert_cmpstr (json_object_get_string_member (production, "id"), ==, PRODUCTION_ID);
  g_assert_cmpstr (json_object_get_string_member (production, "name"), ==, "Production");
  g_assert_cmpstr (json_object_get_string_member (production, "type"), ==, "salesforce");
  g_assert_cmpstr (json_object_get_string_member (production, "type-name"), ==, "Salesforce.com");
  g_assert_true (json_object_get_boolean_member (production, "default"));
  g_assert_cmpstr (json_object_get_string_member (production, "url"), ==, ACME_URL);
  g_assert_false (json_object_get_boolean_member (production, "sandbox"));
  g_assert_cmpstr (json_object_get_string_member (production, "token-state"), ==, "valid");
  g_assert_cmpstr (json_object_get_string_member (production, "token-issued-at"), ==, "2026-03-01T08:00:00Z");
  g_assert_cmpstr (json_object_get_string_member (production, "authorized-user"), ==, BP_EMULATOR_USERNAME);
  g_assert_cmpstr (json_object_get_string_member (production, "certificate-status"), ==, "valid");
  g_assert_cmpstr (json_object_get_string_member (production, "certificate-expires-at"), ==, expiry);

  g_assert_true (json_object_get_boolean_member (json_array_get_object_element (accounts, 1), "sandbox"));

  no_token = json_array_get_object_element (accounts, 2);
  g_assert_cmpstr (json_object_get_string_member (no_token, "token-state"), ==, "none");
  g_assert_true (json_object_get_null_member (no_token, "token-issued-at"));
  g_assert_true (json_object_get_null_member (no_token, "authorized-user"));
  g_assert_cmpstr (json_object_get_string_member (no_token, "certificate-status"), ==, "none");
  g_assert_true (json_object_get_null_member (no_token, "certificate-expires-at"));
}

static void
test_list_empty (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_autoptr(CliResult) table = run_cli (fixture, ARGS ("--list"));
  g_autoptr(CliResult) json = run_cli (fixture, ARGS ("--list", "--json"));
  g_autoptr(JsonNode) root = NULL;

  g_assert_cmpint (table->status, ==, 0);
  g_assert_cmpstr (table->out, ==, "There are no integration accounts.\n");

  g_assert_cmpint (json->status, ==, 0);
  root = parse_json (json->out);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (root), "accounts")),
                    ==, 0);

  /* Listing never writes a store. */
  g_assert_false (g_file_test (fixture->store_path, G_FILE_TEST_EXISTS));
}

/* ------------------------------------------------------------------ */
/* --check-limits                                                      */

static void
test_limits_table (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(CliResult) cli = NULL;
  g_autofree char *token = NULL;
  g_auto(GStrv) lines = NULL;

  if (!fixture->has_keyring)
    return;

  write_standard_store (fixture);
  token = seed_refresh_token (fixture, PRODUCTION_ID);
  cli = run_cli_with_keyring (fixture, ARGS ("--check-limits", "production"));

  g_assert_cmpint (cli->status, ==, 0);
  g_assert_cmpstr (cli->err, ==, "");
  g_assert_cmpuint (bp_emulator_get_limits_count (fixture->emulator), ==, 1);

  lines = g_strsplit (cli->out, "\n", -1);
  g_assert_true (g_str_has_prefix (lines[0], "Org limits of “Production” at "));
  g_assert_nonnull (strstr (lines[0], bp_emulator_get_base_url (fixture->emulator)));
  g_assert_nonnull (strstr (lines[0], "API " BP_EMULATOR_HIGHEST_VERSION));
  g_assert_cmpstr (lines[1], ==, "");
  g_assert_true (g_str_has_prefix (lines[2], "Limit"));

  /* Most used first: Data Storage 7 of 5 MB (140 %), then Daily API
   * Requests 984 of 15000 (6 %) with its connected apps below it. */
  g_assert_true (g_str_has_prefix (lines[3], "Data Storage (MB) "));
  g_assert_nonnull (strstr (lines[3], "140 %"));
  g_assert_true (g_str_has_prefix (lines[4], "Daily API Requests "));
  g_assert_true (g_str_has_prefix (lines[5], "  "));

  /* Nothing the keyring or the emulator holds is printed. */
  bp_test_assert_no_secrets (cli->out, bp_emulator_get_secrets (fixture->emulator));
  bp_test_assert_no_secrets (cli->err, bp_emulator_get_secrets (fixture->emulator));
}

static void
test_limits_json (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(CliResult) cli = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *token = NULL;
  JsonObject *object;
  JsonArray *limits;
  JsonObject *first;
  double previous = G_MAXDOUBLE;

  if (!fixture->has_keyring)
    return;

  write_standard_store (fixture);
  token = seed_refresh_token (fixture, PRODUCTION_ID);
  cli = run_cli_with_keyring (fixture, ARGS ("--check-limits", "Production", "--json"));

  g_assert_cmpint (cli->status, ==, 0);
  root = parse_json (cli->out);
  object = json_node_get_object (root);
  g_assert_cmpstr (json_object_get_string_member (object, "account"), ==, "Production");
  g_assert_cmpstr (json_object_get_string_member (object, "instance-url"), ==,
                   bp_emulator_get_base_url (fixture->emulator));
  g_assert_cmpstr (json_object_get_string_member (object, "api-version"), ==, BP_EMULATOR_HIGHEST_VERSION);
  g_assert_true (json_object_has_member (object, "fetched-at"));
  g_assert_true (json_object_get_null_member (object, "warn-above"));

  limits = json_object_get_array_member (object, "limits");
  g_assert_cmpuint (json_array_get_length (limits), ==, 23);
  for (guint i = 0; i < json_array_get_length (limits); i++)
    {
      double percent = json_object_get_double_member (json_array_get_object_element (limits, i), "percent");

      g_assert_cmpfloat (percent, <=, previous);
      previous = percent;
    }

  first = json_array_get_object_element (limits, 0);
  g_assert_cmpstr (json_object_get_string_member (first, "name"), ==, "DataStorageMB");
  g_assert_cmpstr (json_object_get_string_member (first, "title"), ==, "Data Storage (MB)");
  g_assert_cmpint (json_object_get_int_member (first, "max"), ==, 5);
  g_assert_cmpint (json_object_get_int_member (first, "remaining"), ==, -2);
  g_assert_cmpint (json_object_get_int_member (first, "used"), ==, 7);
  g_assert_cmpfloat (json_object_get_double_member (first, "percent"), ==, 140.0);
  g_assert_false (json_object_get_boolean_member (first, "above-threshold"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (first, "children")), ==, 0);

  first = json_array_get_object_element (limits, 1);
  g_assert_cmpstr (json_object_get_string_member (first, "name"), ==, "DailyApiRequests");
  g_assert_cmpfloat (json_object_get_double_member (first, "percent"), ==, 6.56);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (first, "children")), ==, 5);
}

static void
test_limits_warn_above (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autofree char *token = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_auto(GStrv) lines = NULL;

  if (!fixture->has_keyring)
    return;

  write_standard_store (fixture);
  token = seed_refresh_token (fixture, PRODUCTION_ID);

  /* Nothing above 150 %. */
  {
    g_autoptr(CliResult) cli = run_cli_with_keyring (fixture, ARGS ("--check-limits", "Production",
                                                                    "--warn-above", "150"));

    g_assert_cmpint (cli->status, ==, 0);
    g_assert_cmpstr (cli->err, ==, "");
  }

  /* Data Storage is above 100 %: status 3, and stderr says which. */
  {
    g_autoptr(CliResult) cli = run_cli_with_keyring (fixture, ARGS ("--check-limits", "Production",
                                                                    "--warn-above=100%"));

    g_assert_cmpint (cli->status, ==, 3);
    g_assert_cmpstr (cli->err, ==, "1 limit of “Production” is used above 100 %:\n"
                                   "Data Storage (MB): 140 % used (7 of 5), above 100 %\n");
    g_assert_nonnull (strstr (cli->out, "above 100 %"));
  }

  /* Strictly above: File Storage at exactly 5 % is not, Daily API Requests at 6.56 % is. */
  {
    g_autoptr(CliResult) cli = run_cli_with_keyring (fixture, ARGS ("--check-limits", "Production",
                                                                    "--warn-above", "5", "--json"));
    JsonArray *limits;

    g_assert_cmpint (cli->status, ==, 3);
    lines = g_strsplit (cli->err, "\n", -1);
    g_assert_cmpstr (lines[0], ==, "2 limits of “Production” are used above 5 %:");
    g_assert_cmpstr (lines[1], ==, "Data Storage (MB): 140 % used (7 of 5), above 5 %");
    g_assert_cmpstr (lines[2], ==, "Daily API Requests: 6.6 % used (984 of 15000), above 5 %");
    g_assert_cmpstr (lines[3], ==, "");

    root = parse_json (cli->out);
    g_assert_cmpfloat (json_object_get_double_member (json_node_get_object (root), "warn-above"), ==, 5.0);
    limits = json_object_get_array_member (json_node_get_object (root), "limits");
    g_assert_true (json_object_get_boolean_member (json_array_get_object_element (limits, 1), "above-threshold"));
    g_assert_false (json_object_get_boolean_member (json_array_get_object_element (limits, 2), "above-threshold"));
  }
}

static void
test_limits_unknown_account (Fixture       *fixture,
                             gconstpointer  user_data)
{
  g_autoptr(CliResult) cli = NULL;

  write_standard_store (fixture);
  cli = run_cli (fixture, ARGS ("--check-limits", "Staging"));

  g_assert_cmpint (cli->status, ==, 2);
  g_assert_cmpstr (cli->out, ==, "");
  g_assert_cmpstr (cli->err, ==, "There is no account named “Staging”; --list shows the names.\n");
  g_assert_cmpuint (bp_emulator_get_refresh_count (fixture->emulator), ==, 0);
}

static void
test_limits_without_token (Fixture       *fixture,
                           gconstpointer  user_data)
{
  if (!fixture->has_keyring)
    return;

  write_standard_store (fixture);

  /* The account says it has none. */
  {
    g_autoptr(CliResult) cli = run_cli_with_keyring (fixture, ARGS ("--check-limits", "No token"));

    g_assert_cmpint (cli->status, ==, 2);
    g_assert_nonnull (strstr (cli->err, "“No token” has no token yet"));
    g_assert_nonnull (strstr (cli->err, "Request token"));
  }

  /* It says it has one, but the keyring has none. */
  {
    g_autoptr(CliResult) cli = run_cli_with_keyring (fixture, ARGS ("--check-limits", "UAT sandbox"));

    g_assert_cmpint (cli->status, ==, 2);
    g_assert_true (g_str_has_prefix (cli->err, "The limits of “UAT sandbox” could not be fetched: "));
  }

  g_assert_cmpuint (bp_emulator_get_refresh_count (fixture->emulator), ==, 0);
}

static void
test_limits_token_refused (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_autoptr(CliResult) cli = NULL;
  g_autofree char *token = NULL;
  g_autofree char *contents = NULL;

  if (!fixture->has_keyring)
    return;

  write_standard_store (fixture);
  token = seed_refresh_token (fixture, PRODUCTION_ID);
  bp_emulator_set_invalid_grant (fixture->emulator, TRUE);

  cli = run_cli_with_keyring (fixture, ARGS ("--check-limits", "Production"));
  g_assert_cmpint (cli->status, ==, 2);
  g_assert_true (g_str_has_prefix (cli->err, "The refresh token of “Production” is no longer valid"));
  g_assert_nonnull (strstr (cli->err, "press Request token"));

  /* A check does not change the store: the window marks the account when it sees this. */
  contents = bp_test_read_file (fixture->store_path, NULL);
  g_assert_nonnull (strstr (contents, "\"valid\""));
}

static void
test_limits_emulator_down (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_autoptr(CliResult) cli = NULL;
  g_autofree char *token = NULL;

  if (!fixture->has_keyring)
    return;

  write_standard_store (fixture);
  token = seed_refresh_token (fixture, PRODUCTION_ID);
  bp_emulator_stop (fixture->emulator);

  cli = run_cli_with_keyring (fixture, ARGS ("--check-limits", "Production", "--warn-above", "1"));
  g_assert_cmpint (cli->status, ==, 4);
  g_assert_cmpstr (cli->out, ==, "");
  g_assert_true (g_str_has_prefix (cli->err, "The limits of “Production” could not be fetched: "));
}

static void
test_limits_forbidden (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(CliResult) cli = NULL;
  g_autofree char *token = NULL;

  if (!fixture->has_keyring)
    return;

  write_standard_store (fixture);
  token = seed_refresh_token (fixture, PRODUCTION_ID);
  bp_emulator_set_forbid_limits (fixture->emulator, TRUE);

  cli = run_cli_with_keyring (fixture, ARGS ("--check-limits", "Production", "--json"));
  g_assert_cmpint (cli->status, ==, 4);
  g_assert_cmpstr (cli->out, ==, "");
  g_assert_nonnull (strstr (cli->err, "INSUFFICIENT_ACCESS"));
}

/* ------------------------------------------------------------------ */
/* --export and --import                                               */

static void
test_export_import_round_trip (Fixture       *fixture,
                               gconstpointer  user_data)
{
  g_autofree char *other_home = NULL;
  g_autofree char *export_path = NULL;
  g_autofree char *exported = NULL;
  g_autofree char *token = NULL;
  g_autoptr(BpAccountStore) original = NULL;
  g_autoptr(BpAccountStore) copy = NULL;
  g_autoptr(JsonNode) root = NULL;
  gsize length = 0;

  if (!fixture->has_keyring)
    return;

  write_standard_store (fixture);
  store_secret (fixture, PRODUCTION_ID, BP_SECRET_KIND_CONSUMER_SECRET, SECRET);
  token = seed_refresh_token (fixture, PRODUCTION_ID);

  {
    g_autoptr(CliResult) cli = run_cli (fixture, ARGS ("--export", "backup.json"));

    g_assert_cmpint (cli->status, ==, 0);
    g_assert_nonnull (strstr (cli->out, "Exported 3 accounts to "));
    g_assert_nonnull (strstr (cli->out, "no consumer secret and no token"));
  }

  /* Relative to the command's directory; not one byte of a secret. */
  export_path = g_build_filename (fixture->dir, "backup.json", NULL);
  exported = bp_test_read_file (export_path, &length);
  bp_test_assert_no_substring (exported, length, SECRET);
  bp_test_assert_no_substring (exported, length, token);
  bp_test_assert_no_substring (exported, length, BP_EMULATOR_USERNAME);
  bp_test_assert_no_substring (exported, length, PRODUCTION_ID);
  bp_test_assert_no_substring (exported, length, "token-state");
  root = parse_json (exported);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (root), "application-version"), ==,
                   PACKAGE_VERSION);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (root), "format-version"), ==,
                   BP_ACCOUNT_EXPORT_FORMAT_VERSION);

  /* Into an empty store elsewhere, as on a new workstation. */
  other_home = g_build_filename (fixture->dir, "other-config", NULL);
  {
    const char *args[] = { "--import", export_path, NULL };
    g_autoptr(CliResult) cli = run_cli_full (fixture, other_home, BUS_PRIVATE, args);

    g_assert_cmpint (cli->status, ==, 0);
    g_assert_nonnull (strstr (cli->out, "Added “Production”.\n"));
    g_assert_nonnull (strstr (cli->out, "Imported 3 of 3 accounts from "));
    g_assert_nonnull (strstr (cli->out, "Before they can be used:\n"
                                        "  “Production” needs a consumer secret and a token.\n"
                                        "  “UAT sandbox” needs a consumer secret and a token.\n"
                                        "  “No token” needs a consumer secret and a token.\n"));
  }

  original = load_store (fixture->config_home);
  copy = load_store (other_home);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (copy)), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(BpAccount) a = g_list_model_get_item (G_LIST_MODEL (original), i);
      g_autoptr(BpAccount) b = g_list_model_get_item (G_LIST_MODEL (copy), i);
      BpSalesforceAccount *sa = BP_SALESFORCE_ACCOUNT (a);
      BpSalesforceAccount *sb = BP_SALESFORCE_ACCOUNT (b);

      g_assert_cmpstr (bp_account_get_name (a), ==, bp_account_get_name (b));
      g_assert_cmpint (bp_account_get_is_default (a), ==, bp_account_get_is_default (b));
      g_assert_cmpstr (bp_salesforce_account_get_url (sa), ==, bp_salesforce_account_get_url (sb));
      g_assert_cmpint (bp_salesforce_account_get_sandbox (sa), ==, bp_salesforce_account_get_sandbox (sb));
      g_assert_cmpstr (bp_salesforce_account_get_consumer_key (sa), ==, bp_salesforce_account_get_consumer_key (sb));
      g_assert_cmpstr (bp_salesforce_account_get_idp_certificate (sa), ==,
                       bp_salesforce_account_get_idp_certificate (sb));
      g_assert_cmpstr (bp_salesforce_account_get_idp_login_url (sa), ==, bp_salesforce_account_get_idp_login_url (sb));

      /* Minus secrets: no token, a new id (nothing in the keyring under it). */
      g_assert_cmpint (bp_salesforce_account_get_token_state (sb), ==, BP_TOKEN_STATE_NONE);
      g_assert_cmpstr (bp_account_get_id (a), !=, bp_account_get_id (b));
    }
}

static void
test_export_named (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "uat.json", NULL);
  g_autofree char *contents = NULL;

  write_standard_store (fixture);

  {
    g_autoptr(CliResult) cli = run_cli (fixture, ARGS ("--export", "uat.json", "uat SANDBOX"));

    g_assert_cmpint (cli->status, ==, 0);
    g_assert_nonnull (strstr (cli->out, "Exported 1 account to "));
  }
  contents = bp_test_read_file (path, NULL);
  g_assert_nonnull (strstr (contents, "UAT sandbox"));
  g_assert_null (strstr (contents, "Production"));
  g_assert_cmpint (g_unlink (path), ==, 0);

  {
    g_autoptr(CliResult) cli = run_cli (fixture, ARGS ("--export", "uat.json", "UAT sandbox", "Staging"));

    g_assert_cmpint (cli->status, ==, 2);
    g_assert_nonnull (strstr (cli->err, "no account named “Staging”, so nothing was exported"));
  }
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  /* "-" is the standard output: the file itself, parsable. */
  {
    g_autoptr(CliResult) cli = run_cli (fixture, ARGS ("--export", "-", "Production"));
    g_autoptr(JsonNode) root = NULL;

    g_assert_cmpint (cli->status, ==, 0);
    root = parse_json (cli->out);
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (root), "format"), ==,
                     BP_ACCOUNT_EXPORT_FORMAT);
  }
}

static char *
write_import_file (Fixture    *fixture,
                   const char *name,
                   const char *contents)
{
  char *path = g_build_filename (fixture->dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  return path;
}

#define EXPORT_HEAD "{\"format\": \"bp-integration-accounts-export\", \"format-version\": 1, \"accounts\": ["

static void
test_import_invalid_imports_nothing (Fixture       *fixture,
                                     gconstpointer  user_data)
{
  g_autofree char *path = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(CliResult) cli = NULL;

  write_standard_store (fixture);
  before = bp_test_read_file (fixture->store_path, NULL);
  path = write_import_file (fixture, "invalid.json", EXPORT_HEAD
                            "{\"type\": \"salesforce\", \"name\": \"Reporting\", \"idp-login-url\": \"/\"},"
                            "{\"type\": \"salesforce\", \"name\": \"Broken\", \"url\": \"http://acme.example\","
                            " \"idp-login-url\": \"/\"}]}");

  cli = run_cli (fixture, ARGS ("--import", "invalid.json"));
  g_assert_cmpint (cli->status, ==, 2);
  g_assert_cmpstr (cli->out, ==, "");
  g_assert_nonnull (strstr (cli->err, "Nothing was imported"));
  g_assert_nonnull (strstr (cli->err, "“Broken”"));

  after = bp_test_read_file (fixture->store_path, NULL);
  g_assert_cmpstr (after, ==, before);
}

static void
test_import_conflicts (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autofree char *path = NULL;
  static const struct {
    const char *mode;
    const char *decision;
    guint       n_accounts;
    const char *production_url;
  } modes[] = {
    { NULL, "Skipped “PRODUCTION”: an account of that name exists.\n", 4, ACME_URL },
    { "--on-conflict=skip", "Skipped “PRODUCTION”: an account of that name exists.\n", 4, ACME_URL },
    { "--on-conflict=rename", "Added “PRODUCTION” as “PRODUCTION 2”: the name is taken.\n", 5, ACME_URL },
    { "--on-conflict=replace", "Replaced the settings of “PRODUCTION” with those in the file.\n", 4,
      "https://acme2.my.salesforce.com/" },
  };

  path = write_import_file (fixture, "conflict.json", EXPORT_HEAD
                            "{\"type\": \"salesforce\", \"name\": \"PRODUCTION\","
                            " \"url\": \"https://acme2.my.salesforce.com/\", \"idp-login-url\": \"/\"},"
                            "{\"type\": \"salesforce\", \"name\": \"Reporting\", \"idp-login-url\": \"/\"}]}");

  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      g_autoptr(CliResult) cli = NULL;
      g_autoptr(BpAccountStore) store = NULL;
      BpAccount *production;
      const char *with_mode[] = { "--import", "conflict.json", modes[i].mode, NULL };

      write_standard_store (fixture);
      cli = run_cli (fixture, with_mode);

      g_assert_cmpint (cli->status, ==, 0);
      g_assert_true (g_str_has_prefix (cli->out, modes[i].decision));
      g_assert_nonnull (strstr (cli->out, "Added “Reporting”.\n"));

      store = load_store (fixture->config_home);
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, modes[i].n_accounts);
      production = bp_account_store_find_by_id (store, PRODUCTION_ID);
      g_assert_nonnull (production);
      g_assert_cmpstr (bp_salesforce_account_get_url (BP_SALESFORCE_ACCOUNT (production)), ==,
                       modes[i].production_url);
    }
}

static void
test_import_newer_format (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autofree char *path = NULL;
  g_autoptr(CliResult) cli = NULL;

  path = write_import_file (fixture, "newer.json",
                            "{\"format\": \"bp-integration-accounts-export\", \"format-version\": 7,"
                            " \"application-version\": \"3.1.0\", \"accounts\": []}");

  cli = run_cli (fixture, ARGS ("--import", "newer.json"));
  g_assert_cmpint (cli->status, ==, 2);
  g_assert_cmpstr (cli->out, ==, "");
  g_assert_nonnull (strstr (cli->err, "exported by Integration Accounts 3.1.0 in format version 7"));
  g_assert_nonnull (strstr (cli->err, "Update Integration Accounts to import it"));
  g_assert_false (g_file_test (fixture->store_path, G_FILE_TEST_EXISTS));
}

static void
test_import_malformed (Fixture       *fixture,
                       gconstpointer  user_data)
{
  static const char *files[] = {
    "{\"format\": \"bp-integration-accounts-export\", \"format-version\": 1, \"accounts\": [",
    "[1, 2, 3]",
    "{\"version\": 1, \"accounts\": []}",
  };

  write_standard_store (fixture);

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = write_import_file (fixture, "malformed.json", files[i]);
      g_autoptr(CliResult) cli = run_cli (fixture, ARGS ("--import", "malformed.json"));

      g_assert_cmpint (cli->status, ==, 2);
      g_assert_nonnull (strstr (cli->err, "is not an Integration Accounts export"));
    }

  /* And a file that is not there. */
  {
    g_autoptr(CliResult) cli = run_cli (fixture, ARGS ("--import", "missing.json"));

    g_assert_cmpint (cli->status, ==, 2);
    g_assert_nonnull (strstr (cli->err, "missing.json could not be read"));
  }
}

/* ------------------------------------------------------------------ */
/* The running instance                                                */

static void
quit_application (GDBusConnection *bus)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_strdup_printf ("/%s", APPLICATION_ID);

  g_strdelimit (path, ".", '/');
  reply = g_dbus_connection_call_sync (bus, APPLICATION_ID, path, "org.freedesktop.Application", "ActivateAction",
                                       g_variant_new ("(sava{sv})", "quit", NULL, NULL), NULL,
                                       G_DBUS_CALL_FLAGS_NONE, 5000, NULL, &error);
  g_assert_no_error (error);
}

static void
test_import_into_running_instance (Fixture       *fixture,
                                   gconstpointer  user_data)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) window = NULL;
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *second_home = NULL;
  g_autofree char *contents = NULL;
  const char *argv[] = { get_executable (), NULL };
  gint64 deadline;

  if (!bp_test_require_display ())
    return;

  write_standard_store (fixture);
  path = write_import_file (fixture, "reporting.json", EXPORT_HEAD
                            "{\"type\": \"salesforce\", \"name\": \"Reporting\", \"idp-login-url\": \"/\"}]}");

  /* The window, on the private bus, with the display. */
  launcher = make_launcher (fixture, fixture->config_home, BUS_PRIVATE, G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_subprocess_launcher_set_cwd (launcher, "/");
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  window = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);

  bus = connect_private_bus ();
  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (!name_has_owner (bus, APPLICATION_ID) && g_get_monotonic_time () < deadline)
    g_usleep (50 * 1000);
  g_assert_true (name_has_owner (bus, APPLICATION_ID));

  /* A second process, in another directory and with another config
   * home, hands the import to the running instance. */
  second_home = g_build_filename (fixture->dir, "second-config", NULL);
  {
    g_autoptr(CliResult) cli = run_cli_full (fixture, second_home, BUS_PRIVATE, ARGS ("--import", "reporting.json"));
    g_autofree char *expected = g_strdup_printf ("Added “Reporting”.\n"
                                                 "Imported 1 of 1 account from %s.\n"
                                                 "Before they can be used:\n"
                                                 "  “Reporting” needs a consumer secret and a token.\n"
                                                 "Open each in Integration Accounts, type its Consumer secret if it "
                                                 "needs one and press Apply, then press Request token.\n", path);

    g_assert_cmpint (cli->status, ==, 0);
    g_assert_cmpstr (cli->out, ==, expected);
  }

  /* The running instance's store took it: its file, and its memory (a
   * second import sees the name taken there). */
  contents = bp_test_read_file (fixture->store_path, NULL);
  g_assert_nonnull (strstr (contents, "\"Reporting\""));
  g_assert_false (g_file_test (second_home, G_FILE_TEST_EXISTS));
  {
    g_autoptr(CliResult) cli = run_cli_full (fixture, second_home, BUS_PRIVATE, ARGS ("--import", "reporting.json"));

    g_assert_cmpint (cli->status, ==, 0);
    g_assert_true (g_str_has_prefix (cli->out, "Skipped “Reporting”: an account of that name exists.\n"));
  }

  /* Its failures come back with their status. */
  {
    g_autoptr(CliResult) cli = run_cli_full (fixture, second_home, BUS_PRIVATE, ARGS ("--import", "missing.json"));

    g_assert_cmpint (cli->status, ==, 2);
    g_assert_nonnull (strstr (cli->err, "missing.json could not be read"));
  }

  quit_application (bus);
  g_subprocess_wait_check_async (window, NULL, bp_test_store_result_cb, &result);
  g_subprocess_wait_check_finish (window, bp_test_await_result (&result, WAIT_MS), &error);
  g_assert_no_error (error);

  g_clear_pointer (&contents, g_free);
  contents = bp_test_read_file (fixture->store_path, NULL);
  g_assert_nonnull (strstr (contents, "\"Reporting\""));
  g_assert_nonnull (strstr (contents, "\"Production\""));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, GINT_TO_POINTER (FALSE), fixture_set_up, func, fixture_tear_down)
#define ADD_KEYRING(path, func) \
  g_test_add (path, Fixture, GINT_TO_POINTER (TRUE), fixture_set_up, func, fixture_tear_down)
  ADD ("/command-line/help", test_help);
  ADD ("/command-line/version", test_version);
  ADD ("/command-line/usage-errors", test_usage_errors);
  ADD ("/command-line/list/table", test_list_table);
  ADD ("/command-line/list/json", test_list_json);
  ADD ("/command-line/list/empty", test_list_empty);
  ADD_KEYRING ("/command-line/check-limits/table", test_limits_table);
  ADD_KEYRING ("/command-line/check-limits/json", test_limits_json);
  ADD_KEYRING ("/command-line/check-limits/warn-above", test_limits_warn_above);
  ADD ("/command-line/check-limits/unknown-account", test_limits_unknown_account);
  ADD_KEYRING ("/command-line/check-limits/without-token", test_limits_without_token);
  ADD_KEYRING ("/command-line/check-limits/token-refused", test_limits_token_refused);
  ADD_KEYRING ("/command-line/check-limits/emulator-down", test_limits_emulator_down);
  ADD_KEYRING ("/command-line/check-limits/forbidden", test_limits_forbidden);
  ADD_KEYRING ("/command-line/export-import/round-trip", test_export_import_round_trip);
  ADD ("/command-line/export/named", test_export_named);
  ADD ("/command-line/import/invalid-imports-nothing", test_import_invalid_imports_nothing);
  ADD ("/command-line/import/conflicts", test_import_conflicts);
  ADD ("/command-line/import/newer-format", test_import_newer_format);
  ADD ("/command-line/import/malformed", test_import_malformed);
  ADD ("/command-line/import/running-instance", test_import_into_running_instance);
#undef ADD
#undef ADD_KEYRING

  status = g_test_run ();

  if (private_bus != NULL)
    {
      g_subprocess_force_exit (private_bus);
      g_subprocess_wait (private_bus, NULL, NULL);
      g_clear_object (&private_bus);
    }
  g_free (private_bus_address);

  return status;
}

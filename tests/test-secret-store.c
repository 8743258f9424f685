/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-secret-store"

#include "config.h"

/* For secret_collection_new_for_dbus_path(), used on a collection the test makes. */
#define SECRET_API_SUBJECT_TO_CHANGE
#include <libsecret/secret.h>
#include <signal.h>
#include <string.h>
#include <glib/gstdio.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <unistd.h>

#include "bp-account-store.h"
#include "bp-error.h"
#include "bp-salesforce-account.h"
#include "bp-secret-store.h"
#include "bp-test-utils.h"

#define SCHEMA_NAME           "com.brightpattern.IntegrationAccounts.Secret"
#define KIND_CONSUMER_SECRET  "consumer-secret"
#define KIND_REFRESH_TOKEN    "refresh-token"
#define LABEL                 "Integration Accounts test secret"

/* Every keyring call here answers in milliseconds; these only stop a hang. */
#define WAIT_MS               5000
#define SUBPROCESS_TIMEOUT_US (30 * G_USEC_PER_SEC)

/* A call that gives up at once (no service, a prompt that cannot be shown)
 * ends within this; one that waited would take the store's 15 s deadline or
 * D-Bus's 25 s. Milliseconds normally; the margin is for a loaded machine
 * and for valgrind. */
#define GAVE_UP_AT_ONCE_US    (10 * G_USEC_PER_SEC)

/* The private keyring of the locked tests; it lives in a temp dir. */
#define PRIVATE_KEYRING_PASSWORD "bp-ia-private-keyring"

/* Waiting for async results */

typedef struct
{
  gboolean      done;
  GAsyncResult *result;
} Waiter;

static void
waiter_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Waiter *waiter = user_data;

  g_assert_false (waiter->done);
  waiter->result = g_object_ref (result);
  waiter->done = TRUE;
}

static GAsyncResult *
waiter_wait (Waiter *waiter)
{
  bp_test_wait_until (&waiter->done, WAIT_MS);
  return waiter->result;
}

static void
waiter_clear (Waiter *waiter)
{
  g_clear_object (&waiter->result);
  waiter->done = FALSE;
}

/* Synchronous wrappers over the store, for the tests only */

static gboolean
store_secret (BpSecretStore  *store,
              const char     *account_id,
              const char     *kind,
              const char     *secret,
              GError        **error)
{
  Waiter waiter = { 0 };
  gboolean ok;

  bp_secret_store_store_async (store, account_id, kind, LABEL, secret, NULL,
                               waiter_done_cb, &waiter);
  ok = bp_secret_store_store_finish (store, waiter_wait (&waiter), error);
  waiter_clear (&waiter);
  return ok;
}

static char *
lookup_secret (BpSecretStore  *store,
               const char     *account_id,
               const char     *kind,
               GError        **error)
{
  Waiter waiter = { 0 };
  char *secret;

  bp_secret_store_lookup_async (store, account_id, kind, NULL, waiter_done_cb, &waiter);
  secret = bp_secret_store_lookup_finish (store, waiter_wait (&waiter), error);
  waiter_clear (&waiter);
  return secret;
}

static gboolean
clear_secrets (BpSecretStore  *store,
               const char     *account_id,
               const char     *kind,
               GError        **error)
{
  Waiter waiter = { 0 };
  gboolean ok;

  bp_secret_store_clear_async (store, account_id, kind, NULL, waiter_done_cb, &waiter);
  ok = bp_secret_store_clear_finish (store, waiter_wait (&waiter), error);
  waiter_clear (&waiter);
  return ok;
}

static void
assert_secret_equals (BpSecretStore *store,
                      const char    *account_id,
                      const char    *kind,
                      const char    *expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BpSecret) secret = lookup_secret (store, account_id, kind, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, expected);
}

static void
assert_secret_missing (BpSecretStore *store,
                       const char    *account_id,
                       const char    *kind)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BpSecret) secret = lookup_secret (store, account_id, kind, &error);

  g_assert_error (error, BP_ERROR, BP_ERROR_SECRET_NOT_FOUND);
  g_assert_null (secret);
}

/* Direct libsecret access, to check what the store wrote */

static SecretService *
get_service (void)
{
  g_autoptr(GError) error = NULL;
  Waiter waiter = { 0 };
  SecretService *service;

  secret_service_get (SECRET_SERVICE_OPEN_SESSION, NULL, waiter_done_cb, &waiter);
  service = secret_service_get_finish (waiter_wait (&waiter), &error);
  g_assert_no_error (error);
  waiter_clear (&waiter);
  return service;
}

/* All items of the account (and kind), matched on the raw attributes and the
 * schema name, without a schema. */
static GList *
search_items (SecretService *service,
              const char    *account_id,
              const char    *kind)
{
  g_autoptr(GHashTable) attributes = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;
  Waiter waiter = { 0 };
  GList *items;

  g_hash_table_insert (attributes, (gpointer) "xdg:schema", (gpointer) SCHEMA_NAME);
  g_hash_table_insert (attributes, (gpointer) "account-id", (gpointer) account_id);
  if (kind != NULL)
    g_hash_table_insert (attributes, (gpointer) "kind", (gpointer) kind);

  secret_service_search (service, NULL, attributes, SECRET_SEARCH_ALL, NULL,
                         waiter_done_cb, &waiter);
  items = secret_service_search_finish (service, waiter_wait (&waiter), &error);
  g_assert_no_error (error);
  waiter_clear (&waiter);
  return items;
}

static guint
count_items (SecretService *service,
             const char    *account_id,
             const char    *kind)
{
  GList *items = search_items (service, account_id, kind);
  guint n_items = g_list_length (items);

  g_list_free_full (items, g_object_unref);
  return n_items;
}

static SecretCollection *
get_default_collection (SecretService *service)
{
  g_autoptr(GError) error = NULL;
  Waiter waiter = { 0 };
  SecretCollection *collection;

  secret_collection_for_alias (service, SECRET_COLLECTION_DEFAULT, SECRET_COLLECTION_NONE, NULL,
                               waiter_done_cb, &waiter);
  collection = secret_collection_for_alias_finish (waiter_wait (&waiter), &error);
  g_assert_no_error (error);
  g_assert_nonnull (collection);
  waiter_clear (&waiter);
  return collection;
}

/* Tests against the session's keyring. Every test uses fresh account ids, so
 * the tests never see each other's items (nor those of other test programs). */

static void
check_store_lookup_clear (const char *kind,
                          const char *other_kind)
{
  g_autoptr(BpSecretStore) store = bp_secret_store_new ();
  g_autofree char *account_id = g_uuid_string_random ();
  g_autoptr(GError) error = NULL;

  assert_secret_missing (store, account_id, kind);

  g_assert_true (store_secret (store, account_id, kind, "s3cr3t-value", &error));
  g_assert_no_error (error);
  assert_secret_equals (store, account_id, kind, "s3cr3t-value");

  /* The kinds are separate items. */
  assert_secret_missing (store, account_id, other_kind);
  g_assert_true (store_secret (store, account_id, other_kind, "other-value", &error));
  g_assert_no_error (error);
  assert_secret_equals (store, account_id, kind, "s3cr3t-value");
  assert_secret_equals (store, account_id, other_kind, "other-value");

  /* Clearing one kind leaves the other. */
  g_assert_true (clear_secrets (store, account_id, kind, &error));
  g_assert_no_error (error);
  assert_secret_missing (store, account_id, kind);
  assert_secret_equals (store, account_id, other_kind, "other-value");

  g_assert_true (clear_secrets (store, account_id, other_kind, &error));
  g_assert_no_error (error);
  assert_secret_missing (store, account_id, other_kind);
}

static void
test_consumer_secret (void)
{
  if (!bp_test_require_keyring ())
    return;

  check_store_lookup_clear (KIND_CONSUMER_SECRET, KIND_REFRESH_TOKEN);
}

static void
test_refresh_token (void)
{
  if (!bp_test_require_keyring ())
    return;

  check_store_lookup_clear (KIND_REFRESH_TOKEN, KIND_CONSUMER_SECRET);
}

static void
test_item_in_default_collection (void)
{
  g_autoptr(BpSecretStore) store = NULL;
  g_autoptr(SecretService) service = NULL;
  g_autoptr(SecretCollection) collection = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  g_autofree char *account_id = g_uuid_string_random ();
  g_autofree char *label = NULL;
  g_autofree char *prefix = NULL;
  g_autoptr(GError) error = NULL;
  GList *items;
  SecretItem *item;

  if (!bp_test_require_keyring ())
    return;

  store = bp_secret_store_new ();
  g_assert_true (store_secret (store, account_id, KIND_REFRESH_TOKEN, "token", &error));
  g_assert_no_error (error);

  service = get_service ();
  items = search_items (service, account_id, NULL);
  g_assert_cmpuint (g_list_length (items), ==, 1);
  item = items->data;

  /* Exactly the schema's attributes, the schema name and the caller's label. */
  attributes = secret_item_get_attributes (item);
  g_assert_cmpuint (g_hash_table_size (attributes), ==, 3);
  g_assert_cmpstr (g_hash_table_lookup (attributes, "account-id"), ==, account_id);
  g_assert_cmpstr (g_hash_table_lookup (attributes, "kind"), ==, KIND_REFRESH_TOKEN);
  g_assert_cmpstr (g_hash_table_lookup (attributes, "xdg:schema"), ==, SCHEMA_NAME);
  label = secret_item_get_label (item);
  g_assert_cmpstr (label, ==, LABEL);

  /* In the default collection. */
  collection = get_default_collection (service);
  prefix = g_strconcat (g_dbus_proxy_get_object_path (G_DBUS_PROXY (collection)), "/", NULL);
  g_assert_true (g_str_has_prefix (g_dbus_proxy_get_object_path (G_DBUS_PROXY (item)), prefix));

  g_list_free_full (items, g_object_unref);

  g_assert_true (clear_secrets (store, account_id, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_items (service, account_id, NULL), ==, 0);
}

static void
test_accounts_independent (void)
{
  g_autoptr(BpSecretStore) store = NULL;
  g_autofree char *first = g_uuid_string_random ();
  g_autofree char *second = g_uuid_string_random ();
  g_autoptr(GError) error = NULL;

  if (!bp_test_require_keyring ())
    return;

  store = bp_secret_store_new ();
  g_assert_true (store_secret (store, first, KIND_CONSUMER_SECRET, "first secret", &error));
  g_assert_no_error (error);
  g_assert_true (store_secret (store, second, KIND_CONSUMER_SECRET, "second secret", &error));
  g_assert_no_error (error);

  assert_secret_equals (store, first, KIND_CONSUMER_SECRET, "first secret");
  assert_secret_equals (store, second, KIND_CONSUMER_SECRET, "second secret");

  /* Replacing or clearing one account leaves the other alone. */
  g_assert_true (store_secret (store, first, KIND_CONSUMER_SECRET, "first, again", &error));
  g_assert_no_error (error);
  assert_secret_equals (store, second, KIND_CONSUMER_SECRET, "second secret");

  g_assert_true (clear_secrets (store, first, KIND_CONSUMER_SECRET, &error));
  g_assert_no_error (error);
  assert_secret_missing (store, first, KIND_CONSUMER_SECRET);
  assert_secret_equals (store, second, KIND_CONSUMER_SECRET, "second secret");

  g_assert_true (clear_secrets (store, second, NULL, &error));
  g_assert_no_error (error);
}

static void
test_replace (void)
{
  g_autoptr(BpSecretStore) store = NULL;
  g_autoptr(SecretService) service = NULL;
  g_autofree char *account_id = g_uuid_string_random ();
  g_autoptr(GError) error = NULL;

  if (!bp_test_require_keyring ())
    return;

  store = bp_secret_store_new ();
  service = get_service ();

  g_assert_true (store_secret (store, account_id, KIND_REFRESH_TOKEN, "old token", &error));
  g_assert_no_error (error);
  g_assert_true (store_secret (store, account_id, KIND_REFRESH_TOKEN, "new token", &error));
  g_assert_no_error (error);

  assert_secret_equals (store, account_id, KIND_REFRESH_TOKEN, "new token");
  g_assert_cmpuint (count_items (service, account_id, KIND_REFRESH_TOKEN), ==, 1);

  g_assert_true (clear_secrets (store, account_id, NULL, &error));
  g_assert_no_error (error);
}

static void
test_clear_all_kinds (void)
{
  g_autoptr(BpSecretStore) store = NULL;
  g_autoptr(SecretService) service = NULL;
  g_autofree char *account_id = g_uuid_string_random ();
  g_autofree char *other_id = g_uuid_string_random ();
  g_autoptr(GError) error = NULL;

  if (!bp_test_require_keyring ())
    return;

  store = bp_secret_store_new ();
  service = get_service ();

  g_assert_true (store_secret (store, account_id, KIND_CONSUMER_SECRET, "consumer", &error));
  g_assert_no_error (error);
  g_assert_true (store_secret (store, account_id, KIND_REFRESH_TOKEN, "refresh", &error));
  g_assert_no_error (error);
  g_assert_true (store_secret (store, other_id, KIND_REFRESH_TOKEN, "other", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_items (service, account_id, NULL), ==, 2);

  g_assert_true (clear_secrets (store, account_id, NULL, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (count_items (service, account_id, NULL), ==, 0);
  assert_secret_missing (store, account_id, KIND_CONSUMER_SECRET);
  assert_secret_missing (store, account_id, KIND_REFRESH_TOKEN);
  assert_secret_equals (store, other_id, KIND_REFRESH_TOKEN, "other");

  g_assert_true (clear_secrets (store, other_id, NULL, &error));
  g_assert_no_error (error);
}

static void
test_clear_nothing (void)
{
  g_autoptr(BpSecretStore) store = NULL;
  g_autofree char *account_id = g_uuid_string_random ();
  g_autoptr(GError) error = NULL;

  if (!bp_test_require_keyring ())
    return;

  store = bp_secret_store_new ();
  g_assert_true (clear_secrets (store, account_id, KIND_CONSUMER_SECRET, &error));
  g_assert_no_error (error);
  g_assert_true (clear_secrets (store, account_id, NULL, &error));
  g_assert_no_error (error);
}

static void
test_lookup_missing (void)
{
  g_autoptr(BpSecretStore) store = NULL;
  g_autofree char *account_id = g_uuid_string_random ();
  g_autoptr(GError) error = NULL;
  g_autoptr(BpSecret) secret = NULL;

  if (!bp_test_require_keyring ())
    return;

  store = bp_secret_store_new ();
  secret = lookup_secret (store, account_id, KIND_REFRESH_TOKEN, &error);
  g_assert_error (error, BP_ERROR, BP_ERROR_SECRET_NOT_FOUND);
  g_assert_null (secret);
  g_assert_nonnull (strstr (error->message, "refresh token"));
}

static void
test_unicode_and_long (void)
{
  g_autoptr(BpSecretStore) store = NULL;
  g_autofree char *account_id = g_uuid_string_random ();
  g_autoptr(GString) long_secret = g_string_new (NULL);
  const char *unicode = "Zugangsschlüssel ключ 秘密 🔑 \"quoted\" 'single' \\ tab\tend";
  g_autoptr(GError) error = NULL;

  if (!bp_test_require_keyring ())
    return;

  /* 4 KiB of mixed one- to four-byte characters. */
  while (long_secret->len < 4096 - 8)
    g_string_append (long_secret, "aé€🔑");
  while (long_secret->len < 4096)
    g_string_append_c (long_secret, 'z');
  g_assert_cmpuint (long_secret->len, ==, 4096);
  g_assert_true (g_utf8_validate (long_secret->str, long_secret->len, NULL));

  store = bp_secret_store_new ();
  g_assert_true (store_secret (store, account_id, KIND_CONSUMER_SECRET, unicode, &error));
  g_assert_no_error (error);
  g_assert_true (store_secret (store, account_id, KIND_REFRESH_TOKEN, long_secret->str, &error));
  g_assert_no_error (error);

  assert_secret_equals (store, account_id, KIND_CONSUMER_SECRET, unicode);
  assert_secret_equals (store, account_id, KIND_REFRESH_TOKEN, long_secret->str);

  g_assert_true (clear_secrets (store, account_id, NULL, &error));
  g_assert_no_error (error);
}

static void
test_cancelled (void)
{
  g_autoptr(BpSecretStore) store = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *account_id = g_uuid_string_random ();
  g_autoptr(GError) error = NULL;
  g_autoptr(BpSecret) secret = NULL;
  Waiter waiter = { 0 };

  if (!bp_test_require_keyring ())
    return;

  store = bp_secret_store_new ();
  g_cancellable_cancel (cancellable);

  bp_secret_store_lookup_async (store, account_id, KIND_CONSUMER_SECRET, cancellable,
                                waiter_done_cb, &waiter);
  secret = bp_secret_store_lookup_finish (store, waiter_wait (&waiter), &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (secret);
  waiter_clear (&waiter);
  g_clear_error (&error);

  bp_secret_store_store_async (store, account_id, KIND_CONSUMER_SECRET, LABEL, "never stored",
                               cancellable, waiter_done_cb, &waiter);
  g_assert_false (bp_secret_store_store_finish (store, waiter_wait (&waiter), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  waiter_clear (&waiter);
  g_clear_error (&error);

  assert_secret_missing (store, account_id, KIND_CONSUMER_SECRET);
}

/* No Secret Service: libsecret asks the bus for a name nobody owns and that
 * nothing can activate. SECRET_SERVICE_BUS_NAME is read once, when the
 * service proxy is first made, hence a fresh process. */

static void
check_no_service_error (const GError *error,
                        gint64        started)
{
  g_assert_error (error, BP_ERROR, BP_ERROR_NO_SECRET_SERVICE);
  g_assert_true (g_str_has_prefix (error->message, "No keyring service is running"));
  g_assert_cmpint (g_get_monotonic_time () - started, <, GAVE_UP_AT_ONCE_US);
}

static void
test_no_service (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(BpSecretStore) store = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(BpSecret) secret = NULL;
      gint64 started;

      g_setenv ("SECRET_SERVICE_BUS_NAME", "com.brightpattern.IntegrationAccounts.Test.NoKeyring",
                TRUE);
      store = bp_secret_store_new ();

      started = g_get_monotonic_time ();
      secret = lookup_secret (store, "no-such-account", KIND_CONSUMER_SECRET, &error);
      g_assert_null (secret);
      check_no_service_error (error, started);
      g_clear_error (&error);

      started = g_get_monotonic_time ();
      g_assert_false (store_secret (store, "no-such-account", KIND_CONSUMER_SECRET,
                                    "unstored-secret-value", &error));
      check_no_service_error (error, started);
      g_assert_null (strstr (error->message, "unstored-secret-value"));
      g_clear_error (&error);

      started = g_get_monotonic_time ();
      g_assert_false (clear_secrets (store, "no-such-account", NULL, &error));
      check_no_service_error (error, started);
      return;
    }

  if (!bp_test_require_session_bus ())
    return;

  g_test_trap_subprocess (NULL, SUBPROCESS_TIMEOUT_US, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* A locked keyring. Locking the session's default collection would break the
 * other test programs that use the keyring at the same time, so this test runs
 * in a fresh process with its own session bus and gnome-keyring. The bus
 * has no DISPLAY, so an unlock prompt fails at once (as in the headless
 * session) instead of waiting for a user. */

typedef struct
{
  char        *dir;
  GSubprocess *bus;
  GSubprocess *keyring;
  GSubprocessLauncher *launcher;
} PrivateKeyring;

/* Child setup of every daemon a test starts, with the test's pid as
 * @user_data. If the test aborts or its subprocess is killed on a timeout,
 * the daemons go with it: one left behind would keep meson waiting for the
 * end of the test's output until meson's own timeout. SIGKILL, as a daemon
 * may not get to handle SIGTERM. A test that died between the fork and the
 * prctl() call is not signalled: the child sees it and gives up. */
static void
die_with_parent_cb (gpointer user_data)
{
#ifdef __linux__
  if (prctl (PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid () != GPOINTER_TO_INT (user_data))
    _exit (1);
#endif
}

/* Starts dbus-daemon with @launcher and the options given, and returns its
 * address once it accepts connections: dbus-daemon prints it only then. A
 * socket file appearing is not enough: it exists a moment before the daemon
 * listens, and a connection then is refused. If the daemon dies first, the
 * pipe ends and the test fails here instead of waiting. */
static GSubprocess *
spawn_bus (GSubprocessLauncher  *launcher,
           char                **address,
           const char           *option,
           ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GDataInputStream) output = NULL;
  g_autoptr(GError) error = NULL;
  GSubprocess *bus;
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (gpointer) "dbus-daemon");
  g_ptr_array_add (argv, (gpointer) "--nofork");
  g_ptr_array_add (argv, (gpointer) "--nopidfile");
  g_ptr_array_add (argv, (gpointer) "--print-address=1");
  va_start (args, option);
  for (arg = option; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_subprocess_launcher_set_flags (launcher, G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                   G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  bus = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  output = g_data_input_stream_new (g_subprocess_get_stdout_pipe (bus));
  *address = g_data_input_stream_read_line (output, NULL, NULL, &error);
  g_assert_no_error (error);
  if (*address == NULL)
    g_error ("dbus-daemon ended before it listened");

  return bus;
}

static void
make_private_dir (GSubprocessLauncher *launcher,
                  const char          *parent,
                  const char          *name,
                  const char          *variable)
{
  g_autofree char *path = g_build_filename (parent, name, NULL);

  g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
  g_subprocess_launcher_setenv (launcher, variable, path, TRUE);
}

static gboolean
bus_name_has_owner (GDBusConnection *bus,
                    const char      *name)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  gboolean has_owner = FALSE;

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", name), G_VARIANT_TYPE ("(b)"),
                                       G_DBUS_CALL_FLAGS_NONE, WAIT_MS, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(b)", &has_owner);
  return has_owner;
}

/* Starts gnome-keyring-daemon on the private bus and waits until it owns
 * org.freedesktop.secrets. It creates the login keyring with the password,
 * unlocked, as the default collection, or unlocks the one it finds. */
static void
private_keyring_start_daemon (PrivateKeyring *keyring)
{
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GError) error = NULL;
  GOutputStream *input;
  gint64 deadline;

  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);

  g_subprocess_launcher_set_flags (keyring->launcher, G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                   G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                   G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  keyring->keyring = g_subprocess_launcher_spawn (keyring->launcher, &error, "gnome-keyring-daemon",
                                                  "--foreground", "--unlock",
                                                  "--components=secrets", NULL);
  g_assert_no_error (error);
  input = g_subprocess_get_stdin_pipe (keyring->keyring);
  g_output_stream_write_all (input, PRIVATE_KEYRING_PASSWORD, strlen (PRIVATE_KEYRING_PASSWORD),
                             NULL, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_close (input, NULL, &error);
  g_assert_no_error (error);

  deadline = g_get_monotonic_time () + WAIT_MS * 1000;
  while (!bus_name_has_owner (bus, "org.freedesktop.secrets") &&
         g_get_monotonic_time () < deadline)
    g_usleep (10 * 1000);
  g_assert_true (bus_name_has_owner (bus, "org.freedesktop.secrets"));
}

/* Must run before anything in this process touches the session bus. */
static void
private_keyring_start (PrivateKeyring *keyring)
{
  g_autofree char *socket_path = NULL;
  g_autofree char *address = NULL;
  g_autofree char *address_option = NULL;

  keyring->dir = bp_test_make_temp_dir ();
  socket_path = g_build_filename (keyring->dir, "bus", NULL);
  address_option = g_strconcat ("--address=unix:path=", socket_path, NULL);

  keyring->launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  make_private_dir (keyring->launcher, keyring->dir, "home", "HOME");
  make_private_dir (keyring->launcher, keyring->dir, "data", "XDG_DATA_HOME");
  make_private_dir (keyring->launcher, keyring->dir, "config", "XDG_CONFIG_HOME");
  make_private_dir (keyring->launcher, keyring->dir, "cache", "XDG_CACHE_HOME");
  make_private_dir (keyring->launcher, keyring->dir, "runtime", "XDG_RUNTIME_DIR");
  g_subprocess_launcher_unsetenv (keyring->launcher, "DISPLAY");
  g_subprocess_launcher_unsetenv (keyring->launcher, "WAYLAND_DISPLAY");
  g_subprocess_launcher_set_child_setup (keyring->launcher, die_with_parent_cb,
                                         GINT_TO_POINTER (getpid ()), NULL);

  /* Nothing the bus activates may reach the session's bus instead. */
  g_subprocess_launcher_unsetenv (keyring->launcher, "DBUS_SESSION_BUS_ADDRESS");
  keyring->bus = spawn_bus (keyring->launcher, &address, "--session", address_option, NULL);

  /* GDBus and libsecret in this process, and the keyring daemon, use this bus. */
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", address, TRUE);
  g_subprocess_launcher_setenv (keyring->launcher, "DBUS_SESSION_BUS_ADDRESS", address, TRUE);

  private_keyring_start_daemon (keyring);
}

/* Stops the keyring daemon and starts a new one on the same files, as after
 * logging in again: the login keyring is unlocked, the others are read from
 * disk, locked. The libsecret service of this process belongs to the old
 * daemon and is dropped; make new ones afterwards. */
static void
private_keyring_restart_daemon (PrivateKeyring *keyring)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GError) error = NULL;
  gint64 deadline;

  secret_service_disconnect ();

  g_subprocess_send_signal (keyring->keyring, SIGTERM);
  g_subprocess_wait (keyring->keyring, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&keyring->keyring);

  /* The bus releases the name when it sees the connection close. */
  deadline = g_get_monotonic_time () + WAIT_MS * 1000;
  while (bus_name_has_owner (bus, "org.freedesktop.secrets") && g_get_monotonic_time () < deadline)
    g_usleep (10 * 1000);
  g_assert_false (bus_name_has_owner (bus, "org.freedesktop.secrets"));

  private_keyring_start_daemon (keyring);
}

static void
private_keyring_stop (PrivateKeyring *keyring)
{
  if (keyring->keyring != NULL)
    g_subprocess_send_signal (keyring->keyring, SIGTERM);
  if (keyring->bus != NULL)
    g_subprocess_send_signal (keyring->bus, SIGTERM);
  g_clear_object (&keyring->keyring);
  g_clear_object (&keyring->bus);
  g_clear_object (&keyring->launcher);
  bp_test_remove_tree (keyring->dir);
  g_clear_pointer (&keyring->dir, g_free);
}

static void
lock_collection (SecretService    *service,
                 SecretCollection *collection)
{
  g_autoptr(GError) error = NULL;
  GList *objects = g_list_prepend (NULL, collection);
  Waiter waiter = { 0 };

  secret_service_lock (service, objects, NULL, waiter_done_cb, &waiter);
  g_assert_cmpint (secret_service_lock_finish (service, waiter_wait (&waiter), NULL, &error),
                   ==, 1);
  g_assert_no_error (error);
  waiter_clear (&waiter);
  g_list_free (objects);
}

/* gnome-keyring creates and unlocks collections without a prompt through its
 * internal interface. The password travels as a secret of a "plain" session
 * of this connection; returns that (floating) secret. */
static GVariant *
build_master_secret (GDBusConnection *bus,
                     const char      *password)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  const char *session_path;

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.secrets", "/org/freedesktop/secrets",
                                       "org.freedesktop.Secret.Service", "OpenSession",
                                       g_variant_new ("(sv)", "plain", g_variant_new_string ("")),
                                       G_VARIANT_TYPE ("(vo)"), G_DBUS_CALL_FLAGS_NONE, WAIT_MS,
                                       NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(v&o)", NULL, &session_path);

  return g_variant_new ("(o@ay@ays)", session_path,
                        g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, "", 0, 1),
                        g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, password,
                                                   strlen (password), 1),
                        "text/plain");
}

static GVariant *
call_internal_interface (const char *method,
                         GVariant   *parameters,
                         const char *reply_type)
{
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GError) error = NULL;
  GVariant *reply;

  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.secrets", "/org/freedesktop/secrets",
                                       "org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface",
                                       method, parameters, G_VARIANT_TYPE (reply_type),
                                       G_DBUS_CALL_FLAGS_NONE, WAIT_MS, NULL, &error);
  g_assert_no_error (error);
  return reply;
}

static void
unlock_collection_with_password (SecretCollection *collection,
                                 const char       *password)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  const char *collection_path = g_dbus_proxy_get_object_path (G_DBUS_PROXY (collection));
  g_autoptr(GVariant) reply = NULL;

  reply = call_internal_interface ("UnlockWithMasterPassword",
                                   g_variant_new ("(o@(oayays))", collection_path,
                                                  build_master_secret (bus, password)),
                                   "()");
}

/* A second collection, not the default one. */
static SecretCollection *
create_collection_with_password (SecretService *service,
                                 const char    *label,
                                 const char    *password)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  GVariantBuilder properties;
  const char *collection_path;
  SecretCollection *collection;
  Waiter waiter = { 0 };

  g_variant_builder_init (&properties, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&properties, "{sv}", "org.freedesktop.Secret.Collection.Label",
                         g_variant_new_string (label));
  reply = call_internal_interface ("CreateWithMasterPassword",
                                   g_variant_new ("(a{sv}@(oayays))", &properties,
                                                  build_master_secret (bus, password)),
                                   "(o)");
  g_variant_get (reply, "(&o)", &collection_path);

  secret_collection_new_for_dbus_path (service, collection_path, SECRET_COLLECTION_NONE, NULL,
                                       waiter_done_cb, &waiter);
  collection = secret_collection_new_for_dbus_path_finish (waiter_wait (&waiter), &error);
  g_assert_no_error (error);
  waiter_clear (&waiter);
  return collection;
}

/* Writes an item with the store's attributes into @collection, with
 * @schema_name as "xdg:schema" (none if %NULL). */
static void
create_item_with_schema (SecretCollection *collection,
                         const char       *schema_name,
                         const char       *account_id,
                         const char       *kind,
                         const char       *secret)
{
  g_autoptr(GHashTable) attributes = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(SecretValue) value = secret_value_new (secret, -1, "text/plain");
  g_autoptr(SecretItem) item = NULL;
  g_autoptr(GError) error = NULL;
  Waiter waiter = { 0 };

  if (schema_name != NULL)
    g_hash_table_insert (attributes, (gpointer) "xdg:schema", (gpointer) schema_name);
  g_hash_table_insert (attributes, (gpointer) "account-id", (gpointer) account_id);
  g_hash_table_insert (attributes, (gpointer) "kind", (gpointer) kind);

  secret_item_create (collection, NULL, attributes, LABEL, value, SECRET_ITEM_CREATE_NONE, NULL,
                      waiter_done_cb, &waiter);
  item = secret_item_create_finish (waiter_wait (&waiter), &error);
  g_assert_no_error (error);
  waiter_clear (&waiter);
}

/* Writes an item as the store would, but into @collection. */
static void
create_item_in_collection (SecretCollection *collection,
                           const char       *account_id,
                           const char       *kind,
                           const char       *secret)
{
  create_item_with_schema (collection, SCHEMA_NAME, account_id, kind, secret);
}

static void
assert_locked_error (const GError *error,
                     gint64        started)
{
  g_assert_error (error, BP_ERROR, BP_ERROR_KEYRING_LOCKED);
  g_assert_nonnull (strstr (error->message, "locked"));
  /* A prompt that cannot be shown is given up on, not waited for. */
  g_assert_cmpint (g_get_monotonic_time () - started, <, GAVE_UP_AT_ONCE_US);
}

static void
check_locked_keyring (void)
{
  g_autoptr(BpSecretStore) store = bp_secret_store_new ();
  g_autoptr(SecretService) service = NULL;
  g_autoptr(SecretCollection) collection = NULL;
  g_autofree char *account_id = g_uuid_string_random ();
  g_autoptr(GError) error = NULL;
  const char *secret = "locked-away-secret";
  gint64 started;

  g_assert_true (store_secret (store, account_id, KIND_CONSUMER_SECRET, secret, &error));
  g_assert_no_error (error);
  assert_secret_equals (store, account_id, KIND_CONSUMER_SECRET, secret);

  service = get_service ();
  collection = get_default_collection (service);
  lock_collection (service, collection);

  /* The item is there but locked: not "no secret". */
  {
    g_autoptr(BpSecret) value = NULL;

    started = g_get_monotonic_time ();
    value = lookup_secret (store, account_id, KIND_CONSUMER_SECRET, &error);
    g_assert_null (value);
    assert_locked_error (error, started);
    g_assert_null (strstr (error->message, secret));
    g_clear_error (&error);
  }

  /* Nothing matches, but a locked default collection may be hiding it. */
  {
    g_autoptr(BpSecret) value = NULL;

    started = g_get_monotonic_time ();
    value = lookup_secret (store, account_id, KIND_REFRESH_TOKEN, &error);
    g_assert_null (value);
    assert_locked_error (error, started);
    g_clear_error (&error);
  }

  /* Storing asks to unlock; the prompt fails here and the store says so. */
  started = g_get_monotonic_time ();
  g_assert_false (store_secret (store, account_id, KIND_CONSUMER_SECRET, "replacement", &error));
  assert_locked_error (error, started);
  g_assert_null (strstr (error->message, "replacement"));
  g_clear_error (&error);

  /* Clearing asks to unlock too, and deletes nothing when that fails. */
  started = g_get_monotonic_time ();
  g_assert_false (clear_secrets (store, account_id, NULL, &error));
  assert_locked_error (error, started);
  g_clear_error (&error);

  unlock_collection_with_password (collection, PRIVATE_KEYRING_PASSWORD);
  assert_secret_equals (store, account_id, KIND_CONSUMER_SECRET, secret);

  g_assert_true (clear_secrets (store, account_id, NULL, &error));
  g_assert_no_error (error);
  assert_secret_missing (store, account_id, KIND_CONSUMER_SECRET);
}

/* Apply with the keyring locked: the message says so, the file is not
 * written, the old secret stays, and the same draft applies once the
 * keyring is unlocked. */

typedef struct
{
  gboolean  done;
  GError   *error;
} Applied;

static void
applied_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Applied *applied = user_data;

  if (!bp_account_store_apply_finish (BP_ACCOUNT_STORE (object), result, &applied->error))
    g_assert_nonnull (applied->error);
  applied->done = TRUE;
}

static gboolean
apply_draft (BpAccountStore  *store,
             BpAccount       *draft,
             GError         **error)
{
  Applied applied = { 0 };

  bp_account_store_apply_async (store, draft, NULL, applied_cb, &applied);
  bp_test_wait_until (&applied.done, WAIT_MS);
  if (applied.error != NULL)
    {
      g_propagate_error (error, applied.error);
      return FALSE;
    }

  return TRUE;
}

static void
check_apply_with_locked_keyring (void)
{
  g_autoptr(BpSecretStore) secrets = bp_secret_store_new ();
  g_autofree char *dir = bp_test_make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "accounts.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(BpAccountStore) store = bp_account_store_new (file, secrets);
  g_autoptr(BpSalesforceAccount) account = bp_salesforce_account_new ();
  g_autoptr(SecretService) service = NULL;
  g_autoptr(SecretCollection) collection = NULL;
  g_autoptr(BpAccount) draft = NULL;
  g_autoptr(BpAccount) saved = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  bp_account_set_name (BP_ACCOUNT (account), "Production");
  bp_salesforce_account_set_url (account, "https://acme.my.salesforce.com/");
  bp_salesforce_account_set_consumer_key (account, "3MVG9consumer-key-of-the-connected-app");
  bp_salesforce_account_set_idp_login_url (account, "https://acme.my.salesforce.com/idp/login?app=0sp000000000001");
  bp_salesforce_account_set_consumer_secret (account, "before-the-lock");
  apply_draft (store, BP_ACCOUNT (account), &error);
  g_assert_no_error (error);
  before = bp_test_read_file (path, NULL);
  saved = g_list_model_get_item (G_LIST_MODEL (store), 0);

  draft = bp_account_copy (saved);
  bp_account_set_name (draft, "Renamed");
  bp_salesforce_account_set_consumer_secret (BP_SALESFORCE_ACCOUNT (draft), "after-the-lock");

  service = get_service ();
  collection = get_default_collection (service);
  lock_collection (service, collection);

  g_assert_false (apply_draft (store, draft, &error));
  g_assert_error (error, BP_ERROR, BP_ERROR_KEYRING_LOCKED);
  g_assert_cmpstr (error->message, ==,
                   "The keyring could not be updated, so nothing was changed: The keyring is locked. "
                   "Unlock it (for example by logging in again) and try again.");
  g_clear_error (&error);

  after = bp_test_read_file (path, NULL);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpstr (bp_account_get_name (saved), ==, "Production");
  g_assert_cmpstr (bp_account_get_name (draft), ==, "Renamed");
  g_assert_cmpstr (bp_salesforce_account_get_consumer_secret (BP_SALESFORCE_ACCOUNT (draft)), ==, "after-the-lock");

  unlock_collection_with_password (collection, PRIVATE_KEYRING_PASSWORD);
  assert_secret_equals (secrets, bp_account_get_id (saved), KIND_CONSUMER_SECRET, "before-the-lock");
  g_assert_true (apply_draft (store, draft, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (bp_account_get_name (saved), ==, "Renamed");
  assert_secret_equals (secrets, bp_account_get_id (saved), KIND_CONSUMER_SECRET, "after-the-lock");

  bp_test_remove_tree (dir);
}

static void
test_locked (void)
{
  if (g_test_subprocess ())
    {
      PrivateKeyring keyring = { 0 };

      private_keyring_start (&keyring);
      check_locked_keyring ();
      check_apply_with_locked_keyring ();
      private_keyring_stop (&keyring);
      return;
    }

  /* The session's keyring proves that gnome-keyring and the bus are installed. */
  if (!bp_test_require_keyring ())
    return;

  g_test_trap_subprocess (NULL, SUBPROCESS_TIMEOUT_US, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* An item of the account in another collection, which is locked, while the
 * default collection is unlocked. */
static void
check_locked_other_collection (void)
{
  g_autoptr(BpSecretStore) store = bp_secret_store_new ();
  g_autoptr(SecretService) service = get_service ();
  g_autoptr(SecretCollection) other = NULL;
  g_autofree char *account_id = g_uuid_string_random ();
  g_autoptr(GError) error = NULL;
  gint64 started;

  other = create_collection_with_password (service, "Other keyring", PRIVATE_KEYRING_PASSWORD);
  create_item_in_collection (other, account_id, KIND_CONSUMER_SECRET, "in-other-collection");
  assert_secret_equals (store, account_id, KIND_CONSUMER_SECRET, "in-other-collection");
  lock_collection (service, other);

  /* The locked item is found, and it is not "no secret". */
  {
    g_autoptr(BpSecret) value = NULL;

    started = g_get_monotonic_time ();
    value = lookup_secret (store, account_id, KIND_CONSUMER_SECRET, &error);
    g_assert_null (value);
    assert_locked_error (error, started);
    g_clear_error (&error);
  }

  /* A locked collection elsewhere does not hide what is simply not there. */
  assert_secret_missing (store, account_id, KIND_REFRESH_TOKEN);

  /* An unlocked copy in the default collection is the one read. */
  g_assert_true (store_secret (store, account_id, KIND_CONSUMER_SECRET, "in-default", &error));
  g_assert_no_error (error);
  assert_secret_equals (store, account_id, KIND_CONSUMER_SECRET, "in-default");

  /* Clearing cannot unlock the other collection here: it deletes nothing. */
  started = g_get_monotonic_time ();
  g_assert_false (clear_secrets (store, account_id, NULL, &error));
  assert_locked_error (error, started);
  g_clear_error (&error);
  assert_secret_equals (store, account_id, KIND_CONSUMER_SECRET, "in-default");

  unlock_collection_with_password (other, PRIVATE_KEYRING_PASSWORD);
  g_assert_true (clear_secrets (store, account_id, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_items (service, account_id, NULL), ==, 0);
}

static void
test_locked_other_collection (void)
{
  if (g_test_subprocess ())
    {
      PrivateKeyring keyring = { 0 };

      private_keyring_start (&keyring);
      check_locked_other_collection ();
      private_keyring_stop (&keyring);
      return;
    }

  if (!bp_test_require_keyring ())
    return;

  g_test_trap_subprocess (NULL, SUBPROCESS_TIMEOUT_US, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* After logging in, gnome-keyring has read every keyring but the login one
 * from disk, locked. It matches their items on hashed attributes only,
 * which lack the schema name: the store must still find them, and neither
 * say "no secret" nor clear only a part. */
static void
check_locked_from_disk (PrivateKeyring *keyring)
{
  g_autoptr(BpSecretStore) store = NULL;
  g_autoptr(SecretService) service = get_service ();
  g_autoptr(SecretCollection) other = NULL;
  g_autofree char *account_id = g_uuid_string_random ();
  g_autofree char *other_path = NULL;
  g_autoptr(GError) error = NULL;
  Waiter waiter = { 0 };
  gint64 started;

  other = create_collection_with_password (service, "Other keyring", PRIVATE_KEYRING_PASSWORD);
  other_path = g_strdup (g_dbus_proxy_get_object_path (G_DBUS_PROXY (other)));
  create_item_in_collection (other, account_id, KIND_CONSUMER_SECRET, "in-other-collection");
  g_clear_object (&other);
  g_clear_object (&service);

  private_keyring_restart_daemon (keyring);

  store = bp_secret_store_new ();
  service = get_service ();
  secret_collection_new_for_dbus_path (service, other_path, SECRET_COLLECTION_NONE, NULL,
                                       waiter_done_cb, &waiter);
  other = secret_collection_new_for_dbus_path_finish (waiter_wait (&waiter), &error);
  g_assert_no_error (error);
  waiter_clear (&waiter);
  g_assert_true (secret_collection_get_locked (other));

  /* The login keyring, the default collection, is unlocked: only the
   * locked item in the other one tells "locked" from "no secret". */
  {
    g_autoptr(BpSecret) value = NULL;

    started = g_get_monotonic_time ();
    value = lookup_secret (store, account_id, KIND_CONSUMER_SECRET, &error);
    g_assert_null (value);
    assert_locked_error (error, started);
    g_clear_error (&error);
  }
  assert_secret_missing (store, account_id, KIND_REFRESH_TOKEN);

  /* Clearing cannot unlock it here: it deletes nothing and says so. */
  g_assert_true (store_secret (store, account_id, KIND_REFRESH_TOKEN, "in-default", &error));
  g_assert_no_error (error);
  started = g_get_monotonic_time ();
  g_assert_false (clear_secrets (store, account_id, NULL, &error));
  assert_locked_error (error, started);
  g_clear_error (&error);
  assert_secret_equals (store, account_id, KIND_REFRESH_TOKEN, "in-default");

  unlock_collection_with_password (other, PRIVATE_KEYRING_PASSWORD);
  assert_secret_equals (store, account_id, KIND_CONSUMER_SECRET, "in-other-collection");
  g_assert_true (clear_secrets (store, account_id, NULL, &error));
  g_assert_no_error (error);
  assert_secret_missing (store, account_id, KIND_CONSUMER_SECRET);
  assert_secret_missing (store, account_id, KIND_REFRESH_TOKEN);
  g_assert_cmpuint (count_items (service, account_id, NULL), ==, 0);
}

static void
test_locked_from_disk (void)
{
  if (g_test_subprocess ())
    {
      PrivateKeyring keyring = { 0 };

      private_keyring_start (&keyring);
      check_locked_from_disk (&keyring);
      private_keyring_stop (&keyring);
      return;
    }

  if (!bp_test_require_keyring ())
    return;

  g_test_trap_subprocess (NULL, SUBPROCESS_TIMEOUT_US, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* Searches match the account id, not the schema name (see search_items()
 * in bp-secret-store.c): an item another application wrote with the same
 * attributes, under another schema name or none, is neither read nor
 * deleted. */
static void
test_foreign_items (void)
{
  g_autoptr(BpSecretStore) store = NULL;
  g_autoptr(SecretService) service = NULL;
  g_autoptr(SecretCollection) collection = NULL;
  g_autofree char *account_id = g_uuid_string_random ();
  g_autoptr(GError) error = NULL;

  if (!bp_test_require_keyring ())
    return;

  store = bp_secret_store_new ();
  service = get_service ();
  collection = get_default_collection (service);
  create_item_with_schema (collection, "org.example.Other", account_id, KIND_CONSUMER_SECRET,
                           "foreign");
  create_item_with_schema (collection, NULL, account_id, KIND_CONSUMER_SECRET, "schemaless");

  assert_secret_missing (store, account_id, KIND_CONSUMER_SECRET);
  g_assert_true (store_secret (store, account_id, KIND_CONSUMER_SECRET, "ours", &error));
  g_assert_no_error (error);
  assert_secret_equals (store, account_id, KIND_CONSUMER_SECRET, "ours");

  g_assert_true (clear_secrets (store, account_id, NULL, &error));
  g_assert_no_error (error);
  assert_secret_missing (store, account_id, KIND_CONSUMER_SECRET);
  g_assert_cmpuint (count_items (service, account_id, NULL), ==, 0);

  /* Both foreign items are still there; then they go too. */
  {
    g_autoptr(GHashTable) attributes = g_hash_table_new (g_str_hash, g_str_equal);
    GList *items;
    Waiter waiter = { 0 };

    g_hash_table_insert (attributes, (gpointer) "account-id", account_id);
    secret_service_search (service, NULL, attributes, SECRET_SEARCH_ALL, NULL, waiter_done_cb,
                           &waiter);
    items = secret_service_search_finish (service, waiter_wait (&waiter), &error);
    g_assert_no_error (error);
    waiter_clear (&waiter);
    g_assert_cmpuint (g_list_length (items), ==, 2);

    for (GList *l = items; l != NULL; l = l->next)
      {
        secret_item_delete (l->data, NULL, waiter_done_cb, &waiter);
        g_assert_true (secret_item_delete_finish (l->data, waiter_wait (&waiter), &error));
        g_assert_no_error (error);
        waiter_clear (&waiter);
      }
    g_list_free_full (items, g_object_unref);
  }
}

/* libsecret's simple password API: the backend BpSecretStore uses inside
 * Flatpak, where libsecret takes the key from the Secret portal and keeps the
 * items in a file in the sandbox. BP_SECRET_BACKEND=portal forces it; outside
 * a sandbox the same calls reach the session's gnome-keyring, so this checks
 * our side: attributes, replacing, clearing, "no secret" and the errors. The
 * variable is read when a store is made, and changing the environment is only
 * safe before other threads exist: each test runs in a fresh process. */

static BpSecretStore *
new_store_with_backend (const char *backend)
{
  BpSecretStore *store;

  g_setenv ("BP_SECRET_BACKEND", backend, TRUE);
  store = bp_secret_store_new ();
  g_unsetenv ("BP_SECRET_BACKEND");
  return store;
}

static void
check_simple_api (void)
{
  g_autoptr(BpSecretStore) service_store = new_store_with_backend ("service");
  g_autoptr(BpSecretStore) store = new_store_with_backend ("portal");
  g_autoptr(SecretService) service = NULL;
  g_autofree char *account_id = g_uuid_string_random ();
  g_autofree char *other_id = g_uuid_string_random ();
  const char *unicode = "Zugangsschlüssel ключ 秘密 🔑 \"quoted\"";
  g_autoptr(GError) error = NULL;
  g_autoptr(BpSecret) missing = NULL;

  /* Nothing there yet is "no secret", with the kind in the message. */
  missing = lookup_secret (store, account_id, KIND_REFRESH_TOKEN, &error);
  g_assert_null (missing);
  g_assert_error (error, BP_ERROR, BP_ERROR_SECRET_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "refresh token"));
  g_clear_error (&error);

  g_assert_true (store_secret (store, account_id, KIND_CONSUMER_SECRET, "simple-secret", &error));
  g_assert_no_error (error);
  g_assert_true (store_secret (store, account_id, KIND_REFRESH_TOKEN, unicode, &error));
  g_assert_no_error (error);
  g_assert_true (store_secret (store, other_id, KIND_CONSUMER_SECRET, "other account", &error));
  g_assert_no_error (error);
  assert_secret_equals (store, account_id, KIND_CONSUMER_SECRET, "simple-secret");
  assert_secret_equals (store, account_id, KIND_REFRESH_TOKEN, unicode);

  /* The same items as the Secret Service backend writes: one per kind, found
   * by the schema name and the attributes, and read by the other backend. */
  service = get_service ();
  g_assert_cmpuint (count_items (service, account_id, KIND_CONSUMER_SECRET), ==, 1);
  g_assert_cmpuint (count_items (service, account_id, NULL), ==, 2);
  assert_secret_equals (service_store, account_id, KIND_CONSUMER_SECRET, "simple-secret");

  /* Storing again replaces, whichever backend wrote the item. */
  g_assert_true (store_secret (service_store, account_id, KIND_CONSUMER_SECRET, "by the service",
                               &error));
  g_assert_no_error (error);
  g_assert_true (store_secret (store, account_id, KIND_CONSUMER_SECRET, "replaced", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_items (service, account_id, KIND_CONSUMER_SECRET), ==, 1);
  assert_secret_equals (store, account_id, KIND_CONSUMER_SECRET, "replaced");

  /* One kind, then every kind of the account; the other account stays. */
  g_assert_true (clear_secrets (store, account_id, KIND_REFRESH_TOKEN, &error));
  g_assert_no_error (error);
  assert_secret_missing (store, account_id, KIND_REFRESH_TOKEN);
  assert_secret_equals (store, account_id, KIND_CONSUMER_SECRET, "replaced");
  g_assert_true (clear_secrets (store, account_id, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_items (service, account_id, NULL), ==, 0);
  assert_secret_equals (store, other_id, KIND_CONSUMER_SECRET, "other account");

  /* Clearing what is not there succeeds. */
  g_assert_true (clear_secrets (store, account_id, NULL, &error));
  g_assert_no_error (error);

  g_assert_true (clear_secrets (store, other_id, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_items (service, other_id, NULL), ==, 0);
}

static void
test_simple_api (void)
{
  if (g_test_subprocess ())
    {
      check_simple_api ();
      return;
    }

  if (!bp_test_require_keyring ())
    return;

  g_test_trap_subprocess (NULL, SUBPROCESS_TIMEOUT_US, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* Which backend answers shows in the "no service" message: the simple API's
 * names the Secret portal, the Secret Service backend's the keyring service. */
static void
assert_no_service (BpSecretStore *store,
                   const char    *message_part)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BpSecret) secret = NULL;
  gint64 started = g_get_monotonic_time ();

  secret = lookup_secret (store, "no-such-account", KIND_CONSUMER_SECRET, &error);
  g_assert_null (secret);
  g_assert_error (error, BP_ERROR, BP_ERROR_NO_SECRET_SERVICE);
  g_assert_nonnull (strstr (error->message, message_part));
  g_assert_cmpint (g_get_monotonic_time () - started, <, GAVE_UP_AT_ONCE_US);
  g_clear_error (&error);

  g_assert_false (store_secret (store, "no-such-account", KIND_CONSUMER_SECRET,
                                "unstored-secret-value", &error));
  g_assert_error (error, BP_ERROR, BP_ERROR_NO_SECRET_SERVICE);
  g_assert_nonnull (strstr (error->message, message_part));
  g_assert_null (strstr (error->message, "unstored-secret-value"));
  g_clear_error (&error);

  g_assert_false (clear_secrets (store, "no-such-account", NULL, &error));
  g_assert_error (error, BP_ERROR, BP_ERROR_NO_SECRET_SERVICE);
  g_assert_nonnull (strstr (error->message, message_part));
}

static void
test_backend_choice (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(BpSecretStore) portal = NULL;
      g_autoptr(BpSecretStore) service = NULL;
      g_autoptr(BpSecretStore) unknown = NULL;

      g_setenv ("SECRET_SERVICE_BUS_NAME", "com.brightpattern.IntegrationAccounts.Test.NoKeyring",
                TRUE);
      portal = new_store_with_backend ("portal");
      service = new_store_with_backend ("service");
      g_test_expect_message ("bp-secret-store", G_LOG_LEVEL_WARNING,
                             "BP_SECRET_BACKEND=sideways is neither*");
      unknown = new_store_with_backend ("sideways");
      g_test_assert_expected_messages ();

      assert_no_service (portal, "Secret portal");
      assert_no_service (service, "No keyring service is running");
      /* An unknown value is ignored: outside Flatpak, the Secret Service. */
      if (!g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS))
        assert_no_service (unknown, "No keyring service is running");
      return;
    }

  if (!bp_test_require_session_bus ())
    return;

  g_test_trap_subprocess (NULL, SUBPROCESS_TIMEOUT_US, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* Keyring faults on a bus of the test's own: a bus on which nothing can be
 * activated, so neither the session's keyring nor an installed one answers,
 * only what the test starts there. Each runs in a fresh process: GDBus and
 * libsecret keep the first session bus they meet. */

#define HANG_TIMEOUT_MS 2000

/* Must run before anything in this process touches the session bus. */
static GSubprocess *
start_bare_bus (const char *dir)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *socket_path = g_build_filename (dir, "bus", NULL);
  g_autofree char *config_path = g_build_filename (dir, "bus.conf", NULL);
  g_autofree char *config = NULL;
  g_autofree char *config_option = NULL;
  g_autofree char *address = NULL;
  GSubprocess *bus;

  /* No <servicedir>: nothing is activatable. */
  config = g_strdup_printf ("<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
                            " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
                            "<busconfig>\n"
                            "  <type>session</type>\n"
                            "  <listen>unix:path=%s</listen>\n"
                            "  <policy context=\"default\">\n"
                            "    <allow send_destination=\"*\" eavesdrop=\"true\"/>\n"
                            "    <allow eavesdrop=\"true\"/>\n"
                            "    <allow own=\"*\"/>\n"
                            "  </policy>\n"
                            "</busconfig>\n", socket_path);
  g_file_set_contents (config_path, config, -1, &error);
  g_assert_no_error (error);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent_cb,
                                         GINT_TO_POINTER (getpid ()), NULL);
  config_option = g_strconcat ("--config-file=", config_path, NULL);
  bus = spawn_bus (launcher, &address, config_option, NULL);

  g_setenv ("DBUS_SESSION_BUS_ADDRESS", address, TRUE);
  return bus;
}

static gboolean
count_tick_cb (gpointer user_data)
{
  guint *ticks = user_data;

  (*ticks)++;
  return G_SOURCE_CONTINUE;
}

/* Waits for @waiter while a 50 ms timeout source counts how often the main
 * loop got to run it; returns that count. */
static guint
wait_counting_ticks (Waiter *waiter)
{
  guint ticks = 0;
  guint tick_id = g_timeout_add (50, count_tick_cb, &ticks);

  /* Far beyond the store's deadline, and below D-Bus's own 25 s. */
  bp_test_wait_until (&waiter->done, 20000);
  g_source_remove (tick_id);
  g_assert_true (waiter->done);
  return ticks;
}

static void
assert_gave_up_in_time (const GError *error,
                        gint64        started,
                        guint         ticks)
{
  gint64 elapsed = g_get_monotonic_time () - started;

  g_assert_error (error, BP_ERROR, BP_ERROR_KEYRING_FAILED);
  g_assert_cmpstr (error->message, ==,
                   "The keyring service did not answer within 2 seconds. Check that it is running "
                   "and not waiting for input, then try again.");
  /* Not before the deadline, and long before D-Bus would give up. */
  g_assert_cmpint (elapsed, >=, (HANG_TIMEOUT_MS - 1) * 1000);
  g_assert_cmpint (elapsed, <, 20 * G_USEC_PER_SEC);
  /* The main loop kept running meanwhile: ~40 ticks; a loaded machine may
   * lose some, a blocked loop would get none. */
  g_assert_cmpuint (ticks, >=, 10);
}

static void
check_hanging_service (void)
{
  g_autofree char *dir = bp_test_make_temp_dir ();
  g_autoptr(GSubprocess) bus = start_bare_bus (dir);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) fake = NULL;
  g_autoptr(GDataInputStream) fake_output = NULL;
  g_autoptr(BpSecretStore) store = NULL;
  g_autoptr(GCancellable) cancellable = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *fake_path = g_test_build_filename (G_TEST_BUILT, "bp-fake-secret-service", NULL);
  g_autofree char *line = NULL;
  g_autoptr(GString) ignored = g_string_new (NULL);
  Waiter waiter = { 0 };
  gint64 started;
  guint ticks;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent_cb,
                                         GINT_TO_POINTER (getpid ()), NULL);
  fake = g_subprocess_launcher_spawn (launcher, &error, fake_path, NULL);
  g_assert_no_error (error);
  fake_output = g_data_input_stream_new (g_subprocess_get_stdout_pipe (fake));
  line = g_data_input_stream_read_line (fake_output, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (line, ==, "ready");

  store = bp_secret_store_new ();
  /* What an administrator waits at most in production. */
  g_assert_cmpuint (bp_secret_store_get_timeout (store), ==, 15000);
  g_object_set (store, "timeout", HANG_TIMEOUT_MS, NULL);
  g_assert_cmpuint (bp_secret_store_get_timeout (store), ==, HANG_TIMEOUT_MS);

  /* Reading (Apply reads the old value first, so this is where it waits). */
  {
    g_autoptr(BpSecret) secret = NULL;

    started = g_get_monotonic_time ();
    bp_secret_store_lookup_async (store, "hung-account", KIND_CONSUMER_SECRET, NULL,
                                  waiter_done_cb, &waiter);
    ticks = wait_counting_ticks (&waiter);
    secret = bp_secret_store_lookup_finish (store, waiter.result, &error);
    g_assert_null (secret);
    assert_gave_up_in_time (error, started, ticks);
    waiter_clear (&waiter);
    g_clear_error (&error);
  }

  /* Storing: the message never carries the secret. */
  started = g_get_monotonic_time ();
  bp_secret_store_store_async (store, "hung-account", KIND_CONSUMER_SECRET, LABEL, "hung-secret-value",
                               NULL, waiter_done_cb, &waiter);
  ticks = wait_counting_ticks (&waiter);
  g_assert_false (bp_secret_store_store_finish (store, waiter.result, &error));
  assert_gave_up_in_time (error, started, ticks);
  g_assert_null (strstr (error->message, "hung-secret-value"));
  waiter_clear (&waiter);
  g_clear_error (&error);

  /* Clearing. */
  started = g_get_monotonic_time ();
  bp_secret_store_clear_async (store, "hung-account", NULL, NULL, waiter_done_cb, &waiter);
  ticks = wait_counting_ticks (&waiter);
  g_assert_false (bp_secret_store_clear_finish (store, waiter.result, &error));
  assert_gave_up_in_time (error, started, ticks);
  waiter_clear (&waiter);
  g_clear_error (&error);

  /* Without a deadline, the caller's cancellable still ends the wait. */
  bp_secret_store_set_timeout (store, 0);
  cancellable = g_cancellable_new ();
  g_timeout_add_once (300, (GSourceOnceFunc) g_cancellable_cancel, cancellable);
  bp_secret_store_lookup_async (store, "hung-account", KIND_REFRESH_TOKEN, cancellable,
                                waiter_done_cb, &waiter);
  wait_counting_ticks (&waiter);
  g_assert_null (bp_secret_store_lookup_finish (store, waiter.result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  waiter_clear (&waiter);
  g_clear_error (&error);

  /* The calls did reach the fake service, which left them unanswered. */
  g_subprocess_send_signal (fake, SIGTERM);
  for (;;)
    {
      g_clear_pointer (&line, g_free);
      line = g_data_input_stream_read_line (fake_output, NULL, NULL, NULL);
      if (line == NULL)
        break;
      g_string_append_printf (ignored, "%s\n", line);
    }
  g_assert_nonnull (strstr (ignored->str, "ignored org.freedesktop."));

  g_subprocess_send_signal (bus, SIGTERM);
  bp_test_remove_tree (dir);
}

static void
test_hanging_service (void)
{
  if (g_test_subprocess ())
    {
      check_hanging_service ();
      return;
    }

  g_test_trap_subprocess (NULL, SUBPROCESS_TIMEOUT_US, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* A bus with no keyring at all and none to activate. */
static void
check_absent_service (void)
{
  g_autofree char *dir = bp_test_make_temp_dir ();
  g_autoptr(GSubprocess) bus = start_bare_bus (dir);
  g_autoptr(BpSecretStore) store = bp_secret_store_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(BpSecret) secret = NULL;
  gint64 started;

  started = g_get_monotonic_time ();
  secret = lookup_secret (store, "no-keyring-account", KIND_CONSUMER_SECRET, &error);
  g_assert_null (secret);
  check_no_service_error (error, started);
  g_clear_error (&error);

  started = g_get_monotonic_time ();
  g_assert_false (store_secret (store, "no-keyring-account", KIND_CONSUMER_SECRET,
                                "unstored-secret-value", &error));
  check_no_service_error (error, started);
  g_assert_null (strstr (error->message, "unstored-secret-value"));
  g_clear_error (&error);

  started = g_get_monotonic_time ();
  g_assert_false (clear_secrets (store, "no-keyring-account", NULL, &error));
  check_no_service_error (error, started);

  g_subprocess_send_signal (bus, SIGTERM);
  bp_test_remove_tree (dir);
}

static void
test_absent_service (void)
{
  if (g_test_subprocess ())
    {
      check_absent_service ();
      return;
    }

  g_test_trap_subprocess (NULL, SUBPROCESS_TIMEOUT_US, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* A locked keyring whose unlock prompt a person answers after 3 s, longer
 * than the deadline: the deadline waits for people, not for a prompt. */
static void
check_slow_prompt (void)
{
  g_autofree char *dir = bp_test_make_temp_dir ();
  g_autoptr(GSubprocess) bus = start_bare_bus (dir);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) fake = NULL;
  g_autoptr(GDataInputStream) fake_output = NULL;
  g_autoptr(BpSecretStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *fake_path = g_test_build_filename (G_TEST_BUILT, "bp-fake-secret-service", NULL);
  g_autofree char *line = NULL;
  Waiter waiter = { 0 };
  gint64 started;
  guint ticks;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent_cb,
                                         GINT_TO_POINTER (getpid ()), NULL);
  fake = g_subprocess_launcher_spawn (launcher, &error, fake_path, "--prompt-after", "3000", NULL);
  g_assert_no_error (error);
  fake_output = g_data_input_stream_new (g_subprocess_get_stdout_pipe (fake));
  line = g_data_input_stream_read_line (fake_output, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (line, ==, "ready");

  store = bp_secret_store_new ();
  bp_secret_store_set_timeout (store, HANG_TIMEOUT_MS);

  started = g_get_monotonic_time ();
  bp_secret_store_store_async (store, "prompted-account", KIND_CONSUMER_SECRET, LABEL, "prompted-secret",
                               NULL, waiter_done_cb, &waiter);
  ticks = wait_counting_ticks (&waiter);
  g_assert_true (bp_secret_store_store_finish (store, waiter.result, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_get_monotonic_time () - started, >=, 3000 * 1000);
  g_assert_cmpuint (ticks, >=, 10);
  waiter_clear (&waiter);

  g_clear_pointer (&line, g_free);
  line = g_data_input_stream_read_line (fake_output, NULL, NULL, &error);
  g_assert_cmpstr (line, ==, "prompt shown");
  g_clear_pointer (&line, g_free);
  line = g_data_input_stream_read_line (fake_output, NULL, NULL, &error);
  g_assert_cmpstr (line, ==, "prompt answered");

  g_subprocess_send_signal (fake, SIGTERM);
  g_subprocess_send_signal (bus, SIGTERM);
  bp_test_remove_tree (dir);
}

static void
test_slow_prompt (void)
{
  if (g_test_subprocess ())
    {
      check_slow_prompt ();
      return;
    }

  g_test_trap_subprocess (NULL, SUBPROCESS_TIMEOUT_US, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/secret-store/consumer-secret", test_consumer_secret);
  g_test_add_func ("/secret-store/refresh-token", test_refresh_token);
  g_test_add_func ("/secret-store/item-in-default-collection", test_item_in_default_collection);
  g_test_add_func ("/secret-store/accounts-independent", test_accounts_independent);
  g_test_add_func ("/secret-store/replace", test_replace);
  g_test_add_func ("/secret-store/clear-all-kinds", test_clear_all_kinds);
  g_test_add_func ("/secret-store/clear-nothing", test_clear_nothing);
  g_test_add_func ("/secret-store/lookup-missing", test_lookup_missing);
  g_test_add_func ("/secret-store/unicode-and-long", test_unicode_and_long);
  g_test_add_func ("/secret-store/cancelled", test_cancelled);
  g_test_add_func ("/secret-store/no-service", test_no_service);
  g_test_add_func ("/secret-store/locked", test_locked);
  g_test_add_func ("/secret-store/locked-other-collection", test_locked_other_collection);
  g_test_add_func ("/secret-store/locked-from-disk", test_locked_from_disk);
  g_test_add_func ("/secret-store/foreign-items", test_foreign_items);
  g_test_add_func ("/secret-store/simple-api", test_simple_api);
  g_test_add_func ("/secret-store/backend-choice", test_backend_choice);
  g_test_add_func ("/secret-store/hanging-service", test_hanging_service);
  g_test_add_func ("/secret-store/absent-service", test_absent_service);
  g_test_add_func ("/secret-store/slow-prompt", test_slow_prompt);

  return g_test_run ();
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-keyring-module"

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "bp-error.h"
#include "bp-test-module.h"
#include "bp-secret-store.h"

/*
 * libsecret is in the bp-keyring module, loaded the first time BpSecretStore
 * makes a call (src/keyring/bp-keyring-loader.c). This program links no
 * libsecret of its own (unlike test-secret-store, which checks the keyring
 * with it), so what is mapped says what was loaded.
 *
 * A module that cannot be loaded is tried in a subprocess each: the loader
 * remembers its first answer for the life of the process.
 */

#define MODULE_NAME "libbp-keyring.so"
#define LABEL       "Integration Accounts test secret"

/* Every call here answers in milliseconds; this only stops a hang. */
#define WAIT_US     (20 * G_USEC_PER_SEC)

static void
result_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GAsyncResult **out = user_data;

  g_assert_null (*out);
  *out = g_object_ref (result);
}

/* Runs the main loop until @result is set. */
static void
wait_for (GAsyncResult **result)
{
  gint64 end = g_get_monotonic_time () + WAIT_US;

  while (*result == NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      g_main_context_iteration (NULL, FALSE);
      if (*result == NULL)
        g_usleep (1000);
    }
}

static char *
lookup (BpSecretStore  *store,
        const char     *account_id,
        GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  bp_secret_store_lookup_async (store, account_id, "consumer-secret", NULL, result_cb, &result);
  /* Never answered before the call returns, even when it fails at once. */
  g_assert_null (result);
  wait_for (&result);

  return bp_secret_store_lookup_finish (store, result, error);
}

static gboolean
store_secret (BpSecretStore  *store,
              const char     *account_id,
              const char     *secret,
              GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  bp_secret_store_store_async (store, account_id, "consumer-secret", LABEL, secret, NULL,
                               result_cb, &result);
  g_assert_null (result);
  wait_for (&result);

  return bp_secret_store_store_finish (store, result, error);
}

static gboolean
clear (BpSecretStore  *store,
       const char     *account_id,
       GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  bp_secret_store_clear_async (store, account_id, NULL, NULL, result_cb, &result);
  g_assert_null (result);
  wait_for (&result);

  return bp_secret_store_clear_finish (store, result, error);
}

static void
test_loaded_on_first_use (void)
{
  g_autofree char *module_path = g_build_filename (g_getenv ("BP_MODULE_DIR"), MODULE_NAME, NULL);
  g_autofree char *account_id = g_uuid_string_random ();
  g_autoptr(BpSecretStore) store = NULL;
  g_autoptr(GError) error = NULL;
  BpSecret *secret;

  /* meson test points the loader at the build tree. */
  g_assert_nonnull (g_getenv ("BP_MODULE_DIR"));
  g_assert_false (bp_test_is_mapped ("libsecret-1"));
  g_assert_false (bp_test_is_mapped ("libgcrypt"));
  g_assert_false (bp_test_is_mapped (MODULE_NAME));

  /* Making the store (the application does at start-up) loads nothing. */
  store = bp_secret_store_new ();
  g_assert_cmpuint (bp_secret_store_get_timeout (store), ==, BP_SECRET_STORE_DEFAULT_TIMEOUT_MS);
  g_assert_false (bp_test_is_mapped ("libsecret-1"));
  g_assert_false (bp_test_is_mapped (MODULE_NAME));

  /* The first lookup loads it, from BP_MODULE_DIR, and libsecret with it;
   * the session's keyring (unlocked) has nothing for a new account. */
  secret = lookup (store, account_id, &error);
  g_assert_error (error, BP_ERROR, BP_ERROR_SECRET_NOT_FOUND);
  g_assert_null (secret);
  g_clear_error (&error);
  g_assert_true (bp_test_is_mapped (module_path));
  g_assert_true (bp_test_is_mapped ("libsecret-1"));

  /* Store, lookup and clear all go through the module's table. */
  g_assert_true (store_secret (store, account_id, "s3cret-through-the-module", &error));
  g_assert_no_error (error);
  secret = lookup (store, account_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, "s3cret-through-the-module");
  bp_secret_free (secret);
  g_assert_true (clear (store, account_id, &error));
  g_assert_no_error (error);
  secret = lookup (store, account_id, &error);
  g_assert_error (error, BP_ERROR, BP_ERROR_SECRET_NOT_FOUND);
  g_assert_null (secret);
  g_clear_error (&error);

  /* Dispose closes the store's session in the module; a later call opens
   * another instead of handing the module none. */
  g_object_run_dispose (G_OBJECT (store));
  g_assert_true (store_secret (store, account_id, "after-dispose", &error));
  g_assert_no_error (error);
  secret = lookup (store, account_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, "after-dispose");
  bp_secret_free (secret);
  g_assert_true (clear (store, account_id, &error));
  g_assert_no_error (error);
}

/* Every call fails the same way, after it returned, and nothing crashes. */
static void
assert_every_call_fails (const char *module_path,
                         const char *why)
{
  g_autoptr(BpSecretStore) store = bp_secret_store_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *first_message = NULL;
  BpSecret *secret;

  secret = lookup (store, "0f6c2a7e-6a51-4b8e-9d55-0d3b4f0f6c2a", &error);
  g_assert_null (secret);
  bp_test_assert_module_error (error, "The keyring cannot be used: ", module_path, why);
  first_message = g_strdup (error->message);
  g_clear_error (&error);

  /* Asked again, the same answer (the loader does not retry). */
  g_assert_false (store_secret (store, "0f6c2a7e-6a51-4b8e-9d55-0d3b4f0f6c2a", "typed", &error));
  g_assert_error (error, BP_ERROR, BP_ERROR_MODULE_MISSING);
  g_assert_cmpstr (error->message, ==, first_message);
  g_clear_error (&error);

  g_assert_false (clear (store, "0f6c2a7e-6a51-4b8e-9d55-0d3b4f0f6c2a", &error));
  g_assert_error (error, BP_ERROR, BP_ERROR_MODULE_MISSING);
  g_assert_cmpstr (error->message, ==, first_message);
  g_clear_error (&error);

  /* A second store finds the same failure. */
  g_clear_object (&store);
  store = bp_secret_store_new ();
  secret = lookup (store, "0f6c2a7e-6a51-4b8e-9d55-0d3b4f0f6c2a", &error);
  g_assert_null (secret);
  g_assert_cmpstr (error->message, ==, first_message);

  g_assert_false (bp_test_is_mapped ("libsecret-1"));
}

static void
test_missing_module (void)
{
  if (g_test_subprocess ())
    {
      g_autofree char *dir = g_dir_make_tmp ("bp-no-module-XXXXXX", NULL);
      g_autofree char *module_path = bp_test_use_module_dir (dir, MODULE_NAME);

      assert_every_call_fails (module_path, "No such file or directory");

      g_assert_cmpint (g_rmdir (dir), ==, 0);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* A file in the module's place that is not a module (a damaged install). */
static void
test_damaged_module (void)
{
  bp_test_damaged_module (MODULE_NAME, assert_every_call_fails);
}

/* The override is a directory to open by its path, never a place to search. */
static void
test_relative_module_dir (void)
{
  bp_test_relative_module_dir (MODULE_NAME, assert_every_call_fails);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  /* First: it checks that nothing loaded libsecret before. */
  g_test_add_func ("/keyring-module/loaded-on-first-use", test_loaded_on_first_use);
  g_test_add_func ("/keyring-module/missing", test_missing_module);
  g_test_add_func ("/keyring-module/damaged", test_damaged_module);
  g_test_add_func ("/keyring-module/relative-dir", test_relative_module_dir);

  return g_test_run ();
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-token-keeper"

#include "config.h"

#include <string.h>

#include "bp-error.h"
#include "bp-salesforce-endpoints.h"
#include "bp-test-salesforce.h"
#include "bp-test-utils.h"
#include "bp-token-keeper.h"

#define KEY     "3MVG9emulatorConsumerKey"
#define SECRET  "EMULATOR-SECRET-0123456789"
#define WAIT_MS 10000

/* Tests of the refresh path, on the real keyring of the headless session. */

typedef struct
{
  BpEmulator          *emulator;
  BpSalesforceClient  *client;
  BpSecretStore       *secrets;
  BpTokenKeeper       *keeper;
  BpSalesforceAccount *account;
  const char          *id;
  gboolean             has_keyring;
} Fixture;

static void
store_secret (Fixture    *fixture,
              const char *kind,
              const char *value)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  bp_secret_store_store_async (fixture->secrets, fixture->id, kind, "Integration Accounts test", value, NULL,
                               bp_test_store_result_cb, &result);
  bp_secret_store_store_finish (fixture->secrets, bp_test_await_result (&result, WAIT_MS), &error);
  g_assert_no_error (error);
}

static char *
lookup_secret (Fixture    *fixture,
               const char *kind)
{
  g_autoptr(GAsyncResult) result = NULL;

  bp_secret_store_lookup_async (fixture->secrets, fixture->id, kind, NULL, bp_test_store_result_cb, &result);
  return bp_secret_store_lookup_finish (fixture->secrets, bp_test_await_result (&result, WAIT_MS), NULL);
}

static void
clear_secrets (Fixture *fixture)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  bp_secret_store_clear_async (fixture->secrets, fixture->id, NULL, NULL, bp_test_store_result_cb, &result);
  bp_secret_store_clear_finish (fixture->secrets, bp_test_await_result (&result, WAIT_MS), &error);
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->has_keyring = bp_test_require_keyring ();
  if (!fixture->has_keyring)
    return;

  fixture->emulator = bp_test_emulator_new ();
  fixture->client = bp_test_salesforce_client_new ();
  fixture->secrets = bp_secret_store_new ();
  fixture->keeper = bp_token_keeper_new (fixture->client, fixture->secrets);
  bp_emulator_set_client (fixture->emulator, KEY, SECRET);
  g_setenv (BP_SALESFORCE_LOGIN_URL_ENV, bp_emulator_get_base_url (fixture->emulator), TRUE);

  fixture->account = bp_salesforce_account_new ();
  bp_account_set_name (BP_ACCOUNT (fixture->account), "Keeper test");
  bp_salesforce_account_set_consumer_key (fixture->account, KEY);
  bp_salesforce_account_set_consumer_secret (fixture->account, SECRET);
  fixture->id = bp_account_get_id (BP_ACCOUNT (fixture->account));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  if (!fixture->has_keyring)
    return;

  clear_secrets (fixture);
  g_unsetenv (BP_SALESFORCE_LOGIN_URL_ENV);
  g_clear_object (&fixture->account);
  g_clear_object (&fixture->keeper);
  g_clear_object (&fixture->secrets);
  g_clear_object (&fixture->client);
  g_clear_object (&fixture->emulator);
}

/* A refresh token issued by the emulator, stored in the keyring. */
static char *
seed_refresh_token (Fixture *fixture)
{
  char *token = bp_emulator_issue_refresh_token (fixture->emulator, KEY);

  store_secret (fixture, BP_SECRET_KIND_REFRESH_TOKEN, token);
  return token;
}

static BpSalesforceTokens *
get_access_token (Fixture   *fixture,
                  gboolean   force,
                  GError   **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  bp_token_keeper_get_access_token_async (fixture->keeper, fixture->account, force, NULL,
                                          bp_test_store_result_cb, &result);
  return bp_token_keeper_get_access_token_finish (fixture->keeper, bp_test_await_result (&result, WAIT_MS),
                                                  error);
}

static void
test_refresh (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *old = NULL;
  g_autoptr(BpSalesforceTokens) tokens = NULL;
  g_autoptr(BpSecret) stored = NULL;

  if (!fixture->has_keyring)
    return;

  old = seed_refresh_token (fixture);
  tokens = get_access_token (fixture, FALSE, &error);

  g_assert_no_error (error);
  g_assert_true (bp_emulator_is_access_token_valid (fixture->emulator,
                                                    bp_salesforce_tokens_get_access_token (tokens)));
  g_assert_null (bp_salesforce_tokens_get_refresh_token (tokens));
  g_assert_true (bp_emulator_get_last_had_secret (fixture->emulator));

  /* No rotation: the keyring keeps the same token. */
  stored = lookup_secret (fixture, BP_SECRET_KIND_REFRESH_TOKEN);
  g_assert_cmpstr (stored, ==, old);
}

typedef struct
{
  Fixture            *fixture;
  BpSalesforceTokens *tokens;
  GError             *error;
  GAsyncResult       *lookup;
} RotationCheck;

static void
rotation_refreshed_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  RotationCheck *check = user_data;
  Fixture *fixture = check->fixture;

  check->tokens = bp_token_keeper_get_access_token_finish (BP_TOKEN_KEEPER (object), result, &check->error);

  /* Read the keyring the moment the access token is handed out. */
  bp_secret_store_lookup_async (fixture->secrets, fixture->id, BP_SECRET_KIND_REFRESH_TOKEN, NULL,
                                bp_test_store_result_cb, &check->lookup);
}

static void
test_refresh_rotation (Fixture       *fixture,
                       gconstpointer  data)
{
  RotationCheck check = { fixture, NULL, NULL, NULL };
  g_autofree char *old = NULL;
  g_autoptr(BpSecret) stored = NULL;
  g_autoptr(GError) error = NULL;

  if (!fixture->has_keyring)
    return;

  old = seed_refresh_token (fixture);
  bp_emulator_set_rotate_refresh_tokens (fixture->emulator, TRUE);

  bp_token_keeper_get_access_token_async (fixture->keeper, fixture->account, FALSE, NULL,
                                          rotation_refreshed_cb, &check);
  stored = bp_secret_store_lookup_finish (fixture->secrets, bp_test_await_result (&check.lookup, WAIT_MS), &error);

  g_assert_no_error (check.error);
  g_assert_no_error (error);
  g_assert_nonnull (check.tokens);
  /* The old token is dead at Salesforce; the keyring already has the new, live one. */
  g_assert_false (bp_emulator_is_refresh_token_valid (fixture->emulator, old));
  g_assert_cmpstr (stored, !=, old);
  g_assert_true (bp_emulator_is_refresh_token_valid (fixture->emulator, stored));
  /* The refresh token is never handed out with the access token. */
  g_assert_null (bp_salesforce_tokens_get_refresh_token (check.tokens));

  g_clear_object (&check.tokens);
  g_clear_object (&check.lookup);
}

static void
test_single_flight (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GAsyncResult) first = NULL;
  g_autoptr(GAsyncResult) second = NULL;
  g_autoptr(BpSalesforceTokens) first_tokens = NULL;
  g_autoptr(BpSalesforceTokens) second_tokens = NULL;
  g_autoptr(BpSalesforceTokens) cached = NULL;
  g_autoptr(BpSalesforceTokens) forced = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *old = NULL;

  if (!fixture->has_keyring)
    return;

  old = seed_refresh_token (fixture);
  /* With rotation, a second parallel refresh would kill the first one's token. */
  bp_emulator_set_rotate_refresh_tokens (fixture->emulator, TRUE);
  bp_emulator_set_latency (fixture->emulator, 200);

  bp_token_keeper_get_access_token_async (fixture->keeper, fixture->account, FALSE, NULL,
                                          bp_test_store_result_cb, &first);
  bp_token_keeper_get_access_token_async (fixture->keeper, fixture->account, FALSE, NULL,
                                          bp_test_store_result_cb, &second);

  first_tokens = bp_token_keeper_get_access_token_finish (fixture->keeper, bp_test_await_result (&first, WAIT_MS),
                                                          &error);
  g_assert_no_error (error);
  second_tokens = bp_token_keeper_get_access_token_finish (fixture->keeper,
                                                           bp_test_await_result (&second, WAIT_MS), &error);
  g_assert_no_error (error);

  g_assert_cmpuint (bp_emulator_get_refresh_count (fixture->emulator), ==, 1);
  g_assert_cmpstr (bp_salesforce_tokens_get_access_token (first_tokens), ==,
                   bp_salesforce_tokens_get_access_token (second_tokens));

  /* Cached afterwards; a forced refresh asks again. */
  cached = get_access_token (fixture, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (bp_emulator_get_refresh_count (fixture->emulator), ==, 1);
  forced = get_access_token (fixture, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (bp_emulator_get_refresh_count (fixture->emulator), ==, 2);
  g_assert_cmpstr (bp_salesforce_tokens_get_access_token (forced), !=,
                   bp_salesforce_tokens_get_access_token (cached));
}

static void
test_cancelled_caller_still_stores (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(BpSalesforceTokens) tokens = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *old = NULL;
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  if (!fixture->has_keyring)
    return;

  old = seed_refresh_token (fixture);
  bp_emulator_set_rotate_refresh_tokens (fixture->emulator, TRUE);
  bp_emulator_set_latency (fixture->emulator, 200);

  bp_token_keeper_get_access_token_async (fixture->keeper, fixture->account, FALSE, cancellable,
                                          bp_test_store_result_cb, &result);
  g_cancellable_cancel (cancellable);
  tokens = bp_token_keeper_get_access_token_finish (fixture->keeper, bp_test_await_result (&result, 1000), &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  /* The refresh went on: the rotated token must not be lost. */
  while (g_get_monotonic_time () < deadline)
    {
      g_autoptr(BpSecret) stored = lookup_secret (fixture, BP_SECRET_KIND_REFRESH_TOKEN);

      if (g_strcmp0 (stored, old) != 0)
        {
          g_assert_true (bp_emulator_is_refresh_token_valid (fixture->emulator, stored));
          return;
        }
      g_usleep (20000);
      while (g_main_context_iteration (NULL, FALSE));
    }

  g_assert_not_reached ();
}

static void
test_invalid_grant (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BpSalesforceTokens) tokens = NULL;
  g_autofree char *old = NULL;

  if (!fixture->has_keyring)
    return;

  old = seed_refresh_token (fixture);
  bp_emulator_set_invalid_grant (fixture->emulator, TRUE);
  tokens = get_access_token (fixture, FALSE, &error);

  g_assert_null (tokens);
  g_assert_error (error, BP_ERROR, BP_ERROR_INVALID_GRANT);
  g_assert_nonnull (strstr (error->message, "Request token"));
}

static void
test_no_refresh_token (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BpSalesforceTokens) tokens = NULL;

  if (!fixture->has_keyring)
    return;

  tokens = get_access_token (fixture, FALSE, &error);
  g_assert_null (tokens);
  g_assert_error (error, BP_ERROR, BP_ERROR_SECRET_NOT_FOUND);
  g_assert_cmpuint (bp_emulator_get_refresh_count (fixture->emulator), ==, 0);
}

static void
test_consumer_secret_from_keyring (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BpSalesforceTokens) tokens = NULL;
  g_autofree char *old = NULL;

  if (!fixture->has_keyring)
    return;

  /* A saved account whose secret was never loaded into memory. */
  g_clear_object (&fixture->account);
  fixture->account = bp_salesforce_account_new ();
  bp_salesforce_account_set_consumer_key (fixture->account, KEY);
  fixture->id = bp_account_get_id (BP_ACCOUNT (fixture->account));
  g_assert_false (bp_account_is_secret_known (BP_ACCOUNT (fixture->account), BP_SECRET_KIND_CONSUMER_SECRET));

  store_secret (fixture, BP_SECRET_KIND_CONSUMER_SECRET, SECRET);
  old = seed_refresh_token (fixture);

  tokens = get_access_token (fixture, FALSE, &error);
  g_assert_no_error (error);
  g_assert_true (bp_emulator_get_last_had_secret (fixture->emulator));
}

static gboolean
revoke_account (Fixture  *fixture,
                GError  **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  bp_token_keeper_revoke_async (fixture->keeper, fixture->account, NULL, bp_test_store_result_cb, &result);
  return bp_token_keeper_revoke_finish (fixture->keeper, bp_test_await_result (&result, WAIT_MS), error);
}

static void
test_revoke (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autoptr(BpSalesforceTokens) tokens = NULL;
  GPtrArray *revoked;

  if (!fixture->has_keyring)
    return;

  token = seed_refresh_token (fixture);
  tokens = get_access_token (fixture, FALSE, &error);
  g_assert_no_error (error);

  g_assert_true (revoke_account (fixture, &error));
  g_assert_no_error (error);

  revoked = bp_emulator_get_revoked_tokens (fixture->emulator);
  g_assert_cmpuint (revoked->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (revoked, 0), ==, token);
  g_assert_false (bp_emulator_is_refresh_token_valid (fixture->emulator, token));
  g_assert_false (bp_emulator_is_access_token_valid (fixture->emulator,
                                                     bp_salesforce_tokens_get_access_token (tokens)));
}

static void
test_revoke_without_token (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  if (!fixture->has_keyring)
    return;

  g_assert_true (revoke_account (fixture, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (bp_emulator_get_revoked_tokens (fixture->emulator)->len, ==, 0);
}

static void
test_revoke_when_down (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autoptr(BpSecret) left = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  if (!fixture->has_keyring)
    return;

  token = seed_refresh_token (fixture);
  bp_emulator_stop (fixture->emulator);

  /* Reported, with a reason a person can act on... */
  g_assert_false (revoke_account (fixture, &error));
  g_assert_error (error, BP_ERROR, BP_ERROR_NETWORK);
  g_assert_nonnull (strstr (error->message, "could not be revoked"));
  g_assert_nonnull (strstr (error->message, "refused the connection"));
  g_assert_null (strstr (error->message, token));

  /* ...and not fatal: the deletion goes on and removes the keyring items. */
  clear_secrets (fixture);
  bp_secret_store_lookup_async (fixture->secrets, fixture->id, BP_SECRET_KIND_REFRESH_TOKEN, NULL,
                                bp_test_store_result_cb, &result);
  g_clear_error (&error);
  left = bp_secret_store_lookup_finish (fixture->secrets, bp_test_await_result (&result, WAIT_MS), &error);
  g_assert_null (left);
  g_assert_error (error, BP_ERROR, BP_ERROR_SECRET_NOT_FOUND);
}

static GBytes *fetch_limits (Fixture *fixture, char **version, GError **error);

/* Whatever breaks on the way, the refresh token stays as it was: in the
 * keyring, and valid at Salesforce; the error is never invalid_grant (which
 * would make the account ask for a new token). */
static void
test_faults_keep_the_token (Fixture       *fixture,
                            gconstpointer  data)
{
  static const BpEmulatorFault faults[] = {
    BP_EMULATOR_FAULT_CLOSE, BP_EMULATOR_FAULT_RESET, BP_EMULATOR_FAULT_GARBAGE,
    BP_EMULATOR_FAULT_TRUNCATED, BP_EMULATOR_FAULT_HUGE,
  };
  g_autofree char *token = NULL;

  if (!fixture->has_keyring)
    return;

  token = seed_refresh_token (fixture);

  for (guint i = 0; i < G_N_ELEMENTS (faults); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GError) limits_error = NULL;
      g_autoptr(BpSalesforceTokens) tokens = NULL;
      g_autoptr(GBytes) body = NULL;
      g_autofree char *left = NULL;

      bp_emulator_set_fault (fixture->emulator, faults[i]);
      tokens = get_access_token (fixture, TRUE, &error);
      body = fetch_limits (fixture, NULL, &limits_error);
      bp_emulator_set_fault (fixture->emulator, BP_EMULATOR_FAULT_NONE);

      g_test_message ("fault %d: %s", faults[i], error != NULL ? error->message : "no error");
      g_assert_null (tokens);
      g_assert_nonnull (error);
      g_assert_true (g_error_matches (error, BP_ERROR, BP_ERROR_NETWORK)
                     || g_error_matches (error, BP_ERROR, BP_ERROR_SALESFORCE));
      g_assert_null (strstr (error->message, token));
      g_assert_null (body);
      g_assert_true (limits_error != NULL && limits_error->domain == BP_ERROR);
      g_assert_cmpint (limits_error->code, !=, BP_ERROR_INVALID_GRANT);

      left = lookup_secret (fixture, BP_SECRET_KIND_REFRESH_TOKEN);
      g_assert_cmpstr (left, ==, token);
      g_assert_true (bp_emulator_is_refresh_token_valid (fixture->emulator, token));
    }

  /* And it works again as soon as Salesforce does. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(BpSalesforceTokens) tokens = get_access_token (fixture, TRUE, &error);

    g_assert_no_error (error);
    g_assert_nonnull (tokens);
  }
}

static GBytes *
fetch_limits (Fixture  *fixture,
              char    **version,
              GError  **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  bp_token_keeper_fetch_limits_async (fixture->keeper, fixture->account, NULL, bp_test_store_result_cb, &result);
  return bp_token_keeper_fetch_limits_finish (fixture->keeper, bp_test_await_result (&result, WAIT_MS), version,
                                              error);
}

static void
test_limits_401_once (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) again = NULL;
  g_autofree char *version = NULL;
  g_autofree char *token = NULL;

  if (!fixture->has_keyring)
    return;

  token = seed_refresh_token (fixture);
  bp_emulator_set_unauthorized_once (fixture->emulator, TRUE);

  body = fetch_limits (fixture, &version, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (g_bytes_get_data (body, NULL), "DailyApiRequests"));
  g_assert_cmpstr (version, ==, BP_EMULATOR_HIGHEST_VERSION);
  /* 401 → one more refresh → the retry worked. */
  g_assert_cmpuint (bp_emulator_get_refresh_count (fixture->emulator), ==, 2);
  g_assert_cmpuint (bp_emulator_get_limits_count (fixture->emulator), ==, 2);

  /* Next time, the cached access token is used. */
  again = fetch_limits (fixture, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (bp_emulator_get_refresh_count (fixture->emulator), ==, 2);
}

static void
test_limits_forbidden (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *token = NULL;

  if (!fixture->has_keyring)
    return;

  token = seed_refresh_token (fixture);
  bp_emulator_set_forbid_limits (fixture->emulator, TRUE);

  body = fetch_limits (fixture, NULL, &error);
  g_assert_null (body);
  g_assert_error (error, BP_ERROR, BP_ERROR_PERMISSION_DENIED);
  g_assert_nonnull (strstr (error->message, "View Setup and Configuration"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/token-keeper/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("refresh", test_refresh);
  ADD ("refresh-rotation", test_refresh_rotation);
  ADD ("single-flight", test_single_flight);
  ADD ("cancelled-caller-still-stores", test_cancelled_caller_still_stores);
  ADD ("invalid-grant", test_invalid_grant);
  ADD ("no-refresh-token", test_no_refresh_token);
  ADD ("consumer-secret-from-keyring", test_consumer_secret_from_keyring);
  ADD ("revoke", test_revoke);
  ADD ("revoke-without-token", test_revoke_without_token);
  ADD ("revoke-when-down", test_revoke_when_down);
  ADD ("limits-401-once", test_limits_401_once);
  ADD ("limits-forbidden", test_limits_forbidden);
  ADD ("faults-keep-the-token", test_faults_keep_the_token);

#undef ADD

  return g_test_run ();
}

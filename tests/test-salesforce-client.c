/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-salesforce-client"

#include "config.h"

#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "bp-error.h"
#include "bp-limits.h"
#include "bp-oauth-flow.h"
#include "bp-pkce.h"
#include "bp-salesforce-client.h"
#include "bp-secret-store.h"
#include "bp-test-salesforce.h"
#include "bp-test-utils.h"

#define KEY          "3MVG9emulatorConsumerKey"
#define SECRET       "EMULATOR-SECRET-0123456789"
#define REDIRECT_URI "http://localhost:1717/OauthRedirect"
#define WAIT_MS      10000

typedef struct
{
  BpEmulator         *emulator;
  BpSalesforceClient *client;
  const char         *base;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->emulator = bp_test_emulator_new ();
  fixture->client = bp_test_salesforce_client_new ();
  fixture->base = bp_emulator_get_base_url (fixture->emulator);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->client);
  g_clear_object (&fixture->emulator);
}

/* Plays the browser at the emulator's authorize endpoint; returns the code. */
static char *
authorize (Fixture    *fixture,
           const char *challenge)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("proxy-resolver", NULL, NULL);
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) location = NULL;
  g_autoptr(GHashTable) params = NULL;
  g_autofree char *url = NULL;

  url = bp_oauth_build_authorize_url (fixture->base, KEY, REDIRECT_URI, "the-state", challenge);
  message = soup_message_new (SOUP_METHOD_GET, url);
  soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT);
  soup_session_send_and_read_async (session, message, G_PRIORITY_DEFAULT, NULL,
                                    bp_test_store_result_cb, &result);
  body = soup_session_send_and_read_finish (session, bp_test_await_result (&result, WAIT_MS), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (message), ==, 302);

  location = g_uri_parse (soup_message_headers_get_one (soup_message_get_response_headers (message),
                                                         "Location"),
                          G_URI_FLAGS_ENCODED, &error);
  g_assert_no_error (error);
  params = g_uri_parse_params (g_uri_get_query (location), -1, "&", G_URI_PARAMS_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_hash_table_lookup (params, "state"), ==, "the-state");
  g_assert_true (g_str_has_suffix (g_hash_table_lookup (params, "code"), "=="));

  return g_strdup (g_hash_table_lookup (params, "code"));
}

static BpSalesforceTokens *
exchange (Fixture     *fixture,
          const char  *key,
          const char  *secret,
          const char  *code,
          const char  *redirect_uri,
          const char  *verifier,
          GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  bp_salesforce_client_exchange_code_async (fixture->client, fixture->base, key, secret, code,
                                            redirect_uri, verifier, NULL, bp_test_store_result_cb, &result);
  return bp_salesforce_client_exchange_code_finish (fixture->client, bp_test_await_result (&result, WAIT_MS),
                                                    error);
}

static BpSalesforceTokens *
refresh (Fixture     *fixture,
         const char  *refresh_token,
         GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  bp_salesforce_client_refresh_async (fixture->client, fixture->base, KEY, NULL, refresh_token, NULL,
                                      bp_test_store_result_cb, &result);
  return bp_salesforce_client_refresh_finish (fixture->client, bp_test_await_result (&result, WAIT_MS), error);
}

static gboolean
revoke_token (Fixture     *fixture,
        const char  *token,
        GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  bp_salesforce_client_revoke_async (fixture->client, fixture->base, token, NULL,
                                     bp_test_store_result_cb, &result);
  return bp_salesforce_client_revoke_finish (fixture->client, bp_test_await_result (&result, WAIT_MS), error);
}

static void
test_exchange_code (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BpSecret) verifier = bp_pkce_generate_verifier (NULL);
  g_autofree char *challenge = bp_pkce_compute_challenge (verifier);
  g_autofree char *code = authorize (fixture, challenge);
  g_autoptr(BpSalesforceTokens) tokens = NULL;
  g_autoptr(GDateTime) before = g_date_time_new_now_utc ();

  tokens = exchange (fixture, KEY, "", code, REDIRECT_URI, verifier, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (bp_emulator_get_last_code_challenge_method (fixture->emulator), ==, "S256");
  g_assert_true (bp_emulator_get_last_had_verifier (fixture->emulator));
  /* An empty consumer secret is not sent at all. */
  g_assert_false (bp_emulator_get_last_had_secret (fixture->emulator));

  g_assert_true (bp_emulator_is_refresh_token_valid (fixture->emulator,
                                                     bp_salesforce_tokens_get_refresh_token (tokens)));
  g_assert_true (bp_emulator_is_access_token_valid (fixture->emulator,
                                                    bp_salesforce_tokens_get_access_token (tokens)));
  g_assert_cmpstr (bp_salesforce_tokens_get_instance_url (tokens), ==, fixture->base);
  g_assert_cmpstr (bp_salesforce_tokens_get_organization_id (tokens), ==, BP_EMULATOR_ORGANIZATION_ID);
  g_assert_cmpstr (bp_salesforce_tokens_get_user_id (tokens), ==, BP_EMULATOR_USER_ID);
  /* issued_at is milliseconds: within a minute of now, not 1970 or 50000 AD. */
  g_assert_cmpint (g_date_time_difference (bp_salesforce_tokens_get_issued_at (tokens), before),
                   <, 60 * G_TIME_SPAN_SECOND);
  g_assert_cmpint (g_date_time_difference (bp_salesforce_tokens_get_issued_at (tokens), before),
                   >, -60 * G_TIME_SPAN_SECOND);
}

static void
test_exchange_code_with_secret (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BpSecret) verifier = bp_pkce_generate_verifier (NULL);
  g_autofree char *challenge = bp_pkce_compute_challenge (verifier);
  g_autofree char *code = NULL;
  g_autofree char *code2 = NULL;
  g_autoptr(BpSalesforceTokens) tokens = NULL;
  g_autoptr(BpSalesforceTokens) refused = NULL;

  bp_emulator_set_client (fixture->emulator, KEY, SECRET);

  code = authorize (fixture, challenge);
  tokens = exchange (fixture, KEY, SECRET, code, REDIRECT_URI, verifier, &error);
  g_assert_no_error (error);
  g_assert_true (bp_emulator_get_last_had_secret (fixture->emulator));

  code2 = authorize (fixture, challenge);
  refused = exchange (fixture, KEY, "wrong", code2, REDIRECT_URI, verifier, &error);
  g_assert_null (refused);
  g_assert_error (error, BP_ERROR, BP_ERROR_INVALID_CLIENT);
  g_assert_null (strstr (error->message, "wrong"));
}

static void
check_exchange_fails (Fixture    *fixture,
                      const char *key,
                      const char *redirect_uri,
                      gboolean    wrong_verifier,
                      int         expected_code,
                      const char *expected_words)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BpSecret) verifier = bp_pkce_generate_verifier (NULL);
  g_autofree char *challenge = bp_pkce_compute_challenge (verifier);
  g_autofree char *code = authorize (fixture, challenge);
  g_autoptr(BpSecret) other = bp_pkce_generate_verifier (NULL);
  g_autoptr(BpSalesforceTokens) tokens = NULL;

  tokens = exchange (fixture, key, NULL, code, redirect_uri, wrong_verifier ? other : verifier, &error);

  g_test_message ("%s", error != NULL ? error->message : "no error");
  g_assert_null (tokens);
  g_assert_error (error, BP_ERROR, expected_code);
  g_assert_nonnull (strstr (error->message, expected_words));
  g_assert_null (strstr (error->message, code));
  g_assert_null (strstr (error->message, verifier));
}

static void
test_exchange_errors (Fixture       *fixture,
                      gconstpointer  data)
{
  check_exchange_fails (fixture, KEY, REDIRECT_URI, TRUE, BP_ERROR_INVALID_REQUEST, "PKCE");
  check_exchange_fails (fixture, KEY, "http://localhost:1718/OauthRedirect", FALSE,
                        BP_ERROR_REDIRECT_URI_MISMATCH, "http://localhost:1718/OauthRedirect");

  bp_emulator_set_client (fixture->emulator, KEY, NULL);
  {
    /* The code was issued to KEY; another key is unknown to Salesforce. */
    g_autoptr(GError) error = NULL;
    g_autoptr(BpSalesforceTokens) tokens = exchange (fixture, "3MVG9unknown", NULL, "code", REDIRECT_URI,
                                                     "verifier", &error);

    g_assert_null (tokens);
    g_assert_error (error, BP_ERROR, BP_ERROR_INVALID_CLIENT_ID);
    g_assert_nonnull (strstr (error->message, "10 minutes"));
  }

  bp_emulator_set_fail_with_500 (fixture->emulator, TRUE);
  check_exchange_fails (fixture, KEY, REDIRECT_URI, FALSE, BP_ERROR_SALESFORCE, "HTTP 500");
  bp_emulator_set_fail_with_500 (fixture->emulator, FALSE);

  bp_emulator_set_answer_html (fixture->emulator, TRUE);
  check_exchange_fails (fixture, KEY, REDIRECT_URI, FALSE, BP_ERROR_SALESFORCE, "Salesforce - Maintenance");
  bp_emulator_set_answer_html (fixture->emulator, FALSE);

  bp_emulator_set_invalid_grant (fixture->emulator, TRUE);
  check_exchange_fails (fixture, KEY, REDIRECT_URI, FALSE, BP_ERROR_INVALID_GRANT, "invalid_grant");
  bp_emulator_set_invalid_grant (fixture->emulator, FALSE);
}

static void
test_code_single_use (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BpSecret) verifier = bp_pkce_generate_verifier (NULL);
  g_autofree char *challenge = bp_pkce_compute_challenge (verifier);
  g_autofree char *code = authorize (fixture, challenge);
  g_autoptr(BpSalesforceTokens) first = exchange (fixture, KEY, NULL, code, REDIRECT_URI, verifier, &error);
  g_autoptr(BpSalesforceTokens) second = NULL;

  g_assert_no_error (error);
  second = exchange (fixture, KEY, NULL, code, REDIRECT_URI, verifier, &error);
  g_assert_null (second);
  g_assert_error (error, BP_ERROR, BP_ERROR_INVALID_GRANT);
}

static void
test_refresh (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *refresh_token = bp_emulator_issue_refresh_token (fixture->emulator, KEY);
  g_autoptr(BpSalesforceTokens) tokens = refresh (fixture, refresh_token, &error);

  g_assert_no_error (error);
  g_assert_null (bp_salesforce_tokens_get_refresh_token (tokens));
  g_assert_true (bp_emulator_is_access_token_valid (fixture->emulator,
                                                    bp_salesforce_tokens_get_access_token (tokens)));
  g_assert_true (bp_emulator_is_refresh_token_valid (fixture->emulator, refresh_token));
  g_assert_cmpuint (bp_emulator_get_refresh_count (fixture->emulator), ==, 1);
}

static void
test_refresh_rotation (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *refresh_token = bp_emulator_issue_refresh_token (fixture->emulator, KEY);
  g_autoptr(BpSalesforceTokens) tokens = NULL;
  g_autoptr(BpSalesforceTokens) again = NULL;

  bp_emulator_set_rotate_refresh_tokens (fixture->emulator, TRUE);
  tokens = refresh (fixture, refresh_token, &error);

  g_assert_no_error (error);
  g_assert_nonnull (bp_salesforce_tokens_get_refresh_token (tokens));
  g_assert_cmpstr (bp_salesforce_tokens_get_refresh_token (tokens), !=, refresh_token);
  g_assert_false (bp_emulator_is_refresh_token_valid (fixture->emulator, refresh_token));

  /* The old one is dead: invalid_grant, the account needs a new token. */
  again = refresh (fixture, refresh_token, &error);
  g_assert_null (again);
  g_assert_error (error, BP_ERROR, BP_ERROR_INVALID_GRANT);
  g_assert_nonnull (strstr (error->message, "Request token"));
}

static void
test_revoke (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *refresh_token = bp_emulator_issue_refresh_token (fixture->emulator, KEY);
  GPtrArray *revoked;

  g_assert_true (revoke_token (fixture, refresh_token, &error));
  g_assert_no_error (error);
  g_assert_false (bp_emulator_is_refresh_token_valid (fixture->emulator, refresh_token));
  revoked = bp_emulator_get_revoked_tokens (fixture->emulator);
  g_assert_cmpuint (revoked->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (revoked, 0), ==, refresh_token);

  /* 400 invalid_token: already dead, which is what we wanted. */
  g_assert_true (revoke_token (fixture, refresh_token, &error));
  g_assert_no_error (error);
}

static void
test_revoke_when_down (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  bp_emulator_stop (fixture->emulator);

  g_assert_false (revoke_token (fixture, "5Aep861whatever", &error));
  g_assert_error (error, BP_ERROR, BP_ERROR_NETWORK);
  g_assert_nonnull (strstr (error->message, "refused the connection"));
  g_assert_nonnull (strstr (error->message, "127.0.0.1"));
}

static void
test_revoke_500 (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  bp_emulator_set_fail_with_500 (fixture->emulator, TRUE);
  g_assert_false (revoke_token (fixture, "5Aep861whatever", &error));
  g_assert_error (error, BP_ERROR, BP_ERROR_SALESFORCE);
}

static void
test_user_info (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *refresh_token = bp_emulator_issue_refresh_token (fixture->emulator, KEY);
  g_autoptr(BpSalesforceTokens) tokens = refresh (fixture, refresh_token, &error);
  g_autoptr(BpSalesforceUserInfo) info = NULL;
  g_autoptr(BpSalesforceUserInfo) refused = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) result2 = NULL;

  g_assert_no_error (error);
  bp_salesforce_client_get_user_info_async (fixture->client, bp_salesforce_tokens_get_instance_url (tokens),
                                            bp_salesforce_tokens_get_access_token (tokens), NULL,
                                            bp_test_store_result_cb, &result);
  info = bp_salesforce_client_get_user_info_finish (fixture->client, bp_test_await_result (&result, WAIT_MS),
                                                    &error);
  g_assert_no_error (error);
  g_assert_cmpstr (info->preferred_username, ==, BP_EMULATOR_USERNAME);
  g_assert_cmpstr (info->organization_id, ==, BP_EMULATOR_ORGANIZATION_ID);

  bp_salesforce_client_get_user_info_async (fixture->client, fixture->base, "00Dnot!valid", NULL,
                                            bp_test_store_result_cb, &result2);
  refused = bp_salesforce_client_get_user_info_finish (fixture->client,
                                                       bp_test_await_result (&result2, WAIT_MS), &error);
  g_assert_null (refused);
  g_assert_error (error, BP_ERROR, BP_ERROR_SALESFORCE);
  g_assert_nonnull (strstr (error->message, "403"));
}

static char *
get_api_version (Fixture *fixture)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *version;

  bp_salesforce_client_get_api_version_async (fixture->client, fixture->base, NULL,
                                              bp_test_store_result_cb, &result);
  version = bp_salesforce_client_get_api_version_finish (fixture->client,
                                                         bp_test_await_result (&result, WAIT_MS), &error);
  g_assert_no_error (error);

  return version;
}

static void
test_api_version (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *fallback = NULL;
  g_autofree char *version = NULL;
  g_autofree char *cached = NULL;

  /* Unreadable: the built-in version, and nothing is cached. */
  bp_emulator_set_fail_with_500 (fixture->emulator, TRUE);
  fallback = get_api_version (fixture);
  g_assert_cmpstr (fallback, ==, BP_SALESFORCE_FALLBACK_API_VERSION);
  bp_emulator_set_fail_with_500 (fixture->emulator, FALSE);

  version = get_api_version (fixture);
  g_assert_cmpstr (version, ==, BP_EMULATOR_HIGHEST_VERSION);

  /* Cached per instance: asked again with the emulator down, still the same. */
  bp_emulator_stop (fixture->emulator);
  cached = get_api_version (fixture);
  g_assert_cmpstr (cached, ==, BP_EMULATOR_HIGHEST_VERSION);
}

static GBytes *
get_limits (Fixture     *fixture,
            const char  *version,
            const char  *access_token,
            GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  bp_salesforce_client_get_limits_async (fixture->client, fixture->base, version, access_token, NULL,
                                         bp_test_store_result_cb, &result);
  return bp_salesforce_client_get_limits_finish (fixture->client, bp_test_await_result (&result, WAIT_MS),
                                                 error);
}

static void
test_limits (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *refresh_token = bp_emulator_issue_refresh_token (fixture->emulator, KEY);
  g_autoptr(BpSalesforceTokens) tokens = refresh (fixture, refresh_token, &error);
  const char *access_token = bp_salesforce_tokens_get_access_token (tokens);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) expired = NULL;
  g_autoptr(GBytes) forbidden = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root;
  JsonObject *daily;

  g_assert_no_error (error);
  body = get_limits (fixture, "63.0", access_token, &error);
  g_assert_no_error (error);
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                                             NULL));
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpuint (json_object_get_size (root), >=, 20);
  daily = json_object_get_object_member (root, "DailyApiRequests");
  g_assert_cmpint (json_object_get_int_member (daily, "Max"), ==, 15000);
  g_assert_true (json_object_has_member (daily, "Salesforce Mobile Dashboards"));
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (root, "DataStorageMB"),
                                               "Remaining"), <, 0);
  g_assert_true (json_object_has_member (json_object_get_object_member (root, "PermissionSets"),
                                         "CreateCustom"));

  expired = get_limits (fixture, "63.0", "00Dnot!valid", &error);
  g_assert_null (expired);
  g_assert_error (error, BP_ERROR, BP_ERROR_INVALID_SESSION);
  g_clear_error (&error);

  bp_emulator_set_forbid_limits (fixture->emulator, TRUE);
  forbidden = get_limits (fixture, "63.0", access_token, &error);
  g_assert_null (forbidden);
  g_assert_error (error, BP_ERROR, BP_ERROR_PERMISSION_DENIED);
  g_assert_nonnull (strstr (error->message, "INSUFFICIENT_ACCESS"));
  g_assert_nonnull (strstr (error->message, "You don't have permission to view the org limits."));
}

static void
test_refuses_plain_http (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(BpSalesforceTokens) tokens = NULL;

  bp_salesforce_client_refresh_async (fixture->client, "http://login.example.com", KEY, SECRET, "5Aep861x",
                                      NULL, bp_test_store_result_cb, &result);
  tokens = bp_salesforce_client_refresh_finish (fixture->client, bp_test_await_result (&result, WAIT_MS),
                                                &error);
  g_assert_null (tokens);
  g_assert_error (error, BP_ERROR, BP_ERROR_INVALID_URL);
  g_assert_cmpuint (bp_emulator_get_refresh_count (fixture->emulator), ==, 0);
}

static void
test_timeout (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BpSalesforceTokens) tokens = NULL;
  g_autofree char *refresh_token = bp_emulator_issue_refresh_token (fixture->emulator, KEY);

  bp_salesforce_client_set_timeout (fixture->client, 1);
  bp_emulator_set_latency (fixture->emulator, 2500);

  tokens = refresh (fixture, refresh_token, &error);
  g_assert_null (tokens);
  g_assert_error (error, BP_ERROR, BP_ERROR_TIMED_OUT);
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(BpSalesforceTokens) tokens = NULL;

  bp_emulator_set_latency (fixture->emulator, 2000);
  bp_salesforce_client_refresh_async (fixture->client, fixture->base, KEY, NULL, "5Aep861x", cancellable,
                                      bp_test_store_result_cb, &result);
  g_cancellable_cancel (cancellable);
  tokens = bp_salesforce_client_refresh_finish (fixture->client, bp_test_await_result (&result, 1000),
                                                &error);
  g_assert_null (tokens);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* Broken answers and broken connections, on each of the four calls */

typedef enum
{
  CALL_EXCHANGE,
  CALL_REFRESH,
  CALL_LIMITS,
  CALL_REVOKE,
  N_CALLS
} Call;

static const char * const call_names[N_CALLS] = { "exchange", "refresh", "limits", "revoke" };

/* Runs @call against an emulator with @fault; the client's error. */
static GError *
call_with_fault_and_latency (Fixture         *fixture,
                             Call             call,
                             BpEmulatorFault  fault,
                             guint            latency_ms)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BpSecret) verifier = bp_pkce_generate_verifier (NULL);
  g_autofree char *challenge = bp_pkce_compute_challenge (verifier);
  g_autofree char *code = NULL;
  g_autofree char *refresh_token = bp_emulator_issue_refresh_token (fixture->emulator, KEY);
  g_autoptr(BpSalesforceTokens) access = NULL;
  g_autoptr(BpSalesforceTokens) tokens = NULL;
  g_autoptr(GBytes) body = NULL;
  gboolean revoked = FALSE;

  /* What the call needs, while the emulator still answers. */
  if (call == CALL_EXCHANGE)
    code = authorize (fixture, challenge);
  if (call == CALL_LIMITS)
    {
      access = refresh (fixture, refresh_token, &error);
      g_assert_no_error (error);
    }

  bp_emulator_set_fault (fixture->emulator, fault);
  bp_emulator_set_latency (fixture->emulator, latency_ms);
  switch (call)
    {
    case CALL_EXCHANGE:
      tokens = exchange (fixture, KEY, NULL, code, REDIRECT_URI, verifier, &error);
      g_assert_null (tokens);
      break;
    case CALL_REFRESH:
      tokens = refresh (fixture, refresh_token, &error);
      g_assert_null (tokens);
      break;
    case CALL_LIMITS:
      body = get_limits (fixture, "63.0", bp_salesforce_tokens_get_access_token (access), &error);
      /* The client hands the body on as it came; what reads it must refuse it. */
      if (body != NULL)
        {
          g_autoptr(BpLimits) limits = bp_limits_new_from_json (g_bytes_get_data (body, NULL),
                                                                g_bytes_get_size (body), &error);

          g_assert_null (limits);
        }
      break;
    case CALL_REVOKE:
      revoked = revoke_token (fixture, refresh_token, &error);
      g_assert_true (revoked == (error == NULL));
      break;
    case N_CALLS:
    default:
      g_assert_not_reached ();
    }
  bp_emulator_set_fault (fixture->emulator, BP_EMULATOR_FAULT_NONE);
  bp_emulator_set_latency (fixture->emulator, 0);

  /* HTTP 200 to a revoke is success, whatever the body says. */
  if (call == CALL_REVOKE && (fault == BP_EMULATOR_FAULT_GARBAGE || fault == BP_EMULATOR_FAULT_TRUNCATED))
    {
      g_assert_no_error (error);
      return NULL;
    }

  g_assert_nonnull (error);
  g_test_message ("%s, fault %d: %s", call_names[call], fault, error->message);
  g_assert_true (error->domain == BP_ERROR);

  /* Nothing secret in what the user reads. */
  g_assert_null (strstr (error->message, refresh_token));
  if (code != NULL)
    g_assert_null (strstr (error->message, code));
  g_assert_null (strstr (error->message, verifier));
  if (access != NULL)
    g_assert_null (strstr (error->message, bp_salesforce_tokens_get_access_token (access)));

  /* A failed refresh or revoke leaves the refresh token as it was. */
  if (fault != BP_EMULATOR_FAULT_DIE && call != CALL_EXCHANGE)
    g_assert_true (bp_emulator_is_refresh_token_valid (fixture->emulator, refresh_token));

  return g_steal_pointer (&error);
}

static GError *
call_with_fault (Fixture         *fixture,
                 Call             call,
                 BpEmulatorFault  fault)
{
  return call_with_fault_and_latency (fixture, call, fault, 0);
}

static void
assert_message_has (const GError *error,
                    const char   *words)
{
  if (strstr (error->message, words) == NULL)
    g_error ("“%s” is not in “%s”", words, error->message);
}

static void
test_connection_dropped (Fixture       *fixture,
                         gconstpointer  data)
{
  for (Call call = 0; call < N_CALLS; call++)
    {
      g_autoptr(GError) closed = call_with_fault (fixture, call, BP_EMULATOR_FAULT_CLOSE);
      g_autoptr(GError) reset = call_with_fault (fixture, call, BP_EMULATOR_FAULT_RESET);

      g_assert_error (closed, BP_ERROR, BP_ERROR_NETWORK);
      assert_message_has (closed, "127.0.0.1");
      assert_message_has (closed, "closed the connection");
      assert_message_has (closed, "try again");

      g_assert_error (reset, BP_ERROR, BP_ERROR_NETWORK);
      assert_message_has (reset, "127.0.0.1");
      assert_message_has (reset, "closed the connection");
    }
}

static void
test_emulator_dies (Fixture       *fixture,
                    gconstpointer  data)
{
  for (Call call = 0; call < N_CALLS; call++)
    {
      g_autoptr(GError) died = NULL;
      g_autoptr(GError) after = NULL;
      g_autoptr(BpSalesforceTokens) tokens = NULL;

      /* A fresh Salesforce each time: the last one died. */
      g_clear_object (&fixture->emulator);
      fixture->emulator = bp_test_emulator_new ();
      fixture->base = bp_emulator_get_base_url (fixture->emulator);

      /* libsoup sends a GET again on a new connection when a kept-alive one
       * was closed; that one is refused. Either is a clear message. */
      died = call_with_fault (fixture, call, BP_EMULATOR_FAULT_DIE);
      g_assert_error (died, BP_ERROR, BP_ERROR_NETWORK);
      assert_message_has (died, "127.0.0.1");
      if (call != CALL_LIMITS)
        assert_message_has (died, "closed the connection");

      /* And it stays down: the next call is refused, with its own words. */
      tokens = refresh (fixture, "5Aep861whatever", &after);
      g_assert_null (tokens);
      g_assert_error (after, BP_ERROR, BP_ERROR_NETWORK);
      assert_message_has (after, "refused the connection");
    }
}

/* Salesforce answers, but far too late. */
static void
test_slow (Fixture       *fixture,
           gconstpointer  data)
{
  /* The emulator holds every answer 4 s; the client gives up after 1 s. */
  bp_salesforce_client_set_timeout (fixture->client, 1);

  for (Call call = 0; call < N_CALLS; call++)
    {
      g_autoptr(GError) error = call_with_fault_and_latency (fixture, call, BP_EMULATOR_FAULT_NONE, 4000);

      g_assert_error (error, BP_ERROR, BP_ERROR_TIMED_OUT);
      assert_message_has (error, "127.0.0.1");
      assert_message_has (error, "did not answer in time");
      assert_message_has (error, "try again");
    }

  /* The held answers go out (to nobody) before the emulator goes away. */
  while (bp_emulator_get_held_count (fixture->emulator) > 0)
    g_main_context_iteration (NULL, TRUE);
}

/* Salesforce sends a byte now and then, for ever: each read is quick, the
 * answer never complete. The client's timeout bounds the whole request. */
static void
test_trickle (Fixture       *fixture,
              gconstpointer  data)
{
  bp_salesforce_client_set_timeout (fixture->client, 2);

  for (Call call = 0; call < N_CALLS; call++)
    {
      g_autoptr(GError) error = call_with_fault (fixture, call, BP_EMULATOR_FAULT_TRICKLE);

      g_assert_error (error, BP_ERROR, BP_ERROR_TIMED_OUT);
      assert_message_has (error, "127.0.0.1");
      assert_message_has (error, "did not answer in time");
    }
}

static void
test_garbage (Fixture       *fixture,
              gconstpointer  data)
{
  for (Call call = 0; call < N_CALLS; call++)
    {
      g_autoptr(GError) garbage = call_with_fault (fixture, call, BP_EMULATOR_FAULT_GARBAGE);
      g_autoptr(GError) truncated = call_with_fault (fixture, call, BP_EMULATOR_FAULT_TRUNCATED);

      if (call == CALL_REVOKE)
        {
          g_assert_no_error (garbage);
          g_assert_no_error (truncated);
          continue;
        }

      g_assert_error (garbage, BP_ERROR, BP_ERROR_SALESFORCE);
      g_assert_error (truncated, BP_ERROR, BP_ERROR_SALESFORCE);
      assert_message_has (garbage, "could not be read");
      assert_message_has (garbage, "try again");
      assert_message_has (truncated, "try again");
    }
}

static void
test_huge_body (Fixture       *fixture,
                gconstpointer  data)
{
  for (Call call = 0; call < N_CALLS; call++)
    {
      g_autoptr(GError) huge = NULL;

      /* Even to a revoke: an answer like that is no proof that it worked. */
      huge = call_with_fault (fixture, call, BP_EMULATOR_FAULT_HUGE);
      g_assert_error (huge, BP_ERROR, BP_ERROR_SALESFORCE);
      assert_message_has (huge, "127.0.0.1");
      assert_message_has (huge, "MiB");
    }
}

/* DNS failure, without asking any real resolver */

typedef GResolver      FailingResolver;
typedef GResolverClass FailingResolverClass;

static GType failing_resolver_get_type (void);
G_DEFINE_TYPE (FailingResolver, failing_resolver, G_TYPE_RESOLVER)

static GList *
failing_lookup_by_name (GResolver     *resolver,
                        const char    *hostname,
                        GCancellable  *cancellable,
                        GError       **error)
{
  g_set_error (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND, "no such host: %s", hostname);
  return NULL;
}

static GList *
failing_lookup_by_name_with_flags (GResolver                 *resolver,
                                   const char                *hostname,
                                   GResolverNameLookupFlags   flags,
                                   GCancellable              *cancellable,
                                   GError                   **error)
{
  return failing_lookup_by_name (resolver, hostname, cancellable, error);
}

static void
failing_lookup_by_name_async (GResolver           *resolver,
                              const char          *hostname,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (resolver, cancellable, callback, user_data);

  g_task_return_new_error (task, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND, "no such host: %s", hostname);
}

static void
failing_lookup_by_name_with_flags_async (GResolver                *resolver,
                                         const char               *hostname,
                                         GResolverNameLookupFlags  flags,
                                         GCancellable             *cancellable,
                                         GAsyncReadyCallback       callback,
                                         gpointer                  user_data)
{
  failing_lookup_by_name_async (resolver, hostname, cancellable, callback, user_data);
}

static GList *
failing_lookup_by_name_finish (GResolver     *resolver,
                               GAsyncResult  *result,
                               GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
failing_resolver_class_init (FailingResolverClass *klass)
{
  klass->lookup_by_name = failing_lookup_by_name;
  klass->lookup_by_name_async = failing_lookup_by_name_async;
  klass->lookup_by_name_finish = failing_lookup_by_name_finish;
  klass->lookup_by_name_with_flags = failing_lookup_by_name_with_flags;
  klass->lookup_by_name_with_flags_async = failing_lookup_by_name_with_flags_async;
  klass->lookup_by_name_with_flags_finish = failing_lookup_by_name_finish;
}

static void
failing_resolver_init (FailingResolver *resolver)
{
}

static void
test_host_not_found (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GResolver) original = g_resolver_get_default ();
  g_autoptr(GResolver) failing = g_object_new (failing_resolver_get_type (), NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(BpSalesforceTokens) tokens = NULL;

  g_resolver_set_default (failing);
  bp_salesforce_client_refresh_async (fixture->client, "https://acme.my.salesforce.invalid", KEY, SECRET,
                                      "5Aep861x", NULL, bp_test_store_result_cb, &result);
  tokens = bp_salesforce_client_refresh_finish (fixture->client, bp_test_await_result (&result, WAIT_MS),
                                                &error);
  g_resolver_set_default (original);

  g_assert_null (tokens);
  g_assert_error (error, BP_ERROR, BP_ERROR_NETWORK);
  g_assert_nonnull (strstr (error->message, "acme.my.salesforce.invalid could not be found"));
}

/* TLS: a loopback HTTPS server with a throw-away self-signed certificate */

static void
check_gnutls (int result)
{
  if (result < 0)
    g_error ("GnuTLS: %s", gnutls_strerror (result));
}

static char *
export_pem (int (*export) (void *, gnutls_x509_crt_fmt_t, void *, size_t *),
            void  *object)
{
  size_t size = 0;
  char *pem;

  export (object, GNUTLS_X509_FMT_PEM, NULL, &size);
  pem = g_malloc0 (size + 1);
  check_gnutls (export (object, GNUTLS_X509_FMT_PEM, pem, &size));

  return pem;
}

/* Returns the certificate and key PEM; *cert_only the certificate alone. */
static char *
make_self_signed (char **cert_only)
{
  gnutls_x509_privkey_t key;
  gnutls_x509_crt_t crt;
  guint8 serial[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
  guint8 loopback[4] = { 127, 0, 0, 1 };
  time_t now = time (NULL);
  g_autofree char *key_pem = NULL;
  char *both;

  check_gnutls (gnutls_x509_privkey_init (&key));
  check_gnutls (gnutls_x509_privkey_generate (key, GNUTLS_PK_ECDSA,
                                              GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1), 0));
  check_gnutls (gnutls_x509_crt_init (&crt));
  check_gnutls (gnutls_x509_crt_set_version (crt, 3));
  check_gnutls (gnutls_x509_crt_set_serial (crt, serial, sizeof serial));
  check_gnutls (gnutls_x509_crt_set_activation_time (crt, now - 3600));
  check_gnutls (gnutls_x509_crt_set_expiration_time (crt, now + 3600));
  check_gnutls (gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0, "127.0.0.1", 9));
  check_gnutls (gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_IPADDRESS, loopback, sizeof loopback,
                                                      GNUTLS_FSAN_SET));
  check_gnutls (gnutls_x509_crt_set_basic_constraints (crt, 1, -1));
  check_gnutls (gnutls_x509_crt_set_key_usage (crt, GNUTLS_KEY_DIGITAL_SIGNATURE | GNUTLS_KEY_KEY_CERT_SIGN));
  check_gnutls (gnutls_x509_crt_set_key (crt, key));
  check_gnutls (gnutls_x509_crt_sign2 (crt, crt, key, GNUTLS_DIG_SHA256, 0));

  *cert_only = export_pem ((int (*) (void *, gnutls_x509_crt_fmt_t, void *, size_t *)) gnutls_x509_crt_export,
                           crt);
  key_pem = export_pem ((int (*) (void *, gnutls_x509_crt_fmt_t, void *, size_t *)) gnutls_x509_privkey_export,
                        key);
  both = g_strconcat (*cert_only, key_pem, NULL);

  gnutls_x509_crt_deinit (crt);
  gnutls_x509_privkey_deinit (key);

  return both;
}

static void
tls_versions_cb (SoupServer        *server,
                 SoupServerMessage *message,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  static const char body[] = "[{\"label\":\"x\",\"url\":\"/services/data/v61.0\",\"version\":\"61.0\"}]";

  soup_server_message_set_status (message, 200, NULL);
  soup_server_message_set_response (message, "application/json", SOUP_MEMORY_STATIC, body, strlen (body));
}

static void
test_tls (Fixture       *fixture,
          gconstpointer  data)
{
  g_autofree char *cert_pem = NULL;
  g_autofree char *both = make_self_signed (&cert_pem);
  g_autofree char *dir = bp_test_make_temp_dir ();
  g_autofree char *ca_path = g_build_filename (dir, "ca.pem", NULL);
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) refused = NULL;
  g_autoptr(GAsyncResult) trusted = NULL;
  g_autoptr(BpSalesforceTokens) tokens = NULL;
  g_autofree char *version = NULL;
  g_autofree char *url = NULL;
  GSList *uris;

  certificate = g_tls_certificate_new_from_pem (both, -1, &error);
  g_assert_no_error (error);

  server = soup_server_new ("tls-certificate", certificate, NULL);
  soup_server_add_handler (server, NULL, tls_versions_cb, NULL, NULL);
  address = g_inet_socket_address_new (loopback, 0);
  soup_server_listen (server, address, SOUP_SERVER_LISTEN_HTTPS, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  url = g_strdup_printf ("https://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  /* Not trusted by the system: refused, and nothing was sent. */
  bp_salesforce_client_refresh_async (fixture->client, url, KEY, SECRET, "5Aep861x", NULL,
                                      bp_test_store_result_cb, &refused);
  tokens = bp_salesforce_client_refresh_finish (fixture->client, bp_test_await_result (&refused, WAIT_MS),
                                                &error);
  g_assert_null (tokens);
  g_assert_error (error, BP_ERROR, BP_ERROR_TLS);
  g_assert_nonnull (strstr (error->message, "not trusted"));
  g_clear_error (&error);

  /* Trusted through the test seam: the same server works. */
  g_file_set_contents (ca_path, cert_pem, -1, &error);
  g_assert_no_error (error);
  database = g_tls_file_database_new (ca_path, &error);
  g_assert_no_error (error);
  bp_salesforce_client_set_tls_database (fixture->client, database);

  bp_salesforce_client_get_api_version_async (fixture->client, url, NULL, bp_test_store_result_cb, &trusted);
  version = bp_salesforce_client_get_api_version_finish (fixture->client,
                                                         bp_test_await_result (&trusted, WAIT_MS), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (version, ==, "61.0");

  soup_server_disconnect (server);
  bp_test_remove_tree (dir);
}

/* The messages name a status as libsoup did before it moved into the bp-http
 * module (bp-salesforce-response.c keeps its own table of reason phrases). */
static void
test_status_phrases (void)
{
  for (guint status = 100; status < 600; status++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *expected = NULL;

      if (status == 401)
        continue;   /* named without a phrase */

      error = bp_salesforce_error_new_from_response (BP_SALESFORCE_REQUEST_CODE_EXCHANGE, status,
                                                     "text/html", "<html></html>", 13, NULL);
      expected = g_strdup_printf ("HTTP %u %s", status, soup_status_get_phrase (status));
      if (strstr (error->message, expected) == NULL)
        g_error ("“%s” does not name “%s”", error->message, expected);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/salesforce-client/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("exchange-code", test_exchange_code);
  ADD ("exchange-code-with-secret", test_exchange_code_with_secret);
  ADD ("exchange-errors", test_exchange_errors);
  ADD ("code-single-use", test_code_single_use);
  ADD ("refresh", test_refresh);
  ADD ("refresh-rotation", test_refresh_rotation);
  ADD ("revoke", test_revoke);
  ADD ("revoke-when-down", test_revoke_when_down);
  ADD ("revoke-500", test_revoke_500);
  ADD ("user-info", test_user_info);
  ADD ("api-version", test_api_version);
  ADD ("limits", test_limits);
  ADD ("refuses-plain-http", test_refuses_plain_http);
  ADD ("timeout", test_timeout);
  ADD ("cancel", test_cancel);
  ADD ("connection-dropped", test_connection_dropped);
  ADD ("emulator-dies", test_emulator_dies);
  ADD ("slow", test_slow);
  ADD ("trickle", test_trickle);
  ADD ("garbage", test_garbage);
  ADD ("huge-body", test_huge_body);
  ADD ("host-not-found", test_host_not_found);
  ADD ("tls", test_tls);

#undef ADD

  g_test_add_func ("/salesforce-client/status-phrases", test_status_phrases);

  return g_test_run ();
}

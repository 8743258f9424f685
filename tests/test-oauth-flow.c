/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-oauth-flow"

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "bp-error.h"
#include "bp-oauth-flow-private.h"
#include "bp-salesforce-endpoints.h"
#include "bp-test-salesforce.h"
#include "bp-test-utils.h"

#define KEY     "3MVG9emulatorConsumerKey"
#define SECRET  "EMULATOR-SECRET-0123456789"
#define WAIT_MS 10000

typedef struct
{
  BpEmulator         *emulator;
  BpSalesforceClient *client;
  guint               port;
  char               *dir;
  char               *browser_log;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->emulator = bp_test_emulator_new ();
  fixture->client = bp_test_salesforce_client_new ();
  fixture->port = bp_test_find_free_port ();
  fixture->dir = bp_test_make_temp_dir ();
  fixture->browser_log = g_build_filename (fixture->dir, "browser.log", NULL);
  g_setenv ("BP_TEST_BROWSER_LOG", fixture->browser_log, TRUE);
  g_unsetenv (BP_SALESFORCE_LOGIN_URL_ENV);
  bp_test_use_test_browser ();
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->client);
  g_clear_object (&fixture->emulator);
  bp_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->browser_log);
  g_unsetenv ("BP_TEST_BROWSER_LOG");
  g_unsetenv ("BROWSER");
}

static BpOAuthFlow *
new_flow (Fixture    *fixture,
          const char *secret)
{
  return bp_oauth_flow_new (fixture->client, bp_emulator_get_base_url (fixture->emulator), KEY, secret,
                            fixture->port);
}

static BpSalesforceTokens *
run_flow (BpOAuthFlow  *flow,
          GError      **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  bp_oauth_flow_run_async (flow, NULL, bp_test_store_result_cb, &result);
  return bp_oauth_flow_run_finish (flow, bp_test_await_result (&result, WAIT_MS), error);
}

static gboolean
is_port_free (guint port)
{
  return bp_test_can_bind ("127.0.0.1", port) && (!bp_test_can_bind ("::1", 0) || bp_test_can_bind ("::1", port));
}

/* In-process HTTP, so that the listener (in this thread) can answer. */
typedef struct
{
  guint               status;
  SoupMessageHeaders *headers;
  char               *body;
} Response;

static void
response_free (Response *response)
{
  g_clear_pointer (&response->headers, soup_message_headers_unref);
  g_free (response->body);
  g_free (response);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Response, response_free)

static Response *
http_request (const char *method,
              const char *url,
              const char *header_name,
              const char *header_value,
              GError    **error)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("proxy-resolver", NULL, "timeout", 10, NULL);
  g_autoptr(SoupMessage) message = soup_message_new (method, url);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) body = NULL;
  Response *response;

  g_assert_nonnull (message);
  soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT);
  if (header_name != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (message), header_name, header_value);

  soup_session_send_and_read_async (session, message, G_PRIORITY_DEFAULT, NULL, bp_test_store_result_cb, &result);
  body = soup_session_send_and_read_finish (session, bp_test_await_result (&result, WAIT_MS), error);
  if (body == NULL)
    return NULL;

  response = g_new0 (Response, 1);
  response->status = soup_message_get_status (message);
  response->headers = soup_message_headers_ref (soup_message_get_response_headers (message));
  response->body = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));

  return response;
}

static char *
callback_url (Fixture    *fixture,
              const char *query)
{
  return g_strdup_printf ("http://localhost:%u/OauthRedirect%s%s", fixture->port, query ? "?" : "",
                          query ? query : "");
}

/* What a browser does after the user approved: authorize, then follow the redirect. */
static Response *
play_browser (const char *authorize_url)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(Response) authorize = http_request ("GET", authorize_url, NULL, NULL, &error);
  const char *location;

  g_assert_no_error (error);
  g_assert_nonnull (authorize);
  g_assert_cmpuint (authorize->status, ==, 302);
  location = soup_message_headers_get_one (authorize->headers, "Location");
  g_assert_nonnull (location);

  return http_request ("GET", location, NULL, NULL, &error);
}

static char *
state_of (const char *authorize_url)
{
  g_autoptr(GUri) uri = g_uri_parse (authorize_url, G_URI_FLAGS_ENCODED, NULL);
  g_autoptr(GHashTable) params = g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_NONE, NULL);

  return g_strdup (g_hash_table_lookup (params, "state"));
}

/* Unit tests */

static void
test_authorize_url (void)
{
  g_autofree char *url = bp_oauth_build_authorize_url ("https://acme.my.salesforce.com/", "3MVG9 key&x=1+y",
                                                       "http://localhost:1717/OauthRedirect",
                                                       "st/ate+=", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL);
  g_auto(GStrv) pairs = NULL;
  g_autoptr(GHashTable) params = NULL;
  static const char * const expected_names[] = {
    "response_type", "client_id", "redirect_uri", "state", "code_challenge", "code_challenge_method",
    "scope", "prompt", NULL
  };

  g_assert_nonnull (uri);
  g_assert_cmpstr (g_uri_get_scheme (uri), ==, "https");
  g_assert_cmpstr (g_uri_get_host (uri), ==, "acme.my.salesforce.com");
  g_assert_cmpstr (g_uri_get_path (uri), ==, "/services/oauth2/authorize");

  /* Every value percent-encoded: spaces as %20, never a raw reserved character. */
  g_assert_nonnull (strstr (url, "response_type=code&"));
  g_assert_nonnull (strstr (url, "client_id=3MVG9%20key%26x%3D1%2By&"));
  g_assert_nonnull (strstr (url, "redirect_uri=http%3A%2F%2Flocalhost%3A1717%2FOauthRedirect&"));
  g_assert_nonnull (strstr (url, "state=st%2Fate%2B%3D&"));
  g_assert_nonnull (strstr (url, "code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&"));
  g_assert_nonnull (strstr (url, "code_challenge_method=S256&"));
  g_assert_nonnull (strstr (url, "scope=api%20refresh_token%20offline_access&"));
  g_assert_true (g_str_has_suffix (url, "prompt=login%20consent"));

  /* Each parameter exactly once, and nothing else. */
  pairs = g_strsplit (g_uri_get_query (uri), "&", -1);
  g_assert_cmpuint (g_strv_length (pairs), ==, g_strv_length ((GStrv) expected_names));
  for (guint i = 0; expected_names[i] != NULL; i++)
    g_assert_true (g_str_has_prefix (pairs[i], expected_names[i])
                   && pairs[i][strlen (expected_names[i])] == '=');

  params = g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_NONE, NULL);
  g_assert_cmpstr (g_hash_table_lookup (params, "client_id"), ==, "3MVG9 key&x=1+y");
  g_assert_cmpstr (g_hash_table_lookup (params, "redirect_uri"), ==, "http://localhost:1717/OauthRedirect");
  g_assert_cmpstr (g_hash_table_lookup (params, "state"), ==, "st/ate+=");
  g_assert_cmpstr (g_hash_table_lookup (params, "scope"), ==, "api refresh_token offline_access");
  g_assert_cmpstr (g_hash_table_lookup (params, "prompt"), ==, "login consent");
}

static void
test_resolve_port (void)
{
  g_unsetenv (BP_OAUTH_REDIRECT_PORT_ENV);
  g_assert_cmpuint (bp_oauth_flow_resolve_port (0), ==, 1717);
  g_assert_cmpuint (bp_oauth_flow_resolve_port (8080), ==, 8080);

  g_setenv (BP_OAUTH_REDIRECT_PORT_ENV, "9123", TRUE);
  g_assert_cmpuint (bp_oauth_flow_resolve_port (8080), ==, 9123);

  g_setenv (BP_OAUTH_REDIRECT_PORT_ENV, "99999", TRUE);
  g_test_expect_message ("bp-oauth-flow", G_LOG_LEVEL_WARNING, "*not a port*");
  g_assert_cmpuint (bp_oauth_flow_resolve_port (8080), ==, 8080);
  g_test_assert_expected_messages ();

  g_unsetenv (BP_OAUTH_REDIRECT_PORT_ENV);
}

static void
test_redirect_uri (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(BpOAuthFlow) flow = new_flow (fixture, NULL);
  g_autofree char *expected = g_strdup_printf ("http://localhost:%u/OauthRedirect", fixture->port);
  g_autofree char *property = NULL;

  g_assert_cmpstr (bp_oauth_flow_get_redirect_uri (flow), ==, expected);
  g_object_get (flow, "redirect-uri", &property, NULL);
  g_assert_cmpstr (property, ==, expected);
  g_assert_null (bp_oauth_flow_get_authorize_url (flow));
  g_assert_false (bp_oauth_flow_get_is_running (flow));
  g_assert_cmpuint (bp_oauth_flow_get_timeout (flow), ==, 120);
}

static void
check_port_in_use (Fixture    *fixture,
                   const char *occupied_address)
{
  g_autoptr(GSocket) occupier = g_socket_new (strchr (occupied_address, ':') ? G_SOCKET_FAMILY_IPV6
                                                                             : G_SOCKET_FAMILY_IPV4,
                                              G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (occupied_address);
  g_autoptr(GSocketAddress) socket_address = g_inet_socket_address_new (address, fixture->port);
  g_autoptr(BpOAuthFlow) flow = new_flow (fixture, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(BpSalesforceTokens) tokens = NULL;
  g_autofree char *expected = NULL;

  g_assert_true (g_socket_bind (occupier, socket_address, FALSE, NULL));
  g_assert_true (g_socket_listen (occupier, NULL));

  tokens = run_flow (flow, &error);

  g_assert_null (tokens);
  g_assert_error (error, BP_ERROR, BP_ERROR_PORT_IN_USE);
  expected = g_strdup_printf ("Port %u is in use by another program, so the browser cannot bring the "
                              "token back. Choose another Callback port in Preferences, register the "
                              "new callback URL on the Connected App, and press Request token again.",
                              fixture->port);
  g_assert_cmpstr (error->message, ==, expected);

  /* Before any browser: none was started, and there is no URL to show. */
  g_assert_false (g_file_test (fixture->browser_log, G_FILE_TEST_EXISTS));
  g_assert_null (bp_oauth_flow_get_authorize_url (flow));
  g_assert_cmpuint (bp_emulator_get_authorize_count (fixture->emulator), ==, 0);
  g_assert_false (bp_oauth_flow_get_is_running (flow));

  g_socket_close (occupier, NULL);
  /* Nothing of ours is left on the other address either. */
  g_assert_true (is_port_free (fixture->port));
}

static void
test_port_in_use (Fixture       *fixture,
                  gconstpointer  data)
{
  check_port_in_use (fixture, "127.0.0.1");
}

static void
test_port_in_use_ipv6 (Fixture       *fixture,
                       gconstpointer  data)
{
  if (!bp_test_can_bind ("::1", 0))
    {
      g_test_skip ("no IPv6 loopback on this machine");
      return;
    }

  /* Another program on [::1] would get the code of a browser that resolves localhost to ::1. */
  check_port_in_use (fixture, "::1");
}

static void
test_success (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(BpOAuthFlow) flow = new_flow (fixture, "");
  g_autoptr(GError) error = NULL;
  g_autoptr(BpSalesforceTokens) tokens = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  tokens = run_flow (flow, &error);

  g_assert_no_error (error);
  g_assert_nonnull (tokens);
  g_assert_true (bp_emulator_is_refresh_token_valid (fixture->emulator,
                                                     bp_salesforce_tokens_get_refresh_token (tokens)));
  g_assert_cmpstr (bp_salesforce_tokens_get_username (tokens), ==, BP_EMULATOR_USERNAME);
  g_assert_cmpstr (bp_salesforce_tokens_get_organization_id (tokens), ==, BP_EMULATOR_ORGANIZATION_ID);
  g_assert_cmpstr (bp_salesforce_tokens_get_instance_url (tokens), ==, bp_emulator_get_base_url (fixture->emulator));
  g_assert_cmpint (ABS (g_date_time_difference (bp_salesforce_tokens_get_issued_at (tokens), now)),
                   <, 60 * G_TIME_SPAN_SECOND);

  /* What the browser was sent (SALESFORCE.md §3.4). */
  g_assert_cmpstr (bp_emulator_get_last_code_challenge_method (fixture->emulator), ==, "S256");
  g_assert_cmpstr (bp_emulator_get_last_redirect_uri (fixture->emulator), ==, bp_oauth_flow_get_redirect_uri (flow));
  g_assert_cmpstr (bp_emulator_get_last_scope (fixture->emulator), ==, "api refresh_token offline_access");
  g_assert_cmpstr (bp_emulator_get_last_prompt (fixture->emulator), ==, "login consent");
  g_assert_true (bp_emulator_get_last_had_verifier (fixture->emulator));
  g_assert_false (bp_emulator_get_last_had_secret (fixture->emulator));
  g_assert_cmpuint (bp_emulator_get_code_exchange_count (fixture->emulator), ==, 1);

  g_assert_true (g_file_test (fixture->browser_log, G_FILE_TEST_EXISTS));
  g_assert_null (bp_oauth_flow_get_browser_error (flow));
  g_assert_false (bp_oauth_flow_get_is_running (flow));
  /* The listener is gone once the attempt is over. */
  g_assert_true (is_port_free (fixture->port));
}

static void
test_success_for_account (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(BpSalesforceAccount) account = bp_salesforce_account_new ();
  g_autoptr(BpOAuthFlow) flow = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BpSalesforceTokens) tokens = NULL;

  bp_emulator_set_client (fixture->emulator, KEY, SECRET);
  g_setenv (BP_SALESFORCE_LOGIN_URL_ENV, bp_emulator_get_base_url (fixture->emulator), TRUE);

  bp_salesforce_account_set_url (account, "https://acme.my.salesforce.com");
  bp_salesforce_account_set_consumer_key (account, " " KEY " ");
  bp_salesforce_account_set_consumer_secret (account, SECRET);

  flow = bp_oauth_flow_new_for_account (fixture->client, account, fixture->port, &error);
  g_assert_no_error (error);
  tokens = run_flow (flow, &error);
  g_unsetenv (BP_SALESFORCE_LOGIN_URL_ENV);

  g_assert_no_error (error);
  g_assert_true (bp_emulator_get_last_had_secret (fixture->emulator));
  g_assert_cmpstr (bp_salesforce_tokens_get_username (tokens), ==, BP_EMULATOR_USERNAME);
}

static void
test_account_without_key (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(BpSalesforceAccount) account = bp_salesforce_account_new ();
  g_autoptr(BpOAuthFlow) flow = NULL;
  g_autoptr(GError) error = NULL;

  flow = bp_oauth_flow_new_for_account (fixture->client, account, fixture->port, &error);
  g_assert_null (flow);
  g_assert_error (error, BP_ERROR, BP_ERROR_INVALID);
}

static void
check_flow_fails (Fixture    *fixture,
                  const char *secret,
                  int         expected_code,
                  const char *expected_words)
{
  g_autoptr(BpOAuthFlow) flow = new_flow (fixture, secret);
  g_autoptr(GError) error = NULL;
  g_autoptr(BpSalesforceTokens) tokens = run_flow (flow, &error);

  g_test_message ("%s", error != NULL ? error->message : "no error");
  g_assert_null (tokens);
  g_assert_error (error, BP_ERROR, expected_code);
  g_assert_nonnull (strstr (error->message, expected_words));
  g_assert_true (is_port_free (fixture->port));
}

static void
test_denied (Fixture       *fixture,
             gconstpointer  data)
{
  bp_emulator_set_deny (fixture->emulator, TRUE);
  check_flow_fails (fixture, NULL, BP_ERROR_ACCESS_DENIED, "end-user denied authorization");
  g_assert_cmpuint (bp_emulator_get_code_exchange_count (fixture->emulator), ==, 0);
}

static void
test_faults (Fixture       *fixture,
             gconstpointer  data)
{
  bp_emulator_set_fail_with_500 (fixture->emulator, TRUE);
  check_flow_fails (fixture, NULL, BP_ERROR_SALESFORCE, "HTTP 500");
  bp_emulator_set_fail_with_500 (fixture->emulator, FALSE);

  bp_emulator_set_answer_html (fixture->emulator, TRUE);
  check_flow_fails (fixture, NULL, BP_ERROR_SALESFORCE, "web page");
  bp_emulator_set_answer_html (fixture->emulator, FALSE);

  bp_emulator_set_invalid_grant (fixture->emulator, TRUE);
  check_flow_fails (fixture, NULL, BP_ERROR_INVALID_GRANT, "invalid_grant");
  bp_emulator_set_invalid_grant (fixture->emulator, FALSE);

  bp_emulator_set_issue_refresh_tokens (fixture->emulator, FALSE);
  check_flow_fails (fixture, NULL, BP_ERROR_NO_REFRESH_TOKEN, "refresh_token, offline_access");
  bp_emulator_set_issue_refresh_tokens (fixture->emulator, TRUE);

  bp_emulator_set_client (fixture->emulator, KEY, SECRET);
  check_flow_fails (fixture, "wrong secret", BP_ERROR_INVALID_CLIENT, "Consumer secret");
  bp_emulator_set_client (fixture->emulator, NULL, NULL);

  /* Nothing got through: every exchange was refused or broken. */
  g_assert_cmpuint (bp_emulator_get_code_exchange_count (fixture->emulator), ==, 5);
}

/* The token request breaks on the way: a clear message in the dialog (and
 * the browser's page), the port free, nothing issued. */
static void
test_exchange_breaks (Fixture       *fixture,
                      gconstpointer  data)
{
  static const struct
  {
    BpEmulatorFault  fault;
    int              code;
    const char      *words;
  } cases[] = {
    { BP_EMULATOR_FAULT_CLOSE, BP_ERROR_NETWORK, "closed the connection before it answered" },
    { BP_EMULATOR_FAULT_RESET, BP_ERROR_NETWORK, "closed the connection before it answered" },
    { BP_EMULATOR_FAULT_GARBAGE, BP_ERROR_SALESFORCE, "could not be read" },
    { BP_EMULATOR_FAULT_TRUNCATED, BP_ERROR_SALESFORCE, "could not be read" },
    { BP_EMULATOR_FAULT_HUGE, BP_ERROR_SALESFORCE, "larger than 4 MiB" },
    { BP_EMULATOR_FAULT_TRICKLE, BP_ERROR_TIMED_OUT, "did not answer in time" },
    /* Last: the emulator is gone after it. */
    { BP_EMULATOR_FAULT_DIE, BP_ERROR_NETWORK, "closed the connection before it answered" },
  };

  bp_salesforce_client_set_timeout (fixture->client, 2);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      bp_emulator_set_fault (fixture->emulator, cases[i].fault);
      check_flow_fails (fixture, NULL, cases[i].code, cases[i].words);
      g_assert_cmpuint (bp_emulator_get_code_exchange_count (fixture->emulator), ==, i + 1);
    }
}

static void
test_timeout (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(BpOAuthFlow) flow = new_flow (fixture, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(BpSalesforceTokens) tokens = NULL;
  gint64 start = g_get_monotonic_time ();

  /* A browser that opens but never comes back. */
  g_setenv ("BROWSER", "true", TRUE);
  bp_oauth_flow_set_timeout (flow, 1);
  tokens = run_flow (flow, &error);

  g_assert_null (tokens);
  g_assert_error (error, BP_ERROR, BP_ERROR_TIMED_OUT);
  g_assert_nonnull (strstr (error->message, "1 second"));
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 900 * G_TIME_SPAN_MILLISECOND);
  g_assert_true (is_port_free (fixture->port));
}

static void
test_cancel_frees_port (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(BpOAuthFlow) flow = new_flow (fixture, NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BpSalesforceTokens) tokens = NULL;

  g_setenv ("BROWSER", "true", TRUE);
  bp_oauth_flow_run_async (flow, cancellable, bp_test_store_result_cb, &result);
  g_assert_true (bp_oauth_flow_get_is_running (flow));
  g_assert_nonnull (bp_oauth_flow_get_authorize_url (flow));
  g_assert_false (bp_test_can_bind ("127.0.0.1", fixture->port));

  g_cancellable_cancel (cancellable);
  /* At once: no main loop iteration in between. */
  g_assert_true (is_port_free (fixture->port));
  g_assert_false (bp_oauth_flow_get_is_running (flow));

  tokens = bp_oauth_flow_run_finish (flow, bp_test_await_result (&result, WAIT_MS), &error);
  g_assert_null (tokens);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_cancel_method (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(BpOAuthFlow) flow = new_flow (fixture, NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BpSalesforceTokens) tokens = NULL;

  g_setenv ("BROWSER", "true", TRUE);
  bp_oauth_flow_run_async (flow, NULL, bp_test_store_result_cb, &result);
  bp_oauth_flow_cancel (flow);
  g_assert_true (is_port_free (fixture->port));

  tokens = bp_oauth_flow_run_finish (flow, bp_test_await_result (&result, WAIT_MS), &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_double_start (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(BpOAuthFlow) first = new_flow (fixture, NULL);
  g_autoptr(BpOAuthFlow) second = new_flow (fixture, NULL);
  g_autoptr(GAsyncResult) first_result = NULL;
  g_autoptr(GAsyncResult) again_result = NULL;
  g_autoptr(GAsyncResult) second_result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BpSalesforceTokens) tokens = NULL;
  g_autofree char *first_url = NULL;

  g_setenv ("BROWSER", "true", TRUE);

  /* The same flow twice (a second click): the first run ends, a new state is made. */
  bp_oauth_flow_run_async (first, NULL, bp_test_store_result_cb, &first_result);
  first_url = g_strdup (bp_oauth_flow_get_authorize_url (first));
  bp_oauth_flow_run_async (first, NULL, bp_test_store_result_cb, &again_result);
  g_assert_true (bp_oauth_flow_get_is_running (first));
  g_assert_cmpstr (bp_oauth_flow_get_authorize_url (first), !=, first_url);

  tokens = bp_oauth_flow_run_finish (first, bp_test_await_result (&first_result, WAIT_MS), &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  /* Another flow (another account, another dialog): the newest wins, the
   * running one ends with a message its dialog shows, the port is free for it. */
  bp_oauth_flow_run_async (second, NULL, bp_test_store_result_cb, &second_result);
  g_assert_true (bp_oauth_flow_get_is_running (second));
  g_assert_false (bp_oauth_flow_get_is_running (first));
  tokens = bp_oauth_flow_run_finish (first, bp_test_await_result (&again_result, WAIT_MS), &error);
  g_assert_error (error, BP_ERROR, BP_ERROR_SUPERSEDED);
  g_assert_nonnull (strstr (error->message, "only one can wait for the browser at a time"));
  g_assert_nonnull (strstr (error->message, "Try Again"));
  g_clear_error (&error);

  bp_oauth_flow_cancel (second);
  tokens = bp_oauth_flow_run_finish (second, bp_test_await_result (&second_result, WAIT_MS), &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_true (is_port_free (fixture->port));
}

static void
notify_cb (GObject    *object,
           GParamSpec *pspec,
           gpointer    user_data)
{
  gboolean *notified = user_data;

  *notified = TRUE;
}

/* The bp-crypto module (GnuTLS's random bytes for the state and verifier)
 * cannot be loaded: Request token fails at once with a message that names it,
 * before a port is taken or a browser started. In a subprocess: the loader
 * keeps its first answer for the life of the process. */
static void
test_module_missing (Fixture       *fixture,
                     gconstpointer  data)
{
  if (g_test_subprocess ())
    {
      g_autoptr(BpOAuthFlow) flow = new_flow (fixture, NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(BpSalesforceTokens) tokens = NULL;
      g_autofree char *module_path = g_build_filename (fixture->dir, "libbp-crypto.so", NULL);

      /* An empty directory. */
      g_setenv ("BP_MODULE_DIR", fixture->dir, TRUE);

      tokens = run_flow (flow, &error);
      g_assert_null (tokens);
      g_assert_error (error, BP_ERROR, BP_ERROR_MODULE_MISSING);
      g_assert_true (g_str_has_prefix (error->message, "A token cannot be requested: "));
      g_assert_nonnull (strstr (error->message, module_path));
      g_assert_false (bp_oauth_flow_get_is_running (flow));
      g_assert_null (bp_oauth_flow_get_authorize_url (flow));
      g_assert_false (g_file_test (fixture->browser_log, G_FILE_TEST_EXISTS));
      g_assert_true (is_port_free (fixture->port));
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

static void
test_browser_fails (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(BpOAuthFlow) flow = new_flow (fixture, NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BpSalesforceTokens) tokens = NULL;
  g_autoptr(Response) page = NULL;
  gboolean notified = FALSE;

  /* xdg-utils: a colon-separated list, the first that starts wins; none does. */
  g_setenv ("BROWSER", "/nonexistent/browser:also-not-a-browser-anywhere %s", TRUE);
  g_signal_connect (flow, "notify::browser-error", G_CALLBACK (notify_cb), &notified);
  bp_oauth_flow_run_async (flow, NULL, bp_test_store_result_cb, &result);
  bp_test_wait_until (&notified, WAIT_MS);

  g_assert_error (bp_oauth_flow_get_browser_error (flow), BP_ERROR, BP_ERROR_BROWSER);
  g_assert_true (bp_oauth_flow_get_is_running (flow));
  g_assert_null (result);

  /* The administrator copies the link into a browser: the attempt completes. */
  page = play_browser (bp_oauth_flow_get_authorize_url (flow));
  g_assert_nonnull (page);
  g_assert_cmpuint (page->status, ==, 200);
  tokens = bp_oauth_flow_run_finish (flow, bp_test_await_result (&result, WAIT_MS), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (bp_salesforce_tokens_get_username (tokens), ==, BP_EMULATOR_USERNAME);
}

static void
test_browser_list (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(BpOAuthFlow) flow = new_flow (fixture, NULL);
  g_autofree char *test_browser = g_strdup (g_getenv ("BROWSER"));
  g_autofree char *list = g_strdup_printf ("/nonexistent/browser:%s", test_browser);
  g_autoptr(GError) error = NULL;
  g_autoptr(BpSalesforceTokens) tokens = NULL;

  g_setenv ("BROWSER", list, TRUE);
  tokens = run_flow (flow, &error);

  g_assert_no_error (error);
  g_assert_null (bp_oauth_flow_get_browser_error (flow));
}

static void
test_callback_requests (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(BpOAuthFlow) flow = new_flow (fixture, NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BpSalesforceTokens) tokens = NULL;
  g_autofree char *favicon_url = g_strdup_printf ("http://localhost:%u/favicon.ico", fixture->port);
  g_autofree char *bare_url = callback_url (fixture, NULL);
  g_autofree char *wrong_url = callback_url (fixture, "code=abc%3D%3D&state=not-the-state");
  g_autofree char *missing_url = callback_url (fixture, "code=abc%3D%3D");
  g_autoptr(Response) favicon = NULL;
  g_autoptr(Response) post = NULL;
  g_autoptr(Response) preflight = NULL;
  g_autoptr(Response) wrong = NULL;
  g_autoptr(Response) missing = NULL;
  g_autoptr(Response) page = NULL;
  g_autoptr(Response) late = NULL;

  g_setenv ("BROWSER", "true", TRUE);
  bp_oauth_flow_run_async (flow, NULL, bp_test_store_result_cb, &result);

  favicon = http_request ("GET", favicon_url, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (favicon);
  g_assert_cmpuint (favicon->status, ==, 404);

  post = http_request ("POST", bare_url, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (post);
  g_assert_cmpuint (post->status, ==, 405);
  g_assert_cmpstr (soup_message_headers_get_one (post->headers, "Allow"), ==, "GET");

  preflight = http_request ("OPTIONS", bare_url, "Access-Control-Request-Private-Network", "true", &error);
  g_assert_no_error (error);
  g_assert_nonnull (preflight);
  g_assert_cmpuint (preflight->status, ==, 204);
  g_assert_cmpstr (soup_message_headers_get_one (preflight->headers, "Access-Control-Allow-Methods"), ==, "GET");
  g_assert_cmpstr (soup_message_headers_get_one (preflight->headers, "Access-Control-Allow-Private-Network"),
                   ==, "true");

  wrong = http_request ("GET", wrong_url, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (wrong);
  g_assert_cmpuint (wrong->status, ==, 400);
  g_assert_cmpstr (soup_message_headers_get_one (wrong->headers, "Cache-Control"), ==, "no-store");

  missing = http_request ("GET", missing_url, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (missing);
  g_assert_cmpuint (missing->status, ==, 400);

  /* None of these ended the attempt, and no code was exchanged. */
  g_assert_true (bp_oauth_flow_get_is_running (flow));
  g_assert_null (result);
  g_assert_cmpuint (bp_emulator_get_code_exchange_count (fixture->emulator), ==, 0);

  page = play_browser (bp_oauth_flow_get_authorize_url (flow));
  g_assert_nonnull (page);
  g_assert_cmpuint (page->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_one (page->headers, "Cache-Control"), ==, "no-store");
  g_assert_true (g_str_has_prefix (soup_message_headers_get_content_type (page->headers, NULL), "text/html"));
  g_assert_nonnull (strstr (page->body, "You can close this tab"));
  g_assert_nonnull (strstr (page->body, BP_EMULATOR_USERNAME));

  tokens = bp_oauth_flow_run_finish (flow, bp_test_await_result (&result, WAIT_MS), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (bp_emulator_get_code_exchange_count (fixture->emulator), ==, 1);

  /* Exactly one valid callback: then the listener is closed. */
  late = http_request ("GET", bare_url, NULL, NULL, &error);
  g_assert_null (late);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
}

static gboolean
cancel_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static void
test_browser_leaves_early (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(BpOAuthFlow) flow = new_flow (fixture, NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) callback_result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) callback_error = NULL;
  g_autoptr(BpSalesforceTokens) tokens = NULL;
  g_autoptr(Response) authorize = NULL;
  g_autoptr(SoupSession) session = soup_session_new_with_options ("proxy-resolver", NULL, NULL);
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GBytes) body = NULL;

  g_setenv ("BROWSER", "true", TRUE);
  bp_oauth_flow_run_async (flow, NULL, bp_test_store_result_cb, &result);

  authorize = http_request ("GET", bp_oauth_flow_get_authorize_url (flow), NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (authorize);

  /* The tab is closed while the code is being exchanged (slowly). */
  bp_emulator_set_latency (fixture->emulator, 400);
  message = soup_message_new (SOUP_METHOD_GET, soup_message_headers_get_one (authorize->headers, "Location"));
  soup_session_send_and_read_async (session, message, G_PRIORITY_DEFAULT, cancellable,
                                    bp_test_store_result_cb, &callback_result);
  g_timeout_add (100, cancel_cb, cancellable);
  body = soup_session_send_and_read_finish (session, bp_test_await_result (&callback_result, WAIT_MS),
                                            &callback_error);
  g_assert_error (callback_error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  /* The token was still obtained, and the listener is closed. */
  tokens = bp_oauth_flow_run_finish (flow, bp_test_await_result (&result, WAIT_MS), &error);
  g_assert_no_error (error);
  g_assert_true (bp_emulator_is_refresh_token_valid (fixture->emulator,
                                                     bp_salesforce_tokens_get_refresh_token (tokens)));
  g_assert_true (is_port_free (fixture->port));
}

static gboolean
exchange_in_flight (gpointer data)
{
  Fixture *fixture = data;

  return bp_emulator_get_held_count (fixture->emulator) > 0;
}

static gboolean
has_revoked (gpointer data)
{
  Fixture *fixture = data;

  return bp_emulator_get_revoked_tokens (fixture->emulator)->len > 0;
}

static gboolean
wake_up_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Iterates until @condition holds or WAIT_MS pass (never blocks for good). */
static gboolean
wait_for (GSourceFunc condition,
          Fixture    *fixture)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_MS * G_TIME_SPAN_MILLISECOND;
  guint wake_up = g_timeout_add (50, wake_up_cb, NULL);

  while (!condition (fixture) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (wake_up);

  return condition (fixture);
}

/* The attempt ends (Cancel, the dialog closed, another attempt) while
 * Salesforce is issuing the token: the port is free at once, and the token
 * nobody will store is revoked when it arrives. */
static void
test_ended_during_exchange (Fixture       *fixture,
                            gconstpointer  data)
{
  gboolean by_another_attempt = GPOINTER_TO_INT (data);
  g_autoptr(BpOAuthFlow) flow = new_flow (fixture, NULL);
  g_autoptr(BpOAuthFlow) other = new_flow (fixture, NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) other_result = NULL;
  g_autoptr(GAsyncResult) callback_result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) callback_error = NULL;
  g_autoptr(BpSalesforceTokens) tokens = NULL;
  g_autoptr(Response) authorize = NULL;
  g_autoptr(SoupSession) session = soup_session_new_with_options ("proxy-resolver", NULL, NULL);
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GBytes) body = NULL;
  GPtrArray *revoked = bp_emulator_get_revoked_tokens (fixture->emulator);

  g_setenv ("BROWSER", "true", TRUE);
  bp_oauth_flow_run_async (flow, NULL, bp_test_store_result_cb, &result);
  authorize = http_request ("GET", bp_oauth_flow_get_authorize_url (flow), NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (authorize);

  /* The browser brings the code back; Salesforce takes its time to answer. */
  bp_emulator_set_latency (fixture->emulator, 1500);
  message = soup_message_new (SOUP_METHOD_GET, soup_message_headers_get_one (authorize->headers, "Location"));
  soup_session_send_and_read_async (session, message, G_PRIORITY_DEFAULT, NULL,
                                    bp_test_store_result_cb, &callback_result);
  g_assert_true (wait_for (exchange_in_flight, fixture));
  g_assert_null (result);

  if (by_another_attempt)
    bp_oauth_flow_run_async (other, NULL, bp_test_store_result_cb, &other_result);
  else
    bp_oauth_flow_cancel (flow);

  /* Ended at once, the port free (or the newer attempt's). */
  g_assert_false (bp_oauth_flow_get_is_running (flow));
  if (by_another_attempt)
    g_assert_true (bp_oauth_flow_get_is_running (other));
  else
    g_assert_true (is_port_free (fixture->port));
  tokens = bp_oauth_flow_run_finish (flow, bp_test_await_result (&result, WAIT_MS), &error);
  g_assert_null (tokens);
  if (by_another_attempt)
    g_assert_error (error, BP_ERROR, BP_ERROR_SUPERSEDED);
  else
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  /* The browser's tab gets no page: the listener is gone. */
  body = soup_session_send_and_read_finish (session, bp_test_await_result (&callback_result, WAIT_MS),
                                            &callback_error);
  g_assert_null (body);
  g_assert_nonnull (callback_error);

  /* The token Salesforce issued meanwhile is revoked, not left valid. */
  wait_for (has_revoked, fixture);
  g_assert_cmpuint (bp_emulator_get_code_exchange_count (fixture->emulator), ==, 1);
  g_assert_cmpuint (revoked->len, ==, 1);
  g_assert_false (bp_emulator_is_refresh_token_valid (fixture->emulator, g_ptr_array_index (revoked, 0)));

  if (by_another_attempt)
    {
      bp_oauth_flow_cancel (other);
      g_clear_error (&error);
      g_clear_object (&tokens);
      tokens = bp_oauth_flow_run_finish (other, bp_test_await_result (&other_result, WAIT_MS), &error);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    }
  g_assert_true (is_port_free (fixture->port));
}

static void
test_error_page_escaped (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(BpOAuthFlow) flow = new_flow (fixture, NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BpSalesforceTokens) tokens = NULL;
  g_autoptr(Response) page = NULL;
  g_autofree char *state = NULL;
  g_autofree char *escaped_state = NULL;
  g_autofree char *query = NULL;
  g_autofree char *url = NULL;

  g_setenv ("BROWSER", "true", TRUE);
  bp_oauth_flow_run_async (flow, NULL, bp_test_store_result_cb, &result);

  state = state_of (bp_oauth_flow_get_authorize_url (flow));
  escaped_state = g_uri_escape_string (state, NULL, FALSE);
  query = g_strdup_printf ("error=OAUTH_APP_BLOCKED&error_description=%%3Cscript%%3Ealert(1)%%3C%%2Fscript%%3E"
                           "+1+%%3C+2+%%26+%%22q%%22&state=%s", escaped_state);
  url = callback_url (fixture, query);
  page = http_request ("GET", url, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (page);
  g_assert_cmpstr (soup_message_headers_get_one (page->headers, "Cache-Control"), ==, "no-store");
  /* Markup from the query never reaches the page as markup. */
  g_assert_null (strstr (page->body, "<script>"));
  g_assert_null (strstr (page->body, "alert(1)"));
  g_assert_nonnull (strstr (page->body, "OAUTH_APP_BLOCKED"));
  g_assert_nonnull (strstr (page->body, "1 &lt; 2 &amp; &quot;q&quot;"));

  tokens = bp_oauth_flow_run_finish (flow, bp_test_await_result (&result, WAIT_MS), &error);
  g_assert_null (tokens);
  g_assert_error (error, BP_ERROR, BP_ERROR_SALESFORCE);
  g_assert_nonnull (strstr (error->message, "OAUTH_APP_BLOCKED"));
}

static void
test_ipv4_fallback (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(BpOAuthFlow) flow = new_flow (fixture, NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BpSalesforceTokens) tokens = NULL;
  g_autoptr(Response) page = NULL;
  g_autofree char *url = NULL;

  /* An IPv6 address that is not on this machine fails to bind like a missing ::1. */
  bp_oauth_flow_set_ipv6_address_for_testing (flow, "2001:db8::1");
  g_setenv ("BROWSER", "true", TRUE);
  bp_oauth_flow_run_async (flow, NULL, bp_test_store_result_cb, &result);

  g_assert_true (bp_oauth_flow_get_is_running (flow));
  g_assert_false (bp_test_can_bind ("127.0.0.1", fixture->port));
  if (bp_test_can_bind ("::1", 0))
    g_assert_true (bp_test_can_bind ("::1", fixture->port));

  /* A browser reaching 127.0.0.1 completes the attempt. */
  {
    g_autoptr(Response) authorize = NULL;
    g_autoptr(GString) ipv4 = NULL;
    g_autofree char *from = g_strdup_printf ("http://localhost:%u/", fixture->port);
    g_autofree char *to = g_strdup_printf ("http://127.0.0.1:%u/", fixture->port);
    const char *location;

    authorize = http_request ("GET", bp_oauth_flow_get_authorize_url (flow), NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_nonnull (authorize);
    location = soup_message_headers_get_one (authorize->headers, "Location");
    g_assert_true (g_str_has_prefix (location, from));
    ipv4 = g_string_new (location);
    g_string_replace (ipv4, from, to, 1);
    page = http_request ("GET", ipv4->str, NULL, NULL, &error);
  }
  g_assert_no_error (error);
  g_assert_nonnull (page);
  g_assert_cmpuint (page->status, ==, 200);

  tokens = bp_oauth_flow_run_finish (flow, bp_test_await_result (&result, WAIT_MS), &error);
  g_assert_no_error (error);
}

/* No secret in the logs */

static void
run_everything_with_debug_logs (Fixture *fixture)
{
  g_autoptr(BpOAuthFlow) flow = NULL;
  g_autoptr(BpSalesforceTokens) tokens = NULL;
  g_autoptr(BpSalesforceTokens) refreshed = NULL;
  g_autoptr(BpSalesforceTokens) refused = NULL;
  g_autoptr(GAsyncResult) refresh_result = NULL;
  g_autoptr(GAsyncResult) refused_result = NULL;
  g_autoptr(GAsyncResult) revoke_result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) secrets = g_string_new (NULL);
  GPtrArray *seen;

  bp_emulator_set_client (fixture->emulator, KEY, SECRET);
  bp_emulator_set_rotate_refresh_tokens (fixture->emulator, TRUE);

  flow = new_flow (fixture, SECRET);
  tokens = run_flow (flow, &error);
  g_assert_no_error (error);

  bp_salesforce_client_refresh_async (fixture->client, bp_emulator_get_base_url (fixture->emulator), KEY, SECRET,
                                      bp_salesforce_tokens_get_refresh_token (tokens), NULL,
                                      bp_test_store_result_cb, &refresh_result);
  refreshed = bp_salesforce_client_refresh_finish (fixture->client,
                                                   bp_test_await_result (&refresh_result, WAIT_MS), &error);
  g_assert_no_error (error);

  /* The old token is dead now: the failure path logs too. */
  bp_salesforce_client_refresh_async (fixture->client, bp_emulator_get_base_url (fixture->emulator), KEY, SECRET,
                                      bp_salesforce_tokens_get_refresh_token (tokens), NULL,
                                      bp_test_store_result_cb, &refused_result);
  refused = bp_salesforce_client_refresh_finish (fixture->client,
                                                 bp_test_await_result (&refused_result, WAIT_MS), &error);
  g_assert_error (error, BP_ERROR, BP_ERROR_INVALID_GRANT);
  g_printerr ("%s\n", error->message);
  g_clear_error (&error);

  bp_salesforce_client_revoke_async (fixture->client, bp_emulator_get_base_url (fixture->emulator),
                                     bp_salesforce_tokens_get_refresh_token (refreshed), NULL,
                                     bp_test_store_result_cb, &revoke_result);
  g_assert_true (bp_salesforce_client_revoke_finish (fixture->client,
                                                     bp_test_await_result (&revoke_result, WAIT_MS), &error));

  /* Hand every secret to the parent, which checks what we printed. */
  seen = bp_emulator_get_secrets (fixture->emulator);
  g_assert_cmpuint (seen->len, >=, 7);
  for (guint i = 0; i < seen->len; i++)
    g_string_append_printf (secrets, "%s\n", (const char *) g_ptr_array_index (seen, i));
  g_file_set_contents (g_getenv ("BP_TEST_SECRETS_FILE"), secrets->str, -1, &error);
  g_assert_no_error (error);
}

static void
test_no_secrets_in_logs (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *secrets_path = g_build_filename (fixture->dir, "secrets.txt", NULL);
  g_autofree char *contents = NULL;
  g_auto(GStrv) secrets = NULL;

  if (g_test_subprocess ())
    {
      g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);
      run_everything_with_debug_logs (fixture);
      return;
    }

  g_setenv ("BP_TEST_SECRETS_FILE", secrets_path, TRUE);
  g_test_trap_subprocess (NULL, 20 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_unsetenv ("BP_TEST_SECRETS_FILE");

  /* The debug log was on: each part of the flow spoke. */
  g_test_trap_assert_stdout ("*bp-oauth-flow-DEBUG*listening for the callback*");
  g_test_trap_assert_stdout ("*bp-salesforce-client-DEBUG*code exchange*");
  g_test_trap_assert_stdout ("*bp-salesforce-client-DEBUG*refresh*");
  g_test_trap_assert_stdout ("*bp-salesforce-client-DEBUG*revoke*");
  g_test_trap_assert_stderr ("*invalid_grant*");

  g_file_get_contents (secrets_path, &contents, NULL, NULL);
  g_assert_nonnull (contents);
  secrets = g_strsplit (contents, "\n", -1);
  g_assert_cmpuint (g_strv_length (secrets), >=, 7);

  for (guint i = 0; secrets[i] != NULL; i++)
    {
      g_autofree char *escaped = NULL;
      g_autofree char *pattern = NULL;
      g_autofree char *escaped_pattern = NULL;

      if (*secrets[i] == '\0')
        continue;

      /* Tokens and codes have no '*' or '?', so they are literal glob patterns. */
      g_assert_null (strpbrk (secrets[i], "*?"));
      escaped = g_uri_escape_string (secrets[i], NULL, FALSE);
      pattern = g_strdup_printf ("*%s*", secrets[i]);
      escaped_pattern = g_strdup_printf ("*%s*", escaped);
      g_test_trap_assert_stdout_unmatched (pattern);
      g_test_trap_assert_stderr_unmatched (pattern);
      g_test_trap_assert_stdout_unmatched (escaped_pattern);
      g_test_trap_assert_stderr_unmatched (escaped_pattern);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/oauth-flow/authorize-url", test_authorize_url);
  g_test_add_func ("/oauth-flow/resolve-port", test_resolve_port);

#define ADD(path, func) \
  g_test_add ("/oauth-flow/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("redirect-uri", test_redirect_uri);
  ADD ("port-in-use", test_port_in_use);
  ADD ("port-in-use-ipv6", test_port_in_use_ipv6);
  ADD ("success", test_success);
  ADD ("success-for-account", test_success_for_account);
  ADD ("account-without-key", test_account_without_key);
  ADD ("denied", test_denied);
  ADD ("faults", test_faults);
  ADD ("timeout", test_timeout);
  ADD ("cancel-frees-port", test_cancel_frees_port);
  ADD ("cancel-method", test_cancel_method);
  ADD ("double-start", test_double_start);
  ADD ("browser-fails", test_browser_fails);
  ADD ("module-missing", test_module_missing);
  ADD ("browser-list", test_browser_list);
  ADD ("callback-requests", test_callback_requests);
  ADD ("exchange-breaks", test_exchange_breaks);
  ADD ("browser-leaves-early", test_browser_leaves_early);
  g_test_add ("/oauth-flow/cancelled-during-exchange", Fixture, GINT_TO_POINTER (FALSE), fixture_set_up,
              test_ended_during_exchange, fixture_tear_down);
  g_test_add ("/oauth-flow/superseded-during-exchange", Fixture, GINT_TO_POINTER (TRUE), fixture_set_up,
              test_ended_during_exchange, fixture_tear_down);
  ADD ("error-page-escaped", test_error_page_escaped);
  ADD ("ipv4-fallback", test_ipv4_fallback);
  ADD ("no-secrets-in-logs", test_no_secrets_in_logs);

#undef ADD

  return g_test_run ();
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-salesforce-response"

#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "bp-error.h"
#include "bp-salesforce-response.h"
#include "bp-salesforce-tokens.h"

#define ACCESS_TOKEN  "00DEM0000000001!AQ8AQFnHXQuZqfS6Hd7VqUcmYkXQpS1Fg8vN0dnQzfLdWqkL2oOb"
#define REFRESH_TOKEN "5Aep861TSESvWeug_xvFHRBTTbf_YrTWgEyjBJrGgBXGZPmVdnfbb9NcGIrRrUhPBNKFF3RR7wyV"

static const char token_response[] =
  "{\"access_token\":\"" ACCESS_TOKEN "\","
  "\"refresh_token\":\"" REFRESH_TOKEN "\","
  "\"signature\":\"UaP4J4bdRWBJ8Jqs0O5CGdYmTKt1QZsnXzS5pcu5ul4=\","
  "\"scope\":\"refresh_token api offline_access\","
  "\"instance_url\":\"https://acme.my.salesforce.com\","
  "\"id\":\"https://login.salesforce.com/id/00D5g000004CX9hEAG/0055g00000A1b2cAAB\","
  "\"token_type\":\"Bearer\","
  "\"issued_at\":\"1700000000123\"}";

static void
test_token_response (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BpSalesforceTokens) tokens = bp_salesforce_tokens_new_from_response (token_response, -1, &error);
  GDateTime *issued_at;

  g_assert_no_error (error);
  g_assert_cmpstr (bp_salesforce_tokens_get_access_token (tokens), ==, ACCESS_TOKEN);
  g_assert_cmpstr (bp_salesforce_tokens_get_refresh_token (tokens), ==, REFRESH_TOKEN);
  g_assert_cmpstr (bp_salesforce_tokens_get_instance_url (tokens), ==, "https://acme.my.salesforce.com");
  g_assert_cmpstr (bp_salesforce_tokens_get_identity_url (tokens), ==,
                   "https://login.salesforce.com/id/00D5g000004CX9hEAG/0055g00000A1b2cAAB");
  g_assert_cmpstr (bp_salesforce_tokens_get_organization_id (tokens), ==, "00D5g000004CX9hEAG");
  g_assert_cmpstr (bp_salesforce_tokens_get_user_id (tokens), ==, "0055g00000A1b2cAAB");
  g_assert_cmpstr (bp_salesforce_tokens_get_scope (tokens), ==, "refresh_token api offline_access");
  g_assert_null (bp_salesforce_tokens_get_username (tokens));

  /* Milliseconds, not seconds: 2023-11-14 22:13:20.123 UTC. */
  issued_at = bp_salesforce_tokens_get_issued_at (tokens);
  g_assert_cmpint (g_date_time_to_unix (issued_at), ==, 1700000000);
  g_assert_cmpint (g_date_time_get_microsecond (issued_at), ==, 123000);
  g_assert_cmpint (g_date_time_get_year (issued_at), ==, 2023);
}

static void
test_token_response_without_refresh_token (void)
{
  static const char body[] =
    "{\"access_token\":\"x\",\"instance_url\":\"https://acme.my.salesforce.com\","
    "\"token_type\":\"Bearer\",\"issued_at\":\"1700000000000\"}";
  g_autoptr(GError) error = NULL;
  g_autoptr(BpSalesforceTokens) tokens = bp_salesforce_tokens_new_from_response (body, -1, &error);
  g_autoptr(BpSalesforceTokens) copy = NULL;

  g_assert_no_error (error);
  g_assert_null (bp_salesforce_tokens_get_refresh_token (tokens));
  g_assert_null (bp_salesforce_tokens_get_organization_id (tokens));

  copy = bp_salesforce_tokens_copy_without_refresh_token (tokens);
  g_assert_cmpstr (bp_salesforce_tokens_get_access_token (copy), ==, "x");
}

static void
test_token_response_copy_drops_refresh_token (void)
{
  g_autoptr(BpSalesforceTokens) tokens = bp_salesforce_tokens_new_from_response (token_response, -1, NULL);
  g_autoptr(BpSalesforceTokens) copy = bp_salesforce_tokens_copy_without_refresh_token (tokens);

  g_assert_null (bp_salesforce_tokens_get_refresh_token (copy));
  g_assert_cmpstr (bp_salesforce_tokens_get_access_token (copy), ==, ACCESS_TOKEN);
  g_assert_true (g_date_time_equal (bp_salesforce_tokens_get_issued_at (copy),
                                    bp_salesforce_tokens_get_issued_at (tokens)));
}

static void
test_token_response_bad (void)
{
  static const struct {
    const char *body;
    int         code;   /* BpError */
  } cases[] = {
    { "", BP_ERROR_SALESFORCE },
    { "not json", BP_ERROR_SALESFORCE },
    { "[]", BP_ERROR_SALESFORCE },
    { "{}", BP_ERROR_SALESFORCE },
    { "{\"access_token\":\"\",\"instance_url\":\"https://a.example\"}", BP_ERROR_SALESFORCE },
    { "{\"access_token\":42,\"instance_url\":\"https://a.example\"}", BP_ERROR_SALESFORCE },
    { "{\"access_token\":\"x\"}", BP_ERROR_SALESFORCE },
    /* Tokens must never travel to a plain-http host on the network. */
    { "{\"access_token\":\"x\",\"instance_url\":\"http://evil.example\"}", BP_ERROR_INVALID_URL },
    { "{\"error\":\"invalid_grant\",\"error_description\":\"expired\"}", BP_ERROR_INVALID_GRANT },
    /* A second value after the object is not JSON (json-glib would take the
     * first and leak the rest: found by fuzz-token-response). */
    { "{\"access_token\":\"x\",\"instance_url\":\"https://a.example\"}{\"x\":1}", BP_ERROR_SALESFORCE },
    { "\"signature\"{\"error\":\"invalid_grant\"}", BP_ERROR_SALESFORCE },
    /* json-glib takes comments, which can hide a bracket and make two values
     * of one (found by fuzz-error-body); JSON has none. */
    { "{\"error\":/[/\"e\"}{\"error\":/[/\"e\"}", BP_ERROR_SALESFORCE },
    { "{\"access_token\":\"x\", /* note */ \"instance_url\":\"https://a.example\"}", BP_ERROR_SALESFORCE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(BpSalesforceTokens) tokens = bp_salesforce_tokens_new_from_response (cases[i].body, -1, &error);

      g_test_message ("case %u", i);
      g_assert_null (tokens);
      g_assert_error (error, BP_ERROR, cases[i].code);
    }
}

static void
test_issued_at (void)
{
  g_autoptr(GDateTime) zero = bp_salesforce_parse_issued_at ("0");
  g_autoptr(GDateTime) ms = bp_salesforce_parse_issued_at ("1712345678901");

  g_assert_cmpint (g_date_time_to_unix (zero), ==, 0);
  g_assert_cmpint (g_date_time_to_unix (ms), ==, 1712345678);
  g_assert_cmpint (g_date_time_get_microsecond (ms), ==, 901000);
  g_assert_null (bp_salesforce_parse_issued_at (NULL));
  g_assert_null (bp_salesforce_parse_issued_at (""));
  g_assert_null (bp_salesforce_parse_issued_at ("-1"));
  g_assert_null (bp_salesforce_parse_issued_at ("12a"));
  g_assert_null (bp_salesforce_parse_issued_at ("99999999999999999999"));
}

static void
test_oauth_errors (void)
{
  static const struct {
    BpSalesforceRequest request;
    const char         *error;
    int                 code;   /* BpError */
    const char         *hint;
  } cases[] = {
    { BP_SALESFORCE_REQUEST_CODE_EXCHANGE, "invalid_client_id", BP_ERROR_INVALID_CLIENT_ID, "10 minutes" },
    { BP_SALESFORCE_REQUEST_CODE_EXCHANGE, "invalid_client", BP_ERROR_INVALID_CLIENT, "Consumer secret" },
    { BP_SALESFORCE_REQUEST_CODE_EXCHANGE, "invalid_grant", BP_ERROR_INVALID_GRANT, "already used" },
    { BP_SALESFORCE_REQUEST_REFRESH, "invalid_grant", BP_ERROR_INVALID_GRANT, "Request token" },
    { BP_SALESFORCE_REQUEST_CODE_EXCHANGE, "redirect_uri_mismatch", BP_ERROR_REDIRECT_URI_MISMATCH,
      "Register exactly http://localhost:1717/OauthRedirect" },
    { BP_SALESFORCE_REQUEST_CODE_EXCHANGE, "invalid_request", BP_ERROR_INVALID_REQUEST, "PKCE" },
    { BP_SALESFORCE_REQUEST_AUTHORIZE, "access_denied", BP_ERROR_ACCESS_DENIED, "Allow" },
    { BP_SALESFORCE_REQUEST_CODE_EXCHANGE, "unsupported_grant_type", BP_ERROR_SALESFORCE,
      "unsupported_grant_type" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = bp_salesforce_error_new_oauth (cases[i].request, cases[i].error,
                                                               "some description",
                                                               "http://localhost:1717/OauthRedirect");

      g_test_message ("%s: %s", cases[i].error, error->message);
      g_assert_error (error, BP_ERROR, cases[i].code);
      g_assert_nonnull (strstr (error->message, cases[i].hint));
      g_assert_nonnull (strstr (error->message, "some description"));
    }
}

static void
test_error_description_redacted (void)
{
  g_autoptr(GError) error = bp_salesforce_error_new_oauth (BP_SALESFORCE_REQUEST_REFRESH, "invalid_grant",
                                                           "token " REFRESH_TOKEN " is <b>dead</b>", NULL);

  g_assert_null (strstr (error->message, REFRESH_TOKEN));
  g_assert_null (strstr (error->message, "5Aep861"));
  g_assert_nonnull (strstr (error->message, "token … is dead"));
}

static void
test_error_from_json_response (void)
{
  static const char body[] = "{\"error\":\"invalid_client\",\"error_description\":\"invalid client credentials\"}";
  g_autoptr(GError) error = bp_salesforce_error_new_from_response (BP_SALESFORCE_REQUEST_CODE_EXCHANGE, 400,
                                                                   "application/json", body, strlen (body),
                                                                   NULL);

  g_assert_error (error, BP_ERROR, BP_ERROR_INVALID_CLIENT);
  g_assert_nonnull (strstr (error->message, "invalid client credentials"));
}

static void
test_error_from_html_response (void)
{
  static const char page[] =
    "<!DOCTYPE html><html><head><title>Salesforce - Maintenance</title>"
    "<style>body{color:red}</style></head><body><h1>Down</h1></body></html>";
  g_autoptr(GError) error = bp_salesforce_error_new_from_response (BP_SALESFORCE_REQUEST_CODE_EXCHANGE, 200,
                                                                   "text/html", page, strlen (page), NULL);
  g_autoptr(GError) server_error = bp_salesforce_error_new_from_response (BP_SALESFORCE_REQUEST_REFRESH, 503,
                                                                          "text/html", page, strlen (page),
                                                                          NULL);

  g_assert_error (error, BP_ERROR, BP_ERROR_SALESFORCE);
  g_assert_nonnull (strstr (error->message, "HTTP 200"));
  g_assert_nonnull (strstr (error->message, "web page"));
  g_assert_nonnull (strstr (error->message, "“Salesforce - Maintenance”"));
  g_assert_null (strstr (error->message, "<"));

  g_assert_error (server_error, BP_ERROR, BP_ERROR_SALESFORCE);
  g_assert_nonnull (strstr (server_error->message, "HTTP 503 Service Unavailable"));
  g_assert_nonnull (strstr (server_error->message, "not available"));
}

static void
test_error_from_empty_response (void)
{
  g_autoptr(GError) error = bp_salesforce_error_new_from_response (BP_SALESFORCE_REQUEST_REVOKE, 500, NULL,
                                                                   NULL, 0, NULL);

  g_assert_error (error, BP_ERROR, BP_ERROR_SALESFORCE);
  g_assert_nonnull (strstr (error->message, "HTTP 500"));
  g_assert_null (strstr (error->message, "said"));
}

static void
test_api_errors (void)
{
  static const char forbidden[] =
    "[{\"message\":\"You don't have permission\",\"errorCode\":\"INSUFFICIENT_ACCESS\"}]";
  static const char limit[] =
    "[{\"message\":\"TotalRequests Limit exceeded.\",\"errorCode\":\"REQUEST_LIMIT_EXCEEDED\"}]";
  static const char expired[] = "[{\"message\":\"Session expired or invalid\",\"errorCode\":\"INVALID_SESSION_ID\"}]";
  g_autoptr(GError) error403 = bp_salesforce_error_new_from_response (BP_SALESFORCE_REQUEST_LIMITS, 403,
                                                                      "application/json", forbidden,
                                                                      strlen (forbidden), NULL);
  g_autoptr(GError) error_limit = bp_salesforce_error_new_from_response (BP_SALESFORCE_REQUEST_LIMITS, 403,
                                                                         "application/json", limit,
                                                                         strlen (limit), NULL);
  g_autoptr(GError) error401 = bp_salesforce_error_new_from_response (BP_SALESFORCE_REQUEST_LIMITS, 401,
                                                                      "application/json", expired,
                                                                      strlen (expired), NULL);
  g_autoptr(GError) error410 = bp_salesforce_error_new_from_response (BP_SALESFORCE_REQUEST_LIMITS, 410,
                                                                      "application/json", expired,
                                                                      strlen (expired), NULL);
  g_autofree char *code = NULL;
  g_autofree char *message = NULL;

  g_assert_error (error403, BP_ERROR, BP_ERROR_PERMISSION_DENIED);
  g_assert_nonnull (strstr (error403->message, "INSUFFICIENT_ACCESS"));
  g_assert_nonnull (strstr (error403->message, "You don't have permission"));
  g_assert_nonnull (strstr (error403->message, "View Setup and Configuration"));

  g_assert_error (error_limit, BP_ERROR, BP_ERROR_PERMISSION_DENIED);
  g_assert_nonnull (strstr (error_limit->message, "REQUEST_LIMIT_EXCEEDED"));

  g_assert_error (error401, BP_ERROR, BP_ERROR_INVALID_SESSION);
  g_assert_error (error410, BP_ERROR, BP_ERROR_SALESFORCE);
  g_assert_nonnull (strstr (error410->message, "410"));

  g_assert_true (bp_salesforce_parse_api_error (forbidden, strlen (forbidden), &code, &message));
  g_assert_cmpstr (code, ==, "INSUFFICIENT_ACCESS");
  g_assert_cmpstr (message, ==, "You don't have permission");
  g_assert_false (bp_salesforce_parse_api_error ("[]", 2, NULL, NULL));
  g_assert_false (bp_salesforce_parse_api_error ("[1]", 3, NULL, NULL));
  g_assert_false (bp_salesforce_parse_api_error ("{}", 2, NULL, NULL));
}

static void
test_oauth_error_parse (void)
{
  g_autofree char *code = NULL;
  g_autofree char *description = NULL;
  static const char body[] = "{\"error\":\"invalid_token\"}";

  g_assert_true (bp_salesforce_parse_oauth_error (body, strlen (body), &code, &description));
  g_assert_cmpstr (code, ==, "invalid_token");
  g_assert_null (description);
  g_assert_false (bp_salesforce_parse_oauth_error ("{\"error\":\"\"}", 12, NULL, NULL));
  g_assert_false (bp_salesforce_parse_oauth_error ("{\"error\":1}", 11, NULL, NULL));
  g_assert_false (bp_salesforce_parse_oauth_error ("<html>", 6, NULL, NULL));
}

static void
test_sanitize_excerpt (void)
{
  static const struct {
    const char *input;
    const char *expected;
  } cases[] = {
    { "plain text", "plain text" },
    { "  lots   of\n\n\twhite\r\nspace  ", "lots of white space" },
    { "<html><head><title> Error 404 </title></head><body>x</body></html>", "Error 404" },
    { "<html><head><title></title></head><body><p>Body &amp; soul</p></body></html>", "Body & soul" },
    { "<p>a</p><script>var token='x';</script><p>b</p>", "a b" },
    { "bad \xff byte", "bad \xef\xbf\xbd byte" },
    { "code=aPrxYXyxzkuBzbiLhBS4xu1nh3YnE1234567890== end", "… end" },
    { "the code aPrxYXyxzkuBzbiLhBS4xu1nh3YnE1234567890== end", "the code … end" },
    { "short_words_are-fine.ok", "short_words_are-fine.ok" },
    { "1 < 2 & 3 > 2", "1 < 2 & 3 > 2" },
    { "text <unclosed tag", "text" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *excerpt = bp_salesforce_sanitize_excerpt (cases[i].input, strlen (cases[i].input), 160);

      g_assert_cmpstr (excerpt, ==, cases[i].expected);
    }
}

static void
test_sanitize_excerpt_cut (void)
{
  g_autofree char *long_text = g_strnfill (500, 'a');
  g_autofree char *words = NULL;
  g_autofree char *excerpt = NULL;
  GString *builder = g_string_new (NULL);

  for (guint i = 0; i < 100; i++)
    g_string_append (builder, "word ");
  words = g_string_free (builder, FALSE);

  excerpt = bp_salesforce_sanitize_excerpt (words, strlen (words), 20);
  g_assert_cmpuint (g_utf8_strlen (excerpt, -1), <=, 21);
  g_assert_true (g_str_has_suffix (excerpt, "…"));
  g_clear_pointer (&excerpt, g_free);

  /* A run that long can only be a token or garbage: it is not quoted. */
  excerpt = bp_salesforce_sanitize_excerpt (long_text, strlen (long_text), 20);
  g_assert_cmpstr (excerpt, ==, "…");
}

static void
test_highest_api_version (void)
{
  static const char body[] =
    "[{\"label\":\"Winter '15\",\"url\":\"/services/data/v31.0\",\"version\":\"31.0\"},"
    "{\"label\":\"Spring '25\",\"url\":\"/services/data/v63.0\",\"version\":\"63.0\"},"
    "{\"label\":\"Winter '25\",\"url\":\"/services/data/v62.0\",\"version\":\"62.0\"},"
    "{\"label\":\"junk\",\"version\":\"100\"},"
    "{\"label\":\"junk\",\"version\":64},"
    "{\"label\":\"Summer '09\",\"url\":\"/services/data/v9.0\",\"version\":\"9.0\"}]";
  g_autofree char *version = bp_salesforce_parse_highest_api_version (body, strlen (body));

  g_assert_cmpstr (version, ==, "63.0");
  g_assert_null (bp_salesforce_parse_highest_api_version ("[]", 2));
  g_assert_null (bp_salesforce_parse_highest_api_version ("{}", 2));
  g_assert_null (bp_salesforce_parse_highest_api_version ("<html>", 6));
}

static void
test_user_info (void)
{
  static const char body[] =
    "{\"sub\":\"https://login.salesforce.com/id/00D/005\",\"user_id\":\"005\",\"organization_id\":\"00D\","
    "\"preferred_username\":\"admin@acme.example\",\"name\":\"Ada Admin\",\"email\":\"ada@acme.example\"}";
  g_autoptr(GError) error = NULL;
  g_autoptr(BpSalesforceUserInfo) info = bp_salesforce_user_info_new_from_response (body, strlen (body), &error);
  g_autoptr(BpSalesforceUserInfo) copy = NULL;
  g_autoptr(BpSalesforceUserInfo) none = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (info->preferred_username, ==, "admin@acme.example");
  g_assert_cmpstr (info->organization_id, ==, "00D");
  g_assert_cmpstr (info->user_id, ==, "005");
  g_assert_cmpstr (info->name, ==, "Ada Admin");

  copy = bp_salesforce_user_info_copy (info);
  g_assert_cmpstr (copy->email, ==, "ada@acme.example");

  none = bp_salesforce_user_info_new_from_response ("{\"name\":\"x\"}", 12, &error);
  g_assert_null (none);
  g_assert_error (error, BP_ERROR, BP_ERROR_SALESFORCE);
  g_clear_error (&error);

  /* json-glib decodes a lone \ud9a0 to bytes that are not UTF-8: no username
   * that a label would show (found by tests/fuzz). */
  {
    static const char not_text[] = "{\"preferred_username\":\"admin\\ud9a0x@acme.example\"}";

    none = bp_salesforce_user_info_new_from_response (not_text, strlen (not_text), &error);
    g_assert_null (none);
    g_assert_error (error, BP_ERROR, BP_ERROR_SALESFORCE);
  }
}

static void
test_transport_errors (void)
{
  static const struct {
    GQuark      domain;
    int         code;
    int         expected;   /* BpError */
    const char *words;
  } cases[] = {
    { 0, G_RESOLVER_ERROR_NOT_FOUND, BP_ERROR_NETWORK, "could not be found" },
    { 0, G_RESOLVER_ERROR_TEMPORARY_FAILURE, BP_ERROR_NETWORK, "could not be found" },
    { 1, G_IO_ERROR_CONNECTION_REFUSED, BP_ERROR_NETWORK, "refused the connection" },
    { 1, G_IO_ERROR_NETWORK_UNREACHABLE, BP_ERROR_NETWORK, "cannot be reached" },
    { 1, G_IO_ERROR_TIMED_OUT, BP_ERROR_TIMED_OUT, "did not answer in time" },
    { 2, G_TLS_ERROR_BAD_CERTIFICATE, BP_ERROR_TLS, "not trusted" },
    { 2, G_TLS_ERROR_HANDSHAKE, BP_ERROR_TLS, "secure connection" },
    /* No (whole) answer: the server or something on the way hung up. */
    { 1, G_IO_ERROR_BROKEN_PIPE, BP_ERROR_NETWORK, "closed the connection before it answered" },
    { 1, G_IO_ERROR_PARTIAL_INPUT, BP_ERROR_NETWORK, "closed the connection before it answered" },
    { 1, G_IO_ERROR_CONNECTION_CLOSED, BP_ERROR_NETWORK, "closed the connection before it answered" },
    { 1, G_IO_ERROR_FAILED, BP_ERROR_NETWORK, "failed" },
  };
  GQuark domains[3];
  g_autoptr(GError) cancelled = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "x");
  g_autoptr(GError) mapped_cancel = bp_salesforce_error_new_from_transport (cancelled, "h");

  domains[0] = G_RESOLVER_ERROR;
  domains[1] = G_IO_ERROR;
  domains[2] = G_TLS_ERROR;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) source = g_error_new_literal (domains[cases[i].domain], cases[i].code, "low-level");
      g_autoptr(GError) error = bp_salesforce_error_new_from_transport (source, "acme.my.salesforce.com");

      g_test_message ("%s", error->message);
      g_assert_error (error, BP_ERROR, cases[i].expected);
      g_assert_nonnull (strstr (error->message, "acme.my.salesforce.com"));
      g_assert_nonnull (strstr (error->message, cases[i].words));
    }

  g_assert_error (mapped_cancel, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_json_content_type (void)
{
  g_assert_true (bp_salesforce_is_json_content_type ("application/json"));
  g_assert_true (bp_salesforce_is_json_content_type ("application/json;charset=UTF-8"));
  g_assert_true (bp_salesforce_is_json_content_type ("Application/JSON ; charset=utf-8"));
  g_assert_true (bp_salesforce_is_json_content_type ("application/problem+json"));
  g_assert_false (bp_salesforce_is_json_content_type ("text/html"));
  g_assert_false (bp_salesforce_is_json_content_type (NULL));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/salesforce-response/token", test_token_response);
  g_test_add_func ("/salesforce-response/token-without-refresh-token", test_token_response_without_refresh_token);
  g_test_add_func ("/salesforce-response/token-copy", test_token_response_copy_drops_refresh_token);
  g_test_add_func ("/salesforce-response/token-bad", test_token_response_bad);
  g_test_add_func ("/salesforce-response/issued-at", test_issued_at);
  g_test_add_func ("/salesforce-response/oauth-errors", test_oauth_errors);
  g_test_add_func ("/salesforce-response/error-description-redacted", test_error_description_redacted);
  g_test_add_func ("/salesforce-response/error-json", test_error_from_json_response);
  g_test_add_func ("/salesforce-response/error-html", test_error_from_html_response);
  g_test_add_func ("/salesforce-response/error-empty", test_error_from_empty_response);
  g_test_add_func ("/salesforce-response/api-errors", test_api_errors);
  g_test_add_func ("/salesforce-response/oauth-error-parse", test_oauth_error_parse);
  g_test_add_func ("/salesforce-response/sanitize", test_sanitize_excerpt);
  g_test_add_func ("/salesforce-response/sanitize-cut", test_sanitize_excerpt_cut);
  g_test_add_func ("/salesforce-response/highest-api-version", test_highest_api_version);
  g_test_add_func ("/salesforce-response/user-info", test_user_info);
  g_test_add_func ("/salesforce-response/transport-errors", test_transport_errors);
  g_test_add_func ("/salesforce-response/json-content-type", test_json_content_type);

  return g_test_run ();
}

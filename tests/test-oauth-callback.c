/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-oauth-callback"

#include "config.h"

#include <string.h>

#include "bp-oauth-callback.h"

#define STATE "Xq3_s-9fK2mTn0pQrStUvWxYz01234567890abcdEFG"
#define PORT  1717

static BpOAuthCallbackDecision *
decide (const char *method,
        const char *path,
        const char *query)
{
  BpOAuthCallbackRequest request = {
    .method = method,
    .path = path,
    .query = query,
    .host = "localhost:1717",
    .expected_state = STATE,
    .port = PORT,
  };

  return bp_oauth_callback_decide (&request);
}

static const char *
header (BpOAuthCallbackDecision *decision,
        const char              *name)
{
  for (guint i = 0; decision->headers != NULL && decision->headers[i] != NULL; i += 2)
    {
      if (g_ascii_strcasecmp (decision->headers[i], name) == 0)
        return decision->headers[i + 1];
    }

  return NULL;
}

static void
test_good_callback (void)
{
  g_autoptr(BpOAuthCallbackDecision) decision =
    decide ("GET", "/OauthRedirect", "code=aPrxYXyxzkuBzbiLhBS4xu1nh3YnE&state=" STATE);

  g_assert_cmpint (decision->action, ==, BP_OAUTH_CALLBACK_CODE);
  g_assert_true (decision->ends_attempt);
  g_assert_cmpuint (decision->status, ==, 200);
  g_assert_cmpstr (decision->code, ==, "aPrxYXyxzkuBzbiLhBS4xu1nh3YnE");
  g_assert_null (decision->error);
}

static void
test_code_percent_decoded (void)
{
  g_autoptr(BpOAuthCallbackDecision) decision =
    decide ("GET", "/OauthRedirect", "state=" STATE "&code=aPrx%2Fq1%2BZ%3D%3D");

  g_assert_cmpint (decision->action, ==, BP_OAUTH_CALLBACK_CODE);
  /* %2B is a '+', %3D%3D the base64 padding: exchanged exactly as issued. */
  g_assert_cmpstr (decision->code, ==, "aPrx/q1+Z==");
}

static void
test_state_percent_decoded (void)
{
  g_autoptr(BpOAuthCallbackDecision) decision =
    decide ("GET", "/OauthRedirect", "code=abc&state=Xq3%5Fs%2D9fK2mTn0pQrStUvWxYz01234567890abcdEFG");

  g_assert_cmpint (decision->action, ==, BP_OAUTH_CALLBACK_CODE);
}

static void
test_wrong_state (void)
{
  static const char * const queries[] = {
    "code=abc&state=Xq3_s-9fK2mTn0pQrStUvWxYz01234567890abcdEFH",   /* last character */
    "code=abc&state=Xq3_s-9fK2mTn0pQrStUvWxYz01234567890abcdEF",    /* one short */
    "code=abc&state=" STATE "x",                                    /* one long */
    "code=abc&state=",
    "code=abc&state=" STATE "&state=" STATE,                        /* repeated */
    "code=abc&state=evil&state=" STATE,
    "error=access_denied&state=nope",                               /* an error needs the state too */
  };

  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      g_autoptr(BpOAuthCallbackDecision) decision = decide ("GET", "/OauthRedirect", queries[i]);

      g_test_message ("query %u", i);
      g_assert_cmpint (decision->action, ==, BP_OAUTH_CALLBACK_BAD_STATE);
      g_assert_cmpuint (decision->status, ==, 400);
      g_assert_false (decision->ends_attempt);
      g_assert_null (decision->code);
    }
}

static void
test_missing_state (void)
{
  g_autoptr(BpOAuthCallbackDecision) decision = decide ("GET", "/OauthRedirect", "code=abc");
  g_autoptr(BpOAuthCallbackDecision) no_query = decide ("GET", "/OauthRedirect", NULL);

  g_assert_cmpint (decision->action, ==, BP_OAUTH_CALLBACK_BAD_STATE);
  g_assert_cmpuint (decision->status, ==, 400);
  g_assert_false (decision->ends_attempt);
  g_assert_null (decision->code);

  g_assert_cmpint (no_query->action, ==, BP_OAUTH_CALLBACK_BAD_STATE);
  g_assert_false (no_query->ends_attempt);
}

static void
test_error (void)
{
  g_autoptr(BpOAuthCallbackDecision) decision =
    decide ("GET", "/OauthRedirect",
            "error=access_denied&error_description=end-user+denied+authorization&state=" STATE);

  g_assert_cmpint (decision->action, ==, BP_OAUTH_CALLBACK_ERROR);
  g_assert_true (decision->ends_attempt);
  g_assert_cmpstr (decision->error, ==, "access_denied");
  g_assert_cmpstr (decision->error_description, ==, "end-user denied authorization");
  g_assert_null (decision->code);
}

static void
test_error_description_cleaned (void)
{
  g_autoptr(BpOAuthCallbackDecision) decision =
    decide ("GET", "/OauthRedirect",
            "error=OAUTH_APP_BLOCKED&error_description=line%0Aone%09%3Cb%3E&state=" STATE);

  g_assert_cmpint (decision->action, ==, BP_OAUTH_CALLBACK_ERROR);
  /* Control characters gone; markup kept as text (the page escapes it). */
  g_assert_cmpstr (decision->error_description, ==, "line one <b>");
}

static void
test_error_wins_over_code (void)
{
  g_autoptr(BpOAuthCallbackDecision) decision =
    decide ("GET", "/OauthRedirect", "code=abc&error=server_error&state=" STATE);

  g_assert_cmpint (decision->action, ==, BP_OAUTH_CALLBACK_ERROR);
  g_assert_null (decision->code);
}

static void
test_no_code (void)
{
  static const char * const queries[] = {
    "state=" STATE,
    "code=&state=" STATE,
    "code=a%00b&state=" STATE,          /* NUL */
    "code=a%zzb&state=" STATE,          /* malformed escape */
    "code=a+b&state=" STATE,            /* a space cannot be in a code */
    "code=a&code=b&state=" STATE,       /* repeated */
  };

  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      g_autoptr(BpOAuthCallbackDecision) decision = decide ("GET", "/OauthRedirect", queries[i]);

      g_test_message ("query %u", i);
      g_assert_cmpuint (decision->status, ==, 400);
      g_assert_false (decision->ends_attempt);
      g_assert_null (decision->code);
    }
}

static void
test_long_code (void)
{
  g_autofree char *code = g_strnfill (BP_OAUTH_CALLBACK_MAX_CODE_LENGTH + 1, 'a');
  g_autofree char *query = g_strdup_printf ("code=%s&state=%s", code, STATE);
  g_autoptr(BpOAuthCallbackDecision) decision = decide ("GET", "/OauthRedirect", query);

  g_assert_cmpint (decision->action, ==, BP_OAUTH_CALLBACK_BAD_REQUEST);
  g_assert_false (decision->ends_attempt);
}

static void
test_favicon (void)
{
  g_autoptr(BpOAuthCallbackDecision) favicon = decide ("GET", "/favicon.ico", NULL);
  g_autoptr(BpOAuthCallbackDecision) root = decide ("GET", "/", "code=abc&state=" STATE);
  g_autoptr(BpOAuthCallbackDecision) slash = decide ("GET", "/OauthRedirect/", "code=abc&state=" STATE);
  g_autoptr(BpOAuthCallbackDecision) lower = decide ("GET", "/oauthredirect", "code=abc&state=" STATE);

  g_assert_cmpint (favicon->action, ==, BP_OAUTH_CALLBACK_NOT_FOUND);
  g_assert_cmpuint (favicon->status, ==, 404);
  g_assert_false (favicon->ends_attempt);
  g_assert_cmpuint (root->status, ==, 404);
  g_assert_cmpuint (slash->status, ==, 404);
  g_assert_cmpuint (lower->status, ==, 404);
  g_assert_null (root->code);
}

static void
test_post (void)
{
  static const char * const methods[] = { "POST", "PUT", "DELETE", "HEAD", "OPTIONS" };

  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    {
      g_autoptr(BpOAuthCallbackDecision) decision = decide (methods[i], "/OauthRedirect",
                                                            "code=abc&state=" STATE);

      g_assert_cmpint (decision->action, ==, BP_OAUTH_CALLBACK_METHOD_NOT_ALLOWED);
      g_assert_cmpuint (decision->status, ==, 405);
      g_assert_false (decision->ends_attempt);
      g_assert_cmpstr (header (decision, "Allow"), ==, "GET");
      g_assert_null (decision->code);
    }
}

static void
test_preflight (void)
{
  BpOAuthCallbackRequest request = {
    .method = "OPTIONS",
    .path = "/OauthRedirect",
    .host = "localhost:1717",
    .origin = "https://acme.my.salesforce.com",
    .private_network = "true",
    .expected_state = STATE,
    .port = PORT,
  };
  g_autoptr(BpOAuthCallbackDecision) decision = bp_oauth_callback_decide (&request);

  g_assert_cmpint (decision->action, ==, BP_OAUTH_CALLBACK_PREFLIGHT);
  g_assert_cmpuint (decision->status, ==, 204);
  g_assert_false (decision->ends_attempt);
  g_assert_cmpstr (header (decision, "Access-Control-Allow-Methods"), ==, "GET");
  g_assert_cmpstr (header (decision, "Access-Control-Allow-Private-Network"), ==, "true");
  g_assert_cmpstr (header (decision, "Access-Control-Allow-Origin"), ==, "https://acme.my.salesforce.com");
}

static void
test_host (void)
{
  static const struct {
    const char *host;
    gboolean    is_accepted;
  } cases[] = {
    { "localhost:1717", TRUE },
    { "LOCALHOST:1717", TRUE },
    { "127.0.0.1:1717", TRUE },
    { "[::1]:1717", TRUE },
    { "localhost:1718", FALSE },
    { "localhost", FALSE },
    { "evil.example:1717", FALSE },   /* DNS rebinding */
    { NULL, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      BpOAuthCallbackRequest request = {
        .method = "GET",
        .path = "/OauthRedirect",
        .query = "code=abc&state=" STATE,
        .host = cases[i].host,
        .expected_state = STATE,
        .port = PORT,
      };
      g_autoptr(BpOAuthCallbackDecision) decision = bp_oauth_callback_decide (&request);

      g_test_message ("host %s", cases[i].host);
      g_assert_cmpint (decision->action == BP_OAUTH_CALLBACK_CODE, ==, cases[i].is_accepted);
      if (!cases[i].is_accepted)
        g_assert_cmpuint (decision->status, ==, 400);
    }
}

static void
test_copy (void)
{
  g_autoptr(BpOAuthCallbackDecision) decision = decide ("GET", "/OauthRedirect", "code=abc&state=" STATE);
  g_autoptr(BpOAuthCallbackDecision) copy = bp_oauth_callback_decision_copy (decision);

  g_assert_cmpint (copy->action, ==, decision->action);
  g_assert_cmpstr (copy->code, ==, "abc");
  g_assert_true (copy->code != decision->code);
}

static void
test_page_escapes (void)
{
  g_autofree char *page = bp_oauth_callback_render_page ("A & B", "<script>alert('x')</script> \"q\"");

  g_assert_nonnull (strstr (page, "<!DOCTYPE html>"));
  g_assert_nonnull (strstr (page, "A &amp; B"));
  g_assert_null (strstr (page, "<script>"));
  g_assert_nonnull (strstr (page, "&lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt; &quot;q&quot;"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/oauth-callback/good", test_good_callback);
  g_test_add_func ("/oauth-callback/code-percent-decoded", test_code_percent_decoded);
  g_test_add_func ("/oauth-callback/state-percent-decoded", test_state_percent_decoded);
  g_test_add_func ("/oauth-callback/wrong-state", test_wrong_state);
  g_test_add_func ("/oauth-callback/missing-state", test_missing_state);
  g_test_add_func ("/oauth-callback/error", test_error);
  g_test_add_func ("/oauth-callback/error-description-cleaned", test_error_description_cleaned);
  g_test_add_func ("/oauth-callback/error-wins-over-code", test_error_wins_over_code);
  g_test_add_func ("/oauth-callback/no-code", test_no_code);
  g_test_add_func ("/oauth-callback/long-code", test_long_code);
  g_test_add_func ("/oauth-callback/favicon-404", test_favicon);
  g_test_add_func ("/oauth-callback/post-405", test_post);
  g_test_add_func ("/oauth-callback/options-preflight-204", test_preflight);
  g_test_add_func ("/oauth-callback/host", test_host);
  g_test_add_func ("/oauth-callback/copy", test_copy);
  g_test_add_func ("/oauth-callback/page-escapes", test_page_escapes);

  return g_test_run ();
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-salesforce-endpoints"

#include "config.h"

#include <string.h>

#include "bp-error.h"
#include "bp-salesforce-endpoints.h"

static void
test_login_url_from_account (void)
{
  static const struct {
    const char *url;
    gboolean    sandbox;
    const char *expected;
  } cases[] = {
    { NULL, FALSE, "https://login.salesforce.com" },
    { "", FALSE, "https://login.salesforce.com" },
    { NULL, TRUE, "https://test.salesforce.com" },
    /* White space is no Url (it used to abort: tests/fuzz/corpus/fuzz-url/crash-white-space-url). */
    { " \t", FALSE, "https://login.salesforce.com" },
    { "\t", TRUE, "https://test.salesforce.com" },
    /* A path that is not UTF-8 once decoded (it used to abort: fuzz-url/regression-path-not-utf8). */
    { "https://acls://%ce.com/", FALSE, "https://acls" },
    { "https://acme.my.salesforce.com/%ff/", FALSE, "https://acme.my.salesforce.com" },
    { "https://acme.my.salesforce.com/", FALSE, "https://acme.my.salesforce.com" },
    { "https://ACME.my.salesforce.com", FALSE, "https://acme.my.salesforce.com" },
    /* The Url wins over the Sandbox box: a sandbox My Domain is its own login host. */
    { "https://acme--uat.sandbox.my.salesforce.com/", TRUE, "https://acme--uat.sandbox.my.salesforce.com" },
  };

  g_unsetenv (BP_SALESFORCE_LOGIN_URL_ENV);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *login = bp_salesforce_get_login_url (cases[i].url, cases[i].sandbox, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (login, ==, cases[i].expected);
    }
}

static void
test_login_url_rejects_bad_account_url (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *login = NULL;

  g_unsetenv (BP_SALESFORCE_LOGIN_URL_ENV);
  login = bp_salesforce_get_login_url ("http://acme.my.salesforce.com", FALSE, &error);

  g_assert_null (login);
  g_assert_nonnull (error);
  g_assert_true (error->domain == BP_ERROR);
}

static void
test_login_url_override (void)
{
  static const struct {
    const char *value;
    const char *expected;   /* NULL: refused */
  } cases[] = {
    { "http://127.0.0.1:8443", "http://127.0.0.1:8443" },
    { "http://localhost:9000/", "http://localhost:9000" },
    { "http://[::1]:9000", "http://[::1]:9000" },
    { "https://emulator.example.org", "https://emulator.example.org" },
    { "HTTP://127.0.0.2:1234", "http://127.0.0.2:1234" },
    /* Plain http to another machine would send tokens in the clear. */
    { "http://example.com", NULL },
    { "http://10.0.0.1:8080", NULL },
    { "ftp://127.0.0.1", NULL },
    { "not a url", NULL },
    { "https://user:pw@example.org", NULL },
    { "https://example.org/?x=1", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *login = NULL;

      g_setenv (BP_SALESFORCE_LOGIN_URL_ENV, cases[i].value, TRUE);
      /* The override replaces the account's own host, whatever it is. */
      login = bp_salesforce_get_login_url ("https://acme.my.salesforce.com/", FALSE, &error);

      if (cases[i].expected != NULL)
        {
          g_assert_no_error (error);
          g_assert_cmpstr (login, ==, cases[i].expected);
        }
      else
        {
          g_assert_null (login);
          g_assert_error (error, BP_ERROR, BP_ERROR_INVALID_URL);
          g_assert_nonnull (strstr (error->message, BP_SALESFORCE_LOGIN_URL_ENV));
        }
    }

  g_unsetenv (BP_SALESFORCE_LOGIN_URL_ENV);
}

static void
test_loopback_hosts (void)
{
  g_assert_true (bp_salesforce_is_loopback_host ("localhost"));
  g_assert_true (bp_salesforce_is_loopback_host ("LOCALHOST"));
  g_assert_true (bp_salesforce_is_loopback_host ("127.0.0.1"));
  g_assert_true (bp_salesforce_is_loopback_host ("127.8.9.10"));
  g_assert_true (bp_salesforce_is_loopback_host ("::1"));
  g_assert_true (bp_salesforce_is_loopback_host ("[::1]"));
  g_assert_false (bp_salesforce_is_loopback_host ("localhost.example.com"));
  g_assert_false (bp_salesforce_is_loopback_host ("128.0.0.1"));
  g_assert_false (bp_salesforce_is_loopback_host ("0.0.0.0"));
  g_assert_false (bp_salesforce_is_loopback_host (""));
  g_assert_false (bp_salesforce_is_loopback_host (NULL));
}

static void
test_build_url (void)
{
  g_autofree char *a = bp_salesforce_build_url ("https://login.salesforce.com", BP_SALESFORCE_TOKEN_PATH);
  g_autofree char *b = bp_salesforce_build_url ("https://login.salesforce.com/", BP_SALESFORCE_REVOKE_PATH);

  g_assert_cmpstr (a, ==, "https://login.salesforce.com/services/oauth2/token");
  g_assert_cmpstr (b, ==, "https://login.salesforce.com/services/oauth2/revoke");
}

static void
test_redirect_uri (void)
{
  g_autofree char *uri = bp_salesforce_get_redirect_uri (BP_SALESFORCE_DEFAULT_REDIRECT_PORT);
  g_autofree char *other = bp_salesforce_get_redirect_uri (8080);

  /* Byte for byte what the Connected App must have registered. */
  g_assert_cmpstr (uri, ==, "http://localhost:1717/OauthRedirect");
  g_assert_cmpstr (other, ==, "http://localhost:8080/OauthRedirect");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/salesforce/login-url/from-account", test_login_url_from_account);
  g_test_add_func ("/salesforce/login-url/bad-account-url", test_login_url_rejects_bad_account_url);
  g_test_add_func ("/salesforce/login-url/override", test_login_url_override);
  g_test_add_func ("/salesforce/loopback-hosts", test_loopback_hosts);
  g_test_add_func ("/salesforce/build-url", test_build_url);
  g_test_add_func ("/salesforce/redirect-uri", test_redirect_uri);

  return g_test_run ();
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-salesforce-endpoints"

#include "config.h"

#include <string.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>

#include "bp-error.h"
#include "bp-salesforce-account.h"
#include "bp-salesforce-endpoints.h"

/* Where authorize, token and revoke live (SALESFORCE.md §2). */

gboolean
bp_salesforce_is_loopback_host (const char *host)
{
  g_autoptr(GInetAddress) address = NULL;
  g_autofree char *bare = NULL;

  if (host == NULL || *host == '\0')
    return FALSE;

  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;

  /* GUri keeps IPv6 literals without brackets, but be lenient. */
  if (host[0] == '[')
    bare = g_strndup (host + 1, strlen (host + 1) - (g_str_has_suffix (host, "]") ? 1 : 0));
  else
    bare = g_strdup (host);

  address = g_inet_address_new_from_string (bare);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

/* The override is for our emulator and for tests: https anywhere, plain http
 * only on this machine, so that no token ever crosses a network unencrypted. */
static char *
login_url_from_override (const char  *text,
                         GError     **error)
{
  g_autoptr(GUri) uri = g_uri_parse (text, G_URI_FLAGS_NONE, NULL);
  const char *scheme;
  const char *host;

  if (uri == NULL || (host = g_uri_get_host (uri)) == NULL || *host == '\0')
    {
      g_set_error (error, BP_ERROR, BP_ERROR_INVALID_URL,
                   _("%s is not a URL with a host."), BP_SALESFORCE_LOGIN_URL_ENV);
      return NULL;
    }

  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "https") != 0
      && !(g_ascii_strcasecmp (scheme, "http") == 0 && bp_salesforce_is_loopback_host (host)))
    {
      g_set_error (error, BP_ERROR, BP_ERROR_INVALID_URL,
                   _("%s must be an https:// URL; http:// is accepted only for this machine "
                     "(localhost, 127.0.0.1 or ::1)."),
                   BP_SALESFORCE_LOGIN_URL_ENV);
      return NULL;
    }

  if (g_uri_get_userinfo (uri) != NULL || g_uri_get_query (uri) != NULL || g_uri_get_fragment (uri) != NULL)
    {
      g_set_error (error, BP_ERROR, BP_ERROR_INVALID_URL,
                   _("%s must not contain a user name, a query or a fragment."), BP_SALESFORCE_LOGIN_URL_ENV);
      return NULL;
    }

  {
    g_autofree char *lower_scheme = g_ascii_strdown (scheme, -1);

    return g_uri_join (G_URI_FLAGS_NONE, lower_scheme, NULL, host, g_uri_get_port (uri), "", NULL, NULL);
  }
}

/**
 * bp_salesforce_get_login_url:
 * @account_url: (nullable): the account's Url (My Domain), or NULL/empty
 * @sandbox: the account's Sandbox environment box
 *
 * Returns: the login base URL without a trailing slash: the override from
 *   BP_SALESFORCE_LOGIN_URL, else the account's Url, else test.salesforce.com
 *   for a sandbox and login.salesforce.com otherwise.
 */
char *
bp_salesforce_get_login_url (const char  *account_url,
                             gboolean     sandbox,
                             GError     **error)
{
  const char *override = g_getenv (BP_SALESFORCE_LOGIN_URL_ENV);

  if (override != NULL && *override != '\0')
    return login_url_from_override (override, error);

  if (account_url != NULL && *account_url != '\0')
    {
      g_autofree char *normalized = bp_salesforce_normalize_url (account_url, error);
      g_autoptr(GUri) uri = NULL;

      if (normalized == NULL)
        return NULL;

      /* A Url of only white space is no Url, as validation says: the login
       * host follows the Sandbox box (found by tests/fuzz/fuzz-url). */
      if (*normalized == '\0')
        return g_strdup (sandbox ? BP_SALESFORCE_SANDBOX_LOGIN_URL : BP_SALESFORCE_PRODUCTION_LOGIN_URL);

      /* Only scheme, host and port: the endpoints' paths are absolute. Read
       * the way bp_salesforce_normalize_url() read it, still encoded: decoded,
       * a path such as "/%ce" is not UTF-8 and does not parse (found by
       * tests/fuzz/fuzz-url). */
      uri = g_uri_parse (normalized, G_URI_FLAGS_ENCODED, NULL);
      if (uri == NULL)
        {
          g_set_error_literal (error, BP_ERROR, BP_ERROR_INVALID_URL,
                               _("The Url is not a valid address."));
          return NULL;
        }
      return g_uri_join (G_URI_FLAGS_ENCODED, "https", NULL, g_uri_get_host (uri), g_uri_get_port (uri),
                         "", NULL, NULL);
    }

  return g_strdup (sandbox ? BP_SALESFORCE_SANDBOX_LOGIN_URL : BP_SALESFORCE_PRODUCTION_LOGIN_URL);
}

char *
bp_salesforce_build_url (const char *base_url,
                         const char *path)
{
  g_return_val_if_fail (base_url != NULL, NULL);
  g_return_val_if_fail (path != NULL && path[0] == '/', NULL);

  if (g_str_has_suffix (base_url, "/"))
    return g_strconcat (base_url, path + 1, NULL);

  return g_strconcat (base_url, path, NULL);
}

/* Salesforce compares the callback character for character and refuses
 * 127.0.0.1 http callbacks: it is always "localhost" (SALESFORCE.md §3.1). */
char *
bp_salesforce_get_redirect_uri (guint port)
{
  g_return_val_if_fail (port > 0 && port <= 65535, NULL);

  return g_strdup_printf ("http://localhost:%u/OauthRedirect", port);
}

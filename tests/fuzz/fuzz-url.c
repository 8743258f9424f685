/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fuzz-url"

#include "config.h"

#include <string.h>

#include "bp-error.h"
#include "bp-fuzz.h"
#include "bp-salesforce-account.h"
#include "bp-salesforce-endpoints.h"

/* The Url and the Identity provider initiated login URL an administrator
 * types (or an imported file carries): bp_salesforce_normalize_url(), the
 * login URL derived from it, and the account validation of both fields. The
 * input is the Url, optionally followed by a newline and the login URL.
 * Besides not crashing: a normalised Url is a fixed point (normalising it
 * again gives the same text) and always https. */

static void
check_url (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) login_error = NULL;
  g_autofree char *normalized = bp_salesforce_normalize_url (text, &error);
  g_autofree char *again = NULL;
  g_autofree char *login_url = NULL;
  g_autofree char *sandbox_login_url = NULL;
  g_autofree char *token_url = NULL;

  if (normalized == NULL)
    {
      g_assert_error (error, BP_ERROR, BP_ERROR_INVALID_URL);
      g_assert_true (g_utf8_validate (error->message, -1, NULL) || !g_utf8_validate (text, -1, NULL));
      return;
    }

  g_assert_no_error (error);
  if (*normalized != '\0')
    {
      g_assert_true (g_str_has_prefix (normalized, "https://"));
      g_assert_true (g_str_has_suffix (normalized, "/"));
    }

  again = bp_salesforce_normalize_url (normalized, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again, ==, normalized);

  login_url = bp_salesforce_get_login_url (text, FALSE, &login_error);
  g_assert_true ((login_url == NULL) == (login_error != NULL));
  g_clear_error (&login_error);
  sandbox_login_url = bp_salesforce_get_login_url (text, TRUE, &login_error);
  g_assert_true ((sandbox_login_url == NULL) == (login_error != NULL));

  if (login_url != NULL)
    {
      token_url = bp_salesforce_build_url (login_url, BP_SALESFORCE_TOKEN_PATH);
      g_assert_true (g_str_has_suffix (token_url, BP_SALESFORCE_TOKEN_PATH));
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *input = bp_fuzz_dup_input (data, size);
  g_autoptr(BpSalesforceAccount) account = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  char *login_url;

  bp_fuzz_init ();

  /* Text fields hold UTF-8; GTK never hands over anything else. */
  if (!g_utf8_validate (input, -1, NULL))
    return 0;

  login_url = strchr (input, '\n');
  if (login_url != NULL)
    *login_url++ = '\0';

  check_url (input);
  (void) bp_salesforce_is_loopback_host (input);

  account = bp_salesforce_account_new ();
  bp_salesforce_account_set_url (account, input);
  bp_salesforce_account_set_idp_login_url (account, login_url != NULL ? login_url : "https://");
  problems = bp_account_validate (BP_ACCOUNT (account), NULL);
  g_assert_nonnull (problems);

  g_clear_pointer (&problems, g_ptr_array_unref);
  bp_salesforce_account_set_sandbox (account, TRUE);
  problems = bp_account_validate (BP_ACCOUNT (account), NULL);
  g_assert_nonnull (problems);

  return 0;
}

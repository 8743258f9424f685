/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fuzz-token-response"

#include "config.h"

#include <string.h>

#include "bp-error.h"
#include "bp-fuzz.h"
#include "bp-salesforce-response.h"
#include "bp-salesforce-tokens.h"

/* The successful answers of Salesforce's OAuth endpoints, as bytes: the
 * token response, the userinfo response and the API versions list, each read
 * by a pure function. Besides not crashing: an accepted token response has
 * an access token and an https or loopback instance URL, and no failure
 * message quotes the access or refresh token of the body. */

static void
check_no_secret_in_message (const GError *error,
                            const char   *body)
{
  static const char * const secret_members[] = { "\"access_token\"", "\"refresh_token\"" };

  for (guint i = 0; i < G_N_ELEMENTS (secret_members); i++)
    {
      const char *member = strstr (body, secret_members[i]);
      const char *value;
      const char *value_end;
      g_autofree char *secret = NULL;

      if (member == NULL)
        continue;

      /* The simplest shape only, "access_token":"VALUE": enough for the seeds. */
      value = member + strlen (secret_members[i]);
      if (value[0] != ':' || value[1] != '"')
        continue;
      value += 2;
      value_end = strchr (value, '"');
      if (value_end == NULL || value_end - value < 12)
        continue;

      secret = g_strndup (value, value_end - value);

      /* Quoting another member that holds the same text (an instance URL
       * made of it) is not quoting the token. */
      if (strstr (strstr (body, secret) + 1, secret) != NULL)
        continue;
      g_assert_null (strstr (error->message, secret));
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *body = bp_fuzz_dup_input (data, size);
  g_autoptr(BpSalesforceTokens) tokens = NULL;
  g_autoptr(BpSalesforceTokens) copy = NULL;
  g_autoptr(BpSalesforceUserInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) info_error = NULL;
  g_autofree char *version = NULL;

  bp_fuzz_init ();

  /* The body is not NUL-terminated on the wire: pass the length. */
  tokens = bp_salesforce_tokens_new_from_response ((const char *) data, size, &error);
  if (tokens != NULL)
    {
      const char *instance_url = bp_salesforce_tokens_get_instance_url (tokens);

      g_assert_no_error (error);
      g_assert_nonnull (bp_salesforce_tokens_get_access_token (tokens));
      g_assert_cmpuint (strlen (bp_salesforce_tokens_get_access_token (tokens)), >, 0);
      g_assert_true (g_ascii_strncasecmp (instance_url, "https://", 8) == 0
                     || g_ascii_strncasecmp (instance_url, "http://", 7) == 0);
      g_assert_true (g_utf8_validate (instance_url, -1, NULL));
      g_assert_nonnull (bp_salesforce_tokens_get_issued_at (tokens));
      (void) bp_salesforce_tokens_get_identity_url (tokens);
      (void) bp_salesforce_tokens_get_organization_id (tokens);
      (void) bp_salesforce_tokens_get_user_id (tokens);
      (void) bp_salesforce_tokens_get_scope (tokens);

      copy = bp_salesforce_tokens_copy_without_refresh_token (tokens);
      g_assert_null (bp_salesforce_tokens_get_refresh_token (copy));
      g_assert_cmpstr (bp_salesforce_tokens_get_access_token (copy), ==,
                       bp_salesforce_tokens_get_access_token (tokens));
    }
  else
    {
      g_assert_nonnull (error);
      g_assert_true (error->domain == BP_ERROR);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      check_no_secret_in_message (error, body);
    }

  /* The same body through -1 (NUL-terminated) must not read past the end. */
  g_clear_object (&tokens);
  g_clear_error (&error);
  tokens = bp_salesforce_tokens_new_from_response (body, -1, &error);
  g_assert_true ((tokens == NULL) == (error != NULL));

  info = bp_salesforce_user_info_new_from_response ((const char *) data, size, &info_error);
  if (info != NULL)
    {
      g_assert_no_error (info_error);
      g_assert_nonnull (info->preferred_username);
      g_assert_cmpuint (strlen (info->preferred_username), >, 0);
    }
  else
    g_assert_nonnull (info_error);

  version = bp_salesforce_parse_highest_api_version ((const char *) data, size);
  if (version != NULL)
    g_assert_true (g_utf8_validate (version, -1, NULL));

  return 0;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fuzz-error-body"

#include "config.h"

#include <string.h>

#include "bp-error.h"
#include "bp-fuzz.h"
#include "bp-salesforce-response.h"

/* What a failed Salesforce request answered: the OAuth error JSON, the REST
 * error array, an HTML page or anything else, turned into a message for a
 * person. The first byte of the input picks the request, the HTTP status and
 * the Content-Type; the rest is the body. Besides not crashing: every
 * message is valid UTF-8 on one line, and the excerpt stays within its
 * length (plus the "…" that marks a cut, as test-salesforce-response says). */

static const guint statuses[] = { 400, 401, 403, 404, 500, 503 };
static const char * const content_types[] = {
  "application/json;charset=UTF-8",
  "text/html; charset=utf-8",
  NULL,
  "application/problem+json",
};

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *excerpt = NULL;
  g_autofree char *error_code = NULL;
  g_autofree char *description = NULL;
  g_autofree char *api_code = NULL;
  g_autofree char *api_message = NULL;
  BpSalesforceRequest request;
  const char *content_type;
  const char *body;
  guint status;
  gsize length;

  bp_fuzz_init ();

  if (size < 1)
    return 0;

  request = data[0] % (BP_SALESFORCE_REQUEST_LIMITS + 1);
  status = statuses[(data[0] >> 3) % G_N_ELEMENTS (statuses)];
  content_type = content_types[(data[0] >> 6) % G_N_ELEMENTS (content_types)];
  body = (const char *) data + 1;
  length = size - 1;

  error = bp_salesforce_error_new_from_response (request, status, content_type, body, length,
                                                 "http://localhost:1717/OauthRedirect");
  g_assert_nonnull (error);
  g_assert_true (error->domain == BP_ERROR);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_cmpuint (strlen (error->message), >, 0);

  excerpt = bp_salesforce_sanitize_excerpt (body, length, 80);
  g_assert_nonnull (excerpt);
  g_assert_true (g_utf8_validate (excerpt, -1, NULL));
  g_assert_cmpuint (g_utf8_strlen (excerpt, -1), <=, 80 + 1);
  g_assert_null (strchr (excerpt, '\n'));

  if (bp_salesforce_parse_oauth_error (body, length, &error_code, &description))
    {
      g_autoptr(GError) oauth_error = NULL;

      g_assert_nonnull (error_code);
      oauth_error = bp_salesforce_error_new_oauth (request, error_code, description, NULL);
      g_assert_true (g_utf8_validate (oauth_error->message, -1, NULL));
    }

  if (bp_salesforce_parse_api_error (body, length, &api_code, &api_message))
    g_assert_true (api_code != NULL || api_message != NULL);

  (void) bp_salesforce_is_json_content_type (content_type);

  return 0;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fuzz-oauth-callback"

#include "config.h"

#include <string.h>

#include "bp-fuzz.h"
#include "bp-oauth-callback.h"

/* The loopback redirect listener's decision on a request from anyone on the
 * machine. The input is the raw request target ("/OauthRedirect?code=...&state=...");
 * optional further lines give the Host header, the method and the Origin
 * header, so that the fuzzer can reach every branch:
 *
 *   TARGET \n HOST \n METHOD \n ORIGIN
 *
 * Besides not crashing: a code is only ever handed out with this attempt's
 * state, and the reason for the log never contains request data. */

#define EXPECTED_STATE "fz8QxY3vR1kP0aWm5tLc2nB7dH4jS6eG9uI"
#define PORT 1717

static void
check_decision (const BpOAuthCallbackDecision *decision,
                const BpOAuthCallbackRequest  *request)
{
  g_autoptr(BpOAuthCallbackDecision) copy = NULL;

  g_assert_nonnull (decision->reason);
  g_assert_cmpuint (decision->status, >=, 100);
  g_assert_cmpuint (decision->status, <, 600);
  g_assert_true (decision->ends_attempt == (decision->action == BP_OAUTH_CALLBACK_CODE
                                            || decision->action == BP_OAUTH_CALLBACK_ERROR));

  if (decision->action == BP_OAUTH_CALLBACK_CODE)
    {
      g_assert_nonnull (request->query);
      g_assert_nonnull (strstr (request->query, "state="));
      g_assert_nonnull (decision->code);
      g_assert_cmpuint (strlen (decision->code), >, 0);
      g_assert_cmpuint (strlen (decision->code), <=, BP_OAUTH_CALLBACK_MAX_CODE_LENGTH);
    }
  else
    g_assert_null (decision->code);

  if (decision->action == BP_OAUTH_CALLBACK_ERROR)
    g_assert_nonnull (decision->error);

  if (decision->headers != NULL)
    g_assert_cmpuint (g_strv_length (decision->headers) % 2, ==, 0);

  /* The reason goes to the debug log: a fixed English text. */
  if (request->query != NULL && strlen (request->query) > 8)
    g_assert_null (strstr (decision->reason, request->query));

  copy = bp_oauth_callback_decision_copy (decision);
  g_assert_cmpint (copy->action, ==, decision->action);
  g_assert_cmpstr (copy->code, ==, decision->code);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *input = bp_fuzz_dup_input (data, size);
  g_auto(GStrv) lines = g_strsplit (input, "\n", 4);
  g_autofree char *path = NULL;
  const char *query = NULL;
  const char *question_mark;
  guint n_lines = g_strv_length (lines);
  BpOAuthCallbackRequest request = { 0, };
  g_autoptr(BpOAuthCallbackDecision) decision = NULL;

  bp_fuzz_init ();

  /* The target as SoupServer hands it over: the path and the query apart. */
  if (n_lines == 0)
    return 0;
  question_mark = strchr (lines[0], '?');
  if (question_mark != NULL)
    {
      path = g_strndup (lines[0], question_mark - lines[0]);
      query = question_mark + 1;
    }
  else
    path = g_strdup (lines[0]);

  request.path = path;
  request.query = query;
  request.host = n_lines > 1 ? lines[1] : "localhost:1717";
  request.method = n_lines > 2 ? lines[2] : "GET";
  request.origin = n_lines > 3 ? lines[3] : NULL;
  request.private_network = request.origin != NULL ? "true" : NULL;
  request.expected_state = EXPECTED_STATE;
  request.port = PORT;

  decision = bp_oauth_callback_decide (&request);
  g_assert_nonnull (decision);
  check_decision (decision, &request);

  return 0;
}

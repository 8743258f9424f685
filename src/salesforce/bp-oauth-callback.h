/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* The path of the loopback redirect URI (SALESFORCE.md §3.1). */
#define BP_OAUTH_CALLBACK_PATH "/OauthRedirect"

/* Longest authorization code accepted; Salesforce's are about 90 characters. */
#define BP_OAUTH_CALLBACK_MAX_CODE_LENGTH 2048

/**
 * BpOAuthCallbackAction:
 * @BP_OAUTH_CALLBACK_NOT_FOUND: another path (`/favicon.ico`): answer 404, keep waiting
 * @BP_OAUTH_CALLBACK_METHOD_NOT_ALLOWED: another method: answer 405 with `Allow: GET`, keep waiting
 * @BP_OAUTH_CALLBACK_PREFLIGHT: Chrome's private-network preflight: answer 204 with the
 *   CORS headers of the decision, keep waiting
 * @BP_OAUTH_CALLBACK_BAD_REQUEST: the request cannot be a callback of this attempt (wrong
 *   Host, a malformed or repeated parameter, neither code nor error): answer 400, keep waiting
 * @BP_OAUTH_CALLBACK_BAD_STATE: `state` missing or not this attempt's: answer 400, keep
 *   waiting, never exchange the code
 * @BP_OAUTH_CALLBACK_ERROR: Salesforce reported an error with the right state: end the
 *   attempt with @error and @error_description
 * @BP_OAUTH_CALLBACK_CODE: the authorization code with the right state: exchange it, then
 *   answer with the outcome
 *
 * What the loopback listener does with one request (SALESFORCE.md §3.5).
 */
typedef enum
{
  BP_OAUTH_CALLBACK_NOT_FOUND,
  BP_OAUTH_CALLBACK_METHOD_NOT_ALLOWED,
  BP_OAUTH_CALLBACK_PREFLIGHT,
  BP_OAUTH_CALLBACK_BAD_REQUEST,
  BP_OAUTH_CALLBACK_BAD_STATE,
  BP_OAUTH_CALLBACK_ERROR,
  BP_OAUTH_CALLBACK_CODE,
} BpOAuthCallbackAction;

/**
 * BpOAuthCallbackRequest:
 * @method: the HTTP method ("GET")
 * @path: the request path as sent, still percent-encoded
 * @query: (nullable): the query string as sent, without '?', still percent-encoded
 * @host: (nullable): the Host header
 * @origin: (nullable): the Origin header
 * @private_network: (nullable): the Access-Control-Request-Private-Network header
 * @expected_state: this attempt's state
 * @port: the port of the redirect URI (to check @host)
 *
 * The parts of a request that reached the loopback listener. Plain strings
 * so that the decision can be unit-tested and fuzzed without a server.
 */
typedef struct
{
  const char *method;
  const char *path;
  const char *query;
  const char *host;
  const char *origin;
  const char *private_network;
  const char *expected_state;
  guint       port;
} BpOAuthCallbackRequest;

/**
 * BpOAuthCallbackDecision:
 * @action: what to do
 * @status: the HTTP status to answer with; for %BP_OAUTH_CALLBACK_CODE the
 *   status once the exchange is over (200)
 * @ends_attempt: %TRUE for %BP_OAUTH_CALLBACK_ERROR and %BP_OAUTH_CALLBACK_CODE
 * @headers: extra response headers, as name, value, name, value, ..., %NULL
 * @code: (nullable): %BP_OAUTH_CALLBACK_CODE: the percent-decoded code (a secret)
 * @error: (nullable): %BP_OAUTH_CALLBACK_ERROR: the OAuth error code, e.g. "access_denied"
 * @error_description: (nullable): %BP_OAUTH_CALLBACK_ERROR: Salesforce's description
 * @reason: a short English reason for the debug log; never contains request data
 */
typedef struct
{
  BpOAuthCallbackAction  action;
  guint                  status;
  gboolean               ends_attempt;
  GStrv                  headers;
  char                  *code;
  char                  *error;
  char                  *error_description;
  const char            *reason;
} BpOAuthCallbackDecision;

#define BP_TYPE_OAUTH_CALLBACK_DECISION (bp_oauth_callback_decision_get_type ())

GType                    bp_oauth_callback_decision_get_type (void) G_GNUC_CONST;

/**
 * bp_oauth_callback_decide:
 * @request: the request
 *
 * Decides, without side effects, how the loopback listener answers
 * @request. The state is compared in constant time; parameters are
 * decoded as application/x-www-form-urlencoded (RFC 6749 Appendix B), so
 * `%3D%3D` becomes `==` and `+` a space.
 *
 * |[<!-- language="C" -->
 * BpOAuthCallbackRequest request = { "GET", "/OauthRedirect", "code=aP%3D%3D&state=xyz",
 *                                    "localhost:1717", NULL, NULL, "xyz", 1717 };
 * g_autoptr(BpOAuthCallbackDecision) decision = bp_oauth_callback_decide (&request);
 * g_assert_cmpstr (decision->code, ==, "aP==");
 * ]|
 *
 * Returns: (transfer full): the decision
 */
BpOAuthCallbackDecision *bp_oauth_callback_decide          (const BpOAuthCallbackRequest *request);
BpOAuthCallbackDecision *bp_oauth_callback_decision_copy   (const BpOAuthCallbackDecision *decision);
/* Wipes the code. */
void                     bp_oauth_callback_decision_free   (BpOAuthCallbackDecision      *decision);

/**
 * bp_oauth_callback_render_page:
 * @title: the page's heading (plain text)
 * @message: (nullable): a paragraph (plain text)
 *
 * Returns: (transfer full): a small self-contained HTML page for the browser
 *   tab; both texts are HTML-escaped. Serve it with `Cache-Control: no-store`.
 */
char                    *bp_oauth_callback_render_page     (const char                   *title,
                                                            const char                   *message);

/* Whether a Host header names this machine's loopback listener on @port
 * ("localhost:<port>", "127.0.0.1:<port>" or "[::1]:<port>"), as the
 * callback requires; the flow's start page requires it too. */
gboolean                 bp_oauth_callback_is_loopback_host (const char                   *host,
                                                             guint                         port);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BpOAuthCallbackDecision, bp_oauth_callback_decision_free)

G_END_DECLS

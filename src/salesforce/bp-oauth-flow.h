/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "bp-salesforce-account.h"
#include "bp-salesforce-client.h"
#include "bp-salesforce-tokens.h"

G_BEGIN_DECLS

/* Overrides the redirect-port setting (DESIGN.md, seams for tests). */
#define BP_OAUTH_REDIRECT_PORT_ENV     "BP_OAUTH_REDIRECT_PORT"
/* How long the browser has to come back, in seconds (SALESFORCE.md §3.6). */
#define BP_OAUTH_FLOW_DEFAULT_TIMEOUT  120
/* Without refresh_token/offline_access no refresh token is issued (§3.4). */
#define BP_OAUTH_SCOPE                 "api refresh_token offline_access"
#define BP_OAUTH_PROMPT                "login consent"

#define BP_TYPE_OAUTH_FLOW (bp_oauth_flow_get_type ())

G_DECLARE_FINAL_TYPE (BpOAuthFlow, bp_oauth_flow, BP, OAUTH_FLOW, GObject)

/**
 * BpOAuthFlow:
 *
 * One "Request token" (SALESFORCE.md §3): OAuth 2.0 authorization code with
 * PKCE through the user's browser and a loopback redirect. Running it:
 *
 * 1. binds `http://localhost:<port>/OauthRedirect` on 127.0.0.1 and ::1 only
 *    (IPv4 alone when IPv6 loopback is missing); a taken port fails at once
 *    with %BP_ERROR_PORT_IN_USE, before any browser opens;
 * 2. makes a fresh state and PKCE verifier, sets #BpOAuthFlow:authorize-url
 *    and opens the browser (`$BROWSER` or the desktop's default) at a
 *    one-time start page on the listener, `/OauthStart/<nonce>`, which
 *    redirects the first GET to the authorize URL: a command line is readable
 *    by every process, the state must not be on one. If no browser opens,
 *    #BpOAuthFlow:browser-error is set and the attempt keeps waiting: show
 *    the authorize URL with a Copy button;
 * 3. answers the browser's requests (404, 405, 204 preflight, 400 for a
 *    missing or wrong state) until exactly one valid callback arrives, or
 *    the timeout (#BpOAuthFlow:timeout, 120 s) passes, or it is cancelled;
 * 4. exchanges the code (client_secret only when not empty, the verifier),
 *    asks userinfo for the username, shows the browser a result page, closes
 *    the listener and completes with a #BpSalesforceTokens whose refresh
 *    token must go to the keyring at once.
 *
 * Only one attempt runs in the process at a time, and the newest wins:
 * running this flow again cancels its attempt in progress; running another
 * flow ends this one's with %BP_ERROR_SUPERSEDED (its dialog shows why and
 * offers Try Again). Either frees the port for the new one. Cancelling frees
 * the port before cancel returns. An attempt that ends while Salesforce is
 * issuing its tokens (the code already sent) does not wait for them: when
 * they arrive nobody will store them, so the flow revokes them.
 *
 * For the token dialog:
 *
 * |[<!-- language="C" -->
 * guint port = bp_oauth_flow_resolve_port (g_settings_get_uint (settings, "redirect-port"));
 * g_autoptr(BpOAuthFlow) flow = bp_oauth_flow_new_for_account (client, draft, port, &error);
 * if (flow == NULL)
 *   return show_error (error);            // e.g. a bad BP_SALESFORCE_LOGIN_URL
 * bp_oauth_flow_set_timeout (flow, g_settings_get_uint (settings, "auth-timeout-seconds"));
 * g_object_bind_property (flow, "redirect-uri", callback_label, "label", G_BINDING_SYNC_CREATE);
 * g_object_bind_property (flow, "authorize-url", link_label, "label", G_BINDING_SYNC_CREATE);
 * g_signal_connect (flow, "notify::browser-error", G_CALLBACK (on_browser_error_cb), dialog);
 * bp_oauth_flow_run_async (flow, dialog->cancellable, token_requested_cb, dialog);
 *
 * static void
 * token_requested_cb (GObject *object, GAsyncResult *result, gpointer user_data)
 * {
 *   g_autoptr(GError) error = NULL;
 *   g_autoptr(BpSalesforceTokens) tokens = bp_oauth_flow_run_finish (BP_OAUTH_FLOW (object),
 *                                                                    result, &error);
 *   if (tokens == NULL)
 *     {
 *       if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
 *         show_error_with_try_again (error);  // BP_ERROR_PORT_IN_USE, _ACCESS_DENIED, ...
 *       return;
 *     }
 *   // refresh token → keyring under the account id, then:
 *   //   bp_salesforce_tokens_get_username (tokens), bp_salesforce_tokens_get_issued_at (tokens)
 * }
 * ]|
 */

BpOAuthFlow        *bp_oauth_flow_new                (BpSalesforceClient   *client,
                                                      const char           *login_url,
                                                      const char           *consumer_key,
                                                      const char           *consumer_secret,
                                                      guint                 port);
/* Login URL from the account's Url and Sandbox (or BP_SALESFORCE_LOGIN_URL),
 * its consumer key and consumer secret; fails when the login URL is refused
 * or the account cannot request a token yet. */
BpOAuthFlow        *bp_oauth_flow_new_for_account    (BpSalesforceClient   *client,
                                                      BpSalesforceAccount  *account,
                                                      guint                 port,
                                                      GError              **error);

/* The port to use: a valid BP_OAUTH_REDIRECT_PORT, else @configured_port,
 * else BP_SALESFORCE_DEFAULT_REDIRECT_PORT. */
guint               bp_oauth_flow_resolve_port       (guint                 configured_port);

guint               bp_oauth_flow_get_port           (BpOAuthFlow          *self);
/* `http://localhost:<port>/OauthRedirect`: register this exact string. */
const char         *bp_oauth_flow_get_redirect_uri   (BpOAuthFlow          *self);
/* %NULL until bp_oauth_flow_run_async() has bound the port; new on each run. */
const char         *bp_oauth_flow_get_authorize_url  (BpOAuthFlow          *self);
/* %BP_ERROR_BROWSER when no browser opened during this run; %NULL otherwise. */
const GError       *bp_oauth_flow_get_browser_error  (BpOAuthFlow          *self);
gboolean            bp_oauth_flow_get_is_running     (BpOAuthFlow          *self);
guint               bp_oauth_flow_get_timeout        (BpOAuthFlow          *self);
void                bp_oauth_flow_set_timeout        (BpOAuthFlow          *self,
                                                      guint                 seconds);

void                bp_oauth_flow_run_async          (BpOAuthFlow          *self,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
/**
 * bp_oauth_flow_run_finish:
 *
 * Returns: (transfer full): the tokens, with a refresh token and (when
 *   userinfo answered) the username; or %NULL with %G_IO_ERROR_CANCELLED,
 *   %BP_ERROR_PORT_IN_USE, %BP_ERROR_TIMED_OUT, %BP_ERROR_NO_REFRESH_TOKEN,
 *   %BP_ERROR_SUPERSEDED, or
 *   an error of the exchange (see bp_salesforce_error_new_oauth())
 */
BpSalesforceTokens *bp_oauth_flow_run_finish         (BpOAuthFlow          *self,
                                                      GAsyncResult         *result,
                                                      GError              **error);
/* Ends the running attempt (it completes with G_IO_ERROR_CANCELLED) and frees the port. */
void                bp_oauth_flow_cancel             (BpOAuthFlow          *self);

/**
 * bp_oauth_build_authorize_url:
 *
 * Returns: (transfer full): `<login>/services/oauth2/authorize?response_type=code
 *   &client_id=…&redirect_uri=…&state=…&code_challenge=…&code_challenge_method=S256
 *   &scope=api%20refresh_token%20offline_access&prompt=login%20consent`, every value
 *   percent-encoded (SALESFORCE.md §3.4)
 */
char               *bp_oauth_build_authorize_url     (const char           *login_url,
                                                      const char           *consumer_key,
                                                      const char           *redirect_uri,
                                                      const char           *state,
                                                      const char           *code_challenge);

G_END_DECLS

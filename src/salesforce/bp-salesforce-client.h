/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "bp-salesforce-response.h"
#include "bp-salesforce-tokens.h"

G_BEGIN_DECLS

/* The network timeout of every request, in seconds (SALESFORCE.md, issue 4). */
#define BP_SALESFORCE_CLIENT_DEFAULT_TIMEOUT 30
/* The largest answer read, in bytes: Salesforce's are ~1 KiB (tokens) to
 * ~50 KiB (limits); anything far larger is refused unread (BP_ERROR_SALESFORCE). */
#define BP_SALESFORCE_CLIENT_MAX_BODY_SIZE   (4 * 1024 * 1024)

#define BP_TYPE_SALESFORCE_CLIENT (bp_salesforce_client_get_type ())

G_DECLARE_FINAL_TYPE (BpSalesforceClient, bp_salesforce_client, BP, SALESFORCE_CLIENT, GObject)

/**
 * BpSalesforceClient:
 *
 * Talks to Salesforce over one HTTP session (libsoup's, in the bp-http
 * module, made with the first request): the token endpoint (code and
 * refresh grants), revoke, userinfo, the API versions and the limits. TLS
 * verification is always on; there is no way to ignore a certificate. Only
 * https URLs are used, plain http only for loopback hosts (the emulator).
 * Failures are BP_ERROR codes with a message a person can act on (see
 * bp-salesforce-response.h); no token, code, verifier or secret is ever
 * logged or put into an error message.
 *
 * One client serves the whole application (it keeps the connection pool and
 * the per-instance API version cache):
 *
 * |[<!-- language="C" -->
 * BpSalesforceClient *client = bp_salesforce_client_new ();
 * // tests: talk to the loopback emulator directly, trust a test CA
 * bp_salesforce_client_set_proxy_resolver (client, NULL);
 * bp_salesforce_client_set_tls_database (client, test_database);
 * ]|
 */

BpSalesforceClient *bp_salesforce_client_new                (void);

/* The network timeout in seconds (default 30): the longest wait for any
 * read, and the longest one whole request may take (a server that sends a
 * byte now and then is given up too); 0: none. */
guint               bp_salesforce_client_get_timeout        (BpSalesforceClient  *self);
void                bp_salesforce_client_set_timeout        (BpSalesforceClient  *self,
                                                             guint                seconds);
/* NULL: the system's CA store (the default). */
void                bp_salesforce_client_set_tls_database   (BpSalesforceClient  *self,
                                                             GTlsDatabase        *database);
/* The system proxy settings by default; NULL: connect directly (tests). */
void                bp_salesforce_client_set_proxy_resolver (BpSalesforceClient  *self,
                                                             GProxyResolver      *resolver);

/**
 * bp_salesforce_client_exchange_code_async:
 * @login_url: the login host (bp_salesforce_get_login_url())
 * @consumer_key: the Connected App's consumer key (client_id)
 * @consumer_secret: (nullable): sent only when not empty
 * @code: the authorization code, decoded
 * @redirect_uri: byte-identical to the one of the authorize URL
 * @code_verifier: (nullable): the PKCE verifier, when a challenge was sent
 *
 * `POST <login>/services/oauth2/token` with grant_type=authorization_code
 * (SALESFORCE.md §3.7). The result may lack a refresh token: the caller
 * decides (BpOAuthFlow fails with BP_ERROR_NO_REFRESH_TOKEN).
 */
void                bp_salesforce_client_exchange_code_async  (BpSalesforceClient   *self,
                                                               const char           *login_url,
                                                               const char           *consumer_key,
                                                               const char           *consumer_secret,
                                                               const char           *code,
                                                               const char           *redirect_uri,
                                                               const char           *code_verifier,
                                                               GCancellable         *cancellable,
                                                               GAsyncReadyCallback   callback,
                                                               gpointer              user_data);
BpSalesforceTokens *bp_salesforce_client_exchange_code_finish (BpSalesforceClient   *self,
                                                               GAsyncResult         *result,
                                                               GError              **error);

/**
 * bp_salesforce_client_refresh_async:
 *
 * `POST <login>/services/oauth2/token` with grant_type=refresh_token
 * (SALESFORCE.md §4). When the result has a refresh token, Salesforce rotated
 * it and the old one is dead: store the new one before using the access
 * token (BpTokenKeeper does). invalid_grant is %BP_ERROR_INVALID_GRANT: mark
 * the account "needs a new token".
 */
void                bp_salesforce_client_refresh_async        (BpSalesforceClient   *self,
                                                               const char           *login_url,
                                                               const char           *consumer_key,
                                                               const char           *consumer_secret,
                                                               const char           *refresh_token,
                                                               GCancellable         *cancellable,
                                                               GAsyncReadyCallback   callback,
                                                               gpointer              user_data);
BpSalesforceTokens *bp_salesforce_client_refresh_finish       (BpSalesforceClient   *self,
                                                               GAsyncResult         *result,
                                                               GError              **error);

/**
 * bp_salesforce_client_revoke_async:
 * @token: a refresh token (revokes its access tokens too) or an access token
 *
 * `POST <login>/services/oauth2/revoke`. HTTP 200 and 400 invalid_token
 * (already dead) both succeed.
 */
void                bp_salesforce_client_revoke_async         (BpSalesforceClient   *self,
                                                               const char           *login_url,
                                                               const char           *token,
                                                               GCancellable         *cancellable,
                                                               GAsyncReadyCallback   callback,
                                                               gpointer              user_data);
gboolean            bp_salesforce_client_revoke_finish        (BpSalesforceClient   *self,
                                                               GAsyncResult         *result,
                                                               GError              **error);

/* `GET <instance>/services/oauth2/userinfo` with the bearer token (SALESFORCE.md §3.10). */
void                  bp_salesforce_client_get_user_info_async  (BpSalesforceClient   *self,
                                                                 const char           *instance_url,
                                                                 const char           *access_token,
                                                                 GCancellable         *cancellable,
                                                                 GAsyncReadyCallback   callback,
                                                                 gpointer              user_data);
BpSalesforceUserInfo *bp_salesforce_client_get_user_info_finish (BpSalesforceClient   *self,
                                                                 GAsyncResult         *result,
                                                                 GError              **error);

/**
 * bp_salesforce_client_get_api_version_async:
 *
 * The highest API version of `GET <instance>/services/data/` (no
 * authentication), cached per instance. When the list cannot be read the
 * result is %BP_SALESFORCE_FALLBACK_API_VERSION (not cached); only a
 * cancellation fails.
 */
void                bp_salesforce_client_get_api_version_async  (BpSalesforceClient   *self,
                                                                 const char           *instance_url,
                                                                 GCancellable         *cancellable,
                                                                 GAsyncReadyCallback   callback,
                                                                 gpointer              user_data);
char               *bp_salesforce_client_get_api_version_finish (BpSalesforceClient   *self,
                                                                 GAsyncResult         *result,
                                                                 GError              **error);

/**
 * bp_salesforce_client_get_limits_async:
 * @api_version: "62.0"
 *
 * `GET <instance>/services/data/v<api_version>/limits/` with the bearer
 * token. The result is the raw JSON object for the limits parser, followed
 * by a NUL byte that its size does not count.
 * HTTP 401 is %BP_ERROR_INVALID_SESSION (refresh once and retry), 403
 * %BP_ERROR_PERMISSION_DENIED with Salesforce's message and errorCode.
 */
void                bp_salesforce_client_get_limits_async     (BpSalesforceClient   *self,
                                                               const char           *instance_url,
                                                               const char           *api_version,
                                                               const char           *access_token,
                                                               GCancellable         *cancellable,
                                                               GAsyncReadyCallback   callback,
                                                               gpointer              user_data);
GBytes             *bp_salesforce_client_get_limits_finish    (BpSalesforceClient   *self,
                                                               GAsyncResult         *result,
                                                               GError              **error);

/* https anywhere, http only for loopback hosts; BP_ERROR_INVALID_URL otherwise. */
gboolean            bp_salesforce_check_url                   (const char           *url,
                                                               GError              **error);

G_END_DECLS

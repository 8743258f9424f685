/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define BP_TYPE_SALESFORCE_TOKENS (bp_salesforce_tokens_get_type ())

G_DECLARE_FINAL_TYPE (BpSalesforceTokens, bp_salesforce_tokens, BP, SALESFORCE_TOKENS, GObject)

/**
 * BpSalesforceTokens:
 *
 * What a Salesforce token response carries (SALESFORCE.md §3.8): the access
 * token (memory only), the refresh token (to be stored in the keyring at
 * once), the instance URL for API calls, the identity URL with the org and
 * user ids, and the issue time. After Request token it also carries the
 * username from userinfo. Read-only but for the username; the tokens are wiped from
 * memory when the object is finalized. Nothing here is ever logged.
 *
 * |[<!-- language="C" -->
 * g_autoptr(BpSalesforceTokens) tokens = bp_oauth_flow_run_finish (flow, result, &error);
 * store_refresh_token (account_id, bp_salesforce_tokens_get_refresh_token (tokens));
 * bp_salesforce_account_set_authorized_user (account, bp_salesforce_tokens_get_username (tokens));
 * bp_salesforce_account_set_token_issued_at (account, bp_salesforce_tokens_get_issued_at (tokens));
 * ]|
 */

/**
 * bp_salesforce_tokens_new_from_response:
 * @body: the body of a successful (HTTP 200) token response
 * @length: its length in bytes, or -1 if nul-terminated
 *
 * Parses a token response without side effects (a fuzz target). Requires a
 * JSON object with a non-empty `access_token` and an https (or loopback
 * http) `instance_url`; `issued_at` is a string of milliseconds since the
 * epoch (a number is accepted too; missing means now). An object with an
 * `error` member fails as that OAuth error would.
 *
 * Returns: (transfer full): the tokens, or %NULL with a %BP_ERROR_SALESFORCE
 *   (or mapped OAuth) error that contains no part of the body's secrets
 */
BpSalesforceTokens *bp_salesforce_tokens_new_from_response (const char          *body,
                                                            gssize               length,
                                                            GError             **error);

const char         *bp_salesforce_tokens_get_access_token   (BpSalesforceTokens *self);
/* %NULL when the response had none (no refresh scope; or a refresh without rotation). */
const char         *bp_salesforce_tokens_get_refresh_token  (BpSalesforceTokens *self);
const char         *bp_salesforce_tokens_get_instance_url   (BpSalesforceTokens *self);
/* The identity URL, `https://login.salesforce.com/id/<orgId>/<userId>`. */
const char         *bp_salesforce_tokens_get_identity_url   (BpSalesforceTokens *self);
const char         *bp_salesforce_tokens_get_organization_id (BpSalesforceTokens *self);
const char         *bp_salesforce_tokens_get_user_id        (BpSalesforceTokens *self);
const char         *bp_salesforce_tokens_get_scope          (BpSalesforceTokens *self);
GDateTime          *bp_salesforce_tokens_get_issued_at      (BpSalesforceTokens *self);
/* userinfo's preferred_username; %NULL until bp_salesforce_tokens_set_username(). */
const char         *bp_salesforce_tokens_get_username       (BpSalesforceTokens *self);
void                bp_salesforce_tokens_set_username       (BpSalesforceTokens *self,
                                                            const char         *username);

/* A copy without the refresh token (what the token keeper hands out). */
BpSalesforceTokens *bp_salesforce_tokens_copy_without_refresh_token (BpSalesforceTokens *self);

/* Parses `issued_at` (milliseconds since the epoch, as a decimal string). */
GDateTime          *bp_salesforce_parse_issued_at           (const char         *milliseconds);

G_END_DECLS

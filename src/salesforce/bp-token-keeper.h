/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "bp-salesforce-account.h"
#include "bp-salesforce-client.h"
#include "bp-salesforce-tokens.h"
#include "bp-secret-store.h"

G_BEGIN_DECLS

#define BP_TYPE_TOKEN_KEEPER (bp_token_keeper_get_type ())

G_DECLARE_FINAL_TYPE (BpTokenKeeper, bp_token_keeper, BP, TOKEN_KEEPER, GObject)

/**
 * BpTokenKeeper:
 *
 * Access tokens for saved accounts, from their refresh tokens in the
 * keyring (SALESFORCE.md §4):
 *
 * - at most one refresh per account at a time: concurrent callers share it;
 * - a rotated refresh token is stored in the keyring before any caller gets
 *   the access token (the old one is already dead); the refresh and the
 *   store run to the end even if every caller cancelled;
 * - invalid_grant is %BP_ERROR_INVALID_GRANT: the caller marks the account
 *   %BP_TOKEN_STATE_NEEDS_NEW_TOKEN and keeps it;
 * - access tokens live in memory only, cached per account until
 *   bp_token_keeper_invalidate() (after a 401) or a change of login host or
 *   consumer key.
 *
 * The refresh token is the one held in memory by the account when it is
 * known (bp_account_is_secret_known()), else the keyring's; a rotated one
 * replaces both. The consumer secret is the account's in memory, or the
 * keyring's when it was not loaded.
 *
 * |[<!-- language="C" -->
 * // Check limits (the whole dance, with one refresh-and-retry on HTTP 401):
 * bp_token_keeper_fetch_limits_async (keeper, account, cancellable, limits_fetched_cb, self);
 *
 * // Delete: revoke best effort, then let the store remove the keyring items.
 * bp_token_keeper_revoke_async (keeper, account, NULL, revoked_cb, self);
 * static void
 * revoked_cb (GObject *object, GAsyncResult *result, gpointer user_data)
 * {
 *   g_autoptr(GError) error = NULL;
 *   if (!bp_token_keeper_revoke_finish (BP_TOKEN_KEEPER (object), result, &error))
 *     show_warning (error);          // never blocks the deletion
 *   bp_account_store_delete_async (store, id, ...);
 * }
 * ]|
 */

BpTokenKeeper      *bp_token_keeper_new                     (BpSalesforceClient   *client,
                                                             BpSecretStore        *secrets);

/**
 * bp_token_keeper_get_access_token_async:
 * @force_refresh: refresh even when an access token is cached
 *
 * Gets an access token for @account: the cached one, or a refresh.
 */
void                bp_token_keeper_get_access_token_async  (BpTokenKeeper        *self,
                                                             BpSalesforceAccount  *account,
                                                             gboolean              force_refresh,
                                                             GCancellable         *cancellable,
                                                             GAsyncReadyCallback   callback,
                                                             gpointer              user_data);
/* Returns: (transfer full): the access token and instance URL, never the refresh token. */
BpSalesforceTokens *bp_token_keeper_get_access_token_finish (BpTokenKeeper        *self,
                                                             GAsyncResult         *result,
                                                             GError              **error);

/* Forgets the cached access token of the account (after a 401, an edit, a delete). */
void                bp_token_keeper_invalidate              (BpTokenKeeper        *self,
                                                             const char           *account_id);

/**
 * bp_token_keeper_revoke_async:
 *
 * Revokes the account's refresh token at Salesforce, best effort, and
 * forgets its access token. No refresh token: nothing to do, success.
 * A failure (network, keyring) is reported for the user to see, but it
 * must never block the deletion: the keyring items are the store's to
 * remove, whatever this says.
 */
void                bp_token_keeper_revoke_async            (BpTokenKeeper        *self,
                                                             BpSalesforceAccount  *account,
                                                             GCancellable         *cancellable,
                                                             GAsyncReadyCallback   callback,
                                                             gpointer              user_data);
gboolean            bp_token_keeper_revoke_finish           (BpTokenKeeper        *self,
                                                             GAsyncResult         *result,
                                                             GError              **error);

/**
 * bp_token_keeper_fetch_limits_async:
 *
 * Access token, API version (cached per instance) and
 * `GET /services/data/vXX.X/limits/`; on HTTP 401 refreshes once and
 * retries (SALESFORCE.md §5).
 */
void                bp_token_keeper_fetch_limits_async      (BpTokenKeeper        *self,
                                                             BpSalesforceAccount  *account,
                                                             GCancellable         *cancellable,
                                                             GAsyncReadyCallback   callback,
                                                             gpointer              user_data);
/* Returns: (transfer full): the raw JSON body; @api_version: (out) (optional): "62.0". */
GBytes             *bp_token_keeper_fetch_limits_finish     (BpTokenKeeper        *self,
                                                             GAsyncResult         *result,
                                                             char                **api_version,
                                                             GError              **error);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "bp-salesforce-account.h"
#include "bp-salesforce-tokens.h"
#include "bp-secret-store.h"
#include "bp-token-keeper.h"

G_BEGIN_DECLS

#define BP_TYPE_PENDING_TOKEN (bp_pending_token_get_type ())

G_DECLARE_FINAL_TYPE (BpPendingToken, bp_pending_token, BP, PENDING_TOKEN, GObject)

/**
 * BpPendingToken:
 *
 * A refresh token that Request token obtained for a draft. It goes to the
 * keyring at once, under the account's id, so it is never lost; the draft
 * takes the token's state (valid, issued at, authorized user) and holds the
 * token in memory, so the draft's Apply saves all of it in one transaction.
 *
 * Until then the token is pending: bp_pending_token_keep() after a
 * successful Apply makes it final; bp_pending_token_discard_async() after
 * Cancel revokes it at Salesforce (best effort) and puts back the refresh
 * token the keyring held before, or removes the item when there was none.
 */

void            bp_pending_token_store_async    (BpSecretStore        *secrets,
                                                 BpSalesforceAccount  *draft,
                                                 BpSalesforceTokens   *tokens,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
BpPendingToken *bp_pending_token_store_finish   (GAsyncResult         *result,
                                                 GError              **error);

const char     *bp_pending_token_get_account_id (BpPendingToken       *self);
void            bp_pending_token_keep           (BpPendingToken       *self);

/* Fails only when the keyring cannot be put back; a failed revoke is
 * reported through @revoke_error and never stops the rest. */
void            bp_pending_token_discard_async  (BpPendingToken       *self,
                                                 BpTokenKeeper        *keeper,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
gboolean        bp_pending_token_discard_finish (BpPendingToken       *self,
                                                 GAsyncResult         *result,
                                                 GError              **revoke_error,
                                                 GError              **error);

G_END_DECLS

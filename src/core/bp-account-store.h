/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "bp-account.h"
#include "bp-secret-store.h"

G_BEGIN_DECLS

#define BP_ACCOUNT_STORE_FORMAT_VERSION 1

#define BP_TYPE_ACCOUNT_STORE (bp_account_store_get_type ())

G_DECLARE_FINAL_TYPE (BpAccountStore, bp_account_store, BP, ACCOUNT_STORE, GObject)

/**
 * BpAccountStore:
 *
 * The saved accounts, as a GListModel of BpAccount in file order. The rest of
 * an account is kept in a JSON file (dir 0700, file 0600, atomic and durable
 * writes); secrets go to the keyring through BpSecretStore and never to the
 * file. Changes happen only through bp_account_store_apply_async(),
 * bp_account_store_apply_batch_async() and bp_account_store_delete_async(),
 * one at a time; each is one transaction.
 */

BpAccountStore *bp_account_store_new                 (GFile               *file,
                                                      BpSecretStore       *secrets);
GFile          *bp_account_store_get_default_file    (void);

GFile          *bp_account_store_get_file            (BpAccountStore      *self);
gboolean        bp_account_store_get_loaded          (BpAccountStore      *self);
BpSecretStore  *bp_account_store_get_secret_store    (BpAccountStore      *self);

/* A missing file is an empty store. A corrupt one is moved aside; the store is
 * empty and the error (BP_ERROR_STORE_CORRUPT) names where the file went. */
gboolean        bp_account_store_load                (BpAccountStore      *self,
                                                      GError             **error);
void            bp_account_store_load_async          (BpAccountStore      *self,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean        bp_account_store_load_finish         (BpAccountStore      *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

/* Validates @draft against the other accounts, writes its known secrets to
 * the keyring, then the file. If either fails nothing changes. On success the
 * saved account (a new one, or the one with the draft's id) takes the draft's
 * values and the model emits items-changed. */
void            bp_account_store_apply_async         (BpAccountStore      *self,
                                                      BpAccount           *draft,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean        bp_account_store_apply_finish        (BpAccountStore      *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

/* Saves several drafts as one transaction: each is validated against the
 * store as it will be afterwards (names unique, at most one default of a
 * type among the drafts), then the file is written once. All or nothing: if
 * one draft is invalid or the file cannot be written, nothing changes. A
 * draft with the id of a saved account replaces it as Apply does; the others
 * are added, in order. A batch writes no keyring item, so its drafts must
 * know no secret (imported accounts have none): the saved accounts keep
 * theirs. */
void            bp_account_store_apply_batch_async   (BpAccountStore      *self,
                                                      GPtrArray           *drafts,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean        bp_account_store_apply_batch_finish  (BpAccountStore      *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

/* Removes the account from the file, then every keyring item it owns. */
void            bp_account_store_delete_async        (BpAccountStore      *self,
                                                      BpAccount           *account,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean        bp_account_store_delete_finish       (BpAccountStore      *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

/* Reads the account's in-memory secrets (consumer secret) from the keyring.
 * A missing item is not an error: the secret becomes known and empty. */
void            bp_account_store_load_secrets_async  (BpAccountStore      *self,
                                                      BpAccount           *account,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean        bp_account_store_load_secrets_finish (BpAccountStore      *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

BpAccount      *bp_account_store_find_by_id          (BpAccountStore      *self,
                                                      const char          *id);
BpAccount      *bp_account_store_find_by_name        (BpAccountStore      *self,
                                                      const char          *name);
BpAccount      *bp_account_store_find_default        (BpAccountStore      *self,
                                                      GType                account_type);
char           *bp_account_store_make_unique_name    (BpAccountStore      *self,
                                                      const char          *base);

G_END_DECLS

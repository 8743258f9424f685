/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define BP_TYPE_SECRET_STORE (bp_secret_store_get_type ())

G_DECLARE_FINAL_TYPE (BpSecretStore, bp_secret_store, BP, SECRET_STORE, GObject)

/**
 * BpSecretStore:
 *
 * The account secrets (consumer secret, refresh token) in the desktop keyring,
 * under the libsecret schema "com.brightpattern.IntegrationAccounts.Secret"
 * with the attributes `account-id` and `kind`, in the default collection.
 * Inside Flatpak they go through libsecret's simple API, which keeps them in an
 * encrypted file in the sandbox with a key from the Secret portal; outside,
 * through the Secret Service itself. BP_SECRET_BACKEND=portal or =service
 * forces one of the two.
 * Everything is asynchronous. Failures are BP_ERROR_SECRET_NOT_FOUND,
 * BP_ERROR_KEYRING_LOCKED, BP_ERROR_NO_SECRET_SERVICE or BP_ERROR_KEYRING_FAILED,
 * and BP_ERROR_MODULE_MISSING when the bp-keyring module, which the first
 * call loads (src/keyring), cannot be: creating a store loads nothing.
 * Secret values never appear in a log or an error message.
 *
 * Every call ends within BpSecretStore:timeout (15 s unless set; an unlock
 * prompt that is open does not count): a keyring that never answers is
 * BP_ERROR_KEYRING_FAILED then, and the main loop runs meanwhile. D-Bus's
 * own limit would be 25 s per message, several messages per call.
 */

/* Long enough for a keyring busy loading a large collection from a slow disk,
 * short enough that an administrator waiting on Apply is told what is wrong. */
#define BP_SECRET_STORE_DEFAULT_TIMEOUT_MS 15000

BpSecretStore *bp_secret_store_new           (void);

guint          bp_secret_store_get_timeout   (BpSecretStore       *self);
void           bp_secret_store_set_timeout   (BpSecretStore       *self,
                                              guint                timeout_ms);

void           bp_secret_store_lookup_async  (BpSecretStore       *self,
                                              const char          *account_id,
                                              const char          *kind,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
char          *bp_secret_store_lookup_finish (BpSecretStore       *self,
                                              GAsyncResult        *result,
                                              GError             **error);

void           bp_secret_store_store_async   (BpSecretStore       *self,
                                              const char          *account_id,
                                              const char          *kind,
                                              const char          *label,
                                              const char          *secret,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean       bp_secret_store_store_finish  (BpSecretStore       *self,
                                              GAsyncResult        *result,
                                              GError             **error);

/* kind NULL: every item of the account. Clearing what is not there succeeds. */
void           bp_secret_store_clear_async   (BpSecretStore       *self,
                                              const char          *account_id,
                                              const char          *kind,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean       bp_secret_store_clear_finish  (BpSecretStore       *self,
                                              GAsyncResult        *result,
                                              GError             **error);

/* Wipes and frees a secret returned by bp_secret_store_lookup_finish(). */
void           bp_secret_free                (char                *secret);

/* g_autoptr(BpSecret) wipes the secret when it goes out of scope. */
typedef char BpSecret;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BpSecret, bp_secret_free)

G_END_DECLS

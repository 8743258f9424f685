/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-pending-token"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "bp-error.h"
#include "bp-pending-token.h"

struct _BpPendingToken
{
  GObject              parent_instance;

  BpSecretStore       *secrets;
  BpSalesforceAccount *draft;
  char                *account_id;
  char                *label;
  char                *old_token;    /* what the keyring held before; NULL: nothing */
  gboolean             is_settled;
};

G_DEFINE_FINAL_TYPE (BpPendingToken, bp_pending_token, G_TYPE_OBJECT)

static char *
make_label (BpSalesforceAccount *draft)
{
  return g_strdup_printf (_("Refresh token of the integration account “%s”"),
                          bp_account_get_name (BP_ACCOUNT (draft)));
}

/* ------------------------------------------------------------------ */
/* Store                                                               */

typedef struct
{
  BpPendingToken     *pending;
  BpSalesforceTokens *tokens;
} StoreData;

static void
store_data_free (StoreData *data)
{
  g_clear_object (&data->pending);
  g_clear_object (&data->tokens);
  g_free (data);
}

static void
new_token_stored_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  StoreData *data = g_task_get_task_data (task);
  BpPendingToken *pending = data->pending;
  BpAccount *draft = BP_ACCOUNT (pending->draft);
  GError *error = NULL;

  if (!bp_secret_store_store_finish (BP_SECRET_STORE (object), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  /* The draft now describes the new token; Apply writes it to the file. */
  g_object_freeze_notify (G_OBJECT (draft));
  bp_account_set_secret (draft, BP_SECRET_KIND_REFRESH_TOKEN, bp_salesforce_tokens_get_refresh_token (data->tokens));
  bp_salesforce_account_set_token_issued_at (pending->draft, bp_salesforce_tokens_get_issued_at (data->tokens));
  bp_salesforce_account_set_authorized_user (pending->draft, bp_salesforce_tokens_get_username (data->tokens));
  bp_salesforce_account_set_token_state (pending->draft, BP_TOKEN_STATE_VALID);
  g_object_thaw_notify (G_OBJECT (draft));

  g_task_return_pointer (task, g_object_ref (pending), g_object_unref);
}

static void
old_token_looked_up_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  StoreData *data = g_task_get_task_data (task);
  BpPendingToken *pending = data->pending;
  g_autoptr(GError) error = NULL;

  pending->old_token = bp_secret_store_lookup_finish (BP_SECRET_STORE (object), result, &error);
  if (pending->old_token == NULL && !g_error_matches (error, BP_ERROR, BP_ERROR_SECRET_NOT_FOUND))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Stored before anything else: a token that only lived in memory would be
   * lost with a crash, and Salesforce would keep it alive. */
  bp_secret_store_store_async (pending->secrets, pending->account_id, BP_SECRET_KIND_REFRESH_TOKEN,
                               pending->label, bp_salesforce_tokens_get_refresh_token (data->tokens),
                               NULL, new_token_stored_cb, g_steal_pointer (&task));
}

void
bp_pending_token_store_async (BpSecretStore        *secrets,
                              BpSalesforceAccount  *draft,
                              BpSalesforceTokens   *tokens,
                              GCancellable         *cancellable,
                              GAsyncReadyCallback   callback,
                              gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  StoreData *data;

  g_return_if_fail (BP_IS_SECRET_STORE (secrets));
  g_return_if_fail (BP_IS_SALESFORCE_ACCOUNT (draft));
  g_return_if_fail (BP_IS_SALESFORCE_TOKENS (tokens));
  g_return_if_fail (bp_salesforce_tokens_get_refresh_token (tokens) != NULL);

  data = g_new0 (StoreData, 1);
  data->tokens = g_object_ref (tokens);
  data->pending = g_object_new (BP_TYPE_PENDING_TOKEN, NULL);
  data->pending->secrets = g_object_ref (secrets);
  data->pending->draft = g_object_ref (draft);
  data->pending->account_id = g_strdup (bp_account_get_id (BP_ACCOUNT (draft)));
  data->pending->label = make_label (draft);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, bp_pending_token_store_async);
  g_task_set_task_data (task, data, (GDestroyNotify) store_data_free);

  /* Cancelling would leave a token nobody knows about: run to the end. */
  bp_secret_store_lookup_async (secrets, data->pending->account_id, BP_SECRET_KIND_REFRESH_TOKEN,
                                NULL, old_token_looked_up_cb, g_steal_pointer (&task));
}

BpPendingToken *
bp_pending_token_store_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

const char *
bp_pending_token_get_account_id (BpPendingToken *self)
{
  g_return_val_if_fail (BP_IS_PENDING_TOKEN (self), NULL);

  return self->account_id;
}

void
bp_pending_token_keep (BpPendingToken *self)
{
  g_return_if_fail (BP_IS_PENDING_TOKEN (self));

  self->is_settled = TRUE;
  g_clear_pointer (&self->old_token, bp_secret_free);
}

/* ------------------------------------------------------------------ */
/* Discard                                                             */

typedef struct
{
  GError *revoke_error;
} DiscardData;

static void
discard_data_free (DiscardData *data)
{
  g_clear_error (&data->revoke_error);
  g_free (data);
}

static void
keyring_restored_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BpPendingToken *self = g_task_get_source_object (task);
  GError *error = NULL;
  gboolean ok;

  if (self->old_token != NULL)
    ok = bp_secret_store_store_finish (BP_SECRET_STORE (object), result, &error);
  else
    ok = bp_secret_store_clear_finish (BP_SECRET_STORE (object), result, &error);

  g_clear_pointer (&self->old_token, bp_secret_free);

  if (!ok)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
new_token_revoked_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BpPendingToken *self = g_task_get_source_object (task);
  DiscardData *data = g_task_get_task_data (task);

  bp_token_keeper_revoke_finish (BP_TOKEN_KEEPER (object), result, &data->revoke_error);

  /* The draft forgets the token; the keyring gets back what it had. */
  bp_account_forget_secret (BP_ACCOUNT (self->draft), BP_SECRET_KIND_REFRESH_TOKEN);

  if (self->old_token != NULL)
    bp_secret_store_store_async (self->secrets, self->account_id, BP_SECRET_KIND_REFRESH_TOKEN,
                                 self->label, self->old_token, NULL, keyring_restored_cb, g_steal_pointer (&task));
  else
    bp_secret_store_clear_async (self->secrets, self->account_id, BP_SECRET_KIND_REFRESH_TOKEN,
                                 NULL, keyring_restored_cb, g_steal_pointer (&task));
}

void
bp_pending_token_discard_async (BpPendingToken      *self,
                                BpTokenKeeper       *keeper,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (BP_IS_PENDING_TOKEN (self));
  g_return_if_fail (BP_IS_TOKEN_KEEPER (keeper));
  g_return_if_fail (!self->is_settled);

  self->is_settled = TRUE;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bp_pending_token_discard_async);
  g_task_set_task_data (task, g_new0 (DiscardData, 1), (GDestroyNotify) discard_data_free);

  /* The draft still holds the new token in memory and the values it was
   * issued for, so the revoke goes to the right host with the right token. */
  bp_token_keeper_revoke_async (keeper, self->draft, NULL, new_token_revoked_cb, g_steal_pointer (&task));
}

gboolean
bp_pending_token_discard_finish (BpPendingToken  *self,
                                 GAsyncResult    *result,
                                 GError         **revoke_error,
                                 GError         **error)
{
  DiscardData *data;

  g_return_val_if_fail (BP_IS_PENDING_TOKEN (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  data = g_task_get_task_data (G_TASK (result));
  if (data->revoke_error != NULL)
    g_propagate_error (revoke_error, g_steal_pointer (&data->revoke_error));

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
bp_pending_token_finalize (GObject *object)
{
  BpPendingToken *self = BP_PENDING_TOKEN (object);

  g_clear_object (&self->secrets);
  g_clear_object (&self->draft);
  g_clear_pointer (&self->old_token, bp_secret_free);
  g_free (self->account_id);
  g_free (self->label);

  G_OBJECT_CLASS (bp_pending_token_parent_class)->finalize (object);
}

static void
bp_pending_token_class_init (BpPendingTokenClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = bp_pending_token_finalize;
}

static void
bp_pending_token_init (BpPendingToken *self)
{
}

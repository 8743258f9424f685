/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-window"

#include "config.h"

#include <glib/gi18n.h>

#include "bp-error.h"
#include "bp-limits-dialog.h"
#include "bp-oauth-flow.h"
#include "bp-salesforce-account.h"
#include "bp-salesforce-editor.h"
#include "bp-token-dialog.h"
#include "bp-window-private.h"

/* What the page does only for Salesforce accounts: Request token (the
 * browser flow, then the refresh token into the keyring for the draft),
 * Check limits, and revoking the refresh token when an account is deleted. */

static BpTokenKeeper *
get_keeper (BpWindow *self)
{
  /* Made on first use: the store (and its keyring) is a construct property. */
  if (self->keeper == NULL)
    self->keeper = bp_token_keeper_new (self->client, bp_account_store_get_secret_store (self->store));

  return self->keeper;
}

void
bp_window_salesforce_init (BpWindow *self)
{
  self->client = bp_salesforce_client_new ();
}

void
bp_window_salesforce_dispose (BpWindow *self)
{
  /* A window closed with a pending token already settled it (close asks);
   * what is left here is only dropped. */
  g_clear_object (&self->pending_token);
  g_clear_object (&self->keeper);
  g_clear_object (&self->client);
}

/* ------------------------------------------------------------------ */
/* Request token                                                       */

static void
token_stored_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(BpWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(BpPendingToken) pending = bp_pending_token_store_finish (result, &error);

  if (pending == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("The new refresh token could not be stored: %s"),
                                                  error->message);

      bp_window_show_pane_error (self, message);
      return;
    }

  /* The draft was changed meanwhile (another account shown): give it back. */
  if (self->draft == NULL
      || g_strcmp0 (bp_account_get_id (self->draft), bp_pending_token_get_account_id (pending)) != 0)
    {
      bp_pending_token_discard_async (pending, get_keeper (self), NULL, NULL, NULL);
      return;
    }

  g_set_object (&self->pending_token, pending);
  bp_window_salesforce_update_actions (self);
}

static void
on_tokens_received_cb (BpTokenDialog      *dialog,
                       BpSalesforceTokens *tokens,
                       BpWindow           *self)
{
  if (self->draft == NULL || !BP_IS_SALESFORCE_ACCOUNT (self->draft))
    return;

  /* A second Request token on the same draft replaces the first token:
   * the first is taken back before the new one is stored. */
  if (self->pending_token != NULL)
    bp_window_salesforce_discard_token (self);

  bp_pending_token_store_async (bp_account_store_get_secret_store (self->store),
                                BP_SALESFORCE_ACCOUNT (self->draft), tokens,
                                NULL, token_stored_cb, g_object_ref (self));
}

static guint
get_redirect_port (BpWindow *self)
{
  int configured = self->settings != NULL ? g_settings_get_int (self->settings, "redirect-port") : 0;

  return bp_oauth_flow_resolve_port (configured > 0 ? (guint) configured : 0);
}

static void
on_request_token_cb (BpAccountEditor *editor,
                     BpWindow        *self)
{
  g_autoptr(BpOAuthFlow) flow = NULL;
  g_autoptr(GError) error = NULL;
  BpTokenDialog *dialog;

  if (self->draft == NULL || !BP_IS_SALESFORCE_ACCOUNT (self->draft))
    return;

  bp_window_show_pane_error (self, NULL);

  /* The values in the form: Url, Sandbox, Consumer key and secret. */
  flow = bp_oauth_flow_new_for_account (self->client, BP_SALESFORCE_ACCOUNT (self->draft),
                                        get_redirect_port (self), &error);
  if (flow == NULL)
    {
      bp_window_show_pane_error (self, error->message);
      return;
    }

  if (self->settings != NULL)
    bp_oauth_flow_set_timeout (flow, (guint) g_settings_get_int (self->settings, "auth-timeout-seconds"));

  dialog = bp_token_dialog_new (GTK_WINDOW (self), flow);
  g_signal_connect_object (dialog, "tokens-received", G_CALLBACK (on_tokens_received_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

void
bp_window_salesforce_keep_token (BpWindow *self)
{
  if (self->pending_token == NULL)
    return;

  bp_pending_token_keep (self->pending_token);
  g_clear_object (&self->pending_token);
}

static void
token_discarded_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BpWindow *self = g_task_get_source_object (task);
  g_autoptr(GError) revoke_error = NULL;
  g_autoptr(GError) error = NULL;

  if (!bp_pending_token_discard_finish (BP_PENDING_TOKEN (object), result, &revoke_error, &error))
    {
      g_autofree char *message = g_strdup_printf (_("The keyring could not be put back after the new token was discarded: %s"),
                                                  error->message);

      bp_window_show_error (self, message);
    }
  else if (revoke_error != NULL)
    {
      g_autofree char *message = g_strdup_printf (_("The discarded refresh token could not be revoked at Salesforce: %s"),
                                                  revoke_error->message);

      bp_window_show_error (self, message);
    }

  if (g_application_get_default () != NULL)
    g_application_release (g_application_get_default ());

  g_task_return_boolean (task, TRUE);
}

void
bp_window_salesforce_discard_token_async (BpWindow            *self,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  g_autoptr(BpPendingToken) pending = g_steal_pointer (&self->pending_token);
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);

  g_task_set_source_tag (task, bp_window_salesforce_discard_token_async);

  if (pending == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  /* The revoke must finish even if this was the last window. */
  if (g_application_get_default () != NULL)
    g_application_hold (g_application_get_default ());
  bp_pending_token_discard_async (pending, get_keeper (self), NULL, token_discarded_cb, g_steal_pointer (&task));
}

/* Problems are shown in the window's banner; the caller only waits. */
void
bp_window_salesforce_discard_token_finish (BpWindow     *self,
                                           GAsyncResult *result)
{
  g_task_propagate_boolean (G_TASK (result), NULL);
}

void
bp_window_salesforce_discard_token (BpWindow *self)
{
  bp_window_salesforce_discard_token_async (self, NULL, NULL);
}

/* ------------------------------------------------------------------ */
/* Check limits                                                        */

/* The saved account whose limits can be shown: the token belongs to what
 * was saved, so the draft's unsaved Url or key never receive it. */
static BpSalesforceAccount *
get_account_for_limits (BpWindow *self)
{
  BpAccount *saved;

  if (self->current == NULL || !BP_IS_SALESFORCE_ACCOUNT (self->current))
    return NULL;

  saved = bp_account_store_find_by_id (self->store, bp_account_get_id (self->current));
  if (saved != self->current)
    return NULL;

  return BP_SALESFORCE_ACCOUNT (saved);
}

static void
token_state_saved_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(BpWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!bp_account_store_apply_finish (BP_ACCOUNT_STORE (object), result, &error))
    bp_window_show_error (self, error->message);
}

static void
on_limits_token_rejected_cb (BpLimitsDialog      *dialog,
                             BpSalesforceAccount *account,
                             BpWindow            *self)
{
  g_autoptr(BpAccount) copy = NULL;

  if (bp_account_store_find_by_id (self->store, bp_account_get_id (BP_ACCOUNT (account))) != BP_ACCOUNT (account))
    return;

  /* The dialog says why; the account keeps everything but its token state. */
  copy = bp_account_copy (BP_ACCOUNT (account));
  bp_salesforce_account_set_token_state (BP_SALESFORCE_ACCOUNT (copy), BP_TOKEN_STATE_NEEDS_NEW_TOKEN);
  bp_account_store_apply_async (self->store, copy, NULL, token_state_saved_cb, g_object_ref (self));

  /* The draft follows, so it does not look edited for it. */
  if (self->draft != NULL && self->current == BP_ACCOUNT (account))
    bp_salesforce_account_set_token_state (BP_SALESFORCE_ACCOUNT (self->draft), BP_TOKEN_STATE_NEEDS_NEW_TOKEN);
}

static void
on_check_limits_cb (BpAccountEditor *editor,
                    BpWindow        *self)
{
  BpSalesforceAccount *account = get_account_for_limits (self);
  BpLimitsDialog *dialog;

  if (account == NULL)
    return;

  dialog = bp_limits_dialog_new (GTK_WINDOW (self), account, get_keeper (self));
  g_signal_connect_object (dialog, "token-rejected", G_CALLBACK (on_limits_token_rejected_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ------------------------------------------------------------------ */
/* Delete                                                              */

static void
revoked_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!bp_token_keeper_revoke_finish (BP_TOKEN_KEEPER (object), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
bp_window_salesforce_revoke_async (BpWindow            *self,
                                   BpAccount           *account,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);

  g_task_set_source_tag (task, bp_window_salesforce_revoke_async);

  if (!BP_IS_SALESFORCE_ACCOUNT (account))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  bp_token_keeper_revoke_async (get_keeper (self), BP_SALESFORCE_ACCOUNT (account), NULL,
                                revoked_cb, g_steal_pointer (&task));
}

/* A failed revoke is reported and never stops what comes next. */
void
bp_window_salesforce_revoke_finish (BpWindow     *self,
                                    GAsyncResult *result)
{
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_autofree char *message = g_strdup_printf (_("The refresh token could not be revoked at Salesforce "
                                                    "(the account is deleted all the same): %s"),
                                                  error->message);

      bp_window_show_error (self, message);
    }
}

/* ------------------------------------------------------------------ */
/* The editor                                                          */

void
bp_window_salesforce_update_actions (BpWindow *self)
{
  BpSalesforceAccount *account;
  gboolean can_request;

  if (self->editor == NULL || !BP_IS_SALESFORCE_EDITOR (self->editor))
    return;

  /* Request token needs a Consumer key and a usable Url in the form. */
  can_request = BP_IS_SALESFORCE_ACCOUNT (self->draft)
                && !self->is_applying
                && bp_salesforce_check_can_request_token (BP_SALESFORCE_ACCOUNT (self->draft), NULL);
  bp_salesforce_editor_set_request_token_enabled (BP_SALESFORCE_EDITOR (self->editor), can_request);

  /* Check limits needs a saved account with a usable refresh token. */
  account = get_account_for_limits (self);
  bp_salesforce_editor_set_check_limits_enabled (BP_SALESFORCE_EDITOR (self->editor),
                                                 account != NULL
                                                 && bp_salesforce_account_get_token_state (account) == BP_TOKEN_STATE_VALID);
}

void
bp_window_salesforce_attach_editor (BpWindow        *self,
                                    BpAccountEditor *editor)
{
  if (!BP_IS_SALESFORCE_EDITOR (editor))
    return;

  g_signal_connect_object (editor, "request-token", G_CALLBACK (on_request_token_cb), self, 0);
  g_signal_connect_object (editor, "check-limits", G_CALLBACK (on_check_limits_cb), self, 0);
}

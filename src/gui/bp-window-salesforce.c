/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-window"

#include "config.h"

#include <glib/gi18n.h>

#include "bp-error.h"
#include "bp-oauth-flow.h"
#include "bp-salesforce-account.h"
#include "bp-salesforce-editor.h"
#include "bp-token-dialog.h"
#include "bp-window-private.h"

/* What the page does only for Salesforce accounts: Request token (the
 * browser flow, then the refresh token into the keyring for the draft),
 * and revoking the refresh token when an account is deleted. */

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
  g_autoptr(BpWindow) self = user_data;
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
}

void
bp_window_salesforce_discard_token (BpWindow *self)
{
  g_autoptr(BpPendingToken) pending = g_steal_pointer (&self->pending_token);

  if (pending == NULL)
    return;

  /* The revoke must finish even if this was the last window. */
  if (g_application_get_default () != NULL)
    g_application_hold (g_application_get_default ());
  bp_pending_token_discard_async (pending, get_keeper (self), NULL, token_discarded_cb, g_object_ref (self));
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
  gboolean can_request;

  if (self->editor == NULL || !BP_IS_SALESFORCE_EDITOR (self->editor))
    return;

  /* Request token needs a Consumer key and a usable Url in the form. */
  can_request = BP_IS_SALESFORCE_ACCOUNT (self->draft)
                && !self->is_applying
                && bp_salesforce_check_can_request_token (BP_SALESFORCE_ACCOUNT (self->draft), NULL);
  bp_salesforce_editor_set_request_token_enabled (BP_SALESFORCE_EDITOR (self->editor), can_request);
}

void
bp_window_salesforce_attach_editor (BpWindow        *self,
                                    BpAccountEditor *editor)
{
  if (!BP_IS_SALESFORCE_EDITOR (editor))
    return;

  g_signal_connect_object (editor, "request-token", G_CALLBACK (on_request_token_cb), self, 0);
}

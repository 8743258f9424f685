/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-command"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "bp-command-private.h"
#include "bp-error.h"
#include "bp-limits-report.h"
#include "bp-limits.h"
#include "bp-salesforce-account.h"
#include "bp-token-keeper.h"

/* --check-limits NAME [--json] [--warn-above PERCENT]: what Check limits
 * does (an access token from the refresh token, the API version, the
 * limits), printed most used first. */

typedef struct
{
  GTask               *task;
  BpSalesforceClient  *client;
  BpTokenKeeper       *keeper;
  BpSalesforceAccount *account;
  char                *instance_url;
} Fetch;

static void
fetch_free (Fetch *fetch)
{
  g_clear_object (&fetch->client);
  g_clear_object (&fetch->keeper);
  g_clear_object (&fetch->account);
  g_free (fetch->instance_url);
  g_free (fetch);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Fetch, fetch_free)

/* Network, TLS, timeouts and Salesforce's own errors are 4 (try again or
 * ask Salesforce); everything about the account, its token, its consumer
 * key and secret, or the keyring is 2 (the administrator fixes the account). */
static BpExitStatus
exit_status_for_error (const GError *error)
{
  if (error->domain != BP_ERROR)
    return BP_EXIT_NETWORK;

  switch (error->code)
    {
    case BP_ERROR_NETWORK:
    case BP_ERROR_TLS:
    case BP_ERROR_TIMED_OUT:
    case BP_ERROR_SALESFORCE:
    case BP_ERROR_INVALID_SESSION:
    case BP_ERROR_PERMISSION_DENIED:
      return BP_EXIT_NETWORK;

    default:
      return BP_EXIT_ACCOUNT;
    }
}

static void
fetch_failed (Fetch        *fetch,
              const GError *error)
{
  const char *name = bp_account_get_name (BP_ACCOUNT (fetch->account));
  g_autofree char *message = NULL;

  if (g_error_matches (error, BP_ERROR, BP_ERROR_INVALID_GRANT))
    message = g_strdup_printf (_("The refresh token of “%s” is no longer valid (%s). Open the account in "
                                 "Integration Accounts and press Request token."),
                               name, error->message);
  else
    message = g_strdup_printf (_("The limits of “%s” could not be fetched: %s"), name, error->message);

  bp_command_fail (g_steal_pointer (&fetch->task), exit_status_for_error (error), message);
}

static void
limits_fetched_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(Fetch) fetch = user_data;
  BpCommand *self = g_task_get_source_object (fetch->task);
  BpCommandRun *run = g_task_get_task_data (fetch->task);
  const char *name = bp_account_get_name (BP_ACCOUNT (fetch->account));
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(BpLimits) limits = NULL;
  g_autofree char *api_version = NULL;
  g_autofree char *report = NULL;
  g_autofree char *above = NULL;
  const char *data;
  gsize length;
  guint n_above = 0;

  body = bp_token_keeper_fetch_limits_finish (BP_TOKEN_KEEPER (object), result, &api_version, &error);
  if (body == NULL)
    {
      fetch_failed (fetch, error);
      return;
    }

  data = g_bytes_get_data (body, &length);
  limits = bp_limits_new_from_json (data, length, &error);
  if (limits == NULL)
    {
      fetch_failed (fetch, error);
      return;
    }

  bp_limits_set_instance_url (limits, fetch->instance_url);
  bp_limits_set_api_version (limits, api_version);

  if (self->json)
    report = bp_limits_report_to_json (limits, name, self->warn_above);
  else
    report = bp_limits_report_to_text (limits, name, self->warn_above);
  g_application_command_line_print (run->command_line, "%s", report);

  above = bp_limits_report_list_above (limits, self->warn_above, &n_above);
  if (above != NULL)
    {
      char threshold[G_ASCII_DTOSTR_BUF_SIZE];

      g_ascii_formatd (threshold, sizeof threshold, "%g", self->warn_above);

      g_application_command_line_printerr (run->command_line,
                                           ngettext ("%u limit of “%s” is used above %s %%:\n",
                                                     "%u limits of “%s” are used above %s %%:\n", n_above),
                                           n_above, name, threshold);
      g_application_command_line_printerr (run->command_line, "%s", above);
      bp_command_return (g_steal_pointer (&fetch->task), BP_EXIT_THRESHOLD);
      return;
    }

  bp_command_return (g_steal_pointer (&fetch->task), BP_EXIT_OK);
}

static void
access_token_got_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(Fetch) fetch = user_data;
  g_autoptr(BpSalesforceTokens) tokens = NULL;
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable;
  BpTokenKeeper *keeper;
  BpSalesforceAccount *account;

  tokens = bp_token_keeper_get_access_token_finish (BP_TOKEN_KEEPER (object), result, &error);
  if (tokens == NULL)
    {
      fetch_failed (fetch, error);
      return;
    }

  /* The keeper keeps the access token for the limits request. */
  fetch->instance_url = g_strdup (bp_salesforce_tokens_get_instance_url (tokens));
  cancellable = g_task_get_cancellable (fetch->task);
  keeper = fetch->keeper;
  account = fetch->account;
  bp_token_keeper_fetch_limits_async (keeper, account, cancellable, limits_fetched_cb, g_steal_pointer (&fetch));
}

void
bp_command_check_limits (GTask *task)
{
  BpCommand *self = g_task_get_source_object (task);
  BpCommandRun *run = g_task_get_task_data (task);
  BpAccount *account = bp_account_store_find_by_name (run->store, self->account_name);
  g_autofree char *message = NULL;
  Fetch *fetch;

  if (account == NULL)
    {
      message = g_strdup_printf (_("There is no account named “%s”; --list shows the names."), self->account_name);
      bp_command_fail (task, BP_EXIT_ACCOUNT, message);
      return;
    }

  if (!BP_IS_SALESFORCE_ACCOUNT (account))
    {
      message = g_strdup_printf (_("“%s” is a %s account; only Salesforce.com accounts have org limits."),
                                 bp_account_get_name (account), bp_account_get_type_name (account));
      bp_command_fail (task, BP_EXIT_ACCOUNT, message);
      return;
    }

  switch (bp_salesforce_account_get_token_state (BP_SALESFORCE_ACCOUNT (account)))
    {
    case BP_TOKEN_STATE_NONE:
      message = g_strdup_printf (_("“%s” has no token yet. Open it in Integration Accounts and press "
                                   "Request token."), bp_account_get_name (account));
      bp_command_fail (task, BP_EXIT_ACCOUNT, message);
      return;

    case BP_TOKEN_STATE_NEEDS_NEW_TOKEN:
      message = g_strdup_printf (_("“%s” needs a new token: the last one was refused, or its Url, Sandbox "
                                   "or Consumer key changed. Open it in Integration Accounts and press "
                                   "Request token."), bp_account_get_name (account));
      bp_command_fail (task, BP_EXIT_ACCOUNT, message);
      return;

    case BP_TOKEN_STATE_VALID:
    default:
      break;
    }

  fetch = g_new0 (Fetch, 1);
  fetch->task = task;
  fetch->client = bp_salesforce_client_new ();
  fetch->keeper = bp_token_keeper_new (fetch->client, bp_account_store_get_secret_store (run->store));
  fetch->account = BP_SALESFORCE_ACCOUNT (g_object_ref (account));

  bp_token_keeper_get_access_token_async (fetch->keeper, fetch->account, FALSE, g_task_get_cancellable (task),
                                          access_token_got_cb, fetch);
}

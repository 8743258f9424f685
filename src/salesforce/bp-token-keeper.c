/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-token-keeper"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "bp-error.h"
#include "bp-salesforce-endpoints.h"
#include "bp-token-keeper.h"

struct _BpTokenKeeper
{
  GObject             parent_instance;

  BpSalesforceClient *client;
  BpSecretStore      *secrets;
  GHashTable         *cache;       /* account id → CacheEntry */
  GHashTable         *refreshes;   /* account id → Refresh in flight */
};

G_DEFINE_FINAL_TYPE (BpTokenKeeper, bp_token_keeper, G_TYPE_OBJECT)

/* An access token and what it was issued for. */
typedef struct
{
  BpSalesforceTokens *tokens;      /* without the refresh token */
  char               *login_url;
  char               *consumer_key;
} CacheEntry;

static void
cache_entry_free (gpointer data)
{
  CacheEntry *entry = data;

  g_clear_object (&entry->tokens);
  g_free (entry->login_url);
  g_free (entry->consumer_key);
  g_free (entry);
}

/* What identifies the token an account would get. */
typedef struct
{
  char *account_id;
  char *account_name;
  char *login_url;
  char *consumer_key;
  char *consumer_secret;   /* secret; NULL: not loaded, read it from the keyring */
  char *refresh_token;     /* secret; NULL: read it from the keyring */
} AccountParams;

static void
account_params_free (AccountParams *params)
{
  g_free (params->account_id);
  g_free (params->account_name);
  g_free (params->login_url);
  g_free (params->consumer_key);
  bp_secret_free (params->consumer_secret);
  bp_secret_free (params->refresh_token);
  g_free (params);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AccountParams, account_params_free)

static AccountParams *
account_params_new (BpSalesforceAccount  *account,
                    GError              **error)
{
  /* g_autoptr frees it on every return: scan-build 14 reports a leak at the
   * early ones (see build-aux/analyze). */
  g_autoptr(AccountParams) params = g_new0 (AccountParams, 1);
  BpAccount *base = BP_ACCOUNT (account);
  const char *refresh_token;

  params->login_url = bp_salesforce_get_login_url (bp_salesforce_account_get_url (account),
                                                   bp_salesforce_account_get_sandbox (account), error);
  if (params->login_url == NULL)
    return NULL;

  params->account_id = g_strdup (bp_account_get_id (base));
  params->account_name = g_strdup (bp_account_get_name (base));
  params->consumer_key = g_strstrip (g_strdup (bp_salesforce_account_get_consumer_key (account)));
  if (bp_account_is_secret_known (base, BP_SECRET_KIND_CONSUMER_SECRET))
    params->consumer_secret = g_strstrip (g_strdup (bp_salesforce_account_get_consumer_secret (account)));

  refresh_token = bp_account_get_secret (base, BP_SECRET_KIND_REFRESH_TOKEN);
  if (refresh_token != NULL && *refresh_token != '\0')
    params->refresh_token = g_strdup (refresh_token);

  return g_steal_pointer (&params);
}

/* One refresh in flight for one account, shared by every caller. */
typedef struct
{
  BpTokenKeeper       *keeper;
  BpSalesforceAccount *account;
  AccountParams       *params;
  GList               *waiters;   /* GTask */
  BpSalesforceTokens  *rotated;   /* while its refresh token is being stored */
} Refresh;

static void
refresh_free (Refresh *refresh)
{
  g_assert (refresh->waiters == NULL);

  g_clear_object (&refresh->keeper);
  g_clear_object (&refresh->account);
  g_clear_pointer (&refresh->params, account_params_free);
  g_clear_object (&refresh->rotated);
  g_free (refresh);
}

/* A caller waiting for a refresh, kept as its GTask's data. */
typedef struct
{
  Refresh      *refresh;
  GCancellable *cancellable;
  gulong        cancelled_id;
} Waiter;

static void
waiter_free (gpointer data)
{
  Waiter *waiter = data;

  g_assert (waiter->cancelled_id == 0);
  g_clear_object (&waiter->cancellable);
  g_free (waiter);
}

static void
waiter_disconnect (Waiter *waiter)
{
  if (waiter->cancellable != NULL)
    g_clear_signal_handler (&waiter->cancelled_id, waiter->cancellable);
}

/* Answers every waiter and forgets the refresh; takes tokens and error. */
static void
refresh_complete (Refresh            *refresh,
                  BpSalesforceTokens *tokens,
                  GError             *error)
{
  BpTokenKeeper *self = refresh->keeper;
  GList *waiters;

  /* Exactly one of them. Two assertions rather than one with "!=": gcc
   * -fanalyzer follows these, and otherwise reports error->message below
   * as a NULL dereference. */
  g_assert (tokens != NULL || error != NULL);
  g_assert (tokens == NULL || error == NULL);
  g_assert (g_hash_table_lookup (self->refreshes, refresh->params->account_id) == refresh);

  if (tokens != NULL)
    {
      CacheEntry *entry = g_new0 (CacheEntry, 1);

      entry->tokens = bp_salesforce_tokens_copy_without_refresh_token (tokens);
      entry->login_url = g_strdup (refresh->params->login_url);
      entry->consumer_key = g_strdup (refresh->params->consumer_key);
      g_hash_table_replace (self->cache, g_strdup (refresh->params->account_id), entry);
      g_debug ("a new access token is ready");
    }
  else
    {
      g_debug ("the refresh failed: %s", error->message);
    }

  g_hash_table_remove (self->refreshes, refresh->params->account_id);
  waiters = g_steal_pointer (&refresh->waiters);

  for (GList *l = waiters; l != NULL; l = l->next)
    {
      g_autoptr(GTask) task = l->data;
      Waiter *waiter = g_task_get_task_data (task);

      waiter_disconnect (waiter);
      waiter->refresh = NULL;
      if (tokens != NULL)
        g_task_return_pointer (task, bp_salesforce_tokens_copy_without_refresh_token (tokens),
                               g_object_unref);
      else
        g_task_return_error (task, g_error_copy (error));
    }

  g_list_free (waiters);
  g_clear_object (&tokens);
  g_clear_error (&error);
  refresh_free (refresh);
}

static void
waiter_cancelled_cb (GCancellable *cancellable,
                     gpointer      user_data)
{
  GTask *task = user_data;
  Waiter *waiter = g_task_get_task_data (task);
  Refresh *refresh = waiter->refresh;
  GList *link;

  if (refresh == NULL)
    return;

  /* The refresh itself goes on: a rotated token must reach the keyring. */
  link = g_list_find (refresh->waiters, task);
  g_assert (link != NULL);
  refresh->waiters = g_list_delete_link (refresh->waiters, link);
  waiter->refresh = NULL;
  waiter_disconnect (waiter);

  g_task_return_error_if_cancelled (task);
  g_object_unref (task);
}

static void
rotated_token_stored_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  Refresh *refresh = user_data;
  g_autoptr(BpSalesforceTokens) tokens = NULL;
  g_autoptr(GError) error = NULL;

  tokens = g_steal_pointer (&refresh->rotated);
  if (!bp_secret_store_store_finish (BP_SECRET_STORE (object), result, &error))
    {
      GError *stored_error = NULL;

      g_propagate_prefixed_error (&stored_error, g_steal_pointer (&error),
                                  _("Salesforce replaced the refresh token, but the new one could not "
                                    "be stored, so the account needs a new token: "));
      refresh_complete (refresh, NULL, stored_error);
      return;
    }

  g_debug ("the rotated refresh token is in the keyring");

  /* Keep the in-memory copy in step, so that an Apply never writes back the dead one. */
  if (bp_account_is_secret_known (BP_ACCOUNT (refresh->account), BP_SECRET_KIND_REFRESH_TOKEN))
    bp_account_set_secret (BP_ACCOUNT (refresh->account), BP_SECRET_KIND_REFRESH_TOKEN,
                           bp_salesforce_tokens_get_refresh_token (tokens));

  refresh_complete (refresh, g_steal_pointer (&tokens), NULL);
}

static void
refreshed_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Refresh *refresh = user_data;
  g_autoptr(BpSalesforceTokens) tokens = NULL;
  g_autofree char *label = NULL;
  GError *error = NULL;

  tokens = bp_salesforce_client_refresh_finish (BP_SALESFORCE_CLIENT (object), result, &error);
  if (tokens == NULL)
    {
      refresh_complete (refresh, NULL, error);
      return;
    }

  if (bp_salesforce_tokens_get_refresh_token (tokens) == NULL)
    {
      refresh_complete (refresh, g_steal_pointer (&tokens), NULL);
      return;
    }

  /* Rotation: the old token is dead; the new one goes to the keyring before
   * anyone sees the access token. Not cancellable. */
  g_debug ("Salesforce rotated the refresh token; storing the new one");
  label = g_strdup_printf (_("Refresh token of the integration account “%s”"), refresh->params->account_name);
  refresh->rotated = g_object_ref (tokens);
  bp_secret_store_store_async (refresh->keeper->secrets, refresh->params->account_id,
                               BP_SECRET_KIND_REFRESH_TOKEN, label,
                               bp_salesforce_tokens_get_refresh_token (tokens), NULL,
                               rotated_token_stored_cb, refresh);
}

static void
refresh_send (Refresh *refresh)
{
  AccountParams *params = refresh->params;

  g_debug ("refreshing the access token");
  bp_salesforce_client_refresh_async (refresh->keeper->client, params->login_url, params->consumer_key,
                                      params->consumer_secret, params->refresh_token, NULL,
                                      refreshed_cb, refresh);
}

static void
refresh_token_read_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  Refresh *refresh = user_data;
  GError *error = NULL;

  refresh->params->refresh_token = bp_secret_store_lookup_finish (BP_SECRET_STORE (object), result, &error);
  if (refresh->params->refresh_token == NULL)
    {
      refresh_complete (refresh, NULL, error);
      return;
    }

  refresh_send (refresh);
}

static void
refresh_read_refresh_token (Refresh *refresh)
{
  if (refresh->params->refresh_token != NULL)
    {
      refresh_send (refresh);
      return;
    }

  bp_secret_store_lookup_async (refresh->keeper->secrets, refresh->params->account_id,
                                BP_SECRET_KIND_REFRESH_TOKEN, NULL, refresh_token_read_cb, refresh);
}

static void
consumer_secret_read_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  Refresh *refresh = user_data;
  GError *error = NULL;

  refresh->params->consumer_secret = bp_secret_store_lookup_finish (BP_SECRET_STORE (object), result, &error);
  if (refresh->params->consumer_secret == NULL)
    {
      /* A Connected App without a secret (PKCE only) is fine. */
      if (!g_error_matches (error, BP_ERROR, BP_ERROR_SECRET_NOT_FOUND))
        {
          refresh_complete (refresh, NULL, error);
          return;
        }

      g_clear_error (&error);
      refresh->params->consumer_secret = g_strdup ("");
    }

  refresh_read_refresh_token (refresh);
}

static void
refresh_start (Refresh *refresh)
{
  if (refresh->params->consumer_secret != NULL)
    {
      refresh_read_refresh_token (refresh);
      return;
    }

  bp_secret_store_lookup_async (refresh->keeper->secrets, refresh->params->account_id,
                                BP_SECRET_KIND_CONSUMER_SECRET, NULL, consumer_secret_read_cb, refresh);
}

static gboolean
cache_entry_matches (CacheEntry    *entry,
                     AccountParams *params)
{
  return g_strcmp0 (entry->login_url, params->login_url) == 0
         && g_strcmp0 (entry->consumer_key, params->consumer_key) == 0;
}

void
bp_token_keeper_get_access_token_async (BpTokenKeeper       *self,
                                        BpSalesforceAccount *account,
                                        gboolean             force_refresh,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  /* g_autoptr frees it on every return: scan-build 14 reports a leak at the
   * early ones (see build-aux/analyze). */
  g_autoptr(AccountParams) params = NULL;
  g_autoptr(GError) error = NULL;
  CacheEntry *entry;
  Refresh *refresh;
  Waiter *waiter;

  g_return_if_fail (BP_IS_TOKEN_KEEPER (self));
  g_return_if_fail (BP_IS_SALESFORCE_ACCOUNT (account));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bp_token_keeper_get_access_token_async);

  if (g_task_return_error_if_cancelled (task))
    return;

  params = account_params_new (account, &error);
  if (params == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  entry = g_hash_table_lookup (self->cache, params->account_id);
  if (entry != NULL && (force_refresh || !cache_entry_matches (entry, params)))
    {
      g_hash_table_remove (self->cache, params->account_id);
      entry = NULL;
    }

  if (entry != NULL)
    {
      g_task_return_pointer (task, g_object_ref (entry->tokens), g_object_unref);
      return;
    }

  waiter = g_new0 (Waiter, 1);
  g_task_set_task_data (task, waiter, waiter_free);

  refresh = g_hash_table_lookup (self->refreshes, params->account_id);
  if (refresh == NULL)
    {
      refresh = g_new0 (Refresh, 1);
      refresh->keeper = g_object_ref (self);
      refresh->account = g_object_ref (account);
      refresh->params = g_steal_pointer (&params);
      g_hash_table_insert (self->refreshes, g_strdup (refresh->params->account_id), refresh);
      /* Every step completes in a later main loop iteration. */
      refresh_start (refresh);
    }
  else
    {
      g_debug ("joining the refresh in flight for this account");
    }

  waiter->refresh = refresh;
  refresh->waiters = g_list_append (refresh->waiters, g_object_ref (task));

  if (cancellable != NULL)
    {
      waiter->cancellable = g_object_ref (cancellable);
      waiter->cancelled_id = g_signal_connect (cancellable, "cancelled",
                                               G_CALLBACK (waiter_cancelled_cb), task);
    }
}

BpSalesforceTokens *
bp_token_keeper_get_access_token_finish (BpTokenKeeper  *self,
                                         GAsyncResult   *result,
                                         GError        **error)
{
  g_return_val_if_fail (BP_IS_TOKEN_KEEPER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == bp_token_keeper_get_access_token_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
bp_token_keeper_invalidate (BpTokenKeeper *self,
                            const char    *account_id)
{
  g_return_if_fail (BP_IS_TOKEN_KEEPER (self));
  g_return_if_fail (account_id != NULL);

  if (g_hash_table_remove (self->cache, account_id))
    g_debug ("forgot a cached access token");
}

/* Revoke */

static void
revoked_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!bp_salesforce_client_revoke_finish (BP_SALESFORCE_CLIENT (object), result, &error))
    {
      GError *revoke_error = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }

      g_propagate_prefixed_error (&revoke_error, g_steal_pointer (&error),
                                  _("The refresh token could not be revoked at Salesforce; it stays "
                                    "valid until it expires or an administrator revokes it under "
                                    "Connected Apps OAuth Usage. "));
      g_task_return_error (task, revoke_error);
      return;
    }

  g_debug ("the refresh token is revoked");
  g_task_return_boolean (task, TRUE);
}

static void
revoke_send (GTask *task)
{
  BpTokenKeeper *self = g_task_get_source_object (task);
  AccountParams *params = g_task_get_task_data (task);

  bp_salesforce_client_revoke_async (self->client, params->login_url, params->refresh_token,
                                     g_task_get_cancellable (task), revoked_cb, g_object_ref (task));
}

static void
revoke_token_read_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AccountParams *params = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  params->refresh_token = bp_secret_store_lookup_finish (BP_SECRET_STORE (object), result, &error);
  if (params->refresh_token == NULL)
    {
      if (g_error_matches (error, BP_ERROR, BP_ERROR_SECRET_NOT_FOUND))
        {
          g_debug ("no refresh token to revoke");
          g_task_return_boolean (task, TRUE);
          return;
        }

      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  revoke_send (task);
}

void
bp_token_keeper_revoke_async (BpTokenKeeper       *self,
                              BpSalesforceAccount *account,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  AccountParams *params;

  g_return_if_fail (BP_IS_TOKEN_KEEPER (self));
  g_return_if_fail (BP_IS_SALESFORCE_ACCOUNT (account));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bp_token_keeper_revoke_async);

  bp_token_keeper_invalidate (self, bp_account_get_id (BP_ACCOUNT (account)));

  params = account_params_new (account, &error);
  if (params == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_set_task_data (task, params, (GDestroyNotify) account_params_free);

  if (params->refresh_token != NULL)
    {
      revoke_send (task);
      return;
    }

  bp_secret_store_lookup_async (self->secrets, params->account_id, BP_SECRET_KIND_REFRESH_TOKEN,
                                cancellable, revoke_token_read_cb, g_steal_pointer (&task));
}

gboolean
bp_token_keeper_revoke_finish (BpTokenKeeper  *self,
                               GAsyncResult   *result,
                               GError        **error)
{
  g_return_val_if_fail (BP_IS_TOKEN_KEEPER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == bp_token_keeper_revoke_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Limits */

typedef struct
{
  BpSalesforceAccount *account;
  BpSalesforceTokens  *tokens;
  char                *api_version;
  gboolean             has_retried;
} LimitsFetch;

static void
limits_fetch_free (gpointer data)
{
  LimitsFetch *fetch = data;

  g_clear_object (&fetch->account);
  g_clear_object (&fetch->tokens);
  g_free (fetch->api_version);
  g_free (fetch);
}

static void limits_access_token_cb (GObject *object, GAsyncResult *result, gpointer user_data);

static void
limits_received_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BpTokenKeeper *self = g_task_get_source_object (task);
  LimitsFetch *fetch = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  GBytes *body;

  body = bp_salesforce_client_get_limits_finish (BP_SALESFORCE_CLIENT (object), result, &error);
  if (body != NULL)
    {
      g_task_return_pointer (task, body, (GDestroyNotify) g_bytes_unref);
      return;
    }

  /* The access token expired or was revoked: refresh once and retry (SALESFORCE.md §5). */
  if (g_error_matches (error, BP_ERROR, BP_ERROR_INVALID_SESSION) && !fetch->has_retried)
    {
      g_debug ("limits: the access token was refused; refreshing once");
      fetch->has_retried = TRUE;
      bp_token_keeper_invalidate (self, bp_account_get_id (BP_ACCOUNT (fetch->account)));
      bp_token_keeper_get_access_token_async (self, fetch->account, TRUE, g_task_get_cancellable (task),
                                              limits_access_token_cb, g_object_ref (task));
      return;
    }

  g_task_return_error (task, g_steal_pointer (&error));
}

static void
limits_send (GTask *task)
{
  BpTokenKeeper *self = g_task_get_source_object (task);
  LimitsFetch *fetch = g_task_get_task_data (task);

  bp_salesforce_client_get_limits_async (self->client, bp_salesforce_tokens_get_instance_url (fetch->tokens),
                                         fetch->api_version,
                                         bp_salesforce_tokens_get_access_token (fetch->tokens),
                                         g_task_get_cancellable (task), limits_received_cb,
                                         g_object_ref (task));
}

static void
limits_api_version_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LimitsFetch *fetch = g_task_get_task_data (task);
  GError *error = NULL;

  fetch->api_version = bp_salesforce_client_get_api_version_finish (BP_SALESFORCE_CLIENT (object),
                                                                    result, &error);
  if (fetch->api_version == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  limits_send (task);
}

static void
limits_access_token_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BpTokenKeeper *self = BP_TOKEN_KEEPER (object);
  LimitsFetch *fetch = g_task_get_task_data (task);
  GError *error = NULL;

  g_clear_object (&fetch->tokens);
  fetch->tokens = bp_token_keeper_get_access_token_finish (self, result, &error);
  if (fetch->tokens == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (fetch->api_version != NULL)
    {
      limits_send (task);
      return;
    }

  bp_salesforce_client_get_api_version_async (self->client, bp_salesforce_tokens_get_instance_url (fetch->tokens),
                                              g_task_get_cancellable (task), limits_api_version_cb,
                                              g_object_ref (task));
}

void
bp_token_keeper_fetch_limits_async (BpTokenKeeper       *self,
                                    BpSalesforceAccount *account,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  LimitsFetch *fetch;

  g_return_if_fail (BP_IS_TOKEN_KEEPER (self));
  g_return_if_fail (BP_IS_SALESFORCE_ACCOUNT (account));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bp_token_keeper_fetch_limits_async);

  fetch = g_new0 (LimitsFetch, 1);
  fetch->account = g_object_ref (account);
  g_task_set_task_data (task, fetch, limits_fetch_free);

  bp_token_keeper_get_access_token_async (self, account, FALSE, cancellable, limits_access_token_cb,
                                          g_steal_pointer (&task));
}

GBytes *
bp_token_keeper_fetch_limits_finish (BpTokenKeeper  *self,
                                     GAsyncResult   *result,
                                     char          **api_version,
                                     GError        **error)
{
  GBytes *body;

  g_return_val_if_fail (BP_IS_TOKEN_KEEPER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == bp_token_keeper_fetch_limits_async,
                        NULL);

  body = g_task_propagate_pointer (G_TASK (result), error);
  if (body != NULL && api_version != NULL)
    {
      LimitsFetch *fetch = g_task_get_task_data (G_TASK (result));

      *api_version = g_strdup (fetch->api_version);
    }

  return body;
}

/* GObject */

static void
bp_token_keeper_finalize (GObject *object)
{
  BpTokenKeeper *self = BP_TOKEN_KEEPER (object);

  /* Each refresh holds a reference: none can be in flight here. */
  g_assert (g_hash_table_size (self->refreshes) == 0);

  g_clear_object (&self->client);
  g_clear_object (&self->secrets);
  g_clear_pointer (&self->cache, g_hash_table_unref);
  g_clear_pointer (&self->refreshes, g_hash_table_unref);

  G_OBJECT_CLASS (bp_token_keeper_parent_class)->finalize (object);
}

static void
bp_token_keeper_class_init (BpTokenKeeperClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = bp_token_keeper_finalize;
}

static void
bp_token_keeper_init (BpTokenKeeper *self)
{
  self->cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, cache_entry_free);
  self->refreshes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

BpTokenKeeper *
bp_token_keeper_new (BpSalesforceClient *client,
                     BpSecretStore      *secrets)
{
  BpTokenKeeper *self;

  g_return_val_if_fail (BP_IS_SALESFORCE_CLIENT (client), NULL);
  g_return_val_if_fail (BP_IS_SECRET_STORE (secrets), NULL);

  self = g_object_new (BP_TYPE_TOKEN_KEEPER, NULL);
  self->client = g_object_ref (client);
  self->secrets = g_object_ref (secrets);

  return self;
}

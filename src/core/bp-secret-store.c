/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-secret-store"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "bp-error.h"
#include "bp-keyring.h"
#include "bp-secret-store.h"

/* The calls into libsecret are in the bp-keyring module (src/keyring), which
 * the first call loads: starting the application does not load libsecret and
 * libgcrypt (docs/performance.md). What stays here needs neither: the API,
 * the choice of backend and the deadline of every call. */

struct _BpSecretStore
{
  GObject parent_instance;

  /* libsecret's simple API (the Secret portal in Flatpak) instead of SecretService. */
  gboolean uses_portal;

  /* How long a call may wait for the keyring, in milliseconds; 0: forever. */
  guint timeout_ms;

  /* The module and this store's session in it (the service proxy, once one
   * call has opened it); NULL until the first call. */
  const BpKeyring  *keyring;
  BpKeyringSession *session;
};

G_DEFINE_FINAL_TYPE (BpSecretStore, bp_secret_store, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_TIMEOUT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

void
bp_secret_free (char *secret)
{
  bp_keyring_secret_free (secret);
}

/* Loads the module on the first call, and opens this store's session in it.
 * Without the module every call fails with BP_ERROR_MODULE_MISSING, which
 * names it. */
static const BpKeyring *
get_keyring (BpSecretStore  *self,
             GError        **error)
{
  if (self->keyring == NULL)
    {
      const BpKeyring *keyring = bp_keyring_get (error);

      if (keyring == NULL)
        return NULL;

      self->keyring = keyring;
    }

  /* Again after a dispose, which closed it. */
  if (self->session == NULL)
    self->session = self->keyring->session_new (self->uses_portal);

  return self->keyring;
}

/* Deadline: every call ends within the store's timeout. The backends work on
 * a task of their own with a cancellable of their own; the caller's task is
 * returned when that one ends, or with an error when the time is up, and then
 * the backend's is cancelled and its late result dropped. */

typedef struct
{
  GTask        *task;                /* the caller's; NULL once returned */
  GCancellable *cancellable;         /* the backend's */
  GCancellable *caller_cancellable;
  gulong        cancelled_id;
  GSource      *deadline;
  gboolean      returns_secret;
} Call;

static void
call_free (Call *call)
{
  if (call->cancelled_id != 0)
    g_cancellable_disconnect (call->caller_cancellable, call->cancelled_id);
  g_clear_object (&call->caller_cancellable);
  g_clear_object (&call->cancellable);
  if (call->deadline != NULL)
    g_source_destroy (call->deadline);
  g_clear_pointer (&call->deadline, g_source_unref);
  g_clear_object (&call->task);
  g_free (call);
}

static void
caller_cancelled_cb (GCancellable *caller_cancellable,
                     GCancellable *cancellable)
{
  g_cancellable_cancel (cancellable);
}

static gboolean
deadline_passed_cb (gpointer user_data)
{
  Call *call = user_data;
  BpSecretStore *self = g_task_get_source_object (call->task);
  guint seconds = (self->timeout_ms + 999) / 1000;

  /* Someone is answering an unlock prompt: that is the keyring working. */
  if (self->keyring->is_prompting ())
    return G_SOURCE_CONTINUE;

  g_debug ("A keyring call took longer than %u ms: giving up on it", self->timeout_ms);
  self->keyring->session_forget_service (self->session);
  g_task_return_new_error (call->task, BP_ERROR, BP_ERROR_KEYRING_FAILED,
                           g_dngettext (GETTEXT_PACKAGE,
                                        "The keyring service did not answer within %u second. Check that "
                                        "it is running and not waiting for input, then try again.",
                                        "The keyring service did not answer within %u seconds. Check that "
                                        "it is running and not waiting for input, then try again.",
                                        seconds),
                           seconds);
  g_clear_object (&call->task);
  g_cancellable_cancel (call->cancellable);

  g_clear_pointer (&call->deadline, g_source_unref);
  return G_SOURCE_REMOVE;
}

static void
call_finished_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Call *call = user_data;
  g_autoptr(GError) error = NULL;

  if (call->returns_secret)
    {
      char *secret = g_task_propagate_pointer (G_TASK (result), &error);

      if (call->task == NULL)
        bp_secret_free (secret);
      else if (secret != NULL)
        g_task_return_pointer (call->task, secret, (GDestroyNotify) bp_secret_free);
      else
        g_task_return_error (call->task, g_steal_pointer (&error));
    }
  else
    {
      gboolean ok = g_task_propagate_boolean (G_TASK (result), &error);

      if (call->task == NULL)
        ;
      else if (ok)
        g_task_return_boolean (call->task, TRUE);
      else
        g_task_return_error (call->task, g_steal_pointer (&error));
    }

  call_free (call);
}

/* Takes @task (the caller's); returns the task the backend works on. */
static GTask *
start_call (BpSecretStore *self,
            GTask         *task,
            gboolean       returns_secret)
{
  GCancellable *caller_cancellable = g_task_get_cancellable (task);
  Call *call = g_new0 (Call, 1);
  GTask *backend_task;

  call->task = task;
  call->returns_secret = returns_secret;
  call->cancellable = g_cancellable_new ();

  if (caller_cancellable != NULL)
    {
      call->caller_cancellable = g_object_ref (caller_cancellable);
      call->cancelled_id = g_cancellable_connect (caller_cancellable, G_CALLBACK (caller_cancelled_cb),
                                                  g_object_ref (call->cancellable), g_object_unref);
    }

  if (self->timeout_ms > 0)
    {
      call->deadline = g_timeout_source_new (self->timeout_ms);
      g_source_set_callback (call->deadline, deadline_passed_cb, call, NULL);
      g_source_set_static_name (call->deadline, "[bp] keyring deadline");
      g_source_attach (call->deadline, g_task_get_context (task));
    }

  backend_task = g_task_new (self, call->cancellable, call_finished_cb, call);
  g_task_set_source_tag (backend_task, g_task_get_source_tag (task));
  return backend_task;
}

/**
 * bp_secret_store_lookup_async:
 * @self: a #BpSecretStore
 * @account_id: the account's id
 * @kind: the kind of secret ("consumer-secret", "refresh-token")
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the secret has been read
 * @user_data: data for @callback
 *
 * Reads the secret of @kind for the account @account_id. Never prompts: a
 * locked keyring is reported as %BP_ERROR_KEYRING_LOCKED.
 */
void
bp_secret_store_lookup_async (BpSecretStore       *self,
                              const char          *account_id,
                              const char          *kind,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  const BpKeyring *keyring;
  GError *error = NULL;

  g_return_if_fail (BP_IS_SECRET_STORE (self));
  g_return_if_fail (account_id != NULL && *account_id != '\0');
  g_return_if_fail (kind != NULL && *kind != '\0');
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bp_secret_store_lookup_async);

  keyring = get_keyring (self, &error);
  if (keyring == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  task = start_call (self, task, TRUE);
  keyring->lookup (self->session, g_steal_pointer (&task), account_id, kind);
}

/**
 * bp_secret_store_lookup_finish:
 * @self: a #BpSecretStore
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the secret, to be freed with bp_secret_free(),
 *   or %NULL with @error set (%BP_ERROR_SECRET_NOT_FOUND when there is none)
 */
char *
bp_secret_store_lookup_finish (BpSecretStore  *self,
                               GAsyncResult   *result,
                               GError        **error)
{
  g_return_val_if_fail (BP_IS_SECRET_STORE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == bp_secret_store_lookup_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * bp_secret_store_store_async:
 * @self: a #BpSecretStore
 * @account_id: the account's id
 * @kind: the kind of secret ("consumer-secret", "refresh-token")
 * @label: the item's label, shown by keyring managers
 * @secret: the secret (UTF-8 text)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the secret has been stored
 * @user_data: data for @callback
 *
 * Stores @secret in the default collection, replacing the item with the same
 * account and kind. When the collection is locked the keyring may prompt the
 * user to unlock it; a dismissed or failed prompt is %BP_ERROR_KEYRING_LOCKED.
 * The secret is copied into memory that libsecret wipes when it is done.
 */
void
bp_secret_store_store_async (BpSecretStore       *self,
                             const char          *account_id,
                             const char          *kind,
                             const char          *label,
                             const char          *secret,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  const BpKeyring *keyring;
  GError *error = NULL;

  g_return_if_fail (BP_IS_SECRET_STORE (self));
  g_return_if_fail (account_id != NULL && *account_id != '\0');
  g_return_if_fail (kind != NULL && *kind != '\0');
  g_return_if_fail (label != NULL);
  g_return_if_fail (secret != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bp_secret_store_store_async);

  keyring = get_keyring (self, &error);
  if (keyring == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  task = start_call (self, task, FALSE);
  keyring->store (self->session, g_steal_pointer (&task), account_id, kind, label, secret);
}

gboolean
bp_secret_store_store_finish (BpSecretStore  *self,
                              GAsyncResult   *result,
                              GError        **error)
{
  g_return_val_if_fail (BP_IS_SECRET_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == bp_secret_store_store_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * bp_secret_store_clear_async:
 * @self: a #BpSecretStore
 * @account_id: the account's id
 * @kind: (nullable): the kind of secret, or %NULL for every kind
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the items are gone
 * @user_data: data for @callback
 *
 * Deletes the account's item of @kind, or all its items, in every collection.
 * Clearing what is not there succeeds. Locked items are unlocked first (the
 * keyring may prompt); if that fails nothing is deleted and the error is
 * %BP_ERROR_KEYRING_LOCKED.
 */
void
bp_secret_store_clear_async (BpSecretStore       *self,
                             const char          *account_id,
                             const char          *kind,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  const BpKeyring *keyring;
  GError *error = NULL;

  g_return_if_fail (BP_IS_SECRET_STORE (self));
  g_return_if_fail (account_id != NULL && *account_id != '\0');
  g_return_if_fail (kind == NULL || *kind != '\0');
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bp_secret_store_clear_async);

  keyring = get_keyring (self, &error);
  if (keyring == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  task = start_call (self, task, FALSE);
  keyring->clear (self->session, g_steal_pointer (&task), account_id, kind);
}

gboolean
bp_secret_store_clear_finish (BpSecretStore  *self,
                              GAsyncResult   *result,
                              GError        **error)
{
  g_return_val_if_fail (BP_IS_SECRET_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == bp_secret_store_clear_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Object */

/* Inside Flatpak the Secret Service is out of reach (no talk-name for
 * org.freedesktop.secrets), so the simple API and its Secret portal are the
 * way; outside, SecretService tells a locked keyring from a missing secret.
 * BP_SECRET_BACKEND=portal or =service overrides the choice. */
static gboolean
should_use_portal (void)
{
  const char *forced = g_getenv ("BP_SECRET_BACKEND");

  if (g_strcmp0 (forced, "portal") == 0)
    return TRUE;
  if (g_strcmp0 (forced, "service") == 0)
    return FALSE;
  if (forced != NULL && *forced != '\0')
    g_warning ("BP_SECRET_BACKEND=%s is neither \"portal\" nor \"service\"; ignored", forced);

  return g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS);
}

static void
bp_secret_store_dispose (GObject *object)
{
  BpSecretStore *self = BP_SECRET_STORE (object);

  /* No call is under way: each one's task holds the store. */
  if (self->session != NULL)
    g_clear_pointer (&self->session, self->keyring->session_free);

  G_OBJECT_CLASS (bp_secret_store_parent_class)->dispose (object);
}

static void
bp_secret_store_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  BpSecretStore *self = BP_SECRET_STORE (object);

  switch (prop_id)
    {
    case PROP_TIMEOUT:
      g_value_set_uint (value, self->timeout_ms);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bp_secret_store_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  BpSecretStore *self = BP_SECRET_STORE (object);

  switch (prop_id)
    {
    case PROP_TIMEOUT:
      bp_secret_store_set_timeout (self, g_value_get_uint (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bp_secret_store_class_init (BpSecretStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = bp_secret_store_dispose;
  object_class->get_property = bp_secret_store_get_property;
  object_class->set_property = bp_secret_store_set_property;

  /**
   * BpSecretStore:timeout:
   *
   * How long one call (lookup, store, clear) may wait for the keyring, in
   * milliseconds, not counting the time an unlock prompt is open; then it
   * fails with %BP_ERROR_KEYRING_FAILED. 0 waits for ever.
   */
  properties[PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", NULL, NULL,
                       0, G_MAXUINT, BP_SECRET_STORE_DEFAULT_TIMEOUT_MS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
bp_secret_store_init (BpSecretStore *self)
{
  self->timeout_ms = BP_SECRET_STORE_DEFAULT_TIMEOUT_MS;
  self->uses_portal = should_use_portal ();
  g_debug ("Secrets go through %s",
           self->uses_portal ? "libsecret's simple API (the Secret portal in a sandbox)"
                             : "the Secret Service");
}

BpSecretStore *
bp_secret_store_new (void)
{
  return g_object_new (BP_TYPE_SECRET_STORE, NULL);
}

guint
bp_secret_store_get_timeout (BpSecretStore *self)
{
  g_return_val_if_fail (BP_IS_SECRET_STORE (self), 0);

  return self->timeout_ms;
}

/* Calls already under way keep the deadline they started with. */
void
bp_secret_store_set_timeout (BpSecretStore *self,
                             guint          timeout_ms)
{
  g_return_if_fail (BP_IS_SECRET_STORE (self));

  if (self->timeout_ms == timeout_ms)
    return;

  self->timeout_ms = timeout_ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT]);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-secret-store"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>
#include <string.h>

#include "bp-error.h"
#include "bp-secret-store-private.h"

#define ATTRIBUTE_ACCOUNT_ID "account-id"
#define ATTRIBUTE_KIND       "kind"

#define KIND_CONSUMER_SECRET "consumer-secret"
#define KIND_REFRESH_TOKEN   "refresh-token"

struct _BpSecretStore
{
  GObject parent_instance;

  /* libsecret's simple API (the Secret portal in Flatpak) instead of SecretService. */
  gboolean uses_portal;

  /* How long a call may wait for the keyring, in milliseconds; 0: forever. */
  guint timeout_ms;

  /* The service proxy with its session open, once one call has made it. */
  SecretService *service;
};

G_DEFINE_FINAL_TYPE (BpSecretStore, bp_secret_store, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_TIMEOUT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* A SecretService that counts the unlock prompts it has open. A keyring that
 * does not answer must not freeze an Apply for long, but a person typing the
 * keyring password may take their time: the deadline of a call waits while a
 * prompt is open (see deadline_passed_cb()). Only the main thread prompts. */

#define BP_TYPE_KEYRING_SERVICE (bp_keyring_service_get_type ())

G_DECLARE_FINAL_TYPE (BpKeyringService, bp_keyring_service, BP, KEYRING_SERVICE, SecretService)

struct _BpKeyringService
{
  SecretService parent_instance;
};

G_DEFINE_FINAL_TYPE (BpKeyringService, bp_keyring_service, SECRET_TYPE_SERVICE)

static guint n_open_prompts;

static void
keyring_prompt_done_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SecretServiceClass *parent_class = SECRET_SERVICE_CLASS (bp_keyring_service_parent_class);
  GError *error = NULL;
  GVariant *retval;

  g_assert (n_open_prompts > 0);
  n_open_prompts--;

  /* NULL without an error: the prompt was dismissed. */
  retval = parent_class->prompt_finish (SECRET_SERVICE (object), result, &error);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, retval, retval != NULL ? (GDestroyNotify) g_variant_unref : NULL);
}

static void
bp_keyring_service_prompt_async (SecretService      *service,
                                 SecretPrompt       *prompt,
                                 const GVariantType *return_type,
                                 GCancellable       *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer            user_data)
{
  SecretServiceClass *parent_class = SECRET_SERVICE_CLASS (bp_keyring_service_parent_class);
  GTask *task = g_task_new (service, cancellable, callback, user_data);

  g_task_set_source_tag (task, bp_keyring_service_prompt_async);
  n_open_prompts++;
  parent_class->prompt_async (service, prompt, return_type, cancellable, keyring_prompt_done_cb, task);
}

static GVariant *
bp_keyring_service_prompt_finish (SecretService  *service,
                                  GAsyncResult   *result,
                                  GError        **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
bp_keyring_service_class_init (BpKeyringServiceClass *klass)
{
  SecretServiceClass *service_class = SECRET_SERVICE_CLASS (klass);

  service_class->prompt_async = bp_keyring_service_prompt_async;
  service_class->prompt_finish = bp_keyring_service_prompt_finish;
}

static void
bp_keyring_service_init (BpKeyringService *self)
{
}

/* Items are written with the schema name ("xdg:schema"), and only the items
 * this application wrote carry it. Searches do not ask the keyring to match
 * it, though (see search_items()). */
static const SecretSchema secret_schema = {
  "com.brightpattern.IntegrationAccounts.Secret",
  SECRET_SCHEMA_NONE,
  {
    { ATTRIBUTE_ACCOUNT_ID, SECRET_SCHEMA_ATTRIBUTE_STRING },
    { ATTRIBUTE_KIND, SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  },
};

const SecretSchema *
bp_secret_store_get_schema (void)
{
  return &secret_schema;
}

/* One lookup, store or clear, kept as the GTask's data. */
typedef struct
{
  char          *account_id;
  char          *kind;        /* NULL: every kind (clear only) */
  char          *label;       /* store only */
  SecretValue   *value;       /* store only; in libsecret's non-pageable memory, wiped on unref */
  SecretService *service;
  GList         *items;       /* clear: the items still to delete */
  gboolean       has_tried_unlock;
  void         (*with_service) (GTask *task);
} Operation;

static void
operation_free (gpointer data)
{
  Operation *op = data;

  g_free (op->account_id);
  g_free (op->kind);
  g_free (op->label);
  g_clear_pointer (&op->value, secret_value_unref);
  g_clear_object (&op->service);
  g_list_free_full (op->items, g_object_unref);
  g_free (op);
}

static Operation *
operation_new (const char *account_id,
               const char *kind)
{
  Operation *op = g_new0 (Operation, 1);

  op->account_id = g_strdup (account_id);
  op->kind = g_strdup (kind);
  return op;
}

/* The table borrows the operation's strings. */
static GHashTable *
operation_build_attributes (Operation *op)
{
  GHashTable *attributes = g_hash_table_new (g_str_hash, g_str_equal);

  g_hash_table_insert (attributes, (gpointer) ATTRIBUTE_ACCOUNT_ID, op->account_id);
  if (op->kind != NULL)
    g_hash_table_insert (attributes, (gpointer) ATTRIBUTE_KIND, op->kind);

  return attributes;
}

/* Searches the account's items (of op->kind, or all) in every collection,
 * locked ones included, without prompting. The schema name is left out of
 * the query: gnome-keyring matches a keyring it read from disk while locked
 * (any keyring but the login one, after logging in) on hashed attributes
 * only, and these do not include the schema name, so a query with it
 * misses every locked item there. Whether a keyring is in that state
 * depends on when gnome-keyring last re-read its file; matching on the
 * account's random id alone finds the items either way, and
 * filter_our_items() drops those another application wrote. */
static void
search_items (GTask               *task,
              GAsyncReadyCallback  callback)
{
  Operation *op = g_task_get_task_data (task);
  g_autoptr(GHashTable) attributes = operation_build_attributes (op);

  secret_service_search (op->service, NULL, attributes, SECRET_SEARCH_ALL,
                         g_task_get_cancellable (task), callback, task);
}

/* Takes @items, returns those that are ours. An unlocked item shows its
 * attributes and must carry our schema name. A locked item matched on the
 * account id may be ours though its attributes do not say (see
 * search_items()): it is kept, and so reported as locked or unlocked first,
 * never read or deleted before its attributes can be checked. */
static GList *
filter_our_items (GList *items)
{
  GList *l = items;

  while (l != NULL)
    {
      GList *next = l->next;
      SecretItem *item = l->data;
      g_autoptr(GHashTable) attributes = secret_item_get_attributes (item);
      const char *schema_name = attributes != NULL ? g_hash_table_lookup (attributes, "xdg:schema")
                                                   : NULL;

      if (!secret_item_get_locked (item) && g_strcmp0 (schema_name, secret_schema.name) != 0)
        {
          items = g_list_delete_link (items, l);
          g_object_unref (item);
        }

      l = next;
    }

  return items;
}

static void
wipe_memory (char  *data,
             gsize  length)
{
  volatile char *p = (volatile char *) data;

  /* Through a volatile pointer, so the compiler cannot drop the stores. */
  while (length-- > 0)
    *p++ = '\0';
}

void
bp_secret_free (char *secret)
{
  if (secret == NULL)
    return;

  wipe_memory (secret, strlen (secret));
  g_free (secret);
}

/* Errors */

gboolean
bp_secret_store_is_service_missing (const GError *error)
{
  if (error->domain != G_DBUS_ERROR)
    return FALSE;

  switch (error->code)
    {
    /* Nobody owns org.freedesktop.secrets and nothing can be activated. */
    case G_DBUS_ERROR_SERVICE_UNKNOWN:
    case G_DBUS_ERROR_NAME_HAS_NO_OWNER:
    /* An activatable service failed to start. */
    case G_DBUS_ERROR_SPAWN_EXEC_FAILED:
    case G_DBUS_ERROR_SPAWN_FORK_FAILED:
    case G_DBUS_ERROR_SPAWN_CHILD_EXITED:
    case G_DBUS_ERROR_SPAWN_CHILD_SIGNALED:
    case G_DBUS_ERROR_SPAWN_FAILED:
    case G_DBUS_ERROR_SPAWN_SETUP_FAILED:
    case G_DBUS_ERROR_SPAWN_CONFIG_INVALID:
    case G_DBUS_ERROR_SPAWN_SERVICE_INVALID:
    case G_DBUS_ERROR_SPAWN_SERVICE_NOT_FOUND:
    case G_DBUS_ERROR_SPAWN_PERMISSIONS_INVALID:
    case G_DBUS_ERROR_SPAWN_FILE_INVALID:
    case G_DBUS_ERROR_SPAWN_NO_MEMORY:
    /* No session bus to ask. */
    case G_DBUS_ERROR_NO_SERVER:
    case G_DBUS_ERROR_BAD_ADDRESS:
    case G_DBUS_ERROR_DISCONNECTED:
      return TRUE;

    default:
      return FALSE;
    }
}

gboolean
bp_secret_store_is_timeout (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT) ||
         g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_TIMEOUT) ||
         g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_TIMED_OUT) ||
         g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NO_REPLY);
}

GError *
bp_secret_store_new_locked_error (void)
{
  return g_error_new_literal (BP_ERROR, BP_ERROR_KEYRING_LOCKED,
                              _("The keyring is locked. Unlock it (for example by logging in "
                                "again) and try again."));
}

static GError *
new_no_service_error (void)
{
  return g_error_new_literal (BP_ERROR, BP_ERROR_NO_SECRET_SERVICE,
                              _("No keyring service is running (gnome-keyring or KeePassXC with "
                                "Secret Service). Start one, or log in to a desktop session that "
                                "provides it, and try again."));
}

GError *
bp_secret_store_new_not_found_error (const char *kind)
{
  const char *message;

  if (g_strcmp0 (kind, KIND_CONSUMER_SECRET) == 0)
    message = _("The keyring holds no consumer secret for this account. Enter the consumer "
                "secret again and apply.");
  else if (g_strcmp0 (kind, KIND_REFRESH_TOKEN) == 0)
    message = _("The keyring holds no refresh token for this account. Request a new token.");
  else
    message = _("The keyring holds no such secret for this account.");

  return g_error_new_literal (BP_ERROR, BP_ERROR_SECRET_NOT_FOUND, message);
}

/* Maps a libsecret, GDBus or GIO error into BP_ERROR. @connecting is TRUE for
 * errors met while reaching the service (the bus, activation, OpenSession).
 * Cancellation stays G_IO_ERROR_CANCELLED, which callers ignore. The keyring's
 * own messages never carry the secret: only names, paths and reasons. */
static GError *
map_error (const GError *error,
           gboolean      connecting)
{
  g_autoptr(GError) stripped = NULL;

  g_assert (error != NULL);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (error);

  if (g_error_matches (error, SECRET_ERROR, SECRET_ERROR_IS_LOCKED))
    return bp_secret_store_new_locked_error ();

  if (bp_secret_store_is_service_missing (error))
    return new_no_service_error ();

  if (bp_secret_store_is_timeout (error))
    return g_error_new_literal (BP_ERROR, BP_ERROR_KEYRING_FAILED,
                                _("The keyring service did not answer in time. Check that it is "
                                  "running and not waiting for input, then try again."));

  if (g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED))
    return g_error_new_literal (BP_ERROR, BP_ERROR_KEYRING_FAILED,
                                _("The keyring service refused access. If the application runs "
                                  "in a sandbox, allow it to talk to org.freedesktop.secrets."));

  /* Without a session bus GDBus fails with a plain GIO error. */
  if (connecting && error->domain == G_IO_ERROR)
    return new_no_service_error ();

  stripped = g_error_copy (error);
  if (g_dbus_error_is_remote_error (stripped))
    g_dbus_error_strip_remote_error (stripped);

  if (connecting)
    return g_error_new (BP_ERROR, BP_ERROR_NO_SECRET_SERVICE,
                        _("Could not connect to the keyring service. Check that gnome-keyring or "
                          "KeePassXC with Secret Service is running, then try again. (%s)"),
                        stripped->message);

  return g_error_new (BP_ERROR, BP_ERROR_KEYRING_FAILED,
                      _("The keyring reported an error: %s"), stripped->message);
}

static void
return_mapped_error (GTask        *task,
                     const GError *error,
                     gboolean      connecting)
{
  GError *mapped = map_error (error, connecting);

  /* The service may have gone or been restarted: the next call opens a new
   * session rather than reuse one the new service does not know. */
  if (g_error_matches (mapped, BP_ERROR, BP_ERROR_NO_SECRET_SERVICE) ||
      g_error_matches (mapped, BP_ERROR, BP_ERROR_KEYRING_FAILED))
    g_clear_object (&BP_SECRET_STORE (g_task_get_source_object (task))->service);

  g_task_return_error (task, mapped);
}

static void
service_opened_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  BpSecretStore *self = g_task_get_source_object (task);
  Operation *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  op->service = secret_service_open_finish (result, &error);
  if (op->service == NULL)
    {
      return_mapped_error (task, error, TRUE);
      g_object_unref (task);
      return;
    }

  if (self->service == NULL)
    self->service = g_object_ref (op->service);

  op->with_service (task);
}

/* Every operation starts with the service proxy and a session open. The
 * first one makes them (one D-Bus round trip, so a missing service fails
 * here); later ones reuse them. Then @with_service runs, taking @task. */
static void
get_service (GTask  *task,
             void  (*with_service) (GTask *task))
{
  BpSecretStore *self = g_task_get_source_object (task);
  Operation *op = g_task_get_task_data (task);

  if (self->service != NULL)
    {
      op->service = g_object_ref (self->service);
      with_service (task);
      return;
    }

  op->with_service = with_service;
  secret_service_open (BP_TYPE_KEYRING_SERVICE, NULL, SECRET_SERVICE_OPEN_SESSION,
                       g_task_get_cancellable (task), service_opened_cb, task);
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
  if (n_open_prompts > 0)
    return G_SOURCE_CONTINUE;

  g_debug ("A keyring call took longer than %u ms: giving up on it", self->timeout_ms);
  g_clear_object (&self->service);
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

/* Lookup */

static void
lookup_secret_loaded_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SecretItem *item = SECRET_ITEM (object);
  g_autoptr(GError) error = NULL;
  SecretValue *value;
  const char *text;
  char *secret;

  if (!secret_item_load_secret_finish (item, result, &error))
    {
      return_mapped_error (task, error, FALSE);
      return;
    }

  value = secret_item_get_secret (item);
  if (value == NULL)
    {
      /* Locked again between the search and the read. */
      g_task_return_error (task, bp_secret_store_new_locked_error ());
      return;
    }

  text = secret_value_get_text (value);
  if (text == NULL)
    {
      secret_value_unref (value);
      g_task_return_new_error (task, BP_ERROR, BP_ERROR_KEYRING_FAILED,
                               _("The keyring item of this account does not hold text. Remove "
                                 "it with a keyring manager (Passwords and Keys) and store the "
                                 "secret again."));
      return;
    }

  secret = g_strdup (text);
  secret_value_unref (value);
  g_task_return_pointer (task, secret, (GDestroyNotify) bp_secret_free);
}

static void
lookup_default_collection_cb (GObject      *object,
                              GAsyncResult *result,
                              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Operation *op = g_task_get_task_data (task);
  g_autoptr(SecretCollection) collection = NULL;
  g_autoptr(GError) error = NULL;

  collection = secret_collection_for_alias_finish (result, &error);
  if (error != NULL)
    {
      return_mapped_error (task, error, FALSE);
      return;
    }

  /* A locked collection may hide its items from a search (KeePassXC does):
   * "not there" cannot be told before it is unlocked. */
  if (collection != NULL && secret_collection_get_locked (collection))
    g_task_return_error (task, bp_secret_store_new_locked_error ());
  else
    g_task_return_error (task, bp_secret_store_new_not_found_error (op->kind));
}

static void
lookup_searched_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Operation *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  SecretItem *newest = NULL;
  gboolean has_locked = FALSE;
  GList *items;

  items = secret_service_search_finish (op->service, result, &error);
  if (error != NULL)
    {
      return_mapped_error (task, error, FALSE);
      return;
    }
  items = filter_our_items (items);

  /* Several unlocked matches only happen when another collection holds a
   * stale copy: the one stored last is the one that counts. */
  for (GList *l = items; l != NULL; l = l->next)
    {
      SecretItem *item = l->data;

      if (secret_item_get_locked (item))
        has_locked = TRUE;
      else if (newest == NULL ||
               secret_item_get_modified (item) > secret_item_get_modified (newest))
        newest = item;
    }

  if (newest != NULL)
    {
      /* No prompt here: a locked item is reported, not unlocked. */
      secret_item_load_secret (newest, g_task_get_cancellable (task),
                               lookup_secret_loaded_cb, g_object_ref (task));
    }
  else if (has_locked)
    {
      g_task_return_error (task, bp_secret_store_new_locked_error ());
    }
  else
    {
      secret_collection_for_alias (op->service, SECRET_COLLECTION_DEFAULT,
                                   SECRET_COLLECTION_NONE, g_task_get_cancellable (task),
                                   lookup_default_collection_cb, g_object_ref (task));
    }

  g_list_free_full (items, g_object_unref);
}

static void
lookup_with_service (GTask *task_in)
{
  g_autoptr(GTask) task = task_in;

  search_items (g_steal_pointer (&task), lookup_searched_cb);
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

  g_return_if_fail (BP_IS_SECRET_STORE (self));
  g_return_if_fail (account_id != NULL && *account_id != '\0');
  g_return_if_fail (kind != NULL && *kind != '\0');
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bp_secret_store_lookup_async);
  task = start_call (self, task, TRUE);

  if (self->uses_portal)
    {
      bp_secret_store_portal_lookup (g_steal_pointer (&task), account_id, kind);
      return;
    }

  g_task_set_task_data (task, operation_new (account_id, kind), operation_free);

  get_service (g_steal_pointer (&task), lookup_with_service);
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

/* Store */

static void
store_stored_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Operation *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  /* A dismissed or failed unlock prompt ends here as SECRET_ERROR_IS_LOCKED. */
  if (!secret_service_store_finish (op->service, result, &error))
    {
      return_mapped_error (task, error, FALSE);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
store_with_service (GTask *task_in)
{
  g_autoptr(GTask) task = task_in;
  Operation *op = g_task_get_task_data (task);
  g_autoptr(GHashTable) attributes = NULL;

  /* Replaces the item with the same attributes in the default collection.
   * If that collection is locked, the service asks the user to unlock it. */
  attributes = operation_build_attributes (op);
  secret_service_store (op->service, &secret_schema, attributes, SECRET_COLLECTION_DEFAULT,
                        op->label, op->value, g_task_get_cancellable (task),
                        store_stored_cb, g_object_ref (task));
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
  Operation *op;

  g_return_if_fail (BP_IS_SECRET_STORE (self));
  g_return_if_fail (account_id != NULL && *account_id != '\0');
  g_return_if_fail (kind != NULL && *kind != '\0');
  g_return_if_fail (label != NULL);
  g_return_if_fail (secret != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  op = operation_new (account_id, kind);
  op->label = g_strdup (label);
  op->value = secret_value_new (secret, -1, "text/plain");

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bp_secret_store_store_async);
  task = start_call (self, task, FALSE);
  g_task_set_task_data (task, op, operation_free);

  if (self->uses_portal)
    {
      bp_secret_store_portal_store (g_steal_pointer (&task), account_id, kind, label, op->value);
      return;
    }

  get_service (g_steal_pointer (&task), store_with_service);
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

/* Clear */

static void clear_delete_next (GTask *task);

static void
clear_item_deleted_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  /* An item someone else removed meanwhile is as good as deleted. */
  if (!secret_item_delete_finish (SECRET_ITEM (object), result, &error) &&
      !g_error_matches (error, SECRET_ERROR, SECRET_ERROR_NO_SUCH_OBJECT))
    {
      return_mapped_error (task, error, FALSE);
      return;
    }

  clear_delete_next (g_steal_pointer (&task));
}

static void
clear_delete_next (GTask *task)
{
  Operation *op = g_task_get_task_data (task);
  SecretItem *item;

  if (op->items == NULL)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }

  item = op->items->data;
  op->items = g_list_delete_link (op->items, op->items);

  secret_item_delete (item, g_task_get_cancellable (task), clear_item_deleted_cb, task);
  g_object_unref (item);
}

static void clear_search (GTask *task);

static void
clear_unlocked_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Operation *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  /* A dismissed prompt is no error here: the second search tells. */
  if (secret_service_unlock_finish (op->service, result, NULL, &error) < 0)
    {
      return_mapped_error (task, error, FALSE);
      return;
    }

  clear_search (g_steal_pointer (&task));
}

static void
clear_searched_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Operation *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GList) locked = NULL;

  g_list_free_full (op->items, g_object_unref);
  op->items = secret_service_search_finish (op->service, result, &error);
  if (error != NULL)
    {
      return_mapped_error (task, error, FALSE);
      return;
    }
  op->items = filter_our_items (op->items);

  for (GList *l = op->items; l != NULL; l = l->next)
    {
      if (secret_item_get_locked (l->data))
        locked = g_list_prepend (locked, l->data);
    }

  if (locked == NULL)
    {
      clear_delete_next (g_steal_pointer (&task));
    }
  else if (!op->has_tried_unlock)
    {
      /* No item may outlive its account: locked ones are unlocked first, and
       * the keyring may prompt the user for that, as when storing. */
      op->has_tried_unlock = TRUE;
      secret_service_unlock (op->service, locked, g_task_get_cancellable (task),
                             clear_unlocked_cb, g_object_ref (task));
    }
  else
    {
      /* Still locked: delete nothing rather than a part. */
      g_task_return_error (task, bp_secret_store_new_locked_error ());
    }
}

static void
clear_search (GTask *task)
{
  search_items (task, clear_searched_cb);
}

static void
clear_with_service (GTask *task_in)
{
  g_autoptr(GTask) task = task_in;

  clear_search (g_steal_pointer (&task));
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

  g_return_if_fail (BP_IS_SECRET_STORE (self));
  g_return_if_fail (account_id != NULL && *account_id != '\0');
  g_return_if_fail (kind == NULL || *kind != '\0');
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bp_secret_store_clear_async);
  task = start_call (self, task, FALSE);

  if (self->uses_portal)
    {
      bp_secret_store_portal_clear (g_steal_pointer (&task), account_id, kind);
      return;
    }

  g_task_set_task_data (task, operation_new (account_id, kind), operation_free);

  get_service (g_steal_pointer (&task), clear_with_service);
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

  g_clear_object (&self->service);

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

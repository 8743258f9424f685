/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-secret-store"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>
#include <string.h>

#include "bp-error.h"
#include "bp-keyring-private.h"

/*
 * The bp-keyring module (libbp-keyring.so): every call into libsecret that
 * BpSecretStore makes, loaded the first time it makes one
 * (bp-keyring-loader.c). This file is the Secret Service backend, used
 * outside a sandbox; bp-keyring-portal.c is the simple-API one. The deadline
 * of a call is BpSecretStore's (src/core/bp-secret-store.c): the task here has
 * the cancellable it cancels.
 */

#define ATTRIBUTE_ACCOUNT_ID "account-id"
#define ATTRIBUTE_KIND       "kind"

#define KIND_CONSUMER_SECRET "consumer-secret"
#define KIND_REFRESH_TOKEN   "refresh-token"

struct _BpKeyringSession
{
  /* libsecret's simple API (the Secret portal in Flatpak) instead of SecretService. */
  gboolean uses_portal;

  /* The service proxy with its session open, once one call has made it. */
  SecretService *service;
};

/* A SecretService that counts the unlock prompts it has open. A keyring that
 * does not answer must not freeze an Apply for long, but a person typing the
 * keyring password may take their time: the deadline of a call waits while a
 * prompt is open (see deadline_passed_cb() in src/core/bp-secret-store.c).
 * Only the main thread prompts. */

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
bp_keyring_get_schema (void)
{
  return &secret_schema;
}

/* One lookup, store or clear, kept as the GTask's data. */
typedef struct
{
  BpKeyringSession *session;  /* the store's; the task holds the store */
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
operation_new (BpKeyringSession *session,
               const char       *account_id,
               const char       *kind)
{
  Operation *op = g_new0 (Operation, 1);

  op->session = session;
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

/* Errors */

gboolean
bp_keyring_is_service_missing (const GError *error)
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
bp_keyring_is_timeout (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT) ||
         g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_TIMEOUT) ||
         g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_TIMED_OUT) ||
         g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NO_REPLY);
}

GError *
bp_keyring_new_locked_error (void)
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
bp_keyring_new_not_found_error (const char *kind)
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
    return bp_keyring_new_locked_error ();

  if (bp_keyring_is_service_missing (error))
    return new_no_service_error ();

  if (bp_keyring_is_timeout (error))
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
  Operation *op = g_task_get_task_data (task);
  GError *mapped = map_error (error, connecting);

  /* The service may have gone or been restarted: the next call opens a new
   * session rather than reuse one the new service does not know. */
  if (g_error_matches (mapped, BP_ERROR, BP_ERROR_NO_SECRET_SERVICE) ||
      g_error_matches (mapped, BP_ERROR, BP_ERROR_KEYRING_FAILED))
    g_clear_object (&op->session->service);

  g_task_return_error (task, mapped);
}

static void
service_opened_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  Operation *op = g_task_get_task_data (task);
  BpKeyringSession *self = op->session;
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
  Operation *op = g_task_get_task_data (task);
  BpKeyringSession *self = op->session;

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
      g_task_return_error (task, bp_keyring_new_locked_error ());
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
  g_task_return_pointer (task, secret, (GDestroyNotify) bp_keyring_secret_free);
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
    g_task_return_error (task, bp_keyring_new_locked_error ());
  else
    g_task_return_error (task, bp_keyring_new_not_found_error (op->kind));
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
      g_task_return_error (task, bp_keyring_new_locked_error ());
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
      g_task_return_error (task, bp_keyring_new_locked_error ());
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

/* The module's table */

static BpKeyringSession *
session_new (gboolean uses_portal)
{
  BpKeyringSession *session = g_new0 (BpKeyringSession, 1);

  session->uses_portal = uses_portal;
  return session;
}

static void
session_forget_service (BpKeyringSession *session)
{
  g_clear_object (&session->service);
}

static void
session_free (BpKeyringSession *session)
{
  session_forget_service (session);
  g_free (session);
}

static gboolean
is_prompting (void)
{
  return n_open_prompts > 0;
}

static void
lookup (BpKeyringSession *session,
        GTask            *task,
        const char       *account_id,
        const char       *kind)
{
  if (session->uses_portal)
    {
      bp_keyring_portal_lookup (task, account_id, kind);
      return;
    }

  g_task_set_task_data (task, operation_new (session, account_id, kind), operation_free);

  get_service (task, lookup_with_service);
}

static void
store (BpKeyringSession *session,
       GTask            *task,
       const char       *account_id,
       const char       *kind,
       const char       *label,
       const char       *secret)
{
  Operation *op;

  op = operation_new (session, account_id, kind);
  op->label = g_strdup (label);
  op->value = secret_value_new (secret, -1, "text/plain");
  g_task_set_task_data (task, op, operation_free);

  if (session->uses_portal)
    {
      bp_keyring_portal_store (task, account_id, kind, label, op->value);
      return;
    }

  get_service (task, store_with_service);
}

static void
clear (BpKeyringSession *session,
       GTask            *task,
       const char       *account_id,
       const char       *kind)
{
  if (session->uses_portal)
    {
      bp_keyring_portal_clear (task, account_id, kind);
      return;
    }

  g_task_set_task_data (task, operation_new (session, account_id, kind), operation_free);

  get_service (task, clear_with_service);
}

static const BpKeyring keyring = {
  .header = { sizeof (BpKeyring), BP_KEYRING_VERSION },
  .session_new = session_new,
  .session_free = session_free,
  .session_forget_service = session_forget_service,
  .is_prompting = is_prompting,
  .lookup = lookup,
  .store = store,
  .clear = clear,
};

const BpModuleTable *
bp_keyring_module_get_table (void)
{
  return &keyring.header;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-secret-store"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "bp-error.h"
#include "bp-keyring-private.h"

/* The sandboxed backend of BpSecretStore: libsecret's simple password API.
 *
 * In Flatpak, libsecret (>= 0.20) asks the Secret portal for this
 * application's key and keeps the items in an encrypted file inside the
 * sandbox. The application needs no access to org.freedesktop.secrets, and
 * nothing is ever "locked": the portal gives the key or fails. Without the
 * portal libsecret falls back to the Secret Service, which the sandbox does
 * not let us reach; both failures end as BP_ERROR_NO_SECRET_SERVICE with a
 * message that names the Secret portal.
 *
 * Outside a sandbox (BP_SECRET_BACKEND=portal) the same calls go to the Secret
 * Service. A locked keyring then reads as "no secret" (libsecret returns
 * nothing and no error), which is why the Secret Service backend stays the
 * default there. */

static GHashTable *
build_attributes (const char *account_id,
                  const char *kind)
{
  GHashTable *attributes = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

  g_hash_table_insert (attributes, (gpointer) "account-id", g_strdup (account_id));
  if (kind != NULL)
    g_hash_table_insert (attributes, (gpointer) "kind", g_strdup (kind));

  return attributes;
}

static GError *
new_no_portal_error (void)
{
  return g_error_new_literal (BP_ERROR, BP_ERROR_NO_SECRET_SERVICE,
                              _("The Secret portal is not available, so the consumer secret and "
                                "the refresh token cannot be kept. Install xdg-desktop-portal "
                                "with a backend that provides the Secret portal (for example "
                                "gnome-keyring), log in again, and try again."));
}

/* Maps a libsecret, GDBus or GIO error into BP_ERROR, naming the portal.
 * Cancellation stays G_IO_ERROR_CANCELLED, which callers ignore. */
static GError *
map_error (const GError *error)
{
  g_autoptr(GError) stripped = NULL;

  g_assert (error != NULL);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (error);

  /* Only the Secret Service (outside a sandbox) is ever locked. */
  if (g_error_matches (error, SECRET_ERROR, SECRET_ERROR_IS_LOCKED))
    return bp_keyring_new_locked_error ();

  /* No portal, so libsecret tried the Secret Service, which is missing or,
   * in the sandbox, out of reach. */
  if (bp_keyring_is_service_missing (error) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED))
    return new_no_portal_error ();

  if (bp_keyring_is_timeout (error))
    return g_error_new_literal (BP_ERROR, BP_ERROR_KEYRING_FAILED,
                                _("The Secret portal did not answer in time. Check that "
                                  "xdg-desktop-portal is running and not waiting for input, "
                                  "then try again."));

  stripped = g_error_copy (error);
  if (g_dbus_error_is_remote_error (stripped))
    g_dbus_error_strip_remote_error (stripped);

  return g_error_new (BP_ERROR, BP_ERROR_KEYRING_FAILED,
                      _("The Secret portal or the keyring reported an error: %s"),
                      stripped->message);
}

/* Lookup */

static void
lookup_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  const char *kind = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  SecretValue *value;
  const char *text;
  char *secret;

  value = secret_password_lookup_binary_finish (result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, map_error (error));
      return;
    }

  if (value == NULL)
    {
      g_task_return_error (task, bp_keyring_new_not_found_error (kind));
      return;
    }

  text = secret_value_get_text (value);
  if (text == NULL)
    {
      secret_value_unref (value);
      g_task_return_new_error (task, BP_ERROR, BP_ERROR_KEYRING_FAILED,
                               _("The stored secret of this account is not text. Store the "
                                 "secret again."));
      return;
    }

  secret = g_strdup (text);
  secret_value_unref (value);
  g_task_return_pointer (task, secret, (GDestroyNotify) bp_keyring_secret_free);
}

void
bp_keyring_portal_lookup (GTask      *task,
                          const char *account_id,
                          const char *kind)
{
  g_autoptr(GHashTable) attributes = build_attributes (account_id, kind);

  g_task_set_task_data (task, g_strdup (kind), g_free);
  secret_password_lookupv (bp_keyring_get_schema (), attributes,
                           g_task_get_cancellable (task), lookup_done_cb, task);
}

/* Store */

static void
store_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!secret_password_store_finish (result, &error))
    {
      g_task_return_error (task, map_error (error));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

void
bp_keyring_portal_store (GTask       *task,
                         const char  *account_id,
                         const char  *kind,
                         const char  *label,
                         SecretValue *value)
{
  g_autoptr(GHashTable) attributes = build_attributes (account_id, kind);

  /* Replaces the item with the same attributes. */
  secret_password_storev_binary (bp_keyring_get_schema (), attributes,
                                 SECRET_COLLECTION_DEFAULT, label, value,
                                 g_task_get_cancellable (task), store_done_cb, task);
}

/* Clear */

static void
clear_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  /* FALSE without an error: there was nothing to delete, which is success. */
  if (!secret_password_clear_finish (result, &error) && error != NULL)
    {
      g_task_return_error (task, map_error (error));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

void
bp_keyring_portal_clear (GTask      *task,
                              const char *account_id,
                              const char *kind)
{
  g_autoptr(GHashTable) attributes = build_attributes (account_id, kind);

  /* Every item that matches: with kind NULL, all the account's items. */
  secret_password_clearv (bp_keyring_get_schema (), attributes,
                          g_task_get_cancellable (task), clear_done_cb, task);
}

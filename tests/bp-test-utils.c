/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-test-utils"

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "bp-account-store.h"
#include "bp-test-utils.h"

static gboolean
require (gboolean    available,
         const char *what)
{
  if (available)
    return TRUE;

  if (g_getenv ("BP_TEST_SESSION") != NULL)
    {
      g_test_message ("%s is missing from the headless test session", what);
      g_test_fail ();
    }
  else
    {
      g_autofree char *reason = g_strdup_printf ("%s is not available (run through build-aux/test)", what);
      g_test_skip (reason);
    }

  return FALSE;
}

gboolean
bp_test_require_session_bus (void)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);

  return require (bus != NULL, "A D-Bus session bus");
}

gboolean
bp_test_require_keyring (void)
{
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GVariant) reply = NULL;
  gboolean has_owner = FALSE;

  if (!bp_test_require_session_bus ())
    return FALSE;

  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", "org.freedesktop.secrets"),
                                       G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE,
                                       5000, NULL, NULL);
  if (reply != NULL)
    g_variant_get (reply, "(b)", &has_owner);

  return require (has_owner, "An unlocked gnome-keyring (org.freedesktop.secrets)");
}

gboolean
bp_test_require_display (void)
{
  const char *display = g_getenv ("DISPLAY");
  const char *wayland = g_getenv ("WAYLAND_DISPLAY");

  return require ((display != NULL && *display != '\0') || (wayland != NULL && *wayland != '\0'),
                  "A display (Xvfb)");
}

char *
bp_test_make_temp_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *path = g_dir_make_tmp ("bp-test-XXXXXX", &error);

  g_assert_no_error (error);
  return path;
}

static void
remove_tree (GFile *file)
{
  g_autoptr(GFileEnumerator) children = NULL;

  children = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  if (children != NULL)
    {
      GFile *child;

      while (g_file_enumerator_iterate (children, NULL, &child, NULL, NULL) && child != NULL)
        remove_tree (child);
    }

  g_file_delete (file, NULL, NULL);
}

void
bp_test_remove_tree (const char *path)
{
  g_autoptr(GFile) file = NULL;

  if (path == NULL)
    return;

  /* A test may have made a directory read-only on purpose. */
  g_chmod (path, 0700);
  file = g_file_new_for_path (path);
  remove_tree (file);
}

static gboolean
timeout_reached_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

void
bp_test_wait_until (gboolean *done,
                    guint     timeout_ms)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (timeout_ms, timeout_reached_cb, &timed_out);

  while (!*done && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (!timed_out)
    g_source_remove (id);

  g_assert_true (*done);
}

char *
bp_test_run_command (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *standard_error = NULL;
  char *standard_output = NULL;
  int wait_status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                &standard_output, &standard_error, &wait_status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (wait_status, &error))
    g_error ("%s failed: %s\n%s", argv[0], error->message, standard_error);

  return standard_output;
}

char *
bp_test_read_file (const char *path,
                   gsize      *length)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, length, &error);
  g_assert_no_error (error);
  return contents;
}

char *
bp_test_make_certificate_pem (GDateTime *not_after)
{
  gnutls_x509_privkey_t key = NULL;
  gnutls_x509_crt_t crt = NULL;
  gnutls_datum_t out = { NULL, 0 };
  const char *error_position = NULL;
  guint8 serial = 1;
  gint64 expiry = g_date_time_to_unix (not_after);
  gint64 activation = MIN (expiry - 365 * 24 * 3600, g_get_real_time () / G_USEC_PER_SEC - 30 * 24 * 3600);
  char *pem;

  g_assert_cmpint (gnutls_x509_privkey_init (&key), ==, GNUTLS_E_SUCCESS);
  g_assert_cmpint (gnutls_x509_privkey_generate (key, GNUTLS_PK_ECDSA,
                                                 GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1), 0),
                   ==, GNUTLS_E_SUCCESS);
  g_assert_cmpint (gnutls_x509_crt_init (&crt), ==, GNUTLS_E_SUCCESS);
  g_assert_cmpint (gnutls_x509_crt_set_version (crt, 3), ==, GNUTLS_E_SUCCESS);
  g_assert_cmpint (gnutls_x509_crt_set_serial (crt, &serial, 1), ==, GNUTLS_E_SUCCESS);
  g_assert_cmpint (gnutls_x509_crt_set_dn (crt, "CN=SelfSignedCert_Test,O=Salesforce.com,C=US", &error_position),
                   ==, GNUTLS_E_SUCCESS);
  g_assert_cmpint (gnutls_x509_crt_set_activation_time (crt, activation), ==, GNUTLS_E_SUCCESS);
  g_assert_cmpint (gnutls_x509_crt_set_expiration_time (crt, expiry), ==, GNUTLS_E_SUCCESS);
  g_assert_cmpint (gnutls_x509_crt_set_key (crt, key), ==, GNUTLS_E_SUCCESS);
  g_assert_cmpint (gnutls_x509_crt_sign2 (crt, crt, key, GNUTLS_DIG_SHA256, 0), ==, GNUTLS_E_SUCCESS);
  g_assert_cmpint (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_PEM, &out), ==, GNUTLS_E_SUCCESS);

  pem = g_strndup ((const char *) out.data, out.size);
  gnutls_free (out.data);
  gnutls_x509_crt_deinit (crt);
  gnutls_x509_privkey_deinit (key);

  return pem;
}

guint
bp_test_time_factor (void)
{
  const char *value = g_getenv ("BP_TEST_TIME_FACTOR");
  guint64 factor = 1;

  if (value != NULL && !g_ascii_string_to_unsigned (value, 10, 1, 1000, &factor, NULL))
    g_error ("BP_TEST_TIME_FACTOR=%s is not a number from 1 to 1000", value);

  return (guint) factor;
}

void
bp_test_applied_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  BpTestOutcome *outcome = user_data;

  outcome->ok = bp_account_store_apply_finish (BP_ACCOUNT_STORE (object), result, &outcome->error);
  outcome->done = TRUE;
}

void
bp_test_batch_applied_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  BpTestOutcome *outcome = user_data;

  outcome->ok = bp_account_store_apply_batch_finish (BP_ACCOUNT_STORE (object), result, &outcome->error);
  outcome->done = TRUE;
}

void
bp_test_deleted_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  BpTestOutcome *outcome = user_data;

  outcome->ok = bp_account_store_delete_finish (BP_ACCOUNT_STORE (object), result, &outcome->error);
  outcome->done = TRUE;
}

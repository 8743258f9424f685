/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-test-salesforce"

#include "config.h"

#include <string.h>

#include "bp-test-salesforce.h"
#include "bp-test-utils.h"

BpSalesforceClient *
bp_test_salesforce_client_new (void)
{
  BpSalesforceClient *client = bp_salesforce_client_new ();

  bp_salesforce_client_set_proxy_resolver (client, NULL);
  bp_salesforce_client_set_timeout (client, 10);

  return client;
}

BpEmulator *
bp_test_emulator_new (void)
{
  g_autoptr(GError) error = NULL;
  BpEmulator *emulator = bp_emulator_new ();

  bp_emulator_start (emulator, 0, &error);
  g_assert_no_error (error);

  return emulator;
}

gboolean
bp_test_can_bind (const char *address,
                  guint       port)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) inet_address = g_inet_address_new_from_string (address);
  g_autoptr(GSocketAddress) socket_address = NULL;

  socket = g_socket_new (g_inet_address_get_family (inet_address), G_SOCKET_TYPE_STREAM,
                         G_SOCKET_PROTOCOL_TCP, NULL);
  if (socket == NULL)
    return FALSE;

  socket_address = g_inet_socket_address_new (inet_address, port);
  return g_socket_bind (socket, socket_address, TRUE, NULL);
}

static gboolean
has_ipv6_loopback (void)
{
  return bp_test_can_bind ("::1", 0);
}

guint
bp_test_find_free_port (void)
{
  gboolean ipv6 = has_ipv6_loopback ();

  for (guint attempt = 0; attempt < 50; attempt++)
    {
      g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                                G_SOCKET_PROTOCOL_TCP, NULL);
      g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
      g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
      g_autoptr(GSocketAddress) bound = NULL;
      guint port;

      g_assert_true (g_socket_bind (socket, address, TRUE, NULL));
      bound = g_socket_get_local_address (socket, NULL);
      port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
      g_socket_close (socket, NULL);

      if (!ipv6 || bp_test_can_bind ("::1", port))
        return port;
    }

  g_assert_not_reached ();
}

void
bp_test_use_test_browser (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_BUILT, "bp-test-browser", NULL);

  g_assert_true (g_file_test (path, G_FILE_TEST_IS_EXECUTABLE));
  g_setenv ("BROWSER", path, TRUE);
}

void
bp_test_store_result_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  g_assert_null (*slot);
  *slot = g_object_ref (result);
}

static gboolean
timed_out_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

GAsyncResult *
bp_test_await_result (GAsyncResult **slot,
                      guint          timeout_ms)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (timeout_ms, timed_out_cb, &timed_out);

  while (*slot == NULL && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (!timed_out)
    g_source_remove (id);

  g_assert_nonnull (*slot);
  return *slot;
}

void
bp_test_assert_no_secrets (const char *text,
                           GPtrArray  *secrets)
{
  g_assert_nonnull (text);
  g_assert_cmpuint (secrets->len, >, 0);

  for (guint i = 0; i < secrets->len; i++)
    {
      const char *secret = g_ptr_array_index (secrets, i);
      g_autofree char *escaped = g_uri_escape_string (secret, NULL, FALSE);

      /* As sent, and as it would appear in a URL or a form. */
      if (strstr (text, secret) != NULL || strstr (text, escaped) != NULL)
        g_error ("secret %u of %u (%" G_GSIZE_FORMAT " characters) appears in the output",
                 i, secrets->len, strlen (secret));
    }
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-http-module"

#include "config.h"

#include <string.h>

#include <unistd.h>

#include <glib/gstdio.h>

#include "bp-error.h"
#include "bp-oauth-flow.h"
#include "bp-salesforce-client.h"
#include "bp-test-module.h"

/*
 * libsoup is in the bp-http module, loaded the first time the application
 * talks HTTP (src/http/bp-http-loader.c). This program links no libsoup of its
 * own (unlike the emulator tests), so what is mapped says what was loaded.
 *
 * A module that cannot be loaded is tried in a subprocess each: the loader
 * remembers its first answer for the life of the process.
 */

#define MODULE_NAME "libbp-http.so"
#define CRYPTO_MODULE_NAME "libbp-crypto.so"

/* A loopback port nothing listens on: a request to it fails at once. */
static guint
find_closed_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  g_socket_bind (socket, address, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);

  /* Closed when the socket is freed, never listened on. */
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static void
store_result_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static GAsyncResult *
wait_for_result (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);

  return *result;
}

/* Asks the limits of a loopback "instance"; returns the error. */
static GError *
get_limits_error (BpSalesforceClient *client,
                  const char         *instance_url)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) body = NULL;
  GError *error = NULL;

  bp_salesforce_client_get_limits_async (client, instance_url, "62.0", "not-a-token", NULL,
                                         store_result_cb, &result);
  body = bp_salesforce_client_get_limits_finish (client, wait_for_result (&result), &error);
  g_assert_null (body);
  g_assert_nonnull (error);

  return error;
}

static void
test_loaded_on_first_request (void)
{
  g_autofree char *module_path = g_build_filename (g_getenv ("BP_MODULE_DIR"), MODULE_NAME, NULL);
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u", find_closed_port ());
  g_autoptr(BpSalesforceClient) client = NULL;
  g_autoptr(GError) error = NULL;

  /* meson test points the loader at the build tree. */
  g_assert_nonnull (g_getenv ("BP_MODULE_DIR"));
  g_assert_false (bp_test_is_mapped ("libsoup"));
  g_assert_false (bp_test_is_mapped (MODULE_NAME));

  /* What the window does when it starts: a client, its settings. */
  client = bp_salesforce_client_new ();
  bp_salesforce_client_set_timeout (client, 30);
  bp_salesforce_client_set_proxy_resolver (client, NULL);
  bp_salesforce_client_set_tls_database (client, NULL);
  g_assert_cmpuint (bp_salesforce_client_get_timeout (client), ==, 30);
  g_assert_false (bp_test_is_mapped ("libsoup"));

  /* A URL the client refuses does not load it either. */
  error = get_limits_error (client, "ftp://example.com");
  g_assert_error (error, BP_ERROR, BP_ERROR_INVALID_URL);
  g_clear_error (&error);
  g_assert_false (bp_test_is_mapped (MODULE_NAME));

  /* The first request loads it, from BP_MODULE_DIR, and libsoup with it. */
  error = get_limits_error (client, url);
  g_assert_error (error, BP_ERROR, BP_ERROR_NETWORK);
  g_assert_true (bp_test_is_mapped (module_path));
  g_assert_true (bp_test_is_mapped ("libsoup-3.0"));
}

static void
test_missing_module_client (void)
{
  if (g_test_subprocess ())
    {
      g_autofree char *dir = g_dir_make_tmp ("bp-no-module-XXXXXX", NULL);
      g_autofree char *module_path = bp_test_use_module_dir (dir, MODULE_NAME);
      g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u", find_closed_port ());
      g_autoptr(BpSalesforceClient) client = bp_salesforce_client_new ();
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *first_message = NULL;

      /* Check limits. */
      error = get_limits_error (client, url);
      bp_test_assert_module_error (error, "Salesforce cannot be contacted: ", module_path,
                           "No such file or directory");
      first_message = g_strdup (error->message);
      g_clear_error (&error);

      /* Asked again, the same answer (the loader does not retry, or crash). */
      error = get_limits_error (client, url);
      g_assert_error (error, BP_ERROR, BP_ERROR_MODULE_MISSING);
      g_assert_cmpstr (error->message, ==, first_message);
      g_clear_error (&error);

      /* Delete's revoke fails the same way, and says so. */
      bp_salesforce_client_revoke_async (client, url, "not-a-token", NULL, store_result_cb, &result);
      g_assert_false (bp_salesforce_client_revoke_finish (client, wait_for_result (&result), &error));
      g_assert_error (error, BP_ERROR, BP_ERROR_MODULE_MISSING);
      g_assert_cmpstr (error->message, ==, first_message);

      g_assert_false (bp_test_is_mapped ("libsoup"));
      g_assert_cmpint (g_rmdir (dir), ==, 0);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

static gboolean
can_bind (guint port)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);

  return g_socket_bind (socket, address, FALSE, NULL);
}

/* Request token: the bp-crypto module is there (PKCE), bp-http is not. */
static void
test_missing_module_flow (void)
{
  if (g_test_subprocess ())
    {
      g_autofree char *crypto_path = g_build_filename (g_getenv ("BP_MODULE_DIR"), CRYPTO_MODULE_NAME,
                                                       NULL);
      g_autofree char *dir = g_dir_make_tmp ("bp-no-module-XXXXXX", NULL);
      g_autofree char *crypto_link = g_build_filename (dir, CRYPTO_MODULE_NAME, NULL);
      g_autofree char *module_path = NULL;
      guint port = find_closed_port ();
      g_autoptr(BpSalesforceClient) client = bp_salesforce_client_new ();
      g_autoptr(BpOAuthFlow) flow = NULL;
      g_autoptr(BpSalesforceTokens) tokens = NULL;
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;

      g_assert_cmpint (symlink (crypto_path, crypto_link), ==, 0);
      module_path = bp_test_use_module_dir (dir, MODULE_NAME);
      /* No browser may be started, but should one be, it is this. */
      g_setenv ("BROWSER", "/bin/false", TRUE);

      flow = bp_oauth_flow_new (client, "https://login.salesforce.com", "consumer-key", "", port);
      bp_oauth_flow_run_async (flow, NULL, store_result_cb, &result);
      tokens = bp_oauth_flow_run_finish (flow, wait_for_result (&result), &error);
      g_assert_null (tokens);
      bp_test_assert_module_error (error, "A token cannot be requested: ", module_path,
                           "No such file or directory");

      /* Nothing listens, no attempt is left running, no URL to show. */
      g_assert_false (bp_oauth_flow_get_is_running (flow));
      g_assert_null (bp_oauth_flow_get_authorize_url (flow));
      g_assert_true (can_bind (port));
      g_assert_false (bp_test_is_mapped ("libsoup"));

      g_assert_cmpint (g_unlink (crypto_link), ==, 0);
      g_assert_cmpint (g_rmdir (dir), ==, 0);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* Asking Salesforce for the limits fails, saying why. */
static void
check_limits (const char *module_path,
              const char *why)
{
  g_autoptr(BpSalesforceClient) client = bp_salesforce_client_new ();
  g_autoptr(GError) error = get_limits_error (client, "https://example.invalid");

  bp_test_assert_module_error (error, "Salesforce cannot be contacted: ", module_path, why);
}

/* A file in the module's place that is not a module (a damaged install). */
static void
test_damaged_module (void)
{
  bp_test_damaged_module (MODULE_NAME, check_limits);
}

/* The override is a directory to open by its path, never a place to search. */
static void
test_relative_module_dir (void)
{
  bp_test_relative_module_dir (MODULE_NAME, check_limits);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  /* First: it checks that nothing loaded libsoup before. */
  g_test_add_func ("/http-module/loaded-on-first-request", test_loaded_on_first_request);
  g_test_add_func ("/http-module/missing/client", test_missing_module_client);
  g_test_add_func ("/http-module/missing/flow", test_missing_module_flow);
  g_test_add_func ("/http-module/damaged", test_damaged_module);
  g_test_add_func ("/http-module/relative-dir", test_relative_module_dir);

  return g_test_run ();
}

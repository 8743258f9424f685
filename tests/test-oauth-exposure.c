/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-oauth-exposure"

#include "config.h"

#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gio/gio.h>

#include "bp-oauth-flow.h"
#include "bp-salesforce-endpoints.h"
#include "bp-test-salesforce.h"
#include "bp-test-utils.h"

/* While an attempt waits for its callback, the loopback listener must be
 * reachable on 127.0.0.1 and ::1 and on no other address of the machine
 * (SALESFORCE.md §3.2): whoever reaches it can try codes and states, and a
 * listener on 0.0.0.0 or :: would offer that to the whole network. Every
 * address getifaddrs() knows is tried, link-local ones with their scope. */

#define KEY "3MVG9exposureConsumerKey"

typedef enum
{
  REACHED,
  REFUSED,
  OTHER_FAILURE,
} Outcome;

/* A blocking connect: every address tried is one of this machine's, so the
 * kernel answers at once (the listener, in this thread, need not accept). */
static Outcome
try_connect (const struct sockaddr *address,
             socklen_t              length,
             int                   *error_number)
{
  int fd = socket (address->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int status;

  g_assert_cmpint (fd, >=, 0);
  status = connect (fd, address, length);
  *error_number = status == 0 ? 0 : errno;
  close (fd);

  if (status == 0)
    return REACHED;
  return *error_number == ECONNREFUSED ? REFUSED : OTHER_FAILURE;
}

static char *
describe (const struct sockaddr *address,
          const char            *interface)
{
  g_autoptr(GSocketAddress) socket_address = NULL;
  GInetAddress *inet_address;
  g_autofree char *text = NULL;

  socket_address = g_socket_address_new_from_native ((gpointer) address,
                                                     address->sa_family == AF_INET6
                                                     ? sizeof (struct sockaddr_in6)
                                                     : sizeof (struct sockaddr_in));
  inet_address = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (socket_address));
  text = g_inet_address_to_string (inet_address);

  if (address->sa_family == AF_INET6 && ((const struct sockaddr_in6 *) address)->sin6_scope_id != 0)
    return g_strdup_printf ("%s%%%s", text, interface);
  return g_strdup_printf ("%s (%s)", text, interface);
}

static gboolean
is_loopback (const struct sockaddr *address)
{
  if (address->sa_family == AF_INET)
    return ((const struct sockaddr_in *) address)->sin_addr.s_addr == htonl (INADDR_LOOPBACK);

  return IN6_IS_ADDR_LOOPBACK (&((const struct sockaddr_in6 *) address)->sin6_addr);
}

/* Tries @port on @address; asserts the listener answers on loopback and
 * is refused elsewhere. Returns TRUE if the address is not loopback. */
static gboolean
check_address (const struct sockaddr *template,
               const char            *interface,
               guint                  port,
               gboolean               ipv6_loopback)
{
  struct sockaddr_storage storage = { 0, };
  struct sockaddr *address = (struct sockaddr *) &storage;
  socklen_t length;
  g_autofree char *name = NULL;
  Outcome outcome;
  int error_number;

  if (template->sa_family == AF_INET)
    {
      length = sizeof (struct sockaddr_in);
      memcpy (&storage, template, length);
      ((struct sockaddr_in *) address)->sin_port = htons (port);
    }
  else
    {
      struct sockaddr_in6 *in6 = (struct sockaddr_in6 *) address;

      length = sizeof (struct sockaddr_in6);
      memcpy (&storage, template, length);
      in6->sin6_port = htons (port);
      /* getifaddrs() fills the scope of link-local addresses; make sure. */
      if (IN6_IS_ADDR_LINKLOCAL (&in6->sin6_addr) && in6->sin6_scope_id == 0)
        in6->sin6_scope_id = if_nametoindex (interface);
    }

  name = describe (address, interface);
  outcome = try_connect (address, length, &error_number);

  if (is_loopback (address))
    {
      if (address->sa_family == AF_INET6 && !ipv6_loopback)
        {
          g_test_message ("%s: not checked, this machine cannot bind ::1", name);
          return FALSE;
        }

      g_test_message ("%s: %s (loopback: must be reachable)", name,
                      outcome == REACHED ? "reached" : g_strerror (error_number));
      if (outcome != REACHED)
        g_test_fail_printf ("the listener is not reachable on %s: %s", name, g_strerror (error_number));
      return FALSE;
    }

  g_test_message ("%s: %s (must be refused)", name,
                  outcome == REACHED ? "REACHED" : g_strerror (error_number));
  if (outcome == REACHED)
    g_test_fail_printf ("the OAuth listener on port %u is reachable on %s", port, name);
  else if (outcome != REFUSED)
    /* Unreachable (a down interface, a tentative address) is not a proof either way. */
    g_test_fail_printf ("connecting to %s failed with %s, not “connection refused”",
                        name, g_strerror (error_number));
  return TRUE;
}

static void
check_port (guint port)
{
  struct ifaddrs *addresses = NULL;
  gboolean ipv6_loopback = bp_test_can_bind ("::1", 0);
  guint n_other = 0;
  guint n_loopback_v4 = 0;
  guint n_loopback_v6 = 0;

  g_assert_cmpint (getifaddrs (&addresses), ==, 0);

  for (struct ifaddrs *entry = addresses; entry != NULL; entry = entry->ifa_next)
    {
      if (entry->ifa_addr == NULL
          || (entry->ifa_addr->sa_family != AF_INET && entry->ifa_addr->sa_family != AF_INET6))
        continue;

      if (is_loopback (entry->ifa_addr))
        {
          if (entry->ifa_addr->sa_family == AF_INET)
            n_loopback_v4++;
          else
            n_loopback_v6++;
        }

      if (check_address (entry->ifa_addr, entry->ifa_name, port, ipv6_loopback))
        n_other++;
    }

  freeifaddrs (addresses);

  /* Whatever the interfaces say, these two are the minimum. */
  if (n_loopback_v4 == 0)
    {
      struct sockaddr_in v4 = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };

      check_address ((struct sockaddr *) &v4, "lo", port, ipv6_loopback);
    }
  if (n_loopback_v6 == 0 && ipv6_loopback)
    {
      struct sockaddr_in6 v6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };

      check_address ((struct sockaddr *) &v6, "lo", port, ipv6_loopback);
    }

  /* 127.0.0.2 is this machine on every Linux, but no interface lists it: a
   * listener on 0.0.0.0 answers there, one on 127.0.0.1 does not. So even a
   * machine without a network tells the wildcard apart. */
  {
    struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons (port),
                                   .sin_addr.s_addr = htonl (INADDR_LOOPBACK + 1) };
    int error_number;
    Outcome outcome;

    outcome = try_connect ((struct sockaddr *) &address, sizeof address, &error_number);
    g_test_message ("127.0.0.2 (lo, not an interface address): %s (must be refused)",
                    outcome == REACHED ? "REACHED" : g_strerror (error_number));
    if (outcome != REFUSED)
      g_test_fail_printf ("127.0.0.2:%u: %s, expected “connection refused” (a wildcard listener?)",
                          port, outcome == REACHED ? "reached" : g_strerror (error_number));
  }

  if (n_other == 0)
    g_test_message ("This machine has no address besides loopback: only 127.0.0.1, ::1 and "
                    "127.0.0.2 were checked, not a network interface.");
  else
    g_test_message ("%u non-loopback address(es) checked: %s", n_other,
                    g_test_failed () ? "SOME ANSWERED (see above)" : "all refused");
}

static void
test_listener_only_on_loopback (void)
{
  g_autoptr(BpEmulator) emulator = bp_test_emulator_new ();
  g_autoptr(BpSalesforceClient) client = bp_test_salesforce_client_new ();
  guint port = bp_test_find_free_port ();
  g_autoptr(BpOAuthFlow) flow = bp_oauth_flow_new (client, bp_emulator_get_base_url (emulator), KEY, NULL,
                                                   port);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BpSalesforceTokens) tokens = NULL;

  /* A browser that never comes back: the attempt waits. */
  g_setenv ("BROWSER", "true", TRUE);
  g_unsetenv (BP_SALESFORCE_LOGIN_URL_ENV);

  /* Before: nothing answers on the port anywhere, or the test proves nothing. */
  g_assert_true (bp_test_can_bind ("127.0.0.1", port));

  bp_oauth_flow_run_async (flow, NULL, bp_test_store_result_cb, &result);
  g_assert_true (bp_oauth_flow_get_is_running (flow));

  check_port (port);

  bp_oauth_flow_cancel (flow);
  tokens = bp_oauth_flow_run_finish (flow, bp_test_await_result (&result, 10000), &error);
  g_assert_null (tokens);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  g_unsetenv ("BROWSER");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/oauth-flow/listener-only-on-loopback", test_listener_only_on_loopback);

  return g_test_run ();
}

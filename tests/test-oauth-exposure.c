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
#include <libsoup/soup.h>

#include "bp-oauth-flow.h"
#include "bp-salesforce-endpoints.h"
#include "bp-test-salesforce.h"
#include "bp-test-utils.h"

/* While an attempt waits for its callback, the loopback listener must be
 * reachable on 127.0.0.1 and ::1 and on no other address of the machine
 * (SALESFORCE.md §3.2): whoever reaches it can try codes and states, and a
 * listener on 0.0.0.0 or :: would offer that to the whole network. Every
 * address getifaddrs() knows is tried, link-local ones with their scope. */

#define KEY     "3MVG9exposureConsumerKey"
#define WAIT_MS 10000

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
 * is refused elsewhere. Returns TRUE if the address is not loopback and the
 * kernel refused the connection there: a checked address. */
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
    /* Unreachable (a down interface, a tentative IPv6 address) proves
     * nothing either way: said, not counted as checked. */
    g_test_message ("%s could not be tried: not counted as checked", name);
  return outcome == REFUSED;
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
    g_test_message ("No address besides loopback could be checked on this machine: only "
                    "127.0.0.1, ::1 and 127.0.0.2 were, not a network interface.");
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

/* The browser's command line */

typedef struct
{
  guint               status;
  SoupMessageHeaders *headers;
} Response;

static void
response_free (Response *response)
{
  g_clear_pointer (&response->headers, soup_message_headers_unref);
  g_free (response);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Response, response_free)

/* In-process and async, so that the listener (in this thread) can answer. */
static Response *
http_request (const char *method,
              const char *url,
              const char *host)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("proxy-resolver", NULL, "timeout", 10, NULL);
  g_autoptr(SoupMessage) message = soup_message_new (method, url);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  Response *response;

  g_assert_nonnull (message);
  soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT);
  if (host != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (message), "Host", host);

  soup_session_send_and_read_async (session, message, G_PRIORITY_DEFAULT, NULL, bp_test_store_result_cb, &result);
  body = soup_session_send_and_read_finish (session, bp_test_await_result (&result, WAIT_MS), &error);
  g_assert_no_error (error);

  response = g_new0 (Response, 1);
  response->status = soup_message_get_status (message);
  response->headers = soup_message_headers_ref (soup_message_get_response_headers (message));
  return response;
}

static char *
query_parameter (const char *url,
                 const char *name)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL);
  g_autoptr(GHashTable) params = NULL;

  g_assert_nonnull (uri);
  params = g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_NONE, NULL);
  return g_strdup (g_hash_table_lookup (params, name));
}

/* The stand-in browser completes the attempt; what it saw of its own
 * command line and environment, as any process could, holds no state. */
static void
test_browser_argv_has_no_secret (void)
{
  g_autoptr(BpEmulator) emulator = bp_test_emulator_new ();
  g_autoptr(BpSalesforceClient) client = bp_test_salesforce_client_new ();
  g_autofree char *dir = bp_test_make_temp_dir ();
  g_autofree char *proc_log = g_build_filename (dir, "browser-proc.log", NULL);
  g_autoptr(BpOAuthFlow) flow = bp_oauth_flow_new (client, bp_emulator_get_base_url (emulator), KEY, NULL,
                                                   bp_test_find_free_port ());
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BpSalesforceTokens) tokens = NULL;
  g_autofree char *state = NULL;
  g_autofree char *challenge = NULL;
  g_autofree char *recorded = NULL;
  GPtrArray *secrets;

  g_unsetenv (BP_SALESFORCE_LOGIN_URL_ENV);
  bp_test_use_test_browser ();
  g_setenv ("BP_TEST_BROWSER_PROC_LOG", proc_log, TRUE);

  bp_oauth_flow_run_async (flow, NULL, bp_test_store_result_cb, &result);
  state = query_parameter (bp_oauth_flow_get_authorize_url (flow), "state");
  challenge = query_parameter (bp_oauth_flow_get_authorize_url (flow), "code_challenge");
  tokens = bp_oauth_flow_run_finish (flow, bp_test_await_result (&result, WAIT_MS), &error);
  g_assert_no_error (error);
  g_assert_nonnull (tokens);

  recorded = bp_test_read_file (proc_log, NULL);
  g_assert_nonnull (strstr (recorded, "--- /proc/self/cmdline\n"));
  g_assert_nonnull (state);
  g_assert_nonnull (challenge);
  bp_test_assert_no_substring (recorded, -1, state);
  bp_test_assert_no_substring (recorded, -1, challenge);
  g_assert_nonnull (strstr (recorded, "/OauthStart/"));
  /* Nor the code, the verifier or the tokens, which come later anyway. */
  secrets = bp_emulator_get_secrets (emulator);
  bp_test_assert_no_secrets (recorded, secrets);

  g_unsetenv ("BP_TEST_BROWSER_PROC_LOG");
  g_unsetenv ("BROWSER");
  bp_test_remove_tree (dir);
}

/* The start page redirects one browser, once; nothing else there ends or
 * spoils the attempt. */
static void
test_start_page (void)
{
  g_autoptr(BpEmulator) emulator = bp_test_emulator_new ();
  g_autoptr(BpSalesforceClient) client = bp_test_salesforce_client_new ();
  g_autofree char *dir = bp_test_make_temp_dir ();
  g_autofree char *argv_file = g_build_filename (dir, "argv.txt", NULL);
  g_autofree char *quoted = g_shell_quote (argv_file);
  g_autofree char *browser = g_strdup_printf ("sh -c 'printf %%s \"$1\" > %s' sh %%s", quoted);
  guint port = bp_test_find_free_port ();
  g_autoptr(BpOAuthFlow) flow = bp_oauth_flow_new (client, bp_emulator_get_base_url (emulator), KEY, NULL, port);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BpSalesforceTokens) tokens = NULL;
  g_autoptr(Response) wrong_host = NULL;
  g_autoptr(Response) post = NULL;
  g_autoptr(Response) first = NULL;
  g_autoptr(Response) again = NULL;
  g_autoptr(Response) authorize = NULL;
  g_autoptr(Response) callback = NULL;
  g_autofree char *start_url = NULL;
  g_autofree char *prefix = g_strdup_printf ("http://localhost:%u/OauthStart/", port);
  g_autofree char *rebound_host = g_strdup_printf ("attacker.example:%u", port);
  gint64 deadline;

  g_unsetenv (BP_SALESFORCE_LOGIN_URL_ENV);
  g_setenv ("BROWSER", browser, TRUE);
  bp_oauth_flow_run_async (flow, NULL, bp_test_store_result_cb, &result);

  /* The shell writes the one argument it got. */
  deadline = g_get_monotonic_time () + WAIT_MS * G_TIME_SPAN_MILLISECOND;
  while (start_url == NULL || *start_url == '\0')
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_clear_pointer (&start_url, g_free);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10 * G_TIME_SPAN_MILLISECOND);
      g_file_get_contents (argv_file, &start_url, NULL, NULL);
    }
  g_assert_true (g_str_has_prefix (start_url, prefix));
  /* 256 random bits, base64url. */
  g_assert_cmpuint (strlen (start_url + strlen (prefix)), >=, 43);

  wrong_host = http_request ("GET", start_url, rebound_host);
  g_assert_cmpuint (wrong_host->status, ==, 400);
  g_assert_null (soup_message_headers_get_one (wrong_host->headers, "Location"));
  post = http_request ("POST", start_url, NULL);
  g_assert_cmpuint (post->status, ==, 405);
  g_assert_null (soup_message_headers_get_one (post->headers, "Location"));

  first = http_request ("GET", start_url, NULL);
  g_assert_cmpuint (first->status, ==, 302);
  g_assert_cmpstr (soup_message_headers_get_one (first->headers, "Location"), ==,
                   bp_oauth_flow_get_authorize_url (flow));
  g_assert_cmpstr (soup_message_headers_get_one (first->headers, "Cache-Control"), ==, "no-store");
  g_assert_cmpstr (soup_message_headers_get_one (first->headers, "Referrer-Policy"), ==, "no-referrer");

  /* A second browser, or whoever read the command line, gets nothing. */
  again = http_request ("GET", start_url, NULL);
  g_assert_cmpuint (again->status, ==, 410);
  g_assert_null (soup_message_headers_get_one (again->headers, "Location"));
  g_assert_true (bp_oauth_flow_get_is_running (flow));

  /* The first browser goes on and completes the attempt. */
  authorize = http_request ("GET", soup_message_headers_get_one (first->headers, "Location"), NULL);
  g_assert_cmpuint (authorize->status, ==, 302);
  callback = http_request ("GET", soup_message_headers_get_one (authorize->headers, "Location"), NULL);
  g_assert_cmpuint (callback->status, ==, 200);
  tokens = bp_oauth_flow_run_finish (flow, bp_test_await_result (&result, WAIT_MS), &error);
  g_assert_no_error (error);
  g_assert_nonnull (tokens);

  g_unsetenv ("BROWSER");
  bp_test_remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/oauth-flow/listener-only-on-loopback", test_listener_only_on_loopback);
  g_test_add_func ("/oauth-flow/browser-argv-has-no-secret", test_browser_argv_has_no_secret);
  g_test_add_func ("/oauth-flow/start-page", test_start_page);

  return g_test_run ();
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-test-browser"

#include "config.h"

#include <stdio.h>

#include <libsoup/soup.h>

/* A stand-in for a web browser, used as BROWSER=bp-test-browser in tests:
 * GETs the authorize URL without following the redirect, then GETs the
 * Location (the loopback callback), as a browser would after the user
 * approved. Exits 0 once the callback has been answered.
 *
 * BP_TEST_BROWSER_LOG: a file to which one line is appended per start, so a
 * test can tell whether a browser was started at all. */

static SoupMessage *
get (SoupSession  *session,
     GUri         *uri,
     GBytes      **body,
     GError      **error)
{
  g_autoptr(SoupMessage) message = soup_message_new_from_uri (SOUP_METHOD_GET, uri);

  soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT);
  *body = soup_session_send_and_read (session, message, NULL, error);
  if (*body == NULL)
    return NULL;

  return g_steal_pointer (&message);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(SoupMessage) authorize = NULL;
  g_autoptr(SoupMessage) callback = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) callback_body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) authorize_uri = NULL;
  g_autoptr(GUri) location_uri = NULL;
  const char *location;
  const char *log_path = g_getenv ("BP_TEST_BROWSER_LOG");

  if (log_path != NULL && *log_path != '\0')
    {
      FILE *log = fopen (log_path, "a");

      if (log != NULL)
        {
          fputs ("started\n", log);
          fclose (log);
        }
    }

  if (argc != 2)
    {
      g_printerr ("usage: %s URL\n", argv[0]);
      return 2;
    }

  authorize_uri = g_uri_parse (argv[1], SOUP_HTTP_URI_FLAGS, &error);
  if (authorize_uri == NULL)
    {
      g_printerr ("bp-test-browser: not a URL: %s\n", error->message);
      return 2;
    }

  session = soup_session_new_with_options ("timeout", 60, "proxy-resolver", NULL, NULL);

  authorize = get (session, authorize_uri, &body, &error);
  if (authorize == NULL)
    {
      g_printerr ("bp-test-browser: authorize failed: %s\n", error->message);
      return 1;
    }

  location = soup_message_headers_get_one (soup_message_get_response_headers (authorize), "Location");
  if (!SOUP_STATUS_IS_REDIRECTION (soup_message_get_status (authorize)) || location == NULL)
    {
      g_printerr ("bp-test-browser: authorize answered %u without a redirect\n",
                  soup_message_get_status (authorize));
      return 1;
    }

  location_uri = g_uri_parse_relative (authorize_uri, location, SOUP_HTTP_URI_FLAGS, &error);
  if (location_uri == NULL)
    {
      g_printerr ("bp-test-browser: bad Location: %s\n", error->message);
      return 1;
    }

  callback = get (session, location_uri, &callback_body, &error);
  if (callback == NULL)
    {
      g_printerr ("bp-test-browser: the callback failed: %s\n", error->message);
      return 1;
    }

  g_printerr ("bp-test-browser: the callback answered %u\n", soup_message_get_status (callback));
  return 0;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-test-browser"

#include "config.h"

#include <stdio.h>

#include <libsoup/soup.h>

/* A stand-in for a web browser, used as BROWSER=bp-test-browser in tests:
 * GETs the URL it is given and follows the redirects one at a time
 * (authorize, then the loopback callback), as a browser would after the user
 * approved. Exits 0 once a page that is not a redirect has been answered.
 *
 * BP_TEST_BROWSER_LOG: a file to which one line is appended per start, so a
 * test can tell whether a browser was started at all.
 *
 * BP_TEST_BROWSER_PROC_LOG: a file to which this process appends its own
 * /proc/self/cmdline and /proc/self/environ (NULs as newlines) at start,
 * exactly what any other process of the machine could read while it runs;
 * the secrets audit (tests/e2e) looks for secrets there. */

static void
append_proc_file (FILE       *log,
                  const char *name)
{
  g_autofree char *path = g_build_filename ("/proc/self", name, NULL);
  g_autofree char *contents = NULL;
  gsize length = 0;

  fprintf (log, "--- %s\n", path);
  if (!g_file_get_contents (path, &contents, &length, NULL))
    {
      fputs ("(unreadable)\n", log);
      return;
    }

  for (gsize i = 0; i < length; i++)
    fputc (contents[i] == '\0' ? '\n' : contents[i], log);
  fputc ('\n', log);
}

static void
record_proc (const char *path)
{
  FILE *log = fopen (path, "a");

  if (log == NULL)
    {
      g_printerr ("bp-test-browser: cannot open %s\n", path);
      return;
    }

  append_proc_file (log, "cmdline");
  append_proc_file (log, "environ");
  fclose (log);
}

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

/* Enough for the longest chain a test builds: a start page, authorize, the callback. */
#define MAX_REDIRECTS 5

int
main (int    argc,
      char **argv)
{
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) uri = NULL;
  const char *log_path = g_getenv ("BP_TEST_BROWSER_LOG");
  const char *proc_log_path = g_getenv ("BP_TEST_BROWSER_PROC_LOG");

  if (log_path != NULL && *log_path != '\0')
    {
      FILE *log = fopen (log_path, "a");

      if (log != NULL)
        {
          fputs ("started\n", log);
          fclose (log);
        }
    }

  if (proc_log_path != NULL && *proc_log_path != '\0')
    record_proc (proc_log_path);

  if (argc != 2)
    {
      g_printerr ("usage: %s URL\n", argv[0]);
      return 2;
    }

  uri = g_uri_parse (argv[1], SOUP_HTTP_URI_FLAGS, &error);
  if (uri == NULL)
    {
      g_printerr ("bp-test-browser: not a URL: %s\n", error->message);
      return 2;
    }

  session = soup_session_new_with_options ("timeout", 60, "proxy-resolver", NULL, NULL);

  /* Follows the redirects one by one, as a browser does, until a page. */
  for (guint hops = 0; ; hops++)
    {
      g_autoptr(SoupMessage) message = NULL;
      g_autoptr(GBytes) body = NULL;
      g_autoptr(GUri) next = NULL;
      const char *location;
      guint status;

      message = get (session, uri, &body, &error);
      if (message == NULL)
        {
          g_printerr ("bp-test-browser: GET %s failed: %s\n",
                      hops == 0 ? "of the first URL" : g_uri_get_path (uri), error->message);
          return 1;
        }

      status = soup_message_get_status (message);
      location = soup_message_headers_get_one (soup_message_get_response_headers (message), "Location");
      if (!SOUP_STATUS_IS_REDIRECTION (status) || location == NULL)
        {
          if (hops == 0)
            {
              g_printerr ("bp-test-browser: the first URL answered %u without a redirect\n", status);
              return 1;
            }

          /* The path only: the query of a callback holds the code and the state. */
          g_printerr ("bp-test-browser: %s answered %u\n", g_uri_get_path (uri), status);
          return 0;
        }

      if (hops == MAX_REDIRECTS)
        {
          g_printerr ("bp-test-browser: more than %d redirects\n", MAX_REDIRECTS);
          return 1;
        }

      next = g_uri_parse_relative (uri, location, SOUP_HTTP_URI_FLAGS, &error);
      if (next == NULL)
        {
          g_printerr ("bp-test-browser: bad Location: %s\n", error->message);
          return 1;
        }

      g_uri_unref (uri);
      uri = g_steal_pointer (&next);
    }
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-salesforce-emulator"

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>

#include <signal.h>

#include <glib-unix.h>

#include "bp-emulator.h"

/* A Salesforce stand-in for trying Integration Accounts without an org:
 *
 *   tests/emulator/bp-salesforce-emulator [--port N] [switches]
 *
 * It prints its base URL as the first line on stdout, then serves on
 * 127.0.0.1 until it is killed. Point the application at it with
 * BP_SALESFORCE_LOGIN_URL=<that URL>. */

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(BpEmulator) emulator = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GError) error = NULL;
  int port = 0;
  int latency = 0;
  gboolean fail_with_500 = FALSE;
  gboolean html = FALSE;
  gboolean invalid_grant = FALSE;
  gboolean unauthorized_once = FALSE;
  gboolean rotate = FALSE;
  gboolean deny = FALSE;
  gboolean no_refresh_token = FALSE;
  gboolean forbid_limits = FALSE;
  g_autofree char *client_id = NULL;
  g_autofree char *client_secret = NULL;
  g_autofree char *callback = NULL;
  const GOptionEntry entries[] = {
    { "port", 'p', 0, G_OPTION_ARG_INT, &port, "Port on 127.0.0.1 (default: any free port)", "PORT" },
    { "latency", 0, 0, G_OPTION_ARG_INT, &latency, "Delay every answer by MS milliseconds", "MS" },
    { "fail-500", 0, 0, G_OPTION_ARG_NONE, &fail_with_500, "Answer HTTP 500 with an HTML page", NULL },
    { "html", 0, 0, G_OPTION_ARG_NONE, &html, "Answer an HTML page instead of JSON", NULL },
    { "invalid-grant", 0, 0, G_OPTION_ARG_NONE, &invalid_grant, "Refuse every code and refresh token", NULL },
    { "unauthorized-once", 0, 0, G_OPTION_ARG_NONE, &unauthorized_once,
      "Answer the first limits request with 401 INVALID_SESSION_ID", NULL },
    { "rotate", 0, 0, G_OPTION_ARG_NONE, &rotate, "Rotate refresh tokens on every refresh", NULL },
    { "deny", 0, 0, G_OPTION_ARG_NONE, &deny, "The user denies access (access_denied)", NULL },
    { "no-refresh-token", 0, 0, G_OPTION_ARG_NONE, &no_refresh_token,
      "Issue no refresh tokens (a Connected App without the refresh_token scope)", NULL },
    { "forbid-limits", 0, 0, G_OPTION_ARG_NONE, &forbid_limits, "Answer limits with 403", NULL },
    { "client-id", 0, 0, G_OPTION_ARG_STRING, &client_id, "Accept only this consumer key", "KEY" },
    { "client-secret", 0, 0, G_OPTION_ARG_STRING, &client_secret, "Require this consumer secret", "SECRET" },
    { "callback", 0, 0, G_OPTION_ARG_STRING, &callback, "The Connected App's callback URL", "URL" },
    { NULL }
  };

  setlocale (LC_ALL, "");

  context = g_option_context_new ("— a Salesforce emulator for Integration Accounts");
  g_option_context_set_summary (context,
                                "Serves the Salesforce login and API endpoints on 127.0.0.1.\n"
                                "Prints its base URL as the first line, then runs until killed.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  if (port < 0 || port > 65535 || latency < 0)
    {
      g_printerr ("--port must be 0–65535 and --latency not negative\n");
      return 2;
    }

  emulator = bp_emulator_new ();
  bp_emulator_set_latency (emulator, latency);
  bp_emulator_set_fail_with_500 (emulator, fail_with_500);
  bp_emulator_set_answer_html (emulator, html);
  bp_emulator_set_invalid_grant (emulator, invalid_grant);
  bp_emulator_set_unauthorized_once (emulator, unauthorized_once);
  bp_emulator_set_rotate_refresh_tokens (emulator, rotate);
  bp_emulator_set_deny (emulator, deny);
  bp_emulator_set_issue_refresh_tokens (emulator, !no_refresh_token);
  bp_emulator_set_forbid_limits (emulator, forbid_limits);
  bp_emulator_set_client (emulator, client_id, client_secret);
  bp_emulator_set_registered_callback (emulator, callback);

  if (!bp_emulator_start (emulator, port, &error))
    {
      g_printerr ("Cannot listen on 127.0.0.1:%d: %s\n", port, error->message);
      return 1;
    }

  printf ("%s\n", bp_emulator_get_base_url (emulator));
  fflush (stdout);
  g_printerr ("Salesforce emulator on %s (user %s). Stop it with Ctrl+C.\n",
              bp_emulator_get_base_url (emulator), BP_EMULATOR_USERNAME);

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, quit_cb, loop);
  g_unix_signal_add (SIGTERM, quit_cb, loop);
  g_main_loop_run (loop);

  return 0;
}

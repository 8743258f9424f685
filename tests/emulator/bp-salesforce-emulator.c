/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-salesforce-emulator"

#include "config.h"

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <signal.h>

#include <glib-unix.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "bp-emulator.h"

/* A Salesforce stand-in for trying Integration Accounts without an org:
 *
 *   tests/emulator/bp-salesforce-emulator [--port N] [switches]
 *
 * It prints its base URL as the first line on stdout, then serves on
 * 127.0.0.1 until it is killed. Point the application at it with
 * BP_SALESFORCE_LOGIN_URL=<that URL>.
 *
 * --record FILE appends one JSON object per line to FILE for every request
 * it answered, so that a test driving the application can check what
 * Salesforce would have seen (tests/e2e do):
 *
 *   {"method":"GET","path":"/services/oauth2/authorize","status":302,
 *    "client_id":"…","redirect_uri":"http://localhost:1717/OauthRedirect",
 *    "code_challenge_method":"S256","scope":"…","prompt":"…",
 *    "has_state":true,"has_code_challenge":true}
 *   {"method":"POST","path":"/services/oauth2/token","status":200,
 *    "grant_type":"authorization_code","client_id":"…","redirect_uri":"…",
 *    "has_code":true,"has_code_verifier":true,"has_client_secret":true,
 *    "has_refresh_token":false}
 *   {"method":"POST","path":"/services/oauth2/revoke","status":200,"token_sha256":"…"}
 *   {"method":"GET","path":"/services/data/v63.0/limits/","status":200}
 *
 * No code, verifier, token or secret is written: a revoked token appears only
 * as its SHA-256, for comparing with the one the test read from the keyring.
 *
 * --secrets FILE is the opposite, for the secrets audit of tests/e2e only:
 * after every request FILE (mode 0600) holds every secret the emulator issued
 * or received so far, one "KIND<TAB>VALUE" line each (KIND: state,
 * authorization code, PKCE verifier, consumer secret, access token, refresh
 * token), so that the test can look for them where they must never be. */

static void
add_field (JsonBuilder *builder,
           GHashTable  *fields,
           const char  *name)
{
  const char *value = fields != NULL ? g_hash_table_lookup (fields, name) : NULL;

  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_presence (JsonBuilder *builder,
              GHashTable  *fields,
              const char  *name)
{
  g_autofree char *member = g_strconcat ("has_", name, NULL);

  json_builder_set_member_name (builder, member);
  json_builder_add_boolean_value (builder, fields != NULL && g_hash_table_contains (fields, name));
}

static GHashTable *
read_form (SoupServerMessage *message)
{
  SoupMessageBody *body = soup_server_message_get_request_body (message);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));

  return soup_form_decode (text);
}

static void
request_handled_cb (BpEmulator        *emulator,
                    SoupServerMessage *message,
                    const char        *path,
                    GHashTable        *query,
                    gpointer           user_data)
{
  FILE *record = user_data;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *line = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "method");
  json_builder_add_string_value (builder, soup_server_message_get_method (message));
  json_builder_set_member_name (builder, "path");
  json_builder_add_string_value (builder, path);
  json_builder_set_member_name (builder, "status");
  json_builder_add_int_value (builder, soup_server_message_get_status (message));

  if (strcmp (path, "/services/oauth2/authorize") == 0)
    {
      add_field (builder, query, "client_id");
      add_field (builder, query, "redirect_uri");
      add_field (builder, query, "code_challenge_method");
      add_field (builder, query, "scope");
      add_field (builder, query, "prompt");
      add_presence (builder, query, "state");
      add_presence (builder, query, "code_challenge");
    }
  else if (strcmp (path, "/services/oauth2/token") == 0)
    {
      g_autoptr(GHashTable) form = read_form (message);

      add_field (builder, form, "grant_type");
      add_field (builder, form, "client_id");
      add_field (builder, form, "redirect_uri");
      add_presence (builder, form, "code");
      add_presence (builder, form, "code_verifier");
      add_presence (builder, form, "client_secret");
      add_presence (builder, form, "refresh_token");
    }
  else if (strcmp (path, "/services/oauth2/revoke") == 0)
    {
      g_autoptr(GHashTable) form = read_form (message);
      const char *token = form != NULL ? g_hash_table_lookup (form, "token") : NULL;

      json_builder_set_member_name (builder, "token_sha256");
      if (token != NULL)
        {
          g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);

          json_builder_add_string_value (builder, digest);
        }
      else
        {
          json_builder_add_null_value (builder);
        }
    }

  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  line = json_generator_to_data (generator, NULL);

  /* One write per line, flushed: a reader never sees half a request. */
  fprintf (record, "%s\n", line);
  fflush (record);
}

static void
write_secrets_cb (BpEmulator        *emulator,
                  SoupServerMessage *message,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  const char *secrets_path = user_data;
  GPtrArray *secrets = bp_emulator_get_secrets (emulator);
  GPtrArray *kinds = bp_emulator_get_secret_kinds (emulator);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < secrets->len; i++)
    g_string_append_printf (text, "%s\t%s\n", (const char *) g_ptr_array_index (kinds, i),
                            (const char *) g_ptr_array_index (secrets, i));

  if (!g_file_set_contents_full (secrets_path, text->str, text->len, G_FILE_SET_CONTENTS_CONSISTENT,
                                 0600, &error))
    g_printerr ("Cannot write %s: %s\n", secrets_path, error->message);
}

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
  g_autofree char *record_path = NULL;
  g_autofree char *secrets_path = NULL;
  g_autofree char *fault_name = NULL;
  BpEmulatorFault fault = BP_EMULATOR_FAULT_NONE;
  FILE *record = NULL;
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
    { "fault", 0, 0, G_OPTION_ARG_STRING, &fault_name,
      "Break every token, revoke, userinfo and API answer: close, reset, die, garbage, truncated, huge or trickle",
      "FAULT" },
    { "forbid-limits", 0, 0, G_OPTION_ARG_NONE, &forbid_limits, "Answer limits with 403", NULL },
    { "client-id", 0, 0, G_OPTION_ARG_STRING, &client_id, "Accept only this consumer key", "KEY" },
    { "client-secret", 0, 0, G_OPTION_ARG_STRING, &client_secret, "Require this consumer secret", "SECRET" },
    { "callback", 0, 0, G_OPTION_ARG_STRING, &callback, "The Connected App's callback URL", "URL" },
    { "record", 0, 0, G_OPTION_ARG_FILENAME, &record_path,
      "Append one JSON line per answered request to FILE (no secrets)", "FILE" },
    { "secrets", 0, 0, G_OPTION_ARG_FILENAME, &secrets_path,
      "Tests only: keep every secret seen so far in FILE (0600), one “KIND<TAB>VALUE” per line", "FILE" },
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

  if (fault_name != NULL)
    {
      static const char * const names[] = { "none", "close", "reset", "die", "garbage", "truncated", "huge",
                                             "trickle" };
      gboolean is_known = FALSE;

      for (guint i = 0; i < G_N_ELEMENTS (names) && !is_known; i++)
        if (g_strcmp0 (fault_name, names[i]) == 0)
          {
            fault = (BpEmulatorFault) i;
            is_known = TRUE;
          }

      if (!is_known)
        {
          g_printerr ("--fault must be one of none, close, reset, die, garbage, truncated, huge, trickle\n");
          return 2;
        }
    }

  emulator = bp_emulator_new ();
  bp_emulator_set_fault (emulator, fault);
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

  if (record_path != NULL)
    {
      record = fopen (record_path, "ae");
      if (record == NULL)
        {
          g_printerr ("Cannot open %s: %s\n", record_path, g_strerror (errno));
          return 1;
        }
      g_signal_connect (emulator, "request-handled", G_CALLBACK (request_handled_cb), record);
    }

  if (secrets_path != NULL)
    g_signal_connect (emulator, "request-handled", G_CALLBACK (write_secrets_cb), secrets_path);

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

  if (record != NULL)
    {
      g_signal_handlers_disconnect_by_func (emulator, request_handled_cb, record);
      fclose (record);
    }

  return 0;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-oauth-callback"

#include "config.h"

#include <string.h>

#include "bp-oauth-callback.h"
#include "bp-pkce.h"
#include "bp-secret-store.h"

/* Longest error description kept (characters); Salesforce's are one line. */
#define MAX_DESCRIPTION_LENGTH 300

G_DEFINE_BOXED_TYPE (BpOAuthCallbackDecision, bp_oauth_callback_decision,
                     bp_oauth_callback_decision_copy, bp_oauth_callback_decision_free)

BpOAuthCallbackDecision *
bp_oauth_callback_decision_copy (const BpOAuthCallbackDecision *decision)
{
  BpOAuthCallbackDecision *copy;

  g_return_val_if_fail (decision != NULL, NULL);

  copy = g_new0 (BpOAuthCallbackDecision, 1);
  copy->action = decision->action;
  copy->status = decision->status;
  copy->ends_attempt = decision->ends_attempt;
  copy->headers = g_strdupv (decision->headers);
  copy->code = g_strdup (decision->code);
  copy->error = g_strdup (decision->error);
  copy->error_description = g_strdup (decision->error_description);
  copy->reason = decision->reason;

  return copy;
}

void
bp_oauth_callback_decision_free (BpOAuthCallbackDecision *decision)
{
  if (decision == NULL)
    return;

  g_strfreev (decision->headers);
  bp_secret_free (decision->code);
  g_free (decision->error);
  g_free (decision->error_description);
  g_free (decision);
}

static BpOAuthCallbackDecision *
decision_new (BpOAuthCallbackAction  action,
              guint                  status,
              const char            *reason)
{
  BpOAuthCallbackDecision *decision = g_new0 (BpOAuthCallbackDecision, 1);

  decision->action = action;
  decision->status = status;
  decision->reason = reason;
  decision->ends_attempt = action == BP_OAUTH_CALLBACK_ERROR || action == BP_OAUTH_CALLBACK_CODE;

  return decision;
}

/* The browser reaches "localhost:<port>" (the redirect URI); a Host naming
 * anything else is a DNS-rebinding page or a confused client. */
static gboolean
is_expected_host (const char *host,
                  guint       port)
{
  static const char * const names[] = { "localhost", "127.0.0.1", "[::1]" };

  if (host == NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *expected = g_strdup_printf ("%s:%u", names[i], port);

      if (g_ascii_strcasecmp (host, expected) == 0)
        return TRUE;
    }

  return FALSE;
}

/* application/x-www-form-urlencoded: '+' is a space, then %XX. NULL when an
 * escape is malformed or decodes to NUL. */
static char *
form_decode (const char *text,
             gsize       length)
{
  g_autofree char *plus_decoded = g_strndup (text, length);

  for (char *p = plus_decoded; *p != '\0'; p++)
    {
      if (*p == '+')
        *p = ' ';
    }

  return g_uri_unescape_string (plus_decoded, NULL);
}

typedef struct
{
  char     *code;
  char     *state;
  char     *error;
  char     *error_description;
  gboolean  is_state_repeated;
} CallbackParameters;

static void
callback_parameters_clear (CallbackParameters *params)
{
  bp_secret_free (params->code);
  bp_secret_free (params->state);
  g_free (params->error);
  g_free (params->error_description);
}

/* Takes value; FALSE when the parameter was already there. */
static gboolean
set_once (char **slot,
          char  *value)
{
  if (*slot != NULL)
    {
      bp_secret_free (value);
      return FALSE;
    }

  *slot = value;
  return TRUE;
}

/* Decodes one name=value pair of the query into @params. FALSE when it is
 * malformed, or when a parameter other than state comes twice. */
static gboolean
parse_parameter (const char         *pair,
                 gsize               length,
                 CallbackParameters *params)
{
  const char *equals = memchr (pair, '=', length);
  g_autofree char *name = NULL;
  char *value;

  if (equals == NULL)
    {
      name = form_decode (pair, length);
      value = g_strdup ("");
    }
  else
    {
      name = form_decode (pair, equals - pair);
      value = form_decode (equals + 1, length - (equals + 1 - pair));
    }

  if (name == NULL || value == NULL)
    {
      bp_secret_free (value);
      return FALSE;
    }

  if (strcmp (name, "code") == 0)
    return set_once (&params->code, value);

  if (strcmp (name, "state") == 0)
    {
      /* A repeated state is a wrong state, not merely a bad request. */
      if (!set_once (&params->state, value))
        params->is_state_repeated = TRUE;
      return TRUE;
    }

  if (strcmp (name, "error") == 0)
    return set_once (&params->error, value);

  if (strcmp (name, "error_description") == 0)
    return set_once (&params->error_description, value);

  bp_secret_free (value);
  return TRUE;
}

/* The pairs are parsed one by one in parse_parameter(): a g_autofree in this
 * loop, left by `break`, made gcc 12 -fanalyzer report a use of an
 * uninitialized value in the cleanup code it generates. */
static gboolean
parse_query (const char         *query,
             CallbackParameters *params)
{
  const char *p = query;

  if (query == NULL)
    return TRUE;

  while (*p != '\0')
    {
      const char *end = strchr (p, '&');
      gsize length = end != NULL ? (gsize) (end - p) : strlen (p);

      if (!parse_parameter (p, length, params))
        return FALSE;

      if (end == NULL)
        break;
      p = end + 1;
    }

  return TRUE;
}

static gboolean
is_printable_ascii (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p < 0x21 || *p > 0x7e)
        return FALSE;
    }

  return TRUE;
}

/* Salesforce's text, made safe to show: valid UTF-8, no control
 * characters, one line, not too long. */
static char *
clean_description (const char *text)
{
  g_autofree char *valid = NULL;
  GString *clean;
  guint count = 0;

  if (text == NULL)
    return NULL;

  valid = g_utf8_make_valid (text, -1);
  clean = g_string_new (NULL);

  for (const char *p = valid; *p != '\0' && count < MAX_DESCRIPTION_LENGTH; p = g_utf8_next_char (p), count++)
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c))
        c = ' ';
      g_string_append_unichar (clean, c);
    }

  return g_strstrip (g_string_free (clean, FALSE));
}

BpOAuthCallbackDecision *
bp_oauth_callback_decide (const BpOAuthCallbackRequest *request)
{
  CallbackParameters params = { NULL, };
  BpOAuthCallbackDecision *decision;

  g_return_val_if_fail (request != NULL, NULL);
  g_return_val_if_fail (request->method != NULL, NULL);
  g_return_val_if_fail (request->path != NULL, NULL);
  g_return_val_if_fail (request->expected_state != NULL && *request->expected_state != '\0', NULL);

  if (!is_expected_host (request->host, request->port))
    return decision_new (BP_OAUTH_CALLBACK_BAD_REQUEST, 400, "unexpected Host header");

  if (strcmp (request->path, BP_OAUTH_CALLBACK_PATH) != 0)
    return decision_new (BP_OAUTH_CALLBACK_NOT_FOUND, 404, "not the callback path");

  if (strcmp (request->method, "OPTIONS") == 0
      && request->private_network != NULL
      && g_ascii_strcasecmp (request->private_network, "true") == 0)
    {
      decision = decision_new (BP_OAUTH_CALLBACK_PREFLIGHT, 204, "private-network preflight");
      decision->headers = g_new0 (char *, 9);
      decision->headers[0] = g_strdup ("Access-Control-Allow-Methods");
      decision->headers[1] = g_strdup ("GET");
      decision->headers[2] = g_strdup ("Access-Control-Allow-Private-Network");
      decision->headers[3] = g_strdup ("true");
      decision->headers[4] = g_strdup ("Access-Control-Allow-Origin");
      decision->headers[5] = g_strdup (request->origin != NULL && is_printable_ascii (request->origin)
                                       ? request->origin : "*");
      decision->headers[6] = g_strdup ("Vary");
      decision->headers[7] = g_strdup ("Origin");
      return decision;
    }

  if (strcmp (request->method, "GET") != 0)
    {
      decision = decision_new (BP_OAUTH_CALLBACK_METHOD_NOT_ALLOWED, 405, "method not allowed");
      decision->headers = g_new0 (char *, 3);
      decision->headers[0] = g_strdup ("Allow");
      decision->headers[1] = g_strdup ("GET");
      return decision;
    }

  if (!parse_query (request->query, &params))
    {
      callback_parameters_clear (&params);
      return decision_new (BP_OAUTH_CALLBACK_BAD_REQUEST, 400, "malformed or repeated parameter");
    }

  if (params.state == NULL || params.is_state_repeated
      || !bp_pkce_secure_equal (params.state, request->expected_state))
    {
      const char *reason = params.state == NULL ? "state missing" : "state does not match";

      callback_parameters_clear (&params);
      return decision_new (BP_OAUTH_CALLBACK_BAD_STATE, 400, reason);
    }

  if (params.error != NULL)
    {
      decision = decision_new (BP_OAUTH_CALLBACK_ERROR, 200, "error from the authorization server");
      decision->error = clean_description (params.error);
      decision->error_description = clean_description (params.error_description);
      if (decision->error_description != NULL && *decision->error_description == '\0')
        g_clear_pointer (&decision->error_description, g_free);
      callback_parameters_clear (&params);
      return decision;
    }

  if (params.code == NULL || *params.code == '\0'
      || strlen (params.code) > BP_OAUTH_CALLBACK_MAX_CODE_LENGTH
      || !is_printable_ascii (params.code))
    {
      callback_parameters_clear (&params);
      return decision_new (BP_OAUTH_CALLBACK_BAD_REQUEST, 400, "no usable code");
    }

  decision = decision_new (BP_OAUTH_CALLBACK_CODE, 200, "authorization code");
  decision->code = g_steal_pointer (&params.code);
  callback_parameters_clear (&params);

  return decision;
}

char *
bp_oauth_callback_render_page (const char *title,
                               const char *message)
{
  g_autofree char *escaped_title = NULL;
  g_autofree char *escaped_message = NULL;

  g_return_val_if_fail (title != NULL, NULL);

  escaped_title = g_markup_escape_text (title, -1);
  escaped_message = g_markup_escape_text (message != NULL ? message : "", -1);

  return g_strdup_printf ("<!DOCTYPE html>\n"
                          "<html>\n"
                          "<head>\n"
                          "<meta charset=\"utf-8\">\n"
                          "<meta name=\"viewport\" content=\"width=device-width\">\n"
                          "<title>%s</title>\n"
                          "<style>body{font-family:sans-serif;max-width:40em;margin:4em auto;"
                          "padding:0 1em;line-height:1.5}</style>\n"
                          "</head>\n"
                          "<body>\n"
                          "<h1>%s</h1>\n"
                          "<p>%s</p>\n"
                          "</body>\n"
                          "</html>\n",
                          escaped_title, escaped_title, escaped_message);
}

gboolean
bp_oauth_callback_is_loopback_host (const char *host,
                                    guint       port)
{
  return is_expected_host (host, port);
}

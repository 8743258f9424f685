/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-salesforce-response"

#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "bp-error.h"
#include "bp-json.h"
#include "bp-salesforce-response.h"

/* Server text quoted in a message: short enough for a dialog line. */
#define EXCERPT_LENGTH 160
/* A run of this many token characters is treated as a possible secret. */
#define TOKEN_RUN_LENGTH 24
/* Only the start of a body is looked at for an excerpt. */
#define EXCERPT_INPUT_LIMIT (64 * 1024)

/* Excerpts */

static gboolean
is_token_char (gunichar c)
{
  return c > 0 && c < 0x80 && (g_ascii_isalnum (c) || strchr ("+/=_-.!~%", (int) c) != NULL);
}

static const struct
{
  const char *entity;
  const char *text;
} entities[] = {
  { "&amp;", "&" },
  { "&lt;", "<" },
  { "&gt;", ">" },
  { "&quot;", "\"" },
  { "&#39;", "'" },
  { "&apos;", "'" },
  { "&nbsp;", " " },
};

/* Drops tags (and the content of script and style elements), decodes the
 * common entities, turns control characters into spaces. */
static GString *
strip_markup (const char *text)
{
  GString *out = g_string_new (NULL);
  const char *p = text;

  while (*p != '\0')
    {
      /* A tag starts with a letter, '/', '!' or '?'; "a < b" is text. */
      if (*p == '<' && (g_ascii_isalpha (p[1]) || p[1] == '/' || p[1] == '!' || p[1] == '?'))
        {
          const char *close = strchr (p, '>');

          if (close == NULL)
            break;

          if (g_ascii_strncasecmp (p, "<script", 7) == 0 || g_ascii_strncasecmp (p, "<style", 6) == 0)
            {
              const char *end_tag = g_ascii_strncasecmp (p, "<script", 7) == 0 ? "</script" : "</style";
              const char *q = close;

              while (*q != '\0' && g_ascii_strncasecmp (q, end_tag, strlen (end_tag)) != 0)
                q++;
              close = *q != '\0' ? strchr (q, '>') : NULL;
              if (close == NULL)
                break;
            }

          g_string_append_c (out, ' ');
          p = close + 1;
          continue;
        }

      if (*p == '&')
        {
          gboolean decoded = FALSE;

          for (guint i = 0; i < G_N_ELEMENTS (entities); i++)
            {
              gsize entity_length = strlen (entities[i].entity);

              if (g_ascii_strncasecmp (p, entities[i].entity, entity_length) == 0)
                {
                  g_string_append (out, entities[i].text);
                  p += entity_length;
                  decoded = TRUE;
                  break;
                }
            }

          if (decoded)
            continue;
        }

      {
        gunichar c = g_utf8_get_char (p);

        if (g_unichar_iscntrl (c) || g_unichar_isspace (c))
          g_string_append_c (out, ' ');
        else
          g_string_append_unichar (out, c);
        p = g_utf8_next_char (p);
      }
    }

  return out;
}

/* The <title> when the page has a non-empty one, else the whole text. */
static char *
pick_title (const char *text)
{
  const char *start = NULL;
  const char *end;

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '<' && g_ascii_strncasecmp (p, "<title", 6) == 0)
        {
          start = strchr (p, '>');
          break;
        }
    }

  if (start == NULL)
    return NULL;
  start++;

  for (end = start; *end != '\0'; end++)
    {
      if (*end == '<' && g_ascii_strncasecmp (end, "</title", 7) == 0)
        break;
    }

  return g_strndup (start, end - start);
}

char *
bp_salesforce_sanitize_excerpt (const char *text,
                                gsize       length,
                                gsize       max_chars)
{
  g_autofree char *valid = NULL;
  g_autofree char *title = NULL;
  g_autoptr(GString) stripped = NULL;
  GString *out;
  const char *p;
  gsize count = 0;
  gboolean was_space = TRUE;

  if (text == NULL || length == 0)
    return g_strdup ("");

  valid = g_utf8_make_valid (text, MIN (length, EXCERPT_INPUT_LIMIT));
  title = pick_title (valid);
  if (title != NULL)
    {
      g_autoptr(GString) stripped_title = strip_markup (title);

      if (*g_strstrip (stripped_title->str) != '\0')
        stripped = g_steal_pointer (&stripped_title);
    }
  if (stripped == NULL)
    stripped = strip_markup (valid);

  out = g_string_new (NULL);
  p = stripped->str;

  while (*p != '\0' && count < max_chars)
    {
      gunichar c = g_utf8_get_char (p);

      if (is_token_char (c))
        {
          const char *run_end = p;

          while (*run_end != '\0' && is_token_char ((guchar) *run_end))
            run_end++;

          if (run_end - p >= TOKEN_RUN_LENGTH)
            {
              g_string_append (out, "…");
              count++;
            }
          else
            {
              gsize n = MIN ((gsize) (run_end - p), max_chars - count);

              g_string_append_len (out, p, n);
              count += n;
            }

          p = run_end;
          was_space = FALSE;
          continue;
        }

      if (c == ' ')
        {
          if (!was_space)
            {
              g_string_append_c (out, ' ');
              count++;
            }
          was_space = TRUE;
        }
      else
        {
          g_string_append_unichar (out, c);
          count++;
          was_space = FALSE;
        }

      p = g_utf8_next_char (p);
    }

  if (*p != '\0')
    {
      while (out->len > 0 && out->str[out->len - 1] == ' ')
        g_string_truncate (out, out->len - 1);
      g_string_append (out, "…");
    }

  return g_strstrip (g_string_free (out, FALSE));
}

gboolean
bp_salesforce_is_json_content_type (const char *content_type)
{
  g_autofree char *media_type = NULL;
  const char *semicolon;

  if (content_type == NULL)
    return FALSE;

  semicolon = strchr (content_type, ';');
  media_type = g_strstrip (g_ascii_strdown (content_type, semicolon != NULL ? semicolon - content_type : -1));

  return strcmp (media_type, "application/json") == 0 || g_str_has_suffix (media_type, "+json");
}

/* JSON */

static JsonNode *
parse_json (const char *body,
            gsize       length)
{
  g_autoptr(JsonParser) parser = NULL;

  if (body == NULL || length == 0 || length > G_MAXSSIZE)
    return NULL;

  parser = json_parser_new_immutable ();
  if (!bp_json_parser_load (parser, body, (gssize) length, NULL))
    return NULL;

  return json_parser_steal_root (parser);
}

static const char *
get_string_member (JsonObject *object,
                   const char *name)
{
  return bp_json_object_get_string (object, name);
}

gboolean
bp_salesforce_parse_oauth_error (const char  *body,
                                 gsize        length,
                                 char       **error_code,
                                 char       **description)
{
  g_autoptr(JsonNode) root = parse_json (body, length);
  JsonObject *object;
  const char *code;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return FALSE;

  object = json_node_get_object (root);
  code = get_string_member (object, "error");
  if (code == NULL || *code == '\0')
    return FALSE;

  if (error_code != NULL)
    *error_code = g_strdup (code);
  if (description != NULL)
    *description = g_strdup (get_string_member (object, "error_description"));

  return TRUE;
}

gboolean
bp_salesforce_parse_api_error (const char  *body,
                               gsize        length,
                               char       **error_code,
                               char       **message)
{
  g_autoptr(JsonNode) root = parse_json (body, length);
  JsonObject *object = NULL;
  const char *code;
  const char *text;

  if (root == NULL)
    return FALSE;

  if (JSON_NODE_HOLDS_ARRAY (root))
    {
      JsonArray *array = json_node_get_array (root);
      JsonNode *first = json_array_get_length (array) > 0 ? json_array_get_element (array, 0) : NULL;

      if (first != NULL && JSON_NODE_HOLDS_OBJECT (first))
        object = json_node_get_object (first);
    }
  else if (JSON_NODE_HOLDS_OBJECT (root))
    {
      object = json_node_get_object (root);
    }

  if (object == NULL)
    return FALSE;

  code = get_string_member (object, "errorCode");
  text = get_string_member (object, "message");
  if (code == NULL && text == NULL)
    return FALSE;

  if (error_code != NULL)
    *error_code = g_strdup (code);
  if (message != NULL)
    *message = g_strdup (text);

  return TRUE;
}

/* "62.0" → 62 and 0; FALSE unless digits '.' digits. */
static gboolean
parse_version (const char *text,
               guint64    *major,
               guint64    *minor)
{
  g_auto(GStrv) parts = NULL;

  if (text == NULL)
    return FALSE;

  parts = g_strsplit (text, ".", -1);
  if (g_strv_length (parts) != 2)
    return FALSE;

  return g_ascii_string_to_unsigned (parts[0], 10, 1, 9999, major, NULL)
         && g_ascii_string_to_unsigned (parts[1], 10, 0, 99, minor, NULL);
}

char *
bp_salesforce_parse_highest_api_version (const char *body,
                                         gsize       length)
{
  g_autoptr(JsonNode) root = parse_json (body, length);
  const char *best = NULL;
  guint64 best_major = 0;
  guint64 best_minor = 0;
  JsonArray *array;

  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    return NULL;

  array = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      const char *version;
      guint64 major;
      guint64 minor;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;

      version = get_string_member (json_node_get_object (element), "version");
      if (!parse_version (version, &major, &minor))
        continue;

      if (best == NULL || major > best_major || (major == best_major && minor > best_minor))
        {
          best = version;
          best_major = major;
          best_minor = minor;
        }
    }

  return g_strdup (best);
}

/* User info */

G_DEFINE_BOXED_TYPE (BpSalesforceUserInfo, bp_salesforce_user_info,
                     bp_salesforce_user_info_copy, bp_salesforce_user_info_free)

BpSalesforceUserInfo *
bp_salesforce_user_info_copy (const BpSalesforceUserInfo *info)
{
  BpSalesforceUserInfo *copy;

  g_return_val_if_fail (info != NULL, NULL);

  copy = g_new0 (BpSalesforceUserInfo, 1);
  copy->preferred_username = g_strdup (info->preferred_username);
  copy->organization_id = g_strdup (info->organization_id);
  copy->user_id = g_strdup (info->user_id);
  copy->name = g_strdup (info->name);
  copy->email = g_strdup (info->email);

  return copy;
}

void
bp_salesforce_user_info_free (BpSalesforceUserInfo *info)
{
  if (info == NULL)
    return;

  g_free (info->preferred_username);
  g_free (info->organization_id);
  g_free (info->user_id);
  g_free (info->name);
  g_free (info->email);
  g_free (info);
}

BpSalesforceUserInfo *
bp_salesforce_user_info_new_from_response (const char  *body,
                                           gsize        length,
                                           GError     **error)
{
  g_autoptr(JsonNode) root = parse_json (body, length);
  BpSalesforceUserInfo *info;
  JsonObject *object;
  const char *username;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, BP_ERROR, BP_ERROR_SALESFORCE,
                           _("Salesforce's user information could not be read (not a JSON object)."));
      return NULL;
    }

  object = json_node_get_object (root);
  username = get_string_member (object, "preferred_username");
  if (username == NULL || *username == '\0')
    {
      g_set_error_literal (error, BP_ERROR, BP_ERROR_SALESFORCE,
                           _("Salesforce's user information has no username."));
      return NULL;
    }

  info = g_new0 (BpSalesforceUserInfo, 1);
  info->preferred_username = g_strdup (username);
  info->organization_id = g_strdup (get_string_member (object, "organization_id"));
  info->user_id = g_strdup (get_string_member (object, "user_id"));
  info->name = g_strdup (get_string_member (object, "name"));
  info->email = g_strdup (get_string_member (object, "email"));

  return info;
}

/* Errors */

/* Salesforce's own words, appended to our hint; server text is sanitized. */
static GError *
new_error_with_detail (BpError     code,
                       const char *hint,
                       const char *detail,
                       gsize       detail_length)
{
  g_autofree char *excerpt = bp_salesforce_sanitize_excerpt (detail, detail_length, EXCERPT_LENGTH);

  if (*excerpt == '\0')
    return g_error_new_literal (BP_ERROR, code, hint);

  /* TRANSLATORS: %s is an explanation, then Salesforce's own (English) words. */
  return g_error_new (BP_ERROR, code, _("%s Salesforce said: “%s”"), hint, excerpt);
}

GError *
bp_salesforce_error_new_oauth (BpSalesforceRequest  request,
                               const char          *error_code,
                               const char          *description,
                               const char          *redirect_uri)
{
  g_autofree char *hint = NULL;
  gsize description_length = description != NULL ? strlen (description) : 0;
  BpError code;

  g_return_val_if_fail (error_code != NULL, NULL);

  if (strcmp (error_code, "access_denied") == 0)
    {
      code = BP_ERROR_ACCESS_DENIED;
      hint = g_strdup (_("Access was refused on Salesforce's page (access_denied). Press Request "
                         "token again and choose Allow."));
    }
  else if (strcmp (error_code, "invalid_client_id") == 0)
    {
      code = BP_ERROR_INVALID_CLIENT_ID;
      hint = g_strdup (_("Salesforce does not recognise the consumer key (invalid_client_id). Check "
                         "the Consumer key. A Connected App created less than about 10 minutes ago "
                         "is not active yet: wait a few minutes and try again."));
    }
  else if (strcmp (error_code, "invalid_client") == 0)
    {
      code = BP_ERROR_INVALID_CLIENT;
      hint = g_strdup (_("Salesforce refused the consumer secret (invalid_client). Check the "
                         "Consumer secret of the Connected App."));
    }
  else if (strcmp (error_code, "invalid_grant") == 0)
    {
      code = BP_ERROR_INVALID_GRANT;
      if (request == BP_SALESFORCE_REQUEST_CODE_EXCHANGE || request == BP_SALESFORCE_REQUEST_AUTHORIZE)
        hint = g_strdup (_("Salesforce refused the authorization (invalid_grant): the code expired "
                           "or was already used, or a policy of the Connected App (permitted users, "
                           "IP restrictions) blocks this user. Press Request token again."));
      else
        hint = g_strdup (_("The refresh token is no longer valid (invalid_grant): it was revoked, "
                           "expired or replaced, or a policy of the Connected App blocks it. Press "
                           "Request token to get a new one."));
    }
  else if (strcmp (error_code, "redirect_uri_mismatch") == 0)
    {
      code = BP_ERROR_REDIRECT_URI_MISMATCH;
      if (redirect_uri != NULL)
        hint = g_strdup_printf (_("The callback URL is not the one registered on the Connected App "
                                  "(redirect_uri_mismatch). Register exactly %s as its Callback "
                                  "URL, wait a few minutes, and try again."),
                                redirect_uri);
      else
        hint = g_strdup (_("The callback URL is not the one registered on the Connected App "
                           "(redirect_uri_mismatch). Register exactly the callback URL shown as "
                           "its Callback URL, wait a few minutes, and try again."));
    }
  else if (strcmp (error_code, "invalid_request") == 0)
    {
      code = BP_ERROR_INVALID_REQUEST;
      hint = g_strdup (_("Salesforce refused the request as malformed (invalid_request); usually "
                         "the PKCE code verifier did not match the challenge. Press Request token "
                         "again."));
    }
  else
    {
      g_autofree char *name = bp_salesforce_sanitize_excerpt (error_code, strlen (error_code), 60);

      code = BP_ERROR_SALESFORCE;
      hint = g_strdup_printf (_("Salesforce refused the request (%s)."), name);
    }

  return new_error_with_detail (code, hint, description, description_length);
}

/* The reason phrases of RFC 9110 and its predecessors, as libsoup names
 * them (test-salesforce-client compares every status with libsoup's): the
 * messages that name a status are made without loading libsoup, which an
 * answer that arrived has loaded, but a parser fed bytes (a fuzz target, a
 * test) has not. Never the phrase the server sent: that is its text. */
static const struct
{
  guint       status;
  const char *phrase;
} status_phrases[] = {
  { 100, "Continue" },
  { 101, "Switching Protocols" },
  { 102, "Processing" },
  { 103, "Early Hints" },
  { 200, "OK" },
  { 201, "Created" },
  { 202, "Accepted" },
  { 203, "Non-Authoritative Information" },
  { 204, "No Content" },
  { 205, "Reset Content" },
  { 206, "Partial Content" },
  { 207, "Multi-Status" },
  { 300, "Multiple Choices" },
  { 301, "Moved Permanently" },
  { 302, "Found" },
  { 303, "See Other" },
  { 304, "Not Modified" },
  { 305, "Use Proxy" },
  { 307, "Temporary Redirect" },
  { 308, "Permanent Redirect" },
  { 400, "Bad Request" },
  { 401, "Unauthorized" },
  { 402, "Payment Required" },
  { 403, "Forbidden" },
  { 404, "Not Found" },
  { 405, "Method Not Allowed" },
  { 406, "Not Acceptable" },
  { 407, "Proxy Authentication Required" },
  { 408, "Request Timeout" },
  { 409, "Conflict" },
  { 410, "Gone" },
  { 411, "Length Required" },
  { 412, "Precondition Failed" },
  { 413, "Request Entity Too Large" },
  { 414, "Request-URI Too Long" },
  { 415, "Unsupported Media Type" },
  { 416, "Requested Range Not Satisfiable" },
  { 417, "Expectation Failed" },
  { 422, "Unprocessable Entity" },
  { 423, "Locked" },
  { 424, "Failed Dependency" },
  { 500, "Internal Server Error" },
  { 501, "Not Implemented" },
  { 502, "Bad Gateway" },
  { 503, "Service Unavailable" },
  { 504, "Gateway Timeout" },
  { 505, "HTTP Version Not Supported" },
  { 507, "Insufficient Storage" },
  { 510, "Not Extended" },
};

static const char *
status_phrase (guint status)
{
  for (gsize i = 0; i < G_N_ELEMENTS (status_phrases); i++)
    if (status_phrases[i].status == status)
      return status_phrases[i].phrase;

  return "Unknown Error";
}

GError *
bp_salesforce_error_new_from_response (BpSalesforceRequest  request,
                                       guint                status,
                                       const char          *content_type,
                                       const char          *body,
                                       gsize                length,
                                       const char          *redirect_uri)
{
  g_autofree char *error_code = NULL;
  g_autofree char *description = NULL;
  g_autofree char *hint = NULL;

  if (bp_salesforce_parse_oauth_error (body, length, &error_code, &description))
    return bp_salesforce_error_new_oauth (request, error_code, description, redirect_uri);

  if (bp_salesforce_parse_api_error (body, length, &error_code, &description))
    {
      g_autofree char *name = bp_salesforce_sanitize_excerpt (error_code, error_code ? strlen (error_code) : 0, 60);

      if (status == 401)
        return new_error_with_detail (BP_ERROR_INVALID_SESSION,
                                      _("Salesforce did not accept the access token (HTTP 401)."),
                                      description, description ? strlen (description) : 0);

      if (status == 403)
        {
          if (g_strcmp0 (error_code, "REQUEST_LIMIT_EXCEEDED") == 0)
            hint = g_strdup (_("Salesforce refused the request: the org has used up its API "
                               "requests for now (REQUEST_LIMIT_EXCEEDED). Try again later."));
          else if (*name != '\0')
            hint = g_strdup_printf (_("Salesforce refused access (%s). The authorized user may "
                                      "lack the “View Setup and Configuration” permission."),
                                    name);
          else
            hint = g_strdup (_("Salesforce refused access. The authorized user may lack the "
                               "“View Setup and Configuration” permission."));

          return new_error_with_detail (BP_ERROR_PERMISSION_DENIED, hint,
                                        description, description ? strlen (description) : 0);
        }

      if (*name != '\0')
        hint = g_strdup_printf (_("Salesforce answered with HTTP %u %s (%s)."), status,
                                status_phrase (status), name);
      else
        hint = g_strdup_printf (_("Salesforce answered with HTTP %u %s."), status, status_phrase (status));

      return new_error_with_detail (BP_ERROR_SALESFORCE, hint, description,
                                    description ? strlen (description) : 0);
    }

  if (status == 401 && (request == BP_SALESFORCE_REQUEST_LIMITS || request == BP_SALESFORCE_REQUEST_USERINFO))
    return g_error_new_literal (BP_ERROR, BP_ERROR_INVALID_SESSION,
                                _("Salesforce did not accept the access token (HTTP 401)."));

  if (status >= 500)
    hint = g_strdup_printf (_("Salesforce is not available right now (HTTP %u %s). Try again later."),
                            status, status_phrase (status));
  else if (bp_salesforce_is_json_content_type (content_type))
    hint = g_strdup_printf (_("Salesforce answered with HTTP %u %s and data that could not be "
                              "understood."),
                            status, status_phrase (status));
  else
    hint = g_strdup_printf (_("Salesforce answered with HTTP %u %s and a web page instead of the "
                              "expected data. Check the Url."),
                            status, status_phrase (status));

  return new_error_with_detail (BP_ERROR_SALESFORCE, hint, body, length);
}

GError *
bp_salesforce_error_new_from_transport (const GError *error,
                                        const char   *host)
{
  g_return_val_if_fail (error != NULL, NULL);

  if (host == NULL)
    host = "";

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (error);

  if (error->domain == G_RESOLVER_ERROR)
    return g_error_new (BP_ERROR, BP_ERROR_NETWORK,
                        _("The server %s could not be found. Check the Url and the network "
                          "connection."),
                        host);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    return g_error_new (BP_ERROR, BP_ERROR_NETWORK,
                        _("The server %s refused the connection. Check the Url, or try again "
                          "later."),
                        host);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE)
      || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE))
    return g_error_new (BP_ERROR, BP_ERROR_NETWORK,
                        _("The server %s cannot be reached from this computer. Check the network "
                          "connection and any proxy settings."),
                        host);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return g_error_new (BP_ERROR, BP_ERROR_TIMED_OUT,
                        _("The server %s did not answer in time. Check the network connection and "
                          "try again."),
                        host);

  /* The request went out and no whole answer came back (FIN, RST, a proxy
   * dropping it, a server that died). Whether a code was used up meanwhile
   * cannot be known: starting again is the only safe advice. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT)
      || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED)
      || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE))
    return g_error_new (BP_ERROR, BP_ERROR_NETWORK,
                        _("The server %s closed the connection before it answered. Please try "
                          "again; if it keeps happening, check the network connection and any "
                          "proxy settings."),
                        host);

  if (error->domain == G_TLS_ERROR)
    {
      if (g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE))
        return g_error_new (BP_ERROR, BP_ERROR_TLS,
                            _("The certificate of %s is not trusted, so nothing was sent. A proxy "
                              "or firewall that inspects secure connections may be in the way; "
                              "its certificate must be trusted by the system."),
                            host);

      return g_error_new (BP_ERROR, BP_ERROR_TLS,
                          _("The secure connection to %s failed (%s), so nothing was sent."),
                          host, error->message);
    }

  return g_error_new (BP_ERROR, BP_ERROR_NETWORK, _("The connection to %s failed: %s"),
                      host, error->message);
}

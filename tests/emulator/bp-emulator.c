/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-emulator"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "bp-emulator.h"

#define AUTHORIZE_PATH "/services/oauth2/authorize"
#define TOKEN_PATH     "/services/oauth2/token"
#define REVOKE_PATH    "/services/oauth2/revoke"
#define USERINFO_PATH  "/services/oauth2/userinfo"
#define DATA_PATH      "/services/data/"

/* What /services/data/ lists (Salesforce lists them oldest first). */
static const struct
{
  const char *label;
  const char *version;
} api_versions[] = {
  { "Winter '15", "31.0" },
  { "Summer '23", "58.0" },
  { "Winter '24", "59.0" },
  { "Spring '24", "60.0" },
  { "Summer '24", "61.0" },
  { "Winter '25", "62.0" },
  { "Spring '25", "63.0" },
};

/* A realistic /limits/ body: nested per-app entries, one limit over its
 * maximum (negative Remaining), names the application has never seen. */
static const char limits_body[] =
  "{"
  "\"ActiveScratchOrgs\":{\"Max\":3,\"Remaining\":3},"
  "\"AnalyticsExternalDataSizeMB\":{\"Max\":40960,\"Remaining\":40960},"
  "\"ConcurrentAsyncGetReportInstances\":{\"Max\":200,\"Remaining\":200},"
  "\"ConcurrentSyncReportRuns\":{\"Max\":20,\"Remaining\":20},"
  "\"DailyAnalyticsDataflowJobExecutions\":{\"Max\":60,\"Remaining\":60},"
  "\"DailyApiRequests\":{\"Max\":15000,\"Remaining\":14016,"
    "\"Ant Migration Tool\":{\"Max\":0,\"Remaining\":0},"
    "\"Bright Pattern Integration\":{\"Max\":0,\"Remaining\":0},"
    "\"Salesforce CLI\":{\"Max\":0,\"Remaining\":0},"
    "\"Salesforce Mobile Dashboards\":{\"Max\":0,\"Remaining\":0},"
    "\"Salesforce for Outlook\":{\"Max\":0,\"Remaining\":0}},"
  "\"DailyAsyncApexExecutions\":{\"Max\":250000,\"Remaining\":250000},"
  "\"DailyBulkApiBatches\":{\"Max\":15000,\"Remaining\":15000},"
  "\"DailyBulkV2QueryFileStorageMB\":{\"Max\":976562,\"Remaining\":976562},"
  "\"DailyBulkV2QueryJobs\":{\"Max\":10000,\"Remaining\":10000},"
  "\"DailyGenericStreamingApiEvents\":{\"Max\":10000,\"Remaining\":10000},"
  "\"DailyStreamingApiEvents\":{\"Max\":10000,\"Remaining\":9990},"
  "\"DailyWorkflowEmails\":{\"Max\":390,\"Remaining\":390},"
  "\"DataStorageMB\":{\"Max\":5,\"Remaining\":-2},"
  "\"FileStorageMB\":{\"Max\":20,\"Remaining\":19},"
  "\"HourlyAsyncReportRuns\":{\"Max\":1200,\"Remaining\":1200},"
  "\"HourlyDashboardRefreshes\":{\"Max\":200,\"Remaining\":200},"
  "\"HourlyODataCallout\":{\"Max\":10000,\"Remaining\":9999},"
  "\"HourlySyncReportRuns\":{\"Max\":500,\"Remaining\":500},"
  "\"MassEmail\":{\"Max\":10,\"Remaining\":10},"
  "\"PermissionSets\":{\"Max\":1500,\"Remaining\":1495,"
    "\"CreateCustom\":{\"Max\":1000,\"Remaining\":995}},"
  "\"SingleEmail\":{\"Max\":15,\"Remaining\":15},"
  "\"StreamingApiConcurrentClients\":{\"Max\":20,\"Remaining\":20}"
  "}";

static const char html_page[] =
  "<!DOCTYPE html>\n<html><head><title>Salesforce - Maintenance</title></head>\n"
  "<body><h1>Down for maintenance</h1>\n"
  "<p>We are performing scheduled maintenance. Please check back soon.</p>\n"
  "<script>var trackingId = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';</script>\n"
  "</body></html>\n";

static const char error_page[] =
  "<!DOCTYPE html>\n<html><head><title>Internal Server Error</title></head>\n"
  "<body><h1>An internal server error has occurred</h1>\n"
  "<p>An error occurred while processing your request.</p></body></html>\n";

typedef struct
{
  char     *client_id;
  char     *redirect_uri;
  char     *challenge;    /* NULL: no PKCE */
  char     *method;
  char     *scope;
  gboolean  is_used;
} CodeGrant;

static void
code_grant_free (gpointer data)
{
  CodeGrant *grant = data;

  g_free (grant->client_id);
  g_free (grant->redirect_uri);
  g_free (grant->challenge);
  g_free (grant->method);
  g_free (grant->scope);
  g_free (grant);
}

struct _BpEmulator
{
  GObject     parent_instance;

  SoupServer *server;
  char       *base_url;
  guint       port;

  /* switches */
  guint       latency_ms;
  BpEmulatorFault fault;
  gboolean    fail_with_500;
  gboolean    answer_html;
  gboolean    invalid_grant;
  gboolean    unauthorized_once;
  gboolean    rotate;
  gboolean    deny;
  gboolean    issue_refresh_tokens;
  gboolean    forbid_limits;
  char       *consumer_key;
  char       *consumer_secret;
  char       *registered_callback;

  /* state */
  GHashTable *codes;            /* code → CodeGrant */
  GHashTable *refresh_tokens;   /* refresh token → client id ("" for any) */
  GHashTable *access_tokens;    /* access token → refresh token ("" when none) */

  /* records */
  guint       authorize_count;
  guint       code_exchange_count;
  guint       refresh_count;
  guint       limits_count;
  guint       held_count;
  GPtrArray  *trickles;         /* Trickle, answers that never end */
  char       *last_method;
  char       *last_redirect_uri;
  char       *last_scope;
  char       *last_prompt;
  gboolean    last_had_secret;
  gboolean    last_had_verifier;
  GPtrArray  *revoked;
  GPtrArray  *secrets;
  GPtrArray  *secret_kinds;     /* static strings, parallel to secrets */
};

G_DEFINE_FINAL_TYPE (BpEmulator, bp_emulator, G_TYPE_OBJECT)

enum {
  REQUEST_HANDLED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Helpers */

static void
remember_secret (BpEmulator *self,
                 const char *kind,
                 const char *secret)
{
  if (secret != NULL && *secret != '\0')
    {
      g_ptr_array_add (self->secrets, g_strdup (secret));
      g_ptr_array_add (self->secret_kinds, (gpointer) kind);
    }
}

static char *
random_text (gsize n_bytes)
{
  g_autofree guint8 *bytes = g_new (guint8, n_bytes);

  for (gsize i = 0; i < n_bytes; i++)
    bytes[i] = g_random_int_range (0, 256);

  return g_base64_encode (bytes, n_bytes);
}

/* base64url without padding */
static char *
random_token_text (gsize n_bytes)
{
  char *text = random_text (n_bytes);

  for (char *p = text; *p != '\0'; p++)
    {
      if (*p == '+')
        *p = '.';
      else if (*p == '/')
        *p = '_';
      else if (*p == '=')
        *p = '\0';
    }

  return text;
}

/* Salesforce's codes are base64 and, URL-encoded, often end in %3D%3D:
 * 64 bytes (64 % 3 == 1) always end in "==". */
static char *
new_code (void)
{
  return random_text (64);
}

static char *
new_access_token (void)
{
  g_autofree char *tail = random_token_text (72);

  return g_strconcat (BP_EMULATOR_ORGANIZATION_ID "!", tail, NULL);
}

static char *
new_refresh_token (void)
{
  g_autofree char *tail = random_token_text (60);

  return g_strconcat ("5Aep861", tail, NULL);
}

static char *
compute_s256 (const char *verifier)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize length = sizeof digest;
  char *text;
  gsize end;

  g_checksum_update (checksum, (const guchar *) verifier, strlen (verifier));
  g_checksum_get_digest (checksum, digest, &length);
  text = g_base64_encode (digest, length);

  for (char *p = text; *p != '\0'; p++)
    {
      if (*p == '+')
        *p = '-';
      else if (*p == '/')
        *p = '_';
    }
  end = strlen (text);
  while (end > 0 && text[end - 1] == '=')
    text[--end] = '\0';

  return text;
}

static void
set_json (SoupServerMessage *message,
          guint              status,
          JsonBuilder       *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  char *text = json_to_string (root, FALSE);

  soup_server_message_set_status (message, status, NULL);
  soup_server_message_set_response (message, "application/json;charset=UTF-8", SOUP_MEMORY_TAKE,
                                    text, strlen (text));
}

static void
set_json_text (SoupServerMessage *message,
               guint              status,
               const char        *text)
{
  soup_server_message_set_status (message, status, NULL);
  soup_server_message_set_response (message, "application/json;charset=UTF-8", SOUP_MEMORY_COPY,
                                    text, strlen (text));
}

static void
set_html (SoupServerMessage *message,
          guint              status,
          const char        *page)
{
  soup_server_message_set_status (message, status, NULL);
  soup_server_message_set_response (message, "text/html;charset=UTF-8", SOUP_MEMORY_COPY,
                                    page, strlen (page));
}

static void
set_oauth_error (SoupServerMessage *message,
                 const char        *error,
                 const char        *description)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, error);
  json_builder_set_member_name (builder, "error_description");
  json_builder_add_string_value (builder, description);
  json_builder_end_object (builder);

  set_json (message, SOUP_STATUS_BAD_REQUEST, builder);
}

static void
set_api_error (SoupServerMessage *message,
               guint              status,
               const char        *error_code,
               const char        *text)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, text);
  json_builder_set_member_name (builder, "errorCode");
  json_builder_add_string_value (builder, error_code);
  json_builder_end_object (builder);
  json_builder_end_array (builder);

  set_json (message, status, builder);
}

static gboolean
stop_cb (gpointer user_data)
{
  bp_emulator_stop (user_data);
  return G_SOURCE_REMOVE;
}

/* Drops the connection without an answer: a FIN, or with @reset an RST
 * (SO_LINGER 0), as a crashed server or a middlebox would. */
static void
drop_connection (SoupServerMessage *message,
                 gboolean           reset)
{
  g_autoptr(GSocket) socket = g_object_ref (soup_server_message_get_socket (message));
  g_autoptr(GIOStream) stream = NULL;

  /* Marks it for delayed_dispatch_cb: a stolen message is not unpaused. */
  g_object_set_data (G_OBJECT (message), "bp-emulator-dropped", GINT_TO_POINTER (TRUE));
  stream = soup_server_message_steal_connection (message);

  if (reset)
    {
      struct linger linger = { .l_onoff = 1, .l_linger = 0 };

      if (setsockopt (g_socket_get_fd (socket), SOL_SOCKET, SO_LINGER, &linger, sizeof linger) != 0)
        g_warning ("SO_LINGER: %s", g_strerror (errno));
    }

  g_io_stream_close (stream, NULL, NULL);
  g_socket_close (socket, NULL);
}

static void
set_huge_body (SoupServerMessage *message)
{
  static const char prefix[] = "{\"padding\":\"";
  g_autoptr(GBytes) chunk = NULL;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (message);
  SoupMessageBody *body = soup_server_message_get_response_body (message);
  gsize chunk_size = 64 * 1024;
  char *data = g_malloc (chunk_size);

  memset (data, 'a', chunk_size);
  chunk = g_bytes_new_take (data, chunk_size);

  /* Chunked: the client cannot know the size before it reads. */
  soup_server_message_set_status (message, SOUP_STATUS_OK, NULL);
  soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
  soup_message_headers_set_content_type (headers, "application/json;charset=UTF-8", NULL);
  soup_message_body_append (body, SOUP_MEMORY_STATIC, prefix, strlen (prefix));
  for (gsize written = strlen (prefix); written < BP_EMULATOR_HUGE_BODY_SIZE; written += chunk_size)
    soup_message_body_append_bytes (body, chunk);
  soup_message_body_complete (body);
}

typedef struct
{
  SoupServerMessage *message;
  guint              source_id;
  gulong             finished_id;
} Trickle;

static void
trickle_free (gpointer data)
{
  Trickle *trickle = data;

  g_clear_handle_id (&trickle->source_id, g_source_remove);
  g_clear_signal_handler (&trickle->finished_id, trickle->message);
  g_clear_object (&trickle->message);
  g_free (trickle);
}

static gboolean
trickle_cb (gpointer user_data)
{
  Trickle *trickle = user_data;

  /* JSON allows any amount of white space before the value. */
  soup_message_body_append (soup_server_message_get_response_body (trickle->message), SOUP_MEMORY_STATIC,
                            " ", 1);
  soup_server_message_unpause (trickle->message);

  return G_SOURCE_CONTINUE;
}

static void
trickle_finished_cb (SoupServerMessage *message,
                     gpointer           user_data)
{
  BpEmulator *self = user_data;

  /* The client gave up: stop dripping. */
  for (guint i = 0; i < self->trickles->len; i++)
    if (((Trickle *) g_ptr_array_index (self->trickles, i))->message == message)
      {
        g_ptr_array_remove_index_fast (self->trickles, i);
        break;
      }
}

static void
start_trickle (BpEmulator        *self,
               SoupServerMessage *message)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (message);
  Trickle *trickle = g_new0 (Trickle, 1);

  soup_server_message_set_status (message, SOUP_STATUS_OK, NULL);
  soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
  soup_message_headers_set_content_type (headers, "application/json;charset=UTF-8", NULL);

  trickle->message = g_object_ref (message);
  trickle->finished_id = g_signal_connect (message, "finished", G_CALLBACK (trickle_finished_cb), self);
  trickle->source_id = g_timeout_add (250, trickle_cb, trickle);
  g_ptr_array_add (self->trickles, trickle);
}

/* The injected faults of the JSON endpoints; TRUE when one answered. */
static gboolean
answer_fault (BpEmulator        *self,
              SoupServerMessage *message)
{
  switch (self->fault)
    {
    case BP_EMULATOR_FAULT_NONE:
      break;
    case BP_EMULATOR_FAULT_CLOSE:
      drop_connection (message, FALSE);
      return TRUE;
    case BP_EMULATOR_FAULT_RESET:
      drop_connection (message, TRUE);
      return TRUE;
    case BP_EMULATOR_FAULT_DIE:
      drop_connection (message, FALSE);
      /* Not from inside the server's own callback. */
      g_idle_add_full (G_PRIORITY_HIGH, stop_cb, g_object_ref (self), g_object_unref);
      return TRUE;
    case BP_EMULATOR_FAULT_GARBAGE:
      set_json_text (message, SOUP_STATUS_OK, "\x01\x7f<<not json at all>> \xff\xfe");
      return TRUE;
    case BP_EMULATOR_FAULT_TRUNCATED:
      set_json_text (message, SOUP_STATUS_OK, "{\"access_token\":\"" BP_EMULATOR_ORGANIZATION_ID "!AQ0Aq");
      return TRUE;
    case BP_EMULATOR_FAULT_HUGE:
      set_huge_body (message);
      return TRUE;
    case BP_EMULATOR_FAULT_TRICKLE:
      start_trickle (self, message);
      return TRUE;
    default:
      g_assert_not_reached ();
    }

  if (self->fail_with_500)
    {
      set_html (message, SOUP_STATUS_INTERNAL_SERVER_ERROR, error_page);
      return TRUE;
    }

  if (self->answer_html)
    {
      set_html (message, SOUP_STATUS_OK, html_page);
      return TRUE;
    }

  return FALSE;
}

static GHashTable *
read_form (SoupServerMessage *message)
{
  SoupMessageBody *body = soup_server_message_get_request_body (message);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));

  return soup_form_decode (text);
}

static const char *
get_bearer (SoupServerMessage *message)
{
  const char *value = soup_message_headers_get_one (soup_server_message_get_request_headers (message),
                                                    "Authorization");

  if (value == NULL || g_ascii_strncasecmp (value, "Bearer ", 7) != 0)
    return NULL;

  return value + 7;
}

static void
replace_string (char       **slot,
                const char  *value)
{
  g_free (*slot);
  *slot = g_strdup (value);
}

/* Authorize */

static void
handle_authorize (BpEmulator        *self,
                  SoupServerMessage *message,
                  GHashTable        *query)
{
  const char *response_type = query ? g_hash_table_lookup (query, "response_type") : NULL;
  const char *client_id = query ? g_hash_table_lookup (query, "client_id") : NULL;
  const char *redirect_uri = query ? g_hash_table_lookup (query, "redirect_uri") : NULL;
  const char *state = query ? g_hash_table_lookup (query, "state") : NULL;
  const char *challenge = query ? g_hash_table_lookup (query, "code_challenge") : NULL;
  const char *method = query ? g_hash_table_lookup (query, "code_challenge_method") : NULL;
  const char *scope = query ? g_hash_table_lookup (query, "scope") : NULL;
  g_autoptr(GString) location = NULL;

  self->authorize_count++;
  replace_string (&self->last_method, method);
  replace_string (&self->last_redirect_uri, redirect_uri);
  replace_string (&self->last_scope, scope);
  replace_string (&self->last_prompt, query ? g_hash_table_lookup (query, "prompt") : NULL);
  remember_secret (self, "state", state);

  /* Salesforce shows these on its own page: it cannot trust the redirect URI. */
  if (g_strcmp0 (response_type, "code") != 0)
    {
      set_html (message, SOUP_STATUS_BAD_REQUEST,
                "<html><head><title>error=unsupported_response_type</title></head></html>");
      return;
    }
  if (client_id == NULL || (self->consumer_key != NULL && strcmp (client_id, self->consumer_key) != 0))
    {
      set_html (message, SOUP_STATUS_BAD_REQUEST,
                "<html><head><title>error=invalid_client_id&amp;error_description=client identifier "
                "invalid</title></head></html>");
      return;
    }
  if (redirect_uri == NULL
      || (self->registered_callback != NULL && strcmp (redirect_uri, self->registered_callback) != 0))
    {
      set_html (message, SOUP_STATUS_BAD_REQUEST,
                "<html><head><title>error=redirect_uri_mismatch&amp;error_description=redirect_uri "
                "must match configuration</title></head></html>");
      return;
    }

  location = g_string_new (redirect_uri);
  g_string_append_c (location, strchr (redirect_uri, '?') != NULL ? '&' : '?');

  if (self->deny)
    {
      g_string_append (location, "error=access_denied&error_description=end-user+denied+authorization");
    }
  else
    {
      g_autofree char *code = new_code ();
      g_autofree char *escaped = g_uri_escape_string (code, NULL, FALSE);
      CodeGrant *grant = g_new0 (CodeGrant, 1);

      grant->client_id = g_strdup (client_id);
      grant->redirect_uri = g_strdup (redirect_uri);
      grant->challenge = g_strdup (challenge);
      grant->method = g_strdup (method != NULL ? method : "plain");
      grant->scope = g_strdup (scope);
      g_hash_table_insert (self->codes, g_strdup (code), grant);
      remember_secret (self, "authorization code", code);

      g_string_append_printf (location, "code=%s", escaped);
    }

  if (state != NULL)
    {
      g_autofree char *escaped = g_uri_escape_string (state, NULL, FALSE);

      g_string_append_printf (location, "&state=%s", escaped);
    }

  soup_server_message_set_redirect (message, SOUP_STATUS_FOUND, location->str);
}

/* Token */

static gboolean
check_client (BpEmulator        *self,
              SoupServerMessage *message,
              GHashTable        *form)
{
  const char *client_id = g_hash_table_lookup (form, "client_id");
  const char *secret = g_hash_table_lookup (form, "client_secret");

  self->last_had_secret = secret != NULL;
  remember_secret (self, "consumer secret", secret);

  if (client_id == NULL || (self->consumer_key != NULL && strcmp (client_id, self->consumer_key) != 0))
    {
      set_oauth_error (message, "invalid_client_id", "client identifier invalid");
      return FALSE;
    }

  if (self->consumer_secret != NULL && g_strcmp0 (secret, self->consumer_secret) != 0)
    {
      set_oauth_error (message, "invalid_client", "invalid client credentials");
      return FALSE;
    }

  return TRUE;
}

static void
add_string_member (JsonBuilder *builder,
                   const char  *name,
                   const char  *value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

/* Mirrors Salesforce: no expires_in; issued_at is a string of milliseconds. */
static void
answer_tokens (BpEmulator        *self,
               SoupServerMessage *message,
               const char        *access_token,
               const char        *refresh_token,
               const char        *scope)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *id = g_strdup_printf ("%s/id/%s/%s", self->base_url, BP_EMULATOR_ORGANIZATION_ID,
                                         BP_EMULATOR_USER_ID);
  g_autofree char *issued_at = g_strdup_printf ("%" G_GINT64_FORMAT, g_get_real_time () / 1000);
  g_autofree char *signature = random_text (32);

  json_builder_begin_object (builder);
  add_string_member (builder, "access_token", access_token);
  if (refresh_token != NULL)
    add_string_member (builder, "refresh_token", refresh_token);
  add_string_member (builder, "signature", signature);
  add_string_member (builder, "scope", scope != NULL ? scope : "api refresh_token offline_access");
  add_string_member (builder, "instance_url", self->base_url);
  add_string_member (builder, "id", id);
  add_string_member (builder, "token_type", "Bearer");
  add_string_member (builder, "issued_at", issued_at);
  json_builder_end_object (builder);

  set_json (message, SOUP_STATUS_OK, builder);
}

static gboolean
scope_has_refresh (const char *scope)
{
  g_auto(GStrv) words = NULL;

  if (scope == NULL)
    return TRUE;

  words = g_strsplit (scope, " ", -1);
  return g_strv_contains ((const char * const *) words, "refresh_token")
         || g_strv_contains ((const char * const *) words, "offline_access");
}

static void
handle_code_grant (BpEmulator        *self,
                   SoupServerMessage *message,
                   GHashTable        *form)
{
  const char *code = g_hash_table_lookup (form, "code");
  const char *redirect_uri = g_hash_table_lookup (form, "redirect_uri");
  const char *verifier = g_hash_table_lookup (form, "code_verifier");
  const char *client_id = g_hash_table_lookup (form, "client_id");
  g_autofree char *access_token = NULL;
  g_autofree char *refresh_token = NULL;
  CodeGrant *grant;

  self->code_exchange_count++;
  self->last_had_verifier = verifier != NULL;
  remember_secret (self, "PKCE verifier", verifier);

  if (!check_client (self, message, form))
    return;

  if (self->invalid_grant)
    {
      set_oauth_error (message, "invalid_grant", "authentication failure");
      return;
    }

  grant = code != NULL ? g_hash_table_lookup (self->codes, code) : NULL;
  if (grant == NULL || grant->is_used || g_strcmp0 (grant->client_id, client_id) != 0)
    {
      set_oauth_error (message, "invalid_grant", "invalid authorization code");
      return;
    }

  /* Single use, whatever happens next. */
  grant->is_used = TRUE;

  if (g_strcmp0 (redirect_uri, grant->redirect_uri) != 0)
    {
      set_oauth_error (message, "redirect_uri_mismatch", "redirect_uri must match configuration");
      return;
    }

  if (grant->challenge != NULL)
    {
      g_autofree char *computed = NULL;

      if (verifier == NULL)
        {
          set_oauth_error (message, "invalid_request", "code_verifier required");
          return;
        }

      computed = strcmp (grant->method, "S256") == 0 ? compute_s256 (verifier) : g_strdup (verifier);
      if (strcmp (computed, grant->challenge) != 0)
        {
          set_oauth_error (message, "invalid_request", "invalid code verifier");
          return;
        }
    }

  access_token = new_access_token ();
  remember_secret (self, "access token", access_token);
  if (self->issue_refresh_tokens && scope_has_refresh (grant->scope))
    {
      refresh_token = new_refresh_token ();
      remember_secret (self, "refresh token", refresh_token);
      g_hash_table_insert (self->refresh_tokens, g_strdup (refresh_token), g_strdup (client_id));
    }
  g_hash_table_insert (self->access_tokens, g_strdup (access_token),
                       g_strdup (refresh_token != NULL ? refresh_token : ""));

  answer_tokens (self, message, access_token, refresh_token, grant->scope);
}

static void
forget_access_tokens_of (BpEmulator *self,
                         const char *refresh_token)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->access_tokens);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      if (strcmp (value, refresh_token) == 0)
        g_hash_table_iter_remove (&iter);
    }
}

static void
handle_refresh_grant (BpEmulator        *self,
                      SoupServerMessage *message,
                      GHashTable        *form)
{
  const char *refresh_token = g_hash_table_lookup (form, "refresh_token");
  const char *client_id = g_hash_table_lookup (form, "client_id");
  g_autofree char *access_token = NULL;
  g_autofree char *rotated = NULL;
  const char *owner;

  self->refresh_count++;
  self->last_had_verifier = FALSE;
  remember_secret (self, "refresh token", refresh_token);

  if (!check_client (self, message, form))
    return;

  owner = refresh_token != NULL ? g_hash_table_lookup (self->refresh_tokens, refresh_token) : NULL;
  if (self->invalid_grant || owner == NULL || (*owner != '\0' && g_strcmp0 (owner, client_id) != 0))
    {
      set_oauth_error (message, "invalid_grant", "expired access/refresh token");
      return;
    }

  if (self->rotate)
    {
      rotated = new_refresh_token ();
      remember_secret (self, "refresh token", rotated);
      forget_access_tokens_of (self, refresh_token);
      g_hash_table_remove (self->refresh_tokens, refresh_token);
      g_hash_table_insert (self->refresh_tokens, g_strdup (rotated), g_strdup (client_id));
    }

  access_token = new_access_token ();
  remember_secret (self, "access token", access_token);
  g_hash_table_insert (self->access_tokens, g_strdup (access_token),
                       g_strdup (rotated != NULL ? rotated : refresh_token));

  answer_tokens (self, message, access_token, rotated, NULL);
}

static void
handle_token (BpEmulator        *self,
              SoupServerMessage *message)
{
  g_autoptr(GHashTable) form = NULL;
  const char *grant_type;

  if (answer_fault (self, message))
    {
      /* Still count the attempt: tests assert how many reached us. */
      form = read_form (message);
      grant_type = form != NULL ? g_hash_table_lookup (form, "grant_type") : NULL;
      if (g_strcmp0 (grant_type, "refresh_token") == 0)
        self->refresh_count++;
      else
        self->code_exchange_count++;
      return;
    }

  form = read_form (message);
  grant_type = form != NULL ? g_hash_table_lookup (form, "grant_type") : NULL;

  if (g_strcmp0 (grant_type, "authorization_code") == 0)
    handle_code_grant (self, message, form);
  else if (g_strcmp0 (grant_type, "refresh_token") == 0)
    handle_refresh_grant (self, message, form);
  else
    set_oauth_error (message, "unsupported_grant_type", "grant type not supported");
}

/* Revoke */

static void
handle_revoke (BpEmulator        *self,
               SoupServerMessage *message)
{
  g_autoptr(GHashTable) form = NULL;
  const char *token;

  if (answer_fault (self, message))
    return;

  form = read_form (message);
  token = form != NULL ? g_hash_table_lookup (form, "token") : NULL;

  if (token != NULL && g_hash_table_contains (self->refresh_tokens, token))
    {
      forget_access_tokens_of (self, token);
      g_hash_table_remove (self->refresh_tokens, token);
    }
  else if (token == NULL || !g_hash_table_remove (self->access_tokens, token))
    {
      set_oauth_error (message, "invalid_token", "invalid token");
      return;
    }

  g_ptr_array_add (self->revoked, g_strdup (token));
  soup_server_message_set_status (message, SOUP_STATUS_OK, NULL);
}

/* Userinfo */

static void
handle_userinfo (BpEmulator        *self,
                 SoupServerMessage *message)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autofree char *id = NULL;
  const char *token = get_bearer (message);

  if (answer_fault (self, message))
    return;

  if (token == NULL || !g_hash_table_contains (self->access_tokens, token))
    {
      soup_server_message_set_status (message, SOUP_STATUS_FORBIDDEN, NULL);
      soup_server_message_set_response (message, "text/plain", SOUP_MEMORY_STATIC,
                                        "Bad_OAuth_Token", strlen ("Bad_OAuth_Token"));
      return;
    }

  id = g_strdup_printf ("%s/id/%s/%s", self->base_url, BP_EMULATOR_ORGANIZATION_ID, BP_EMULATOR_USER_ID);
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  add_string_member (builder, "sub", id);
  add_string_member (builder, "user_id", BP_EMULATOR_USER_ID);
  add_string_member (builder, "organization_id", BP_EMULATOR_ORGANIZATION_ID);
  add_string_member (builder, "preferred_username", BP_EMULATOR_USERNAME);
  add_string_member (builder, "nickname", "admin");
  add_string_member (builder, "name", "Emulator Admin");
  add_string_member (builder, "email", BP_EMULATOR_USERNAME);
  json_builder_set_member_name (builder, "email_verified");
  json_builder_add_boolean_value (builder, TRUE);
  add_string_member (builder, "given_name", "Emulator");
  add_string_member (builder, "family_name", "Admin");
  add_string_member (builder, "zoneinfo", "Europe/Berlin");
  add_string_member (builder, "locale", "en_US");
  add_string_member (builder, "user_type", "STANDARD");
  json_builder_set_member_name (builder, "active");
  json_builder_add_boolean_value (builder, TRUE);
  add_string_member (builder, "updated_at", "2024-01-01T00:00:00Z");
  json_builder_end_object (builder);

  set_json (message, SOUP_STATUS_OK, builder);
}

/* REST API */

static void
handle_versions (BpEmulator        *self,
                 SoupServerMessage *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (answer_fault (self, message))
    return;

  json_builder_begin_array (builder);
  for (guint i = 0; i < G_N_ELEMENTS (api_versions); i++)
    {
      g_autofree char *url = g_strdup_printf (DATA_PATH "v%s", api_versions[i].version);

      json_builder_begin_object (builder);
      add_string_member (builder, "label", api_versions[i].label);
      add_string_member (builder, "url", url);
      add_string_member (builder, "version", api_versions[i].version);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  set_json (message, SOUP_STATUS_OK, builder);
}

static void
handle_limits (BpEmulator        *self,
               SoupServerMessage *message,
               const char        *version)
{
  const char *token = get_bearer (message);
  gboolean is_known = FALSE;
  guint64 major = 0;

  self->limits_count++;

  if (answer_fault (self, message))
    return;

  for (guint i = 0; i < G_N_ELEMENTS (api_versions); i++)
    is_known |= strcmp (api_versions[i].version, version) == 0;
  g_ascii_string_to_unsigned (version, 10, 0, 999, &major, NULL);

  if (token == NULL || !g_hash_table_contains (self->access_tokens, token))
    {
      set_api_error (message, SOUP_STATUS_UNAUTHORIZED, "INVALID_SESSION_ID", "Session expired or invalid");
      return;
    }

  if (self->unauthorized_once)
    {
      /* As if it had expired: this access token is dead from now on. */
      self->unauthorized_once = FALSE;
      g_hash_table_remove (self->access_tokens, token);
      set_api_error (message, SOUP_STATUS_UNAUTHORIZED, "INVALID_SESSION_ID", "Session expired or invalid");
      return;
    }

  if (!is_known)
    {
      if (major > 0 && major < 31)
        set_api_error (message, SOUP_STATUS_GONE, "API_VERSION_RETIRED",
                       "This API version is no longer supported");
      else
        set_api_error (message, SOUP_STATUS_NOT_FOUND, "NOT_FOUND", "The requested resource does not exist");
      return;
    }

  if (self->forbid_limits)
    {
      set_api_error (message, SOUP_STATUS_FORBIDDEN, "INSUFFICIENT_ACCESS",
                     "You don't have permission to view the org limits.");
      return;
    }

  set_json_text (message, SOUP_STATUS_OK, limits_body);
}

/* Routing */

static void
dispatch (BpEmulator        *self,
          SoupServerMessage *message,
          const char        *path,
          GHashTable        *query)
{
  const char *method = soup_server_message_get_method (message);

  if (strcmp (path, AUTHORIZE_PATH) == 0 && method == SOUP_METHOD_GET)
    handle_authorize (self, message, query);
  else if (strcmp (path, TOKEN_PATH) == 0 && method == SOUP_METHOD_POST)
    handle_token (self, message);
  else if (strcmp (path, REVOKE_PATH) == 0 && method == SOUP_METHOD_POST)
    handle_revoke (self, message);
  else if (strcmp (path, USERINFO_PATH) == 0 && method == SOUP_METHOD_GET)
    handle_userinfo (self, message);
  else if (strcmp (path, DATA_PATH) == 0 && method == SOUP_METHOD_GET)
    handle_versions (self, message);
  else if (g_str_has_prefix (path, DATA_PATH "v") && method == SOUP_METHOD_GET
           && (g_str_has_suffix (path, "/limits/") || g_str_has_suffix (path, "/limits")))
    {
      const char *start = path + strlen (DATA_PATH "v");
      g_autofree char *version = g_strndup (start, strcspn (start, "/"));

      handle_limits (self, message, version);
    }
  else if (strcmp (path, AUTHORIZE_PATH) == 0 || strcmp (path, TOKEN_PATH) == 0
           || strcmp (path, REVOKE_PATH) == 0)
    soup_server_message_set_status (message, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL);
  else
    set_api_error (message, SOUP_STATUS_NOT_FOUND, "NOT_FOUND", "The requested resource does not exist");

  g_signal_emit (self, signals[REQUEST_HANDLED], 0, message, path, query);
}

typedef struct
{
  BpEmulator        *self;
  SoupServerMessage *message;
  char              *path;
  GHashTable        *query;
} Delayed;

static gboolean
delayed_dispatch_cb (gpointer user_data)
{
  Delayed *delayed = user_data;

  delayed->self->held_count--;
  dispatch (delayed->self, delayed->message, delayed->path, delayed->query);
  if (g_object_get_data (G_OBJECT (delayed->message), "bp-emulator-dropped") == NULL)
    soup_server_message_unpause (delayed->message);

  g_object_unref (delayed->self);
  g_object_unref (delayed->message);
  g_free (delayed->path);
  g_clear_pointer (&delayed->query, g_hash_table_unref);
  g_free (delayed);

  return G_SOURCE_REMOVE;
}

static void
handle_request_cb (SoupServer        *server,
                   SoupServerMessage *message,
                   const char        *path,
                   GHashTable        *query,
                   gpointer           user_data)
{
  BpEmulator *self = user_data;

  g_debug ("%s %s", soup_server_message_get_method (message), path);

  if (self->latency_ms > 0)
    {
      Delayed *delayed = g_new0 (Delayed, 1);

      delayed->self = g_object_ref (self);
      delayed->message = g_object_ref (message);
      delayed->path = g_strdup (path);
      delayed->query = query != NULL ? g_hash_table_ref (query) : NULL;
      soup_server_message_pause (message);
      self->held_count++;
      g_timeout_add (self->latency_ms, delayed_dispatch_cb, delayed);
      return;
    }

  dispatch (self, message, path, query);
}

/* Public API */

gboolean
bp_emulator_start (BpEmulator  *self,
                   guint        port,
                   GError     **error)
{
  g_autoptr(GInetAddress) loopback = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  GSList *uris;

  g_return_val_if_fail (BP_IS_EMULATOR (self), FALSE);
  g_return_val_if_fail (self->server == NULL, FALSE);

  self->server = soup_server_new ("server-header", "bp-salesforce-emulator", NULL);
  soup_server_add_handler (self->server, NULL, handle_request_cb, self, NULL);

  /* Loopback only, IPv4: the URL it prints must be reachable as given. */
  loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  address = g_inet_socket_address_new (loopback, port);
  if (!soup_server_listen (self->server, address, 0, error))
    {
      g_clear_object (&self->server);
      return FALSE;
    }

  uris = soup_server_get_uris (self->server);
  g_assert (uris != NULL);
  self->port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  g_free (self->base_url);
  self->base_url = g_strdup_printf ("http://127.0.0.1:%u", self->port);

  return TRUE;
}

void
bp_emulator_stop (BpEmulator *self)
{
  g_return_if_fail (BP_IS_EMULATOR (self));

  g_ptr_array_set_size (self->trickles, 0);

  if (self->server == NULL)
    return;

  soup_server_disconnect (self->server);
  g_clear_object (&self->server);
}

const char *
bp_emulator_get_base_url (BpEmulator *self)
{
  g_return_val_if_fail (BP_IS_EMULATOR (self), NULL);
  return self->base_url;
}

guint
bp_emulator_get_port (BpEmulator *self)
{
  g_return_val_if_fail (BP_IS_EMULATOR (self), 0);
  return self->port;
}

void
bp_emulator_set_latency (BpEmulator *self,
                         guint       milliseconds)
{
  g_return_if_fail (BP_IS_EMULATOR (self));
  self->latency_ms = milliseconds;
}

void
bp_emulator_set_fault (BpEmulator      *self,
                       BpEmulatorFault  fault)
{
  g_return_if_fail (BP_IS_EMULATOR (self));
  self->fault = fault;
}

guint
bp_emulator_get_held_count (BpEmulator *self)
{
  g_return_val_if_fail (BP_IS_EMULATOR (self), 0);
  return self->held_count;
}

void
bp_emulator_set_fail_with_500 (BpEmulator *self,
                               gboolean    fail)
{
  g_return_if_fail (BP_IS_EMULATOR (self));
  self->fail_with_500 = fail;
}

void
bp_emulator_set_answer_html (BpEmulator *self,
                             gboolean    html)
{
  g_return_if_fail (BP_IS_EMULATOR (self));
  self->answer_html = html;
}

void
bp_emulator_set_invalid_grant (BpEmulator *self,
                               gboolean    invalid_grant)
{
  g_return_if_fail (BP_IS_EMULATOR (self));
  self->invalid_grant = invalid_grant;
}

void
bp_emulator_set_unauthorized_once (BpEmulator *self,
                                   gboolean    unauthorized_once)
{
  g_return_if_fail (BP_IS_EMULATOR (self));
  self->unauthorized_once = unauthorized_once;
}

void
bp_emulator_set_rotate_refresh_tokens (BpEmulator *self,
                                       gboolean    rotate)
{
  g_return_if_fail (BP_IS_EMULATOR (self));
  self->rotate = rotate;
}

void
bp_emulator_set_deny (BpEmulator *self,
                      gboolean    deny)
{
  g_return_if_fail (BP_IS_EMULATOR (self));
  self->deny = deny;
}

void
bp_emulator_set_issue_refresh_tokens (BpEmulator *self,
                                      gboolean    issue)
{
  g_return_if_fail (BP_IS_EMULATOR (self));
  self->issue_refresh_tokens = issue;
}

void
bp_emulator_set_forbid_limits (BpEmulator *self,
                               gboolean    forbid)
{
  g_return_if_fail (BP_IS_EMULATOR (self));
  self->forbid_limits = forbid;
}

void
bp_emulator_set_client (BpEmulator *self,
                        const char *consumer_key,
                        const char *consumer_secret)
{
  g_return_if_fail (BP_IS_EMULATOR (self));

  replace_string (&self->consumer_key, consumer_key);
  replace_string (&self->consumer_secret, consumer_secret);
  remember_secret (self, "consumer secret", consumer_secret);
}

void
bp_emulator_set_registered_callback (BpEmulator *self,
                                     const char *redirect_uri)
{
  g_return_if_fail (BP_IS_EMULATOR (self));
  replace_string (&self->registered_callback, redirect_uri);
}

char *
bp_emulator_issue_refresh_token (BpEmulator *self,
                                 const char *consumer_key)
{
  char *token;

  g_return_val_if_fail (BP_IS_EMULATOR (self), NULL);

  token = new_refresh_token ();
  remember_secret (self, "refresh token", token);
  g_hash_table_insert (self->refresh_tokens, g_strdup (token), g_strdup (consumer_key ? consumer_key : ""));

  return token;
}

gboolean
bp_emulator_is_refresh_token_valid (BpEmulator *self,
                                    const char *refresh_token)
{
  g_return_val_if_fail (BP_IS_EMULATOR (self), FALSE);
  return refresh_token != NULL && g_hash_table_contains (self->refresh_tokens, refresh_token);
}

gboolean
bp_emulator_is_access_token_valid (BpEmulator *self,
                                   const char *access_token)
{
  g_return_val_if_fail (BP_IS_EMULATOR (self), FALSE);
  return access_token != NULL && g_hash_table_contains (self->access_tokens, access_token);
}

guint
bp_emulator_get_authorize_count (BpEmulator *self)
{
  g_return_val_if_fail (BP_IS_EMULATOR (self), 0);
  return self->authorize_count;
}

guint
bp_emulator_get_code_exchange_count (BpEmulator *self)
{
  g_return_val_if_fail (BP_IS_EMULATOR (self), 0);
  return self->code_exchange_count;
}

guint
bp_emulator_get_refresh_count (BpEmulator *self)
{
  g_return_val_if_fail (BP_IS_EMULATOR (self), 0);
  return self->refresh_count;
}

guint
bp_emulator_get_limits_count (BpEmulator *self)
{
  g_return_val_if_fail (BP_IS_EMULATOR (self), 0);
  return self->limits_count;
}

const char *
bp_emulator_get_last_code_challenge_method (BpEmulator *self)
{
  g_return_val_if_fail (BP_IS_EMULATOR (self), NULL);
  return self->last_method;
}

const char *
bp_emulator_get_last_redirect_uri (BpEmulator *self)
{
  g_return_val_if_fail (BP_IS_EMULATOR (self), NULL);
  return self->last_redirect_uri;
}

const char *
bp_emulator_get_last_scope (BpEmulator *self)
{
  g_return_val_if_fail (BP_IS_EMULATOR (self), NULL);
  return self->last_scope;
}

const char *
bp_emulator_get_last_prompt (BpEmulator *self)
{
  g_return_val_if_fail (BP_IS_EMULATOR (self), NULL);
  return self->last_prompt;
}

gboolean
bp_emulator_get_last_had_secret (BpEmulator *self)
{
  g_return_val_if_fail (BP_IS_EMULATOR (self), FALSE);
  return self->last_had_secret;
}

gboolean
bp_emulator_get_last_had_verifier (BpEmulator *self)
{
  g_return_val_if_fail (BP_IS_EMULATOR (self), FALSE);
  return self->last_had_verifier;
}

GPtrArray *
bp_emulator_get_revoked_tokens (BpEmulator *self)
{
  g_return_val_if_fail (BP_IS_EMULATOR (self), NULL);
  return self->revoked;
}

GPtrArray *
bp_emulator_get_secrets (BpEmulator *self)
{
  g_return_val_if_fail (BP_IS_EMULATOR (self), NULL);
  return self->secrets;
}

GPtrArray *
bp_emulator_get_secret_kinds (BpEmulator *self)
{
  g_return_val_if_fail (BP_IS_EMULATOR (self), NULL);
  return self->secret_kinds;
}

/* GObject */

static void
bp_emulator_finalize (GObject *object)
{
  BpEmulator *self = BP_EMULATOR (object);

  bp_emulator_stop (self);
  g_free (self->base_url);
  g_free (self->consumer_key);
  g_free (self->consumer_secret);
  g_free (self->registered_callback);
  g_hash_table_unref (self->codes);
  g_hash_table_unref (self->refresh_tokens);
  g_hash_table_unref (self->access_tokens);
  g_free (self->last_method);
  g_free (self->last_redirect_uri);
  g_free (self->last_scope);
  g_free (self->last_prompt);
  g_ptr_array_unref (self->trickles);
  g_ptr_array_unref (self->revoked);
  g_ptr_array_unref (self->secrets);
  g_ptr_array_unref (self->secret_kinds);

  G_OBJECT_CLASS (bp_emulator_parent_class)->finalize (object);
}

static void
bp_emulator_class_init (BpEmulatorClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = bp_emulator_finalize;

  /**
   * BpEmulator::request-handled:
   * @self: the emulator
   * @message: the request, answered (its status and body are set)
   * @path: the request path
   * @query: (nullable): the decoded query string
   *
   * Emitted after every request has been answered (after the latency, if
   * any), so that a program can record what the emulator saw.
   */
  signals[REQUEST_HANDLED] = g_signal_new ("request-handled",
                                           G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 3,
                                           SOUP_TYPE_SERVER_MESSAGE,
                                           G_TYPE_STRING,
                                           G_TYPE_HASH_TABLE);
}

static void
bp_emulator_init (BpEmulator *self)
{
  self->issue_refresh_tokens = TRUE;
  self->codes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, code_grant_free);
  self->refresh_tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->access_tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->revoked = g_ptr_array_new_with_free_func (g_free);
  self->trickles = g_ptr_array_new_with_free_func (trickle_free);
  self->secrets = g_ptr_array_new_with_free_func (g_free);
  self->secret_kinds = g_ptr_array_new ();
}

BpEmulator *
bp_emulator_new (void)
{
  return g_object_new (BP_TYPE_EMULATOR, NULL);
}

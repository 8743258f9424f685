/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-salesforce-client"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "bp-error.h"
#include "bp-http.h"
#include "bp-salesforce-client.h"
#include "bp-salesforce-endpoints.h"
#include "bp-secret-store.h"

#define USERINFO_PATH "/services/oauth2/userinfo"
#define DATA_PATH     "/services/data/"
/* Salesforce's answers are small (a token response ~1 KiB, the limits ~50 KiB). */
#define BODY_READ_SIZE (16 * 1024)

struct _BpSalesforceClient
{
  GObject         parent_instance;

  /* The session is made with the first request: making it loads libsoup
   * (the bp-http module), which a window that sends nothing must not. The
   * settings wait here until then. */
  const BpHttp   *http;
  GObject        *session;
  guint           timeout;
  GTlsDatabase   *tls_database;
  gboolean        has_tls_database;
  GProxyResolver *proxy_resolver;
  gboolean        has_proxy_resolver;
  GHashTable     *api_versions;   /* instance URL → version */
};

G_DEFINE_FINAL_TYPE (BpSalesforceClient, bp_salesforce_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_TIMEOUT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* One request in flight, kept as the GTask's data. */
typedef struct
{
  BpSalesforceRequest  kind;
  const BpHttp        *http;
  GObject             *message;
  const char          *method;        /* static */
  char                *host;          /* named by transport errors */
  char                *redirect_uri;  /* named by the redirect_uri_mismatch hint */
  char                *instance_url;  /* API version cache key */
  GInputStream        *stream;        /* the response body, while it is read */
  GByteArray          *body;          /* what was read of it so far */
  GCancellable        *cancellable;   /* the caller's, or the deadline */
  GCancellable        *caller_cancellable;
  gulong               caller_cancelled_id;
  GSource             *deadline;
  gboolean             is_past_deadline;
} Request;

static void
request_free (gpointer data)
{
  Request *request = data;

  if (request->deadline != NULL)
    {
      g_source_destroy (request->deadline);
      g_clear_pointer (&request->deadline, g_source_unref);
    }
  if (request->caller_cancelled_id != 0)
    g_cancellable_disconnect (request->caller_cancellable, request->caller_cancelled_id);
  g_clear_object (&request->caller_cancellable);
  g_clear_object (&request->cancellable);
  g_clear_object (&request->stream);
  g_clear_pointer (&request->body, g_byte_array_unref);
  g_clear_object (&request->message);
  g_free (request->host);
  g_free (request->redirect_uri);
  g_free (request->instance_url);
  g_free (request);
}

static const char *
request_kind_to_string (BpSalesforceRequest kind)
{
  switch (kind)
    {
    case BP_SALESFORCE_REQUEST_AUTHORIZE:
      return "authorize";
    case BP_SALESFORCE_REQUEST_CODE_EXCHANGE:
      return "code exchange";
    case BP_SALESFORCE_REQUEST_REFRESH:
      return "refresh";
    case BP_SALESFORCE_REQUEST_REVOKE:
      return "revoke";
    case BP_SALESFORCE_REQUEST_USERINFO:
      return "userinfo";
    case BP_SALESFORCE_REQUEST_API_VERSIONS:
      return "API versions";
    case BP_SALESFORCE_REQUEST_LIMITS:
      return "limits";
    default:
      g_assert_not_reached ();
    }
}

gboolean
bp_salesforce_check_url (const char  *url,
                         GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme;
  const char *host;

  g_return_val_if_fail (url != NULL, FALSE);

  uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL);
  if (uri == NULL || (host = g_uri_get_host (uri)) == NULL || *host == '\0')
    {
      g_set_error_literal (error, BP_ERROR, BP_ERROR_INVALID_URL,
                           _("Salesforce gave a URL that is not valid."));
      return FALSE;
    }

  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "https") == 0
      || (g_ascii_strcasecmp (scheme, "http") == 0 && bp_salesforce_is_loopback_host (host)))
    return TRUE;

  g_set_error (error, BP_ERROR, BP_ERROR_INVALID_URL,
               _("Refusing to send credentials to %s over an unencrypted connection; only https "
                 "is allowed."),
               host);
  return FALSE;
}

/* Secrets in a request body are wiped when libsoup drops the bytes. */
static void
wipe_and_free (gpointer data)
{
  bp_secret_free (data);
}

static void
append_form_field (GString    *form,
                   const char *name,
                   const char *value)
{
  g_autofree char *escaped = g_uri_escape_string (value, NULL, FALSE);

  if (form->len > 0)
    g_string_append_c (form, '&');
  g_string_append (form, name);
  g_string_append_c (form, '=');
  g_string_append (form, escaped);
  memset (escaped, 0, strlen (escaped));
}

static GBytes *
form_to_bytes (GString *form)
{
  gsize length = form->len;
  char *data = g_string_free (form, FALSE);

  return g_bytes_new_with_free_func (data, length, wipe_and_free, data);
}

/* The module and the session, made the first time a request is sent. */
static const BpHttp *
get_http (BpSalesforceClient  *self,
          GError             **error)
{
  g_autoptr(GError) missing = NULL;
  const BpHttp *http;

  if (self->session != NULL)
    return self->http;

  http = bp_http_get (&missing);
  if (http == NULL)
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&missing),
                                  _("Salesforce cannot be contacted: "));
      return NULL;
    }

  self->http = http;
  self->session = http->session_new ("bp-integration-accounts/" PACKAGE_VERSION, self->timeout);
  if (self->has_tls_database)
    http->session_set_tls_database (self->session, self->tls_database);
  if (self->has_proxy_resolver)
    http->session_set_proxy_resolver (self->session, self->proxy_resolver);

  return http;
}

/* Builds the GTask and its request; NULL (with the task failed) on a bad URL
 * or without the bp-http module. */
static GTask *
start_request (BpSalesforceClient   *self,
               BpSalesforceRequest   kind,
               const char           *method,
               const char           *base_url,
               const char           *path,
               gpointer              source_tag,
               GCancellable         *cancellable,
               GAsyncReadyCallback   callback,
               gpointer              user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  const BpHttp *http;
  Request *request;

  g_task_set_source_tag (task, source_tag);

  url = bp_salesforce_build_url (base_url, path);
  if (!bp_salesforce_check_url (url, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return NULL;
    }

  http = get_http (self, &error);
  if (http == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return NULL;
    }

  request = g_new0 (Request, 1);
  request->kind = kind;
  request->http = http;
  request->method = method;
  /* It never follows a redirect: one would carry credentials to a host
   * nobody chose. */
  request->message = http->message_new (method, url);
  if (request->message == NULL)
    {
      request_free (request);
      g_task_return_new_error (task, BP_ERROR, BP_ERROR_INVALID_URL,
                               _("Salesforce gave a URL that is not valid."));
      return NULL;
    }

  request->host = g_strdup (g_uri_get_host (http->message_get_uri (request->message)));
  g_task_set_task_data (task, request, request_free);

  http->message_set_header (request->message, "Accept", "application/json");

  return g_steal_pointer (&task);
}

static void
set_bearer (Request    *request,
            const char *access_token)
{
  g_autofree char *value = g_strconcat ("Bearer ", access_token, NULL);

  request->http->message_set_header (request->message, "Authorization", value);
  memset (value, 0, strlen (value));
}

static void
set_form (Request *request,
          GString *form)
{
  g_autoptr(GBytes) body = form_to_bytes (form);

  request->http->message_set_body (request->message, "application/x-www-form-urlencoded", body);
}

/* The response, read whole. */
typedef struct
{
  guint       status;
  const char *content_type;
  GBytes     *body;
} Response;

static void
sent_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data);

static void
caller_cancelled_cb (GCancellable *cancellable,
                     gpointer      user_data)
{
  g_cancellable_cancel (user_data);
}

/* The request data lives as long as the task, which outlives this source. */
static gboolean
deadline_passed_cb (gpointer user_data)
{
  Request *request = user_data;

  g_debug ("%s: no whole answer in time; giving up", request_kind_to_string (request->kind));
  g_clear_pointer (&request->deadline, g_source_unref);
  request->is_past_deadline = TRUE;
  g_cancellable_cancel (request->cancellable);

  return G_SOURCE_REMOVE;
}

static void
send_request (BpSalesforceClient *self,
              GTask              *task)
{
  Request *request = g_task_get_task_data (task);

  GUri *uri = request->http->message_get_uri (request->message);

  g_debug ("%s: %s %s://%s%s", request_kind_to_string (request->kind), request->method,
           g_uri_get_scheme (uri), request->host, g_uri_get_path (uri));

  /* libsoup's timeout is per read: a server that sends a byte now and then
   * would hold the request for ever. The whole request gets as long. */
  request->cancellable = g_cancellable_new ();
  if (g_task_get_cancellable (task) != NULL)
    {
      request->caller_cancellable = g_object_ref (g_task_get_cancellable (task));
      request->caller_cancelled_id = g_cancellable_connect (request->caller_cancellable,
                                                            G_CALLBACK (caller_cancelled_cb),
                                                            request->cancellable, NULL);
    }
  if (self->timeout > 0)
    {
      /* Not _seconds(): that one may fire up to a second early. */
      request->deadline = g_timeout_source_new ((guint) MIN ((guint64) self->timeout * 1000, G_MAXUINT));
      g_source_set_callback (request->deadline, deadline_passed_cb, request, NULL);
      g_source_set_name (request->deadline, "[bp] Salesforce request deadline");
      g_source_attach (request->deadline, g_task_get_context (task));
    }

  request->http->send_async (self->session, request->message, request->cancellable, sent_cb, task);
}

static void handle_token_response     (GTask *task, Request *request, Response *response);
static void handle_revoke_response    (GTask *task, Request *request, Response *response);
static void handle_user_info_response (GTask *task, Request *request, Response *response);
static void handle_versions_response  (GTask *task, Request *request, Response *response);
static void handle_limits_response    (GTask *task, Request *request, Response *response);

static void
return_response_error (GTask    *task,
                       Request  *request,
                       Response *response)
{
  gsize length = 0;
  const char *data = response->body != NULL ? g_bytes_get_data (response->body, &length) : NULL;

  g_task_return_error (task, bp_salesforce_error_new_from_response (request->kind, response->status,
                                                                    response->content_type, data,
                                                                    length, request->redirect_uri));
}

/* The request failed on the way: no (whole) answer. */
static void
return_transport_error (GTask        *task,
                        Request      *request,
                        const GError *error)
{
  g_autoptr(GError) timed_out = NULL;

  g_debug ("%s: failed: %s", request_kind_to_string (request->kind), error->message);

  /* Cancelled by the deadline, not by the caller. */
  if (request->is_past_deadline && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
      && !g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      timed_out = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "deadline");
      error = timed_out;
    }

  if (request->kind == BP_SALESFORCE_REQUEST_API_VERSIONS
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      handle_versions_response (task, request, NULL);
      return;
    }

  g_task_return_error (task, bp_salesforce_error_new_from_transport (error, request->host));
}

/* A body far larger than Salesforce ever sends is not read into memory:
 * whatever sends it (a wrong Url, a proxy, a broken server) is not Salesforce
 * as we know it. */
static void
return_too_large (GTask   *task,
                  Request *request)
{
  g_autoptr(GError) error = NULL;

  g_debug ("%s: the answer is over %u bytes; not read", request_kind_to_string (request->kind),
           (guint) BP_SALESFORCE_CLIENT_MAX_BODY_SIZE);

  if (request->kind == BP_SALESFORCE_REQUEST_API_VERSIONS)
    {
      handle_versions_response (task, request, NULL);
      return;
    }

  error = g_error_new (BP_ERROR, BP_ERROR_SALESFORCE,
                       _("The server %s sent an answer larger than %u MiB, far more than Salesforce "
                         "ever sends, so it was not read. Check the Url and any proxy settings, then "
                         "try again."),
                       request->host, (guint) (BP_SALESFORCE_CLIENT_MAX_BODY_SIZE / (1024 * 1024)));
  g_task_return_error (task, g_steal_pointer (&error));
}

static void
handle_response (GTask   *task,
                 Request *request,
                 GBytes  *body)
{
  Response response = { 0, };

  response.status = request->http->message_get_status (request->message);
  response.content_type = request->http->message_get_content_type (request->message);
  response.body = body;

  g_debug ("%s: HTTP %u, %s, %" G_GSIZE_FORMAT " bytes", request_kind_to_string (request->kind),
           response.status, response.content_type != NULL ? response.content_type : "no type",
           g_bytes_get_size (body));

  switch (request->kind)
    {
    case BP_SALESFORCE_REQUEST_CODE_EXCHANGE:
    case BP_SALESFORCE_REQUEST_REFRESH:
      handle_token_response (task, request, &response);
      break;
    case BP_SALESFORCE_REQUEST_REVOKE:
      handle_revoke_response (task, request, &response);
      break;
    case BP_SALESFORCE_REQUEST_USERINFO:
      handle_user_info_response (task, request, &response);
      break;
    case BP_SALESFORCE_REQUEST_API_VERSIONS:
      handle_versions_response (task, request, &response);
      break;
    case BP_SALESFORCE_REQUEST_LIMITS:
      handle_limits_response (task, request, &response);
      break;
    case BP_SALESFORCE_REQUEST_AUTHORIZE:
    default:
      g_assert_not_reached ();
    }
}

static void body_read_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data);

static void
read_body (GTask *task)
{
  Request *request = g_task_get_task_data (task);

  g_input_stream_read_bytes_async (request->stream, BODY_READ_SIZE, G_PRIORITY_DEFAULT,
                                   request->cancellable, body_read_cb, task);
}

static void
body_read_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Request *request = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) body = NULL;
  gsize size;

  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, &error);
  if (bytes == NULL)
    {
      return_transport_error (task, request, error);
      return;
    }

  size = g_bytes_get_size (bytes);
  if (size == 0)
    {
      guint length = request->body->len;

      /* A NUL byte after the body, not counted in its size: the parsers take
       * the length, but a caller that treats the body as text (a test's
       * strstr, a debugger) must not read past its end. */
      g_byte_array_append (request->body, (const guint8 *) "", 1);
      g_byte_array_set_size (request->body, length);
      body = g_byte_array_free_to_bytes (g_steal_pointer (&request->body));
      g_clear_object (&request->stream);
      handle_response (task, request, body);
      return;
    }

  if (size > (gsize) BP_SALESFORCE_CLIENT_MAX_BODY_SIZE - request->body->len)
    {
      return_too_large (task, request);
      return;
    }

  g_byte_array_append (request->body, g_bytes_get_data (bytes, NULL), size);
  read_body (g_steal_pointer (&task));
}

static void
sent_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Request *request = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  request->stream = request->http->send_finish (object, result, &error);
  if (request->stream == NULL)
    {
      return_transport_error (task, request, error);
      return;
    }

  /* Refused before reading when the size is announced; else while reading. */
  if (request->http->message_get_content_length (request->message) > BP_SALESFORCE_CLIENT_MAX_BODY_SIZE)
    {
      return_too_large (task, request);
      return;
    }

  request->body = g_byte_array_new ();
  read_body (g_steal_pointer (&task));
}

static gboolean
is_json_ok (Response *response)
{
  return response->status == BP_HTTP_STATUS_OK && bp_salesforce_is_json_content_type (response->content_type);
}

/* Token requests */

static void
handle_token_response (GTask    *task,
                       Request  *request,
                       Response *response)
{
  g_autoptr(GError) error = NULL;
  BpSalesforceTokens *tokens;
  gsize length;
  const char *data;

  if (!is_json_ok (response))
    {
      return_response_error (task, request, response);
      return;
    }

  data = g_bytes_get_data (response->body, &length);
  tokens = bp_salesforce_tokens_new_from_response (data, length, &error);
  if (tokens == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_debug ("%s: got an access token%s", request_kind_to_string (request->kind),
           bp_salesforce_tokens_get_refresh_token (tokens) != NULL ? " and a refresh token" : "");
  g_task_return_pointer (task, tokens, g_object_unref);
}

void
bp_salesforce_client_exchange_code_async (BpSalesforceClient  *self,
                                          const char          *login_url,
                                          const char          *consumer_key,
                                          const char          *consumer_secret,
                                          const char          *code,
                                          const char          *redirect_uri,
                                          const char          *code_verifier,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  GTask *task;
  Request *request;
  GString *form;

  g_return_if_fail (BP_IS_SALESFORCE_CLIENT (self));
  g_return_if_fail (login_url != NULL);
  g_return_if_fail (consumer_key != NULL);
  g_return_if_fail (code != NULL);
  g_return_if_fail (redirect_uri != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = start_request (self, BP_SALESFORCE_REQUEST_CODE_EXCHANGE, "POST", login_url,
                        BP_SALESFORCE_TOKEN_PATH, bp_salesforce_client_exchange_code_async,
                        cancellable, callback, user_data);
  if (task == NULL)
    return;

  request = g_task_get_task_data (task);
  request->redirect_uri = g_strdup (redirect_uri);

  form = g_string_new (NULL);
  append_form_field (form, "grant_type", "authorization_code");
  append_form_field (form, "code", code);
  append_form_field (form, "client_id", consumer_key);
  if (consumer_secret != NULL && *consumer_secret != '\0')
    append_form_field (form, "client_secret", consumer_secret);
  append_form_field (form, "redirect_uri", redirect_uri);
  if (code_verifier != NULL && *code_verifier != '\0')
    append_form_field (form, "code_verifier", code_verifier);
  set_form (request, form);

  send_request (self, task);
}

BpSalesforceTokens *
bp_salesforce_client_exchange_code_finish (BpSalesforceClient  *self,
                                           GAsyncResult        *result,
                                           GError             **error)
{
  g_return_val_if_fail (BP_IS_SALESFORCE_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == bp_salesforce_client_exchange_code_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
bp_salesforce_client_refresh_async (BpSalesforceClient  *self,
                                    const char          *login_url,
                                    const char          *consumer_key,
                                    const char          *consumer_secret,
                                    const char          *refresh_token,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  GTask *task;
  Request *request;
  GString *form;

  g_return_if_fail (BP_IS_SALESFORCE_CLIENT (self));
  g_return_if_fail (login_url != NULL);
  g_return_if_fail (consumer_key != NULL);
  g_return_if_fail (refresh_token != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = start_request (self, BP_SALESFORCE_REQUEST_REFRESH, "POST", login_url,
                        BP_SALESFORCE_TOKEN_PATH, bp_salesforce_client_refresh_async,
                        cancellable, callback, user_data);
  if (task == NULL)
    return;

  request = g_task_get_task_data (task);

  form = g_string_new (NULL);
  append_form_field (form, "grant_type", "refresh_token");
  append_form_field (form, "refresh_token", refresh_token);
  append_form_field (form, "client_id", consumer_key);
  if (consumer_secret != NULL && *consumer_secret != '\0')
    append_form_field (form, "client_secret", consumer_secret);
  set_form (request, form);

  send_request (self, task);
}

BpSalesforceTokens *
bp_salesforce_client_refresh_finish (BpSalesforceClient  *self,
                                     GAsyncResult        *result,
                                     GError             **error)
{
  g_return_val_if_fail (BP_IS_SALESFORCE_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == bp_salesforce_client_refresh_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Revoke */

static void
handle_revoke_response (GTask    *task,
                        Request  *request,
                        Response *response)
{
  g_autofree char *error_code = NULL;
  gsize length;
  const char *data = g_bytes_get_data (response->body, &length);

  if (response->status == BP_HTTP_STATUS_OK)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  /* Already dead: as good as revoked (SALESFORCE.md §4). */
  if (response->status == BP_HTTP_STATUS_BAD_REQUEST
      && bp_salesforce_parse_oauth_error (data, length, &error_code, NULL)
      && strcmp (error_code, "invalid_token") == 0)
    {
      g_debug ("revoke: the token was already invalid");
      g_task_return_boolean (task, TRUE);
      return;
    }

  return_response_error (task, request, response);
}

void
bp_salesforce_client_revoke_async (BpSalesforceClient  *self,
                                   const char          *login_url,
                                   const char          *token,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  GTask *task;
  Request *request;
  GString *form;

  g_return_if_fail (BP_IS_SALESFORCE_CLIENT (self));
  g_return_if_fail (login_url != NULL);
  g_return_if_fail (token != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = start_request (self, BP_SALESFORCE_REQUEST_REVOKE, "POST", login_url,
                        BP_SALESFORCE_REVOKE_PATH, bp_salesforce_client_revoke_async,
                        cancellable, callback, user_data);
  if (task == NULL)
    return;

  request = g_task_get_task_data (task);
  form = g_string_new (NULL);
  append_form_field (form, "token", token);
  set_form (request, form);

  send_request (self, task);
}

gboolean
bp_salesforce_client_revoke_finish (BpSalesforceClient  *self,
                                    GAsyncResult        *result,
                                    GError             **error)
{
  g_return_val_if_fail (BP_IS_SALESFORCE_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == bp_salesforce_client_revoke_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Userinfo */

static void
handle_user_info_response (GTask    *task,
                           Request  *request,
                           Response *response)
{
  g_autoptr(GError) error = NULL;
  BpSalesforceUserInfo *info;
  gsize length;
  const char *data;

  if (!is_json_ok (response))
    {
      return_response_error (task, request, response);
      return;
    }

  data = g_bytes_get_data (response->body, &length);
  info = bp_salesforce_user_info_new_from_response (data, length, &error);
  if (info == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, info, (GDestroyNotify) bp_salesforce_user_info_free);
}

void
bp_salesforce_client_get_user_info_async (BpSalesforceClient  *self,
                                          const char          *instance_url,
                                          const char          *access_token,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  GTask *task;
  Request *request;

  g_return_if_fail (BP_IS_SALESFORCE_CLIENT (self));
  g_return_if_fail (instance_url != NULL);
  g_return_if_fail (access_token != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = start_request (self, BP_SALESFORCE_REQUEST_USERINFO, "GET", instance_url,
                        USERINFO_PATH, bp_salesforce_client_get_user_info_async,
                        cancellable, callback, user_data);
  if (task == NULL)
    return;

  request = g_task_get_task_data (task);
  set_bearer (request, access_token);

  send_request (self, task);
}

BpSalesforceUserInfo *
bp_salesforce_client_get_user_info_finish (BpSalesforceClient  *self,
                                           GAsyncResult        *result,
                                           GError             **error)
{
  g_return_val_if_fail (BP_IS_SALESFORCE_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == bp_salesforce_client_get_user_info_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* API versions */

/* response NULL: the request itself failed. */
static void
handle_versions_response (GTask    *task,
                          Request  *request,
                          Response *response)
{
  BpSalesforceClient *self = g_task_get_source_object (task);
  g_autofree char *version = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;

  if (response != NULL && is_json_ok (response))
    {
      gsize length;
      const char *data = g_bytes_get_data (response->body, &length);

      version = bp_salesforce_parse_highest_api_version (data, length);
    }

  if (version != NULL)
    {
      g_hash_table_replace (self->api_versions, g_strdup (request->instance_url), g_strdup (version));
    }
  else
    {
      g_debug ("API versions: none could be read; using %s", BP_SALESFORCE_FALLBACK_API_VERSION);
      version = g_strdup (BP_SALESFORCE_FALLBACK_API_VERSION);
    }

  g_task_return_pointer (task, g_steal_pointer (&version), g_free);
}

static char *
normalize_instance_url (const char *instance_url)
{
  gsize length = strlen (instance_url);

  while (length > 0 && instance_url[length - 1] == '/')
    length--;

  return g_ascii_strdown (instance_url, length);
}

void
bp_salesforce_client_get_api_version_async (BpSalesforceClient  *self,
                                            const char          *instance_url,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  g_autofree char *key = NULL;
  const char *cached;
  GTask *task;
  Request *request;

  g_return_if_fail (BP_IS_SALESFORCE_CLIENT (self));
  g_return_if_fail (instance_url != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  key = normalize_instance_url (instance_url);
  cached = g_hash_table_lookup (self->api_versions, key);
  if (cached != NULL)
    {
      g_autoptr(GTask) cached_task = g_task_new (self, cancellable, callback, user_data);

      g_task_set_source_tag (cached_task, bp_salesforce_client_get_api_version_async);
      g_task_return_pointer (cached_task, g_strdup (cached), g_free);
      return;
    }

  task = start_request (self, BP_SALESFORCE_REQUEST_API_VERSIONS, "GET", instance_url,
                        DATA_PATH, bp_salesforce_client_get_api_version_async,
                        cancellable, callback, user_data);
  if (task == NULL)
    return;

  request = g_task_get_task_data (task);
  request->instance_url = g_steal_pointer (&key);

  send_request (self, task);
}

char *
bp_salesforce_client_get_api_version_finish (BpSalesforceClient  *self,
                                             GAsyncResult        *result,
                                             GError             **error)
{
  g_return_val_if_fail (BP_IS_SALESFORCE_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == bp_salesforce_client_get_api_version_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Limits */

static void
handle_limits_response (GTask    *task,
                        Request  *request,
                        Response *response)
{
  if (!is_json_ok (response))
    {
      return_response_error (task, request, response);
      return;
    }

  g_task_return_pointer (task, g_bytes_ref (response->body), (GDestroyNotify) g_bytes_unref);
}

static gboolean
is_api_version (const char *version)
{
  g_auto(GStrv) parts = g_strsplit (version, ".", -1);

  return g_strv_length (parts) == 2
         && g_ascii_string_to_unsigned (parts[0], 10, 1, 9999, NULL, NULL)
         && g_ascii_string_to_unsigned (parts[1], 10, 0, 99, NULL, NULL);
}

void
bp_salesforce_client_get_limits_async (BpSalesforceClient  *self,
                                       const char          *instance_url,
                                       const char          *api_version,
                                       const char          *access_token,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autofree char *path = NULL;
  GTask *task;
  Request *request;

  g_return_if_fail (BP_IS_SALESFORCE_CLIENT (self));
  g_return_if_fail (instance_url != NULL);
  g_return_if_fail (api_version != NULL && is_api_version (api_version));
  g_return_if_fail (access_token != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  path = g_strdup_printf (DATA_PATH "v%s/limits/", api_version);
  task = start_request (self, BP_SALESFORCE_REQUEST_LIMITS, "GET", instance_url,
                        path, bp_salesforce_client_get_limits_async,
                        cancellable, callback, user_data);
  if (task == NULL)
    return;

  request = g_task_get_task_data (task);
  set_bearer (request, access_token);

  send_request (self, task);
}

GBytes *
bp_salesforce_client_get_limits_finish (BpSalesforceClient  *self,
                                        GAsyncResult        *result,
                                        GError             **error)
{
  g_return_val_if_fail (BP_IS_SALESFORCE_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == bp_salesforce_client_get_limits_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Settings */

guint
bp_salesforce_client_get_timeout (BpSalesforceClient *self)
{
  g_return_val_if_fail (BP_IS_SALESFORCE_CLIENT (self), 0);

  return self->timeout;
}

void
bp_salesforce_client_set_timeout (BpSalesforceClient *self,
                                  guint               seconds)
{
  g_return_if_fail (BP_IS_SALESFORCE_CLIENT (self));

  if (self->timeout == seconds)
    return;

  self->timeout = seconds;
  if (self->session != NULL)
    self->http->session_set_timeout (self->session, seconds);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT]);
}

void
bp_salesforce_client_set_tls_database (BpSalesforceClient *self,
                                       GTlsDatabase       *database)
{
  g_return_if_fail (BP_IS_SALESFORCE_CLIENT (self));
  g_return_if_fail (database == NULL || G_IS_TLS_DATABASE (database));

  if (database == NULL)
    database = g_tls_backend_get_default_database (g_tls_backend_get_default ());
  else
    g_object_ref (database);

  g_clear_object (&self->tls_database);
  self->tls_database = database;
  self->has_tls_database = TRUE;
  if (self->session != NULL)
    self->http->session_set_tls_database (self->session, database);
}

void
bp_salesforce_client_set_proxy_resolver (BpSalesforceClient *self,
                                         GProxyResolver     *resolver)
{
  g_return_if_fail (BP_IS_SALESFORCE_CLIENT (self));
  g_return_if_fail (resolver == NULL || G_IS_PROXY_RESOLVER (resolver));

  g_set_object (&self->proxy_resolver, resolver);
  self->has_proxy_resolver = TRUE;
  if (self->session != NULL)
    self->http->session_set_proxy_resolver (self->session, resolver);
}

/* GObject */

static void
bp_salesforce_client_finalize (GObject *object)
{
  BpSalesforceClient *self = BP_SALESFORCE_CLIENT (object);

  g_clear_object (&self->session);
  g_clear_object (&self->tls_database);
  g_clear_object (&self->proxy_resolver);
  g_clear_pointer (&self->api_versions, g_hash_table_unref);

  G_OBJECT_CLASS (bp_salesforce_client_parent_class)->finalize (object);
}

static void
bp_salesforce_client_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  BpSalesforceClient *self = BP_SALESFORCE_CLIENT (object);

  switch (prop_id)
    {
    case PROP_TIMEOUT:
      g_value_set_uint (value, bp_salesforce_client_get_timeout (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bp_salesforce_client_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  BpSalesforceClient *self = BP_SALESFORCE_CLIENT (object);

  switch (prop_id)
    {
    case PROP_TIMEOUT:
      bp_salesforce_client_set_timeout (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bp_salesforce_client_class_init (BpSalesforceClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = bp_salesforce_client_finalize;
  object_class->get_property = bp_salesforce_client_get_property;
  object_class->set_property = bp_salesforce_client_set_property;

  properties[PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", NULL, NULL,
                       0, G_MAXUINT, BP_SALESFORCE_CLIENT_DEFAULT_TIMEOUT,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
bp_salesforce_client_init (BpSalesforceClient *self)
{
  self->timeout = BP_SALESFORCE_CLIENT_DEFAULT_TIMEOUT;
  self->api_versions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

BpSalesforceClient *
bp_salesforce_client_new (void)
{
  return g_object_new (BP_TYPE_SALESFORCE_CLIENT, NULL);
}

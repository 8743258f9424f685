/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-oauth-flow"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "bp-browser.h"
#include "bp-error.h"
#include "bp-http.h"
#include "bp-oauth-callback.h"
#include "bp-oauth-flow-private.h"
#include "bp-pkce.h"
#include "bp-salesforce-endpoints.h"
#include "bp-secret-store.h"

/* How long the browser may take to receive the result page before the
 * listener closes anyway. */
#define PAGE_DELIVERY_TIMEOUT_MS 2000

/* The browser is not started with the authorize URL but with a start page on
 * the loopback listener, "http://localhost:<port>/OauthStart/<nonce>", which
 * redirects it there once. The authorize URL holds the state (and the code
 * challenge); any process on the machine can read a command line in
 * /proc/<pid>/cmdline while the browser runs, and the state is a secret that
 * must never reach a command line. The nonce in its place is worth nothing
 * after its one use. */
#define START_PATH_PREFIX "/OauthStart/"

typedef struct _Attempt Attempt;

struct _BpOAuthFlow
{
  GObject             parent_instance;

  BpSalesforceClient *client;
  char               *login_url;
  char               *consumer_key;
  char               *consumer_secret;
  guint               port;
  char               *redirect_uri;
  char               *authorize_url;
  GError             *browser_error;
  guint               timeout_seconds;
  char               *ipv6_address;

  GTask              *task;   /* the running attempt, or NULL */
};

G_DEFINE_FINAL_TYPE (BpOAuthFlow, bp_oauth_flow, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CLIENT,
  PROP_LOGIN_URL,
  PROP_CONSUMER_KEY,
  PROP_PORT,
  PROP_REDIRECT_URI,
  PROP_AUTHORIZE_URL,
  PROP_BROWSER_ERROR,
  PROP_IS_RUNNING,
  PROP_TIMEOUT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The one attempt in progress in this process (SALESFORCE.md §3.6: a
 * second click cancels the first). Not a reference. */
static BpOAuthFlow *running_flow;

/* One run, kept as the GTask's data. */
struct _Attempt
{
  BpOAuthFlow       *flow;            /* not a reference: the task holds it */
  const BpHttp      *http;            /* the bp-http module */
  GObject           *server;
  char              *state;           /* secret */
  char              *verifier;        /* secret */
  char              *start_path;      /* START_PATH_PREFIX + nonce: the URL the browser gets */
  gboolean           is_start_used;   /* the start page redirected a browser once */
  GCancellable      *cancellable;     /* ours: ends the exchange, the browser launch */
  GCancellable      *caller_cancellable;
  gulong             caller_cancelled_id;
  GSource           *timeout_source;
  GSource           *delivery_source;
  GObject           *answered;        /* the callback whose page ends the attempt */
  gulong             finished_id;
  gboolean           is_page_set;     /* the result page is on its way */
  BpSalesforceTokens *tokens;         /* the outcome, once known */
  GError            *error;
  gboolean           has_accepted;    /* a valid callback arrived */
  gboolean           is_done;
};

static void
attempt_free (gpointer data)
{
  Attempt *attempt = data;

  g_assert (attempt->server == NULL);
  g_assert (attempt->timeout_source == NULL);
  g_assert (attempt->delivery_source == NULL);
  g_assert (attempt->answered == NULL);
  g_assert (attempt->caller_cancelled_id == 0);

  bp_secret_free (attempt->state);
  bp_secret_free (attempt->verifier);
  g_free (attempt->start_path);
  g_clear_object (&attempt->cancellable);
  g_clear_object (&attempt->caller_cancellable);
  g_clear_object (&attempt->tokens);
  g_clear_error (&attempt->error);
  g_free (attempt);
}

/* Utilities */

guint
bp_oauth_flow_resolve_port (guint configured_port)
{
  const char *text = g_getenv (BP_OAUTH_REDIRECT_PORT_ENV);
  guint64 port;

  if (text != NULL && *text != '\0')
    {
      /* The setting's range: a browser leaves out ":80" in the Host header, and
       * ports below 1024 need privileges an application does not have. */
      if (g_ascii_string_to_unsigned (text, 10, 1024, 65535, &port, NULL))
        return (guint) port;

      g_warning ("Ignoring %s: “%s” is not a port number (1024–65535)", BP_OAUTH_REDIRECT_PORT_ENV, text);
    }

  if (configured_port >= 1024 && configured_port <= 65535)
    return configured_port;

  return BP_SALESFORCE_DEFAULT_REDIRECT_PORT;
}

static void
append_parameter (GString    *url,
                  const char *name,
                  const char *value)
{
  g_autofree char *escaped = g_uri_escape_string (value, NULL, FALSE);

  if (url->str[url->len - 1] != '?')
    g_string_append_c (url, '&');
  g_string_append (url, name);
  g_string_append_c (url, '=');
  g_string_append (url, escaped);
}

char *
bp_oauth_build_authorize_url (const char *login_url,
                              const char *consumer_key,
                              const char *redirect_uri,
                              const char *state,
                              const char *code_challenge)
{
  g_autofree char *base = NULL;
  GString *url;

  g_return_val_if_fail (login_url != NULL, NULL);
  g_return_val_if_fail (consumer_key != NULL, NULL);
  g_return_val_if_fail (redirect_uri != NULL, NULL);
  g_return_val_if_fail (state != NULL, NULL);
  g_return_val_if_fail (code_challenge != NULL, NULL);

  base = bp_salesforce_build_url (login_url, BP_SALESFORCE_AUTHORIZE_PATH);
  url = g_string_new (base);
  g_string_append_c (url, '?');

  append_parameter (url, "response_type", "code");
  append_parameter (url, "client_id", consumer_key);
  append_parameter (url, "redirect_uri", redirect_uri);
  append_parameter (url, "state", state);
  append_parameter (url, "code_challenge", code_challenge);
  append_parameter (url, "code_challenge_method", "S256");
  append_parameter (url, "scope", BP_OAUTH_SCOPE);
  append_parameter (url, "prompt", BP_OAUTH_PROMPT);

  return g_string_free (url, FALSE);
}

static void
set_authorize_url (BpOAuthFlow *self,
                   const char  *url)
{
  if (g_strcmp0 (self->authorize_url, url) == 0)
    return;

  g_free (self->authorize_url);
  self->authorize_url = g_strdup (url);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AUTHORIZE_URL]);
}

static void
set_browser_error (BpOAuthFlow  *self,
                   const GError *error)
{
  if (self->browser_error == NULL && error == NULL)
    return;

  g_clear_error (&self->browser_error);
  if (error != NULL)
    self->browser_error = g_error_copy (error);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BROWSER_ERROR]);
}

/* Tokens nobody will apply */

typedef struct
{
  BpSalesforceClient *client;
  GApplication       *application;
} Orphan;

static void
orphan_revoked_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Orphan *orphan = user_data;
  g_autoptr(GError) error = NULL;

  if (bp_salesforce_client_revoke_finish (BP_SALESFORCE_CLIENT (object), result, &error))
    g_debug ("the token of the ended attempt was revoked");
  else
    g_message ("The token of a cancelled Request token could not be revoked: %s", error->message);

  if (orphan->application != NULL)
    g_application_release (orphan->application);
  g_clear_object (&orphan->application);
  g_clear_object (&orphan->client);
  g_free (orphan);
}

/* The attempt ended (cancelled, superseded) while Salesforce was issuing
 * tokens: nobody will store or apply them, so they must not stay valid at
 * Salesforce. Revoking the refresh token revokes its access tokens too. */
static void
revoke_orphaned_tokens (BpOAuthFlow        *self,
                        BpSalesforceTokens *tokens)
{
  const char *token = bp_salesforce_tokens_get_refresh_token (tokens);
  Orphan *orphan = g_new0 (Orphan, 1);

  if (token == NULL)
    token = bp_salesforce_tokens_get_access_token (tokens);

  g_debug ("the attempt ended while tokens were issued; revoking them");

  /* The revoke must finish even when the last window has closed. */
  orphan->client = g_object_ref (self->client);
  orphan->application = g_application_get_default ();
  if (orphan->application != NULL)
    {
      g_object_ref (orphan->application);
      g_application_hold (orphan->application);
    }

  bp_salesforce_client_revoke_async (self->client, self->login_url, token, NULL, orphan_revoked_cb, orphan);
}

/* Ending an attempt */

static void
attempt_close_server (Attempt *attempt)
{
  if (attempt->answered != NULL)
    {
      g_clear_signal_handler (&attempt->finished_id, attempt->answered);
      g_clear_object (&attempt->answered);
    }

  if (attempt->delivery_source != NULL)
    {
      g_source_destroy (attempt->delivery_source);
      g_clear_pointer (&attempt->delivery_source, g_source_unref);
    }

  if (attempt->server != NULL)
    {
      /* Closes the listening sockets at once: the port is free when this returns. */
      attempt->http->server_disconnect (attempt->server);
      g_clear_object (&attempt->server);
      g_debug ("the loopback listener is closed");
    }
}

/* Completes the task with the outcome in the attempt; the port is free. */
static void
attempt_complete (GTask *task)
{
  Attempt *attempt = g_task_get_task_data (task);
  BpOAuthFlow *self = attempt->flow;

  g_assert (attempt->is_done);

  attempt_close_server (attempt);

  if (attempt->timeout_source != NULL)
    {
      g_source_destroy (attempt->timeout_source);
      g_clear_pointer (&attempt->timeout_source, g_source_unref);
    }

  if (attempt->caller_cancellable != NULL)
    g_clear_signal_handler (&attempt->caller_cancelled_id, attempt->caller_cancellable);

  /* Stops an exchange or a browser launch still in flight. */
  g_cancellable_cancel (attempt->cancellable);

  if (self->task == task)
    {
      g_clear_object (&self->task);
      if (running_flow == self)
        running_flow = NULL;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IS_RUNNING]);
    }

  if (attempt->error != NULL)
    g_task_return_error (task, g_steal_pointer (&attempt->error));
  else
    g_task_return_pointer (task, g_steal_pointer (&attempt->tokens), g_object_unref);
}

/* Takes error or tokens. Ends now, or once the browser has the page. */
static void
attempt_end (GTask              *task,
             BpSalesforceTokens *tokens,
             GError             *error)
{
  Attempt *attempt = g_task_get_task_data (task);
  /* Held to the end of this function: ending may drop the last other reference. */
  G_GNUC_UNUSED g_autoptr(GTask) keep = g_object_ref (task);

  g_assert ((tokens == NULL) != (error == NULL));

  if (attempt->is_done)
    {
      g_clear_object (&tokens);
      g_clear_error (&error);
      return;
    }

  attempt->is_done = TRUE;
  /* Tokens already issued (asking userinfo, delivering the page) that a
   * cancel or a newer attempt now throws away. */
  if (attempt->tokens != NULL && tokens == NULL)
    revoke_orphaned_tokens (attempt->flow, attempt->tokens);
  g_clear_object (&attempt->tokens);
  attempt->tokens = tokens;
  g_clear_error (&attempt->error);
  attempt->error = error;

  if (error != NULL)
    g_debug ("the attempt ends: %s", error->message);
  else
    g_debug ("the attempt succeeded");

  attempt_complete (task);
}

static void
page_delivered (GTask *task)
{
  Attempt *attempt = g_task_get_task_data (task);

  if (attempt->is_done)
    return;

  attempt->is_done = TRUE;
  attempt_complete (task);
}

static gboolean
delivery_over_cb (gpointer user_data)
{
  GTask *task = user_data;
  Attempt *attempt = g_task_get_task_data (task);
  G_GNUC_UNUSED g_autoptr(GTask) keep = g_object_ref (task);

  g_clear_pointer (&attempt->delivery_source, g_source_unref);
  page_delivered (task);

  return G_SOURCE_REMOVE;
}

static void
answered_finished_cb (GObject  *message,
                      gpointer  user_data)
{
  GTask *task = user_data;
  Attempt *attempt = g_task_get_task_data (task);
  g_autoptr(GSource) source = NULL;

  if (!attempt->is_page_set)
    {
      /* The tab was closed while the code was being exchanged: the attempt
       * goes on, without a page to show. */
      g_debug ("the browser left before the result page");
      g_clear_signal_handler (&attempt->finished_id, message);
      g_clear_object (&attempt->answered);
      return;
    }

  g_debug ("the browser has the result page");

  /* libsoup is still inside the server here: close it from the main loop. */
  if (attempt->delivery_source != NULL)
    {
      g_source_destroy (attempt->delivery_source);
      g_clear_pointer (&attempt->delivery_source, g_source_unref);
    }

  source = g_idle_source_new ();
  g_source_set_callback (source, delivery_over_cb, task, NULL);
  g_source_set_name (source, "[bp] result page delivered");
  g_source_attach (source, g_task_get_context (task));
  attempt->delivery_source = g_steal_pointer (&source);
}

/* Response pages */

static void
set_page (Attempt    *attempt,
          GObject    *message,
          guint       status,
          const char *title,
          const char *text)
{
  const BpHttp *http = attempt->http;
  char *page = bp_oauth_callback_render_page (title, text);

  http->request_set_status (message, status);
  http->request_set_header (message, "Cache-Control", "no-store");
  http->request_set_header (message, "X-Content-Type-Options", "nosniff");
  http->request_set_header (message, "Referrer-Policy", "no-referrer");
  http->request_set_header (message, "Content-Security-Policy",
                            "default-src 'none'; style-src 'unsafe-inline'");
  http->request_set_body (message, "text/html; charset=utf-8", page, strlen (page));
}

/* Answers the callback that ends the attempt; the outcome is stored and the
 * task completes once the page has been sent. */
static void
attempt_answer_and_end (GTask              *task,
                        guint               status,
                        const char         *title,
                        const char         *text,
                        BpSalesforceTokens *tokens,
                        GError             *error)
{
  Attempt *attempt = g_task_get_task_data (task);
  g_autoptr(GSource) source = NULL;

  g_assert ((tokens == NULL) != (error == NULL));

  if (attempt->is_done)
    {
      g_clear_object (&tokens);
      g_clear_error (&error);
      return;
    }

  if (attempt->answered == NULL)
    {
      attempt_end (task, tokens, error);
      return;
    }

  g_clear_object (&attempt->tokens);
  attempt->tokens = tokens;
  g_clear_error (&attempt->error);
  attempt->error = error;
  if (error != NULL)
    g_debug ("the attempt ends: %s", error->message);
  else
    g_debug ("the attempt succeeded");

  attempt->http->request_set_header (attempt->answered, "Connection", "close");
  set_page (attempt, attempt->answered, status, title, text);
  attempt->is_page_set = TRUE;

  /* Should the browser never take the page, the listener closes anyway. */
  source = g_timeout_source_new (PAGE_DELIVERY_TIMEOUT_MS);
  g_source_set_callback (source, delivery_over_cb, task, NULL);
  g_source_set_name (source, "[bp] result page delivery");
  g_source_attach (source, g_task_get_context (task));
  attempt->delivery_source = g_steal_pointer (&source);

  attempt->http->request_unpause (attempt->answered);
}

/* The one valid callback: the browser waits for the page until the
 * outcome is known. */
static void
attempt_hold_callback (GTask   *task,
                       GObject *message)
{
  Attempt *attempt = g_task_get_task_data (task);

  g_assert (attempt->answered == NULL);

  attempt->has_accepted = TRUE;
  attempt->answered = g_object_ref (message);
  attempt->finished_id = g_signal_connect (message, "finished", G_CALLBACK (answered_finished_cb), task);
  attempt->http->request_pause (message);
}

/* Exchange and userinfo */

static void
user_info_received_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Attempt *attempt = g_task_get_task_data (task);
  g_autoptr(BpSalesforceUserInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  BpSalesforceTokens *tokens;

  info = bp_salesforce_client_get_user_info_finish (BP_SALESFORCE_CLIENT (object), result, &error);
  if (attempt->is_done)
    return;

  /* The token is good; not knowing who authorized is no reason to throw it away. */
  if (info == NULL)
    g_message ("The user information could not be read: %s", error->message);
  else
    bp_salesforce_tokens_set_username (attempt->tokens, info->preferred_username);

  tokens = g_steal_pointer (&attempt->tokens);
  if (bp_salesforce_tokens_get_username (tokens) != NULL)
    text = g_strdup_printf (_("Integration Accounts received the token for %s. You can close this tab."),
                            bp_salesforce_tokens_get_username (tokens));
  else
    text = g_strdup (_("Integration Accounts received the token. You can close this tab."));

  attempt_answer_and_end (task, BP_HTTP_STATUS_OK, _("Access granted"), text, tokens, NULL);
}

static void
code_exchanged_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Attempt *attempt = g_task_get_task_data (task);
  g_autoptr(BpSalesforceTokens) tokens = NULL;
  GError *error = NULL;

  tokens = bp_salesforce_client_exchange_code_finish (BP_SALESFORCE_CLIENT (object), result, &error);
  if (attempt->is_done)
    {
      if (tokens != NULL)
        revoke_orphaned_tokens (attempt->flow, tokens);
      g_clear_error (&error);
      return;
    }

  if (tokens != NULL && bp_salesforce_tokens_get_refresh_token (tokens) == NULL)
    {
      g_clear_object (&tokens);
      error = g_error_new_literal (BP_ERROR, BP_ERROR_NO_REFRESH_TOKEN,
                                   _("Salesforce issued no refresh token. Add the scope “Perform "
                                     "requests at any time (refresh_token, offline_access)” to the "
                                     "Selected OAuth Scopes of the Connected App, then press Request "
                                     "token again."));
    }

  if (tokens == NULL)
    {
      attempt_answer_and_end (task, BP_HTTP_STATUS_OK, _("Request token failed"), error->message,
                              NULL, error);
      return;
    }

  g_debug ("the code was exchanged; asking who authorized");
  attempt->tokens = g_steal_pointer (&tokens);
  bp_salesforce_client_get_user_info_async (attempt->flow->client,
                                            bp_salesforce_tokens_get_instance_url (attempt->tokens),
                                            bp_salesforce_tokens_get_access_token (attempt->tokens),
                                            attempt->cancellable, user_info_received_cb,
                                            g_object_ref (task));
}

/* The loopback listener */

/* The start page: one redirect to the authorize URL, for the first browser
 * that asks; the attempt keeps waiting whatever happens here. */
static void
answer_start_page (Attempt                      *attempt,
                   GObject                      *message,
                   const BpOAuthCallbackRequest *request)
{
  const BpHttp *http = attempt->http;

  if (strcmp (request->method, "GET") != 0)
    {
      set_page (attempt, message, BP_HTTP_STATUS_METHOD_NOT_ALLOWED, _("Method not allowed"), NULL);
      http->request_set_header (message, "Allow", "GET");
      g_debug ("start page: %s request -> 405", request->method);
      return;
    }

  /* A DNS-rebinding page never gets the authorize URL. */
  if (!bp_oauth_callback_is_loopback_host (request->host, request->port))
    {
      set_page (attempt, message, BP_HTTP_STATUS_BAD_REQUEST, _("Not this sign-in"), NULL);
      g_debug ("start page: another host -> 400");
      return;
    }

  if (attempt->is_start_used || attempt->is_done || attempt->has_accepted)
    {
      set_page (attempt, message, BP_HTTP_STATUS_GONE, _("Link already used"),
                _("This sign-in link has already been opened. Continue in the browser tab that "
                  "opened it first, or press Request token again in Integration Accounts."));
      g_debug ("start page: opened again -> 410");
      return;
    }

  attempt->is_start_used = TRUE;
  http->request_set_redirect (message, BP_HTTP_STATUS_FOUND, attempt->flow->authorize_url);
  http->request_set_header (message, "Cache-Control", "no-store");
  http->request_set_header (message, "Referrer-Policy", "no-referrer");
  g_debug ("start page: redirecting the browser to the authorize URL");
}

static void
apply_headers (Attempt *attempt,
               GObject *message,
               GStrv    headers)
{
  for (guint i = 0; headers != NULL && headers[i] != NULL && headers[i + 1] != NULL; i += 2)
    attempt->http->request_set_header (message, headers[i], headers[i + 1]);
}

static void
handle_request_cb (GObject  *message,
                   gpointer  user_data)
{
  GTask *task = user_data;
  Attempt *attempt = g_task_get_task_data (task);
  const BpHttp *http = attempt->http;
  GUri *uri = http->request_get_uri (message);
  g_autoptr(BpOAuthCallbackDecision) decision = NULL;
  BpOAuthCallbackRequest request = { NULL, };

  request.method = http->request_get_method (message);
  request.path = g_uri_get_path (uri);
  request.query = g_uri_get_query (uri);
  request.host = http->request_get_header (message, "Host");
  request.origin = http->request_get_header (message, "Origin");
  request.private_network = http->request_get_header (message, "Access-Control-Request-Private-Network");
  request.expected_state = attempt->state;
  request.port = attempt->flow->port;

  if (g_strcmp0 (request.path, attempt->start_path) == 0)
    {
      answer_start_page (attempt, message, &request);
      return;
    }

  decision = bp_oauth_callback_decide (&request);
  /* Never the query: it holds the code and the state. */
  g_debug ("callback listener: %s request -> %u (%s)", request.method, decision->status, decision->reason);

  if (decision->ends_attempt && (attempt->has_accepted || attempt->is_done))
    {
      set_page (attempt, message, BP_HTTP_STATUS_CONFLICT, _("Already answered"),
                _("This sign-in has already been answered. Return to Integration Accounts."));
      return;
    }

  switch (decision->action)
    {
    case BP_OAUTH_CALLBACK_PREFLIGHT:
      http->request_set_status (message, decision->status);
      apply_headers (attempt, message, decision->headers);
      http->request_set_header (message, "Cache-Control", "no-store");
      break;

    case BP_OAUTH_CALLBACK_NOT_FOUND:
      set_page (attempt, message, decision->status, _("Not found"), NULL);
      break;

    case BP_OAUTH_CALLBACK_METHOD_NOT_ALLOWED:
      set_page (attempt, message, decision->status, _("Method not allowed"), NULL);
      apply_headers (attempt, message, decision->headers);
      break;

    case BP_OAUTH_CALLBACK_BAD_REQUEST:
    case BP_OAUTH_CALLBACK_BAD_STATE:
      /* Keep waiting: a stale tab or a forged request must not end the attempt. */
      set_page (attempt, message, decision->status, _("Not this sign-in"),
                _("This page does not belong to the sign-in in progress. Return to Integration "
                  "Accounts and use the browser tab it opened."));
      break;

    case BP_OAUTH_CALLBACK_ERROR:
      {
        GError *error = bp_salesforce_error_new_oauth (BP_SALESFORCE_REQUEST_AUTHORIZE, decision->error,
                                                       decision->error_description,
                                                       attempt->flow->redirect_uri);

        attempt_hold_callback (task, message);
        attempt_answer_and_end (task, decision->status, _("Request token failed"), error->message,
                                NULL, error);
      }
      break;

    case BP_OAUTH_CALLBACK_CODE:
      attempt_hold_callback (task, message);
      if (attempt->timeout_source != NULL)
        {
          g_source_destroy (attempt->timeout_source);
          g_clear_pointer (&attempt->timeout_source, g_source_unref);
        }

      /* Not cancelled with the attempt: once the code is sent, Salesforce may
       * issue tokens, and only its answer lets code_exchanged_cb revoke them.
       * The client's timeout bounds it. */
      g_debug ("got the authorization code; exchanging it");
      bp_salesforce_client_exchange_code_async (attempt->flow->client, attempt->flow->login_url,
                                                attempt->flow->consumer_key,
                                                attempt->flow->consumer_secret, decision->code,
                                                attempt->flow->redirect_uri, attempt->verifier,
                                                NULL, code_exchanged_cb, g_object_ref (task));
      break;

    default:
      g_assert_not_reached ();
    }
}

static gboolean
listen_on (const BpHttp  *http,
           GObject       *server,
           const char    *address,
           guint          port,
           GError       **error)
{
  g_autoptr(GInetAddress) inet_address = g_inet_address_new_from_string (address);
  g_autoptr(GSocketAddress) socket_address = NULL;

  if (inet_address == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "not an address: %s", address);
      return FALSE;
    }

  socket_address = g_inet_socket_address_new (inet_address, port);
  return http->server_listen (server, socket_address, error);
}

static GError *
new_port_in_use_error (guint port)
{
  return g_error_new (BP_ERROR, BP_ERROR_PORT_IN_USE,
                      _("Port %u is in use by another program, so the browser cannot bring the "
                        "token back. Choose another Callback port in Preferences, register the "
                        "new callback URL on the Connected App, and press Request token again."),
                      port);
}

/* Loopback only, never 0.0.0.0 or :: (SALESFORCE.md §3.2). */
static GObject *
open_listener (BpOAuthFlow   *self,
               const BpHttp  *http,
               GTask         *task,
               GError       **error)
{
  g_autoptr(GObject) server = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *ipv6_address = self->ipv6_address != NULL ? self->ipv6_address : "::1";

  server = http->server_new (handle_request_cb, task);

  if (!listen_on (http, server, "127.0.0.1", self->port, &local_error))
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE))
        {
          *error = new_port_in_use_error (self->port);
          return NULL;
        }

      *error = g_error_new (BP_ERROR, BP_ERROR_NETWORK,
                            _("Could not listen on port %u of this computer: %s"),
                            self->port, local_error->message);
      return NULL;
    }

  if (!listen_on (http, server, ipv6_address, self->port, &local_error))
    {
      /* Another program on [::1]:port would receive the browser's redirect. */
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE))
        {
          http->server_disconnect (server);
          *error = new_port_in_use_error (self->port);
          return NULL;
        }

      g_debug ("no IPv6 loopback (%s); listening on 127.0.0.1 only", local_error->message);
    }

  g_debug ("listening for the callback on port %u", self->port);
  return g_steal_pointer (&server);
}

static gboolean
attempt_timed_out_cb (gpointer user_data)
{
  GTask *task = user_data;
  Attempt *attempt = g_task_get_task_data (task);

  g_clear_pointer (&attempt->timeout_source, g_source_unref);
  attempt_end (task, NULL,
               g_error_new (BP_ERROR, BP_ERROR_TIMED_OUT,
                            ngettext ("The browser did not come back within %u second. Try again "
                                      "when you are ready to sign in.",
                                      "The browser did not come back within %u seconds. Try again "
                                      "when you are ready to sign in.",
                                      attempt->flow->timeout_seconds),
                            attempt->flow->timeout_seconds));

  return G_SOURCE_REMOVE;
}

static void
caller_cancelled_cb (GCancellable *cancellable,
                     gpointer      user_data)
{
  GTask *task = user_data;

  attempt_end (task, NULL, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                _("Request token was cancelled.")));
}

static void
browser_opened_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Attempt *attempt = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (bp_browser_open_finish (result, &error) || attempt->is_done)
    return;

  /* Keep waiting: the dialog offers the URL to copy (SALESFORCE.md §3.4). */
  g_debug ("no browser opened: %s", error->message);
  set_browser_error (attempt->flow, error);
}

void
bp_oauth_flow_run_async (BpOAuthFlow         *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *challenge = NULL;
  g_autofree char *url = NULL;
  g_autofree char *nonce = NULL;
  g_autofree char *start_url = NULL;
  g_autoptr(GSource) source = NULL;
  Attempt *attempt;

  g_return_if_fail (BP_IS_OAUTH_FLOW (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bp_oauth_flow_run_async);

  /* The newest attempt wins (the user's latest intent; only one can listen
   * on the port): a second run of this flow (Try again) cancels the first;
   * another flow's attempt ends with a message its dialog can show. Either
   * frees the port for this one; a token the old one was still being issued
   * is revoked. */
  if (running_flow == self)
    bp_oauth_flow_cancel (self);
  else if (running_flow != NULL && running_flow->task != NULL)
    attempt_end (running_flow->task, NULL,
                 g_error_new_literal (BP_ERROR, BP_ERROR_SUPERSEDED,
                                      _("Request token was started again elsewhere, so this attempt "
                                        "was stopped: only one can wait for the browser at a time. "
                                        "Press Try Again to continue here.")));
  g_assert (self->task == NULL);

  set_browser_error (self, NULL);
  set_authorize_url (self, NULL);

  if (g_task_return_error_if_cancelled (task))
    return;

  attempt = g_new0 (Attempt, 1);
  attempt->flow = self;
  attempt->cancellable = g_cancellable_new ();
  g_task_set_task_data (task, attempt, attempt_free);

  attempt->state = bp_pkce_generate_state (&error);
  if (attempt->state != NULL)
    attempt->verifier = bp_pkce_generate_verifier (&error);
  if (attempt->verifier != NULL)
    nonce = bp_pkce_generate_state (&error);
  if (nonce == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* libsoup, in the bp-http module: loaded the first time a token is
   * requested. */
  attempt->http = bp_http_get (&error);
  if (attempt->http == NULL)
    {
      g_prefix_error (&error, "%s", _("A token cannot be requested: "));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Before the browser: a taken port must fail first (SALESFORCE.md §3.2). */
  attempt->server = open_listener (self, attempt->http, task, &error);
  if (attempt->server == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  self->task = g_object_ref (task);
  running_flow = self;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IS_RUNNING]);

  if (cancellable != NULL)
    {
      attempt->caller_cancellable = g_object_ref (cancellable);
      attempt->caller_cancelled_id = g_signal_connect (cancellable, "cancelled",
                                                       G_CALLBACK (caller_cancelled_cb), task);
    }

  /* Not _seconds(): that one may fire up to a second early. */
  source = g_timeout_source_new ((guint) MIN ((guint64) self->timeout_seconds * 1000, G_MAXUINT));
  g_source_set_callback (source, attempt_timed_out_cb, task, NULL);
  g_source_set_name (source, "[bp] request token timeout");
  g_source_attach (source, g_task_get_context (task));
  attempt->timeout_source = g_steal_pointer (&source);

  challenge = bp_pkce_compute_challenge (attempt->verifier);
  url = bp_oauth_build_authorize_url (self->login_url, self->consumer_key, self->redirect_uri,
                                      attempt->state, challenge);
  set_authorize_url (self, url);

  /* base64url: safe in a path as it is. */
  attempt->start_path = g_strconcat (START_PATH_PREFIX, nonce, NULL);
  start_url = g_strdup_printf ("http://localhost:%u%s", self->port, attempt->start_path);
  bp_browser_open_async (start_url, attempt->cancellable, browser_opened_cb, g_object_ref (task));
}

BpSalesforceTokens *
bp_oauth_flow_run_finish (BpOAuthFlow   *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (BP_IS_OAUTH_FLOW (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == bp_oauth_flow_run_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
bp_oauth_flow_cancel (BpOAuthFlow *self)
{
  g_return_if_fail (BP_IS_OAUTH_FLOW (self));

  if (self->task == NULL)
    return;

  attempt_end (self->task, NULL, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                      _("Request token was cancelled.")));
}

/* Properties */

guint
bp_oauth_flow_get_port (BpOAuthFlow *self)
{
  g_return_val_if_fail (BP_IS_OAUTH_FLOW (self), 0);
  return self->port;
}

const char *
bp_oauth_flow_get_redirect_uri (BpOAuthFlow *self)
{
  g_return_val_if_fail (BP_IS_OAUTH_FLOW (self), NULL);
  return self->redirect_uri;
}

const char *
bp_oauth_flow_get_authorize_url (BpOAuthFlow *self)
{
  g_return_val_if_fail (BP_IS_OAUTH_FLOW (self), NULL);
  return self->authorize_url;
}

const GError *
bp_oauth_flow_get_browser_error (BpOAuthFlow *self)
{
  g_return_val_if_fail (BP_IS_OAUTH_FLOW (self), NULL);
  return self->browser_error;
}

gboolean
bp_oauth_flow_get_is_running (BpOAuthFlow *self)
{
  g_return_val_if_fail (BP_IS_OAUTH_FLOW (self), FALSE);
  return self->task != NULL;
}

guint
bp_oauth_flow_get_timeout (BpOAuthFlow *self)
{
  g_return_val_if_fail (BP_IS_OAUTH_FLOW (self), 0);
  return self->timeout_seconds;
}

/* Applies to the next run. 0 means the default. */
void
bp_oauth_flow_set_timeout (BpOAuthFlow *self,
                           guint        seconds)
{
  g_return_if_fail (BP_IS_OAUTH_FLOW (self));

  if (seconds == 0)
    seconds = BP_OAUTH_FLOW_DEFAULT_TIMEOUT;

  if (self->timeout_seconds == seconds)
    return;

  self->timeout_seconds = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT]);
}

void
bp_oauth_flow_set_ipv6_address_for_testing (BpOAuthFlow *self,
                                            const char  *address)
{
  g_return_if_fail (BP_IS_OAUTH_FLOW (self));

  g_free (self->ipv6_address);
  self->ipv6_address = g_strdup (address);
}

static char *
strip_copy (const char *text)
{
  return g_strstrip (g_strdup (text != NULL ? text : ""));
}

BpOAuthFlow *
bp_oauth_flow_new (BpSalesforceClient *client,
                   const char         *login_url,
                   const char         *consumer_key,
                   const char         *consumer_secret,
                   guint               port)
{
  BpOAuthFlow *self;

  g_return_val_if_fail (BP_IS_SALESFORCE_CLIENT (client), NULL);
  g_return_val_if_fail (login_url != NULL, NULL);
  g_return_val_if_fail (consumer_key != NULL, NULL);
  g_return_val_if_fail (port >= 1 && port <= 65535, NULL);

  self = g_object_new (BP_TYPE_OAUTH_FLOW,
                       "client", client,
                       "login-url", login_url,
                       "consumer-key", consumer_key,
                       "port", port,
                       NULL);
  /* Not a property: a secret has no business in GObject introspection. */
  self->consumer_secret = strip_copy (consumer_secret);

  return self;
}

BpOAuthFlow *
bp_oauth_flow_new_for_account (BpSalesforceClient   *client,
                               BpSalesforceAccount  *account,
                               guint                 port,
                               GError              **error)
{
  g_autofree char *login_url = NULL;

  g_return_val_if_fail (BP_IS_SALESFORCE_CLIENT (client), NULL);
  g_return_val_if_fail (BP_IS_SALESFORCE_ACCOUNT (account), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!bp_salesforce_check_can_request_token (account, error))
    return NULL;

  login_url = bp_salesforce_get_login_url (bp_salesforce_account_get_url (account),
                                           bp_salesforce_account_get_sandbox (account), error);
  if (login_url == NULL)
    return NULL;

  return bp_oauth_flow_new (client, login_url, bp_salesforce_account_get_consumer_key (account),
                            bp_salesforce_account_get_consumer_secret (account), port);
}

static void
bp_oauth_flow_dispose (GObject *object)
{
  BpOAuthFlow *self = BP_OAUTH_FLOW (object);

  /* The running task holds a reference: nothing runs here. */
  g_assert (self->task == NULL);
  if (running_flow == self)
    running_flow = NULL;

  g_clear_object (&self->client);

  G_OBJECT_CLASS (bp_oauth_flow_parent_class)->dispose (object);
}

static void
bp_oauth_flow_finalize (GObject *object)
{
  BpOAuthFlow *self = BP_OAUTH_FLOW (object);

  g_free (self->login_url);
  g_free (self->consumer_key);
  bp_secret_free (self->consumer_secret);
  g_free (self->redirect_uri);
  g_free (self->authorize_url);
  g_clear_error (&self->browser_error);
  g_free (self->ipv6_address);

  G_OBJECT_CLASS (bp_oauth_flow_parent_class)->finalize (object);
}

static void
bp_oauth_flow_constructed (GObject *object)
{
  BpOAuthFlow *self = BP_OAUTH_FLOW (object);

  G_OBJECT_CLASS (bp_oauth_flow_parent_class)->constructed (object);

  self->redirect_uri = bp_salesforce_get_redirect_uri (self->port);
}

static void
bp_oauth_flow_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  BpOAuthFlow *self = BP_OAUTH_FLOW (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;
    case PROP_LOGIN_URL:
      g_value_set_string (value, self->login_url);
      break;
    case PROP_CONSUMER_KEY:
      g_value_set_string (value, self->consumer_key);
      break;
    case PROP_PORT:
      g_value_set_uint (value, self->port);
      break;
    case PROP_REDIRECT_URI:
      g_value_set_string (value, self->redirect_uri);
      break;
    case PROP_AUTHORIZE_URL:
      g_value_set_string (value, self->authorize_url);
      break;
    case PROP_BROWSER_ERROR:
      g_value_set_boxed (value, self->browser_error);
      break;
    case PROP_IS_RUNNING:
      g_value_set_boolean (value, self->task != NULL);
      break;
    case PROP_TIMEOUT:
      g_value_set_uint (value, self->timeout_seconds);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bp_oauth_flow_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  BpOAuthFlow *self = BP_OAUTH_FLOW (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      self->client = g_value_dup_object (value);
      break;
    case PROP_LOGIN_URL:
      self->login_url = g_value_dup_string (value);
      break;
    case PROP_CONSUMER_KEY:
      self->consumer_key = strip_copy (g_value_get_string (value));
      break;
    case PROP_PORT:
      self->port = g_value_get_uint (value);
      break;
    case PROP_TIMEOUT:
      bp_oauth_flow_set_timeout (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bp_oauth_flow_class_init (BpOAuthFlowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = bp_oauth_flow_constructed;
  object_class->dispose = bp_oauth_flow_dispose;
  object_class->finalize = bp_oauth_flow_finalize;
  object_class->get_property = bp_oauth_flow_get_property;
  object_class->set_property = bp_oauth_flow_set_property;

  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL, BP_TYPE_SALESFORCE_CLIENT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOGIN_URL] =
    g_param_spec_string ("login-url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONSUMER_KEY] =
    g_param_spec_string ("consumer-key", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PORT] =
    g_param_spec_uint ("port", NULL, NULL, 1, 65535, BP_SALESFORCE_DEFAULT_REDIRECT_PORT,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REDIRECT_URI] =
    g_param_spec_string ("redirect-uri", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_AUTHORIZE_URL] =
    g_param_spec_string ("authorize-url", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BROWSER_ERROR] =
    g_param_spec_boxed ("browser-error", NULL, NULL, G_TYPE_ERROR,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_IS_RUNNING] =
    g_param_spec_boolean ("is-running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", NULL, NULL, 1, G_MAXUINT / 1000, BP_OAUTH_FLOW_DEFAULT_TIMEOUT,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
bp_oauth_flow_init (BpOAuthFlow *self)
{
  self->timeout_seconds = BP_OAUTH_FLOW_DEFAULT_TIMEOUT;
}

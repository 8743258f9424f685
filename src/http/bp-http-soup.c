/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-http"

#include "config.h"

#include <libsoup/soup.h>

#include "bp-http.h"

/*
 * The bp-http module: all of Integration Accounts' use of libsoup, built as a
 * module of its own (libbp-http.so) that the application loads the first time
 * it talks HTTP (see bp-http-loader.c). It only carries requests and answers;
 * what is sent and what an answer means is decided in src/salesforce, so the
 * module has no messages to translate and no error domain, and logs nothing:
 * the bodies and headers it carries hold secrets.
 */

/* The client */

static GObject *
session_new (const char *user_agent,
             guint       timeout_seconds)
{
  return G_OBJECT (soup_session_new_with_options ("timeout", timeout_seconds,
                                                  "user-agent", user_agent,
                                                  NULL));
}

static void
session_set_timeout (GObject *session,
                     guint    timeout_seconds)
{
  soup_session_set_timeout (SOUP_SESSION (session), timeout_seconds);
}

static void
session_set_tls_database (GObject      *session,
                          GTlsDatabase *database)
{
  soup_session_set_tls_database (SOUP_SESSION (session), database);
}

static void
session_set_proxy_resolver (GObject        *session,
                            GProxyResolver *resolver)
{
  soup_session_set_proxy_resolver (SOUP_SESSION (session), resolver);
}

static GObject *
message_new (const char *method,
             const char *url)
{
  SoupMessage *message = soup_message_new (method, url);

  if (message == NULL)
    return NULL;

  soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT);
  return G_OBJECT (message);
}

static GUri *
message_get_uri (GObject *message)
{
  return soup_message_get_uri (SOUP_MESSAGE (message));
}

static void
message_set_header (GObject    *message,
                    const char *name,
                    const char *value)
{
  soup_message_headers_replace (soup_message_get_request_headers (SOUP_MESSAGE (message)), name, value);
}

static void
message_set_body (GObject    *message,
                  const char *content_type,
                  GBytes     *body)
{
  soup_message_set_request_body_from_bytes (SOUP_MESSAGE (message), content_type, body);
}

static void
send_async (GObject             *session,
            GObject             *message,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  soup_session_send_async (SOUP_SESSION (session), SOUP_MESSAGE (message), G_PRIORITY_DEFAULT,
                           cancellable, callback, user_data);
}

static GInputStream *
send_finish (GObject       *session,
             GAsyncResult  *result,
             GError       **error)
{
  return soup_session_send_finish (SOUP_SESSION (session), result, error);
}

static guint
message_get_status (GObject *message)
{
  return soup_message_get_status (SOUP_MESSAGE (message));
}

static const char *
message_get_content_type (GObject *message)
{
  return soup_message_headers_get_content_type (soup_message_get_response_headers (SOUP_MESSAGE (message)),
                                                NULL);
}

static gint64
message_get_content_length (GObject *message)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (SOUP_MESSAGE (message));

  if (soup_message_headers_get_encoding (headers) != SOUP_ENCODING_CONTENT_LENGTH)
    return -1;

  return soup_message_headers_get_content_length (headers);
}

/* The server */

typedef struct
{
  BpHttpHandler handler;
  gpointer      user_data;
} Handler;

static void
handle_request_cb (SoupServer        *server,
                   SoupServerMessage *message,
                   const char        *path,
                   GHashTable        *query,
                   gpointer           user_data)
{
  Handler *handler = user_data;

  handler->handler (G_OBJECT (message), handler->user_data);
}

static GObject *
server_new (BpHttpHandler handler,
            gpointer      user_data)
{
  SoupServer *server = soup_server_new ("server-header", NULL, NULL);
  Handler *data = g_new (Handler, 1);

  data->handler = handler;
  data->user_data = user_data;
  soup_server_add_handler (server, NULL, handle_request_cb, data, g_free);

  return G_OBJECT (server);
}

static gboolean
server_listen (GObject         *server,
               GSocketAddress  *address,
               GError         **error)
{
  return soup_server_listen (SOUP_SERVER (server), address, 0, error);
}

static void
server_disconnect (GObject *server)
{
  soup_server_disconnect (SOUP_SERVER (server));
}

static const char *
request_get_method (GObject *request)
{
  return soup_server_message_get_method (SOUP_SERVER_MESSAGE (request));
}

static GUri *
request_get_uri (GObject *request)
{
  return soup_server_message_get_uri (SOUP_SERVER_MESSAGE (request));
}

static const char *
request_get_header (GObject    *request,
                    const char *name)
{
  return soup_message_headers_get_one (soup_server_message_get_request_headers (SOUP_SERVER_MESSAGE (request)),
                                       name);
}

static void
request_set_status (GObject *request,
                    guint    status)
{
  soup_server_message_set_status (SOUP_SERVER_MESSAGE (request), status, NULL);
}

static void
request_set_header (GObject    *request,
                    const char *name,
                    const char *value)
{
  soup_message_headers_replace (soup_server_message_get_response_headers (SOUP_SERVER_MESSAGE (request)),
                                name, value);
}

static void
request_set_body (GObject    *request,
                  const char *content_type,
                  char       *body,
                  gsize       length)
{
  soup_server_message_set_response (SOUP_SERVER_MESSAGE (request), content_type, SOUP_MEMORY_TAKE,
                                    body, length);
}

static void
request_set_redirect (GObject    *request,
                      guint       status,
                      const char *url)
{
  soup_server_message_set_redirect (SOUP_SERVER_MESSAGE (request), status, url);
}

static void
request_pause (GObject *request)
{
  soup_server_message_pause (SOUP_SERVER_MESSAGE (request));
}

static void
request_unpause (GObject *request)
{
  soup_server_message_unpause (SOUP_SERVER_MESSAGE (request));
}

static const BpHttp table = {
  .header = { sizeof (BpHttp), BP_HTTP_VERSION },
  .session_new = session_new,
  .session_set_timeout = session_set_timeout,
  .session_set_tls_database = session_set_tls_database,
  .session_set_proxy_resolver = session_set_proxy_resolver,
  .message_new = message_new,
  .message_get_uri = message_get_uri,
  .message_set_header = message_set_header,
  .message_set_body = message_set_body,
  .send_async = send_async,
  .send_finish = send_finish,
  .message_get_status = message_get_status,
  .message_get_content_type = message_get_content_type,
  .message_get_content_length = message_get_content_length,
  .server_new = server_new,
  .server_listen = server_listen,
  .server_disconnect = server_disconnect,
  .request_get_method = request_get_method,
  .request_get_uri = request_get_uri,
  .request_get_header = request_get_header,
  .request_set_status = request_set_status,
  .request_set_header = request_set_header,
  .request_set_body = request_set_body,
  .request_set_redirect = request_set_redirect,
  .request_pause = request_pause,
  .request_unpause = request_unpause,
};

const BpModuleTable *
bp_http_module_get_table (void)
{
  return &table.header;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <gmodule.h>

#include "bp-module.h"

G_BEGIN_DECLS

/*
 * The interface between the application and bp-http, the module of ours that
 * holds everything that needs libsoup (bp-http-soup.c): the HTTP client that
 * talks to Salesforce and the loopback server that receives the browser's
 * redirect. The module is loaded the first time the application talks HTTP
 * (bp-http-loader.c says why); nothing else includes libsoup.
 *
 * The Salesforce logic (what is sent, what an answer means, PKCE, the
 * callback's checks) stays in src/salesforce: the module only carries bytes.
 * Its objects are GObjects whose types the application does not know: it
 * holds, references and releases them, and calls the table for everything
 * else. A server's request emits "finished" (no arguments besides the
 * object) once its response has been sent or its connection lost.
 *
 * The module exports one function, BP_HTTP_ENTRY_POINT, which returns its
 * table. Change BP_HTTP_VERSION whenever the table changes, so that an old
 * module left in the install directory is refused instead of called.
 */

#define BP_HTTP_VERSION 1
#define BP_HTTP_ENTRY_POINT "bp_http_module_get_table"

/* The HTTP statuses the application names. */
#define BP_HTTP_STATUS_OK                 200
#define BP_HTTP_STATUS_NO_CONTENT         204
#define BP_HTTP_STATUS_FOUND              302
#define BP_HTTP_STATUS_BAD_REQUEST        400
#define BP_HTTP_STATUS_NOT_FOUND          404
#define BP_HTTP_STATUS_METHOD_NOT_ALLOWED 405
#define BP_HTTP_STATUS_CONFLICT           409
#define BP_HTTP_STATUS_GONE               410

/* Called for every request the server receives; @request is the server's
 * until the handler returns, unless the handler takes a reference. */
typedef void (*BpHttpHandler) (GObject  *request,
                               gpointer  user_data);

typedef struct
{
  /* sizeof (BpHttp) and BP_HTTP_VERSION of the module's build. */
  BpModuleTable header;

  /* The client. A session's timeout is libsoup's: per read or connection,
   * 0 for none. */
  GObject      *(*session_new)                (const char          *user_agent,
                                               guint                timeout_seconds);
  void          (*session_set_timeout)        (GObject             *session,
                                               guint                timeout_seconds);
  /* NULL: no TLS database (nothing verifies). */
  void          (*session_set_tls_database)   (GObject             *session,
                                               GTlsDatabase        *database);
  /* NULL: no proxy. */
  void          (*session_set_proxy_resolver) (GObject             *session,
                                               GProxyResolver      *resolver);

  /* A request that never follows a redirect; NULL when the URL is not one
   * HTTP can use. */
  GObject      *(*message_new)                (const char          *method,
                                               const char          *url);
  /* The URL as libsoup parsed it (transfer none). */
  GUri         *(*message_get_uri)            (GObject             *message);
  /* Replaces a header of the request. */
  void          (*message_set_header)         (GObject             *message,
                                               const char          *name,
                                               const char          *value);
  void          (*message_set_body)           (GObject             *message,
                                               const char          *content_type,
                                               GBytes              *body);
  void          (*send_async)                 (GObject             *session,
                                               GObject             *message,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
  /* The response's body, once its headers have arrived. */
  GInputStream *(*send_finish)                (GObject             *session,
                                               GAsyncResult        *result,
                                               GError             **error);
  guint         (*message_get_status)         (GObject             *message);
  /* The response's media type without parameters; NULL when none. */
  const char   *(*message_get_content_type)   (GObject             *message);
  /* The response's Content-Length; -1 when it has none (chunked, or until
   * the connection closes). */
  gint64        (*message_get_content_length) (GObject             *message);

  /* The server. It sends no Server header. */
  GObject      *(*server_new)                 (BpHttpHandler        handler,
                                               gpointer             user_data);
  gboolean      (*server_listen)              (GObject             *server,
                                               GSocketAddress      *address,
                                               GError             **error);
  /* Closes the listening sockets at once: the port is free when it returns. */
  void          (*server_disconnect)          (GObject             *server);

  /* A request the server received. */
  const char   *(*request_get_method)         (GObject             *request);
  GUri         *(*request_get_uri)            (GObject             *request);
  const char   *(*request_get_header)         (GObject             *request,
                                               const char          *name);
  void          (*request_set_status)         (GObject             *request,
                                               guint                status);
  /* Replaces a header of the response. */
  void          (*request_set_header)         (GObject             *request,
                                               const char          *name,
                                               const char          *value);
  /* Takes @body, g_malloc()ed. */
  void          (*request_set_body)           (GObject             *request,
                                               const char          *content_type,
                                               char                *body,
                                               gsize                length);
  void          (*request_set_redirect)       (GObject             *request,
                                               guint                status,
                                               const char          *url);
  /* A paused request gets its response once unpaused. */
  void          (*request_pause)              (GObject             *request);
  void          (*request_unpause)            (GObject             *request);
} BpHttp;

/* The module's own entry point (BP_HTTP_ENTRY_POINT). */
G_MODULE_EXPORT const BpModuleTable *bp_http_module_get_table (void);

/* In the application (bp-http-loader.c). */
const BpHttp *bp_http_get (GError **error);

G_END_DECLS

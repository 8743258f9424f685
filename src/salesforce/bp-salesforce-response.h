/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * SECTION:bp-salesforce-response
 *
 * Pure functions that read what Salesforce answered and turn failures into
 * BP_ERROR with a message a person can act on (SALESFORCE.md §3.9, §5).
 * No I/O and no logging: each can be unit-tested and fuzzed on bytes.
 * Messages never quote a token, code, verifier, state or secret: excerpts
 * of server text go through bp_salesforce_sanitize_excerpt().
 */

/**
 * BpSalesforceRequest:
 * @BP_SALESFORCE_REQUEST_AUTHORIZE: the browser's authorization (an error in the callback)
 * @BP_SALESFORCE_REQUEST_CODE_EXCHANGE: token request with grant_type=authorization_code
 * @BP_SALESFORCE_REQUEST_REFRESH: token request with grant_type=refresh_token
 * @BP_SALESFORCE_REQUEST_REVOKE: revoke
 * @BP_SALESFORCE_REQUEST_USERINFO: userinfo
 * @BP_SALESFORCE_REQUEST_API_VERSIONS: `GET /services/data/`
 * @BP_SALESFORCE_REQUEST_LIMITS: `GET /services/data/vXX.X/limits/`
 *
 * Which request failed: the same OAuth error means different things (an
 * invalid_grant on a code is a used code, on a refresh a dead token).
 */
typedef enum
{
  BP_SALESFORCE_REQUEST_AUTHORIZE,
  BP_SALESFORCE_REQUEST_CODE_EXCHANGE,
  BP_SALESFORCE_REQUEST_REFRESH,
  BP_SALESFORCE_REQUEST_REVOKE,
  BP_SALESFORCE_REQUEST_USERINFO,
  BP_SALESFORCE_REQUEST_API_VERSIONS,
  BP_SALESFORCE_REQUEST_LIMITS,
} BpSalesforceRequest;

/* The API version used when `/services/data/` cannot be read. */
#define BP_SALESFORCE_FALLBACK_API_VERSION "62.0"

/**
 * bp_salesforce_error_new_oauth:
 * @request: which request failed
 * @error_code: the OAuth `error` ("invalid_grant", ...)
 * @description: (nullable): the `error_description`
 * @redirect_uri: (nullable): the redirect URI in use, named by the
 *   redirect_uri_mismatch hint
 *
 * Returns: (transfer full): %BP_ERROR_INVALID_CLIENT_ID, %BP_ERROR_INVALID_CLIENT,
 *   %BP_ERROR_INVALID_GRANT, %BP_ERROR_REDIRECT_URI_MISMATCH, %BP_ERROR_INVALID_REQUEST,
 *   %BP_ERROR_ACCESS_DENIED, or %BP_ERROR_SALESFORCE for any other code; with the
 *   hint of SALESFORCE.md §3.9 and the sanitized description
 */
GError *bp_salesforce_error_new_oauth          (BpSalesforceRequest   request,
                                                const char           *error_code,
                                                const char           *description,
                                                const char           *redirect_uri);

/**
 * bp_salesforce_error_new_from_response:
 * @request: which request failed
 * @status: the HTTP status
 * @content_type: (nullable): the Content-Type header
 * @body: (nullable): the body
 * @length: its length
 * @redirect_uri: (nullable): see bp_salesforce_error_new_oauth()
 *
 * Maps a failed HTTP answer: an OAuth JSON error as above; a REST error
 * array (`[{"message": ..., "errorCode": ...}]`) by status (401:
 * %BP_ERROR_INVALID_SESSION, 403: %BP_ERROR_PERMISSION_DENIED, else
 * %BP_ERROR_SALESFORCE), with Salesforce's message and errorCode; anything
 * else (HTML, 5xx, empty) as %BP_ERROR_SALESFORCE naming the HTTP status with a
 * short sanitized excerpt.
 *
 * Returns: (transfer full): the error
 */
GError *bp_salesforce_error_new_from_response  (BpSalesforceRequest   request,
                                                guint                 status,
                                                const char           *content_type,
                                                const char           *body,
                                                gsize                 length,
                                                const char           *redirect_uri);

/**
 * bp_salesforce_error_new_from_transport:
 * @error: what libsoup or GIO reported
 * @host: the host that was being reached
 *
 * Returns: (transfer full): %BP_ERROR_NETWORK (host not found, connection
 *   refused, unreachable, ...), %BP_ERROR_TLS (certificate not trusted, TLS
 *   failure), %BP_ERROR_TIMED_OUT, each with its own message; a cancellation
 *   stays %G_IO_ERROR_CANCELLED
 */
GError *bp_salesforce_error_new_from_transport (const GError         *error,
                                                const char           *host);

/**
 * bp_salesforce_sanitize_excerpt:
 * @text: (nullable): server text (HTML or plain)
 * @length: its length in bytes
 * @max_chars: the longest result, in characters
 *
 * Returns: (transfer full): one line of readable text: the HTML `<title>`
 *   or the text without tags, entities and control characters, valid UTF-8,
 *   long token-like runs replaced by "…", cut to @max_chars; "" when nothing
 *   readable is left
 */
char    *bp_salesforce_sanitize_excerpt        (const char           *text,
                                                gsize                 length,
                                                gsize                 max_chars);

/* TRUE when the Content-Type is JSON (application/json or +json). */
gboolean bp_salesforce_is_json_content_type    (const char           *content_type);

/* `{"error": ..., "error_description": ...}`; FALSE when the body is not one. */
gboolean bp_salesforce_parse_oauth_error       (const char           *body,
                                                gsize                 length,
                                                char                **error_code,
                                                char                **description);

/* The first element of a REST error array `[{"message": ..., "errorCode": ...}]`. */
gboolean bp_salesforce_parse_api_error         (const char           *body,
                                                gsize                 length,
                                                char                **error_code,
                                                char                **message);

/**
 * bp_salesforce_parse_highest_api_version:
 * @body: the body of `GET /services/data/`: `[{"label", "url", "version"}, ...]`
 * @length: its length
 *
 * Returns: (transfer full) (nullable): the highest version ("62.0"), or %NULL
 *   when the body lists none
 */
char    *bp_salesforce_parse_highest_api_version (const char         *body,
                                                  gsize               length);

/**
 * BpSalesforceUserInfo:
 * @preferred_username: the username ("admin@acme.example")
 * @organization_id: the org id (00D...)
 * @user_id: the user id (005...)
 * @name: (nullable): the display name
 * @email: (nullable): the email address
 *
 * Who authorized (SALESFORCE.md §3.10).
 */
typedef struct
{
  char *preferred_username;
  char *organization_id;
  char *user_id;
  char *name;
  char *email;
} BpSalesforceUserInfo;

#define BP_TYPE_SALESFORCE_USER_INFO (bp_salesforce_user_info_get_type ())

GType                 bp_salesforce_user_info_get_type          (void) G_GNUC_CONST;
BpSalesforceUserInfo *bp_salesforce_user_info_copy              (const BpSalesforceUserInfo *info);
void                  bp_salesforce_user_info_free              (BpSalesforceUserInfo       *info);

/* Requires a JSON object with a non-empty preferred_username. */
BpSalesforceUserInfo *bp_salesforce_user_info_new_from_response (const char                 *body,
                                                                 gsize                       length,
                                                                 GError                    **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BpSalesforceUserInfo, bp_salesforce_user_info_free)

G_END_DECLS

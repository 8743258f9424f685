/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define BP_ERROR (bp_error_quark ())

/**
 * BpError:
 * @BP_ERROR_FAILED: something failed that has no code of its own; the message says what.
 * @BP_ERROR_INVALID: the account has validation errors; the message lists them.
 * @BP_ERROR_NAME_TAKEN: another account already has this name (ignoring case and spaces).
 * @BP_ERROR_NOT_FOUND: the account is not (or no longer) in the store.
 * @BP_ERROR_BUSY: another save or delete of the store is still running.
 * @BP_ERROR_STORE_READ: the accounts file exists but could not be read (permissions, I/O).
 * @BP_ERROR_STORE_CORRUPT: the accounts file was not a valid store; it was moved aside and
 *   the message names the file it was moved to.
 * @BP_ERROR_STORE_WRITE: the accounts file could not be written; nothing was changed.
 * @BP_ERROR_SECRET_NOT_FOUND: the keyring has no such secret for the account.
 * @BP_ERROR_KEYRING_LOCKED: the keyring is locked and the user did not unlock it.
 * @BP_ERROR_NO_SECRET_SERVICE: no Secret Service (keyring daemon or portal) is running.
 * @BP_ERROR_KEYRING_FAILED: the keyring answered with an error.
 * @BP_ERROR_CERTIFICATE_EMPTY: no certificate text or bytes were given.
 * @BP_ERROR_CERTIFICATE_TOO_LARGE: the input is larger than a certificate can be (1 MiB).
 * @BP_ERROR_CERTIFICATE_MALFORMED: the input is not PEM, DER or base64 that decodes, or it is cut short.
 * @BP_ERROR_CERTIFICATE_NOT_A_CERTIFICATE: the input decodes, but it is not an X.509 certificate.
 * @BP_ERROR_CERTIFICATE_PRIVATE_KEY: the input holds a private key; it was refused and wiped.
 * @BP_ERROR_CERTIFICATE_MULTIPLE: the input holds more than one certificate.
 * @BP_ERROR_INVALID_URL: a URL (login host override, Url field) is not acceptable.
 * @BP_ERROR_PORT_IN_USE: the redirect port is taken on 127.0.0.1 or ::1; the message names
 *   the port and says to choose another one and update the Connected App's callback URL.
 * @BP_ERROR_NETWORK: the server could not be reached: host not found, connection refused,
 *   network unreachable, or the local listener could not be opened; the message says which.
 * @BP_ERROR_TLS: the secure connection failed (certificate not trusted, TLS error); nothing
 *   was sent.
 * @BP_ERROR_TIMED_OUT: the server, or the browser during Request token, did not answer in time.
 * @BP_ERROR_ACCESS_DENIED: the user refused access on Salesforce's consent page (access_denied).
 * @BP_ERROR_INVALID_CLIENT_ID: Salesforce does not know the consumer key (invalid_client_id),
 *   or the Connected App is younger than about ten minutes.
 * @BP_ERROR_INVALID_CLIENT: Salesforce refused the consumer secret (invalid_client).
 * @BP_ERROR_INVALID_GRANT: the code or refresh token is expired, used, revoked or blocked by a
 *   policy (invalid_grant); on a refresh the account needs a new token.
 * @BP_ERROR_REDIRECT_URI_MISMATCH: the callback URL is not the one registered on the Connected
 *   App (redirect_uri_mismatch); the message names the exact URL to register.
 * @BP_ERROR_INVALID_REQUEST: Salesforce refused the request as malformed (invalid_request),
 *   usually a PKCE mismatch.
 * @BP_ERROR_NO_REFRESH_TOKEN: the token response had no refresh token: the Connected App lacks
 *   the "refresh_token, offline_access" scope.
 * @BP_ERROR_SALESFORCE: Salesforce answered with another OAuth error, an HTML page, a 5xx
 *   status or a body that could not be read; the message names the status with a short excerpt.
 * @BP_ERROR_INVALID_SESSION: the access token was refused (HTTP 401, INVALID_SESSION_ID): refresh
 *   it once and retry.
 * @BP_ERROR_PERMISSION_DENIED: Salesforce refused an API call (HTTP 403), e.g. the user lacks
 *   "View Setup and Configuration" or REQUEST_LIMIT_EXCEEDED; the message quotes Salesforce's.
 * @BP_ERROR_BROWSER: no web browser could be opened for the authorize URL (the attempt goes on:
 *   the URL can be copied).
 * @BP_ERROR_NOT_AN_EXPORT: the file given to import is not an Integration Accounts export (not
 *   JSON, another format, or a member of the wrong type); the message says where.
 * @BP_ERROR_EXPORT_TOO_NEW: the export file was written by a newer format version; the message
 *   names the versions and says to update the application.
 * @BP_ERROR_SUPERSEDED: a Request token attempt was stopped because another one started (only
 *   one can wait for the browser at a time); Try Again continues here.
 * @BP_ERROR_MODULE_MISSING: the bp-crypto module (GnuTLS: certificates, PKCE) or the
 *   bp-keyring module (libsecret: every keyring call) could not be loaded; the message names
 *   its path and why. The installation is broken.
 *
 * The one error domain of Integration Accounts. Every failure shown to a user
 * carries one of these codes and a translated message that says what to do.
 */
typedef enum
{
  BP_ERROR_FAILED,
  BP_ERROR_INVALID,
  BP_ERROR_NAME_TAKEN,
  BP_ERROR_NOT_FOUND,
  BP_ERROR_BUSY,
  BP_ERROR_STORE_READ,
  BP_ERROR_STORE_CORRUPT,
  BP_ERROR_STORE_WRITE,
  BP_ERROR_SECRET_NOT_FOUND,
  BP_ERROR_KEYRING_LOCKED,
  BP_ERROR_NO_SECRET_SERVICE,
  BP_ERROR_KEYRING_FAILED,
  BP_ERROR_CERTIFICATE_EMPTY,
  BP_ERROR_CERTIFICATE_TOO_LARGE,
  BP_ERROR_CERTIFICATE_MALFORMED,
  BP_ERROR_CERTIFICATE_NOT_A_CERTIFICATE,
  BP_ERROR_CERTIFICATE_PRIVATE_KEY,
  BP_ERROR_CERTIFICATE_MULTIPLE,
  BP_ERROR_INVALID_URL,
  BP_ERROR_PORT_IN_USE,
  BP_ERROR_NETWORK,
  BP_ERROR_TLS,
  BP_ERROR_TIMED_OUT,
  BP_ERROR_ACCESS_DENIED,
  BP_ERROR_INVALID_CLIENT_ID,
  BP_ERROR_INVALID_CLIENT,
  BP_ERROR_INVALID_GRANT,
  BP_ERROR_REDIRECT_URI_MISMATCH,
  BP_ERROR_INVALID_REQUEST,
  BP_ERROR_NO_REFRESH_TOKEN,
  BP_ERROR_SALESFORCE,
  BP_ERROR_INVALID_SESSION,
  BP_ERROR_PERMISSION_DENIED,
  BP_ERROR_BROWSER,
  BP_ERROR_NOT_AN_EXPORT,
  BP_ERROR_EXPORT_TOO_NEW,
  BP_ERROR_SUPERSEDED,
  BP_ERROR_MODULE_MISSING,
} BpError;

GQuark bp_error_quark (void);

G_END_DECLS

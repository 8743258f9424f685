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
} BpError;

GQuark bp_error_quark (void);

G_END_DECLS

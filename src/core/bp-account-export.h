/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "bp-account.h"

G_BEGIN_DECLS

/* The "format" member that tells an export file from any other JSON. */
#define BP_ACCOUNT_EXPORT_FORMAT         "bp-integration-accounts-export"
/* The newest format this version writes and reads. */
#define BP_ACCOUNT_EXPORT_FORMAT_VERSION 1

/**
 * SECTION:bp-account-export
 *
 * The file that `--export` and the window's Export… write and `--import`
 * and Import… read: the settings of some accounts, moved to another
 * workstation or kept as a copy. It never holds a secret or anything about a
 * token: no consumer secret, no refresh token, no token state, issue time or
 * authorized user. Nor the account ids: an imported account gets a new one
 * (the keyring keys its items by id).
 *
 * |[<!-- language="JSON" -->
 * {
 *   "format": "bp-integration-accounts-export",
 *   "format-version": 1,
 *   "application-version": "0.1.0",
 *   "exported-at": "2026-03-01T08:00:00Z",
 *   "accounts": [
 *     { "type": "salesforce", "name": "Production", "default": true,
 *       "url": "https://acme.my.salesforce.com/", "sandbox": false,
 *       "consumer-key": "3MVG9…", "idp-certificate": "-----BEGIN CERTIFICATE-----…",
 *       "idp-login-url": "https://acme.my.salesforce.com/idp/login?app=0sp…" }
 *   ]
 * }
 * ]|
 *
 * A reader takes any format version up to its own and refuses a newer one
 * (%BP_ERROR_EXPORT_TOO_NEW); anything else that is wrong is
 * %BP_ERROR_NOT_AN_EXPORT with a message that says where. Members a reader
 * does not know are kept with the account, as in the store file.
 */

/* @exported_at: (nullable): now when NULL. Returns: (transfer full): UTF-8 JSON. */
char       *bp_account_export_write              (GPtrArray   *accounts,
                                                  GDateTime   *exported_at,
                                                  gsize       *length);

/* Returns: (transfer full) (element-type BpAccount): the accounts of the
 * file, in file order, each with a new id and no token; not yet validated. */
GPtrArray  *bp_account_export_read               (const char  *data,
                                                  gsize        length,
                                                  GError     **error);

/* Returns: (transfer full): the exported object of one account. */
JsonObject *bp_account_export_account_to_json    (BpAccount   *account);

/**
 * bp_account_export_make_replacement:
 * @imported: an account read from an export file
 * @saved: the saved account it replaces
 *
 * Returns: (transfer full): a draft with the id and the token of @saved
 *   (state, issue time, authorized user) and every setting of @imported;
 *   it knows no secret, so the keyring keeps the saved account's items.
 */
BpAccount  *bp_account_export_make_replacement   (BpAccount   *imported,
                                                  BpAccount   *saved,
                                                  GError     **error);

G_END_DECLS

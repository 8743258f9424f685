/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * SECTION:bp-account-listing
 *
 * What `--list` prints: every account of a GListModel of BpAccount with its
 * name, type, default, Url, sandbox, token state and when its identity
 * provider certificate expires, as a table for people or as JSON for
 * scripts. The JSON member names are stable (README, "Command line"):
 *
 * |[<!-- language="JSON" -->
 * { "accounts": [ { "id": "…", "name": "Production", "type": "salesforce",
 *     "type-name": "Salesforce.com", "default": true,
 *     "url": "https://acme.my.salesforce.com/", "sandbox": false,
 *     "token-state": "valid", "token-issued-at": "2026-03-01T08:00:00Z",
 *     "authorized-user": "admin@acme.example",
 *     "certificate-status": "valid", "certificate-expires-at": "2027-03-01T08:00:00Z" } ] }
 * ]|
 *
 * @now decides whether a certificate has expired (NULL: now).
 */

char *bp_account_listing_to_text (GListModel *accounts,
                                  GDateTime  *now);
char *bp_account_listing_to_json (GListModel *accounts,
                                  GDateTime  *now);

G_END_DECLS

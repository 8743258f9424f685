/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsecret/secret.h>

#include "bp-secret-store.h"

G_BEGIN_DECLS

/* Shared by the two backends of BpSecretStore:
 *
 * - bp-secret-store.c talks to the Secret Service over D-Bus through
 *   SecretService, which tells "locked" from "no secret" from "no service".
 *   Used outside a sandbox.
 * - bp-secret-store-portal.c uses libsecret's simple password API. Inside
 *   Flatpak that API keeps the items in a file in the sandbox
 *   ($XDG_DATA_HOME/keyrings/default.keyring), encrypted with a key that the
 *   Secret portal (org.freedesktop.portal.Secret) hands out; outside a sandbox
 *   it uses the Secret Service like the other backend. Used inside Flatpak.
 *
 * BP_SECRET_BACKEND=portal or =service forces one; otherwise /.flatpak-info
 * decides. Both create their GTask with the public function as the source tag,
 * so the public _finish functions serve both. */

const SecretSchema *bp_secret_store_get_schema          (void);

GError             *bp_secret_store_new_locked_error    (void);
GError             *bp_secret_store_new_not_found_error (const char   *kind);
gboolean            bp_secret_store_is_service_missing  (const GError *error);
gboolean            bp_secret_store_is_timeout          (const GError *error);

/* The simple-API backend. Each takes over @task; @value is borrowed. */
void bp_secret_store_portal_lookup (GTask       *task,
                                    const char  *account_id,
                                    const char  *kind);
void bp_secret_store_portal_store  (GTask       *task,
                                    const char  *account_id,
                                    const char  *kind,
                                    const char  *label,
                                    SecretValue *value);
void bp_secret_store_portal_clear  (GTask       *task,
                                    const char  *account_id,
                                    const char  *kind);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsecret/secret.h>

#include "bp-keyring.h"

G_BEGIN_DECLS

/* Shared by the two backends of BpSecretStore, both in the bp-keyring module:
 *
 * - bp-keyring-service.c talks to the Secret Service over D-Bus through
 *   SecretService, which tells "locked" from "no secret" from "no service".
 *   Used outside a sandbox.
 * - bp-keyring-portal.c uses libsecret's simple password API. Inside
 *   Flatpak that API keeps the items in a file in the sandbox
 *   ($XDG_DATA_HOME/keyrings/default.keyring), encrypted with a key that the
 *   Secret portal (org.freedesktop.portal.Secret) hands out; outside a sandbox
 *   it uses the Secret Service like the other backend. Used inside Flatpak.
 *
 * BP_SECRET_BACKEND=portal or =service forces one; otherwise /.flatpak-info
 * decides (in bp-secret-store.c, which makes the session). Both work on the
 * GTask that BpSecretStore hands them (bp-keyring.h), so the public _finish
 * functions serve both. */

const SecretSchema *bp_keyring_get_schema          (void);

GError             *bp_keyring_new_locked_error    (void);
GError             *bp_keyring_new_not_found_error (const char   *kind);
gboolean            bp_keyring_is_service_missing  (const GError *error);
gboolean            bp_keyring_is_timeout          (const GError *error);

/* The simple-API backend. Each takes over @task; @value is borrowed. */
void bp_keyring_portal_lookup (GTask       *task,
                               const char  *account_id,
                               const char  *kind);
void bp_keyring_portal_store  (GTask       *task,
                               const char  *account_id,
                               const char  *kind,
                               const char  *label,
                               SecretValue *value);
void bp_keyring_portal_clear  (GTask       *task,
                               const char  *account_id,
                               const char  *kind);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-keyring"

#include "config.h"

#include <gmodule.h>
#include <glib/gi18n-lib.h>

#include "bp-keyring.h"
#include "bp-error.h"

/*
 * Why this file exists: linking libsecret made every start of the application
 * load and relocate libsecret, libgcrypt and libgpg-error (about 1 ms and
 * 0.5 MB, docs/performance.md) for a window that does not touch the keyring
 * until an account is opened, applied, deleted or given a token. So
 * everything that calls libsecret is in a module of ours, bp-keyring, loaded
 * (bp-module.c) the first time BpSecretStore makes a call.
 */

static BpModuleSpec module = {
  "libbp-keyring." G_MODULE_SUFFIX, BP_KEYRING_MODULE_DIR, BP_KEYRING_ENTRY_POINT,
  BP_KEYRING_VERSION, sizeof (BpKeyring),
};

/**
 * bp_keyring_get:
 * @error: return location for a %BP_ERROR_MODULE_MISSING error
 *
 * Loads the bp-keyring module the first time, from any thread. A failure is
 * remembered: every later call fails the same way, with a message that says
 * the keyring cannot be used and names the module and what went wrong.
 *
 * Returns: (transfer none): the module's functions, or %NULL with @error set
 */
const BpKeyring *
bp_keyring_get (GError **error)
{
  const BpModuleTable *table;
  GError *local_error = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  table = bp_module_load (&module, &local_error);
  if (table == NULL)
    g_propagate_prefixed_error (error, local_error, "%s", _("The keyring cannot be used: "));

  /* The header is the table's first member. */
  return (const BpKeyring *) table;
}

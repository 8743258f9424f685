/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-crypto"

#include "config.h"

#include <gmodule.h>

#include "bp-crypto.h"
#include "bp-error.h"

/*
 * Why this file exists: linking GnuTLS made every start of the application
 * load and relocate GnuTLS and the eight libraries it brings (p11-kit alone has
 * 6,800 relocations) and run its constructor, about 3 ms and 2 MB for a window
 * that needs none of it (docs/performance.md). Only reading an identity
 * provider certificate and requesting a token do, so everything that uses
 * GnuTLS is in a module of ours, bp-crypto, loaded (bp-module.c) the first
 * time it is needed.
 */

static BpModuleSpec module = {
  "libbp-crypto." G_MODULE_SUFFIX, BP_CRYPTO_MODULE_DIR, BP_CRYPTO_ENTRY_POINT,
  BP_CRYPTO_VERSION, sizeof (BpCrypto),
};

static const BpCrypto *linked_table;

/**
 * bp_crypto_get:
 * @error: return location for a %BP_ERROR_MODULE_MISSING error
 *
 * Loads the bp-crypto module the first time, from any thread. A failure is
 * remembered: every later call fails the same way, with a message that names
 * the module and what went wrong, which callers prefix with what could not be
 * done.
 *
 * Returns: (transfer none): the module's functions, or %NULL with @error set
 */
const BpCrypto *
bp_crypto_get (GError **error)
{
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (linked_table != NULL)
    return linked_table;

  /* The header is the table's first member. */
  return (const BpCrypto *) bp_module_load (&module, error);
}

/**
 * bp_crypto_use_linked_table:
 * @table: the table of a bp-crypto linked into the program
 *
 * For the fuzz targets, which link the module's code into the program (the
 * fuzzer sees its coverage best that way): bp_crypto_get() returns @table
 * and loads nothing. The application never calls this.
 */
void
bp_crypto_use_linked_table (const BpCrypto *table)
{
  g_return_if_fail (table != NULL && table->header.version == BP_CRYPTO_VERSION);

  linked_table = table;
}

void
bp_crypto_certificate_clear (BpCryptoCertificate *certificate)
{
  g_clear_pointer (&certificate->der, g_free);
  g_clear_pointer (&certificate->subject, g_free);
  g_clear_pointer (&certificate->issuer, g_free);
  g_clear_pointer (&certificate->common_name, g_free);
}

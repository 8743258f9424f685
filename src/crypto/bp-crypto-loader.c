/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-crypto"

#include "config.h"

#include <gmodule.h>
#include <glib/gi18n-lib.h>

#include "bp-crypto.h"
#include "bp-error.h"

/*
 * Why this file exists: linking GnuTLS made every start of the application
 * load and relocate GnuTLS and the eight libraries it brings (p11-kit alone has
 * 6,800 relocations) and run its constructor, about 3 ms and 2 MB for a window
 * that needs none of it (docs/performance.md). Only reading an identity
 * provider certificate and requesting a token do, so everything that uses
 * GnuTLS is in a module of ours, bp-crypto, loaded here the first time it is
 * needed, once, and never unloaded.
 *
 * The module is opened by its absolute path only — BP_CRYPTO_MODULE_DIR, set
 * at configure time — never searched for. BP_MODULE_DIR replaces that
 * directory, for the build tree (meson test, build-aux/run) and for tests
 * that install into a DESTDIR; it gives no more than LD_PRELOAD already does
 * to whoever sets the environment.
 */

#define MODULE_NAME "libbp-crypto." G_MODULE_SUFFIX

static const BpCrypto *linked_table;

typedef struct
{
  char           *path;
  const BpCrypto *table;    /* NULL when it failed */
  char           *problem;  /* why it failed, for the error */
} Loaded;

static Loaded *
load_module (void)
{
  Loaded *loaded = g_new0 (Loaded, 1);
  const char *dir = g_getenv ("BP_MODULE_DIR");
  GModule *module;
  BpCryptoEntryPoint get_table = NULL;
  const BpCrypto *table;

  if (dir == NULL || *dir == '\0')
    dir = BP_CRYPTO_MODULE_DIR;
  loaded->path = g_build_filename (dir, MODULE_NAME, NULL);

  if (!g_path_is_absolute (loaded->path))
    {
      loaded->problem = g_strdup (_("the path is not absolute"));
      return loaded;
    }

  /* LOCAL: GnuTLS's symbols stay the module's own. LAZY is not asked for:
   * the application is linked with -z now, and so is the module. */
  module = g_module_open (loaded->path, G_MODULE_BIND_LOCAL);
  if (module == NULL)
    {
      loaded->problem = g_strdup (g_module_error ());
      return loaded;
    }

  if (!g_module_symbol (module, BP_CRYPTO_ENTRY_POINT, (gpointer *) &get_table) ||
      get_table == NULL)
    {
      loaded->problem = g_strdup (g_module_error ());
      g_module_close (module);
      return loaded;
    }

  table = get_table ();
  if (table == NULL || table->version != BP_CRYPTO_VERSION || table->size < sizeof (BpCrypto))
    {
      /* An older or newer module than this executable was built with. */
      loaded->problem = g_strdup_printf (_("it is version %u, not %u"),
                                         table != NULL ? table->version : 0, BP_CRYPTO_VERSION);
      g_module_close (module);
      return loaded;
    }

  /* Unloading GnuTLS is not safe (its destructor, threads it may have
   * started), and the table points into the module. */
  g_module_make_resident (module);
  g_debug ("Loaded %s", loaded->path);

  loaded->table = table;
  return loaded;
}

static const Loaded *
get_loaded (void)
{
  static Loaded *loaded;

  if (g_once_init_enter (&loaded))
    g_once_init_leave (&loaded, load_module ());

  return loaded;
}

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
  const Loaded *loaded;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (linked_table != NULL)
    return linked_table;

  loaded = get_loaded ();
  if (loaded->table == NULL)
    {
      g_set_error (error, BP_ERROR, BP_ERROR_MODULE_MISSING,
                   _("%s could not be loaded: %s. Reinstall Integration Accounts."),
                   loaded->path, loaded->problem);
      return NULL;
    }

  return loaded->table;
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
  g_return_if_fail (table != NULL && table->version == BP_CRYPTO_VERSION);

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

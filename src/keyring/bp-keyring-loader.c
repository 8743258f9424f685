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
 * 0.3 MB, docs/performance.md) for a window that does not touch the keyring
 * until an account is opened, applied, deleted or given a token. So
 * everything that calls libsecret is in a module of ours, bp-keyring, loaded
 * here the first time BpSecretStore makes a call, once, and never unloaded.
 * It is bp-crypto-loader.c again, for this module.
 *
 * The module is opened by its absolute path only — BP_KEYRING_MODULE_DIR, set
 * at configure time — never searched for. BP_MODULE_DIR replaces that
 * directory, for the build tree (meson test, build-aux/run) and for tests
 * that install into a DESTDIR; it gives no more than LD_PRELOAD already does
 * to whoever sets the environment.
 */

#define MODULE_NAME "libbp-keyring." G_MODULE_SUFFIX

typedef struct
{
  char            *path;
  const BpKeyring *table;    /* NULL when it failed */
  char            *problem;  /* why it failed, for the error */
} Loaded;

static Loaded *
load_module (void)
{
  Loaded *loaded = g_new0 (Loaded, 1);
  const char *dir = g_getenv ("BP_MODULE_DIR");
  GModule *module;
  BpKeyringEntryPoint get_table = NULL;
  const BpKeyring *table;

  if (dir == NULL || *dir == '\0')
    dir = BP_KEYRING_MODULE_DIR;
  loaded->path = g_build_filename (dir, MODULE_NAME, NULL);

  if (!g_path_is_absolute (loaded->path))
    {
      loaded->problem = g_strdup (_("the path is not absolute"));
      return loaded;
    }

  /* LOCAL: libsecret's symbols stay the module's own. LAZY is not asked for:
   * the application is linked with -z now, and so is the module. */
  module = g_module_open (loaded->path, G_MODULE_BIND_LOCAL);
  if (module == NULL)
    {
      loaded->problem = g_strdup (g_module_error ());
      return loaded;
    }

  if (!g_module_symbol (module, BP_KEYRING_ENTRY_POINT, (gpointer *) &get_table) ||
      get_table == NULL)
    {
      loaded->problem = g_strdup (g_module_error ());
      g_module_close (module);
      return loaded;
    }

  table = get_table ();
  if (table == NULL || table->version != BP_KEYRING_VERSION || table->size < sizeof (BpKeyring))
    {
      /* An older or newer module than this executable was built with. */
      loaded->problem = g_strdup_printf (_("it is version %u, not %u"),
                                         table != NULL ? table->version : 0, BP_KEYRING_VERSION);
      g_module_close (module);
      return loaded;
    }

  /* libsecret registers GTypes and keeps a shared service and D-Bus
   * connections: unloading it is not safe, and the table points into the
   * module. */
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
  const Loaded *loaded;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  loaded = get_loaded ();
  if (loaded->table == NULL)
    {
      g_set_error (error, BP_ERROR, BP_ERROR_MODULE_MISSING,
                   _("The keyring cannot be used: %s could not be loaded: %s. Reinstall "
                     "Integration Accounts."),
                   loaded->path, loaded->problem);
      return NULL;
    }

  return loaded->table;
}

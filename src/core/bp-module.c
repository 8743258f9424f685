/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-module"

#include "config.h"

#include <gmodule.h>
#include <glib/gi18n-lib.h>

#include "bp-module.h"
#include "bp-error.h"

/*
 * Loads a module of ours (bp-crypto: GnuTLS; bp-keyring: libsecret) the first
 * time it is needed. Linking those libraries made every start of the
 * application load and relocate them and the libraries they bring, for a
 * window that needs none of them (docs/performance.md, items 17 and 22).
 *
 * A module is opened by its absolute path only — the directory it was
 * installed to, from config.h — never searched for. BP_MODULE_DIR replaces
 * that directory, for the build tree (meson test, build-aux/run) and for tests
 * that install into a DESTDIR; it gives no more than LD_PRELOAD already does to
 * whoever sets the environment. Once, from any thread; a failure is
 * remembered; a module once opened is never unloaded (GnuTLS's destructor,
 * libsecret's types and connections, and the table points into it).
 */

typedef struct
{
  char                *path;
  const BpModuleTable *table;     /* NULL when it failed */
  char                *problem;   /* why it failed, for the error */
} Loaded;

static Loaded *
load (const BpModuleSpec *spec)
{
  Loaded *loaded = g_new0 (Loaded, 1);
  const char *dir = g_getenv ("BP_MODULE_DIR");
  BpModuleEntryPoint get_table = NULL;
  const BpModuleTable *table;
  GModule *module;

  if (dir == NULL || *dir == '\0')
    dir = spec->default_dir;
  loaded->path = g_build_filename (dir, spec->file_name, NULL);

  if (!g_path_is_absolute (loaded->path))
    {
      loaded->problem = g_strdup (_("the path is not absolute"));
      return loaded;
    }

  /* LOCAL: the library's symbols stay the module's own. LAZY is not asked
   * for: the application is linked with -z now, and so is the module. */
  module = g_module_open (loaded->path, G_MODULE_BIND_LOCAL);
  if (module == NULL)
    {
      loaded->problem = g_strdup (g_module_error ());
      return loaded;
    }

  /* From here a refused module is kept loaded all the same: its libraries'
   * constructors have run (GnuTLS's, Kerberos's), and unloading them is what
   * this loader never does. */
  g_module_make_resident (module);

  if (!g_module_symbol (module, spec->entry_point, (gpointer *) &get_table))
    {
      loaded->problem = g_strdup (g_module_error ());
      return loaded;
    }

  table = get_table != NULL ? get_table () : NULL;
  if (table == NULL)
    {
      loaded->problem = g_strdup_printf (_("it gives no table at %s"), spec->entry_point);
      return loaded;
    }
  if (table->version != spec->version)
    {
      /* An older or newer module than this executable was built with. */
      loaded->problem = g_strdup_printf (_("it is version %u, not %u"), table->version, spec->version);
      return loaded;
    }
  if (table->size < spec->size)
    {
      loaded->problem = g_strdup_printf (_("its table is %zu bytes, not at least %zu"),
                                         (size_t) table->size, (size_t) spec->size);
      return loaded;
    }

  g_debug ("Loaded %s", loaded->path);

  loaded->table = table;
  return loaded;
}

/**
 * bp_module_load:
 * @spec: the module (a static instance, one per module)
 * @error: return location for a %BP_ERROR_MODULE_MISSING error
 *
 * Loads the module the first time, from any thread; later calls answer the
 * same, a failure with the same error: it names the path and why, and
 * callers prefix it with what could not be done.
 *
 * Returns: (transfer none) (nullable): the module's table, or %NULL with @error set
 */
const BpModuleTable *
bp_module_load (BpModuleSpec  *spec,
                GError       **error)
{
  const Loaded *loaded;

  g_return_val_if_fail (spec != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_once_init_enter (&spec->loaded))
    g_once_init_leave (&spec->loaded, load (spec));

  loaded = spec->loaded;
  if (loaded->table == NULL)
    g_set_error (error, BP_ERROR, BP_ERROR_MODULE_MISSING,
                 _("%s could not be loaded: %s. Reinstall Integration Accounts."),
                 loaded->path, loaded->problem);

  return loaded->table;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-http"

#include "config.h"

#include <gmodule.h>
#include <glib/gi18n-lib.h>

#include "bp-http.h"
#include "bp-error.h"

/*
 * Why this file exists: linking libsoup made every start of the application
 * load and relocate libsoup and the libraries it brings that GTK does not
 * (Kerberos and its five libraries, sqlite, nghttp2, libpsl, brotli), about
 * 3.5 ms and 1.5 MB for a window that talks no HTTP (docs/performance.md,
 * item 23). Only Request token, Check limits, the revoke of Delete and the
 * command line's --check-limits do, so everything that uses libsoup is in a
 * module of ours, bp-http, loaded here the first time one of them needs it,
 * once, and never unloaded. Loaded as bp-crypto is (bp-crypto-loader.c).
 *
 * The module is opened by its absolute path only — BP_HTTP_MODULE_DIR, set
 * at configure time — never searched for. BP_MODULE_DIR replaces that
 * directory, for the build tree (meson test, build-aux/run) and for tests
 * that install into a DESTDIR; it gives no more than LD_PRELOAD already does
 * to whoever sets the environment.
 */

#define MODULE_NAME "libbp-http." G_MODULE_SUFFIX

typedef struct
{
  char         *path;
  const BpHttp *table;    /* NULL when it failed */
  char         *problem;  /* why it failed, for the error */
} Loaded;

static Loaded *
load_module (void)
{
  Loaded *loaded = g_new0 (Loaded, 1);
  const char *dir = g_getenv ("BP_MODULE_DIR");
  GModule *module;
  BpHttpEntryPoint get_table = NULL;
  const BpHttp *table;

  if (dir == NULL || *dir == '\0')
    dir = BP_HTTP_MODULE_DIR;
  loaded->path = g_build_filename (dir, MODULE_NAME, NULL);

  if (!g_path_is_absolute (loaded->path))
    {
      loaded->problem = g_strdup (_("the path is not absolute"));
      return loaded;
    }

  /* LOCAL: libsoup's symbols stay the module's own. LAZY is not asked for:
   * the application is linked with -z now, and so is the module. */
  module = g_module_open (loaded->path, G_MODULE_BIND_LOCAL);
  if (module == NULL)
    {
      loaded->problem = g_strdup (g_module_error ());
      return loaded;
    }

  if (!g_module_symbol (module, BP_HTTP_ENTRY_POINT, (gpointer *) &get_table) ||
      get_table == NULL)
    {
      loaded->problem = g_strdup (g_module_error ());
      g_module_close (module);
      return loaded;
    }

  table = get_table ();
  if (table == NULL || table->version != BP_HTTP_VERSION || table->size < sizeof (BpHttp))
    {
      /* An older or newer module than this executable was built with. */
      loaded->problem = g_strdup_printf (_("it is version %u, not %u"),
                                         table != NULL ? table->version : 0, BP_HTTP_VERSION);
      g_module_close (module);
      return loaded;
    }

  /* Unloading libsoup is not safe (its GTypes, and the sessions, servers
   * and sources the application may still hold), and the table points into
   * the module. */
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
 * bp_http_get:
 * @error: return location for a %BP_ERROR_MODULE_MISSING error
 *
 * Loads the bp-http module the first time, from any thread. A failure is
 * remembered: every later call fails the same way, with a message that names
 * the module and what went wrong, which callers prefix with what could not be
 * done.
 *
 * Returns: (transfer none): the module's functions, or %NULL with @error set
 */
const BpHttp *
bp_http_get (GError **error)
{
  const Loaded *loaded;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

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

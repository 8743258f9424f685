/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-http"

#include "config.h"

#include <gmodule.h>

#include "bp-http.h"
#include "bp-error.h"

/*
 * Why this file exists: linking libsoup made every start of the application
 * load and relocate libsoup and the libraries it brings that GTK does not
 * (Kerberos and its five libraries, sqlite, nghttp2, libpsl, brotli), about
 * 3.5 ms and 1.5 MB for a window that talks no HTTP (docs/performance.md,
 * item 23). Only Request token, Check limits, the revoke of Delete and the
 * command line's --check-limits do, so everything that uses libsoup is in a
 * module of ours, bp-http, loaded (bp-module.c) the first time one of them
 * needs it.
 */

static BpModuleSpec module = {
  "libbp-http." G_MODULE_SUFFIX, BP_HTTP_MODULE_DIR, BP_HTTP_ENTRY_POINT,
  BP_HTTP_VERSION, sizeof (BpHttp),
};

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
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* The header is the table's first member. */
  return (const BpHttp *) bp_module_load (&module, error);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* For the tests of the modules loaded when first needed (bp-crypto,
 * bp-keyring, bp-http; src/core/bp-module.c). Links no library of those
 * modules, so what a test finds mapped was loaded. */

/* Whether a file whose path holds @name is mapped into this process. */
gboolean  bp_test_is_mapped              (const char   *name);

/* In a test subprocess, before @module_name is loaded: points the loader at
 * @dir. Returns the path it will open. */
char     *bp_test_use_module_dir         (const char   *dir,
                                          const char   *module_name);

/* Text in @module_path, where a module should be (a damaged installation):
 * longer than an ELF header, so the loader reads one and finds none. */
void      bp_test_write_damaged_module   (const char   *module_path);

/* A BP_ERROR_MODULE_MISSING error that begins with what could not be done
 * (@what), names @module_path and says @why. */
void      bp_test_assert_module_error    (const GError *error,
                                          const char   *what,
                                          const char   *module_path,
                                          const char   *why);

G_END_DECLS

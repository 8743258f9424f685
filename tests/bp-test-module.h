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

/* Asserts that what needs the module fails, naming @module_path and saying
 * @why (a call of the module under test, in its own test file). */
typedef void (*BpTestModuleCheck) (const char *module_path,
                                   const char *why);

/* Each runs @check in a test subprocess of its own (the loader remembers a
 * failure for the life of the process): with a file in @module_name's place
 * that is not a module (a damaged installation), or with the module directory
 * given as a relative path, which is opened by its path, never searched. */
void      bp_test_damaged_module         (const char        *module_name,
                                          BpTestModuleCheck  check);
void      bp_test_relative_module_dir    (const char        *module_name,
                                          BpTestModuleCheck  check);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-test-module"

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "bp-error.h"
#include "bp-test-module.h"

gboolean
bp_test_is_mapped (const char *name)
{
  g_autofree char *maps = NULL;
  g_autoptr(GError) error = NULL;

  g_file_get_contents ("/proc/self/maps", &maps, NULL, &error);
  g_assert_no_error (error);

  return strstr (maps, name) != NULL;
}

char *
bp_test_use_module_dir (const char *dir,
                        const char *module_name)
{
  g_assert_false (bp_test_is_mapped (module_name));
  g_setenv ("BP_MODULE_DIR", dir, TRUE);

  return g_build_filename (dir, module_name, NULL);
}

void
bp_test_write_damaged_module (const char *module_path)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (module_path,
                       "This is not a shared object, only text where a module of Integration Accounts "
                       "should be: a damaged installation, as a test of what it says.\n",
                       -1, &error);
  g_assert_no_error (error);
}

void
bp_test_assert_module_error (const GError *error,
                             const char   *what,
                             const char   *module_path,
                             const char   *why)
{
  g_assert_error (error, BP_ERROR, BP_ERROR_MODULE_MISSING);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, what));
  g_assert_nonnull (strstr (error->message, module_path));
  g_assert_nonnull (strstr (error->message, " could not be loaded: "));
  g_assert_nonnull (strstr (error->message, why));
}

void
bp_test_damaged_module (const char        *module_name,
                        BpTestModuleCheck  check)
{
  if (g_test_subprocess ())
    {
      g_autofree char *dir = g_dir_make_tmp ("bp-bad-module-XXXXXX", NULL);
      g_autofree char *module_path = bp_test_use_module_dir (dir, module_name);

      bp_test_write_damaged_module (module_path);
      check (module_path, "invalid ELF header");

      g_assert_cmpint (g_unlink (module_path), ==, 0);
      g_assert_cmpint (g_rmdir (dir), ==, 0);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

void
bp_test_relative_module_dir (const char        *module_name,
                             BpTestModuleCheck  check)
{
  if (g_test_subprocess ())
    {
      g_autofree char *module_path = bp_test_use_module_dir ("src", module_name);

      check (module_path, "the path is not absolute");
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-main"

#include "config.h"

#include <locale.h>
#include <string.h>

#include <glib/gi18n.h>

#include "bp-application.h"

/* The message catalogues. A staged installation (meson install --destdir,
 * as the end-to-end tests run it) keeps them beside the executable:
 * DESTDIR/BINDIR/bp-integration-accounts finds DESTDIR/LOCALEDIR. An
 * installed executable (DESTDIR empty) and the build tree use LOCALEDIR. */
static char *
find_localedir (void)
{
  g_autofree char *executable = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *bindir = NULL;
  g_autofree char *destdir = NULL;
  g_autofree char *staged = NULL;

  if (executable == NULL)
    return g_strdup (LOCALEDIR);

  bindir = g_path_get_dirname (executable);
  if (!g_str_has_suffix (bindir, BINDIR) || strlen (bindir) == strlen (BINDIR))
    return g_strdup (LOCALEDIR);

  destdir = g_strndup (bindir, strlen (bindir) - strlen (BINDIR));
  staged = g_build_filename (destdir, LOCALEDIR, NULL);
  if (!g_file_test (staged, G_FILE_TEST_IS_DIR))
    return g_strdup (LOCALEDIR);

  return g_steal_pointer (&staged);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(BpApplication) app = NULL;
  g_autofree char *localedir = find_localedir ();

  /* GTK would set the locale in its start-up, but the command line
   * (--list, --check-limits…) runs before it, without GTK. */
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = bp_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}

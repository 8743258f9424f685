/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-fuzz-replay"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <glib.h>

#include "bp-fuzz.h"

/* Replays the seed corpus and the regression inputs of a fuzz target without
 * libFuzzer, so that the normal build (gcc) runs them in every test run:
 *
 *   fuzz-certificate-replay tests/fuzz/corpus/fuzz-certificate [FILE...]
 *
 * Every file of every directory argument (and every file argument) is fed to
 * LLVMFuzzerTestOneInput() once, in name order. A crash, an abort or a GLib
 * critical fails the test; an argument that cannot be read fails it too, so
 * that a missing corpus is never a silent pass. */

static int
replay_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, &error))
    {
      g_printerr ("%s\n", error->message);
      return 0;
    }

  /* In a buffer of exactly its size, as libFuzzer gives it: a target that
   * read one byte past the input would then read past the buffer, which
   * the ASan build sees (g_file_get_contents() adds a NUL after it). */
  {
    g_autofree guint8 *input = g_memdup2 (contents, length);

    LLVMFuzzerTestOneInput (input, length);
  }
  return 1;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

int
main (int    argc,
      char **argv)
{
  guint n_inputs = 0;

  bp_fuzz_init ();

  if (argc < 2)
    {
      g_printerr ("Usage: %s CORPUS-DIRECTORY-OR-FILE...\n", argv[0]);
      return EXIT_FAILURE;
    }

  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GDir) dir = NULL;
      g_autoptr(GPtrArray) names = NULL;
      const char *name;

      if (!g_file_test (argv[i], G_FILE_TEST_IS_DIR))
        {
          if (!replay_file (argv[i]))
            return EXIT_FAILURE;
          n_inputs++;
          continue;
        }

      dir = g_dir_open (argv[i], 0, &error);
      if (dir == NULL)
        {
          g_printerr ("%s\n", error->message);
          return EXIT_FAILURE;
        }

      names = g_ptr_array_new_with_free_func (g_free);
      while ((name = g_dir_read_name (dir)) != NULL)
        g_ptr_array_add (names, g_build_filename (argv[i], name, NULL));
      g_ptr_array_sort (names, compare_names);

      for (guint j = 0; j < names->len; j++)
        {
          const char *path = g_ptr_array_index (names, j);

          if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
            continue;
          if (!replay_file (path))
            return EXIT_FAILURE;
          n_inputs++;
        }
    }

  if (n_inputs == 0)
    {
      g_printerr ("No inputs found: the corpus is missing\n");
      return EXIT_FAILURE;
    }

  printf ("%u inputs replayed\n", n_inputs);
  return EXIT_SUCCESS;
}

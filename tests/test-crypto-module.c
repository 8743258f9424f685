/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-crypto-module"

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "bp-certificate.h"
#include "bp-error.h"
#include "bp-pkce.h"
#include "bp-test-module.h"

/*
 * GnuTLS is in the bp-crypto module, loaded the first time a certificate is
 * read or a token requested (src/crypto/bp-crypto-loader.c). This program
 * links no GnuTLS of its own (unlike the other certificate tests, which make
 * their certificates with it), so what is mapped says what was loaded.
 *
 * A module that cannot be loaded is tried in a subprocess each: the loader
 * remembers its first answer for the life of the process.
 */

#define MODULE_NAME "libbp-crypto.so"

static char *
read_certificate_file (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fuzz", "corpus", "fuzz-certificate",
                                                 name, NULL);
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return text;
}

static void
test_loaded_on_first_use (void)
{
  g_autofree char *pem = read_certificate_file ("idp-ec.pem");
  g_autofree char *module_path = g_build_filename (g_getenv ("BP_MODULE_DIR"), MODULE_NAME, NULL);
  g_autoptr(BpCertificate) certificate = NULL;
  g_autoptr(GError) error = NULL;

  /* meson test points the loader at the build tree. */
  g_assert_nonnull (g_getenv ("BP_MODULE_DIR"));
  g_assert_false (bp_test_is_mapped ("libgnutls"));
  g_assert_false (bp_test_is_mapped (MODULE_NAME));

  /* Text that is no certificate is judged without the module. */
  certificate = bp_certificate_new_from_text ("  \n", BP_CERTIFICATE_PARSE_DEFAULT, &error);
  g_assert_error (error, BP_ERROR, BP_ERROR_CERTIFICATE_EMPTY);
  g_assert_null (certificate);
  g_clear_error (&error);
  certificate = bp_certificate_new_from_text ("-----BEGIN CERTIFICATE-----\nnot base64!\n"
                                              "-----END CERTIFICATE-----\n",
                                              BP_CERTIFICATE_PARSE_DEFAULT, &error);
  g_assert_error (error, BP_ERROR, BP_ERROR_CERTIFICATE_MALFORMED);
  g_clear_error (&error);
  g_assert_false (bp_test_is_mapped ("libgnutls"));

  /* A certificate loads it, from BP_MODULE_DIR, and GnuTLS with it. */
  certificate = bp_certificate_new_from_text (pem, BP_CERTIFICATE_PARSE_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (bp_certificate_get_key_algorithm (certificate), ==, "EC");
  g_assert_true (bp_certificate_is_self_signed (certificate));
  g_assert_true (bp_test_is_mapped (module_path));
  g_assert_true (bp_test_is_mapped ("libgnutls"));
}

static void
test_pkce_with_module (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *verifier = bp_pkce_generate_verifier (&error);
  g_autofree char *state = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (strlen (verifier), ==, BP_PKCE_VERIFIER_LENGTH);
  state = bp_pkce_generate_state (&error);
  g_assert_no_error (error);
  g_assert_cmpstr (state, !=, verifier);
  g_assert_true (bp_test_is_mapped ("libgnutls"));
}

static void
test_missing_module_certificate (void)
{
  if (g_test_subprocess ())
    {
      g_autofree char *dir = g_dir_make_tmp ("bp-no-module-XXXXXX", NULL);
      g_autofree char *module_path = bp_test_use_module_dir (dir, MODULE_NAME);
      g_autofree char *pem = read_certificate_file ("idp-ec.pem");
      g_autofree char *first_message = NULL;
      g_autoptr(BpCertificate) certificate = NULL;
      g_autoptr(GError) error = NULL;

      certificate = bp_certificate_new_from_text (pem, BP_CERTIFICATE_PARSE_DEFAULT, &error);
      g_assert_null (certificate);
      bp_test_assert_module_error (error, "The certificate cannot be checked: ", module_path,
                           "No such file or directory");
      first_message = g_strdup (error->message);
      g_clear_error (&error);

      /* Asked again, the same answer (the loader does not retry, or crash). */
      certificate = bp_certificate_new_from_text (pem, BP_CERTIFICATE_PARSE_DEFAULT, &error);
      g_assert_null (certificate);
      g_assert_error (error, BP_ERROR, BP_ERROR_MODULE_MISSING);
      g_assert_cmpstr (error->message, ==, first_message);
      g_clear_error (&error);
      g_assert_cmpuint (bp_certificate_count_in_data ((const guint8 *) pem, strlen (pem)), ==, 0);

      /* What the text itself says wrong is still said. */
      certificate = bp_certificate_new_from_text ("", BP_CERTIFICATE_PARSE_DEFAULT, &error);
      g_assert_error (error, BP_ERROR, BP_ERROR_CERTIFICATE_EMPTY);

      g_assert_false (bp_test_is_mapped ("libgnutls"));
      g_assert_cmpint (g_rmdir (dir), ==, 0);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

static void
test_missing_module_pkce (void)
{
  if (g_test_subprocess ())
    {
      g_autofree char *dir = g_dir_make_tmp ("bp-no-module-XXXXXX", NULL);
      g_autofree char *module_path = bp_test_use_module_dir (dir, MODULE_NAME);
      g_autoptr(GError) error = NULL;
      g_autofree char *verifier = bp_pkce_generate_verifier (&error);
      g_autofree char *state = NULL;

      g_assert_null (verifier);
      bp_test_assert_module_error (error, "A token cannot be requested: ", module_path,
                           "No such file or directory");
      g_clear_error (&error);

      state = bp_pkce_generate_state (&error);
      g_assert_null (state);
      g_assert_error (error, BP_ERROR, BP_ERROR_MODULE_MISSING);

      g_assert_cmpint (g_rmdir (dir), ==, 0);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* Reading a certificate fails, saying why. */
static void
check_certificate (const char *module_path,
                   const char *why)
{
  g_autofree char *pem = read_certificate_file ("idp-ec.pem");
  g_autoptr(BpCertificate) certificate = NULL;
  g_autoptr(GError) error = NULL;

  certificate = bp_certificate_new_from_text (pem, BP_CERTIFICATE_PARSE_DEFAULT, &error);
  g_assert_null (certificate);
  bp_test_assert_module_error (error, "The certificate cannot be checked: ", module_path, why);
}

/* Making a PKCE verifier fails, saying why. */
static void
check_pkce (const char *module_path,
            const char *why)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *verifier = bp_pkce_generate_verifier (&error);

  g_assert_null (verifier);
  bp_test_assert_module_error (error, "A token cannot be requested: ", module_path, why);
}

/* A file in the module's place that is not a module (a damaged install). */
static void
test_damaged_module (void)
{
  bp_test_damaged_module (MODULE_NAME, check_certificate);
}

/* The override is a directory to open by its path, never a place to search. */
static void
test_relative_module_dir (void)
{
  bp_test_relative_module_dir (MODULE_NAME, check_pkce);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  /* First: it checks that nothing loaded GnuTLS before. */
  g_test_add_func ("/crypto-module/loaded-on-first-use", test_loaded_on_first_use);
  g_test_add_func ("/crypto-module/pkce", test_pkce_with_module);
  g_test_add_func ("/crypto-module/missing/certificate", test_missing_module_certificate);
  g_test_add_func ("/crypto-module/missing/pkce", test_missing_module_pkce);
  g_test_add_func ("/crypto-module/damaged", test_damaged_module);
  g_test_add_func ("/crypto-module/relative-dir", test_relative_module_dir);

  return g_test_run ();
}

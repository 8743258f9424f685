/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fuzz-certificate"

#include "config.h"

#include "bp-certificate.h"
#include "bp-error.h"
#include "bp-fuzz.h"

/* The IdP certificate input (pasted text or a picked file): PEM, DER or bare
 * base64 through bp_certificate_new_from_data(). Besides not crashing, what
 * is kept must read back as the same certificate: the stored PEM is parsed
 * again when the store is loaded. */

static void
check_certificate (BpCertificate *certificate)
{
  g_autoptr(GDateTime) now = g_date_time_new_utc (2026, 11, 28, 12, 0, 0);
  g_autoptr(BpCertificate) again = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (bp_certificate_get_subject (certificate));
  g_assert_nonnull (bp_certificate_get_issuer (certificate));
  g_assert_nonnull (bp_certificate_get_key_algorithm (certificate));
  g_assert_true (g_utf8_validate (bp_certificate_get_subject (certificate), -1, NULL));
  g_assert_true (g_utf8_validate (bp_certificate_get_issuer (certificate), -1, NULL));
  /* The common name is NULL when the subject has none. */
  if (bp_certificate_get_common_name (certificate) != NULL)
    g_assert_true (g_utf8_validate (bp_certificate_get_common_name (certificate), -1, NULL));
  (void) bp_certificate_get_key_bits (certificate);
  (void) bp_certificate_is_self_signed (certificate);
  (void) bp_certificate_get_validity (certificate, now);
  (void) bp_certificate_get_days_left (certificate, now);

  again = bp_certificate_new_from_text (bp_certificate_get_pem (certificate), BP_CERTIFICATE_PARSE_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (bp_certificate_get_sha256_fingerprint (again), ==,
                   bp_certificate_get_sha256_fingerprint (certificate));
  g_assert_cmpstr (bp_certificate_get_pem (again), ==, bp_certificate_get_pem (certificate));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(BpCertificate) certificate = NULL;
  g_autoptr(BpCertificate) first = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) first_error = NULL;
  guint count;

  bp_fuzz_init ();

  certificate = bp_certificate_new_from_data (data, size, BP_CERTIFICATE_PARSE_DEFAULT, &error);
  if (certificate != NULL)
    {
      g_assert_no_error (error);
      check_certificate (certificate);
    }
  else
    {
      /* Any code of ours, with a message. */
      g_assert_nonnull (error);
      g_assert_true (error->domain == BP_ERROR);
      g_assert_true (error->message[0] != '\0');
    }

  count = bp_certificate_count_in_data (data, size);
  if (certificate != NULL)
    g_assert_cmpuint (count, ==, 1);

  /* "Keep the first" is only offered for several certificates. */
  if (count > 1)
    {
      g_assert_error (error, BP_ERROR, BP_ERROR_CERTIFICATE_MULTIPLE);
      first = bp_certificate_new_from_data (data, size, BP_CERTIFICATE_PARSE_FIRST_ONLY, &first_error);
      if (first != NULL)
        check_certificate (first);
    }

  return 0;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-certificate"

#include "config.h"

#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/abstract.h>
#include <gnutls/pkcs12.h>
#include <gnutls/x509.h>

#include "bp-certificate.h"
#include "bp-error.h"
#include "bp-test-utils.h"

/* Keys and certificates are made here, with GnuTLS, when the tests run: no
 * key material is committed, and each case builds exactly the certificate it
 * talks about. */

G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_x509_crt_t, gnutls_x509_crt_deinit, NULL)
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_x509_privkey_t, gnutls_x509_privkey_deinit, NULL)

#define SALESFORCE_DN \
  "CN=SelfSignedCert_06Nov2020_143652, OU=00D5g000004ZLpq, O=Salesforce.com, " \
  "L=San Francisco, ST=CA, C=US"
#define SALESFORCE_CN "SelfSignedCert_06Nov2020_143652"
#define PRIVATE_KEY_MESSAGE_HINT "private key"

/* 2024-06-01 12:00:00 UTC: every validity case is computed from this "now". */
#define NOW ((gint64) 1717243200)
#define DAY ((gint64) 24 * 60 * 60)
#define HOUR ((gint64) 60 * 60)

/* An RSA key takes a while to generate (much longer under valgrind): one for
 * the whole program. The EC keys are cheap. */
static gnutls_x509_privkey_t rsa_key;
static gnutls_x509_privkey_t ec_key;
static gnutls_x509_privkey_t other_ec_key;

static gnutls_x509_privkey_t
generate_key (gnutls_pk_algorithm_t algorithm,
              unsigned int          bits)
{
  gnutls_x509_privkey_t key = NULL;

  g_assert_cmpint (gnutls_x509_privkey_init (&key), ==, GNUTLS_E_SUCCESS);
  g_assert_cmpint (gnutls_x509_privkey_generate (key, algorithm, bits, 0), ==, GNUTLS_E_SUCCESS);
  return key;
}

/* @issuer and @issuer_key NULL: self-signed with @key. */
static gnutls_x509_crt_t
make_certificate (gnutls_x509_privkey_t  key,
                  const char            *dn,
                  gint64                 not_before,
                  gint64                 not_after,
                  gnutls_x509_crt_t      issuer,
                  gnutls_x509_privkey_t  issuer_key)
{
  static guint8 serial = 0;
  gnutls_x509_crt_t crt = NULL;
  const char *error_position = NULL;

  serial++;
  g_assert_cmpint (gnutls_x509_crt_init (&crt), ==, GNUTLS_E_SUCCESS);
  g_assert_cmpint (gnutls_x509_crt_set_version (crt, 3), ==, GNUTLS_E_SUCCESS);
  g_assert_cmpint (gnutls_x509_crt_set_serial (crt, &serial, 1), ==, GNUTLS_E_SUCCESS);
  g_assert_cmpint (gnutls_x509_crt_set_dn (crt, dn, &error_position), ==, GNUTLS_E_SUCCESS);
  g_assert_cmpint (gnutls_x509_crt_set_activation_time (crt, not_before), ==, GNUTLS_E_SUCCESS);
  g_assert_cmpint (gnutls_x509_crt_set_expiration_time (crt, not_after), ==, GNUTLS_E_SUCCESS);
  g_assert_cmpint (gnutls_x509_crt_set_key (crt, key), ==, GNUTLS_E_SUCCESS);
  g_assert_cmpint (gnutls_x509_crt_sign2 (crt,
                                          issuer != NULL ? issuer : crt,
                                          issuer_key != NULL ? issuer_key : key,
                                          GNUTLS_DIG_SHA256, 0),
                   ==, GNUTLS_E_SUCCESS);
  return crt;
}

/* The certificate Salesforce hands out: self-signed RSA, valid for a year. */
static gnutls_x509_crt_t
make_salesforce_certificate (void)
{
  return make_certificate (rsa_key, SALESFORCE_DN, NOW - 30 * DAY, NOW + 365 * DAY, NULL, NULL);
}

static GBytes *
datum_to_bytes (gnutls_datum_t *datum)
{
  GBytes *bytes = g_bytes_new (datum->data, datum->size);

  gnutls_memset (datum->data, 0, datum->size);
  gnutls_free (datum->data);
  return bytes;
}

static GBytes *
export_der (gnutls_x509_crt_t crt)
{
  gnutls_datum_t out = { NULL, 0 };

  g_assert_cmpint (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_DER, &out), ==, GNUTLS_E_SUCCESS);
  return datum_to_bytes (&out);
}

static char *
export_pem (gnutls_x509_crt_t crt)
{
  gnutls_datum_t out = { NULL, 0 };
  char *pem;

  g_assert_cmpint (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_PEM, &out), ==, GNUTLS_E_SUCCESS);
  pem = g_strndup ((const char *) out.data, out.size);
  gnutls_free (out.data);
  return pem;
}

static char *
replace (const char *text,
         const char *old,
         const char *new)
{
  g_auto(GStrv) parts = g_strsplit (text, old, -1);

  return g_strjoinv (new, parts);
}

/* What a person sees must never be GnuTLS's own error text. */
static void
assert_certificate_error (const GError *error,
                          int           code)
{
  g_autofree char *lower = NULL;
  const char *unknown = gnutls_strerror (-10000);

  g_assert_error (error, BP_ERROR, code);
  g_assert_cmpstr (error->message, !=, "");

  lower = g_ascii_strdown (error->message, -1);
  bp_test_assert_no_substring (lower, -1, "gnutls");
  bp_test_assert_no_substring (lower, -1, "asn1");
  bp_test_assert_no_substring (lower, -1, "asn.1");

  for (int gnutls_code = -1; gnutls_code >= -500; gnutls_code--)
    {
      const char *text = gnutls_strerror (gnutls_code);

      if (g_strcmp0 (text, unknown) != 0)
        bp_test_assert_no_substring (error->message, -1, text);
    }
}

/* @hint: (nullable): words the message must hold to say what went wrong */
static void
assert_text_fails_with (const char *text,
                        int         code,
                        const char *hint)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BpCertificate) certificate = NULL;

  certificate = bp_certificate_new_from_text (text, BP_CERTIFICATE_PARSE_DEFAULT, &error);
  g_assert_null (certificate);
  assert_certificate_error (error, code);
  if (hint != NULL)
    g_assert_nonnull (strstr (error->message, hint));
  g_assert_cmpuint (bp_certificate_count_in_data ((const guint8 *) text, strlen (text)), ==, 0);
}

static void
assert_text_fails (const char *text,
                   int         code)
{
  assert_text_fails_with (text, code, NULL);
}

static void
assert_data_fails (GBytes *data,
                   int     code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BpCertificate) certificate = NULL;
  gsize length;
  const guint8 *bytes = g_bytes_get_data (data, &length);

  certificate = bp_certificate_new_from_data (bytes, length, BP_CERTIFICATE_PARSE_DEFAULT, &error);
  g_assert_null (certificate);
  assert_certificate_error (error, code);
}

static void
test_input_forms (void)
{
  g_auto(gnutls_x509_crt_t) crt = make_salesforce_certificate ();
  g_autofree char *pem = export_pem (crt);
  g_autoptr(GBytes) der = export_der (crt);
  g_autofree char *base64 = g_base64_encode (g_bytes_get_data (der, NULL), g_bytes_get_size (der));
  g_autoptr(BpCertificate) reference = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = g_strsplit (pem, "\n", -1);
  GString *indented = g_string_new (NULL);
  GString *wrapped = g_string_new (NULL);
  struct
  {
    const char *name;
    char       *text;
  } forms[] = {
    { "PEM, CRLF", replace (pem, "\n", "\r\n") },
    { "PEM after a BOM", g_strconcat ("\xEF\xBB\xBF", pem, NULL) },
    { "PEM on one line", replace (pem, "\n", " ") },
    { "PEM, indented", NULL },
    { "PEM after a parameters block",
      g_strconcat ("-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n"
                   "-----END EC PARAMETERS-----\n", pem, NULL) },
    { "PEM inside openssl -text output",
      g_strconcat ("subject=CN = " SALESFORCE_CN "\nCertificate:\n    Data:\n"
                   "        Version: 3 (0x2)\n", pem, "\nThat was the certificate.\n", NULL) },
    { "bare base64 on one line", g_strdup (base64) },
    { "bare base64, wrapped at 76 with CRLF", NULL },
    { "bare base64 between blank lines", g_strdup_printf ("\n\n  %s  \n\n", base64) },
  };

  for (guint i = 0; lines[i] != NULL; i++)
    g_string_append_printf (indented, "%s%s\n", i % 2 ? "    " : "\t  ", lines[i]);
  forms[3].text = g_string_free (indented, FALSE);

  for (gsize i = 0; i < strlen (base64); i += 76)
    g_string_append_printf (wrapped, "%.76s\r\n", base64 + i);
  forms[7].text = g_string_free (wrapped, FALSE);

  /* GnuTLS writes the same standard PEM we promise to store. */
  reference = bp_certificate_new_from_text (pem, BP_CERTIFICATE_PARSE_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (bp_certificate_get_pem (reference), ==, pem);

  for (guint i = 0; i < G_N_ELEMENTS (forms); i++)
    {
      g_autofree char *text = forms[i].text;
      g_autoptr(BpCertificate) certificate = NULL;

      g_test_message ("input form: %s", forms[i].name);
      certificate = bp_certificate_new_from_text (text, BP_CERTIFICATE_PARSE_DEFAULT, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (bp_certificate_get_pem (certificate), ==, pem);
      g_assert_cmpstr (bp_certificate_get_sha256_fingerprint (certificate), ==,
                       bp_certificate_get_sha256_fingerprint (reference));
      g_assert_cmpuint (bp_certificate_count_in_data ((const guint8 *) text, strlen (text)), ==, 1);
    }

  /* DER bytes, as read from a .crt or .cer file. */
    {
      g_autoptr(BpCertificate) certificate = NULL;
      gsize length;
      const guint8 *bytes = g_bytes_get_data (der, &length);

      certificate = bp_certificate_new_from_data (bytes, length, BP_CERTIFICATE_PARSE_DEFAULT,
                                                  &error);
      g_assert_no_error (error);
      g_assert_cmpstr (bp_certificate_get_pem (certificate), ==, pem);
      g_assert_cmpstr (bp_certificate_get_sha256_fingerprint (certificate), ==,
                       bp_certificate_get_sha256_fingerprint (reference));
      g_assert_cmpuint (bp_certificate_count_in_data (bytes, length), ==, 1);
    }
}

static void
test_matches_openssl (void)
{
  g_auto(gnutls_x509_crt_t) crt = make_salesforce_certificate ();
  g_autofree char *pem = export_pem (crt);
  g_autofree char *dir = bp_test_make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "idp.crt", NULL);
  g_autofree char *crlf = replace (pem, "\n", "\r\n");
  g_autofree char *fingerprint_line = NULL;
  g_autofree char *subject_line = NULL;
  g_autofree char *openssl_pem = NULL;
  g_autofree char *openssl_subject = NULL;
  g_autoptr(BpCertificate) certificate = NULL;
  g_autoptr(GError) error = NULL;
  const char *fingerprint;

  /* Parsed from the CRLF form, so the normalised PEM is ours, not the input. */
  certificate = bp_certificate_new_from_text (crlf, BP_CERTIFICATE_PARSE_DEFAULT, &error);
  g_assert_no_error (error);

  g_file_set_contents (path, bp_certificate_get_pem (certificate), -1, &error);
  g_assert_no_error (error);

    {
      const char *argv[] = { "openssl", "x509", "-noout", "-fingerprint", "-sha256",
                             "-in", path, NULL };

      fingerprint_line = g_strchomp (bp_test_run_command (argv));
    }
    {
      const char *argv[] = { "openssl", "x509", "-in", path, NULL };

      openssl_pem = bp_test_run_command (argv);
    }
    {
      const char *argv[] = { "openssl", "x509", "-noout", "-subject", "-nameopt", "RFC2253",
                             "-in", path, NULL };

      subject_line = g_strchomp (bp_test_run_command (argv));
    }

  /* "sha256 Fingerprint=AB:CD:..." (OpenSSL 3) or "SHA256 Fingerprint=..." (1.1). */
  fingerprint = strchr (fingerprint_line, '=');
  g_assert_nonnull (fingerprint);
  g_assert_cmpstr (bp_certificate_get_sha256_fingerprint (certificate), ==, fingerprint + 1);
  g_assert_cmpuint (strlen (fingerprint + 1), ==, 32 * 3 - 1);

  g_assert_cmpstr (bp_certificate_get_pem (certificate), ==, openssl_pem);

  /* The same name and order as openssl's RFC 2253 output, with ", " between. */
  g_assert_true (g_str_has_prefix (subject_line, "subject="));
  openssl_subject = replace (subject_line + strlen ("subject="), ",", ", ");
  g_assert_cmpstr (bp_certificate_get_subject (certificate), ==, openssl_subject);

  bp_test_remove_tree (dir);
}

static void
test_names (void)
{
  g_auto(gnutls_x509_crt_t) crt = make_salesforce_certificate ();
  g_autofree char *pem = export_pem (crt);
  g_autoptr(BpCertificate) certificate = NULL;
  g_autoptr(GError) error = NULL;

  certificate = bp_certificate_new_from_text (pem, BP_CERTIFICATE_PARSE_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (bp_certificate_get_subject (certificate), ==, SALESFORCE_DN);
  g_assert_cmpstr (bp_certificate_get_issuer (certificate), ==, SALESFORCE_DN);
  g_assert_cmpstr (bp_certificate_get_common_name (certificate), ==, SALESFORCE_CN);
  g_assert_true (bp_certificate_is_self_signed (certificate));
}

static void
test_escaped_names (void)
{
  g_auto(gnutls_x509_crt_t) crt = NULL;
  g_autofree char *pem = NULL;
  g_autoptr(BpCertificate) certificate = NULL;
  g_autoptr(GError) error = NULL;

  /* The comma inside the CN must not read as a new part of the name. */
  crt = make_certificate (ec_key, "CN=Doe\\, John,O=Example", NOW, NOW + DAY, NULL, NULL);
  pem = export_pem (crt);
  certificate = bp_certificate_new_from_text (pem, BP_CERTIFICATE_PARSE_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (bp_certificate_get_subject (certificate), ==, "CN=Doe\\, John, O=Example");
  g_assert_cmpstr (bp_certificate_get_common_name (certificate), ==, "Doe, John");
  g_clear_object (&certificate);
  g_clear_pointer (&crt, gnutls_x509_crt_deinit);
  g_clear_pointer (&pem, g_free);

  /* Names are UTF-8 text, not escapes. */
  crt = make_certificate (ec_key, "CN=Société Générale,O=Example", NOW, NOW + DAY, NULL, NULL);
  pem = export_pem (crt);
  certificate = bp_certificate_new_from_text (pem, BP_CERTIFICATE_PARSE_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (bp_certificate_get_common_name (certificate), ==, "Société Générale");
  g_assert_cmpstr (bp_certificate_get_subject (certificate), ==,
                   "CN=Société Générale, O=Example");
}

/* A name whose bytes are not UTF-8 (a T61String, or garbage) is shown as
 * text all the same: the subject and the issuer go into labels (found by
 * tests/fuzz/fuzz-certificate; the input is one of its regression inputs). */
static void
test_names_are_text (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fuzz", "corpus", "fuzz-certificate",
                                                 "regression-subject-not-utf8.der", NULL);
  g_autofree char *der = NULL;
  g_autoptr(BpCertificate) certificate = NULL;
  g_autoptr(GError) error = NULL;
  gsize length = 0;

  g_assert_true (g_file_get_contents (path, &der, &length, &error));
  certificate = bp_certificate_new_from_data ((const guint8 *) der, length, BP_CERTIFICATE_PARSE_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_true (g_utf8_validate (bp_certificate_get_subject (certificate), -1, NULL));
  g_assert_true (g_utf8_validate (bp_certificate_get_issuer (certificate), -1, NULL));
  g_assert_true (g_utf8_validate (bp_certificate_get_common_name (certificate), -1, NULL));
  g_assert_nonnull (strstr (bp_certificate_get_subject (certificate), "\xef\xbf\xbd"));
}

static void
test_no_common_name (void)
{
  g_auto(gnutls_x509_crt_t) crt = NULL;
  g_autofree char *pem = NULL;
  g_autoptr(BpCertificate) certificate = NULL;
  g_autoptr(GError) error = NULL;

  crt = make_certificate (ec_key, "O=Example Corp,C=US", NOW, NOW + DAY, NULL, NULL);
  pem = export_pem (crt);
  certificate = bp_certificate_new_from_text (pem, BP_CERTIFICATE_PARSE_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (bp_certificate_get_subject (certificate), ==, "O=Example Corp, C=US");
  g_assert_null (bp_certificate_get_common_name (certificate));
}

static void
test_issued_by_ca (void)
{
  g_auto(gnutls_x509_crt_t) ca = NULL;
  g_auto(gnutls_x509_crt_t) leaf = NULL;
  g_auto(gnutls_x509_crt_t) impostor = NULL;
  g_autofree char *leaf_pem = NULL;
  g_autofree char *impostor_pem = NULL;
  g_autoptr(BpCertificate) certificate = NULL;
  g_autoptr(GError) error = NULL;

  ca = make_certificate (other_ec_key, "CN=Example CA,O=Example", NOW - DAY, NOW + 10 * 365 * DAY,
                         NULL, NULL);
  leaf = make_certificate (rsa_key, "CN=idp.example.com,O=Example", NOW - DAY, NOW + 365 * DAY,
                           ca, other_ec_key);
  leaf_pem = export_pem (leaf);

  certificate = bp_certificate_new_from_text (leaf_pem, BP_CERTIFICATE_PARSE_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (bp_certificate_get_subject (certificate), ==, "CN=idp.example.com, O=Example");
  g_assert_cmpstr (bp_certificate_get_issuer (certificate), ==, "CN=Example CA, O=Example");
  g_assert_false (bp_certificate_is_self_signed (certificate));
  g_clear_object (&certificate);

  /* Its issuer's name is its own, but another key signed it: not self-signed. */
  g_clear_pointer (&ca, gnutls_x509_crt_deinit);
  ca = make_certificate (other_ec_key, SALESFORCE_DN, NOW - DAY, NOW + 365 * DAY, NULL, NULL);
  impostor = make_certificate (rsa_key, SALESFORCE_DN, NOW - DAY, NOW + 365 * DAY,
                               ca, other_ec_key);
  impostor_pem = export_pem (impostor);

  certificate = bp_certificate_new_from_text (impostor_pem, BP_CERTIFICATE_PARSE_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (bp_certificate_get_issuer (certificate), ==,
                   bp_certificate_get_subject (certificate));
  g_assert_false (bp_certificate_is_self_signed (certificate));
}

static void
test_key_algorithm (void)
{
  g_auto(gnutls_x509_crt_t) rsa = make_salesforce_certificate ();
  g_auto(gnutls_x509_crt_t) ec = make_certificate (ec_key, "CN=ec", NOW, NOW + DAY, NULL, NULL);
  g_autofree char *rsa_pem = export_pem (rsa);
  g_autofree char *ec_pem = export_pem (ec);
  g_autoptr(BpCertificate) rsa_certificate = NULL;
  g_autoptr(BpCertificate) ec_certificate = NULL;
  g_autoptr(GError) error = NULL;

  rsa_certificate = bp_certificate_new_from_text (rsa_pem, BP_CERTIFICATE_PARSE_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (bp_certificate_get_key_algorithm (rsa_certificate), ==, "RSA");
  g_assert_cmpuint (bp_certificate_get_key_bits (rsa_certificate), ==, 2048);

  ec_certificate = bp_certificate_new_from_text (ec_pem, BP_CERTIFICATE_PARSE_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (bp_certificate_get_key_algorithm (ec_certificate), ==, "EC");
  g_assert_cmpuint (bp_certificate_get_key_bits (ec_certificate), ==, 256);
  g_assert_true (bp_certificate_is_self_signed (ec_certificate));
}

static BpCertificate *
parse_validity (gint64 not_before,
                gint64 not_after)
{
  g_auto(gnutls_x509_crt_t) crt = NULL;
  g_autofree char *pem = NULL;
  g_autoptr(GError) error = NULL;
  BpCertificate *certificate;

  crt = make_certificate (ec_key, "CN=validity", not_before, not_after, NULL, NULL);
  pem = export_pem (crt);
  certificate = bp_certificate_new_from_text (pem, BP_CERTIFICATE_PARSE_DEFAULT, &error);
  g_assert_no_error (error);
  return certificate;
}

static void
test_dates (void)
{
  g_autoptr(BpCertificate) certificate = parse_validity (NOW - 30 * DAY, NOW + 365 * DAY);
  GDateTime *not_before = bp_certificate_get_not_before (certificate);
  GDateTime *not_after = bp_certificate_get_not_after (certificate);

  g_assert_cmpint (g_date_time_to_unix (not_before), ==, NOW - 30 * DAY);
  g_assert_cmpint (g_date_time_to_unix (not_after), ==, NOW + 365 * DAY);
  g_assert_cmpint (g_date_time_get_utc_offset (not_before), ==, 0);
  g_assert_cmpint (g_date_time_get_utc_offset (not_after), ==, 0);
  g_assert_cmpint (g_date_time_get_year (not_after), ==, 2025);
  g_assert_cmpint (g_date_time_get_month (not_after), ==, 6);
  g_assert_cmpint (g_date_time_get_day_of_month (not_after), ==, 1);
}

static void
test_no_expiry (void)
{
  /* RFC 5280's "no well-defined expiration date" is 9999-12-31 23:59:59. */
  g_autoptr(BpCertificate) certificate = parse_validity (NOW - DAY, (time_t) -1);
  g_autoptr(GDateTime) now = g_date_time_new_from_unix_utc (NOW);
  GDateTime *not_after = bp_certificate_get_not_after (certificate);

  g_assert_cmpint (g_date_time_get_year (not_after), ==, 9999);
  g_assert_cmpint (g_date_time_get_month (not_after), ==, 12);
  g_assert_cmpint (g_date_time_get_day_of_month (not_after), ==, 31);
  g_assert_cmpint (bp_certificate_get_validity (certificate, now), ==,
                   BP_CERTIFICATE_VALIDITY_VALID);
  g_assert_cmpint (bp_certificate_get_days_left (certificate, now), >, 2900000);
}

static void
test_validity (void)
{
  struct
  {
    gint64                not_before;
    gint64                not_after;
    BpCertificateValidity validity;
    gint64                days_left;
  } cases[] = {
    { NOW - 30 * DAY, NOW + 365 * DAY, BP_CERTIFICATE_VALIDITY_VALID, 365 },
    { NOW - 30 * DAY, NOW + 10 * DAY + HOUR, BP_CERTIFICATE_VALIDITY_EXPIRING_SOON, 10 },
    { NOW - 365 * DAY, NOW - HOUR, BP_CERTIFICATE_VALIDITY_EXPIRED, -1 },
    { NOW - 365 * DAY, NOW - 40 * DAY, BP_CERTIFICATE_VALIDITY_EXPIRED, -40 },
    { NOW + DAY, NOW + 365 * DAY, BP_CERTIFICATE_VALIDITY_NOT_YET_VALID, 365 },
    /* The edges: 30 days is "within 30 days"; both dates are included. */
    { NOW - DAY, NOW + 30 * DAY, BP_CERTIFICATE_VALIDITY_EXPIRING_SOON, 30 },
    { NOW - DAY, NOW + 31 * DAY, BP_CERTIFICATE_VALIDITY_VALID, 31 },
    { NOW, NOW + 365 * DAY, BP_CERTIFICATE_VALIDITY_VALID, 365 },
    { NOW - DAY, NOW, BP_CERTIFICATE_VALIDITY_EXPIRING_SOON, 0 },
    { NOW - DAY, NOW - 1, BP_CERTIFICATE_VALIDITY_EXPIRED, -1 },
  };
  g_autoptr(GDateTime) now = g_date_time_new_from_unix_utc (NOW);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(BpCertificate) certificate = parse_validity (cases[i].not_before,
                                                             cases[i].not_after);

      g_test_message ("validity case %u", i);
      g_assert_cmpint (bp_certificate_get_validity (certificate, now), ==, cases[i].validity);
      g_assert_cmpint (bp_certificate_get_days_left (certificate, now), ==, cases[i].days_left);
    }
}

static void
test_multiple (void)
{
  g_auto(gnutls_x509_crt_t) first = make_salesforce_certificate ();
  g_auto(gnutls_x509_crt_t) second = make_certificate (ec_key, "CN=second", NOW, NOW + DAY,
                                                        NULL, NULL);
  g_auto(gnutls_x509_crt_t) third = make_certificate (other_ec_key, "CN=third", NOW, NOW + DAY,
                                                       NULL, NULL);
  g_autofree char *first_pem = export_pem (first);
  g_autofree char *second_pem = export_pem (second);
  g_autofree char *third_pem = export_pem (third);
  g_autofree char *two = g_strconcat (first_pem, "\n", second_pem, NULL);
  g_autofree char *three = g_strconcat (first_pem, second_pem, third_pem, NULL);
  g_autoptr(BpCertificate) alone = NULL;
  g_autoptr(BpCertificate) certificate = NULL;
  g_autoptr(GError) error = NULL;

  alone = bp_certificate_new_from_text (first_pem, BP_CERTIFICATE_PARSE_DEFAULT, &error);
  g_assert_no_error (error);

  certificate = bp_certificate_new_from_text (two, BP_CERTIFICATE_PARSE_DEFAULT, &error);
  g_assert_null (certificate);
  assert_certificate_error (error, BP_ERROR_CERTIFICATE_MULTIPLE);
  g_assert_nonnull (strstr (error->message, "2"));
  g_clear_error (&error);

  certificate = bp_certificate_new_from_text (three, BP_CERTIFICATE_PARSE_DEFAULT, &error);
  g_assert_null (certificate);
  assert_certificate_error (error, BP_ERROR_CERTIFICATE_MULTIPLE);
  g_assert_nonnull (strstr (error->message, "3"));
  g_clear_error (&error);

  /* The administrator agreed to keep the first one. */
  certificate = bp_certificate_new_from_text (two, BP_CERTIFICATE_PARSE_FIRST_ONLY, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (bp_certificate_get_sha256_fingerprint (certificate), ==,
                   bp_certificate_get_sha256_fingerprint (alone));
  g_assert_cmpstr (bp_certificate_get_pem (certificate), ==, first_pem);
  g_assert_cmpstr (bp_certificate_get_common_name (certificate), ==, SALESFORCE_CN);
  g_clear_object (&certificate);

  /* One certificate with FIRST_ONLY is simply that certificate. */
  certificate = bp_certificate_new_from_text (second_pem, BP_CERTIFICATE_PARSE_FIRST_ONLY, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (bp_certificate_get_common_name (certificate), ==, "second");

  g_assert_cmpuint (bp_certificate_count_in_data ((const guint8 *) first_pem,
                                                  strlen (first_pem)), ==, 1);
  g_assert_cmpuint (bp_certificate_count_in_data ((const guint8 *) two, strlen (two)), ==, 2);
  g_assert_cmpuint (bp_certificate_count_in_data ((const guint8 *) three, strlen (three)), ==, 3);
  g_assert_cmpuint (bp_certificate_count_in_data ((const guint8 *) "", 0), ==, 0);
  g_assert_cmpuint (bp_certificate_count_in_data ((const guint8 *) "hello", 5), ==, 0);
}

static char *
export_key (gnutls_x509_privkey_t  key,
            gnutls_x509_crt_fmt_t  format,
            gboolean               pkcs8,
            const char            *password,
            gsize                 *length)
{
  gnutls_datum_t out = { NULL, 0 };
  char *exported;

  if (pkcs8)
    g_assert_cmpint (gnutls_x509_privkey_export2_pkcs8 (key, format, password,
                                                        password != NULL ? GNUTLS_PKCS_PBES2_AES_256
                                                                         : GNUTLS_PKCS_PLAIN,
                                                        &out),
                     ==, GNUTLS_E_SUCCESS);
  else
    g_assert_cmpint (gnutls_x509_privkey_export2 (key, format, &out), ==, GNUTLS_E_SUCCESS);

  /* NUL-terminated for the PEM forms. */
  exported = g_malloc0 (out.size + 1);
  memcpy (exported, out.data, out.size);
  if (length != NULL)
    *length = out.size;

  gnutls_memset (out.data, 0, out.size);
  gnutls_free (out.data);
  return exported;
}

/* Fails with PRIVATE_KEY, with or without FIRST_ONLY, and does not quote the key. */
static void
assert_private_key_refused (const guint8 *data,
                            gsize         length,
                            const char   *secret_part)
{
  BpCertificateParseFlags flags[] = { BP_CERTIFICATE_PARSE_DEFAULT,
                                      BP_CERTIFICATE_PARSE_FIRST_ONLY };

  for (guint i = 0; i < G_N_ELEMENTS (flags); i++)
    {
      g_autoptr(BpCertificate) certificate = NULL;
      g_autoptr(GError) error = NULL;

      certificate = bp_certificate_new_from_data (data, length, flags[i], &error);
      g_assert_null (certificate);
      assert_certificate_error (error, BP_ERROR_CERTIFICATE_PRIVATE_KEY);
      g_assert_nonnull (strstr (error->message, PRIVATE_KEY_MESSAGE_HINT));
      if (secret_part != NULL)
        bp_test_assert_no_substring (error->message, -1, secret_part);
    }
}

/* A piece of the key's base64 from the middle of the text. */
static char *
secret_part_of (const char *pem)
{
  const char *line = strchr (pem, '\n');

  g_assert_nonnull (line);
  return g_strndup (line + 1 + 10, 24);
}

static void
test_private_key_pem (void)
{
  struct
  {
    gnutls_x509_privkey_t  key;
    gboolean               pkcs8;
    const char            *password;
    const char            *label;
  } cases[] = {
    { NULL, TRUE, NULL, "-----BEGIN PRIVATE KEY-----" },
    { NULL, FALSE, NULL, "-----BEGIN RSA PRIVATE KEY-----" },
    { NULL, FALSE, NULL, "-----BEGIN EC PRIVATE KEY-----" },
    { NULL, TRUE, "secret", "-----BEGIN ENCRYPTED PRIVATE KEY-----" },
  };
  const char *openssh =
    "-----BEGIN OPENSSH PRIVATE KEY-----\n"
    "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
    "-----END OPENSSH PRIVATE KEY-----\n";

  cases[0].key = rsa_key;
  cases[1].key = rsa_key;
  cases[2].key = ec_key;
  cases[3].key = rsa_key;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gsize length;
      g_autofree char *pem = export_key (cases[i].key, GNUTLS_X509_FMT_PEM, cases[i].pkcs8,
                                         cases[i].password, &length);
      g_autofree char *secret = secret_part_of (pem);
      g_autofree char *crlf = replace (pem, "\n", "\r\n");

      g_test_message ("private key case %u", i);
      g_assert_true (g_str_has_prefix (pem, cases[i].label));
      assert_private_key_refused ((const guint8 *) pem, length, secret);
      assert_private_key_refused ((const guint8 *) crlf, strlen (crlf), secret);
      g_assert_cmpuint (bp_certificate_count_in_data ((const guint8 *) pem, length), ==, 0);
    }

  assert_private_key_refused ((const guint8 *) openssh, strlen (openssh), "b3BlbnNzaC1rZXkt");

  /* A copy that lost its closing dashes still names a private key. */
      {
      const char *damaged = "-----BEGIN RSA PRIVATE KEY\nMIIEowIBAAKCAQEA";

      assert_private_key_refused ((const guint8 *) damaged, strlen (damaged), "MIIEow");
    }
}

static void
test_private_key_with_certificate (void)
{
  g_auto(gnutls_x509_crt_t) crt = make_salesforce_certificate ();
  g_autofree char *certificate_pem = export_pem (crt);
  g_autofree char *key_pem = export_key (rsa_key, GNUTLS_X509_FMT_PEM, TRUE, NULL, NULL);
  g_autofree char *secret = secret_part_of (key_pem);
  g_autofree char *certificate_first = g_strconcat (certificate_pem, key_pem, NULL);
  g_autofree char *key_first = g_strconcat (key_pem, "\n", certificate_pem, NULL);

  assert_private_key_refused ((const guint8 *) certificate_first, strlen (certificate_first),
                              secret);
  assert_private_key_refused ((const guint8 *) key_first, strlen (key_first), secret);
}

static void
test_private_key_der (void)
{
  gsize pkcs8_length, pkcs1_length, encrypted_length, ec_length;
  g_autofree char *pkcs8 = export_key (rsa_key, GNUTLS_X509_FMT_DER, TRUE, NULL, &pkcs8_length);
  g_autofree char *pkcs1 = export_key (rsa_key, GNUTLS_X509_FMT_DER, FALSE, NULL, &pkcs1_length);
  g_autofree char *encrypted = export_key (rsa_key, GNUTLS_X509_FMT_DER, TRUE, "secret",
                                           &encrypted_length);
  g_autofree char *ec = export_key (ec_key, GNUTLS_X509_FMT_DER, FALSE, NULL, &ec_length);
  g_autofree char *base64 = g_base64_encode ((const guint8 *) pkcs8, pkcs8_length);
  g_autofree char *disguised = g_strdup_printf ("-----BEGIN CERTIFICATE-----\n%s\n"
                                                "-----END CERTIFICATE-----\n", base64);

  assert_private_key_refused ((const guint8 *) pkcs8, pkcs8_length, NULL);
  assert_private_key_refused ((const guint8 *) pkcs1, pkcs1_length, NULL);
  assert_private_key_refused ((const guint8 *) encrypted, encrypted_length, NULL);
  assert_private_key_refused ((const guint8 *) ec, ec_length, NULL);

  /* The bare base64 body of a key, and a key dressed up as a certificate. */
  assert_private_key_refused ((const guint8 *) base64, strlen (base64), NULL);
  assert_private_key_refused ((const guint8 *) disguised, strlen (disguised), NULL);
}

static GBytes *
export_pkcs12 (gnutls_x509_crt_t      crt,
               gnutls_x509_privkey_t  key,
               const char            *password)
{
  gnutls_pkcs12_t pkcs12 = NULL;
  gnutls_pkcs12_bag_t certificate_bag = NULL;
  gnutls_pkcs12_bag_t key_bag = NULL;
  gnutls_datum_t out = { NULL, 0 };

  g_assert_cmpint (gnutls_pkcs12_init (&pkcs12), ==, GNUTLS_E_SUCCESS);
  g_assert_cmpint (gnutls_pkcs12_bag_init (&certificate_bag), ==, GNUTLS_E_SUCCESS);
  g_assert_cmpint (gnutls_pkcs12_bag_init (&key_bag), ==, GNUTLS_E_SUCCESS);

  g_assert_cmpint (gnutls_pkcs12_bag_set_crt (certificate_bag, crt), >=, 0);
  g_assert_cmpint (gnutls_pkcs12_bag_set_privkey (key_bag, key, password,
                                                  GNUTLS_PKCS_PBES2_AES_256), >=, 0);
  g_assert_cmpint (gnutls_pkcs12_set_bag (pkcs12, certificate_bag), ==, GNUTLS_E_SUCCESS);
  g_assert_cmpint (gnutls_pkcs12_set_bag (pkcs12, key_bag), ==, GNUTLS_E_SUCCESS);
  g_assert_cmpint (gnutls_pkcs12_generate_mac (pkcs12, password), ==, GNUTLS_E_SUCCESS);
  g_assert_cmpint (gnutls_pkcs12_export2 (pkcs12, GNUTLS_X509_FMT_DER, &out), ==,
                   GNUTLS_E_SUCCESS);

  gnutls_pkcs12_bag_deinit (certificate_bag);
  gnutls_pkcs12_bag_deinit (key_bag);
  gnutls_pkcs12_deinit (pkcs12);

  return datum_to_bytes (&out);
}

static void
test_private_key_keystore (void)
{
  g_auto(gnutls_x509_crt_t) crt = make_salesforce_certificate ();
  g_autoptr(GBytes) pkcs12 = export_pkcs12 (crt, rsa_key, "secret");
  g_autofree char *pkcs12_base64 = g_base64_encode (g_bytes_get_data (pkcs12, NULL),
                                                    g_bytes_get_size (pkcs12));
  /* The start of what Salesforce's "Export to Keystore" saves (a JKS file). */
  const guint8 jks[] = { 0xFE, 0xED, 0xFE, 0xED, 0x00, 0x00, 0x00, 0x02,
                         0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01 };

  assert_private_key_refused (g_bytes_get_data (pkcs12, NULL), g_bytes_get_size (pkcs12), NULL);
  assert_private_key_refused ((const guint8 *) pkcs12_base64, strlen (pkcs12_base64), NULL);
  assert_private_key_refused (jks, sizeof jks, NULL);
}

static void
test_empty (void)
{
  g_autoptr(BpCertificate) certificate = NULL;
  g_autoptr(GError) error = NULL;

  certificate = bp_certificate_new_from_data (NULL, 0, BP_CERTIFICATE_PARSE_DEFAULT, &error);
  g_assert_null (certificate);
  assert_certificate_error (error, BP_ERROR_CERTIFICATE_EMPTY);

  assert_text_fails ("", BP_ERROR_CERTIFICATE_EMPTY);
  assert_text_fails ("  \n\t\r\n  ", BP_ERROR_CERTIFICATE_EMPTY);
  assert_text_fails ("\xEF\xBB\xBF\n", BP_ERROR_CERTIFICATE_EMPTY);
}

static void
assert_cut_short (const char *text)
{
  g_autoptr(BpCertificate) certificate = NULL;
  g_autoptr(GError) error = NULL;

  certificate = bp_certificate_new_from_text (text, BP_CERTIFICATE_PARSE_FIRST_ONLY, &error);
  g_assert_null (certificate);
  assert_certificate_error (error, BP_ERROR_CERTIFICATE_MALFORMED);
  g_assert_nonnull (strstr (error->message, "-----END CERTIFICATE-----"));
}

static void
test_truncated (void)
{
  g_auto(gnutls_x509_crt_t) crt = make_salesforce_certificate ();
  g_autofree char *pem = export_pem (crt);
  g_autofree char *no_end = g_strndup (pem, strstr (pem, "-----END") - pem);
  g_autofree char *half = g_strndup (pem, strlen (pem) / 2);
  g_autofree char *no_begin = g_strdup (strchr (pem, '\n') + 1);
  g_autofree char *second_cut = g_strconcat (pem, half, NULL);
  g_autofree char *first_cut = g_strconcat (no_end, pem, NULL);
  g_autofree char *short_body = NULL;
  g_autofree char *body_end = NULL;

  /* A missing END line is named, so the administrator knows what to copy. */
  assert_cut_short (no_end);
  assert_cut_short (half);
  assert_cut_short ("-----BEGIN CERTIFICATE-----\n");
  assert_cut_short (second_cut);
  assert_cut_short (first_cut);

  assert_text_fails ("-----BEGIN CERTIFICATE", BP_ERROR_CERTIFICATE_MALFORMED);
  assert_text_fails_with (no_begin, BP_ERROR_CERTIFICATE_MALFORMED, "missing");

  /* The body lost a few characters in the middle: no longer whole base64. */
  body_end = g_strdup (strstr (pem, "\n-----END"));
  short_body = g_strdup_printf ("%.*s%s", (int) (strstr (pem, "\n-----END") - pem - 3), pem,
                                body_end);
  assert_text_fails (short_body, BP_ERROR_CERTIFICATE_MALFORMED);
}

static void
test_not_base64 (void)
{
  g_auto(gnutls_x509_crt_t) crt = make_salesforce_certificate ();
  g_autofree char *pem = export_pem (crt);
  g_autofree char *damaged = g_strdup (pem);
  char *body = strchr (damaged, '\n');

  g_assert_nonnull (body);
  body++;

  /* One character of the body replaced, as a bad copy from a web page does. */
  body[10] = '!';
  assert_text_fails (damaged, BP_ERROR_CERTIFICATE_MALFORMED);

  body[10] = '=';
  assert_text_fails (damaged, BP_ERROR_CERTIFICATE_MALFORMED);

  assert_text_fails ("hello, world!", BP_ERROR_CERTIFICATE_MALFORMED);
  assert_text_fails ("MIIC+/x", BP_ERROR_CERTIFICATE_MALFORMED);
  assert_text_fails ("https://example.my.salesforce.com/idp/login?app=0sp",
                     BP_ERROR_CERTIFICATE_MALFORMED);
}

static void
test_not_a_certificate (void)
{
  guint8 random_bytes[600];
  g_autofree char *random_base64 = NULL;
  g_autofree char *random_pem = NULL;
  g_autoptr(GBytes) random_der = NULL;
  g_autoptr(GBytes) binary = NULL;
  g_autoptr(GBytes) csr_der = NULL;
  g_autofree char *csr_pem = NULL;
  g_autofree char *openssl_csr_pem = NULL;
  g_autofree char *public_key_pem = NULL;
  g_autofree char *public_key_base64 = NULL;
  g_autofree char *relabelled = NULL;
  g_autofree char *csr_base64 = NULL;
  g_autofree char *other_block = NULL;
  g_auto(gnutls_x509_crt_t) crt = make_salesforce_certificate ();
  gnutls_x509_crq_t crq = NULL;
  gnutls_pubkey_t public_key = NULL;
  gnutls_datum_t out = { NULL, 0 };

  for (guint i = 0; i < sizeof random_bytes; i++)
    random_bytes[i] = g_test_rand_int_range (0, 256);

  random_base64 = g_base64_encode (random_bytes, sizeof random_bytes);
  assert_text_fails (random_base64, BP_ERROR_CERTIFICATE_NOT_A_CERTIFICATE);

  random_pem = g_strdup_printf ("-----BEGIN CERTIFICATE-----\n%s\n-----END CERTIFICATE-----\n",
                                random_base64);
  assert_text_fails (random_pem, BP_ERROR_CERTIFICATE_NOT_A_CERTIFICATE);

  /* Bytes that start like DER, and bytes that are nothing at all. */
  random_bytes[0] = 0x30;
  random_der = g_bytes_new (random_bytes, sizeof random_bytes);
  assert_data_fails (random_der, BP_ERROR_CERTIFICATE_NOT_A_CERTIFICATE);
  binary = g_bytes_new ("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
  assert_data_fails (binary, BP_ERROR_CERTIFICATE_MALFORMED);

  /* A certificate signing request, in PEM (GnuTLS's and openssl's labels) and DER. */
  g_assert_cmpint (gnutls_x509_crq_init (&crq), ==, GNUTLS_E_SUCCESS);
  g_assert_cmpint (gnutls_x509_crq_set_dn (crq, "CN=request", NULL), ==, GNUTLS_E_SUCCESS);
  g_assert_cmpint (gnutls_x509_crq_set_key (crq, ec_key), ==, GNUTLS_E_SUCCESS);
  g_assert_cmpint (gnutls_x509_crq_sign2 (crq, ec_key, GNUTLS_DIG_SHA256, 0), ==,
                   GNUTLS_E_SUCCESS);
  g_assert_cmpint (gnutls_x509_crq_export2 (crq, GNUTLS_X509_FMT_PEM, &out), ==,
                   GNUTLS_E_SUCCESS);
  csr_pem = g_strndup ((const char *) out.data, out.size);
  gnutls_free (out.data);
  g_assert_cmpint (gnutls_x509_crq_export2 (crq, GNUTLS_X509_FMT_DER, &out), ==,
                   GNUTLS_E_SUCCESS);
  csr_der = datum_to_bytes (&out);
  gnutls_x509_crq_deinit (crq);

  g_assert_nonnull (strstr (csr_pem, "CERTIFICATE REQUEST-----"));
  assert_text_fails_with (csr_pem, BP_ERROR_CERTIFICATE_NOT_A_CERTIFICATE, "signing request");
  openssl_csr_pem = replace (csr_pem, "NEW CERTIFICATE REQUEST", "CERTIFICATE REQUEST");
  assert_text_fails_with (openssl_csr_pem, BP_ERROR_CERTIFICATE_NOT_A_CERTIFICATE,
                          "signing request");
  csr_base64 = g_base64_encode (g_bytes_get_data (csr_der, NULL), g_bytes_get_size (csr_der));
  assert_text_fails_with (csr_base64, BP_ERROR_CERTIFICATE_NOT_A_CERTIFICATE, "signing request");
  assert_data_fails (csr_der, BP_ERROR_CERTIFICATE_NOT_A_CERTIFICATE);

  /* The certificate's public key alone. */
  g_assert_cmpint (gnutls_pubkey_init (&public_key), ==, GNUTLS_E_SUCCESS);
  g_assert_cmpint (gnutls_pubkey_import_x509 (public_key, crt, 0), ==, GNUTLS_E_SUCCESS);
  g_assert_cmpint (gnutls_pubkey_export2 (public_key, GNUTLS_X509_FMT_PEM, &out), ==,
                   GNUTLS_E_SUCCESS);
  public_key_pem = g_strndup ((const char *) out.data, out.size);
  gnutls_free (out.data);
  g_assert_cmpint (gnutls_pubkey_export2 (public_key, GNUTLS_X509_FMT_DER, &out), ==,
                   GNUTLS_E_SUCCESS);
  public_key_base64 = g_base64_encode (out.data, out.size);
  gnutls_free (out.data);
  gnutls_pubkey_deinit (public_key);

  g_assert_true (g_str_has_prefix (public_key_pem, "-----BEGIN PUBLIC KEY-----"));
  assert_text_fails_with (public_key_pem, BP_ERROR_CERTIFICATE_NOT_A_CERTIFICATE, "public key");
  assert_text_fails_with (public_key_base64, BP_ERROR_CERTIFICATE_NOT_A_CERTIFICATE, "public key");

  /* A block of another kind: named, so the administrator sees what was pasted. */
  relabelled = replace (public_key_pem, "PUBLIC KEY", "SOMETHING");
  assert_text_fails_with (relabelled, BP_ERROR_CERTIFICATE_NOT_A_CERTIFICATE, "SOMETHING");
  other_block = g_strdup_printf ("-----BEGIN X509 CRL-----\n%s\n-----END X509 CRL-----\n",
                                 random_base64);
  assert_text_fails_with (other_block, BP_ERROR_CERTIFICATE_NOT_A_CERTIFICATE, "X509 CRL");
}

static void
test_too_large (void)
{
  g_auto(gnutls_x509_crt_t) crt = make_salesforce_certificate ();
  g_autofree char *pem = export_pem (crt);
  gsize pem_length = strlen (pem);
  g_autofree char *padded = g_malloc (BP_CERTIFICATE_MAX_INPUT + 2);
  g_autoptr(BpCertificate) certificate = NULL;
  g_autoptr(GError) error = NULL;

  /* A real certificate followed by blank lines up to exactly 1 MiB is fine... */
  memcpy (padded, pem, pem_length);
  memset (padded + pem_length, '\n', BP_CERTIFICATE_MAX_INPUT + 1 - pem_length);
  certificate = bp_certificate_new_from_data ((const guint8 *) padded, BP_CERTIFICATE_MAX_INPUT,
                                              BP_CERTIFICATE_PARSE_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (bp_certificate_get_pem (certificate), ==, pem);

  /* ...one byte more is refused before it is parsed. */
  padded[BP_CERTIFICATE_MAX_INPUT + 1] = '\0';
  assert_text_fails (padded, BP_ERROR_CERTIFICATE_TOO_LARGE);

  memset (padded, 'A', BP_CERTIFICATE_MAX_INPUT + 1);
  assert_text_fails (padded, BP_ERROR_CERTIFICATE_TOO_LARGE);
}

int
main (int    argc,
      char **argv)
{
  int result;

  g_test_init (&argc, &argv, NULL);

  rsa_key = generate_key (GNUTLS_PK_RSA, 2048);
  ec_key = generate_key (GNUTLS_PK_EC, GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1));
  other_ec_key = generate_key (GNUTLS_PK_EC, GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1));

  g_test_add_func ("/certificate/input-forms", test_input_forms);
  g_test_add_func ("/certificate/matches-openssl", test_matches_openssl);
  g_test_add_func ("/certificate/names", test_names);
  g_test_add_func ("/certificate/escaped-names", test_escaped_names);
  g_test_add_func ("/certificate/names-are-text", test_names_are_text);
  g_test_add_func ("/certificate/no-common-name", test_no_common_name);
  g_test_add_func ("/certificate/issued-by-ca", test_issued_by_ca);
  g_test_add_func ("/certificate/key-algorithm", test_key_algorithm);
  g_test_add_func ("/certificate/dates", test_dates);
  g_test_add_func ("/certificate/validity", test_validity);
  g_test_add_func ("/certificate/no-expiry", test_no_expiry);
  g_test_add_func ("/certificate/multiple", test_multiple);
  g_test_add_func ("/certificate/private-key/pem", test_private_key_pem);
  g_test_add_func ("/certificate/private-key/with-certificate", test_private_key_with_certificate);
  g_test_add_func ("/certificate/private-key/der", test_private_key_der);
  g_test_add_func ("/certificate/private-key/keystore", test_private_key_keystore);
  g_test_add_func ("/certificate/empty", test_empty);
  g_test_add_func ("/certificate/truncated", test_truncated);
  g_test_add_func ("/certificate/not-base64", test_not_base64);
  g_test_add_func ("/certificate/not-a-certificate", test_not_a_certificate);
  g_test_add_func ("/certificate/too-large", test_too_large);

  result = g_test_run ();

  gnutls_x509_privkey_deinit (rsa_key);
  gnutls_x509_privkey_deinit (ec_key);
  gnutls_x509_privkey_deinit (other_ec_key);

  return result;
}

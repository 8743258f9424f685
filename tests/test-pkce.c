/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-pkce"

#include "config.h"

#include <string.h>

#include "bp-pkce.h"
#include "bp-secret-store.h"

/* RFC 7636, Appendix B. */
static const guint8 rfc_verifier_octets[] = {
  116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186,
  22, 212, 37, 77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121,
};
#define RFC_VERIFIER  "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
#define RFC_CHALLENGE "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"

static void
test_rfc7636_vector (void)
{
  g_autofree char *verifier = bp_pkce_base64url_encode (rfc_verifier_octets, sizeof rfc_verifier_octets);
  g_autofree char *challenge = NULL;

  g_assert_cmpstr (verifier, ==, RFC_VERIFIER);

  challenge = bp_pkce_compute_challenge (RFC_VERIFIER);
  g_assert_cmpstr (challenge, ==, RFC_CHALLENGE);
}

static void
test_base64url (void)
{
  static const struct {
    const char *input;
    const char *expected;
  } cases[] = {
    { "", "" },
    { "f", "Zg" },
    { "fo", "Zm8" },
    { "foo", "Zm9v" },
    { "\xfb\xff", "-_8" },      /* '+' and '/' in plain base64 */
    { "\xff\xfe\xfd", "__79" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *encoded = bp_pkce_base64url_encode ((const guint8 *) cases[i].input,
                                                           strlen (cases[i].input));

      g_assert_cmpstr (encoded, ==, cases[i].expected);
    }
}

static gboolean
is_unreserved (const char *text)
{
  /* RFC 7636 §4.1: [A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~"; ours never uses "." or "~". */
  for (const char *p = text; *p != '\0'; p++)
    {
      if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
        return FALSE;
    }

  return TRUE;
}

static guint
count_bits (const char *base64url)
{
  g_autofree char *padded = NULL;
  g_autofree guchar *bytes = NULL;
  gsize length;
  guint bits = 0;

  padded = g_strdup_printf ("%s=", base64url);
  g_strdelimit (padded, "-", '+');
  g_strdelimit (padded, "_", '/');
  bytes = g_base64_decode (padded, &length);
  g_assert_cmpuint (length, ==, 32);

  for (gsize i = 0; i < length; i++)
    bits += __builtin_popcount (bytes[i]);

  return bits;
}

static void
check_random_values (char *(*generate) (GError **error),
                     guint  expected_length)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint64 ones = 0;
  const guint n = 2000;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;
      char *value = generate (&error);

      g_assert_no_error (error);
      g_assert_nonnull (value);
      g_assert_cmpuint (strlen (value), ==, expected_length);
      g_assert_true (is_unreserved (value));
      ones += count_bits (value);

      /* A repeat among 2000 values of 256 bits means a broken generator. */
      g_assert_false (g_hash_table_contains (seen, value));
      g_hash_table_add (seen, value);
    }

  /* 512 000 bits: the share of ones is 0.5 ± 0.002 (3 sigma ≈ 0.0021). */
  g_assert_cmpfloat ((double) ones / (n * 256.0), >, 0.49);
  g_assert_cmpfloat ((double) ones / (n * 256.0), <, 0.51);
}

static void
test_state (void)
{
  g_assert_cmpuint (BP_PKCE_STATE_LENGTH * 6, >=, 128);
  check_random_values (bp_pkce_generate_state, BP_PKCE_STATE_LENGTH);
}

static void
test_verifier (void)
{
  check_random_values (bp_pkce_generate_verifier, BP_PKCE_VERIFIER_LENGTH);
}

static void
test_challenge_of_fresh_verifier (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BpSecret) verifier = bp_pkce_generate_verifier (&error);
  g_autofree char *challenge = NULL;
  g_autofree char *again = NULL;

  g_assert_no_error (error);
  challenge = bp_pkce_compute_challenge (verifier);
  again = bp_pkce_compute_challenge (verifier);

  g_assert_cmpuint (strlen (challenge), ==, 43);
  g_assert_true (is_unreserved (challenge));
  g_assert_cmpstr (challenge, ==, again);
  g_assert_cmpstr (challenge, !=, verifier);
}

static void
test_secure_equal (void)
{
  g_assert_true (bp_pkce_secure_equal ("abc", "abc"));
  g_assert_true (bp_pkce_secure_equal ("", ""));
  g_assert_false (bp_pkce_secure_equal ("abc", "abd"));
  g_assert_false (bp_pkce_secure_equal ("abc", "ab"));
  g_assert_false (bp_pkce_secure_equal ("ab", "abc"));
  g_assert_false (bp_pkce_secure_equal ("", "a"));
  g_assert_false (bp_pkce_secure_equal (NULL, "a"));
  g_assert_false (bp_pkce_secure_equal ("a", NULL));
  g_assert_false (bp_pkce_secure_equal (NULL, NULL));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pkce/rfc7636-appendix-b", test_rfc7636_vector);
  g_test_add_func ("/pkce/base64url", test_base64url);
  g_test_add_func ("/pkce/state", test_state);
  g_test_add_func ("/pkce/verifier", test_verifier);
  g_test_add_func ("/pkce/challenge", test_challenge_of_fresh_verifier);
  g_test_add_func ("/pkce/secure-equal", test_secure_equal);

  return g_test_run ();
}

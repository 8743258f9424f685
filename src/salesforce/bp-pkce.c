/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-pkce"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "bp-crypto.h"
#include "bp-error.h"
#include "bp-pkce.h"

#define RANDOM_BYTES 32

/* RFC 4648 §5: '+' → '-', '/' → '_', no '=' padding. */
char *
bp_pkce_base64url_encode (const guint8 *data,
                          gsize         length)
{
  char *text;
  gsize end;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  text = g_base64_encode (data, length);
  end = strlen (text);

  while (end > 0 && text[end - 1] == '=')
    text[--end] = '\0';

  for (char *p = text; *p != '\0'; p++)
    {
      if (*p == '+')
        *p = '-';
      else if (*p == '/')
        *p = '_';
    }

  return text;
}

static char *
generate_random_text (GError **error)
{
  g_autoptr(GError) missing = NULL;
  const BpCrypto *crypto;
  guint8 bytes[RANDOM_BYTES];
  char *text;

  /* GnuTLS's generator (GNUTLS_RND_KEY), in the bp-crypto module: loaded the
   * first time a token is requested. */
  crypto = bp_crypto_get (&missing);
  if (crypto == NULL)
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&missing),
                                  _("A token cannot be requested: "));
      return NULL;
    }

  if (!crypto->random_bytes (bytes, sizeof bytes))
    {
      g_set_error_literal (error, BP_ERROR, BP_ERROR_FAILED,
                           _("The system's random number generator failed. Try again."));
      return NULL;
    }

  text = bp_pkce_base64url_encode (bytes, sizeof bytes);
  explicit_bzero (bytes, sizeof bytes);

  return text;
}

/**
 * bp_pkce_generate_state:
 *
 * Returns: (transfer full): a fresh OAuth state of %BP_PKCE_STATE_LENGTH
 *   base64url characters (256 bits), or %NULL if the random generator failed
 */
char *
bp_pkce_generate_state (GError **error)
{
  return generate_random_text (error);
}

/**
 * bp_pkce_generate_verifier:
 *
 * Returns: (transfer full): a fresh code_verifier: 32 random bytes in
 *   base64url without padding (%BP_PKCE_VERIFIER_LENGTH characters)
 */
char *
bp_pkce_generate_verifier (GError **error)
{
  return generate_random_text (error);
}

/**
 * bp_pkce_compute_challenge:
 * @verifier: a code_verifier
 *
 * Returns: (transfer full): base64url (no padding) of SHA-256 of @verifier,
 *   the `code_challenge` for `code_challenge_method=S256`
 */
char *
bp_pkce_compute_challenge (const char *verifier)
{
  g_autoptr(GChecksum) checksum = NULL;
  guint8 digest[32];
  gsize digest_length = sizeof digest;

  g_return_val_if_fail (verifier != NULL, NULL);

  checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_checksum_update (checksum, (const guchar *) verifier, strlen (verifier));
  g_checksum_get_digest (checksum, digest, &digest_length);
  g_assert (digest_length == sizeof digest);

  return bp_pkce_base64url_encode (digest, digest_length);
}

/**
 * bp_pkce_secure_equal:
 * @a: (nullable): a secret
 * @b: (nullable): another secret
 *
 * Returns: %TRUE if both are non-%NULL and equal. The time taken depends
 *   on the lengths only, not on the position of the first difference.
 */
gboolean
bp_pkce_secure_equal (const char *a,
                      const char *b)
{
  gsize length_a;
  gsize length_b;
  guint8 difference;

  if (a == NULL || b == NULL)
    return FALSE;

  length_a = strlen (a);
  length_b = strlen (b);
  difference = length_a != length_b;

  /* Walk the expected value's length whatever the other one is. */
  for (gsize i = 0; i < length_b; i++)
    difference |= (guint8) (b[i] ^ (i < length_a ? a[i] : 0));

  return difference == 0;
}

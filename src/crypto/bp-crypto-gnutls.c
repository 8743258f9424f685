/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-crypto"

#include "config.h"

#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/pkcs12.h>
#include <gnutls/x509.h>

#include "bp-crypto.h"

/*
 * The bp-crypto module: all of Integration Accounts' use of GnuTLS, built as a
 * module of its own (libbp-crypto.so) that the application loads on first use
 * (see bp-crypto-loader.c). It only answers questions about bytes; what to
 * tell the administrator is decided in bp-certificate.c and bp-pkce.c, so the
 * module has no messages to translate and no error domain.
 *
 * The bytes may be a private key pasted by mistake: nothing here logs them,
 * and GnuTLS wipes the numbers of a key it imported when it is deinitialised.
 */

static gboolean
random_bytes (guint8 *buffer,
              gsize   length)
{
  /* GNUTLS_RND_KEY: the level GnuTLS uses for keys, seeded from the kernel
   * (SALESFORCE.md: the PKCE verifier and the state come from it). */
  return gnutls_rnd (GNUTLS_RND_KEY, buffer, length) >= 0;
}

static gboolean
is_private_key (const gnutls_datum_t *der)
{
  gnutls_x509_privkey_t key = NULL;
  unsigned int schema = 0;
  gboolean is_key;

  /* PKCS #1 (RSA), DSA, SEC 1 (EC) and unencrypted PKCS #8. */
  gnutls_x509_privkey_init (&key);
  is_key = gnutls_x509_privkey_import (key, der, GNUTLS_X509_FMT_DER) == GNUTLS_E_SUCCESS;
  gnutls_x509_privkey_deinit (key);
  if (is_key)
    return TRUE;

  /* Encrypted PKCS #8 cannot be imported without its password, but its
   * structure says what it is. */
  return gnutls_pkcs8_info (der, GNUTLS_X509_FMT_DER, &schema,
                            NULL, NULL, NULL, NULL, NULL) == GNUTLS_E_SUCCESS;
}

/* A .p12 / .pfx file: a private key and its certificate, usually encrypted. */
static gboolean
is_pkcs12 (const gnutls_datum_t *der)
{
  gnutls_pkcs12_t pkcs12 = NULL;
  gboolean result;

  gnutls_pkcs12_init (&pkcs12);
  result = gnutls_pkcs12_import (pkcs12, der, GNUTLS_X509_FMT_DER, 0) == GNUTLS_E_SUCCESS;
  gnutls_pkcs12_deinit (pkcs12);

  return result;
}

static gboolean
is_request (const gnutls_datum_t *der)
{
  gnutls_x509_crq_t request = NULL;
  gboolean result;

  gnutls_x509_crq_init (&request);
  result = gnutls_x509_crq_import (request, der, GNUTLS_X509_FMT_DER) == GNUTLS_E_SUCCESS;
  gnutls_x509_crq_deinit (request);

  return result;
}

static gboolean
is_public_key (const gnutls_datum_t *der)
{
  gnutls_pubkey_t public_key = NULL;
  gboolean result;

  gnutls_pubkey_init (&public_key);
  result = gnutls_pubkey_import (public_key, der, GNUTLS_X509_FMT_DER) == GNUTLS_E_SUCCESS;
  gnutls_pubkey_deinit (public_key);

  return result;
}

static gnutls_x509_crt_t
import_certificate (const gnutls_datum_t *der)
{
  gnutls_x509_crt_t crt = NULL;

  if (gnutls_x509_crt_init (&crt) != GNUTLS_E_SUCCESS)
    g_error ("Out of memory");

  if (gnutls_x509_crt_import (crt, der, GNUTLS_X509_FMT_DER) != GNUTLS_E_SUCCESS)
    {
      gnutls_x509_crt_deinit (crt);
      return NULL;
    }

  return crt;
}

static BpCryptoDerKind
identify_der (const guint8 *data,
              gsize         length)
{
  gnutls_datum_t der = { (unsigned char *) data, length };
  gnutls_x509_crt_t crt;

  g_return_val_if_fail (data != NULL, BP_CRYPTO_DER_OTHER);
  g_return_val_if_fail (length <= G_MAXUINT, BP_CRYPTO_DER_OTHER);

  /* Keys are looked for before the certificate is imported, not after it
   * fails: GnuTLS wipes what it decoded of a key, but a failed certificate
   * import would leave copies of the key's bytes in freed memory. */
  if (is_private_key (&der))
    return BP_CRYPTO_DER_PRIVATE_KEY;

  if (is_pkcs12 (&der))
    return BP_CRYPTO_DER_KEYSTORE;

  crt = import_certificate (&der);
  if (crt != NULL)
    {
      gnutls_x509_crt_deinit (crt);
      return BP_CRYPTO_DER_CERTIFICATE;
    }

  if (is_request (&der))
    return BP_CRYPTO_DER_REQUEST;

  if (is_public_key (&der))
    return BP_CRYPTO_DER_PUBLIC_KEY;

  return BP_CRYPTO_DER_OTHER;
}

/* GnuTLS returns names as RFC 4514 strings, most specific first ("CN=a,O=b,C=US",
 * the order of `openssl -nameopt RFC2253`). A space after each separating
 * comma makes them readable; escaped commas ("\,") inside values stay. The
 * bytes come from the certificate: like the common name, the result is made
 * valid UTF-8 for the labels that show it (found by tests/fuzz/fuzz-certificate). */
static char *
format_distinguished_name (const gnutls_datum_t *dn)
{
  g_autoptr(GString) readable = g_string_sized_new (dn->size + 16);

  for (unsigned int i = 0; i < dn->size; i++)
    {
      char c = dn->data[i];

      g_string_append_c (readable, c);
      if (c == '\\' && i + 1 < dn->size)
        g_string_append_c (readable, dn->data[++i]);
      else if (c == ',')
        g_string_append_c (readable, ' ');
    }

  return g_utf8_make_valid (readable->str, readable->len);
}

static char *
get_subject (gnutls_x509_crt_t crt)
{
  gnutls_datum_t dn = { NULL, 0 };
  char *subject;

  if (gnutls_x509_crt_get_dn3 (crt, &dn, 0) != GNUTLS_E_SUCCESS)
    return g_strdup ("");

  subject = format_distinguished_name (&dn);
  gnutls_free (dn.data);
  return subject;
}

static char *
get_issuer (gnutls_x509_crt_t crt)
{
  gnutls_datum_t dn = { NULL, 0 };
  char *issuer;

  if (gnutls_x509_crt_get_issuer_dn3 (crt, &dn, 0) != GNUTLS_E_SUCCESS)
    return g_strdup ("");

  issuer = format_distinguished_name (&dn);
  gnutls_free (dn.data);
  return issuer;
}

/* GnuTLS escapes a value as RFC 4514 says ("Doe\, John", or "\" and two hex
 * digits); a common name is shown as the plain text it stands for. */
static char *
unescape_dn_value (const char *value)
{
  GString *plain = g_string_sized_new (strlen (value));

  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p != '\\' || p[1] == '\0')
        g_string_append_c (plain, *p);
      else if (g_ascii_isxdigit (p[1]) && g_ascii_isxdigit (p[2]))
        {
          g_string_append_c (plain,
                             g_ascii_xdigit_value (p[1]) * 16 + g_ascii_xdigit_value (p[2]));
          p += 2;
        }
      else
        g_string_append_c (plain, *++p);
    }

  /* The bytes come from the certificate; a label must get valid UTF-8. */
  if (!g_utf8_validate_len (plain->str, plain->len, NULL))
    {
      char *valid = g_utf8_make_valid (plain->str, plain->len);

      g_string_free (plain, TRUE);
      return valid;
    }

  return g_string_free (plain, FALSE);
}

/* The first CN of the subject, unescaped; NULL when there is none. */
static char *
get_common_name (gnutls_x509_crt_t crt)
{
  g_autofree char *common_name = NULL;
  size_t size = 0;

  if (gnutls_x509_crt_get_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, NULL, &size) !=
      GNUTLS_E_SHORT_MEMORY_BUFFER)
    return NULL;

  common_name = g_malloc0 (size + 1);
  if (gnutls_x509_crt_get_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0,
                                     common_name, &size) != GNUTLS_E_SUCCESS)
    return NULL;

  return unescape_dn_value (common_name);
}

/* The names administrators know from openssl and Salesforce Setup. */
static const char *
get_key_algorithm (gnutls_pk_algorithm_t algorithm)
{
  switch ((int) algorithm)
    {
    case GNUTLS_PK_RSA:
      return "RSA";
    case GNUTLS_PK_RSA_PSS:
      return "RSA-PSS";
    case GNUTLS_PK_DSA:
      return "DSA";
    case GNUTLS_PK_ECDSA:
      return "EC";
    case GNUTLS_PK_EDDSA_ED25519:
      return "Ed25519";
    case GNUTLS_PK_EDDSA_ED448:
      return "Ed448";
    default:
      return gnutls_pk_get_name (algorithm);
    }
}

/* Self-signed means the certificate names itself as its issuer and its
 * signature verifies with its own key. Comparing names alone would call a
 * certificate self-signed that merely copies its issuer's name. */
static gboolean
check_self_signed (gnutls_x509_crt_t crt)
{
  unsigned int status = 0;
  /* The certificate itself is the only trust anchor. DO_NOT_ALLOW_SAME makes
   * GnuTLS check the signature instead of trusting it for being in the list.
   * Dates are judged by bp_certificate_get_validity(); CA flags and old hash
   * algorithms do not change who signed it. */
  unsigned int flags = GNUTLS_VERIFY_DO_NOT_ALLOW_SAME |
                       GNUTLS_VERIFY_DISABLE_CA_SIGN |
                       GNUTLS_VERIFY_DISABLE_TIME_CHECKS |
                       GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS |
                       GNUTLS_VERIFY_ALLOW_ANY_X509_V1_CA_CRT |
                       GNUTLS_VERIFY_ALLOW_SIGN_WITH_SHA1 |
                       GNUTLS_VERIFY_ALLOW_BROKEN;

  if (!gnutls_x509_crt_check_issuer (crt, crt))
    return FALSE;

  if (gnutls_x509_crt_verify (crt, &crt, 1, flags, &status) != GNUTLS_E_SUCCESS)
    return FALSE;

  return status == 0;
}

static gboolean
read_certificate (const guint8        *data,
                  gsize                length,
                  BpCryptoCertificate *certificate)
{
  gnutls_datum_t der = { (unsigned char *) data, length };
  gnutls_datum_t exported = { NULL, 0 };
  gnutls_x509_crt_t crt;
  unsigned int bits = 0;
  int algorithm;

  g_return_val_if_fail (data != NULL, FALSE);
  g_return_val_if_fail (length <= G_MAXUINT, FALSE);
  g_return_val_if_fail (certificate != NULL, FALSE);

  memset (certificate, 0, sizeof *certificate);

  crt = import_certificate (&der);
  if (crt == NULL)
    return FALSE;

  certificate->not_before = gnutls_x509_crt_get_activation_time (crt);
  certificate->not_after = gnutls_x509_crt_get_expiration_time (crt);

  /* The bytes GnuTLS parsed (it refuses trailing ones), so the stored PEM and
   * the fingerprint describe the very certificate whose fields are shown. */
  if (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_DER, &exported) == GNUTLS_E_SUCCESS)
    {
      certificate->der = g_memdup2 (exported.data, exported.size);
      certificate->der_length = exported.size;
      gnutls_free (exported.data);
    }

  certificate->subject = get_subject (crt);
  certificate->issuer = get_issuer (crt);
  certificate->common_name = get_common_name (crt);

  algorithm = gnutls_x509_crt_get_pk_algorithm (crt, &bits);
  certificate->key_algorithm = get_key_algorithm (algorithm < 0 ? GNUTLS_PK_UNKNOWN : algorithm);
  certificate->key_bits = bits;

  certificate->is_self_signed = check_self_signed (crt);

  gnutls_x509_crt_deinit (crt);
  return TRUE;
}

static const BpCrypto table = {
  .header = { sizeof (BpCrypto), BP_CRYPTO_VERSION },
  .random_bytes = random_bytes,
  .identify_der = identify_der,
  .read_certificate = read_certificate,
};

const BpModuleTable *
bp_crypto_module_get_table (void)
{
  return &table.header;
}

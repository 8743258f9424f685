/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-certificate"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <gnutls/gnutls.h>
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/pkcs12.h>
#include <gnutls/x509.h>

#include "bp-certificate.h"
#include "bp-error.h"

/*
 * The identity provider certificate an administrator pastes or picks as a
 * file. The input may be PEM (LF or CRLF, indented, with a UTF-8 BOM, or all
 * on one line), DER bytes, or the bare base64 body; it is parsed once and the
 * object only keeps what a person needs to see, plus the normalised PEM that is
 * stored.
 *
 * The input is never logged, and neither are the decoded bytes: an
 * administrator may paste a private key by mistake. Every buffer this file
 * decodes into is wiped before it is freed.
 */

#define PEM_BEGIN "-----BEGIN "
#define PEM_END "-----END "
#define PEM_DASHES "-----"
#define UTF8_BOM "\xEF\xBB\xBF"
#define PEM_COLUMNS 64

/* A PEM label ("CERTIFICATE", "RSA PRIVATE KEY", ...) longer than this is
 * garbage; it also keeps the input that is quoted back in a message short. */
#define PEM_LABEL_MAX 64

/* The first byte of any DER certificate or key: an ASN.1 SEQUENCE. */
#define DER_SEQUENCE 0x30

struct _BpCertificate
{
  GObject    parent_instance;

  char      *pem;
  char      *subject;
  char      *issuer;
  char      *common_name;
  GDateTime *not_before;
  GDateTime *not_after;
  char      *sha256_fingerprint;
  char      *key_algorithm;
  guint      key_bits;
  gboolean   is_self_signed;
};

G_DEFINE_FINAL_TYPE (BpCertificate, bp_certificate, G_TYPE_OBJECT)

/* Decoded bytes that may be a private key pasted by mistake: allocated once at
 * their final size (a growing array would leave copies behind in freed memory)
 * and wiped before they are freed. */
typedef struct
{
  guint8 *data;
  gsize   length;
  gsize   allocated;
} SecretBuffer;

static SecretBuffer *
secret_buffer_new (gsize allocated)
{
  SecretBuffer *buffer = g_new0 (SecretBuffer, 1);

  buffer->data = g_malloc0 (MAX (allocated, 1));
  buffer->allocated = allocated;
  return buffer;
}

static void
secret_buffer_free (SecretBuffer *buffer)
{
  if (buffer == NULL)
    return;

  gnutls_memset (buffer->data, 0, buffer->allocated);
  g_free (buffer->data);
  g_free (buffer);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SecretBuffer, secret_buffer_free)

/* A PEM block found in the input: where its label and body are. */
typedef struct
{
  const guint8 *label;
  gsize         label_length;
  const guint8 *body;
  gsize         body_length;
} PemBlock;

/* memmem() is a GNU extension; the input may be DER, so it cannot be treated
 * as a NUL-terminated string either. */
static const guint8 *
find_bytes (const guint8 *haystack,
            gsize         haystack_length,
            const char   *needle)
{
  gsize needle_length = strlen (needle);
  const guint8 *end;

  g_assert (needle_length > 0);

  if (haystack_length < needle_length)
    return NULL;

  end = haystack + haystack_length - needle_length;
  for (const guint8 *p = haystack; p <= end; p++)
    {
      p = memchr (p, needle[0], end - p + 1);
      if (p == NULL)
        return NULL;
      if (memcmp (p, needle, needle_length) == 0)
        return p;
    }

  return NULL;
}

static gboolean
label_equals (const PemBlock *block,
              const char     *label)
{
  return block->label_length == strlen (label) &&
         memcmp (block->label, label, block->label_length) == 0;
}

static gboolean
label_contains (const guint8 *label,
                gsize         label_length,
                const char   *needle)
{
  return find_bytes (label, label_length, needle) != NULL;
}

static gboolean
is_certificate_label (const PemBlock *block)
{
  /* "X509 CERTIFICATE" is what some older tools write. */
  return label_equals (block, "CERTIFICATE") || label_equals (block, "X509 CERTIFICATE");
}

/* Reads the label of the "-----BEGIN <label>-----" line at @begin. Returns a
 * pointer just past the closing dashes, or NULL when the line is damaged. */
static const guint8 *
read_pem_label (const guint8  *begin,
                const guint8  *end,
                const guint8 **label,
                gsize         *label_length)
{
  const guint8 *start = begin + strlen (PEM_BEGIN);
  const guint8 *p;

  for (p = start; p < end && p - start <= PEM_LABEL_MAX; p++)
    {
      if (*p == '-')
        break;
      /* Labels are printable ASCII; anything else means this is no PEM line. */
      if (*p < 0x20 || *p > 0x7E)
        return NULL;
    }

  if (p == start || (gsize) (end - p) < strlen (PEM_DASHES) ||
      memcmp (p, PEM_DASHES, strlen (PEM_DASHES)) != 0)
    return NULL;

  *label = start;
  *label_length = p - start;
  return p + strlen (PEM_DASHES);
}

/* The whole input is scanned for a private key before anything is decoded,
 * so a key pasted together with a certificate is refused too, and a key
 * inside a block we would otherwise skip is never silently accepted. */
static gboolean
has_private_key_block (const guint8 *data,
                       gsize         length)
{
  const guint8 *end = data + length;
  const guint8 *p = data;

  /* PuTTY's .ppk files are not PEM, but they are private keys all the same. */
  if (find_bytes (data, length, "PuTTY-User-Key-File-") != NULL)
    return TRUE;

  while ((p = find_bytes (p, end - p, PEM_BEGIN)) != NULL)
    {
      const guint8 *label;
      gsize label_length;

      /* The label is read leniently here: a damaged line that still names a
       * private key ("-----BEGIN RSA PRIVATE KEY" without its dashes) is a
       * private key. */
      label = p + strlen (PEM_BEGIN);
      label_length = MIN ((gsize) (end - label), PEM_LABEL_MAX + strlen ("PRIVATE KEY"));
      for (gsize i = 0; i < label_length; i++)
        if (label[i] == '-' || label[i] == '\n' || label[i] == '\r')
          {
            label_length = i;
            break;
          }

      /* "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY", "ENCRYPTED PRIVATE
       * KEY", "OPENSSH PRIVATE KEY", "PGP PRIVATE KEY BLOCK", ... */
      if (label_contains (label, label_length, "PRIVATE KEY"))
        return TRUE;

      p += strlen (PEM_BEGIN);
    }

  return FALSE;
}

static gboolean
is_only_whitespace (const guint8 *data,
                    gsize         length)
{
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isspace (data[i]))
      return FALSE;

  return TRUE;
}

static gboolean
is_base64_character (guint8 c)
{
  return g_ascii_isalnum (c) || c == '+' || c == '/';
}

/* g_base64_decode() skips characters it does not know and never fails, so the
 * text is checked first: base64 characters and whitespace only, a whole
 * number of 4-character groups, and '=' padding only at the very end. */
static gboolean
is_valid_base64 (const guint8 *text,
                 gsize         length)
{
  gsize significant = 0;
  gsize padding = 0;

  for (gsize i = 0; i < length; i++)
    {
      guint8 c = text[i];

      if (g_ascii_isspace (c))
        continue;

      if (c == '=')
        padding++;
      else if (is_base64_character (c) && padding == 0)
        ;
      else
        return FALSE;

      significant++;
    }

  return significant > 0 && significant % 4 == 0 && padding <= 2;
}

/* Only base64 characters and whitespace, whether or not they decode. */
static gboolean
looks_like_base64 (const guint8 *text,
                   gsize         length)
{
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isspace (text[i]) && !is_base64_character (text[i]) && text[i] != '=')
      return FALSE;

  return TRUE;
}

/* Decodes base64 text (whitespace allowed anywhere) straight into a secret
 * buffer, with no intermediate copy of the text. */
static SecretBuffer *
decode_base64 (const guint8 *text,
               gsize         length)
{
  SecretBuffer *buffer;
  int state = 0;
  guint save = 0;

  g_assert (is_valid_base64 (text, length));

  buffer = secret_buffer_new ((length / 4) * 3 + 3);
  buffer->length = g_base64_decode_step ((const char *) text, length, buffer->data, &state, &save);

  /* The decoder's carry-over may hold the last bytes of a key. */
  gnutls_memset (&save, 0, sizeof save);

  return buffer;
}

static gboolean
is_private_key_der (const gnutls_datum_t *der)
{
  gnutls_x509_privkey_t key = NULL;
  unsigned int schema = 0;
  gboolean is_key;

  /* PKCS #1 (RSA), DSA, SEC 1 (EC) and unencrypted PKCS #8. GnuTLS wipes the
   * key's numbers when it is deinitialised. */
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
is_pkcs12_der (const gnutls_datum_t *der)
{
  gnutls_pkcs12_t pkcs12 = NULL;
  gboolean is_pkcs12;

  gnutls_pkcs12_init (&pkcs12);
  is_pkcs12 = gnutls_pkcs12_import (pkcs12, der, GNUTLS_X509_FMT_DER, 0) == GNUTLS_E_SUCCESS;
  gnutls_pkcs12_deinit (pkcs12);

  return is_pkcs12;
}

/* Salesforce Setup offers "Export to Keystore" next to "Download Certificate":
 * a Java keystore, which holds the private key. */
static gboolean
is_java_keystore (const guint8 *data,
                  gsize         length)
{
  return length >= 4 &&
         (memcmp (data, "\xFE\xED\xFE\xED", 4) == 0 ||   /* JKS */
          memcmp (data, "\xCE\xCE\xCE\xCE", 4) == 0);    /* JCEKS */
}

static void
set_private_key_error (GError **error)
{
  g_set_error_literal (error, BP_ERROR, BP_ERROR_CERTIFICATE_PRIVATE_KEY,
                       _("This is a private key, not a certificate. Private keys must never be "
                         "shared: paste the certificate (-----BEGIN CERTIFICATE-----) instead."));
}

static void
set_keystore_error (GError **error)
{
  g_set_error_literal (error, BP_ERROR, BP_ERROR_CERTIFICATE_PRIVATE_KEY,
                       _("This is a keystore (.jks, .p12 or .pfx), which holds a private key. "
                         "Private keys must never be shared: download the certificate (.crt) "
                         "instead."));
}

static void
set_request_error (GError **error)
{
  g_set_error_literal (error, BP_ERROR, BP_ERROR_CERTIFICATE_NOT_A_CERTIFICATE,
                       _("This is a certificate signing request (CSR), not a certificate. "
                         "Paste the certificate that was issued for it."));
}

static void
set_public_key_error (GError **error)
{
  g_set_error_literal (error, BP_ERROR, BP_ERROR_CERTIFICATE_NOT_A_CERTIFICATE,
                       _("This is a public key, not a certificate. Paste the whole "
                         "certificate (-----BEGIN CERTIFICATE-----)."));
}

static void
set_not_pem_error (GError **error)
{
  g_set_error_literal (error, BP_ERROR, BP_ERROR_CERTIFICATE_MALFORMED,
                       _("This is not a certificate in PEM, DER or base64 form. Paste the "
                         "identity provider certificate (-----BEGIN CERTIFICATE-----) or choose "
                         "its .crt file."));
}

static void
set_damaged_error (GError **error)
{
  g_set_error_literal (error, BP_ERROR, BP_ERROR_CERTIFICATE_MALFORMED,
                       _("The certificate text is damaged: it holds characters that are not "
                         "base64, or it is cut short. Copy the whole certificate again, "
                         "including its BEGIN and END lines."));
}

/* Names what a PEM block holds when it is not a certificate. */
static void
set_wrong_pem_block_error (const PemBlock  *block,
                           GError         **error)
{
  if (label_contains (block->label, block->label_length, "CERTIFICATE REQUEST"))
    set_request_error (error);
  else if (label_contains (block->label, block->label_length, "PUBLIC KEY"))
    set_public_key_error (error);
  else
    {
      /* The label is printable ASCII, at most PEM_LABEL_MAX long, and never a
       * private key's: safe to quote back. */
      g_autofree char *label = g_strndup ((const char *) block->label, block->label_length);

      g_set_error (error, BP_ERROR, BP_ERROR_CERTIFICATE_NOT_A_CERTIFICATE,
                   _("This is a “%s” block, not a plain certificate "
                     "(-----BEGIN CERTIFICATE-----). Paste the identity provider certificate."),
                   label);
    }
}

/* Finds the PEM blocks of the input and decodes the certificates among them.
 * Other blocks are skipped when there is a certificate (tools add the odd
 * parameter block), and named in the error when there is none. */
static gboolean
decode_pem (const guint8  *data,
            gsize          length,
            GPtrArray     *ders,
            GError       **error)
{
  const guint8 *end = data + length;
  const guint8 *p = data;
  PemBlock first_other = { NULL, };

  while ((p = find_bytes (p, end - p, PEM_BEGIN)) != NULL)
    {
      PemBlock block = { NULL, };
      g_autofree char *end_line = NULL;
      const guint8 *body_end;
      const guint8 *next_begin;

      p = read_pem_label (p, end, &block.label, &block.label_length);
      if (p == NULL)
        {
          set_damaged_error (error);
          return FALSE;
        }

      /* The END line must name the same label; a missing one means the copy
       * was cut short, the most common way a paste goes wrong. */
      end_line = g_strdup_printf (PEM_END "%.*s" PEM_DASHES,
                                  (int) block.label_length, (const char *) block.label);
      body_end = find_bytes (p, end - p, end_line);
      next_begin = find_bytes (p, end - p, PEM_BEGIN);
      if (body_end == NULL || (next_begin != NULL && next_begin < body_end))
        {
          g_set_error (error, BP_ERROR, BP_ERROR_CERTIFICATE_MALFORMED,
                       _("The certificate is cut short: its “-----END %.*s-----” line is "
                         "missing. Copy the whole certificate, including its BEGIN and END "
                         "lines."),
                       (int) block.label_length, (const char *) block.label);
          return FALSE;
        }

      block.body = p;
      block.body_length = body_end - p;
      p = body_end + strlen (end_line);

      if (!is_certificate_label (&block))
        {
          if (first_other.label == NULL)
            first_other = block;
          continue;
        }

      if (!is_valid_base64 (block.body, block.body_length))
        {
          set_damaged_error (error);
          return FALSE;
        }

      g_ptr_array_add (ders, decode_base64 (block.body, block.body_length));
    }

  if (ders->len == 0)
    {
      g_assert (first_other.label != NULL);
      set_wrong_pem_block_error (&first_other, error);
      return FALSE;
    }

  return TRUE;
}

/* Turns any accepted form of input into the DER bytes of each certificate it
 * seems to hold, in order. Nothing here knows X.509 yet. */
static GPtrArray *
decode_input (const guint8  *data,
              gsize          length,
              GError       **error)
{
  g_autoptr(GPtrArray) ders = g_ptr_array_new_with_free_func ((GDestroyNotify) secret_buffer_free);
  gboolean is_text = TRUE;

  /* Checked before anything else looks at the bytes: nothing this large is a
   * certificate, and parsing it would only cost time. */
  if (length > BP_CERTIFICATE_MAX_INPUT)
    {
      g_set_error_literal (error, BP_ERROR, BP_ERROR_CERTIFICATE_TOO_LARGE,
                           _("This is too large to be a certificate (more than 1 MiB). Choose "
                             "the identity provider certificate (.crt) file."));
      return NULL;
    }

  /* Notepad and some web forms put a byte order mark before the text. */
  if (length >= strlen (UTF8_BOM) && memcmp (data, UTF8_BOM, strlen (UTF8_BOM)) == 0)
    {
      data += strlen (UTF8_BOM);
      length -= strlen (UTF8_BOM);
    }

  if (is_only_whitespace (data, length))
    {
      g_set_error_literal (error, BP_ERROR, BP_ERROR_CERTIFICATE_EMPTY,
                           _("No certificate was given. Paste the identity provider certificate "
                             "or choose its .crt file."));
      return NULL;
    }

  if (has_private_key_block (data, length))
    {
      set_private_key_error (error);
      return NULL;
    }

  if (find_bytes (data, length, PEM_BEGIN) != NULL)
    {
      if (!decode_pem (data, length, ders, error))
        return NULL;
      return g_steal_pointer (&ders);
    }

  /* No PEM armour: the bare base64 body, DER bytes, or neither. DER always
   * holds control bytes (tags, lengths); text never does. */
  for (gsize i = 0; i < length && is_text; i++)
    is_text = g_ascii_isprint (data[i]) || g_ascii_isspace (data[i]);

  if (!is_text)
    {
      SecretBuffer *der;

      if (is_java_keystore (data, length))
        {
          set_keystore_error (error);
          return NULL;
        }

      if (data[0] != DER_SEQUENCE)
        {
          set_not_pem_error (error);
          return NULL;
        }

      der = secret_buffer_new (length);
      memcpy (der->data, data, length);
      der->length = length;
      g_ptr_array_add (ders, der);
      return g_steal_pointer (&ders);
    }

  if (is_valid_base64 (data, length))
    {
      g_ptr_array_add (ders, decode_base64 (data, length));
      return g_steal_pointer (&ders);
    }

  if (find_bytes (data, length, PEM_END) != NULL)
    g_set_error_literal (error, BP_ERROR, BP_ERROR_CERTIFICATE_MALFORMED,
                         _("The certificate is cut short: its “-----BEGIN CERTIFICATE-----” "
                           "line is missing. Copy the whole certificate, including its BEGIN "
                           "and END lines."));
  else if (looks_like_base64 (data, length))
    set_damaged_error (error);
  else
    set_not_pem_error (error);

  return NULL;
}

/* Says what DER bytes are when they are not a certificate. GnuTLS's own error
 * text is never shown: it talks about ASN.1, not about what to paste. */
static void
set_not_a_certificate_error (const gnutls_datum_t  *der,
                             GError               **error)
{
  gnutls_x509_crq_t request = NULL;
  gnutls_pubkey_t public_key = NULL;
  gboolean is_request;
  gboolean is_public_key;

  gnutls_x509_crq_init (&request);
  is_request = gnutls_x509_crq_import (request, der, GNUTLS_X509_FMT_DER) == GNUTLS_E_SUCCESS;
  gnutls_x509_crq_deinit (request);

  gnutls_pubkey_init (&public_key);
  is_public_key = gnutls_pubkey_import (public_key, der, GNUTLS_X509_FMT_DER) == GNUTLS_E_SUCCESS;
  gnutls_pubkey_deinit (public_key);

  if (is_request)
    set_request_error (error);
  else if (is_public_key)
    set_public_key_error (error);
  else
    g_set_error_literal (error, BP_ERROR, BP_ERROR_CERTIFICATE_NOT_A_CERTIFICATE,
                         _("This decodes, but it is not an X.509 certificate. Paste the "
                           "identity provider certificate (-----BEGIN CERTIFICATE-----) or "
                           "choose its .crt file."));
}

static gboolean
import_certificate (const SecretBuffer  *buffer,
                    gnutls_x509_crt_t   *out_crt,
                    GError             **error)
{
  gnutls_datum_t der = { buffer->data, buffer->length };
  gnutls_x509_crt_t crt = NULL;

  /* Keys are looked for before the certificate is imported, not after it
   * fails: GnuTLS wipes what it decoded of a key, but a failed certificate
   * import would leave copies of the key's bytes in freed memory. */
  if (is_private_key_der (&der))
    {
      set_private_key_error (error);
      return FALSE;
    }

  if (is_pkcs12_der (&der))
    {
      set_keystore_error (error);
      return FALSE;
    }

  if (gnutls_x509_crt_init (&crt) != GNUTLS_E_SUCCESS)
    g_error ("Out of memory");

  if (gnutls_x509_crt_import (crt, &der, GNUTLS_X509_FMT_DER) != GNUTLS_E_SUCCESS)
    {
      gnutls_x509_crt_deinit (crt);
      set_not_a_certificate_error (&der, error);
      return FALSE;
    }

  *out_crt = crt;
  return TRUE;
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

static char *
get_key_algorithm (gnutls_pk_algorithm_t algorithm)
{
  const char *name;

  /* The names administrators know from openssl and Salesforce Setup. */
  switch ((int) algorithm)
    {
    case GNUTLS_PK_RSA:
      return g_strdup ("RSA");
    case GNUTLS_PK_RSA_PSS:
      return g_strdup ("RSA-PSS");
    case GNUTLS_PK_DSA:
      return g_strdup ("DSA");
    case GNUTLS_PK_ECDSA:
      return g_strdup ("EC");
    case GNUTLS_PK_EDDSA_ED25519:
      return g_strdup ("Ed25519");
    case GNUTLS_PK_EDDSA_ED448:
      return g_strdup ("Ed448");
    default:
      name = gnutls_pk_get_name (algorithm);
      return g_strdup (name != NULL ? name : C_("key algorithm", "Unknown"));
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

/* "AB:CD:...", as `openssl x509 -noout -fingerprint -sha256` prints it. */
static char *
format_sha256_fingerprint (const gnutls_datum_t *der)
{
  guint8 digest[32];
  GString *fingerprint = g_string_sized_new (sizeof digest * 3);

  g_assert (gnutls_hash_get_len (GNUTLS_DIG_SHA256) == sizeof digest);

  if (gnutls_hash_fast (GNUTLS_DIG_SHA256, der->data, der->size, digest) != GNUTLS_E_SUCCESS)
    g_error ("SHA-256 is not available");

  for (gsize i = 0; i < sizeof digest; i++)
    g_string_append_printf (fingerprint, i == 0 ? "%02X" : ":%02X", digest[i]);

  return g_string_free (fingerprint, FALSE);
}

/* Standard PEM: the base64 in lines of 64 columns, each line ending in LF. */
static char *
format_pem (const gnutls_datum_t *der)
{
  g_autofree char *base64 = g_base64_encode (der->data, der->size);
  gsize base64_length = strlen (base64);
  GString *pem = g_string_sized_new (base64_length + base64_length / PEM_COLUMNS + 64);

  g_string_append (pem, PEM_BEGIN "CERTIFICATE" PEM_DASHES "\n");
  for (gsize i = 0; i < base64_length; i += PEM_COLUMNS)
    {
      g_string_append_len (pem, base64 + i, MIN (PEM_COLUMNS, base64_length - i));
      g_string_append_c (pem, '\n');
    }
  g_string_append (pem, PEM_END "CERTIFICATE" PEM_DASHES "\n");

  return g_string_free (pem, FALSE);
}

static GDateTime *
date_time_from_time (time_t when)
{
  if (when == (time_t) -1)
    return NULL;

  return g_date_time_new_from_unix_utc (when);
}

static BpCertificate *
bp_certificate_new_from_crt (gnutls_x509_crt_t   crt,
                             GError            **error)
{
  g_autoptr(BpCertificate) self = g_object_new (BP_TYPE_CERTIFICATE, NULL);
  gnutls_datum_t der = { NULL, 0 };
  unsigned int bits = 0;
  int algorithm;

  self->not_before = date_time_from_time (gnutls_x509_crt_get_activation_time (crt));
  self->not_after = date_time_from_time (gnutls_x509_crt_get_expiration_time (crt));
  if (self->not_before == NULL || self->not_after == NULL)
    {
      g_set_error_literal (error, BP_ERROR, BP_ERROR_CERTIFICATE_MALFORMED,
                           _("The certificate is damaged: its validity dates cannot be read. "
                             "Download it again from the identity provider."));
      return NULL;
    }

  /* The bytes GnuTLS parsed (it refuses trailing ones), so the stored PEM and
   * the fingerprint describe the very certificate whose fields are shown. */
  if (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_DER, &der) != GNUTLS_E_SUCCESS)
    {
      g_set_error_literal (error, BP_ERROR, BP_ERROR_CERTIFICATE_MALFORMED,
                           _("The certificate is damaged and cannot be read. Download it again "
                             "from the identity provider."));
      return NULL;
    }

  self->pem = format_pem (&der);
  self->sha256_fingerprint = format_sha256_fingerprint (&der);
  gnutls_free (der.data);

  self->subject = get_subject (crt);
  self->issuer = get_issuer (crt);
  self->common_name = get_common_name (crt);

  algorithm = gnutls_x509_crt_get_pk_algorithm (crt, &bits);
  self->key_algorithm = get_key_algorithm (algorithm < 0 ? GNUTLS_PK_UNKNOWN : algorithm);
  self->key_bits = bits;

  self->is_self_signed = check_self_signed (crt);

  return g_steal_pointer (&self);
}

static void
bp_certificate_finalize (GObject *object)
{
  BpCertificate *self = (BpCertificate *)object;

  g_clear_pointer (&self->pem, g_free);
  g_clear_pointer (&self->subject, g_free);
  g_clear_pointer (&self->issuer, g_free);
  g_clear_pointer (&self->common_name, g_free);
  g_clear_pointer (&self->not_before, g_date_time_unref);
  g_clear_pointer (&self->not_after, g_date_time_unref);
  g_clear_pointer (&self->sha256_fingerprint, g_free);
  g_clear_pointer (&self->key_algorithm, g_free);

  G_OBJECT_CLASS (bp_certificate_parent_class)->finalize (object);
}

static void
bp_certificate_class_init (BpCertificateClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = bp_certificate_finalize;
}

static void
bp_certificate_init (BpCertificate *self)
{
}

/**
 * bp_certificate_new_from_data:
 * @data: (array length=length): PEM text, DER bytes, or the bare base64 body
 * @length: the length of @data in bytes
 * @flags: #BpCertificateParseFlags
 * @error: return location for a #BP_ERROR
 *
 * Parses the identity provider certificate. The checks run in this order, so
 * the first one that applies gives the error code: larger than
 * %BP_CERTIFICATE_MAX_INPUT (not parsed at all), empty or whitespace only, a
 * private key anywhere (refused even next to a certificate), damaged PEM or
 * base64, not a certificate, several certificates.
 *
 * Text around PEM blocks is ignored, as openssl does, so the output of
 * `openssl x509 -text` can be pasted as a whole.
 *
 * Returns: (transfer full): the certificate, or %NULL with @error set
 */
BpCertificate *
bp_certificate_new_from_data (const guint8             *data,
                              gsize                     length,
                              BpCertificateParseFlags   flags,
                              GError                  **error)
{
  g_autoptr(GPtrArray) ders = NULL;
  gnutls_x509_crt_t first = NULL;
  BpCertificate *certificate;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  ders = decode_input (data, length, error);
  if (ders == NULL)
    return NULL;

  /* Every certificate is imported, not only the first: a damaged or foreign
   * block (a key dressed as a certificate) must be refused, and the count in
   * the message must be of real certificates. */
  for (guint i = 0; i < ders->len; i++)
    {
      gnutls_x509_crt_t crt = NULL;

      if (!import_certificate (g_ptr_array_index (ders, i), &crt, error))
        {
          g_clear_pointer (&first, gnutls_x509_crt_deinit);
          return NULL;
        }

      if (first == NULL)
        first = crt;
      else
        gnutls_x509_crt_deinit (crt);
    }

  if (ders->len > 1 && !(flags & BP_CERTIFICATE_PARSE_FIRST_ONLY))
    {
      gnutls_x509_crt_deinit (first);
      g_set_error (error, BP_ERROR, BP_ERROR_CERTIFICATE_MULTIPLE,
                   g_dngettext (GETTEXT_PACKAGE,
                                "This holds %u certificate, but the identity provider has only "
                                "one. Keep the first one, or paste only the identity provider "
                                "certificate.",
                                "This holds %u certificates, but the identity provider has only "
                                "one. Keep the first one, or paste only the identity provider "
                                "certificate.",
                                ders->len),
                   ders->len);
      return NULL;
    }

  certificate = bp_certificate_new_from_crt (first, error);
  gnutls_x509_crt_deinit (first);

  return certificate;
}

/**
 * bp_certificate_new_from_text:
 * @text: PEM or base64 text, NUL-terminated
 * @flags: #BpCertificateParseFlags
 * @error: return location for a #BP_ERROR
 *
 * Like bp_certificate_new_from_data() for pasted text.
 *
 * Returns: (transfer full): the certificate, or %NULL with @error set
 */
BpCertificate *
bp_certificate_new_from_text (const char               *text,
                              BpCertificateParseFlags   flags,
                              GError                  **error)
{
  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return bp_certificate_new_from_data ((const guint8 *) text, strlen (text), flags, error);
}

/**
 * bp_certificate_count_in_data:
 * @data: (array length=length): the same input as for bp_certificate_new_from_data()
 * @length: the length of @data in bytes
 *
 * Counts the certificates in the input, to tell the administrator how many
 * were pasted before keeping the first.
 *
 * Returns: the number of certificates, or 0 when the input would be refused
 *   for any reason other than holding several
 */
guint
bp_certificate_count_in_data (const guint8 *data,
                              gsize         length)
{
  g_autoptr(GPtrArray) ders = NULL;

  g_return_val_if_fail (data != NULL || length == 0, 0);

  ders = decode_input (data, length, NULL);
  if (ders == NULL)
    return 0;

  for (guint i = 0; i < ders->len; i++)
    {
      gnutls_x509_crt_t crt = NULL;

      if (!import_certificate (g_ptr_array_index (ders, i), &crt, NULL))
        return 0;
      gnutls_x509_crt_deinit (crt);
    }

  return ders->len;
}

/**
 * bp_certificate_get_pem:
 *
 * Returns: the certificate as standard PEM: "-----BEGIN CERTIFICATE-----",
 *   the base64 in 64-column lines, "-----END CERTIFICATE-----", each line
 *   ending in LF. This is the form to store.
 */
const char *
bp_certificate_get_pem (BpCertificate *self)
{
  g_return_val_if_fail (BP_IS_CERTIFICATE (self), NULL);

  return self->pem;
}

/**
 * bp_certificate_get_subject:
 *
 * Returns: the subject as an RFC 4514 name, most specific first, with ", "
 *   between the parts: "CN=SelfSignedCert_06Nov2020_143652, OU=00D..., O=Salesforce.com,
 *   L=San Francisco, ST=CA, C=US". Special characters in values are escaped
 *   as RFC 4514 says ("CN=Doe\, John"). Empty when the subject is empty.
 */
const char *
bp_certificate_get_subject (BpCertificate *self)
{
  g_return_val_if_fail (BP_IS_CERTIFICATE (self), NULL);

  return self->subject;
}

/**
 * bp_certificate_get_issuer:
 *
 * Returns: the issuer, in the same form as bp_certificate_get_subject()
 */
const char *
bp_certificate_get_issuer (BpCertificate *self)
{
  g_return_val_if_fail (BP_IS_CERTIFICATE (self), NULL);

  return self->issuer;
}

/**
 * bp_certificate_get_common_name:
 *
 * Returns: (nullable): the subject's first common name (CN), unescaped, or
 *   %NULL when it has none
 */
const char *
bp_certificate_get_common_name (BpCertificate *self)
{
  g_return_val_if_fail (BP_IS_CERTIFICATE (self), NULL);

  return self->common_name;
}

/**
 * bp_certificate_get_not_before:
 *
 * Returns: (transfer none): when the certificate becomes valid, in UTC
 */
GDateTime *
bp_certificate_get_not_before (BpCertificate *self)
{
  g_return_val_if_fail (BP_IS_CERTIFICATE (self), NULL);

  return self->not_before;
}

/**
 * bp_certificate_get_not_after:
 *
 * Returns: (transfer none): the last moment the certificate is valid, in UTC
 */
GDateTime *
bp_certificate_get_not_after (BpCertificate *self)
{
  g_return_val_if_fail (BP_IS_CERTIFICATE (self), NULL);

  return self->not_after;
}

/**
 * bp_certificate_get_sha256_fingerprint:
 *
 * Returns: the SHA-256 of the DER certificate as upper-case hex pairs joined
 *   by colons, exactly what `openssl x509 -noout -fingerprint -sha256` prints
 *   after the "="
 */
const char *
bp_certificate_get_sha256_fingerprint (BpCertificate *self)
{
  g_return_val_if_fail (BP_IS_CERTIFICATE (self), NULL);

  return self->sha256_fingerprint;
}

/**
 * bp_certificate_get_key_algorithm:
 *
 * Returns: the public key's algorithm as openssl names it: "RSA", "EC",
 *   "RSA-PSS", "DSA", "Ed25519", "Ed448", or GnuTLS's name for others
 */
const char *
bp_certificate_get_key_algorithm (BpCertificate *self)
{
  g_return_val_if_fail (BP_IS_CERTIFICATE (self), NULL);

  return self->key_algorithm;
}

/**
 * bp_certificate_get_key_bits:
 *
 * Returns: the size of the public key in bits (the modulus for RSA, the
 *   curve for EC), or 0 when unknown
 */
guint
bp_certificate_get_key_bits (BpCertificate *self)
{
  g_return_val_if_fail (BP_IS_CERTIFICATE (self), 0);

  return self->key_bits;
}

/**
 * bp_certificate_is_self_signed:
 *
 * Returns: %TRUE when the issuer is the subject and the signature verifies
 *   with the certificate's own key, as for Salesforce's identity provider
 */
gboolean
bp_certificate_is_self_signed (BpCertificate *self)
{
  g_return_val_if_fail (BP_IS_CERTIFICATE (self), FALSE);

  return self->is_self_signed;
}

/**
 * bp_certificate_get_validity:
 * @now: (nullable): the moment to check against; %NULL for the current time
 *
 * The certificate is valid from not-before through not-after, both included.
 * It is expiring soon when not-after is at most
 * %BP_CERTIFICATE_EXPIRY_WARNING_DAYS days after @now.
 */
BpCertificateValidity
bp_certificate_get_validity (BpCertificate *self,
                             GDateTime     *now)
{
  g_autoptr(GDateTime) current = NULL;

  g_return_val_if_fail (BP_IS_CERTIFICATE (self), BP_CERTIFICATE_VALIDITY_EXPIRED);

  /* current only owns the new one, for g_autoptr to free: scan-build 14 calls
   * this a dead store (see build-aux/analyze). */
  if (now == NULL)
    now = current = g_date_time_new_now_utc ();

  if (g_date_time_compare (now, self->not_before) < 0)
    return BP_CERTIFICATE_VALIDITY_NOT_YET_VALID;

  if (g_date_time_compare (now, self->not_after) > 0)
    return BP_CERTIFICATE_VALIDITY_EXPIRED;

  if (g_date_time_difference (self->not_after, now) <=
      BP_CERTIFICATE_EXPIRY_WARNING_DAYS * G_TIME_SPAN_DAY)
    return BP_CERTIFICATE_VALIDITY_EXPIRING_SOON;

  return BP_CERTIFICATE_VALIDITY_VALID;
}

/**
 * bp_certificate_get_days_left:
 * @now: (nullable): the moment to count from; %NULL for the current time
 *
 * Returns: the whole days from @now to not-after, rounded down: 0 on the
 *   last day, -1 within a day after expiry
 */
gint64
bp_certificate_get_days_left (BpCertificate *self,
                              GDateTime     *now)
{
  g_autoptr(GDateTime) current = NULL;
  GTimeSpan left;

  g_return_val_if_fail (BP_IS_CERTIFICATE (self), 0);

  /* current only owns the new one, for g_autoptr to free: scan-build 14 calls
   * this a dead store (see build-aux/analyze). */
  if (now == NULL)
    now = current = g_date_time_new_now_utc ();

  left = g_date_time_difference (self->not_after, now);

  /* C division rounds toward zero; an hour past expiry must already be -1. */
  if (left < 0)
    return -((-left + G_TIME_SPAN_DAY - 1) / G_TIME_SPAN_DAY);

  return left / G_TIME_SPAN_DAY;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-certificate"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "bp-certificate.h"
#include "bp-crypto.h"
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
 *
 * The text is read here; the decoded bytes go to GnuTLS in the bp-crypto
 * module (src/crypto), loaded the first time there are bytes to look at.
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

  explicit_bzero (buffer->data, buffer->allocated);
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
  explicit_bzero (&save, sizeof save);

  return buffer;
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

/* GnuTLS, in the bp-crypto module: loaded the first time a certificate is read. */
static const BpCrypto *
get_crypto (GError **error)
{
  g_autoptr(GError) missing = NULL;
  const BpCrypto *crypto = bp_crypto_get (&missing);

  if (crypto == NULL)
    g_propagate_prefixed_error (error, g_steal_pointer (&missing),
                                _("The certificate cannot be checked: "));
  return crypto;
}

/* Says what DER bytes are when they are not a certificate. GnuTLS's own error
 * text is never shown: it talks about ASN.1, not about what to paste. */
static gboolean
check_certificate_der (const BpCrypto      *crypto,
                       const SecretBuffer  *der,
                       GError             **error)
{
  switch (crypto->identify_der (der->data, der->length))
    {
    case BP_CRYPTO_DER_CERTIFICATE:
      return TRUE;
    case BP_CRYPTO_DER_PRIVATE_KEY:
      set_private_key_error (error);
      return FALSE;
    case BP_CRYPTO_DER_KEYSTORE:
      set_keystore_error (error);
      return FALSE;
    case BP_CRYPTO_DER_REQUEST:
      set_request_error (error);
      return FALSE;
    case BP_CRYPTO_DER_PUBLIC_KEY:
      set_public_key_error (error);
      return FALSE;
    case BP_CRYPTO_DER_OTHER:
    default:
      g_set_error_literal (error, BP_ERROR, BP_ERROR_CERTIFICATE_NOT_A_CERTIFICATE,
                           _("This decodes, but it is not an X.509 certificate. Paste the "
                             "identity provider certificate (-----BEGIN CERTIFICATE-----) or "
                             "choose its .crt file."));
      return FALSE;
    }
}

/* "AB:CD:...", as `openssl x509 -noout -fingerprint -sha256` prints it. */
static char *
format_sha256_fingerprint (const guint8 *der,
                           gsize         length)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize digest_length = sizeof digest;
  GString *fingerprint = g_string_sized_new (sizeof digest * 3);

  g_checksum_update (checksum, der, length);
  g_checksum_get_digest (checksum, digest, &digest_length);
  g_assert (digest_length == sizeof digest);

  for (gsize i = 0; i < sizeof digest; i++)
    g_string_append_printf (fingerprint, i == 0 ? "%02X" : ":%02X", digest[i]);

  return g_string_free (fingerprint, FALSE);
}

/* Standard PEM: the base64 in lines of 64 columns, each line ending in LF. */
static char *
format_pem (const guint8 *der,
            gsize         length)
{
  g_autofree char *base64 = g_base64_encode (der, length);
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
date_time_from_time (gint64 when)
{
  if (when == -1)
    return NULL;

  return g_date_time_new_from_unix_utc (when);
}

static BpCertificate *
bp_certificate_new_from_der (const BpCrypto      *crypto,
                             const SecretBuffer  *der,
                             GError             **error)
{
  g_autoptr(BpCertificate) self = g_object_new (BP_TYPE_CERTIFICATE, NULL);
  BpCryptoCertificate fields;

  if (!crypto->read_certificate (der->data, der->length, &fields))
    {
      /* identify_der() said it was one. */
      g_set_error_literal (error, BP_ERROR, BP_ERROR_CERTIFICATE_MALFORMED,
                           _("The certificate is damaged and cannot be read. Download it again "
                             "from the identity provider."));
      return NULL;
    }

  self->not_before = date_time_from_time (fields.not_before);
  self->not_after = date_time_from_time (fields.not_after);
  if (self->not_before == NULL || self->not_after == NULL)
    {
      bp_crypto_certificate_clear (&fields);
      g_set_error_literal (error, BP_ERROR, BP_ERROR_CERTIFICATE_MALFORMED,
                           _("The certificate is damaged: its validity dates cannot be read. "
                             "Download it again from the identity provider."));
      return NULL;
    }

  /* The bytes GnuTLS parsed (it refuses trailing ones), so the stored PEM and
   * the fingerprint describe the very certificate whose fields are shown. */
  if (fields.der == NULL)
    {
      bp_crypto_certificate_clear (&fields);
      g_set_error_literal (error, BP_ERROR, BP_ERROR_CERTIFICATE_MALFORMED,
                           _("The certificate is damaged and cannot be read. Download it again "
                             "from the identity provider."));
      return NULL;
    }

  self->pem = format_pem (fields.der, fields.der_length);
  self->sha256_fingerprint = format_sha256_fingerprint (fields.der, fields.der_length);
  self->subject = g_steal_pointer (&fields.subject);
  self->issuer = g_steal_pointer (&fields.issuer);
  self->common_name = g_steal_pointer (&fields.common_name);
  self->key_algorithm = g_strdup (fields.key_algorithm != NULL ? fields.key_algorithm
                                                               : C_("key algorithm", "Unknown"));
  self->key_bits = fields.key_bits;
  self->is_self_signed = fields.is_self_signed;

  bp_crypto_certificate_clear (&fields);

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
  const BpCrypto *crypto;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* The text is judged first, so an empty field or a damaged paste never
   * needs the module. */
  ders = decode_input (data, length, error);
  if (ders == NULL)
    return NULL;

  crypto = get_crypto (error);
  if (crypto == NULL)
    return NULL;

  /* Every certificate is checked, not only the first: a damaged or foreign
   * block (a key dressed as a certificate) must be refused, and the count in
   * the message must be of real certificates. */
  for (guint i = 0; i < ders->len; i++)
    if (!check_certificate_der (crypto, g_ptr_array_index (ders, i), error))
      return NULL;

  if (ders->len > 1 && !(flags & BP_CERTIFICATE_PARSE_FIRST_ONLY))
    {
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

  return bp_certificate_new_from_der (crypto, g_ptr_array_index (ders, 0), error);
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
  const BpCrypto *crypto;

  g_return_val_if_fail (data != NULL || length == 0, 0);

  ders = decode_input (data, length, NULL);
  if (ders == NULL)
    return 0;

  crypto = get_crypto (NULL);
  if (crypto == NULL)
    return 0;

  for (guint i = 0; i < ders->len; i++)
    if (!check_certificate_der (crypto, g_ptr_array_index (ders, i), NULL))
      return 0;

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

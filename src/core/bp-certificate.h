/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define BP_CERTIFICATE_MAX_INPUT (1024 * 1024)
#define BP_CERTIFICATE_EXPIRY_WARNING_DAYS 30

typedef enum
{
  BP_CERTIFICATE_PARSE_DEFAULT     = 0,
  /* With several certificates in the input, keep the first instead of failing. */
  BP_CERTIFICATE_PARSE_FIRST_ONLY  = 1 << 0,
} BpCertificateParseFlags;

typedef enum
{
  BP_CERTIFICATE_VALIDITY_VALID,
  BP_CERTIFICATE_VALIDITY_EXPIRING_SOON,   /* within BP_CERTIFICATE_EXPIRY_WARNING_DAYS */
  BP_CERTIFICATE_VALIDITY_EXPIRED,
  BP_CERTIFICATE_VALIDITY_NOT_YET_VALID,
} BpCertificateValidity;

#define BP_TYPE_CERTIFICATE (bp_certificate_get_type ())

G_DECLARE_FINAL_TYPE (BpCertificate, bp_certificate, BP, CERTIFICATE, GObject)

/**
 * bp_certificate_new_from_data:
 * @data: PEM text (LF or CRLF, indented, with a BOM, or all on one line),
 *   DER bytes, or the bare base64 body of a certificate
 *
 * Parses an X.509 certificate with GnuTLS (in the bp-crypto module, loaded on
 * first use). Fails with a BP_ERROR_CERTIFICATE_* code and a translated
 * message; never with GnuTLS's own text; with BP_ERROR_MODULE_MISSING when
 * the module cannot be loaded. A private key
 * in the input is refused (BP_ERROR_CERTIFICATE_PRIVATE_KEY). Several
 * certificates fail with BP_ERROR_CERTIFICATE_MULTIPLE, whose message gives
 * the count, unless BP_CERTIFICATE_PARSE_FIRST_ONLY is set.
 */
BpCertificate         *bp_certificate_new_from_data       (const guint8            *data,
                                                           gsize                    length,
                                                           BpCertificateParseFlags  flags,
                                                           GError                 **error);
BpCertificate         *bp_certificate_new_from_text       (const char              *text,
                                                           BpCertificateParseFlags  flags,
                                                           GError                 **error);

/* How many certificates the input holds (0 when none parse); for "keep the first". */
guint                  bp_certificate_count_in_data       (const guint8            *data,
                                                           gsize                    length);

const char            *bp_certificate_get_pem             (BpCertificate           *self);
const char            *bp_certificate_get_subject         (BpCertificate           *self);
const char            *bp_certificate_get_issuer          (BpCertificate           *self);
const char            *bp_certificate_get_common_name     (BpCertificate           *self);
GDateTime             *bp_certificate_get_not_before      (BpCertificate           *self);
GDateTime             *bp_certificate_get_not_after       (BpCertificate           *self);
/* Upper-case hex pairs joined by colons, as `openssl x509 -fingerprint -sha256` prints. */
const char            *bp_certificate_get_sha256_fingerprint (BpCertificate        *self);
const char            *bp_certificate_get_key_algorithm   (BpCertificate           *self);
guint                  bp_certificate_get_key_bits        (BpCertificate           *self);
gboolean               bp_certificate_is_self_signed      (BpCertificate           *self);

BpCertificateValidity  bp_certificate_get_validity        (BpCertificate           *self,
                                                           GDateTime               *now);
/* Whole days from @now to not-after; negative once expired. */
gint64                 bp_certificate_get_days_left       (BpCertificate           *self,
                                                           GDateTime               *now);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <gmodule.h>

#include "bp-module.h"

G_BEGIN_DECLS

/*
 * The interface between the application and bp-crypto, the module of ours
 * that holds everything that needs GnuTLS (bp-crypto-gnutls.c). The module is
 * loaded the first time a certificate is read or a token requested
 * (bp-crypto-loader.c says why); nothing else includes GnuTLS.
 *
 * The module exports one function, BP_CRYPTO_ENTRY_POINT, which returns its
 * table. Change BP_CRYPTO_VERSION whenever the table or a structure here
 * changes, so that an old module left in the install directory is refused
 * instead of called.
 */

#define BP_CRYPTO_VERSION 1
#define BP_CRYPTO_ENTRY_POINT "bp_crypto_module_get_table"

/* What DER bytes turned out to be. */
typedef enum
{
  BP_CRYPTO_DER_CERTIFICATE,
  BP_CRYPTO_DER_PRIVATE_KEY,    /* PKCS #1, SEC 1, DSA, or PKCS #8 (encrypted or not) */
  BP_CRYPTO_DER_KEYSTORE,       /* PKCS #12 (.p12, .pfx) */
  BP_CRYPTO_DER_REQUEST,        /* a certificate signing request */
  BP_CRYPTO_DER_PUBLIC_KEY,
  BP_CRYPTO_DER_OTHER,
} BpCryptoDerKind;

/* The fields of a certificate, as the module read them. Strings and bytes are
 * g_malloc()ed: free them with bp_crypto_certificate_clear(). */
typedef struct
{
  guint8     *der;              /* the bytes GnuTLS parsed, exported again; NULL if it cannot */
  gsize       der_length;
  char       *subject;          /* RFC 4514, ", " between the parts, valid UTF-8 */
  char       *issuer;
  char       *common_name;      /* the first CN, unescaped, valid UTF-8; NULL if none */
  gint64      not_before;       /* seconds since the epoch; -1 when unreadable */
  gint64      not_after;
  const char *key_algorithm;    /* static: "RSA", "EC", ...; NULL when unknown */
  guint       key_bits;
  gboolean    is_self_signed;   /* names itself as issuer and its signature verifies */
} BpCryptoCertificate;

typedef struct
{
  /* sizeof (BpCrypto) and BP_CRYPTO_VERSION of the module's build. */
  BpModuleTable header;

  /* Fills @buffer from GnuTLS's key-level generator (GNUTLS_RND_KEY). */
  gboolean        (*random_bytes)     (guint8              *buffer,
                                       gsize                length);
  /* Looks for a private key first: a failed certificate import would leave
   * copies of a key's bytes in freed memory. */
  BpCryptoDerKind (*identify_der)     (const guint8        *der,
                                       gsize                length);
  /* FALSE when @der is not a certificate. */
  gboolean        (*read_certificate) (const guint8        *der,
                                       gsize                length,
                                       BpCryptoCertificate *certificate);
} BpCrypto;

/* The module's own entry point (BP_CRYPTO_ENTRY_POINT). */
G_MODULE_EXPORT const BpModuleTable *bp_crypto_module_get_table (void);

/* In the application (bp-crypto-loader.c). */
const BpCrypto *bp_crypto_get                (GError              **error);
void            bp_crypto_use_linked_table   (const BpCrypto       *table);
void            bp_crypto_certificate_clear  (BpCryptoCertificate  *certificate);

G_END_DECLS

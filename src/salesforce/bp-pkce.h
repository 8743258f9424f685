/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* 32 random bytes, base64url without padding (RFC 7636 §4.1). */
#define BP_PKCE_VERIFIER_LENGTH 43
/* The state carries 256 bits; SALESFORCE.md §3.3 asks for at least 128. */
#define BP_PKCE_STATE_LENGTH    43

/**
 * SECTION:bp-pkce
 *
 * The per-attempt secrets of Request token (SALESFORCE.md §3.3): the OAuth
 * `state` and the PKCE `code_verifier`, both from GnuTLS's key-grade random
 * generator (never GRand; in the bp-crypto module, loaded on first use: they
 * fail with BP_ERROR_MODULE_MISSING when it cannot be), and the S256
 * `code_challenge`.
 *
 * |[<!-- language="C" -->
 * g_autoptr(BpSecret) verifier = bp_pkce_generate_verifier (&error);
 * g_autofree char *challenge = bp_pkce_compute_challenge (verifier);
 * ]|
 *
 * The returned state and verifier are secrets: free them with
 * bp_secret_free() (or g_autoptr(BpSecret)), never log them.
 */

char     *bp_pkce_base64url_encode  (const guint8  *data,
                                     gsize          length);
char     *bp_pkce_generate_state    (GError       **error);
char     *bp_pkce_generate_verifier (GError       **error);
char     *bp_pkce_compute_challenge (const char    *verifier);

/* Compares two secrets in a time that does not depend on where they differ. */
gboolean  bp_pkce_secure_equal      (const char    *a,
                                     const char    *b);

G_END_DECLS

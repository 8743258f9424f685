/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define BP_TYPE_CERTIFICATE_FIELD (bp_certificate_field_get_type ())

G_DECLARE_FINAL_TYPE (BpCertificateField, bp_certificate_field, BP, CERTIFICATE_FIELD, GtkWidget)

/**
 * BpCertificateField:
 *
 * The Identity provider certificate field: a monospace text area for the PEM
 * with Paste, Open… and Clear, drag and drop of a file or text, and below it
 * the parsed certificate's details (common name, subject, issuer, validity,
 * SHA-256 fingerprint) or the precise error of BpCertificate.
 *
 * Properties:
 *   "text"  gchar*, read-write: the text held, as the draft stores it in
 *           "idp-certificate". A certificate that came from Paste, Open… or
 *           a drop is held as its normalised PEM; typed text is held as typed
 *           and normalised when the text area loses the focus, if it parses.
 *           "" when single sign-on is not used. A private key is refused
 *           wherever it comes from: the field keeps what it held before, says
 *           why, and "text" never holds the key.
 *
 * Actions (in the "certificate" group): certificate.paste, certificate.open,
 * certificate.clear, certificate.keep-first (shown with the message about
 * several certificates), certificate.copy-fingerprint.
 */

GtkWidget  *bp_certificate_field_new        (void);

const char *bp_certificate_field_get_text   (BpCertificateField *self);
void        bp_certificate_field_set_text   (BpCertificateField *self,
                                             const char         *text);

/* Reads @file asynchronously (PEM, DER or base64; at most 1 MiB) as if it had
 * been chosen with Open… or dropped on the field. */
void        bp_certificate_field_open_file  (BpCertificateField *self,
                                             GFile              *file);

G_END_DECLS

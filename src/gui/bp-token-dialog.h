/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "bp-oauth-flow.h"

G_BEGIN_DECLS

#define BP_TYPE_TOKEN_DIALOG (bp_token_dialog_get_type ())

G_DECLARE_FINAL_TYPE (BpTokenDialog, bp_token_dialog, BP, TOKEN_DIALOG, GtkWindow)

/* "Continue in your browser": runs @flow at once and shows the callback URL to
 * register, the authorize link to copy, and a spinner. Emits
 * "tokens-received" (BpSalesforceTokens) once and closes on success; an error
 * stays in the dialog with Try again. Cancel and closing end the attempt and
 * free the port. */
BpTokenDialog *bp_token_dialog_new (GtkWindow   *parent,
                                    BpOAuthFlow *flow);

G_END_DECLS

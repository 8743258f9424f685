/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "bp-limits.h"
#include "bp-salesforce-account.h"
#include "bp-token-keeper.h"

G_BEGIN_DECLS

#define BP_TYPE_LIMITS_DIALOG (bp_limits_dialog_get_type ())

G_DECLARE_FINAL_TYPE (BpLimitsDialog, bp_limits_dialog, BP, LIMITS_DIALOG, GtkWindow)

/**
 * BpLimitsDialog:
 *
 * "Limits — <account name>": the org limits of one Salesforce account
 * (SALESFORCE.md §5), in a window of its own that does not block the main
 * window. With a keeper it fetches them when it is first shown and again on
 * Refresh (async; Cancel, or closing the dialog, cancels); failures show in a
 * banner inside the dialog.
 *
 * When the refresh token is refused (%BP_ERROR_INVALID_GRANT) it emits
 * #BpLimitsDialog::token-rejected: the window marks the account
 * %BP_TOKEN_STATE_NEEDS_NEW_TOKEN and saves it.
 *
 * |[<!-- language="C" -->
 * BpLimitsDialog *dialog = bp_limits_dialog_new (GTK_WINDOW (self), account, keeper);
 * g_signal_connect_object (dialog, "token-rejected", G_CALLBACK (limits_token_rejected_cb), self, 0);
 * gtk_window_present (GTK_WINDOW (dialog));
 * ]|
 */

/* @keeper: (nullable): NULL for a dialog that only shows what
 * bp_limits_dialog_set_limits() gives it (Refresh is disabled). */
BpLimitsDialog      *bp_limits_dialog_new             (GtkWindow           *parent,
                                                       BpSalesforceAccount *account,
                                                       BpTokenKeeper       *keeper);

BpSalesforceAccount *bp_limits_dialog_get_account     (BpLimitsDialog      *self);

/* Returns: (transfer none) (nullable): the limits shown. */
BpLimits            *bp_limits_dialog_get_limits      (BpLimitsDialog      *self);
/* Shows @limits (already fetched) and hides any error banner. */
void                 bp_limits_dialog_set_limits      (BpLimitsDialog      *self,
                                                       BpLimits            *limits);

/* Fetches the limits again (the limits.refresh action); a fetch in flight is
 * cancelled first. Does nothing without a keeper. */
void                 bp_limits_dialog_refresh         (BpLimitsDialog      *self);
gboolean             bp_limits_dialog_is_list_complete (BpLimitsDialog     *self);
gboolean             bp_limits_dialog_get_is_loading  (BpLimitsDialog      *self);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "bp-account-editor.h"

G_BEGIN_DECLS

#define BP_TYPE_SALESFORCE_EDITOR (bp_salesforce_editor_get_type ())

G_DECLARE_FINAL_TYPE (BpSalesforceEditor, bp_salesforce_editor, BP, SALESFORCE_EDITOR, GtkWidget)

/**
 * BpSalesforceEditor:
 *
 * The Properties form of a Salesforce.com account (a BpAccountEditor), in the
 * vendor's three groups: Basic Properties; Data Access from Scenarios
 * Properties; Single Sign-on Properties. It does not scroll: put it in a
 * GtkScrolledWindow (hscrollbar-policy never).
 *
 * Draft: "draft" (a BpSalesforceAccount from bp_account_copy(), or %NULL for
 * an empty, insensitive form). Every edit changes the draft at once; a change
 * made to the draft by others (a token that was just requested, Cancel) shows
 * at once. Setting another draft replaces every field and forgets which
 * fields were edited. Listen to the draft's "notify" to learn that something
 * changed.
 *
 * Validation: bp_account_validate() against "accounts" on every change. The
 * problem of a field shows under it once the field was edited (all of them
 * after bp_account_editor_focus_first_error()); "has-errors" counts every
 * error, shown or not, so Apply stays insensitive while any remains.
 *
 * Request token and Check limits: the buttons activate the widget actions
 * `editor.request-token` and `editor.check-limits`, which start disabled.
 * Enable them with bp_salesforce_editor_set_request_token_enabled() and
 * bp_salesforce_editor_set_check_limits_enabled(); when activated they emit
 * the signals below and do nothing else.
 *
 * Signals:
 *   "request-token" void (BpSalesforceEditor *editor, gpointer user_data):
 *       Request token was pressed (its action is enabled).
 *   "check-limits"  void (BpSalesforceEditor *editor, gpointer user_data):
 *       Check limits was pressed (its action is enabled).
 *
 * Under the Consumer key it shows the callback URL the Connected App must
 * register, http://localhost:PORT/OauthRedirect, with a Copy button. PORT is
 * $BP_OAUTH_REDIRECT_PORT when set to a valid port, else the GSettings key
 * `redirect-port` (followed while the editor lives).
 */

GtkWidget  *bp_salesforce_editor_new                        (GListModel         *accounts);

void        bp_salesforce_editor_set_request_token_enabled  (BpSalesforceEditor *self,
                                                             gboolean            enabled);
void        bp_salesforce_editor_set_check_limits_enabled   (BpSalesforceEditor *self,
                                                             gboolean            enabled);

/* The callback URL shown (and copied), "http://localhost:1717/OauthRedirect". */
const char *bp_salesforce_editor_get_callback_url           (BpSalesforceEditor *self);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "bp-account.h"

G_BEGIN_DECLS

/* Keyring item kinds (the `kind` attribute of the libsecret schema). */
#define BP_SECRET_KIND_CONSUMER_SECRET "consumer-secret"
#define BP_SECRET_KIND_REFRESH_TOKEN   "refresh-token"

/**
 * BpTokenState:
 * @BP_TOKEN_STATE_NONE: no refresh token has been requested
 * @BP_TOKEN_STATE_VALID: a refresh token is in the keyring and was good when last used
 * @BP_TOKEN_STATE_NEEDS_NEW_TOKEN: the token was revoked, expired, or belongs to
 *   another Url, Sandbox or Consumer key: Request token must be pressed again
 */
typedef enum
{
  BP_TOKEN_STATE_NONE,
  BP_TOKEN_STATE_VALID,
  BP_TOKEN_STATE_NEEDS_NEW_TOKEN,
} BpTokenState;

#define BP_TYPE_TOKEN_STATE (bp_token_state_get_type ())
GType bp_token_state_get_type (void) G_GNUC_CONST;

#define BP_TYPE_SALESFORCE_ACCOUNT (bp_salesforce_account_get_type ())

G_DECLARE_FINAL_TYPE (BpSalesforceAccount, bp_salesforce_account, BP, SALESFORCE_ACCOUNT, BpAccount)

BpSalesforceAccount *bp_salesforce_account_new                  (void);

const char          *bp_salesforce_account_get_url              (BpSalesforceAccount *self);
void                 bp_salesforce_account_set_url              (BpSalesforceAccount *self,
                                                                 const char          *url);
gboolean             bp_salesforce_account_get_sandbox          (BpSalesforceAccount *self);
void                 bp_salesforce_account_set_sandbox          (BpSalesforceAccount *self,
                                                                 gboolean             sandbox);
const char          *bp_salesforce_account_get_consumer_key     (BpSalesforceAccount *self);
void                 bp_salesforce_account_set_consumer_key     (BpSalesforceAccount *self,
                                                                 const char          *consumer_key);
const char          *bp_salesforce_account_get_consumer_secret  (BpSalesforceAccount *self);
void                 bp_salesforce_account_set_consumer_secret  (BpSalesforceAccount *self,
                                                                 const char          *consumer_secret);
BpTokenState         bp_salesforce_account_get_token_state      (BpSalesforceAccount *self);
void                 bp_salesforce_account_set_token_state      (BpSalesforceAccount *self,
                                                                 BpTokenState         token_state);
GDateTime           *bp_salesforce_account_get_token_issued_at  (BpSalesforceAccount *self);
void                 bp_salesforce_account_set_token_issued_at  (BpSalesforceAccount *self,
                                                                 GDateTime           *issued_at);
const char          *bp_salesforce_account_get_authorized_user  (BpSalesforceAccount *self);
void                 bp_salesforce_account_set_authorized_user  (BpSalesforceAccount *self,
                                                                 const char          *user);
const char          *bp_salesforce_account_get_idp_certificate  (BpSalesforceAccount *self);
void                 bp_salesforce_account_set_idp_certificate  (BpSalesforceAccount *self,
                                                                 const char          *pem);
const char          *bp_salesforce_account_get_idp_login_url    (BpSalesforceAccount *self);
void                 bp_salesforce_account_set_idp_login_url    (BpSalesforceAccount *self,
                                                                 const char          *url);

/* Url rules (also used by the editor as you type). */
char                *bp_salesforce_normalize_url                (const char          *text,
                                                                 GError             **error);
gboolean             bp_salesforce_check_can_request_token      (BpSalesforceAccount *self,
                                                                 GError             **error);

/* Whether applying a draft over its saved account takes its token away. */
const char          *bp_salesforce_account_changes_token_owner  (BpSalesforceAccount *self,
                                                                 BpSalesforceAccount *saved);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define BP_SALESFORCE_PRODUCTION_LOGIN_URL "https://login.salesforce.com"
#define BP_SALESFORCE_SANDBOX_LOGIN_URL    "https://test.salesforce.com"
#define BP_SALESFORCE_DEFAULT_REDIRECT_PORT 1717

#define BP_SALESFORCE_AUTHORIZE_PATH "/services/oauth2/authorize"
#define BP_SALESFORCE_TOKEN_PATH     "/services/oauth2/token"
#define BP_SALESFORCE_REVOKE_PATH    "/services/oauth2/revoke"

/* The environment variable that replaces the login host (for the emulator). */
#define BP_SALESFORCE_LOGIN_URL_ENV "BP_SALESFORCE_LOGIN_URL"

gboolean  bp_salesforce_is_loopback_host  (const char  *host);
char     *bp_salesforce_get_login_url     (const char  *account_url,
                                           gboolean     sandbox,
                                           GError     **error);
char     *bp_salesforce_build_url         (const char  *base_url,
                                           const char  *path);
char     *bp_salesforce_get_redirect_uri  (guint        port);

G_END_DECLS

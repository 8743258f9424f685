/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "bp-emulator.h"
#include "bp-salesforce-client.h"

G_BEGIN_DECLS

/* Helpers shared by the tests that talk to the Salesforce emulator. */

/* A client that never goes through a proxy (an http_proxy must not catch
 * loopback traffic) with a short timeout. */
BpSalesforceClient *bp_test_salesforce_client_new   (void);

/* A started in-process emulator on 127.0.0.1, port 0. */
BpEmulator         *bp_test_emulator_new            (void);

/* A port free right now on 127.0.0.1 and on ::1 (when there is IPv6). */
guint               bp_test_find_free_port          (void);

/* TRUE if something can listen on @address:@port right now. */
gboolean            bp_test_can_bind                (const char   *address,
                                                     guint         port);

/* Sets BROWSER to the stand-in browser built beside the tests. */
void                bp_test_use_test_browser        (void);

/* For async calls: pass bp_test_store_result_cb with &result, then
 * bp_test_await_result (&result, ms) iterates until it is there. */
void                bp_test_store_result_cb         (GObject      *object,
                                                     GAsyncResult *result,
                                                     gpointer      user_data);
GAsyncResult       *bp_test_await_result            (GAsyncResult **slot,
                                                     guint          timeout_ms);

/* Asserts that none of the secrets appears in @text. */
void                bp_test_assert_no_secrets       (const char   *text,
                                                     GPtrArray    *secrets);

G_END_DECLS

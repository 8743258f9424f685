/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define BP_EMULATOR_USERNAME        "admin@emulator.example"
#define BP_EMULATOR_ORGANIZATION_ID "00DEM0000000001EAA"
#define BP_EMULATOR_USER_ID         "005EM0000000001AAA"
#define BP_EMULATOR_HIGHEST_VERSION "63.0"

/**
 * BpEmulatorFault:
 * @BP_EMULATOR_FAULT_NONE: answer normally
 * @BP_EMULATOR_FAULT_CLOSE: read the request, then close the connection without answering
 * @BP_EMULATOR_FAULT_RESET: read the request, then reset the connection (TCP RST)
 * @BP_EMULATOR_FAULT_DIE: read the request, close the connection and stop listening, as if
 *   the process had died in the middle of the exchange
 * @BP_EMULATOR_FAULT_GARBAGE: HTTP 200, application/json, and bytes that are not JSON at all
 * @BP_EMULATOR_FAULT_TRUNCATED: HTTP 200, application/json, and JSON cut off in the middle
 * @BP_EMULATOR_FAULT_HUGE: HTTP 200, application/json, and a chunked body of
 *   %BP_EMULATOR_HUGE_BODY_SIZE bytes
 * @BP_EMULATOR_FAULT_TRICKLE: HTTP 200, application/json, then one byte of the body
 *   every 250 ms, never ending: each read is quick, the answer never complete
 *
 * Faults of the token, revoke, userinfo, API versions and limits endpoints
 * (not of authorize: that one is the browser's).
 */
typedef enum
{
  BP_EMULATOR_FAULT_NONE,
  BP_EMULATOR_FAULT_CLOSE,
  BP_EMULATOR_FAULT_RESET,
  BP_EMULATOR_FAULT_DIE,
  BP_EMULATOR_FAULT_GARBAGE,
  BP_EMULATOR_FAULT_TRUNCATED,
  BP_EMULATOR_FAULT_HUGE,
  BP_EMULATOR_FAULT_TRICKLE,
} BpEmulatorFault;

#define BP_EMULATOR_HUGE_BODY_SIZE (16 * 1024 * 1024)

#define BP_TYPE_EMULATOR (bp_emulator_get_type ())

G_DECLARE_FINAL_TYPE (BpEmulator, bp_emulator, BP, EMULATOR, GObject)

/**
 * BpEmulator:
 *
 * A small Salesforce for tests and trials: a libsoup server on 127.0.0.1
 * with the login endpoints (authorize, token, revoke), userinfo, the API
 * versions and the org limits. Everything it issues is random and kept in
 * memory; it records what it saw for tests to assert. It runs in the
 * thread-default main context of the caller, so tests use async clients.
 *
 * |[<!-- language="C" -->
 * g_autoptr(BpEmulator) emulator = bp_emulator_new ();
 * bp_emulator_start (emulator, 0, &error);
 * g_setenv ("BP_SALESFORCE_LOGIN_URL", bp_emulator_get_base_url (emulator), TRUE);
 * bp_emulator_set_rotate_refresh_tokens (emulator, TRUE);
 * ]|
 */

BpEmulator  *bp_emulator_new                       (void);
/* Listens on 127.0.0.1:@port (0: any free port). */
gboolean     bp_emulator_start                     (BpEmulator  *self,
                                                    guint        port,
                                                    GError     **error);
/* Closes the port: the emulator is "down" (connections are refused). */
void         bp_emulator_stop                      (BpEmulator  *self);
/* "http://127.0.0.1:<port>", no trailing slash; also the instance URL. */
const char  *bp_emulator_get_base_url              (BpEmulator  *self);
guint        bp_emulator_get_port                  (BpEmulator  *self);

/* Switches (all off by default) */
void         bp_emulator_set_latency               (BpEmulator  *self,
                                                    guint        milliseconds);
/* HTTP 500 with an HTML page from token, revoke, userinfo and /services/data. */
void         bp_emulator_set_fail_with_500         (BpEmulator  *self,
                                                    gboolean     fail);
/* HTTP 200 with an HTML page instead of JSON, from the same endpoints. */
void         bp_emulator_set_answer_html           (BpEmulator  *self,
                                                    gboolean     html);
/* One of the faults above, for every request of those endpoints until reset to NONE. */
void         bp_emulator_set_fault                 (BpEmulator      *self,
                                                    BpEmulatorFault  fault);
/* Every token request fails with invalid_grant. */
void         bp_emulator_set_invalid_grant         (BpEmulator  *self,
                                                    gboolean     invalid_grant);
/* The next limits request with a valid token gets 401 INVALID_SESSION_ID
 * (and that access token dies), as if it had expired. */
void         bp_emulator_set_unauthorized_once     (BpEmulator  *self,
                                                    gboolean     unauthorized_once);
/* A refresh returns a new refresh token and kills the old one. */
void         bp_emulator_set_rotate_refresh_tokens (BpEmulator  *self,
                                                    gboolean     rotate);
/* The user presses Deny: authorize redirects with error=access_denied. */
void         bp_emulator_set_deny                  (BpEmulator  *self,
                                                    gboolean     deny);
/* FALSE: a Connected App without the refresh_token scope (no refresh token). Default TRUE. */
void         bp_emulator_set_issue_refresh_tokens  (BpEmulator  *self,
                                                    gboolean     issue);
/* Limits answer 403 INSUFFICIENT_ACCESS. */
void         bp_emulator_set_forbid_limits         (BpEmulator  *self,
                                                    gboolean     forbid);
/* @consumer_key NULL: any key; @consumer_secret NULL: no secret required. */
void         bp_emulator_set_client                (BpEmulator  *self,
                                                    const char  *consumer_key,
                                                    const char  *consumer_secret);
/* The Connected App's callback URL; NULL: any. */
void         bp_emulator_set_registered_callback   (BpEmulator  *self,
                                                    const char  *redirect_uri);

/* Seeding: a valid refresh token for @consumer_key (NULL: any client). */
char        *bp_emulator_issue_refresh_token       (BpEmulator  *self,
                                                    const char  *consumer_key);
gboolean     bp_emulator_is_refresh_token_valid    (BpEmulator  *self,
                                                    const char  *refresh_token);
gboolean     bp_emulator_is_access_token_valid     (BpEmulator  *self,
                                                    const char  *access_token);

/* Records. Every answered request is also announced by the
 * "request-handled" signal (SoupServerMessage, path, query). */
guint        bp_emulator_get_authorize_count       (BpEmulator  *self);
/* Code exchanges and refreshes that reached the token endpoint. */
guint        bp_emulator_get_code_exchange_count   (BpEmulator  *self);
guint        bp_emulator_get_refresh_count         (BpEmulator  *self);
guint        bp_emulator_get_limits_count          (BpEmulator  *self);
/* Requests received and held back by the latency right now: a test waits
 * for 1 to know that a request is in flight. */
guint        bp_emulator_get_held_count            (BpEmulator  *self);
const char  *bp_emulator_get_last_code_challenge_method (BpEmulator *self);
const char  *bp_emulator_get_last_redirect_uri     (BpEmulator  *self);
const char  *bp_emulator_get_last_scope            (BpEmulator  *self);
const char  *bp_emulator_get_last_prompt           (BpEmulator  *self);
/* Whether the last token request carried client_secret / code_verifier. */
gboolean     bp_emulator_get_last_had_secret       (BpEmulator  *self);
gboolean     bp_emulator_get_last_had_verifier     (BpEmulator  *self);
/* The tokens revoked, in order. */
GPtrArray   *bp_emulator_get_revoked_tokens        (BpEmulator  *self);
/* Every secret it issued or received: codes, tokens, verifiers, states,
 * client secrets; for tests that check the logs leak none of them. */
GPtrArray   *bp_emulator_get_secrets               (BpEmulator  *self);
/* What each of them is, index for index: "state", "authorization code",
 * "PKCE verifier", "consumer secret", "access token", "refresh token". */
GPtrArray   *bp_emulator_get_secret_kinds          (BpEmulator  *self);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "bp-limits.h"

G_BEGIN_DECLS

/**
 * SECTION:bp-limits-report
 *
 * What `--check-limits` prints: the org limits most used first
 * (bp_limit_compare_usage(), children below their limit, sorted alike), as a
 * table for people or as JSON for scripts (README, "Command line"):
 *
 * |[<!-- language="JSON" -->
 * { "account": "Production", "instance-url": "https://acme.my.salesforce.com",
 *   "api-version": "63.0", "fetched-at": "2026-03-01T08:00:00Z", "warn-above": 80.0,
 *   "limits": [ { "name": "DailyApiRequests", "title": "Daily API Requests",
 *                 "max": 100000, "remaining": 15000, "used": 85000, "percent": 85.0,
 *                 "above-threshold": true, "children": [ … ] } ] }
 * ]|
 *
 * @warn_above is the --warn-above percent, or a negative number when none
 * was given. A limit is above it when its usage (used / max × 100, not
 * rounded) is greater than @warn_above; a limit with a Max of 0 never is.
 */

gboolean  bp_limits_report_is_above    (BpLimit     *limit,
                                        double       warn_above);
char     *bp_limits_report_to_text     (BpLimits    *limits,
                                        const char  *account_name,
                                        double       warn_above);
char     *bp_limits_report_to_json     (BpLimits    *limits,
                                        const char  *account_name,
                                        double       warn_above);
/* One line for each limit (children too) above @warn_above, most used
 * first; NULL when none is. @n_above: (out) (optional): how many. */
char     *bp_limits_report_list_above  (BpLimits    *limits,
                                        double       warn_above,
                                        guint       *n_above);

G_END_DECLS

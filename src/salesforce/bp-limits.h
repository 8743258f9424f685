/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The usage bar turns to the warning colour from 80 % and to the critical one
 * from 95 % (SALESFORCE.md §5). */
#define BP_LIMIT_WARNING_FRACTION  0.80
#define BP_LIMIT_CRITICAL_FRACTION 0.95

/* The largest Max or Remaining accepted (2^53: exact in a double); a larger
 * one makes the entry malformed. Salesforce's are far smaller. */
#define BP_LIMIT_MAX_VALUE (G_GINT64_CONSTANT (1) << 53)

/**
 * BpLimitLevel:
 * @BP_LIMIT_LEVEL_NORMAL: less than 80 % used
 * @BP_LIMIT_LEVEL_WARNING: from 80 % to less than 95 % used
 * @BP_LIMIT_LEVEL_CRITICAL: 95 % used or more, including over 100 %
 */
typedef enum
{
  BP_LIMIT_LEVEL_NORMAL,
  BP_LIMIT_LEVEL_WARNING,
  BP_LIMIT_LEVEL_CRITICAL,
} BpLimitLevel;

#define BP_TYPE_LIMIT (bp_limit_get_type ())

G_DECLARE_FINAL_TYPE (BpLimit, bp_limit, BP, LIMIT, GObject)

/**
 * BpLimit:
 *
 * One org limit of `GET /services/data/vXX.X/limits/`, immutable:
 * `name` as Salesforce sends it ("DailyApiRequests"), `title` made readable
 * ("Daily API Requests"), `max`, `remaining` (may be negative: over-use is
 * allowed), `used` (= max − remaining, may exceed max), `fraction`
 * (used / max, 0 when max is 0, above 1 when over) and `children`: the
 * nested limits (per connected app under DailyApiRequests, CreateCustom under
 * PermissionSets), or %NULL.
 */

BpLimit      *bp_limit_new            (const char *name,
                                       gint64      max,
                                       gint64      remaining);

const char   *bp_limit_get_name       (BpLimit    *self);
const char   *bp_limit_get_title      (BpLimit    *self);
gint64        bp_limit_get_max        (BpLimit    *self);
gint64        bp_limit_get_remaining  (BpLimit    *self);
gint64        bp_limit_get_used       (BpLimit    *self);
double        bp_limit_get_fraction   (BpLimit    *self);
/* The whole percent used, rounded down (so 79.9 % is 79, never shown as
 * 80 % in the normal colour); 0 when max is 0. */
int           bp_limit_get_percent    (BpLimit    *self);
BpLimitLevel  bp_limit_get_level      (BpLimit    *self);
/* Returns: (transfer none) (nullable): a GListModel of BpLimit, never empty. */
GListModel   *bp_limit_get_children   (BpLimit    *self);

/**
 * bp_limit_compare_usage:
 *
 * Orders by usage, most used first: fraction descending, then used
 * descending, then name ascending (byte order). A total order, stable
 * across runs: for g_list_store_sort(), a GtkCustomSorter or a report.
 *
 * Returns: < 0 when @a comes before @b, > 0 after, 0 when they are equal.
 */
int           bp_limit_compare_usage  (BpLimit    *a,
                                       BpLimit    *b);

/* "DailyApiRequests" → "Daily API Requests", "DataStorageMB" → "Data Storage (MB)".
 * A name that is not a plain identifier (a connected app's name such as
 * "Salesforce for Outlook") is returned as it is. */
char         *bp_limit_name_to_title  (const char *name);

#define BP_TYPE_LIMITS (bp_limits_get_type ())

G_DECLARE_FINAL_TYPE (BpLimits, bp_limits, BP, LIMITS, GObject)

/**
 * BpLimits:
 *
 * The org limits of one fetch: a GListModel of the top-level BpLimit items
 * in the order of the body, with when and where they were fetched.
 *
 * The body is an open set (new names arrive with every Salesforce release):
 * every member whose value is an object with numeric `Max` and `Remaining`
 * (numbers, or numeric strings as very old API versions sent) is a limit;
 * its members that are such objects in turn are its children (one level
 * deep, as Salesforce sends them); other members are ignored. An object with
 * a `Max` or a `Remaining` that is missing or not a whole number is skipped
 * and counted (bp_limits_get_n_skipped()), never fatal.
 *
 * |[<!-- language="C" -->
 * g_autoptr(GBytes) body = bp_token_keeper_fetch_limits_finish (keeper, result, &version, &error);
 * gsize length;
 * const char *data = g_bytes_get_data (body, &length);
 * g_autoptr(BpLimits) limits = bp_limits_new_from_json (data, length, &error);
 * ]|
 */

/**
 * bp_limits_new_from_json:
 * @data: (array length=length): the body, not necessarily nul-terminated
 *
 * Parses a limits body. The fetched-at time is now.
 *
 * Returns: (transfer full): the limits, or %NULL with %BP_ERROR_SALESFORCE
 *   when the body is not a JSON object (empty, not JSON, an array, a string,
 *   nested too deep, too large).
 */
BpLimits     *bp_limits_new_from_json       (const char  *data,
                                             gsize        length,
                                             GError     **error);

/* The malformed entries skipped, top-level and nested. */
guint         bp_limits_get_n_skipped       (BpLimits    *self);

GDateTime    *bp_limits_get_fetched_at      (BpLimits    *self);
void          bp_limits_set_fetched_at      (BpLimits    *self,
                                             GDateTime   *fetched_at);
/* The org's instance URL ("https://acme.my.salesforce.com"), or NULL. */
const char   *bp_limits_get_instance_url    (BpLimits    *self);
void          bp_limits_set_instance_url    (BpLimits    *self,
                                             const char  *instance_url);
/* The API version of the request ("63.0"), or NULL. */
const char   *bp_limits_get_api_version     (BpLimits    *self);
void          bp_limits_set_api_version     (BpLimits    *self,
                                             const char  *api_version);

/* Returns: (transfer none) (nullable): the top-level limit named @name. */
BpLimit      *bp_limits_lookup              (BpLimits    *self,
                                             const char  *name);
/* Returns: (transfer none) (nullable): the most used top-level limit
 * (bp_limit_compare_usage()), NULL when there is none. */
BpLimit      *bp_limits_get_most_used       (BpLimits    *self);
/* How many top-level limits have a fraction of at least @fraction. */
guint         bp_limits_count_at_least      (BpLimits    *self,
                                             double       fraction);

/**
 * bp_limits_to_csv:
 *
 * The limits as CSV (RFC 4180, CRLF line ends): a header line, then each
 * limit followed by its children, columns Name, Title, Parent, Used, Max,
 * Remaining, Percent used. Plain numbers, whatever the locale; a text that a
 * spreadsheet would read as a formula is prefixed with an apostrophe.
 */
char         *bp_limits_to_csv              (BpLimits    *self);

G_END_DECLS

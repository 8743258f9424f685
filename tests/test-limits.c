/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-limits"

#include "config.h"

#include <string.h>

#include "bp-error.h"
#include "bp-limits.h"
#include "bp-test-salesforce.h"
#include "bp-test-utils.h"

#define WAIT_MS 10000

/* The limits parser (BpLimits) on the emulator's body and on crafted ones,
 * and the readable titles. No GTK. */

static BpLimits *
parse (const char  *body,
       GError     **error)
{
  return bp_limits_new_from_json (body, strlen (body), error);
}

static BpLimits *
parse_ok (const char *body)
{
  g_autoptr(GError) error = NULL;
  BpLimits *limits = parse (body, &error);

  g_assert_no_error (error);
  g_assert_true (BP_IS_LIMITS (limits));
  return limits;
}

static BpLimit *
child_at (BpLimit *limit,
          guint    position)
{
  GListModel *children = bp_limit_get_children (limit);
  g_autoptr(BpLimit) child = NULL;

  g_assert_nonnull (children);
  child = g_list_model_get_item (children, position);
  g_assert_nonnull (child);

  /* The parent keeps it alive. */
  return child;
}

/* The body as the emulator serves it, through the real client: a refresh
 * grant for an access token, then GET …/limits/. */
static GBytes *
fetch_emulator_body (void)
{
  g_autoptr(BpEmulator) emulator = bp_test_emulator_new ();
  g_autoptr(BpSalesforceClient) client = bp_test_salesforce_client_new ();
  g_autoptr(BpSalesforceTokens) tokens = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *refresh_token = bp_emulator_issue_refresh_token (emulator, NULL);
  GBytes *body;

  bp_salesforce_client_refresh_async (client, bp_emulator_get_base_url (emulator), "3MVG9limitsTestKey", NULL,
                                      refresh_token, NULL, bp_test_store_result_cb, &result);
  tokens = bp_salesforce_client_refresh_finish (client, bp_test_await_result (&result, WAIT_MS), &error);
  g_assert_no_error (error);
  g_clear_object (&result);

  bp_salesforce_client_get_limits_async (client, bp_salesforce_tokens_get_instance_url (tokens),
                                         BP_EMULATOR_HIGHEST_VERSION,
                                         bp_salesforce_tokens_get_access_token (tokens), NULL,
                                         bp_test_store_result_cb, &result);
  body = bp_salesforce_client_get_limits_finish (client, bp_test_await_result (&result, WAIT_MS), &error);
  g_assert_no_error (error);
  g_assert_nonnull (body);

  return body;
}

static void
test_emulator_body (void)
{
  g_autoptr(GBytes) body = fetch_emulator_body ();
  g_autoptr(GError) error = NULL;
  g_autoptr(BpLimits) limits = NULL;
  g_autoptr(GDateTime) before = g_date_time_new_now_utc ();
  BpLimit *api, *storage, *permission_sets, *child;
  gboolean has_integration_app = FALSE;
  GListModel *children;
  const char *data;
  gsize length;

  data = g_bytes_get_data (body, &length);
  limits = bp_limits_new_from_json (data, length, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (limits)), >=, 20);
  g_assert_cmpuint (bp_limits_get_n_skipped (limits), ==, 0);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (limits)) == BP_TYPE_LIMIT);
  g_assert_cmpint (g_date_time_compare (bp_limits_get_fetched_at (limits), before), >=, 0);

  api = bp_limits_lookup (limits, "DailyApiRequests");
  g_assert_nonnull (api);
  g_assert_cmpstr (bp_limit_get_title (api), ==, "Daily API Requests");
  g_assert_cmpint (bp_limit_get_max (api), ==, 15000);
  g_assert_cmpint (bp_limit_get_remaining (api), ==, 14016);
  g_assert_cmpint (bp_limit_get_used (api), ==, 984);
  g_assert_cmpint (bp_limit_get_percent (api), ==, 6);

  /* The per-app entries are children, with their names as they are. */
  children = bp_limit_get_children (api);
  g_assert_nonnull (children);
  g_assert_cmpuint (g_list_model_get_n_items (children), ==, 5);
  for (guint i = 0; i < g_list_model_get_n_items (children); i++)
    {
      child = child_at (api, i);
      if (g_strcmp0 (bp_limit_get_name (child), "Bright Pattern Integration") == 0)
        {
          has_integration_app = TRUE;
          g_assert_cmpstr (bp_limit_get_title (child), ==, "Bright Pattern Integration");
          g_assert_cmpint (bp_limit_get_max (child), ==, 0);
          g_assert_cmpfloat (bp_limit_get_fraction (child), ==, 0.0);
          g_assert_null (bp_limit_get_children (child));
        }
    }
  g_assert_true (has_integration_app);

  permission_sets = bp_limits_lookup (limits, "PermissionSets");
  g_assert_nonnull (permission_sets);
  child = child_at (permission_sets, 0);
  g_assert_cmpstr (bp_limit_get_name (child), ==, "CreateCustom");
  g_assert_cmpstr (bp_limit_get_title (child), ==, "Create Custom");
  g_assert_cmpint (bp_limit_get_used (child), ==, 5);

  /* Over its maximum: Remaining −2 of 5. */
  storage = bp_limits_lookup (limits, "DataStorageMB");
  g_assert_nonnull (storage);
  g_assert_cmpstr (bp_limit_get_title (storage), ==, "Data Storage (MB)");
  g_assert_cmpint (bp_limit_get_used (storage), ==, 7);
  g_assert_cmpfloat_with_epsilon (bp_limit_get_fraction (storage), 1.4, 1e-9);
  g_assert_cmpint (bp_limit_get_level (storage), ==, BP_LIMIT_LEVEL_CRITICAL);
  g_assert_true (bp_limits_get_most_used (limits) == storage);

  /* Limits without children have none. */
  g_assert_null (bp_limit_get_children (storage));
  g_assert_cmpstr (bp_limit_get_title (bp_limits_lookup (limits, "HourlyODataCallout")), ==,
                   "Hourly OData Callout");
}

static void
test_nested_children (void)
{
  g_autoptr(BpLimits) limits = NULL;
  BpLimit *api, *child;

  limits = parse_ok ("{\"DailyApiRequests\": {\"Max\": 1000, \"Remaining\": 100,"
                     "  \"Scenario Engine\": {\"Max\": 500, \"Remaining\": 20},"
                     "  \"Reports\": {\"Max\": 0, \"Remaining\": 0,"
                     "    \"Deeper\": {\"Max\": 1, \"Remaining\": 0}},"
                     "  \"Broken App\": {\"Max\": 10},"
                     "  \"Label\": \"not a limit\","
                     "  \"Options\": {\"enabled\": true}},"
                     " \"SingleEmail\": {\"Max\": 15, \"Remaining\": 15}}");

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (limits)), ==, 2);
  api = bp_limits_lookup (limits, "DailyApiRequests");
  g_assert_cmpuint (g_list_model_get_n_items (bp_limit_get_children (api)), ==, 2);
  child = child_at (api, 0);
  g_assert_cmpstr (bp_limit_get_name (child), ==, "Scenario Engine");
  g_assert_cmpint (bp_limit_get_used (child), ==, 480);
  child = child_at (api, 1);
  g_assert_cmpstr (bp_limit_get_name (child), ==, "Reports");
  /* One level deep only: "Deeper" is ignored. */
  g_assert_null (bp_limit_get_children (child));
  /* "Broken App" has Max and no Remaining: skipped and counted. */
  g_assert_cmpuint (bp_limits_get_n_skipped (limits), ==, 1);
  g_assert_null (bp_limit_get_children (bp_limits_lookup (limits, "SingleEmail")));
  g_assert_true (g_list_model_get_item_type (bp_limit_get_children (api)) == BP_TYPE_LIMIT);
}

static void
test_numeric_strings (void)
{
  g_autoptr(BpLimits) limits = NULL;
  BpLimit *limit;

  limits = parse_ok ("{\"DailyApiRequests\": {\"Max\": \"15000\", \"Remaining\": \"14000\"},"
                     " \"DataStorageMB\": {\"Max\": \"5\", \"Remaining\": \"-2\"},"
                     " \"Mixed\": {\"Max\": 100, \"Remaining\": \"40\"},"
                     " \"Float\": {\"Max\": 100.0, \"Remaining\": 25.0},"
                     " \"Spaced\": {\"Max\": \" 100\", \"Remaining\": \"1\"},"
                     " \"Exponent\": {\"Max\": \"1e3\", \"Remaining\": \"1\"},"
                     " \"Hex\": {\"Max\": \"0x10\", \"Remaining\": \"1\"},"
                     " \"Plus\": {\"Max\": \"+10\", \"Remaining\": \"1\"},"
                     " \"Words\": {\"Max\": \"lots\", \"Remaining\": \"1\"},"
                     " \"Empty\": {\"Max\": \"\", \"Remaining\": \"1\"}}");

  limit = bp_limits_lookup (limits, "DailyApiRequests");
  g_assert_cmpint (bp_limit_get_used (limit), ==, 1000);
  limit = bp_limits_lookup (limits, "DataStorageMB");
  g_assert_cmpint (bp_limit_get_remaining (limit), ==, -2);
  g_assert_cmpint (bp_limit_get_used (limit), ==, 7);
  limit = bp_limits_lookup (limits, "Mixed");
  g_assert_cmpint (bp_limit_get_used (limit), ==, 60);
  limit = bp_limits_lookup (limits, "Float");
  g_assert_cmpint (bp_limit_get_used (limit), ==, 75);

  /* Decimal digits only. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (limits)), ==, 4);
  g_assert_cmpuint (bp_limits_get_n_skipped (limits), ==, 6);
}

static void
test_over_maximum (void)
{
  g_autoptr(BpLimits) limits = parse_ok ("{\"HourlyODataCallout\": {\"Max\": 100, \"Remaining\": -12}}");
  BpLimit *limit = bp_limits_lookup (limits, "HourlyODataCallout");

  g_assert_cmpint (bp_limit_get_used (limit), ==, 112);
  g_assert_cmpfloat (bp_limit_get_fraction (limit), >, 1.0);
  g_assert_cmpfloat_with_epsilon (bp_limit_get_fraction (limit), 1.12, 1e-9);
  g_assert_cmpint (bp_limit_get_percent (limit), ==, 112);
  g_assert_cmpint (bp_limit_get_level (limit), ==, BP_LIMIT_LEVEL_CRITICAL);
}

static void
test_max_zero (void)
{
  g_autoptr(BpLimits) limits = parse_ok ("{\"MassEmail\": {\"Max\": 0, \"Remaining\": 0},"
                                         " \"Odd\": {\"Max\": 0, \"Remaining\": -3}}");
  BpLimit *limit = bp_limits_lookup (limits, "MassEmail");

  g_assert_cmpint (bp_limit_get_used (limit), ==, 0);
  g_assert_cmpfloat (bp_limit_get_fraction (limit), ==, 0.0);
  g_assert_cmpint (bp_limit_get_percent (limit), ==, 0);
  g_assert_cmpint (bp_limit_get_level (limit), ==, BP_LIMIT_LEVEL_NORMAL);

  /* Used without a maximum: still no fraction (no division by zero). */
  limit = bp_limits_lookup (limits, "Odd");
  g_assert_cmpint (bp_limit_get_used (limit), ==, 3);
  g_assert_cmpfloat (bp_limit_get_fraction (limit), ==, 0.0);
}

/* A name that json-glib decodes to bytes that are not UTF-8 (a lone
 * surrogate escape) is skipped: it would reach a label and the CSV export
 * (found by tests/fuzz/fuzz-limits). */
static void
test_name_not_text (void)
{
  g_autoptr(BpLimits) limits = NULL;
  g_autofree char *csv = NULL;

  limits = parse_ok ("{\"Good\": {\"Max\": 10, \"Remaining\": 5},"
                     " \"Bad\\ud9a001\": {\"Max\": 10, \"Remaining\": 5,"
                     "   \"Child\\ud9a1x\": {\"Max\": 1, \"Remaining\": 1}},"
                     " \"Parent\": {\"Max\": 10, \"Remaining\": 5,"
                     "   \"Child\\ud9a1x\": {\"Max\": 1, \"Remaining\": 1}}}");

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (limits)), ==, 2);
  g_assert_nonnull (bp_limits_lookup (limits, "Good"));
  g_assert_null (bp_limit_get_children (bp_limits_lookup (limits, "Parent")));
  g_assert_cmpuint (bp_limits_get_n_skipped (limits), ==, 2);
  csv = bp_limits_to_csv (limits);
  g_assert_true (g_utf8_validate (csv, -1, NULL));
}

static void
test_malformed_skipped (void)
{
  g_autoptr(BpLimits) limits = NULL;

  limits = parse_ok ("{\"Good\": {\"Max\": 10, \"Remaining\": 5},"
                     " \"NoRemaining\": {\"Max\": 10},"
                     " \"NoMax\": {\"Remaining\": 10},"
                     " \"NullMax\": {\"Max\": null, \"Remaining\": 1},"
                     " \"BoolMax\": {\"Max\": true, \"Remaining\": 1},"
                     " \"ArrayMax\": {\"Max\": [1], \"Remaining\": 1},"
                     " \"ObjectMax\": {\"Max\": {\"n\": 1}, \"Remaining\": 1},"
                     " \"FractionMax\": {\"Max\": 1.5, \"Remaining\": 1},"
                     " \"NegativeMax\": {\"Max\": -1, \"Remaining\": 1},"
                     " \"HugeMax\": {\"Max\": 1e300, \"Remaining\": 1},"
                     " \"TooBigMax\": {\"Max\": 9223372036854775807, \"Remaining\": 1},"
                     " \"TooBigString\": {\"Max\": \"99999999999999999999999\", \"Remaining\": 1},"
                     " \"Text\": \"ignored\","
                     " \"Number\": 42,"
                     " \"List\": [{\"Max\": 1, \"Remaining\": 1}],"
                     " \"Nothing\": null,"
                     " \"Settings\": {\"max\": 1, \"remaining\": 1},"
                     " \"Empty\": {}}");

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (limits)), ==, 1);
  g_assert_nonnull (bp_limits_lookup (limits, "Good"));
  /* Objects with a Max or a Remaining that could not be read are counted;
   * other members (not objects, or objects without either) are not limits. */
  g_assert_cmpuint (bp_limits_get_n_skipped (limits), ==, 11);
  g_assert_null (bp_limits_lookup (limits, "Settings"));
  g_assert_null (bp_limits_lookup (limits, "List"));
}

static void
test_empty_object (void)
{
  g_autoptr(BpLimits) limits = parse_ok (" { } ");

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (limits)), ==, 0);
  g_assert_cmpuint (bp_limits_get_n_skipped (limits), ==, 0);
  g_assert_null (bp_limits_get_most_used (limits));
  g_assert_cmpuint (bp_limits_count_at_least (limits, 0.0), ==, 0);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (limits), 0));
}

static void
assert_not_limits (const char *data,
                   gsize       length)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BpLimits) limits = bp_limits_new_from_json (data, length, &error);

  g_assert_null (limits);
  g_assert_error (error, BP_ERROR, BP_ERROR_SALESFORCE);
  g_assert_nonnull (strstr (error->message, "limits"));
}

static void
test_not_an_object (void)
{
  static const char * const bodies[] = {
    "[]",
    "[{\"DailyApiRequests\": {\"Max\": 1, \"Remaining\": 1}}]",
    "\"DailyApiRequests\"",
    "42",
    "null",
    "true",
    "garbage",
    "<!DOCTYPE html><html><body>Down for maintenance</body></html>",
    "{",
    "{\"DailyApiRequests\": {\"Max\": 1, \"Remaining\": 1}",
    "{\"a\": }",
    "   ",
    "\xff\xfe{}",
    "{\"\xc3\x28\": {\"Max\": 1, \"Remaining\": 1}}",
  };
  g_autoptr(GString) deep = g_string_new (NULL);
  static const char with_nul[] = "{\"A\": {\"Max\": 1, \"Remaining\": 1}}\0{}";

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    assert_not_limits (bodies[i], strlen (bodies[i]));

  assert_not_limits ("", 0);
  assert_not_limits (NULL, 0);
  assert_not_limits (with_nul, sizeof with_nul - 1);

  /* Nesting deep enough to exhaust a recursive parser's stack. */
  for (guint i = 0; i < 200000; i++)
    g_string_append_c (deep, '[');
  for (guint i = 0; i < 200000; i++)
    g_string_append_c (deep, ']');
  assert_not_limits (deep->str, deep->len);

  /* But a string full of brackets is just a string. */
  g_string_assign (deep, "{\"Note\": \"");
  for (guint i = 0; i < 1000; i++)
    g_string_append (deep, "[{");
  g_string_append (deep, "\\\"\", \"A\": {\"Max\": 2, \"Remaining\": 1}}");
  {
    g_autoptr(BpLimits) limits = parse_ok (deep->str);

    g_assert_nonnull (bp_limits_lookup (limits, "A"));
  }
}

static void
test_many_limits (void)
{
  g_autoptr(GString) body = g_string_new ("{");
  g_autoptr(BpLimits) limits = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start;
  gint64 elapsed;

  for (guint i = 0; i < 5000; i++)
    g_string_append_printf (body, "%s\"HourlyGeneratedLimit%uMB\": {\"Max\": %u, \"Remaining\": %u,"
                            " \"App %u\": {\"Max\": 10, \"Remaining\": 1}}",
                            i > 0 ? "," : "", i, 10000 + i, i, i);
  g_string_append_c (body, '}');

  start = g_get_monotonic_time ();
  limits = bp_limits_new_from_json (body->str, body->len, &error);
  elapsed = g_get_monotonic_time () - start;

  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (limits)), ==, 5000);
  g_assert_cmpstr (bp_limit_get_title (bp_limits_lookup (limits, "HourlyGeneratedLimit4999MB")), ==,
                   "Hourly Generated Limit 4999 (MB)");
  /* The least remaining is the most used. */
  g_assert_cmpstr (bp_limit_get_name (bp_limits_get_most_used (limits)), ==, "HourlyGeneratedLimit0MB");
  g_test_message ("5,000 limits with children parsed in %" G_GINT64_FORMAT " ms", elapsed / 1000);
  g_assert_cmpint (elapsed, <, 2 * G_USEC_PER_SEC * bp_test_time_factor ());
}

static void
test_titles (void)
{
  static const struct
  {
    const char *name;
    const char *title;
  } titles[] = {
    { "DailyApiRequests", "Daily API Requests" },
    { "HourlyODataCallout", "Hourly OData Callout" },
    { "DataStorageMB", "Data Storage (MB)" },
    { "FileStorageMB", "File Storage (MB)" },
    { "DailyAsyncApexExecutions", "Daily Async Apex Executions" },
    { "AnalyticsExternalDataSizeMB", "Analytics External Data Size (MB)" },
    { "ConcurrentAsyncGetReportInstances", "Concurrent Async Get Report Instances" },
    { "DailyBulkV2QueryFileStorageMB", "Daily Bulk V2 Query File Storage (MB)" },
    { "DailyBulkV2QueryJobs", "Daily Bulk V2 Query Jobs" },
    { "DailyDurableGenericStreamingApiEvents", "Daily Durable Generic Streaming API Events" },
    { "DailyEinsteinDiscoveryPredictAPICalls", "Daily Einstein Discovery Predict API Calls" },
    { "DailyEinsteinDiscoveryPredictionsByCDC", "Daily Einstein Discovery Predictions By CDC" },
    { "DailyFunctionsApiCallLimit", "Daily Functions API Call Limit" },
    { "DurableStreamingApiConcurrentClients", "Durable Streaming API Concurrent Clients" },
    { "HourlyLongTermIdMapping", "Hourly Long Term ID Mapping" },
    { "HourlyShortTermIdMapping", "Hourly Short Term ID Mapping" },
    { "HourlyTimeBasedWorkflow", "Hourly Time Based Workflow" },
    { "MaxContentDocumentsLimit", "Max Content Documents Limit" },
    { "MonthlyPlatformEventsUsageEntitlement", "Monthly Platform Events Usage Entitlement" },
    { "Package2VersionCreates", "Package 2 Version Creates" },
    { "PermissionSets", "Permission Sets" },
    { "CreateCustom", "Create Custom" },
    { "PrivateConnectOutboundCalloutHourlyLimitMB", "Private Connect Outbound Callout Hourly Limit (MB)" },
    { "StreamingApiConcurrentClients", "Streaming API Concurrent Clients" },
    { "CdpAiInferenceApiMonthlyLimit", "CDP AI Inference API Monthly Limit" },
    { "DailySoqlQueries", "Daily SOQL Queries" },
    { "HourlyDmlRows", "Hourly DML Rows" },
    { "MaxUrlLength", "Max URL Length" },
    { "SOQLQueries", "SOQL Queries" },
    { "SingleEmail", "Single Email" },
    { "Idle", "Idle" },
    { "MB", "MB" },
    { "lowerCamelCase", "Lower Camel Case" },
    { "X", "X" },
    { "42", "42" },
    { "", "" },
    /* Not identifiers: connected apps' names stay as they are. */
    { "Salesforce for Outlook", "Salesforce for Outlook" },
    { "Bright Pattern Integration", "Bright Pattern Integration" },
    { "my_app_v2", "my_app_v2" },
    { "Ünïcode", "Ünïcode" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    {
      g_autofree char *title = bp_limit_name_to_title (titles[i].name);
      g_autoptr(BpLimit) limit = bp_limit_new (titles[i].name, 1, 1);

      g_assert_cmpstr (title, ==, titles[i].title);
      g_assert_cmpstr (bp_limit_get_title (limit), ==, titles[i].title);
    }
}

static void
test_levels_and_percent (void)
{
  static const struct
  {
    gint64       max;
    gint64       remaining;
    int          percent;
    BpLimitLevel level;
  } cases[] = {
    { 100, 21, 79, BP_LIMIT_LEVEL_NORMAL },
    { 15000, 3001, 79, BP_LIMIT_LEVEL_NORMAL },       /* 79.99 %: not yet 80 */
    { 100, 20, 80, BP_LIMIT_LEVEL_WARNING },
    { 15000, 3000, 80, BP_LIMIT_LEVEL_WARNING },
    { 100, 6, 94, BP_LIMIT_LEVEL_WARNING },
    { 100, 5, 95, BP_LIMIT_LEVEL_CRITICAL },
    { 100, 0, 100, BP_LIMIT_LEVEL_CRITICAL },
    { 100, -12, 112, BP_LIMIT_LEVEL_CRITICAL },
    { 100, 71, 29, BP_LIMIT_LEVEL_NORMAL },           /* 0.29 × 100 is 28.999… in doubles */
    { 10, 12, -20, BP_LIMIT_LEVEL_NORMAL },           /* more left than the maximum */
    { 0, 0, 0, BP_LIMIT_LEVEL_NORMAL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(BpLimit) limit = bp_limit_new ("Limit", cases[i].max, cases[i].remaining);

      g_assert_cmpint (bp_limit_get_percent (limit), ==, cases[i].percent);
      g_assert_cmpint (bp_limit_get_level (limit), ==, cases[i].level);
    }
}

static void
test_compare_usage (void)
{
  g_autoptr(BpLimits) limits = NULL;
  g_autoptr(GPtrArray) sorted = g_ptr_array_new ();
  static const char * const expected[] = { "Over", "Full", "HalfBig", "HalfA", "HalfB", "None", "Zero" };

  limits = parse_ok ("{\"HalfB\": {\"Max\": 10, \"Remaining\": 5},"
                     " \"Zero\": {\"Max\": 0, \"Remaining\": 0},"
                     " \"Full\": {\"Max\": 10, \"Remaining\": 0},"
                     " \"HalfA\": {\"Max\": 10, \"Remaining\": 5},"
                     " \"None\": {\"Max\": 10, \"Remaining\": 10},"
                     " \"Over\": {\"Max\": 10, \"Remaining\": -1},"
                     " \"HalfBig\": {\"Max\": 1000, \"Remaining\": 500}}");

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (limits)); i++)
    g_ptr_array_add (sorted, bp_limits_lookup (limits, expected[i]));

  /* Most used first; equal fractions by used, then by name. */
  for (guint i = 0; i < sorted->len; i++)
    for (guint j = 0; j < sorted->len; j++)
      {
        int order = bp_limit_compare_usage (sorted->pdata[i], sorted->pdata[j]);

        if (i < j)
          g_assert_cmpint (order, <, 0);
        else if (i > j)
          g_assert_cmpint (order, >, 0);
        else
          g_assert_cmpint (order, ==, 0);
      }

  g_assert_cmpstr (bp_limit_get_name (bp_limits_get_most_used (limits)), ==, "Over");
  g_assert_cmpuint (bp_limits_count_at_least (limits, BP_LIMIT_WARNING_FRACTION), ==, 2);
  g_assert_cmpuint (bp_limits_count_at_least (limits, 0.5), ==, 5);
}

static void
notify_count_cb (GObject    *object,
                 GParamSpec *pspec,
                 gpointer    user_data)
{
  (*(guint *) user_data)++;
}

static void
test_metadata (void)
{
  g_autoptr(BpLimits) limits = parse_ok ("{}");
  g_autoptr(GDateTime) when = g_date_time_new_utc (2025, 3, 14, 9, 26, 53);
  g_autoptr(GDateTime) same = g_date_time_new_utc (2025, 3, 14, 9, 26, 53);
  guint notified = 0;

  g_assert_null (bp_limits_get_instance_url (limits));
  g_assert_null (bp_limits_get_api_version (limits));
  g_signal_connect (limits, "notify", G_CALLBACK (notify_count_cb), &notified);

  bp_limits_set_instance_url (limits, "https://acme.my.salesforce.com");
  bp_limits_set_instance_url (limits, "https://acme.my.salesforce.com");
  bp_limits_set_api_version (limits, "63.0");
  bp_limits_set_fetched_at (limits, when);
  bp_limits_set_fetched_at (limits, same);
  g_assert_cmpuint (notified, ==, 3);

  g_assert_cmpstr (bp_limits_get_instance_url (limits), ==, "https://acme.my.salesforce.com");
  g_assert_cmpstr (bp_limits_get_api_version (limits), ==, "63.0");
  g_assert_true (g_date_time_equal (bp_limits_get_fetched_at (limits), when));
}

static void
test_csv (void)
{
  g_autoptr(BpLimits) limits = NULL;
  g_autofree char *csv = NULL;

  limits = parse_ok ("{\"DailyApiRequests\": {\"Max\": 15000, \"Remaining\": 14016,"
                     "   \"Bright Pattern, \\\"BP\\\"\": {\"Max\": 0, \"Remaining\": 0},"
                     "   \"=HYPERLINK(1)\": {\"Max\": 0, \"Remaining\": 0}},"
                     " \"DataStorageMB\": {\"Max\": 5, \"Remaining\": -2}}");
  csv = bp_limits_to_csv (limits);

  g_assert_cmpstr (csv, ==,
                   "Name,Title,Parent,Used,Max,Remaining,Percent used\r\n"
                   "DailyApiRequests,Daily API Requests,,984,15000,14016,6\r\n"
                   "\"Bright Pattern, \"\"BP\"\"\",\"Bright Pattern, \"\"BP\"\"\",DailyApiRequests,0,0,0,0\r\n"
                   "\"'=HYPERLINK(1)\",\"'=HYPERLINK(1)\",DailyApiRequests,0,0,0,0\r\n"
                   "DataStorageMB,Data Storage (MB),,7,5,-2,140\r\n");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/limits/emulator-body", test_emulator_body);
  g_test_add_func ("/limits/nested-children", test_nested_children);
  g_test_add_func ("/limits/numeric-strings", test_numeric_strings);
  g_test_add_func ("/limits/over-maximum", test_over_maximum);
  g_test_add_func ("/limits/max-zero", test_max_zero);
  g_test_add_func ("/limits/malformed-skipped", test_malformed_skipped);
  g_test_add_func ("/limits/name-not-text", test_name_not_text);
  g_test_add_func ("/limits/empty-object", test_empty_object);
  g_test_add_func ("/limits/not-an-object", test_not_an_object);
  g_test_add_func ("/limits/many-limits", test_many_limits);
  g_test_add_func ("/limits/titles", test_titles);
  g_test_add_func ("/limits/levels-and-percent", test_levels_and_percent);
  g_test_add_func ("/limits/compare-usage", test_compare_usage);
  g_test_add_func ("/limits/metadata", test_metadata);
  g_test_add_func ("/limits/csv", test_csv);

  return g_test_run ();
}

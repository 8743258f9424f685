/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fuzz-limits"

#include "config.h"

#include <string.h>

#include "bp-error.h"
#include "bp-fuzz.h"
#include "bp-limits.h"

/* The body of `GET /services/data/vXX.X/limits/`: an open set of members
 * that grows with every Salesforce release. Besides not crashing: every
 * limit kept has sane numbers, the order by usage is a total order, and the
 * CSV export (whose text a spreadsheet opens) is valid UTF-8. */

static void
check_limit (BpLimit *limit)
{
  GListModel *children = bp_limit_get_children (limit);
  int percent = bp_limit_get_percent (limit);

  g_assert_nonnull (bp_limit_get_name (limit));
  g_assert_nonnull (bp_limit_get_title (limit));
  g_assert_cmpint (bp_limit_get_max (limit), <=, BP_LIMIT_MAX_VALUE);
  g_assert_cmpint (bp_limit_get_remaining (limit), <=, BP_LIMIT_MAX_VALUE);
  g_assert_cmpint (bp_limit_get_used (limit), ==, bp_limit_get_max (limit) - bp_limit_get_remaining (limit));
  /* Negative only when Remaining exceeds Max (bp_limit_get_percent() rounds down). */
  if (bp_limit_get_used (limit) >= 0)
    g_assert_cmpint (percent, >=, 0);
  g_assert_cmpint (bp_limit_compare_usage (limit, limit), ==, 0);
  (void) bp_limit_get_level (limit);

  if (children != NULL)
    {
      g_assert_cmpuint (g_list_model_get_n_items (children), >, 0);
      for (guint i = 0; i < g_list_model_get_n_items (children); i++)
        {
          g_autoptr(BpLimit) child = g_list_model_get_item (children, i);

          g_assert_nonnull (bp_limit_get_name (child));
          g_assert_null (bp_limit_get_children (child));
        }
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(BpLimits) limits = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *csv = NULL;
  BpLimit *most_used;
  guint n_items;

  bp_fuzz_init ();

  limits = bp_limits_new_from_json ((const char *) data, size, &error);
  if (limits == NULL)
    {
      g_assert_error (error, BP_ERROR, BP_ERROR_SALESFORCE);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      return 0;
    }

  g_assert_no_error (error);
  n_items = g_list_model_get_n_items (G_LIST_MODEL (limits));
  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(BpLimit) limit = g_list_model_get_item (G_LIST_MODEL (limits), i);
      g_autoptr(BpLimit) previous = i > 0 ? g_list_model_get_item (G_LIST_MODEL (limits), i - 1) : NULL;

      check_limit (limit);
      g_assert_true (bp_limits_lookup (limits, bp_limit_get_name (limit)) != NULL);
      if (previous != NULL)
        g_assert_cmpint (bp_limit_compare_usage (limit, previous), ==, -bp_limit_compare_usage (previous, limit));
    }

  most_used = bp_limits_get_most_used (limits);
  g_assert_true ((most_used == NULL) == (n_items == 0));
  g_assert_cmpuint (bp_limits_count_at_least (limits, 0.0), <=, n_items);

  csv = bp_limits_to_csv (limits);
  g_assert_true (g_utf8_validate (csv, -1, NULL));

  return 0;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-limits-report"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "bp-limits-report.h"
#include "bp-text-table.h"

enum {
  COLUMN_LIMIT,
  COLUMN_USED,
  COLUMN_MAX,
  COLUMN_REMAINING,
  COLUMN_PERCENT,
  COLUMN_WARNING,
  N_COLUMNS
};

static int
compare_usage_cb (gconstpointer a,
                  gconstpointer b)
{
  return bp_limit_compare_usage (*(BpLimit **) a, *(BpLimit **) b);
}

/* Returns: (transfer container) (element-type BpLimit): @model most used first. */
static GPtrArray *
sort_by_usage (GListModel *model)
{
  GPtrArray *sorted = g_ptr_array_new_with_free_func (g_object_unref);
  guint n_items = model != NULL ? g_list_model_get_n_items (model) : 0;

  for (guint i = 0; i < n_items; i++)
    g_ptr_array_add (sorted, g_list_model_get_item (model, i));
  g_ptr_array_sort (sorted, compare_usage_cb);

  return sorted;
}

gboolean
bp_limits_report_is_above (BpLimit *limit,
                           double   warn_above)
{
  g_return_val_if_fail (BP_IS_LIMIT (limit), FALSE);

  return warn_above >= 0 && bp_limit_get_max (limit) > 0
         && bp_limit_get_fraction (limit) * 100.0 > warn_above;
}

/* @value rounded to @decimals places, half away from zero (no libm). */
static double
round_to (double value,
          int    decimals)
{
  double scale = 1.0;

  for (int i = 0; i < decimals; i++)
    scale *= 10.0;

  if (value < 0)
    return -(double) (gint64) (-value * scale + 0.5) / scale;
  return (double) (gint64) (value * scale + 0.5) / scale;
}

/* A percent as people write it: no decimals when it is whole. */
static char *
format_percent (double percent)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  if (percent == (double) (gint64) percent)
    return g_strdup_printf ("%.0f", percent);

  return g_strdup (g_ascii_formatd (buffer, sizeof buffer, "%.1f", percent));
}

static char *
format_timestamp (GDateTime *time)
{
  g_autoptr(GDateTime) utc = g_date_time_to_utc (time);

  return g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
}

static void
add_limit_row (BpTextTable *table,
               BpLimit     *limit,
               gboolean     is_child,
               double       warn_above)
{
  g_autofree char *title = g_strconcat (is_child ? "  " : "", bp_limit_get_title (limit), NULL);
  g_autofree char *used = g_strdup_printf ("%" G_GINT64_FORMAT, bp_limit_get_used (limit));
  g_autofree char *max = g_strdup_printf ("%" G_GINT64_FORMAT, bp_limit_get_max (limit));
  g_autofree char *remaining = g_strdup_printf ("%" G_GINT64_FORMAT, bp_limit_get_remaining (limit));
  g_autofree char *percent = g_strdup_printf ("%d %%", bp_limit_get_percent (limit));
  g_autofree char *threshold = format_percent (warn_above);
  g_autofree char *warning = NULL;
  const char *cells[N_COLUMNS] = { title, used, max, remaining, percent, NULL };

  if (bp_limits_report_is_above (limit, warn_above))
    {
      /* TRANSLATORS: the limit is used above the --warn-above threshold, e.g. "above 80 %" */
      warning = g_strdup_printf (_("above %s %%"), threshold);
      cells[COLUMN_WARNING] = warning;
    }

  bp_text_table_add_row (table, cells);
}

char *
bp_limits_report_to_text (BpLimits   *limits,
                          const char *account_name,
                          double      warn_above)
{
  g_autoptr(BpTextTable) table = bp_text_table_new (N_COLUMNS);
  g_autoptr(GPtrArray) sorted = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *name = NULL;
  g_autofree char *fetched_at = NULL;
  g_autofree char *rows = NULL;

  g_return_val_if_fail (BP_IS_LIMITS (limits), NULL);
  g_return_val_if_fail (account_name != NULL, NULL);

  name = bp_text_make_printable (account_name);
  fetched_at = format_timestamp (bp_limits_get_fetched_at (limits));

  if (bp_limits_get_instance_url (limits) != NULL)
    {
      g_autofree char *instance = bp_text_make_printable (bp_limits_get_instance_url (limits));

      g_string_append_printf (text, _("Org limits of “%s” at %s, API %s, fetched %s"),
                              name, instance,
                              bp_limits_get_api_version (limits) != NULL ? bp_limits_get_api_version (limits) : "?",
                              fetched_at);
    }
  else
    {
      g_string_append_printf (text, _("Org limits of “%s”, fetched %s"), name, fetched_at);
    }
  g_string_append (text, "\n\n");

  sorted = sort_by_usage (G_LIST_MODEL (limits));
  if (sorted->len == 0)
    {
      g_string_append_printf (text, "%s\n", _("Salesforce sent no limits."));
      return g_string_free (g_steal_pointer (&text), FALSE);
    }

  bp_text_table_set_column (table, COLUMN_LIMIT, _("Limit"), BP_TEXT_ALIGN_START);
  bp_text_table_set_column (table, COLUMN_USED, _("Used"), BP_TEXT_ALIGN_END);
  bp_text_table_set_column (table, COLUMN_MAX, _("Max"), BP_TEXT_ALIGN_END);
  bp_text_table_set_column (table, COLUMN_REMAINING, _("Remaining"), BP_TEXT_ALIGN_END);
  bp_text_table_set_column (table, COLUMN_PERCENT, _("Usage"), BP_TEXT_ALIGN_END);
  bp_text_table_set_column (table, COLUMN_WARNING, "", BP_TEXT_ALIGN_START);

  for (guint i = 0; i < sorted->len; i++)
    {
      BpLimit *limit = g_ptr_array_index (sorted, i);
      g_autoptr(GPtrArray) children = sort_by_usage (bp_limit_get_children (limit));

      add_limit_row (table, limit, FALSE, warn_above);
      for (guint j = 0; j < children->len; j++)
        add_limit_row (table, g_ptr_array_index (children, j), TRUE, warn_above);
    }

  rows = bp_text_table_to_string (table);
  g_string_append (text, rows);

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static JsonObject *
limit_to_json (BpLimit *limit,
               double   warn_above,
               gboolean with_children)
{
  JsonObject *object = json_object_new ();
  double percent = round_to (bp_limit_get_fraction (limit) * 100.0, 2);

  json_object_set_string_member (object, "name", bp_limit_get_name (limit));
  json_object_set_string_member (object, "title", bp_limit_get_title (limit));
  json_object_set_int_member (object, "max", bp_limit_get_max (limit));
  json_object_set_int_member (object, "remaining", bp_limit_get_remaining (limit));
  json_object_set_int_member (object, "used", bp_limit_get_used (limit));
  json_object_set_double_member (object, "percent", percent);
  json_object_set_boolean_member (object, "above-threshold", bp_limits_report_is_above (limit, warn_above));

  if (with_children)
    {
      g_autoptr(GPtrArray) children = sort_by_usage (bp_limit_get_children (limit));
      JsonArray *array = json_array_sized_new (children->len);

      for (guint i = 0; i < children->len; i++)
        json_array_add_object_element (array, limit_to_json (g_ptr_array_index (children, i), warn_above, FALSE));
      json_object_set_array_member (object, "children", array);
    }

  return object;
}

char *
bp_limits_report_to_json (BpLimits   *limits,
                          const char *account_name,
                          double      warn_above)
{
  g_autoptr(JsonObject) root = json_object_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(GPtrArray) sorted = NULL;
  g_autofree char *fetched_at = NULL;
  g_autofree char *text = NULL;
  JsonArray *array;

  g_return_val_if_fail (BP_IS_LIMITS (limits), NULL);
  g_return_val_if_fail (account_name != NULL, NULL);

  fetched_at = format_timestamp (bp_limits_get_fetched_at (limits));

  json_object_set_string_member (root, "account", account_name);
  if (bp_limits_get_instance_url (limits) != NULL)
    json_object_set_string_member (root, "instance-url", bp_limits_get_instance_url (limits));
  else
    json_object_set_null_member (root, "instance-url");
  if (bp_limits_get_api_version (limits) != NULL)
    json_object_set_string_member (root, "api-version", bp_limits_get_api_version (limits));
  else
    json_object_set_null_member (root, "api-version");
  json_object_set_string_member (root, "fetched-at", fetched_at);
  if (warn_above >= 0)
    json_object_set_double_member (root, "warn-above", warn_above);
  else
    json_object_set_null_member (root, "warn-above");

  sorted = sort_by_usage (G_LIST_MODEL (limits));
  array = json_array_sized_new (sorted->len);
  for (guint i = 0; i < sorted->len; i++)
    json_array_add_object_element (array, limit_to_json (g_ptr_array_index (sorted, i), warn_above, TRUE));
  json_object_set_array_member (root, "limits", array);

  json_node_set_object (node, root);
  json_generator_set_root (generator, node);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  text = json_generator_to_data (generator, NULL);

  return g_strconcat (text, "\n", NULL);
}

static void
append_above (GString *text,
              BpLimit *limit,
              BpLimit *parent,
              double   warn_above,
              guint   *count)
{
  g_autofree char *percent = NULL;
  g_autofree char *threshold = NULL;
  g_autofree char *title = NULL;
  g_autofree char *used = NULL;
  g_autofree char *max = NULL;

  if (!bp_limits_report_is_above (limit, warn_above))
    return;

  (*count)++;
  percent = format_percent (round_to (bp_limit_get_fraction (limit) * 100.0, 1));
  threshold = format_percent (warn_above);

  if (parent != NULL)
    title = g_strdup_printf ("%s / %s", bp_limit_get_title (parent), bp_limit_get_title (limit));
  else
    title = g_strdup (bp_limit_get_title (limit));

  used = g_strdup_printf ("%" G_GINT64_FORMAT, bp_limit_get_used (limit));
  max = g_strdup_printf ("%" G_GINT64_FORMAT, bp_limit_get_max (limit));
  g_string_append_printf (text,
                          /* TRANSLATORS: "Daily API Requests: 85 % used (85000 of 100000), above 80 %" */
                          _("%s: %s %% used (%s of %s), above %s %%"),
                          title, percent, used, max, threshold);
  g_string_append_c (text, '\n');
}

char *
bp_limits_report_list_above (BpLimits *limits,
                             double    warn_above,
                             guint    *n_above)
{
  g_autoptr(GPtrArray) sorted = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  guint count = 0;

  g_return_val_if_fail (BP_IS_LIMITS (limits), NULL);

  sorted = sort_by_usage (G_LIST_MODEL (limits));
  for (guint i = 0; i < sorted->len; i++)
    {
      BpLimit *limit = g_ptr_array_index (sorted, i);
      g_autoptr(GPtrArray) children = sort_by_usage (bp_limit_get_children (limit));

      append_above (text, limit, NULL, warn_above, &count);
      for (guint j = 0; j < children->len; j++)
        append_above (text, g_ptr_array_index (children, j), limit, warn_above, &count);
    }

  if (n_above != NULL)
    *n_above = count;

  if (count == 0)
    return NULL;

  return g_string_free (g_steal_pointer (&text), FALSE);
}

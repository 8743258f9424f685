/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-limits"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "bp-error.h"
#include "bp-json.h"
#include "bp-limits.h"

/* A limits body is a few kilobytes; anything near this is not one. */
#define MAX_BODY_LENGTH (16 * 1024 * 1024)
/* Salesforce nests three levels (body → limit → per-app entry). Deeper
 * members are ignored, but json-glib recurses while parsing: refuse a body
 * that nests deeper than this before it gets there. */
#define MAX_NESTING 32

/* ------------------------------------------------------------------ */
/* Readable titles                                                     */

/* Words that Salesforce writes in mixed case but people write otherwise,
 * and words that the camel-case splitter would cut in two. Matched
 * case-sensitively at the start of a word, and only when a word boundary
 * follows ("Id" in "IdMapping", never in "Idle"). Words Salesforce already
 * writes in capitals (API, CDC, MB) need no entry: a run of capitals stays
 * one word. */
static const struct
{
  const char *word;
  const char *title;
} known_words[] = {
  { "OData", "OData" },
  { "OAuth", "OAuth" },
  { "Ai", "AI" },
  { "Api", "API" },
  { "Cdc", "CDC" },
  { "Cdp", "CDP" },
  { "Cpu", "CPU" },
  { "Dml", "DML" },
  { "Http", "HTTP" },
  { "Id", "ID" },
  { "Json", "JSON" },
  { "Soql", "SOQL" },
  { "Sosl", "SOSL" },
  { "Sms", "SMS" },
  { "Sso", "SSO" },
  { "Url", "URL" },
};

/* A unit as the last word becomes a suffix in parentheses. */
static const char * const unit_words[] = { "MB", "GB" };

static gboolean
is_word_boundary (const char *p)
{
  return *p == '\0' || g_ascii_isupper (*p) || g_ascii_isdigit (*p);
}

static gboolean
is_identifier (const char *name)
{
  for (const char *p = name; *p != '\0'; p++)
    {
      if (!g_ascii_isalnum (*p))
        return FALSE;
    }

  return TRUE;
}

static const char *
match_known_word (const char  *p,
                  gsize       *length)
{
  for (guint i = 0; i < G_N_ELEMENTS (known_words); i++)
    {
      gsize n = strlen (known_words[i].word);

      if (strncmp (p, known_words[i].word, n) == 0 && is_word_boundary (p + n))
        {
          *length = n;
          return known_words[i].title;
        }
    }

  return NULL;
}

/* The end of the word that starts at @start (not at the end of the name). */
static const char *
find_word_end (const char *start)
{
  const char *p = start;

  if (g_ascii_isdigit (*p))
    {
      while (g_ascii_isdigit (*p))
        p++;
      return p;
    }

  if (g_ascii_isupper (*p))
    {
      p++;

      /* "V2" in "BulkV2Query": one capital and its digits. */
      if (g_ascii_isdigit (*p))
        {
          while (g_ascii_isdigit (*p))
            p++;
          return p;
        }

      /* "API" in "PredictAPICalls": a run of capitals, except the last one
       * when it starts a lower-case word. */
      if (g_ascii_isupper (*p))
        {
          while (g_ascii_isupper (*p))
            p++;
          if (g_ascii_islower (*p))
            p--;
          return p;
        }
    }

  while (g_ascii_islower (*p))
    p++;

  return p;
}

char *
bp_limit_name_to_title (const char *name)
{
  g_autoptr(GPtrArray) words = NULL;
  g_autoptr(GString) title = NULL;
  const char *unit = NULL;
  const char *p;

  g_return_val_if_fail (name != NULL, NULL);

  /* Not an identifier: a connected app's name, already meant for people. */
  if (*name == '\0' || !is_identifier (name))
    return g_strdup (name);

  words = g_ptr_array_new_with_free_func (g_free);
  for (p = name; *p != '\0';)
    {
      const char *known;
      const char *end;
      gsize length;

      known = match_known_word (p, &length);
      if (known != NULL)
        {
          g_ptr_array_add (words, g_strdup (known));
          p += length;
          continue;
        }

      end = find_word_end (p);
      g_assert (end > p);
      g_ptr_array_add (words, g_strndup (p, end - p));
      p = end;
    }

  if (words->len > 1)
    {
      const char *last = g_ptr_array_index (words, words->len - 1);

      for (guint i = 0; i < G_N_ELEMENTS (unit_words); i++)
        {
          if (strcmp (last, unit_words[i]) == 0)
            unit = unit_words[i];
        }
    }

  title = g_string_new (NULL);
  for (guint i = 0; i < words->len - (unit != NULL ? 1 : 0); i++)
    {
      if (i > 0)
        g_string_append_c (title, ' ');
      g_string_append (title, g_ptr_array_index (words, i));
    }

  if (unit != NULL)
    g_string_append_printf (title, " (%s)", unit);

  title->str[0] = g_ascii_toupper (title->str[0]);

  return g_string_free (g_steal_pointer (&title), FALSE);
}

/* ------------------------------------------------------------------ */
/* BpLimit                                                             */

struct _BpLimit
{
  GObject     parent_instance;

  char       *name;
  char       *title;
  gint64      max;
  gint64      remaining;
  GListStore *children;   /* NULL when there are none */
};

G_DEFINE_FINAL_TYPE (BpLimit, bp_limit, G_TYPE_OBJECT)

enum {
  LIMIT_PROP_0,
  LIMIT_PROP_NAME,
  LIMIT_PROP_TITLE,
  LIMIT_PROP_MAX,
  LIMIT_PROP_REMAINING,
  LIMIT_PROP_USED,
  LIMIT_PROP_FRACTION,
  LIMIT_PROP_CHILDREN,
  LIMIT_N_PROPS
};

static GParamSpec *limit_properties[LIMIT_N_PROPS];

static void
bp_limit_constructed (GObject *object)
{
  BpLimit *self = BP_LIMIT (object);

  G_OBJECT_CLASS (bp_limit_parent_class)->constructed (object);

  if (self->name == NULL)
    self->name = g_strdup ("");
  self->title = bp_limit_name_to_title (self->name);
}

static void
bp_limit_finalize (GObject *object)
{
  BpLimit *self = BP_LIMIT (object);

  g_free (self->name);
  g_free (self->title);
  g_clear_object (&self->children);

  G_OBJECT_CLASS (bp_limit_parent_class)->finalize (object);
}

static void
bp_limit_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  BpLimit *self = BP_LIMIT (object);

  switch (prop_id)
    {
    case LIMIT_PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case LIMIT_PROP_TITLE:
      g_value_set_string (value, self->title);
      break;

    case LIMIT_PROP_MAX:
      g_value_set_int64 (value, self->max);
      break;

    case LIMIT_PROP_REMAINING:
      g_value_set_int64 (value, self->remaining);
      break;

    case LIMIT_PROP_USED:
      g_value_set_int64 (value, bp_limit_get_used (self));
      break;

    case LIMIT_PROP_FRACTION:
      g_value_set_double (value, bp_limit_get_fraction (self));
      break;

    case LIMIT_PROP_CHILDREN:
      g_value_set_object (value, bp_limit_get_children (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bp_limit_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  BpLimit *self = BP_LIMIT (object);

  switch (prop_id)
    {
    case LIMIT_PROP_NAME:
      g_free (self->name);
      self->name = g_value_dup_string (value);
      break;

    case LIMIT_PROP_MAX:
      self->max = g_value_get_int64 (value);
      break;

    case LIMIT_PROP_REMAINING:
      self->remaining = g_value_get_int64 (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bp_limit_class_init (BpLimitClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = bp_limit_constructed;
  object_class->finalize = bp_limit_finalize;
  object_class->get_property = bp_limit_get_property;
  object_class->set_property = bp_limit_set_property;

  /**
   * BpLimit:name:
   *
   * The name Salesforce sends ("DailyApiRequests"), or a connected app's name.
   */
  limit_properties[LIMIT_PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_STATIC_STRINGS));

  /**
   * BpLimit:title:
   *
   * The name made readable ("Daily API Requests").
   */
  limit_properties[LIMIT_PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE |
                          G_PARAM_STATIC_STRINGS));

  limit_properties[LIMIT_PROP_MAX] =
    g_param_spec_int64 ("max", NULL, NULL,
                        0, BP_LIMIT_MAX_VALUE, 0,
                        (G_PARAM_READWRITE |
                         G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS));

  /**
   * BpLimit:remaining:
   *
   * What is left; negative when the org used more than its maximum.
   */
  limit_properties[LIMIT_PROP_REMAINING] =
    g_param_spec_int64 ("remaining", NULL, NULL,
                        -BP_LIMIT_MAX_VALUE, BP_LIMIT_MAX_VALUE, 0,
                        (G_PARAM_READWRITE |
                         G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS));

  /**
   * BpLimit:used:
   *
   * max − remaining: may exceed max.
   */
  limit_properties[LIMIT_PROP_USED] =
    g_param_spec_int64 ("used", NULL, NULL,
                        G_MININT64, G_MAXINT64, 0,
                        (G_PARAM_READABLE |
                         G_PARAM_STATIC_STRINGS));

  /**
   * BpLimit:fraction:
   *
   * used / max; 0 when max is 0; above 1 when over the maximum.
   */
  limit_properties[LIMIT_PROP_FRACTION] =
    g_param_spec_double ("fraction", NULL, NULL,
                         -G_MAXDOUBLE, G_MAXDOUBLE, 0,
                         (G_PARAM_READABLE |
                          G_PARAM_STATIC_STRINGS));

  /**
   * BpLimit:children:
   *
   * The nested limits (a GListModel of BpLimit), or %NULL.
   */
  limit_properties[LIMIT_PROP_CHILDREN] =
    g_param_spec_object ("children", NULL, NULL,
                         G_TYPE_LIST_MODEL,
                         (G_PARAM_READABLE |
                          G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, LIMIT_N_PROPS, limit_properties);
}

static void
bp_limit_init (BpLimit *self)
{
}

/**
 * bp_limit_new:
 * @max: 0 to %BP_LIMIT_MAX_VALUE
 * @remaining: -%BP_LIMIT_MAX_VALUE to %BP_LIMIT_MAX_VALUE
 */
BpLimit *
bp_limit_new (const char *name,
              gint64      max,
              gint64      remaining)
{
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (max >= 0 && max <= BP_LIMIT_MAX_VALUE, NULL);
  g_return_val_if_fail (remaining >= -BP_LIMIT_MAX_VALUE && remaining <= BP_LIMIT_MAX_VALUE, NULL);

  return g_object_new (BP_TYPE_LIMIT,
                       "name", name,
                       "max", max,
                       "remaining", remaining,
                       NULL);
}

const char *
bp_limit_get_name (BpLimit *self)
{
  g_return_val_if_fail (BP_IS_LIMIT (self), NULL);

  return self->name;
}

const char *
bp_limit_get_title (BpLimit *self)
{
  g_return_val_if_fail (BP_IS_LIMIT (self), NULL);

  return self->title;
}

gint64
bp_limit_get_max (BpLimit *self)
{
  g_return_val_if_fail (BP_IS_LIMIT (self), 0);

  return self->max;
}

gint64
bp_limit_get_remaining (BpLimit *self)
{
  g_return_val_if_fail (BP_IS_LIMIT (self), 0);

  return self->remaining;
}

gint64
bp_limit_get_used (BpLimit *self)
{
  g_return_val_if_fail (BP_IS_LIMIT (self), 0);

  /* Both are within ±2^53: no overflow. */
  return self->max - self->remaining;
}

double
bp_limit_get_fraction (BpLimit *self)
{
  g_return_val_if_fail (BP_IS_LIMIT (self), 0);

  if (self->max == 0)
    return 0;

  return (double) bp_limit_get_used (self) / (double) self->max;
}

int
bp_limit_get_percent (BpLimit *self)
{
  gint64 used;

  g_return_val_if_fail (BP_IS_LIMIT (self), 0);

  if (self->max == 0)
    return 0;

  /* In integers, so that 29 of 100 is 29 %, not 28.999…; |used| ≤ 2^54, so
   * used × 100 fits. Rounded towards minus infinity. */
  used = bp_limit_get_used (self);
  if (used >= 0)
    return (int) CLAMP (used * 100 / self->max, 0, G_MAXINT);

  return (int) CLAMP (-((-used * 100 + self->max - 1) / self->max), G_MININT, 0);
}

BpLimitLevel
bp_limit_get_level (BpLimit *self)
{
  double fraction;

  g_return_val_if_fail (BP_IS_LIMIT (self), BP_LIMIT_LEVEL_NORMAL);

  fraction = bp_limit_get_fraction (self);
  if (fraction >= BP_LIMIT_CRITICAL_FRACTION)
    return BP_LIMIT_LEVEL_CRITICAL;
  if (fraction >= BP_LIMIT_WARNING_FRACTION)
    return BP_LIMIT_LEVEL_WARNING;

  return BP_LIMIT_LEVEL_NORMAL;
}

GListModel *
bp_limit_get_children (BpLimit *self)
{
  g_return_val_if_fail (BP_IS_LIMIT (self), NULL);

  return self->children != NULL ? G_LIST_MODEL (self->children) : NULL;
}

int
bp_limit_compare_usage (BpLimit *a,
                        BpLimit *b)
{
  double fraction_a, fraction_b;
  gint64 used_a, used_b;

  g_return_val_if_fail (BP_IS_LIMIT (a), 0);
  g_return_val_if_fail (BP_IS_LIMIT (b), 0);

  fraction_a = bp_limit_get_fraction (a);
  fraction_b = bp_limit_get_fraction (b);
  if (fraction_a != fraction_b)
    return fraction_a > fraction_b ? -1 : 1;

  used_a = bp_limit_get_used (a);
  used_b = bp_limit_get_used (b);
  if (used_a != used_b)
    return used_a > used_b ? -1 : 1;

  return strcmp (a->name, b->name);
}

/* ------------------------------------------------------------------ */
/* BpLimits                                                            */

struct _BpLimits
{
  GObject    parent_instance;

  GPtrArray *items;         /* BpLimit */
  guint      n_skipped;
  GDateTime *fetched_at;
  char      *instance_url;
  char      *api_version;
};

static void bp_limits_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (BpLimits, bp_limits, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, bp_limits_list_model_init))

enum {
  PROP_0,
  PROP_N_SKIPPED,
  PROP_FETCHED_AT,
  PROP_INSTANCE_URL,
  PROP_API_VERSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GType
bp_limits_get_item_type (GListModel *model)
{
  return BP_TYPE_LIMIT;
}

static guint
bp_limits_get_n_items (GListModel *model)
{
  return BP_LIMITS (model)->items->len;
}

static gpointer
bp_limits_get_item (GListModel *model,
                    guint       position)
{
  BpLimits *self = BP_LIMITS (model);

  if (position >= self->items->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
bp_limits_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = bp_limits_get_item_type;
  iface->get_n_items = bp_limits_get_n_items;
  iface->get_item = bp_limits_get_item;
}

static void
bp_limits_finalize (GObject *object)
{
  BpLimits *self = BP_LIMITS (object);

  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->fetched_at, g_date_time_unref);
  g_free (self->instance_url);
  g_free (self->api_version);

  G_OBJECT_CLASS (bp_limits_parent_class)->finalize (object);
}

static void
bp_limits_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  BpLimits *self = BP_LIMITS (object);

  switch (prop_id)
    {
    case PROP_N_SKIPPED:
      g_value_set_uint (value, self->n_skipped);
      break;

    case PROP_FETCHED_AT:
      g_value_set_boxed (value, self->fetched_at);
      break;

    case PROP_INSTANCE_URL:
      g_value_set_string (value, self->instance_url);
      break;

    case PROP_API_VERSION:
      g_value_set_string (value, self->api_version);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bp_limits_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  BpLimits *self = BP_LIMITS (object);

  switch (prop_id)
    {
    case PROP_FETCHED_AT:
      bp_limits_set_fetched_at (self, g_value_get_boxed (value));
      break;

    case PROP_INSTANCE_URL:
      bp_limits_set_instance_url (self, g_value_get_string (value));
      break;

    case PROP_API_VERSION:
      bp_limits_set_api_version (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bp_limits_class_init (BpLimitsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = bp_limits_finalize;
  object_class->get_property = bp_limits_get_property;
  object_class->set_property = bp_limits_set_property;

  /**
   * BpLimits:n-skipped:
   *
   * How many malformed entries the parser skipped.
   */
  properties[PROP_N_SKIPPED] =
    g_param_spec_uint ("n-skipped", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE |
                        G_PARAM_STATIC_STRINGS));

  /**
   * BpLimits:fetched-at:
   *
   * When the limits were fetched (Salesforce's values are accurate within
   * about five minutes of it).
   */
  properties[PROP_FETCHED_AT] =
    g_param_spec_boxed ("fetched-at", NULL, NULL,
                        G_TYPE_DATE_TIME,
                        (G_PARAM_READWRITE |
                         G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS));

  properties[PROP_INSTANCE_URL] =
    g_param_spec_string ("instance-url", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties[PROP_API_VERSION] =
    g_param_spec_string ("api-version", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
bp_limits_init (BpLimits *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->fetched_at = g_date_time_new_now_utc ();
}

/* Parsing */

/* A whole number within ±BP_LIMIT_MAX_VALUE: a JSON integer, a double
 * without a fraction, or a string of decimal digits. */
static gboolean
read_count (JsonObject *object,
            const char *member,
            gint64     *count)
{
  JsonNode *node = json_object_get_member (object, member);
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    {
      *count = json_node_get_int (node);
    }
  else if (type == G_TYPE_DOUBLE)
    {
      double value = json_node_get_double (node);

      /* No libm: in range first, then whole. */
      if (!isfinite (value) || value > (double) BP_LIMIT_MAX_VALUE || value < -(double) BP_LIMIT_MAX_VALUE
          || value != (double) (gint64) value)
        return FALSE;
      *count = (gint64) value;
    }
  else if (type == G_TYPE_STRING)
    {
      const char *text = json_node_get_string (node);
      guint64 magnitude;
      gboolean is_negative = FALSE;

      if (text == NULL)
        return FALSE;
      if (*text == '-')
        {
          is_negative = TRUE;
          text++;
        }
      /* Digits only: no sign, space or base prefix after the minus. */
      if (!g_ascii_isdigit (*text)
          || !g_ascii_string_to_unsigned (text, 10, 0, BP_LIMIT_MAX_VALUE, &magnitude, NULL))
        return FALSE;
      *count = is_negative ? -(gint64) magnitude : (gint64) magnitude;
    }
  else
    {
      return FALSE;
    }

  return *count >= -BP_LIMIT_MAX_VALUE && *count <= BP_LIMIT_MAX_VALUE;
}

typedef enum
{
  ENTRY_NOT_A_LIMIT,
  ENTRY_MALFORMED,
  ENTRY_LIMIT,
} EntryKind;

static EntryKind
read_entry (JsonNode  *node,
            gint64    *max,
            gint64    *remaining)
{
  JsonObject *object;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return ENTRY_NOT_A_LIMIT;

  object = json_node_get_object (node);
  if (object == NULL)
    return ENTRY_NOT_A_LIMIT;

  if (!json_object_has_member (object, "Max") && !json_object_has_member (object, "Remaining"))
    return ENTRY_NOT_A_LIMIT;

  if (!read_count (object, "Max", max) || !read_count (object, "Remaining", remaining) || *max < 0)
    return ENTRY_MALFORMED;

  return ENTRY_LIMIT;
}

/* The limits among the members of @object, in order; the first name wins
 * when a name repeats. With @children, each limit's own members become its
 * children (one level only). */
static GPtrArray *
read_limits (JsonObject *object,
             gboolean    with_children,
             guint      *n_skipped)
{
  g_autoptr(GPtrArray) limits = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GList) names = json_object_get_members (object);

  for (GList *l = names; l != NULL; l = l->next)
    {
      const char *name = l->data;
      JsonNode *node;
      BpLimit *limit;
      gint64 max = 0;
      gint64 remaining = 0;

      if (name == NULL || !g_hash_table_add (seen, (gpointer) name))
        continue;

      node = json_object_get_member (object, name);
      switch (read_entry (node, &max, &remaining))
        {
        case ENTRY_NOT_A_LIMIT:
          continue;

        case ENTRY_MALFORMED:
          g_debug ("Skipping the malformed limit “%s”", name);
          (*n_skipped)++;
          continue;

        case ENTRY_LIMIT:
        default:
          break;
        }

      /* A name is shown and exported: one that is not text cannot be shown
       * (json-glib decodes a lone "\ud9a0" to bytes that are not UTF-8;
       * found by tests/fuzz/fuzz-limits). Skipped like a malformed entry. */
      if (!bp_json_is_text (name))
        {
          (*n_skipped)++;
          continue;
        }

      limit = bp_limit_new (name, max, remaining);

      /* An entry with only Max and Remaining has no children to look for
       * (thousands of them in a large org's body). */
      if (with_children && json_object_get_size (json_node_get_object (node)) > 2)
        {
          g_autoptr(GPtrArray) children = read_limits (json_node_get_object (node), FALSE, n_skipped);

          if (children->len > 0)
            {
              limit->children = g_list_store_new (BP_TYPE_LIMIT);
              g_list_store_splice (limit->children, 0, 0, children->pdata, children->len);
            }
        }
      g_ptr_array_add (limits, limit);
    }

  return g_steal_pointer (&limits);
}

static gboolean
is_nesting_shallow (const char *data,
                    gsize       length)
{
  gboolean is_in_string = FALSE;
  guint depth = 0;

  for (gsize i = 0; i < length; i++)
    {
      char c = data[i];

      if (is_in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            is_in_string = FALSE;
          continue;
        }

      if (c == '"')
        is_in_string = TRUE;
      else if (c == '{' || c == '[')
        {
          if (++depth > MAX_NESTING)
            return FALSE;
        }
      else if ((c == '}' || c == ']') && depth > 0)
        depth--;
    }

  return TRUE;
}

static GError *
new_not_json_error (void)
{
  return g_error_new_literal (BP_ERROR, BP_ERROR_SALESFORCE,
                              _("Salesforce answered with data that is not valid JSON, so the "
                                "limits could not be read. Please try again; if it keeps happening, "
                                "check the Url and any proxy settings."));
}

BpLimits *
bp_limits_new_from_json (const char  *data,
                         gsize        length,
                         GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GPtrArray) limits = NULL;
  BpLimits *self;
  JsonNode *root;
  guint n_skipped = 0;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (length == 0)
    {
      g_set_error_literal (error, BP_ERROR, BP_ERROR_SALESFORCE,
                           _("Salesforce answered with an empty page instead of the limits."));
      return NULL;
    }

  /* g_utf8_validate() also refuses nul bytes inside. */
  if (length > MAX_BODY_LENGTH || !g_utf8_validate (data, length, NULL) || !is_nesting_shallow (data, length))
    {
      g_propagate_error (error, new_not_json_error ());
      return NULL;
    }

  parser = json_parser_new_immutable ();
  if (!bp_json_parser_load (parser, data, length, &local_error))
    {
      g_debug ("The limits are not JSON: %s", local_error->message);
      g_propagate_error (error, new_not_json_error ());
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root) || json_node_get_object (root) == NULL)
    {
      g_set_error_literal (error, BP_ERROR, BP_ERROR_SALESFORCE,
                           _("Salesforce answered with JSON that is not an object of limits, so "
                             "the limits could not be read."));
      return NULL;
    }

  limits = read_limits (json_node_get_object (root), TRUE, &n_skipped);
  if (n_skipped > 0)
    g_debug ("Skipped %u malformed limits", n_skipped);

  self = g_object_new (BP_TYPE_LIMITS, NULL);
  g_ptr_array_extend_and_steal (self->items, g_steal_pointer (&limits));
  self->n_skipped = n_skipped;

  return self;
}

guint
bp_limits_get_n_skipped (BpLimits *self)
{
  g_return_val_if_fail (BP_IS_LIMITS (self), 0);

  return self->n_skipped;
}

/* g_set_str() is GLib 2.76. */
static gboolean
replace_string (char       **slot,
                const char  *value)
{
  if (g_strcmp0 (*slot, value) == 0)
    return FALSE;

  g_free (*slot);
  *slot = g_strdup (value);
  return TRUE;
}

GDateTime *
bp_limits_get_fetched_at (BpLimits *self)
{
  g_return_val_if_fail (BP_IS_LIMITS (self), NULL);

  return self->fetched_at;
}

void
bp_limits_set_fetched_at (BpLimits  *self,
                          GDateTime *fetched_at)
{
  g_return_if_fail (BP_IS_LIMITS (self));

  if (self->fetched_at == fetched_at
      || (self->fetched_at != NULL && fetched_at != NULL && g_date_time_equal (self->fetched_at, fetched_at)))
    return;

  g_clear_pointer (&self->fetched_at, g_date_time_unref);
  if (fetched_at != NULL)
    self->fetched_at = g_date_time_ref (fetched_at);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FETCHED_AT]);
}

const char *
bp_limits_get_instance_url (BpLimits *self)
{
  g_return_val_if_fail (BP_IS_LIMITS (self), NULL);

  return self->instance_url;
}

void
bp_limits_set_instance_url (BpLimits   *self,
                            const char *instance_url)
{
  g_return_if_fail (BP_IS_LIMITS (self));

  if (replace_string (&self->instance_url, instance_url))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INSTANCE_URL]);
}

const char *
bp_limits_get_api_version (BpLimits *self)
{
  g_return_val_if_fail (BP_IS_LIMITS (self), NULL);

  return self->api_version;
}

void
bp_limits_set_api_version (BpLimits   *self,
                           const char *api_version)
{
  g_return_if_fail (BP_IS_LIMITS (self));

  if (replace_string (&self->api_version, api_version))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_API_VERSION]);
}

BpLimit *
bp_limits_lookup (BpLimits   *self,
                  const char *name)
{
  g_return_val_if_fail (BP_IS_LIMITS (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  for (guint i = 0; i < self->items->len; i++)
    {
      BpLimit *limit = g_ptr_array_index (self->items, i);

      if (strcmp (limit->name, name) == 0)
        return limit;
    }

  return NULL;
}

BpLimit *
bp_limits_get_most_used (BpLimits *self)
{
  BpLimit *most_used = NULL;

  g_return_val_if_fail (BP_IS_LIMITS (self), NULL);

  for (guint i = 0; i < self->items->len; i++)
    {
      BpLimit *limit = g_ptr_array_index (self->items, i);

      if (most_used == NULL || bp_limit_compare_usage (limit, most_used) < 0)
        most_used = limit;
    }

  return most_used;
}

guint
bp_limits_count_at_least (BpLimits *self,
                          double    fraction)
{
  guint count = 0;

  g_return_val_if_fail (BP_IS_LIMITS (self), 0);

  for (guint i = 0; i < self->items->len; i++)
    {
      if (bp_limit_get_fraction (g_ptr_array_index (self->items, i)) >= fraction)
        count++;
    }

  return count;
}

/* CSV */

static void
append_csv_text (GString    *csv,
                 const char *text)
{
  gboolean needs_quotes = strpbrk (text, ",\"\r\n") != NULL
                          || g_ascii_isspace (text[0])
                          || (text[0] != '\0' && g_ascii_isspace (text[strlen (text) - 1]));

  /* A cell starting with one of these is a formula to a spreadsheet. */
  if (strchr ("=+-@\t\r", text[0]) != NULL && text[0] != '\0')
    {
      needs_quotes = TRUE;
      g_string_append (csv, "\"'");
    }
  else if (needs_quotes)
    {
      g_string_append_c (csv, '"');
    }

  if (!needs_quotes)
    {
      g_string_append (csv, text);
      return;
    }

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (csv, '"');
      g_string_append_c (csv, *p);
    }
  g_string_append_c (csv, '"');
}

static void
append_csv_row (GString *csv,
                BpLimit *limit,
                BpLimit *parent)
{
  append_csv_text (csv, limit->name);
  g_string_append_c (csv, ',');
  append_csv_text (csv, limit->title);
  g_string_append_c (csv, ',');
  append_csv_text (csv, parent != NULL ? parent->name : "");
  g_string_append_printf (csv, ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",%d\r\n",
                          bp_limit_get_used (limit), limit->max, limit->remaining,
                          bp_limit_get_percent (limit));
}

char *
bp_limits_to_csv (BpLimits *self)
{
  GString *csv;

  g_return_val_if_fail (BP_IS_LIMITS (self), NULL);

  csv = g_string_new ("Name,Title,Parent,Used,Max,Remaining,Percent used\r\n");
  for (guint i = 0; i < self->items->len; i++)
    {
      BpLimit *limit = g_ptr_array_index (self->items, i);
      GListModel *children = bp_limit_get_children (limit);

      append_csv_row (csv, limit, NULL);
      for (guint j = 0; children != NULL && j < g_list_model_get_n_items (children); j++)
        {
          g_autoptr(BpLimit) child = g_list_model_get_item (children, j);

          append_csv_row (csv, child, limit);
        }
    }

  return g_string_free (csv, FALSE);
}

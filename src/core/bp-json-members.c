/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-json"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "bp-json-members.h"
#include "bp-json.h"

struct _BpJsonMembers
{
  GArray  *members;   /* BpJsonMember */
  GString *text;      /* names and strings read by bp_json_members_read_flat(); made by its first call */
};

BpJsonMembers *
bp_json_members_new (void)
{
  BpJsonMembers *self = g_new0 (BpJsonMembers, 1);

  self->members = g_array_sized_new (FALSE, TRUE, sizeof (BpJsonMember), 16);
  return self;
}

void
bp_json_members_free (BpJsonMembers *self)
{
  if (self == NULL)
    return;

  g_array_unref (self->members);
  if (self->text != NULL)
    g_string_free (self->text, TRUE);
  g_free (self);
}

void
bp_json_members_set_object (BpJsonMembers *self,
                            JsonObject    *object)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  g_return_if_fail (self != NULL);
  g_return_if_fail (object != NULL);

  g_array_set_size (self->members, 0);
  json_object_iter_init_ordered (&iter, object);
  while (json_object_iter_next_ordered (&iter, &name, &node))
    {
      BpJsonMember member = { .name = name, .node = node };

      switch (JSON_NODE_TYPE (node))
        {
        case JSON_NODE_OBJECT:
          member.kind = BP_JSON_MEMBER_OBJECT;
          break;
        case JSON_NODE_ARRAY:
          member.kind = BP_JSON_MEMBER_ARRAY;
          break;
        case JSON_NODE_NULL:
          member.kind = BP_JSON_MEMBER_NULL;
          break;
        case JSON_NODE_VALUE:
        default:
          switch (json_node_get_value_type (node))
            {
            case G_TYPE_STRING:
              member.kind = BP_JSON_MEMBER_STRING;
              member.string = json_node_get_string (node);
              break;
            case G_TYPE_BOOLEAN:
              member.kind = BP_JSON_MEMBER_BOOLEAN;
              member.boolean = json_node_get_boolean (node);
              break;
            case G_TYPE_INT64:
              member.kind = BP_JSON_MEMBER_INTEGER;
              member.integer = json_node_get_int (node);
              break;
            default:
              member.kind = BP_JSON_MEMBER_DOUBLE;
              member.real = json_node_get_double (node);
              break;
            }
        }

      g_array_append_val (self->members, member);
    }
}

/* ------------------------------------------------------------------ */
/* Flat objects, read from the text                                    */

/* Whether one of the eight bytes of @word ends a run of plain string text:
 * a quote, a backslash or a control character. Exact for the word as a
 * whole (the classic "has a zero byte" test on each condition), which is
 * all the caller asks; bytes of UTF-8 sequences (0x80 and up) never count. */
static inline gboolean
word_ends_run (guint64 word)
{
  const guint64 ones = G_GUINT64_CONSTANT (0x0101010101010101);
  const guint64 highs = G_GUINT64_CONSTANT (0x8080808080808080);
  guint64 quotes = word ^ (ones * '"');
  guint64 backslashes = word ^ (ones * '\\');

  return ((((quotes - ones) & ~quotes)
           | ((backslashes - ones) & ~backslashes)
           | ((word - ones * 0x20) & ~word)) & highs) != 0;
}

/* The first byte at or after @p that ends a run of plain string text, or
 * @end. A certificate is a kilobyte and more of such text between its
 * "\n" escapes: looked at eight bytes at a time, it costs a fraction of
 * the byte-by-byte loop (docs/performance.md). */
static const char *
find_run_end (const char *p,
              const char *end)
{
  while (end - p >= 8)
    {
      guint64 word;

      memcpy (&word, p, sizeof word);
      if (word_ends_run (word))
        break;
      p += 8;
    }

  for (; p < end; p++)
    {
      guchar c = (guchar) *p;

      if (c == '"' || c == '\\' || c < 0x20)
        break;
    }

  return p;
}

/* Appends the string at @p (its opening quote) unescaped to @text, with a
 * NUL after it, and returns what follows its closing quote, or %NULL. */
static const char *
read_flat_string (const char *p,
                  const char *end,
                  GString    *text)
{
  for (p++; p < end; )
    {
      const char *run = p;
      guchar c;

      p = find_run_end (p, end);
      g_string_append_len (text, run, p - run);
      if (p >= end)
        return NULL;
      c = (guchar) *p;
      if (c < 0x20)
        return NULL;
      if (c == '"')
        {
          g_string_append_c (text, '\0');
          return p + 1;
        }

      /* A backslash, and the escaped character. */
      if (++p >= end)
        return NULL;
      switch (*p++)
        {
        case '"': g_string_append_c (text, '"'); break;
        case '\\': g_string_append_c (text, '\\'); break;
        case '/': g_string_append_c (text, '/'); break;
        case 'b': g_string_append_c (text, '\b'); break;
        case 'f': g_string_append_c (text, '\f'); break;
        case 'n': g_string_append_c (text, '\n'); break;
        case 'r': g_string_append_c (text, '\r'); break;
        case 't': g_string_append_c (text, '\t'); break;
        default: return NULL;   /* \u and anything else: json-glib's to judge */
        }
    }

  return NULL;
}

/* The value at @p into @member (a string's offset in @text in place of its
 * pointer, as the text may still move); returns what follows it, or %NULL. */
static const char *
read_flat_value (const char   *p,
                 const char   *end,
                 GString      *text,
                 BpJsonMember *member)
{
  static const struct { const char *word; gsize length; BpJsonMemberKind kind; gboolean value; } literals[] = {
    { "true", 4, BP_JSON_MEMBER_BOOLEAN, TRUE },
    { "false", 5, BP_JSON_MEMBER_BOOLEAN, FALSE },
    { "null", 4, BP_JSON_MEMBER_NULL, FALSE },
  };

  if (*p == '"')
    {
      member->kind = BP_JSON_MEMBER_STRING;
      member->string = GSIZE_TO_POINTER (text->len);
      return read_flat_string (p, end, text);
    }

  if (*p == '-' || g_ascii_isdigit (*p))
    {
      const char *digits = *p == '-' ? p + 1 : p;
      const char *q = digits;
      gint64 value = 0;

      while (q < end && g_ascii_isdigit (*q))
        q++;
      /* 1 to 18 digits, no leading zero, and no fraction or exponent. The
       * value is made only then: more digits would overflow it, which is
       * undefined even when it is dropped (found by
       * tests/fuzz/fuzz-account-store). */
      if (q == digits || q - digits > 18 || (*digits == '0' && q - digits > 1)
          || (q < end && (*q == '.' || *q == 'e' || *q == 'E')))
        return NULL;
      for (const char *digit = digits; digit < q; digit++)
        value = value * 10 + (*digit - '0');
      member->kind = BP_JSON_MEMBER_INTEGER;
      member->integer = *p == '-' ? -value : value;
      return q;
    }

  for (guint i = 0; i < G_N_ELEMENTS (literals); i++)
    {
      if ((gsize) (end - p) >= literals[i].length && memcmp (p, literals[i].word, literals[i].length) == 0)
        {
          member->kind = literals[i].kind;
          member->boolean = literals[i].value;
          return p + literals[i].length;
        }
    }

  return NULL;   /* an object or an array: not flat */
}

/* More members than this are left to json-glib: each new name is compared
 * with every name before it. */
#define MAX_FLAT_MEMBERS 64

static gboolean
read_flat_object (BpJsonMembers *self,
                  const char    *start,
                  const char    *end)
{
  const char *p = bp_json_skip_white_space (start, end);
  if (p >= end || *p++ != '{')
    return FALSE;

  p = bp_json_skip_white_space (p, end);
  if (p < end && *p == '}')
    p++;
  else
    {
      for (;;)
        {
          BpJsonMember member = { NULL, };
          gsize name_at = self->text->len;
          gsize name_length;

          if (p >= end || *p != '"' || (p = read_flat_string (p, end, self->text)) == NULL)
            return FALSE;
          name_length = self->text->len - name_at - 1;
          /* No empty name, and none with a NUL inside. */
          if (name_length == 0 || strlen (self->text->str + name_at) != name_length
              || self->members->len == MAX_FLAT_MEMBERS)
            return FALSE;
          member.name = GSIZE_TO_POINTER (name_at);

          p = bp_json_skip_white_space (p, end);
          if (p >= end || *p++ != ':')
            return FALSE;
          p = bp_json_skip_white_space (p, end);
          if (p >= end || (p = read_flat_value (p, end, self->text, &member)) == NULL)
            return FALSE;
          g_array_append_val (self->members, member);

          p = bp_json_skip_white_space (p, end);
          if (p < end && *p == ',')
            p = bp_json_skip_white_space (p + 1, end);
          else if (p < end && *p == '}')
            {
              p++;
              break;
            }
          else
            return FALSE;
        }
    }

  if (bp_json_skip_white_space (p, end) != end)
    return FALSE;

  /* The text has stopped moving: offsets become pointers. A name given
   * twice is json-glib's to judge (it keeps the last). */
  for (guint i = 0; i < self->members->len; i++)
    {
      BpJsonMember *member = &g_array_index (self->members, BpJsonMember, i);

      member->name = self->text->str + GPOINTER_TO_SIZE (member->name);
      if (member->kind == BP_JSON_MEMBER_STRING)
        member->string = self->text->str + GPOINTER_TO_SIZE (member->string);
      for (guint j = 0; j < i; j++)
        {
          if (strcmp (g_array_index (self->members, BpJsonMember, j).name, member->name) == 0)
            return FALSE;
        }
    }

  return TRUE;
}

gboolean
bp_json_members_read_flat (BpJsonMembers *self,
                           const char    *start,
                           const char    *end)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (start != NULL && end != NULL && start <= end, FALSE);

  g_array_set_size (self->members, 0);
  if (self->text == NULL)
    self->text = g_string_sized_new (2048);
  g_string_truncate (self->text, 0);

  /* Members half read hold offsets, not pointers: none is left behind. */
  if (read_flat_object (self, start, end))
    return TRUE;

  g_array_set_size (self->members, 0);
  return FALSE;
}

/* ------------------------------------------------------------------ */
/* Reading them                                                        */

guint
bp_json_members_get_length (const BpJsonMembers *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->members->len;
}

const BpJsonMember *
bp_json_members_get (const BpJsonMembers *self,
                     guint                i)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (i < self->members->len, NULL);

  return &g_array_index (self->members, BpJsonMember, i);
}

/* A dozen members: looked through, faster than hashed. */
const BpJsonMember *
bp_json_members_lookup (const BpJsonMembers *self,
                        const char          *name)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  /* From the last: json-glib keeps the last of a name given twice. */
  for (guint i = self->members->len; i > 0; i--)
    {
      const BpJsonMember *member = &g_array_index (self->members, BpJsonMember, i - 1);

      if (strcmp (member->name, name) == 0)
        return member;
    }

  return NULL;
}

JsonNode *
bp_json_member_to_node (const BpJsonMember *member)
{
  g_return_val_if_fail (member != NULL, NULL);

  if (member->node != NULL)
    return bp_json_node_copy (member->node);

  switch (member->kind)
    {
    case BP_JSON_MEMBER_STRING:
      return json_node_init_string (json_node_alloc (), member->string);
    case BP_JSON_MEMBER_INTEGER:
      return json_node_init_int (json_node_alloc (), member->integer);
    case BP_JSON_MEMBER_DOUBLE:
      return json_node_init_double (json_node_alloc (), member->real);
    case BP_JSON_MEMBER_BOOLEAN:
      return json_node_init_boolean (json_node_alloc (), member->boolean);
    case BP_JSON_MEMBER_NULL:
    case BP_JSON_MEMBER_OBJECT:
    case BP_JSON_MEMBER_ARRAY:
    default:
      /* Objects and arrays always come with their node. */
      return json_node_init_null (json_node_alloc ());
    }
}

JsonObject *
bp_json_members_to_object (const BpJsonMembers *self)
{
  JsonObject *object;

  g_return_val_if_fail (self != NULL, NULL);

  object = json_object_new ();
  for (guint i = 0; i < self->members->len; i++)
    {
      const BpJsonMember *member = &g_array_index (self->members, BpJsonMember, i);

      json_object_set_member (object, member->name, bp_json_member_to_node (member));
    }

  return object;
}

const char *
bp_json_member_describe (const BpJsonMember *member)
{
  g_return_val_if_fail (member != NULL, NULL);

  switch (member->kind)
    {
    case BP_JSON_MEMBER_OBJECT:
      return _("an object");
    case BP_JSON_MEMBER_ARRAY:
      return _("a list");
    case BP_JSON_MEMBER_NULL:
      return _("null");
    case BP_JSON_MEMBER_STRING:
      return _("text");
    case BP_JSON_MEMBER_BOOLEAN:
      return _("true or false");
    case BP_JSON_MEMBER_INTEGER:
    case BP_JSON_MEMBER_DOUBLE:
    default:
      return _("a number");
    }
}

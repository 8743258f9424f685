/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-json"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "bp-json.h"

#define UTF8_BOM "\xEF\xBB\xBF"

static const char *
skip_white_space (const char *p,
                  const char *end)
{
  while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
    p++;

  return p;
}

/* What JSON allows outside strings besides white space: structure, numbers
 * and the letters of true, false and null. json-glib's scanner also takes
 * comments and single quotes, which would hide a bracket from skip_value(),
 * and then reads several values (found by tests/fuzz/fuzz-error-body). */
static gboolean
is_json_character (char c)
{
  return c != '\0' && strchr ("{}[],:0123456789+-.eEtruefalsn", c) != NULL;
}

/* The code of the four hex digits at @p. */
static gboolean
read_hex4 (const char *p,
           const char *end,
           gunichar   *code)
{
  *code = 0;
  if (end - p < 4)
    return FALSE;

  for (int i = 0; i < 4; i++)
    {
      if (!g_ascii_isxdigit (p[i]))
        return FALSE;
      *code = *code * 16 + g_ascii_xdigit_value (p[i]);
    }

  return TRUE;
}

/* The end of the string whose opening quote is at @p; %NULL when it does
 * not end, or when a \u escape is not four hex digits, is a low surrogate
 * alone, or is a high surrogate followed by an escape that is not its low
 * surrogate: json-glib 1.6 leaks on those (found by tests/fuzz/fuzz-account-store). A high
 * surrogate alone is left to the UTF-8 checks (bp_json_object_get_string()). */
static const char *
skip_string (const char *p,
             const char *end)
{
  for (p++; p < end; p++)
    {
      gunichar code;
      gunichar low;

      if (*p == '"')
        return p + 1;
      if (*p != '\\')
        continue;

      if (++p >= end)
        return NULL;
      if (*p != 'u')
        continue;

      if (!read_hex4 (p + 1, end, &code))
        return NULL;
      p += 4;

      /* A low surrogate is only ever the second half of a pair. */
      if (code >= 0xDC00 && code <= 0xDFFF)
        return NULL;

      if (code >= 0xD800 && code <= 0xDBFF && end - p > 2 && p[1] == '\\' && p[2] == 'u')
        {
          if (!read_hex4 (p + 3, end, &low) || low < 0xDC00 || low > 0xDFFF)
            return NULL;
          p += 6;
        }
    }

  return NULL;
}

/* The end of the first value: quotes and brackets are followed, the rest
 * is json-glib's to judge. %NULL when the value does not end (an
 * unterminated string or structure) or when something outside the strings
 * cannot be JSON. */
static const char *
skip_value (const char *p,
            const char *end)
{
  int depth = 0;

  if (p >= end)
    return NULL;

  /* A number or a literal: up to what cannot be part of it. */
  if (*p != '"' && *p != '{' && *p != '[')
    {
      for (; p < end && strchr (" \t\r\n{}[],:\"", *p) == NULL; p++)
        {
          if (!is_json_character (*p))
            return NULL;
        }
      return p;
    }

  do
    {
      if (p >= end)
        return NULL;

      switch (*p)
        {
        case '"':
          if ((p = skip_string (p, end)) == NULL)
            return NULL;
          break;

        case '{':
        case '[':
          depth++;
          p++;
          break;

        case '}':
        case ']':
          depth--;
          p++;
          break;

        case ' ':
        case '\t':
        case '\r':
        case '\n':
          p++;
          break;

        default:
          if (!is_json_character (*p))
            return NULL;
          p++;
        }
    }
  while (depth > 0);

  return p;
}

gboolean
bp_json_parser_load (JsonParser  *parser,
                     const char  *data,
                     gssize       length,
                     GError     **error)
{
  const char *end;
  const char *p;

  g_return_val_if_fail (JSON_IS_PARSER (parser), FALSE);
  g_return_val_if_fail (data != NULL || length == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (length < 0)
    length = strlen (data);

  end = data + length;
  p = data;
  if (length >= 3 && memcmp (p, UTF8_BOM, 3) == 0)
    p += 3;

  /* json-glib reads white space alone as a document without a root, which
   * every caller would have to check for (found by tests/fuzz/fuzz-account-store). */
  p = skip_white_space (p, end);
  if (p == end)
    {
      g_set_error_literal (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                           _("there is no JSON value, only white space"));
      return FALSE;
    }

  p = skip_value (p, end);
  if (p == NULL)
    {
      g_set_error_literal (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                           _("the JSON value is cut short, or it holds what JSON does not allow"));
      return FALSE;
    }

  if (skip_white_space (p, end) != end)
    {
      g_set_error_literal (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                           _("more text follows the end of the JSON value"));
      return FALSE;
    }

  return json_parser_load_from_data (parser, data, length, error);
}

const char *
bp_json_object_get_string (JsonObject *object,
                           const char *member)
{
  JsonNode *node;
  const char *value;

  g_return_val_if_fail (object != NULL, NULL);
  g_return_val_if_fail (member != NULL, NULL);

  node = json_object_get_member (object, member);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  value = json_node_get_string (node);
  return bp_json_is_text (value) ? value : NULL;
}

gboolean
bp_json_is_text (const char *text)
{
  return text != NULL && g_utf8_validate (text, -1, NULL);
}

/* g_utf8_validate() for a text that is nearly all ASCII, as a store is:
 * eight ASCII bytes (none of them NUL) are passed over at a time, and each
 * run of other bytes goes to g_utf8_validate(). A UTF-8 sequence is made only
 * of bytes >= 0x80, so it lies whole inside such a run, and the answer is the
 * same as g_utf8_validate()'s on the whole text, NUL bytes included (it
 * refuses them). g_utf8_validate() alone, a byte at a time, was a tenth of
 * the time taken to read 10,000 accounts, and again 7 % of it on each
 * string member read (a certificate is 1.3 KB of ASCII). */
gboolean
bp_json_validate_utf8 (const char *text,
                       gsize       length)
{
  const guint64 high_bits = G_GUINT64_CONSTANT (0x8080808080808080);
  const guint64 low_bits = G_GUINT64_CONSTANT (0x0101010101010101);
  gsize i = 0;

  while (i < length)
    {
      gsize run_end;

      /* Plain ASCII without NUL, a word at a time... */
      for (; i + 8 <= length; i += 8)
        {
          guint64 word;

          memcpy (&word, text + i, sizeof word);
          if (((word | ((word - low_bits) & ~word)) & high_bits) != 0)
            break;
        }

      /* ...then a byte at a time, up to the next byte that is not. */
      while (i < length && (guchar) text[i] < 0x80)
        {
          if (text[i] == '\0')
            return FALSE;
          i++;
        }

      for (run_end = i; run_end < length && (guchar) text[run_end] >= 0x80; run_end++)
        ;
      if (run_end > i && !g_utf8_validate (text + i, run_end - i, NULL))
        return FALSE;
      i = run_end;
    }

  return TRUE;
}

const char *
bp_json_skip_white_space (const char *p,
                          const char *end)
{
  while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
    p++;

  return p;
}

JsonObject *
bp_json_object_copy (JsonObject *object)
{
  JsonObject *copy = json_object_new ();
  JsonObjectIter iter;
  const char *member;
  JsonNode *node;

  json_object_iter_init_ordered (&iter, object);
  while (json_object_iter_next_ordered (&iter, &member, &node))
    json_object_set_member (copy, member, bp_json_node_copy (node));

  return copy;
}

JsonNode *
bp_json_node_copy (JsonNode *node)
{
  JsonNode *copy;

  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      copy = json_node_new (JSON_NODE_OBJECT);
      json_node_take_object (copy, bp_json_object_copy (json_node_get_object (node)));
      return copy;

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint length = json_array_get_length (array);
        JsonArray *array_copy = json_array_sized_new (length);

        for (guint i = 0; i < length; i++)
          json_array_add_element (array_copy, bp_json_node_copy (json_array_get_element (array, i)));

        copy = json_node_new (JSON_NODE_ARRAY);
        json_node_take_array (copy, array_copy);
        return copy;
      }

    case JSON_NODE_VALUE:
    case JSON_NODE_NULL:
    default:
      return json_node_copy (node);
    }
}

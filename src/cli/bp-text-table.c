/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-text-table"

#include "config.h"

#include <string.h>

#include "bp-text-table.h"

#define COLUMN_GAP "  "

struct _BpTextTable
{
  guint        n_columns;
  char       **headers;
  BpTextAlign *aligns;
  GPtrArray   *rows;     /* GStrv of n_columns printable cells */
};

BpTextTable *
bp_text_table_new (guint n_columns)
{
  BpTextTable *self;

  g_return_val_if_fail (n_columns > 0, NULL);

  self = g_new0 (BpTextTable, 1);
  self->n_columns = n_columns;
  self->headers = g_new0 (char *, n_columns + 1);
  self->aligns = g_new0 (BpTextAlign, n_columns);
  self->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);

  return self;
}

void
bp_text_table_free (BpTextTable *self)
{
  if (self == NULL)
    return;

  g_strfreev (self->headers);
  g_free (self->aligns);
  g_ptr_array_unref (self->rows);
  g_free (self);
}

char *
bp_text_make_printable (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text != NULL ? text : "", -1);
  GString *printable = g_string_sized_new (strlen (valid));

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c))
        g_string_append_unichar (printable, 0xFFFD);
      else
        g_string_append_unichar (printable, c);
    }

  return g_string_free (printable, FALSE);
}

guint
bp_text_get_width (const char *text)
{
  guint width = 0;

  g_return_val_if_fail (text != NULL, 0);

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iszerowidth (c))
        continue;
      width += g_unichar_iswide (c) ? 2 : 1;
    }

  return width;
}

void
bp_text_table_set_column (BpTextTable *self,
                          guint        column,
                          const char  *header,
                          BpTextAlign  align)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (column < self->n_columns);

  g_free (self->headers[column]);
  self->headers[column] = bp_text_make_printable (header);
  self->aligns[column] = align;
}

void
bp_text_table_add_row (BpTextTable        *self,
                       const char * const *cells)
{
  char **row;

  g_return_if_fail (self != NULL);
  g_return_if_fail (cells != NULL);

  row = g_new0 (char *, self->n_columns + 1);
  for (guint i = 0; i < self->n_columns; i++)
    row[i] = bp_text_make_printable (cells[i]);

  g_ptr_array_add (self->rows, row);
}

static void
append_padding (GString *line,
                guint    count)
{
  for (guint i = 0; i < count; i++)
    g_string_append_c (line, ' ');
}

static void
append_line (GString            *text,
             BpTextTable        *self,
             const char * const *cells,
             const guint        *widths)
{
  g_autoptr(GString) line = g_string_new (NULL);

  for (guint i = 0; i < self->n_columns; i++)
    {
      const char *cell = cells[i] != NULL ? cells[i] : "";
      guint padding = widths[i] - bp_text_get_width (cell);
      gboolean is_last = i + 1 == self->n_columns;

      if (i > 0)
        g_string_append (line, COLUMN_GAP);

      if (self->aligns[i] == BP_TEXT_ALIGN_END)
        {
          append_padding (line, padding);
          g_string_append (line, cell);
        }
      else
        {
          g_string_append (line, cell);
          if (!is_last)
            append_padding (line, padding);
        }
    }

  /* No trailing spaces, whatever the alignment of the last columns. */
  while (line->len > 0 && line->str[line->len - 1] == ' ')
    g_string_truncate (line, line->len - 1);

  g_string_append (text, line->str);
  g_string_append_c (text, '\n');
}

char *
bp_text_table_to_string (BpTextTable *self)
{
  /* g_autofree frees it on every return: scan-build 14 reports a leak at the
   * last one (see build-aux/analyze). */
  g_autofree guint *widths = NULL;
  GString *text;

  g_return_val_if_fail (self != NULL, NULL);

  widths = g_new0 (guint, self->n_columns);
  for (guint i = 0; i < self->n_columns; i++)
    {
      widths[i] = bp_text_get_width (self->headers[i] != NULL ? self->headers[i] : "");

      for (guint r = 0; r < self->rows->len; r++)
        {
          char **row = g_ptr_array_index (self->rows, r);

          widths[i] = MAX (widths[i], bp_text_get_width (row[i]));
        }
    }

  text = g_string_new (NULL);
  append_line (text, self, (const char * const *) self->headers, widths);
  for (guint r = 0; r < self->rows->len; r++)
    append_line (text, self, g_ptr_array_index (self->rows, r), widths);

  return g_string_free (text, FALSE);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  BP_TEXT_ALIGN_START,
  BP_TEXT_ALIGN_END,
} BpTextAlign;

/**
 * BpTextTable:
 *
 * A table for a terminal: a header line, then one line a row, columns
 * padded to the widest cell (in terminal cells: wide characters count two,
 * combining marks none) and two spaces apart. Control characters in a cell
 * (a newline or an escape sequence in an account name) are shown as U+FFFD,
 * so that no cell can move the cursor or change the terminal.
 */
typedef struct _BpTextTable BpTextTable;

BpTextTable *bp_text_table_new        (guint         n_columns);
void         bp_text_table_free       (BpTextTable  *self);
void         bp_text_table_set_column (BpTextTable  *self,
                                       guint         column,
                                       const char   *header,
                                       BpTextAlign   align);
/* Adds a row: @cells holds n_columns strings; a NULL cell is empty. */
void         bp_text_table_add_row    (BpTextTable        *self,
                                       const char * const *cells);
char        *bp_text_table_to_string  (BpTextTable  *self);

/* @text with control characters replaced by U+FFFD. */
char        *bp_text_make_printable   (const char   *text);
/* How many terminal cells @text takes. */
guint        bp_text_get_width        (const char   *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BpTextTable, bp_text_table_free)

G_END_DECLS

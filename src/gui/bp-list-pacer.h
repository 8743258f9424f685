/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define BP_TYPE_LIST_PACER (bp_list_pacer_get_type ())

G_DECLARE_FINAL_TYPE (BpListPacer, bp_list_pacer, BP, LIST_PACER, GObject)

BpListPacer *bp_list_pacer_new         (GListModel  *model,
                                        GtkWidget   *view);
GListModel  *bp_list_pacer_get_model   (BpListPacer *self);
/* How many of the first @n_rows items shown the coming change replaces,
 * counting no further than @enough. */
typedef guint (*BpListPacerCountReplaced) (guint    n_rows,
                                           guint    enough,
                                           gpointer user_data);

void         bp_list_pacer_prepare_change (BpListPacer             *self,
                                           BpListPacerCountReplaced count_replaced,
                                           gpointer                 user_data);
void         bp_list_pacer_prepare_fill (BpListPacer *self);
void         bp_list_pacer_reveal      (BpListPacer *self,
                                        guint        position);
void         bp_list_pacer_scroll_to   (BpListPacer *self,
                                        guint        position);
gboolean     bp_list_pacer_is_complete (BpListPacer *self);
guint        bp_list_pacer_get_n_shown (BpListPacer *self);
void         bp_list_pacer_set_keeps_leftovers (BpListPacer *self,
                                                gboolean     keeps_leftovers);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "bp-account-store.h"

G_BEGIN_DECLS

#define BP_TYPE_WINDOW (bp_window_get_type ())

G_DECLARE_FINAL_TYPE (BpWindow, bp_window, BP, WINDOW, GtkApplicationWindow)

BpWindow       *bp_window_new        (GtkApplication *application,
                                      BpAccountStore *store);
BpAccountStore *bp_window_get_store  (BpWindow       *self);
gboolean        bp_window_is_list_complete (BpWindow   *self);
void            bp_window_show_error (BpWindow       *self,
                                      const char     *message);
/* The same banner for news that is not an error (an import's result). */
void            bp_window_show_message (BpWindow     *self,
                                        const char   *message);

G_END_DECLS

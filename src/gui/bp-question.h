/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* A short modal question with buttons, on GtkAlertDialog where GTK has it
 * (4.10) and on GtkMessageDialog before. The answer is the index of the
 * button pressed; closing the dialog answers @cancel_button. */
void bp_question_ask_async  (GtkWindow           *parent,
                             const char          *heading,
                             const char          *body,
                             const char * const  *buttons,
                             int                  cancel_button,
                             int                  default_button,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data);
int  bp_question_ask_finish (GAsyncResult        *result,
                             GError             **error);

G_END_DECLS

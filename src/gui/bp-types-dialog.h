/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define BP_TYPE_TYPES_DIALOG (bp_types_dialog_get_type ())

G_DECLARE_FINAL_TYPE (BpTypesDialog, bp_types_dialog, BP, TYPES_DIALOG, GtkWindow)

/* The "+" dialog: the account types this build supports. Emits
 * "type-chosen" (GType) once when one is picked, then closes itself;
 * Escape or Cancel close it without a choice. */
BpTypesDialog *bp_types_dialog_new (GtkWindow *parent);

G_END_DECLS

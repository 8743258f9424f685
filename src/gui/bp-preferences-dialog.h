/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define BP_TYPE_PREFERENCES_DIALOG (bp_preferences_dialog_get_type ())

G_DECLARE_FINAL_TYPE (BpPreferencesDialog, bp_preferences_dialog, BP, PREFERENCES_DIALOG, GtkWindow)

/* The Request token settings: the callback port and the authorization
 * timeout, bound to GSettings (changes apply at once). */
BpPreferencesDialog *bp_preferences_dialog_new (GtkWindow *parent,
                                                GSettings *settings);

G_END_DECLS

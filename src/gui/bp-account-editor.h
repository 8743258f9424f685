/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "bp-account.h"

G_BEGIN_DECLS

#define BP_TYPE_ACCOUNT_EDITOR (bp_account_editor_get_type ())

G_DECLARE_INTERFACE (BpAccountEditor, bp_account_editor, BP, ACCOUNT_EDITOR, GtkWidget)

/**
 * BpAccountEditorInterface:
 * @focus_name: moves the keyboard focus to the Name field (a new draft)
 * @focus_first_error: reveals every problem and focuses the first field with an error
 *
 * The Properties form of one account type. The window owns the draft (a copy
 * from bp_account_copy()) and hands it over through the "draft" property; the
 * editor changes the draft as the administrator types, validates it against
 * "accounts" (for unique names) and tells through "has-errors" whether the
 * draft may be saved. Problems of a field show once that field was edited, or
 * all of them after focus_first_error(); "shows-errors" tells whether an error
 * is on show. Apply is insensitive only then: pressed while the errors are
 * still hidden (a new account's empty required fields), it reveals them.
 *
 * Properties every editor implements:
 *   "draft"        BpAccount*, read-write, may be NULL
 *   "accounts"     GListModel* of saved BpAccount, read-write
 *   "has-errors"   gboolean, read-only, notified on change
 *   "shows-errors" gboolean, read-only, notified on change
 */
struct _BpAccountEditorInterface
{
  GTypeInterface parent_iface;

  void (*focus_name)        (BpAccountEditor *self);
  void (*focus_first_error) (BpAccountEditor *self);
};

BpAccount       *bp_account_editor_get_draft             (BpAccountEditor *self);
void             bp_account_editor_set_draft             (BpAccountEditor *self,
                                                          BpAccount       *draft);
gboolean         bp_account_editor_get_has_errors        (BpAccountEditor *self);
gboolean         bp_account_editor_get_shows_errors      (BpAccountEditor *self);
void             bp_account_editor_focus_name            (BpAccountEditor *self);
void             bp_account_editor_focus_first_error     (BpAccountEditor *self);

/* The editor for an account's type; a new type adds one line here. */
BpAccountEditor *bp_account_editor_new_for_account_type  (GType            account_type,
                                                          GListModel      *accounts);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-account-editor"

#include "config.h"

#include "bp-account-editor.h"
#include "bp-salesforce-account.h"
#include "bp-salesforce-editor.h"

G_DEFINE_INTERFACE (BpAccountEditor, bp_account_editor, GTK_TYPE_WIDGET)

static void
bp_account_editor_default_init (BpAccountEditorInterface *iface)
{
  g_object_interface_install_property (iface,
    g_param_spec_object ("draft", NULL, NULL,
                         BP_TYPE_ACCOUNT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_interface_install_property (iface,
    g_param_spec_object ("accounts", NULL, NULL,
                         G_TYPE_LIST_MODEL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_interface_install_property (iface,
    g_param_spec_boolean ("has-errors", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_interface_install_property (iface,
    g_param_spec_boolean ("shows-errors", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
}

BpAccount *
bp_account_editor_get_draft (BpAccountEditor *self)
{
  g_autoptr(BpAccount) draft = NULL;

  g_return_val_if_fail (BP_IS_ACCOUNT_EDITOR (self), NULL);

  /* The editor keeps its own reference; hand out a borrowed pointer. */
  g_object_get (self, "draft", &draft, NULL);
  return draft;
}

void
bp_account_editor_set_draft (BpAccountEditor *self,
                             BpAccount       *draft)
{
  g_return_if_fail (BP_IS_ACCOUNT_EDITOR (self));
  g_return_if_fail (!draft || BP_IS_ACCOUNT (draft));

  g_object_set (self, "draft", draft, NULL);
}

gboolean
bp_account_editor_get_has_errors (BpAccountEditor *self)
{
  gboolean has_errors = FALSE;

  g_return_val_if_fail (BP_IS_ACCOUNT_EDITOR (self), FALSE);

  g_object_get (self, "has-errors", &has_errors, NULL);
  return has_errors;
}

gboolean
bp_account_editor_get_shows_errors (BpAccountEditor *self)
{
  gboolean shows_errors = FALSE;

  g_return_val_if_fail (BP_IS_ACCOUNT_EDITOR (self), FALSE);

  g_object_get (self, "shows-errors", &shows_errors, NULL);
  return shows_errors;
}

void
bp_account_editor_focus_name (BpAccountEditor *self)
{
  g_return_if_fail (BP_IS_ACCOUNT_EDITOR (self));

  BP_ACCOUNT_EDITOR_GET_IFACE (self)->focus_name (self);
}

void
bp_account_editor_focus_first_error (BpAccountEditor *self)
{
  g_return_if_fail (BP_IS_ACCOUNT_EDITOR (self));

  BP_ACCOUNT_EDITOR_GET_IFACE (self)->focus_first_error (self);
}

BpAccountEditor *
bp_account_editor_new_for_account_type (GType       account_type,
                                        GListModel *accounts)
{
  g_return_val_if_fail (g_type_is_a (account_type, BP_TYPE_ACCOUNT), NULL);
  g_return_val_if_fail (!accounts || G_IS_LIST_MODEL (accounts), NULL);

  if (account_type == BP_TYPE_SALESFORCE_ACCOUNT)
    return g_object_new (BP_TYPE_SALESFORCE_EDITOR, "accounts", accounts, NULL);

  g_return_val_if_reached (NULL);
}

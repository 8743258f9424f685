/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "bp-account-editor.h"
#include "bp-list-pacer.h"
#include "bp-pending-token.h"
#include "bp-salesforce-client.h"
#include "bp-token-keeper.h"
#include "bp-window.h"

G_BEGIN_DECLS

/* The window's state, shared by bp-window.c (the page: list, pane, Apply,
 * Cancel, Add, Delete) and bp-window-salesforce.c (what only Salesforce
 * accounts do: Request token, Check limits, revoking on Delete). */
struct _BpWindow
{
  GtkApplicationWindow  parent_instance;

  BpAccountStore       *store;
  GSettings            *settings;
  GCancellable         *cancellable;

  /* Salesforce: Request token and Check limits (bp-window-salesforce.c). */
  BpSalesforceClient   *client;
  BpTokenKeeper        *keeper;
  BpPendingToken       *pending_token;

  /* The list: saved accounts, then the new unsaved draft, sorted, then
   * filtered, then handed to the view a screenful a frame (bp-list-pacer.c). */
  GListStore           *unsaved;
  GtkCustomFilter      *filter;
  GtkFilterListModel   *filtered;
  GtkSortListModel     *sorted;
  BpListPacer          *pacer;
  GtkSingleSelection   *selection;
  guint                 reselect_at;   /* see reselect_current() */
  char                 *search_text;

  /* The pane: the account shown (saved, or the unsaved draft) and its draft. */
  BpAccount            *current;
  BpAccount            *draft;
  BpAccountEditor      *editor;
  GType                 editor_type;
  gboolean              is_modified;
  gboolean              is_applying;
  /* A close, Quit or another account asked for while Apply was writing:
   * settled once the write has ended (settle_changes_async()). */
  GTask                *settle_after_apply;
  gboolean              is_asking;
  gboolean              is_reverting_selection;
  gboolean              close_confirmed;

  /* Keyboard Shortcuts, built the first time it is asked for. */
  GtkWindow            *shortcuts_window;

  /* The account the Delete question is about, and where it was listed. */
  BpAccount            *account_to_delete;
  guint                 delete_position;

  /* Template children */
  GtkMenuButton        *menu_button;
  GMenuModel           *primary_menu;
  GtkRevealer          *banner_revealer;
  GtkLabel             *banner_label;
  GtkSearchEntry       *search_entry;
  GtkStack             *list_stack;
  GtkColumnView        *account_list;
  GtkColumnViewColumn  *name_column;
  GtkColumnViewColumn  *type_column;
  GtkColumnViewColumn  *default_column;
  GtkColumnViewColumn  *token_column;
  GtkPaned             *paned;
  GtkRevealer          *pane_banner_revealer;
  GtkLabel             *pane_banner_label;
  GtkStack             *pane_stack;
  GtkScrolledWindow    *editor_scroller;
};


/* bp-window-salesforce.c */
void     bp_window_salesforce_init            (BpWindow        *self);
void     bp_window_salesforce_dispose         (BpWindow        *self);
void     bp_window_salesforce_attach_editor   (BpWindow        *self,
                                               BpAccountEditor *editor);
void     bp_window_salesforce_update_actions  (BpWindow        *self);
void     bp_window_salesforce_keep_token      (BpWindow        *self);
void     bp_window_salesforce_discard_token   (BpWindow        *self);
void     bp_window_salesforce_discard_token_async  (BpWindow            *self,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
void     bp_window_salesforce_discard_token_finish (BpWindow            *self,
                                                    GAsyncResult        *result);
void     bp_window_salesforce_revoke_async    (BpWindow        *self,
                                               BpAccount       *account,
                                               GAsyncReadyCallback callback,
                                               gpointer         user_data);
void     bp_window_salesforce_revoke_finish   (BpWindow        *self,
                                               GAsyncResult    *result);

/* bp-window-transfer.c: Export… and Import… of the primary menu */
void     bp_window_transfer_class_init        (GtkWidgetClass  *widget_class);
void     bp_window_export_to_file             (BpWindow        *self,
                                               GFile           *file);
void     bp_window_import_from_file           (BpWindow        *self,
                                               GFile           *file);

/* bp-window.c, for bp-window-salesforce.c */
void     bp_window_show_pane_error            (BpWindow        *self,
                                               const char      *message);

G_END_DECLS

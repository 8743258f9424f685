/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "bp-account.h"

G_BEGIN_DECLS

/**
 * BpImportConflict:
 * @BP_IMPORT_CONFLICT_SKIP: an imported account whose name is taken is left out
 * @BP_IMPORT_CONFLICT_RENAME: it is added under a free name ("Name 2")
 * @BP_IMPORT_CONFLICT_REPLACE: its settings replace those of the saved account
 *   of that name, which keeps its id, its keyring items and, unless Url,
 *   Sandbox or Consumer key change, its token
 *
 * What to do when an imported account has the name of a saved one (names
 * compare as the store compares them: ignoring case and surrounding spaces).
 */
typedef enum
{
  BP_IMPORT_CONFLICT_SKIP,
  BP_IMPORT_CONFLICT_RENAME,
  BP_IMPORT_CONFLICT_REPLACE,
} BpImportConflict;

typedef enum
{
  BP_IMPORT_ACTION_ADD,
  BP_IMPORT_ACTION_RENAME,
  BP_IMPORT_ACTION_REPLACE,
  BP_IMPORT_ACTION_SKIP,
} BpImportAction;

/**
 * BpImportDecision:
 * @action: what happens to the imported account
 * @name: its name in the file
 * @draft: (nullable): what is saved (NULL when skipped): a new account, or
 *   for %BP_IMPORT_ACTION_REPLACE one with the saved account's id
 * @saved: (nullable): the saved account of the same name, if any
 * @default_kept_by: (nullable): set when the file made the account the
 *   default but this saved account stays the default of its type
 * @needs_consumer_secret: the account has no consumer secret to use yet
 * @needs_token: the account needs Request token before it can be used
 */
typedef struct
{
  BpImportAction  action;
  char           *name;
  BpAccount      *draft;
  BpAccount      *saved;
  BpAccount      *default_kept_by;
  gboolean        needs_consumer_secret;
  gboolean        needs_token;
} BpImportDecision;

typedef struct _BpImportPlan BpImportPlan;

/* "skip", "rename", "replace". */
gboolean                bp_import_conflict_from_string   (const char        *text,
                                                          BpImportConflict  *conflict);
const char             *bp_import_conflict_to_string     (BpImportConflict   conflict);

/* How many of @imported have the name of an account in @saved_accounts. */
guint                   bp_import_count_conflicts        (GPtrArray         *imported,
                                                          GListModel        *saved_accounts);

/**
 * bp_import_plan_new:
 * @imported: (element-type BpAccount): from bp_account_export_read()
 * @saved_accounts: the store (a GListModel of BpAccount)
 *
 * Decides what happens to each imported account and checks every account
 * to be saved with the editor's rules (bp_account_validate()) against the
 * store as it will be. All or nothing: if one is invalid, or the file names
 * two accounts alike or makes two of a type the default, there is no plan and
 * @error (%BP_ERROR_INVALID) lists every problem.
 *
 * Defaults: an added account the file makes the default is added as not
 * default when the store already has a default of its type (which stays);
 * a replacing one takes the file's choice.
 */
BpImportPlan           *bp_import_plan_new               (GPtrArray         *imported,
                                                          GListModel        *saved_accounts,
                                                          BpImportConflict   conflict,
                                                          GError           **error);
void                    bp_import_plan_free              (BpImportPlan      *plan);

guint                   bp_import_plan_get_n_decisions   (BpImportPlan      *plan);
const BpImportDecision *bp_import_plan_get_decision      (BpImportPlan      *plan,
                                                          guint              position);
/* Returns: (transfer container) (element-type BpAccount): the drafts to save, in file order. */
GPtrArray              *bp_import_plan_get_drafts        (BpImportPlan      *plan);
guint                   bp_import_plan_count             (BpImportPlan      *plan,
                                                          BpImportAction     action);

/* One sentence on the whole import ("Imported 2 of 3 accounts from @source."). */
char                   *bp_import_plan_describe_result   (BpImportPlan      *plan,
                                                          const char        *source);
/* One line for each saved account that still needs a consumer secret or a
 * token ("“Production” needs a consumer secret and a token."), each ending
 * in a newline, each after @indent; NULL when none does. */
char                   *bp_import_plan_describe_needs    (BpImportPlan      *plan,
                                                          const char        *indent);

/* One sentence on what happened to the account ("Added “Production”."). */
char                   *bp_import_decision_describe      (const BpImportDecision *decision);
/* What the account still needs ("a consumer secret and a token"), or NULL. */
char                   *bp_import_decision_describe_needs (const BpImportDecision *decision);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BpImportPlan, bp_import_plan_free)

G_END_DECLS

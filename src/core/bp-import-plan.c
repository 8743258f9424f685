/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-import-plan"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "bp-account-export.h"
#include "bp-account-private.h"
#include "bp-error.h"
#include "bp-import-plan.h"
#include "bp-salesforce-account.h"

/* The conflict rules of an import, decided before anything is saved: which
 * imported account is added, renamed, replaces a saved one or is skipped,
 * and whether every account to save passes the editor's rules. */

struct _BpImportPlan
{
  GPtrArray *decisions;   /* BpImportDecision */
};

static const char * const conflict_names[] = {
  [BP_IMPORT_CONFLICT_SKIP] = "skip",
  [BP_IMPORT_CONFLICT_RENAME] = "rename",
  [BP_IMPORT_CONFLICT_REPLACE] = "replace",
};

gboolean
bp_import_conflict_from_string (const char       *text,
                                BpImportConflict *conflict)
{
  g_return_val_if_fail (conflict != NULL, FALSE);

  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (conflict_names); i++)
    {
      if (g_ascii_strcasecmp (text, conflict_names[i]) == 0)
        {
          *conflict = i;
          return TRUE;
        }
    }

  return FALSE;
}

const char *
bp_import_conflict_to_string (BpImportConflict conflict)
{
  g_return_val_if_fail (conflict < G_N_ELEMENTS (conflict_names), NULL);

  return conflict_names[conflict];
}

static void
decision_free (BpImportDecision *decision)
{
  g_free (decision->name);
  g_clear_object (&decision->draft);
  g_clear_object (&decision->saved);
  g_clear_object (&decision->default_kept_by);
  g_free (decision);
}

void
bp_import_plan_free (BpImportPlan *plan)
{
  if (plan == NULL)
    return;

  g_clear_pointer (&plan->decisions, g_ptr_array_unref);
  g_free (plan);
}

/* Returns: (transfer full) (nullable) */
static BpAccount *
find_by_name (GListModel *accounts,
              const char *name)
{
  guint n_items = g_list_model_get_n_items (accounts);

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(BpAccount) account = g_list_model_get_item (accounts, i);

      if (bp_account_is_same_name (bp_account_get_name (account), name))
        return g_steal_pointer (&account);
    }

  return NULL;
}

guint
bp_import_count_conflicts (GPtrArray  *imported,
                           GListModel *saved_accounts)
{
  guint count = 0;

  g_return_val_if_fail (imported != NULL, 0);
  g_return_val_if_fail (G_IS_LIST_MODEL (saved_accounts), 0);

  for (guint i = 0; i < imported->len; i++)
    {
      g_autoptr(BpAccount) saved = find_by_name (saved_accounts, bp_account_get_name (g_ptr_array_index (imported, i)));

      if (saved != NULL)
        count++;
    }

  return count;
}

static gboolean
is_name_taken (const char *name,
               GListModel *saved_accounts,
               GPtrArray  *imported,
               GPtrArray  *decisions)
{
  g_autoptr(BpAccount) saved = find_by_name (saved_accounts, name);

  if (saved != NULL)
    return TRUE;

  for (guint i = 0; i < imported->len; i++)
    if (bp_account_is_same_name (bp_account_get_name (g_ptr_array_index (imported, i)), name))
      return TRUE;

  for (guint i = 0; i < decisions->len; i++)
    {
      BpImportDecision *decision = g_ptr_array_index (decisions, i);

      if (decision->draft != NULL && bp_account_is_same_name (bp_account_get_name (decision->draft), name))
        return TRUE;
    }

  return FALSE;
}

/* "Name 2", "Name 3"…: the store's own pattern for free names. */
static char *
make_free_name (const char *name,
                GListModel *saved_accounts,
                GPtrArray  *imported,
                GPtrArray  *decisions)
{
  g_autofree char *base = bp_account_strip_text (name);

  for (guint n = 2; ; n++)
    {
      g_autofree char *candidate = g_strdup_printf ("%s %u", base, n);

      if (!is_name_taken (candidate, saved_accounts, imported, decisions))
        return g_steal_pointer (&candidate);
    }
}

/* The file on its own: two accounts named alike, or two defaults of a type,
 * cannot both be saved whatever the store holds. */
static void
check_file (GPtrArray *imported,
            GString   *problems)
{
  g_autoptr(GHashTable) defaults = g_hash_table_new (NULL, NULL);

  for (guint i = 0; i < imported->len; i++)
    {
      BpAccount *account = g_ptr_array_index (imported, i);
      const char *name = bp_account_get_name (account);

      for (guint j = 0; j < i; j++)
        {
          if (bp_account_is_same_name (bp_account_get_name (g_ptr_array_index (imported, j)), name))
            {
              g_string_append_printf (problems, _("The file has more than one account named “%s”."), name);
              g_string_append_c (problems, '\n');
              break;
            }
        }

      if (bp_account_get_is_default (account))
        {
          BpAccount *first = g_hash_table_lookup (defaults, GSIZE_TO_POINTER (G_OBJECT_TYPE (account)));

          if (first != NULL)
            {
              g_string_append_printf (problems, _("The file makes both “%s” and “%s” the default %s account."),
                                      bp_account_get_name (first), name, bp_account_get_type_name (account));
              g_string_append_c (problems, '\n');
            }
          else
            {
              g_hash_table_insert (defaults, GSIZE_TO_POINTER (G_OBJECT_TYPE (account)), account);
            }
        }
    }
}

static BpImportDecision *
decide (BpAccount        *imported_account,
        GListModel       *saved_accounts,
        BpImportConflict  conflict,
        GPtrArray        *imported,
        GPtrArray        *decisions,
        GString          *problems)
{
  g_autoptr(GError) error = NULL;
  BpImportDecision *decision = g_new0 (BpImportDecision, 1);

  decision->name = g_strdup (bp_account_get_name (imported_account));
  decision->saved = find_by_name (saved_accounts, decision->name);

  if (decision->saved == NULL)
    {
      decision->action = BP_IMPORT_ACTION_ADD;
      decision->draft = bp_account_copy (imported_account);
      return decision;
    }

  switch (conflict)
    {
    case BP_IMPORT_CONFLICT_SKIP:
      decision->action = BP_IMPORT_ACTION_SKIP;
      break;

    case BP_IMPORT_CONFLICT_RENAME:
      {
        g_autofree char *name = make_free_name (decision->name, saved_accounts, imported, decisions);

        decision->action = BP_IMPORT_ACTION_RENAME;
        decision->draft = bp_account_copy (imported_account);
        bp_account_set_name (decision->draft, name);
      }
      break;

    case BP_IMPORT_CONFLICT_REPLACE:
    default:
      decision->action = BP_IMPORT_ACTION_REPLACE;
      if (G_OBJECT_TYPE (decision->saved) != G_OBJECT_TYPE (imported_account))
        {
          g_string_append_printf (problems,
                                  _("“%s” cannot replace the saved account of that name: that one is a %s account."),
                                  decision->name, bp_account_get_type_name (decision->saved));
          g_string_append_c (problems, '\n');
          break;
        }

      decision->draft = bp_account_export_make_replacement (imported_account, decision->saved, &error);
      if (decision->draft == NULL)
        {
          g_string_append_printf (problems, "“%s”: %s", decision->name, error->message);
          g_string_append_c (problems, '\n');
          break;
        }

      /* As Apply does: a token that now belongs to another host or app
       * needs to be requested again. */
      bp_account_applied_over (decision->draft, decision->saved);
      break;
    }

  return decision;
}

static gboolean
is_replaced (GPtrArray *decisions,
             BpAccount *saved)
{
  for (guint i = 0; i < decisions->len; i++)
    {
      BpImportDecision *decision = g_ptr_array_index (decisions, i);

      if (decision->action == BP_IMPORT_ACTION_REPLACE && decision->saved == saved)
        return TRUE;
    }

  return FALSE;
}

/* An added account keeps "default" only when the store has no default of
 * its type left: the administrator's current choice is not taken away by a
 * file. A replacing account takes the file's choice (the store then clears
 * the others of its type, as Apply does). */
static void
settle_defaults (GPtrArray  *decisions,
                 GListModel *saved_accounts)
{
  guint n_items = g_list_model_get_n_items (saved_accounts);

  for (guint i = 0; i < decisions->len; i++)
    {
      BpImportDecision *decision = g_ptr_array_index (decisions, i);

      if (decision->draft == NULL || decision->action == BP_IMPORT_ACTION_REPLACE
          || !bp_account_get_is_default (decision->draft))
        continue;

      for (guint j = 0; j < n_items; j++)
        {
          g_autoptr(BpAccount) saved = g_list_model_get_item (saved_accounts, j);

          if (G_OBJECT_TYPE (saved) == G_OBJECT_TYPE (decision->draft) && bp_account_get_is_default (saved)
              && !is_replaced (decisions, saved))
            {
              bp_account_set_is_default (decision->draft, FALSE);
              g_set_object (&decision->default_kept_by, saved);
              break;
            }
        }
    }
}

/* What the store will hold: saved accounts (replaced ones by their
 * drafts), then the new ones. */
static GListModel *
make_store_after (GPtrArray  *decisions,
                  GListModel *saved_accounts)
{
  GListStore *after = g_list_store_new (BP_TYPE_ACCOUNT);
  guint n_items = g_list_model_get_n_items (saved_accounts);

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(BpAccount) saved = g_list_model_get_item (saved_accounts, i);
      BpAccount *item = saved;

      for (guint j = 0; j < decisions->len; j++)
        {
          BpImportDecision *decision = g_ptr_array_index (decisions, j);

          if (decision->action == BP_IMPORT_ACTION_REPLACE && decision->saved == saved && decision->draft != NULL)
            item = decision->draft;
        }

      g_list_store_append (after, item);
    }

  for (guint i = 0; i < decisions->len; i++)
    {
      BpImportDecision *decision = g_ptr_array_index (decisions, i);

      if (decision->action == BP_IMPORT_ACTION_ADD || decision->action == BP_IMPORT_ACTION_RENAME)
        g_list_store_append (after, decision->draft);
    }

  return G_LIST_MODEL (after);
}

static void
validate_drafts (GPtrArray  *decisions,
                 GListModel *saved_accounts,
                 GString    *problems)
{
  g_autoptr(GListModel) after = make_store_after (decisions, saved_accounts);

  for (guint i = 0; i < decisions->len; i++)
    {
      BpImportDecision *decision = g_ptr_array_index (decisions, i);
      g_autoptr(GPtrArray) found = NULL;
      g_autofree char *details = NULL;
      g_auto(GStrv) lines = NULL;

      if (decision->draft == NULL)
        continue;

      found = bp_account_validate (decision->draft, after);
      if (!bp_problems_has_errors (found))
        continue;

      details = bp_problems_to_string (found, BP_SEVERITY_ERROR);
      lines = g_strsplit (details, "\n", -1);
      for (guint j = 0; lines[j] != NULL; j++)
        {
          g_string_append_printf (problems, "“%s”: %s", bp_account_get_name (decision->draft), lines[j]);
          g_string_append_c (problems, '\n');
        }
    }
}

static void
settle_needs (BpImportDecision *decision)
{
  if (decision->draft == NULL)
    return;

  if (decision->action != BP_IMPORT_ACTION_REPLACE)
    {
      /* A new account: nothing of it is in the keyring. */
      decision->needs_consumer_secret = TRUE;
      decision->needs_token = TRUE;
      return;
    }

  /* A replaced account keeps its keyring items; the secret belongs to the
   * consumer key it was typed for. */
  if (BP_IS_SALESFORCE_ACCOUNT (decision->draft))
    {
      BpSalesforceAccount *draft = BP_SALESFORCE_ACCOUNT (decision->draft);
      BpSalesforceAccount *saved = BP_SALESFORCE_ACCOUNT (decision->saved);

      decision->needs_consumer_secret = g_strcmp0 (bp_salesforce_account_get_consumer_key (draft),
                                                   bp_salesforce_account_get_consumer_key (saved)) != 0;
      decision->needs_token = bp_salesforce_account_get_token_state (draft) != BP_TOKEN_STATE_VALID;
    }
}

BpImportPlan *
bp_import_plan_new (GPtrArray         *imported,
                    GListModel        *saved_accounts,
                    BpImportConflict   conflict,
                    GError           **error)
{
  g_autoptr(GString) problems = g_string_new (NULL);
  g_autoptr(GPtrArray) decisions = NULL;
  BpImportPlan *plan;

  g_return_val_if_fail (imported != NULL, NULL);
  g_return_val_if_fail (G_IS_LIST_MODEL (saved_accounts), NULL);
  g_return_val_if_fail (conflict < G_N_ELEMENTS (conflict_names), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  check_file (imported, problems);

  decisions = g_ptr_array_new_with_free_func ((GDestroyNotify) decision_free);
  if (problems->len == 0)
    {
      for (guint i = 0; i < imported->len; i++)
        g_ptr_array_add (decisions, decide (g_ptr_array_index (imported, i), saved_accounts, conflict,
                                            imported, decisions, problems));
    }

  if (problems->len == 0)
    {
      settle_defaults (decisions, saved_accounts);
      validate_drafts (decisions, saved_accounts, problems);
    }

  if (problems->len > 0)
    {
      g_string_truncate (problems, problems->len - 1);
      g_set_error (error, BP_ERROR, BP_ERROR_INVALID,
                   _("Nothing was imported, because not every account in the file can be saved:\n%s"),
                   problems->str);
      return NULL;
    }

  for (guint i = 0; i < decisions->len; i++)
    settle_needs (g_ptr_array_index (decisions, i));

  plan = g_new0 (BpImportPlan, 1);
  plan->decisions = g_steal_pointer (&decisions);
  return plan;
}

guint
bp_import_plan_get_n_decisions (BpImportPlan *plan)
{
  g_return_val_if_fail (plan != NULL, 0);

  return plan->decisions->len;
}

const BpImportDecision *
bp_import_plan_get_decision (BpImportPlan *plan,
                             guint         position)
{
  g_return_val_if_fail (plan != NULL, NULL);
  g_return_val_if_fail (position < plan->decisions->len, NULL);

  return g_ptr_array_index (plan->decisions, position);
}

GPtrArray *
bp_import_plan_get_drafts (BpImportPlan *plan)
{
  GPtrArray *drafts;

  g_return_val_if_fail (plan != NULL, NULL);

  drafts = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < plan->decisions->len; i++)
    {
      BpImportDecision *decision = g_ptr_array_index (plan->decisions, i);

      if (decision->draft != NULL)
        g_ptr_array_add (drafts, g_object_ref (decision->draft));
    }

  return drafts;
}

guint
bp_import_plan_count (BpImportPlan   *plan,
                      BpImportAction  action)
{
  guint count = 0;

  g_return_val_if_fail (plan != NULL, 0);

  for (guint i = 0; i < plan->decisions->len; i++)
    {
      BpImportDecision *decision = g_ptr_array_index (plan->decisions, i);

      if (decision->action == action)
        count++;
    }

  return count;
}

char *
bp_import_decision_describe (const BpImportDecision *decision)
{
  GString *text = g_string_new (NULL);

  g_return_val_if_fail (decision != NULL, NULL);

  switch (decision->action)
    {
    case BP_IMPORT_ACTION_ADD:
      g_string_append_printf (text, _("Added “%s”."), decision->name);
      break;

    case BP_IMPORT_ACTION_RENAME:
      g_string_append_printf (text, _("Added “%s” as “%s”: the name is taken."),
                              decision->name, bp_account_get_name (decision->draft));
      break;

    case BP_IMPORT_ACTION_REPLACE:
      g_string_append_printf (text, _("Replaced the settings of “%s” with those in the file."), decision->name);
      break;

    case BP_IMPORT_ACTION_SKIP:
    default:
      g_string_append_printf (text, _("Skipped “%s”: an account of that name exists."), decision->name);
      break;
    }

  if (decision->default_kept_by != NULL)
    {
      g_string_append_c (text, ' ');
      g_string_append_printf (text, _("It is not the default account: “%s” stays the default."),
                              bp_account_get_name (decision->default_kept_by));
    }

  return g_string_free (text, FALSE);
}

char *
bp_import_decision_describe_needs (const BpImportDecision *decision)
{
  g_return_val_if_fail (decision != NULL, NULL);

  if (decision->needs_consumer_secret && decision->needs_token)
    return g_strdup (_("a consumer secret and a token"));
  if (decision->needs_consumer_secret)
    return g_strdup (_("a consumer secret"));
  if (decision->needs_token)
    return g_strdup (_("a token"));

  return NULL;
}

char *
bp_import_plan_describe_result (BpImportPlan *plan,
                                const char   *source)
{
  guint n_decisions;
  guint n_saved;

  g_return_val_if_fail (plan != NULL, NULL);
  g_return_val_if_fail (source != NULL, NULL);

  n_decisions = plan->decisions->len;
  n_saved = n_decisions - bp_import_plan_count (plan, BP_IMPORT_ACTION_SKIP);

  if (n_decisions == 0)
    return g_strdup_printf (_("%s holds no account; nothing was imported."), source);

  if (n_saved == 0)
    return g_strdup_printf (ngettext ("Nothing was imported from %s: its account was skipped.",
                                      "Nothing was imported from %s: its %u accounts were skipped.",
                                      n_decisions),
                            source, n_decisions);

  return g_strdup_printf (ngettext ("Imported %u of %u account from %s.",
                                    "Imported %u of %u accounts from %s.", n_decisions),
                          n_saved, n_decisions, source);
}

char *
bp_import_plan_describe_needs (BpImportPlan *plan,
                               const char   *indent)
{
  GString *text;

  g_return_val_if_fail (plan != NULL, NULL);

  text = g_string_new (NULL);
  for (guint i = 0; i < plan->decisions->len; i++)
    {
      const BpImportDecision *decision = g_ptr_array_index (plan->decisions, i);
      g_autofree char *what = bp_import_decision_describe_needs (decision);

      if (what == NULL)
        continue;

      g_string_append (text, indent != NULL ? indent : "");
      /* TRANSLATORS: an account name and what it still needs, e.g. "a consumer secret and a token" */
      g_string_append_printf (text, _("“%s” needs %s."), bp_account_get_name (decision->draft), what);
      g_string_append_c (text, '\n');
    }

  if (text->len == 0)
    {
      g_string_free (text, TRUE);
      return NULL;
    }

  return g_string_free (text, FALSE);
}

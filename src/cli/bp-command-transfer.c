/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-command"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "bp-account-export.h"
#include "bp-command-private.h"
#include "bp-import-plan.h"

/* --export FILE [NAME…] and --import FILE [--on-conflict=MODE]: the export
 * file format is bp-account-export's, the conflict rules bp-import-plan's;
 * an import is saved as one batch of the store (all or nothing). */

/* ------------------------------------------------------------------ */
/* Export                                                              */

static void
export_written_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  BpCommandRun *run = g_task_get_task_data (task);
  guint n_accounts = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (task), "n-accounts"));
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_file_get_parse_name (G_FILE (object));
  g_autofree char *message = NULL;

  if (!g_file_replace_contents_finish (G_FILE (object), result, NULL, &error))
    {
      message = g_strdup_printf (_("%s could not be written: %s"), name, error->message);
      bp_command_fail (task, BP_EXIT_ACCOUNT, message);
      return;
    }

  g_application_command_line_print (run->command_line,
                                    ngettext ("Exported %u account to %s.\n", "Exported %u accounts to %s.\n",
                                              n_accounts),
                                    n_accounts, name);
  g_application_command_line_print (run->command_line, "%s\n",
                                    _("The file holds no consumer secret and no token: after an import, "
                                      "type each account's Consumer secret and press Request token."));
  bp_command_return (task, BP_EXIT_OK);
}

void
bp_command_export (GTask *task)
{
  BpCommand *self = g_task_get_source_object (task);
  BpCommandRun *run = g_task_get_task_data (task);
  g_autoptr(GPtrArray) accounts = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GFile) file = NULL;
  g_autoptr(GBytes) bytes = NULL;
  char *data;
  gsize length = 0;

  if (self->names != NULL && self->names[0] != NULL)
    {
      for (guint i = 0; self->names[i] != NULL; i++)
        {
          BpAccount *account = bp_account_store_find_by_name (run->store, self->names[i]);

          if (account == NULL)
            {
              g_autofree char *message =
                g_strdup_printf (_("There is no account named “%s”, so nothing was exported; --list shows "
                                   "the names."), self->names[i]);

              bp_command_fail (task, BP_EXIT_ACCOUNT, message);
              return;
            }

          if (!g_ptr_array_find (accounts, account, NULL))
            g_ptr_array_add (accounts, g_object_ref (account));
        }
    }
  else
    {
      guint n_items = g_list_model_get_n_items (G_LIST_MODEL (run->store));

      for (guint i = 0; i < n_items; i++)
        g_ptr_array_add (accounts, g_list_model_get_item (G_LIST_MODEL (run->store), i));
    }

  data = bp_account_export_write (accounts, NULL, &length);

  /* "-": the file is the standard output (messages go to stderr). */
  if (g_str_equal (self->file_arg, "-"))
    {
      g_application_command_line_print (run->command_line, "%s\n", data);
      g_free (data);
      bp_command_return (task, BP_EXIT_OK);
      return;
    }

  bytes = g_bytes_new_take (data, length);
  file = g_application_command_line_create_file_for_arg (run->command_line, self->file_arg);
  g_object_set_data (G_OBJECT (task), "n-accounts", GUINT_TO_POINTER (accounts->len));
  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_NONE,
                                       g_task_get_cancellable (task), export_written_cb, task);
}

/* ------------------------------------------------------------------ */
/* Import                                                              */

typedef struct
{
  GTask        *task;
  GFile        *file;
  BpImportPlan *plan;
} Import;

static void
import_free (Import *import)
{
  g_clear_object (&import->file);
  g_clear_pointer (&import->plan, bp_import_plan_free);
  g_free (import);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Import, import_free)

static void
print_report (Import *import)
{
  BpCommand *self = g_task_get_source_object (import->task);
  BpCommandRun *run = g_task_get_task_data (import->task);
  g_autofree char *name = g_file_get_parse_name (import->file);
  g_autofree char *needs = NULL;

  for (guint i = 0; i < bp_import_plan_get_n_decisions (import->plan); i++)
    {
      g_autofree char *line = bp_import_decision_describe (bp_import_plan_get_decision (import->plan, i));

      g_application_command_line_print (run->command_line, "%s\n", line);
    }

  self->summary = bp_import_plan_describe_result (import->plan, name);
  g_application_command_line_print (run->command_line, "%s\n", self->summary);

  needs = bp_import_plan_describe_needs (import->plan, "  ");
  if (needs != NULL)
    {
      g_application_command_line_print (run->command_line, "%s\n%s", _("Before they can be used:"), needs);
      g_application_command_line_print (run->command_line, "%s\n",
                                        _("Open each in Integration Accounts, type its Consumer secret if it "
                                          "needs one and press Apply, then press Request token."));
    }
}

static void
batch_applied_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(Import) import = user_data;
  g_autoptr(GError) error = NULL;

  if (!bp_account_store_apply_batch_finish (BP_ACCOUNT_STORE (object), result, &error))
    {
      g_autofree char *message = g_strdup_printf (_("Nothing was imported: %s"), error->message);

      bp_command_fail (g_steal_pointer (&import->task), BP_EXIT_ACCOUNT, message);
      return;
    }

  print_report (import);
  bp_command_return (g_steal_pointer (&import->task), BP_EXIT_OK);
}

static void
import_loaded_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(Import) import = user_data;
  BpCommand *self = g_task_get_source_object (import->task);
  BpCommandRun *run = g_task_get_task_data (import->task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) imported = NULL;
  g_autoptr(GPtrArray) drafts = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *name = g_file_get_parse_name (import->file);
  GCancellable *cancellable;
  gsize length = 0;

  if (!g_file_load_contents_finish (import->file, result, &contents, &length, NULL, &error))
    {
      g_autofree char *message = g_strdup_printf (_("%s could not be read: %s"), name, error->message);

      bp_command_fail (g_steal_pointer (&import->task), BP_EXIT_ACCOUNT, message);
      return;
    }

  imported = bp_account_export_read (contents, length, &error);
  if (imported != NULL)
    import->plan = bp_import_plan_new (imported, G_LIST_MODEL (run->store), self->conflict, &error);

  if (import->plan == NULL)
    {
      g_autofree char *message = g_strdup_printf ("%s: %s", name, error->message);

      bp_command_fail (g_steal_pointer (&import->task), BP_EXIT_ACCOUNT, message);
      return;
    }

  drafts = bp_import_plan_get_drafts (import->plan);
  if (drafts->len == 0)
    {
      print_report (import);
      bp_command_return (g_steal_pointer (&import->task), BP_EXIT_OK);
      return;
    }

  cancellable = g_task_get_cancellable (import->task);
  bp_account_store_apply_batch_async (run->store, drafts, cancellable, batch_applied_cb, g_steal_pointer (&import));
}

void
bp_command_import (GTask *task)
{
  BpCommand *self = g_task_get_source_object (task);
  BpCommandRun *run = g_task_get_task_data (task);
  Import *import = g_new0 (Import, 1);

  import->task = task;
  import->file = g_application_command_line_create_file_for_arg (run->command_line, self->file_arg);
  g_file_load_contents_async (import->file, g_task_get_cancellable (task), import_loaded_cb, import);
}

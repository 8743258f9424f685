/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-command"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "bp-account-listing.h"
#include "bp-command-private.h"

G_DEFINE_FINAL_TYPE (BpCommand, bp_command, G_TYPE_OBJECT)

/* ------------------------------------------------------------------ */
/* Parsing                                                             */

static gboolean
usage_error (GError     **error,
             const char  *message)
{
  g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, message);
  return FALSE;
}

/* "80", "80.5", "80%": a percent from 0 up. */
static gboolean
parse_percent (const char *text,
               double     *percent)
{
  g_autofree char *copy = g_strstrip (g_strdup (text));
  char *end = NULL;
  double value;

  if (g_str_has_suffix (copy, "%"))
    {
      copy[strlen (copy) - 1] = '\0';
      g_strchomp (copy);
    }

  if (*copy == '\0')
    return FALSE;

  value = g_ascii_strtod (copy, &end);
  if (end == NULL || *end != '\0' || !isfinite (value) || value < 0)
    return FALSE;

  *percent = value;
  return TRUE;
}

static gboolean
parse_options (BpCommand     *self,
               GVariantDict  *options,
               GError       **error)
{
  g_autofree char *check_limits = NULL;
  g_autofree char *export_file = NULL;
  g_autofree char *import_file = NULL;
  g_autofree char *warn_above = NULL;
  g_autofree char *on_conflict = NULL;
  g_auto(GStrv) remaining = NULL;
  gboolean version = FALSE;
  gboolean list = FALSE;
  guint n_commands;

  g_variant_dict_lookup (options, "version", "b", &version);
  g_variant_dict_lookup (options, "list", "b", &list);
  g_variant_dict_lookup (options, "check-limits", "s", &check_limits);
  g_variant_dict_lookup (options, "export", "^ay", &export_file);
  g_variant_dict_lookup (options, "import", "^ay", &import_file);
  g_variant_dict_lookup (options, "json", "b", &self->json);
  g_variant_dict_lookup (options, "warn-above", "s", &warn_above);
  g_variant_dict_lookup (options, "on-conflict", "s", &on_conflict);
  g_variant_dict_lookup (options, G_OPTION_REMAINING, "^as", &remaining);

  n_commands = !!version + !!list + (check_limits != NULL) + (export_file != NULL) + (import_file != NULL);
  if (n_commands > 1)
    return usage_error (error, _("Give one command at a time: --list, --check-limits, --export, --import "
                                 "or --version."));

  if (version)
    self->kind = BP_COMMAND_KIND_VERSION;
  else if (list)
    self->kind = BP_COMMAND_KIND_LIST;
  else if (check_limits != NULL)
    self->kind = BP_COMMAND_KIND_CHECK_LIMITS;
  else if (export_file != NULL)
    self->kind = BP_COMMAND_KIND_EXPORT;
  else if (import_file != NULL)
    self->kind = BP_COMMAND_KIND_IMPORT;
  else
    self->kind = BP_COMMAND_KIND_NONE;

  if (self->json && self->kind != BP_COMMAND_KIND_LIST && self->kind != BP_COMMAND_KIND_CHECK_LIMITS)
    return usage_error (error, _("--json goes with --list or --check-limits."));

  if (warn_above != NULL && self->kind != BP_COMMAND_KIND_CHECK_LIMITS)
    return usage_error (error, _("--warn-above goes with --check-limits."));

  if (on_conflict != NULL && self->kind != BP_COMMAND_KIND_IMPORT)
    return usage_error (error, _("--on-conflict goes with --import."));

  if (remaining != NULL && remaining[0] != NULL && self->kind != BP_COMMAND_KIND_EXPORT)
    {
      g_autofree char *message = NULL;

      if (self->kind == BP_COMMAND_KIND_NONE)
        message = g_strdup_printf (_("“%s” is not a command; the application opens no files."), remaining[0]);
      else
        message = g_strdup_printf (_("Unexpected argument “%s”: only --export takes account names after "
                                     "its file."), remaining[0]);
      return usage_error (error, message);
    }

  if (check_limits != NULL)
    {
      g_strstrip (check_limits);
      if (*check_limits == '\0')
        return usage_error (error, _("--check-limits needs the name of an account (--list shows them)."));
      self->account_name = g_steal_pointer (&check_limits);
    }

  if (export_file != NULL || import_file != NULL)
    {
      self->file_arg = export_file != NULL ? g_steal_pointer (&export_file) : g_steal_pointer (&import_file);
      if (*self->file_arg == '\0')
        return usage_error (error, _("--export and --import need a file name."));
    }

  if (warn_above != NULL && !parse_percent (warn_above, &self->warn_above))
    {
      g_autofree char *message = g_strdup_printf (_("--warn-above takes a percent such as 80, not “%s”."),
                                                  warn_above);

      return usage_error (error, message);
    }

  if (on_conflict != NULL && !bp_import_conflict_from_string (on_conflict, &self->conflict))
    {
      g_autofree char *message = g_strdup_printf (_("--on-conflict is skip, rename or replace, not “%s”."),
                                                  on_conflict);

      return usage_error (error, message);
    }

  if (self->kind == BP_COMMAND_KIND_EXPORT && remaining != NULL)
    self->names = g_steal_pointer (&remaining);

  return TRUE;
}

BpCommand *
bp_command_new_from_options (GVariantDict  *options,
                             GError       **error)
{
  g_autoptr(BpCommand) self = NULL;

  g_return_val_if_fail (options != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (BP_TYPE_COMMAND, NULL);
  if (!parse_options (self, options, error))
    return NULL;

  return g_steal_pointer (&self);
}

BpCommandKind
bp_command_get_kind (BpCommand *self)
{
  g_return_val_if_fail (BP_IS_COMMAND (self), BP_COMMAND_KIND_NONE);

  return self->kind;
}

const char *
bp_command_get_summary (BpCommand *self)
{
  g_return_val_if_fail (BP_IS_COMMAND (self), NULL);

  return self->summary;
}

/* ------------------------------------------------------------------ */
/* Running                                                             */

static void
command_run_free (BpCommandRun *run)
{
  g_clear_object (&run->command_line);
  g_clear_object (&run->store);
  g_free (run);
}

void
bp_command_return (GTask        *task,
                   BpExitStatus  status)
{
  g_task_return_int (task, status);
  g_object_unref (task);
}

void
bp_command_fail (GTask        *task,
                 BpExitStatus  status,
                 const char   *message)
{
  BpCommandRun *run = g_task_get_task_data (task);

  g_application_command_line_printerr (run->command_line, "%s\n", message);
  bp_command_return (task, status);
}

static void
list_accounts (GTask *task)
{
  BpCommand *self = g_task_get_source_object (task);
  BpCommandRun *run = g_task_get_task_data (task);
  g_autofree char *text = NULL;

  if (self->json)
    text = bp_account_listing_to_json (G_LIST_MODEL (run->store), NULL);
  else
    text = bp_account_listing_to_text (G_LIST_MODEL (run->store), NULL);

  g_application_command_line_print (run->command_line, "%s", text);
  bp_command_return (task, BP_EXIT_OK);
}

/**
 * bp_command_run_async:
 * @command_line: where the output goes and relative file names start
 * @store: a loaded store
 *
 * Runs the command. Its output and its messages go to @command_line's
 * stdout and stderr; the finish function returns the exit status.
 */
void
bp_command_run_async (BpCommand               *self,
                      GApplicationCommandLine *command_line,
                      BpAccountStore          *store,
                      GCancellable            *cancellable,
                      GAsyncReadyCallback      callback,
                      gpointer                 user_data)
{
  GTask *task;
  BpCommandRun *run;

  g_return_if_fail (BP_IS_COMMAND (self));
  g_return_if_fail (G_IS_APPLICATION_COMMAND_LINE (command_line));
  g_return_if_fail (BP_IS_ACCOUNT_STORE (store));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  run = g_new0 (BpCommandRun, 1);
  run->command_line = g_object_ref (command_line);
  run->store = g_object_ref (store);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bp_command_run_async);
  g_task_set_task_data (task, run, (GDestroyNotify) command_run_free);

  g_clear_pointer (&self->summary, g_free);

  switch (self->kind)
    {
    case BP_COMMAND_KIND_LIST:
      list_accounts (task);
      break;

    case BP_COMMAND_KIND_CHECK_LIMITS:
      bp_command_check_limits (task);
      break;

    case BP_COMMAND_KIND_EXPORT:
      bp_command_export (task);
      break;

    case BP_COMMAND_KIND_IMPORT:
      bp_command_import (task);
      break;

    case BP_COMMAND_KIND_VERSION:
      g_application_command_line_print (command_line, "%s %s\n", _("Integration Accounts"), PACKAGE_VERSION);
      bp_command_return (task, BP_EXIT_OK);
      break;

    case BP_COMMAND_KIND_NONE:
    default:
      bp_command_return (task, BP_EXIT_OK);
      break;
    }
}

BpExitStatus
bp_command_run_finish (BpCommand    *self,
                       GAsyncResult *result)
{
  g_autoptr(GError) error = NULL;
  gssize status;

  g_return_val_if_fail (BP_IS_COMMAND (self), BP_EXIT_USAGE);
  g_return_val_if_fail (g_task_is_valid (result, self), BP_EXIT_USAGE);

  status = g_task_propagate_int (G_TASK (result), &error);
  if (status < 0)
    return BP_EXIT_ACCOUNT;

  return (BpExitStatus) status;
}

/* ------------------------------------------------------------------ */
/* GObject                                                             */

static void
bp_command_finalize (GObject *object)
{
  BpCommand *self = BP_COMMAND (object);

  g_free (self->account_name);
  g_free (self->file_arg);
  g_strfreev (self->names);
  g_free (self->summary);

  G_OBJECT_CLASS (bp_command_parent_class)->finalize (object);
}

static void
bp_command_class_init (BpCommandClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = bp_command_finalize;
}

static void
bp_command_init (BpCommand *self)
{
  self->warn_above = -1;
  self->conflict = BP_IMPORT_CONFLICT_SKIP;
}

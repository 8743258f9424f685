/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "bp-command.h"
#include "bp-import-plan.h"

G_BEGIN_DECLS

/* The command's state, shared by bp-command.c (parsing, running, --list),
 * bp-command-limits.c (--check-limits) and bp-command-transfer.c (--export,
 * --import). */
struct _BpCommand
{
  GObject           parent_instance;

  BpCommandKind     kind;
  char             *account_name;   /* --check-limits NAME */
  char             *file_arg;       /* --export/--import FILE, in the file name encoding */
  GStrv             names;          /* --export FILE NAME… */
  gboolean          json;
  double            warn_above;     /* < 0: not given */
  BpImportConflict  conflict;

  char             *summary;        /* bp_command_get_summary() */
};

/* The task data of bp_command_run_async(). */
typedef struct
{
  GApplicationCommandLine *command_line;
  BpAccountStore          *store;
} BpCommandRun;

/* Every run ends in one of these; they take the task. */
void bp_command_return       (GTask        *task,
                              BpExitStatus  status);
void bp_command_fail         (GTask        *task,
                              BpExitStatus  status,
                              const char   *message);

/* bp-command-limits.c */
void bp_command_check_limits (GTask        *task);

/* bp-command-transfer.c */
void bp_command_export       (GTask        *task);
void bp_command_import       (GTask        *task);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "bp-account-store.h"

G_BEGIN_DECLS

/**
 * BpExitStatus:
 * @BP_EXIT_OK: done; for --check-limits, no limit above --warn-above
 * @BP_EXIT_USAGE: the options make no sense together, or one has a wrong value
 * @BP_EXIT_ACCOUNT: an account or token problem: no account of that name, no
 *   token or a rejected one, a consumer key or secret Salesforce refuses, the
 *   keyring, an accounts or import file that cannot be read, written or used
 * @BP_EXIT_THRESHOLD: --check-limits --warn-above: a limit is used above it
 * @BP_EXIT_NETWORK: Salesforce could not be reached (network, TLS, timeout) or
 *   answered with an error (HTTP 5xx, 403, a body that could not be read)
 *
 * The exit status of a command, documented in --help and the README.
 */
typedef enum
{
  BP_EXIT_OK = 0,
  BP_EXIT_USAGE = 1,
  BP_EXIT_ACCOUNT = 2,
  BP_EXIT_THRESHOLD = 3,
  BP_EXIT_NETWORK = 4,
} BpExitStatus;

typedef enum
{
  BP_COMMAND_KIND_NONE,          /* no command: open the window */
  BP_COMMAND_KIND_VERSION,
  BP_COMMAND_KIND_LIST,
  BP_COMMAND_KIND_CHECK_LIMITS,
  BP_COMMAND_KIND_EXPORT,
  BP_COMMAND_KIND_IMPORT,
} BpCommandKind;

#define BP_TYPE_COMMAND (bp_command_get_type ())

G_DECLARE_FINAL_TYPE (BpCommand, bp_command, BP, COMMAND, GObject)

/**
 * BpCommand:
 *
 * One command of the command line (--list, --check-limits, --export,
 * --import, --version), parsed from GApplication's options dictionary, and
 * run against a loaded BpAccountStore. Its output and the files it names go
 * through a GApplicationCommandLine: the local one of a process that runs
 * the command itself, or the one a second process forwarded to the running
 * instance (whose cwd resolves relative file names). Nothing here needs
 * GTK or a display.
 */

/* Fails with a G_OPTION_ERROR (BP_EXIT_USAGE) when the options do not fit together. */
BpCommand     *bp_command_new_from_options (GVariantDict             *options,
                                            GError                  **error);
BpCommandKind  bp_command_get_kind         (BpCommand                *self);

void           bp_command_run_async        (BpCommand                *self,
                                            GApplicationCommandLine  *command_line,
                                            BpAccountStore           *store,
                                            GCancellable             *cancellable,
                                            GAsyncReadyCallback       callback,
                                            gpointer                  user_data);
BpExitStatus   bp_command_run_finish       (BpCommand                *self,
                                            GAsyncResult             *result);

/* After an import that changed the store: one sentence on what it did, for
 * a window that shows the store; NULL otherwise. */
const char    *bp_command_get_summary      (BpCommand                *self);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "bp-account-store.h"

G_BEGIN_DECLS

/**
 * SECTION:bp-command-line
 *
 * The command line of bp-integration-accounts, on GApplication's own
 * option handling (G_APPLICATION_HANDLES_COMMAND_LINE):
 *
 * - bp_command_line_add_options() gives the application its options and
 *   the --help text (summary, examples, exit statuses);
 * - bp_command_line_handle_local_options() runs from
 *   GApplication::handle-local-options, before the application registers or
 *   starts up: so before GtkApplication's startup initialises GTK, which
 *   needs a display. --list, --check-limits, --export and --version run
 *   right here, in a GLib main loop, and never register: no window, no
 *   display, no bus name. --import goes to the running instance when there
 *   is one (the store is the running instance's, and its window shows the
 *   new accounts at once; writing the file behind its back would be undone
 *   by its next save); otherwise it runs here too.
 * - the running instance gets --import through GApplication::command-line
 *   and runs it with bp_command_run_async() on its own store.
 */

void bp_command_line_add_options          (GApplication   *application);

/* Returns: an exit status, or -1 to let the application register and go on
 * (open the window, or hand --import to the running instance). */
int  bp_command_line_handle_local_options (GApplication   *application,
                                           GVariantDict   *options,
                                           BpAccountStore *store);

G_END_DECLS

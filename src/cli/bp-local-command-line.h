/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define BP_TYPE_LOCAL_COMMAND_LINE (bp_local_command_line_get_type ())

G_DECLARE_FINAL_TYPE (BpLocalCommandLine, bp_local_command_line, BP, LOCAL_COMMAND_LINE, GApplicationCommandLine)

/**
 * BpLocalCommandLine:
 *
 * The command line of a process that runs a command itself, without the
 * running instance. Unlike GLib's own, it writes its output as UTF-8 bytes
 * whatever the locale's character set: JSON for a script run by cron with
 * LANG=C must keep an account named “Café” intact, not turn it into "Caf?".
 */

/* @options: (transfer floating): the a{sv} of GApplication's parsed options */
GApplicationCommandLine *bp_local_command_line_new (GVariant *options);

G_END_DECLS

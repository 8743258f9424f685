/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-local-command-line"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "bp-local-command-line.h"

struct _BpLocalCommandLine
{
  GApplicationCommandLine parent_instance;
};

G_DEFINE_FINAL_TYPE (BpLocalCommandLine, bp_local_command_line, G_TYPE_APPLICATION_COMMAND_LINE)

static void
write_literal (FILE       *stream,
               const char *message)
{
  fwrite (message, 1, strlen (message), stream);
  fflush (stream);
}

static void
bp_local_command_line_print_literal (GApplicationCommandLine *command_line,
                                     const char              *message)
{
  write_literal (stdout, message);
}

static void
bp_local_command_line_printerr_literal (GApplicationCommandLine *command_line,
                                        const char              *message)
{
  write_literal (stderr, message);
}

static void
bp_local_command_line_class_init (BpLocalCommandLineClass *klass)
{
  GApplicationCommandLineClass *command_line_class = G_APPLICATION_COMMAND_LINE_CLASS (klass);

  command_line_class->print_literal = bp_local_command_line_print_literal;
  command_line_class->printerr_literal = bp_local_command_line_printerr_literal;
}

static void
bp_local_command_line_init (BpLocalCommandLine *self)
{
}

GApplicationCommandLine *
bp_local_command_line_new (GVariant *options)
{
  g_autoptr(GVariant) arguments = g_variant_ref_sink (g_variant_new_array (G_VARIANT_TYPE_BYTESTRING, NULL, 0));
  g_autoptr(GVariant) platform_data = NULL;
  g_autoptr(GVariantDict) platform = g_variant_dict_new (NULL);
  g_autofree char *cwd = g_get_current_dir ();

  g_return_val_if_fail (options != NULL, NULL);
  g_return_val_if_fail (g_variant_is_of_type (options, G_VARIANT_TYPE_VARDICT), NULL);

  /* Relative file names start here, as GApplication's own command line says. */
  g_variant_dict_insert_value (platform, "cwd", g_variant_new_bytestring (cwd));
  platform_data = g_variant_ref_sink (g_variant_dict_end (platform));

  return g_object_new (BP_TYPE_LOCAL_COMMAND_LINE,
                       "arguments", arguments,
                       "options", options,
                       "platform-data", platform_data,
                       NULL);
}

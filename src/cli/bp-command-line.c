/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-command-line"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "bp-command-line.h"
#include "bp-command.h"
#include "bp-local-command-line.h"

static const GOptionEntry option_entries[] = {
  { "list", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("List every account: name, type, default, Url, sandbox, token, certificate expiry"), NULL },
  { "check-limits", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Fetch the org limits of the account NAME, most used first"), N_("NAME") },
  { "warn-above", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("With --check-limits: exit with status 3 when a limit is used above PERCENT"), N_("PERCENT") },
  { "json", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("With --list or --check-limits: print JSON instead of a table"), NULL },
  { "export", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Write the accounts (all, or the NAMEs given after the options) to FILE without any secret or token; "
       "FILE - is the standard output"), N_("FILE") },
  { "import", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Add the accounts of an exported FILE, all or none"), N_("FILE") },
  { "on-conflict", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("With --import: skip, rename or replace an account whose name is taken (default: skip)"), N_("MODE") },
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Show the version"), NULL },
  { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, NULL, NULL, N_("[NAME…]") },
  { NULL }
};

void
bp_command_line_add_options (GApplication *application)
{
  g_autofree char *description = NULL;

  g_return_if_fail (G_IS_APPLICATION (application));

  g_application_add_main_option_entries (application, option_entries);
  g_application_set_option_context_summary (application,
                                            _("Manages the Salesforce.com integration accounts of a Bright "
                                              "Pattern Contact Center. Without options it opens the window; "
                                              "the options below need no window and no display."));

  description = g_strconcat (_("Examples:"), "\n"
                             "  bp-integration-accounts --list\n"
                             "  bp-integration-accounts --list --json\n"
                             "  bp-integration-accounts --check-limits Production --warn-above 80\n"
                             "  bp-integration-accounts --export backup.json\n"
                             "  bp-integration-accounts --export uat.json \"UAT sandbox\"\n"
                             "  bp-integration-accounts --import backup.json --on-conflict=rename\n"
                             "\n",
                             _("Exit status:"), "\n"
                             "  0  ", _("done; with --warn-above, no limit is above it"), "\n"
                             "  1  ", _("the options are wrong"), "\n"
                             "  2  ", _("an account or token problem: no account of that name, no token or a "
                                        "refused one, the keyring, a file that cannot be read, written or "
                                        "imported"), "\n"
                             "  3  ", _("a limit is used above --warn-above (they are listed on stderr)"), "\n"
                             "  4  ", _("Salesforce could not be reached, or it answered with an error"), "\n"
                             "\n",
                             _("While the window is open, --import adds the accounts to it."),
                             NULL);
  g_application_set_option_context_description (application, description);
}

static void
print_error (const char *message)
{
  g_autofree char *hint = g_strdup_printf (_("Run “%s --help” to see the commands."), g_get_prgname ());

  g_printerr ("%s\n%s\n", message, hint);
}

/* Whether another process owns the application's name on the session bus:
 * the running instance, to which GApplication forwards the command line. */
static gboolean
is_instance_running (GApplication *application)
{
  const char *id = g_application_get_application_id (application);
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GVariant) reply = NULL;
  gboolean has_owner = FALSE;

  if (id == NULL || (g_application_get_flags (application) & G_APPLICATION_NON_UNIQUE) != 0)
    return FALSE;

  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  if (bus == NULL)
    return FALSE;

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner", g_variant_new ("(s)", id),
                                       G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, 5000, NULL, NULL);
  if (reply != NULL)
    g_variant_get (reply, "(b)", &has_owner);

  return has_owner;
}

typedef struct
{
  GMainLoop    *loop;
  BpExitStatus  status;
} LocalRun;

static void
command_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  LocalRun *run = user_data;

  run->status = bp_command_run_finish (BP_COMMAND (object), result);
  g_main_loop_quit (run->loop);
}

static int
run_locally (BpCommand      *command,
             GVariantDict   *options,
             BpAccountStore *store)
{
  g_autoptr(GApplicationCommandLine) command_line = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GError) error = NULL;
  LocalRun run = { loop, BP_EXIT_OK };

  /* Options are not needed past this point; GApplication only frees them. */
  command_line = bp_local_command_line_new (g_variant_dict_end (options));

  if (!bp_account_store_load (store, &error))
    {
      g_application_command_line_printerr (command_line, "%s\n", error->message);
      return BP_EXIT_ACCOUNT;
    }

  bp_command_run_async (command, command_line, store, NULL, command_done_cb, &run);
  g_main_loop_run (loop);

  return run.status;
}

int
bp_command_line_handle_local_options (GApplication   *application,
                                      GVariantDict   *options,
                                      BpAccountStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BpCommand) command = NULL;

  g_return_val_if_fail (G_IS_APPLICATION (application), BP_EXIT_USAGE);
  g_return_val_if_fail (options != NULL, BP_EXIT_USAGE);
  g_return_val_if_fail (BP_IS_ACCOUNT_STORE (store), BP_EXIT_USAGE);

  command = bp_command_new_from_options (options, &error);
  if (command == NULL)
    {
      print_error (error->message);
      return BP_EXIT_USAGE;
    }

  switch (bp_command_get_kind (command))
    {
    case BP_COMMAND_KIND_NONE:
      return -1;

    case BP_COMMAND_KIND_VERSION:
      g_print ("%s %s\n", _("Integration Accounts"), PACKAGE_VERSION);
      return BP_EXIT_OK;

    case BP_COMMAND_KIND_IMPORT:
      /* The running instance owns the store: it imports, its window shows
       * the result, and GApplication relays its output and exit status. */
      if (is_instance_running (application))
        return -1;
      return run_locally (command, options, store);

    case BP_COMMAND_KIND_LIST:
    case BP_COMMAND_KIND_CHECK_LIMITS:
    case BP_COMMAND_KIND_EXPORT:
    default:
      return run_locally (command, options, store);
    }
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-fake-secret-service"

#include "config.h"

#include <stdio.h>
#include <gio/gio.h>

/* A Secret Service that hangs: it owns org.freedesktop.secrets on the session
 * bus and never answers a method call, like a keyring daemon stuck on a disk
 * or in a debugger. Tests start it on a private bus of their own.
 *
 * Prints "ready" once the name is owned, then "ignored <interface>.<member>"
 * for every call it leaves without an answer. Runs until killed.
 *
 *   bp-fake-secret-service [BUS-NAME]
 *
 * BUS-NAME (org.freedesktop.secrets by default) lets a test use it on a bus
 * where a real keyring runs, with SECRET_SERVICE_BUS_NAME set to the same. */

static const char *bus_name = "org.freedesktop.secrets";

static gboolean
is_for_us (GDBusConnection *connection,
           GDBusMessage    *message)
{
  const char *destination = g_dbus_message_get_destination (message);

  return g_strcmp0 (destination, bus_name) == 0 ||
         g_strcmp0 (destination, g_dbus_connection_get_unique_name (connection)) == 0;
}

/* Runs in GDBus's worker thread. Dropping the message here means GDBus never
 * sees it, so not even org.freedesktop.DBus.Properties or Peer is answered. */
static GDBusMessage *
drop_method_calls_filter (GDBusConnection *connection,
                          GDBusMessage    *message,
                          gboolean         incoming,
                          gpointer         user_data)
{
  if (!incoming || g_dbus_message_get_message_type (message) != G_DBUS_MESSAGE_TYPE_METHOD_CALL
      || !is_for_us (connection, message))
    return message;

  printf ("ignored %s.%s\n", g_dbus_message_get_interface (message),
          g_dbus_message_get_member (message));
  fflush (stdout);
  g_object_unref (message);
  return NULL;
}

static void
name_acquired_cb (GDBusConnection *connection,
                  const char      *name,
                  gpointer         user_data)
{
  printf ("ready\n");
  fflush (stdout);
}

static void
name_lost_cb (GDBusConnection *connection,
              const char      *name,
              gpointer         user_data)
{
  g_printerr ("bp-fake-secret-service: could not own %s (is another keyring running on this bus?)\n", name);
  exit (1);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GError) error = NULL;

  if (argc > 1)
    bus_name = argv[1];

  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  if (bus == NULL)
    {
      g_printerr ("bp-fake-secret-service: no session bus: %s\n", error->message);
      return 1;
    }

  g_dbus_connection_add_filter (bus, drop_method_calls_filter, NULL, NULL);
  g_bus_own_name_on_connection (bus, bus_name, G_BUS_NAME_OWNER_FLAGS_DO_NOT_QUEUE,
                                name_acquired_cb, name_lost_cb, NULL, NULL);

  g_main_loop_run (loop);
  return 0;
}

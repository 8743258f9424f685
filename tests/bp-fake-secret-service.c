/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-fake-secret-service"

#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <unistd.h>
#include <gio/gio.h>

/* Secret Services that misbehave, for the keyring fault tests.
 *
 *   bp-fake-secret-service [--prompt-after MS] [BUS-NAME]
 *
 * By default it hangs: it owns the name and never answers a method call,
 * like a keyring daemon stuck on a disk or in a debugger. It prints "ready"
 * once the name is owned, then "ignored <interface>.<member>" for every call
 * it leaves without an answer.
 *
 * With --prompt-after it is a keyring whose default collection is locked:
 * storing an item needs an unlock prompt, which a person answers MS
 * milliseconds later. Only what libsecret's store needs is there: a "plain"
 * session, the "default" alias, CreateItem and the prompt. It prints
 * "prompt shown" and "prompt answered".
 *
 * BUS-NAME (org.freedesktop.secrets by default) lets a test use it on a bus
 * where a real keyring runs, with SECRET_SERVICE_BUS_NAME set to the same.
 * Tests start it on a private bus of their own otherwise. Runs until killed. */

#define SERVICE_PATH    "/org/freedesktop/secrets"
#define SESSION_PATH    "/org/freedesktop/secrets/session/s1"
#define COLLECTION_PATH "/org/freedesktop/secrets/collection/login"
#define ITEM_PATH       "/org/freedesktop/secrets/collection/login/i1"
#define PROMPT_PATH     "/org/freedesktop/secrets/prompt/p1"

static const char *bus_name = "org.freedesktop.secrets";
static int prompt_after_ms = -1;

static const char introspection_xml[] =
  "<node>"
  "  <interface name='org.freedesktop.Secret.Service'>"
  "    <method name='OpenSession'>"
  "      <arg name='algorithm' type='s' direction='in'/>"
  "      <arg name='input' type='v' direction='in'/>"
  "      <arg name='output' type='v' direction='out'/>"
  "      <arg name='result' type='o' direction='out'/>"
  "    </method>"
  "    <method name='ReadAlias'>"
  "      <arg name='name' type='s' direction='in'/>"
  "      <arg name='collection' type='o' direction='out'/>"
  "    </method>"
  "  </interface>"
  "  <interface name='org.freedesktop.Secret.Collection'>"
  "    <method name='CreateItem'>"
  "      <arg name='properties' type='a{sv}' direction='in'/>"
  "      <arg name='secret' type='(oayays)' direction='in'/>"
  "      <arg name='replace' type='b' direction='in'/>"
  "      <arg name='item' type='o' direction='out'/>"
  "      <arg name='prompt' type='o' direction='out'/>"
  "    </method>"
  "  </interface>"
  "  <interface name='org.freedesktop.Secret.Prompt'>"
  "    <method name='Prompt'>"
  "      <arg name='window-id' type='s' direction='in'/>"
  "    </method>"
  "    <method name='Dismiss'/>"
  "    <signal name='Completed'>"
  "      <arg name='dismissed' type='b'/>"
  "      <arg name='result' type='v'/>"
  "    </signal>"
  "  </interface>"
  "</node>";

static gboolean
answer_prompt_cb (gpointer user_data)
{
  GDBusConnection *connection = user_data;

  printf ("prompt answered\n");
  fflush (stdout);
  g_dbus_connection_emit_signal (connection, NULL, PROMPT_PATH, "org.freedesktop.Secret.Prompt", "Completed",
                                 g_variant_new ("(bv)", FALSE, g_variant_new_object_path (ITEM_PATH)), NULL);
  return G_SOURCE_REMOVE;
}

static void
method_called_cb (GDBusConnection       *connection,
                  const char            *sender,
                  const char            *object_path,
                  const char            *interface_name,
                  const char            *method_name,
                  GVariant              *parameters,
                  GDBusMethodInvocation *invocation,
                  gpointer               user_data)
{
  if (g_str_equal (method_name, "OpenSession"))
    {
      const char *algorithm;

      g_variant_get (parameters, "(&sv)", &algorithm, NULL);
      /* libsecret asks for an encrypted session first, then falls back to this. */
      if (!g_str_equal (algorithm, "plain"))
        g_dbus_method_invocation_return_dbus_error (invocation, "org.freedesktop.DBus.Error.NotSupported",
                                                    "only plain sessions here");
      else
        g_dbus_method_invocation_return_value (invocation,
                                               g_variant_new ("(vo)", g_variant_new_string (""), SESSION_PATH));
    }
  else if (g_str_equal (method_name, "ReadAlias"))
    {
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(o)", COLLECTION_PATH));
    }
  else if (g_str_equal (method_name, "CreateItem"))
    {
      /* Locked: the item comes once the prompt is answered. */
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(oo)", "/", PROMPT_PATH));
    }
  else if (g_str_equal (method_name, "Prompt"))
    {
      printf ("prompt shown\n");
      fflush (stdout);
      g_dbus_method_invocation_return_value (invocation, NULL);
      g_timeout_add (prompt_after_ms, answer_prompt_cb, connection);
    }
  else
    {
      g_dbus_method_invocation_return_value (invocation, NULL);
    }
}

static const GDBusInterfaceVTable vtable = { method_called_cb, NULL, NULL, { 0 } };

static void
register_prompting_keyring (GDBusConnection *bus)
{
  g_autoptr(GDBusNodeInfo) node = g_dbus_node_info_new_for_xml (introspection_xml, NULL);
  const struct { const char *path; const char *interface; } objects[] = {
    { SERVICE_PATH, "org.freedesktop.Secret.Service" },
    { COLLECTION_PATH, "org.freedesktop.Secret.Collection" },
    /* libsecret stores into the "default" alias by this path. */
    { "/org/freedesktop/secrets/aliases/default", "org.freedesktop.Secret.Collection" },
    { PROMPT_PATH, "org.freedesktop.Secret.Prompt" },
  };

  g_assert (node != NULL);
  for (guint i = 0; i < G_N_ELEMENTS (objects); i++)
    {
      GDBusInterfaceInfo *info = g_dbus_node_info_lookup_interface (node, objects[i].interface);

      g_assert (g_dbus_connection_register_object (bus, objects[i].path, info, &vtable, NULL, NULL, NULL) > 0);
    }
}

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

  /* A test that fails half-way leaves no orphan behind: one would keep the
   * test's standard error open, and meson would wait for it until its own
   * timeout instead of reporting the failure. */
  if (prctl (PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid () == 1)
    return 1;

  if (argc > 2 && g_str_equal (argv[1], "--prompt-after"))
    {
      prompt_after_ms = atoi (argv[2]);
      argv += 2;
      argc -= 2;
    }
  if (argc > 1)
    bus_name = argv[1];

  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  if (bus == NULL)
    {
      g_printerr ("bp-fake-secret-service: no session bus: %s\n", error->message);
      return 1;
    }

  if (prompt_after_ms >= 0)
    register_prompting_keyring (bus);
  else
    g_dbus_connection_add_filter (bus, drop_method_calls_filter, NULL, NULL);
  g_bus_own_name_on_connection (bus, bus_name, G_BUS_NAME_OWNER_FLAGS_DO_NOT_QUEUE,
                                name_acquired_cb, name_lost_cb, NULL, NULL);

  g_main_loop_run (loop);
  return 0;
}

#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The desktop file says DBusActivatable=true, so launchers start the
application as the D-Bus service file does: `bp-integration-accounts
--gapplication-service`, then org.freedesktop.Application.Activate. This runs
that sequence against the built binary on the session bus: the service must
still be there a while after start-up (nothing holds it), open its window on
Activate, and quit cleanly through the app.quit action.

Needs a session bus and a display (build-aux/test provides both).

    check-dbus-activation.py BINARY APP_ID
"""

import os
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import bp_data_checks as checks  # noqa: E402

WINDOW_TITLE = "Integration Accounts"


def gdbus_call(*args):
    return subprocess.run(["gdbus", "call", "--session", "--timeout", "5"] + list(args),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, check=False)


def name_has_owner(name):
    result = gdbus_call("--dest", "org.freedesktop.DBus", "--object-path", "/org/freedesktop/DBus",
                        "--method", "org.freedesktop.DBus.NameHasOwner", name)
    return result.returncode == 0 and "true" in result.stdout


def wait_for(condition, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def has_window():
    result = subprocess.run(["xdotool", "search", "--name", WINDOW_TITLE],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            check=False)
    return bool(result.stdout.strip())


def require_session():
    for variable, what in (("DBUS_SESSION_BUS_ADDRESS", "a session bus"), ("DISPLAY", "a display")):
        if not os.environ.get(variable):
            message = "needs %s (run under build-aux/test)" % what
            if os.environ.get("BP_TEST_SESSION") == "1":
                checks.fail(message)
            print("SKIP: " + message)
            sys.exit(checks.SKIP)


def main():
    if len(sys.argv) != 3:
        checks.fail("usage: check-dbus-activation.py BINARY APP_ID")
    binary, app_id = sys.argv[1:]
    require_session()
    checks.require_tool("gdbus")
    checks.require_tool("xdotool")
    object_path = "/" + app_id.replace(".", "/")

    with tempfile.TemporaryDirectory(prefix="bp-dbus-activation-") as config_home:
        env = dict(os.environ, XDG_CONFIG_HOME=config_home)
        service = subprocess.Popen([binary, "--gapplication-service"], env=env)
        try:
            if not wait_for(lambda: name_has_owner(app_id), 10):
                checks.fail("%s did not take the bus name %s" % (binary, app_id))
            # Start-up has finished (the store is read) well before this.
            time.sleep(1.5)
            if service.poll() is not None or not name_has_owner(app_id):
                checks.fail("the service exited before anyone activated it (status %s)"
                            % service.poll())

            result = gdbus_call("--dest", app_id, "--object-path", object_path,
                                "--method", "org.freedesktop.Application.Activate", "{}")
            if result.returncode != 0:
                checks.fail("Activate failed: " + result.stderr.strip())
            if not wait_for(has_window, 10):
                checks.fail("Activate opened no window titled %r" % WINDOW_TITLE)

            result = gdbus_call("--dest", app_id, "--object-path", object_path,
                                "--method", "org.freedesktop.Application.ActivateAction",
                                "quit", "[]", "{}")
            if result.returncode != 0:
                checks.fail("ActivateAction quit failed: " + result.stderr.strip())
            status = service.wait(timeout=10)
            if status != 0:
                checks.fail("the application exited with status %d" % status)
        finally:
            if service.poll() is None:
                service.kill()
                service.wait()
    print("%s: started as a D-Bus service, opened its window on Activate, quit" % app_id)


if __name__ == "__main__":
    main()

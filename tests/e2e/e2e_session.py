# SPDX-License-Identifier: GPL-3.0-or-later
"""What an end-to-end scenario runs against: the installed application, the
Salesforce emulator, the clipboard, the keyring and the store file.

- `Installation`: `meson install --destdir` into a temporary directory once per run,
  then what a distribution's post-install step does (compile the GSettings schemas).
  The application starts from DESTDIR/BINDIR and finds its data through
  XDG_DATA_DIRS and its message catalogues beside itself (see src/main.c).
- `Emulator`: tests/emulator/bp-salesforce-emulator with `--record FILE`: one JSON
  line per request it answered (PKCE method, redirect URI, grant type, the SHA-256 of
  a revoked token; never a secret).
- `App`: one start of the application with a private XDG_CONFIG_HOME, the emulator as
  the login host, a free OAuth redirect port and tests/bp-test-browser as BROWSER;
  found on the AT-SPI desktop by its process id.
"""

import errno
import hashlib
import json
import os
import select
import shutil
import signal
import socket
import stat
import subprocess
import sys

import pyatspi
from gi.repository import Gio, GLib

import e2e_atspi as ui

APP_ID = "com.brightpattern.IntegrationAccounts"
EXECUTABLE = "bp-integration-accounts"
WINDOW_TITLE = "Integration Accounts"
HERE = os.path.dirname(os.path.abspath(__file__))


class SetupError(Exception):
    """The environment, not the application, is broken."""


def run_quietly(argv, what, **kwargs):
    result = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            check=False, **kwargs)
    if result.returncode != 0:
        raise SetupError("%s failed (status %d):\n%s" % (what, result.returncode, result.stdout))
    return result.stdout


class Installation:
    def __init__(self, args, workdir):
        self.destdir = os.path.join(workdir, "destdir")
        root = self.destdir + args.prefix
        self.executable = os.path.join(root, args.bindir, EXECUTABLE)
        self.datadir = os.path.join(root, args.datadir)
        self.localedir = os.path.join(root, args.localedir)
        self.moduledir = os.path.join(root, args.moduledir)
        # Builds what is out of date first, as `meson install` does for a packager.
        run_quietly([args.meson, "install", "-C", args.builddir, "--quiet", "--destdir", self.destdir],
                    "meson install --destdir")
        if not os.access(self.executable, os.X_OK):
            raise SetupError("meson install did not install %s" % self.executable)
        run_quietly(["glib-compile-schemas", os.path.join(self.datadir, "glib-2.0", "schemas")],
                    "glib-compile-schemas")

    def environment(self):
        data_dirs = os.environ.get("XDG_DATA_DIRS") or "/usr/local/share:/usr/share"
        # The executable loads its modules (GnuTLS's, libsecret's, libsoup's) from the
        # prefix it was built for, which is not where DESTDIR put it.
        return {"XDG_DATA_DIRS": self.datadir + ":" + data_dirs,
                "BP_MODULE_DIR": self.moduledir}


def free_port():
    """A TCP port free on the IPv4 (and, when there is one, IPv6) loopback."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        try:
            with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as sock6:
                sock6.bind(("::1", port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                continue
        return port
    raise SetupError("no free loopback port")


class Emulator:
    def __init__(self, path, workdir, flags=()):
        self.record_path = os.path.join(workdir, "emulator-record.jsonl")
        self.log_path = os.path.join(workdir, "emulator.log")
        self._log = open(self.log_path, "w")
        self.process = subprocess.Popen([path, "--record", self.record_path] + list(flags),
                                        stdout=subprocess.PIPE, stderr=self._log, text=True)
        ready, _, _ = select.select([self.process.stdout], [], [], 10)
        line = self.process.stdout.readline().strip() if ready else ""
        if not line.startswith("http://"):
            self.stop()
            raise SetupError("the emulator did not print its URL (see %s)" % self.log_path)
        self.base_url = line

    def records(self, path=None):
        try:
            with open(self.record_path, encoding="utf-8") as record:
                lines = [json.loads(line) for line in record if line.endswith("\n")]
        except FileNotFoundError:
            lines = []
        return [line for line in lines if path is None or line["path"] == path]

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


class Clipboard:
    """Owns the X clipboard with `text` until stopped."""

    def __init__(self, text, workdir):
        env = dict(os.environ, GTK_A11Y="none", NO_AT_BRIDGE="1")
        self._log = open(os.path.join(workdir, "clipboard-owner.log"), "w")
        self.process = subprocess.Popen([sys.executable, os.path.join(HERE, "clipboard-owner.py")],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=self._log, text=True, env=env)
        self.process.stdin.write(text)
        self.process.stdin.close()
        ready, _, _ = select.select([self.process.stdout], [], [], 10)
        if not ready or self.process.stdout.readline().strip() != "ready":
            self.stop()
            raise SetupError("could not put the text on the clipboard")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(5)
        self._log.close()


def name_has_owner(bus_name):
    bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
    reply = bus.call_sync("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                          "NameHasOwner", GLib.Variant("(s)", (bus_name,)), GLib.VariantType("(b)"),
                          Gio.DBusCallFlags.NONE, 5000, None)
    return reply.unpack()[0]


def secret_lookup(account_id, kind):
    """The keyring item of an account, as `secret-tool lookup` finds it; None if none."""
    result = subprocess.run(["secret-tool", "lookup", "account-id", account_id, "kind", kind],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, check=False)
    if result.returncode != 0 or result.stdout == "":
        if result.stderr.strip():
            raise SetupError("secret-tool lookup failed: " + result.stderr.strip())
        return None
    return result.stdout


def sha256(value):
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


class Store:
    def __init__(self, config_home):
        self.path = os.path.join(config_home, "bp-integration-accounts", "accounts.json")

    def exists(self):
        return os.path.exists(self.path)

    def mode(self):
        return stat.S_IMODE(os.stat(self.path).st_mode)

    def directory_mode(self):
        return stat.S_IMODE(os.stat(os.path.dirname(self.path)).st_mode)

    def text(self):
        with open(self.path, encoding="utf-8") as store:
            return store.read()

    def accounts(self):
        data = json.loads(self.text())
        accounts = data.get("accounts", data) if isinstance(data, dict) else data
        if not isinstance(accounts, list):
            raise AssertionError("%s has no list of accounts: %s" % (self.path, self.text()[:400]))
        return accounts

    def account_named(self, account_name):
        matches = [account for account in self.accounts() if account.get("name") == account_name]
        if len(matches) != 1:
            raise AssertionError("%s holds %d accounts named %r: %s"
                                 % (self.path, len(matches), account_name, self.text()[:400]))
        return matches[0]


class App:
    """One run of the installed application, driven through AT-SPI."""

    def __init__(self, scenario, extra_env=None, title=WINDOW_TITLE):
        self.scenario = scenario
        self.title = title
        self.process = None
        self.accessible = None
        self.window = None
        self._log = None
        self._pids = None
        self._extra_env = extra_env or {}

    def start(self):
        scenario = self.scenario
        # The application is unique on the session bus: a second instance would only
        # pass its arguments to the first and exit. The bus may notice that the last
        # one exited a moment after its process did.
        ui.wait_until(lambda: not name_has_owner(APP_ID),
                      "%s to leave the session bus (another instance running?)" % APP_ID)
        env = dict(os.environ)
        # The unit tests' environment switches accessibility off; this is the point here.
        for variable in ("NO_AT_BRIDGE", "GTK_A11Y", "GSETTINGS_SCHEMA_DIR", "LANGUAGE", "LC_ALL",
                         "LC_MESSAGES", "G_MESSAGES_DEBUG"):
            env.pop(variable, None)
        env.update(scenario.run.installation.environment())
        env.update({
            "GTK_A11Y": "atspi",
            "LANG": "C.UTF-8",
            "XDG_CONFIG_HOME": scenario.config_home,
            "BP_SALESFORCE_LOGIN_URL": scenario.emulator.base_url,
            "BP_OAUTH_REDIRECT_PORT": str(scenario.redirect_port),
            "BROWSER": scenario.run.args.browser,
            "BP_TEST_BROWSER_LOG": os.path.join(scenario.workdir, "browser-starts.log"),
            "G_DEBUG": "fatal-criticals",
        })
        # build-aux/test --asan: options of the application's own (see there).
        if os.environ.get("BP_E2E_ASAN_OPTIONS"):
            env["ASAN_OPTIONS"] = os.environ["BP_E2E_ASAN_OPTIONS"]
        env.update(self._extra_env)
        scenario.app_starts += 1
        self.log_path = os.path.join(scenario.workdir, "app-%d.log" % scenario.app_starts)
        self._log = open(self.log_path, "w")
        # BP_E2E_WRAPPER="gdb -batch -ex run -ex bt --args" runs the application under
        # a debugger, for a backtrace in its log (the application is then the wrapper's child).
        wrapper = os.environ.get("BP_E2E_WRAPPER", "").split()
        self.process = subprocess.Popen(wrapper + [scenario.run.installation.executable], env=env,
                                        stdout=self._log, stderr=subprocess.STDOUT)
        self._pids = None if not wrapper else "children"
        scenario.apps.append(self)
        self.accessible = ui.wait_until(self._find_application,
                                        "the application on the accessibility bus", timeout=20)
        self.window = ui.wait_until(lambda: self.frame(self.title),
                                    "the window %r" % self.title, timeout=20)
        return self

    def _find_application(self):
        if self.process.poll() is not None:
            raise ui.UIError("the application exited with status %d at start (log: %s)"
                             % (self.process.returncode, self.read_log()))
        desktop = pyatspi.Registry.getDesktop(0)
        for index in range(desktop.childCount):
            candidate = desktop.getChildAtIndex(index)
            try:
                if candidate is not None and candidate.get_process_id() in self._app_pids() \
                        and candidate.childCount > 0:
                    return candidate
            except Exception:
                continue
        return None

    def _app_pids(self):
        if self._pids is None:
            return (self.process.pid,)
        try:
            with open("/proc/%d/task/%d/children" % (self.process.pid, self.process.pid)) as children:
                return tuple(int(pid) for pid in children.read().split())
        except OSError:
            return ()

    def frames(self):
        return [child for child in self.accessible if child is not None
                and child.getRole() in (pyatspi.ROLE_FRAME, pyatspi.ROLE_DIALOG, pyatspi.ROLE_ALERT)]

    def frame(self, title):
        """The toplevel called `title`, or "`title` — <account>" (the Limits window)."""
        for candidate in self.frames():
            if candidate.name == title or candidate.name.startswith(title + " — "):
                return candidate
        return None

    def wait_frame(self, title, timeout=ui.DEFAULT_TIMEOUT):
        return ui.wait_until(lambda: self.frame(title), "the window %r" % title, timeout)

    def wait_closed(self, frame, timeout=ui.DEFAULT_TIMEOUT):
        """Waits until `frame` (a dialog) has closed, asking only the frame itself.

        Listing the application's windows while one closes can make GTK 4.8 abort
        under G_DEBUG=fatal-criticals: its GetChildAtIndex, asked for an index
        that a closing window just freed, answers with the last toplevel in its
        list, the never-shown shortcuts window, whose object path is NULL
        ("g_variant_is_object_path: assertion 'string != NULL' failed").
        """
        title = frame.name

        def closed():
            try:
                return frame.getState().contains(pyatspi.STATE_DEFUNCT) \
                    or not frame.getState().contains(pyatspi.STATE_VISIBLE)
            except Exception:  # the window's object is gone from the bus
                return True

        ui.wait_until(closed, "the window %r to close" % title, timeout)

    def read_log(self):
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as log:
                return log.read()[-4000:]
        except OSError:
            return ""

    def check_alive(self):
        if self.process.poll() is not None:
            raise ui.UIError("the application exited with status %d; its log:\n%s"
                             % (self.process.returncode, self.read_log()))

    def close(self, timeout=10):
        """Closes the main window as the title bar's close button does; waits for exit."""
        self.check_alive()
        try:
            ui.do_action(self.window, "window.close")
        except GLib.Error as error:
            # The application may quit before it answers the action: only
            # its exit tells.
            if "disconnected" not in error.message and "no longer exists" not in error.message:
                raise
        self.wait_exit("closing its window", timeout)

    def wait_exit(self, after, timeout=10):
        """Waits for the application to exit, with status 0, after what @after says."""
        try:
            status = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            raise ui.UIError("the application did not quit within %d s of %s" % (timeout, after))
        self._log.close()
        if status != 0:
            raise ui.UIError("the application exited with status %d; its log:\n%s"
                             % (status, self.read_log()))

    def kill(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._log is not None and not self._log.closed:
            self._log.close()


def screenshot(path):
    """The whole X screen as PNG (ImageMagick's import); returns an error text or None."""
    if shutil.which("import") is None:
        return "ImageMagick's import is not installed"
    result = subprocess.run(["import", "-window", "root", path], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, check=False, timeout=30)
    return None if result.returncode == 0 else result.stdout.strip()

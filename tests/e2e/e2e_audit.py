# SPDX-License-Identifier: GPL-3.0-or-later
"""The secrets audit (issue 7): one whole session of the installed application,
with every debug message on, then a search for every secret of that session
where none may be.

The session: add an account with a consumer secret, Request token through the
emulator and the stand-in browser, Apply, Check limits in the window, then
--list and --check-limits on the command line, then Delete (which revokes).

The secrets are the ones the emulator saw or issued (its --secrets file: the
state, the authorization code, the PKCE verifier, the consumer secret, the access
and refresh tokens) plus the consumer secret the test typed. None of them, raw,
percent-encoded or JSON-escaped, may appear in:
- the standard output and error of every run of the application (window and
  command line), with G_MESSAGES_DEBUG=all;
- any file under the application's HOME and XDG directories (the store file, the
  GSettings keyfile backend, caches...) nor under the headless session's, except
  the keyring's own files;
- /proc/PID/cmdline and /proc/PID/environ of every process the application
  started: sampled while the session runs, and recorded by the stand-in browser
  itself at its start (BP_TEST_BROWSER_PROC_LOG).

The application has no switch for an HTTP logger (no SoupLogger is attached
anywhere), so there is no libsoup log to turn on.
"""

import json
import os
import secrets
import subprocess
import threading
import urllib.parse

import e2e_atspi as ui
import e2e_scenarios as sc
import e2e_session as session

SECRET_KINDS = ("state", "authorization code", "PKCE verifier", "consumer secret",
                "access token", "refresh token")
KEYRING_DIR = "keyrings"  # XDG_DATA_HOME/keyrings: gnome-keyring's own files


class ChildWatcher:
    """Samples /proc/PID/cmdline and environ of every descendant of the watched
    processes until stopped; keeps each distinct text once."""

    def __init__(self):
        self.roots = []
        self.seen = {}   # (pid, what) -> text
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def watch(self, pid):
        self.roots.append(pid)

    def _children(self, pid):
        found = []
        try:
            for task in os.listdir("/proc/%d/task" % pid):
                with open("/proc/%d/task/%s/children" % (pid, task)) as children:
                    found.extend(int(child) for child in children.read().split())
        except OSError:
            pass
        return found

    def _sample(self):
        pending = list(self.roots)
        while pending:
            pid = pending.pop()
            for child in self._children(pid):
                pending.append(child)
                for what in ("cmdline", "environ"):
                    try:
                        with open("/proc/%d/%s" % (child, what), "rb") as proc:
                            text = proc.read().replace(b"\0", b"\n").decode("utf-8", "replace")
                    except OSError:
                        continue
                    if text:
                        self.seen.setdefault((child, what), text)

    def _run(self):
        while not self._stop.wait(0.005):
            self._sample()

    def stop(self):
        self._stop.set()
        self._thread.join(5)

    def texts(self):
        return [("/proc/%d/%s of a child of the application" % key, text)
                for key, text in sorted(self.seen.items())]


def read_secrets(path):
    """(kind, value) of every secret in the emulator's --secrets file."""
    found = []
    with open(path, encoding="utf-8") as listing:
        for line in listing:
            kind, _, value = line.rstrip("\n").partition("\t")
            if value:
                found.append((kind, value))
    return found


def forms(value):
    """The ways a secret could be written down: as is, percent-encoded, JSON-escaped."""
    return {value, urllib.parse.quote(value, safe=""), urllib.parse.quote_plus(value, safe=""),
            json.dumps(value)[1:-1], value.replace("/", "\\/")}


def files_under(root, skip=()):
    for directory, subdirectories, names in os.walk(root):
        subdirectories[:] = [name for name in subdirectories
                             if os.path.join(directory, name) not in skip]
        for name in names:
            path = os.path.join(directory, name)
            if os.path.isfile(path) and not os.path.islink(path):
                yield path


def read_text(path):
    with open(path, "rb") as data:
        return data.read(64 * 1024 * 1024).decode("utf-8", "replace")


def find_leaks(secret_list, places):
    leaks = []
    for where, text in places:
        for kind, value in secret_list:
            for form in forms(value):
                if form in text:
                    at = text.index(form)
                    leaks.append("the %s (%s…) is in %s: …%s…"
                                 % (kind, value[:4], where,
                                    text[max(0, at - 60):at].replace("\n", "⏎")))
                    break
    return leaks


def run_command_line(context, env, arguments, name):
    """The installed executable with options (no window); returns its output."""
    out_path = os.path.join(context.workdir, name + ".out")
    err_path = os.path.join(context.workdir, name + ".err")
    with open(out_path, "w") as out, open(err_path, "w") as err:
        status = subprocess.run([context.run.installation.executable] + arguments, env=env,
                                stdout=out, stderr=err, timeout=60, check=False).returncode
    return status, read_text(out_path), read_text(err_path)


class Snapshots:
    """Every file under the application's and the session's HOME and XDG
    directories, read at each step of the session: the store file of an
    account deleted at the end no longer holds it by then."""

    def __init__(self, roots, skip):
        self.roots = roots
        self.skip = skip
        self.places = []
        self.files = set()

    def take(self, when):
        for root in self.roots:
            for path in files_under(root, self.skip):
                try:
                    text = read_text(path)
                except OSError:
                    continue
                self.files.add(os.path.realpath(path))
                self.places.append(("%s (%s)" % (path, when), text))


@sc.scenario(9, "Secrets audit: a whole session with debug logs leaks no secret")
def secrets_audit(context):
    workdir = context.workdir
    secrets_path = os.path.join(workdir, "emulator-secrets.txt")
    consumer_secret = "E2E-audit-secret-" + secrets.token_hex(12)
    account = sc.Account("Audit org", consumer_key="3MVG9E2E.audit.key",
                         consumer_secret=consumer_secret)

    # An emulator that requires this consumer secret and tells us every secret it saw.
    context.emulator.stop()
    context.emulator = session.Emulator(context.run.args.emulator, workdir,
                                        flags=["--secrets", secrets_path,
                                               "--client-id", account.consumer_key,
                                               "--client-secret", consumer_secret])

    # The application's own HOME and XDG directories, and GSettings in a file there.
    private = {}
    for variable, name in (("HOME", "home"), ("XDG_DATA_HOME", "data"), ("XDG_CACHE_HOME", "cache"),
                           ("XDG_STATE_HOME", "state")):
        private[variable] = os.path.join(workdir, name)
        os.mkdir(private[variable], 0o700)
    extra_env = dict(private)
    extra_env.update({
        "G_MESSAGES_DEBUG": "all",
        "GSETTINGS_BACKEND": "keyfile",
        "BP_TEST_BROWSER_PROC_LOG": os.path.join(workdir, "browser-proc.log"),
    })
    keyfile = os.path.join(context.config_home, "glib-2.0", "settings", "keyfile")

    roots = [context.config_home] + list(private.values())
    # The headless session's own directories too, where the keyring lives.
    for variable in ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME",
                     "XDG_RUNTIME_DIR"):
        if os.environ.get(variable) and os.environ[variable] not in roots:
            roots.append(os.environ[variable])
    skip = {os.path.join(os.path.expanduser("~"), ".local", "share", KEYRING_DIR)}
    if os.environ.get("XDG_DATA_HOME"):
        skip.add(os.path.join(os.environ["XDG_DATA_HOME"], KEYRING_DIR))
    # The test's own files (the secrets list, the logs) are in the run's work
    # directory: walk it only through the application's directories, the roots.
    skip.add(context.run.workdir)
    snapshots = Snapshots(roots, skip)

    watcher = ChildWatcher()
    outputs = []
    try:
        app = context.start_app(extra_env=extra_env)
        watcher.watch(app.process.pid)
        sc.add_account(context, app, account)
        sc.request_token(context, app)
        sc.apply_changes(app, account.name)
        saved = context.store.account_named(account.name)
        refresh_token = ui.wait_until(lambda: session.secret_lookup(saved["id"], "refresh-token"),
                                      "the refresh token in the keyring")
        snapshots.take("after Request token and Apply")

        ui.click(sc.button(app.window, "Check limits"))
        limits = app.wait_frame("Limits")
        ui.wait_until(lambda: sc.limit_rows(limits), "rows in the Limits window", timeout=20)
        app.close()
        snapshots.take("after Check limits")

        # The same account from the command line, with the same environment.
        env = dict(os.environ)
        for variable in ("NO_AT_BRIDGE", "GTK_A11Y", "GSETTINGS_SCHEMA_DIR", "LANGUAGE", "LC_ALL"):
            env.pop(variable, None)
        env.update(context.run.installation.environment())
        env.update(extra_env)
        env.update({"LANG": "C.UTF-8", "XDG_CONFIG_HOME": context.config_home,
                    "BP_SALESFORCE_LOGIN_URL": context.emulator.base_url})
        for arguments, name in ((["--list"], "cli-list"),
                                (["--check-limits", account.name], "cli-check-limits"),
                                (["--check-limits", account.name, "--json"], "cli-check-limits-json")):
            status, out, err = run_command_line(context, env, arguments, name)
            sc.check(status == 0, "%s exited with %d:\n%s%s" % (" ".join(arguments), status, out, err))
            outputs += [("the standard output of %s" % " ".join(arguments), out),
                        ("the standard error of %s" % " ".join(arguments), err)]
        sc.check("Data Storage" in outputs[2][1], "--check-limits printed no limits:\n%s" % outputs[2][1])
        snapshots.take("after the command line")

        app = context.start_app(extra_env=extra_env)
        watcher.watch(app.process.pid)
        sc.select_account(app, account.name)
        sc.wait_for_pane_of(app, account.name)
        ui.click(sc.button(app.window, "Delete"))
        question = app.wait_frame("Delete “%s”?" % account.name)
        ui.click(sc.button(question, "Delete"))
        app.wait_closed(question)
        # The empty state replaces the list (asking the list while it goes can time out).
        ui.find(app.window, sc.ROLE_LABEL, "No Integration Accounts", timeout=20)
        ui.wait_until(lambda: not [saved_account for saved_account in context.store.accounts()
                                   if saved_account.get("id") == saved["id"]],
                      "%s to leave %s" % (account.name, context.store.path))
        for kind in ("consumer-secret", "refresh-token"):
            ui.wait_until(lambda: session.secret_lookup(saved["id"], kind) is None,
                          "the keyring's %s to go" % kind)
        ui.wait_until(lambda: context.emulator.records("/services/oauth2/revoke"),
                      "the revoke request at the emulator")
        app.close()
        snapshots.take("at the end")
    finally:
        watcher.stop()
    context.emulator.stop()

    # What to look for: the test must know every kind, or it proves nothing.
    secret_list = read_secrets(secrets_path)
    secret_list.append(("consumer secret", consumer_secret))
    kinds = {kind for kind, _ in secret_list}
    missing = [kind for kind in SECRET_KINDS if kind not in kinds]
    sc.check(not missing, "the emulator reported no %s; secrets known: %s"
             % (", ".join(missing), sorted(kinds)))
    sc.check(any(value == refresh_token for _, value in secret_list),
             "the refresh token from the keyring is not among the emulator's secrets")

    # Where to look; each place must exist, or the audit proves nothing about it.
    places = []
    for app in context.apps:
        text = read_text(app.log_path)
        sc.check("-DEBUG:" in text, "G_MESSAGES_DEBUG=all had no effect on %s" % app.log_path)
        places.append(("the output of the application (%s)" % os.path.basename(app.log_path), text))
    places += outputs
    browser_proc = extra_env["BP_TEST_BROWSER_PROC_LOG"]
    sc.check(os.path.exists(browser_proc), "the stand-in browser never ran (no %s)" % browser_proc)
    places.append(("the stand-in browser's own /proc/self/cmdline and environ", read_text(browser_proc)))
    places += watcher.texts()
    sc.check(os.path.exists(keyfile), "the GSettings keyfile backend wrote nothing (%s)" % keyfile)
    sc.check(os.path.realpath(context.store.path) in snapshots.files, "the store file was not read")
    places += snapshots.places

    leaks = find_leaks(secret_list, places)
    sc.check(not leaks, "%d secret(s) leaked:\n%s" % (len(leaks), "\n".join(leaks)))
    print("# secrets audit: %d secrets (%s) looked for in %d places: %d outputs, %d child /proc "
          "texts, %d files at 4 steps (%s)"
          % (len(secret_list), ", ".join(sorted(kinds)), len(places), len(context.apps) + len(outputs),
             len(watcher.seen) + 1, len(snapshots.files), ", ".join(sorted(snapshots.files))),
          flush=True)

#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The end-to-end suite: starts the installed application under the headless
session and drives it only through AT-SPI, as an administrator with a screen
reader would; then checks the store file, the keyring and what the Salesforce
emulator saw. Prints TAP, one test point per scenario (tests/e2e/e2e_scenarios.py).

    run-e2e.py --meson M --builddir B --srcdir S --prefix P --bindir D --datadir D
               --localedir L --emulator E --browser B [--logdir DIR] [SCENARIO...]

SCENARIO is a number (3) or a word of a scenario's title (limits); without one,
all run. On a failure, the scenario's last state is saved to
LOGDIR/e2e-<N>-<name>.png (the screen) and .txt (the accessibility tree, the logs).

Needs a session bus, an X display, the AT-SPI bus, an unlocked keyring and
/usr/bin/python3 with pyatspi: build-aux/headless-session provides them. Outside
it, the suite skips; under it (BP_TEST_SESSION=1) anything missing is a failure.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback

sys.dont_write_bytecode = True  # no __pycache__ in the source tree

IN_TEST_SESSION = os.environ.get("BP_TEST_SESSION") == "1"


def bail_or_skip(reason):
    """Missing environment: a failure under build-aux/test, a skip by hand."""
    if IN_TEST_SESSION:
        print("Bail out! %s" % reason, flush=True)
        sys.exit(1)
    print("1..0 # SKIP %s" % reason, flush=True)
    sys.exit(0)


try:
    import gi
    gi.require_version("Atspi", "2.0")
    import pyatspi
except (ImportError, ValueError) as import_error:
    bail_or_skip("pyatspi is not available to %s (%s); install python3-pyatspi"
                 % (sys.executable, import_error))

import e2e_atspi as ui  # noqa: E402
import e2e_scenarios  # noqa: E402
import e2e_audit  # noqa: E402,F401 - registers the secrets audit scenario
import e2e_session as session  # noqa: E402


def check_environment():
    for variable, what in (("DBUS_SESSION_BUS_ADDRESS", "session bus"), ("DISPLAY", "X display")):
        if not os.environ.get(variable):
            bail_or_skip("no %s (%s is not set); run under build-aux/headless-session"
                         % (what, variable))
    for tool in ("secret-tool", "glib-compile-schemas", "openssl"):
        if shutil.which(tool) is None:
            bail_or_skip("%s is not installed (see build-aux/packages.txt)" % tool)
    if subprocess.run(["xdpyinfo"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                      check=False).returncode != 0:
        bail_or_skip("the X display %s does not answer" % os.environ["DISPLAY"])

    # The session starts the accessibility bus in the background: give it a moment.
    def a11y_bus_address():
        result = subprocess.run(["gdbus", "call", "--session", "--timeout", "2",
                                 "--dest", "org.a11y.Bus", "--object-path", "/org/a11y/bus",
                                 "--method", "org.a11y.Bus.GetAddress"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                check=False)
        return result.returncode == 0 and "unix:" in result.stdout

    try:
        ui.wait_until(a11y_bus_address, "the AT-SPI bus (org.a11y.Bus)", timeout=10)
        ui.wait_until(lambda: pyatspi.Registry.getDesktop(0) is not None,
                      "the AT-SPI registry", timeout=10)
    except ui.UIError as error:
        bail_or_skip("%s; start /usr/libexec/at-spi-bus-launcher (at-spi2-core)" % error)


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    for option in ("meson", "builddir", "srcdir", "prefix", "bindir", "datadir", "localedir",
                   "moduledir", "emulator", "browser"):
        parser.add_argument("--" + option, required=True)
    parser.add_argument("--logdir", help="where failed scenarios leave their screenshots")
    parser.add_argument("scenarios", nargs="*", help="numbers or words of titles; default: all")
    args = parser.parse_args()
    # meson passes bindir, datadir and localedir relative to the prefix (or absolute).
    for option in ("bindir", "datadir", "localedir"):
        value = getattr(args, option)
        if os.path.isabs(value):
            setattr(args, option, os.path.relpath(value, args.prefix))
    args.logdir = args.logdir or os.path.join(args.builddir, "meson-logs")
    return args


def selected(args):
    chosen = []
    for scenario in e2e_scenarios.SCENARIOS:
        if not args.scenarios:
            chosen.append(scenario)
            continue
        for wanted in args.scenarios:
            if wanted == str(scenario.number) or (not wanted.isdigit()
                                                   and wanted.lower() in scenario.title.lower()):
                chosen.append(scenario)
                break
    return chosen


def save_last_state(args, scenario, context, error_text):
    """The screen and the accessibility tree at the moment of failure."""
    os.makedirs(args.logdir, exist_ok=True)
    stem = os.path.join(args.logdir, "e2e-%d-%s" % (scenario.number, scenario.slug))
    problem = session.screenshot(stem + ".png")
    with open(stem + ".txt", "w", encoding="utf-8") as report:
        report.write("Scenario %d: %s\n\n%s\n" % (scenario.number, scenario.title, error_text))
        for app in context.apps if context is not None else []:
            report.write("\n--- application log (%s) ---\n%s\n" % (app.log_path, app.read_log()))
            if app.accessible is not None and app.process.poll() is None:
                report.write("\n--- accessibility tree ---\n")
                report.write("\n".join(ui.dump(app.accessible)) + "\n")
        for name in ("emulator-record.jsonl", "emulator.log") if context is not None else ():
            path = os.path.join(context.workdir, name)
            if os.path.exists(path):
                with open(path, encoding="utf-8", errors="replace") as log:
                    report.write("\n--- %s ---\n%s\n" % (name, log.read()[-4000:]))
    saved = [stem + ".txt"]
    if problem is None:
        saved.insert(0, stem + ".png")
    else:
        saved.append("no screenshot: " + problem)
    return saved


def main():
    args = parse_arguments()
    check_environment()
    scenarios = selected(args)
    if not scenarios:
        print("no scenario matches %s" % " ".join(args.scenarios), file=sys.stderr)
        return 2

    print("TAP version 13")
    print("1..%d" % len(scenarios), flush=True)
    failures = 0
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="bp-e2e-") as workdir:
        try:
            run = e2e_scenarios.Run(args, workdir)
        except session.SetupError as error:
            print("Bail out! %s" % error, flush=True)
            return 1
        for index, scenario in enumerate(scenarios, start=1):
            label = "%d %s" % (scenario.number, scenario.title)
            skip = scenario.skip_reason(run)
            if skip:
                print("ok %d - %s # SKIP %s" % (index, label, skip), flush=True)
                continue
            begin = time.monotonic()
            context = None
            try:
                context = e2e_scenarios.Context(run, scenario)
                scenario.function(context)
            except Exception as error:  # noqa: BLE001 - every failure is reported the same way
                failures += 1
                if isinstance(error, (ui.UIError, AssertionError)):
                    error_text = "%s\n\n%s" % (error, traceback.format_exc())
                else:
                    error_text = traceback.format_exc()
                saved = save_last_state(args, scenario, context, error_text)
                print("not ok %d - %s" % (index, label))
                for line in ("%s" % error).splitlines() or [type(error).__name__]:
                    print("# %s" % line)
                for path in saved:
                    print("# saved %s" % path)
                sys.stdout.flush()
            else:
                print("ok %d - %s (%.1f s)" % (index, label, time.monotonic() - begin), flush=True)
            finally:
                if context is not None:
                    context.close()
    print("# %d scenario(s) in %.1f s" % (len(scenarios), time.monotonic() - started), flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks a Flatpak manifest of Integration Accounts.

    check-flatpak-manifest.py json MANIFEST --id ID --profile PROFILE
        The sandbox permissions are exactly the expected ones: network (Salesforce,
        and the browser reaching the loopback redirect), IPC, Wayland with X11 as a
        fallback, DRI. No filesystem access (files come through the file chooser
        portal) and no --talk-name=org.freedesktop.secrets (secrets go through the
        Secret portal). And the app ID, command, runtime and meson profile.

    check-flatpak-manifest.py flatpak-builder MANIFEST
        G_DEBUG=fatal-warnings flatpak-builder --show-manifest, in a temporary
        directory (it writes .flatpak-builder/ there): unknown keys and wrong
        types fail. Offline; no runtime is needed.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import bp_data_checks as checks  # noqa: E402

FINISH_ARGS = [
    "--share=network",
    "--share=ipc",
    "--socket=wayland",
    "--socket=fallback-x11",
    "--device=dri",
]
COMMAND = "bp-integration-accounts"


def check_json(path, app_id, profile):
    with open(path, encoding="utf-8") as manifest_file:
        manifest = json.load(manifest_file)

    manifest_id = manifest.get("id", manifest.get("app-id"))
    if manifest_id != app_id:
        checks.fail("id is %r, expected %r" % (manifest_id, app_id))
    if os.path.basename(path) != app_id + ".json":
        checks.fail("the manifest of %s must be named %s.json" % (app_id, app_id))

    finish_args = manifest.get("finish-args", [])
    if sorted(finish_args) != sorted(FINISH_ARGS) or len(set(finish_args)) != len(finish_args):
        extra = sorted(set(finish_args) - set(FINISH_ARGS))
        missing = sorted(set(FINISH_ARGS) - set(finish_args))
        checks.fail("finish-args must be exactly %s; extra: %s; missing: %s"
                    % (FINISH_ARGS, extra, missing))

    for key, expected in (("runtime", "org.gnome.Platform"), ("sdk", "org.gnome.Sdk"),
                          ("command", COMMAND)):
        if manifest.get(key) != expected:
            checks.fail("%s is %r, expected %r" % (key, manifest.get(key), expected))
    if not str(manifest.get("runtime-version", "")).isdigit():
        checks.fail("runtime-version must be a stable GNOME release such as \"47\"")

    modules = manifest.get("modules", [])
    if not modules or not isinstance(modules[-1], dict):
        checks.fail("the last module must be this application")
    app_module = modules[-1]
    if app_module.get("buildsystem") != "meson":
        checks.fail("the application module must use the meson buildsystem")
    option = "-Dprofile=" + profile
    if option not in app_module.get("config-opts", []):
        checks.fail("the application module's config-opts must contain %s" % option)
    sources = app_module.get("sources", [])
    if not any(s.get("type") == "dir" and s.get("path") == ".." for s in sources):
        checks.fail("the application module must be built from the local directory (\"..\")")

    print("%s: %s, finish-args %s" % (path, app_id, " ".join(FINISH_ARGS)))


def check_with_flatpak_builder(path):
    tool = checks.require_tool("flatpak-builder")
    env = dict(os.environ, G_DEBUG="fatal-warnings")
    with tempfile.TemporaryDirectory(prefix="bp-flatpak-") as workdir:
        result = subprocess.run([tool, "--show-manifest", os.path.abspath(path)], cwd=workdir,
                                env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, check=False)
    if result.returncode != 0:
        print(result.stderr.strip())
        checks.fail("flatpak-builder --show-manifest %s failed (status %d)"
                    % (path, result.returncode))
    try:
        json.loads(result.stdout)
    except ValueError:
        checks.fail("flatpak-builder --show-manifest printed no JSON")
    print("%s: flatpak-builder reads it without warnings" % path)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["json", "flatpak-builder"])
    parser.add_argument("manifest")
    parser.add_argument("--id")
    parser.add_argument("--profile", choices=["default", "development"])
    args = parser.parse_args()

    if args.mode == "json":
        if args.id is None or args.profile is None:
            parser.error("json needs --id and --profile")
        check_json(args.manifest, args.id, args.profile)
    else:
        check_with_flatpak_builder(args.manifest)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Installs the build into a temporary DESTDIR and checks that every file lands
where a distribution (and Flatpak) expects it, and nothing else is installed.

Runs `meson install --no-rebuild --destdir`: it only copies what `meson test`
has already built, and runs no tests.

    check-install.py --meson MESON --builddir DIR --srcdir DIR --prefix P --bindir B
                     --datadir D --localedir L --moduledir M --id APP_ID --gettext-package NAME
"""

import argparse
import configparser
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ElementTree

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import bp_data_checks as checks  # noqa: E402

EXECUTABLE = "bp-integration-accounts"
# GnuTLS is in this module, loaded on first use (src/crypto/bp-crypto-loader.c).
CRYPTO_MODULE = "libbp-crypto.so"
# libsecret is in this one, loaded on the first keyring call (src/keyring).
KEYRING_MODULE = "libbp-keyring.so"
# libsoup is in this one, loaded on the first request (src/http/bp-http-loader.c).
HTTP_MODULE = "libbp-http.so"


def read_linguas(srcdir):
    languages = []
    with open(os.path.join(srcdir, "po", "LINGUAS"), encoding="utf-8") as linguas:
        for line in linguas:
            languages += line.split("#", 1)[0].split()
    return languages


def expected_files(args):
    """Paths relative to the prefix, with what to check in each."""
    data = args.datadir
    files = {
        os.path.join(args.bindir, EXECUTABLE): "executable",
        os.path.join(args.moduledir, CRYPTO_MODULE): "module",
        os.path.join(args.moduledir, KEYRING_MODULE): "keyring-module",
        os.path.join(args.moduledir, HTTP_MODULE): "http-module",
        os.path.join(data, "applications", args.id + ".desktop"): "desktop",
        os.path.join(data, "metainfo", args.id + ".metainfo.xml"): "metainfo",
        os.path.join(data, "icons", "hicolor", "scalable", "apps", args.id + ".svg"): "svg",
        os.path.join(data, "icons", "hicolor", "symbolic", "apps",
                     args.id + "-symbolic.svg"): "svg",
        os.path.join(data, "glib-2.0", "schemas", args.id + ".gschema.xml"): "schema",
        os.path.join(data, "dbus-1", "services", args.id + ".service"): "service",
    }
    for language in read_linguas(args.srcdir):
        files[os.path.join(args.localedir, language, "LC_MESSAGES",
                           args.gettext_package + ".mo")] = "mo"
    return files


def read_keyfile(path, group):
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str
    parser.read(path, encoding="utf-8")
    if not parser.has_section(group):
        checks.fail("%s has no [%s] group" % (path, group))
    return parser[group]


def needed_libraries(path):
    output = subprocess.run(["readelf", "-d", path], stdout=subprocess.PIPE, text=True,
                            check=True).stdout
    return [line.split("[", 1)[1].rstrip("]") for line in output.splitlines() if "(NEEDED)" in line]


def dynamic_symbols(path):
    output = subprocess.run(["readelf", "--dyn-syms", "-W", path], stdout=subprocess.PIPE,
                            text=True, check=True).stdout
    return {fields[7] for fields in (line.split() for line in output.splitlines())
            if len(fields) >= 8 and fields[6] != "UND"}


def check_file(path, kind, args):
    prefix_bin = os.path.join(args.prefix, args.bindir, EXECUTABLE)
    if kind == "executable":
        if not os.access(path, os.X_OK):
            checks.fail("%s is not executable" % path)
        if "libgnutls" in " ".join(needed_libraries(path)):
            checks.fail("%s links GnuTLS: it belongs in %s only, loaded when first needed"
                        % (path, CRYPTO_MODULE))
        if "libsecret" in " ".join(needed_libraries(path)):
            checks.fail("%s links libsecret: it belongs in %s only, loaded when first needed"
                        % (path, KEYRING_MODULE))
        if "libsoup" in " ".join(needed_libraries(path)):
            checks.fail("%s links libsoup: it belongs in %s only, loaded when first needed"
                        % (path, HTTP_MODULE))
    elif kind == "module":
        if "bp_crypto_module_get_table" not in dynamic_symbols(path):
            checks.fail("%s does not export bp_crypto_module_get_table" % path)
    elif kind == "keyring-module":
        if "bp_keyring_module_get_table" not in dynamic_symbols(path):
            checks.fail("%s does not export bp_keyring_module_get_table" % path)
    elif kind == "http-module":
        if "bp_http_module_get_table" not in dynamic_symbols(path):
            checks.fail("%s does not export bp_http_module_get_table" % path)
    elif kind == "desktop":
        entry = read_keyfile(path, "Desktop Entry")
        if entry.get("Icon") != args.id:
            checks.fail("%s: Icon=%s, expected %s" % (path, entry.get("Icon"), args.id))
        if entry.get("DBusActivatable") != "true":
            checks.fail("%s: DBusActivatable=true is missing" % path)
        if entry.get("Exec", "").split()[0] != EXECUTABLE:
            checks.fail("%s: Exec must start the %s on PATH" % (path, EXECUTABLE))
    elif kind == "service":
        service = read_keyfile(path, "D-BUS Service")
        if service.get("Name") != args.id:
            checks.fail("%s: Name=%s, expected %s" % (path, service.get("Name"), args.id))
        if service.get("Exec") != prefix_bin + " --gapplication-service":
            checks.fail("%s: Exec=%s, expected %s --gapplication-service"
                        % (path, service.get("Exec"), prefix_bin))
    elif kind == "schema":
        schema = ElementTree.parse(path).getroot().find("schema")
        if schema is None or schema.get("id") != args.id:
            checks.fail("%s: the schema id must be %s" % (path, args.id))
    elif kind in ("metainfo", "svg"):
        ElementTree.parse(path)
    elif kind == "mo":
        with open(path, "rb") as mo_file:
            if mo_file.read(4) not in (b"\xde\x12\x04\x95", b"\x95\x04\x12\xde"):
                checks.fail("%s is not a compiled message catalogue" % path)


def main():
    parser = argparse.ArgumentParser()
    for option in ("meson", "builddir", "srcdir", "prefix", "bindir", "datadir", "localedir",
                   "moduledir", "id", "gettext-package"):
        parser.add_argument("--" + option, required=True)
    args = parser.parse_args()

    # meson passes bindir, datadir and localedir relative to the prefix.
    for name in ("bindir", "datadir", "localedir", "moduledir"):
        value = getattr(args, name)
        if os.path.isabs(value):
            setattr(args, name, os.path.relpath(value, args.prefix))

    with tempfile.TemporaryDirectory(prefix="bp-install-") as destdir:
        result = subprocess.run([args.meson, "install", "-C", args.builddir, "--no-rebuild",
                                 "--quiet", "--destdir", destdir],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                check=False)
        if result.returncode != 0:
            print(result.stdout)
            checks.fail("meson install --destdir failed (status %d)" % result.returncode)

        root = os.path.join(destdir, args.prefix.lstrip("/"))
        expected = expected_files(args)
        installed = set()
        for directory, _, names in os.walk(destdir):
            for name in names:
                installed.add(os.path.relpath(os.path.join(directory, name), root))

        missing = sorted(set(expected) - installed)
        unexpected = sorted(installed - set(expected))
        if missing:
            checks.fail("not installed: " + ", ".join(missing))
        if unexpected:
            checks.fail("installed but not expected (tests, the emulator, headers?): "
                        + ", ".join(unexpected) + "; if it belongs in a package, add it to "
                        "tests/check-install.py")
        for relative, kind in sorted(expected.items()):
            check_file(os.path.join(root, relative), kind, args)
            print("ok  " + os.path.join(args.prefix, relative))


if __name__ == "__main__":
    main()

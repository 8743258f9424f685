#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Compares po/POTFILES.in with the files that have translatable strings.

A file belongs in POTFILES.in when it has any of:
  C sources          _( N_( C_( NC_( ngettext( g_dngettext( g_dpgettext2( outside comments
  GtkBuilder (.ui)   translatable="yes"
  GSettings schemas  <summary> or <description> in a schemalist with a gettext-domain
  AppStream metainfo <name>, <summary>, <description>, <caption>, <keyword>
  desktop files      Name=, GenericName=, Comment=, Keywords=
Every such file must be listed, every listed file must exist and have some, and
the list must be sorted (C locale) without duplicates.

    check-potfiles.py SRCDIR
"""

import os
import re
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import bp_data_checks as checks  # noqa: E402

# Not searched: tests (never translated), translations, build helpers, packaging.
SKIPPED_DIRS = {"tests", "po", "build-aux", "flatpak", "subprojects"}

C_COMMENT_OR_STRING = re.compile(r'/\*.*?\*/|//[^\n]*|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'',
                                 re.DOTALL)
C_GETTEXT_CALL = re.compile(
    r'(?<![A-Za-z0-9_])(?:_|N_|C_|NC_|ngettext|g_dngettext|g_dpgettext2?|g_dgettext)\s*\(')
UI_TRANSLATABLE = re.compile(r'\btranslatable\s*=\s*["\'](?:yes|true|1)["\']')
SCHEMA_TEXT = re.compile(r'<(?:summary|description)\b')
SCHEMA_DOMAIN = re.compile(r'<schemalist\b[^>]*\bgettext-domain\s*=')
METAINFO_TEXT = re.compile(r'<(?:name|summary|description|caption|keyword)\b(?![^>]*translate="no")')
DESKTOP_TEXT = re.compile(r'^(?:Name|GenericName|Comment|Keywords)\s*=', re.MULTILINE)


def strip_c_comments_keep_calls(text):
    # Comments go; string literals become "" so that _("…") still reads as a call.
    return C_COMMENT_OR_STRING.sub(lambda m: "" if m.group(0).startswith("/") else '""', text)


def has_translatable_strings(path):
    name = os.path.basename(path)
    try:
        with open(path, encoding="utf-8") as source:
            text = source.read()
    except (UnicodeDecodeError, OSError):
        return False
    if name.endswith(".c"):
        return C_GETTEXT_CALL.search(strip_c_comments_keep_calls(text)) is not None
    if name.endswith(".ui"):
        return UI_TRANSLATABLE.search(text) is not None
    if name.endswith((".gschema.xml", ".gschema.xml.in")):
        return SCHEMA_DOMAIN.search(text) is not None and SCHEMA_TEXT.search(text) is not None
    if name.endswith((".metainfo.xml", ".metainfo.xml.in", ".appdata.xml.in")):
        return METAINFO_TEXT.search(text) is not None
    if name.endswith((".desktop", ".desktop.in")):
        return DESKTOP_TEXT.search(text) is not None
    return False


def is_build_dir(directory, names):
    return ("build.ninja" in names or "meson-private" in names
            or os.path.basename(directory) == "_flatpak_build")


def find_translatable_files(srcdir):
    found = set()
    for directory, dirnames, filenames in os.walk(srcdir):
        relative_dir = os.path.relpath(directory, srcdir)
        if is_build_dir(directory, dirnames + filenames):
            dirnames[:] = []
            continue
        dirnames[:] = [d for d in dirnames
                       if not d.startswith(".")
                       and not (relative_dir == "." and (d in SKIPPED_DIRS or d.startswith("build")))]
        for filename in filenames:
            path = os.path.join(directory, filename)
            if has_translatable_strings(path):
                found.add(os.path.relpath(path, srcdir))
    return found


def read_potfiles(srcdir):
    listed = []
    with open(os.path.join(srcdir, "po", "POTFILES.in"), encoding="utf-8") as potfiles:
        for line in potfiles:
            line = line.strip()
            if line and not line.startswith("#"):
                listed.append(line)
    return listed


def main():
    if len(sys.argv) != 2:
        checks.fail("usage: check-potfiles.py SRCDIR")
    srcdir = sys.argv[1]
    listed = read_potfiles(srcdir)
    found = find_translatable_files(srcdir)

    problems = []
    missing = sorted(found - set(listed))
    if missing:
        problems.append("has translatable strings but is not in po/POTFILES.in:\n    "
                        + "\n    ".join(missing))
    stale = sorted(p for p in set(listed) - found)
    if stale:
        problems.append("is in po/POTFILES.in but does not exist or has no translatable "
                        "strings:\n    " + "\n    ".join(stale))
    duplicates = sorted({p for p in listed if listed.count(p) > 1})
    if duplicates:
        problems.append("listed twice: " + ", ".join(duplicates))
    if listed != sorted(listed):
        problems.append("po/POTFILES.in is not sorted; expected order:\n    "
                        + "\n    ".join(sorted(set(listed))))
    if problems:
        checks.fail("\n".join(problems))
    print("po/POTFILES.in lists all %d files with translatable strings" % len(listed))


if __name__ == "__main__":
    main()

#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks the translations against the current sources.

1. Extracts a fresh template from po/POTFILES.in with the same xgettext keywords
   as meson's i18n "glib" preset; xgettext must not warn (for example about a
   format string it cannot read).
2. po/LINGUAS and po/*.po agree: every listed language has a .po, every .po is
   listed.
3. Each .po, merged with the fresh template (no fuzzy matching), is 100 %
   translated: `msgfmt --check --statistics` reports no fuzzy and no untranslated
   messages. A string added to the sources without a translation fails here.

    check-translations.py SRCDIR GETTEXT_PACKAGE
"""

import os
import re
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import bp_data_checks as checks  # noqa: E402

# meson's i18n.gettext(preset: 'glib').
XGETTEXT_ARGS = [
    "--from-code=UTF-8", "--add-comments",
    "--keyword=_", "--keyword=N_", "--keyword=C_:1c,2", "--keyword=NC_:1c,2",
    "--keyword=g_dcgettext:2", "--keyword=g_dngettext:2,3", "--keyword=g_dpgettext2:2c,3",
    "--flag=N_:1:pass-c-format", "--flag=C_:2:pass-c-format", "--flag=NC_:2:pass-c-format",
    "--flag=g_dngettext:2:pass-c-format", "--flag=g_strdup_printf:1:c-format",
    "--flag=g_string_printf:2:c-format", "--flag=g_string_append_printf:2:c-format",
    "--flag=g_error_new:3:c-format", "--flag=g_set_error:4:c-format",
    "--flag=g_markup_printf_escaped:1:c-format", "--flag=g_log:3:c-format",
    "--flag=g_print:1:c-format", "--flag=g_printerr:1:c-format", "--flag=g_printf:1:c-format",
    "--flag=g_fprintf:2:c-format", "--flag=g_sprintf:2:c-format",
    "--flag=g_snprintf:3:c-format",
]

STATISTICS = re.compile(r"(\d+) (translated|fuzzy|untranslated)")


def run(argv, **kwargs):
    return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          check=False, **kwargs)


def read_linguas(po_dir):
    languages = []
    with open(os.path.join(po_dir, "LINGUAS"), encoding="utf-8") as linguas:
        for line in linguas:
            languages += line.split("#", 1)[0].split()
    return languages


def extract_template(xgettext, srcdir, package, pot):
    result = run([xgettext] + XGETTEXT_ARGS + [
        "--package-name=" + package, "--directory=" + srcdir,
        "--files-from=" + os.path.join(srcdir, "po", "POTFILES.in"), "--output=" + pot])
    if result.returncode != 0 or result.stderr.strip():
        print(result.stderr.strip())
        checks.fail("xgettext could not extract the template cleanly (above)")
    with open(pot, encoding="utf-8") as template:
        count = template.read().count("\nmsgid ") - 1  # the header is msgid ""
    if count <= 0:
        checks.fail("the template has no messages: is po/POTFILES.in empty?")
    return count


def statistics(msgfmt, po_file):
    result = run([msgfmt, "--check", "--statistics", "--output-file=" + os.devnull, po_file])
    if result.returncode != 0:
        print(result.stderr.strip())
        checks.fail("msgfmt --check rejects %s" % po_file)
    counts = {"translated": 0, "fuzzy": 0, "untranslated": 0}
    for number, kind in STATISTICS.findall(result.stderr):
        counts[kind] = int(number)
    return counts


def main():
    if len(sys.argv) != 3:
        checks.fail("usage: check-translations.py SRCDIR GETTEXT_PACKAGE")
    srcdir, package = sys.argv[1:]
    po_dir = os.path.join(srcdir, "po")
    xgettext = checks.require_tool("xgettext")
    msgmerge = checks.require_tool("msgmerge")
    msgfmt = checks.require_tool("msgfmt")

    languages = read_linguas(po_dir)
    po_files = sorted(name[:-3] for name in os.listdir(po_dir) if name.endswith(".po"))
    unlisted = sorted(set(po_files) - set(languages))
    missing = sorted(set(languages) - set(po_files))
    if unlisted or missing:
        checks.fail("po/LINGUAS and po/*.po disagree: not in LINGUAS: %s; no .po file: %s"
                    % (unlisted, missing))

    with tempfile.TemporaryDirectory(prefix="bp-po-") as workdir:
        pot = os.path.join(workdir, package + ".pot")
        count = extract_template(xgettext, srcdir, package, pot)
        print("template: %d messages" % count)

        incomplete = []
        for language in languages:
            po_file = os.path.join(po_dir, language + ".po")
            statistics(msgfmt, po_file)  # the file as it is must compile
            merged = os.path.join(workdir, language + ".po")
            result = run([msgmerge, "--quiet", "--no-fuzzy-matching", "--output-file=" + merged,
                          po_file, pot])
            if result.returncode != 0:
                print(result.stderr.strip())
                checks.fail("msgmerge failed for %s" % po_file)
            counts = statistics(msgfmt, merged)
            print("%s: %d translated, %d fuzzy, %d untranslated"
                  % (language, counts["translated"], counts["fuzzy"], counts["untranslated"]))
            if counts["fuzzy"] or counts["untranslated"] or counts["translated"] != count:
                incomplete.append(language)

    if incomplete:
        checks.fail("not 100 %% translated against the current sources: %s "
                    "(update with: meson compile -C BUILDDIR %s-update-po)"
                    % (", ".join(incomplete), package))
    if not languages:
        print("po/LINGUAS lists no languages yet: only the template was checked")


if __name__ == "__main__":
    main()

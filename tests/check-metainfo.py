#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Validates the merged AppStream metainfo and checks it against the build.

appstreamcli validate --no-net --pedantic: every error, warning and info fails
the test (what `--strict` does); pedantic hints are printed and allowed, because
the only one is "cid-contains-uppercase-letter" and the ID is fixed by design.
One exception: AppStream < 1.0 does not know <developer> (1.0's replacement of
<developer_name>, which Flathub requires), so "unknown-tag developer" is allowed
when the validator is older than 1.0.

Then: the ID, the launchable, the translation domain, and the newest release is
the project's version with an ISO date, so that the About dialog's version and
the software center's agree.

    check-metainfo.py FILE --id ID --version VERSION --gettext-domain DOMAIN
"""

import argparse
import re
import subprocess
import sys
import xml.etree.ElementTree as ElementTree

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import bp_data_checks as checks  # noqa: E402

ISSUE = re.compile(r"^([EWIP]): (\S+?):(?:(\d+):)? (\S+)(?: (.*))?$")


def appstream_version(tool):
    output = subprocess.run([tool, "--version"], stdout=subprocess.PIPE, text=True,
                            check=False).stdout
    match = re.search(r"(\d+)\.(\d+)(?:\.(\d+))?", output)
    return tuple(int(part or 0) for part in match.groups()) if match else (0, 0, 0)


def validate(tool, path):
    version = appstream_version(tool)
    result = subprocess.run([tool, "validate", "--no-net", "--pedantic", "--explain", path],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            check=False)
    print(result.stdout.strip())
    problems = []
    for line in result.stdout.splitlines():
        match = ISSUE.match(line)
        if match is None:
            continue
        severity, _, _, tag, detail = match.groups()
        if severity == "P":
            continue
        if (severity == "I" and tag == "unknown-tag" and detail == "developer"
                and version < (1, 0, 0)):
            print("(allowed: AppStream %d.%d does not know <developer> yet)" % version[:2])
            continue
        problems.append(line)
    if problems:
        checks.fail("appstreamcli reported:\n  " + "\n  ".join(problems))
    # Without --strict, a non-zero status means errors or warnings.
    if result.returncode != 0:
        checks.fail("appstreamcli validate exited with status %d" % result.returncode)


def check_contents(path, args):
    root = ElementTree.parse(path).getroot()
    if root.findtext("id") != args.id:
        checks.fail("<id> is %r, expected %r" % (root.findtext("id"), args.id))
    launchable = root.find("launchable[@type='desktop-id']")
    if launchable is None or launchable.text != args.id + ".desktop":
        checks.fail("<launchable type=\"desktop-id\"> must be %s.desktop" % args.id)
    translation = root.find("translation[@type='gettext']")
    if translation is None or translation.text != args.gettext_domain:
        checks.fail("<translation type=\"gettext\"> must be %s" % args.gettext_domain)
    releases = root.findall("releases/release")
    if not releases:
        checks.fail("no <release>")
    newest = releases[0]
    if newest.get("version") != args.version:
        checks.fail("the newest <release> is %s but meson.build says %s: add a release"
                    % (newest.get("version"), args.version))
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", newest.get("date", "")):
        checks.fail("the newest <release> needs date=\"YYYY-MM-DD\"")
    if len(root.findall("screenshots/screenshot")) < 2:
        checks.fail("at least two screenshots are expected (the page, the limits dialog)")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("file")
    parser.add_argument("--id", required=True)
    parser.add_argument("--version", required=True)
    parser.add_argument("--gettext-domain", required=True)
    args = parser.parse_args()

    validate(checks.require_tool("appstreamcli"), args.file)
    check_contents(args.file, args)
    print("%s: valid, version %s" % (args.file, args.version))


if __name__ == "__main__":
    main()

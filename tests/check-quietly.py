#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Runs a validator and fails unless it exits 0 AND prints nothing.

desktop-file-validate exits 0 on warnings and hints; here any line it prints
(error, warning or hint) fails the test.

    check-quietly.py TOOL ARGS...
"""

import subprocess
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import bp_data_checks as checks  # noqa: E402


def main():
    if len(sys.argv) < 2:
        checks.fail("usage: check-quietly.py TOOL ARGS...")
    tool = checks.require_tool(sys.argv[1])
    result = subprocess.run([tool] + sys.argv[2:], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, check=False)
    output = result.stdout.strip()
    if output:
        print(output)
    if result.returncode != 0:
        checks.fail("%s exited with status %d" % (sys.argv[1], result.returncode))
    if output:
        checks.fail("%s printed errors, warnings or hints (above)" % sys.argv[1])
    print("%s: no errors, no warnings, no hints" % " ".join(sys.argv[1:]))


if __name__ == "__main__":
    main()

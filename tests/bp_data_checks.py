# SPDX-License-Identifier: GPL-3.0-or-later
"""Shared by the data checks in tests/: how a check passes, fails or skips.

meson treats exit status 77 as "skipped". Under build-aux/test (BP_TEST_SESSION=1)
a missing tool is a failure instead, so a broken environment never shows green.
"""

import os
import shutil
import sys

SKIP = 77


def fail(message):
    print("FAIL: " + message, file=sys.stderr)
    sys.exit(1)


def require_tool(name):
    """Returns the tool's path, or skips (fails under build-aux/test) without it."""
    path = shutil.which(name)
    if path is not None:
        return path
    message = name + " is not installed (Debian: see build-aux/packages.txt)"
    if os.environ.get("BP_TEST_SESSION") == "1":
        fail(message)
    print("SKIP: " + message)
    sys.exit(SKIP)

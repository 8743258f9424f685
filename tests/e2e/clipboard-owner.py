#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Puts the text read from stdin on the X clipboard and keeps serving it until
killed, as the program an administrator copied a certificate from would.
Prints "ready" once the X server knows the new owner.

Run without accessibility (GTK_A11Y=none): it is not part of what the tests drive.
"""

import sys

import gi

gi.require_version("Gdk", "4.0")
gi.require_version("Gtk", "4.0")
from gi.repository import Gdk, GLib, Gtk  # noqa: E402


def main():
    text = sys.stdin.read()
    if not Gtk.init_check():
        print("cannot open the display", file=sys.stderr)
        return 1
    display = Gdk.Display.get_default()
    display.get_clipboard().set_content(Gdk.ContentProvider.new_for_value(text))
    display.sync()
    print("ready", flush=True)
    GLib.MainLoop().run()
    return 0


if __name__ == "__main__":
    sys.exit(main())

# SPDX-License-Identifier: GPL-3.0-or-later
"""Finding, reading and operating controls through AT-SPI, as a screen reader does.

Controls are found by role and accessible name, never by widget type, tree path or
coordinates. What GTK 4.8 exposes (and how these helpers read it):

- The AT-SPI name GTK 4.8 reports joins the `label` property and the names of the
  `labelled-by` targets ("_Apply Apply" for a mnemonic button, "Paste Paste" for a
  button with an explicit label, "Salesforce.com Type" for a value labelled by its
  key). GTK 4.10 and later follow WAI-ARIA: the labelled-by text wins. `name()`
  computes the ARIA name from the relation, so a test names a control by the text
  on the screen and runs unchanged on both.
- Only toplevels carry STATE_SHOWING; a control on a hidden stack page still says
  VISIBLE and keeps its last extent. `is_on_screen()` hit-tests the stack pages.
- Buttons have the `click` action (it emits `clicked` about 250 ms later); check
  boxes and tree expanders have no action at all: the tests use their keys
  (mnemonics, Space, + on the keypad).
- GtkEntry is ROLE_TEXT (GtkPasswordEntry ROLE_PASSWORD_TEXT) with EditableText;
  GetText (0, -1) answers "" on 4.8, so `text()` asks for the length first.
- grabFocus and screen coordinates do not work; key events go to the focused
  toplevel through XTest (pyatspi.Registry.generateKeyboardEvent).
"""

import time

import pyatspi

DEFAULT_TIMEOUT = 10.0
POLL = 0.02


class UIError(AssertionError):
    """What the administrator would have seen go wrong, in words."""


def wait_until(condition, what, timeout=DEFAULT_TIMEOUT):
    """Polls `condition` until it returns something true; returns that value."""
    deadline = time.monotonic() + timeout
    last_error = None
    while True:
        try:
            value = condition()
            if value:
                return value
            last_error = None
        except Exception as error:  # an object that went away while we looked
            last_error = error
        if time.monotonic() >= deadline:
            detail = " (last error: %s)" % last_error if last_error else ""
            raise UIError("timed out after %.0f s waiting for %s%s" % (timeout, what, detail))
        time.sleep(POLL)


# Reading ---------------------------------------------------------------------

def has_state(acc, state):
    return acc.getState().contains(state)


def relation_targets(acc, relation):
    targets = []
    for rel in acc.getRelationSet():
        if rel.getRelationType() == relation:
            targets += [rel.getTarget(i) for i in range(rel.getNTargets())]
    return targets


def name(acc):
    """The accessible name by WAI-ARIA: the text of the labelled-by labels, else
    the name (see the module comment for GTK 4.8)."""
    labels = [target for target in relation_targets(acc, pyatspi.RELATION_LABELLED_BY)
              if target.getRole() == pyatspi.ROLE_LABEL]
    if labels:
        return " ".join(text(label) or label.name for label in labels)
    return acc.name or ""


def description(acc):
    return acc.description or ""


def text(acc):
    try:
        iface = acc.queryText()
    except NotImplementedError:
        return None
    # GTK 4.8 answers GetText (0, -1) with "" for entries: ask for the length.
    return iface.getText(0, iface.characterCount)


TOPLEVEL_ROLES = (pyatspi.ROLE_FRAME, pyatspi.ROLE_DIALOG, pyatspi.ROLE_ALERT, pyatspi.ROLE_WINDOW)


def toplevel_of(acc):
    while acc is not None and acc.getRole() not in TOPLEVEL_ROLES:
        acc = acc.parent
    return acc


def is_ancestor(ancestor, acc):
    for _ in range(64):
        if acc is None:
            return False
        if acc.path == ancestor.path:
            return True
        acc = acc.parent
    return False


def has_component(acc):
    try:
        acc.queryComponent()
    except NotImplementedError:
        return False
    return True


def is_on_screen(acc):
    """On the page that is shown, not only VISIBLE.

    GTK 4.8 keeps VISIBLE and the last allocation on the children of a stack page
    that was shown before and is hidden now (a never-shown page reports 0×0).
    So for every stack page on the way up (a GtkStackPage is the one ancestor
    without a Component), the window's hit test at the centre of the page's
    child must land inside that child; otherwise another page is drawn there.
    A control scrolled out of view still counts as shown.
    """
    if not has_state(acc, pyatspi.STATE_VISIBLE):
        return False
    extents = acc.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
    if extents.width <= 0 or extents.height <= 0:
        return False
    page_children = []
    child, parent = acc, acc.parent
    while parent is not None and parent.getRole() not in TOPLEVEL_ROLES:
        if not has_component(parent):
            page_children.append(child)
        child, parent = parent, parent.parent
    if parent is None:
        return True
    return all(_page_is_shown(parent, page_child) for page_child in page_children)


def _page_is_shown(toplevel, page_child):
    """Hit-tests five points of a stack page's child. GTK answers None where the
    widget found there has no accessible object yet (an entry's inner text, a
    never-listed box), so one point does not always tell."""
    box = page_child.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
    if box.width <= 0 or box.height <= 0:
        return False
    saw_other = False
    for fx, fy in ((2, 2), (1, 1), (3, 1), (1, 3), (3, 3)):
        hit = toplevel.queryComponent().getAccessibleAtPoint(box.x + box.width * fx // 4,
                                                             box.y + box.height * fy // 4,
                                                             pyatspi.WINDOW_COORDS)
        if hit is None:
            continue
        if is_ancestor(page_child, hit):
            return True
        saw_other = True
    return not saw_other


def is_sensitive(acc):
    return has_state(acc, pyatspi.STATE_SENSITIVE)


def is_checked(acc):
    return has_state(acc, pyatspi.STATE_CHECKED)


def is_focused(acc):
    return has_state(acc, pyatspi.STATE_FOCUSED)


def describe(acc):
    try:
        return "%s %r" % (acc.getRoleName(), name(acc))
    except Exception:
        return "<gone>"


def dump(acc, depth=0, out=None):
    """The tree as text, for the log of a failed scenario."""
    out = [] if out is None else out
    try:
        state_names = sorted(pyatspi.stateToString(s) for s in acc.getState().getStates())
        line = "%s%s %r" % ("  " * depth, acc.getRoleName(), acc.name)
        value = text(acc) if acc.getRole() != pyatspi.ROLE_PASSWORD_TEXT else None
        if value:
            line += " text=%r" % value[:120]
        if acc.description:
            line += " description=%r" % acc.description
        line += " [%s]" % ",".join(s for s in state_names if s in (
            "visible", "sensitive", "focused", "checked", "selected", "invalid-entry",
            "active", "modal", "expanded"))
        out.append(line)
        for child in acc:
            if child is not None:
                dump(child, depth + 1, out)
    except Exception as error:
        out.append("%s<%s>" % ("  " * depth, error))
    return out


# Finding ---------------------------------------------------------------------

def find_all(root, acc_role=None, acc_name=None, on_screen=True, predicate=None):
    """Descendants of `root` with this role and ARIA name, in tree order."""
    found = []

    def visit(acc):
        for child in acc:
            if child is None:
                continue
            # A subtree that is not VISIBLE holds nothing on screen.
            if on_screen and not has_state(child, pyatspi.STATE_VISIBLE):
                continue
            if (acc_role is None or child.getRole() == acc_role) \
                    and (acc_name is None or name(child) == acc_name) \
                    and (predicate is None or predicate(child)) \
                    and (not on_screen or is_on_screen(child)):
                found.append(child)
            visit(child)

    visit(root)
    return found


def find(root, acc_role, acc_name, timeout=DEFAULT_TIMEOUT, on_screen=True):
    """The one control with this role and name; waits for it to appear."""
    def one():
        matches = find_all(root, acc_role, acc_name, on_screen=on_screen)
        if len(matches) > 1:
            raise UIError("%d controls are %s %r" % (len(matches), role_name(acc_role), acc_name))
        return matches[0] if matches else None

    return wait_until(one, "%s %r" % (role_name(acc_role), acc_name), timeout)


def role_name(acc_role):
    try:
        return pyatspi.Atspi.role_get_name(acc_role)
    except Exception:
        return str(acc_role)


# Operating -------------------------------------------------------------------

def do_action(acc, action_name):
    actions = acc.queryAction()
    for index in range(actions.nActions):
        if actions.getName(index) == action_name:
            if not actions.doAction(index):
                raise UIError("%s refused the %s action" % (describe(acc), action_name))
            return
    raise UIError("%s has no %s action" % (describe(acc), action_name))


def click(button, timeout=DEFAULT_TIMEOUT):
    """Clicks a button once it is sensitive (GTK emits `clicked` ~250 ms later)."""
    wait_until(lambda: is_sensitive(button), "%s to become sensitive" % describe(button), timeout)
    do_action(button, "click")


def set_text(entry, value, timeout=DEFAULT_TIMEOUT):
    """Replaces an entry's text, as typing over a selection would."""
    editable = entry.queryEditableText()
    if not editable.setTextContents(value):
        raise UIError("%s refused the text" % describe(entry))
    if entry.getRole() != pyatspi.ROLE_PASSWORD_TEXT:
        wait_until(lambda: text(entry) == value, "%s to read %r" % (describe(entry), value), timeout)


def select_child(container, child):
    """Selects `child` through the container's Selection interface."""
    index = child.getIndexInParent()
    if not container.querySelection().selectChild(index):
        raise UIError("%s refused to select %s" % (describe(container), describe(child)))


# Keys ------------------------------------------------------------------------

KEYSYMS = {
    "Tab": 0xff09, "Return": 0xff0d, "Escape": 0xff1b, "space": 0x0020, "KP_Add": 0xffab,
    "Up": 0xff52, "Down": 0xff54, "Left": 0xff51, "Right": 0xff53,
}

# Modifier masks for KEY_LOCKMODIFIERS (X11: ShiftMask, ControlMask, Mod1Mask = Alt).
MODIFIERS = {"shift": 1 << 0, "ctrl": 1 << 2, "alt": 1 << 3}


def _keysym(key):
    if key in KEYSYMS:
        return KEYSYMS[key]
    if len(key) == 1:
        return ord(key)
    raise ValueError("unknown key %r" % key)


def press(key, modifiers=()):
    """Presses and releases `key` ("Tab", "Return", "n", ...) with modifiers held."""
    mask = 0
    for modifier in modifiers:
        mask |= MODIFIERS[modifier]
    if mask:
        pyatspi.Registry.generateKeyboardEvent(mask, None, pyatspi.KEY_LOCKMODIFIERS)
    try:
        pyatspi.Registry.generateKeyboardEvent(_keysym(key), None, pyatspi.KEY_SYM)
    finally:
        if mask:
            pyatspi.Registry.generateKeyboardEvent(mask, None, pyatspi.KEY_UNLOCKMODIFIERS)


def focused(root):
    """The control with the keyboard focus under `root`, or None."""
    found = find_all(root, predicate=is_focused)
    return found[0] if found else None


def press_to_move_focus(root, key, modifiers=()):
    """Presses a key that moves the focus (Tab, Down, ...); returns the newly focused control."""
    before = focused(root)
    before_path = before.path if before is not None else None
    press(key, modifiers)

    def moved():
        now = focused(root)
        return now if now is not None and now.path != before_path else None

    return wait_until(moved, "the focus to leave %s on %s"
                      % (describe(before) if before is not None else "nothing", key))


def focus_with_key(root, key, wanted, what, limit=30, modifiers=()):
    """Presses `key` until the focused control satisfies `wanted`; returns it."""
    current = focused(root)
    for _ in range(limit):
        if current is not None and wanted(current):
            return current
        current = press_to_move_focus(root, key, modifiers)
    raise UIError("%s not reached after %d × %s (focus on %s)" % (what, limit, key, describe(current)))


def type_text(value):
    """Types `value` key by key into whatever has the keyboard focus."""
    for character in value:
        pyatspi.Registry.generateKeyboardEvent(ord(character), None, pyatspi.KEY_SYM)

# SPDX-License-Identifier: GPL-3.0-or-later
"""The scenarios of issue 10, each as an administrator would do it: the controls
are found by role and by the text on the screen, clicked through the AT-SPI action
interface, typed into through EditableText or, in scenario 7, with key events only.
"""

import os
import re
import tempfile

import pyatspi

import e2e_atspi as ui
import e2e_session as session

ROLE_BUTTON = pyatspi.ROLE_PUSH_BUTTON
ROLE_TEXT = pyatspi.ROLE_TEXT
ROLE_PASSWORD = pyatspi.ROLE_PASSWORD_TEXT
ROLE_CHECK = pyatspi.ROLE_CHECK_BOX
ROLE_LABEL = pyatspi.ROLE_LABEL

EMULATOR_USER = "admin@emulator.example"  # tests/emulator/bp-emulator.h
CERTIFICATE_CN = "SelfSignedCert_E2E_Test"

SCENARIOS = []


class Scenario:
    def __init__(self, number, title, function, needs_german=False):
        self.number = number
        self.title = title
        self.function = function
        self.needs_german = needs_german
        self.slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:40]

    def skip_reason(self, run):
        if self.needs_german and not os.path.exists(german_po(run)):
            return "po/de.po does not exist yet: there is no German translation to check"
        return None


def scenario(number, title, **options):
    def register(function):
        SCENARIOS.append(Scenario(number, title, function, **options))
        return function
    return register


class Run:
    """Once per run: the installation and the test certificate."""

    def __init__(self, args, workdir):
        self.args = args
        self.workdir = workdir
        self.installation = session.Installation(args, workdir)
        self.certificate_pem, self.private_key_pem = make_certificate(workdir)


class Context:
    """One scenario's world: its own store, emulator and redirect port."""

    def __init__(self, run, scenario_):
        self.run = run
        self.scenario = scenario_
        self.workdir = tempfile.mkdtemp(prefix="scenario-%d-" % scenario_.number, dir=run.workdir)
        self.config_home = os.path.join(self.workdir, "config")
        os.mkdir(self.config_home, 0o700)
        self.store = session.Store(self.config_home)
        self.apps = []
        self.app_starts = 0
        self.clipboard = None
        self.redirect_port = session.free_port()
        self.emulator = session.Emulator(run.args.emulator, self.workdir)

    @property
    def redirect_uri(self):
        return "http://localhost:%d/OauthRedirect" % self.redirect_port

    def start_app(self, **options):
        return session.App(self, **options).start()

    def put_on_clipboard(self, text):
        if self.clipboard is not None:
            self.clipboard.stop()
        self.clipboard = session.Clipboard(text, self.workdir)

    def close(self):
        for app in self.apps:
            app.kill()
        if self.clipboard is not None:
            self.clipboard.stop()
        if self.emulator is not None:
            self.emulator.stop()


def make_certificate(workdir):
    """A self-signed certificate shaped like Salesforce's identity provider's, and its key."""
    key = os.path.join(workdir, "idp-key.pem")
    certificate = os.path.join(workdir, "idp-certificate.pem")
    session.run_quietly(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                         "-keyout", key, "-out", certificate, "-days", "365",
                         "-subj", "/C=US/ST=CA/L=San Francisco/O=Salesforce.com"
                         "/OU=00DE2E000000001/CN=" + CERTIFICATE_CN],
                        "openssl req (the test certificate)")
    with open(certificate, encoding="ascii") as pem, open(key, encoding="ascii") as key_pem:
        return pem.read(), key_pem.read()


def german_po(run):
    return os.path.join(run.args.srcdir, "po", "de.po")


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def check_equal(actual, expected, what):
    if actual == expected:
        return
    if isinstance(actual, dict) and isinstance(expected, dict):
        differences = ["  %s: %r, expected %r" % (key, actual.get(key), expected.get(key))
                       for key in sorted(set(actual) | set(expected))
                       if actual.get(key) != expected.get(key)]
        raise AssertionError("%s differs:\n%s" % (what, "\n".join(differences)))
    raise AssertionError("%s is %r, expected %r" % (what, actual, expected))


# The window ------------------------------------------------------------------

def button(root, label, **options):
    return ui.find(root, ROLE_BUTTON, label, **options)


def field(app, label, acc_role=ROLE_TEXT):
    return ui.find(app.window, acc_role, label)


def text_of(app, label, acc_role=ROLE_TEXT):
    return ui.text(field(app, label, acc_role))


def labelled_value(root, key):
    """The text of the label that another label ("Refresh token", "Common name") names."""
    def value_label(acc):
        return any(ui.text(target) == key
                   for target in ui.relation_targets(acc, pyatspi.RELATION_LABELLED_BY))

    def one():
        found = ui.find_all(root, ROLE_LABEL, predicate=value_label)
        if len(found) > 1:
            raise ui.UIError("%d values are labelled %r" % (len(found), key))
        return found[0] if found else None

    return ui.text(ui.wait_until(one, "the value labelled %r" % key))


def account_list(app):
    """The list of accounts; None while the empty state is shown instead."""
    tables = ui.find_all(app.window, pyatspi.ROLE_TREE_TABLE, "Integration accounts")
    if not tables:
        return None
    # No waiting here: the table can outlive its list for a moment while the
    # empty state replaces it, and a wait inside a wait_until() ate its time.
    lists = ui.find_all(tables[0], pyatspi.ROLE_LIST)
    return lists[0] if lists else None


def account_rows(app):
    """The account list as the administrator reads it: (row, [cell texts]) per account."""
    rows = []
    table = account_list(app)
    if table is None:
        return rows
    for row in ui.find_all(table, pyatspi.ROLE_TABLE_ROW):
        cells = []
        for cell in ui.find_all(row, pyatspi.ROLE_TABLE_CELL, on_screen=False):
            shown = ui.find_all(cell, on_screen=False,
                                predicate=lambda acc: acc.getRole() in (ROLE_LABEL, pyatspi.ROLE_IMAGE))
            cells.append(" ".join((ui.text(acc) if acc.getRole() == ROLE_LABEL else acc.name) or ""
                                  for acc in shown).strip())
        rows.append((row, cells))
    return rows


def account_names(app):
    return [cells[0] for _, cells in account_rows(app)]


def select_account(app, account_name):
    """Selects the account's row in the list, as a click on it would."""
    for row, cells in account_rows(app):
        if cells and cells[0] == account_name:
            ui.select_child(account_list(app), row)
            return
    raise AssertionError("no account %r in the list (it shows %r)" % (account_name, account_names(app)))


def wait_for_pane_of(app, account_name):
    ui.wait_until(lambda: text_of(app, "Name") == account_name,
                  "the Properties pane to show %r" % account_name)


def toggle_with_mnemonic(app, label, key):
    """Check boxes have no AT-SPI action on GTK 4.8: press their mnemonic (Alt+key)."""
    box = field(app, label, ROLE_CHECK)
    before = ui.is_checked(box)
    ui.press(key, ["alt"])
    ui.wait_until(lambda: ui.is_checked(box) != before, "%r to toggle on Alt+%s" % (label, key))


def open_new_salesforce_account(app):
    """+ → Types → Salesforce.com → Add: the Properties pane shows an empty form."""
    ui.click(button(app.window, "Add"))
    types = app.wait_frame("Types")
    row = ui.find(types, pyatspi.ROLE_LIST_ITEM, "Salesforce.com")
    check(ui.has_state(row, pyatspi.STATE_SELECTED), "Salesforce.com is not preselected in Types")
    ui.click(button(types, "Add"))
    app.wait_closed(types)
    # A new account starts with a name of its own ("New Salesforce.com account").
    ui.wait_until(lambda: text_of(app, "Name"), "the Name of the new account")


# Steps shared by the scenarios -------------------------------------------------

class Account:
    """What an administrator types for one Salesforce.com account."""

    def __init__(self, name, url="", consumer_key="3MVG9E2E.consumer.key",
                 consumer_secret="E2E-consumer-secret-0001", idp_login_url="/",
                 is_default=False, sandbox=False, certificate=False):
        self.name = name
        self.url = url
        self.consumer_key = consumer_key
        self.consumer_secret = consumer_secret
        self.idp_login_url = idp_login_url
        self.is_default = is_default
        self.sandbox = sandbox
        self.certificate = certificate


FULL_ACCOUNT = Account(
    "Production",
    url="https://acme--uat.sandbox.my.salesforce.com",
    consumer_key="3MVG9E2E.full.consumer.key",
    consumer_secret="E2E-full-consumer-secret",
    idp_login_url="https://acme--uat.sandbox.my.salesforce.com/idp/login?app=0sp000000000001",
    is_default=True, sandbox=True, certificate=True)


def paste_certificate(context, app, pem):
    context.put_on_clipboard(pem)
    ui.click(button(app.window, "Paste"))


def fill_form(context, app, account):
    """Fills the Properties pane the way scenario 1 describes, through AT-SPI."""
    ui.set_text(field(app, "Name"), account.name)
    if account.is_default:
        toggle_with_mnemonic(app, "Default account", "d")
    ui.set_text(field(app, "Url"), account.url)
    if account.sandbox:
        toggle_with_mnemonic(app, "Sandbox environment", "s")
    ui.set_text(field(app, "Consumer key"), account.consumer_key)
    ui.set_text(field(app, "Consumer secret", ROLE_PASSWORD), account.consumer_secret)
    if account.certificate:
        paste_certificate(context, app, context.run.certificate_pem)
        ui.wait_until(lambda: labelled_value(app.window, "Common name") == CERTIFICATE_CN,
                      "the pasted certificate's details (Common name %s)" % CERTIFICATE_CN)
    ui.set_text(field(app, "Identity provider initiated login URL"), account.idp_login_url)


def apply_changes(app, account_name):
    """Apply, then wait until the list shows the account and nothing is left to apply."""
    ui.click(button(app.window, "Apply"))
    ui.wait_until(lambda: not ui.is_sensitive(button(app.window, "Apply")),
                  "Apply to become insensitive (the changes saved)")
    ui.wait_until(lambda: account_name in account_names(app),
                  "%r in the account list" % account_name)


def add_account(context, app, account):
    open_new_salesforce_account(app)
    fill_form(context, app, account)
    apply_changes(app, account.name)
    return ui.wait_until(lambda: context.store.exists() and context.store.account_named(account.name),
                         "%r in %s" % (account.name, context.store.path))


def form_values(app):
    """What the Properties pane shows, as a screen reader would read it."""
    return {
        "Name": text_of(app, "Name"),
        "Default account": ui.is_checked(field(app, "Default account", ROLE_CHECK)),
        "Url": text_of(app, "Url"),
        "Sandbox environment": ui.is_checked(field(app, "Sandbox environment", ROLE_CHECK)),
        "Consumer key": text_of(app, "Consumer key"),
        "Consumer secret length": field(app, "Consumer secret", ROLE_PASSWORD)
        .queryText().characterCount,
        "Refresh token": labelled_value(app.window, "Refresh token"),
        "Identity provider certificate": text_of(app, "Identity provider certificate"),
        "Identity provider initiated login URL": text_of(app, "Identity provider initiated login URL"),
    }


def request_token(context, app):
    """Request token; the stand-in browser approves; the row says who authorized."""
    ui.click(button(app.window, "Request token"))
    return ui.wait_until(lambda: labelled_value(app.window, "Refresh token")
                         .startswith("Authorized as " + EMULATOR_USER),
                         "the Refresh token row to say Authorized as %s" % EMULATOR_USER,
                         timeout=20)


def check_store_file(context):
    mode = context.store.mode()
    check(mode == 0o600, "%s has mode %o, expected 600" % (context.store.path, mode))
    directory_mode = context.store.directory_mode()
    check(directory_mode == 0o700, "the store's directory has mode %o, expected 700" % directory_mode)


# The scenarios -----------------------------------------------------------------

@scenario(1, "First start: add an account by typing, Apply, restart")
def first_start(context):
    account = FULL_ACCOUNT
    app = context.start_app()
    ui.find(app.window, ROLE_LABEL, "No Integration Accounts")
    check_equal(account_names(app), [], "the account list of an empty store")

    open_new_salesforce_account(app)
    fill_form(context, app, account)
    apply_changes(app, account.name)

    check_saved_and_restart(context, app, account)


def check_saved_and_restart(context, app, account):
    """Scenario 1's checks: the file (0600, no secret), the keyring, and the same
    values in the Properties pane after a restart."""
    saved = ui.wait_until(lambda: context.store.exists() and context.store.account_named(account.name),
                          "the account in %s" % context.store.path)
    check_store_file(context)
    store_text = context.store.text()
    check(account.consumer_secret not in store_text,
          "the consumer secret is in %s:\n%s" % (context.store.path, store_text))
    check_equal(saved.get("name"), account.name, "the stored name")
    check_equal(saved.get("default"), True, "the stored default flag")
    check_equal(saved.get("sandbox"), True, "the stored sandbox flag")
    check_equal(saved.get("url", "").rstrip("/"), account.url, "the stored Url")
    check_equal(saved.get("consumer-key"), account.consumer_key, "the stored consumer key")
    check_equal(saved.get("idp-login-url"), account.idp_login_url, "the stored login URL")
    body = "".join(context.run.certificate_pem.strip().splitlines()[1:-1])
    check(body in "".join(saved.get("idp-certificate", "").splitlines()),
          "the stored certificate is not the pasted one: %r" % saved.get("idp-certificate"))
    check_equal(session.secret_lookup(saved["id"], "consumer-secret"), account.consumer_secret,
                "the keyring's consumer secret")

    shown = form_values(app)
    check_equal(shown["Consumer secret length"], len(account.consumer_secret),
                "the length of the consumer secret in the form")
    # The store keeps the Url normalised with a trailing slash (the form the vendor shows).
    shown["Url"] = account.url + "/"
    app.close()

    app = context.start_app()
    check_equal(account_names(app), [account.name], "the account list after a restart")
    select_account(app, account.name)
    wait_for_pane_of(app, account.name)
    ui.wait_until(lambda: form_values(app)["Consumer secret length"] == shown["Consumer secret length"],
                  "the consumer secret to be read back from the keyring")
    check_equal(form_values(app), shown, "the Properties pane after a restart")
    check_equal(labelled_value(app.window, "Common name"), CERTIFICATE_CN,
                "the certificate's common name after a restart")
    app.close()


@scenario(2, "Request token through the browser against the emulator")
def request_token_scenario(context):
    account = Account("Emulator org")
    app = context.start_app()
    saved = add_account(context, app, account)

    request_token(context, app)
    apply_changes(app, account.name)
    refresh_token = ui.wait_until(lambda: session.secret_lookup(saved["id"], "refresh-token"),
                                  "the refresh token in the keyring")
    check(refresh_token not in context.store.text(), "the refresh token is in the store file")
    stored = context.store.account_named(account.name)
    check_equal(stored.get("token-state"), "valid", "the stored token state")
    check_equal(stored.get("authorized-user"), EMULATOR_USER, "the stored authorized user")

    authorizes = context.emulator.records("/services/oauth2/authorize")
    check_equal(len(authorizes), 1, "the number of authorize requests the emulator saw")
    seen = authorizes[0]
    check_equal(seen["code_challenge_method"], "S256", "the PKCE method the emulator saw")
    check(seen["has_code_challenge"] and seen["has_state"], "authorize without a challenge or state: %r"
          % seen)
    check_equal(seen["redirect_uri"], context.redirect_uri, "the redirect URI the emulator saw")
    check_equal(seen["client_id"], account.consumer_key, "the client_id the emulator saw")
    exchanges = [record for record in context.emulator.records("/services/oauth2/token")
                 if record["grant_type"] == "authorization_code"]
    check_equal(len(exchanges), 1, "the number of code exchanges the emulator saw")
    check_equal(exchanges[0]["redirect_uri"], context.redirect_uri,
                "the redirect URI of the code exchange")
    check(exchanges[0]["has_code_verifier"], "the code exchange carried no code_verifier")
    check_equal(exchanges[0]["status"], 200, "the status of the code exchange")
    app.close()


@scenario(3, "Check limits: rows, most used first, a nested per-app row")
def check_limits(context):
    app = context.start_app()
    add_account(context, app, Account("Limits org"))
    request_token(context, app)
    apply_changes(app, "Limits org")
    ui.click(button(app.window, "Check limits"))
    limits = app.wait_frame("Limits")
    rows = ui.wait_until(lambda: limit_rows(limits), "rows in the Limits window", timeout=20)

    usage = [percent(cells[-1]) for _, cells in rows]
    check(len(rows) >= 10, "the Limits window shows only %d rows" % len(rows))
    check_equal(rows[0][1][0], "Data Storage (MB)", "the first limit (the emulator's most used)")
    check_equal(usage, sorted(usage, reverse=True), "the usage column, top to bottom")
    names = [cells[0] for _, cells in rows]
    check("Bright Pattern Integration" not in names, "the per-app rows are shown before expanding")

    # The expanders have no AT-SPI action on GTK 4.8: reach the row and expand it
    # with the keyboard, as a screen reader user would (Tab into the table, Down, +).
    ui.focus_with_key(limits, "Tab", lambda acc: ui.name(acc) == "Data Storage (MB)",
                      "the first row of the Limits table")
    ui.focus_with_key(limits, "Down", lambda acc: ui.name(acc) == "Daily API Requests",
                      "the Daily API Requests row")
    ui.press("KP_Add")
    rows = ui.wait_until(lambda: [row for row in limit_rows(limits)
                                  if row[1][0] == "Bright Pattern Integration"] and limit_rows(limits),
                         "the per-app row Bright Pattern Integration under Daily API Requests")
    names = [cells[0] for _, cells in rows]
    parent = names.index("Daily API Requests")
    check("Bright Pattern Integration" in names[parent + 1:parent + 6],
          "Bright Pattern Integration is not under Daily API Requests: %r" % names)
    app.close()


def percent(text):
    match = re.search(r"(-?\d+)\s*%", text)
    check(match is not None, "no percentage in %r" % text)
    return int(match.group(1))


def limit_rows(limits):
    """(row, [cell texts]) of the Limits table, top to bottom."""
    tables = ui.find_all(limits, pyatspi.ROLE_TREE_TABLE, "Limits")
    if not tables:
        return []
    rows = []
    for row in ui.find_all(ui.find(tables[0], pyatspi.ROLE_LIST, None), pyatspi.ROLE_TABLE_ROW):
        # The rows are on screen with their table: no need to hit-test every cell.
        cells = [" ".join(ui.text(label) for label in ui.find_all(cell, ROLE_LABEL, on_screen=False))
                 for cell in ui.find_all(row, pyatspi.ROLE_TABLE_CELL, on_screen=False)]
        rows.append((row, cells))
    return rows


def problem_of(app, label, acc_role=ROLE_TEXT):
    """The problem shown under a field: the field's accessible description (a screen
    reader says it with the field), which must also be on screen as text under it."""
    control = field(app, label, acc_role)
    message = ui.wait_until(lambda: ui.description(control), "a problem under %r" % label)
    ui.find(app.window, ROLE_LABEL, message)
    # GTK 4.8 maps GTK_ACCESSIBLE_STATE_INVALID to STATE_INVALID; later GTKs to INVALID_ENTRY.
    check(ui.has_state(control, pyatspi.STATE_INVALID_ENTRY)
          or ui.has_state(control, pyatspi.STATE_INVALID),
          "%r shows a problem but is not marked invalid" % label)
    return message


@scenario(4, "Bad input: an http Url, a private key, a duplicate name")
def bad_input(context):
    app = context.start_app()
    add_account(context, app, Account("Production"))

    open_new_salesforce_account(app)
    ui.set_text(field(app, "Name"), "Staging")
    ui.set_text(field(app, "Consumer key"), "3MVG9E2E.staging")
    ui.set_text(field(app, "Url"), "http://example.com")
    message = problem_of(app, "Url")
    check("https://" in message, "the Url problem does not ask for https://: %r" % message)
    check(not ui.is_sensitive(button(app.window, "Apply")), "Apply is sensitive with an http Url")

    ui.set_text(field(app, "Url"), "https://example.my.salesforce.com")
    ui.wait_until(lambda: not ui.description(field(app, "Url")), "the Url problem to go away")

    paste_certificate(context, app, context.run.private_key_pem)
    refusal = problem_of(app, "Identity provider certificate")
    check("private key" in refusal.lower(), "the refusal does not mention the private key: %r"
          % refusal)
    shown = text_of(app, "Identity provider certificate")
    check("PRIVATE KEY" not in shown, "the private key is in the certificate field: %r" % shown[:80])

    ui.set_text(field(app, "Name"), "PRODUCTION")
    message = problem_of(app, "Name")
    check("PRODUCTION" in message or "Production" in message or "name" in message.lower(),
          "the duplicate-name problem does not say what is wrong: %r" % message)
    check(not ui.is_sensitive(button(app.window, "Apply")), "Apply is sensitive with a duplicate name")
    check_equal([account["name"] for account in context.store.accounts()], ["Production"],
                "the accounts in the store file")
    check("PRIVATE KEY" not in context.store.text(), "the private key is in the store file")


@scenario(5, "Unsaved changes: select another account, Discard; Quit asks too")
def unsaved_changes(context):
    app = context.start_app()
    first = add_account(context, app, Account("Production", consumer_key="3MVG9E2E.production"))
    add_account(context, app, Account("Staging", consumer_key="3MVG9E2E.staging"))

    select_account(app, "Production")
    wait_for_pane_of(app, "Production")
    ui.set_text(field(app, "Consumer key"), "3MVG9E2E.edited")
    ui.wait_until(lambda: ui.is_sensitive(button(app.window, "Apply")), "Apply to become sensitive")

    select_account(app, "Staging")
    question = app.wait_frame("Apply the changes to “Production”?")
    ui.click(button(question, "Discard"))
    app.wait_closed(question)
    wait_for_pane_of(app, "Staging")
    check_equal(text_of(app, "Consumer key"), "3MVG9E2E.staging", "the Consumer key of Staging")

    select_account(app, "Production")
    wait_for_pane_of(app, "Production")
    check_equal(text_of(app, "Consumer key"), "3MVG9E2E.production",
                "the Consumer key of Production after Discard")
    check(not ui.is_sensitive(button(app.window, "Apply")), "Apply is sensitive after Discard")
    check_equal(context.store.account_named("Production").get("consumer-key"), first["consumer-key"],
                "the stored Consumer key of Production")

    # Quit (Ctrl+Q) asks too, as the close button does: Keep Editing keeps
    # the window and the edit, Apply saves it and then quits.
    ui.set_text(field(app, "Consumer key"), "3MVG9E2E.quit")
    ui.wait_until(lambda: ui.is_sensitive(button(app.window, "Apply")), "Apply to become sensitive")
    ui.press("q", ["ctrl"])
    question = app.wait_frame("Apply the changes to “Production”?")
    ui.click(button(question, "Keep Editing"))
    app.wait_closed(question)
    app.check_alive()
    check_equal(text_of(app, "Consumer key"), "3MVG9E2E.quit", "the Consumer key after Keep Editing")
    ui.press("q", ["ctrl"])
    question = app.wait_frame("Apply the changes to “Production”?")
    ui.click(button(question, "Apply"))
    app.wait_exit("Apply in the question Quit asked")
    check_equal(context.store.account_named("Production").get("consumer-key"), "3MVG9E2E.quit",
                "the stored Consumer key of Production after Quit and Apply")


@scenario(9, "Quit, then Discard a requested token: revoked, the keyring put back")
def quit_discards_token(context):
    # What the application must finish after its window is gone: taking back
    # the token the discarded draft was given.
    app = context.start_app()
    saved = add_account(context, app, Account("Quitter org"))
    request_token(context, app)
    pending = ui.wait_until(lambda: session.secret_lookup(saved["id"], "refresh-token"),
                            "the requested refresh token in the keyring")
    ui.press("q", ["ctrl"])
    question = app.wait_frame("Apply the changes to “Quitter org”?")
    ui.click(button(question, "Discard"))
    app.wait_exit("Discard in the question Quit asked")
    revokes = context.emulator.records("/services/oauth2/revoke")
    check_equal([(record["token_sha256"], record["status"]) for record in revokes],
                [(session.sha256(pending), 200)],
                "the revoke requests the emulator saw (SHA-256 of the token, status)")
    check(session.secret_lookup(saved["id"], "refresh-token") is None,
          "the discarded refresh token is still in the keyring")


@scenario(6, "Delete with confirmation: list, file, keyring, revoke")
def delete_account(context):
    app = context.start_app()
    saved = add_account(context, app, Account("Doomed org"))
    request_token(context, app)
    apply_changes(app, "Doomed org")
    refresh_token = ui.wait_until(lambda: session.secret_lookup(saved["id"], "refresh-token"),
                                  "the refresh token in the keyring")
    check(session.secret_lookup(saved["id"], "consumer-secret"), "no consumer secret in the keyring")

    select_account(app, "Doomed org")
    ui.click(button(app.window, "Delete"))
    question = app.wait_frame("Delete “Doomed org”?")
    ui.click(button(question, "Delete"))
    app.wait_closed(question)

    ui.wait_until(lambda: account_names(app) == [], "Doomed org to leave the list")
    ui.find(app.window, ROLE_LABEL, "No Integration Accounts")
    ui.wait_until(lambda: not [account for account in context.store.accounts()
                               if account.get("id") == saved["id"]],
                  "Doomed org to leave %s" % context.store.path)
    check_store_file(context)
    for kind in ("consumer-secret", "refresh-token"):
        ui.wait_until(lambda: session.secret_lookup(saved["id"], kind) is None,
                      "the keyring's %s of Doomed org to go" % kind)
    revokes = context.emulator.records("/services/oauth2/revoke")
    check_equal([(record["token_sha256"], record["status"]) for record in revokes],
                [(session.sha256(refresh_token), 200)],
                "the revoke requests the emulator saw (SHA-256 of the token, status)")
    app.close()


# Keyboard only ----------------------------------------------------------------

def tab_to(app, acc_role, label):
    """Tab (only) until the control with this role and name has the focus."""
    return ui.focus_with_key(app.window, "Tab",
                             lambda acc: acc.getRole() == acc_role and ui.name(acc) == label,
                             "%s %r" % (ui.role_name(acc_role), label))


def type_into(app, acc_role, label, value):
    """Tab to a field, select what is in it (Ctrl+A) and type over it."""
    control = tab_to(app, acc_role, label)
    ui.press("a", ["ctrl"])
    ui.type_text(value)
    if acc_role != ROLE_PASSWORD:
        ui.wait_until(lambda: ui.text(control) == value, "%r to read %r" % (label, value))
    else:
        ui.wait_until(lambda: control.queryText().characterCount == len(value),
                      "%d characters in %r" % (len(value), label))


def check_with_space(app, label):
    box = tab_to(app, ROLE_CHECK, label)
    ui.press("space")
    ui.wait_until(lambda: ui.is_checked(box), "%r to be checked by Space" % label)


@scenario(7, "Keyboard only: scenario 1 with Tab, typing, Space, Return, Ctrl+S")
def keyboard_only(context):
    account = FULL_ACCOUNT
    context.put_on_clipboard(context.run.certificate_pem)
    app = context.start_app()
    ui.find(app.window, ROLE_LABEL, "No Integration Accounts")

    ui.press("n", ["ctrl"])  # the + button's shortcut (its tooltip says so)
    types = app.wait_frame("Types")
    ui.wait_until(lambda: ui.is_focused(ui.find(types, pyatspi.ROLE_LIST_ITEM, "Salesforce.com")),
                  "Salesforce.com to have the focus in Types")
    ui.press("Return")
    app.wait_closed(types)
    ui.wait_until(lambda: text_of(app, "Name"), "the Name of the new account")

    type_into(app, ROLE_TEXT, "Name", account.name)
    check_with_space(app, "Default account")
    type_into(app, ROLE_TEXT, "Url", account.url)
    check_with_space(app, "Sandbox environment")
    type_into(app, ROLE_TEXT, "Consumer key", account.consumer_key)
    type_into(app, ROLE_PASSWORD, "Consumer secret", account.consumer_secret)
    tab_to(app, ROLE_BUTTON, "Paste")
    ui.press("space")
    ui.wait_until(lambda: labelled_value(app.window, "Common name") == CERTIFICATE_CN,
                  "the pasted certificate's details (Common name %s)" % CERTIFICATE_CN)
    type_into(app, ROLE_TEXT, "Identity provider initiated login URL", account.idp_login_url)

    ui.press("s", ["ctrl"])
    ui.wait_until(lambda: not ui.is_sensitive(button(app.window, "Apply")),
                  "Ctrl+S to save the changes (Apply insensitive)")
    ui.wait_until(lambda: account.name in account_names(app), "%r in the account list" % account.name)
    check_saved_and_restart(context, app, account)


# German -----------------------------------------------------------------------

def read_po(path):
    """msgid → msgstr of the translated, non-fuzzy messages of a .po file (no plurals)."""
    catalog = {}
    entry = {}
    fuzzy = False
    current = None

    def finish():
        if "msgid" in entry and entry.get("msgstr") and not fuzzy and "msgctxt" not in entry:
            catalog[entry["msgid"]] = entry["msgstr"]

    def unquote(text):
        text = text.strip()
        if not (text.startswith('"') and text.endswith('"')):
            return ""
        return (text[1:-1].replace("\\n", "\n").replace('\\"', '"').replace("\\t", "\t")
                .replace("\\\\", "\\"))

    with open(path, encoding="utf-8") as po:
        for line in po:
            line = line.rstrip("\n")
            if not line.strip():
                finish()
                entry, fuzzy, current = {}, False, None
            elif line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            elif line.startswith("#"):
                continue
            elif line.startswith('"') and current is not None:
                entry[current] = entry.get(current, "") + unquote(line)
            else:
                keyword, _, rest = line.partition(" ")
                current = keyword if keyword in ("msgctxt", "msgid", "msgstr") else None
                if current is not None:
                    entry[current] = unquote(rest)
    finish()
    return catalog


def without_mnemonic(label):
    return label.replace("__", "\0").replace("_", "").replace("\0", "_")


@scenario(8, "Language: with LANGUAGE=de the headings and buttons are German", needs_german=True)
def german(context):
    catalog = read_po(german_po(context.run))

    def tr(msgid):
        return catalog.get(msgid, msgid)

    for heading in ("Basic Properties", "Data Access from Scenarios Properties",
                    "Single Sign-on Properties"):
        check(heading in catalog, "po/de.po has no translation of %r" % heading)
    catalogue = os.path.join(context.run.installation.localedir, "de", "LC_MESSAGES",
                             session.EXECUTABLE + ".mo")
    check(os.path.exists(catalogue), "po/de.po exists but %s was not installed (is de in "
          "po/LINGUAS?)" % catalogue)

    app = context.start_app(extra_env={"LANGUAGE": "de"}, title=tr("Integration Accounts"))
    ui.find(app.window, ROLE_LABEL, tr("No Integration Accounts"))
    ui.click(button(app.window, tr("Add")))
    types = app.wait_frame(tr("Types"))
    ui.find(types, pyatspi.ROLE_LIST_ITEM, tr("Salesforce.com"))
    ui.click(button(types, without_mnemonic(tr("_Add"))))
    app.wait_closed(types)

    for heading in ("Basic Properties", "Data Access from Scenarios Properties",
                    "Single Sign-on Properties"):
        ui.find(app.window, pyatspi.ROLE_PANEL, tr(heading))
        ui.find(app.window, ROLE_LABEL, tr(heading))
        if tr(heading) != heading:
            check(not ui.find_all(app.window, ROLE_LABEL, heading),
                  "the English heading %r is shown with LANGUAGE=de" % heading)
    for label in ("_Apply", "_Cancel", "_Paste", "_Request token", "Check _limits"):
        button(app.window, without_mnemonic(tr(label)))
    # Cancel throws the new account away, so that closing asks nothing.
    ui.click(button(app.window, without_mnemonic(tr("_Cancel"))))
    ui.find(app.window, ROLE_LABEL, tr("Select an account to see its properties."))
    app.close()

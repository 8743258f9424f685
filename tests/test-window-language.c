/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-window-language"

#include "config.h"

#include <locale.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <gtk/gtk.h>

#include "bp-account-store.h"
#include "bp-secret-store.h"
#include "bp-test-gtk.h"
#include "bp-test-utils.h"
#include "bp-window.h"

/* The application switches language with LANGUAGE=de: the real window, under
 * Xvfb, shows the German heading of the Properties pane and the German Apply
 * button, from the .mo file meson builds in BUILDDIR/po/de/LC_MESSAGES.
 *
 * The locale must not be plain "C": glibc ignores LANGUAGE there. C.UTF-8
 * exists on every current glibc (and is built in since 2.35), so the test
 * does not depend on a generated de_DE locale.
 *
 * The expected German texts are read from po/de.po at run time, so that a
 * better translation does not break the test, while an untranslated,
 * unbuilt or unloaded catalogue does. */

#define PRODUCTION_ID "0b7b1b0e-8a3e-4a53-9d6c-2b1bb1d9a001"

static const char one_account[] =
  "{\"version\": 1, \"accounts\": ["
  "{\"id\": \"" PRODUCTION_ID "\", \"type\": \"salesforce\", \"name\": \"Production\","
  " \"default\": true, \"url\": \"https://acme.my.salesforce.com/\", \"idp-login-url\": \"/\","
  " \"token-state\": \"valid\", \"authorized-user\": \"admin@acme.example\"}]}";

static char *locale_set;   /* what setlocale() made of LC_ALL=C.UTF-8 */
static char *localedir;    /* BUILDDIR/po */

/* The msgstr of a one-line msgid in po/de.po, as the .po file has it. */
static char *
german (const char *msgid)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "po", "de.po", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *needle = g_strdup_printf ("\nmsgid \"%s\"\nmsgstr \"", msgid);
  g_autoptr(GError) error = NULL;
  const char *start;
  const char *end;
  char *msgstr;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);

  start = strstr (contents, needle);
  if (start == NULL)
    g_error ("po/de.po has no one-line msgid “%s”", msgid);
  start += strlen (needle);
  end = strstr (start, "\"\n");
  g_assert_nonnull (end);

  msgstr = g_strndup (start, end - start);
  g_assert_cmpstr (msgstr, !=, "");
  g_assert_cmpstr (msgstr, !=, msgid);
  return msgstr;
}

static char *
without_mnemonic (const char *label)
{
  GString *text = g_string_new (NULL);

  for (const char *p = label; *p != '\0'; p++)
    if (*p != '_')
      g_string_append_c (text, *p);

  return g_string_free (text, FALSE);
}

static gboolean
is_button_for_action (GtkWidget     *widget,
                      gconstpointer  action)
{
  return GTK_IS_BUTTON (widget) &&
         g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action) == 0;
}

static gboolean
is_column_view (GtkWidget     *widget,
                gconstpointer  data)
{
  return GTK_IS_COLUMN_VIEW (widget);
}

static void
test_catalogue (void)
{
  g_autofree char *mo = g_build_filename (localedir, "de", "LC_MESSAGES", GETTEXT_PACKAGE ".mo", NULL);
  g_autofree char *expected = german ("Basic Properties");

  /* LC_ALL=C.UTF-8 took, and it is not the "C" locale that ignores LANGUAGE. */
  g_assert_nonnull (locale_set);
  g_assert_cmpstr (locale_set, !=, "C");
  g_assert_cmpstr (g_get_language_names ()[0], ==, "de");

  if (!g_file_test (mo, G_FILE_TEST_IS_REGULAR))
    g_error ("%s was not built: is de in po/LINGUAS?", mo);

  g_assert_cmpstr (_("Basic Properties"), ==, expected);
}

static void
test_window_in_german (void)
{
  g_autofree char *dir = bp_test_make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "accounts.json", NULL);
  g_autofree char *heading = german ("Basic Properties");
  g_autofree char *apply = german ("_Apply");
  g_autofree char *apply_text = without_mnemonic (apply);
  g_autofree char *title = german ("Integration Accounts");
  g_autofree char *authorized = german ("Authorized");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(BpSecretStore) secrets = bp_secret_store_new ();
  g_autoptr(BpAccountStore) store = NULL;
  g_autoptr(GError) error = NULL;
  GtkSelectionModel *model;
  GtkWidget *button;
  BpWindow *window;

  g_file_set_contents (path, one_account, -1, &error);
  g_assert_no_error (error);
  store = bp_account_store_new (file, secrets);
  bp_account_store_load (store, &error);
  g_assert_no_error (error);

  window = bp_window_new (NULL, store);
  gtk_window_present (GTK_WINDOW (window));
  while (!gtk_widget_get_mapped (GTK_WIDGET (window)))
    g_main_context_iteration (NULL, TRUE);

  /* From the template (GtkBuilder) and from C (_()): both translated. */
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, title);
  bp_test_wait_for_text (window, authorized, TRUE);
  bp_test_wait_for_text (window, "Authorized", FALSE);

  /* Select the account: the Properties pane shows its German heading. */
  model = gtk_column_view_get_model (GTK_COLUMN_VIEW (
    bp_test_find_widget (GTK_WIDGET (window), is_column_view, NULL)));
  gtk_selection_model_select_item (model, 0, TRUE);
  bp_test_wait_for_text (window, heading, TRUE);
  bp_test_wait_for_text (window, "Basic Properties", FALSE);

  /* The Apply button, with its German mnemonic. */
  button = bp_test_find_widget (GTK_WIDGET (window), is_button_for_action, "win.apply");
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_get_mapped (button));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (button)), ==, apply);
  g_assert_true (gtk_button_get_use_underline (GTK_BUTTON (button)));
  bp_test_wait_for_text (window, apply_text, TRUE);
  bp_test_wait_for_text (window, "Apply", FALSE);

  gtk_window_destroy (GTK_WINDOW (window));
  bp_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  /* As a user would start it: LANGUAGE=de in a UTF-8 locale other than "C".
   * Set before anything reads the locale; gtk_init () calls setlocale () too. */
  g_setenv ("LANGUAGE", "de", TRUE);
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  g_setenv ("LANG", "C.UTF-8", TRUE);
  locale_set = g_strdup (setlocale (LC_ALL, ""));

  g_test_init (&argc, &argv, NULL);

  /* As main () does, with the catalogues built in BUILDDIR/po. */
  localedir = g_test_build_filename (G_TEST_BUILT, "..", "po", NULL);
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_test_add_func ("/window-language/catalogue", test_catalogue);

  if (!gtk_init_check ())
    {
      g_test_add_func ("/window-language/display", bp_test_gtk_cannot_start);
      return g_test_run ();
    }

  g_test_add_func ("/window-language/german-window", test_window_in_german);

  return g_test_run ();
}

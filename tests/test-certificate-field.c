/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-certificate-field"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "bp-certificate.h"
#include "bp-certificate-field.h"
#include "bp-error.h"
#include "bp-test-gtk.h"
#include "bp-test-utils.h"

/* Certificates and keys, made with GnuTLS when the tests start. */

static gnutls_x509_privkey_t test_key;

static char *
make_certificate (const char *common_name,
                  GTimeSpan   not_before_from_now,
                  GTimeSpan   not_after_from_now,
                  gboolean    as_der,
                  gsize      *length)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *dn = g_strdup_printf ("CN=%s,OU=00D000000000001,O=Salesforce.com,L=San Francisco,ST=CA,C=US",
                                         common_name);
  gnutls_x509_crt_t crt = NULL;
  gnutls_datum_t out = { NULL, 0 };
  guint8 serial[8];
  char *data;

  for (guint i = 0; i < sizeof serial; i++)
    serial[i] = (guint8) g_random_int_range (1, 256);
  serial[0] &= 0x7f;

  g_assert_cmpint (gnutls_x509_crt_init (&crt), ==, GNUTLS_E_SUCCESS);
  g_assert_cmpint (gnutls_x509_crt_set_version (crt, 3), ==, GNUTLS_E_SUCCESS);
  g_assert_cmpint (gnutls_x509_crt_set_serial (crt, serial, sizeof serial), ==, GNUTLS_E_SUCCESS);
  g_assert_cmpint (gnutls_x509_crt_set_dn (crt, dn, NULL), ==, GNUTLS_E_SUCCESS);
  g_assert_cmpint (gnutls_x509_crt_set_activation_time (crt, g_date_time_to_unix (now)
                                                             + not_before_from_now / G_TIME_SPAN_SECOND),
                   ==, GNUTLS_E_SUCCESS);
  g_assert_cmpint (gnutls_x509_crt_set_expiration_time (crt, g_date_time_to_unix (now)
                                                             + not_after_from_now / G_TIME_SPAN_SECOND),
                   ==, GNUTLS_E_SUCCESS);
  g_assert_cmpint (gnutls_x509_crt_set_key (crt, test_key), ==, GNUTLS_E_SUCCESS);
  g_assert_cmpint (gnutls_x509_crt_sign2 (crt, crt, test_key, GNUTLS_DIG_SHA256, 0), ==, GNUTLS_E_SUCCESS);
  g_assert_cmpint (gnutls_x509_crt_export2 (crt, as_der ? GNUTLS_X509_FMT_DER : GNUTLS_X509_FMT_PEM, &out),
                   ==, GNUTLS_E_SUCCESS);

  data = g_malloc (out.size + 1);
  memcpy (data, out.data, out.size);
  data[out.size] = '\0';
  if (length != NULL)
    *length = out.size;

  gnutls_free (out.data);
  gnutls_x509_crt_deinit (crt);

  return data;
}

static char *
make_pem (const char *common_name)
{
  return make_certificate (common_name, -G_TIME_SPAN_DAY, 365 * G_TIME_SPAN_DAY, FALSE, NULL);
}

static char *
make_private_key_pem (void)
{
  gnutls_datum_t out = { NULL, 0 };
  char *pem;

  g_assert_cmpint (gnutls_x509_privkey_export2_pkcs8 (test_key, GNUTLS_X509_FMT_PEM, NULL,
                                                      GNUTLS_PKCS_PLAIN, &out),
                   ==, GNUTLS_E_SUCCESS);
  pem = g_strndup ((const char *) out.data, out.size);
  gnutls_free (out.data);

  return pem;
}

/* What BpCertificate makes of @text: the normalised PEM, or the message. */
static char *
expected_pem (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BpCertificate) certificate = bp_certificate_new_from_text (text, 0, &error);

  g_assert_no_error (error);
  return g_strdup (bp_certificate_get_pem (certificate));
}

static char *
expected_error (const char *text,
                int         code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BpCertificate) certificate = bp_certificate_new_from_text (text, 0, &error);

  g_assert_null (certificate);
  g_assert_error (error, BP_ERROR, code);
  return g_strdup (error->message);
}

/* Widgets */

typedef struct
{
  GtkWindow          *window;
  BpCertificateField *field;
  guint               n_text_notifies;
} Fixture;

static void
text_notified_cb (BpCertificateField *field,
                  GParamSpec         *pspec,
                  Fixture            *fixture)
{
  fixture->n_text_notifies++;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->field = BP_CERTIFICATE_FIELD (bp_certificate_field_new ());
  fixture->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (fixture->window, 640, 600);
  gtk_window_set_child (fixture->window, GTK_WIDGET (fixture->field));
  g_signal_connect (fixture->field, "notify::text", G_CALLBACK (text_notified_cb), fixture);

  gtk_window_present (fixture->window);
  while (!gtk_widget_get_mapped (GTK_WIDGET (fixture->window)))
    g_main_context_iteration (NULL, TRUE);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gtk_window_destroy (fixture->window);
  while (g_main_context_iteration (NULL, FALSE));
}

static gboolean
timeout_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* A mapped label whose text is @text, or contains it when @is_part. */
static GtkWidget *
find_label_in (GtkWidget  *widget,
               const char *text,
               gboolean    is_part)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget))
    {
      const char *label = gtk_label_get_text (GTK_LABEL (widget));

      if (is_part ? strstr (label, text) != NULL : g_str_equal (label, text))
        return widget;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_label_in (child, text, is_part);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static GtkWidget *
find_label (Fixture    *fixture,
            const char *text)
{
  return find_label_in (GTK_WIDGET (fixture->window), text, FALSE);
}

/* The label showing @text once it is shown; NULL after 5 s. */
static GtkWidget *
wait_for_label_full (Fixture    *fixture,
                     const char *text,
                     gboolean    is_part)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (5000, timeout_cb, &timed_out);
  GtkWidget *label;

  while ((label = find_label_in (GTK_WIDGET (fixture->window), text, is_part)) == NULL && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (!timed_out)
    g_source_remove (id);

  return label;
}

static GtkWidget *
wait_for_label (Fixture    *fixture,
                const char *text)
{
  return wait_for_label_full (fixture, text, FALSE);
}

static void
wait_for_notifies (Fixture *fixture,
                   guint    n_text_notifies)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (5000, timeout_cb, &timed_out);

  while (fixture->n_text_notifies < n_text_notifies && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (!timed_out)
    g_source_remove (id);

  g_assert_cmpuint (fixture->n_text_notifies, ==, n_text_notifies);
}

/* Lets pending idles and redraws run. */
static void
iterate_briefly (void)
{
  gboolean done = FALSE;

  g_timeout_add (100, timeout_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static GtkWidget *
get_button (Fixture    *fixture,
            const char *name)
{
  GtkWidget *button = bp_test_find_by_accessible_label (GTK_WIDGET (fixture->field), name);

  g_assert_true (GTK_IS_BUTTON (button));
  return button;
}

/* The user's click, without the 250 ms of gtk_widget_activate(). */
static void
click (Fixture    *fixture,
       const char *name)
{
  GtkWidget *button = get_button (fixture, name);

  g_assert_true (gtk_widget_get_mapped (button));
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

static GtkTextView *
get_text_view (Fixture *fixture)
{
  GtkWidget *text_view = bp_test_find_by_accessible_label (GTK_WIDGET (fixture->field),
                                                   "Identity provider certificate");

  g_assert_true (GTK_IS_TEXT_VIEW (text_view));
  return GTK_TEXT_VIEW (text_view);
}

static char *
get_shown_text (Fixture *fixture)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (get_text_view (fixture));
  GtkTextIter start;
  GtkTextIter end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

/* Waits until the text area shows @text (5 s at most). */
static void
wait_for_shown_text (Fixture    *fixture,
                     const char *text)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (5000, timeout_cb, &timed_out);
  char *shown;

  while (!g_str_equal ((shown = get_shown_text (fixture)), text) && !timed_out)
    {
      g_free (shown);
      g_main_context_iteration (NULL, TRUE);
    }

  if (!timed_out)
    g_source_remove (id);

  g_assert_cmpstr (shown, ==, text);
  g_free (shown);
}

/* Selects everything in the text area and pastes @text over it with the
 * keyboard (Ctrl+A, Ctrl+V): an edit that can be undone. */
static void
type_over (Fixture    *fixture,
           const char *text)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (get_text_view (fixture));
  GtkTextIter start;
  GtkTextIter end;

  gtk_widget_grab_focus (GTK_WIDGET (get_text_view (fixture)));
  gtk_text_buffer_begin_user_action (buffer);
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  gtk_text_buffer_delete_interactive (buffer, &start, &end, TRUE);
  gtk_text_buffer_insert_interactive_at_cursor (buffer, text, -1, TRUE);
  gtk_text_buffer_end_user_action (buffer);
}

/* Puts @text on the real clipboard, then presses Paste. */
static void
paste (Fixture    *fixture,
       const char *text)
{
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (fixture->field)), text);
  click (fixture, "Paste");
}

static void
clipboard_read_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static char *
read_clipboard (GtkWidget *widget)
{
  GdkClipboard *clipboard = gtk_widget_get_clipboard (widget);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *text;

  gdk_clipboard_read_text_async (clipboard, NULL, clipboard_read_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  text = gdk_clipboard_read_text_finish (clipboard, result, &error);
  g_assert_no_error (error);
  return text;
}

/* Tests */

static void
test_accessible_names (Fixture       *fixture,
                       gconstpointer  data)
{
  const char *buttons[] = { "Paste", "Open…", "Clear" };
  GtkTextView *text_view = get_text_view (fixture);

  for (guint i = 0; i < G_N_ELEMENTS (buttons); i++)
    {
      GtkWidget *button = get_button (fixture, buttons[i]);
      g_autofree char *visible = NULL;

      /* The accessible name is the visible label without its mnemonic. */
      g_assert_true (gtk_button_get_use_underline (GTK_BUTTON (button)));
      visible = g_strdup (gtk_button_get_label (GTK_BUTTON (button)));
      g_assert_nonnull (strchr (visible, '_'));
      memmove (strchr (visible, '_'), strchr (visible, '_') + 1, strlen (strchr (visible, '_')));
      g_assert_cmpstr (visible, ==, buttons[i]);
    }

  g_assert_true (gtk_text_view_get_monospace (text_view));
  gtk_test_accessible_assert_property (text_view, GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Identity provider certificate");
  gtk_test_accessible_assert_role (text_view, GTK_ACCESSIBLE_ROLE_TEXT_BOX);

  /* Nothing to clear yet. */
  g_assert_false (gtk_widget_is_sensitive (get_button (fixture, "Clear")));
}

/* PEM as people paste it: a BOM, CRLF line ends and indentation. */
static char *
make_messy (const char *pem)
{
  g_auto(GStrv) lines = g_strsplit (pem, "\n", -1);
  g_autofree char *joined = g_strjoinv ("\r\n    ", lines);

  return g_strconcat ("\xEF\xBB\xBF  ", joined, NULL);
}

static void
test_paste_certificate (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *pem = make_pem ("SelfSignedCert_Pasted");
  g_autofree char *messy = make_messy (pem);
  g_autofree char *normalised = expected_pem (pem);
  g_autofree char *shown = NULL;
  g_autofree char *copied = NULL;
  g_autoptr(BpCertificate) certificate = bp_certificate_new_from_text (pem, 0, NULL);
  const char *fingerprint = bp_certificate_get_sha256_fingerprint (certificate);

  g_assert_cmpstr (bp_certificate_field_get_text (fixture->field), ==, "");
  g_assert_null (find_label (fixture, "Common name"));

  paste (fixture, messy);
  wait_for_notifies (fixture, 1);

  /* Held and shown as the normalised PEM. */
  g_assert_cmpstr (bp_certificate_field_get_text (fixture->field), ==, normalised);
  shown = get_shown_text (fixture);
  g_assert_cmpstr (shown, ==, normalised);

  /* The details, not an error. */
  g_assert_nonnull (wait_for_label (fixture, "Common name"));
  g_assert_nonnull (find_label (fixture, "SelfSignedCert_Pasted"));
  g_assert_nonnull (find_label (fixture, "SHA-256 fingerprint"));
  g_assert_nonnull (find_label (fixture, fingerprint));
  g_assert_nonnull (find_label (fixture, bp_certificate_get_subject (certificate)));
  g_assert_nonnull (find_label (fixture, "Valid from"));
  g_assert_nonnull (find_label (fixture, "Valid until"));

  /* The fingerprint's Copy button. */
  click (fixture, "Copy fingerprint");
  copied = read_clipboard (GTK_WIDGET (fixture->field));
  g_assert_cmpstr (copied, ==, fingerprint);
}

static void
test_paste_private_key (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *pem = make_pem ("SelfSignedCert_Before");
  g_autofree char *key = make_private_key_pem ();
  g_autofree char *message = expected_error (key, BP_ERROR_CERTIFICATE_PRIVATE_KEY);
  g_autofree char *shown = NULL;
  g_autofree char *before = NULL;
  GtkWidget *label;

  bp_certificate_field_set_text (fixture->field, pem);
  g_assert_cmpuint (fixture->n_text_notifies, ==, 1);
  before = g_strdup (bp_certificate_field_get_text (fixture->field));
  g_assert_nonnull (wait_for_label (fixture, "SelfSignedCert_Before"));

  paste (fixture, key);

  /* Refused with the message, in the error style... */
  label = wait_for_label (fixture, message);
  g_assert_nonnull (label);
  g_assert_true (gtk_widget_has_css_class (label, "error"));

  /* ...and the field keeps what it held: the key is neither held nor shown. */
  g_assert_cmpuint (fixture->n_text_notifies, ==, 1);
  g_assert_cmpstr (bp_certificate_field_get_text (fixture->field), ==, before);
  shown = get_shown_text (fixture);
  g_assert_cmpstr (shown, ==, before);
  g_assert_null (strstr (shown, "PRIVATE KEY"));
  g_assert_nonnull (find_label (fixture, "SelfSignedCert_Before"));

  /* A certificate with its key, as some .pem files hold them: refused too. */
  {
    g_autofree char *other = make_pem ("SelfSignedCert_WithKey");
    g_autofree char *with_key = g_strconcat (other, key, NULL);
    g_autofree char *shown_after = NULL;

    /* Setting the text again clears the message. */
    bp_certificate_field_set_text (fixture->field, before);
    g_assert_null (find_label (fixture, message));

    paste (fixture, with_key);
    g_assert_nonnull (wait_for_label (fixture, message));
    g_assert_cmpuint (fixture->n_text_notifies, ==, 1);
    g_assert_cmpstr (bp_certificate_field_get_text (fixture->field), ==, before);
    shown_after = get_shown_text (fixture);
    g_assert_cmpstr (shown_after, ==, before);
    g_assert_null (find_label (fixture, "SelfSignedCert_WithKey"));
  }
}

static void
test_typed_private_key (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *pem = make_pem ("SelfSignedCert_Kept");
  g_autofree char *key = make_private_key_pem ();
  g_autofree char *message = expected_error (key, BP_ERROR_CERTIFICATE_PRIVATE_KEY);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (get_text_view (fixture));

  bp_certificate_field_set_text (fixture->field, pem);

  /* Ctrl+V straight into the text area. */
  type_over (fixture, key);
  g_assert_nonnull (wait_for_label (fixture, message));
  wait_for_shown_text (fixture, pem);

  g_assert_cmpuint (fixture->n_text_notifies, ==, 1);
  g_assert_cmpstr (bp_certificate_field_get_text (fixture->field), ==, pem);

  /* Undo cannot bring the key back. */
  g_assert_false (gtk_text_buffer_get_can_undo (buffer));
}

static void
test_paste_garbage (Fixture       *fixture,
                    gconstpointer  data)
{
  const char *garbage = "-----BEGIN CERTIFICATE-----\nThis is not base64!\n-----END CERTIFICATE-----\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(BpCertificate) certificate = bp_certificate_new_from_text (garbage, 0, &error);
  g_autofree char *shown = NULL;
  GtkWidget *label;

  g_assert_null (certificate);
  g_assert_nonnull (error);
  g_assert_false (g_error_matches (error, BP_ERROR, BP_ERROR_CERTIFICATE_PRIVATE_KEY));

  paste (fixture, garbage);
  wait_for_notifies (fixture, 1);

  /* The precise error, and the text kept so it can be fixed. */
  label = wait_for_label (fixture, error->message);
  g_assert_nonnull (label);
  g_assert_true (gtk_widget_has_css_class (label, "error"));
  g_assert_cmpstr (bp_certificate_field_get_text (fixture->field), ==, garbage);
  shown = get_shown_text (fixture);
  g_assert_cmpstr (shown, ==, garbage);
  g_assert_null (find_label (fixture, "Common name"));

  /* Pasting nothing keeps the text to fix, and says what Paste wants. */
  {
    g_autofree char *nothing = expected_error ("  \n", BP_ERROR_CERTIFICATE_EMPTY);

    paste (fixture, "  \n");
    g_assert_nonnull (wait_for_label (fixture, nothing));
    g_assert_cmpuint (fixture->n_text_notifies, ==, 1);
    g_assert_cmpstr (bp_certificate_field_get_text (fixture->field), ==, garbage);
  }
}

static void
test_two_certificates (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *first = make_pem ("SelfSignedCert_First");
  g_autofree char *second = make_pem ("SelfSignedCert_Second");
  g_autofree char *both = g_strconcat (first, second, NULL);
  g_autofree char *message = expected_error (both, BP_ERROR_CERTIFICATE_MULTIPLE);
  g_autofree char *normalised_first = expected_pem (first);
  GtkWidget *keep_first;

  g_assert_nonnull (strstr (message, "2"));

  paste (fixture, both);
  wait_for_notifies (fixture, 1);
  g_assert_nonnull (wait_for_label (fixture, message));
  g_assert_cmpstr (bp_certificate_field_get_text (fixture->field), ==, both);

  keep_first = get_button (fixture, "Keep the first certificate only");
  g_assert_true (gtk_widget_get_mapped (keep_first));

  click (fixture, "Keep the first certificate only");
  wait_for_notifies (fixture, 2);
  g_assert_cmpstr (bp_certificate_field_get_text (fixture->field), ==, normalised_first);
  g_assert_nonnull (wait_for_label (fixture, "SelfSignedCert_First"));
  g_assert_null (find_label (fixture, "SelfSignedCert_Second"));
  g_assert_null (find_label (fixture, message));
  g_assert_false (gtk_widget_get_mapped (keep_first));
}

static void
test_clear (Fixture       *fixture,
            gconstpointer  data)
{
  g_autofree char *pem = make_pem ("SelfSignedCert_Cleared");
  g_autofree char *shown = NULL;

  bp_certificate_field_set_text (fixture->field, pem);
  g_assert_nonnull (wait_for_label (fixture, "SelfSignedCert_Cleared"));

  click (fixture, "Clear");
  g_assert_cmpuint (fixture->n_text_notifies, ==, 2);
  g_assert_cmpstr (bp_certificate_field_get_text (fixture->field), ==, "");
  shown = get_shown_text (fixture);
  g_assert_cmpstr (shown, ==, "");
  g_assert_null (find_label (fixture, "SelfSignedCert_Cleared"));
  g_assert_null (find_label (fixture, "Common name"));
  g_assert_false (gtk_widget_is_sensitive (get_button (fixture, "Clear")));
}

/* Whether every character of the text area is laid out without the
 * hyphens Pango puts where it breaks a word. */
static gboolean
is_all_unhyphenated (Fixture *fixture)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (get_text_view (fixture));
  GtkTextIter iter;

  for (gtk_text_buffer_get_start_iter (buffer, &iter); !gtk_text_iter_is_end (&iter);
       gtk_text_iter_forward_char (&iter))
    {
      g_autoptr(GSList) tags = gtk_text_iter_get_tags (&iter);
      gboolean is_unhyphenated = FALSE;

      for (GSList *l = tags; l != NULL; l = l->next)
        {
          gboolean inserts;
          gboolean is_set;

          g_object_get (l->data, "insert-hyphens", &inserts, "insert-hyphens-set", &is_set, NULL);
          is_unhyphenated |= is_set && !inserts;
        }
      if (!is_unhyphenated)
        return FALSE;
    }

  return TRUE;
}

/* Base64 breaks anywhere: the lines must not show hyphens that are not in
 * the certificate, whether it was set, pasted or typed. */
static void
test_no_hyphens_at_breaks (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autofree char *pem = make_pem ("SelfSignedCert_Unhyphenated");
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (get_text_view (fixture));

  bp_certificate_field_set_text (fixture->field, pem);
  g_assert_cmpint (gtk_text_buffer_get_char_count (buffer), >, 0);
  g_assert_true (is_all_unhyphenated (fixture));

  type_over (fixture, "MIIC");
  gtk_text_buffer_insert_at_cursor (buffer, "AbCd", -1);
  g_assert_cmpint (gtk_text_buffer_get_char_count (buffer), ==, 8);
  g_assert_true (is_all_unhyphenated (fixture));
}

static void
test_typed_text_normalised_on_focus_out (Fixture       *fixture,
                                         gconstpointer  data)
{
  g_autofree char *pem = make_pem ("SelfSignedCert_Typed");
  g_autofree char *messy = make_messy (pem);
  g_autofree char *normalised = expected_pem (pem);

  type_over (fixture, messy);

  /* As typed while the focus stays... */
  g_assert_cmpstr (bp_certificate_field_get_text (fixture->field), ==, messy);
  g_assert_nonnull (wait_for_label (fixture, "SelfSignedCert_Typed"));

  /* ...normalised when it leaves. */
  gtk_widget_grab_focus (get_button (fixture, "Paste"));
  iterate_briefly ();
  g_assert_cmpstr (bp_certificate_field_get_text (fixture->field), ==, normalised);
}

static void
test_open_der_file (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *dir = bp_test_make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "idp.der", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing.crt", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) missing_file = g_file_new_for_path (missing);
  g_autoptr(BpCertificate) certificate = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *der = NULL;
  gsize length = 0;

  der = make_certificate ("SelfSignedCert_Der", -G_TIME_SPAN_DAY, 365 * G_TIME_SPAN_DAY, TRUE, &length);
  g_file_set_contents (path, der, length, &error);
  g_assert_no_error (error);
  certificate = bp_certificate_new_from_data ((const guint8 *) der, length, 0, &error);
  g_assert_no_error (error);

  bp_certificate_field_open_file (fixture->field, file);
  wait_for_notifies (fixture, 1);
  g_assert_cmpstr (bp_certificate_field_get_text (fixture->field), ==,
                   bp_certificate_get_pem (certificate));
  g_assert_nonnull (wait_for_label (fixture, "SelfSignedCert_Der"));

  /* A file that cannot be read: said, and the certificate stays. */
  bp_certificate_field_open_file (fixture->field, missing_file);
  g_assert_nonnull (wait_for_label_full (fixture, "could not be read", TRUE));
  g_assert_cmpuint (fixture->n_text_notifies, ==, 1);
  g_assert_nonnull (find_label (fixture, "SelfSignedCert_Der"));

  bp_test_remove_tree (dir);
}

static void
test_validity (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *soon = make_certificate ("Soon", -G_TIME_SPAN_DAY,
                                            10 * G_TIME_SPAN_DAY + G_TIME_SPAN_DAY / 2, FALSE, NULL);
  g_autofree char *expired = make_certificate ("Expired", -30 * G_TIME_SPAN_DAY,
                                               -5 * G_TIME_SPAN_DAY - G_TIME_SPAN_DAY / 2, FALSE, NULL);
  g_autofree char *fine = make_certificate ("Fine", -G_TIME_SPAN_DAY,
                                            200 * G_TIME_SPAN_DAY + G_TIME_SPAN_DAY / 2, FALSE, NULL);
  GtkWidget *label;

  bp_certificate_field_set_text (fixture->field, soon);
  label = wait_for_label (fixture, "expires in 10 days");
  g_assert_nonnull (label);
  g_assert_true (gtk_widget_has_css_class (label, "warning"));

  bp_certificate_field_set_text (fixture->field, expired);
  label = wait_for_label_full (fixture, "expired ", TRUE);
  g_assert_nonnull (label);
  g_assert_true (g_str_has_suffix (gtk_label_get_text (GTK_LABEL (label)), " days ago"));
  g_assert_true (gtk_widget_has_css_class (label, "error"));

  bp_certificate_field_set_text (fixture->field, fine);
  label = wait_for_label (fixture, "expires in 200 days");
  g_assert_nonnull (label);
  g_assert_false (gtk_widget_has_css_class (label, "warning"));
  g_assert_false (gtk_widget_has_css_class (label, "error"));
}

/* The bp-crypto module (GnuTLS) cannot be loaded, a broken installation: the
 * field says why, with the module's path, and keeps the text. In a
 * subprocess: the loader keeps its first answer for the life of the process. */
static void
test_module_missing (Fixture       *fixture,
                     gconstpointer  data)
{
  if (g_test_subprocess ())
    {
      g_autofree char *dir = g_dir_make_tmp ("bp-no-module-XXXXXX", NULL);
      g_autofree char *module_path = g_build_filename (dir, "libbp-crypto.so", NULL);
      g_autofree char *pem = make_certificate ("SelfSignedCert_NoModule", -G_TIME_SPAN_DAY,
                                               365 * G_TIME_SPAN_DAY, FALSE, NULL);
      g_autofree char *shown = NULL;
      GtkWidget *label;

      g_setenv ("BP_MODULE_DIR", dir, TRUE);

      /* Not through the clipboard: the parent process, which owns it, is
       * waiting for this one and cannot answer. */
      bp_certificate_field_set_text (fixture->field, pem);

      label = wait_for_label_full (fixture, "The certificate cannot be checked: ", TRUE);
      g_assert_nonnull (label);
      g_assert_true (gtk_widget_has_css_class (label, "error"));
      g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (label)), module_path));
      g_assert_cmpstr (bp_certificate_field_get_text (fixture->field), ==, pem);
      shown = get_shown_text (fixture);
      g_assert_cmpstr (shown, ==, pem);
      g_assert_null (find_label (fixture, "SelfSignedCert_NoModule"));

      g_assert_cmpint (g_rmdir (dir), ==, 0);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  int status;

  /* GTK_A11Y=none gives widgets no accessible context at all; the test
   * context lets the tests read accessible names without a bus. */
  g_setenv ("GTK_A11Y", "test", TRUE);
  g_set_print_handler (bp_test_print_without_a11y_noise);

  g_test_init (&argc, &argv, NULL);

  /* Without a display GTK cannot start; that is a failure under build-aux/test. */
  if (!gtk_init_check ())
    {
      g_test_add_func ("/certificate-field/display", bp_test_gtk_cannot_start);
      return g_test_run ();
    }

  g_assert_cmpint (gnutls_x509_privkey_init (&test_key), ==, GNUTLS_E_SUCCESS);
  g_assert_cmpint (gnutls_x509_privkey_generate (test_key, GNUTLS_PK_RSA, 2048, 0), ==, GNUTLS_E_SUCCESS);

#define ADD(path, func) g_test_add ("/certificate-field/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  /* First, while this process owns no clipboard or selection yet: GTK 4.8
   * leaks what it sends another GTK process that asks for one (build-aux/test). */
  ADD ("module-missing", test_module_missing);
  ADD ("accessible-names", test_accessible_names);
  ADD ("paste-certificate", test_paste_certificate);
  ADD ("paste-private-key", test_paste_private_key);
  ADD ("typed-private-key", test_typed_private_key);
  ADD ("paste-garbage", test_paste_garbage);
  ADD ("two-certificates", test_two_certificates);
  ADD ("clear", test_clear);
  ADD ("no-hyphens-at-breaks", test_no_hyphens_at_breaks);
  ADD ("typed-text-normalised-on-focus-out", test_typed_text_normalised_on_focus_out);
  ADD ("open-der-file", test_open_der_file);
  ADD ("validity", test_validity);
#undef ADD

  status = g_test_run ();
  gnutls_x509_privkey_deinit (test_key);

  return status;
}

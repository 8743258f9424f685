/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-certificate-field"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "bp-account-private.h"
#include "bp-certificate.h"
#include "bp-certificate-field.h"
#include "bp-error.h"

/*
 * What an administrator pastes here may be a private key by mistake. Such
 * input is parsed before it is shown, and refused: it never becomes the
 * field's "text" (so it never reaches the draft), the copies this file holds
 * (the clipboard text, the dropped string, the file contents) are overwritten
 * before they are freed, and a key typed or pasted with Ctrl+V straight into
 * the text area is replaced by the previous text without an undo step.
 */

struct _BpCertificateField
{
  GtkWidget             parent_instance;

  GtkTextView          *text_view;
  GtkWidget            *placeholder_label;
  GtkWidget            *message_box;
  GtkLabel             *message_label;
  GtkWidget            *keep_first_button;
  GtkWidget            *details_grid;
  GtkLabel             *common_name_label;
  GtkLabel             *subject_label;
  GtkLabel             *issuer_label;
  GtkLabel             *not_before_label;
  GtkLabel             *not_after_label;
  GtkLabel             *validity_label;
  GtkLabel             *fingerprint_label;

  GtkTextBuffer        *buffer;
  /* Over all the text: see buffer_changed_cb(). */
  GtkTextTag           *unhyphenated;

  /* The text held, its certificate when it parses, or why it does not. */
  char                 *text;
  BpCertificate        *certificate;
  GError               *parse_error;

  /* Why the last input was refused (a private key, an unreadable file); shown
   * until the text changes again. */
  char                 *refusal;

  /* The text came from the keyboard: normalised when the focus leaves. */
  gboolean              is_typed;
  gboolean              is_setting_buffer;
  guint                 user_action_depth;
  gboolean              has_pending_change;
  guint                 revert_source_id;

  GCancellable         *cancellable;
#if !GTK_CHECK_VERSION (4, 10, 0)
  GtkFileChooserNative *chooser;
#endif
};

G_DEFINE_FINAL_TYPE (BpCertificateField, bp_certificate_field, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Helpers */

static void
wipe_and_free (char  *data,
               gsize  length)
{
  if (data == NULL)
    return;

  bp_account_wipe_memory (data, length);
  g_free (data);
}

static gboolean
is_blank (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (!g_unichar_isspace (g_utf8_get_char (p)) && g_utf8_get_char (p) != 0xFEFF)
        return FALSE;
    }

  return TRUE;
}

static BpCertificate *
parse_text (const char  *text,
            GError     **error)
{
  if (is_blank (text))
    return NULL;

  return bp_certificate_new_from_text (text, BP_CERTIFICATE_PARSE_DEFAULT, error);
}

static char *
format_date (GDateTime *date_time)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (date_time);

  /* The locale's date, as the rest of the desktop shows dates. */
  return g_date_time_format (local, "%x");
}

static void
set_status_style (GtkWidget  *widget,
                  const char *style)
{
  gtk_widget_remove_css_class (widget, "dim-label");
  gtk_widget_remove_css_class (widget, "warning");
  gtk_widget_remove_css_class (widget, "error");

  if (style != NULL)
    gtk_widget_add_css_class (widget, style);
}

static void
show_validity (BpCertificateField *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *text = NULL;
  const char *style = NULL;
  gint64 days = bp_certificate_get_days_left (self->certificate, now);

  switch (bp_certificate_get_validity (self->certificate, now))
    {
    case BP_CERTIFICATE_VALIDITY_EXPIRED:
      days = MAX (-days, 0);
      if (days == 0)
        text = g_strdup (_("expired today"));
      else
        text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "expired %d day ago",
                                             "expired %d days ago",
                                             (gulong) days),
                                (int) days);
      style = "error";
      break;

    case BP_CERTIFICATE_VALIDITY_NOT_YET_VALID:
      {
        GTimeSpan until = g_date_time_difference (bp_certificate_get_not_before (self->certificate), now);

        days = (until + G_TIME_SPAN_DAY - 1) / G_TIME_SPAN_DAY;
        text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "not valid yet: becomes valid in %d day",
                                             "not valid yet: becomes valid in %d days",
                                             (gulong) days),
                                (int) days);
        style = "warning";
      }
      break;

    case BP_CERTIFICATE_VALIDITY_EXPIRING_SOON:
    case BP_CERTIFICATE_VALIDITY_VALID:
    default:
      days = MAX (days, 0);
      if (days == 0)
        text = g_strdup (_("expires today"));
      else
        text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "expires in %d day",
                                             "expires in %d days",
                                             (gulong) days),
                                (int) days);
      style = days <= BP_CERTIFICATE_EXPIRY_WARNING_DAYS ? "warning" : "dim-label";
      break;
    }

  gtk_label_set_text (self->validity_label, text);
  set_status_style (GTK_WIDGET (self->validity_label), style);
}

static void
show_details (BpCertificateField *self)
{
  g_autofree char *not_before = NULL;
  g_autofree char *not_after = NULL;
  const char *common_name;

  if (self->certificate == NULL)
    {
      gtk_widget_set_visible (self->details_grid, FALSE);
      return;
    }

  common_name = bp_certificate_get_common_name (self->certificate);
  not_before = format_date (bp_certificate_get_not_before (self->certificate));
  not_after = format_date (bp_certificate_get_not_after (self->certificate));

  gtk_label_set_text (self->common_name_label,
                      common_name != NULL && *common_name != '\0' ? common_name : _("None"));
  gtk_label_set_text (self->subject_label, bp_certificate_get_subject (self->certificate));
  gtk_label_set_text (self->issuer_label, bp_certificate_get_issuer (self->certificate));
  gtk_label_set_text (self->not_before_label, not_before);
  gtk_label_set_text (self->not_after_label, not_after);
  gtk_label_set_text (self->fingerprint_label,
                      bp_certificate_get_sha256_fingerprint (self->certificate));
  show_validity (self);

  gtk_widget_set_visible (self->details_grid, TRUE);
}

static void
update_display (BpCertificateField *self)
{
  const char *message = NULL;
  gboolean is_multiple = FALSE;
  gboolean is_empty = gtk_text_buffer_get_char_count (self->buffer) == 0;

  if (self->refusal != NULL)
    {
      message = self->refusal;
    }
  else if (self->parse_error != NULL)
    {
      message = self->parse_error->message;
      is_multiple = g_error_matches (self->parse_error, BP_ERROR, BP_ERROR_CERTIFICATE_MULTIPLE);
    }

  gtk_label_set_text (self->message_label, message != NULL ? message : "");
  gtk_widget_set_visible (self->message_box, message != NULL);
  gtk_widget_set_visible (self->keep_first_button, is_multiple);
  gtk_widget_set_visible (self->placeholder_label, is_empty);
  show_details (self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "certificate.keep-first", is_multiple);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "certificate.clear",
                                 !is_empty || self->refusal != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "certificate.copy-fingerprint",
                                 self->certificate != NULL);

  if (message != NULL)
    {
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->text_view),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, message,
                                      -1);
      gtk_accessible_update_state (GTK_ACCESSIBLE (self->text_view),
                                   GTK_ACCESSIBLE_STATE_INVALID, GTK_ACCESSIBLE_INVALID_TRUE,
                                   -1);
    }
  else
    {
      gtk_accessible_reset_property (GTK_ACCESSIBLE (self->text_view),
                                     GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
      gtk_accessible_reset_state (GTK_ACCESSIBLE (self->text_view),
                                  GTK_ACCESSIBLE_STATE_INVALID);
    }
}

/* Takes @certificate and @error: the parse result of @text. */
static void
hold_text (BpCertificateField *self,
           const char         *text,
           BpCertificate      *certificate,
           GError             *error,
           gboolean            is_typed)
{
  g_clear_object (&self->certificate);
  g_clear_error (&self->parse_error);
  self->certificate = certificate;
  self->parse_error = error;
  self->is_typed = is_typed;

  if (g_strcmp0 (self->text, text) != 0)
    {
      g_free (self->text);
      self->text = g_strdup (text);
      update_display (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXT]);
    }
  else
    {
      update_display (self);
    }
}

/* Replaces the text area's contents without an undo step: the previous text
 * may be another account's, or a private key being removed. */
static void
set_buffer_text (BpCertificateField *self,
                 const char         *text)
{
  self->is_setting_buffer = TRUE;
  gtk_text_buffer_begin_irreversible_action (self->buffer);
  gtk_text_buffer_set_text (self->buffer, text, -1);
  gtk_text_buffer_end_irreversible_action (self->buffer);
  self->is_setting_buffer = FALSE;
}

static void
refuse (BpCertificateField *self,
        const char         *message)
{
  g_free (self->refusal);
  self->refusal = g_strdup (message);
  update_display (self);
}

/* Input from Paste, Open… or a drop: a certificate is held as its normalised
 * PEM; text that is no certificate is kept so it can be fixed; a private key,
 * nothing at all, or bytes that are not text are refused and the field keeps
 * what it held. The caller wipes @data. */
static void
take_input (BpCertificateField *self,
            const guint8       *data,
            gsize               length)
{
  g_autoptr(BpCertificate) certificate = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  certificate = bp_certificate_new_from_data (data, length, BP_CERTIFICATE_PARSE_DEFAULT, &error);
  if (certificate != NULL)
    {
      const char *pem = bp_certificate_get_pem (certificate);

      g_clear_pointer (&self->refusal, g_free);
      set_buffer_text (self, pem);
      hold_text (self, pem, g_steal_pointer (&certificate), NULL, FALSE);
      return;
    }

  if (g_error_matches (error, BP_ERROR, BP_ERROR_CERTIFICATE_PRIVATE_KEY)
      || g_error_matches (error, BP_ERROR, BP_ERROR_CERTIFICATE_EMPTY)
      || g_error_matches (error, BP_ERROR, BP_ERROR_CERTIFICATE_TOO_LARGE)
      || memchr (data, '\0', length) != NULL
      || !g_utf8_validate ((const char *) data, length, NULL))
    {
      refuse (self, error->message);
      return;
    }

  text = g_strndup ((const char *) data, length);
  g_clear_pointer (&self->refusal, g_free);
  set_buffer_text (self, text);
  hold_text (self, text, NULL, g_steal_pointer (&error), FALSE);
}

static gboolean
revert_text_cb (gpointer user_data)
{
  BpCertificateField *self = user_data;

  self->revert_source_id = 0;
  set_buffer_text (self, self->text != NULL ? self->text : "");
  update_display (self);

  return G_SOURCE_REMOVE;
}

/* Typing, Ctrl+V and text dropped inside the text area, once the whole
 * user action is done: pasting over a selection first deletes it, and that
 * empty text must not become the field's "text" on the way. */
static void
take_typed_text (BpCertificateField *self)
{
  g_autoptr(BpCertificate) certificate = NULL;
  g_autoptr(GError) error = NULL;
  GtkTextBuffer *buffer = self->buffer;
  GtkTextIter start;
  GtkTextIter end;
  char *text;

  self->has_pending_change = FALSE;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  certificate = parse_text (text, &error);

  /* "error != NULL" says for the analyzers (gcc -fanalyzer, scan-build) what
   * they cannot see inside GLib: g_error_matches() is FALSE without an error. */
  if (error != NULL && g_error_matches (error, BP_ERROR, BP_ERROR_CERTIFICATE_PRIVATE_KEY))
    {
      wipe_and_free (text, strlen (text));
      refuse (self, error->message);

      /* Not from inside the buffer's own signal emission, but before the
       * next frame draws the key. */
      if (self->revert_source_id == 0)
        self->revert_source_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE, revert_text_cb, self, NULL);
      return;
    }

  g_clear_pointer (&self->refusal, g_free);
  hold_text (self, text, g_steal_pointer (&certificate), g_steal_pointer (&error), TRUE);
  g_free (text);
}

static void
buffer_changed_cb (BpCertificateField *self,
                   GtkTextBuffer      *buffer)
{
  GtkTextIter start;
  GtkTextIter end;

  /* Base64 has no spaces, so its lines break anywhere, and Pango marks a
   * break inside a word with a hyphen that is not in the certificate. */
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  gtk_text_buffer_apply_tag (buffer, self->unhyphenated, &start, &end);

  if (self->is_setting_buffer)
    return;

  if (self->user_action_depth > 0)
    self->has_pending_change = TRUE;
  else
    take_typed_text (self);
}

static void
user_action_begun_cb (BpCertificateField *self,
                      GtkTextBuffer      *buffer)
{
  self->user_action_depth++;
}

static void
user_action_ended_cb (BpCertificateField *self,
                      GtkTextBuffer      *buffer)
{
  g_return_if_fail (self->user_action_depth > 0);

  self->user_action_depth--;
  if (self->user_action_depth == 0 && self->has_pending_change)
    take_typed_text (self);
}

static void
focus_left_cb (BpCertificateField      *self,
               GtkEventControllerFocus *controller)
{
  const char *pem;

  if (!self->is_typed || self->certificate == NULL)
    return;

  pem = bp_certificate_get_pem (self->certificate);
  self->is_typed = FALSE;
  if (g_strcmp0 (pem, self->text) == 0)
    return;

  set_buffer_text (self, pem);
  hold_text (self, pem, g_object_ref (self->certificate), NULL, FALSE);
}

/* Paste */

static void
clipboard_text_read_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(BpCertificateField) self = user_data;
  g_autoptr(GError) error = NULL;
  char *text;

  text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (object), result, &error);
  if (text == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        refuse (self, _("The clipboard holds no text. Copy the certificate, then press Paste."));
      return;
    }

  take_input (self, (const guint8 *) text, strlen (text));
  wipe_and_free (text, strlen (text));
}

static void
paste_activated_cb (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  BpCertificateField *self = BP_CERTIFICATE_FIELD (widget);

  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (widget), self->cancellable,
                                 clipboard_text_read_cb, g_object_ref (self));
}

/* Open… and dropped files */

static gboolean
read_more_cb (const char *file_contents,
              goffset     file_size,
              gpointer    user_data)
{
  /* Enough to tell the administrator that this is too large. */
  return file_size <= BP_CERTIFICATE_MAX_INPUT;
}

static void
file_loaded_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(BpCertificateField) self = user_data;
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;

  if (!g_file_load_partial_contents_finish (G_FILE (object), result, &contents, &length, NULL, &error))
    {
      g_autofree char *name = NULL;
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      name = g_file_get_parse_name (G_FILE (object));
      message = g_strdup_printf (_("“%s” could not be read: %s"), name, error->message);
      refuse (self, message);
      return;
    }

  take_input (self, (const guint8 *) contents, length);
  wipe_and_free (contents, length);
}

void
bp_certificate_field_open_file (BpCertificateField *self,
                                GFile              *file)
{
  g_return_if_fail (BP_IS_CERTIFICATE_FIELD (self));
  g_return_if_fail (G_IS_FILE (file));

  g_file_load_partial_contents_async (file, self->cancellable, read_more_cb,
                                      file_loaded_cb, g_object_ref (self));
}

static GListStore *
create_file_filters (void)
{
  g_autoptr(GtkFileFilter) certificates = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();
  GListStore *filters = g_list_store_new (GTK_TYPE_FILE_FILTER);

  gtk_file_filter_set_name (certificates, _("Certificates (.crt, .cer, .pem, .der)"));
  gtk_file_filter_add_suffix (certificates, "crt");
  gtk_file_filter_add_suffix (certificates, "cer");
  gtk_file_filter_add_suffix (certificates, "pem");
  gtk_file_filter_add_suffix (certificates, "der");
  gtk_file_filter_add_mime_type (certificates, "application/x-x509-ca-cert");
  gtk_file_filter_add_mime_type (certificates, "application/pkix-cert");

  gtk_file_filter_set_name (all, _("All Files"));
  gtk_file_filter_add_pattern (all, "*");

  g_list_store_append (filters, certificates);
  g_list_store_append (filters, all);

  return filters;
}

static GtkWindow *
get_parent_window (BpCertificateField *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

#if GTK_CHECK_VERSION (4, 10, 0)

static void
file_chosen_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(BpCertificateField) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;

  file = gtk_file_dialog_open_finish (GTK_FILE_DIALOG (object), result, &error);
  if (file == NULL)
    {
      if (!g_error_matches (error, GTK_DIALOG_ERROR, GTK_DIALOG_ERROR_DISMISSED)
          && !g_error_matches (error, GTK_DIALOG_ERROR, GTK_DIALOG_ERROR_CANCELLED))
        refuse (self, error->message);
      return;
    }

  bp_certificate_field_open_file (self, file);
}

static void
open_activated_cb (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  BpCertificateField *self = BP_CERTIFICATE_FIELD (widget);
  g_autoptr(GtkFileDialog) dialog = gtk_file_dialog_new ();
  g_autoptr(GListStore) filters = create_file_filters ();
  g_autoptr(GtkFileFilter) certificates = g_list_model_get_item (G_LIST_MODEL (filters), 0);

  gtk_file_dialog_set_title (dialog, _("Open Identity Provider Certificate"));
  gtk_file_dialog_set_modal (dialog, TRUE);
  gtk_file_dialog_set_filters (dialog, G_LIST_MODEL (filters));
  gtk_file_dialog_set_default_filter (dialog, certificates);
  gtk_file_dialog_open (dialog, get_parent_window (self), self->cancellable,
                        file_chosen_cb, g_object_ref (self));
}

#else /* GTK 4.8 */

static void
chooser_response_cb (BpCertificateField   *self,
                     int                   response,
                     GtkFileChooserNative *chooser)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

  gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (chooser));
  g_clear_object (&self->chooser);

  if (file != NULL)
    bp_certificate_field_open_file (self, file);
}

static void
open_activated_cb (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  BpCertificateField *self = BP_CERTIFICATE_FIELD (widget);
  g_autoptr(GListStore) filters = NULL;

  if (self->chooser != NULL)
    {
      gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
      return;
    }

  self->chooser = gtk_file_chooser_native_new (_("Open Identity Provider Certificate"),
                                               get_parent_window (self),
                                               GTK_FILE_CHOOSER_ACTION_OPEN,
                                               _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);

  filters = create_file_filters ();
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (filters)); i++)
    {
      g_autoptr(GtkFileFilter) filter = g_list_model_get_item (G_LIST_MODEL (filters), i);

      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
    }

  g_signal_connect_object (self->chooser, "response",
                           G_CALLBACK (chooser_response_cb), self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

#endif

/* Drag and drop */

static gboolean
dropped_cb (BpCertificateField *self,
            const GValue       *value,
            double              x,
            double              y,
            GtkDropTarget      *target)
{
  if (G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    {
      GSList *files = gdk_file_list_get_files (g_value_get_boxed (value));

      if (files == NULL)
        {
          return FALSE;
        }

      bp_certificate_field_open_file (self, files->data);
      g_slist_free (files);
      return TRUE;
    }

  if (G_VALUE_HOLDS (value, G_TYPE_FILE))
    {
      bp_certificate_field_open_file (self, g_value_get_object (value));
      return TRUE;
    }

  if (G_VALUE_HOLDS_STRING (value) && g_value_get_string (value) != NULL)
    {
      /* The string belongs to the drop, which frees it after this handler;
       * it may be a private key, so it is wiped here. */
      char *text = (char *) g_value_get_string (value);
      gsize length = strlen (text);

      take_input (self, (const guint8 *) text, length);
      bp_account_wipe_memory (text, length);
      return TRUE;
    }

  return FALSE;
}

/* Other actions */

static void
clear_activated_cb (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  BpCertificateField *self = BP_CERTIFICATE_FIELD (widget);

  g_clear_pointer (&self->refusal, g_free);
  set_buffer_text (self, "");
  hold_text (self, "", NULL, NULL, FALSE);
}

static void
keep_first_activated_cb (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  BpCertificateField *self = BP_CERTIFICATE_FIELD (widget);
  g_autoptr(BpCertificate) certificate = NULL;
  g_autoptr(GError) error = NULL;
  const char *pem;

  certificate = bp_certificate_new_from_text (self->text != NULL ? self->text : "",
                                              BP_CERTIFICATE_PARSE_FIRST_ONLY, &error);
  if (certificate == NULL)
    {
      refuse (self, error->message);
      return;
    }

  pem = bp_certificate_get_pem (certificate);
  g_clear_pointer (&self->refusal, g_free);
  set_buffer_text (self, pem);
  hold_text (self, pem, g_steal_pointer (&certificate), NULL, FALSE);
}

static void
copy_fingerprint_activated_cb (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter)
{
  BpCertificateField *self = BP_CERTIFICATE_FIELD (widget);

  if (self->certificate == NULL)
    return;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget),
                          bp_certificate_get_sha256_fingerprint (self->certificate));
}

/* Public */

GtkWidget *
bp_certificate_field_new (void)
{
  return g_object_new (BP_TYPE_CERTIFICATE_FIELD, NULL);
}

const char *
bp_certificate_field_get_text (BpCertificateField *self)
{
  g_return_val_if_fail (BP_IS_CERTIFICATE_FIELD (self), NULL);

  return self->text;
}

/**
 * bp_certificate_field_set_text:
 * @text: (nullable): the text to hold, as stored ("" or %NULL for none)
 *
 * Holds @text as it is (a draft's stored value), replacing the text area's
 * contents without an undo step. A private key is refused: the field is
 * emptied (it must not show another account's certificate instead) and says
 * why.
 */
void
bp_certificate_field_set_text (BpCertificateField *self,
                               const char         *text)
{
  g_autoptr(BpCertificate) certificate = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (BP_IS_CERTIFICATE_FIELD (self));

  if (text == NULL)
    text = "";

  certificate = parse_text (text, &error);
  /* "error != NULL": for the analyzers, as in take_typed_text(). */
  if (error != NULL && g_error_matches (error, BP_ERROR, BP_ERROR_CERTIFICATE_PRIVATE_KEY))
    {
      set_buffer_text (self, "");
      hold_text (self, "", NULL, NULL, FALSE);
      refuse (self, error->message);
      return;
    }

  g_clear_pointer (&self->refusal, g_free);
  set_buffer_text (self, text);
  hold_text (self, text, g_steal_pointer (&certificate), g_steal_pointer (&error), FALSE);
}

/* GtkWidget */

static gboolean
bp_certificate_field_grab_focus (GtkWidget *widget)
{
  BpCertificateField *self = BP_CERTIFICATE_FIELD (widget);

  return gtk_widget_grab_focus (GTK_WIDGET (self->text_view));
}

/* GObject */

static void
bp_certificate_field_dispose (GObject *object)
{
  BpCertificateField *self = BP_CERTIFICATE_FIELD (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->revert_source_id, g_source_remove);

#if !GTK_CHECK_VERSION (4, 10, 0)
  if (self->chooser != NULL)
    {
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
      g_clear_object (&self->chooser);
    }
#endif

  gtk_widget_dispose_template (GTK_WIDGET (self), BP_TYPE_CERTIFICATE_FIELD);

  /* The template's unnamed children are the widget's own. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  g_clear_object (&self->certificate);
  g_clear_error (&self->parse_error);

  G_OBJECT_CLASS (bp_certificate_field_parent_class)->dispose (object);
}

static void
bp_certificate_field_finalize (GObject *object)
{
  BpCertificateField *self = BP_CERTIFICATE_FIELD (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->text, g_free);
  g_clear_pointer (&self->refusal, g_free);

  G_OBJECT_CLASS (bp_certificate_field_parent_class)->finalize (object);
}

static void
bp_certificate_field_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  BpCertificateField *self = BP_CERTIFICATE_FIELD (object);

  switch (prop_id)
    {
    case PROP_TEXT:
      g_value_set_string (value, self->text);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bp_certificate_field_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  BpCertificateField *self = BP_CERTIFICATE_FIELD (object);

  switch (prop_id)
    {
    case PROP_TEXT:
      bp_certificate_field_set_text (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bp_certificate_field_class_init (BpCertificateFieldClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bp_certificate_field_dispose;
  object_class->finalize = bp_certificate_field_finalize;
  object_class->get_property = bp_certificate_field_get_property;
  object_class->set_property = bp_certificate_field_set_property;

  widget_class->grab_focus = bp_certificate_field_grab_focus;

  /**
   * BpCertificateField:text:
   *
   * The text held: the normalised PEM of a certificate that was pasted,
   * opened or dropped, or the text as typed; "" when empty. Never a private
   * key.
   */
  properties[PROP_TEXT] =
    g_param_spec_string ("text", NULL, NULL,
                         "",
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/bp-certificate-field.ui");
  gtk_widget_class_bind_template_child (widget_class, BpCertificateField, text_view);
  gtk_widget_class_bind_template_child (widget_class, BpCertificateField, placeholder_label);
  gtk_widget_class_bind_template_child (widget_class, BpCertificateField, message_box);
  gtk_widget_class_bind_template_child (widget_class, BpCertificateField, message_label);
  gtk_widget_class_bind_template_child (widget_class, BpCertificateField, keep_first_button);
  gtk_widget_class_bind_template_child (widget_class, BpCertificateField, details_grid);
  gtk_widget_class_bind_template_child (widget_class, BpCertificateField, common_name_label);
  gtk_widget_class_bind_template_child (widget_class, BpCertificateField, subject_label);
  gtk_widget_class_bind_template_child (widget_class, BpCertificateField, issuer_label);
  gtk_widget_class_bind_template_child (widget_class, BpCertificateField, not_before_label);
  gtk_widget_class_bind_template_child (widget_class, BpCertificateField, not_after_label);
  gtk_widget_class_bind_template_child (widget_class, BpCertificateField, validity_label);
  gtk_widget_class_bind_template_child (widget_class, BpCertificateField, fingerprint_label);

  gtk_widget_class_install_action (widget_class, "certificate.paste", NULL, paste_activated_cb);
  gtk_widget_class_install_action (widget_class, "certificate.open", NULL, open_activated_cb);
  gtk_widget_class_install_action (widget_class, "certificate.clear", NULL, clear_activated_cb);
  gtk_widget_class_install_action (widget_class, "certificate.keep-first", NULL,
                                   keep_first_activated_cb);
  gtk_widget_class_install_action (widget_class, "certificate.copy-fingerprint", NULL,
                                   copy_fingerprint_activated_cb);

  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
bp_certificate_field_init (BpCertificateField *self)
{
  GtkEventController *focus;
  GtkDropTarget *drop;
  GType drop_types[] = { GDK_TYPE_FILE_LIST, G_TYPE_FILE, G_TYPE_STRING };

  gtk_widget_init_template (GTK_WIDGET (self));

  self->text = g_strdup ("");
  self->cancellable = g_cancellable_new ();
  self->buffer = gtk_text_view_get_buffer (self->text_view);
  self->unhyphenated = gtk_text_buffer_create_tag (self->buffer, NULL, "insert-hyphens", FALSE, NULL);

  g_signal_connect_object (self->buffer, "changed",
                           G_CALLBACK (buffer_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->buffer, "begin-user-action",
                           G_CALLBACK (user_action_begun_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->buffer, "end-user-action",
                           G_CALLBACK (user_action_ended_cb), self, G_CONNECT_SWAPPED);

  focus = gtk_event_controller_focus_new ();
  g_signal_connect_object (focus, "leave", G_CALLBACK (focus_left_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self->text_view), focus);

  /* Ahead of the text area's own drop target, so a dropped file is read
   * and dropped text goes through the same checks as Paste. */
  drop = gtk_drop_target_new (G_TYPE_INVALID, GDK_ACTION_COPY);
  gtk_drop_target_set_gtypes (drop, drop_types, G_N_ELEMENTS (drop_types));
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (drop), GTK_PHASE_CAPTURE);
  g_signal_connect_object (drop, "drop", G_CALLBACK (dropped_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  update_display (self);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-salesforce-editor"

#include "config.h"

#include <glib/gi18n.h>

#include "bp-account-store.h"
#include "bp-certificate-field.h"
#include "bp-oauth-flow.h"
#include "bp-salesforce-account.h"
#include "bp-salesforce-editor.h"
#include "bp-salesforce-endpoints.h"

#define REDIRECT_PORT_KEY "redirect-port"

/* The fields whose problems show under them, in the order of the form (the
 * order focus_first_error() looks for the first error in). */
typedef enum
{
  FIELD_NAME,
  FIELD_IS_DEFAULT,
  FIELD_URL,
  FIELD_SANDBOX,
  FIELD_CONSUMER_KEY,
  FIELD_CONSUMER_SECRET,
  FIELD_IDP_CERTIFICATE,
  FIELD_IDP_LOGIN_URL,
  N_FIELDS
} Field;

static const struct
{
  const char *property;
  /* A problem of this field also shows once this other field was edited:
   * the sandbox warning is about the Url that was typed. */
  const char *also_after;
} fields[N_FIELDS] = {
  [FIELD_NAME] = { "name", NULL },
  [FIELD_IS_DEFAULT] = { "is-default", NULL },
  [FIELD_URL] = { "url", NULL },
  [FIELD_SANDBOX] = { "sandbox", "url" },
  [FIELD_CONSUMER_KEY] = { "consumer-key", NULL },
  [FIELD_CONSUMER_SECRET] = { BP_SECRET_KIND_CONSUMER_SECRET, NULL },
  [FIELD_IDP_CERTIFICATE] = { "idp-certificate", NULL },
  [FIELD_IDP_LOGIN_URL] = { "idp-login-url", NULL },
};

struct _BpSalesforceEditor
{
  GtkWidget            parent_instance;

  GtkWidget           *basic_group;
  GtkWidget           *data_access_group;
  GtkWidget           *sso_group;
  GtkLabel            *type_label;
  GtkEditable         *name_entry;
  GtkCheckButton      *default_check;
  GtkEditable         *url_entry;
  GtkCheckButton      *sandbox_check;
  GtkEditable         *consumer_key_entry;
  GtkLabel            *callback_url_label;
  GtkEditable         *consumer_secret_entry;
  GtkLabel            *token_state_label;
  BpCertificateField  *certificate_field;
  GtkEditable         *idp_login_url_entry;

  /* Each field's control and the label of its problem (NULL: the field
   * shows its own, as the certificate field does). */
  GtkWidget           *controls[N_FIELDS];
  GtkLabel            *problem_labels[N_FIELDS];

  BpSalesforceAccount *draft;
  GListModel          *accounts;
  GSettings           *settings;
  char                *callback_url;

  GPtrArray           *problems;
  GHashTable          *touched;
  gboolean             reveals_all_problems;
  /* focus_first_error()'s field, scrolled into view with its problem. */
  Field                field_to_reveal;
  guint                reveal_tick_id;
  guint                reveal_frames;
  double               reveal_last_value;
  gboolean             has_errors;
  gboolean             shows_errors;

  /* Set while the fields are filled from the draft: those are no edits. */
  gboolean             is_syncing;
};

static void bp_salesforce_editor_account_editor_init (BpAccountEditorInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (BpSalesforceEditor, bp_salesforce_editor, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (BP_TYPE_ACCOUNT_EDITOR,
                                                      bp_salesforce_editor_account_editor_init))

enum {
  PROP_0,
  PROP_DRAFT,
  PROP_ACCOUNTS,
  PROP_HAS_ERRORS,
  PROP_SHOWS_ERRORS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_REQUEST_TOKEN,
  SIGNAL_CHECK_LIMITS,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The callback URL */

static void
update_callback_url (BpSalesforceEditor *self)
{
  guint configured_port = 0;

  if (self->settings != NULL)
    configured_port = (guint) g_settings_get_int (self->settings, REDIRECT_PORT_KEY);

  /* The rule of the flow that listens on the port: a valid
   * $BP_OAUTH_REDIRECT_PORT, else the setting, else 1717. */
  g_free (self->callback_url);
  self->callback_url = bp_salesforce_get_redirect_uri (bp_oauth_flow_resolve_port (configured_port));
  gtk_label_set_text (self->callback_url_label, self->callback_url);
}

/* The application's schema may be missing (a test, an uninstalled build):
 * the editor then shows the default port. */
static GSettings *
create_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APPLICATION_ID, TRUE);

  if (schema == NULL || !g_settings_schema_has_key (schema, REDIRECT_PORT_KEY))
    {
      g_debug ("The schema %s is not installed; the callback URL uses port %u",
               APPLICATION_ID, BP_SALESFORCE_DEFAULT_REDIRECT_PORT);
      return NULL;
    }

  return g_settings_new_full (schema, NULL, NULL);
}

/* Problems */

static gboolean
is_touched (BpSalesforceEditor *self,
            Field               field)
{
  if (self->reveals_all_problems)
    return TRUE;

  if (g_hash_table_contains (self->touched, fields[field].property))
    return TRUE;

  return fields[field].also_after != NULL
         && g_hash_table_contains (self->touched, fields[field].also_after);
}

static void
set_problem_style (GtkWidget  *widget,
                   const char *style)
{
  gtk_widget_remove_css_class (widget, "error");
  gtk_widget_remove_css_class (widget, "warning");

  if (style != NULL)
    gtk_widget_add_css_class (widget, style);
}

/* Shows @problem (or none) under the field, in the style of its severity,
 * and tells assistive technologies through the control's description. */
static void
show_problem (BpSalesforceEditor *self,
              Field               field,
              const BpProblem    *problem)
{
  GtkWidget *control = self->controls[field];
  GtkLabel *label = self->problem_labels[field];
  const char *style = NULL;
  GtkWidget *icon;
  GtkWidget *box;

  if (problem != NULL)
    style = problem->severity == BP_SEVERITY_ERROR ? "error" : "warning";

  set_problem_style (control, style);

  if (problem == NULL)
    {
      gtk_accessible_reset_property (GTK_ACCESSIBLE (control), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
      gtk_accessible_reset_state (GTK_ACCESSIBLE (control), GTK_ACCESSIBLE_STATE_INVALID);
    }
  else
    {
      gtk_accessible_update_property (GTK_ACCESSIBLE (control),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, problem->message,
                                      -1);
      gtk_accessible_update_state (GTK_ACCESSIBLE (control),
                                   GTK_ACCESSIBLE_STATE_INVALID,
                                   problem->severity == BP_SEVERITY_ERROR
                                     ? GTK_ACCESSIBLE_INVALID_TRUE : GTK_ACCESSIBLE_INVALID_FALSE,
                                   -1);
    }

  /* The certificate field shows its own errors and validity. */
  if (label == NULL)
    return;

  /* The template puts each problem label after its icon, in a grid. */
  icon = gtk_widget_get_prev_sibling (GTK_WIDGET (label));
  box = gtk_widget_get_parent (GTK_WIDGET (label));
  g_assert (GTK_IS_IMAGE (icon));

  set_problem_style (box, style);
  set_problem_style (icon, style);
  set_problem_style (GTK_WIDGET (label), style);

  if (problem != NULL)
    {
      gtk_image_set_from_icon_name (GTK_IMAGE (icon),
                                    problem->severity == BP_SEVERITY_ERROR
                                      ? "dialog-error-symbolic" : "dialog-warning-symbolic");
      gtk_label_set_text (label, problem->message);
    }
  else
    {
      gtk_label_set_text (label, "");
    }

  gtk_widget_set_visible (box, problem != NULL);
}

static void
set_errors (BpSalesforceEditor *self,
            gboolean            has_errors,
            gboolean            shows_errors)
{
  g_object_freeze_notify (G_OBJECT (self));

  if (self->has_errors != has_errors)
    {
      self->has_errors = has_errors;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_ERRORS]);
    }

  if (self->shows_errors != shows_errors)
    {
      self->shows_errors = shows_errors;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOWS_ERRORS]);
    }

  g_object_thaw_notify (G_OBJECT (self));
}

/* The saved account the draft was copied from, or NULL for a new one. The
 * window hands the store over as "accounts", which finds it by id at once. */
static BpSalesforceAccount *
find_saved_account (BpSalesforceEditor *self)
{
  const char *id = bp_account_get_id (BP_ACCOUNT (self->draft));
  BpAccount *saved = NULL;

  if (self->accounts == NULL)
    return NULL;

  if (BP_IS_ACCOUNT_STORE (self->accounts))
    {
      saved = bp_account_store_find_by_id (BP_ACCOUNT_STORE (self->accounts), id);
    }
  else
    {
      for (guint i = 0; saved == NULL && i < g_list_model_get_n_items (self->accounts); i++)
        {
          g_autoptr(BpAccount) account = g_list_model_get_item (self->accounts, i);

          /* The list keeps its own reference. */
          if (g_strcmp0 (bp_account_get_id (account), id) == 0)
            saved = account;
        }
    }

  return BP_IS_SALESFORCE_ACCOUNT (saved) && saved != BP_ACCOUNT (self->draft)
         ? BP_SALESFORCE_ACCOUNT (saved) : NULL;
}

/* Applying a change of Url, Sandbox or Consumer key takes a working token
 * away (bp_salesforce_account_changes_token_owner()): said under that field
 * while it is typed, not found out after Apply. A token that already needs
 * renewing is no news. */
static void
add_token_owner_warning (BpSalesforceEditor *self)
{
  BpSalesforceAccount *saved = find_saved_account (self);
  const char *property = NULL;

  if (saved != NULL && bp_salesforce_account_get_token_state (saved) == BP_TOKEN_STATE_VALID)
    property = bp_salesforce_account_changes_token_owner (self->draft, saved);

  if (property != NULL)
    bp_problems_add (self->problems, property, BP_SEVERITY_WARNING, "%s",
                     _("After Apply the account needs a new token: the one it has belongs to the saved "
                       "Url, Sandbox setting and Consumer key."));
}

/* Cheap enough to run on every key press. Not while the fields are being
 * filled from the draft: each one would validate again (against every
 * other account, for the name), and the filling ends with a validation. */
static void
validate (BpSalesforceEditor *self)
{
  gboolean shows_errors = FALSE;

  if (self->is_syncing)
    return;

  g_clear_pointer (&self->problems, g_ptr_array_unref);

  if (self->draft != NULL)
    {
      self->problems = bp_account_validate (BP_ACCOUNT (self->draft), self->accounts);
      add_token_owner_warning (self);
    }

  for (Field field = 0; field < N_FIELDS; field++)
    {
      const BpProblem *problem = NULL;

      if (self->problems != NULL && is_touched (self, field))
        problem = bp_problems_find (self->problems, fields[field].property);

      show_problem (self, field, problem);
      shows_errors |= problem != NULL && problem->severity == BP_SEVERITY_ERROR;
    }

  set_errors (self, self->problems != NULL && bp_problems_has_errors (self->problems), shows_errors);
}

/* From the draft to the fields */

static void
sync_text (GtkEditable *editable,
           const char  *text)
{
  /* Leaves the cursor alone when the text is what was just typed. */
  if (g_strcmp0 (gtk_editable_get_text (editable), text != NULL ? text : "") != 0)
    gtk_editable_set_text (editable, text != NULL ? text : "");
}

static void
sync_token_state (BpSalesforceEditor *self)
{
  g_autofree char *text = NULL;
  const char *style = "dim-label";

  switch (self->draft != NULL ? bp_salesforce_account_get_token_state (self->draft) : BP_TOKEN_STATE_NONE)
    {
    case BP_TOKEN_STATE_VALID:
      {
        GDateTime *issued_at = bp_salesforce_account_get_token_issued_at (self->draft);
        const char *user = bp_salesforce_account_get_authorized_user (self->draft);
        g_autofree char *date = NULL;

        if (issued_at != NULL)
          {
            g_autoptr(GDateTime) local = g_date_time_to_local (issued_at);

            date = g_date_time_format (local, "%x");
          }

        if (user != NULL && *user != '\0' && date != NULL)
          /* Translators: "Authorized as admin@acme.com on 05/01/2024" */
          text = g_strdup_printf (_("Authorized as %s on %s"), user, date);
        else if (user != NULL && *user != '\0')
          text = g_strdup_printf (_("Authorized as %s"), user);
        else if (date != NULL)
          text = g_strdup_printf (_("Authorized on %s"), date);
        else
          text = g_strdup (_("Authorized"));

        style = NULL;
      }
      break;

    case BP_TOKEN_STATE_NEEDS_NEW_TOKEN:
      text = g_strdup (_("Needs a new token"));
      style = "warning";
      break;

    case BP_TOKEN_STATE_NONE:
    default:
      text = g_strdup (_("Not set"));
      break;
    }

  gtk_label_set_text (self->token_state_label, text);
  gtk_widget_remove_css_class (GTK_WIDGET (self->token_state_label), "dim-label");
  gtk_widget_remove_css_class (GTK_WIDGET (self->token_state_label), "warning");
  if (style != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->token_state_label), style);
}

/* Fills the field of @property (every field when %NULL) from the draft. */
static void
sync_from_draft (BpSalesforceEditor *self,
                 const char         *property)
{
  BpSalesforceAccount *draft = self->draft;
  BpAccount *account = BP_ACCOUNT (draft);

#define SYNCS(name) (property == NULL || g_str_equal (property, name))

  self->is_syncing = TRUE;

  if (SYNCS ("type-name"))
    gtk_label_set_text (self->type_label,
                        draft != NULL ? bp_account_get_type_name (account) : _("Salesforce.com"));

  if (SYNCS ("name"))
    sync_text (self->name_entry, draft != NULL ? bp_account_get_name (account) : "");

  if (SYNCS ("is-default"))
    gtk_check_button_set_active (self->default_check,
                                 draft != NULL && bp_account_get_is_default (account));

  if (SYNCS ("url"))
    sync_text (self->url_entry, draft != NULL ? bp_salesforce_account_get_url (draft) : "");

  if (SYNCS ("sandbox"))
    gtk_check_button_set_active (self->sandbox_check,
                                 draft != NULL && bp_salesforce_account_get_sandbox (draft));

  if (SYNCS ("consumer-key"))
    sync_text (self->consumer_key_entry,
               draft != NULL ? bp_salesforce_account_get_consumer_key (draft) : "");

  /* NULL while the keyring has not been read: the entry stays empty. */
  if (SYNCS (BP_SECRET_KIND_CONSUMER_SECRET))
    sync_text (self->consumer_secret_entry,
               draft != NULL ? bp_salesforce_account_get_consumer_secret (draft) : "");

  if (SYNCS ("token-state") || SYNCS ("token-issued-at") || SYNCS ("authorized-user"))
    sync_token_state (self);

  if (SYNCS ("idp-certificate")
      && g_strcmp0 (bp_certificate_field_get_text (self->certificate_field),
                    draft != NULL ? bp_salesforce_account_get_idp_certificate (draft) : "") != 0)
    bp_certificate_field_set_text (self->certificate_field,
                                   draft != NULL ? bp_salesforce_account_get_idp_certificate (draft) : "");

  if (SYNCS ("idp-login-url"))
    sync_text (self->idp_login_url_entry,
               draft != NULL ? bp_salesforce_account_get_idp_login_url (draft) : "");

  self->is_syncing = FALSE;

#undef SYNCS
}

static void
draft_notify_cb (BpSalesforceEditor  *self,
                 GParamSpec          *pspec,
                 BpSalesforceAccount *draft)
{
  sync_from_draft (self, pspec->name);
  validate (self);
}

/* From the fields to the draft */

static gboolean
begin_edit (BpSalesforceEditor *self,
            Field               field)
{
  if (self->is_syncing || self->draft == NULL)
    return FALSE;

  g_hash_table_add (self->touched, (gpointer) fields[field].property);
  return TRUE;
}

static void
name_changed_cb (BpSalesforceEditor *self)
{
  if (begin_edit (self, FIELD_NAME))
    bp_account_set_name (BP_ACCOUNT (self->draft), gtk_editable_get_text (self->name_entry));
  validate (self);
}

static void
default_toggled_cb (BpSalesforceEditor *self)
{
  if (begin_edit (self, FIELD_IS_DEFAULT))
    bp_account_set_is_default (BP_ACCOUNT (self->draft),
                               gtk_check_button_get_active (self->default_check));
  validate (self);
}

static void
url_changed_cb (BpSalesforceEditor *self)
{
  if (begin_edit (self, FIELD_URL))
    bp_salesforce_account_set_url (self->draft, gtk_editable_get_text (self->url_entry));
  validate (self);
}

static void
sandbox_toggled_cb (BpSalesforceEditor *self)
{
  if (begin_edit (self, FIELD_SANDBOX))
    bp_salesforce_account_set_sandbox (self->draft,
                                       gtk_check_button_get_active (self->sandbox_check));
  validate (self);
}

static void
consumer_key_changed_cb (BpSalesforceEditor *self)
{
  if (begin_edit (self, FIELD_CONSUMER_KEY))
    bp_salesforce_account_set_consumer_key (self->draft,
                                            gtk_editable_get_text (self->consumer_key_entry));
  validate (self);
}

static void
consumer_secret_changed_cb (BpSalesforceEditor *self)
{
  if (begin_edit (self, FIELD_CONSUMER_SECRET))
    bp_salesforce_account_set_consumer_secret (self->draft,
                                               gtk_editable_get_text (self->consumer_secret_entry));
  validate (self);
}

static void
certificate_text_changed_cb (BpSalesforceEditor *self)
{
  if (begin_edit (self, FIELD_IDP_CERTIFICATE))
    bp_salesforce_account_set_idp_certificate (self->draft,
                                               bp_certificate_field_get_text (self->certificate_field));
  validate (self);
}

static void
idp_login_url_changed_cb (BpSalesforceEditor *self)
{
  if (begin_edit (self, FIELD_IDP_LOGIN_URL))
    bp_salesforce_account_set_idp_login_url (self->draft,
                                             gtk_editable_get_text (self->idp_login_url_entry));
  validate (self);
}

/* Draft and accounts */

/* Covers a consumer secret the administrator revealed. GtkPasswordEntry has
 * no call of its own for it; its peek icon follows its text's visibility. */
static void
hide_consumer_secret (BpSalesforceEditor *self)
{
  GtkEditable *text = gtk_editable_get_delegate (self->consumer_secret_entry);

  if (GTK_IS_TEXT (text))
    gtk_text_set_visibility (GTK_TEXT (text), FALSE);
}

static void
set_draft (BpSalesforceEditor  *self,
           BpSalesforceAccount *draft)
{
  if (self->draft == draft)
    return;

  if (self->draft != NULL)
    g_signal_handlers_disconnect_by_func (self->draft, draft_notify_cb, self);

  g_set_object (&self->draft, draft);

  /* A new draft: nothing of it was edited yet, and its secret is not shown
   * because another account's was (another account, Apply, Cancel). */
  g_hash_table_remove_all (self->touched);
  self->reveals_all_problems = FALSE;
  hide_consumer_secret (self);
  if (self->reveal_tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->reveal_tick_id);
      self->reveal_tick_id = 0;
    }

  if (self->draft != NULL)
    g_signal_connect_object (self->draft, "notify", G_CALLBACK (draft_notify_cb), self,
                             G_CONNECT_SWAPPED);

  sync_from_draft (self, NULL);

  gtk_widget_set_sensitive (self->basic_group, draft != NULL);
  gtk_widget_set_sensitive (self->data_access_group, draft != NULL);
  gtk_widget_set_sensitive (self->sso_group, draft != NULL);

  validate (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DRAFT]);
}

static void
accounts_changed_cb (BpSalesforceEditor *self)
{
  validate (self);
}

static void
set_accounts (BpSalesforceEditor *self,
              GListModel         *accounts)
{
  if (self->accounts == accounts)
    return;

  if (self->accounts != NULL)
    g_signal_handlers_disconnect_by_func (self->accounts, accounts_changed_cb, self);

  g_set_object (&self->accounts, accounts);

  if (self->accounts != NULL)
    g_signal_connect_object (self->accounts, "items-changed", G_CALLBACK (accounts_changed_cb),
                             self, G_CONNECT_SWAPPED);

  validate (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACCOUNTS]);
}

/* Actions */

static void
copy_callback_url_activated_cb (GtkWidget  *widget,
                                const char *action_name,
                                GVariant   *parameter)
{
  BpSalesforceEditor *self = BP_SALESFORCE_EDITOR (widget);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), self->callback_url);
}

static void
request_token_activated_cb (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  g_signal_emit (widget, signals[SIGNAL_REQUEST_TOKEN], 0);
}

static void
check_limits_activated_cb (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  g_signal_emit (widget, signals[SIGNAL_CHECK_LIMITS], 0);
}

/* BpAccountEditor */

static void
bp_salesforce_editor_focus_name (BpAccountEditor *editor)
{
  BpSalesforceEditor *self = BP_SALESFORCE_EDITOR (editor);

  gtk_widget_grab_focus (GTK_WIDGET (self->name_entry));
  gtk_editable_select_region (self->name_entry, 0, -1);
}

/* The longest the pane waits for its scrolling to settle: a second at 60 Hz. */
#define REVEAL_MAX_FRAMES 60

/* What must be in view: the field and the message under it. The
 * certificate field shows its messages inside itself. */
static gboolean
compute_reveal_bounds (BpSalesforceEditor *self,
                       GtkWidget          *viewport,
                       graphene_rect_t    *bounds)
{
  GtkWidget *control = self->controls[self->field_to_reveal];
  GtkLabel *label = self->problem_labels[self->field_to_reveal];
  GtkWidget *box = label != NULL ? gtk_widget_get_parent (GTK_WIDGET (label)) : NULL;
  graphene_rect_t problem_bounds;

  if (!gtk_widget_compute_bounds (control, viewport, bounds))
    return FALSE;
  if (box == NULL)
    return TRUE;

  /* A problem shown in this frame is laid out after this tick. */
  if (!gtk_widget_get_visible (box) || !gtk_widget_compute_bounds (box, viewport, &problem_bounds)
      || problem_bounds.size.height <= 0)
    return FALSE;

  graphene_rect_union (bounds, &problem_bounds, bounds);
  return TRUE;
}

/* Acts in a frame laid out at the scroll position it finds: the viewport
 * animates towards the focused field for a few frames, and bounds measured
 * during that are a frame old. Then one correction, and the administrator's
 * own scrolling is left alone. */
static gboolean
reveal_problem_tick_cb (GtkWidget     *widget,
                        GdkFrameClock *clock,
                        gpointer       user_data)
{
  BpSalesforceEditor *self = BP_SALESFORCE_EDITOR (widget);
  GtkWidget *scroller = gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW);
  GtkWidget *viewport = scroller != NULL ? gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scroller)) : NULL;
  GtkAdjustment *rows = scroller != NULL ? gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller)) : NULL;
  double value = rows != NULL ? gtk_adjustment_get_value (rows) : 0;
  gboolean is_settled = self->reveal_frames > 0 && value == self->reveal_last_value;
  graphene_rect_t bounds;

  self->reveal_last_value = value;
  if (viewport == NULL || rows == NULL)
    goto done;

  /* In the viewport's coordinates, 0 is the top of what the pane shows. */
  if (is_settled && compute_reveal_bounds (self, viewport, &bounds))
    {
      double shift = 0;

      if (bounds.origin.y + bounds.size.height > gtk_widget_get_height (viewport))
        shift = bounds.origin.y + bounds.size.height - gtk_widget_get_height (viewport);
      if (bounds.origin.y - shift < 0)
        shift = bounds.origin.y;
      if (shift != 0)
        gtk_adjustment_set_value (rows, value + shift);
      goto done;
    }

  if (++self->reveal_frames < REVEAL_MAX_FRAMES)
    return G_SOURCE_CONTINUE;

done:
  self->reveal_tick_id = 0;
  return G_SOURCE_REMOVE;
}

/* The focus scrolls the field into view; the pane must show the message
 * under it too, or the administrator sees a red field and no reason (at the
 * bottom of the form, the login URL's message was cut off). */
static void
reveal_problem_of (BpSalesforceEditor *self,
                   Field               field)
{
  self->field_to_reveal = field;
  self->reveal_frames = 0;
  if (self->reveal_tick_id == 0)
    self->reveal_tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), reveal_problem_tick_cb, NULL, NULL);
}

static void
bp_salesforce_editor_focus_first_error (BpAccountEditor *editor)
{
  BpSalesforceEditor *self = BP_SALESFORCE_EDITOR (editor);

  self->reveals_all_problems = TRUE;
  validate (self);

  if (self->problems == NULL)
    return;

  for (Field field = 0; field < N_FIELDS; field++)
    {
      const BpProblem *problem = bp_problems_find (self->problems, fields[field].property);

      if (problem != NULL && problem->severity == BP_SEVERITY_ERROR)
        {
          gtk_widget_grab_focus (self->controls[field]);
          reveal_problem_of (self, field);
          return;
        }
    }
}

static void
bp_salesforce_editor_account_editor_init (BpAccountEditorInterface *iface)
{
  iface->focus_name = bp_salesforce_editor_focus_name;
  iface->focus_first_error = bp_salesforce_editor_focus_first_error;
}

/* Public */

GtkWidget *
bp_salesforce_editor_new (GListModel *accounts)
{
  g_return_val_if_fail (accounts == NULL || G_IS_LIST_MODEL (accounts), NULL);

  return g_object_new (BP_TYPE_SALESFORCE_EDITOR, "accounts", accounts, NULL);
}

/* Until Request token works, the action stays disabled (never a fake). */
void
bp_salesforce_editor_set_request_token_enabled (BpSalesforceEditor *self,
                                                gboolean            enabled)
{
  g_return_if_fail (BP_IS_SALESFORCE_EDITOR (self));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.request-token", enabled);
}

void
bp_salesforce_editor_set_check_limits_enabled (BpSalesforceEditor *self,
                                               gboolean            enabled)
{
  g_return_if_fail (BP_IS_SALESFORCE_EDITOR (self));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.check-limits", enabled);
}

const char *
bp_salesforce_editor_get_callback_url (BpSalesforceEditor *self)
{
  g_return_val_if_fail (BP_IS_SALESFORCE_EDITOR (self), NULL);

  return self->callback_url;
}

/* GObject */

static void
bp_salesforce_editor_dispose (GObject *object)
{
  BpSalesforceEditor *self = BP_SALESFORCE_EDITOR (object);
  GtkWidget *child;

  if (self->draft != NULL)
    g_signal_handlers_disconnect_by_func (self->draft, draft_notify_cb, self);
  if (self->accounts != NULL)
    g_signal_handlers_disconnect_by_func (self->accounts, accounts_changed_cb, self);

  gtk_widget_dispose_template (GTK_WIDGET (self), BP_TYPE_SALESFORCE_EDITOR);

  /* The template's unnamed children are the widget's own. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  g_clear_object (&self->draft);
  g_clear_object (&self->accounts);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->problems, g_ptr_array_unref);

  G_OBJECT_CLASS (bp_salesforce_editor_parent_class)->dispose (object);
}

static void
bp_salesforce_editor_finalize (GObject *object)
{
  BpSalesforceEditor *self = BP_SALESFORCE_EDITOR (object);

  g_clear_pointer (&self->touched, g_hash_table_unref);
  g_clear_pointer (&self->callback_url, g_free);

  G_OBJECT_CLASS (bp_salesforce_editor_parent_class)->finalize (object);
}

static void
bp_salesforce_editor_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  BpSalesforceEditor *self = BP_SALESFORCE_EDITOR (object);

  switch (prop_id)
    {
    case PROP_DRAFT:
      g_value_set_object (value, self->draft);
      break;

    case PROP_ACCOUNTS:
      g_value_set_object (value, self->accounts);
      break;

    case PROP_HAS_ERRORS:
      g_value_set_boolean (value, self->has_errors);
      break;

    case PROP_SHOWS_ERRORS:
      g_value_set_boolean (value, self->shows_errors);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bp_salesforce_editor_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  BpSalesforceEditor *self = BP_SALESFORCE_EDITOR (object);

  switch (prop_id)
    {
    case PROP_DRAFT:
      {
        BpAccount *draft = g_value_get_object (value);

        g_return_if_fail (draft == NULL || BP_IS_SALESFORCE_ACCOUNT (draft));
        set_draft (self, (BpSalesforceAccount *) draft);
      }
      break;

    case PROP_ACCOUNTS:
      set_accounts (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bp_salesforce_editor_class_init (BpSalesforceEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bp_salesforce_editor_dispose;
  object_class->finalize = bp_salesforce_editor_finalize;
  object_class->get_property = bp_salesforce_editor_get_property;
  object_class->set_property = bp_salesforce_editor_set_property;

  g_object_class_override_property (object_class, PROP_DRAFT, "draft");
  g_object_class_override_property (object_class, PROP_ACCOUNTS, "accounts");
  g_object_class_override_property (object_class, PROP_HAS_ERRORS, "has-errors");
  g_object_class_override_property (object_class, PROP_SHOWS_ERRORS, "shows-errors");
  properties[PROP_DRAFT] = g_object_class_find_property (object_class, "draft");
  properties[PROP_ACCOUNTS] = g_object_class_find_property (object_class, "accounts");
  properties[PROP_HAS_ERRORS] = g_object_class_find_property (object_class, "has-errors");
  properties[PROP_SHOWS_ERRORS] = g_object_class_find_property (object_class, "shows-errors");

  /**
   * BpSalesforceEditor::request-token:
   *
   * Request token was pressed; emitted only while the action is enabled
   * (bp_salesforce_editor_set_request_token_enabled()).
   */
  signals[SIGNAL_REQUEST_TOKEN] =
    g_signal_new ("request-token",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  /**
   * BpSalesforceEditor::check-limits:
   *
   * Check limits was pressed; emitted only while the action is enabled
   * (bp_salesforce_editor_set_check_limits_enabled()).
   */
  signals[SIGNAL_CHECK_LIMITS] =
    g_signal_new ("check-limits",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  g_type_ensure (BP_TYPE_CERTIFICATE_FIELD);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/bp-salesforce-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, BpSalesforceEditor, basic_group);
  gtk_widget_class_bind_template_child (widget_class, BpSalesforceEditor, data_access_group);
  gtk_widget_class_bind_template_child (widget_class, BpSalesforceEditor, sso_group);
  gtk_widget_class_bind_template_child (widget_class, BpSalesforceEditor, type_label);
  gtk_widget_class_bind_template_child (widget_class, BpSalesforceEditor, name_entry);
  gtk_widget_class_bind_template_child (widget_class, BpSalesforceEditor, default_check);
  gtk_widget_class_bind_template_child (widget_class, BpSalesforceEditor, url_entry);
  gtk_widget_class_bind_template_child (widget_class, BpSalesforceEditor, sandbox_check);
  gtk_widget_class_bind_template_child (widget_class, BpSalesforceEditor, consumer_key_entry);
  gtk_widget_class_bind_template_child (widget_class, BpSalesforceEditor, callback_url_label);
  gtk_widget_class_bind_template_child (widget_class, BpSalesforceEditor, consumer_secret_entry);
  gtk_widget_class_bind_template_child (widget_class, BpSalesforceEditor, token_state_label);
  gtk_widget_class_bind_template_child (widget_class, BpSalesforceEditor, certificate_field);
  gtk_widget_class_bind_template_child (widget_class, BpSalesforceEditor, idp_login_url_entry);
  gtk_widget_class_bind_template_child_full (widget_class, "name_problem", FALSE,
    G_STRUCT_OFFSET (BpSalesforceEditor, problem_labels[FIELD_NAME]));
  gtk_widget_class_bind_template_child_full (widget_class, "is_default_problem", FALSE,
    G_STRUCT_OFFSET (BpSalesforceEditor, problem_labels[FIELD_IS_DEFAULT]));
  gtk_widget_class_bind_template_child_full (widget_class, "url_problem", FALSE,
    G_STRUCT_OFFSET (BpSalesforceEditor, problem_labels[FIELD_URL]));
  gtk_widget_class_bind_template_child_full (widget_class, "sandbox_problem", FALSE,
    G_STRUCT_OFFSET (BpSalesforceEditor, problem_labels[FIELD_SANDBOX]));
  gtk_widget_class_bind_template_child_full (widget_class, "consumer_key_problem", FALSE,
    G_STRUCT_OFFSET (BpSalesforceEditor, problem_labels[FIELD_CONSUMER_KEY]));
  gtk_widget_class_bind_template_child_full (widget_class, "consumer_secret_problem", FALSE,
    G_STRUCT_OFFSET (BpSalesforceEditor, problem_labels[FIELD_CONSUMER_SECRET]));
  gtk_widget_class_bind_template_child_full (widget_class, "idp_login_url_problem", FALSE,
    G_STRUCT_OFFSET (BpSalesforceEditor, problem_labels[FIELD_IDP_LOGIN_URL]));

  gtk_widget_class_bind_template_callback (widget_class, name_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, default_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, url_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, sandbox_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, consumer_key_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, consumer_secret_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, certificate_text_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, idp_login_url_changed_cb);

  gtk_widget_class_install_action (widget_class, "editor.copy-callback-url", NULL,
                                   copy_callback_url_activated_cb);
  gtk_widget_class_install_action (widget_class, "editor.request-token", NULL,
                                   request_token_activated_cb);
  gtk_widget_class_install_action (widget_class, "editor.check-limits", NULL,
                                   check_limits_activated_cb);
}

static void
bp_salesforce_editor_init (BpSalesforceEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->touched = g_hash_table_new (g_str_hash, g_str_equal);

  self->controls[FIELD_NAME] = GTK_WIDGET (self->name_entry);
  self->controls[FIELD_IS_DEFAULT] = GTK_WIDGET (self->default_check);
  self->controls[FIELD_URL] = GTK_WIDGET (self->url_entry);
  self->controls[FIELD_SANDBOX] = GTK_WIDGET (self->sandbox_check);
  self->controls[FIELD_CONSUMER_KEY] = GTK_WIDGET (self->consumer_key_entry);
  self->controls[FIELD_CONSUMER_SECRET] = GTK_WIDGET (self->consumer_secret_entry);
  self->controls[FIELD_IDP_CERTIFICATE] = GTK_WIDGET (self->certificate_field);
  self->controls[FIELD_IDP_LOGIN_URL] = GTK_WIDGET (self->idp_login_url_entry);

  /* Request token and Check limits are other issues' work: until they are
   * wired, their buttons are insensitive. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.request-token", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.check-limits", FALSE);

  self->settings = create_settings ();
  if (self->settings != NULL)
    g_signal_connect_object (self->settings, "changed::" REDIRECT_PORT_KEY,
                             G_CALLBACK (update_callback_url), self, G_CONNECT_SWAPPED);
  update_callback_url (self);

  sync_from_draft (self, NULL);
  gtk_widget_set_sensitive (self->basic_group, FALSE);
  gtk_widget_set_sensitive (self->data_access_group, FALSE);
  gtk_widget_set_sensitive (self->sso_group, FALSE);
}

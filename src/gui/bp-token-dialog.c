/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-token-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "bp-token-dialog.h"

struct _BpTokenDialog
{
  GtkWindow     parent_instance;

  BpOAuthFlow  *flow;
  GCancellable *cancellable;

  GtkStack     *state_stack;
  GtkSpinner   *spinner;
  GtkLabel     *redirect_uri_label;
  GtkLabel     *authorize_url_label;
  GtkLabel     *browser_error_label;
  GtkLabel     *error_label;
};

G_DEFINE_FINAL_TYPE (BpTokenDialog, bp_token_dialog, GTK_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_FLOW,
  N_PROPS
};

enum {
  TOKENS_RECEIVED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void run_flow (BpTokenDialog *self);

static void
show_waiting (BpTokenDialog *self)
{
  gtk_stack_set_visible_child_name (self->state_stack, "waiting");
  gtk_spinner_start (self->spinner);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "token.try-again", FALSE);
}

static void
show_error (BpTokenDialog *self,
            const char    *message)
{
  gtk_spinner_stop (self->spinner);
  gtk_label_set_text (self->error_label, message);
  gtk_stack_set_visible_child_name (self->state_stack, "error");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "token.try-again", TRUE);
}

static void
token_requested_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(BpTokenDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(BpSalesforceTokens) tokens = NULL;

  tokens = bp_oauth_flow_run_finish (BP_OAUTH_FLOW (object), result, &error);

  /* Destroyed meanwhile (its window closed): nothing here to write into. The
   * flow revokes a token that comes too late for anyone to store. */
  if (self->flow == NULL)
    return;

  if (tokens == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_debug ("The attempt failed: %s", error->message);
          show_error (self, error->message);
        }
      return;
    }

  gtk_spinner_stop (self->spinner);
  g_signal_emit (self, signals[TOKENS_RECEIVED], 0, tokens);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
update_authorize_url (BpTokenDialog *self)
{
  const char *url = bp_oauth_flow_get_authorize_url (self->flow);

  gtk_label_set_text (self->authorize_url_label, url != NULL ? url : "…");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->authorize_url_label), url);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "token.copy-authorize-url", url != NULL);
}

static void
on_authorize_url_changed_cb (BpTokenDialog *self,
                             GParamSpec    *pspec,
                             BpOAuthFlow   *flow)
{
  update_authorize_url (self);
}

static void
on_browser_error_changed_cb (BpTokenDialog *self,
                             GParamSpec    *pspec,
                             BpOAuthFlow   *flow)
{
  const GError *error = bp_oauth_flow_get_browser_error (flow);

  /* No browser: the attempt goes on; the link is what the administrator needs. */
  gtk_widget_set_visible (GTK_WIDGET (self->browser_error_label), error != NULL);
  if (error != NULL)
    gtk_label_set_text (self->browser_error_label,
                        _("No browser could be opened. Copy the link above and open it in a browser on this computer."));
}

static void
run_flow (BpTokenDialog *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  show_waiting (self);
  bp_oauth_flow_run_async (self->flow, self->cancellable, token_requested_cb, g_object_ref (self));
}

static void
copy_text (BpTokenDialog *self,
           const char    *text)
{
  if (text != NULL)
    gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
}

static void
copy_redirect_uri_activated_cb (GtkWidget  *widget,
                                const char *action_name,
                                GVariant   *parameter)
{
  BpTokenDialog *self = BP_TOKEN_DIALOG (widget);

  copy_text (self, bp_oauth_flow_get_redirect_uri (self->flow));
}

static void
copy_authorize_url_activated_cb (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *parameter)
{
  BpTokenDialog *self = BP_TOKEN_DIALOG (widget);

  copy_text (self, bp_oauth_flow_get_authorize_url (self->flow));
}

static void
try_again_activated_cb (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  run_flow (BP_TOKEN_DIALOG (widget));
}

static void
cancel_activated_cb (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  gtk_window_close (GTK_WINDOW (widget));
}

static gboolean
bp_token_dialog_close_request (GtkWindow *window)
{
  BpTokenDialog *self = BP_TOKEN_DIALOG (window);

  /* Ends the attempt and frees the port at once. */
  g_cancellable_cancel (self->cancellable);

  return GTK_WINDOW_CLASS (bp_token_dialog_parent_class)->close_request (window);
}

/* The window is going away, so does the attempt: the token would be for a
 * draft that no longer exists (the flow revokes one that arrives late).
 * Not "destroy-with-parent": that only destroys this dialog, which the
 * running attempt keeps alive, still pointing at the finalized parent. */
static void
on_parent_destroyed_cb (BpTokenDialog *self)
{
  g_cancellable_cancel (self->cancellable);
  gtk_window_set_transient_for (GTK_WINDOW (self), NULL);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
bp_token_dialog_constructed (GObject *object)
{
  BpTokenDialog *self = BP_TOKEN_DIALOG (object);
  GtkWindow *parent;

  G_OBJECT_CLASS (bp_token_dialog_parent_class)->constructed (object);

  parent = gtk_window_get_transient_for (GTK_WINDOW (self));
  if (parent != NULL)
    g_signal_connect_object (parent, "destroy", G_CALLBACK (on_parent_destroyed_cb), self, G_CONNECT_SWAPPED);

  gtk_label_set_text (self->redirect_uri_label, bp_oauth_flow_get_redirect_uri (self->flow));
  g_signal_connect_object (self->flow, "notify::authorize-url",
                           G_CALLBACK (on_authorize_url_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->flow, "notify::browser-error",
                           G_CALLBACK (on_browser_error_changed_cb), self, G_CONNECT_SWAPPED);
  update_authorize_url (self);

  run_flow (self);
}

static void
bp_token_dialog_dispose (GObject *object)
{
  BpTokenDialog *self = BP_TOKEN_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), BP_TYPE_TOKEN_DIALOG);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->flow);

  G_OBJECT_CLASS (bp_token_dialog_parent_class)->dispose (object);
}

static void
bp_token_dialog_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  BpTokenDialog *self = BP_TOKEN_DIALOG (object);

  switch (prop_id)
    {
    case PROP_FLOW:
      self->flow = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bp_token_dialog_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  BpTokenDialog *self = BP_TOKEN_DIALOG (object);

  switch (prop_id)
    {
    case PROP_FLOW:
      g_value_set_object (value, self->flow);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bp_token_dialog_class_init (BpTokenDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = bp_token_dialog_constructed;
  object_class->dispose = bp_token_dialog_dispose;
  object_class->get_property = bp_token_dialog_get_property;
  object_class->set_property = bp_token_dialog_set_property;
  window_class->close_request = bp_token_dialog_close_request;

  properties[PROP_FLOW] =
    g_param_spec_object ("flow", NULL, NULL,
                         BP_TYPE_OAUTH_FLOW,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * BpTokenDialog::tokens-received:
   * @tokens: the new tokens; the refresh token must go to the keyring at once
   */
  signals[TOKENS_RECEIVED] =
    g_signal_new ("tokens-received",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, BP_TYPE_SALESFORCE_TOKENS);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/bp-token-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, BpTokenDialog, state_stack);
  gtk_widget_class_bind_template_child (widget_class, BpTokenDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, BpTokenDialog, redirect_uri_label);
  gtk_widget_class_bind_template_child (widget_class, BpTokenDialog, authorize_url_label);
  gtk_widget_class_bind_template_child (widget_class, BpTokenDialog, browser_error_label);
  gtk_widget_class_bind_template_child (widget_class, BpTokenDialog, error_label);

  gtk_widget_class_install_action (widget_class, "token.copy-redirect-uri", NULL, copy_redirect_uri_activated_cb);
  gtk_widget_class_install_action (widget_class, "token.copy-authorize-url", NULL, copy_authorize_url_activated_cb);
  gtk_widget_class_install_action (widget_class, "token.try-again", NULL, try_again_activated_cb);
  gtk_widget_class_install_action (widget_class, "token.cancel", NULL, cancel_activated_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "token.cancel", NULL);
}

static void
bp_token_dialog_init (BpTokenDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

BpTokenDialog *
bp_token_dialog_new (GtkWindow   *parent,
                     BpOAuthFlow *flow)
{
  g_return_val_if_fail (!parent || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (BP_IS_OAUTH_FLOW (flow), NULL);

  return g_object_new (BP_TYPE_TOKEN_DIALOG,
                       "transient-for", parent,
                       "modal", TRUE,
                       "flow", flow,
                       NULL);
}

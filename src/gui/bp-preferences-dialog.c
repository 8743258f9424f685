/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-preferences-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "bp-oauth-flow.h"
#include "bp-preferences-dialog.h"
#include "bp-salesforce-endpoints.h"

struct _BpPreferencesDialog
{
  GtkWindow      parent_instance;

  GSettings     *settings;

  GtkSpinButton *port_spin;
  GtkSpinButton *timeout_spin;
  GtkLabel      *callback_label;
  GtkLabel      *override_label;
};

G_DEFINE_FINAL_TYPE (BpPreferencesDialog, bp_preferences_dialog, GTK_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_SETTINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update_callback_url (BpPreferencesDialog *self)
{
  guint configured = (guint) gtk_spin_button_get_value_as_int (self->port_spin);
  guint port = bp_oauth_flow_resolve_port (configured);
  g_autofree char *uri = bp_salesforce_get_redirect_uri (port);
  g_autofree char *text = NULL;

  /* The URL the Connected App must have changes with the port. */
  text = g_strdup_printf (_("Callback URL: %s"), uri);
  gtk_label_set_text (self->callback_label, text);

  /* The environment wins over the setting (for tests and trials): say so. */
  gtk_widget_set_visible (GTK_WIDGET (self->override_label), port != configured);
  if (port != configured)
    {
      g_autofree char *note = g_strdup_printf (_("%s is set, so port %u is used instead."),
                                               BP_OAUTH_REDIRECT_PORT_ENV, port);

      gtk_label_set_text (self->override_label, note);
    }
}

static void
on_port_changed_cb (BpPreferencesDialog *self,
                    GtkSpinButton       *spin)
{
  update_callback_url (self);
}

static void
close_activated_cb (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  gtk_window_close (GTK_WINDOW (widget));
}

static void
bp_preferences_dialog_constructed (GObject *object)
{
  BpPreferencesDialog *self = BP_PREFERENCES_DIALOG (object);

  G_OBJECT_CLASS (bp_preferences_dialog_parent_class)->constructed (object);

  g_settings_bind (self->settings, "redirect-port", self->port_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "auth-timeout-seconds", self->timeout_spin, "value", G_SETTINGS_BIND_DEFAULT);
  update_callback_url (self);
}

static void
bp_preferences_dialog_dispose (GObject *object)
{
  BpPreferencesDialog *self = BP_PREFERENCES_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), BP_TYPE_PREFERENCES_DIALOG);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (bp_preferences_dialog_parent_class)->dispose (object);
}

static void
bp_preferences_dialog_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  BpPreferencesDialog *self = BP_PREFERENCES_DIALOG (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bp_preferences_dialog_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  BpPreferencesDialog *self = BP_PREFERENCES_DIALOG (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bp_preferences_dialog_class_init (BpPreferencesDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = bp_preferences_dialog_constructed;
  object_class->dispose = bp_preferences_dialog_dispose;
  object_class->get_property = bp_preferences_dialog_get_property;
  object_class->set_property = bp_preferences_dialog_set_property;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL,
                         G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/bp-preferences-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, BpPreferencesDialog, port_spin);
  gtk_widget_class_bind_template_child (widget_class, BpPreferencesDialog, timeout_spin);
  gtk_widget_class_bind_template_child (widget_class, BpPreferencesDialog, callback_label);
  gtk_widget_class_bind_template_child (widget_class, BpPreferencesDialog, override_label);
  gtk_widget_class_bind_template_callback (widget_class, on_port_changed_cb);

  gtk_widget_class_install_action (widget_class, "preferences.close", NULL, close_activated_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "preferences.close", NULL);
}

static void
bp_preferences_dialog_init (BpPreferencesDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

BpPreferencesDialog *
bp_preferences_dialog_new (GtkWindow *parent,
                           GSettings *settings)
{
  g_return_val_if_fail (!parent || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  return g_object_new (BP_TYPE_PREFERENCES_DIALOG,
                       "transient-for", parent,
                       "modal", TRUE,
                       "settings", settings,
                       NULL);
}

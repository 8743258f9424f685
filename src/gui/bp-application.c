/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-application"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "bp-application.h"
#include "bp-window.h"

/* PROFILE is "default" or "development" (meson -Dprofile=…). */
#define BP_IS_DEVELOPMENT_PROFILE (strcmp (PROFILE, "development") == 0)

struct _BpApplication
{
  GtkApplication  parent_instance;

  BpSecretStore  *secrets;
  BpAccountStore *store;

  /* Why the store could not be read, until a window has shown it. */
  GError         *load_error;
  gboolean        is_loaded;
};

G_DEFINE_FINAL_TYPE (BpApplication, bp_application, GTK_TYPE_APPLICATION)

BpApplication *
bp_application_new (void)
{
  return g_object_new (BP_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", RESOURCE_BASE,
                       NULL);
}

BpAccountStore *
bp_application_get_store (BpApplication *self)
{
  g_return_val_if_fail (BP_IS_APPLICATION (self), NULL);

  return self->store;
}

static void
show_load_error (BpApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (self->load_error == NULL || !BP_IS_WINDOW (window))
    return;

  bp_window_show_error (BP_WINDOW (window), self->load_error->message);
}

static void
store_loaded_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(BpApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  self->is_loaded = TRUE;

  /* A corrupt file was moved aside and the list is empty; a newer format
   * leaves the store read-only. Either way the administrator must read why. */
  if (!bp_account_store_load_finish (BP_ACCOUNT_STORE (object), result, &error))
    {
      g_warning ("%s", error->message);
      g_clear_error (&self->load_error);
      self->load_error = g_steal_pointer (&error);
      show_load_error (self);
    }

  g_application_release (G_APPLICATION (self));
}

static void
quit_activated_cb (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static void
about_activated_cb (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  GtkApplication *application = GTK_APPLICATION (user_data);
  static const char *developers[] = { "The Integration Accounts developers", NULL };

  /* The version is meson's project version, which the metainfo's newest
   * <release> must match (tests/check-metainfo.py). GTK 4.8's GtkAboutDialog
   * has no place for release notes (libadwaita's AdwAboutWindow reads them
   * from the metainfo, but we do not depend on libadwaita): they are only in
   * the metainfo, where software centers show them. */
  gtk_show_about_dialog (gtk_application_get_active_window (application),
                         "program-name", _("Integration Accounts"),
                         "logo-icon-name", APPLICATION_ID,
                         "version", BP_IS_DEVELOPMENT_PROFILE ? PACKAGE_VERSION " (development)"
                                                              : PACKAGE_VERSION,
                         "comments", _("Manage the Salesforce.com integration accounts of a Bright Pattern Contact Center"),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "website", "https://www.brightpattern.com/",
                         "website-label", _("Website"),
                         "authors", developers,
                         "translator-credits", _("translator-credits"),
                         "copyright", "© 2026 The Integration Accounts developers",
                         NULL);
}

static const GActionEntry app_actions[] = {
  { .name = "about", .activate = about_activated_cb },
  { .name = "quit", .activate = quit_activated_cb },
};

static void
bp_application_startup (GApplication *application)
{
  BpApplication *self = BP_APPLICATION (application);
  static const char *quit_accels[] = { "<Control>q", NULL };

  G_APPLICATION_CLASS (bp_application_parent_class)->startup (application);

  /* GtkApplication (unlike libadwaita's) does not load style.css itself. */
  {
    g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

    gtk_css_provider_load_from_resource (css, RESOURCE_BASE "/style.css");
    gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                                GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  }

  /* The icon is named by the app ID: the development build has its own. */
  gtk_window_set_default_icon_name (APPLICATION_ID);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);

  /* Started by D-Bus activation (DBusActivatable=true in the desktop file),
   * the service must outlive the hold below until Activate arrives; GLib
   * only waits for it when nothing holds the application at start-up. */
  if (g_application_get_flags (application) & G_APPLICATION_IS_SERVICE)
    g_application_set_inactivity_timeout (application, 10 * 1000);

  /* The file is read off the main thread; the list fills in when it is. */
  g_application_hold (application);
  bp_account_store_load_async (self->store, NULL, store_loaded_cb, g_object_ref (self));
}

static void
bp_application_activate (GApplication *application)
{
  BpApplication *self = BP_APPLICATION (application);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    window = GTK_WINDOW (bp_window_new (GTK_APPLICATION (self), self->store));

  gtk_window_present (window);

  if (self->is_loaded)
    show_load_error (self);
}

static void
bp_application_window_added (GtkApplication *application,
                             GtkWindow      *window)
{
  GTK_APPLICATION_CLASS (bp_application_parent_class)->window_added (application, window);

  /* A development build's windows wear GTK's striped header bar, so nobody
   * mistakes it for the release beside it. */
  if (BP_IS_DEVELOPMENT_PROFILE)
    gtk_widget_add_css_class (GTK_WIDGET (window), "devel");
}

static void
bp_application_dispose (GObject *object)
{
  BpApplication *self = BP_APPLICATION (object);

  g_clear_object (&self->store);
  g_clear_object (&self->secrets);
  g_clear_error (&self->load_error);

  G_OBJECT_CLASS (bp_application_parent_class)->dispose (object);
}

static void
bp_application_class_init (BpApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);
  GtkApplicationClass *gtk_app_class = GTK_APPLICATION_CLASS (klass);

  object_class->dispose = bp_application_dispose;
  app_class->startup = bp_application_startup;
  app_class->activate = bp_application_activate;
  gtk_app_class->window_added = bp_application_window_added;
}

static void
bp_application_init (BpApplication *self)
{
  g_autoptr(GFile) file = bp_account_store_get_default_file ();

  self->secrets = bp_secret_store_new ();
  self->store = bp_account_store_new (file, self->secrets);
}

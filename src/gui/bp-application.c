/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-application"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>

#include "bp-application.h"
#include "bp-command-line.h"
#include "bp-command.h"
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
  gboolean        is_loading;
  gboolean        is_loaded;

  /* Command lines another process forwarded (--import) before the store
   * was loaded; they run once it is. */
  GQueue          waiting_commands;

  /* build-aux/bench's start-up probe; 0 when it is off. */
  gint64          bench_exec_time;
  gint64          bench_first_frame;
  gint64          bench_content_frame;
};

G_DEFINE_FINAL_TYPE (BpApplication, bp_application, GTK_TYPE_APPLICATION)

BpApplication *
bp_application_new (void)
{
  return g_object_new (BP_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_HANDLES_COMMAND_LINE,
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

/* Start-up probe for build-aux/bench (docs/performance.md). Inert unless
 * BP_BENCH_EXEC_TIME holds the CLOCK_MONOTONIC time in µs at which the
 * benchmark's launcher exec'd us: then print the time since exec of the
 * window's first frame, of the first frame drawn after the store has loaded,
 * and of the first frame with every account in the list (which is handed to
 * the view a screenful a frame, bp-list-pacer.c), and the renderer; and quit. */
static void
bench_after_paint_cb (GdkFrameClock *clock,
                      BpApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  gint64 elapsed = g_get_monotonic_time () - self->bench_exec_time;

  if (self->bench_first_frame == 0)
    self->bench_first_frame = elapsed;
  if (!self->is_loaded || window == NULL)
    return;
  if (self->bench_content_frame == 0)
    self->bench_content_frame = elapsed;
  if (BP_IS_WINDOW (window) && !bp_window_is_list_complete (BP_WINDOW (window)))
    return;

  g_signal_handlers_disconnect_by_func (clock, bench_after_paint_cb, self);
  g_print ("bp-bench: first-frame-us=%" G_GINT64_FORMAT " content-frame-us=%" G_GINT64_FORMAT
           " complete-frame-us=%" G_GINT64_FORMAT " renderer=%s\n",
           self->bench_first_frame, self->bench_content_frame, elapsed,
           G_OBJECT_TYPE_NAME (gtk_native_get_renderer (GTK_NATIVE (window))));
  g_application_quit (G_APPLICATION (self));
}

/* ------------------------------------------------------------------ */
/* Command line (src/cli): --list, --check-limits, --export and --version
 * run in handle-local-options, before start-up, without GTK or a display;
 * --import comes here when this instance runs, so that its store and its
 * window take the accounts. */

static int
bp_application_handle_local_options (GApplication *application,
                                     GVariantDict *options)
{
  return bp_command_line_handle_local_options (application, options, BP_APPLICATION (application)->store);
}

typedef struct
{
  BpApplication           *self;
  GApplicationCommandLine *command_line;
} CommandRun;

static void
command_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  CommandRun *run = user_data;
  BpCommand *command = BP_COMMAND (object);
  BpExitStatus status = bp_command_run_finish (command, result);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (run->self));

  /* The list shows the imported accounts already; the banner says what happened. */
  if (bp_command_get_summary (command) != NULL && BP_IS_WINDOW (window))
    bp_window_show_message (BP_WINDOW (window), bp_command_get_summary (command));

  /* The other process exits with this status once the command line is released. */
  g_application_command_line_set_exit_status (run->command_line, status);
  g_application_release (G_APPLICATION (run->self));

  g_object_unref (run->command_line);
  g_object_unref (run->self);
  g_free (run);
}

static void
run_command_line (BpApplication           *self,
                  GApplicationCommandLine *command_line)
{
  GVariantDict *options = g_application_command_line_get_options_dict (command_line);
  g_autoptr(BpCommand) command = NULL;
  g_autoptr(GError) error = NULL;
  CommandRun *run;

  command = bp_command_new_from_options (options, &error);
  if (command == NULL)
    {
      g_application_command_line_printerr (command_line, "%s\n", error->message);
      g_application_command_line_set_exit_status (command_line, BP_EXIT_USAGE);
      return;
    }

  run = g_new0 (CommandRun, 1);
  run->self = g_object_ref (self);
  run->command_line = g_object_ref (command_line);

  g_application_hold (G_APPLICATION (self));
  bp_command_run_async (command, command_line, self->store, NULL, command_done_cb, run);
}

static int
bp_application_command_line (GApplication            *application,
                             GApplicationCommandLine *command_line)
{
  BpApplication *self = BP_APPLICATION (application);
  GVariantDict *options = g_application_command_line_get_options_dict (command_line);
  g_autoptr(BpCommand) command = NULL;
  g_autoptr(GError) error = NULL;

  command = bp_command_new_from_options (options, &error);
  if (command == NULL)
    {
      g_application_command_line_printerr (command_line, "%s\n", error->message);
      return BP_EXIT_USAGE;
    }

  if (bp_command_get_kind (command) == BP_COMMAND_KIND_NONE)
    {
      g_application_activate (application);
      return BP_EXIT_OK;
    }

  /* The exit status is set when the command is done. */
  if (!self->is_loaded)
    {
      g_application_hold (application);
      g_queue_push_tail (&self->waiting_commands, g_object_ref (command_line));
      return BP_EXIT_OK;
    }

  run_command_line (self, command_line);
  return BP_EXIT_OK;
}

static void
run_waiting_commands (BpApplication *self)
{
  GApplicationCommandLine *command_line;

  while ((command_line = g_queue_pop_head (&self->waiting_commands)) != NULL)
    {
      run_command_line (self, command_line);
      g_object_unref (command_line);
      g_application_release (G_APPLICATION (self));
    }
}

static void
store_loaded_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(BpApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  self->is_loaded = TRUE;

  /* The probe waits for a frame drawn after the load, even an unchanged one. */
  if (self->bench_exec_time > 0 && gtk_application_get_active_window (GTK_APPLICATION (self)) != NULL)
    gtk_widget_queue_draw (GTK_WIDGET (gtk_application_get_active_window (GTK_APPLICATION (self))));

  /* A corrupt file was moved aside and the list is empty; a newer format
   * leaves the store read-only. Either way the administrator must read why. */
  if (!bp_account_store_load_finish (BP_ACCOUNT_STORE (object), result, &error))
    {
      g_warning ("%s", error->message);
      g_clear_error (&self->load_error);
      self->load_error = g_steal_pointer (&error);
      show_load_error (self);
    }

  run_waiting_commands (self);
  g_application_release (G_APPLICATION (self));
}

/* Quit (Ctrl+Q) closes the windows as their close buttons do, so that a
 * window with unsaved changes asks about them first (bp-window.c). The
 * application then ends as it does after its last window: once nothing holds
 * it any more, so that what must finish does (taking back the token of a
 * discarded draft, a command another process forwarded), and at once rather
 * than after a D-Bus service's inactivity timeout. g_application_quit() would
 * end it regardless, the changes and the revocations with it. */
static void
quit_activated_cb (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  GApplication *application = G_APPLICATION (user_data);
  g_autoptr(GPtrArray) windows = g_ptr_array_new_with_free_func (g_object_unref);

  /* Closing one may close others (a dialog with its window). */
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (application)); l != NULL; l = l->next)
    g_ptr_array_add (windows, g_object_ref (l->data));

  g_application_set_inactivity_timeout (application, 0);
  /* Released after the loop: the last window closed, if none asked. */
  g_application_hold (application);
  for (guint i = 0; i < windows->len; i++)
    gtk_window_close (g_ptr_array_index (windows, i));
  g_application_release (application);
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

/* From this size on, reading the store takes longer than GTK's start-up,
 * which keeps one core busy and leaves the other idle: the read starts as
 * soon as GTK has opened the display, before it loads its theme
 * (10,000 accounts, 16 MB: the list is drawn 11 ms sooner). A smaller store
 * is read in a few milliseconds once GTK has started; started first, its
 * thread only slows GTK's start-up down (an empty store: +4 ms, 1,000
 * accounts: nothing gained). See docs/performance.md. */
#define EARLY_LOAD_MIN_BYTES (4 * 1024 * 1024)

static gboolean
is_store_file_large (BpAccountStore *store)
{
  const char *path = g_file_peek_path (bp_account_store_get_file (store));
  GStatBuf info;

  /* Only a hint: the reader judges what stands at the path. */
  return path != NULL && g_stat (path, &info) == 0 && info.st_size >= EARLY_LOAD_MIN_BYTES;
}

/* The file is read off the main thread; the list fills in when it is. */
static void
start_loading (BpApplication *self)
{
  if (self->is_loading)
    return;

  self->is_loading = TRUE;
  g_application_hold (G_APPLICATION (self));
  bp_account_store_load_async (self->store, NULL, store_loaded_cb, g_object_ref (self));
}

static void
bp_application_startup (GApplication *application)
{
  BpApplication *self = BP_APPLICATION (application);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *help_overlay_accels[] = { "<Control>question", NULL };

  /* GTK is initialised first (GtkApplication's start-up then finds it
   * done): it opens the display, or exits saying it cannot, before the store
   * is touched, and it sets the locale before a reading thread makes sort
   * keys with it. */
  if (is_store_file_large (self->store))
    {
      gtk_init ();
      start_loading (self);
    }

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
  /* What GtkApplication sets when it finds gtk/help-overlay.ui, which is not
   * there so that windows build it on demand (bp-window.c). */
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.show-help-overlay", help_overlay_accels);

  /* Started by D-Bus activation (DBusActivatable=true in the desktop file),
   * the service must outlive the hold below until Activate arrives; GLib
   * only waits for it when nothing holds the application at start-up. */
  if (g_application_get_flags (application) & G_APPLICATION_IS_SERVICE)
    g_application_set_inactivity_timeout (application, 10 * 1000);

  start_loading (self);
}

static void
bp_application_activate (GApplication *application)
{
  BpApplication *self = BP_APPLICATION (application);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  gboolean is_new = window == NULL;

  if (is_new)
    window = GTK_WINDOW (bp_window_new (GTK_APPLICATION (self), self->store));

  gtk_window_present (window);

  /* Presenting realized it: its frame clock exists now. */
  if (is_new && self->bench_exec_time > 0)
    g_signal_connect_object (gtk_widget_get_frame_clock (GTK_WIDGET (window)), "after-paint",
                             G_CALLBACK (bench_after_paint_cb), self, 0);

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
  g_queue_clear_full (&self->waiting_commands, g_object_unref);

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
  app_class->handle_local_options = bp_application_handle_local_options;
  app_class->command_line = bp_application_command_line;
  gtk_app_class->window_added = bp_application_window_added;
}

static void
bp_application_init (BpApplication *self)
{
  g_autoptr(GFile) file = bp_account_store_get_default_file ();
  const char *bench_exec_time = g_getenv ("BP_BENCH_EXEC_TIME");

  if (bench_exec_time != NULL)
    self->bench_exec_time = g_ascii_strtoll (bench_exec_time, NULL, 10);

  self->secrets = bp_secret_store_new ();
  self->store = bp_account_store_new (file, self->secrets);
  g_queue_init (&self->waiting_commands);

  bp_command_line_add_options (G_APPLICATION (self));
}

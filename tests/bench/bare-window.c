/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bare-window"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <gtk/gtk.h>

/* The floor of build-aux/bench: a GtkApplication that opens an empty
 * GtkApplicationWindow, nothing else. It answers the launcher's start-up
 * probe exactly as Integration Accounts does (BP_BENCH_EXEC_TIME, see
 * bp-application.c): at its first after-paint it prints the time since the
 * launcher's exec and the renderer, and quits. */

static gint64 exec_time;

static void
after_paint_cb (GdkFrameClock *clock,
                GtkWidget     *window)
{
  gint64 elapsed = g_get_monotonic_time () - exec_time;
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (window));

  g_signal_handlers_disconnect_by_func (clock, after_paint_cb, window);
  printf ("bp-bench: first-frame-us=%" G_GINT64_FORMAT " content-frame-us=%" G_GINT64_FORMAT
          " complete-frame-us=%" G_GINT64_FORMAT " renderer=%s\n",
          elapsed, elapsed, elapsed, G_OBJECT_TYPE_NAME (renderer));
  fflush (stdout);
  g_application_quit (G_APPLICATION (gtk_window_get_application (GTK_WINDOW (window))));
}

static void
activate_cb (GtkApplication *application)
{
  GtkWidget *window = gtk_application_window_new (application);

  gtk_window_set_title (GTK_WINDOW (window), "Bare window");
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 700);
  gtk_window_present (GTK_WINDOW (window));

  if (exec_time > 0)
    g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint", G_CALLBACK (after_paint_cb), window);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GtkApplication) application = NULL;
  const char *exec_time_text = g_getenv ("BP_BENCH_EXEC_TIME");

  if (exec_time_text != NULL)
    exec_time = g_ascii_strtoll (exec_time_text, NULL, 10);

  application = gtk_application_new ("com.brightpattern.IntegrationAccounts.BenchBareWindow",
                                     G_APPLICATION_DEFAULT_FLAGS);
  g_signal_connect (application, "activate", G_CALLBACK (activate_cb), NULL);

  return g_application_run (G_APPLICATION (application), argc, argv);
}

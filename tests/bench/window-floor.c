/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "window-floor"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gtk/gtk.h>

/* The second floor of build-aux/bench: what our main window costs GTK
 * itself. It builds the window from the very bytes the application reads
 * (bp-window.ui and style.css from its GResource), with the template turned
 * into a plain GtkApplicationWindow and its signal handlers left out, and
 * nothing behind it: no store, no keyring, no models but a list of strings,
 * no application class. Given ROWS it shows that many rows of account-like
 * texts in the cells the window's factories make (three GtkInscriptions and
 * a check mark); build-aux/bench gives it as many as the list shows.
 *
 * The application against this floor is what our own code adds to a start;
 * this floor against the bare window is what the window's widgets, texts and
 * rows cost GTK (docs/performance.md). It answers the same probe as the
 * bare window.
 *
 *   window-floor [ROWS] */

#define WINDOW_UI RESOURCE_BASE "/bp-window.ui"
#define STYLE_CSS RESOURCE_BASE "/style.css"

static gint64 exec_time;
static guint n_rows;

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

static char *
replace_all (const char *text,
             const char *old,
             const char *new)
{
  g_auto(GStrv) parts = g_strsplit (text, old, -1);

  return g_strjoinv (new, parts);
}

/* The template as a plain window: GtkBuilder cannot instantiate BpWindow,
 * and without its class there is nobody to connect the handlers to. */
static char *
read_window_as_plain_object (void)
{
  static const char template_start[] = "<template class=\"BpWindow\" parent=\"GtkApplicationWindow\">";
  g_autoptr(GBytes) bytes = g_resources_lookup_data (WINDOW_UI, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  g_autoptr(GRegex) signal = g_regex_new ("<signal [^>]*/>", 0, 0, NULL);
  g_autofree char *text = NULL;
  g_autofree char *opened = NULL;
  g_autofree char *closed = NULL;

  if (bytes == NULL)
    g_error ("%s is not in the resources", WINDOW_UI);

  text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  if (strstr (text, template_start) == NULL)
    g_error ("%s no longer starts its template as this program expects", WINDOW_UI);

  opened = replace_all (text, template_start, "<object class=\"GtkApplicationWindow\" id=\"window\">");
  closed = replace_all (opened, "</template>", "</object>");

  return g_regex_replace_literal (signal, closed, -1, 0, "", 0, NULL);
}

/* The name's cell may be cut; the others' are as wide as their longest
 * text (in the window they are measured once in its font). */
#define NAME_CHARS 24

static void
setup_text_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  chars)
{
  GtkWidget *text = gtk_inscription_new (NULL);

  gtk_inscription_set_text_overflow (GTK_INSCRIPTION (text), GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
  if (GPOINTER_TO_UINT (chars) != NAME_CHARS)
    gtk_inscription_set_min_chars (GTK_INSCRIPTION (text), GPOINTER_TO_UINT (chars));
  gtk_inscription_set_nat_chars (GTK_INSCRIPTION (text), GPOINTER_TO_UINT (chars));
  gtk_list_item_set_child (item, text);
}

static void
setup_check_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  user_data)
{
  GtkWidget *image = gtk_image_new_from_icon_name ("object-select-symbolic");

  gtk_widget_set_halign (image, GTK_ALIGN_CENTER);
  gtk_list_item_set_child (item, image);
}

/* Each row's string is "name|type|default|token". */
static void
bind_cb (GtkSignalListItemFactory *factory,
         GtkListItem              *item,
         gpointer                  field)
{
  const char *row = gtk_string_object_get_string (gtk_list_item_get_item (item));
  g_auto(GStrv) fields = g_strsplit (row, "|", 4);
  GtkWidget *child = gtk_list_item_get_child (item);

  if (GTK_IS_INSCRIPTION (child))
    gtk_inscription_set_text (GTK_INSCRIPTION (child), fields[GPOINTER_TO_UINT (field)]);
  else
    gtk_widget_set_opacity (child, g_strcmp0 (fields[GPOINTER_TO_UINT (field)], "yes") == 0 ? 1.0 : 0.0);
}

static void
set_factory (GtkBuilder *builder,
             const char *column_id,
             GCallback   setup,
             gpointer    setup_data,
             guint       field)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  g_signal_connect (factory, "setup", setup, setup_data);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), GUINT_TO_POINTER (field));
  gtk_column_view_column_set_factory (GTK_COLUMN_VIEW_COLUMN (gtk_builder_get_object (builder, column_id)),
                                      factory);
}

/* Texts like the generated stores' (tests/bench/bp-bench-generate.c). */
static GListModel *
new_rows (void)
{
  static const char *companies[] = { "Acme Airlines", "Globex Health", "Initech Retail", "Umbrella Logistics" };
  static const char *teams[] = { "Billing", "Collections", "Support", "Sales" };
  static const char *regions[] = { "EMEA", "LATAM", "APAC", "Nordics" };
  static const char *tokens[] = { "Authorized", "Authorized", "Not set", "Needs new token" };
  GtkStringList *rows = gtk_string_list_new (NULL);

  for (guint i = 0; i < n_rows; i++)
    {
      g_autofree char *row = g_strdup_printf ("%s %s (%s) #%05u|Salesforce.com|%s|%s",
                                              companies[i % 4], teams[i / 4 % 4], regions[i / 16 % 4], i + 1,
                                              i == 0 ? "yes" : "no", tokens[i % 4]);

      gtk_string_list_append (rows, row);
    }

  return G_LIST_MODEL (rows);
}

static void
activate_cb (GtkApplication *application)
{
  g_autoptr(GtkBuilder) builder = gtk_builder_new ();
  g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *window_ui = read_window_as_plain_object ();
  GtkWidget *window;

  gtk_css_provider_load_from_resource (css, STYLE_CSS);
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);

  if (!gtk_builder_add_from_string (builder, window_ui, -1, &error))
    g_error ("%s: %s", WINDOW_UI, error->message);

  window = GTK_WIDGET (gtk_builder_get_object (builder, "window"));
  gtk_window_set_application (GTK_WINDOW (window), application);

  if (n_rows > 0)
    {
      GtkSingleSelection *selection = gtk_single_selection_new (new_rows ());

      gtk_single_selection_set_autoselect (selection, FALSE);
      gtk_single_selection_set_can_unselect (selection, TRUE);
      gtk_single_selection_set_selected (selection, GTK_INVALID_LIST_POSITION);
      set_factory (builder, "name_column", G_CALLBACK (setup_text_cb), GUINT_TO_POINTER (NAME_CHARS), 0);
      set_factory (builder, "type_column", G_CALLBACK (setup_text_cb), GUINT_TO_POINTER (15), 1);
      set_factory (builder, "default_column", G_CALLBACK (setup_check_cb), NULL, 2);
      set_factory (builder, "token_column", G_CALLBACK (setup_text_cb), GUINT_TO_POINTER (16), 3);
      gtk_column_view_set_model (GTK_COLUMN_VIEW (gtk_builder_get_object (builder, "account_list")),
                                 GTK_SELECTION_MODEL (selection));
      g_object_unref (selection);
      gtk_stack_set_visible_child_name (GTK_STACK (gtk_builder_get_object (builder, "list_stack")), "accounts");
    }

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
  if (argc > 1)
    n_rows = (guint) g_ascii_strtoull (argv[1], NULL, 10);

  /* Registered on the session bus like the application and the bare window. */
  application = gtk_application_new ("com.brightpattern.IntegrationAccounts.BenchWindowFloor",
                                     G_APPLICATION_DEFAULT_FLAGS);
  g_signal_connect (application, "activate", G_CALLBACK (activate_cb), NULL);

  /* The rows are this program's argument, not GApplication's. */
  return g_application_run (G_APPLICATION (application), 1, argv);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "window-floor"

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gtk/gtk.h>

/* The window floor of build-aux/bench, beside the bare window: what our
 * main window costs GTK itself. It builds the window from the very bytes the
 * application reads (bp-window.ui and style.css from its GResource), with
 * the template turned into a plain GtkApplicationWindow and its signal
 * handlers left out, and no application behind it: no store, no keyring, no
 * models but a list of strings, no application class. Given ROWS it shows that many rows of account-like
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

static GObject *
get_object (GtkBuilder *builder,
            const char *id)
{
  GObject *object = gtk_builder_get_object (builder, id);

  /* A renamed id would otherwise leave a cheaper window to be measured. */
  if (object == NULL)
    g_error ("%s has no object \"%s\" any more", WINDOW_UI, id);

  return object;
}

/* As wide as @widest in the cell's font, in the inscription's characters:
 * the window measures its type and token columns the same way. */
static guint
chars_for (GtkWidget  *text,
           const char *widest)
{
  PangoFontMetrics *metrics = pango_context_get_metrics (gtk_widget_get_pango_context (text), NULL, NULL);
  int char_width = MAX (1, MAX (pango_font_metrics_get_approximate_char_width (metrics),
                                pango_font_metrics_get_approximate_digit_width (metrics)));
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (text, widest);
  int width;

  pango_font_metrics_unref (metrics);
  pango_layout_get_size (layout, &width, NULL);

  return MAX (1, (width + char_width - 1) / char_width);
}

static GtkWidget *
new_text (void)
{
  GtkWidget *text = gtk_inscription_new (NULL);

  gtk_inscription_set_text_overflow (GTK_INSCRIPTION (text), GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);

  return text;
}

/* The name may be cut. */
static void
setup_name_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  GtkWidget *text = new_text ();

  gtk_inscription_set_nat_chars (GTK_INSCRIPTION (text), 24);
  gtk_list_item_set_child (item, text);
}

/* The type and the token state never are. */
static void
setup_fixed_text_cb (GtkSignalListItemFactory *factory,
                     GtkListItem              *item,
                     gpointer                  widest)
{
  GtkWidget *text = new_text ();
  guint chars = chars_for (text, widest);

  gtk_inscription_set_min_chars (GTK_INSCRIPTION (text), chars);
  gtk_inscription_set_nat_chars (GTK_INSCRIPTION (text), chars);
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

/* A factory, and a sorter that sorts nothing: the window's columns can all be
 * sorted, so their titles are buttons with a sort arrow. */
static void
set_column (GtkBuilder *builder,
            const char *column_id,
            GCallback   setup,
            gpointer    setup_data,
            guint       field)
{
  GtkColumnViewColumn *column = GTK_COLUMN_VIEW_COLUMN (get_object (builder, column_id));
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkSorter) sorter = GTK_SORTER (gtk_custom_sorter_new (NULL, NULL, NULL));

  g_signal_connect (factory, "setup", setup, setup_data);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), GUINT_TO_POINTER (field));
  gtk_column_view_column_set_factory (column, factory);
  gtk_column_view_column_set_sorter (column, sorter);
}

/* Texts like the generated stores' (tests/bench/bp-bench-generate.c), in
 * the order of their names. */
static GListModel *
new_rows (void)
{
  static const char *companies[] = { "Acme Airlines", "Globex Health", "Initech Retail", "Umbrella Logistics" };
  static const char *teams[] = { "Billing", "Collections", "Sales", "Support" };
  static const char *regions[] = { "APAC", "EMEA", "LATAM", "Nordics" };
  static const char *tokens[] = { "Authorized", "Authorized", "Not set", "Needs new token" };
  GtkStringList *rows = gtk_string_list_new (NULL);

  for (guint i = 0; i < n_rows; i++)
    {
      g_autofree char *row = g_strdup_printf ("%s %s (%s) #%05u|Salesforce.com|%s|%s",
                                              companies[i / 64 % 4], teams[i / 16 % 4], regions[i / 4 % 4], i + 1,
                                              i == 0 ? "yes" : "no", tokens[i % 4]);

      gtk_string_list_append (rows, row);
    }

  return G_LIST_MODEL (rows);
}

/* The benchmark's number of rows is meant to be what the list shows at the
 * window's default size: say so when the theme, the font or the window has
 * made it wrong. */
static void
check_rows_shown (GtkScrollable *list)
{
  GtkAdjustment *rows = gtk_scrollable_get_vadjustment (list);
  double page = gtk_adjustment_get_page_size (rows);
  double upper = gtk_adjustment_get_upper (rows);
  guint shown;

  /* The adjustment is never shorter than the view. */
  if (upper <= page)
    {
      g_printerr ("window-floor: the %u rows it was given do not fill the list; "
                  "give build-aux/bench more (BP_BENCH_FLOOR_ROWS)\n", n_rows);
      return;
    }

  shown = (guint) ceil (page / (upper / n_rows));
  if (shown != n_rows)
    g_printerr ("window-floor: the list shows %u rows, not the %u it was given; "
                "set BP_BENCH_FLOOR_ROWS=%u for build-aux/bench\n", shown, n_rows, shown);
}

static void
after_paint_cb (GdkFrameClock *clock,
                GtkWidget     *window)
{
  gint64 elapsed = g_get_monotonic_time () - exec_time;
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (window));
  GtkScrollable *list = g_object_get_data (G_OBJECT (window), "window-floor-list");

  g_signal_handlers_disconnect_by_func (clock, after_paint_cb, window);
  printf ("bp-bench: first-frame-us=%" G_GINT64_FORMAT " content-frame-us=%" G_GINT64_FORMAT
          " complete-frame-us=%" G_GINT64_FORMAT " renderer=%s\n",
          elapsed, elapsed, elapsed, G_OBJECT_TYPE_NAME (renderer));
  fflush (stdout);

  if (n_rows > 0)
    check_rows_shown (list);

  g_application_quit (G_APPLICATION (gtk_window_get_application (GTK_WINDOW (window))));
}

static void
create_no_popup_cb (GtkMenuButton *button,
                    gpointer       user_data)
{
}

static void
activate_cb (GtkApplication *application)
{
  static const GActionEntry actions[] = { { .name = "add-account" } };
  g_autoptr(GtkBuilder) builder = gtk_builder_new ();
  g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GtkSingleSelection) selection = NULL;
  g_autofree char *window_ui = read_window_as_plain_object ();
  GtkColumnView *list;
  GtkWidget *window;

  gtk_css_provider_load_from_resource (css, STYLE_CSS);
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);

  if (!gtk_builder_add_from_string (builder, window_ui, -1, &error))
    g_error ("%s: %s", WINDOW_UI, error->message);

  window = GTK_WIDGET (get_object (builder, "window"));
  list = GTK_COLUMN_VIEW (get_object (builder, "account_list"));
  gtk_window_set_application (GTK_WINDOW (window), application);

  /* What the window has before any account is chosen: "+" can be pressed,
   * and the main menu is made when it is opened. */
  g_action_map_add_action_entries (G_ACTION_MAP (window), actions, G_N_ELEMENTS (actions), NULL);
  gtk_menu_button_set_create_popup_func (GTK_MENU_BUTTON (get_object (builder, "menu_button")),
                                         create_no_popup_cb, NULL, NULL);

  set_column (builder, "name_column", G_CALLBACK (setup_name_cb), NULL, 0);
  set_column (builder, "type_column", G_CALLBACK (setup_fixed_text_cb), (gpointer) "Salesforce.com", 1);
  set_column (builder, "default_column", G_CALLBACK (setup_check_cb), NULL, 2);
  set_column (builder, "token_column", G_CALLBACK (setup_fixed_text_cb), (gpointer) "Needs new token", 3);
  gtk_column_view_sort_by_column (list, GTK_COLUMN_VIEW_COLUMN (get_object (builder, "name_column")),
                                  GTK_SORT_ASCENDING);

  selection = gtk_single_selection_new (new_rows ());
  gtk_single_selection_set_autoselect (selection, FALSE);
  gtk_single_selection_set_can_unselect (selection, TRUE);
  gtk_single_selection_set_selected (selection, GTK_INVALID_LIST_POSITION);
  gtk_column_view_set_model (list, GTK_SELECTION_MODEL (selection));

  if (n_rows > 0)
    {
      GtkStack *pages = GTK_STACK (get_object (builder, "list_stack"));

      gtk_stack_set_visible_child_name (pages, "accounts");
      if (g_strcmp0 (gtk_stack_get_visible_child_name (pages), "accounts") != 0)
        g_error ("%s has no \"accounts\" page any more", WINDOW_UI);
    }

  g_object_set_data (G_OBJECT (window), "window-floor-list", list);
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
    {
      g_autoptr(GError) error = NULL;
      guint64 rows;

      if (argc > 2 || !g_ascii_string_to_unsigned (argv[1], 10, 0, 100000, &rows, &error))
        {
          g_printerr ("usage: %s [ROWS]  (0 to 100000)\n", argv[0]);
          return 2;
        }
      n_rows = (guint) rows;
    }

  /* Registered on the session bus like the application and the bare window. */
  application = gtk_application_new ("com.brightpattern.IntegrationAccounts.BenchWindowFloor",
                                     G_APPLICATION_DEFAULT_FLAGS);
  g_signal_connect (application, "activate", G_CALLBACK (activate_cb), NULL);

  /* The rows are this program's argument, not GApplication's. */
  return g_application_run (G_APPLICATION (application), 1, argv);
}

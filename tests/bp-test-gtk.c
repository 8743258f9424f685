/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-test-gtk"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "bp-test-utils.h"

#include "bp-test-gtk.h"

static gboolean
timeout_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the main loop until @condition holds; fails after 10 s. */
void
bp_test_wait_for (BpTestCondition condition,
          gpointer  data)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (10000, timeout_cb, &timed_out);

  while (!condition (data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (!timed_out)
    g_source_remove (id);
  g_assert_true (condition (data));
}

void
bp_test_spin (guint ms)
{
  gboolean timed_out = FALSE;

  g_timeout_add (ms, timeout_cb, &timed_out);
  while (!timed_out)
    g_main_context_iteration (NULL, TRUE);
}

static void
collect_label_texts (GtkWidget *widget,
                     GString   *texts)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget))
    {
      g_string_append (texts, gtk_label_get_text (GTK_LABEL (widget)));
      g_string_append_c (texts, '\n');
    }
  /* The account list's cells. */
  else if (GTK_IS_INSCRIPTION (widget) && gtk_widget_get_mapped (widget)
           && gtk_inscription_get_text (GTK_INSCRIPTION (widget)) != NULL)
    {
      g_string_append (texts, gtk_inscription_get_text (GTK_INSCRIPTION (widget)));
      g_string_append_c (texts, '\n');
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_label_texts (child, texts);
}

char *
bp_test_visible_texts (GtkWidget *widget)
{
  GString *texts = g_string_new ("\n");

  collect_label_texts (widget, texts);
  return g_string_free (texts, FALSE);
}

typedef struct
{
  GtkWidget  *widget;
  const char *line;
  gboolean    shown;
} TextWait;

static gboolean
text_shown (gpointer data)
{
  TextWait *wait = data;
  g_autofree char *texts = bp_test_visible_texts (wait->widget);

  return (strstr (texts, wait->line) != NULL) == wait->shown;
}

void
bp_test_wait_for_text (gpointer    widget,
               const char *text,
               gboolean    shown)
{
  g_autofree char *line = g_strdup_printf ("\n%s\n", text);
  TextWait wait = { GTK_WIDGET (widget), line, shown };

  bp_test_wait_for (text_shown, &wait);
}

static gboolean
text_part_shown (gpointer data)
{
  TextWait *wait = data;
  g_autofree char *texts = bp_test_visible_texts (wait->widget);

  return strstr (texts, wait->line) != NULL;
}

void
bp_test_wait_for_text_part (gpointer    widget,
                            const char *part)
{
  TextWait wait = { GTK_WIDGET (widget), part, TRUE };

  bp_test_wait_for (text_part_shown, &wait);
}

GtkWidget *
bp_test_find_widget (GtkWidget *widget,
             gboolean (*matches) (GtkWidget *, gconstpointer),
             gconstpointer data)
{
  if (matches (widget, data))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = bp_test_find_widget (child, matches, data);

      if (found != NULL)
        return found;
    }

  return NULL;
}

GtkWindow *
bp_test_find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return window;
    }

  return NULL;
}

gboolean
bp_test_toplevel_shown (gpointer type)
{
  return bp_test_find_toplevel (GPOINTER_TO_SIZE (type)) != NULL;
}

/* Answers the question dialog (GtkMessageDialog on GTK 4.8) with a button. */
void
bp_test_answer_question (const char *expected_heading,
                 int         button)
{
#if GTK_CHECK_VERSION (4, 10, 0)
  g_test_skip ("questions use GtkAlertDialog, which tests cannot answer");
#else
  GtkWindow *dialog;
  g_autofree char *text = NULL;

  bp_test_wait_for (bp_test_toplevel_shown, GSIZE_TO_POINTER (GTK_TYPE_MESSAGE_DIALOG));
  dialog = bp_test_find_toplevel (GTK_TYPE_MESSAGE_DIALOG);
  g_object_get (dialog, "text", &text, NULL);
  g_assert_cmpstr (text, ==, expected_heading);
  gtk_dialog_response (GTK_DIALOG (dialog), button);
#endif
}


GtkWidget *
bp_test_find_by_accessible_label (GtkWidget  *widget,
                                  const char *name)
{
  if (gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL))
    {
      g_autofree char *mismatch = gtk_test_accessible_check_property (GTK_ACCESSIBLE (widget),
                                                                      GTK_ACCESSIBLE_PROPERTY_LABEL,
                                                                      name);

      if (mismatch == NULL)
        return widget;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = bp_test_find_by_accessible_label (child, name);

      if (found != NULL)
        return found;
    }

  return NULL;
}

void
bp_test_gtk_cannot_start (void)
{
  if (bp_test_require_display ())
    {
      g_test_message ("GTK could not open the display %s", g_getenv ("DISPLAY"));
      g_test_fail ();
    }
}

void
bp_test_print_without_a11y_noise (const char *string)
{
  if (g_str_has_prefix (string, "Accessible state changed"))
    return;

  fputs (string, stdout);
  fflush (stdout);
}

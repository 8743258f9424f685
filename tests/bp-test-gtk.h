/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Helpers for tests that drive real GTK widgets under Xvfb. */

typedef gboolean (*BpTestCondition) (gpointer data);

/* Iterates the main loop until @condition holds; fails the test after 10 s. */
void       bp_test_wait_for        (BpTestCondition  condition,
                                    gpointer         data);
/* Iterates the main loop for @ms milliseconds (layout, animations). */
void       bp_test_spin            (guint            ms);
/* Every mapped label below @widget, one per line, between newlines. */
char      *bp_test_visible_texts   (GtkWidget       *widget);
/* Waits until a mapped label shows exactly @text (or no longer does). */
void       bp_test_wait_for_text   (gpointer         widget,
                                    const char      *text,
                                    gboolean         shown);
/* Waits until a mapped label below @widget contains @part anywhere: for a
 * message that is one part of a longer label, and instead of a fixed spin,
 * which a slow run (sanitizers, a loaded machine) outlasts. */
void       bp_test_wait_for_text_part (gpointer      widget,
                                       const char   *part);
/* The first widget below (and including) @widget that @matches. */
GtkWidget *bp_test_find_widget     (GtkWidget       *widget,
                                    gboolean       (*matches) (GtkWidget *, gconstpointer),
                                    gconstpointer    data);
/* The widget below (and including) @widget whose accessible label property is
 * @name (needs GTK_A11Y=test for the accessible to hold its properties). */
GtkWidget *bp_test_find_by_accessible_label (GtkWidget  *widget,
                                             const char *name);
/* The visible toplevel of @type, or NULL. */
GtkWindow *bp_test_find_toplevel   (GType            type);
gboolean   bp_test_toplevel_shown  (gpointer         type);
/* Waits for the question dialog, checks its heading and presses @button. */
void       bp_test_answer_question (const char      *expected_heading,
                                    int              button);

/* The test run when gtk_init_check() failed: a failure under build-aux/test
 * (the display belongs to the session), a skip when run by hand. */
void       bp_test_gtk_cannot_start         (void);
/* A print handler for GTK_A11Y=test: its state-change lines are not TAP. */
void       bp_test_print_without_a11y_noise (const char *string);

G_END_DECLS

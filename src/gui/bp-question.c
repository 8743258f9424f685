/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-question"

#include "config.h"

#include "bp-question.h"

#if GTK_CHECK_VERSION (4, 10, 0)

static void
alert_chosen_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  int answer = gtk_alert_dialog_choose_finish (GTK_ALERT_DIALOG (object), result, &error);

  if (answer < 0)
    g_task_return_error (task, error);
  else
    g_task_return_int (task, answer);
}

#else

static void
message_dialog_response_cb (GtkDialog *dialog,
                            int        response,
                            gpointer   user_data)
{
  g_autoptr(GTask) task = user_data;
  int cancel_button = GPOINTER_TO_INT (g_task_get_task_data (task));

  gtk_window_destroy (GTK_WINDOW (dialog));

  /* Buttons were added with their index as response id. */
  g_task_return_int (task, response >= 0 ? response : cancel_button);
}

#endif

void
bp_question_ask_async (GtkWindow           *parent,
                       const char          *heading,
                       const char          *body,
                       const char * const  *buttons,
                       int                  cancel_button,
                       int                  default_button,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (!parent || GTK_IS_WINDOW (parent));
  g_return_if_fail (heading != NULL);
  g_return_if_fail (buttons != NULL && buttons[0] != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, bp_question_ask_async);
  g_task_set_task_data (task, GINT_TO_POINTER (cancel_button), NULL);

#if GTK_CHECK_VERSION (4, 10, 0)
  {
    g_autoptr(GtkAlertDialog) dialog = gtk_alert_dialog_new ("%s", heading);

    gtk_alert_dialog_set_detail (dialog, body);
    gtk_alert_dialog_set_buttons (dialog, buttons);
    gtk_alert_dialog_set_cancel_button (dialog, cancel_button);
    gtk_alert_dialog_set_default_button (dialog, default_button);
    gtk_alert_dialog_choose (dialog, parent, cancellable, alert_chosen_cb, g_steal_pointer (&task));
  }
#else
  {
    GtkWidget *dialog = gtk_message_dialog_new (parent,
                                                GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                                GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE,
                                                "%s", heading);

    if (body != NULL)
      gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s", body);

    /* GTK 4.8's message dialog has no accessible name: a screen reader
     * would announce an unnamed dialog. Name it by its heading. */
    gtk_accessible_update_property (GTK_ACCESSIBLE (dialog),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, heading,
                                    -1);
    if (body != NULL)
      gtk_accessible_update_property (GTK_ACCESSIBLE (dialog),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, body,
                                      -1);

    for (int i = 0; buttons[i] != NULL; i++)
      gtk_dialog_add_button (GTK_DIALOG (dialog), buttons[i], i);
    if (default_button >= 0)
      gtk_dialog_set_default_response (GTK_DIALOG (dialog), default_button);

    g_signal_connect (dialog, "response", G_CALLBACK (message_dialog_response_cb), g_steal_pointer (&task));
    gtk_window_present (GTK_WINDOW (dialog));
  }
#endif
}

int
bp_question_ask_finish (GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), -1);

  return (int) g_task_propagate_int (G_TASK (result), error);
}

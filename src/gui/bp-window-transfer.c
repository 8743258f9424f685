/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-window"

#include "config.h"

#include <glib/gi18n.h>

#include "bp-account-export.h"
#include "bp-error.h"
#include "bp-import-plan.h"
#include "bp-question.h"
#include "bp-window-private.h"

/* Export… and Import… of the primary menu: the same file and the same
 * conflict rules as --export and --import, through the file chooser portal
 * (GtkFileDialog from GTK 4.10, GtkFileChooserNative before). A name clash
 * is asked about, once for the whole file; results go to the banner. */

#define DEFAULT_EXPORT_NAME "integration-accounts.json"

enum {
  ANSWER_CANCEL,
  ANSWER_SKIP,
  ANSWER_RENAME,
  ANSWER_REPLACE,
};

static GListModel *
create_file_filters (void)
{
  g_autoptr(GtkFileFilter) exports = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();
  GListStore *filters = g_list_store_new (GTK_TYPE_FILE_FILTER);

  gtk_file_filter_set_name (exports, _("Account exports (.json)"));
  gtk_file_filter_add_suffix (exports, "json");
  gtk_file_filter_add_mime_type (exports, "application/json");

  gtk_file_filter_set_name (all, _("All Files"));
  gtk_file_filter_add_pattern (all, "*");

  g_list_store_append (filters, exports);
  g_list_store_append (filters, all);

  return G_LIST_MODEL (filters);
}

/* ------------------------------------------------------------------ */
/* Export                                                              */

static void
export_written_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(BpWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_file_get_parse_name (G_FILE (object));
  g_autofree char *message = NULL;
  guint n_accounts = GPOINTER_TO_UINT (g_object_get_data (object, "bp-n-accounts"));

  if (!g_file_replace_contents_finish (G_FILE (object), result, NULL, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      message = g_strdup_printf (_("%s could not be written: %s"), name, error->message);
      bp_window_show_error (self, message);
      return;
    }

  message = g_strdup_printf (ngettext ("Exported %u account to %s. The file holds no consumer secret and no "
                                       "token.",
                                       "Exported %u accounts to %s. The file holds no consumer secret and no "
                                       "token.", n_accounts),
                             n_accounts, name);
  bp_window_show_message (self, message);
}

void
bp_window_export_to_file (BpWindow *self,
                          GFile    *file)
{
  g_autoptr(GPtrArray) accounts = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GBytes) bytes = NULL;
  guint n_items = g_list_model_get_n_items (G_LIST_MODEL (self->store));
  char *data;
  gsize length = 0;

  g_return_if_fail (BP_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  /* The saved accounts: an unsaved draft is not an account yet. */
  for (guint i = 0; i < n_items; i++)
    g_ptr_array_add (accounts, g_list_model_get_item (G_LIST_MODEL (self->store), i));

  data = bp_account_export_write (accounts, NULL, &length);
  bytes = g_bytes_new_take (data, length);

  g_object_set_data (G_OBJECT (file), "bp-n-accounts", GUINT_TO_POINTER (accounts->len));
  /* Not the pane's cancellable: selecting another account must not drop an
   * export or an import half-way, nor its report. */
  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_NONE, NULL,
                                       export_written_cb, g_object_ref (self));
}

/* ------------------------------------------------------------------ */
/* Import                                                              */

typedef struct
{
  BpWindow  *self;
  GFile     *file;
  char      *name;       /* the file, for messages */
  GPtrArray *imported;   /* BpAccount, from bp_account_export_read() */
  BpImportPlan *plan;
} Import;

static void
import_free (Import *import)
{
  g_clear_object (&import->self);
  g_clear_object (&import->file);
  g_free (import->name);
  g_clear_pointer (&import->imported, g_ptr_array_unref);
  g_clear_pointer (&import->plan, bp_import_plan_free);
  g_free (import);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Import, import_free)

static void
show_import_result (Import *import)
{
  g_autofree char *result = bp_import_plan_describe_result (import->plan, import->name);
  g_autofree char *needs = bp_import_plan_describe_needs (import->plan, NULL);
  g_autoptr(GString) message = g_string_new (result);

  if (needs != NULL)
    {
      g_string_append_c (message, '\n');
      g_string_append (message, needs);
      g_string_append (message, _("Select each, type its Consumer secret if it needs one and press Apply, "
                                  "then press Request token."));
    }

  bp_window_show_message (import->self, message->str);
}

static void
batch_applied_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(Import) import = user_data;
  g_autoptr(GError) error = NULL;

  if (!bp_account_store_apply_batch_finish (BP_ACCOUNT_STORE (object), result, &error))
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      message = g_strdup_printf (_("Nothing was imported: %s"), error->message);
      bp_window_show_error (import->self, message);
      return;
    }

  show_import_result (import);
}

static void
import_with (Import           *import,
             BpImportConflict  conflict)
{
  BpWindow *self = import->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) drafts = NULL;

  import->plan = bp_import_plan_new (import->imported, G_LIST_MODEL (self->store), conflict, &error);
  if (import->plan == NULL)
    {
      g_autofree char *message = g_strdup_printf ("%s: %s", import->name, error->message);

      bp_window_show_error (self, message);
      import_free (import);
      return;
    }

  drafts = bp_import_plan_get_drafts (import->plan);
  if (drafts->len == 0)
    {
      show_import_result (import);
      import_free (import);
      return;
    }

  bp_account_store_apply_batch_async (self->store, drafts, NULL, batch_applied_cb, import);
}

static void
conflict_question_answered_cb (GObject      *object,
                               GAsyncResult *result,
                               gpointer      user_data)
{
  g_autoptr(Import) import = user_data;
  g_autoptr(GError) error = NULL;
  int answer = bp_question_ask_finish (result, &error);

  switch (answer)
    {
    case ANSWER_SKIP:
      import_with (g_steal_pointer (&import), BP_IMPORT_CONFLICT_SKIP);
      break;

    case ANSWER_RENAME:
      import_with (g_steal_pointer (&import), BP_IMPORT_CONFLICT_RENAME);
      break;

    case ANSWER_REPLACE:
      import_with (g_steal_pointer (&import), BP_IMPORT_CONFLICT_REPLACE);
      break;

    case ANSWER_CANCEL:
    default:
      break;
    }
}

static void
import_file_loaded_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(Import) import = user_data;
  BpWindow *self = import->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *heading = NULL;
  gsize length = 0;
  guint n_conflicts;
  const char *buttons[] = { _("_Cancel"), _("_Skip"), _("_Keep Both"), _("_Replace"), NULL };

  if (!g_file_load_contents_finish (import->file, result, &contents, &length, NULL, &error))
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      message = g_strdup_printf (_("%s could not be read: %s"), import->name, error->message);
      bp_window_show_error (self, message);
      return;
    }

  import->imported = bp_account_export_read (contents, length, &error);
  if (import->imported == NULL)
    {
      g_autofree char *message = g_strdup_printf ("%s: %s", import->name, error->message);

      bp_window_show_error (self, message);
      return;
    }

  n_conflicts = bp_import_count_conflicts (import->imported, G_LIST_MODEL (self->store));
  if (n_conflicts == 0)
    {
      import_with (g_steal_pointer (&import), BP_IMPORT_CONFLICT_SKIP);
      return;
    }

  /* Keep Both is the default: nothing saved is changed and nothing from
   * the file is left out. */
  heading = g_strdup_printf (ngettext ("%u account in the file has the name of a saved one",
                                       "%u accounts in the file have the names of saved ones", n_conflicts),
                             n_conflicts);
  bp_question_ask_async (GTK_WINDOW (self), heading,
                         _("Skip them, keep both under new names, or replace the settings of the saved "
                           "accounts with the file's? Replaced accounts keep their consumer secret and token."),
                         buttons, ANSWER_CANCEL, ANSWER_RENAME, self->cancellable,
                         conflict_question_answered_cb, g_steal_pointer (&import));
}

void
bp_window_import_from_file (BpWindow *self,
                            GFile    *file)
{
  Import *import;

  g_return_if_fail (BP_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  import = g_new0 (Import, 1);
  import->self = g_object_ref (self);
  import->file = g_object_ref (file);
  import->name = g_file_get_parse_name (file);
  g_file_load_contents_async (file, NULL, import_file_loaded_cb, import);
}

/* ------------------------------------------------------------------ */
/* The file chooser                                                    */

#if GTK_CHECK_VERSION (4, 10, 0)

static gboolean
is_dismissed (const GError *error)
{
  return g_error_matches (error, GTK_DIALOG_ERROR, GTK_DIALOG_ERROR_DISMISSED)
         || g_error_matches (error, GTK_DIALOG_ERROR, GTK_DIALOG_ERROR_CANCELLED);
}

static void
export_file_chosen_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(BpWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = gtk_file_dialog_save_finish (GTK_FILE_DIALOG (object), result, &error);

  if (file != NULL)
    bp_window_export_to_file (self, file);
  else if (!is_dismissed (error))
    bp_window_show_error (self, error->message);
}

static void
import_file_chosen_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(BpWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = gtk_file_dialog_open_finish (GTK_FILE_DIALOG (object), result, &error);

  if (file != NULL)
    bp_window_import_from_file (self, file);
  else if (!is_dismissed (error))
    bp_window_show_error (self, error->message);
}

static GtkFileDialog *
create_file_dialog (const char *title)
{
  GtkFileDialog *dialog = gtk_file_dialog_new ();
  g_autoptr(GListModel) filters = create_file_filters ();
  g_autoptr(GtkFileFilter) exports = g_list_model_get_item (filters, 0);

  gtk_file_dialog_set_title (dialog, title);
  gtk_file_dialog_set_modal (dialog, TRUE);
  gtk_file_dialog_set_filters (dialog, filters);
  gtk_file_dialog_set_default_filter (dialog, exports);

  return dialog;
}

static void
export_activated_cb (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  BpWindow *self = BP_WINDOW (widget);
  g_autoptr(GtkFileDialog) dialog = create_file_dialog (_("Export Accounts"));

  gtk_file_dialog_set_initial_name (dialog, DEFAULT_EXPORT_NAME);
  gtk_file_dialog_save (dialog, GTK_WINDOW (self), self->cancellable, export_file_chosen_cb, g_object_ref (self));
}

static void
import_activated_cb (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  BpWindow *self = BP_WINDOW (widget);
  g_autoptr(GtkFileDialog) dialog = create_file_dialog (_("Import Accounts"));

  gtk_file_dialog_open (dialog, GTK_WINDOW (self), self->cancellable, import_file_chosen_cb, g_object_ref (self));
}

#else /* GTK 4.8 */

static void
chooser_response_cb (GtkNativeDialog *chooser,
                     int              response,
                     BpWindow        *self)
{
  g_autoptr(GFile) file = NULL;
  gboolean is_export = gtk_file_chooser_get_action (GTK_FILE_CHOOSER (chooser)) == GTK_FILE_CHOOSER_ACTION_SAVE;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

  gtk_native_dialog_destroy (chooser);
  /* The reference taken when it was shown. */
  g_object_unref (chooser);

  if (file == NULL)
    return;

  if (is_export)
    bp_window_export_to_file (self, file);
  else
    bp_window_import_from_file (self, file);
}

static void
show_chooser (BpWindow             *self,
              const char           *title,
              GtkFileChooserAction  action,
              const char           *accept_label)
{
  GtkFileChooserNative *chooser;
  g_autoptr(GListModel) filters = create_file_filters ();

  chooser = gtk_file_chooser_native_new (title, GTK_WINDOW (self), action, accept_label, _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);

  for (guint i = 0; i < g_list_model_get_n_items (filters); i++)
    {
      g_autoptr(GtkFileFilter) filter = g_list_model_get_item (filters, i);

      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
    }

  if (action == GTK_FILE_CHOOSER_ACTION_SAVE)
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), DEFAULT_EXPORT_NAME);

  g_signal_connect_object (chooser, "response", G_CALLBACK (chooser_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
export_activated_cb (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  show_chooser (BP_WINDOW (widget), _("Export Accounts"), GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"));
}

static void
import_activated_cb (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  show_chooser (BP_WINDOW (widget), _("Import Accounts"), GTK_FILE_CHOOSER_ACTION_OPEN, _("_Import"));
}

#endif

void
bp_window_transfer_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.export", NULL, export_activated_cb);
  gtk_widget_class_install_action (widget_class, "win.import", NULL, import_activated_cb);
}

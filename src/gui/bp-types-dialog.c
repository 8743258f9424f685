/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-types-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "bp-account.h"
#include "bp-types-dialog.h"

struct _BpTypesDialog
{
  GtkWindow   parent_instance;

  GtkListBox *type_list;
};

G_DEFINE_FINAL_TYPE (BpTypesDialog, bp_types_dialog, GTK_TYPE_WINDOW)

enum {
  TYPE_CHOSEN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static GQuark account_type_quark;

static GtkWidget *
create_type_row (GType type)
{
  BpAccountClass *klass = g_type_class_ref (type);
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *labels = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  GtkWidget *icon = gtk_image_new_from_icon_name (klass->icon_name);
  GtkWidget *name = gtk_label_new (_(klass->type_name));
  GtkWidget *description = gtk_label_new (_(klass->description));

  gtk_image_set_icon_size (GTK_IMAGE (icon), GTK_ICON_SIZE_LARGE);
  gtk_widget_set_valign (icon, GTK_ALIGN_CENTER);
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_widget_add_css_class (name, "heading");
  gtk_label_set_xalign (GTK_LABEL (description), 0);
  gtk_label_set_wrap (GTK_LABEL (description), TRUE);
  gtk_widget_add_css_class (description, "dim-label");

  gtk_box_append (GTK_BOX (labels), name);
  gtk_box_append (GTK_BOX (labels), description);
  gtk_box_append (GTK_BOX (box), icon);
  gtk_box_append (GTK_BOX (box), labels);
  gtk_widget_add_css_class (box, "bp-type-row");
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);

  gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _(klass->type_name),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, _(klass->description),
                                  -1);
  g_object_set_qdata (G_OBJECT (row), account_type_quark, GSIZE_TO_POINTER (type));

  g_type_class_unref (klass);
  return row;
}

static void
choose_row (BpTypesDialog *self,
            GtkListBoxRow *row)
{
  GType type;

  if (row == NULL)
    return;

  type = GPOINTER_TO_SIZE (g_object_get_qdata (G_OBJECT (row), account_type_quark));
  g_object_ref (self);
  gtk_window_close (GTK_WINDOW (self));
  g_signal_emit (self, signals[TYPE_CHOSEN], 0, type);
  g_object_unref (self);
}

static void
on_type_list_row_activated_cb (BpTypesDialog *self,
                               GtkListBoxRow *row,
                               GtkListBox    *list)
{
  choose_row (self, row);
}

static void
add_activated_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  BpTypesDialog *self = BP_TYPES_DIALOG (widget);

  choose_row (self, gtk_list_box_get_selected_row (self->type_list));
}

static void
cancel_activated_cb (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  gtk_window_close (GTK_WINDOW (widget));
}

static void
bp_types_dialog_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), BP_TYPE_TYPES_DIALOG);

  G_OBJECT_CLASS (bp_types_dialog_parent_class)->dispose (object);
}

static void
bp_types_dialog_class_init (BpTypesDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bp_types_dialog_dispose;

  account_type_quark = g_quark_from_static_string ("bp-account-type");

  /**
   * BpTypesDialog::type-chosen:
   * @type: the GType of the account type picked
   */
  signals[TYPE_CHOSEN] =
    g_signal_new ("type-chosen",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_GTYPE);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/bp-types-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, BpTypesDialog, type_list);
  gtk_widget_class_bind_template_callback (widget_class, on_type_list_row_activated_cb);

  gtk_widget_class_install_action (widget_class, "types.add", NULL, add_activated_cb);
  gtk_widget_class_install_action (widget_class, "types.cancel", NULL, cancel_activated_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "types.cancel", NULL);
}

static void
bp_types_dialog_init (BpTypesDialog *self)
{
  const GType *types;
  guint n_types = 0;

  gtk_widget_init_template (GTK_WIDGET (self));

  bp_account_types_ensure ();
  types = bp_account_list_types (&n_types);
  for (guint i = 0; i < n_types; i++)
    gtk_list_box_append (self->type_list, create_type_row (types[i]));

  /* One type today: it is already chosen, Enter or Add picks it. */
  gtk_list_box_select_row (self->type_list, gtk_list_box_get_row_at_index (self->type_list, 0));
}

BpTypesDialog *
bp_types_dialog_new (GtkWindow *parent)
{
  g_return_val_if_fail (!parent || GTK_IS_WINDOW (parent), NULL);

  return g_object_new (BP_TYPE_TYPES_DIALOG,
                       "transient-for", parent,
                       "modal", TRUE,
                       NULL);
}

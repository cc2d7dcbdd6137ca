/* mq-column-chooser.c
 *
 * One row per column of the view, in the view's order: a check button
 * bound to the column's "visible", and buttons that move it up or down.
 * The chooser edits the view itself; whoever keeps the layout (the parcel
 * table, in GSettings) follows the view. The rows are made again whenever
 * the view's columns change order, by these buttons or a header dragged —
 * from an idle, as the button clicked is in a row the refill removes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-column-chooser.h"

#include <glib/gi18n.h>

struct _MqColumnChooser
{
  GtkPopover     parent_instance;

  GtkColumnView *view;
  GtkListBox    *list;
  guint          fill_id;
};

G_DEFINE_FINAL_TYPE (MqColumnChooser, mq_column_chooser, GTK_TYPE_POPOVER)

/* Moves the column at @position one place up (-1) or down (+1). */
void
mq_column_chooser_move (MqColumnChooser *self,
                        guint            position,
                        int              step)
{
  GListModel *columns;
  g_autoptr(GtkColumnViewColumn) column = NULL;
  int target = (int) position + step;

  g_return_if_fail (MQ_IS_COLUMN_CHOOSER (self));

  columns = gtk_column_view_get_columns (self->view);
  if (target < 0 || target >= (int) g_list_model_get_n_items (columns))
    return;
  column = g_list_model_get_item (columns, position);
  gtk_column_view_insert_column (self->view, (guint) target, column);
}

static void
on_move_clicked (GtkButton *button,
                 gpointer   data)
{
  GtkWidget *chooser = gtk_widget_get_ancestor (GTK_WIDGET (button), MQ_TYPE_COLUMN_CHOOSER);
  GtkWidget *row = gtk_widget_get_ancestor (GTK_WIDGET (button), GTK_TYPE_LIST_BOX_ROW);
  int position = gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (row));

  mq_column_chooser_move (MQ_COLUMN_CHOOSER (chooser), (guint) position, GPOINTER_TO_INT (data));
}

static GtkWidget *
move_button (const char *icon,
             const char *tooltip,
             int         step,
             gboolean    sensitive)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_sensitive (button, sensitive);
  g_signal_connect (button, "clicked", G_CALLBACK (on_move_clicked), GINT_TO_POINTER (step));
  return button;
}

static GtkWidget *
column_row (GtkColumnViewColumn *column,
            guint                position,
            guint                n)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  GtkWidget *check = gtk_check_button_new_with_label (gtk_column_view_column_get_title (column));

  gtk_widget_set_hexpand (check, TRUE);
  g_object_bind_property (column, "visible", check, "active", G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  gtk_box_append (GTK_BOX (box), check);
  gtk_box_append (GTK_BOX (box), move_button ("go-up-symbolic", _("Move up"), -1, position > 0));
  gtk_box_append (GTK_BOX (box), move_button ("go-down-symbolic", _("Move down"), 1, position + 1 < n));
  gtk_widget_set_margin_start (box, 6);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  return row;
}

static void
fill (MqColumnChooser *self)
{
  GListModel *columns = gtk_column_view_get_columns (self->view);
  guint n = g_list_model_get_n_items (columns);
  GtkWidget *row;

  while ((row = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, row);
  for (guint k = 0; k < n; k++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, k);

      gtk_list_box_append (self->list, column_row (column, k, n));
    }
}

static gboolean
fill_idle (gpointer data)
{
  MqColumnChooser *self = data;

  self->fill_id = 0;
  fill (self);
  return G_SOURCE_REMOVE;
}

static void
on_columns_changed (MqColumnChooser *self)
{
  if (self->fill_id == 0)
    self->fill_id = g_idle_add (fill_idle, self);
}

static void
mq_column_chooser_dispose (GObject *object)
{
  MqColumnChooser *self = MQ_COLUMN_CHOOSER (object);

  g_clear_handle_id (&self->fill_id, g_source_remove);
  if (self->view != NULL)
    g_signal_handlers_disconnect_by_data (gtk_column_view_get_columns (self->view), self);
  g_clear_object (&self->view);
  gtk_widget_dispose_template (GTK_WIDGET (self), MQ_TYPE_COLUMN_CHOOSER);
  G_OBJECT_CLASS (mq_column_chooser_parent_class)->dispose (object);
}

static void
mq_column_chooser_class_init (MqColumnChooserClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = mq_column_chooser_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, "/org/maqiao/LandViewer/mq-column-chooser.ui");
  gtk_widget_class_bind_template_child (widget_class, MqColumnChooser, list);
}

static void
mq_column_chooser_init (MqColumnChooser *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
mq_column_chooser_new (GtkColumnView *view)
{
  MqColumnChooser *self = g_object_new (MQ_TYPE_COLUMN_CHOOSER, NULL);

  self->view = g_object_ref (view);
  g_signal_connect_object (gtk_column_view_get_columns (view), "items-changed",
                           G_CALLBACK (on_columns_changed), self, G_CONNECT_SWAPPED);
  fill (self);
  return GTK_WIDGET (self);
}

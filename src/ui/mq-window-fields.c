/* mq-window-fields.c — the field mapping, shown and corrected by the user.
 *
 * A correction reloads the file with the mapping (the project keeps it in
 * its request), and "Save as Project" stores it in the project file.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-field-mapping-dialog.h"
#include "mq-window-private.h"

static void
on_mapping_chosen (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(MqWindow) self = user_data;
  g_autofree char *json = mq_field_mapping_dialog_choose_finish (result, NULL);

  if (json != NULL)
    mq_project_set_field_mapping (self->project, json);
}

static void
edit_fields_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  MqWindow *self = MQ_WINDOW (widget);
  MqDataset *dataset = mq_project_get_dataset (self->project);

  if (dataset != NULL)
    mq_field_mapping_dialog_choose (GTK_WINDOW (self), dataset, NULL, on_mapping_chosen,
                                    g_object_ref (self));
}

void
_mq_window_class_init_fields (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.field-mapping", NULL, edit_fields_action);
}

/* mq-field-mapping-dialog.c
 *
 * One combo row per attribute: "—" (none) then every field of the file.
 * Apply answers the corrected mapping as JSON ({"owner": "QSDWMC", "notes":
 * ""}), the form --field-mapping and the project file take; anything else
 * answers G_IO_ERROR_CANCELLED.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "mq-field-mapping-dialog.h"

#define NONE_ITEM 0

struct _MqFieldMappingDialog
{
  AdwMessageDialog  parent_instance;

  AdwComboRow      *rows[MQ_N_FIELDS];
  GStrv             names;    /* the file's fields, as the rows list them */
  GTask            *task;
};

G_DEFINE_FINAL_TYPE (MqFieldMappingDialog, mq_field_mapping_dialog, ADW_TYPE_MESSAGE_DIALOG)

static char *
rows_to_json (MqFieldMappingDialog *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  for (guint f = 0; f < MQ_N_FIELDS; f++)
    {
      guint selected = adw_combo_row_get_selected (self->rows[f]);

      json_builder_set_member_name (b, mq_field_info (f)->key);
      json_builder_add_string_value (b, selected == NONE_ITEM ? "" : self->names[selected - 1]);
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

static void
mq_field_mapping_dialog_response (AdwMessageDialog *dialog,
                                  const char       *response)
{
  MqFieldMappingDialog *self = MQ_FIELD_MAPPING_DIALOG (dialog);
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  if (task == NULL)
    return;
  if (g_str_equal (response, "apply"))
    g_task_return_pointer (task, rows_to_json (self), g_free);
  else
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "cancelled");
}

static void
mq_field_mapping_dialog_dispose (GObject *object)
{
  MqFieldMappingDialog *self = MQ_FIELD_MAPPING_DIALOG (object);

  if (self->task != NULL)
    mq_field_mapping_dialog_response (ADW_MESSAGE_DIALOG (self), "cancel");
  G_OBJECT_CLASS (mq_field_mapping_dialog_parent_class)->dispose (object);
}

static void
mq_field_mapping_dialog_finalize (GObject *object)
{
  g_strfreev (MQ_FIELD_MAPPING_DIALOG (object)->names);
  G_OBJECT_CLASS (mq_field_mapping_dialog_parent_class)->finalize (object);
}

static void
mq_field_mapping_dialog_class_init (MqFieldMappingDialogClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = mq_field_mapping_dialog_dispose;
  G_OBJECT_CLASS (klass)->finalize = mq_field_mapping_dialog_finalize;
  ADW_MESSAGE_DIALOG_CLASS (klass)->response = mq_field_mapping_dialog_response;
}

static void
mq_field_mapping_dialog_init (MqFieldMappingDialog *self)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (self);

  adw_message_dialog_set_heading (dialog, _("Field Mapping"));
  adw_message_dialog_set_body (dialog, _("Which field of the file holds each parcel attribute. "
                                         "Every field of the file is kept either way."));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "apply", _("_Apply"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "apply", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_close_response (dialog, "cancel");
}

static AdwComboRow *
field_row (MqField             field,
           const char * const *names,
           int                 selected)
{
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);
  GtkWidget *row = adw_combo_row_new ();

  gtk_string_list_append (model, "—");
  for (guint i = 0; names[i] != NULL; i++)
    gtk_string_list_append (model, names[i]);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), mq_field_label (field));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), mq_field_info (field)->key);
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (model));
  adw_combo_row_set_selected (ADW_COMBO_ROW (row), selected < 0 ? NONE_ITEM : (guint) selected + 1);
  return ADW_COMBO_ROW (row);
}

/* Every attribute the project knows, with the source field now feeding it. */
static void
fill (MqFieldMappingDialog *self,
      MqDataset            *dataset)
{
  const MqFieldMap *map = mq_dataset_get_field_map (dataset);
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *scrolled = gtk_scrolled_window_new ();

  self->names = g_strdupv ((char **) mq_parcels_get_field_names (mq_dataset_get_parcels (dataset)));
  for (guint f = 0; f < MQ_N_FIELDS; f++)
    {
      self->rows[f] = field_row (f, (const char * const *) self->names, map->index[f]);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->rows[f]));
    }
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scrolled), 420);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), group);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (self), scrolled);
}

void
mq_field_mapping_dialog_choose (GtkWindow           *parent,
                                MqDataset           *dataset,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  MqFieldMappingDialog *self = g_object_new (MQ_TYPE_FIELD_MAPPING_DIALOG, "transient-for", parent,
                                             "modal", TRUE, NULL);

  self->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (self->task, mq_field_mapping_dialog_choose);
  fill (self, dataset);
  gtk_window_present (GTK_WINDOW (self));
}

/* Returns: (transfer full): the mapping as JSON; NULL with G_IO_ERROR_CANCELLED */
char *
mq_field_mapping_dialog_choose_finish (GAsyncResult  *result,
                                       GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == mq_field_mapping_dialog_choose, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Returns: (transfer none): the row of @field, as a user would change it */
AdwComboRow *
mq_field_mapping_dialog_get_row (MqFieldMappingDialog *self,
                                 MqField               field)
{
  g_return_val_if_fail (MQ_IS_FIELD_MAPPING_DIALOG (self), NULL);
  g_return_val_if_fail (field < MQ_N_FIELDS, NULL);
  return self->rows[field];
}

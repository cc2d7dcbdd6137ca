/* mq-window-fields.c — the field mapping, shown and corrected by the user.
 *
 * Every parcel attribute the project knows, with the source field that feeds
 * it; a correction reloads the file with the mapping, and "Save as Project"
 * stores it in the project file.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "mq-window-private.h"

#define NONE_ITEM 0

static GtkWidget *
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
  return row;
}

static char *
rows_to_json (GPtrArray          *rows,
              const char * const *names)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  for (guint f = 0; f < rows->len; f++)
    {
      guint selected = adw_combo_row_get_selected (g_ptr_array_index (rows, f));

      json_builder_set_member_name (b, mq_field_info (f)->key);
      json_builder_add_string_value (b, selected == NONE_ITEM ? "" : names[selected - 1]);
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

static void
on_fields_response (AdwMessageDialog *dialog,
                    const char       *response,
                    MqWindow         *self)
{
  GPtrArray *rows = g_object_get_data (G_OBJECT (dialog), "mq-rows");
  const char * const *names = g_object_get_data (G_OBJECT (dialog), "mq-names");

  g_autofree char *json = NULL;

  if (!g_str_equal (response, "apply"))
    return;
  json = rows_to_json (rows, names);
  mq_project_set_field_mapping (self->project, json);
}

static void
edit_fields_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  MqWindow *self = MQ_WINDOW (widget);
  MqDataset *dataset = mq_project_get_dataset (self->project);
  MqParcels *parcels;
  const MqFieldMap *map;
  GtkWidget *dialog, *group, *scrolled;
  GPtrArray *rows;

  if (dataset == NULL)
    return;
  parcels = mq_dataset_get_parcels (dataset);
  map = mq_dataset_get_field_map (dataset);
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Field Mapping"),
                                   _("Which field of the file holds each parcel attribute. "
                                     "Every field of the file is kept either way."));
  group = adw_preferences_group_new ();
  rows = g_ptr_array_new ();
  for (guint f = 0; f < MQ_N_FIELDS; f++)
    {
      GtkWidget *row = field_row (f, mq_parcels_get_field_names (parcels), map->index[f]);

      g_ptr_array_add (rows, row);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scrolled), 420);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), group);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), scrolled);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"), "apply", _("_Apply"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "apply",
                                              ADW_RESPONSE_SUGGESTED);
  g_object_set_data_full (G_OBJECT (dialog), "mq-rows", rows, (GDestroyNotify) g_ptr_array_unref);
  g_object_set_data_full (G_OBJECT (dialog), "mq-names",
                          g_strdupv ((char **) mq_parcels_get_field_names (parcels)),
                          (GDestroyNotify) g_strfreev);
  g_signal_connect (dialog, "response", G_CALLBACK (on_fields_response), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

void
_mq_window_class_init_fields (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.field-mapping", NULL, edit_fields_action);
}

/* mq-window-saved.c — saved views: a named extent, theme and filter, kept in
 * the project (project_settings "saved_views", a JSON array) to jump between
 * areas during a meeting. In the meeting-room mode keys 1–9 jump to them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "mq-window-private.h"

/* The main menu lists the saved views of the open project. */
static void
show_saved_views (MqWindow *self)
{
  g_auto(GStrv) names = mq_project_dup_view_names (self->project);

  g_menu_remove_all (self->saved_views_section);
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autoptr(GMenuItem) item = g_menu_item_new (names[i], NULL);

      g_menu_item_set_action_and_target_value (item, "win.goto-view", g_variant_new_string (names[i]));
      g_menu_append_item (self->saved_views_section, item);
    }
}

static void
go_to (MqWindow   *self,
       JsonObject *view)
{
  MqViewport *vp = mq_map_view_get_viewport (self->map_view);

  g_object_set (self, "theme", json_object_get_string_member_with_default (view, "theme", "locks"), NULL);
  mq_filter_set_from_json (mq_project_get_filter (self->project),
                           json_object_get_string_member_with_default (view, "filter", "{}"), NULL);
  adw_view_stack_set_visible_child_name (self->view_stack, "map");
  mq_viewport_set_resolution (vp, json_object_get_double_member_with_default (view, "resolution", 1));
  mq_viewport_set_center (vp, json_object_get_double_member_with_default (view, "x", 0),
                          json_object_get_double_member_with_default (view, "y", 0));
}

static void
goto_view_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  MqWindow *self = MQ_WINDOW (widget);
  g_autoptr(JsonObject) view = mq_project_dup_view (self->project,
                                                    g_variant_get_string (parameter, NULL), 0);

  if (view != NULL)
    go_to (self, view);
}

static void
on_name_response (AdwMessageDialog *dialog,
                  const char       *response,
                  MqWindow         *self)
{
  GtkEditable *entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (entry)));

  if (!g_str_equal (response, "save") || *name == '\0')
    return;
  /* The extent, theme and filter are the hub's to put together. */
  gtk_widget_activate_action (GTK_WIDGET (self), "win.keep-view", "s", name);
}

static void
ask_view_name_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  MqWindow *self = MQ_WINDOW (widget);
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Save the Current View"),
                                              _("The extent, map theme and filter are kept in the project, to come back to in a meeting."));
  GtkWidget *entry = gtk_entry_new ();

  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("Name, e.g. 东川路以北"));
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "save", _("_Save"), NULL);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save", ADW_RESPONSE_SUGGESTED);
  g_signal_connect (dialog, "response", G_CALLBACK (on_name_response), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

void
_mq_window_class_init_saved (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.save-view", NULL, ask_view_name_action);
  gtk_widget_class_install_action (widget_class, "win.goto-view", "s", goto_view_action);
}

void
_mq_window_init_saved (MqWindow *self)
{
  g_signal_group_connect_swapped (self->project_signals, "notify::view-names",
                                  G_CALLBACK (show_saved_views), self);
}

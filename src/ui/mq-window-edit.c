/* mq-window-edit.c — the window's side of editing: undo and redo, the
 * read-only banner, the toasts after an edit, and a status table applied.
 *
 * The four-locks panel's model asks the project; the project says "changed"
 * once the file has the edit, and the map, the panels and the status line
 * each follow it on their own.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "mq-window-private.h"

static void
show_banner (MqWindow   *self,
             const char *text)
{
  if (text != NULL)
    gtk_label_set_text (self->banner_label, text);
  gtk_revealer_set_reveal_child (self->banner_revealer, text != NULL);
}

/* A project file opened read-only says so above the map. */
static void
on_store_state (MqWindow *self)
{
  gboolean read_only = mq_project_get_has_store (self->project) &&
                       !mq_project_get_editable (self->project);

  show_banner (self, read_only ? _("This project is read-only: it can be viewed and exported, "
                                   "but the four locks cannot be changed.")
                               : NULL);
}

/* The project reloads a file another program committed to; say why the
 * map blinks. */
static void
on_changed_elsewhere (MqWindow   *self,
                      const char *path)
{
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *text = g_strdup_printf (_("%s was changed by another program and has been reloaded"), base);

  _mq_window_toast (self, text);
}

static void
replay (MqWindow *self,
        gboolean  undo)
{
  g_autoptr(GError) error = NULL;

  if (!(undo ? mq_project_undo (self->project, &error) : mq_project_redo (self->project, &error)))
    _mq_window_toast (self, error->message);
}

static void
undo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  replay (MQ_WINDOW (widget), TRUE);
}

static void
redo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  replay (MQ_WINDOW (widget), FALSE);
}

static void
on_edit_failed (MqWindow   *self,
                const char *message)
{
  AdwToast *toast = adw_toast_new (message);

  adw_toast_set_timeout (toast, 8);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* A change to several parcels is easy to regret: offer to take it back. */
static void
on_edit_applied (MqWindow *self,
                 guint     n_parcels)
{
  g_autofree char *text = NULL;
  AdwToast *toast;

  if (n_parcels < 2)
    return;
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Changed %u parcel",
                                       "Changed %u parcels", n_parcels), n_parcels);
  toast = adw_toast_new (text);
  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_action_name (toast, "win.undo");
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* ---- a status table from the town, with a preview ---- */

#define PREVIEW_ROWS 300

static GtkWidget *
preview_list (MqDataset *dataset,
              MqEdit    *preview)
{
  MqParcels *parcels = mq_dataset_get_parcels (dataset);
  GtkWidget *list = gtk_list_box_new ();
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  guint n = mq_edit_get_n_changes (preview);

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  for (guint i = 0; i < MIN (n, PREVIEW_ROWS); i++)
    {
      const MqChange *c = mq_edit_get_change (preview, i);
      const char *id = mq_parcels_get (parcels, c->parcel)->id;
      g_autofree char *title = g_strdup_printf ("%s · %s", id ? id : "?", mq_field_label (c->field));
      g_autofree char *subtitle = g_strdup_printf ("%s → %s",
                                                   mq_field_value_label (c->field, c->old_value),
                                                   mq_field_value_label (c->field, c->value));
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_list_box_append (GTK_LIST_BOX (list), row);
    }
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), list);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scrolled), 320);
  return scrolled;
}

static void
on_table_response (AdwMessageDialog *dialog,
                   const char       *response,
                   MqWindow         *self)
{
  MqEdit *edit = g_object_get_data (G_OBJECT (dialog), "mq-edit");
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  AdwToast *toast;
  guint n;

  if (!g_str_equal (response, "apply"))
    return;
  if (!mq_project_apply (self->project, edit, &error))
    {
      _mq_window_show_problem (self, _("The Status Table Was Not Applied"), error);
      return;
    }
  n = mq_project_get_last_step (self->project) ? mq_edit_count_parcels (mq_project_get_last_step (self->project)) : 0;
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Status table applied: %u parcel changed",
                                       "Status table applied: %u parcels changed", n), n);
  toast = adw_toast_new (text);
  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_action_name (toast, "win.undo");
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/**
 * mq_window_apply_status_table:
 *
 * Reads the table, shows what it would change, and applies it — all rows in
 * one transaction — if the user agrees. A table with bad rows is refused
 * with every bad row named, before anything is shown as applicable.
 */
void
mq_window_apply_status_table (MqWindow   *self,
                              const char *path)
{
  MqDataset *dataset = mq_project_get_dataset (self->project);
  g_autoptr(GError) error = NULL;
  g_autoptr(MqEdit) edit = NULL;
  g_autoptr(MqEdit) preview = NULL;
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *body = NULL;
  GtkWidget *dialog;
  guint n;

  if (dataset == NULL || !mq_project_get_editable (self->project))
    return;
  edit = mq_csv_read_updates (mq_dataset_get_parcels (dataset), path, &error);
  preview = edit ? mq_project_preview (self->project, edit, &error) : NULL;
  if (preview == NULL)
    {
      _mq_window_show_problem (self, _("The Status Table Was Not Applied"), error);
      return;
    }
  n = mq_edit_count_parcels (preview);
  body = mq_edit_get_n_changes (preview) == 0
           ? g_strdup_printf (_("%s matches the project: nothing would change."), base)
           : g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%s changes %u fields of %u parcel. All of it is applied in one step, which Undo takes back.",
                                           "%s changes %u fields of %u parcels. All of it is applied in one step, which Undo takes back.",
                                           n), base, mq_edit_get_n_changes (preview), n);
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Apply the Status Table?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "apply", _("_Apply"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "apply",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "apply",
                                           mq_edit_get_n_changes (preview) > 0);
  if (mq_edit_get_n_changes (preview) > 0)
    adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), preview_list (dataset, preview));
  g_object_set_data_full (G_OBJECT (dialog), "mq-edit", g_steal_pointer (&edit),
                          (GDestroyNotify) mq_edit_free);
  g_signal_connect (dialog, "response", G_CALLBACK (on_table_response), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_table_chosen (GtkNativeDialog *chooser,
                 int              response,
                 MqWindow        *self)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      path = g_file_get_path (file);
      if (path != NULL)
        mq_window_apply_status_table (self, path);
    }
  g_object_unref (chooser);
}

static void
choose_status_table_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  MqWindow *self = MQ_WINDOW (widget);
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  chooser = gtk_file_chooser_native_new (_("Apply Status Table"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("Status tables (CSV)"));
  gtk_file_filter_add_suffix (filter, "csv");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_signal_connect (chooser, "response", G_CALLBACK (on_table_chosen), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

void
_mq_window_class_init_edit (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.undo", NULL, undo_action);
  gtk_widget_class_install_action (widget_class, "win.redo", NULL, redo_action);
  gtk_widget_class_install_action (widget_class, "win.apply-csv", NULL, choose_status_table_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK, "win.undo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.redo", NULL);
}

void
_mq_window_init_edit (MqWindow *self)
{
  MqParcelModel *model = mq_locks_panel_get_model (self->locks_panel);

  g_signal_connect_object (model, "failed", G_CALLBACK (on_edit_failed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (model, "applied", G_CALLBACK (on_edit_applied), self, G_CONNECT_SWAPPED);
  g_signal_group_connect_swapped (self->project_signals, "notify::editable",
                                  G_CALLBACK (on_store_state), self);
  g_signal_group_connect_swapped (self->project_signals, "notify::has-store",
                                  G_CALLBACK (on_store_state), self);
  g_signal_group_connect_swapped (self->project_signals, "changed-elsewhere",
                                  G_CALLBACK (on_changed_elsewhere), self);
}

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

#include "mq-status-table-dialog.h"
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
  const char *reason = mq_project_get_read_only_reason (self->project);

  if (read_only && reason != NULL)
    show_banner (self, reason);
  else
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

/* The table read, waiting for the user's answer. */
typedef struct
{
  MqWindow *window;
  MqEdit   *edit;
} TableAnswer;

static void
table_answer_free (TableAnswer *answer)
{
  g_object_unref (answer->window);
  mq_edit_free (answer->edit);
  g_free (answer);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TableAnswer, table_answer_free)

static void
on_table_answered (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(TableAnswer) answer = user_data;
  MqWindow *self = answer->window;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  AdwToast *toast;
  MqEdit *step;
  guint n;

  if (!mq_status_table_dialog_choose_finish (result, NULL))
    return;
  if (!mq_project_apply (self->project, answer->edit, &error))
    {
      _mq_window_show_problem (self, _("The Status Table Was Not Applied"), error);
      return;
    }
  step = mq_project_get_last_step (self->project);
  n = step ? mq_edit_count_parcels (step) : 0;
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Status table applied: %u parcel changed",
                                       "Status table applied: %u parcels changed", n), n);
  toast = adw_toast_new (text);
  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_action_name (toast, "win.undo");
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* Reads the table, shows what it would change, and applies it — all rows in
 * one transaction — if the user agrees. A table with bad rows is refused
 * with every bad row named, before anything is shown as applicable. */
static void
apply_status_table (MqWindow   *self,
                    const char *path)
{
  MqDataset *dataset = mq_project_get_dataset (self->project);
  g_autoptr(GError) error = NULL;
  g_autoptr(MqEdit) edit = NULL;
  g_autoptr(MqEdit) preview = NULL;
  TableAnswer *answer;

  if (dataset == NULL || !mq_project_get_editable (self->project))
    return;
  edit = mq_csv_read_updates (mq_dataset_get_parcels (dataset), path, &error);
  preview = edit ? mq_project_preview (self->project, edit, &error) : NULL;
  if (preview == NULL)
    {
      _mq_window_show_problem (self, _("The Status Table Was Not Applied"), error);
      return;
    }
  answer = g_new0 (TableAnswer, 1);
  answer->window = g_object_ref (self);
  answer->edit = g_steal_pointer (&edit);
  mq_status_table_dialog_choose (GTK_WINDOW (self), path, dataset, preview, NULL,
                                 on_table_answered, answer);
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
        apply_status_table (self, path);
    }
  g_object_unref (chooser);
}

static void
apply_status_table_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  apply_status_table (MQ_WINDOW (widget), g_variant_get_string (parameter, NULL));
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
  gtk_widget_class_install_action (widget_class, "win.apply-status-table", "s",
                                   apply_status_table_action);
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

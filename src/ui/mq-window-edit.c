/* mq-window-edit.c — the window's side of editing: the project store, undo
 * and redo, the read-only banner, and watching for other programs.
 *
 * The four-locks panel's model asks the store; the store says "changed"
 * once the file has the edit, and only then do the map, the panels and the
 * status line show it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "mq-window-private.h"

/* How often the file is checked for commits by other programs. */
#define WATCH_INTERVAL_S 2

static void
update_actions (MqWindow *self)
{
  gboolean can_undo = self->store != NULL && mq_store_can_undo (self->store);
  gboolean can_redo = self->store != NULL && mq_store_can_redo (self->store);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.undo", can_undo);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.redo", can_redo);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.apply-csv",
                                 self->store != NULL && !mq_store_is_read_only (self->store));
}

static void
on_store_changed (MqWindow *self)
{
  MqDataset *dataset = mq_store_get_dataset (self->store);

  mq_map_view_refresh (self->map_view);
  _mq_window_views_data_changed (self);
  _mq_window_present_data_changed (self);
  mq_identify_panel_show (self->identify_panel, dataset, mq_map_view_get_selection (self->map_view));
  _mq_window_update_status (self, dataset);
  update_actions (self);
}

static void
show_banner (MqWindow   *self,
             const char *text)
{
  if (text != NULL)
    gtk_label_set_text (self->banner_label, text);
  gtk_revealer_set_reveal_child (self->banner_revealer, text != NULL);
}

/* Another program committed to the file: what we hold is stale, and an edit
 * would be refused anyway. Load the file again, as it now is. */
static gboolean
watch_file (gpointer user_data)
{
  MqWindow *self = user_data;
  g_autofree char *path = NULL;
  g_autofree char *base = NULL;
  g_autofree char *text = NULL;

  if (self->store == NULL || !mq_store_changed_elsewhere (self->store))
    return G_SOURCE_CONTINUE;
  path = g_strdup (mq_store_get_path (self->store));
  base = g_path_get_basename (path);
  text = g_strdup_printf (_("%s was changed by another program and has been reloaded"), base);
  self->watch_id = 0;
  _mq_window_detach_store (self);
  _mq_window_toast (self, text);
  mq_window_open_path (self, path);
  return G_SOURCE_REMOVE;
}

void
_mq_window_detach_store (MqWindow *self)
{
  g_clear_handle_id (&self->watch_id, g_source_remove);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_object (&self->store);
  mq_parcel_model_set_store (mq_locks_panel_get_model (self->locks_panel), NULL);
  show_banner (self, NULL);
  update_actions (self);
  _mq_window_show_saved_views (self);
}

/* A survey file is not a project: the panel offers Save as Project. */
void
_mq_window_attach_store (MqWindow  *self,
                         MqDataset *dataset)
{
  g_autoptr(GError) error = NULL;

  _mq_window_detach_store (self);
  self->store = mq_store_open (dataset, &error);
  if (self->store == NULL && !g_error_matches (error, MQ_STORE_ERROR, MQ_STORE_ERROR_NOT_A_PROJECT))
    _mq_window_toast (self, error->message);
  if (self->store == NULL)
    return;
  g_signal_connect_swapped (self->store, "changed", G_CALLBACK (on_store_changed), self);
  mq_parcel_model_set_store (mq_locks_panel_get_model (self->locks_panel), self->store);
  if (mq_store_get_read_only_reason (self->store) != NULL)
    show_banner (self, mq_store_get_read_only_reason (self->store));
  else if (mq_store_is_read_only (self->store))
    show_banner (self, _("This project is read-only: it can be viewed and exported, "
                         "but the four locks cannot be changed."));
  else
    self->watch_id = g_timeout_add_seconds (WATCH_INTERVAL_S, watch_file, self);
  update_actions (self);
  _mq_window_show_saved_views (self);
}

static void
replay (MqWindow *self,
        gboolean  undo)
{
  g_autoptr(GError) error = NULL;

  if (self->store == NULL)
    return;
  if (!(undo ? mq_store_undo (self->store, &error) : mq_store_redo (self->store, &error)))
    _mq_window_toast (self, error->message);
  update_actions (self);
}

void
_mq_window_undo (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  replay (MQ_WINDOW (widget), TRUE);
}

void
_mq_window_redo (GtkWidget  *widget,
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

  update_actions (self);
  if (n_parcels < 2)
    return;
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Changed %u parcel",
                                       "Changed %u parcels", n_parcels), n_parcels);
  toast = adw_toast_new (text);
  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_action_name (toast, "win.undo");
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

void
_mq_window_init_editing (MqWindow *self)
{
  MqParcelModel *model = mq_locks_panel_get_model (self->locks_panel);

  g_signal_connect_object (model, "failed", G_CALLBACK (on_edit_failed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (model, "applied", G_CALLBACK (on_edit_applied), self, G_CONNECT_SWAPPED);
  update_actions (self);
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

  if (!g_str_equal (response, "apply") || self->store == NULL)
    return;
  if (!mq_store_apply (self->store, edit, &error))
    {
      _mq_window_show_problem (self, _("The Status Table Was Not Applied"), error);
      return;
    }
  n = mq_store_get_last_step (self->store) ? mq_edit_count_parcels (mq_store_get_last_step (self->store)) : 0;
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Status table applied: %u parcel changed",
                                       "Status table applied: %u parcels changed", n), n);
  toast = adw_toast_new (text);
  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_action_name (toast, "win.undo");
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
  update_actions (self);
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
  MqDataset *dataset = self->store ? mq_store_get_dataset (self->store) : NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MqEdit) edit = NULL;
  g_autoptr(MqEdit) preview = NULL;
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *body = NULL;
  GtkWidget *dialog;
  guint n;

  if (dataset == NULL)
    return;
  edit = mq_csv_read_updates (mq_dataset_get_parcels (dataset), path, &error);
  preview = edit ? mq_store_preview (self->store, edit, &error) : NULL;
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

void
_mq_window_choose_status_table (GtkWidget  *widget,
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

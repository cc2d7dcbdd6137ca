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
}

static void
on_store_changed (MqWindow *self)
{
  MqDataset *dataset = mq_store_get_dataset (self->store);

  mq_map_view_refresh (self->map_view);
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
  if (mq_store_is_read_only (self->store))
    show_banner (self, _("This project is read-only: it can be viewed and exported, "
                         "but the four locks cannot be changed."));
  else
    self->watch_id = g_timeout_add_seconds (WATCH_INTERVAL_S, watch_file, self);
  update_actions (self);
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

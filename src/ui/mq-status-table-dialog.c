/* mq-status-table-dialog.c
 *
 * The preview lists each change (parcel · field, old → new); Apply answers
 * TRUE, anything else G_IO_ERROR_CANCELLED. The edit itself stays with the
 * caller, who applies it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "mq-status-table-dialog.h"

/* Listing more rows than this helps nobody; the count says the rest. */
#define PREVIEW_ROWS 300

struct _MqStatusTableDialog
{
  AdwMessageDialog  parent_instance;

  GTask            *task;     /* the choice under way, answered on "response" */
  GCancellable     *cancellable;
  gulong            cancelled_id;
};

G_DEFINE_FINAL_TYPE (MqStatusTableDialog, mq_status_table_dialog, ADW_TYPE_MESSAGE_DIALOG)

static void
mq_status_table_dialog_response (AdwMessageDialog *dialog,
                                 const char       *response)
{
  MqStatusTableDialog *self = MQ_STATUS_TABLE_DIALOG (dialog);
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  if (task == NULL)
    return;
  if (g_str_equal (response, "apply"))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "cancelled");
}

static void
mq_status_table_dialog_dispose (GObject *object)
{
  MqStatusTableDialog *self = MQ_STATUS_TABLE_DIALOG (object);

  /* Closed without an answer: the caller still hears back. */
  if (self->task != NULL)
    mq_status_table_dialog_response (ADW_MESSAGE_DIALOG (self), "cancel");
  if (self->cancellable != NULL)
    g_cancellable_disconnect (self->cancellable, self->cancelled_id);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (mq_status_table_dialog_parent_class)->dispose (object);
}

static void
mq_status_table_dialog_class_init (MqStatusTableDialogClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = mq_status_table_dialog_dispose;
  ADW_MESSAGE_DIALOG_CLASS (klass)->response = mq_status_table_dialog_response;
}

static void
mq_status_table_dialog_init (MqStatusTableDialog *self)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (self);

  adw_message_dialog_set_heading (dialog, _("Apply the Status Table?"));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "apply", _("_Apply"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "apply", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_close_response (dialog, "cancel");
}

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
  /* The rest is counted, never silently left out. */
  if (n > PREVIEW_ROWS)
    {
      g_autofree char *more = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "and %u more change",
                                                            "and %u more changes", n - PREVIEW_ROWS),
                                               n - PREVIEW_ROWS);
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), more);
      gtk_list_box_append (GTK_LIST_BOX (list), row);
    }
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), list);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scrolled), 320);
  return scrolled;
}

static char *
dup_body (const char *path,
          MqEdit     *preview)
{
  g_autofree char *base = g_path_get_basename (path);
  guint n = mq_edit_count_parcels (preview);

  if (mq_edit_get_n_changes (preview) == 0)
    return g_strdup_printf (_("%s matches the project: nothing would change."), base);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "%s changes %u fields of %u parcel. All of it is applied in one step, which Undo takes back.",
                                       "%s changes %u fields of %u parcels. All of it is applied in one step, which Undo takes back.",
                                       n), base, mq_edit_get_n_changes (preview), n);
}

static void
on_cancelled (GCancellable        *cancellable,
              MqStatusTableDialog *self)
{
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (self), "cancel");
}

/**
 * mq_status_table_dialog_choose:
 * @path: the status table, named in the question
 * @preview: what applying it would change (mq_project_preview())
 *
 * Asks whether to apply the table; nothing changes is said so, with Apply off.
 */
void
mq_status_table_dialog_choose (GtkWindow           *parent,
                               const char          *heading,
                               const char          *path,
                               const char          *note,
                               MqDataset           *dataset,
                               MqEdit              *preview,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  MqStatusTableDialog *self = g_object_new (MQ_TYPE_STATUS_TABLE_DIALOG, "transient-for", parent,
                                            "modal", TRUE, NULL);
  g_autofree char *body = dup_body (path, preview);
  g_autofree char *full = note != NULL ? g_strconcat (body, "\n\n", note, NULL) : NULL;
  gboolean changes = mq_edit_get_n_changes (preview) > 0;

  self->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (self->task, mq_status_table_dialog_choose);
  if (heading != NULL)
    adw_message_dialog_set_heading (ADW_MESSAGE_DIALOG (self), heading);
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (self), full != NULL ? full : body);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "apply", changes);
  if (changes)
    adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (self), preview_list (dataset, preview));
  if (cancellable != NULL)
    {
      self->cancellable = g_object_ref (cancellable);
      self->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled), self, NULL);
    }
  gtk_window_present (GTK_WINDOW (self));
}

/* Returns: TRUE to apply; FALSE with G_IO_ERROR_CANCELLED otherwise */
gboolean
mq_status_table_dialog_choose_finish (GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == mq_status_table_dialog_choose, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* mq-batch-refusal-dialog.c
 *
 * Nothing of the batch was stored (an edit is all or nothing); the list
 * names each refused parcel with the rule it breaks, so the planner can
 * mend those or, with "apply", change only the parcels that pass. The
 * caller hears the answer as the dialog's "response" ("apply" or "cancel").
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-batch-refusal-dialog.h"

#include <glib/gi18n.h>

struct _MqBatchRefusalDialog
{
  AdwMessageDialog  parent_instance;
};

G_DEFINE_FINAL_TYPE (MqBatchRefusalDialog, mq_batch_refusal_dialog, ADW_TYPE_MESSAGE_DIALOG)

static void
mq_batch_refusal_dialog_class_init (MqBatchRefusalDialogClass *klass)
{
}

static void
mq_batch_refusal_dialog_init (MqBatchRefusalDialog *self)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (self);

  adw_message_dialog_set_heading (dialog, _("Some Parcels Cannot Be Changed"));
  adw_message_dialog_add_response (dialog, "cancel", _("_Cancel"));
  adw_message_dialog_set_close_response (dialog, "cancel");
}

static GtkWidget *
refusal_list (const char * const *ids,
              const char * const *reasons)
{
  GtkWidget *list = gtk_list_box_new ();
  GtkWidget *scrolled = gtk_scrolled_window_new ();

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  for (guint i = 0; ids[i] != NULL && reasons[i] != NULL; i++)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), ids[i]);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), reasons[i]);
      gtk_list_box_append (GTK_LIST_BOX (list), row);
    }
  /* A long list scrolls; a short one takes only its own height. */
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 320);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), list);
  return scrolled;
}

/**
 * mq_batch_refusal_dialog_new:
 * @ids: (array zero-terminated=1): the refused parcels' ids
 * @reasons: (array zero-terminated=1): why each one was refused
 * @n_passing: how many parcels of the batch the rules let pass
 */
GtkWidget *
mq_batch_refusal_dialog_new (GtkWindow          *parent,
                             const char * const *ids,
                             const char * const *reasons,
                             guint               n_passing)
{
  AdwMessageDialog *dialog = g_object_new (MQ_TYPE_BATCH_REFUSAL_DIALOG,
                                           "transient-for", parent, "modal", TRUE, NULL);
  guint n_refused = g_strv_length ((char **) ids);
  g_autofree char *body = NULL;
  g_autofree char *apply = NULL;

  body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "The rules refuse the change for %u parcel, so nothing "
                                       "was changed:",
                                       "The rules refuse the change for %u parcels, so nothing "
                                       "was changed:", n_refused), n_refused);
  adw_message_dialog_set_body (dialog, body);
  adw_message_dialog_set_extra_child (dialog, refusal_list (ids, reasons));
  if (n_passing > 0)
    {
      /* Translators: 只对符合条件的 %u 块应用 */
      apply = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "_Apply to the %u Parcel That Qualifies",
                                            "_Apply to the %u Parcels That Qualify", n_passing),
                               n_passing);
      adw_message_dialog_add_response (dialog, "apply", apply);
      adw_message_dialog_set_response_appearance (dialog, "apply", ADW_RESPONSE_SUGGESTED);
    }
  return GTK_WIDGET (dialog);
}

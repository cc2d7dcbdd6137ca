/* mq-survey-dialog.c
 *
 * The preview of a survey update: how many parcels and mu each class holds,
 * before and after; the values merged parcels disagree on, and the choice
 * of what they keep (Update is off until it is made); the change report to
 * save. "apply" answers TRUE, anything else G_IO_ERROR_CANCELLED; the
 * update itself stays with the caller.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "mq-survey-dialog.h"
#include "mq-survey-pdf.h"

/* Listing more conflicts than this helps nobody; the count says the rest. */
#define SHOWN_CONFLICTS 200

struct _MqSurveyDialog
{
  AdwMessageDialog  parent_instance;

  GtkGrid          *totals_grid;
  GtkExpander      *rows_expander;
  GtkListBox       *rows_list;
  GtkWidget        *conflicts_box;
  GtkLabel         *conflicts_label;
  GtkListBox       *conflict_list;
  GtkDropDown      *policy_dropdown;
  GtkLabel         *report_label;

  MqSurveyUpdate   *update;    /* borrowed: the caller keeps it until answered */
  GTask            *task;
};

G_DEFINE_FINAL_TYPE (MqSurveyDialog, mq_survey_dialog, ADW_TYPE_MESSAGE_DIALOG)

static void
mq_survey_dialog_response (AdwMessageDialog *dialog,
                           const char       *response)
{
  MqSurveyDialog *self = MQ_SURVEY_DIALOG (dialog);
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  if (task == NULL)
    return;
  if (g_str_equal (response, "apply"))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "cancelled");
}

static void fill_rows (MqSurveyDialog *self);

/* What the merged parcels carry follows every choice; Update waits until
 * each conflict is answered, one by one or by a rule for all. */
static void
show_choices (MqSurveyDialog *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->rows_list))) != NULL)
    gtk_list_box_remove (self->rows_list, child);
  fill_rows (self);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "apply",
                                           mq_survey_update_get_n_unresolved (self->update) == 0);
}

static void
on_policy_chosen (MqSurveyDialog *self)
{
  guint chosen = gtk_drop_down_get_selected (self->policy_dropdown);

  mq_survey_update_set_policy (self->update, chosen == 1 ? MQ_MERGE_LARGEST
                                             : chosen == 2 ? MQ_MERGE_AGREED : MQ_MERGE_ASK);
  show_choices (self);
}

/* One conflict answered: position 0 follows the rule, position p + 1
 * keeps parent p's value. */
static void
on_value_chosen (GtkDropDown    *dropdown,
                 GParamSpec     *pspec,
                 MqSurveyDialog *self)
{
  guint conflict = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (dropdown), "conflict"));

  mq_survey_update_choose (self->update, conflict, (int) gtk_drop_down_get_selected (dropdown) - 1);
  show_choices (self);
}

static void
on_report_chosen (GtkNativeDialog *chooser,
                  int              response,
                  MqSurveyDialog  *self)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;
  g_autofree char *base = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  if (response == GTK_RESPONSE_ACCEPT && (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser))) &&
      (path = g_file_get_path (file)) != NULL)
    {
      base = g_path_get_basename (path);
      if (g_str_has_suffix (path, ".pdf") ? mq_survey_pdf_write (self->update, path, mq_locale_is_chinese (), &error)
                                          : mq_survey_update_write_report (self->update, path, mq_locale_is_chinese (),
                                                                           &error))
        text = g_strdup_printf (_("Change report saved as %s"), base);
      else
        text = g_strdup (error->message);
      gtk_label_set_text (self->report_label, text);
    }
  g_object_unref (chooser);
}

static void
on_save_report (MqSurveyDialog *self)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autofree char *name = g_strdup (_("changes.xlsx"));
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (_("Save Change Report"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("Excel workbooks, PDF and CSV"));
  gtk_file_filter_add_suffix (filter, "xlsx");
  gtk_file_filter_add_suffix (filter, "pdf");
  gtk_file_filter_add_suffix (filter, "csv");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (on_report_chosen), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
mq_survey_dialog_dispose (GObject *object)
{
  MqSurveyDialog *self = MQ_SURVEY_DIALOG (object);

  /* Closed without an answer: the caller still hears back. */
  if (self->task != NULL)
    mq_survey_dialog_response (ADW_MESSAGE_DIALOG (self), "cancel");
  gtk_widget_dispose_template (GTK_WIDGET (self), MQ_TYPE_SURVEY_DIALOG);
  G_OBJECT_CLASS (mq_survey_dialog_parent_class)->dispose (object);
}

static void
mq_survey_dialog_class_init (MqSurveyDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = mq_survey_dialog_dispose;
  ADW_MESSAGE_DIALOG_CLASS (klass)->response = mq_survey_dialog_response;
  gtk_widget_class_set_template_from_resource (widget_class, "/org/maqiao/LandViewer/mq-survey-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, MqSurveyDialog, totals_grid);
  gtk_widget_class_bind_template_child (widget_class, MqSurveyDialog, rows_expander);
  gtk_widget_class_bind_template_child (widget_class, MqSurveyDialog, rows_list);
  gtk_widget_class_bind_template_child (widget_class, MqSurveyDialog, conflicts_box);
  gtk_widget_class_bind_template_child (widget_class, MqSurveyDialog, conflicts_label);
  gtk_widget_class_bind_template_child (widget_class, MqSurveyDialog, conflict_list);
  gtk_widget_class_bind_template_child (widget_class, MqSurveyDialog, policy_dropdown);
  gtk_widget_class_bind_template_child (widget_class, MqSurveyDialog, report_label);
  gtk_widget_class_bind_template_callback (widget_class, on_policy_chosen);
  gtk_widget_class_bind_template_callback (widget_class, on_save_report);
}

static void
mq_survey_dialog_init (MqSurveyDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

static void
put (GtkGrid    *grid,
     int         column,
     int         row,
     const char *text,
     gboolean    heading)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), column == 0 ? 0.0 : 1.0);
  if (heading)
    gtk_widget_add_css_class (label, "heading");
  else if (column > 0)
    gtk_widget_add_css_class (label, "numeric");
  gtk_grid_attach (grid, label, column, row, 1, 1);
}

/* A row per class that holds any parcel, before and after. */
static void
fill_totals (MqSurveyDialog *self)
{
  int row = 1;

  put (self->totals_grid, 0, 0, C_("lineage", "Class"), TRUE);
  put (self->totals_grid, 1, 0, _("Old parcels"), TRUE);
  put (self->totals_grid, 2, 0, _("Old mu"), TRUE);
  put (self->totals_grid, 3, 0, _("New parcels"), TRUE);
  put (self->totals_grid, 4, 0, _("New mu"), TRUE);
  for (guint r = 0; r < MQ_N_LINEAGES; r++)
    {
      MqLineageTotal t = mq_survey_update_get_total (self->update, r);
      g_autofree char *n_old = g_strdup_printf ("%u", t.n_old);
      g_autofree char *old_mu = g_strdup_printf ("%.2f", t.old_mu);
      g_autofree char *n_new = g_strdup_printf ("%u", t.n_new);
      g_autofree char *new_mu = g_strdup_printf ("%.2f", t.new_mu);

      if (t.n_old == 0 && t.n_new == 0)
        continue;
      put (self->totals_grid, 0, row, mq_lineage_label (r), FALSE);
      put (self->totals_grid, 1, row, n_old, FALSE);
      put (self->totals_grid, 2, row, old_mu, FALSE);
      put (self->totals_grid, 3, row, n_new, FALSE);
      put (self->totals_grid, 4, row++, new_mu, FALSE);
    }
}

/* "分割 · MQ0857 → MQ1155" and what it carries: the change report's rows. */
static GtkWidget *
change_row (MqSurveyUpdate      *update,
            const MqLineageLink *l)
{
  g_autofree char *old_id = mq_survey_update_dup_report_cell (update, l, 1);
  g_autofree char *new_id = mq_survey_update_dup_report_cell (update, l, 2);
  g_autofree char *locks = mq_survey_update_dup_report_cell (update, l, 8);
  g_autofree char *note = mq_survey_update_dup_report_cell (update, l, 9);
  g_autofree char *title = g_strdup_printf ("%s · %s → %s", mq_lineage_label (l->relation), old_id ? old_id : "—",
                                            new_id ? new_id : "—");
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), note ? note : locks ? locks : "");
  return row;
}

/* Every parcel the update touches, in the change report's order. */
static void
fill_rows (MqSurveyDialog *self)
{
  g_autofree char *label = NULL;
  guint n = 0;

  for (guint k = 0; k < mq_survey_update_get_n_links (self->update); k++)
    {
      const MqLineageLink *l = mq_survey_update_get_link (self->update, k);

      if (!mq_lineage_link_is_affected (l))
        continue;
      if (n++ < SHOWN_CONFLICTS)
        gtk_list_box_append (self->rows_list, change_row (self->update, l));
    }
  label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u parcel changes", "%u parcel changes", n), n);
  gtk_expander_set_label (self->rows_expander, label);
  gtk_widget_set_visible (GTK_WIDGET (self->rows_expander), n > 0);
}

/* A conflict and its answer: the rule chosen below, or one parent's value
 * (a lock comes with its date). */
static GtkWidget *
conflict_row (MqSurveyDialog        *self,
              guint                  k,
              const MqMergeConflict *c)
{
  MqParcels *parcels = mq_dataset_get_parcels (mq_survey_update_get_survey (self->update));
  const char *id = mq_parcels_get (parcels, c->new_index)->id;
  g_autofree char *title = g_strdup_printf ("%s · %s", id ? id : "?", mq_field_label (c->field));
  g_autoptr(GtkStringList) answers = gtk_string_list_new (NULL);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *dropdown;

  gtk_string_list_append (answers, _("By the rule below"));
  for (guint p = 0; c->parents[p] != NULL; p++)
    {
      g_autofree char *keep = g_strdup_printf (_("%s: %s"), c->parents[p],
                                               mq_field_value_label (c->field, c->values[p]));

      gtk_string_list_append (answers, keep);
    }
  dropdown = gtk_drop_down_new (G_LIST_MODEL (g_steal_pointer (&answers)), NULL);
  gtk_widget_set_name (dropdown, "conflict-answer");
  gtk_widget_set_valign (dropdown, GTK_ALIGN_CENTER);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (dropdown), (guint) (c->chosen + 1));
  g_object_set_data (G_OBJECT (dropdown), "conflict", GUINT_TO_POINTER (k));
  g_signal_connect_object (dropdown, "notify::selected", G_CALLBACK (on_value_chosen), self, 0);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), dropdown);
  return row;
}

static void
fill_conflicts (MqSurveyDialog *self)
{
  GPtrArray *conflicts = mq_survey_update_get_conflicts (self->update);
  g_autofree char *text = NULL;

  gtk_widget_set_visible (self->conflicts_box, conflicts->len > 0);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "apply", conflicts->len == 0);
  if (conflicts->len == 0)
    return;
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "Merged parcels disagree on %u value. Choose what a merged parcel keeps, "
                                       "value by value or by a rule; it is marked 待复核 either way.",
                                       "Merged parcels disagree on %u values. Choose what a merged parcel keeps, "
                                       "value by value or by a rule; it is marked 待复核 either way.",
                                       conflicts->len), conflicts->len);
  gtk_label_set_text (self->conflicts_label, text);
  for (guint k = 0; k < MIN (conflicts->len, SHOWN_CONFLICTS); k++)
    gtk_list_box_append (self->conflict_list, conflict_row (self, k, g_ptr_array_index (conflicts, k)));
}

static char *
dup_body (MqSurveyUpdate *update)
{
  g_autofree char *base = g_path_get_basename (mq_survey_update_get_survey_path (update));
  guint changed = 0;

  for (guint r = 0; r < MQ_N_LINEAGES; r++)
    if (r != MQ_LINEAGE_SAME)
      changed += mq_survey_update_get_total (update, r).n_old + mq_survey_update_get_total (update, r).n_new;
  return g_strdup_printf (_("The project's parcels become those of %s, each keeping its locks and status "
                            "where it can be matched (%u parcels, old and new, changed; the rest are the same). "
                            "The old parcels stay in the project, and Undo Survey Update takes it all back."),
                          base, changed);
}

/**
 * mq_survey_dialog_choose:
 * @update: the planned update, kept alive by the caller until answered
 */
void
mq_survey_dialog_choose (GtkWindow           *parent,
                         MqSurveyUpdate      *update,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  MqSurveyDialog *self = g_object_new (MQ_TYPE_SURVEY_DIALOG, "transient-for", parent, NULL);
  g_autofree char *body = dup_body (update);

  self->update = update;
  self->task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (self->task, mq_survey_dialog_choose);
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (self), body);
  fill_totals (self);
  fill_rows (self);
  fill_conflicts (self);
  gtk_window_present (GTK_WINDOW (self));
}

/* Returns: TRUE to update; FALSE with G_IO_ERROR_CANCELLED otherwise */
gboolean
mq_survey_dialog_choose_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == mq_survey_dialog_choose, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* mq-window-data.c — what the window tells about the data: the parcels with
 * problems, and the parcel table as CSV.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "mq-report.h"
#include "mq-style.h"
#include "mq-window-private.h"

/* Listing more rows than this helps nobody; the count says the rest. */
#define MAX_PROBLEM_ROWS 2000

static GtkWidget *
problem_row (const MqParcel *p,
             guint           index)
{
  g_autofree char *text = mq_problems_describe (p->problems);
  g_autofree char *fallback = g_strdup_printf (_("Record %u"), index + 1);
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), p->id ? p->id : fallback);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), text);
  return row;
}

static void
show_problems_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  MqWindow *self = MQ_WINDOW (widget);
  MqDataset *dataset = mq_project_get_dataset (self->project);
  g_autofree char *body = NULL;
  MqParcels *parcels;
  GtkWidget *dialog, *list, *scrolled;
  guint shown = 0;

  if (dataset == NULL)
    return;
  parcels = mq_dataset_get_parcels (dataset);
  body = g_strdup_printf (_("%u of %u parcels have problems. They stay on the map, outlined in "
                            "dashed magenta."),
                          mq_dataset_get_n_problem_parcels (dataset),
                          mq_parcels_get_n_parcels (parcels));
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Data Problems"), body);
  list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  for (guint i = 0; i < mq_parcels_get_n_parcels (parcels) && shown < MAX_PROBLEM_ROWS; i++)
    if (mq_parcels_get (parcels, i)->problems != 0)
      {
        gtk_list_box_append (GTK_LIST_BOX (list), problem_row (mq_parcels_get (parcels, i), i));
        shown++;
      }
  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scrolled), shown ? 360 : 0);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), list);
  gtk_widget_set_visible (scrolled, shown > 0);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), scrolled);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_csv_chooser_response (GtkNativeDialog *chooser,
                         int              response,
                         MqWindow        *self)
{
  MqDataset *dataset = mq_project_get_dataset (self->project);
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  if (response == GTK_RESPONSE_ACCEPT && dataset != NULL)
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      path = g_file_get_path (file);
      if (mq_csv_export (dataset, path, mq_locale_is_chinese (), &error))
        {
          g_autofree char *base = g_path_get_basename (path);
          g_autofree char *text = g_strdup_printf (_("Table saved as %s"), base);

          adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
        }
      else
        _mq_window_show_problem (self, _("Cannot Open the File"), error);
    }
  g_object_unref (chooser);
}

/* UTF-8 with a BOM, so that Excel shows the Chinese; headers in the
 * interface's language (stable English keys outside a Chinese locale). */
static void
export_csv_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  MqWindow *self = MQ_WINDOW (widget);
  MqDataset *dataset = mq_project_get_dataset (self->project);

  if (dataset != NULL)
    _mq_window_choose_save_file (self, _("Export Table as CSV"), _("_Export"),
                                 mq_dataset_get_path (dataset), ".csv",
                                 G_CALLBACK (on_csv_chooser_response));
}

/* The report is written in a worker thread: the atlas of a large survey takes
 * seconds. The dataset is only read, as the map's own frame worker does. */
typedef struct
{
  MqDataset       *dataset;
  char            *path;
  char            *title;
  char            *unit;
  MqSelection     *only;
  MqReportOptions  options;
} ReportJob;

static void
report_job_free (ReportJob *job)
{
  g_clear_object (&job->dataset);
  g_free (job->path);
  g_free (job->title);
  g_free (job->unit);
  g_clear_object (&job->only);
  g_free (job);
}

static void
write_report_thread (GTask        *task,
                     gpointer      source,
                     gpointer      data,
                     GCancellable *cancellable)
{
  ReportJob *job = data;
  GError *error = NULL;

  if (mq_report_write_pdf (job->dataset, job->path, &job->options, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
on_report_written (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  MqWindow *self = MQ_WINDOW (object);
  ReportJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *base = NULL;
  g_autofree char *text = NULL;
  g_autofree char *uri = NULL;
  AdwToast *toast;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      _mq_window_show_problem (self, _("Cannot Open the File"), error);
      return;
    }
  file = g_file_new_for_path (job->path);
  uri = g_file_get_uri (file);
  base = g_path_get_basename (job->path);
  text = g_strdup_printf (_("Report saved as %s"), base);
  toast = adw_toast_new (text);
  adw_toast_set_button_label (toast, _("_Open"));
  adw_toast_set_action_name (toast, "win.open-uri");
  adw_toast_set_action_target_value (toast, g_variant_new_string (uri));
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
on_pdf_chooser_response (GtkNativeDialog *chooser,
                         int              response,
                         MqWindow        *self)
{
  ReportJob *job = g_object_steal_data (G_OBJECT (chooser), "job");
  g_autoptr(GFile) file = NULL;
  g_autoptr(GTask) task = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      job->path = g_file_get_path (file);
      task = g_task_new (self, NULL, on_report_written, NULL);
      g_task_set_task_data (task, g_steal_pointer (&job), (GDestroyNotify) report_job_free);
      g_task_run_in_thread (task, write_report_thread);
      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("Writing the report…")));
    }
  g_clear_pointer (&job, report_job_free);
  g_object_unref (chooser);
}

static GtkWidget *
combo_row (const char        *title,
           const char *const *items)
{
  GtkWidget *row = adw_combo_row_new ();
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);

  for (guint i = 0; items[i] != NULL; i++)
    gtk_string_list_append (model, items[i]);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (model));
  return row;
}

static GtkWidget *
entry_row (const char *title)
{
  GtkWidget *row = adw_entry_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  return row;
}

static GtkWidget *
switch_row (const char *title,
            const char *subtitle,
            GtkWidget  *toggle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), toggle);
  return row;
}

static char *
entry_text (GObject    *dialog,
            const char *key)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (g_object_get_data (dialog, key)));

  return *text != '\0' ? g_strdup (text) : NULL;
}

static void
on_report_options_response (AdwMessageDialog *dialog,
                            const char       *response,
                            MqWindow         *self)
{
  MqDataset *dataset = mq_project_get_dataset (self->project);
  MqSelection *selection = mq_project_get_selection (self->project);
  GObject *d = G_OBJECT (dialog);
  GtkFileChooserNative *chooser;
  ReportJob *job;

  if (!g_str_equal (response, "export") || dataset == NULL)
    return;
  job = g_new0 (ReportJob, 1);
  job->dataset = g_object_ref (dataset);
  job->title = entry_text (d, "title");
  job->unit = entry_text (d, "unit");
  job->options.title = job->title;
  job->options.unit = job->unit;
  job->options.paper = adw_combo_row_get_selected (g_object_get_data (d, "paper")) == 1 ? "A4" : "A3";
  job->options.portrait = adw_combo_row_get_selected (g_object_get_data (d, "orientation")) == 1;
  job->options.atlas = gtk_switch_get_active (g_object_get_data (d, "atlas"));
  job->options.theme = adw_combo_row_get_selected (g_object_get_data (d, "theme"));
  /* A copy: the worker reads it while the map's selection may change. */
  if (gtk_switch_get_active (g_object_get_data (d, "only")) && mq_selection_get_n (selection) > 0)
    job->only = mq_selection_copy (selection);
  job->options.only = job->only;
  g_settings_set_string (self->settings, "report-paper", job->options.paper);
  g_settings_set_string (self->settings, "report-orientation",
                         job->options.portrait ? "portrait" : "landscape");
  g_settings_set_string (self->settings, "report-unit", job->unit ? job->unit : "");
  chooser = _mq_window_choose_save_file (self, _("Export PDF Report"), _("_Export"),
                                         mq_dataset_get_path (dataset), ".pdf",
                                         G_CALLBACK (on_pdf_chooser_response));
  /* The chooser answers from the main loop, after this. */
  g_object_set_data_full (G_OBJECT (chooser), "job", job, (GDestroyNotify) report_job_free);
}

/* Export PDF Report…: the report's options, then where to save it. Paper,
 * orientation and 制图单位 are remembered; the theme starts as the map's. */
static void
export_pdf_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  static const char *const papers[] = { "A3", "A4", NULL };
  const char *const orientations[] = { _("Landscape"), _("Portrait"), NULL };
  const char *const themes[] = {
    mq_style_theme_title (MQ_THEME_LOCKS), mq_style_theme_title (MQ_THEME_METHOD),
    mq_style_theme_title (MQ_THEME_FLAGGED), mq_style_theme_title (MQ_THEME_LANDUSE), NULL,
  };
  MqWindow *self = MQ_WINDOW (widget);
  guint n_selected = mq_selection_get_n (mq_project_get_selection (self->project));
  g_autofree char *paper_key = g_settings_get_string (self->settings, "report-paper");
  g_autofree char *orientation_key = g_settings_get_string (self->settings, "report-orientation");
  g_autofree char *unit_text = g_settings_get_string (self->settings, "report-unit");
  g_autofree char *only_subtitle = NULL;
  GtkWidget *dialog, *group, *paper, *orientation, *theme, *title, *unit, *atlas, *only, *only_row;

  if (mq_project_get_dataset (self->project) == NULL)
    return;
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Export PDF Report"), NULL);
  group = adw_preferences_group_new ();
  paper = combo_row (_("Paper"), papers);
  orientation = combo_row (_("Orientation"), orientations);
  theme = combo_row (_("Theme"), themes);
  adw_combo_row_set_selected (ADW_COMBO_ROW (paper), g_str_equal (paper_key, "A4"));
  adw_combo_row_set_selected (ADW_COMBO_ROW (orientation), g_str_equal (orientation_key, "portrait"));
  adw_combo_row_set_selected (ADW_COMBO_ROW (theme),
                              mq_renderer_get_theme (mq_map_view_get_renderer (self->map_view)));
  title = entry_row (_("Title (empty: the default)"));
  unit = entry_row (_("Made by (制图单位)"));
  gtk_editable_set_text (GTK_EDITABLE (unit), unit_text);
  atlas = gtk_switch_new ();
  gtk_switch_set_active (GTK_SWITCH (atlas), TRUE);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), paper);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), orientation);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), theme);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), title);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), unit);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                             switch_row (_("Atlas"), _("A page for each flagged parcel"), atlas));
  only = gtk_switch_new ();
  only_subtitle = g_strdup_printf (_("The table and atlas show the %u selected parcels"), n_selected);
  only_row = switch_row (_("Only Selected Parcels"), only_subtitle, only);
  gtk_widget_set_visible (only_row, n_selected > 0);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), only_row);
  g_object_set_data (G_OBJECT (dialog), "paper", paper);
  g_object_set_data (G_OBJECT (dialog), "orientation", orientation);
  g_object_set_data (G_OBJECT (dialog), "title", title);
  g_object_set_data (G_OBJECT (dialog), "unit", unit);
  g_object_set_data (G_OBJECT (dialog), "atlas", atlas);
  g_object_set_data (G_OBJECT (dialog), "theme", theme);
  g_object_set_data (G_OBJECT (dialog), "only", only);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), group);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "export", _("_Choose File…"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "export",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "export");
  g_signal_connect (dialog, "response", G_CALLBACK (on_report_options_response), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The toast's Open button: the file in the desktop's default viewer. */
static void
open_uri_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  gtk_show_uri (GTK_WINDOW (widget), g_variant_get_string (parameter, NULL), GDK_CURRENT_TIME);
}

void
_mq_window_class_init_data (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.problems", NULL, show_problems_action);
  gtk_widget_class_install_action (widget_class, "win.export-csv", NULL, export_csv_action);
  gtk_widget_class_install_action (widget_class, "win.export-pdf", NULL, export_pdf_action);
  gtk_widget_class_install_action (widget_class, "win.open-uri", "s", open_uri_action);
}

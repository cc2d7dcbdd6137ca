/* mq-window-data.c — what the window tells about the data: the parcels with
 * problems, and the parcel table as CSV.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "mq-report.h"
#include "mq-report-dialog.h"
#include "mq-report-set.h"
#include "mq-geopdf.h"
#include "mq-style.h"
#include "mq-window-private.h"

/* Listing more rows than this helps nobody; the count says the rest. */
#define MAX_PROBLEM_ROWS 2000

/* 计算 / 调查 / 差: what the area check compared, so a planner sees by how
 * much the surveyed figure is off; NULL when the source carries none. */
static char *
area_figures (const MqParcel *p)
{
  double computed = p->area_m2 / MQ_M2_PER_MU;
  double surveyed = p->survey_area_m2 / MQ_M2_PER_MU;

  if (isnan (p->survey_area_m2))
    return NULL;
  /* TRANSLATORS: the parcel's area computed from its shape, the one its
   * survey states, and the first minus the second, in mu */
  return g_strdup_printf (_("Computed %.2f mu · surveyed %.2f mu · difference %+.2f mu"),
                          computed, surveyed, computed - surveyed);
}

static GtkWidget *
problem_row (const MqParcel *p,
             guint           index)
{
  g_autofree char *text = mq_problems_describe (p->problems);
  g_autofree char *fallback = g_strdup_printf (_("Record %u"), index + 1);
  g_autofree char *figures = area_figures (p);
  g_autofree char *subtitle = figures ? g_strdup_printf ("%s\n%s", text, figures) : NULL;
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), p->id ? p->id : fallback);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle ? subtitle : text);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("find-location-symbolic"));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_widget_set_tooltip_text (row, _("Show on the map"));
  g_object_set_data (G_OBJECT (row), "parcel-index", GUINT_TO_POINTER (index));
  return row;
}

/* A problem row clicked: the dialog goes and the map flies to the parcel,
 * selected, as a row activated in the table does. */
static void
on_problem_activated (GtkListBox    *list,
                      GtkListBoxRow *row,
                      MqWindow      *self)
{
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "parcel-index"));
  GtkWidget *dialog = gtk_widget_get_ancestor (GTK_WIDGET (list), ADW_TYPE_MESSAGE_DIALOG);

  mq_selection_select_only (mq_project_get_selection (self->project), index);
  adw_view_stack_set_visible_child_name (self->view_stack, "map");
  mq_map_view_zoom_to_selection (self->map_view);
  if (dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (dialog));
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
                            "dashed magenta. Click one to see it on the map."),
                          mq_dataset_get_n_problem_parcels (dataset),
                          mq_parcels_get_n_parcels (parcels));
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Data Problems"), body);
  list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  g_signal_connect_object (list, "row-activated", G_CALLBACK (on_problem_activated), self, 0);
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

          _mq_window_toast (self, adw_toast_new (text));
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
                                 G_CALLBACK (on_csv_chooser_response), self, NULL);
}

/* The 台账 and the shapefile are written in a worker thread (a million
 * rows take seconds) from a snapshot of the dataset, which no edit changes
 * meanwhile. */
typedef enum
{
  EXPORT_XLSX,
  EXPORT_SHP,
} ExportKind;

typedef struct
{
  ExportKind kind;
  MqDataset *dataset;
  char      *path;
  char      *unit;
  gboolean   chinese;
} ExportJob;

static void
export_job_free (ExportJob *job)
{
  g_clear_object (&job->dataset);
  g_free (job->path);
  g_free (job->unit);
  g_free (job);
}

static void
write_export (GTask        *task,
              gpointer      source,
              gpointer      data,
              GCancellable *cancellable)
{
  ExportJob *job = data;
  GError *error = NULL;

  if (job->kind == EXPORT_XLSX ? mq_xlsx_export (job->dataset, job->path, job->chinese, job->unit, &error)
                               : mq_shp_export (job->dataset, job->path, FALSE, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
on_export_written (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  MqWindow *self = MQ_WINDOW (source);
  ExportJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_autofree char *base = g_path_get_basename (job->path);
      g_autofree char *text = g_strdup_printf (job->kind == EXPORT_XLSX ? _("Ledger saved as %s")
                                                                        : _("Shapefile saved as %s"), base);

      _mq_window_toast (self, adw_toast_new (text));
    }
  else
    _mq_window_show_problem (self, job->kind == EXPORT_XLSX ? _("Cannot Save the Ledger")
                                                            : _("Cannot Save the Shapefile"), error);
}

static void
start_export (MqWindow        *self,
              GtkNativeDialog *chooser,
              ExportKind       kind)
{
  MqDataset *dataset = mq_project_get_dataset (self->project);
  g_autoptr(GFile) file = NULL;

  if (dataset != NULL)
    {
      g_autoptr(GTask) task = g_task_new (self, NULL, on_export_written, NULL);
      ExportJob *job = g_new0 (ExportJob, 1);

      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      job->path = g_file_get_path (file);
      job->dataset = mq_dataset_snapshot (dataset);
      job->kind = kind;
      job->chinese = mq_locale_is_chinese ();
      /* The 制图单位 the report dialog remembers. */
      job->unit = self->settings ? g_settings_get_string (self->settings, "report-unit") : NULL;
      g_task_set_task_data (task, job, (GDestroyNotify) export_job_free);
      g_task_run_in_thread (task, write_export);
    }
}

static void
on_xlsx_chooser_response (GtkNativeDialog *chooser,
                          int              response,
                          MqWindow        *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    start_export (self, chooser, EXPORT_XLSX);
  g_object_unref (chooser);
}

static void
on_shp_chooser_response (GtkNativeDialog *chooser,
                         int              response,
                         MqWindow        *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    start_export (self, chooser, EXPORT_SHP);
  g_object_unref (chooser);
}

/* A shapefile for exchange (core/mq-shp-export.c), in UTF-8; GBK is
 * --export-shp --shp-encoding=GBK's. */
static void
export_shp_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  MqWindow *self = MQ_WINDOW (widget);
  MqDataset *dataset = mq_project_get_dataset (self->project);

  if (dataset != NULL)
    _mq_window_choose_save_file (self, _("Export Parcels as a Shapefile"), _("_Export"),
                                 mq_dataset_get_path (dataset), ".shp",
                                 G_CALLBACK (on_shp_chooser_response), self, NULL);
}

/* The Excel 台账 (core/mq-xlsx.c): ids as text, dates as dates, a total row. */
static void
export_xlsx_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  MqWindow *self = MQ_WINDOW (widget);
  MqDataset *dataset = mq_project_get_dataset (self->project);

  if (dataset != NULL)
    _mq_window_choose_save_file (self, _("Export the Ledger as Excel"), _("_Export"),
                                 mq_dataset_get_path (dataset), ".xlsx",
                                 G_CALLBACK (on_xlsx_chooser_response), self, NULL);
}

/* The report is written in a worker thread: the atlas of a large survey takes
 * seconds. The worker gets a snapshot of the dataset, as the map's own frame
 * worker does, and copies of everything else it reads. */
typedef struct
{
  MqWindow        *window;
  MqDataset       *dataset;
  MqReportChoice  *choice;
  MqSelection     *only;     /* a copy: the map's selection may change meanwhile */
  MqLabelField     label_field; /* the map's, read on the main thread */
  MqLayerList     *layers;   /* a copy of the map's */
  GPtrArray       *rasters;  /* the map's images (each locks its own reading) */
  MqChanges       *changes;  /* (nullable): worked out on the main thread, only read after */
  char            *path;
} ReportJob;

static void
report_job_free (ReportJob *job)
{
  g_clear_object (&job->window);
  g_clear_object (&job->dataset);
  g_clear_pointer (&job->choice, mq_report_choice_free);
  g_clear_object (&job->only);
  g_clear_object (&job->layers);
  g_clear_pointer (&job->rasters, g_ptr_array_unref);
  g_clear_pointer (&job->changes, mq_changes_free);
  g_free (job->path);
  g_free (job);
}

static void
report_job_closure_free (gpointer  data,
                         GClosure *closure)
{
  report_job_free (data);
}

/* The chooser keeps its job until it goes; the worker gets its own. */
static ReportJob *
report_job_steal (ReportJob *job)
{
  ReportJob *run = g_new0 (ReportJob, 1);

  run->window = g_steal_pointer (&job->window);
  run->dataset = g_steal_pointer (&job->dataset);
  run->choice = g_steal_pointer (&job->choice);
  run->only = g_steal_pointer (&job->only);
  run->label_field = job->label_field;
  run->layers = g_steal_pointer (&job->layers);
  run->rasters = g_steal_pointer (&job->rasters);
  run->changes = g_steal_pointer (&job->changes);
  return run;
}

static void
write_report_thread (GTask        *task,
                     gpointer      source,
                     gpointer      data,
                     GCancellable *cancellable)
{
  ReportJob *job = data;
  MqReportChoice *c = job->choice;
  MqReportOptions options = { c->title, c->unit, c->paper, c->portrait, c->theme, c->atlas,
                              job->only, job->label_field, job->rasters, c->geopdf, job->layers, job->changes };
  GError *error = NULL;
  gboolean ok;

  if (c->split > 0)
    ok = mq_report_write_set (job->dataset, job->path, (MqReportBy) (c->split - 1), &options, &error);
  else if (c->geopdf)
    ok = mq_geopdf_write (job->dataset, job->path, &options, &error);
  else
    ok = mq_report_write_pdf (job->dataset, job->path, &options, &error);
  if (ok)
    mq_task_return_boolean (task, TRUE);
  else
    mq_task_return_error (task, error);
}

static void
on_report_written (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(MqWindow) self = user_data;
  ReportJob *job = mq_task_get_data (G_TASK (result));
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
  text = job->choice->split > 0 ? g_strdup_printf (_("Reports saved in %s"), base)
                                : g_strdup_printf (_("Report saved as %s"), base);
  toast = adw_toast_new (text);
  adw_toast_set_button_label (toast, _("_Open"));
  adw_toast_set_action_name (toast, "win.open-uri");
  adw_toast_set_action_target_value (toast, g_variant_new_string (uri));
  _mq_window_toast (self, toast);
}

static void
on_pdf_chooser_response (GtkNativeDialog *chooser,
                         int              response,
                         ReportJob       *job)
{
  g_autoptr(MqDataset) snapshot = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GTask) task = NULL;
  ReportJob *run;

  if (response == GTK_RESPONSE_ACCEPT && job->window != NULL)
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      run = report_job_steal (job);
      run->path = g_file_get_path (file);
      /* The worker reads the parcels as they are now, whatever is edited meanwhile. */
      snapshot = mq_dataset_snapshot (run->dataset);
      g_set_object (&run->dataset, snapshot);
      _mq_window_toast (run->window, adw_toast_new (_("Writing the report…")));
      /* The window is the callback's, not the task's: the worker may drop
       * its task last, and a widget must not be finalized in a thread. */
      task = mq_task_new (NULL, NULL, on_report_written, g_steal_pointer (&run->window));
      mq_task_set_data (task, run, (GDestroyNotify) report_job_free);
      mq_task_run_in_thread (task, write_report_thread);
    }
  g_object_unref (chooser);
}

/* One report per group: the folder they go into, by default the survey's. */
static void
choose_report_folder (MqWindow   *self,
                      const char *source,
                      ReportJob  *job)
{
  g_autoptr(GFile) file = g_file_new_for_path (source);
  g_autoptr(GFile) folder = g_file_get_parent (file);
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (_("Export PDF Reports into a Folder"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _("_Export"), _("_Cancel"));
  if (folder != NULL)
    gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), folder, NULL);
  g_signal_connect_data (chooser, "response", G_CALLBACK (on_pdf_chooser_response), job,
                         report_job_closure_free, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
on_report_chosen (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(MqWindow) self = user_data;
  g_autoptr(MqReportChoice) choice = mq_report_dialog_choose_finish (result, NULL);
  MqDataset *dataset = mq_project_get_dataset (self->project);
  MqSelection *selection = mq_project_get_selection (self->project);
  g_autoptr(MqChanges) changes = NULL;
  g_autoptr(GError) error = NULL;
  ReportJob *job;

  if (choice == NULL || dataset == NULL)
    return;
  if (choice->changes && (changes = mq_project_dup_changes (self->project, &error)) == NULL)
    {
      _mq_window_show_problem (self, _("The Report Was Not Written"), error);
      return;
    }
  job = g_new0 (ReportJob, 1);
  job->changes = g_steal_pointer (&changes);
  job->window = g_object_ref (self);
  job->dataset = g_object_ref (dataset);
  if (choice->only_selected && mq_selection_get_n (selection) > 0)
    job->only = mq_selection_copy (selection);
  /* The report's maps label parcels as the window's map does. */
  job->label_field = mq_renderer_get_label_field (mq_map_view_get_renderer (self->map_view));
  /* And draw the layers it draws, its images under the parcels. */
  job->layers = mq_layer_list_copy (mq_renderer_get_layers (mq_map_view_get_renderer (self->map_view)));
  job->rasters = mq_renderer_dup_files (mq_map_view_get_renderer (self->map_view));
  job->choice = g_steal_pointer (&choice);
  if (job->choice->split > 0)
    choose_report_folder (self, mq_dataset_get_path (dataset), job);
  else
    _mq_window_choose_save_file (self, _("Export PDF Report"), _("_Export"), mq_dataset_get_path (dataset),
                                 ".pdf", G_CALLBACK (on_pdf_chooser_response), job,
                                 report_job_closure_free);
}

/* Export PDF Report…: the report's options, then where to save it. */
static void
export_pdf_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  MqWindow *self = MQ_WINDOW (widget);

  if (mq_project_get_dataset (self->project) == NULL)
    return;
  mq_report_dialog_choose (GTK_WINDOW (self), self->settings,
                           mq_renderer_get_theme (mq_map_view_get_renderer (self->map_view)),
                           mq_selection_get_n (mq_project_get_selection (self->project)), NULL,
                           on_report_chosen, g_object_ref (self));
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
  gtk_widget_class_install_action (widget_class, "win.export-xlsx", NULL, export_xlsx_action);
  gtk_widget_class_install_action (widget_class, "win.export-shp", NULL, export_shp_action);
  gtk_widget_class_install_action (widget_class, "win.export-pdf", NULL, export_pdf_action);
  gtk_widget_class_install_action (widget_class, "win.open-uri", "s", open_uri_action);
}

/* mq-window-survey.c — the window's survey update: win.update-survey and
 * win.undo-survey-update.
 *
 * Choose the new survey; a worker reads it and plans the update against a
 * snapshot of the project (core/mq-survey-match.c); the preview
 * (ui/mq-survey-dialog.c) shows what would change and, where merged parcels
 * disagree, asks what they keep. Applied, the project is closed, a worker
 * writes the update in one transaction — into the file, or on the server,
 * where every other window that has the project open reads it again — and
 * the project is opened again: every view follows the new parcels. Undo
 * takes the last update back the same way.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "mq-survey-dialog.h"
#include "mq-window-private.h"

/* One update on its way: the worker holds it while it reads or writes,
 * the main thread once it is handed back. */
typedef struct
{
  MqWindow       *window;
  MqDataset      *project;   /* a snapshot of the project: read, never changed */
  MqOpenRequest  *reopen;    /* the project as the window opens it again */
  char           *survey;
  MqSurveyUpdate *update;
} SurveyJob;

static void
survey_job_free (SurveyJob *job)
{
  g_clear_object (&job->window);
  g_clear_object (&job->project);
  g_clear_pointer (&job->reopen, mq_open_request_free);
  g_free (job->survey);
  g_clear_pointer (&job->update, mq_survey_update_free);
  g_free (job);
}

/* The project as it is now: a file is opened again by its path, a server
 * project as it was opened (its connection, a password included). */
static SurveyJob *
survey_job_new (MqWindow *self)
{
  SurveyJob *job = g_new0 (SurveyJob, 1);
  const char *path = mq_project_get_store_path (self->project);

  job->window = g_object_ref (self);
  job->project = mq_dataset_snapshot (mq_project_get_dataset (self->project));
  job->reopen = g_str_has_prefix (path, MQ_SERVER_PREFIX) && mq_project_get_request (self->project) != NULL
                  ? mq_open_request_copy (mq_project_get_request (self->project))
                  : mq_open_request_new (path);
  return job;
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SurveyJob, survey_job_free)

static void
start (SurveyJob           *job,
       GTaskThreadFunc      func,
       GAsyncReadyCallback  done)
{
  g_autoptr(GTask) task = mq_task_new (NULL, NULL, done, NULL);

  mq_task_set_data (task, job, (GDestroyNotify) survey_job_free);
  mq_task_run_in_thread (task, func);
}

/* The project as the file now holds it, whatever happened: the window
 * follows its project. */
static void
reopen (SurveyJob *job)
{
  mq_project_open (job->window->project, g_steal_pointer (&job->reopen));
}

/* The file written: the planned update applied, or without one, the last
 * update taken back. */
static void
write_thread (GTask        *task,
              gpointer      source,
              gpointer      data,
              GCancellable *cancellable)
{
  SurveyJob *job = data;
  GError *error = NULL;
  GDate today;
  gboolean ok;

  g_date_clear (&today, 1);
  g_date_set_julian (&today, mq_today ());
  ok = job->update != NULL ? mq_survey_update_apply (job->update, &today, &error)
                           : mq_survey_update_undo_dataset (job->project, &error);
  if (ok)
    mq_task_return_boolean (task, TRUE);
  else
    mq_task_return_error (task, error);
}

/* ---- undo ---- */

static void
on_undone (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  SurveyJob *job = mq_task_get_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  reopen (job);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    _mq_window_show_problem (job->window, _("The Survey Update Was Not Undone"), error);
  else
    _mq_window_toast (job->window, adw_toast_new (_("Survey update undone: the project has its old parcels again")));
}

static void
on_undo_answered (AdwMessageDialog *dialog,
                  const char       *response,
                  MqWindow         *self)
{
  SurveyJob *job;

  if (!g_str_equal (response, "undo"))
    return;
  job = survey_job_new (self);
  mq_project_close (self->project);
  start (job, write_thread, on_undone);
}

static void
undo_survey_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  MqWindow *self = MQ_WINDOW (widget);
  GtkWidget *dialog;

  if (mq_project_get_store_path (self->project) == NULL)
    return;
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Undo the Last Survey Update?"),
                                   _("The project gets back the parcels it had before, with their locks, "
                                     "and forgets the update's lineage and history. Changes made since "
                                     "the update would be lost, so then it cannot be undone."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "undo", _("_Undo Update"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "undo", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (on_undo_answered), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- update ---- */

static void
on_applied (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  SurveyJob *job = mq_task_get_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *base = NULL;
  g_autofree char *text = NULL;
  AdwToast *toast;

  reopen (job);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      _mq_window_show_problem (job->window, _("The Project Was Not Updated"), error);
      return;
    }
  base = g_path_get_basename (job->survey);
  text = g_strdup_printf (_("The project now follows %s"), base);
  toast = adw_toast_new (text);
  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_action_name (toast, "win.undo-survey-update");
  adw_toast_set_timeout (toast, 10);
  _mq_window_toast (job->window, toast);
}

static void
on_preview_answered (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(SurveyJob) job = user_data;
  MqWindow *self = job->window;

  if (!mq_survey_dialog_choose_finish (result, NULL))
    return;
  /* Nothing of the project stays open while the file changes under it. */
  mq_project_close (self->project);
  start (g_steal_pointer (&job), write_thread, on_applied);
}

static void
prepare_thread (GTask        *task,
                gpointer      source,
                gpointer      data,
                GCancellable *cancellable)
{
  SurveyJob *job = data;
  GError *error = NULL;

  /* Told at once when the server's parcels are not this planner's to
   * replace, not after reading the survey and a preview. */
  if (mq_survey_update_check_permitted (job->project, &error))
    job->update = mq_survey_update_prepare_for (job->project, job->survey, NULL, MQ_MERGE_ASK, cancellable,
                                                &error);
  if (job->update != NULL)
    mq_task_return_boolean (task, TRUE);
  else
    mq_task_return_error (task, error);
}

static void
on_prepared (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  SurveyJob *job = mq_task_get_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  SurveyJob *next;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      _mq_window_show_problem (job->window,
                               g_error_matches (error, MQ_SURVEY_UPDATE_ERROR, MQ_SURVEY_UPDATE_ERROR_NOT_PERMITTED)
                                 ? _("The Project's Survey Cannot Be Updated")
                                 : _("The New Survey Cannot Be Used"), error);
      return;
    }
  /* The dialog's answer takes the job on from the task. */
  next = g_new0 (SurveyJob, 1);
  next->window = g_object_ref (job->window);
  next->project = g_object_ref (job->project);
  next->reopen = g_steal_pointer (&job->reopen);
  next->survey = g_strdup (job->survey);
  next->update = g_steal_pointer (&job->update);
  mq_survey_dialog_choose (GTK_WINDOW (next->window), next->update, on_preview_answered, next);
}

/* Reads the survey and the project in a worker; the preview follows. */
static void
update_from (MqWindow   *self,
             const char *survey)
{
  SurveyJob *job;

  if (mq_project_get_store_path (self->project) == NULL || !mq_project_get_editable (self->project))
    return;
  job = survey_job_new (self);
  job->survey = g_strdup (survey);
  _mq_window_toast (self, adw_toast_new (_("Reading the new survey…")));
  start (job, prepare_thread, on_prepared);
}

static void
on_survey_chosen (GtkNativeDialog *chooser,
                  int              response,
                  MqWindow        *self)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;

  if (response == GTK_RESPONSE_ACCEPT && (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser))) &&
      (path = g_file_get_path (file)) != NULL)
    update_from (self, path);
  g_object_unref (chooser);
}

/* A file name need not be UTF-8: it comes as bytes. */
static void
update_survey_from_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  update_from (MQ_WINDOW (widget), g_variant_get_bytestring (parameter));
}

static void
update_survey_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  MqWindow *self = MQ_WINDOW (widget);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (_("Update to a New Survey"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("Surveys (shapefile, GeoPackage, zip, GeoJSON)"));
  gtk_file_filter_add_suffix (filter, "shp");
  gtk_file_filter_add_suffix (filter, "gpkg");
  gtk_file_filter_add_suffix (filter, "zip");
  gtk_file_filter_add_suffix (filter, "geojson");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_signal_connect (chooser, "response", G_CALLBACK (on_survey_chosen), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

void
_mq_window_class_init_survey (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.update-survey", NULL, update_survey_action);
  gtk_widget_class_install_action (widget_class, "win.update-survey-from", "ay", update_survey_from_action);
  gtk_widget_class_install_action (widget_class, "win.undo-survey-update", NULL, undo_survey_action);
}

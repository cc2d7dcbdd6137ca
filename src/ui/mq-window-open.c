/* mq-window-open.c — the window's side of opening: the loading page, the
 * questions a file may raise, what the user should know once it is open,
 * and Save as Project.
 *
 * The project loads and asks ("needs-answer"); this file shows the question
 * — a CRS for a source without one, consent for a damaged file whose
 * readable records may be used, a layer when there are several — and hands
 * the answer back to the project, which loads the same request again.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "mq-connect-dialog.h"
#include "mq-crs-dialog.h"
#include "mq-keyring.h"
#include "mq-window-private.h"

/* What the user should know about an opened file that is not an error. */
static void
report_opened (MqWindow  *self,
               MqDataset *dataset)
{
  GPtrArray *warnings = mq_dataset_get_warnings (dataset);
  guint problems = mq_dataset_get_n_problem_parcels (dataset);
  const GError *store_error = mq_project_get_store_error (self->project);
  g_autofree char *opened = g_strdup_printf (_("Opened %u parcels"),
                                             mq_parcels_get_n_parcels (mq_dataset_get_parcels (dataset)));

  _mq_window_toast (self, adw_toast_new (opened));
  if (store_error != NULL)
    _mq_window_toast (self, adw_toast_new (store_error->message));
  if (mq_dataset_get_n_lost_records (dataset) > 0)
    {
      g_autofree char *lost = g_strdup_printf (_("%u records of the file could not be read and are missing"),
                                               mq_dataset_get_n_lost_records (dataset));
      _mq_window_toast (self, adw_toast_new (lost));
    }
  if (problems > 0)
    {
      g_autofree char *text = g_strdup_printf (_("%u parcels have geometry or data problems"), problems);
      _mq_window_toast (self, adw_toast_new (text));
    }
  for (guint i = 0; i < warnings->len; i++)
    _mq_window_toast (self, adw_toast_new (g_ptr_array_index (warnings, i)));
}

/* Survey data with no parcel flagged yet reads better by land use. */
static void
choose_theme (MqWindow  *self,
              MqDataset *dataset)
{
  MqParcels *parcels = mq_dataset_get_parcels (dataset);

  for (guint i = 0; i < mq_parcels_get_n_parcels (parcels); i++)
    if (mq_parcels_get (parcels, i)->flagged)
      return;
  g_object_set (self, "theme", "landuse", NULL);
}

static void
on_loaded (MqWindow *self)
{
  MqDataset *dataset = mq_project_get_dataset (self->project);

  choose_theme (self, dataset);
  gtk_stack_set_visible_child_name (self->stack, "map");
  gtk_widget_grab_focus (GTK_WIDGET (self->map_view));
  report_opened (self, dataset);
}

/* How often the loading page tells how far a load has come: often enough
 * to move smoothly, seldom enough to cost the load nothing. */
#define PROGRESS_INTERVAL_MS 100

static gboolean
update_progress (gpointer data)
{
  MqWindow *self = data;
  double fraction = mq_project_get_progress (self->project);

  /* Saving as a project, or a source that does not say how much it holds. */
  if (self->save_cancellable != NULL || fraction < 0)
    {
      gtk_progress_bar_set_show_text (self->loading_progress, FALSE);
      gtk_progress_bar_pulse (self->loading_progress);
    }
  else
    {
      gtk_progress_bar_set_show_text (self->loading_progress, TRUE);
      gtk_progress_bar_set_fraction (self->loading_progress, fraction);
    }
  return G_SOURCE_CONTINUE;
}

/* The loading page, with the file's name, a progress bar and Cancel. */
static void
show_loading (MqWindow   *self,
              const char *path)
{
  g_autofree char *name = path ? g_path_get_basename (path) : NULL;
  g_autofree char *text = g_strdup_printf (_("Opening %s…"), name ? name : "");

  gtk_label_set_text (self->loading_label, text);
  gtk_progress_bar_set_fraction (self->loading_progress, 0);
  gtk_progress_bar_set_show_text (self->loading_progress, FALSE);
  if (self->loading_progress_id == 0)
    self->loading_progress_id = g_timeout_add (PROGRESS_INTERVAL_MS, update_progress, self);
  gtk_stack_set_visible_child_name (self->stack, "loading");
}

/* The loading page while a load runs; after it, what was shown before if
 * the load did not replace it. */
static void
on_loading (MqWindow *self)
{
  const MqOpenRequest *request = mq_project_get_request (self->project);

  if (mq_project_get_loading (self->project))
    {
      show_loading (self, request ? request->path : NULL);
      return;
    }
  g_clear_handle_id (&self->loading_progress_id, g_source_remove);
  gtk_stack_set_visible_child_name (self->stack, mq_project_get_dataset (self->project) ? "map" : "empty");
}

/* Cancel on the loading page: the load (or the save as a project) stops,
 * and what was shown before comes back. */
static void
cancel_open_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  MqWindow *self = MQ_WINDOW (widget);

  if (self->save_cancellable != NULL)
    g_cancellable_cancel (self->save_cancellable);
  else
    mq_project_cancel_open (self->project);
}

static void
on_failed (MqWindow     *self,
           const GError *error)
{
  _mq_window_show_problem (self, _("Cannot Open the File"), error);
}

/* ---- the questions -------------------------------------------------------- */

static void
on_partial_response (AdwMessageDialog *dialog,
                     const char       *response,
                     MqWindow         *self)
{
  if (g_str_equal (response, "open"))
    mq_project_answer_damaged (self->project);
}

static void
ask_partial (MqWindow     *self,
             const GError *error)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), _("The File Is Damaged"),
                                              error->message);

  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog), "%s\n\n%s", error->message,
                                  _("The readable records can be opened; the others will be "
                                    "missing from the map, the figures and any project made "
                                    "from them."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "open", _("_Open Readable Records"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "open",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_partial_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_crs_chosen (MqCrsDialog *dialog,
               const char  *definition,
               MqWindow    *self)
{
  mq_project_answer_crs (self->project, definition);
}

static void
ask_crs (MqWindow *self)
{
  const MqOpenRequest *request = mq_project_get_request (self->project);
  g_autoptr(GArray) codes = mq_source_suggest_crs (request->path, request->layer);
  MqCrsDialog *dialog = mq_crs_dialog_new (GTK_WINDOW (self), request->path, codes);

  g_signal_connect_object (dialog, "chosen", G_CALLBACK (on_crs_chosen), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_layer_response (AdwMessageDialog *dialog,
                   const char       *response,
                   MqWindow         *self)
{
  GtkDropDown *choice = GTK_DROP_DOWN (adw_message_dialog_get_extra_child (dialog));
  GtkStringObject *item = gtk_drop_down_get_selected_item (choice);

  if (g_str_equal (response, "open") && item != NULL)
    mq_project_answer_layer (self->project, gtk_string_object_get_string (item));
}

/* Shown over the first layer, already opened: the usual answer costs nothing. */
static void
ask_layer (MqWindow *self)
{
  MqDataset *dataset = mq_project_get_dataset (self->project);
  const char * const *layers = mq_dataset_get_polygon_layers (dataset);
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Several Parcel Layers"), NULL);
  GtkWidget *choice = gtk_drop_down_new_from_strings (layers);
  g_autofree char *body =
    g_strdup_printf (_("The file has %u polygon layers. “%s” is shown; choose the layer that "
                       "holds the parcels."),
                     g_strv_length ((char **) layers), mq_dataset_get_layer_name (dataset));

  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog), body);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), choice);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "keep", _("_Keep"), "open", _("_Open Layer"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "open",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_layer_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_needs_answer (MqWindow          *self,
                 MqProjectQuestion  question,
                 const GError      *error)
{
  switch (question)
    {
    case MQ_PROJECT_QUESTION_CRS:
      ask_crs (self);
      break;
    case MQ_PROJECT_QUESTION_DAMAGED:
      ask_partial (self, error);
      break;
    case MQ_PROJECT_QUESTION_LAYER:
      ask_layer (self);
      break;
    default:
      g_assert_not_reached ();
    }
}

/* ---- saving as a project ---------------------------------------------------- */

typedef struct
{
  MqOpenRequest *request;   /* a copy: the project's may change meanwhile */
  char          *output;
} SaveJob;

static void
save_job_free (SaveJob *job)
{
  mq_open_request_free (job->request);
  g_free (job->output);
  g_free (job);
}

static void
save_thread (GTask        *task,
             gpointer      source,
             gpointer      data,
             GCancellable *cancellable)
{
  SaveJob *job = data;
  MqLoadOptions options;
  GError *error = NULL;
  MqDataset *dataset;

  mq_open_request_get_options (job->request, &options);
  dataset = mq_import (job->request->path, &options, job->output, cancellable, &error);
  if (dataset == NULL)
    mq_task_return_error (task, error);
  else
    mq_task_return_pointer (task, dataset, g_object_unref);
}

static void
on_save_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(MqWindow) self = user_data;
  SaveJob *job = mq_task_get_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(MqDataset) dataset = g_task_propagate_pointer (G_TASK (result), &error);

  g_clear_object (&self->save_cancellable);
  /* A window closed meanwhile has no page to go back to. */
  if (self->project == NULL)
    return;
  on_loading (self);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (dataset == NULL)
    {
      _mq_window_show_problem (self, _("Cannot Open the File"), error);
      return;
    }
  /* From now on the window works on the project, not on the survey file. */
  mq_project_open_path (self->project, job->output);
}

static void
on_save_chooser_response (GtkNativeDialog *chooser,
                          int              response,
                          MqWindow        *self)
{
  const MqOpenRequest *request = mq_project_get_request (self->project);
  g_autoptr(GFile) file = NULL;
  g_autoptr(GTask) task = NULL;
  SaveJob *job;

  if (response == GTK_RESPONSE_ACCEPT && request != NULL)
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      job = g_new0 (SaveJob, 1);
      job->request = mq_open_request_copy (request);
      job->output = g_file_get_path (file);
      /* The window is the callback's, not the task's source: the worker
       * may drop the task last, and a widget is not finalized in a thread. */
      g_clear_object (&self->save_cancellable);
      self->save_cancellable = g_cancellable_new ();
      task = mq_task_new (NULL, self->save_cancellable, on_save_done, g_object_ref (self));
      mq_task_set_data (task, job, (GDestroyNotify) save_job_free);
      show_loading (self, job->output);
      mq_task_run_in_thread (task, save_thread);
    }
  g_object_unref (chooser);
}

/* The file as opened (same CRS, encoding, layer and field mapping) becomes a
 * project GeoPackage; the survey file itself is never written to. */
static void
save_project_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  MqWindow *self = MQ_WINDOW (widget);
  const MqOpenRequest *request = mq_project_get_request (self->project);

  if (request != NULL)
    _mq_window_choose_save_file (self, _("Save as Project"), _("_Save"), request->path, ".gpkg",
                                 G_CALLBACK (on_save_chooser_response), self, NULL);
}

/* ---- connecting to a server ---------------------------------------------------- */

static void
on_connected (MqConnectDialog     *dialog,
              const MqOpenRequest *request,
              const char          *notice,
              MqWindow            *self)
{
  if (notice != NULL)
    _mq_window_toast (self, adw_toast_new (notice));
  mq_project_open (self->project, mq_open_request_copy (request));
}

typedef struct
{
  MqWindow *self;
  char     *path;
} ServerFileJob;

static void
on_server_file_password (GObject      *source,
                         GAsyncResult *result,
                         gpointer      data)
{
  ServerFileJob *job = data;
  g_autoptr(GError) error = NULL;
  char *password = mq_keyring_lookup_finish (result, &error);
  MqOpenRequest *request;

  /* No keyring is no password: libpq may find one in ~/.pgpass. */
  if (error != NULL)
    g_debug ("keyring: %s", error->message);
  if (job->self->project != NULL)
    {
      request = mq_open_request_new (job->path);
      request->password = g_strdup (password);
      mq_project_open (job->self->project, request);
    }
  mq_keyring_free_password (password);
  g_object_unref (job->self);
  g_free (job->path);
  g_free (job);
}

/* A .mqproj opened from anywhere (Open, recent files, a drop, the command
 * line) takes the password Connect to Server… remembered for its service
 * and user. A file that cannot be read is left to the loader to report. */
static void
open_server_file_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  MqWindow *self = MQ_WINDOW (widget);
  const char *path = g_variant_get_bytestring (parameter);
  g_autoptr(MqServerFile) server = mq_server_file_read (path, NULL);
  ServerFileJob *job;

  if (server == NULL)
    {
      mq_project_open_path (self->project, path);
      return;
    }
  job = g_new0 (ServerFileJob, 1);
  job->self = g_object_ref (self);
  job->path = g_strdup (path);
  mq_keyring_lookup (server->service, server->user, NULL, on_server_file_password, job);
}

/* The dialog checks the connection itself, so that a wrong password is
 * corrected there; loading the project is then the window's, as for a file. */
static void
connect_server_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  MqWindow *self = MQ_WINDOW (widget);
  MqConnectDialog *dialog = mq_connect_dialog_new (GTK_WINDOW (self));

  g_signal_connect_object (dialog, "connected", G_CALLBACK (on_connected), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

void
_mq_window_class_init_open (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.connect-server", NULL, connect_server_action);
  gtk_widget_class_install_action (widget_class, "win.open-server-file", "ay", open_server_file_action);
  gtk_widget_class_install_action (widget_class, "win.save-project", NULL, save_project_action);
  gtk_widget_class_install_action (widget_class, "win.cancel-open", NULL, cancel_open_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.save-project", NULL);
}

void
_mq_window_init_open (MqWindow *self)
{
  g_signal_group_connect_swapped (self->project_signals, "notify::loading", G_CALLBACK (on_loading), self);
  g_signal_group_connect_swapped (self->project_signals, "loaded", G_CALLBACK (on_loaded), self);
  g_signal_group_connect_swapped (self->project_signals, "failed", G_CALLBACK (on_failed), self);
  g_signal_group_connect_swapped (self->project_signals, "needs-answer",
                                  G_CALLBACK (on_needs_answer), self);
}

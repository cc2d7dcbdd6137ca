/* mq-window-open.c — opening a file, and the questions it may raise.
 *
 * A load runs in a thread (mq_dataset_load_async). When it fails for a reason
 * the user can answer, the answer is asked and the same request is loaded
 * again with it: a CRS for a source without one, consent for a damaged file
 * whose readable records may be used, a layer when there are several.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "mq-crs-dialog.h"
#include "mq-window-private.h"

void
_mq_open_request_free (MqOpenRequest *request)
{
  if (request == NULL)
    return;
  g_free (request->path);
  g_free (request->crs);
  g_free (request->encoding);
  g_free (request->layer);
  g_free (request->field_mapping);
  g_free (request);
}

void
_mq_window_show_error (MqWindow     *self,
                       const GError *error)
{
  _mq_window_show_problem (self, _("Cannot Open the File"), error);
}

void
_mq_window_show_problem (MqWindow     *self,
                         const char   *heading,
                         const GError *error)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, error->message);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

void
_mq_window_update_status (MqWindow  *self,
                          MqDataset *dataset)
{
  g_autoptr(MqSummary) s = mq_summary_new (dataset, mq_today ());
  g_autofree char *base = g_path_get_basename (mq_dataset_get_path (dataset));
  g_autofree char *text =
    g_strdup_printf (_("%u parcels · %.1f mu · flagged for upgrade: %u parcels, %.1f mu · "
                       "overdue: %u · %s · %s"),
                     s->parcels, s->area_m2 / MQ_M2_PER_MU, s->flagged_parcels,
                     s->flagged_m2 / MQ_M2_PER_MU, s->overdue, s->crs, s->encoding);

  adw_view_switcher_title_set_subtitle (self->window_title, base);
  gtk_label_set_text (self->status_label, text);
}

void
_mq_window_toast (MqWindow   *self,
                  const char *text)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
}

/* What the user should know about an opened file that is not an error. */
static void
report_opened (MqWindow  *self,
               MqDataset *dataset)
{
  GPtrArray *warnings = mq_dataset_get_warnings (dataset);
  guint problems = mq_dataset_get_n_problem_parcels (dataset);
  g_autofree char *opened = g_strdup_printf (_("Opened %u parcels"),
                                             mq_parcels_get_n_parcels (mq_dataset_get_parcels (dataset)));

  _mq_window_toast (self, opened);
  if (mq_dataset_get_n_lost_records (dataset) > 0)
    {
      g_autofree char *lost = g_strdup_printf (_("%u records of the file could not be read and are missing"),
                                               mq_dataset_get_n_lost_records (dataset));
      _mq_window_toast (self, lost);
    }
  if (problems > 0)
    {
      g_autofree char *text = g_strdup_printf (_("%u parcels have geometry or data problems"), problems);
      _mq_window_toast (self, text);
    }
  for (guint i = 0; i < warnings->len; i++)
    _mq_window_toast (self, g_ptr_array_index (warnings, i));
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
show_dataset (MqWindow  *self,
              MqDataset *dataset)
{
  _mq_window_remember (self, mq_dataset_get_path (dataset));
  choose_theme (self, dataset);
  mq_map_view_set_dataset (self->map_view, dataset);
  _mq_window_show_in_views (self, dataset);
  gtk_stack_set_visible_child_name (self->stack, "map");
  gtk_widget_grab_focus (GTK_WIDGET (self->map_view));
  _mq_window_update_status (self, dataset);
  _mq_window_attach_store (self, dataset);
  report_opened (self, dataset);
  g_object_notify (G_OBJECT (self), "encoding");
}

static void
back_to_previous (MqWindow *self)
{
  gtk_stack_set_visible_child_name (self->stack,
                                    mq_map_view_get_dataset (self->map_view) ? "map" : "empty");
}

/* ---- the questions -------------------------------------------------------- */

static void
on_partial_response (AdwMessageDialog *dialog,
                     const char       *response,
                     MqWindow         *self)
{
  if (g_str_equal (response, "open"))
    {
      self->request->allow_partial = TRUE;
      _mq_window_load (self, g_steal_pointer (&self->request));
    }
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
  g_signal_connect (dialog, "response", G_CALLBACK (on_partial_response), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_crs_chosen (MqCrsDialog *dialog,
               const char  *definition,
               MqWindow    *self)
{
  if (self->request == NULL)
    return;
  g_free (self->request->crs);
  self->request->crs = g_strdup (definition);
  _mq_window_load (self, g_steal_pointer (&self->request));
}

static void
ask_crs (MqWindow *self)
{
  g_autoptr(GArray) codes = mq_source_suggest_crs (self->request->path, self->request->layer);
  MqCrsDialog *dialog = mq_crs_dialog_new (GTK_WINDOW (self), self->request->path, codes);

  g_signal_connect (dialog, "chosen", G_CALLBACK (on_crs_chosen), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_layer_response (AdwMessageDialog *dialog,
                   const char       *response,
                   MqWindow         *self)
{
  GtkDropDown *choice = GTK_DROP_DOWN (adw_message_dialog_get_extra_child (dialog));
  GtkStringObject *item = gtk_drop_down_get_selected_item (choice);
  const char *layer = item ? gtk_string_object_get_string (item) : NULL;

  if (!g_str_equal (response, "open") || layer == NULL || self->request == NULL ||
      g_strcmp0 (layer, self->request->layer) == 0)
    return;
  g_free (self->request->layer);
  self->request->layer = g_strdup (layer);
  _mq_window_load (self, g_steal_pointer (&self->request));
}

/* Shown over the first layer, already opened: the usual answer costs nothing. */
static void
ask_layer (MqWindow  *self,
           MqDataset *dataset)
{
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
  g_signal_connect (dialog, "response", G_CALLBACK (on_layer_response), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- loading --------------------------------------------------------------- */

static void
on_load_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(MqWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(MqDataset) dataset = mq_dataset_load_finish (result, &error);
  const char * const *layers;

  /* A load replaced by a newer one is dropped quietly. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->load_cancellable);
  if (dataset == NULL)
    {
      back_to_previous (self);
      if (g_error_matches (error, MQ_DATASET_ERROR, MQ_DATASET_ERROR_PARTIAL))
        ask_partial (self, error);
      else if (g_error_matches (error, MQ_DATASET_ERROR, MQ_DATASET_ERROR_NO_CRS))
        ask_crs (self);
      else
        _mq_window_show_error (self, error);
      return;
    }
  show_dataset (self, dataset);
  layers = mq_dataset_get_polygon_layers (dataset);
  if (self->request->layer == NULL && g_strv_length ((char **) layers) > 1 &&
      !g_str_equal (mq_dataset_get_layer_name (dataset), "parcels"))
    ask_layer (self, dataset);
}

/* Takes the request; it stays the window's current one, so that a question's
 * answer, or a new encoding, loads the same file again. */
void
_mq_window_load (MqWindow      *self,
                 MqOpenRequest *request)
{
  MqLoadOptions options = { request->crs, request->encoding, request->layer,
                            request->allow_partial, NULL, request->field_mapping };

  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  if (request != self->request)
    g_clear_pointer (&self->request, _mq_open_request_free);
  self->request = request;
  self->load_cancellable = g_cancellable_new ();
  gtk_stack_set_visible_child_name (self->stack, "loading");
  mq_dataset_load_async (request->path, &options, self->load_cancellable, on_load_done,
                         g_object_ref (self));
}

const char *
_mq_window_get_encoding (MqWindow *self)
{
  return (self->request && self->request->encoding) ? self->request->encoding : "auto";
}

/* Reopens the current file with another text encoding ("auto": decide again). */
void
_mq_window_set_encoding (MqWindow   *self,
                         const char *encoding)
{
  if (self->request == NULL || g_strcmp0 (encoding, _mq_window_get_encoding (self)) == 0)
    return;
  g_free (self->request->encoding);
  self->request->encoding = g_str_equal (encoding, "auto") ? NULL : g_strdup (encoding);
  _mq_window_load (self, self->request);
}

/* A save chooser for a file made from @source: it proposes "survey.shp" →
 * "survey<extension>" in the survey's own folder, where the bureau files what it
 * makes from it. Shown at once; @on_response owns the chooser. */
GtkFileChooserNative *
_mq_window_choose_save_file (MqWindow   *self,
                             const char *title,
                             const char *accept,
                             const char *source,
                             const char *extension,
                             GCallback   on_response)
{
  g_autofree char *base = g_path_get_basename (source);
  g_autofree char *name = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (source);
  g_autoptr(GFile) folder = g_file_get_parent (file);
  GtkFileChooserNative *chooser;
  char *dot = strrchr (base, '.');

  if (dot != NULL && dot != base)
    *dot = '\0';
  name = g_strconcat (base, extension, NULL);
  chooser = gtk_file_chooser_native_new (title, GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SAVE,
                                         accept, _("_Cancel"));
  if (folder != NULL)
    gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), folder, NULL);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_signal_connect (chooser, "response", on_response, self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
  return chooser;
}

/* ---- saving as a project ---------------------------------------------------- */

typedef struct
{
  MqOpenRequest *request;   /* a copy: the window's may change meanwhile */
  char          *output;
} SaveJob;

static void
save_job_free (SaveJob *job)
{
  _mq_open_request_free (job->request);
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
  MqOpenRequest *r = job->request;
  MqLoadOptions options = { r->crs, r->encoding, r->layer, r->allow_partial, NULL, r->field_mapping };
  GError *error = NULL;
  MqDataset *dataset = mq_import (r->path, &options, job->output, cancellable, &error);

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
  MqWindow *self = MQ_WINDOW (source);
  SaveJob *job = mq_task_get_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(MqDataset) dataset = g_task_propagate_pointer (G_TASK (result), &error);

  if (dataset == NULL)
    {
      back_to_previous (self);
      _mq_window_show_error (self, error);
      return;
    }
  /* From now on the window works on the project, not on the survey file. */
  mq_window_open_path (self, job->output);
}

static MqOpenRequest *
copy_request (const MqOpenRequest *r)
{
  MqOpenRequest *copy = g_new0 (MqOpenRequest, 1);

  copy->path = g_strdup (r->path);
  copy->crs = g_strdup (r->crs);
  copy->encoding = g_strdup (r->encoding);
  copy->layer = g_strdup (r->layer);
  copy->field_mapping = g_strdup (r->field_mapping);
  copy->allow_partial = r->allow_partial;
  return copy;
}

static void
on_save_chooser_response (GtkNativeDialog *chooser,
                          int              response,
                          MqWindow        *self)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GTask) task = NULL;
  SaveJob *job;

  if (response == GTK_RESPONSE_ACCEPT && self->request != NULL)
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      job = g_new0 (SaveJob, 1);
      job->request = copy_request (self->request);
      job->output = g_file_get_path (file);
      task = mq_task_new (self, NULL, on_save_done, NULL);
      mq_task_set_data (task, job, (GDestroyNotify) save_job_free);
      gtk_stack_set_visible_child_name (self->stack, "loading");
      mq_task_run_in_thread (task, save_thread);
    }
  g_object_unref (chooser);
}

/* The file as opened (same CRS, encoding, layer and field mapping) becomes a
 * project GeoPackage; the survey file itself is never written to. */
void
_mq_window_save_project (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  MqWindow *self = MQ_WINDOW (widget);

  if (self->request != NULL)
    _mq_window_choose_save_file (self, _("Save as Project"), _("_Save"), self->request->path, ".gpkg",
                                 G_CALLBACK (on_save_chooser_response));
}

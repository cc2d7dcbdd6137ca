/* mq-window-edit.c — the window's side of editing: undo and redo, the
 * read-only and offline banners, the toasts after an edit, a status table
 * applied, and the other planners: their changes named in a toast, an edit
 * that met theirs settled in the conflict dialog.
 *
 * The four-locks panel's model asks the project; the project says "changed"
 * once the file has the edit (or another planner's edit arrived), and the
 * map, the panels and the status line each follow it on their own. Whatever
 * path an edit took — the panel, undo, redo, a status table — a conflict
 * reaches this file once, as the project's "conflicted".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "mq-batch-refusal-dialog.h"
#include "mq-conflict-dialog.h"
#include "mq-status-table-dialog.h"
#include "mq-window-private.h"

static void
show_banner (MqWindow   *self,
             const char *text)
{
  if (text != NULL)
    gtk_label_set_text (self->banner_label, text);
  gtk_revealer_set_reveal_child (self->banner_revealer, text != NULL);
}

/* A project file opened read-only says so above the map. */
static void
on_store_state (MqWindow *self)
{
  /* A past day shown says so in a banner of its own. */
  gboolean read_only = mq_project_get_has_store (self->project) &&
                       !mq_project_get_editable (self->project) && mq_project_get_as_of (self->project) == 0;
  const char *reason = mq_project_get_read_only_reason (self->project);

  if (read_only && reason != NULL)
    show_banner (self, reason);
  else
    show_banner (self, read_only ? _("This project is read-only: it can be viewed and exported, "
                                     "but the four locks cannot be changed.")
                                 : NULL);
}

/* The project reloads a file another program committed to; say why the
 * map blinks. */
static void
on_changed_elsewhere (MqWindow   *self,
                      const char *path)
{
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *text = NULL;

  /* A server's parcels are only ever replaced whole by a survey update. */
  if (g_str_has_prefix (path, MQ_SERVER_PREFIX))
    text = g_strdup (_("The project was carried into a new survey (or back) on the server and has been read again"));
  else
    text = g_strdup_printf (_("%s was changed by another program and has been reloaded"), base);
  _mq_window_toast (self, adw_toast_new (text));
}

/* How a refused edit is told: a conflict has its own dialog (the project
 * says "conflicted"), the server out of reach the problem dialog — it is not
 * a slip of the user's to be shown in passing — and the rest a toast. */
static void
tell_refused (MqWindow     *self,
              const GError *error)
{
  if (g_error_matches (error, MQ_STORE_ERROR, MQ_STORE_ERROR_CONFLICT))
    return;
  if (g_error_matches (error, MQ_STORE_ERROR, MQ_STORE_ERROR_OFFLINE))
    _mq_window_show_problem (self, _("The Change Was Not Saved"), error);
  else
    {
      AdwToast *toast = adw_toast_new (error->message);

      adw_toast_set_timeout (toast, 8);
      _mq_window_toast (self, toast);
    }
}

static void
replay (MqWindow *self,
        gboolean  undo)
{
  g_autoptr(GError) error = NULL;

  if (!(undo ? mq_project_undo (self->project, &error) : mq_project_redo (self->project, &error)))
    tell_refused (self, error);
}

static void
undo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  replay (MQ_WINDOW (widget), TRUE);
}

static void
redo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  replay (MQ_WINDOW (widget), FALSE);
}

static void
on_edit_failed (MqWindow     *self,
                const GError *error)
{
  tell_refused (self, error);
}

static void
on_refusal_answered (AdwMessageDialog *dialog,
                     const char       *response,
                     MqWindow         *self)
{
  if (g_str_equal (response, "apply"))
    mq_parcel_model_apply_refused (mq_locks_panel_get_model (self->locks_panel));
}

/* A batch the rules refused for some parcels: which and why, in a list,
 * with the choice to change only the others. */
static void
on_edit_refused (MqWindow           *self,
                 const char * const *ids,
                 const char * const *reasons,
                 guint               n_passing)
{
  GtkWidget *dialog = mq_batch_refusal_dialog_new (GTK_WINDOW (self), ids, reasons, n_passing);

  g_signal_connect_object (dialog, "response", G_CALLBACK (on_refusal_answered), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* A change to several parcels is easy to regret: offer to take it back. */
static void
on_edit_applied (MqWindow *self,
                 guint     n_parcels)
{
  g_autofree char *text = NULL;
  AdwToast *toast;

  if (n_parcels < 2)
    return;
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Changed %u parcel",
                                       "Changed %u parcels", n_parcels), n_parcels);
  toast = adw_toast_new (text);
  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_action_name (toast, "win.undo");
  _mq_window_toast (self, toast);
}

/* ---- a status table from the town, with a preview ---- */

/* The table read, waiting for the user's answer. */
typedef struct
{
  MqWindow *window;
  MqEdit   *edit;
  gboolean  plan;     /* a 控规 layer's, not a table's */
} TableAnswer;

static void
table_answer_free (TableAnswer *answer)
{
  g_object_unref (answer->window);
  mq_edit_free (answer->edit);
  g_free (answer);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TableAnswer, table_answer_free)

static void
on_table_answered (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(TableAnswer) answer = user_data;
  MqWindow *self = answer->window;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  AdwToast *toast;
  MqEdit *step;
  guint n;

  if (!mq_status_table_dialog_choose_finish (result, NULL))
    return;
  if (!mq_project_apply (self->project, answer->edit, &error))
    {
      if (!g_error_matches (error, MQ_STORE_ERROR, MQ_STORE_ERROR_CONFLICT))
        _mq_window_show_problem (self, answer->plan ? _("The 控规 Layer Was Not Applied")
                                                    : _("The Status Table Was Not Applied"), error);
      return;
    }
  step = mq_project_get_last_step (self->project);
  n = step ? mq_edit_count_parcels (step) : 0;
  if (answer->plan)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "控规 applied: %u parcel changed",
                                         "控规 applied: %u parcels changed", n), n);
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Status table applied: %u parcel changed",
                                         "Status table applied: %u parcels changed", n), n);
  toast = adw_toast_new (text);
  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_action_name (toast, "win.undo");
  _mq_window_toast (self, toast);
}

/* Reads the table, shows what it would change, and applies it — all rows in
 * one transaction — if the user agrees. A table with bad rows is refused
 * with every bad row named, before anything is shown as applicable. */
static void
apply_status_table (MqWindow   *self,
                    const char *path)
{
  MqDataset *dataset = mq_project_get_dataset (self->project);
  g_autoptr(GError) error = NULL;
  g_autoptr(MqEdit) edit = NULL;
  g_autoptr(MqEdit) preview = NULL;
  TableAnswer *answer;

  if (dataset == NULL || !mq_project_get_editable (self->project))
    return;
  edit = mq_csv_read_updates (mq_dataset_get_parcels (dataset), path, &error);
  preview = edit ? mq_project_preview (self->project, edit, &error) : NULL;
  if (preview == NULL)
    {
      _mq_window_show_problem (self, _("The Status Table Was Not Applied"), error);
      return;
    }
  answer = g_new0 (TableAnswer, 1);
  answer->window = g_object_ref (self);
  answer->edit = g_steal_pointer (&edit);
  mq_status_table_dialog_choose (GTK_WINDOW (self), NULL, path, NULL, dataset, preview, NULL,
                                 on_table_answered, answer);
}

/* The file chosen is given to the action that takes a path (its name kept
 * on the chooser): the same as a path given on the command line. */
static void
on_file_chosen (GtkNativeDialog *chooser,
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
        gtk_widget_activate_action (GTK_WIDGET (self), g_object_get_data (G_OBJECT (chooser), "action"),
                                    "s", path);
    }
  g_object_unref (chooser);
}

static void
choose_file (MqWindow           *self,
             const char         *title,
             const char         *filter_name,
             const char * const *suffixes,
             const char         *action)
{
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  chooser = gtk_file_chooser_native_new (title, GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Open"), _("_Cancel"));
  gtk_file_filter_set_name (filter, filter_name);
  for (guint i = 0; suffixes[i] != NULL; i++)
    gtk_file_filter_add_suffix (filter, suffixes[i]);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_object_set_data (G_OBJECT (chooser), "action", (gpointer) action);
  g_signal_connect (chooser, "response", G_CALLBACK (on_file_chosen), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
apply_status_table_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  apply_status_table (MQ_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

static void
choose_status_table_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  static const char *const suffixes[] = { "csv", "xlsx", "ods", NULL };

  choose_file (MQ_WINDOW (widget), _("Apply Status Table"), _("Status tables (CSV, Excel)"), suffixes,
               "win.apply-status-table");
}

/* ---- a 控规 layer's planned use and ratio ---- */

/* The layer read in a worker against the parcels as they were when it was
 * chosen (a frozen generation: its shapes and index never change). */
typedef struct
{
  MqWindow         *window;
  MqDataset        *dataset;
  MqParcels        *parcels;
  char             *wkt;
  char             *path;
  MqEdit           *edit;
  MqPlanningResult  result;
} PlanJob;

static void
plan_job_free (PlanJob *job)
{
  g_object_unref (job->window);
  g_object_unref (job->dataset);
  g_object_unref (job->parcels);
  g_free (job->wkt);
  g_free (job->path);
  g_clear_pointer (&job->edit, mq_edit_free);
  mq_planning_result_clear (&job->result);
  g_free (job);
}

static void
plan_thread (GTask        *task,
             gpointer      source,
             gpointer      data,
             GCancellable *cancellable)
{
  PlanJob *job = data;
  GError *error = NULL;

  job->edit = mq_planning_read (job->parcels, job->wkt, job->path, &job->result, &error);
  if (job->edit != NULL)
    mq_task_return_boolean (task, TRUE);
  else
    mq_task_return_error (task, error);
}

static char *
dup_straddling (const MqPlanningResult *result)
{
  g_autofree char *ids = NULL;
  guint n = result->straddling->len;

  if (n == 0)
    return NULL;
  g_ptr_array_add (result->straddling, NULL);
  ids = g_strjoinv ("、", (char **) result->straddling->pdata);
  g_ptr_array_set_size (result->straddling, n);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "%u parcel lies across plan zones, none covering half of it; it is left as it was: %s",
                                       "%u parcels lie across plan zones, none covering half of them; they are left as they were: %s",
                                       n), n, ids);
}

static void
on_plan_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  PlanJob *job = mq_task_get_data (G_TASK (result));
  MqWindow *self = job->window;
  g_autoptr(GError) error = NULL;
  g_autoptr(MqEdit) preview = NULL;
  g_autofree char *note = NULL;
  TableAnswer *answer;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      _mq_window_show_problem (self, _("The 控规 Layer Was Not Applied"), error);
      return;
    }
  /* Another file opened meanwhile: the plan was read for the one before. */
  if (mq_project_get_dataset (self->project) != job->dataset || !mq_project_get_editable (self->project))
    return;
  preview = mq_project_preview (self->project, job->edit, &error);
  if (preview == NULL)
    {
      _mq_window_show_problem (self, _("The 控规 Layer Was Not Applied"), error);
      return;
    }
  note = dup_straddling (&job->result);
  answer = g_new0 (TableAnswer, 1);
  answer->window = g_object_ref (self);
  answer->edit = g_steal_pointer (&job->edit);
  answer->plan = TRUE;
  mq_status_table_dialog_choose (GTK_WINDOW (self), _("Apply the 控规 Layer?"), job->path, note,
                                 job->dataset, preview, NULL, on_table_answered, answer);
}

static void
apply_planning (MqWindow   *self,
                const char *path)
{
  MqDataset *dataset = mq_project_get_dataset (self->project);
  g_autoptr(GTask) task = NULL;
  PlanJob *job;

  if (dataset == NULL || !mq_project_get_editable (self->project))
    return;
  job = g_new0 (PlanJob, 1);
  job->window = g_object_ref (self);
  job->dataset = g_object_ref (dataset);
  job->parcels = g_object_ref (mq_dataset_get_parcels (dataset));
  job->wkt = g_strdup (mq_dataset_get_display_wkt (dataset));
  job->path = g_strdup (path);
  task = mq_task_new (NULL, NULL, on_plan_read, NULL);
  mq_task_set_data (task, job, (GDestroyNotify) plan_job_free);
  mq_task_run_in_thread (task, plan_thread);
}

static void
apply_planning_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  apply_planning (MQ_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

static void
choose_planning_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  static const char *const suffixes[] = { "shp", "gpkg", "geojson", "json", "zip", "kml", "gml", NULL };

  choose_file (MQ_WINDOW (widget), _("Apply a 控规 Layer"), _("Plan layers (Shapefile, GeoPackage, GeoJSON)"),
               suffixes, "win.apply-planning-from");
}

/* ---- other planners ---- */

static void on_conflicts_chosen (GObject      *source,
                                 GAsyncResult *result,
                                 gpointer      user_data);

/* An edit met another planner's change to the same field: nothing was
 * stored and the parcels show theirs. The user chooses field by field. */
static void
on_conflicted (MqWindow *self)
{
  GPtrArray *conflicts = mq_project_get_conflicts (self->project);

  if (conflicts == NULL || conflicts->len == 0)
    return;
  mq_conflict_dialog_choose (GTK_WINDOW (self), conflicts, NULL, on_conflicts_chosen,
                             g_object_ref (self));
}

/* The edit is asked again without the fields kept as theirs; a conflict
 * met on the way says "conflicted" again, and the dialog comes back. */
static void
on_conflicts_chosen (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(MqWindow) self = user_data;
  g_autoptr(GArray) keep_theirs = mq_conflict_dialog_choose_finish (result, NULL);
  g_autoptr(GError) error = NULL;

  if (keep_theirs == NULL)
    {
      mq_project_forget_conflicts (self->project);
      return;
    }
  if (!mq_project_resolve_conflicts (self->project, (const gboolean *) keep_theirs->data,
                                     keep_theirs->len, &error))
    tell_refused (self, error);
}

/* The fields of one parcel's changes, as labels: "责任主体、联系人". */
static char *
dup_field_labels (GPtrArray *entries)
{
  g_autoptr(GString) labels = g_string_new (NULL);
  guint64 seen = 0;

  for (guint i = 0; i < entries->len; i++)
    {
      const MqHistoryEntry *e = g_ptr_array_index (entries, i);
      MqField field = mq_field_from_header (e->field);
      const char *label = field < MQ_N_FIELDS ? mq_field_label (field) : e->field;

      if (field < MQ_N_FIELDS && (seen & (G_GUINT64_CONSTANT (1) << field)))
        continue;
      if (field < MQ_N_FIELDS)
        seen |= G_GUINT64_CONSTANT (1) << field;
      if (labels->len > 0)
        g_string_append (labels, C_("list separator", ", "));
      g_string_append (labels, label ? label : "?");
    }
  return g_string_free (g_steal_pointer (&labels), FALSE);
}

/* "王工 修改了 MQ0123 的 责任主体"; several parcels: "王工 修改了 5 个地块", or
 * with other planners among them "王工 等修改了 5 个地块". */
static char *
dup_remote_text (GPtrArray *entries)
{
  const MqHistoryEntry *first = g_ptr_array_index (entries, 0);
  g_autoptr(GHashTable) parcels = g_hash_table_new (g_str_hash, g_str_equal);
  gboolean one_user = TRUE;
  const char *who = first->user ? first->user : _("Someone");
  guint n;

  for (guint i = 0; i < entries->len; i++)
    {
      const MqHistoryEntry *e = g_ptr_array_index (entries, i);

      g_hash_table_add (parcels, e->parcel_id ? e->parcel_id : "");
      one_user = one_user && g_strcmp0 (e->user, first->user) == 0;
    }
  n = g_hash_table_size (parcels);
  if (n == 1 && one_user)
    {
      g_autofree char *fields = dup_field_labels (entries);

      /* Translators: who, parcel, field(s): "王工 修改了 MQ0123 的 责任主体" */
      return g_strdup_printf (_("%1$s changed %3$s of %2$s"), who,
                              first->parcel_id ? first->parcel_id : "?", fields);
    }
  if (one_user)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s changed %u parcel",
                                         "%s changed %u parcels", n), who, n);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s and others changed %u parcel",
                                       "%s and others changed %u parcels", n), who, n);
}

/* The views have refreshed already (the project's "changed"); say who. */
static void
on_changed_remotely (MqWindow  *self,
                     GPtrArray *entries)
{
  g_autofree char *text = NULL;
  AdwToast *toast;

  if (entries == NULL || entries->len == 0)
    return;

  text = dup_remote_text (entries);
  toast = adw_toast_new (text);
  /* News of the project as it is now: ahead of a toast about the past
   * (the open), and the next burst's replaces this one. */
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  _mq_window_toast (self, toast);
}

static void
on_online (MqWindow *self)
{
  gtk_revealer_set_reveal_child (self->offline_revealer,
                                 !mq_project_get_online (self->project));
}

void
_mq_window_class_init_edit (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.undo", NULL, undo_action);
  gtk_widget_class_install_action (widget_class, "win.redo", NULL, redo_action);
  gtk_widget_class_install_action (widget_class, "win.apply-csv", NULL, choose_status_table_action);
  gtk_widget_class_install_action (widget_class, "win.apply-status-table", "s",
                                   apply_status_table_action);
  gtk_widget_class_install_action (widget_class, "win.apply-planning", NULL, choose_planning_action);
  gtk_widget_class_install_action (widget_class, "win.apply-planning-from", "s",
                                   apply_planning_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK, "win.undo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.redo", NULL);
}

void
_mq_window_init_edit (MqWindow *self)
{
  MqParcelModel *model = mq_locks_panel_get_model (self->locks_panel);

  g_signal_connect_object (model, "failed", G_CALLBACK (on_edit_failed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (model, "applied", G_CALLBACK (on_edit_applied), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (model, "refused", G_CALLBACK (on_edit_refused), self, G_CONNECT_SWAPPED);
  g_signal_group_connect_swapped (self->project_signals, "notify::editable",
                                  G_CALLBACK (on_store_state), self);
  g_signal_group_connect_swapped (self->project_signals, "notify::has-store",
                                  G_CALLBACK (on_store_state), self);
  g_signal_group_connect_swapped (self->project_signals, "changed-elsewhere",
                                  G_CALLBACK (on_changed_elsewhere), self);
  g_signal_group_connect_swapped (self->project_signals, "conflicted",
                                  G_CALLBACK (on_conflicted), self);
  g_signal_group_connect_swapped (self->project_signals, "changed-remotely",
                                  G_CALLBACK (on_changed_remotely), self);
  g_signal_group_connect_swapped (self->project_signals, "notify::online",
                                  G_CALLBACK (on_online), self);
}

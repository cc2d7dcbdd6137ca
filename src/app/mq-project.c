/* mq-project.c
 *
 * A load runs in a thread, its task data a copy of the request (the one form
 * the load options take; the loader reads it through MqLoadOptions). When it
 * fails for a reason the user can answer, "needs-answer" asks, and the answer loads the
 * same request again with it. The dataset shown stays until its successor
 * has loaded, so a question or a failed reload never leaves an empty map.
 *
 * The store's "changed" says an edit is on disk; the project then tells the
 * filter (its texts and what it leaves) and its views, with which parcels
 * and which fields changed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "mq-app-enum-types.h"
#include "mq-project.h"

/* How often the file is checked for commits by other programs. */
#define WATCH_INTERVAL_S 2
#define SAVED_VIEWS_KEY "saved_views"

struct _MqProject
{
  GObject        parent_instance;

  MqOpenRequest *request;
  GCancellable  *cancellable;     /* the load under way, if any */
  MqDataset     *dataset;
  MqStore       *store;
  GError        *store_error;     /* why a project file could not be edited */
  guint          watch_id;
  MqSelection   *selection;
  MqFilter      *filter;
  gboolean       told[4];         /* has-store, editable, can-undo, can-redo as last notified */
};

G_DEFINE_FINAL_TYPE (MqProject, mq_project, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_DATASET,
  PROP_SELECTION,
  PROP_FILTER,
  PROP_LOADING,
  PROP_HAS_STORE,
  PROP_EDITABLE,
  PROP_CAN_UNDO,
  PROP_CAN_REDO,
  PROP_ENCODING,
  PROP_VIEW_NAMES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum { LOADED, NEEDS_ANSWER, FAILED, CHANGED, CHANGED_ELSEWHERE, CLOSED, N_SIGNALS };
static guint signals[N_SIGNALS];

/* ---- state the views follow ------------------------------------------------ */

/* Tells only what changed: the four-locks panel reads its parcels again on
 * each of these. */
static void
notify_store_state (MqProject *self,
                    gboolean   views)
{
  const struct { guint prop; gboolean now; } state[] = {
    { PROP_HAS_STORE, mq_project_get_has_store (self) },
    { PROP_EDITABLE, mq_project_get_editable (self) },
    { PROP_CAN_UNDO, mq_project_get_can_undo (self) },
    { PROP_CAN_REDO, mq_project_get_can_redo (self) },
  };

  g_object_freeze_notify (G_OBJECT (self));
  for (guint i = 0; i < G_N_ELEMENTS (state); i++)
    if (self->told[i] != state[i].now)
      {
        self->told[i] = state[i].now;
        g_object_notify_by_pspec (G_OBJECT (self), properties[state[i].prop]);
      }
  if (views)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VIEW_NAMES]);
  g_object_thaw_notify (G_OBJECT (self));
}

static void
set_loading (MqProject    *self,
             GCancellable *cancellable)
{
  gboolean was = self->cancellable != NULL;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = cancellable;
  if (was != (cancellable != NULL))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

/* Which parcels and which fields the last step changed: the views redo only
 * those. Without a step (a replay the store could not describe) NULL: all. */
static GArray *
changed_parcels (MqEdit  *step,
                 guint64 *fields)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  GArray *parcels = g_array_new (FALSE, FALSE, sizeof (guint));

  *fields = 0;
  for (guint i = 0; i < mq_edit_get_n_changes (step); i++)
    {
      const MqChange *c = mq_edit_get_change (step, i);

      *fields |= G_GUINT64_CONSTANT (1) << c->field;
      if (g_hash_table_add (seen, GUINT_TO_POINTER (c->parcel + 1)))
        g_array_append_val (parcels, c->parcel);
    }
  return parcels;
}

static void
on_store_changed (MqProject *self)
{
  MqEdit *step = mq_store_get_last_step (self->store);
  guint64 fields = G_MAXUINT64;
  g_autoptr(GArray) parcels = step ? changed_parcels (step, &fields) : NULL;

  g_signal_emit (self, signals[CHANGED], 0, parcels, fields);
  mq_filter_data_changed (self->filter);
  notify_store_state (self, FALSE);
}

static void
detach_store (MqProject *self)
{
  g_clear_handle_id (&self->watch_id, g_source_remove);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_object (&self->store);
  g_clear_error (&self->store_error);
}

/* Another program committed to the file: what we hold is stale, and an edit
 * would be refused anyway. Load the file again, as it now is. */
static gboolean
watch_file (gpointer user_data)
{
  MqProject *self = user_data;

  return mq_project_check_elsewhere (self) ? G_SOURCE_REMOVE : G_SOURCE_CONTINUE;
}

/**
 * mq_project_check_elsewhere:
 *
 * Checks the file now (the project also does it every 2 seconds). If
 * another program committed, emits "changed-elsewhere" and loads it again.
 *
 * Returns: whether the file had changed
 */
gboolean
mq_project_check_elsewhere (MqProject *self)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (MQ_IS_PROJECT (self), FALSE);

  if (self->store == NULL || !mq_store_changed_elsewhere (self->store))
    return FALSE;
  path = g_strdup (mq_store_get_path (self->store));
  /* Also removes the watch, when it is the watch that asks. */
  detach_store (self);
  notify_store_state (self, TRUE);
  g_signal_emit (self, signals[CHANGED_ELSEWHERE], 0, path);
  mq_project_open_path (self, path);
  return TRUE;
}

/**
 * mq_project_open_store:
 *
 * Opens the project file of the dataset for editing (the window does it
 * after every load; the command line only when it writes). A survey file is
 * not a project: MQ_STORE_ERROR_NOT_A_PROJECT.
 */
gboolean
mq_project_open_store (MqProject  *self,
                       GError    **error)
{
  g_return_val_if_fail (MQ_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (self->dataset != NULL, FALSE);

  detach_store (self);
  self->store = mq_store_open (self->dataset, error);
  if (self->store != NULL)
    {
      g_signal_connect_swapped (self->store, "changed", G_CALLBACK (on_store_changed), self);
      if (!mq_store_is_read_only (self->store))
        self->watch_id = g_timeout_add_seconds (WATCH_INTERVAL_S, watch_file, self);
    }
  notify_store_state (self, TRUE);
  return self->store != NULL;
}

/* ---- opening ---------------------------------------------------------------- */

static void
set_dataset (MqProject *self,
             MqDataset *dataset)
{
  detach_store (self);
  mq_selection_clear (self->selection);
  g_set_object (&self->dataset, dataset);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DATASET]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENCODING]);
}

static void
ask (MqProject         *self,
     MqProjectQuestion  question,
     const GError      *error)
{
  g_signal_emit (self, signals[NEEDS_ANSWER], 0, question, error);
}

/* The first of several polygon layers was opened: the usual answer costs
 * nothing, so the question comes after the map. */
static gboolean
has_layer_question (MqProject *self)
{
  const char * const *layers = mq_dataset_get_polygon_layers (self->dataset);

  return self->request->layer == NULL && g_strv_length ((char **) layers) > 1 &&
         !g_str_equal (mq_dataset_get_layer_name (self->dataset), "parcels");
}

static void
load_thread (GTask        *task,
             gpointer      source,
             gpointer      data,
             GCancellable *cancellable)
{
  const MqOpenRequest *request = data;
  MqLoadOptions options;
  GError *error = NULL;
  MqDataset *dataset;

  mq_open_request_get_options (request, &options);
  dataset = mq_dataset_load (request->path, &options, cancellable, &error);
  if (dataset == NULL)
    mq_task_return_error (task, error);
  else
    mq_task_return_pointer (task, dataset, g_object_unref);
}

static void
on_load_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(MqProject) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(MqDataset) dataset = g_task_propagate_pointer (G_TASK (result), &error);
  g_autoptr(GError) store_error = NULL;

  /* A load replaced by a newer one, or closed, is dropped quietly. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_loading (self, NULL);
  if (dataset == NULL)
    {
      if (g_error_matches (error, MQ_DATASET_ERROR, MQ_DATASET_ERROR_PARTIAL))
        ask (self, MQ_PROJECT_QUESTION_DAMAGED, error);
      else if (g_error_matches (error, MQ_DATASET_ERROR, MQ_DATASET_ERROR_NO_CRS))
        ask (self, MQ_PROJECT_QUESTION_CRS, error);
      else
        g_signal_emit (self, signals[FAILED], 0, error);
      return;
    }
  set_dataset (self, dataset);
  if (!mq_project_open_store (self, &store_error) &&
      !g_error_matches (store_error, MQ_STORE_ERROR, MQ_STORE_ERROR_NOT_A_PROJECT))
    self->store_error = g_steal_pointer (&store_error);
  g_signal_emit (self, signals[LOADED], 0);
  if (self->dataset == dataset && has_layer_question (self))
    ask (self, MQ_PROJECT_QUESTION_LAYER, NULL);
}

/**
 * mq_project_open:
 * @request: (transfer full): what to open
 *
 * Loads in a thread; a load under way is cancelled. The request stays the
 * project's, so that an answer, a new encoding or a corrected field mapping
 * loads the same file again with it.
 */
void
mq_project_open (MqProject     *self,
                 MqOpenRequest *request)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (MQ_IS_PROJECT (self));
  g_return_if_fail (request != NULL && request->path != NULL);

  if (request != self->request)
    {
      g_clear_pointer (&self->request, mq_open_request_free);
      self->request = request;
    }
  set_loading (self, g_cancellable_new ());
  /* Not the task's source object: the worker drops its task reference in
   * its own thread, maybe after the callback; the project is let go here. */
  task = mq_task_new (NULL, self->cancellable, on_load_done, g_object_ref (self));
  g_task_set_source_tag (task, mq_project_open);
  mq_task_set_data (task, mq_open_request_copy (request), (GDestroyNotify) mq_open_request_free);
  mq_task_run_in_thread (task, load_thread);
}

void
mq_project_open_path (MqProject  *self,
                      const char *path)
{
  mq_project_open (self, mq_open_request_new (path));
}

/**
 * mq_project_open_sync:
 * @request: (transfer full): what to open
 *
 * Loads in this thread, for the command line: no questions, no store (see
 * mq_project_open_store()), no watch.
 */
gboolean
mq_project_open_sync (MqProject      *self,
                      MqOpenRequest  *request,
                      GError        **error)
{
  g_autoptr(MqDataset) dataset = NULL;
  MqLoadOptions options;

  g_return_val_if_fail (MQ_IS_PROJECT (self), FALSE);

  set_loading (self, NULL);
  if (request != self->request)
    {
      g_clear_pointer (&self->request, mq_open_request_free);
      self->request = request;
    }
  mq_open_request_get_options (request, &options);
  dataset = mq_dataset_load (request->path, &options, NULL, error);
  if (dataset == NULL)
    return FALSE;
  set_dataset (self, dataset);
  g_signal_emit (self, signals[LOADED], 0);
  return TRUE;
}

/**
 * mq_project_close:
 *
 * Cancels a load, lets go of the store and the dataset, and emits "closed".
 */
void
mq_project_close (MqProject *self)
{
  gboolean was_open;

  g_return_if_fail (MQ_IS_PROJECT (self));

  was_open = self->dataset != NULL || self->request != NULL;
  set_loading (self, NULL);
  g_clear_pointer (&self->request, mq_open_request_free);
  if (self->dataset != NULL)
    set_dataset (self, NULL);
  detach_store (self);
  notify_store_state (self, was_open);
  if (was_open)
    g_signal_emit (self, signals[CLOSED], 0);
}

const MqOpenRequest *
mq_project_get_request (MqProject *self)
{
  g_return_val_if_fail (MQ_IS_PROJECT (self), NULL);
  return self->request;
}

gboolean
mq_project_get_loading (MqProject *self)
{
  g_return_val_if_fail (MQ_IS_PROJECT (self), FALSE);
  return self->cancellable != NULL;
}

/* ---- answers: the same request again, with one thing more ------------------ */

void
mq_project_answer_crs (MqProject  *self,
                       const char *crs)
{
  g_return_if_fail (MQ_IS_PROJECT (self));

  if (self->request == NULL)
    return;
  mq_open_request_set (&self->request->crs, crs);
  mq_project_open (self, self->request);
}

void
mq_project_answer_damaged (MqProject *self)
{
  g_return_if_fail (MQ_IS_PROJECT (self));

  if (self->request == NULL)
    return;
  self->request->allow_partial = TRUE;
  mq_project_open (self, self->request);
}

void
mq_project_answer_layer (MqProject  *self,
                         const char *layer)
{
  g_return_if_fail (MQ_IS_PROJECT (self));

  if (self->request == NULL || layer == NULL || g_strcmp0 (layer, self->request->layer) == 0)
    return;
  mq_open_request_set (&self->request->layer, layer);
  mq_project_open (self, self->request);
}

/* "auto", or the encoding the user chose to read the current file with. */
const char *
mq_project_get_encoding (MqProject *self)
{
  g_return_val_if_fail (MQ_IS_PROJECT (self), NULL);
  return (self->request && self->request->encoding) ? self->request->encoding : "auto";
}

/* Reopens the current file with another text encoding ("auto": decide again). */
void
mq_project_set_encoding (MqProject  *self,
                         const char *encoding)
{
  g_return_if_fail (MQ_IS_PROJECT (self));

  if (self->request == NULL || g_strcmp0 (encoding, mq_project_get_encoding (self)) == 0)
    return;
  mq_open_request_set (&self->request->encoding,
                       g_strcmp0 (encoding, "auto") == 0 ? NULL : encoding);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENCODING]);
  mq_project_open (self, self->request);
}

/* Reopens the current file with the user's corrections to the field mapping. */
void
mq_project_set_field_mapping (MqProject  *self,
                              const char *json)
{
  g_return_if_fail (MQ_IS_PROJECT (self));

  if (self->request == NULL)
    return;
  mq_open_request_set (&self->request->field_mapping, json);
  mq_project_open (self, self->request);
}

/* ---- what is open ------------------------------------------------------------ */

/* Returns: (nullable) (transfer none): the dataset shown, NULL before the first load */
MqDataset *
mq_project_get_dataset (MqProject *self)
{
  g_return_val_if_fail (MQ_IS_PROJECT (self), NULL);
  return self->dataset;
}

/* Returns: (transfer none): the one selection the map, the table and the panels share */
MqSelection *
mq_project_get_selection (MqProject *self)
{
  g_return_val_if_fail (MQ_IS_PROJECT (self), NULL);
  return self->selection;
}

/* Returns: (transfer none): the one filter of every view */
MqFilter *
mq_project_get_filter (MqProject *self)
{
  g_return_val_if_fail (MQ_IS_PROJECT (self), NULL);
  return self->filter;
}

/* Returns: (nullable): why the project file opened could not be edited */
const GError *
mq_project_get_store_error (MqProject *self)
{
  g_return_val_if_fail (MQ_IS_PROJECT (self), NULL);
  return self->store_error;
}

/* A project file is open (read-only or not), not just a survey. */
gboolean
mq_project_get_has_store (MqProject *self)
{
  g_return_val_if_fail (MQ_IS_PROJECT (self), FALSE);
  return self->store != NULL;
}

gboolean
mq_project_get_editable (MqProject *self)
{
  g_return_val_if_fail (MQ_IS_PROJECT (self), FALSE);
  return self->store != NULL && !mq_store_is_read_only (self->store);
}

/* Why the store is read-only when the file itself says so (it brings
 * triggers of its own, say), or %NULL. */
const char *
mq_project_get_read_only_reason (MqProject *self)
{
  g_return_val_if_fail (MQ_IS_PROJECT (self), NULL);
  return self->store ? mq_store_get_read_only_reason (self->store) : NULL;
}

const char *
mq_project_get_store_path (MqProject *self)
{
  g_return_val_if_fail (MQ_IS_PROJECT (self), NULL);
  return self->store ? mq_store_get_path (self->store) : NULL;
}

/* ---- editing, through the store ---------------------------------------------- */

static gboolean
no_store (MqProject  *self,
          GError    **error)
{
  if (self->store != NULL)
    return FALSE;
  g_set_error_literal (error, MQ_STORE_ERROR, MQ_STORE_ERROR_NOT_A_PROJECT,
                       _("Save the data as a project to track the four locks."));
  return TRUE;
}

MqEdit *
mq_project_preview (MqProject  *self,
                    MqEdit     *edit,
                    GError    **error)
{
  g_return_val_if_fail (MQ_IS_PROJECT (self), NULL);
  return no_store (self, error) ? NULL : mq_store_preview (self->store, edit, error);
}

/* One transaction; "changed" follows once it is on disk. */
gboolean
mq_project_apply (MqProject  *self,
                  MqEdit     *edit,
                  GError    **error)
{
  g_return_val_if_fail (MQ_IS_PROJECT (self), FALSE);
  return !no_store (self, error) && mq_store_apply (self->store, edit, error);
}

/* Returns: (nullable) (transfer none): the last step applied */
/* Returns: (transfer none) (element-type MqConflict): of the last edit
 * refused for them (see mq_store_get_conflicts()) */
GPtrArray *
mq_project_get_conflicts (MqProject *self)
{
  static GPtrArray *none;

  g_return_val_if_fail (MQ_IS_PROJECT (self), NULL);

  if (self->store != NULL)
    return mq_store_get_conflicts (self->store);
  if (none == NULL)
    none = g_ptr_array_new ();
  return none;
}

MqEdit *
mq_project_get_last_step (MqProject *self)
{
  g_return_val_if_fail (MQ_IS_PROJECT (self), NULL);
  return self->store ? mq_store_get_last_step (self->store) : NULL;
}

gboolean
mq_project_get_can_undo (MqProject *self)
{
  g_return_val_if_fail (MQ_IS_PROJECT (self), FALSE);
  return self->store != NULL && mq_store_can_undo (self->store);
}

gboolean
mq_project_get_can_redo (MqProject *self)
{
  g_return_val_if_fail (MQ_IS_PROJECT (self), FALSE);
  return self->store != NULL && mq_store_can_redo (self->store);
}

gboolean
mq_project_undo (MqProject  *self,
                 GError    **error)
{
  gboolean ok;

  g_return_val_if_fail (MQ_IS_PROJECT (self), FALSE);

  ok = !no_store (self, error) && mq_store_undo (self->store, error);
  notify_store_state (self, FALSE);
  return ok;
}

gboolean
mq_project_redo (MqProject  *self,
                 GError    **error)
{
  gboolean ok;

  g_return_val_if_fail (MQ_IS_PROJECT (self), FALSE);

  ok = !no_store (self, error) && mq_store_redo (self->store, error);
  notify_store_state (self, FALSE);
  return ok;
}

/* Returns: (transfer full) (nullable): MqHistoryEntry, newest first */
GPtrArray *
mq_project_list_history (MqProject  *self,
                         const char *parcel_id,
                         guint       limit,
                         GError    **error)
{
  g_return_val_if_fail (MQ_IS_PROJECT (self), NULL);
  return no_store (self, error) ? NULL
                                : mq_store_list_history (self->store, parcel_id, limit, error);
}

/* ---- saved views: a named extent, theme and filter kept in the project ------- */

static JsonArray *
load_views (MqProject *self)
{
  g_autofree char *json = self->store ? mq_store_dup_setting (self->store, SAVED_VIEWS_KEY) : NULL;
  g_autoptr(JsonNode) root = json ? json_from_string (json, NULL) : NULL;

  if (root != NULL && JSON_NODE_HOLDS_ARRAY (root))
    return json_array_ref (json_node_get_array (root));
  return json_array_new ();
}

static const char *
view_name (JsonArray *views,
           guint      i)
{
  return json_object_get_string_member_with_default (json_array_get_object_element (views, i),
                                                     "name", "");
}

/* Returns: (transfer full): the names of the saved views, in order */
GStrv
mq_project_dup_view_names (MqProject *self)
{
  g_autoptr(JsonArray) views = load_views (self);
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();

  for (guint i = 0; i < json_array_get_length (views); i++)
    g_strv_builder_add (names, view_name (views, i));
  return g_strv_builder_end (names);
}

/**
 * mq_project_dup_view:
 * @name: (nullable): the view's name, or %NULL with @position
 * @position: the view's place in the list, from 0
 *
 * Returns: (transfer full) (nullable): the view, as the window saved it
 */
JsonObject *
mq_project_dup_view (MqProject  *self,
                     const char *name,
                     guint       position)
{
  g_autoptr(JsonArray) views = load_views (self);

  for (guint i = 0; i < json_array_get_length (views); i++)
    if (name ? g_strcmp0 (view_name (views, i), name) == 0 : i == position)
      return json_object_ref (json_array_get_object_element (views, i));
  return NULL;
}

/* Keeps @view (its "name" member names it) in the project, replacing a view
 * of that name. */
gboolean
mq_project_save_view (MqProject   *self,
                      JsonObject  *view,
                      GError     **error)
{
  g_autoptr(JsonArray) views = load_views (self);
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_ARRAY);
  const char *name = json_object_get_string_member_with_default (view, "name", "");
  g_autofree char *json = NULL;

  g_return_val_if_fail (MQ_IS_PROJECT (self), FALSE);

  if (self->store == NULL)
    {
      g_set_error_literal (error, MQ_STORE_ERROR, MQ_STORE_ERROR_NOT_A_PROJECT,
                           _("Save the data as a project to keep views in it"));
      return FALSE;
    }
  for (guint i = json_array_get_length (views); i > 0; i--)
    if (g_strcmp0 (view_name (views, i - 1), name) == 0)
      json_array_remove_element (views, i - 1);
  json_array_add_object_element (views, json_object_ref (view));
  json_node_set_array (root, views);
  json = json_to_string (root, FALSE);
  if (!mq_store_set_setting (self->store, SAVED_VIEWS_KEY, json, error))
    return FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VIEW_NAMES]);
  return TRUE;
}

/**
 * mq_project_dup_stepping_order:
 *
 * The parcels the meeting room steps through: what the filter leaves if it
 * is on, else the flagged ones, in file order.
 *
 * Returns: (transfer full): guint parcel indices
 */
GArray *
mq_project_dup_stepping_order (MqProject *self)
{
  GArray *order = g_array_new (FALSE, FALSE, sizeof (guint));
  guint32 today = mq_today ();
  MqParcels *parcels;

  g_return_val_if_fail (MQ_IS_PROJECT (self), order);

  if (self->dataset == NULL)
    return order;
  /* Looked up again here: an edit replaces the generation of records. */
  parcels = mq_dataset_get_parcels (self->dataset);
  for (guint i = 0; i < mq_parcels_get_n_parcels (parcels); i++)
    if (mq_filter_is_active (self->filter)
          ? mq_filter_matches (self->filter, self->dataset, i, today)
          : mq_parcels_get (parcels, i)->flagged)
      g_array_append_val (order, i);
  return order;
}

/* ---- GObject ---------------------------------------------------------------- */

static void
mq_project_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  MqProject *self = MQ_PROJECT (object);

  switch (prop_id)
    {
    case PROP_DATASET: g_value_set_object (value, self->dataset); break;
    case PROP_SELECTION: g_value_set_object (value, self->selection); break;
    case PROP_FILTER: g_value_set_object (value, self->filter); break;
    case PROP_LOADING: g_value_set_boolean (value, mq_project_get_loading (self)); break;
    case PROP_HAS_STORE: g_value_set_boolean (value, mq_project_get_has_store (self)); break;
    case PROP_EDITABLE: g_value_set_boolean (value, mq_project_get_editable (self)); break;
    case PROP_CAN_UNDO: g_value_set_boolean (value, mq_project_get_can_undo (self)); break;
    case PROP_CAN_REDO: g_value_set_boolean (value, mq_project_get_can_redo (self)); break;
    case PROP_ENCODING: g_value_set_string (value, mq_project_get_encoding (self)); break;
    case PROP_VIEW_NAMES: g_value_take_boxed (value, mq_project_dup_view_names (self)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mq_project_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  if (prop_id == PROP_ENCODING)
    mq_project_set_encoding (MQ_PROJECT (object), g_value_get_string (value));
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
mq_project_dispose (GObject *object)
{
  MqProject *self = MQ_PROJECT (object);

  set_loading (self, NULL);
  detach_store (self);
  g_clear_object (&self->dataset);
  G_OBJECT_CLASS (mq_project_parent_class)->dispose (object);
}

static void
mq_project_finalize (GObject *object)
{
  MqProject *self = MQ_PROJECT (object);

  g_clear_pointer (&self->request, mq_open_request_free);
  g_clear_object (&self->selection);
  g_clear_object (&self->filter);
  G_OBJECT_CLASS (mq_project_parent_class)->finalize (object);
}

static GParamSpec *
boolean_pspec (const char *name)
{
  return g_param_spec_boolean (name, NULL, NULL, FALSE,
                               G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
}

static GParamSpec *
object_pspec (const char *name,
              GType       type)
{
  return g_param_spec_object (name, NULL, NULL, type,
                              G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
}

static void
install_signals (GType type)
{
  signals[LOADED] = g_signal_new ("loaded", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                  G_TYPE_NONE, 0);
  /* The question, and the load's error (NULL for the layer question). */
  signals[NEEDS_ANSWER] = g_signal_new ("needs-answer", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                        NULL, G_TYPE_NONE, 2, MQ_TYPE_PROJECT_QUESTION,
                                        G_TYPE_ERROR);
  /* A load failed for a reason no answer mends; the dataset shown stays. */
  signals[FAILED] = g_signal_new ("failed", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                  G_TYPE_NONE, 1, G_TYPE_ERROR);
  /* An edit is on disk: the parcels (guint indices; NULL: any) and a bit
   * per MqField changed. */
  signals[CHANGED] = g_signal_new ("changed", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 2, G_TYPE_ARRAY, G_TYPE_UINT64);
  /* Another program committed to the file (its path); it is being reloaded. */
  signals[CHANGED_ELSEWHERE] = g_signal_new ("changed-elsewhere", type, G_SIGNAL_RUN_LAST, 0,
                                             NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[CLOSED] = g_signal_new ("closed", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                  G_TYPE_NONE, 0);
}

static void
mq_project_class_init (MqProjectClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = mq_project_get_property;
  object_class->set_property = mq_project_set_property;
  object_class->dispose = mq_project_dispose;
  object_class->finalize = mq_project_finalize;

  properties[PROP_DATASET] = object_pspec ("dataset", MQ_TYPE_DATASET);
  properties[PROP_SELECTION] = object_pspec ("selection", MQ_TYPE_SELECTION);
  properties[PROP_FILTER] = object_pspec ("filter", MQ_TYPE_FILTER);
  properties[PROP_LOADING] = boolean_pspec ("loading");
  properties[PROP_HAS_STORE] = boolean_pspec ("has-store");
  properties[PROP_EDITABLE] = boolean_pspec ("editable");
  properties[PROP_CAN_UNDO] = boolean_pspec ("can-undo");
  properties[PROP_CAN_REDO] = boolean_pspec ("can-redo");
  properties[PROP_ENCODING] =
    g_param_spec_string ("encoding", NULL, NULL, "auto",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_VIEW_NAMES] =
    g_param_spec_boxed ("view-names", NULL, NULL, G_TYPE_STRV,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  install_signals (G_TYPE_FROM_CLASS (klass));
}

static void
mq_project_init (MqProject *self)
{
  self->selection = mq_selection_new ();
  self->filter = mq_filter_new ();
}

MqProject *
mq_project_new (void)
{
  return g_object_new (MQ_TYPE_PROJECT, NULL);
}

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
 * and which fields changed. Another planner's edits ("changed-remotely" of a
 * server store) take the same path, gathered for a moment first: a
 * colleague's status table arrives as a burst of notifications, and the
 * views should redraw once, not a hundred times.
 *
 * An edit refused for conflicts is kept (as the store was asked: an apply,
 * an undo or a redo) until the user has chosen, field by field, whose value
 * stays; mq_project_resolve_conflicts() then asks again without the fields
 * given up.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "mq-app-enum-types.h"
#include "mq-project.h"
#include "mq-shapefile.h"

/* How often the file is checked for commits by other programs. */
#define WATCH_INTERVAL_S 2
#define SAVED_VIEWS_KEY "saved_views"
/* How long remote changes are gathered before the views hear of them. */
#define REMOTE_COALESCE_MS 250

/* What the store was asked when it refused an edit for conflicts. */
typedef enum { REFUSED_APPLY, REFUSED_UNDO, REFUSED_REDO } RefusedKind;

/* How far a load has come: written by the loading thread, read by the
 * window's loading page. */
typedef struct
{
  int read;      /* parcels read so far */
  int expected;  /* parcels the source holds, or 0 when it does not say */
} Progress;

struct _MqProject
{
  GObject        parent_instance;

  guint32        changes_since;   /* the day "changes since" counts from; 0: 30 days ago */
  guint32        as_of;           /* a past day the views show (read-only), or 0 */
  MqParcels     *present;         /* the parcels of today while a past day is shown */
  MqDataset     *today;           /* the parcels' dataset while a day before a survey
                                   * update shows the parcels of then in its place */

  MqOpenRequest *request;
  MqOpenRequest *shown_request;   /* the request of the dataset shown while another loads */
  GCancellable  *cancellable;     /* the load under way, if any */
  Progress      *progress;        /* its progress (an atomic refcounted box) */
  MqDataset     *dataset;
  MqStore       *store;
  GError        *store_error;     /* why a project file could not be edited */
  guint          watch_id;
  MqSelection   *selection;
  MqFilter      *filter;
  gboolean       told[4];         /* has-store, editable, can-undo, can-redo as last notified */

  gboolean       online;          /* as last notified */
  gboolean       reconnecting;    /* a reload after the server came back */
  GArray        *kept_selection;  /* guint: restored after that reload */
  int            editing;         /* the parcel the locks panel shows, or -1 */
  GPtrArray     *remote;          /* MqHistoryEntry arrays (refs) not yet told */
  guint          remote_id;
  GHashTable    *ids;             /* parcel id → index + 1, built on the first remote change */
  MqEdit        *refused;         /* the edit refused for conflicts, as asked */
  RefusedKind    refused_kind;
  GPtrArray     *undone;          /* copies of the steps undone, newest last: a redo's edit */
  MqLayerList   *layers;          /* the map's layers, as the project file saved them */
  GHashTable    *vectors;         /* path + CRS → MqVectorLayer, read in the dataset's CRS */
  char          *layers_kept;     /* the layers as the project file has them (JSON) */
  GError        *layers_error;    /* why the saved layers could not be taken */
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
  PROP_ONLINE,
  PROP_CHANGES_SINCE,
  PROP_AS_OF,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  LOADED, NEEDS_ANSWER, FAILED, CHANGED, CHANGED_ELSEWHERE, CHANGED_REMOTELY, PRESENCE_CHANGED,
  CONFLICTED, CLOSED, N_SIGNALS
};
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
  g_clear_pointer (&self->progress, g_atomic_rc_box_release);
  if (cancellable != NULL)
    self->progress = g_atomic_rc_box_new0 (Progress);
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
  g_clear_handle_id (&self->remote_id, g_source_remove);
  g_ptr_array_set_size (self->remote, 0);
  g_clear_pointer (&self->refused, mq_edit_free);
  g_ptr_array_set_size (self->undone, 0);
  if (self->store != NULL)
    {
      /* Other planners should not see us on a parcel of a store we left. */
      mq_store_set_editing (self->store, -1);
      g_signal_handlers_disconnect_by_data (self->store, self);
    }
  g_clear_object (&self->store);
  g_clear_error (&self->store_error);
}

static gboolean flush_remote (gpointer user_data);

/* Another program committed to the file: what we hold is stale (an edit is
 * rebased onto the stored rows, but the map and the figures would not show
 * their changes). Load the file again, as it now is. */
static gboolean
watch_file (gpointer user_data)
{
  MqProject *self = user_data;

  /* Not while the user decides about an edit that met another planner's:
   * a reload would drop the edit (the store has merged the file's rows
   * into the parcels already). */
  if (self->refused != NULL)
    return G_SOURCE_CONTINUE;
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
/* What the project holds is stale: who changed what is still news, though
 * the reload will show it; the store goes (and with it the watch, when it
 * is the watch that asks), the views are told, the project read again —
 * the file as it now is, or (@same_request) what was opened, a server's
 * connection included. */
static void
reload_stale (MqProject *self,
              gboolean   same_request)
{
  g_autofree char *path = g_strdup (mq_store_get_path (self->store));

  if (self->remote_id != 0)
    {
      g_clear_handle_id (&self->remote_id, g_source_remove);
      flush_remote (self);
    }
  detach_store (self);
  notify_store_state (self, TRUE);
  g_signal_emit (self, signals[CHANGED_ELSEWHERE], 0, path);
  if (same_request)
    mq_project_open (self, self->request);
  else
    mq_project_open_path (self, path);
}

gboolean
mq_project_check_elsewhere (MqProject *self)
{
  g_return_val_if_fail (MQ_IS_PROJECT (self), FALSE);

  if (self->store == NULL || !mq_store_changed_elsewhere (self->store))
    return FALSE;
  reload_stale (self, FALSE);
  return TRUE;
}

/* ---- other planners: their changes, presence, the server's reach ----------- */

/* As the store last said: its signal carries the news, the getter may
 * lag it. */
static void
set_online (MqProject *self,
            gboolean   online)
{
  if (self->online == online)
    return;
  self->online = online;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ONLINE]);
}

/* A parcel's index from its id, for changes the server names by id. Built
 * once per dataset: ids do not change with the generations of records. */
static int
parcel_index (MqProject  *self,
              const char *id)
{
  MqParcels *parcels = mq_dataset_get_parcels (self->dataset);

  if (id == NULL)
    return -1;
  if (self->ids == NULL)
    {
      self->ids = g_hash_table_new (g_str_hash, g_str_equal);
      for (guint i = 0; i < mq_parcels_get_n_parcels (parcels); i++)
        {
          const char *pid = mq_parcels_get (parcels, i)->id;

          /* Interned strings live as long as the dataset, which owns the table. */
          if (pid != NULL)
            g_hash_table_insert (self->ids, (gpointer) pid, GUINT_TO_POINTER (i + 1));
        }
    }
  return (int) GPOINTER_TO_UINT (g_hash_table_lookup (self->ids, id)) - 1;
}

/* The gathered remote changes, told once: "changed" as after an edit of
 * ours (the views refresh only those parcels), then "changed-remotely"
 * with every entry, oldest first, for whoever names them. */
static gboolean
flush_remote (gpointer user_data)
{
  MqProject *self = user_data;
  g_autoptr(GPtrArray) entries = g_ptr_array_new ();
  /* The views may answer by editing; new arrivals gather afresh. */
  g_autoptr(GPtrArray) held = g_steal_pointer (&self->remote);
  g_autoptr(GArray) parcels = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  guint64 fields = 0;

  self->remote_id = 0;
  self->remote = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  for (guint a = 0; a < held->len; a++)
    {
      GPtrArray *batch = g_ptr_array_index (held, a);

      for (guint i = 0; i < batch->len; i++)
        {
          const MqHistoryEntry *e = g_ptr_array_index (batch, i);
          int index = parcel_index (self, e->parcel_id);
          MqField field = mq_field_from_header (e->field);

          g_ptr_array_add (entries, (gpointer) e);
          /* A field we do not know still changed the parcel: redo all of it. */
          fields |= field < MQ_N_FIELDS ? G_GUINT64_CONSTANT (1) << field : G_MAXUINT64;
          if (index >= 0 && g_hash_table_add (seen, GINT_TO_POINTER (index + 1)))
            g_array_append_val (parcels, index);
        }
    }
  if (entries->len > 0)
    {
      g_signal_emit (self, signals[CHANGED], 0, parcels, fields);
      mq_filter_data_changed (self->filter);
      g_signal_emit (self, signals[CHANGED_REMOTELY], 0, entries);
    }
  return G_SOURCE_REMOVE;
}

static void
on_store_changed_remotely (MqProject *self,
                           GPtrArray *entries)
{
  if (entries == NULL || entries->len == 0 || self->dataset == NULL)
    return;
  g_ptr_array_add (self->remote, g_ptr_array_ref (entries));
  if (self->remote_id == 0)
    self->remote_id = g_timeout_add (REMOTE_COALESCE_MS, flush_remote, self);
}

static void
on_store_presence_changed (MqProject *self)
{
  g_signal_emit (self, signals[PRESENCE_CHANGED], 0);
}

/* Back online after a break: what the server now holds may differ in ways
 * no notification told us (they are not queued while we are away), so the
 * project is read again — the same request, the selection kept. */
static void
on_store_online_changed (MqProject *self,
                         gboolean   online)
{
  gboolean was = self->online;

  set_online (self, online);
  if (!online || was || self->request == NULL || self->reconnecting)
    return;
  self->reconnecting = TRUE;
  g_clear_pointer (&self->kept_selection, g_array_unref);
  self->kept_selection = mq_selection_dup_sorted (self->selection);
  mq_project_open (self, self->request);
}

/* The server's parcels table was replaced (another planner carried the
 * project into a new survey, or took that back): what the views show is of
 * parcels the project no longer has. Read it again, as the file watch
 * does for a file another program committed to. */
static void
on_store_replaced (MqProject *self)
{
  if (self->store != NULL && self->request != NULL)
    reload_stale (self, TRUE);
}

static void
follow_store (MqProject *self)
{
  g_signal_connect_swapped (self->store, "changed-remotely",
                            G_CALLBACK (on_store_changed_remotely), self);
  g_signal_connect_swapped (self->store, "presence-changed",
                            G_CALLBACK (on_store_presence_changed), self);
  g_signal_connect_swapped (self->store, "online-changed",
                            G_CALLBACK (on_store_online_changed), self);
  g_signal_connect_swapped (self->store, "replaced", G_CALLBACK (on_store_replaced), self);
  if (self->editing >= 0)
    mq_store_set_editing (self->store, self->editing);
}

/* After a reload for a reconnection: the same parcels selected, if the
 * project still has them. */
static void
restore_selection (MqProject *self)
{
  g_autoptr(GArray) kept = g_steal_pointer (&self->kept_selection);
  guint n = mq_parcels_get_n_parcels (mq_dataset_get_parcels (self->dataset));

  self->reconnecting = FALSE;
  if (kept == NULL || kept->len == 0 || g_array_index (kept, guint, kept->len - 1) >= n)
    return;
  mq_selection_set (self->selection, kept);
}

/**
 * mq_project_open_store:
 *
 * Opens the project file of the dataset for editing (the window does it
 * after every load; the command line only when it writes). A survey file is
 * not a project: MQ_STORE_ERROR_NOT_A_PROJECT.
 */
static void load_layers (MqProject *self);

gboolean
mq_project_open_store (MqProject  *self,
                       GError    **error)
{
  g_return_val_if_fail (MQ_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (self->dataset != NULL, FALSE);

  detach_store (self);
  self->store = mq_store_open (self->dataset, error);
  load_layers (self);
  if (self->store != NULL)
    {
      g_signal_connect_swapped (self->store, "changed", G_CALLBACK (on_store_changed), self);
      follow_store (self);
      if (!mq_store_is_read_only (self->store))
        self->watch_id = g_timeout_add_seconds (WATCH_INTERVAL_S, watch_file, self);
    }
  notify_store_state (self, TRUE);
  set_online (self, self->store == NULL || mq_store_is_online (self->store));
  return self->store != NULL;
}

/* ---- the map's layers, saved in the project ---------------------------------- */

/* The list the project file saved, or the default one for a file that has
 * none (or is no project); one that does not read is said, not half taken. */
static void
take_layers (MqProject  *self,
             const char *json)
{
  g_autoptr(MqLayerList) saved = NULL;

  g_clear_error (&self->layers_error);
  if (json != NULL)
    saved = mq_layer_list_new_from_json (json, &self->layers_error);
  if (saved == NULL)
    saved = mq_layer_list_new ();
  g_free (self->layers_kept);
  self->layers_kept = mq_layer_list_to_json (saved);
  mq_layer_list_assign (self->layers, saved);
}

static void
load_layers (MqProject *self)
{
  g_autofree char *json = self->store ? mq_store_dup_setting (self->store, MQ_LAYER_LIST_SETTING) : NULL;

  take_layers (self, json);
}

/**
 * mq_project_read_layers:
 *
 * Takes the layers the project file saved without opening it for editing
 * (the command line's exports).
 */
void
mq_project_read_layers (MqProject *self)
{
  g_autofree char *json = NULL;

  g_return_if_fail (MQ_IS_PROJECT (self));

  if (self->dataset != NULL)
    json = mq_store_read_setting (self->dataset, MQ_LAYER_LIST_SETTING);
  take_layers (self, json);
}

/**
 * mq_project_get_layers:
 *
 * The map's layers. Views change them here, then save them
 * (mq_project_save_layers()); "changed" tells every view.
 */
MqLayerList *
mq_project_get_layers (MqProject *self)
{
  g_return_val_if_fail (MQ_IS_PROJECT (self), NULL);
  return self->layers;
}

/* Why the layers the project saved could not be taken (the defaults are
 * shown instead), or NULL. */
const GError *
mq_project_get_layers_error (MqProject *self)
{
  g_return_val_if_fail (MQ_IS_PROJECT (self), NULL);
  return self->layers_error;
}

/**
 * mq_project_get_vector_layer:
 * @crs: (nullable): the CRS the user gave a file that has none
 *
 * The reference layer of @path, read once in the dataset's CRS and shared
 * by the map and the identify panel (a layer is never changed once read).
 *
 * Returns: (transfer none) (nullable): the layer, or NULL with @error for
 *   one that cannot be read
 */
MqVectorLayer *
mq_project_get_vector_layer (MqProject   *self,
                             const char  *path,
                             const char  *crs,
                             GError     **error)
{
  g_autofree char *key = g_strconcat (path, "\n", crs ? crs : "", NULL);
  MqVectorLayer *layer;

  g_return_val_if_fail (MQ_IS_PROJECT (self), NULL);

  if (self->dataset == NULL)
    return NULL;
  if ((layer = g_hash_table_lookup (self->vectors, key)) != NULL)
    return layer;
  /* One that cannot be read is tried again when asked (the file mended):
   * the map keeps the reason and does not ask again on every change. */
  if ((layer = mq_vector_layer_new (path, mq_dataset_get_display_wkt (self->dataset), crs, error)) != NULL)
    g_hash_table_insert (self->vectors, g_steal_pointer (&key), layer);
  return layer;
}

/* Keeps the layers in the project file; a survey file opened as it is keeps
 * them for this session only. */
gboolean
mq_project_save_layers (MqProject  *self,
                        GError    **error)
{
  g_autofree char *json = NULL;

  g_return_val_if_fail (MQ_IS_PROJECT (self), FALSE);

  if (self->store == NULL || mq_store_is_read_only (self->store))
    return TRUE;
  json = mq_layer_list_to_json (self->layers);
  /* Opening a project changes its list to the file's: nothing to write. */
  if (g_strcmp0 (json, self->layers_kept) == 0)
    return TRUE;
  if (!mq_store_set_setting (self->store, MQ_LAYER_LIST_SETTING, json, error))
    return FALSE;
  g_free (self->layers_kept);
  self->layers_kept = g_steal_pointer (&json);
  return TRUE;
}

/* ---- opening ---------------------------------------------------------------- */

/* Whatever file comes next is shown as it is today. */
static void
forget_as_of (MqProject *self)
{
  g_clear_object (&self->present);
  g_clear_object (&self->today);
  if (self->as_of == 0)
    return;
  self->as_of = 0;
  if (self->dataset != NULL)
    mq_dataset_set_as_of (self->dataset, 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AS_OF]);
}

static void
set_dataset (MqProject *self,
             MqDataset *dataset)
{
  forget_as_of (self);
  detach_store (self);
  mq_selection_clear (self->selection);
  g_clear_pointer (&self->ids, g_hash_table_unref);
  g_set_object (&self->dataset, dataset);
  /* Read again in the new dataset's CRS, and a file mended meanwhile with it. */
  g_hash_table_remove_all (self->vectors);
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

typedef struct
{
  MqOpenRequest *request;   /* a copy: the project's may change meanwhile */
  Progress      *progress;
} LoadJob;

static void
load_job_free (LoadJob *job)
{
  mq_open_request_free (job->request);
  g_atomic_rc_box_release (job->progress);
  g_free (job);
}

/* A shapefile's index says how many records it holds (100 bytes of header,
 * 8 a record); other sources are not asked, their progress is not known. */
static gboolean
progress_begin (gpointer              data,
                MqDataset            *dataset,
                OGRSpatialReferenceH  display_srs,
                GError              **error)
{
  Progress *progress = data;
  const char *path = mq_dataset_get_path (dataset);
  g_autofree char *shx = NULL;
  guint64 size;

  if (path == NULL || !g_str_has_suffix (path, ".shp"))
    return TRUE;
  shx = mq_shapefile_companion (path, "shx");
  if (mq_vsi_file_size (shx, &size) && size > 100)
    g_atomic_int_set (&progress->expected, (int) MIN ((size - 100) / 8, G_MAXINT));
  return TRUE;
}

static gboolean
progress_parcel (gpointer       data,
                 MqParcels     *parcels,
                 guint          index,
                 OGRGeometryH   display,
                 GError       **error)
{
  Progress *progress = data;

  g_atomic_int_set (&progress->read, (int) MIN (index + 1, G_MAXINT));
  return TRUE;
}

static gboolean
progress_reference (gpointer       data,
                    MqRefKind      kind,
                    const char    *name,
                    double         width_m,
                    OGRGeometryH   display,
                    GError       **error)
{
  return TRUE;
}

static void
load_thread (GTask        *task,
             gpointer      source,
             gpointer      data,
             GCancellable *cancellable)
{
  LoadJob *job = data;
  const MqOpenRequest *request = job->request;
  MqLoadSink sink = { progress_begin, progress_parcel, progress_reference, job->progress };
  MqLoadOptions options;
  GError *error = NULL;
  MqDataset *dataset;

  mq_open_request_get_options (request, &options);
  options.sink = &sink;
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
  g_clear_pointer (&self->shown_request, mq_open_request_free);
  if (dataset == NULL)
    {
      self->reconnecting = FALSE;
      g_clear_pointer (&self->kept_selection, g_array_unref);
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
  /* After "loaded": a view may clear the selection for a new dataset. */
  if (self->reconnecting && self->dataset == dataset)
    restore_selection (self);
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
  LoadJob *job;

  g_return_if_fail (MQ_IS_PROJECT (self));
  g_return_if_fail (request != NULL && request->path != NULL);

  if (request != self->request)
    {
      /* Kept while the load runs: a cancel goes back to what is shown. */
      if (self->shown_request == NULL && self->dataset != NULL)
        self->shown_request = g_steal_pointer (&self->request);
      g_clear_pointer (&self->request, mq_open_request_free);
      self->request = request;
    }
  set_loading (self, g_cancellable_new ());
  /* Not the task's source object: the worker drops its task reference in
   * its own thread, maybe after the callback; the project is let go here. */
  task = mq_task_new (NULL, self->cancellable, on_load_done, g_object_ref (self));
  g_task_set_source_tag (task, mq_project_open);
  job = g_new0 (LoadJob, 1);
  job->request = mq_open_request_copy (request);
  job->progress = g_atomic_rc_box_acquire (self->progress);
  mq_task_set_data (task, job, (GDestroyNotify) load_job_free);
  mq_task_run_in_thread (task, load_thread);
}

/**
 * mq_project_cancel_open:
 *
 * Stops the load under way, if any; what was shown before stays, with the
 * request that opened it.
 */
void
mq_project_cancel_open (MqProject *self)
{
  g_return_if_fail (MQ_IS_PROJECT (self));

  if (self->cancellable == NULL)
    return;
  if (self->shown_request != NULL)
    {
      g_clear_pointer (&self->request, mq_open_request_free);
      self->request = g_steal_pointer (&self->shown_request);
    }
  set_loading (self, NULL);
}

/**
 * mq_project_get_progress:
 *
 * How far the load under way has come, from 0 to 1; -1 when the source does
 * not say how much it holds (or nothing loads).
 */
double
mq_project_get_progress (MqProject *self)
{
  int read, expected;

  g_return_val_if_fail (MQ_IS_PROJECT (self), -1);

  if (self->progress == NULL)
    return -1;
  read = g_atomic_int_get (&self->progress->read);
  expected = g_atomic_int_get (&self->progress->expected);
  return expected > 0 ? MIN (1.0, (double) read / expected) : -1;
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
  g_clear_pointer (&self->shown_request, mq_open_request_free);
  if (self->dataset != NULL)
    set_dataset (self, NULL);
  detach_store (self);
  notify_store_state (self, was_open);
  set_online (self, TRUE);
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
  return self->store != NULL && !mq_store_is_read_only (self->store) && self->as_of == 0;
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
  if (self->as_of != 0)
    {
      g_autofree char *day = mq_date_format (self->as_of);

      g_set_error (error, MQ_STORE_ERROR, MQ_STORE_ERROR_READ_ONLY,
                   _("The project is shown as of %s; go back to today to change it."), day);
      return TRUE;
    }
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

/* Core keeps an edit's action to itself (mq-edit-private.h); the window's
 * edits are told apart as they are made: rows from a status table, several
 * parcels at once, one parcel. */
static MqEditAction
guess_action (MqEdit *edit)
{
  for (guint i = 0; i < mq_edit_get_n_changes (edit); i++)
    if (mq_edit_get_change (edit, i)->row > 0)
      return MQ_EDIT_ACTION_CSV;
  return mq_edit_count_parcels (edit) > 1 ? MQ_EDIT_ACTION_BATCH : MQ_EDIT_ACTION_EDIT;
}

/* @edit's changes, the new values (@old: the values before) as a new edit. */
static MqEdit *
copy_edit (MqEdit       *edit,
           MqEditAction  action,
           gboolean      old)
{
  MqEdit *copy = mq_edit_new (action);

  for (guint i = 0; i < mq_edit_get_n_changes (edit); i++)
    {
      const MqChange *c = mq_edit_get_change (edit, i);

      mq_edit_set (copy, c->parcel, c->field, old ? c->old_value : c->value, c->row);
    }
  return copy;
}

/* A refused edit (@asked, taken) is kept only for conflicts, which the user
 * can settle. The parcels it touched show the stored rows now — other
 * fields of theirs too — so the views are told: every field. */
static void
remember_refused (MqProject    *self,
                  RefusedKind   kind,
                  MqEdit       *asked,
                  const GError *error)
{
  g_autoptr(MqEdit) owned = asked;
  g_autoptr(GArray) parcels = NULL;
  guint64 fields;

  g_clear_pointer (&self->refused, mq_edit_free);
  if (!g_error_matches (error, MQ_STORE_ERROR, MQ_STORE_ERROR_CONFLICT) || owned == NULL)
    return;
  parcels = changed_parcels (owned, &fields);
  self->refused = g_steal_pointer (&owned);
  self->refused_kind = kind;
  g_signal_emit (self, signals[CHANGED], 0, parcels, G_MAXUINT64);
  mq_filter_data_changed (self->filter);
  g_signal_emit (self, signals[CONFLICTED], 0);
}

/* One transaction; "changed" follows once it is on disk. Refused for
 * conflicts, "conflicted" follows (see mq_project_resolve_conflicts()). */
gboolean
mq_project_apply (MqProject  *self,
                  MqEdit     *edit,
                  GError    **error)
{
  g_autoptr(GError) local = NULL;

  g_return_val_if_fail (MQ_IS_PROJECT (self), FALSE);

  if (no_store (self, error))
    return FALSE;
  if (mq_store_apply (self->store, edit, &local))
    {
      g_clear_pointer (&self->refused, mq_edit_free);
      if (!mq_store_can_redo (self->store))
        g_ptr_array_set_size (self->undone, 0);
      return TRUE;
    }
  /* The signal's handlers may ask the user at once: the error first. */
  g_propagate_error (error, g_error_copy (local));
  remember_refused (self, REFUSED_APPLY, copy_edit (edit, guess_action (edit), FALSE), local);
  return FALSE;
}

/* Returns: (nullable) (transfer none): the last step applied */
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

/* The store keeps its redo steps to itself: the project keeps a copy of
 * each step it undid, so that a redo refused for conflicts can be asked
 * again without the fields the user gives up. */
gboolean
mq_project_undo (MqProject  *self,
                 GError    **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(MqEdit) redo = NULL;
  MqEdit *asked = NULL;
  MqEdit *step;
  gboolean ok;

  g_return_val_if_fail (MQ_IS_PROJECT (self), FALSE);

  if (no_store (self, error))
    return FALSE;
  step = mq_store_get_last_step (self->store);
  if (step != NULL)
    {
      redo = copy_edit (step, MQ_EDIT_ACTION_REDO, FALSE);
      asked = copy_edit (step, MQ_EDIT_ACTION_UNDO, TRUE);
    }
  ok = mq_store_undo (self->store, &local);
  if (ok && redo != NULL)
    g_ptr_array_add (self->undone, g_steal_pointer (&redo));
  if (ok)
    g_clear_pointer (&asked, mq_edit_free);
  else
    {
      g_propagate_error (error, g_error_copy (local));
      remember_refused (self, REFUSED_UNDO, asked, local);
    }
  notify_store_state (self, FALSE);
  return ok;
}

gboolean
mq_project_redo (MqProject  *self,
                 GError    **error)
{
  g_autoptr(GError) local = NULL;
  MqEdit *step;
  gboolean ok;

  g_return_val_if_fail (MQ_IS_PROJECT (self), FALSE);

  if (no_store (self, error))
    return FALSE;
  step = self->undone->len > 0 ? g_ptr_array_index (self->undone, self->undone->len - 1) : NULL;
  ok = mq_store_redo (self->store, &local);
  if (ok && step != NULL)
    g_ptr_array_set_size (self->undone, self->undone->len - 1);
  else if (!ok)
    {
      g_propagate_error (error, g_error_copy (local));
      remember_refused (self, REFUSED_REDO,
                        step ? copy_edit (step, MQ_EDIT_ACTION_REDO, FALSE) : NULL, local);
    }
  notify_store_state (self, FALSE);
  return ok;
}

/**
 * mq_project_get_conflicts:
 *
 * After an apply, undo or redo was refused with %MQ_STORE_ERROR_CONFLICT:
 * each field another planner changed meanwhile (base, mine, theirs, who,
 * when). The parcels show theirs.
 *
 * Returns: (nullable) (transfer none) (element-type MqConflict): %NULL without a store
 */
GPtrArray *
mq_project_get_conflicts (MqProject *self)
{
  g_return_val_if_fail (MQ_IS_PROJECT (self), NULL);
  return self->store ? mq_store_get_conflicts (self->store) : NULL;
}

static gboolean
kept_theirs (GPtrArray      *conflicts,
             const gboolean *keep_theirs,
             guint           n_keep,
             const MqChange *c)
{
  for (guint i = 0; i < conflicts->len && i < n_keep; i++)
    {
      const MqConflict *k = g_ptr_array_index (conflicts, i);

      if (k->parcel == c->parcel && k->field == c->field)
        return keep_theirs[i];
    }
  return FALSE;
}

/**
 * mq_project_resolve_conflicts:
 * @keep_theirs: (array length=n_keep): for each of mq_project_get_conflicts(),
 *   whether the other planner's value stays
 * @n_keep: its length (a conflict past it keeps mine)
 *
 * Asks the store again for the edit it refused, without the fields given
 * up: the parcels show theirs, so what is asked now is stored over them.
 * An undo or redo whose every field is kept mine is asked again as itself,
 * staying one step of the undo stack; with fields given up it becomes a new
 * edit. A new conflict fails as the first did ("conflicted" again).
 */
gboolean
mq_project_resolve_conflicts (MqProject       *self,
                              const gboolean  *keep_theirs,
                              guint            n_keep,
                              GError         **error)
{
  GPtrArray *conflicts;
  g_autoptr(MqEdit) refused = NULL;
  g_autoptr(MqEdit) asked = NULL;
  gboolean any_theirs = FALSE;

  g_return_val_if_fail (MQ_IS_PROJECT (self), FALSE);

  if (self->refused == NULL || no_store (self, error))
    return TRUE;
  conflicts = mq_store_get_conflicts (self->store);
  refused = g_steal_pointer (&self->refused);
  asked = mq_edit_new (self->refused_kind == REFUSED_APPLY ? guess_action (refused)
                       : self->refused_kind == REFUSED_UNDO ? MQ_EDIT_ACTION_UNDO
                                                            : MQ_EDIT_ACTION_REDO);
  for (guint i = 0; i < mq_edit_get_n_changes (refused); i++)
    {
      const MqChange *c = mq_edit_get_change (refused, i);

      if (kept_theirs (conflicts, keep_theirs, n_keep, c))
        any_theirs = TRUE;
      else
        mq_edit_set (asked, c->parcel, c->field, c->value, c->row);
    }
  if (self->refused_kind == REFUSED_UNDO && !any_theirs)
    return mq_project_undo (self, error);
  if (self->refused_kind == REFUSED_REDO && !any_theirs)
    return mq_project_redo (self, error);
  if (mq_edit_get_n_changes (asked) == 0)
    return TRUE;
  return mq_project_apply (self, asked, error);
}

/* Drops an edit refused for conflicts: the user keeps theirs for all of it. */
void
mq_project_forget_conflicts (MqProject *self)
{
  g_return_if_fail (MQ_IS_PROJECT (self));
  g_clear_pointer (&self->refused, mq_edit_free);
}

/* ---- presence: who else has which parcel open ----------------------------- */

/**
 * mq_project_set_editing:
 * @parcel: the parcel this window's locks panel shows, or -1
 *
 * Tells other planners (a server project; a file ignores it). Kept across
 * reloads.
 */
void
mq_project_set_editing (MqProject *self,
                        int        parcel)
{
  g_return_if_fail (MQ_IS_PROJECT (self));

  if (self->editing == parcel)
    return;
  self->editing = parcel;
  if (self->store != NULL)
    mq_store_set_editing (self->store, parcel);
}

int
mq_project_get_editing (MqProject *self)
{
  g_return_val_if_fail (MQ_IS_PROJECT (self), -1);
  return self->editing;
}

/* Returns: (transfer container) (element-type MqEditor): other planners
 *   with a parcel open; empty without a server */
GPtrArray *
mq_project_list_editors (MqProject *self)
{
  g_return_val_if_fail (MQ_IS_PROJECT (self), NULL);

  if (self->store == NULL)
    return g_ptr_array_new_with_free_func ((GDestroyNotify) mq_editor_free);
  return mq_store_list_editors (self->store);
}

/* Whether edits can reach the project now: always for a file; a server can
 * be out of reach (then "online" is %FALSE and edits fail with
 * %MQ_STORE_ERROR_OFFLINE). */
gboolean
mq_project_get_online (MqProject *self)
{
  g_return_val_if_fail (MQ_IS_PROJECT (self), TRUE);
  return self->online;
}

/* Returns: (nullable) (transfer none): the open store, for tests and tools
 *   that play another part of it (a backend's signals) */
MqStore *
mq_project_get_store (MqProject *self)
{
  g_return_val_if_fail (MQ_IS_PROJECT (self), NULL);
  return self->store;
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
  guint32 today = mq_project_get_today (self);
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
    case PROP_ONLINE: g_value_set_boolean (value, mq_project_get_online (self)); break;
    case PROP_CHANGES_SINCE: g_value_set_uint (value, mq_project_get_changes_since (self)); break;
    case PROP_AS_OF: g_value_set_uint (value, self->as_of); break;
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
  else if (prop_id == PROP_CHANGES_SINCE)
    mq_project_set_changes_since (MQ_PROJECT (object), g_value_get_uint (value));
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
mq_project_dispose (GObject *object)
{
  MqProject *self = MQ_PROJECT (object);

  set_loading (self, NULL);
  detach_store (self);
  g_clear_pointer (&self->ids, g_hash_table_unref);
  forget_as_of (self);
  g_clear_object (&self->dataset);
  G_OBJECT_CLASS (mq_project_parent_class)->dispose (object);
}

static void
mq_project_finalize (GObject *object)
{
  MqProject *self = MQ_PROJECT (object);

  g_clear_pointer (&self->request, mq_open_request_free);
  g_clear_pointer (&self->shown_request, mq_open_request_free);
  g_clear_object (&self->selection);
  g_clear_object (&self->filter);
  g_clear_pointer (&self->remote, g_ptr_array_unref);
  g_clear_pointer (&self->undone, g_ptr_array_unref);
  g_clear_pointer (&self->kept_selection, g_array_unref);
  g_clear_object (&self->layers);
  g_clear_pointer (&self->vectors, g_hash_table_unref);
  g_clear_pointer (&self->layers_kept, g_free);
  g_clear_error (&self->layers_error);
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
  /* Another planner's edits reached the parcels (gathered for a moment):
   * MqHistoryEntry, oldest first; "changed" has told the views already. */
  signals[CHANGED_REMOTELY] = g_signal_new ("changed-remotely", type, G_SIGNAL_RUN_LAST, 0, NULL,
                                            NULL, NULL, G_TYPE_NONE, 1, G_TYPE_PTR_ARRAY);
  /* Who has which parcel open changed (mq_project_list_editors()). */
  signals[PRESENCE_CHANGED] = g_signal_new ("presence-changed", type, G_SIGNAL_RUN_LAST, 0, NULL,
                                            NULL, NULL, G_TYPE_NONE, 0);
  /* An apply, undo or redo was refused for conflicts (mq_project_get_conflicts()). */
  signals[CONFLICTED] = g_signal_new ("conflicted", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                      G_TYPE_NONE, 0);
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
  /* Edits can reach the project (a server can be out of reach). */
  properties[PROP_ONLINE] =
    g_param_spec_boolean ("online", NULL, NULL, TRUE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ENCODING] =
    g_param_spec_string ("encoding", NULL, NULL, "auto",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_VIEW_NAMES] =
    g_param_spec_boxed ("view-names", NULL, NULL, G_TYPE_STRV,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* The day the dashboard's and the meeting room's "changes since" count
   * from (a Julian day): the last meeting's, chosen by the user. */
  properties[PROP_CHANGES_SINCE] =
    g_param_spec_uint ("changes-since", NULL, NULL, 0, G_MAXUINT32, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* A past day the views show, read-only (a Julian day; 0: today). */
  properties[PROP_AS_OF] =
    g_param_spec_uint ("as-of", NULL, NULL, 0, G_MAXUINT32, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  install_signals (G_TYPE_FROM_CLASS (klass));
}

static void
mq_project_init (MqProject *self)
{
  self->selection = mq_selection_new ();
  self->filter = mq_filter_new ();
  self->online = TRUE;
  self->editing = -1;
  self->remote = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  self->undone = g_ptr_array_new_with_free_func ((GDestroyNotify) mq_edit_free);
  self->layers = mq_layer_list_new ();
  self->vectors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
}

MqProject *
mq_project_new (void)
{
  return g_object_new (MQ_TYPE_PROJECT, NULL);
}

/* ---- changes since a day ---------------------------------------------------- */

#define DEFAULT_CHANGES_DAYS 30

guint32
mq_project_get_changes_since (MqProject *self)
{
  g_return_val_if_fail (MQ_IS_PROJECT (self), 0);
  return self->changes_since ? self->changes_since : mq_project_get_today (self) - DEFAULT_CHANGES_DAYS;
}

void
mq_project_set_changes_since (MqProject *self,
                              guint32    julian)
{
  g_return_if_fail (MQ_IS_PROJECT (self));
  if (self->changes_since == julian)
    return;
  self->changes_since = julian;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CHANGES_SINCE]);
}

/* What a worker works "changes since" out from: nothing live. */
typedef struct
{
  MqDataset *snapshot;
  GBytes    *shown;     /* the filter's, or NULL */
  GDate      since;
  guint32    today;
} ChangesJob;

static void
changes_job_free (ChangesJob *job)
{
  g_object_unref (job->snapshot);
  g_clear_pointer (&job->shown, g_bytes_unref);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ChangesJob, changes_job_free)

/* The parcels as they are, the filter's result and the day, or NULL for a
 * file that keeps no history. */
static ChangesJob *
changes_job_new (MqProject  *self,
                 GError    **error)
{
  ChangesJob *job;

  if (self->dataset == NULL || !mq_project_get_has_store (self))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, _("This file keeps no history"));
      return NULL;
    }
  job = g_new0 (ChangesJob, 1);
  job->today = mq_project_get_today (self);
  job->snapshot = mq_dataset_snapshot (self->dataset);
  if (mq_filter_is_active (self->filter))
    job->shown = g_bytes_ref (mq_filter_get_shown (self->filter, self->dataset, job->today, NULL));
  g_date_clear (&job->since, 1);
  g_date_set_julian (&job->since, mq_project_get_changes_since (self));
  return job;
}

static MqChanges *
changes_job_run (ChangesJob  *job,
                 GError     **error)
{
  return mq_changes_since_shown (job->snapshot, &job->since, job->today, job->shown, error);
}

/**
 * mq_project_dup_changes:
 *
 * What changed in the project since the end of the "changes-since" day,
 * to today (core/mq-changes.c), in the parcels the filter leaves.
 *
 * Returns: (transfer full) (nullable): %NULL when the project keeps no
 *   history (a survey file)
 */
MqChanges *
mq_project_dup_changes (MqProject  *self,
                        GError    **error)
{
  g_autoptr(ChangesJob) job = NULL;

  g_return_val_if_fail (MQ_IS_PROJECT (self), NULL);
  job = changes_job_new (self, error);
  return job != NULL ? changes_job_run (job, error) : NULL;
}

static void
changes_thread (GTask        *task,
                gpointer      source,
                gpointer      data,
                GCancellable *cancellable)
{
  GError *error = NULL;
  MqChanges *changes = changes_job_run (data, &error);

  if (changes != NULL)
    mq_task_return_pointer (task, changes, (GDestroyNotify) mq_changes_free);
  else
    mq_task_return_error (task, error);
}

/**
 * mq_project_dup_changes_async:
 *
 * mq_project_dup_changes() in a worker: the history is read (a server's is
 * a query) and taken back away from the main thread, on a snapshot of the
 * parcels and the filter's result of this moment.
 */
void
mq_project_dup_changes_async (MqProject           *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;
  ChangesJob *job;

  g_return_if_fail (MQ_IS_PROJECT (self));
  task = mq_task_new (self, cancellable, callback, user_data);
  if ((job = changes_job_new (self, &error)) == NULL)
    {
      mq_task_return_error (task, error);
      return;
    }
  mq_task_set_data (task, job, (GDestroyNotify) changes_job_free);
  mq_task_run_in_thread (task, changes_thread);
}

/* Returns: (transfer full) (nullable): the changes, or NULL with @error */
MqChanges *
mq_project_dup_changes_finish (MqProject     *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- a past day ------------------------------------------------------------- */

/* Every view again, as after an edit of every parcel. */
static void
tell_views (MqProject *self)
{
  g_signal_emit (self, signals[CHANGED], 0, NULL, G_MAXUINT64);
  mq_filter_data_changed (self->filter);
  notify_store_state (self, FALSE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AS_OF]);
}

/* The views follow another dataset (a day before a survey update, or back
 * from one) as they follow a file opened: a parcel selected in the one is
 * no parcel of the other. */
static void
show_dataset (MqProject *self,
              MqDataset *dataset)
{
  mq_selection_clear (self->selection);
  g_set_object (&self->dataset, dataset);
  g_clear_pointer (&self->ids, g_hash_table_unref);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DATASET]);
  g_signal_emit (self, signals[LOADED], 0);
}

/* Today's parcels again, in the dataset the store keeps. */
static void
back_to_today (MqProject *self)
{
  g_autoptr(MqDataset) today = g_steal_pointer (&self->today);

  if (self->present != NULL)
    mq_dataset_set_parcels (self->dataset, self->present);
  g_clear_object (&self->present);
  if (today != NULL)
    show_dataset (self, today);
  if (self->dataset != NULL)
    mq_dataset_set_as_of (self->dataset, 0);
}

/* The parcels a day shows: today's taken back, or — before a survey
 * update — the parcels the project had then (the update kept them),
 * taken back to that day. */
static gboolean
show_day (MqProject  *self,
          guint32     julian,
          GError    **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(MqParcels) past = NULL;
  g_autoptr(MqDataset) before = NULL;
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_julian (&date, julian);
  past = mq_dataset_dup_rewound (self->dataset, &date, &local);
  if (past != NULL)
    {
      self->present = g_object_ref (mq_dataset_get_parcels (self->dataset));
      mq_dataset_set_parcels (self->dataset, past);
      return TRUE;
    }
  if (!g_error_matches (local, MQ_AS_OF_ERROR, MQ_AS_OF_ERROR_SURVEY_UPDATED))
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  before = mq_dataset_load_before_survey (self->dataset, &date, error);
  if (before == NULL)
    return FALSE;
  self->today = g_object_ref (self->dataset);
  show_dataset (self, before);
  return TRUE;
}

/**
 * mq_project_set_as_of:
 * @julian: a past day, or 0 for today
 *
 * Shows the project as it stood at the end of @julian (its history undone
 * in memory, core/mq-as-of.c): every view, read-only, deadlines counted
 * from that day, until it is set back to 0. A day before a survey update
 * shows the parcels the project had then, in place of today's. A server
 * project's history is read from the server, and other planners' changes
 * are held back meanwhile (mq_store_set_held()): they belong on today's
 * parcels.
 */
gboolean
mq_project_set_as_of (MqProject  *self,
                      guint32     julian,
                      GError    **error)
{
  g_return_val_if_fail (MQ_IS_PROJECT (self), FALSE);
  if (julian == self->as_of)
    return TRUE;
  if (self->dataset == NULL || self->store == NULL)
    {
      no_store (self, error);
      return FALSE;
    }
  /* From today's parcels, not from another past day's. */
  back_to_today (self);
  if (julian != 0 && !show_day (self, julian, error))
    {
      /* Today: the day shown before is let go too. */
      self->as_of = 0;
      mq_dataset_set_as_of (self->dataset, 0);
      mq_store_set_held (self->store, FALSE);
      tell_views (self);
      return FALSE;
    }
  /* Other planners' changes go onto today's parcels, not the past day's. */
  mq_store_set_held (self->store, julian != 0);
  self->as_of = julian;
  /* The window's own day: another window of this process keeps its own. */
  mq_dataset_set_as_of (self->dataset, julian);
  tell_views (self);
  return TRUE;
}

/**
 * mq_project_get_today:
 *
 * Returns: the day the project's deadlines count from: the past day it
 *   shows, else mq_today()
 */
guint32
mq_project_get_today (MqProject *self)
{
  g_return_val_if_fail (MQ_IS_PROJECT (self), mq_today ());
  /* The day is the shown dataset's: one place keeps it. */
  return self->dataset != NULL ? mq_dataset_get_today (self->dataset) : mq_today ();
}

guint32
mq_project_get_as_of (MqProject *self)
{
  g_return_val_if_fail (MQ_IS_PROJECT (self), 0);
  return self->as_of;
}

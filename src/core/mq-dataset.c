/* mq-dataset.c — one opened source: its parcels (the current generation),
 * reference layers and metadata; snapshots of it for worker threads. The
 * reading is core/mq-load.c's.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-dataset-private.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <ogr_srs_api.h>

#include "mq-task.h"

G_DEFINE_FINAL_TYPE (MqDataset, mq_dataset, G_TYPE_OBJECT)
G_DEFINE_QUARK (mq-dataset-error-quark, mq_dataset_error)

static void
mq_dataset_finalize (GObject *object)
{
  MqDataset *self = MQ_DATASET (object);

  mq_task_acquire_refs ();
  g_clear_object (&self->parcels);
  g_mutex_clear (&self->lonlat_lock);
  /* A snapshot borrows everything else from its live dataset. */
  if (self->origin != NULL)
    {
      g_clear_object (&self->origin);
      G_OBJECT_CLASS (mq_dataset_parent_class)->finalize (object);
      return;
    }
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->layer_name, g_free);
  g_clear_pointer (&self->server_conninfo, g_free);
  g_clear_pointer (&self->server_schema, g_free);
  g_clear_pointer (&self->reference.shapes, mq_shapes_free);
  g_clear_pointer (&self->reference.kind, g_array_unref);
  g_clear_pointer (&self->reference.name, g_ptr_array_unref);
  g_clear_pointer (&self->reference.width_m, g_array_unref);
  g_clear_pointer (&self->reference.area_m2, g_array_unref);
  g_clear_pointer (&self->crs_label, g_free);
  g_clear_pointer (&self->display_wkt, g_free);
  g_clear_pointer (&self->encoding, g_free);
  g_clear_pointer (&self->warnings, g_ptr_array_unref);
  g_clear_pointer (&self->polygon_layers, g_strfreev);
  g_clear_pointer (&self->to_lonlat, OCTDestroyCoordinateTransformation);
  g_clear_pointer (&self->from_lonlat, OCTDestroyCoordinateTransformation);

  G_OBJECT_CLASS (mq_dataset_parent_class)->finalize (object);
}

static void
mq_dataset_class_init (MqDatasetClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mq_dataset_finalize;
}

static void
mq_dataset_init (MqDataset *self)
{
  self->reference.shapes = mq_shapes_new ();
  self->reference.kind = g_array_new (FALSE, FALSE, sizeof (guint8));
  self->reference.name = g_ptr_array_new_with_free_func (g_free);
  self->reference.width_m = g_array_new (FALSE, FALSE, sizeof (double));
  self->reference.area_m2 = g_array_new (FALSE, FALSE, sizeof (double));
  self->warnings = g_ptr_array_new_with_free_func (g_free);
  g_mutex_init (&self->lonlat_lock);
}

const char *
mq_dataset_get_path (MqDataset *self)
{
  g_return_val_if_fail (MQ_IS_DATASET (self), NULL);
  return self->path;
}

const char *
mq_dataset_get_layer_name (MqDataset *self)
{
  g_return_val_if_fail (MQ_IS_DATASET (self), NULL);
  return self->layer_name;
}

/**
 * mq_dataset_get_parcels:
 *
 * Returns: (transfer none): the current generation of the parcels. On a live
 *   dataset it is replaced by the next edit: look it up again rather than
 *   keep it, and hand a worker mq_dataset_snapshot(), never the live dataset.
 */
MqParcels *
mq_dataset_get_parcels (MqDataset *self)
{
  g_return_val_if_fail (MQ_IS_DATASET (self), NULL);
  return self->parcels;
}

/**
 * mq_dataset_set_parcels:
 * @parcels: the next generation (mq_parcels_new_generation()), frozen here
 *
 * Publishes an edit. Main thread, live datasets only: snapshots already
 * handed out keep the generation they were made with.
 */
void
mq_dataset_set_parcels (MqDataset *self,
                        MqParcels *parcels)
{
  g_return_if_fail (MQ_IS_DATASET (self));
  g_return_if_fail (MQ_IS_PARCELS (parcels));
  g_return_if_fail (self->origin == NULL);

  mq_parcels_freeze (parcels);
  g_set_object (&self->parcels, parcels);
}

/**
 * mq_dataset_snapshot:
 *
 * Returns: (transfer full): this dataset as it is now, for a worker thread:
 *   its parcels are the current generation and stay so; everything else is
 *   shared with @self (and was never to change after loading).
 */
MqDataset *
mq_dataset_snapshot (MqDataset *self)
{
  MqDataset *snapshot;
  MqDataset *live;

  g_return_val_if_fail (MQ_IS_DATASET (self), NULL);

  live = self->origin != NULL ? self->origin : self;
  snapshot = g_object_new (MQ_TYPE_DATASET, NULL);
  /* What init made is replaced by the live dataset's own. */
  g_clear_pointer (&snapshot->reference.shapes, mq_shapes_free);
  g_clear_pointer (&snapshot->reference.kind, g_array_unref);
  g_clear_pointer (&snapshot->reference.name, g_ptr_array_unref);
  g_clear_pointer (&snapshot->reference.width_m, g_array_unref);
  g_clear_pointer (&snapshot->reference.area_m2, g_array_unref);
  g_clear_pointer (&snapshot->warnings, g_ptr_array_unref);
  snapshot->path = live->path;
  snapshot->layer_name = live->layer_name;
  snapshot->parcels = g_object_ref (self->parcels);
  snapshot->reference = live->reference;
  snapshot->crs_label = live->crs_label;
  snapshot->display_wkt = live->display_wkt;
  snapshot->encoding = live->encoding;
  snapshot->encoding_source = live->encoding_source;
  snapshot->n_lossy = live->n_lossy;
  memcpy (snapshot->problem_counts, live->problem_counts, sizeof live->problem_counts);
  snapshot->n_problem_parcels = live->n_problem_parcels;
  snapshot->n_lost = live->n_lost;
  snapshot->warnings = live->warnings;
  snapshot->field_map = live->field_map;
  snapshot->polygon_layers = live->polygon_layers;
  snapshot->server_conninfo = live->server_conninfo;
  snapshot->server_schema = live->server_schema;
  snapshot->origin = g_object_ref (live);
  snapshot->as_of = self->as_of;
  return snapshot;
}

/**
 * mq_dataset_set_as_of:
 * @julian: the past day the parcels are of, or 0: today
 *
 * Set by a project showing a past day on the dataset it shows: each window
 * its own day (a snapshot keeps the day it was taken at).
 */
void
mq_dataset_set_as_of (MqDataset *self,
                      guint32    julian)
{
  g_return_if_fail (MQ_IS_DATASET (self));
  self->as_of = julian;
}

/**
 * mq_dataset_get_as_of:
 *
 * Returns: the past day the parcels are of (a window's, or the command
 *   line's --as-of), or 0
 */
guint32
mq_dataset_get_as_of (MqDataset *self)
{
  g_return_val_if_fail (MQ_IS_DATASET (self), mq_get_as_of ());
  return self->as_of != 0 ? self->as_of : mq_get_as_of ();
}

/**
 * mq_dataset_get_today:
 *
 * Returns: the day the dataset's deadlines count from: the past day it is
 *   shown at, else mq_today() (the command line's --as-of, or today)
 */
guint32
mq_dataset_get_today (MqDataset *self)
{
  g_return_val_if_fail (MQ_IS_DATASET (self), mq_today ());
  return self->as_of != 0 ? self->as_of : mq_today ();
}

/* Returns: (nullable): the libpq connection string of a project loaded
 *   from "pg:…" (for the store only: it may hold a password), else NULL */
const char *
_mq_dataset_get_server (MqDataset   *self,
                        const char **schema)
{
  g_return_val_if_fail (MQ_IS_DATASET (self), NULL);

  if (schema != NULL)
    *schema = self->server_schema;
  return self->server_conninfo;
}

gboolean
mq_dataset_is_snapshot (MqDataset *self)
{
  g_return_val_if_fail (MQ_IS_DATASET (self), FALSE);
  return self->origin != NULL;
}

const MqReference *
mq_dataset_get_reference (MqDataset *self)
{
  g_return_val_if_fail (MQ_IS_DATASET (self), NULL);
  return &self->reference;
}

const char *
mq_dataset_get_crs_label (MqDataset *self)
{
  g_return_val_if_fail (MQ_IS_DATASET (self), NULL);
  return self->crs_label;
}

const char *
mq_dataset_get_display_wkt (MqDataset *self)
{
  g_return_val_if_fail (MQ_IS_DATASET (self), NULL);
  return self->display_wkt;
}

const char *
mq_dataset_get_encoding (MqDataset *self)
{
  g_return_val_if_fail (MQ_IS_DATASET (self), NULL);
  return self->encoding;
}

MqEncodingSource
mq_dataset_get_encoding_source (MqDataset *self)
{
  g_return_val_if_fail (MQ_IS_DATASET (self), 0);
  return self->encoding_source;
}

guint
mq_dataset_get_n_lossy_values (MqDataset *self)
{
  g_return_val_if_fail (MQ_IS_DATASET (self), 0);
  return self->n_lossy;
}

/* Every polygon layer of the source, for the user to choose among. */
const char * const *
mq_dataset_get_polygon_layers (MqDataset *self)
{
  g_return_val_if_fail (MQ_IS_DATASET (self), NULL);
  return (const char * const *) self->polygon_layers;
}

/* The mapping in force, as JSON (see mq_field_map_to_json()). */
char *
mq_dataset_dup_field_mapping (MqDataset *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  const char * const *names;

  g_return_val_if_fail (MQ_IS_DATASET (self), NULL);

  names = mq_parcels_get_field_names (self->parcels);
  json_builder_begin_object (b);
  for (guint f = 0; f < MQ_N_FIELDS; f++)
    {
      if (self->field_map.index[f] < 0)
        continue;
      json_builder_set_member_name (b, mq_field_info (f)->key);
      json_builder_add_string_value (b, names[self->field_map.index[f]]);
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

const MqFieldMap *
mq_dataset_get_field_map (MqDataset *self)
{
  g_return_val_if_fail (MQ_IS_DATASET (self), NULL);
  return &self->field_map;
}

guint
mq_dataset_get_n_lost_records (MqDataset *self)
{
  g_return_val_if_fail (MQ_IS_DATASET (self), 0);
  return self->n_lost;
}

/* Translated sentences about the source that are not errors. */
GPtrArray *
mq_dataset_get_warnings (MqDataset *self)
{
  g_return_val_if_fail (MQ_IS_DATASET (self), NULL);
  return self->warnings;
}

guint
mq_dataset_get_n_problem_parcels (MqDataset *self)
{
  g_return_val_if_fail (MQ_IS_DATASET (self), 0);
  return self->n_problem_parcels;
}

/* How many parcels have the problem (a single MqProblem flag). */
guint
mq_dataset_get_problem_count (MqDataset *self,
                              MqProblem  problem)
{
  g_return_val_if_fail (MQ_IS_DATASET (self), 0);

  for (guint bit = 0; bit < MQ_N_PROBLEM_KINDS; bit++)
    if (problem == (1u << bit))
      return self->problem_counts[bit];
  return 0;
}

/* Parcels with absurd coordinates (1e12, say) are left out: one bad record
 * must not shrink the map to a dot. */
static void
parcels_extent (MqParcels *parcels,
                MqBox     *extent)
{
  const MqShapes *shapes = mq_parcels_get_shapes (parcels);

  *extent = (MqBox) { INFINITY, INFINITY, -INFINITY, -INFINITY };
  for (guint i = 0; i < mq_parcels_get_n_parcels (parcels); i++)
    {
      const MqBox b = mq_shapes_get_bbox (shapes, i);

      if (!(mq_parcels_get (parcels, i)->problems & MQ_PROBLEM_BAD_COORDINATE) &&
          !mq_box_is_empty (&b))
        mq_box_union (extent, &b);
    }
}

/* The parcels' extent, widened by the zone when there is one. */
void
mq_dataset_get_extent (MqDataset *self,
                       MqBox     *extent)
{
  MqBox ref;

  g_return_if_fail (MQ_IS_DATASET (self));

  parcels_extent (self->parcels, extent);
  for (guint i = 0; i < self->reference.kind->len; i++)
    {
      if (g_array_index (self->reference.kind, guint8, i) != MQ_REF_ZONE)
        continue;
      ref = mq_shapes_get_bbox (self->reference.shapes, i);
      if (!mq_box_is_empty (&ref))
        mq_box_union (extent, &ref);
    }
}

static gboolean
ensure_lonlat (MqDataset *self)
{
  OGRSpatialReferenceH display, geog;

  if (self->to_lonlat != NULL)
    return TRUE;
  display = OSRNewSpatialReference (self->display_wkt);
  if (display == NULL)
    return FALSE;
  geog = OSRCloneGeogCS (display);
  OSRSetAxisMappingStrategy (display, OAMS_TRADITIONAL_GIS_ORDER);
  OSRSetAxisMappingStrategy (geog, OAMS_TRADITIONAL_GIS_ORDER);
  self->to_lonlat = OCTNewCoordinateTransformation (display, geog);
  self->from_lonlat = OCTNewCoordinateTransformation (geog, display);
  OSRDestroySpatialReference (geog);
  OSRDestroySpatialReference (display);
  return self->to_lonlat != NULL && self->from_lonlat != NULL;
}

/* A point of the display CRS in longitude and latitude (its own datum). */
gboolean
mq_dataset_to_lonlat (MqDataset *self,
                      double     x,
                      double     y,
                      double    *lon,
                      double    *lat)
{
  g_autoptr(MqMutexLocker) locker = NULL;

  g_return_val_if_fail (MQ_IS_DATASET (self), FALSE);

  if (self->origin != NULL)
    return mq_dataset_to_lonlat (self->origin, x, y, lon, lat);
  locker = mq_mutex_locker_new (&self->lonlat_lock);
  *lon = x, *lat = y;
  return ensure_lonlat (self) && OCTTransform (self->to_lonlat, 1, lon, lat, NULL);
}

/**
 * mq_dataset_get_north_angle:
 *
 * The angle from grid north to true north at a point of the display CRS, in
 * radians, clockwise: Gauss-Krüger grid north leans away from true north the
 * farther one is from the central meridian (about 0.7° at Maqiao).
 */
double
mq_dataset_get_north_angle (MqDataset *self,
                            double     x,
                            double     y)
{
  double lon, lat, nx, ny;

  g_return_val_if_fail (MQ_IS_DATASET (self), 0.0);

  g_autoptr(MqMutexLocker) locker = NULL;

  if (self->origin != NULL)
    return mq_dataset_get_north_angle (self->origin, x, y);
  if (!mq_dataset_to_lonlat (self, x, y, &lon, &lat))
    return 0.0;
  nx = lon, ny = MIN (lat + 0.01, 89.9);
  locker = mq_mutex_locker_new (&self->lonlat_lock);
  if (!OCTTransform (self->from_lonlat, 1, &nx, &ny, NULL))
    return 0.0;
  return atan2 (nx - x, ny - y);
}

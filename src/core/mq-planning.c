/* mq-planning.c
 *
 * The plan layer opens as any source does (its encoding, its CRS, its
 * columns under the field table's names: 用地性质/GHYT as the planned use,
 * 规划容积率/GHRJL — or a plain 容积率/RJL, which on a plan layer is the
 * planned one). Each plan zone, in the parcels' CRS, is measured against
 * the parcels its box meets (the parcels' R-tree); a parcel takes the use
 * and ratio of the zone covering at least half of it. One that no zone
 * covers half of is left as it was and named: which zone it belongs to is
 * the planner's to say, not ours to guess.
 *
 * Runs in a worker: @parcels is a frozen generation, its geometry and
 * index shared and never changed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-planning.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "mq-crs.h"
#include "mq-field-map.h"
#include "mq-performance.h"

G_DEFINE_QUARK (mq-planning-error-quark, mq_planning_error)

/* A parcel's best zone so far. */
typedef struct
{
  int    zone;    /* -1: none */
  double share;   /* of the parcel's plane area */
} Best;

/* Every parcel the zone's box meets: how much of it the zone covers. */
static void
measure_zone (MqParcels    *parcels,
              OGRGeometryH  zone,
              int           z,
              Best         *best)
{
  const MqShapes *shapes = mq_parcels_get_shapes (parcels);
  g_autoptr(GArray) candidates = NULL;
  OGREnvelope env;
  MqBox box;

  OGR_G_GetEnvelope (zone, &env);
  box = (MqBox) { env.MinX, env.MinY, env.MaxX, env.MaxY };
  candidates = mq_spatial_index_query (mq_parcels_get_index (parcels), &box);
  for (guint k = 0; k < candidates->len; k++)
    {
      guint i = g_array_index (candidates, guint, k);
      double share = mq_shapes_get_overlap_share (shapes, i, zone);

      if (share > best[i].share)
        best[i] = (Best) { z, share };
    }
}

/* The zone's planned use and ratio, as its columns hold them. */
static void
zone_values (const MqParcel  *zone,
             const char     **use,
             char           **far)
{
  double ratio = !isnan (zone->details->planned_far) ? zone->details->planned_far : zone->details->far;

  *use = zone->details->planned_use;
  *far = mq_figure_format (ratio);
}

static void
fill (MqParcels        *parcels,
      MqParcels        *zones,
      const Best       *best,
      MqEdit           *edit,
      MqPlanningResult *result)
{
  for (guint i = 0; i < mq_parcels_get_n_parcels (parcels); i++)
    {
      g_autofree char *far = NULL;
      const char *use;

      if (best[i].zone < 0)
        continue;
      if (best[i].share < 0.5)
        {
          const char *id = mq_parcels_get (parcels, i)->id;

          g_ptr_array_add (result->straddling, g_strdup (id ? id : "?"));
          continue;
        }
      zone_values (mq_parcels_get (zones, best[i].zone), &use, &far);
      if (use != NULL)
        mq_edit_set (edit, i, MQ_FIELD_PLANNED_USE, use, 0);
      if (far != NULL)
        mq_edit_set (edit, i, MQ_FIELD_PLANNED_FAR, far, 0);
      result->n_filled += use != NULL || far != NULL;
    }
}

/**
 * mq_planning_read:
 * @parcels: the project's parcels (a frozen generation)
 * @display_wkt: their CRS
 * @result: (out caller-allocates): what was found; clear it
 *
 * The edit that gives each parcel its 控规 use and ratio (one batch). A layer
 * without a use or ratio column is refused, naming the columns it looked for.
 *
 * Returns: (transfer full) (nullable): the edit, or %NULL with @error
 */
MqEdit *
mq_planning_read (MqParcels         *parcels,
                  const char        *display_wkt,
                  const char        *path,
                  MqPlanningResult  *result,
                  GError           **error)
{
  g_autoptr(MqDataset) plan = mq_dataset_load (path, NULL, NULL, error);
  g_autoptr(MqEdit) edit = NULL;
  g_autofree Best *best = NULL;
  OGRCoordinateTransformationH transform;
  const MqFieldMap *map;
  MqParcels *zones;

  result->n_zones = result->n_filled = 0;
  result->straddling = g_ptr_array_new_with_free_func (g_free);
  if (plan == NULL)
    return NULL;
  map = mq_dataset_get_field_map (plan);
  if (!mq_field_map_has (map, MQ_FIELD_PLANNED_USE) && !mq_field_map_has (map, MQ_FIELD_PLANNED_FAR) &&
      !mq_field_map_has (map, MQ_FIELD_FAR))
    {
      g_set_error (error, MQ_PLANNING_ERROR, MQ_PLANNING_ERROR_NO_VALUES,
                   _("%s: no planned use or floor area ratio column (用地性质, GHYT, 容积率, RJL, GHRJL)"),
                   path);
      return NULL;
    }
  zones = mq_dataset_get_parcels (plan);
  result->n_zones = mq_parcels_get_n_parcels (zones);
  best = g_new (Best, mq_parcels_get_n_parcels (parcels));
  for (guint i = 0; i < mq_parcels_get_n_parcels (parcels); i++)
    best[i] = (Best) { -1, 0 };
  transform = mq_crs_new_transform_wkt (mq_dataset_get_display_wkt (plan), display_wkt);
  for (guint z = 0; z < result->n_zones; z++)
    {
      OGRGeometryH g = mq_shapes_dup_polygons (mq_parcels_get_shapes (zones), z);

      if (g != NULL && (transform == NULL || OGR_G_Transform (g, transform) == OGRERR_NONE))
        measure_zone (parcels, g, (int) z, best);
      OGR_G_DestroyGeometry (g);
    }
  if (transform != NULL)
    OCTDestroyCoordinateTransformation (transform);
  edit = mq_edit_new (MQ_EDIT_ACTION_BATCH);
  fill (parcels, zones, best, edit, result);
  return g_steal_pointer (&edit);
}

void
mq_planning_result_clear (MqPlanningResult *result)
{
  g_clear_pointer (&result->straddling, g_ptr_array_unref);
}

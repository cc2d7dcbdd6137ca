/* mq-shapes.h — polygons and lines as flat arrays.
 *
 * All coordinates of a layer live in one double array; rings (or line paths)
 * are runs of it, features are runs of rings. This keeps 10⁶ parcels in a few
 * allocations and lets the renderer walk them without touching OGR.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <ogr_api.h>

#include "mq-types.h"

G_BEGIN_DECLS

typedef struct
{
  GArray *xy;          /* float: x − origin, y − origin per point, the origin
                        * being the feature's bbox minimum as mq_shapes_get_bbox()
                        * gives it: half the memory of doubles, 0.1 mm at 2 km */
  GArray *ring_start;  /* guint: first point of each ring, plus one past the end */
  GArray *feat_ring;   /* guint: first ring of each feature, plus one past the end */
  GArray *bbox;        /* float min_x, min_y, max_x, max_y per feature, from
                        * (origin_x, origin_y), rounded outwards: 16 MB fewer at 10⁶ */
  double  origin_x;    /* the first feature's corner: every box is kept from it */
  double  origin_y;
  gboolean has_origin;
  MqBox   extent;      /* of every feature: kept as they are added, read every frame */
  GArray *last_xy;     /* double: the feature added last, as read (mq_shapes_peek_last()) */
  GArray *last_start;  /* guint: its rings' first points in last_xy, plus one past the end */
  gboolean open_rings; /* polygons only: a ring's closing point (its first
                        * again) is not kept; every reader closes rings */
} MqShapes;

MqShapes *mq_shapes_new           (void);
MqShapes *mq_shapes_new_polygons  (void);
void      mq_shapes_free          (MqShapes     *shapes);
guint     mq_shapes_get_n_features (const MqShapes *shapes);
guint     mq_shapes_add_geometry  (MqShapes     *shapes,
                                   OGRGeometryH  geometry);
void      mq_shapes_get_extent    (const MqShapes *shapes,
                                   MqBox        *extent);
double    mq_shapes_get_plane_area (const MqShapes *shapes,
                                    guint           feature);
OGRGeometryH mq_shapes_dup_polygons (const MqShapes *shapes,
                                     guint           feature);
double    mq_shapes_get_overlap_share (const MqShapes *shapes,
                                       guint           feature,
                                       OGRGeometryH    other);
gboolean  mq_shapes_contains      (const MqShapes *shapes,
                                   guint         feature,
                                   double        x,
                                   double        y);

/* A feature's bounding box (an empty one for a feature with no points):
 * it holds every point, and its corner is the origin the points are kept
 * from (mq_shapes_get_point()). */
static inline MqBox
mq_shapes_get_bbox (const MqShapes *shapes,
                    guint           feature)
{
  const float *f = &g_array_index (shapes->bbox, float, 4 * feature);
  MqBox box = { shapes->origin_x + f[0], shapes->origin_y + f[1],
                shapes->origin_x + f[2], shapes->origin_y + f[3] };

  return box;
}

double    mq_shapes_get_bbox_slack (const MqShapes *shapes,
                                    guint           feature);

/* The point @p of a feature whose bbox is @origin, in the layer's CRS. */
static inline void
mq_shapes_get_point (const MqShapes *shapes,
                     const MqBox    *origin,
                     guint           p,
                     double         *x,
                     double         *y)
{
  const float *xy = (const float *) shapes->xy->data;

  *x = origin->min_x + xy[2 * p];
  *y = origin->min_y + xy[2 * p + 1];
}

guint     mq_shapes_peek_last     (const MqShapes *shapes,
                                   const double  **xy,
                                   const guint   **ring_start);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MqShapes, mq_shapes_free)

G_END_DECLS

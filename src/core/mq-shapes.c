/* mq-shapes.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mq-shapes.h"

#include <float.h>
#include <math.h>
#include <string.h>

static const MqBox empty_box = { INFINITY, INFINITY, -INFINITY, -INFINITY };

MqShapes *
mq_shapes_new (void)
{
  MqShapes *shapes = g_new0 (MqShapes, 1);
  guint zero = 0;

  shapes->xy = g_array_new (FALSE, FALSE, sizeof (float));
  shapes->last_xy = g_array_new (FALSE, FALSE, sizeof (double));
  shapes->last_start = g_array_new (FALSE, FALSE, sizeof (guint));
  shapes->ring_start = g_array_new (FALSE, FALSE, sizeof (guint));
  shapes->feat_ring = g_array_new (FALSE, FALSE, sizeof (guint));
  shapes->bbox = g_array_new (FALSE, FALSE, sizeof (float));
  shapes->extent = empty_box;
  g_array_append_val (shapes->ring_start, zero);
  g_array_append_val (shapes->feat_ring, zero);
  return shapes;
}

/* Shapes that are all polygons (the parcels), drawn and tested as closed
 * rings: a point a ring fewer, 8 MB at 10⁶ parcels. */
MqShapes *
mq_shapes_new_polygons (void)
{
  MqShapes *shapes = mq_shapes_new ();

  shapes->open_rings = TRUE;
  return shapes;
}

void
mq_shapes_free (MqShapes *shapes)
{
  if (shapes == NULL)
    return;
  g_array_unref (shapes->xy);
  g_array_unref (shapes->ring_start);
  g_array_unref (shapes->feat_ring);
  g_array_unref (shapes->bbox);
  g_array_unref (shapes->last_xy);
  g_array_unref (shapes->last_start);
  g_free (shapes);
}

guint
mq_shapes_get_n_features (const MqShapes *shapes)
{
  return shapes->bbox->len / 4;
}

/* For g_array_sort () of parcel indices. */
int
mq_compare_guint (gconstpointer a,
                  gconstpointer b)
{
  guint x = *(const guint *) a, y = *(const guint *) b;

  return x < y ? -1 : x > y;
}

gboolean
mq_box_is_empty (const MqBox *box)
{
  return !(box->min_x <= box->max_x && box->min_y <= box->max_y);
}

void
mq_box_union (MqBox       *box,
              const MqBox *other)
{
  box->min_x = MIN (box->min_x, other->min_x);
  box->min_y = MIN (box->min_y, other->min_y);
  box->max_x = MAX (box->max_x, other->max_x);
  box->max_y = MAX (box->max_y, other->max_y);
}

gboolean
mq_box_intersects (const MqBox *a,
                   const MqBox *b)
{
  return a->min_x <= b->max_x && b->min_x <= a->max_x &&
         a->min_y <= b->max_y && b->min_y <= a->max_y;
}

/* Reads one ring or line path into last_xy; points that are not finite
 * are dropped so that a damaged record cannot poison the extent. */
static void
add_path (MqShapes     *shapes,
          OGRGeometryH  path,
          int           n,
          MqBox        *box)
{
  GArray *last = shapes->last_xy;
  guint start = last->len / 2, kept = start;
  double *xy;

  /* Read straight into the array, then close up over what is dropped. */
  g_array_set_size (last, 2 * (start + n));
  xy = (double *) last->data;
  OGR_G_GetPoints (path, xy + 2 * start, 2 * sizeof (double), xy + 2 * start + 1, 2 * sizeof (double), NULL, 0);
  for (guint i = start; i < start + n; i++)
    {
      double x = xy[2 * i], y = xy[2 * i + 1];

      if (!isfinite (x) || !isfinite (y))
        continue;
      xy[2 * kept] = x, xy[2 * kept + 1] = y;
      kept++;
      box->min_x = MIN (box->min_x, x);
      box->min_y = MIN (box->min_y, y);
      box->max_x = MAX (box->max_x, x);
      box->max_y = MAX (box->max_y, y);
    }
  g_array_set_size (last, 2 * kept);
  g_array_append_val (shapes->last_start, kept);
}

/* @value − @origin as a float on the side of it @direction says, so that a
 * box kept in floats still holds every point. */
static float
float_outwards (double value,
                double origin,
                float  direction)
{
  double d = value - origin;
  float f = (float) d;

  /* One step of the float's bits (nextafterf() was a call per box side). */
  if (isfinite (d) && (direction < 0 ? (double) f > d : (double) f < d))
    {
      guint32 bits;

      memcpy (&bits, &f, sizeof bits);
      if (f == 0)
        bits = direction < 0 ? 0x80000001u : 0x00000001u;
      else if ((f > 0) == (direction > 0))
        bits++;
      else
        bits--;
      memcpy (&f, &bits, sizeof f);
    }
  return f;
}

/* Appends @box as floats from the shapes' origin (the first box's corner)
 * and returns it as mq_shapes_get_bbox() will give it back. */
static MqBox
store_box (MqShapes    *shapes,
           const MqBox *box)
{
  float f[4];

  if (!shapes->has_origin && !mq_box_is_empty (box))
    {
      shapes->origin_x = box->min_x;
      shapes->origin_y = box->min_y;
      shapes->has_origin = TRUE;
    }
  f[0] = float_outwards (box->min_x, shapes->origin_x, -INFINITY);
  f[1] = float_outwards (box->min_y, shapes->origin_y, -INFINITY);
  f[2] = float_outwards (box->max_x, shapes->origin_x, INFINITY);
  f[3] = float_outwards (box->max_y, shapes->origin_y, INFINITY);
  g_array_append_vals (shapes->bbox, f, 4);
  return mq_shapes_get_bbox (shapes, shapes->bbox->len / 4 - 1);
}

/* How much larger than the feature's points mq_shapes_get_bbox() may be on
 * any side: the floats' rounding, a centimetre 130 km from the first
 * feature. */
double
mq_shapes_get_bbox_slack (const MqShapes *shapes,
                          guint           feature)
{
  const float *f = &g_array_index (shapes->bbox, float, 4 * feature);
  float largest = 0;

  for (guint k = 0; k < 4; k++)
    if (isfinite (f[k]))
      largest = MAX (largest, fabsf (f[k]));
  return 2.0 * largest * FLT_EPSILON;
}

/* Stores the feature just read (last_xy) as floats from its box's corner. */
static void
store_last (MqShapes    *shapes,
            const MqBox *box)
{
  const double *in = (const double *) shapes->last_xy->data;
  const guint *ends = (const guint *) shapes->last_start->data;
  guint at = shapes->xy->len / 2, n = shapes->last_xy->len / 2;

  /* Indices, not pointers: an empty array's data is NULL. */
  g_array_set_size (shapes->xy, 2 * (at + n));
  for (guint r = 1; r < shapes->last_start->len; r++)
    {
      guint first = ends[r - 1], end = ends[r];

      if (shapes->open_rings && end - first >= 4 &&
          in[2 * first] == in[2 * end - 2] && in[2 * first + 1] == in[2 * end - 1])
        end--;
      for (guint i = first; i < end; i++, at++)
        {
          g_array_index (shapes->xy, float, 2 * at) = (float) (in[2 * i] - box->min_x);
          g_array_index (shapes->xy, float, 2 * at + 1) = (float) (in[2 * i + 1] - box->min_y);
        }
      g_array_append_val (shapes->ring_start, at);
    }
  g_array_set_size (shapes->xy, 2 * at);
}

static void
add_any (MqShapes     *shapes,
         OGRGeometryH  geometry,
         MqBox        *box)
{
  int n_sub, n;

  /* A ring: OGR_G_GetGeometryCount() would try four kinds of collection
   * before it says 0, several times what copying the points costs. */
  if (wkbFlatten (OGR_G_GetGeometryType (geometry)) == wkbLineString)
    {
      if ((n = OGR_G_GetPointCount (geometry)) > 0)
        add_path (shapes, geometry, n, box);
      return;
    }
  n_sub = OGR_G_GetGeometryCount (geometry);
  if (n_sub == 0)
    {
      if ((n = OGR_G_GetPointCount (geometry)) > 0)
        add_path (shapes, geometry, n, box);
      return;
    }
  for (int i = 0; i < n_sub; i++)
    add_any (shapes, OGR_G_GetGeometryRef (geometry, i), box);
}

/* Adds a feature (possibly with no rings, for an empty or NULL geometry) and
 * returns its index. */
guint
mq_shapes_add_geometry (MqShapes     *shapes,
                        OGRGeometryH  geometry)
{
  MqBox box = empty_box, kept;
  guint n_rings, zero = 0;

  g_array_set_size (shapes->last_xy, 0);
  g_array_set_size (shapes->last_start, 0);
  g_array_append_val (shapes->last_start, zero);
  if (geometry != NULL && !OGR_G_IsEmpty (geometry))
    add_any (shapes, geometry, &box);
  kept = store_box (shapes, &box);
  store_last (shapes, &kept);
  n_rings = shapes->ring_start->len - 1;
  g_array_append_val (shapes->feat_ring, n_rings);
  if (!mq_box_is_empty (&box))
    mq_box_union (&shapes->extent, &box);
  return mq_shapes_get_n_features (shapes) - 1;
}

/* The feature added last as it was read, in doubles (its area is measured
 * from these, not from the floats kept): its points, where each of its rings
 * starts in them (plus one past the end), and the number of rings. Valid
 * until the next feature is added. */
guint
mq_shapes_peek_last (const MqShapes *shapes,
                     const double  **xy,
                     const guint   **ring_start)
{
  *xy = (const double *) shapes->last_xy->data;
  *ring_start = (const guint *) shapes->last_start->data;
  return shapes->last_start->len - 1;
}

void
mq_shapes_get_extent (const MqShapes *shapes,
                      MqBox          *extent)
{
  *extent = shapes->extent;
}

/* Even-odd over every ring of the feature: a point in a hole is outside. */
gboolean
mq_shapes_contains (const MqShapes *shapes,
                    guint           feature,
                    double          x,
                    double          y)
{
  const float *xy = (const float *) shapes->xy->data;
  MqBox origin = mq_shapes_get_bbox (shapes, feature);
  guint r0 = g_array_index (shapes->feat_ring, guint, feature);
  guint r1 = g_array_index (shapes->feat_ring, guint, feature + 1);
  gboolean inside = FALSE;

  /* In the feature's own frame, as its points are kept. */
  x -= origin.min_x, y -= origin.min_y;

  for (guint r = r0; r < r1; r++)
    {
      guint p0 = g_array_index (shapes->ring_start, guint, r);
      guint p1 = g_array_index (shapes->ring_start, guint, r + 1);

      for (guint i = p0, j = p1 - 1; i < p1; j = i++)
        {
          double xi = xy[2 * i], yi = xy[2 * i + 1], xj = xy[2 * j], yj = xy[2 * j + 1];

          if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi)
            inside = !inside;
        }
    }
  return inside;
}

/* The plane area of a feature in its own units (holes, drawn even-odd,
 * taken away: each ring counts by its sign, the whole by its size), for
 * drawing, not for the survey's figures (see mq-area.c). */
double
mq_shapes_get_plane_area (const MqShapes *shapes,
                          guint           feature)
{
  const float *xy = (const float *) shapes->xy->data;
  guint r0 = g_array_index (shapes->feat_ring, guint, feature);
  guint r1 = g_array_index (shapes->feat_ring, guint, feature + 1);
  double area = 0;

  for (guint r = r0; r < r1; r++)
    {
      guint p0 = g_array_index (shapes->ring_start, guint, r);
      guint p1 = g_array_index (shapes->ring_start, guint, r + 1);
      double ox = xy[2 * p0], oy = xy[2 * p0 + 1];

      for (guint p = p0 + 1; p + 1 < p1; p++)
        area += (xy[2 * p] - ox) * (xy[2 * p + 3] - oy) - (xy[2 * p + 2] - ox) * (xy[2 * p + 1] - oy);
    }
  return fabs (area) / 2;
}

/* Whether point @p of the shapes lies inside ring @r (even-odd). */
static gboolean
ring_holds (const MqShapes *shapes,
            guint           r,
            double          x,
            double          y)
{
  const float *xy = (const float *) shapes->xy->data;
  guint p0 = g_array_index (shapes->ring_start, guint, r);
  guint p1 = g_array_index (shapes->ring_start, guint, r + 1);
  gboolean inside = FALSE;

  for (guint i = p0, j = p1 - 1; i < p1; j = i++)
    {
      double xi = xy[2 * i], yi = xy[2 * i + 1], xj = xy[2 * j], yj = xy[2 * j + 1];

      if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi)
        inside = !inside;
    }
  return inside;
}

static OGRGeometryH
ring_geometry (const MqShapes *shapes,
               const MqBox    *origin,
               guint           r)
{
  OGRGeometryH ring = OGR_G_CreateGeometry (wkbLinearRing);
  guint p0 = g_array_index (shapes->ring_start, guint, r);
  guint p1 = g_array_index (shapes->ring_start, guint, r + 1);
  double x, y;

  for (guint p = p0; p < p1; p++)
    {
      mq_shapes_get_point (shapes, origin, p, &x, &y);
      OGR_G_AddPoint_2D (ring, x, y);
    }
  mq_shapes_get_point (shapes, origin, p0, &x, &y);
  OGR_G_AddPoint_2D (ring, x, y);
  return ring;
}

/**
 * mq_shapes_dup_polygons:
 *
 * A feature's area as OGR polygons, the way it is drawn and hit (even-odd):
 * a ring inside an even number of the feature's other rings bounds land,
 * with the rings directly inside it as its holes. NULL for a feature of no
 * rings or of lines.
 *
 * Returns: (transfer full) (nullable): a multipolygon
 */
OGRGeometryH
mq_shapes_dup_polygons (const MqShapes *shapes,
                        guint           feature)
{
  const float *xy = (const float *) shapes->xy->data;
  MqBox origin = mq_shapes_get_bbox (shapes, feature);
  guint r0 = g_array_index (shapes->feat_ring, guint, feature);
  guint r1 = g_array_index (shapes->feat_ring, guint, feature + 1);
  g_autofree guint *depth = g_new0 (guint, MAX (r1 - r0, 1));
  g_autofree int *parent = g_new (int, MAX (r1 - r0, 1));
  OGRGeometryH multi = NULL;

  for (guint r = r0; r < r1; r++)
    {
      guint p = g_array_index (shapes->ring_start, guint, r);

      parent[r - r0] = -1;
      if (g_array_index (shapes->ring_start, guint, r + 1) - p < 3)
        return NULL;
      for (guint o = r0; o < r1; o++)
        if (o != r && ring_holds (shapes, o, xy[2 * p], xy[2 * p + 1]))
          depth[r - r0]++;
    }
  /* A hole's ring is the land ring holding it one level up. */
  for (guint r = r0; r < r1; r++)
    for (guint o = r0; o < r1 && depth[r - r0] % 2 == 1; o++)
      {
        guint p = g_array_index (shapes->ring_start, guint, r);

        if (depth[o - r0] + 1 == depth[r - r0] && ring_holds (shapes, o, xy[2 * p], xy[2 * p + 1]))
          parent[r - r0] = (int) o;
      }
  for (guint r = r0; r < r1; r++)
    {
      OGRGeometryH polygon;

      if (depth[r - r0] % 2 == 1)
        continue;
      polygon = OGR_G_CreateGeometry (wkbPolygon);
      OGR_G_AddGeometryDirectly (polygon, ring_geometry (shapes, &origin, r));
      for (guint h = r0; h < r1; h++)
        if (parent[h - r0] == (int) r)
          OGR_G_AddGeometryDirectly (polygon, ring_geometry (shapes, &origin, h));
      if (multi == NULL)
        multi = OGR_G_CreateGeometry (wkbMultiPolygon);
      OGR_G_AddGeometryDirectly (multi, polygon);
    }
  return multi;
}

/* Neighbours touch along a line or at a point: no area, and no warning. */
static gboolean
has_area (OGRGeometryH g)
{
  OGRwkbGeometryType t = wkbFlatten (OGR_G_GetGeometryType (g));

  return OGR_GT_IsSurface (t) || t == wkbMultiPolygon || t == wkbMultiSurface || t == wkbGeometryCollection;
}

/* GEOS refuses some invalid rings; made valid, their overlap is measured. */
static double
plane_overlap (OGRGeometryH a,
               OGRGeometryH b)
{
  OGRGeometryH common = OGR_G_Intersection (a, b);
  double area;

  if (common == NULL)
    {
      OGRGeometryH va = OGR_G_MakeValid (a), vb = OGR_G_MakeValid (b);

      common = va && vb ? OGR_G_Intersection (va, vb) : NULL;
      OGR_G_DestroyGeometry (va);
      OGR_G_DestroyGeometry (vb);
    }
  area = common != NULL && has_area (common) ? OGR_G_Area (common) : 0;
  OGR_G_DestroyGeometry (common);
  return area;
}

/**
 * mq_shapes_get_overlap_share:
 * @other: an area in the shapes' CRS
 *
 * How much of @feature @other covers, as a share of its plane area (0 for
 * a feature of no area): times the feature's geodesic area, the land they
 * share on the ellipsoid.
 */
double
mq_shapes_get_overlap_share (const MqShapes *shapes,
                             guint           feature,
                             OGRGeometryH    other)
{
  OGRGeometryH own = mq_shapes_dup_polygons (shapes, feature);
  double plane = own != NULL ? mq_shapes_get_plane_area (shapes, feature) : 0;
  double share = plane > 0 ? plane_overlap (own, other) / plane : 0;

  OGR_G_DestroyGeometry (own);
  return share;
}

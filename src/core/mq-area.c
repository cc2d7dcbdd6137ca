/* mq-area.c
 *
 * A parcel's ellipsoidal area is its plane area in a projected CRS times the
 * CRS's areal scale (m² on the ellipsoid per unit² on the plane) at the
 * parcel's centroid. The scale is measured once per node of a grid (cells
 * of about 500 m): a small square about the node taken to lon/lat on the
 * source datum and measured with Karney's geod_polygonarea, as every parcel
 * used to be; between nodes it is interpolated bilinearly. The scale of a
 * conformal projection varies by about x/R² per metre, so over a parcel of a
 * few hundred metres this differs from measuring it vertex by vertex by less
 * than 1e-7 (the 三调 rule itself takes the straight Gauss–Krüger edges, not
 * geodesics): the price of the old way was half of opening a file, a
 * transform and a geodesic per vertex. Polygons wider than a few cells
 * (zones, districts) are still measured vertex by vertex.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mq-area.h"

#include <geodesic.h>
#include <math.h>

#include "mq-crs.h"

/* Grid cells of this many metres; polygons wider than WHOLE_CELLS cells are
 * measured vertex by vertex. */
#define CELL_M 500.0
#define WHOLE_CELLS 4.0

struct _MqAreaCalc
{
  struct geod_geodesic geod;
  OGRCoordinateTransformationH to_lonlat;  /* NULL for a geographic CRS */
  double cell;                             /* grid cell, in the CRS's units */
  GHashTable *nodes;                       /* packed (i, j) → double *: m² per unit² */
  gint64 last_i, last_j;                   /* the cell asked last (parcels come in runs) */
  double last[4];                          /* its corners' scales; last[0] NaN: none yet */
  GArray *lon;
  GArray *lat;
};

/* Grid nodes are keyed i << 32 | j (as 32-bit words); g_int64_hash() would fold that to
 * i ^ j, putting whole diagonals of the grid in one bucket. */
static guint
node_hash (gconstpointer key)
{
  guint64 k = *(const guint64 *) key;

  return (guint) (k >> 32) * 73856093u ^ (guint) k * 19349663u;
}

MqAreaCalc *
mq_area_calc_new (OGRSpatialReferenceH   crs,
                  GError               **error)
{
  g_autofree MqAreaCalc *calc = g_new0 (MqAreaCalc, 1);
  OGRSpatialReferenceH geog = OSRCloneGeogCS (crs);
  double a = OSRGetSemiMajor (geog, NULL);
  double inv_f = OSRGetInvFlattening (geog, NULL);
  GError *local_error = NULL;

  OSRSetAxisMappingStrategy (geog, OAMS_TRADITIONAL_GIS_ORDER);
  geod_init (&calc->geod, a, inv_f > 0 ? 1.0 / inv_f : 0.0);
  if (OSRIsProjected (crs))
    {
      calc->to_lonlat = mq_crs_new_transform (crs, geog, &local_error);
      if (local_error != NULL)
        {
          OSRDestroySpatialReference (geog);
          g_propagate_error (error, local_error);
          return NULL;
        }
      calc->cell = CELL_M / OSRGetLinearUnits (crs, NULL);
    }
  else
    calc->cell = CELL_M / 111320.0;   /* degrees */
  OSRDestroySpatialReference (geog);
  calc->nodes = g_hash_table_new_full (node_hash, g_int64_equal, g_free, g_free);
  calc->last[0] = NAN;
  calc->lon = g_array_new (FALSE, FALSE, sizeof (double));
  calc->lat = g_array_new (FALSE, FALSE, sizeof (double));
  return g_steal_pointer (&calc);
}

void
mq_area_calc_free (MqAreaCalc *calc)
{
  if (calc == NULL)
    return;
  g_clear_pointer (&calc->to_lonlat, OCTDestroyCoordinateTransformation);
  g_hash_table_unref (calc->nodes);
  g_array_unref (calc->lon);
  g_array_unref (calc->lat);
  g_free (calc);
}

/* The geodesic area of n points (taken to lon/lat first), NaN when they
 * cannot be. */
static double
geodesic_area (MqAreaCalc *calc,
               double     *x,
               double     *y,
               int         n)
{
  double area = 0.0;

  if (calc->to_lonlat != NULL && !OCTTransform (calc->to_lonlat, n, x, y, NULL))
    return NAN;
  geod_polygonarea (&calc->geod, y, x, n, &area, NULL);
  return fabs (area);
}

/* The ring's points into the scratch arrays; how many. */
static int
ring_points (MqAreaCalc   *calc,
             OGRGeometryH  ring)
{
  int n = OGR_G_GetPointCount (ring);

  g_array_set_size (calc->lon, n);
  g_array_set_size (calc->lat, n);
  OGR_G_GetPoints (ring, calc->lon->data, sizeof (double), calc->lat->data, sizeof (double), NULL, 0);
  return n;
}

static double
ring_area (MqAreaCalc   *calc,
           OGRGeometryH  ring)
{
  int n = ring_points (calc, ring);

  if (n < 3)
    return 0.0;
  return geodesic_area (calc, (double *) calc->lon->data, (double *) calc->lat->data, n);
}

/* Vertex by vertex: the holes' areas taken from the shell's. */
static double
polygon_area_exact (MqAreaCalc   *calc,
                    OGRGeometryH  polygon)
{
  int n_rings = OGR_G_GetGeometryCount (polygon);
  double area = 0.0;

  for (int i = 0; i < n_rings; i++)
    {
      double a = ring_area (calc, OGR_G_GetGeometryRef (polygon, i));

      area += (i == 0) ? a : -a;
    }
  return area;
}

/* m² per unit² at grid node (i, j), measured once. */
static double
node_scale (MqAreaCalc *calc,
            gint64      i,
            gint64      j)
{
  gint64 key = (gint64) ((guint64) (guint32) i << 32 | (guint32) j);
  double *scale = g_hash_table_lookup (calc->nodes, &key);
  double side = calc->cell / 10.0;
  double x0 = i * calc->cell, y0 = j * calc->cell;

  if (scale == NULL)
    {
      double x[4] = { x0 - side / 2, x0 + side / 2, x0 + side / 2, x0 - side / 2 };
      double y[4] = { y0 - side / 2, y0 - side / 2, y0 + side / 2, y0 + side / 2 };

      scale = g_new (double, 1);
      *scale = geodesic_area (calc, x, y, 4) / (side * side);
      g_hash_table_insert (calc->nodes, g_memdup2 (&key, sizeof key), scale);
    }
  return *scale;
}

/* The areal scale at (x, y), bilinear between the grid's nodes. */
static double
scale_at (MqAreaCalc *calc,
          double      x,
          double      y)
{
  double u = x / calc->cell, v = y / calc->cell;
  gint64 i = (gint64) floor (u), j = (gint64) floor (v);
  double fu = u - i, fv = v - j;
  double *c = calc->last;

  if (isnan (c[0]) || i != calc->last_i || j != calc->last_j)
    {
      c[0] = node_scale (calc, i, j), c[1] = node_scale (calc, i + 1, j);
      c[2] = node_scale (calc, i, j + 1), c[3] = node_scale (calc, i + 1, j + 1);
      calc->last_i = i, calc->last_j = j;
    }
  return (1 - fv) * ((1 - fu) * c[0] + fu * c[1]) + fv * ((1 - fu) * c[2] + fu * c[3]);
}

/* A ring's plane area (positive) and its first moments, taken about (ox,
 * oy) so that big coordinates keep their digits. */
/* The area and first moments of a ring of n points, x[k * stride] and
 * y[k * stride], about (ox, oy). */
static void
moments (const double *x,
         const double *y,
         int           stride,
         int           n,
         double        ox,
         double        oy,
         double       *area,
         double       *mx,
         double       *my)
{
  double a = 0, sx = 0, sy = 0, px, py;

  *area = *mx = *my = 0;
  if (n < 3)
    return;
  px = x[(n - 1) * stride] - ox, py = y[(n - 1) * stride] - oy;
  for (int k = 0; k < n; k++)
    {
      double qx = x[k * stride] - ox, qy = y[k * stride] - oy;
      double cross = px * qy - qx * py;

      a += cross, sx += (px + qx) * cross, sy += (py + qy) * cross;
      px = qx, py = qy;
    }
  /* Orientation aside: the shell counts, the holes are taken away. */
  if (a < 0)
    a = -a, sx = -sx, sy = -sy;
  *area = a / 2, *mx = sx / 6, *my = sy / 6;
}

static void
ring_moments (MqAreaCalc   *calc,
              OGRGeometryH  ring,
              double        ox,
              double        oy,
              double       *area,
              double       *mx,
              double       *my)
{
  int n = ring_points (calc, ring);

  moments ((const double *) calc->lon->data, (const double *) calc->lat->data, 1, n, ox, oy,
           area, mx, my);
}

/* Whether a polygon with this envelope is measured vertex by vertex: wider
 * than the grid's interpolation holds for, or beyond its range. */
static gboolean
needs_exact (MqAreaCalc *calc,
             double      min_x,
             double      min_y,
             double      max_x,
             double      max_y)
{
  return !isfinite (min_x + max_x + min_y + max_y) ||
         fabs (min_x) / calc->cell > 1e9 || fabs (min_y) / calc->cell > 1e9 ||
         max_x - min_x > WHOLE_CELLS * calc->cell || max_y - min_y > WHOLE_CELLS * calc->cell;
}

static double
polygon_area (MqAreaCalc   *calc,
              OGRGeometryH  polygon)
{
  int n_rings = OGR_G_GetGeometryCount (polygon);
  OGRGeometryH shell = n_rings > 0 ? OGR_G_GetGeometryRef (polygon, 0) : NULL;
  OGREnvelope env;
  double area = 0, mx = 0, my = 0, ox, oy;

  if (shell == NULL || OGR_G_GetPointCount (shell) < 3)
    return 0.0;
  OGR_G_GetEnvelope (polygon, &env);
  if (needs_exact (calc, env.MinX, env.MinY, env.MaxX, env.MaxY))
    return polygon_area_exact (calc, polygon);
  ox = OGR_G_GetX (shell, 0), oy = OGR_G_GetY (shell, 0);
  for (int r = 0; r < n_rings; r++)
    {
      double a, x, y, sign = r == 0 ? 1 : -1;

      ring_moments (calc, OGR_G_GetGeometryRef (polygon, r), ox, oy, &a, &x, &y);
      area += sign * a, mx += sign * x, my += sign * y;
    }
  if (area <= 0)
    return area;
  return area * scale_at (calc, ox + mx / area, oy + my / area);
}

/* Area in m² of a polygon or multipolygon (holes subtracted, parts summed);
 * 0 for anything else, NaN when the coordinates cannot be transformed. */
double
mq_area_calc_measure (MqAreaCalc   *calc,
                      OGRGeometryH  geometry)
{
  OGRwkbGeometryType type;
  double area = 0.0;

  if (geometry == NULL || OGR_G_IsEmpty (geometry))
    return 0.0;
  type = wkbFlatten (OGR_G_GetGeometryType (geometry));
  if (type == wkbPolygon)
    return polygon_area (calc, geometry);
  if (type != wkbMultiPolygon && type != wkbGeometryCollection)
    return 0.0;
  for (int i = 0; i < OGR_G_GetGeometryCount (geometry); i++)
    area += mq_area_calc_measure (calc, OGR_G_GetGeometryRef (geometry, i));
  return area;
}

/**
 * mq_area_calc_measure_rings:
 * @xy: the points, x and y interleaved
 * @ring_start: where each of the @n_rings rings begins in @xy (in points),
 *   and one past the end of the last
 * @box: the envelope of every point
 * @area: (out): the area
 *
 * The area of one polygon (its shell, then its holes) whose points are at
 * hand already, as mq_area_calc_measure() gives it for the same polygon,
 * without copying its points out of OGR again.
 *
 * Returns: FALSE when the polygon must be measured vertex by vertex (with
 *   mq_area_calc_measure()).
 */
gboolean
mq_area_calc_measure_rings (MqAreaCalc   *calc,
                            const double *xy,
                            const guint  *ring_start,
                            guint         n_rings,
                            const MqBox  *box,
                            double       *area)
{
  double sum = 0, mx = 0, my = 0, ox, oy;

  *area = 0.0;
  if (n_rings == 0 || ring_start[1] - ring_start[0] < 3)
    return TRUE;
  if (needs_exact (calc, box->min_x, box->min_y, box->max_x, box->max_y))
    return FALSE;
  ox = xy[2 * ring_start[0]], oy = xy[2 * ring_start[0] + 1];
  for (guint r = 0; r < n_rings; r++)
    {
      const double *ring = xy + 2 * ring_start[r];
      double a, x, y, sign = r == 0 ? 1 : -1;

      moments (ring, ring + 1, 2, (int) (ring_start[r + 1] - ring_start[r]), ox, oy, &a, &x, &y);
      sum += sign * a, mx += sign * x, my += sign * y;
    }
  *area = sum <= 0 ? sum : sum * scale_at (calc, ox + mx / sum, oy + my / sum);
  return TRUE;
}

/**
 * mq_area_calc_geodesic:
 * @xy: @n points of the calculator's CRS, x and y interleaved
 * @length: (out): the geodesic length of the path through them, in metres
 * @area: (out): the geodesic area of the polygon they bound (closed back to
 *   the first point), in square metres; 0 under three points
 *
 * What a planner measures on the map: each edge a geodesic on the
 * ellipsoid of the CRS's datum (Karney's algorithms, as PROJ has them).
 *
 * Returns: FALSE when a point cannot be taken to the ellipsoid.
 */
gboolean
mq_area_calc_geodesic (MqAreaCalc   *calc,
                       const double *xy,
                       guint         n,
                       double       *length,
                       double       *area)
{
  double *lon, *lat;

  *length = *area = 0.0;
  g_array_set_size (calc->lon, n);
  g_array_set_size (calc->lat, n);
  lon = (double *) calc->lon->data;
  lat = (double *) calc->lat->data;
  for (guint i = 0; i < n; i++)
    lon[i] = xy[2 * i], lat[i] = xy[2 * i + 1];
  if (n > 0 && calc->to_lonlat != NULL && !OCTTransform (calc->to_lonlat, (int) n, lon, lat, NULL))
    return FALSE;
  for (guint i = 0; i < n; i++)
    if (!isfinite (lon[i]) || !isfinite (lat[i]))
      return FALSE;
  for (guint i = 1; i < n; i++)
    {
      double s12 = 0.0;

      geod_inverse (&calc->geod, lat[i - 1], lon[i - 1], lat[i], lon[i], &s12, NULL, NULL);
      *length += s12;
    }
  if (n >= 3)
    {
      geod_polygonarea (&calc->geod, lat, lon, (int) n, area, NULL);
      *area = fabs (*area);
    }
  return TRUE;
}

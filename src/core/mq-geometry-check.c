/* mq-geometry-check.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-geometry-check.h"

#include <glib/gi18n-lib.h>
#include <math.h>

/* Longer rings are left to GEOS (as a one-ring polygon: GDAL 3.6's
 * OGR_G_IsSimple on a LINEARRING calls valid rings of this length
 * self-intersecting): the pairwise segment test is quadratic. */
#define MAX_OWN_RING_POINTS 256
/* A vertex whose two edges meet at under ~0.6° is a spike. */
#define SPIKE_COS 0.99995
/* Beyond any projected CRS's range (a zone-prefixed easting is ~4e7). */
#define ABSURD_PROJECTED 1e9

typedef struct
{
  double x, y;
} Pt;

static gboolean
absurd (double   x,
        double   y,
        gboolean geographic)
{
  if (!isfinite (x) || !isfinite (y))
    return TRUE;
  if (geographic)
    return fabs (x) > 360.0 || fabs (y) > 90.0;
  return fabs (x) > ABSURD_PROJECTED || fabs (y) > ABSURD_PROJECTED;
}

static double
orient (Pt a, Pt b, Pt c)
{
  return (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x);
}

static gboolean
on_segment (Pt a, Pt b, Pt p)
{
  return MIN (a.x, b.x) <= p.x && p.x <= MAX (a.x, b.x) &&
         MIN (a.y, b.y) <= p.y && p.y <= MAX (a.y, b.y);
}

typedef struct
{
  double min_x, min_y, max_x, max_y;
} EdgeBox;

/* Whether segments ab and cd, whose boxes meet, cross or touch. */
static gboolean
segments_cross (Pt a, Pt b, Pt c, Pt d)
{
  double o1, o2, o3, o4;

  o1 = orient (a, b, c), o2 = orient (a, b, d);
  o3 = orient (c, d, a), o4 = orient (c, d, b);

  if (((o1 > 0 && o2 < 0) || (o1 < 0 && o2 > 0)) &&
      ((o3 > 0 && o4 < 0) || (o3 < 0 && o4 > 0)))
    return TRUE;
  return (o1 == 0 && on_segment (a, b, c)) || (o2 == 0 && on_segment (a, b, d)) ||
         (o3 == 0 && on_segment (c, d, a)) || (o4 == 0 && on_segment (c, d, b));
}

/* Whether two edges of a closed ring of n_edges edges (no repeated
 * vertices) that are not neighbours meet. Most pairs of a parcel's edges
 * are far apart: their boxes, worked out once per edge rather than once per
 * pair, tell. */
static gboolean
ring_self_intersects (const Pt *p,
                      int       n_edges,
                      EdgeBox  *box)
{
  for (int i = 0; i < n_edges; i++)
    box[i] = (EdgeBox) { MIN (p[i].x, p[i + 1].x), MIN (p[i].y, p[i + 1].y),
                         MAX (p[i].x, p[i + 1].x), MAX (p[i].y, p[i + 1].y) };
  for (int i = 0; i < n_edges; i++)
    {
      for (int j = i + 2; j < n_edges; j++)
        {
          if (box[i].max_x < box[j].min_x || box[j].max_x < box[i].min_x ||
              box[i].max_y < box[j].min_y || box[j].max_y < box[i].min_y ||
              (i == 0 && j == n_edges - 1))
            continue;
          if (segments_cross (p[i], p[i + 1], p[j], p[j + 1]))
            return TRUE;
        }
    }
  return FALSE;
}

static gboolean
is_spike (Pt prev, Pt at, Pt next)
{
  double ax = prev.x - at.x, ay = prev.y - at.y, bx = next.x - at.x, by = next.y - at.y;
  double la2 = ax * ax + ay * ay, lb2 = bx * bx + by * by, dot = ax * bx + ay * by;

  /* cos > SPIKE_COS (positive), squared: no square roots. */
  return la2 > 0 && lb2 > 0 && dot > 0 && dot * dot > SPIKE_COS * SPIKE_COS * la2 * lb2;
}

static MqProblem
check_vertices (const Pt *p,
                int       n)
{
  MqProblem problems = 0;

  for (int i = 1; i < n; i++)
    if (p[i].x == p[i - 1].x && p[i].y == p[i - 1].y)
      problems |= MQ_PROBLEM_DUPLICATE_VERTEX;
  /* n - 1 distinct vertices of a closed ring; the closing one wraps round. */
  for (int i = 0; i < n - 1; i++)
    if (is_spike (p[i == 0 ? n - 2 : i - 1], p[i], p[i + 1]))
      problems |= MQ_PROBLEM_SPIKE;
  return problems;
}

static int
drop_repeats (Pt  *p,
              int  n)
{
  int kept = 1;

  for (int i = 1; i < n; i++)
    if (p[i].x != p[kept - 1].x || p[i].y != p[kept - 1].y)
      p[kept++] = p[i];
  return kept;
}

/* A closed ring without repeated vertices is sound when the polygon it
 * bounds is valid for GEOS. */
static gboolean
ring_is_valid (const Pt *p,
               int       n)
{
  OGRGeometryH poly = OGR_G_CreateGeometry (wkbPolygon);
  OGRGeometryH ring = OGR_G_CreateGeometry (wkbLinearRing);
  gboolean valid;

  for (int i = 0; i < n; i++)
    OGR_G_AddPoint_2D (ring, p[i].x, p[i].y);
  OGR_G_AddGeometryDirectly (poly, ring);
  valid = OGR_G_IsValid (poly);
  OGR_G_DestroyGeometry (poly);
  return valid;
}

static MqProblem
check_ring (OGRGeometryH ring,
            gboolean     geographic)
{
  int n = OGR_G_GetPointCount (ring);
  Pt small[64];
  EdgeBox small_boxes[64];
  g_autofree Pt *large = NULL;
  g_autofree EdgeBox *large_boxes = NULL;
  Pt *p;
  MqProblem problems = 0;
  gboolean closed;

  if (n < 4)
    problems |= MQ_PROBLEM_SHORT_RING;
  if (n == 0)
    return problems;
  /* Parcels have a dozen vertices: no allocation for them. */
  p = n + 1 <= (int) G_N_ELEMENTS (small) ? small : (large = g_new (Pt, n + 1));
  OGR_G_GetPoints (ring, &p[0].x, sizeof (Pt), &p[0].y, sizeof (Pt), NULL, 0);
  for (int i = 0; i < n; i++)
    if (absurd (p[i].x, p[i].y, geographic))
      problems |= MQ_PROBLEM_BAD_COORDINATE;
  if (problems & MQ_PROBLEM_BAD_COORDINATE)
    return problems;
  closed = p[0].x == p[n - 1].x && p[0].y == p[n - 1].y;
  if (!closed)
    {
      problems |= MQ_PROBLEM_UNCLOSED_RING;
      p[n++] = p[0];
    }
  if (n < 4)
    return problems;
  problems |= check_vertices (p, n);
  /* Repeated vertices are their own problem; without them, neighbouring
   * edges are neighbours again and do not count as crossing. */
  n = drop_repeats (p, n);
  if (n >= 4 && n <= MAX_OWN_RING_POINTS &&
      ring_self_intersects (p, n - 1, n <= (int) G_N_ELEMENTS (small_boxes)
                                        ? small_boxes : (large_boxes = g_new (EdgeBox, n))))
    problems |= MQ_PROBLEM_SELF_INTERSECTION;
  else if (n > MAX_OWN_RING_POINTS && !ring_is_valid (p, n))
    problems |= MQ_PROBLEM_SELF_INTERSECTION;
  return problems;
}

static OGRGeometryH
ring_as_polygon (OGRGeometryH ring)
{
  OGRGeometryH poly = OGR_G_CreateGeometry (wkbPolygon);
  OGRGeometryH copy = OGR_G_CreateGeometry (wkbLinearRing);

  for (int i = 0; i < OGR_G_GetPointCount (ring); i++)
    OGR_G_AddPoint_2D (copy, OGR_G_GetX (ring, i), OGR_G_GetY (ring, i));
  OGR_G_CloseRings (copy);
  OGR_G_AddGeometryDirectly (poly, copy);
  return poly;
}

/* Holes must lie inside their shell. */
static MqProblem
check_holes (OGRGeometryH polygon)
{
  OGRGeometryH shell;
  MqProblem problems = 0;

  if (OGR_G_GetGeometryCount (polygon) < 2)
    return 0;
  shell = ring_as_polygon (OGR_G_GetGeometryRef (polygon, 0));
  for (int i = 1; i < OGR_G_GetGeometryCount (polygon); i++)
    {
      OGRGeometryH hole = ring_as_polygon (OGR_G_GetGeometryRef (polygon, i));

      if (!OGR_G_Within (hole, shell))
        problems |= MQ_PROBLEM_HOLE_OUTSIDE;
      OGR_G_DestroyGeometry (hole);
    }
  OGR_G_DestroyGeometry (shell);
  return problems;
}

static MqProblem
check_polygon (OGRGeometryH polygon,
               gboolean     geographic)
{
  MqProblem problems = 0;
  int n_rings = OGR_G_GetGeometryCount (polygon);

  if (n_rings == 0)
    return MQ_PROBLEM_EMPTY;
  for (int i = 0; i < n_rings; i++)
    problems |= check_ring (OGR_G_GetGeometryRef (polygon, i), geographic);
  if (!(problems & (MQ_PROBLEM_BAD_COORDINATE | MQ_PROBLEM_SHORT_RING)))
    problems |= check_holes (polygon);
  return problems;
}

/**
 * mq_geometry_check:
 * @geometry: (nullable): a parcel's geometry as read
 * @geographic: whether coordinates are degrees
 *
 * Returns: the problems found, 0 for a sound polygon.
 */
MqProblem
mq_geometry_check (OGRGeometryH geometry,
                   gboolean     geographic)
{
  OGRwkbGeometryType type;
  MqProblem problems = 0;
  int n_parts;

  if (geometry == NULL || OGR_G_IsEmpty (geometry))
    return MQ_PROBLEM_EMPTY;
  type = wkbFlatten (OGR_G_GetGeometryType (geometry));
  if (type == wkbPolygon)
    problems = check_polygon (geometry, geographic);
  else if (type == wkbMultiPolygon)
    for (int i = 0; i < OGR_G_GetGeometryCount (geometry); i++)
      problems |= check_polygon (OGR_G_GetGeometryRef (geometry, i), geographic);
  else
    return MQ_PROBLEM_NOT_POLYGON;

  /* What our checks cannot see — rings or parts that cross each other — GEOS
   * decides, only where there is more than one ring. */
  n_parts = type == wkbMultiPolygon ? OGR_G_GetGeometryCount (geometry) : 1;
  if (problems == 0 && (n_parts > 1 || OGR_G_GetGeometryCount (
        type == wkbMultiPolygon ? OGR_G_GetGeometryRef (geometry, 0) : geometry) > 1) &&
      !OGR_G_IsValid (geometry))
    problems |= MQ_PROBLEM_INVALID;
  return problems;
}

/* Problems after which the ring arithmetic would not give the true area. */
gboolean
mq_problem_needs_repair (MqProblem problems)
{
  return (problems & (MQ_PROBLEM_SELF_INTERSECTION | MQ_PROBLEM_HOLE_OUTSIDE |
                      MQ_PROBLEM_INVALID | MQ_PROBLEM_SPIKE)) != 0;
}

/* A polygon without the holes that lie wholly outside its shell: make-valid
 * would turn such a hole into land of its own and add it to the area. */
static OGRGeometryH
polygon_without_stray_holes (OGRGeometryH polygon)
{
  OGRGeometryH out = OGR_G_CreateGeometry (wkbPolygon);
  OGRGeometryH shell;

  if (OGR_G_GetGeometryCount (polygon) == 0)
    return out;
  shell = ring_as_polygon (OGR_G_GetGeometryRef (polygon, 0));
  OGR_G_AddGeometry (out, OGR_G_GetGeometryRef (polygon, 0));
  for (int i = 1; i < OGR_G_GetGeometryCount (polygon); i++)
    {
      OGRGeometryH hole = ring_as_polygon (OGR_G_GetGeometryRef (polygon, i));

      if (OGR_G_Intersects (hole, shell))
        OGR_G_AddGeometry (out, OGR_G_GetGeometryRef (polygon, i));
      OGR_G_DestroyGeometry (hole);
    }
  OGR_G_DestroyGeometry (shell);
  return out;
}

/* A copy of a polygon or multipolygon with its stray holes left out. */
OGRGeometryH
mq_geometry_dup_without_stray_holes (OGRGeometryH geometry)
{
  OGRGeometryH out;

  if (wkbFlatten (OGR_G_GetGeometryType (geometry)) == wkbPolygon)
    return polygon_without_stray_holes (geometry);
  if (wkbFlatten (OGR_G_GetGeometryType (geometry)) != wkbMultiPolygon)
    return OGR_G_Clone (geometry);
  out = OGR_G_CreateGeometry (wkbMultiPolygon);
  for (int i = 0; i < OGR_G_GetGeometryCount (geometry); i++)
    OGR_G_AddGeometryDirectly (out,
                               polygon_without_stray_holes (OGR_G_GetGeometryRef (geometry, i)));
  return out;
}

/* The polygons of a collection as one multipolygon (empty when it holds
 * none); anything else as it is. Takes the geometry. */
static OGRGeometryH
polygonal_part (OGRGeometryH geometry)
{
  OGRGeometryH polygons;

  if (geometry == NULL || wkbFlatten (OGR_G_GetGeometryType (geometry)) != wkbGeometryCollection)
    return geometry;
  polygons = OGR_G_CreateGeometry (wkbMultiPolygon);
  for (int i = 0; i < OGR_G_GetGeometryCount (geometry); i++)
    {
      OGRGeometryH part = OGR_G_GetGeometryRef (geometry, i);
      OGRwkbGeometryType t = wkbFlatten (OGR_G_GetGeometryType (part));

      if (t == wkbPolygon)
        OGR_G_AddGeometry (polygons, part);
      else if (t == wkbMultiPolygon)
        for (int k = 0; k < OGR_G_GetGeometryCount (part); k++)
          OGR_G_AddGeometry (polygons, OGR_G_GetGeometryRef (part, k));
    }
  OGR_G_DestroyGeometry (geometry);
  return polygons;
}

/* The polygonal part of GEOS's make-valid, or NULL. */
OGRGeometryH
mq_geometry_dup_repaired (OGRGeometryH geometry)
{
  return polygonal_part (OGR_G_MakeValid (geometry));
}

/* Curved types (CURVEPOLYGON, and MULTISURFACE as ArcGIS writes it to a
 * GeoPackage even without arcs) as the polygons they stand for, and a
 * geometry collection (MapInfo, GeoJSON) as the polygons it holds; anything
 * else as it is. Takes the geometry: a plain polygon is never copied. */
OGRGeometryH
mq_geometry_take_linear (OGRGeometryH geometry)
{
  OGRGeometryH linear;

  if (geometry == NULL || !OGR_GT_IsNonLinear (OGR_G_GetGeometryType (geometry)))
    return polygonal_part (geometry);
  linear = OGR_G_GetLinearGeometry (geometry, 0, NULL);
  OGR_G_DestroyGeometry (geometry);
  return polygonal_part (linear);
}

/* As mq_geometry_take_linear(), on a copy. */
OGRGeometryH
mq_geometry_dup_linear (OGRGeometryH geometry)
{
  return geometry ? mq_geometry_take_linear (OGR_G_Clone (geometry)) : NULL;
}

static const struct
{
  MqProblem   problem;
  const char *key;
  const char *description;
} problem_info[] = {
  { MQ_PROBLEM_EMPTY, "empty-geometry", N_("no geometry, or an area of 0 m²") },
  { MQ_PROBLEM_BAD_COORDINATE, "bad-coordinate", N_("coordinates that are not numbers or far out of range") },
  { MQ_PROBLEM_UNCLOSED_RING, "unclosed-ring", N_("a ring that does not close") },
  { MQ_PROBLEM_SHORT_RING, "short-ring", N_("a ring of fewer than 4 points") },
  { MQ_PROBLEM_DUPLICATE_VERTEX, "duplicate-vertex", N_("repeated vertices") },
  { MQ_PROBLEM_SPIKE, "spike", N_("a spike (the boundary doubles back on itself)") },
  { MQ_PROBLEM_SELF_INTERSECTION, "self-intersection", N_("a boundary that crosses itself") },
  { MQ_PROBLEM_HOLE_OUTSIDE, "hole-outside", N_("a hole outside its parcel") },
  { MQ_PROBLEM_INVALID, "invalid", N_("rings or parts that overlap") },
  { MQ_PROBLEM_NOT_POLYGON, "not-polygon", N_("a geometry that is not a polygon") },
  { MQ_PROBLEM_SURVEY_AREA, "survey-area", N_("a surveyed area that is not a positive number, or differs from the area by more than 0.5 per cent") },
  { MQ_PROBLEM_TRUNCATED_TEXT, "truncated-text", N_("text cut off in the middle of a character") },
  { MQ_PROBLEM_MADE_VALID, "made-valid", N_("area computed after repairing the geometry") },
  { MQ_PROBLEM_UNREADABLE_DATE, "unreadable-deadline", N_("an unreadable deadline or lock date") },
  { MQ_PROBLEM_UNREADABLE_STATE, "unreadable-state", N_("an unreadable lock state or method") },
  { MQ_PROBLEM_LOCK_RULE, "lock-rule", N_("a lock held without what it locks (a time lock without a deadline, say)") },
};

const char *
mq_problem_key (MqProblem problem)
{
  for (guint i = 0; i < G_N_ELEMENTS (problem_info); i++)
    if (problem_info[i].problem == problem)
      return problem_info[i].key;
  return NULL;
}

const char *
mq_problem_describe (MqProblem problem)
{
  for (guint i = 0; i < G_N_ELEMENTS (problem_info); i++)
    if (problem_info[i].problem == problem)
      return _(problem_info[i].description);
  return NULL;
}

/* "self-intersection;made-valid": the form of the CSV's problems column. */
char *
mq_problems_to_keys (MqProblem problems)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (problem_info); i++)
    if (problems & problem_info[i].problem)
      g_string_append_printf (out, "%s%s", out->len ? ";" : "", problem_info[i].key);
  return g_string_free (out, FALSE);
}

/* "bowtie: a boundary that crosses itself; area computed after repairing the
 * geometry" — one translated line per parcel, for people. */
char *
mq_problems_describe (MqProblem problems)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (problem_info); i++)
    if (problems & problem_info[i].problem)
      g_string_append_printf (out, "%s%s", out->len ? _("; ") : "", _(problem_info[i].description));
  return g_string_free (out, FALSE);
}

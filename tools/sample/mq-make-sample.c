/* mq-make-sample.c — builds the synthetic Maqiao sample.
 *
 *   mq-make-sample ZONE.geojson OUTDIR
 *
 * From the approximate real geography of the zone (boundary, its two parts,
 * the named roads and the Huangpu), cuts blocks between roads, splits them
 * into parcels and gives the parcels land uses, owners and four-lock statuses
 * so that the plan's figures hold: 7,460 mu existing and 1,574 mu incremental
 * industrial land, about 3,000 mu flagged for upgrade. Deterministic: the same
 * input gives the same output. Everything but the geography is invented.
 *
 * Writes OUTDIR/maqiao.gpkg (the app's project file) and OUTDIR/maqiao-survey.shp
 * (EPSG:4549, 三调 field names, GBK text, no .cpg — how survey data arrives).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gdal.h>
#include <glib/gstdio.h>
#include <math.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <stdio.h>
#include <string.h>

#include "mq-core.h"
#include "mq-sample-imagery.h"
#include "mq-sample-next.h"
#include "names.h"

#define SEED 20190319
#define MU(m2) ((m2) / MQ_M2_PER_MU)
#define M2(mu) ((mu) * MQ_M2_PER_MU)

#define EXISTING_MU 7460.0
#define INCREMENTAL_MU 1574.0
#define FLAGGED_MU 3000.0

typedef enum
{
  USE_OTHER,
  USE_EXISTING,
  USE_INCREMENTAL,
} Use;

typedef struct
{
  OGRGeometryH geometry;   /* EPSG:4549 */
  double       area_m2;    /* ellipsoidal */
  double       cx, cy;     /* centroid */
  gboolean     industrial_part;
  gboolean     north_of_dongchuan;
  Use          use;
  gboolean     flagged;
  MqParcel     record;     /* its details are the lot's own, below */
  MqParcelDetails details;
} Lot;

typedef struct
{
  GRand               *rand;
  OGRSpatialReferenceH srs;        /* EPSG:4549 */
  MqAreaCalc          *area;
  GHashTable          *source;     /* feature id → OGRGeometryH in EPSG:4549 */
  OGRGeometryH         zone;
  OGRGeometryH         practice;   /* application practice area */
  OGRGeometryH         industrial; /* industrial innovation development area */
  GPtrArray           *roads;      /* Road */
  GPtrArray           *rivers;     /* Road */
  GPtrArray           *lots;       /* Lot */
  GPtrArray           *blocks;     /* OGRGeometryH: the blocks the lots divide, the 控规's zones */
  GArray              *block_industrial;  /* gboolean per block */
  GStringChunk        *strings;
  double               grid_angle; /* direction of 东川路 */
  double               dc_x, dc_y, dc_dx, dc_dy;  /* 东川路 as a line */
} Sample;

typedef struct
{
  char        *name;
  double       width_m;
  OGRGeometryH line;
} Road;

static void
die (const char *what)
{
  const char *reason = CPLGetLastErrorMsg ();

  g_printerr ("mq-make-sample: %s%s%s\n", what, *reason ? ": " : "", reason);
  exit (1);
}

static OGRGeometryH
geo (Sample     *s,
     const char *id)
{
  OGRGeometryH g = g_hash_table_lookup (s->source, id);

  if (g == NULL)
    die (id);
  return g;
}

static void
read_source (Sample     *s,
             const char *path)
{
  GDALDatasetH ds = GDALOpenEx (path, GDAL_OF_VECTOR, NULL, NULL, NULL);
  OGRSpatialReferenceH wgs84 = mq_crs_new_epsg (4326);
  OGRCoordinateTransformationH ct;
  OGRLayerH layer;
  OGRFeatureH f;

  if (ds == NULL)
    die (path);
  ct = OCTNewCoordinateTransformation (wgs84, s->srs);
  layer = GDALDatasetGetLayer (ds, 0);
  while ((f = OGR_L_GetNextFeature (layer)) != NULL)
    {
      int id_field = OGR_F_GetFieldIndex (f, "id");
      OGRGeometryH g = OGR_G_Clone (OGR_F_GetGeometryRef (f));

      OGR_G_AssignSpatialReference (g, NULL);
      OGR_G_Transform (g, ct);
      if (id_field >= 0 && OGR_F_IsFieldSetAndNotNull (f, id_field))
        g_hash_table_insert (s->source, g_strdup (OGR_F_GetFieldAsString (f, id_field)), g);
      else
        OGR_G_DestroyGeometry (g);
      OGR_F_Destroy (f);
    }
  OCTDestroyCoordinateTransformation (ct);
  OSRDestroySpatialReference (wgs84);
  GDALClose (ds);
}

static OGRGeometryH
line_from (Sample       *s,
           const double *lonlat,
           int           n)
{
  OGRSpatialReferenceH wgs84 = mq_crs_new_epsg (4326);
  OGRCoordinateTransformationH ct = OCTNewCoordinateTransformation (wgs84, s->srs);
  OGRGeometryH line = OGR_G_CreateGeometry (wkbLineString);

  for (int i = 0; i < n; i++)
    OGR_G_AddPoint_2D (line, lonlat[2 * i], lonlat[2 * i + 1]);
  OGR_G_Transform (line, ct);
  OCTDestroyCoordinateTransformation (ct);
  OSRDestroySpatialReference (wgs84);
  return line;
}

static void
add_road (GPtrArray    *list,
          const char   *name,
          double        width_m,
          OGRGeometryH  line)
{
  Road *r = g_new0 (Road, 1);

  r->name = g_strdup (name);
  r->width_m = width_m;
  r->line = line;
  g_ptr_array_add (list, r);
}

/* A straight line through (x, y) with the given direction, long enough to
 * cross the zone. */
static OGRGeometryH
long_line (double x, double y, double dx, double dy)
{
  OGRGeometryH line = OGR_G_CreateGeometry (wkbLineString);
  double len = hypot (dx, dy);

  OGR_G_AddPoint_2D (line, x - dx / len * 12000, y - dy / len * 12000);
  OGR_G_AddPoint_2D (line, x + dx / len * 12000, y + dy / len * 12000);
  return line;
}

static OGRGeometryH
clip (OGRGeometryH g,
      OGRGeometryH area)
{
  OGRGeometryH out = OGR_G_Intersection (g, area);

  OGR_G_DestroyGeometry (g);
  return out;
}

static const char *const grid_numbers[] = { "一", "二", "三", "四", "五", "六", "七", "八",
                                            "九", "十", "十一", "十二", "十三", "十四" };

/* Named roads from the geography, 剑川路 carried west through the zone
 * parallel to 东川路, and a grid of planned roads (规划经X路 along 昆阳路,
 * 规划纬X路 along 东川路) about 450 m apart. */
static void
make_roads (Sample *s)
{
  static const double jianchuan[] = { 121.3609, 31.01488, 121.3200, 31.00400 };
  OGRGeometryH reach = OGR_G_Buffer (s->zone, 150, 8);
  OGRGeometryH kunyang = geo (s, "kunyang_rd");
  double kx0 = OGR_G_GetX (kunyang, 0), ky0 = OGR_G_GetY (kunyang, 0);
  double kdx = OGR_G_GetX (kunyang, 3) - kx0, kdy = OGR_G_GetY (kunyang, 3) - ky0;
  double klen = hypot (kdx, kdy), dlen = hypot (s->dc_dx, s->dc_dy);
  int n_jing = 0, n_wei = 0;

  add_road (s->roads, "元江路", 40, clip (OGR_G_Clone (geo (s, "yuanjiang_rd")), reach));
  add_road (s->roads, "东川路", 40, clip (OGR_G_Clone (geo (s, "dongchuan_rd")), reach));
  add_road (s->roads, "江川路", 40, clip (OGR_G_Clone (geo (s, "jiangchuan_rd")), reach));
  add_road (s->roads, "昆阳路", 40, clip (OGR_G_Clone (kunyang), reach));
  add_road (s->roads, "剑川路", 30, clip (line_from (s, jianchuan, 2), reach));
  add_road (s->roads, "铁路支线", 20, clip (OGR_G_Clone (geo (s, "split_line_guess")), reach));

  /* Lines parallel to 昆阳路, stepping west across the zone (经路). */
  for (double off = 480; off < 4600; off += 430 + g_rand_double_range (s->rand, -40, 40))
    {
      double nx = -kdy / klen, ny = kdx / klen;  /* left of north-going 昆阳路 = west */
      g_autofree char *name = g_strdup_printf ("规划经%s路", grid_numbers[MIN (n_jing, 13)]);
      OGRGeometryH l = clip (long_line (kx0 + nx * off, ky0 + ny * off, kdx, kdy), s->zone);

      if (!OGR_G_IsEmpty (l) && OGR_G_Length (l) > 300)
        add_road (s->roads, name, 20, l), n_jing++;
      else
        OGR_G_DestroyGeometry (l);
    }
  /* Lines parallel to 东川路, both sides of it (纬路). */
  for (double off = -3200; off < 5200; off += 440 + g_rand_double_range (s->rand, -40, 40))
    {
      double nx = -s->dc_dy / dlen, ny = s->dc_dx / dlen;
      g_autofree char *name = NULL;
      OGRGeometryH l;

      if (fabs (off) < 250)
        continue;
      name = g_strdup_printf ("规划纬%s路", grid_numbers[MIN (n_wei, 13)]);
      l = clip (long_line (s->dc_x + nx * off, s->dc_y + ny * off, s->dc_dx, s->dc_dy), s->zone);
      if (!OGR_G_IsEmpty (l) && OGR_G_Length (l) > 300)
        add_road (s->roads, name, 20, l), n_wei++;
      else
        OGR_G_DestroyGeometry (l);
    }
  OGR_G_DestroyGeometry (reach);
}

/* A river beside part of the zone's edge: the ring's vertices from..to, pushed
 * outward from the zone's centre. */
static OGRGeometryH
edge_river (Sample *s,
            int     from,
            int     to,
            double  offset)
{
  OGRGeometryH ring = OGR_G_GetGeometryRef (s->zone, 0);
  OGRGeometryH centroid = OGR_G_CreateGeometry (wkbPoint);
  OGRGeometryH line = OGR_G_CreateGeometry (wkbLineString);
  double cx, cy;

  OGR_G_Centroid (s->zone, centroid);
  cx = OGR_G_GetX (centroid, 0);
  cy = OGR_G_GetY (centroid, 0);
  for (int i = from; i <= to; i++)
    {
      double x = OGR_G_GetX (ring, i), y = OGR_G_GetY (ring, i);
      double d = hypot (x - cx, y - cy);

      OGR_G_AddPoint_2D (line, x + (x - cx) / d * offset, y + (y - cy) / d * offset);
    }
  OGR_G_DestroyGeometry (centroid);
  return line;
}

static void
make_rivers (Sample *s)
{
  OGREnvelope env;
  OGRGeometryH box = OGR_G_CreateGeometry (wkbPolygon);
  OGRGeometryH ring = OGR_G_CreateGeometry (wkbLinearRing);

  OGR_G_GetEnvelope (s->zone, &env);
  OGR_G_AddPoint_2D (ring, env.MinX - 5000, env.MinY - 5000);
  OGR_G_AddPoint_2D (ring, env.MaxX + 5000, env.MinY - 5000);
  OGR_G_AddPoint_2D (ring, env.MaxX + 5000, env.MaxY + 5000);
  OGR_G_AddPoint_2D (ring, env.MinX - 5000, env.MaxY + 5000);
  OGR_G_AddPoint_2D (ring, env.MinX - 5000, env.MinY - 5000);
  OGR_G_AddGeometryDirectly (box, ring);
  add_road (s->rivers, "黄浦江", 350, clip (OGR_G_Clone (geo (s, "huangpu_centerline")), box));
  add_road (s->rivers, "北沙港", 25, edge_river (s, 6, 7, 70));
  add_road (s->rivers, "女儿泾", 20, edge_river (s, 9, 12, 60));
  add_road (s->rivers, "茜浦泾", 20, edge_river (s, 12, 16, 60));
  OGR_G_DestroyGeometry (box);
}

/* The zone shrunk a little (its edges are uncertain by hundreds of metres),
 * less the roads: what is left falls apart into blocks. */
static OGRGeometryH
make_blocks (Sample *s)
{
  OGRGeometryH cut = OGR_G_Buffer (s->zone, -25, 8);

  for (guint i = 0; i < s->roads->len; i++)
    {
      Road *r = g_ptr_array_index (s->roads, i);
      OGRGeometryH band = OGR_G_Buffer (r->line, r->width_m / 2, 4);
      OGRGeometryH rest = OGR_G_Difference (cut, band);

      OGR_G_DestroyGeometry (band);
      OGR_G_DestroyGeometry (cut);
      cut = rest;
    }
  return cut;
}

static void
collect_polygons (OGRGeometryH  g,
                  GPtrArray    *out)
{
  OGRwkbGeometryType t = wkbFlatten (OGR_G_GetGeometryType (g));

  if (t == wkbPolygon)
    g_ptr_array_add (out, OGR_G_Clone (g));
  else if (t == wkbMultiPolygon || t == wkbGeometryCollection)
    for (int i = 0; i < OGR_G_GetGeometryCount (g); i++)
      collect_polygons (OGR_G_GetGeometryRef (g, i), out);
}

static void split_block (Sample *s, OGRGeometryH polygon, gboolean industrial, GPtrArray *out);

static void
split_into (Sample      *s,
            OGRGeometryH polygon,
            OGRGeometryH half,
            gboolean     industrial,
            GPtrArray   *out)
{
  OGRGeometryH piece = OGR_G_Intersection (polygon, half);
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();

  collect_polygons (piece, parts);
  for (guint i = 0; i < parts->len; i++)
    split_block (s, g_ptr_array_index (parts, i), industrial, out);
  OGR_G_DestroyGeometry (piece);
  OGR_G_DestroyGeometry (half);
}

/* Splits across the longer side of the block at 35–65 % until the piece is
 * small enough: factories of 15–120 mu (a few up to 200) in the industrial
 * area, 5–25 mu plots in the application practice area. Takes ownership. */
static void
split_block (Sample      *s,
             OGRGeometryH polygon,
             gboolean     industrial,
             GPtrArray   *out)
{
  double area_mu = MU (OGR_G_Area (polygon));
  double limit = industrial ? (g_rand_double (s->rand) < 0.08 ? 190 : g_rand_double_range (s->rand, 20, 75))
                            : g_rand_double_range (s->rand, 6, 22);
  double u[2], v[2], t = g_rand_double_range (s->rand, 0.35, 0.65);
  double a = s->grid_angle;

  if (area_mu < 1.0)
    {
      OGR_G_DestroyGeometry (polygon);
      return;
    }
  if (area_mu <= limit)
    {
      g_ptr_array_add (out, polygon);
      return;
    }
  mq_sample_extent_along (polygon, a, u, v);
  if (u[1] - u[0] >= v[1] - v[0])
    {
      double cut = u[0] + t * (u[1] - u[0]);

      split_into (s, polygon, mq_sample_band (a, u[0] - 1, cut, v[0] - 1, v[1] + 1), industrial, out);
      split_into (s, polygon, mq_sample_band (a, cut, u[1] + 1, v[0] - 1, v[1] + 1), industrial, out);
    }
  else
    {
      double cut = v[0] + t * (v[1] - v[0]);

      split_into (s, polygon, mq_sample_band (a, u[0] - 1, u[1] + 1, v[0] - 1, cut), industrial, out);
      split_into (s, polygon, mq_sample_band (a, u[0] - 1, u[1] + 1, cut, v[1] + 1), industrial, out);
    }
  OGR_G_DestroyGeometry (polygon);
}

static gboolean
north_of_dongchuan (Sample *s,
                    double  x,
                    double  y)
{
  /* 东川路 runs east to west here, so north is its right-hand side. */
  return s->dc_dx * (y - s->dc_y) - s->dc_dy * (x - s->dc_x) < 0;
}

static void
make_lots (Sample *s)
{
  OGRGeometryH blocks = make_blocks (s);
  g_autoptr(GPtrArray) pieces = g_ptr_array_new ();
  g_autoptr(GPtrArray) parcels = g_ptr_array_new ();

  collect_polygons (blocks, pieces);
  OGR_G_DestroyGeometry (blocks);
  for (guint i = 0; i < pieces->len; i++)
    {
      OGRGeometryH block = g_ptr_array_index (pieces, i);
      OGRGeometryH c = OGR_G_PointOnSurface (block);
      gboolean industrial;

      industrial = OGR_G_Contains (s->industrial, c);
      OGR_G_DestroyGeometry (c);
      g_ptr_array_add (s->blocks, OGR_G_Clone (block));
      g_array_append_val (s->block_industrial, industrial);
      g_ptr_array_set_size (parcels, 0);
      split_block (s, block, industrial, parcels);
      for (guint j = 0; j < parcels->len; j++)
        {
          Lot *lot = g_new0 (Lot, 1);
          OGRGeometryH p;

          lot->details = mq_parcel_details_none;
          lot->record.details = &lot->details;
          lot->geometry = g_ptr_array_index (parcels, j);
          lot->area_m2 = mq_area_calc_measure (s->area, lot->geometry);
          p = OGR_G_PointOnSurface (lot->geometry);
          lot->cx = OGR_G_GetX (p, 0);
          lot->cy = OGR_G_GetY (p, 0);
          OGR_G_DestroyGeometry (p);
          lot->industrial_part = industrial;
          lot->north_of_dongchuan = north_of_dongchuan (s, lot->cx, lot->cy);
          g_ptr_array_add (s->lots, lot);
        }
    }
}

/* Picks lots from the candidates (in their shuffled order) so that their area
 * comes as close to the target as one swap can bring it. */
static GPtrArray *
pick_area (GPtrArray *candidates,
           double     target_m2)
{
  GPtrArray *chosen = g_ptr_array_new ();
  GPtrArray *rest = g_ptr_array_new ();
  double sum = 0;

  for (guint i = 0; i < candidates->len; i++)
    {
      Lot *lot = g_ptr_array_index (candidates, i);

      if (sum + lot->area_m2 <= target_m2)
        g_ptr_array_add (chosen, lot), sum += lot->area_m2;
      else
        g_ptr_array_add (rest, lot);
    }
  /* One pass of the best single swap (or single addition) tightens the total. */
  {
    double best = fabs (target_m2 - sum);
    int bi = -1, bj = -1;

    for (guint j = 0; j < rest->len; j++)
      {
        double aj = ((Lot *) g_ptr_array_index (rest, j))->area_m2;

        if (fabs (target_m2 - sum - aj) < best)
          best = fabs (target_m2 - sum - aj), bi = -1, bj = j;
        for (guint i = 0; i < chosen->len; i++)
          {
            double d = fabs (target_m2 - (sum - ((Lot *) g_ptr_array_index (chosen, i))->area_m2 + aj));

            if (d < best)
              best = d, bi = i, bj = j;
          }
      }
    if (bj >= 0)
      {
        if (bi >= 0)
          g_ptr_array_index (chosen, bi) = g_ptr_array_index (rest, bj);
        else
          g_ptr_array_add (chosen, g_ptr_array_index (rest, bj));
      }
  }
  g_ptr_array_unref (rest);
  return chosen;
}

static void
shuffle (Sample    *s,
         GPtrArray *a)
{
  for (guint i = a->len; i > 1; i--)
    {
      guint j = g_rand_int_range (s->rand, 0, i);
      gpointer t = a->pdata[i - 1];

      a->pdata[i - 1] = a->pdata[j];
      a->pdata[j] = t;
    }
}

static gboolean
industrial_size (Lot *lot)
{
  return MU (lot->area_m2) >= 10 && MU (lot->area_m2) <= 200;
}

/* Incremental land north of 东川路 first (the plan's priority), existing land
 * from the rest of the industrial area, flagged land from the existing. */
static void
assign_uses (Sample *s)
{
  g_autoptr(GPtrArray) north = g_ptr_array_new ();
  g_autoptr(GPtrArray) south = g_ptr_array_new ();
  g_autoptr(GPtrArray) incremental = NULL, existing = NULL, flagged = NULL;
  g_autoptr(GPtrArray) rest = g_ptr_array_new ();

  for (guint i = 0; i < s->lots->len; i++)
    {
      Lot *lot = g_ptr_array_index (s->lots, i);

      if (lot->industrial_part && industrial_size (lot))
        g_ptr_array_add (lot->north_of_dongchuan ? north : south, lot);
    }
  shuffle (s, north);
  shuffle (s, south);
  /* About nine-tenths of the incremental land lies north of 东川路. */
  for (guint i = 0; i < south->len && i < 4; i++)
    g_ptr_array_add (north, g_ptr_array_index (south, i));
  incremental = pick_area (north, M2 (INCREMENTAL_MU));
  for (guint i = 0; i < incremental->len; i++)
    ((Lot *) g_ptr_array_index (incremental, i))->use = USE_INCREMENTAL;

  for (guint i = 0; i < north->len; i++)
    if (((Lot *) g_ptr_array_index (north, i))->use == USE_OTHER)
      g_ptr_array_add (rest, g_ptr_array_index (north, i));
  for (guint i = 4; i < south->len; i++)
    g_ptr_array_add (rest, g_ptr_array_index (south, i));
  shuffle (s, rest);
  existing = pick_area (rest, M2 (EXISTING_MU));
  for (guint i = 0; i < existing->len; i++)
    ((Lot *) g_ptr_array_index (existing, i))->use = USE_EXISTING;

  flagged = pick_area (existing, M2 (FLAGGED_MU));
  for (guint i = 0; i < flagged->len; i++)
    ((Lot *) g_ptr_array_index (flagged, i))->flagged = TRUE;
}

static const char *
intern (Sample     *s,
        const char *text)
{
  return g_string_chunk_insert_const (s->strings, text);
}

static const char *
pick (Sample            *s,
      const char *const *list,
      guint              n)
{
  return list[g_rand_int_range (s->rand, 0, n)];
}

#define PICK(s, list) pick ((s), (list), G_N_ELEMENTS (list))

static const char *
person (Sample *s)
{
  g_autofree char *name = g_strconcat (PICK (s, surnames), PICK (s, given_names), NULL);

  return intern (s, name);
}

static const char *
firm (Sample     *s,
      const char *const *trades,
      guint       n_trades)
{
  g_autofree char *name = g_strdup_printf ("上海%s%s有限公司", PICK (s, firm_heads),
                                           pick (s, trades, n_trades));

  return intern (s, name);
}

static guint32
julian (int y, int m, int d)
{
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, d, m, y);
  return g_date_get_julian (&date);
}

static guint32
date_between (Sample *s, guint32 a, guint32 b)
{
  return (guint32) g_rand_int_range (s->rand, a, b + 1);
}

/* Land-use codes of the third national land survey (三调). */
static void
set_land_use (Sample *s,
              Lot    *lot)
{
  static const char *const other[][2] = {
    { "0701", "城镇住宅用地" }, { "0702", "农村宅基地" }, { "05H1", "商业服务业设施用地" },
    { "08H2", "科教文卫用地" }, { "0810", "公园与绿地" }, { "08H1", "机关团体新闻出版用地" },
    { "1104", "坑塘水面" }, { "0101", "水田" },
  };
  static const guint weights_practice[] = { 40, 5, 15, 15, 15, 5, 3, 2 };
  static const guint weights_industrial[] = { 5, 15, 10, 10, 30, 5, 10, 15 };
  const guint *w = lot->industrial_part ? weights_industrial : weights_practice;
  guint r = g_rand_int_range (s->rand, 0, 100), i = 0;

  if (lot->use == USE_EXISTING)
    {
      lot->record.land_use_code = "0601";
      lot->record.land_use_name = "工业用地";
      lot->record.land_class = MQ_LAND_CLASS_EXISTING_INDUSTRIAL;
      return;
    }
  if (lot->use == USE_INCREMENTAL)
    {
      gboolean idle = g_rand_double (s->rand) < 0.6;

      lot->record.land_use_code = idle ? "1201" : "0103";
      lot->record.land_use_name = idle ? "空闲地" : "旱地";
      lot->record.land_class = MQ_LAND_CLASS_INCREMENTAL_INDUSTRIAL;
      return;
    }
  while (i < G_N_ELEMENTS (other) - 1 && r >= w[i])
    r -= w[i++];
  lot->record.land_use_code = other[i][0];
  lot->record.land_use_name = other[i][1];
}

/* Four locks at plausible mixed progress: usually taken in the plan's order
 * (parcel, project, time, entity), sometimes not. */
static void
set_locks (Sample *s,
           Lot    *lot)
{
  static const guint held_weights[] = { 14, 18, 20, 20, 28 };
  MqParcel *p = &lot->record;
  guint r = g_rand_int_range (s->rand, 0, 100), held = 0;
  guint order[MQ_N_LOCKS] = { 0, 1, 2, 3 };
  guint32 when = julian (2019, 7, 1);

  while (held < MQ_N_LOCKS && r >= held_weights[held])
    r -= held_weights[held++];
  if (g_rand_double (s->rand) < 0.12)
    {
      guint a = g_rand_int_range (s->rand, 0, 4), b = g_rand_int_range (s->rand, 0, 4), t = order[a];

      order[a] = order[b], order[b] = t;
    }
  for (guint i = 0; i < held; i++)
    {
      when = date_between (s, when + 20, MIN (when + 500, julian (2026, 10, 31)));
      p->locks |= 1u << order[i];
      lot->details.lock_date[order[i]] = when;
    }
}

static void
set_progress (Sample *s,
              Lot    *lot)
{
  MqParcel *p = &lot->record;
  gboolean has_project = (p->locks & (1u << MQ_LOCK_PROJECT)) || g_rand_double (s->rand) < 0.25;

  p->method = 1 + g_rand_int_range (s->rand, 0, 100) / 40 % 3;  /* 40 / 40 / 20 % */
  if (has_project)
    {
      const char *industry = PICK (s, industries);
      g_autofree char *project = g_strdup_printf ("%s%s项目", industry, PICK (s, project_kinds));

      lot->details.industry = industry;
      lot->details.project = intern (s, project);
      lot->details.investor = firm (s, tech_trades, G_N_ELEMENTS (tech_trades));
    }
  if ((p->locks & (1u << MQ_LOCK_DEADLINE)) || g_rand_double (s->rand) < 0.2)
    p->deadline = date_between (s, julian (2023, 6, 30), julian (2028, 12, 31));
  if (p->locks & (1u << MQ_LOCK_OWNER))
    {
      /* 021-0… is no Shanghai number: nobody real is called. */
      g_autofree char *phone = g_strdup_printf ("021-0%07d", g_rand_int_range (s->rand, 0, 9999999));

      lot->details.entity = g_rand_boolean (s->rand) ? p->owner : firm (s, tech_trades, G_N_ELEMENTS (tech_trades));
      lot->details.contact = person (s);
      lot->details.phone = intern (s, phone);
    }
  p->stage = mq_parcel_get_locks_held (p) == 0 ? MQ_STAGE_NOT_STARTED : MQ_STAGE_IN_PROGRESS;
  if (mq_parcel_get_locks_held (p) == MQ_N_LOCKS && p->deadline < julian (2026, 3, 1) &&
      g_rand_double (s->rand) < 0.5)
    p->stage = MQ_STAGE_DONE;
}

static void
set_flag (Sample *s,
          Lot    *lot)
{
  MqParcel *p = &lot->record;
  guint a = g_rand_int_range (s->rand, 0, 4), b = g_rand_int_range (s->rand, 0, 4);
  g_autofree char *reason = a == b ? g_strdup (reasons[a])
                                   : g_strdup_printf ("%s、%s", reasons[MIN (a, b)], reasons[MAX (a, b)]);

  p->flagged = TRUE;
  lot->details.flag_reason = intern (s, reason);
  set_locks (s, lot);
  set_progress (s, lot);
}

/* A unified social credit code (GB 32100-2015) with its check character:
 * 91 (an enterprise), 310112 (闵行区), then the organisation's 9. */
static const char *
credit_code (Sample *s,
             GRand  *rand)
{
  static const char alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  char code[19] = "91310112";
  guint sum = 0, weight = 1;

  for (guint i = 8; i < 17; i++)
    code[i] = alphabet[g_rand_int_range (rand, 0, 31)];
  for (guint i = 0; i < 17; i++, weight = weight * 3 % 31)
    sum += (guint) (strchr (alphabet, code[i]) - alphabet) * weight;
  code[17] = alphabet[(31 - sum % 31) % 31];
  code[18] = '\0';
  return intern (s, code);
}

/* 亩均 figures for the existing industrial land, from a generator of its
 * own (the rest of the sample stays as it was): one credit code per owner,
 * tax per mu spread as the assessment finds it (flagged land pays less),
 * output 8–20 times the tax, the class from the tax per mu, the 三高一低
 * from the reason the parcel was flagged. */
static void
set_performance (Sample *s)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (SEED + 7);
  g_autoptr(GHashTable) codes = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < s->lots->len; i++)
    {
      Lot *lot = g_ptr_array_index (s->lots, i);
      MqParcelDetails *d = &lot->details;
      double mu = lot->area_m2 / MQ_M2_PER_MU, per_mu, far;

      if (lot->use != USE_EXISTING)
        continue;
      if (!g_hash_table_contains (codes, lot->record.owner))
        g_hash_table_insert (codes, (gpointer) lot->record.owner, (gpointer) credit_code (s, rand));
      d->credit_code = g_hash_table_lookup (codes, lot->record.owner);
      far = round (g_rand_double_range (rand, 0.4, lot->flagged ? 1.2 : 2.2) * 100) / 100;
      d->floor_area_m2 = round (lot->area_m2 * far);
      per_mu = lot->flagged ? g_rand_double_range (rand, 0.3, 12) : g_rand_double_range (rand, 3, 60);
      d->tax = round (per_mu * mu * 10) / 10;
      d->output = round (d->tax * g_rand_double_range (rand, 8, 20) * 10) / 10;
      d->energy = round (mu * g_rand_double_range (rand, 2, lot->flagged ? 40 : 15));
      d->grade = per_mu >= 30 ? MQ_GRADE_A : per_mu >= 15 ? MQ_GRADE_B : per_mu >= 5 ? MQ_GRADE_C
                                                                                      : MQ_GRADE_D;
      for (guint k = 0; lot->flagged && k < MQ_N_HIGH_LOW; k++)
        if (strstr (d->flag_reason, reasons[k]) != NULL)
          d->high_low |= 1u << k;
    }
}

/* The 控规 (regulatory plan) over the zone: one plan zone a block, its use
 * and floor area ratio, as a planning institute's layer names them (DKBH,
 * YDXZ, RJL). maqiao-land --planning-layer puts them on the parcels. */
static void
write_plan_layer (Sample     *s,
                  const char *dir)
{
  static const struct { const char *use; double far; } industrial[] = {
    { "工业用地（M1）", 2.0 }, { "科研设计用地（C65）", 2.5 }, { "工业研发用地（M1/C65）", 3.0 },
  }, practice[] = {
    { "二类住宅用地（R2）", 2.2 }, { "商业服务业用地（C2）", 2.8 }, { "公共绿地（G1）", 0.1 },
    { "教育科研用地（C6）", 1.6 },
  };
  g_autofree char *path = g_build_filename (dir, "maqiao-kongui.gpkg", NULL);
  g_autoptr(GRand) rand = g_rand_new_with_seed (SEED + 11);
  GDALDatasetH ds = GDALCreate (GDALGetDriverByName ("GPKG"), path, 0, 0, 0, GDT_Unknown, NULL);
  OGRLayerH layer;
  const char *const columns[] = { "DKBH", "YDXZ" };

  if (ds == NULL)
    die (path);
  layer = GDALDatasetCreateLayer (ds, "kongui", s->srs, wkbPolygon, NULL);
  for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
    {
      OGRFieldDefnH fd = OGR_Fld_Create (columns[c], OFTString);

      OGR_L_CreateField (layer, fd, TRUE);
      OGR_Fld_Destroy (fd);
    }
  {
    OGRFieldDefnH fd = OGR_Fld_Create ("RJL", OFTReal);

    OGR_L_CreateField (layer, fd, TRUE);
    OGR_Fld_Destroy (fd);
  }
  for (guint i = 0; i < s->blocks->len; i++)
    {
      OGRFeatureH f = OGR_F_Create (OGR_L_GetLayerDefn (layer));
      g_autofree char *id = g_strdup_printf ("MH-KG-%03u", i + 1);
      gboolean in_industrial = g_array_index (s->block_industrial, gboolean, i);
      guint k = g_rand_int_range (rand, 0, in_industrial ? G_N_ELEMENTS (industrial) : G_N_ELEMENTS (practice));

      OGR_F_SetFieldString (f, 0, id);
      OGR_F_SetFieldString (f, 1, in_industrial ? industrial[k].use : practice[k].use);
      OGR_F_SetFieldDouble (f, 2, in_industrial ? industrial[k].far : practice[k].far);
      OGR_F_SetGeometry (f, g_ptr_array_index (s->blocks, i));
      if (OGR_L_CreateFeature (layer, f) != OGRERR_NONE)
        die (path);
      OGR_F_Destroy (f);
    }
  GDALClose (ds);
}

static int
compare_north_west (gconstpointer a,
                    gconstpointer b)
{
  const Lot *la = *(Lot **) a, *lb = *(Lot **) b;
  int ra = (int) floor (la->cy / 400), rb = (int) floor (lb->cy / 400);

  if (ra != rb)
    return rb - ra;
  return la->cx < lb->cx ? -1 : la->cx > lb->cx;
}

static void
describe_lots (Sample *s)
{
  g_ptr_array_sort (s->lots, compare_north_west);
  for (guint i = 0; i < s->lots->len; i++)
    {
      Lot *lot = g_ptr_array_index (s->lots, i);
      MqParcel *p = &lot->record;
      const char *village = PICK (s, villages);
      g_autofree char *id = g_strdup_printf ("MQ%04u", i + 1);
      g_autofree char *location = g_strdup_printf ("马桥镇%s村", village);
      g_autofree char *collective = g_strdup_printf ("马桥镇%s村股份经济合作社", village);

      p->id = intern (s, id);
      p->location = intern (s, location);
      p->area_m2 = lot->area_m2;
      /* Survey areas agree with the geometry, but for a few parcels whose
       * survey is older than their boundary (the loader flags those). */
      p->survey_area_m2 = round (lot->area_m2 * (i % 211 == 7 ? 1.012 : 1.0) * 100) / 100;
      set_land_use (s, lot);
      p->owner = lot->use != USE_OTHER ? firm (s, firm_trades, G_N_ELEMENTS (firm_trades))
                                       : intern (s, collective);
      if (lot->flagged)
        set_flag (s, lot);
    }
}

static MqHistoryEntry *
history_entry (guint32     day,
               const char *user,
               const char *id,
               const char *field,
               const char *old_value,
               const char *new_value,
               const char *action)
{
  MqHistoryEntry *e = g_new0 (MqHistoryEntry, 1);
  GDate date;
  char text[32];

  g_date_clear (&date, 1);
  g_date_set_julian (&date, day);
  /* 10:00 in Shanghai. */
  g_date_strftime (text, sizeof text, "%Y-%m-%dT02:00:00.000Z", &date);
  e->changed_at = g_strdup (text);
  e->user = g_strdup (user);
  e->parcel_id = g_strdup (id);
  e->field = g_strdup (field);
  e->old_value = g_strdup (old_value);
  e->new_value = g_strdup (new_value);
  e->action = g_strdup (action);
  return e;
}

static int
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  const MqHistoryEntry *x = *(MqHistoryEntry **) a, *y = *(MqHistoryEntry **) b;

  return strcmp (x->changed_at, y->changed_at);
}

/* The sample's past, so that --as-of, --changes-since and the curves have
 * something to show: the flagged parcels listed by the district in mid-2019
 * (one status table), each lock recorded on its day by one of three
 * (invented) planners, and a third of the deadlines put back half a year
 * in the last twelve months. Consistent with the parcels as they are: replayed,
 * the history ends where the project stands. */
static GPtrArray *
sample_history (Sample *s)
{
  static const char *const planners[] = { "王工", "李工", "陈工" };
  static const char *const lock_fields[][2] = {
    { "lock_parcel", "lock_parcel_date" }, { "lock_project", "lock_project_date" },
    { "lock_deadline", "lock_deadline_date" }, { "lock_owner", "lock_owner_date" },
  };
  GPtrArray *entries = g_ptr_array_new_with_free_func ((GDestroyNotify) mq_history_entry_free);

  for (guint i = 0; i < s->lots->len; i++)
    {
      Lot *lot = g_ptr_array_index (s->lots, i);
      const MqParcel *p = &lot->record;

      if (!p->flagged)
        continue;
      g_ptr_array_add (entries, history_entry (julian (2019, 6, 28), "规划科", p->id, "flagged", "0", "1", "csv"));
      for (guint k = 0; k < MQ_N_LOCKS; k++)
        {
          guint32 day = lot->details.lock_date[k];
          g_autofree char *date = NULL;

          if (!(p->locks & (1u << k)) || day == 0)
            continue;
          date = mq_date_format (day);
          g_ptr_array_add (entries, history_entry (day, planners[i % 3], p->id, lock_fields[k][0], "0", "1", "edit"));
          g_ptr_array_add (entries, history_entry (day, planners[i % 3], p->id, lock_fields[k][1], "", date, "edit"));
        }
      /* Some deadlines were put back half a year in the last twelve months. */
      if (p->deadline != 0 && i % 3 == 0)
        {
          guint32 day = julian (2025, 12, 1) + (i * 37) % 360;
          g_autofree char *was = mq_date_format (p->deadline - 182);
          g_autofree char *now = mq_date_format (p->deadline);

          g_ptr_array_add (entries, history_entry (day, planners[(i + 1) % 3], p->id, "deadline", was, now, "edit"));
        }
    }
  g_ptr_array_sort (entries, compare_entries);
  return entries;
}

static void
write_project (Sample     *s,
               const char *path)
{
  g_autoptr(GPtrArray) history = sample_history (s);
  g_autoptr(GError) error = NULL;
  g_autoptr(MqProjectFileWriter) w = mq_project_file_writer_new (path, s->srs, NULL, &error);
  gboolean ok = w != NULL;

  for (guint i = 0; ok && i < s->lots->len; i++)
    {
      Lot *lot = g_ptr_array_index (s->lots, i);

      ok = mq_project_file_writer_add_parcel (w, &lot->record, NULL, lot->geometry, &error);
    }
  ok = ok && mq_project_file_writer_add_reference (w, MQ_REF_ZONE, "上海马桥人工智能创新试验区", 0, s->zone, &error);
  ok = ok && mq_project_file_writer_add_reference (w, MQ_REF_PART, "产业创新发展区", 0, s->industrial, &error);
  ok = ok && mq_project_file_writer_add_reference (w, MQ_REF_PART, "应用综合实践区", 0, s->practice, &error);
  for (guint i = 0; ok && i < s->roads->len; i++)
    {
      Road *r = g_ptr_array_index (s->roads, i);

      ok = mq_project_file_writer_add_reference (w, MQ_REF_ROAD, r->name, r->width_m, r->line, &error);
    }
  for (guint i = 0; ok && i < s->rivers->len; i++)
    {
      Road *r = g_ptr_array_index (s->rivers, i);

      ok = mq_project_file_writer_add_reference (w, MQ_REF_RIVER, r->name, r->width_m, r->line, &error);
    }
  /* A batch per day and planner, as the window would have stored them. */
  for (guint i = 0, batch = 0; ok && i < history->len; i++)
    {
      const MqHistoryEntry *e = g_ptr_array_index (history, i);
      const MqHistoryEntry *last = i > 0 ? g_ptr_array_index (history, i - 1) : NULL;

      if (last == NULL || strcmp (last->changed_at, e->changed_at) != 0 || strcmp (last->user, e->user) != 0)
        batch++;
      ok = mq_project_file_writer_add_history (w, e, batch, &error);
    }
  ok = ok && mq_project_file_writer_set_setting (w, "title", "马桥人工智能创新试验区 地块样例", &error);
  ok = ok && mq_project_file_writer_set_setting (w, "synthetic",
       "合成数据：边界为近似估计，地块、名称与状态均为虚构。"
       " Synthetic sample: approximate boundary; parcels, names and statuses invented.", &error);
  ok = ok && mq_project_file_writer_commit (w, &error);
  if (!ok)
    {
      g_printerr ("mq-make-sample: %s\n", error->message);
      exit (1);
    }
}

/* 三调 attribute table, in GBK as survey offices deliver it. */
static const struct { const char *name; OGRFieldType type; int width; } survey_fields[] = {
  { "BSM", OFTInteger64, 18 }, { "TBBH", OFTString, 12 }, { "DLBM", OFTString, 5 },
  { "DLMC", OFTString, 60 }, { "QSDWMC", OFTString, 120 }, { "ZLDWMC", OFTString, 60 },
  { "TBMJ", OFTReal, 19 }, { "GYYDLX", OFTString, 20 }, { "BZ", OFTString, 60 },
};

static void
set_gbk (OGRFeatureH f,
         int         field,
         const char *utf8)
{
  g_autofree char *gbk = NULL;

  if (utf8 == NULL)
    return;
  gbk = g_convert (utf8, -1, "GBK", "UTF-8", NULL, NULL, NULL);
  if (gbk == NULL)
    die (utf8);
  OGR_F_SetFieldString (f, field, gbk);
}

/* GDAL leaves an empty .cpg behind even when told not to recode; survey
 * offices' files have none, and that is the case the sample must show. */
static void
remove_cpg (const char *shp)
{
  g_autofree char *stem = g_strndup (shp, strlen (shp) - 4);
  g_autofree char *cpg = g_strconcat (stem, ".cpg", NULL);

  g_unlink (cpg);
}

static void
write_survey (Sample     *s,
              GPtrArray  *rows,
              const char *path)
{
  static const char *const no_recode[] = { "ENCODING=", NULL };
  GDALDriverH driver = GDALGetDriverByName ("ESRI Shapefile");
  GDALDatasetH ds;
  OGRLayerH layer;

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    GDALDeleteDataset (driver, path);
  ds = GDALCreate (driver, path, 0, 0, 0, GDT_Unknown, NULL);
  layer = ds ? GDALDatasetCreateLayer (ds, "maqiao-survey", s->srs, wkbPolygon, (char **) no_recode)
             : NULL;
  if (layer == NULL)
    die (path);
  for (guint i = 0; i < G_N_ELEMENTS (survey_fields); i++)
    {
      OGRFieldDefnH fd = OGR_Fld_Create (survey_fields[i].name, survey_fields[i].type);

      OGR_Fld_SetWidth (fd, survey_fields[i].width);
      if (survey_fields[i].type == OFTReal)
        OGR_Fld_SetPrecision (fd, 2);
      OGR_L_CreateField (layer, fd, TRUE);
      OGR_Fld_Destroy (fd);
    }
  for (guint i = 0; i < rows->len; i++)
    {
      MqSampleRow *row = g_ptr_array_index (rows, i);
      const MqParcel *p = row->record;
      OGRFeatureH f = OGR_F_Create (OGR_L_GetLayerDefn (layer));

      OGR_F_SetFieldInteger64 (f, 0, row->bsm);
      OGR_F_SetFieldString (f, 1, p->id);
      OGR_F_SetFieldString (f, 2, p->land_use_code);
      set_gbk (f, 3, p->land_use_name);
      set_gbk (f, 4, p->owner);
      set_gbk (f, 5, p->location);
      OGR_F_SetFieldDouble (f, 6, p->survey_area_m2);
      set_gbk (f, 7, mq_land_class_term (p->land_class));
      set_gbk (f, 8, p->flagged ? "转型升级地块（样例，虚构）" : NULL);
      OGR_F_SetGeometry (f, row->geometry);
      if (OGR_L_CreateFeature (layer, f) != OGRERR_NONE)
        die (path);
      OGR_F_Destroy (f);
    }
  GDALClose (ds);
  remove_cpg (path);
}

/* This year's survey rows: each lot as it is. */
static GPtrArray *
survey_rows (Sample *s)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < s->lots->len; i++)
    {
      Lot *lot = g_ptr_array_index (s->lots, i);
      MqSampleRow *row = g_new0 (MqSampleRow, 1);

      row->geometry = lot->geometry;
      row->record = &lot->record;
      row->bsm = G_GINT64_CONSTANT (3101120000000000) + 10000 + i;
      g_ptr_array_add (rows, row);
    }
  return rows;
}

/* Next year's survey, and what it changed (maqiao-survey-next.changes.txt). */
static void
write_next_survey (Sample     *s,
                   GPtrArray  *rows,
                   const char *dir)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new ();
  g_autoptr(GPtrArray) next = NULL;
  g_autoptr(GString) log = g_string_new (NULL);
  g_autofree char *shp = g_build_filename (dir, "maqiao-survey-next.shp", NULL);
  g_autofree char *changes = g_build_filename (dir, "maqiao-survey-next.changes.txt", NULL);

  for (guint i = 0; i < s->roads->len; i++)
    g_ptr_array_add (lines, ((Road *) g_ptr_array_index (s->roads, i))->line);
  next = mq_sample_next_survey (rows, lines, s->grid_angle, s->area, log);
  write_survey (s, next, shp);
  if (!g_file_set_contents (changes, log->str, log->len, NULL))
    die (changes);
}

static void
write_note (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "maqiao-survey.README.txt", NULL);
  const char *text =
    "马桥人工智能创新试验区 地块样例（合成数据）\n"
    "Maqiao AI pilot zone parcel sample (SYNTHETIC).\n\n"
    "The zone boundary is an approximate estimate from public reference points;\n"
    "parcels, enterprise and person names, and four-lock statuses are invented.\n"
    "maqiao-survey.shp: EPSG:4549, 三调 field names, GBK-encoded DBF without .cpg.\n"
    "maqiao-survey-next.shp: the same a year later: two parcels split, two pairs merged,\n"
    "a block renumbered, a boundary moved 1 m, one parcel gone and one new\n"
    "(maqiao-survey-next.changes.txt lists them).\n"
    "maqiao-ortho.tif, maqiao-ortho.mbtiles: a drawn orthophoto of the invented lots\n"
    "(2 m a pixel; EPSG:4549 and EPSG:3857), not a photograph.\n"
    "maqiao-tax-2026.csv: a year's tax and output by 统一社会信用代码 for the enterprises\n"
    "on the existing industrial land, to bring in as a status table.\n"
    "maqiao-kongui.gpkg: an invented 控规 (regulatory plan): a zone a block, with its use\n"
    "(YDXZ) and floor area ratio (RJL), for maqiao-land --planning-layer.\n"
    "Generated by tools/sample/mq-make-sample.c; do not edit.\n";

  if (!g_file_set_contents (path, text, -1, NULL))
    die (path);
}

/* A tax bureau's table for the next year: each enterprise of the
 * existing industrial land once, by its credit code, with its tax and
 * output (its parcels' sum, grown 8 %) in 万元. */
static void
write_tax_table (Sample     *s,
                 const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "maqiao-tax-2026.csv", NULL);
  g_autoptr(GString) csv = g_string_new ("\xef\xbb\xbf统一社会信用代码,企业名称,年税收,年产值\r\n");
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < s->lots->len; i++)
    {
      Lot *lot = g_ptr_array_index (s->lots, i);
      double tax = 0, output = 0;

      if (lot->details.credit_code == NULL || g_hash_table_contains (seen, lot->details.credit_code))
        continue;
      g_hash_table_add (seen, (gpointer) lot->details.credit_code);
      for (guint k = i; k < s->lots->len; k++)
        {
          Lot *other = g_ptr_array_index (s->lots, k);

          if (g_strcmp0 (other->details.credit_code, lot->details.credit_code) == 0)
            tax += other->details.tax, output += other->details.output;
        }
      g_string_append_printf (csv, "%s,%s,%.1f,%.1f\r\n", lot->details.credit_code, lot->record.owner,
                              round (tax * 10.8) / 10, round (output * 10.8) / 10);
    }
  if (!g_file_set_contents (path, csv->str, (gssize) csv->len, NULL))
    die (path);
}

/* The orthophoto, from the lots, roads and rivers just made. */
static void
write_imagery (Sample     *s,
               const char *dir)
{
  g_autoptr(GPtrArray) lots = g_ptr_array_new ();
  g_autoptr(GPtrArray) uses = g_ptr_array_new ();
  g_autoptr(GPtrArray) lines = g_ptr_array_new ();
  g_autoptr(GArray) widths = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) wet = g_array_new (FALSE, FALSE, sizeof (gboolean));
  g_autofree char *tif = g_build_filename (dir, "maqiao-ortho.tif", NULL);
  g_autofree char *mbtiles = g_build_filename (dir, "maqiao-ortho.mbtiles", NULL);
  MqSampleScene scene = { s->zone, lots, uses, lines, widths, wet };
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < s->lots->len; i++)
    {
      Lot *lot = g_ptr_array_index (s->lots, i);

      g_ptr_array_add (lots, lot->geometry);
      g_ptr_array_add (uses, (gpointer) lot->record.land_use_code);
    }
  for (guint k = 0; k < 2; k++)
    {
      GPtrArray *list = k == 0 ? s->rivers : s->roads;
      gboolean river = k == 0;

      for (guint i = 0; i < list->len; i++)
        {
          Road *r = g_ptr_array_index (list, i);

          g_ptr_array_add (lines, r->line);
          g_array_append_val (widths, r->width_m);
          g_array_append_val (wet, river);
        }
    }
  if (!mq_sample_write_imagery (&scene, SEED, tif, mbtiles, &error))
    die (error->message);
}

static void
report (Sample *s)
{
  double existing = 0, incremental = 0, flagged = 0;

  for (guint i = 0; i < s->lots->len; i++)
    {
      Lot *lot = g_ptr_array_index (s->lots, i);

      existing += lot->use == USE_EXISTING ? lot->area_m2 : 0;
      incremental += lot->use == USE_INCREMENTAL ? lot->area_m2 : 0;
      flagged += lot->flagged ? lot->area_m2 : 0;
    }
  g_print ("mq-make-sample: %u parcels; existing %.1f mu, incremental %.1f mu, flagged %.1f mu\n",
           s->lots->len, MU (existing), MU (incremental), MU (flagged));
}

static void
setup_dongchuan (Sample *s)
{
  /* Inside the zone 东川路 is straight from 昆阳路 westward. */
  static const double ends[] = { 121.3653, 31.00261, 121.324, 30.99166 };
  OGRGeometryH line = line_from (s, ends, 2);

  s->dc_x = OGR_G_GetX (line, 0);
  s->dc_y = OGR_G_GetY (line, 0);
  s->dc_dx = OGR_G_GetX (line, 1) - s->dc_x;
  s->dc_dy = OGR_G_GetY (line, 1) - s->dc_y;
  s->grid_angle = atan2 (-s->dc_dy, -s->dc_dx);
  OGR_G_DestroyGeometry (line);
}

int
main (int   argc,
      char *argv[])
{
  Sample s = { 0 };
  g_autofree char *gpkg = NULL, *shp = NULL;
  g_autoptr(GPtrArray) rows = NULL;

  if (argc != 3)
    {
      g_printerr ("usage: mq-make-sample ZONE.geojson OUTDIR\n");
      return 2;
    }
  mq_core_init ();
  g_mkdir_with_parents (argv[2], 0755);
  s.rand = g_rand_new_with_seed (SEED);
  s.srs = mq_crs_new_epsg (4549);
  s.area = mq_area_calc_new (s.srs, NULL);
  s.source = g_hash_table_new (g_str_hash, g_str_equal);
  s.roads = g_ptr_array_new ();
  s.rivers = g_ptr_array_new ();
  s.lots = g_ptr_array_new ();
  s.blocks = g_ptr_array_new ();
  s.block_industrial = g_array_new (FALSE, FALSE, sizeof (gboolean));
  s.strings = g_string_chunk_new (4096);

  read_source (&s, argv[1]);
  s.zone = geo (&s, "zone_best_estimate");
  s.practice = geo (&s, "application_practice_area_guess");
  s.industrial = geo (&s, "industrial_innovation_area_guess");
  setup_dongchuan (&s);
  make_roads (&s);
  make_rivers (&s);
  make_lots (&s);
  assign_uses (&s);
  describe_lots (&s);
  set_performance (&s);

  gpkg = g_build_filename (argv[2], "maqiao.gpkg", NULL);
  shp = g_build_filename (argv[2], "maqiao-survey.shp", NULL);
  write_project (&s, gpkg);
  rows = survey_rows (&s);
  write_survey (&s, rows, shp);
  write_next_survey (&s, rows, argv[2]);
  write_imagery (&s, argv[2]);
  write_note (argv[2]);
  write_tax_table (&s, argv[2]);
  write_plan_layer (&s, argv[2]);
  report (&s);
  return 0;
}

/* test-sample.c — the bundled sample, measured from the written files.
 *
 * Figures are read back from maqiao.gpkg and maqiao-survey.shp, through the
 * loader and, for areas, through a second computation straight on PROJ, never
 * from the generator's own variables.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gdal.h>
#include <math.h>
#include <glib/gstdio.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <stdio.h>
#include <stdlib.h>

#include "mq-core.h"
#include "test-util.h"

#define MU(m2) ((m2) / MQ_M2_PER_MU)

static MqDataset *project;
static MqDataset *survey;

static void
test_parcel_count (void)
{
  guint n = mq_parcels_get_n_parcels (mq_dataset_get_parcels (project));

  g_assert_cmpuint (n, >=, 1000);
  g_assert_cmpuint (n, <=, 2000);
  g_assert_cmpuint (n, ==, mq_parcels_get_n_parcels (mq_dataset_get_parcels (survey)));
  g_assert_cmpstr (mq_dataset_get_crs_label (project), ==, "EPSG:4549");
  g_assert_cmpstr (mq_dataset_get_crs_label (survey), ==, "EPSG:4549");
}

static void
test_zone (void)
{
  g_autoptr(MqSummary) s = mq_summary_new (project, mq_today ());
  gboolean seen_industrial = FALSE, seen_practice = FALSE;

  g_assert_true (s->has_zone);
  test_assert_within (s->zone_m2 / 1e6, 15.7, 0.02);
  g_assert_cmpuint (s->parts->len, ==, 2);
  for (guint i = 0; i < s->parts->len; i++)
    {
      MqSummaryPart *part = &g_array_index (s->parts, MqSummaryPart, i);

      if (g_str_equal (part->name, "产业创新发展区"))
        test_assert_within (part->area_m2 / 1e6, 10.8, 0.02), seen_industrial = TRUE;
      else if (g_str_equal (part->name, "应用综合实践区"))
        test_assert_within (part->area_m2 / 1e6, 4.9, 0.02), seen_practice = TRUE;
    }
  g_assert_true (seen_industrial && seen_practice);
}

static void
test_reference_names (void)
{
  const MqReference *ref = mq_dataset_get_reference (project);
  static const char *const wanted[] = { "元江路", "东川路", "江川路", "昆阳路", "剑川路",
                                        "黄浦江", "北沙港", "女儿泾", "茜浦泾" };

  for (guint w = 0; w < G_N_ELEMENTS (wanted); w++)
    {
      gboolean found = FALSE;

      for (guint i = 0; i < ref->name->len && !found; i++)
        found = g_str_equal (g_ptr_array_index (ref->name, i), wanted[w]);
      if (!found)
        g_error ("reference layers lack %s", wanted[w]);
    }
}

static void
test_plan_figures (void)
{
  g_autoptr(MqSummary) s = mq_summary_new (project, mq_today ());

  test_assert_within (MU (s->existing_industrial_m2), 7460, 0.01);
  test_assert_within (MU (s->incremental_industrial_m2), 1574, 0.01);
  test_assert_within (MU (s->flagged_m2), 3000, 0.02);
  /* Mixed progress: every count of locks occurs, and some deadlines passed. */
  for (guint i = 0; i <= MQ_N_LOCKS; i++)
    g_assert_cmpuint (s->locks_held[i], >, 0);
  g_assert_cmpuint (s->overdue, >, 0);
}

static void
test_flagged_parcels (void)
{
  MqParcels *parcels = mq_dataset_get_parcels (project);
  static const char *const reasons[] = { "高能耗", "高污染", "高风险", "低产出" };

  for (guint i = 0; i < mq_parcels_get_n_parcels (parcels); i++)
    {
      const MqParcel *p = mq_parcels_get (parcels, i);
      gboolean has_reason = FALSE;

      if (p->land_class != MQ_LAND_CLASS_OTHER)
        {
          g_assert_cmpfloat (MU (p->area_m2), >=, 9.9);
          g_assert_cmpfloat (MU (p->area_m2), <=, 200.1);
        }
      if (!p->flagged)
        continue;
      g_assert_cmpint (p->land_class, ==, MQ_LAND_CLASS_EXISTING_INDUSTRIAL);
      g_assert_cmpint (p->method, !=, MQ_METHOD_NONE);
      for (guint r = 0; r < G_N_ELEMENTS (reasons); r++)
        has_reason |= p->details->flag_reason != NULL && strstr (p->details->flag_reason, reasons[r]) != NULL;
      g_assert_true (has_reason);
      if (p->locks & (1u << MQ_LOCK_PROJECT))
        {
          g_assert_nonnull (p->details->project);
          g_assert_nonnull (p->details->industry);
        }
      if (p->locks & (1u << MQ_LOCK_DEADLINE))
        g_assert_cmpuint (p->deadline, !=, 0);
      if (p->locks & (1u << MQ_LOCK_OWNER))
        g_assert_nonnull (p->details->entity);
    }
}

/* Which side of 东川路 a point lies on, from the road as written in the file. */
static gboolean
north_of (OGRGeometryH road,
          double       x,
          double       y)
{
  OGRGeometryH line = OGR_G_GetGeometryCount (road) > 0 ? OGR_G_GetGeometryRef (road, 0) : road;
  int n = OGR_G_GetPointCount (line);
  double ax = OGR_G_GetX (line, 0), ay = OGR_G_GetY (line, 0);
  double bx = OGR_G_GetX (line, n - 1), by = OGR_G_GetY (line, n - 1);
  double side = (bx - ax) * (y - ay) - (by - ay) * (x - ax);

  return bx > ax ? side > 0 : side < 0;
}

static void
test_incremental_north_of_dongchuan (void)
{
  g_autofree char *path = test_sample_file ("maqiao.gpkg");
  GDALDatasetH ds = GDALOpenEx (path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
  OGRLayerH roads = GDALDatasetGetLayerByName (ds, "roads");
  OGRLayerH parcels = GDALDatasetGetLayerByName (ds, "parcels");
  OGRFeatureH f, dongchuan = NULL;
  double north = 0, total = 0;

  while ((f = OGR_L_GetNextFeature (roads)) != NULL)
    {
      if (g_str_equal (OGR_F_GetFieldAsString (f, OGR_F_GetFieldIndex (f, "name")), "东川路"))
        dongchuan = f;
      else
        OGR_F_Destroy (f);
    }
  g_assert_nonnull (dongchuan);
  OGR_L_SetAttributeFilter (parcels, "land_class = '增量工业用地'");
  while ((f = OGR_L_GetNextFeature (parcels)) != NULL)
    {
      OGRGeometryH point = OGR_G_PointOnSurface (OGR_F_GetGeometryRef (f));
      double area = OGR_F_GetFieldAsDouble (f, OGR_F_GetFieldIndex (f, "area_m2"));

      total += area;
      if (north_of (OGR_F_GetGeometryRef (dongchuan), OGR_G_GetX (point, 0), OGR_G_GetY (point, 0)))
        north += area;
      OGR_G_DestroyGeometry (point);
      OGR_F_Destroy (f);
    }
  OGR_F_Destroy (dongchuan);
  GDALClose (ds);
  g_assert_cmpfloat (MU (total), >, 1500);
  g_assert_cmpfloat (north / total, >, 0.75);
}

/* The loader's areas agree with an independent computation (PROJ straight,
 * in test-util.c) to 0.01 %. */
static void
test_areas_independent (void)
{
  g_autofree char *path = test_sample_file ("maqiao-survey.shp");
  GDALDatasetH ds = GDALOpenEx (path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
  OGRLayerH layer = GDALDatasetGetLayer (ds, 0);
  MqParcels *parcels = mq_dataset_get_parcels (survey);
  OGRFeatureH f;
  double independent = 0, loaded = 0;
  guint i = 0;

  while ((f = OGR_L_GetNextFeature (layer)) != NULL)
    {
      double a = test_proj_area (OGR_F_GetGeometryRef (f), "EPSG:4549");
      const MqParcel *p = mq_parcels_get (parcels, i++);

      test_assert_within (p->area_m2, a, 1e-4);
      independent += a;
      loaded += p->area_m2;
      OGR_F_Destroy (f);
    }
  test_assert_within (loaded, independent, 1e-4);
  GDALClose (ds);
}

static void
test_survey_encoding (void)
{
  g_autofree char *cpg = test_sample_file ("maqiao-survey.cpg");
  g_autofree char *dbf = test_sample_file ("maqiao-survey.dbf");
  MqParcels *parcels = mq_dataset_get_parcels (survey);
  guint with_rare = 0, firms = 0;
  guint8 header[32];
  FILE *f;

  /* The hard case on purpose: no .cpg and no language-driver byte. */
  g_assert_false (g_file_test (cpg, G_FILE_TEST_EXISTS));
  f = fopen (dbf, "rb");
  g_assert_nonnull (f);
  g_assert_cmpuint (fread (header, 1, sizeof header, f), ==, sizeof header);
  fclose (f);
  g_assert_cmpuint (header[29], ==, 0);
  g_assert_cmpstr (mq_dataset_get_encoding (survey), ==, "GB18030");
  g_assert_cmpint (mq_dataset_get_encoding_source (survey), ==, MQ_ENCODING_SOURCE_DETECTED);
  g_assert_cmpuint (mq_dataset_get_n_lossy_values (survey), ==, 0);

  for (guint i = 0; i < mq_parcels_get_n_parcels (parcels); i++)
    {
      const MqParcel *p = mq_parcels_get (parcels, i);

      g_assert_true (g_utf8_validate (p->owner, -1, NULL));
      firms += g_str_has_suffix (p->owner, "有限公司");
      /* 堃 and 喆 are outside GB2312: only a GBK/GB18030 decode gets them. */
      with_rare += strstr (p->owner, "堃") != NULL || strstr (p->owner, "喆") != NULL;
    }
  g_assert_cmpuint (firms, >, 100);
  g_assert_cmpuint (with_rare, >, 0);
}

/* Survey and project describe the same parcels. */
static void
test_survey_matches_project (void)
{
  MqParcels *a = mq_dataset_get_parcels (project);
  MqParcels *b = mq_dataset_get_parcels (survey);
  const char *const *names = mq_parcels_get_field_names (b);
  int bsm = -1;

  for (int i = 0; names[i] != NULL; i++)
    if (g_str_equal (names[i], "BSM"))
      bsm = i;
  g_assert_cmpint (bsm, >=, 0);
  for (guint i = 0; i < mq_parcels_get_n_parcels (a); i++)
    {
      const MqParcel *pa = mq_parcels_get (a, i), *pb = mq_parcels_get (b, i);

      g_assert_cmpstr (pa->id, ==, pb->id);
      g_assert_cmpstr (pa->owner, ==, pb->owner);
      g_assert_cmpstr (pa->land_use_name, ==, pb->land_use_name);
      g_assert_cmpint (pa->land_class, ==, pb->land_class);
      test_assert_within (pa->area_m2, pb->area_m2, 1e-6);
      /* BSM overflows 32 bits: kept as text, whole. */
      g_assert_cmpuint (g_ascii_strtoull (mq_parcels_get_value (b, i, bsm), NULL, 10), >, G_MAXUINT32);
    }
}

/* The pixel of @ds's first three bands at (x, y), in its own CRS. */
static void
pixel_at (GDALDatasetH ds,
          double       x,
          double       y,
          guint8       rgb[3])
{
  double gt[6];
  int px, py;

  g_assert_cmpint (GDALGetGeoTransform (ds, gt), ==, CE_None);
  px = (int) floor ((x - gt[0]) / gt[1]);
  py = (int) floor ((y - gt[3]) / gt[5]);
  g_assert_cmpint (px, >=, 0);
  g_assert_cmpint (py, >=, 0);
  g_assert_cmpint (px, <, GDALGetRasterXSize (ds));
  g_assert_cmpint (py, <, GDALGetRasterYSize (ds));
  for (int b = 0; b < 3; b++)
    g_assert_cmpint (GDALRasterIO (GDALGetRasterBand (ds, b + 1), GF_Read, px, py, 1, 1, &rgb[b], 1, 1,
                                   GDT_Byte, 0, 0), ==, CE_None);
}

static int
epsg_of (GDALDatasetH ds)
{
  OGRSpatialReferenceH srs = OSRNewSpatialReference (GDALGetProjectionRef (ds));
  int code = mq_crs_get_epsg (srs);

  OSRDestroySpatialReference (srs);
  return code;
}

/* The synthetic orthophoto: a GeoTIFF in the survey's CRS holding every
 * parcel, and its MBTiles copy in Web Mercator; a few MB each; the biggest
 * industrial lot's roof shows in both at the same place, pale grey. */
static guint
count_flagged (MqDataset *dataset,
               guint     *locks)
{
  MqParcels *parcels = mq_dataset_get_parcels (dataset);
  guint n = 0;

  *locks = 0;
  for (guint i = 0; i < mq_parcels_get_n_parcels (parcels); i++)
    {
      n += mq_parcels_get (parcels, i)->flagged;
      *locks += mq_parcel_get_locks_held (mq_parcels_get (parcels, i));
    }
  return n;
}

/* The sample's history spans years and ends where the project stands:
 * rewound to before the district listed the parcels nothing is flagged or
 * locked; to the day after its last row, everything is as it is; deadlines
 * moved within the last twelve months say so. */
static void
test_history (void)
{
  g_autofree char *path = test_sample_file ("maqiao.gpkg");
  g_autoptr(GPtrArray) entries = mq_history_load_all (path, NULL);
  g_autoptr(MqDataset) past = mq_dataset_load (path, NULL, NULL, NULL);
  g_autoptr(MqDataset) recent = mq_dataset_load (path, NULL, NULL, NULL);
  const MqHistoryEntry *first, *last;
  guint moved = 0, locks_now, locks;
  GDate date;

  g_assert_nonnull (entries);
  g_assert_cmpuint (entries->len, >, 100);
  /* Newest first. */
  last = g_ptr_array_index (entries, 0);
  first = g_ptr_array_index (entries, entries->len - 1);
  g_assert_true (g_str_has_prefix (first->changed_at, "2019-06-28"));
  g_assert_cmpstr (last->changed_at, >, "2026-01-01");
  for (guint i = 0; i < entries->len; i++)
    moved += g_str_equal (((MqHistoryEntry *) g_ptr_array_index (entries, i))->field, "deadline");
  g_assert_cmpuint (moved, >=, 5);

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, 27, 6, 2019);
  g_assert_true (mq_dataset_rewind (past, &date, NULL));
  g_assert_cmpuint (count_flagged (past, &locks), ==, 0);
  g_assert_cmpuint (locks, ==, 0);
  g_date_set_dmy (&date, 31, 10, 2026);
  g_assert_true (mq_dataset_rewind (recent, &date, NULL));
  g_assert_cmpuint (count_flagged (recent, &locks), ==, count_flagged (project, &locks_now));
  g_assert_cmpuint (locks, ==, locks_now);
  g_assert_cmpuint (locks_now, >, 0);
}

/* The progress curves against a count by hand: at today's month each lock's
 * and all four's land is what holds them now, the methods add up to all
 * four, the plan at each month is the land whose deadline falls by then;
 * nothing goes down; nothing held is drawn after today. */
static void
test_progress (void)
{
  MqParcels *parcels = mq_dataset_get_parcels (project);
  guint32 today = mq_today ();
  g_autoptr(GArray) months = mq_progress_by_month (project, today, NULL, 600, 24);
  g_autoptr(MqProgressGroups) entities = mq_progress_by_entity (project, today, NULL, months, 5);
  const MqProgressMonth *now = NULL;
  double held[MQ_N_LOCKS + 1] = { 0 }, by_method = 0;
  GDate date;
  int now_index = -1;

  g_date_clear (&date, 1);
  g_date_set_julian (&date, today);
  for (guint k = 0; k < months->len; k++)
    {
      const MqProgressMonth *m = &g_array_index (months, MqProgressMonth, k);

      if (m->year == g_date_get_year (&date) && m->month == (int) g_date_get_month (&date))
        now = m, now_index = k;
    }
  g_assert_nonnull (now);
  g_assert_cmpuint (months->len, ==, now_index + 1 + 24);
  g_assert_cmpuint (entities->names->len, ==, 6);
  g_assert_true (entities->has_others);
  for (guint i = 0; i < mq_parcels_get_n_parcels (parcels); i++)
    {
      const MqParcel *p = mq_parcels_get (parcels, i);

      if (!p->flagged)
        continue;
      for (guint k = 0; k < MQ_N_LOCKS; k++)
        held[k] += (p->locks >> k & 1) ? p->area_m2 : 0;
      held[MQ_N_LOCKS] += mq_parcel_get_locks_held (p) == MQ_N_LOCKS ? p->area_m2 : 0;
    }
  for (guint k = 0; k <= MQ_N_LOCKS; k++)
    test_assert_within (now->m2[k], held[k], 1e-9);
  for (guint m = 0; m < MQ_N_METHODS; m++)
    by_method += now->method_m2[m];
  test_assert_within (by_method, held[MQ_N_LOCKS], 1e-9);
  for (guint k = 0; k < months->len; k++)
    {
      const MqProgressMonth *m = &g_array_index (months, MqProgressMonth, k);
      GDate end;
      double planned = 0;

      g_date_clear (&end, 1);
      g_date_set_dmy (&end, 1, m->month, m->year);
      g_date_add_months (&end, 1);
      g_date_subtract_days (&end, 1);
      for (guint i = 0; i < mq_parcels_get_n_parcels (parcels); i++)
        {
          const MqParcel *p = mq_parcels_get (parcels, i);

          /* The first month holds everything planned before it too. */
          if (p->flagged && p->deadline != 0 && p->deadline <= g_date_get_julian (&end))
            planned += p->area_m2;
        }
      test_assert_within (m->m2[MQ_PROGRESS_PLANNED], planned, 1e-9);
      g_assert_true (((int) k > now_index) == isnan (m->m2[MQ_PROGRESS_ALL_FOUR]));
      {
        double sum = 0;

        for (guint g = 0; g < entities->names->len; g++)
          sum += mq_progress_groups_get (entities, k, g);
        /* Fully locked land has its entity (the rule of the owner lock):
         * the entities add up to all four, month by month. */
        if ((int) k <= now_index)
          test_assert_within (sum, m->m2[MQ_PROGRESS_ALL_FOUR], 1e-9);
        else
          g_assert_true (isnan (sum));
      }
      if (k > 0 && (int) k <= now_index)
        for (guint s = 0; s < MQ_N_PROGRESS; s++)
          g_assert_cmpfloat (m->m2[s], >=, g_array_index (months, MqProgressMonth, k - 1).m2[s]);
    }
}

static void
test_imagery (void)
{
  g_autofree char *tif = test_sample_file ("maqiao-ortho.tif");
  g_autofree char *mbtiles = test_sample_file ("maqiao-ortho.mbtiles");
  GDALDatasetH ortho = GDALOpen (tif, GA_ReadOnly), web = GDALOpen (mbtiles, GA_ReadOnly);
  MqParcels *parcels = mq_dataset_get_parcels (project);
  const MqShapes *shapes = mq_parcels_get_shapes (parcels);
  OGRSpatialReferenceH from = OSRNewSpatialReference (NULL), to = OSRNewSpatialReference (NULL);
  OGRCoordinateTransformationH ct;
  double gt[6], best = 0, x = 0, y = 0;
  guint8 a[3], b[3];
  MqBox extent;
  GStatBuf st;

  g_assert_nonnull (ortho);
  g_assert_nonnull (web);
  g_assert_cmpint (epsg_of (ortho), ==, 4549);
  g_assert_cmpint (epsg_of (web), ==, 3857);
  g_assert_cmpint (GDALGetRasterCount (ortho), ==, 3);
  g_assert_cmpint (g_stat (tif, &st), ==, 0);
  g_assert_cmpint (st.st_size, <, 5 << 20);
  g_assert_cmpint (g_stat (mbtiles, &st), ==, 0);
  g_assert_cmpint (st.st_size, <, 5 << 20);

  /* Every parcel on the photo, at 2 m a pixel. */
  g_assert_cmpint (GDALGetGeoTransform (ortho, gt), ==, CE_None);
  g_assert_cmpfloat_with_epsilon (gt[1], 2.0, 1e-9);
  mq_dataset_get_extent (project, &extent);
  g_assert_cmpfloat (gt[0], <, extent.min_x);
  g_assert_cmpfloat (gt[3], >, extent.max_y);
  g_assert_cmpfloat (gt[0] + gt[1] * GDALGetRasterXSize (ortho), >, extent.max_x);
  g_assert_cmpfloat (gt[3] + gt[5] * GDALGetRasterYSize (ortho), <, extent.min_y);

  for (guint i = 0; i < mq_parcels_get_n_parcels (parcels); i++)
    {
      const MqParcel *p = mq_parcels_get (parcels, i);
      MqBox box = mq_shapes_get_bbox (shapes, i);

      if (g_strcmp0 (p->land_use_code, "0601") == 0 && p->area_m2 > best)
        best = p->area_m2, x = (box.min_x + box.max_x) / 2, y = (box.min_y + box.max_y) / 2;
    }
  g_assert_cmpfloat (best, >, 0);
  pixel_at (ortho, x, y, a);
  /* A metal roof: pale, and grey (the channels within a few levels). */
  g_assert_cmpint (MIN (a[0], MIN (a[1], a[2])), >, 150);
  g_assert_cmpint (MAX (a[0], MAX (a[1], a[2])) - MIN (a[0], MIN (a[1], a[2])), <, 30);

  OSRImportFromEPSG (from, 4549);
  OSRImportFromEPSG (to, 3857);
  OSRSetAxisMappingStrategy (from, OAMS_TRADITIONAL_GIS_ORDER);
  OSRSetAxisMappingStrategy (to, OAMS_TRADITIONAL_GIS_ORDER);
  ct = OCTNewCoordinateTransformation (from, to);
  g_assert_true (OCTTransform (ct, 1, &x, &y, NULL));
  pixel_at (web, x, y, b);
  for (int c = 0; c < 3; c++)
    g_assert_cmpint (abs ((int) a[c] - (int) b[c]), <, 24);
  OCTDestroyCoordinateTransformation (ct);
  OSRDestroySpatialReference (from);
  OSRDestroySpatialReference (to);
  GDALClose (ortho);
  GDALClose (web);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *gpkg = NULL, *shp = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  mq_core_init ();
  gpkg = test_sample_file ("maqiao.gpkg");
  shp = test_sample_file ("maqiao-survey.shp");
  project = mq_dataset_load (gpkg, NULL, NULL, &error);
  g_assert_no_error (error);
  survey = mq_dataset_load (shp, NULL, NULL, &error);
  g_assert_no_error (error);

  g_test_add_func ("/sample/parcel-count", test_parcel_count);
  g_test_add_func ("/sample/zone", test_zone);
  g_test_add_func ("/sample/reference-names", test_reference_names);
  g_test_add_func ("/sample/plan-figures", test_plan_figures);
  g_test_add_func ("/sample/flagged-parcels", test_flagged_parcels);
  g_test_add_func ("/sample/incremental-north-of-dongchuan", test_incremental_north_of_dongchuan);
  g_test_add_func ("/sample/areas-independent", test_areas_independent);
  g_test_add_func ("/sample/survey-encoding", test_survey_encoding);
  g_test_add_func ("/sample/survey-matches-project", test_survey_matches_project);
  g_test_add_func ("/sample/history", test_history);
  g_test_add_func ("/sample/progress", test_progress);
  g_test_add_func ("/sample/imagery", test_imagery);
  status = g_test_run ();
  g_clear_object (&project);
  g_clear_object (&survey);
  return status;
}

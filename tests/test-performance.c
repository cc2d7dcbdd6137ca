/* test-performance.c — performance per mu (亩均): the figures against a hand
 * computation on the file's own geometry, the values a planner may enter,
 * a survey's 三调-style columns, the totals, the chips and a tax table keyed
 * by 统一社会信用代码.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gdal.h>
#include <glib/gstdio.h>
#include <math.h>
#include <ogr_srs_api.h>
#include <string.h>

#include "mq-core.h"
#include "mq-csv.h"
#include "mq-field-map.h"
#include "mq-filter.h"
#include "mq-performance.h"
#include "mq-planning.h"
#include "mq-store.h"
#include "mq-summary.h"
#include "test-util.h"

static MqDataset *sample;

static double
mu_by_hand (OGRGeometryH geometry)
{
  return test_proj_area (geometry, "EPSG:4549") * 15 / 10000;
}

/* 亩均税收 = 年税收 / land in mu, the land measured here again with PROJ on
 * the project file's geometry (parcel i is row i of the file, by fid); the
 * 容积率 of a parcel with a floor area is that area over the land. */
static void
test_figures_by_hand (void)
{
  g_autofree char *path = test_sample_file ("maqiao.gpkg");
  GDALDatasetH ds = GDALOpenEx (path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
  OGRLayerH layer = GDALDatasetGetLayerByName (ds, "parcels");
  MqParcels *parcels = mq_dataset_get_parcels (sample);
  OGRFeatureH f;
  guint i = 0, checked = 0;

  g_assert_nonnull (layer);
  OGR_L_ResetReading (layer);
  while ((f = OGR_L_GetNextFeature (layer)) != NULL)
    {
      int tax = OGR_F_GetFieldIndex (f, "annual_tax");
      int output = OGR_F_GetFieldIndex (f, "annual_output");
      int floor = OGR_F_GetFieldIndex (f, "floor_area_m2");
      const MqParcel *p = mq_parcels_get (parcels, i++);

      if (OGR_F_IsFieldSetAndNotNull (f, tax))
        {
          double mu = mu_by_hand (OGR_F_GetGeometryRef (f));

          test_assert_within (mq_parcel_tax_per_mu (p), OGR_F_GetFieldAsDouble (f, tax) / mu, 1e-6);
          test_assert_within (mq_parcel_output_per_mu (p), OGR_F_GetFieldAsDouble (f, output) / mu, 1e-6);
          test_assert_within (mq_parcel_far (p),
                              OGR_F_GetFieldAsDouble (f, floor) / (mu * 10000 / 15), 1e-6);
          checked++;
        }
      else
        g_assert_true (isnan (mq_parcel_tax_per_mu (p)));
      OGR_F_Destroy (f);
    }
  GDALClose (ds);
  g_assert_cmpuint (i, ==, mq_parcels_get_n_parcels (parcels));
  /* The sample's existing industrial land has them all. */
  g_assert_cmpuint (checked, >, 150);
}

static guint
first_with_tax (MqParcels *parcels)
{
  for (guint i = 0; i < mq_parcels_get_n_parcels (parcels); i++)
    if (!isnan (mq_parcels_get (parcels, i)->details->tax))
      return i;
  g_assert_not_reached ();
}

static void
assert_refused (MqParcel   *p,
                MqField     field,
                const char *text,
                const char *says)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (mq_parcel_set_field_text (mq_dataset_get_parcels (sample), p, field, text, &error));
  g_assert_error (error, MQ_FIELD_ERROR, MQ_FIELD_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, says));
}

static void
set_ok (MqParcel   *p,
        MqField     field,
        const char *text,
        const char *reads_back)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *back = NULL;

  g_assert_true (mq_parcel_set_field_text (mq_dataset_get_parcels (sample), p, field, text, &error));
  g_assert_no_error (error);
  back = mq_parcel_dup_field_text (p, field);
  g_assert_cmpstr (back, ==, reads_back);
}

/* What a planner types is read strictly: nothing that does not read as the
 * field's value is stored, an empty figure is none (never 0). */
static void
test_entered_values (void)
{
  MqParcels *parcels = mq_dataset_get_parcels (sample);
  MqParcel p = *mq_parcels_get (parcels, first_with_tax (parcels));

  set_ok (&p, MQ_FIELD_TAX, "1,234.5", "1234.5");
  g_assert_cmpfloat (p.details->tax, ==, 1234.5);
  test_assert_within (mq_parcel_tax_per_mu (&p), 1234.5 / (p.area_m2 * 15 / 10000), 1e-12);
  set_ok (&p, MQ_FIELD_TAX, "0", "0");
  g_assert_cmpfloat (mq_parcel_tax_per_mu (&p), ==, 0);
  set_ok (&p, MQ_FIELD_TAX, "", NULL);
  g_assert_true (isnan (mq_parcel_tax_per_mu (&p)));
  assert_refused (&p, MQ_FIELD_TAX, "-3", "-3");
  assert_refused (&p, MQ_FIELD_OUTPUT, "约一千", "约一千");
  set_ok (&p, MQ_FIELD_OUTPUT, "0.1", "0.1");
  set_ok (&p, MQ_FIELD_OUTPUT, "３０００", "3000");
  set_ok (&p, MQ_FIELD_OUTPUT, "33.333333333333336", "33.333333333333336");

  /* Without a floor area, the 容积率 entered is the one used. */
  set_ok (&p, MQ_FIELD_FLOOR_AREA, "", NULL);
  set_ok (&p, MQ_FIELD_FAR, "1.8", "1.8");
  g_assert_cmpfloat (mq_parcel_far (&p), ==, 1.8);
  set_ok (&p, MQ_FIELD_FLOOR_AREA, "20000", "20000");
  test_assert_within (mq_parcel_far (&p), 20000 / p.area_m2, 1e-12);

  set_ok (&p, MQ_FIELD_GRADE, "b 类", "B");
  g_assert_cmpuint (p.details->grade, ==, MQ_GRADE_B);
  set_ok (&p, MQ_FIELD_GRADE, "D级", "D");
  set_ok (&p, MQ_FIELD_GRADE, "", NULL);
  assert_refused (&p, MQ_FIELD_GRADE, "E", "E");

  set_ok (&p, MQ_FIELD_HIGH_RISK, "是", "1");
  g_assert_cmphex (p.details->high_low, &, 1u << MQ_HIGH_RISK);
  set_ok (&p, MQ_FIELD_HIGH_RISK, "0", "0");
  assert_refused (&p, MQ_FIELD_HIGH_RISK, "maybe", "maybe");

  /* GB 32100's example code; its check character is the last. */
  set_ok (&p, MQ_FIELD_CREDIT_CODE, " 91350100m000100y43 ", "91350100M000100Y43");
  assert_refused (&p, MQ_FIELD_CREDIT_CODE, "91350100M000100Y44", "check character");
  assert_refused (&p, MQ_FIELD_CREDIT_CODE, "9135010", "18");
  assert_refused (&p, MQ_FIELD_CREDIT_CODE, "91350100I000100Y43", "18");
  set_ok (&p, MQ_FIELD_CREDIT_CODE, "", NULL);
}

/* A survey with the 三调-style names: every figure read under its alias; a
 * code that fails its check and a tax that is no number are not guessed —
 * the parcel is told to have a problem, and their text stays. */
static void
test_survey_aliases (void)
{
  g_autofree char *dir = g_dir_make_tmp ("mq-performance-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "survey.geojson", NULL);
  static const char *const json =
    "{\"type\":\"FeatureCollection\",\"features\":["
    "{\"type\":\"Feature\",\"properties\":{\"TBBH\":\"A1\",\"DLBM\":\"0601\",\"JZMJ\":\"12000\","
    "\"RJL\":\"1.2\",\"NSS\":\"300.5\",\"NCZ\":\"4200\",\"ZHNH\":\"860\",\"GNH\":\"1\",\"GWR\":\"否\","
    "\"JXDJ\":\"C类\",\"TYDM\":\"91350100M000100Y43\",\"GHYT\":\"工业用地（M1）\",\"GHRJL\":\"2.0\"},"
    "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[121.35,31.0],[121.351,31.0],[121.351,31.001],"
    "[121.35,31.001],[121.35,31.0]]]}},"
    "{\"type\":\"Feature\",\"properties\":{\"TBBH\":\"A2\",\"DLBM\":\"0601\",\"NSS\":\"n/a\","
    "\"TYDM\":\"91350100M000100Y44\"},"
    "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[121.352,31.0],[121.353,31.0],[121.353,31.001],"
    "[121.352,31.001],[121.352,31.0]]]}}]}";
  g_autoptr(MqDataset) d = NULL;
  const MqParcel *a, *b;

  g_assert_true (g_file_set_contents (path, json, -1, NULL));
  d = test_load (path);
  a = mq_parcels_get (mq_dataset_get_parcels (d), 0);
  b = mq_parcels_get (mq_dataset_get_parcels (d), 1);
  g_assert_cmpstr (a->id, ==, "A1");
  g_assert_cmpfloat (a->details->floor_area_m2, ==, 12000);
  g_assert_cmpfloat (a->details->far, ==, 1.2);
  g_assert_cmpfloat (a->details->tax, ==, 300.5);
  g_assert_cmpfloat (a->details->output, ==, 4200);
  g_assert_cmpfloat (a->details->energy, ==, 860);
  g_assert_cmphex (a->details->high_low, ==, 1u << MQ_HIGH_ENERGY);
  g_assert_cmpuint (a->details->grade, ==, MQ_GRADE_C);
  g_assert_cmpstr (a->details->credit_code, ==, "91350100M000100Y43");
  g_assert_cmpstr (a->details->planned_use, ==, "工业用地（M1）");
  g_assert_cmpfloat (a->details->planned_far, ==, 2.0);
  g_assert_cmphex (a->problems & MQ_PROBLEM_UNREADABLE_STATE, ==, 0);
  /* The floor area is known: the ratio follows the land measured. */
  test_assert_within (mq_parcel_far (a), 12000 / a->area_m2, 1e-12);

  g_assert_null (b->details->credit_code);
  g_assert_true (isnan (b->details->tax));
  g_assert_cmphex (b->problems & MQ_PROBLEM_UNREADABLE_STATE, !=, 0);
  g_assert_cmpstr (mq_parcels_get_value (mq_dataset_get_parcels (d), 1,
                                         mq_parcels_find_field (mq_dataset_get_parcels (d), "NSS")),
                   ==, "n/a");
  g_assert_cmpstr (mq_parcels_get_value (mq_dataset_get_parcels (d), 1,
                                         mq_parcels_find_field (mq_dataset_get_parcels (d), "TYDM")),
                   ==, "91350100M000100Y44");
  g_clear_object (&d);
  g_remove (path);
  g_rmdir (dir);
}

/* The summary's totals, counted again by hand: land in mu per class, and
 * the tax and output of the land that has them. */
static void
test_totals (void)
{
  g_autoptr(MqSummary) summary = mq_summary_new (sample, mq_today ());
  MqParcels *parcels = mq_dataset_get_parcels (sample);
  double grade_mu[MQ_N_GRADES] = { 0 }, tax = 0, tax_mu = 0;

  for (guint i = 0; i < mq_parcels_get_n_parcels (parcels); i++)
    {
      const MqParcel *p = mq_parcels_get (parcels, i);
      double mu = p->area_m2 * 15 / 10000;

      if (!p->flagged && p->land_class == MQ_LAND_CLASS_OTHER && p->details->grade == MQ_GRADE_NONE)
        continue;
      grade_mu[p->details->grade] += mu;
      if (!isnan (p->details->tax))
        tax += p->details->tax, tax_mu += mu;
    }
  for (guint g = 0; g < MQ_N_GRADES; g++)
    test_assert_within (summary->performance.grade_mu[g], grade_mu[g], 1e-9);
  g_assert_cmpfloat (grade_mu[MQ_GRADE_D], >, 0);
  test_assert_within (summary->performance.tax, tax, 1e-12);
  test_assert_within (summary->performance.tax_mu, tax_mu, 1e-12);
}

static guint
shown_by (MqFilter *filter)
{
  guint n = 0;

  mq_filter_get_shown (filter, sample, mq_today (), &n);
  return n;
}

/* "D 类" leaves the class D land; "亩均税收 < 10" the land paying less than
 * 10 万元 a mu (land without a tax figure is not "less"); both, both. */
static void
test_chips (void)
{
  g_autoptr(MqFilter) filter = mq_filter_new ();
  MqParcels *parcels = mq_dataset_get_parcels (sample);
  guint d = 0, low = 0, both = 0;

  for (guint i = 0; i < mq_parcels_get_n_parcels (parcels); i++)
    {
      const MqParcel *p = mq_parcels_get (parcels, i);
      gboolean is_d = p->details->grade == MQ_GRADE_D, is_low = mq_parcel_tax_per_mu (p) < 10;

      d += is_d, low += is_low, both += is_d && is_low;
    }
  g_assert_cmpuint (d, >, 0);
  g_object_set (filter, "grade-d", TRUE, NULL);
  g_assert_cmpuint (shown_by (filter), ==, d);
  g_object_set (filter, "grade-d", FALSE, "tax-below", 1, NULL);
  g_assert_cmpuint (shown_by (filter), ==, low);
  g_object_set (filter, "grade-d", TRUE, NULL);
  g_assert_cmpuint (shown_by (filter), ==, both);
  /* Clear clears them too. */
  {
    g_autoptr(MqFilter) cleared = mq_filter_new ();

    g_object_set (cleared, "grade-d", TRUE, "tax-below", 0, NULL);
    g_assert_true (mq_filter_is_active (cleared));
    mq_filter_reset (cleared);
    g_assert_false (mq_filter_is_active (cleared));
  }
  /* A saved view keeps them. */
  {
    g_autofree char *json = mq_filter_to_json (filter);
    g_autoptr(MqFilter) again = mq_filter_new ();

    g_assert_true (mq_filter_set_from_json (again, json, NULL));
    g_assert_cmpuint (shown_by (again), ==, both);
  }
}

static GHashTable *
read_table (const char *path,
            GHashTable **outputs)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  GHashTable *taxes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  *outputs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (text, "\r\n", -1);
  for (guint i = 1; lines[i] != NULL && *lines[i]; i++)
    {
      g_auto(GStrv) cells = g_strsplit (lines[i], ",", -1);
      double tax = g_ascii_strtod (cells[2], NULL), output = g_ascii_strtod (cells[3], NULL);

      g_hash_table_insert (taxes, g_strdup (cells[0]), g_memdup2 (&tax, sizeof tax));
      g_hash_table_insert (*outputs, g_strdup (cells[0]), g_memdup2 (&output, sizeof output));
    }
  return taxes;
}

/* The sample's tax table, keyed by credit code: each enterprise's tax and
 * output reach its parcels, shared by land — they add up to the table's,
 * and every parcel of an enterprise shows its figure per mu. */
static void
test_tax_table (void)
{
  g_autofree char *dir = g_dir_make_tmp ("mq-performance-XXXXXX", NULL);
  g_autofree char *project = test_copy_sample (dir, "项目.gpkg");
  g_autofree char *table = test_sample_file ("maqiao-tax-2026.csv");
  g_autoptr(GHashTable) outputs = NULL;
  g_autoptr(GHashTable) taxes = read_table (table, &outputs);
  g_autoptr(MqDataset) d = test_load (project);
  g_autoptr(MqStore) store = NULL;
  g_autoptr(MqEdit) edit = NULL;
  g_autoptr(MqDataset) after = NULL;
  g_autoptr(GHashTable) summed = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_autoptr(GHashTable) per_mu = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_autoptr(GError) error = NULL;
  MqParcels *parcels;
  GHashTableIter iter;
  gpointer key, value;
  guint several = 0;

  store = mq_store_open (d, &error);
  g_assert_no_error (error);
  edit = mq_csv_read_updates (mq_dataset_get_parcels (d), table, &error);
  g_assert_no_error (error);
  g_assert_true (mq_store_apply (store, edit, &error));
  g_assert_no_error (error);
  g_clear_object (&store);

  after = test_load (project);
  parcels = mq_dataset_get_parcels (after);
  for (guint i = 0; i < mq_parcels_get_n_parcels (parcels); i++)
    {
      const MqParcel *p = mq_parcels_get (parcels, i);
      const char *code = p->details->credit_code;
      double *sum, *first;

      if (code == NULL)
        continue;
      if ((sum = g_hash_table_lookup (summed, code)) == NULL)
        g_hash_table_insert (summed, (gpointer) code, sum = g_new0 (double, 2));
      else
        several++;
      sum[0] += p->details->tax;
      sum[1] += p->details->output;
      if ((first = g_hash_table_lookup (per_mu, code)) == NULL)
        g_hash_table_insert (per_mu, (gpointer) code, g_memdup2 ((double[]) { mq_parcel_tax_per_mu (p) },
                                                                 sizeof (double)));
      else  /* each share is kept to the hundredth of a 万元 */
        test_assert_within (mq_parcel_tax_per_mu (p), *first, 1e-3);
    }
  g_assert_cmpuint (several, >, 0);
  g_assert_cmpuint (g_hash_table_size (summed), ==, g_hash_table_size (taxes));
  g_hash_table_iter_init (&iter, summed);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      test_assert_within (((double *) value)[0], *(double *) g_hash_table_lookup (taxes, key), 1e-4);
      test_assert_within (((double *) value)[1], *(double *) g_hash_table_lookup (outputs, key), 1e-4);
    }
  g_clear_object (&after);
  g_clear_object (&d);
  test_remove_dir (dir);
}

/* A code no parcel has, and one that fails its check: the whole table is
 * refused, each named by its row. */
static void
test_tax_table_refused (void)
{
  g_autofree char *dir = g_dir_make_tmp ("mq-performance-XXXXXX", NULL);
  g_autofree char *table = g_build_filename (dir, "税收.csv", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(MqEdit) edit = NULL;

  g_assert_true (g_file_set_contents (table, "统一社会信用代码,年税收\n"
                                             "91350100M000100Y43,12\n"
                                             "91350100M000100Y44,13\n", -1, NULL));
  edit = mq_csv_read_updates (mq_dataset_get_parcels (sample), table, &error);
  g_assert_null (edit);
  g_assert_error (error, MQ_CSV_ERROR, MQ_CSV_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "税收.csv"));
  g_assert_nonnull (strstr (error->message, "row 2: no parcel has the credit code “91350100M000100Y43”"));
  g_assert_nonnull (strstr (error->message, "row 3:"));
  g_assert_nonnull (strstr (error->message, "check character"));
  g_remove (table);
  g_rmdir (dir);
}

/* The zone of the plan layer holding @x,@y (the parcels' CRS: the same). */
static OGRFeatureH
zone_at (OGRLayerH layer,
         double    x,
         double    y)
{
  OGRGeometryH point = OGR_G_CreateGeometry (wkbPoint);
  OGRFeatureH f, found = NULL;

  OGR_G_SetPoint_2D (point, 0, x, y);
  OGR_L_SetSpatialFilter (layer, point);
  OGR_L_ResetReading (layer);
  while (found == NULL && (f = OGR_L_GetNextFeature (layer)) != NULL)
    {
      if (OGR_G_Contains (OGR_F_GetGeometryRef (f), point))
        found = f;
      else
        OGR_F_Destroy (f);
    }
  OGR_L_SetSpatialFilter (layer, NULL);
  OGR_G_DestroyGeometry (point);
  return found;
}

/* The sample's 控规: every parcel takes the use and ratio of the plan zone
 * it lies in (found again here with OGR, point in polygon). */
static void
test_planning (void)
{
  g_autofree char *plan = test_sample_file ("maqiao-kongui.gpkg");
  GDALDatasetH ds = GDALOpenEx (plan, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
  OGRLayerH layer = GDALDatasetGetLayer (ds, 0);
  MqParcels *parcels = mq_dataset_get_parcels (sample);
  const MqShapes *shapes = mq_parcels_get_shapes (parcels);
  g_auto(MqPlanningResult) result = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(MqEdit) edit = mq_planning_read (parcels, mq_dataset_get_display_wkt (sample), plan,
                                             &result, &error);
  g_autoptr(GHashTable) use = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  g_autoptr(GHashTable) far = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  guint checked = 0;

  g_assert_no_error (error);
  g_assert_cmpuint (result.straddling->len, ==, 0);
  g_assert_cmpuint (result.n_filled, ==, mq_parcels_get_n_parcels (parcels));
  for (guint k = 0; k < mq_edit_get_n_changes (edit); k++)
    {
      const MqChange *c = mq_edit_get_change (edit, k);

      g_hash_table_insert (c->field == MQ_FIELD_PLANNED_USE ? use : far, GUINT_TO_POINTER (c->parcel),
                           g_strdup (c->value));
    }
  for (guint i = 0; i < mq_parcels_get_n_parcels (parcels); i += 7)
    {
      OGRGeometryH g = mq_shapes_dup_polygons (shapes, i);
      OGRGeometryH inside = OGR_G_PointOnSurface (g);
      OGRFeatureH zone = zone_at (layer, OGR_G_GetX (inside, 0), OGR_G_GetY (inside, 0));
      g_autofree char *ratio = NULL;

      g_assert_nonnull (zone);
      g_assert_cmpstr (g_hash_table_lookup (use, GUINT_TO_POINTER (i)), ==,
                       OGR_F_GetFieldAsString (zone, OGR_F_GetFieldIndex (zone, "YDXZ")));
      ratio = mq_figure_format (OGR_F_GetFieldAsDouble (zone, OGR_F_GetFieldIndex (zone, "RJL")));
      g_assert_cmpstr (g_hash_table_lookup (far, GUINT_TO_POINTER (i)), ==, ratio);
      checked++;
      OGR_F_Destroy (zone);
      OGR_G_DestroyGeometry (inside);
      OGR_G_DestroyGeometry (g);
    }
  g_assert_cmpuint (checked, >, 150);
  GDALClose (ds);
}

static void
write_zone (OGRLayerH   layer,
            double      x0,
            double      y0,
            double      x1,
            double      y1,
            const char *use)
{
  OGRFeatureH f = OGR_F_Create (OGR_L_GetLayerDefn (layer));
  OGRGeometryH ring = OGR_G_CreateGeometry (wkbLinearRing);
  OGRGeometryH polygon = OGR_G_CreateGeometry (wkbPolygon);

  OGR_G_AddPoint_2D (ring, x0, y0);
  OGR_G_AddPoint_2D (ring, x1, y0);
  OGR_G_AddPoint_2D (ring, x1, y1);
  OGR_G_AddPoint_2D (ring, x0, y1);
  OGR_G_AddPoint_2D (ring, x0, y0);
  OGR_G_AddGeometryDirectly (polygon, ring);
  /* A layer without the plan's columns gets none. */
  if (OGR_FD_GetFieldCount (OGR_L_GetLayerDefn (layer)) == 2)
    {
      OGR_F_SetFieldString (f, 0, use);
      OGR_F_SetFieldDouble (f, 1, 2.5);
    }
  OGR_F_SetGeometryDirectly (f, polygon);
  g_assert_cmpint (OGR_L_CreateFeature (layer, f), ==, OGRERR_NONE);
  OGR_F_Destroy (f);
}

/* A parcel cut in three by plan zones (none covering half of it) is named
 * and left as it was; a layer with neither a use nor a ratio is refused. */
static void
test_planning_straddling (void)
{
  g_autofree char *dir = g_dir_make_tmp ("mq-performance-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "控规.gpkg", NULL);
  g_autofree char *bare = g_build_filename (dir, "bare.gpkg", NULL);
  MqParcels *parcels = mq_dataset_get_parcels (sample);
  const MqParcel *p = mq_parcels_get (parcels, first_with_tax (parcels));
  guint index = first_with_tax (parcels);
  MqBox b = mq_shapes_get_bbox (mq_parcels_get_shapes (parcels), index);
  double third = (b.max_x - b.min_x) / 3;
  OGRSpatialReferenceH srs = OSRNewSpatialReference (mq_dataset_get_display_wkt (sample));
  GDALDatasetH ds = GDALCreate (GDALGetDriverByName ("GPKG"), path, 0, 0, 0, GDT_Unknown, NULL);
  OGRLayerH layer = GDALDatasetCreateLayer (ds, "plan", srs, wkbPolygon, NULL);
  OGRFieldDefnH use = OGR_Fld_Create ("用地性质", OFTString), ratio = OGR_Fld_Create ("容积率", OFTReal);
  g_auto(MqPlanningResult) result = { 0 };
  g_auto(MqPlanningResult) none = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(MqEdit) edit = NULL, refused = NULL;

  OGR_L_CreateField (layer, use, TRUE);
  OGR_L_CreateField (layer, ratio, TRUE);
  for (guint k = 0; k < 3; k++)
    write_zone (layer, b.min_x - 1 + k * (third + 1), b.min_y - 1, b.min_x + (k + 1) * third,
                b.max_y + 1, k == 1 ? "工业用地（M1）" : "公共绿地（G1）");
  GDALClose (ds);
  edit = mq_planning_read (parcels, mq_dataset_get_display_wkt (sample), path, &result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result.n_zones, ==, 3);
  g_assert_true (g_ptr_array_find_with_equal_func (result.straddling, p->id, g_str_equal, NULL));
  for (guint k = 0; k < mq_edit_get_n_changes (edit); k++)
    g_assert_cmpuint (mq_edit_get_change (edit, k)->parcel, !=, index);

  ds = GDALCreate (GDALGetDriverByName ("GPKG"), bare, 0, 0, 0, GDT_Unknown, NULL);
  layer = GDALDatasetCreateLayer (ds, "plan", srs, wkbPolygon, NULL);
  write_zone (layer, b.min_x, b.min_y, b.max_x, b.max_y, "x");
  GDALClose (ds);
  refused = mq_planning_read (parcels, mq_dataset_get_display_wkt (sample), bare, &none, &error);
  g_assert_null (refused);
  g_assert_error (error, MQ_PLANNING_ERROR, MQ_PLANNING_ERROR_NO_VALUES);
  g_assert_nonnull (strstr (error->message, "bare.gpkg"));
  OGR_Fld_Destroy (use);
  OGR_Fld_Destroy (ratio);
  OSRDestroySpatialReference (srs);
  test_remove_dir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *path = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  mq_core_init ();
  path = test_sample_file ("maqiao.gpkg");
  sample = test_load (path);
  g_test_add_func ("/performance/figures-by-hand", test_figures_by_hand);
  g_test_add_func ("/performance/entered-values", test_entered_values);
  g_test_add_func ("/performance/survey-aliases", test_survey_aliases);
  g_test_add_func ("/performance/totals", test_totals);
  g_test_add_func ("/performance/chips", test_chips);
  g_test_add_func ("/performance/tax-table", test_tax_table);
  g_test_add_func ("/performance/tax-table-refused", test_tax_table_refused);
  g_test_add_func ("/performance/planning", test_planning);
  g_test_add_func ("/performance/planning-straddling", test_planning_straddling);
  status = g_test_run ();
  g_clear_object (&sample);
  return status;
}

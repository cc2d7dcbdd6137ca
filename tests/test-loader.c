/* test-loader.c — opening real survey data: formats, encodings, CRS, areas,
 * geometry problems, damaged files, import and CSV, on the generated corpus.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <ogr_srs_api.h>
#include <string.h>

#include "corpus/corpus-cases.h"
#include "mq-core.h"
#include "test-util.h"

static MqDataset *
load_ok (const char          *name,
         const MqLoadOptions *options)
{
  g_autofree char *path = test_corpus_file (name);
  g_autoptr(GError) error = NULL;
  MqDataset *dataset = mq_dataset_load (path, options, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (dataset);
  return dataset;
}

/* Loading fails with the code, and the message names the file. */
static char *
load_fails (const char          *name,
            const MqLoadOptions *options,
            int                  code)
{
  g_autofree char *path = test_corpus_file (name);
  g_autoptr(GError) error = NULL;
  MqDataset *dataset = mq_dataset_load (path, options, NULL, &error);

  g_assert_null (dataset);
  g_assert_error (error, MQ_DATASET_ERROR, code);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_null (strchr (error->message, '\n'));
  return g_strdup (error->message);
}

static double
total_area (MqDataset *dataset)
{
  MqParcels *parcels = mq_dataset_get_parcels (dataset);
  double sum = 0;

  for (guint i = 0; i < mq_parcels_get_n_parcels (parcels); i++)
    sum += mq_parcels_get (parcels, i)->area_m2;
  return sum;
}

/* The five corpus rectangles, measured by PROJ alone. */
static double
expected_rect_area (guint n)
{
  double sum = 0;

  for (guint i = 0; i < n; i++)
    sum += test_proj_ring_area (corpus_rect_xy[i % G_N_ELEMENTS (corpus_rect_xy)], 5, "EPSG:4549");
  return sum;
}

static const MqParcel *
find (MqDataset  *dataset,
      const char *id)
{
  MqParcels *parcels = mq_dataset_get_parcels (dataset);

  for (guint i = 0; i < mq_parcels_get_n_parcels (parcels); i++)
    if (g_strcmp0 (mq_parcels_get (parcels, i)->id, id) == 0)
      return mq_parcels_get (parcels, i);
  g_error ("no parcel %s", id);
}

/* ---- formats ---------------------------------------------------------------- */

static void
check_format (const char *name,
              const char *crs)
{
  MqLoadOptions options = { .crs = crs };
  g_autoptr(MqDataset) d = load_ok (name, &options);
  MqParcels *parcels = mq_dataset_get_parcels (d);

  g_assert_cmpuint (mq_parcels_get_n_parcels (parcels), ==, 5);
  test_assert_within (total_area (d), expected_rect_area (5), 1e-4);
  g_assert_cmpstr (mq_parcels_get (parcels, 0)->owner, ==, corpus_names[0]);
  g_assert_cmpstr (mq_parcels_get (parcels, 2)->owner, ==, corpus_names[2]);
}

static void
test_formats (void)
{
  check_format ("parcels.gpkg", NULL);
  check_format ("parcels.geojson", NULL);
  check_format ("parcels.gml", NULL);
  check_format ("parcels.kml", NULL);
  check_format ("parcels-shp.zip", NULL);
  check_format ("folder", NULL);
  check_format ("parcels-wkt.csv", "EPSG:4549");
}

static void
test_csv_needs_crs (void)
{
  g_autofree char *message = load_fails ("parcels-wkt.csv", NULL, MQ_DATASET_ERROR_NO_CRS);

  g_assert_nonnull (strstr (message, "EPSG:4549"));
}

static void
test_layer_choice (void)
{
  MqLoadOptions b = { .layer = "b_parcels" };
  MqLoadOptions nope = { .layer = "nope" };
  g_autoptr(MqDataset) first = load_ok ("multi.gpkg", NULL);
  g_autoptr(MqDataset) second = load_ok ("multi.gpkg", &b);
  g_autofree char *message = NULL;

  /* The first polygon layer, not the line layer before it; and it is said. */
  g_assert_cmpstr (mq_dataset_get_layer_name (first), ==, "a_parcels");
  g_assert_cmpuint (mq_parcels_get_n_parcels (mq_dataset_get_parcels (first)), ==, 3);
  g_assert_cmpuint (mq_parcels_get_n_parcels (mq_dataset_get_parcels (second)), ==, 4);
  message = load_fails ("multi.gpkg", &nope, MQ_DATASET_ERROR_NO_LAYER);
}

/* ---- encodings ---------------------------------------------------------------- */

static void
check_encoding (const char       *name,
                const char       *encoding,
                MqEncodingSource  source)
{
  g_autoptr(MqDataset) d = load_ok (name, NULL);
  MqParcels *parcels = mq_dataset_get_parcels (d);

  g_assert_cmpstr (mq_dataset_get_encoding (d), ==, encoding);
  g_assert_cmpint (mq_dataset_get_encoding_source (d), ==, source);
  g_assert_cmpuint (mq_dataset_get_n_lossy_values (d), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (corpus_names); i++)
    g_assert_cmpstr (mq_parcels_get (parcels, i)->owner, ==, corpus_names[i]);
}

static void
test_encodings (void)
{
  check_encoding ("enc-utf8-cpg.shp", "UTF-8", MQ_ENCODING_SOURCE_CPG);
  check_encoding ("enc-gbk-cpg.shp", "GB18030", MQ_ENCODING_SOURCE_CPG);
  check_encoding ("enc-gbk-ldid.shp", "GB18030", MQ_ENCODING_SOURCE_LDID);
  /* 堃/喆 outside GB2312 decode; "一亩" (valid UTF-8 bytes on its own) too,
   * because the decision is the file's, not the value's. */
  check_encoding ("enc-gbk-detect.shp", "GB18030", MQ_ENCODING_SOURCE_DETECTED);
  check_encoding ("enc-utf8-detect.shp", "UTF-8", MQ_ENCODING_SOURCE_DETECTED);
}

static void
test_encoding_override (void)
{
  MqLoadOptions gbk = { .encoding = "GBK" };
  MqLoadOptions wrong = { .encoding = "UTF-8" };
  MqLoadOptions bogus = { .encoding = "NO-SUCH-CODEPAGE" };
  g_autoptr(MqDataset) right = load_ok ("enc-gbk-detect.shp", &gbk);
  g_autoptr(MqDataset) mojibake = load_ok ("enc-gbk-detect.shp", &wrong);
  g_autofree char *message = NULL;

  g_assert_cmpint (mq_dataset_get_encoding_source (right), ==, MQ_ENCODING_SOURCE_USER);
  g_assert_cmpstr (mq_parcels_get (mq_dataset_get_parcels (right), 0)->owner, ==, corpus_names[0]);
  /* The user's word is taken, and what could not be decoded is counted. */
  g_assert_cmpuint (mq_dataset_get_n_lossy_values (mojibake), >, 0);
  g_assert_true (g_utf8_validate (mq_parcels_get (mq_dataset_get_parcels (mojibake), 0)->owner, -1, NULL));
  message = load_fails ("enc-gbk-detect.shp", &bogus, MQ_DATASET_ERROR_BAD_ENCODING);
}

static void
check_truncated (const char *name,
                 guint       n_kept)
{
  g_autoptr(MqDataset) d = load_ok (name, NULL);
  const MqParcel *p = mq_parcels_get (mq_dataset_get_parcels (d), 0);
  g_autoptr(GString) expected = g_string_new ("A");

  for (guint i = 0; i < n_kept; i++)
    g_string_append (expected, "堃");
  /* Cut at 254 bytes mid-character: what precedes the cut, valid, and said. */
  g_assert_cmpstr (p->owner, ==, expected->str);
  g_assert_cmpuint (mq_dataset_get_n_lossy_values (d), ==, 1);
  g_assert_true (p->problems & MQ_PROBLEM_TRUNCATED_TEXT);
}

static void
test_truncated_text (void)
{
  check_truncated ("enc-truncated-gbk.shp", 126);   /* 1 + 126 × 2 = 253 bytes */
  check_truncated ("enc-truncated-utf8.shp", 84);   /* 1 + 84 × 3 = 253 bytes */
}

/* ---- CRS ---------------------------------------------------------------------- */

static void
check_crs (const char *name,
           const char *user_crs,
           const char *label,
           double      tolerance)
{
  MqLoadOptions options = { .crs = user_crs };
  g_autoptr(MqDataset) d = load_ok (name, &options);
  OGRSpatialReferenceH display = OSRNewSpatialReference (mq_dataset_get_display_wkt (d));

  if (label != NULL)
    g_assert_cmpstr (mq_dataset_get_crs_label (d), ==, label);
  test_assert_within (total_area (d), expected_rect_area (5), tolerance);
  /* A geographic source is shown in the Gauss-Krüger zone of its centre. */
  if (OSRIsGeographic (display))
    g_error ("%s is displayed in a geographic CRS", name);
  OSRDestroySpatialReference (display);
}

static void
test_crs_families (void)
{
  check_crs ("crs-4490.shp", NULL, "EPSG:4490", 1e-6);
  check_crs ("crs-xian80.shp", NULL, "EPSG:2385", 1e-4);
  check_crs ("crs-beijing54.shp", NULL, "EPSG:2437", 1e-4);
  check_crs ("crs-utm51.shp", NULL, "EPSG:32651", 1e-6);
  check_crs ("crs-no-prj.shp", "EPSG:4549", "EPSG:4549", 1e-9);
  check_crs ("crs-zone40.shp", "EPSG:4528", "EPSG:4528", 1e-9);
}

static void
test_crs_never_guessed (void)
{
  g_autofree char *plain = load_fails ("crs-no-prj.shp", NULL, MQ_DATASET_ERROR_NO_CRS);
  g_autofree char *zone40 = load_fails ("crs-zone40.shp", NULL, MQ_DATASET_ERROR_NO_CRS);

  g_assert_nonnull (strstr (plain, "EPSG:4549"));
  g_assert_nonnull (strstr (zone40, "EPSG:4528"));
}

static void
test_crs_user_definition (void)
{
  g_autofree char *definition = test_corpus_file ("crs-local.proj4");
  MqLoadOptions options = { .crs = definition };
  g_autoptr(MqDataset) d = load_ok ("crs-local.shp", &options);

  g_assert_nonnull (strstr (mq_dataset_get_crs_label (d), "+proj=tmerc"));
  test_assert_within (total_area (d), expected_rect_area (5), 1e-3);
}

static void
test_crs_suggest (void)
{
  MqBox gk = { 627000, 3431000, 629000, 3433000 };
  MqBox zone40 = { 40627000, 3431000, 40629000, 3433000 };
  MqBox degrees = { 121.3, 31.0, 121.4, 31.1 };
  g_autoptr(GArray) a = mq_crs_suggest (&gk);
  g_autoptr(GArray) b = mq_crs_suggest (&zone40);
  g_autoptr(GArray) c = mq_crs_suggest (&degrees);

  g_assert_cmpint (g_array_index (a, int, 0), ==, 4549);
  g_assert_cmpint (g_array_index (b, int, 0), ==, 4528);
  g_assert_cmpint (g_array_index (c, int, 0), ==, 4490);
}

/* ---- geometry problems -------------------------------------------------------- */

static void
test_geometry_problems (void)
{
  g_autoptr(MqDataset) d = load_ok ("geometry.shp", NULL);
  MqBox extent;

  g_assert_cmpuint (mq_parcels_get_n_parcels (mq_dataset_get_parcels (d)), ==,
                    G_N_ELEMENTS (geometry_cases));
  for (guint i = 0; i < G_N_ELEMENTS (geometry_cases); i++)
    {
      const GeometryCase *c = &geometry_cases[i];
      const MqParcel *p = find (d, c->id);

      if (p->problems != c->problems)
        g_error ("%s: problems 0x%x, expected 0x%x", c->id, p->problems, c->problems);
    }
  g_assert_cmpuint (mq_dataset_get_n_problem_parcels (d), ==, 9);
  /* The map's extent ignores the parcel at 1e12. */
  mq_dataset_get_extent (d, &extent);
  g_assert_cmpfloat (extent.max_x, <, 1e7);
  g_assert_cmpfloat (extent.min_x, >, 6e5);
}

static void
test_geometry_areas (void)
{
  g_autoptr(MqDataset) d = load_ok ("geometry.shp", NULL);
  double outer = test_proj_ring_area (geom_with_hole, 5, "EPSG:4549");
  double hole = test_proj_ring_area (geom_with_hole + 10, 5, "EPSG:4549");
  double square[10];

  /* Holes are subtracted. */
  test_assert_within (find (d, "G07-with-hole")->area_m2, outer - hole, 1e-9);
  /* An unclosed ring is measured as closed. */
  memcpy (square, geom_unclosed, sizeof geom_unclosed);
  square[8] = geom_unclosed[0], square[9] = geom_unclosed[1];
  test_assert_within (find (d, "G02-unclosed")->area_m2, test_proj_ring_area (square, 5, "EPSG:4549"), 1e-9);
  /* A bow-tie is measured after make-valid: its two triangles, 2 × 2,500 m². */
  test_assert_within (find (d, "G01-bowtie")->area_m2, 5000, 2e-3);
  g_assert_cmpfloat (find (d, "G08-nan")->area_m2, ==, 0);
  test_assert_within (find (d, "G11-good")->area_m2, expected_rect_area (1), 1e-9);
}

static void
test_survey_area_mismatch (void)
{
  g_autofree char *sample = g_build_filename (g_getenv ("MQ_SAMPLE_DIR"), "maqiao-survey.shp", NULL);
  g_autoptr(MqDataset) d = mq_dataset_load (sample, NULL, NULL, NULL);
  MqParcels *parcels = mq_dataset_get_parcels (d);
  guint flagged = 0;

  for (guint i = 0; i < mq_parcels_get_n_parcels (parcels); i++)
    {
      const MqParcel *p = mq_parcels_get (parcels, i);
      gboolean off = fabs (p->area_m2 - p->survey_area_m2) > 0.005 * p->survey_area_m2;

      g_assert_cmpint (off, ==, (p->problems & MQ_PROBLEM_SURVEY_AREA) != 0);
      flagged += off;
    }
  g_assert_cmpuint (flagged, >, 0);
}

/* ---- damaged files ------------------------------------------------------------ */

static void
test_damaged_refused (void)
{
  static const struct { const char *name; int code; } cases[] = {
    { "dmg-truncated.shp", MQ_DATASET_ERROR_PARTIAL },
    { "dmg-short-dbf.shp", MQ_DATASET_ERROR_PARTIAL },
    { "dmg-no-shx.shp", MQ_DATASET_ERROR_MISSING_PART },
    { "dmg-no-dbf.shp", MQ_DATASET_ERROR_MISSING_PART },
    { "dmg-zero.shp", MQ_DATASET_ERROR_OPEN_FAILED },
    { "dmg-zero.gpkg", MQ_DATASET_ERROR_OPEN_FAILED },
    { "dmg-random.gpkg", MQ_DATASET_ERROR_OPEN_FAILED },
    { "dmg-truncated.gpkg", MQ_DATASET_ERROR_OPEN_FAILED },
    { "dmg-syntax.geojson", MQ_DATASET_ERROR_OPEN_FAILED },
    { "dmg-random.shp", MQ_DATASET_ERROR_MISSING_PART },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_free (load_fails (cases[i].name, NULL, cases[i].code));
}

static void
test_damaged_partial (void)
{
  MqLoadOptions partial = { .allow_partial = TRUE };
  g_autofree char *message = load_fails ("dmg-truncated.shp", NULL, MQ_DATASET_ERROR_PARTIAL);
  g_autoptr(MqDataset) truncated = load_ok ("dmg-truncated.shp", &partial);
  g_autoptr(MqDataset) short_dbf = load_ok ("dmg-short-dbf.shp", &partial);
  guint read = mq_parcels_get_n_parcels (mq_dataset_get_parcels (truncated));

  /* Told how many were lost, and the count adds up. */
  g_assert_cmpuint (read + mq_dataset_get_n_lost_records (truncated), ==, 20);
  g_assert_cmpuint (mq_dataset_get_n_lost_records (truncated), >, 0);
  g_assert_nonnull (strstr (message, "20"));
  g_assert_cmpuint (mq_parcels_get_n_parcels (mq_dataset_get_parcels (short_dbf)), ==, 12);
  g_assert_cmpuint (mq_dataset_get_n_lost_records (short_dbf), ==, 8);
}

static void
test_lying_headers (void)
{
  g_autoptr(MqDataset) dbf = load_ok ("dmg-lying-dbf.shp", NULL);
  g_autoptr(MqDataset) shp = load_ok ("dmg-lying-shp.shp", NULL);
  GPtrArray *w = mq_dataset_get_warnings (dbf);

  g_assert_cmpuint (mq_parcels_get_n_parcels (mq_dataset_get_parcels (dbf)), ==, 20);
  g_assert_cmpuint (w->len, >=, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (w, 0), "50"));
  g_assert_cmpuint (mq_dataset_get_warnings (shp)->len, >=, 1);
}

/* ---- import and CSV ----------------------------------------------------------- */

static char *tmp_dir;   /* removed, with what is in it, at the end */

static char *
tmp_path (const char *name)
{
  if (tmp_dir == NULL)
    tmp_dir = g_dir_make_tmp ("mq-loader-XXXXXX", NULL);
  return g_build_filename (tmp_dir, name, NULL);
}

static void
test_import_round_trip (void)
{
  g_autofree char *source = g_build_filename (g_getenv ("MQ_SAMPLE_DIR"), "maqiao-survey.shp", NULL);
  g_autofree char *out = tmp_path ("survey.gpkg");
  g_autoptr(GError) error = NULL;
  g_autoptr(MqDataset) imported = mq_import (source, NULL, out, NULL, &error);
  g_autoptr(MqDataset) reopened = NULL;
  MqParcels *a, *b;
  const char * const *names;
  int qsdwmc = -1;

  g_assert_no_error (error);
  reopened = mq_dataset_load (out, NULL, NULL, &error);
  g_assert_no_error (error);
  a = mq_dataset_get_parcels (imported);
  b = mq_dataset_get_parcels (reopened);
  g_assert_cmpuint (mq_parcels_get_n_parcels (a), ==, mq_parcels_get_n_parcels (b));
  names = mq_parcels_get_field_names (b);
  for (int i = 0; names[i] != NULL; i++)
    if (g_str_equal (names[i], "QSDWMC"))
      qsdwmc = i;
  g_assert_cmpint (qsdwmc, >=, 0);
  for (guint i = 0; i < mq_parcels_get_n_parcels (a); i++)
    {
      const MqParcel *pa = mq_parcels_get (a, i), *pb = mq_parcels_get (b, i);

      g_assert_cmpstr (pa->id, ==, pb->id);
      g_assert_cmpstr (pa->owner, ==, pb->owner);
      g_assert_cmpint (pa->land_class, ==, pb->land_class);
      test_assert_within (pb->area_m2, pa->area_m2, 1e-9);
      /* Source attributes are kept, decoded, under their own names. */
      g_assert_cmpstr (mq_parcels_get_value (b, i, qsdwmc), ==, pa->owner);
    }
  g_assert_cmpstr (mq_dataset_get_encoding (reopened), ==, "UTF-8");
}

static void
test_import_refuses (void)
{
  g_autofree char *damaged = test_corpus_file ("dmg-truncated.shp");
  g_autofree char *out = tmp_path ("damaged.gpkg");
  g_autofree char *part = g_strconcat (out, ".part.gpkg", NULL);
  g_autofree char *existing = tmp_path ("existing.gpkg");
  g_autofree char *good = test_corpus_file ("parcels.gpkg");
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) error2 = NULL;
  g_autofree char *kept = NULL;

  /* A damaged source leaves nothing behind, not even the partial file. */
  g_assert_null (mq_import (damaged, NULL, out, NULL, &error));
  g_assert_error (error, MQ_DATASET_ERROR, MQ_DATASET_ERROR_PARTIAL);
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));
  /* An existing file is never replaced. */
  g_assert_true (g_file_set_contents (existing, "keep me", -1, NULL));
  g_assert_null (mq_import (good, NULL, existing, NULL, &error2));
  g_assert_error (error2, MQ_PROJECT_FILE_ERROR, MQ_PROJECT_FILE_ERROR_EXISTS);
  g_assert_true (g_file_get_contents (existing, &kept, NULL, NULL));
  g_assert_cmpstr (kept, ==, "keep me");
}

static GPtrArray *
csv_lines (const char *path)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_true (g_str_has_prefix (text, "\xEF\xBB\xBF"));
  lines = g_strsplit (text + 3, "\r\n", -1);
  for (guint i = 0; lines[i] != NULL && *lines[i] != '\0'; i++)
    g_ptr_array_add (out, g_strdup (lines[i]));
  return out;
}

static void
test_csv_export (void)
{
  static const char *const header =
    "parcel_id,owner,land_use_code,land_use_name,area_m2,area_mu,survey_area_m2,flagged,method,"
    "lock_parcel,lock_project,lock_deadline,lock_owner,project,deadline,stage,responsible_entity,"
    "contact,phone,lock_parcel_date,lock_project_date,lock_deadline_date,lock_owner_date,problems";
  g_autofree char *gpkg = g_build_filename (g_getenv ("MQ_SAMPLE_DIR"), "maqiao.gpkg", NULL);
  g_autofree char *out = tmp_path ("parcels.csv");
  g_autofree char *out_zh = tmp_path ("parcels-zh.csv");
  g_autoptr(MqDataset) d = mq_dataset_load (gpkg, NULL, NULL, NULL);
  g_autoptr(GPtrArray) lines = NULL, zh = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MqSummary) summary = mq_summary_new (d, mq_today ());
  guint flagged = 0;

  g_assert_true (mq_csv_export (d, out, FALSE, &error));
  g_assert_true (mq_csv_export (d, out_zh, TRUE, &error));
  lines = csv_lines (out);
  zh = csv_lines (out_zh);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (lines, 0), header));
  g_assert_true (g_str_has_prefix (g_ptr_array_index (zh, 0), "地块编号,权属单位,地类编码,地类名称"));
  g_assert_cmpuint (lines->len, ==, mq_parcels_get_n_parcels (mq_dataset_get_parcels (d)) + 1);
  for (guint i = 1; i < lines->len; i++)
    {
      g_auto(GStrv) cells = g_strsplit (g_ptr_array_index (lines, i), ",", -1);
      const MqParcel *p = mq_parcels_get (mq_dataset_get_parcels (d), i - 1);

      /* No cell of the sample needs quoting: the split is exact. */
      g_assert_cmpstr (cells[0], ==, p->id);
      test_assert_within (g_ascii_strtod (cells[5], NULL), g_ascii_strtod (cells[4], NULL) * 15 / 10000, 1e-5);
      g_assert_true (g_str_equal (cells[7], "0") || g_str_equal (cells[7], "1"));
      flagged += g_str_equal (cells[7], "1");
      if (*cells[14] != '\0')
        g_assert_true (g_regex_match_simple ("^\\d{4}-\\d{2}-\\d{2}$", cells[14], 0, 0));
    }
  g_assert_cmpuint (flagged, ==, summary->flagged_parcels);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  mq_core_init ();

  g_test_add_func ("/loader/formats", test_formats);
  g_test_add_func ("/loader/csv-needs-crs", test_csv_needs_crs);
  g_test_add_func ("/loader/layer-choice", test_layer_choice);
  g_test_add_func ("/loader/encodings", test_encodings);
  g_test_add_func ("/loader/encoding-override", test_encoding_override);
  g_test_add_func ("/loader/truncated-text", test_truncated_text);
  g_test_add_func ("/loader/crs-families", test_crs_families);
  g_test_add_func ("/loader/crs-never-guessed", test_crs_never_guessed);
  g_test_add_func ("/loader/crs-user-definition", test_crs_user_definition);
  g_test_add_func ("/loader/crs-suggest", test_crs_suggest);
  g_test_add_func ("/loader/geometry-problems", test_geometry_problems);
  g_test_add_func ("/loader/geometry-areas", test_geometry_areas);
  g_test_add_func ("/loader/survey-area-mismatch", test_survey_area_mismatch);
  g_test_add_func ("/loader/damaged-refused", test_damaged_refused);
  g_test_add_func ("/loader/damaged-partial", test_damaged_partial);
  g_test_add_func ("/loader/lying-headers", test_lying_headers);
  g_test_add_func ("/loader/import-round-trip", test_import_round_trip);
  g_test_add_func ("/loader/import-refuses", test_import_refuses);
  g_test_add_func ("/loader/csv-export", test_csv_export);
  status = g_test_run ();
  if (tmp_dir != NULL)
    test_remove_dir (tmp_dir);
  g_free (tmp_dir);
  return status;
}

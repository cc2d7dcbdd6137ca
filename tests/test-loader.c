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
#include "mq-field-text.h"
#include "mq-text-arena.h"
#include "test-util.h"

/* Areas against the independent geodesic measure (tests/test-util.c): the
 * loader takes each parcel's plane area times the areal scale at its
 * centroid (core/mq-area.c), which differs from a vertex-by-vertex geodesic
 * by the shape of the edges, below 1e-7 for parcels under a kilometre. */
#define AREA_TOLERANCE 1e-6

static char *tmp_dir;   /* removed, with what is in it, at the end */

static char *
tmp_path (const char *name)
{
  if (tmp_dir == NULL)
    tmp_dir = g_dir_make_tmp ("mq-loader-XXXXXX", NULL);
  return g_build_filename (tmp_dir, name, NULL);
}

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
  /* Parcels in a geometry field after the first (a point field). */
  check_format ("second-geometry.sqlite", NULL);
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

/* A layer of mixed type is judged by its features, not its first one:
 * polygons load, points and lines are left out and counted. */
static void
check_mixed (const char *name,
             const char *crs,
             guint       n_parcels,
             guint       n_skipped)
{
  MqLoadOptions options = { .crs = crs };
  g_autoptr(MqDataset) d = load_ok (name, &options);
  MqParcels *parcels = mq_dataset_get_parcels (d);
  GPtrArray *w = mq_dataset_get_warnings (d);
  g_autofree char *count = g_strdup_printf ("%u", n_skipped);

  g_assert_cmpuint (mq_parcels_get_n_parcels (parcels), ==, n_parcels);
  g_assert_cmpuint (mq_dataset_get_n_lost_records (d), ==, 0);
  g_assert_cmpuint (mq_dataset_get_n_problem_parcels (d), ==, 0);
  for (guint i = 0; i < n_parcels; i++)
    g_assert_cmpfloat (mq_parcels_get (parcels, i)->area_m2, >, 0);
  g_assert_cmpuint (w->len, ==, 1);
  g_assert_true (g_str_has_suffix (g_ptr_array_index (w, 0), count));
}

static void
test_mixed_layers (void)
{
  check_mixed ("mixed-point-first.geojson", NULL, 3, 2);
  check_mixed ("mixed-polygon-first.geojson", NULL, 2, 2);
  check_mixed ("mixed-wkt.csv", "EPSG:4549", 5, 1);
  /* A collection's polygons are the parcel; one of a point and a line is not. */
  check_mixed ("mixed-collections.geojson", NULL, 2, 1);
}

/* Polygons where the declared type says otherwise: a shapefile header that
 * says points, a layer of collections only. Solids are refused as what
 * they are, not as "no polygons". */
static void
test_undeclared_polygons (void)
{
  MqLoadOptions crs = { .crs = "EPSG:4549" };
  g_autoptr(MqDataset) points = load_ok ("mixed-header-points.shp", NULL);
  g_autoptr(MqDataset) collections = load_ok ("collections-only.geojson", NULL);
  g_autofree char *solids = load_fails ("solids.csv", &crs, MQ_DATASET_ERROR_NO_POLYGONS);

  g_assert_cmpuint (mq_parcels_get_n_parcels (mq_dataset_get_parcels (points)), ==,
                    G_N_ELEMENTS (corpus_rect_xy));
  g_assert_cmpfloat (mq_parcels_get (mq_dataset_get_parcels (points), 0)->area_m2, >, 0);
  g_assert_cmpuint (mq_parcels_get_n_parcels (mq_dataset_get_parcels (collections)), ==, 2);
  g_assert_nonnull (strstr (solids, "3-D"));
  g_assert_null (strchr (solids, '\n'));
}

/* A CRS that places nothing on the earth is a missing one, with the usual
 * hint; never "(null)". */
static void
test_crs_undefined (void)
{
  g_autofree char *gpkg = load_fails ("crs-undefined.gpkg", NULL, MQ_DATASET_ERROR_NO_CRS);
  g_autofree char *nonearth = load_fails ("crs-nonearth.shp", NULL, MQ_DATASET_ERROR_NO_CRS);

  g_assert_nonnull (strstr (gpkg, "--crs"));
  g_assert_nonnull (strstr (gpkg, "EPSG:4549"));
  g_assert_nonnull (strstr (nonearth, "NonEarth"));
  g_assert_null (strstr (gpkg, "(null)"));
}

/* An absurd feature's 1e12 longitude never chooses the display CRS. */
static void
test_absurd_centre (void)
{
  g_autoptr(MqDataset) d = load_ok ("absurd-centre.geojson", NULL);
  OGRSpatialReferenceH display = OSRNewSpatialReference (mq_dataset_get_display_wkt (d));

  g_assert_cmpstr (OSRGetAuthorityCode (display, NULL), ==, "4549");
  g_assert_cmpuint (mq_dataset_get_problem_count (d, MQ_PROBLEM_BAD_COORDINATE), ==, 1);
  OSRDestroySpatialReference (display);
}

/* Opening a GML without its schema leaves nothing beside it (no .gfs). */
static void
test_open_writes_nothing (void)
{
  g_autofree char *source = test_corpus_file ("parcels.gml");
  g_autofree char *dir = g_dir_make_tmp ("mq-gml-XXXXXX", NULL);
  g_autofree char *copy = g_build_filename (dir, "survey.gml", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MqDataset) d = NULL;
  g_autoptr(GDir) listing = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (source, &text, &len, NULL));
  g_assert_true (g_file_set_contents (copy, text, len, NULL));
  d = mq_dataset_load (copy, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (mq_parcels_get_n_parcels (mq_dataset_get_parcels (d)), ==, 5);
  listing = g_dir_open (dir, 0, NULL);
  g_assert_cmpstr (g_dir_read_name (listing), ==, "survey.gml");
  g_assert_null (g_dir_read_name (listing));
  test_remove_dir (dir);
}

/* A GML whose areas are topology (faces of shared edges) is refused as
 * what it is, in one line. */
static void
test_gml_topology (void)
{
  static const char gml[] =
    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
    "<ogr:FeatureCollection xmlns:ogr=\"http://ogr.maptools.org/\" "
    "xmlns:gml=\"http://www.opengis.net/gml\" xmlns:xlink=\"http://www.w3.org/1999/xlink\">\n"
    "<gml:featureMember><ogr:parcel gml:id=\"p1\"><ogr:TBBH>T1</ogr:TBBH><ogr:geometry>"
    "<gml:TopoSurface><gml:directedFace><gml:Face gml:id=\"F1\">"
    "<gml:directedEdge xlink:href=\"#E1\"/></gml:Face></gml:directedFace></gml:TopoSurface>"
    "</ogr:geometry></ogr:parcel></gml:featureMember>\n</ogr:FeatureCollection>\n";
  g_autofree char *path = tmp_path ("topology.gml");
  g_autoptr(GError) error = NULL;
  g_autoptr(MqDataset) d = NULL;

  g_assert_true (g_file_set_contents (path, gml, -1, NULL));
  d = mq_dataset_load (path, NULL, NULL, &error);
  g_assert_null (d);
  g_assert_error (error, MQ_DATASET_ERROR, MQ_DATASET_ERROR_NO_POLYGONS);
  g_assert_nonnull (strstr (error->message, "topology"));
  g_assert_null (strchr (error->message, '\n'));
}

/* A Norwegian SOSI file (ISO 8859-1: "NØ" is N\xd8): GDAL's SOSI reader
 * builds an index folder beside the file it reads, so it reads a private
 * copy; the user's folder keeps only the file. */
static void
test_open_sosi_writes_nothing (void)
{
  static const char sosi[] =
    ".HODE\n..TEGNSETT ISO8859-1\n..TRANSPAR\n...KOORDSYS 23\n...ORIGO-N\xd8 0 0\n"
    "...ENHET 0.01\n..OMR\xc5" "DE\n...MIN-N\xd8 699900000 59900000\n"
    "...MAX-N\xd8 700100000 60100000\n..SOSI-VERSJON 4.5\n..SOSI-NIV\xc5 4\n"
    ".KURVE 1:\n..OBJTYPE Grense\n..N\xd8\n"
    "700000000 60000000\n700010000 60000000\n700010000 60010000\n700000000 60010000\n"
    "700000000 60000000\n"
    ".FLATE 2:\n..OBJTYPE Teig\n..REF :1\n..N\xd8\n700005000 60005000\n.SLUTT\n";
  g_autofree char *dir = g_dir_make_tmp ("mq-sosi-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "teig.sos", NULL);
  MqLoadOptions options = { .crs = "EPSG:25833" };
  g_autoptr(GError) error = NULL;
  g_autoptr(MqDataset) d = NULL;
  g_autoptr(GDir) listing = NULL;

  g_assert_true (g_file_set_contents (path, sosi, sizeof sosi - 1, NULL));
  d = mq_dataset_load (path, &options, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (mq_parcels_get_n_parcels (mq_dataset_get_parcels (d)), ==, 1);
  /* 100 m × 100 m of the grid, in centimetres: 10 000 m², the ellipsoid's
   * area within the projection's scale error. */
  g_assert_cmpfloat_with_epsilon (mq_parcels_get (mq_dataset_get_parcels (d), 0)->area_m2,
                                  10000.0, 20.0);
  listing = g_dir_open (dir, 0, NULL);
  g_assert_cmpstr (g_dir_read_name (listing), ==, "teig.sos");
  g_assert_null (g_dir_read_name (listing));
  test_remove_dir (dir);
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

/* A guessed encoding is said, so that a wrong guess can be seen and fixed. */
static void
test_encoding_guess_said (void)
{
  g_autoptr(MqDataset) guessed = load_ok ("enc-gbk-detect.shp", NULL);
  g_autoptr(MqDataset) declared = load_ok ("enc-gbk-cpg.shp", NULL);
  GPtrArray *w = mq_dataset_get_warnings (guessed);

  g_assert_cmpuint (w->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (w, 0), "GB18030"));
  g_assert_nonnull (strstr (g_ptr_array_index (w, 0), "--encoding"));
  g_assert_cmpuint (mq_dataset_get_warnings (declared)->len, ==, 0);
}

static int
field_index (MqParcels  *parcels,
             const char *name)
{
  const char * const *names = mq_parcels_get_field_names (parcels);

  for (int i = 0; names[i] != NULL; i++)
    if (g_str_equal (names[i], name))
      return i;
  return -1;
}

static void
check_chinese_names (MqDataset *d)
{
  MqParcels *parcels = mq_dataset_get_parcels (d);
  const MqParcel *p = mq_parcels_get (parcels, 0);

  /* Chinese headers map to their fields. */
  g_assert_cmpstr (p->id, ==, "N01");
  g_assert_cmpstr (p->owner, ==, names_values[1]);
  g_assert_cmpstr (p->details->project, ==, names_values[2]);
  g_assert_cmpstr (p->details->notes, ==, names_values[3]);
  g_assert_cmpstr (p->location, ==, names_values[4]);
  test_assert_within (p->survey_area_m2, 7996.65, 1e-9);
  /* Every attribute kept, renamed where its name is taken. */
  g_assert_cmpint (field_index (parcels, "权属单位"), ==, 1);
  g_assert_cmpstr (mq_parcels_get_value (parcels, 0, field_index (parcels, "QLR")), ==, "甲");
  g_assert_cmpstr (mq_parcels_get_value (parcels, 0, field_index (parcels, "qlr_2")), ==, "乙");
  g_assert_cmpstr (mq_parcels_get_value (parcels, 0, field_index (parcels, "fid_2")), ==, "7");
  g_assert_cmpstr (mq_parcels_get_value (parcels, 0, field_index (parcels, "geom_2")), ==, "x");
}

/* Column names go through the decoder too, and none is dropped. */
static void
test_chinese_names (void)
{
  g_autoptr(MqDataset) cpg = load_ok ("names-gbk-cpg.shp", NULL);
  g_autoptr(MqDataset) detected = load_ok ("names-gbk-detect.shp", NULL);
  GPtrArray *w = mq_dataset_get_warnings (cpg);

  check_chinese_names (cpg);
  check_chinese_names (detected);
  /* Three renamings, each said. */
  g_assert_cmpuint (w->len, ==, 3);
  g_assert_nonnull (strstr (g_ptr_array_index (w, 0), "qlr_2"));
}

/* The project built by import has UTF-8 column names, every one kept. */
static void
test_chinese_names_import (void)
{
  g_autofree char *source = test_corpus_file ("names-gbk-detect.shp");
  g_autofree char *out = tmp_path ("names.gpkg");
  g_autofree char *csv = tmp_path ("names.csv");
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MqDataset) imported = mq_import (source, NULL, out, NULL, &error);
  g_autoptr(MqDataset) reopened = NULL;
  MqParcels *parcels;

  g_assert_no_error (error);
  reopened = mq_dataset_load (out, NULL, NULL, &error);
  g_assert_no_error (error);
  parcels = mq_dataset_get_parcels (reopened);
  for (const char * const *n = mq_parcels_get_field_names (parcels); *n; n++)
    g_assert_true (g_utf8_validate (*n, -1, NULL));
  g_assert_cmpint (field_index (parcels, "坐落"), >=, 0);
  g_assert_cmpstr (mq_parcels_get_value (parcels, 0, field_index (parcels, "qlr_2")), ==, "乙");
  g_assert_cmpstr (mq_parcels_get_value (parcels, 0, field_index (parcels, "fid_2")), ==, "7");
  g_assert_cmpstr (mq_parcels_get (parcels, 0)->owner, ==, names_values[1]);
  /* And so has the CSV header. */
  g_assert_true (mq_csv_export (imported, csv, FALSE, &error));
  g_assert_true (g_file_get_contents (csv, &text, NULL, NULL));
  *strstr (text, "\r\n") = '\0';
  g_assert_true (g_utf8_validate (text, -1, NULL));
  g_assert_nonnull (strstr (text, ",坐落"));
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
  check_crs ("crs-no-prj.shp", "EPSG:4549", "EPSG:4549", AREA_TOLERANCE);
  check_crs ("crs-zone40.shp", "EPSG:4528", "EPSG:4528", AREA_TOLERANCE);
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
  test_assert_within (find (d, "G07-with-hole")->area_m2, outer - hole, AREA_TOLERANCE);
  /* An unclosed ring is measured as closed. */
  memcpy (square, geom_unclosed, sizeof geom_unclosed);
  square[8] = geom_unclosed[0], square[9] = geom_unclosed[1];
  test_assert_within (find (d, "G02-unclosed")->area_m2, test_proj_ring_area (square, 5, "EPSG:4549"), AREA_TOLERANCE);
  /* A bow-tie is measured after make-valid: its two triangles, 2 × 2,500 m². */
  test_assert_within (find (d, "G01-bowtie")->area_m2, 5000, 2e-3);
  g_assert_cmpfloat (find (d, "G08-nan")->area_m2, ==, 0);
  test_assert_within (find (d, "G11-good")->area_m2, expected_rect_area (1), AREA_TOLERANCE);
}

/* Curved parcels are linearised and measured; a valid ring of 400 vertices
 * is not "self-intersecting"; a crossed one is. */
static void
test_curves_and_long_rings (void)
{
  g_autoptr(MqDataset) d = load_ok ("curves.gpkg", NULL);
  double n = LONG_RING_POINTS;
  /* Planar areas; the projection's scale changes them by ~0.04 %. */
  double polygon = n / 2 * LONG_RING_R * LONG_RING_R * sin (2 * G_PI / n);

  test_assert_within (find (d, "C01-circle")->area_m2, G_PI * CURVE_R * CURVE_R, 2e-3);
  g_assert_cmpuint (find (d, "C01-circle")->problems, ==, 0);
  test_assert_within (find (d, "C02-multisurface")->area_m2, expected_rect_area (1), AREA_TOLERANCE);
  g_assert_cmpuint (find (d, "C02-multisurface")->problems, ==, 0);
  test_assert_within (find (d, "C03-long-ring")->area_m2, polygon, 1e-3);
  g_assert_cmpuint (find (d, "C03-long-ring")->problems, ==, 0);
  g_assert_true (find (d, "C04-long-crossed")->problems & MQ_PROBLEM_SELF_INTERSECTION);
}

/* A hole lying outside its shell is no land of the parcel's. */
static void
test_stray_hole_area (void)
{
  g_autoptr(MqDataset) d = load_ok ("geometry.shp", NULL);

  test_assert_within (find (d, "G06-hole-outside")->area_m2,
                      test_proj_ring_area (geom_hole_outside, 5, "EPSG:4549"), AREA_TOLERANCE);
}

/* Degrees in latitude-first order: the parcels cannot be placed, and the
 * file is told why. */
static void
test_swapped_axes (void)
{
  g_autoptr(MqDataset) d = load_ok ("swapped.geojson", NULL);
  GPtrArray *w = mq_dataset_get_warnings (d);

  g_assert_cmpuint (mq_dataset_get_problem_count (d, MQ_PROBLEM_BAD_COORDINATE), ==, 3);
  g_assert_cmpuint (w->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (w, 0), "swapped"));
}

/* A record the .dbf marks deleted is skipped, and not counted as lost. */
static void
test_deleted_records (void)
{
  g_autoptr(MqDataset) d = load_ok ("dmg-deleted.shp", NULL);
  GPtrArray *w = mq_dataset_get_warnings (d);
  g_autofree char *deleted_id = g_strdup_printf ("D%02d", DELETED_RECORD + 1);
  MqParcels *parcels = mq_dataset_get_parcels (d);

  g_assert_cmpuint (mq_parcels_get_n_parcels (parcels), ==, 19);
  g_assert_cmpuint (mq_dataset_get_n_lost_records (d), ==, 0);
  for (guint i = 0; i < mq_parcels_get_n_parcels (parcels); i++)
    g_assert_cmpstr (mq_parcels_get (parcels, i)->id, !=, deleted_id);
  g_assert_cmpuint (w->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (w, 0), "1"));
}

/* Parcels keep their points as floats from their own corner: every vertex
 * of the survey sample comes back from the display geometry within 1 mm of
 * what GDAL reads (Gauss–Krüger coordinates in the millions of metres), but
 * for each ring's closing point, which repeats its first. */
static void
test_points_kept (void)
{
  g_autofree char *sample = g_build_filename (g_getenv ("MQ_SAMPLE_DIR"), "maqiao-survey.shp", NULL);
  g_autoptr(MqDataset) d = mq_dataset_load (sample, NULL, NULL, NULL);
  const MqShapes *shapes = mq_parcels_get_shapes (mq_dataset_get_parcels (d));
  GDALDatasetH src = GDALOpenEx (sample, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
  OGRLayerH layer = GDALDatasetGetLayer (src, 0);
  OGRFeatureH feature;
  guint f = 0, checked = 0;
  double worst = 0;

  g_assert_nonnull (d);
  g_assert_nonnull (src);
  OGR_L_ResetReading (layer);
  while ((feature = OGR_L_GetNextFeature (layer)) != NULL)
    {
      OGRGeometryH shell = OGR_G_GetGeometryRef (OGR_F_GetGeometryRef (feature), 0);
      guint r0 = g_array_index (shapes->feat_ring, guint, f);
      guint p0 = g_array_index (shapes->ring_start, guint, r0);
      guint p1 = g_array_index (shapes->ring_start, guint, r0 + 1);

      /* The ring's closing point (its first again) is not kept. */
      if (wkbFlatten (OGR_G_GetGeometryType (OGR_F_GetGeometryRef (feature))) == wkbPolygon)
        {
          g_assert_cmpuint (p1 - p0, ==, OGR_G_GetPointCount (shell) - 1);
          for (guint k = 0; k < p1 - p0; k++, checked++)
            {
              MqBox origin = mq_shapes_get_bbox (shapes, f);
              double x, y;

              mq_shapes_get_point (shapes, &origin, p0 + k, &x, &y);
              worst = MAX (worst, MAX (fabs (x - OGR_G_GetX (shell, k)), fabs (y - OGR_G_GetY (shell, k))));
            }
        }
      OGR_F_Destroy (feature);
      f++;
    }
  GDALClose (src);
  g_assert_cmpuint (f, ==, mq_shapes_get_n_features (shapes));
  g_assert_cmpuint (checked, >, 1000);
  g_test_message ("worst %g m over %u points", worst, checked);
  g_assert_cmpfloat (worst, <, 1e-3);
}

/* A layer whose first features have no geometry stores nothing for them
 * and then the next one whole (the float array starts empty: UBSan once
 * caught pointer arithmetic on its NULL data). */
static void
test_shapes_empty_first (void)
{
  g_autoptr(MqShapes) shapes = mq_shapes_new_polygons ();
  OGRGeometryH square = NULL;
  const char *wkt = "POLYGON ((631000 3431000,631010 3431000,631010 3431010,631000 3431010,631000 3431000))";
  MqBox origin;
  double x, y;

  g_assert_cmpuint (mq_shapes_add_geometry (shapes, NULL), ==, 0);
  g_assert_cmpuint (mq_shapes_add_geometry (shapes, NULL), ==, 1);
  g_assert_cmpint (OGR_G_CreateFromWkt ((char **) &wkt, NULL, &square), ==, OGRERR_NONE);
  g_assert_cmpuint (mq_shapes_add_geometry (shapes, square), ==, 2);
  OGR_G_DestroyGeometry (square);
  /* Four corners kept, the closing point not. */
  g_assert_cmpuint (shapes->xy->len, ==, 8);
  origin = mq_shapes_get_bbox (shapes, 2);
  mq_shapes_get_point (shapes, &origin, 2, &x, &y);
  g_assert_cmpfloat (x, ==, 631010);
  g_assert_cmpfloat (y, ==, 3431010);
  g_assert_true (mq_shapes_contains (shapes, 2, 631005, 3431005));
  g_assert_false (mq_shapes_contains (shapes, 0, 631005, 3431005));
}

/* Handles stay good and point at the text given, however many strings
 * follow; interning stores a text once; a text longer than a chunk fits. */
static void
test_text_arena (void)
{
  g_autoptr(MqTextArena) arena = mq_text_arena_new ();
  g_autofree char *big = g_strnfill (3 << 20, 'x');
  MqTextRef first, again, large;
  const char *first_text;

  g_assert_cmpuint (mq_text_arena_add (arena, NULL), ==, 0);
  g_assert_cmpuint (mq_text_arena_intern (arena, ""), ==, 0);
  g_assert_null (mq_text_arena_get (arena, 0));
  first = mq_text_arena_intern (arena, "上海市闵行区马桥镇");
  first_text = mq_text_arena_get (arena, first);
  for (guint i = 0; i < 200000; i++)
    {
      g_autofree char *text = g_strdup_printf ("MQ-%07u", i);
      MqTextRef ref = mq_text_arena_add (arena, text);

      if (i % 9973 == 0)
        g_assert_cmpstr (mq_text_arena_get (arena, ref), ==, text);
    }
  large = mq_text_arena_add (arena, big);
  again = mq_text_arena_intern (arena, "上海市闵行区马桥镇");
  g_assert_cmpuint (again, ==, first);
  g_assert_true (mq_text_arena_get (arena, first) == first_text);
  g_assert_cmpstr (first_text, ==, "上海市闵行区马桥镇");
  g_assert_cmpuint (strlen (mq_text_arena_get (arena, large)), ==, 3 << 20);
  g_assert_cmpstr (mq_text_arena_get (arena, mq_text_arena_add (arena, "after")), ==, "after");
}

/* A feature's box, kept as floats from the first feature's corner and
 * rounded outwards, holds every point as read: far from the first feature,
 * either side of zero, in metres and in degrees. */
static void
test_boxes_hold_points (void)
{
  const char *wkts[] = {
    "POLYGON ((631000.123 3431000.456,631010.789 3431000.001,631010.5 3431010.25,631000.123 3431000.456))",
    "POLYGON ((-0.000001 -0.000002,0.000003 -0.000001,0.000001 0.000004,-0.000001 -0.000002))",
    "POLYGON ((-121.4912345678 -31.2345678901,-121.4812345678 -31.2345678901,-121.4862345678 -31.2245678901,-121.4912345678 -31.2345678901))",
    "POLYGON ((0 0,1e-7 0,0 1e-7,0 0))",
    "POLYGON ((987654.321 -3431000.4567,987654.3211 -3431000.4566,987654.3212 -3431000.4568,987654.321 -3431000.4567))",
  };
  g_autoptr(MqShapes) shapes = mq_shapes_new_polygons ();

  for (guint w = 0; w < G_N_ELEMENTS (wkts); w++)
    {
      OGRGeometryH g = NULL;
      char *wkt = (char *) wkts[w];
      OGRGeometryH ring;
      guint f;
      MqBox box;

      g_assert_cmpint (OGR_G_CreateFromWkt (&wkt, NULL, &g), ==, OGRERR_NONE);
      f = mq_shapes_add_geometry (shapes, g);
      box = mq_shapes_get_bbox (shapes, f);
      ring = OGR_G_GetGeometryRef (g, 0);
      for (int k = 0; k < OGR_G_GetPointCount (ring); k++)
        {
          g_assert_cmpfloat (box.min_x, <=, OGR_G_GetX (ring, k));
          g_assert_cmpfloat (box.max_x, >=, OGR_G_GetX (ring, k));
          g_assert_cmpfloat (box.min_y, <=, OGR_G_GetY (ring, k));
          g_assert_cmpfloat (box.max_y, >=, OGR_G_GetY (ring, k));
        }
      /* Not much bigger either: a float's step at that distance. */
      g_assert_cmpfloat (box.max_x - box.min_x, <, OGR_G_GetX (ring, 1) - OGR_G_GetX (ring, 0) + 1e-1);
      OGR_G_DestroyGeometry (g);
    }
}

/* Source values as the parcels keep them: a column of few values as a
 * byte a record, one that outgrows its codes in the middle of a block whole
 * from there on — every value reads back as it was given, through an edit
 * in a new generation that the old one does not see; fids are the record
 * numbers until one is not. */
static void
test_coded_values (void)
{
  const char *names[] = { "few", "grows", "id", NULL };
  g_autoptr(MqParcels) parcels = mq_parcels_new (names);
  g_autoptr(MqParcels) next = NULL;
  const guint n = 2000;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *grows = i < 600 ? g_strdup_printf ("v%u", i % 10) : g_strdup_printf ("w%u", i);
      g_autofree char *id = g_strdup_printf ("MQ-%06u", i);
      const char *few[] = { "甲", "乙", NULL };
      const char *values[] = { few[i % 3], grows, id };
      const char *stored[3];

      mq_parcels_append (parcels, i < 1500 ? 1 + i : 10 + i, NULL, values, stored);
      g_assert_cmpstr (stored[1], ==, grows);
    }
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *grows = i < 600 ? g_strdup_printf ("v%u", i % 10) : g_strdup_printf ("w%u", i);
      g_autofree char *id = g_strdup_printf ("MQ-%06u", i);
      const char *few = i % 3 == 0 ? "甲" : i % 3 == 1 ? "乙" : NULL;

      g_assert_cmpstr (mq_parcels_get_value (parcels, i, 0), ==, few);
      g_assert_cmpstr (mq_parcels_get_value (parcels, i, 1), ==, grows);
      g_assert_cmpstr (mq_parcels_get_value (parcels, i, 2), ==, id);
      g_assert_cmpint (mq_parcels_get_fid (parcels, i), ==, i < 1500 ? 1 + i : 10 + i);
    }

  next = mq_parcels_new_generation (parcels);
  mq_parcels_set_value (next, 4, 0, "丙");
  mq_parcels_set_value (next, 700, 1, "changed");
  for (guint k = 0; k < 300; k++)
    {
      g_autofree char *text = g_strdup_printf ("丁%u", k);

      /* More new values than a column has codes: the block is made whole. */
      mq_parcels_set_value (next, 10 + k, 0, text);
    }
  g_assert_cmpstr (mq_parcels_get_value (next, 4, 0), ==, "丙");
  g_assert_cmpstr (mq_parcels_get_value (next, 700, 1), ==, "changed");
  g_assert_cmpstr (mq_parcels_get_value (next, 309, 0), ==, "丁299");
  g_assert_cmpstr (mq_parcels_get_value (next, 6, 0), ==, "甲");
  g_assert_cmpstr (mq_parcels_get_value (next, 1999, 1), ==, "w1999");
  g_assert_cmpstr (mq_parcels_get_value (parcels, 4, 0), ==, "乙");
  g_assert_cmpstr (mq_parcels_get_value (parcels, 700, 1), ==, "w700");
  g_assert_cmpstr (mq_parcels_get_value (parcels, 309, 0), ==, "甲");
  g_assert_cmpint (mq_parcels_get_fid (next, 1999), ==, 2009);
}

/* The Excel 台账, read back through GDAL's XLSX driver (not ours): a row
 * per parcel in order and a total row; codes stay text with their leading
 * zeros; deadlines are dates; the total sums the areas; a path that cannot
 * be written says so and leaves nothing. */
static void
test_xlsx_ledger (void)
{
  g_autofree char *survey = g_build_filename (g_getenv ("MQ_SAMPLE_DIR"), "maqiao-survey.shp", NULL);
  g_autofree char *gpkg = g_build_filename (g_getenv ("MQ_SAMPLE_DIR"), "maqiao.gpkg", NULL);
  g_autofree char *out = tmp_path ("ledger.xlsx");
  g_autofree char *bad = tmp_path ("no-such-dir/ledger.xlsx");
  g_autoptr(MqDataset) d = mq_dataset_load (gpkg, NULL, NULL, NULL);
  g_autoptr(MqDataset) s = mq_dataset_load (survey, NULL, NULL, NULL);
  g_autoptr(GError) error = NULL;
  MqParcels *parcels = mq_dataset_get_parcels (d);
  guint n = mq_parcels_get_n_parcels (parcels), rows = 0, dated = 0;
  const char *options[] = { "HEADERS=FORCE", "FIELD_TYPES=AUTO", NULL };
  GDALDatasetH x;
  OGRLayerH layer;
  OGRFeatureH f;
  OGRFeatureDefnH defn;
  int id_i, area_i, deadline_i, code_i;
  double area = 0;

  g_assert_nonnull (d);
  g_assert_true (mq_xlsx_export (d, out, TRUE, "闵行区规划和自然资源局", &error));
  g_assert_no_error (error);
  x = GDALOpenEx (out, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, options, NULL);
  g_assert_nonnull (x);
  layer = GDALDatasetGetLayer (x, 0);
  defn = OGR_L_GetLayerDefn (layer);
  id_i = OGR_FD_GetFieldIndex (defn, mq_field_info (MQ_FIELD_ID)->zh_header);
  deadline_i = OGR_FD_GetFieldIndex (defn, mq_field_info (MQ_FIELD_DEADLINE)->zh_header);
  area_i = OGR_FD_GetFieldIndex (defn, "面积（平方米）");
  g_assert_cmpint (id_i, ==, 0);
  g_assert_cmpint (area_i, >, 0);
  g_assert_cmpint (OGR_Fld_GetType (OGR_FD_GetFieldDefn (defn, deadline_i)), ==, OFTDate);
  OGR_L_ResetReading (layer);
  while ((f = OGR_L_GetNextFeature (layer)) != NULL)
    {
      if (rows < n)
        {
          const MqParcel *p = mq_parcels_get (parcels, rows);

          g_assert_cmpstr (OGR_F_GetFieldAsString (f, id_i), ==, p->id);
          area += p->area_m2;
          if (p->deadline != 0)
            {
              g_autofree char *text = mq_date_format (p->deadline);
              int y, m, day, h, min, tz;
              float sec;

              g_assert_true (OGR_F_GetFieldAsDateTimeEx (f, deadline_i, &y, &m, &day, &h, &min, &sec, &tz));
              g_assert_cmpint (y * 10000 + m * 100 + day, ==, atoi (text) * 10000 + atoi (text + 5) * 100 + atoi (text + 8));
              dated++;
            }
        }
      else
        {
          g_assert_true (g_str_has_prefix (OGR_F_GetFieldAsString (f, id_i), "Total") ||
                         g_str_has_prefix (OGR_F_GetFieldAsString (f, id_i), "合计"));
          g_assert_cmpfloat (fabs (OGR_F_GetFieldAsDouble (f, area_i) - area), <, 0.01 * n);
        }
      rows++;
      OGR_F_Destroy (f);
    }
  GDALClose (x);
  g_assert_cmpuint (rows, ==, n + 1);
  g_assert_cmpuint (dated, >, 10);

  /* The survey's land-use codes (0701 …) stay text, zeros and all. */
  g_assert_true (mq_xlsx_export (s, out, FALSE, NULL, &error));
  x = GDALOpenEx (out, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, options, NULL);
  layer = GDALDatasetGetLayer (x, 0);
  defn = OGR_L_GetLayerDefn (layer);
  code_i = OGR_FD_GetFieldIndex (defn, "DLBM");
  g_assert_cmpint (code_i, >=, 0);
  g_assert_cmpint (OGR_Fld_GetType (OGR_FD_GetFieldDefn (defn, code_i)), ==, OFTString);
  f = OGR_L_GetNextFeature (layer);
  g_assert_cmpstr (OGR_F_GetFieldAsString (f, code_i), ==,
                   mq_parcels_get_value (mq_dataset_get_parcels (s), 0,
                                         mq_parcels_find_field (mq_dataset_get_parcels (s), "DLBM")));
  g_assert_true (OGR_F_GetFieldAsString (f, code_i)[0] == '0');
  OGR_F_Destroy (f);
  GDALClose (x);

  g_assert_false (mq_xlsx_export (d, bad, TRUE, NULL, &error));
  g_assert_nonnull (error);
  g_assert_false (g_file_test (bad, G_FILE_TEST_EXISTS));
}

/* A shapefile out (UTF-8, then GBK) and back through our own loader: the
 * same parcels with the same figures and four-lock values; the GBK file
 * says so in its .cpg and its language byte; the field table lists codes. */
static void
test_shp_round_trip (void)
{
  g_autofree char *gpkg = g_build_filename (g_getenv ("MQ_SAMPLE_DIR"), "maqiao.gpkg", NULL);
  g_autoptr(MqDataset) d = mq_dataset_load (gpkg, NULL, NULL, NULL);
  MqParcels *parcels = mq_dataset_get_parcels (d);
  const char *encodings[] = { "UTF-8", "CP936" };

  g_assert_nonnull (d);
  for (guint e = 0; e < G_N_ELEMENTS (encodings); e++)
    {
      g_autofree char *name = g_strdup_printf ("地块-%u.shp", e);
      g_autofree char *shp = tmp_path (name);
      g_autofree char *stem = g_strndup (shp, strlen (shp) - 4);
      g_autofree char *cpg = g_strconcat (stem, ".cpg", NULL);
      g_autofree char *dbf = g_strconcat (stem, ".dbf", NULL);
      g_autofree char *table = g_strconcat (stem, "_字段对照表.csv", NULL);
      g_autofree char *cpg_text = NULL, *dbf_bytes = NULL, *table_text = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(MqDataset) back = NULL;
      g_autoptr(GHashTable) by_id = g_hash_table_new (g_str_hash, g_str_equal);
      MqParcels *again;

      g_assert_true (mq_shp_export (d, shp, e == 1, &error));
      g_assert_no_error (error);
      g_assert_true (g_file_get_contents (cpg, &cpg_text, NULL, NULL));
      g_assert_cmpstr (g_strstrip (cpg_text), ==, encodings[e]);
      g_assert_true (g_file_get_contents (dbf, &dbf_bytes, NULL, NULL));
      if (e == 1)
        g_assert_cmpint ((guchar) dbf_bytes[29], ==, 0x4D);
      g_assert_true (g_file_get_contents (table, &table_text, NULL, NULL));
      g_assert_nonnull (strstr (table_text, "ZRZT,\"责任主体\",responsible_entity"));

      back = mq_dataset_load (shp, NULL, NULL, &error);
      g_assert_no_error (error);
      again = mq_dataset_get_parcels (back);
      g_assert_cmpuint (mq_parcels_get_n_parcels (again), ==, mq_parcels_get_n_parcels (parcels));
      for (guint i = 0; i < mq_parcels_get_n_parcels (again); i++)
        g_hash_table_insert (by_id, (gpointer) mq_parcels_get (again, i)->id, GUINT_TO_POINTER (i));
      for (guint i = 0; i < mq_parcels_get_n_parcels (parcels); i++)
        {
          const MqParcel *a = mq_parcels_get (parcels, i);
          const MqParcel *b = mq_parcels_get (again, GPOINTER_TO_UINT (g_hash_table_lookup (by_id, a->id)));

          g_assert_cmpstr (a->id, ==, b->id);
          g_assert_cmpstr (a->owner, ==, b->owner);
          g_assert_cmpfloat (fabs (a->area_m2 - b->area_m2), <=, AREA_TOLERANCE * a->area_m2 + 1e-6);
          g_assert_cmpint (a->flagged, ==, b->flagged);
          g_assert_cmpuint (a->locks, ==, b->locks);
          g_assert_cmpuint (a->deadline, ==, b->deadline);
          g_assert_cmpuint (a->stage, ==, b->stage);
          g_assert_cmpuint (a->method, ==, b->method);
          g_assert_cmpstr (a->details->entity, ==, b->details->entity);
          g_assert_cmpstr (a->details->project, ==, b->details->project);
          g_assert_cmpmem (a->details->lock_date, sizeof a->details->lock_date,
                           b->details->lock_date, sizeof b->details->lock_date);
        }
    }
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

/* ---- status values ------------------------------------------------------------ */

#define STATUS_PROBLEMS (P_UNREADABLE_DATE | P_UNREADABLE_STATE | P_LOCK_RULE | P_SURVEY_AREA)

static void
test_status_values (void)
{
  g_autoptr(MqDataset) d = load_ok ("status.gpkg", NULL);
  MqParcels *parcels = mq_dataset_get_parcels (d);
  GPtrArray *warnings = mq_dataset_get_warnings (d);
  gboolean told_grouped = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (status_cases); i++)
    {
      const StatusCase *c = &status_cases[i];
      const MqParcel *p = find (d, c->id);
      g_autofree char *deadline = mq_date_format (p->deadline);
      g_autofree char *unread = mq_field_map_dup_unread (mq_dataset_get_field_map (d), parcels, i);
      gboolean held = (p->locks >> MQ_LOCK_DEADLINE) & 1;

      g_assert_cmpstr (p->id, ==, c->id);
      if (g_strcmp0 (deadline, c->expect_deadline) != 0 || held != c->expect_held ||
          (int) p->method != c->expect_method ||
          (p->problems & STATUS_PROBLEMS) != c->expect_problems)
        g_error ("%s: deadline %s held %d method %d problems 0x%x", c->id, deadline, held,
                 p->method, p->problems);
      /* Nothing read is lost: the source text is kept and named. */
      if (c->expect_problems & (P_UNREADABLE_DATE | P_UNREADABLE_STATE))
        {
          g_assert_nonnull (unread);
          g_assert_true (strstr (unread, c->deadline) || strstr (unread, c->lock_deadline) ||
                         (*c->method && strstr (unread, c->method)));
        }
      else if (!(c->expect_problems & P_SURVEY_AREA))
        g_assert_null (unread);
    }
  test_assert_within (find (d, "S15")->survey_area_m2, 7996.65, 1e-9);
  for (guint i = 0; i < warnings->len; i++)
    told_grouped |= strstr (g_ptr_array_index (warnings, i), "7,996.65") != NULL;
  g_assert_true (told_grouped);
}

/* In a project built by import, the source text that did not read stays,
 * and so does its problem when the project is opened again. */
static void
test_status_values_kept (void)
{
  g_autofree char *source = test_corpus_file ("status.gpkg");
  g_autofree char *out = tmp_path ("status-project.gpkg");
  g_autoptr(GError) error = NULL;
  g_autoptr(MqDataset) imported = mq_import (source, NULL, out, NULL, &error);
  g_autoptr(MqDataset) d = NULL;
  MqParcels *parcels;

  g_assert_no_error (error);
  g_assert_nonnull (imported);
  d = mq_dataset_load (out, NULL, NULL, &error);
  g_assert_no_error (error);
  parcels = mq_dataset_get_parcels (d);
  for (guint i = 0; i < G_N_ELEMENTS (status_cases); i++)
    {
      const StatusCase *c = &status_cases[i];
      g_autofree char *unread = mq_field_map_dup_unread (mq_dataset_get_field_map (d), parcels, i);

      g_assert_cmpstr (mq_parcels_get (parcels, i)->id, ==, c->id);
      if (c->expect_problems & P_UNREADABLE_DATE)
        {
          g_assert_true (mq_parcels_get (parcels, i)->problems & MQ_PROBLEM_UNREADABLE_DATE);
          g_assert_nonnull (strstr (unread, c->deadline));
        }
      /* A lock state that did not read is not written as "open". */
      if (c->expect_problems & P_UNREADABLE_STATE)
        {
          g_assert_true (mq_parcels_get (parcels, i)->problems & MQ_PROBLEM_UNREADABLE_STATE);
          g_assert_nonnull (unread);
        }
    }
}

/* Dates that are not guessed at, and two-digit years that never become 0024. */
static void
test_date_forms (void)
{
  static const char *const refused[] = {
    "12/31/2024", "31/12/2024", "24-12-31", "2024-13-01", "2024-02-30", "0024-12-31",
    "2024-12", "1234", "2024-12-31x", "20241331",
  };
  guint32 julian;

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    if (mq_date_parse (refused[i], &julian))
      g_error ("“%s” read as a date", refused[i]);
  g_assert_true (mq_date_parse ("2024-12-31 10:00:00+08", &julian));
  g_assert_true (mq_date_parse ("45657.5", &julian));
  g_assert_true (mq_date_parse ("  ", &julian) && julian == 0);
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
    { "dmg-cad-version.dwg", MQ_DATASET_ERROR_OPEN_FAILED },
    { "dmg-lines-only.dxf", MQ_DATASET_ERROR_NO_POLYGONS },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *message = load_fails (cases[i].name, NULL, cases[i].code);

      /* GDAL's words folded to one line, without its own source paths. */
      g_assert_null (strstr (message, ".cpp"));
    }
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
    "contact,phone,lock_parcel_date,lock_project_date,lock_deadline_date,lock_owner_date,"
    "credit_code,grade,floor_area_m2,far,far_computed,annual_tax,tax_per_mu,annual_output,"
    "output_per_mu,energy_tce,high_energy,high_pollution,high_risk,low_yield,planned_use,"
    "planned_far,problems";
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

/* The days past a deadline every view shows: none once the parcel is done
 * or has no deadline. */
static void
test_days_overdue (void)
{
  MqParcel p = { 0 };
  g_autofree char *text = NULL;

  p.deadline = 1000;
  p.stage = MQ_STAGE_IN_PROGRESS;
  g_assert_cmpuint (mq_parcel_days_overdue (&p, 1817), ==, 817);
  g_assert_cmpuint (mq_parcel_days_overdue (&p, 1000), ==, 0);
  text = mq_overdue_text (817);
  g_assert_nonnull (strstr (text, "817"));
  g_assert_null (mq_overdue_text (0));
  p.stage = MQ_STAGE_DONE;
  g_assert_cmpuint (mq_parcel_days_overdue (&p, 1817), ==, 0);
  p.stage = MQ_STAGE_NOT_STARTED;
  p.deadline = 0;
  g_assert_cmpuint (mq_parcel_days_overdue (&p, 1817), ==, 0);
}

/* Numbers are read as numbers and written as GDAL writes them: the fast
 * text equals OGR_F_GetFieldAsString() wherever it is taken, and it is
 * taken for the values surveys hold. */
static void
test_number_text (void)
{
  static const struct { int width, precision; } defs[] = { { 0, 0 }, { 24, 15 }, { 12, 3 }, { 10, 0 }, { 19, 6 } };
  static const double edge[] = { 0, -0.0, 0.1, 0.5, 2.5, -2.5, 7996.65, 1e-5, 0.0001, 123456789.123,
                                 999999999.9, 1e9, 1e15, 3.14159265358979, 1.0 / 3, -12.345, 0.125 };
  GDALDriverH driver = GDALGetDriverByName ("Memory");
  GDALDatasetH ds = GDALCreate (driver, "", 0, 0, 0, GDT_Unknown, NULL);
  OGRLayerH layer = GDALDatasetCreateLayer (ds, "n", NULL, wkbNone, NULL);
  g_autoptr(GRand) rand = g_rand_new_with_seed (19);
  guint fast = 0, total = 0;

  for (guint d = 0; d < G_N_ELEMENTS (defs); d++)
    {
      OGRFieldDefnH fd = OGR_Fld_Create ("r", OFTReal);

      OGR_Fld_SetWidth (fd, defs[d].width);
      OGR_Fld_SetPrecision (fd, defs[d].precision);
      OGR_L_CreateField (layer, fd, FALSE);
      OGR_Fld_Destroy (fd);
    }
  for (guint k = 0; k < 20000; k++)
    {
      OGRFeatureH f = OGR_F_Create (OGR_L_GetLayerDefn (layer));
      double v = k < G_N_ELEMENTS (edge) ? edge[k]
               : k % 3 == 0 ? g_rand_int_range (rand, -100000, 100000) / 100.0
               : k % 3 == 1 ? g_rand_double_range (rand, -1e6, 1e6)
               : g_rand_int_range (rand, 0, 1000000) / 1e4;

      for (guint d = 0; d < G_N_ELEMENTS (defs); d++)
        {
          char buf[MQ_FIELD_TEXT_SIZE];

          OGR_F_SetFieldDouble (f, d, v);
          total++;
          if (!mq_field_text_real (OGR_F_GetFieldAsDouble (f, d), defs[d].width, defs[d].precision, buf))
            continue;
          fast++;
          g_assert_cmpstr (buf, ==, OGR_F_GetFieldAsString (f, d));
        }
      OGR_F_Destroy (f);
    }
  /* Most of them take the fast path (none of the random reals of full
   * precision under %.15g do). */
  g_assert_cmpuint (fast, >, total * 7 / 10);
  for (gint64 i = -100000; i <= 100000; i += 997)
    {
      char buf[MQ_FIELD_TEXT_SIZE];
      g_autofree char *expected = g_strdup_printf ("%" G_GINT64_FORMAT, i * G_GINT64_CONSTANT (92233720368));

      mq_field_text_integer (i * G_GINT64_CONSTANT (92233720368), buf);
      g_assert_cmpstr (buf, ==, expected);
    }
  GDALClose (ds);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  mq_core_init ();

  g_test_add_func ("/loader/formats", test_formats);
  g_test_add_func ("/loader/points-kept", test_points_kept);
  g_test_add_func ("/loader/text-arena", test_text_arena);
  g_test_add_func ("/loader/coded-values", test_coded_values);
  g_test_add_func ("/loader/boxes-hold-points", test_boxes_hold_points);
  g_test_add_func ("/loader/shapes-empty-first", test_shapes_empty_first);
  g_test_add_func ("/loader/xlsx-ledger", test_xlsx_ledger);
  g_test_add_func ("/loader/shp-round-trip", test_shp_round_trip);
  g_test_add_func ("/loader/csv-needs-crs", test_csv_needs_crs);
  g_test_add_func ("/loader/layer-choice", test_layer_choice);
  g_test_add_func ("/loader/mixed-layers", test_mixed_layers);
  g_test_add_func ("/loader/undeclared-polygons", test_undeclared_polygons);
  g_test_add_func ("/loader/open-sosi-writes-nothing", test_open_sosi_writes_nothing);
  g_test_add_func ("/loader/gml-topology", test_gml_topology);
  g_test_add_func ("/loader/crs-undefined", test_crs_undefined);
  g_test_add_func ("/loader/absurd-centre", test_absurd_centre);
  g_test_add_func ("/loader/open-writes-nothing", test_open_writes_nothing);
  g_test_add_func ("/loader/encodings", test_encodings);
  g_test_add_func ("/loader/encoding-guess-said", test_encoding_guess_said);
  g_test_add_func ("/loader/chinese-names", test_chinese_names);
  g_test_add_func ("/loader/chinese-names-import", test_chinese_names_import);
  g_test_add_func ("/loader/encoding-override", test_encoding_override);
  g_test_add_func ("/loader/truncated-text", test_truncated_text);
  g_test_add_func ("/loader/crs-families", test_crs_families);
  g_test_add_func ("/loader/crs-never-guessed", test_crs_never_guessed);
  g_test_add_func ("/loader/crs-user-definition", test_crs_user_definition);
  g_test_add_func ("/loader/crs-suggest", test_crs_suggest);
  g_test_add_func ("/loader/geometry-problems", test_geometry_problems);
  g_test_add_func ("/loader/geometry-areas", test_geometry_areas);
  g_test_add_func ("/loader/curves-and-long-rings", test_curves_and_long_rings);
  g_test_add_func ("/loader/stray-hole-area", test_stray_hole_area);
  g_test_add_func ("/loader/deleted-records", test_deleted_records);
  g_test_add_func ("/loader/swapped-axes", test_swapped_axes);
  g_test_add_func ("/loader/survey-area-mismatch", test_survey_area_mismatch);
  g_test_add_func ("/loader/status-values", test_status_values);
  g_test_add_func ("/loader/status-values-kept", test_status_values_kept);
  g_test_add_func ("/loader/date-forms", test_date_forms);
  g_test_add_func ("/loader/damaged-refused", test_damaged_refused);
  g_test_add_func ("/loader/damaged-partial", test_damaged_partial);
  g_test_add_func ("/loader/lying-headers", test_lying_headers);
  g_test_add_func ("/loader/import-round-trip", test_import_round_trip);
  g_test_add_func ("/loader/import-refuses", test_import_refuses);
  g_test_add_func ("/loader/csv-export", test_csv_export);
  g_test_add_func ("/loader/days-overdue", test_days_overdue);
  g_test_add_func ("/loader/number-text", test_number_text);
  status = g_test_run ();
  if (tmp_dir != NULL)
    test_remove_dir (tmp_dir);
  g_free (tmp_dir);
  return status;
}

/* test-cli.c — the headless command line, run as a user runs it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <cairo.h>
#include <gio/gio.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <sys/resource.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <gdal.h>
#include <ogr_api.h>
#include <string.h>

#include "mq-core.h"
#include "test-util.h"


/* A disk that fills up: no file of the child may grow past 256 KiB. */
static void
limit_file_size (gpointer data)
{
  struct rlimit limit = { 256 * 1024, 256 * 1024 };

  signal (SIGXFSZ, SIG_IGN);
  setrlimit (RLIMIT_FSIZE, &limit);
}

static GSpawnChildSetupFunc child_setup;

/* Runs maqiao-land with the arguments (no shell), child_setup in the child. */
static void
run (TestRun *result,
     ...)
{
  va_list ap;

  va_start (ap, result);
  test_run_valist (result, child_setup, ap);
  va_end (ap);
}

static JsonObject *
parse_object (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
assert_one_line_naming (const TestRun *r,
                        const char    *path)
{
  g_assert_cmpint (r->status, ==, 2);
  g_assert_nonnull (strstr (r->err, path));
  g_assert_cmpint (strchr (r->err, '\n') - r->err, ==, (int) strlen (r->err) - 1);
}

static void
test_summary_json (void)
{
  g_auto(TestRun) r = { 0 };
  g_autoptr(JsonObject) o = NULL;
  JsonArray *locks;
  JsonObject *parts;
  gint64 parcels, flagged, sum = 0;

  run (&r, "--sample", "--summary", "--json", NULL);
  g_assert_cmpint (r.status, ==, 0);
  o = parse_object (r.out);
  parcels = json_object_get_int_member (o, "parcels");
  g_assert_cmpint (parcels, >=, 1000);
  g_assert_cmpint (parcels, <=, 2000);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (o, "area_mu"),
                                  json_object_get_double_member (o, "area_m2") * 15 / 10000, 0.02);
  g_assert_cmpstr (json_object_get_string_member (o, "crs"), ==, "EPSG:4549");
  g_assert_cmpstr (json_object_get_string_member (o, "encoding"), ==, "UTF-8");
  g_assert_cmpfloat (fabs (json_object_get_double_member (o, "flagged_mu") - 3000), <, 60);
  g_assert_cmpfloat (fabs (json_object_get_double_member (o, "existing_industrial_mu") - 7460), <, 74.6);
  g_assert_cmpfloat (fabs (json_object_get_double_member (o, "incremental_industrial_mu") - 1574), <, 15.74);
  g_assert_cmpfloat (fabs (json_object_get_double_member (o, "zone_km2") - 15.7), <, 0.314);
  g_assert_cmpint (json_object_get_int_member (o, "overdue"), >, 0);

  flagged = json_object_get_int_member (o, "flagged_parcels");
  locks = json_object_get_array_member (o, "locks_held");
  g_assert_cmpuint (json_array_get_length (locks), ==, 5);
  for (guint i = 0; i < 5; i++)
    sum += json_array_get_int_element (locks, i);
  g_assert_cmpint (sum, ==, flagged);

  parts = json_object_get_object_member (o, "parts");
  g_assert_cmpfloat (fabs (json_object_get_double_member (parts, "产业创新发展区") - 10.8), <, 0.216);
  g_assert_cmpfloat (fabs (json_object_get_double_member (parts, "应用综合实践区") - 4.9), <, 0.098);
}

static void
test_summary_survey (void)
{
  g_autofree char *shp = test_sample_file ("maqiao-survey.shp");
  g_auto(TestRun) r = { 0 };
  g_autoptr(JsonObject) o = NULL;

  run (&r, "--summary", "--json", shp, NULL);
  g_assert_cmpint (r.status, ==, 0);
  o = parse_object (r.out);
  g_assert_cmpstr (json_object_get_string_member (o, "encoding"), ==, "GB18030");
  g_assert_cmpstr (json_object_get_string_member (o, "encoding_source"), ==, "detected");
  g_assert_cmpstr (json_object_get_string_member (o, "crs"), ==, "EPSG:4549");
  g_assert_cmpfloat (fabs (json_object_get_double_member (o, "existing_industrial_mu") - 7460), <, 74.6);
}

/* Repaired shapes are counted apart from the total, with a warning. */
static void
test_summary_repaired (void)
{
  g_autofree char *shp = test_corpus_file ("geometry.shp");
  g_auto(TestRun) r = { 0 };
  g_autoptr(JsonObject) o = NULL;
  JsonArray *warnings;
  double repaired_mu, area_mu;

  run (&r, "--summary", "--json", shp, NULL);
  g_assert_cmpint (r.status, ==, 0);
  o = parse_object (r.out);
  /* The bow-tie, the spike and the stray hole (geometry_cases). */
  g_assert_cmpint (json_object_get_int_member (o, "repaired_parcels"), ==, 3);
  repaired_mu = json_object_get_double_member (o, "repaired_mu");
  area_mu = json_object_get_double_member (o, "area_mu");
  g_assert_cmpfloat (repaired_mu, >, 0);
  g_assert_cmpfloat (repaired_mu, <, area_mu);
  warnings = json_object_get_array_member (o, "warnings");
  g_assert_cmpuint (json_array_get_length (warnings), ==, 1);
  g_assert_nonnull (strstr (json_array_get_string_element (warnings, 0), "repair"));
}

static void
test_missing_file (void)
{
  g_auto(TestRun) r = { 0 };

  run (&r, "--summary", "/nonexistent/地块.shp", NULL);
  assert_one_line_naming (&r, "/nonexistent/地块.shp");
}

/* Copies the survey shapefile without its .prj into a fresh folder. */
static char *
copy_without_prj (const char *dir)
{
  static const char *const exts[] = { "shp", "shx", "dbf" };

  for (guint i = 0; i < G_N_ELEMENTS (exts); i++)
    {
      g_autofree char *name = g_strdup_printf ("maqiao-survey.%s", exts[i]);
      g_autofree char *from = test_sample_file (name);
      g_autofree char *to = g_build_filename (dir, name, NULL);
      g_autofree char *data = NULL;
      gsize len;

      g_assert_true (g_file_get_contents (from, &data, &len, NULL));
      g_assert_true (g_file_set_contents (to, data, len, NULL));
    }
  return g_build_filename (dir, "maqiao-survey.shp", NULL);
}

static void
test_missing_prj (void)
{
  g_autofree char *dir = g_dir_make_tmp ("mq-test-XXXXXX", NULL);
  g_autofree char *shp = copy_without_prj (dir);
  g_auto(TestRun) r = { 0 };
  g_auto(TestRun) r2 = { 0 };
  g_autoptr(JsonObject) o = NULL;

  /* Never guessed: refused with the way out named. */
  run (&r, "--summary", shp, NULL);
  assert_one_line_naming (&r, shp);
  g_assert_nonnull (strstr (r.err, "--crs"));

  run (&r2, "--summary", "--json", "--crs=EPSG:4549", shp, NULL);
  g_assert_cmpint (r2.status, ==, 0);
  o = parse_object (r2.out);
  g_assert_cmpstr (json_object_get_string_member (o, "crs"), ==, "EPSG:4549");
  test_remove_dir (dir);
}

static void
test_random_bytes (void)
{
  g_autofree char *dir = g_dir_make_tmp ("mq-test-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "noise.shp", NULL);
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  char bytes[4096];
  g_auto(TestRun) r = { 0 };
  g_auto(TestRun) empty = { 0 };
  g_autofree char *zero = g_build_filename (dir, "zero.gpkg", NULL);

  for (guint i = 0; i < sizeof bytes; i++)
    bytes[i] = (char) g_rand_int (rand);
  g_assert_true (g_file_set_contents (path, bytes, sizeof bytes, NULL));
  run (&r, "--summary", path, NULL);
  assert_one_line_naming (&r, path);

  g_assert_true (g_file_set_contents (zero, "", 0, NULL));
  run (&empty, "--summary", zero, NULL);
  assert_one_line_naming (&empty, zero);
  test_remove_dir (dir);
}

static guint32
pixel (cairo_surface_t *s,
       int              x,
       int              y)
{
  const guint8 *data = cairo_image_surface_get_data (s);

  return *(const guint32 *) (data + y * cairo_image_surface_get_stride (s) + x * 4) & 0xffffff;
}

static void
test_export_png (void)
{
  g_autofree char *dir = g_dir_make_tmp ("mq-test-XXXXXX", NULL);
  g_autofree char *png = g_build_filename (dir, "map.png", NULL);
  g_autofree char *arg = g_strconcat ("--export-png=", png, NULL);
  g_auto(TestRun) r = { 0 };
  cairo_surface_t *s;
  guint dark_blue = 0;

  run (&r, "--sample", arg, "--size=800x600", NULL);
  g_assert_cmpint (r.status, ==, 0);
  s = cairo_image_surface_create_from_png (png);
  g_assert_cmpint (cairo_surface_status (s), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_width (s), ==, 800);
  g_assert_cmpint (cairo_image_surface_get_height (s), ==, 600);
  /* The corner is paper; parcels holding all four locks show in YlGnBu's darkest blue. */
  g_assert_cmphex (pixel (s, 2, 2), ==, 0xf4f2ed);
  for (int y = 0; y < 600; y++)
    for (int x = 0; x < 800; x++)
      dark_blue += pixel (s, x, y) == 0x253494;
  g_assert_cmpuint (dark_blue, >, 500);
  cairo_surface_destroy (s);
  test_remove_dir (dir);
}

/* --layer-add puts the orthophoto under the parcels (the paper of the
 * frame's margin is photograph now); a bad opacity, a missing file and an
 * image with no coordinate system each get one line naming them, and no
 * image is written. */
static void
test_layer_add (void)
{
  g_autofree char *dir = g_dir_make_tmp ("mq-test-XXXXXX", NULL);
  g_autofree char *png = g_build_filename (dir, "map.png", NULL);
  g_autofree char *bare = g_build_filename (dir, "no-crs.png", NULL);
  g_autofree char *missing = g_build_filename (dir, "absent.tif", NULL);
  g_autofree char *ortho = test_sample_file ("maqiao-ortho.tif");
  g_autofree char *arg = g_strconcat ("--export-png=", png, NULL);
  g_autofree char *with = g_strconcat ("--layer-add=", ortho, ",opacity=1", NULL);
  g_autofree char *bad = g_strconcat ("--layer-add=", ortho, ",opacity=2", NULL);
  g_autofree char *absent = g_strconcat ("--layer-add=", missing, NULL);
  g_autofree char *uncharted = g_strconcat ("--layer-add=", bare, NULL);
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 16, 16);
  g_autofree guint32 *plain = g_new0 (guint32, 100 * 100);
  guint pdf_images = 0;

  g_assert_cmpint (cairo_surface_write_to_png (s, bare), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (s);
  for (guint k = 0; k < 2; k++)
    {
      g_auto(TestRun) r = { 0 };
      guint32 changed = 0;

      run (&r, "--sample", arg, "--size=400x300", k == 0 ? "--theme=locks" : with, NULL);
      g_assert_cmpint (r.status, ==, 0);
      s = cairo_image_surface_create_from_png (png);
      g_assert_cmpint (cairo_surface_status (s), ==, CAIRO_STATUS_SUCCESS);
      /* The zone's middle: a plain frame's colours, then the photograph's
       * through them. */
      for (int y = 100; y < 200; y++)
        for (int x = 150; x < 250; x++)
          {
            guint32 p = pixel (s, x, y);

            if (k == 0)
              plain[(y - 100) * 100 + x - 150] = p;
            else
              changed += p != plain[(y - 100) * 100 + x - 150];
          }
      if (k == 1)
        g_assert_cmpuint (changed, >, 5000);
      cairo_surface_destroy (s);
      g_assert_cmpint (g_unlink (png), ==, 0);
    }
  /* In the report too: its maps carry the photograph as an image. */
  for (guint k = 0; k < 2; k++)
    {
      g_autofree char *pdf = g_build_filename (dir, "report.pdf", NULL);
      g_autofree char *pdf_arg = g_strconcat ("--export-pdf=", pdf, NULL);
      g_autofree char *bytes = NULL;
      g_auto(TestRun) r = { 0 };
      gsize length = 0;
      guint images = 0;

      run (&r, "--sample", pdf_arg, k == 0 ? "--theme=locks" : with, NULL);
      g_assert_cmpint (r.status, ==, 0);
      g_assert_true (g_file_get_contents (pdf, &bytes, &length, NULL));
      /* The bytes hold NULs: compared one place at a time. */
      for (gsize at = 0; at + 15 <= length; at++)
        images += memcmp (bytes + at, "/Subtype /Image", 15) == 0;
      if (k == 0)
        pdf_images = images;
      else
        g_assert_cmpuint (images, >, pdf_images);
      g_assert_cmpint (g_unlink (pdf), ==, 0);
    }
  {
    g_auto(TestRun) r = { 0 };

    run (&r, "--sample", arg, bad, NULL);
    assert_one_line_naming (&r, "opacity");
    g_assert_false (g_file_test (png, G_FILE_TEST_EXISTS));
  }
  {
    g_auto(TestRun) r = { 0 };

    run (&r, "--sample", arg, absent, NULL);
    assert_one_line_naming (&r, missing);
    g_assert_false (g_file_test (png, G_FILE_TEST_EXISTS));
  }
  {
    g_auto(TestRun) r = { 0 };

    run (&r, "--sample", arg, uncharted, NULL);
    assert_one_line_naming (&r, bare);
    g_assert_nonnull (strstr (r.err, "coordinate system"));
    g_assert_false (g_file_test (png, G_FILE_TEST_EXISTS));
  }
  test_remove_dir (dir);
}

/* Every parcel with a problem, one line each: id, tab, what is wrong. */
/* The plan's terms are data in the files (能级提升, 推进中), but what a
 * person reads is in their language. */
static void
test_terms_in_language (void)
{
  g_auto(TestRun) en = { 0 };
  g_auto(TestRun) zh = { 0 };

  run (&en, "--sample", "--summary", NULL);
  g_assert_cmpint (en.status, ==, 0);
  g_assert_nonnull (strstr (en.out, "In-place transformation"));
  g_assert_null (strstr (en.out, "就地转型"));
  g_setenv ("LANGUAGE", "zh_CN", TRUE);
  run (&zh, "--sample", "--summary", NULL);
  g_unsetenv ("LANGUAGE");
  g_assert_cmpint (zh.status, ==, 0);
  g_assert_nonnull (strstr (zh.out, "就地转型"));
}


/* What did not read is listed with the text as the file had it. */
static void
test_problems_keep_text (void)
{
  g_autofree char *gpkg = g_build_filename (g_getenv ("MQ_CORPUS_DIR"), "status.gpkg", NULL);
  g_auto(TestRun) r = { 0 };
  g_auto(GStrv) lines = NULL;
  gboolean s08 = FALSE, s13 = FALSE;

  run (&r, "--problems", gpkg, NULL);
  g_assert_cmpint (r.status, ==, 0);
  lines = g_strsplit (r.out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (g_str_has_prefix (lines[i], "S08\t"))
        s08 = strstr (lines[i], "WCSX “12/31/2024”") != NULL;
      if (g_str_has_prefix (lines[i], "S13\t"))
        s13 = strstr (lines[i], "ZXFS “随便”") != NULL;
    }
  g_assert_true (s08);
  g_assert_true (s13);
}

static void
test_problems_listed (void)
{
  g_autofree char *shp = g_build_filename (g_getenv ("MQ_CORPUS_DIR"), "geometry.shp", NULL);
  g_autofree char *dir = g_dir_make_tmp ("mq-test-XXXXXX", NULL);
  g_autofree char *png = g_build_filename (dir, "problems.png", NULL);
  g_autofree char *arg = g_strconcat ("--export-png=", png, NULL);
  g_auto(TestRun) r = { 0 };
  g_auto(TestRun) r2 = { 0 };
  g_auto(GStrv) lines = NULL;
  cairo_surface_t *s;
  guint magenta = 0;

  run (&r, "--problems", shp, NULL);
  g_assert_cmpint (r.status, ==, 0);
  lines = g_strsplit (g_strchomp (r.out), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 9);
  g_assert_true (g_str_has_prefix (lines[0], "G01-bowtie\t"));
  /* …and on the map they stay visible, outlined in magenta. */
  run (&r2, arg, "--size=600x400", shp, NULL);
  g_assert_cmpint (r2.status, ==, 0);
  s = cairo_image_surface_create_from_png (png);
  for (int y = 0; y < 400; y++)
    for (int x = 0; x < 600; x++)
      magenta += pixel (s, x, y) == 0xc51b7d;
  cairo_surface_destroy (s);
  g_assert_cmpuint (magenta, >, 50);
  test_remove_dir (dir);
}

static void
save_layers_setting (const char *gpkg,
                     const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MqDataset) dataset = mq_dataset_load (gpkg, NULL, NULL, &error);
  g_autoptr(MqStore) store = NULL;

  g_assert_no_error (error);
  store = mq_store_open (dataset, &error);
  g_assert_no_error (error);
  g_assert_true (mq_store_set_setting (store, MQ_LAYER_LIST_SETTING, json, &error));
  g_assert_no_error (error);
}

/* The layers a project saved are what its headless export draws: parcels
 * hidden there are not on the PNG, its orthophoto is; a saved list that
 * does not read is one line naming the project, and no image. */
static void
test_saved_layers_exported (void)
{
  g_autofree char *dir = g_dir_make_tmp ("mq-test-XXXXXX", NULL);
  g_autofree char *gpkg = test_copy_sample (dir, "项目.gpkg");
  g_autofree char *png = g_build_filename (dir, "map.png", NULL);
  g_autofree char *arg = g_strconcat ("--export-png=", png, NULL);
  g_autofree char *ortho = test_sample_file ("maqiao-ortho.tif");
  g_autofree char *ortho_json = g_strescape (ortho, NULL);
  g_autofree char *plan = g_build_filename (g_getenv ("MQ_CORPUS_DIR"), "enc-gbk-detect.shp", NULL);
  g_autofree char *plan_json = g_strescape (plan, NULL);
  g_autofree char *json = g_strdup_printf (
    "{\"version\": 1, \"layers\": ["
    "{\"kind\": \"image\", \"path\": \"%s\", \"visible\": true, \"opacity\": 1},"
    "{\"kind\": \"parcels\", \"visible\": false, \"opacity\": 1},"
    "{\"kind\": \"vector\", \"path\": \"%s\", \"visible\": true, \"opacity\": 1}]}", ortho_json, plan_json);
  g_auto(TestRun) plain = { 0 }, r = { 0 }, bad = { 0 };
  guint dark_blue[2] = { 0 }, paper[2] = { 0 };

  /* As saved by default, then with the saved layers. */
  for (guint k = 0; k < 2; k++)
    {
      cairo_surface_t *s;

      if (k == 1)
        save_layers_setting (gpkg, json);
      run (k == 0 ? &plain : &r, arg, "--size=800x600", gpkg, NULL);
      g_assert_cmpint ((k == 0 ? &plain : &r)->status, ==, 0);
      s = cairo_image_surface_create_from_png (png);
      g_assert_cmpint (cairo_surface_status (s), ==, CAIRO_STATUS_SUCCESS);
      for (int y = 0; y < 600; y++)
        for (int x = 0; x < 800; x++)
          {
            dark_blue[k] += pixel (s, x, y) == 0x253494;
            paper[k] += pixel (s, x, y) == 0xf4f2ed;
          }
      cairo_surface_destroy (s);
    }
  g_assert_cmpuint (dark_blue[0], >, 500);
  g_assert_cmpuint (dark_blue[1], ==, 0);
  /* Round the zone, photograph where there was paper. */
  g_assert_cmpuint (paper[1], <, paper[0] * 9 / 10);

  g_assert_cmpint (g_unlink (png), ==, 0);
  save_layers_setting (gpkg, "{\"version\": 1, \"layers\": [{\"kind\": \"clouds\"}]}");
  run (&bad, arg, "--size=800x600", gpkg, NULL);
  assert_one_line_naming (&bad, gpkg);
  g_assert_nonnull (strstr (bad.err, "layer 1"));
  g_assert_false (g_file_test (png, G_FILE_TEST_EXISTS));
  test_remove_dir (dir);
}

/* Line ends and the tab between id and problem are ours; nothing else. */
static void
assert_no_controls (const char *text)
{
  for (const char *p = text; *p; p++)
    if (*p != '\n' && *p != '\t')
      g_assert_false (g_ascii_iscntrl (*p));
  g_assert_null (strstr (text, "\u202e"));
}

/* Ids and paths from files reach the terminal with their control
 * characters escaped: no forged line, no escape sequence. */
static void
test_terminal_safe (void)
{
  g_autofree char *dir = g_dir_make_tmp ("mq-tty-XXXXXX", NULL);
  g_autofree char *json = g_build_filename (dir, "ids.geojson", NULL);
  g_autofree char *missing = g_build_filename (dir, "a\nmaqiao-land: all good\x1b[2J\u202e.shp",
                                               NULL);
  const char *text =
    "{\"type\": \"FeatureCollection\", \"features\": ["
    "{\"type\": \"Feature\", \"properties\": {\"parcel_id\": \"X1\\nMQ0001\\tfine\\u001b]0;owned\\u0007\\u001b[2J\"},"
    " \"geometry\": {\"type\": \"Polygon\", \"coordinates\": [[[121.40, 31.10], [121.41, 31.11],"
    " [121.41, 31.10], [121.40, 31.11], [121.40, 31.10]]]}}]}";
  g_auto(TestRun) r1 = { 0 }, r2 = { 0 };
  g_auto(GStrv) lines = NULL;

  g_assert_true (g_file_set_contents (json, text, -1, NULL));
  run (&r1, "--problems", json, NULL);
  g_assert_cmpint (r1.status, ==, 0);
  lines = g_strsplit (g_strchomp (r1.out), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 1);
  g_assert_true (g_str_has_prefix (lines[0], "X1\\nMQ0001\\tfine\\x1b]0;owned\\x07\\x1b[2J\t"));
  assert_no_controls (r1.out);

  run (&r2, "--summary", missing, NULL);
  assert_one_line_naming (&r2, "a\\nmaqiao-land: all good\\x1b[2J\\u202e.shp");
  assert_no_controls (r2.err);
  test_remove_dir (dir);
}

static char *
join_csv (GPtrArray *rows)
{
  GString *text = g_string_new ("\xEF\xBB\xBF");

  for (guint r = 0; r < rows->len; r++)
    {
      char **cells = g_ptr_array_index (rows, r);

      for (guint c = 0; cells[c] != NULL; c++)
        {
          g_autofree char *escaped = NULL;
          g_auto(GStrv) parts = g_strsplit (cells[c], "\"", -1);

          escaped = g_strjoinv ("\"\"", parts);
          g_string_append_printf (text, c ? ",\"%s\"" : "\"%s\"", escaped);
        }
      g_string_append (text, "\r\n");
    }
  return g_string_free (text, FALSE);
}

static int
column_of (char      **header,
           const char *key)
{
  for (guint c = 0; header[c] != NULL; c++)
    if (g_str_equal (header[c], key))
      return (int) c;
  g_assert_not_reached ();
}

/* The table --export-csv writes, edited (as in Excel) and applied back. */
static void
test_apply_csv (void)
{
  g_autofree char *dir = g_dir_make_tmp ("mq-apply-XXXXXX", NULL);
  g_autofree char *project = test_copy_sample (dir, "p.gpkg");
  g_autofree char *table = g_build_filename (dir, "t.csv", NULL);
  g_autofree char *text = NULL, *edited = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_auto(TestRun) r0 = { 0 }, r1 = { 0 }, r2 = { 0 }, r3 = { 0 }, r4 = { 0 }, r5 = { 0 };
  char **header, **row = NULL;
  int lock, entity, flag, stage;

  run (&r0, "--export-csv", table, project, NULL);
  g_assert_cmpint (r0.status, ==, 0);

  /* The whole table, untouched, changes nothing. */
  run (&r1, "--apply-csv", table, project, NULL);
  g_assert_cmpint (r1.status, ==, 0);
  g_assert_nonnull (strstr (r1.out, "No changes"));

  g_assert_true (g_file_get_contents (table, &text, NULL, NULL));
  rows = mq_csv_parse (text + 3, -1, NULL);
  header = g_ptr_array_index (rows, 0);
  lock = column_of (header, "lock_owner");
  entity = column_of (header, "responsible_entity");
  flag = column_of (header, "flagged");
  stage = column_of (header, "stage");
  for (guint i = 1; i < rows->len && row == NULL; i++)
    {
      char **cells = g_ptr_array_index (rows, i);

      if (g_str_equal (cells[flag], "1") && g_str_equal (cells[lock], "0"))
        row = cells;
    }
  g_assert_nonnull (row);
  g_free (row[lock]);
  row[lock] = g_strdup ("1");
  g_free (row[entity]);
  row[entity] = g_strdup ("马桥镇经发办, 规划科");
  edited = join_csv (rows);
  g_assert_true (g_file_set_contents (table, edited, -1, NULL));
  run (&r2, "--apply-csv", table, project, "--summary", "--json", NULL);
  g_assert_cmpint (r2.status, ==, 0);
  g_assert_nonnull (strstr (r2.out, "1 parcel, 3 fields changed"));

  /* One bad row (row 5, an unknown stage) refuses the table: exit 2, one
   * line naming the file and the row, nothing changed. */
  row = g_ptr_array_index (rows, 4);
  g_free (row[stage]);
  row[stage] = g_strdup ("快完成了");
  g_free (row[entity]);
  row[entity] = g_strdup ("不应出现");
  g_clear_pointer (&edited, g_free);
  edited = join_csv (rows);
  g_assert_true (g_file_set_contents (table, edited, -1, NULL));
  run (&r3, "--summary", "--json", project, NULL);
  run (&r4, "--apply-csv", table, project, NULL);
  assert_one_line_naming (&r4, "t.csv");
  g_assert_nonnull (strstr (r4.err, "row 5"));
  g_assert_nonnull (strstr (r4.err, "快完成了"));
  run (&r5, "--summary", "--json", project, NULL);
  g_assert_cmpstr (r5.out, ==, r3.out);

  test_remove_dir (dir);
}

/* The 台账 edited in a spreadsheet and applied back: two cells changed
 * through GDAL's XLSX driver (not ours) change exactly those two values;
 * the total row is no parcel; the workbook untouched changes nothing. */
static void
test_apply_xlsx (void)
{
  g_autofree char *dir = g_dir_make_tmp ("mq-apply-xlsx-XXXXXX", NULL);
  g_autofree char *project = test_copy_sample (dir, "p.gpkg");
  g_autofree char *book = g_build_filename (dir, "台账.xlsx", NULL);
  g_autofree char *table = g_build_filename (dir, "after.csv", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_auto(TestRun) r0 = { 0 }, r1 = { 0 }, r2 = { 0 }, r3 = { 0 };
  const char *options[] = { "HEADERS=FORCE", NULL };
  g_autofree char *id = NULL;
  GDALDatasetH x;
  OGRLayerH layer;
  OGRFeatureH f;
  int id_i, entity_i, contact_i;
  char **header;

  run (&r0, "--export-xlsx", book, project, NULL);
  g_assert_cmpint (r0.status, ==, 0);
  run (&r1, "--apply-csv", book, project, NULL);
  g_assert_cmpint (r1.status, ==, 0);
  g_assert_nonnull (strstr (r1.out, "No changes"));

  x = GDALOpenEx (book, GDAL_OF_VECTOR | GDAL_OF_UPDATE, NULL, options, NULL);
  g_assert_nonnull (x);
  layer = GDALDatasetGetLayer (x, 0);
  id_i = OGR_FD_GetFieldIndex (OGR_L_GetLayerDefn (layer), "parcel_id");
  entity_i = OGR_FD_GetFieldIndex (OGR_L_GetLayerDefn (layer), "responsible_entity");
  contact_i = OGR_FD_GetFieldIndex (OGR_L_GetLayerDefn (layer), "contact");
  g_assert_cmpint (entity_i, >, 0);
  g_assert_cmpint (contact_i, >, 0);
  f = OGR_L_GetFeature (layer, 10);
  id = g_strdup (OGR_F_GetFieldAsString (f, id_i));
  OGR_F_SetFieldString (f, entity_i, "马桥镇经发办");
  OGR_F_SetFieldString (f, contact_i, "王工");
  g_assert_cmpint (OGR_L_SetFeature (layer, f), ==, OGRERR_NONE);
  OGR_F_Destroy (f);
  GDALClose (x);

  run (&r2, "--apply-csv", book, project, "--export-csv", table, NULL);
  g_assert_cmpint (r2.status, ==, 0);
  g_assert_nonnull (strstr (r2.out, "1 parcel, 2 fields changed"));
  g_assert_true (g_file_get_contents (table, &text, NULL, NULL));
  rows = mq_csv_parse (text + 3, -1, NULL);
  header = g_ptr_array_index (rows, 0);
  for (guint i = 1; i < rows->len; i++)
    {
      char **cells = g_ptr_array_index (rows, i);

      if (!g_str_equal (cells[0], id))
        continue;
      g_assert_cmpstr (cells[column_of (header, "responsible_entity")], ==, "马桥镇经发办");
      g_assert_cmpstr (cells[column_of (header, "contact")], ==, "王工");
    }

  /* A stage nobody knows, in the sheet's row 20: refused, naming that row. */
  x = GDALOpenEx (book, GDAL_OF_VECTOR | GDAL_OF_UPDATE, NULL, options, NULL);
  layer = GDALDatasetGetLayer (x, 0);
  f = OGR_L_GetFeature (layer, 20);
  OGR_F_SetFieldString (f, OGR_FD_GetFieldIndex (OGR_L_GetLayerDefn (layer), "stage"), "快完成了");
  g_assert_cmpint (OGR_L_SetFeature (layer, f), ==, OGRERR_NONE);
  OGR_F_Destroy (f);
  GDALClose (x);
  run (&r3, "--apply-csv", book, project, NULL);
  assert_one_line_naming (&r3, "台账.xlsx");
  g_assert_nonnull (strstr (r3.err, "row 20"));
  g_assert_nonnull (strstr (r3.err, "快完成了"));
  test_remove_dir (dir);
}

/* Text that a spreadsheet would run as a formula is written with a leading
 * ' and read back without it; numbers are left alone. */
static void
test_csv_formulas (void)
{
  g_autofree char *dir = g_dir_make_tmp ("mq-formula-XXXXXX", NULL);
  g_autofree char *project = test_copy_sample (dir, "p.gpkg");
  g_autofree char *table = g_build_filename (dir, "in.csv", NULL);
  g_autofree char *exported = g_build_filename (dir, "out.csv", NULL);
  g_autoptr(MqDataset) dataset = mq_dataset_load (project, NULL, NULL, NULL);
  const char *id = mq_parcels_get (mq_dataset_get_parcels (dataset), 3)->id;
  g_autofree char *text = g_strdup_printf ("parcel_id,responsible_entity,contact,notes\n"
                                           "%s,\"=HYPERLINK(\"\"http://x\"\")\",@SUM(A1),-2+3\n", id);
  g_autofree char *out = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(MqDataset) reread = NULL;
  g_auto(TestRun) r1 = { 0 }, r2 = { 0 };
  char **header, **row = NULL;

  g_assert_true (g_file_set_contents (table, text, -1, NULL));
  run (&r1, "--apply-csv", table, project, "--export-csv", exported, NULL);
  g_assert_cmpint (r1.status, ==, 0);
  g_assert_true (g_file_get_contents (exported, &out, NULL, NULL));
  rows = mq_csv_parse (out + 3, -1, NULL);
  header = g_ptr_array_index (rows, 0);
  for (guint i = 1; i < rows->len; i++)
    {
      char **cells = g_ptr_array_index (rows, i);

      if (g_str_equal (cells[0], id))
        row = cells;
      g_assert_cmpint (cells[column_of (header, "area_m2")][0], !=, '\'');
    }
  g_assert_nonnull (row);
  g_assert_cmpstr (row[column_of (header, "responsible_entity")], ==, "'=HYPERLINK(\"http://x\")");
  g_assert_cmpstr (row[column_of (header, "contact")], ==, "'@SUM(A1)");
  g_assert_cmpstr (row[column_of (header, "notes")], ==, "'-2+3");

  /* Read back, the ' is gone: the exported table changes nothing. */
  run (&r2, "--apply-csv", exported, project, NULL);
  g_assert_cmpint (r2.status, ==, 0);
  g_assert_nonnull (strstr (r2.out, "No changes"));
  reread = mq_dataset_load (project, NULL, NULL, NULL);
  g_assert_cmpstr (mq_parcels_get (mq_dataset_get_parcels (reread), 3)->details->entity, ==,
                   "=HYPERLINK(\"http://x\")");
  test_remove_dir (dir);
}

/* A status table that fills the disk half-way is refused whole: exit 2,
 * one line naming the project, every figure as before. */
static void
test_apply_csv_disk_full (void)
{
  g_autofree char *dir = g_dir_make_tmp ("mq-full-XXXXXX", NULL);
  g_autofree char *project = test_copy_sample (dir, "p.gpkg");
  g_autofree char *table = g_build_filename (dir, "t.csv", NULL);
  g_autoptr(GString) text = g_string_new ("parcel_id,notes\n");
  g_autoptr(MqDataset) dataset = NULL;
  g_auto(TestRun) before = { 0 }, r = { 0 }, after = { 0 };
  MqParcels *parcels;

  dataset = mq_dataset_load (project, NULL, NULL, NULL);
  parcels = mq_dataset_get_parcels (dataset);
  /* About 1 MB of notes: four times what the "disk" holds. */
  for (guint i = 0; i < mq_parcels_get_n_parcels (parcels); i++)
    {
      g_string_append_printf (text, "%s,", mq_parcels_get (parcels, i)->id);
      for (guint k = 0; k < 100; k++)
        g_string_append (text, "备注");
      g_string_append_c (text, '\n');
    }
  g_assert_true (g_file_set_contents (table, text->str, -1, NULL));
  run (&before, "--summary", "--json", project, NULL);
  child_setup = limit_file_size;
  run (&r, "--apply-csv", table, project, NULL);
  child_setup = NULL;
  assert_one_line_naming (&r, "p.gpkg");
  /* A real ENOSPC is SQLITE_FULL ("the disk is full"); the size limit
   * used here comes back as an I/O error. Either way: nothing changed. */
  run (&after, "--summary", "--json", project, NULL);
  g_assert_cmpint (after.status, ==, 0);
  g_assert_cmpstr (after.out, ==, before.out);
  test_remove_dir (dir);
}

/* A map that cannot be written whole (the "disk" fills) leaves the previous
 * one as it was, PNG or SVG, and no temporary file. */
static void
test_export_keeps_previous (void)
{
  g_autofree char *dir = g_dir_make_tmp ("mq-keep-XXXXXX", NULL);
  const char *names[] = { "map.png", "map.svg" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (dir, names[i], NULL);
      g_autofree char *small = g_strconcat (i ? "--export-svg=" : "--export-png=", path, NULL);
      g_autofree char *before = NULL, *after = NULL;
      gsize before_len, after_len;
      g_auto(TestRun) r1 = { 0 }, r2 = { 0 };

      run (&r1, "--sample", small, "--size=200x150", "--theme=flagged", NULL);
      g_assert_cmpint (r1.status, ==, 0);
      g_assert_true (g_file_get_contents (path, &before, &before_len, NULL));
      child_setup = limit_file_size;
      run (&r2, "--sample", small, "--size=1600x1200", NULL);
      child_setup = NULL;
      assert_one_line_naming (&r2, names[i]);
      g_assert_true (g_file_get_contents (path, &after, &after_len, NULL));
      g_assert_cmpuint (after_len, ==, before_len);
      g_assert_true (memcmp (before, after, before_len) == 0);
      g_assert_cmpuint (test_count_parts (path), ==, 0);
    }
  test_remove_dir (dir);
}

/* No export lands on the project it reads, by any name. */
static void
test_export_not_over_input (void)
{
  g_autofree char *dir = g_dir_make_tmp ("mq-input-XXXXXX", NULL);
  g_autofree char *project = test_copy_sample (dir, "p.gpkg");
  g_autofree char *link = g_build_filename (dir, "link.png", NULL);
  g_autofree char *wal = g_strconcat (project, "-wal", NULL);
  g_autofree char *png = g_strconcat ("--export-png=", project, NULL);
  g_autofree char *svg = g_strconcat ("--export-svg=", link, NULL);
  g_autofree char *csv = g_strconcat ("--export-csv=", wal, NULL);
  g_autofree char *before = NULL, *after = NULL;
  gsize before_len, after_len;
  g_auto(TestRun) r1 = { 0 }, r2 = { 0 }, r3 = { 0 };

  g_assert_cmpint (symlink (project, link), ==, 0);
  g_assert_true (g_file_get_contents (project, &before, &before_len, NULL));
  run (&r1, project, png, NULL);
  assert_one_line_naming (&r1, "p.gpkg");
  run (&r2, project, svg, NULL);
  assert_one_line_naming (&r2, "link.png");
  run (&r3, project, csv, NULL);
  assert_one_line_naming (&r3, "p.gpkg-wal");
  g_assert_nonnull (strstr (r3.err, "is the project being read"));
  g_assert_true (g_file_get_contents (project, &after, &after_len, NULL));
  g_assert_cmpuint (after_len, ==, before_len);
  g_assert_true (memcmp (before, after, before_len) == 0);
  test_remove_dir (dir);
}

static GSubprocess *
start_import (const char *source,
              const char *output)
{
  const char *argv[] = { g_getenv ("MQ_BINARY"), "--import", source, "--output", output, NULL };
  g_autoptr(GError) error = NULL;
  GSubprocess *p = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                            G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);

  g_assert_no_error (error);
  return p;
}

/* Two imports to one name: one succeeds, the other says the file exists;
 * the project is whole, and no temporary file is left. A .part of an import
 * that was killed (its process gone) is removed by the next import. */
static void
test_import_race (void)
{
  g_autofree char *dir = g_dir_make_tmp ("mq-race-XXXXXX", NULL);
  g_autofree char *source = test_sample_file ("maqiao-survey.shp");
  g_autofree char *output = g_build_filename (dir, "p.gpkg", NULL);
  g_autofree char *stale = NULL;
  g_autoptr(GSubprocess) a = NULL, b = NULL;
  g_autoptr(MqDataset) dataset = NULL;
  const char *argv[] = { "true", NULL };
  GPid dead = 0;
  int ok;

  g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD, NULL,
                 NULL, &dead, NULL);
  g_assert_cmpint (waitpid (dead, NULL, 0), ==, dead);
  stale = g_strdup_printf ("%s.%d-abcdef.part.gpkg", output, (int) dead);
  g_assert_true (g_file_set_contents (stale, "killed half-way", -1, NULL));

  a = start_import (source, output);
  b = start_import (source, output);
  g_assert_true (g_subprocess_wait (a, NULL, NULL));
  g_assert_true (g_subprocess_wait (b, NULL, NULL));
  ok = (g_subprocess_get_exit_status (a) == 0) + (g_subprocess_get_exit_status (b) == 0);
  g_assert_cmpint (ok, ==, 1);
  g_assert_cmpint (g_subprocess_get_exit_status (a) + g_subprocess_get_exit_status (b), ==, 2);
  dataset = mq_dataset_load (output, NULL, NULL, NULL);
  g_assert_nonnull (dataset);
  g_assert_false (g_file_test (stale, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (test_count_parts (output), ==, 0);
  test_remove_dir (dir);
}

static gint64
count_rows (const char *path,
            const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n = -1;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

/* A project that brings its own trigger is not edited headless either:
 * exit 2, one line saying why; the trigger never ran. */
static void
test_apply_csv_untrusted (void)
{
  g_autofree char *dir = g_dir_make_tmp ("mq-trigger-XXXXXX", NULL);
  g_autofree char *project = test_copy_sample (dir, "p.gpkg");
  g_autofree char *table = g_build_filename (dir, "t.csv", NULL);
  g_autoptr(MqDataset) dataset = mq_dataset_load (project, NULL, NULL, NULL);
  g_autofree char *text = g_strdup_printf ("parcel_id,notes\n%s,新备注\n",
                                           mq_parcels_get (mq_dataset_get_parcels (dataset), 0)->id);
  const char *marked = "SELECT count(*) FROM parcels WHERE notes = 'pwned'";
  sqlite3 *db = NULL;
  g_auto(TestRun) r = { 0 };

  g_assert_cmpint (sqlite3_open (project, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "INSERT INTO lock_history (parcel_id, field) VALUES ('x', 'y');"
                                     "CREATE TRIGGER evil AFTER UPDATE ON parcels BEGIN"
                                     " UPDATE parcels SET notes = 'pwned' WHERE fid <> NEW.fid;"
                                     " DELETE FROM lock_history; END", NULL, NULL, NULL),
                   ==, SQLITE_OK);
  sqlite3_close (db);
  g_assert_true (g_file_set_contents (table, text, -1, NULL));
  run (&r, "--apply-csv", table, project, NULL);
  assert_one_line_naming (&r, "p.gpkg");
  g_assert_nonnull (strstr (r.err, "evil"));
  g_assert_cmpint (count_rows (project, "SELECT count(*) FROM lock_history"), ==, 1);
  g_assert_cmpint (count_rows (project, marked), ==, 0);
  test_remove_dir (dir);
}

/* GDAL's own "ERROR n:" lines never come before ours. */
static void
test_import_one_line (void)
{
  g_autofree char *source = test_sample_file ("maqiao-survey.shp");
  g_auto(TestRun) r = { 0 };

  run (&r, "--import", source, "--output", "/nonexistent-mq/p.gpkg", NULL);
  assert_one_line_naming (&r, "/nonexistent-mq/p.gpkg");
  g_assert_null (strstr (r.err, "ERROR"));
}

/* ---- #15 misc: leaving by a signal, zh_CN leftovers, which file --sample is ---- */

#define WAIT_SECONDS 180

static gboolean
keep_ticking (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static void
on_exited (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *(gboolean *) data = TRUE;
}

static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* Until @path exists (@want) or not, or the process has exited. */
static void
wait_for_file (const char *path,
               gboolean    want,
               gboolean   *exited)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) dir = g_file_get_parent (file);
  g_autoptr(GFileMonitor) monitor = g_file_monitor_directory (dir, G_FILE_MONITOR_NONE, NULL, NULL);
  gint64 deadline = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;
  guint tick = g_timeout_add (100, keep_ticking, NULL);

  /* Its events wake the loop as soon as the file comes or goes; the tick
   * only reads the deadline. */
  g_assert_nonnull (monitor);
  while (g_file_test (path, G_FILE_TEST_EXISTS) != want && !*exited &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
}

/* The window on a project that another program edited (its edit sits in
 * the -wal while the window holds the file open): SIGTERM or SIGINT quits
 * as Ctrl+Q does, and the .gpkg alone holds the edit. */
static void
signal_leaves_one_file (int signum)
{
  g_autofree char *dir = g_dir_make_tmp ("mq-signal-XXXXXX", NULL);
  g_autofree char *project = test_copy_sample (dir, "p.gpkg");
  g_autofree char *wal = g_strconcat (project, "-wal", NULL);
  g_autofree char *table = g_build_filename (dir, "t.csv", NULL);
  g_autofree char *alone = g_build_filename (dir, "alone.gpkg", NULL);
  g_autoptr(MqDataset) dataset = mq_dataset_load (project, NULL, NULL, NULL);
  g_autofree char *text = g_strdup_printf ("parcel_id,notes\n%s,退出前的备注\n",
                                           mq_parcels_get (mq_dataset_get_parcels (dataset), 0)->id);
  const char *argv[] = { g_getenv ("MQ_BINARY"), project, NULL };
  const char *noted = "SELECT count(*) FROM parcels WHERE notes = '退出前的备注'";
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr(GSubprocess) window = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *bytes = NULL;
  gboolean exited = FALSE;
  g_auto(TestRun) r = { 0 };
  gsize length;

  /* A failed assertion must not leave the window running (holding the test
   * runner's pipes open until its timeout). */
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  /* Drawn with cairo, as the GUI tests are: llvmpipe's JIT registering its
   * unwind tables deadlocks with AddressSanitizer's slow unwinder. */
  g_subprocess_launcher_setenv (launcher, "GSK_RENDERER", "cairo", TRUE);
  window = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  g_subprocess_wait_async (window, NULL, on_exited, &exited);
  wait_for_file (wal, TRUE, &exited);
  g_assert_false (exited);
  g_assert_true (g_file_set_contents (table, text, -1, NULL));
  run (&r, "--apply-csv", table, project, NULL);
  g_assert_cmpint (r.status, ==, 0);
  /* The window reloads what another program committed (closing and opening
   * its store): signalled once it holds the file again. */
  wait_for_file (wal, TRUE, &exited);
  g_assert_false (exited);

  g_subprocess_send_signal (window, signum);
  while (!exited)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (g_subprocess_get_if_exited (window));
  g_assert_cmpint (g_subprocess_get_exit_status (window), ==, 0);
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_get_contents (project, &bytes, &length, NULL));
  g_assert_true (g_file_set_contents (alone, bytes, length, NULL));
  g_assert_cmpint (count_rows (alone, noted), ==, 1);
  test_remove_dir (dir);
}

/* How the text encoding was found is said in Chinese too: no "(default)"
 * or "(detected)" in a Chinese summary. */
static void
test_encoding_source_in_language (void)
{
  g_autofree char *gbk = test_corpus_file ("enc-gbk-detect.shp");
  g_auto(TestRun) a = { 0 };
  g_auto(TestRun) b = { 0 };

  g_setenv ("LANGUAGE", "zh_CN", TRUE);
  run (&a, "--sample", "--summary", NULL);
  run (&b, gbk, "--summary", NULL);
  g_unsetenv ("LANGUAGE");
  g_assert_cmpint (a.status, ==, 0);
  g_assert_cmpint (b.status, ==, 0);
  g_assert_null (strstr (a.out, "(default)"));
  g_assert_null (strstr (b.out, "(detected)"));
  g_assert_nonnull (strstr (b.out, "检测"));
}

/* --sample is the file the window edits: once the user's copy exists, the
 * command line reads it (a table applied headless goes into it, made if need
 * be), and the bundled file stays as shipped. */
static void
test_sample_is_window_copy (void)
{
  g_autofree char *dir = g_dir_make_tmp ("mq-sample-XXXXXX", NULL);
  g_autofree char *bundled_dir = g_build_filename (dir, "share", NULL);
  g_autofree char *xdg = g_build_filename (dir, "xdg", NULL);
  g_autofree char *copy = g_build_filename (xdg, "maqiao-land", "maqiao-sample.gpkg", NULL);
  g_autofree char *table = g_build_filename (dir, "t.csv", NULL);
  g_autofree char *out = g_build_filename (dir, "out.csv", NULL);
  g_autofree char *old_sample = g_strdup (g_getenv ("MQ_SAMPLE_DIR"));
  g_autofree char *old_xdg = g_strdup (g_getenv ("XDG_DATA_HOME"));
  g_autofree char *bundled = NULL, *text = NULL, *exported = NULL;
  g_autoptr(MqDataset) dataset = NULL;
  const char *noted = "SELECT count(*) FROM parcels WHERE notes = '命令行的备注'";
  g_auto(TestRun) r1 = { 0 }, r2 = { 0 }, r3 = { 0 };

  g_assert_cmpint (g_mkdir (bundled_dir, 0700), ==, 0);
  bundled = test_copy_sample (bundled_dir, "maqiao.gpkg");
  dataset = mq_dataset_load (bundled, NULL, NULL, NULL);
  text = g_strdup_printf ("parcel_id,notes\n%s,命令行的备注\n",
                          mq_parcels_get (mq_dataset_get_parcels (dataset), 0)->id);
  g_assert_true (g_file_set_contents (table, text, -1, NULL));
  g_setenv ("MQ_SAMPLE_DIR", bundled_dir, TRUE);
  g_setenv ("XDG_DATA_HOME", xdg, TRUE);

  run (&r1, "--sample", "--summary", NULL);
  g_assert_cmpint (r1.status, ==, 0);
  g_assert_false (g_file_test (copy, G_FILE_TEST_EXISTS));   /* reading makes no copy */
  run (&r2, "--sample", "--apply-csv", table, NULL);
  g_assert_cmpint (r2.status, ==, 0);
  g_assert_true (g_file_test (copy, G_FILE_TEST_EXISTS));
  g_assert_cmpint (count_rows (copy, noted), ==, 1);
  g_assert_cmpint (count_rows (bundled, noted), ==, 0);
  run (&r3, "--sample", "--export-csv", out, NULL);
  g_assert_cmpint (r3.status, ==, 0);
  g_assert_true (g_file_get_contents (out, &exported, NULL, NULL));
  g_assert_nonnull (strstr (exported, "命令行的备注"));

  g_setenv ("MQ_SAMPLE_DIR", old_sample, TRUE);
  g_setenv ("XDG_DATA_HOME", old_xdg, TRUE);
  test_remove_dir (dir);
}

/* --export-xlsx: the 台账 of a survey file, Chinese headers under a Chinese
 * locale; a name it cannot write gives one line naming it and exit 2 (bad input). */
static void
test_export_xlsx (void)
{
  g_autofree char *dir = g_dir_make_tmp ("mq-xlsx-XXXXXX", NULL);
  g_autofree char *out = g_build_filename (dir, "台账.xlsx", NULL);
  g_autofree char *bad = g_build_filename (dir, "missing", "台账.xlsx", NULL);
  g_autofree char *survey = test_sample_file ("maqiao-survey.shp");
  g_autofree char *old_language = g_strdup (g_getenv ("LANGUAGE"));
  const char *options[] = { "HEADERS=FORCE", NULL };
  g_auto(TestRun) r1 = { 0 }, r2 = { 0 };
  GDALDatasetH x;
  OGRLayerH layer;

  g_setenv ("LANGUAGE", "zh_CN", TRUE);
  run (&r1, survey, "--export-xlsx", out, NULL);
  g_assert_cmpint (r1.status, ==, 0);
  x = GDALOpenEx (out, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, options, NULL);
  g_assert_nonnull (x);
  layer = GDALDatasetGetLayer (x, 0);
  /* 1,154 parcels and the total row. */
  g_assert_cmpint (OGR_L_GetFeatureCount (layer, TRUE), ==, 1155);
  g_assert_cmpint (OGR_FD_GetFieldIndex (OGR_L_GetLayerDefn (layer), "地块编号"), ==, 0);
  GDALClose (x);

  run (&r2, survey, "--export-xlsx", bad, NULL);
  g_assert_cmpint (r2.status, ==, 2);
  g_assert_nonnull (strstr (r2.err, bad));
  g_assert_null (strchr (g_strchomp (r2.err), '\n'));
  if (old_language != NULL)
    g_setenv ("LANGUAGE", old_language, TRUE);
  else
    g_unsetenv ("LANGUAGE");
  test_remove_dir (dir);
}

/* The build's binary run as it is (no meson devenv) finds the build's
 * sample; a copy of it elsewhere says in one line what to do. */
static void
test_build_binary_finds_sample (void)
{
  g_autofree char *dir = g_dir_make_tmp ("mq-bare-XXXXXX", NULL);
  g_autofree char *moved = g_build_filename (dir, "maqiao-land", NULL);
  g_autofree char *old_sample = g_strdup (g_getenv ("MQ_SAMPLE_DIR"));
  g_autofree char *old_xdg = g_strdup (g_getenv ("XDG_DATA_HOME"));
  g_autofree char *bytes = NULL;
  const char *argv[] = { moved, "--sample", "--summary", NULL };
  g_autofree char *out = NULL, *err = NULL;
  g_auto(TestRun) r = { 0 };
  int wait_status = 0;
  gsize length;

  g_unsetenv ("MQ_SAMPLE_DIR");
  g_setenv ("XDG_DATA_HOME", dir, TRUE);
  run (&r, "--sample", "--summary", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "maqiao.gpkg"));

  g_assert_true (g_file_get_contents (g_getenv ("MQ_BINARY"), &bytes, &length, NULL));
  g_assert_true (g_file_set_contents (moved, bytes, length, NULL));
  g_assert_cmpint (g_chmod (moved, 0755), ==, 0);
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &wait_status, NULL);
  g_assert_true (WIFEXITED (wait_status));
  g_assert_cmpint (WEXITSTATUS (wait_status), ==, 2);
  g_assert_nonnull (strstr (err, "meson devenv"));
  g_assert_cmpint (strchr (err, '\n') - err, ==, (int) strlen (err) - 1);

  g_setenv ("MQ_SAMPLE_DIR", old_sample, TRUE);
  g_setenv ("XDG_DATA_HOME", old_xdg, TRUE);
  test_remove_dir (dir);
}

/* Built with AddressSanitizer (gcc says so by a macro, clang by a feature). */
#if defined(__SANITIZE_ADDRESS__)
#define MQ_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MQ_TEST_ASAN 1
#endif
#endif

static void
test_sigterm_leaves_one_file (void)
{
  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_test_skip ("no display for the window");
      return;
    }
#ifdef MQ_TEST_ASAN
  /* The whole window under AddressSanitizer, as a separate process, is at
   * times killed on its way out (Mesa and GTK under ASan's unwinder); the
   * same quit path runs in-process under ASan in /gui/sigterm-closes-project,
   * and this test runs in the gcc and ThreadSanitizer builds. */
  g_test_skip ("the window as its own process is not run under AddressSanitizer");
  return;
#endif
  signal_leaves_one_file (SIGTERM);
  signal_leaves_one_file (SIGINT);
}

/* The history rows after @after_fid dated @iso, as if made that day. */
static gint64
date_history (const char *path,
              gint64      after_fid,
              const char *iso)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 last;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "UPDATE lock_history SET changed_at = ?1 WHERE fid > ?2", -1, &stmt,
                                       NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, iso, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, after_fid);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  last = count_rows (path, "SELECT coalesce(max(fid), 0) FROM lock_history");
  return last;
}

/* The parcel table as --export-csv writes it (at --as-of=… when @as_of). */
static char *
export_table (const char *dir,
              const char *project,
              const char *as_of)
{
  g_autofree char *path = g_build_filename (dir, "ledger.csv", NULL);
  g_autofree char *arg = g_strconcat ("--export-csv=", path, NULL);
  g_auto(TestRun) r = { 0 };
  char *text = NULL;

  g_unlink (path);
  run (&r, arg, project, as_of, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

/* A report of a past day says so, in its banner and its 图签. */
static void
assert_report_as_of (const char *dir,
                     const char *project)
{
  g_autofree char *pdf = g_build_filename (dir, "past.pdf", NULL);
  g_autofree char *arg = g_strconcat ("--export-pdf=", pdf, NULL);
  const char *argv[] = { "pdftotext", pdf, "-", NULL };
  g_autofree char *text = NULL;
  g_auto(TestRun) r = { 0 };
  int status = 0;

  run (&r, arg, "--as-of=2025-03-10", project, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, &text, NULL, &status, NULL));
  g_assert_nonnull (strstr (text, "As of 10 March 2025"));
  g_assert_nonnull (strstr (text, "status as of 2025-03-10"));
}

/* --changes-since=DAY --json: the ids edited after @day (one a day from the
 * second, in @edited), each holding the owner lock anew. */
static void
assert_changes_since (const char *project,
                      const char *day_text,
                      GPtrArray  *edited,
                      guint       day)
{
  g_autofree char *arg = g_strconcat ("--changes-since=", day_text, NULL);
  g_auto(TestRun) r = { 0 };
  g_autoptr(JsonObject) o = NULL;
  JsonArray *changed, *users;
  guint expected = edited->len - day;

  run (&r, arg, "--json", project, NULL);
  g_assert_cmpint (r.status, ==, 0);
  o = parse_object (r.out);
  changed = json_object_get_array_member (o, "changed");
  g_assert_cmpuint (json_array_get_length (changed), ==, expected);
  for (guint i = 0; i < expected; i++)
    {
      const char *id = g_ptr_array_index (edited, day + i);
      gboolean found = FALSE;

      for (guint k = 0; k < json_array_get_length (changed); k++)
        found = found || g_str_equal (json_object_get_string_member (json_array_get_object_element (changed, k),
                                                                     "id"), id);
      g_assert_true (found);
    }
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (
                     json_object_get_object_member (o, "new_locks"), "owner"), "parcels"), ==, expected);
  users = json_object_get_array_member (o, "by_user");
  g_assert_cmpuint (json_array_get_length (users), ==, expected > 0 ? 1 : 0);
  if (expected > 0)
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (users, 0), "parcels"), ==,
                     expected);
}

/* The figures at a past date are the ones printed that day: three status
 * tables applied on three dates (each a lock and an entity for another
 * flagged parcel), the summary taken each day; asked later with --as-of,
 * each day's summary and parcel table come back, and the one from before
 * them all; a report of a past day says so; --changes-since each day lists
 * the parcels edited after it. A date that is no date, or --as-of with
 * --apply-csv, is one line and exit 2. */
static void
test_as_of (void)
{
  static const char *const days[] = { "2026-10-26", "2026-11-02", "2026-11-09", "2026-11-16" };
  g_autofree char *dir = g_dir_make_tmp ("mq-as-of-XXXXXX", NULL);
  g_autofree char *project = test_copy_sample_with_history (dir, "p.gpkg");
  g_autofree char *table = g_build_filename (dir, "t.csv", NULL);
  g_autoptr(GPtrArray) printed = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) edited_ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) ledgers = g_ptr_array_new_with_free_func (g_free);
  g_auto(TestRun) r0 = { 0 }, bad = { 0 }, drawn = { 0 };
  g_autofree char *text = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  char **header;
  int lock, entity, flag;
  gint64 last_fid = 0;
  guint changed = 0;

  /* The sample's own past ends before these days; only our rows are dated. */
  last_fid = count_rows (project, "SELECT coalesce(max(fid), 0) FROM lock_history");
  run (&r0, "--export-csv", table, project, NULL);
  g_assert_cmpint (r0.status, ==, 0);
  g_assert_true (g_file_get_contents (table, &text, NULL, NULL));
  rows = mq_csv_parse (text + 3, -1, NULL);
  header = g_ptr_array_index (rows, 0);
  lock = column_of (header, "lock_owner");
  entity = column_of (header, "responsible_entity");
  flag = column_of (header, "flagged");

  for (guint day = 0; day < G_N_ELEMENTS (days); day++)
    {
      g_auto(TestRun) applied = { 0 }, summary = { 0 };
      g_autofree char *iso = g_strconcat (days[day], "T04:00:00.000Z", NULL);

      g_setenv ("MQ_TODAY", days[day], TRUE);
      if (day > 0)
        {
          g_autofree char *edited = NULL;
          char **row = NULL;

          for (guint i = 1; i < rows->len && row == NULL; i++)
            {
              char **cells = g_ptr_array_index (rows, i);

              if (g_str_equal (cells[flag], "1") && g_str_equal (cells[lock], "0"))
                row = cells;
            }
          g_assert_nonnull (row);
          g_ptr_array_add (edited_ids, g_strdup (row[column_of (header, "parcel_id")]));
          g_free (row[lock]);
          row[lock] = g_strdup ("1");
          g_free (row[entity]);
          row[entity] = g_strdup_printf ("马桥镇经发办 %u", day);
          edited = join_csv (rows);
          g_assert_true (g_file_set_contents (table, edited, -1, NULL));
          run (&applied, "--apply-csv", table, project, NULL);
          g_assert_cmpint (applied.status, ==, 0);
          g_assert_nonnull (strstr (applied.out, "1 parcel"));
          last_fid = date_history (project, last_fid, iso);
          changed++;
        }
      run (&summary, "--summary", "--json", project, NULL);
      g_assert_cmpint (summary.status, ==, 0);
      g_ptr_array_add (printed, g_steal_pointer (&summary.out));
      g_ptr_array_add (ledgers, export_table (dir, project, NULL));
    }
  g_assert_cmpuint (changed, ==, 3);
  /* Each day's figures differ from the last's: the test can tell them apart. */
  for (guint day = 1; day < G_N_ELEMENTS (days); day++)
    g_assert_cmpstr (g_ptr_array_index (printed, day), !=, g_ptr_array_index (printed, day - 1));

  g_setenv ("MQ_TODAY", "2026-11-30", TRUE);
  for (guint day = 0; day < G_N_ELEMENTS (days); day++)
    {
      g_auto(TestRun) asked = { 0 };
      g_autofree char *arg = g_strconcat ("--as-of=", days[day], NULL);

      g_autofree char *ledger = export_table (dir, project, arg);

      run (&asked, "--summary", "--json", arg, project, NULL);
      g_assert_cmpint (asked.status, ==, 0);
      g_assert_cmpstr (asked.out, ==, g_ptr_array_index (printed, day));
      /* The table exported at the past day is the one exported that day. */
      g_assert_cmpstr (ledger, ==, g_ptr_array_index (ledgers, day));
    }
  /* Since each day: exactly the parcels edited after it, each a lock newly
   * held, all by this user. */
  for (guint day = 0; day < G_N_ELEMENTS (days); day++)
    assert_changes_since (project, days[day], edited_ids, day);
  g_unsetenv ("MQ_TODAY");

  run (&bad, "--summary", "--as-of=2025-13-01", project, NULL);
  g_assert_cmpint (bad.status, ==, 2);
  g_assert_nonnull (strstr (bad.err, "2025-13-01"));
  run (&drawn, "--as-of=2025-03-10", "--apply-csv", table, project, NULL);
  g_assert_cmpint (drawn.status, ==, 2);
  assert_report_as_of (dir, project);
  test_remove_dir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  mq_core_init ();

  g_test_add_func ("/cli/summary-json", test_summary_json);
  g_test_add_func ("/cli/summary-survey", test_summary_survey);
  g_test_add_func ("/cli/summary-repaired", test_summary_repaired);
  g_test_add_func ("/cli/missing-file", test_missing_file);
  g_test_add_func ("/cli/missing-prj", test_missing_prj);
  g_test_add_func ("/cli/random-bytes", test_random_bytes);
  g_test_add_func ("/cli/export-png", test_export_png);
  g_test_add_func ("/cli/saved-layers-exported", test_saved_layers_exported);
  g_test_add_func ("/cli/as-of", test_as_of);
  g_test_add_func ("/cli/layer-add", test_layer_add);
  g_test_add_func ("/cli/problems-listed", test_problems_listed);
  g_test_add_func ("/cli/problems-keep-text", test_problems_keep_text);
  g_test_add_func ("/cli/terms-in-language", test_terms_in_language);
  g_test_add_func ("/cli/apply-csv", test_apply_csv);
  g_test_add_func ("/cli/apply-csv-disk-full", test_apply_csv_disk_full);
  g_test_add_func ("/cli/csv-formulas", test_csv_formulas);
  g_test_add_func ("/cli/terminal-safe", test_terminal_safe);
  g_test_add_func ("/cli/export-keeps-previous", test_export_keeps_previous);
  g_test_add_func ("/cli/export-not-over-input", test_export_not_over_input);
  g_test_add_func ("/cli/import-race", test_import_race);
  g_test_add_func ("/cli/import-one-line", test_import_one_line);
  g_test_add_func ("/cli/apply-csv-untrusted", test_apply_csv_untrusted);
  g_test_add_func ("/cli/sigterm-leaves-one-file", test_sigterm_leaves_one_file);
  g_test_add_func ("/cli/encoding-source-in-language", test_encoding_source_in_language);
  g_test_add_func ("/cli/sample-is-window-copy", test_sample_is_window_copy);
  g_test_add_func ("/cli/build-binary-finds-sample", test_build_binary_finds_sample);
  g_test_add_func ("/cli/export-xlsx", test_export_xlsx);
  g_test_add_func ("/cli/apply-xlsx", test_apply_xlsx);
  return g_test_run ();
}

/* bench-data.c — synthetic survey shapefiles of any size, for the benchmarks.
 *
 * n parcels of 50 m × 50 m on a square grid 60 m apart (EPSG:4549), 三调
 * fields, GBK text, no .cpg.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "bench-data.h"

#include <gdal.h>
#include <math.h>
#include <ogr_api.h>

#include "mq-core.h"

static char *
gbk (const char *utf8)
{
  return g_convert (utf8, -1, "GBK", "UTF-8", NULL, NULL, NULL);
}

static void
write_shapefile (const char *path,
                 guint       n)
{
  static const char *const fields[] = { "BSM", "TBBH", "DLBM", "DLMC", "QSDWMC", "ZLDWMC", "TBMJ" };
  static const char *const creation[] = { "ENCODING=", NULL };
  GDALDriverH driver = GDALGetDriverByName ("ESRI Shapefile");
  OGRSpatialReferenceH srs = mq_crs_new_epsg (4549);
  g_autofree char *dlmc = gbk ("工业用地");
  g_autofree char *zl = gbk ("马桥镇同福村");
  GDALDatasetH ds;
  OGRLayerH layer;
  guint side = (guint) ceil (sqrt (n));

  ds = GDALCreate (driver, path, 0, 0, 0, GDT_Unknown, NULL);
  layer = GDALDatasetCreateLayer (ds, "parcels", srs, wkbPolygon, (char **) creation);
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      OGRFieldDefnH fd = OGR_Fld_Create (fields[i], i == 6 ? OFTReal : OFTString);

      OGR_Fld_SetWidth (fd, i == 4 ? 80 : 20);
      OGR_L_CreateField (layer, fd, TRUE);
      OGR_Fld_Destroy (fd);
    }
  GDALDatasetStartTransaction (ds, TRUE);
  for (guint i = 0; i < n; i++)
    {
      OGRFeatureH f = OGR_F_Create (OGR_L_GetLayerDefn (layer));
      OGRGeometryH poly = OGR_G_CreateGeometry (wkbPolygon);
      OGRGeometryH ring = OGR_G_CreateGeometry (wkbLinearRing);
      double x = 600000 + (i % side) * 60.0, y = 3400000 + (i / side) * 60.0;
      g_autofree char *bsm = g_strdup_printf ("31011200%08u", i);
      g_autofree char *id = g_strdup_printf ("B%07u", i);
      g_autofree char *owner_utf8 = g_strdup_printf ("上海堃程第%u精密机械有限公司", i % 997);
      g_autofree char *owner = gbk (owner_utf8);

      OGR_G_AddPoint_2D (ring, x, y);
      OGR_G_AddPoint_2D (ring, x, y + 50);
      OGR_G_AddPoint_2D (ring, x + 50, y + 50);
      OGR_G_AddPoint_2D (ring, x + 50, y);
      OGR_G_AddPoint_2D (ring, x, y);
      OGR_G_AddGeometryDirectly (poly, ring);
      OGR_F_SetGeometryDirectly (f, poly);
      OGR_F_SetFieldString (f, 0, bsm);
      OGR_F_SetFieldString (f, 1, id);
      OGR_F_SetFieldString (f, 2, "0601");
      OGR_F_SetFieldString (f, 3, dlmc);
      OGR_F_SetFieldString (f, 4, owner);
      OGR_F_SetFieldString (f, 5, zl);
      OGR_F_SetFieldDouble (f, 6, 2500.0);
      if (OGR_L_CreateFeature (layer, f) != OGRERR_NONE)
        g_error ("cannot write %s", path);
      OGR_F_Destroy (f);
    }
  GDALDatasetCommitTransaction (ds);
  GDALClose (ds);
  OSRDestroySpatialReference (srs);
}


void
bench_ensure_shapefile (const char *path,
                        guint       n)
{
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    write_shapefile (path, n);
}

/* "sample" is the bundled sample; a number is a synthetic survey of that many
 * parcels in @dir, made the first time it is asked for. */
char *
bench_data_path (const char *size,
                 const char *dir)
{
  g_autofree char *name = NULL;
  char *path;

  if (g_str_equal (size, "sample"))
    return mq_core_dup_sample_path ();
  name = g_strdup_printf ("bench-%s.shp", size);
  path = g_build_filename (dir, name, NULL);
  bench_ensure_shapefile (path, atoi (size));
  return path;
}

/**
 * bench_run:
 *
 * The benchmarks' shared main: --sizes (default @sizes) and --dir, plus
 * @extra options; prints @header, then calls @bench for each data set with
 * its label and path.
 */
int
bench_run (int                 argc,
           char              **argv,
           const char         *sizes,
           const GOptionEntry *extra,
           const char         *header,
           BenchFunc           bench,
           gpointer            data)
{
  g_autofree char *chosen = g_strdup (sizes);
  g_autofree char *dir = NULL;
  GOptionEntry entries[] = {
    { "sizes", 0, 0, G_OPTION_ARG_STRING, &chosen, "Data sets", "sample,N,…" },
    { "dir", 0, 0, G_OPTION_ARG_FILENAME, &dir, "Where the synthetic data is (made if missing)", "DIR" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_auto(GStrv) list = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (extra != NULL)
    g_option_context_add_main_entries (context, extra, NULL);
  if (!g_option_context_parse (context, &argc, &argv, NULL))
    return 2;
  if (dir == NULL)
    dir = g_dir_make_tmp ("mq-bench-XXXXXX", NULL);
  mq_core_init ();
  g_print ("%s\n", header);
  list = g_strsplit (chosen, ",", -1);
  for (guint i = 0; list[i] != NULL; i++)
    {
      g_autofree char *path = bench_data_path (list[i], dir);

      bench (list[i], path, dir, data);
    }
  return 0;
}

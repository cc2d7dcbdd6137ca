/* bench-open.c — how fast parcels open, against the floor of plain OGR reading.
 *
 *   bench-open [--sizes=10000,100000,1000000] [--dir=DIR]
 *
 * Writes synthetic survey shapefiles (EPSG:4549, 三调 fields, GBK text without
 * .cpg — the realistic worst case, which needs the whole-file encoding check)
 * and times, each in a fresh child process:
 *   ogr       open + iterate every feature, reading its geometry and every field
 *   load      mq_dataset_load (): the same plus decoding, checks and areas
 *   load-gbk  mq_dataset_load () told the encoding (--encoding=GBK): one pass
 * and the peak resident memory of the load, per parcel. Prints a table; the
 * figures go to docs/PERFORMANCE.md. Not a test: nothing is asserted.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gdal.h>
#include <glib/gstdio.h>
#include <math.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench-data.h"
#include "mq-core.h"

typedef struct
{
  double seconds;
  long   peak_kb;
} Result;

/* The floor: what any reader of these files must do at least. */
static void
plain_ogr (const char *path)
{
  static const char *const raw[] = { "ENCODING=", NULL };
  GDALDatasetH ds = GDALOpenEx (path, GDAL_OF_VECTOR, NULL, raw, NULL);
  OGRLayerH layer = GDALDatasetGetLayer (ds, 0);
  int n_fields = OGR_FD_GetFieldCount (OGR_L_GetLayerDefn (layer));
  OGRFeatureH f;
  gsize sink = 0;

  while ((f = OGR_L_GetNextFeature (layer)) != NULL)
    {
      sink += OGR_G_GetPointCount (OGR_G_GetGeometryRef (OGR_F_GetGeometryRef (f), 0));
      for (int i = 0; i < n_fields; i++)
        sink += strlen (OGR_F_GetFieldAsString (f, i));
      OGR_F_Destroy (f);
    }
  GDALClose (ds);
  if (sink == 0)
    g_printerr ("nothing read\n");
}

static void
mq_load (const char *path,
         const char *encoding)
{
  MqLoadOptions options = { .encoding = encoding };
  g_autoptr(GError) error = NULL;
  g_autoptr(MqDataset) dataset = mq_dataset_load (path, &options, NULL, &error);

  if (dataset == NULL)
    g_printerr ("load failed: %s\n", error->message);
}

/* Runs one measurement in a child, so that its peak memory is its own. */
static Result
measure (const char *what,
         const char *path)
{
  Result r = { 0 };
  int fd[2];
  pid_t pid;

  if (pipe (fd) != 0)
    return r;
  pid = fork ();
  if (pid == 0)
    {
      gint64 t0 = g_get_monotonic_time ();
      struct rusage usage;

      mq_core_init ();
      if (g_str_equal (what, "nothing"))
        ;
      else if (g_str_equal (what, "ogr"))
        plain_ogr (path);
      else
        mq_load (path, g_str_equal (what, "load-gbk") ? "GBK" : NULL);
      r.seconds = (g_get_monotonic_time () - t0) / 1e6;
      getrusage (RUSAGE_SELF, &usage);
      r.peak_kb = usage.ru_maxrss;
      if (write (fd[1], &r, sizeof r) != sizeof r)
        _exit (1);
      _exit (0);
    }
  close (fd[1]);
  if (read (fd[0], &r, sizeof r) != sizeof r)
    g_printerr ("%s: child failed\n", what);
  close (fd[0]);
  waitpid (pid, NULL, 0);
  return r;
}

static Result
best_of (const char *what,
         const char *path,
         int         runs)
{
  Result best = { G_MAXDOUBLE, 0 };

  for (int i = 0; i < runs; i++)
    {
      Result r = measure (what, path);

      if (r.seconds < best.seconds)
        best = r;
    }
  return best;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *sizes = g_strdup ("10000,100000,1000000");
  g_autofree char *dir = NULL;
  GOptionEntry entries[] = {
    { "sizes", 0, 0, G_OPTION_ARG_STRING, &sizes, "Parcel counts", "N,N,…" },
    { "dir", 0, 0, G_OPTION_ARG_FILENAME, &dir, "Where to write the data", "DIR" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_auto(GStrv) list = NULL;
  Result base;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, NULL))
    return 2;
  if (dir == NULL)
    dir = g_dir_make_tmp ("mq-bench-XXXXXX", NULL);
  GDALAllRegister ();
  base = measure ("nothing", NULL);
  list = g_strsplit (sizes, ",", -1);
  g_print ("%10s %10s %10s %8s %12s %8s %14s\n", "parcels", "ogr s", "load s", "ratio",
           "load-gbk s", "ratio", "bytes/parcel");
  for (guint i = 0; list[i] != NULL; i++)
    {
      guint n = atoi (list[i]);
      g_autofree char *name = g_strdup_printf ("bench-%u.shp", n);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      int runs = n >= 1000000 ? 1 : 3;
      Result ogr, load, known;

      bench_ensure_shapefile (path, n);
      ogr = best_of ("ogr", path, runs);
      load = best_of ("load", path, runs);
      known = best_of ("load-gbk", path, runs);
      g_print ("%10u %10.3f %10.3f %7.2fx %12.3f %7.2fx %14.0f\n", n, ogr.seconds, load.seconds,
               load.seconds / ogr.seconds, known.seconds, known.seconds / ogr.seconds,
               (load.peak_kb - base.peak_kb) * 1024.0 / n);
    }
  g_print ("data in %s\n", dir);
  return 0;
}

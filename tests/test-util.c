/* test-util.c
 *
 * The tests' own area: straight from PROJ (proj_trans_generic to the
 * datum's lon/lat, then geod_polygonarea), independent of src/core.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "test-util.h"

#include <gdal.h>
#include <geodesic.h>
#include <glib/gstdio.h>
#include <math.h>
#include <proj.h>
#include <sys/wait.h>

typedef struct
{
  PJ                  *to_lonlat;
  struct geod_geodesic geod;
} Geo;

static void
geo_init (Geo        *g,
          const char *crs)
{
  PJ *source = proj_create (NULL, crs);
  PJ *geog = proj_crs_get_geodetic_crs (NULL, source);
  PJ *ellipsoid = proj_get_ellipsoid (NULL, geog);
  PJ *raw = proj_create_crs_to_crs_from_pj (NULL, source, geog, NULL, NULL);
  double a, b, inv_f;
  int computed;

  g_assert_nonnull (raw);
  g->to_lonlat = proj_normalize_for_visualization (NULL, raw);
  proj_ellipsoid_get_parameters (NULL, ellipsoid, &a, &b, &computed, &inv_f);
  geod_init (&g->geod, a, inv_f > 0 ? 1 / inv_f : 0);
  proj_destroy (raw);
  proj_destroy (ellipsoid);
  proj_destroy (geog);
  proj_destroy (source);
}

static double
ring_area (Geo          *g,
           const double *xy,
           int           n)
{
  g_autofree double *x = g_new (double, n);
  g_autofree double *y = g_new (double, n);
  double area = 0;

  for (int i = 0; i < n; i++)
    x[i] = xy[2 * i], y[i] = xy[2 * i + 1];
  proj_trans_generic (g->to_lonlat, PJ_FWD, x, sizeof (double), n, y, sizeof (double), n,
                      NULL, 0, 0, NULL, 0, 0);
  geod_polygonarea (&g->geod, y, x, n, &area, NULL);
  return fabs (area);
}

/* The geodesic length of a path of n points, edge by edge. */
double
test_proj_path_length (const double *xy,
                       int           n,
                       const char   *crs)
{
  g_autofree double *x = g_new (double, n);
  g_autofree double *y = g_new (double, n);
  double length = 0;
  Geo g;

  geo_init (&g, crs);
  for (int i = 0; i < n; i++)
    x[i] = xy[2 * i], y[i] = xy[2 * i + 1];
  proj_trans_generic (g.to_lonlat, PJ_FWD, x, sizeof (double), n, y, sizeof (double), n,
                      NULL, 0, 0, NULL, 0, 0);
  for (int i = 1; i < n; i++)
    {
      double s12;

      geod_inverse (&g.geod, y[i - 1], x[i - 1], y[i], x[i], &s12, NULL, NULL);
      length += s12;
    }
  proj_destroy (g.to_lonlat);
  return length;
}

double
test_proj_ring_area (const double *xy,
                     int           n,
                     const char   *crs)
{
  Geo g;
  double area;

  geo_init (&g, crs);
  area = ring_area (&g, xy, n);
  proj_destroy (g.to_lonlat);
  return area;
}

static double
polygon_area (Geo          *g,
              OGRGeometryH  polygon)
{
  double area = 0;

  for (int r = 0; r < OGR_G_GetGeometryCount (polygon); r++)
    {
      OGRGeometryH ring = OGR_G_GetGeometryRef (polygon, r);
      int n = OGR_G_GetPointCount (ring);
      g_autofree double *xy = g_new (double, 2 * n);

      for (int i = 0; i < n; i++)
        xy[2 * i] = OGR_G_GetX (ring, i), xy[2 * i + 1] = OGR_G_GetY (ring, i);
      area += (r == 0 ? 1 : -1) * ring_area (g, xy, n);
    }
  return area;
}

/* Polygon or multipolygon, holes subtracted. */
double
test_proj_area (OGRGeometryH  geometry,
                const char   *crs)
{
  Geo g;
  double area = 0;

  geo_init (&g, crs);
  if (wkbFlatten (OGR_G_GetGeometryType (geometry)) == wkbMultiPolygon)
    for (int p = 0; p < OGR_G_GetGeometryCount (geometry); p++)
      area += polygon_area (&g, OGR_G_GetGeometryRef (geometry, p));
  else
    area = polygon_area (&g, geometry);
  proj_destroy (g.to_lonlat);
  return area;
}

void
test_assert_within (double value,
                    double target,
                    double tolerance)
{
  if (fabs (value - target) > fabs (target) * tolerance)
    g_error ("%.6f is not within %g%% of %.6f", value, tolerance * 100, target);
}

char *
test_corpus_file (const char *name)
{
  return g_build_filename (g_getenv ("MQ_CORPUS_DIR"), name, NULL);
}

/* A file the build's sample generator wrote (MQ_SAMPLE_DIR). */
char *
test_sample_file (const char *name)
{
  return g_build_filename (g_getenv ("MQ_SAMPLE_DIR"), name, NULL);
}

/* A dataset the test needs: loaded, or the test fails. */
MqDataset *
test_load (const char *path)
{
  g_autoptr(GError) error = NULL;
  MqDataset *dataset = mq_dataset_load (path, NULL, NULL, &error);

  g_assert_no_error (error);
  return dataset;
}

/* A copy of the bundled sample project, named @name, in @dir: tests that
 * edit never touch the build's own sample. */
/* The bundled sample project, copied to @dir, with its past: the history
 * the generator gives it (flagged in 2019, the locks on their days, a
 * third of the deadlines moved in the last year). */
char *
test_copy_sample_with_history (const char *dir,
                               const char *name)
{
  g_autofree char *sample = g_build_filename (g_getenv ("MQ_SAMPLE_DIR"), "maqiao.gpkg", NULL);
  g_autofree char *bytes = NULL;
  char *path = g_build_filename (dir, name, NULL);
  gsize length;

  g_assert_true (g_file_get_contents (sample, &bytes, &length, NULL));
  g_assert_true (g_file_set_contents (path, bytes, length, NULL));
  return path;
}

/* The sample project as a bureau starts one: its parcels and statuses,
 * no history yet — what most tests count their own rows from. */
char *
test_copy_sample (const char *dir,
                  const char *name)
{
  static const char *const drivers[] = { "GPKG", NULL };
  char *path = test_copy_sample_with_history (dir, name);
  GDALDatasetH ds = GDALOpenEx (path, GDAL_OF_VECTOR | GDAL_OF_UPDATE, drivers, NULL, NULL);

  g_assert_nonnull (ds);
  GDALDatasetExecuteSQL (ds, "DELETE FROM lock_history", NULL, NULL);
  GDALClose (ds);
  return path;
}

/* A temporary folder and what is in it (SQLite's -wal/-shm included). */
void
test_remove_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (dir);
}

/* Temporary files (".part") of @path's export left in its folder. */
guint
test_count_parts (const char *path)
{
  g_autofree char *folder = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autoptr(GDir) d = g_dir_open (folder, 0, NULL);
  const char *entry;
  guint n = 0;

  while (d != NULL && (entry = g_dir_read_name (d)) != NULL)
    n += g_str_has_prefix (entry, base) && strstr (entry, ".part") != NULL;
  return n;
}

void
test_run_clear (TestRun *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

/* Runs $MQ_BINARY with @args (no shell), @setup in the child. */
void
test_run_argv (TestRun             *result,
               GSpawnChildSetupFunc setup,
               const char * const  *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  int wait_status = 0;

  g_ptr_array_add (argv, (char *) g_getenv ("MQ_BINARY"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, setup, NULL,
                &result->out, &result->err, &wait_status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (wait_status));
  result->status = WEXITSTATUS (wait_status);
}

/* The arguments up to NULL. */
void
test_run_valist (TestRun             *result,
                 GSpawnChildSetupFunc setup,
                 va_list              ap)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  const char *arg;

  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (args, (char *) arg);
  g_ptr_array_add (args, NULL);
  test_run_argv (result, setup, (const char * const *) args->pdata);
}

void
test_run (TestRun *result,
          ...)
{
  va_list ap;

  va_start (ap, result);
  test_run_valist (result, NULL, ap);
  va_end (ap);
}

/* bench-render.c — how long a map frame and a hit-test take.
 *
 *   bench-render [--sizes=sample,10000,100000,1000000] [--dir=DIR] [--frames=N]
 *
 * Offscreen, 1920×1080, the renderer the window uses (no GTK): the whole
 * extent, then 1:2,000 at varied places, each as pan frames (the view moved a
 * little each time); median and 95th percentile. Hit-testing: the parcel under
 * 10,000 random points. Memory: peak resident size after loading, per parcel.
 * Prints a table; the figures go to docs/PERFORMANCE.md. Not a test.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "bench-data.h"
#include "bench-frames.h"
#include "mq-core.h"
#include "mq-renderer.h"

/* 1:2,000 at the standard 0.28 mm pixel. */
#define RES_1_2000 (2000 * 0.00028)

static void
time_hits (MqDataset *dataset,
           double    *median_us,
           double    *p95_us)
{
  MqParcels *parcels = mq_dataset_get_parcels (dataset);
  g_autoptr(GArray) us = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);
  MqBox extent;

  mq_dataset_get_extent (dataset, &extent);
  for (int i = 0; i < 10000; i++)
    {
      double x = g_rand_double_range (rand, extent.min_x, extent.max_x);
      double y = g_rand_double_range (rand, extent.min_y, extent.max_y);
      gint64 t0 = g_get_monotonic_time ();
      double t;

      mq_parcels_hit_test (parcels, x, y);
      t = (double) (g_get_monotonic_time () - t0);
      g_array_append_val (us, t);
    }
  bench_stats (us, median_us, p95_us);
}

static void
bench (const char *label,
       const char *path,
       const char *dir,
       gpointer    data)
{
  int frames = *(int *) data;
  struct rusage before, after;
  g_autoptr(GError) error = NULL;
  g_autoptr(MqDataset) dataset = NULL;
  g_autoptr(MqRenderer) renderer = mq_renderer_new ();
  g_autoptr(MqViewport) vp = mq_viewport_new ();
  double full_med, full_p95, close_med, close_p95, hit_med, hit_p95, pan_med, pan_p95, cx, cy;
  guint n;
  MqBox extent;

  getrusage (RUSAGE_SELF, &before);
  dataset = mq_dataset_load (path, NULL, NULL, &error);
  if (dataset == NULL)
    g_error ("%s", error->message);
  getrusage (RUSAGE_SELF, &after);
  n = mq_parcels_get_n_parcels (mq_dataset_get_parcels (dataset));
  mq_renderer_set_dataset (renderer, dataset);
  mq_viewport_set_size (vp, WIDTH, HEIGHT);
  mq_dataset_get_extent (dataset, &extent);
  mq_viewport_fit (vp, &extent, 24);
  bench_time_pan_frames (renderer, vp, frames, &full_med, &full_p95);
  mq_viewport_fit (vp, &extent, 24);
  mq_viewport_get_center (vp, &cx, &cy);
  mq_viewport_set_resolution (vp, RES_1_2000);
  bench_time_pan_frames (renderer, vp, frames, &close_med, &close_p95);
  bench_time_cached_pan (renderer, vp, frames, &pan_med, &pan_p95);
  time_hits (dataset, &hit_med, &hit_p95);
  g_print ("%-10s %9u %9.1f %9.1f %9.2f %9.2f %9.2f %9.2f %9.1f %9.1f %12.0f\n", label, n,
           full_med, full_p95, close_med, close_p95, pan_med, pan_p95, hit_med, hit_p95,
           (after.ru_maxrss - before.ru_maxrss) * 1024.0 / n);
}

int
main (int   argc,
      char *argv[])
{
  static int frames = 30;
  const GOptionEntry extra[] = {
    { "frames", 0, 0, G_OPTION_ARG_INT, &frames, "Frames per measurement", "N" },
    { NULL }
  };
  g_autofree char *header =
    g_strdup_printf ("%-10s %9s %9s %9s %9s %9s %9s %9s %9s %9s %12s", "data", "parcels",
                     "full ms", "full p95", "2000 ms", "2000 p95", "pan ms", "pan p95", "hit us",
                     "hit p95", "bytes/parcel");

  return bench_run (argc, argv, "sample,10000,100000,1000000", extra, header, bench, &frames);
}

/* bench-imagery.c — frames with an orthophoto under the parcels.
 *
 *   MQ_SAMPLE_DIR=_build/data _build/tools/bench-imagery [--frames=N]
 *
 * The sample with its orthophoto, as the window draws it (1920×1080, the
 * renderer a frame worker uses, no tiles: imagery turns them off): the
 * GeoTIFF in the map's CRS and the MBTiles copy in Web Mercator, each
 * first made ready (core/mq-image-cache.c: the first open's cost, its copy
 * removed beforehand) and then drawn at the whole extent and at 1:2,000
 * (frames of a pan: the view moved by 1/50 of its width each), and the
 * window's pan frame itself (the last frame moved, the furniture over it); also the MBTiles
 * warped as it is read, as an export draws it, to show what the copy saves.
 * Median and 95th percentile. Prints a table for docs/PERFORMANCE.md. Not a
 * test.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <locale.h>
#include <math.h>
#include <stdlib.h>

#include "mq-core.h"
#include "bench-frames.h"
#include "mq-renderer.h"

/* 1:2,000 at the standard 0.28 mm pixel. */
#define RES_1_2000 (2000 * 0.00028)

static void
remove_copy (const char *copy)
{
  g_autofree char *ovr = g_strconcat (copy, ".ovr", NULL);

  g_unlink (copy);
  g_unlink (ovr);
}

/* The image's layer: made ready first (timed) unless @warped. */
static MqRasterLayer *
open_image (const char *path,
            const char *wkt,
            gboolean    warped,
            double     *prepare_s)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *copy = NULL;
  gboolean needs = FALSE;
  MqRasterLayer *layer;
  gint64 t0;

  *prepare_s = 0;
  if (warped)
    layer = mq_raster_layer_new (path, wkt, &error);
  else
    {
      copy = mq_image_cache_lookup (path, NULL, wkt, &needs);
      if (g_strcmp0 (copy, path) != 0)
        {
          remove_copy (copy);
          t0 = g_get_monotonic_time ();
          if (!mq_image_cache_build (path, NULL, wkt, copy, NULL, NULL, NULL, &error))
            g_error ("%s", error->message);
          *prepare_s = (g_get_monotonic_time () - t0) / 1e6;
        }
      layer = g_strcmp0 (copy, path) == 0 ? mq_raster_layer_new (path, wkt, &error)
                                          : mq_raster_layer_new_prepared (path, copy, wkt, &error);
    }
  if (layer == NULL)
    g_error ("%s", error->message);
  return layer;
}

int
main (int   argc,
      char *argv[])
{
  static const struct { const char *name, *label; gboolean warped; } images[] = {
    { "maqiao-ortho.tif", "GeoTIFF, EPSG:4549, made ready (overviews)", FALSE },
    { "maqiao-ortho.mbtiles", "MBTiles, EPSG:3857, made ready (warped copy)", FALSE },
    { "maqiao-ortho.mbtiles", "MBTiles, EPSG:3857, warped as read (an export)", TRUE },
  };
  int frames = 21;
  g_autofree char *gpkg = NULL;
  g_autoptr(MqDataset) dataset = NULL;
  g_autoptr(GError) error = NULL;
  GOptionEntry entries[] = {
    { "frames", 0, 0, G_OPTION_ARG_INT, &frames, "Frames per view (default 21)", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  MqBox extent;

  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || frames < 1)
    {
      g_printerr ("%s\n", error ? error->message : "--frames must be 1 or more");
      return 2;
    }
  mq_core_init ();
  gpkg = g_build_filename (g_getenv ("MQ_SAMPLE_DIR"), "maqiao.gpkg", NULL);
  if ((dataset = mq_dataset_load (gpkg, NULL, NULL, &error)) == NULL)
    g_error ("%s", error->message);
  mq_dataset_get_extent (dataset, &extent);
  g_print ("| image | made ready (first open) | pan frame p50 / p95 | whole extent p50 / p95 | 1:2,000 p50 / p95 |\n");
  g_print ("|---|---:|---:|---:|---:|\n");
  for (guint i = 0; i < G_N_ELEMENTS (images); i++)
    {
      g_autofree char *path = g_build_filename (g_getenv ("MQ_SAMPLE_DIR"), images[i].name, NULL);
      g_autoptr(MqRenderer) renderer = mq_renderer_new ();
      g_autoptr(MqViewport) vp = mq_viewport_new ();
      g_autoptr(MqRasterLayer) layer = NULL;
      g_autofree char *ready = NULL;
      double prepare, pan50, pan95, all50, all95, close50, close95, cx, cy;

      layer = open_image (path, mq_dataset_get_display_wkt (dataset), images[i].warped, &prepare);
      mq_renderer_set_dataset (renderer, dataset);
      mq_renderer_add_raster_layer (renderer, layer);
      mq_viewport_set_size (vp, WIDTH, HEIGHT);
      mq_viewport_fit (vp, &extent, 24);
      bench_time_cached_pan (renderer, vp, frames, &pan50, &pan95);
      bench_time_pan_frames (renderer, vp, frames, &all50, &all95);
      mq_viewport_fit (vp, &extent, 24);
      mq_viewport_get_center (vp, &cx, &cy);
      mq_viewport_set_resolution (vp, RES_1_2000);
      mq_viewport_set_center (vp, cx - WIDTH * RES_1_2000 / 4, cy);
      bench_time_pan_frames (renderer, vp, frames, &close50, &close95);
      ready = images[i].warped ? g_strdup ("—") : g_strdup_printf ("%.2f s", prepare);
      g_print ("| %s | %s | %.1f / %.1f ms | %.0f / %.0f ms | %.0f / %.0f ms |\n", images[i].label, ready, pan50,
               pan95, all50, all95, close50, close95);
    }
  return 0;
}

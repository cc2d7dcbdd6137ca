/* bench-file.c — open a given parcel file and draw it, timed; for tools/bench/side-by-side.
 *
 *   bench-file FILE [--frames=N] [--theme=locks]
 *
 * bench-open and bench-render make their own synthetic data; this one takes any
 * file, so that ours runs on the very files the anchors (GDAL's read floor,
 * QGIS, mapnik: ../shared/bench/) read, and prints one JSON line as they do:
 *   init_s         mq_core_init () (GDAL driver registration and the like)
 *   load_s         mq_dataset_load (): read, decode, check, area, index
 *   full_first_s   the first full-extent frame, 1920×1080, from memory
 *   tiles_s        the window's worker drawing that frame's tiles after it
 *   full_s, full_p95_s    the same frame drawn N more times (median, p95)
 *   full_themes_max_s     the same in every theme (each after its first frame
 *                  and tiles): the slowest theme's median
 *   close_s, close_p95_s  a close view: 1/50 of the extent's width and height
 *                  around its centre, as render_qgis.py's zoom; the view
 *                  moves by 1/50 of its width each frame (median, p95)
 *   rss_init_mb, rss_load_mb, rss_first_frame_mb, rss_close_mb   peak RSS after
 *                  each phase (init: the libraries alone, to count bytes per parcel)
 * --close-divisor=N makes the close view the centre ± 1/N of the extent:
 * 32 at 100k shows what 100 shows at 1M (parcels as many and as big).
 * Frames are drawn as the window draws them: at overview scales the parcel
 * layer is kept as tiles (mq-tile-cache.h), so that the first frame draws
 * them and the next ones composite them; --no-tiles draws every frame whole.
 * --exact draws every parcel as a path (no level of detail, mq-coverage.h);
 * --png=PREFIX also writes the full frame as PREFIX.png, to look at.
 * With the renderer the window uses (mq_renderer_draw: map, labels, furniture),
 * the locks theme unless told. Not a test: nothing is asserted.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdlib.h>
#include <sys/resource.h>

#include "mq-core.h"
#include "mq-renderer.h"
#include "mq-terms.h"

#define WIDTH 1920
#define HEIGHT 1080

static double
now (void)
{
  return g_get_monotonic_time () / 1e6;
}

static double
peak_mb (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;
}

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* One frame into a fresh context, flushed, in seconds. */
static double
frame (MqRenderer      *renderer,
       MqViewport      *vp,
       cairo_surface_t *surface)
{
  cairo_t *cr = cairo_create (surface);
  double t0 = now ();

  mq_renderer_draw (renderer, cr, vp);
  cairo_surface_flush (surface);
  cairo_destroy (cr);
  return now () - t0;
}

/* @frames frames; the view panned by @pan_px before each. Median and p95. */
static void
frames_stats (MqRenderer      *renderer,
              MqViewport      *vp,
              cairo_surface_t *surface,
              int              frames,
              double           pan_px,
              double          *median,
              double          *p95)
{
  g_autofree double *s = g_new (double, frames);

  for (int i = 0; i < frames; i++)
    {
      mq_viewport_pan_pixels (vp, pan_px, 0);
      s[i] = frame (renderer, vp, surface);
    }
  qsort (s, frames, sizeof *s, compare_double);
  *median = s[frames / 2];
  *p95 = s[MIN (frames - 1, (int) (frames * 0.95))];
}

int
main (int   argc,
      char *argv[])
{
  int frames = 5, close_divisor = 100;
  gboolean exact = FALSE, close_only = FALSE, no_tiles = FALSE;
  g_autofree char *theme_name = NULL;
  g_autofree char *png = NULL;
  GOptionEntry entries[] = {
    { "frames", 0, 0, G_OPTION_ARG_INT, &frames, "Frames per view after the first (default 5)", "N" },
    { "theme", 0, 0, G_OPTION_ARG_STRING, &theme_name, "locks, method, flagged, landuse, grade or tax-per-mu", "THEME" },
    { "exact", 0, 0, G_OPTION_ARG_NONE, &exact, "Every parcel a path (no level of detail)", NULL },
    { "no-tiles", 0, 0, G_OPTION_ARG_NONE, &no_tiles, "Draw every frame whole (as an export does), no tiles kept", NULL },
    { "close-only", 0, 0, G_OPTION_ARG_NONE, &close_only, "No full frames after the first (to profile the close view)", NULL },
    { "close-divisor", 0, 0, G_OPTION_ARG_INT, &close_divisor,
      "The close view: the centre ± 1/N of the extent (default 100, as render_qgis.py)", "N" },
    { "png", 0, 0, G_OPTION_ARG_FILENAME, &png, "Also write the full frame as PREFIX.png", "PREFIX" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("FILE");
  g_autoptr(GError) error = NULL;
  g_autoptr(MqDataset) dataset = NULL;
  g_autoptr(MqRenderer) renderer = NULL;
  g_autoptr(MqViewport) vp = NULL;
  cairo_surface_t *surface;
  MqTheme theme = MQ_THEME_LOCKS;
  MqBox extent, zoom;
  double t0, init_s, load_s, first_s, tiles_s, themes_s, full_s, full_p95, close_s, close_p95;
  double rss_init, rss_load, rss_first, cx, cy, zw, zh;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 2 || frames < 1 ||
      close_divisor < 2 ||
      (theme_name != NULL && !mq_theme_parse (theme_name, &theme)))
    {
      g_printerr ("usage: bench-file FILE [--frames=N] [--theme=locks|method|flagged|landuse|grade|tax-per-mu]\n");
      return 2;
    }

  t0 = now ();
  mq_core_init ();
  init_s = now () - t0;
  rss_init = peak_mb ();
  t0 = now ();
  dataset = mq_dataset_load (argv[1], NULL, NULL, &error);
  load_s = now () - t0;
  if (dataset == NULL)
    {
      g_printerr ("%s: %s\n", argv[1], error->message);
      return 1;
    }
  rss_load = peak_mb ();

  renderer = mq_renderer_new ();
  vp = mq_viewport_new ();
  mq_renderer_set_dataset (renderer, dataset);
  mq_renderer_set_theme (renderer, theme);
  mq_renderer_set_exact (renderer, exact);
  /* As the window draws (mq-map-view.c): overview frames keep their tiles. */
  mq_renderer_set_tiled (renderer, no_tiles ? 0 : MQ_RENDERER_TILE_MIN_PARCELS);
  mq_viewport_set_size (vp, WIDTH, HEIGHT);
  mq_dataset_get_extent (dataset, &extent);
  /* The frame --export-png draws: the extent with a 24 px margin. */
  mq_viewport_fit (vp, &extent, 24);
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, WIDTH, HEIGHT);
  first_s = frame (renderer, vp, surface);
  rss_first = peak_mb ();
  /* The window's frame worker draws the tiles after the first frame. */
  t0 = now ();
  if (mq_renderer_get_tiles_wanted (renderer))
    mq_renderer_draw_tiles (renderer, vp);
  tiles_s = now () - t0;
  full_s = full_p95 = first_s;
  if (!close_only)
    frames_stats (renderer, vp, surface, frames, 0, &full_s, &full_p95);
  /* Every theme: its first frame, its tiles, then frames from memory; the
   * slowest theme's median. */
  themes_s = full_s;
  for (MqTheme t = MQ_THEME_LOCKS; t < MQ_N_THEMES && !close_only; t++)
    {
      double median, p95;

      mq_renderer_set_theme (renderer, t);
      frame (renderer, vp, surface);
      if (mq_renderer_get_tiles_wanted (renderer))
        mq_renderer_draw_tiles (renderer, vp);
      frames_stats (renderer, vp, surface, frames, 0, &median, &p95);
      themes_s = MAX (themes_s, median);
    }
  mq_renderer_set_theme (renderer, theme);
  if (png != NULL)
    {
      g_autofree char *name = g_strconcat (png, ".png", NULL);

      cairo_surface_write_to_png (surface, name);
    }

  /* render_qgis.py's zoom: the centre ± 1/100 of the width and height. */
  cx = (extent.min_x + extent.max_x) / 2;
  cy = (extent.min_y + extent.max_y) / 2;
  zw = (extent.max_x - extent.min_x) / close_divisor;
  zh = (extent.max_y - extent.min_y) / close_divisor;
  zoom = (MqBox) { .min_x = cx - zw, .min_y = cy - zh, .max_x = cx + zw, .max_y = cy + zh };
  mq_viewport_fit (vp, &zoom, 0);
  /* The first close frame is timed with the rest: nothing is warmed for it. */
  frames_stats (renderer, vp, surface, frames + 1, WIDTH / 50.0, &close_s, &close_p95);
  cairo_surface_destroy (surface);

  g_print ("{\"parcels\": %u, \"init_s\": %.4f, \"load_s\": %.4f, \"full_first_s\": %.4f, "
           "\"tiles_s\": %.4f, \"full_s\": %.4f, \"full_p95_s\": %.4f, \"full_themes_max_s\": %.4f, \"close_s\": %.4f, \"close_p95_s\": %.4f, "
           "\"frames\": %d, \"rss_init_mb\": %.1f, \"rss_load_mb\": %.1f, \"rss_first_frame_mb\": %.1f, "
           "\"rss_close_mb\": %.1f}\n",
           mq_parcels_get_n_parcels (mq_dataset_get_parcels (dataset)), init_s, load_s, first_s,
           tiles_s, full_s, full_p95, themes_s, close_s, close_p95, frames, rss_init, rss_load, rss_first, peak_mb ());
  return 0;
}

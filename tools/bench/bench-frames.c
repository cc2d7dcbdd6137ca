/* bench-frames.c — timing map frames as the window draws them, for the
 * benchmarks that draw (bench-render, bench-imagery).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "bench-frames.h"

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

void
bench_stats (GArray *ms,
       double *median,
       double *p95)
{
  g_array_sort (ms, compare_double);
  *median = g_array_index (ms, double, ms->len / 2);
  *p95 = g_array_index (ms, double, MIN (ms->len - 1, (guint) (ms->len * 0.95)));
}

/* Frames of a pan: the view moves by 1/50 of its width each frame. */
void
bench_time_pan_frames (MqRenderer *renderer,
                       MqViewport *vp,
                       int         frames,
                       double     *median,
                       double     *p95)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, WIDTH, HEIGHT);
  g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));

  for (int f = 0; f < frames; f++)
    {
      cairo_t *cr = cairo_create (surface);
      gint64 t0 = g_get_monotonic_time ();
      double t;

      mq_viewport_pan_pixels (vp, WIDTH / 50.0, 0);
      mq_renderer_draw (renderer, cr, vp);
      cairo_surface_flush (surface);
      t = (g_get_monotonic_time () - t0) / 1000.0;
      g_array_append_val (ms, t);
      cairo_destroy (cr);
    }
  cairo_surface_destroy (surface);
  bench_stats (ms, median, p95);
}

/* What the window does per pan frame: the cached map moved, the furniture
 * drawn over it (the map itself is redrawn in a worker thread when the hand
 * stops). Composited here with cairo; GTK does it with a texture. */
void
bench_time_cached_pan (MqRenderer *renderer,
                       MqViewport *vp,
                       int         frames,
                       double     *median,
                       double     *p95)
{
  cairo_surface_t *cache = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, WIDTH, HEIGHT);
  cairo_surface_t *screen = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, WIDTH, HEIGHT);
  g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));
  cairo_t *cr = cairo_create (cache);

  mq_renderer_draw_map (renderer, cr, vp);
  cairo_destroy (cr);
  for (int f = 0; f < frames; f++)
    {
      gint64 t0 = g_get_monotonic_time ();
      double t;

      cr = cairo_create (screen);
      cairo_set_source_surface (cr, cache, -f * 7.0, f * 3.0);
      cairo_paint (cr);
      mq_renderer_draw_furniture (renderer, cr, vp);
      cairo_destroy (cr);
      cairo_surface_flush (screen);
      t = (g_get_monotonic_time () - t0) / 1000.0;
      g_array_append_val (ms, t);
    }
  cairo_surface_destroy (cache);
  cairo_surface_destroy (screen);
  bench_stats (ms, median, p95);
}


/* mq-furniture.c
 *
 * Sizes are in user units of the context scaled by @scale: 1 on a screen at
 * normal size, more on a projector or in print.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-furniture.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <pango/pangocairo.h>

#include "mq-style.h"
#include "mq-task.h"
#include "mq-text-cache.h"

#define LEGEND_PAD 10.0
#define LEGEND_ROW 20.0
#define LEGEND_SWATCH 14.0
#define LEGEND_TEXT 12.0
#define LEGEND_TITLE 13.0

/* Size in pixels of a text as mq_draw_text() draws it: measured once for
 * a pixel target (mq-text-cache.h). */
void
mq_text_size (cairo_t    *cr,
              const char *text,
              double      size_px,
              gboolean    bold,
              double     *width,
              double     *height)
{
  if (mq_text_cache_serves (cr))
    mq_text_cache_size (mq_text_cache_get_default (), cr, text, size_px, bold, width, height);
  else
    mq_text_measure (cr, text, size_px, bold, width, height);
}

/* Text in dark grey, with a white halo where it sits on the map. */
void
mq_draw_text (cairo_t    *cr,
              const char *text,
              double      x,
              double      y,
              double      size_px,
              gboolean    bold,
              MqAnchor    anchor,
              gboolean    halo)
{
  /* Pixels: the text shaped and rasterised once, then painted. */
  if (mq_text_cache_serves (cr))
    mq_text_cache_draw_at (mq_text_cache_get_default (), cr, text, x, y, size_px, bold, anchor, halo);
  else
    mq_text_draw_shaped (cr, text, x, y, size_px, bold, anchor, halo);
}

/* Text from its top-left corner, cut with "…" to @width when @width > 0. */
void
mq_text_in (cairo_t    *cr,
            const char *text,
            double      x,
            double      y,
            double      width,
            double      size,
            gboolean    bold)
{
  PangoLayout *layout = mq_text_layout (cr, text, size, bold);

  if (width > 0)
    {
      pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
    }
  cairo_set_source_rgb (cr, 0.13, 0.13, 0.15);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
  g_object_unref (layout);
}

static double
text_width (const char *text,
            double      size_px,
            gboolean    bold)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_A8, 1, 1);
  cairo_t *cr = cairo_create (surface);
  PangoLayout *layout = mq_text_layout (cr, text, size_px, bold);
  int w;

  pango_layout_get_pixel_size (layout, &w, NULL);
  g_object_unref (layout);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  return w;
}

static double
legend_text_width (MqTheme theme)
{
  g_autoptr(GArray) entries = mq_style_legend (theme);
  double widest = text_width (mq_style_theme_title (theme), LEGEND_TITLE, TRUE);

  for (guint i = 0; i < entries->len; i++)
    widest = MAX (widest, LEGEND_SWATCH + 8 +
                  text_width (g_array_index (entries, MqLegendEntry, i).label, LEGEND_TEXT, FALSE));
  return widest;
}

/* Measured once per theme: the labels do not change while the app runs.
 * Frame workers and the main thread all ask, hence the lock. */
static GMutex widths_lock;
static double widths[MQ_N_THEMES];
static double count_width;

static void
measure_widths (MqTheme  theme,
                double  *text,
                double  *counts)
{
  mq_mutex_lock (&widths_lock);
  if (widths[theme] == 0)
    widths[theme] = legend_text_width (theme);
  /* Room for counts up to six digits, right-aligned after the labels. */
  if (count_width == 0)
    count_width = text_width ("000000", LEGEND_TEXT, FALSE) + 12;
  *text = widths[theme];
  *counts = count_width;
  mq_mutex_unlock (&widths_lock);
}

/* The legend's lines: every entry, or with @shown_only those whose count
 * is not 0. */
static gboolean
line_shown (GArray  *counts,
            guint    entry,
            gboolean shown_only)
{
  return !shown_only || (counts != NULL && entry < counts->len && g_array_index (counts, guint, entry) > 0);
}

static void
legend_size (MqTheme  theme,
             GArray  *counts,
             gboolean counted,
             gboolean shown_only,
             double   scale,
             double  *width,
             double  *height)
{
  g_autoptr(GArray) entries = mq_style_legend (theme);
  double text, count_w;
  guint lines = 0;

  for (guint i = 0; i < entries->len; i++)
    lines += line_shown (counts, i, shown_only);
  theme = MIN (theme, MQ_N_THEMES - 1);
  measure_widths (theme, &text, &count_w);
  *width = (text + 2 * LEGEND_PAD + (counted ? count_w : 0)) * scale;
  *height = (2 * LEGEND_PAD + LEGEND_ROW * (lines + 1)) * scale;
}

void
mq_furniture_legend_size (MqTheme  theme,
                          gboolean counted,
                          double   scale,
                          double  *width,
                          double  *height)
{
  legend_size (theme, NULL, counted, FALSE, scale, width, height);
}

/* The size in pixels of the legend's lines of text at @scale. */
double
mq_furniture_legend_text_px (double scale)
{
  return LEGEND_TEXT * scale;
}

static void
draw_swatch (cairo_t             *cr,
             const MqLegendEntry *e,
             double               x,
             double               y)
{
  static const double dash[] = { 4.0, 2.0 };

  cairo_rectangle (cr, x, y, LEGEND_SWATCH, LEGEND_SWATCH);
  if (e->outline)
    {
      cairo_set_source_rgb (cr, 0.89, 0.88, 0.85);
      cairo_fill_preserve (cr);
      cairo_set_dash (cr, e->dashed ? dash : NULL, e->dashed ? 2 : 0, 0);
      cairo_set_line_width (cr, 2.0);
      cairo_set_source_rgb (cr, e->color.r, e->color.g, e->color.b);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
      return;
    }
  cairo_set_source_rgb (cr, e->color.r, e->color.g, e->color.b);
  cairo_fill_preserve (cr);
  cairo_set_line_width (cr, 0.8);
  cairo_set_source_rgb (cr, 0.55, 0.55, 0.55);
  cairo_stroke (cr);
}

static void
draw_count (cairo_t *cr,
            guint    count,
            double   right,
            double   y)
{
  g_autofree char *text = g_strdup_printf ("%u", count);
  double w, h;

  mq_text_size (cr, text, LEGEND_TEXT, FALSE, &w, &h);
  mq_draw_text (cr, text, right - w, y, LEGEND_TEXT, FALSE, MQ_ANCHOR_TOP_LEFT, FALSE);
}

static void
draw_legend (cairo_t *cr,
             MqTheme  theme,
             GArray  *counts,
             gboolean shown_only,
             double   x,
             double   y,
             double   scale)
{
  g_autoptr(GArray) entries = mq_style_legend (theme);
  double w, h, row_y = LEGEND_PAD + LEGEND_ROW + 2;

  legend_size (theme, counts, counts != NULL, shown_only, scale, &w, &h);
  cairo_save (cr);
  cairo_translate (cr, x, y);
  cairo_scale (cr, scale, scale);
  cairo_rectangle (cr, 0, 0, w / scale, h / scale);
  cairo_set_source_rgba (cr, 1, 1, 1, 0.92);
  cairo_fill_preserve (cr);
  cairo_set_line_width (cr, 1.0);
  cairo_set_source_rgb (cr, 0.7, 0.7, 0.7);
  cairo_stroke (cr);
  mq_draw_text (cr, mq_style_theme_title (theme), LEGEND_PAD, LEGEND_PAD, LEGEND_TITLE, TRUE,
                MQ_ANCHOR_TOP_LEFT, FALSE);
  for (guint i = 0; i < entries->len; i++)
    {
      const MqLegendEntry *e = &g_array_index (entries, MqLegendEntry, i);

      if (!line_shown (counts, i, shown_only))
        continue;
      draw_swatch (cr, e, LEGEND_PAD, row_y);
      mq_draw_text (cr, e->label, LEGEND_PAD + LEGEND_SWATCH + 8, row_y + LEGEND_SWATCH / 2 - 8.5,
                    LEGEND_TEXT, FALSE, MQ_ANCHOR_TOP_LEFT, FALSE);
      if (counts != NULL && i < counts->len)
        draw_count (cr, g_array_index (counts, guint, i), w / scale - LEGEND_PAD,
                    row_y + LEGEND_SWATCH / 2 - 8.5);
      row_y += LEGEND_ROW;
    }
  cairo_restore (cr);
}

/* The legend of the active theme, in a white box with its top-left at (x, y);
 * with @counts, how many parcels each line stands for. */
void
mq_furniture_draw_legend (cairo_t *cr,
                          MqTheme  theme,
                          GArray  *counts,
                          double   x,
                          double   y,
                          double   scale)
{
  draw_legend (cr, theme, counts, FALSE, x, y, scale);
}

/* The legend of what one map shows: only the lines whose count in @counts
 * is not 0 (an atlas page's, not the zone's). */
void
mq_furniture_legend_of_size (MqTheme  theme,
                             GArray  *counts,
                             double   scale,
                             double  *width,
                             double  *height)
{
  legend_size (theme, counts, TRUE, TRUE, scale, width, height);
}

void
mq_furniture_draw_legend_of (cairo_t *cr,
                             MqTheme  theme,
                             GArray  *counts,
                             double   x,
                             double   y,
                             double   scale)
{
  draw_legend (cr, theme, counts, TRUE, x, y, scale);
}

/* The longest round length (1, 2 or 5 × 10ⁿ metres) that fits in max_px. */
double
mq_furniture_scale_length (double resolution,
                           double max_px)
{
  double max_m = resolution * max_px;
  double unit = pow (10.0, floor (log10 (max_m)));

  if (5 * unit <= max_m)
    return 5 * unit;
  if (2 * unit <= max_m)
    return 2 * unit;
  return unit;
}

static char *
length_text (double metres)
{
  if (metres >= 1000)
    return g_strdup_printf (_("%g km"), metres / 1000);
  return g_strdup_printf (_("%g m"), metres);
}

/* A bar of two halves, black and white, with its bottom-left at (x, y). */
void
mq_furniture_draw_scale_bar (cairo_t *cr,
                             double   resolution,
                             double   x,
                             double   y,
                             double   scale)
{
  double length = mq_furniture_scale_length (resolution, 160 * scale);
  double px = length / resolution;
  g_autofree char *label = length_text (length);
  g_autofree char *half = length_text (length / 2);

  double lw, lh;

  /* A backing, so that the bar reads over dark fills and imagery. */
  mq_text_size (cr, label, 11 * scale, FALSE, &lw, &lh);
  cairo_save (cr);
  cairo_rectangle (cr, x - 5 * scale, y - 10 * scale - lh, px + lw + 6 * scale, lh + 14 * scale);
  cairo_set_source_rgba (cr, 1, 1, 1, 0.75);
  cairo_fill (cr);
  cairo_set_line_width (cr, 1.0 * scale);
  for (int i = 0; i < 2; i++)
    {
      cairo_rectangle (cr, x + i * px / 2, y - 6 * scale, px / 2, 6 * scale);
      cairo_set_source_rgb (cr, i == 0 ? 0.15 : 1.0, i == 0 ? 0.15 : 1.0, i == 0 ? 0.15 : 1.0);
      cairo_fill_preserve (cr);
      cairo_set_source_rgb (cr, 0.15, 0.15, 0.15);
      cairo_stroke (cr);
    }
  mq_draw_text (cr, "0", x, y - 8 * scale, 11 * scale, FALSE, MQ_ANCHOR_BOTTOM_LEFT, TRUE);
  mq_draw_text (cr, half, x + px / 2 - 4 * scale, y - 8 * scale, 11 * scale, FALSE,
                MQ_ANCHOR_BOTTOM_LEFT, TRUE);
  mq_draw_text (cr, label, x + px - 4 * scale, y - 8 * scale, 11 * scale, FALSE,
                MQ_ANCHOR_BOTTOM_LEFT, TRUE);
  cairo_restore (cr);
}

/* An arrow to true north, turned by angle (radians, clockwise from up). */
void
mq_furniture_draw_north_arrow (cairo_t *cr,
                               double   x,
                               double   y,
                               double   size,
                               double   angle)
{
  cairo_save (cr);
  cairo_translate (cr, x, y);
  cairo_rotate (cr, angle);
  cairo_move_to (cr, 0, -size / 2);
  cairo_line_to (cr, size / 4, size / 2);
  cairo_line_to (cr, 0, size / 3);
  cairo_close_path (cr);
  cairo_set_source_rgb (cr, 0.15, 0.15, 0.15);
  cairo_fill (cr);
  cairo_move_to (cr, 0, -size / 2);
  cairo_line_to (cr, -size / 4, size / 2);
  cairo_line_to (cr, 0, size / 3);
  cairo_close_path (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_fill_preserve (cr);
  cairo_set_source_rgb (cr, 0.15, 0.15, 0.15);
  cairo_set_line_width (cr, 1.0);
  cairo_stroke (cr);
  cairo_restore (cr);
  /* The letter upright beyond the arrow's tip, as any label: a turned one
   * would be shaped and drawn nine times over by pango at every frame. */
  mq_draw_text (cr, "N", x + sin (angle) * size * 0.8, y - cos (angle) * size * 0.8, size * 0.4, TRUE,
                MQ_ANCHOR_CENTER, TRUE);
}

/* mq-text.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-text.h"

/* A layout in the map's font: every text on the map and in the report. */
PangoLayout *
mq_text_layout (cairo_t    *cr,
                const char *text,
                double      size_px,
                gboolean    bold)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoFontDescription *desc = pango_font_description_new ();

  pango_font_description_set_family (desc, MQ_FONT_FAMILY);
  pango_font_description_set_absolute_size (desc, size_px * PANGO_SCALE);
  pango_font_description_set_weight (desc, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_layout_set_font_description (layout, desc);
  pango_layout_set_text (layout, text ? text : "", -1);
  pango_font_description_free (desc);
  return layout;
}

/* Size in pixels of a text as pango lays it out. */
void
mq_text_measure (cairo_t    *cr,
                 const char *text,
                 double      size_px,
                 gboolean    bold,
                 double     *width,
                 double     *height)
{
  PangoLayout *layout = mq_text_layout (cr, text, size_px, bold);
  int w, h;

  pango_layout_get_pixel_size (layout, &w, &h);
  *width = w;
  *height = h;
  g_object_unref (layout);
}

/* Whether @cr draws into a document (PDF, PostScript, SVG) rather than
 * pixels. */
static gboolean
is_vector (cairo_t *cr)
{
  cairo_surface_type_t type = cairo_surface_get_type (cairo_get_target (cr));

  return type == CAIRO_SURFACE_TYPE_PDF || type == CAIRO_SURFACE_TYPE_PS ||
         type == CAIRO_SURFACE_TYPE_SVG;
}

/* A white halo @d pixels round the text at (x, y). In a document it is the
 * glyphs' outline stroked, a path: the text layer (search, copy, pdftotext)
 * holds each label once. In pixels it is the text drawn round itself, from
 * cairo's glyph cache: four times cheaper than stroking outlines, for the
 * hundreds of labels of a map frame. */
static void
draw_halo (cairo_t     *cr,
           PangoLayout *layout,
           double       x,
           double       y,
           double       d)
{
  static const double offsets[8][2] = {
    { -1, -1 }, { 0, -1 }, { 1, -1 }, { -1, 0 }, { 1, 0 }, { -1, 1 }, { 0, 1 }, { 1, 1 },
  };

  cairo_save (cr);
  cairo_set_source_rgba (cr, 1, 1, 1, 0.9);
  if (is_vector (cr))
    {
      cairo_new_path (cr);
      cairo_move_to (cr, x, y);
      pango_cairo_layout_path (cr, layout);
      cairo_set_line_width (cr, 2 * d);
      cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
      cairo_stroke (cr);
    }
  else
    for (guint i = 0; i < G_N_ELEMENTS (offsets); i++)
      {
        cairo_move_to (cr, x + offsets[i][0] * d, y + offsets[i][1] * d);
        pango_cairo_show_layout (cr, layout);
      }
  cairo_restore (cr);
}

/* Text in dark grey, with a white halo where it sits on the map, shaped by
 * pango now (mq_draw_text() takes a pixel target's from the text cache). */
void
mq_text_draw_shaped (cairo_t    *cr,
                     const char *text,
                     double      x,
                     double      y,
                     double      size_px,
                     gboolean    bold,
                     MqAnchor    anchor,
                     gboolean    halo)
{
  PangoLayout *layout = mq_text_layout (cr, text, size_px, bold);
  int w, h;

  pango_layout_get_pixel_size (layout, &w, &h);
  if (anchor == MQ_ANCHOR_CENTER)
    x -= w / 2.0, y -= h / 2.0;
  else if (anchor == MQ_ANCHOR_BOTTOM_LEFT)
    y -= h;
  if (halo)
    draw_halo (cr, layout, x, y, MAX (1.0, size_px / 9.0));
  cairo_move_to (cr, x, y);
  cairo_set_source_rgb (cr, 0.18, 0.18, 0.20);
  pango_cairo_show_layout (cr, layout);
  g_object_unref (layout);
}

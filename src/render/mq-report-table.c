/* mq-report-table.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-report-table.h"

#include <glib/gi18n-lib.h>

#include "mq-furniture.h"

static const MqRgb ink = { 0.13, 0.13, 0.15 };

/* Text at (x, y) in @width (cut with "…" if longer), left or right-aligned
 * in it, in @color (NULL: the report's ink). */
void
mq_report_text (cairo_t     *cr,
                const char  *text,
                double       x,
                double       y,
                double       width,
                double       size,
                gboolean     bold,
                gboolean     right,
                const MqRgb *color)
{
  g_autoptr(PangoLayout) layout = NULL;

  if (text == NULL || *text == '\0')
    return;
  layout = mq_text_layout (cr, text, size, bold);
  if (width > 0)
    {
      pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
      pango_layout_set_alignment (layout, right ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
    }
  color = color != NULL ? color : &ink;
  cairo_set_source_rgb (cr, color->r, color->g, color->b);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
}

static void
rule (const MqReportTable *table,
      double               y,
      double               grey,
      double               width)
{
  cairo_set_source_rgb (table->cr, grey, grey, grey);
  cairo_set_line_width (table->cr, width);
  cairo_move_to (table->cr, table->x, y);
  cairo_line_to (table->cr, table->x + table->width, y);
  cairo_stroke (table->cr);
}

/* One row whose top is at @y: @cells (NULL for an empty one) in their
 * columns, @colors (nullable, NULL for the ink) beside them. */
void
mq_report_table_row (const MqReportTable *table,
                     double               y,
                     const char * const  *cells,
                     const MqRgb * const *colors,
                     MqReportRowKind      kind)
{
  double x = table->x;

  if (kind == MQ_REPORT_ROW_HEAD)
    {
      cairo_rectangle (table->cr, table->x, y - 2, table->width, table->row);
      cairo_set_source_rgb (table->cr, 0.90, 0.89, 0.86);
      cairo_fill (table->cr);
    }
  if (kind == MQ_REPORT_ROW_TOTAL)
    rule (table, y - 2, 0.35, 0.8);
  for (guint c = 0; c < table->n_columns; c++)
    {
      double w = table->width * table->columns[c].share;

      mq_report_text (table->cr, cells[c], x + 3, y, w - 6, table->text, kind != MQ_REPORT_ROW_PLAIN,
                      table->columns[c].numeric, colors != NULL ? colors[c] : NULL);
      x += w;
    }
  rule (table, y + table->row - 2, 0.8, 0.4);
}

/* The header row, the columns' titles in the user's language. */
void
mq_report_table_head (const MqReportTable *table,
                      double               y)
{
  g_autofree const char **titles = g_new0 (const char *, table->n_columns);

  for (guint c = 0; c < table->n_columns; c++)
    titles[c] = _(table->columns[c].title);
  mq_report_table_row (table, y, titles, NULL, MQ_REPORT_ROW_HEAD);
}

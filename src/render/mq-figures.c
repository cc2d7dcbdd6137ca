/* mq-figures.c
 *
 * Each figure is a labelled bar against the largest of its group, with its
 * value written after it, in the colours the map uses for the same things.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-figures.h"

#include <glib/gi18n-lib.h>

#include "mq-furniture.h"
#include "mq-style.h"

typedef struct
{
  cairo_t              *cr;
  double                x, width;
  const MqFiguresStyle *style;
} Panel;

static double
bar_row (Panel       *p,
         double       y,
         const char  *label,
         double       value,
         double       max,
         const MqRgb *color,
         const char  *figure)
{
  cairo_t *cr = p->cr;
  double bar_h = p->style->row * 0.6;

  mq_text_in (cr, label, p->x, y, p->width * 0.42, p->style->text, FALSE);
  cairo_rectangle (cr, p->x + p->width * 0.44, y + (p->style->row - bar_h) / 2 - 1,
                   MAX (0.5, p->width * 0.34 * (max > 0 ? value / max : 0)), bar_h);
  cairo_set_source_rgb (cr, color->r, color->g, color->b);
  cairo_fill_preserve (cr);
  cairo_set_source_rgb (cr, 0.5, 0.5, 0.5);
  cairo_set_line_width (cr, 0.4);
  cairo_stroke (cr);
  mq_text_in (cr, figure, p->x + p->width * 0.80, y, p->width * 0.20, p->style->text, FALSE);
  return y + p->style->row;
}

static double
heading (Panel      *p,
         double      y,
         const char *text)
{
  mq_text_in (p->cr, text, p->x, y, p->width, p->style->text * 1.22, TRUE);
  return y + p->style->row + 4;
}

static double
locks_rows (Panel           *p,
            const MqSummary *s,
            double           y)
{
  static const char *const labels[] = {
    N_("No lock held"), N_("1 of 4 locks"), N_("2 of 4 locks"), N_("3 of 4 locks"), N_("All 4 locks"),
  };
  double max = 0;

  y = heading (p, y, _("Flagged land by locks held"));
  for (guint i = 0; i <= MQ_N_LOCKS; i++)
    max = MAX (max, s->locks_held_m2[i]);
  for (guint i = 0; i <= MQ_N_LOCKS; i++)
    {
      g_autofree char *figure = g_strdup_printf (_("%.0f mu · %u"), s->locks_held_m2[i] / MQ_M2_PER_MU,
                                                 s->locks_held[i]);
      MqRgb color;

      mq_style_locks_color (i, &color);
      y = bar_row (p, y, _(labels[i]), s->locks_held_m2[i], max, &color, figure);
    }
  return y + 8;
}

static double
method_rows (Panel           *p,
             const MqSummary *s,
             double           y)
{
  double max = 0;

  y = heading (p, y, _("Flagged land by method"));
  for (guint m = MQ_METHOD_CAPACITY_UPGRADE; m < MQ_N_METHODS; m++)
    max = MAX (max, s->method_m2[m]);
  for (guint m = MQ_METHOD_CAPACITY_UPGRADE; m < MQ_N_METHODS; m++)
    {
      g_autofree char *figure = g_strdup_printf (_("%.0f mu"), s->method_m2[m] / MQ_M2_PER_MU);
      MqRgb color;

      mq_style_method_color (m, &color);
      y = bar_row (p, y, mq_method_label (m), s->method_m2[m], max, &color, figure);
    }
  return y + 8;
}

static double
stage_rows (Panel           *p,
            const MqSummary *s,
            double           y)
{
  static const MqRgb colors[] = { { 0.80, 0.80, 0.78 }, { 0.96, 0.68, 0.25 }, { 0.20, 0.60, 0.35 } };
  double max = 0;

  y = heading (p, y, _("Flagged land by stage"));
  for (guint st = 0; st <= MQ_STAGE_DONE; st++)
    max = MAX (max, s->stage_m2[st]);
  for (guint st = 0; st <= MQ_STAGE_DONE; st++)
    {
      g_autofree char *figure = g_strdup_printf (_("%.0f mu · %u"), s->stage_m2[st] / MQ_M2_PER_MU,
                                                 s->stage_parcels[st]);

      y = bar_row (p, y, mq_stage_label (st), s->stage_m2[st], max, &colors[st], figure);
    }
  return y + 8;
}

/* Columns of fully locked land at each month's end, the last one labelled. */
static double
month_chart (Panel  *p,
             GArray *months,
             double  y)
{
  double height = p->style->row * 6, max = 0, step = p->width / MAX (months->len, 1);
  MqRgb color;

  y = heading (p, y, _("Fully locked land, by month"));
  mq_style_locks_color (MQ_N_LOCKS, &color);
  for (guint k = 0; k < months->len; k++)
    max = MAX (max, g_array_index (months, MqMonthTotal, k).m2);
  for (guint k = 0; k < months->len; k++)
    {
      const MqMonthTotal *m = &g_array_index (months, MqMonthTotal, k);
      double h = max > 0 ? height * m->m2 / max : 0;

      cairo_rectangle (p->cr, p->x + k * step + 1, y + height - h, MAX (step - 2, 1), h);
      cairo_set_source_rgb (p->cr, color.r, color.g, color.b);
      cairo_fill (p->cr);
      /* Years, the first month and this one — where there is room. */
      if (k == 0 || k + 1 == months->len || (m->month == 1 && k > 6 && k + 6 < months->len))
        {
          g_autofree char *label = g_strdup_printf ("%04d-%02d", m->year, m->month);

          mq_text_in (p->cr, label, p->x + k * step, y + height + 2, 0, p->style->text * 0.85, FALSE);
        }
    }
  y += height + p->style->row * 1.2;
  if (months->len > 0)
    {
      const MqMonthTotal *last = &g_array_index (months, MqMonthTotal, months->len - 1);
      g_autofree char *now = g_strdup_printf (_("%.0f mu now"), last->m2 / MQ_M2_PER_MU);

      mq_text_in (p->cr, now, p->x, y, p->width, p->style->text, TRUE);
    }
  return y + p->style->row;
}

/**
 * mq_figures_draw:
 * @months: (nullable) (element-type MqMonthTotal): progress over time, or none
 *
 * Returns: the y below the last figure
 */
double
mq_figures_draw (cairo_t              *cr,
                 const MqSummary      *s,
                 GArray               *months,
                 double                x,
                 double                y,
                 double                width,
                 const MqFiguresStyle *style)
{
  Panel p = { cr, x, width, style };
  double flagged_mu = s->flagged_m2 / MQ_M2_PER_MU;
  g_autofree char *flagged = g_strdup_printf (_("%.1f of about %.0f mu flagged for upgrade (%.0f%%)"),
                                              flagged_mu, MQ_TARGET_MU, 100 * flagged_mu / MQ_TARGET_MU);
  g_autofree char *counts = g_strdup_printf (_("%u flagged parcels of %u · overdue %u · due within 30 days %u"),
                                             s->flagged_parcels, s->parcels, s->overdue, s->due_soon);
  const MqRgb done = { 0.145, 0.204, 0.580 };

  y = heading (&p, y, _("Summary"));
  mq_text_in (cr, flagged, x, y, width, style->text, FALSE);
  y += style->row;
  bar_row (&p, y, _("Against the target"), MIN (flagged_mu, MQ_TARGET_MU), MQ_TARGET_MU, &done, "3000");
  y += style->row;
  mq_text_in (cr, counts, x, y, width, style->text, FALSE);
  y += style->row + 10;
  y = locks_rows (&p, s, y);
  y = method_rows (&p, s, y);
  if (style->parts & MQ_FIGURES_STAGES)
    y = stage_rows (&p, s, y);
  if (months != NULL)
    y = month_chart (&p, months, y);
  return y;
}

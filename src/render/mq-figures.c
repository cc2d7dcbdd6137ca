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
#include <math.h>

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

/* Industrial land by the assessment's class, and what it yields per mu:
 * shown once any land has a class or a tax figure. */
static double
performance_rows (Panel           *p,
                  const MqSummary *s,
                  double           y)
{
  const MqPerformanceTotals *t = &s->performance;
  static const char *const labels[] = { N_("Not assessed"), N_("Class A"), N_("Class B"), N_("Class C"),
                                        N_("Class D") };
  double max = 0, assessed = 0;

  for (guint g = MQ_GRADE_A; g < MQ_N_GRADES; g++)
    max = MAX (max, t->grade_mu[g]), assessed += t->grade_mu[g];
  if (assessed == 0 && t->tax_mu == 0)
    return y;
  y = heading (p, y, _("Industrial land by performance class"));
  for (guint g = MQ_GRADE_A; g < MQ_N_GRADES; g++)
    {
      g_autofree char *figure = g_strdup_printf (_("%.0f mu · %u"), t->grade_mu[g], t->grade_count[g]);
      MqRgb color;

      mq_style_grade_color (g, &color);
      y = bar_row (p, y, _(labels[g]), t->grade_mu[g], max, &color, figure);
    }
  if (t->tax_mu > 0)
    {
      g_autofree char *line = g_strdup_printf (_("Tax %.0f (10k yuan) on %.0f mu: %.2f per mu · "
                                                 "output %.2f per mu"),
                                               t->tax, t->tax_mu, t->tax / t->tax_mu,
                                               t->output_mu > 0 ? t->output / t->output_mu : 0);

      mq_text_in (p->cr, line, p->x, y, p->width, p->style->text, FALSE);
      y += p->style->row;
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

/* A series' colour: each lock its own, all four the map's darkest, the
 * deadlines' plan red; methods as the map colours them. */
static void
series_color (guint  series,
              MqRgb *color)
{
  static const MqRgb locks[] = { { 0.42, 0.68, 0.84 }, { 0.99, 0.55, 0.24 }, { 0.45, 0.77, 0.46 },
                                 { 0.62, 0.60, 0.78 } };

  if (series < MQ_PROGRESS_ALL_FOUR)
    *color = locks[series];
  else if (series == MQ_PROGRESS_ALL_FOUR)
    mq_style_locks_color (MQ_N_LOCKS, color);
  else
    *color = (MqRgb) { 0.78, 0.10, 0.10 };
}

typedef struct
{
  double x, y, width, height, max;
  guint  n;
} Axes;

/* A series' value at a month, from whatever holds it. */
typedef double (*ValueAt) (gconstpointer values,
                           guint         month,
                           guint         series);

static double
progress_at (gconstpointer values,
             guint         month,
             guint         series)
{
  return g_array_index ((GArray *) values, MqProgressMonth, month).m2[series];
}

static double
method_at (gconstpointer values,
           guint         month,
           guint         series)
{
  return g_array_index ((GArray *) values, MqProgressMonth, month).method_m2[series];
}

static double
group_at (gconstpointer values,
          guint         month,
          guint         series)
{
  return mq_progress_groups_get ((MqProgressGroups *) values, month, series);
}

/* One line through the months it has a value for (what is held stops at
 * today's month). */
static void
draw_line (Panel         *p,
           const Axes    *a,
           ValueAt        value_at,
           gconstpointer  values,
           guint          series,
           const MqRgb   *color,
           double         width,
           gboolean       dashed)
{
  static const double dash[] = { 4, 3 };
  gboolean started = FALSE;

  for (guint k = 0; k < a->n; k++)
    {
      double v = value_at (values, k, series);
      double x = a->x + (a->n > 1 ? a->width * k / (a->n - 1) : 0);
      double y = a->y + a->height - (a->max > 0 ? a->height * v / a->max : 0);

      if (isnan (v))
        break;
      if (started)
        cairo_line_to (p->cr, x, y);
      else
        cairo_move_to (p->cr, x, y);
      started = TRUE;
    }
  cairo_set_source_rgb (p->cr, color->r, color->g, color->b);
  cairo_set_line_width (p->cr, width);
  cairo_set_dash (p->cr, dash, dashed ? 2 : 0, 0);
  cairo_stroke (p->cr);
  cairo_set_dash (p->cr, NULL, 0, 0);
}

/* The frame, the mu of its top line and the years along the bottom. */
static void
draw_axes (Panel      *p,
           const Axes *a,
           GArray     *months)
{
  g_autofree char *top = g_strdup_printf (_("%.0f mu"), a->max / MQ_M2_PER_MU);

  cairo_set_source_rgb (p->cr, 0.6, 0.6, 0.6);
  cairo_set_line_width (p->cr, 0.5);
  cairo_rectangle (p->cr, a->x, a->y, a->width, a->height);
  cairo_stroke (p->cr);
  mq_text_in (p->cr, top, a->x + 2, a->y + 1, 0, p->style->text * 0.8, FALSE);
  for (guint k = 0; k < months->len; k++)
    {
      const MqProgressMonth *m = &g_array_index (months, MqProgressMonth, k);
      double x = a->x + (a->n > 1 ? a->width * k / (a->n - 1) : 0);
      g_autofree char *year = NULL;

      /* Januaries, and the first month unless a January is too close. */
      if (m->month != 1 && (k != 0 || m->month > 9))
        continue;
      year = g_strdup_printf ("%04d", m->year);
      mq_text_in (p->cr, year, MIN (x, a->x + a->width - p->style->text * 2.2), a->y + a->height + 2, 0,
                  p->style->text * 0.8, FALSE);
    }
}

/* A swatch and a label per series, in rows as the width allows. */
static double
draw_legend (Panel       *p,
             double       y,
             const char **labels,
             const MqRgb *colors,
             guint        n)
{
  double x = p->x, step = p->width / 3;

  for (guint i = 0; i < n; i++)
    {
      if (i > 0 && i % 3 == 0)
        x = p->x, y += p->style->row;
      cairo_rectangle (p->cr, x, y + p->style->row * 0.35, p->style->text, p->style->row * 0.25);
      cairo_set_source_rgb (p->cr, colors[i].r, colors[i].g, colors[i].b);
      cairo_fill (p->cr);
      mq_text_in (p->cr, labels[i], x + p->style->text * 1.4, y, step - p->style->text * 1.6, p->style->text * 0.85,
                  FALSE);
      x += step;
    }
  return y + p->style->row;
}

static double
largest (ValueAt        value_at,
         gconstpointer  values,
         guint          n_months,
         guint          n_series)
{
  double max = 0;

  for (guint k = 0; k < n_months; k++)
    for (guint s = 0; s < n_series; s++)
      {
        double v = value_at (values, k, s);

        if (!isnan (v))
          max = MAX (max, v);
      }
  return max;
}

/* Progress over the months: each lock, all four (thick) and what the
 * deadlines planned by then (dashed), cumulative mu. */
static double
progress_chart (Panel  *p,
                GArray *months,
                double  y)
{
  const char *labels[MQ_N_PROGRESS];
  MqRgb colors[MQ_N_PROGRESS];
  Axes a = { p->x, 0, p->width, p->style->row * 7, largest (progress_at, months, months->len, MQ_N_PROGRESS),
             months->len };

  y = heading (p, y, _("Progress over time (mu, cumulative)"));
  a.y = y;
  draw_axes (p, &a, months);
  for (guint s = 0; s < MQ_N_PROGRESS; s++)
    {
      series_color (s, &colors[s]);
      labels[s] = s < MQ_PROGRESS_ALL_FOUR ? mq_lock_label (s)
                  : s == MQ_PROGRESS_ALL_FOUR ? _("All four locks") : _("Planned (deadlines)");
      draw_line (p, &a, progress_at, months, s, &colors[s], s == MQ_PROGRESS_ALL_FOUR ? 2.5 : 1.2,
                 s == MQ_PROGRESS_PLANNED);
    }
  y += a.height + p->style->row;
  return draw_legend (p, y, labels, colors, MQ_N_PROGRESS) + 6;
}

/* All four locks over the months, one line per method. */
static double
method_chart (Panel  *p,
              GArray *months,
              double  y)
{
  const char *labels[MQ_N_METHODS - 1];
  MqRgb colors[MQ_N_METHODS - 1];
  Axes a = { p->x, 0, p->width, p->style->row * 5, largest (method_at, months, months->len, MQ_N_METHODS),
             months->len };

  y = heading (p, y, _("Fully locked land by method (mu)"));
  a.y = y;
  draw_axes (p, &a, months);
  for (guint m = MQ_METHOD_NONE + 1; m < MQ_N_METHODS; m++)
    {
      mq_style_method_color (m, &colors[m - 1]);
      labels[m - 1] = mq_method_label (m);
      draw_line (p, &a, method_at, months, m, &colors[m - 1], 1.8, FALSE);
    }
  y += a.height + p->style->row;
  return draw_legend (p, y, labels, colors, MQ_N_METHODS - 1) + 6;
}

/* All four locks over the months, one line per responsible entity (the
 * ones with the most flagged land, the rest as one). */
static double
entity_chart (Panel            *p,
              GArray           *months,
              MqProgressGroups *entities,
              double            y)
{
  static const MqRgb palette[] = { { 0.12, 0.47, 0.71 }, { 1.0, 0.50, 0.05 }, { 0.17, 0.63, 0.17 },
                                   { 0.84, 0.15, 0.16 }, { 0.58, 0.40, 0.74 }, { 0.55, 0.55, 0.55 } };
  guint n = MIN (entities->names->len, G_N_ELEMENTS (palette));

  const char *labels[G_N_ELEMENTS (palette)];
  MqRgb colors[G_N_ELEMENTS (palette)];
  Axes a = { p->x, 0, p->width, p->style->row * 5, largest (group_at, entities, months->len, n), months->len };

  if (n == 0)
    return y;
  y = heading (p, y, _("Fully locked land by responsible entity (mu)"));
  a.y = y;
  draw_axes (p, &a, months);
  for (guint g = 0; g < n; g++)
    {
      /* The rest, "Others", in grey. */
      gboolean others = g + 1 == entities->names->len && entities->has_others;

      colors[g] = others ? palette[G_N_ELEMENTS (palette) - 1] : palette[g];
      labels[g] = g_ptr_array_index (entities->names, g);
      draw_line (p, &a, group_at, entities, g, &colors[g], 1.8, FALSE);
    }
  y += a.height + p->style->row;
  return draw_legend (p, y, labels, colors, n) + 6;
}

/**
 * mq_figures_draw:
 * @months: (nullable) (element-type MqProgressMonth): progress over time, or none
 * @entities: (nullable): with @months: all four locks by responsible entity
 *
 * Returns: the y below the last figure
 */
double
mq_figures_draw (cairo_t              *cr,
                 const MqSummary      *s,
                 GArray               *months,
                 MqProgressGroups     *entities,
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
  y = performance_rows (&p, s, y);
  if (style->parts & MQ_FIGURES_STAGES)
    y = stage_rows (&p, s, y);
  if (months != NULL)
    y = progress_chart (&p, months, y);
  if (months != NULL && (style->parts & MQ_FIGURES_METHODS))
    y = method_chart (&p, months, y);
  if (months != NULL && entities != NULL)
    y = entity_chart (&p, months, entities, y);
  return y;
}

/**
 * mq_figures_draw_progress:
 * @months: (element-type MqProgressMonth): from mq_progress_by_month()
 *
 * The progress charts alone, for a page of their own (the report's).
 *
 * Returns: the y below them
 */
double
mq_figures_draw_progress (cairo_t              *cr,
                          GArray               *months,
                          MqProgressGroups     *entities,
                          double                x,
                          double                y,
                          double                width,
                          const MqFiguresStyle *style)
{
  Panel p = { cr, x, width, style };

  y = progress_chart (&p, months, y);
  y = method_chart (&p, months, y + style->row);
  return entities != NULL ? entity_chart (&p, months, entities, y + style->row) : y;
}

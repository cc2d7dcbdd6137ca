/* mq-report.c
 *
 * Everything is drawn in PDF points with the map's own renderer, so the map
 * stays vector and looks as it does on screen; pango embeds the CJK fonts.
 * Written under a temporary name and renamed when complete.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-report.h"
#include "mq-export.h"
#include "mq-store.h"

#include <cairo-pdf.h>
#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <unistd.h>

#include "mq-crs.h"
#include "mq-figures.h"
#include "mq-output.h"
#include "mq-furniture.h"
#include "mq-report-table.h"
#include "mq-style.h"
#include "mq-summary.h"
#include "mq-terms.h"
#include "mq-text.h"

G_DEFINE_QUARK (mq-report-error-quark, mq_report_error)

#define MARGIN 28.0
#define HEADER 58.0
#define FOOTER 22.0
#define ROW 17.0
#define TEXT 9.0
/* A point is 1/72 inch: the denominator of the printed scale. */
#define METRES_PER_POINT (0.0254 / 72.0)
/* The zone keeps this far from the overview map's frame. */
#define FRAME_PAD 12.0

static const MqRgb overdue_red = { 0.78, 0.10, 0.10 };
static const MqRgb due_soon_amber = { 0.80, 0.47, 0.0 };

typedef struct
{
  MqDataset             *dataset;
  const MqReportOptions *options;
  MqRenderer            *renderer;
  cairo_t               *cr;
  double                 width, height;
  guint                  page, n_pages;
  GArray                *parcels;      /* guint: the table's and atlas's parcels, sorted */
  GArray                *deadlines;    /* guint: those overdue or due soon, most overdue first */
  guint                  table_pages, deadline_pages;
  char                  *generated;
  guint32                today;
  GHashTable            *history;      /* parcel id → recent MqHistoryEntry, for the atlas */
  cairo_surface_t       *surface;
  const char            *pages_dir;    /* (nullable): a PDF per page there (a GeoPDF's) */
  gboolean               failed;       /* a page's surface could not be written */
  GArray                *geo;          /* MqReportPageGeo: the pages' map frames */
} Report;

/* ---- page frame ---------------------------------------------------------- */

gboolean
mq_report_page_size (const MqReportOptions  *options,
                     double                 *width,
                     double                 *height,
                     GError                **error)
{
  const char *paper = options->paper ? options->paper : "A3";
  double w, h;

  if (g_ascii_strcasecmp (paper, "A3") == 0)
    w = 1190.55, h = 841.89;
  else if (g_ascii_strcasecmp (paper, "A4") == 0)
    w = 841.89, h = 595.28;
  else
    {
      g_set_error (error, MQ_REPORT_ERROR, MQ_REPORT_ERROR_BAD_ARGUMENT,
                   _("--paper=%s: expected A3 or A4"), paper);
      return FALSE;
    }
  *width = options->portrait ? h : w;
  *height = options->portrait ? w : h;
  return TRUE;
}

/* The report's title: the one asked for, or the zone's. */
const char *
mq_report_get_title (const MqReportOptions *options)
{
  return options->title && *options->title ? options->title
                                            : _("Maqiao AI Pilot Zone: Industrial Land Transformation");
}

/* "截至 2025年6月30日": a report of a past day says so on every page, in
 * red at the top right, where the eye goes first. */
static void
as_of_banner (Report *r)
{
  g_autofree char *text = NULL;
  PangoLayout *layout;
  char day[64];
  int w, h;
  GDate date;

  if (mq_dataset_get_as_of (r->dataset) == 0)
    return;
  g_date_clear (&date, 1);
  g_date_set_julian (&date, mq_dataset_get_as_of (r->dataset));
  /* TRANSLATORS: a day in a report's banner, as strftime() takes it */
  g_date_strftime (day, sizeof day, _("%-d %B %Y"), &date);
  /* TRANSLATORS: a report's banner: the status it shows is that of this day */
  text = g_strdup_printf (_("As of %s"), day);
  layout = mq_text_layout (r->cr, text, 12, TRUE);
  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_set_source_rgb (r->cr, 0.75, 0.1, 0.1);
  cairo_rectangle (r->cr, r->width - MARGIN - w - 16, MARGIN - 8, w + 16, h + 8);
  cairo_fill (r->cr);
  cairo_set_source_rgb (r->cr, 1, 1, 1);
  cairo_move_to (r->cr, r->width - MARGIN - w - 8, MARGIN - 4);
  pango_cairo_show_layout (r->cr, layout);
  g_object_unref (layout);
}

static void
header (Report     *r,
        const char *heading)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *date = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *line = NULL;

  mq_text_in (r->cr, heading, MARGIN, MARGIN - 6, r->width - 2 * MARGIN, 20, TRUE);
  as_of_banner (r);
  if (r->options->unit && *r->options->unit)
    line = g_strdup_printf (_("%s · %s · Made by %s"), _("Shanghai Maqiao AI Innovation Pilot Zone"), date,
                            r->options->unit);
  else
    line = g_strdup_printf ("%s · %s", _("Shanghai Maqiao AI Innovation Pilot Zone"), date);
  mq_text_in (r->cr, line, MARGIN, MARGIN + 22, r->width - 2 * MARGIN, 10, FALSE);
  cairo_set_source_rgb (r->cr, 0.55, 0.18, 0.10);
  cairo_set_line_width (r->cr, 1.5);
  cairo_move_to (r->cr, MARGIN, MARGIN + HEADER - 18);
  cairo_line_to (r->cr, r->width - MARGIN, MARGIN + HEADER - 18);
  cairo_stroke (r->cr);
}

/* "Data: maqiao.gpkg · Generated …" and "Page N of M" on every page. */
static void
footer (Report *r)
{
  g_autofree char *base = g_path_get_basename (mq_dataset_get_path (r->dataset));
  g_autofree char *left = g_strdup_printf (_("Data: %s · Generated %s"), base, r->generated);
  g_autofree char *right = g_strdup_printf (_("Page %u of %u"), r->page, r->n_pages);
  double w, h;

  mq_text_in (r->cr, left, MARGIN, r->height - MARGIN + 4, r->width * 0.7, 8, FALSE);
  mq_text_size (r->cr, right, 8, FALSE, &w, &h);
  mq_text_in (r->cr, right, r->width - MARGIN - w, r->height - MARGIN + 4, 0, 8, FALSE);
}

static void
close_surface (Report *r)
{
  g_clear_pointer (&r->cr, cairo_destroy);
  cairo_surface_finish (r->surface);
  r->failed |= cairo_surface_status (r->surface) != CAIRO_STATUS_SUCCESS;
  g_clear_pointer (&r->surface, cairo_surface_destroy);
}

/* A page of its own, "page-0001.pdf" in the pages' folder. */
static void
open_page_surface (Report *r)
{
  g_autofree char *name = g_strdup_printf ("page-%04u.pdf", r->page);
  g_autofree char *path = g_build_filename (r->pages_dir, name, NULL);

  r->surface = cairo_pdf_surface_create (path, r->width, r->height);
  r->cr = cairo_create (r->surface);
}

static void
next_page (Report *r)
{
  footer (r);
  cairo_show_page (r->cr);
  r->page++;
  if (r->pages_dir != NULL && r->page <= r->n_pages)
    {
      close_surface (r);
      open_page_surface (r);
    }
}

/* Where a map frame of this page shows the ground: what a GeoPDF is
 * georeferenced by. */
static void
note_frame (Report      *r,
            const MqBox *frame,
            MqViewport  *vp,
            int          parcel)
{
  MqReportPageGeo geo = { r->page, *frame, { 0 }, parcel };

  if (r->geo == NULL)
    return;
  mq_viewport_get_visible_box (vp, &geo.ground);
  g_array_append_val (r->geo, geo);
}

/* ---- page 1: the map and the figures ------------------------------------- */

/**
 * mq_report_round_scale:
 *
 * The round scale a printed map of 1:@needed is drawn at instead: the next
 * of 1, 1.5, 2, 2.5, 3, 4, 5 and 7.5 × 10ⁿ (from 1:500), so that a planner
 * can measure on paper.
 */
double
mq_report_round_scale (double needed)
{
  static const double mantissas[] = { 1, 1.5, 2, 2.5, 3, 4, 5, 7.5 };

  if (!isfinite (needed) || needed > 1e9)
    return 1e9;
  for (double power = 100; ; power *= 10)
    for (guint i = 0; i < G_N_ELEMENTS (mantissas); i++)
      if (mantissas[i] * power >= MAX (needed, 500))
        return mantissas[i] * power;
}

/* "1:25 000" */
static char *
scale_text (double scale)
{
  g_autofree char *digits = g_strdup_printf ("%.0f", scale);
  GString *out = g_string_new ("1:");
  gsize n = strlen (digits);

  for (gsize i = 0; i < n; i++)
    {
      if (i > 0 && (n - i) % 3 == 0)
        g_string_append_c (out, ' ');
      g_string_append_c (out, digits[i]);
    }
  return g_string_free (out, FALSE);
}

/**
 * mq_report_map_frame:
 *
 * Page 1's map frame in points and the viewport that shows the zone in it,
 * centred at the round scale that fits it.
 *
 * Returns: the scale's denominator
 */
double
mq_report_map_frame (const MqReportOptions *options,
                     MqDataset             *dataset,
                     MqBox                 *frame,
                     MqViewport            *viewport)
{
  double w = 0, h = 0, fw, fh, needed, scale;
  MqBox extent;

  mq_report_page_size (options, &w, &h, NULL);
  frame->min_x = MARGIN;
  frame->min_y = MARGIN + HEADER;
  frame->max_x = MARGIN + (w - 2 * MARGIN) * (options->portrait ? 1.0 : 0.68);
  frame->max_y = options->portrait ? MARGIN + HEADER + (h - 2 * MARGIN - HEADER) * 0.62
                                   : h - MARGIN - FOOTER;
  fw = frame->max_x - frame->min_x, fh = frame->max_y - frame->min_y;
  mq_viewport_set_size (viewport, fw, fh);
  mq_dataset_get_extent (dataset, &extent);
  needed = MAX ((extent.max_x - extent.min_x) / (fw - 2 * FRAME_PAD),
                (extent.max_y - extent.min_y) / (fh - 2 * FRAME_PAD)) / METRES_PER_POINT;
  scale = mq_report_round_scale (needed);
  mq_viewport_set_resolution (viewport, scale * METRES_PER_POINT);
  mq_viewport_set_center (viewport, (extent.min_x + extent.max_x) / 2, (extent.min_y + extent.max_y) / 2);
  return scale;
}

/* Grid coordinates along the frame, every round distance. */
static void
frame_ticks (Report      *r,
             const MqBox *frame,
             MqViewport  *vp)
{
  double step = mq_furniture_scale_length (mq_viewport_get_resolution (vp), 140);
  MqBox view;

  mq_viewport_get_visible_box (vp, &view);
  cairo_set_source_rgb (r->cr, 0.2, 0.2, 0.2);
  cairo_set_line_width (r->cr, 0.6);
  for (double x = ceil (view.min_x / step) * step; x <= view.max_x; x += step)
    {
      double sx, sy;
      g_autofree char *label = g_strdup_printf ("%.0f", x);

      mq_viewport_map_to_screen (vp, x, view.max_y, &sx, &sy);
      cairo_move_to (r->cr, frame->min_x + sx, frame->min_y);
      cairo_line_to (r->cr, frame->min_x + sx, frame->min_y - 4);
      cairo_move_to (r->cr, frame->min_x + sx, frame->max_y);
      cairo_line_to (r->cr, frame->min_x + sx, frame->max_y + 4);
      cairo_stroke (r->cr);
      mq_text_in (r->cr, label, frame->min_x + sx + 2, frame->max_y + 3, 0, 6.5, FALSE);
    }
  for (double y = ceil (view.min_y / step) * step; y <= view.max_y; y += step)
    {
      double sx, sy;
      g_autofree char *label = g_strdup_printf ("%.0f", y);

      mq_viewport_map_to_screen (vp, view.min_x, y, &sx, &sy);
      cairo_move_to (r->cr, frame->min_x, frame->min_y + sy);
      cairo_line_to (r->cr, frame->min_x - 4, frame->min_y + sy);
      cairo_move_to (r->cr, frame->max_x, frame->min_y + sy);
      cairo_line_to (r->cr, frame->max_x + 4, frame->min_y + sy);
      cairo_stroke (r->cr);
      mq_text_in (r->cr, label, frame->max_x + 5, frame->min_y + sy - 4, 0, 6.5, FALSE);
    }
}

static void
draw_map_in (Report      *r,
             const MqBox *frame,
             MqViewport  *vp,
             gboolean     furniture)
{
  cairo_save (r->cr);
  cairo_rectangle (r->cr, frame->min_x, frame->min_y, frame->max_x - frame->min_x,
                   frame->max_y - frame->min_y);
  cairo_clip (r->cr);
  cairo_translate (r->cr, frame->min_x, frame->min_y);
  mq_renderer_draw_map (r->renderer, r->cr, vp);
  if (furniture)
    mq_renderer_draw_furniture (r->renderer, r->cr, vp);
  cairo_restore (r->cr);
  cairo_rectangle (r->cr, frame->min_x, frame->min_y, frame->max_x - frame->min_x,
                   frame->max_y - frame->min_y);
  cairo_set_source_rgb (r->cr, 0.15, 0.15, 0.15);
  cairo_set_line_width (r->cr, 1.2);
  cairo_stroke (r->cr);
}

/* The height of the figures drawn with @style, measured on a recording. */
static double
figures_height (const MqSummary      *summary,
                GArray               *months,
                double                width,
                const MqFiguresStyle *style)
{
  cairo_surface_t *recording = cairo_recording_surface_create (CAIRO_CONTENT_COLOR_ALPHA, NULL);
  cairo_t *cr = cairo_create (recording);
  double height = mq_figures_draw (cr, summary, months, NULL, 0, 0, width, style);

  cairo_destroy (cr);
  cairo_surface_destroy (recording);
  return height;
}

/* The figures in @height: progress by stage and over the months when they
 * fit, the locks and methods always. Returns the y below them. */
static double
summary_panel (Report *r,
               double  x,
               double  y,
               double  width,
               double  height)
{
  /* A report of some parcels (one entity's) counts theirs alone. */
  g_autoptr(MqSummary) s = r->options->only ? mq_summary_new_of (r->dataset, r->today, r->options->only)
                                            : mq_summary_new (r->dataset, r->today);
  g_autoptr(GArray) months = r->options->only ? NULL
                                              : mq_progress_by_month (r->dataset, r->today, NULL, 72, 24);
  MqFiguresStyle style = { TEXT, ROW, MQ_FIGURES_STAGES };

  if (figures_height (s, months, width, &style) > height)
    g_clear_pointer (&months, g_array_unref);
  if (figures_height (s, months, width, &style) > height)
    style.parts = 0;
  /* A small page: smaller rows rather than figures over the footer. */
  while (figures_height (s, months, width, &style) > height && style.row > ROW * 0.6)
    style.row *= 0.9, style.text *= 0.92;
  return mq_figures_draw (r->cr, s, months, NULL, x, y, width, &style);
}

/* "逾期 N 天" in red, "N 天后到期" in amber: a deadline as the tables say it. */
static char *
deadline_state (const MqParcel *p,
                guint32         today,
                const MqRgb   **color)
{
  guint days;

  if (mq_parcel_is_overdue (p, today))
    {
      days = mq_parcel_days_overdue (p, today);
      *color = &overdue_red;
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u day overdue", "%u days overdue", days), days);
    }
  *color = &due_soon_amber;
  days = p->deadline - today;
  if (days == 0)
    return g_strdup (_("due today"));
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "due in %u day", "due in %u days", days), days);
}

static const char *
entity_or_owner (const MqParcel *p)
{
  return p->details->entity && *p->details->entity ? p->details->entity : p->owner;
}

/* The most overdue parcels, as many as fit above @bottom. */
static void
most_overdue (Report *r,
              double  x,
              double  y,
              double  width,
              double  bottom)
{
  static const MqReportColumn columns[] = {
    { N_("Parcel"), 0.2, FALSE }, { N_("Status"), 0.3, FALSE }, { N_("Responsible entity"), 0.5, FALSE },
  };
  MqReportTable table = { r->cr, x, width, columns, G_N_ELEMENTS (columns), TEXT - 0.5, ROW - 1 };
  MqParcels *parcels = mq_dataset_get_parcels (r->dataset);
  guint k;

  if (r->deadlines->len == 0 || y + 3 * table.row > bottom)
    return;
  mq_text_in (r->cr, _("Most overdue"), x, y, width, 11, TRUE);
  y += ROW + 4;
  mq_report_table_head (&table, y);
  for (k = 0; k < r->deadlines->len && y + 2 * table.row <= bottom; k++)
    {
      const MqParcel *p = mq_parcels_get (parcels, g_array_index (r->deadlines, guint, k));
      const MqRgb *color = NULL;
      g_autofree char *state = NULL;

      if (!mq_parcel_is_overdue (p, r->today))
        break;
      state = deadline_state (p, r->today, &color);
      y += table.row;
      mq_report_table_row (&table, y, (const char *[]) { p->id, state, entity_or_owner (p) },
                           (const MqRgb *[]) { NULL, color, NULL }, MQ_REPORT_ROW_PLAIN);
    }
}

/* One line of the title block: its height, and with @cr the line drawn
 * (the value wraps rather than being cut: a coordinate system is long). */
static double
block_line (cairo_t    *cr,
            double      x,
            double      y,
            double      width,
            const char *name,
            const char *value)
{
  g_autoptr(PangoLayout) layout = mq_text_layout (cr, value, TEXT - 0.5, FALSE);
  double name_w = width * 0.26, height;
  int h;

  pango_layout_set_width (layout, (int) ((width - name_w - 10) * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_get_size (layout, NULL, &h);
  height = MAX (ROW, (double) h / PANGO_SCALE + 6);
  cairo_rectangle (cr, x, y, name_w, height);
  cairo_set_source_rgb (cr, 0.93, 0.92, 0.89);
  cairo_fill (cr);
  mq_text_in (cr, name, x + 4, y + 3, name_w - 8, TEXT - 0.5, TRUE);
  cairo_set_source_rgb (cr, 0.13, 0.13, 0.15);
  cairo_move_to (cr, x + name_w + 5, y + 3);
  pango_cairo_show_layout (cr, layout);
  cairo_rectangle (cr, x, y, width, height);
  cairo_set_source_rgb (cr, 0.35, 0.35, 0.35);
  cairo_set_line_width (cr, 0.6);
  cairo_stroke (cr);
  return height;
}

/* The day it was made, and the day its status is of when that is another. */
static char *
dup_made_date (Report *r)
{
  g_autofree char *made = g_strndup (r->generated, 10);
  guint32 day = mq_dataset_get_as_of (r->dataset);
  g_autofree char *as_of = day ? mq_date_format (day) : NULL;

  /* TRANSLATORS: the 图签's date: the day made, then the day its status is of */
  return as_of ? g_strdup_printf (_("%s (status as of %s)"), made, as_of) : g_steal_pointer (&made);
}

/* The 图签: title, unit, date, coordinate system, scale and data source,
 * with its bottom at @bottom. Returns its top. */
static double
title_block (Report *r,
             double  x,
             double  bottom,
             double  width,
             double  scale)
{
  g_autofree char *date = dup_made_date (r);
  g_autofree char *scale_line = scale_text (scale);
  g_autofree char *source = g_path_get_basename (mq_dataset_get_path (r->dataset));
  OGRSpatialReferenceH srs = OSRNewSpatialReference (mq_dataset_get_display_wkt (r->dataset));
  g_autofree char *crs = mq_crs_dup_map_label (srs);
  const char *unit = r->options->unit && *r->options->unit ? r->options->unit : "—";
  const char *lines[][2] = {
    { _("Map title"), mq_report_get_title (r->options) }, { _("Mapping unit"), unit },
    { _("Date made"), date }, { _("Coordinate system"), crs },
    { _("Scale"), scale_line }, { _("Data source"), source },
  };
  cairo_surface_t *recording = cairo_recording_surface_create (CAIRO_CONTENT_COLOR_ALPHA, NULL);
  cairo_t *measure = cairo_create (recording);
  double height = 0, y;

  OSRDestroySpatialReference (srs);
  for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
    height += block_line (measure, 0, 0, width, lines[i][0], lines[i][1]);
  cairo_destroy (measure);
  cairo_surface_destroy (recording);
  y = bottom - height;
  for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
    y += block_line (r->cr, x, y, width, lines[i][0], lines[i][1]);
  cairo_rectangle (r->cr, x, bottom - height, width, height);
  cairo_set_line_width (r->cr, 1.2);
  cairo_stroke (r->cr);
  return bottom - height;
}

/* Beside the map (below it on a portrait page): the figures, the most
 * overdue parcels and the title block. */
static void
overview_column (Report      *r,
                 const MqBox *frame,
                 double       scale)
{
  double bottom = r->height - MARGIN - FOOTER, block_top, y;

  if (r->options->portrait)
    {
      double half = (r->width - 2 * MARGIN - 24) / 2, right = MARGIN + half + 24;

      summary_panel (r, MARGIN, frame->max_y + 24, half, bottom - frame->max_y - 24);
      block_top = title_block (r, right, bottom, half, scale);
      most_overdue (r, right, frame->max_y + 24, half, block_top - 12);
      return;
    }
  {
    double x = frame->max_x + 40, width = r->width - MARGIN - x;

    block_top = title_block (r, x, frame->max_y, width, scale);
    y = summary_panel (r, x, frame->min_y, width, (block_top - frame->min_y) * 0.62);
    most_overdue (r, x, y + 8, width, block_top - 12);
  }
}

/* A map's own furniture: a legend counting @counted only (its lines of
 * none left out), a scale bar on its backing, the north arrow. */
static void
map_furniture (Report       *r,
               const MqBox  *frame,
               MqViewport   *vp,
               const GArray *counted,
               double        legend_scale)
{
  MqParcels *parcels = mq_dataset_get_parcels (r->dataset);
  g_autoptr(GArray) counts = mq_style_legend_counts_of (r->options->theme, parcels, counted, r->today);
  double lw, lh, cx, cy;

  mq_furniture_legend_of_size (r->options->theme, counts, legend_scale, &lw, &lh);
  mq_furniture_draw_legend_of (r->cr, r->options->theme, counts, frame->max_x - lw - 8, frame->min_y + 8,
                               legend_scale);
  mq_furniture_draw_scale_bar (r->cr, mq_viewport_get_resolution (vp), frame->min_x + 14, frame->max_y - 12,
                               0.8);
  mq_viewport_get_center (vp, &cx, &cy);
  mq_furniture_draw_north_arrow (r->cr, frame->min_x + 24, frame->min_y + 30, 26,
                                 mq_dataset_get_north_angle (r->dataset, cx, cy));
}

static void
overview_page (Report *r)
{
  g_autoptr(MqViewport) vp = mq_viewport_new ();
  MqBox frame;
  double scale;

  header (r, mq_report_get_title (r->options));
  scale = mq_report_map_frame (r->options, r->dataset, &frame, vp);
  /* The report's own parcels stand out of the zone's, and its legend
   * counts them (one entity's report), not the zone. */
  mq_renderer_set_selection (r->renderer, r->options->only);
  draw_map_in (r, &frame, vp, r->options->only == NULL);
  mq_renderer_set_selection (r->renderer, NULL);
  if (r->options->only != NULL)
    map_furniture (r, &frame, vp, r->parcels, 0.9);
  note_frame (r, &frame, vp, -1);
  frame_ticks (r, &frame, vp);
  overview_column (r, &frame, scale);
  next_page (r);
}

/* ---- progress over time --------------------------------------------------- */

/* The zone's curves on a page of their own: each lock, all four and the
 * deadlines' plan by month, and all four by method (a report of some
 * parcels has none: its page 1 counts them). */
static void
progress_page (Report *r)
{
  g_autoptr(GArray) months = mq_progress_by_month (r->dataset, r->today, NULL, 72, 24);
  g_autoptr(MqProgressGroups) entities = mq_progress_by_entity (r->dataset, r->today, NULL, months, 5);
  double width = MIN (r->width - 2 * MARGIN, (r->height - 2 * MARGIN - HEADER) * 1.2);
  /* The three charts take about 32 rows: as large as the page holds them. */
  double row = MIN (ROW * 1.6, (r->height - 2 * MARGIN - HEADER - FOOTER) / 32);
  MqFiguresStyle style = { row * TEXT / ROW, row, 0 };

  header (r, _("Progress over Time"));
  mq_figures_draw_progress (r->cr, months, entities, MARGIN, MARGIN + HEADER, width, &style);
  next_page (r);
}

/* ---- the table of flagged parcels ----------------------------------------- */

static const MqReportColumn table_columns[] = {
  { N_("No."), 0.04, TRUE }, { N_("Parcel"), 0.08, FALSE }, { N_("Right holder"), 0.17, FALSE },
  { N_("Mu"), 0.06, TRUE }, { N_("Method"), 0.08, FALSE }, { N_("Parcel locked"), 0.07, FALSE },
  { N_("Project locked"), 0.07, FALSE }, { N_("Time locked"), 0.07, FALSE },
  { N_("Entity locked"), 0.07, FALSE }, { N_("Deadline"), 0.08, FALSE },
  { N_("Responsible entity"), 0.21, FALSE },
};
#define N_TABLE_COLUMNS G_N_ELEMENTS (table_columns)

static MqReportTable
report_table (Report               *r,
              const MqReportColumn *columns,
              guint                 n_columns)
{
  return (MqReportTable) { r->cr, MARGIN, r->width - 2 * MARGIN, columns, n_columns, TEXT, ROW };
}

/* Rows of a table page below its header row and above its footer, less
 * @reserved (totals, a line of summary). */
static guint
rows_per_page (Report *r,
               guint   reserved)
{
  return (guint) floor ((r->height - 2 * MARGIN - HEADER - FOOTER - ROW) / ROW) - reserved;
}

/* The pages a table of @n rows takes, one at least (it says "None."). */
static guint
pages_for (guint n,
           guint per_page)
{
  return MAX (1, (n + per_page - 1) / per_page);
}

typedef struct
{
  guint  parcels;
  double m2;
  guint  locks[MQ_N_LOCKS];
} Totals;

static void
totals_add (Totals         *t,
            const MqParcel *p)
{
  t->parcels++;
  t->m2 += p->area_m2;
  for (guint lock = 0; lock < MQ_N_LOCKS; lock++)
    t->locks[lock] += (p->locks >> lock) & 1;
}

static void
table_parcel_row (Report         *r,
                  double          y,
                  guint           number,
                  const MqParcel *p)
{
  MqReportTable table = report_table (r, table_columns, N_TABLE_COLUMNS);
  g_autofree char *no = g_strdup_printf ("%u", number);
  g_autofree char *mu = g_strdup_printf ("%.2f", p->area_m2 / MQ_M2_PER_MU);
  g_autofree char *deadline = mq_date_format (p->deadline);
  const char *cells[N_TABLE_COLUMNS] = { no, p->id, p->owner, mu, mq_method_label (p->method) };
  const MqRgb *colors[N_TABLE_COLUMNS] = { NULL };

  for (guint lock = 0; lock < MQ_N_LOCKS; lock++)
    cells[5 + lock] = (p->locks & (1u << lock)) ? "✓" : "—";
  cells[9] = deadline;
  colors[9] = mq_parcel_is_overdue (p, r->today) ? &overdue_red : NULL;
  cells[10] = p->details->entity;
  mq_report_table_row (&table, y, cells, colors, MQ_REPORT_ROW_PLAIN);
}

/* "本页合计" or "合计": the parcels, their mu and each lock's count. */
static void
table_totals_row (Report       *r,
                  double        y,
                  const char   *label,
                  const Totals *t)
{
  MqReportTable table = report_table (r, table_columns, N_TABLE_COLUMNS);
  g_autofree char *count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u parcel", "%u parcels", t->parcels),
                                            t->parcels);
  g_autofree char *mu = g_strdup_printf ("%.2f", t->m2 / MQ_M2_PER_MU);
  char *locks[MQ_N_LOCKS] = { NULL };
  const char *cells[N_TABLE_COLUMNS] = { NULL, label, count, mu };

  for (guint lock = 0; lock < MQ_N_LOCKS; lock++)
    cells[5 + lock] = locks[lock] = g_strdup_printf ("%u", t->locks[lock]);
  mq_report_table_row (&table, y, cells, NULL, MQ_REPORT_ROW_TOTAL);
  for (guint lock = 0; lock < MQ_N_LOCKS; lock++)
    g_free (locks[lock]);
}

/* As many pages as the rows need, the header row on each, a total for the
 * page under its rows and one for the whole table at its end. */
static void
table_pages (Report *r)
{
  MqParcels *parcels = mq_dataset_get_parcels (r->dataset);
  MqReportTable table = report_table (r, table_columns, N_TABLE_COLUMNS);
  guint per_page = rows_per_page (r, 2);
  Totals all = { 0 };

  for (guint page = 0; page < r->table_pages; page++)
    {
      double y = MARGIN + HEADER;
      Totals on_page = { 0 };
      guint end = MIN ((page + 1) * per_page, r->parcels->len);

      header (r, _("Parcels flagged for upgrade and their four locks"));
      mq_report_table_head (&table, y);
      for (guint k = page * per_page; k < end; k++)
        {
          const MqParcel *p = mq_parcels_get (parcels, g_array_index (r->parcels, guint, k));

          y += ROW;
          table_parcel_row (r, y, k + 1, p);
          totals_add (&on_page, p);
          totals_add (&all, p);
        }
      if (r->parcels->len == 0)
        mq_text_in (r->cr, _("None."), MARGIN + 3, y += ROW, 0, TEXT, FALSE);
      else if (r->table_pages > 1)
        table_totals_row (r, y += ROW, _("Page total"), &on_page);
      if (page + 1 == r->table_pages && r->parcels->len > 0)
        table_totals_row (r, y += ROW, _("Total"), &all);
      next_page (r);
    }
}

/* ---- changes since a day ---------------------------------------------------- */

static const MqReportColumn changes_columns[] = {
  { N_("Parcel"), 0.10, FALSE }, { N_("Right holder"), 0.25, FALSE }, { N_("Mu"), 0.07, TRUE },
  { N_("What changed"), 0.58, FALSE },
};

/* The page a meeting opens with: what changed since the last one (the
 * figures as the dashboard's card has them), then the parcels changed, as
 * many as the page holds. */
static void
changes_page (Report    *r,
              MqChanges *changes)
{
  MqReportTable table = report_table (r, changes_columns, G_N_ELEMENTS (changes_columns));
  MqParcels *parcels = mq_dataset_get_parcels (r->dataset);
  GArray *changed = mq_changes_get_changed (changes);
  g_autofree char *day = mq_date_format (mq_changes_get_since (changes));
  g_autofree char *heading = g_strdup_printf (_("Changes since %s"), day);
  g_autofree char *brief = mq_changes_dup_brief (changes);
  g_auto(GStrv) lines = g_strsplit (brief, "\n", -1);
  double y = MARGIN + HEADER;
  guint rows, k;

  header (r, heading);
  for (guint i = 0; lines[i] != NULL; i++, y += ROW * 1.3)
    mq_text_in (r->cr, lines[i], MARGIN, y, r->width - 2 * MARGIN, TEXT * 1.3, i == 0);
  y += ROW;
  mq_report_table_head (&table, y);
  rows = (guint) MAX (0.0, (r->height - MARGIN - FOOTER - y) / ROW - 2);
  for (k = 0; k < changed->len && k < rows; k++)
    {
      const MqChangedParcel *c = &g_array_index (changed, MqChangedParcel, k);
      const MqParcel *p = mq_parcels_get (parcels, c->parcel);
      g_autofree char *mu = g_strdup_printf ("%.2f", p->area_m2 / MQ_M2_PER_MU);
      GString *what = g_string_new (NULL);
      const char *cells[4];

      for (guint f = 0; f < MQ_N_FIELDS; f++)
        if (c->fields & (G_GUINT64_CONSTANT (1) << f))
          g_string_append_printf (what, "%s%s", what->len ? "、" : "", mq_field_label (f));
      cells[0] = p->id ? p->id : "?", cells[1] = p->owner ? p->owner : "", cells[2] = mu, cells[3] = what->str;
      mq_report_table_row (&table, y += ROW, cells, NULL, MQ_REPORT_ROW_PLAIN);
      g_string_free (what, TRUE);
    }
  if (changed->len == 0)
    mq_text_in (r->cr, _("None."), MARGIN + 3, y += ROW, 0, TEXT, FALSE);
  else if (k < changed->len)
    {
      g_autofree char *more = g_strdup_printf (_("… and %u more parcels (the window's dashboard lists them all)"),
                                               changed->len - k);

      mq_text_in (r->cr, more, MARGIN + 3, y += ROW, 0, TEXT, FALSE);
    }
  next_page (r);
}

/* ---- deadlines ------------------------------------------------------------ */

static const MqReportColumn deadline_columns[] = {
  { N_("No."), 0.04, TRUE }, { N_("Parcel"), 0.07, FALSE }, { N_("Right holder"), 0.17, FALSE },
  { N_("Deadline"), 0.08, FALSE }, { N_("Status"), 0.10, FALSE }, { N_("Responsible entity"), 0.18, FALSE },
  { N_("Stage"), 0.08, FALSE }, { N_("Locks held"), 0.07, FALSE }, { N_("Contact person"), 0.10, FALSE },
  { N_("Phone"), 0.11, FALSE },
};
#define N_DEADLINE_COLUMNS G_N_ELEMENTS (deadline_columns)

/* Most overdue first, then the nearest deadline; the id between equals. */
static int
compare_by_deadline (gconstpointer a,
                     gconstpointer b,
                     gpointer      user_data)
{
  MqParcels *parcels = user_data;
  const MqParcel *pa = mq_parcels_get (parcels, *(const guint *) a);
  const MqParcel *pb = mq_parcels_get (parcels, *(const guint *) b);

  if (pa->deadline != pb->deadline)
    return pa->deadline < pb->deadline ? -1 : 1;
  return g_strcmp0 (pa->id, pb->id);
}

/* The report's parcels that are overdue or due soon, most overdue first. */
static GArray *
deadline_parcels (Report *r)
{
  MqParcels *parcels = mq_dataset_get_parcels (r->dataset);
  GArray *items = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint k = 0; k < r->parcels->len; k++)
    {
      guint i = g_array_index (r->parcels, guint, k);
      const MqParcel *p = mq_parcels_get (parcels, i);

      if (mq_parcel_is_overdue (p, r->today) || mq_parcel_is_due_soon (p, r->today))
        g_array_append_val (items, i);
    }
  g_array_sort_with_data (items, compare_by_deadline, parcels);
  return items;
}

static void
deadline_row (Report         *r,
              double          y,
              guint           number,
              const MqParcel *p)
{
  MqReportTable table = report_table (r, deadline_columns, N_DEADLINE_COLUMNS);
  g_autofree char *no = g_strdup_printf ("%u", number);
  g_autofree char *deadline = mq_date_format (p->deadline);
  g_autofree char *locks = g_strdup_printf ("%u/%u", mq_parcel_get_locks_held (p), MQ_N_LOCKS);
  const MqRgb *color = NULL;
  g_autofree char *state = deadline_state (p, r->today, &color);
  const char *cells[N_DEADLINE_COLUMNS] = {
    no, p->id, p->owner, deadline, state, p->details->entity, mq_stage_label (p->stage), locks,
    p->details->contact, p->details->phone,
  };
  const MqRgb *colors[N_DEADLINE_COLUMNS] = { NULL, NULL, NULL, NULL, color };

  mq_report_table_row (&table, y, cells, colors, MQ_REPORT_ROW_PLAIN);
}

/* A table of the parcels overdue or due within 30 days, most overdue
 * first, over as many pages as it needs. */
static void
deadline_pages (Report *r)
{
  MqParcels *parcels = mq_dataset_get_parcels (r->dataset);
  MqReportTable table = report_table (r, deadline_columns, N_DEADLINE_COLUMNS);
  guint per_page = rows_per_page (r, 2);
  guint overdue = 0;

  for (guint k = 0; k < r->deadlines->len; k++)
    overdue += mq_parcel_is_overdue (mq_parcels_get (parcels, g_array_index (r->deadlines, guint, k)), r->today);
  for (guint page = 0; page < r->deadline_pages; page++)
    {
      g_autofree char *counts = g_strdup_printf (_("Overdue: %u · due within 30 days: %u"), overdue,
                                                 r->deadlines->len - overdue);
      double y = MARGIN + HEADER;
      guint end = MIN ((page + 1) * per_page, r->deadlines->len);

      header (r, _("Deadlines: overdue and due within 30 days"));
      mq_text_in (r->cr, counts, MARGIN, y, 0, 10, TRUE);
      y += ROW + 2;
      mq_report_table_head (&table, y);
      for (guint k = page * per_page; k < end; k++)
        deadline_row (r, y += ROW, k + 1, mq_parcels_get (parcels, g_array_index (r->deadlines, guint, k)));
      if (r->deadlines->len == 0)
        mq_text_in (r->cr, _("None."), MARGIN + 3, y + ROW, 0, TEXT, FALSE);
      next_page (r);
    }
}

/* ---- atlas ------------------------------------------------------------------ */

static double
field_line (Report     *r,
            double      x,
            double      y,
            double      width,
            const char *name,
            const char *value)
{
  mq_text_in (r->cr, name, x, y, width * 0.32, TEXT, TRUE);
  mq_text_in (r->cr, value && *value ? value : "—", x + width * 0.34, y, width * 0.66, TEXT, FALSE);
  return y + ROW;
}

static double
lock_lines (Report         *r,
            const MqParcel *p,
            double          x,
            double          y,
            double          width)
{
  mq_text_in (r->cr, _("The four locks"), x, y, width, 11, TRUE);
  y += ROW + 2;
  for (guint lock = 0; lock < MQ_N_LOCKS; lock++)
    {
      g_autofree char *date = mq_date_format (p->details->lock_date[lock]);
      g_autofree char *state = (p->locks & (1u << lock))
                                 ? g_strdup_printf (_("✓ locked %s"), date)
                                 : g_strdup (_("— open"));

      y = field_line (r, x, y, width, mq_lock_label (lock), state);
    }
  return y;
}

/* The parcel's newest changes from the project's history, as many as fit. */
static void
recent_changes (Report         *r,
                const MqParcel *p,
                double          x,
                double          y,
                double          width,
                double          bottom)
{
  GPtrArray *entries = p->id && r->history ? g_hash_table_lookup (r->history, p->id) : NULL;

  mq_text_in (r->cr, _("Recent changes"), x, y, width, 11, TRUE);
  y += ROW + 2;
  if (entries == NULL || entries->len == 0)
    {
      mq_text_in (r->cr, _("No changes recorded in this file yet."), x, y, width, TEXT, FALSE);
      return;
    }
  for (guint i = 0; i < entries->len && y < bottom; i++)
    {
      const MqHistoryEntry *e = g_ptr_array_index (entries, i);
      g_autofree char *when = mq_history_entry_dup_time (e);
      g_autofree char *change = mq_history_entry_dup_change (e);
      g_autofree char *who = g_strdup_printf ("%s · %s", when, e->user ? e->user : "");

      y = field_line (r, x, y, width, who, change);
    }
}

/* "已逾期 N 天" in white on red (amber when due soon), right-aligned to
 * @right on the heading's line. */
static void
deadline_badge (Report         *r,
                const MqParcel *p,
                double          right,
                double          y)
{
  const MqRgb *color = NULL;
  g_autofree char *text = NULL;
  double w, h;

  if (!mq_parcel_is_overdue (p, r->today) && !mq_parcel_is_due_soon (p, r->today))
    return;
  text = deadline_state (p, r->today, &color);
  mq_text_size (r->cr, text, 12, TRUE, &w, &h);
  cairo_rectangle (r->cr, right - w - 16, y - 3, w + 16, h + 6);
  cairo_set_source_rgb (r->cr, color->r, color->g, color->b);
  cairo_fill (r->cr);
  mq_report_text (r->cr, text, right - w - 8, y, 0, 12, TRUE, FALSE, &(MqRgb) { 1, 1, 1 });
}

/* The whole zone small, the parcel marked in red, in @box (beside the
 * map, where it hides none of its labels). */
static void
locator_inset (Report      *r,
               const MqBox *box,
               guint        index)
{
  MqParcels *parcels = mq_dataset_get_parcels (r->dataset);
  const MqReference *ref = mq_dataset_get_reference (r->dataset);
  const MqBox b = mq_shapes_get_bbox (mq_parcels_get_shapes (parcels), index);
  g_autoptr(MqViewport) vp = mq_viewport_new ();
  double x = box->min_x, y = box->min_y, w = box->max_x - x, h = box->max_y - y, cx, cy;
  MqBox extent;

  mq_dataset_get_extent (r->dataset, &extent);
  mq_viewport_set_size (vp, w, h);
  mq_viewport_fit (vp, &extent, 6);
  cairo_save (r->cr);
  cairo_rectangle (r->cr, x, y, w, h);
  cairo_set_source_rgba (r->cr, 1, 1, 1, 0.92);
  cairo_fill_preserve (r->cr);
  cairo_set_source_rgb (r->cr, 0.35, 0.35, 0.35);
  cairo_set_line_width (r->cr, 0.8);
  cairo_stroke_preserve (r->cr);
  cairo_clip (r->cr);
  cairo_translate (r->cr, x, y);
  for (guint i = 0; ref != NULL && i < ref->kind->len; i++)
    if (g_array_index (ref->kind, guint8, i) <= MQ_REF_PART)
      mq_renderer_path_feature (r->cr, vp, ref->shapes, i, TRUE);
  cairo_set_source_rgb (r->cr, 0.55, 0.18, 0.10);
  cairo_set_line_width (r->cr, 0.8);
  cairo_stroke (r->cr);
  mq_renderer_path_feature (r->cr, vp, mq_parcels_get_shapes (parcels), index, TRUE);
  cairo_set_source_rgb (r->cr, overdue_red.r, overdue_red.g, overdue_red.b);
  cairo_fill (r->cr);
  /* A parcel is a speck at the zone's scale: a ring shows where. */
  mq_viewport_map_to_screen (vp, (b.min_x + b.max_x) / 2, (b.min_y + b.max_y) / 2, &cx, &cy);
  cairo_arc (r->cr, cx, cy, 6, 0, 2 * G_PI);
  cairo_set_line_width (r->cr, 1.5);
  cairo_stroke (r->cr);
  cairo_restore (r->cr);
}

/* An atlas map's legend counts what it shows, not the zone. */
static void
atlas_furniture (Report      *r,
                 const MqBox *frame,
                 MqViewport  *vp)
{
  MqBox view;
  g_autoptr(GArray) shown = NULL;

  mq_viewport_get_visible_box (vp, &view);
  shown = mq_spatial_index_query (mq_parcels_get_index (mq_dataset_get_parcels (r->dataset)), &view);
  map_furniture (r, frame, vp, shown, 0.6);
}

static void
atlas_page (Report *r,
            guint   index)
{
  MqParcels *parcels = mq_dataset_get_parcels (r->dataset);
  const MqParcel *p = mq_parcels_get (parcels, index);
  g_autoptr(MqViewport) vp = mq_viewport_new ();
  g_autoptr(MqSelection) only = mq_selection_new ();
  g_autofree char *heading = g_strdup_printf (_("Parcel %s"), p->id ? p->id : "");
  g_autofree char *area = g_strdup_printf (_("%.2f mu (%.1f m²)"), p->area_m2 / MQ_M2_PER_MU, p->area_m2);
  g_autofree char *deadline = mq_date_format (p->deadline);
  const MqBox b = mq_shapes_get_bbox (mq_parcels_get_shapes (parcels), index);
  MqBox around = { b.min_x - (b.max_x - b.min_x), b.min_y - (b.max_y - b.min_y),
                   b.max_x + (b.max_x - b.min_x), b.max_y + (b.max_y - b.min_y) };
  MqBox frame = { MARGIN, MARGIN + HEADER, MARGIN + (r->width - 2 * MARGIN) * 0.55,
                  r->height - MARGIN - FOOTER };
  double x = frame.max_x + 24, width = r->width - MARGIN - x, y = frame.min_y;
  double inset_w = MIN (width * 0.5, 190);
  MqBox inset;

  header (r, heading);
  deadline_badge (r, p, r->width - MARGIN, MARGIN - 4);
  mq_viewport_set_size (vp, frame.max_x - frame.min_x, frame.max_y - frame.min_y);
  mq_viewport_fit (vp, &around, 10);
  mq_selection_select_only (only, index);
  mq_renderer_set_selection (r->renderer, only);
  draw_map_in (r, &frame, vp, FALSE);
  mq_renderer_set_selection (r->renderer, NULL);
  note_frame (r, &frame, vp, (int) index);
  atlas_furniture (r, &frame, vp);
  y = field_line (r, x, y, width, _("Right holder"), p->owner);
  y = field_line (r, x, y, width, _("Location"), p->location);
  y = field_line (r, x, y, width, _("Land use"), p->land_use_name);
  y = field_line (r, x, y, width, _("Area"), area);
  y = field_line (r, x, y, width, _("Reason flagged"), p->details->flag_reason);
  y = field_line (r, x, y, width, _("Transformation method"), mq_method_label (p->method));
  y = field_line (r, x, y, width, _("Project"), p->details->project);
  y = field_line (r, x, y, width, _("Target industry"), p->details->industry);
  y = field_line (r, x, y, width, _("Investor"), p->details->investor);
  y = field_line (r, x, y, width, _("Deadline"), deadline);
  y = field_line (r, x, y, width, _("Stage"), mq_stage_label (p->stage));
  y = field_line (r, x, y, width, _("Responsible entity"), p->details->entity);
  y = field_line (r, x, y, width, _("Contact person"), p->details->contact);
  y = field_line (r, x, y, width, _("Phone"), p->details->phone) + 10;
  y = lock_lines (r, p, x, y, width) + 10;
  inset = (MqBox) { x + width - inset_w, frame.max_y - inset_w * 0.9, x + width, frame.max_y };
  recent_changes (r, p, x, y, width, inset.min_y - ROW);
  mq_text_in (r->cr, _("Location in the zone"), inset.min_x, inset.min_y - ROW, inset_w, TEXT, TRUE);
  locator_inset (r, &inset, index);
  next_page (r);
}

/* ---- the whole report ------------------------------------------------------- */

/* The flagged parcels (or the selected ones), by id. */
static int
compare_by_id (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  MqParcels *parcels = user_data;

  return g_strcmp0 (mq_parcels_get (parcels, *(const guint *) a)->id,
                    mq_parcels_get (parcels, *(const guint *) b)->id);
}

static GArray *
report_parcels (MqDataset             *dataset,
                const MqReportOptions *options)
{
  MqParcels *parcels = mq_dataset_get_parcels (dataset);
  GArray *items = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint i = 0; i < mq_parcels_get_n_parcels (parcels); i++)
    if (options->only ? mq_selection_contains (options->only, i) : mq_parcels_get (parcels, i)->flagged)
      g_array_append_val (items, i);
  g_array_sort_with_data (items, compare_by_id, parcels);
  return items;
}

static void
set_metadata (cairo_surface_t *surface,
              const char      *title)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *date = g_date_time_format_iso8601 (now);

  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, title);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_AUTHOR, _("Maqiao Land Viewer"));
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_SUBJECT,
                                  _("Transformation of industrial land and the four locks"));
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "maqiao-land " PACKAGE_VERSION);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATE_DATE, date);
}

static void
write_pages (Report *r)
{
  r->table_pages = pages_for (r->parcels->len, rows_per_page (r, 2));
  r->deadline_pages = pages_for (r->deadlines->len, rows_per_page (r, 2));
  r->n_pages = (r->options->changes != NULL) + 1 + (r->options->only == NULL) + r->table_pages + r->deadline_pages +
               (r->options->atlas ? r->parcels->len : 0);
  r->page = 1;
  if (r->options->changes != NULL)
    changes_page (r, r->options->changes);
  overview_page (r);
  if (r->options->only == NULL)
    progress_page (r);
  table_pages (r);
  deadline_pages (r);
  for (guint k = 0; r->options->atlas && k < r->parcels->len; k++)
    atlas_page (r, g_array_index (r->parcels, guint, k));
}

/* The PDF goes through our own output rather than cairo's file writer, so a
 * full disk or a missing folder reports the system's reason, not "write
 * error", and the file appears only whole. */
cairo_status_t
mq_report_sink_write (void                *data,
                      const unsigned char *bytes,
                      unsigned int         length)
{
  return mq_output_write (data, bytes, length) ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

/* Draws every page into r->cr (and the surfaces after it, page by page,
 * with a pages' folder). */
static void
draw_report (Report    *r,
             GDateTime *now)
{
  r->renderer = mq_renderer_new ();
  r->parcels = report_parcels (r->dataset, r->options);
  r->generated = g_date_time_format (now, "%Y-%m-%d %H:%M");
  r->today = mq_dataset_get_today (r->dataset);
  r->deadlines = deadline_parcels (r);
  r->history = r->options->atlas ? mq_history_load_recent (mq_dataset_get_path (r->dataset), 8)
                                 : NULL;
  mq_renderer_set_dataset (r->renderer, r->dataset);
  mq_renderer_set_theme (r->renderer, r->options->theme);
  mq_renderer_set_label_field (r->renderer, r->options->label_field);
  mq_export_set_layers (r->renderer, r->options->layers, r->options->rasters);
  write_pages (r);
  close_surface (r);
  g_object_unref (r->renderer);
  g_array_unref (r->parcels);
  g_array_unref (r->deadlines);
  g_clear_pointer (&r->history, g_hash_table_unref);
  g_free (r->generated);
}

/**
 * mq_report_write_pdf:
 *
 * Writes the report; on failure nothing is left at @path.
 */
gboolean
mq_report_write_pdf (MqDataset              *dataset,
                     const char             *path,
                     const MqReportOptions  *options,
                     GError                **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(MqOutput) out = NULL;
  Report r = { dataset, options };

  if (!mq_report_page_size (options, &r.width, &r.height, error))
    return FALSE;
  out = mq_output_new (path, NULL, TRUE, mq_dataset_get_path (dataset), error);
  if (out == NULL)
    return FALSE;
  r.surface = cairo_pdf_surface_create_for_stream (mq_report_sink_write, out, r.width, r.height);
  set_metadata (r.surface, mq_report_get_title (options));
  r.cr = cairo_create (r.surface);
  draw_report (&r, now);
  if (r.failed)
    mq_output_set_failed (out, EIO);
  return mq_output_commit (out, error);
}

/**
 * mq_report_write_pages:
 * @geo: (out) (element-type MqReportPageGeo): where each map frame is
 *
 * The report as one PDF per page, "page-0001.pdf" … in @folder (a GeoPDF's
 * makings), and the pages whose maps show the ground.
 *
 * Returns: the number of pages, 0 when one could not be written
 */
guint
mq_report_write_pages (MqDataset              *dataset,
                       const char             *folder,
                       const MqReportOptions  *options,
                       GArray                **geo,
                       GError                **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  Report r = { dataset, options };

  if (!mq_report_page_size (options, &r.width, &r.height, error))
    return 0;
  r.pages_dir = folder;
  r.geo = g_array_new (FALSE, FALSE, sizeof (MqReportPageGeo));
  r.page = 1;
  open_page_surface (&r);
  draw_report (&r, now);
  if (r.failed)
    {
      g_set_error (error, MQ_REPORT_ERROR, MQ_REPORT_ERROR_WRITE, _("%s: cannot be written"), folder);
      g_array_unref (r.geo);
      return 0;
    }
  *geo = r.geo;
  return r.n_pages;
}

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
#include "mq-store.h"

#include <cairo-pdf.h>
#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <unistd.h>

#include "mq-figures.h"
#include "mq-output.h"
#include "mq-furniture.h"
#include "mq-style.h"
#include "mq-summary.h"
#include "mq-terms.h"

G_DEFINE_QUARK (mq-report-error-quark, mq_report_error)

#define MARGIN 28.0
#define HEADER 58.0
#define FOOTER 22.0
#define ROW 17.0
#define TEXT 9.0
/* A point is 1/72 inch: the denominator of the printed scale. */
#define METRES_PER_POINT (0.0254 / 72.0)

typedef struct
{
  MqDataset             *dataset;
  const MqReportOptions *options;
  MqRenderer            *renderer;
  cairo_t               *cr;
  double                 width, height;
  guint                  page, n_pages;
  GArray                *parcels;      /* guint: the table's and atlas's parcels, sorted */
  char                  *generated;
  guint32                today;
  GHashTable            *history;      /* parcel id → recent MqHistoryEntry, for the atlas */
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

static const char *
title_of (const MqReportOptions *options)
{
  return options->title && *options->title ? options->title
                                            : _("Maqiao AI Pilot Zone: Industrial Land Transformation");
}

static void
header (Report     *r,
        const char *heading)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *date = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *line = NULL;

  mq_text_in (r->cr, heading, MARGIN, MARGIN - 6, r->width - 2 * MARGIN, 20, TRUE);
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
next_page (Report *r)
{
  footer (r);
  cairo_show_page (r->cr);
  r->page++;
}

/* ---- page 1: the map and the figures ------------------------------------- */

void
mq_report_map_frame (const MqReportOptions *options,
                     MqDataset             *dataset,
                     MqBox                 *frame,
                     MqViewport            *viewport)
{
  double w = 0, h = 0;
  MqBox extent;

  mq_report_page_size (options, &w, &h, NULL);
  frame->min_x = MARGIN;
  frame->min_y = MARGIN + HEADER;
  frame->max_x = MARGIN + (w - 2 * MARGIN) * (options->portrait ? 1.0 : 0.68);
  frame->max_y = options->portrait ? MARGIN + HEADER + (h - 2 * MARGIN - HEADER) * 0.62
                                   : h - MARGIN - FOOTER;
  mq_viewport_set_size (viewport, frame->max_x - frame->min_x, frame->max_y - frame->min_y);
  mq_dataset_get_extent (dataset, &extent);
  mq_viewport_fit (viewport, &extent, 30);
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

static void
summary_panel (Report      *r,
               const MqBox *frame)
{
  g_autoptr(MqSummary) s = mq_summary_new (r->dataset, r->today);
  double x = r->options->portrait ? MARGIN : frame->max_x + 40;
  double y = r->options->portrait ? frame->max_y + 24 : frame->min_y;
  double width = r->options->portrait ? (r->width - 2 * MARGIN) / 2 : r->width - MARGIN - x;
  MqFiguresStyle style = { TEXT, ROW, 0 };

  mq_figures_draw (r->cr, s, NULL, x, y, width, &style);
}

static void
overview_page (Report *r)
{
  g_autoptr(MqViewport) vp = mq_viewport_new ();
  g_autofree char *scale = NULL;
  MqBox frame;

  header (r, title_of (r->options));
  mq_report_map_frame (r->options, r->dataset, &frame, vp);
  draw_map_in (r, &frame, vp, TRUE);
  frame_ticks (r, &frame, vp);
  scale = g_strdup_printf ("1:%.0f", mq_viewport_get_resolution (vp) / METRES_PER_POINT);
  mq_text_in (r->cr, scale, frame.min_x + 14, frame.max_y - 54, 0, 10, TRUE);
  summary_panel (r, &frame);
  next_page (r);
}

/* ---- the table of flagged parcels ----------------------------------------- */

typedef struct
{
  const char *title;
  double      share;   /* of the table's width */
} Column;

static const Column table_columns[] = {
  { N_("Parcel"), 0.08 }, { N_("Right holder"), 0.20 }, { N_("Mu"), 0.06 },
  { N_("Method"), 0.08 }, { N_("Parcel locked"), 0.065 }, { N_("Project locked"), 0.065 },
  { N_("Time locked"), 0.065 }, { N_("Entity locked"), 0.065 }, { N_("Deadline"), 0.08 },
  { N_("Responsible entity"), 0.22 },
};

static guint
rows_per_page (Report *r)
{
  return (guint) floor ((r->height - 2 * MARGIN - HEADER - FOOTER - ROW) / ROW);
}

static char *
cell (const MqParcel *p,
      guint           column)
{
  switch (column)
    {
    case 0: return g_strdup (p->id);
    case 1: return g_strdup (p->owner);
    case 2: return g_strdup_printf ("%.1f", p->area_m2 / MQ_M2_PER_MU);
    case 3: return g_strdup (mq_method_label (p->method));
    case 4: case 5: case 6: case 7:
      return g_strdup ((p->locks & (1u << (column - 4))) ? "✓" : "—");
    case 8: return mq_date_format (p->deadline);
    case 9: return g_strdup (p->details->entity);
    default: return NULL;
    }
}

static void
table_row (Report         *r,
           double          y,
           const MqParcel *p,
           gboolean        head)
{
  double x = MARGIN, width = r->width - 2 * MARGIN;

  if (head)
    {
      cairo_rectangle (r->cr, MARGIN, y - 2, width, ROW);
      cairo_set_source_rgb (r->cr, 0.90, 0.89, 0.86);
      cairo_fill (r->cr);
    }
  for (guint c = 0; c < G_N_ELEMENTS (table_columns); c++)
    {
      g_autofree char *text = head ? g_strdup (_(table_columns[c].title)) : cell (p, c);

      mq_text_in (r->cr, text, x + 3, y, width * table_columns[c].share - 6, TEXT, head);
      x += width * table_columns[c].share;
    }
  cairo_set_source_rgb (r->cr, 0.8, 0.8, 0.8);
  cairo_set_line_width (r->cr, 0.4);
  cairo_move_to (r->cr, MARGIN, y + ROW - 2);
  cairo_line_to (r->cr, MARGIN + width, y + ROW - 2);
  cairo_stroke (r->cr);
}

/* As many pages as the rows need, the header row on each. */
static void
table_pages (Report *r)
{
  MqParcels *parcels = mq_dataset_get_parcels (r->dataset);
  guint per_page = rows_per_page (r);

  for (guint start = 0; start < r->parcels->len || start == 0; start += per_page)
    {
      double y = MARGIN + HEADER;

      header (r, _("Parcels flagged for upgrade and their four locks"));
      table_row (r, y, NULL, TRUE);
      for (guint k = start; k < MIN (start + per_page, r->parcels->len); k++)
        {
          y += ROW;
          table_row (r, y, mq_parcels_get (parcels, g_array_index (r->parcels, guint, k)), FALSE);
        }
      next_page (r);
      if (r->parcels->len == 0)
        break;
    }
}

/* ---- deadlines ------------------------------------------------------------ */

static double
deadline_list (Report     *r,
               const char *heading,
               gboolean    overdue,
               double      y)
{
  MqParcels *parcels = mq_dataset_get_parcels (r->dataset);
  double limit = r->height - MARGIN - FOOTER - ROW;
  guint shown = 0, total = 0;

  mq_text_in (r->cr, heading, MARGIN, y, 0, 12, TRUE);
  y += ROW + 4;
  for (guint k = 0; k < r->parcels->len; k++)
    {
      const MqParcel *p = mq_parcels_get (parcels, g_array_index (r->parcels, guint, k));
      gboolean match = overdue ? mq_parcel_is_overdue (p, r->today) : mq_parcel_is_due_soon (p, r->today);
      g_autofree char *deadline = NULL;
      g_autofree char *line = NULL;

      if (!match)
        continue;
      total++;
      if (y > limit)
        continue;
      deadline = mq_date_format (p->deadline);
      line = g_strdup_printf (_("%s  %s  deadline %s (%+d days)  %s  responsible: %s"), p->id,
                              p->owner ? p->owner : "—", deadline, (int) p->deadline - (int) r->today,
                              mq_stage_label (p->stage), p->details->entity ? p->details->entity : "—");
      mq_text_in (r->cr, line, MARGIN + 8, y, r->width - 2 * MARGIN - 8, TEXT, FALSE);
      y += ROW;
      shown++;
    }
  if (total == 0)
    mq_text_in (r->cr, _("None."), MARGIN + 8, y, 0, TEXT, FALSE), y += ROW;
  else if (shown < total)
    {
      g_autofree char *more = g_strdup_printf (_("… and %u more (see the table)"), total - shown);

      mq_text_in (r->cr, more, MARGIN + 8, y, 0, TEXT, FALSE);
      y += ROW;
    }
  return y + 12;
}

static void
deadlines_page (Report *r)
{
  double y = MARGIN + HEADER;

  header (r, _("Deadlines: overdue and due within 30 days"));
  y = deadline_list (r, _("Overdue"), TRUE, y);
  deadline_list (r, _("Due within 30 days"), FALSE, y);
  next_page (r);
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
                double          width)
{
  GPtrArray *entries = p->id && r->history ? g_hash_table_lookup (r->history, p->id) : NULL;
  double bottom = r->height - MARGIN - FOOTER - 2 * ROW;

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

  header (r, heading);
  mq_viewport_set_size (vp, frame.max_x - frame.min_x, frame.max_y - frame.min_y);
  mq_viewport_fit (vp, &around, 10);
  mq_selection_select_only (only, index);
  mq_renderer_set_selection (r->renderer, only);
  draw_map_in (r, &frame, vp, TRUE);
  mq_renderer_set_selection (r->renderer, NULL);
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
  recent_changes (r, p, x, y, width);
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
  guint per_page = rows_per_page (r);

  r->n_pages = 1 + MAX (1, (r->parcels->len + per_page - 1) / per_page) + 1 +
               (r->options->atlas ? r->parcels->len : 0);
  r->page = 1;
  overview_page (r);
  table_pages (r);
  deadlines_page (r);
  for (guint k = 0; r->options->atlas && k < r->parcels->len; k++)
    atlas_page (r, g_array_index (r->parcels, guint, k));
}

/* The PDF goes through our own output rather than cairo's file writer, so a
 * full disk or a missing folder reports the system's reason, not "write
 * error", and the file appears only whole. */
static cairo_status_t
sink_write (void                *data,
            const unsigned char *bytes,
            unsigned int         length)
{
  return mq_output_write (data, bytes, length) ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

static void
draw_report (Report    *r,
             MqOutput  *sink,
             GDateTime *now)
{
  cairo_surface_t *surface = cairo_pdf_surface_create_for_stream (sink_write, sink, r->width, r->height);

  set_metadata (surface, title_of (r->options));
  r->cr = cairo_create (surface);
  r->renderer = mq_renderer_new ();
  r->parcels = report_parcels (r->dataset, r->options);
  r->generated = g_date_time_format (now, "%Y-%m-%d %H:%M");
  r->today = mq_today ();
  r->history = r->options->atlas ? mq_history_load_recent (mq_dataset_get_path (r->dataset), 8)
                                 : NULL;
  mq_renderer_set_dataset (r->renderer, r->dataset);
  mq_renderer_set_theme (r->renderer, r->options->theme);
  mq_renderer_set_label_field (r->renderer, r->options->label_field);
  for (guint i = 0; r->options->rasters != NULL && i < r->options->rasters->len; i++)
    mq_renderer_add_raster_layer (r->renderer, g_ptr_array_index (r->options->rasters, i));
  write_pages (r);
  cairo_destroy (r->cr);
  cairo_surface_finish (surface);
  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    mq_output_set_failed (sink, EIO);
  cairo_surface_destroy (surface);
  g_object_unref (r->renderer);
  g_array_unref (r->parcels);
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
  draw_report (&r, out, now);
  return mq_output_commit (out, error);
}

/* mq-survey-pdf.c
 *
 * The report's own table drawing (render/mq-report-table.c) on A4 landscape
 * pages, written under mq-output's temporary name and renamed whole.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-survey-pdf.h"

#include <cairo-pdf.h>
#include <errno.h>
#include <glib/gi18n-lib.h>

#include "mq-output.h"
#include "mq-report.h"
#include "mq-report-table.h"

#define PAGE_W 841.89
#define PAGE_H 595.28
#define MARGIN 36.0
#define ROW 16.0
#define TEXT 8.5

static const MqReportColumn totals_columns[] = {
  { N_("Class"), 0.28, FALSE }, { N_("Old parcels"), 0.18, TRUE }, { N_("Old mu"), 0.18, TRUE },
  { N_("New parcels"), 0.18, TRUE }, { N_("New mu"), 0.18, TRUE },
};

static const double row_shares[MQ_SURVEY_REPORT_N_COLUMNS] = { 0.09, 0.08, 0.08, 0.08, 0.08, 0.09, 0.06, 0.06,
                                                                0.16, 0.22 };

typedef struct
{
  MqSurveyUpdate *update;
  cairo_t        *cr;
  guint           page;
  MqReportColumn  columns[MQ_SURVEY_REPORT_N_COLUMNS];
} Pdf;

/* The title on the first page, the page number on each. */
static double
page_top (Pdf *p)
{
  g_autofree char *base = g_path_get_basename (mq_survey_update_get_survey_path (p->update));
  g_autofree char *number = g_strdup_printf (_("Page %u"), ++p->page);
  g_autofree char *survey = NULL;
  double y = MARGIN;

  mq_report_text (p->cr, number, MARGIN, PAGE_H - MARGIN + 8, PAGE_W - 2 * MARGIN, 7, FALSE, TRUE, NULL);
  if (p->page > 1)
    return y;
  mq_report_text (p->cr, _("Survey Update: Change Report"), MARGIN, y, 0, 16, TRUE, FALSE, NULL);
  /* TRANSLATORS: under the change report's title: the new survey's file */
  survey = g_strdup_printf (_("New survey: %s"), base);
  mq_report_text (p->cr, survey, MARGIN, y + 24, 0, 9, FALSE, FALSE, NULL);
  return y + 48;
}

static double
totals (Pdf    *p,
        double  y)
{
  MqReportTable table = { p->cr, MARGIN, (PAGE_W - 2 * MARGIN) * 0.6, totals_columns,
                          G_N_ELEMENTS (totals_columns), TEXT, ROW };

  mq_report_table_head (&table, y);
  for (guint r = 0; r < MQ_N_LINEAGES; r++)
    {
      MqLineageTotal t = mq_survey_update_get_total (p->update, r);
      g_autofree char *n_old = g_strdup_printf ("%u", t.n_old);
      g_autofree char *old_mu = g_strdup_printf ("%.2f", t.old_mu);
      g_autofree char *n_new = g_strdup_printf ("%u", t.n_new);
      g_autofree char *new_mu = g_strdup_printf ("%.2f", t.new_mu);
      const char *cells[] = { mq_lineage_label (r), n_old, old_mu, n_new, new_mu };

      mq_report_table_row (&table, y += ROW, cells, NULL, MQ_REPORT_ROW_PLAIN);
    }
  return y + ROW * 2;
}

static void
rows (Pdf    *p,
      double  y)
{
  MqReportTable table = { p->cr, MARGIN, PAGE_W - 2 * MARGIN, p->columns, MQ_SURVEY_REPORT_N_COLUMNS, TEXT,
                          ROW };

  mq_report_table_head (&table, y);
  for (guint k = 0; k < mq_survey_update_get_n_links (p->update); k++)
    {
      const MqLineageLink *l = mq_survey_update_get_link (p->update, k);
      char *cells[MQ_SURVEY_REPORT_N_COLUMNS];

      if (!mq_lineage_link_is_affected (l))
        continue;
      if (y + 2 * ROW > PAGE_H - MARGIN)
        {
          cairo_show_page (p->cr);
          y = page_top (p);
          mq_report_table_head (&table, y);
        }
      for (guint c = 0; c < MQ_SURVEY_REPORT_N_COLUMNS; c++)
        cells[c] = mq_survey_update_dup_report_cell (p->update, l, c);
      mq_report_table_row (&table, y += ROW, (const char *const *) cells, NULL, MQ_REPORT_ROW_PLAIN);
      for (guint c = 0; c < MQ_SURVEY_REPORT_N_COLUMNS; c++)
        g_free (cells[c]);
    }
}

/**
 * mq_survey_pdf_write:
 * @chinese: the rows' headers in Chinese
 *
 * Written whole or not at all.
 */
gboolean
mq_survey_pdf_write (MqSurveyUpdate  *update,
                     const char      *path,
                     gboolean         chinese,
                     GError         **error)
{
  g_autoptr(MqOutput) out = mq_output_new (path, NULL, TRUE, mq_dataset_get_path (mq_survey_update_get_project (update)),
                                           error);
  cairo_surface_t *surface;
  Pdf p = { update };
  gboolean failed;

  if (out == NULL)
    return FALSE;
  for (guint c = 0; c < MQ_SURVEY_REPORT_N_COLUMNS; c++)
    p.columns[c] = (MqReportColumn) { mq_survey_update_report_header (c, chinese), row_shares[c], c >= 3 && c <= 7 };
  surface = cairo_pdf_surface_create_for_stream (mq_report_sink_write, out, PAGE_W, PAGE_H);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, _("Survey Update: Change Report"));
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "maqiao-land " PACKAGE_VERSION);
  p.cr = cairo_create (surface);
  rows (&p, totals (&p, page_top (&p)));
  cairo_show_page (p.cr);
  cairo_destroy (p.cr);
  cairo_surface_finish (surface);
  failed = cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS;
  cairo_surface_destroy (surface);
  if (failed)
    mq_output_set_failed (out, errno != 0 ? errno : EIO);
  return mq_output_commit (out, error);
}

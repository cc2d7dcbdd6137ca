/* mq-report-table.h — the ruled tables of the PDF report: a header row
 * repeated on each page, numbers right-aligned, totals in bold, a colour
 * for a cell that says something (overdue in red).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <cairo.h>

#include "mq-style.h"

G_BEGIN_DECLS

typedef struct
{
  const char *title;    /* N_(): translated when drawn */
  double      share;    /* of the table's width */
  gboolean    numeric;  /* right-aligned */
} MqReportColumn;

typedef struct
{
  cairo_t              *cr;
  double                x;
  double                width;
  const MqReportColumn *columns;
  guint                 n_columns;
  double                text;     /* text size, points */
  double                row;      /* row height, points */
} MqReportTable;

typedef enum
{
  MQ_REPORT_ROW_PLAIN,
  MQ_REPORT_ROW_HEAD,    /* shaded, bold */
  MQ_REPORT_ROW_TOTAL,   /* bold over a rule */
} MqReportRowKind;

void mq_report_text       (cairo_t             *cr,
                           const char          *text,
                           double               x,
                           double               y,
                           double               width,
                           double               size,
                           gboolean             bold,
                           gboolean             right,
                           const MqRgb         *color);
void mq_report_table_head (const MqReportTable *table,
                           double               y);
void mq_report_table_row  (const MqReportTable *table,
                           double               y,
                           const char * const  *cells,
                           const MqRgb * const *colors,
                           MqReportRowKind      kind);

G_END_DECLS

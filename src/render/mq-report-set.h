/* mq-report-set.h — one PDF report per responsible entity (or method, or
 * stage) into a folder, with an index workbook of the files.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mq-report.h"

G_BEGIN_DECLS

typedef enum
{
  MQ_REPORT_BY_ENTITY,
  MQ_REPORT_BY_METHOD,
  MQ_REPORT_BY_STAGE,
} MqReportBy;

gboolean mq_report_by_parse     (const char             *text,
                                 MqReportBy             *by);
char    *mq_report_file_name    (const char             *group);
gboolean mq_report_write_set    (MqDataset              *dataset,
                                 const char             *folder,
                                 MqReportBy              by,
                                 const MqReportOptions  *options,
                                 GError                **error);

G_END_DECLS

/* mq-xlsx.h — the Excel 台账: the parcel table as a workbook a bureau sends
 * out and gets back filled in.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mq-dataset.h"

G_BEGIN_DECLS

gboolean mq_xlsx_export (MqDataset   *dataset,
                         const char  *path,
                         gboolean     chinese_headers,
                         const char  *unit,
                         GError     **error);

G_END_DECLS

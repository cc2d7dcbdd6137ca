/* mq-geopdf.h — the PDF report as a GeoPDF: georeferenced map pages with
 * queryable parcels, through GDAL's PDF composition.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mq-report.h"

G_BEGIN_DECLS

gboolean mq_geopdf_write (MqDataset              *dataset,
                          const char             *path,
                          const MqReportOptions  *options,
                          GError                **error);

G_END_DECLS
